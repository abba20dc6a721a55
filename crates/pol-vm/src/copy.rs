//! Copying values in place, variant by variant. Built in a temporary and stored whole,
//! a value's narrow stores were read back by one wide load, which stalls the store
//! (perf: a fifth of a loop's time in the dispatch loop, docs/performance.md).

use crate::value::Value;
use std::rc::Rc;

/// Writes a copy of `from` into `to` (a register, or a slot of a collection being
/// built): a reference-counted value is cloned, a scalar copied, each variant stored
/// in place.
#[inline(always)]
pub fn write_clone(to: &mut Value, from: &Value) {
    if to.owns_heap() {
        *to = Value::Null;
    }
    let put = |to: &mut Value, v: Value| std::mem::forget(std::mem::replace(to, v));
    match *from {
        Value::Null => put(to, Value::Null),
        Value::Bool(b) => put(to, Value::Bool(b)),
        Value::Int(n) => put(to, Value::Int(n)),
        Value::Float(f) => put(to, Value::Float(f)),
        Value::Node(id) => put(to, Value::Node(id)),
        Value::Key(k) => put(to, Value::Key(k)),
        Value::Slice { node, start, end } => put(to, Value::Slice { node, start, end }),
        Value::Str(ref s) => put(to, Value::Str(Rc::clone(s))),
        Value::List(ref l) => put(to, Value::List(Rc::clone(l))),
        Value::Set(ref l) => put(to, Value::Set(Rc::clone(l))),
        Value::Object(ref o) => put(to, Value::Object(Rc::clone(o))),
    }
}

/// Registers `from` and `to` of `regs`, borrowed apart (`None` when they are the same
/// register or one is out of range): a copy between them needs no clone first.
#[inline]
pub fn two_regs(regs: &mut [Value], from: usize, to: usize) -> Option<(&Value, &mut Value)> {
    if from == to {
        return None;
    }
    let (lo, hi) = regs.split_at_mut(from.max(to));
    if from < to {
        Some((lo.get(from)?, hi.first_mut()?))
    } else {
        Some((hi.first()?, lo.get_mut(to)?))
    }
}
