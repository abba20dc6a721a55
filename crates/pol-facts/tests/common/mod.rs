//! Shared by the property tests of the loaders. Each test file uses some of it.

#![allow(dead_code, reason = "each test file uses a part")]

use pol_facts::{Document, NodeId, NodeRef, Shape, ShapeNode};
use proptest::prelude::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Random JSON values: ints (all of i64), finite floats, strings with any characters
/// (escapes, astral planes, control characters), nested lists and objects whose keys
/// match the regex `keys`.
pub fn json_value(keys: &'static str) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[a-z\"\\\\/\u{0}-\u{1f}\u{7f}-\u{ffff}]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A small deterministic generator (xorshift), seeded by proptest.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// True with probability 1 / n.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random shape that follows the value here and there: a node needs everything,
/// some keys (some of them absent), the elements, or nothing below it.
pub fn random_shape(value: &Value, rng: &mut Rng) -> Shape {
    let mut nodes = Vec::new();
    shape_node(value, rng, &mut nodes, 0);
    Shape::from_nodes(nodes).unwrap()
}

fn shape_node(value: &Value, rng: &mut Rng, nodes: &mut Vec<ShapeNode>, depth: usize) -> u32 {
    let index = nodes.len() as u32;
    nodes.push(ShapeNode::default());
    if depth > 0 && rng.one_in(5) {
        nodes[index as usize].all = true;
        return index;
    }
    let mut fields = BTreeMap::new();
    let mut children: Vec<&Value> = Vec::new();
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                if rng.one_in(2) {
                    fields.insert(key.clone(), shape_node(child, rng, nodes, depth + 1));
                }
            }
            children.extend(object.values());
        }
        Value::Array(list) => children.extend(list),
        _ => {}
    }
    if rng.one_in(4) {
        fields.insert(
            "a".to_owned(),
            shape_node(&Value::Null, rng, nodes, depth + 1),
        );
    }
    let elements = if rng.one_in(3) {
        let child = match children.len() {
            0 => &Value::Null,
            n => children[rng.below(n)],
        };
        Some(shape_node(child, rng, nodes, depth + 1))
    } else {
        None
    };
    nodes[index as usize].fields = fields.into_iter().collect();
    nodes[index as usize].elements = elements;
    index
}

pub fn all() -> ShapeNode {
    ShapeNode {
        all: true,
        ..ShapeNode::default()
    }
}

pub fn fields(fields: &[(&str, u32)]) -> ShapeNode {
    let mut fields: Vec<(String, u32)> = fields.iter().map(|&(k, c)| (k.to_owned(), c)).collect();
    fields.sort();
    ShapeNode {
        fields,
        ..ShapeNode::default()
    }
}

pub fn elements(child: u32) -> ShapeNode {
    ShapeNode {
        elements: Some(child),
        ..ShapeNode::default()
    }
}

pub fn shape(nodes: Vec<ShapeNode>) -> Shape {
    Shape::from_nodes(nodes).unwrap()
}

/// The shape that needs the value of one key of the root.
pub fn keep(key: &str) -> Shape {
    shape(vec![fields(&[(key, 1)]), all()])
}

/// What a value needs, computed here from the shape's table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Need {
    All,
    Node(u32),
    Skip,
}

pub fn need_of(shape: &Shape, index: u32) -> Need {
    if shape.nodes()[index as usize].all {
        Need::All
    } else {
        Need::Node(index)
    }
}

pub fn field_need(shape: &Shape, parent: Need, key: &str) -> Need {
    match parent {
        Need::Node(i) => {
            let node = &shape.nodes()[i as usize];
            match node.fields.iter().find(|(k, _)| k == key) {
                Some(&(_, child)) => need_of(shape, child),
                None => node.elements.map_or(Need::Skip, |c| need_of(shape, c)),
            }
        }
        other => other,
    }
}

pub fn element_need(shape: &Shape, parent: Need) -> Need {
    match parent {
        Need::Node(i) => shape.nodes()[i as usize]
            .elements
            .map_or(Need::Skip, |c| need_of(shape, c)),
        other => other,
    }
}

/// Walks a full document and a shaped one side by side: every needed value reads the
/// same (value, path, position), every value the shape skips is a placeholder (with the
/// same path and position). With `need == Need::All` it checks that the two are equal.
pub fn walk(shape: &Shape, full: &Document, part: &Document, f: NodeId, p: NodeId, need: Need) {
    assert_eq!(full.path(f), part.path(p));
    assert_eq!(full.position(f), part.position(p), "at {}", full.path(f));
    assert!(!full.is_skipped(f));
    if need == Need::Skip {
        assert!(part.is_skipped(p), "{} is not skipped", full.path(f));
        return;
    }
    assert!(!part.is_skipped(p), "{} is skipped", full.path(f));
    match full.get(f) {
        NodeRef::List(list) => {
            assert_eq!(list.len(), part.list_len(p));
            let child_need = element_need(shape, need);
            for (fc, pc) in list.iter().zip(part.list_iter(p)) {
                walk(shape, full, part, fc, pc, child_need);
            }
        }
        NodeRef::Object(object) => {
            assert_eq!(object.len(), part.object_len(p));
            for ((fk, fc), (pk, pc)) in object.iter().zip(part.object_iter(p)) {
                let key = full.key_str(fk);
                assert_eq!(key, part.key_str(pk));
                assert_eq!(part.object_get_str(p, key), Some(pc));
                walk(shape, full, part, fc, pc, field_need(shape, need, key));
            }
        }
        scalar => match (scalar, part.get(p)) {
            // NaN is not equal to itself.
            (NodeRef::Float(a), NodeRef::Float(b)) if a.is_nan() => assert!(b.is_nan()),
            (scalar, other) => assert_eq!(scalar, other, "at {}", full.path(f)),
        },
    }
}

/// The number of placeholders in a document.
pub fn skipped_count(doc: &Document) -> usize {
    (0..doc.len() as u32)
        .filter(|&i| doc.is_skipped(NodeId(i)))
        .count()
}

/// Full and shaped loading of `text` (given as their results) give the same error, or
/// as many documents, each of which agrees with its full counterpart wherever `shape`
/// needs a value and has placeholders exactly where it does not, without reading a
/// placeholder. Returns the shaped documents, if any.
pub fn agree_loads(
    text: &str,
    shape: &Shape,
    full: Result<Vec<Document>, String>,
    shaped: Result<Vec<Document>, String>,
) -> Option<Vec<Document>> {
    match (full, shaped) {
        (Ok(f), Ok(p)) => {
            assert_eq!(f.len(), p.len(), "{text}");
            for (f, p) in f.iter().zip(&p) {
                walk(shape, f, p, f.root(), p.root(), need_of(shape, 0));
                assert!(!p.read_skipped(), "a needed read met a placeholder");
            }
            Some(p)
        }
        (Err(f), Err(p)) => {
            assert_eq!(f, p, "{text}");
            None
        }
        (f, p) => panic!("full: {f:?}\nshaped: {p:?}\ntext: {text}"),
    }
}
