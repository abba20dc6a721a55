//! Garbage in: random bytes, token soup and truncated files give diagnostics, never a
//! panic or a stack overflow.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_diagnostics::FileId;
use pol_syntax::parse;
use proptest::prelude::*;

const VALID: &str = include_str!("../../../tests/valid/spec_example.pol");

const VOCABULARY: &[&str] = &[
    "package", "import", "as", "input", "type", "let", "fn", "deny", "warn", "for", "in", "if",
    "then", "else", "not", "and", "or", "any", "all", "message", "at", "test", "true", "false",
    "null", "x", "y", "1", "2.5", "\"s\"", "r\"r\"", "f\"{x}\"", "f\"{", "(", ")", "[", "]", "{",
    "}", ",", ".", ":", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "??", "?",
    "@", "->", "|", "///doc\n", "#c\n", "\"", "\\", "$",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_text_never_panics(src in "\\PC{0,200}") {
        let _ = parse(FileId(0), &src);
    }

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(VOCABULARY), 0..120)) {
        let src = tokens.join(" ");
        let (_, diagnostics) = parse(FileId(0), &src);
        // Every diagnostic points inside the source.
        for d in diagnostics {
            prop_assert!(d.primary.span.end as usize <= src.len(), "{d:?} outside {src:?}");
        }
    }

    #[test]
    fn files_cut_inside_a_rule_report_an_error(cut in 1..VALID.len()) {
        let Some(prefix) = VALID.get(..cut) else { return Ok(()) };
        let (_, diagnostics) = parse(FileId(0), prefix);
        for d in &diagnostics {
            prop_assert!(d.primary.span.end as usize <= prefix.len());
        }
        let open = VALID.find("deny unpinned_action {").unwrap() + "deny unpinned_action {".len();
        let close = open + VALID[open..].find("\n}").unwrap() + 1;
        if (open..=close).contains(&cut) {
            prop_assert!(!diagnostics.is_empty(), "no error for a file cut at {cut}");
        }
    }
}

#[test]
fn random_bytes_lossy_never_panic() {
    // A fixed pseudo-random byte stream (xorshift), decoded lossily as the CLI would refuse
    // non-UTF-8; the parser must cope with whatever text survives.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..400)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state & 0xFF) as u8
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(FileId(0), &text);
    }
}
