//! `Meter`: what the evaluation in progress has spent of its [`Limits`] — steps, bytes of
//! built values, time — charged by the dispatch loop (a step per instruction) and by
//! every operation that walks or builds values (a step per element visited, one per
//! [`BYTES_PER_STEP`] bytes), so that no instruction does work its budget does not see.
//!
//! The meter is shared by reference with the operations (its counters are `Cell`s):
//! an operation that runs out stops early with a dummy result and reports it as an
//! error, and the dispatch loop, seeing [`Meter::exhausted`], turns that error into the
//! limit's, which stops the whole evaluation.

use crate::limits::{Limit, Limits};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Bytes copied or scanned for one step (a step is about the cost of dispatching one
/// instruction; copying 64 bytes costs about as much).
pub const BYTES_PER_STEP: usize = 64;

/// The bytes a value takes in a list or set (what [`Meter::alloc`] is charged for an
/// element).
pub const VALUE_BYTES: usize = 16;

/// The bytes an entry of a computed object takes.
pub const ENTRY_BYTES: usize = 24;

/// Steps between two looks at the clock.
const CLOCK_EVERY: u64 = 1 << 16;

/// The budget of one evaluation, and what it has spent.
#[derive(Debug)]
pub struct Meter {
    /// Steps spent.
    steps: Cell<u64>,
    /// The step count at which to look again (the budget, or the next look at the
    /// clock, whichever comes first): one comparison on the hot path covers both.
    check_at: Cell<u64>,
    /// The step budget.
    budget: u64,
    /// Bytes of values built.
    bytes: Cell<u64>,
    max_bytes: u64,
    /// The time allowed, counted from the first look at the clock (after
    /// [`CLOCK_EVERY`] steps: an evaluation shorter than that never reads the clock).
    time: Option<Duration>,
    /// A deadline for the whole run, set by the embedder.
    deadline: Option<Instant>,
    /// When the current evaluation must end, once known.
    ends: Cell<Option<Instant>>,
    /// The limit the evaluation ran into (sticky until the next reset).
    hit: Cell<Option<Limit>>,
}

impl Default for Meter {
    fn default() -> Meter {
        Meter::unlimited()
    }
}

impl Meter {
    /// A meter that never runs out (for constants built before any evaluation).
    pub fn unlimited() -> Meter {
        Meter {
            steps: Cell::new(0),
            check_at: Cell::new(u64::MAX),
            budget: u64::MAX,
            bytes: Cell::new(0),
            max_bytes: u64::MAX,
            time: None,
            deadline: None,
            ends: Cell::new(None),
            hit: Cell::new(None),
        }
    }

    /// Starts an evaluation with `budget` steps under `limits`, and the run's
    /// `deadline` if any.
    pub fn reset(&mut self, budget: u64, limits: &Limits, deadline: Option<Instant>) {
        self.steps.set(0);
        self.budget = budget;
        self.bytes.set(0);
        self.max_bytes = limits.memory;
        self.time = limits.time;
        self.deadline = deadline;
        self.ends.set(None);
        self.hit.set(None);
        self.check_at.set(self.next_check());
    }

    fn next_check(&self) -> u64 {
        if self.time.is_some() || self.deadline.is_some() {
            self.budget
                .min(self.steps.get().saturating_add(CLOCK_EVERY))
        } else {
            self.budget
        }
    }

    /// One step (an instruction); false when the evaluation must stop.
    #[inline(always)]
    pub fn step(&self) -> bool {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        steps <= self.check_at.get() || self.check()
    }

    /// `n` steps of work inside an instruction; false when the evaluation must stop.
    #[inline]
    pub fn charge(&self, n: u64) -> bool {
        let steps = self.steps.get().saturating_add(n);
        self.steps.set(steps);
        steps <= self.check_at.get() || self.check()
    }

    /// Work on `bytes` bytes (copied or scanned), at a step per [`BYTES_PER_STEP`].
    #[inline]
    pub fn charge_bytes(&self, bytes: usize) -> bool {
        self.charge((bytes / BYTES_PER_STEP) as u64)
    }

    /// A value of `bytes` bytes built; false when the evaluation must stop.
    #[inline]
    pub fn alloc(&self, bytes: usize) -> bool {
        let total = self.bytes.get().saturating_add(bytes as u64);
        self.bytes.set(total);
        if total > self.max_bytes {
            self.stop(Limit::Memory(self.max_bytes));
            return false;
        }
        self.charge_bytes(bytes)
    }

    /// A walk into a value `depth` levels down; false (and the evaluation stops) past
    /// [`crate::limits::MAX_VALUE_DEPTH`].
    #[inline]
    pub fn descend(&self, depth: usize) -> bool {
        if depth > crate::limits::MAX_VALUE_DEPTH {
            self.stop(Limit::Depth);
            return false;
        }
        self.charge(1)
    }

    /// The slow path of [`Meter::step`] and [`Meter::charge`]: past the budget, or
    /// time to look at the clock.
    #[cold]
    fn check(&self) -> bool {
        if self.hit.get().is_some() {
            return false;
        }
        if self.steps.get() > self.budget {
            self.stop(Limit::Steps(self.budget));
            return false;
        }
        let now = Instant::now();
        let ends = match self.ends.get() {
            Some(ends) => Some(ends),
            None => {
                let ends = self.time.and_then(|t| now.checked_add(t));
                let ends = match (ends, self.deadline) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                self.ends.set(ends);
                ends
            }
        };
        if ends.is_some_and(|ends| now >= ends) {
            self.stop(Limit::Time);
            return false;
        }
        self.check_at.set(self.next_check());
        true
    }

    /// Stops the evaluation for `limit` (the first limit hit is the one reported).
    pub fn stop(&self, limit: Limit) {
        if self.hit.get().is_none() {
            self.hit.set(Some(limit));
        }
        // Every later step fails at once.
        self.check_at.set(0);
    }

    /// The limit the evaluation ran into, if any.
    #[inline]
    pub fn exhausted(&self) -> Option<Limit> {
        self.hit.get()
    }

    /// What has been spent (to undo a failed group of fused rules).
    pub fn mark(&self) -> (u64, u64) {
        (self.steps.get(), self.bytes.get())
    }

    /// Goes back to a [`Meter::mark`], as if nothing had run since: a limit hit since
    /// is forgotten (what runs again meets it again where it does; the clock is read
    /// again at the next look).
    pub fn rewind(&self, (steps, bytes): (u64, u64)) {
        self.steps.set(steps);
        self.bytes.set(bytes);
        self.hit.set(None);
        self.check_at.set(self.next_check());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meter(steps: u64, memory: u64, time: Option<Duration>) -> Meter {
        let mut m = Meter::unlimited();
        let limits = Limits {
            memory,
            time,
            ..Limits::default()
        };
        m.reset(steps, &limits, None);
        m
    }

    #[test]
    fn steps_run_out_at_the_budget_and_stay_out() {
        let m = meter(10, u64::MAX, None);
        assert!((0..10).all(|_| m.step()));
        assert!(!m.step());
        assert_eq!(m.exhausted(), Some(Limit::Steps(10)));
        assert!(!m.charge(0), "sticky");
    }

    #[test]
    fn charges_count_against_the_same_budget() {
        let m = meter(1000, u64::MAX, None);
        assert!(m.charge(999));
        assert!(m.step());
        assert!(!m.charge_bytes(BYTES_PER_STEP));
    }

    #[test]
    fn memory_runs_out_with_its_own_limit() {
        let m = meter(u64::MAX / 2, 100, None);
        assert!(m.alloc(60));
        assert!(!m.alloc(60));
        assert_eq!(m.exhausted(), Some(Limit::Memory(100)));
    }

    #[test]
    fn the_clock_stops_a_long_evaluation() {
        let m = meter(u64::MAX / 2, u64::MAX, Some(Duration::ZERO));
        let mut n = 0u64;
        while m.step() {
            n += 1;
            assert!(n <= 2 * CLOCK_EVERY, "the clock was never read");
        }
        assert_eq!(m.exhausted(), Some(Limit::Time));
    }

    #[test]
    fn a_rewind_forgets_the_limit_hit_since_the_mark() {
        let m = meter(100, 1000, None);
        assert!(m.charge(50));
        let mark = m.mark();
        assert!(!m.charge(60));
        m.rewind(mark);
        assert_eq!(m.exhausted(), None);
        assert!(m.charge(50), "the same budget left as at the mark");
        assert!(!m.step());
    }

    #[test]
    fn deep_values_stop() {
        let m = meter(u64::MAX / 2, u64::MAX, None);
        assert!(m.descend(crate::limits::MAX_VALUE_DEPTH));
        assert!(!m.descend(crate::limits::MAX_VALUE_DEPTH + 1));
        assert_eq!(m.exhausted(), Some(Limit::Depth));
    }
}
