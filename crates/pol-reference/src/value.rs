//! `Value`: the evaluator's values, and how a value read from the input is seen.

use pol_facts::{Document, NodeId, NodeRef};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A value of a running policy.
///
/// `Node` is a value read from the input document, kept as a reference so that `at`
/// can find its path. Everywhere else it behaves exactly like the plain value it
/// stands for: [`resolve`] turns it into that value, one level deep.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    List(Rc<Vec<Value>>),
    /// Members in canonical order, no two of them canonically equal (see `order`).
    Set(Rc<Vec<Value>>),
    Object(Rc<BTreeMap<String, Value>>),
    Node(NodeId),
}

impl Value {
    /// A string value.
    pub(crate) fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    /// A list value.
    pub(crate) fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }
}

/// The kinds of value, as `type_of` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    Bool,
    Int,
    Float,
    Str,
    List,
    Set,
    Object,
}

impl Kind {
    /// The name `type_of` gives.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::Str => "string",
            Kind::List => "list",
            Kind::Set => "set",
            Kind::Object => "object",
        }
    }

    /// The kind as error messages name it: `a string`, `an int`, `null`.
    pub(crate) fn described(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a bool",
            Kind::Int => "an int",
            Kind::Float => "a float",
            Kind::Str => "a string",
            Kind::List => "a list",
            Kind::Set => "a set",
            Kind::Object => "an object",
        }
    }
}

/// The kind of a value.
pub(crate) fn kind(doc: &Document, v: &Value) -> Kind {
    match v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Str(_) => Kind::Str,
        Value::List(_) => Kind::List,
        Value::Set(_) => Kind::Set,
        Value::Object(_) => Kind::Object,
        Value::Node(id) => match doc.get(*id) {
            NodeRef::Null => Kind::Null,
            NodeRef::Bool(_) => Kind::Bool,
            NodeRef::Int(_) => Kind::Int,
            NodeRef::Float(_) => Kind::Float,
            NodeRef::Str(_) => Kind::Str,
            NodeRef::List(_) => Kind::List,
            NodeRef::Object(_) => Kind::Object,
        },
    }
}

/// The plain value a `Node` stands for, one level deep: the elements of a list and
/// the values of an object stay `Node`s. Any other value is returned as it is.
pub(crate) fn resolve(doc: &Document, v: &Value) -> Value {
    let Value::Node(id) = v else {
        return v.clone();
    };
    match doc.get(*id) {
        NodeRef::Null => Value::Null,
        NodeRef::Bool(b) => Value::Bool(b),
        NodeRef::Int(i) => Value::Int(i),
        NodeRef::Float(f) => Value::Float(f),
        NodeRef::Str(s) => Value::str(s),
        NodeRef::List(_) => Value::list(doc.list_iter(*id).map(Value::Node).collect()),
        NodeRef::Object(_) => Value::Object(Rc::new(
            doc.object_iter(*id)
                .map(|(k, child)| (doc.key_str(k).to_owned(), Value::Node(child)))
                .collect(),
        )),
    }
}

/// The entries of an object in iteration order: the file's order for an object of
/// the input document, sorted key order for one built by the policy. `None` when
/// `v` is not an object.
pub(crate) fn object_entries(doc: &Document, v: &Value) -> Option<Vec<(String, Value)>> {
    match v {
        Value::Node(id) if matches!(doc.get(*id), NodeRef::Object(_)) => Some(
            doc.object_iter(*id)
                .map(|(k, child)| (doc.key_str(k).to_owned(), Value::Node(child)))
                .collect(),
        ),
        Value::Object(map) => Some(map.iter().map(|(k, x)| (k.clone(), x.clone())).collect()),
        _ => None,
    }
}

/// `x.f` and `x["f"]`: the value of key `name` of an object, else `null`.
pub(crate) fn field(doc: &Document, v: &Value, name: &str) -> Value {
    match v {
        Value::Node(id) if matches!(doc.get(*id), NodeRef::Object(_)) => doc
            .object_get_str(*id, name)
            .map_or(Value::Null, Value::Node),
        Value::Object(map) => map.get(name).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// `xs[i]` for an int `i`: the element of a list (negative indexes count from the
/// end), else `null`.
pub(crate) fn element(doc: &Document, v: &Value, i: i64) -> Value {
    let items = match resolve(doc, v) {
        Value::List(items) => items,
        _ => return Value::Null,
    };
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let position = if i < 0 { i.checked_add(len) } else { Some(i) };
    position
        .and_then(|p| usize::try_from(p).ok())
        .and_then(|p| items.get(p).cloned())
        .unwrap_or(Value::Null)
}

/// The string a value holds, if it is a string.
pub(crate) fn as_str(doc: &Document, v: &Value) -> Option<Rc<str>> {
    match resolve(doc, v) {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// A JSON value as a value of the policy (an option's value).
pub(crate) fn from_json(json: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
        J::String(s) => Value::str(s),
        J::Array(items) => Value::list(items.iter().map(from_json).collect()),
        J::Object(map) => Value::Object(Rc::new(
            map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect(),
        )),
    }
}
