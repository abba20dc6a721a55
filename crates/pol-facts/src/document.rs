//! `Document`: an immutable arena of the nodes of one input document, and its readers.

use std::fmt;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use foldhash::SharedSeed;

use crate::decision::Name;
use crate::lines::Lines;
use crate::view::{ListRef, NodeKind, NodeRef, ObjectRef};

/// A node of a [`Document`]: an index into its arena.
///
/// Ids are only meaningful for the document that gave them; an id that is out of range
/// reads as `null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// An object key of one [`Document`], interned when the document was loaded: comparing
/// two keys is comparing two `u32`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

/// Where a node's value starts in its file: 1-based line and column (in characters).
pub use pol_core::LineCol;

/// The kind of a node, stored in the low bits of [`Node::head`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Kind {
    Null = 0,
    Bool = 1,
    Int = 2,
    Float = 3,
    Str = 4,
    List = 5,
    Object = 6,
    /// A value that selective loading skipped: a placeholder with a parent and a
    /// position, and no payload.
    Skipped = 7,
}

impl Kind {
    fn from_bits(bits: u32) -> Kind {
        match bits {
            1 => Kind::Bool,
            2 => Kind::Int,
            3 => Kind::Float,
            4 => Kind::Str,
            5 => Kind::List,
            6 => Kind::Object,
            7 => Kind::Skipped,
            _ => Kind::Null,
        }
    }
}

/// Bits of [`Node::head`] that hold the [`Kind`]; the rest hold the parent.
pub(crate) const KIND_BITS: u32 = 3;
/// The parent of the root (and of nodes that no container holds).
pub(crate) const NO_PARENT: u32 = u32::MAX >> KIND_BITS;
/// The most nodes a document can have, 536,870,911 (a node's parent is 29 bits wide):
/// the default, and the most, of [`LoadLimits::max_nodes`](crate::LoadLimits::max_nodes).
pub const MAX_NODES: usize = NO_PARENT as usize;
/// [`Document::pos`] of a node whose position is unknown.
pub(crate) const NO_POSITION: u32 = u32::MAX;

/// One node: 12 bytes, no padding.
///
/// `head` is `kind | parent << 3`. The payload `(a, b)` is, by kind: bool `(0 | 1, 0)`;
/// int and float the low and high halves of the 64 bits; string `(offset, len)` in
/// [`Document::strings`]; list `(start, len)` in [`Document::items`]; object
/// `(start, len)` in [`Document::entries`]; null and skipped `(0, 0)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) head: u32,
    pub(crate) a: u32,
    pub(crate) b: u32,
}

impl Node {
    pub(crate) fn new(kind: Kind, parent: u32, a: u32, b: u32) -> Node {
        Node {
            head: kind as u32 | parent << KIND_BITS,
            a,
            b,
        }
    }

    pub(crate) fn kind(self) -> Kind {
        Kind::from_bits(self.head & ((1 << KIND_BITS) - 1))
    }

    pub(crate) fn parent(self) -> u32 {
        self.head >> KIND_BITS
    }

    pub(crate) fn set_parent(&mut self, parent: u32) {
        self.head = (self.head & ((1 << KIND_BITS) - 1)) | parent << KIND_BITS;
    }

    pub(crate) fn bits(self) -> u64 {
        u64::from(self.a) | u64::from(self.b) << 32
    }

    pub(crate) fn range(self) -> std::ops::Range<usize> {
        let start = self.a as usize;
        start..start + self.b as usize
    }
}

/// The hash of an object key in the key tables of documents: see [`key_hash`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyHash(pub(crate) u64);

/// The hash of an object key, the same in every document of this process: foldhash
/// (its `quality` variant) with seeds chosen at random once per process, from the
/// operating system's randomness as `std`'s `RandomState` draws it, so a hostile
/// document cannot make its keys collide, and a key hashed once can be looked up in
/// many documents ([`Document::key_id_hashed`]). foldhash is several times faster than
/// SipHash on the short keys of configuration files, and loading hashes every new key
/// of a document.
#[inline]
pub fn key_hash(key: &str) -> KeyHash {
    let (seed, shared) = key_seeds();
    let mut hasher = foldhash::quality::FoldHasher::with_seed(*seed, shared);
    // One string per hash: its bytes alone (foldhash mixes in the length).
    hasher.write(key.as_bytes());
    KeyHash(hasher.finish())
}

/// The process's seeds of [`key_hash`].
fn key_seeds() -> &'static (u64, SharedSeed) {
    static SEEDS: OnceLock<(u64, SharedSeed)> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let random = RandomState::new();
        (
            random.hash_one(0u8),
            SharedSeed::from_u64(random.hash_one(1u8)),
        )
    })
}

/// One input document (a JSON or TOML file, or one document of a YAML stream), loaded
/// into an immutable arena.
///
/// Nodes live in one `Vec` of 12-byte records; list elements and object entries in
/// contiguous side arrays; every string (values and interned keys) in one buffer.
/// Parents and positions are kept so that [`Document::path`] and
/// [`Document::position`] can be computed on demand, off the hot path.
///
/// Every reader is total: an id that is not a node of this document reads as `null`,
/// and the list or object readers give nothing on a node of another kind.
///
/// # Placeholders and the read-skipped flag
///
/// A document loaded with a [`Shape`](crate::Shape) ([`load_shaped`](crate::load_shaped))
/// holds placeholders where it skipped values: nodes with their parent and position
/// (so paths and positions are those of full loading, object keys and list lengths
/// stay) but no value. A placeholder must never be read silently as something: every
/// reader that meets one ([`Document::get`], which gives `Null`, the list and object
/// readers, which give nothing, and [`Document::to_json`], which gives `null`) sets the
/// document's *read-skipped* flag, which the caller checks with
/// [`Document::read_skipped`] after an evaluation to fail it closed (and resets with
/// [`Document::clear_read_skipped`]). [`Document::is_skipped`],
/// [`Document::path`] and [`Document::position`] do not set it. The flag is a relaxed
/// atomic, so a document stays `Send + Sync`; a clone starts with the flag's current
/// value.
#[derive(Clone)]
pub struct Document {
    pub(crate) nodes: Vec<Node>,
    /// Character offset of each node's value in the file ([`NO_POSITION`] if unknown).
    pub(crate) pos: Vec<u32>,
    pub(crate) items: Vec<NodeId>,
    pub(crate) entries: Vec<(KeyId, NodeId)>,
    pub(crate) strings: String,
    /// Each key's `(offset, len)` in `strings`, by `KeyId`.
    pub(crate) keys: Vec<(u32, u32)>,
    /// An open-addressing hash table of the keys, for [`Document::key_id`]: a power of
    /// two of slots, each 0 (empty) or a `KeyId` plus one; linear probing.
    pub(crate) key_table: Vec<u32>,
    pub(crate) lines: Lines,
    pub(crate) file: Option<Name>,
    pub(crate) root: NodeId,
    /// Set when a reader meets a placeholder.
    pub(crate) read_skipped: ReadFlag,
    /// The entries of every object of more than [`BIG_OBJECT`] entries, sorted by key,
    /// by object: made on the first look-up in such an object, so that reading a field
    /// of a huge object is a binary search, not a scan (an input of a million keys read
    /// in a loop would otherwise take a million times a million steps).
    pub(crate) big: BigObjects,
    /// The YAML tags other than the core schema's (`!reference`, `!Ref`, ...) of the
    /// nodes that have one, by node id (increasing).
    pub(crate) tags: Vec<(NodeId, Box<str>)>,
}

/// Objects with more entries than this are searched through a sorted copy.
pub const BIG_OBJECT: usize = 32;

/// The sorted copies of the big objects of a document, by object node (see
/// [`Document::object_get`]).
#[derive(Debug, Default, Clone)]
pub(crate) struct BigObjects(std::sync::OnceLock<Vec<(NodeId, SortedEntries)>>);

/// An object's entries sorted by key.
type SortedEntries = Box<[(KeyId, NodeId)]>;

/// The read-skipped flag of a [`Document`]: an `AtomicBool` (relaxed: it carries no
/// other data) that clones by copying its current value.
#[derive(Debug, Default)]
pub(crate) struct ReadFlag(AtomicBool);

impl ReadFlag {
    fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self, value: bool) {
        self.0.store(value, Ordering::Relaxed);
    }
}

impl Clone for ReadFlag {
    fn clone(&self) -> Self {
        ReadFlag(AtomicBool::new(self.get()))
    }
}

impl Document {
    /// A document that is one `null` at character offset `pos`, with the file and line
    /// table of `like` (another document of its stream).
    pub(crate) fn null_like(like: &Document, pos: u32) -> Document {
        Document {
            nodes: vec![Node::new(Kind::Null, NO_PARENT, 0, 0)],
            pos: vec![pos],
            items: Vec::new(),
            entries: Vec::new(),
            strings: String::new(),
            keys: Vec::new(),
            key_table: Vec::new(),
            lines: like.lines.clone(),
            file: like.file.clone(),
            root: NodeId(0),
            read_skipped: ReadFlag::default(),
            big: BigObjects::default(),
            tags: Vec::new(),
        }
    }

    /// The YAML tag of a node, when it has one that is not the core schema's: a local
    /// tag as written (`!reference`), or a global tag in full. Core tags (`!!str`, ...)
    /// and the non-specific `!` only decide a scalar's type and are not kept; JSON and
    /// TOML nodes have none.
    pub fn tag(&self, id: NodeId) -> Option<&str> {
        if self.tags.is_empty() {
            return None;
        }
        let i = self.tags.binary_search_by_key(&id, |(n, _)| *n).ok()?;
        self.tags.get(i).map(|(_, tag)| &**tag)
    }

    /// Whether any node has a tag ([`Document::tag`]).
    pub fn has_tags(&self) -> bool {
        !self.tags.is_empty()
    }

    /// The root node.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// A view of a node; an id that is not a node of this document reads as `Null`,
    /// and so does a placeholder of selective loading, which also sets the
    /// read-skipped flag.
    #[inline]
    pub fn get(&self, id: NodeId) -> NodeRef<'_> {
        let Some(&node) = self.nodes.get(id.0 as usize) else {
            return NodeRef::Null;
        };
        match node.kind() {
            Kind::Null => NodeRef::Null,
            Kind::Bool => NodeRef::Bool(node.a != 0),
            Kind::Int => NodeRef::Int(node.bits() as i64),
            Kind::Float => NodeRef::Float(f64::from_bits(node.bits())),
            Kind::Str => NodeRef::Str(self.strings.get(node.range()).unwrap_or("")),
            Kind::List => NodeRef::List(ListRef::new(self.items.get(node.range()).unwrap_or(&[]))),
            Kind::Object => NodeRef::Object(ObjectRef::new(
                self,
                self.entries.get(node.range()).unwrap_or(&[]),
            )),
            Kind::Skipped => {
                self.note_skipped();
                NodeRef::Null
            }
        }
    }

    /// The kind of a node: the variant [`Document::get`] returns, without building it.
    /// A placeholder of selective loading reads as `Null` and sets the read-skipped flag,
    /// as in `get`.
    #[inline]
    pub fn kind(&self, id: NodeId) -> NodeKind {
        let Some(&node) = self.nodes.get(id.0 as usize) else {
            return NodeKind::Null;
        };
        match node.kind() {
            Kind::Null => NodeKind::Null,
            Kind::Bool => NodeKind::Bool,
            Kind::Int => NodeKind::Int,
            Kind::Float => NodeKind::Float,
            Kind::Str => NodeKind::Str,
            Kind::List => NodeKind::List,
            Kind::Object => NodeKind::Object,
            Kind::Skipped => {
                self.note_skipped();
                NodeKind::Null
            }
        }
    }

    /// The text of a string node; `None` for a node of any other kind (which reads
    /// nothing: a placeholder does not set the read-skipped flag here, `get` or `kind`
    /// of it does). The hot path of string operations, without building a `NodeRef`.
    #[inline]
    pub fn str_at(&self, id: NodeId) -> Option<&str> {
        let node = self.nodes.get(id.0 as usize)?;
        if node.kind() == Kind::Str {
            self.strings.get(node.range())
        } else {
            None
        }
    }

    /// Whether the node is a placeholder for a value that selective loading skipped.
    /// Does not set the read-skipped flag.
    pub fn is_skipped(&self, id: NodeId) -> bool {
        self.nodes
            .get(id.0 as usize)
            .is_some_and(|node| node.kind() == Kind::Skipped)
    }

    /// Whether a reader has met a placeholder (a value that selective loading skipped)
    /// since the document was loaded or the flag was last cleared: the result of any
    /// evaluation that read this document since then cannot be trusted.
    pub fn read_skipped(&self) -> bool {
        self.read_skipped.get()
    }

    /// Clears the read-skipped flag (before the next evaluation).
    pub fn clear_read_skipped(&self) {
        self.read_skipped.set(false);
    }

    /// Sets the read-skipped flag: a reader met a placeholder.
    #[cold]
    #[inline(never)]
    fn note_skipped(&self) {
        self.read_skipped.set(true);
    }

    /// Sets the read-skipped flag if `node` is a placeholder (the "not this kind" path
    /// of the readers).
    #[inline]
    fn note_if_skipped(&self, node: Node) {
        if node.kind() == Kind::Skipped {
            self.note_skipped();
        }
    }

    /// The elements of a list node (empty for any other node).
    #[inline]
    pub(crate) fn items_of(&self, id: NodeId) -> &[NodeId] {
        match self.nodes.get(id.0 as usize) {
            Some(&node) if node.kind() == Kind::List => self.items.get(node.range()).unwrap_or(&[]),
            Some(&node) => {
                self.note_if_skipped(node);
                &[]
            }
            None => &[],
        }
    }

    /// The entries of an object node (empty for any other node).
    #[inline]
    pub(crate) fn entries_of(&self, id: NodeId) -> &[(KeyId, NodeId)] {
        match self.nodes.get(id.0 as usize) {
            Some(&node) if node.kind() == Kind::Object => {
                self.entries.get(node.range()).unwrap_or(&[])
            }
            Some(&node) => {
                self.note_if_skipped(node);
                &[]
            }
            None => &[],
        }
    }

    /// The number of elements of a list node; 0 for any other node.
    pub fn list_len(&self, id: NodeId) -> usize {
        self.items_of(id).len()
    }

    /// Element `i` of a list node; `None` when out of range or not a list.
    #[inline]
    pub fn list_get(&self, id: NodeId, i: usize) -> Option<NodeId> {
        self.items_of(id).get(i).copied()
    }

    /// The elements of a list node in order; nothing for any other node.
    pub fn list_iter(
        &self,
        id: NodeId,
    ) -> impl ExactSizeIterator<Item = NodeId> + DoubleEndedIterator + '_ {
        self.items_of(id).iter().copied()
    }

    /// The number of entries of an object node; 0 for any other node.
    pub fn object_len(&self, id: NodeId) -> usize {
        self.entries_of(id).len()
    }

    /// The entries of an object node, in the order of the file; nothing for any other
    /// node.
    pub fn object_iter(
        &self,
        id: NodeId,
    ) -> impl ExactSizeIterator<Item = (KeyId, NodeId)> + DoubleEndedIterator + '_ {
        self.entries_of(id).iter().copied()
    }

    /// The value of `key` in an object node; `None` if the key is absent or the node is
    /// not an object.
    #[inline]
    pub fn object_get(&self, id: NodeId, key: KeyId) -> Option<NodeId> {
        let entries = self.entries_of(id);
        if entries.len() > BIG_OBJECT {
            return self.big_object_get(id, key);
        }
        find_entry(entries, key)
    }

    /// [`Document::object_get`] in an object of more than [`BIG_OBJECT`] entries: a
    /// binary search in its sorted copy (the copies of all big objects are made on the
    /// first call).
    #[cold]
    fn big_object_get(&self, id: NodeId, key: KeyId) -> Option<NodeId> {
        let big = self.big.0.get_or_init(|| {
            // Read straight from the arena: a placeholder met on the way is not a read
            // of the policy's, and must not set the read-skipped flag.
            self.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.kind() == Kind::Object && n.range().len() > BIG_OBJECT)
                .filter_map(|(i, n)| {
                    let mut sorted = self.entries.get(n.range())?.to_vec();
                    sorted.sort_unstable_by_key(|&(k, _)| k);
                    Some((NodeId(u32::try_from(i).ok()?), sorted.into_boxed_slice()))
                })
                .collect()
        });
        let sorted = big
            .binary_search_by_key(&id, |(node, _)| *node)
            .ok()
            .and_then(|i| big.get(i))
            .map(|(_, sorted)| &sorted[..]);
        match sorted {
            Some(sorted) => sorted
                .binary_search_by_key(&key, |&(k, _)| k)
                .ok()
                .and_then(|i| sorted.get(i))
                .map(|&(_, v)| v),
            None => find_entry(self.entries_of(id), key),
        }
    }

    /// Whether an object node has the key spelled `key`, without reading anything: a
    /// placeholder of selective loading is no object here, and is not noted as read
    /// (for telling a document's kind, not for evaluating).
    pub fn peek_key(&self, id: NodeId, key: &str) -> bool {
        let Some(key) = self.key_id(key) else {
            return false;
        };
        match self.nodes.get(id.0 as usize) {
            Some(node) if node.kind() == Kind::Object => self
                .entries
                .get(node.range())
                .is_some_and(|entries| entries.iter().any(|(k, _)| *k == key)),
            _ => false,
        }
    }

    /// The object entries of a node, without reading anything (see
    /// [`Document::peek_key`]): nothing for a placeholder or any other node.
    pub fn peek_entries(&self, id: NodeId) -> &[(KeyId, NodeId)] {
        match self.nodes.get(id.0 as usize) {
            Some(node) if node.kind() == Kind::Object => {
                self.entries.get(node.range()).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// The value of the key spelled `key` in an object node.
    pub fn object_get_str(&self, id: NodeId, key: &str) -> Option<NodeId> {
        match self.key_id(key) {
            Some(key) => self.object_get(id, key),
            None => {
                // No object has the key, but reading it from a placeholder is still a
                // read of a skipped value.
                if let Some(&node) = self.nodes.get(id.0 as usize) {
                    self.note_if_skipped(node);
                }
                None
            }
        }
    }

    /// The id of an object key of this document, if some object has that key.
    pub fn key_id(&self, key: &str) -> Option<KeyId> {
        self.find_key(key, key_hash(key).0).ok()
    }

    /// [`Document::key_id`] with the key's hash computed beforehand (a program hashes
    /// its field names once, and looks them up in every document).
    #[inline]
    pub fn key_id_hashed(&self, key: &str, hash: KeyHash) -> Option<KeyId> {
        self.find_key(key, hash.0).ok()
    }

    /// Looks `key` (whose hash is `hash`) up in the key table: its id, or the empty
    /// slot where it would go. The table is at most half full, so a probe ends at an
    /// empty slot; a table without slots has nowhere to put a key (`Err(usize::MAX)`).
    #[inline]
    pub(crate) fn find_key(&self, key: &str, hash: u64) -> Result<KeyId, usize> {
        let mask = self.key_table.len().wrapping_sub(1);
        let mut i = hash as usize;
        for _ in 0..self.key_table.len() {
            let at = i & mask;
            match self.key_table.get(at) {
                Some(&0) | None => return Err(at),
                Some(&slot) => {
                    let id = KeyId(slot - 1);
                    if self.key_str(id) == key {
                        return Ok(id);
                    }
                }
            }
            i = i.wrapping_add(1);
        }
        Err(usize::MAX)
    }

    /// The text of a key; `""` for an id that is not a key of this document.
    #[inline]
    pub fn key_str(&self, key: KeyId) -> &str {
        self.keys
            .get(key.0 as usize)
            .and_then(|&(offset, len)| {
                let start = offset as usize;
                self.strings.get(start..start + len as usize)
            })
            .unwrap_or("")
    }

    /// The number of distinct object keys.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Where the node's value starts in the file; `None` for an id that is not a node
    /// of this document or a node whose position is unknown.
    pub fn position(&self, id: NodeId) -> Option<LineCol> {
        let &offset = self.pos.get(id.0 as usize)?;
        if offset == NO_POSITION {
            return None;
        }
        let (line, column) = self.lines.line_col(offset);
        Some(LineCol { line, column })
    }

    /// The `#` comment that documents a scalar node of a YAML or TOML document: the comment
    /// after the start of its value on that line (`issues: write  # label issues`), or
    /// else a comment alone on the line above, starting at or left of the value
    /// (`# label issues` above `issues: write`). Its text after `#`, trimmed; `None`
    /// when there is none (and always for JSON, which has no comments, and for lists and
    /// objects).
    pub fn comment(&self, id: NodeId) -> Option<&str> {
        // A list or an object starts where its first element does: that comment is
        // the element's.
        if matches!(self.kind(id), NodeKind::List | NodeKind::Object) {
            return None;
        }
        let position = self.position(id)?;
        self.lines.comment(position.line, position.column)
    }

    /// The display name of the file the document was loaded from, if one was given.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// [`Document::file`] as a shared [`Name`] (what findings about this document
    /// hold, without a copy).
    pub fn file_name(&self) -> Option<&Name> {
        self.file.as_ref()
    }

    /// The number of nodes (including copies made by YAML aliases).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document has no nodes (never true for a loaded document, whose root
    /// is a node).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// An estimate of the heap memory the document holds, in bytes (the arrays'
    /// capacities; the line table is counted in full even when shared).
    pub fn heap_size(&self) -> usize {
        use std::mem::size_of;
        self.nodes.capacity() * size_of::<Node>()
            + self.pos.capacity() * size_of::<u32>()
            + self.items.capacity() * size_of::<NodeId>()
            + self.entries.capacity() * size_of::<(KeyId, NodeId)>()
            + self.strings.capacity()
            + self.keys.capacity() * size_of::<(u32, u32)>()
            + self.key_table.capacity() * size_of::<u32>()
            + self.tags.iter().map(|(_, t)| 24 + t.len()).sum::<usize>()
            + self.lines.heap_size()
    }

    /// The parent of a node and its index in the parent's items or entries; `None` for
    /// the root (and for nodes no container holds).
    pub(crate) fn parent_slot(&self, id: NodeId) -> Option<(NodeId, usize)> {
        let parent = self.nodes.get(id.0 as usize)?.parent();
        // A parent is always created before its children: this also stops any walk
        // up the tree.
        if parent == NO_PARENT || parent >= id.0 {
            return None;
        }
        let parent = NodeId(parent);
        let slot = match self.nodes.get(parent.0 as usize)?.kind() {
            Kind::List => find_slot(self.items_of(parent), id, |&n| n)?,
            Kind::Object => find_slot(self.entries_of(parent), id, |&(_, n)| n)?,
            _ => return None,
        };
        Some((parent, slot))
    }
}

/// The value of `key` among `entries`: a linear scan over `u32` pairs, which beats a
/// hash for the small objects of configuration files.
#[inline]
pub(crate) fn find_entry(entries: &[(KeyId, NodeId)], key: KeyId) -> Option<NodeId> {
    entries.iter().find(|(k, _)| *k == key).map(|&(_, n)| n)
}

/// The index of `id` among a container's children. Children are created in order, so
/// their ids increase and a binary search finds them; a linear scan backs it up.
fn find_slot<T>(children: &[T], id: NodeId, node: impl Fn(&T) -> NodeId) -> Option<usize> {
    match children.binary_search_by(|c| node(c).cmp(&id)) {
        Ok(i) => Some(i),
        Err(_) => children.iter().position(|c| node(c) == id),
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("file", &self.file)
            .field("nodes", &self.nodes.len())
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields of objects small and big (searched through a sorted copy) are found,
    /// and absent ones are not.
    #[test]
    fn fields_of_big_objects_are_found() {
        for n in [0, 1, BIG_OBJECT, BIG_OBJECT + 1, 1000] {
            let fields: Vec<String> = (0..n).rev().map(|i| format!("\"k{i}\": {i}")).collect();
            let text = format!(
                "{{\"o\": {{{}}}, \"x\": {{\"k1\": true}}}}",
                fields.join(", ")
            );
            let docs = crate::load(&text, crate::Format::Json, None).unwrap();
            let doc = &docs[0];
            let o = doc.object_get_str(doc.root(), "o").unwrap();
            for i in 0..n {
                let v = doc.object_get_str(o, &format!("k{i}")).unwrap();
                assert_eq!(doc.get(v), crate::NodeRef::Int(i as i64), "k{i} of {n}");
            }
            // `x`'s key exists in the document, not in `o`.
            let k1 = doc.key_id("k1").unwrap();
            assert_eq!(doc.object_get(o, k1).is_some(), n > 1, "{n}");
            let x = doc.object_get_str(doc.root(), "x").unwrap();
            assert!(doc.object_get(x, k1).is_some());
            assert_eq!(doc.object_get_str(o, "nope"), None);
        }
    }
    use std::mem::size_of;

    /// The arena's layout is part of its speed and size: keep it from growing.
    #[test]
    fn sizes() {
        assert_eq!(size_of::<Node>(), 12);
        assert_eq!(size_of::<(KeyId, NodeId)>(), 8);
        assert_eq!(size_of::<NodeRef<'_>>(), 32);
    }

    #[test]
    fn node_packing() {
        let mut node = Node::new(Kind::Object, NO_PARENT, 7, 9);
        assert_eq!(
            (node.kind(), node.parent(), node.a, node.b),
            (Kind::Object, NO_PARENT, 7, 9)
        );
        node.set_parent(5);
        assert_eq!((node.kind(), node.parent()), (Kind::Object, 5));
        let int = Node::new(Kind::Int, 0, u32::MAX, 0x8000_0000);
        assert_eq!(int.bits(), 0x8000_0000_FFFF_FFFF);
    }

    /// A key hashes the same every time in a process, so a hash computed once finds the
    /// key in every document; keys that differ in their length, their first or their
    /// last bytes (the parts short keys are hashed by) hash differently.
    #[test]
    fn key_hashes_are_stable_and_tell_keys_apart() {
        let mut keys: Vec<String> = (0..40)
            .flat_map(|n| {
                let base = "k".repeat(n);
                [
                    base.clone(),
                    format!("{base}x"),
                    format!("x{base}"),
                    format!("{base}\0"),
                ]
            })
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut hashes: Vec<u64> = keys.iter().map(|k| key_hash(k).0).collect();
        for (key, &hash) in keys.iter().zip(&hashes) {
            assert_eq!(key_hash(key).0, hash, "{key:?}");
        }
        let docs = crate::load(
            r#"{"uses": 1, "with": {"uses": 2}}"#,
            crate::Format::Json,
            None,
        )
        .expect("loads");
        let again =
            crate::load(r#"{"run": 1, "uses": 3}"#, crate::Format::Json, None).expect("loads");
        let uses = key_hash("uses");
        for doc in docs.iter().chain(&again) {
            assert_eq!(doc.key_id_hashed("uses", uses), doc.key_id("uses"));
            assert!(doc.key_id("uses").is_some());
        }
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), keys.len(), "distinct keys, distinct hashes");
    }

    /// The key table finds every key of the document, at any fill, and nothing else.
    #[test]
    fn key_table_finds_every_key_and_only_keys() {
        for n in [0usize, 1, 3, 4, 5, 8, 100, 3000] {
            let entries: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
            let text = format!("{{{}}}", entries.join(", "));
            let docs = crate::load(&text, crate::Format::Json, None).expect("loads");
            let [doc] = docs.as_slice() else {
                panic!("one document")
            };
            assert_eq!(doc.key_count(), n);
            for i in 0..n {
                let key = doc.key_id(&format!("k{i}")).expect("every key is found");
                assert_eq!(doc.key_str(key), format!("k{i}"));
            }
            for missing in ["", "k", "K0", &format!("k{n}")] {
                assert_eq!(doc.key_id(missing), None, "{missing:?} among {n} keys");
            }
        }
    }
}
