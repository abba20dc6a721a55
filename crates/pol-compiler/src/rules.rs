//! Compilation of rules: clauses as nested loops, runtime-error handlers per `for`
//! body, and the emit site of the `message` clause.

use crate::Compiler;
use crate::builder::{ChunkBuilder, LimitError};
use pol_bytecode::{EmitSite, Instr, Message, MessagePart, Reg, Target};
use pol_check::hir::{self, BinaryOp, Callee, Clause, ExprKind, FStringPart, UnaryOp};

/// Where a failed `if` (or a finished path) continues.
#[derive(Clone, Copy)]
enum Continue {
    /// The `iter_next` of the innermost `for`.
    Loop(usize),
    /// The end of the rule.
    End,
}

struct RuleCtx<'r> {
    rule: &'r hir::RuleDef,
    index: u32,
    /// Registers of the enclosing `for` values, innermost first.
    anchors: Vec<Reg>,
    /// Jumps to the end of the rule, patched when it is known.
    to_end: Vec<usize>,
    /// Conditions computed before the loops they do not depend on (hoist.rs), and
    /// the registers holding them.
    hoisted: Vec<(*const hir::Expr, Reg)>,
    /// Keys of enclosing `for`s that only the message reads: each `iter_key` is done
    /// when a finding is made, not on every iteration (register, slot).
    deferred_keys: Vec<(Reg, pol_bytecode::Slot)>,
}

impl<'r> RuleCtx<'r> {
    fn new(rule: &'r hir::RuleDef, index: usize, anchors: Vec<Reg>) -> RuleCtx<'r> {
        RuleCtx {
            rule,
            index: u32::try_from(index).unwrap_or(u32::MAX),
            anchors,
            to_end: Vec::new(),
            hoisted: Vec::new(),
            deferred_keys: Vec::new(),
        }
    }

    /// Points the jumps to the end of the rule (or segment) at the next instruction.
    fn end_here(&mut self, b: &mut ChunkBuilder) {
        let end = b.here();
        for jump in std::mem::take(&mut self.to_end) {
            b.patch(jump, end);
        }
    }
}

impl Compiler<'_> {
    pub(crate) fn rule_chunk(
        &mut self,
        rule: &hir::RuleDef,
        index: usize,
    ) -> Result<u32, LimitError> {
        let mut b = ChunkBuilder::new(
            format!("rule {}", rule.info.qualified),
            rule.body.locals.len(),
            0,
        );
        b.pos = self.pos(rule.info.name_span);
        let mut ctx = RuleCtx::new(rule, index, Vec::new());
        self.clauses(&mut b, &mut ctx, &rule.clauses, Continue::End);
        ctx.end_here(&mut b);
        b.pos = self.pos(rule.info.name_span);
        b.emit(Instr::Halt);
        let chunk = b.finish()?;
        Ok(self.add_chunk(chunk))
    }

    /// A rule's clauses `rest` as a segment of a group chunk (fuse.rs). The group's
    /// shared loops are around it: their values are `anchors`, innermost first; `keys`
    /// holds the registers of the keys the rule binds there, their slots, and whether a
    /// clause reads them (else only the message does, and they are read for it);
    /// `condition` holds the verdict of the rule's leading `if`s. Every way out of the
    /// segment goes on after it.
    #[expect(clippy::too_many_arguments, reason = "one call site, in fuse.rs")]
    pub(crate) fn rule_segment(
        &mut self,
        b: &mut ChunkBuilder,
        rule: &hir::RuleDef,
        index: usize,
        rest: &[Clause],
        anchors: Vec<Reg>,
        keys: &[(Reg, pol_bytecode::Slot, bool)],
        condition: Option<Reg>,
    ) {
        let mut ctx = RuleCtx::new(rule, index, anchors);
        if let Some(cond) = condition {
            Self::continue_to(b, &mut ctx, Continue::End, |target| Instr::JumpUnlessTrue {
                cond,
                target,
            });
        }
        for &(dst, slot, read) in keys {
            if read {
                b.emit(Instr::IterKey { dst, slot });
            } else {
                ctx.deferred_keys.push((dst, slot));
            }
        }
        self.clauses(b, &mut ctx, rest, Continue::End);
        ctx.end_here(b);
    }

    fn continue_to(
        b: &mut ChunkBuilder,
        ctx: &mut RuleCtx<'_>,
        cont: Continue,
        make: impl Fn(Target) -> Instr,
    ) {
        match cont {
            Continue::Loop(next) => {
                b.emit(make(Target(u32::try_from(next).unwrap_or(u32::MAX))));
            }
            Continue::End => {
                let at = b.emit(make(ChunkBuilder::unknown()));
                ctx.to_end.push(at);
            }
        }
    }

    fn clauses(
        &mut self,
        b: &mut ChunkBuilder,
        ctx: &mut RuleCtx<'_>,
        clauses: &[Clause],
        cont: Continue,
    ) {
        let Some((first, rest)) = clauses.split_first() else {
            self.message(b, ctx);
            Self::continue_to(b, ctx, cont, |target| Instr::Jump { target });
            return;
        };
        let mark = b.mark();
        match first {
            Clause::For { key, value, iter } => {
                if self.optimize {
                    let mut bound: Vec<hir::LocalId> =
                        key.iter().copied().chain([*value]).collect();
                    for cond in crate::hoist::candidates(rest, &mut bound) {
                        let id: *const hir::Expr = cond;
                        let known = self.fold(cond) == Some(crate::fold::Known::Bool(true));
                        if !known && ctx.hoisted.iter().all(|(e, _)| *e != id) {
                            let r = b.temp();
                            self.expr_into(b, cond, r);
                            ctx.hoisted.push((id, r));
                        }
                    }
                }
                b.pos = self.pos(iter.span);
                // A key that no later clause reads is only needed by the message.
                let deferred = key.filter(|k| {
                    self.optimize && !rest.iter().any(|c| crate::hoist::clause_reads(c, *k))
                });
                let head_key = if deferred.is_some() { None } else { *key };
                let (next, to_done, value, slot) = self.loop_head(b, head_key, *value, iter);
                let deferred_keys = ctx.deferred_keys.len();
                if let Some(k) = deferred {
                    let r = self.local(b, k);
                    ctx.deferred_keys.push((r, slot));
                }
                ctx.anchors.insert(0, value);
                self.clauses(b, ctx, rest, Continue::Loop(next));
                ctx.anchors.remove(0);
                ctx.deferred_keys.truncate(deferred_keys);
                let done = b.here();
                b.patch(to_done, done);
                b.handler(next, done, next);
                b.pop_slot();
                b.release(mark);
                // Registers computed for this loop are free again: forget them.
                ctx.hoisted.retain(|(_, r)| u32::from(r.0) < mark);
                Self::continue_to(b, ctx, cont, |target| Instr::Jump { target });
            }
            // A condition known to hold (folded, or decided by the checker's kinds)
            // needs no code.
            Clause::If(cond)
                if self.optimize && self.fold(cond) == Some(crate::fold::Known::Bool(true)) =>
            {
                self.clauses(b, ctx, rest, cont);
            }
            Clause::If(cond) => {
                b.pos = self.pos(cond.span);
                self.test(b, ctx, cont, cond);
                b.release(mark);
                self.clauses(b, ctx, rest, cont);
            }
            Clause::Let { local, value } => {
                // In a group chunk, a local bound to a field the group read already is
                // that read's register (locals are never assigned again).
                if let Some(src) = self.read_made(b, value)
                    && let Some(slot) = self
                        .rule_locals
                        .as_mut()
                        .and_then(|regs| regs.get_mut(local.index()))
                    && self.inlined.is_empty()
                {
                    *slot = src;
                    self.clauses(b, ctx, rest, cont);
                    return;
                }
                let r = self.local(b, *local);
                self.expr_into(b, value, r);
                self.clauses(b, ctx, rest, cont);
            }
        }
    }

    /// The jumps of `if cond`: on to the next clause when `cond` is `true`, to `cont`
    /// otherwise.
    fn test(
        &mut self,
        b: &mut ChunkBuilder,
        ctx: &mut RuleCtx<'_>,
        cont: Continue,
        cond: &hir::Expr,
    ) {
        let id: *const hir::Expr = cond;
        match (ctx.hoisted.iter().find(|(e, _)| *e == id), &cond.kind) {
            (Some(&(_, c)), _) => Self::continue_to(b, ctx, cont, |target| Instr::JumpUnlessTrue {
                cond: c,
                target,
            }),
            (
                None,
                ExprKind::Binary {
                    op: BinaryOp::And, ..
                },
            ) if self.optimize => self.skip_unless_all(b, ctx, cont, cond),
            (
                None,
                ExprKind::Binary {
                    op: BinaryOp::Or, ..
                },
            ) if self.optimize => self.skip_unless_any(b, ctx, cont, cond),
            // `if not x`: one jump on `x`, which raises `not`'s error.
            (
                None,
                ExprKind::Unary {
                    op: UnaryOp::Not,
                    expr,
                },
            ) if self.optimize => {
                let c = self.expr_reg(b, expr);
                Self::continue_to(b, ctx, cont, |target| Instr::JumpUnlessTrueNot {
                    cond: c,
                    target,
                });
            }
            // `if f(x)` with a small `f` whose body is an `and`, `or`, `not` or kind
            // test: the body itself as the condition, in place, as branches. Errors
            // are the same, at the body's positions, as when the call's value is
            // computed in place and tested (the value of such a body is never a
            // non-bool for the `if` to reject).
            (
                None,
                ExprKind::Call {
                    callee: Callee::User(f),
                    args,
                },
            ) if self.optimize && self.branchy(*f) => {
                if let Some((def, mark)) = self.enter_inline(b, *f, args) {
                    b.pos = self.pos(def.value.span);
                    self.test(b, ctx, cont, &def.value);
                    self.inlined.pop();
                    b.release(mark);
                } else {
                    let c = self.expr_reg(b, cond);
                    Self::continue_to(b, ctx, cont, |target| Instr::JumpUnlessTrue {
                        cond: c,
                        target,
                    });
                }
            }
            (None, _) => {
                if let Some((x, kinds)) = self.kind_condition(cond) {
                    let src = self.expr_reg(b, x);
                    Self::continue_to(b, ctx, cont, |target| Instr::JumpUnlessKind {
                        src,
                        kinds,
                        target,
                    });
                } else {
                    let c = self.expr_reg(b, cond);
                    Self::continue_to(b, ctx, cont, |target| Instr::JumpUnlessTrue {
                        cond: c,
                        target,
                    });
                }
            }
        }
    }

    /// Whether the body of function `f` is an `and`, `or`, `not` or kind test, which
    /// an `if` on a call of it can take as branches.
    fn branchy(&self, f: hir::FnId) -> bool {
        let Some(def) = self.hir.fn_def(f) else {
            return false;
        };
        matches!(
            def.value.kind,
            ExprKind::Binary {
                op: BinaryOp::And | BinaryOp::Or,
                ..
            } | ExprKind::Unary {
                op: UnaryOp::Not,
                ..
            }
        ) || self.kind_condition(&def.value).is_some()
    }

    /// `if a and b and ...` as branches, without computing the value of the `and`: a
    /// `false` operand leaves at once, and only when every operand is `true` does the
    /// rule go on. Operands are evaluated in order and checked exactly as `and` checks
    /// them (`jump_if_false` applies the same test and raises the same error on a
    /// non-bool), so decisions and errors are those of `jump_unless_true (a and b)`:
    ///
    /// ```text
    /// a = lhs;  jump_if_false a -> skip     a is now true or null
    /// r = rhs;  jump_if_false r -> skip     r is now true or null
    /// jump_unless_true a -> skip;  jump_unless_true r -> skip
    /// ```
    ///
    /// The last checks are left out for operands that are never null (`==`, `!=`, and
    /// what the checker proved a bool).
    fn skip_unless_all(
        &mut self,
        b: &mut ChunkBuilder,
        ctx: &mut RuleCtx<'_>,
        cont: Continue,
        cond: &hir::Expr,
    ) {
        let operands = chain(BinaryOp::And, cond);
        let mut regs = Vec::with_capacity(operands.len());
        for operand in operands {
            // `not x` as an operand: the jumps test `x` and raise `not`'s error, at the
            // `not`'s position.
            let (x, not) = negated(operand).map_or((operand, false), |x| (x, true));
            // A kind test is one jump, with no register: it is never null.
            if let Some((arg, kinds)) = self.kind_condition(x) {
                let src = self.expr_reg(b, arg);
                let kinds = if not { !kinds } else { kinds };
                Self::continue_to(b, ctx, cont, |target| Instr::JumpUnlessKind {
                    src,
                    kinds,
                    target,
                });
                continue;
            }
            let r = self.expr_reg(b, x);
            let outer = b.pos;
            if not {
                b.pos = self.pos(operand.span);
            }
            Self::continue_to(b, ctx, cont, |target| {
                if not {
                    Instr::JumpIfFalseNot { cond: r, target }
                } else {
                    Instr::JumpIfFalse { cond: r, target }
                }
            });
            b.pos = outer;
            // A bool that is never null is `true` (`false` for `not`) past the jump.
            if !self.always_bool(x) {
                regs.push((r, not));
            }
        }
        for (r, not) in regs {
            Self::continue_to(b, ctx, cont, |target| {
                if not {
                    Instr::JumpUnlessTrueNot { cond: r, target }
                } else {
                    Instr::JumpUnlessTrue { cond: r, target }
                }
            });
        }
    }

    /// `if a or b or ...` as branches: the first `true` operand goes on with the rule
    /// at once; when none is, the rule is skipped (all `false`, or some `null`: the
    /// value of the `or` is then `false` or `null`). `jump_if_true` checks each operand
    /// exactly as `or` does and raises the same error on a non-bool.
    ///
    /// ```text
    /// a = lhs;  jump_if_true a -> go
    /// r = rhs;  jump_if_true r -> go
    /// jump -> skip
    /// go:
    /// ```
    fn skip_unless_any(
        &mut self,
        b: &mut ChunkBuilder,
        ctx: &mut RuleCtx<'_>,
        cont: Continue,
        cond: &hir::Expr,
    ) {
        let operands = chain(BinaryOp::Or, cond);
        let mut to_go = Vec::with_capacity(operands.len());
        for operand in operands {
            // A kind test goes on when the kind is one of its kinds.
            let kind_test = match negated(operand) {
                Some(x) => self.kind_condition(x).map(|(arg, kinds)| (arg, !kinds)),
                None => self.kind_condition(operand),
            };
            if let Some((arg, kinds)) = kind_test {
                let src = self.expr_reg(b, arg);
                to_go.push(b.emit(Instr::JumpUnlessKind {
                    src,
                    kinds: !kinds,
                    target: ChunkBuilder::unknown(),
                }));
                continue;
            }
            if let Some(x) = negated(operand) {
                let r = self.expr_reg(b, x);
                let outer = b.pos;
                b.pos = self.pos(operand.span);
                to_go.push(b.emit(Instr::JumpIfTrueNot {
                    cond: r,
                    target: ChunkBuilder::unknown(),
                }));
                b.pos = outer;
                continue;
            }
            let r = self.expr_reg(b, operand);
            to_go.push(b.emit(Instr::JumpIfTrue {
                cond: r,
                target: ChunkBuilder::unknown(),
            }));
        }
        Self::continue_to(b, ctx, cont, |target| Instr::Jump { target });
        let go = b.here();
        for at in to_go {
            b.patch(at, go);
        }
    }

    /// The `message ... at ...` clause: evaluate both, then `emit`.
    fn message(&mut self, b: &mut ChunkBuilder, ctx: &mut RuleCtx<'_>) {
        b.pos = self.pos(ctx.rule.message.span);
        for &(dst, slot) in &ctx.deferred_keys {
            b.emit(Instr::IterKey { dst, slot });
        }
        let message = match self.message_parts(b, ctx) {
            Some(parts) => Message::Parts(parts),
            None => {
                // A local's register (or a field a group read for all its rules) is
                // read again; any other message is computed into a temporary for this
                // `emit` alone.
                let moves = !matches!(ctx.rule.message.kind, ExprKind::Local(_))
                    && self.read_made(b, &ctx.rule.message).is_none();
                let reg = self.expr_reg(b, &ctx.rule.message);
                Message::Reg { reg, moves }
            }
        };
        let at = ctx.rule.at.as_ref().map(|at| {
            b.pos = self.pos(at.span);
            self.expr_reg(b, at)
        });
        let site = b.site(EmitSite {
            rule: ctx.index,
            message,
            at,
            anchors: ctx.anchors.clone(),
        });
        b.pos = self.pos(ctx.rule.message.span);
        b.emit(Instr::Emit { site });
    }
}

impl Compiler<'_> {
    /// The message as parts for the `emit` to write ([`Message::Parts`]): an f-string
    /// or a string literal, with each `{}` part in a register (a local's own, or a
    /// temporary). `None` at `-O0`, for other messages, and when the rule's `at` could
    /// fail: an f-string's `format` runs before `at`, and so must its errors (a
    /// message over the size limit).
    fn message_parts(
        &mut self,
        b: &mut ChunkBuilder,
        ctx: &RuleCtx<'_>,
    ) -> Option<Vec<MessagePart>> {
        if !self.optimize {
            return None;
        }
        if let Some(at) = &ctx.rule.at
            && !matches!(at.kind, ExprKind::Local(_))
            && self.read_made(b, at).is_none()
        {
            return None;
        }
        match &ctx.rule.message.kind {
            ExprKind::Str(text) => Some(vec![MessagePart::Text(text.clone())]),
            ExprKind::FString(parts) => Some(
                parts
                    .iter()
                    .map(|part| match part {
                        FStringPart::Text(text) => MessagePart::Text(text.clone()),
                        FStringPart::Expr(e) => match self.fold(e) {
                            // A constant let or a folded expression is text already.
                            Some(crate::fold::Known::Str(text)) => MessagePart::Text(text),
                            _ => MessagePart::Value(self.expr_reg(b, e)),
                        },
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// `cond` as a kind test (`type_of(x) == "string"`, `x != null`) that is not decided
    /// when compiling: `x`, and the kinds (a bit set of `KIND_NAMES`) for which `cond`
    /// is `true`. A kind test is never null and never fails, so a condition on it is
    /// one `jump_unless_kind`.
    pub(crate) fn kind_condition<'e>(&self, cond: &'e hir::Expr) -> Option<(&'e hir::Expr, u8)> {
        if !self.optimize || self.fold(cond).is_some() {
            return None;
        }
        let ExprKind::Binary { op, lhs, rhs } = &cond.kind else {
            return None;
        };
        let negate = match op {
            BinaryOp::Eq => false,
            BinaryOp::Ne => true,
            _ => return None,
        };
        let (x, kinds) = crate::expr::kind_test(lhs, rhs)?;
        Some((x, if negate { !kinds } else { kinds }))
    }
}

/// `x` when `e` is `not x`.
fn negated(e: &hir::Expr) -> Option<&hir::Expr> {
    match &e.kind {
        ExprKind::Unary {
            op: UnaryOp::Not,
            expr,
        } => Some(expr),
        _ => None,
    }
}

/// The operands of a chain of `op`s (`and` or `or`), left to right: `a and b and c`
/// parses as `(a and b) and c`, so the chain follows left operands. Only operands
/// that start where the whole condition starts are followed, so that an error is
/// reported at the same source position as when the `and` is computed as a value
/// (a parenthesised `a and (b and c)` keeps its inner `and` as one operand).
fn chain(op: BinaryOp, e: &hir::Expr) -> Vec<&hir::Expr> {
    let mut out = Vec::new();
    operands_of(op, e, &mut out);
    out
}

fn operands_of<'e>(op: BinaryOp, e: &'e hir::Expr, out: &mut Vec<&'e hir::Expr>) {
    match &e.kind {
        ExprKind::Binary { op: o, lhs, rhs } if *o == op => {
            if lhs.span.start == e.span.start {
                operands_of(op, lhs, out);
            } else {
                out.push(lhs);
            }
            out.push(rhs);
        }
        _ => out.push(e),
    }
}
