//! Tests of decision logs: records, the chain across runs, every kind of break, hostile
//! lines, redaction.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use super::*;
use crate::{Digest, Format, Policy};
use serde_json::Value;

const POLICY: &str = r#"package p

@id("P1")
deny big {
  for name, v in input.env
  if v.len() > 3
  message f"env {name} is {v}" at v
}

warn small {
  if input.n < 2
  message "n is small" at input.n
}
"#;

const INPUT: &str = r#"{"env": {"TOKEN": "hunter2", "B": "ok"}, "n": 1}"#;

fn decision() -> (Policy, Decision) {
    let policy = Policy::from_source("p.pol", POLICY).unwrap();
    let d = policy
        .evaluate_text(INPUT, Format::Json, Some("in.json"))
        .unwrap()
        .remove(0);
    (policy, d)
}

/// A log of `n` records of the same decision, written by `log`.
fn append_n(log: &mut DecisionLog<Vec<u8>>, decision: &Decision, n: usize) {
    let counts = Counts::default();
    for i in 0..n {
        log.append(&Entry {
            input: InputRef {
                name: "in.json",
                document: Some(i),
                sha256: Some(Digest::of(INPUT.as_bytes())),
                kind: None,
            },
            outcome: Outcome::Decided {
                decision,
                suppressed: &counts,
            },
            time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            duration: Duration::from_nanos(1500),
        })
        .unwrap();
    }
}

fn log_of(n: usize) -> Vec<String> {
    let (policy, d) = decision();
    let mut log = DecisionLog::new(Vec::new(), policy.program().digest(), Redaction::default());
    append_n(&mut log, &d, n);
    lines(&log.into_inner())
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn check(lines: &[String]) -> Result<Verified, VerifyError> {
    let mut text = lines.join("\n");
    if !lines.is_empty() {
        text.push('\n');
    }
    verify(text.as_bytes())
}

fn broken(lines: &[String]) -> (u64, BreakKind, String) {
    match check(lines) {
        Err(VerifyError::Broken(b)) => (b.line, b.kind.clone(), b.to_string()),
        other => panic!("expected a break, got {other:?}"),
    }
}

#[test]
fn a_record_holds_the_decision_and_chains_from_genesis() {
    let (policy, d) = decision();
    let log = log_of(2);
    let first: Value = serde_json::from_str(&log[0]).unwrap();
    assert_eq!(first["version"], 1);
    assert_eq!(first["seq"], 0);
    assert_eq!(first["prev"], GENESIS);
    assert_eq!(first["time"], "2023-11-14T22:13:20.000000Z");
    assert_eq!(first["policy"], policy.program().digest().to_string());
    assert_eq!(
        first["input"]["sha256"],
        Digest::of(INPUT.as_bytes()).to_string()
    );
    assert_eq!(first["input"]["name"], "in.json");
    assert_eq!(first["input"]["document"], 0);
    assert_eq!(first["duration_ns"], 1500);
    assert_eq!(first["decision"], serde_json::to_value(&d).unwrap());
    assert_eq!(first["decision"]["violations"][0]["id"], "P1");
    assert_eq!(first["decision"]["violations"][0]["path"], "env.TOKEN");
    assert_eq!(first["decision"]["violations"][0]["location"]["line"], 1);
    let id = first["id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let second: Value = serde_json::from_str(&log[1]).unwrap();
    assert_ne!(second["id"], first["id"], "ids are unique");
    assert_eq!(second["prev"], first["hash"]);
    assert_eq!(
        record_hash(&first).to_string(),
        first["hash"].as_str().unwrap()
    );
    // The line is the canonical text: members sorted, no spaces.
    let mut canonical_text = Vec::new();
    record::canonical(&first, &mut canonical_text);
    assert_eq!(String::from_utf8(canonical_text).unwrap(), log[0]);
    let intact = check(&log).unwrap();
    assert_eq!(intact.records, 2);
    assert_eq!(intact.last.unwrap().seq, 1);
}

#[test]
fn the_hash_is_of_the_canonical_text_without_the_hash_member() {
    let log = log_of(1);
    let line = &log[0];
    let start = line.find(",\"hash\":\"").unwrap();
    let hash = &line[start + 9..start + 9 + 64];
    let without = format!("{}{}", &line[..start], &line[start + 9 + 64 + 1..]);
    assert_eq!(Digest::of(without.as_bytes()).to_string(), hash);
}

#[test]
fn an_altered_field_is_named() {
    let mut log = log_of(5);
    log[2] = log[2].replace("\"allowed\":false", "\"allowed\":true");
    let (line, kind, text) = broken(&log);
    assert_eq!((line, kind), (3, BreakKind::Altered { seq: 2 }));
    assert_eq!(
        text,
        "record 2 (line 3) was altered: its hash does not match its content"
    );
}

#[test]
fn an_altered_record_with_its_hash_recomputed_breaks_the_next_link() {
    let mut log = log_of(4);
    let mut v: Value = serde_json::from_str(&log[1]).unwrap();
    v["decision"]["allowed"] = Value::Bool(true);
    v["hash"] = Value::String(record_hash(&v).to_string());
    let mut text = Vec::new();
    record::canonical(&v, &mut text);
    log[1] = String::from_utf8(text).unwrap();
    let (line, kind, text) = broken(&log);
    assert_eq!((line, kind), (3, BreakKind::Unchained { seq: 2 }));
    assert!(
        text.contains("does not chain from record 1 (line 2)"),
        "{text}"
    );
}

#[test]
fn a_removed_record_is_named() {
    let mut log = log_of(6);
    log.remove(3);
    let (line, kind, text) = broken(&log);
    assert_eq!(
        (line, kind),
        (
            4,
            BreakKind::Missing {
                expected: 3,
                found: 4
            }
        )
    );
    assert_eq!(text, "record 3 is missing: line 4 holds record 4");
    let mut log = log_of(6);
    log.drain(0..2);
    let (_, _, text) = broken(&log);
    assert_eq!(text, "records 0 to 1 are missing: line 1 holds record 2");
}

#[test]
fn reordered_records_are_named() {
    let mut log = log_of(6);
    log.swap(2, 3);
    let (line, kind, text) = broken(&log);
    assert_eq!(
        (line, kind),
        (
            3,
            BreakKind::Reordered {
                expected: 2,
                found: 3,
                expected_line: Some(4)
            }
        )
    );
    assert_eq!(
        text,
        "records are out of order: line 3 holds record 3, record 2 comes later, at line 4"
    );
    // A record repeated further on.
    let mut log = log_of(4);
    let again = log[1].clone();
    log.push(again);
    let (line, _, text) = broken(&log);
    assert_eq!(line, 5);
    assert_eq!(
        text,
        "records are out of order: line 5 holds record 1 after record 3"
    );
}

#[test]
fn a_log_that_does_not_start_from_genesis_is_named() {
    let (policy, d) = decision();
    let head = ChainHead {
        seq: u64::MAX - 1,
        hash: Digest([7; 32]),
    };
    let mut log = DecisionLog::resume(
        Vec::new(),
        policy.program().digest(),
        Redaction::default(),
        None,
    );
    append_n(&mut log, &d, 1);
    let mut first = lines(&log.into_inner());
    // The same record, claiming to chain from elsewhere (hash recomputed).
    let mut v: Value = serde_json::from_str(&first[0]).unwrap();
    v["prev"] = Value::String(head.hash.to_string());
    v["hash"] = Value::String(record_hash(&v).to_string());
    let mut text = Vec::new();
    record::canonical(&v, &mut text);
    first[0] = String::from_utf8(text).unwrap();
    let (line, kind, _) = broken(&first);
    assert_eq!((line, kind), (1, BreakKind::Unchained { seq: 0 }));
}

#[test]
fn a_truncated_last_line_is_named() {
    let log = log_of(3);
    let mut text = format!("{}\n{}\n", log[0], log[1]);
    text.push_str(&log[2][..log[2].len() / 2]);
    match verify(text.as_bytes()) {
        Err(VerifyError::Broken(b)) => {
            assert_eq!((b.line, b.kind.clone()), (3, BreakKind::Truncated));
            assert!(b.to_string().contains("line 3 is incomplete"));
        }
        other => panic!("{other:?}"),
    }
    // The last record whole, without its newline: intact.
    let text = format!("{}\n{}\n{}", log[0], log[1], log[2]);
    assert_eq!(verify(text.as_bytes()).unwrap().records, 3);
}

#[test]
fn the_chain_runs_across_runs_appended_to_one_log() {
    let (policy, d) = decision();
    let mut first = DecisionLog::new(Vec::new(), policy.program().digest(), Redaction::default());
    append_n(&mut first, &d, 3);
    let mut bytes = first.into_inner();
    let last_line = lines(&bytes).pop().unwrap();
    let head = last_record(last_line.as_bytes()).unwrap();
    assert_eq!(head.seq, 2);
    let mut second = DecisionLog::resume(
        Vec::new(),
        policy.program().digest(),
        Redaction::default(),
        Some(head),
    );
    assert_eq!(second.next_seq(), 3);
    append_n(&mut second, &d, 2);
    bytes.extend(second.into_inner());
    let intact = verify(&bytes[..]).unwrap();
    assert_eq!(intact.records, 5);
    // A second run that started a new chain instead is caught.
    let mut restarted =
        DecisionLog::new(Vec::new(), policy.program().digest(), Redaction::default());
    append_n(&mut restarted, &d, 1);
    let mut bytes = lines(&bytes);
    bytes.extend(lines(&restarted.into_inner()));
    let (line, _, text) = broken(&bytes);
    assert_eq!(line, 6);
    assert!(text.contains("holds record 0 after record 4"), "{text}");
    // An altered last record is not appended to.
    let altered = bytes[4].replace("in.json", "in.jsom");
    assert_eq!(last_record(altered.as_bytes()), Err(RecordError::Altered));
}

#[test]
fn hostile_lines_are_errors_with_their_line_numbers() {
    let log = log_of(2);
    let huge = "x".repeat(MAX_LINE + 10);
    let mut wrong_type: Value = serde_json::from_str(&log[1]).unwrap();
    wrong_type["seq"] = Value::String("1".into());
    let mut version: Value = serde_json::from_str(&log[1]).unwrap();
    version["version"] = Value::from(2);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for (bad, want) in [
        (
            "not json".to_owned(),
            "line 2: not a decision-log record: not JSON",
        ),
        ("[1, 2]".to_owned(), "not a JSON object"),
        ("{}".to_owned(), "no `version` number"),
        (
            wrong_type.to_string(),
            "`seq` is missing or not a whole number",
        ),
        (version.to_string(), "format version 2"),
        (String::new(), "an empty line"),
        (huge, "longer than"),
        (deep, "not JSON"),
    ] {
        let text = format!("{}\n{bad}\n{}\n", log[0], log[1]);
        match verify(text.as_bytes()) {
            Err(VerifyError::Unreadable(u)) => {
                assert_eq!(u.line, Some(2), "{want}");
                assert!(u.to_string().contains(want), "{u} / {want}");
            }
            other => panic!("{want}: {other:?}"),
        }
    }
    let mut bytes = format!("{}\n", log[0]).into_bytes();
    bytes.extend([0xff, 0xfe, b'\n']);
    assert!(matches!(
        verify(&bytes[..]),
        Err(VerifyError::Unreadable(Unreadable { line: Some(2), .. }))
    ));
    assert_eq!(
        verify(&b""[..]).unwrap(),
        Verified {
            records: 0,
            last: None
        }
    );
}

#[test]
fn redaction_patterns_cover_paths_and_their_descendants() {
    let r = Redaction::new(["jobs.*.env", "**.password", "items[*].secret", "a[\"b.c\"]"]).unwrap();
    for (path, covered) in [
        ("jobs.build.env", true),
        ("jobs.build.env.TOKEN", true),
        ("jobs[\"my-job\"].env[\"A-B\"]", true),
        ("jobs.build", false),
        ("jobs.build.steps[0].env", false),
        ("password", true),
        ("x.y[3].password.z", true),
        ("items[4].secret", true),
        ("items.secret", false),
        ("items[4].public", false),
        ("a[\"b.c\"].d", true),
        ("a.b", false),
        ("", false),
        ("not a path!", true),
    ] {
        assert_eq!(r.covers(path), covered, "{path}");
    }
    assert!(!r.covers_all());
    assert!(Redaction::new(["**"]).unwrap().covers_all());
    for bad in ["", "a..b", "a.b-c", "a[", "a[x]", "a[\"b]", ".a"] {
        assert!(Redaction::new([bad]).is_err(), "{bad}");
    }
    let e = Redaction::new(["a.b-c"]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`a.b-c` is not a redaction path: `b-c` is not a key name; write other keys as `[\"b-c\"]`"
    );
}

#[test]
fn redaction_replaces_the_messages_of_covered_findings_in_the_record() {
    let (policy, d) = decision();
    let redaction = Redaction::new(["env"]).unwrap();
    let mut log = DecisionLog::new(Vec::new(), policy.program().digest(), redaction);
    append_n(&mut log, &d, 1);
    let line = &lines(&log.into_inner())[0];
    assert!(!line.contains("hunter2"), "{line}");
    let v: Value = serde_json::from_str(line).unwrap();
    let violation = &v["decision"]["violations"][0];
    assert_eq!(violation["message"], REDACTED);
    assert_eq!(violation["path"], "env.TOKEN", "where stays");
    assert_eq!(v["decision"]["warnings"][0]["message"], "n is small");
    assert_eq!(v["decision"]["allowed"], false);
    // `**` covers everything, errors of unreadable inputs included.
    let all = Redaction::new(["**"]).unwrap();
    let mut log = DecisionLog::new(Vec::new(), policy.program().digest(), all);
    log.append(&Entry {
        input: InputRef {
            name: "bad.json",
            document: None,
            sha256: None,
            kind: None,
        },
        outcome: Outcome::NotEvaluated {
            error: "bad.json:1:9: expected a value near `hunter2`",
        },
        time: SystemTime::now(),
        duration: Duration::ZERO,
    })
    .unwrap();
    let line = &lines(&log.into_inner())[0];
    let v: Value = serde_json::from_str(line).unwrap();
    assert_eq!(
        v["decision"],
        serde_json::json!({"allowed": false, "error": REDACTED})
    );
    assert_eq!(v["input"]["sha256"], Value::Null);
}

#[test]
fn a_write_error_is_returned_and_the_chain_does_not_move() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let (policy, d) = decision();
    let mut log = DecisionLog::new(Full, policy.program().digest(), Redaction::default());
    let counts = Counts::default();
    let e = log
        .append(&Entry {
            input: InputRef {
                name: "in.json",
                document: Some(0),
                sha256: None,
                kind: None,
            },
            outcome: Outcome::Decided {
                decision: &d,
                suppressed: &counts,
            },
            time: SystemTime::now(),
            duration: Duration::ZERO,
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "disk full");
    assert_eq!(log.next_seq(), 0);
}
