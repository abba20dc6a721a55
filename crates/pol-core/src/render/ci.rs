//! The CI formats: `--format github` (GitHub Actions workflow commands, which the
//! runner turns into annotations on the lines they name) and `--format gitlab`
//! (GitLab's Code Quality report, a JSON array written as inputs come).

use super::{
    InputReport, RunEnd, RunInfo, Sink, Tally, evaluating, findings, rule_key, summary_line,
};
use crate::Finding;
use serde::Serialize;
use std::io::{self, Write};

/// `--format github`.
pub(super) struct Github;

/// Escapes a workflow command's message (GitHub's rules: `%`, `\r`, `\n`).
pub(super) fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a workflow command's property value (the data's rules, and `:` and `,`).
pub(super) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::LEVEL file=F,line=L,col=C,title=T::MESSAGE`.
fn command(
    out: &mut Vec<u8>,
    level: &str,
    file: &str,
    at: Option<(u32, u32)>,
    title: Option<&str>,
    message: &str,
) -> io::Result<()> {
    write!(out, "::{level} file={}", escape_property(file))?;
    if let Some((line, col)) = at {
        write!(out, ",line={line},col={col}")?;
    }
    if let Some(title) = title {
        write!(out, ",title={}", escape_property(title))?;
    }
    writeln!(out, "::{}", escape_data(message))
}

/// The annotation level of a finding: `error` for a violation, `warning` for a
/// warning, `notice` for a warning of severity `info`.
fn github_level(finding: &Finding, deny: bool) -> &'static str {
    if deny {
        "error"
    } else if finding.severity.as_str() == "info" {
        "notice"
    } else {
        "warning"
    }
}

impl Sink for Github {
    fn start(&mut self, _out: &mut Vec<u8>, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }

    fn input(&mut self, out: &mut Vec<u8>, run: &RunInfo, input: &InputReport) -> io::Result<()> {
        for e in &input.decisions {
            for (finding, deny) in findings(&e.decision) {
                let title = match &finding.id {
                    Some(id) => format!("{} ({id})", finding.rule),
                    None => finding.rule.to_string(),
                };
                let mut message = finding.message.clone();
                if let Some(document) = e.document_note() {
                    message.push_str(&format!(" ({document})"));
                }
                if let Some(url) = run.rules.get(&finding.rule).and_then(|r| r.url.as_ref()) {
                    message.push_str(&format!("\nhelp: {url}"));
                }
                let at = finding.location.as_ref().map(|l| (l.line, l.column));
                command(
                    out,
                    github_level(finding, deny),
                    &e.file,
                    at,
                    Some(&title),
                    &message,
                )?;
            }
            for error in &e.decision.errors {
                command(
                    out,
                    "error",
                    &error.policy.file,
                    Some((error.policy.line, error.policy.column)),
                    Some(&format!("runtime error in {}", error.rule)),
                    &format!(
                        "{} (while evaluating {})",
                        error.message,
                        evaluating(e, error)
                    ),
                )?;
            }
        }
        for error in &input.errors {
            command(
                out,
                "error",
                &input.name,
                error.line.map(|l| (l, 1)),
                Some("input not evaluated"),
                &error.message,
            )?;
        }
        Ok(())
    }

    fn skipped(&mut self, out: &mut Vec<u8>, name: &str, reason: &str) -> io::Result<()> {
        command(out, "notice", name, None, Some("skipped"), reason)
    }

    fn finish(
        &mut self,
        out: &mut Vec<u8>,
        _run: &RunInfo,
        tally: &Tally,
        _end: &RunEnd,
    ) -> io::Result<()> {
        writeln!(out, "{}", summary_line(tally))
    }
}

/// `--format gitlab`.
#[derive(Default)]
pub(super) struct Gitlab {
    written: bool,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

/// One Code Quality issue.
#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

/// Code Quality's severity for a pol severity.
fn gitlab_severity(severity: &str) -> &'static str {
    match severity {
        "info" => "info",
        "low" => "minor",
        "high" => "critical",
        "critical" => "blocker",
        _ => "major",
    }
}

/// A stable 64-bit FNV-1a hash of the parts, in hex (as [`crate::suppress::fingerprint`]).
fn hash(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

impl Gitlab {
    fn issue(&mut self, out: &mut Vec<u8>, issue: &Issue<'_>) -> io::Result<()> {
        out.write_all(if self.written { b",\n" } else { b"\n" })?;
        self.written = true;
        serde_json::to_writer(&mut *out, issue).map_err(io::Error::other)
    }
}

impl Sink for Gitlab {
    fn start(&mut self, out: &mut Vec<u8>, _run: &RunInfo) -> io::Result<()> {
        out.write_all(b"[")
    }

    fn input(&mut self, out: &mut Vec<u8>, _run: &RunInfo, input: &InputReport) -> io::Result<()> {
        for e in &input.decisions {
            // Fingerprints name a document of a stream as `file[N]`, as they always
            // have: GitLab tracks issues across pipelines by them.
            let name = match e.documents {
                0 | 1 => e.file.clone(),
                _ => format!("{}[{}]", e.file, e.document),
            };
            for (finding, _) in findings(&e.decision) {
                let description = format!("{} ({})", finding.message, finding.rule);
                self.issue(
                    out,
                    &Issue {
                        description: &description,
                        check_name: rule_key(finding),
                        fingerprint: crate::suppress::fingerprint(&name, finding),
                        severity: gitlab_severity(&finding.severity),
                        location: Location {
                            path: &e.file,
                            lines: Lines {
                                begin: finding.location.as_ref().map_or(1, |l| l.line),
                            },
                        },
                    },
                )?;
            }
            for error in &e.decision.errors {
                let description = format!(
                    "runtime error in {}: {} ({}:{}, while evaluating {})",
                    error.rule,
                    error.message,
                    error.policy.file,
                    error.policy.line,
                    evaluating(e, error)
                );
                self.issue(
                    out,
                    &Issue {
                        description: &description,
                        check_name: "pol-runtime-error",
                        fingerprint: hash(&[&name, &error.rule, &error.message]),
                        severity: "blocker",
                        location: Location {
                            path: &e.file,
                            lines: Lines {
                                begin: error.location.as_ref().map_or(1, |l| l.line),
                            },
                        },
                    },
                )?;
            }
        }
        for error in &input.errors {
            let line = error.line.unwrap_or(1);
            self.issue(
                out,
                &Issue {
                    description: &error.message,
                    check_name: "pol-input-error",
                    fingerprint: hash(&[&input.name, &line.to_string(), &error.message]),
                    severity: "blocker",
                    location: Location {
                        path: &input.name,
                        lines: Lines { begin: line },
                    },
                },
            )?;
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
        _tally: &Tally,
        _end: &RunEnd,
    ) -> io::Result<()> {
        out.write_all(if self.written { b"\n]\n" } else { b"]\n" })
    }
}
