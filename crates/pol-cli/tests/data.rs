//! Reference data (`data`, docs/data.md): `--data` and `pol.toml`'s `[data] files`,
//! merged at their top-level keys, checked against the policies' `data: T`, recorded
//! in decision logs, and the access-gate example that runs on it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, pol, pol_in, repo_path, scratch, text};

const POLICY: &str = r#"package gate

type Teams = {
  owners: map<[string]>,
  frozen?: [string],
}

data: Teams

deny not_owner {
  if input.actor not in (data.owners[input.service] ?? [])
  message f"{input.actor} does not own {input.service}"
  at input.actor
}

deny frozen {
  if input.service in (data.frozen ?? [])
  message f"{input.service} is frozen"
}

let owners = data.owners
"#;

fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("gate.pol", POLICY),
        (
            "owners.yaml",
            "owners:\n  shop: [alice]\n  billing: [bob]\n",
        ),
        ("frozen.json", r#"{"frozen": ["billing"]}"#),
        (
            "alice-shop.json",
            r#"{"actor": "alice", "service": "shop"}"#,
        ),
        (
            "bob-billing.json",
            r#"{"actor": "bob", "service": "billing"}"#,
        ),
        (
            "mallory-shop.json",
            r#"{"actor": "mallory", "service": "shop"}"#,
        ),
    ]
}

#[test]
fn data_files_merge_and_policies_read_them() {
    let dir = scratch("data_merge", &files());
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "gate.pol",
            "--data",
            "owners.yaml",
            "--data",
            "frozen.json",
            "alice-shop.json",
            "bob-billing.json",
            "mallory-shop.json",
        ],
    );
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("bob-billing.json:1:1  deny  medium    gate.frozen  billing is frozen"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "mallory-shop.json:1:11  deny  medium    gate.not_owner  mallory does not own shop"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("alice-shop.json"), "{stdout}");
    assert!(
        stdout.contains("3 documents: 2 denied, 1 allowed"),
        "{stdout}"
    );
    // `--query` reads lets over the data too.
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            "gate.pol",
            "--data",
            "owners.yaml",
            "--query",
            "owners",
            "alice-shop.json",
        ],
    );
    assert_code(&out, 0);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"billing": ["bob"], "shop": ["alice"]})
    );
}

#[test]
fn without_data_the_policies_see_an_empty_object() {
    let dir = scratch("data_none", &files());
    let out = pol_in(&dir, &["eval", "-p", "gate.pol", "alice-shop.json"]);
    assert_code(&out, 1);
    assert!(
        text(&out.stdout).contains("alice does not own shop"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn bad_data_is_an_error_before_anything_runs() {
    let mut files = files();
    files.push(("list.json", "[1, 2]"));
    files.push(("again.yaml", "owners: {}\n"));
    files.push(("wrong.yaml", "owners:\n  shop: alice\n"));
    files.push(("broken.yaml", "owners: [\n"));
    let dir = scratch("data_bad", &files);
    let run = |data: &[&str]| {
        let mut args = vec!["eval", "-p", "gate.pol"];
        for d in data {
            args.extend(["--data", d]);
        }
        args.push("alice-shop.json");
        let out = pol_in(&dir, &args);
        assert_code(&out, 2);
        assert!(
            text(&out.stdout).is_empty(),
            "nothing is evaluated: {}",
            text(&out.stdout)
        );
        text(&out.stderr)
    };
    assert!(
        run(&["list.json"]).contains("error: data: list.json: a data document is an object (its keys become `data.KEY`), found a list"),
    );
    assert!(
        run(&["owners.yaml", "again.yaml"])
            .contains("error: data: again.yaml: `data.owners` is also given by owners.yaml"),
    );
    let stderr = run(&["wrong.yaml"]);
    assert!(
        stderr.contains("error: data: data.owners.shop (from wrong.yaml): expected [string], found string \"alice\" (package `gate` declares `data: ...`)"),
        "{stderr}"
    );
    let stderr = run(&["broken.yaml"]);
    assert!(stderr.contains("broken.yaml:2:1"), "{stderr}");
    let stderr = run(&["missing.json"]);
    assert!(
        stderr.contains("error: data: ") && stderr.contains("missing.json"),
        "{stderr}"
    );
    // Every bad file is reported, not only the first.
    let stderr = run(&["list.json", "broken.yaml"]);
    assert!(
        stderr.contains("list.json:") && stderr.contains("broken.yaml:"),
        "{stderr}"
    );
}

#[test]
fn pol_toml_names_data_files_that_are_not_inputs() {
    let mut files = files();
    files.push(("pol.toml", "[data]\nfiles = [\"owners.yaml\"]\n"));
    let dir = scratch("data_config", &files);
    // The folder holds the data file and pol.toml: neither is evaluated as an input.
    std::fs::remove_file(dir.join("gate.pol")).unwrap();
    std::fs::create_dir_all(dir.join("../data_config_policy")).unwrap();
    let policy = dir.join("../data_config_policy/gate.pol");
    std::fs::write(&policy, POLICY).unwrap();
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-p",
            policy.to_str().unwrap(),
            "--format",
            "json",
            ".",
        ],
    );
    assert_code(&out, 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["input"]["file"].as_str().unwrap())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("owners.yaml")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.contains("mallory-shop.json")),
        "{names:?}"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("mallory does not own shop"), "{stdout}");
    assert!(!stdout.contains("alice does not own shop"), "{stdout}");
}

#[test]
fn decision_logs_record_the_data_digest() {
    let dir = scratch("data_log", &files());
    let log = |data: &[&str]| {
        let mut args = vec!["eval", "-p", "gate.pol", "--decision-log", "-"];
        for d in data {
            args.extend(["--data", d]);
        }
        args.push("alice-shop.json");
        let out = pol_in(&dir, &args);
        let record: serde_json::Value =
            serde_json::from_str(text(&out.stdout).lines().next().unwrap()).unwrap();
        record
            .get("data")
            .and_then(|d| d.as_str())
            .map(str::to_owned)
    };
    let both = log(&["owners.yaml", "frozen.json"]).unwrap();
    assert_eq!(both.len(), 64);
    // The digest is the content's: the order of the files does not change it...
    assert_eq!(log(&["frozen.json", "owners.yaml"]).unwrap(), both);
    // ...other content does, and without data there is none.
    assert_ne!(log(&["owners.yaml"]).unwrap(), both);
    assert_eq!(log(&[]), None);
}

#[test]
fn explain_reads_the_data() {
    let dir = scratch("data_explain", &files());
    let out = pol_in(
        &dir,
        &[
            "explain",
            "-p",
            "gate.pol",
            "--data",
            "owners.yaml",
            "--why-not",
            "not_owner",
            "alice-shop.json",
        ],
    );
    assert_code(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("not_owner"), "{stdout}");
    assert!(!stdout.contains("alice does not own shop"), "{stdout}");
}

#[test]
fn tests_give_data_inline_or_from_a_file() {
    let policy = format!(
        "{POLICY}\ntest \"inline\" {{\n  input = {{\"actor\": \"alice\", \"service\": \"shop\"}}\n  data = {{\"owners\": {{\"shop\": [\"alice\"]}}}}\n  expect not not_owner\n}}\n\
         test \"from a file\" {{\n  input = {{\"actor\": \"bob\", \"service\": \"billing\"}}\n  data from \"frozen.json\"\n  expect frozen\n  expect not_owner\n}}\n\
         test \"none\" {{\n  input = {{\"actor\": \"alice\", \"service\": \"shop\"}}\n  expect not_owner\n}}\n"
    );
    let mut files = files();
    files[0].1 = Box::leak(policy.into_boxed_str());
    let dir = scratch("data_tests", &files);
    let out = pol_in(&dir, &["test", "gate.pol"]);
    assert_code(&out, 0);
    assert!(
        text(&out.stdout).contains("3 tests: 3 passed, 0 failed"),
        "{}",
        text(&out.stdout)
    );
    // A data file that is not there stops the test, as an input file does (exit 2).
    std::fs::remove_file(dir.join("frozen.json")).unwrap();
    let out = pol_in(&dir, &["test", "gate.pol"]);
    assert_code(&out, 2);
    assert!(
        text(&out.stdout).contains("frozen.json"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn the_access_gate_example_denies_what_it_should() {
    // pol.toml in examples/access names the data: found from the inputs upward.
    let out = pol(&[
        "eval",
        "-p",
        &repo_path("examples/access"),
        "--format",
        "json",
        &repo_path("examples/access/requests"),
    ]);
    assert_code(&out, 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut fired: Vec<(String, String)> = Vec::new();
    for result in json["results"].as_array().unwrap() {
        let file = result["input"]["file"].as_str().unwrap();
        let name = file.rsplit('/').next().unwrap().to_owned();
        for v in result["violations"].as_array().unwrap() {
            fired.push((name.clone(), v["id"].as_str().unwrap().to_owned()));
        }
    }
    fired.sort();
    let expected: Vec<(String, String)> = [
        ("deploy-prod-self-approved.json", "ACCESS003"),
        ("deploy-prod-self-approved.json", "ACCESS004"),
        ("deploy-prod-self-approved.json", "ACCESS008"),
        ("grant-self-admin.yaml", "ACCESS003"),
        ("grant-self-admin.yaml", "ACCESS004"),
        ("grant-self-admin.yaml", "ACCESS005"),
        ("grant-self-admin.yaml", "ACCESS006"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(fired, expected);
    // A walk of the examples takes no `pol.toml` as an input (nor counts it skipped).
    let out = pol(&["eval", "--format", "json", &repo_path("examples")]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["input"]["file"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("deploy-prod-ok.json")),
        "{files:?}"
    );
    assert!(!files.iter().any(|f| f.ends_with("pol.toml")), "{files:?}");
    // The requests are of the `deploy-request` kind, so the example's rules run on them
    // alone: an example workflow next to them is not judged as a request.
    let out = pol(&[
        "eval",
        "-p",
        &repo_path("examples/access"),
        &repo_path("examples/inputs/github-workflow.yml"),
    ]);
    assert_code(&out, 0);
}

#[test]
fn a_bundle_carries_its_data_checked_when_built() {
    let mut files = files();
    files.push(("wrong.yaml", "owners:\n  shop: alice\n"));
    let dir = scratch("data_bundle", &files);
    let out = pol_in(
        &dir,
        &[
            "build",
            "-p",
            "gate.pol",
            "-o",
            "gate.polb",
            "--data",
            "owners.yaml",
        ],
    );
    assert_code(&out, 0);
    // The bundle's data decides, with no --data given...
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-b",
            "gate.polb",
            "alice-shop.json",
            "mallory-shop.json",
        ],
    );
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("mallory does not own shop"), "{stdout}");
    assert!(!stdout.contains("alice does not own shop"), "{stdout}");
    // ...and --data adds to it (a key of the bundle's data cannot be given again).
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-b",
            "gate.polb",
            "--data",
            "frozen.json",
            "bob-billing.json",
        ],
    );
    assert_code(&out, 1);
    assert!(
        text(&out.stdout).contains("billing is frozen"),
        "{}",
        text(&out.stdout)
    );
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-b",
            "gate.polb",
            "--data",
            "owners.yaml",
            "bob-billing.json",
        ],
    );
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).contains("`data.owners` is also given by owners.yaml"),
        "{}",
        text(&out.stderr)
    );
    // Data the program's types refuse is refused when the bundle is built.
    let out = pol_in(
        &dir,
        &[
            "build",
            "-p",
            "gate.pol",
            "-o",
            "bad.polb",
            "--data",
            "wrong.yaml",
        ],
    );
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).contains("data.owners.shop (from wrong.yaml): expected [string]"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("bad.polb").exists());
}
