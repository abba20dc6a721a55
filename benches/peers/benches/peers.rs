//! pol against regorus and cel on one rule set (`rules/gha.*`) and the same documents.
//!
//! Three document sets: every corpus workflow (as JSON bytes, converted once), a
//! synthetic ~18 KB workflow and a synthetic ~1 MB one. For each set, one criterion
//! iteration handles every document of the set:
//!
//! - `prepared/<engine>/<set>`: evaluation only; documents already parsed into each
//!   engine's value type, rules compiled once, regexes compiled once;
//! - `e2e/<engine>/<set>`: from JSON bytes: parse, then evaluate;
//! - `floor/serde_json/<set>`: `serde_json::from_slice::<serde_json::Value>` of the same
//!   bytes, the cost of merely reading them; `floor/pol-load/<set>`: pol's own loading
//!   of the bytes into a `Document`, without evaluating.
//!
//! Before timing, the engines must agree on every document of every set.
//! `PEERS_SETS=corpus,18k` limits the sets; `cargo run --release --bin report` turns the
//! medians into the table of `docs/performance.md`.

#![allow(missing_docs, reason = "criterion macros generate undocumented items")]

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use pol_peers::{Cel, Engine, Input, Pol, RegoInterpreter, RegoVm, bench_sets, pol_engine};

/// Prepared evaluation: parse every document once, then time evaluating them all.
fn prepared<E: Engine>(
    c: &mut Criterion,
    group: &str,
    engine: &mut E,
    name: &str,
    set: &str,
    inputs: &[Input],
) {
    let parsed: Vec<E::Input> = inputs
        .iter()
        .map(|i| {
            engine
                .parse(&i.json)
                .unwrap_or_else(|e| panic!("{name}: {}: {e}", i.name))
        })
        .collect();
    let mut g = configured(c, group, inputs);
    g.bench_function(BenchmarkId::new(name, set), |b| {
        b.iter(|| {
            for input in &parsed {
                let _ = black_box(engine.eval(black_box(input)));
            }
        })
    });
    g.finish();
}

/// End to end: parse and evaluate every document, from its bytes.
fn end_to_end<E: Engine>(
    c: &mut Criterion,
    group: &str,
    engine: &mut E,
    name: &str,
    set: &str,
    inputs: &[Input],
) {
    let mut g = configured(c, group, inputs);
    g.bench_function(BenchmarkId::new(name, set), |b| {
        b.iter(|| {
            for input in inputs {
                if let Ok(parsed) = engine.parse(black_box(&input.json)) {
                    let _ = black_box(engine.eval(&parsed));
                }
            }
        })
    });
    g.finish();
}

/// A group whose throughput is the bytes of the set. Flat sampling (the same number of
/// iterations in every sample), as one iteration of a slow engine on a large set takes
/// a good part of a second; ten samples for large sets, twenty for the others.
fn configured<'c>(
    c: &'c mut Criterion,
    group: &str,
    inputs: &[Input],
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let bytes: usize = inputs.iter().map(|i| i.json.len()).sum();
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(if bytes > 256 * 1024 { 10 } else { 20 });
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    g
}

fn peers(c: &mut Criterion) {
    let sets = bench_sets().expect("the documents load");
    let policy = pol_engine::policy().expect("gha.pol compiles");
    let mut pol = Pol::new(&policy);
    let mut rego = RegoInterpreter::new().expect("gha.rego loads");
    let mut rvm = RegoVm::new().expect("gha.rego compiles to an RVM program");
    let mut cel = Cel::new().expect("gha.cel compiles");

    for (set, inputs) in &sets {
        for input in inputs {
            let expected = pol.run(&input.json).expect("pol runs");
            assert_eq!(
                rego.run(&input.json).as_ref(),
                Ok(&expected),
                "regorus on {}",
                input.name
            );
            assert_eq!(
                rvm.run(&input.json).as_ref(),
                Ok(&expected),
                "regorus-rvm on {}",
                input.name
            );
            assert_eq!(
                cel.run(&input.json).as_ref(),
                Ok(&expected),
                "cel on {}",
                input.name
            );
        }
        eprintln!("{set}: {} documents, the engines agree", inputs.len());
    }

    for (set, inputs) in &sets {
        prepared(c, "prepared", &mut pol, "pol", set, inputs);
        prepared(c, "prepared", &mut rvm, "regorus-rvm", set, inputs);
        prepared(c, "prepared", &mut rego, "regorus", set, inputs);
        prepared(c, "prepared", &mut cel, "cel", set, inputs);

        end_to_end(c, "e2e", &mut pol, "pol", set, inputs);
        end_to_end(c, "e2e", &mut rvm, "regorus-rvm", set, inputs);
        end_to_end(c, "e2e", &mut rego, "regorus", set, inputs);
        end_to_end(c, "e2e", &mut cel, "cel", set, inputs);

        let mut g = configured(c, "floor", inputs);
        g.bench_function(BenchmarkId::new("pol-load", set), |b| {
            b.iter(|| {
                for input in inputs.iter() {
                    let _ = black_box(pol.parse(black_box(&input.json)));
                }
            })
        });
        g.bench_function(BenchmarkId::new("serde_json", set), |b| {
            b.iter(|| {
                for input in inputs.iter() {
                    let _ = black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                        &input.json,
                    )));
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, peers);
criterion_main!(benches);
