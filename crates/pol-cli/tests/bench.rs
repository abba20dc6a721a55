//! `pol bench` as a user runs it: the sections of the text report, the JSON shape,
//! `.polc` programs, and exit codes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, assert_no_panic, json, pol_in, repo_path, scratch, text};

const WORKFLOW: &str = "\
on: pull_request
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: evil/action@v1
";

/// Two Kubernetes documents in one YAML stream.
const STREAM: &str = "kind: Service\n---\nkind: Pod\n";

fn gha() -> String {
    repo_path("examples/github_actions.pol")
}

#[test]
fn the_text_report_has_every_section_and_every_rule() {
    let dir = scratch("bench-text", &[("wf.yml", WORKFLOW), ("k8s.yaml", STREAM)]);
    let out = pol_in(
        &dir,
        &[
            "bench",
            "-p",
            &gha(),
            "--iterations",
            "3",
            "wf.yml",
            "k8s.yaml",
        ],
    );
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let starts = [
        "policy      1 file, 6 rules: compiled in ",
        "inputs      2 files, 3 documents, ",
        "decisions   1 denied, 2 allowed, 0 runtime errors",
        "measured    3 iterations on one thread, after a warm-up",
        "",
        "per document   median       p99   documents/s      MB/s",
        "load     ",
        "evaluate ",
        "end to end ",
        "",
        "rules, costliest first: time per document, share of evaluation",
    ];
    for (line, start) in lines.iter().zip(starts) {
        assert!(
            line.starts_with(start),
            "`{line}` should start with `{start}`:\n{stdout}"
        );
    }
    let rest = &lines[starts.len()..];
    let lets_at = rest
        .iter()
        .position(|l| l.starts_with("lets, costliest first: self time per document"))
        .unwrap_or_else(|| panic!("a section on the lets:\n{stdout}"));
    let (rules, lets) = rest.split_at(lets_at);
    // `triggers` reads the input: computed on every document, it takes time; the
    // lets listed are the policy's, costliest first.
    assert!(
        lets[1..]
            .iter()
            .any(|l| l.ends_with("%  ci.github.triggers")),
        "{stdout}"
    );
    assert!(
        lets[1..].iter().all(|l| l.contains("%  ci.github.")),
        "{stdout}"
    );
    let let_times: Vec<f64> = lets[1..].iter().map(|l| nanos(l)).collect();
    assert!(let_times.windows(2).all(|w| w[0] >= w[1]), "{stdout}");
    assert_eq!(
        rules.len(),
        7,
        "six rules and the time outside them:\n{stdout}"
    );
    assert!(
        rules
            .iter()
            .any(|l| l.ends_with("  ci.github.unpinned_action (1 finding)"))
    );
    assert!(
        rules[6].ends_with("%  (outside rules: setup, decision)"),
        "{stdout}"
    );
    // Listed costliest first, by their time per document.
    let times: Vec<f64> = rules[..6].iter().map(|l| nanos(l)).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{stdout}");

    let out = pol_in(
        &dir,
        &[
            "bench",
            "-p",
            &gha(),
            "--iterations",
            "1",
            "--top",
            "2",
            "wf.yml",
        ],
    );
    assert_code(&out, 0);
    assert!(
        text(&out.stdout).contains("%  (4 other rules)\n"),
        "{}",
        text(&out.stdout)
    );
}

/// The time at the start of a rule line, in nanoseconds.
fn nanos(line: &str) -> f64 {
    let mut words = line.split_whitespace();
    let value: f64 = words.next().unwrap().parse().unwrap();
    value
        * match words.next().unwrap() {
            "ns" => 1.0,
            "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            unit => panic!("unit {unit}"),
        }
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let dir = scratch("bench-json", &[("wf.yml", WORKFLOW), ("k8s.yaml", STREAM)]);
    let out = pol_in(
        &dir,
        &[
            "bench",
            "-p",
            &gha(),
            "--iterations",
            "2",
            "--format",
            "json",
            ".",
        ],
    );
    assert_code(&out, 0);
    let report = json(&out);
    assert_eq!(report["policy"]["origin"], "sources");
    assert_eq!(report["policy"]["files"], 1);
    assert_eq!(report["policy"]["rules"], 6);
    assert!(report["policy"]["compile_ns"].as_u64().unwrap() > 0);
    assert_eq!(
        report["inputs"],
        serde_json::json!({"files": 2, "documents": 3, "bytes": WORKFLOW.len() + STREAM.len()})
    );
    assert_eq!(
        report["decisions"],
        serde_json::json!({"denied": 1, "allowed": 2, "errors": 0})
    );
    assert_eq!(report["iterations"], 2);
    for stage in ["load", "evaluate"] {
        let s = &report[stage];
        for key in ["median_ns", "p99_ns", "total_ns"] {
            assert!(s[key].is_u64(), "{stage}.{key}: {s}");
        }
        assert!(s["median_ns"].as_u64() <= s["p99_ns"].as_u64());
        for key in ["documents_per_s", "mb_per_s"] {
            assert!(s[key].as_f64().unwrap() > 0.0, "{stage}.{key}: {s}");
        }
    }
    assert!(report["end_to_end"]["documents_per_s"].as_f64().unwrap() > 0.0);
    assert!(report["end_to_end"]["mb_per_s"].as_f64().unwrap() > 0.0);
    let rules = report["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 6);
    let costs: Vec<f64> = rules
        .iter()
        .map(|r| r["ns_per_document"].as_f64().unwrap())
        .collect();
    assert!(costs.windows(2).all(|w| w[0] >= w[1]), "{costs:?}");
    let unpinned = rules
        .iter()
        .find(|r| r["rule"] == "ci.github.unpinned_action")
        .unwrap();
    assert_eq!(unpinned["findings"], 1);
    let shares: f64 = rules.iter().map(|r| r["share"].as_f64().unwrap()).sum();
    assert!(shares > 0.0 && shares <= 1.0, "{shares}");
    assert!(report["outside_rules_ns_per_document"].is_number());
}

#[test]
fn a_polc_program_is_timed_as_it_loads() {
    let dir = scratch("bench-polc", &[("wf.yml", WORKFLOW)]);
    let built = pol_in(&dir, &["build", "-p", &gha(), "-o", "gha.polc"]);
    assert_code(&built, 0);
    let out = pol_in(
        &dir,
        &["bench", "-b", "gha.polc", "--iterations", "1", "wf.yml"],
    );
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("policy      .polc program of "),
        "{stdout}"
    );
    assert!(stdout.contains(" KB, 6 rules: loaded in "), "{stdout}");
    let out = pol_in(
        &dir,
        &[
            "bench",
            "-b",
            "gha.polc",
            "--iterations",
            "1",
            "--format",
            "json",
            "wf.yml",
        ],
    );
    let report = json(&out);
    assert_eq!(report["policy"]["origin"], "bundle");
    assert!(report["policy"]["load_ns"].is_u64());
    assert!(report["policy"]["bytes"].as_u64().unwrap() > 1000);
}

#[test]
fn bench_exits_2_when_it_cannot_run() {
    let dir = scratch(
        "bench-bad",
        &[
            ("wf.yml", WORKFLOW),
            ("bad.json", "{\"on\": }"),
            ("bad.pol", "package p\ndeny r { if nope\n message \"x\" }\n"),
        ],
    );
    let cases: [(&[&str], &str); 5] = [
        (
            &["-p", &gha(), "wf.yml", "bad.json"],
            "error: bad.json:1:8: expected a value\n",
        ),
        (
            &["-p", &gha(), "missing.yml"],
            "error: cannot read `missing.yml`: no such file or folder\n",
        ),
        (
            &["-p", "bad.pol", "wf.yml"],
            "error: the policy does not compile (1 error)\n",
        ),
        (
            &["-p", &gha(), "--iterations", "0", "wf.yml"],
            "error: invalid value '0'",
        ),
        (&["-p", &gha()], "error: the following required arguments"),
    ];
    for (args, message) in cases {
        let out = pol_in(&dir, &[&["bench"], args].concat());
        assert_code(&out, 2);
        assert_no_panic(&out);
        assert_eq!(text(&out.stdout), "", "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

/// A report line with its numbers and units replaced by `#`, and spaces collapsed: the
/// shape of the line, whatever the machine measured.
fn shape(line: &str) -> String {
    let mut out = Vec::new();
    for word in line.split_whitespace() {
        let number = word
            .trim_end_matches('%')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
        let unit = matches!(word, "ns" | "µs" | "ms" | "s" | "bytes" | "KB" | "MB");
        out.push(if number || unit { "#" } else { word });
    }
    out.join(" ")
}

/// The example of `docs/cli.md` has the lines `pol bench` prints (in any order: rules
/// are sorted by a time that differs between machines and builds).
#[test]
fn the_documented_example_has_the_shape_of_real_output() {
    let doc = std::fs::read_to_string(common::repo().join("docs/cli.md")).unwrap();
    let command = "bench -p examples/github_actions.pol examples/inputs/github-workflow.yml";
    let shown = doc
        .split(&format!("$ pol {command}\n"))
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/cli.md shows the command");
    let args: Vec<&str> = command.split(' ').chain(["--iterations", "2"]).collect();
    let out = pol_in(&common::repo(), &args);
    assert_code(&out, 0);
    let mut real: Vec<String> = text(&out.stdout).lines().map(shape).collect();
    let mut documented: Vec<String> = shown.lines().map(shape).collect();
    real.sort();
    documented.sort();
    let iterations = |lines: &mut Vec<String>| lines.retain(|l| !l.starts_with("measured"));
    iterations(&mut real);
    iterations(&mut documented);
    assert_eq!(documented, real);
}

/// As in `pol eval`, each document is evaluated by the rules of its kind only: on a
/// workflow, no rule of another pack runs (and none is timed), and the decisions are
/// `pol eval`'s.
/// The JSON report of `pol bench --packs` run once on `wf.yml` of `dir`, with `extra`
/// options.
fn packs_report(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["bench", "--packs", "--iterations", "1", "--format", "json"];
    args.extend_from_slice(extra);
    args.push("wf.yml");
    let out = pol_in(dir, &args);
    assert_code(&out, 0);
    json(&out)
}

/// How many rules whose names start with `prefix` the report timed (ran).
fn timed(rules: &[serde_json::Value], prefix: &str) -> usize {
    rules
        .iter()
        .filter(|r| r["rule"].as_str().unwrap().starts_with(prefix))
        .filter(|r| r["ns_per_document"].as_f64().unwrap() > 0.0)
        .count()
}

#[test]
fn rules_run_only_on_documents_of_their_kind() {
    let dir = scratch("bench-kinds", &[("wf.yml", WORKFLOW)]);
    let report = packs_report(&dir, &[]);
    let rules = report["rules"].as_array().unwrap();
    let timed = |prefix: &str| timed(rules, prefix);
    assert!(timed("pack.github.") > 0, "{rules:?}");
    for other in [
        "pack.github.action.",
        "pack.gitlab.",
        "pack.kubernetes.",
        "pack.docker.",
    ] {
        assert_eq!(timed(other), 0, "{other} rules ran on a workflow");
    }
    let eval = pol_in(&dir, &["eval", "--format", "json", "wf.yml"]);
    let decisions = json(&eval);
    let findings = rules
        .iter()
        .map(|r| r["findings"].as_u64().unwrap())
        .sum::<u64>();
    let results = &decisions["results"][0];
    let reported = results["violations"].as_array().unwrap().len()
        + results["warnings"].as_array().unwrap().len();
    assert_eq!(findings as usize, reported, "{decisions}");
}

#[test]
fn kind_forces_the_kind_of_every_input_as_in_eval() {
    let dir = scratch("bench-kind", &[("wf.yml", WORKFLOW)]);
    let report = packs_report(&dir, &["--kind", "kubernetes"]);
    let rules = report["rules"].as_array().unwrap();
    assert!(timed(rules, "pack.kubernetes.") > 0, "{rules:?}");
    assert_eq!(
        timed(rules, "pack.github."),
        0,
        "workflow rules ran on a forced kind"
    );

    let bad = pol_in(&dir, &["bench", "--packs", "--kind", "nope", "wf.yml"]);
    assert_code(&bad, 2);
    assert_no_panic(&bad);
    assert!(
        text(&bad.stderr).contains("`nope` is not a kind of input document"),
        "{}",
        text(&bad.stderr)
    );
}
