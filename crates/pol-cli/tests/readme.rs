//! The README's excerpts of `pol check` and `pol eval` (and docs/cli.md's copy of the
//! first) are what the binary prints: the README's own tour policy is checked with two
//! mistakes put in, and evaluated on a workflow (`tests/data/readme/ci.yml`).
//! `POL_UPDATE_README=1 cargo test -p pol-cli --test readme` writes what it prints into
//! the excerpts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{pol_in, repo, scratch, text};
use std::path::Path;

/// The commands of the excerpts the README shows, in the order it shows them.
const CHECK: &str = "pol check policies/";
const EVAL: &str = "pol eval -p policies/ .github/workflows/";

/// The mistakes put into the tour policy for the `pol check` excerpt, as the README
/// describes them: an unknown name and an unknown field.
const MISTAKES: &[(&str, &str)] = &[
    ("not in trusted_owners", "not in trusted_owner"),
    ("step.uses", "step.usses"),
];

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).expect("README.md")
}

/// The README's tour: its first ```pol block.
fn tour(readme: &str) -> String {
    let start = readme
        .find("```pol\n")
        .expect("the README has a ```pol block")
        + 7;
    let len = readme[start..].find("```\n").expect("the block ends");
    readme[start..start + len].to_owned()
}

/// The ```text blocks that begin with `$ COMMAND`: each block's range of output (after
/// the command line).
fn excerpts(doc: &str, command: &str) -> Vec<std::ops::Range<usize>> {
    let head = format!("```text\n$ {command}\n");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = doc[from..].find(&head) {
        let start = from + at + head.len();
        let len = doc[start..].find("```\n").expect("the block ends");
        out.push(start..start + len);
        from = start + len;
    }
    out
}

/// Lines without their trailing spaces (which editors strip from Markdown).
fn trimmed(out: &str) -> String {
    out.lines().map(|l| format!("{}\n", l.trim_end())).collect()
}

/// The run's time is not part of what is compared.
fn normalise(out: &str) -> String {
    trimmed(out)
        .lines()
        .map(|line| match line.find("took ") {
            Some(at) => format!("{}took <time>", &line[..at]),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compares each excerpt of `command` in `file` with `got`; with `POL_UPDATE_README`,
/// writes `got` into them. Returns how many excerpts there are.
fn compare(file: &str, command: &str, got: &str) -> usize {
    let path = repo().join(file);
    let mut doc = std::fs::read_to_string(&path).expect("the document");
    let ranges = excerpts(&doc, command);
    if std::env::var_os("POL_UPDATE_README").is_some() {
        for range in ranges.iter().rev() {
            doc.replace_range(range.clone(), &trimmed(got));
        }
        std::fs::write(&path, &doc).expect("written");
        return ranges.len();
    }
    for range in &ranges {
        assert_eq!(
            normalise(&doc[range.clone()]),
            normalise(got),
            "the excerpt of `{command}` in {file} is not what pol prints; run \
             `POL_UPDATE_README=1 cargo test -p pol-cli --test readme`"
        );
    }
    ranges.len()
}

/// A scratch folder `name` with the policy as `policies/gha.pol` and the workflow.
fn workspace(name: &str, policy: &str) -> std::path::PathBuf {
    let workflow = std::fs::read_to_string(repo().join("crates/pol-cli/tests/data/readme/ci.yml"))
        .expect("the workflow");
    scratch(
        name,
        &[
            ("policies/gha.pol", policy),
            (".github/workflows/ci.yml", &workflow),
        ],
    )
}

fn run(dir: &Path, command: &str) -> std::process::Output {
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    pol_in(dir, &args)
}

#[test]
fn the_tour_policy_checks_and_its_tests_pass() {
    let dir = workspace("readme-tour", &tour(&readme()));
    let out = run(&dir, CHECK);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = pol_in(&dir, &["test", "policies/"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn the_check_excerpt_is_what_pol_check_prints_on_the_tour_with_two_mistakes() {
    let readme = readme();
    let mut policy = tour(&readme);
    for (right, wrong) in MISTAKES {
        assert_eq!(policy.matches(right).count(), 1, "`{right}` in the tour");
        policy = policy.replace(right, wrong);
        assert!(
            readme.contains(&format!("`{}`", wrong.rsplit(' ').next().unwrap())),
            "the README names the mistake `{wrong}`"
        );
    }
    let out = run(&workspace("readme-mistakes", &policy), CHECK);
    assert_eq!(out.status.code(), Some(1));
    let got = text(&out.stderr);
    // Both mistakes are reported in the one run.
    assert!(got.contains("[E0100]") && got.contains("[E0200]"), "{got}");
    assert_eq!(compare("README.md", CHECK, &got), 1);
    assert_eq!(compare("docs/cli.md", CHECK, &got), 1);
}

#[test]
fn the_eval_excerpt_is_what_pol_eval_prints_on_the_workflow() {
    let out = run(&workspace("readme-eval", &tour(&readme())), EVAL);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    assert_eq!(compare("README.md", EVAL, &text(&out.stdout)), 1);
}

#[test]
fn every_excerpt_of_a_command_in_the_readme_is_tested() {
    let readme = readme();
    let commands: Vec<&str> = readme
        .split("```text\n$ ")
        .skip(1)
        .map(|block| block.lines().next().unwrap_or(""))
        .collect();
    assert_eq!(commands, [CHECK, EVAL]);
}
