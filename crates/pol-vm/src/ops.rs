//! Operators: arithmetic with checked overflow and exact division, ordering,
//! membership, and SQL's three-valued logic (docs/evaluation.md).

use crate::meter::{Meter, VALUE_BYTES};
use crate::value::{ListView, ObjectView, Value, View, canonical, compare_numbers, equal};
use pol_bytecode::BinOp;
use pol_facts::Document;
use std::cmp::Ordering;
use std::rc::Rc;

/// A runtime error's message.
pub type Fault = String;

/// Largest collection or string the policy may build.
pub const SIZE_LIMIT: usize = 10_000_000;

/// The error of an operation stopped by its [`Meter`]: the dispatch loop replaces it
/// with the message of the limit that was hit.
pub const LIMIT: &str = "resource limit";

fn type_error(op: &str, a: &View<'_>, b: &View<'_>) -> Fault {
    format!("cannot apply `{op}` to `{}` and `{}`", a.kind(), b.kind())
}

/// `a op b` for every binary operator except the short-circuit parts of `and`/`or`.
/// Work on collections and long strings is charged to `meter`.
pub fn binary(
    op: BinOp,
    a: &Value,
    b: &Value,
    doc: &Document,
    meter: &Meter,
) -> Result<Value, Fault> {
    if is_test(op) {
        return Ok(test(op, a, b, doc, meter)?.map_or(Value::Null, Value::Bool));
    }
    match op {
        BinOp::And => return logic(true, a, b, doc),
        BinOp::Or => return logic(false, a, b, doc),
        _ => {}
    }
    let (x, y) = (a.view(doc), b.view(doc));
    if matches!(x, View::Null) || matches!(y, View::Null) {
        return Ok(Value::Null);
    }
    match op {
        BinOp::Add => add(x, y, meter),
        BinOp::Sub => arith("-", x, y, i64::checked_sub, |p, q| p - q),
        BinOp::Mul => arith("*", x, y, i64::checked_mul, |p, q| p * q),
        BinOp::Div => divide(x, y),
        BinOp::Rem => match (x, y) {
            (View::Int(_), View::Int(0)) => Err("division by zero in `%`".to_owned()),
            // `i64::MIN % -1` is 0: the remainder always fits.
            (View::Int(p), View::Int(q)) => Ok(Value::Int(p.wrapping_rem(q))),
            _ => Err(type_error("%", &x, &y)),
        },
        _ => Ok(Value::Null),
    }
}

/// The operators whose result is a bool or null: [`test`] computes them.
pub fn is_test(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge
            | BinOp::In
            | BinOp::NotIn
    )
}

/// [`binary`] for an operator of [`is_test`], as `Some(bool)`, or `None` for null:
/// the dispatch loop writes that into its register in place.
pub fn test(
    op: BinOp,
    a: &Value,
    b: &Value,
    doc: &Document,
    meter: &Meter,
) -> Result<Option<bool>, Fault> {
    if matches!(op, BinOp::Eq | BinOp::Ne) {
        let same = equal(a, b, doc, meter);
        if meter.exhausted().is_some() {
            return Err(LIMIT.to_owned());
        }
        return Ok(Some(same == (op == BinOp::Eq)));
    }
    let (x, y) = (a.view(doc), b.view(doc));
    if matches!(x, View::Null) || matches!(y, View::Null) {
        return Ok(None);
    }
    match op {
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            // NaN is unordered: every comparison with it is false, as in IEEE 754.
            let Some(ord) = order(op_symbol(op), x, y)? else {
                return Ok(Some(false));
            };
            Ok(Some(match op {
                BinOp::Lt => ord == Ordering::Less,
                BinOp::Le => ord != Ordering::Greater,
                BinOp::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            }))
        }
        BinOp::In => contains(y, a, x, doc, meter).map(Some),
        BinOp::NotIn => contains(y, a, x, doc, meter).map(|found| Some(!found)),
        _ => Ok(None),
    }
}

fn op_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        _ => ">=",
    }
}

/// Orders two numbers or two strings (`None` when a NaN is involved); anything else is
/// a type error.
fn order(op: &str, x: View<'_>, y: View<'_>) -> Result<Option<Ordering>, Fault> {
    match (x, y) {
        (View::Str(p), View::Str(q)) => Ok(Some(p.cmp(q))),
        (View::Int(_) | View::Float(_), View::Int(_) | View::Float(_)) => Ok(compare_numbers(x, y)),
        _ => Err(type_error(op, &x, &y)),
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "int to float promotion is the language's rule"
)]
fn as_float(v: View<'_>) -> Option<f64> {
    match v {
        View::Int(n) => Some(n as f64),
        View::Float(f) => Some(f),
        _ => None,
    }
}

fn arith(
    op: &str,
    x: View<'_>,
    y: View<'_>,
    int: fn(i64, i64) -> Option<i64>,
    float: fn(f64, f64) -> f64,
) -> Result<Value, Fault> {
    match (x, y) {
        (View::Int(p), View::Int(q)) => int(p, q)
            .map(Value::Int)
            .ok_or_else(|| format!("integer overflow in `{op}`")),
        _ => match (as_float(x), as_float(y)) {
            (Some(p), Some(q)) => Ok(Value::Float(float(p, q))),
            _ => Err(type_error(op, &x, &y)),
        },
    }
}

fn add(x: View<'_>, y: View<'_>, meter: &Meter) -> Result<Value, Fault> {
    match (x, y) {
        (View::Str(p), View::Str(q)) => {
            if p.len() + q.len() > SIZE_LIMIT {
                return Err("string too long (resource limit)".to_owned());
            }
            if !meter.alloc(p.len() + q.len()) {
                return Err(LIMIT.to_owned());
            }
            let mut s = String::with_capacity(p.len() + q.len());
            s.push_str(p);
            s.push_str(q);
            Ok(Value::Str(Rc::new(s)))
        }
        (View::List(p), View::List(q)) => {
            if p.len() + q.len() > SIZE_LIMIT {
                return Err("list too long (resource limit)".to_owned());
            }
            if !meter.alloc((p.len() + q.len()) * VALUE_BYTES) {
                return Err(LIMIT.to_owned());
            }
            Ok(Value::list(p.iter().chain(q.iter()).collect()))
        }
        _ => arith("+", x, y, i64::checked_add, |p, q| p + q),
    }
}

/// Exact division: an int when it divides evenly, else a float.
fn divide(x: View<'_>, y: View<'_>) -> Result<Value, Fault> {
    match (x, y) {
        (View::Int(_), View::Int(0)) => Err("division by zero".to_owned()),
        (View::Int(p), View::Int(q)) => match p.checked_rem(q) {
            Some(0) => p
                .checked_div(q)
                .map(Value::Int)
                .ok_or_else(|| "integer overflow in `/`".to_owned()),
            Some(_) => Ok(Value::Float(
                as_float(x).unwrap_or(0.0) / as_float(y).unwrap_or(1.0),
            )),
            None => Err("integer overflow in `/`".to_owned()),
        },
        _ => match (as_float(x), as_float(y)) {
            (Some(_), Some(0.0)) => Err("division by zero".to_owned()),
            (Some(p), Some(q)) => Ok(Value::Float(p / q)),
            _ => Err(type_error("/", &x, &y)),
        },
    }
}

/// Sets up to this size are scanned by `in`: a few equality tests cost less than the
/// comparisons of a binary search.
const SCAN_UP_TO: usize = 8;

/// `needle in haystack`: a step per element compared (and what comparing it walks).
pub fn contains(
    haystack: View<'_>,
    needle: &Value,
    needle_view: View<'_>,
    doc: &Document,
    meter: &Meter,
) -> Result<bool, Fault> {
    let found = match haystack {
        // A set's members are in canonical order: a binary search finds the one place
        // the needle can be (values that are canonically equal but not `equal`, NaNs,
        // are never members of anything).
        View::Set(items) if items.len() > SCAN_UP_TO => {
            match items.binary_search_by(|v| {
                if meter.charge(1) {
                    canonical(v, needle, doc, meter)
                } else {
                    Ordering::Equal
                }
            }) {
                Ok(i) => items.get(i).is_some_and(|v| equal(v, needle, doc, meter)),
                Err(_) => false,
            }
        }
        View::List(ListView::Values(items)) | View::Set(items) => items
            .iter()
            .any(|v| !meter.charge(1) || equal(v, needle, doc, meter)),
        View::List(l @ ListView::Nodes(_)) => l
            .iter()
            .any(|v| !meter.charge(1) || equal(&v, needle, doc, meter)),
        // Keys are strings: anything else is simply not a key.
        View::Object(o) => {
            meter.charge(o.len() as u64 / 8);
            matches!(needle_view, View::Str(key) if object_has(o, key, doc))
        }
        View::Str(s) => match needle_view {
            View::Str(part) => {
                meter.charge_bytes(s.len());
                s.contains(part)
            }
            other => {
                return Err(format!(
                    "`in` on a string needs a string, got `{}`",
                    other.kind()
                ));
            }
        },
        other => return Err(format!("cannot test membership in `{}`", other.kind())),
    };
    if meter.exhausted().is_some() {
        return Err(LIMIT.to_owned());
    }
    Ok(found)
}

fn object_has(o: ObjectView<'_>, key: &str, doc: &Document) -> bool {
    o.get(doc, key).is_some()
}

/// Three-valued `and` (`is_and`) or `or` of two evaluated operands.
pub fn logic(is_and: bool, a: &Value, b: &Value, doc: &Document) -> Result<Value, Fault> {
    let op = if is_and { "and" } else { "or" };
    let x = truth(op, a, doc)?;
    let y = truth(op, b, doc)?;
    Ok(match (is_and, x, y) {
        (true, Some(false), _) | (true, _, Some(false)) => Value::Bool(false),
        (true, Some(true), Some(true)) => Value::Bool(true),
        (false, Some(true), _) | (false, _, Some(true)) => Value::Bool(true),
        (false, Some(false), Some(false)) => Value::Bool(false),
        _ => Value::Null,
    })
}

/// A bool or null operand of a logical operator; anything else is a type error.
#[inline]
pub fn truth(op: &str, v: &Value, doc: &Document) -> Result<Option<bool>, Fault> {
    condition(v, doc).map_err(|kind| format!("`{op}` needs a bool, got `{kind}`"))
}

/// `v` as a condition: `Some(b)` for a bool, `None` for null, else the name of the
/// kind it has (for the caller's error).
#[inline]
pub fn condition(v: &Value, doc: &Document) -> Result<Option<bool>, &'static str> {
    // Conditions are mostly computed bools: no view of the document for those.
    match v {
        Value::Bool(b) => return Ok(Some(*b)),
        Value::Null => return Ok(None),
        _ => {}
    }
    match v.view(doc) {
        View::Bool(b) => Ok(Some(b)),
        View::Null => Ok(None),
        other => Err(other.kind()),
    }
}

/// `not v`.
pub fn not(v: &Value, doc: &Document) -> Result<Value, Fault> {
    Ok(truth("not", v, doc)?.map_or(Value::Null, |b| Value::Bool(!b)))
}

/// `-v`.
pub fn negate(v: &Value, doc: &Document) -> Result<Value, Fault> {
    match v.view(doc) {
        View::Null => Ok(Value::Null),
        View::Int(n) => n
            .checked_neg()
            .map(Value::Int)
            .ok_or_else(|| "integer overflow in `-`".to_owned()),
        View::Float(f) => Ok(Value::Float(-f)),
        other => Err(format!("cannot negate `{}`", other.kind())),
    }
}
