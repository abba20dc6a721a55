//! `pol fmt` as a user runs it: rewriting in place, `--check`, `--diff`, standard input,
//! and a file that does not parse among good ones.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, assert_no_panic, pol, pol_in, pol_stdin, repo_path, scratch, text};
use std::path::Path;

const FORMATTED: &str = "package p\n\nlet x = [1, 2]  # two\n";
const MESSY: &str = "package   p\n\nlet x=[1,2] # two\n";
const BROKEN: &str = "package p\nlet x = [1,\n";

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn rewrites_files_in_place_in_folders_and_leaves_formatted_ones() {
    let dir = scratch(
        "fmt-rewrite",
        &[
            ("a.pol", MESSY),
            ("sub/b.pol", FORMATTED),
            ("sub/deeper/c.pol", MESSY),
            ("notes.txt", "let x=1\n"),
        ],
    );
    let out = pol_in(&dir, &["fmt"]);
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), "");
    assert_eq!(read(&dir, "a.pol"), FORMATTED);
    assert_eq!(read(&dir, "sub/b.pol"), FORMATTED);
    assert_eq!(read(&dir, "sub/deeper/c.pol"), FORMATTED);
    assert_eq!(read(&dir, "notes.txt"), "let x=1\n", "only .pol files");
    // Formatting again changes nothing, and --check agrees.
    assert_code(&pol_in(&dir, &["fmt", "--check"]), 0);
}

#[test]
fn check_names_each_file_that_would_change_writes_nothing_and_exits_1() {
    let dir = scratch(
        "fmt-check",
        &[("a.pol", MESSY), ("b.pol", FORMATTED), ("c/d.pol", MESSY)],
    );
    let out = pol_in(&dir, &["fmt", "--check", "a.pol", "b.pol", "c"]);
    assert_code(&out, 1);
    assert_eq!(text(&out.stdout), "a.pol\nc/d.pol\n");
    assert_eq!(read(&dir, "a.pol"), MESSY, "--check writes nothing");
    assert_eq!(read(&dir, "c/d.pol"), MESSY);
    let out = pol_in(&dir, &["fmt", "--check", "b.pol"]);
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let dir = scratch("fmt-diff", &[("a.pol", MESSY), ("b.pol", FORMATTED)]);
    let out = pol_in(&dir, &["fmt", "--diff"]);
    assert_code(&out, 1);
    let expected = "--- a.pol\n+++ a.pol (formatted)\n@@ -1,3 +1,3 @@\n-package   p\n+package p\n \n-let x=[1,2] # two\n+let x = [1, 2]  # two\n";
    assert_eq!(text(&out.stdout), expected);
    assert_eq!(read(&dir, "a.pol"), MESSY, "--diff writes nothing");
    let out = pol_in(&dir, &["fmt", "--check", "--diff", "a.pol"]);
    assert_code(&out, 1);
    assert_eq!(text(&out.stdout), format!("a.pol\n{expected}"));
}

#[test]
fn a_dash_reads_standard_input_and_writes_standard_output() {
    let out = pol_stdin(&["fmt", "-"], MESSY);
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), FORMATTED);
    let out = pol_stdin(&["fmt", "-"], FORMATTED);
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), FORMATTED, "formatted input is echoed");
    let out = pol_stdin(&["fmt", "--check", "-"], MESSY);
    assert_code(&out, 1);
    assert_eq!(text(&out.stdout), "<stdin>\n");
    let out = pol_stdin(&["fmt", "-"], BROKEN);
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stdout),
        "",
        "nothing is written for a broken input"
    );
    assert!(
        text(&out.stderr).contains("<stdin>"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_file_that_does_not_parse_is_an_error_and_the_others_are_still_formatted() {
    let dir = scratch(
        "fmt-broken",
        &[("a.pol", MESSY), ("b_broken.pol", BROKEN), ("c.pol", MESSY)],
    );
    let out = pol_in(&dir, &["fmt", "--color", "never"]);
    assert_code(&out, 2);
    assert_no_panic(&out);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("b_broken.pol:2:"),
        "diagnostics point at it:\n{stderr}"
    );
    assert!(stderr.contains("`b_broken.pol` does not parse"), "{stderr}");
    assert_eq!(read(&dir, "a.pol"), FORMATTED);
    assert_eq!(read(&dir, "b_broken.pol"), BROKEN, "left as it is");
    assert_eq!(read(&dir, "c.pol"), FORMATTED);
    // With --check, a broken file outranks files that would change: exit 2.
    std::fs::write(dir.join("a.pol"), MESSY).unwrap();
    let out = pol_in(&dir, &["fmt", "--check"]);
    assert_code(&out, 2);
    assert_eq!(text(&out.stdout), "a.pol\n");
}

#[test]
fn a_missing_path_is_reported_and_the_other_paths_are_formatted() {
    let dir = scratch("fmt-missing", &[("a.pol", MESSY)]);
    let out = pol_in(&dir, &["fmt", "nowhere.pol", "a.pol"]);
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("nowhere.pol"));
    assert_eq!(read(&dir, "a.pol"), FORMATTED);
}

#[test]
fn the_examples_and_standard_modules_are_formatted() {
    let out = pol(&[
        "fmt",
        "--check",
        &repo_path("examples"),
        &repo_path("stdlib/std"),
    ]);
    assert_code(&out, 0);
}
