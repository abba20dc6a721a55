//! The Dockerfile reader on every Dockerfile of the shared corpus
//! (`../shared/corpus/dockerfile`): the facts of each file, every string with the line
//! and column it points at, pinned in `tests/dockerfile/corpus-facts.txt`, so that a
//! change in what the reader makes of a real file shows in review. Regenerate with
//! `POL_UPDATE_SNAPSHOTS=1 cargo test -p pol-facts --test dockerfile_corpus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_facts::{Document, Format, NodeId, NodeRef};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A value on one line, each string followed by `@line:column`.
fn render(doc: &Document, id: NodeId, out: &mut String) {
    match doc.get(id) {
        NodeRef::Str(s) => {
            let p = doc.position(id).unwrap();
            let _ = write!(
                out,
                "{}@{}:{}",
                serde_json::to_string(s).unwrap(),
                p.line,
                p.column
            );
        }
        NodeRef::List(list) => {
            out.push('[');
            for (i, item) in list.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render(doc, item, out);
            }
            out.push(']');
        }
        NodeRef::Object(o) => {
            out.push('{');
            for (i, (k, v)) in o.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}: ", doc.key_str(k));
                render(doc, v, out);
            }
            out.push('}');
        }
        _ => out.push_str(&doc.to_json(id).to_string()),
    }
}

fn get(doc: &Document, id: NodeId, key: &str) -> NodeId {
    match doc.get(id) {
        NodeRef::Object(o) => o.get_str(key).unwrap(),
        _ => panic!("not an object"),
    }
}

/// The facts of one file: directives, the ARGs before the first FROM, then each stage
/// (its `from`, `name` and `ancestors`) and one line per instruction.
fn facts(doc: &Document) -> String {
    let mut out = String::new();
    let root = doc.root();
    out.push_str("directives ");
    render(doc, get(doc, root, "directives"), &mut out);
    out.push('\n');
    for arg in doc.list_iter(get(doc, root, "args")) {
        out.push_str("arg ");
        render(doc, arg, &mut out);
        out.push('\n');
    }
    for stage in doc.list_iter(get(doc, root, "stages")) {
        out.push_str("stage ");
        if let NodeRef::Object(o) = doc.get(stage) {
            for (k, v) in o.iter().filter(|(k, _)| doc.key_str(*k) != "instructions") {
                let _ = write!(out, "{}: ", doc.key_str(k));
                render(doc, v, &mut out);
                out.push(' ');
            }
        }
        out.push('\n');
        for instr in doc.list_iter(get(doc, stage, "instructions")) {
            out.push_str("  ");
            render(doc, instr, &mut out);
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_facts_of_the_corpus_dockerfiles_are_pinned() {
    let corpus = repo().join("../shared/corpus/dockerfile");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 80, "only {} Dockerfiles", files.len());
    let mut got = String::new();
    let mut loaded = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let _ = writeln!(got, "== {name}");
        match pol_facts::load(&text, Format::Dockerfile, Some(name)) {
            Ok(docs) => {
                assert_eq!(docs.len(), 1, "{name}");
                got.push_str(&facts(&docs[0]));
                loaded += 1;
            }
            Err(e) => {
                let _ = writeln!(got, "error {e}");
            }
        }
    }
    // The three files BuildKit refuses too (an unclosed quote in a LABEL, twice; a
    // stray `~` line) are the only ones that do not load.
    assert_eq!(loaded, files.len() - 3);
    let path = repo().join("tests/dockerfile/corpus-facts.txt");
    if std::env::var_os("POL_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == expected,
        "the facts of the corpus Dockerfiles changed; review `git diff` after \
         POL_UPDATE_SNAPSHOTS=1 cargo test -p pol-facts --test dockerfile_corpus"
    );
}
