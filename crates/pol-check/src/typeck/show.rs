//! How a type reads in a message: `string`, `[int]`, `Step`, `string | null`. Deep
//! parts and long records are elided (`...`), and the whole is cut to a bounded
//! length (`…`), so a message is short whatever the type.

use super::ty::{Ty, Types};

/// Parts deeper than this show as `...`.
const SHOWN_DEPTH: usize = 3;

/// A record shows this many fields, then `...`.
const SHOWN_FIELDS: usize = 4;

/// A shown type longer than this many bytes is cut there and ends in `…`.
const SHOWN_LENGTH: usize = 160;

impl Types<'_> {
    /// How the type reads in a message (at most `SHOWN_LENGTH` bytes and a `…`).
    pub fn show(&self, ty: &Ty) -> String {
        let mut shown = Shown::default();
        self.write(ty, 0, &mut shown);
        if shown.cut {
            shown.text.push('…');
        }
        shown.text
    }

    /// Appends `ty`; does nothing once the text is cut, so it takes time bounded by
    /// `SHOWN_LENGTH` and the elisions, whatever the type.
    fn write(&self, ty: &Ty, depth: usize, out: &mut Shown) {
        if out.cut {
            return;
        }
        if depth > SHOWN_DEPTH {
            out.push("...");
            return;
        }
        match ty {
            Ty::Any => out.push("any"),
            Ty::Never => out.push("nothing"),
            Ty::Null => out.push("null"),
            Ty::Bool => out.push("bool"),
            Ty::Int => out.push("int"),
            Ty::Float => out.push("float"),
            Ty::Str => out.push("string"),
            Ty::List(t) => self.wrap("[", t, "]", depth, out),
            Ty::Set(t) => self.wrap("set<", t, ">", depth, out),
            Ty::Map(t) => self.wrap("map<", t, ">", depth, out),
            Ty::Record(fields) => {
                out.push("{");
                for (i, (name, field)) in fields.iter().take(SHOWN_FIELDS).enumerate() {
                    if i > 0 {
                        out.push(", ");
                    }
                    out.push(name);
                    out.push(if field.optional { "?: " } else { ": " });
                    self.write(&field.ty, depth + 1, out);
                }
                if fields.len() > SHOWN_FIELDS {
                    out.push(", ...");
                }
                out.push("}");
            }
            Ty::Union(members) => {
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(" | ");
                    }
                    self.write(m, depth + 1, out);
                }
            }
            Ty::Named(id) => match self.program.type_def(*id) {
                Some(def) => out.push(&def.info.name),
                None => out.push("?"),
            },
        }
    }

    fn wrap(&self, open: &str, inner: &Ty, close: &str, depth: usize, out: &mut Shown) {
        out.push(open);
        self.write(inner, depth + 1, out);
        out.push(close);
    }
}

/// A type's text as it is written.
#[derive(Default)]
struct Shown {
    /// At most `SHOWN_LENGTH` bytes.
    text: String,
    /// Something did not fit: the text is cut.
    cut: bool,
}

impl Shown {
    /// Appends `s`, or as much of it as fits (whole characters) and marks the text cut.
    fn push(&mut self, s: &str) {
        if self.cut {
            return;
        }
        let room = SHOWN_LENGTH.saturating_sub(self.text.len());
        if s.len() <= room {
            self.text.push_str(s);
            return;
        }
        let end = (0..=room)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        self.text.push_str(s.get(..end).unwrap_or_default());
        self.cut = true;
    }
}
