//! Constant folding and propagation: an expression whose operands are known when
//! compiling is replaced by its value, where the result is certain to be what the VM
//! would compute — and nothing is folded that could raise an error (an overflow, a
//! type error): those stay for the VM to report at run time.
//!
//! Propagation: a top-level let whose value folds (`let limit = 3`) is that constant
//! wherever it is read.
//!
//! Folding never makes a string longer than [`MAX_FOLDED_LEN`]: a longer one is left
//! for the VM to build, under the limits of the evaluation (so `len(big + big)` is the
//! VM's answer or its error, whatever the limits, and a small policy cannot compile to
//! a huge `.polc`).

use crate::Compiler;
use pol_check::hir::{self, BinaryOp, ExprKind, UnaryOp};

/// The longest string folding makes (bytes).
pub const MAX_FOLDED_LEN: usize = 4096;

/// A value known when compiling.
#[derive(Debug, Clone, PartialEq)]
pub enum Known {
    /// `null`
    Null,
    /// A bool.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A string.
    Str(String),
}

impl Compiler<'_> {
    /// The value of `e` if it is known when compiling.
    pub(crate) fn fold(&self, e: &hir::Expr) -> Option<Known> {
        self.fold_depth(e, 0)
    }

    fn fold_depth(&self, e: &hir::Expr, depth: usize) -> Option<Known> {
        if depth > 32 {
            return None;
        }
        let fold = |x: &hir::Expr| self.fold_depth(x, depth + 1);
        Some(match &e.kind {
            ExprKind::Null => Known::Null,
            ExprKind::Bool(b) => Known::Bool(*b),
            ExprKind::Int(n) => Known::Int(*n),
            ExprKind::Str(s) => Known::Str(s.clone()),
            ExprKind::Let(id) => {
                if let Some(known) = self.folded_lets.borrow().get(id) {
                    return known.clone();
                }
                let def = self.hir.let_def(*id)?;
                // An option's value is the user's: never known when compiling.
                if def.option {
                    return None;
                }
                let known = fold(&def.value);
                // Only a complete answer is kept: one cut short by the depth limit
                // may differ from the let's own, folded at depth 0.
                if depth == 0 || known.is_some() {
                    self.folded_lets.borrow_mut().insert(*id, known.clone());
                }
                known?
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                expr,
            } => match fold(expr)? {
                Known::Bool(b) => Known::Bool(!b),
                Known::Null => Known::Null,
                _ => return None,
            },
            ExprKind::Unary {
                op: UnaryOp::Neg,
                expr,
            } => match fold(expr)? {
                Known::Int(n) => Known::Int(n.checked_neg()?),
                Known::Null => Known::Null,
                _ => return None,
            },
            ExprKind::If { cond, then, els } => match fold(cond)? {
                Known::Bool(true) => fold(then)?,
                Known::Bool(false) | Known::Null => fold(els)?,
                _ => return None,
            },
            ExprKind::Binary {
                op: op @ (BinaryOp::Eq | BinaryOp::Ne),
                lhs,
                rhs,
            } if let Some(holds) = self.typed_kind_test(lhs, rhs) => {
                Known::Bool(holds == (*op == BinaryOp::Eq))
            }
            ExprKind::Binary { op, lhs, rhs } => binary(*op, fold(lhs)?, fold(rhs)?)?,
            _ => return None,
        })
    }
}

impl Compiler<'_> {
    /// `type_of(x) == "kind"`, `x == null` (either way round) whose answer the kinds
    /// the checker proved for `x` decide (typed.rs).
    fn typed_kind_test(&self, lhs: &hir::Expr, rhs: &hir::Expr) -> Option<bool> {
        let (x, bits) = crate::expr::kind_test(lhs, rhs)?;
        self.known_kind_test(x, hir::Kinds(bits))
    }
}

/// `a op b` on known values, when the result is certain and not an error.
fn binary(op: BinaryOp, a: Known, b: Known) -> Option<Known> {
    use Known::{Bool, Int, Null, Str};
    Some(match (op, a, b) {
        (BinaryOp::Eq, a, b) => Bool(a == b),
        (BinaryOp::Ne, a, b) => Bool(a != b),
        (BinaryOp::Coalesce, Null, b) => b,
        (BinaryOp::Coalesce, a, _) => a,
        (BinaryOp::And, Bool(false), Bool(_) | Null)
        | (BinaryOp::And, Bool(_) | Null, Bool(false)) => Bool(false),
        (BinaryOp::And, Bool(true), Bool(true)) => Bool(true),
        (BinaryOp::And, Bool(_) | Null, Bool(_) | Null) => Null,
        (BinaryOp::Or, Bool(true), Bool(_) | Null) | (BinaryOp::Or, Bool(_) | Null, Bool(true)) => {
            Bool(true)
        }
        (BinaryOp::Or, Bool(false), Bool(false)) => Bool(false),
        (BinaryOp::Or, Bool(_) | Null, Bool(_) | Null) => Null,
        // Arithmetic and ordering with a null operand give null (docs/evaluation.md).
        (
            BinaryOp::Add
            | BinaryOp::Sub
            | BinaryOp::Mul
            | BinaryOp::Rem
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge,
            Null,
            Int(_) | Null,
        )
        | (
            BinaryOp::Add
            | BinaryOp::Sub
            | BinaryOp::Mul
            | BinaryOp::Rem
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge,
            Int(_),
            Null,
        ) => Null,
        (BinaryOp::Add, Int(x), Int(y)) => Int(x.checked_add(y)?),
        (BinaryOp::Sub, Int(x), Int(y)) => Int(x.checked_sub(y)?),
        (BinaryOp::Mul, Int(x), Int(y)) => Int(x.checked_mul(y)?),
        (BinaryOp::Rem, Int(x), Int(y)) if y != 0 => Int(x.wrapping_rem(y)),
        (BinaryOp::Add, Str(x), Str(y)) if x.len() + y.len() <= MAX_FOLDED_LEN => Str(x + &y),
        (BinaryOp::Lt, Int(x), Int(y)) => Bool(x < y),
        (BinaryOp::Le, Int(x), Int(y)) => Bool(x <= y),
        (BinaryOp::Gt, Int(x), Int(y)) => Bool(x > y),
        (BinaryOp::Ge, Int(x), Int(y)) => Bool(x >= y),
        (BinaryOp::Lt, Str(x), Str(y)) => Bool(x < y),
        (BinaryOp::Le, Str(x), Str(y)) => Bool(x <= y),
        (BinaryOp::Gt, Str(x), Str(y)) => Bool(x > y),
        (BinaryOp::Ge, Str(x), Str(y)) => Bool(x >= y),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_only_what_cannot_fail() {
        assert_eq!(
            binary(BinaryOp::Add, Known::Int(2), Known::Int(3)),
            Some(Known::Int(5))
        );
        assert_eq!(
            binary(BinaryOp::Add, Known::Int(i64::MAX), Known::Int(1)),
            None,
            "overflow is left to the VM"
        );
        assert_eq!(
            binary(BinaryOp::Rem, Known::Int(1), Known::Int(0)),
            None,
            "division by zero is left to the VM"
        );
        assert_eq!(
            binary(BinaryOp::Add, Known::Str("a".into()), Known::Int(1)),
            None,
            "type errors are left to the VM"
        );
        assert_eq!(
            binary(BinaryOp::And, Known::Null, Known::Bool(false)),
            Some(Known::Bool(false))
        );
        assert_eq!(
            binary(BinaryOp::Or, Known::Null, Known::Bool(false)),
            Some(Known::Null)
        );
        assert_eq!(
            binary(BinaryOp::And, Known::Int(1), Known::Bool(true)),
            None,
            "`and` on an int is a type error"
        );
        assert_eq!(
            binary(BinaryOp::Eq, Known::Str("1".into()), Known::Int(1)),
            Some(Known::Bool(false))
        );
        assert_eq!(
            binary(BinaryOp::Lt, Known::Null, Known::Int(1)),
            Some(Known::Null)
        );
        assert_eq!(
            binary(BinaryOp::Coalesce, Known::Null, Known::Str("x".into())),
            Some(Known::Str("x".into()))
        );
    }
}
