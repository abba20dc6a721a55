//! The test runner (`pol::testing`): `input from` files resolved by the library and
//! read through the caller's callback; the reference evaluator driven by the same
//! runner as the VM, and the two agreeing on every test of the repository.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol::SourceMap;
use pol::hir::Program;
use pol::testing::{
    Engine, ReferenceEngine, RunOptions, TestOutcome, TestRun, VmEngine, run, run_tests_with,
};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Tests that read their input from files of every kind `docs/testing.md` names.
const READS_FILES: &str = r#"package p
let a = input.a
let n = len(input)
test "json" {
  input from "data/a.json"
  expect a == 1
}
test "yaml" {
  input from "data/a.yml"
  expect a == 2
}
test "toml" {
  input from "data/a.toml"
  expect a == 3
}
test "no extension, starts like JSON" {
  input from "data/list"
  expect n == 3
}
test "no extension, read as YAML" {
  input from "data/mapping"
  expect a == 4
}
test "no extension, starts like JSON but is YAML" {
  input from "data/flow"
}
test "up a folder" {
  input from "../top.json"
  expect a == 5
}
test "missing" {
  input from "data/missing.json"
}
test "a stream" {
  input from "data/two.yaml"
}
test "inline" {
  input = {"a": 6}
  expect a == 6
}
"#;

/// Files in memory, and the paths asked for, in order.
struct Files {
    files: HashMap<PathBuf, &'static str>,
    asked: RefCell<Vec<PathBuf>>,
}

impl Files {
    fn new(files: &[(&str, &'static str)]) -> Files {
        Files {
            files: files.iter().map(|(p, t)| (PathBuf::from(p), *t)).collect(),
            asked: RefCell::new(Vec::new()),
        }
    }

    fn read(&self, path: &Path) -> Result<String, String> {
        self.asked.borrow_mut().push(path.to_owned());
        self.files
            .get(path)
            .map(|t| (*t).to_owned())
            .ok_or_else(|| "not in memory".to_owned())
    }

    fn asked(&self) -> Vec<String> {
        self.asked
            .borrow()
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }
}

/// Runs the tests of one policy file, named `name`, on the VM.
fn run_vm(name: &str, text: &str, files: &Files, filter: &[String]) -> TestRun {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    let compiled = pol::compile(&mut sources, &[file]).unwrap();
    let options = RunOptions {
        filter,
        coverage: false,
    };
    run_tests_with(&compiled, &sources, &|p| files.read(p), &options)
}

fn outcome<'r>(run: &'r TestRun, name: &str) -> &'r TestOutcome {
    run.outcomes.iter().find(|o| o.name == name).unwrap()
}

fn failures(outcome: &TestOutcome) -> Vec<String> {
    outcome.failures.iter().map(ToString::to_string).collect()
}

fn policy_files() -> Files {
    Files::new(&[
        ("policies/data/a.json", r#"{"a": 1}"#),
        ("policies/data/a.yml", "a: 2\n"),
        ("policies/data/a.toml", "a = 3\n"),
        ("policies/data/list", "  [1, 2, 3]"),
        ("policies/data/mapping", "a: 4\n"),
        ("policies/data/flow", "{a: 1}\n"),
        ("policies/../top.json", r#"{"a": 5}"#),
        ("policies/data/two.yaml", "a: 1\n---\na: 2\n"),
    ])
}

#[test]
fn input_files_are_resolved_by_the_runner_and_read_by_the_callback() {
    let files = policy_files();
    let run = run_vm("policies/p.pol", READS_FILES, &files, &[]);
    // Each path relative to the policy file's folder, asked for once; none for the
    // inline input.
    assert_eq!(
        files.asked(),
        [
            "policies/data/a.json",
            "policies/data/a.yml",
            "policies/data/a.toml",
            "policies/data/list",
            "policies/data/mapping",
            "policies/data/flow",
            "policies/../top.json",
            "policies/data/missing.json",
            "policies/data/two.yaml",
        ]
    );
    for passing in [
        "json",
        "yaml",
        "toml",
        "no extension, starts like JSON",
        "no extension, read as YAML",
        "up a folder",
        "inline",
    ] {
        let o = outcome(&run, passing);
        assert!(o.passed, "{passing}: {:?}", o.failures);
    }
    // Sniffed as JSON, named by its path.
    let flow = failures(outcome(&run, "no extension, starts like JSON but is YAML"));
    assert_eq!(flow.len(), 1);
    assert!(
        flow[0].starts_with("cannot read the input: policies/data/flow:1:2: "),
        "{flow:?}"
    );
    // The callback's reason, with the path it was asked for.
    assert_eq!(
        failures(outcome(&run, "missing")),
        ["cannot read the input: cannot read `policies/data/missing.json`: not in memory"]
    );
    assert_eq!(
        failures(outcome(&run, "a stream")),
        [
            "cannot read the input: `policies/data/two.yaml` holds 2 documents; a test needs exactly one"
        ]
    );
    // The files that could not be read or loaded as one document: not the inline
    // input, nor the tests that failed otherwise.
    assert_eq!(run.unreadable_inputs, 3);
}

#[test]
fn a_policy_in_the_current_folder_reads_paths_as_written() {
    let files = Files::new(&[("data/a.json", r#"{"a": 1}"#), ("./bad.json", "{\"a\": }")]);
    let text = "package p\nlet a = input.a\ntest \"t\" {\n  input from \"data/a.json\"\n  expect a == 1\n}\ntest \"bad\" {\n  input from \"./bad.json\"\n}\n";
    let run = run_vm("p.pol", text, &files, &[]);
    assert_eq!(files.asked(), ["data/a.json", "./bad.json"]);
    assert!(run.outcomes[0].passed, "{:?}", run.outcomes[0].failures);
    // The document is named without the leading `./`.
    assert_eq!(
        failures(&run.outcomes[1]),
        ["cannot read the input: bad.json:1:7: expected a value"]
    );
    assert_eq!(run.unreadable_inputs, 1);
}

#[test]
fn tests_the_filter_leaves_out_read_no_file() {
    let files = policy_files();
    let run = run_vm(
        "policies/p.pol",
        READS_FILES,
        &files,
        &["yaml".to_owned(), "inline".to_owned()],
    );
    assert_eq!(files.asked(), ["policies/data/a.yml"]);
    assert_eq!(run.outcomes.len(), 2);
    assert_eq!(run.filtered_out, 8);
    assert!(run.outcomes.iter().all(|o| o.passed));
    assert_eq!(run.unreadable_inputs, 0);
}

/// Expectations that hold and that do not, options, a let that fails.
const EXPECTATIONS: &str = r#"package p
@option
let limit = 1
let n = len(input.xs)
let bad = 10 / (len(input.xs) - 3)
deny big {
  for x in input.xs
  if x > limit
  message f"{x} is big"
}
test "wrong" {
  input = {"xs": [1, 2, 3]}
  expect big == 1
  expect big at "xs[0]"
  expect not big at "xs[1]"
  expect n == 2
}
test "right but for the let that fails" {
  input = {"xs": [1, 2, 3]}
  expect big == 2
  expect big at "xs[2]"
  expect big at "[\"xs\"][1]"
  expect not big at "xs[0]"
  expect n == 3.0
}
test "an option" {
  option limit = 2
  input = {"xs": [1, 2, 3]}
  expect big == 1
  expect limit == 2
}
test "the option is back to its default" {
  input = {"xs": [1, 2, 3]}
  expect big == 2
  expect limit == 1
}
"#;

/// Runs every test of `program` with `engine`, reading `input from` files below the
/// repository's root.
fn run_with(program: &Program, sources: &SourceMap, engine: &mut dyn Engine) -> Vec<TestOutcome> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |path: &Path| std::fs::read_to_string(root.join(path)).map_err(|e| e.to_string());
    run(program, sources, &read, engine, &RunOptions::default()).outcomes
}

/// The outcomes of the VM's engine and of the reference evaluator's on `files` (paths
/// from the repository's root, or none for the shipped packs).
fn both_engines(files: &[&str]) -> (Vec<TestOutcome>, Vec<TestOutcome>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut sources = SourceMap::new();
    let compiled = if files.is_empty() {
        pol::packs::compile(&mut sources).unwrap()
    } else {
        let ids: Vec<pol::FileId> = files
            .iter()
            .map(|f| sources.add(*f, std::fs::read_to_string(root.join(f)).unwrap()))
            .collect();
        pol::compile(&mut sources, &ids).unwrap()
    };
    let vm = run_with(&compiled.hir, &sources, &mut VmEngine::new(&compiled));
    let reference = run_with(
        &compiled.hir,
        &sources,
        &mut ReferenceEngine::new(&compiled.hir, &sources),
    );
    (vm, reference)
}

#[test]
fn the_reference_evaluator_runs_through_the_same_runner() {
    let mut sources = SourceMap::new();
    let file = sources.add("test.pol", EXPECTATIONS);
    let compiled = pol::compile(&mut sources, &[file]).unwrap();
    let outcomes = run_with(
        &compiled.hir,
        &sources,
        &mut ReferenceEngine::new(&compiled.hir, &sources),
    );
    let failed: Vec<Vec<String>> = outcomes.iter().map(failures).collect();
    // Every let of the package runs: `bad` fails every test.
    let bad = "runtime error in `p.bad` at test.pol:5: division by zero";
    assert_eq!(
        failed[0],
        [
            bad,
            "expected `big` to fire 1 time, it fired 2 times:\n  xs[1]: 2 is big\n  xs[2]: 3 is big",
            "expected `big` to fire at `xs[0]`, it fired 2 times elsewhere:\n  xs[1]: 2 is big\n  xs[2]: 3 is big",
            "expected `big` not to fire at `xs[1]`, it fired 1 time at `xs[1]`:\n  xs[1]: 2 is big\n  xs[2]: 3 is big",
            "expected `n` to be 2, it is 3",
        ]
    );
    assert_eq!(failed[1], [bad]);
    // The option holds for its test alone.
    assert_eq!(failed[2], [bad]);
    assert_eq!(failed[3], [bad]);
    // The VM's engine gives the same outcomes.
    let vm = run_with(&compiled.hir, &sources, &mut VmEngine::new(&compiled));
    assert_eq!(outcomes, vm);
}

#[test]
fn an_option_of_the_wrong_kind_fails_the_test_on_the_vm() {
    let text = EXPECTATIONS.replace("option limit = 2", "option limit = \"2\"");
    let mut sources = SourceMap::new();
    let file = sources.add("test.pol", text);
    let compiled = pol::compile(&mut sources, &[file]).unwrap();
    let vm = run_with(&compiled.hir, &sources, &mut VmEngine::new(&compiled));
    assert_eq!(
        failures(&vm[2]),
        ["cannot set option `p.limit`: the option `p.limit` takes an int"]
    );
    // The next test sees the default again.
    assert_eq!(vm[3].failures.len(), 1, "{:?}", vm[3].failures);
}

#[test]
fn both_engines_pass_every_test_of_the_packs_examples_and_valid_programs() {
    let sets: [&[&str]; 7] = [
        &[],
        &[
            "examples/access/types.pol",
            "examples/access/gate.pol",
            "examples/access/tests.pol",
        ],
        &["examples/github_actions.pol"],
        &["examples/gitlab_ci.pol"],
        &["examples/kubernetes.pol"],
        &["examples/terraform.pol"],
        &["tests/valid/tests.pol"],
    ];
    for files in sets {
        let (vm, reference) = both_engines(files);
        assert!(!vm.is_empty(), "{files:?} have no tests");
        for (v, r) in vm.iter().zip(&reference) {
            assert!(v.passed, "{files:?}, on the VM: {v:?}");
            assert_eq!(v, r, "{files:?}: the engines disagree");
        }
        assert_eq!(vm.len(), reference.len());
    }
}
