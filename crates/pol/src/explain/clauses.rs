//! The clauses of a rule as written, one line each, for explanations and coverage.

use crate::SourceMap;
use crate::hir::{Clause, RuleDef};
use pol_diagnostics::Span;

/// The most characters of a clause shown on its line.
const MAX_LABEL: usize = 100;

/// Clause `clause` of `rule` as written, on one line (`for job_id, job in input.jobs`,
/// `if step.uses != null`, `let x = ...`); the number of clauses names `message`.
pub(crate) fn clause_label(rule: &RuleDef, clause: usize, sources: &SourceMap) -> String {
    let text = |span: Span| one_line(sources.slice(span));
    let local = |id| {
        rule.body
            .local(id)
            .map_or_else(|| "_".to_owned(), |l| l.name.clone())
    };
    let label = match rule.clauses.get(clause) {
        Some(Clause::For { key, value, iter }) => match key {
            Some(key) => format!(
                "for {}, {} in {}",
                local(*key),
                local(*value),
                text(iter.span)
            ),
            None => format!("for {} in {}", local(*value), text(iter.span)),
        },
        Some(Clause::If(cond)) => format!("if {}", text(cond.span)),
        Some(Clause::Let { local: l, value }) => {
            format!("let {} = {}", local(*l), text(value.span))
        }
        None => format!("message {}", text(rule.message.span)),
    };
    cut(&label, MAX_LABEL)
}

/// Whitespace runs (line breaks included) as one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut to `max` characters with `…`.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.chars().nth(max).is_none() {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}
