//! The operators on values: arithmetic, comparisons, membership and logic.

use crate::error::{Eval, fail};
use crate::order::{Num, cmp_numbers, contains, equal};
use crate::value::{Kind, Value, as_str, kind, resolve};
use pol_check::hir::{BinaryOp, UnaryOp};
use pol_diagnostics::Span;
use pol_facts::Document;
use std::cmp::Ordering;

/// Where an operator runs: the input document, the operator's span and the size
/// limit for what it builds.
pub(crate) struct At<'d> {
    pub(crate) doc: &'d Document,
    pub(crate) span: Span,
    pub(crate) size_limit: usize,
}

impl At<'_> {
    fn kind(&self, v: &Value) -> Kind {
        kind(self.doc, v)
    }

    fn type_error(&self, op: &str, expected: &str, found: &[&Value]) -> crate::error::Stop {
        let found: Vec<&str> = found.iter().map(|v| self.kind(v).described()).collect();
        fail(
            self.span,
            format!("`{op}` expects {expected}, found {}", found.join(" and ")),
        )
    }

    fn overflow(&self, op: &str) -> crate::error::Stop {
        fail(self.span, format!("integer overflow in `{op}`"))
    }

    /// Fails when a built string or collection is longer than the size limit.
    pub(crate) fn check_size(&self, len: usize) -> Eval<()> {
        if len > self.size_limit {
            return Err(fail(
                self.span,
                format!("size limit of {} exceeded", self.size_limit),
            ));
        }
        Ok(())
    }
}

/// A binary operator other than `and`, `or` and `??` (which decide whether to
/// evaluate their right operand), on evaluated operands.
pub(crate) fn binary(at: &At<'_>, op: BinaryOp, a: &Value, b: &Value) -> Eval<Value> {
    match op {
        BinaryOp::Eq => Ok(Value::Bool(equal(at.doc, a, b))),
        BinaryOp::Ne => Ok(Value::Bool(!equal(at.doc, a, b))),
        _ if at.kind(a) == Kind::Null || at.kind(b) == Kind::Null => Ok(Value::Null),
        BinaryOp::Lt => ordering(at, op, a, b, Ordering::is_lt),
        BinaryOp::Le => ordering(at, op, a, b, Ordering::is_le),
        BinaryOp::Gt => ordering(at, op, a, b, Ordering::is_gt),
        BinaryOp::Ge => ordering(at, op, a, b, Ordering::is_ge),
        BinaryOp::In => membership(at, "in", a, b).map(Value::Bool),
        BinaryOp::NotIn => membership(at, "not in", a, b).map(|x| Value::Bool(!x)),
        BinaryOp::Add => add(at, a, b),
        BinaryOp::Sub | BinaryOp::Mul => arithmetic(at, op, a, b),
        BinaryOp::Div => divide(at, a, b),
        BinaryOp::Rem => remainder(at, a, b),
        // Decided before their right operand is evaluated (see `eval`).
        BinaryOp::And | BinaryOp::Or | BinaryOp::Coalesce => Err(fail(
            at.span,
            format!("internal error: `{}` reached `binary`", op.as_str()),
        )),
    }
}

fn ordering(
    at: &At<'_>,
    op: BinaryOp,
    a: &Value,
    b: &Value,
    holds: fn(Ordering) -> bool,
) -> Eval<Value> {
    if let (Some(x), Some(y)) = (Num::of(at.doc, a), Num::of(at.doc, b)) {
        // NaN is unordered: every ordering comparison with it is false.
        return Ok(Value::Bool(cmp_numbers(x, y).is_some_and(holds)));
    }
    if let (Some(x), Some(y)) = (as_str(at.doc, a), as_str(at.doc, b)) {
        return Ok(Value::Bool(holds(x.cmp(&y))));
    }
    Err(at.type_error(op.as_str(), "two numbers or two strings", &[a, b]))
}

/// `x in xs` (neither is null): membership in a list or set, a key of an object, a
/// substring of a string.
pub(crate) fn membership(at: &At<'_>, op: &str, x: &Value, xs: &Value) -> Eval<bool> {
    match resolve(at.doc, xs) {
        Value::List(items) | Value::Set(items) => Ok(contains(at.doc, &items, x)),
        Value::Object(map) => Ok(as_str(at.doc, x).is_some_and(|k| map.contains_key(&*k))),
        Value::Str(s) => match as_str(at.doc, x) {
            Some(sub) => Ok(s.contains(&*sub)),
            None => Err(at.type_error(op, "a string to look for in a string", &[x])),
        },
        _ => Err(at.type_error(op, "a list, set, object or string", &[xs])),
    }
}

fn add(at: &At<'_>, a: &Value, b: &Value) -> Eval<Value> {
    match (resolve(at.doc, a), resolve(at.doc, b)) {
        (Value::Str(x), Value::Str(y)) => {
            at.check_size(x.len() + y.len())?;
            Ok(Value::str(&format!("{x}{y}")))
        }
        (Value::List(x), Value::List(y)) => {
            at.check_size(x.len() + y.len())?;
            Ok(Value::list(x.iter().chain(y.iter()).cloned().collect()))
        }
        _ => arithmetic(at, BinaryOp::Add, a, b),
    }
}

fn numbers(at: &At<'_>, op: BinaryOp, a: &Value, b: &Value) -> Eval<(Num, Num)> {
    match (Num::of(at.doc, a), Num::of(at.doc, b)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => {
            let expected = if op == BinaryOp::Add {
                "two numbers, two strings or two lists"
            } else {
                "two numbers"
            };
            Err(at.type_error(op.as_str(), expected, &[a, b]))
        }
    }
}

/// `+`, `-`, `*` on numbers: int with int is a checked int, anything else a float.
fn arithmetic(at: &At<'_>, op: BinaryOp, a: &Value, b: &Value) -> Eval<Value> {
    let (x, y) = numbers(at, op, a, b)?;
    if let (Num::Int(x), Num::Int(y)) = (x, y) {
        let result = match op {
            BinaryOp::Add => x.checked_add(y),
            BinaryOp::Sub => x.checked_sub(y),
            _ => x.checked_mul(y),
        };
        return result
            .map(Value::Int)
            .ok_or_else(|| at.overflow(op.as_str()));
    }
    let (x, y) = (x.as_f64(), y.as_f64());
    Ok(Value::Float(match op {
        BinaryOp::Add => x + y,
        BinaryOp::Sub => x - y,
        _ => x * y,
    }))
}

/// `/`: exact division. An int result when ints divide evenly, else a float.
fn divide(at: &At<'_>, a: &Value, b: &Value) -> Eval<Value> {
    let (x, y) = numbers(at, BinaryOp::Div, a, b)?;
    if y.as_f64() == 0.0 {
        return Err(fail(at.span, "division by zero"));
    }
    if let (Num::Int(x), Num::Int(y)) = (x, y) {
        // `i64::MIN / -1` divides evenly but overflows.
        if y == -1 || x % y == 0 {
            return x
                .checked_div(y)
                .map(Value::Int)
                .ok_or_else(|| at.overflow("/"));
        }
    }
    Ok(Value::Float(x.as_f64() / y.as_f64()))
}

/// `%` on ints, with the sign of the left operand.
fn remainder(at: &At<'_>, a: &Value, b: &Value) -> Eval<Value> {
    match (resolve(at.doc, a), resolve(at.doc, b)) {
        (Value::Int(_), Value::Int(0)) => Err(fail(at.span, "division by zero")),
        // `wrapping_rem` only wraps for `i64::MIN % -1`, whose remainder is 0.
        (Value::Int(x), Value::Int(y)) => Ok(Value::Int(x.wrapping_rem(y))),
        _ => Err(at.type_error("%", "two ints", &[a, b])),
    }
}

/// `-x` and `not x`.
pub(crate) fn unary(at: &At<'_>, op: UnaryOp, v: &Value) -> Eval<Value> {
    match (op, resolve(at.doc, v)) {
        (_, Value::Null) => Ok(Value::Null),
        (UnaryOp::Neg, Value::Int(i)) => i
            .checked_neg()
            .map(Value::Int)
            .ok_or_else(|| at.overflow("-")),
        (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::Neg, _) => Err(at.type_error("-", "a number", &[v])),
        (UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
        (UnaryOp::Not, _) => Err(at.type_error("not", "a bool or null", &[v])),
    }
}

/// A truth value of three-valued logic: `Some(bool)` or `None` for `null`; anything
/// else is a type error of `what` (an operator or clause, as written).
pub(crate) fn truth(at: &At<'_>, what: &str, v: &Value) -> Eval<Option<bool>> {
    match resolve(at.doc, v) {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(b)),
        _ => Err(at.type_error(what, "a bool or null", &[v])),
    }
}
