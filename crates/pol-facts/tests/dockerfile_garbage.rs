//! Garbage in, as a Dockerfile: random and mangled text gives a document whose every
//! node has a position, or a load error at a line and column; never a panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_facts::{Document, Format, NodeId, load};
use proptest::prelude::*;

fn check(text: &str) {
    let lines = u32::try_from(text.split('\n').count()).unwrap();
    match load(text, Format::Dockerfile, Some("Dockerfile")) {
        Ok(docs) => {
            for doc in &docs {
                walk(doc, doc.root(), lines);
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines && e.column >= 1, "{e}");
            assert!(!e.message.is_empty());
        }
    }
}

fn walk(doc: &Document, node: NodeId, lines: u32) {
    let p = doc.position(node).unwrap();
    assert!(p.line >= 1 && p.line <= lines, "line {} of {lines}", p.line);
    for child in doc.list_iter(node) {
        walk(doc, child, lines);
    }
    for (_, child) in doc.object_iter(node) {
        walk(doc, child, lines);
    }
}

/// Text made of the pieces that matter to a Dockerfile.
fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("\n"),
            Just(" "),
            Just("\t"),
            Just("\\\n"),
            Just("`\n"),
            Just("\\"),
            Just("FROM a"),
            Just("FROM "),
            Just(" AS b"),
            Just("RUN "),
            Just("COPY "),
            Just("ADD "),
            Just("ENV "),
            Just("ARG "),
            Just("LABEL "),
            Just("USER "),
            Just("EXPOSE "),
            Just("WORKDIR "),
            Just("HEALTHCHECK "),
            Just("CMD "),
            Just("ONBUILD "),
            Just("NONE"),
            Just("# escape=`\n"),
            Just("# syntax=x\n"),
            Just("#"),
            Just("<<EOF"),
            Just("<<-'E'"),
            Just("EOF"),
            Just("E"),
            Just("\tE"),
            Just("["),
            Just("]"),
            Just("\""),
            Just("'"),
            Just(","),
            Just("="),
            Just("--x=y"),
            Just("--mount=type=secret"),
            Just("$A"),
            Just("${A:-b}"),
            Just("$("),
            Just(")"),
            Just("|"),
            Just("&&"),
            Just(";"),
            Just(">"),
            Just("2>&1"),
            Just(":"),
            Just("/"),
            Just("@sha256:0"),
            Just("é"),
            Just("\u{feff}"),
            Just("\r\n"),
            Just("a"),
        ],
        0..48,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn dockerfile_soup_never_panics(text in soup()) {
        check(&text);
    }

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        check(&text);
    }
}

#[test]
fn truncated_files_never_panic() {
    let text = "# syntax=docker/dockerfile:1\nARG V=1\nFROM --platform=$P a:${V}@sha256:0 AS b\nRUN --mount=type=cache,target=/c apt-get update \\\n  && curl -fsSL x | sh\nCOPY <<-EOF /a\n\té\n\tEOF\nENV A=\"b c\" D=e\nHEALTHCHECK CMD [\"x\"]\nONBUILD RUN y\nUSER a:b\nEXPOSE 22/tcp\n";
    for cut in 0..=text.len() {
        if let Some(prefix) = text.get(..cut) {
            check(prefix);
        }
    }
}
