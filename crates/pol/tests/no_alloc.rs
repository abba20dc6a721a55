//! The hot loop allocates nothing: evaluating a document on a warm evaluator makes no
//! heap allocation unless a rule fires. Counted (not timed) with a counting global
//! allocator, on real workflows of the corpus.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use pol::{Format, Policy};

/// Realistic rules that read fields, compare, test membership in constant sets, match
/// regexes and globs, iterate, call functions and use constant lets.
const POLICY: &str = r#"
package gate

let trusted = {"actions", "github", "docker"}
let pinned = r"@[0-9a-f]{40}$"

fn third_party(uses) = not uses.starts_with("./") and not uses.starts_with("docker://")

deny unpinned_untrusted_action {
  for job_id, job in input.jobs
  for step in job.steps
  let uses = step.uses
  if uses != null and third_party(uses)
  if not uses.matches(r"^(actions|github|docker)/")
  if not uses.matches(r"@[0-9a-f]{40}$")
  if uses.starts_with("this-owner-does-not-exist/")
  message f"job {job_id}: {uses} is not pinned" at uses
}

deny write_all {
  if input.permissions == "write-all-but-never"
  message "write-all"
}

warn self_hosted_on_fork_prs {
  if "pull_request_target_never" in (input.on ?? {})
  for job_id, job in input.jobs
  if job["runs-on"] == "self-hosted-never"
  message f"job {job_id}" at job
}

deny workflow_file_glob {
  if type_of(input.name) == "string" and input.name.glob("never/**/*.yml")
  message "glob"
}

warn long_timeouts {
  for job_id, job in input.jobs
  if all s in job.steps ?? []: s.uses == "never/never@v0"
  if job["timeout-minutes"] == 100000
  message f"job {job_id}" at job
}
"#;

#[test]
fn warm_evaluations_allocate_nothing_when_no_rule_fires() {
    let policy = Policy::from_source("gate.pol", POLICY).unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/github-actions");
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if let Ok(mut d) = pol::load(&text, Format::Yaml, None) {
            docs.append(&mut d);
        }
    }
    assert!(docs.len() > 100, "too few corpus documents: {}", docs.len());
    let mut evaluator = policy.evaluator();
    // Warm up: buffers grow to the largest document, patterns are compiled, constant
    // lets are computed.
    for doc in &docs {
        let decision = evaluator.evaluate(doc);
        assert!(
            decision.allowed,
            "a rule fired: {:?}",
            decision.violations.first().or(decision.warnings.first())
        );
        assert!(decision.errors.is_empty(), "{:?}", decision.errors);
    }
    let counted = allocation_counter::measure(|| {
        for doc in &docs {
            let decision = evaluator.evaluate(doc);
            std::hint::black_box(&decision);
        }
    });
    assert_eq!(
        counted.count_total,
        0,
        "{} allocations over {} documents",
        counted.count_total,
        docs.len()
    );
}

#[test]
fn the_counter_sees_allocations() {
    // The assertion above is not vacuous: a firing rule allocates, and is counted.
    let policy = Policy::from_source(
        "p.pol",
        "package p\ndeny r {\n  message f\"{input.x}\"\n}\n",
    )
    .unwrap();
    let docs = pol::load("{\"x\": 1}", Format::Json, None).unwrap();
    let mut evaluator = policy.evaluator();
    let _ = evaluator.evaluate(&docs[0]);
    let counted = allocation_counter::measure(|| {
        std::hint::black_box(evaluator.evaluate(&docs[0]));
    });
    assert!(counted.count_total > 0);
}
