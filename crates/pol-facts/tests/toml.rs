//! TOML loader: types, file order, positions, errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_facts::{Format, LineCol, NodeRef, load};
use serde_json::json;

fn error(text: &str) -> String {
    match load(text, Format::Toml, Some("c.toml")) {
        Ok(_) => panic!("loaded: {text}"),
        Err(e) => e.to_string(),
    }
}

const TEXT: &str = r#"# config
title = "pol"
zeta = 1
alpha = 0x1F

[owner]
name = "Tom"
born = 1979-05-27T07:32:00-08:00
day = 1979-05-27
"é" = 'x'

[[servers]]
ip = "10.0.0.1"
ratio = 0.5

[[servers]]
ip = "10.0.0.2"
ports = [8001, 8002]
big = { inline = true, inf = -inf }
a.b.c = 3
"#;

#[test]
fn values_and_types() {
    let docs = load(TEXT, Format::Toml, None).unwrap();
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(
        doc.to_json(doc.root()),
        json!({
            "title": "pol", "zeta": 1, "alpha": 31,
            "owner": {"name": "Tom", "born": "1979-05-27T07:32:00-08:00", "day": "1979-05-27", "é": "x"},
            "servers": [
                {"ip": "10.0.0.1", "ratio": 0.5},
                {"ip": "10.0.0.2", "ports": [8001, 8002], "big": {"inline": true, "inf": null},
                 "a": {"b": {"c": 3}}}
            ]
        })
    );
    let big = doc
        .object_get_str(
            doc.list_get(doc.object_get_str(doc.root(), "servers").unwrap(), 1)
                .unwrap(),
            "big",
        )
        .unwrap();
    assert_eq!(
        doc.get(doc.object_get_str(big, "inf").unwrap()),
        NodeRef::Float(f64::NEG_INFINITY)
    );
}

#[test]
fn keys_keep_the_order_of_the_file() {
    let docs = load(TEXT, Format::Toml, None).unwrap();
    let doc = &docs[0];
    let keys: Vec<_> = doc
        .object_iter(doc.root())
        .map(|(k, _)| doc.key_str(k))
        .collect();
    assert_eq!(keys, ["title", "zeta", "alpha", "owner", "servers"]);
}

#[test]
fn positions_and_paths() {
    let docs = load(TEXT, Format::Toml, Some("c.toml")).unwrap();
    let doc = &docs[0];
    let root = doc.root();
    let zeta = doc.object_get_str(root, "zeta").unwrap();
    assert_eq!(doc.position(zeta), Some(LineCol { line: 3, column: 8 }));
    let owner = doc.object_get_str(root, "owner").unwrap();
    let e = doc.object_get_str(owner, "é").unwrap();
    assert_eq!(
        doc.position(e),
        Some(LineCol {
            line: 10,
            column: 7
        })
    );
    assert_eq!(doc.path(e), r#"owner["é"]"#);
    let servers = doc.object_get_str(root, "servers").unwrap();
    let port = doc
        .list_get(
            doc.object_get_str(doc.list_get(servers, 1).unwrap(), "ports")
                .unwrap(),
            1,
        )
        .unwrap();
    assert_eq!(
        doc.position(port),
        Some(LineCol {
            line: 18,
            column: 16
        })
    );
    assert_eq!(doc.path(port), "servers[1].ports[1]");
    assert_eq!(doc.file(), Some("c.toml"));
}

#[test]
fn errors() {
    assert_eq!(error("a = 1\na = 2\n"), "c.toml:2:1: duplicate key `a`");
    assert_eq!(error("[t]\nb = 1\n[t]\n"), "c.toml:3:2: duplicate key `t`");
    assert_eq!(error("\"q\" = 1\nq = 2\n"), "c.toml:2:1: duplicate key `q`");
    assert_eq!(error("x = [1,"), "c.toml:1:8: unclosed array, expected `]`");
    assert_eq!(
        error("a = \n"),
        "c.toml:1:5: string values must be quoted, expected literal string"
    );
    assert_eq!(
        error("x = 99999999999999999999"),
        "c.toml:1:5: integer `99999999999999999999` is out of range"
    );
    // Empty text is an empty table, which has no document (as an empty YAML stream).
    assert!(load("", Format::Toml, None).unwrap().is_empty());
}

#[test]
fn nesting_is_limited() {
    let deep = format!("x = {}1{}", "[".repeat(300), "]".repeat(300));
    assert_eq!(
        error(&deep),
        "c.toml:1:85: cannot recurse further; max recursion depth met"
    );
}
