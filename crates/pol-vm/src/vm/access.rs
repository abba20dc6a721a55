//! Reading values: fields by interned symbol, indexes, `split(s, sep)[n]` in place.

use super::Evaluator;
use crate::ops::Fault;
use crate::value::{Value, View};
use pol_bytecode::{Const, Reg};
use pol_facts::{Document, KeyId};

impl Evaluator<'_> {
    /// `split(s, sep)[n]` without building the list: a slice of a string node, or a new
    /// string for a computed one.
    pub(super) fn split_part(
        &self,
        s: Reg,
        base: usize,
        k: u16,
        n: i8,
        doc: &Document,
    ) -> Result<Value, Fault> {
        let value = self.reg(base, s);
        let Some(Const::Str(sep)) = self.program.code.consts.get(k as usize) else {
            return Ok(Value::Null);
        };
        let text = match value.str_view(doc) {
            View::Null => return Ok(Value::Null),
            View::Str(text) => text,
            other => {
                return Err(Fault::from(format!(
                    "`split` expects a string, got `{}`",
                    other.kind()
                )));
            }
        };
        let found = match self.program.finder(k as usize) {
            Some(finder) => crate::builtins::part_with(text, finder, i64::from(n)),
            None => crate::builtins::part(text, sep, i64::from(n)),
        };
        let Some((start, end)) = found else {
            return Ok(Value::Null);
        };
        let node_slice = |node: pol_facts::NodeId, offset: usize| {
            let at = |i: usize| u32::try_from(offset + i).unwrap_or(u32::MAX);
            Value::Slice {
                node,
                start: at(start),
                end: at(end),
            }
        };
        Ok(match value {
            Value::Node(node) => node_slice(*node, 0),
            Value::Slice {
                node,
                start: offset,
                ..
            } => node_slice(*node, *offset as usize),
            _ => Value::str(text.get(start..end).unwrap_or("")),
        })
    }

    /// The document's key for a symbol (looked up once per evaluation).
    #[inline]
    pub(super) fn key_for(&mut self, sym: usize, doc: &Document) -> Option<KeyId> {
        match self.state.sym_keys.get(sym) {
            Some(&(generation, key)) if generation == self.state.generation => key,
            _ => self.look_up_key(sym, doc),
        }
    }

    /// [`Self::key_for`] on the first read of a symbol in this evaluation.
    #[cold]
    fn look_up_key(&mut self, sym: usize, doc: &Document) -> Option<KeyId> {
        let generation = self.state.generation;
        let name = self.program.code.symbols.get(sym)?;
        let hash = *self.state.sym_hashes.get(sym)?;
        let key = doc.key_id_hashed(name, hash);
        *self.state.sym_keys.get_mut(sym)? = (generation, key);
        key
    }

    /// `obj.field` by interned symbol: integer comparisons on documents.
    pub(super) fn field(&mut self, obj: &Value, sym: usize, doc: &Document) -> Value {
        match obj {
            Value::Node(id) => {
                let Some(key) = self.key_for(sym, doc) else {
                    return Value::Null;
                };
                doc.object_get(*id, key).map_or(Value::Null, Value::Node)
            }
            Value::Object(entries) => {
                let Some(name) = self.program.code.symbols.get(sym) else {
                    return Value::Null;
                };
                entries
                    .binary_search_by(|(k, _)| k.as_str().cmp(name.as_str()))
                    .ok()
                    .and_then(|i| entries.get(i))
                    .map_or(Value::Null, |(_, v)| v.clone())
            }
            _ => Value::Null,
        }
    }
}

/// `obj[index]`: list elements by int (negative from the end), object values by string;
/// anything else reads as null.
pub(super) fn index_value(obj: &Value, index: &Value, doc: &Document) -> Value {
    match (obj.view(doc), index.view(doc)) {
        (View::List(list), View::Int(i)) => {
            let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
            let i = if i < 0 { i + len } else { i };
            usize::try_from(i)
                .ok()
                .and_then(|i| list.get(i))
                .unwrap_or_default()
        }
        (View::Object(o), View::Str(key)) => o.get(doc, key).unwrap_or_default(),
        _ => Value::Null,
    }
}
