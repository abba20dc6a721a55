//! Compilation of expressions, comprehensions and quantifiers.

use crate::Compiler;
use crate::builder::ChunkBuilder;
use pol_bytecode::{BinOp, BuiltinOp, Const, ConstId, FnId, Instr, KIND_NAMES, LetId, Reg, StrOp};
use pol_check::hir::{
    self, BinaryOp, Callee, Clause, ExprKind, FStringPart, Kinds, Quantifier, UnaryOp,
};

/// What a comprehension produces on each path.
enum Produce<'e> {
    Element(&'e hir::Expr),
    Pair(&'e hir::Expr, &'e hir::Expr),
}

impl<'a> Compiler<'a> {
    /// Compiles `e` so that its value ends up in some register, which is returned: a
    /// local's own register, or a fresh temporary.
    pub(crate) fn expr_reg(&mut self, b: &mut ChunkBuilder, e: &hir::Expr) -> Reg {
        if let ExprKind::Local(id) = e.kind {
            return self.local(b, id);
        }
        if let Some(r) = self.read_made(b, e) {
            return r;
        }
        let dst = b.temp();
        self.expr_into(b, e, dst);
        dst
    }

    /// The register holding `e` when it is a field read that a group chunk made once
    /// for all its rules (fuse.rs), as `value.name` or `value["name"]` of a shared loop
    /// value or of such a read.
    pub(crate) fn read_made(&mut self, b: &mut ChunkBuilder, e: &hir::Expr) -> Option<Reg> {
        if self.reads.is_empty() {
            return None;
        }
        let (recv, name) = match &e.kind {
            ExprKind::Field { recv, name } => (recv, name),
            ExprKind::Index { recv, index } => match &index.kind {
                ExprKind::Str(name) => (recv, name),
                _ => return None,
            },
            _ => return None,
        };
        let obj = match recv.kind {
            ExprKind::Local(id) => self.local(b, id),
            _ => self.read_made(b, recv)?,
        };
        let sym = self.tables.symbol(name);
        self.reads
            .iter()
            .find(|(o, s, _)| *o == obj && *s == sym)
            .map(|&(_, _, r)| r)
    }

    /// Compiles `e` so that its value ends up in `dst`. Temporaries allocated on the way
    /// are released.
    pub(crate) fn expr_into(&mut self, b: &mut ChunkBuilder, e: &hir::Expr, dst: Reg) {
        if let Some(src) = self.read_made(b, e) {
            if src != dst {
                b.emit(Instr::Move { dst, src });
            }
            return;
        }
        let mark = b.mark();
        let outer = b.pos;
        b.pos = self.pos(e.span);
        self.expr_kind(b, e, dst);
        b.pos = outer;
        b.release(mark);
    }

    /// Loads a value known when compiling.
    fn load_known(&mut self, b: &mut ChunkBuilder, known: crate::fold::Known, dst: Reg) {
        use crate::fold::Known;
        match known {
            Known::Null => {
                b.emit(Instr::LoadNull { dst });
            }
            Known::Bool(value) => {
                b.emit(Instr::LoadBool { dst, value });
            }
            Known::Int(n) => match i32::try_from(n) {
                Ok(value) => {
                    b.emit(Instr::LoadInt { dst, value });
                }
                Err(_) => {
                    let k = self.tables.int(n);
                    b.emit(Instr::LoadConst { dst, k });
                }
            },
            Known::Str(s) => {
                let k = self.tables.string(&s);
                b.emit(Instr::LoadConst { dst, k });
            }
        }
    }

    /// The constant a literal collection denotes (`["a", 1]`, `{"x", "y"}`,
    /// `{"k": [1]}`), interned with its elements; `None` for anything else.
    fn literal_const(&mut self, e: &hir::Expr) -> Option<ConstId> {
        let c = match &e.kind {
            ExprKind::Null => Const::Null,
            ExprKind::Bool(v) => Const::Bool(*v),
            ExprKind::Int(n) => Const::Int(*n),
            ExprKind::Float(f) => Const::Float(*f),
            ExprKind::Str(s) => Const::Str(s.clone()),
            ExprKind::List(items) => Const::List(self.literal_items(items)?),
            ExprKind::Set(items) => Const::Set(self.literal_items(items)?),
            ExprKind::Object(pairs) => {
                let mut entries = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    let ExprKind::Str(key) = &k.kind else {
                        return None;
                    };
                    entries.push((key.clone(), self.literal_const(v)?.0));
                }
                Const::Object(entries)
            }
            _ => return None,
        };
        Some(self.tables.constant(c))
    }

    fn literal_items(&mut self, items: &[hir::Expr]) -> Option<Vec<u32>> {
        items
            .iter()
            .map(|i| self.literal_const(i).map(|k| k.0))
            .collect()
    }

    fn expr_kind(&mut self, b: &mut ChunkBuilder, e: &hir::Expr, dst: Reg) {
        // Constant folding and propagation (fold.rs): only for the forms that compute
        // something, so literals keep their own instructions.
        if matches!(
            e.kind,
            ExprKind::Let(_)
                | ExprKind::Unary { .. }
                | ExprKind::Binary { .. }
                | ExprKind::If { .. }
        ) && let Some(known) = self.fold(e)
        {
            self.load_known(b, known, dst);
            return;
        }
        if matches!(
            e.kind,
            ExprKind::List(_) | ExprKind::Set(_) | ExprKind::Object(_)
        ) && let Some(k) = self.literal_const(e)
        {
            b.emit(Instr::LoadConst { dst, k });
            return;
        }
        match &e.kind {
            ExprKind::Null | ExprKind::Error => {
                b.emit(Instr::LoadNull { dst });
            }
            ExprKind::Bool(value) => {
                b.emit(Instr::LoadBool { dst, value: *value });
            }
            ExprKind::Int(n) => match i32::try_from(*n) {
                Ok(value) => {
                    b.emit(Instr::LoadInt { dst, value });
                }
                Err(_) => {
                    let k = self.tables.int(*n);
                    b.emit(Instr::LoadConst { dst, k });
                }
            },
            ExprKind::Float(f) => {
                let k = self.tables.float(*f);
                b.emit(Instr::LoadConst { dst, k });
            }
            ExprKind::Str(s) => {
                let k = self.tables.string(s);
                b.emit(Instr::LoadConst { dst, k });
            }
            ExprKind::FString(parts) => self.fstring(b, parts, dst),
            ExprKind::Local(id) => {
                let src = self.local(b, *id);
                if src != dst {
                    b.emit(Instr::Move { dst, src });
                }
            }
            ExprKind::Let(id) => {
                b.emit(Instr::GetLet {
                    dst,
                    id: LetId(id.0),
                });
            }
            ExprKind::Input => {
                b.emit(Instr::LoadInput { dst });
            }
            ExprKind::Data => {
                b.emit(Instr::LoadData { dst });
            }
            ExprKind::Field { recv, name } => {
                let obj = self.expr_reg(b, recv);
                let sym = self.tables.symbol(name);
                b.emit(Instr::Field { dst, obj, sym });
            }
            ExprKind::Index { recv, index } => {
                // `split(s, "sep")[n]`: one part, read in place.
                if let (
                    ExprKind::Call {
                        callee: Callee::Builtin(pol_check::Builtin::Split),
                        args,
                    },
                    ExprKind::Int(n),
                ) = (&recv.kind, &index.kind)
                    && let [subject, sep] = args.as_slice()
                    && let ExprKind::Str(sep) = &sep.kind
                    && let Ok(n) = i8::try_from(*n)
                    && let Ok(k) = u16::try_from(self.tables.string(sep).0)
                {
                    let s = self.expr_reg(b, subject);
                    b.emit(Instr::SplitPart { dst, s, k, n });
                    return;
                }
                let obj = self.expr_reg(b, recv);
                if let ExprKind::Str(name) = &index.kind {
                    let sym = self.tables.symbol(name);
                    b.emit(Instr::Field { dst, obj, sym });
                } else {
                    let index = self.expr_reg(b, index);
                    b.emit(Instr::Index { dst, obj, index });
                }
            }
            ExprKind::Call { callee, args } => self.call(b, *callee, args, dst),
            ExprKind::Unary { op, expr } => {
                let src = self.expr_reg(b, expr);
                b.emit(match op {
                    UnaryOp::Not => Instr::Not { dst, src },
                    UnaryOp::Neg => Instr::Neg { dst, src },
                });
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(b, *op, lhs, rhs, dst),
            ExprKind::If { cond, then, els } => {
                let to_else = self.jumps_unless(b, cond);
                self.expr_into(b, then, dst);
                let to_end = b.emit(Instr::Jump {
                    target: ChunkBuilder::unknown(),
                });
                for jump in to_else {
                    b.patch(jump, b.here());
                }
                self.expr_into(b, els, dst);
                b.patch(to_end, b.here());
            }
            ExprKind::Quantified {
                quantifier,
                key,
                value,
                iter,
                cond,
            } => {
                self.quantifier(b, *quantifier, *key, *value, iter, cond, dst);
            }
            ExprKind::List(items) => {
                let start = self.consecutive(b, items);
                b.emit(Instr::MakeList {
                    dst,
                    start,
                    len: len16(items.len()),
                });
            }
            ExprKind::Set(items) => {
                let start = self.consecutive(b, items);
                b.emit(Instr::MakeSet {
                    dst,
                    start,
                    len: len16(items.len()),
                });
            }
            ExprKind::Object(pairs) => {
                let start = b.temps(pairs.len() * 2);
                for (i, (k, v)) in pairs.iter().enumerate() {
                    self.expr_into(b, k, offset(start, 2 * i));
                    self.expr_into(b, v, offset(start, 2 * i + 1));
                }
                b.emit(Instr::MakeObject {
                    dst,
                    start,
                    pairs: len16(pairs.len()),
                });
            }
            ExprKind::ListComp { elem, clauses } => {
                b.emit(Instr::NewList { dst });
                self.comprehension(b, clauses, &Produce::Element(elem), dst);
            }
            ExprKind::SetComp { elem, clauses } => {
                b.emit(Instr::NewSet { dst });
                self.comprehension(b, clauses, &Produce::Element(elem), dst);
                b.emit(Instr::FinishSet { dst });
            }
            ExprKind::ObjectComp {
                key,
                value,
                clauses,
            } => {
                b.emit(Instr::NewObject { dst });
                self.comprehension(b, clauses, &Produce::Pair(key, value), dst);
            }
        }
    }

    /// Compiles `items` into consecutive fresh temporaries; returns the first.
    fn consecutive(&mut self, b: &mut ChunkBuilder, items: &[hir::Expr]) -> Reg {
        let start = b.temps(items.len());
        for (i, item) in items.iter().enumerate() {
            self.expr_into(b, item, offset(start, i));
        }
        start
    }

    fn fstring(&mut self, b: &mut ChunkBuilder, parts: &[FStringPart], dst: Reg) {
        let start = b.temps(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let r = offset(start, i);
            match part {
                FStringPart::Text(text) => {
                    let k = self.tables.string(text);
                    b.emit(Instr::LoadConst { dst: r, k });
                }
                FStringPart::Expr(e) => self.expr_into(b, e, r),
            }
        }
        b.emit(Instr::Format {
            dst,
            start,
            len: len16(parts.len()),
        });
    }

    fn call(&mut self, b: &mut ChunkBuilder, callee: Callee, args: &[hir::Expr], dst: Reg) {
        match callee {
            Callee::User(id) => {
                if self.inline(b, id, args, dst) {
                    return;
                }
                let start = self.consecutive(b, args);
                let func = FnId(u16::try_from(id.0).unwrap_or(u16::MAX));
                b.emit(Instr::Call {
                    dst,
                    func,
                    args: start,
                    argc: len8(args.len()),
                });
            }
            Callee::Builtin(builtin) => {
                let Some(op) = BuiltinOp::from_name(builtin.name()) else {
                    b.emit(Instr::LoadNull { dst });
                    return;
                };
                if let [subject, pattern] = args
                    && let ExprKind::Str(text) = &pattern.kind
                {
                    let str_op = match op {
                        BuiltinOp::StartsWith => Some(StrOp::StartsWith),
                        BuiltinOp::EndsWith => Some(StrOp::EndsWith),
                        BuiltinOp::Contains => Some(StrOp::Contains),
                        _ => None,
                    };
                    if let Some(str_op) = str_op
                        && let Ok(k) = u16::try_from(self.tables.string(text).0)
                    {
                        let s = self.expr_reg(b, subject);
                        b.emit(Instr::StrConst {
                            op: str_op,
                            dst,
                            s,
                            k,
                        });
                        return;
                    }
                    if op == BuiltinOp::Matches {
                        let s = self.expr_reg(b, subject);
                        let re = self.tables.regex(text);
                        b.emit(Instr::MatchRegex { dst, s, re });
                        return;
                    }
                    if op == BuiltinOp::Glob {
                        let s = self.expr_reg(b, subject);
                        let glob = self.tables.glob(text);
                        b.emit(Instr::MatchGlob { dst, s, glob });
                        return;
                    }
                }
                let start = self.consecutive(b, args);
                b.emit(Instr::CallBuiltin {
                    dst,
                    builtin: op,
                    args: start,
                    argc: len8(args.len()),
                });
            }
        }
    }

    fn binary(
        &mut self,
        b: &mut ChunkBuilder,
        op: BinaryOp,
        lhs: &hir::Expr,
        rhs: &hir::Expr,
        dst: Reg,
    ) {
        if self.specialised_binary(b, op, lhs, rhs, dst) {
            return;
        }
        let plain = match op {
            BinaryOp::And | BinaryOp::Or => {
                return self.logic(b, op == BinaryOp::And, lhs, rhs, dst);
            }
            BinaryOp::Coalesce if self.never_null(lhs) => {
                self.expr_into(b, lhs, dst);
                return;
            }
            BinaryOp::Coalesce => {
                self.expr_into(b, lhs, dst);
                let skip = b.emit(Instr::JumpIfNotNull {
                    src: dst,
                    target: ChunkBuilder::unknown(),
                });
                self.expr_into(b, rhs, dst);
                b.patch(skip, b.here());
                return;
            }
            BinaryOp::Eq => BinOp::Eq,
            BinaryOp::Ne => BinOp::Ne,
            BinaryOp::Lt => BinOp::Lt,
            BinaryOp::Le => BinOp::Le,
            BinaryOp::Gt => BinOp::Gt,
            BinaryOp::Ge => BinOp::Ge,
            BinaryOp::In => BinOp::In,
            BinaryOp::NotIn => BinOp::NotIn,
            BinaryOp::Add => BinOp::Add,
            BinaryOp::Sub => BinOp::Sub,
            BinaryOp::Mul => BinOp::Mul,
            BinaryOp::Div => BinOp::Div,
            BinaryOp::Rem => BinOp::Rem,
        };
        let a = self.expr_reg(b, lhs);
        let r = self.expr_reg(b, rhs);
        b.emit(Instr::Binary {
            op: plain,
            dst,
            a,
            b: r,
        });
    }

    /// Compiles a call of a small function in place: its parameters and locals get
    /// registers of this frame, its body is compiled here. Errors keep the positions
    /// of the function's body. False when the function is too big (or inlining is
    /// nested too deep): then it is called.
    fn inline(
        &mut self,
        b: &mut ChunkBuilder,
        id: hir::FnId,
        args: &[hir::Expr],
        dst: Reg,
    ) -> bool {
        let Some((def, mark)) = self.enter_inline(b, id, args) else {
            return false;
        };
        self.expr_into(b, &def.value, dst);
        self.inlined.pop();
        b.release(mark);
        true
    }

    /// Starts compiling a call of a small function in place: gives its parameters
    /// and locals registers of this frame, computes the arguments into them, and
    /// returns the function, whose body is to be compiled next, and the register mark
    /// to release after `inlined.pop()`. `None` when the function is too big (or
    /// inlining is nested too deep): then it is called.
    pub(crate) fn enter_inline(
        &mut self,
        b: &mut ChunkBuilder,
        id: hir::FnId,
        args: &[hir::Expr],
    ) -> Option<(&'a hir::FnDef, u32)> {
        let program = self.hir;
        let def = program.fn_def(id)?;
        if self.inlined.len() >= 4 || size(&def.value) > 48 || def.params.len() != args.len() {
            return None;
        }
        let mark = b.mark();
        let mut regs = b.temps_list(def.body.locals.len().max(args.len()));
        let start = regs.first().copied().unwrap_or(Reg(0));
        regs.truncate(def.body.locals.len());
        for (param, arg) in def.params.iter().zip(args) {
            // A parameter is never assigned in the body, nor is the caller's local
            // while the body runs: a local argument is used in its own register.
            if let ExprKind::Local(id) = arg.kind
                && let Some(slot) = regs.get_mut(param.local.index())
            {
                *slot = self.local(b, id);
                continue;
            }
            let r = regs.get(param.local.index()).copied().unwrap_or(start);
            self.expr_into(b, arg, r);
        }
        self.inlined.push(regs);
        Some((def, mark))
    }

    /// `type_of(x) == "kind"` and `x in {"a", "b"}` as one specialised instruction;
    /// false when the expression has another shape.
    fn specialised_binary(
        &mut self,
        b: &mut ChunkBuilder,
        op: BinaryOp,
        lhs: &hir::Expr,
        rhs: &hir::Expr,
        dst: Reg,
    ) -> bool {
        match op {
            BinaryOp::Eq | BinaryOp::Ne => {
                let Some((arg, kinds)) = kind_test(lhs, rhs) else {
                    return false;
                };
                let src = self.expr_reg(b, arg);
                b.emit(Instr::IsKind {
                    dst,
                    src,
                    kinds,
                    negate: op == BinaryOp::Ne,
                });
                true
            }
            BinaryOp::In | BinaryOp::NotIn => {
                // A let whose value is a literal collection is that constant.
                let program = self.hir;
                let rhs = match &rhs.kind {
                    // An option's value is the user's: not the literal it defaults to.
                    ExprKind::Let(id) => match program.let_def(*id) {
                        Some(def) if def.option => return false,
                        Some(def) => &def.value,
                        None => rhs,
                    },
                    _ => rhs,
                };
                let all_strings = match &rhs.kind {
                    ExprKind::Set(items) | ExprKind::List(items) => {
                        items.iter().all(|i| matches!(i.kind, ExprKind::Str(_)))
                    }
                    _ => false,
                };
                if !all_strings {
                    return false;
                }
                let Some(k) = self
                    .literal_const(rhs)
                    .and_then(|k| u16::try_from(k.0).ok())
                else {
                    return false;
                };
                let x = self.expr_reg(b, lhs);
                b.emit(Instr::InConst {
                    dst,
                    x,
                    k,
                    negate: op == BinaryOp::NotIn,
                });
                true
            }
            _ => false,
        }
    }

    /// `a and b` / `a or b` with SQL's three-valued logic; `b` is skipped when `a`
    /// decides (`false and ...`, `true or ...`).
    fn logic(
        &mut self,
        b: &mut ChunkBuilder,
        and: bool,
        lhs: &hir::Expr,
        rhs: &hir::Expr,
        dst: Reg,
    ) {
        // Typed (typed.rs): when `a` is a bool, `a and b` is `false` or `b`, and
        // `a or b` is `true` or `b` — a branch and no three-valued `binary`.
        if self.always_bool(lhs)
            && self
                .kinds(rhs)
                .is_some_and(|k| k.only(Kinds::BOOL.union(Kinds::NULL)))
        {
            self.expr_into(b, lhs, dst);
            let decided = if and {
                b.emit(Instr::JumpIfFalse {
                    cond: dst,
                    target: ChunkBuilder::unknown(),
                })
            } else {
                b.emit(Instr::JumpIfTrue {
                    cond: dst,
                    target: ChunkBuilder::unknown(),
                })
            };
            self.expr_into(b, rhs, dst);
            b.patch(decided, b.here());
            return;
        }
        let a = self.expr_reg(b, lhs);
        let decided = if and {
            b.emit(Instr::JumpIfFalse {
                cond: a,
                target: ChunkBuilder::unknown(),
            })
        } else {
            b.emit(Instr::JumpIfTrue {
                cond: a,
                target: ChunkBuilder::unknown(),
            })
        };
        let r = self.expr_reg(b, rhs);
        let op = if and { BinOp::And } else { BinOp::Or };
        b.emit(Instr::Binary { op, dst, a, b: r });
        let to_end = b.emit(Instr::Jump {
            target: ChunkBuilder::unknown(),
        });
        b.patch(decided, b.here());
        b.emit(Instr::LoadBool { dst, value: !and });
        b.patch(to_end, b.here());
    }

    #[expect(clippy::too_many_arguments, reason = "the parts of a quantifier")]
    fn quantifier(
        &mut self,
        b: &mut ChunkBuilder,
        quantifier: Quantifier,
        key: Option<hir::LocalId>,
        value: hir::LocalId,
        iter: &hir::Expr,
        cond: &hir::Expr,
        dst: Reg,
    ) {
        let any = quantifier == Quantifier::Any;
        // `dst` is a fresh register: the collection expression does not read it.
        b.emit(Instr::LoadBool { dst, value: !any });
        let (next, to_done, _, _) = self.loop_head(b, key, value, iter);
        let c = self.expr_reg(b, cond);
        let exit = if any {
            b.emit(Instr::AnyStep { acc: dst, cond: c });
            b.emit(Instr::JumpIfTrue {
                cond: dst,
                target: ChunkBuilder::unknown(),
            })
        } else {
            b.emit(Instr::AllStep { acc: dst, cond: c });
            b.emit(Instr::JumpIfFalse {
                cond: dst,
                target: ChunkBuilder::unknown(),
            })
        };
        b.emit(Instr::Jump {
            target: pol_bytecode::Target(u32::try_from(next).unwrap_or(u32::MAX)),
        });
        b.patch(to_done, b.here());
        b.patch(exit, b.here());
        b.pop_slot();
    }

    /// The clauses of a comprehension as nested loops; each path produces into `dst`.
    fn comprehension(
        &mut self,
        b: &mut ChunkBuilder,
        clauses: &[Clause],
        produce: &Produce<'_>,
        dst: Reg,
    ) {
        let Some((first, rest)) = clauses.split_first() else {
            match produce {
                Produce::Element(elem) => {
                    let value = self.expr_reg(b, elem);
                    b.emit(Instr::Push { dst, value });
                }
                Produce::Pair(k, v) => {
                    let key = self.expr_reg(b, k);
                    let value = self.expr_reg(b, v);
                    b.emit(Instr::Insert { dst, key, value });
                }
            }
            return;
        };
        let mark = b.mark();
        match first {
            Clause::For { key, value, iter } => {
                let (next, to_done, _, _) = self.loop_head(b, *key, *value, iter);
                self.comprehension(b, rest, produce, dst);
                b.emit(Instr::Jump {
                    target: pol_bytecode::Target(u32::try_from(next).unwrap_or(u32::MAX)),
                });
                b.patch(to_done, b.here());
                b.pop_slot();
            }
            Clause::If(cond) => {
                let skips = self.jumps_unless(b, cond);
                b.release(mark);
                self.comprehension(b, rest, produce, dst);
                for skip in skips {
                    b.patch(skip, b.here());
                }
            }
            Clause::Let { local, value } => {
                let r = self.local(b, *local);
                self.expr_into(b, value, r);
                self.comprehension(b, rest, produce, dst);
            }
        }
        b.release(mark);
    }
}

/// The number of nodes of an expression (a bound on inlining).
fn size(e: &hir::Expr) -> usize {
    let sum = |es: &[hir::Expr]| es.iter().map(size).sum::<usize>();
    let clauses = |cs: &[Clause]| {
        cs.iter()
            .map(|c| match c {
                Clause::For { iter, .. } => size(iter),
                Clause::If(e) | Clause::Let { value: e, .. } => size(e),
            })
            .sum::<usize>()
    };
    1 + match &e.kind {
        ExprKind::FString(parts) => parts
            .iter()
            .map(|p| match p {
                FStringPart::Text(_) => 0,
                FStringPart::Expr(e) => size(e),
            })
            .sum(),
        ExprKind::Field { recv, .. } | ExprKind::Unary { expr: recv, .. } => size(recv),
        ExprKind::Index { recv, index } => size(recv) + size(index),
        ExprKind::Call { args, .. } | ExprKind::List(args) | ExprKind::Set(args) => sum(args),
        ExprKind::Binary { lhs, rhs, .. } => size(lhs) + size(rhs),
        ExprKind::If { cond, then, els } => size(cond) + size(then) + size(els),
        ExprKind::Quantified { iter, cond, .. } => size(iter) + size(cond),
        ExprKind::Object(pairs) => pairs.iter().map(|(k, v)| size(k) + size(v)).sum(),
        ExprKind::ListComp { elem, clauses: cs } | ExprKind::SetComp { elem, clauses: cs } => {
            size(elem) + clauses(cs)
        }
        ExprKind::ObjectComp {
            key,
            value,
            clauses: cs,
        } => size(key) + size(value) + clauses(cs),
        _ => 0,
    }
}

/// The two sides of an `==` that tests a kind: `type_of(x) == "name"` or `x == null`,
/// either way round. Gives `x` and the kind's bit (0 for no kind).
pub(crate) fn kind_test<'e>(lhs: &'e hir::Expr, rhs: &'e hir::Expr) -> Option<(&'e hir::Expr, u8)> {
    match (&lhs.kind, &rhs.kind) {
        (_, ExprKind::Null) => Some((lhs, 1)),
        (ExprKind::Null, _) => Some((rhs, 1)),
        _ => type_of_test(lhs, rhs).or_else(|| type_of_test(rhs, lhs)),
    }
}

/// `type_of(arg) == "name"`: the argument and the kind's bit (0 for no kind).
fn type_of_test<'e>(call: &'e hir::Expr, lit: &hir::Expr) -> Option<(&'e hir::Expr, u8)> {
    match (&call.kind, &lit.kind) {
        (
            ExprKind::Call {
                callee: Callee::Builtin(pol_check::Builtin::TypeOf),
                args,
            },
            ExprKind::Str(name),
        ) => {
            let arg = args.first()?;
            let bit = KIND_NAMES
                .iter()
                .position(|k| k == name)
                .map_or(0u8, |i| 1 << i);
            Some((arg, bit))
        }
        _ => None,
    }
}

impl Compiler<'_> {
    /// Jumps (their target patched later) taken unless `cond` is true: `k and c`,
    /// where `k` is a kind test (a bool, which never fails), is `k`'s jump then `c`'s,
    /// with no register for the `and` (`c` runs only when `k` holds, as in the `and`);
    /// anything else is [`Self::jump_unless`].
    fn jumps_unless(&mut self, b: &mut ChunkBuilder, cond: &hir::Expr) -> Vec<usize> {
        if let ExprKind::Binary {
            op: BinaryOp::And,
            lhs,
            rhs,
        } = &cond.kind
            && self.fold(cond).is_none()
            && self.kind_condition(lhs).is_some()
        {
            let mut jumps = self.jumps_unless(b, lhs);
            jumps.extend(self.jumps_unless(b, rhs));
            return jumps;
        }
        vec![self.jump_unless(b, cond)]
    }

    /// A jump (its target patched later) taken unless `cond` is true: a kind test
    /// (`type_of(x) == "object"`) is one `jump_unless_kind` on `x`, which never fails,
    /// as the test never does; any other condition is computed into a register first.
    fn jump_unless(&mut self, b: &mut ChunkBuilder, cond: &hir::Expr) -> usize {
        if let Some((x, kinds)) = self.kind_condition(cond) {
            let src = self.expr_reg(b, x);
            return b.emit(Instr::JumpUnlessKind {
                src,
                kinds,
                target: ChunkBuilder::unknown(),
            });
        }
        let c = self.expr_reg(b, cond);
        b.emit(Instr::JumpUnlessTrue {
            cond: c,
            target: ChunkBuilder::unknown(),
        })
    }

    /// The head of a loop (`for` clause, comprehension): evaluate the collection, start
    /// iterating in a fresh slot, take the next element (and its key). Returns the
    /// index of the `iter_next` (where the loop continues), of the `iter_next` to patch
    /// with the loop's end, the value's register and the iteration slot.
    pub(crate) fn loop_head(
        &mut self,
        b: &mut ChunkBuilder,
        key: Option<hir::LocalId>,
        value: hir::LocalId,
        iter: &hir::Expr,
    ) -> (usize, usize, Reg, pol_bytecode::Slot) {
        let src = self.expr_reg(b, iter);
        let slot = b.push_slot();
        b.emit(Instr::IterInit { slot, src });
        let next = b.here();
        let value = self.local(b, value);
        let to_done = b.emit(Instr::IterNext {
            slot,
            value,
            done: ChunkBuilder::unknown(),
        });
        if let Some(key) = key {
            let dst = self.local(b, key);
            b.emit(Instr::IterKey { dst, slot });
        }
        (next, to_done, value, slot)
    }
}

/// Register `start + i`.
pub(crate) fn offset(start: Reg, i: usize) -> Reg {
    Reg(u16::try_from(start.0 as usize + i).unwrap_or(u16::MAX))
}

fn len16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn len8(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}
