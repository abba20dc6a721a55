//! Runtime values: computed values, and references into the input document that keep
//! their identity (so a finding can point at the node it is about).

use pol_facts::{Document, KeyId, NodeId, NodeKind, NodeRef};
use std::cmp::Ordering;
use std::rc::Rc;

/// A string computed by the policy: a thin pointer, so that a [`Value`] is 16 bytes
/// and moves in two machine registers.
pub type Text = Rc<String>;

/// A value in a register.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// `null`
    #[default]
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A string computed by the policy.
    Str(Text),
    /// A list computed by the policy.
    List(Rc<Vec<Value>>),
    /// A set: members in canonical order, without duplicates.
    Set(Rc<Vec<Value>>),
    /// An object computed by the policy: entries sorted by key, keys unique.
    Object(Rc<Vec<(Text, Value)>>),
    /// A node of the input document.
    Node(NodeId),
    /// A key of an object of the input document (a string).
    Key(KeyId),
    /// Bytes `start..end` of a string node of the input document (a string, read in
    /// place: `split(s, "/")[0]` builds nothing).
    Slice {
        /// The string node.
        node: NodeId,
        /// First byte.
        start: u32,
        /// One past the last byte.
        end: u32,
    },
}

/// A list as the operations see it: computed values or document nodes.
#[derive(Clone, Copy)]
pub enum ListView<'a> {
    /// Computed.
    Values(&'a [Value]),
    /// From the document.
    Nodes(&'a [NodeId]),
}

/// An object as the operations see it.
#[derive(Clone, Copy)]
pub enum ObjectView<'a> {
    /// Computed (sorted by key).
    Values(&'a [(Text, Value)]),
    /// From the document (file order).
    Nodes(&'a [(KeyId, NodeId)]),
}

/// A value seen through the document: what every operation matches on.
#[derive(Clone, Copy)]
pub enum View<'a> {
    /// `null`
    Null,
    /// A bool.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(&'a str),
    /// A list.
    List(ListView<'a>),
    /// A set.
    Set(&'a [Value]),
    /// An object.
    Object(ObjectView<'a>),
}

impl<'a> ListView<'a> {
    /// Number of elements.
    pub fn len(self) -> usize {
        match self {
            ListView::Values(v) => v.len(),
            ListView::Nodes(n) => n.len(),
        }
    }

    /// Element `i` as a value.
    pub fn get(self, i: usize) -> Option<Value> {
        match self {
            ListView::Values(v) => v.get(i).cloned(),
            ListView::Nodes(n) => n.get(i).map(|&id| Value::Node(id)),
        }
    }

    /// The elements as values.
    pub fn iter(self) -> impl Iterator<Item = Value> + 'a {
        let (values, nodes): (&[Value], &[NodeId]) = match self {
            ListView::Values(v) => (v, &[]),
            ListView::Nodes(n) => (&[], n),
        };
        values
            .iter()
            .cloned()
            .chain(nodes.iter().map(|&id| Value::Node(id)))
    }
}

impl<'a> ObjectView<'a> {
    /// Number of entries.
    pub fn len(self) -> usize {
        match self {
            ObjectView::Values(v) => v.len(),
            ObjectView::Nodes(n) => n.len(),
        }
    }

    /// The value of a key.
    pub fn get(self, doc: &Document, key: &str) -> Option<Value> {
        match self {
            ObjectView::Values(v) => v
                .binary_search_by(|(k, _)| k.as_str().cmp(key))
                .ok()
                .and_then(|i| v.get(i))
                .map(|(_, v)| v.clone()),
            ObjectView::Nodes(n) => {
                let key = doc.key_id(key)?;
                n.iter()
                    .find(|(k, _)| *k == key)
                    .map(|&(_, v)| Value::Node(v))
            }
        }
    }

    /// Entries sorted by key, as (key text, value).
    pub fn sorted(self, doc: &'a Document) -> Vec<(&'a str, Value)> {
        match self {
            ObjectView::Values(v) => v.iter().map(|(k, v)| (k.as_str(), v.clone())).collect(),
            ObjectView::Nodes(n) => {
                let mut entries: Vec<(&str, Value)> = n
                    .iter()
                    .map(|&(k, v)| (doc.key_str(k), Value::Node(v)))
                    .collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                entries
            }
        }
    }
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::new(s.to_owned()))
    }

    /// Whether dropping the value releases a reference count (a computed string or
    /// collection).
    #[inline]
    pub fn owns_heap(&self) -> bool {
        matches!(
            self,
            Value::Str(_) | Value::List(_) | Value::Set(_) | Value::Object(_)
        )
    }

    /// The text of a string value (computed or from the document); `None` for a value
    /// of any other kind, which [`Value::view`] then tells apart. Inlined into the
    /// string instructions: `view` builds a `View` in memory.
    #[inline(always)]
    pub fn as_str<'a>(&'a self, doc: &'a Document) -> Option<&'a str> {
        match self {
            Value::Node(id) => doc.str_at(*id),
            Value::Str(s) => Some(s),
            Value::Key(k) => Some(doc.key_str(*k)),
            Value::Slice { node, start, end } => Some(
                doc.str_at(*node)
                    .and_then(|s| s.get(*start as usize..*end as usize))
                    .unwrap_or(""),
            ),
            _ => None,
        }
    }

    /// [`Value::view`], with a string's text found inline ([`Value::as_str`]): the
    /// string instructions match on it, and a string is what they mostly get.
    #[inline(always)]
    pub(crate) fn str_view<'a>(&'a self, doc: &'a Document) -> View<'a> {
        match self.as_str(doc) {
            Some(text) => View::Str(text),
            None => self.view(doc),
        }
    }

    /// The bit of the value's kind in the `kinds` of `is_kind` and `jump_unless_kind`
    /// (the index in `KIND_NAMES`).
    #[inline]
    pub(crate) fn kind_bit(&self, doc: &Document) -> u8 {
        match self {
            Value::Node(id) => match doc.kind(*id) {
                NodeKind::Null => 0,
                NodeKind::Bool => 1,
                NodeKind::Int => 2,
                NodeKind::Float => 3,
                NodeKind::Str => 4,
                NodeKind::List => 5,
                NodeKind::Object => 7,
            },
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Int(_) => 2,
            Value::Float(_) => 3,
            Value::Str(_) | Value::Key(_) | Value::Slice { .. } => 4,
            Value::List(_) => 5,
            Value::Set(_) => 6,
            Value::Object(_) => 7,
        }
    }

    /// How operations see this value.
    pub fn view<'a>(&'a self, doc: &'a Document) -> View<'a> {
        match self {
            Value::Null => View::Null,
            Value::Bool(b) => View::Bool(*b),
            Value::Int(n) => View::Int(*n),
            Value::Float(f) => View::Float(*f),
            Value::Str(s) => View::Str(s),
            Value::List(v) => View::List(ListView::Values(v)),
            Value::Set(v) => View::Set(v),
            Value::Object(v) => View::Object(ObjectView::Values(v)),
            Value::Key(k) => View::Str(doc.key_str(*k)),
            Value::Slice { node, start, end } => match doc.get(*node) {
                NodeRef::Str(s) => View::Str(s.get(*start as usize..*end as usize).unwrap_or("")),
                _ => View::Str(""),
            },
            Value::Node(id) => match doc.get(*id) {
                NodeRef::Null => View::Null,
                NodeRef::Bool(b) => View::Bool(b),
                NodeRef::Int(n) => View::Int(n),
                NodeRef::Float(f) => View::Float(f),
                NodeRef::Str(s) => View::Str(s),
                NodeRef::List(l) => View::List(ListView::Nodes(l.as_slice())),
                NodeRef::Object(o) => View::Object(ObjectView::Nodes(o.as_slice())),
            },
        }
    }

    /// True for `null` (computed or from the document).
    pub fn is_null(&self, doc: &Document) -> bool {
        matches!(self.view(doc), View::Null)
    }
}

impl View<'_> {
    /// The kind's name, as `type_of` gives it.
    pub fn kind(&self) -> &'static str {
        match self {
            View::Null => "null",
            View::Bool(_) => "bool",
            View::Int(_) => "int",
            View::Float(_) => "float",
            View::Str(_) => "string",
            View::List(_) => "list",
            View::Set(_) => "set",
            View::Object(_) => "object",
        }
    }
}

/// Structural equality (docs/evaluation.md): `1 == 1.0`, objects by keys and values.
pub fn equal(a: &Value, b: &Value, doc: &Document) -> bool {
    view_equal(a.view(doc), b.view(doc), doc)
}

fn view_equal(a: View<'_>, b: View<'_>, doc: &Document) -> bool {
    match (a, b) {
        (View::Null, View::Null) => true,
        (View::Bool(x), View::Bool(y)) => x == y,
        (View::Int(x), View::Int(y)) => x == y,
        (View::Int(_) | View::Float(_), View::Int(_) | View::Float(_)) => {
            compare_numbers(a, b) == Some(Ordering::Equal)
        }
        (View::Str(x), View::Str(y)) => x == y,
        (View::List(x), View::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equal(&p, &q, doc))
        }
        (View::Set(x), View::Set(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equal(p, q, doc))
        }
        (View::Object(x), View::Object(y)) => {
            x.len() == y.len()
                && x.sorted(doc)
                    .iter()
                    .zip(y.sorted(doc).iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && equal(v1, v2, doc))
        }
        _ => false,
    }
}

/// Order of two numbers by value; `None` for NaN or non-numbers.
pub fn compare_numbers(a: View<'_>, b: View<'_>) -> Option<Ordering> {
    match (a, b) {
        (View::Int(x), View::Int(y)) => Some(x.cmp(&y)),
        (View::Int(x), View::Float(y)) => compare_int_float(x, y),
        (View::Float(x), View::Int(y)) => compare_int_float(y, x).map(Ordering::reverse),
        (View::Float(x), View::Float(y)) => x.partial_cmp(&y),
        _ => None,
    }
}

/// Exact comparison of an int with a float (no rounding of large ints).
fn compare_int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // 2^63 as a float: every finite float at or above it exceeds every i64.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f >= TWO_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    // `t` is integral and within i64 range here.
    #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
    let ti = t as i64;
    match i.cmp(&ti) {
        Ordering::Equal if f > t => Some(Ordering::Less),
        Ordering::Equal if f < t => Some(Ordering::Greater),
        other => Some(other),
    }
}

fn rank(v: &View<'_>) -> u8 {
    match v {
        View::Null => 0,
        View::Bool(_) => 1,
        View::Int(_) | View::Float(_) => 2,
        View::Str(_) => 3,
        View::List(_) => 4,
        View::Set(_) => 5,
        View::Object(_) => 6,
    }
}

/// The canonical total order (docs/evaluation.md): null < bools < numbers < strings <
/// lists < sets < objects. Equal values compare `Equal`; NaN sorts after every number.
pub fn canonical(a: &Value, b: &Value, doc: &Document) -> Ordering {
    canonical_view(a.view(doc), b.view(doc), doc)
}

fn canonical_view(a: View<'_>, b: View<'_>, doc: &Document) -> Ordering {
    let (ra, rb) = (rank(&a), rank(&b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (View::Bool(x), View::Bool(y)) => x.cmp(&y),
        (View::Int(_) | View::Float(_), _) => compare_numbers(a, b).unwrap_or_else(|| {
            let nan = |v: View<'_>| matches!(v, View::Float(f) if f.is_nan());
            nan(a).cmp(&nan(b))
        }),
        (View::Str(x), View::Str(y)) => x.cmp(y),
        (View::List(x), View::List(y)) => lexicographic(
            x.iter().collect::<Vec<_>>().iter(),
            y.iter().collect::<Vec<_>>().iter(),
            doc,
        ),
        (View::Set(x), View::Set(y)) => lexicographic(x.iter(), y.iter(), doc),
        (View::Object(x), View::Object(y)) => {
            // The sorted key lists first, then the values in key order.
            let (xs, ys) = (x.sorted(doc), y.sorted(doc));
            let keys = xs.iter().map(|(k, _)| *k).cmp(ys.iter().map(|(k, _)| *k));
            keys.then_with(|| {
                xs.iter()
                    .zip(ys.iter())
                    .map(|((_, v1), (_, v2))| canonical(v1, v2, doc))
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            })
        }
        _ => Ordering::Equal,
    }
}

fn lexicographic<'v>(
    mut x: impl Iterator<Item = &'v Value>,
    mut y: impl Iterator<Item = &'v Value>,
    doc: &Document,
) -> Ordering {
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let o = canonical(p, q, doc);
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

/// Sorts values into canonical order and removes duplicates (the first of equal values
/// is kept): the representation of a set.
pub fn normalize_set(mut items: Vec<Value>, doc: &Document) -> Vec<Value> {
    items.sort_by(|a, b| canonical(a, b, doc));
    items.dedup_by(|later, earlier| equal(later, earlier, doc));
    items
}

/// The value as JSON (sets as arrays), for output and `to_string`.
pub fn to_json(v: &Value, doc: &Document) -> serde_json::Value {
    use serde_json::Value as J;
    match v.view(doc) {
        View::Null => J::Null,
        View::Bool(b) => J::Bool(b),
        View::Int(n) => J::from(n),
        View::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        View::Str(s) => J::String(s.to_owned()),
        View::List(l) => J::Array(l.iter().map(|e| to_json(&e, doc)).collect()),
        View::Set(s) => J::Array(s.iter().map(|e| to_json(e, doc)).collect()),
        View::Object(o) => J::Object(
            o.sorted(doc)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), to_json(&v, doc)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_moves_in_two_machine_words() {
        // 16 bytes: returned and stored in registers, not through the stack (the hot
        // loop's register writes stalled on store forwarding at 24).
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 16);
    }
}
