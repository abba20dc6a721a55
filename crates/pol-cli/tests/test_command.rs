//! `pol test`: the example tests pass, failing expectations are named, `input from`
//! files are read relative to the policy file, and unreadable inputs exit 2.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, json, pol, pol_in, repo, repo_path, scratch, text};

/// A policy with a test that reads a file and one whose expectations are wrong.
const POLICY: &str = r#"package p

deny big {
  for x in input.items
  if x > 10
  message f"{x} is big" at x
}

let total = sum(input.items)

test "from a file" {
  input from "data/items.yaml"
  expect big at "items[1]"
  expect big == 1
  expect total == 111
}

test "wrong expectations" {
  input = {"items": [1, 50]}
  expect not big
  expect big == 2
  expect big at "items[0]"
  expect total == 3
}
"#;

/// The shipped packs' own tests pass (`pol test stdlib/`), each rule with a firing and
/// a non-firing case.
#[test]
fn the_pack_tests_pass() {
    let out = pol(&["test", &repo_path("stdlib")]);
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    let results: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("PASS  ") || l.starts_with("FAIL  "))
        .collect();
    assert!(results.len() >= 10, "{stdout}");
    assert!(
        results.iter().all(|l| l.starts_with("PASS  pack.")),
        "{stdout}"
    );
}

#[test]
fn the_example_tests_pass() {
    let out = pol(&["test", &repo_path("examples")]);
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let (summary, results) = lines.split_last().unwrap();
    assert!(results.len() >= 10, "{stdout}");
    assert!(results.iter().all(|l| l.starts_with("PASS  ")), "{stdout}");
    assert!(stdout.contains("PASS  ci.github: a hardened workflow passes\n"));
    assert_eq!(
        *summary,
        format!(
            "{} tests: {} passed, 0 failed",
            results.len(),
            results.len()
        )
    );
}

#[test]
fn a_failing_test_exits_1_and_names_each_failed_expectation() {
    let dir = scratch(
        "test-failing",
        &[
            ("p.pol", POLICY),
            ("data/items.yaml", "items:\n  - 1\n  - 110\n"),
        ],
    );
    let out = pol_in(&dir, &["test", "--color", "never"]);
    assert_code(&out, 1);
    assert_eq!(
        text(&out.stdout),
        "PASS  p: from a file\n\
         FAIL  p: wrong expectations\n        \
         expected `big` not to fire, it fired 1 time:\n          \
         items[1]: 50 is big\n        \
         expected `big` to fire 2 times, it fired 1 time:\n          \
         items[1]: 50 is big\n        \
         expected `big` to fire at `items[0]`, it fired 1 time elsewhere:\n          \
         items[1]: 50 is big\n        \
         expected `total` to be 3, it is 51\n\
         2 tests: 1 passed, 1 failed\n"
    );
}

#[test]
fn input_from_is_relative_to_the_policy_file_not_the_working_folder() {
    let dir = scratch(
        "test-relative",
        &[
            ("policies/p.pol", POLICY),
            ("policies/data/items.yaml", "items:\n  - 1\n  - 110\n"),
        ],
    );
    let policy = dir.join("policies/p.pol");
    for (cwd, arg) in [
        (dir.clone(), "policies".to_owned()),
        (dir.join("policies"), "p.pol".to_owned()),
        (repo(), policy.to_str().unwrap().to_owned()),
    ] {
        let out = pol_in(&cwd, &["test", &arg]);
        let stdout = text(&out.stdout);
        assert!(
            stdout.starts_with("PASS  p: from a file\n"),
            "{arg}: {stdout}"
        );
        assert_code(&out, 1); // the other test fails on purpose
    }
}

#[test]
fn a_runtime_error_fails_the_test() {
    let dir = scratch(
        "test-runtime",
        &[(
            "p.pol",
            "package p\nlet n = to_int(input.n)\ndeny many {\n  if n > 3\n  message \"many\"\n}\n\
             test \"bad number\" {\n  input = {\"n\": \"x\"}\n  expect not many\n}\n",
        )],
    );
    let out = pol_in(&dir, &["test", "p.pol"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("FAIL  p: bad number\n"), "{stdout}");
    assert!(
        stdout.contains("runtime error in `p.n` at p.pol:2"),
        "{stdout}"
    );
}

#[test]
fn unreadable_test_inputs_and_bad_policies_exit_2() {
    let test_reading = |file: &str| {
        format!(
            "package q\nlet a = input.a\ntest \"reads {file}\" {{\n  input from \"{file}\"\n  \
             expect a == 1\n}}\n"
        )
    };
    for (file, content, reason) in [
        ("missing.json", None, "cannot read `"),
        ("bad.json", Some("{\"a\": }"), "bad.json:1:7: "),
        (
            "stream.yaml",
            Some("a: 1\n---\na: 2\n"),
            "holds 2 documents; a test needs exactly one",
        ),
    ] {
        let mut files = vec![("q.pol", test_reading(file))];
        if let Some(content) = content {
            files.push((file, content.to_owned()));
        }
        let files: Vec<(&str, &str)> = files.iter().map(|(f, t)| (*f, t.as_str())).collect();
        let dir = scratch("test-unreadable", &files);
        let out = pol_in(&dir, &["test", "q.pol"]);
        assert_code(&out, 2);
        let stdout = text(&out.stdout);
        assert!(
            stdout.starts_with(&format!("FAIL  q: reads {file}\n")),
            "{stdout}"
        );
        assert!(stdout.contains("cannot read the input: "), "{stdout}");
        assert!(stdout.contains(reason), "{file}: {stdout}");
        assert_eq!(text(&out.stderr), "error: 1 test input could not be read\n");
    }

    let dir = scratch("test-bad-policy", &[("p.pol", "package p\ntest \"t\" {\n")]);
    let out = pol_in(&dir, &["test"]);
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("the policy does not compile"));
    let out = pol_in(&dir, &["test", "nowhere"]);
    assert_code(&out, 2);
}

/// `option name = value` sets an option for its test alone; a value of the wrong kind
/// fails that test with the reason.
#[test]
fn tests_set_options_for_themselves() {
    const OPTIONS: &str = r#"package p

@option
let limit = 10

deny big {
  for x in input.items
  if x > limit
  message f"{x} is big" at x
}

test "a lower limit" {
  option limit = 1
  input = {"items": [5]}
  expect big == 1
}

test "the default again" {
  input = {"items": [5]}
  expect not big
}

test "a limit of the wrong kind" {
  option limit = "five"
  input = {"items": [5]}
  expect not big
}
"#;
    let dir = scratch("test-options", &[("p.pol", OPTIONS)]);
    let out = pol_in(&dir, &["test", "p.pol"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("PASS  p: a lower limit"), "{stdout}");
    assert!(stdout.contains("PASS  p: the default again"), "{stdout}");
    assert!(
        stdout.contains("FAIL  p: a limit of the wrong kind"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cannot set option `p.limit`"),
        "the reason is given:\n{stdout}"
    );
}

/// A policy whose tests fail with many findings and long values.
const DIFFS: &str = r#"package d

deny odd {
  for x in input.xs
  if x % 2 == 1
  message f"{x} is odd" at x
}

let doubled = [x * 2 for x in input.xs]

test "counts" {
  input = {"xs": [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]}
  expect odd == 2
}

test "long values" {
  input = {"xs": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]}
  expect doubled == [2, 4, 6]
}

test "fires where expected" {
  input = {"xs": [2, 3]}
  expect odd at "xs[1]"
}
"#;

/// A failed count lists the rule's findings (ten at most, then how many more); long
/// values are shown on lines of their own.
#[test]
fn a_failing_test_shows_what_it_got_against_what_it_expected() {
    let dir = scratch("test-diffs", &[("d.pol", DIFFS)]);
    let out = pol_in(&dir, &["test", "--color", "never"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "FAIL  d: counts\n        expected `odd` to fire 2 times, it fired 12 times:\n          \
             xs[0]: 1 is odd\n          xs[1]: 3 is odd\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("          xs[9]: 19 is odd\n          ... and 2 more\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("xs[10]"), "{stdout}");
    assert!(
        stdout.contains(
            "FAIL  d: long values\n        expected `doubled` to be another value:\n          \
             expected: [2,4,6]\n          \
             got:      [2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32]\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("PASS  d: fires where expected\n"),
        "{stdout}"
    );

    let out = pol_in(&dir, &["test", "--format", "json"]);
    assert_code(&out, 1);
    let report = json(&out);
    assert_eq!(report["failed"], 2);
    let details = &report["tests"][0]["failures"][0]["details"];
    assert_eq!(details.as_array().unwrap().len(), 11);
}

/// `--filter` runs the tests whose `package: name` contains one of its texts; the
/// summary counts the others; a filter that matches nothing is an error.
#[test]
fn filter_chooses_tests_by_package_and_name() {
    let dir = scratch("test-filter", &[("d.pol", DIFFS)]);
    let out = pol_in(&dir, &["test", "--color", "never", "--filter", "where"]);
    assert_code(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "PASS  d: fires where expected\n1 test: 1 passed, 0 failed; 2 filtered out\n"
    );
    let out = pol_in(
        &dir,
        &[
            "test", "--color", "never", "--filter", "d: c", "--filter", "long",
        ],
    );
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("FAIL  d: counts\n"), "{stdout}");
    assert!(stdout.contains("FAIL  d: long values\n"), "{stdout}");
    assert!(
        stdout.ends_with("2 tests: 0 passed, 2 failed; 1 filtered out\n"),
        "{stdout}"
    );
    let out = pol_in(&dir, &["test", "--filter", "nothing like it"]);
    assert_code(&out, 2);
    assert_eq!(text(&out.stderr), "error: no test matches the filter\n");
}
