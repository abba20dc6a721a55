//! Unit tests of the formatter: layout rules on small sources, the safety checks, and
//! hostile input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use super::{FormatError, elements, format_source, verify};
use pol_diagnostics::FileId;
use proptest::prelude::*;

/// Formats `source`, and checks that formatting the result changes nothing.
fn fmt(source: &str) -> String {
    let once = format_source(FileId(0), source)
        .unwrap_or_else(|e| panic!("{e}: {e:?}\n--- source ---\n{source}"));
    let twice = format_source(FileId(0), &once).expect("formatted text parses");
    assert_eq!(once, twice, "not idempotent on\n{source}");
    once
}

#[test]
fn items_clauses_and_annotations_get_their_own_lines() {
    let source = "package  a.b\nimport std.github as gh\n\n\n\nlet x=1\n\
        /// Doc.\n@id(\"X1\") @severity( \"high\" )\ndeny r\n{ for k,v in input.jobs if v.ok==false\n\n\n  message f\"{k}\" at v }\n\
        test \"t\" { input = {\"jobs\": {}}  expect not r }\n";
    let expected = "package a.b\nimport std.github as gh\n\nlet x = 1\n\
        /// Doc.\n@id(\"X1\")\n@severity(\"high\")\ndeny r {\n  for k, v in input.jobs\n  if v.ok == false\n\n  message f\"{k}\" at v\n}\n\
        test \"t\" {\n  input = {\"jobs\": {}}\n  expect not r\n}\n";
    assert_eq!(fmt(source), expected);
}

#[test]
fn spaces_around_operators_and_none_inside_brackets() {
    let cases = [
        ("let a = 1+2*3-4/5%6", "let a = 1 + 2 * 3 - 4 / 5 % 6"),
        ("let a = -x + - -y - (-1)", "let a = -x + - -y - (-1)"),
        ("let a = [ 1 , 2 ][ 0 ]", "let a = [1, 2][0]"),
        ("let a = f( x , )", "let a = f(x,)"),
        ("let a = x . y . f ( 1 )", "let a = x.y.f(1)"),
        (
            "let a = x.if [0] and x.in (1)",
            "let a = x.if[0] and x.in(1)",
        ),
        (
            "let a = not(x) and not  y in z",
            "let a = not (x) and not y in z",
        ),
        (
            "let a = x not in [1] ?? {\"k\" : 1}",
            "let a = x not in [1] ?? {\"k\": 1}",
        ),
        ("let a = any v in xs : v>=1", "let a = any v in xs: v >= 1"),
        (
            "let a = if c then[1]else[ ]",
            "let a = if c then [1] else []",
        ),
        (
            "let a = {x for x in y if x!=1}",
            "let a = {x for x in y if x != 1}",
        ),
        (
            "let a = input [\"k\"] + \"s\"[0]",
            "let a = input[\"k\"] + \"s\"[0]",
        ),
        ("let a = set( )", "let a = set()"),
        (
            "type T = { a ?: map < set < int > > | null , \"b-c\" : [ string ] }",
            "type T = {a?: map<set<int>> | null, \"b-c\": [string]}",
        ),
        (
            "fn f( p : int , q )->[ string ]=[ p ]",
            "fn f(p: int, q) -> [string] = [p]",
        ),
        ("input : T", "input: T"),
    ];
    for (source, expected) in cases {
        let formatted = fmt(&format!("package p\n{source}\n"));
        assert_eq!(formatted, format!("package p\n{expected}\n"), "{source}");
    }
}

#[test]
fn line_breaks_inside_expressions_are_kept_and_indented_by_brackets() {
    let source = "package p\nlet x = {\n        \"a\": [1,\n   2],\n\n\n \"b\": f({\n\"c\": 1\n})\n      }\n\
        let y =\n      a\n         or b\nfn g(q) = [v\n for v in q\n        if v]\n";
    let expected = "package p\nlet x = {\n  \"a\": [1,\n    2],\n\n  \"b\": f({\n    \"c\": 1\n  })\n}\n\
        let y =\n  a\n  or b\nfn g(q) = [v\n  for v in q\n  if v]\n";
    assert_eq!(fmt(source), expected);
}

#[test]
fn clause_continuations_are_indented_once_more() {
    let source = "package p\ndeny r {\nfor x in [\n1,\n2]\n  if x > 1\n        and x < 3\nmessage \"m\"\nat x\n}\n";
    let expected = "package p\ndeny r {\n  for x in [\n    1,\n    2]\n  if x > 1\n    and x < 3\n  message \"m\"\n    at x\n}\n";
    assert_eq!(fmt(source), expected);
}

#[test]
fn breaks_outside_expressions_are_joined() {
    let source = "package\np\nlet\nx\n=\n1\nfn f(a,\nb) = a\ndeny\nr\n{\nmessage \"m\"\n}\n";
    let expected = "package p\nlet x =\n  1\nfn f(a, b) = a\ndeny r {\n  message \"m\"\n}\n";
    assert_eq!(fmt(source), expected);
}

#[test]
fn comments_stay_where_they_are() {
    let source = "\n\n# head\n\npackage p # trailing\n/// Doc of x,\n///   indented.\nlet x = [ # after a bracket\n  1, # one\n\n\n  # before the close\n]\n\
        deny r {\n\n# first\nfor v in x # the loop\n\n  # between\n  message \"m\"\n    # before the brace\n}\n# last\n\n\n";
    let expected = "# head\n\npackage p  # trailing\n/// Doc of x,\n///   indented.\nlet x = [  # after a bracket\n  1,       # one\n\n  # before the close\n]\n\
        deny r {\n  # first\n  for v in x  # the loop\n\n  # between\n  message \"m\"\n  # before the brace\n}\n# last\n";
    assert_eq!(fmt(source), expected);
}

#[test]
fn a_comment_between_joined_tokens_keeps_its_line() {
    let source = "package p\nfn f(a, # the first\nb) = a\ndeny r # the rule\n{\nmessage \"m\"\n}\n";
    let expected =
        "package p\nfn f(a,  # the first\n  b) = a\ndeny r  # the rule\n  {\n  message \"m\"\n}\n";
    assert_eq!(fmt(source), expected);
}

#[test]
fn trailing_comments_of_consecutive_lines_are_aligned() {
    let source =
        "package p\nlet a = 1 # one\nlet long_name = 2      # two\nlet c = 3\nlet d = 4 # four\n";
    let expected = "package p\nlet a = 1          # one\nlet long_name = 2  # two\nlet c = 3\nlet d = 4  # four\n";
    assert_eq!(fmt(source), expected);
}

#[test]
fn literals_are_written_as_they_are() {
    let source = "package p\nlet a = [1_000, 2.5e3, r#\"a \"quoted\" b\"#, r\"x\ny\", f\"{ {\"k\": 1}[\"k\"] }\", \"\\u00e9 # no\"]\n";
    assert_eq!(fmt(source), source);
}

#[test]
fn crlf_tabs_and_a_byte_order_mark_become_plain_lines() {
    let source = "\u{FEFF}package p\r\n\tlet x = 1 # c\t\r\n";
    assert_eq!(fmt(source), "package p\nlet x = 1  # c\n");
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    assert_eq!(fmt("  # only\n\n\n# comments"), "# only\n\n# comments\n");
}

#[test]
fn a_source_with_syntax_errors_is_not_formatted() {
    for source in [
        "package p\nlet x = ",
        "package p\nlet s = \"open\n",
        "deny r {",
    ] {
        match format_source(FileId(3), source) {
            Err(FormatError::Syntax(diagnostics)) => {
                assert!(diagnostics.iter().any(|d| d.is_error()), "{source}");
                assert!(diagnostics.iter().all(|d| d.primary.span.file == FileId(3)));
            }
            other => panic!("{source}: {other:?}"),
        }
    }
}

#[test]
fn a_lost_or_moved_comment_is_an_error() {
    let source = "package p\nlet x = 1 # one\n# two\n";
    let before = elements::split(source);
    assert!(verify(source, &before, "package p\nlet x = 1  # one\n# two\n").is_ok());
    match verify(source, &before, "package p\nlet x = 1\n# two\n") {
        Err(FormatError::CommentChanged { comment }) => assert_eq!(comment, "# one"),
        other => panic!("{other:?}"),
    }
    match verify(source, &before, "package p\n# two\nlet x = 1 # one\n") {
        Err(FormatError::TokenChanged { .. } | FormatError::CommentChanged { .. }) => {}
        other => panic!("{other:?}"),
    }
    match verify(source, &before, "package p\nlet x = 2 # one\n# two\n") {
        Err(FormatError::TokenChanged { offset }) => assert_eq!(offset, 18),
        other => panic!("{other:?}"),
    }
    // An f-string moved elsewhere is the same token.
    let fstring = "package p\nlet x = f\"{a}\"\n";
    let before = elements::split(fstring);
    assert!(verify(fstring, &before, "package p\n\nlet x =  f\"{a}\"\n").is_ok());
    assert!(verify(fstring, &before, "package p\nlet x = f\"{b}\"\n").is_err());
}

#[test]
fn deep_nesting_is_formatted_without_recursion_and_too_deep_is_refused() {
    let depth = 120;
    let source = format!(
        "package p\nlet x = {}1{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    assert_eq!(fmt(&source), source);
    let broken = format!(
        "package p\nlet x = {}1\n{}\n",
        "[\n".repeat(depth),
        "]".repeat(depth)
    );
    let formatted = fmt(&broken);
    assert!(
        formatted
            .lines()
            .any(|l| l.starts_with(&" ".repeat(2 * (depth - 1))))
    );
    let too_deep = format!("package p\nlet x = {}1\n", "(".repeat(100_000));
    assert!(matches!(
        format_source(FileId(0), &too_deep),
        Err(FormatError::Syntax(_))
    ));
}

const VOCABULARY: &[&str] = &[
    "package", "import", "as", "input", "type", "let", "fn", "deny", "warn", "for", "in", "if",
    "then", "else", "not", "and", "or", "any", "all", "message", "at", "test", "true", "false",
    "null", "x", "y", "1", "2.5", "\"s\"", "r\"r\"", "f\"{x}\"", "(", ")", "[", "]", "{", "}", ",",
    ".", ":", "=", "==", "<", ">", "+", "-", "??", "?", "@", "->", "|", "///doc\n", "#c\n", "\n",
    "\n\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Token soup never panics; whatever parses formats to a fixed point.
    #[test]
    fn token_soup_formats_or_is_refused(tokens in prop::collection::vec(prop::sample::select(VOCABULARY), 0..80)) {
        let source = format!("package p\n{}", tokens.join(" "));
        if let Ok(once) = format_source(FileId(0), &source) {
            let twice = format_source(FileId(0), &once);
            prop_assert!(matches!(&twice, Ok(t) if *t == once), "{source:?}\n{once}\n{twice:?}");
        }
    }

    #[test]
    fn random_text_never_panics(source in "\\PC{0,200}") {
        let _ = format_source(FileId(0), &source);
    }
}
