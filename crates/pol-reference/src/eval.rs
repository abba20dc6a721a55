//! The evaluator: expressions, lets and calls (loops are in `loops`).

use crate::Options;
use crate::builtins;
use crate::error::{Eval, Failure, Stop, fail};
use crate::ops::{self, At};
use crate::order::{insert_member, make_set};
use crate::text::to_text;
use crate::value::{Kind, Value, element, field, kind, resolve};
use pol_check::hir::{BinaryOp, Callee, Expr, ExprKind, FStringPart, LetId, LocalId, Program};
use pol_diagnostics::{SourceMap, Span};
use pol_facts::{Document, EvalError, PolicyLocation};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

/// The locals of one running definition, indexed by [`LocalId`].
pub(crate) struct Frame {
    locals: Vec<Option<Value>>,
}

impl Frame {
    /// A frame with room for `len` locals, none bound yet.
    pub(crate) fn new(len: usize) -> Frame {
        Frame {
            locals: vec![None; len],
        }
    }

    /// Binds a local.
    pub(crate) fn set(&mut self, local: LocalId, v: Value) {
        if let Some(slot) = self.locals.get_mut(local.index()) {
            *slot = Some(v);
        }
    }

    fn get(&self, local: LocalId, span: Span) -> Eval<Value> {
        self.locals
            .get(local.index())
            .cloned()
            .flatten()
            .ok_or_else(|| fail(span, "internal error: a local is read before it is bound"))
    }
}

/// Where a top-level let is in its evaluation.
#[derive(Clone)]
enum LetState {
    NotYet,
    Running,
    Done(Value),
    Failed,
}

/// The state of one evaluation of a program on a document.
pub(crate) struct Evaluator<'a> {
    pub(crate) program: &'a Program,
    pub(crate) sources: &'a SourceMap,
    pub(crate) doc: &'a Document,
    pub(crate) options: &'a Options,
    steps: u64,
    lets: Vec<LetState>,
    /// Compiled regexes and globs by pattern (an invalid one keeps its error).
    pub(crate) regexes: HashMap<String, Result<regex::Regex, String>>,
    pub(crate) globs: HashMap<String, Result<globset::GlobMatcher, String>>,
    /// Recorded runtime errors, in order, and what identifies each one.
    pub(crate) errors: Vec<EvalError>,
    /// The value of `data` (an empty object unless the setup gives one).
    pub(crate) data: Value,
    seen_errors: HashSet<(String, String, String, u32, u32)>,
}

impl<'a> Evaluator<'a> {
    pub(crate) fn new(
        program: &'a Program,
        sources: &'a SourceMap,
        doc: &'a Document,
        options: &'a Options,
    ) -> Evaluator<'a> {
        Evaluator {
            program,
            sources,
            doc,
            options,
            steps: 0,
            lets: vec![LetState::NotYet; program.lets.len()],
            regexes: HashMap::new(),
            globs: HashMap::new(),
            errors: Vec::new(),
            data: Value::Object(std::rc::Rc::default()),
            seen_errors: HashSet::new(),
        }
    }

    /// The operator context at `span`.
    pub(crate) fn at(&self, span: Span) -> At<'a> {
        At {
            doc: self.doc,
            span,
            size_limit: self.options.size_limit,
        }
    }

    /// The policy position of a span.
    pub(crate) fn policy_location(&self, span: Span) -> PolicyLocation {
        let (file, pos) = self
            .sources
            .locate(span)
            .map_or((String::new(), (0, 0)), |(f, lc)| {
                (f.to_owned(), (lc.line, lc.column))
            });
        PolicyLocation {
            file: file.into(),
            line: pos.0,
            column: pos.1,
        }
    }

    /// Records a runtime error of `owner` (a rule's or let's full name), once per
    /// owner, message and position.
    pub(crate) fn record(&mut self, owner: &str, failure: Failure) {
        let policy = self.policy_location(failure.span);
        let key = (
            owner.to_owned(),
            failure.message.clone(),
            policy.file.to_string(),
            policy.line,
            policy.column,
        );
        if self.seen_errors.insert(key) {
            self.errors
                .push(EvalError::new(owner.into(), failure.message, policy));
        }
    }

    /// The steps taken so far.
    pub(crate) fn steps(&self) -> u64 {
        self.steps
    }

    /// Sets the steps taken (to give back the steps of an observer's evaluations).
    pub(crate) fn set_steps(&mut self, steps: u64) {
        self.steps = steps;
    }

    /// Gives top-level let `id` this value before anything runs (an option's value).
    pub(crate) fn preset_let(&mut self, id: LetId, value: Value) {
        self.set_let(id, LetState::Done(value));
    }

    /// True once the step budget is spent: the evaluation stops (docs/evaluation.md).
    pub(crate) fn exhausted(&self) -> bool {
        self.steps > self.options.step_limit
    }

    /// Evaluates an expression.
    pub(crate) fn eval(&mut self, frame: &mut Frame, e: &Expr) -> Eval<Value> {
        self.steps += 1;
        if self.steps > self.options.step_limit {
            return Err(fail(
                e.span,
                format!("step limit of {} exceeded", self.options.step_limit),
            ));
        }
        match &e.kind {
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Int(i) => Ok(Value::Int(*i)),
            ExprKind::Float(f) => Ok(Value::Float(*f)),
            ExprKind::Str(s) => Ok(Value::str(s)),
            ExprKind::FString(parts) => self.fstring(frame, parts, e.span),
            ExprKind::Local(local) => frame.get(*local, e.span),
            ExprKind::Let(id) => self.let_value(*id, e.span),
            ExprKind::Input => Ok(Value::Node(self.doc.root())),
            ExprKind::Data => Ok(self.data.clone()),
            ExprKind::Field { recv, name } => {
                let v = self.eval(frame, recv)?;
                Ok(field(self.doc, &v, name))
            }
            ExprKind::Index { recv, index } => {
                let v = self.eval(frame, recv)?;
                let i = self.eval(frame, index)?;
                Ok(self.index(&v, &i))
            }
            ExprKind::Call { callee, args } => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.eval(frame, arg)?);
                }
                match callee {
                    Callee::Builtin(b) => builtins::call(self, *b, &values, e.span),
                    Callee::User(id) => self.call_fn(*id, values, e.span),
                }
            }
            ExprKind::Unary { op, expr } => {
                let v = self.eval(frame, expr)?;
                ops::unary(&self.at(e.span), *op, &v)
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(frame, *op, lhs, rhs, e.span),
            ExprKind::If { cond, then, els } => {
                let c = self.eval(frame, cond)?;
                if ops::truth(&self.at(e.span), "if", &c)? == Some(true) {
                    self.eval(frame, then)
                } else {
                    self.eval(frame, els)
                }
            }
            ExprKind::Quantified {
                quantifier,
                key,
                value,
                iter,
                cond,
            } => self.quantified(frame, *quantifier, (*key, *value), iter, cond, e.span),
            ExprKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.eval(frame, item)?);
                }
                Ok(Value::list(values))
            }
            ExprKind::Set(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.eval(frame, item)?);
                }
                Ok(make_set(self.doc, values))
            }
            ExprKind::Object(entries) => {
                let mut map = BTreeMap::new();
                for (k, v) in entries {
                    // Key, then value, then the key's type check (evaluation.md).
                    let key = self.eval(frame, k)?;
                    let value = self.eval(frame, v)?;
                    map.insert(self.object_key(&key, e.span)?, value);
                }
                Ok(Value::Object(Rc::new(map)))
            }
            ExprKind::ListComp { elem, clauses } => {
                let mut out = Vec::new();
                self.comprehension(frame, clauses, e.span, &mut |ev, frame| {
                    out.push(ev.eval(frame, elem)?);
                    Ok(out.len())
                })?;
                Ok(Value::list(out))
            }
            ExprKind::SetComp { elem, clauses } => {
                let mut members = Vec::new();
                self.comprehension(frame, clauses, e.span, &mut |ev, frame| {
                    let v = ev.eval(frame, elem)?;
                    insert_member(ev.doc, &mut members, v);
                    Ok(members.len())
                })?;
                Ok(Value::Set(Rc::new(members)))
            }
            ExprKind::ObjectComp {
                key,
                value,
                clauses,
            } => {
                let mut map = BTreeMap::new();
                self.comprehension(frame, clauses, e.span, &mut |ev, frame| {
                    let k = ev.eval(frame, key)?;
                    let v = ev.eval(frame, value)?;
                    map.insert(ev.object_key(&k, e.span)?, v);
                    Ok(map.len())
                })?;
                Ok(Value::Object(Rc::new(map)))
            }
            ExprKind::Error => Err(fail(e.span, "internal error: the program has errors")),
        }
    }

    fn binary(
        &mut self,
        frame: &mut Frame,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> Eval<Value> {
        let a = self.eval(frame, lhs)?;
        match op {
            BinaryOp::Coalesce => {
                if kind(self.doc, &a) == Kind::Null {
                    self.eval(frame, rhs)
                } else {
                    Ok(a)
                }
            }
            BinaryOp::And | BinaryOp::Or => {
                let name = op.as_str();
                let decisive = op == BinaryOp::Or;
                let x = ops::truth(&self.at(span), name, &a)?;
                if x == Some(decisive) {
                    return Ok(Value::Bool(decisive));
                }
                let b = self.eval(frame, rhs)?;
                let y = ops::truth(&self.at(span), name, &b)?;
                Ok(match (x, y) {
                    (_, Some(v)) if v == decisive => Value::Bool(decisive),
                    (Some(_), Some(v)) => Value::Bool(v),
                    _ => Value::Null,
                })
            }
            _ => {
                let b = self.eval(frame, rhs)?;
                ops::binary(&self.at(span), op, &a, &b)
            }
        }
    }

    /// `recv[index]`: never fails.
    fn index(&self, v: &Value, i: &Value) -> Value {
        match resolve(self.doc, i) {
            Value::Str(key) => field(self.doc, v, &key),
            Value::Int(i) => element(self.doc, v, i),
            _ => Value::Null,
        }
    }

    /// A key of an object being built: it must be a string.
    fn object_key(&self, key: &Value, span: Span) -> Eval<String> {
        match resolve(self.doc, key) {
            Value::Str(s) => Ok(s.to_string()),
            _ => Err(fail(
                span,
                format!(
                    "object keys must be strings, found {}",
                    kind(self.doc, key).described()
                ),
            )),
        }
    }

    /// `f"..."`: each part as `to_string` writes it, `null` as `null`.
    fn fstring(&mut self, frame: &mut Frame, parts: &[FStringPart], span: Span) -> Eval<Value> {
        let mut out = String::new();
        for part in parts {
            match part {
                FStringPart::Text(t) => out.push_str(t),
                FStringPart::Expr(e) => {
                    let v = self.eval(frame, e)?;
                    if kind(self.doc, &v) == Kind::Null {
                        out.push_str("null");
                    } else {
                        out.push_str(&to_text(self.doc, &v));
                    }
                }
            }
            self.at(span).check_size(out.len())?;
        }
        Ok(Value::str(&out))
    }

    /// The value of a top-level let: computed on first use, then kept; a let that
    /// failed records its error once and fails every use.
    pub(crate) fn let_value(&mut self, id: LetId, span: Span) -> Eval<Value> {
        let program = self.program;
        let Some(def) = program.let_def(id) else {
            return Err(fail(span, "internal error: unknown let"));
        };
        match self.lets.get(id.index()).cloned() {
            Some(LetState::Done(v)) => return Ok(v),
            Some(LetState::Failed) => return Err(Stop::Recorded),
            Some(LetState::Running) => {
                return Err(fail(span, "internal error: a let depends on itself"));
            }
            Some(LetState::NotYet) | None => {}
        }
        self.set_let(id, LetState::Running);
        let mut frame = Frame::new(def.body.locals.len());
        match self.eval(&mut frame, &def.value) {
            Ok(v) => {
                self.set_let(id, LetState::Done(v.clone()));
                Ok(v)
            }
            Err(stop) => {
                if let Stop::Error(failure) = stop {
                    self.record(&def.info.qualified, failure);
                }
                self.set_let(id, LetState::Failed);
                Err(Stop::Recorded)
            }
        }
    }

    fn set_let(&mut self, id: LetId, state: LetState) {
        if let Some(slot) = self.lets.get_mut(id.index()) {
            *slot = state;
        }
    }

    fn call_fn(&mut self, id: pol_check::hir::FnId, args: Vec<Value>, span: Span) -> Eval<Value> {
        let program = self.program;
        let Some(def) = program.fn_def(id) else {
            return Err(fail(span, "internal error: unknown function"));
        };
        let mut frame = Frame::new(def.body.locals.len());
        for (param, arg) in def.params.iter().zip(args) {
            frame.set(param.local, arg);
        }
        self.eval(&mut frame, &def.value)
    }
}
