//! The `Document` readers: total on any id, keys, iteration order, paths.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_facts::{Format, KeyId, NodeId, NodeRef, load};

fn doc(text: &str) -> pol_facts::Document {
    load(text, Format::Json, Some("d.json")).unwrap().remove(0)
}

#[test]
fn readers_are_total() {
    let doc = doc(r#"{"a": [1, "x"], "b": {"c": null}}"#);
    let missing = NodeId(1_000);
    assert_eq!(doc.get(missing), NodeRef::Null);
    assert_eq!(doc.list_len(missing), 0);
    assert_eq!(doc.list_get(missing, 0), None);
    assert_eq!(doc.list_iter(missing).count(), 0);
    assert_eq!(doc.object_len(missing), 0);
    assert_eq!(doc.object_iter(missing).count(), 0);
    assert_eq!(doc.object_get(missing, KeyId(0)), None);
    assert_eq!(doc.position(missing), None);
    assert_eq!(doc.path(missing), "");
    assert_eq!(doc.key_str(KeyId(99)), "");
    // List readers on an object and object readers on a list give nothing.
    let a = doc.object_get_str(doc.root(), "a").unwrap();
    assert_eq!(doc.object_len(a), 0);
    assert_eq!(doc.list_len(doc.root()), 0);
    assert_eq!(doc.list_get(a, 2), None);
    assert_eq!(doc.object_get_str(a, "a"), None);
    assert_eq!(doc.object_get_str(doc.root(), "nope"), None);
}

#[test]
fn views() {
    let doc = doc(r#"{"z": 1, "a": [true, 2.5, "s"], "m": {"z": 2}}"#);
    let NodeRef::Object(root) = doc.get(doc.root()) else {
        panic!()
    };
    // File order, not sorted order.
    let keys: Vec<_> = root.iter().map(|(k, _)| doc.key_str(k)).collect();
    assert_eq!(keys, ["z", "a", "m"]);
    assert_eq!(root.len(), 3);
    let NodeRef::List(list) = doc.get(root.get_str("a").unwrap()) else {
        panic!()
    };
    let items: Vec<_> = list.iter().map(|n| doc.get(n)).collect();
    assert_eq!(
        items,
        [NodeRef::Bool(true), NodeRef::Float(2.5), NodeRef::Str("s")]
    );
    // One KeyId per key text across the document.
    let z = doc.key_id("z").unwrap();
    let m = root.get_str("m").unwrap();
    assert_eq!(doc.object_get(m, z), doc.object_get_str(m, "z"));
    assert_eq!(doc.key_str(z), "z");
    assert_eq!(doc.key_count(), 3);
    assert_eq!(doc.key_id("y"), None);
    assert_eq!(doc.len(), 8);
    assert!(!doc.is_empty());
}

#[test]
fn paths_quote_keys_that_are_not_identifiers() {
    let doc = doc(
        r#"[{"metadata": {"labels": {"app.kubernetes.io/name": "x", "_ok9": [0, {"": "\""}]}}}]"#,
    );
    let labels = doc
        .object_get_str(
            doc.object_get_str(doc.list_get(doc.root(), 0).unwrap(), "metadata")
                .unwrap(),
            "labels",
        )
        .unwrap();
    let name = doc
        .object_get_str(labels, "app.kubernetes.io/name")
        .unwrap();
    assert_eq!(
        doc.path(name),
        r#"[0].metadata.labels["app.kubernetes.io/name"]"#
    );
    let ok = doc.object_get_str(labels, "_ok9").unwrap();
    let empty = doc
        .object_get_str(doc.list_get(ok, 1).unwrap(), "")
        .unwrap();
    assert_eq!(doc.path(empty), r#"[0].metadata.labels._ok9[1][""]"#);
    assert_eq!(doc.get(empty), NodeRef::Str("\""));
}

#[test]
fn formats_by_extension() {
    use std::path::Path;
    assert_eq!(Format::from_path(Path::new("a/b.json")), Some(Format::Json));
    assert_eq!(Format::from_path(Path::new("ci.YML")), Some(Format::Yaml));
    assert_eq!(Format::from_path(Path::new("k.yaml")), Some(Format::Yaml));
    assert_eq!(
        Format::from_path(Path::new("Cargo.toml")),
        Some(Format::Toml)
    );
    assert_eq!(Format::from_path(Path::new("Dockerfile")), None);
    assert_eq!(Format::from_path(Path::new("x.txt")), None);
}

#[test]
fn documents_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + Clone>() {}
    shared::<pol_facts::Document>();
    shared::<pol_facts::Decision>();
}
