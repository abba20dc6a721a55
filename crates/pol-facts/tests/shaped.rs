//! Selective loading: values a shape needs read exactly as with full loading, the rest
//! are placeholders that set the read-skipped flag when read, and errors anywhere (in
//! skipped values too) are exactly those of full loading.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{Rng, all, elements, fields, keep, need_of, random_shape, shape, walk};

use std::fmt::Write as _;

use pol_facts::{
    Document, Format, MAX_DEPTH, NodeId, NodeRef, Shape, ShapeNode, load, load_bytes,
    load_bytes_shaped, load_shaped,
};
use proptest::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------
// Helpers

fn full(text: &str) -> Result<Document, String> {
    load(text, Format::Json, Some("f.json"))
        .map(|mut docs| docs.remove(0))
        .map_err(|e| e.to_string())
}

fn shaped(text: &str, shape: &Shape) -> Result<Document, String> {
    load_shaped(text, Format::Json, Some("f.json"), shape)
        .map(|mut docs| {
            assert_eq!(docs.len(), 1);
            docs.remove(0)
        })
        .map_err(|e| e.to_string())
}

/// Walks the full document and the shaped one side by side: every needed value reads
/// the same (value, path, position), every value the shape skips is a placeholder
/// (with the same path and position), and nothing else is. Reads no placeholder.
fn same_where_needed(shape: &Shape, full: &Document, part: &Document) {
    let need = need_of(shape, 0);
    walk(shape, full, part, full.root(), part.root(), need);
    assert!(!part.read_skipped(), "a needed read met a placeholder");
}

/// Loads `text` in full and with `shape`: the same error, or documents that agree
/// wherever the shape needs a value. Returns the shaped document, if any.
fn agree(text: &str, shape: &Shape) -> Option<Document> {
    match (full(text), shaped(text, shape)) {
        (Ok(f), Ok(p)) => {
            same_where_needed(shape, &f, &p);
            Some(p)
        }
        (Err(f), Err(p)) => {
            assert_eq!(f, p, "{text}");
            None
        }
        (f, p) => panic!("full: {f:?}\nshaped: {p:?}\ntext: {text}"),
    }
}

// ---------------------------------------------------------------------------------
// Examples

const PLAN: &str = r#"{
  "format_version": "1.2",
  "prior_state": {"values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.old", "values": {"bucket": "é😀", "tags": {"a": "\u00e9\ud83d\ude00"}}}
  ]}}},
  "resource_changes": [
    {"address": "aws_s3_bucket.a", "type": "aws_s3_bucket",
     "change": {"actions": ["create"], "before": null,
                "after": {"bucket": "a", "acl": "private", "versioning": [{"enabled": true}]}}},
    {"address": "aws_iam_role.r", "type": "aws_iam_role",
     "change": {"actions": ["update"], "before": {"name": "r", "policy": "{\"x\": 1}"},
                "after": {"name": "r2", "policy": "{}", "n": [1, 2.5, -3e2, 0]}}}
  ],
  "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {}}}}
}"#;

/// The shape of a program that reads `resource_changes[*].type` and
/// `resource_changes[*].change.after`.
fn plan_shape() -> Shape {
    shape(vec![
        fields(&[("resource_changes", 1)]), // 0
        elements(2),                        // 1
        fields(&[("change", 3), ("type", 4)]),
        fields(&[("after", 5)]), // 3
        all(),                   // 4
        all(),                   // 5
    ])
}

#[test]
fn needed_values_read_as_in_full_loading() {
    let shape = plan_shape();
    let doc = agree(PLAN, &shape).unwrap();
    let root = doc.root();
    // Keys stay, with placeholders for values nobody reads.
    let keys: Vec<_> = doc.object_iter(root).map(|(k, _)| doc.key_str(k)).collect();
    assert_eq!(
        keys,
        [
            "format_version",
            "prior_state",
            "resource_changes",
            "configuration"
        ]
    );
    let prior = doc.object_get_str(root, "prior_state").unwrap();
    assert!(doc.is_skipped(prior));
    assert_eq!(doc.path(prior), "prior_state");
    let changes = doc.object_get_str(root, "resource_changes").unwrap();
    assert_eq!(doc.list_len(changes), 2);
    let second = doc.list_get(changes, 1).unwrap();
    let address = doc.object_get_str(second, "address").unwrap();
    assert!(doc.is_skipped(address));
    let change = doc.object_get_str(second, "change").unwrap();
    assert!(doc.is_skipped(doc.object_get_str(change, "before").unwrap()));
    let after = doc.object_get_str(change, "after").unwrap();
    assert_eq!(
        doc.to_json(after),
        serde_json::json!({"name": "r2", "policy": "{}", "n": [1, 2.5, -3e2, 0]})
    );
    assert!(!doc.read_skipped());
    // Fewer nodes than the full document (31 of 48).
    assert!(doc.len() < full(PLAN).unwrap().len() * 2 / 3);
}

#[test]
fn shapes_of_every_kind_agree_with_full_loading() {
    let shapes = [
        Shape::everything(),
        shape(vec![ShapeNode::default()]),
        shape(vec![fields(&[("prior_state", 1)]), all()]),
        shape(vec![elements(1), ShapeNode::default()]),
        shape(vec![elements(1), elements(2), all()]),
        shape(vec![
            ShapeNode {
                all: false,
                fields: vec![("format_version".to_owned(), 1)],
                elements: Some(2),
            },
            all(),
            elements(3),
            ShapeNode::default(),
        ]),
        plan_shape(),
        // Keys that are nowhere in the document.
        shape(vec![
            fields(&[("nope", 1), ("zzz", 2)]),
            all(),
            elements(3),
            all(),
        ]),
    ];
    let texts = [
        PLAN,
        "1",
        "\"é\"",
        "[]",
        "{}",
        "[[1, [2]], {\"a\": [3]}, \"x\", null]",
        "\u{feff}{\"a\": \"é\", \"b\": [\"😀\", {\"c\": \"\\u00e9\"}], \"c\": 1}",
    ];
    for text in texts {
        for shape in &shapes {
            agree(text, shape).unwrap();
        }
    }
}

#[test]
fn the_whole_shape_loads_everything() {
    let doc = shaped(PLAN, &Shape::everything()).unwrap();
    let whole = full(PLAN).unwrap();
    assert_eq!(doc.len(), whole.len());
    assert_eq!(doc.to_json(doc.root()), whole.to_json(whole.root()));
    assert!(!doc.read_skipped());
}

#[test]
fn positions_after_skipped_multibyte_strings_are_unchanged() {
    let text = "{\"skip\": [\"é😀\", \"\\u00e9\\ud83d\\ude00\", {\"ü\": \"ß\"}],\n  \"keep\": \"ü\", \"k2\": [1, \"é\"]}";
    let shape = shape(vec![fields(&[("k2", 2), ("keep", 1)]), all(), all()]);
    let doc = agree(text, &shape).unwrap();
    let keep = doc.object_get_str(doc.root(), "keep").unwrap();
    assert_eq!(
        doc.position(keep).map(|p| (p.line, p.column)),
        Some((2, 11))
    );
    let skip = doc.object_get_str(doc.root(), "skip").unwrap();
    assert_eq!(
        doc.position(skip).map(|p| (p.line, p.column)),
        Some((1, 10))
    );
}

#[test]
fn reading_a_placeholder_sets_the_flag() {
    let doc = shaped(PLAN, &plan_shape()).unwrap();
    let root = doc.root();
    let prior = doc.object_get_str(root, "prior_state").unwrap();
    // Placeholder-aware readers and paths do not count as reads.
    assert!(doc.is_skipped(prior));
    let _ = doc.path(prior);
    let _ = doc.position(prior);
    assert!(!doc.read_skipped());
    // Normal reads never set the flag.
    let changes = doc.object_get_str(root, "resource_changes").unwrap();
    let change = doc
        .object_get_str(doc.list_get(changes, 0).unwrap(), "change")
        .unwrap();
    let _ = doc.to_json(doc.object_get_str(change, "after").unwrap());
    assert_eq!(doc.object_get_str(root, "missing"), None);
    assert!(!doc.read_skipped());

    // Every reader of a placeholder sets it.
    type Read = fn(&Document, NodeId);
    let reads: [(&str, Read); 9] = [
        ("get", |d, n| assert_eq!(d.get(n), NodeRef::Null)),
        ("list_len", |d, n| assert_eq!(d.list_len(n), 0)),
        ("list_get", |d, n| assert_eq!(d.list_get(n, 0), None)),
        ("list_iter", |d, n| assert_eq!(d.list_iter(n).count(), 0)),
        ("object_len", |d, n| assert_eq!(d.object_len(n), 0)),
        ("object_iter", |d, n| {
            assert_eq!(d.object_iter(n).count(), 0)
        }),
        ("object_get_str", |d, n| {
            assert_eq!(d.object_get_str(n, "values"), None);
        }),
        ("object_get_str of an unknown key", |d, n| {
            assert_eq!(d.object_get_str(n, "no such key"), None);
        }),
        ("to_json", |d, n| assert_eq!(d.to_json(n), Value::Null)),
    ];
    for (name, read) in reads {
        assert!(!doc.read_skipped());
        read(&doc, prior);
        assert!(doc.read_skipped(), "{name} did not set the flag");
        doc.clear_read_skipped();
        assert!(!doc.read_skipped());
    }
    // A clone starts with the flag's current value and then goes its own way.
    let _ = doc.get(prior);
    let copy = doc.clone();
    assert!(copy.read_skipped());
    copy.clear_read_skipped();
    assert!(doc.read_skipped() && !copy.read_skipped());
    // Full documents have no placeholders.
    let whole = full(PLAN).unwrap();
    assert!((0..whole.len() as u32).all(|i| !whole.is_skipped(NodeId(i))));
    assert!(!doc.is_skipped(NodeId(u32::MAX)));
}

#[test]
fn yaml_and_toml_load_selectively() {
    let shape = keep("a");
    let yaml = load_shaped("a: 1\nb: [2]\n", Format::Yaml, None, &shape).unwrap();
    let b = yaml[0].object_get_str(yaml[0].root(), "b").unwrap();
    assert!(yaml[0].is_skipped(b));
    let a = yaml[0].object_get_str(yaml[0].root(), "a").unwrap();
    assert_eq!(yaml[0].get(a), NodeRef::Int(1));
    let toml = load_shaped("a = 1\nb = [2]\n", Format::Toml, None, &shape).unwrap();
    let b = toml[0].object_get_str(toml[0].root(), "b").unwrap();
    assert!(toml[0].is_skipped(b));
    let a = toml[0].object_get_str(toml[0].root(), "a").unwrap();
    assert_eq!(toml[0].get(a), NodeRef::Int(1));
    let e = load_shaped("a: [", Format::Yaml, None, &shape).unwrap_err();
    assert_eq!(e, load("a: [", Format::Yaml, None).unwrap_err());
}

#[test]
fn bytes_are_checked_for_utf8() {
    let shape = keep("a");
    let bad = b"{\"a\": 1,\n \"b\": \"\xffx\"}";
    assert_eq!(
        load_bytes_shaped(bad, Format::Json, Some("x.json"), &shape).unwrap_err(),
        load_bytes(bad, Format::Json, Some("x.json")).unwrap_err()
    );
    let docs = load_bytes_shaped(b"{\"a\": 1, \"b\": 2}", Format::Json, None, &shape).unwrap();
    let b = docs[0].object_get_str(docs[0].root(), "b").unwrap();
    assert!(docs[0].is_skipped(b));
}

// ---------------------------------------------------------------------------------
// Errors inside skipped values

#[test]
fn errors_in_skipped_values_are_those_of_full_loading() {
    let bad = [
        "[1,]",
        "[1 2]",
        "[1}",
        "{\"a\" 1}",
        "{\"a\": 1,}",
        "{1: 2}",
        "{\"a\": 1]",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"ab\\ud800\"",
        "\"\\ud800\\u0041\"",
        "\"\\udc00\"",
        "{\"\\ud800\": 1}",
        "{\"a\\u0000\t\": 1}",
        "\"a\tb\"",
        "\"a\nb\"",
        "[\"é\", \"a\u{1}\"]",
        "\"abc",
        "1e400",
        "-1e400",
        "[0.1E310]",
        &format!("1{}", "0".repeat(400)),
        "01",
        "-01",
        "-",
        "-a",
        "1.",
        ".5",
        "1e",
        "1e+",
        "+1",
        "tru",
        "nul",
        "fals",
        "True",
        "NaN",
        "'a'",
        "{\"a\": 1, \"a\": 2}",
        "{\"a\": 1, \"\\u0061\": 2}",
        "{\"\\u0061\": 1, \"a\": 2}",
        "{\"é\": 1, \"\\u00e9\": 2}",
        "{\"x\": {\"b\": 1, \"c\": {\"d\": 1, \"e\": [], \"d\": 2}}}",
        "[{\"a\": 1, \"b\": 2, \"c\": 3, \"b\": 4}]",
    ];
    // The error inside a skipped value, in a few places of the document.
    for snippet in bad {
        for text in [
            format!("{{\"keep\": 1, \"skip\": {snippet}, \"after\": 2}}"),
            format!("{{\"skip\": {snippet}}}"),
            format!("[\n  {{\"keep\": [\"é\"]}},\n  {snippet}\n]"),
        ] {
            let whole = full(&text).unwrap_err();
            assert_eq!(shaped(&text, &keep("keep")).unwrap_err(), whole, "{text}");
            assert_eq!(shaped(&text, &shape_of_nothing()).unwrap_err(), whole);
        }
    }
}

#[test]
fn large_skipped_objects_reject_duplicates() {
    let mut object = String::from("{");
    for i in 0..1000 {
        let _ = write!(object, "\"k{i}\": {{\"k{i}\": {i}}}, ");
    }
    let ok = format!("{{\"skip\": {object}\"k\": 0}}, \"keep\": 1}}");
    agree(&ok, &keep("keep")).unwrap();
    for dup in ["\"k7\": 0}", "\"k\\u0037\": 0}", "\"k999\": 0}"] {
        let text = format!("{{\"skip\": {object}{dup}, \"keep\": 1}}");
        let whole = full(&text).unwrap_err();
        assert!(whole.contains("duplicate key `k"), "{whole}");
        assert_eq!(shaped(&text, &keep("keep")).unwrap_err(), whole);
    }
    // Keys that share their first bytes and their length are no duplicates either, in
    // small and large objects; a duplicate among them is found.
    let mut long = String::from("{");
    for i in 0..100 {
        let _ = write!(long, "\"resource_change_{i:03}\": {i}, ");
    }
    for text in [
        r#"{"skip": {"abcdefgh1": 1, "abcdefgh2": 2}, "keep": 1}"#.to_owned(),
        format!("{{\"skip\": {long}\"x\": 1}}, \"keep\": 1}}"),
    ] {
        agree(&text, &keep("keep")).unwrap();
    }
    for text in [
        r#"{"skip": {"abcdefgh1": 1, "abcdefgh2": 2, "abcdefgh1": 3}}"#.to_owned(),
        format!("{{\"skip\": {long}\"resource_change_042\": 1}}}}"),
    ] {
        let whole = full(&text).unwrap_err();
        assert_eq!(shaped(&text, &keep("keep")).unwrap_err(), whole);
    }
    // The same key in sibling and nested skipped objects is no duplicate.
    let text = r#"{"skip": {"a": {"a": {"a": 1}}, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}}"#;
    agree(text, &keep("keep")).unwrap();
}

#[test]
fn nesting_depth_counts_from_the_real_depth() {
    // The root object is one level: a skipped value may nest MAX_DEPTH - 1 more.
    let nested = |levels: usize| {
        format!(
            "{{\"keep\": 1, \"skip\": {}{}}}",
            "[".repeat(levels),
            "]".repeat(levels)
        )
    };
    let ok = nested(MAX_DEPTH - 1);
    agree(&ok, &keep("keep")).unwrap();
    let deep = nested(MAX_DEPTH);
    let whole = full(&deep).unwrap_err();
    assert!(whole.contains("nesting is deeper than"), "{whole}");
    assert_eq!(shaped(&deep, &keep("keep")).unwrap_err(), whole);
    // Deeper in the loaded part, shallower in the skipped part.
    let mixed = |levels: usize| {
        format!(
            "{}{{\"skip\": {}1{}}}{}",
            "[".repeat(10),
            "{\"a\":".repeat(levels),
            "}".repeat(levels),
            "]".repeat(10)
        )
    };
    let mut elements_shape = Vec::new();
    for i in 0..10 {
        elements_shape.push(elements(i + 1));
    }
    elements_shape.push(ShapeNode::default());
    let shape = shape(elements_shape);
    agree(&mixed(MAX_DEPTH - 11), &shape).unwrap();
    let deep = mixed(MAX_DEPTH - 10);
    let whole = full(&deep).unwrap_err();
    assert!(whole.contains("nesting is deeper than"), "{whole}");
    assert_eq!(shaped(&deep, &shape).unwrap_err(), whole);
    // Far deeper input fails the same way, without touching the stack.
    let very_deep = format!("{{\"skip\": {}", "{\"a\":".repeat(1_000_000));
    assert_eq!(
        shaped(&very_deep, &keep("keep")).unwrap_err(),
        full(&very_deep).unwrap_err()
    );
}

#[test]
fn errors_outside_skipped_values_are_those_of_full_loading() {
    for text in [
        "",
        "{",
        "{\"keep\": [1,], \"skip\": 2}",
        "{\"skip\": 1, \"skip\": 2}",
        "{\"skip\": 1} x",
        "{\"skip\": 1 \"keep\": 2}",
        "{\"keep\": 1, \"skip\": [1, 2]",
    ] {
        let whole = full(text).unwrap_err();
        assert_eq!(shaped(text, &keep("keep")).unwrap_err(), whole, "{text}");
    }
}

// ---------------------------------------------------------------------------------
// Shape tables

#[test]
fn bad_shape_tables_are_rejected() {
    let bad: Vec<Vec<ShapeNode>> = vec![
        vec![],
        // A child before its parent, or itself.
        vec![elements(0)],
        vec![ShapeNode::default(), fields(&[("a", 0)])],
        vec![ShapeNode::default(), ShapeNode::default(), elements(1)],
        // Out of range.
        vec![elements(1)],
        vec![fields(&[("a", 1), ("b", 7)]), all()],
        vec![elements(u32::MAX)],
        // Keys not sorted, or repeated.
        vec![
            ShapeNode {
                fields: vec![("b".to_owned(), 1), ("a".to_owned(), 2)],
                ..ShapeNode::default()
            },
            all(),
            all(),
        ],
        vec![
            ShapeNode {
                fields: vec![("a".to_owned(), 1), ("a".to_owned(), 2)],
                ..ShapeNode::default()
            },
            all(),
            all(),
        ],
    ];
    for nodes in bad {
        assert!(Shape::from_nodes(nodes.clone()).is_err(), "{nodes:?}");
    }
    let good = vec![fields(&[("a", 1), ("b", 2)]), elements(2), all()];
    assert_eq!(Shape::from_nodes(good.clone()).unwrap().nodes(), good);
    assert!(Shape::everything().is_everything());
    assert!(!shape(good).is_everything());
}

// ---------------------------------------------------------------------------------
// Random documents and shapes

/// Random JSON values, with keys from a small alphabet so that shapes and duplicates
/// meet them.
fn json_value() -> impl Strategy<Value = Value> {
    common::json_value("[ab\u{e9}\"]{0,2}|[a-z_\\-]{0,6}")
}

/// Writes `value` as JSON with random whitespace, random `\u` escapes and, now and
/// then, a repeated key.
fn emit(value: &Value, rng: &mut Rng, out: &mut String) {
    match value {
        Value::Array(list) => {
            out.push('[');
            for (i, item) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(rng, out);
                emit(item, rng, out);
                space(rng, out);
            }
            out.push(']');
        }
        Value::Object(object) => {
            out.push('{');
            let mut first = true;
            for (key, item) in object {
                let times = if rng.one_in(40) { 2 } else { 1 };
                for _ in 0..times {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    space(rng, out);
                    emit_string(key, rng, out);
                    space(rng, out);
                    out.push(':');
                    space(rng, out);
                    emit(item, rng, out);
                    space(rng, out);
                }
            }
            out.push('}');
        }
        Value::String(s) => emit_string(s, rng, out),
        other => out.push_str(&other.to_string()),
    }
}

fn emit_string(s: &str, rng: &mut Rng, out: &mut String) {
    out.push('"');
    let escape_all = rng.one_in(4);
    for c in s.chars() {
        if escape_all || c < ' ' || c == '"' || c == '\\' || rng.one_in(20) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out.push('"');
}

fn space(rng: &mut Rng, out: &mut String) {
    if rng.one_in(3) {
        out.push_str([" ", "\n", "\t", "\r\n  "][rng.below(4)]);
    }
}

/// Breaks the text at a random character boundary with one of a few snippets.
fn mutate(text: &mut String, rng: &mut Rng) {
    const SNIPPETS: [&str; 20] = [
        ",",
        "}",
        "]",
        "\"",
        "\\",
        "\\x",
        "\\ud800",
        "\u{1}",
        "0",
        "01",
        "1e400",
        "-",
        "tru",
        ":",
        "{\"a\":1,\"a\":2}",
        "[[[",
        " ",
        "é",
        "\"\\u0061\":1,",
        "\n",
    ];
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
    if rng.one_in(2) {
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        text.replace_range(at..end, snippet);
    } else {
        text.insert_str(at, snippet);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Shaped loading gives full loading's error, or a document that reads the same
    /// wherever the shape needs a value and has placeholders exactly where it does not.
    #[test]
    fn shaped_loading_agrees_with_full_loading(
        value in json_value(),
        seed in 1u64..,
        pretty in any::<bool>(),
        mutations in 0usize..3,
    ) {
        let mut rng = Rng(seed);
        let shape = random_shape(&value, &mut rng);
        let mut text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            let mut out = String::new();
            emit(&value, &mut rng, &mut out);
            out
        };
        for _ in 0..mutations {
            mutate(&mut text, &mut rng);
        }
        agree(&text, &shape);
        // A shape that needs only the root skips everything below it.
        agree(&text, &shape_of_nothing());
    }
}

fn shape_of_nothing() -> Shape {
    shape(vec![ShapeNode::default()])
}
