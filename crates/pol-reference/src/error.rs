//! How a runtime error travels: `Stop` ends the current path, carrying the error until
//! a rule or a let records it.
//!
//! Messages follow one scheme, so that the VM can give the same ones:
//! - type errors: ``"`OP` expects WHAT, found KIND"`` (`` `+` expects two numbers, two
//!   strings or two lists, found a string and an int ``), and `"cannot iterate over
//!   KIND"`;
//! - `"integer overflow in `OP`"`, `"division by zero"`;
//! - invalid builtin arguments: ``"`BUILTIN`: ..."``;
//! - `"step limit of N exceeded"`, `"size limit of N exceeded"`.
//!
//! Positions: an operator, a call, `if ... then ... else`, a quantifier, a list, set or
//! object (and its comprehension) fails at its own span; iterating fails at the span of
//! the collection expression; a clause (`if`, `message`) at its expression's span.

use pol_diagnostics::Span;

/// A runtime error that has not been recorded yet.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    /// What went wrong.
    pub(crate) message: String,
    /// The expression that failed.
    pub(crate) span: Span,
}

/// Why the current path stopped.
#[derive(Debug, Clone)]
pub(crate) enum Stop {
    /// A new error, to be recorded by the rule or let that evaluated it.
    Error(Failure),
    /// A use of a let that failed; its error is already recorded.
    Recorded,
}

/// The result of evaluating something that may stop the path.
pub(crate) type Eval<T> = Result<T, Stop>;

/// A new error at `span`.
pub(crate) fn fail(span: Span, message: impl Into<String>) -> Stop {
    Stop::Error(Failure {
        message: message.into(),
        span,
    })
}
