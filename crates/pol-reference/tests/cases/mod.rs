//! Test support: the evaluation cases of `tests/eval/`. Each folder holds a
//! `policy.pol`, an `input.json` or `input.yaml`, and the `expected.json` decision,
//! written by hand from docs/evaluation.md. The same cases run on the reference
//! evaluator (`tests/eval_cases.rs` of this crate) and on the VM (`pol`'s
//! `tests/eval_cases.rs`, which includes this file by its path): test code, so that no
//! library crate reads files.
//!
//! Comparison: `allowed`; then, in order, each violation and warning by `rule`,
//! `severity`, `message` and `path`, and each error by `rule` and a `message` that
//! contains the expected one. `id`, `location` and `policy` are compared only when the
//! expectation gives them (`location` and `policy` field by field).

#![allow(
    clippy::indexing_slicing,
    reason = "serde_json's `Value` indexing returns `Null` for missing keys; it does not panic"
)]
#![allow(
    dead_code,
    reason = "included by the tests of two crates, each of which uses a part"
)]

use pol_check::hir::Program;
use pol_diagnostics::SourceMap;
use pol_facts::{Decision, Document, Format};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The folder of evaluation cases, `tests/eval/` at the top of the repository.
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/eval")
}

/// Runs one case with `evaluate`; returns what differs from the expectation.
pub fn run_case(dir: &Path, evaluate: &Evaluate<'_>) -> Result<(), String> {
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
    let decision = evaluate(&program, &sources, doc)?;
    let actual = serde_json::to_value(&decision).map_err(|e| e.to_string())?;
    let diffs = compare(&expected, &actual);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n  actual decision:\n{}",
            diffs.join("\n"),
            indent(&serde_json::to_string_pretty(&actual).unwrap_or_default())
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
pub fn compare(expected: &Value, actual: &Value) -> Vec<String> {
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

/// Evaluates a checked program on a document (or says why it could not).
pub type Evaluate<'a> = dyn Fn(&Program, &SourceMap, &Document) -> Result<Decision, String> + 'a;

/// Runs every case; returns the number of cases and a report of each failing one.
pub fn run_all(evaluate: &Evaluate<'_>) -> (usize, Vec<String>) {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    let failures = dirs
        .iter()
        .filter_map(|dir| {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            run_case(dir, evaluate)
                .err()
                .map(|e| format!("case {name}:\n{e}"))
        })
        .collect();
    (dirs.len(), failures)
}
