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

/// One node of a [`Shape`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShapeNode {
    /// Everything below this path is needed.
    pub all: bool,
    /// Keys whose values are needed, sorted by key and unique, each with the index of
    /// its node (greater than this node's index).
    pub fields: Vec<(String, u32)>,
    /// The node of every element of a list and every value of an object not named in
    /// `fields` (greater than this node's index).
    pub elements: Option<u32>,
}

/// The parts of a document a program can read: a table of [`ShapeNode`]s, the root
/// first, each child after its parent (so a shape has no cycles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    nodes: Vec<ShapeNode>,
}

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
        Shape {
            nodes: vec![ShapeNode {
                all: true,
                ..ShapeNode::default()
            }],
        }
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
        Ok(Shape { nodes })
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
        let Need::Node(index) = parent else {
            return parent;
        };
        let Some(node) = self.nodes.get(index as usize) else {
            return Need::All;
        };
        match node.fields.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
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
