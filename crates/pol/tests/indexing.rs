//! Rule indexing skips only rules that could produce nothing: on every document the
//! VM (which skips) decides exactly as the reference evaluator (which runs everything).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code"
)]

use pol::{Format, SourceMap};

const POLICY: &str = r#"
package idx

deny deployment_privileged {
  if input.kind == "Deployment" and input.spec.privileged == true
  message "privileged deployment"
}

deny pod_or_job {
  if input.kind in {"Pod", "Job"}
  message f"{input.kind} found"
}

deny any_kind_with_bad_name {
  if input.metadata.name == "bad"
  message "bad name"
}

warn docker_image {
  if input.image.starts_with("docker.io/")
  message "docker hub image" at input.image
}

deny unguarded {
  for c in input.containers
  if c == "x"
  message "x container"
}

deny guard_after_let {
  let k = input.kind
  if k == "Service"
  message "service"
}
"#;

#[test]
fn the_index_decides_as_the_reference_evaluator() {
    let mut sources = SourceMap::new();
    let file = sources.add("idx.pol", POLICY);
    let compiled = pol::compile(&mut sources, &[file]).unwrap();
    let listing = compiled.policy.disassemble();
    assert!(listing.contains("; index: rule idx.deployment_privileged runs when input.kind is one of [\"Deployment\"]"), "{listing}");
    assert!(
        listing.contains(
            "; index: rule idx.docker_image runs when input.image is starts with \"docker.io/\""
        ),
        "{listing}"
    );
    assert!(
        !listing.contains("rule idx.guard_after_let runs"),
        "a let before the test is not a guard"
    );

    let documents = [
        r#"{"kind": "Deployment", "spec": {"privileged": true}, "metadata": {"name": "bad"}}"#,
        r#"{"kind": "Pod", "image": "docker.io/nginx", "containers": ["x", "y"]}"#,
        r#"{"kind": "Job", "image": 7}"#,
        r#"{"kind": "Service", "metadata": {"name": "ok"}, "image": null}"#,
        r#"{"kind": 3, "image": ["docker.io/a"]}"#,
        r#"{"image": "quay.io/x"}"#,
        r#"[1, 2, 3]"#,
        r#""just a string""#,
    ];
    let mut evaluator = compiled.policy.evaluator();
    for text in documents {
        let doc = &pol::load(text, Format::Json, Some("doc.json")).unwrap()[0];
        let vm = evaluator.evaluate(doc);
        let reference = pol_reference::evaluate(&compiled.hir, &sources, doc, &Default::default());
        // The two evaluators word error messages differently; the rest must match.
        let errors = |d: &pol::Decision| {
            d.errors
                .iter()
                .map(|e| (e.rule.clone(), e.policy.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(vm.allowed, reference.allowed, "document {text}");
        assert_eq!(vm.violations, reference.violations, "document {text}");
        assert_eq!(vm.warnings, reference.warnings, "document {text}");
        assert_eq!(errors(&vm), errors(&reference), "document {text}");
    }
}

#[test]
fn a_prefix_guard_on_a_non_string_still_runs_the_rule_and_reports_its_error() {
    let policy = pol::Policy::from_source("idx.pol", POLICY).unwrap();
    let doc = &pol::load(r#"{"image": 7}"#, Format::Json, None).unwrap()[0];
    let decision = policy.evaluate(doc);
    assert!(!decision.allowed);
    assert_eq!(decision.errors.len(), 1, "{:?}", decision.errors);
    assert_eq!(decision.errors[0].rule, "idx.docker_image");
}
