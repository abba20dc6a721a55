//! Literal checks: integer range, and regex and glob patterns compiled at check time.

use pol_diagnostics::{Code, Diagnostic, Span};

/// E0004 for an integer literal above `i64::MAX`.
pub(crate) fn int_out_of_range(value: u64, span: Span) -> Diagnostic {
    Diagnostic::error(Code::IntegerTooLarge, span, "integer literal out of range")
        .with_label(format!("`{value}` does not fit in 64 bits"))
        .with_help(format!(
            "integers range from {} to {}; write a float (`{value}.0`) for larger numbers",
            i64::MIN,
            i64::MAX
        ))
}

/// E0109 when `pattern` (a literal given to `matches`) is not a valid regex.
pub(crate) fn check_regex(pattern: &str, span: Span) -> Option<Diagnostic> {
    let err = regex::Regex::new(pattern).err()?;
    Some(
        Diagnostic::error(Code::InvalidRegex, span, "invalid regular expression")
            .with_label(regex_error_text(&err))
            .with_help("patterns use RE2 syntax (no look-around or backreferences); escape a literal character with `\\`"),
    )
}

/// The one-line reason of a regex error (its display shows the pattern and a caret
/// over several lines, which the label already does better).
fn regex_error_text(err: &regex::Error) -> String {
    let text = err.to_string();
    let reason = text
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .unwrap_or(text.trim());
    reason.to_string()
}

/// E0110 when `pattern` (a literal given to `glob`) is not a valid glob.
pub(crate) fn check_glob(pattern: &str, span: Span) -> Option<Diagnostic> {
    let err = pol_core::glob(pattern).err()?;
    Some(
        Diagnostic::error(Code::InvalidGlob, span, "invalid glob pattern")
            .with_label(err.kind().to_string())
            .with_help("globs use `*` (within a path segment), `**` (any segments), `?`, `[...]` and `{a,b}`"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_patterns_pass() {
        assert!(check_regex(r"@[0-9a-f]{40}$", Span::default()).is_none());
        assert!(check_glob("src/**/*.rs", Span::default()).is_none());
    }

    #[test]
    fn regex_errors_have_a_one_line_reason() {
        let d = check_regex("(ab", Span::default()).unwrap();
        assert_eq!(d.code, Code::InvalidRegex);
        assert_eq!(d.primary.message, "unclosed group");
        let d = check_regex("a{2,1}", Span::default()).unwrap();
        assert!(!d.primary.message.contains('\n'), "{}", d.primary.message);
    }

    #[test]
    fn glob_errors_name_the_problem() {
        let d = check_glob("[ab", Span::default()).unwrap();
        assert_eq!(d.code, Code::InvalidGlob);
        assert!(
            d.primary.message.contains("unclosed character class"),
            "{}",
            d.primary.message
        );
    }

    #[test]
    fn int_range_help_gives_the_bounds() {
        let d = int_out_of_range(9_223_372_036_854_775_808, Span::default());
        assert!(d.help.unwrap().contains("9223372036854775807"));
    }
}
