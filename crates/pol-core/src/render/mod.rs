//! Rendering decisions for people and machines — one layer for the command line, an
//! embedding program and a server, so that each writes the same bytes for the same
//! decisions (docs/output.md).
//!
//! Rendering streams: a [`Renderer`] is made with the run's metadata ([`RunInfo`]: the
//! policy's rules, options), then given each input's outcome ([`InputReport`]: the
//! decisions of its documents, or why it could not be evaluated) or its
//! [`Renderer::skipped`] record, in input order, as they are made; it writes each to
//! any [`io::Write`] at once, keeping only counts (and, for a few formats, small
//! per-rule tables) until [`Renderer::finish`] writes the end and returns the
//! [`Tally`] of the run.
//!
//! ```
//! use pol_core::render::{FailOn, Format, InputReport, Renderer, RunEnd, RunInfo, RuleMeta, Rules};
//! use pol_core::{Decision, Finding, InputLocation, PolicyLocation};
//!
//! // The rules of the policy (an embedder of `pol` gets them with `Rules::from(&policy)`)
//! // and a decision it made.
//! let rules = Rules::new(vec![RuleMeta {
//!     name: "p.big".into(), id: None, severity: "medium".into(), deny: true,
//!     kinds: vec![], url: None, docs: None,
//! }]);
//! let mut decision = Decision::new();
//! decision.violations.push(Finding {
//!     rule: "p.big".into(), id: None, severity: "medium".into(),
//!     message: "too big".into(), path: "n".into(),
//!     location: Some(InputLocation { file: Some("in.json".into()), line: 1, column: 7 }),
//!     policy: PolicyLocation { file: "p.pol".into(), line: 2, column: 6 },
//! });
//! decision.finish();
//!
//! let mut out = Vec::new();
//! let mut renderer = Renderer::new(Format::Github, RunInfo::new(rules), &mut out).expect("written");
//! renderer.input(&InputReport::decided("in.json", vec![decision], None)).expect("written");
//! let tally = renderer.finish(&RunEnd::default()).expect("written");
//! assert!(tally.failed(FailOn::Violation));
//! let text = String::from_utf8(out).expect("UTF-8");
//! assert!(text.starts_with("::error file=in.json,line=1,col=7,title=p.big::too big\n"));
//! ```

mod ci;
mod json;
mod junit;
mod query;
mod rules;
mod sarif;
mod text;

pub use query::{QueryFormat, QueryValue, write_query};
pub use rules::{RuleMeta, Rules, first_sentence};
pub use text::Painted;

use crate::suppress::Counts;
use crate::{Decision, EvalError, Finding};
use std::collections::BTreeMap;
use std::io;
use std::time::Duration;

/// The version of pol's JSON output shape (`"version"` in `--format json`).
pub const JSON_VERSION: u32 = 1;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// For people: findings grouped by input, deny and warn told apart, a summary.
    #[default]
    Text,
    /// One JSON document of stable shape, with a `version`.
    Json,
    /// One JSON object per line: each decision, input error or skipped file.
    Ndjson,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML: one test case per input and rule.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab's Code Quality report.
    Gitlab,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: &'static [Format] = &[
        Format::Text,
        Format::Json,
        Format::Ndjson,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Gitlab,
    ];

    /// The format's name (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
        }
    }

    /// The format named `name`, if any.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// What the format is, in a line (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            Format::Text => "Findings grouped by input, deny and warn apart, help URLs, a summary",
            Format::Json => "One JSON document of stable shape, with a version",
            Format::Ndjson => "One JSON object a line: each decision, input error or skipped file",
            Format::Sarif => "SARIF 2.1.0, for code scanning",
            Format::Junit => "JUnit XML: one test case per input and rule",
            Format::Github => "GitHub Actions annotations (workflow commands)",
            Format::Gitlab => "GitLab Code Quality report",
        }
    }
}

/// When a run fails (`--fail-on`): what findings make the exit code 1. Runtime errors
/// always do (pol fails closed), whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Violations (the findings of `deny` rules) fail the run (the default).
    #[default]
    Violation,
    /// Warnings fail it too.
    Warning,
    /// Findings never fail it.
    Never,
}

/// What a renderer knows before the first input.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The policy's rules (for SARIF's rule table, JUnit's test cases, help URLs).
    pub rules: Rules,
    /// Colour the text output (ANSI escapes).
    pub color: bool,
    /// What fails the run (JUnit reports warnings as failures under `Warning`).
    pub fail_on: FailOn,
    /// The tool's version, written by the formats that name the tool.
    pub tool_version: &'static str,
    /// The working folder, `/`-separated: SARIF names inputs under it relative to it.
    pub base_dir: Option<String>,
}

impl RunInfo {
    /// Metadata for a run of these rules, no colour, failing on violations.
    pub fn new(rules: Rules) -> RunInfo {
        RunInfo {
            rules,
            color: false,
            fail_on: FailOn::Violation,
            tool_version: env!("CARGO_PKG_VERSION"),
            base_dir: None,
        }
    }
}

/// One document's decision and what is known of it.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The input's display name (as given, `/`-separated, no leading `./`).
    pub file: String,
    /// Which document of the input (a YAML stream holds several), from 0.
    pub document: usize,
    /// How many documents the input holds.
    pub documents: usize,
    /// The document's kind, if it has one.
    pub kind: Option<&'static str>,
    /// The decision, without the findings suppressed.
    pub decision: Decision,
    /// The findings suppressed, by reason.
    pub suppressed: Counts,
    /// How long evaluating it took (`Duration::ZERO` when not measured); no format
    /// writes it, for hooks such as decision logs.
    pub took: Duration,
}

impl Evaluated {
    /// The input's name; in an input of several documents, with the document's index
    /// (`k8s.yaml (document 1)`, counted from 0).
    pub fn name(&self) -> String {
        match self.document_note() {
            Some(note) => format!("{} ({note})", self.file),
            None => self.file.clone(),
        }
    }

    /// `document 1` in an input of several documents, else nothing: what the formats
    /// add to a line that names a position as `file:line:col`, which has no room for
    /// the document.
    pub fn document_note(&self) -> Option<String> {
        (self.documents > 1).then(|| format!("document {}", self.document))
    }
}

/// Why an input (or one line of an NDJSON input) could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// What went wrong, beginning with the input's name (`ci.yml:3:1: ...`).
    pub message: String,
    /// The line it is about, when known.
    pub line: Option<u32>,
}

/// One input's outcome: the decisions of its documents, in order, and the errors that
/// kept it (or some of its documents) from being evaluated.
#[derive(Debug, Clone)]
pub struct InputReport {
    /// The input's display name.
    pub name: String,
    /// The decisions made, in document order.
    pub decisions: Vec<Evaluated>,
    /// The errors (at most one, but for NDJSON inputs: one per bad line).
    pub errors: Vec<InputError>,
}

impl InputReport {
    /// Sets each decision's count of the input's documents (`Evaluated::documents`)
    /// once they are all made.
    pub fn count_documents(&mut self) {
        let documents = self.decisions.len();
        for e in &mut self.decisions {
            e.documents = documents;
        }
    }

    /// The report of an input whose documents gave `decisions` (nothing suppressed),
    /// and maybe an error.
    pub fn decided(name: &str, decisions: Vec<Decision>, error: Option<InputError>) -> InputReport {
        let documents = decisions.len();
        InputReport {
            name: name.to_owned(),
            decisions: decisions
                .into_iter()
                .enumerate()
                .map(|(document, decision)| Evaluated {
                    file: name.to_owned(),
                    document,
                    documents,
                    kind: None,
                    decision,
                    suppressed: Counts::default(),
                    took: Duration::ZERO,
                })
                .collect(),
            errors: error.into_iter().collect(),
        }
    }
}

/// What the renderer learns at the end of the run.
#[derive(Debug, Clone, Default)]
pub struct RunEnd {
    /// How long the run took.
    pub elapsed: Duration,
    /// Files of walked folders not read (of no kind or format pol reads).
    pub others_skipped: usize,
    /// Files excluded by the project's settings (`pol.toml`).
    pub excluded: usize,
    /// Rules that did not run because of the level (`--level`): how many, and the
    /// level of the run (`None` when every rule ran).
    pub above_level: Option<(usize, crate::suppress::Level)>,
}

/// The counts of a run, kept by the renderer as inputs pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Documents evaluated.
    pub documents: usize,
    /// Of them, denied.
    pub denied: usize,
    /// Findings of `deny` rules.
    pub violations: usize,
    /// Findings of `warn` rules.
    pub warnings: usize,
    /// Runtime errors.
    pub runtime_errors: usize,
    /// Findings by severity name.
    pub by_severity: BTreeMap<String, usize>,
    /// Findings suppressed, by reason.
    pub suppressed: Counts,
    /// Inputs (or NDJSON lines) not evaluated.
    pub input_errors: usize,
    /// Files skipped: named ones (with [`Renderer::skipped`]) and [`RunEnd::others_skipped`].
    pub skipped: usize,
    /// Files excluded by `pol.toml`.
    pub excluded: usize,
    /// Rules not run because of the level ([`RunEnd::above_level`]).
    pub above_level: Option<(usize, crate::suppress::Level)>,
}

impl Tally {
    /// Whether the findings and runtime errors fail the run under `fail_on` (input
    /// errors are apart: they are not decisions).
    pub fn failed(&self, fail_on: FailOn) -> bool {
        self.runtime_errors > 0
            || match fail_on {
                FailOn::Violation => self.denied > 0,
                FailOn::Warning => self.denied > 0 || self.warnings > 0,
                FailOn::Never => false,
            }
    }

    fn count(&mut self, e: &Evaluated) {
        let d = &e.decision;
        self.documents += 1;
        self.denied += usize::from(!d.allowed);
        self.violations += d.violations.len();
        self.warnings += d.warnings.len();
        self.runtime_errors += d.errors.len();
        for f in d.violations.iter().chain(&d.warnings) {
            *self.by_severity.entry(f.severity.to_string()).or_default() += 1;
        }
        self.suppressed.add(&e.suppressed);
    }
}

/// How serious a severity name is, for sorting and `--min-severity`: `info` 0 to
/// `critical` 4; an unknown name ranks as `medium`.
pub fn severity_rank(severity: &str) -> u8 {
    match severity {
        "info" => 0,
        "low" => 1,
        "high" => 3,
        "critical" => 4,
        _ => 2,
    }
}

/// One format's writer; [`Renderer`] drives it and keeps the tally.
trait Sink {
    fn start(&mut self, out: &mut Vec<u8>, run: &RunInfo) -> io::Result<()>;
    fn input(&mut self, out: &mut Vec<u8>, run: &RunInfo, input: &InputReport) -> io::Result<()>;
    fn skipped(&mut self, out: &mut Vec<u8>, name: &str, reason: &str) -> io::Result<()>;
    fn finish(
        &mut self,
        out: &mut Vec<u8>,
        run: &RunInfo,
        tally: &Tally,
        end: &RunEnd,
    ) -> io::Result<()>;
}

/// Writes a run's outcomes in one [`Format`] to `W` as they come.
pub struct Renderer<W: io::Write> {
    out: W,
    /// Each input's output is rendered here first and handed to `out` in one write:
    /// serializers write many small pieces, which cost a call through `W` each.
    buf: Vec<u8>,
    sink: Box<dyn Sink>,
    run: RunInfo,
    tally: Tally,
}

impl<W: io::Write> Renderer<W> {
    /// A renderer of `format` that writes to `out`; writes what comes before the first
    /// input (SARIF's rule table, JSON's header).
    pub fn new(format: Format, run: RunInfo, mut out: W) -> io::Result<Renderer<W>> {
        let mut sink: Box<dyn Sink> = match format {
            Format::Text => Box::new(text::Text::default()),
            Format::Json => Box::new(json::Json::document()),
            Format::Ndjson => Box::new(json::Json::lines()),
            Format::Sarif => Box::new(sarif::Sarif::default()),
            Format::Junit => Box::new(junit::Junit),
            Format::Github => Box::new(ci::Github),
            Format::Gitlab => Box::new(ci::Gitlab::default()),
        };
        let mut buf = Vec::new();
        sink.start(&mut buf, &run)?;
        out.write_all(&buf)?;
        Ok(Renderer {
            out,
            buf,
            sink,
            run,
            tally: Tally::default(),
        })
    }

    /// Writes one input's outcome.
    pub fn input(&mut self, input: &InputReport) -> io::Result<()> {
        for e in &input.decisions {
            self.tally.count(e);
        }
        self.tally.input_errors += input.errors.len();
        self.buf.clear();
        self.sink.input(&mut self.buf, &self.run, input)?;
        self.out.write_all(&self.buf)
    }

    /// Writes that a file named on the command line is not read, and why.
    pub fn skipped(&mut self, name: &str, reason: &str) -> io::Result<()> {
        self.tally.skipped += 1;
        self.buf.clear();
        self.sink.skipped(&mut self.buf, name, reason)?;
        self.out.write_all(&self.buf)
    }

    /// The writer (to flush it between inputs, say).
    pub fn writer(&mut self) -> &mut W {
        &mut self.out
    }

    /// The counts so far.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Writes the end of the output (summary, closing brackets), flushes, and returns
    /// the run's counts.
    pub fn finish(mut self, end: &RunEnd) -> io::Result<Tally> {
        self.tally.skipped += end.others_skipped;
        self.tally.excluded = end.excluded;
        self.tally.above_level = end.above_level;
        self.buf.clear();
        self.sink
            .finish(&mut self.buf, &self.run, &self.tally, end)?;
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(self.tally)
    }
}

/// The input a runtime error is about, for the formats that name it in a message:
/// the value its failing operation was given, as `` `a[1]` at count.json:3:12 ``
/// (`` `a[1]` in count.json `` without a position), or the document alone
/// (`count.json`); `, document 1` in a stream.
fn evaluating(e: &Evaluated, error: &EvalError) -> String {
    let mut out = match (&error.path, &error.location) {
        (Some(path), Some(l)) => format!("`{path}` at {}:{}:{}", e.file, l.line, l.column),
        (None, Some(l)) => format!("{}:{}:{}", e.file, l.line, l.column),
        (Some(path), None) => format!("`{path}` in {}", e.file),
        (None, None) => e.file.clone(),
    };
    if let Some(document) = e.document_note() {
        out.push_str(&format!(", {document}"));
    }
    out
}

/// The findings of a decision, violations first, each with whether it denies.
fn findings(d: &Decision) -> impl Iterator<Item = (&Finding, bool)> {
    d.violations
        .iter()
        .map(|f| (f, true))
        .chain(d.warnings.iter().map(|f| (f, false)))
}

/// The rule's id if it has one, else its name (what SARIF and the CI formats call it).
fn rule_key(f: &Finding) -> &str {
    f.id.as_ref().map_or(f.rule.as_str(), |id| id.as_str())
}

/// `1 error`, `2 warnings`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The one-line summary the text and GitHub formats end with:
/// `3 documents: 1 denied, 2 allowed (4 violations, 1 warning, 0 errors)` and what
/// was not evaluated, skipped, excluded or suppressed.
fn summary_line(t: &Tally) -> String {
    let mut line = format!(
        "{}: {} denied, {} allowed ({}, {}, {})",
        plural(t.documents, "document"),
        t.denied,
        t.documents - t.denied.min(t.documents),
        plural(t.violations, "violation"),
        plural(t.warnings, "warning"),
        plural(t.runtime_errors, "error"),
    );
    if t.input_errors > 0 {
        line.push_str(&format!(
            "; {} not evaluated (errors above)",
            plural(t.input_errors, "input")
        ));
    }
    if t.suppressed.total() > 0 {
        let by: Vec<String> = t
            .suppressed
            .0
            .iter()
            .map(|(reason, n)| format!("{n} {}", reason.as_str()))
            .collect();
        line.push_str(&format!(
            "; {} suppressed ({})",
            plural(t.suppressed.total(), "finding"),
            by.join(", ")
        ));
    }
    if let Some((rules, level)) = t.above_level {
        let next = match level {
            crate::suppress::Level::Regular => "pedantic",
            _ => "auditor",
        };
        line.push_str(&format!(
            "; {} above the {} level not run (`--level {next}` runs more)",
            plural(rules, "rule"),
            level.as_str()
        ));
    }
    if t.excluded > 0 {
        line.push_str(&format!(
            "; {} excluded by pol.toml",
            plural(t.excluded, "file")
        ));
    }
    if t.skipped > 0 {
        line.push_str(&format!(
            "; {} skipped (not of a kind or format pol reads)",
            plural(t.skipped, "file")
        ));
    }
    line
}

/// `by severity: 1 critical, 2 high; took 12 ms`, the text format's last line.
fn severity_line(t: &Tally, elapsed: Duration) -> String {
    let mut by: Vec<(&String, &usize)> = t.by_severity.iter().collect();
    by.sort_by_key(|(s, _)| std::cmp::Reverse(severity_rank(s)));
    let took = format_duration(elapsed);
    if by.is_empty() {
        format!("took {took}")
    } else {
        let parts: Vec<String> = by.iter().map(|(s, n)| format!("{n} {s}")).collect();
        format!("by severity: {}; took {took}", parts.join(", "))
    }
}

/// `850 µs`, `12 ms`, `1.42 s`.
fn format_duration(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{} ms", micros / 1000)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests;
