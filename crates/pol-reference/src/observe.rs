//! Watching rules run ([`Observer`]): what each clause of each rule did on each path,
//! with the values involved. `pol explain` and `pol test --coverage` are built on it.
//! An evaluation without an observer does none of this work.

use crate::show::show;
use crate::value::{Value, kind};
use pol_diagnostics::Span;
use pol_facts::Document;

/// Receives the events of an observed evaluation ([`crate::evaluate_observed`]).
///
/// Rules run their clauses as nested loops, depth first: an event at clause `i`
/// replaces whatever the path held at clauses `i` and after, so an observer can keep
/// the current path as a stack. Clause numbers index [`RuleDef::clauses`]; the number
/// `clauses.len()` stands for the `message` (and `at`) clause.
///
/// [`RuleDef::clauses`]: pol_check::hir::RuleDef::clauses
pub trait Observer {
    /// True when `if` events should carry the values of the condition's operands
    /// (they are evaluated a second time, outside the step budget's count).
    fn wants_operands(&self) -> bool {
        false
    }

    /// Rule `rule` (an index into `Program::rules`) starts to run.
    fn rule(&mut self, rule: usize);

    /// Something happened at a clause of the running rule.
    fn event(&mut self, event: Event<'_>);
}

/// What happened at a clause (see [`Observer`]).
#[derive(Debug, Clone, Copy)]
pub enum Event<'e> {
    /// A `for` clause evaluated its collection, which has `items` items (0: the loop
    /// does not run; `null` iterates over nothing).
    For {
        /// The clause.
        clause: usize,
        /// The collection.
        collection: ValueRef<'e>,
        /// How many iterations follow.
        items: usize,
    },
    /// One iteration of a `for` clause begins, with these bindings.
    Item {
        /// The clause.
        clause: usize,
        /// The key or index, when the clause binds one.
        key: Option<ValueRef<'e>>,
        /// The element or value.
        value: ValueRef<'e>,
    },
    /// A `let` clause bound its local.
    Let {
        /// The clause.
        clause: usize,
        /// The value.
        value: ValueRef<'e>,
    },
    /// An `if` clause was decided.
    If {
        /// The clause.
        clause: usize,
        /// True when the condition was `true` (the path goes on).
        held: bool,
        /// The condition's value (`true`, `false` or `null`).
        value: ValueRef<'e>,
        /// The parts of the condition that decided, with their values (empty unless
        /// [`Observer::wants_operands`]).
        operands: &'e [Operand<'e>],
    },
    /// The path reached `message`: a finding.
    Finding {
        /// The message.
        message: &'e str,
        /// The input path of the finding.
        path: &'e str,
        /// False when an equal finding (same message and path) was reported before.
        new: bool,
    },
    /// A runtime error dropped the path at this clause.
    Error {
        /// The clause.
        clause: usize,
        /// The error's message.
        message: &'e str,
    },
}

/// A part of a condition and its value (see [`Event::If`]).
#[derive(Debug, Clone, Copy)]
pub struct Operand<'e> {
    /// The expression as written in the policy.
    pub text: &'e str,
    /// Where it is written.
    pub span: Span,
    /// Its value; `None` when it could not be computed again.
    pub value: Option<ValueRef<'e>>,
}

/// A value of the running policy, seen from outside the evaluator.
#[derive(Clone, Copy)]
pub struct ValueRef<'e> {
    doc: &'e Document,
    value: &'e Value,
}

impl std::fmt::Debug for ValueRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.show(80))
    }
}

impl<'e> ValueRef<'e> {
    pub(crate) fn new(doc: &'e Document, value: &'e Value) -> ValueRef<'e> {
        ValueRef { doc, value }
    }

    /// The value as JSON-like text (sets as `{a, b}`), cut with `…` past about
    /// `max_chars` characters; the work is bounded by `max_chars`.
    pub fn show(&self, max_chars: usize) -> String {
        show(self.doc, self.value, max_chars)
    }

    /// The input path of a value read from the input document (`""` for the root);
    /// `None` for a value the policy computed.
    pub fn path(&self) -> Option<String> {
        match self.value {
            Value::Node(id) => Some(self.doc.path(*id)),
            _ => None,
        }
    }

    /// The kind of the value, as `type_of` names it.
    pub fn kind(&self) -> &'static str {
        kind(self.doc, self.value).name()
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        self.kind() == "null"
    }
}
