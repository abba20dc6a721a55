//! Runs every case of `tests/eval/` on the reference evaluator (see `cases/mod.rs`) and
//! reports every mismatching case at once.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod cases;

use cases::{compare, run_all};
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

/// Counts what it sees and asks for operands: the most work an observer can cause.
#[derive(Default)]
struct Counting {
    rules: usize,
    events: usize,
    operands: usize,
}

impl pol_reference::Observer for Counting {
    fn wants_operands(&self) -> bool {
        true
    }
    fn rule(&mut self, _: usize) {
        self.rules += 1;
    }
    fn event(&mut self, event: pol_reference::Event<'_>) {
        self.events += 1;
        if let pol_reference::Event::If { operands, .. } = event {
            self.operands += operands.len();
        }
    }
}

/// Observing an evaluation (operands evaluated again included) changes no decision.
#[test]
fn every_case_gives_its_expected_decision_when_observed() {
    let seen_cell = std::cell::RefCell::new(Counting::default());
    let (count, failures) = run_all(&|program, sources, doc| {
        let mut observer = Counting::default();
        let setup = pol_reference::Setup {
            rules: &|_, _| true,
            lets: &[],
            data: None,
        };
        let decision = pol_reference::evaluate_observed(
            program,
            sources,
            doc,
            &Default::default(),
            &setup,
            &mut observer,
        );
        let mut seen = seen_cell.borrow_mut();
        seen.rules += observer.rules;
        seen.events += observer.events;
        seen.operands += observer.operands;
        Ok(decision)
    });
    assert!(count >= 60, "only {count} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let seen = seen_cell.into_inner();
    assert!(seen.rules >= count && seen.events > seen.rules && seen.operands > 0);
}
