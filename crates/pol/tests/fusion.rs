//! Loop fusion: rules that begin with the same loops run together in one group chunk,
//! and must decide exactly as they do on their own (`-O0` compiles no groups): the
//! same findings in the same order, the same errors, on the corpus and on documents
//! that make a member fail.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol::{Decision, Format, Policy, SourceMap};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `text` compiled optimized (with groups) and at `-O0` (without).
fn both(name: &str, text: &str) -> (Policy, Policy) {
    let compile = |optimize| {
        let mut sources = SourceMap::new();
        let file = sources.add(name, text.to_owned());
        pol::compile_with(&mut sources, &[file], optimize)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .policy
    };
    (compile(true), compile(false))
}

fn groups(policy: &Policy) -> Vec<Vec<String>> {
    let code = policy.program().bytecode();
    code.groups
        .iter()
        .map(|g| {
            g.rules
                .iter()
                .map(|&r| code.rules[r as usize].name.clone())
                .collect()
        })
        .collect()
}

fn json(policy: &Policy, text: &str) -> Decision {
    let docs = pol::load(text, Format::Json, Some("doc.json")).unwrap();
    policy.evaluate(&docs[0])
}

fn rules_of(findings: &[pol::Finding]) -> Vec<&str> {
    findings.iter().map(|f| &*f.rule).collect()
}

const STEPS: &str = r#"
package t

deny a {
  for job_id, job in input.jobs
  for i, step in job.steps
  if step.uses.starts_with("evil/")
  message f"{job_id}/{i}: evil action" at step.uses
}

deny between {
  if input.name == "x" or input.name == "y"
  message "named x or y"
}

deny b {
  if input.strict
  for job in input.jobs
  for step in job.steps
  let n = step.n
  if n > 1
  message f"n is {n}" at step
}

warn c {
  for id, job in input.jobs
  if job.steps == null
  message f"job {id} has no steps" at job
}
"#;

#[test]
fn rules_with_the_same_loops_are_fused() {
    let (fused, plain) = both("t.pol", STEPS);
    assert_eq!(groups(&fused), [["t.a", "t.b", "t.c"]]);
    assert!(groups(&plain).is_empty(), "-O0 fuses nothing");
    let listing = fused.disassemble();
    assert!(
        listing.contains("; fused: chunk") && listing.contains("\ngroup t.a, t.b, t.c"),
        "{listing}"
    );
}

#[test]
fn findings_come_in_rule_order_as_without_fusion() {
    let (fused, plain) = both("t.pol", STEPS);
    let doc = r#"{"name": "x", "strict": true, "jobs": {
        "one": {"steps": [{"uses": "evil/a", "n": 2}, {"uses": "ok/b", "n": 3}]},
        "two": {"steps": null},
        "three": {"steps": [{"uses": "evil/c", "n": 3}]}
    }}"#;
    let decision = json(&fused, doc);
    assert_eq!(decision, json(&plain, doc));
    assert_eq!(
        rules_of(&decision.violations),
        ["t.a", "t.a", "t.between", "t.b", "t.b", "t.b"]
    );
    assert_eq!(decision.violations[0].path, "jobs.one.steps[0].uses");
    assert_eq!(decision.violations[3].message, "n is 2");
    assert_eq!(rules_of(&decision.warnings), ["t.c"]);
    assert!(decision.errors.is_empty());
}

#[test]
fn a_runtime_error_in_a_group_gives_the_errors_of_the_rules_alone() {
    let (fused, plain) = both("t.pol", STEPS);
    // `"x" > 1` fails in rule b; `starts_with` of a number fails in rule a.
    let doc = r#"{"name": "y", "strict": true, "jobs": {
        "one": {"steps": [{"uses": "evil/a", "n": "x"}, {"uses": 5, "n": 2}]},
        "two": {"steps": [{"uses": "evil/b", "n": 3}]}
    }}"#;
    let decision = json(&fused, doc);
    assert_eq!(decision, json(&plain, doc));
    let failed: Vec<&str> = decision.errors.iter().map(|e| &*e.rule).collect();
    assert_eq!(failed, ["t.a", "t.b"], "{:#?}", decision.errors);
    // Each rule goes on past its failing path, as it does alone.
    assert_eq!(
        rules_of(&decision.violations),
        ["t.a", "t.a", "t.between", "t.b", "t.b"]
    );
    assert!(!decision.allowed);
}

#[test]
fn a_leading_condition_still_keeps_its_rule_out() {
    let (fused, plain) = both("t.pol", STEPS);
    let doc = r#"{"strict": false, "jobs": {"one": {"steps": [{"uses": "evil/a", "n": 2}]}}}"#;
    let decision = json(&fused, doc);
    assert_eq!(decision, json(&plain, doc));
    assert_eq!(rules_of(&decision.violations), ["t.a"]);
}

#[test]
fn the_step_limit_stops_a_group_as_it_stops_its_rules() {
    let (fused, _) = both("t.pol", STEPS);
    let steps: Vec<String> = (0..200)
        .map(|i| format!(r#"{{"uses": "evil/{i}", "n": {i}}}"#))
        .collect();
    let doc = format!(
        r#"{{"strict": true, "jobs": {{"one": {{"steps": [{}]}}}}}}"#,
        steps.join(",")
    );
    let docs = pol::load(&doc, Format::Json, None).unwrap();
    let mut evaluator = fused.evaluator();
    evaluator.set_limits(pol::Limits {
        steps: 500,
        steps_per_node: 0,
        ..pol::Limits::default()
    });
    let decision = evaluator.evaluate(&docs[0]);
    assert!(!decision.allowed);
    assert_eq!(decision.errors.len(), 1, "{:#?}", decision.errors);
    assert!(decision.errors[0].message.contains("steps"));
    // The findings made before the limit are the first rule's own, in order.
    assert!(rules_of(&decision.violations).iter().all(|r| *r == "t.a"));
    assert!(!decision.violations.is_empty());
}

/// Every example and benchmark policy on every corpus document: fused and unfused
/// decide alike in every field, and the GitHub Actions policies do fuse.
#[test]
fn fused_and_unfused_decide_alike_on_the_corpus() {
    let policies = [
        "examples/github_actions.pol",
        "examples/kubernetes.pol",
        "examples/gitlab_ci.pol",
        "examples/terraform.pol",
        "benches/policies/github_more.pol",
        "benches/peers/rules/gha.pol",
    ];
    let corpus = repo().join("../shared/corpus");
    let mut docs = Vec::new();
    for kind in [
        "github-actions",
        "kubernetes",
        "gitlab-ci",
        "terraform-plan",
    ] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus.join(kind))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let Some(format) = Format::from_path(&path) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            // A few files do not load on purpose (corpus.rs lists them).
            if let Ok(loaded) = pol::load(&text, format, Some(&path.to_string_lossy())) {
                docs.extend(loaded);
            }
        }
    }
    assert!(docs.len() > 400, "only {} corpus documents", docs.len());
    for file in policies {
        let text = std::fs::read_to_string(repo().join(file)).unwrap();
        let (fused, plain) = both(file, &text);
        if file.contains("github") || file.contains("gha") {
            assert!(!groups(&fused).is_empty(), "{file} fuses no rules");
        }
        let (mut f, mut p) = (fused.evaluator(), plain.evaluator());
        let mut findings = 0;
        for doc in &docs {
            let decision = f.evaluate(doc);
            assert_eq!(decision, p.evaluate(doc), "{file} on {:?}", doc.file_name());
            findings += decision.violations.len() + decision.warnings.len();
        }
        assert!(findings > 0, "{file} finds nothing");
    }
}

/// A disabled rule does not run; the rules fused with it run on their own and find
/// what they find without it, fused or not.
#[test]
fn a_disabled_rule_leaves_its_group_and_finds_nothing() {
    let (fused, plain) = both("t.pol", STEPS);
    let doc = r#"{"name": "x", "strict": true, "jobs": {
        "one": {"steps": [{"uses": "evil/a", "n": 2}]},
        "two": {"steps": null}
    }}"#;
    let docs = pol::load(doc, Format::Json, Some("doc.json")).unwrap();
    for policy in [&fused, &plain] {
        let mut evaluator = policy.evaluator();
        evaluator.disable_rules(|rule| rule.name == "t.b");
        let decision = evaluator.evaluate(&docs[0]);
        assert_eq!(rules_of(&decision.violations), ["t.a", "t.between"]);
        assert_eq!(rules_of(&decision.warnings), ["t.c"]);
        // Turned on again, it runs again.
        evaluator.disable_rules(|_| false);
        let decision = evaluator.evaluate(&docs[0]);
        assert_eq!(rules_of(&decision.violations), ["t.a", "t.between", "t.b"]);
    }
}
