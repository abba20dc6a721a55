//! The resolved GitLab CI file written out as a new document: root entries after
//! `extends:`, `!reference` tags replaced by the values they name, every node at the
//! position of the place it is written.

use super::tree::{Tree, node_kind};
use super::{MAX_REFERENCE_DEPTH, REFERENCE_TAG, Resolver, list_range};
use crate::builder::{BuildError, Builder};
use crate::document::{Document, KeyId, Kind, NO_POSITION, NodeId};
use crate::limits::{Budget, Limit, LoadLimits};

/// Writes the document: the root object with `roots` in order, each resolved. `None`,
/// with a problem, when it goes over a limit.
pub(super) fn emit(
    resolver: &mut Resolver<'_>,
    roots: &[(KeyId, NodeId)],
    limits: &LoadLimits,
) -> Option<Document> {
    let doc = resolver.doc;
    // The copies count against the alias budget, on top of the document's own nodes.
    let mut budget = *limits;
    budget.max_nodes = limits
        .max_nodes
        .min(doc.len().saturating_add(limits.max_alias_nodes));
    let builder = Builder::new(
        doc.file(),
        doc.lines.clone(),
        doc.len(),
        &Budget::new(&budget),
    );
    let mut out = Emitter {
        resolver,
        builder,
        keys: vec![None; doc.key_count()],
        references: Vec::new(),
    };
    match out.document(roots) {
        Ok(()) => Some(out.builder.finish()),
        Err(e) => {
            let message = match e {
                BuildError::Over(Limit::Nodes, _) => format!(
                    "`extends` and `!reference` copy more than the limit of {} values (resource limit)",
                    limits.max_alias_nodes
                ),
                e => format!("`extends` and `!reference`: {e}"),
            };
            let root = doc.root();
            out.resolver.problem(root, message);
            None
        }
    }
}

struct Emitter<'r, 'd> {
    resolver: &'r mut Resolver<'d>,
    builder: Builder<'static>,
    /// The new document's id of each key of the original, once interned.
    keys: Vec<Option<KeyId>>,
    /// The references being resolved, innermost last (for cycles and depth).
    references: Vec<Vec<String>>,
}

type Result<T> = std::result::Result<T, BuildError>;

impl Emitter<'_, '_> {
    fn document(&mut self, roots: &[(KeyId, NodeId)]) -> Result<()> {
        let doc = self.resolver.doc;
        self.builder.open(true, pos(doc, doc.root()))?;
        for &(key, _) in roots {
            self.key(key)?;
            let tree = self
                .resolver
                .root(key)
                .unwrap_or(Tree::Node(NodeId(u32::MAX)));
            self.tree(&tree)?;
        }
        self.builder.close()?;
        Ok(())
    }

    /// Sets the key of the next value, interned in the new document.
    fn key(&mut self, key: KeyId) -> Result<()> {
        let id = match self.keys.get(key.0 as usize).copied().flatten() {
            Some(id) => id,
            None => {
                let id = self.builder.intern(self.resolver.doc.key_str(key))?;
                if let Some(slot) = self.keys.get_mut(key.0 as usize) {
                    *slot = Some(id);
                }
                id
            }
        };
        self.builder.set_key(id)
    }

    fn tree(&mut self, tree: &Tree) -> Result<NodeId> {
        match tree {
            Tree::Node(id) => self.node(*id),
            Tree::Merged { at, entries } => {
                let object = self.builder.open(true, pos(self.resolver.doc, *at))?;
                for (key, value) in entries.iter() {
                    self.key(*key)?;
                    self.tree(value)?;
                }
                self.builder.close()?;
                Ok(object)
            }
        }
    }

    /// Copies a node of the original and everything under it, references resolved.
    /// Recursion is bounded by the depth limit, which `open` checks.
    fn node(&mut self, id: NodeId) -> Result<NodeId> {
        let doc = self.resolver.doc;
        let at = pos(doc, id);
        let tag = doc.tag(id);
        if tag == Some(REFERENCE_TAG) {
            return self.reference(id);
        }
        let node = match node_kind(doc, id) {
            Some(Kind::List) => {
                let list = self.builder.open(false, at)?;
                for i in list_range(doc, id) {
                    let item = doc.items.get(i).copied().unwrap_or(NodeId(u32::MAX));
                    self.node(item)?;
                }
                self.builder.close()?;
                list
            }
            Some(Kind::Object) => {
                let object = self.builder.open(true, at)?;
                for &(key, value) in doc.peek_entries(id) {
                    self.key(key)?;
                    self.node(value)?;
                }
                self.builder.close()?;
                object
            }
            Some(Kind::Skipped) => self.builder.skipped(at)?,
            _ => self.builder.scalar_like(doc, id, at)?,
        };
        if let Some(tag) = tag {
            self.builder.tag(node, tag);
        }
        Ok(node)
    }

    /// The value a `!reference [.job, key, ...]` names, resolved in turn; `null` at the
    /// reference, with a problem, when it cannot be.
    fn reference(&mut self, id: NodeId) -> Result<NodeId> {
        let doc = self.resolver.doc;
        let at = pos(doc, id);
        let path: Option<Vec<String>> = list_range(doc, id)
            .map(|i| {
                let item = doc.items.get(i).copied()?;
                doc.str_at(item).map(str::to_owned)
            })
            .collect();
        let shown = |path: &[String]| format!("{REFERENCE_TAG} [{}]", path.join(", "));
        let problem = match path {
            None => {
                Some("`!reference` must be a list of names (`!reference [.job, key]`)".to_owned())
            }
            Some(path) if path.is_empty() => {
                Some("`!reference` must be a list of names (`!reference [.job, key]`)".to_owned())
            }
            Some(path) if self.references.contains(&path) => {
                Some(format!("{} is part of a circular chain", shown(&path)))
            }
            Some(path) if self.references.len() >= MAX_REFERENCE_DEPTH => Some(format!(
                "{}: references nest more than {MAX_REFERENCE_DEPTH} levels deep",
                shown(&path)
            )),
            Some(path) => match self.target(&path) {
                None => {
                    let message = format!("{} could not be found in this file", shown(&path));
                    self.resolver.not_here(id, message);
                    None
                }
                Some(target) => {
                    self.references.push(path);
                    let node = self.tree(&target);
                    self.references.pop();
                    return node;
                }
            },
        };
        if let Some(message) = problem {
            self.resolver.problem(id, message);
        }
        self.builder.scalar_like(doc, NodeId(u32::MAX), at)
    }

    /// The value at `path` in the file after `extends:`.
    fn target(&self, path: &[String]) -> Option<Tree> {
        let doc = self.resolver.doc;
        let (first, rest) = path.split_first()?;
        let mut tree = self.resolver.root(doc.key_id(first)?)?;
        for key in rest {
            tree = tree.get(doc, doc.key_id(key)?)?;
        }
        Some(tree)
    }
}

/// The position (character offset) of a node of the original.
fn pos(doc: &Document, id: NodeId) -> u32 {
    doc.pos.get(id.0 as usize).copied().unwrap_or(NO_POSITION)
}
