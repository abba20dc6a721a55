//! Policy sets for the benchmarks: a realistic GitHub Actions rule set, and generated
//! sets of any number of rules, with or without an indexable guard.

use std::fmt::Write;
use std::path::Path;

/// The files of the GitHub Actions rule set, relative to the repository:
/// `examples/github_actions.pol` (6 rules) and `benches/policies/github_more.pol` (7).
pub const GITHUB_RULES: [&str; 2] = [
    "examples/github_actions.pol",
    "benches/policies/github_more.pol",
];

/// The GitHub Actions rule set (13 rules), compiled.
pub fn github_rules() -> Result<pol::Policy, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut sources = pol::SourceMap::new();
    let mut files = Vec::new();
    for name in GITHUB_RULES {
        let text = std::fs::read_to_string(root.join(name)).map_err(|e| format!("{name}: {e}"))?;
        files.push(sources.add(name, text));
    }
    pol::compile(&mut sources, &files)
        .map(|compiled| compiled.policy)
        .map_err(|e| e.to_string())
}

/// A policy set of `rules` rules over workflow steps. With `guarded`, each rule starts
/// with `if input.kind == "Kind_<i>"`, a test the VM can index (no workflow has a
/// `kind`, so no guarded rule gets past it); without, every rule walks every step.
pub fn scaling_policy(rules: usize, guarded: bool) -> String {
    let mut src = String::from("package bench.scaling\n\n");
    for i in 0..rules {
        let guard = if guarded {
            format!("  if input.kind == \"Kind_{i}\"\n")
        } else {
            String::new()
        };
        let _ = writeln!(
            src,
            "deny rule_{i} {{\n{guard}  for job_id, job in input.jobs\n  for step in job.steps\n  \
             if step.uses.starts_with(\"owner-{i}/\")\n  \
             message f\"job {{job_id}}: {{step.uses}} is not allowed ({i})\" at step.uses\n}}\n"
        );
    }
    src
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "test code: a failure should stop the test loudly"
)]
mod tests {
    use super::*;

    #[test]
    fn the_policies_compile() {
        assert_eq!(github_rules().unwrap().evaluator().rule_names().count(), 13);
        for guarded in [false, true] {
            let policy = pol::Policy::from_source("s.pol", &scaling_policy(10, guarded)).unwrap();
            assert_eq!(policy.evaluator().rule_names().count(), 10);
        }
    }

    #[test]
    fn the_github_rules_fire_on_a_synthetic_workflow_without_errors() {
        let json = crate::synthetic_workflow(5_000);
        let text = std::str::from_utf8(&json).unwrap();
        let decisions = github_rules()
            .unwrap()
            .evaluate_text(text, pol::Format::Json, None)
            .unwrap();
        let [decision] = decisions.as_slice() else {
            unreachable!("one JSON document gives one decision")
        };
        assert!(decision.errors.is_empty(), "{:?}", decision.errors);
        let mut fired: Vec<&str> = decision
            .violations
            .iter()
            .chain(&decision.warnings)
            .map(|f| f.rule.as_str())
            .collect();
        fired.sort_unstable();
        fired.dedup();
        // Every rule but `missing_permissions` (some jobs have permissions).
        assert_eq!(fired.len(), 12, "{fired:?}");
    }
}
