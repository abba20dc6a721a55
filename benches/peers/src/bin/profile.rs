//! Runs one measurement of the peer benchmark in a loop, for a profiler to watch:
//! `perf record -e cpu-clock -g target/release/profile pol-prepared synthetic-18k 10`.
//!
//! Usage: `profile MEASURE SET SECONDS`, where MEASURE is `pol-prepared`, `pol-load`,
//! `pol-e2e` or `serde`, and SET is one of the benchmark's sets (`corpus`,
//! `synthetic-18k`, `synthetic-1m`).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use pol_peers::{Engine, Pol, bench_sets, pol_engine};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("profile: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [measure, set, seconds] = args.as_slice() else {
        return Err("usage: profile MEASURE SET SECONDS".to_owned());
    };
    let seconds: f64 = seconds
        .parse()
        .map_err(|_| format!("bad seconds {seconds}"))?;
    let inputs = bench_sets()?
        .into_iter()
        .find(|(name, _)| name == set)
        .map(|(_, inputs)| inputs)
        .ok_or_else(|| format!("no set {set}"))?;
    let policy = pol_engine::policy()?;
    let mut pol = Pol::new(&policy);
    let parsed: Vec<pol::Document> = inputs
        .iter()
        .map(|i| pol.parse(&i.json))
        .collect::<Result<_, _>>()?;
    let mut pass: Box<dyn FnMut()> = match measure.as_str() {
        "pol-prepared" => Box::new(|| {
            for doc in &parsed {
                let _ = black_box(pol.eval(black_box(doc)));
            }
        }),
        "pol-load" => Box::new(|| {
            for input in &inputs {
                let _ = black_box(pol.parse(black_box(&input.json)));
            }
        }),
        "pol-e2e" => Box::new(|| {
            for input in &inputs {
                if let Ok(doc) = pol.parse(black_box(&input.json)) {
                    let _ = black_box(pol.eval(&doc));
                }
            }
        }),
        "serde" => Box::new(|| {
            for input in &inputs {
                let _ = black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                    &input.json,
                )));
            }
        }),
        other => return Err(format!("no measure {other}")),
    };
    let start = Instant::now();
    let mut passes = 0u64;
    while start.elapsed() < Duration::from_secs_f64(seconds) {
        pass();
        passes += 1;
    }
    let per_pass = start.elapsed().as_secs_f64() / passes as f64;
    println!(
        "{measure} on {set}: {passes} passes, {:.1} µs per pass",
        per_pass * 1e6
    );
    Ok(())
}
