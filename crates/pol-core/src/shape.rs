//! `ShapeNode`: one path of what a program reads of its input. The compiler writes a
//! program's table of them (its demand, in the `.polc` file); the loaders skip what no
//! node names (`pol_facts::Shape`, docs/evaluation.md, "Selective loading").

use serde::{Deserialize, Serialize};

/// One path of what a program can read of its input: the value at the path itself is
/// always read (its kind, a scalar, an object's keys, a list's length); what is below
/// it only as this node says. A table of them has the root first, each child after its
/// parent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShapeNode {
    /// Everything below this path is needed.
    pub all: bool,
    /// Keys whose values are needed, sorted by key and unique, each with the index of
    /// its node (greater than this node's index).
    pub fields: Vec<(String, u32)>,
    /// The node of every element of a list and every value of an object not named in
    /// `fields` (greater than this node's index).
    pub elements: Option<u32>,
}
