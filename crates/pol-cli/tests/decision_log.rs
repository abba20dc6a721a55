//! `pol eval --decision-log` and `pol log verify` as a user runs them: records that
//! match the decisions, one chain across runs, every kind of break named, input order
//! under `-j 4`, redaction, inputs that fail, logs that cannot be written.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, assert_no_panic, json, pol_in, pol_stdin, scratch, text};
use serde_json::Value;
use std::path::Path;

const POLICY: &str = r#"package t

@id("T1")
@severity("high")
deny key_in_env {
  for name, job in input.jobs
  for key, v in job.env
  if v.matches(r"^sk-")
  message f"job {name}: env {key} holds the key {v}" at v
}

warn many_jobs {
  if input.jobs.len() > 1
  message "more than one job" at input.jobs
}
"#;

fn workflow(secret: &str) -> String {
    format!("{{\"jobs\": {{\"build\": {{\"env\": {{\"TOKEN\": \"{secret}\"}}}}}}}}\n")
}

const STREAM: &str =
    "jobs:\n  a: {env: {X: sk-one}}\n  b: {env: {}}\n---\njobs:\n  c: {env: {Y: fine}}\n";

/// A folder with the policy and `n` JSON inputs (`in00.json`, ...), every third holding
/// a key; and a YAML stream of two documents.
fn project(name: &str, n: usize) -> std::path::PathBuf {
    let mut files: Vec<(String, String)> = vec![
        ("t.pol".into(), POLICY.into()),
        ("stream.yaml".into(), STREAM.into()),
    ];
    for i in 0..n {
        let secret = if i % 3 == 0 {
            format!("sk-secret{i}")
        } else {
            "plain".into()
        };
        files.push((format!("in/in{i:02}.json"), workflow(&secret)));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    scratch(name, &refs)
}

fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn verify(dir: &Path, file: &str) -> (i32, String) {
    let out = pol_in(dir, &["log", "verify", file]);
    assert_no_panic(&out);
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    (out.status.code().unwrap_or(-1), said.trim_end().to_owned())
}

#[test]
fn records_hold_the_decisions_that_eval_prints() {
    let dir = project("dlog_match", 3);
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "t.pol",
            "--format",
            "json",
            "in",
            "stream.yaml",
            "--decision-log",
            "log.ndjson",
        ],
    );
    assert_code(&out, 1);
    let printed = json(&out);
    let printed = printed["results"].as_array().unwrap();
    let log = records(&dir.join("log.ndjson"));
    assert_eq!(log.len(), printed.len());
    assert_eq!(log.len(), 5, "3 files and a stream of 2 documents");
    let policy_digest = {
        let built = pol_in(&dir, &["build", "-p", "t.pol", "-o", "t.polc"]);
        assert_code(&built, 0);
        pol::Digest::of(&std::fs::read(dir.join("t.polc")).unwrap()).to_string()
    };
    for (i, (record, decision)) in log.iter().zip(printed).enumerate() {
        let mut decision = decision.clone();
        let input = decision.as_object_mut().unwrap().remove("input").unwrap();
        assert_eq!(record["decision"], decision, "record {i}");
        assert_eq!(record["seq"], i);
        assert_eq!(record["input"]["name"], input["file"]);
        assert_eq!(record["input"]["document"], input["document"]);
        assert_eq!(record["input"]["kind"], input["kind"]);
        let bytes = std::fs::read(dir.join(input["file"].as_str().unwrap())).unwrap();
        assert_eq!(
            record["input"]["sha256"],
            pol::Digest::of(&bytes).to_string()
        );
        assert_eq!(record["policy"], policy_digest);
        assert!(record["duration_ns"].as_u64().unwrap() > 0);
        assert!(record["time"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(log[3]["input"]["document"], 0);
    assert_eq!(log[4]["input"]["document"], 1);
    assert_eq!(
        log[0]["decision"]["violations"][0]["message"],
        "job build: env TOKEN holds the key sk-secret0"
    );
    let (code, said) = verify(&dir, "log.ndjson");
    assert_eq!(code, 0, "{said}");
    assert!(said.starts_with("`log.ndjson`: intact: 5 records; the last is record 4 with hash "));
    assert!(said.ends_with(log[4]["hash"].as_str().unwrap()));
}

#[test]
fn the_chain_runs_across_runs_appended_to_one_file() {
    let dir = project("dlog_runs", 2);
    for _ in 0..2 {
        let out = pol_in(
            &dir,
            &["eval", "-p", "t.pol", "in", "--decision-log", "log.ndjson"],
        );
        assert_code(&out, 1);
    }
    let log = records(&dir.join("log.ndjson"));
    assert_eq!(log.len(), 4);
    assert_eq!(log[2]["seq"], 2);
    assert_eq!(log[2]["prev"], log[1]["hash"]);
    assert_eq!(verify(&dir, "log.ndjson").0, 0);
    // A log named like an input, in a folder of inputs, is not one.
    for _ in 0..2 {
        let out = pol_in(
            &dir,
            &["eval", "-p", "t.pol", "in", "--decision-log", "in/log.json"],
        );
        assert_code(&out, 1);
    }
    assert_eq!(records(&dir.join("in/log.json")).len(), 4);
    // A log whose last record was altered is not appended to.
    let altered = std::fs::read_to_string(dir.join("log.ndjson"))
        .unwrap()
        .replace("in/in01.json", "in/in01.jsom");
    std::fs::write(dir.join("bad.ndjson"), altered).unwrap();
    let out = pol_in(
        &dir,
        &["eval", "-p", "t.pol", "in", "--decision-log", "bad.ndjson"],
    );
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("its last line is not an intact record (its hash does not match its content); check it with `pol log verify bad.ndjson`"), "{}", text(&out.stderr));
}

#[test]
fn verify_names_the_first_altered_missing_reordered_or_truncated_record() {
    let dir = project("dlog_breaks", 6);
    let out = pol_in(
        &dir,
        &["eval", "-p", "t.pol", "in", "--decision-log", "log.ndjson"],
    );
    assert_code(&out, 1);
    let whole = std::fs::read_to_string(dir.join("log.ndjson")).unwrap();
    let lines: Vec<&str> = whole.lines().collect();
    assert_eq!(lines.len(), 6);
    let write = |name: &str, lines: &[&str]| {
        let mut t = lines.join("\n");
        t.push('\n');
        std::fs::write(dir.join(name), t).unwrap();
    };
    let altered = lines[3].replace("\"allowed\":false", "\"allowed\":true");
    assert_ne!(altered, lines[3]);
    let mut a = lines.clone();
    a[3] = &altered;
    write("altered.ndjson", &a);
    let mut m = lines.clone();
    m.remove(4);
    write("missing.ndjson", &m);
    let mut r = lines.clone();
    r.swap(1, 2);
    write("reordered.ndjson", &r);
    std::fs::write(dir.join("truncated.ndjson"), &whole[..whole.len() - 40]).unwrap();
    write("notrecord.ndjson", &[lines[0], "{\"seq\": 1}", lines[2]]);
    for (file, code, said) in [
        (
            "altered.ndjson",
            1,
            "`altered.ndjson`: broken: record 3 (line 4) was altered: its hash does not match its content",
        ),
        (
            "missing.ndjson",
            1,
            "`missing.ndjson`: broken: record 4 is missing: line 5 holds record 5",
        ),
        (
            "reordered.ndjson",
            1,
            "`reordered.ndjson`: broken: records are out of order: line 2 holds record 2, record 1 comes later, at line 3",
        ),
        (
            "truncated.ndjson",
            1,
            "`truncated.ndjson`: broken: line 6 is incomplete: the log ends inside a record (a write that did not finish)",
        ),
        (
            "notrecord.ndjson",
            2,
            "error: cannot verify `notrecord.ndjson`: line 2: not a decision-log record: no `version` number",
        ),
        (
            "absent.ndjson",
            2,
            "error: cannot read `absent.ndjson`: no such file or folder",
        ),
    ] {
        assert_eq!(verify(&dir, file), (code, said.to_owned()), "{file}");
    }
    // Standard input.
    let out = pol_stdin(&["log", "verify", "-"], &m.join("\n"));
    assert_code(&out, 1);
    assert_eq!(
        text(&out.stdout).trim_end(),
        "standard input: broken: record 4 is missing: line 5 holds record 5"
    );
    // Appending after a truncated record is refused.
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "t.pol",
            "in",
            "--decision-log",
            "truncated.ndjson",
        ],
    );
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("its last line is incomplete"));
}

#[test]
fn with_four_jobs_records_come_in_input_order() {
    let dir = project("dlog_jobs", 24);
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "t.pol",
            "-j",
            "4",
            "--format",
            "json",
            "in",
            "--decision-log",
            "log.ndjson",
        ],
    );
    assert_code(&out, 1);
    let log = records(&dir.join("log.ndjson"));
    let names: Vec<String> = log
        .iter()
        .map(|r| r["input"]["name"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = (0..24).map(|i| format!("in/in{i:02}.json")).collect();
    assert_eq!(names, expected);
    for (i, r) in log.iter().enumerate() {
        assert_eq!(r["seq"], i);
        assert_eq!(r["decision"]["allowed"], i % 3 != 0, "{i}");
    }
    assert_eq!(verify(&dir, "log.ndjson").0, 0);
}

#[test]
fn redaction_keeps_input_values_out_of_the_log_only() {
    let dir = project("dlog_redact", 1);
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "t.pol",
            "--format",
            "json",
            "in/in00.json",
            "--decision-log",
            "log.ndjson",
            "--decision-log-redact",
            "jobs.*.env",
        ],
    );
    assert_code(&out, 1);
    assert!(
        text(&out.stdout).contains("sk-secret0"),
        "the report is not redacted"
    );
    let log = std::fs::read_to_string(dir.join("log.ndjson")).unwrap();
    assert!(!log.contains("sk-secret0"), "{log}");
    let record: Value = serde_json::from_str(log.trim_end()).unwrap();
    let finding = &record["decision"]["violations"][0];
    assert_eq!(finding["message"], "[redacted]");
    assert_eq!(finding["path"], "jobs.build.env.TOKEN");
    assert_eq!(verify(&dir, "log.ndjson").0, 0);
    // From pol.toml, with a path that does not cover the finding.
    std::fs::write(
        dir.join("pol.toml"),
        "[decision_log]\nredact = [\"jobs.*.steps\", \"**.TOKEN\"]\n",
    )
    .unwrap();
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "t.pol",
            "in/in00.json",
            "--decision-log",
            "toml.ndjson",
        ],
    );
    assert_code(&out, 1);
    let log = std::fs::read_to_string(dir.join("toml.ndjson")).unwrap();
    assert!(
        !log.contains("sk-secret0") && log.contains("[redacted]"),
        "{log}"
    );
    // A pattern that does not parse is an error before anything runs.
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "t.pol",
            "in/in00.json",
            "--decision-log",
            "x.ndjson",
            "--decision-log-redact",
            "jobs..env",
        ],
    );
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("`jobs..env` is not a redaction path"));
    assert!(!dir.join("x.ndjson").exists());
}

#[test]
fn an_input_that_cannot_be_evaluated_gets_a_record() {
    let dir = scratch(
        "dlog_failed",
        &[
            ("t.pol", POLICY),
            ("a.json", "{\"jobs\": {}}"),
            ("b.json", "{\"jobs\": "),
        ],
    );
    std::fs::write(dir.join("c.json"), b"{\"jobs\": \"\xff\"}").unwrap();
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "t.pol",
            "a.json",
            "b.json",
            "c.json",
            "--decision-log",
            "log.ndjson",
        ],
    );
    assert_code(&out, 2);
    let log = records(&dir.join("log.ndjson"));
    assert_eq!(log.len(), 3);
    assert_eq!(log[0]["decision"]["allowed"], true);
    assert_eq!(log[1]["input"]["name"], "b.json");
    assert_eq!(log[1]["input"]["document"], Value::Null);
    assert_eq!(
        log[1]["input"]["sha256"],
        pol::Digest::of(b"{\"jobs\": ").to_string()
    );
    assert_eq!(log[1]["decision"]["allowed"], false);
    assert!(
        log[1]["decision"]["error"]
            .as_str()
            .unwrap()
            .starts_with("b.json:1:")
    );
    assert_eq!(log[2]["input"]["sha256"], Value::Null);
    assert!(
        log[2]["decision"]["error"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8")
    );
    assert_eq!(verify(&dir, "log.ndjson").0, 0);
}

#[test]
fn a_log_that_cannot_be_written_fails_the_run() {
    let dir = project("dlog_unwritable", 1);
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "t.pol",
            "in",
            "--decision-log",
            "no/such/folder/log.ndjson",
        ],
    );
    assert_code(&out, 2);
    assert!(
        text(&out.stderr)
            .contains("error: decision log `no/such/folder/log.ndjson`: cannot open it"),
        "{}",
        text(&out.stderr)
    );
    if Path::new("/dev/full").exists() {
        let out = pol_in(
            &dir,
            &["eval", "-p", "t.pol", "in", "--decision-log", "/dev/full"],
        );
        assert_code(&out, 2);
        assert!(
            text(&out.stderr).contains("cannot write to the decision log `/dev/full`"),
            "{}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "no report after a lost record");
    }
}

#[test]
fn a_log_on_standard_output_moves_the_report_to_standard_error() {
    let dir = project("dlog_stdout", 2);
    let out = pol_in(&dir, &["eval", "-p", "t.pol", "in", "--decision-log", "-"]);
    assert_code(&out, 1);
    assert!(text(&out.stderr).contains("2 documents: 1 denied, 1 allowed"));
    let verified = pol_stdin(&["log", "verify", "-"], &text(&out.stdout));
    assert_code(&verified, 0);
    assert!(text(&verified.stdout).contains("intact: 2 records"));
    // Queries make no decisions: the two do not go together.
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "t.pol",
            "in",
            "--query",
            "x",
            "--decision-log",
            "-",
        ],
    );
    assert_code(&out, 2);
}
