//! `Shape`: the parts of a document a program can read, so that loading skips the rest
//! (docs/evaluation.md, "Selective loading").
//!
//! A shape is a tree of paths, flattened into a table whose first node is the root.
//! Each node says what of the value at its path is needed: everything below it
//! (`all`), the values of some keys (`fields`, each with its own node), and every
//! element of a list or every value of an object (`elements`). A key of an object
//! that is in `fields` is loaded with that node; any other key with the `elements`
//! node; with neither, its value is skipped: the key stays, its value is a placeholder
//! that fails the evaluation closed if it is ever read. The value at a node's own
//! path is always loaded (its kind, a scalar, the keys of an object and the length of
//! a list are known).

pub use pol_core::ShapeNode;

/// The parts of a document a program can read: a table of [`ShapeNode`]s, the root
/// first, each child after its parent (so a shape has no cycles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    nodes: Vec<ShapeNode>,
    /// The [`Probe`] of each key of each node's `fields`, node by node.
    probes: Vec<Vec<Probe>>,
    /// Whether the program reads the inputs' comments (`comment(x)`): when not, the
    /// loaders do not collect them.
    comments: bool,
}

/// A key as loading compares it first: its length and its first eight bytes
/// (zero-padded), so that telling keys apart rarely needs to compare their bytes.
/// [`Shape::field_probed`] and the builder's cache of recent keys both use it, so a
/// loader computes it once per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Probe {
    pub(crate) len: usize,
    pub(crate) head: u64,
}

impl Probe {
    pub(crate) fn of(key: &str) -> Probe {
        Probe {
            len: key.len(),
            head: key_head(key.as_bytes()),
        }
    }

    /// The probe of a key of `len` bytes whose first bytes begin `word` (the bytes of
    /// `word` after the key's are left out).
    #[inline]
    pub(crate) fn from_word(word: [u8; 8], len: usize) -> Probe {
        let head = u64::from_be_bytes(word);
        let head = match u32::try_from(len * 8) {
            Ok(bits @ 0..64) => head & !(u64::MAX >> bits),
            _ => head,
        };
        Probe { len, head }
    }

    /// Whether `a` and `b`, two keys with this probe, are equal: only the bytes after
    /// the first eight are left to compare (for keys of at most 16 bytes, as one word:
    /// their last eight bytes).
    #[inline]
    pub(crate) fn same_rest(self, a: &[u8], b: &[u8]) -> bool {
        if self.len <= 8 {
            return true;
        }
        if self.len <= 16 {
            return a.last_chunk::<8>() == b.last_chunk::<8>();
        }
        a.get(8..) == b.get(8..)
    }
}

/// The first 8 bytes of a key, zero-padded, big-endian (so that heads order as their
/// keys' first bytes do): with the length, it tells most different keys apart without
/// comparing them.
#[inline]
pub(crate) fn key_head(key: &[u8]) -> u64 {
    if let Some(first) = key.first_chunk::<8>() {
        return u64::from_be_bytes(*first);
    }
    let mut head = 0;
    for (&b, shift) in key.iter().zip((0..64).step_by(8).rev()) {
        head |= u64::from(b) << shift;
    }
    head
}

/// Nodes with at most this many fields are searched key by key (by [`Probe`]); larger
/// ones by binary search.
const SCAN: usize = 16;

/// What to do with one value while loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Load it and everything below it.
    All,
    /// Load it; its children as the shape node with this index says.
    Node(u32),
    /// Skip it: leave a placeholder.
    Skip,
}

impl Shape {
    /// The shape that needs the whole document.
    pub fn everything() -> Shape {
        Shape::with_probes(vec![ShapeNode {
            all: true,
            ..ShapeNode::default()
        }])
    }

    /// A shape from its table; an error when the table is empty, a child index is not
    /// after its parent or out of range, or keys are not sorted and unique.
    pub fn from_nodes(nodes: Vec<ShapeNode>) -> Result<Shape, String> {
        if nodes.is_empty() {
            return Err("a shape needs a root node".to_owned());
        }
        let len = nodes.len();
        for (i, node) in nodes.iter().enumerate() {
            let children = node.fields.iter().map(|(_, c)| *c).chain(node.elements);
            for child in children {
                let c = child as usize;
                if c <= i || c >= len {
                    return Err(format!("shape node {i} has child {child} out of order"));
                }
            }
            if node.fields.windows(2).any(|w| match w {
                [a, b] => a.0 >= b.0,
                _ => false,
            }) {
                return Err(format!("shape node {i} has unsorted or repeated keys"));
            }
        }
        Ok(Shape::with_probes(nodes))
    }

    fn with_probes(nodes: Vec<ShapeNode>) -> Shape {
        let probes = nodes
            .iter()
            .map(|n| n.fields.iter().map(|(k, _)| Probe::of(k)).collect())
            .collect();
        Shape {
            nodes,
            probes,
            comments: true,
        }
    }

    /// The same shape for a program that never reads the inputs' comments: documents
    /// loaded with it have none ([`Document::comment`](crate::Document::comment) gives
    /// `None`), which saves finding them.
    pub fn without_comments(mut self) -> Shape {
        self.comments = false;
        self
    }

    /// Whether documents loaded with this shape keep their comments.
    pub fn comments(&self) -> bool {
        self.comments
    }

    /// The nodes, the root first.
    pub fn nodes(&self) -> &[ShapeNode] {
        &self.nodes
    }

    /// Whether the shape needs the whole document.
    pub fn is_everything(&self) -> bool {
        self.nodes.first().is_some_and(|root| root.all)
    }

    /// What the root needs.
    pub(crate) fn root(&self) -> Need {
        self.need_of(0)
    }

    fn need_of(&self, index: u32) -> Need {
        match self.nodes.get(index as usize) {
            Some(node) if node.all => Need::All,
            Some(_) => Need::Node(index),
            None => Need::All,
        }
    }

    /// What the value of `key` needs, in an object loaded with `parent`.
    pub(crate) fn field(&self, parent: Need, key: &str) -> Need {
        self.field_probed(parent, key, Probe::of(key))
    }

    /// [`Shape::field`] with the key's probe computed beforehand.
    #[inline]
    pub(crate) fn field_probed(&self, parent: Need, key: &str, probe: Probe) -> Need {
        let Need::Node(index) = parent else {
            return parent;
        };
        let Some(node) = self.nodes.get(index as usize) else {
            return Need::All;
        };
        let found = if node.fields.len() <= SCAN {
            let probes = self
                .probes
                .get(index as usize)
                .map_or(&[][..], Vec::as_slice);
            probes
                .iter()
                .zip(&node.fields)
                .position(|(p, (k, _))| {
                    *p == probe && probe.same_rest(k.as_bytes(), key.as_bytes())
                })
                .ok_or(0)
        } else {
            node.fields.binary_search_by(|(k, _)| k.as_str().cmp(key))
        };
        match found {
            Ok(i) => node
                .fields
                .get(i)
                .map_or(Need::All, |&(_, c)| self.need_of(c)),
            Err(_) => node.elements.map_or(Need::Skip, |c| self.need_of(c)),
        }
    }

    /// What each element needs, in a list loaded with `parent`.
    pub(crate) fn element(&self, parent: Need) -> Need {
        let Need::Node(index) = parent else {
            return parent;
        };
        match self.nodes.get(index as usize) {
            Some(node) => node.elements.map_or(Need::Skip, |c| self.need_of(c)),
            None => Need::All,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A root whose fields are `keys`, each with a node that needs everything.
    fn shape(keys: &[&str]) -> Shape {
        let mut keys: Vec<&str> = keys.to_vec();
        keys.sort_unstable();
        let mut nodes = vec![ShapeNode {
            fields: keys
                .iter()
                .enumerate()
                .map(|(i, k)| ((*k).to_owned(), u32::try_from(i + 1).unwrap_or(0)))
                .collect(),
            ..ShapeNode::default()
        }];
        nodes.extend(keys.iter().map(|_| ShapeNode {
            all: true,
            ..ShapeNode::default()
        }));
        Shape::from_nodes(nodes).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A probe read from a word of the text is the probe of the key alone.
    #[test]
    fn probes_from_words_are_probes_of_keys() {
        let text = "abcdefghijk\"\0\u{ff}xyz";
        for start in 0..4 {
            for end in start..12 {
                let key = &text[start..end];
                let word: [u8; 8] = text.as_bytes()[start..start + 8].try_into().unwrap();
                assert_eq!(Probe::from_word(word, key.len()), Probe::of(key), "{key:?}");
            }
        }
    }

    #[test]
    fn fields_are_found_by_the_whole_key() {
        // Keys that share their length and first eight bytes (differing at the end,
        // or in the middle of a long key), keys that are prefixes of others, a NUL
        // byte: only the exact key matches, in a small node (compared by probe) and
        // in a large one (binary search).
        let keys = [
            "timeout-minutes",
            "timeout-minutez",
            "timeout",
            "a",
            "a\0",
            "",
            "persist-credentials",
            "abcdefgh-x-ijklmnop",
            "timeout-m",
        ];
        let filler: Vec<String> = (0..20).map(|i| format!("k{i:02}")).collect();
        let mut large: Vec<&str> = keys.to_vec();
        large.extend(filler.iter().map(String::as_str));
        for shape in [shape(&keys), shape(&large)] {
            for key in keys {
                assert_eq!(shape.field(shape.root(), key), Need::All, "{key:?}");
            }
            for other in [
                "timeout-minutex",
                "timeout-",
                "a\0\0",
                "b",
                "persist",
                "abcdefgh-y-ijklmnop",
                "timeout-n",
            ] {
                assert_eq!(shape.field(shape.root(), other), Need::Skip, "{other:?}");
            }
        }
    }
}
