//! Decisions: what evaluating a policy set on one input document produces (LANGUAGE.md
//! §9), serialized as pol's JSON output and read back by tests.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The outcome of evaluating a policy set on one input document.
///
/// In JSON: `{"allowed": .., "violations": [..], "warnings": [..], "errors": [..]}`.
/// When read back (expected decisions in tests), missing lists are empty.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// `true` when there are neither violations nor errors (pol fails closed).
    pub allowed: bool,
    /// Findings of rules whose severity denies.
    #[serde(default)]
    pub violations: Vec<Finding>,
    /// Findings of rules whose severity only warns.
    #[serde(default)]
    pub warnings: Vec<Finding>,
    /// Runtime errors, each reported once.
    #[serde(default)]
    pub errors: Vec<EvalError>,
}

impl Decision {
    /// An empty decision that allows.
    pub fn new() -> Decision {
        Decision {
            allowed: true,
            violations: Vec::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Sets `allowed`: no violations and no errors.
    pub fn finish(&mut self) {
        self.allowed = self.violations.is_empty() && self.errors.is_empty();
    }
}

impl Default for Decision {
    /// The same as [`Decision::new`].
    fn default() -> Decision {
        Decision::new()
    }
}

/// One finding: a rule's message about one place of the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule, `package.rule`.
    pub rule: Name,
    /// The rule's `@id`, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Name>,
    /// The rule's severity (`"critical"`, `"high"`, ...).
    pub severity: Name,
    /// The message.
    pub message: String,
    /// The path of the input node the finding is about (`""` for the root).
    pub path: String,
    /// Where that node is in the input file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<InputLocation>,
    /// Where the rule is in the policy. Optional when read back.
    #[serde(default)]
    pub policy: PolicyLocation,
}

/// A position in an input file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InputLocation {
    /// The display name of the file, if the input came with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Name>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// A position in a policy file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PolicyLocation {
    /// The policy file.
    pub file: Name,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    #[serde(default)]
    pub column: u32,
}

/// A runtime error: the rule (or let) whose evaluation failed, why, where in the
/// policy, and the value of the input document that made it fail, when one did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalError {
    /// `package.rule`, or `package.let` for a let.
    pub rule: Name,
    /// What went wrong.
    pub message: String,
    /// The path of the input value the failing operation was given (`""` for the
    /// root), when it was a value of the document (not one the policy computed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where that value is in the input file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<InputLocation>,
    /// The expression that failed. Optional when read back.
    #[serde(default)]
    pub policy: PolicyLocation,
}

impl EvalError {
    /// An error of `rule` at `policy`, about no input value.
    pub fn new(rule: Name, message: String, policy: PolicyLocation) -> EvalError {
        EvalError {
            rule,
            message,
            path: None,
            location: None,
            policy,
        }
    }
}

/// Text that many findings share — a rule's name, id and severity, a file name —
/// held by reference count, so that a finding costs no copy of it. Reads as a `&str`
/// (`Deref`), compares with strings, and is a plain string in JSON.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<str>);

impl Name {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name(Arc::from(text))
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name(Arc::from(text))
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.0.as_ref().to_owned()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == &*other.0
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Name, D::Error> {
        String::deserialize(deserializer).map(Name::from)
    }
}
