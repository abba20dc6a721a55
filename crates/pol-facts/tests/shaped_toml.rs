//! Selective loading of TOML: values a shape needs read exactly as with full loading,
//! the rest are placeholders, and errors (the parser's, and the loader's numbers out of
//! range, in skipped values too) are full loading's.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{
    Rng, agree_loads, all, elements, fields, json_value, keep, random_shape, shape, skipped_count,
};

use std::fmt::Write as _;

use pol_facts::{Document, Format, Shape, ShapeNode, load, load_shaped};
use proptest::prelude::*;
use serde_json::Value;

fn full(text: &str) -> Result<Vec<Document>, String> {
    load(text, Format::Toml, Some("c.toml")).map_err(|e| e.to_string())
}

fn shaped(text: &str, shape: &Shape) -> Result<Vec<Document>, String> {
    load_shaped(text, Format::Toml, Some("c.toml"), shape).map_err(|e| e.to_string())
}

/// Full and shaped loading agree (see `agree_loads`); a TOML text is one document, or
/// none when it has no content (an empty table).
fn agree(text: &str, shape: &Shape) -> Option<Document> {
    let mut docs = agree_loads(text, shape, full(text), shaped(text, shape))?;
    assert!(docs.len() <= 1);
    docs.pop()
}

const CONFIG: &str = r#"# build settings
name = "pol"
version = 3

[package]
authors = ["a", "b"]
edition = "2024"
limits = { depth = 256, size = 1e9 }

[[jobs]]
id = "build"
steps = [{ uses = "actions/checkout@v4" }, { run = "make" }]

[[jobs]]
id = "test"
steps = [{ run = "make test" }]
when = 1979-05-27T07:32:00Z
"#;

#[test]
fn needed_values_load_and_the_rest_are_placeholders() {
    // `jobs[*].steps[*].uses` and `name`.
    let shape = shape(vec![
        fields(&[("jobs", 1), ("name", 5)]), // 0
        elements(2),                         // 1
        fields(&[("steps", 3)]),             // 2
        elements(4),                         // 3
        fields(&[("uses", 5)]),              // 4
        all(),                               // 5
    ]);
    let doc = agree(CONFIG, &shape).unwrap();
    // `version`, `package`, both `id`s, `when` and the `run` values are skipped.
    assert_eq!(skipped_count(&doc), 7);
    let root = doc.root();
    let name = doc.object_get_str(root, "name").unwrap();
    assert_eq!(doc.to_json(name), Value::from("pol"));
    assert!(!doc.read_skipped());
    let version = doc.object_get_str(root, "version").unwrap();
    assert!(doc.is_skipped(version));
    assert_eq!(
        doc.position(version),
        full(CONFIG).unwrap()[0].position(version)
    );
    assert_eq!(doc.to_json(version), Value::Null);
    assert!(doc.read_skipped(), "reading a placeholder is noticed");
}

#[test]
fn the_whole_shape_loads_everything() {
    let doc = agree(CONFIG, &Shape::everything()).unwrap();
    assert_eq!(skipped_count(&doc), 0);
    assert_eq!(doc.len(), full(CONFIG).unwrap()[0].len());
}

#[test]
fn numbers_out_of_range_in_skipped_values_are_errors() {
    let cases = [
        "keep = 1\nskip = 99999999999999999999\n",
        "keep = 1\n[skip]\ninner = [1, 2, 0x1_0000_0000_0000_0000]\n",
        "keep = 1\nskip = { f = 1e999 }\n",
        "[skip]\na = 1e999\nb = 99999999999999999999\n",
        "skip = 99999999999999999999\nkeep = 1e999\n",
    ];
    for text in cases {
        let shaped_error = shaped(text, &keep("keep")).unwrap_err();
        assert_eq!(shaped_error, full(text).unwrap_err(), "{text}");
        assert!(shaped_error.contains("out of range"), "{shaped_error}");
    }
}

#[test]
fn syntax_errors_are_those_of_full_loading() {
    for text in [
        "keep = 1\nskip = [1, 2\n",
        "keep = 1\nkeep = 2\n",
        "a = \"\\q\"\n",
    ] {
        let error = shaped(text, &keep("keep")).unwrap_err();
        assert_eq!(error, full(text).unwrap_err(), "{text}");
    }
}

// ---------------------------------------------------------------------------------
// Random documents

/// A TOML basic string.
fn emit_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A value inline; TOML has no null, so null is written as a string.
fn emit_inline(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("\"null\""),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_i64() {
            Some(i) => {
                let _ = write!(out, "{i}");
            }
            None => {
                let _ = write!(out, "{:?}", n.as_f64().unwrap_or(0.0));
            }
        },
        Value::String(s) => emit_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                emit_inline(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                out.push_str(if i > 0 { ", " } else { " " });
                emit_string(k, out);
                out.push_str(" = ");
                emit_inline(v, out);
            }
            out.push_str(" }");
        }
    }
}

/// A document: the root's scalars and lists as `key = value` lines, its objects
/// sometimes as `[table]` sections after them.
fn emit_document(root: &serde_json::Map<String, Value>, rng: &mut Rng, out: &mut String) {
    let mut sections = Vec::new();
    for (key, value) in root {
        if value.is_object() && rng.one_in(2) {
            sections.push((key, value));
            continue;
        }
        emit_string(key, out);
        out.push_str(" = ");
        emit_inline(value, out);
        out.push('\n');
    }
    for (key, value) in sections {
        out.push('[');
        emit_string(key, out);
        out.push_str("]\n");
        for (k, v) in value.as_object().into_iter().flatten() {
            emit_string(k, out);
            out.push_str(" = ");
            emit_inline(v, out);
            out.push('\n');
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Shaped loading agrees with full loading wherever the shape needs a value, on
    /// random documents, some with a number out of range put somewhere.
    #[test]
    fn shaped_loading_agrees_with_full_loading(
        root in prop::collection::btree_map("[a-d]{1,2}", json_value("[a-d]{1,2}"), 0..6),
        seed in 1u64..,
    ) {
        let root: serde_json::Map<String, Value> = root.into_iter().collect();
        let value = Value::Object(root.clone());
        let mut rng = Rng(seed);
        let random = random_shape(&value, &mut rng);
        let mut text = String::new();
        emit_document(&root, &mut rng, &mut text);
        if rng.one_in(4) {
            // Turn one number into one out of range.
            if let Some(at) = text.find(|c: char| c.is_ascii_digit()) {
                text.insert_str(at, "999999999999999999999");
            }
        }
        agree(&text, &random);
        agree(&text, &shape(vec![ShapeNode::default()]));
    }
}
