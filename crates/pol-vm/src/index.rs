//! Rule indexing at run time: each guarded path of the input is read once per
//! document, and only the rules whose guard can pass run (with every unguarded rule),
//! in their source order.

use pol_bytecode::{GuardTest, Program, SymId};
use pol_facts::{Document, KeyId, NodeId, NodeRef};
use rustc_hash::FxHashMap as HashMap;

/// The guards of a program, grouped by path.
#[derive(Debug, Clone, Default)]
pub struct RuleIndex {
    /// Rules without a guard.
    unguarded: Vec<u32>,
    /// One entry per distinct guarded path.
    paths: Vec<PathIndex>,
    /// True when no rule has a guard: every rule runs, in order.
    trivial: bool,
}

#[derive(Debug, Clone)]
struct PathIndex {
    path: Vec<SymId>,
    /// Rules by the exact string the path must hold.
    exact: HashMap<String, Vec<u32>>,
    /// Rules by the prefix the string must start with.
    prefixes: Vec<(String, u32)>,
}

impl RuleIndex {
    /// Groups the guards of `program`.
    pub fn new(program: &Program) -> RuleIndex {
        let mut index = RuleIndex::default();
        for (i, rule) in program.rules.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let Some(guard) = &rule.guard else {
                index.unguarded.push(i);
                continue;
            };
            let at = match index.paths.iter().position(|p| p.path == guard.path) {
                Some(at) => at,
                None => {
                    index.paths.push(PathIndex {
                        path: guard.path.clone(),
                        exact: HashMap::default(),
                        prefixes: Vec::new(),
                    });
                    index.paths.len() - 1
                }
            };
            let Some(entry) = index.paths.get_mut(at) else {
                continue;
            };
            match &guard.test {
                GuardTest::OneOf(values) => {
                    for v in values {
                        let rules = entry.exact.entry(v.clone()).or_default();
                        if rules.last() != Some(&i) {
                            rules.push(i);
                        }
                    }
                }
                GuardTest::Prefix(p) => entry.prefixes.push((p.clone(), i)),
            }
        }
        index.trivial = index.paths.is_empty();
        index
    }

    /// True when every rule runs on every document.
    pub fn is_trivial(&self) -> bool {
        self.trivial
    }

    /// Fills `out` with the rules to run on `doc`, in source order. `keys` maps the
    /// program's symbols to the document's keys.
    pub fn select(
        &self,
        doc: &Document,
        keys: &mut dyn FnMut(SymId) -> Option<KeyId>,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        out.extend_from_slice(&self.unguarded);
        for p in &self.paths {
            match read(doc, keys, &p.path) {
                Some(NodeRef::Str(s)) => {
                    if let Some(rules) = p.exact.get(s) {
                        out.extend_from_slice(rules);
                    }
                    out.extend(
                        p.prefixes
                            .iter()
                            .filter(|(prefix, _)| s.starts_with(prefix.as_str()))
                            .map(|(_, r)| *r),
                    );
                }
                // `starts_with` on something else than a string (or null) is a type
                // error the rule must report; `==` and `in` are simply false.
                Some(NodeRef::Null) | None => {}
                Some(_) => out.extend(p.prefixes.iter().map(|(_, r)| *r)),
            }
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// The node at `path` from the root, if there is one.
fn read<'d>(
    doc: &'d Document,
    keys: &mut dyn FnMut(SymId) -> Option<KeyId>,
    path: &[SymId],
) -> Option<NodeRef<'d>> {
    let mut node: NodeId = doc.root();
    for sym in path {
        node = doc.object_get(node, keys(*sym)?)?;
    }
    Some(doc.get(node))
}
