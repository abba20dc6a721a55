//! JSON loader: every error with its line and column, limits, positions and paths.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_facts::{Format, LineCol, LoadError, MAX_DEPTH, NodeRef, load, load_bytes};

/// The error loading `text`, as `line:column: message`.
fn error(text: &str) -> String {
    match load(text, Format::Json, None) {
        Ok(_) => panic!("loaded: {text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn errors_have_positions() {
    let cases: &[(&str, &str)] = &[
        ("", "1:1: unexpected end of input, expected a value"),
        ("   \n  ", "2:3: unexpected end of input, expected a value"),
        (
            "{",
            "1:2: unexpected end of input, expected a string key or `}`",
        ),
        ("{\"a\" 1}", "1:6: expected `:`"),
        ("{\"a\": 1 \"b\": 2}", "1:9: expected `,` or `}`"),
        ("{\"a\": 1,}", "1:9: expected a string key"),
        ("{1: 2}", "1:2: expected a string key or `}`"),
        ("[1, 2", "1:6: unexpected end of input, expected `,` or `]`"),
        ("[1 2]", "1:4: expected `,` or `]`"),
        ("[1,]", "1:4: expected a value"),
        ("[1}", "1:3: expected `,` or `]`"),
        ("{\"a\": 1]", "1:8: expected `,` or `}`"),
        (
            "\n  {\"name\": 1,\n   \"name\": 2}",
            "3:4: duplicate key `name`",
        ),
        ("1 2", "1:3: expected the end of the input"),
        ("{} x", "1:4: expected the end of the input"),
        ("tru", "1:1: invalid literal, expected `true`"),
        ("nul", "1:1: invalid literal, expected `null`"),
        ("True", "1:1: expected a value"),
        ("'a'", "1:1: expected a value"),
        ("01", "1:1: invalid number: leading zero"),
        ("-", "1:2: invalid number: expected a digit"),
        ("-a", "1:2: invalid number: expected a digit"),
        ("1.", "1:3: invalid number: expected a digit after `.`"),
        (".5", "1:1: expected a value"),
        (
            "1e",
            "1:3: invalid number: expected a digit in the exponent",
        ),
        (
            "1e+",
            "1:4: invalid number: expected a digit in the exponent",
        ),
        ("+1", "1:1: expected a value"),
        ("1e400", "1:1: number `1e400` is out of range"),
        ("-1e400", "1:1: number `-1e400` is out of range"),
        ("[\"é\", \"abc", "1:7: unterminated string"),
        ("\"a\tb\"", "1:3: control character in a string (escape it)"),
        ("\"a\nb\"", "1:3: control character in a string (escape it)"),
        ("\"\\x\"", "1:2: invalid escape"),
        ("\"\\u12\"", "1:2: invalid escape"),
        ("\"\\u12G4\"", "1:2: invalid escape"),
        ("\"ab\\ud800\"", "1:4: lone surrogate `\\ud800`"),
        ("\"\\ud800\\u0041\"", "1:2: lone surrogate `\\ud800`"),
        ("\"\\udc00\"", "1:2: lone surrogate `\\udc00`"),
        ("{\"\\ud800\": 1}", "1:3: lone surrogate `\\ud800`"),
        (
            "{\"a\\u0000\t\": 1}",
            "1:10: control character in a string (escape it)",
        ),
        ("\u{feff}\u{feff}1", "1:1: expected a value"),
        ("NaN", "1:1: expected a value"),
        ("Infinity", "1:1: expected a value"),
        ("// c\n1", "1:1: expected a value"),
    ];
    for (text, expected) in cases {
        assert_eq!(&error(text), expected, "{text:?}");
    }
}

#[test]
fn error_display_names_the_file() {
    let e = load("[1,,]", Format::Json, Some("plan.json")).unwrap_err();
    assert_eq!(
        e,
        LoadError {
            file: Some("plan.json".to_owned()),
            line: 1,
            column: 4,
            message: "expected a value".to_owned(),
            limit: None,
        }
    );
    assert_eq!(e.to_string(), "plan.json:1:4: expected a value");
}

#[test]
fn non_utf8_bytes_are_an_error_with_a_position() {
    let e = load_bytes(b"{\"a\":\n  \"\xffx\"}", Format::Json, Some("x.json")).unwrap_err();
    assert_eq!(e.to_string(), "x.json:2:4: invalid UTF-8");
    let docs = load_bytes(b"[1]", Format::Json, None).unwrap();
    assert_eq!(docs[0].to_json(docs[0].root()), serde_json::json!([1]));
}

#[test]
fn nesting_is_limited_without_recursion() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(load(&ok, Format::Json, None).is_ok());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(
        error(&deep),
        "1:257: nesting is deeper than the limit of 256 levels"
    );
    // Far deeper input fails the same way, without touching the stack.
    let very_deep = "{\"a\":".repeat(1_000_000);
    assert_eq!(
        error(&very_deep),
        "1:1281: nesting is deeper than the limit of 256 levels"
    );
}

#[test]
fn numbers() {
    let docs = load(
        "[0, -0, 9223372036854775807, -9223372036854775808, 9223372036854775808, 1.0, 1e2, -2.5E-3, 1e-400]",
        Format::Json,
        None,
    )
    .unwrap();
    let doc = &docs[0];
    let values: Vec<_> = doc.list_iter(doc.root()).map(|n| doc.get(n)).collect();
    assert_eq!(
        values,
        [
            NodeRef::Int(0),
            NodeRef::Int(0),
            NodeRef::Int(i64::MAX),
            NodeRef::Int(i64::MIN),
            NodeRef::Float(9223372036854775808.0),
            NodeRef::Float(1.0),
            NodeRef::Float(100.0),
            NodeRef::Float(-0.0025),
            NodeRef::Float(0.0),
        ]
    );
}

#[test]
fn strings_and_escapes() {
    let docs = load(
        r#"["a\"\\\/\b\f\n\r\t", "\u00e9\ud83d\ude00", "é😀", ""]"#,
        Format::Json,
        None,
    )
    .unwrap();
    let doc = &docs[0];
    let values: Vec<_> = doc.list_iter(doc.root()).map(|n| doc.get(n)).collect();
    assert_eq!(
        values,
        [
            NodeRef::Str("a\"\\/\u{8}\u{c}\n\r\t"),
            NodeRef::Str("é😀"),
            NodeRef::Str("é😀"),
            NodeRef::Str(""),
        ]
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let docs = load("\u{feff}{\"a\": 1}", Format::Json, None).unwrap();
    let doc = &docs[0];
    let a = doc.object_get_str(doc.root(), "a").unwrap();
    assert_eq!(doc.position(a), Some(LineCol { line: 1, column: 7 }));
}

#[test]
fn positions_count_characters() {
    let text = "{\n  \"é😀\": \"ü\", \"b\": [true,\n    null]\n}";
    let docs = load(text, Format::Json, Some("f.json")).unwrap();
    let doc = &docs[0];
    let root = doc.root();
    assert_eq!(doc.position(root), Some(LineCol { line: 1, column: 1 }));
    let e = doc.object_get_str(root, "é😀").unwrap();
    assert_eq!(doc.position(e), Some(LineCol { line: 2, column: 9 }));
    let b = doc.object_get_str(root, "b").unwrap();
    assert_eq!(
        doc.position(b),
        Some(LineCol {
            line: 2,
            column: 19
        })
    );
    let null = doc.list_get(b, 1).unwrap();
    assert_eq!(doc.position(null), Some(LineCol { line: 3, column: 5 }));
    assert_eq!(doc.path(null), "b[1]");
    assert_eq!(doc.path(e), "[\"é😀\"]");
    assert_eq!(doc.file(), Some("f.json"));
}

#[test]
fn large_objects_reject_duplicates_too() {
    let mut text = String::from("{");
    for i in 0..100 {
        text.push_str(&format!("\"k{i}\": {i}, "));
    }
    text.push_str("\"k7\": 0}");
    assert_eq!(error(&text), "1:1082: duplicate key `k7`");
    // The same key in nested objects is no duplicate.
    assert!(
        load(
            r#"{"a": {"a": {"a": 1}}, "b": {"a": 2}}"#,
            Format::Json,
            None
        )
        .is_ok()
    );
}
