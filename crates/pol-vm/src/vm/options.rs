//! Options: `@option` lets whose value the user sets (`pol.toml`, the embedder), in
//! place of the default the policy writes.

use super::{Evaluator, LetState};
use crate::value::Value;

/// Why an option could not be set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionError {
    /// No `@option` let of that name (`package.name`, or the name alone when only one
    /// package has it).
    Unknown(String),
    /// The value is not of the option's kind.
    Kind {
        /// The option.
        name: String,
        /// What it takes.
        expected: &'static str,
    },
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionError::Unknown(name) => write!(f, "the policy has no option `{name}`"),
            OptionError::Kind { name, expected } => {
                write!(f, "the option `{name}` takes {expected}")
            }
        }
    }
}

impl std::error::Error for OptionError {}

impl Evaluator<'_> {
    /// Sets the option `name` (an `@option` let) to `value` for every later
    /// evaluation, in place of its default. The value must be of the default's kind:
    /// a string, an int, a bool, or a list of strings for a list or set.
    pub fn set_option(&mut self, name: &str, value: &serde_json::Value) -> Result<(), OptionError> {
        let code = &self.program.code;
        let index = code
            .find_let(name)
            .filter(|&i| code.lets.get(i).is_some_and(|l| l.option.is_some()))
            .ok_or_else(|| OptionError::Unknown(name.to_owned()))?;
        let (full, kind) = code
            .lets
            .get(index)
            .map(|l| (l.name.clone(), l.option.unwrap_or(0)))
            .unwrap_or_default();
        let wrong = |expected| OptionError::Kind {
            name: full.clone(),
            expected,
        };
        let strings = |items: &Vec<serde_json::Value>| -> Option<Vec<Value>> {
            items.iter().map(|v| v.as_str().map(Value::str)).collect()
        };
        let v = match (kind, value) {
            (1, serde_json::Value::Bool(b)) => Value::Bool(*b),
            (1, _) => return Err(wrong("a bool")),
            (2, serde_json::Value::Number(n)) if n.is_i64() => Value::Int(n.as_i64().unwrap_or(0)),
            (2, _) => return Err(wrong("an int")),
            (4, serde_json::Value::String(s)) => Value::str(s),
            (4, _) => return Err(wrong("a string")),
            (5, serde_json::Value::Array(items)) => {
                Value::list(strings(items).ok_or_else(|| wrong("a list of strings"))?)
            }
            (6, serde_json::Value::Array(items)) => {
                let items = strings(items).ok_or_else(|| wrong("a list of strings"))?;
                // Strings only: any document orders them.
                let doc = pol_facts::load("null", pol_facts::Format::Json, None)
                    .ok()
                    .and_then(|mut d| d.pop());
                match doc {
                    Some(doc) => Value::set_of_normalized(crate::value::normalize_set(
                        items,
                        &doc,
                        &crate::meter::Meter::unlimited(),
                    )),
                    None => return Err(wrong("a list of strings")),
                }
            }
            _ => return Err(wrong("a list of strings")),
        };
        if self.state.options.len() < code.lets.len() {
            self.state.options.resize(code.lets.len(), None);
        }
        if let Some(slot) = self.state.options.get_mut(index) {
            *slot = Some(v);
        }
        // Computed with the default before: computed again.
        if let Some(state) = self.state.lets.get_mut(index) {
            *state = LetState::Pending;
        }
        Ok(())
    }

    /// The options set, applied when an evaluation starts (see `reset`).
    pub(super) fn apply_options(&mut self) {
        for (state, option) in self.state.lets.iter_mut().zip(&self.state.options) {
            if let Some(v) = option {
                *state = LetState::Done(v.clone());
            }
        }
    }
}
