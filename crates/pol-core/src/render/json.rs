//! `--format json` (one document of stable shape, version [`JSON_VERSION`]) and
//! `--format ndjson` (one result a line), written entry by entry as inputs come.
//!
//! ```json
//! {"version": 1, "tool": {"name": "pol", "version": "0.1.0"}, "results": [
//! {"input": {"file": "ci.yml", "document": 0, "kind": "github-workflow"}, "allowed": false, "violations": [...], "warnings": [], "errors": []},
//! {"input": {"file": "bad.json", "line": 2}, "allowed": false, "error": "bad.json:2:11: expected a value"},
//! {"input": {"file": "notes.txt"}, "skipped": "not a file of a known kind or format"}
//! ],
//! "summary": {"documents": 1, "denied": 1, ...}}
//! ```
//!
//! Each result is on one line, so that the document is also easy to `grep`.

use super::{InputReport, JSON_VERSION, RunEnd, RunInfo, Sink, Tally};
use crate::{EvalError, Finding};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The JSON sinks: a whole document, or lines.
pub(super) struct Json {
    lines: bool,
    first: bool,
}

impl Json {
    /// `--format json`.
    pub(super) fn document() -> Json {
        Json {
            lines: false,
            first: true,
        }
    }

    /// `--format ndjson`.
    pub(super) fn lines() -> Json {
        Json {
            lines: true,
            first: true,
        }
    }

    /// Writes one result: a line of its own in both shapes.
    fn entry(&mut self, out: &mut Vec<u8>, entry: &impl Serialize) -> io::Result<()> {
        if !self.lines && !self.first {
            out.write_all(b",\n")?;
        }
        self.first = false;
        serde_json::to_writer(&mut *out, entry).map_err(io::Error::other)?;
        if self.lines {
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// The input a decision is about.
#[derive(Serialize)]
struct DocumentRef<'a> {
    file: &'a str,
    document: usize,
    kind: Option<&'a str>,
}

/// One document's decision.
#[derive(Serialize)]
struct DecisionEntry<'a> {
    input: DocumentRef<'a>,
    allowed: bool,
    violations: &'a [Finding],
    warnings: &'a [Finding],
    errors: &'a [EvalError],
}

/// An input, or a line of one, that could not be evaluated.
#[derive(Serialize)]
struct LineRef<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

#[derive(Serialize)]
struct ErrorEntry<'a> {
    input: LineRef<'a>,
    allowed: bool,
    error: &'a str,
}

#[derive(Serialize)]
struct SkippedEntry<'a> {
    input: LineRef<'a>,
    skipped: &'a str,
}

/// The counts of the run (`summary`).
#[derive(Serialize)]
pub(super) struct Summary<'a> {
    documents: usize,
    denied: usize,
    allowed: usize,
    violations: usize,
    warnings: usize,
    errors: usize,
    input_errors: usize,
    skipped: usize,
    excluded: usize,
    by_severity: &'a BTreeMap<String, usize>,
    suppressed: BTreeMap<&'static str, usize>,
    elapsed_ms: f64,
}

impl<'a> Summary<'a> {
    pub(super) fn of(t: &'a Tally, end: &RunEnd) -> Summary<'a> {
        Summary {
            documents: t.documents,
            denied: t.denied,
            allowed: t.documents.saturating_sub(t.denied),
            violations: t.violations,
            warnings: t.warnings,
            errors: t.runtime_errors,
            input_errors: t.input_errors,
            skipped: t.skipped,
            excluded: t.excluded,
            by_severity: &t.by_severity,
            suppressed: t.suppressed.0.iter().map(|(r, n)| (r.key(), *n)).collect(),
            elapsed_ms: (end.elapsed.as_secs_f64() * 1e6).round() / 1e3,
        }
    }
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
}

impl Sink for Json {
    fn start(&mut self, out: &mut Vec<u8>, run: &RunInfo) -> io::Result<()> {
        if self.lines {
            return Ok(());
        }
        let tool = Tool {
            name: "pol",
            version: run.tool_version,
        };
        write!(out, "{{\"version\": {JSON_VERSION}, \"tool\": ")?;
        serde_json::to_writer(&mut *out, &tool).map_err(io::Error::other)?;
        out.write_all(b", \"results\": [\n")
    }

    fn input(&mut self, out: &mut Vec<u8>, _run: &RunInfo, input: &InputReport) -> io::Result<()> {
        for e in &input.decisions {
            let d = &e.decision;
            self.entry(
                out,
                &DecisionEntry {
                    input: DocumentRef {
                        file: &e.file,
                        document: e.document,
                        kind: e.kind,
                    },
                    allowed: d.allowed,
                    violations: &d.violations,
                    warnings: &d.warnings,
                    errors: &d.errors,
                },
            )?;
        }
        for error in &input.errors {
            self.entry(
                out,
                &ErrorEntry {
                    input: LineRef {
                        file: &input.name,
                        line: error.line,
                    },
                    allowed: false,
                    error: &error.message,
                },
            )?;
        }
        Ok(())
    }

    fn skipped(&mut self, out: &mut Vec<u8>, name: &str, reason: &str) -> io::Result<()> {
        self.entry(
            out,
            &SkippedEntry {
                input: LineRef {
                    file: name,
                    line: None,
                },
                skipped: reason,
            },
        )
    }

    fn finish(
        &mut self,
        out: &mut Vec<u8>,
        _run: &RunInfo,
        tally: &Tally,
        end: &RunEnd,
    ) -> io::Result<()> {
        if self.lines {
            return Ok(());
        }
        if !self.first {
            out.write_all(b"\n")?;
        }
        out.write_all(b"],\n\"summary\": ")?;
        serde_json::to_writer(&mut *out, &Summary::of(tally, end)).map_err(io::Error::other)?;
        out.write_all(b"}\n")
    }
}
