//! The GitHub Actions rule set (13 rules: `examples/github_actions.pol` and
//! `benches/policies/github_more.pol`) on the workflows of the shared corpus. One
//! iteration handles every workflow:
//!
//! - `prepared`: evaluation only, the documents loaded beforehand, one warm evaluator;
//! - `e2e_yaml`, `e2e_json`: from the bytes (the YAML files as found, or the same
//!   documents as JSON): load, then evaluate; JSON is loaded for the policy, skipping
//!   what no rule reads, as `pol eval` does (`e2e_json_whole`: loaded whole);
//! - `load_yaml`, `load_json`, `load_json_shaped`: loading alone (whole, or for the
//!   policy);
//! - `floor_serde_json`: `serde_json::from_slice::<serde_json::Value>` of the JSON
//!   bytes, the cost of merely reading them.
//!
//! Throughput is in bytes of the JSON (the YAML bytes for `*_yaml`).

#![allow(missing_docs, reason = "criterion macros generate undocumented items")]
#![allow(
    clippy::panic,
    reason = "benchmark setup: a failure should stop it loudly"
)]

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use pol::{Document, Format};
use std::hint::black_box;
use std::time::Duration;

fn load(text: &[u8], format: Format, name: &str) -> Vec<Document> {
    let text = std::str::from_utf8(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    pol::load(text, format, Some(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn corpus(c: &mut Criterion) {
    let files = pol_benches::corpus().unwrap_or_else(|e| panic!("{e}"));
    let policy = pol_benches::github_rules().unwrap_or_else(|e| panic!("{e}"));
    let json: Vec<(&str, &[u8])> = files
        .iter()
        .flat_map(|f| f.json.iter().map(|j| (f.name.as_str(), j.as_slice())))
        .collect();
    let docs: Vec<Document> = files
        .iter()
        .flat_map(|f| load(f.yaml.as_bytes(), Format::Yaml, &f.name))
        .collect();
    let json_bytes: usize = json.iter().map(|(_, j)| j.len()).sum();
    let yaml_bytes: usize = files.iter().map(|f| f.yaml.len()).sum();
    let mut evaluator = policy.evaluator();
    for (doc, (name, _)) in docs.iter().zip(&json) {
        let decision = evaluator.evaluate(doc);
        if let Some(error) = decision.errors.first() {
            panic!("{name}: runtime error in {}: {}", error.rule, error.message);
        }
    }
    eprintln!(
        "corpus: {} files, {} documents, {json_bytes} bytes of JSON, {yaml_bytes} of YAML",
        files.len(),
        docs.len()
    );

    let mut group = c.benchmark_group("corpus");
    group
        .sample_size(20)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Bytes(json_bytes as u64));
    group.bench_function("prepared", |b| {
        b.iter(|| {
            for doc in &docs {
                black_box(evaluator.evaluate(black_box(doc)));
            }
        });
    });
    // As `pol eval` does it: loaded for the policy, what no rule reads skipped.
    group.bench_function("e2e_json", |b| {
        b.iter(|| {
            for (name, bytes) in &json {
                let docs = policy
                    .load_bytes(black_box(bytes), Format::Json, Some(name))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                for doc in &docs {
                    black_box(evaluator.evaluate(doc));
                }
            }
        });
    });
    group.bench_function("e2e_json_whole", |b| {
        b.iter(|| {
            for (name, bytes) in &json {
                for doc in load(black_box(bytes), Format::Json, name) {
                    black_box(evaluator.evaluate(&doc));
                }
            }
        });
    });
    group.bench_function("load_json_shaped", |b| {
        b.iter(|| {
            for (name, bytes) in &json {
                black_box(
                    policy
                        .load_bytes(black_box(bytes), Format::Json, Some(name))
                        .ok(),
                );
            }
        });
    });
    group.bench_function("load_json", |b| {
        b.iter(|| {
            for (name, bytes) in &json {
                black_box(load(black_box(bytes), Format::Json, name));
            }
        });
    });
    group.bench_function("floor_serde_json", |b| {
        b.iter(|| {
            for (_, bytes) in &json {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(bytes)).ok());
            }
        });
    });
    group.throughput(Throughput::Bytes(yaml_bytes as u64));
    group.bench_function("e2e_yaml", |b| {
        b.iter(|| {
            for file in &files {
                for doc in load(black_box(file.yaml.as_bytes()), Format::Yaml, &file.name) {
                    black_box(evaluator.evaluate(&doc));
                }
            }
        });
    });
    group.bench_function("load_yaml", |b| {
        b.iter(|| {
            for file in &files {
                black_box(load(
                    black_box(file.yaml.as_bytes()),
                    Format::Yaml,
                    &file.name,
                ));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, corpus);
criterion_main!(benches);
