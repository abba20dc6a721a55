//! `pol serve` as a platform calls it: the real binary on a loopback port, every
//! endpoint; decisions equal to `pol eval --format json`'s, admission reviews of the
//! corpus manifests, reloads under concurrent requests, a broken reload, hostile and
//! slow requests, TLS with a certificate made here, the decision log, and a graceful
//! stop. Waits are bounded polls, never timing assertions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::served::{Reply, Served, connect, eventually, raw_request, read_reply, request};
use common::{assert_code, json, pol, scratch, text};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// The files of a corpus folder, as paths relative to the crate's folder (where
/// tests run), sorted.
fn corpus_files(folder: &str, take: usize) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus().join(folder))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .take(take)
        .map(|n| format!("../../../shared/corpus/{folder}/{n}"))
        .collect()
}

/// `pol eval --format json`'s results, with `args` before the inputs.
fn eval_results(args: &[&str], inputs: &[String]) -> Vec<Value> {
    let mut all: Vec<&str> = vec!["eval", "--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    all.extend(inputs.iter().map(String::as_str));
    let out = pol(&all);
    json(&out)["results"].as_array().unwrap().clone()
}

#[test]
fn decisions_equal_pol_eval() {
    let served = Served::start(&[]);
    assert_eq!(served.get("/health").status, 200);
    let ready = served.get("/ready");
    assert_eq!(ready.status, 200, "{}", ready.body);
    let digest = ready.json()["policy"].as_str().unwrap().to_owned();
    let mut inputs: Vec<String> = [
        "github-workflow.yml",
        "kubernetes.yaml",
        "terraform-plan.json",
    ]
    .iter()
    .map(|n| format!("../../examples/inputs/{n}"))
    .collect();
    inputs.extend(corpus_files("kubernetes", 12));
    inputs.extend(corpus_files("github-actions", 12));
    inputs.extend(corpus_files("terraform-plan", 3));
    let expected = eval_results(&[], &inputs);
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for result in expected {
        let file = result["input"]["file"].as_str().unwrap().to_owned();
        by_file.entry(file).or_default().push(result);
    }
    let mut denied = 0;
    for input in &inputs {
        let body = std::fs::read(input).unwrap();
        // JSON and YAML told apart by the name's extension here, by content below.
        let reply = served.post(
            &format!("/v1/decide?name={input}"),
            "application/octet-stream",
            &body,
        );
        assert_eq!(reply.status, 200, "{input}: {}", reply.body);
        assert_eq!(reply.header("pol-policy-digest"), Some(digest.as_str()));
        let got = reply.json();
        assert_eq!(got["version"], 1);
        let results = got["results"].as_array().unwrap();
        let name = input.clone();
        assert_eq!(
            results,
            by_file.get(&name).unwrap_or_else(|| panic!("{input}")),
            "{input}"
        );
        denied += results.iter().filter(|r| r["allowed"] == false).count();
        assert_eq!(got["summary"]["documents"], results.len());
    }
    assert!(denied > 5, "the inputs should include denied documents");

    // One package: its rules only (`--only` suppresses the others' findings).
    let k8s = "../../examples/inputs/kubernetes.yaml";
    let reply = served.post(
        &format!("/v1/decide/pack.kubernetes?name={k8s}"),
        "application/yaml",
        &std::fs::read(k8s).unwrap(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let only = eval_results(&["--only", "pack.kubernetes.*"], &[k8s.to_owned()]);
    assert_eq!(reply.json()["results"].as_array().unwrap(), &only);
    // Of another package: no finding.
    let reply = served.post(
        &format!("/v1/decide/pack.github?name={k8s}"),
        "application/yaml",
        &std::fs::read(k8s).unwrap(),
    );
    assert!(
        reply.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["allowed"] == true),
        "{}",
        reply.body
    );
    // An unknown package is 404, with the packages there are.
    let reply = served.post("/v1/decide/pack.nope", "application/json", b"{}");
    assert_eq!(reply.status, 404);
    let error = reply.json()["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("pack.nope") && error.contains("pack.kubernetes"),
        "{error}"
    );

    // The kind said by the query, the format by Content-Type.
    let reply = served.post(
        "/v1/decide?kind=kubernetes",
        "application/json",
        br#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx:1.25", "securityContext": {"privileged": true}}]}}"#,
    );
    let got = reply.json();
    assert_eq!(got["results"][0]["input"]["kind"], "kubernetes");
    assert_eq!(got["results"][0]["allowed"], false);
    let reply = served.post("/v1/decide?kind=nope", "application/json", b"{}");
    assert_eq!(reply.status, 400);

    // Metrics: the decisions by result, the digest.
    let metrics = served.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .body
            .contains(&format!("pol_policy_info{{digest=\"{digest}\"}} 1")),
        "{}",
        metrics.body
    );
    assert!(served.metric("pol_decisions_total", "result=\"denied\"") >= 1.0);
    assert!(served.metric("pol_decisions_total", "result=\"allowed\"") >= 1.0);
    assert!(served.metric("pol_decision_duration_seconds_count", "decide") >= 1.0);
    assert!(metrics.body.contains("pol_policy_loaded_timestamp_seconds"));
    assert!(metrics.body.contains("pol_policy_reloads_total 0"));
}

/// Each document of `files` as JSON (through `pol eval --query` of a policy whose let
/// is the input), with `pol eval`'s result for it.
fn documents(files: &[String]) -> Vec<(String, Value, Value)> {
    // The files that load (one of the corpus has a duplicate key).
    let results = eval_results(&[], files);
    let broken: BTreeSet<&str> = results
        .iter()
        .filter(|r| r.get("error").is_some())
        .filter_map(|r| r["input"]["file"].as_str())
        .collect();
    let files: Vec<String> = files
        .iter()
        .filter(|f| !broken.contains(f.as_str()))
        .cloned()
        .collect();
    let dir = scratch(
        "serve-query",
        &[("q.pol", "package q\n\nlet doc = input\n")],
    );
    let policy = dir.join("q.pol");
    let mut args = vec![
        "eval".to_owned(),
        "-p".to_owned(),
        policy.to_str().unwrap().to_owned(),
        "--query".to_owned(),
        "doc".to_owned(),
        "--format".to_owned(),
        "json".to_owned(),
    ];
    args.extend(files.iter().cloned());
    let out = pol(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_code(&out, 0);
    let values = json(&out)["results"].as_array().unwrap().clone();
    let key = |v: &Value| {
        (
            v["input"]["file"].as_str().unwrap().to_owned(),
            v["input"]["document"].as_u64().unwrap(),
        )
    };
    let results: BTreeMap<_, _> = results
        .into_iter()
        .filter(|r| r.get("error").is_none())
        .map(|r| (key(&r), r))
        .collect();
    values
        .into_iter()
        .filter(|v| v["value"].is_object())
        .map(|v| {
            let k = key(&v);
            let result = results[&k].clone();
            (format!("{} #{}", k.0, k.1), v["value"].clone(), result)
        })
        .collect()
}

fn review(uid: &str, object: &Value) -> Value {
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": "", "version": "v1", "kind": object["kind"]},
            "operation": "CREATE",
            "name": object["metadata"]["name"],
            "namespace": "default",
            "userInfo": {"username": "admin"},
            "object": object,
        }
    })
}

fn finding_lines(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let id = f["id"].as_str().or(f["rule"].as_str()).unwrap();
            format!("[{id}] {}", f["message"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn admission_reviews_of_the_corpus_manifests() {
    let served = Served::start(&["--packs"]);
    let files = corpus_files("kubernetes", 1000);
    let docs = documents(&files);
    assert!(docs.len() > 100, "{} documents", docs.len());
    let (mut allowed, mut denied) = (0, 0);
    for (i, (name, object, expected)) in docs.iter().enumerate() {
        let uid = format!("uid-{i}");
        let body = serde_json::to_vec(&review(&uid, object)).unwrap();
        let reply = served.post("/v1/admission", "application/json", &body);
        assert_eq!(reply.status, 200, "{name}: {}", reply.body);
        let got = reply.json();
        assert_eq!(got["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(got["kind"], "AdmissionReview");
        let response = &got["response"];
        assert_eq!(response["uid"], uid.as_str());
        assert_eq!(response["allowed"], expected["allowed"], "{name}: {got}");
        if expected["allowed"] == true {
            allowed += 1;
            assert!(response.get("status").is_none(), "{name}: {got}");
        } else {
            denied += 1;
            let message = response["status"]["message"].as_str().unwrap();
            assert_eq!(response["status"]["code"], 403);
            for line in finding_lines(&expected["violations"]) {
                assert!(message.contains(&line), "{name}: {line} not in {message}");
            }
        }
        let warnings: Vec<String> = response
            .get("warnings")
            .map(|w| {
                w.as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(warnings, finding_lines(&expected["warnings"]), "{name}");
    }
    assert!(
        allowed > 5 && denied > 5,
        "{allowed} allowed, {denied} denied"
    );
    assert_eq!(
        served.metric("pol_decisions_total", "endpoint=\"admission\""),
        docs.len() as f64
    );

    // A deletion has no object: allowed, nothing to judge.
    let delete = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "d1", "operation": "DELETE", "object": null, "oldObject": {"kind": "Pod"}}});
    let reply = served.post(
        "/v1/admission",
        "application/json",
        &serde_json::to_vec(&delete).unwrap(),
    );
    assert_eq!(
        reply.json()["response"],
        json!({"uid": "d1", "allowed": true})
    );

    // Malformed reviews: 400 with a message, never a crash.
    let bad: &[&[u8]] = &[
        b"",
        b"not json",
        b"[]",
        br#"{"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {"uid": "x"}}"#,
        br#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}"#,
        br#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": ""}}"#,
        br#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "x", "object": [1]}}"#,
        br#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 7}}"#,
    ];
    for body in bad {
        let reply = served.post("/v1/admission", "application/json", body);
        assert_eq!(reply.status, 400, "{}: {}", text(body), reply.body);
        assert!(reply.json()["error"].as_str().is_some());
    }
    assert!(served.metric("pol_requests_refused_total", "malformed") >= bad.len() as f64);
    assert_eq!(served.get("/health").status, 200);
}

#[test]
fn hostile_and_malformed_requests_get_a_clear_4xx() {
    let served = Served::start(&["--max-body", "4K", "--max-depth", "16"]);
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        ("/v1/decide", "application/json", b"{\"a\": ".to_vec(), 400, "not valid JSON"),
        ("/v1/decide", "application/yaml", b"a: [1, 2\n".to_vec(), 400, "not valid YAML"),
        ("/v1/decide", "application/json", b"".to_vec(), 400, "no document"),
        ("/v1/decide", "application/json", vec![b'{', 0xff, b'}'], 400, "not UTF-8"),
        ("/v1/decide", "application/json", format!("{{\"a\": \"{}\"}}", "x".repeat(5000)).into_bytes(), 413, "larger than 4096 bytes"),
        ("/v1/decide", "application/json", format!("{}{}", "[".repeat(40), "]".repeat(40)).into_bytes(), 400, "nest"),
        ("/v1/decide", "application/yaml", b"a: &x [1]\nb: *y\n".to_vec(), 400, "YAML"),
        ("/v1/admission", "application/json", format!("{{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {{\"uid\": \"u\", \"object\": {{\"a\": {}1{}}}}}}}", "[".repeat(200), "]".repeat(200)).into_bytes(), 400, ""),
        ("/nope", "application/json", b"{}".to_vec(), 404, "no such endpoint"),
    ];
    for (path, content_type, body, status, needle) in &cases {
        let reply = served.post(path, content_type, body);
        assert_eq!(
            reply.status,
            *status,
            "{path} {}: {}",
            text(&body[..body.len().min(60)]),
            reply.body
        );
        let error = reply.json()["error"].as_str().unwrap().to_owned();
        assert!(error.contains(needle), "{error} should say {needle}");
    }
    // A body larger than it says, or chunked past the limit: still 413.
    let mut stream = connect(&served.addr);
    let head = "POST /v1/decide HTTP/1.1\r\nhost: x\r\nconnection: close\r\ntransfer-encoding: chunked\r\n\r\n";
    stream.write_all(head.as_bytes()).unwrap();
    for _ in 0..3 {
        stream.write_all(b"800\r\n").unwrap();
        stream.write_all(&[b' '; 0x800]).unwrap();
        stream.write_all(b"\r\n").unwrap();
    }
    stream.write_all(b"0\r\n\r\n").unwrap();
    assert_eq!(read_reply(&mut stream).status, 413);
    // Not HTTP at all: the connection is refused with a 400 or closed, and the service
    // goes on.
    let mut stream = connect(&served.addr);
    stream.write_all(b"\x16\x03\x01 garbage\r\n\r\n").unwrap();
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink);
    assert_eq!(served.get("/health").status, 200);
    assert!(!served.stderr().contains("panicked"), "{}", served.stderr());
}

#[test]
fn slow_and_excess_requests() {
    let served = Served::start(&["--request-timeout", "1s", "--max-concurrent", "1"]);
    // A body that never comes in full: 408 once the request's time is up. Meanwhile it
    // holds the only place: another request is 503 at once.
    let mut slow = connect(&served.addr);
    slow.write_all(
        b"POST /v1/decide HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"a\": ",
    )
    .unwrap();
    eventually("the slow request is in flight", || {
        served.metric("pol_requests_in_flight", "") == 1.0
    });
    let busy = served.post("/v1/decide", "application/json", b"{}");
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.header("retry-after"), Some("1"));
    assert!(
        busy.json()["error"]
            .as_str()
            .unwrap()
            .contains("too many requests")
    );
    let reply = read_reply(&mut slow);
    assert_eq!(reply.status, 408, "{}", reply.body);
    assert!(reply.json()["error"].as_str().unwrap().contains("in time"));
    // The place is free again.
    let ok = served.post("/v1/decide", "application/json", b"{}");
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(served.metric("pol_requests_refused_total", "busy") >= 1.0);
    assert!(served.metric("pol_requests_refused_total", "timeout") >= 1.0);
}

const POLICY: &str = "package t\n\ndeny marker {\n  if input.x == 1\n  message \"VERSION\"\n}\n";

fn write_policy(dir: &Path, text: &str) {
    // Written aside and renamed, as a deployment does.
    let tmp = dir.join("policy/.t.pol.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, dir.join("policy/t.pol")).unwrap();
}

#[test]
fn reload_under_concurrent_requests() {
    let dir = scratch(
        "serve-reload",
        &[("policy/t.pol", &POLICY.replace("VERSION", "v1"))],
    );
    let served = Served::start_in(Some(&dir), &["-p", "policy", "--watch-interval", "50ms"]);
    let addr = served.addr.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<Vec<(u16, String, String)>>> = Arc::default();
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (addr, stop, seen) = (addr.clone(), Arc::clone(&stop), Arc::clone(&seen));
            std::thread::spawn(move || {
                for _ in 0..20_000 {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let reply = request(
                        &addr,
                        "POST",
                        "/v1/decide",
                        &[("content-type", "application/json")],
                        br#"{"x": 1}"#,
                    );
                    let message = reply
                        .json()
                        .pointer("/results/0/violations/0/message")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    let digest = reply.header("pol-policy-digest").unwrap_or("").to_owned();
                    seen.lock().unwrap().push((reply.status, digest, message));
                }
            })
        })
        .collect();
    let latest =
        |seen: &Mutex<Vec<(u16, String, String)>>| seen.lock().unwrap().last().map(|s| s.2.clone());
    eventually("requests are answered", || latest(&seen).is_some());
    for version in ["v2", "v3"] {
        write_policy(&dir, &POLICY.replace("VERSION", version));
        eventually(&format!("{version} is served"), || {
            latest(&seen).as_deref() == Some(version)
        });
    }
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.join().unwrap();
    }
    let seen = seen.lock().unwrap();
    let mut programs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (status, digest, message) in seen.iter() {
        assert_eq!(*status, 200, "a request failed during the reloads");
        programs.entry(digest).or_default().insert(message);
    }
    // Three programs, each always deciding as itself.
    assert_eq!(programs.len(), 3, "{programs:?}");
    for (digest, messages) in &programs {
        assert_eq!(messages.len(), 1, "{digest} decided as {messages:?}");
    }
    assert_eq!(served.metric("pol_policy_reloads_total", ""), 2.0);
    eventually("the reloads are logged", || {
        served.stderr().contains("reloaded the policy")
    });
}

#[test]
fn a_broken_reload_keeps_the_old_policy_serving() {
    let dir = scratch(
        "serve-broken-reload",
        &[("policy/t.pol", &POLICY.replace("VERSION", "v1"))],
    );
    // No polling: reloads on SIGHUP only.
    let served = Served::start_in(Some(&dir), &["-p", "policy", "--watch-interval", "0"]);
    let decide = || served.post("/v1/decide", "application/json", br#"{"x": 1}"#);
    let first = decide();
    let digest = first.header("pol-policy-digest").unwrap().to_owned();
    write_policy(&dir, "package t\n\ndeny broken {\n  if input.x ==\n}\n");
    served.signal("HUP");
    eventually("the failed reload is counted", || {
        served.metric("pol_policy_reload_failures_total", "") == 1.0
    });
    // Standard error is collected by another thread: the line may come a little later.
    eventually("the failed reload is logged", || {
        served.stderr().contains("reload failed (SIGHUP)")
    });
    let stderr = served.stderr();
    assert!(stderr.contains("reload failed (SIGHUP)"), "{stderr}");
    assert!(stderr.contains("does not compile"), "{stderr}");
    let still = decide();
    assert_eq!(still.status, 200);
    assert_eq!(still.header("pol-policy-digest"), Some(digest.as_str()));
    assert_eq!(still.json()["results"], first.json()["results"]);
    assert_eq!(served.get("/ready").status, 200);
    // Fixed: the next SIGHUP swaps it in.
    write_policy(&dir, &POLICY.replace("VERSION", "v2"));
    served.signal("HUP");
    eventually("the fixed policy is served", || {
        decide().header("pol-policy-digest") != Some(digest.as_str())
    });
    assert_eq!(
        decide().json()["results"][0]["violations"][0]["message"],
        "v2"
    );
}

#[test]
fn decision_log_on_standard_output_and_a_graceful_stop() {
    let dir = scratch("serve-log", &[]);
    let served = Served::start(&["--decision-log", "-"]);
    let k8s = "../../examples/inputs/kubernetes.yaml";
    let body = std::fs::read(k8s).unwrap();
    let reply = served.post("/v1/decide", "application/yaml", &body);
    assert_eq!(reply.status, 200);
    let documents = reply.json()["results"].as_array().unwrap().len();
    let reply = served.post("/v1/decide", "application/json", br#"{"jobs": {}}"#);
    assert_eq!(reply.status, 200);
    let digest = reply.header("pol-policy-digest").unwrap().to_owned();

    // A request in flight when SIGTERM comes is answered before the service stops.
    let mut slow = connect(&served.addr);
    let json_body = br#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}"#;
    slow.write_all(
        format!(
            "POST /v1/decide HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            json_body.len()
        )
        .as_bytes(),
    )
    .unwrap();
    slow.write_all(&json_body[..10]).unwrap();
    eventually("the slow request is in flight", || {
        served.metric("pol_requests_in_flight", "") == 1.0
    });
    served.signal("TERM");
    eventually("the service stops accepting", || {
        served.stderr().contains("stopped") || TcpStream::connect(&served.addr).is_err()
    });
    slow.write_all(&json_body[10..]).unwrap();
    let reply = read_reply(&mut slow);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let (code, stdout) = served.stop();
    assert_eq!(code, Some(0));

    let records: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), documents + 2, "{stdout}");
    assert!(records.iter().all(|r| r["policy"] == digest.as_str()));
    let log = dir.join("decisions.ndjson");
    std::fs::write(&log, &stdout).unwrap();
    let out = pol(&["log", "verify", log.to_str().unwrap()]);
    assert_code(&out, 0);
}

#[test]
fn decision_log_file_chains_across_runs() {
    let dir = scratch("serve-log-file", &[]);
    let log = dir.join("decisions.ndjson");
    let log_arg = log.to_str().unwrap().to_owned();
    for _ in 0..2 {
        let served = Served::start(&["--decision-log", &log_arg]);
        let reply = served.post("/v1/decide", "application/json", br#"{"jobs": {}}"#);
        assert_eq!(reply.status, 200);
        let (code, _) = served.stop();
        assert_eq!(code, Some(0));
    }
    let out = pol(&["log", "verify", &log_arg]);
    assert_code(&out, 0);
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
}

/// A TLS client that trusts `ca_pem` only.
fn tls_get(addr: &str, ca_der: &[u8], path: &str) -> Result<(Reply, Vec<u8>), String> {
    use rustls::pki_types::{CertificateDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(ca_der.to_vec()))
        .map_err(|e| e.to_string())?;
    #[expect(deprecated, reason = "the ring provider, as the service uses")]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").map_err(|e| e.to_string())?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    let mut tls = rustls::StreamOwned::new(conn, connect(addr));
    tls.write_all(&raw_request("GET", path, &[], b""))
        .map_err(|e| e.to_string())?;
    let reply = read_reply(&mut tls);
    let peer = tls
        .conn
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec())
        .unwrap_or_default();
    Ok((reply, peer))
}

fn certificate(dir: &Path) -> Vec<u8> {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    std::fs::write(dir.join("key.pem.tmp"), signing_key.serialize_pem()).unwrap();
    std::fs::write(dir.join("cert.pem.tmp"), cert.pem()).unwrap();
    std::fs::rename(dir.join("key.pem.tmp"), dir.join("key.pem")).unwrap();
    std::fs::rename(dir.join("cert.pem.tmp"), dir.join("cert.pem")).unwrap();
    cert.der().to_vec()
}

#[test]
fn tls_with_certificates_reloaded_when_they_change() {
    let dir = scratch("serve-tls", &[]);
    let first = certificate(&dir);
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let served = Served::start(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--watch-interval",
        "50ms",
    ]);
    let (reply, peer) = tls_get(&served.addr, &first, "/health").unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(peer, first);
    // Plain HTTP to the TLS port gets no answer.
    let mut plain = connect(&served.addr);
    plain
        .write_all(&raw_request("GET", "/health", &[], b""))
        .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(!answer.starts_with(b"HTTP/1.1 200"));
    // A new certificate is served once its files change.
    let second = certificate(&dir);
    eventually("the new certificate is served", || {
        tls_get(&served.addr, &second, "/ready")
            .is_ok_and(|(r, peer)| r.status == 200 && peer == second)
    });
    // A broken key keeps the certificate served.
    std::fs::write(&key, "not a key").unwrap();
    eventually("the broken key is reported", || {
        served.stderr().contains("TLS certificate reload failed")
    });
    let (reply, peer) = tls_get(&served.addr, &second, "/health").unwrap();
    assert_eq!((reply.status, peer), (200, second));
}

#[test]
fn a_compiled_bundle_is_served_and_reloaded() {
    let dir = scratch(
        "serve-bundle",
        &[("policy/t.pol", &POLICY.replace("VERSION", "v1"))],
    );
    let build = |version: &str| {
        write_policy(&dir, &POLICY.replace("VERSION", version));
        let tmp = dir.join("t.polc.tmp");
        let out = pol(&[
            "build",
            "-p",
            dir.join("policy").to_str().unwrap(),
            "-o",
            tmp.to_str().unwrap(),
        ]);
        assert_code(&out, 0);
        std::fs::rename(&tmp, dir.join("t.polc")).unwrap();
    };
    build("v1");
    let served = Served::start_in(Some(&dir), &["-b", "t.polc", "--watch-interval", "50ms"]);
    let decide = || served.post("/v1/decide", "application/json", br#"{"x": 1}"#);
    let first = decide();
    assert_eq!(first.json()["results"][0]["violations"][0]["message"], "v1");
    let digest = first.header("pol-policy-digest").unwrap().to_owned();
    assert_eq!(served.get("/ready").json()["policy"], digest.as_str());
    build("v2");
    eventually("the new bundle is served", || {
        decide().json()["results"][0]["violations"][0]["message"] == "v2"
    });
    assert_ne!(decide().header("pol-policy-digest"), Some(digest.as_str()));
    // A damaged bundle keeps the last good one serving.
    std::fs::write(dir.join("t.polc"), b"POLC not really").unwrap();
    eventually("the damaged bundle is refused", || {
        served.metric("pol_policy_reload_failures_total", "") >= 1.0
    });
    assert_eq!(
        decide().json()["results"][0]["violations"][0]["message"],
        "v2"
    );
}
