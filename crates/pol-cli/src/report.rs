//! Text output of decisions: one line a finding, `file:line:col  severity  rule  message`.

use crate::eval::Outcome;
use crate::output::plural;
use pol::Finding;
use std::fmt::Write;

const RESET: &str = "\x1b[0m";

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}{RESET}")
    } else {
        text.to_owned()
    }
}

fn severity_color(severity: &str) -> &'static str {
    match severity {
        "critical" => "1;31",
        "high" => "31",
        "medium" => "33",
        "low" => "36",
        _ => "2",
    }
}

/// The input's name; in a file of several documents, with the document's index
/// (`k8s.yaml[1]`, counted from 0).
fn input_name(outcome: &Outcome) -> String {
    if outcome.documents > 1 {
        format!("{}[{}]", outcome.file, outcome.document)
    } else {
        outcome.file.clone()
    }
}

fn where_(outcome: &Outcome, finding: &Finding) -> String {
    let input = input_name(outcome);
    match &finding.location {
        Some(l) => format!("{input}:{}:{}", l.line, l.column),
        None if finding.path.is_empty() => input,
        None => format!("{input} {}", finding.path),
    }
}

/// Appends the findings and errors of one document to `out`, one line each.
pub fn render_decision(out: &mut String, outcome: &Outcome, color: bool) {
    let d = &outcome.decision;
    for finding in d.violations.iter().chain(&d.warnings) {
        let severity = paint(
            &format!("{:<8}", finding.severity),
            severity_color(&finding.severity),
            color,
        );
        let rule = match &finding.id {
            Some(id) => format!("{} ({id})", finding.rule),
            None => finding.rule.to_string(),
        };
        let _ = writeln!(
            out,
            "{}  {severity}  {}  {}",
            where_(outcome, finding),
            paint(&rule, "1", color),
            finding.message
        );
    }
    for error in &d.errors {
        let _ = writeln!(
            out,
            "{}:{}:{}  {}  {}  {} (while evaluating {})",
            error.policy.file,
            error.policy.line,
            error.policy.column,
            paint(&format!("{:<8}", "error"), "1;35", color),
            paint(&error.rule, "1", color),
            error.message,
            input_name(outcome),
        );
    }
}

/// `3 documents: 1 denied, 2 allowed (4 violations, 1 warning, 0 errors)`.
pub fn summary(outcomes: &[Outcome]) -> String {
    let denied = outcomes.iter().filter(|o| !o.decision.allowed).count();
    let count =
        |f: fn(&pol::Decision) -> usize| outcomes.iter().map(|o| f(&o.decision)).sum::<usize>();
    format!(
        "{}: {} denied, {} allowed ({}, {}, {})",
        plural(outcomes.len(), "document"),
        denied,
        outcomes.len() - denied,
        plural(count(|d| d.violations.len()), "violation"),
        plural(count(|d| d.warnings.len()), "warning"),
        plural(count(|d| d.errors.len()), "error"),
    )
}
