//! The TOML loader: builds a document from the `toml` crate's spanned parse tree.
//!
//! Every node's position is the start of its value's span; tables list their keys in
//! the order of the file (by the span of each key); dates and times become strings in
//! their TOML form. The `toml` parser refuses nesting deeper than its own limit (about
//! 80 levels), below `MAX_DEPTH`.
//!
//! Selective loading ([`load_shaped`]): the `toml` parser reads the whole text (its
//! errors come first, as for a whole load), and only the values the shape needs are
//! built; a skipped value becomes a placeholder at its position. Skipped values are
//! still checked for the errors this loader adds (integers and floats out of range,
//! nesting deeper than the depth limit), so a document loads, or fails, the same
//! either way; text too large for the node limit to be ruled out is loaded in full.

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

use crate::builder::{BuildError, Builder, Scalar};
use crate::document::Document;
use crate::error::LoadError;
use crate::limits::{Budget, Limit, LoadLimits};
use crate::lines::{ByteOffsets, Lines};
use crate::shape::{Need, Shape};

/// Loads a TOML document (always a table: empty text is an empty table) within
/// `limits`.
pub(crate) fn load(
    text: &str,
    file: Option<&str>,
    limits: &LoadLimits,
) -> Result<Document, LoadError> {
    load_shaped(text, file, &Shape::everything(), limits)
}

/// Loads the parts of a TOML document that `shape` needs; see the module docs.
pub(crate) fn load_shaped(
    text: &str,
    file: Option<&str>,
    shape: &Shape,
    limits: &LoadLimits,
) -> Result<Document, LoadError> {
    let budget = Budget::new(limits);
    // Every node but the root table takes at least a byte of text (`a=1`, `[]`, `x.`
    // of a dotted key), so below this size full loading cannot go over the node
    // limit, which skipped values do not count.
    if !shape.is_everything() && text.len() >= budget.nodes_left() {
        return load(text, file, limits);
    }
    let root = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let mut message = message(e.message());
        let key = text
            .get(span.clone())
            .filter(|_| message == "duplicate key");
        if let Some(key) = key {
            message = format!("duplicate key `{}`", key.trim_matches(['"', '\'']));
        }
        LoadError::at_byte(file, text, span.start, message)
    })?;
    let lines = Lines::new_commented(text, shape.comments());
    let mut loader = Loader {
        offsets: ByteOffsets::new(text, lines.clone()),
        builder: Builder::new(file, lines, 64, &budget),
        shape,
    };
    let start = root.span().start;
    loader
        .table(root.get_ref(), start, shape.root())
        .map_err(|e| LoadError::at_byte(file, text, e.at, e.message).about(e.limit))?;
    Ok(loader.builder.finish())
}

/// The `toml` crate's message as one lowercase line.
fn message(message: &str) -> String {
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut out = lines.next().unwrap_or("invalid toml").to_owned();
    for line in lines {
        out.push_str("; ");
        out.push_str(line);
    }
    if let Some(first) = out.get(..1) {
        let lower = first.to_ascii_lowercase();
        out.replace_range(..1, &lower);
    }
    out
}

/// An error: a byte offset, a message, and the limit it is about.
struct Error {
    at: usize,
    message: String,
    limit: Option<Limit>,
}

impl Error {
    fn new(at: usize, message: String) -> Error {
        Error {
            at,
            message,
            limit: None,
        }
    }
}

struct Loader<'t, 's> {
    offsets: ByteOffsets<'t>,
    builder: Builder<'t>,
    shape: &'s Shape,
}

impl<'t> Loader<'t, '_> {
    fn table(&mut self, table: &DeTable<'t>, at: usize, need: Need) -> Result<(), Error> {
        let pos = self.offsets.char_offset(at);
        built(at, self.builder.open(true, pos))?;
        for (key, value) in in_file_order(table) {
            let key_at = key.span().start;
            let id = built(key_at, self.builder.intern(key.get_ref()))?;
            built(key_at, self.builder.set_key(id))?;
            self.value(value, self.shape.field(need, key.get_ref()))?;
        }
        built(at, self.builder.close())?;
        Ok(())
    }

    /// Recursion is bounded: `Builder::open` refuses to nest deeper than `MAX_DEPTH`.
    fn value(&mut self, value: &Spanned<DeValue<'t>>, need: Need) -> Result<(), Error> {
        let at = value.span().start;
        let pos = self.offsets.char_offset(at);
        if need == Need::Skip {
            check(value, self.builder.depth(), &self.builder)?;
            built(at, self.builder.skipped(pos))?;
            return Ok(());
        }
        let scalar = match value.get_ref() {
            DeValue::String(s) => Scalar::Str(s),
            DeValue::Integer(i) => Scalar::Int(integer(i, at)?),
            DeValue::Float(f) => Scalar::Float(checked_float(f.as_str(), at)?),
            DeValue::Boolean(b) => Scalar::Bool(*b),
            DeValue::Datetime(d) => {
                let text = d.to_string();
                built(at, self.builder.scalar(Scalar::Str(&text), pos))?;
                return Ok(());
            }
            DeValue::Array(items) => {
                built(at, self.builder.open(false, pos))?;
                let element = self.shape.element(need);
                for item in items.iter() {
                    self.value(item, element)?;
                }
                built(at, self.builder.close())?;
                return Ok(());
            }
            DeValue::Table(table) => return self.table(table, at, need),
        };
        built(at, self.builder.scalar(scalar, pos))?;
        Ok(())
    }
}

/// The errors a skipped value would have given when loaded at `depth` (the number of
/// containers open around it): numbers out of range, nesting too deep. Recursion is
/// bounded by the `toml` parser's own nesting limit.
fn check(value: &Spanned<DeValue<'_>>, depth: usize, builder: &Builder<'_>) -> Result<(), Error> {
    let at = value.span().start;
    let container = matches!(value.get_ref(), DeValue::Array(_) | DeValue::Table(_));
    if container && depth >= builder.max_depth() {
        return built(at, Err(builder.too_deep()));
    }
    match value.get_ref() {
        DeValue::Integer(i) => integer(i, at).map(drop),
        DeValue::Float(f) => checked_float(f.as_str(), at).map(drop),
        DeValue::Array(items) => items
            .iter()
            .try_for_each(|item| check(item, depth + 1, builder)),
        DeValue::Table(table) => {
            // In the loader's order, so the first error is the one it meets.
            in_file_order(table)
                .into_iter()
                .try_for_each(|(_, v)| check(v, depth + 1, builder))
        }
        DeValue::String(_) | DeValue::Boolean(_) | DeValue::Datetime(_) => Ok(()),
    }
}

/// The entries of a table in the order of their keys in the file.
fn in_file_order<'a, 't>(
    table: &'a DeTable<'t>,
) -> Vec<(
    &'a Spanned<std::borrow::Cow<'t, str>>,
    &'a Spanned<DeValue<'t>>,
)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// A TOML integer in any radix, or the out-of-range error.
fn integer(i: &::toml::de::DeInteger<'_>, at: usize) -> Result<i64, Error> {
    i64::from_str_radix(i.as_str(), i.radix())
        .map_err(|_| Error::new(at, format!("integer `{i}` is out of range")))
}

/// A TOML float, or the out-of-range error.
fn checked_float(text: &str, at: usize) -> Result<f64, Error> {
    float(text).ok_or_else(|| Error::new(at, format!("float `{text}` is out of range")))
}

/// A TOML float (`1.5`, `1e3`, `inf`, `+inf`, `-nan`, ...); `None` if out of range.
fn float(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match unsigned {
        "inf" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => {
            let f: f64 = unsigned.parse().ok()?;
            if f.is_infinite() {
                return None;
            }
            f
        }
    };
    Some(if negative { -magnitude } else { magnitude })
}

fn built<T>(at: usize, result: Result<T, BuildError>) -> Result<T, Error> {
    result.map_err(|e| Error {
        at,
        message: e.to_string(),
        limit: e.limit(),
    })
}
