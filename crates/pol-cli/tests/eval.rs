//! `pol eval` as a user runs it: text and JSON decisions, exit codes, standard input,
//! YAML streams, folders of inputs, malformed and unreadable inputs, `--query`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{
    assert_code, assert_no_panic, decided, json, pol_in, pol_stdin, repo_path, scratch, text,
};
use std::io::Read;
use std::process::{Command, Stdio};

/// A workflow with one unpinned third-party action and no `permissions:` block.
const UNPINNED: &str = "\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: evil/action@v1
";

/// A workflow that breaks no rule.
const CLEAN: &str = "\
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
";

/// Two Kubernetes manifests; the second runs a privileged container.
const MANIFESTS: &str = "\
apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
    - name: shell
      image: busybox:1.36
      securityContext:
        privileged: true
      resources: {limits: {cpu: 100m, memory: 64Mi}}
";

fn gha() -> String {
    repo_path("examples/github_actions.pol")
}

fn k8s() -> String {
    repo_path("examples/kubernetes.pol")
}

#[test]
fn text_output_gives_file_line_col_then_a_summary() {
    let dir = scratch("eval-text", &[("wf.yml", UNPINNED)]);
    let out = pol_in(&dir, &["eval", "-p", &gha(), "wf.yml"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    let (head, time) = stdout.rsplit_once("took ").expect("the time");
    assert_eq!(
        head,
        "wf.yml:7:15  deny  high      ci.github.unpinned_action (ACME-GHA001)  \
         job build: action evil/action@v1 is not pinned to a commit SHA\n\
         wf.yml:1:1   warn  medium    ci.github.missing_permissions (ACME-GHA004)  \
         workflow has no `permissions:` block; the token gets the repository default\n\
         \n\
         help:\n  \
         ACME-GHA001  https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions\n\
         \n\
         1 document: 1 denied, 0 allowed (1 violation, 1 warning, 0 errors)\n\
         by severity: 1 high, 1 medium; "
    );
    assert!(time.ends_with(" ms\n") || time.ends_with(" µs\n") || time.ends_with(" s\n"));
    assert!(!stdout.contains('\u{1b}'), "no colour in a pipe");

    let out = pol_in(&dir, &["eval", "--color", "always", "-p", &gha(), "wf.yml"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\u{1b}[31mhigh"), "colour on request");
    assert!(stdout.contains("\u{1b}[1;31mdeny"), "deny in red");
    assert!(stdout.contains("\u{1b}[1;33mwarn"), "warn in yellow");
}

#[test]
fn exit_code_is_0_when_allowed_and_1_when_denied() {
    let dir = scratch(
        "eval-exit",
        &[
            ("clean.yml", CLEAN),
            ("unpinned.yml", UNPINNED),
            ("warned.yml", "on: push\njobs: {}\n"),
        ],
    );
    let out = pol_in(&dir, &["eval", "-p", &gha(), "clean.yml"]);
    assert_code(&out, 0);
    assert_eq!(
        decided(&out),
        "1 document: 0 denied, 1 allowed (0 violations, 0 warnings, 0 errors)"
    );

    // A warning alone does not deny.
    let out = pol_in(&dir, &["eval", "-p", &gha(), "warned.yml"]);
    assert_code(&out, 0);
    assert!(text(&out.stdout).contains("ci.github.missing_permissions"));

    // One denied document denies the run.
    let out = pol_in(&dir, &["eval", "-p", &gha(), "clean.yml", "unpinned.yml"]);
    assert_code(&out, 1);
    assert!(
        decided(&out)
            .ends_with("2 documents: 1 denied, 1 allowed (1 violation, 1 warning, 0 errors)")
    );
}

#[test]
fn json_output_of_one_input_has_the_shape_of_many() {
    let dir = scratch("eval-json-one", &[("wf.yml", UNPINNED)]);
    let out = pol_in(&dir, &["eval", "--format", "json", "-p", &gha(), "wf.yml"]);
    assert_code(&out, 1);
    let doc = json(&out);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["results"].as_array().map(Vec::len), Some(1));
    let d = &doc["results"][0];
    assert_eq!(d["allowed"], false);
    assert_eq!(d["errors"], serde_json::json!([]));
    assert_eq!(
        d["input"],
        serde_json::json!({"file": "wf.yml", "document": 0, "kind": "github-workflow"})
    );
    assert_eq!(doc["summary"]["violations"], 1);
    assert_eq!(
        doc["summary"]["by_severity"],
        serde_json::json!({"high": 1, "medium": 1})
    );
    let v = &d["violations"][0];
    assert_eq!(v["rule"], "ci.github.unpinned_action");
    assert_eq!(v["id"], "ACME-GHA001");
    assert_eq!(v["severity"], "high");
    assert_eq!(v["path"], "jobs.build.steps[1].uses");
    assert_eq!(
        v["location"],
        serde_json::json!({"file": "wf.yml", "line": 7, "column": 15})
    );
    assert_eq!(v["policy"]["file"], gha().as_str());
    assert!(v["policy"]["line"].as_u64().unwrap() > 1);
    assert_eq!(d["violations"].as_array().unwrap().len(), 1);
    let w = &d["warnings"][0];
    assert_eq!(w["rule"], "ci.github.missing_permissions");
    assert_eq!(w["path"], "");
}

#[test]
fn json_output_of_several_inputs_names_each_input() {
    let dir = scratch(
        "eval-json-many",
        &[("a.yml", CLEAN), ("k8s.yaml", MANIFESTS)],
    );
    let out = pol_in(
        &dir,
        &[
            "eval",
            "--format",
            "json",
            "-p",
            &gha(),
            "-p",
            &k8s(),
            "a.yml",
            "k8s.yaml",
        ],
    );
    assert_code(&out, 1);
    let all = json(&out);
    let all = all["results"].as_array().expect("an array");
    assert_eq!(all.len(), 3);
    let inputs: Vec<_> = all.iter().map(|d| d["input"].clone()).collect();
    assert_eq!(
        inputs,
        [
            serde_json::json!({"file": "a.yml", "document": 0, "kind": "github-workflow"}),
            serde_json::json!({"file": "k8s.yaml", "document": 0, "kind": "kubernetes"}),
            serde_json::json!({"file": "k8s.yaml", "document": 1, "kind": "kubernetes"}),
        ]
    );
    let allowed: Vec<_> = all.iter().map(|d| d["allowed"].clone()).collect();
    assert_eq!(allowed, [true, true, false].map(serde_json::Value::Bool));
    let privileged = &all[2]["violations"][0];
    assert_eq!(privileged["rule"], "k8s.workloads.privileged_container");
    assert_eq!(
        privileged["path"],
        "spec.containers[0].securityContext.privileged"
    );
    assert_eq!(privileged["location"]["line"], 14);
}

#[test]
fn a_yaml_stream_gives_one_decision_per_document() {
    let dir = scratch("eval-stream", &[("k8s.yaml", MANIFESTS)]);
    let out = pol_in(&dir, &["eval", "-p", &k8s(), "k8s.yaml"]);
    assert_code(&out, 1);
    assert_eq!(
        decided(&out),
        "k8s.yaml:14:21  deny  critical  k8s.workloads.privileged_container (ACME-K8S001)  \
         Pod debug: container shell runs privileged (document 1)\n\
         \n\
         2 documents: 1 denied, 1 allowed (1 violation, 0 warnings, 0 errors)"
    );
}

#[test]
fn standard_input_is_read_as_json_or_yaml() {
    let json_text = r#"{"on": "push", "jobs": {"b": {"steps": [{"uses": "evil/a@v1"}]}}}"#;
    let out = pol_stdin(&["eval", "-p", &gha(), "-"], json_text);
    assert_code(&out, 1);
    assert!(
        text(&out.stdout).starts_with("-:1:50  deny  high      ci.github.unpinned_action"),
        "{}",
        text(&out.stdout)
    );

    let out = pol_stdin(&["eval", "-p", &gha(), "-"], UNPINNED);
    assert_code(&out, 1);
    assert!(text(&out.stdout).starts_with("-:7:15  deny  high      ci.github.unpinned_action"));

    let out = pol_stdin(&["eval", "-p", &k8s(), "-"], MANIFESTS);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("-:14:21  deny  critical"), "{stdout}");
    assert!(
        stdout.lines().next().unwrap().ends_with(" (document 1)"),
        "{stdout}"
    );

    // `--input-format` overrides the guess: YAML text read as JSON is malformed.
    let out = pol_stdin(
        &["eval", "--input-format", "json", "-p", &gha(), "-"],
        UNPINNED,
    );
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).starts_with("error: -:1:1: "),
        "{}",
        text(&out.stderr)
    );
    // Text that starts like JSON is JSON: malformed JSON is not read as YAML instead.
    let out = pol_stdin(&["eval", "-p", &gha(), "-"], "{\"on\": }");
    assert_code(&out, 2);
    assert_eq!(text(&out.stderr), "error: -:1:8: expected a value\n");
    let out = pol_stdin(
        &["eval", "--input-format", "yaml", "-p", &gha(), "-"],
        "{\"on\": }",
    );
    assert_code(&out, 0);
    let out = pol_stdin(
        &["eval", "--input-format", "yaml", "-p", &gha(), "-"],
        CLEAN,
    );
    assert_code(&out, 0);
}

#[test]
fn folders_of_inputs_are_walked_by_extension() {
    let dir = scratch(
        "eval-walk",
        &[
            ("inputs/a.json", r#"{"permissions": {}, "jobs": {}}"#),
            ("inputs/b.yml", CLEAN),
            ("inputs/sub/c.yaml", UNPINNED),
            ("inputs/sub/d.toml", "permissions = \"read-all\"\n"),
            ("inputs/sub/E.YML", CLEAN),
            ("inputs/notes.txt", "not an input"),
            ("inputs/.hidden.yml", "{{{ not even yaml"),
            ("empty/readme.md", "nothing here"),
        ],
    );
    let out = pol_in(&dir, &["eval", "--format", "json", "-p", &gha(), "inputs"]);
    assert_code(&out, 1);
    let files: Vec<String> = json(&out)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["input"]["file"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        files,
        [
            "inputs/a.json",
            "inputs/b.yml",
            "inputs/sub/E.YML",
            "inputs/sub/c.yaml",
            "inputs/sub/d.toml"
        ]
    );

    let out = pol_in(&dir, &["eval", "-p", &gha(), "empty"]);
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: no input files of a known kind or format in `empty`\n"
    );
}

#[test]
fn malformed_inputs_exit_2_and_point_at_the_line() {
    let dir = scratch(
        "eval-malformed",
        &[
            ("bad.json", "{\"on\": \"push\",\n  \"jobs\": }\n"),
            ("bad.yml", "on: push\njobs:\n  build: [a, b\n  test: c\n"),
            ("dup.json", "{\"on\": \"push\", \"on\": \"pull_request\"}"),
            ("good.yml", CLEAN),
        ],
    );
    for (file, at) in [
        ("bad.json", "bad.json:2:11: "),
        ("bad.yml", "bad.yml:4:7: "),
        ("dup.json", "dup.json:1:16: duplicate key `on`"),
    ] {
        // A malformed file is an error of its own: the good one is still evaluated
        // and reported, and the run fails closed.
        let out = pol_in(&dir, &["eval", "-p", &gha(), "good.yml", file]);
        assert_code(&out, 2);
        assert_no_panic(&out);
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(&format!("error: {at}")),
            "{file}: {stderr}"
        );
        assert_eq!(
            decided(&out),
            "1 document: 0 denied, 1 allowed (0 violations, 0 warnings, 0 errors); \
             1 input not evaluated (errors above)",
            "{file}"
        );
        let out = pol_in(
            &dir,
            &["eval", "-p", &gha(), "--format", "json", file, "good.yml"],
        );
        assert_code(&out, 2);
        // In input order: the error where the input is.
        let decisions = json(&out)["results"].clone();
        assert_eq!(decisions.as_array().map(Vec::len), Some(2), "{decisions}");
        assert_eq!(decisions[1]["allowed"], true, "{decisions}");
        assert_eq!(decisions[0]["allowed"], false, "{decisions}");
        assert_eq!(decisions[0]["input"]["file"], file, "{decisions}");
        assert!(
            decisions[0]["error"].as_str().unwrap().starts_with(at),
            "{decisions}"
        );
    }
}

#[test]
fn unreadable_inputs_exit_2() {
    let dir = scratch("eval-unreadable", &[]);
    std::fs::write(dir.join("binary.json"), [0x7b, 0xff, 0xfe, 0x7d]).unwrap();
    let out = pol_in(&dir, &["eval", "-p", &gha(), "missing.yml"]);
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: cannot read `missing.yml`: no such file or folder\n"
    );
    let out = pol_in(&dir, &["eval", "-p", &gha(), "binary.json"]);
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: binary.json: not valid UTF-8 (byte 1)\n"
    );
}

#[test]
fn policies_that_cannot_be_used_and_bad_flags_exit_2() {
    let dir = scratch(
        "eval-bad-policy",
        &[("bad.pol", "package p\nlet x =\n"), ("wf.yml", CLEAN)],
    );
    let out = pol_in(&dir, &["eval", "-p", "bad.pol", "wf.yml"]);
    assert_code(&out, 2);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.pol:2:8"), "{stderr}");
    assert!(stderr.contains("error: the policy does not compile (1 error)"));

    let out = pol_in(&dir, &["eval", "-p", "nowhere", "wf.yml"]);
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("cannot read `nowhere`"));

    for args in [
        &["build", "-o", "x.polc"][..],
        &["eval", "--packs", "-b", "x.polc", "wf.yml"],
        &["eval", "-p", "bad.pol"],
        &["eval", "--format", "xml", "-p", "bad.pol", "wf.yml"],
        &["eval", "--input-format", "ini", "-p", "bad.pol", "wf.yml"],
        &["eval", "-p", "bad.pol", "-b", "x.polc", "wf.yml"],
    ] {
        let out = pol_in(&dir, args);
        assert_code(&out, 2);
        assert!(text(&out.stderr).starts_with("error: "), "{args:?}");
    }
}

/// With no `-p` or `-b`, the shipped packs run on the documents of their kinds;
/// `--packs` adds them to `-p`'s policies.
#[test]
fn the_shipped_packs_run_out_of_the_box() {
    let dir = scratch(
        "eval-packs",
        &[
            (".github/workflows/ci.yml", UNPINNED),
            ("k8s.yaml", MANIFESTS),
            (
                "own.pol",
                "package own\n\ndeny named { if input.name != null message \"named\" }\n",
            ),
            ("named.json", r#"{"name": "x"}"#),
        ],
    );
    let out = pol_in(&dir, &["eval", "."]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            ".github/workflows/ci.yml:7:15  deny  high      pack.github.unpinned_action (GHA001)"
        ),
        "{stdout}"
    );
    assert!(stdout.starts_with(".github/workflows/ci.yml:"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("k8s.yaml:") && l.ends_with(" (document 1)")),
        "{stdout}"
    );
    assert!(
        stdout.contains("GHA001  https://github.com/pol-lang/pol/blob/main/docs/rules.md#gha001"),
        "the packs' help URLs: {stdout}"
    );
    assert!(
        stdout.contains("pack.kubernetes.privileged_container"),
        "{stdout}"
    );
    assert!(!stdout.contains("own.named"), "{stdout}");
    let out = pol_in(&dir, &["eval", "-p", "own.pol", "--packs", "."]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("own.named"), "{stdout}");
    assert!(stdout.contains("pack.github.unpinned_action"), "{stdout}");
    // `-p` alone: only its policies.
    let out = pol_in(&dir, &["eval", "-p", "own.pol", "."]);
    assert!(
        !text(&out.stdout).contains("pack."),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_runtime_error_fails_closed_and_names_the_policy_line_and_the_input_value() {
    let dir = scratch(
        "eval-runtime",
        &[
            (
                "rt.pol",
                "package rt\n\n@severity(\"low\")\ndeny big {\n  for x in input.a\n  \
                 if x + 1 > 2\n  message f\"{x} is big\" at x\n}\n",
            ),
            ("in.json", r#"{"a": [5, "s", 1]}"#),
            ("ok.json", r#"{"a": [1]}"#),
        ],
    );
    let out = pol_in(&dir, &["eval", "-p", "rt.pol", "in.json"]);
    assert_code(&out, 1);
    assert_eq!(
        decided(&out),
        "in.json:1:8   deny  low       rt.big  5 is big\n\
         in.json:1:11  error  rt.big  cannot apply `+` to `string` and `int` (rt.pol:6:6)\n\
         \n\
         1 document: 1 denied, 0 allowed (1 violation, 0 warnings, 1 error)"
    );
    let out = pol_in(
        &dir,
        &["eval", "--format", "json", "-p", "rt.pol", "in.json"],
    );
    let e = &json(&out)["results"][0]["errors"][0];
    assert_eq!(e["rule"], "rt.big");
    assert_eq!(
        e["policy"],
        serde_json::json!({"file": "rt.pol", "line": 6, "column": 6})
    );
    // The input value the failing `+` was given: `"s"`, the second element.
    assert_eq!(e["path"], "a[1]");
    assert_eq!(
        e["location"],
        serde_json::json!({"file": "in.json", "line": 1, "column": 11})
    );
    let out = pol_in(&dir, &["eval", "-p", "rt.pol", "ok.json"]);
    assert_code(&out, 0);
}

#[test]
fn query_prints_the_value_of_a_let_as_json() {
    let dir = scratch(
        "eval-query",
        &[
            ("wf.yml", UNPINNED),
            ("k8s.yaml", MANIFESTS),
            ("bad.json", "{"),
            ("q.pol", "package q\nlet n = to_int(input.n)\n"),
            ("q.json", r#"{"n": "x"}"#),
            ("r.pol", "package r\nlet n = 2\n"),
        ],
    );
    let out = pol_in(
        &dir,
        &["eval", "--query", "triggers", "-p", &gha(), "wf.yml"],
    );
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), "[\n  \"push\"\n]\n");

    // A qualified name, a set (printed as a sorted list), one value per document.
    let out = pol_in(
        &dir,
        &[
            "eval",
            "--query",
            "ci.github.trusted_owners",
            "-p",
            &gha(),
            "wf.yml",
        ],
    );
    assert_code(&out, 0);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        serde_json::json!(["actions", "docker", "github"])
    );
    let out = pol_in(
        &dir,
        &["eval", "--query", "workload", "-p", &k8s(), "k8s.yaml"],
    );
    assert_code(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "k8s.yaml (document 0)\n\"Service web\"\n\nk8s.yaml (document 1)\n\"Pod debug\"\n"
    );

    // A let that fails on a document: exit 1, the error names the input.
    let out = pol_in(&dir, &["eval", "--query", "n", "-p", "q.pol", "q.json"]);
    assert_code(&out, 1);
    assert!(
        text(&out.stderr).starts_with("error: q.json: computing the let failed: "),
        "{}",
        text(&out.stderr)
    );

    // A malformed input stops the run before any value is printed.
    let out = pol_in(
        &dir,
        &[
            "eval",
            "--query",
            "triggers",
            "-p",
            &gha(),
            "wf.yml",
            "bad.json",
        ],
    );
    assert_code(&out, 2);
    assert_eq!(text(&out.stdout), "");

    // A short name shared by two packages.
    let out = pol_in(
        &dir,
        &[
            "eval", "--query", "n", "-p", "q.pol", "-p", "r.pol", "wf.yml",
        ],
    );
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: `n` names a let of several packages; use its full name: `q.n`, `r.n`\n"
    );
    let out = pol_in(
        &dir,
        &[
            "eval", "--query", "r.n", "-p", "q.pol", "-p", "r.pol", "wf.yml",
        ],
    );
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), "2\n");

    for name in ["no_such_let", "unpinned_action"] {
        let out = pol_in(&dir, &["eval", "--query", name, "-p", &gha(), "wf.yml"]);
        assert_code(&out, 2);
        assert_eq!(
            text(&out.stderr),
            format!("error: the policy has no top-level let named `{name}`\n")
        );
        assert_eq!(text(&out.stdout), "");
    }
}

#[test]
fn a_reader_that_goes_away_is_not_a_crash() {
    let dir = scratch("eval-pipe", &[("wf.yml", UNPINNED)]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_pol"))
        .args(["eval", "--format", "json", "-p", &gha(), "wf.yml"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the pipe before pol writes (it first compiles the policy).
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        status.code(),
        Some(1),
        "the decision still sets the exit code"
    );
}

#[test]
fn the_example_policies_run_on_the_example_inputs() {
    let out = pol_in(
        &common::repo(),
        &["eval", "-p", "examples/", "examples/inputs/"],
    );
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    for expected in [
        "examples/inputs/github-workflow.yml:13:14  deny  high      ci.github.write_all_permissions",
        "ci.github.unpinned_action (ACME-GHA001)  job lint: action reviewdog/action-actionlint@v1",
        "ci.github.script_injection (ACME-GHA006)  job label, step Check the title",
        "examples/inputs/kubernetes.yaml:47:25  deny  critical  k8s.workloads.privileged_container",
        "examples/inputs/terraform-plan.json:41:18  deny  critical  terraform.aws.public_bucket_acl",
        "4 documents: 3 denied, 1 allowed (",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
    assert!(stdout.contains(" 0 errors)"), "{stdout}");
    // Pinned and first-party actions, the app container and the deleted bucket pass.
    assert!(!stdout.contains("actions/checkout"), "{stdout}");
    assert!(!stdout.contains("container shop "), "{stdout}");
    assert!(!stdout.contains("old_logs"), "{stdout}");
}

/// The examples of `docs/cli.md` show what pol prints today.
#[test]
fn the_documented_examples_are_real_output() {
    let doc = std::fs::read_to_string(common::repo().join("docs/cli.md")).unwrap();
    for command in [
        "eval -p examples/kubernetes.pol examples/inputs/kubernetes.yaml",
        "eval -p examples/terraform.pol --format json examples/inputs/terraform-plan.json",
        "eval -p examples/github_actions.pol --query triggers examples/inputs/github-workflow.yml",
    ] {
        let args: Vec<&str> = command.split(' ').collect();
        let out = pol_in(&common::repo(), &args);
        let shown = format!("$ pol {command}\n{}", untimed(&text(&out.stdout)));
        assert!(doc.contains(&shown), "docs/cli.md should show:\n{shown}");
    }
    let out = pol_in(&common::repo(), &["disasm", "-p", "examples/terraform.pol"]);
    let listing = text(&out.stdout);
    let head: Vec<&str> = listing.lines().take(8).collect();
    let shown = format!(
        "$ pol disasm -p examples/terraform.pol\n{}\n  ...",
        head.join("\n")
    );
    assert!(doc.contains(&shown), "docs/cli.md should show:\n{shown}");
}

/// A folder of `n` inputs of every kind, each with its own names so that a change of
/// order shows: workflows with and without findings, YAML streams, JSON.
fn many_inputs(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| match i % 4 {
            0 => (
                format!("in/{i:03}-wf.yml"),
                UNPINNED.replace("build", &format!("build-{i}")),
            ),
            1 => (format!("in/{i:03}-clean.yaml"), CLEAN.to_owned()),
            2 => (
                format!("in/sub/{i:03}-k8s.yaml"),
                MANIFESTS.replace("debug", &format!("debug-{i}")),
            ),
            _ => (
                format!("in/{i:03}-wf.json"),
                format!(r#"{{"on": "push", "jobs": {{"j{i}": {{"permissions": "write-all", "steps": []}}}}}}"#),
            ),
        })
        .collect()
}

/// One rule on Kubernetes manifests.
const PRIVILEGED: &str = r#"package k8s
deny privileged {
  for c in input.spec.containers
  if c.securityContext.privileged == true
  message f"{input.metadata.name}: {c.name} runs privileged" at c.securityContext.privileged
}
"#;

fn scratch_owned(name: &str, files: &[(String, String)]) -> std::path::PathBuf {
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    scratch(name, &files)
}

#[test]
fn many_inputs_on_many_threads_print_what_one_thread_prints() {
    let mut files = many_inputs(120);
    // A rule on the manifests (examples/kubernetes.pol takes long to compile in debug
    // builds: its regexes).
    files.push(("k8s.pol".to_owned(), PRIVILEGED.to_owned()));
    let dir = scratch_owned("eval-jobs", &files);
    let gha = gha();
    let base = ["eval", "-p", gha.as_str(), "-p", "k8s.pol"];
    for extra in [
        &["--format", "text"][..],
        &["--format", "json"],
        &["--query", "triggers"],
    ] {
        let run = |jobs: &[&str]| {
            let args: Vec<&str> = base.iter().chain(extra).chain(jobs).copied().collect();
            pol_in(&dir, &[&args[..], &["in"]].concat())
        };
        let one = run(&["--jobs", "1"]);
        assert!(!one.stdout.is_empty());
        for jobs in [&["--jobs", "2"][..], &["-j", "7"], &[]] {
            let many = run(jobs);
            assert_eq!(many.status.code(), one.status.code(), "{extra:?} {jobs:?}");
            assert!(
                decided(&many) == decided(&one),
                "{extra:?} {jobs:?}: stdout differs"
            );
            assert_eq!(text(&many.stderr), text(&one.stderr), "{extra:?} {jobs:?}");
        }
    }
    let one = pol_in(&dir, &[&base[..], &["--jobs", "1", "in"]].concat());
    assert_code(&one, 1);
    assert!(
        decided(&one).ends_with(
            "150 documents: 90 denied, 60 allowed (90 violations, 30 warnings, 0 errors)"
        ),
        "{}",
        text(&one.stdout)
    );
}

#[test]
fn malformed_inputs_among_many_are_reported_and_hide_nothing() {
    let mut files = many_inputs(120);
    files.push(("in/041-bad.json".to_owned(), "{\"on\": }".to_owned()));
    files.push(("in/081-bad.yaml".to_owned(), "a: [".to_owned()));
    let dir = scratch_owned("eval-jobs-bad", &files);
    let mut expected = None;
    for jobs in ["1", "2", "6"] {
        let out = pol_in(&dir, &["eval", "-p", &gha(), "--jobs", jobs, "in"]);
        assert_code(&out, 2);
        let stdout = decided(&out);
        assert!(
            stdout.ends_with(
                "150 documents: 60 denied, 90 allowed (60 violations, 30 warnings, 0 errors); \
                 2 inputs not evaluated (errors above)"
            ),
            "{stdout}"
        );
        assert!(stdout.starts_with("in/"), "the others' findings: {stdout}");
        assert_eq!(
            expected.get_or_insert_with(|| stdout.clone()),
            &stdout,
            "-j {jobs}"
        );
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(
                "error: in/041-bad.json:1:8: expected a value\nerror: in/081-bad.yaml:"
            ),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 2, "{stderr}");
    }

    let out = pol_in(&dir, &["eval", "-p", &gha(), "--jobs", "0", "in"]);
    assert_code(&out, 2);
    assert_no_panic(&out);
}

/// Output with its time normalised, as the docs show it (`took 3 ms`,
/// `"elapsed_ms":3.0`).
fn untimed(stdout: &str) -> String {
    if let Some((head, rest)) = stdout.rsplit_once("\"elapsed_ms\":") {
        let tail = rest.find('}').and_then(|i| rest.get(i..)).unwrap_or("");
        return format!("{head}\"elapsed_ms\":3.0{tail}");
    }
    match stdout.rsplit_once("took ") {
        Some((head, _)) => format!("{head}took 3 ms\n"),
        None => stdout.to_owned(),
    }
}
