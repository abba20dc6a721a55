//! JSON loader against serde_json: random values round-trip, in compact and pretty form.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use pol_facts::{Format, load};
use proptest::prelude::*;
use serde_json::Value;

/// Random JSON values: ints (all of i64), finite floats, strings with any characters
/// (escapes, astral planes, control characters), nested lists and objects.
fn json_value() -> impl Strategy<Value = Value> {
    common::json_value("[a-z_\\-\u{e9}\"]{0,6}")
}

fn loads_back(text: &str, value: &Value) {
    let docs = load(text, Format::Json, None).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(&doc.to_json(doc.root()), value, "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn compact_json_round_trips(value in json_value()) {
        loads_back(&serde_json::to_string(&value).unwrap(), &value);
    }

    #[test]
    fn pretty_json_round_trips(value in json_value()) {
        loads_back(&serde_json::to_string_pretty(&value).unwrap(), &value);
    }

    /// Escaping every character with `\u` (surrogate pairs beyond the BMP) decodes back.
    #[test]
    fn unicode_escapes_decode(s in any::<String>()) {
        let mut text = String::from("\"");
        for unit in s.encode_utf16() {
            text.push_str(&format!("\\u{unit:04X}"));
        }
        text.push('"');
        loads_back(&text, &Value::String(s));
    }

    /// Numbers load as ints exactly when serde_json reads an i64, and otherwise as the
    /// correctly rounded float (serde_json's default float parsing may be off by one
    /// unit in the last place, so std's parser is the oracle for those).
    #[test]
    fn numbers_match(text in "-?(0|[1-9][0-9]{0,22})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?") {
        // serde_json refuses numbers out of the range of f64.
        let expected: Option<Value> = serde_json::from_str(&text).ok();
        let float: f64 = text.parse().unwrap();
        match load(&text, Format::Json, None) {
            Ok(docs) => {
                let got = docs[0].to_json(docs[0].root());
                let int = !text.contains(['.', 'e', 'E']) && text.parse::<i64>().is_ok();
                // serde_json reads `-0` as a float; pol reads it as the int 0.
                if text != "-0" {
                    prop_assert_eq!(int, expected.as_ref().is_some_and(Value::is_i64));
                }
                if int {
                    prop_assert_eq!(got, Value::from(text.parse::<i64>().unwrap()));
                } else {
                    prop_assert!(got.is_f64());
                    prop_assert_eq!(got.as_f64(), Some(float));
                }
            }
            Err(e) => {
                prop_assert!(float.is_infinite());
                prop_assert_eq!(e.message, format!("number `{text}` is out of range"));
            }
        }
    }
}
