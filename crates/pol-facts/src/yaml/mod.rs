//! The YAML loader: builds documents from the events of `saphyr-parser`.
//!
//! Anchors and aliases are expanded (an alias is a copy of the anchored subtree, the
//! copies of all documents of a stream limited by `LoadLimits::max_alias_nodes`; the
//! copy's root is at the alias, the nodes under it where the anchored ones are). Merge keys `<<` (a plain
//! `<<` whose value is a mapping or a list of mappings) insert the merged entries where
//! the merge key is, explicit keys winning, then earlier mappings. Keys are strings: a
//! scalar key is its text as written (`1: x` and `0x1F: x` give "1" and "0x1F"), an
//! alias or a collection used as a key is its value as compact JSON. Duplicate keys are
//! an error. Each node's position is the start of its event (a block scalar's is its
//! first line of content); flow collections nest at most 255 deep (saphyr-parser's
//! limit).
//!
//! Selective loading ([`load_shaped`]) feeds the same document loader only the events
//! of values a [`Shape`] needs; the events of other values are consumed (and checked
//! for the errors full loading would report there) and leave a placeholder. Anything
//! unusual makes it load the stream in full instead.

mod loader;
mod shaped;

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

use crate::builder::{Builder, Scalar};
use crate::document::Document;
use crate::error::LoadError;
use crate::limits::{Budget, Limit, LoadLimits};
use crate::lines::{Lines, to_u32};
use crate::shape::Shape;
use loader::DocumentLoader;
use shaped::{ShapedLoader, SkipScratch};

/// Loads every document of a YAML stream. A stream with no document (empty, or only
/// comments) gives one `null` document.
///
/// Lines inside a flow collection (`[...]`, `{...}`) that are indented less than the
/// block around it — typically a closing `]` in line with its key — break YAML 1.2's
/// indentation rule, yet libyaml, go-yaml and GitHub Actions accept them. So that pol
/// reads the files those tools run, such a line is indented a little more (which does
/// not change its meaning in a flow collection) and the stream parsed again, at most
/// `MAX_REPAIRS` times; positions are reported in the original text.
pub(crate) fn load(
    text: &str,
    file: Option<&str>,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    let lines = Lines::new(text);
    // Extra spaces put at the start of each line (by 0-based line number).
    let mut pads: Vec<usize> = Vec::new();
    let mut repaired = String::new();
    let mut repairs = 0;
    loop {
        let source = if pads.is_empty() { text } else { &repaired };
        let failure = match load_stream(source, file, &lines, &pads, limits) {
            Ok(docs) => return Ok(docs),
            Err(failure) => failure,
        };
        let line = failure.marker.line().saturating_sub(1);
        let pad = pads.get(line).copied().unwrap_or(0);
        let repairable = failure.at.is_none() && failure.message == "invalid indentation";
        if repairable && pad < MAX_PAD && repairs < MAX_REPAIRS {
            if pads.len() <= line {
                pads.resize(line + 1, 0);
            }
            if let Some(p) = pads.get_mut(line) {
                *p += 1;
            }
            repaired = pad_lines(text, &pads);
            repairs += 1;
            continue;
        }
        let (line, column) = match failure.at {
            Some(offset) => lines.line_col(offset),
            None => (
                to_u32(failure.marker.line().max(1)),
                to_u32(failure.marker.col().saturating_sub(pad)).saturating_add(1),
            ),
        };
        let message = match failure.message.as_str() {
            // saphyr-parser counts flow levels in a `u8`.
            "recursion limit exceeded" => {
                "flow collections nested deeper than 255 levels".to_owned()
            }
            _ => failure.message,
        };
        return Err(LoadError {
            file: file.map(str::to_owned),
            line,
            column,
            message,
            limit: failure.limit,
        });
    }
}

/// Loads every document of a YAML stream like [`load`], building only the values
/// `shape` needs (each document is shaped from its root); every other value is a
/// placeholder at the position [`load`] gives it.
///
/// A skipped value's events are consumed without building nodes, but checked for the
/// errors [`load`] would report there: scalars that do not resolve, nesting depth and
/// duplicate keys (compared as [`load`] compares them: a scalar key is its text). The
/// result is [`load`]'s whenever anything is unusual: on any parser error, any anchor
/// or alias anywhere in the stream, a merge key or a collection as a key outside a
/// value needed in full, and any error, the stream is loaded again in full (which also
/// gives the exact error). Text too large for the node limit to be ruled out is loaded
/// in full.
pub(crate) fn load_shaped(
    text: &str,
    file: Option<&str>,
    shape: &Shape,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    if shape.is_everything() || !below_node_limit(text, limits) {
        return load(text, file, limits);
    }
    match load_stream_shaped(text, file, shape, limits) {
        Some(docs) => Ok(docs),
        None => load(text, file, limits),
    }
}

/// Whether full loading of `text` cannot go over the node limit, which the skip path
/// of the shaped loader does not count: apart from alias copies, each node comes from
/// at least a character of text (a scalar key is not a node), and a margin.
fn below_node_limit(text: &str, limits: &LoadLimits) -> bool {
    let budget = Budget::new(limits);
    let copies = budget.alias_nodes_left();
    text.len().saturating_mul(4).saturating_add(copies) < budget.nodes_left()
}

/// The shaped counterpart of [`load_stream`] on the text as it is; `None` whenever
/// the result might differ from full loading (see [`load_shaped`]).
fn load_stream_shaped(
    text: &str,
    file: Option<&str>,
    shape: &Shape,
    limits: &LoadLimits,
) -> Option<Vec<Document>> {
    let mut budget = Budget::new(limits);
    let lines = Lines::new(text);
    let unterminated_end = if text.ends_with(['\n', '\r']) {
        None
    } else {
        Some(text.chars().count())
    };
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut current: Option<ShapedLoader<'_, '_>> = None;
    let mut scratch = SkipScratch::default();
    while let Some(event) = parser.next_event() {
        let (event, span) = event.ok()?;
        match event {
            Event::DocumentStart(_) => {
                current = Some(ShapedLoader::new(file, lines.clone(), shape, &budget));
            }
            Event::DocumentEnd => {
                if let Some(doc) = current.take() {
                    let (doc, left) = doc.finish()?;
                    budget = left;
                    docs.push(doc);
                }
            }
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing => {}
            event => {
                let event = chomped(event, unterminated_end == Some(span.end.index()));
                if let Some(doc) = &mut current {
                    let pos = lines.offset(span.start.line(), span.start.col());
                    doc.event(event, pos, &mut scratch)?;
                }
            }
        }
    }
    if docs.is_empty() {
        let mut builder = Builder::new(file, lines.clone(), 1, &budget);
        builder.scalar(Scalar::Null, 0).ok()?;
        docs.push(builder.finish());
    }
    Some(docs)
}

/// Why a stream did not load: a message at an event's marker (in the padded text), or
/// at a node's character offset `at` (in the original text).
struct Failure {
    marker: Marker,
    at: Option<u32>,
    message: String,
    limit: Option<Limit>,
}

impl Failure {
    fn new(marker: Marker, message: String) -> Failure {
        Failure {
            marker,
            at: None,
            message,
            limit: None,
        }
    }
}

/// The most re-parses for lines indented less than their flow collection.
const MAX_REPAIRS: usize = 256;
/// The most spaces added to one line.
const MAX_PAD: usize = 16;

/// `text` with `pads[i]` spaces put at the start of line `i`.
fn pad_lines(text: &str, pads: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + pads.iter().sum::<usize>());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let pad = pads.get(i).copied().unwrap_or(0);
        out.extend(std::iter::repeat_n(' ', pad));
        out.push_str(line);
    }
    out
}

/// Loads a stream whose lines were padded by `pads`; an error is a marker in the
/// padded text and a message.
fn load_stream(
    text: &str,
    file: Option<&str>,
    lines: &Lines,
    pads: &[usize],
    limits: &LoadLimits,
) -> Result<Vec<Document>, Failure> {
    let mut budget = Budget::new(limits);
    let offset = |marker: Marker| {
        let pad = pads
            .get(marker.line().saturating_sub(1))
            .copied()
            .unwrap_or(0);
        lines.offset(marker.line(), marker.col().saturating_sub(pad))
    };
    // Where a block scalar ends when it runs to the end of a text without a final line
    // break.
    let unterminated_end = if text.ends_with(['\n', '\r']) {
        None
    } else {
        Some(text.chars().count())
    };
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut current: Option<DocumentLoader<'_>> = None;
    while let Some(event) = parser.next_event() {
        let (event, span) =
            event.map_err(|e: ScanError| Failure::new(*e.marker(), e.info().to_owned()))?;
        match event {
            Event::DocumentStart(_) => {
                current = Some(DocumentLoader::new(file, lines.clone(), &budget));
            }
            Event::DocumentEnd => {
                if let Some(doc) = current.take() {
                    let (doc, left) = doc.finish();
                    budget = left;
                    docs.push(doc);
                }
            }
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing => {}
            event => {
                let event = chomped(event, unterminated_end == Some(span.end.index()));
                if let Some(doc) = &mut current {
                    doc.event(event, offset(span.start)).map_err(|e| Failure {
                        marker: span.start,
                        at: e.at,
                        message: e.message,
                        limit: e.limit,
                    })?;
                }
            }
        }
    }
    if docs.is_empty() {
        let mut builder = Builder::new(file, lines.clone(), 1, &budget);
        builder
            .scalar(Scalar::Null, 0)
            .map_err(|e| Failure::new(Marker::new(0, 1, 0), e.to_string()))?;
        docs.push(builder.finish());
    }
    Ok(docs)
}

/// The event, with [`chomp_at_end`] applied to a scalar that ends the text (`at_end`).
fn chomped(event: Event<'_>, at_end: bool) -> Event<'_> {
    match event {
        Event::Scalar(value, style, anchor, tag) if at_end => {
            Event::Scalar(chomp_at_end(value, style), style, anchor, tag)
        }
        event => event,
    }
}

/// A block scalar (`|`, `>`) that runs to the end of a text without a final line break
/// has no line break to keep (YAML 1.2 `b-chomped-last`), but the parser adds one.
fn chomp_at_end(value: Cow<'_, str>, style: ScalarStyle) -> Cow<'_, str> {
    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) || !value.ends_with('\n') {
        return value;
    }
    match value {
        Cow::Borrowed(s) => Cow::Borrowed(s.strip_suffix('\n').unwrap_or(s)),
        Cow::Owned(mut s) => {
            s.pop();
            Cow::Owned(s)
        }
    }
}
