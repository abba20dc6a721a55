//! Reading and writing the registers of the frame running. A value is written into its
//! register in place where it can be (scalars by variant, reference-counted values
//! cloned there): built in a temporary and stored whole, a value's narrow stores were
//! read back by one wide load, which stalls the store (docs/performance.md).

use super::Evaluator;
use crate::copy::{two_regs, write_clone};
use crate::value::Value;
use pol_bytecode::Reg;
use pol_facts::NodeId;

impl Evaluator<'_> {
    #[inline]
    pub(super) fn reg(&self, base: usize, r: Reg) -> &Value {
        self.state
            .regs
            .get(base + r.index())
            .unwrap_or(&Value::Null)
    }

    /// Sets a register to a node of the document, or null, written in place: a value
    /// that holds a reference count is dropped first, then the node is stored without
    /// drop glue. (`set` keeps its own form: this one there cost 3.8% more
    /// instructions on the corpus, callgrind.)
    #[inline]
    pub(super) fn set_node(&mut self, base: usize, r: Reg, node: Option<NodeId>) {
        if let Some(slot) = self.state.regs.get_mut(base + r.index()) {
            if slot.owns_heap() {
                *slot = Value::Null;
            }
            std::mem::forget(std::mem::replace(
                slot,
                match node {
                    Some(id) => Value::Node(id),
                    None => Value::Null,
                },
            ));
        }
    }

    /// Sets a register to a boolean, or null for `None`, written in place like
    /// [`Self::set_node`]. The tests and comparisons use it: a `Value` made in one arm
    /// of a `match` and stored by a shared `set` goes through a stack temporary
    /// written byte by byte and read back whole, which stalls the store (perf: the
    /// copy in `set` was a fifth of the dispatch loop's time). Each setter keeps its
    /// own store: written through one shared `put(slot, value)`, LLVM merged the arms'
    /// values into one temporary again (a 200,000-element loop 5.3 -> 8.6 ms).
    #[inline]
    pub(super) fn set_bool(&mut self, base: usize, r: Reg, b: Option<bool>) {
        if let Some(slot) = self.state.regs.get_mut(base + r.index()) {
            if slot.owns_heap() {
                *slot = Value::Null;
            }
            std::mem::forget(std::mem::replace(
                slot,
                match b {
                    Some(b) => Value::Bool(b),
                    None => Value::Null,
                },
            ));
        }
    }

    /// Sets a register to an int, written in place like [`Self::set_node`].
    #[inline]
    pub(super) fn set_int(&mut self, base: usize, r: Reg, n: i64) {
        if let Some(slot) = self.state.regs.get_mut(base + r.index()) {
            if slot.owns_heap() {
                *slot = Value::Null;
            }
            std::mem::forget(std::mem::replace(slot, Value::Int(n)));
        }
    }

    /// Copies register `src` to `dst`, in place (see [`write_clone`]).
    #[inline]
    pub(super) fn copy_reg(&mut self, base: usize, dst: Reg, src: Reg) {
        // A move of a register onto itself changes nothing.
        let (from, to) = (base + src.index(), base + dst.index());
        if let Some((from, to)) = two_regs(&mut self.state.regs, from, to) {
            write_clone(to, from);
        }
    }

    #[inline]
    pub(super) fn set(&mut self, base: usize, r: Reg, v: Value) {
        if let Some(slot) = self.state.regs.get_mut(base + r.index()) {
            // Most registers hold plain values: dropping those is a no-op, and the
            // check here saves a call to the drop glue per instruction.
            if slot.owns_heap() {
                *slot = v;
            } else {
                std::mem::forget(std::mem::replace(slot, v));
            }
        }
    }
}
