//! Runs every case of `tests/eval/` on the reference evaluator (see `cases.rs`) and
//! reports every mismatching case at once.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_reference::cases::{compare, run_all};
use serde_json::json;

#[test]
fn every_case_gives_its_expected_decision() {
    let (count, failures) = run_all(&|program, sources, doc| {
        Ok(pol_reference::evaluate(
            program,
            sources,
            doc,
            &Default::default(),
        ))
    });
    assert!(count >= 60, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn comparison_ignores_what_the_expectation_omits() {
    let expected = json!({"allowed": false, "violations": [
        {"rule": "p.r", "severity": "medium", "message": "m", "path": "a"}],
        "warnings": [], "errors": [{"rule": "p.s", "message": "overflow"}]});
    let actual = json!({"allowed": false, "violations": [
        {"rule": "p.r", "id": null, "severity": "medium", "message": "m", "path": "a",
         "location": {"file": "input.json", "line": 1, "column": 2},
         "policy": {"file": "policy.pol", "line": 2, "column": 6}}],
        "warnings": [], "errors": [{"rule": "p.s", "message": "integer overflow in `+`",
         "policy": {"file": "policy.pol", "line": 3, "column": 4}}]});
    assert_eq!(compare(&expected, &actual), Vec::<String>::new());
    let mut wrong = actual.clone();
    wrong["errors"][0]["message"] = json!("division by zero");
    wrong["violations"][0]["path"] = json!("b");
    assert_eq!(compare(&expected, &wrong).len(), 2);
}
