//! Structural equality, the canonical order of values, and sets built with it.

use crate::value::{Value, resolve};
use pol_facts::Document;
use std::cmp::Ordering;
use std::rc::Rc;

/// A number, for comparing ints and floats by value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    /// The number a value holds, if it is one.
    pub(crate) fn of(doc: &Document, v: &Value) -> Option<Num> {
        match resolve(doc, v) {
            Value::Int(i) => Some(Num::Int(i)),
            Value::Float(f) => Some(Num::Float(f)),
            _ => None,
        }
    }

    /// The number as a float (ints may round).
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            #[expect(clippy::cast_precision_loss, reason = "int to float is the rule")]
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// The number as a value.
    pub(crate) fn value(self) -> Value {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::Float(f) => Value::Float(f),
        }
    }
}

/// Compares two numbers exactly by value; `None` when one is NaN.
pub(crate) fn cmp_numbers(a: Num, b: Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
        (Num::Int(x), Num::Float(y)) => cmp_int_float(x, y),
        (Num::Float(x), Num::Int(y)) => cmp_int_float(y, x).map(Ordering::reverse),
    }
}

/// Compares an int with a float without rounding the int.
fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() {
        return None;
    }
    if f >= TWO_POW_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_POW_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`whole` is integral and in the range of i64"
    )]
    let whole_int = whole as i64;
    Some(i.cmp(&whole_int).then_with(|| {
        let fraction = f - whole;
        if fraction > 0.0 {
            Ordering::Less
        } else if fraction < 0.0 {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }))
}

/// Structural equality (`==`): `1 == 1.0`, different kinds are never equal, NaN
/// equals nothing, objects compare by keys and values, sets by members.
pub(crate) fn equal(doc: &Document, a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (Num::of(doc, a), Num::of(doc, b)) {
        return cmp_numbers(x, y) == Some(Ordering::Equal);
    }
    match (resolve(doc, a), resolve(doc, b)) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equal(doc, p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| equal(doc, p, q)))
        }
        _ => false,
    }
}

/// The rank of a value's kind in the canonical order: null < false < true < numbers
/// < strings < lists < sets < objects.
fn rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(false) => 1,
        Value::Bool(true) => 2,
        Value::Int(_) | Value::Float(_) => 3,
        Value::Str(_) => 4,
        Value::List(_) => 5,
        Value::Set(_) => 6,
        Value::Object(_) => 7,
        Value::Node(_) => 8,
    }
}

/// The canonical order: a total order used to store sets, by `sort`, `min` and
/// `max`. Numbers compare by value (an int and a float of the same value are equal
/// here); NaN comes after every other number.
pub(crate) fn canonical(doc: &Document, a: &Value, b: &Value) -> Ordering {
    let (a, b) = (resolve(doc, a), resolve(doc, b));
    let by_rank = rank(&a).cmp(&rank(&b));
    if by_rank != Ordering::Equal {
        return by_rank;
    }
    match (&a, &b) {
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => {
            lexicographic(doc, x, y)
        }
        (Value::Object(x), Value::Object(y)) => x
            .keys()
            .cmp(y.keys())
            .then_with(|| lexicographic_iter(doc, x.values(), y.values())),
        _ => match (Num::of(doc, &a), Num::of(doc, &b)) {
            (Some(x), Some(y)) => cmp_numbers(x, y).unwrap_or_else(|| {
                // NaN after every number, equal to itself.
                x.as_f64().is_nan().cmp(&y.as_f64().is_nan())
            }),
            _ => Ordering::Equal,
        },
    }
}

fn lexicographic(doc: &Document, x: &[Value], y: &[Value]) -> Ordering {
    lexicographic_iter(doc, x.iter(), y.iter())
}

fn lexicographic_iter<'v>(
    doc: &Document,
    mut x: impl Iterator<Item = &'v Value>,
    mut y: impl Iterator<Item = &'v Value>,
) -> Ordering {
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let o = canonical(doc, p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

/// A set of these values: canonical order, the first of canonically equal values kept.
pub(crate) fn make_set(doc: &Document, values: impl IntoIterator<Item = Value>) -> Value {
    let mut members: Vec<Value> = Vec::new();
    for v in values {
        insert_member(doc, &mut members, v);
    }
    Value::Set(Rc::new(members))
}

/// Adds `v` to the members of a set (canonical order) unless an equal one is there.
pub(crate) fn insert_member(doc: &Document, members: &mut Vec<Value>, v: Value) {
    if let Err(at) = members.binary_search_by(|m| canonical(doc, m, &v)) {
        members.insert(at, v);
    }
}

/// True when some element of `items` equals `x`.
pub(crate) fn contains(doc: &Document, items: &[Value], x: &Value) -> bool {
    items.iter().any(|item| equal(doc, item, x))
}
