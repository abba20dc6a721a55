//! `load_each`: the documents of a stream handed out one by one as they end, each
//! once, whatever the loader does behind (repairs, selective loading that gives up),
//! and errors after the documents before them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use std::ops::ControlFlow;

use common::{keep, skipped_count};
use pol_facts::{Format, LoadError, LoadLimits, Shape, load, load_bytes_each, load_each};
use serde_json::{Value, json};

/// What `load_each` hands out, as JSON (placeholders read as `null`) with each
/// document's count of placeholders, and how it ends.
fn each(
    text: &str,
    format: Format,
    shape: Option<&Shape>,
) -> (Vec<(Value, usize)>, Result<usize, LoadError>) {
    let mut seen = Vec::new();
    let result = load_each(
        text,
        format,
        Some("s.yaml"),
        shape,
        &LoadLimits::DEFAULT,
        |doc| {
            seen.push((doc.to_json(doc.root()), skipped_count(&doc)));
            ControlFlow::Continue(())
        },
    );
    (seen, result)
}

fn values(seen: &[(Value, usize)]) -> Vec<Value> {
    seen.iter().map(|(v, _)| v.clone()).collect()
}

#[test]
fn documents_are_handed_out_before_a_later_error() {
    let text = "a: 1\n---\nb: 2\n---\nc: [3\n";
    for shape in [None, Some(&keep("b"))] {
        let (seen, result) = each(text, Format::Yaml, shape);
        let e = result.unwrap_err();
        assert_eq!(e.line, 6, "{e}");
        assert!(e.file.as_deref() == Some("s.yaml"), "{e}");
        assert_eq!(seen.len(), 2, "{shape:?}");
        assert_eq!(values(&seen)[1], json!({"b": 2}));
    }
    // A semantic error (a duplicate key) in the third document: the same.
    let text = "a: 1\n---\nb: 2\n---\nc: 3\nc: 4\n";
    let (seen, result) = each(text, Format::Yaml, None);
    assert_eq!(
        result.unwrap_err().to_string(),
        "s.yaml:6:1: duplicate key `c`"
    );
    assert_eq!(seen.len(), 2);
}

#[test]
fn break_stops_the_stream() {
    // The third document is broken, but is never read.
    let text = "a: 1\n---\nb: 2\n---\nc: [3\n";
    let mut seen = 0;
    let result = load_each(text, Format::Yaml, None, None, &LoadLimits::DEFAULT, |_| {
        seen += 1;
        if seen == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(result.unwrap(), 2);
    assert_eq!(seen, 2);
}

#[test]
fn each_document_is_handed_out_once_when_the_stream_is_parsed_again() {
    // The third document needs a repair (a `]` in line with its key): the stream is
    // parsed again, and the first two, handed out already, are not handed out again.
    let repaired = "a: 1\n---\nb: 2\n---\nkey: [\n  x\n]\n---\nd: 4\n";
    // The second document has an alias: selective loading gives up there, and the
    // stream is loaded in full from it.
    let aliased = "a: 1\nz: 0\n---\na: &x 2\nz: *x\n---\na: 3\nz: 0\n";
    for text in [repaired, aliased] {
        let expected: Vec<Value> = load(text, Format::Yaml, None)
            .unwrap()
            .iter()
            .map(|d| d.to_json(d.root()))
            .collect();
        let (seen, result) = each(text, Format::Yaml, None);
        assert_eq!(result.unwrap(), expected.len());
        assert_eq!(values(&seen), expected, "{text}");
        let (seen, result) = each(text, Format::Yaml, Some(&keep("a")));
        assert_eq!(result.unwrap(), expected.len());
        assert_eq!(seen.len(), expected.len(), "{text}");
    }
    // Shaped until the alias, in full from there on.
    let (seen, _) = each(aliased, Format::Yaml, Some(&keep("a")));
    let skipped: Vec<_> = seen.iter().map(|(_, s)| *s).collect();
    assert_eq!(skipped, [1, 0, 0]);
}

#[test]
fn json_and_toml_hand_out_one_document() {
    let (seen, result) = each(r#"{"a": [1]}"#, Format::Json, None);
    assert_eq!(
        (values(&seen), result.unwrap()),
        (vec![json!({"a": [1]})], 1)
    );
    let (seen, result) = each("a = 1\nb = 2\n", Format::Toml, Some(&keep("a")));
    assert_eq!(result.unwrap(), 1);
    assert_eq!(seen, [(json!({"a": 1, "b": null}), 1)]);
    let mut n = 0;
    let result = load_bytes_each(
        b"[1, \xff]",
        Format::Json,
        None,
        None,
        &LoadLimits::DEFAULT,
        |_| {
            n += 1;
            ControlFlow::Continue(())
        },
    );
    assert_eq!(result.unwrap_err().to_string(), "1:5: invalid UTF-8");
    assert_eq!(n, 0);
}

/// Documents handed out and dropped still count against the input's budget: a
/// stream cannot escape a limit by being consumed one document at a time.
#[test]
fn documents_dropped_as_they_come_still_spend_the_budget() {
    let doc = "a: &a [1, 2, 3, 4]\nb: [*a, *a]\n";
    let stream = vec![doc; 100].join("---\n");
    let mut limits = LoadLimits::default();
    // Each document copies 10 nodes: 45 documents fit, the 46th does not.
    limits.max_alias_nodes = 450;
    let mut n = 0;
    let e = load_each(&stream, Format::Yaml, None, None, &limits, |_| {
        n += 1;
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert_eq!(n, 45);
    assert_eq!(
        e.to_string(),
        "137:5: aliases expand to more nodes than the limit of 450"
    );
}
