//! YAML loader: core schema, streams, anchors, merge keys, keys, limits, errors and
//! positions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use std::ops::ControlFlow;

use common::keep;
use pol_facts::{
    Document, Format, LineCol, LoadLimits, MAX_DEPTH, NodeRef, load, load_each, load_shaped,
};
use serde_json::{Value, json};

fn docs(text: &str) -> Vec<Document> {
    load(text, Format::Yaml, Some("t.yml")).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The single document of `text` as JSON.
fn value(text: &str) -> Value {
    let docs = docs(text);
    assert_eq!(docs.len(), 1, "{text}");
    docs[0].to_json(docs[0].root())
}

/// The error loading `text`, as `line:column: message`.
fn error(text: &str) -> String {
    match load(text, Format::Yaml, None) {
        Ok(_) => panic!("loaded: {text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn core_schema_types() {
    let v = value(
        "on: push\nyes: no\nt: true\nf: False\nn: ~\nm: null\ne:\ni: 0x1F\no: 0o17\nd: -12\n\
         f1: 1.5\nf2: 1e3\nq: '12'\nqq: \"true\"\nb: |\n  true\nv: 3.10\nver: 1.2.3\n",
    );
    assert_eq!(
        v,
        json!({"on": "push", "yes": "no", "t": true, "f": false, "n": null, "m": null,
               "e": null, "i": 31, "o": 15, "d": -12, "f1": 1.5, "f2": 1000.0, "q": "12",
               "qq": "true", "b": "true\n", "v": 3.1, "ver": "1.2.3"})
    );
    let docs = docs("[.inf, -.inf, .nan]");
    let doc = &docs[0];
    let floats: Vec<_> = doc.list_iter(doc.root()).map(|n| doc.get(n)).collect();
    assert!(matches!(floats[0], NodeRef::Float(f) if f == f64::INFINITY));
    assert!(matches!(floats[1], NodeRef::Float(f) if f == f64::NEG_INFINITY));
    assert!(matches!(floats[2], NodeRef::Float(f) if f.is_nan()));
}

#[test]
fn tags() {
    assert_eq!(
        value("a: !!str 12\nb: !!float 1\nc: !reference [x, y]\nd: !Ref 7\ne: !!int '5'"),
        json!({"a": "12", "b": 1.0, "c": ["x", "y"], "d": 7, "e": 5})
    );
    assert_eq!(error("a: !!int x"), "1:4: `x` is not a valid `!!int`");
}

#[test]
fn streams() {
    let all: Vec<_> = docs("a: 1\n---\nb: 2\n---\n...\n--- [3]\n")
        .iter()
        .map(|d| d.to_json(d.root()))
        .collect();
    assert_eq!(
        all,
        [json!({"a": 1}), json!({"b": 2}), Value::Null, json!([3])]
    );
    let docs = docs("a: 1\n---\nb:\n  c: 2\n");
    let c = docs[1]
        .object_get_str(docs[1].object_get_str(docs[1].root(), "b").unwrap(), "c")
        .unwrap();
    assert_eq!(docs[1].position(c), Some(LineCol { line: 4, column: 6 }));
}

/// An input without content has no documents, so that a caller can refuse it rather
/// than evaluate a `null`; a stream with content keeps its empty documents.
#[test]
fn streams_without_content_have_no_documents() {
    for text in [
        "",
        "# only a comment\n",
        "\n\n",
        "  \n\t\n# c",
        "\u{feff}",
        "---\n",
        "--- # a comment\n",
        "---\n---\n",
        "---\n...\n",
        "...\n",
        "%YAML 1.2\n---\n",
    ] {
        for shape in [None, Some(keep("a"))] {
            let mut n = 0;
            let handed = load_each(
                text,
                Format::Yaml,
                None,
                shape.as_ref(),
                &LoadLimits::DEFAULT,
                |_| {
                    n += 1;
                    ControlFlow::Continue(())
                },
            );
            assert_eq!((handed.unwrap(), n), (0, 0), "{text:?}");
        }
        assert!(docs(text).is_empty(), "{text:?}");
    }
    // Content, even a null, makes a document.
    for (text, expected) in [
        ("null", Value::Null),
        ("~\n", Value::Null),
        ("--- !!null\n", Value::Null),
        ("--- ''\n", json!("")),
        ("--- &a\n", Value::Null),
    ] {
        assert_eq!(value(text), expected, "{text:?}");
    }
    // A stream with content keeps its empty documents, before and after it.
    let all: Vec<_> = docs("---\n---\na: 1\n---\n")
        .iter()
        .map(|d| d.to_json(d.root()))
        .collect();
    assert_eq!(all, [Value::Null, json!({"a": 1}), Value::Null]);
    let shaped = load_shaped("---\n---\na: 1\n---\n", Format::Yaml, None, &keep("a")).unwrap();
    assert_eq!(shaped.len(), 3);
    // An empty document held back keeps its position, that of one not held back.
    let held = docs("# c\n---\n---\na: 1\n");
    let not_held = docs("x\n---\n---\na: 1\n");
    let position = |d: &Document| d.position(d.root());
    assert_eq!(position(&held[0]), position(&not_held[1]));
    // JSON needs a value; TOML text without content (an empty table) has no document.
    for text in ["", " \n", "# comment\n"] {
        if !text.starts_with('#') {
            let e = load(text, Format::Json, None).unwrap_err();
            assert!(e.message.starts_with("unexpected end of input"), "{e}");
        }
        assert_eq!(load(text, Format::Toml, None).unwrap().len(), 0, "{text:?}");
        assert_eq!(
            load_shaped(text, Format::Toml, None, &keep("a"))
                .unwrap()
                .len(),
            0,
            "{text:?}"
        );
    }
    let docs = load("a = 1\n", Format::Toml, None).unwrap();
    assert_eq!(docs[0].to_json(docs[0].root()), json!({"a": 1}));
}

#[test]
fn aliases_are_copies() {
    let text = "base: &b\n  x: [1, 2]\nuse: *b\nlist: [*b, *b]\n";
    assert_eq!(
        value(text),
        json!({"base": {"x": [1, 2]}, "use": {"x": [1, 2]}, "list": [{"x": [1, 2]}, {"x": [1, 2]}]})
    );
    let docs = docs(text);
    let doc = &docs[0];
    let copy = doc.object_get_str(doc.root(), "use").unwrap();
    // The copy is a node of its own with its own path; its root is at the alias, the
    // nodes under it where the anchored ones are.
    assert_eq!(doc.path(copy), "use");
    assert_eq!(doc.position(copy), Some(LineCol { line: 3, column: 6 }));
    let x = doc.object_get_str(copy, "x").unwrap();
    assert_eq!(doc.path(x), "use.x");
    assert_eq!(doc.position(x), Some(LineCol { line: 2, column: 6 }));
    let second = doc
        .list_get(doc.object_get_str(doc.root(), "list").unwrap(), 1)
        .unwrap();
    let two = doc
        .list_get(doc.object_get_str(second, "x").unwrap(), 1)
        .unwrap();
    assert_eq!(doc.path(two), "list[1].x[1]");
    // Scalars and anchored keys.
    assert_eq!(
        value("a: &v 5\n&k b: *v\nc: *k\n"),
        json!({"a": 5, "b": 5, "c": "b"})
    );
}

#[test]
fn alias_expansion_is_limited() {
    // A billion laughs: 9 levels of 10 aliases each.
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let e = error(&text);
    assert!(
        e.ends_with("aliases expand to more nodes than the limit of 1000000"),
        "{e}"
    );
    assert_eq!(
        error("- &x [*x]"),
        "1:7: alias to its own anchor (recursive alias)"
    );
    assert_eq!(
        error("a: *nope"),
        "1:4: while parsing node, found unknown anchor"
    );
}

#[test]
fn merge_keys() {
    let base = "base: &base {a: 1, b: 2}\nmore: &more {b: 3, c: 4}\n";
    // Explicit keys win, before or after the merge key.
    assert_eq!(
        value(&format!("{base}x:\n  b: 9\n  <<: *base\n  d: 5\n"))["x"],
        json!({"b": 9, "a": 1, "d": 5})
    );
    // A list of mappings: earlier mappings win.
    let docs = docs(&format!("{base}x:\n  <<: [*base, *more]\n  c: 0\n"));
    let doc = &docs[0];
    let x = doc.object_get_str(doc.root(), "x").unwrap();
    let keys: Vec<_> = doc
        .object_iter(x)
        .map(|(k, v)| (doc.key_str(k), doc.to_json(v)))
        .collect();
    assert_eq!(keys, [("a", json!(1)), ("b", json!(2)), ("c", json!(0))]);
    // Merged values belong to the merging mapping.
    let a = doc.object_get_str(x, "a").unwrap();
    assert_eq!(doc.path(a), "x.a");
    assert_eq!(
        doc.position(a),
        Some(LineCol {
            line: 1,
            column: 17
        })
    );
    // An inline mapping, and a quoted `<<`, which is an ordinary key.
    assert_eq!(value("<<: {a: 1}\nb: 2"), json!({"a": 1, "b": 2}));
    assert_eq!(value("'<<': 1"), json!({"<<": 1}));
    // Merge keys inside a list (GitLab CI's `rules: - <<: *rule`).
    assert_eq!(
        value("r: &r {if: x}\nrules:\n  - <<: *r\n    when: never\n")["rules"],
        json!([{"if": "x", "when": "never"}])
    );
    assert_eq!(
        error("a: 1\n<<: 2"),
        "2:5: merge key `<<` needs a mapping or a list of mappings"
    );
    assert_eq!(
        error("<<: [{a: 1}, 2]"),
        "1:5: merge key `<<` needs a mapping or a list of mappings"
    );
}

#[test]
fn keys() {
    assert_eq!(
        value("1: a\ntrue: b\n~: c\n3.10: d\n[x, 1]: e\n{k: v}: f\n\"q\": g\n"),
        json!({"1": "a", "true": "b", "~": "c", "3.10": "d", "[\"x\",1]": "e", "{\"k\":\"v\"}": "f", "q": "g"})
    );
    assert_eq!(error("a: 1\nb: 2\na: 3\n"), "3:1: duplicate key `a`");
    assert_eq!(error("x: {a: 1, a: 2}"), "1:11: duplicate key `a`");
    assert_eq!(error("1: x\n'1': y"), "2:1: duplicate key `1`");
    // A key written twice after a merge is still a duplicate.
    assert_eq!(error("<<: {a: 1}\nb: 1\nb: 2"), "3:1: duplicate key `b`");
}

#[test]
fn nesting_is_limited() {
    // The parser counts flow levels in a byte: 255 is its limit.
    let flow = format!("{}{}", "[".repeat(255), "]".repeat(255));
    assert!(load(&flow, Format::Yaml, None).is_ok());
    let flow = format!("{}{}", "[".repeat(256), "]".repeat(256));
    assert_eq!(
        error(&flow),
        "1:256: flow collections nested deeper than 255 levels"
    );
    let mut block = String::new();
    for i in 0..=MAX_DEPTH {
        block.push_str(&" ".repeat(i));
        block.push_str("a:\n");
    }
    // 257 nested mappings: the innermost one is one too many.
    block.push_str(&" ".repeat(MAX_DEPTH + 1));
    block.push_str("b: 1\n");
    assert_eq!(
        error(&block),
        "257:257: nesting is deeper than the limit of 256 levels"
    );
    // An alias copied into a deep place counts its own depth too: the root mapping and
    // `n` lists hold a copy of three more lists.
    let aliased = |n: usize| format!("d: &d [[[1]]]\ne: {}*d{}\n", "[".repeat(n), "]".repeat(n));
    assert!(load(&aliased(MAX_DEPTH - 4), Format::Yaml, None).is_ok());
    assert_eq!(
        error(&aliased(MAX_DEPTH - 3)),
        "2:257: nesting is deeper than the limit of 256 levels"
    );
}

#[test]
fn syntax_errors_have_positions() {
    let e = load("a: [1, 2\n", Format::Yaml, Some("x.yml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.yml:2:1: while parsing a flow sequence, expected ',' or ']'"
    );
    assert_eq!(
        error("a: b: c"),
        "1:5: mapping values are not allowed in this context"
    );
    assert_eq!(error("a: 1e400"), "1:4: number `1e400` is out of range");
}

#[test]
fn flow_collections_closed_in_line_with_their_key() {
    // Strictly, YAML 1.2 wants `]` indented more than `key`; tools accept it anyway.
    let text = "key: [\n  a,\n  b\n]\nlist:\n  - [\n    1\n  ]\nz: 1\n";
    assert_eq!(
        value(text),
        json!({"key": ["a", "b"], "list": [[1]], "z": 1})
    );
    let docs = docs("x:\n  - [\n    1,\n  {a: 2}]\n");
    let doc = &docs[0];
    let list = doc
        .list_get(doc.object_get_str(doc.root(), "x").unwrap(), 0)
        .unwrap();
    // Positions are those of the file as written.
    let object = doc.list_get(list, 1).unwrap();
    assert_eq!(doc.position(object), Some(LineCol { line: 4, column: 3 }));
    let two = doc.object_get_str(object, "a").unwrap();
    assert_eq!(doc.position(two), Some(LineCol { line: 4, column: 7 }));
}

#[test]
fn block_scalars_at_the_end_of_the_file() {
    assert_eq!(value("run: |\n  echo hi"), json!({"run": "echo hi"}));
    assert_eq!(value("run: |\n  echo hi\n"), json!({"run": "echo hi\n"}));
    assert_eq!(value("run: >\n  a\n  b"), json!({"run": "a b"}));
    assert_eq!(value("run: |-\n  a"), json!({"run": "a"}));
}

#[test]
fn positions_and_paths() {
    let text =
        "\u{feff}jobs:\n  my-job:\n    steps:\n      - uses: \"é/x@v1\"\n        with: {k: v}\n";
    let docs = docs(text);
    let doc = &docs[0];
    let job = doc
        .object_get_str(doc.object_get_str(doc.root(), "jobs").unwrap(), "my-job")
        .unwrap();
    let step = doc
        .list_get(doc.object_get_str(job, "steps").unwrap(), 0)
        .unwrap();
    let uses = doc.object_get_str(step, "uses").unwrap();
    assert_eq!(doc.get(uses), NodeRef::Str("é/x@v1"));
    assert_eq!(
        doc.position(uses),
        Some(LineCol {
            line: 4,
            column: 15
        })
    );
    assert_eq!(doc.path(uses), r#"jobs["my-job"].steps[0].uses"#);
    let k = doc
        .object_get_str(doc.object_get_str(step, "with").unwrap(), "k")
        .unwrap();
    assert_eq!(
        doc.position(k),
        Some(LineCol {
            line: 5,
            column: 19
        })
    );
    assert_eq!(
        doc.position(doc.root()),
        Some(LineCol { line: 1, column: 1 })
    );
    assert_eq!(doc.path(doc.root()), "");
}
