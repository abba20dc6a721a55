//! YAML aliases in the builder: deep copies of closed subtrees.

use super::{BuildError, Builder, Result};
use crate::document::{Kind, NO_PARENT, NO_POSITION, Node, NodeId};
use crate::limits::Limit;

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

    /// Counts the nodes of the closed subtree `source` against the alias budget, as a
    /// copy would: for an alias used as a key, whose text is its value as JSON.
    pub(crate) fn count_copy(&mut self, source: NodeId) -> Result<()> {
        let mut stack = vec![source];
        while let Some(node) = stack.pop() {
            self.copied += 1;
            if self.copied > self.alias_cap {
                return Err(self.too_many_copies());
            }
            stack.extend_from_slice(self.doc.items_of(node));
            stack.extend(self.doc.entries_of(node).iter().map(|&(_, child)| child));
        }
        Ok(())
    }

    /// The error of aliases that copy more nodes than allowed.
    #[cold]
    fn too_many_copies(&self) -> BuildError {
        BuildError::Over(Limit::AliasNodes, self.budget.limits().max_alias_nodes)
    }

    /// Copies one node; `level` is the nesting level a container copy would have.
    /// Recursion is bounded by the depth limit (at most `MAX_DEPTH`).
    fn copy_node(
        &mut self,
        source: NodeId,
        parent: u32,
        level: usize,
        pos: Option<u32>,
    ) -> Result<NodeId> {
        self.copied += 1;
        if self.copied > self.alias_cap {
            return Err(self.too_many_copies());
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
        let tag = self.doc.tag(source).map(str::to_owned);
        if !matches!(kind, Kind::List | Kind::Object) {
            let copy = self.alloc(kind, parent, node.a, node.b, pos)?;
            if let Some(tag) = tag {
                self.tag(copy, &tag);
            }
            return Ok(copy);
        }
        if level > self.max_depth {
            return Err(self.too_deep());
        }
        let copy = self.alloc(kind, parent, 0, 0, pos)?;
        if let Some(tag) = tag {
            self.tag(copy, &tag);
        }
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
