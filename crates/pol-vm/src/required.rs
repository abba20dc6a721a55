//! The literal every match of a regex contains: `matches` looks for it first, and a
//! string without it cannot match.
//!
//! The regex crate searches from literal prefixes (`${{` in
//! `\$\{\{[^}]*github\.event`), but every prefix found starts its automaton, which
//! costs more than the search for a literal that decides the match alone. Here the
//! literal may come from anywhere in the pattern: the longest one every match
//! contains (`github.event` there, `secrets.` in `echo[^\n]*\$\{\{\s*secrets\.`). A
//! string without it is no match, without starting the automaton; a string with it
//! goes to the regex as before.

use regex_syntax::hir::{Hir, HirKind};

/// Literals shorter than this are not worth a search of their own: short ones are
/// common (`@`, `sh`), and the regex's own prefilter finds prefixes anyway.
const MIN_LEN: usize = 4;

/// A literal (UTF-8 bytes) that every match of `hir` contains, when one of at least
/// [`MIN_LEN`] bytes is known; the longest found.
pub(crate) fn required_literal(hir: &Hir) -> Option<Vec<u8>> {
    required(hir).filter(|lit| lit.len() >= MIN_LEN)
}

/// A literal every match of `hir` contains (maybe empty), conservatively: `None` when
/// none is known. Case-insensitive letters are classes in the `Hir`, so they give
/// none.
fn required(hir: &Hir) -> Option<Vec<u8>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(lit.0.to_vec()),
        HirKind::Capture(capture) => required(&capture.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => required(&rep.sub),
        // Every part is in every match: the longest part's literal.
        HirKind::Concat(parts) => parts.iter().filter_map(required).max_by_key(Vec::len),
        // Every match is a match of one alternative: what all of theirs share, at
        // the start or at the end.
        HirKind::Alternation(alts) => {
            let lits: Vec<Vec<u8>> = alts.iter().map(required).collect::<Option<_>>()?;
            let (first, rest) = lits.split_first()?;
            let prefix = rest.iter().fold(first.len(), |n, lit| {
                n.min(first.iter().zip(lit).take_while(|(a, b)| a == b).count())
            });
            let suffix = rest.iter().fold(first.len(), |n, lit| {
                n.min(
                    first
                        .iter()
                        .rev()
                        .zip(lit.iter().rev())
                        .take_while(|(a, b)| a == b)
                        .count(),
                )
            });
            let shared = if prefix >= suffix {
                first.get(..prefix)
            } else {
                first.get(first.len() - suffix..)
            };
            shared.map(<[u8]>::to_vec)
        }
        HirKind::Empty | HirKind::Class(_) | HirKind::Look(_) | HirKind::Repetition(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(pattern: &str) -> Option<String> {
        let hir = regex_syntax::Parser::new().parse(pattern).unwrap();
        required_literal(&hir).map(|l| String::from_utf8(l).unwrap())
    }

    #[test]
    fn the_longest_literal_every_match_contains() {
        let cases = [
            (
                r"\$\{\{[^}]*(github\.head_ref|github\.event\.[a-z_]+\.(title|body)|github\.event\.head_commit\.message)",
                Some("github."),
            ),
            (r"echo[^\n]*\$\{\{\s*secrets\.", Some("secrets.")),
            (r"(curl|wget)[^|\n]*\|\s*(sudo\s+)?(ba|z)?sh\b", None),
            (r"@[0-9a-f]{40}$", None),
            (r"^release-(alpha|beta)$", Some("release-")),
            (r"(foo_config|bar_config)", Some("_config")),
            (r"(abcd)+x", Some("abcd")),
            // Optional, repeated from zero, case-insensitive or in only some
            // alternatives: not required.
            (r"(abcdef)?x", None),
            (r"(abcdef)*x", None),
            (r"(?i)abcdef", None),
            (r"abcdef|xyz", None),
            (r"", None),
        ];
        for (pattern, expected) in cases {
            assert_eq!(literal(pattern).as_deref(), expected, "{pattern}");
        }
    }

    /// On random strings made of pieces of matches, a pattern never matches a string
    /// without its literal.
    #[test]
    fn a_string_without_the_literal_never_matches() {
        let patterns = [
            r"ab(cd|ce)+cdab",
            r"(xabcd|yabcd)[a-d]*",
            r"a[bc]*(dcbaa|dcbab)",
            r"(abcd){2}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for pattern in patterns {
            let lit = literal(pattern).expect(pattern);
            let re = regex::Regex::new(pattern).unwrap();
            let mut matched = 0;
            for _ in 0..20_000 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // Pieces of matches, so that some strings match and many nearly do.
                let pieces = ["ab", "cd", "ce", "a", "b", "c", "d", "x", "y", "dcb"];
                let len = (seed % 8) as usize;
                let text: String = (0..len)
                    .map(|i| pieces[((seed >> (i * 4 + 3)) % 10) as usize])
                    .collect();
                if re.is_match(&text) {
                    matched += 1;
                    assert!(
                        text.contains(&lit),
                        "{pattern} matched {text} without {lit}"
                    );
                }
            }
            assert!(
                matched > 0,
                "{pattern} never matched: the test tests nothing"
            );
        }
    }
}
