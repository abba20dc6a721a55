//! `pol explain` and `pol test --coverage` on `tests/explain/` (a rule that fires, one
//! that never fires, one no test makes fire, a test that fails on purpose): snapshots
//! of the text and JSON outputs, the shipped packs' coverage, and hostile inputs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, assert_no_panic, json, pol_in, repo, scratch, text};

/// Runs `pol` at the repository root (so that paths in the output are relative).
fn pol_root(args: &[&str]) -> std::process::Output {
    pol_in(&repo(), args)
}

const POLICY: &str = "tests/explain/policy.pol";
const INPUT: &str = "tests/explain/workflow.yaml";

#[test]
fn explain_shows_the_bindings_and_conditions_of_each_finding() {
    let out = pol_root(&["explain", "-p", POLICY, INPUT]);
    assert_code(&out, 0);
    insta::assert_snapshot!("explain_findings", text(&out.stdout));
}

#[test]
fn why_not_shows_the_failed_condition_or_the_empty_loop_of_each_path() {
    let out = pol_root(&[
        "explain",
        "-p",
        POLICY,
        INPUT,
        "--why-not",
        "long_timeout,no_jobs",
        "--why-not",
        "demo.unversioned",
    ]);
    assert_code(&out, 0);
    insta::assert_snapshot!("explain_why_not", text(&out.stdout));
}

#[test]
fn why_not_as_json() {
    let out = pol_root(&[
        "explain",
        "-p",
        POLICY,
        INPUT,
        "--why-not",
        "unversioned",
        "--format",
        "json",
    ]);
    assert_code(&out, 0);
    let value = json(&out);
    insta::assert_snapshot!(
        "explain_why_not_json",
        serde_json::to_string_pretty(&value).unwrap()
    );
}

#[test]
fn why_not_caps_the_paths_and_says_how_many_more() {
    let out = pol_root(&[
        "explain",
        "-p",
        POLICY,
        INPUT,
        "--why-not",
        "long_timeout",
        "--max-paths",
        "1",
    ]);
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("  path 1\n"), "{stdout}");
    assert!(!stdout.contains("  path 2\n"), "{stdout}");
    assert!(stdout.contains("  (2 more paths not shown)\n"), "{stdout}");
}

#[test]
fn an_unknown_rule_is_a_usage_error() {
    let out = pol_root(&["explain", "-p", POLICY, INPUT, "--why-not", "nothing"]);
    assert_code(&out, 2);
    assert_eq!(text(&out.stderr), "error: no rule is named `nothing`\n");
}

/// With no `-p`, the shipped packs explain a workflow, read as `pol eval` reads it
/// (its kind from its path).
#[test]
fn explain_uses_the_shipped_packs_by_default() {
    let out = pol_root(&[
        "explain",
        "examples/inputs/github-workflow.yml",
        "--why-not",
        "GHA004",
        "--rule",
        "GHA001",
    ]);
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("examples/inputs/github-workflow.yml (github-workflow)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("pack.github.unpinned_action (GHA001): fired 4 times\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    if input.permissions == null: false\n      input.permissions = \"write-all\"  (at permissions)\n"),
        "{stdout}"
    );
    // A rule of another kind says why it did not run.
    let out = pol_root(&[
        "explain",
        "examples/inputs/github-workflow.yml",
        "--why-not",
        "K8S001",
    ]);
    assert_code(&out, 0);
    assert!(
        text(&out.stdout).contains(
            "pack.kubernetes.privileged_container (K8S001): did not run: it applies to kubernetes documents, and this one is a github-workflow\n"
        ),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn coverage_lists_the_rules_no_test_fires_first() {
    let out = pol_root(&["test", "--coverage", "--color", "never", "tests/explain"]);
    assert_code(&out, 1); // a test fails on purpose
    insta::assert_snapshot!("test_coverage", text(&out.stdout));
}

#[test]
fn coverage_as_json() {
    let out = pol_root(&["test", "--coverage", "--format", "json", "tests/explain"]);
    assert_code(&out, 1);
    insta::assert_snapshot!(
        "test_coverage_json",
        serde_json::to_string_pretty(&json(&out)).unwrap()
    );
}

/// Every rule of the shipped packs is made to fire by one of the packs' tests.
#[test]
fn every_pack_rule_is_covered_by_a_test() {
    let out = pol_root(&["test", "--coverage", "--format", "json", "stdlib/"]);
    assert_code(&out, 0);
    let report = json(&out);
    let rules = report["coverage"]["rules"].as_array().unwrap();
    let packs = pol::packs::policy().unwrap();
    assert_eq!(rules.len(), packs.rules().len());
    let unfired: Vec<&str> = rules
        .iter()
        .filter(|r| r["fired"].as_u64() == Some(0))
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(unfired.is_empty(), "no test makes these fire: {unfired:?}");
    for package in report["coverage"]["packages"].as_array().unwrap() {
        assert_eq!(package["fired"], package["rules"], "{package}");
    }
}

/// Deep and huge inputs: values are cut, nothing panics, the work stays bounded.
#[test]
fn hostile_inputs_are_explained_with_values_cut() {
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let long = "x".repeat(1_000_000);
    let input = format!(
        "{{\"jobs\": {{\"a\": {{\"steps\": [{{\"uses\": \"{long}\", \"deep\": {deep}}}]}}}}}}"
    );
    let dir = scratch("explain-hostile", &[("in.json", &input)]);
    let policy = repo().join(POLICY);
    let out = pol_in(
        &dir,
        &[
            "explain",
            "-p",
            policy.to_str().unwrap(),
            "in.json",
            "--why-not",
            "unversioned,long_timeout",
        ],
    );
    assert_no_panic(&out);
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("demo.unversioned: fired once"), "{stdout}");
    assert!(stdout.len() < 20_000, "{} bytes", stdout.len());
    assert!(stdout.contains("xxxx…"), "{stdout}");
}

/// `pol explain` takes the options and the level of `pol.toml`, as `pol eval` does: a
/// finding that only an option makes is explained, and a bad option is refused.
#[test]
fn explain_applies_the_options_and_level_of_pol_toml() {
    let workflow = "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: evil/action@0123456789abcdef0123456789abcdef01234567\n";
    let dir = common::scratch("explain-config", &[(".github/workflows/ci.yml", workflow)]);
    let args = ["explain", ".github/workflows/ci.yml", "--rule", "GHA041"];
    let out = common::pol_in(&dir, &args);
    common::assert_code(&out, 0);
    assert!(
        common::text(&out.stdout).contains("no finding"),
        "no list, no finding:\n{}",
        common::text(&out.stdout)
    );
    std::fs::write(
        dir.join("pol.toml"),
        "[packs.github]\nallowed_actions = [\"actions/*\"]\n",
    )
    .unwrap();
    let out = common::pol_in(&dir, &args);
    common::assert_code(&out, 0);
    let said = common::text(&out.stdout);
    assert!(said.contains("fired once"), "{said}");
    assert!(said.contains("is not in the allowed actions"), "{said}");
    // The same finding as pol eval's.
    let eval = common::pol_in(&dir, &["eval", ".", "--only", "GHA041"]);
    assert!(common::text(&eval.stdout).contains("is not in the allowed actions"));

    std::fs::write(
        dir.join("pol.toml"),
        "[packs.github]\nallowed_actions = 3\n",
    )
    .unwrap();
    let out = common::pol_in(&dir, &args);
    common::assert_code(&out, 2);
    assert!(
        common::text(&out.stderr).contains("pol.toml"),
        "{}",
        common::text(&out.stderr)
    );
}
