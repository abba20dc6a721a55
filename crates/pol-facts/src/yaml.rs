//! The YAML loader: builds documents from the events of `saphyr-parser`.
//!
//! Anchors and aliases are expanded (an alias is a copy of the anchored subtree,
//! limited to `MAX_ALIAS_NODES` copied nodes per document; the copy's root is at the
//! alias, the nodes under it where the anchored ones are). Merge keys `<<` (a plain
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

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};

use crate::builder::{BuildError, Builder, MAX_DEPTH, Scalar};
use crate::document::{Document, MAX_NODES, NodeId};
use crate::error::LoadError;
use crate::lines::{Lines, to_u32};
use crate::shape::{Need, Shape};
use crate::view::NodeRef;
use crate::yaml_scalar::resolve;

/// Loads every document of a YAML stream. A stream with no document (empty, or only
/// comments) gives one `null` document.
///
/// Lines inside a flow collection (`[...]`, `{...}`) that are indented less than the
/// block around it — typically a closing `]` in line with its key — break YAML 1.2's
/// indentation rule, yet libyaml, go-yaml and GitHub Actions accept them. So that pol
/// reads the files those tools run, such a line is indented a little more (which does
/// not change its meaning in a flow collection) and the stream parsed again, at most
/// `MAX_REPAIRS` times; positions are reported in the original text.
pub(crate) fn load(text: &str, file: Option<&str>) -> Result<Vec<Document>, LoadError> {
    let lines = Lines::new(text);
    // Extra spaces put at the start of each line (by 0-based line number).
    let mut pads: Vec<usize> = Vec::new();
    let mut repaired = String::new();
    let mut repairs = 0;
    loop {
        let source = if pads.is_empty() { text } else { &repaired };
        let failure = match load_stream(source, file, &lines, &pads) {
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
/// gives the exact error). Text too large for the arena's limits to be ruled out is
/// loaded in full.
pub(crate) fn load_shaped(
    text: &str,
    file: Option<&str>,
    shape: &Shape,
) -> Result<Vec<Document>, LoadError> {
    // Without aliases (which make the shaped loader give up), each node of a skipped
    // value comes from at least one character of text (a scalar key is not a node), so
    // below this size, with a margin, full loading cannot fail with "document too
    // large" in a skipped value, which the skip path does not count.
    if shape.is_everything() || text.len() > MAX_NODES / 4 {
        return load(text, file);
    }
    match load_stream_shaped(text, file, shape) {
        Some(docs) => Ok(docs),
        None => load(text, file),
    }
}

/// The shaped counterpart of [`load_stream`] on the text as it is; `None` whenever
/// the result might differ from full loading (see [`load_shaped`]).
fn load_stream_shaped(text: &str, file: Option<&str>, shape: &Shape) -> Option<Vec<Document>> {
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
                current = Some(ShapedLoader::new(file, lines.clone(), shape));
            }
            Event::DocumentEnd => {
                if let Some(doc) = current.take() {
                    docs.push(doc.finish()?);
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
        let mut builder = Builder::new(file, lines.clone(), 1);
        builder.scalar(Scalar::Null, 0).ok()?;
        docs.push(builder.finish());
    }
    Some(docs)
}

/// Builds one document of the stream with a shape: a [`DocumentLoader`] that is given
/// only the events of needed values, and placeholders for the others.
struct ShapedLoader<'t, 's> {
    inner: DocumentLoader<'t>,
    shape: &'s Shape,
    /// The needs of the open containers loaded with a shape node, innermost last (those
    /// under `all_depth` are not pushed).
    needs: Vec<Need>,
    /// The depth at which the outermost open container needed in full was opened:
    /// everything deeper is needed. `usize::MAX` when there is none.
    all_depth: usize,
    /// The need of the value of the key just read.
    pending: Need,
    /// The collection being skipped: its role and position.
    skipping: Option<(Role, u32)>,
}

/// The scratch space of skipped collections, reused from one to the next.
#[derive(Default)]
struct SkipScratch<'t> {
    /// The open skipped collections, innermost last: `None` for a sequence, whether
    /// the next node is a key for a mapping.
    open: Vec<Option<bool>>,
    /// The keys of the open skipped mappings, each mapping's after its parent's.
    keys: Vec<Cow<'t, str>>,
    /// Where each open skipped mapping's keys start in `keys`.
    key_starts: Vec<usize>,
}

/// Mappings with more keys than this check duplicates by sorting; smaller ones compare
/// every pair.
const SMALL_SKIPPED_MAPPING: usize = 16;

impl<'t, 's> ShapedLoader<'t, 's> {
    fn new(file: Option<&str>, lines: Lines, shape: &'s Shape) -> ShapedLoader<'t, 's> {
        ShapedLoader {
            inner: DocumentLoader::new(file, lines),
            shape,
            needs: Vec::new(),
            all_depth: usize::MAX,
            pending: Need::All,
            skipping: None,
        }
    }

    /// The document, or `None` when it ended inside a value (which a parser that
    /// reported no error does not do).
    fn finish(self) -> Option<Document> {
        if self.skipping.is_some() || !self.inner.frames.is_empty() {
            return None;
        }
        Some(self.inner.finish())
    }

    /// Handles one event inside the document; `None` to load the stream in full.
    fn event(&mut self, event: Event<'t>, pos: u32, scratch: &mut SkipScratch<'t>) -> Option<()> {
        match &event {
            Event::Alias(_) => return None,
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _)
                if *anchor != 0 =>
            {
                return None;
            }
            _ => {}
        }
        if self.skipping.is_some() {
            return self.skip_event(event, scratch);
        }
        if matches!(event, Event::SequenceEnd | Event::MappingEnd) {
            self.inner.close().ok()?;
            let depth = self.inner.builder.depth();
            if depth == self.all_depth {
                self.all_depth = usize::MAX;
            } else if depth < self.all_depth {
                self.needs.pop();
            }
            return Some(());
        }
        let depth = self.inner.builder.depth();
        if depth > self.all_depth {
            return self.inner.event(event, pos).ok();
        }
        let need = match (self.needs.last(), self.inner.frames.last()) {
            (Some(&parent), Some(frame)) if frame.object => {
                if frame.expect_key {
                    // A key of a mapping loaded with a shape node: a scalar, not `<<`.
                    let Event::Scalar(value, style, _, tag) = &event else {
                        return None;
                    };
                    if *style == ScalarStyle::Plain && tag.is_none() && value == "<<" {
                        return None;
                    }
                    self.pending = self.shape.field(parent, value);
                    return self.inner.event(event, pos).ok();
                }
                self.pending
            }
            (Some(&parent), Some(_)) => self.shape.element(parent),
            (None, None) => self.shape.root(),
            _ => return None,
        };
        match (need, event) {
            (Need::Skip, Event::Scalar(value, style, _, tag)) => {
                resolve(&value, style, tag.as_deref()).ok()?;
                let role = self.inner.role();
                self.placeholder(role, pos)
            }
            (Need::Skip, event @ (Event::SequenceStart(..) | Event::MappingStart(..))) => {
                let role = self.inner.role();
                self.skipping = Some((role, pos));
                scratch.open.clear();
                scratch.keys.clear();
                scratch.key_starts.clear();
                self.skip_event(event, scratch)
            }
            (need, event) => {
                let opens = matches!(event, Event::SequenceStart(..) | Event::MappingStart(..));
                self.inner.event(event, pos).ok()?;
                if opens {
                    match need {
                        Need::All => self.all_depth = depth,
                        Need::Node(_) => self.needs.push(need),
                        Need::Skip => {}
                    }
                }
                Some(())
            }
        }
    }

    /// Adds a placeholder for a skipped value in `role`.
    fn placeholder(&mut self, role: Role, pos: u32) -> Option<()> {
        let node = self.inner.builder.skipped(pos).ok()?;
        self.inner.complete(role, node).ok()
    }

    /// Consumes one event of a skipped collection, checking it for the errors full
    /// loading would report; adds the placeholder when the collection ends.
    fn skip_event(&mut self, event: Event<'t>, scratch: &mut SkipScratch<'t>) -> Option<()> {
        match event {
            Event::Scalar(value, style, _, tag) => match scratch.open.last_mut() {
                Some(Some(expect_key)) if *expect_key => {
                    if style == ScalarStyle::Plain && tag.is_none() && value == "<<" {
                        return None;
                    }
                    *expect_key = false;
                    scratch.keys.push(value);
                }
                parent => {
                    resolve(&value, style, tag.as_deref()).ok()?;
                    if let Some(Some(expect_key)) = parent {
                        *expect_key = true;
                    }
                }
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                match scratch.open.last_mut() {
                    // A collection as a key.
                    Some(Some(true)) => return None,
                    Some(Some(expect_key)) => *expect_key = true,
                    _ => {}
                }
                if self.inner.builder.depth() + scratch.open.len() >= MAX_DEPTH {
                    return None;
                }
                if matches!(event, Event::MappingStart(..)) {
                    scratch.open.push(Some(true));
                    scratch.key_starts.push(scratch.keys.len());
                } else {
                    scratch.open.push(None);
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if scratch.open.pop()?.is_some() {
                    let start = scratch.key_starts.pop()?;
                    if has_duplicates(scratch.keys.get_mut(start..)?) {
                        return None;
                    }
                    scratch.keys.truncate(start);
                }
                if scratch.open.is_empty() {
                    let (role, pos) = self.skipping.take()?;
                    return self.placeholder(role, pos);
                }
            }
            _ => {}
        }
        Some(())
    }
}

/// Whether some key is there twice; sorts large slices of keys (O(n log n)).
fn has_duplicates(keys: &mut [Cow<'_, str>]) -> bool {
    if keys.len() <= SMALL_SKIPPED_MAPPING {
        keys.iter()
            .enumerate()
            .any(|(i, a)| keys.iter().skip(i + 1).any(|b| a == b))
    } else {
        keys.sort_unstable();
        keys.windows(2).any(|w| matches!(w, [a, b] if a == b))
    }
}

/// Why a stream did not load: a message at an event's marker (in the padded text), or
/// at a node's character offset `at` (in the original text).
struct Failure {
    marker: Marker,
    at: Option<u32>,
    message: String,
}

impl Failure {
    fn new(marker: Marker, message: String) -> Failure {
        Failure {
            marker,
            at: None,
            message,
        }
    }
}

/// An error of one event: a message, reported at the event unless `at` is given.
struct EventError {
    at: Option<u32>,
    message: String,
}

impl From<String> for EventError {
    fn from(message: String) -> EventError {
        EventError { at: None, message }
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
) -> Result<Vec<Document>, Failure> {
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
                current = Some(DocumentLoader::new(file, lines.clone()));
            }
            Event::DocumentEnd => {
                if let Some(doc) = current.take() {
                    docs.push(doc.finish());
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
                    })?;
                }
            }
        }
    }
    if docs.is_empty() {
        let mut builder = Builder::new(file, lines.clone(), 1);
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

/// What a node is to its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Root,
    Item,
    Key,
    Value,
    /// The value of a merge key `<<`.
    Merge,
}

/// An open sequence or mapping.
struct Frame {
    role: Role,
    anchor: usize,
    object: bool,
    /// In a mapping: whether the next node is a key.
    expect_key: bool,
    /// In a mapping: whether the value being read is that of a merge key.
    merge_next: bool,
    /// In a mapping: its merge-key values, each with the number of explicit entries
    /// before it.
    merges: Vec<(usize, NodeId)>,
}

/// Builds one document of the stream.
struct DocumentLoader<'t> {
    builder: Builder<'t>,
    frames: Vec<Frame>,
    anchors: HashMap<usize, NodeId>,
}

impl<'t> DocumentLoader<'t> {
    fn new(file: Option<&str>, lines: Lines) -> DocumentLoader<'t> {
        DocumentLoader {
            builder: Builder::new(file, lines, 64),
            frames: Vec::new(),
            anchors: HashMap::new(),
        }
    }

    fn finish(mut self) -> Document {
        self.builder.finish()
    }

    /// Handles one event inside the document; errors are messages at the event.
    fn event(&mut self, event: Event<'t>, pos: u32) -> Result<(), EventError> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                Ok(self.scalar(value, style, anchor, tag.as_deref(), pos)?)
            }
            Event::Alias(anchor) => Ok(self.alias(anchor, pos)?),
            Event::SequenceStart(anchor, _) => Ok(self.open(false, anchor, pos)?),
            Event::MappingStart(anchor, _) => Ok(self.open(true, anchor, pos)?),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            _ => Ok(()),
        }
    }

    fn scalar(
        &mut self,
        value: Cow<'t, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        pos: u32,
    ) -> Result<(), String> {
        let role = self.role();
        if role == Role::Key && anchor == 0 {
            if style == ScalarStyle::Plain && tag.is_none() && value == "<<" {
                if let Some(mapping) = self.frames.last_mut() {
                    mapping.merge_next = true;
                }
                return Ok(());
            }
            // A scalar key is its text as written (`1: x` has the key "1").
            let key = built(self.builder.intern(&value))?;
            return built(self.builder.set_key(key));
        }
        let typed = resolve(&value, style, tag)?;
        let node = built(self.builder.scalar(typed, pos))?;
        if anchor != 0 {
            self.anchors.insert(anchor, node);
        }
        if role == Role::Key {
            // An anchored key: the node above stays outside the tree, for aliases.
            let key = built(self.builder.intern(&value))?;
            return built(self.builder.set_key(key));
        }
        self.complete(role, node)
    }

    fn alias(&mut self, anchor: usize, pos: u32) -> Result<(), String> {
        let Some(&source) = self.anchors.get(&anchor) else {
            return Err("alias to its own anchor (recursive alias)".to_owned());
        };
        let role = self.role();
        if role == Role::Key {
            return self.complete(role, source);
        }
        let node = built(self.builder.copy(source, pos))?;
        self.complete(role, node)
    }

    fn open(&mut self, object: bool, anchor: usize, pos: u32) -> Result<(), String> {
        let role = self.role();
        built(self.builder.open(object, pos))?;
        self.frames.push(Frame {
            role,
            anchor,
            object,
            expect_key: true,
            merge_next: false,
            merges: Vec::new(),
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), EventError> {
        let Some(frame) = self.frames.pop() else {
            return Ok(());
        };
        let node = built(self.builder.close_merged(&frame.merges))?;
        if frame.anchor != 0 {
            self.anchors.insert(frame.anchor, node);
        }
        self.complete(frame.role, node).map_err(|message| {
            // Report a bad merge value where it starts, not where it ends.
            let at = self.builder.doc().pos.get(node.0 as usize).copied();
            EventError { at, message }
        })
    }

    /// The role of the node that starts now; a key makes its mapping wait for a value.
    fn role(&mut self) -> Role {
        match self.frames.last_mut() {
            None => Role::Root,
            Some(f) if !f.object => Role::Item,
            Some(f) if f.expect_key => {
                f.expect_key = false;
                Role::Key
            }
            Some(f) if f.merge_next => Role::Merge,
            Some(_) => Role::Value,
        }
    }

    /// Ends a node (a closed container, a scalar, an alias's copy) in its role.
    fn complete(&mut self, role: Role, node: NodeId) -> Result<(), String> {
        match role {
            Role::Root | Role::Item => {}
            Role::Key => {
                let key = key_text(self.builder.doc(), node);
                let key = built(self.builder.intern(&key))?;
                built(self.builder.set_key(key))?;
            }
            Role::Value => {
                if let Some(mapping) = self.frames.last_mut() {
                    mapping.expect_key = true;
                }
            }
            Role::Merge => {
                built(self.builder.check_merge(node))?;
                let at = self.builder.field_count();
                if let Some(mapping) = self.frames.last_mut() {
                    mapping.merges.push((at, node));
                    mapping.merge_next = false;
                    mapping.expect_key = true;
                }
            }
        }
        Ok(())
    }
}

/// The text of a key that is not a plain scalar: a string as it is, anything else as
/// compact JSON (`[1, 2]` gives the key `[1,2]`).
fn key_text(doc: &Document, node: NodeId) -> String {
    match doc.get(node) {
        NodeRef::Str(s) => s.to_owned(),
        _ => doc.to_json(node).to_string(),
    }
}

fn built<T>(result: Result<T, BuildError>) -> Result<T, String> {
    result.map_err(|e| e.to_string())
}
