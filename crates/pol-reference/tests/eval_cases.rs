//! Runs every case of `tests/eval/` on the reference evaluator: each folder holds a
//! `policy.pol`, an `input.json` or `input.yaml`, and the `expected.json` decision,
//! written by hand from docs/evaluation.md. Reports every mismatching case at once.
//!
//! Comparison: `allowed`; then, in order, each violation and warning by `rule`,
//! `severity`, `message` and `path`, and each error by `rule` and a `message` that
//! contains the expected one. `id`, `location` and `policy` are compared only when the
//! expectation gives them (`location` and `policy` field by field).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_diagnostics::SourceMap;
use pol_facts::Format;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/eval")
}

/// Runs one case; returns what differs from the expectation.
fn run_case(dir: &Path) -> Result<(), String> {
    let read = |name: &str| std::fs::read_to_string(dir.join(name));
    let policy = read("policy.pol").map_err(|e| format!("cannot read policy.pol: {e}"))?;
    let mut sources = SourceMap::new();
    let file = sources.add("policy.pol", policy);
    let (program, diagnostics) = pol_check::check_files(&mut sources, &[file]);
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| pol_diagnostics::one_line(&sources, d))
        .collect();
    if !errors.is_empty() {
        return Err(format!(
            "the policy does not check:\n  {}",
            errors.join("\n  ")
        ));
    }
    let (name, format) = if dir.join("input.yaml").exists() {
        ("input.yaml", Format::Yaml)
    } else {
        ("input.json", Format::Json)
    };
    let text = read(name).map_err(|e| format!("cannot read {name}: {e}"))?;
    let docs = pol_facts::load(&text, format, Some(name))
        .map_err(|e| format!("cannot load {name}: {e}"))?;
    let doc = docs.first().ok_or("the input has no document")?;
    let expected: Value = serde_json::from_str(
        &read("expected.json").map_err(|e| format!("cannot read expected.json: {e}"))?,
    )
    .map_err(|e| format!("expected.json is not JSON: {e}"))?;
    let decision = pol_reference::evaluate(&program, &sources, doc, &Default::default());
    let actual = serde_json::to_value(&decision).unwrap();
    let diffs = compare(&expected, &actual);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n  actual decision:\n{}",
            diffs.join("\n"),
            indent(&serde_json::to_string_pretty(&actual).unwrap())
        ))
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every difference between an expected and an actual decision, one line each.
fn compare(expected: &Value, actual: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    if expected["allowed"] != actual["allowed"] {
        diffs.push(format!(
            "  allowed: expected {}, got {}",
            expected["allowed"], actual["allowed"]
        ));
    }
    for list in ["violations", "warnings", "errors"] {
        let want = expected[list].as_array().cloned().unwrap_or_default();
        let got = actual[list].as_array().cloned().unwrap_or_default();
        if want.len() != got.len() {
            diffs.push(format!(
                "  {list}: expected {} entries, got {}",
                want.len(),
                got.len()
            ));
        }
        for (i, (w, g)) in want.iter().zip(&got).enumerate() {
            for d in compare_entry(list, w, g) {
                diffs.push(format!("  {list}[{i}].{d}"));
            }
        }
        if want.len() != got.len() {
            diffs.push(format!("  expected {list}:\n{}", indent(&lines(&want))));
            diffs.push(format!("  actual {list}:\n{}", indent(&lines(&got))));
        }
    }
    diffs
}

/// The entries of a list, one compact JSON line each.
fn lines(entries: &[Value]) -> String {
    entries
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn compare_entry(list: &str, want: &Value, got: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    let exact: &[&str] = if list == "errors" {
        &["rule"]
    } else {
        &["rule", "severity", "message", "path"]
    };
    for field in exact {
        if want[field] != got[field] {
            diffs.push(format!(
                "{field}: expected {}, got {}",
                want[field], got[field]
            ));
        }
    }
    if list == "errors" {
        let (w, g) = (
            want["message"].as_str().unwrap_or(""),
            got["message"].as_str().unwrap_or(""),
        );
        if !g.contains(w) {
            diffs.push(format!("message: expected to contain {w:?}, got {g:?}"));
        }
    }
    if want.get("id").is_some() && want["id"] != got["id"] {
        diffs.push(format!("id: expected {}, got {}", want["id"], got["id"]));
    }
    for field in ["location", "policy"] {
        match want.get(field) {
            None => {}
            Some(Value::Object(fields)) => {
                for (k, w) in fields {
                    if got[field][k] != *w {
                        diffs.push(format!("{field}.{k}: expected {w}, got {}", got[field][k]));
                    }
                }
            }
            Some(w) if got[field] != *w => {
                diffs.push(format!("{field}: expected {w}, got {}", got[field]));
            }
            Some(_) => {}
        }
    }
    diffs
}

#[test]
fn every_case_gives_its_expected_decision() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 60, "only {} cases", dirs.len());
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            run_case(dir).err().map(|e| format!("case {name}:\n{e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}

#[test]
fn comparison_ignores_what_the_expectation_omits() {
    let expected = json!({"allowed": false, "violations": [
        {"rule": "p.r", "severity": "medium", "message": "m", "path": "a"}],
        "warnings": [], "errors": [{"rule": "p.s", "message": "overflow"}]});
    let actual = json!({"allowed": false, "violations": [
        {"rule": "p.r", "id": null, "severity": "medium", "message": "m", "path": "a",
         "location": {"file": "input.json", "line": 1, "column": 2},
         "policy": {"file": "policy.pol", "line": 2, "column": 6}}],
        "warnings": [], "errors": [{"rule": "p.s", "message": "integer overflow in `+`",
         "policy": {"file": "policy.pol", "line": 3, "column": 4}}]});
    assert_eq!(compare(&expected, &actual), Vec::<String>::new());
    let mut wrong = actual.clone();
    wrong["errors"][0]["message"] = json!("division by zero");
    wrong["violations"][0]["path"] = json!("b");
    assert_eq!(compare(&expected, &wrong).len(), 2);
}
