//! `pol eval --format ...`: every output format on the same inputs (findings, a
//! warning, a suppressed finding, a runtime error, an input that does not parse, a
//! skipped file, a clean file), as snapshots; SARIF checked against the SARIF 2.1.0
//! schema, JUnit parsed as XML, GitHub annotations checked against the inputs' lines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, pol_in, repo, text};
use std::path::PathBuf;
use std::process::Output;

const INPUTS: &[&str] = &[
    "ci.yml",
    "deploy.yaml",
    "count.json",
    "bad.json",
    "notes.txt",
    "clean.yml",
];

fn data() -> PathBuf {
    repo().join("crates/pol-cli/tests/data/output")
}

fn eval(format: &str, extra: &[&str]) -> Output {
    let mut args = vec!["eval", "-p", "policy.pol", "--format", format];
    args.extend_from_slice(extra);
    args.extend_from_slice(INPUTS);
    pol_in(&data(), &args)
}

/// Times and the tool's version are not part of a snapshot.
fn normalise(out: &str) -> String {
    let mut text = out.replace(env!("CARGO_PKG_VERSION"), "<version>");
    for (start, end) in [("took ", '\n'), ("\"elapsed_ms\":", '}')] {
        let mut from = 0;
        while let Some(at) = text.get(from..).and_then(|t| t.find(start)) {
            let begin = from + at + start.len();
            let stop = text
                .get(begin..)
                .and_then(|t| t.find(end))
                .map_or(text.len(), |e| begin + e);
            text.replace_range(begin..stop, "<time>");
            from = begin;
        }
    }
    text
}

fn snapshot(format: &str) -> String {
    let out = eval(format, &["-j", "1"]);
    assert_code(&out, 2);
    let stdout = text(&out.stdout);
    // The output is the same whatever the number of workers.
    let parallel = eval(format, &["-j", "3"]);
    assert_eq!(normalise(&text(&parallel.stdout)), normalise(&stdout));
    normalise(&stdout)
}

#[test]
fn every_format_on_the_same_inputs() {
    for format in [
        "text", "json", "ndjson", "sarif", "junit", "github", "gitlab",
    ] {
        insta::assert_snapshot!(format!("output_{format}"), snapshot(format));
    }
}

#[test]
fn input_errors_and_skipped_files_go_to_standard_error_in_every_format() {
    for format in ["text", "json", "sarif"] {
        let out = eval(format, &[]);
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("error: bad.json:2:3: expected a value"),
            "{stderr}"
        );
        assert!(stderr.contains("skipped: notes.txt: "), "{stderr}");
        assert!(!stderr.contains("ci.yml"), "{stderr}");
    }
}

#[test]
fn json_is_one_versioned_document_whatever_the_inputs() {
    for inputs in [
        &["clean.yml"][..],
        &["ci.yml", "deploy.yaml", "bad.json"][..],
    ] {
        let mut args = vec!["eval", "-p", "policy.pol", "--format", "json"];
        args.extend_from_slice(inputs);
        let out = pol_in(&data(), &args);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(doc["version"], 1);
        let results = doc["results"].as_array().expect("results");
        let documents = doc["summary"]["documents"].as_u64().expect("count");
        let decided = results
            .iter()
            .filter(|r| r.get("allowed").is_some() && r.get("error").is_none());
        assert_eq!(decided.count() as u64, documents);
        for r in results {
            assert!(r["input"]["file"].is_string(), "{r}");
        }
    }
}

#[test]
fn sarif_follows_the_sarif_2_1_0_schema_and_points_at_the_lines() {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("crates/pol-cli/tests/data/sarif-schema-2.1.0.json"))
            .expect("the schema is shipped"),
    )
    .expect("the schema is JSON");
    // The official schema's pattern for `language` has a stray `]` that Rust's regex
    // engines refuse (ECMAScript reads it as a literal); pol writes no language.
    assert!(escape_stray_brackets(&mut schema) > 0);
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let out = eval("sarif", &[]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // Not vacuous: a log that breaks the schema is refused.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["OUT001", "OUT002", "out.big_count"]);
    assert_eq!(rules[0]["helpUri"], "https://example.com/rules#out001");
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
    assert_eq!(rules[1]["defaultConfiguration"]["level"], "warning");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4, "3 violations and a warning");
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        let line = loc["region"]["startLine"].as_u64().expect("line");
        let column = loc["region"]["startColumn"].as_u64().expect("column");
        let message = r["message"]["text"].as_str().expect("message");
        assert_points_at(uri, line, column, message);
        let index = r["ruleIndex"].as_u64().expect("rule index") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    // Fingerprints do not move with the line: the baseline's.
    let first = &results[0]["partialFingerprints"]["polFingerprint/v1"];
    assert_eq!(first.as_str().map(str::len), Some(16));
}

/// Escapes the `]` of the schema's malformed `language` patterns; returns how many.
fn escape_stray_brackets(schema: &mut serde_json::Value) -> usize {
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match schema {
        serde_json::Value::Object(map) => {
            let mut n = 0;
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == BAD {
                    *value = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$".into();
                    n += 1;
                } else {
                    n += escape_stray_brackets(value);
                }
            }
            n
        }
        serde_json::Value::Array(items) => items.iter_mut().map(escape_stray_brackets).sum(),
        _ => 0,
    }
}

/// The value a finding is `at` starts at `line`:`column` of `file`, and the message
/// starts with that value (the fixture's rules are written so).
#[track_caller]
fn assert_points_at(file: &str, line: u64, column: u64, message: &str) {
    let text = std::fs::read_to_string(data().join(file)).expect("the input exists");
    let source_line = text
        .lines()
        .nth(line as usize - 1)
        .expect("the line exists");
    let at: String = source_line.chars().skip(column as usize - 1).collect();
    let value = message.split(' ').next().expect("a word");
    assert!(
        at.trim_start_matches('"').starts_with(value),
        "{file}:{line}:{column} is `{source_line}`, not `{value}`"
    );
}

#[test]
fn github_annotations_name_the_lines_that_hold_the_offending_text() {
    let out = eval("github", &[]);
    let stdout = text(&out.stdout);
    let mut checked = 0;
    for line in stdout
        .lines()
        .filter(|l| l.starts_with("::error file=") || l.starts_with("::warning file="))
    {
        let (properties, message) = line
            .split_once(" file=")
            .and_then(|(_, rest)| rest.split_once("::"))
            .expect("a workflow command");
        let props: Vec<(&str, &str)> =
            std::iter::once(("file", properties.split(',').next().unwrap_or("")))
                .chain(
                    properties
                        .split(',')
                        .skip(1)
                        .filter_map(|p| p.split_once('=')),
                )
                .collect();
        let get = |k: &str| props.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
        if get("title").is_some_and(|t| t.starts_with("runtime error")) {
            assert_eq!(get("file"), Some("policy.pol"));
            continue;
        }
        if get("title") == Some("input not evaluated") {
            assert_eq!((get("file"), get("line")), (Some("bad.json"), Some("2")));
            continue;
        }
        let (Some(file), Some(l), Some(c)) = (get("file"), get("line"), get("col")) else {
            continue;
        };
        let message = message.replace("%2C", ",").replace("%25", "%");
        assert_points_at(
            file,
            l.parse().expect("line"),
            c.parse().expect("col"),
            &message,
        );
        checked += 1;
    }
    assert_eq!(checked, 4, "{stdout}");
    // The `%` in a message is escaped; the `,` of a message is not.
    assert!(
        stdout.contains("evil,org/a%25b@v1 is not pinned"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::warning file=ci.yml,line=4,col=14,title=out.moving_runner (OUT002)::")
    );
}

#[test]
fn junit_is_xml_with_a_test_case_per_input_and_rule() {
    use quick_xml::events::Event;
    let out = eval("junit", &[]);
    let mut reader = quick_xml::Reader::from_reader(out.stdout.as_slice());
    let mut buf = Vec::new();
    let (mut suites, mut cases, mut failures, mut errors, mut skipped) = (0, 0, 0, 0, 0);
    let mut declared_failures = 0;
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuite" => {
                    suites += 1;
                    let attr = e
                        .try_get_attribute("failures")
                        .expect("attributes")
                        .expect("failures");
                    declared_failures += attr.value.parse::<usize>().expect("a count");
                }
                "testcase" => cases += 1,
                "failure" => failures += 1,
                "error" => errors += 1,
                "skipped" => skipped += 1,
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    // ci.yml, deploy.yaml[0], deploy.yaml[1], count.json, clean.yml, bad.json, notes.txt.
    assert_eq!(suites, 7);
    assert_eq!(
        cases,
        5 * 3 + 2,
        "three rules on each document, a load case each for bad.json and notes.txt"
    );
    assert_eq!(failures, 3, "one per violation");
    assert_eq!(
        declared_failures, 2,
        "test cases with failures: ci.yml's and deploy.yaml[1]'s"
    );
    assert_eq!(
        errors, 2,
        "the runtime error and the input that does not parse"
    );
    assert_eq!(skipped, 1);
}

#[test]
fn fail_on_and_min_severity_decide_the_exit_code() {
    let run = |args: &[&str]| {
        let mut all = vec!["eval", "-p", "policy.pol"];
        all.extend_from_slice(args);
        pol_in(&data(), &all)
    };
    // ci.yml: two violations (high) and a warning (low).
    assert_code(&run(&["ci.yml"]), 1);
    assert_code(&run(&["--fail-on", "never", "ci.yml"]), 0);
    assert_code(&run(&["--fail-on", "never", "count.json"]), 1);
    assert_code(&run(&["--fail-on", "never", "bad.json"]), 2);
    let out = run(&["--min-severity", "critical", "ci.yml"]);
    assert_code(&out, 0);
    assert!(
        text(&out.stdout)
            .contains("4 findings suppressed (1 by comments, 3 below the minimum severity)"),
        "{}",
        text(&out.stdout)
    );
    // The warning alone: fails only with `--fail-on warning`.
    let warn_only = ["--skip", "OUT001", "ci.yml"];
    assert_code(&run(&warn_only), 0);
    let mut strict = vec!["--fail-on", "warning"];
    strict.extend_from_slice(&warn_only);
    assert_code(&run(&strict), 1);
    let out = run(&["--min-severity", "high", "--format", "json", "ci.yml"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["summary"]["warnings"], 0);
    assert_eq!(doc["summary"]["suppressed"]["severity"], 1);
}
