//! Types in the compiler: where the type checker proved which kinds an operand has on
//! every document (`hir::KindTable`, inferred with `input` and declared parameter
//! types taken as `any`, since documents are not checked against them at run time),
//! the code leaves out the run-time type dispatch the general instructions do:
//!
//! - a kind test of a read (`type_of(x) == "string"`, `x == null`, `x != null`) whose
//!   answer the kinds decide is a constant;
//! - `a ?? b` with `a` never null is `a`;
//! - `a and b` / `a or b` with `a` a bool that is never null, and `b` a bool or null,
//!   is a branch and a move: the three-valued `binary and`/`or` is not run;
//! - in `if a and b ...` a condition operand that is a bool and never null needs no
//!   closing null check (rules.rs).
//!
//! All of it is part of the optimizer: `-O0` compiles as if nothing were known.

use crate::Compiler;
use pol_check::hir::{self, BinaryOp, ExprKind, Kinds};

impl Compiler<'_> {
    /// The kinds `e` has on every document, when the optimizer is on and the checker
    /// proved some (an empty set, for code that cannot run, counts as unknown).
    pub(crate) fn kinds(&self, e: &hir::Expr) -> Option<Kinds> {
        if !self.optimize {
            return None;
        }
        self.hir.kinds.of(e).filter(|k| *k != Kinds::NONE)
    }

    /// `e` is a bool on every document: never null, never another kind (`==` and
    /// `!=` always are, whatever the checker recorded).
    pub(crate) fn always_bool(&self, e: &hir::Expr) -> bool {
        let equality = matches!(
            e.kind,
            ExprKind::Binary {
                op: BinaryOp::Eq | BinaryOp::Ne,
                ..
            }
        );
        (self.optimize && equality) || self.kinds(e).is_some_and(|k| k.only(Kinds::BOOL))
    }

    /// `e` is never null.
    pub(crate) fn never_null(&self, e: &hir::Expr) -> bool {
        self.kinds(e).is_some_and(|k| !k.has(Kinds::NULL))
    }

    /// The answer of `type_of(x)` being one of `kinds`, when `x`'s kinds decide it and
    /// evaluating `x` cannot fail (it is a read), so that leaving it out changes
    /// nothing.
    pub(crate) fn known_kind_test(&self, x: &hir::Expr, kinds: Kinds) -> Option<bool> {
        if !is_read(x) {
            return None;
        }
        let have = self.kinds(x)?;
        if have.only(kinds) {
            Some(true)
        } else if !have.has(kinds) {
            Some(false)
        } else {
            None
        }
    }
}

/// A read that cannot fail: a local, `input`, and fields or literal indexes of reads
/// (a missing field, an index out of range or a read of a non-collection is null).
fn is_read(e: &hir::Expr) -> bool {
    match &e.kind {
        ExprKind::Local(_) | ExprKind::Input | ExprKind::Data => true,
        ExprKind::Field { recv, .. } => is_read(recv),
        ExprKind::Index { recv, index } => {
            matches!(index.kind, ExprKind::Str(_) | ExprKind::Int(_)) && is_read(recv)
        }
        _ => false,
    }
}
