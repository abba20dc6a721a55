//! The public API beyond `evaluate`: `evaluate_let` and the limits. (Test blocks run
//! on this evaluator through `pol::testing`'s runner: see `crates/pol/tests/testing.rs`.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_check::hir::LetId;
use pol_check::hir::Program;
use pol_diagnostics::SourceMap;
use pol_facts::{Document, Format};
use pol_reference::{Options, Setup, evaluate_let, evaluate_let_with, evaluate_with};
use serde_json::json;

/// A program from source text.
fn program_from(text: &str) -> (Program, SourceMap) {
    let mut sources = SourceMap::new();
    let id = sources.add("test.pol", text);
    let (program, diagnostics) = pol_check::check_files(&mut sources, &[id]);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        diagnostics
    );
    (program, sources)
}

fn doc(json: &str) -> Document {
    pol_facts::load(json, Format::Json, None)
        .unwrap()
        .pop()
        .unwrap()
}

#[test]
fn lets_by_full_or_simple_name() {
    let (program, sources) = program_from(
        "package a.b\nlet names = {x.name for x in input.items}\nlet bad = input.items + 1\n",
    );
    let input = doc(r#"{"items": [{"name": "q"}, {"name": "p"}, {"name": "q"}]}"#);
    let options = Options::default();
    let by_full = evaluate_let(&program, &sources, &input, "a.b.names", &options);
    assert_eq!(by_full, Ok(json!(["p", "q"])));
    let by_simple = evaluate_let(&program, &sources, &input, "names", &options);
    assert_eq!(by_simple, Ok(json!(["p", "q"])));
    let failed = evaluate_let(&program, &sources, &input, "bad", &options).unwrap_err();
    assert!(failed.contains("`+` expects"), "{failed}");
    let unknown = evaluate_let(&program, &sources, &input, "nope", &options).unwrap_err();
    assert!(unknown.contains("no let"), "{unknown}");
}

#[test]
fn limits_are_configurable() {
    let (program, sources) = program_from(
        "package p\ndeny r {\n  let xs = [x for x in input.xs]\n  message f\"{len(xs)}\"\n}\n",
    );
    let input = doc(r#"{"xs": [1, 2, 3, 4]}"#);
    let run = |step_limit, size_limit| {
        let options = Options {
            step_limit,
            size_limit,
        };
        pol_reference::evaluate(&program, &sources, &input, &options)
    };
    let ok = run(1_000, 1_000);
    assert_eq!(ok.violations[0].message, "4");
    let too_big = run(1_000, 3);
    assert!(too_big.errors[0].message.contains("size limit of 3"));
    let too_long = run(5, 1_000);
    assert!(too_long.errors[0].message.contains("step limit of 5"));
    assert!(!too_long.allowed);
}

#[test]
fn lets_and_rules_with_preset_options() {
    let (program, sources) = program_from(
        "package p\n@option\nlet max = 2\nlet over = [x for x in input.xs if x > max]\n\
         let bad = 10 / (len(input.xs) - 4)\ndeny big {\n  for x in over\n  message f\"{x}\"\n}\n\
         deny other {\n  if input.xs != null\n  message \"any\"\n}\n",
    );
    let input = doc(r#"{"xs": [1, 2, 3, 4]}"#);
    let options = Options::default();
    let (max, over, bad) = (LetId(0), LetId(1), LetId(2));
    let value = |lets: &[(LetId, serde_json::Value)], id| {
        let setup = Setup {
            rules: &|_, _| false,
            lets,
            data: None,
        };
        evaluate_let_with(&program, &sources, &input, &options, &setup, id)
    };
    assert_eq!(value(&[], over), Ok(json!([3, 4])));
    assert_eq!(value(&[(max, json!(3))], over), Ok(json!([4])));
    let errors = value(&[], bad).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].rule.as_ref(), errors[0].message.as_str()),
        ("p.bad", "division by zero")
    );
    // The rules the setup selects, with the option preset.
    let lets = [(max, json!(3))];
    let setup = Setup {
        rules: &|_, rule| rule.info.name == "big",
        lets: &lets,
        data: None,
    };
    let decision = evaluate_with(&program, &sources, &input, &options, &setup);
    let found: Vec<(&str, &str)> = decision
        .violations
        .iter()
        .map(|f| (f.rule.as_ref(), f.message.as_str()))
        .collect();
    assert_eq!(found, [("p.big", "4")]);
}
