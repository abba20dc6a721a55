//! The shipped packs over every file of the shared corpus (`../shared/corpus`), as
//! `pol eval` runs them (each document as its kind): no runtime error, and the number
//! of findings of each rule pinned in `tests/packs/corpus-findings.txt`, so that any
//! change in what the packs find is reviewed. Regenerate with
//! `POL_UPDATE_SNAPSHOTS=1 cargo test -p pol --test packs_corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn the_packs_on_the_corpus_find_what_is_pinned_without_errors() {
    let corpus = repo().join("../shared/corpus");
    let policy = pol::packs::policy().unwrap();
    let mut evaluator = policy.evaluator();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut documents = 0;
    for path in files(&corpus) {
        let format = pol::kind::format_of_path(&path);
        let Some(format) = format else { continue };
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.strip_prefix(&corpus).unwrap().display().to_string();
        let Ok(docs) = policy.load(&text, format, Some(&name)) else {
            continue; // the three files with duplicate keys (corpus.rs pins them)
        };
        for doc in &docs {
            documents += 1;
            let kind = pol::kind::detect(Some(&path), doc);
            let decision = evaluator.evaluate_kind(doc, kind);
            for f in decision.violations.iter().chain(&decision.warnings) {
                let id =
                    f.id.as_ref()
                        .map_or(f.rule.to_string(), |id| id.to_string());
                *counts.entry(id).or_default() += 1;
            }
            errors.extend(
                decision
                    .errors
                    .iter()
                    .map(|e| format!("{name}: {}: {}", e.rule, e.message)),
            );
        }
    }
    assert!(documents > 400, "only {documents} documents");
    assert!(
        errors.is_empty(),
        "{} runtime errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    let got: String = counts.iter().map(|(id, n)| format!("{id} {n}\n")).collect();
    let path = repo().join("tests/packs/corpus-findings.txt");
    if std::env::var_os("POL_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == expected,
        "what the packs find on the corpus changed; review `git diff` after \
         POL_UPDATE_SNAPSHOTS=1 cargo test -p pol --test packs_corpus\n{got}"
    );
}

/// Every JSON and YAML document of the corpus and of the repository's tests, read as a
/// document of every kind whatever it is: the packs give no runtime error but the one
/// that says the root is not the kind declared (a rule must not fail on odd shapes).
/// The shared corpus has Terraform plans only: `tests/terraform/` holds hand-written
/// configurations (`.tf`, `.tf.json`), whose findings per rule and line are pinned in
/// `tests/packs/terraform-hcl-findings.txt`.
#[test]
fn the_packs_on_the_terraform_configurations_find_what_is_pinned() {
    let dir = repo().join("tests/terraform");
    let policy = pol::packs::policy().unwrap();
    let mut evaluator = policy.evaluator();
    let mut lines = Vec::new();
    for path in files(&dir) {
        let Some(format) = pol::kind::format_of_path(&path) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        let docs = policy.load(&text, format, Some(&name)).unwrap();
        for doc in &docs {
            let kind = pol::kind::detect(Some(&path), doc);
            assert_eq!(kind, Some("terraform"), "{name}");
            let decision = evaluator.evaluate_kind(doc, kind);
            assert!(decision.errors.is_empty(), "{name}: {:?}", decision.errors);
            for f in decision.violations.iter().chain(&decision.warnings) {
                let id =
                    f.id.as_ref()
                        .map_or(f.rule.to_string(), |id| id.to_string());
                let line = f.location.as_ref().map_or(0, |l| l.line);
                lines.push(format!("{name}:{line} {id} {}", f.message));
            }
        }
    }
    lines.sort();
    let got = lines.join("\n") + "\n";
    assert!(lines.len() > 20, "only {} findings", lines.len());
    let path = repo().join("tests/packs/terraform-hcl-findings.txt");
    if std::env::var_os("POL_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == expected,
        "what the packs find in tests/terraform changed; review `git diff` after \
         POL_UPDATE_SNAPSHOTS=1 cargo test -p pol --test packs_corpus\n{got}"
    );
}

#[test]
fn the_packs_give_no_runtime_error_on_documents_of_any_shape() {
    let policy = pol::packs::policy().unwrap();
    let mut evaluator = policy.evaluator();
    let mut problems = Vec::new();
    let mut documents = 0;
    let roots = [
        repo().join("../shared/corpus"),
        repo().join("tests"),
        repo().join("examples"),
    ];
    for path in roots.iter().flat_map(|r| files(r)) {
        let Some(format) = pol::kind::format_of_path(&path) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(docs) = pol::load(&text, format, None) else {
            continue;
        };
        for doc in &docs {
            documents += 1;
            for kind in pol::kind::KINDS {
                let decision = evaluator.evaluate_kind(doc, Some(kind.name));
                problems.extend(
                    decision
                        .errors
                        .iter()
                        .filter(|e| !e.message.starts_with("the input is "))
                        .map(|e| {
                            format!(
                                "{} as {}: {}: {}",
                                path.display(),
                                kind.name,
                                e.rule,
                                e.message
                            )
                        }),
                );
            }
        }
    }
    assert!(documents > 500, "only {documents} documents");
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} runtime errors:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
