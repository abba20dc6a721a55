//! The kind pol tells for every file of the shared corpus (`../shared/corpus`), by its
//! path and, failing that, by its content, pinned in `tests/kinds/corpus.txt`: a change
//! of what a file is taken for shows in review. Regenerate with
//! `POL_UPDATE_SNAPSHOTS=1 cargo test -p pol --test kinds`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `path kind` lines, one per document of a file (`-` for a document of no known
/// kind, `(file)` for a file pol does not read as data).
fn kinds_of(corpus: &Path) -> String {
    let mut lines = Vec::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files {
            let name = path.strip_prefix(corpus).unwrap().display().to_string();
            let by_path = pol::kind::kind_of_path(&path);
            let format = pol::kind::format_of_path(&path);
            let Some(format) = format else {
                lines.push(format!("{name} {} (file)", by_path.unwrap_or("-")));
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            match pol::load(&text, format, None) {
                Ok(docs) if docs.is_empty() => lines.push(format!("{name} (empty)")),
                Ok(docs) => {
                    let kinds: Vec<&str> = docs
                        .iter()
                        .map(|d| pol::kind::detect(Some(&path), d).unwrap_or("-"))
                        .collect();
                    lines.push(format!("{name} {}", kinds.join(" ")));
                }
                Err(_) => lines.push(format!("{name} (load error)")),
            }
        }
    }
    lines.join("\n") + "\n"
}

#[test]
fn the_kinds_of_the_corpus_files_are_pinned() {
    let corpus = repo().join("../shared/corpus");
    let got = kinds_of(&corpus);
    let path = repo().join("tests/kinds/corpus.txt");
    if std::env::var_os("POL_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == expected,
        "the kinds told for the corpus changed; review `git diff` after \
         POL_UPDATE_SNAPSHOTS=1 cargo test -p pol --test kinds"
    );
    // Every file of a kind's folder is of that kind (or empty, or does not load).
    for line in got.lines() {
        let (folder, rest) = line.split_once('/').unwrap();
        let expected = match folder {
            "github-actions" => "github-workflow",
            "kubernetes" => "kubernetes",
            "gitlab-ci" => "gitlab-ci",
            "terraform-plan" => "terraform-plan",
            "dockerfile" => "dockerfile",
            _ => continue,
        };
        let kinds: Vec<&str> = rest.split(' ').skip(1).collect();
        assert!(
            kinds.iter().all(|k| *k == expected || k.starts_with('('))
                || rest.contains("(empty)")
                || rest.contains("(load error)"),
            "{line}: expected {expected}"
        );
    }
}
