//! Runtime values: computed values, and references into the input document that keep
//! their identity (so a finding can point at the node it is about).

use crate::copy::write_clone;
use crate::limits::MAX_VALUE_DEPTH;
use crate::meter::Meter;
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
    List(Rc<Items<Value>>),
    /// A set: members in canonical order, without duplicates.
    Set(Rc<Items<Value>>),
    /// An object computed by the policy: entries sorted by key, keys unique.
    Object(Rc<Items<(Text, Value)>>),
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

/// The elements of a computed list or set, or the entries of a computed object, with
/// how deeply the value nests (1 for a container of scalars or document nodes): a value
/// is dropped, compared and written by recursion, so building one deeper than
/// [`MAX_VALUE_DEPTH`] is an error ([`Items::check_depth`]). Read as a `Vec` (`Deref`);
/// changed only through methods that keep the depth.
#[derive(Debug, Clone, PartialEq)]
pub struct Items<T> {
    depth: u32,
    items: Vec<T>,
}

/// Something held in a computed container: how deeply it nests.
pub trait Nested {
    /// 0 for a scalar or a document node; a computed container's depth.
    fn depth(&self) -> u32;
}

impl Nested for Value {
    #[inline]
    fn depth(&self) -> u32 {
        match self {
            Value::List(items) | Value::Set(items) => items.depth,
            Value::Object(entries) => entries.depth,
            _ => 0,
        }
    }
}

impl Nested for (Text, Value) {
    #[inline]
    fn depth(&self) -> u32 {
        self.1.depth()
    }
}

impl<T: Nested> Items<T> {
    /// A container of `items`.
    pub fn new(items: Vec<T>) -> Items<T> {
        let depth = 1 + items.iter().map(Nested::depth).max().unwrap_or(0);
        Items { depth, items }
    }

    /// Inserts an item at `index` (see [`Vec::insert`]).
    pub fn insert(&mut self, index: usize, item: T) {
        self.depth = self.depth.max(item.depth() + 1);
        self.items.insert(index, item);
    }

    /// Replaces the item at `index`; false when there is none.
    pub fn set(&mut self, index: usize, item: T) -> bool {
        let depth = item.depth() + 1;
        match self.items.get_mut(index) {
            Some(slot) => {
                *slot = item;
                self.depth = self.depth.max(depth);
                true
            }
            None => false,
        }
    }

    /// An empty container with room for `n` items.
    pub fn with_capacity(n: usize) -> Items<T> {
        Items {
            depth: 1,
            items: Vec::with_capacity(n),
        }
    }

    /// Takes the items out, leaving the container empty.
    pub fn take(&mut self) -> Vec<T> {
        self.depth = 1;
        std::mem::take(&mut self.items)
    }

    /// An error when the value nests deeper than [`MAX_VALUE_DEPTH`].
    pub fn check_depth(&self) -> Result<(), String> {
        if self.depth as usize > MAX_VALUE_DEPTH {
            Err(crate::limits::Limit::Depth.message())
        } else {
            Ok(())
        }
    }
}

impl Items<Value> {
    /// Adds a copy of `v` at the end, written in place ([`write_clone`]).
    pub fn push_clone(&mut self, v: &Value) {
        self.depth = self.depth.max(v.depth() + 1);
        self.items.push(Value::Null);
        if let Some(last) = self.items.last_mut() {
            write_clone(last, v);
        }
    }
}

impl Items<(Text, Value)> {
    /// Inserts `key` with a copy of `v` at `index`, the value written in place
    /// ([`write_clone`]).
    pub fn insert_clone(&mut self, index: usize, key: Text, v: &Value) {
        self.depth = self.depth.max(v.depth() + 1);
        self.items.insert(index, (key, Value::Null));
        if let Some((_, slot)) = self.items.get_mut(index) {
            write_clone(slot, v);
        }
    }

    /// Replaces the value at `index` by a copy of `v`; false when there is none.
    pub fn set_clone(&mut self, index: usize, v: &Value) -> bool {
        let depth = v.depth() + 1;
        match self.items.get_mut(index) {
            Some((_, slot)) => {
                write_clone(slot, v);
                self.depth = self.depth.max(depth);
                true
            }
            None => false,
        }
    }
}

impl<T> Default for Items<T> {
    /// An empty container (depth 1).
    fn default() -> Items<T> {
        Items {
            depth: 1,
            items: Vec::new(),
        }
    }
}

impl<T> std::ops::Deref for Items<T> {
    type Target = Vec<T>;

    #[inline]
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl Value {
    /// A computed list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(Items::new(items)))
    }

    /// A computed set of members already in canonical order, without duplicates.
    pub fn set_of_normalized(items: Vec<Value>) -> Value {
        Value::Set(Rc::new(Items::new(items)))
    }

    /// A computed object of entries sorted by key, keys unique.
    pub fn object(entries: Vec<(Text, Value)>) -> Value {
        Value::Object(Rc::new(Items::new(entries)))
    }
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
    /// From the document (file order): the object node and its entries.
    Nodes(NodeId, &'a [(KeyId, NodeId)]),
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
            ObjectView::Nodes(_, n) => n.len(),
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
            // A big object is searched through its sorted copy.
            ObjectView::Nodes(id, _) => doc.object_get(id, doc.key_id(key)?).map(Value::Node),
        }
    }

    /// Entries sorted by key, as (key text, value).
    pub fn sorted(self, doc: &'a Document) -> Vec<(&'a str, Value)> {
        match self {
            ObjectView::Values(v) => v.iter().map(|(k, v)| (k.as_str(), v.clone())).collect(),
            ObjectView::Nodes(_, n) => {
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
                NodeRef::Object(o) => View::Object(ObjectView::Nodes(*id, o.as_slice())),
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
/// The walk is charged to `meter`, a step per element; when the meter runs out the
/// answer is `false` and the evaluation stops (see [`Meter::exhausted`]).
pub fn equal(a: &Value, b: &Value, doc: &Document, meter: &Meter) -> bool {
    view_equal(a.view(doc), b.view(doc), doc, meter, 0)
}

/// Strings shorter than this compare without a charge (at most a few steps' work).
const FREE_BYTES: usize = 1024;

fn view_equal(a: View<'_>, b: View<'_>, doc: &Document, meter: &Meter, depth: usize) -> bool {
    let inner = |p: &Value, q: &Value| {
        meter.charge(1) && view_equal(p.view(doc), q.view(doc), doc, meter, depth + 1)
    };
    match (a, b) {
        (View::Null, View::Null) => true,
        (View::Bool(x), View::Bool(y)) => x == y,
        (View::Int(x), View::Int(y)) => x == y,
        (View::Int(_) | View::Float(_), View::Int(_) | View::Float(_)) => {
            compare_numbers(a, b) == Some(Ordering::Equal)
        }
        (View::Str(x), View::Str(y)) => {
            if x.len() == y.len() && x.len() > FREE_BYTES && !meter.charge_bytes(x.len()) {
                return false;
            }
            x == y
        }
        (View::List(x), View::List(y)) => {
            x.len() == y.len()
                && meter.descend(depth + 1)
                && x.iter().zip(y.iter()).all(|(p, q)| inner(&p, &q))
        }
        (View::Set(x), View::Set(y)) => {
            x.len() == y.len()
                && meter.descend(depth + 1)
                && x.iter().zip(y.iter()).all(|(p, q)| inner(p, q))
        }
        (View::Object(x), View::Object(y)) => {
            x.len() == y.len()
                && meter.descend(depth + 1)
                && meter.charge(2 * x.len() as u64)
                && x.sorted(doc)
                    .iter()
                    .zip(y.sorted(doc).iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && inner(v1, v2))
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
/// Charged to `meter` like [`equal`]; when it runs out the answer is `Equal`.
pub fn canonical(a: &Value, b: &Value, doc: &Document, meter: &Meter) -> Ordering {
    canonical_view(a.view(doc), b.view(doc), doc, meter, 0)
}

fn canonical_view(
    a: View<'_>,
    b: View<'_>,
    doc: &Document,
    meter: &Meter,
    depth: usize,
) -> Ordering {
    let (ra, rb) = (rank(&a), rank(&b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    let inner = |p: &Value, q: &Value| {
        if meter.charge(1) {
            canonical_view(p.view(doc), q.view(doc), doc, meter, depth + 1)
        } else {
            Ordering::Equal
        }
    };
    match (a, b) {
        (View::Bool(x), View::Bool(y)) => x.cmp(&y),
        (View::Int(_) | View::Float(_), _) => compare_numbers(a, b).unwrap_or_else(|| {
            let nan = |v: View<'_>| matches!(v, View::Float(f) if f.is_nan());
            nan(a).cmp(&nan(b))
        }),
        (View::Str(x), View::Str(y)) => {
            if x.len().min(y.len()) > FREE_BYTES && !meter.charge_bytes(x.len().min(y.len())) {
                return Ordering::Equal;
            }
            x.cmp(y)
        }
        _ if !meter.descend(depth + 1) => Ordering::Equal,
        (View::List(x), View::List(y)) => lexicographic(x.iter(), y.iter(), &inner),
        (View::Set(x), View::Set(y)) => lexicographic(x.iter(), y.iter(), &inner),
        (View::Object(x), View::Object(y)) => {
            if !meter.charge((x.len() + y.len()) as u64) {
                return Ordering::Equal;
            }
            // The sorted key lists first, then the values in key order.
            let (xs, ys) = (x.sorted(doc), y.sorted(doc));
            let keys = xs.iter().map(|(k, _)| *k).cmp(ys.iter().map(|(k, _)| *k));
            keys.then_with(|| {
                xs.iter()
                    .zip(ys.iter())
                    .map(|((_, v1), (_, v2))| inner(v1, v2))
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            })
        }
        _ => Ordering::Equal,
    }
}

fn lexicographic<V: std::borrow::Borrow<Value>>(
    mut x: impl Iterator<Item = V>,
    mut y: impl Iterator<Item = V>,
    inner: &impl Fn(&Value, &Value) -> Ordering,
) -> Ordering {
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let o = inner(p.borrow(), q.borrow());
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

/// The steps a sort of `n` values is charged before it starts (n log2 n comparisons);
/// comparisons that walk collections are charged on top, as they go.
pub fn sort_cost(n: usize) -> u64 {
    let n = n as u64;
    n.saturating_mul(u64::from(64 - n.leading_zeros()))
}

/// Sorts values into canonical order and removes duplicates (the first of equal values
/// is kept): the representation of a set. Charged to `meter` (see [`sort_cost`]); when
/// it runs out the order is unspecified and the evaluation stops.
pub fn normalize_set(mut items: Vec<Value>, doc: &Document, meter: &Meter) -> Vec<Value> {
    if !meter.charge(sort_cost(items.len())) {
        return items;
    }
    items.sort_by(|a, b| canonical(a, b, doc, meter));
    items.dedup_by(|later, earlier| equal(later, earlier, doc, meter));
    items
}

/// The value as JSON (sets as arrays), for `--query`'s output. Charged to `meter`: when
/// it runs out, the rest is `null` and the evaluation stops.
pub fn to_json(v: &Value, doc: &Document, meter: &Meter) -> serde_json::Value {
    to_json_at(v, doc, meter, 0)
}

fn to_json_at(v: &Value, doc: &Document, meter: &Meter, depth: usize) -> serde_json::Value {
    use serde_json::Value as J;
    if !meter.descend(depth) {
        return J::Null;
    }
    let inner = |e: &Value| to_json_at(e, doc, meter, depth + 1);
    match v.view(doc) {
        View::Null => J::Null,
        View::Bool(b) => J::Bool(b),
        View::Int(n) => J::from(n),
        View::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        View::Str(s) => {
            if !meter.charge_bytes(s.len()) {
                return J::Null;
            }
            J::String(s.to_owned())
        }
        View::List(l) => J::Array(l.iter().map(|e| inner(&e)).collect()),
        View::Set(s) => J::Array(s.iter().map(inner).collect()),
        View::Object(o) => J::Object(
            o.sorted(doc)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), inner(&v)))
                .collect(),
        ),
    }
}

/// Appends the value as compact JSON (sets as arrays, object keys sorted), as
/// `to_string` writes it: charged to `meter`, a step per value and per 64 bytes, and at
/// most `max_len` bytes long.
pub fn write_json(
    out: &mut Vec<u8>,
    v: &Value,
    doc: &Document,
    meter: &Meter,
    max_len: usize,
) -> Result<(), String> {
    write_json_at(out, v, doc, meter, max_len, 0)
}

fn write_json_at(
    out: &mut Vec<u8>,
    v: &Value,
    doc: &Document,
    meter: &Meter,
    max_len: usize,
    depth: usize,
) -> Result<(), String> {
    let too_long = || "string too long (resource limit)".to_owned();
    if !meter.descend(depth) {
        return Err(too_long());
    }
    let inner =
        |out: &mut Vec<u8>, e: &Value| write_json_at(out, e, doc, meter, max_len, depth + 1);
    match v.view(doc) {
        View::Null => out.extend_from_slice(b"null"),
        View::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        View::Int(n) => {
            let mut text = String::new();
            pol_facts::push_decimal(&mut text, n.unsigned_abs());
            if n < 0 {
                out.push(b'-');
            }
            out.extend_from_slice(text.as_bytes());
        }
        View::Float(f) => match serde_json::Number::from_f64(f) {
            Some(n) => out.extend_from_slice(n.to_string().as_bytes()),
            None => out.extend_from_slice(b"null"),
        },
        View::Str(s) => {
            if out.len() + s.len() > max_len || !meter.charge_bytes(s.len()) {
                return Err(too_long());
            }
            serde_json::to_writer(&mut *out, s).map_err(|e| e.to_string())?;
        }
        View::List(l) => {
            out.push(b'[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                inner(out, &e)?;
            }
            out.push(b']');
        }
        View::Set(s) => {
            out.push(b'[');
            for (i, e) in s.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                inner(out, e)?;
            }
            out.push(b']');
        }
        View::Object(o) => {
            if !meter.charge(o.len() as u64) {
                return Err(too_long());
            }
            out.push(b'{');
            for (i, (k, e)) in o.sorted(doc).into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if !meter.charge_bytes(k.len()) {
                    return Err(too_long());
                }
                serde_json::to_writer(&mut *out, k).map_err(|e| e.to_string())?;
                out.push(b':');
                inner(out, &e)?;
            }
            out.push(b'}');
        }
    }
    if out.len() > max_len {
        return Err(too_long());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(v: &Value, doc: &Document, meter: &Meter, max: usize) -> Result<String, String> {
        let mut out = Vec::new();
        write_json(&mut out, v, doc, meter, max)?;
        Ok(String::from_utf8(out).unwrap())
    }

    /// `to_string` writes what serde_json writes of the same value.
    #[test]
    fn written_json_is_serde_jsons() {
        let docs = pol_facts::load(
            r#"{"b": [1, 2.5, "q\"\n\u0001é"], "a": {"z": null, "y": true}, "n": -7}"#,
            pol_facts::Format::Json,
            None,
        )
        .unwrap();
        let doc = &docs[0];
        let meter = Meter::unlimited();
        let computed = Value::object(vec![
            (Rc::new("k\"".to_owned()), Value::Float(1e300)),
            (Rc::new("l".to_owned()), Value::Float(f64::NAN)),
            (
                Rc::new("s".to_owned()),
                Value::set_of_normalized(vec![Value::Int(i64::MIN), Value::Node(doc.root())]),
            ),
        ]);
        for v in [
            Value::Node(doc.root()),
            computed,
            Value::Float(-0.0),
            Value::Null,
        ] {
            let expected = to_json(&v, doc, &meter).to_string();
            assert_eq!(write(&v, doc, &meter, usize::MAX).unwrap(), expected);
        }
    }

    /// A value that shares structure is small in memory and huge when walked: the
    /// walk stops at the meter's budget, or at the length limit.
    #[test]
    fn walks_of_shared_values_stop_at_the_budget() {
        let docs = pol_facts::load("null", pol_facts::Format::Json, None).unwrap();
        let doc = &docs[0];
        let mut v = Value::list(vec![Value::Int(1)]);
        for _ in 0..60 {
            v = Value::list(vec![v.clone(), v]);
        }
        let mut meter = Meter::unlimited();
        meter.reset(100_000, &crate::Limits::default(), None);
        assert!(!equal(&v, &v.clone(), doc, &meter));
        assert!(matches!(
            meter.exhausted(),
            Some(crate::Limit::Steps(100_000))
        ));

        meter.reset(u64::MAX / 2, &crate::Limits::default(), None);
        assert!(
            write(&v, doc, &meter, 1 << 20).is_err(),
            "longer than the limit"
        );
        assert!(meter.exhausted().is_none());

        meter.reset(100_000, &crate::Limits::default(), None);
        let sorted = normalize_set(vec![v.clone(), v.clone(), v], doc, &meter);
        assert_eq!(sorted.len(), 3, "cut short, not deduplicated");
        assert!(meter.exhausted().is_some());
    }

    #[test]
    fn deeply_nested_values_stop_at_the_depth_limit() {
        let docs = pol_facts::load("null", pol_facts::Format::Json, None).unwrap();
        let doc = &docs[0];
        let mut v = Value::Int(1);
        for _ in 0..100_000 {
            v = Value::list(vec![v]);
        }
        let meter = Meter::unlimited();
        assert!(!equal(&v, &v.clone(), doc, &meter));
        assert_eq!(meter.exhausted(), Some(crate::Limit::Depth));
        // Dropping such a value must not overflow the stack either.
        drop_nested(v);
    }

    /// Drops a deeply nested list iteratively (the test's own value).
    fn drop_nested(mut v: Value) {
        while let Value::List(items) = v {
            v = Rc::try_unwrap(items)
                .ok()
                .and_then(|mut items| items.take().pop())
                .unwrap_or_default();
        }
    }

    /// Containers know how deeply they nest, whichever way they are built, and one
    /// deeper than the limit is an error before it exists.
    #[test]
    fn containers_know_their_depth() {
        let mut v = Value::Int(1);
        for depth in 1..=MAX_VALUE_DEPTH {
            v = match depth % 3 {
                0 => Value::list(vec![Value::Null, v]),
                1 => Value::object(vec![(Rc::new("k".to_owned()), v)]),
                _ => {
                    let mut items = Items::default();
                    items.push_clone(&Value::Null);
                    items.push_clone(&v);
                    Value::Set(Rc::new(items))
                }
            };
            assert_eq!(v.depth() as usize, depth);
        }
        let mut items = Items::new(vec![Value::Int(0)]);
        items.insert(0, v.clone());
        assert!(items.check_depth().is_err());
        let mut entries = Items::new(vec![(Rc::new("a".to_owned()), Value::Null)]);
        assert!(entries.set(0, (Rc::new("a".to_owned()), v.clone())));
        assert!(entries.check_depth().is_err());
        let mut copied = Items::new(vec![(Rc::new("a".to_owned()), Value::Null)]);
        copied.insert_clone(0, Rc::new("0".to_owned()), &Value::Null);
        assert!(copied.check_depth().is_ok());
        assert!(copied.set_clone(1, &v));
        assert!(!copied.set_clone(2, &v));
        assert!(copied.check_depth().is_err());
        assert_eq!(entries.take().len(), 1);
        assert!(entries.check_depth().is_ok(), "empty again");
    }

    #[test]
    fn a_value_moves_in_two_machine_words() {
        // 16 bytes: returned and stored in registers, not through the stack (the hot
        // loop's register writes stalled on store forwarding at 24).
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 16);
    }
}
