//! Printing types as pol source: one line when it fits, else records one field per
//! line.

use crate::names::is_identifier;
use crate::ty::{Record, Ty, union};
use std::collections::BTreeMap;

/// The widest a line gets before a record is broken over several lines.
const WIDTH: usize = 90;

/// Prints types, naming definitions by `names`.
pub(crate) struct Printer<'a> {
    /// Type names by definition key.
    pub names: &'a BTreeMap<String, String>,
}

impl Printer<'_> {
    /// `/// doc` lines, `@kind("...")` if given, and `type Name = T`.
    pub(crate) fn declaration(
        &self,
        name: &str,
        doc: &[String],
        kind: Option<&str>,
        ty: &Ty,
    ) -> String {
        let mut out = String::new();
        for line in doc {
            out.push_str("/// ");
            out.push_str(line);
            out.push('\n');
        }
        if let Some(kind) = kind {
            out.push_str(&format!("@kind(\"{kind}\")\n"));
        }
        let head = format!("type {name} = ");
        out.push_str(&head);
        out.push_str(&self.render(ty, 0, head.len()));
        out.push('\n');
        out
    }

    /// The type on one line.
    fn flat(&self, ty: &Ty) -> String {
        match ty {
            Ty::Any | Ty::Never => "any".to_owned(),
            Ty::Null => "null".to_owned(),
            Ty::Bool => "bool".to_owned(),
            Ty::Int => "int".to_owned(),
            Ty::Number => "number".to_owned(),
            Ty::String => "string".to_owned(),
            Ty::List(t) => format!("[{}]", self.flat(t)),
            Ty::Map(t) => format!("map<{}>", self.flat(t)),
            Ty::Record(r) if r.rest.is_some() => self.flat(&split(r)),
            Ty::Record(r) => {
                let fields: Vec<String> = r
                    .fields
                    .iter()
                    .map(|(name, f)| format!("{}: {}", key(name, f.optional), self.flat(&f.ty)))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }
            Ty::Union(members) => {
                let members: Vec<String> = members.iter().map(|m| self.flat(m)).collect();
                members.join(" | ")
            }
            Ty::Named(key) => self
                .names
                .get(key)
                .cloned()
                .unwrap_or_else(|| "any".to_owned()),
        }
    }

    /// The type starting at `column`, its continuation lines indented by `indent`.
    fn render(&self, ty: &Ty, indent: usize, column: usize) -> String {
        let flat = self.flat(ty);
        if column + flat.len() <= WIDTH {
            return flat;
        }
        match ty {
            Ty::Record(r) if r.rest.is_some() => self.render(&split(r), indent, column),
            Ty::Record(r) => {
                let pad = " ".repeat(indent + 2);
                let mut out = "{\n".to_owned();
                for (name, field) in &r.fields {
                    let head = format!("{pad}{}: ", key(name, field.optional));
                    let rendered = self.render(&field.ty, indent + 2, head.len());
                    out.push_str(&head);
                    out.push_str(&rendered);
                    out.push_str(",\n");
                }
                out.push_str(&" ".repeat(indent));
                out.push('}');
                out
            }
            Ty::Union(members) => {
                let mut out = String::new();
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" | ");
                    }
                    let at = match out.rfind('\n') {
                        Some(nl) => out.len() - nl - 1,
                        None => column + out.len(),
                    };
                    out.push_str(&self.render(m, indent, at));
                }
                out
            }
            Ty::List(t) => format!("[{}]", self.render(t, indent, column + 1)),
            Ty::Map(t) => format!("map<{}>", self.render(t, indent, column + 4)),
            _ => flat,
        }
    }
}

/// A record that also allows other keys, as pol says it: the record or a map of the
/// other keys' type.
fn split(r: &Record) -> Ty {
    let record = Ty::Record(Record {
        fields: r.fields.clone(),
        rest: None,
    });
    let rest = r.rest.as_deref().cloned().unwrap_or(Ty::Any);
    union([record, Ty::Map(Box::new(rest))])
}

/// A field name as written in a record type: bare when it is an identifier or a
/// keyword, else a string.
fn key(name: &str, optional: bool) -> String {
    let mut out = if is_identifier(name) {
        name.to_owned()
    } else {
        serde_json::to_string(name).unwrap_or_else(|_| format!("{name:?}"))
    };
    if optional {
        out.push('?');
    }
    out
}
