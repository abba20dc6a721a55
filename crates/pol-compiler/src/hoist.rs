//! Hoisting loop-invariant conditions: an `if` clause inside a rule's `for` whose
//! condition reads nothing the loops bind, and cannot fail, is computed once before
//! the outermost loop it does not depend on; inside the loop the clause only tests the
//! result. Computing it early is invisible: it reads only values that do not change
//! and raises no error, so even a loop that runs zero times decides the same.

use pol_check::hir::{self, BinaryOp, Callee, Clause, ExprKind, LocalId, UnaryOp};

/// The `if` conditions among `clauses` (the clauses after a `for`, the `for`'s own
/// variables in `bound`) that can be computed before that `for`.
pub fn candidates<'c>(clauses: &'c [Clause], bound: &mut Vec<LocalId>) -> Vec<&'c hir::Expr> {
    let mut out = Vec::new();
    for clause in clauses {
        match clause {
            Clause::For { key, value, .. } => {
                bound.extend(key.iter().copied());
                bound.push(*value);
            }
            Clause::Let { local, .. } => bound.push(*local),
            Clause::If(cond) => {
                if worth_it(cond) && boolean(cond) && !bound.iter().any(|&l| uses(cond, l)) {
                    out.push(cond);
                }
            }
        }
    }
    out
}

/// A bare literal or local is not worth a register of its own.
fn worth_it(e: &hir::Expr) -> bool {
    !matches!(
        e.kind,
        ExprKind::Bool(_) | ExprKind::Null | ExprKind::Local(_)
    )
}

/// True when `e` cannot fail: literals, `input`, locals, and field reads of those.
fn read(e: &hir::Expr) -> bool {
    match &e.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Input
        | ExprKind::Data
        | ExprKind::Local(_) => true,
        ExprKind::Field { recv, .. } => read(recv),
        ExprKind::Index { recv, index } => matches!(index.kind, ExprKind::Str(_)) && read(recv),
        ExprKind::Binary {
            op: BinaryOp::Coalesce,
            lhs,
            rhs,
        } => read(lhs) && read(rhs),
        _ => false,
    }
}

/// True when `e` cannot fail and gives a bool or null.
fn boolean(e: &hir::Expr) -> bool {
    match &e.kind {
        ExprKind::Bool(_) | ExprKind::Null => true,
        ExprKind::Binary {
            op: BinaryOp::Eq | BinaryOp::Ne,
            lhs,
            rhs,
        } => operand(lhs) && operand(rhs),
        ExprKind::Binary {
            op: BinaryOp::In | BinaryOp::NotIn,
            lhs,
            rhs,
        } => {
            operand(lhs)
                && matches!(&rhs.kind, ExprKind::Set(items) | ExprKind::List(items)
                    if items.iter().all(|i| matches!(i.kind, ExprKind::Str(_) | ExprKind::Int(_) | ExprKind::Bool(_) | ExprKind::Null)))
        }
        ExprKind::Binary {
            op: BinaryOp::And | BinaryOp::Or,
            lhs,
            rhs,
        } => boolean(lhs) && boolean(rhs),
        ExprKind::Unary {
            op: UnaryOp::Not,
            expr,
        } => boolean(expr),
        _ => false,
    }
}

/// An operand of `==` or `in`: a read, or `type_of` of one (which never fails).
fn operand(e: &hir::Expr) -> bool {
    match &e.kind {
        ExprKind::Call {
            callee: Callee::Builtin(pol_check::Builtin::TypeOf),
            args,
        } => args.iter().all(read),
        _ => read(e),
    }
}

/// Whether a clause reads `local` (in its collection, condition or value). Locals
/// have one id per binding in a body, so this is a plain search.
pub fn clause_reads(clause: &Clause, local: LocalId) -> bool {
    uses(clause.expr(), local)
}

/// Whether `local` occurs anywhere in `e`.
fn uses(e: &hir::Expr, local: LocalId) -> bool {
    if let ExprKind::Local(id) = e.kind {
        return id == local;
    }
    let mut found = false;
    e.for_each_child(|x| found = found || uses(x, local));
    found
}
