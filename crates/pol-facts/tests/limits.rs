//! Load limits: each is configurable, named with its value in the error, bounds the
//! whole input (all the documents of a YAML stream together), and gives shaped and
//! full loading the same result.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::keep;
use pol_facts::{
    Format, Limit, LoadError, LoadLimits, MAX_ALIAS_NODES, MAX_DEPTH, MAX_INPUT_BYTES, MAX_NODES,
    load_bytes_shaped_with, load_bytes_with, load_shaped_with, load_with,
};

/// The error of loading `text` within `limits`.
fn error(text: &str, format: Format, limits: &LoadLimits) -> LoadError {
    match load_with(text, format, None, limits) {
        Ok(docs) => panic!("loaded {} documents: {text}", docs.len()),
        Err(e) => e,
    }
}

fn limits(change: impl FnOnce(&mut LoadLimits)) -> LoadLimits {
    let mut limits = LoadLimits::default();
    change(&mut limits);
    limits
}

/// A YAML document whose aliases copy 901,217 nodes: five levels of ten aliases, and
/// seven aliases of the last.
fn alias_bomb() -> String {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..5 {
        let p = i - 1;
        let aliases = vec![format!("*a{p}"); 10].join(", ");
        doc.push_str(&format!("a{i}: &a{i} [{aliases}]\n"));
    }
    doc.push_str("b: [*a4, *a4, *a4, *a4, *a4, *a4, *a4]\n");
    doc
}

#[test]
fn defaults_are_the_documented_constants() {
    let d = LoadLimits::default();
    assert_eq!(d, LoadLimits::DEFAULT);
    assert_eq!(d.max_input_bytes, 64 << 20);
    assert_eq!(d.max_input_bytes, MAX_INPUT_BYTES);
    assert_eq!(d.max_nodes, MAX_NODES);
    assert_eq!(MAX_NODES, 536_870_911);
    assert_eq!(d.max_depth, MAX_DEPTH);
    assert_eq!(d.max_alias_nodes, MAX_ALIAS_NODES);
}

#[test]
fn input_size_is_checked_first_and_named() {
    let small = limits(|l| l.max_input_bytes = 6);
    for format in [Format::Json, Format::Yaml, Format::Toml] {
        // Exactly at the limit loads (as far as the size goes).
        assert!(load_with("[1, 2]", Format::Json, None, &small).is_ok());
        let e = error("a: 1\nb: 2\n", format, &small);
        assert_eq!(e.limit, Some(Limit::InputBytes), "{format:?}");
        // At the first byte past the limit.
        assert_eq!(
            e.to_string(),
            "2:2: input is larger than the limit of 6 bytes",
            "{format:?}"
        );
    }
    // Bytes: the size comes before UTF-8 (and before any parsing).
    let e = load_bytes_with(b"[1, 2]\xff\xff", Format::Json, Some("x.json"), &small).unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.json:1:7: input is larger than the limit of 6 bytes"
    );
    let e = load_bytes_shaped_with(
        b"k: \xc3\xa9\xc3\xa9",
        Format::Yaml,
        None,
        &keep("k"),
        &small,
    )
    .unwrap_err();
    assert_eq!(e.limit, Some(Limit::InputBytes));
    // The limit cuts `é` in two: the position is that of the character.
    assert_eq!(
        e.to_string(),
        "1:5: input is larger than the limit of 6 bytes"
    );
}

#[test]
fn nodes_are_limited_in_every_format() {
    let three = limits(|l| l.max_nodes = 3);
    let e = error("[1, 2, 3]", Format::Json, &three);
    assert_eq!(e.limit, Some(Limit::Nodes));
    assert_eq!(
        e.to_string(),
        "1:8: input has more nodes than the limit of 3"
    );
    assert_eq!(
        error("- 1\n- 2\n- 3\n", Format::Yaml, &three).to_string(),
        "3:3: input has more nodes than the limit of 3"
    );
    assert_eq!(
        error("a = 1\nb = [2, 3]\n", Format::Toml, &three).to_string(),
        "2:6: input has more nodes than the limit of 3"
    );
    // Keys are not nodes: an object of two entries is three nodes.
    assert!(load_with(r#"{"a": 1, "b": 2}"#, Format::Json, None, &three).is_ok());
    // A limit above what a document can hold counts as that.
    let huge = limits(|l| l.max_nodes = usize::MAX);
    assert!(load_with("[1]", Format::Json, None, &huge).is_ok());
}

#[test]
fn the_node_limit_bounds_a_whole_stream() {
    let four = limits(|l| l.max_nodes = 4);
    // Four nodes in the first document: none left for the second.
    let e = error("a: [1, 2]\n---\nb: 3\n", Format::Yaml, &four);
    assert_eq!(e.limit, Some(Limit::Nodes));
    assert_eq!(
        e.to_string(),
        "3:1: input has more nodes than the limit of 4"
    );
    let docs = load_with("a: 1\n---\nb: 3\n", Format::Yaml, None, &four).unwrap();
    assert_eq!(docs.len(), 2);
}

#[test]
fn depth_is_limited_in_every_format_and_capped() {
    let two = limits(|l| l.max_depth = 2);
    let e = error("[[[1]]]", Format::Json, &two);
    assert_eq!(e.limit, Some(Limit::Depth));
    assert_eq!(
        e.to_string(),
        "1:3: nesting is deeper than the limit of 2 levels"
    );
    assert_eq!(
        error("a:\n  b:\n    c: 1\n", Format::Yaml, &two).to_string(),
        "3:5: nesting is deeper than the limit of 2 levels"
    );
    // An alias copied below the limit counts its own depth.
    assert_eq!(
        error("a: &x [1]\nb: [*x]\n", Format::Yaml, &two).to_string(),
        "2:5: nesting is deeper than the limit of 2 levels"
    );
    assert_eq!(
        error("a = [[1]]\n", Format::Toml, &two).to_string(),
        "1:6: nesting is deeper than the limit of 2 levels"
    );
    // Deeper than `MAX_DEPTH` counts as `MAX_DEPTH`.
    let deep = limits(|l| l.max_depth = 100_000);
    let text = format!("{}{}", "[".repeat(300), "]".repeat(300));
    assert_eq!(
        error(&text, Format::Json, &deep).to_string(),
        "1:257: nesting is deeper than the limit of 256 levels"
    );
}

#[test]
fn alias_copies_are_limited_and_keys_count() {
    let three = limits(|l| l.max_alias_nodes = 3);
    let e = error("a: &a [1, 2, 3]\nb: *a\n", Format::Yaml, &three);
    assert_eq!(e.limit, Some(Limit::AliasNodes));
    assert_eq!(
        e.to_string(),
        "2:4: aliases expand to more nodes than the limit of 3"
    );
    // An alias as a key is its value as JSON text: it counts the nodes of its value.
    let keyed = "a: &a [1, 2, 3]\nb: {*a : x}\n";
    assert_eq!(
        error(keyed, Format::Yaml, &three).to_string(),
        "2:5: aliases expand to more nodes than the limit of 3"
    );
    let four = limits(|l| l.max_alias_nodes = 4);
    let docs = load_with(keyed, Format::Yaml, None, &four).unwrap();
    let b = docs[0].to_json(docs[0].root())["b"].clone();
    assert_eq!(b, serde_json::json!({"[1,2,3]": "x"}));
}

/// 200 documents that each copy 901,217 nodes once took 2.6 GB, as every document had
/// a budget of its own: now the whole stream has one, and the second document goes
/// over it.
#[test]
fn a_stream_of_alias_bombs_fails_in_its_second_document() {
    let doc = alias_bomb();
    let one = load_with(&doc, Format::Yaml, None, &LoadLimits::DEFAULT).unwrap();
    assert!(one[0].len() > 900_000);
    let stream = vec![doc; 200].join("---\n");
    for shaped in [false, true] {
        let e = if shaped {
            load_shaped_with(
                &stream,
                Format::Yaml,
                None,
                &keep("b"),
                &LoadLimits::DEFAULT,
            )
        } else {
            load_with(&stream, Format::Yaml, None, &LoadLimits::DEFAULT)
        }
        .unwrap_err();
        assert_eq!(e.limit, Some(Limit::AliasNodes));
        assert_eq!(
            e.message,
            "aliases expand to more nodes than the limit of 1000000"
        );
        // Line 7 is the second document's `---`; its `a4` line runs out.
        assert_eq!(e.line, 12, "{e}");
    }
}

/// Shaped loading goes over a limit exactly when full loading does, though it builds
/// fewer nodes and does not open skipped containers.
#[test]
fn shaped_loading_meets_the_limits_of_full_loading() {
    let cases: [(&str, Format); 6] = [
        (r#"{"a": [1, [2, [3]]], "b": 1}"#, Format::Json),
        (r#"{"b": 1, "a": [1, [2, [3]]]}"#, Format::Json),
        ("a: [1, [2, [3]]]\nb: 1\n", Format::Yaml),
        ("b: 1\n---\na: [1, [2, [3]]]\nb: 2\n", Format::Yaml),
        ("a = [1, [2, [3]]]\nb = 1\n", Format::Toml),
        ("b = 1\n[a]\nc = [[[1]]]\n", Format::Toml),
    ];
    for (text, format) in cases {
        for max in 0..8 {
            for limits in [limits(|l| l.max_nodes = max), limits(|l| l.max_depth = max)] {
                let full = load_with(text, format, None, &limits).map(|d| d.len());
                let shaped = load_shaped_with(text, format, None, &keep("b"), &limits);
                assert_eq!(full, shaped.map(|d| d.len()), "{text} {limits:?}");
            }
        }
    }
}
