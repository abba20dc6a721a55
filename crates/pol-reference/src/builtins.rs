//! The builtin functions (docs/evaluation.md, "Builtins").

use crate::error::{Eval, Stop, fail};
use crate::eval::Evaluator;
use crate::ops::{At, membership};
use crate::order::{Num, canonical, contains};
use crate::patterns;
use crate::text::to_text;
use crate::value::{Kind, Value, kind, resolve};
use pol_check::Builtin;
use pol_diagnostics::Span;
use std::cmp::Ordering;
use std::rc::Rc;

/// Calls a builtin on evaluated arguments. Any `null` argument gives `null`, except
/// for `type_of`.
pub(crate) fn call(ev: &mut Evaluator<'_>, b: Builtin, args: &[Value], span: Span) -> Eval<Value> {
    let doc = ev.doc;
    if args.len() != b.arity() {
        return Err(fail(span, "internal error: wrong number of arguments"));
    }
    if b != Builtin::TypeOf && args.iter().any(|a| kind(doc, a) == Kind::Null) {
        return Ok(Value::Null);
    }
    let call = Call {
        name: b.name(),
        at: ev.at(span),
        args,
    };
    match b {
        Builtin::Len | Builtin::Count => call.len(),
        Builtin::Lower => call.map_str(|s| s.to_lowercase()),
        Builtin::Upper => call.map_str(|s| s.to_uppercase()),
        Builtin::Trim => call.map_str(|s| s.trim().to_owned()),
        Builtin::StartsWith => call.two_str(|s, p| Value::Bool(s.starts_with(p))),
        Builtin::EndsWith => call.two_str(|s, p| Value::Bool(s.ends_with(p))),
        Builtin::Contains => call.contains(),
        Builtin::Split => call.split(),
        Builtin::Join => call.join(),
        Builtin::Replace => call.replace(),
        Builtin::Matches => {
            let (s, re) = (call.str_arg(0)?, call.str_arg(1)?);
            patterns::matches(ev, &s, &re, span)
        }
        Builtin::Glob => {
            let (s, pattern) = (call.str_arg(0)?, call.str_arg(1)?);
            patterns::glob(ev, &s, &pattern, span)
        }
        Builtin::ToString => {
            let text = to_text(doc, call.arg(0));
            call.at.check_size(text.len())?;
            Ok(Value::str(&text))
        }
        Builtin::ToInt => call.to_int(),
        Builtin::ToFloat => call.to_float(),
        Builtin::Keys => {
            let entries = call.object_arg(0)?;
            Ok(Value::list(entries.keys().map(|k| Value::str(k)).collect()))
        }
        Builtin::Values => {
            let entries = call.object_arg(0)?;
            Ok(Value::list(entries.values().cloned().collect()))
        }
        Builtin::Sum => call.sum(),
        Builtin::Min => call.extreme(Ordering::Less),
        Builtin::Max => call.extreme(Ordering::Greater),
        Builtin::Sort => {
            let mut items = call.collection_arg(0)?;
            items.sort_by(|x, y| canonical(doc, x, y));
            Ok(Value::list(items))
        }
        Builtin::Unique => {
            let mut out: Vec<Value> = Vec::new();
            for x in call.collection_arg(0)? {
                if !contains(doc, &out, &x) {
                    out.push(x);
                }
            }
            Ok(Value::list(out))
        }
        Builtin::Flatten => call.flatten(),
        Builtin::SemverCompare => {
            let (a, b) = (call.str_arg(0)?, call.str_arg(1)?);
            patterns::semver_compare(&call.at, &a, &b)
        }
        Builtin::SemverSatisfies => {
            let (v, req) = (call.str_arg(0)?, call.str_arg(1)?);
            patterns::semver_satisfies(&call.at, &v, &req)
        }
        Builtin::TypeOf => Ok(Value::str(kind(doc, call.arg(0)).name())),
        Builtin::FromJson => {
            let text = call.str_arg(0)?;
            let parsed: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| call.invalid(format!("the text is not JSON: {e}")))?;
            Ok(crate::value::from_json(&parsed))
        }
        Builtin::Comment => Ok(match call.arg(0) {
            Value::Node(id) => doc.comment(*id).map_or(Value::Null, Value::str),
            _ => Value::Null,
        }),
        Builtin::Strings => {
            let mut out = Vec::new();
            collect_strings(doc, call.arg(0), &mut out);
            call.at.check_size(out.len())?;
            Ok(Value::list(out))
        }
        Builtin::CommonPrefix => call.two_str(|a, b| {
            let common: String = a
                .chars()
                .zip(b.chars())
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| x)
                .collect();
            Value::str(&common)
        }),
        Builtin::CommonSuffix => call.two_str(|a, b| {
            let mut common: Vec<char> = a
                .chars()
                .rev()
                .zip(b.chars().rev())
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| x)
                .collect();
            common.reverse();
            Value::str(&common.into_iter().collect::<String>())
        }),
    }
}

/// `strings(v)`: the strings of `v`, `v` first, then each element or object value in
/// iteration order, recursively (input values are at most a few hundred levels deep).
fn collect_strings(doc: &pol_facts::Document, v: &Value, out: &mut Vec<Value>) {
    if kind(doc, v) == Kind::Str {
        out.push(v.clone());
        return;
    }
    if let Some(entries) = crate::value::object_entries(doc, v) {
        for (_, x) in &entries {
            collect_strings(doc, x, out);
        }
    } else if let Value::List(items) | Value::Set(items) = resolve(doc, v) {
        for x in items.iter() {
            collect_strings(doc, x, out);
        }
    }
}

/// One call of a builtin: its name, where it is, and its (non-null) arguments.
struct Call<'c, 'd> {
    name: &'static str,
    at: At<'d>,
    args: &'c [Value],
}

impl Call<'_, '_> {
    fn arg(&self, i: usize) -> &Value {
        self.args.get(i).unwrap_or(&Value::Null)
    }

    /// A type error naming the builtin and what argument `i` should have been.
    fn expects(&self, i: usize, expected: &str) -> Stop {
        let found = kind(self.at.doc, self.arg(i)).described();
        fail(
            self.at.span,
            format!("`{}` expects {expected}, found {found}", self.name),
        )
    }

    /// An invalid argument that has the right kind.
    fn invalid(&self, message: impl std::fmt::Display) -> Stop {
        fail(self.at.span, format!("`{}`: {message}", self.name))
    }

    fn str_arg(&self, i: usize) -> Eval<Rc<str>> {
        match resolve(self.at.doc, self.arg(i)) {
            Value::Str(s) => Ok(s),
            _ => Err(self.expects(i, "a string")),
        }
    }

    fn object_arg(&self, i: usize) -> Eval<std::collections::BTreeMap<String, Value>> {
        match resolve(self.at.doc, self.arg(i)) {
            Value::Object(map) => Ok((*map).clone()),
            _ => Err(self.expects(i, "an object")),
        }
    }

    /// The elements of a list, or the members of a set in canonical order.
    fn collection_arg(&self, i: usize) -> Eval<Vec<Value>> {
        match resolve(self.at.doc, self.arg(i)) {
            Value::List(items) | Value::Set(items) => Ok((*items).clone()),
            _ => Err(self.expects(i, "a list or set")),
        }
    }

    fn map_str(&self, f: impl Fn(&str) -> String) -> Eval<Value> {
        let out = f(&self.str_arg(0)?);
        self.at.check_size(out.len())?;
        Ok(Value::str(&out))
    }

    fn two_str(&self, f: impl Fn(&str, &str) -> Value) -> Eval<Value> {
        Ok(f(&self.str_arg(0)?, &self.str_arg(1)?))
    }

    fn len(&self) -> Eval<Value> {
        let n = match resolve(self.at.doc, self.arg(0)) {
            Value::Str(s) => s.chars().count(),
            Value::List(items) | Value::Set(items) => items.len(),
            Value::Object(map) => map.len(),
            _ => return Err(self.expects(0, "a string, list, set or object")),
        };
        Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
    }

    fn contains(&self) -> Eval<Value> {
        let (a, b) = (self.arg(0), self.arg(1));
        match kind(self.at.doc, a) {
            Kind::Str => Ok(Value::Bool(self.str_arg(0)?.contains(&*self.str_arg(1)?))),
            Kind::List | Kind::Set | Kind::Object => {
                membership(&self.at, self.name, b, a).map(Value::Bool)
            }
            _ => Err(self.expects(0, "a string, list, set or object")),
        }
    }

    fn split(&self) -> Eval<Value> {
        let (s, sep) = (self.str_arg(0)?, self.str_arg(1)?);
        let parts: Vec<Value> = if sep.is_empty() {
            s.chars()
                .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                .collect()
        } else {
            s.split(&*sep).map(Value::str).collect()
        };
        self.at.check_size(parts.len())?;
        Ok(Value::list(parts))
    }

    fn join(&self) -> Eval<Value> {
        let items = self.collection_arg(0)?;
        let sep = self.str_arg(1)?;
        let mut out = String::new();
        for (i, item) in items.iter().enumerate() {
            let Value::Str(s) = resolve(self.at.doc, item) else {
                let found = kind(self.at.doc, item).described();
                return Err(fail(
                    self.at.span,
                    format!("`join` expects a list of strings, found {found} in it"),
                ));
            };
            if i > 0 {
                out.push_str(&sep);
            }
            out.push_str(&s);
            self.at.check_size(out.len())?;
        }
        Ok(Value::str(&out))
    }

    fn replace(&self) -> Eval<Value> {
        let (s, old, new) = (self.str_arg(0)?, self.str_arg(1)?, self.str_arg(2)?);
        if old.is_empty() {
            return Err(self.invalid("the text to replace is empty"));
        }
        let out = s.replace(&*old, &new);
        self.at.check_size(out.len())?;
        Ok(Value::str(&out))
    }

    fn to_int(&self) -> Eval<Value> {
        match resolve(self.at.doc, self.arg(0)) {
            Value::Int(i) => Ok(Value::Int(i)),
            Value::Float(f) => float_to_int(f)
                .map(Value::Int)
                .ok_or_else(|| self.invalid(format!("{f} is not in the range of an int"))),
            Value::Str(s) => s
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| self.invalid(format!("cannot convert {s:?} to an int"))),
            _ => Err(self.expects(0, "a number or a string")),
        }
    }

    fn to_float(&self) -> Eval<Value> {
        match resolve(self.at.doc, self.arg(0)) {
            Value::Int(i) => Ok(Value::Float(Num::Int(i).as_f64())),
            Value::Float(f) => Ok(Value::Float(f)),
            Value::Str(s) => match s.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Value::Float(f)),
                _ => Err(self.invalid(format!("cannot convert {s:?} to a float"))),
            },
            _ => Err(self.expects(0, "a number or a string")),
        }
    }

    /// `sum`: an int while every element is an int (checked), else a float.
    fn sum(&self) -> Eval<Value> {
        let mut total = Num::Int(0);
        for item in self.collection_arg(0)? {
            let Some(x) = Num::of(self.at.doc, &item) else {
                let found = kind(self.at.doc, &item).described();
                return Err(fail(
                    self.at.span,
                    format!("`sum` expects a list of numbers, found {found} in it"),
                ));
            };
            total = match (total, x) {
                (Num::Int(a), Num::Int(b)) => Num::Int(
                    a.checked_add(b)
                        .ok_or_else(|| fail(self.at.span, "integer overflow in `sum`"))?,
                ),
                (a, b) => Num::Float(a.as_f64() + b.as_f64()),
            };
        }
        Ok(total.value())
    }

    /// `min` (`wanted` is `Less`) or `max` (`Greater`) in canonical order; the first
    /// of equal extremes; `null` when empty.
    fn extreme(&self, wanted: Ordering) -> Eval<Value> {
        let mut best: Option<Value> = None;
        for item in self.collection_arg(0)? {
            best = match best {
                Some(b) if canonical(self.at.doc, &item, &b) != wanted => Some(b),
                _ => Some(item),
            };
        }
        Ok(best.unwrap_or(Value::Null))
    }

    /// `flatten`: the elements of lists and sets in `xs` spliced in, others kept.
    fn flatten(&self) -> Eval<Value> {
        let mut out = Vec::new();
        for item in self.collection_arg(0)? {
            match resolve(self.at.doc, &item) {
                Value::List(inner) | Value::Set(inner) => out.extend(inner.iter().cloned()),
                _ => out.push(item),
            }
            self.at.check_size(out.len())?;
        }
        Ok(Value::list(out))
    }
}

/// A float truncated toward zero, if it is finite and in the range of an int.
fn float_to_int(f: f64) -> Option<i64> {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    let t = f.trunc();
    if t.is_finite() && (-TWO_POW_63..TWO_POW_63).contains(&t) {
        #[expect(clippy::cast_possible_truncation, reason = "checked to be in range")]
        Some(t as i64)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::float_to_int;

    #[test]
    fn floats_truncate_toward_zero() {
        assert_eq!(float_to_int(3.9), Some(3));
        assert_eq!(float_to_int(-3.9), Some(-3));
        assert_eq!(float_to_int(f64::NAN), None);
        assert_eq!(float_to_int(9.3e18), None);
        assert_eq!(float_to_int(-9_223_372_036_854_775_808.0), Some(i64::MIN));
    }
}
