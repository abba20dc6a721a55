//! Borrowed views of a node: `NodeRef`, `ListRef`, `ObjectRef`.

use crate::document::{Document, KeyId, NodeId, find_entry};

/// A view of one node of a [`Document`], as returned by [`Document::get`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NodeRef<'a> {
    /// `null` (also what an unknown id reads as).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A string.
    Str(&'a str),
    /// A list.
    List(ListRef<'a>),
    /// An object.
    Object(ObjectRef<'a>),
}

/// The kind of a node, as [`Document::kind`] reads it without building a view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// `null` (also an unknown id, and a placeholder of selective loading).
    Null,
    /// A bool.
    Bool,
    /// An int.
    Int,
    /// A float.
    Float,
    /// A string.
    Str,
    /// A list.
    List,
    /// An object.
    Object,
}

/// The elements of a list node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListRef<'a> {
    items: &'a [NodeId],
}

impl<'a> ListRef<'a> {
    pub(crate) fn new(items: &'a [NodeId]) -> ListRef<'a> {
        ListRef { items }
    }

    /// The number of elements.
    pub fn len(self) -> usize {
        self.items.len()
    }

    /// Whether the list has no elements.
    pub fn is_empty(self) -> bool {
        self.items.is_empty()
    }

    /// Element `i`, if in range.
    #[inline]
    pub fn get(self, i: usize) -> Option<NodeId> {
        self.items.get(i).copied()
    }

    /// The elements in order.
    pub fn iter(self) -> impl ExactSizeIterator<Item = NodeId> + DoubleEndedIterator + 'a {
        self.items.iter().copied()
    }

    /// The elements as a slice.
    pub fn as_slice(self) -> &'a [NodeId] {
        self.items
    }
}

/// The entries of an object node, in the order of the file.
#[derive(Clone, Copy)]
pub struct ObjectRef<'a> {
    doc: &'a Document,
    entries: &'a [(KeyId, NodeId)],
}

impl<'a> ObjectRef<'a> {
    pub(crate) fn new(doc: &'a Document, entries: &'a [(KeyId, NodeId)]) -> ObjectRef<'a> {
        ObjectRef { doc, entries }
    }

    /// The number of entries.
    pub fn len(self) -> usize {
        self.entries.len()
    }

    /// Whether the object has no entries.
    pub fn is_empty(self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `key`, if present.
    #[inline]
    pub fn get(self, key: KeyId) -> Option<NodeId> {
        find_entry(self.entries, key)
    }

    /// The value of the key spelled `key`, if present.
    pub fn get_str(self, key: &str) -> Option<NodeId> {
        self.get(self.doc.key_id(key)?)
    }

    /// The entries in the order of the file.
    pub fn iter(self) -> impl ExactSizeIterator<Item = (KeyId, NodeId)> + DoubleEndedIterator + 'a {
        self.entries.iter().copied()
    }

    /// The entries as a slice.
    pub fn as_slice(self) -> &'a [(KeyId, NodeId)] {
        self.entries
    }

    /// The document the object belongs to (to read its keys).
    pub fn document(self) -> &'a Document {
        self.doc
    }
}

impl std::fmt::Debug for ObjectRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|&(k, v)| (self.doc.key_str(k), v)))
            .finish()
    }
}

impl PartialEq for ObjectRef<'_> {
    /// Two views are equal when they show the same entries of the same document.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.doc, other.doc) && self.entries == other.entries
    }
}
