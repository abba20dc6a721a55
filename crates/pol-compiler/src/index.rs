//! Rule indexing: a rule whose first clause starts with a test of an input path
//! against string constants (`input.kind == "Deployment"`, `input.kind in {"Pod",
//! "Job"}`, `input.image.starts_with("docker.io/")`) gets a [`Guard`]; the VM reads each
//! guarded path once per document and runs only the rules whose guard can pass.
//!
//! Skipping a rule is only right when it would produce nothing at all — no finding and
//! no error. So the test must be the very first thing the rule evaluates: the first
//! clause, or the left end of an `and` chain in it (`and` stops at `false`).

use crate::tables::Tables;
use pol_bytecode::{Guard, GuardTest};
use pol_check::builtins::Builtin;
use pol_check::hir::{self, BinaryOp, Callee, Clause, ExprKind};

/// The guard of a rule, if its first clause starts with one.
pub fn guard(rule: &hir::RuleDef, tables: &mut Tables) -> Option<Guard> {
    let Some(Clause::If(cond)) = rule.clauses.first() else {
        return None;
    };
    let (path, test) = test_of(leftmost(cond))?;
    let path = path.into_iter().map(|name| tables.symbol(name)).collect();
    Some(Guard { path, test })
}

/// The first operand an `and` chain evaluates.
fn leftmost(e: &hir::Expr) -> &hir::Expr {
    match &e.kind {
        ExprKind::Binary {
            op: BinaryOp::And,
            lhs,
            ..
        } => leftmost(lhs),
        _ => e,
    }
}

/// `input.a.b` as `[a, b]`.
fn input_path(e: &hir::Expr) -> Option<Vec<&str>> {
    match &e.kind {
        ExprKind::Input => Some(Vec::new()),
        ExprKind::Field { recv, name } => {
            let mut path = input_path(recv)?;
            path.push(name);
            Some(path)
        }
        ExprKind::Index { recv, index } => match &index.kind {
            ExprKind::Str(name) => {
                let mut path = input_path(recv)?;
                path.push(name);
                Some(path)
            }
            _ => None,
        },
        _ => None,
    }
}

fn strings(items: &[hir::Expr]) -> Option<Vec<String>> {
    items
        .iter()
        .map(|i| match &i.kind {
            ExprKind::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn test_of(e: &hir::Expr) -> Option<(Vec<&str>, GuardTest)> {
    match &e.kind {
        ExprKind::Binary {
            op: BinaryOp::Eq,
            lhs,
            rhs,
        } => {
            let (path, value) = match (&lhs.kind, &rhs.kind) {
                (_, ExprKind::Str(s)) => (input_path(lhs)?, s),
                (ExprKind::Str(s), _) => (input_path(rhs)?, s),
                _ => return None,
            };
            Some((path, GuardTest::OneOf(vec![value.clone()])))
        }
        ExprKind::Binary {
            op: BinaryOp::In,
            lhs,
            rhs,
        } => {
            let values = match &rhs.kind {
                ExprKind::Set(items) | ExprKind::List(items) => strings(items)?,
                _ => return None,
            };
            Some((input_path(lhs)?, GuardTest::OneOf(values)))
        }
        ExprKind::Call {
            callee: Callee::Builtin(Builtin::StartsWith),
            args,
        } => match args.as_slice() {
            [subject, prefix] => match &prefix.kind {
                ExprKind::Str(p) => Some((input_path(subject)?, GuardTest::Prefix(p.clone()))),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}
