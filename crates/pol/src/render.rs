//! Rendering decisions for people and machines in every output format
//! (docs/output.md): `pol-core`'s rendering layer, with the rules of a [`Policy`] as
//! output formats describe them (`Rules::from(&policy)`).

pub use pol_core::render::*;

use crate::Policy;

impl From<&Policy> for Rules {
    /// The rules of a compiled policy: names, ids, severities, kinds, `@url`s and doc
    /// comments, as the program carries them (a `.polc` program too).
    fn from(policy: &Policy) -> Rules {
        let rules = policy
            .rules()
            .iter()
            .map(|r| RuleMeta {
                name: r.name.clone(),
                id: r.id.clone(),
                severity: r.severity.clone(),
                deny: matches!(r.kind, pol_bytecode::RuleKind::Deny),
                kinds: r.doc_kinds.clone(),
                url: r.url.clone(),
                docs: r.docs.clone(),
            })
            .collect();
        Rules::new(rules)
    }
}
