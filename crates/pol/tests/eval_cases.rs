//! The evaluation cases of `tests/eval/` on the VM, directly and after a `.polc` round
//! trip (the reference evaluator runs the same cases in `pol-reference`).

#![allow(clippy::unwrap_used, reason = "test code")]

#[path = "../../pol-reference/tests/cases/mod.rs"]
mod cases;

use cases::run_all;

#[test]
fn every_case_gives_its_expected_decision_on_the_vm() {
    let (count, failures) = run_all(&|program, sources, doc| {
        let policy = pol::compile_checked(program, sources).map_err(|e| e.to_string())?;
        let direct = policy.evaluate(doc);
        let reloaded = pol::Policy::from_polc(&policy.to_polc()).map_err(|e| e.to_string())?;
        if reloaded.evaluate(doc) != direct {
            return Err("the .polc round trip changed the decision".to_owned());
        }
        Ok(direct)
    });
    assert!(count >= 60, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed on the VM:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
