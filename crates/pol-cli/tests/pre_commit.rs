//! The pre-commit hook (`.pre-commit-hooks.yaml`) run by the pre-commit framework with
//! `pre-commit try-repo` on a scratch repository: it fails on a workflow with a
//! finding, passes on a clean one, and looks only at the files it is for. Skipped,
//! with a message, where pre-commit is not installed (CI installs it). The hook runs the
//! pol this test suite built (`POL_BIN`) instead of building its own.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{repo, scratch, text};
use std::process::Command;

#[test]
fn the_pre_commit_hook_fails_on_findings_and_passes_clean_files() {
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: pre-commit is not installed (pip install pre-commit)");
        return;
    }
    let unpinned = "on: push\npermissions: {}\njobs:\n  b:\n    runs-on: ubuntu-22.04\n    \
                    steps:\n      - uses: evil/action@v1\n";
    let dir = scratch(
        "pre-commit-try-repo",
        &[
            (".github/workflows/ci.yml", unpinned),
            (
                "not-ci.yml",
                "jobs: {b: {steps: [{uses: evil/action@v1}]}}\n",
            ),
        ],
    );
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    let try_repo = |files: &[&str]| {
        Command::new("pre-commit")
            .args(["try-repo", repo().to_str().unwrap(), "pol", "--files"])
            .args(files)
            .current_dir(&dir)
            .env("POL_BIN", env!("CARGO_BIN_EXE_pol"))
            .env("PRE_COMMIT_HOME", dir.join(".pre-commit-home"))
            .env_remove("CI")
            .output()
            .expect("pre-commit runs")
    };
    let out = try_repo(&[".github/workflows/ci.yml", "not-ci.yml"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("Failed"), "{stdout}");
    assert!(stdout.contains(".github/workflows/ci.yml"), "{stdout}");
    assert!(stdout.contains("GHA001"), "{stdout}");
    assert!(
        !stdout.contains("not-ci.yml"),
        "only CI files are passed: {stdout}"
    );

    std::fs::write(
        dir.join(".github/workflows/ci.yml"),
        "name: ci\non: push\npermissions: {}\nconcurrency: {group: ci, cancel-in-progress: true}\n\
         jobs:\n  b:\n    name: b\n    runs-on: ubuntu-22.04\n    timeout-minutes: 5\n    \
         steps:\n      - run: echo ok\n",
    )
    .unwrap();
    let out = try_repo(&[".github/workflows/ci.yml"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("Passed"), "{stdout}");
}
