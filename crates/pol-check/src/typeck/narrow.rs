//! Narrowing: what a condition tells about the value of a path in the code it guards.
//! `if type_of(x) == "list" then x[0] else x` reads `x` as a list in the first branch;
//! `if x != null` makes `x` non-null in the clauses that follow.
//!
//! A path is a local or `input` followed by field reads (`input.on`, `job.steps`).

use super::ty::{Ty, Types, union_all};
use crate::builtins::Builtin;
use crate::hir::{BinaryOp, Callee, Expr, ExprKind, UnaryOp};
use std::collections::HashMap;

/// The narrowed types of paths in the code that conditions guard: a stack, the facts
/// of the latest condition on top, indexed by path so that reading a path does not
/// scan every condition before it (a rule may have thousands).
#[derive(Default)]
pub struct Facts {
    stack: Vec<(String, Ty)>,
    /// For each path with facts, their positions in `stack`, in order.
    by_path: HashMap<String, Vec<usize>>,
}

impl Facts {
    /// The narrowed type of a path, if a condition gave one (the latest wins).
    pub fn get(&self, path: &str) -> Option<&Ty> {
        let at = *self.by_path.get(path)?.last()?;
        self.stack.get(at).map(|(_, ty)| ty)
    }

    /// Adds facts on top.
    pub fn extend(&mut self, facts: Vec<(String, Ty)>) {
        for (path, ty) in facts {
            self.by_path
                .entry(path.clone())
                .or_default()
                .push(self.stack.len());
            self.stack.push((path, ty));
        }
    }

    /// A mark to `truncate` to: the facts added after it are dropped.
    pub fn mark(&self) -> usize {
        self.stack.len()
    }

    /// Drops the facts added since `mark`.
    pub fn truncate(&mut self, mark: usize) {
        while self.stack.len() > mark {
            let Some((path, _)) = self.stack.pop() else {
                break;
            };
            if let Some(at) = self.by_path.get_mut(&path) {
                at.pop();
                if at.is_empty() {
                    self.by_path.remove(&path);
                }
            }
        }
    }
}

/// The key of a path expression, if `e` is one.
pub fn path(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Local(id) => Some(format!("${}", id.index())),
        ExprKind::Input => Some("input".to_owned()),
        ExprKind::Data => Some("data".to_owned()),
        ExprKind::Field { recv, name } => Some(format!("{}.{name}", path(recv)?)),
        ExprKind::Index { recv, index } => match &index.kind {
            ExprKind::Str(name) => Some(format!("{}.{name}", path(recv)?)),
            _ => None,
        },
        _ => None,
    }
}

/// What the members of a type are, by the name `type_of` gives their kind.
fn kind_of(member: &Ty) -> &'static str {
    match member {
        Ty::Null => "null",
        Ty::Bool => "bool",
        Ty::Int => "int",
        Ty::Float => "float",
        Ty::Str => "string",
        Ty::List(_) => "list",
        Ty::Set(_) => "set",
        Ty::Map(_) | Ty::Record(_) => "object",
        _ => "any",
    }
}

/// The most general type of a kind, for narrowing `any`.
fn general(kind: &str) -> Option<Ty> {
    Some(match kind {
        "null" => Ty::Null,
        "bool" => Ty::Bool,
        "int" => Ty::Int,
        "float" => Ty::Float,
        "string" => Ty::Str,
        "list" => Ty::list(Ty::Any),
        "set" => Ty::set(Ty::Any),
        "object" => Ty::map(Ty::Any),
        _ => return None,
    })
}

/// `ty` restricted to (or, when `keep` is false, without) the members of kind `kind`.
fn by_kind(types: &Types<'_>, ty: &Ty, kind: &str, keep: bool) -> Ty {
    let members = types.members(ty);
    if members.contains(&Ty::Any) {
        return if keep {
            general(kind).unwrap_or(Ty::Any)
        } else {
            Ty::Any
        };
    }
    union_all(members.into_iter().filter(|m| (kind_of(m) == kind) == keep))
}

fn string_literal(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Str(s) => Some(s),
        _ => None,
    }
}

/// The facts `cond` establishes when it is `true` (`positive`) or not `true`.
/// `type_of` finds the current type of a path.
pub fn facts(
    types: &Types<'_>,
    cond: &Expr,
    positive: bool,
    type_of: &dyn Fn(&Expr) -> Ty,
) -> Vec<(String, Ty)> {
    match &cond.kind {
        ExprKind::Unary {
            op: UnaryOp::Not,
            expr,
        } => facts(types, expr, !positive, type_of),
        ExprKind::Binary {
            op: BinaryOp::And,
            lhs,
            rhs,
        } if positive => {
            let mut out = facts(types, lhs, true, type_of);
            out.extend(facts(types, rhs, true, type_of));
            out
        }
        ExprKind::Binary {
            op: BinaryOp::Or,
            lhs,
            rhs,
        } if !positive => {
            let mut out = facts(types, lhs, false, type_of);
            out.extend(facts(types, rhs, false, type_of));
            out
        }
        ExprKind::Binary {
            op: op @ (BinaryOp::Eq | BinaryOp::Ne),
            lhs,
            rhs,
        } => {
            let equal = (*op == BinaryOp::Eq) == positive;
            // `type_of(p) == "kind"`
            for (call, lit) in [(lhs, rhs), (rhs, lhs)] {
                if let (
                    ExprKind::Call {
                        callee: Callee::Builtin(Builtin::TypeOf),
                        args,
                    },
                    Some(kind),
                ) = (&call.kind, string_literal(lit))
                    && let [arg] = args.as_slice()
                    && let Some(key) = path(arg)
                {
                    return vec![(key, by_kind(types, &type_of(arg), kind, equal))];
                }
            }
            // `p == null` / `p != null`
            for (p, other) in [(lhs, rhs), (rhs, lhs)] {
                if matches!(other.kind, ExprKind::Null)
                    && let Some(key) = path(p)
                {
                    let current = type_of(p);
                    let narrowed = if equal {
                        Ty::Null
                    } else {
                        types.non_null(&current)
                    };
                    // Narrowing `any` to non-null says nothing useful.
                    if matches!(current, Ty::Any) {
                        return Vec::new();
                    }
                    return vec![(key, narrowed)];
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}
