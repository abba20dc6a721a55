//! Decisions: JSON shape (LANGUAGE.md §9) and reading hand-written expectations.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_facts::{Decision, EvalError, Finding, InputLocation, PolicyLocation};
use serde_json::json;

fn finding() -> Finding {
    Finding {
        rule: "ci.github.unpinned_action".into(),
        id: Some("GHA001".into()),
        severity: "high".into(),
        message: "pin it".to_owned(),
        path: "jobs.build.steps[2].uses".to_owned(),
        location: Some(InputLocation {
            file: Some("ci.yml".into()),
            line: 14,
            column: 15,
        }),
        policy: PolicyLocation {
            file: "policies/gha.pol".into(),
            line: 18,
            column: 3,
        },
    }
}

#[test]
fn serializes_as_the_spec_shows() {
    let mut decision = Decision::new();
    assert!(decision.allowed);
    decision.violations.push(finding());
    decision.warnings.push(Finding {
        id: None,
        location: None,
        ..finding()
    });
    decision.errors.push(EvalError::new(
        "ci.let".into(),
        "division by zero".to_owned(),
        PolicyLocation {
            file: "p.pol".into(),
            line: 3,
            column: 9,
        },
    ));
    decision.errors.push(EvalError {
        path: Some("spec.replicas".to_owned()),
        location: Some(InputLocation {
            file: Some("k8s.yaml".into()),
            line: 7,
            column: 13,
        }),
        ..EvalError::new(
            "k8s.replicas".into(),
            "`to_int`: \"three\" is not an integer".to_owned(),
            PolicyLocation {
                file: "k8s.pol".into(),
                line: 4,
                column: 16,
            },
        )
    });
    decision.finish();
    assert_eq!(
        serde_json::to_value(&decision).unwrap(),
        json!({
            "allowed": false,
            "violations": [{
                "rule": "ci.github.unpinned_action", "id": "GHA001", "severity": "high",
                "message": "pin it", "path": "jobs.build.steps[2].uses",
                "location": {"file": "ci.yml", "line": 14, "column": 15},
                "policy": {"file": "policies/gha.pol", "line": 18, "column": 3}
            }],
            "warnings": [{
                "rule": "ci.github.unpinned_action", "severity": "high",
                "message": "pin it", "path": "jobs.build.steps[2].uses",
                "policy": {"file": "policies/gha.pol", "line": 18, "column": 3}
            }],
            "errors": [{"rule": "ci.let", "message": "division by zero",
                        "policy": {"file": "p.pol", "line": 3, "column": 9}},
                       {"rule": "k8s.replicas", "message": "`to_int`: \"three\" is not an integer",
                        "path": "spec.replicas",
                        "location": {"file": "k8s.yaml", "line": 7, "column": 13},
                        "policy": {"file": "k8s.pol", "line": 4, "column": 16}}]
        })
    );
    let back: Decision = serde_json::from_value(serde_json::to_value(&decision).unwrap()).unwrap();
    assert_eq!(back, decision);
}

#[test]
fn finish_fails_closed() {
    let mut decision = Decision::default();
    decision.warnings.push(finding());
    decision.finish();
    assert!(decision.allowed, "warnings alone allow");
    decision.errors.push(EvalError::new(
        "r".into(),
        "m".to_owned(),
        PolicyLocation::default(),
    ));
    decision.finish();
    assert!(!decision.allowed, "an error denies");
}

#[test]
fn expectations_may_omit_positions_and_lists() {
    let decision: Decision = serde_json::from_value(json!({
        "allowed": false,
        "violations": [{"rule": "p.r", "severity": "high", "message": "m", "path": "a"}]
    }))
    .unwrap();
    let violation = &decision.violations[0];
    assert_eq!(violation.id, None);
    assert_eq!(violation.location, None);
    assert_eq!(violation.policy, PolicyLocation::default());
    assert!(decision.warnings.is_empty() && decision.errors.is_empty());
    // `policy` without a column, as in LANGUAGE.md §9.
    let error: EvalError = serde_json::from_value(
        json!({"rule": "r", "message": "m", "policy": {"file": "f.pol", "line": 3}}),
    )
    .unwrap();
    assert_eq!(
        error.policy,
        PolicyLocation {
            file: "f.pol".into(),
            line: 3,
            column: 0
        }
    );
}

/// A `Name` reads and compares as the text it holds, and is a plain JSON string.
#[test]
fn names_read_as_strings() {
    let name = pol_facts::Name::from("ci.rule");
    assert_eq!(name, "ci.rule");
    assert_eq!("ci.rule", name);
    assert_eq!(name, "ci.rule".to_owned());
    assert_ne!(name, "ci.other");
    assert_eq!(name.len(), 7);
    assert_eq!(format!("{name} {name:?}"), "ci.rule \"ci.rule\"");
    assert_eq!(serde_json::to_value(&name).unwrap(), json!("ci.rule"));
    let back: pol_facts::Name = serde_json::from_value(json!("ci.rule")).unwrap();
    assert_eq!(back, name);
    assert_eq!(String::from(back), "ci.rule");
}
