//! Timing the lets, for `pol bench`: which shared computations an evaluation spends
//! its time in.

use super::{Evaluator, Fault};
use crate::value::Value;
use pol_facts::Document;

/// The self time of each let (its chunk, without the lets it asked for), summed over
/// evaluations; `nested` is the time of the lets computed inside the current one.
#[derive(Default)]
pub(super) struct LetProfile {
    pub(super) self_time: Vec<std::time::Duration>,
    pub(super) nested: std::time::Duration,
}

impl Evaluator<'_> {
    /// `call_chunk` for let `index`, adding its self time to the profile.
    #[cold]
    pub(super) fn call_chunk_timed(
        &mut self,
        index: usize,
        chunk: usize,
        doc: &Document,
    ) -> Result<Value, Fault> {
        let outer_nested = self
            .state
            .let_profile
            .as_mut()
            .map(|p| std::mem::take(&mut p.nested));
        let start = std::time::Instant::now();
        let result = self.call_chunk(chunk, 0, 0, doc);
        let total = start.elapsed();
        if let Some(p) = self.state.let_profile.as_mut() {
            let own = total.saturating_sub(p.nested);
            if let Some(t) = p.self_time.get_mut(index) {
                *t += own;
            }
            p.nested = outer_nested.unwrap_or_default() + total;
        }
        result
    }

    /// Starts (or, with `false`, stops) timing the lets: each let's self time — its own
    /// work, without the lets it asks for — summed over the evaluations that follow
    /// ([`Evaluator::let_times`]). For `pol bench`; it slows evaluation down a little.
    pub fn profile_lets(&mut self, on: bool) {
        self.state.let_profile = on.then(|| {
            Box::new(LetProfile {
                self_time: vec![std::time::Duration::ZERO; self.program.code.lets.len()],
                nested: std::time::Duration::ZERO,
            })
        });
    }

    /// Each let's name and summed self time, when [`Evaluator::profile_lets`] is on.
    pub fn let_times(&self) -> Vec<(&str, std::time::Duration)> {
        let Some(p) = &self.state.let_profile else {
            return Vec::new();
        };
        self.program
            .code
            .lets
            .iter()
            .map(|l| l.name.as_str())
            .zip(p.self_time.iter().copied())
            .collect()
    }
}
