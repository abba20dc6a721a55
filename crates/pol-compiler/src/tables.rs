//! Interning of the program-wide tables: constants, field names, regexes, globs, files.

use crate::builder::LimitError;
use pol_bytecode::{Const, ConstId, GlobId, Program, RegexId, SymId};
use std::collections::HashMap;

#[derive(Default)]
pub struct Tables {
    consts: Vec<Const>,
    strings: HashMap<String, u32>,
    ints: HashMap<i64, u32>,
    floats: HashMap<u64, u32>,
    /// Other constants (null, bools, collections), by their debug form.
    others: HashMap<String, u32>,
    symbols: Vec<String>,
    symbol_ids: HashMap<String, u32>,
    regexes: Vec<String>,
    globs: Vec<String>,
    files: Vec<String>,
}

fn intern(table: &mut Vec<String>, ids: Option<&mut HashMap<String, u32>>, text: &str) -> u32 {
    if let Some(ids) = ids {
        if let Some(&id) = ids.get(text) {
            return id;
        }
        let id = u32::try_from(table.len()).unwrap_or(u32::MAX);
        ids.insert(text.to_owned(), id);
        table.push(text.to_owned());
        return id;
    }
    if let Some(i) = table.iter().position(|t| t == text) {
        return u32::try_from(i).unwrap_or(u32::MAX);
    }
    table.push(text.to_owned());
    u32::try_from(table.len() - 1).unwrap_or(u32::MAX)
}

impl Tables {
    pub fn string(&mut self, s: &str) -> ConstId {
        if let Some(&id) = self.strings.get(s) {
            return ConstId(id);
        }
        let id = u32::try_from(self.consts.len()).unwrap_or(u32::MAX);
        self.consts.push(Const::Str(s.to_owned()));
        self.strings.insert(s.to_owned(), id);
        ConstId(id)
    }

    /// Any constant (strings, ints and floats have their own, faster tables).
    pub fn constant(&mut self, c: Const) -> ConstId {
        match c {
            Const::Str(s) => return self.string(&s),
            Const::Int(n) => return self.int(n),
            Const::Float(f) => return self.float(f),
            _ => {}
        }
        let key = format!("{c:?}");
        if let Some(&id) = self.others.get(&key) {
            return ConstId(id);
        }
        let id = u32::try_from(self.consts.len()).unwrap_or(u32::MAX);
        self.consts.push(c);
        self.others.insert(key, id);
        ConstId(id)
    }

    pub fn int(&mut self, n: i64) -> ConstId {
        let next = u32::try_from(self.consts.len()).unwrap_or(u32::MAX);
        let id = *self.ints.entry(n).or_insert(next);
        if id == next {
            self.consts.push(Const::Int(n));
        }
        ConstId(id)
    }

    pub fn float(&mut self, f: f64) -> ConstId {
        let next = u32::try_from(self.consts.len()).unwrap_or(u32::MAX);
        let id = *self.floats.entry(f.to_bits()).or_insert(next);
        if id == next {
            self.consts.push(Const::Float(f));
        }
        ConstId(id)
    }

    /// Symbols are checked against the `u16` limit in [`Tables::finish`].
    pub fn symbol(&mut self, name: &str) -> SymId {
        let id = intern(&mut self.symbols, Some(&mut self.symbol_ids), name);
        SymId(u16::try_from(id).unwrap_or(u16::MAX))
    }

    pub fn regex(&mut self, pattern: &str) -> RegexId {
        RegexId(u16::try_from(intern(&mut self.regexes, None, pattern)).unwrap_or(u16::MAX))
    }

    pub fn glob(&mut self, pattern: &str) -> GlobId {
        GlobId(u16::try_from(intern(&mut self.globs, None, pattern)).unwrap_or(u16::MAX))
    }

    pub fn file(&mut self, name: &str) -> u32 {
        intern(&mut self.files, None, name)
    }

    pub fn finish(self, out: &mut Program) -> Result<(), LimitError> {
        let limit = u16::MAX as usize;
        if self.symbols.len() > limit {
            return Err(LimitError::FieldNames);
        }
        if self.regexes.len() > limit || self.globs.len() > limit {
            return Err(LimitError::Patterns);
        }
        out.consts = self.consts;
        out.symbols = self.symbols;
        out.regexes = self.regexes;
        out.globs = self.globs;
        out.files = self.files;
        if out.files.is_empty() {
            // Positions default to file 0; keep the table non-empty so they stay valid.
            out.files.push(String::new());
        }
        Ok(())
    }
}
