//! Selective loading of YAML: a document loader that is given only the events of the
//! values a shape needs, and consumes (and checks) the others.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::loader::{DocumentLoader, Role};
use super::{Handout, chomped, is_empty_root, unterminated_end};
use crate::document::Document;
use crate::limits::Budget;
use crate::lines::Lines;
use crate::shape::{Need, Shape};
use crate::yaml_scalar::resolve;

/// Loads the documents of a stream with a shape and hands them out (see
/// [`load_each`](super::load_each)); `None` as soon as anything is unusual, for the
/// rest of the stream, from the document where it is, to be loaded in full. `Some`
/// when the stream ended, or the callback asked to stop.
pub(super) fn load_stream(
    text: &str,
    file: Option<&str>,
    lines: &Lines,
    shape: &Shape,
    out: &mut Handout<'_>,
) -> Option<()> {
    let unterminated_end = unterminated_end(text);
    let mut parser = Parser::new_from_str(text);
    let mut current: Option<ShapedLoader<'_, '_>> = None;
    let mut scratch = SkipScratch::default();
    // Whether the current document is empty so far or has an empty root.
    let mut empty = true;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.ok()?;
        match event {
            Event::DocumentStart(_) => {
                current = Some(ShapedLoader::new(file, lines.clone(), shape, &out.budget));
                empty = true;
            }
            Event::DocumentEnd => {
                if let Some(doc) = current.take() {
                    let (doc, left) = doc.finish()?;
                    if out.hand(doc, left, empty).is_break() {
                        return Some(());
                    }
                }
            }
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing => {}
            event => {
                let event = chomped(event, unterminated_end == Some(span.end.index()));
                if let Some(doc) = &mut current {
                    empty = empty && doc.inner.is_empty() && is_empty_root(&event);
                    let pos = lines.offset(span.start.line(), span.start.col());
                    doc.event(event, pos, &mut scratch)?;
                }
            }
        }
    }
    Some(())
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
    fn new(
        file: Option<&str>,
        lines: Lines,
        shape: &'s Shape,
        budget: &Budget,
    ) -> ShapedLoader<'t, 's> {
        ShapedLoader {
            inner: DocumentLoader::new(file, lines, budget),
            shape,
            needs: Vec::new(),
            all_depth: usize::MAX,
            pending: Need::All,
            skipping: None,
        }
    }

    /// The document, or `None` when it ended inside a value (which a parser that
    /// reported no error does not do).
    fn finish(self) -> Option<(Document, Budget)> {
        if self.skipping.is_some() || !self.inner.frames.is_empty() {
            return None;
        }
        Some(self.inner.finish())
    }

    /// Handles one event inside the document; `None` to load the stream in full.
    fn event(&mut self, event: Event<'t>, pos: u32, scratch: &mut SkipScratch<'t>) -> Option<()> {
        match &event {
            Event::Alias(_) => return None,
            // GitLab CI's `!reference` may copy any value, read by a rule or not.
            Event::Scalar(_, _, _, Some(tag))
            | Event::SequenceStart(_, Some(tag))
            | Event::MappingStart(_, Some(tag))
                if crate::gitlab::is_reference_tag(tag.handle.as_str(), tag.suffix.as_str()) =>
            {
                return None;
            }
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
                    // A job's `extends` (GitLab CI) merges other jobs' values into it:
                    // the resolution (`gitlab.rs`) needs the document whole.
                    if value == crate::gitlab::EXTENDS && self.inner.builder.depth() == 2 {
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
                if self.inner.builder.depth() + scratch.open.len() >= self.inner.builder.max_depth()
                {
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
