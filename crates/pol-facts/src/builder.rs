//! `Builder`: fills a `Document` arena from a stream of values, shared by the loaders.
//!
//! A loader opens containers, adds scalars and keys, and closes containers, in the
//! order of the file. Nodes get their ids in that order (a parent before its children,
//! siblings in order). The elements of open containers wait in scratch stacks and move
//! to the document's side arrays, contiguous, when their container closes.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use crate::decision::Name;
use crate::document::{Document, KeyId, Kind, NO_PARENT, Node, NodeId, ReadFlag, key_hash};
use crate::limits::{Budget, Limit, Over};
use crate::lines::Lines;
use crate::shape::Probe;

mod alias;
mod merge;

/// Objects with more entries than this check duplicate keys with a hash set, when a
/// key's last object does not tell ([`Builder::set_key`]).
const SMALL_OBJECT: usize = 16;

/// A scalar value to add.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar<'s> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'s str),
}

/// Why a value could not be added; the loader adds the position.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum BuildError {
    /// Over one of the input's limits, whose value is given.
    Over(Limit, usize),
    /// Strings or side arrays past 4 GiB, which positions in them cannot address.
    TooLarge,
    DuplicateKey(String),
    BadMerge,
}

impl BuildError {
    /// The limit the error is about, if any.
    pub(crate) fn limit(&self) -> Option<Limit> {
        match self {
            BuildError::Over(limit, _) => Some(*limit),
            _ => None,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Over(limit, value) => Over(*limit, *value).fmt(f),
            BuildError::TooLarge => write!(f, "document too large"),
            BuildError::DuplicateKey(key) => write!(f, "duplicate key `{key}`"),
            BuildError::BadMerge => {
                write!(f, "merge key `<<` needs a mapping or a list of mappings")
            }
        }
    }
}

type Result<T> = std::result::Result<T, BuildError>;

/// Slots of the builder's cache of recent keys.
const KEY_CACHE: usize = 64;
const _: () = assert!(KEY_CACHE.is_power_of_two(), "cache_slot takes the top bits");

/// What the builder keeps of each interned key.
struct KeyMeta {
    hash: u64,
    head: u64,
    /// The node id plus one of the object whose entry this key last was, 0 for none
    /// yet ([`Builder::set_key`]).
    object: u32,
}

/// An open list or object.
struct Frame {
    node: NodeId,
    object: bool,
    /// Where this container's elements start in `items` or `fields`.
    start: usize,
    /// The key of the next value (objects).
    pending: Option<KeyId>,
    /// The keys so far, once the object is too large for linear duplicate checks and
    /// has needed one (boxed: a frame is pushed and popped for every container).
    #[expect(
        clippy::box_collection,
        reason = "a box is one word in the frame, the set three; few objects need one"
    )]
    seen: Option<Box<HashSet<KeyId>>>,
}

/// Builds one [`Document`]. `'t` is the lifetime of the source text, so that keys can
/// be interned without copying them first.
pub(crate) struct Builder<'t> {
    doc: Document,
    /// Recently interned keys, by their probe ([`Builder::intern_probed`]); `u32::MAX`
    /// is empty.
    key_cache: [u32; KEY_CACHE],
    /// The hash of each key, by `KeyId`, to grow the key table without hashing again,
    /// and its probe's head, to check the cache without reading the key.
    key_meta: Vec<KeyMeta>,
    /// The lifetime of the source text, which keys may borrow.
    text: PhantomData<&'t str>,
    frames: Vec<Frame>,
    items: Vec<NodeId>,
    fields: Vec<(KeyId, NodeId)>,
    /// The nodes this document may create: what is left of the input's budget.
    node_cap: usize,
    /// The deepest nesting allowed.
    max_depth: usize,
    /// The nodes aliases of this document may copy: what is left of the budget.
    alias_cap: usize,
    /// The nodes aliases copied so far.
    copied: usize,
    /// The input's limits, for messages.
    budget: Budget,
}

/// The working arrays of builders, kept by each thread from one document to the next
/// (cleared, with their capacity): loading a document then allocates only the
/// document's own arrays, at their final sizes, when it is finished.
#[derive(Default)]
struct Scratch {
    nodes: Vec<Node>,
    pos: Vec<u32>,
    items: Vec<NodeId>,
    entries: Vec<(KeyId, NodeId)>,
    strings: String,
    keys: Vec<(u32, u32)>,
    key_table: Vec<u32>,
    key_meta: Vec<KeyMeta>,
    frames: Vec<Frame>,
    open_items: Vec<NodeId>,
    fields: Vec<(KeyId, NodeId)>,
}

impl Scratch {
    const EMPTY: Scratch = Scratch {
        nodes: Vec::new(),
        pos: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        strings: String::new(),
        keys: Vec::new(),
        key_table: Vec::new(),
        key_meta: Vec::new(),
        frames: Vec::new(),
        open_items: Vec::new(),
        fields: Vec::new(),
    };
}

/// An array larger than this many bytes is not kept for the next document (so that
/// one huge document does not hold its memory in every thread that loaded one).
const SCRATCH_BYTES: usize = 4 << 20;

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = const { std::cell::Cell::new(Scratch::EMPTY) };
}

/// Empties `v` for the next document, or drops it if it grew too large.
fn recycle<T>(mut v: Vec<T>) -> Vec<T> {
    if v.capacity() * std::mem::size_of::<T>() > SCRATCH_BYTES {
        return Vec::new();
    }
    v.clear();
    v
}

impl<'t> Builder<'t> {
    /// An empty builder, which may spend what is left of `budget`; `capacity` is a
    /// guess of the number of nodes.
    pub(crate) fn new(
        file: Option<&str>,
        lines: Lines,
        capacity: usize,
        budget: &Budget,
    ) -> Builder<'t> {
        let mut s = SCRATCH.take();
        // Children are nodes too, and strings average a few bytes: guesses from the
        // node count that save most regrowth (arrays kept from an earlier document
        // may have room already).
        s.nodes.reserve(capacity);
        s.pos.reserve(capacity);
        s.items.reserve(capacity / 2);
        s.entries.reserve(capacity / 2);
        s.strings.reserve(capacity * 8);
        s.keys.reserve(32);
        s.key_meta.reserve(32);
        // The key table starts at 64 empty slots (cleared in place: no allocation).
        s.key_table.resize(64, 0);
        // The stacks of open containers and of their children so far: sizes that most
        // documents stay within.
        s.frames.reserve(16);
        s.open_items.reserve(64);
        s.fields.reserve(64);
        Builder {
            doc: Document {
                nodes: s.nodes,
                pos: s.pos,
                items: s.items,
                entries: s.entries,
                strings: s.strings,
                keys: s.keys,
                key_table: s.key_table,
                lines,
                file: file.map(Name::from),
                root: NodeId(0),
                read_skipped: ReadFlag::default(),
                big: crate::document::BigObjects::default(),
                tags: Vec::new(),
            },
            key_cache: [u32::MAX; KEY_CACHE],
            key_meta: s.key_meta,
            text: PhantomData,
            frames: s.frames,
            items: s.open_items,
            fields: s.fields,
            node_cap: budget.nodes_left(),
            max_depth: budget.limits().max_depth,
            alias_cap: budget.alias_nodes_left(),
            copied: 0,
            budget: *budget,
        }
    }

    /// The budget left after this document: the input's, less this document's nodes
    /// and alias copies.
    pub(crate) fn budget_left(&self) -> Budget {
        let mut budget = self.budget;
        budget.spend(self.doc.nodes.len(), self.copied);
        budget
    }

    /// The deepest nesting allowed.
    pub(crate) fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// The error of a document nested deeper than allowed.
    pub(crate) fn too_deep(&self) -> BuildError {
        BuildError::Over(Limit::Depth, self.max_depth)
    }

    /// The error of a document with more nodes than allowed.
    #[cold]
    fn too_many_nodes(&self) -> BuildError {
        BuildError::Over(Limit::Nodes, self.budget.limits().max_nodes)
    }

    /// The document built so far (closed containers are complete).
    pub(crate) fn doc(&self) -> &Document {
        &self.doc
    }

    /// The number of open containers.
    pub(crate) fn depth(&self) -> usize {
        self.frames.len()
    }

    /// Whether the innermost open container is an object.
    pub(crate) fn in_object(&self) -> bool {
        self.frames.last().is_some_and(|f| f.object)
    }

    /// The number of entries of the innermost open object so far.
    pub(crate) fn field_count(&self) -> usize {
        self.frames
            .last()
            .map_or(0, |f| self.fields.len().saturating_sub(f.start))
    }

    /// The string buffer, for loaders that decode strings straight into it; follow with
    /// [`Builder::string_from`].
    pub(crate) fn take_strings(&mut self) -> String {
        std::mem::take(&mut self.doc.strings)
    }

    /// Puts back the buffer of [`Builder::take_strings`] and adds the string node made
    /// of its bytes from `start` on.
    pub(crate) fn string_from(
        &mut self,
        strings: String,
        start: usize,
        pos: u32,
    ) -> Result<NodeId> {
        self.doc.strings = strings;
        let end = u32::try_from(self.doc.strings.len()).map_err(|_| BuildError::TooLarge)?;
        let offset = u32::try_from(start).map_err(|_| BuildError::TooLarge)?;
        self.add(Kind::Str, offset, end.saturating_sub(offset), pos)
    }

    /// Adds a scalar to the innermost open container (or as the root).
    pub(crate) fn scalar(&mut self, value: Scalar<'_>, pos: u32) -> Result<NodeId> {
        match value {
            Scalar::Null => self.add(Kind::Null, 0, 0, pos),
            Scalar::Bool(b) => self.add(Kind::Bool, u32::from(b), 0, pos),
            Scalar::Int(i) => {
                let bits = i as u64;
                self.add(Kind::Int, bits as u32, (bits >> 32) as u32, pos)
            }
            Scalar::Float(f) => {
                let bits = f.to_bits();
                self.add(Kind::Float, bits as u32, (bits >> 32) as u32, pos)
            }
            Scalar::Str(s) => {
                let (offset, len) = self.push_str(s)?;
                self.add(Kind::Str, offset, len, pos)
            }
        }
    }

    /// Adds a placeholder for a value that selective loading skipped, at the value's
    /// position, to the innermost open container (or as the root).
    pub(crate) fn skipped(&mut self, pos: u32) -> Result<NodeId> {
        self.add(Kind::Skipped, 0, 0, pos)
    }

    /// Opens a list or an object in the innermost open container (or as the root).
    pub(crate) fn open(&mut self, object: bool, pos: u32) -> Result<NodeId> {
        if self.frames.len() >= self.max_depth {
            return Err(self.too_deep());
        }
        let kind = if object { Kind::Object } else { Kind::List };
        let node = self.add(kind, 0, 0, pos)?;
        let start = if object {
            self.fields.len()
        } else {
            self.items.len()
        };
        self.frames.push(Frame {
            node,
            object,
            start,
            pending: None,
            seen: None,
        });
        Ok(node)
    }

    /// Closes the innermost open container: its elements move from the stack of open
    /// containers' elements to the document's, contiguous.
    pub(crate) fn close(&mut self) -> Result<NodeId> {
        let Some(frame) = self.frames.pop() else {
            return Ok(self.doc.root);
        };
        let (start, len) = if frame.object {
            let own = self.fields.get(frame.start..).unwrap_or(&[]);
            let start = self.doc.entries.len();
            self.doc.entries.extend_from_slice(own);
            (start, own.len())
        } else {
            let own = self.items.get(frame.start..).unwrap_or(&[]);
            let start = self.doc.items.len();
            self.doc.items.extend_from_slice(own);
            (start, own.len())
        };
        if frame.object {
            self.fields.truncate(frame.start);
        } else {
            self.items.truncate(frame.start);
        }
        self.set_span(frame.node, start, len)
    }

    /// Sets where a closed container's elements are in the document's side array.
    fn set_span(&mut self, node: NodeId, start: usize, len: usize) -> Result<NodeId> {
        let start = u32::try_from(start).map_err(|_| BuildError::TooLarge)?;
        let len = u32::try_from(len).map_err(|_| BuildError::TooLarge)?;
        if let Some(n) = self.doc.nodes.get_mut(node.0 as usize) {
            n.a = start;
            n.b = len;
        }
        Ok(node)
    }

    /// Interns an object key: one hash, looked up in the document's own key table,
    /// which [`Document::key_id`] reads later.
    pub(crate) fn intern(&mut self, key: &str) -> Result<KeyId> {
        self.intern_probed(key, Probe::of(key))
    }

    /// [`Builder::intern`] with the key's probe computed beforehand.
    #[inline]
    pub(crate) fn intern_probed(&mut self, key: &str, probe: Probe) -> Result<KeyId> {
        // Most keys repeat (`name`, `uses`, `run`...): a small cache of recent keys, by
        // their probe, saves their hashing; a cached key is checked by its probe and
        // the rest of its bytes. A miss (or a collision, which a hostile document may
        // force) takes the hashed path.
        let slot = cache_slot(probe);
        if let Some(&id) = self.key_cache.get(slot)
            && let Some(meta) = self.key_meta.get(id as usize)
            && meta.head == probe.head
            && let Some(&(offset, len)) = self.doc.keys.get(id as usize)
            && len as usize == probe.len
            && (probe.len <= 8 || {
                let start = offset as usize;
                let cached = self.doc.strings.as_bytes().get(start..start + probe.len);
                probe.same_rest(cached.unwrap_or(&[]), key.as_bytes())
            })
        {
            return Ok(KeyId(id));
        }
        let id = self.intern_hashed(key, probe)?;
        if let Some(entry) = self.key_cache.get_mut(slot) {
            *entry = id.0;
        }
        Ok(id)
    }

    /// [`Builder::intern`] through the key table.
    fn intern_hashed(&mut self, key: &str, probe: Probe) -> Result<KeyId> {
        let hash = key_hash(key).0;
        let slot = match self.doc.find_key(key, hash) {
            Ok(id) => return Ok(id),
            Err(slot) => slot,
        };
        let id = u32::try_from(self.doc.keys.len()).map_err(|_| BuildError::TooLarge)?;
        let span = self.push_str(key)?;
        self.doc.keys.push(span);
        self.key_meta.push(KeyMeta {
            hash,
            head: probe.head,
            object: 0,
        });
        match self.doc.key_table.get_mut(slot) {
            Some(entry) => *entry = id + 1,
            None => return Err(BuildError::TooLarge),
        }
        if self.doc.keys.len() * 2 > self.doc.key_table.len() {
            self.grow_key_table();
        }
        Ok(KeyId(id))
    }

    /// Doubles the key table, placing each key again by its stored hash.
    fn grow_key_table(&mut self) {
        let size = self.doc.key_table.len() * 2;
        let mask = size - 1;
        let mut table = vec![0u32; size];
        for (id, meta) in (1u32..).zip(&self.key_meta) {
            let mut i = meta.hash as usize;
            while let Some(slot) = table.get_mut(i & mask) {
                if *slot == 0 {
                    *slot = id;
                    break;
                }
                i = i.wrapping_add(1);
            }
        }
        self.doc.key_table = table;
    }

    /// Sets the key of the next value of the innermost open object; a key the object
    /// already has is an error.
    ///
    /// Each key remembers the last object it was set in. Node ids grow in the order
    /// objects open, and every object opened while this one is open is inside it, so
    /// a key last set in this object is a duplicate, a key last set in an object
    /// opened before this one (or never) is new here, and only a key last set in an
    /// object inside this one needs a look at this object's keys.
    #[inline]
    pub(crate) fn set_key(&mut self, key: KeyId) -> Result<()> {
        let Some(frame) = self.frames.last_mut() else {
            return Ok(());
        };
        let object = frame.node.0 + 1;
        let last = match self.key_meta.get_mut(key.0 as usize) {
            Some(meta) => std::mem::replace(&mut meta.object, object),
            // Not a key of this builder: look.
            None => u32::MAX,
        };
        if last < object && frame.seen.is_none() {
            frame.pending = Some(key);
            return Ok(());
        }
        self.set_key_looking(key, last.cmp(&object))
    }

    /// [`Builder::set_key`] for a key last set in this object (`Equal`) or in one inside
    /// it (`Greater`), or in an object that keeps a hash set of its keys.
    #[inline(never)]
    fn set_key_looking(&mut self, key: KeyId, last: std::cmp::Ordering) -> Result<()> {
        let Some(frame) = self.frames.last_mut() else {
            return Ok(());
        };
        let duplicate = match last {
            std::cmp::Ordering::Equal => true,
            std::cmp::Ordering::Less => {
                if let Some(seen) = &mut frame.seen {
                    seen.insert(key);
                }
                false
            }
            std::cmp::Ordering::Greater => {
                let fields = self.fields.get(frame.start..).unwrap_or(&[]);
                match &mut frame.seen {
                    Some(seen) => !seen.insert(key),
                    None => {
                        let duplicate = fields.iter().any(|&(k, _)| k == key);
                        if fields.len() >= SMALL_OBJECT {
                            let mut seen: HashSet<KeyId> = fields.iter().map(|&(k, _)| k).collect();
                            seen.insert(key);
                            frame.seen = Some(Box::new(seen));
                        }
                        duplicate
                    }
                }
            }
        };
        if duplicate {
            return Err(BuildError::DuplicateKey(self.doc.key_str(key).to_owned()));
        }
        frame.pending = Some(key);
        Ok(())
    }

    /// Replaces the line table (a loader that finds the line breaks as it parses).
    pub(crate) fn set_lines(&mut self, lines: Lines) {
        self.doc.lines = lines;
    }

    /// Ends the document, with node 0 as the root: its arrays are copied out at their
    /// final sizes, and the builder's go back to the thread for the next document.
    pub(crate) fn finish(&mut self) -> Document {
        let doc = &mut self.doc;
        Document {
            nodes: doc.nodes.clone(),
            pos: doc.pos.clone(),
            items: doc.items.clone(),
            entries: doc.entries.clone(),
            strings: doc.strings.as_str().to_owned(),
            keys: doc.keys.clone(),
            key_table: doc.key_table.clone(),
            lines: std::mem::take(&mut doc.lines),
            file: doc.file.take(),
            root: doc.root,
            read_skipped: ReadFlag::default(),
            big: crate::document::BigObjects::default(),
            tags: std::mem::take(&mut doc.tags),
        }
    }

    /// Records the YAML tag of `node` (the last node added, so that the tags stay
    /// sorted by node).
    pub(crate) fn tag(&mut self, node: NodeId, tag: &str) {
        if self.doc.tags.last().is_none_or(|(last, _)| *last < node) {
            self.doc.tags.push((node, tag.into()));
        }
    }

    /// Adds a scalar node with the payload of `node`, a scalar or a placeholder of
    /// `from` (another document; a string's text is copied), at `pos`.
    pub(crate) fn scalar_like(
        &mut self,
        from: &Document,
        node: NodeId,
        pos: u32,
    ) -> Result<NodeId> {
        let Some(&source) = from.nodes.get(node.0 as usize) else {
            return self.add(Kind::Null, 0, 0, pos);
        };
        match source.kind() {
            Kind::Str => {
                let text = from.strings.get(source.range()).unwrap_or("");
                let (offset, len) = self.push_str(text)?;
                self.add(Kind::Str, offset, len, pos)
            }
            Kind::List | Kind::Object => self.add(Kind::Null, 0, 0, pos),
            kind => self.add(kind, source.a, source.b, pos),
        }
    }

    /// Creates a node in the innermost open container: [`Builder::alloc`] and
    /// [`Builder::attach`] in one look at the container (inline: each caller adds one
    /// kind of node, and the call itself cost a fifth of the work).
    #[inline(always)]
    fn add(&mut self, kind: Kind, a: u32, b: u32, pos: u32) -> Result<NodeId> {
        let id = self.doc.nodes.len();
        if id >= self.node_cap {
            return Err(self.too_many_nodes());
        }
        let id = NodeId(id as u32);
        let parent = match self.frames.last_mut() {
            Some(frame) => {
                if !frame.object {
                    self.items.push(id);
                } else if let Some(key) = frame.pending.take() {
                    self.fields.push((key, id));
                }
                frame.node.0
            }
            None => NO_PARENT,
        };
        self.doc.nodes.push(Node::new(kind, parent, a, b));
        self.doc.pos.push(pos);
        Ok(id)
    }

    /// Makes `id` the next element of the innermost open list, or the value of the
    /// pending key of the innermost open object. Without a pending key (a YAML complex
    /// key, or the value of a merge key) the node stays outside the tree.
    fn attach(&mut self, id: NodeId) {
        match self.frames.last_mut() {
            Some(frame) if frame.object => {
                if let Some(key) = frame.pending.take() {
                    self.fields.push((key, id));
                }
            }
            Some(_) => self.items.push(id),
            None => {}
        }
    }

    fn alloc(&mut self, kind: Kind, parent: u32, a: u32, b: u32, pos: u32) -> Result<NodeId> {
        let id = self.doc.nodes.len();
        if id >= self.node_cap {
            return Err(self.too_many_nodes());
        }
        self.doc.nodes.push(Node::new(kind, parent, a, b));
        self.doc.pos.push(pos);
        Ok(NodeId(id as u32))
    }

    fn push_str(&mut self, s: &str) -> Result<(u32, u32)> {
        let offset = u32::try_from(self.doc.strings.len()).map_err(|_| BuildError::TooLarge)?;
        let len = u32::try_from(s.len()).map_err(|_| BuildError::TooLarge)?;
        offset.checked_add(len).ok_or(BuildError::TooLarge)?;
        self.doc.strings.push_str(s);
        Ok((offset, len))
    }
}

impl Drop for Builder<'_> {
    /// Gives the builder's arrays back to the thread, for the next document.
    fn drop(&mut self) {
        let doc = &mut self.doc;
        let mut strings = std::mem::take(&mut doc.strings);
        if strings.capacity() > SCRATCH_BYTES {
            strings = String::new();
        }
        strings.clear();
        SCRATCH.set(Scratch {
            nodes: recycle(std::mem::take(&mut doc.nodes)),
            pos: recycle(std::mem::take(&mut doc.pos)),
            items: recycle(std::mem::take(&mut doc.items)),
            entries: recycle(std::mem::take(&mut doc.entries)),
            strings,
            keys: recycle(std::mem::take(&mut doc.keys)),
            key_table: recycle(std::mem::take(&mut doc.key_table)),
            key_meta: recycle(std::mem::take(&mut self.key_meta)),
            frames: recycle(std::mem::take(&mut self.frames)),
            open_items: recycle(std::mem::take(&mut self.items)),
            fields: recycle(std::mem::take(&mut self.fields)),
        });
    }
}

/// The slot of a key in the builder's cache of recent keys: a multiplicative hash of
/// its probe (the top bits of the product).
#[inline]
fn cache_slot(probe: Probe) -> usize {
    const SHIFT: u32 = u64::BITS - KEY_CACHE.trailing_zeros();
    ((probe.head ^ probe.len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> SHIFT) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys that share a slot of the cache of recent keys, or even their probe (length
    /// and first eight bytes), are interned apart, whatever their order: each key of
    /// each object gets its own id and its own text back.
    #[test]
    fn keys_that_share_a_probe_or_a_cache_slot_stay_apart() {
        let mut keys: Vec<String> = [
            "timeout-minutes",
            "timeout-minutez",
            "abcdefgh-x-ijklmnop",
            "abcdefgh-y-ijklmnop",
            "timeout-m",
            "timeout-n",
            "timeout",
            "a",
            "",
        ]
        .map(str::to_owned)
        .to_vec();
        // Keys that land in one slot of the cache, by brute force.
        let slot = cache_slot(Probe::of("uses"));
        keys.extend(
            (0..2000)
                .map(|i| format!("k{i}"))
                .filter(|k| cache_slot(Probe::of(k)) == slot)
                .take(4),
        );
        keys.push("uses".to_owned());
        for rotation in 0..keys.len() {
            keys.rotate_left(1);
            let mut builder = Builder::new(
                None,
                Lines::default(),
                16,
                &Budget::new(&crate::LoadLimits::DEFAULT),
            );
            let mut ids = Vec::new();
            builder.open(true, 0).unwrap();
            for key in keys.iter().chain(&keys) {
                builder.open(true, 0).unwrap();
                let id = builder.intern(key).unwrap();
                assert_eq!(builder.doc().key_str(id), key, "rotation {rotation}");
                ids.push(id);
                builder.set_key(id).unwrap();
                builder.scalar(Scalar::Null, 0).unwrap();
                builder.close().unwrap();
            }
            let (first, again) = ids.split_at(keys.len());
            assert_eq!(first, again, "a key interned twice has one id");
            let mut distinct = first.to_vec();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), keys.len(), "distinct keys, distinct ids");
        }
    }

    /// An object of a random tree: keys from a small set, so that they repeat within
    /// objects and across nested ones, and some objects large enough for the hash set.
    fn random_object(next: &mut impl FnMut(u64) -> u64, depth: u32, out: &mut String) {
        let large = next(4) == 0;
        let len = if large { 10 + next(30) } else { next(5) };
        out.push('{');
        for i in 0..len {
            if i > 0 {
                out.push(',');
            }
            let key = if large { next(40) } else { next(6) };
            out.push_str(&format!("\"k{key}\":"));
            if depth < 4 && next(3) == 0 {
                random_object(next, depth + 1, out);
            } else {
                out.push('0');
            }
        }
        out.push('}');
    }

    /// The first duplicate key in the order of the text, by a plain scan.
    fn first_duplicate(text: &str) -> Option<String> {
        // A stack of the keys of the open objects (keys are the only strings).
        let mut open: Vec<Vec<String>> = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'{' => open.push(Vec::new()),
                b'}' => {
                    open.pop();
                }
                b'"' => {
                    let end = i + 1 + text[i + 1..].find('"').unwrap();
                    let key = text[i + 1..end].to_owned();
                    let keys = open.last_mut().unwrap();
                    if keys.contains(&key) {
                        return Some(key);
                    }
                    keys.push(key);
                    i = end;
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// Duplicate keys are found exactly, in small and large objects, whatever the keys
    /// of the objects nested in them: the first duplicate of the text is the error.
    #[test]
    fn duplicate_keys_are_found_in_any_nesting() {
        let mut state = 11u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let (mut clean, mut duplicates) = (0, 0);
        for _ in 0..2000 {
            let mut text = String::new();
            random_object(&mut next, 0, &mut text);
            let expected = first_duplicate(&text);
            match (crate::load(&text, crate::Format::Json, None), expected) {
                (Ok(_), None) => clean += 1,
                (Err(e), Some(key)) => {
                    assert!(
                        e.to_string().contains(&format!("duplicate key `{key}`")),
                        "{e}: {text}"
                    );
                    duplicates += 1;
                }
                (got, expected) => panic!("{text}: {:?}, expected {expected:?}", got.err()),
            }
        }
        assert!(
            clean > 100 && duplicates > 100,
            "{clean} clean, {duplicates} with duplicates"
        );
    }

    /// What a loaded document says: its value, every node's position and the keys.
    fn summary(text: &str, format: crate::Format) -> std::result::Result<String, crate::LoadError> {
        let docs = crate::load(text, format, None)?;
        Ok(docs
            .iter()
            .map(|doc| {
                let positions: Vec<_> = (0..doc.len() as u32)
                    .map(|n| doc.position(NodeId(n)))
                    .collect();
                format!(
                    "{} {positions:?} {}",
                    doc.to_json(doc.root()),
                    doc.key_count()
                )
            })
            .collect())
    }

    /// The arrays a thread keeps from one document to the next leave nothing behind:
    /// documents loaded after others (large, small, failed halfway with containers
    /// open, YAML streams) are those a fresh thread loads.
    #[test]
    fn documents_loaded_after_others_are_those_of_a_fresh_thread() {
        use crate::Format::{Json, Yaml};
        let large: String = format!(
            "{{{}}}",
            (0..3000)
                .map(|i| format!("\"k{i}\": [{i}, \"v{i}\", {{\"x\": null}}]"))
                .collect::<Vec<_>>()
                .join(",\n")
        );
        let inputs = [
            (large.as_str(), Json),
            (r#"{"a": [1, {"b": "#, Json),
            (r#"{"a": {"b": [true, "é"], "c": 2}, "d": "x"}"#, Json),
            (r#"{"a": 1, "a": 2}"#, Json),
            ("a: 1\nb: [x, {c: d}]\n---\n- 1\n- {a: b}\n", Yaml),
            ("a: [1, {b: \n", Yaml),
            (r#"[]"#, Json),
        ];
        let fresh: Vec<_> = inputs
            .iter()
            .map(|&(text, format)| {
                std::thread::scope(|s| s.spawn(|| summary(text, format)).join().unwrap())
            })
            .collect();
        for _ in 0..2 {
            for (&(text, format), expected) in inputs.iter().zip(&fresh).rev() {
                assert_eq!(&summary(text, format), expected, "{text:.40}");
            }
        }
    }
}
