//! Garbage in: random and mangled text gives documents or load errors, never a panic,
//! and every document that loads is well formed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_facts::{Document, Format, NodeId, load, load_bytes};
use proptest::prelude::*;

const FORMATS: [Format; 4] = [Format::Json, Format::Yaml, Format::Toml, Format::Hcl];

/// Every node reachable from the root has a position and a path, and errors are 1-based.
fn check(text: &str, format: Format) {
    match load(text, format, Some("g")) {
        Ok(docs) => {
            for doc in &docs {
                walk(doc, doc.root(), 0);
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1, "{e}");
            assert!(!e.message.is_empty());
        }
    }
}

fn walk(doc: &Document, node: NodeId, depth: usize) {
    assert!(depth <= pol_facts::MAX_DEPTH);
    assert!(doc.position(node).is_some());
    let _ = doc.path(node);
    for child in doc.list_iter(node) {
        walk(doc, child, depth + 1);
    }
    for (_, child) in doc.object_iter(node) {
        walk(doc, child, depth + 1);
    }
}

/// Text made of the characters that matter to the four syntaxes.
fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("\n"),
            Just(" "),
            Just("  "),
            Just("\t"),
            Just("- "),
            Just(": "),
            Just(":"),
            Just("["),
            Just("]"),
            Just("{"),
            Just("}"),
            Just(","),
            Just("\""),
            Just("'"),
            Just("&a "),
            Just("*a"),
            Just("<<: "),
            Just("? "),
            Just("|"),
            Just(">"),
            Just("#"),
            Just("---\n"),
            Just("..."),
            Just("!!str "),
            Just("!t "),
            Just("="),
            Just("[["),
            Just("]]"),
            Just("a"),
            Just("key"),
            Just("1"),
            Just("-1.5e3"),
            Just("true"),
            Just("null"),
            Just("~"),
            Just("\\"),
            Just("\\u00e9"),
            Just("é"),
            Just("\u{feff}"),
            Just("0x1F"),
            Just(".inf"),
            Just("\r\n"),
            Just("resource \"t\" \"n\" "),
            Just("${"),
            Just("<<EOT\n"),
            Just("EOT\n"),
            Just("var.x"),
            Just("f("),
            Just(")"),
            Just(" ? "),
            Just("/*"),
            Just("*/"),
            Just("//"),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn token_soup_never_panics(text in soup()) {
        for format in FORMATS {
            check(&text, format);
        }
    }

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        for format in FORMATS {
            check(&text, format);
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        for format in FORMATS {
            let _ = load_bytes(&bytes, format, None);
        }
    }

    /// Cutting a valid file anywhere gives a document or an error.
    #[test]
    fn truncated_files_never_panic(cut in 0usize..400) {
        let yaml = "on:\n  push: {branches: [main]}\njobs:\n  b: &b\n    steps:\n      - uses: a@v1\n        with: {x: 'y'}\n  c:\n    <<: *b\n    run: |\n      echo\n";
        let json = r#"{"a": [1, 2.5e3, "é\u00e9", {"b": null, "c": true}], "d": {"e": "\ud83d\ude00"}}"#;
        let toml = "a = 1\n[t]\nb = [1, 2]\nc = { d = 'x' }\n[[arr]]\ne = 1979-05-27\n";
        let hcl = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"x-${var.y}\"\n  tags = { a = [1, -2.5] }\n  policy = <<-EOT\n    {}\n    EOT\n  ingress {\n    cidr = f(x) ? 1 : null\n  }\n}\n";
        for (text, format) in [(yaml, Format::Yaml), (json, Format::Json), (toml, Format::Toml), (hcl, Format::Hcl), (json, Format::Hcl)] {
            let cut = cut.min(text.len());
            let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            check(&text[..cut], format);
        }
    }
}
