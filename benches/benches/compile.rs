//! Compile time of a large policy set: checking and compiling the generated
//! 10,000-rule set to bytecode (`frontend.rs` times parsing and checking alone), and
//! loading the same program from `.polc` bytes.

#![allow(missing_docs, reason = "criterion macros generate undocumented items")]
#![allow(
    clippy::panic,
    reason = "benchmark setup: a failure should stop it loudly"
)]

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use pol_benches::generated_policy;
use std::hint::black_box;
use std::time::Duration;

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let rules = 10_000;
    let src = generated_policy(rules);
    group.bench_with_input(BenchmarkId::new("check+compile", rules), &src, |b, src| {
        b.iter(|| {
            let mut sources = pol::SourceMap::new();
            let file = sources.add("gen.pol", src.clone());
            black_box(pol::compile(&mut sources, &[file]).map(|c| c.policy))
        });
    });
    let polc = match pol::Policy::from_source("gen.pol", &src) {
        Ok(policy) => policy.to_polc(),
        Err(e) => panic!("the generated policy compiles: {e}"),
    };
    group.bench_with_input(BenchmarkId::new("load .polc", rules), &polc, |b, polc| {
        b.iter(|| black_box(pol::Policy::from_polc(black_box(polc))));
    });
    group.finish();
}

criterion_group!(benches, compile);
criterion_main!(benches);
