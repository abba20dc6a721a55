//! Decisions: what evaluating a policy set on one input document produces (LANGUAGE.md
//! §9), serialized as pol's JSON output and read back by tests.

use serde::{Deserialize, Serialize};

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
    pub rule: String,
    /// The rule's `@id`, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The rule's severity (`"critical"`, `"high"`, ...).
    pub severity: String,
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
    pub file: Option<String>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// A position in a policy file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PolicyLocation {
    /// The policy file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    #[serde(default)]
    pub column: u32,
}

/// A runtime error: the rule (or let) whose evaluation failed, why, and where in the
/// policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalError {
    /// `package.rule`, or `package.let` for a let.
    pub rule: String,
    /// What went wrong.
    pub message: String,
    /// The expression that failed. Optional when read back.
    #[serde(default)]
    pub policy: PolicyLocation,
}
