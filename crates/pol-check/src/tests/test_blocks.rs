//! Test blocks (E0029, E0111).

use super::*;
use crate::hir::{ExpectTarget, LetId, RuleId, TestInput, TestValue};
use serde_json::json;

const RULES: &str =
    "package p\nlet limit = 3\ndeny too_many { if len(input.xs) > limit\n message \"m\" }\n";

fn check_test(test: &str) -> Checked {
    check(&format!("{RULES}{test}\n"))
}

#[test]
fn a_well_formed_test_lowers_to_its_input_and_expectations() {
    let c = check_test(
        "test \"fires\" {\n  input = {\"xs\": [1, 2, 3, 4], \"n\": -1, \"f\": f\"a{1}\", \"s\": {true, null}}\n  expect too_many == 1\n  expect too_many at \"xs\"\n  expect not too_many at \"ys\"\n  expect limit == 3\n}",
    );
    c.assert_clean();
    let t = &c.program.tests[0];
    assert_eq!(t.name, "fires");
    // Lowered once to the value it stands for: the f-string is its text, the set a
    // sorted list.
    assert_eq!(
        t.input,
        TestInput::Inline(TestValue::Json(
            json!({"xs": [1, 2, 3, 4], "n": -1, "f": "a1", "s": [null, true]})
        ))
    );
    assert_eq!(t.expects.len(), 4);
    let e0 = &t.expects[0];
    assert_eq!(
        (e0.target, e0.count, e0.negated),
        (ExpectTarget::Rule(RuleId(0)), Some(1), false)
    );
    assert_eq!(t.expects[1].at.as_deref(), Some("xs"));
    assert!(t.expects[2].negated);
    let e3 = &t.expects[3];
    assert_eq!(e3.target, ExpectTarget::Let(LetId(0)));
    assert_eq!(e3.equals, Some(TestValue::Json(json!(3))));
}

#[test]
fn input_may_come_from_a_file() {
    let c = check_test("test \"t\" {\n  input from \"fixtures/ok.json\"\n  expect not too_many\n}");
    c.assert_clean();
    let TestInput::File { path, span } = &c.program.tests[0].input else {
        panic!()
    };
    assert_eq!(path, "fixtures/ok.json");
    assert_eq!(c.sources.slice(*span), "\"fixtures/ok.json\"");
}

#[test]
fn a_test_needs_exactly_one_input() {
    let c = check_test("test \"none\" {\n  expect too_many\n}");
    let d = c.only_at(Code::InvalidTest, "\"none\"");
    assert_eq!(d.message, "test `none` has no input");

    let c = check_test("test \"two\" {\n  input = {}\n  input from \"x.json\"\n}");
    let d = c.only_at(Code::InvalidTest, "input from \"x.json\"");
    assert_eq!(d.message, "a test has only one input");
    assert_eq!(secondary_texts(&c, d), ["input = {}"]);
}

#[test]
fn unknown_statements_are_reported() {
    let c = check_test("test \"t\" {\n  input = {}\n  assert too_many\n}");
    let d = c.only_at(Code::InvalidTest, "assert");
    assert_eq!(
        d.message,
        "expected `input`, `data`, `expect` or `option`, found `assert`"
    );
    // `word name = value` with another word than `option`.
    let c = check_test("test \"t\" {\n  input = {}\n  set too_many = 1\n}");
    let d = c.only_at(Code::InvalidTest, "set");
    assert_eq!(
        d.message,
        "expected `input`, `data`, `expect` or `option`, found `set`"
    );

    let c = check_test("test \"t\" {\n  input form \"x.json\"\n}");
    let d = c.only_at(Code::InvalidTest, "form");
    assert_eq!(d.message, "expected `from`, found `form`");
}

#[test]
fn expectations_name_rules_or_lets_of_the_package() {
    let c = check_test("fn f() = 1\ntest \"t\" {\n  input = {}\n  expect too_mny\n  expect f\n}");
    assert_eq!(
        c.codes(),
        [Code::UnknownTestTarget, Code::UnknownTestTarget]
    );
    assert_eq!(c.diags[0].message, "unknown rule or let `too_mny`");
    assert_eq!(help(&c.diags[0]), "did you mean `too_many`?");
    assert_eq!(c.diags[1].message, "`f` is a function, not a rule or a let");
}

#[test]
fn rule_counts_are_whole_numbers() {
    let c = check_test(
        "test \"t\" {\n  input = {}\n  expect too_many == -1\n  expect too_many == \"2\"\n  expect not too_many == 0\n}",
    );
    assert_eq!(c.codes(), [Code::InvalidTest; 3]);
    assert_eq!(c.diags[0].message, "expected a number of findings");
    assert_eq!(c.text(&c.diags[1]), "\"2\"");
    assert_eq!(
        c.diags[2].message,
        "`expect not` cannot give a number of findings"
    );
    assert!(help(&c.diags[2]).contains("expect too_many == 0"));
}

#[test]
fn let_expectations_need_a_value_and_nothing_else() {
    let c = check_test(
        "test \"t\" {\n  input = {}\n  expect limit\n  expect not limit == 3\n  expect limit == 3 at \"x\"\n}",
    );
    assert_eq!(c.codes(), [Code::InvalidTest; 3]);
    let messages: Vec<&str> = c.diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "expected `== value` after the let `limit`",
            "`expect not` only applies to rules",
            "`at` only applies to rules"
        ]
    );
}

#[test]
fn test_values_are_literals() {
    let c = check_test(
        "test \"t\" {\n  input = {\"a\": input.x, \"b\": limit, \"c\": [1 + 2]}\n  expect limit == len(\"abc\")\n}",
    );
    assert_eq!(c.codes(), [Code::InvalidTest; 4]);
    let texts: Vec<&str> = c.diags.iter().map(|d| c.text(d)).collect();
    assert_eq!(texts, ["input.x", "limit", "1 + 2", "len(\"abc\")"]);
    assert_eq!(c.diags[0].message, "a test input must be a literal value");
    assert_eq!(
        c.diags[3].message,
        "an expected value must be a literal value"
    );
}

#[test]
fn test_values_are_lowered_to_constants() {
    let c = check(
        "package p\n@option\nlet tags = []\nlet v = 0\ntest \"t\" {\n  input = {\"i\": -7, \"f\": -2.5, \"z\": -0, \"e\": 1e3}\n  \
         option tags = [\"b\", f\"{1.0}{[1, null]}\"]\n  \
         expect v == {\"b\", \"a\", \"b\", 10, 9}\n}\n",
    );
    c.assert_clean();
    let t = &c.program.tests[0];
    assert_eq!(
        t.input,
        TestInput::Inline(TestValue::Json(
            json!({"i": -7, "f": -2.5, "z": 0, "e": 1000.0})
        ))
    );
    // F-string parts that are not strings are written as JSON.
    assert_eq!(
        t.options,
        [(LetId(0), TestValue::Json(json!(["b", "1.0[1,null]"])))]
    );
    // A set: deduplicated, in the order of the elements' JSON text.
    assert_eq!(
        t.expects[0].equals,
        Some(TestValue::Json(json!(["a", "b", 10, 9])))
    );
}

#[test]
fn literals_without_a_json_value_are_kept_as_such_without_a_diagnostic() {
    // An object key that is not a string: the test fails when it runs, as before.
    let c = check_test("test \"t\" {\n  input = {1: 2}\n  expect limit == {\"a\": {true: 1}}\n}");
    c.assert_clean();
    let t = &c.program.tests[0];
    assert_eq!(t.input, TestInput::Inline(TestValue::NotJson));
    assert_eq!(t.expects[0].equals, Some(TestValue::NotJson));
    // A rejected literal, and a test with no input, have no value either.
    let c =
        check_test("test \"t\" {\n  input = [input.x]\n}\ntest \"u\" {\n  expect limit == 3\n}");
    assert_eq!(c.codes(), [Code::InvalidTest; 2]);
    for t in &c.program.tests {
        assert_eq!(t.input, TestInput::Inline(TestValue::NotJson));
    }
}

#[test]
fn test_names_are_unique_per_package() {
    let c = check_test("test \"t\" { input = {} }\ntest \"t\" { input = {} }");
    let d = c.only();
    assert_eq!(d.code, Code::DuplicateItem);
    assert_eq!(d.message, "test `t` is defined twice");
}
