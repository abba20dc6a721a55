//! Prints the ratio table of the last `cargo bench` run (criterion's medians) as the
//! Markdown of `docs/performance.md`.
//!
//! Usage: `CARGO_TARGET_DIR=../../target/peers cargo run --release --bin report`
//! (reads `$CARGO_TARGET_DIR/criterion`, or the folder given as the first argument).

use std::path::{Path, PathBuf};
use std::process::Command;

use pol_peers::bench_sets;

/// The engines of each group, in table order; pol first.
const PREPARED: &[&str] = &["pol", "regorus-rvm", "regorus", "cel"];
const FLOOR: &str = "serde_json";
const POL_LOAD: &str = "pol-load";

/// The median time of one iteration (one pass over the set), in nanoseconds.
fn median_ns(criterion: &Path, group: &str, engine: &str, set: &str) -> Option<f64> {
    let path = criterion
        .join(group)
        .join(engine)
        .join(set)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn duration(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// A number with thousands separators.
fn grouped(n: f64) -> String {
    let digits = format!("{:.0}", n);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn command(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// pol's version: `version` of `[workspace.package]` in the root `Cargo.toml`.
fn pol_version(repo: &Path) -> String {
    std::fs::read_to_string(repo.join("Cargo.toml"))
        .ok()
        .and_then(|toml| {
            let package = toml.split("[workspace.package]").nth(1)?;
            let line = package
                .lines()
                .find(|l| l.trim_start().starts_with("version"))?;
            Some(line.split('"').nth(1)?.to_owned())
        })
        .unwrap_or_else(|| "?".to_owned())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

struct Set {
    name: String,
    docs: usize,
    bytes: usize,
}

/// One table: a row per engine and set, with pol's speedup over the engine.
fn table(
    criterion: &Path,
    sets: &[Set],
    group: &str,
    engines: &[&str],
    floor: bool,
    targets: &mut Vec<String>,
) {
    println!("| set | engine | median per document | documents/s | MB/s | pol's speedup |");
    println!("|---|---|---:|---:|---:|---:|");
    for set in sets {
        let Some(pol) = median_ns(criterion, group, "pol", &set.name) else {
            continue;
        };
        let mut rows: Vec<(&str, f64)> = engines
            .iter()
            .filter_map(|e| median_ns(criterion, group, e, &set.name).map(|m| (*e, m)))
            .collect();
        if floor {
            for engine in [POL_LOAD, FLOOR] {
                if let Some(m) = median_ns(criterion, "floor", engine, &set.name) {
                    rows.push((engine, m));
                }
            }
        }
        let label = format!(
            "{} ({} doc{}, {:.2} MB)",
            set.name,
            set.docs,
            if set.docs == 1 { "" } else { "s" },
            set.bytes as f64 / 1e6
        );
        for (i, (engine, median)) in rows.iter().enumerate() {
            let seconds = median / 1e9;
            let speedup = match *engine {
                "pol" => "—".to_owned(),
                POL_LOAD => format!("({:.0}% of pol's time)", 100.0 * median / pol),
                _ => format!("{:.1}×", median / pol),
            };
            let engine_label = match *engine {
                FLOOR => "serde_json (parse only)",
                POL_LOAD => "pol (parse only)",
                _ => engine,
            };
            println!(
                "| {} | {engine_label} | {} | {} | {:.1} | {speedup} |",
                if i == 0 { label.as_str() } else { "" },
                duration(median / set.docs as f64),
                grouped(set.docs as f64 / seconds),
                set.bytes as f64 / 1e6 / seconds,
            );
            let goal = match (group, *engine) {
                ("prepared", "regorus-rvm") => Some(20.0),
                ("prepared", "cel") => Some(15.0),
                ("e2e", "regorus") => Some(10.0),
                ("e2e", FLOOR) => Some(1.0),
                _ => None,
            };
            if let Some(goal) = goal {
                let ratio = median / pol;
                targets.push(format!(
                    "{group} {}: pol vs {engine}: {ratio:.1}× (target ≥ {goal}×): {}",
                    set.name,
                    if ratio >= goal { "met" } else { "not met" }
                ));
            }
        }
    }
    println!();
}

fn main() -> Result<(), String> {
    let criterion = match std::env::args().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => {
            PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned()))
                .join("criterion")
        }
    };
    if !criterion.is_dir() {
        return Err(format!(
            "no criterion results in {}: run `cargo bench` first",
            criterion.display()
        ));
    }
    let sets: Vec<Set> = bench_sets()?
        .into_iter()
        .map(|(name, inputs)| Set {
            name,
            docs: inputs.len(),
            bytes: inputs.iter().map(|i| i.json.len()).sum(),
        })
        .collect();

    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let repo_str = repo.to_string_lossy();
    let commit = command("git", &["-C", &repo_str, "rev-parse", "--short=12", "HEAD"]);
    println!(
        "pol {} (commit {}), regorus 0.14.1, cel 0.15.0; {} ({} cores), {}",
        pol_version(&repo),
        if commit.is_empty() {
            "unknown"
        } else {
            &commit
        },
        cpu_model(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        command("rustc", &["--version"]),
    );
    println!();
    let mut targets = Vec::new();
    println!(
        "**Prepared evaluation** (documents parsed beforehand; rules and regexes compiled once):\n"
    );
    table(&criterion, &sets, "prepared", PREPARED, false, &mut targets);
    println!("**End to end** (from the JSON bytes: parse, then evaluate):\n");
    table(&criterion, &sets, "e2e", PREPARED, true, &mut targets);
    println!("Targets:\n");
    for t in targets {
        println!("- {t}");
    }
    Ok(())
}
