//! Dockerfiles on the command line: folders are walked for them (no longer skipped),
//! the shipped Docker pack runs on them with findings at their lines and columns,
//! `# pol: ignore[...]` comments work on them, `--kind dockerfile` reads any file as
//! one, and a file BuildKit would refuse is an input error with its position.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, json, pol, scratch, text};

#[test]
fn folders_are_walked_for_dockerfiles_and_the_pack_runs_on_them() {
    let dir = scratch(
        "dockerfiles",
        &[
            ("Dockerfile", "FROM alpine:latest\nUSER 1000\n"),
            ("Containerfile", "FROM debian\nUSER 1000\n"),
            ("api.Dockerfile", "FROM alpine:3.20\nUSER root\n"),
            (
                "Dockerfile.dev",
                "# pol: ignore[DKR001]\nFROM node\nUSER node\n",
            ),
            ("notes.txt", "FROM alpine\n"),
        ],
    );
    let out = pol(&["eval", "--format", "json", dir.to_str().unwrap()]);
    assert_code(&out, 1);
    let decisions = json(&out);
    let mut found = Vec::new();
    for result in decisions["results"].as_array().unwrap() {
        assert_eq!(result["input"]["kind"], "dockerfile");
        let file = result["input"]["file"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        for f in result["violations"].as_array().unwrap() {
            let at = &f["location"];
            found.push(format!(
                "{file} {} {}:{}",
                f["id"].as_str().unwrap(),
                at["line"],
                at["column"]
            ));
        }
    }
    found.sort();
    assert_eq!(
        found,
        [
            "Containerfile DKR001 1:6",
            "Dockerfile DKR001 1:13",
            "api.Dockerfile DKR003 2:6",
        ],
        "{}",
        text(&out.stdout)
    );
    assert!(
        !text(&out.stderr).contains("skipped: "),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn kind_dockerfile_reads_any_file_as_one() {
    let dir = scratch(
        "dockerfile-kind",
        &[("build.txt", "FROM alpine\nUSER 1000\n")],
    );
    let file = dir.join("build.txt");
    let skipped = pol(&["eval", file.to_str().unwrap()]);
    assert!(
        text(&skipped.stderr).contains("skipped: "),
        "{}",
        text(&skipped.stderr)
    );
    let out = pol(&[
        "eval",
        "--kind",
        "dockerfile",
        "--format",
        "json",
        file.to_str().unwrap(),
    ]);
    assert_code(&out, 1);
    let violations = &json(&out)["results"][0]["violations"];
    assert_eq!(violations[0]["id"], "DKR001");
    assert_eq!(violations[0]["location"]["line"], 1);
}

#[test]
fn a_malformed_dockerfile_is_an_input_error_at_its_position() {
    let dir = scratch(
        "dockerfile-bad",
        &[("Dockerfile", "FROM alpine:3.20\nLABEL a=\"b\nUSER 1\n")],
    );
    let out = pol(&["eval", dir.join("Dockerfile").to_str().unwrap()]);
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).contains("Dockerfile:2:9: this double quote is not closed"),
        "{}",
        text(&out.stderr)
    );
}
