//! GitLab CI's `extends:` and `!reference` tags, resolved before rules run on a
//! document of kind `gitlab-ci` (docs/inputs.md, "GitLab CI: `extends:` and
//! `!reference`").
//!
//! As GitLab does it (`Gitlab::Ci::Config`: `Extendable`, then `Yaml::Tags::Resolver`):
//! first every mapping at the root with an `extends:` (a name or a list of names of
//! other entries of the file: jobs, hidden jobs `.x`, templates) becomes the deep merge
//! of the entries it extends, in order, then of itself — objects merged key by key,
//! lists and scalars replaced, at most [`MAX_EXTENDS_DEPTH`] levels; then every
//! sequence tagged `!reference [.job, key, ...]` becomes the value at that path of the
//! file so resolved, references in it resolved too, at most [`MAX_REFERENCE_DEPTH`]
//! deep. The result is a new [`Document`] in which every value keeps the position of
//! the place it is written (an image inherited from a hidden template is on the
//! template's line), and its path is where it ends up (`build.image`).
//!
//! Cycles, nesting too deep, malformed `extends:` or `!reference` are [`Problem`]s at
//! the place they are written: GitLab rejects such a file, and the evaluation fails
//! closed with them. A name that is not in the file is only noted
//! ([`Resolved::unresolved`]): the file may be one that a pipeline includes, whose
//! templates are in another file (pol does not follow `include:`); the job keeps its
//! own values, and the reference becomes `null`. The copies resolving makes are
//! bounded by [`LoadLimits::max_alias_nodes`], as YAML aliases' are, and the
//! document by [`LoadLimits::max_nodes`] and [`LoadLimits::max_depth`].

mod emit;
mod tree;

use std::collections::{HashMap, HashSet};

use crate::decision::{EvalError, InputLocation, Name, PolicyLocation};
use crate::document::{Document, KeyId, Kind, LineCol, NodeId};
use crate::limits::LoadLimits;
use tree::{Tree, deep_merge, node_kind};

/// The key of a job that names the jobs it extends.
pub(crate) const EXTENDS: &str = "extends";

/// The tag of a reference, `!reference [.job, key, ...]`.
pub const REFERENCE_TAG: &str = "!reference";

/// The most levels of `extends:` below a job (GitLab's `MAX_NESTING_LEVELS`).
pub const MAX_EXTENDS_DEPTH: usize = 10;

/// The most levels of `!reference` resolved inside one another (GitLab's limit).
pub const MAX_REFERENCE_DEPTH: usize = 10;

/// Whether a YAML tag, as the parser reports it, is `!reference`.
pub(crate) fn is_reference_tag(handle: &str, suffix: &str) -> bool {
    handle == "!" && suffix == "reference"
}

/// Something that keeps a GitLab CI file from being resolved, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, for people (`` job `build`: `extends` names `.base`, which is not in this file ``).
    pub message: String,
    /// Where, when known.
    pub position: Option<LineCol>,
}

/// What resolving a GitLab CI file gives.
#[derive(Debug, Default)]
pub struct Resolved {
    /// The resolved document; `None` when there was nothing to resolve, or resolving
    /// went over a limit (evaluate the document as it is, with the problems).
    pub document: Option<Document>,
    /// What keeps the file from resolving (cycles, nesting too deep, malformed
    /// values, limits), each once: GitLab rejects such a file.
    pub problems: Vec<Problem>,
    /// Names of parents and references that are not in this file, each once: not
    /// errors, since a file a pipeline includes may use what another file defines
    /// (pol does not follow `include:`); the values they would bring are not there.
    pub unresolved: Vec<Problem>,
}

impl Resolved {
    /// The problems as runtime errors of an evaluation of `doc` (rule `gitlab-ci`, at
    /// their place in the input file), so that the decision fails closed.
    pub fn errors(&self, doc: &Document) -> Vec<EvalError> {
        let file = Name::from(doc.file().unwrap_or("<input>"));
        self.problems
            .iter()
            .map(|p| EvalError {
                rule: Name::from("gitlab-ci"),
                message: p.message.clone(),
                path: None,
                location: p.position.map(|at| InputLocation {
                    file: Some(file.clone()),
                    line: at.line,
                    column: at.column,
                }),
                policy: PolicyLocation {
                    file: file.clone(),
                    line: p.position.map_or(0, |p| p.line),
                    column: p.position.map_or(0, |p| p.column),
                },
            })
            .collect()
    }
}

/// Whether a document has anything to resolve: a mapping at the root with an
/// `extends:` key, or a `!reference` tag. Reads nothing (no placeholder is noted as
/// read) and allocates nothing.
pub fn needs_resolving(doc: &Document) -> bool {
    let root = doc.root();
    (doc.has_tags() && doc.tags.iter().any(|(_, t)| &**t == REFERENCE_TAG))
        || doc
            .peek_entries(root)
            .iter()
            .any(|&(_, job)| doc.peek_key(job, EXTENDS))
}

/// Resolves the `extends:` and `!reference` tags of a GitLab CI file (see the module's
/// documentation), within `limits`.
pub fn resolve(doc: &Document, limits: &LoadLimits) -> Resolved {
    if !needs_resolving(doc) || node_kind(doc, doc.root()) != Some(Kind::Object) {
        return Resolved::default();
    }
    let mut resolver = Resolver::new(doc, limits);
    let roots: Vec<(KeyId, NodeId)> = doc.peek_entries(doc.root()).to_vec();
    for &(key, _) in &roots {
        resolver.extended(key, &mut Vec::new());
    }
    let document = if resolver.over {
        None
    } else {
        emit::emit(&mut resolver, &roots, limits)
    };
    Resolved {
        document,
        problems: resolver.problems,
        unresolved: resolver.unresolved,
    }
}

/// The state of one resolution.
struct Resolver<'d> {
    doc: &'d Document,
    /// The entries at the root, by key.
    roots: HashMap<KeyId, NodeId>,
    extends: Option<KeyId>,
    /// Each root entry after `extends:`, with the levels of `extends:` below it.
    memo: HashMap<KeyId, (Tree, usize)>,
    problems: Vec<Problem>,
    unresolved: Vec<Problem>,
    reported: HashSet<String>,
    /// Entries merged so far, and the most allowed.
    work: usize,
    cap: usize,
    /// Whether merging went over `cap`.
    over: bool,
}

impl<'d> Resolver<'d> {
    fn new(doc: &'d Document, limits: &LoadLimits) -> Resolver<'d> {
        Resolver {
            doc,
            roots: doc.peek_entries(doc.root()).iter().copied().collect(),
            extends: doc.key_id(EXTENDS),
            memo: HashMap::new(),
            problems: Vec::new(),
            unresolved: Vec::new(),
            reported: HashSet::new(),
            work: 0,
            cap: limits.max_alias_nodes,
            over: false,
        }
    }

    /// Reports a problem at `node`, once.
    fn problem(&mut self, node: NodeId, message: String) {
        if self.reported.insert(message.clone()) {
            self.problems.push(Problem {
                message,
                position: self.doc.position(node),
            });
        }
    }

    /// Notes a name that is not in this file, at `node`, once.
    fn not_here(&mut self, node: NodeId, message: String) {
        if self.reported.insert(message.clone()) {
            self.unresolved.push(Problem {
                message,
                position: self.doc.position(node),
            });
        }
    }

    /// The root entry `key` after `extends:` (the value as written when it has none).
    fn root(&self, key: KeyId) -> Option<Tree> {
        match self.memo.get(&key) {
            Some((tree, _)) => Some(tree.clone()),
            None => self.roots.get(&key).map(|&n| Tree::Node(n)),
        }
    }

    /// The root entry `key` after `extends:`, and the levels of `extends:` below it;
    /// `ancestors` are the entries that extend it on the way here (at most
    /// [`MAX_EXTENDS_DEPTH`], which bounds the recursion).
    fn extended(&mut self, key: KeyId, ancestors: &mut Vec<KeyId>) -> Option<(Tree, usize)> {
        if let Some(done) = self.memo.get(&key) {
            return Some(done.clone());
        }
        let node = *self.roots.get(&key)?;
        let own = Tree::Node(node);
        let extends = self.extends.and_then(|k| own.get(self.doc, k));
        let (Some(Tree::Node(extends)), true) = (extends, own.is_object(self.doc)) else {
            self.memo.insert(key, (own.clone(), 0));
            return Some((own, 0));
        };
        let name = self.doc.key_str(key).to_owned();
        let mut merged: Option<Tree> = None;
        let mut height = 0;
        for (target, at) in self.targets(&name, extends) {
            let Some(base) = self.base(&name, key, &target, at, ancestors) else {
                continue;
            };
            height = height.max(base.1 + 1);
            merged = match merged {
                None => Some(base.0),
                Some(m) => self.merge(&m, &base.0),
            };
        }
        if height > MAX_EXTENDS_DEPTH {
            self.problem(
                extends,
                format!("job `{name}`: `extends` nests more than {MAX_EXTENDS_DEPTH} levels deep"),
            );
        }
        let result = match merged {
            Some(m) => self.merge(&m, &own).unwrap_or(own),
            None => own,
        };
        self.memo.insert(key, (result.clone(), height));
        Some((result, height))
    }

    /// The entry `target` that `name` (`key`) extends, resolved in turn; `None`, with a
    /// problem at `at`, when it cannot be.
    fn base(
        &mut self,
        name: &str,
        key: KeyId,
        target: &str,
        at: NodeId,
        ancestors: &mut Vec<KeyId>,
    ) -> Option<(Tree, usize)> {
        let Some((tkey, tnode)) = self
            .doc
            .key_id(target)
            .and_then(|k| Some((k, *self.roots.get(&k)?)))
        else {
            self.not_here(
                at,
                format!("job `{name}`: `extends` names `{target}`, which is not in this file"),
            );
            return None;
        };
        if !Tree::Node(tnode).is_object(self.doc) {
            let message = match node_kind(self.doc, tnode) {
                Some(Kind::Skipped) => format!(
                    "job `{name}`: `{target}`, which it extends, was not loaded (load the document whole)"
                ),
                _ => format!("job `{name}`: `extends` names `{target}`, which is not a mapping"),
            };
            self.problem(at, message);
            return None;
        }
        if tkey == key || ancestors.contains(&tkey) {
            let chain: Vec<&str> = ancestors
                .iter()
                .skip_while(|&&a| a != tkey)
                .chain([&key, &tkey])
                .map(|&k| self.doc.key_str(k))
                .collect();
            let message = format!(
                "job `{name}`: `extends` is circular ({})",
                chain.join(" → ")
            );
            self.problem(at, message);
            return None;
        }
        if ancestors.len() >= MAX_EXTENDS_DEPTH {
            self.problem(
                at,
                format!("job `{name}`: `extends` nests more than {MAX_EXTENDS_DEPTH} levels deep"),
            );
            return None;
        }
        ancestors.push(key);
        let base = self.extended(tkey, ancestors);
        ancestors.pop();
        base
    }

    /// The names an `extends:` value gives, each with its node: a string, or a list of
    /// strings; a problem for anything else.
    fn targets(&mut self, name: &str, extends: NodeId) -> Vec<(String, NodeId)> {
        let doc = self.doc;
        match node_kind(doc, extends) {
            Some(Kind::Str) => doc
                .str_at(extends)
                .map(|s| vec![(s.to_owned(), extends)])
                .unwrap_or_default(),
            Some(Kind::List) => {
                let items = doc.items.get(list_range(doc, extends)).unwrap_or(&[]);
                let names: Option<Vec<_>> = items
                    .iter()
                    .map(|&i| doc.str_at(i).map(|s| (s.to_owned(), i)))
                    .collect();
                names.unwrap_or_else(|| {
                    self.problem(
                        extends,
                        format!("job `{name}`: `extends` must be a job name or a list of them"),
                    );
                    Vec::new()
                })
            }
            Some(Kind::Skipped) => {
                self.problem(
                    extends,
                    format!("job `{name}`: its `extends` was not loaded (load the document whole)"),
                );
                Vec::new()
            }
            _ => {
                self.problem(
                    extends,
                    format!("job `{name}`: `extends` must be a job name or a list of them"),
                );
                Vec::new()
            }
        }
    }

    /// [`deep_merge`] within the budget; `None` (and `over` set) past it.
    fn merge(&mut self, base: &Tree, over: &Tree) -> Option<Tree> {
        if self.over {
            return None;
        }
        let merged = deep_merge(self.doc, base, over, &mut self.work, self.cap);
        if merged.is_none() {
            self.over = true;
            let message = format!(
                "`extends` merges more than the limit of {} values (resource limit)",
                self.cap
            );
            self.problem(self.doc.root(), message);
        }
        merged
    }
}

/// The range of a list node's items in `doc.items` (empty for any other node).
pub(super) fn list_range(doc: &Document, id: NodeId) -> std::ops::Range<usize> {
    match doc.nodes.get(id.0 as usize) {
        Some(n) if n.kind() == Kind::List => n.range(),
        _ => 0..0,
    }
}

#[cfg(test)]
mod tests;
