//! `pol serve` with reference data and signed bundles: `--data` files and a bundle's
//! data reach the policies as `data` (and decision logs record their digest), data
//! files are watched like the policy, and `--verify-key` refuses what its key did not
//! sign, at start and on reload.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::served::{Served, eventually};
use common::{assert_code, pol_in, repo_path, scratch, text};
use serde_json::Value;

const POLICY: &str = r#"package gate

type Teams = {
  owners: map<[string]>,
}

data: Teams

deny not_owner {
  if input.actor not in (data.owners[input.service] ?? [])
  message f"{input.actor} does not own {input.service}"
}
"#;

fn violations(reply: &Value) -> Vec<String> {
    reply["results"][0]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["message"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn data_files_decide_and_are_reloaded_when_they_change() {
    let dir = scratch(
        "serve_data_files",
        &[
            ("gate.pol", POLICY),
            ("owners.yaml", "owners:\n  shop: [alice]\n"),
        ],
    );
    let served = Served::start_in(
        Some(&dir),
        &[
            "-p",
            "gate.pol",
            "--data",
            "owners.yaml",
            "--watch-interval",
            "50ms",
            "--decision-log",
            "-",
        ],
    );
    let decide = |actor: &str| {
        let body = format!(r#"{{"actor": "{actor}", "service": "shop"}}"#);
        served
            .post("/v1/decide/gate", "application/json", body.as_bytes())
            .json()
    };
    assert!(violations(&decide("alice")).is_empty());
    assert_eq!(violations(&decide("bob")), ["bob does not own shop"]);
    // New data is served once it is there: bob now owns the shop.
    std::fs::write(dir.join("owners.yaml"), "owners:\n  shop: [bob]\n").unwrap();
    eventually("the new data is served", || {
        violations(&decide("bob")).is_empty()
    });
    assert_eq!(violations(&decide("alice")), ["alice does not own shop"]);
    // Data the policy's type refuses is not loaded: the last good data keeps serving.
    std::fs::write(dir.join("owners.yaml"), "owners:\n  shop: bob\n").unwrap();
    eventually("the bad data is refused", || {
        served.metric("pol_policy_reload_failures_total", "") >= 1.0
    });
    assert!(violations(&decide("bob")).is_empty());
    assert!(
        served
            .stderr()
            .contains("data.owners.shop (from owners.yaml): expected [string]"),
        "{}",
        served.stderr()
    );
    // Every record names the data it was decided with: two versions, two digests.
    let (code, stdout) = served.stop();
    assert_eq!(code, Some(0));
    let digests: std::collections::BTreeSet<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["data"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(digests.len(), 2, "{digests:?}");
}

#[test]
fn a_signed_bundle_serves_with_its_data_and_others_are_refused() {
    let dir = scratch(
        "serve_data_bundle",
        &[
            ("gate.pol", POLICY),
            ("owners.yaml", "owners:\n  shop: [alice]\n"),
        ],
    );
    for key in ["release", "other"] {
        assert_code(&pol_in(&dir, &["keygen", "-o", key]), 0);
    }
    let build = |out: &str, key: &str| {
        let out = pol_in(
            &dir,
            &[
                "build",
                "-p",
                "gate.pol",
                "--data",
                "owners.yaml",
                "--sign",
                key,
                "-o",
                out,
            ],
        );
        assert_code(&out, 0);
    };
    build("gate.polb", "release");
    build("other.polb", "other");
    let served = Served::start_in(
        Some(&dir),
        &[
            "-b",
            "gate.polb",
            "--verify-key",
            "release.pub",
            "--watch-interval",
            "50ms",
        ],
    );
    let decide = |actor: &str| {
        let body = format!(r#"{{"actor": "{actor}", "service": "shop"}}"#);
        served
            .post("/v1/decide", "application/json", body.as_bytes())
            .json()
    };
    assert!(violations(&decide("alice")).is_empty());
    assert_eq!(
        violations(&decide("mallory")),
        ["mallory does not own shop"]
    );
    // A bundle signed by another key, put in its place, is refused; the old one serves.
    std::fs::copy(dir.join("other.polb"), dir.join("gate.polb")).unwrap();
    eventually("the re-signed bundle is refused", || {
        served.metric("pol_policy_reload_failures_total", "") >= 1.0
    });
    assert!(
        served.stderr().contains("refusing `gate.polb`"),
        "{}",
        served.stderr()
    );
    assert!(violations(&decide("alice")).is_empty());
    drop(served);

    // At start, a bundle the key did not sign does not serve at all.
    let out = pol_in(
        &dir,
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "-b",
            "other.polb",
            "--verify-key",
            "release.pub",
        ],
    );
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).contains("refusing `other.polb`"),
        "{}",
        text(&out.stderr)
    );
    // A key without a bundle is a mistake, not a silently unchecked policy.
    let out = pol_in(
        &dir,
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "-p",
            "gate.pol",
            "--verify-key",
            "release.pub",
        ],
    );
    assert_code(&out, 2);
}

#[test]
fn the_access_gate_runs_as_a_service() {
    let served = Served::start(&[
        "-p",
        &repo_path("examples/access"),
        "--data",
        &repo_path("examples/access/data/access.yaml"),
    ]);
    let ask = |file: &str| {
        let body = std::fs::read(repo_path(&format!("examples/access/requests/{file}"))).unwrap();
        let reply = served
            .post(&format!("/v1/decide/access?name={file}"), "", &body)
            .json();
        let result = &reply["results"][0];
        assert_eq!(result["input"]["kind"], "deploy-request");
        (
            result["allowed"].as_bool().unwrap(),
            result["violations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(ask("deploy-prod-ok.json"), (true, vec![]));
    let (allowed, ids) = ask("grant-self-admin.yaml");
    assert!(!allowed);
    assert!(
        ids.contains(&"ACCESS005".to_owned()) && ids.contains(&"ACCESS006".to_owned()),
        "{ids:?}"
    );
}

#[test]
fn pol_toml_settings_apply_to_the_service() {
    let policy = format!(
        "{POLICY}\n@option\nlet frozen = [\"billing\"]\n\n@id(\"G2\")\ndeny is_frozen {{\n  if input.service in frozen\n  message f\"{{input.service}} is frozen\"\n}}\n"
    );
    let dir = scratch(
        "serve_data_config",
        &[
            ("gate.pol", &policy),
            (
                "data/owners.yaml",
                "owners:\n  shop: [alice]\n  billing: [bob]\n",
            ),
            (
                "pol.toml",
                "[data]\nfiles = [\"data/owners.yaml\"]\n[options]\n\"gate.frozen\" = [\"shop\"]\n[severity]\nG2 = \"critical\"\n",
            ),
            ("skip.toml", "[rules]\nskip = [\"not_owner\"]\n"),
            ("typo.toml", "[options]\n\"gate.frozzen\" = []\n"),
        ],
    );
    let served = Served::start_in(Some(&dir), &["-p", "gate.pol", "--config", "pol.toml"]);
    let reply = served
        .post(
            "/v1/decide",
            "application/json",
            br#"{"actor": "alice", "service": "shop"}"#,
        )
        .json();
    // The data of pol.toml decides (alice owns the shop), its option freezes the shop,
    // and its severity is the finding's.
    let violations = reply["results"][0]["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "{reply}");
    assert_eq!(violations[0]["message"], "shop is frozen");
    assert_eq!(violations[0]["severity"], "critical");
    drop(served);

    let served = Served::start_in(
        Some(&dir),
        &[
            "-p",
            "gate.pol",
            "--config",
            "skip.toml",
            "--data",
            "data/owners.yaml",
        ],
    );
    let reply = served
        .post(
            "/v1/decide",
            "application/json",
            br#"{"actor": "mallory", "service": "billing"}"#,
        )
        .json();
    let messages: Vec<&str> = reply["results"][0]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages, ["billing is frozen"], "{reply}");
    assert_eq!(reply["summary"]["suppressed"]["rule"], 1, "{reply}");
    drop(served);

    // An option the policy does not have is an error at start.
    let out = pol_in(
        &dir,
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "-p",
            "gate.pol",
            "--config",
            "typo.toml",
        ],
    );
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).contains("gate.frozzen"),
        "{}",
        text(&out.stderr)
    );
}
