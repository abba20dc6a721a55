//! YAML aliases in the builder: deep copies of closed subtrees.

use super::{BuildError, Builder, MAX_ALIAS_NODES, MAX_DEPTH, Result};
use crate::document::{Kind, NO_PARENT, NO_POSITION, Node, NodeId};

impl Builder<'_> {
    /// Adds a deep copy of the closed subtree `source` (a YAML alias), with the copy's
    /// root at `pos` and the nodes under it at their original positions. Strings are
    /// shared, not copied.
    pub(crate) fn copy(&mut self, source: NodeId, pos: u32) -> Result<NodeId> {
        let parent = self.frames.last().map_or(NO_PARENT, |f| f.node.0);
        let copy = self.copy_node(source, parent, self.frames.len() + 1, Some(pos))?;
        self.attach(copy);
        Ok(copy)
    }

    /// Copies one node; `level` is the nesting level a container copy would have.
    /// Recursion is bounded by `MAX_DEPTH`.
    fn copy_node(
        &mut self,
        source: NodeId,
        parent: u32,
        level: usize,
        pos: Option<u32>,
    ) -> Result<NodeId> {
        self.copied += 1;
        if self.copied > MAX_ALIAS_NODES {
            return Err(BuildError::AliasBudget);
        }
        let node = self
            .doc
            .nodes
            .get(source.0 as usize)
            .copied()
            .unwrap_or(Node::new(Kind::Null, 0, 0, 0));
        let pos = pos.unwrap_or_else(|| {
            self.doc
                .pos
                .get(source.0 as usize)
                .copied()
                .unwrap_or(NO_POSITION)
        });
        let kind = node.kind();
        if !matches!(kind, Kind::List | Kind::Object) {
            return self.alloc(kind, parent, node.a, node.b, pos);
        }
        if level > MAX_DEPTH {
            return Err(BuildError::TooDeep);
        }
        let copy = self.alloc(kind, parent, 0, 0, pos)?;
        let (start, len) = if kind == Kind::List {
            let children = self.doc.items_of(source).to_vec();
            let mut copies = Vec::with_capacity(children.len());
            for child in children {
                copies.push(self.copy_node(child, copy.0, level + 1, None)?);
            }
            let start = self.doc.items.len();
            self.doc.items.extend(copies);
            (start, self.doc.items.len() - start)
        } else {
            let children = self.doc.entries_of(source).to_vec();
            let mut copies = Vec::with_capacity(children.len());
            for (key, child) in children {
                copies.push((key, self.copy_node(child, copy.0, level + 1, None)?));
            }
            let start = self.doc.entries.len();
            self.doc.entries.extend(copies);
            (start, self.doc.entries.len() - start)
        };
        if let Some(n) = self.doc.nodes.get_mut(copy.0 as usize) {
            n.a = u32::try_from(start).map_err(|_| BuildError::TooLarge)?;
            n.b = u32::try_from(len).map_err(|_| BuildError::TooLarge)?;
        }
        Ok(copy)
    }
}
