//! `Limits`: the resource limits of one evaluation.

/// Resource limits of one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Instructions executed, in all, on top of `steps_per_node` for each node of
    /// the input document (so that the budget grows with the document).
    pub steps: u64,
    /// Extra instructions allowed per node of the input document.
    pub steps_per_node: u64,
    /// Nested function and let calls.
    pub call_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            steps: 10_000_000,
            steps_per_node: 200,
            call_depth: 256,
        }
    }
}
