//! The target ratios of issue 5, measured interleaved: on a shared machine whose load
//! changes from minute to minute, criterion's runs of one engine after another can
//! compare a quiet minute with a busy one. Here every round times each measurement
//! once, one right after the other, and a ratio is taken within the round; the report
//! gives the median ratio over the rounds and its range.
//!
//! Usage: `CARGO_TARGET_DIR=../../target/peers cargo run --release --bin ratios`
//! (`PEERS_ROUNDS`, 15 by default; `PEERS_SETS` as for the benchmark).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use pol_peers::{Cel, Engine, Input, Pol, RegoInterpreter, RegoVm, bench_sets, pol_engine};

/// Each measurement of a round runs over its set until at least this long.
const SLICE: Duration = Duration::from_millis(40);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ratios: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Seconds per pass over `inputs`: passes are repeated until [`SLICE`] has gone by.
fn time(mut pass: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut passes = 0u32;
    while passes == 0 || start.elapsed() < SLICE {
        pass();
        passes += 1;
    }
    start.elapsed().as_secs_f64() / f64::from(passes)
}

fn prepared<'a, E: Engine>(engine: &'a mut E, inputs: &[Input]) -> Result<impl FnMut() + 'a, String>
where
    E::Input: 'a,
{
    let parsed: Vec<E::Input> = inputs
        .iter()
        .map(|i| engine.parse(&i.json))
        .collect::<Result<_, _>>()?;
    Ok(move || {
        for input in &parsed {
            let _ = black_box(engine.eval(black_box(input)));
        }
    })
}

fn load<'a, E: Engine>(engine: &'a E, inputs: &'a [Input]) -> impl FnMut() + 'a {
    move || {
        for input in inputs {
            let _ = black_box(engine.parse(black_box(&input.json)));
        }
    }
}

fn end_to_end<'a, E: Engine>(engine: &'a mut E, inputs: &'a [Input]) -> impl FnMut() + 'a {
    move || {
        for input in inputs {
            if let Ok(parsed) = engine.parse(black_box(&input.json)) {
                let _ = black_box(engine.eval(&parsed));
            }
        }
    }
}

/// The median and the range of `values`.
fn summary(values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    let (first, last) = (values.first(), values.last());
    let median = values.get(values.len() / 2);
    match (median, first, last) {
        (Some(m), Some(lo), Some(hi)) => format!("{m:.2}× (rounds: {lo:.2}–{hi:.2}×)"),
        _ => "—".to_owned(),
    }
}

fn run() -> Result<(), String> {
    let rounds: usize = std::env::var("PEERS_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    let policy = pol_engine::policy()?;
    println!("| set | measure | target | pol's ratio, median of {rounds} rounds |");
    println!("|---|---|---|---|");
    for (set, inputs) in bench_sets()? {
        let mut pol = Pol::new(&policy);
        let mut pol_e2e = Pol::new(&policy);
        let pol_load = Pol::new(&policy);
        let mut rvm = RegoVm::new()?;
        let mut rvm_e2e = RegoVm::new()?;
        let mut rego_e2e = RegoInterpreter::new()?;
        let mut cel = Cel::new()?;
        let mut pol_prepared = prepared(&mut pol, &inputs)?;
        let mut rvm_prepared = prepared(&mut rvm, &inputs)?;
        let mut cel_prepared = prepared(&mut cel, &inputs)?;
        let mut pol_bytes = end_to_end(&mut pol_e2e, &inputs);
        let mut pol_parse = load(&pol_load, &inputs);
        let mut rvm_bytes = end_to_end(&mut rvm_e2e, &inputs);
        let mut rego_bytes = end_to_end(&mut rego_e2e, &inputs);
        let mut serde = || {
            for input in &inputs {
                let _ = black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                    &input.json,
                )));
            }
        };
        // Ratios: the other's time over pol's (how many times faster pol is), and
        // pol's end to end over serde_json's parse (at most 1 is the target).
        let mut ratios: [Vec<f64>; 7] = Default::default();
        for _ in 0..rounds {
            let p = time(&mut pol_prepared);
            let r = time(&mut rvm_prepared);
            let c = time(&mut cel_prepared);
            let pe = time(&mut pol_bytes);
            let re = time(&mut rvm_bytes);
            let ie = time(&mut rego_bytes);
            let s = time(&mut serde);
            let l = time(&mut pol_parse);
            for (list, ratio) in
                ratios
                    .iter_mut()
                    .zip([r / p, c / p, re / pe, ie / pe, pe / s, l / s, p / s])
            {
                list.push(ratio);
            }
        }
        let [rvm_p, cel_p, rvm_e, rego_e, serde_e, load_s, prepared_s] = &mut ratios;
        let rows = [
            ("prepared, regorus RVM's time ÷ pol's", "≥ 20×", rvm_p),
            ("prepared, cel's time ÷ pol's", "≥ 15×", cel_p),
            ("end to end, regorus RVM's time ÷ pol's", "≥ 10×", rvm_e),
            (
                "end to end, regorus interpreter's time ÷ pol's",
                "≥ 10×",
                rego_e,
            ),
            (
                "end to end, pol's time ÷ serde_json's parse",
                "≤ 1×",
                serde_e,
            ),
            ("(of which) pol's loading ÷ serde_json's parse", "—", load_s),
            (
                "(of which) pol's prepared evaluation ÷ serde_json's parse",
                "—",
                prepared_s,
            ),
        ];
        for (measure, target, values) in rows {
            println!("| {set} | {measure} | {target} | {} |", summary(values));
        }
    }
    Ok(())
}
