//! The rules of a policy as output formats describe them: name, id, severity, kind,
//! help URL and docs, all carried by the compiled program (`Policy::rules`; the facade
//! makes [`Rules`] from a policy).

use std::collections::HashMap;

/// One rule, as output formats describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMeta {
    /// The qualified name (`pack.github.unpinned_action`).
    pub name: String,
    /// `@id`, if any.
    pub id: Option<String>,
    /// `@severity` (its default when not written).
    pub severity: String,
    /// `true` for a `deny` rule, `false` for a `warn` rule.
    pub deny: bool,
    /// The kinds of document it runs on (empty: every document).
    pub kinds: Vec<String>,
    /// `@url`, when the rule has one.
    pub url: Option<String>,
    /// The doc comment, when known.
    pub docs: Option<String>,
}

impl RuleMeta {
    /// The id when it has one, else the name: how SARIF and the CI formats name it.
    pub fn key(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.name)
    }

    /// The first sentence of the docs, on one line (the name when there are none).
    pub fn summary(&self) -> String {
        let sentence = self.docs.as_deref().map(first_sentence).unwrap_or_default();
        if sentence.is_empty() {
            self.name.clone()
        } else {
            sentence
        }
    }
}

/// The rules of a policy, in program order, found by name.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    rules: Vec<RuleMeta>,
    by_name: HashMap<String, usize>,
}

impl Rules {
    /// A table of these rules.
    pub fn new(rules: Vec<RuleMeta>) -> Rules {
        let by_name = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.clone(), i))
            .collect();
        Rules { rules, by_name }
    }

    /// The rule named `name` (qualified), if the policy has it.
    pub fn get(&self, name: &str) -> Option<&RuleMeta> {
        self.by_name.get(name).and_then(|&i| self.rules.get(i))
    }

    /// Its index in [`Rules::iter`]'s order.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Every rule, in program order.
    pub fn iter(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.iter()
    }

    /// How many rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// The first sentence of a doc comment's first paragraph, on one line, without its
/// final `.`: a sentence ends at `. ` before a capital (not inside `${{ ... }}`).
pub fn first_sentence(docs: &str) -> String {
    let paragraph = docs.split("\n\n").next().unwrap_or("");
    let text = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = text
        .match_indices(". ")
        .find(|(i, _)| {
            text.get(i + 2..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(char::is_uppercase)
        })
        .map_or(text.len(), |(i, _)| i);
    text.get(..end)
        .unwrap_or(&text)
        .trim_end_matches('.')
        .to_owned()
}
