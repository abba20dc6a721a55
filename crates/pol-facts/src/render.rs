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
        self.push_step(parent, slot, out);
    }

    /// Appends the step from `parent` to its child at `slot`: `.key`, `["key"]` or `[i]`.
    fn push_step(&self, parent: NodeId, slot: usize, out: &mut String) {
        match self.get(parent) {
            NodeRef::Object(object) => {
                if let Some(&(key, _)) = object.as_slice().get(slot) {
                    push_key(out, self.key_str(key));
                }
            }
            _ => push_index(out, slot),
        }
    }

    /// The path of `id`, as [`Document::path`] writes it, starting from the longest
    /// part of the last path `cache` wrote that leads to `id` (findings about one job
    /// or step come together, so most of their paths is written once). `cache` must
    /// be cleared between documents: node ids are per document.
    pub fn path_cached(&self, id: NodeId, cache: &mut PathCache) -> String {
        cache.pending.clear();
        let mut node = id;
        // Up from `id` to the deepest node whose path the cache holds.
        let kept = loop {
            if let Some(i) = cache.chain.iter().rposition(|&(n, _)| n == node) {
                break Some(i);
            }
            match self.parent_slot(node) {
                Some((parent, slot)) => {
                    cache.pending.push((parent, slot, node));
                    node = parent;
                }
                None => break None,
            }
        };
        match kept.and_then(|i| cache.chain.get(i).map(|&(_, len)| (i, len))) {
            Some((i, len)) => {
                cache.path.truncate(len);
                cache.chain.truncate(i + 1);
            }
            None => {
                cache.path.clear();
                cache.chain.clear();
                cache.chain.push((node, 0));
            }
        }
        for &(parent, slot, child) in cache.pending.iter().rev() {
            self.push_step(parent, slot, &mut cache.path);
            cache.chain.push((child, cache.path.len()));
        }
        cache.path.clone()
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
    out.push('[');
    push_decimal(out, u64::try_from(i).unwrap_or(u64::MAX));
    out.push(']');
}

/// Appends `n` in decimal, as `to_string` writes it, without the formatting
/// machinery (paths' indexes here, f-strings' ints in the VM).
pub fn push_decimal(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut rest = n;
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            // `rest % 10` is below 10.
            *d = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || start == 0 {
            break;
        }
    }
    for &d in digits.get(start..).unwrap_or(&[]) {
        out.push(char::from(d));
    }
}

/// Appends `.key` (or `key` at the start), or `["key"]` when the key is not an
/// identifier.
/// The last path [`Document::path_cached`] wrote, and where the path of each node on
/// it ends, so that the next one starts from their longest common part.
#[derive(Debug, Default, Clone)]
pub struct PathCache {
    path: String,
    /// The nodes of `path`, the root first, each with the length of its own path.
    chain: Vec<(NodeId, usize)>,
    /// Scratch: the steps up from a node to the cached part (parent, slot, child).
    pending: Vec<(NodeId, usize, NodeId)>,
}

impl PathCache {
    /// Forgets the last path (before another document).
    pub fn clear(&mut self) {
        self.path.clear();
        self.chain.clear();
    }
}

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
    fn cached_paths_are_the_paths() {
        let text = r#"{"jobs": {"build": {"steps": [{"uses": "a", "with": {"ref": "x"}},
            {"run": "b"}]}, "my-job": {"steps": [{"uses": "c"}], "runs-on": ["x", "y"]}},
            "on": ["push"], "": {"": [[1, [2]]]}}"#;
        let docs = crate::load(text, crate::Format::Json, None).unwrap_or_default();
        let Some(doc) = docs.first() else {
            panic!("the document loads");
        };
        let n = u32::try_from(doc.len()).unwrap_or(0);
        // Every node after every other (siblings, ancestors, cousins, the root), and
        // a second time from a cache that another document would have filled.
        let mut cache = PathCache::default();
        for a in 0..n {
            for b in (0..n).rev() {
                for id in [NodeId(a), NodeId(b)] {
                    assert_eq!(doc.path_cached(id, &mut cache), doc.path(id), "{id:?}");
                }
            }
        }
        assert_eq!(doc.path_cached(NodeId(0), &mut cache), "");
        cache.clear();
        assert_eq!(
            doc.path_cached(NodeId(n - 1), &mut cache),
            doc.path(NodeId(n - 1))
        );
        // Another document, whose key ids name other keys: after `clear`, its own.
        let other = crate::load(r#"{"my-job": {"build": 1}}"#, crate::Format::Json, None)
            .unwrap_or_default();
        let Some(other) = other.first() else {
            panic!("the document loads");
        };
        cache.clear();
        for id in (0..u32::try_from(other.len()).unwrap_or(0)).map(NodeId) {
            assert_eq!(other.path_cached(id, &mut cache), other.path(id), "{id:?}");
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
