//! Unit tests of the parser: shapes of trees and syntax errors.

use super::*;
use crate::ast::*;

fn parse_ok(src: &str) -> Vec<Item> {
    let (file, diagnostics) = parse(FileId(0), src);
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics: {diagnostics:#?}"
    );
    file.items
}

fn codes(src: &str) -> Vec<Code> {
    parse(FileId(0), src)
        .1
        .into_iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn spec_example_parses() {
    let items = parse_ok(include_str!("../../../tests/valid/spec_example.pol"));
    assert_eq!(items.len(), 9);
}

/// A compact, fully parenthesized rendering of an expression, to pin precedence.
fn sx(e: &Expr) -> String {
    let list = |es: &[Expr]| es.iter().map(sx).collect::<Vec<_>>().join(" ");
    let clauses = |cs: &[Clause]| {
        cs.iter()
            .map(|c| match &c.kind {
                ClauseKind::For { key, value, iter } => match key {
                    Some(k) => format!("(for {} {} {})", k.text, value.text, sx(iter)),
                    None => format!("(for {} {})", value.text, sx(iter)),
                },
                ClauseKind::If(e) => format!("(if {})", sx(e)),
                ClauseKind::Let { name, value } => format!("(let {} {})", name.text, sx(value)),
                ClauseKind::Message { message, .. } => format!("(message {})", sx(message)),
                ClauseKind::Error => "(error)".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    match &e.kind {
        ExprKind::Null => "null".into(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(n) => n.to_string(),
        ExprKind::IntOutOfRange(n) => format!("{n}!"),
        ExprKind::Float(f) => format!("{f:?}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::FString(parts) => {
            let ps: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    FStringPart::Text(t) => format!("{t:?}"),
                    FStringPart::Expr(e) => sx(e),
                })
                .collect();
            format!("(f {})", ps.join(" "))
        }
        ExprKind::Name(n) => n.text.clone(),
        ExprKind::Input => "input".into(),
        ExprKind::Field { recv, name } => format!("(. {} {})", sx(recv), name.text),
        ExprKind::Index { recv, index } => format!("([] {} {})", sx(recv), sx(index)),
        ExprKind::Call { func, args } => format!("({} {})", func.text, list(args)),
        ExprKind::MethodCall { recv, method, args } => {
            format!("(.{} {} {})", method.text, sx(recv), list(args))
        }
        ExprKind::Unary {
            op: UnaryOp::Neg,
            expr,
        } => format!("(- {})", sx(expr)),
        ExprKind::Unary {
            op: UnaryOp::Not,
            expr,
        } => format!("(not {})", sx(expr)),
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", op.as_str(), sx(lhs), sx(rhs)),
        ExprKind::If { cond, then, els } => format!("(if {} {} {})", sx(cond), sx(then), sx(els)),
        ExprKind::Quantified {
            quantifier,
            key,
            value,
            iter,
            cond,
        } => format!(
            "({:?} {}{} {} {})",
            quantifier,
            key.as_ref()
                .map(|k| format!("{} ", k.text))
                .unwrap_or_default(),
            value.text,
            sx(iter),
            sx(cond)
        ),
        ExprKind::List(es) => format!("[{}]", list(es)),
        ExprKind::Set(es) => format!("#{{{}}}", list(es)),
        ExprKind::Object(pairs) => {
            let ps: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}: {}", sx(k), sx(v)))
                .collect();
            format!("{{{}}}", ps.join(", "))
        }
        ExprKind::ListComp { elem, clauses: cs } => format!("[{} {}]", sx(elem), clauses(cs)),
        ExprKind::SetComp { elem, clauses: cs } => format!("#{{{} {}}}", sx(elem), clauses(cs)),
        ExprKind::ObjectComp {
            key,
            value,
            clauses: cs,
        } => {
            format!("{{{}: {} {}}}", sx(key), sx(value), clauses(cs))
        }
        ExprKind::Error => "ERROR".into(),
    }
}

/// Parses `let x = <src>` and renders the value.
fn expr(src: &str) -> String {
    let items = parse_ok(&format!("let x = {src}"));
    match &items[0].kind {
        ItemKind::Let { value, .. } => sx(value),
        other => panic!("not a let: {other:?}"),
    }
}

#[test]
fn precedence_follows_the_spec_table() {
    assert_eq!(
        expr("a or b and not c == d"),
        "(or a (and b (not (== c d))))"
    );
    assert_eq!(expr("a ?? b + c * -d"), "(?? a (+ b (* c (- d))))");
    assert_eq!(expr("a - b - c"), "(- (- a b) c)");
    assert_eq!(expr("a ?? b ?? c"), "(?? (?? a b) c)");
    assert_eq!(expr("x not in xs"), "(not in x xs)");
    assert_eq!(expr("not x in xs"), "(not (in x xs))");
    assert_eq!(expr("a.b[0].c(1, 2)"), "(.c ([] (. a b) 0) 1 2)");
    assert_eq!(expr("-x.y"), "(- (. x y))");
    assert_eq!(expr("7 / 2 % 3"), "(% (/ 7 2) 3)");
}

#[test]
fn right_extending_forms() {
    assert_eq!(expr("if a then b else c or d"), "(if a b (or c d))");
    assert_eq!(
        expr("any s in steps: s.uses == null"),
        "(Any s steps (== (. s uses) null))"
    );
    assert_eq!(
        expr("all k, v in m: v > 1 and k != \"x\""),
        "(All k v m (and (> v 1) (!= k \"x\")))"
    );
    assert_eq!(expr("not any s in xs: s"), "(not (Any s xs s))");
    assert_eq!(expr("a and all x in xs: p"), "(and a (All x xs p))");
    assert_eq!(
        expr("a or b and if c then d else e"),
        "(or a (and b (if c d e)))"
    );
    assert_eq!(expr("(any x in xs: x) == true"), "(== (Any x xs x) true)");
}

#[test]
fn quantifier_as_comparison_operand_needs_parentheses() {
    assert_eq!(
        codes("let x = (any y in ys: y) == any z in zs: z"),
        vec![Code::UnexpectedToken]
    );
    assert_eq!(
        codes("let x = 1 + if a then 1 else 2"),
        vec![Code::UnexpectedToken]
    );
}

#[test]
fn comparisons_are_not_associative() {
    assert_eq!(codes("let x = a == b == c"), vec![Code::UnexpectedToken]);
}

#[test]
fn literals() {
    assert_eq!(expr("-9223372036854775808"), "-9223372036854775808");
    assert_eq!(expr("9223372036854775808"), "9223372036854775808!");
    assert_eq!(expr("-(3)"), "-3");
    assert_eq!(expr("- -2.5"), "2.5");
    assert_eq!(expr("1_000"), "1000");
    assert_eq!(expr(r#"r"\d+""#), r#""\\d+""#);
    assert_eq!(expr("set()"), "#{}");
    assert_eq!(expr("{}"), "{}");
}

#[test]
fn collections_and_comprehensions() {
    assert_eq!(expr("[1, 2,]"), "[1 2]");
    assert_eq!(expr("[]"), "[]");
    assert_eq!(expr("{1, 2}"), "#{1 2}");
    assert_eq!(expr(r#"{"a": 1, k: [2]}"#), r#"{"a": 1, k: [2]}"#);
    assert_eq!(
        expr("[s.uses for j in jobs for s in j.steps if s.uses != null let u = s.uses]"),
        "[(. s uses) (for j jobs) (for s (. j steps)) (if (!= (. s uses) null)) (let u (. s uses))]"
    );
    assert_eq!(expr("{x for x in xs}"), "#{x (for x xs)}");
    assert_eq!(
        expr("{k: v for k, v in m if v}"),
        "{k: v (for k v m) (if v)}"
    );
    assert_eq!(expr("{any x in xs: x}"), "#{(Any x xs x)}");
}

#[test]
fn keywords_are_field_names_after_a_dot() {
    assert_eq!(expr("step.if"), "(. step if)");
    assert_eq!(
        expr("input.input.type.in"),
        "(. (. (. input input) type) in)"
    );
    assert_eq!(expr("x.not(1)"), "(.not x 1)");
    assert_eq!(
        codes(r#"let x = {type: 1}"#).first(),
        Some(&Code::UnexpectedToken)
    );
}

#[test]
fn fstrings_parse_their_parts_with_file_spans() {
    assert_eq!(
        expr(r#"f"job {id}: {x["a"] + 1} {{ok}}""#),
        r#"(f "job " id ": " (+ ([] x "a") 1) " {ok}")"#
    );
    let (file, diagnostics) = parse(FileId(0), r#"let x = f"a {1 +} b""#);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    // The error points into the f-string, at the closing `}` position of its part.
    assert_eq!(diagnostics[0].primary.span.start, 16);
    assert_eq!(file.items.len(), 1);
}

#[test]
fn doc_comments_attach_to_items_only_at_top_level() {
    let items = parse_ok(
        "package p\n/// Line one.\n/// Line two.\n@id(\"X\")\ndeny r {\n  /// not a doc\n  message \"m\"\n}\n/// dangling\n",
    );
    assert_eq!(items[1].docs.as_deref(), Some("Line one.\nLine two."));
    assert_eq!(items[1].annotations.len(), 1);
    // A `///` line between annotations and the rule is an ordinary comment.
    let items = parse_ok(
        "package p\n/// Doc.\n@id(\"X\")\n/// not doc\n@severity(\"low\")\ndeny r {\n  message \"m\"\n}\n",
    );
    assert_eq!(items[1].docs.as_deref(), Some("Doc."));
    assert_eq!(items[1].annotations.len(), 2);
}

#[test]
fn items_and_types() {
    let items = parse_ok(
        "package a.b\nimport std.github as gh\ninput: gh.Workflow\n\
         type T = {name: string, opt?: [int], \"runs-on\"?: string | [string], type: set<map<any>>} | null\n\
         fn f(a: int, b) -> bool = a > b\ntest \"t\" { input = {\"a\": 1} expect r expect not r expect r == 2 expect v == [1] expect r at \"a.b\" }",
    );
    assert_eq!(items.len(), 6);
    let ItemKind::Test(test) = &items[5].kind else {
        panic!("not a test")
    };
    assert_eq!(test.stmts.len(), 6);
    assert!(matches!(
        &test.stmts[5].kind,
        TestStmtKind::Expect(Expectation { at: Some((path, _)), .. }) if path == "a.b"
    ));
}

#[test]
fn one_run_reports_every_syntax_error() {
    let src =
        "package p\nlet a = 1 +\nlet b = )\ndeny r {\n  if x ==\n  message \"m\"\n}\nlet c = 2\n";
    let (file, diagnostics) = parse(FileId(0), src);
    assert!(diagnostics.len() >= 3, "{diagnostics:#?}");
    // The good items around the bad ones survive.
    let names: Vec<_> = file
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Let { name, .. } => Some(name.text.as_str()),
            _ => None,
        })
        .collect();
    assert!(names.contains(&"c"), "{names:?}");
}

#[test]
fn syntax_errors_say_what_was_expected() {
    let (_, diagnostics) = parse(FileId(0), "package p\nlet = 1");
    assert_eq!(diagnostics[0].message, "unexpected `=`");
    assert_eq!(diagnostics[0].primary.message, "expected a name");
    let (_, diagnostics) = parse(FileId(0), "package p\nlet x =");
    assert_eq!(diagnostics[0].code, Code::UnexpectedEof);
    assert_eq!(diagnostics[0].primary.message, "expected an expression");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let src = format!("let x = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(codes(&src), vec![Code::NestingTooDeep]);
    let src = format!("let x = 1{}", " + 1".repeat(100_000));
    assert!(codes(&src).contains(&Code::NestingTooDeep));
    let src = format!("let x = {}1", "not ".repeat(100_000));
    assert!(codes(&src).contains(&Code::NestingTooDeep));
    let src = format!("let x = {}x", "-".repeat(100_000));
    assert!(codes(&src).contains(&Code::NestingTooDeep));
    // Negated literals fold instead of nesting.
    assert_eq!(expr(&format!("{}1", "-".repeat(1001))), "-1");
    let src = format!("let x = a{}", ".b".repeat(100_000));
    assert!(codes(&src).contains(&Code::NestingTooDeep));
}

#[test]
fn lexical_errors_do_not_stop_parsing() {
    let (file, diagnostics) = parse(
        FileId(0),
        "package p\nlet a = \"oops\nlet b = $ 1\nlet c = \"\\q\"",
    );
    let got: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        got,
        vec![
            Code::UnterminatedString,
            Code::UnexpectedCharacter,
            Code::InvalidEscape
        ]
    );
    assert_eq!(file.items.len(), 4);
}

/// Brackets nested deeper than [`MAX_NESTING`], closed or not, of every kind, in an
/// expression or an f-string part: one diagnostic, E0007 at the first bracket too deep,
/// and no "unexpected end of file" for the file the parser cut off there.
#[test]
fn brackets_nested_too_deeply_are_one_diagnostic() {
    for (open, close) in [("[", "]"), ("(", ")"), ("{", "}")] {
        for closed in [true, false] {
            // In an f-string, `{{` is a brace, not a part.
            let fstrings: &[bool] = if open == "{" {
                &[false]
            } else {
                &[false, true]
            };
            for &fstring in fstrings {
                let inner = format!(
                    "{}1{}",
                    open.repeat(200),
                    if closed {
                        close.repeat(200)
                    } else {
                        String::new()
                    }
                );
                let value = if fstring {
                    format!("f\"{{{inner}}}\"")
                } else {
                    inner
                };
                let src = format!("package p\nlet x = {value}\n");
                let (_, diagnostics) = parse(FileId(0), &src);
                let case = format!("{open} closed: {closed}, f-string: {fstring}");
                let got: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
                assert_eq!(got, vec![Code::NestingTooDeep], "{case}: {diagnostics:#?}");
                let deepest = src.match_indices(open).nth(MAX_NESTING).unwrap().0;
                assert_eq!(
                    diagnostics[0].primary.span.range(),
                    deepest..deepest + 1,
                    "{case}"
                );
            }
        }
    }
    // Unclosed but not too deep: the end of the file is the error.
    assert_eq!(
        codes(&format!("package p\nlet x = {}1", "[".repeat(MAX_NESTING))),
        vec![Code::UnexpectedEof]
    );
    // A syntax error before the cut is still reported.
    assert_eq!(
        codes(&format!(
            "package p\nlet = 1\nlet x = {}",
            "(".repeat(MAX_NESTING + 1)
        )),
        vec![Code::UnexpectedToken, Code::NestingTooDeep]
    );
}

/// Rego's `some x in xs` where a clause starts: one error that shows pol's forms, and
/// the clause read as the `for` it means. Another word there says how to iterate.
#[test]
fn a_word_where_for_goes_is_one_error_read_as_for() {
    let (file, diagnostics) = parse(
        FileId(0),
        "package p\ndeny r {\n  some i, c in input.items\n  if c.x\n  message \"m\"\n}",
    );
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d.code, Code::UnexpectedToken);
    assert_eq!(d.message, "`some ... in` is Rego: pol iterates with `for`");
    assert_eq!(
        d.help.as_deref(),
        Some(
            "a clause iterates with `for i, c in input.items`; inside an expression, \
             `any i, c in input.items: CONDITION` tests the elements"
        )
    );
    let Some(ItemKind::Rule(rule)) = file.items.get(1).map(|i| &i.kind) else {
        panic!("{:#?}", file.items)
    };
    assert!(matches!(
        &rule.clauses[0].kind,
        ClauseKind::For { key: Some(k), value, .. } if k.text == "i" && value.text == "c"
    ));
    assert_eq!(rule.clauses.len(), 3);

    let (_, diagnostics) = parse(
        FileId(0),
        "package p\ndeny r {\n  each c in f(input)\n  message \"m\"\n}",
    );
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].message, "unexpected identifier `each`");
    assert_eq!(
        diagnostics[0].help.as_deref(),
        Some("to iterate, write `for c in ...`")
    );
}

/// `'x'`: one error whose help shows the string in double quotes; parsing goes on with
/// the string it stands for.
#[test]
fn single_quotes_are_one_error_with_the_double_quoted_string() {
    let (file, diagnostics) = parse(FileId(0), "package p\nlet a = 'it \"is\"' + \"!\"");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].code, Code::UnexpectedCharacter);
    assert_eq!(
        diagnostics[0].help.as_deref(),
        Some("strings are written in double quotes: `\"it \\\"is\\\"\"`")
    );
    assert_eq!(file.items.len(), 2);
}
