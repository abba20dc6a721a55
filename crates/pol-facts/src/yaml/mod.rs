//! The YAML loader: builds documents from the events of `saphyr-parser`.
//!
//! Anchors and aliases are expanded (an alias is a copy of the anchored subtree, the
//! copies of all documents of a stream limited by `LoadLimits::max_alias_nodes`; the
//! copy's root is at the alias, the nodes under it where the anchored ones are).
//! Merge keys `<<` (a plain `<<` whose value is a mapping or a list of mappings)
//! insert the merged entries where the merge key is, explicit keys winning, then
//! earlier mappings. Keys are strings: a
//! scalar key is its text as written (`1: x` and `0x1F: x` give "1" and "0x1F"), an
//! alias or a collection used as a key is its value as compact JSON. Duplicate keys are
//! an error. Each node's position is the start of its event (a block scalar's is its
//! first line of content); flow collections nest at most 255 deep (saphyr-parser's
//! limit).
//!
//! Documents are handed out one by one as they end ([`load_each`]), so a stream is
//! never held whole. Selective loading (`shaped.rs`) feeds the same document loader
//! only the events of values a [`Shape`] needs; the events of other values are
//! consumed (and checked for the errors full loading would report there) and leave a
//! placeholder. Anything unusual makes it load the rest of the stream in full instead.

mod loader;
mod shaped;

use std::borrow::Cow;
use std::ops::ControlFlow;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

use crate::document::Document;
use crate::error::LoadError;
use crate::limits::{Budget, Limit, LoadLimits};
use crate::lines::{Lines, to_u32};
use crate::shape::Shape;
use loader::DocumentLoader;

/// What a YAML stream hands out: the callback that takes each document, the budget
/// the documents so far left, and how many there were.
pub(crate) struct Handout<'f> {
    each: &'f mut dyn FnMut(Document) -> ControlFlow<()>,
    budget: Budget,
    /// The documents of the stream done with (handed out, or held back as empty): a
    /// stream parsed again (after a repair, or in full after selective loading gave
    /// up) skips them.
    done: usize,
    /// The documents handed out.
    handed: usize,
    /// Whether a document with content has been handed out.
    content: bool,
    /// The root positions of the empty documents (no node at all: a lone `---`) met
    /// before any document with content. They are handed out as `null` documents
    /// before the first document with content, and dropped if none comes: a stream
    /// without content has no documents. Positions, not documents, so that a stream
    /// of a million `---` holds 4 MB.
    empties: Vec<u32>,
}

impl<'f> Handout<'f> {
    pub(crate) fn new(
        limits: &LoadLimits,
        each: &'f mut dyn FnMut(Document) -> ControlFlow<()>,
    ) -> Handout<'f> {
        Handout {
            each,
            budget: Budget::new(limits),
            done: 0,
            handed: 0,
            content: false,
            empties: Vec::new(),
        }
    }

    /// Hands out a finished document (`empty` if it has no node at all), with the
    /// budget left after it; `Break` when the callback asks to stop.
    fn hand(&mut self, doc: Document, left: Budget, empty: bool) -> ControlFlow<()> {
        self.budget = left;
        self.done += 1;
        if empty && !self.content {
            self.empties.push(doc.pos.first().copied().unwrap_or(0));
            return ControlFlow::Continue(());
        }
        self.content = true;
        for pos in std::mem::take(&mut self.empties) {
            self.handed += 1;
            (self.each)(Document::null_like(&doc, pos))?;
        }
        self.handed += 1;
        (self.each)(doc)
    }
}

/// Whether `event`, the first of a document, is that of an empty document: an empty
/// plain scalar without tag or anchor, which is what the parser gives for a document
/// with no node (`---` alone, or `---` and comments).
fn is_empty_root(event: &Event<'_>) -> bool {
    matches!(event, Event::Scalar(value, ScalarStyle::Plain, 0, None) if value.is_empty())
}

/// Loads the documents of a YAML stream one by one, building only what `shape` needs
/// when there is one, and hands each to `out` as soon as it ends; the number of
/// documents handed out. A C0 control character other than tab, line feed and
/// carriage return anywhere in the text (YAML 1.2 allows none, even in quoted
/// scalars) is an error before any document is handed out. A stream without content
/// (empty, only comments, or only empty documents such as a lone `---`) has no
/// documents; a stream with content keeps its empty documents (as `null` documents,
/// as YAML reads them). On an error in a document, the documents before it have been
/// handed out already.
///
/// With a shape, each document is shaped from its root, and every other value is a
/// placeholder at the position full loading gives it. A skipped value's events are
/// consumed without building nodes, but checked for the errors full loading would
/// report there: scalars that do not resolve, nesting depth and duplicate keys
/// (compared as full loading compares them: a scalar key is its text). From the first
/// document with anything unusual on (a parser error, an anchor or alias, a merge key
/// or a collection as a key outside a value needed in full, any error), the stream is
/// loaded in full: it is parsed again, the documents handed out already skipped,
/// which also gives the exact error. Text too large for the node limit to be ruled
/// out is loaded in full.
///
/// Lines inside a flow collection (`[...]`, `{...}`) that are indented less than the
/// block around it — typically a closing `]` in line with its key — break YAML 1.2's
/// indentation rule, yet libyaml, go-yaml and GitHub Actions accept them. So that pol
/// reads the files those tools run, such a line is indented a little more (which does
/// not change its meaning in a flow collection) and the stream parsed again, at most
/// `MAX_REPAIRS` times; positions are reported in the original text. The scanner
/// fails at or after the lines of every document it has ended, so a repair changes no
/// document handed out already.
pub(crate) fn load_each(
    text: &str,
    file: Option<&str>,
    shape: Option<&Shape>,
    out: &mut Handout<'_>,
) -> Result<usize, LoadError> {
    let lines = Lines::new_yaml(text, shape.is_none_or(Shape::comments))
        .map_err(|at| control_character(text, file, at))?;
    if let Some(shape) = shape
        && !shape.is_everything()
        && below_node_limit(text, out.budget.limits())
        && shaped::load_stream(text, file, &lines, shape, out).is_some()
    {
        return Ok(out.handed);
    }
    load_full(text, file, &lines, out)?;
    Ok(out.handed)
}

/// Loads the documents of the stream not handed out yet in full, repairing lines
/// indented less than their flow collection (see [`load_each`]).
fn load_full(
    text: &str,
    file: Option<&str>,
    lines: &Lines,
    out: &mut Handout<'_>,
) -> Result<(), LoadError> {
    // Extra spaces put at the start of each line (by 0-based line number).
    let mut pads: Vec<usize> = Vec::new();
    let mut repaired = String::new();
    let mut repairs = 0;
    loop {
        let source = if pads.is_empty() { text } else { &repaired };
        let failure = match load_stream(source, file, lines, &pads, out) {
            Ok(()) => return Ok(()),
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

/// The error of a C0 control character that YAML does not allow, at byte `at`.
#[cold]
fn control_character(text: &str, file: Option<&str>, at: usize) -> LoadError {
    let code = text.as_bytes().get(at).copied().unwrap_or(0);
    let message = format!("control character U+{code:04X} is not allowed in YAML");
    LoadError::at_byte(file, text, at, message)
}

/// Whether full loading of `text` cannot go over the node limit, which the skip path
/// of the shaped loader does not count: apart from alias copies, each node comes from
/// at least a character of text (a scalar key is not a node), and a margin. (Documents
/// loaded with a shape have fewer nodes than in full; those after them may be loaded
/// in full, aliases and all.)
fn below_node_limit(text: &str, limits: &LoadLimits) -> bool {
    let budget = Budget::new(limits);
    let copies = budget.alias_nodes_left();
    text.len().saturating_mul(4).saturating_add(copies) < budget.nodes_left()
}

/// Where a block scalar ends when it runs to the end of a text without a final line
/// break: the text's length in characters, or `None` if it ends with a line break.
fn unterminated_end(text: &str) -> Option<usize> {
    if text.ends_with(['\n', '\r']) {
        None
    } else {
        Some(text.chars().count())
    }
}

/// Why a stream did not load: a message at an event's marker (in the padded text), or
/// at a node's character offset `at` (in the original text). Boxed where it is
/// returned, so that the `Ok` of every event is small.
struct Failure {
    marker: Marker,
    at: Option<u32>,
    message: String,
    limit: Option<Limit>,
}

impl Failure {
    fn new(marker: Marker, message: String) -> Box<Failure> {
        Box::new(Failure {
            marker,
            at: None,
            message,
            limit: None,
        })
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

/// Loads the documents not handed out yet of a stream whose lines were padded by
/// `pads`, and hands them out; an error is a marker in the padded text and a message.
fn load_stream(
    text: &str,
    file: Option<&str>,
    lines: &Lines,
    pads: &[usize],
    out: &mut Handout<'_>,
) -> Result<(), Box<Failure>> {
    let offset = |marker: Marker| {
        let pad = pads
            .get(marker.line().saturating_sub(1))
            .copied()
            .unwrap_or(0);
        lines.offset(marker.line(), marker.col().saturating_sub(pad))
    };
    let unterminated_end = unterminated_end(text);
    let mut parser = Parser::new_from_str(text);
    let mut current: Option<DocumentLoader<'_>> = None;
    // The documents started so far.
    let mut started = 0;
    // Whether the current document is empty so far (no event since its start) or
    // has an empty root.
    let mut empty = true;
    while let Some(event) = parser.next_event() {
        let (event, span) =
            event.map_err(|e: ScanError| Failure::new(*e.marker(), e.info().to_owned()))?;
        match event {
            Event::DocumentStart(_) => {
                // Documents handed out already are parsed, not built.
                current = (started >= out.done)
                    .then(|| DocumentLoader::new(file, lines.clone(), &out.budget));
                started += 1;
                empty = true;
            }
            Event::DocumentEnd => {
                if let Some(doc) = current.take() {
                    let (doc, left) = doc.finish();
                    if out.hand(doc, left, empty).is_break() {
                        return Ok(());
                    }
                }
            }
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing => {}
            event => {
                let event = chomped(event, unterminated_end == Some(span.end.index()));
                if let Some(doc) = &mut current {
                    empty = empty && doc.is_empty() && is_empty_root(&event);
                    doc.event(event, offset(span.start)).map_err(|e| {
                        Box::new(Failure {
                            marker: span.start,
                            at: e.at,
                            message: e.message,
                            limit: e.limit,
                        })
                    })?;
                }
            }
        }
    }
    Ok(())
}

/// The event, with [`chomp_at_end`] applied to a scalar that ends the text (`at_end`).
/// Inline: called for every event, by the full and the shaped loader.
#[inline(always)]
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
