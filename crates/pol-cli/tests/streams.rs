//! Long runs and streams: `--input-format ndjson` (one document a line, a bad line an
//! error of its own) and no progress bar where no one watches (pipes, CI).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, json, pol_in, repo_path, scratch, text};

#[test]
fn ndjson_inputs_are_one_document_a_line_and_a_bad_line_is_its_own_error() {
    let policy = repo_path("crates/pol-cli/tests/data/output/policy.pol");
    let lines = "{\"jobs\": {\"a\": {\"steps\": [{\"uses\": \"x/y@v1\"}]}}}\n\
                 {\"jobs\": \n\
                 \n\
                 {\"count\": 9}\n\
                 {\"count\": 1}\n";
    let dir = scratch("streams-ndjson", &[("audit.log", lines)]);
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            &policy,
            "--input-format",
            "ndjson",
            "--format",
            "json",
            "audit.log",
        ],
    );
    assert_code(&out, 2);
    let doc = json(&out);
    let results = doc["results"].as_array().unwrap();
    let decided: Vec<_> = results
        .iter()
        .filter(|r| r.get("error").is_none())
        .collect();
    assert_eq!(decided.len(), 3, "three good lines, each its own document");
    // Findings point at the line of their document.
    assert_eq!(decided[0]["violations"][0]["location"]["line"], 1);
    assert_eq!(decided[0]["violations"][0]["location"]["column"], 36);
    assert_eq!(decided[1]["violations"][0]["location"]["line"], 4);
    assert_eq!(decided[2]["allowed"], true);
    let errors: Vec<_> = results
        .iter()
        .filter(|r| r.get("error").is_some())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0]["input"],
        serde_json::json!({"file": "audit.log", "line": 2})
    );
    assert!(
        text(&out.stderr).starts_with("error: audit.log:2:"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(doc["summary"]["documents"], 3);
    assert_eq!(doc["summary"]["input_errors"], 1);

    // Without `ndjson`, the same file is one malformed JSON document.
    let out = pol_in(
        &dir,
        &["eval", "-p", &policy, "--input-format", "json", "audit.log"],
    );
    assert_code(&out, 2);
    assert!(
        text(&out.stdout).contains("0 documents"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn no_progress_bar_in_pipes_or_ci() {
    let files: Vec<(String, String)> = (0..30)
        .map(|i| (format!("in/{i:02}.json"), format!("{{\"count\": {i}}}")))
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    let dir = scratch("streams-progress", &borrowed);
    let policy = repo_path("crates/pol-cli/tests/data/output/policy.pol");
    let out = pol_in(&dir, &["eval", "-p", &policy, "in"]);
    assert_code(&out, 1);
    assert_eq!(text(&out.stderr), "", "standard error is a pipe: no bar");
    assert!(
        text(&out.stdout).contains("30 documents: 25 denied"),
        "{}",
        text(&out.stdout)
    );
}

/// On a terminal (a pseudo-terminal made by `script`), the bar shows, unless `CI` is
/// set. Skipped, with a message, where `script` (util-linux) is not installed.
#[test]
fn a_progress_bar_on_a_terminal_unless_in_ci() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let files: Vec<(String, String)> = (0..40)
        .map(|i| (format!("in/{i:02}.json"), format!("{{\"count\": {i}}}")))
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    let dir = scratch("streams-progress-tty", &borrowed);
    let policy = repo_path("crates/pol-cli/tests/data/output/policy.pol");
    let command = format!(
        "{} eval -p {policy} in > /dev/null",
        env!("CARGO_BIN_EXE_pol")
    );
    let run = |ci: bool| {
        let mut script = std::process::Command::new("script");
        script
            .args(["-q", "-e", "-c", &command, "/dev/null"])
            .current_dir(&dir);
        if ci {
            script.env("CI", "true");
        } else {
            script.env_remove("CI");
        }
        text(&script.output().expect("script runs").stdout)
    };
    assert!(run(false).contains("inputs"), "a bar on a terminal");
    assert_eq!(run(true), "", "no bar in CI");
}
