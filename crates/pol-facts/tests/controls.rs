//! Control characters: YAML 1.2 allows no C0 control character but tab, line feed and
//! carriage return anywhere (not in `c-printable`, nor in quoted scalars' `nb-json`),
//! so each other one is a load error that names it, at its line and column. JSON and
//! TOML keep their own rules, which already refuse them.

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
use pol_facts::{Format, LoadLimits, load, load_bytes, load_each};

/// The C0 control characters YAML forbids.
fn forbidden() -> impl Iterator<Item = char> {
    (0u8..0x20)
        .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
        .map(char::from)
}

#[test]
fn each_forbidden_control_character_is_an_error_at_its_place() {
    for c in forbidden() {
        let code = format!("U+{:04X}", u32::from(c));
        // Every place a character can be: plain, quoted and block scalars, keys,
        // comments, after multi-byte characters and a byte-order mark, in a later
        // document of a stream.
        for (text, at) in [
            (format!("a: x{c}y\n"), "1:5"),
            (format!("a: \"x{c}y\"\n"), "1:6"),
            (format!("a: 'x{c}y'\n"), "1:6"),
            (format!("a: |\n  x{c}y\n"), "2:4"),
            (format!("k{c}: 1\n"), "1:2"),
            (format!("a: 1 # note{c}\n"), "1:12"),
            (format!("\u{feff}é: 😀{c}\n"), "1:5"),
            (format!("a: 1\n---\nb: 2\n---\n- [x, {c}]\n"), "5:7"),
            (format!("{c}"), "1:1"),
            (format!("a: 1\r\nb: 2\r\n\t{c}"), "3:2"),
        ] {
            let e = load(&text, Format::Yaml, Some("c.yaml")).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("c.yaml:{at}: control character {code} is not allowed in YAML"),
                "{text:?}"
            );
            assert_eq!(e.limit, None);
            // Bytes and shaped loading: the same error, before any document.
            let bytes = load_bytes(text.as_bytes(), Format::Yaml, Some("c.yaml")).unwrap_err();
            assert_eq!(bytes, e);
            let mut handed = 0;
            let shaped = load_each(
                &text,
                Format::Yaml,
                Some("c.yaml"),
                Some(&keep("a")),
                &LoadLimits::DEFAULT,
                |_| {
                    handed += 1;
                    ControlFlow::Continue(())
                },
            )
            .unwrap_err();
            assert_eq!((shaped, handed), (e, 0));
        }
    }
}

#[test]
fn tab_line_feed_carriage_return_and_other_characters_load() {
    let docs = load("a:\t\"x\ty\"\r\nb: |\n  \tz\n", Format::Yaml, None).unwrap();
    let json = docs[0].to_json(docs[0].root());
    assert_eq!(json["a"], "x\ty");
    assert_eq!(json["b"], "\tz\n");
    // DEL, C1 controls (NEL among them) and noncharacters are not C0: YAML 1.2 allows
    // them in quoted scalars (`nb-json`), as JSON does, and this loader anywhere.
    for c in ['\u{7f}', '\u{85}', '\u{9b}', '\u{fffe}'] {
        let text = format!("a: \"x{c}\"\n");
        let docs = load(&text, Format::Yaml, None).unwrap();
        assert_eq!(
            docs[0].to_json(docs[0].root())["a"],
            format!("x{c}"),
            "{c:?}"
        );
    }
}

#[test]
fn json_and_toml_refuse_control_characters_by_their_own_rules() {
    for c in forbidden() {
        // JSON: not in strings (RFC 8259), not between values.
        let e = load(&format!("{{\"a\": \"x{c}\"}}"), Format::Json, None).unwrap_err();
        assert_eq!(e.column, 9, "{e}");
        assert!(load(&format!("[1,{c}2]"), Format::Json, None).is_err());
        // TOML: not in strings or comments (TOML 1.0), DEL neither.
        assert!(load(&format!("a = \"x{c}\"\n"), Format::Toml, None).is_err());
        assert!(load(&format!("a = 1 # x{c}\n"), Format::Toml, None).is_err());
    }
    assert!(load("a = \"x\u{7f}\"\n", Format::Toml, None).is_err());
    // JSON allows DEL in strings.
    assert!(load("[\"x\u{7f}\"]", Format::Json, None).is_ok());
}
