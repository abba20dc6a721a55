//! Values of a GitLab CI file as `extends:` merges them: nodes of the document, and
//! objects made by a deep merge, which share what they merge.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::document::{Document, KeyId, Kind, NodeId};

/// A value of the resolved file: a node of the original document (with everything
/// under it), or an object made by merging.
#[derive(Clone, Debug)]
pub(super) enum Tree {
    /// A node of the document, as written.
    Node(NodeId),
    /// An object made by a deep merge; it starts where `at` (the object written last
    /// of those merged) does.
    Merged {
        at: NodeId,
        entries: Rc<Vec<(KeyId, Tree)>>,
    },
}

impl Tree {
    /// Whether the value is an object (a placeholder of selective loading is not).
    pub(super) fn is_object(&self, doc: &Document) -> bool {
        match self {
            Tree::Node(id) => node_kind(doc, *id) == Some(Kind::Object),
            Tree::Merged { .. } => true,
        }
    }

    /// The entries of an object, in order; nothing for any other value.
    pub(super) fn entries(&self, doc: &Document) -> Vec<(KeyId, Tree)> {
        match self {
            Tree::Node(id) => doc
                .peek_entries(*id)
                .iter()
                .map(|&(k, v)| (k, Tree::Node(v)))
                .collect(),
            Tree::Merged { entries, .. } => entries.to_vec(),
        }
    }

    /// The value of `key` in an object.
    pub(super) fn get(&self, doc: &Document, key: KeyId) -> Option<Tree> {
        match self {
            Tree::Node(id) => doc
                .peek_entries(*id)
                .iter()
                .find(|(k, _)| *k == key)
                .map(|&(_, v)| Tree::Node(v)),
            Tree::Merged { entries, .. } => entries
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone()),
        }
    }
}

/// The kind of a node, without reading it (a placeholder is `Skipped`, and does not
/// set the document's read-skipped flag).
pub(super) fn node_kind(doc: &Document, id: NodeId) -> Option<Kind> {
    doc.nodes.get(id.0 as usize).map(|n| n.kind())
}

/// GitLab's deep merge (ActiveSupport's `deep_merge`): `over`'s values win; where
/// both have an object under a key, the two objects are merged in turn; any other
/// value (a list, a scalar) of `over` replaces `base`'s. Keys keep `base`'s order,
/// `over`'s new keys after them. `work` counts the entries made, and the merge stops
/// (`None`) when it goes past `cap`.
pub(super) fn deep_merge(
    doc: &Document,
    base: &Tree,
    over: &Tree,
    work: &mut usize,
    cap: usize,
) -> Option<Tree> {
    if !base.is_object(doc) || !over.is_object(doc) {
        return Some(over.clone());
    }
    let at = match over {
        Tree::Node(id) | Tree::Merged { at: id, .. } => *id,
    };
    let base_entries = base.entries(doc);
    let over_entries = over.entries(doc);
    // Keys looked up by hash: a hostile object of many keys costs no square.
    let theirs: HashMap<KeyId, &Tree> = over_entries.iter().map(|(k, v)| (*k, v)).collect();
    let ours: HashSet<KeyId> = base_entries.iter().map(|(k, _)| *k).collect();
    let mut entries = Vec::with_capacity(base_entries.len() + over_entries.len());
    for (key, value) in &base_entries {
        let merged = match theirs.get(key) {
            Some(theirs) => deep_merge(doc, value, theirs, work, cap)?,
            None => value.clone(),
        };
        entries.push((*key, merged));
    }
    for (key, value) in &over_entries {
        if !ours.contains(key) {
            entries.push((*key, value.clone()));
        }
    }
    *work = work.saturating_add(entries.len());
    if *work > cap {
        return None;
    }
    Some(Tree::Merged {
        at,
        entries: Rc::new(entries),
    })
}
