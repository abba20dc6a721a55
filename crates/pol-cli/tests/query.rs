//! `pol eval --query NAME` over several inputs and documents: each value labelled with
//! its input and document, in text, JSON and NDJSON, as snapshots.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, json, pol_in, scratch, text};

const POLICY: &str = "package q\n\nlet name = f\"{input.kind} {input.metadata.name}\"\n\
                      let replicas = to_int(input.spec.replicas)\n";

const MANIFESTS: &str = "\
kind: Service
metadata: {name: web}
---
kind: Deployment
metadata: {name: api}
spec: {replicas: \"three\"}
";

const POD: &str = "kind: Pod\nmetadata: {name: debug}\nspec: {replicas: 1}\n";

/// A scratch folder of the policy and inputs, `name` for each test.
fn dir(name: &str) -> std::path::PathBuf {
    scratch(
        name,
        &[
            ("q.pol", POLICY),
            ("k8s.yaml", MANIFESTS),
            ("pod.yaml", POD),
        ],
    )
}

fn query(test: &str, name: &str, format: &str) -> std::process::Output {
    pol_in(
        &dir(test),
        &[
            "eval", "-p", "q.pol", "--query", name, "--format", format, "k8s.yaml", "pod.yaml",
        ],
    )
}

#[test]
fn values_are_labelled_with_their_input_and_document() {
    let out = query("query-text", "name", "text");
    assert_code(&out, 0);
    insta::assert_snapshot!("query_text", text(&out.stdout));
    let out = query("query-json", "name", "json");
    assert_code(&out, 0);
    insta::assert_snapshot!("query_json", text(&out.stdout));
    let doc = json(&out);
    let labels: Vec<(String, u64)> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let input = &r["input"];
            (
                input["file"].as_str().unwrap().to_owned(),
                input["document"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [
            ("k8s.yaml".to_owned(), 0),
            ("k8s.yaml".to_owned(), 1),
            ("pod.yaml".to_owned(), 0)
        ]
    );
}

#[test]
fn a_let_that_fails_on_one_document_names_it_and_json_carries_the_error() {
    let out = query("query-error-text", "replicas", "text");
    assert_code(&out, 1);
    let shown = format!(
        "stdout:\n{}stderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    insta::assert_snapshot!("query_error_text", shown);
    let out = query("query-error-ndjson", "replicas", "ndjson");
    assert_code(&out, 1);
    insta::assert_snapshot!("query_error_ndjson", text(&out.stdout));
}

#[test]
fn formats_for_findings_are_refused() {
    let out = query("query-sarif", "name", "sarif");
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: `--query` writes values as `text`, `json` or `ndjson`, not `sarif`\n"
    );
}
