//! The program's constants turned into values, once per evaluator.

use crate::value::{Text, Value};
use pol_bytecode::Const;
use std::rc::Rc;

/// The program's constants as values: collections are built once, from the constants
/// before them.
pub(crate) fn constants(consts: &[Const]) -> Vec<Value> {
    // Constants hold no input values, so any document serves to order set members.
    let empty = pol_facts::load("null", pol_facts::Format::Json, None)
        .ok()
        .and_then(|mut d| d.pop());
    let mut out: Vec<Value> = Vec::with_capacity(consts.len());
    for c in consts {
        let item = |i: &u32| out.get(*i as usize).cloned().unwrap_or_default();
        let v = match c {
            Const::Null => Value::Null,
            Const::Bool(b) => Value::Bool(*b),
            Const::Int(n) => Value::Int(*n),
            Const::Float(f) => Value::Float(*f),
            Const::Str(s) => Value::str(s),
            Const::List(items) => Value::list(items.iter().map(item).collect()),
            Const::Set(items) => {
                let values: Vec<Value> = items.iter().map(item).collect();
                match &empty {
                    Some(doc) => Value::set_of_normalized(crate::value::normalize_set(
                        values,
                        doc,
                        &crate::meter::Meter::unlimited(),
                    )),
                    None => Value::set_of_normalized(values),
                }
            }
            Const::Object(entries) => {
                // Sorted once, stably, the last of equal keys kept (inserting each in
                // place would be quadratic in a hostile program's object).
                let mut sorted: Vec<(Text, Value)> = entries
                    .iter()
                    .map(|(k, v)| (Rc::new(k.clone()), item(v)))
                    .collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                let mut unique: Vec<(Text, Value)> = Vec::with_capacity(sorted.len());
                for entry in sorted {
                    match unique.last_mut() {
                        Some(last) if last.0 == entry.0 => *last = entry,
                        _ => unique.push(entry),
                    }
                }
                Value::object(unique)
            }
        };
        out.push(v);
    }
    out
}
