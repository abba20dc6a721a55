//! Building objects and f-strings.

use crate::meter::{ENTRY_BYTES, Meter};
use crate::ops::{Fault, LIMIT, SIZE_LIMIT};
use crate::value::{Items, Text, Value, View, write_json};
use pol_facts::Document;
use std::rc::Rc;

/// Accumulates the entries of an object literal.
#[derive(Default)]
pub struct ObjectBuilder {
    entries: Items<(Text, Value)>,
}

impl ObjectBuilder {
    /// A builder with room for `n` entries.
    pub fn with_capacity(n: usize) -> ObjectBuilder {
        ObjectBuilder {
            entries: Items::with_capacity(n),
        }
    }

    /// Adds an entry with a copy of `value` (written in place); a repeated key keeps
    /// the last value.
    pub fn insert_ref(
        &mut self,
        key: &Value,
        value: &Value,
        doc: &Document,
        meter: &Meter,
    ) -> Result<(), Fault> {
        let (i, key) = match place(&self.entries, key, doc, meter)? {
            Place::At(i) => {
                self.entries.set_clone(i, value);
                return Ok(());
            }
            Place::New(i, key) => (i, key),
        };
        self.entries.insert_clone(i, key, value);
        Ok(())
    }

    /// The object; an error when it nests too deep.
    pub fn finish(self) -> Result<Value, Fault> {
        self.entries.check_depth()?;
        Ok(Value::Object(Rc::new(self.entries)))
    }
}

/// Where a key goes in entries kept sorted by key: at an entry of the same key, or a
/// new entry (with the key's text); the key must be a string. The entries a new one
/// moves are charged to `meter`.
enum Place {
    At(usize),
    New(usize, Text),
}

fn place(
    entries: &Items<(Text, Value)>,
    key: &Value,
    doc: &Document,
    meter: &Meter,
) -> Result<Place, Fault> {
    let text = match key.view(doc) {
        View::Str(s) => s,
        other => {
            return Err(format!(
                "object keys must be strings, got `{}`",
                other.kind()
            ));
        }
    };
    match entries.binary_search_by(|(k, _)| k.as_str().cmp(text)) {
        Ok(i) => Ok(Place::At(i)),
        Err(i) => {
            if entries.len() >= SIZE_LIMIT {
                return Err("object too large (resource limit)".to_owned());
            }
            let moved = (entries.len() - i) * ENTRY_BYTES;
            if !meter.alloc(ENTRY_BYTES + text.len()) || !meter.charge_bytes(moved) {
                return Err(LIMIT.to_owned());
            }
            let key: Text = match key {
                Value::Str(s) => s.clone(),
                _ => Rc::new(text.to_owned()),
            };
            Ok(Place::New(i, key))
        }
    }
}

/// Inserts into entries kept sorted by key; the key must be a string. The entries moved
/// to make room are charged to `meter`.
pub fn insert_sorted(
    entries: &mut Items<(Text, Value)>,
    key: &Value,
    value: Value,
    doc: &Document,
    meter: &Meter,
) -> Result<(), Fault> {
    match place(entries, key, doc, meter)? {
        Place::At(i) => {
            let key = entries.get(i).map(|(k, _)| k.clone()).unwrap_or_default();
            entries.set(i, (key, value));
        }
        Place::New(i, key) => entries.insert(i, (key, value)),
    }
    Ok(())
}

/// The text of an f-string: strings as they are, `null` as `null`, everything else as
/// `to_string` gives it.
pub fn format(parts: &[Value], doc: &Document, meter: &Meter) -> Result<Value, Fault> {
    let text = write_parts(parts.iter().map(Piece::Value), doc, meter)?;
    Ok(Value::Str(Rc::new(text)))
}

/// A part of an f-string: literal text, or a value for a `{}`.
#[derive(Clone, Copy)]
pub enum Piece<'a> {
    /// Written as it is.
    Text(&'a str),
    /// Written as [`format`] writes a part.
    Value(&'a Value),
}

/// The text of an f-string's parts, as [`format`] writes them: an `emit` writes its
/// message with it, without a `format` instruction. Charged to `meter`.
pub fn write_parts<'a>(
    parts: impl Iterator<Item = Piece<'a>> + Clone,
    doc: &Document,
    meter: &Meter,
) -> Result<String, Fault> {
    // Sized once, mostly: the literal text exactly, and room for a short value in
    // each `{}` (a finding's message is built on every firing, and reading the
    // values twice cost more than the rare regrowth).
    let size: usize = parts
        .clone()
        .map(|part| match part {
            Piece::Text(s) => s.len(),
            Piece::Value(_) => 24,
        })
        .sum();
    let mut out = String::with_capacity(size.min(SIZE_LIMIT));
    for part in parts {
        match part {
            Piece::Text(s) => out.push_str(s),
            Piece::Value(part) => match part.str_view(doc) {
                View::Str(s) => out.push_str(s),
                View::Null => out.push_str("null"),
                // As `to_string` writes them, without building a JSON value first.
                View::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                View::Int(n) => push_int(&mut out, n),
                _ => {
                    let mut json = Vec::new();
                    write_json(&mut json, part, doc, meter, SIZE_LIMIT - out.len())?;
                    out.push_str(&String::from_utf8(json).map_err(|e| e.to_string())?);
                }
            },
        }
        if out.len() > SIZE_LIMIT {
            return Err("string too long (resource limit)".to_owned());
        }
    }
    if !meter.alloc(out.len()) {
        return Err(LIMIT.to_owned());
    }
    Ok(out)
}

/// Appends `n` in decimal, as `to_string` writes it, without `fmt`.
fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    pol_facts::push_decimal(out, n.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ints and bools are written as `to_string` (through JSON) writes them.
    #[test]
    fn ints_and_bools_read_as_their_json() {
        let docs = pol_facts::load("{}", pol_facts::Format::Json, None).unwrap();
        let doc = &docs[0];
        let mut values: Vec<Value> = [
            0,
            1,
            -1,
            9,
            10,
            -10,
            42,
            99,
            100,
            1_000_007,
            i64::MIN,
            i64::MAX,
        ]
        .into_iter()
        .map(Value::Int)
        .collect();
        values.extend([Value::Bool(true), Value::Bool(false), Value::Float(2.5)]);
        for v in values {
            let meter = Meter::unlimited();
            let expected = format!("<{}>", crate::value::to_json(&v, doc, &meter));
            let parts = [Value::str("<"), v.clone(), Value::str(">")];
            let Value::Str(text) = format(&parts, doc, &meter).unwrap() else {
                panic!("not a string")
            };
            assert_eq!(*text, expected, "{v:?}");
        }
    }
}
