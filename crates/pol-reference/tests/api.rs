//! The public API beyond `evaluate`: `evaluate_let` and `run_tests` (on the example
//! policies and the valid programs that carry `test` blocks).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_check::hir::Program;
use pol_diagnostics::{FileId, SourceMap};
use pol_facts::{Document, Format};
use pol_reference::{Options, TestOutcome, evaluate_let, run_tests};
use serde_json::json;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Checks the files (paths relative to the repository root) as one program.
fn program(files: &[&str]) -> (Program, SourceMap) {
    let mut sources = SourceMap::new();
    let ids: Vec<FileId> = files
        .iter()
        .map(|f| sources.add(*f, std::fs::read_to_string(root().join(f)).unwrap()))
        .collect();
    let (program, diagnostics) = pol_check::check_files(&mut sources, &ids);
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| pol_diagnostics::one_line(&sources, d))
        .collect();
    assert!(errors.is_empty(), "{files:?} do not check: {errors:#?}");
    (program, sources)
}

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

/// Runs the tests of a program, reading `input from` files next to the policy file.
fn tests_of(program: &Program, sources: &SourceMap) -> Vec<TestOutcome> {
    let load = |path: &str, file: FileId| -> Result<Document, String> {
        let policy = sources.get(file).ok_or("unknown file")?;
        let full = root()
            .join(&policy.name)
            .parent()
            .ok_or("no folder")?
            .join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| e.to_string())?;
        let format = Format::from_path(&full).unwrap_or(Format::Json);
        let mut docs = pol_facts::load(&text, format, Some(path)).map_err(|e| e.to_string())?;
        docs.pop().ok_or_else(|| "no document".to_owned())
    };
    run_tests(program, sources, &load)
}

fn assert_all_pass(outcomes: &[TestOutcome]) {
    assert!(!outcomes.is_empty());
    let failed: Vec<&TestOutcome> = outcomes.iter().filter(|t| !t.passed).collect();
    assert!(failed.is_empty(), "failing tests: {failed:#?}");
}

#[test]
fn example_policies_pass_their_tests() {
    for file in [
        "examples/github_actions.pol",
        "examples/gitlab_ci.pol",
        "examples/kubernetes.pol",
        "examples/terraform.pol",
    ] {
        let (program, sources) = program(&[file]);
        assert_all_pass(&tests_of(&program, &sources));
    }
}

#[test]
fn valid_programs_pass_their_tests() {
    let (program, sources) = program(&["tests/valid/tests.pol"]);
    let outcomes = tests_of(&program, &sources);
    assert_eq!(outcomes.len(), 4);
    assert_eq!(outcomes[0].package, "valid.tests");
    assert_all_pass(&outcomes);
}

#[test]
fn failing_expectations_are_reported() {
    let (program, sources) = program_from(
        r#"package p
let n = len(input.xs)
let bad = input.xs + 1
deny big {
  for x in input.xs
  if x > 1
  message f"{x} is big"
}
test "wrong" {
  input = {"xs": [1, 2, 3]}
  expect big == 1
  expect big at "xs[0]"
  expect not big at "xs[1]"
  expect n == 2
}
test "right" {
  input = {"xs": [1, 2, 3]}
  expect big == 2
  expect big at "xs[2]"
  expect big at "[\"xs\"][1]"
  expect not big at "xs[0]"
  expect n == 3.0
}
"#,
    );
    let outcomes = tests_of(&program, &sources);
    let wrong = &outcomes[0];
    assert!(!wrong.passed);
    // Four failed expectations, and the runtime error of `bad` (every let is evaluated).
    assert_eq!(wrong.failures.len(), 5, "{:#?}", wrong.failures);
    assert!(wrong.failures[0].contains("runtime error in `p.bad`"));
    assert!(wrong.failures[1].contains("to fire 1 times"));
    assert!(wrong.failures[4].contains("expected `p.n` to be 2, but it is 3"));
    let right = &outcomes[1];
    assert_eq!(right.failures.len(), 1, "{:#?}", right.failures);
    assert!(right.failures[0].contains("runtime error"));
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
