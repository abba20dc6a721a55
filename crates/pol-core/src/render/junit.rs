//! `--format junit`: JUnit XML, the test report every CI system shows. Each input
//! document is a `<testsuite>`, written when its decision comes; in it, one
//! `<testcase>` per rule that runs on the document (its kind's rules and those without
//! a kind) and per rule or let that fired or failed. A violation is a `<failure>`; a
//! warning is written to the test case's `<system-out>` (a `<failure>` under
//! `--fail-on warning`); a runtime error is an `<error>`. An input that could not be
//! evaluated is a suite with one test case `load` holding an `<error>`; a skipped file
//! a suite with one `<skipped>` test case.

use super::{Evaluated, FailOn, InputReport, RunEnd, RunInfo, Sink, Tally, findings};
use crate::{EvalError, Finding};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::io::{self, Write};

/// The JUnit sink.
#[derive(Default)]
pub(super) struct Junit;

/// Text XML 1.0 can hold: other control characters become U+FFFD.
fn xml_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// One test case's outcome: its findings and errors.
struct Case<'a> {
    name: String,
    failures: Vec<(&'a Finding, bool)>,
    errors: Vec<&'a EvalError>,
}

fn location(file: &str, f: &Finding) -> String {
    match &f.location {
        Some(l) => format!("{file}:{}:{}", l.line, l.column),
        None if f.path.is_empty() => file.to_owned(),
        None => format!("{file} {}", f.path),
    }
}

type Xml<'w> = Writer<&'w mut Vec<u8>>;

fn element(
    w: &mut Xml<'_>,
    name: &str,
    attributes: &[(&str, &str)],
    text: Option<&str>,
) -> io::Result<()> {
    let mut start = BytesStart::new(name);
    for (key, value) in attributes {
        start.push_attribute((*key, xml_text(value).as_str()));
    }
    match text {
        None => w.write_event(Event::Empty(start)),
        Some(text) => {
            w.write_event(Event::Start(start))?;
            w.write_event(Event::Text(BytesText::new(&xml_text(text))))?;
            w.write_event(Event::End(BytesEnd::new(name)))
        }
    }
}

impl Junit {
    fn suite(&mut self, w: &mut Xml<'_>, run: &RunInfo, e: &Evaluated) -> io::Result<()> {
        let name = e.name();
        let mut cases: Vec<Case<'_>> = run
            .rules
            .iter()
            .filter(|r| {
                r.kinds.is_empty() || e.kind.is_some_and(|k| r.kinds.iter().any(|rk| rk == k))
            })
            .map(|r| Case {
                name: r.name.clone(),
                failures: Vec::new(),
                errors: Vec::new(),
            })
            .collect();
        let case_of = |rule: &str, cases: &mut Vec<Case<'_>>| -> usize {
            if let Some(i) = cases.iter().position(|c| c.name == rule) {
                return i;
            }
            cases.push(Case {
                name: rule.to_owned(),
                failures: Vec::new(),
                errors: Vec::new(),
            });
            cases.len() - 1
        };
        for (finding, deny) in findings(&e.decision) {
            let i = case_of(&finding.rule, &mut cases);
            if let Some(case) = cases.get_mut(i) {
                case.failures.push((finding, deny));
            }
        }
        let errors = &e.decision.errors;
        for error in errors {
            let i = case_of(&error.rule, &mut cases);
            if let Some(case) = cases.get_mut(i) {
                case.errors.push(error);
            }
        }
        let fails = |(_, deny): &(&Finding, bool)| *deny || run.fail_on == FailOn::Warning;
        let failed = cases
            .iter()
            .filter(|c| c.errors.is_empty() && c.failures.iter().any(fails))
            .count();
        let errored = cases.iter().filter(|c| !c.errors.is_empty()).count();
        let mut start = BytesStart::new("testsuite");
        start.push_attribute(("name", xml_text(&name).as_str()));
        start.push_attribute(("tests", cases.len().to_string().as_str()));
        start.push_attribute(("failures", failed.to_string().as_str()));
        start.push_attribute(("errors", errored.to_string().as_str()));
        w.write_event(Event::Start(start))?;
        for case in &cases {
            self.case(w, run, e, &name, case)?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuite")))
    }

    /// One test case of the suite `suite` (the document's name): a finding's text
    /// begins with `file:line:col`, the document of a stream at its end.
    fn case(
        &mut self,
        w: &mut Xml<'_>,
        run: &RunInfo,
        e: &Evaluated,
        suite: &str,
        case: &Case<'_>,
    ) -> io::Result<()> {
        let attributes = [("classname", suite), ("name", case.name.as_str())];
        let document = e
            .document_note()
            .map(|d| format!(", {d}"))
            .unwrap_or_default();
        if case.failures.is_empty() && case.errors.is_empty() {
            return element(w, "testcase", &attributes, None);
        }
        let mut start = BytesStart::new("testcase");
        for (key, value) in attributes {
            start.push_attribute((key, xml_text(value).as_str()));
        }
        w.write_event(Event::Start(start))?;
        for error in &case.errors {
            let text = format!(
                "{}:{}:{}: {} (while evaluating {})",
                error.policy.file,
                error.policy.line,
                error.policy.column,
                error.message,
                super::evaluating(e, error)
            );
            element(
                w,
                "error",
                &[
                    ("message", error.message.as_str()),
                    ("type", "runtime error"),
                ],
                Some(&text),
            )?;
        }
        let mut out = String::new();
        for (finding, deny) in &case.failures {
            let text = format!(
                "{}: {} ({}, {}{document})",
                location(&e.file, finding),
                finding.message,
                if *deny { "deny" } else { "warn" },
                finding.severity
            );
            if *deny || run.fail_on == FailOn::Warning {
                element(
                    w,
                    "failure",
                    &[
                        ("message", finding.message.as_str()),
                        ("type", finding.severity.as_str()),
                    ],
                    Some(&text),
                )?;
            } else {
                out.push_str("warning: ");
                out.push_str(&text);
                out.push('\n');
            }
        }
        if !out.is_empty() {
            element(w, "system-out", &[], Some(&out))?;
        }
        w.write_event(Event::End(BytesEnd::new("testcase")))
    }
}

impl Sink for Junit {
    fn start(&mut self, out: &mut Vec<u8>, _run: &RunInfo) -> io::Result<()> {
        let mut w = Writer::new_with_indent(out, b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut start = BytesStart::new("testsuites");
        start.push_attribute(("name", "pol"));
        w.write_event(Event::Start(start))
    }

    fn input(&mut self, out: &mut Vec<u8>, run: &RunInfo, input: &InputReport) -> io::Result<()> {
        if input.decisions.is_empty() && input.errors.is_empty() {
            return Ok(());
        }
        out.write_all(b"\n")?;
        let mut w = Writer::new_with_indent(out, b' ', 2);
        for e in &input.decisions {
            self.suite(&mut w, run, e)?;
        }
        for error in &input.errors {
            let mut start = BytesStart::new("testsuite");
            start.push_attribute(("name", xml_text(&input.name).as_str()));
            for (key, value) in [("tests", "1"), ("failures", "0"), ("errors", "1")] {
                start.push_attribute((key, value));
            }
            w.write_event(Event::Start(start))?;
            let mut case = BytesStart::new("testcase");
            case.push_attribute(("classname", xml_text(&input.name).as_str()));
            case.push_attribute(("name", "load"));
            w.write_event(Event::Start(case))?;
            element(
                &mut w,
                "error",
                &[("message", error.message.as_str()), ("type", "input error")],
                Some(&error.message),
            )?;
            w.write_event(Event::End(BytesEnd::new("testcase")))?;
            w.write_event(Event::End(BytesEnd::new("testsuite")))?;
        }
        Ok(())
    }

    fn skipped(&mut self, out: &mut Vec<u8>, name: &str, reason: &str) -> io::Result<()> {
        out.write_all(b"\n")?;
        let mut w = Writer::new_with_indent(out, b' ', 2);
        let mut start = BytesStart::new("testsuite");
        start.push_attribute(("name", xml_text(name).as_str()));
        for (key, value) in [
            ("tests", "1"),
            ("failures", "0"),
            ("errors", "0"),
            ("skipped", "1"),
        ] {
            start.push_attribute((key, value));
        }
        w.write_event(Event::Start(start))?;
        let mut case = BytesStart::new("testcase");
        case.push_attribute(("classname", xml_text(name).as_str()));
        case.push_attribute(("name", "load"));
        w.write_event(Event::Start(case))?;
        element(&mut w, "skipped", &[("message", reason)], None)?;
        w.write_event(Event::End(BytesEnd::new("testcase")))?;
        w.write_event(Event::End(BytesEnd::new("testsuite")))
    }

    fn finish(
        &mut self,
        out: &mut Vec<u8>,
        _run: &RunInfo,
        _tally: &Tally,
        _end: &RunEnd,
    ) -> io::Result<()> {
        out.write_all(b"\n</testsuites>\n")
    }
}
