//! Shared by the property tests of the loaders. Each test file uses some of it.

#![allow(dead_code, reason = "each test file uses a part")]

use pol_facts::{Shape, ShapeNode};
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
