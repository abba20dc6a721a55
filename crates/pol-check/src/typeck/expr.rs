//! Type inference and checks for expressions.

use super::sigs;
use super::ty::{Kinds, Ty, union, union_all};
use super::{Checker, Env, Typed};
use crate::hir::{self, BinaryOp, Callee, Clause, ExprKind, FStringPart, UnaryOp};
use crate::suggest::did_you_mean;
use pol_diagnostics::{Code, Diagnostic, Span};
use std::rc::Rc;

/// The kinds a binary operator accepts for one pair of non-null operand kinds.
fn pair_ok(op: BinaryOp, a: Kinds, b: Kinds) -> bool {
    let num = |k: Kinds| k.only(Kinds::NUMBER);
    match op {
        BinaryOp::Add => {
            (num(a) && num(b))
                || (a == Kinds::STR && b == Kinds::STR)
                || (a == Kinds::LIST && b == Kinds::LIST)
        }
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => num(a) && num(b),
        BinaryOp::Rem => a == Kinds::INT && b == Kinds::INT,
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            (num(a) && num(b)) || (a == Kinds::STR && b == Kinds::STR)
        }
        // `x in xs`: `b` is the collection.
        BinaryOp::In | BinaryOp::NotIn => match b {
            Kinds::LIST | Kinds::SET | Kinds::OBJECT => true,
            Kinds::STR => a == Kinds::STR,
            _ => false,
        },
        BinaryOp::And | BinaryOp::Or => a == Kinds::BOOL && b == Kinds::BOOL,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Coalesce => true,
    }
}

fn op_help(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => {
            "`+` adds two numbers, joins two strings or two lists; convert with `to_string`, `to_int` or an f-string"
        }
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
            "this operator takes two numbers; convert with `to_int` or `to_float`"
        }
        BinaryOp::Rem => "`%` takes two ints",
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            "ordering compares two numbers or two strings; convert one side with `to_int` or `to_string`"
        }
        BinaryOp::In | BinaryOp::NotIn => {
            "`in` looks in a list, a set, an object's keys, or (for a string) a substring"
        }
        BinaryOp::And | BinaryOp::Or => "`and` and `or` take bools (or null)",
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Coalesce => "",
    }
}

impl Checker<'_> {
    /// Infers the type of `e`, reporting type errors in it (and, when proving kinds
    /// for the compiler, recording them).
    pub(super) fn infer(&mut self, env: &mut Env, e: &hir::Expr) -> Typed {
        self.depth += 1;
        let t = self.infer_kind(env, e);
        self.depth -= 1;
        if let Some(table) = &mut self.record {
            let (kinds, dynamic) = self.types.kinds(&t.ty);
            table.record(e.span, if dynamic { Kinds::ALL } else { kinds });
        }
        t
    }

    fn infer_kind(&mut self, env: &mut Env, e: &hir::Expr) -> Typed {
        match &e.kind {
            ExprKind::Null => Typed::of(Ty::Null),
            ExprKind::Bool(b) => Typed {
                constant: Some(*b),
                ..Typed::of(Ty::Bool)
            },
            ExprKind::Int(_) => Typed::of(Ty::Int),
            ExprKind::Float(_) => Typed::of(Ty::Float),
            ExprKind::Str(_) => Typed::of(Ty::Str),
            ExprKind::FString(parts) => {
                for part in parts {
                    if let FStringPart::Expr(p) = part {
                        self.infer(env, p);
                    }
                }
                Typed::of(Ty::Str)
            }
            ExprKind::Error => Typed::any(),
            ExprKind::Local(id) => {
                let t = Typed {
                    constant: None,
                    ..env.get(*id)
                };
                self.narrowed(env, e, t)
            }
            ExprKind::Let(id) => self.let_type(*id),
            ExprKind::Input | ExprKind::Data => {
                let ty = if matches!(e.kind, ExprKind::Input) {
                    self.input_type()
                } else {
                    self.data_type()
                };
                let t = Typed {
                    ty,
                    computed: false,
                    constant: None,
                };
                self.narrowed(env, e, t)
            }
            ExprKind::Field { recv, name } => {
                let r = self.infer(env, recv);
                let t = self.field(&r, name, e.span);
                self.narrowed(env, e, t)
            }
            ExprKind::Index { recv, index } => {
                let r = self.infer(env, recv);
                if let ExprKind::Str(key) = &index.kind {
                    let t = self.field(&r, key, e.span);
                    return self.narrowed(env, e, t);
                }
                let i = self.infer(env, index);
                let (ik, idyn) = self.types.kinds(&i.ty);
                let mut out = Ty::Never;
                for m in self.types.members(&r.ty) {
                    out = union(
                        out,
                        match m {
                            Ty::Any => Ty::Any,
                            Ty::List(t) if idyn || ik.has(Kinds::INT) => {
                                Rc::unwrap_or_clone(t).nullable()
                            }
                            Ty::Map(t) if idyn || ik.has(Kinds::STR) => {
                                Rc::unwrap_or_clone(t).nullable()
                            }
                            Ty::Record(fields) if idyn || ik.has(Kinds::STR) => {
                                union_all(fields.iter().map(|(_, f)| f.ty.clone())).nullable()
                            }
                            _ => Ty::Null,
                        },
                    );
                }
                if matches!(out, Ty::Never) {
                    out = Ty::Null;
                }
                Typed {
                    ty: out,
                    computed: false,
                    constant: None,
                }
            }
            ExprKind::Call { callee, args } => self.call(env, *callee, args, e.span),
            ExprKind::Unary { op, expr } => {
                let t = self.infer(env, expr);
                let (kinds, dynamic) = self.types.kinds(&t.ty);
                let nullable = self.maybe_null(kinds, dynamic);
                let (allowed, result, what) = match op {
                    UnaryOp::Not => (Kinds::BOOL, Ty::Bool, "`not` takes a bool"),
                    UnaryOp::Neg => (
                        Kinds::NUMBER,
                        self.types.non_null(&t.ty),
                        "`-` takes a number",
                    ),
                };
                if !dynamic && !kinds.without(Kinds::NULL).only(allowed) {
                    let shown = self.types.show(&t.ty);
                    self.report(
                        Diagnostic::error(
                            Code::IncompatibleOperands,
                            expr.span,
                            format!("{what}, not `{shown}`"),
                        )
                        .with_label(format!("this is `{shown}`")),
                    );
                    return Typed::any();
                }
                let ty = if dynamic {
                    if *op == UnaryOp::Neg {
                        Ty::Any
                    } else if nullable {
                        Ty::Bool.nullable()
                    } else {
                        Ty::Bool
                    }
                } else if nullable {
                    result.nullable()
                } else {
                    result
                };
                let constant = if *op == UnaryOp::Not {
                    t.constant.map(|b| !b)
                } else {
                    None
                };
                Typed {
                    ty,
                    computed: true,
                    constant,
                }
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(env, *op, lhs, rhs, e.span),
            ExprKind::If { cond, then, els } => {
                self.condition(env, cond);
                let mark = env.facts.mark();
                let yes = self.facts_of(env, cond, true);
                env.facts.extend(yes);
                let a = self.infer(env, then);
                env.facts.truncate(mark);
                let no = self.facts_of(env, cond, false);
                env.facts.extend(no);
                let b = self.infer(env, els);
                env.facts.truncate(mark);
                Typed {
                    ty: union(a.ty, b.ty),
                    computed: a.computed && b.computed,
                    constant: None,
                }
            }
            ExprKind::Quantified {
                key,
                value,
                iter,
                cond,
                ..
            } => {
                let it = self.infer(env, iter);
                self.bind_loop(env, *key, *value, &it, iter.span);
                let c = self.condition(env, cond);
                let nullable = c.is_some_and(|t| {
                    let (k, d) = self.types.kinds(&t.ty);
                    self.maybe_null(k, d)
                });
                Typed::of(if nullable {
                    Ty::Bool.nullable()
                } else {
                    Ty::Bool
                })
            }
            ExprKind::List(items) => {
                let elem = union_all(items.iter().map(|i| self.infer(env, i).ty));
                Typed::of(Ty::list(elem))
            }
            ExprKind::Set(items) => {
                let elem = union_all(items.iter().map(|i| self.infer(env, i).ty));
                Typed::of(Ty::set(elem))
            }
            ExprKind::Object(pairs) => {
                let mut fields: Vec<(String, super::ty::Field)> = Vec::new();
                let mut computed = Ty::Never;
                let mut literal_keys = true;
                for (k, v) in pairs {
                    let kt = self.infer(env, k);
                    self.object_key(&kt, k.span);
                    let vt = self.infer(env, v);
                    match &k.kind {
                        ExprKind::Str(name) => {
                            fields.push((
                                name.clone(),
                                super::ty::Field {
                                    ty: vt.ty.clone(),
                                    optional: false,
                                },
                            ));
                        }
                        _ => literal_keys = false,
                    }
                    computed = union(computed, vt.ty);
                }
                if literal_keys {
                    Typed::of(Ty::record(fields))
                } else {
                    Typed::of(Ty::map(computed))
                }
            }
            ExprKind::ListComp { elem, clauses } => {
                let mark = env.facts.mark();
                self.comp_clauses(env, clauses);
                let t = self.infer(env, elem);
                env.facts.truncate(mark);
                Typed::of(Ty::list(t.ty))
            }
            ExprKind::SetComp { elem, clauses } => {
                let mark = env.facts.mark();
                self.comp_clauses(env, clauses);
                let t = self.infer(env, elem);
                env.facts.truncate(mark);
                Typed::of(Ty::set(t.ty))
            }
            ExprKind::ObjectComp {
                key,
                value,
                clauses,
            } => {
                let mark = env.facts.mark();
                self.comp_clauses(env, clauses);
                let kt = self.infer(env, key);
                self.object_key(&kt, key.span);
                let vt = self.infer(env, value);
                env.facts.truncate(mark);
                Typed::of(Ty::map(vt.ty))
            }
        }
    }

    /// The declared type of `input` in the package of the body being checked.
    /// Whether a value of these kinds may be null. An `any` value is taken as not null
    /// when checking (it is checked at run time), but as maybe null when proving kinds
    /// for the compiler, where only what holds on every document counts.
    fn maybe_null(&self, kinds: Kinds, dynamic: bool) -> bool {
        kinds.has(Kinds::NULL) && (!dynamic || self.record.is_some())
    }

    /// The declared type of `input` in the current package: `any` when proving kinds
    /// for the compiler, since documents are not checked against it at run time.
    fn input_type(&self) -> Ty {
        self.declared(|p| p.input_type.as_ref())
    }

    /// The declared type of `data` in the current package, as [`Self::input_type`].
    fn data_type(&self) -> Ty {
        self.declared(|p| p.data_type.as_ref())
    }

    /// A type the current package declares (`input: T`, `data: T`): `any` when it
    /// declares none, or when proving kinds for the compiler.
    fn declared(&self, which: impl Fn(&hir::PackageInfo) -> Option<&hir::Type>) -> Ty {
        if self.record.is_some() {
            return Ty::Any;
        }
        self.program
            .package(self.package)
            .and_then(which)
            .map_or(Ty::Any, super::ty::from_hir)
    }

    /// The facts `cond` gives when it is true (`positive`) or not.
    pub(super) fn facts_of(
        &self,
        env: &Env,
        cond: &hir::Expr,
        positive: bool,
    ) -> Vec<(String, Ty)> {
        let type_of = |e: &hir::Expr| -> Ty { self.peek(env, e) };
        super::narrow::facts(&self.types, cond, positive, &type_of)
    }

    /// The type of a path expression, without reporting anything.
    fn peek(&self, env: &Env, e: &hir::Expr) -> Ty {
        if let Some(key) = super::narrow::path(e)
            && let Some(t) = env.facts.get(&key)
        {
            return t.clone();
        }
        match &e.kind {
            ExprKind::Local(id) => env.get(*id).ty,
            ExprKind::Input => self.input_type(),
            ExprKind::Data => self.data_type(),
            ExprKind::Field { recv, name } => self.types.field(&self.peek(env, recv), name).ty,
            ExprKind::Index { recv, index } => match &index.kind {
                ExprKind::Str(name) => self.types.field(&self.peek(env, recv), name).ty,
                _ => Ty::Any,
            },
            _ => Ty::Any,
        }
    }

    /// Infers a path expression: its narrowed type when a condition gave one.
    fn narrowed(&self, env: &Env, e: &hir::Expr, t: Typed) -> Typed {
        match super::narrow::path(e).and_then(|key| env.facts.get(&key).cloned()) {
            Some(ty) => Typed { ty, ..t },
            None => t,
        }
    }

    fn object_key(&mut self, key: &Typed, span: Span) {
        let (kinds, dynamic) = self.types.kinds(&key.ty);
        if !dynamic && !kinds.only(Kinds::STR) {
            let shown = self.types.show(&key.ty);
            self.report(
                Diagnostic::error(
                    Code::IncompatibleOperands,
                    span,
                    format!("object keys are strings, not `{shown}`"),
                )
                .with_label(format!("this is `{shown}`"))
                .with_help("convert the key with `to_string`"),
            );
        }
    }

    /// `recv.name`: an error when no record `recv` may be declares the field.
    fn field(&mut self, recv: &Typed, name: &str, span: Span) -> Typed {
        let read = self.types.field(&recv.ty, name);
        if read.unknown {
            let shown = self.types.show(&recv.ty);
            let mut d = Diagnostic::error(
                Code::UnknownField,
                span,
                format!("`{shown}` has no field `{name}`"),
            )
            .with_label("unknown field");
            let help = did_you_mean(name, read.known_fields.iter().map(String::as_str));
            d = match help {
                Some(h) => d.with_help(h),
                None => {
                    let mut names = read.known_fields.clone();
                    names.sort();
                    names.dedup();
                    names.truncate(12);
                    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    d.with_help(format!("its fields are {}", list.join(", ")))
                }
            };
            self.report(d);
            return Typed {
                ty: Ty::Any,
                computed: false,
                constant: None,
            };
        }
        Typed {
            ty: read.ty,
            computed: false,
            constant: None,
        }
    }

    /// What a `for` or quantifier gives: (key type, value type); an error for values
    /// that cannot be iterated.
    pub(super) fn iterate(&mut self, it: &Typed, span: Span) -> (Ty, Ty) {
        let (kinds, dynamic) = self.types.kinds(&it.ty);
        let iterable = Kinds(Kinds::NULL.0 | Kinds::LIST.0 | Kinds::SET.0 | Kinds::OBJECT.0);
        if !dynamic && !kinds.only(iterable) {
            let shown = self.types.show(&it.ty);
            self.report(
                Diagnostic::error(
                    Code::NotIterable,
                    span,
                    format!("cannot iterate over `{shown}`"),
                )
                .with_label(format!("this is `{shown}`"))
                .with_help("`for` and quantifiers iterate lists, sets and objects (their values)"),
            );
            return (Ty::Any, Ty::Any);
        }
        self.types.elements(&it.ty)
    }

    /// Checks a condition (`if`, quantifier body): a bool or null.
    pub(super) fn condition(&mut self, env: &mut Env, cond: &hir::Expr) -> Option<Typed> {
        let t = self.infer(env, cond);
        let (kinds, dynamic) = self.types.kinds(&t.ty);
        if !dynamic && !kinds.only(Kinds(Kinds::BOOL.0 | Kinds::NULL.0)) {
            let shown = self.types.show(&t.ty);
            self.report(
                Diagnostic::error(
                    Code::NonBoolCondition,
                    cond.span,
                    format!("a condition must be a bool, not `{shown}`"),
                )
                .with_label(format!("this is `{shown}`"))
                .with_help("compare it explicitly, e.g. `x != null` or `len(x) > 0`"),
            );
            return None;
        }
        Some(t)
    }

    /// Binds the variables of a loop over a value of type `it`: the key or index, and
    /// the element (a read of the collection, so possibly an input value).
    pub(super) fn bind_loop(
        &mut self,
        env: &mut Env,
        key: Option<crate::hir::LocalId>,
        value: crate::hir::LocalId,
        it: &Typed,
        span: Span,
    ) {
        let (k, v) = self.iterate(it, span);
        if let Some(key) = key {
            env.set(key, Typed::of(k));
        }
        env.set(
            value,
            Typed {
                ty: v,
                computed: false,
                constant: None,
            },
        );
    }

    /// Checks a comprehension's clauses; the facts of its conditions hold until the
    /// caller truncates them, after the element.
    fn comp_clauses(&mut self, env: &mut Env, clauses: &[Clause]) {
        for clause in clauses {
            match clause {
                Clause::For { key, value, iter } => {
                    let it = self.infer(env, iter);
                    self.bind_loop(env, *key, *value, &it, iter.span);
                }
                Clause::If(cond) => {
                    self.condition(env, cond);
                    let facts = self.facts_of(env, cond, true);
                    env.facts.extend(facts);
                }
                Clause::Let { local, value } => {
                    let t = self.infer(env, value);
                    env.set(*local, t);
                }
            }
        }
    }

    fn call(&mut self, env: &mut Env, callee: Callee, args: &[hir::Expr], span: Span) -> Typed {
        let typed: Vec<Typed> = args.iter().map(|a| self.infer(env, a)).collect();
        match callee {
            Callee::Builtin(b) => {
                let tys: Vec<Ty> = typed.iter().map(|t| t.ty.clone()).collect();
                match sigs::call(&self.types, b, &tys, self.record.is_some()) {
                    Ok(ty) => {
                        // `min` and `max` return an element of their argument.
                        let computed = !matches!(b, crate::Builtin::Min | crate::Builtin::Max);
                        Typed {
                            ty,
                            computed,
                            constant: None,
                        }
                    }
                    Err(err) => {
                        let arg_span = args.get(err.index).map_or(span, |a| a.span);
                        let shown = typed
                            .get(err.index)
                            .map_or_else(String::new, |t| self.types.show(&t.ty));
                        self.report(
                            Diagnostic::error(
                                Code::WrongArgumentType,
                                arg_span,
                                format!(
                                    "`{}` expects {} here, not `{shown}`",
                                    b.name(),
                                    err.expected
                                ),
                            )
                            .with_label(format!("this is `{shown}`")),
                        );
                        Typed::any()
                    }
                }
            }
            Callee::User(id) => {
                self.check_params(id, &typed, args, span);
                self.call_user(id, typed, span)
            }
        }
    }

    /// Arguments against declared parameter types.
    fn check_params(&mut self, id: hir::FnId, typed: &[Typed], args: &[hir::Expr], span: Span) {
        let program = self.program;
        let Some(def) = program.fn_def(id) else {
            return;
        };
        for (i, (p, a)) in def.params.iter().zip(typed).enumerate() {
            let Some(declared) = &p.ty else { continue };
            let declared = super::ty::from_hir(declared);
            let (want, want_dyn) = self.types.kinds(&declared);
            let (got, got_dyn) = self.types.kinds(&a.ty);
            if want_dyn || got_dyn || got.without(Kinds::NULL).only(want) {
                continue;
            }
            let shown = self.types.show(&a.ty);
            let param = def.body.local(p.local).map_or("?", |l| l.name.as_str());
            let expected = self.types.show(&declared);
            self.report(
                Diagnostic::error(
                    Code::WrongArgumentType,
                    args.get(i).map_or(span, |a| a.span),
                    format!(
                        "`{}` expects `{param}: {expected}`, not `{shown}`",
                        def.info.name
                    ),
                )
                .with_label(format!("this is `{shown}`"))
                .with_secondary(def.info.name_span, "declared here"),
            );
        }
    }

    /// Checks a function's body type against its declared result type.
    pub(super) fn check_result(&mut self, def: &hir::FnDef, body: &Typed, ret: &Ty) {
        let (want, want_dyn) = self.types.kinds(ret);
        let (got, got_dyn) = self.types.kinds(&body.ty);
        if want_dyn || got_dyn || got.without(Kinds::NULL).only(want) {
            return;
        }
        let (shown, expected) = (self.types.show(&body.ty), self.types.show(ret));
        self.report(
            Diagnostic::error(
                Code::ResultTypeMismatch,
                def.value.span,
                format!(
                    "`{}` is declared to return `{expected}` but gives `{shown}`",
                    def.info.name
                ),
            )
            .with_label(format!("this is `{shown}`")),
        );
    }

    fn binary(
        &mut self,
        env: &mut Env,
        op: BinaryOp,
        lhs: &hir::Expr,
        rhs: &hir::Expr,
        span: Span,
    ) -> Typed {
        let a = self.infer(env, lhs);
        // `a and b` reads `b` only when `a` is true; `a or b` only when it is not.
        let mark = env.facts.mark();
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let facts = self.facts_of(env, lhs, op == BinaryOp::And);
            env.facts.extend(facts);
        }
        let b = self.infer(env, rhs);
        env.facts.truncate(mark);
        let (ka, da) = self.types.kinds(&a.ty);
        let (kb, db) = self.types.kinds(&b.ty);
        let nullable = self.maybe_null(ka, da) || self.maybe_null(kb, db);
        match op {
            BinaryOp::Eq | BinaryOp::Ne => {
                let constant = self.comparison_constant(op, &a, &b, lhs, rhs, span);
                return Typed {
                    constant,
                    ..Typed::of(Ty::Bool)
                };
            }
            BinaryOp::Coalesce => {
                let left = self.types.non_null(&a.ty);
                return Typed {
                    ty: union(left, b.ty),
                    computed: a.computed && b.computed,
                    constant: None,
                };
            }
            _ => {}
        }
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            // Each operand on its own: `null or 1` fails at run time too.
            let logical = Kinds(Kinds::BOOL.0 | Kinds::NULL.0);
            for (t, k, d, side) in [(&a, ka, da, lhs), (&b, kb, db, rhs)] {
                if !d && !k.only(logical) {
                    let shown = self.types.show(&t.ty);
                    self.report(
                        Diagnostic::error(
                            Code::IncompatibleOperands,
                            side.span,
                            format!("`{}` takes bools, not `{shown}`", op.as_str()),
                        )
                        .with_label(format!("this is `{shown}`"))
                        .with_help(op_help(op)),
                    );
                    return Typed::any();
                }
            }
        }
        if !da && !db {
            let bad = ka
                .without(Kinds::NULL)
                .each()
                .flat_map(|x| kb.without(Kinds::NULL).each().map(move |y| (x, y)))
                .find(|&(x, y)| !pair_ok(op, x, y));
            if let Some((x, y)) = bad {
                let (sa, sb) = (self.types.show(&a.ty), self.types.show(&b.ty));
                let what = if x.name() == sa && y.name() == sb {
                    format!("cannot apply `{}` to `{sa}` and `{sb}`", op.as_str())
                } else {
                    format!(
                        "cannot apply `{}` to `{sa}` and `{sb}` (fails when they are `{}` and `{}`)",
                        op.as_str(),
                        x.name(),
                        y.name()
                    )
                };
                self.report(
                    Diagnostic::error(Code::IncompatibleOperands, span, what)
                        .with_secondary(lhs.span, format!("this is `{sa}`"))
                        .with_secondary(rhs.span, format!("this is `{sb}`"))
                        .with_help(op_help(op)),
                );
                return Typed::any();
            }
        }
        let result = match op {
            BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::In
            | BinaryOp::NotIn => Ty::Bool,
            BinaryOp::And | BinaryOp::Or => Ty::Bool,
            BinaryOp::Add if da || db => Ty::Any,
            BinaryOp::Add => {
                let (na, nb) = (ka.without(Kinds::NULL), kb.without(Kinds::NULL));
                if na == Kinds::STR {
                    Ty::Str
                } else if na == Kinds::LIST {
                    let ea = self.types.elements(&a.ty).1;
                    let eb = self.types.elements(&b.ty).1;
                    Ty::list(union(ea, eb))
                } else {
                    arith(na, nb)
                }
            }
            BinaryOp::Sub | BinaryOp::Mul if da || db => Ty::Any,
            BinaryOp::Sub | BinaryOp::Mul => {
                arith(ka.without(Kinds::NULL), kb.without(Kinds::NULL))
            }
            BinaryOp::Div if da || db => Ty::Any,
            BinaryOp::Div => {
                if ka.without(Kinds::NULL) == Kinds::FLOAT
                    || kb.without(Kinds::NULL) == Kinds::FLOAT
                {
                    Ty::Float
                } else {
                    union(Ty::Int, Ty::Float)
                }
            }
            BinaryOp::Rem => Ty::Int,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Coalesce => Ty::Bool,
        };
        let constant = match op {
            BinaryOp::And => match (a.constant, b.constant) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            BinaryOp::Or => match (a.constant, b.constant) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            _ => None,
        };
        let ty = if nullable && !matches!(result, Ty::Any) {
            result.nullable()
        } else {
            result
        };
        Typed {
            ty,
            computed: true,
            constant,
        }
    }

    /// `==` / `!=` between values that can never be equal: a warning, and the known
    /// result.
    fn comparison_constant(
        &mut self,
        op: BinaryOp,
        a: &Typed,
        b: &Typed,
        lhs: &hir::Expr,
        rhs: &hir::Expr,
        span: Span,
    ) -> Option<bool> {
        if let Some(equal) = literal_equal(lhs, rhs) {
            return Some(if op == BinaryOp::Eq { equal } else { !equal });
        }
        let (ka, da) = self.types.kinds(&a.ty);
        let (kb, db) = self.types.kinds(&b.ty);
        if da || db {
            return None;
        }
        // Ints and floats compare by value.
        let widen = |k: Kinds| {
            if k.has(Kinds::NUMBER) {
                k.union(Kinds::NUMBER)
            } else {
                k
            }
        };
        if widen(ka).has(widen(kb)) {
            return None;
        }
        let (sa, sb) = (self.types.show(&a.ty), self.types.show(&b.ty));
        let always = op == BinaryOp::Ne;
        self.report(
            Diagnostic::warning(
                Code::ComparisonNeverTrue,
                span,
                format!("`{sa}` and `{sb}` are never equal: this is always `{always}`"),
            )
            .with_secondary(lhs.span, format!("this is `{sa}`"))
            .with_secondary(rhs.span, format!("this is `{sb}`"))
            .with_help(if sa == "null" || sb == "null" {
                "by its type this value is never null, so the test is not needed"
            } else {
                "values of different kinds are never equal (`\"1\" != 1`); convert one side first"
            }),
        );
        // Already explained: no second warning for the condition it makes constant.
        None
    }
}

/// Whether two literals are equal (`None` unless both are scalar literals).
#[expect(
    clippy::cast_precision_loss,
    clippy::float_cmp,
    reason = "literal comparison as the VM does it"
)]
fn literal_equal(a: &hir::Expr, b: &hir::Expr) -> Option<bool> {
    use ExprKind as K;
    Some(match (&a.kind, &b.kind) {
        (K::Null, K::Null) => true,
        (K::Bool(x), K::Bool(y)) => x == y,
        (K::Int(x), K::Int(y)) => x == y,
        (K::Float(x), K::Float(y)) => x == y,
        (K::Int(x), K::Float(y)) | (K::Float(y), K::Int(x)) => (*x as f64) == *y,
        (K::Str(x), K::Str(y)) => x == y,
        (
            K::Null | K::Bool(_) | K::Int(_) | K::Float(_) | K::Str(_),
            K::Null | K::Bool(_) | K::Int(_) | K::Float(_) | K::Str(_),
        ) => false,
        _ => return None,
    })
}

/// The result of `+ - *` on numbers.
fn arith(a: Kinds, b: Kinds) -> Ty {
    if a == Kinds::INT && b == Kinds::INT {
        Ty::Int
    } else if a == Kinds::FLOAT || b == Kinds::FLOAT {
        Ty::Float
    } else {
        union(Ty::Int, Ty::Float)
    }
}
