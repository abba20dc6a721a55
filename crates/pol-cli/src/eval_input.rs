//! Evaluating one input of `pol eval`: read, load document by document, evaluate,
//! apply the suppressions, and give the input's report (its decisions and errors).
//! NDJSON inputs (`--input-format ndjson`) are one JSON document a line, each
//! evaluated alone; a bad line is an error for that line only.

use crate::inputs::{InputError as ReadError, Pending};
use pol::Evaluator;
use pol::render::{Evaluated, InputError, InputReport};
use pol::suppress::Suppression;
use std::time::Instant;

/// How one input is read.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// Accept inputs that hold no document.
    pub allow_empty: bool,
    /// One JSON document a line.
    pub ndjson: bool,
    /// The run's `--total-timeout`.
    pub deadline: Option<Instant>,
    /// Give the SHA-256 of the input's bytes (for the decision log).
    pub hash: bool,
}

fn error(message: String) -> InputError {
    InputError {
        message,
        line: None,
    }
}

/// Reads, parses and evaluates one input: one decision per document, each evaluated
/// as soon as it is loaded (a YAML stream is never held whole). An input with no
/// document is an error unless `allow_empty`. On an error, the decisions of the
/// documents before it come with it. With `reading.hash`, the SHA-256 of the input's
/// bytes comes too (`None` when they could not be read).
pub fn evaluate(
    evaluator: &mut Evaluator<'_>,
    input: &Pending,
    reading: Reading,
    suppression: &Suppression,
) -> (InputReport, Option<pol::Digest>) {
    let mut report = InputReport {
        name: input.name.clone(),
        decisions: Vec::new(),
        errors: Vec::new(),
    };
    if reading.deadline.is_some_and(|d| Instant::now() >= d) {
        report.errors.push(error(format!(
            "{}: not evaluated: the run ran out of time (`--total-timeout`)",
            input.name
        )));
        return (report, None);
    }
    let text = match input.read() {
        Ok(text) => text,
        Err(e) => {
            report.errors.push(error(e.to_string()));
            return (report, None);
        }
    };
    let sha256 = reading.hash.then(|| pol::Digest::of(text.text.as_bytes()));
    // Resolving a document of its kind (GitLab CI's `extends:`) builds within them too.
    evaluator.set_load_limits(input.load_limits());
    let comments = pol::suppress::Comments::scan(&text.text);
    let decide = |evaluator: &mut Evaluator<'_>, doc: &pol::Document, document: usize| {
        let kind = input.kind_of(doc);
        suppression.decide(evaluator, doc, kind, (&input.name, document), &comments)
    };
    if reading.ndjson {
        ndjson(evaluator, input, &text.text, &mut report, &decide);
    } else {
        // Selective loading: what no rule reads is skipped (`--query` loads whole).
        let shape = evaluator.shape();
        let decisions = &mut report.decisions;
        let loaded = pol::load_each(
            &text.text,
            text.format,
            Some(&text.name),
            Some(shape),
            &input.load_limits(),
            |doc| {
                let evaluated = decide(evaluator, &doc, decisions.len());
                decisions.push(evaluated);
                std::ops::ControlFlow::Continue(())
            },
        );
        match loaded {
            Err(e) => report.errors.push(InputError {
                message: ReadError::Load(e.clone()).to_string(),
                line: Some(e.line),
            }),
            Ok(0) if !reading.allow_empty => report.errors.push(error(format!(
                "{}: empty input: it holds no document (pass `--allow-empty` to accept empty inputs)",
                input.name
            ))),
            Ok(_) => {}
        }
    }
    report.count_documents();
    (report, sha256)
}

/// Evaluates each non-blank line of `text` as a JSON document of its own; findings
/// point at the line; a line that is not valid JSON is an error of its own.
fn ndjson(
    evaluator: &mut Evaluator<'_>,
    input: &Pending,
    text: &str,
    report: &mut InputReport,
    decide: &impl Fn(&mut Evaluator<'_>, &pol::Document, usize) -> Evaluated,
) {
    let shape = evaluator.shape();
    let limits = input.load_limits();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let loaded = pol::load_each(
            line,
            pol::Format::Json,
            Some(&input.name),
            Some(shape),
            &limits,
            |doc| {
                let mut evaluated = decide(evaluator, &doc, report.decisions.len());
                for f in evaluated
                    .decision
                    .violations
                    .iter_mut()
                    .chain(&mut evaluated.decision.warnings)
                {
                    if let Some(l) = &mut f.location {
                        l.line = number;
                    }
                }
                report.decisions.push(evaluated);
                std::ops::ControlFlow::Continue(())
            },
        );
        if let Err(e) = loaded {
            report.errors.push(InputError {
                message: format!("{}:{number}:{}: {}", input.name, e.column, e.message),
                line: Some(number),
            });
        }
    }
}
