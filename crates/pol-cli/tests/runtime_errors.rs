//! `pol eval`'s runtime errors name the input value that made them, as findings name
//! theirs: `file:line:col` in text, the value's path and position in the other formats
//! (snapshots of the case: `to_int` on text that is not a number, in the second
//! document of a stream).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, json, pol_in, scratch, text};

const POLICY: &str = "package rt\n\ndeny too_many {\n  if to_int(input.spec.replicas) > 3\n  \
                      message \"too many replicas\" at input.spec.replicas\n}\n";

const INPUT: &str =
    "kind: Deployment\nspec:\n  replicas: 5\n---\nkind: Deployment\nspec:\n  replicas: abc\n";

fn eval(name: &str, format: &str) -> std::process::Output {
    let dir = scratch(name, &[("rt.pol", POLICY), ("rt.yaml", INPUT)]);
    let out = pol_in(
        &dir,
        &["eval", "-p", "rt.pol", "--format", format, "rt.yaml"],
    );
    assert_code(&out, 1);
    out
}

/// The run's time is not part of a snapshot.
fn untimed(out: &str) -> String {
    out.lines()
        .map(|l| l.split("took ").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn text_and_github_name_the_input_value() {
    insta::assert_snapshot!(
        "runtime_error_text",
        untimed(&text(&eval("rt-text", "text").stdout))
    );
    insta::assert_snapshot!(
        "runtime_error_github",
        text(&eval("rt-github", "github").stdout)
    );
}

#[test]
fn json_gives_the_path_and_location_as_a_findings() {
    let doc = json(&eval("rt-json", "json"));
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results[0]["violations"][0]["path"], "spec.replicas");
    let error = &results[1]["errors"][0];
    assert_eq!(error["path"], "spec.replicas");
    assert_eq!(
        error["location"],
        serde_json::json!({"file": "rt.yaml", "line": 7, "column": 13})
    );
    assert_eq!(
        error["policy"],
        serde_json::json!({"file": "rt.pol", "line": 4, "column": 6})
    );
}
