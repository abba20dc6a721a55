//! How evaluation scales, in two groups that run apart (`cargo bench --bench scaling --
//! rules`, `-- size`):
//!
//! - `rules/{guarded,unguarded}/N`: policies of 1, 10, 100 and 1,000 generated rules
//!   over workflow steps on the corpus workflows (prepared). Guarded rules start with
//!   `if input.kind == "Kind_<i>"`, which no workflow passes and which rule indexing
//!   can skip without running the rule; unguarded rules all walk every step.
//! - `size/{prepared,e2e,load,floor_serde_json}/SIZE`: the GitHub Actions rule set (13
//!   rules) on one synthetic workflow of 1 KB to 10 MB of JSON (jobs repeated).
//!
//! Throughput is in bytes of JSON input.

#![allow(missing_docs, reason = "criterion macros generate undocumented items")]
#![allow(
    clippy::panic,
    reason = "benchmark setup: a failure should stop it loudly"
)]

use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group,
    criterion_main, measurement::WallTime,
};
use pol::{Document, Format, Limits};
use std::hint::black_box;
use std::time::Duration;

fn load_json(bytes: &[u8]) -> Vec<Document> {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"));
    pol::load(text, Format::Json, None).unwrap_or_else(|e| panic!("{e}"))
}

fn group<'c>(c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group
}

fn rules(c: &mut Criterion) {
    let files = pol_benches::corpus().unwrap_or_else(|e| panic!("{e}"));
    let json: Vec<&[u8]> = files
        .iter()
        .flat_map(|f| f.json.iter().map(Vec::as_slice))
        .collect();
    let docs: Vec<Document> = json.iter().flat_map(|j| load_json(j)).collect();
    let bytes: usize = json.iter().map(|j| j.len()).sum();
    let mut group = group(c, "rules");
    group.throughput(Throughput::Bytes(bytes as u64));
    for guarded in [true, false] {
        for n in [1, 10, 100, 1_000] {
            let src = pol_benches::scaling_policy(n, guarded);
            let policy =
                pol::Policy::from_source("scaling.pol", &src).unwrap_or_else(|e| panic!("{e}"));
            let mut evaluator = policy.evaluator();
            let name = if guarded { "guarded" } else { "unguarded" };
            group.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| {
                    for doc in &docs {
                        black_box(evaluator.evaluate(black_box(doc)));
                    }
                });
            });
        }
    }
    group.finish();
}

fn size(c: &mut Criterion) {
    let policy = pol_benches::github_rules().unwrap_or_else(|e| panic!("{e}"));
    let mut evaluator = policy.evaluator();
    // The default limit (10 million steps) stops evaluation of the largest workflows.
    evaluator.set_limits(Limits {
        steps: u64::MAX,
        ..Limits::default()
    });
    let mut group = group(c, "size");
    for (label, bytes) in [
        ("1KB", 1_000),
        ("10KB", 10_000),
        ("100KB", 100_000),
        ("1MB", 1_000_000),
        ("10MB", 10_000_000),
    ] {
        let json = pol_benches::synthetic_workflow(bytes);
        let docs = load_json(&json);
        for doc in &docs {
            if let Some(error) = evaluator.evaluate(doc).errors.first() {
                panic!(
                    "{label}: runtime error in {}: {}",
                    error.rule, error.message
                );
            }
        }
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_function(BenchmarkId::new("prepared", label), |b| {
            b.iter(|| {
                for doc in &docs {
                    black_box(evaluator.evaluate(black_box(doc)));
                }
            });
        });
        group.bench_function(BenchmarkId::new("e2e", label), |b| {
            b.iter(|| {
                for doc in load_json(black_box(&json)) {
                    black_box(evaluator.evaluate(&doc));
                }
            });
        });
        group.bench_function(BenchmarkId::new("load", label), |b| {
            b.iter(|| black_box(load_json(black_box(&json))));
        });
        group.bench_function(BenchmarkId::new("floor_serde_json", label), |b| {
            b.iter(|| {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(&json)).ok())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, rules, size);
criterion_main!(benches);
