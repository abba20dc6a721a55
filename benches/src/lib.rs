//! Inputs for pol's benchmarks: generated policy sets of any size, a realistic rule set,
//! the corpus workflows and synthetic workflows of any size.

mod docs;
mod policies;

pub use docs::{Workflow, corpus, corpus_dir, synthetic_workflow};
pub use policies::{GITHUB_RULES, github_rules, scaling_policy};

use std::fmt::Write;

/// A policy set of `rules` realistic rules in one package, as `.pol` source: loops over
/// jobs and steps, lets, functions, sets, f-strings, regexes, annotations and docs.
pub fn generated_policy(rules: usize) -> String {
    let mut src = String::with_capacity(rules * 400);
    src.push_str("package bench.generated\n\n");
    src.push_str("let trusted = {\"actions\", \"github\", \"docker\"}\n");
    src.push_str("fn owner(uses: string) -> string = uses.split(\"/\")[0]\n");
    src.push_str("fn pinned(uses: string) -> bool = uses.matches(r\"@[0-9a-f]{40}$\")\n\n");
    for i in 0..rules {
        let severity = ["info", "low", "medium", "high", "critical"]
            .get(i % 5)
            .unwrap_or(&"low");
        let kind = if i % 4 == 0 { "warn" } else { "deny" };
        let _ = match i % 3 {
            0 => writeln!(
                src,
                "/// Rule {i}: third-party actions must be pinned.\n@id(\"GEN{i:05}\")\n@severity(\"{severity}\")\n\
                 {kind} rule_{i} {{\n  for job_id, job in input.jobs\n  for step in job.steps\n  let uses = step.uses\n  \
                 if uses != null and not uses.starts_with(\"./\")\n  if owner(uses) not in trusted\n  \
                 if not pinned(uses)\n  message f\"job {{job_id}}: {{uses}} ({i})\" at uses\n}}\n"
            ),
            1 => writeln!(
                src,
                "@severity(\"{severity}\")\n{kind} rule_{i} {{\n  for c in input.spec.template.spec.containers ?? []\n  \
                 if c.securityContext.privileged == true or any p in c.ports ?? []: p.hostPort == {i}\n  \
                 message f\"container {{c.name}} is privileged\" at c\n}}\n"
            ),
            _ => writeln!(
                src,
                "{kind} rule_{i} {{\n  let names = [r.address for r in input.resource_changes if r.type == \"aws_s3_bucket\"]\n  \
                 if len(names) > {i} % 7\n  if all n in names: n.starts_with(\"module.\")\n  \
                 message \"too many buckets: \" + names.join(\", \")\n}}\n"
            ),
        };
    }
    src
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_policies_check_cleanly() {
        let mut sources = pol::SourceMap::new();
        let file = sources.add("gen.pol", generated_policy(30));
        let diagnostics = pol::check(&mut sources, &[file]);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    }
}
