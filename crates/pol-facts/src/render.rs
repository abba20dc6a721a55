//! Cold readers of a document: a node's path from the root, and a node as JSON.

use std::fmt::Write as _;

use serde_json::Value;

use crate::document::{Document, NodeId};
use crate::view::NodeRef;

impl Document {
    /// The path of a node from the root, as findings report it:
    /// `jobs.build.steps[2].uses`, `jobs["my-job"]`; the root's path is `""`.
    ///
    /// A key that is not an identifier (`[A-Za-z_][A-Za-z0-9_]*`) is written as a JSON
    /// string in brackets. Walks the parent links, so it costs the depth of the node
    /// times a binary search.
    pub fn path(&self, id: NodeId) -> String {
        let mut out = String::with_capacity(48);
        self.push_path(id, &mut out);
        out
    }

    /// Appends the path of `id` to `out`, the root's steps first. Recursion is bounded:
    /// documents nest at most `MAX_DEPTH` levels.
    fn push_path(&self, id: NodeId, out: &mut String) {
        let Some((parent, slot)) = self.parent_slot(id) else {
            return;
        };
        self.push_path(parent, out);
        match self.get(parent) {
            NodeRef::Object(object) => {
                if let Some(&(key, _)) = object.as_slice().get(slot) {
                    push_key(out, self.key_str(key));
                }
            }
            _ => push_index(out, slot),
        }
    }

    /// The node and everything under it as a `serde_json::Value` (for tests, output
    /// and queries). Floats that JSON cannot hold (infinities, NaN) become `null`;
    /// object keys come out in `serde_json::Map`'s order. A placeholder of selective
    /// loading becomes `null` and, being a read, sets the read-skipped flag.
    pub fn to_json(&self, id: NodeId) -> Value {
        // Recursion is bounded: documents nest at most `MAX_DEPTH` levels.
        match self.get(id) {
            NodeRef::Null => Value::Null,
            NodeRef::Bool(b) => Value::Bool(b),
            NodeRef::Int(i) => Value::from(i),
            NodeRef::Float(f) => Value::from(f),
            NodeRef::Str(s) => Value::String(s.to_owned()),
            NodeRef::List(list) => list.iter().map(|n| self.to_json(n)).collect(),
            NodeRef::Object(object) => Value::Object(
                object
                    .iter()
                    .map(|(k, v)| (self.key_str(k).to_owned(), self.to_json(v)))
                    .collect(),
            ),
        }
    }
}

/// Appends `[i]`, without the formatting machinery.
fn push_index(out: &mut String, i: usize) {
    let mut digits = [0u8; 20];
    let mut n = i;
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            // `n % 10` is below 10.
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    out.push('[');
    for &d in digits.get(start..).unwrap_or(&[]) {
        out.push(char::from(d));
    }
    out.push(']');
}

/// Appends `.key` (or `key` at the start), or `["key"]` when the key is not an
/// identifier.
fn push_key(out: &mut String, key: &str) {
    if is_identifier(key) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
    } else {
        out.push('[');
        push_json_string(out, key);
        out.push(']');
    }
}

/// Appends `s` as a JSON string, escaped as `serde_json` writes it (`\"`, `\\`, `\n`
/// and the other short escapes, `\u00XX` for the other control characters), without
/// building it first.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        // Nothing to escape (most keys): one copy.
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0..=0x1F => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or(""));
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or(""));
    out.push('"');
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub(crate) fn is_identifier(key: &str) -> bool {
    let mut bytes = key.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier("a"));
        assert!(is_identifier("_a9"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("9a"));
        assert!(!is_identifier("my-job"));
        assert!(!is_identifier("é"));
    }

    #[test]
    fn keys_are_escaped_as_serde_json_escapes_them() {
        let mut keys: Vec<String> = (0u8..0x80).map(|b| format!("k{}é", b as char)).collect();
        keys.extend(["", "\"\\", "a\u{7f}b", "日本", "x\u{1f}\u{0}"].map(String::from));
        for key in keys {
            let mut out = String::new();
            push_json_string(&mut out, &key);
            assert_eq!(out, Value::String(key.clone()).to_string(), "{key:?}");
        }
    }

    #[test]
    fn indexes_are_written_in_decimal() {
        for i in [0, 7, 10, 99, 100, 12_345, usize::MAX] {
            let mut out = String::from("a");
            push_index(&mut out, i);
            assert_eq!(out, format!("a[{i}]"));
        }
    }

    #[test]
    fn keys_are_quoted_as_json() {
        let mut out = String::from("a");
        push_key(&mut out, "b");
        push_key(&mut out, "my-job");
        push_key(&mut out, "q\"\n");
        assert_eq!(out, r#"a.b["my-job"]["q\"\n"]"#);
    }
}
