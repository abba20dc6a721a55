//! Iterator slots: the state of one `for` loop, comprehension or quantifier.

use crate::copy::write_clone;
use crate::value::{Items, Text, Value};
use pol_facts::{Document, NodeId, NodeRef};
use std::rc::Rc;

/// Where a loop is in its collection. `pos` is the index of the next element.
#[derive(Clone, Default)]
pub enum Iter {
    /// Nothing to iterate (also the state of an unused slot).
    #[default]
    Empty,
    /// A computed list or set.
    Values { items: Rc<Items<Value>>, pos: usize },
    /// A computed object (its values; keys for `iter_key`).
    Entries {
        items: Rc<Items<(Text, Value)>>,
        pos: usize,
    },
    /// A list node of the document.
    Nodes { node: NodeId, pos: usize },
    /// An object node of the document, in file order.
    NodeEntries { node: NodeId, pos: usize },
}

impl Iter {
    /// Starts iterating `v`: lists, sets, objects; null iterates nothing; anything else
    /// is a type error.
    pub fn start(v: &Value, doc: &Document) -> Result<Iter, String> {
        let kind = match v {
            Value::Null => return Ok(Iter::Empty),
            Value::List(items) | Value::Set(items) => {
                return Ok(Iter::Values {
                    items: items.clone(),
                    pos: 0,
                });
            }
            Value::Object(items) => {
                return Ok(Iter::Entries {
                    items: items.clone(),
                    pos: 0,
                });
            }
            Value::Node(id) => match doc.get(*id) {
                NodeRef::Null => return Ok(Iter::Empty),
                NodeRef::List(_) => return Ok(Iter::Nodes { node: *id, pos: 0 }),
                NodeRef::Object(_) => return Ok(Iter::NodeEntries { node: *id, pos: 0 }),
                NodeRef::Bool(_) => "bool",
                NodeRef::Int(_) => "int",
                NodeRef::Float(_) => "float",
                NodeRef::Str(_) => "string",
            },
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) | Value::Key(_) | Value::Slice { .. } => "string",
        };
        Err(format!("cannot iterate over a `{kind}`"))
    }

    /// For loops over the document, the next node (`Some(None)` at the end); `None` for
    /// other loops, which [`Iter::next`] steps. A node id comes back in a machine
    /// register, where a `Value` would go through memory.
    #[inline]
    pub fn next_node(&mut self, doc: &Document) -> Option<Option<NodeId>> {
        match self {
            Iter::Nodes { node, pos } => {
                let next = match doc.get(*node) {
                    NodeRef::List(list) => list.get(*pos),
                    _ => None,
                };
                *pos += usize::from(next.is_some());
                Some(next)
            }
            Iter::NodeEntries { node, pos } => {
                let next = match doc.get(*node) {
                    NodeRef::Object(object) => object.as_slice().get(*pos).map(|&(_, v)| v),
                    _ => None,
                };
                *pos += usize::from(next.is_some());
                Some(next)
            }
            Iter::Empty => Some(None),
            Iter::Values { .. } | Iter::Entries { .. } => None,
        }
    }

    /// For loops over a computed collection, the next element (a value, or an
    /// object's value), by reference; `None` at the end and for other loops.
    #[inline]
    pub fn next_computed(&mut self) -> Option<&Value> {
        match self {
            Iter::Values { items, pos } => {
                let v = items.get(*pos)?;
                *pos += 1;
                Some(v)
            }
            Iter::Entries { items, pos } => {
                let (_, v) = items.get(*pos)?;
                *pos += 1;
                Some(v)
            }
            Iter::Empty | Iter::Nodes { .. } | Iter::NodeEntries { .. } => None,
        }
    }

    /// The index (lists, sets) or key (objects) of the element last returned,
    /// written into `to` in place ([`write_clone`]).
    #[inline]
    pub fn write_key(&self, to: &mut Value, doc: &Document) {
        let index =
            |pos: usize| Value::Int(i64::try_from(pos.saturating_sub(1)).unwrap_or(i64::MAX));
        match self {
            Iter::Values { pos, .. } | Iter::Nodes { pos, .. } => write_clone(to, &index(*pos)),
            Iter::Entries { items, pos } => match items.get(pos.saturating_sub(1)) {
                // (Objects built by the policy are rarely iterated: no copy in place.)
                Some((k, _)) => *to = Value::Str(k.clone()),
                None => write_clone(to, &Value::Null),
            },
            Iter::NodeEntries { node, pos } => match doc.get(*node) {
                NodeRef::Object(object) => match object.as_slice().get(pos.saturating_sub(1)) {
                    Some(&(k, _)) => write_clone(to, &Value::Key(k)),
                    None => write_clone(to, &Value::Null),
                },
                _ => write_clone(to, &Value::Null),
            },
            Iter::Empty => write_clone(to, &Value::Null),
        }
    }
}
