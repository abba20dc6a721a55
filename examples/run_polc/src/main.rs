//! Running compiled policies with the compiler left out: a program that only
//! evaluates `.polc` programs depends on `pol` with `default-features = false`, and
//! links the VM, the input readers and the renderers, but none of the compiler's
//! crates (`cargo tree -p pol-example-run-polc -e normal`).
//!
//! ```sh
//! # the shipped packs (embedded in the crate) on the example inputs
//! cargo run -q -p pol-example-run-polc -- examples/inputs/*
//! # a program built with `pol build -p policies/ -o policies.polc`
//! cargo run -q -p pol-example-run-polc -- -b policies.polc ci.yml
//! ```
//!
//! Exits 0 when every document is allowed, 1 when one is denied, 2 on an error.

use pol::render::{Format, InputReport, Renderer, Rules, RunEnd, RunInfo};
use pol::{Policy, kind};
use std::error::Error;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Evaluates every input; returns whether all were allowed.
fn run() -> Result<bool, Box<dyn Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let policy = match args.iter().position(|a| a == "-b") {
        Some(i) => {
            let path = args.get(i + 1).ok_or("-b needs a .polc file")?.clone();
            args.drain(i..i + 2);
            // The bytes are checked (format, digest, every operand) before anything runs.
            Policy::from_polc(&std::fs::read(&path)?)?
        }
        None => pol::packs::policy()?,
    };
    if args.is_empty() {
        return Err("give the files to evaluate".into());
    }

    let start = std::time::Instant::now();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut renderer = Renderer::new(Format::Text, RunInfo::new(Rules::from(&policy)), &mut out)?;
    let mut evaluator = policy.evaluator();
    // The rules of the default level (regular), as `pol eval` runs them.
    let level = pol::suppress::Level::default();
    evaluator.disable_rules(|rule| !level.admits(&rule.tags));
    for name in &args {
        let path = Path::new(name);
        // JSON, YAML, TOML by extension; Dockerfiles and `.tf` by name.
        let Some(format) = kind::format_of_path(path) else {
            eprintln!("{name}: skipped: not a file of a kind pol reads");
            continue;
        };
        let text = std::fs::read_to_string(path)?;
        let path_kind = kind::kind_of_path(path);
        // Documents are loaded for this policy: what no rule reads is skipped.
        let report = match policy.load(&text, format, Some(name)) {
            Ok(docs) => {
                let decisions = docs
                    .iter()
                    .map(|doc| {
                        // A rule runs only on documents of the kind its package declares.
                        let kind = path_kind.or_else(|| kind::kind_of_document(doc));
                        evaluator.evaluate_kind(doc, kind)
                    })
                    .collect();
                InputReport::decided(name, decisions, None)
            }
            Err(e) => InputReport::decided(name, Vec::new(), Some(e.into())),
        };
        renderer.input(&report)?;
    }
    let tally = renderer.finish(&RunEnd {
        elapsed: start.elapsed(),
        ..RunEnd::default()
    })?;
    Ok(!tally.failed(pol::render::FailOn::Violation))
}
