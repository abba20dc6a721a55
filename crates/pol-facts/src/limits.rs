//! `LoadLimits`: the most one input may make loading build, and the budget that the
//! documents of one input spend together.

use std::fmt;

use crate::document::MAX_NODES;

/// The deepest nesting of lists and objects a document may have (the default, and the
/// most, of [`LoadLimits::max_depth`]).
pub const MAX_DEPTH: usize = 256;
/// The most nodes that YAML alias expansion may create in one input (the default of
/// [`LoadLimits::max_alias_nodes`]).
pub const MAX_ALIAS_NODES: usize = 1_000_000;
/// The most bytes of one input (the default of [`LoadLimits::max_input_bytes`]): 64 MiB.
pub const MAX_INPUT_BYTES: usize = 64 << 20;

/// The most one input may make loading read and build: what a hostile input can cost.
///
/// The limits bound one whole input (one text given to a loader): the nodes and the
/// alias copies of all the documents of a YAML stream count against one budget, so a
/// stream of many documents costs no more than one document could. Exceeding a limit is
/// a [`LoadError`](crate::LoadError) whose message names the limit and its value, and
/// whose [`limit`](crate::LoadError::limit) says which one it is.
///
/// Build one from [`LoadLimits::default`] and change the fields that matter:
///
/// ```
/// use pol_facts::{Format, Limit, LoadLimits, load_with};
///
/// let mut limits = LoadLimits::default();
/// limits.max_depth = 2;
/// let err = load_with("[[[1]]]", Format::Json, None, &limits).unwrap_err();
/// assert_eq!(err.limit, Some(Limit::Depth));
/// assert_eq!(err.to_string(), "1:3: nesting is deeper than the limit of 2 levels");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct LoadLimits {
    /// The most bytes of text ([`MAX_INPUT_BYTES`], 64 MiB, by default), checked before
    /// anything is parsed.
    pub max_input_bytes: usize,
    /// The most nodes of all the documents of the input together, placeholders of
    /// selective loading included (every value is a node; object keys are not).
    /// By default, and at most, [`MAX_NODES`] (536,870,911): a larger value counts as
    /// that, which is all one document can hold.
    pub max_nodes: usize,
    /// The deepest nesting of lists and objects in a document (alias copies included).
    /// By default, and at most, [`MAX_DEPTH`] (256): a larger value counts as that, so
    /// that code walking a document recursively stays within its stack.
    pub max_depth: usize,
    /// The most nodes that YAML aliases may copy, all the documents of the input
    /// together ([`MAX_ALIAS_NODES`] by default). An alias used as a mapping key counts
    /// the nodes of its value (the key is its value as JSON text).
    pub max_alias_nodes: usize,
}

impl LoadLimits {
    /// The default limits, as a constant.
    pub const DEFAULT: LoadLimits = LoadLimits {
        max_input_bytes: MAX_INPUT_BYTES,
        max_nodes: MAX_NODES,
        max_depth: MAX_DEPTH,
        max_alias_nodes: MAX_ALIAS_NODES,
    };
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits::DEFAULT
    }
}

/// Which of the [`LoadLimits`] an input went over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// [`LoadLimits::max_input_bytes`].
    InputBytes,
    /// [`LoadLimits::max_nodes`].
    Nodes,
    /// [`LoadLimits::max_depth`].
    Depth,
    /// [`LoadLimits::max_alias_nodes`].
    AliasNodes,
}

/// What is left of one input's limits: the limits (the node and depth limits capped
/// at what a document can hold) and what the documents loaded so far spent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    limits: LoadLimits,
    nodes: usize,
    alias_nodes: usize,
}

impl Budget {
    /// The whole budget of an input.
    pub(crate) fn new(limits: &LoadLimits) -> Budget {
        Budget {
            limits: LoadLimits {
                max_nodes: limits.max_nodes.min(MAX_NODES),
                max_depth: limits.max_depth.min(MAX_DEPTH),
                ..*limits
            },
            nodes: 0,
            alias_nodes: 0,
        }
    }

    /// The limits, the node and depth limits capped.
    pub(crate) fn limits(&self) -> &LoadLimits {
        &self.limits
    }

    /// The nodes the next document may still create.
    pub(crate) fn nodes_left(&self) -> usize {
        self.limits.max_nodes.saturating_sub(self.nodes)
    }

    /// The nodes YAML aliases of the next document may still copy.
    pub(crate) fn alias_nodes_left(&self) -> usize {
        self.limits.max_alias_nodes.saturating_sub(self.alias_nodes)
    }

    /// Counts a finished document's nodes and alias copies.
    pub(crate) fn spend(&mut self, nodes: usize, alias_nodes: usize) {
        self.nodes = self.nodes.saturating_add(nodes);
        self.alias_nodes = self.alias_nodes.saturating_add(alias_nodes);
    }
}

/// The message of an input over a limit, which names the limit and its value.
pub(crate) struct Over(pub(crate) Limit, pub(crate) usize);

impl fmt::Display for Over {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Over(limit, value) = self;
        match limit {
            Limit::InputBytes => write!(f, "input is larger than the limit of {value} bytes"),
            Limit::Nodes => write!(f, "input has more nodes than the limit of {value}"),
            Limit::Depth => write!(f, "nesting is deeper than the limit of {value} levels"),
            Limit::AliasNodes => {
                write!(f, "aliases expand to more nodes than the limit of {value}")
            }
        }
    }
}
