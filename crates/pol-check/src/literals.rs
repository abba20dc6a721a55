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

/// The compiled size (bytes of the regex crate's program) above which a literal regex
/// is costly to compile (W0005). Patterns below it compile in about a millisecond;
/// `\w{0,30}` (Unicode's every word character, 30 times over) is twice as big and
/// takes 20 ms, `\w{0,127}` eight times and takes 90 ms (release build); the same
/// with `[A-Za-z0-9_]` is under 32 KB.
const COSTLY_REGEX_BYTES: usize = 1 << 20;

/// E0109 when `pattern` (a literal given to `matches`) is not a valid regex; W0005
/// when it is one whose compiled program is larger than [`COSTLY_REGEX_BYTES`]. The
/// pattern is compiled with that size limit first, so that a cheap one (nearly
/// every one) is compiled once.
pub(crate) fn check_regex(pattern: &str, span: Span) -> Option<Diagnostic> {
    let err = match regex::RegexBuilder::new(pattern)
        .size_limit(COSTLY_REGEX_BYTES)
        .build()
    {
        Ok(_) => return None,
        Err(regex::Error::CompiledTooBig(_)) => match regex::Regex::new(pattern) {
            Ok(_) => return Some(costly_regex(pattern, span)),
            Err(err) => err,
        },
        Err(err) => err,
    };
    Some(
        Diagnostic::error(Code::InvalidRegex, span, "invalid regular expression")
            .with_label(regex_error_text(&err))
            .with_help("patterns use RE2 syntax (no look-around or backreferences); escape a literal character with `\\`"),
    )
}

/// W0005: a valid regex whose compiled program is large, with advice for the usual
/// cause, a Unicode class repeated many times.
fn costly_regex(pattern: &str, span: Span) -> Diagnostic {
    let unicode_class = ["\\w", "\\d", "\\s", "\\p", "\\P"]
        .iter()
        .any(|class| pattern.contains(class));
    let help = if unicode_class {
        "`\\w`, `\\d` and `\\s` match any Unicode word character, digit or space, and a \
         counted repetition (`{0,127}`) copies the class each time; when ASCII is meant, \
         write `[A-Za-z0-9_]` or `(?-u:\\w)`, `[0-9]`, `[ \\t\\n]`, which compile a \
         hundred times smaller"
    } else {
        "a counted repetition (`{0,127}`) copies what it repeats each time: repeat a \
         smaller class, or fewer times"
    };
    Diagnostic::warning(
        Code::CostlyRegex,
        span,
        "regular expression costly to compile",
    )
    .with_label(format!(
        "compiles to more than {} MB",
        COSTLY_REGEX_BYTES >> 20
    ))
    .with_help(help)
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
    fn large_regexes_are_a_warning_that_says_why() {
        let d = check_regex(r"^\w{0,127}$", Span::default()).unwrap();
        assert_eq!(d.code, Code::CostlyRegex);
        assert_eq!(d.severity, pol_diagnostics::Severity::Warning);
        assert!(d.help.unwrap().contains("[A-Za-z0-9_]"));
        // The ASCII forms of the same pattern are cheap.
        for cheap in [r"^[A-Za-z0-9_]{0,127}$", r"^(?-u:\w){0,127}$", r"\w+"] {
            assert!(check_regex(cheap, Span::default()).is_none(), "{cheap}");
        }
        // Too large even for the regex crate's own limit: invalid, not costly.
        let d = check_regex(r"\w{0,127}\w{0,127}", Span::default()).unwrap();
        assert_eq!(d.code, Code::InvalidRegex);
        // Invalid patterns are errors whatever their size.
        let d = check_regex(r"\w{0,127}(", Span::default()).unwrap();
        assert_eq!(d.code, Code::InvalidRegex);
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
