//! Values shown to people (explanations, coverage, test diffs): JSON-like, sets as
//! `{a, b}`, cut with an ellipsis once a budget of characters is spent. The work is
//! bounded by the budget, whatever the size or depth of the value.

use crate::text::float_text;
use crate::value::Value;
use pol_facts::{Document, NodeId, NodeRef};

/// `v` as at most about `max_chars` characters (then `…`).
pub(crate) fn show(doc: &Document, v: &Value, max_chars: usize) -> String {
    let mut w = Writer {
        doc,
        out: String::new(),
        left: max_chars.max(1),
        cut: false,
    };
    w.value(v);
    if w.cut {
        w.out.push('…');
    }
    w.out
}

struct Writer<'d> {
    doc: &'d Document,
    out: String,
    /// Characters left in the budget.
    left: usize,
    /// The budget ran out: nothing more is written.
    cut: bool,
}

impl Writer<'_> {
    fn push(&mut self, s: &str) {
        if self.cut {
            return;
        }
        let n = s.chars().count();
        if n <= self.left {
            self.out.push_str(s);
            self.left -= n;
        } else {
            self.out.extend(s.chars().take(self.left));
            self.left = 0;
            self.cut = true;
        }
    }

    fn string(&mut self, s: &str) {
        // Only the part that can be shown is escaped: a huge string costs the budget.
        let head: String = s.chars().take(self.left).collect();
        let long = s.chars().nth(self.left).is_some();
        let quoted = serde_json::Value::String(head).to_string();
        if long {
            // Without the closing quote: the string goes on.
            self.push(quoted.strip_suffix('"').unwrap_or(&quoted));
            self.cut = true;
        } else {
            self.push(&quoted);
        }
    }

    fn value(&mut self, v: &Value) {
        if self.cut {
            return;
        }
        match v {
            Value::Null => self.push("null"),
            Value::Bool(b) => self.push(if *b { "true" } else { "false" }),
            Value::Int(i) => self.push(&i.to_string()),
            Value::Float(f) => self.push(&float_text(*f)),
            Value::Str(s) => self.string(s),
            Value::List(items) => self.seq("[", "]", items.iter(), |w, x| w.value(x)),
            Value::Set(items) if items.is_empty() => self.push("set()"),
            Value::Set(items) => self.seq("{", "}", items.iter(), |w, x| w.value(x)),
            Value::Object(map) => self.seq("{", "}", map.iter(), |w, (k, x)| {
                w.string(k);
                w.push(": ");
                w.value(x);
            }),
            Value::Node(id) => self.node(*id),
        }
    }

    fn node(&mut self, id: NodeId) {
        let doc = self.doc;
        match doc.get(id) {
            NodeRef::Null => self.push("null"),
            NodeRef::Bool(b) => self.push(if b { "true" } else { "false" }),
            NodeRef::Int(i) => self.push(&i.to_string()),
            NodeRef::Float(f) => self.push(&float_text(f)),
            NodeRef::Str(s) => self.string(s),
            NodeRef::List(_) => self.seq("[", "]", doc.list_iter(id), |w, x| w.node(x)),
            NodeRef::Object(_) => self.seq("{", "}", doc.object_iter(id), |w, (k, x)| {
                w.string(doc.key_str(k));
                w.push(": ");
                w.node(x);
            }),
        }
    }

    fn seq<T>(
        &mut self,
        open: &str,
        close: &str,
        items: impl Iterator<Item = T>,
        mut each: impl FnMut(&mut Self, T),
    ) {
        self.push(open);
        for (i, item) in items.enumerate() {
            if self.cut {
                return;
            }
            if i > 0 {
                self.push(", ");
            }
            each(self, item);
        }
        self.push(close);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::show;
    use crate::value::Value;
    use pol_facts::Format;

    #[test]
    fn values_are_cut_at_the_budget() {
        let docs = pol_facts::load(
            r#"{"a": [1, 2.5, "x\"y"], "b": {"c": null}}"#,
            Format::Json,
            None,
        )
        .unwrap();
        let doc = &docs[0];
        let root = Value::Node(doc.root());
        assert_eq!(
            show(doc, &root, 100),
            r#"{"a": [1, 2.5, "x\"y"], "b": {"c": null}}"#
        );
        assert_eq!(show(doc, &root, 10), r#"{"a": [1, …"#);
        let long = Value::str(&"x".repeat(1_000_000));
        assert_eq!(show(doc, &long, 5), "\"xxxx…");
        assert_eq!(show(doc, &Value::str("abc"), 5), "\"abc\"");
        let set = Value::Set(std::rc::Rc::new(vec![Value::Int(1), Value::Int(2)]));
        assert_eq!(show(doc, &set, 50), "{1, 2}");
        assert_eq!(show(doc, &Value::Set(Default::default()), 50), "set()");
    }
}
