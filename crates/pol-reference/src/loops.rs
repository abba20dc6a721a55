//! Loops: what `for` iterates over, comprehension clauses, `if` clauses and
//! quantifiers.

use crate::error::{Eval, fail};
use crate::eval::{Evaluator, Frame};
use crate::ops;
use crate::value::{Value, kind, object_entries, resolve};
use pol_check::hir::{Clause, Expr, LocalId, Quantifier};
use pol_diagnostics::Span;

impl<'a> Evaluator<'a> {
    /// The (key or index, value) pairs `for` and quantifiers iterate over.
    pub(crate) fn iterate(&self, v: &Value, span: Span) -> Eval<Vec<(Value, Value)>> {
        if let Some(entries) = object_entries(self.doc, v) {
            return Ok(entries
                .into_iter()
                .map(|(k, x)| (Value::str(&k), x))
                .collect());
        }
        match resolve(self.doc, v) {
            Value::Null => Ok(Vec::new()),
            Value::List(items) | Value::Set(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, x)| (Value::Int(i64::try_from(i).unwrap_or(i64::MAX)), x.clone()))
                .collect()),
            _ => Err(fail(
                span,
                format!("cannot iterate over {}", kind(self.doc, v).described()),
            )),
        }
    }

    /// Runs comprehension clauses as nested loops, calling `emit` on each path that
    /// gets through all of them; `emit` returns the size of what it built so far.
    pub(crate) fn comprehension(
        &mut self,
        frame: &mut Frame,
        clauses: &[Clause],
        span: Span,
        emit: &mut dyn FnMut(&mut Evaluator<'a>, &mut Frame) -> Eval<usize>,
    ) -> Eval<()> {
        let Some((first, rest)) = clauses.split_first() else {
            let size = emit(self, frame)?;
            return self.at(span).check_size(size);
        };
        match first {
            Clause::For { key, value, iter } => {
                let collection = self.eval(frame, iter)?;
                for (k, v) in self.iterate(&collection, iter.span)? {
                    if let Some(key) = key {
                        frame.set(*key, k);
                    }
                    frame.set(*value, v);
                    self.comprehension(frame, rest, span, emit)?;
                }
            }
            Clause::If(cond) => {
                if self.condition(frame, cond)? {
                    self.comprehension(frame, rest, span, emit)?;
                }
            }
            Clause::Let { local, value } => {
                let v = self.eval(frame, value)?;
                frame.set(*local, v);
                self.comprehension(frame, rest, span, emit)?;
            }
        }
        Ok(())
    }

    /// An `if` clause: true to go on; `false` and `null` stop, anything else fails.
    pub(crate) fn condition(&mut self, frame: &mut Frame, cond: &Expr) -> Eval<bool> {
        let c = self.eval(frame, cond)?;
        Ok(ops::truth(&self.at(cond.span), "if", &c)? == Some(true))
    }

    pub(crate) fn quantified(
        &mut self,
        frame: &mut Frame,
        quantifier: Quantifier,
        (key, value): (Option<LocalId>, LocalId),
        iter: &Expr,
        cond: &Expr,
        span: Span,
    ) -> Eval<Value> {
        // `any` stops at the first `true`, `all` at the first `false`.
        let (decisive, name) = match quantifier {
            Quantifier::Any => (true, "any"),
            Quantifier::All => (false, "all"),
        };
        let collection = self.eval(frame, iter)?;
        let mut saw_null = false;
        for (k, v) in self.iterate(&collection, iter.span)? {
            if let Some(key) = key {
                frame.set(key, k);
            }
            frame.set(value, v);
            let c = self.eval(frame, cond)?;
            match ops::truth(&self.at(span), name, &c)? {
                Some(b) if b == decisive => return Ok(Value::Bool(decisive)),
                Some(_) => {}
                None => saw_null = true,
            }
        }
        Ok(if saw_null {
            Value::Null
        } else {
            Value::Bool(!decisive)
        })
    }
}
