//! Builds one document of a YAML stream from its events: anchors and aliases, merge
//! keys, keys as text.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, ScalarStyle, Tag};

use crate::builder::{BuildError, Builder};
use crate::document::{Document, NodeId};
use crate::limits::{Budget, Limit};
use crate::lines::Lines;
use crate::view::NodeRef;
use crate::yaml_scalar::resolve;

/// An error of one event: a message, reported at the event unless `at` is given.
/// Boxed where it is returned ([`Step`]), so that the `Ok` of every event is one word.
pub(super) struct EventError {
    pub(super) at: Option<u32>,
    pub(super) message: String,
    /// The limit the input went over, if that is the error.
    pub(super) limit: Option<Limit>,
}

/// What handling an event gives.
pub(super) type Step = Result<(), Box<EventError>>;

impl From<String> for Box<EventError> {
    fn from(message: String) -> Box<EventError> {
        Box::new(EventError {
            at: None,
            message,
            limit: None,
        })
    }
}

impl From<BuildError> for Box<EventError> {
    fn from(e: BuildError) -> Box<EventError> {
        Box::new(EventError {
            at: None,
            message: e.to_string(),
            limit: e.limit(),
        })
    }
}

/// What a node is to its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    Root,
    Item,
    Key,
    Value,
    /// The value of a merge key `<<`.
    Merge,
}

/// An open sequence or mapping.
pub(super) struct Frame {
    role: Role,
    anchor: usize,
    pub(super) object: bool,
    /// In a mapping: whether the next node is a key.
    pub(super) expect_key: bool,
    /// In a mapping: whether the value being read is that of a merge key.
    merge_next: bool,
    /// In a mapping: its merge-key values, each with the number of explicit entries
    /// before it.
    merges: Vec<(usize, NodeId)>,
}

/// Builds one document of the stream.
pub(super) struct DocumentLoader<'t> {
    pub(super) builder: Builder<'t>,
    pub(super) frames: Vec<Frame>,
    anchors: HashMap<usize, NodeId>,
}

impl<'t> DocumentLoader<'t> {
    /// A loader that may spend what is left of `budget`.
    pub(super) fn new(file: Option<&str>, lines: Lines, budget: &Budget) -> DocumentLoader<'t> {
        DocumentLoader {
            builder: Builder::new(file, lines, 64, budget),
            frames: Vec::new(),
            anchors: HashMap::new(),
        }
    }

    /// Whether no node has been added yet.
    pub(super) fn is_empty(&self) -> bool {
        self.builder.doc().is_empty()
    }

    /// The document, and the budget left after it.
    pub(super) fn finish(mut self) -> (Document, Budget) {
        (self.builder.finish(), self.builder.budget_left())
    }

    /// Handles one event inside the document; errors are messages at the event.
    pub(super) fn event(&mut self, event: Event<'t>, pos: u32) -> Step {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag.as_deref(), pos)
            }
            Event::Alias(anchor) => self.alias(anchor, pos),
            Event::SequenceStart(anchor, tag) => {
                self.open(false, anchor, kept(tag.as_deref()), pos)
            }
            Event::MappingStart(anchor, tag) => self.open(true, anchor, kept(tag.as_deref()), pos),
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
    ) -> Step {
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
        if let Some(tag) = kept(tag) {
            self.builder.tag(node, &tag);
        }
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

    fn alias(&mut self, anchor: usize, pos: u32) -> Step {
        let Some(&source) = self.anchors.get(&anchor) else {
            return Err("alias to its own anchor (recursive alias)"
                .to_owned()
                .into());
        };
        let role = self.role();
        if role == Role::Key {
            // The key is the value as JSON text: as costly as a copy.
            built(self.builder.count_copy(source))?;
            return self.complete(role, source);
        }
        let node = built(self.builder.copy(source, pos))?;
        self.complete(role, node)
    }

    fn open(&mut self, object: bool, anchor: usize, tag: Option<String>, pos: u32) -> Step {
        let role = self.role();
        let node = built(self.builder.open(object, pos))?;
        if let Some(tag) = tag {
            self.builder.tag(node, &tag);
        }
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

    pub(super) fn close(&mut self) -> Step {
        let Some(frame) = self.frames.pop() else {
            return Ok(());
        };
        let node = built(self.builder.close_merged(&frame.merges))?;
        if frame.anchor != 0 {
            self.anchors.insert(frame.anchor, node);
        }
        self.complete(frame.role, node).map_err(|mut e| {
            // Report a bad merge value where it starts, not where it ends.
            e.at = self.builder.doc().pos.get(node.0 as usize).copied();
            e
        })
    }

    /// The role of the node that starts now; a key makes its mapping wait for a value.
    pub(super) fn role(&mut self) -> Role {
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
    pub(super) fn complete(&mut self, role: Role, node: NodeId) -> Step {
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

/// The tag a node keeps ([`Document::tag`]): any but the core schema's and the
/// non-specific `!`; a local tag as written (`!reference`), a global one in full.
fn kept(tag: Option<&Tag>) -> Option<String> {
    let tag = tag?;
    if tag.is_yaml_core_schema() || (tag.handle == "!" && tag.suffix.is_empty()) {
        return None;
    }
    Some(format!("{}{}", tag.handle, tag.suffix))
}

/// The text of a key that is not a plain scalar: a string as it is, anything else as
/// compact JSON (`[1, 2]` gives the key `[1,2]`).
fn key_text(doc: &Document, node: NodeId) -> String {
    match doc.get(node) {
        NodeRef::Str(s) => s.to_owned(),
        _ => doc.to_json(node).to_string(),
    }
}

fn built<T>(result: Result<T, BuildError>) -> Result<T, Box<EventError>> {
    result.map_err(Box::from)
}
