//! The parts of a decided condition and their values, for an [`Observer`] that wants
//! them: the conjuncts or disjuncts that decided it, each with the operands of its
//! comparison or call. They are evaluated again, only where the evaluation itself went
//! (`and` and `or` stop where they stopped), and the steps spent doing so are given
//! back: observing never changes a decision.
//!
//! [`Observer`]: crate::Observer

use crate::eval::{Evaluator, Frame};
use crate::ops;
use crate::value::Value;
use pol_check::hir::{BinaryOp, Expr, ExprKind, UnaryOp};
use pol_diagnostics::Span;

/// The most parts shown for one condition.
const MAX_PARTS: usize = 12;
/// How deep into `and`, `or` and `not` the parts are looked for.
const MAX_DEPTH: u32 = 16;

impl Evaluator<'_> {
    /// The parts of `cond` (an `if` clause whose evaluation succeeded) and their values.
    pub(crate) fn condition_parts(
        &mut self,
        frame: &mut Frame,
        cond: &Expr,
    ) -> Vec<(Span, Option<Value>)> {
        let steps = self.steps();
        let mut out = Vec::new();
        self.parts(frame, cond, 0, &mut out);
        self.set_steps(steps);
        // The condition's own value is in the event already.
        // (`Span`s all compare equal: compare where they are.)
        let whole = (cond.span.file, cond.span.start, cond.span.end);
        out.retain(|(s, _)| (s.file, s.start, s.end) != whole);
        out
    }

    fn parts(
        &mut self,
        frame: &mut Frame,
        e: &Expr,
        depth: u32,
        out: &mut Vec<(Span, Option<Value>)>,
    ) {
        if out.len() >= MAX_PARTS {
            return;
        }
        if depth > MAX_DEPTH {
            self.part(frame, e, out);
            return;
        }
        match &e.kind {
            ExprKind::Binary {
                op: op @ (BinaryOp::And | BinaryOp::Or),
                lhs,
                rhs,
            } => {
                let decisive = *op == BinaryOp::Or;
                let left = self
                    .eval(frame, lhs)
                    .ok()
                    .and_then(|a| ops::truth(&self.at(e.span), "and", &a).ok());
                self.parts(frame, lhs, depth + 1, out);
                // `false and _`, `true or _`: the right side was not evaluated.
                if matches!(left, Some(x) if x != Some(decisive)) {
                    self.parts(frame, rhs, depth + 1, out);
                }
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                expr,
            } => self.parts(frame, expr, depth + 1, out),
            _ => {
                self.part(frame, e, out);
                let operands: Vec<&Expr> = match &e.kind {
                    ExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
                    ExprKind::Call { args, .. } => args.iter().collect(),
                    ExprKind::Quantified { iter, .. } => vec![iter],
                    ExprKind::Unary { expr, .. } => vec![expr],
                    _ => Vec::new(),
                };
                for operand in operands {
                    if !is_literal(operand) && out.len() < MAX_PARTS {
                        self.part(frame, operand, out);
                    }
                }
            }
        }
    }

    /// One part: `e` and its value, unless the same text is there already.
    fn part(&mut self, frame: &mut Frame, e: &Expr, out: &mut Vec<(Span, Option<Value>)>) {
        let text = self.sources.slice(e.span);
        if out.iter().any(|(s, _)| self.sources.slice(*s) == text) {
            return;
        }
        let value = self.eval(frame, e).ok();
        out.push((e.span, value));
    }
}

/// A literal: its value is written in the condition, showing it adds nothing.
fn is_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_) => true,
        ExprKind::List(items) | ExprKind::Set(items) => items.iter().all(is_literal),
        _ => false,
    }
}
