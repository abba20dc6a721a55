//! `pol rules`: the rules of the shipped packs — a list, one rule explained, or
//! `docs/rules.md`.

use crate::output::write_stdout;
use crate::{EXIT_OK, EXIT_USAGE};
use pol::packs::RuleDoc;
use std::fmt::Write;

/// Arguments of `pol rules`.
#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// A rule to explain, by id (`GHA001`, in any case) or name (`unpinned_action`).
    #[arg(value_name = "RULE")]
    rule: Option<String>,
    /// Print `docs/rules.md`: every rule, explained, as Markdown.
    #[arg(long, conflicts_with = "rule")]
    markdown: bool,
}

/// Runs `pol rules`; returns the exit code.
pub fn run(args: &RulesArgs) -> u8 {
    let docs = match pol::packs::rule_docs() {
        Ok(docs) => docs,
        Err(e) => {
            eprintln!("error: the shipped packs do not compile: {e}");
            return EXIT_USAGE;
        }
    };
    let text = if args.markdown {
        let mut md = pol::packs::rules_markdown(&docs);
        md.push('\n');
        md
    } else if let Some(wanted) = &args.rule {
        let found = docs.iter().find(|d| {
            d.id.eq_ignore_ascii_case(wanted)
                || d.name == *wanted
                || d.name.rsplit('.').next() == Some(wanted.as_str())
        });
        match found {
            Some(d) => explain(d),
            None => {
                eprintln!(
                    "error: no rule `{wanted}` in the shipped packs (`pol rules` lists them)"
                );
                return EXIT_USAGE;
            }
        }
    } else {
        list(&docs)
    };
    match write_stdout(&text) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

/// One line a rule: `GHA001  high      github-workflow  unpinned_action  summary`.
fn list(docs: &[RuleDoc]) -> String {
    let mut out = String::new();
    for d in docs {
        let _ = writeln!(
            out,
            "{:<8}  {:<8}  {:<16}  {}  {}",
            d.id,
            d.severity,
            d.doc_kinds.join(","),
            d.name.rsplit('.').next().unwrap_or(""),
            d.summary()
        );
    }
    let _ = writeln!(out, "{} rules; `pol rules ID` explains one", docs.len());
    out
}

/// A rule: what, why, how to fix, its kinds and an example.
fn explain(d: &RuleDoc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", d.id, d.name);
    let _ = writeln!(
        out,
        "{} rule, severity {}, on {} documents",
        d.kind,
        d.severity,
        d.doc_kinds.join(", ")
    );
    if !d.tags.is_empty() {
        let _ = writeln!(out, "tags: {}", d.tags.join(", "));
    }
    let _ = writeln!(out, "{}\n", d.url);
    let _ = writeln!(out, "{}", d.docs.trim());
    for (fires, example) in &d.examples {
        let _ = writeln!(
            out,
            "\n{}\n{}",
            if *fires { "Fires on:" } else { "Passes:" },
            example.trim_end()
        );
    }
    out
}
