//! `Limits`: the resource limits of one evaluation, and the [`Limit`] that stopped one.

use std::time::Duration;

/// Resource limits of one evaluation. Hitting any of them stops the evaluation with a
/// runtime error that names the limit: the decision is not allowed (fail closed).
///
/// Steps count the work done, not only instructions: an operation that walks values
/// (`==` on collections, `in`, `sort`, `unique`, `to_string`, f-strings, building a
/// set or an object) is charged a step per element or entry it visits, and one per 64
/// bytes it copies or scans, so that no single instruction can do unbounded work
/// (docs/security.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Steps, in all, on top of `steps_per_node` for each node of the input document
    /// (so that the budget grows with the document).
    pub steps: u64,
    /// Extra steps allowed per node of the input document.
    pub steps_per_node: u64,
    /// Nested function and let calls.
    pub call_depth: usize,
    /// Bytes of values the policy may build in one evaluation (strings, lists, sets
    /// and objects, counted as they are built, whether or not they are kept): a bound
    /// on the memory an evaluation can take beyond its input.
    pub memory: u64,
    /// Wall-clock time of one evaluation (`None`: no limit). Checked every few
    /// thousand steps, so an evaluation stops within a few milliseconds of it.
    pub time: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            steps: 10_000_000,
            steps_per_node: 200,
            call_depth: 256,
            memory: 512 * 1024 * 1024,
            time: Some(Duration::from_secs(10)),
        }
    }
}

/// Which limit stopped an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`Limits::steps`] (with [`Limits::steps_per_node`]): the budget given.
    Steps(u64),
    /// [`Limits::memory`].
    Memory(u64),
    /// [`Limits::time`], or the deadline of the whole run
    /// ([`crate::Evaluator::set_deadline`]).
    Time,
    /// A computed value nested deeper than [`MAX_VALUE_DEPTH`].
    Depth,
}

/// How deeply computed values may nest (lists of lists ...): operations that walk a
/// value recurse, and must not exhaust the native stack.
pub const MAX_VALUE_DEPTH: usize = 512;

impl Limit {
    /// The runtime error's message: which limit, and how to raise it.
    pub fn message(self) -> String {
        match self {
            Limit::Steps(budget) => format!(
                "evaluation exceeded {budget} steps (resource limit; raise it with `--max-steps`)"
            ),
            Limit::Memory(bytes) => format!(
                "evaluation built more than {bytes} bytes of values (resource limit; raise it with `--max-memory`)"
            ),
            Limit::Time => {
                "evaluation ran out of time (resource limit; raise it with `--timeout`)".to_owned()
            }
            Limit::Depth => {
                format!("a value nests more than {MAX_VALUE_DEPTH} deep (resource limit)")
            }
        }
    }
}
