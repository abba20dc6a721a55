//! Selective loading of YAML: values a shape needs read exactly as with full loading
//! (each document of a stream shaped from its root), the rest are placeholders, and
//! whatever the shaped loader does not handle (anchors, aliases, merge keys, complex
//! keys, errors) gives exactly full loading's result.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{
    Need, Rng, agree_loads, all, elements, fields, keep, random_shape, shape, skipped_count, walk,
};

use std::fmt::Write as _;

use pol_facts::{Document, Format, MAX_DEPTH, Shape, ShapeNode, load, load_shaped};
use proptest::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------
// Helpers

fn full(text: &str) -> Result<Vec<Document>, String> {
    load(text, Format::Yaml, Some("f.yaml")).map_err(|e| e.to_string())
}

fn shaped(text: &str, shape: &Shape) -> Result<Vec<Document>, String> {
    load_shaped(text, Format::Yaml, Some("f.yaml"), shape).map_err(|e| e.to_string())
}

/// The shape that needs only the root itself.
fn nothing() -> Shape {
    shape(vec![ShapeNode::default()])
}

/// `kind`, `metadata.name` and `spec.template.spec.containers[*].image`.
fn kubernetes_shape() -> Shape {
    shape(vec![
        fields(&[("kind", 1), ("metadata", 2), ("spec", 4)]), // 0
        all(),                                                // 1
        fields(&[("name", 3)]),                               // 2
        all(),                                                // 3
        fields(&[("template", 5)]),                           // 4
        fields(&[("spec", 6)]),                               // 5
        fields(&[("containers", 7)]),                         // 6
        elements(8),                                          // 7
        fields(&[("image", 9)]),                              // 8
        all(),                                                // 9
    ])
}

/// Loads `text` in full and with `shape`: the same error, or as many documents, each
/// of which agrees with its full counterpart wherever the shape needs a value and has
/// placeholders exactly where it does not. Returns the shaped documents, if any.
fn agree(text: &str, shape: &Shape) -> Option<Vec<Document>> {
    agree_loads(text, shape, full(text), shaped(text, shape))
}

/// Loads `text` in full and with `shape`: the same error, or as many documents, each
/// of which either agrees with its full counterpart as in [`agree`] or is exactly it
/// (a stream is loaded in full from its first document with anything unusual on).
fn agree_each(text: &str, shape: &Shape) -> Option<Vec<Document>> {
    match (full(text), shaped(text, shape)) {
        (Ok(f), Ok(p)) => {
            assert_eq!(f.len(), p.len(), "{text}");
            for (f, p) in f.iter().zip(&p) {
                if skipped_count(p) == 0 {
                    assert_eq!(f.len(), p.len(), "{text}");
                    walk(shape, f, p, f.root(), p.root(), Need::All);
                } else {
                    agree_loads(text, shape, Ok(vec![f.clone()]), Ok(vec![p.clone()]));
                }
            }
            Some(p)
        }
        (Err(f), Err(p)) => {
            assert_eq!(f, p, "{text}");
            None
        }
        (f, p) => panic!("full: {f:?}\nshaped: {p:?}\ntext: {text}"),
    }
}

/// Loads `text` in full and with `shape`: exactly the same result (the shaped loader
/// fell back to full loading), errors included.
fn same_as_full(text: &str, shape: &Shape) -> Result<Vec<Document>, String> {
    match (full(text), shaped(text, shape)) {
        (Ok(f), Ok(p)) => {
            assert_eq!(f.len(), p.len(), "{text}");
            for (f, p) in f.iter().zip(&p) {
                assert_eq!(f.len(), p.len(), "{text}");
                assert_eq!(skipped_count(p), 0, "{text}");
                walk(shape, f, p, f.root(), p.root(), Need::All);
            }
            Ok(p)
        }
        (Err(f), Err(p)) => {
            assert_eq!(f, p, "{text}");
            Err(f)
        }
        (f, p) => panic!("full: {f:?}\nshaped: {p:?}\ntext: {text}"),
    }
}

// ---------------------------------------------------------------------------------
// Examples

const STREAM: &str = r#"# A deployment, with comments
apiVersion: apps/v1
kind: Deployment # trailing comment
metadata:
  name: "wéb-😀"   # quoted, multi-byte
  labels: {app: web, tier: 'front end', "n": 1}
  annotations:
    note: |
      multi-line
      text é😀
    folded: >-
      folded
      text
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app   # compact mapping in a sequence
          image: nginx:1.25
          args: ["--port", 8080, 0x1F, .inf, ~, true, 'é''s', "\u00e9\t"]
          env:
            - {name: A, value: "1"}
            - name: B
              value: 'x''y'
        -
          name: side
          image: "busybox:é"
          command:
          - sh
          - -c
          - echo é😀 # comment
      volumes: []
---
kind: Service
metadata: {name: svc, labels: {a: b}}
spec:
  ports: [{port: 80}, {port: 443, name: "https"}]
  template: {spec: {containers: [{image: x, name: y}, {name: z}]}}
...
---
# only a comment and a scalar
plain scalar
---
- a
- b: [1, 2]
  c: {d: e}
- [x, {y: z}]
---
"#;

#[test]
fn needed_values_read_as_in_full_loading() {
    let docs = agree(STREAM, &kubernetes_shape()).unwrap();
    assert_eq!(docs.len(), 5);
    let d = &docs[0];
    assert!(skipped_count(d) > 0);
    let spec = d.object_get_str(d.root(), "spec").unwrap();
    let replicas = d.object_get_str(spec, "replicas").unwrap();
    assert!(d.is_skipped(replicas));
    assert_eq!(d.path(replicas), "spec.replicas");
    assert!(!d.read_skipped());
    let image = d
        .to_json(d.root())
        .pointer("/spec/template/spec/containers/1/image")
        .cloned();
    assert_eq!(image, Some(Value::from("busybox:é")));
    assert!(d.read_skipped(), "to_json met the placeholders");
    // The second document's containers: one with an image, one without.
    assert!(skipped_count(&docs[1]) > 0);
    // A scalar root loads; a list root's items are skipped (the shape names keys).
    assert_eq!(skipped_count(&docs[2]), 0);
    assert_eq!(skipped_count(&docs[3]), 3);
    assert_eq!(docs[3].list_len(docs[3].root()), 3);
}

#[test]
fn shapes_of_every_kind_agree_with_full_loading() {
    let shapes = [
        kubernetes_shape(),
        nothing(),
        keep("metadata"),
        keep("kind"),
        keep("spec"),
        shape(vec![elements(1), all()]),
        shape(vec![elements(1), elements(2), all()]),
        shape(vec![elements(1), fields(&[("b", 2)]), elements(3), all()]),
        shape(vec![fields(&[("metadata", 1)]), elements(2), all()]),
        shape(vec![
            fields(&[("metadata", 1), ("spec", 3)]),
            fields(&[("labels", 2)]),
            elements(4),
            all(),
            ShapeNode::default(),
        ]),
        Shape::everything(),
    ];
    for shape in &shapes {
        agree(STREAM, shape);
        for text in [
            "",
            "# nothing\n",
            "---\n",
            "a: 1",
            "a: |\n  x\n  y",
            "a: [1, {b: 2}]\nb: 2\n",
            "{kind: K, metadata: {name: n, x: [1, 2]}, spec: 1}",
            "- - - deep\n- x\n",
            "kind: !!str 1\nmetadata: !custom {name: !!int '5', z: !!float 1}\n",
            "kind:\nmetadata:\n  name:\n  other:\n",
            "? kind\n: K\n? metadata\n: {? name : n}\n",
            "\u{feff}kind: é\nspec: [\"😀\", '😀', 😀]\n",
            "a:\r\n  - 1\r\n  - 2\r\nkind: x\r\n",
        ] {
            agree(text, shape);
        }
    }
}

#[test]
fn positions_after_skipped_multibyte_text_are_unchanged() {
    let text = "skip: \"😀é😀\"\nskip2: |\n  😀😀\n  é\nkeep: [a, é]\nskip3: {x: 😀}\nkeep2: 1\n";
    let shape = shape(vec![fields(&[("keep", 1), ("keep2", 1)]), all()]);
    let docs = agree(text, &shape).unwrap();
    assert_eq!(skipped_count(&docs[0]), 3);
    let keep2 = docs[0].object_get_str(docs[0].root(), "keep2").unwrap();
    assert_eq!(docs[0].position(keep2).unwrap().line, 7);
}

#[test]
fn anchors_and_aliases_load_in_full() {
    for text in [
        // An anchor in a skipped part used by a needed part.
        "skip: &x {q: 1}\nkeep: *x\n",
        "skip: [&x 1]\nkeep: [*x, 2]\n",
        // Anchors alone, needed or not.
        "keep: &x 1\n",
        "skip: &x 1\nkeep: 2\n",
        "skip: {a: &y [1]}\nkeep: 2\n",
        // An alias in a skipped part.
        "keep: &x 1\nskip: *x\n",
        // An anchored key.
        "skip: {&k a: 1, *k : 2}\nkeep: 1\n",
        "&k keep: 1\nskip: 2\n",
        // A recursive alias and an unknown one are errors.
        "keep: 1\nskip: &a [*a]\n",
        "keep: 1\nskip: *nope\n",
    ] {
        let _ = same_as_full(text, &keep("keep"));
        let _ = same_as_full(text, &nothing());
    }
}

/// A stream is shaped up to its first document with an anchor or alias, which is
/// loaded in full, and so is the rest of the stream: documents handed out already
/// stay as they are.
#[test]
fn a_stream_loads_in_full_from_its_first_unusual_document() {
    let text = "keep: 1\nskip: 2\n---\nkeep: &z 1\nskip: *z\n---\nkeep: 3\nskip: 4\n";
    let docs = agree_each(text, &keep("keep")).unwrap();
    let skipped: Vec<_> = docs.iter().map(skipped_count).collect();
    assert_eq!(skipped, [1, 0, 0]);
    // An error in a later document: full loading's error.
    let broken = "keep: 1\nskip: 2\n---\nkeep: *nope\n";
    assert_eq!(
        shaped(broken, &keep("keep")).unwrap_err(),
        "f.yaml:4:7: while parsing node, found unknown anchor"
    );
    let _ = same_as_full(broken, &keep("keep"));
}

#[test]
fn merge_keys_and_complex_keys_outside_full_values_load_in_full() {
    for text in [
        "skip: {<<: {a: 1}, b: 2}\nkeep: 1\n",
        "skip:\n  <<: [{a: 1}, {b: 2}]\n  c: 3\nkeep: 1\n",
        // A bad merge value in a skipped part is an error.
        "skip: {<<: 1}\nkeep: 1\n",
        "skip: [{<<: [1]}]\nkeep: 1\n",
        // A merge key in a mapping loaded with a shape node.
        "keep: {<<: {a: 1}, b: 2}\n",
        "<<: {keep: 1}\nskip: 2\n",
        // Collections as keys.
        "skip: {[1, 2]: x}\nkeep: 1\n",
        "skip: {? [1]\n: a, ? [1]\n: b}\nkeep: 1\n",
        "? [keep]\n: 1\nkeep: 2\n",
        "keep: {? {a: 1}\n: 2}\n",
    ] {
        let _ = same_as_full(
            text,
            &shape(vec![fields(&[("keep", 1)]), ShapeNode::default()]),
        );
    }
    // Quoted or tagged `<<` is an ordinary key, which a skipped mapping may have.
    for text in [
        "skip: {\"<<\": 1, b: 2}\nkeep: 1\n",
        "skip: {!!str <<: 1}\nkeep: 1\n",
    ] {
        let docs = agree(text, &keep("keep")).unwrap();
        assert_eq!(skipped_count(&docs[0]), 1);
    }
    // In a value needed in full, merge keys and complex keys load as in full loading.
    let text = "keep: {<<: [{a: 1}, {b: 2}], c: 3, [x]: 4}\nskip: 1\n";
    let docs = agree(text, &keep("keep")).unwrap();
    assert_eq!(skipped_count(&docs[0]), 1);
}

#[test]
fn errors_in_skipped_values_are_those_of_full_loading() {
    let texts = [
        "skip: [1, 2\nkeep: 1\n",
        "skip: !!int x\nkeep: 1\n",
        "skip: {a: !!bool 3}\nkeep: 1\n",
        "skip: [[1e400]]\nkeep: 1\n",
        "skip: 1e400\nkeep: 1\n",
        "skip: -0x\nkeep: !!int -0x\n",
        "skip: !!float x\nkeep: 1\n",
        "skip: \"\\q\"\nkeep: 1\n",
        "skip: {a: 1\nkeep: 1\n",
        "skip:\n  - a\n - b\nkeep: 1\n",
        "skip: x\n\tkeep: 1\n",
        "keep: 1\nskip: 2\n---\nskip: [\n",
        "keep: 1\n---\nskip: !!int z\n",
    ];
    for text in texts {
        let error = same_as_full(text, &keep("keep")).unwrap_err();
        assert!(error.starts_with("f.yaml:"), "{error}");
        let _ = same_as_full(text, &nothing());
    }
    // Not errors: checked as in full loading, and skipped.
    for text in [
        "skip: 0x1F\nkeep: 1\n",
        "skip: !!null ''\nkeep: 1\n",
        "skip: !!int x\nkeep: 1\n"
            .replace("!!int x", "!custom x")
            .as_str(),
    ] {
        let docs = agree(text, &keep("keep")).unwrap();
        assert_eq!(skipped_count(&docs[0]), 1);
    }
    // Lines of a flow collection indented less than their block: some are a parser
    // error that full loading repairs (loaded in full), some parse as they are.
    for text in [
        "skip: [\n  a,\n  b\n]\nkeep: 1\n",
        "keep: 1\nskip:\n  - [\n    1,\n  {a: 2}]\n",
        "keep:\n  - [\n    1,\n  {a: 2}]\nskip: 1\n",
    ] {
        let docs = agree(text, &keep("keep")).unwrap();
        assert_eq!(docs.len(), 1);
    }
}

#[test]
fn duplicate_keys_in_skipped_mappings_are_errors() {
    let mut texts = vec![
        "skip: {a: 1, a: 2}\nkeep: 1\n".to_owned(),
        "skip:\n  a: 1\n  b: [x]\n  a: 2\nkeep: 1\n".to_owned(),
        "skip: [{x: 1}, {y: 1, y: 2}]\nkeep: 1\n".to_owned(),
        // Keys collide after normalization: a scalar key is its text.
        "skip: {1: a, \"1\": b}\nkeep: 1\n".to_owned(),
        "skip: {'x': 1, x: 2}\nkeep: 1\n".to_owned(),
        "skip: {!!str 1: a, 1: b}\nkeep: 1\n".to_owned(),
        "skip: {\"<<\": 1, '<<': 2}\nkeep: 1\n".to_owned(),
        "skip: {\"\\u00e9\": 1, é: 2}\nkeep: 1\n".to_owned(),
        "skip:\n  ? a\n  : 1\n  a: 2\nkeep: 1\n".to_owned(),
        "skip: {: 1, '': 2}\nkeep: 1\n".to_owned(),
        "skip: {a: {x: 1, y: {z: 1, z: 2}}, b: 2}\nkeep: 1\n".to_owned(),
        // In a needed mapping too.
        "keep: {a: 1, a: 2}\n".to_owned(),
        "keep: 1\nkeep: 2\n".to_owned(),
    ];
    // Large mappings (sorted, not compared pairwise), the repeat anywhere.
    for at in [0, 17, 98] {
        let mut text = String::from("skip:\n");
        for i in 0..100 {
            let _ = writeln!(text, "  k{i}: {i}");
        }
        let _ = writeln!(text, "  k{at}: again\nkeep: 1");
        texts.push(text);
    }
    for text in &texts {
        let error = same_as_full(text, &keep("keep")).unwrap_err();
        assert!(error.contains("duplicate key"), "{error}");
    }
    // Keys that only look alike, and the same keys in different mappings, are fine.
    let mut text = String::from(
        "skip: {1: a, 1.0: b, '01': c, a: {x: 1}, b: {x: 1}, c: [{a: 1}, {a: 2}], A: 1, \"a \": 2}\n",
    );
    text.push_str("big:\n");
    for i in 0..100 {
        let _ = writeln!(text, "  k{i}: {{k{i}: {i}}}");
    }
    text.push_str("keep: 1\n");
    let docs = agree(&text, &keep("keep")).unwrap();
    assert_eq!(skipped_count(&docs[0]), 2);
}

#[test]
fn nesting_depth_counts_from_the_real_depth() {
    // Block sequences nested on one line: `- - - x`.
    for n in [1, 200, 253, 254, 255, 256, 257, 300] {
        let nested = format!("{}x\n", "- ".repeat(n));
        let text = format!("keep: 1\nskip:\n  {nested}");
        let shapes = [keep("keep"), nothing(), keep("skip")];
        for shape in &shapes {
            agree(&text, shape);
        }
        // The root mapping and `n` lists: at most `MAX_DEPTH` open containers.
        match shaped(&text, &keep("keep")) {
            Ok(docs) => {
                assert!(n < MAX_DEPTH, "{n}");
                assert_eq!(skipped_count(&docs[0]), 1);
            }
            Err(e) => {
                assert!(n >= MAX_DEPTH, "{n}: {e}");
                assert!(e.contains("nesting is deeper than"), "{e}");
            }
        }
        let text = format!("keep:\n  skip:\n    {nested}");
        let shapes = [
            keep("keep"),
            shape(vec![fields(&[("keep", 1)]), fields(&[("other", 2)]), all()]),
        ];
        for shape in &shapes {
            agree(&text, shape);
        }
    }
    // Flow collections: saphyr-parser's limit.
    for n in [250, 254, 255, 256, 300] {
        let text = format!("keep: 1\nskip: {}{}\n", "[".repeat(n), "]".repeat(n));
        agree(&text, &keep("keep"));
    }
}

// ---------------------------------------------------------------------------------
// Random documents and shapes

fn json_value() -> impl Strategy<Value = Value> {
    common::json_value("[ab\u{e9}1]{0,2}|[a-z_\\-]{0,6}")
}

/// Whether `s` can be written as a plain scalar (its meaning may change: `1` or
/// `null` written plain are no longer strings, which both loaders agree on).
fn plain_ok(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == 'é' || c == '😀')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_-.é😀".contains(c))
}

/// Writes a string as a plain, single-quoted or double-quoted scalar.
fn emit_string(s: &str, rng: &mut Rng, out: &mut String) {
    let printable = |c: char| c == ' ' || c.is_ascii_graphic() || c == 'é' || c == '😀';
    match rng.below(3) {
        0 if plain_ok(s) => out.push_str(s),
        1 if s.chars().all(printable) => {
            out.push('\'');
            out.push_str(&s.replace('\'', "''"));
            out.push('\'');
        }
        _ => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if printable(c) && !rng.one_in(20) => out.push(c),
                    c if (c as u32) < 0x10000 => {
                        let _ = write!(out, "\\u{:04x}", c as u32);
                    }
                    c => {
                        let _ = write!(out, "\\U{:08x}", c as u32);
                    }
                }
            }
            out.push('"');
        }
    }
}

fn emit_scalar(value: &Value, flow: bool, rng: &mut Rng, out: &mut String) {
    match value {
        Value::Null => out.push_str(match rng.below(if flow { 2 } else { 3 }) {
            0 => "null",
            1 => "~",
            _ => "",
        }),
        Value::String(s) => emit_string(s, rng, out),
        other => out.push_str(&other.to_string()),
    }
}

/// Now and then, a key twice.
fn times(rng: &mut Rng) -> usize {
    if rng.one_in(40) { 2 } else { 1 }
}

/// Writes `value` as a flow collection or scalar.
fn emit_flow(value: &Value, indent: usize, rng: &mut Rng, out: &mut String) {
    match value {
        Value::Array(list) => {
            out.push('[');
            for (i, item) in list.iter().enumerate() {
                if i > 0 {
                    if rng.one_in(3) {
                        out.push_str(",\n");
                        out.push_str(&" ".repeat(indent + 1));
                    } else {
                        out.push_str(", ");
                    }
                }
                emit_flow(item, indent, rng, out);
            }
            out.push(']');
        }
        Value::Object(object) => {
            out.push('{');
            let mut first = true;
            for (key, item) in object {
                for _ in 0..times(rng) {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    emit_string(key, rng, out);
                    out.push_str(": ");
                    emit_flow(item, indent, rng, out);
                }
            }
            out.push('}');
        }
        scalar => emit_scalar(scalar, true, rng, out),
    }
}

/// Writes `value` in block style after a `key:` or `-` already written, at `indent`.
fn emit_block(value: &Value, indent: usize, rng: &mut Rng, out: &mut String) {
    let collection = match value {
        Value::Array(list) => !list.is_empty(),
        Value::Object(object) => !object.is_empty(),
        _ => false,
    };
    if !collection || rng.one_in(5) {
        out.push(' ');
        if collection {
            emit_flow(value, indent, rng, out);
        } else {
            emit_scalar(value, false, rng, out);
        }
        if rng.one_in(6) {
            out.push_str(" # a comment, é😀");
        }
        out.push('\n');
        return;
    }
    out.push('\n');
    emit_entries(value, indent, rng, out);
}

/// Writes the entries of a non-empty collection in block style at `indent`.
fn emit_entries(value: &Value, indent: usize, rng: &mut Rng, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Array(list) => {
            for item in list {
                out.push_str(&pad);
                out.push('-');
                emit_block(item, indent + 2, rng, out);
            }
        }
        Value::Object(object) => {
            for (key, item) in object {
                for _ in 0..times(rng) {
                    out.push_str(&pad);
                    emit_string(key, rng, out);
                    out.push(':');
                    emit_block(item, indent + 2, rng, out);
                    if rng.one_in(10) {
                        out.push_str("# a comment line\n");
                    }
                }
            }
        }
        _ => {}
    }
}

fn emit_document(value: &Value, rng: &mut Rng, out: &mut String) {
    let collection = match value {
        Value::Array(list) => !list.is_empty(),
        Value::Object(object) => !object.is_empty(),
        _ => false,
    };
    if collection && !rng.one_in(4) {
        emit_entries(value, 0, rng, out);
    } else {
        emit_flow(value, 0, rng, out);
        out.push('\n');
    }
}

/// Changes the text at a random character boundary with one of a few snippets.
fn mutate(text: &mut String, rng: &mut Rng) {
    const SNIPPETS: [&str; 22] = [
        "&x ",
        "*x",
        "<<: ",
        "? ",
        "[",
        "]",
        "{",
        "\"",
        "'",
        "\t",
        ": ",
        " #",
        "\n-",
        "\n",
        " ",
        "{a: 1, a: 2}",
        "!!int ",
        "1e400",
        "é",
        ",",
        "---\n",
        "|\n",
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

    /// Without anchors, merge keys or complex keys, shaped loading gives full
    /// loading's error, or documents that read the same wherever the shape needs a
    /// value and have placeholders exactly where it does not.
    #[test]
    fn shaped_loading_agrees_with_full_loading(
        values in prop::collection::vec(json_value(), 1..4),
        seed in 1u64..,
        flow in any::<bool>(),
    ) {
        let mut rng = Rng(seed);
        let shape = random_shape(&values[0], &mut rng);
        let mut text = String::new();
        for (i, value) in values.iter().enumerate() {
            if i > 0 || rng.one_in(3) {
                text.push_str("---\n");
            }
            if flow {
                emit_flow(value, 0, &mut rng, &mut text);
                text.push('\n');
            } else {
                emit_document(value, &mut rng, &mut text);
            }
        }
        agree(&text, &shape);
        agree(&text, &nothing());
    }

    /// With random changes (anchors, aliases, merge keys, broken syntax, ...),
    /// shaped loading gives full loading's error, or documents each of which reads as
    /// full loading's wherever the shape needs a value, or is exactly full loading's.
    #[test]
    fn shaped_loading_of_changed_text_agrees_with_full_loading(
        value in json_value(),
        seed in 1u64..,
        mutations in 1usize..4,
    ) {
        let mut rng = Rng(seed);
        let shape = random_shape(&value, &mut rng);
        let mut text = String::new();
        emit_document(&value, &mut rng, &mut text);
        for _ in 0..mutations {
            mutate(&mut text, &mut rng);
        }
        let _ = agree_each(&text, &shape);
    }
}

/// Every YAML file of the shared corpus (`../shared/corpus/`, beside the repository)
/// loads with a few shapes as in full loading, and most skip something.
#[test]
fn corpus_files_agree_with_full_loading() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let shapes = [
        kubernetes_shape(),
        nothing(),
        keep("jobs"),
        shape(vec![
            fields(&[("jobs", 1), ("on", 4)]),
            elements(2),
            fields(&[("runs-on", 3), ("steps", 3)]),
            all(),
            all(),
        ]),
    ];
    let (mut files, mut skipping) = (0, 0);
    for folder in ["kubernetes", "github-actions", "gitlab-ci"] {
        let mut paths: Vec<_> = std::fs::read_dir(corpus.join(folder))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|p| Format::from_path(p) == Some(Format::Yaml))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            files += 1;
            let mut skipped = false;
            for shape in &shapes {
                // Documents loaded in full (anchors, merge keys) or with nothing to
                // skip, and errors (duplicate keys in a few files), are as in full
                // loading.
                let docs = agree_each(&text, shape).unwrap_or_default();
                skipped |= docs.iter().any(|d| skipped_count(d) > 0);
            }
            skipping += usize::from(skipped);
        }
    }
    assert!(files > 100, "{files} files");
    assert!(
        skipping * 10 > files * 9,
        "{skipping} of {files} files skip"
    );
}
