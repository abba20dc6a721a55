//! YAML merge keys (`<<: *base`) in the builder: the merged mappings' entries inserted
//! into the object being closed, keys written in it winning.

use super::{BuildError, Builder, Result};
use crate::document::{KeyId, Kind, NodeId};
use std::collections::HashSet;

impl Builder<'_> {
    /// Closes the innermost open object, merging YAML merge-key values into it: each
    /// `(at, value)` inserts, before the `at`-th explicit entry, the entries of `value`
    /// (a mapping, or each mapping of a list in turn) whose keys are neither explicit
    /// nor merged already.
    pub(crate) fn close_merged(&mut self, merges: &[(usize, NodeId)]) -> Result<NodeId> {
        if merges.is_empty() || !self.in_object() {
            return self.close();
        }
        let Some(frame) = self.frames.pop() else {
            return Ok(self.doc.root);
        };
        let start = self.doc.entries.len();
        let explicit: Vec<_> = self.fields.drain(frame.start..).collect();
        self.merge_fields(frame.node, &explicit, merges)?;
        self.set_span(frame.node, start, self.doc.entries.len() - start)
    }

    fn merge_fields(
        &mut self,
        node: NodeId,
        explicit: &[(KeyId, NodeId)],
        merges: &[(usize, NodeId)],
    ) -> Result<()> {
        let explicit_keys: HashSet<KeyId> = explicit.iter().map(|&(k, _)| k).collect();
        let mut merged = HashSet::new();
        let mut merges = merges.iter().peekable();
        for i in 0..=explicit.len() {
            while let Some(&(_, value)) = merges.next_if(|&&(at, _)| at <= i) {
                for source in self.merge_sources(value)? {
                    for (key, child) in self.doc.entries_of(source).to_vec() {
                        if !explicit_keys.contains(&key) && merged.insert(key) {
                            self.doc.entries.push((key, child));
                            if let Some(n) = self.doc.nodes.get_mut(child.0 as usize) {
                                n.set_parent(node.0);
                            }
                        }
                    }
                }
            }
            if let Some(&entry) = explicit.get(i) {
                self.doc.entries.push(entry);
            }
        }
        Ok(())
    }

    /// Checks that a merge-key value is a mapping or a list of mappings.
    pub(crate) fn check_merge(&self, value: NodeId) -> Result<()> {
        self.merge_sources(value).map(|_| ())
    }

    /// The mappings a merge-key value stands for.
    fn merge_sources(&self, value: NodeId) -> Result<Vec<NodeId>> {
        let kind = self.doc.nodes.get(value.0 as usize).map(|n| n.kind());
        match kind {
            Some(Kind::Object) => Ok(vec![value]),
            Some(Kind::List) => {
                let items = self.doc.items_of(value);
                let all_objects = items.iter().all(|i| {
                    self.doc.nodes.get(i.0 as usize).map(|n| n.kind()) == Some(Kind::Object)
                });
                if all_objects {
                    Ok(items.to_vec())
                } else {
                    Err(BuildError::BadMerge)
                }
            }
            _ => Err(BuildError::BadMerge),
        }
    }
}
