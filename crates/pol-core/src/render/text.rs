//! `--format text`: one line per finding, each beginning with `file:line:col` (the
//! pattern editors, terminals and CI problem matchers link), `deny` and `warn` told
//! apart, a blank line between documents; runtime errors; the help URLs of the rules
//! that fired; and a summary.
//!
//! ```text
//! ci.yml:7:15  deny  high      ci.github.unpinned_action (GHA001)  job b: evil/a@v1 is not pinned
//! ci.yml:1:1   warn  medium    ci.github.missing_permissions (GHA004)  no permissions
//!
//! k8s.yaml:12:9  deny  high      k8s.privileged (K8S001)  container shell is privileged (document 1)
//!
//! help:
//!   GHA001  https://example.com/rules#gha001
//!
//! 2 documents: 2 denied, 0 allowed (2 violations, 1 warning, 0 errors)
//! by severity: 2 high, 1 medium; took 3 ms
//! ```
//!
//! A runtime error is `FILE:LINE:COL  error  RULE  MESSAGE (POLICY:LINE:COL)`, its
//! position that of the input value the failing operation was given (the file alone
//! when it was given none). In an input of several documents (a YAML stream),
//! `(document N)` ends the line.
//! Input errors and skipped files are not written here: the command line writes them
//! to standard error; the summary counts them.

use super::{
    Evaluated, InputReport, RunEnd, RunInfo, Sink, Tally, findings, severity_line, summary_line,
};
use crate::Finding;
use std::collections::HashSet;
use std::io::{self, Write};

const RESET: &str = "\x1b[0m";

/// The text sink: remembers which rules fired, for the help list at the end.
#[derive(Default)]
pub(super) struct Text {
    fired: Vec<(String, String)>,
    seen: HashSet<String>,
}

fn paint(out: &mut Vec<u8>, text: &str, code: &str, color: bool) -> io::Result<()> {
    write!(out, "{}", Painted { text, code, color })
}

/// `text` in the terminal colours of the SGR `code` (`1;31`: bold red) when `color`,
/// else as it is: how pol's text outputs (findings, `pol test`) colour words.
#[derive(Debug, Clone, Copy)]
pub struct Painted<'a> {
    /// The text.
    pub text: &'a str,
    /// The SGR parameters.
    pub code: &'a str,
    /// Whether to colour it.
    pub color: bool,
}

impl std::fmt::Display for Painted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.color {
            write!(f, "\x1b[{}m{}{RESET}", self.code, self.text)
        } else {
            f.write_str(self.text)
        }
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

/// `FILE:LINE:COL`, or the file alone when the input has no position for the value.
fn position(file: &str, finding: &Finding) -> String {
    match &finding.location {
        Some(l) => format!("{file}:{}:{}", l.line, l.column),
        None => file.to_owned(),
    }
}

/// What ends a finding's line after its message: the path of a value without a
/// position, the document of a stream.
fn note(finding: &Finding, document: Option<&str>) -> String {
    let mut parts = Vec::new();
    if finding.location.is_none() && !finding.path.is_empty() {
        parts.push(format!("at {}", finding.path));
    }
    parts.extend(document.map(str::to_owned));
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

impl Text {
    fn document(&mut self, out: &mut Vec<u8>, run: &RunInfo, e: &Evaluated) -> io::Result<()> {
        let d = &e.decision;
        if d.violations.is_empty() && d.warnings.is_empty() && d.errors.is_empty() {
            return Ok(());
        }
        let color = run.color;
        let document = e.document_note();
        let positions: Vec<String> = findings(d)
            .map(|(finding, _)| position(&e.file, finding))
            .collect();
        let error_positions: Vec<String> = d
            .errors
            .iter()
            .map(|error| match &error.location {
                Some(l) => format!("{}:{}:{}", e.file, l.line, l.column),
                None => e.file.clone(),
            })
            .collect();
        let width = positions
            .iter()
            .chain(&error_positions)
            .map(|p| p.chars().count())
            .max()
            .unwrap_or(0);
        for ((finding, deny), at) in findings(d).zip(&positions) {
            paint(out, &format!("{at:<width$}"), "1", color)?;
            out.write_all(b"  ")?;
            if deny {
                paint(out, "deny", "1;31", color)?;
            } else {
                paint(out, "warn", "1;33", color)?;
            }
            out.write_all(b"  ")?;
            paint(
                out,
                &format!("{:<8}", finding.severity),
                severity_color(&finding.severity),
                color,
            )?;
            out.write_all(b"  ")?;
            let rule = match &finding.id {
                Some(id) => format!("{} ({id})", finding.rule),
                None => finding.rule.to_string(),
            };
            paint(out, &rule, "1", color)?;
            writeln!(
                out,
                "  {}{}",
                finding.message,
                note(finding, document.as_deref())
            )?;
            self.fired_rule(run, finding);
        }
        for (error, at) in d.errors.iter().zip(&error_positions) {
            paint(out, &format!("{at:<width$}"), "1", color)?;
            out.write_all(b"  ")?;
            paint(out, "error", "1;35", color)?;
            out.write_all(b"  ")?;
            paint(out, &error.rule, "1", color)?;
            let mut note = format!(
                "{}:{}:{}",
                error.policy.file, error.policy.line, error.policy.column
            );
            if let (Some(path), None) = (&error.path, &error.location) {
                note.push_str(&format!(", at {path}"));
            }
            if let Some(document) = &document {
                note.push_str(&format!(", {document}"));
            }
            writeln!(out, "  {} ({note})", error.message)?;
        }
        writeln!(out)
    }

    /// Remembers the help URL of a rule that fired, once.
    fn fired_rule(&mut self, run: &RunInfo, finding: &Finding) {
        if self.seen.contains(finding.rule.as_str()) {
            return;
        }
        self.seen.insert(finding.rule.to_string());
        if let Some(url) = run.rules.get(&finding.rule).and_then(|r| r.url.as_ref()) {
            self.fired
                .push((super::rule_key(finding).to_owned(), url.clone()));
        }
    }
}

impl Sink for Text {
    fn start(&mut self, _out: &mut Vec<u8>, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn input(&mut self, out: &mut Vec<u8>, run: &RunInfo, input: &InputReport) -> io::Result<()> {
        for e in &input.decisions {
            self.document(out, run, e)?;
        }
        Ok(())
    }

    fn skipped(&mut self, _out: &mut Vec<u8>, _name: &str, _reason: &str) -> io::Result<()> {
        Ok(())
    }

    fn finish(
        &mut self,
        out: &mut Vec<u8>,
        _run: &RunInfo,
        tally: &Tally,
        end: &RunEnd,
    ) -> io::Result<()> {
        if !self.fired.is_empty() {
            writeln!(out, "help:")?;
            let width = self.fired.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (key, url) in &self.fired {
                writeln!(out, "  {key:<width$}  {url}")?;
            }
            writeln!(out)?;
        }
        writeln!(out, "{}", summary_line(tally))?;
        writeln!(out, "{}", severity_line(tally, end.elapsed))
    }
}
