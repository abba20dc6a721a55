//! Front-end speed: lexing + parsing + checking a generated policy set.

#![allow(missing_docs, reason = "criterion macros generate undocumented items")]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pol_benches::generated_policy;
use std::hint::black_box;

fn frontend(c: &mut Criterion) {
    let mut group = c.benchmark_group("frontend");
    group.sample_size(10);
    for rules in [100, 1_000, 10_000] {
        let src = generated_policy(rules);
        group.throughput(Throughput::Bytes(src.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", rules), &src, |b, src| {
            b.iter(|| pol::parse(pol::FileId(0), black_box(src)));
        });
        group.bench_with_input(BenchmarkId::new("parse+check", rules), &src, |b, src| {
            b.iter(|| {
                let mut sources = pol::SourceMap::new();
                let file = sources.add("gen.pol", src.clone());
                black_box(pol::check(&mut sources, &[file]))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, frontend);
criterion_main!(benches);
