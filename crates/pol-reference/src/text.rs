//! Values as text (`to_string`, f-strings) and as JSON.

use crate::value::{Value, resolve};
use pol_facts::Document;
use std::fmt::Write;

/// A float as JSON writes it: always with a `.` or an exponent (`2.0`, `1.5`,
/// `1e20`). Infinities and NaN, which JSON lacks, are written `inf`, `-inf`, `NaN`.
pub(crate) fn float_text(f: f64) -> String {
    match serde_json::Number::from_f64(f) {
        Some(n) => n.to_string(),
        None => f.to_string(),
    }
}

/// `to_string(x)` for a non-null `x`: a string as it is, anything else as compact
/// JSON (sets as arrays in canonical order, object keys sorted).
pub(crate) fn to_text(doc: &Document, v: &Value) -> String {
    match resolve(doc, v) {
        Value::Str(s) => s.to_string(),
        other => {
            let mut out = String::new();
            write_json(doc, &other, &mut out);
            out
        }
    }
}

/// Appends `v` as compact JSON.
fn write_json(doc: &Document, v: &Value, out: &mut String) {
    match resolve(doc, v) {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&float_text(f)),
        Value::Str(s) => write_json_string(&s, out),
        Value::List(items) | Value::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(doc, item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                write_json(doc, item, out);
            }
            out.push('}');
        }
        Value::Node(_) => out.push_str("null"),
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push_str(&serde_json::Value::String(s.to_owned()).to_string());
}

/// A value as JSON (sets as arrays); `Err` for a float JSON cannot hold.
pub(crate) fn to_json(doc: &Document, v: &Value) -> Result<serde_json::Value, String> {
    Ok(match resolve(doc, v) {
        Value::Null | Value::Node(_) => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(b),
        Value::Int(i) => serde_json::Value::from(i),
        Value::Float(f) => serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .ok_or_else(|| format!("{} has no JSON form", float_text(f)))?,
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(items) | Value::Set(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|x| to_json(doc, x))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, x)| Ok((k.clone(), to_json(doc, x)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}
