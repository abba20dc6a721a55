//! "Did you mean `x`?": the closest known name to a misspelt one.

/// The candidate closest to `name`, if one is close enough to be a likely typo.
///
/// Close enough means the same name in another case, a normalized Damerau–Levenshtein
/// similarity of at least 0.7, or a single edit (for names of two characters or
/// more). Among several, the most similar wins; ties go to the smallest name, so the
/// answer does not depend on the order of `candidates`.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate == name || candidate.is_empty() {
            continue;
        }
        let Some(score) = similarity(name, candidate) else {
            continue;
        };
        let better = match best {
            None => true,
            Some((s, b)) => score > s || (score == s && candidate < b),
        };
        if better {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `"did you mean `x`?"` for the closest candidate, if any.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// How alike two names are (1.0 for a case-only difference), or `None` when they are
/// too far apart to suggest one for the other.
fn similarity(name: &str, candidate: &str) -> Option<f64> {
    if name.eq_ignore_ascii_case(candidate) {
        return Some(1.0);
    }
    let score = strsim::normalized_damerau_levenshtein(name, candidate);
    let one_edit = strsim::damerau_levenshtein(name, candidate) == 1
        && name.chars().count() >= 2
        && candidate.chars().count() >= 2;
    (score >= 0.7 || one_edit).then_some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        assert_eq!(
            closest("lenght", ["len", "length", "lower"]),
            Some("length")
        );
        assert_eq!(closest("spilt", ["split", "sort"]), Some("split"));
        assert_eq!(closest("uper", ["upper", "lower"]), Some("upper"));
        assert_eq!(closest("Len", ["len"]), Some("len"));
        assert_eq!(closest("ab", ["abc"]), Some("abc"));
    }

    #[test]
    fn rejects_unrelated_names() {
        assert_eq!(closest("owner", ["trusted_owners", "is_pinned"]), None);
        assert_eq!(closest("x", ["y"]), None);
        assert_eq!(closest("foo", ["foo"]), None);
        assert_eq!(did_you_mean("zzz", ["len"]), None);
    }

    #[test]
    fn ties_go_to_the_smallest_name() {
        assert_eq!(closest("cat", ["cut", "bat"]), Some("bat"));
        assert_eq!(
            did_you_mean("cat", ["cut", "bat"]).as_deref(),
            Some("did you mean `bat`?")
        );
    }
}
