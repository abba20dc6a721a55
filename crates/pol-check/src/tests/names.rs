//! Name resolution (E0100–E0105, E0109, E0110, E0113, E0004).

use super::*;
use crate::Builtin;
use crate::hir::{Callee, ExprKind};

#[test]
fn unknown_names_get_a_suggestion_from_locals_and_lets() {
    let c = check_body("let trusted_owners = 1\nlet x = trusted_owner");
    let d = c.only_at(Code::UnknownName, "trusted_owner");
    assert_eq!(d.message, "unknown name `trusted_owner`");
    assert_eq!(help(d), "did you mean `trusted_owners`?");

    let c = check_body(
        "deny r {\n  for step in input.steps\n  if stpe.uses == null\n  message \"m\"\n}",
    );
    assert_eq!(
        help(c.only_at(Code::UnknownName, "stpe")),
        "did you mean `step`?"
    );

    let c = check_body("let x = completely_unrelated");
    assert_eq!(c.only().help, None);
}

#[test]
fn locals_are_only_visible_in_their_scope() {
    let c =
        check_body("let a = [x for x in [1]]\nlet b = x\nlet c = any y in [1]: y > 0\nlet d = y");
    assert_eq!(c.codes(), [Code::UnknownName, Code::UnknownName]);
    let texts: Vec<&str> = c.diags.iter().map(|d| c.text(d)).collect();
    assert_eq!(texts, ["x", "y"]);
}

#[test]
fn a_clause_binding_is_not_visible_in_its_own_value() {
    let c = check_body("deny r {\n  let v = v\n  message \"m\"\n}");
    c.only_at(Code::UnknownName, "v");
}

#[test]
fn unknown_functions_get_a_suggestion_from_fns_and_builtins() {
    let c = check_body(
        "fn helper(x) = x\nlet a = lne(\"x\")\nlet b = \"x\".uper()\nlet c = helpr(1)\nlet d = frobnicate(1)",
    );
    assert_eq!(c.codes(), [Code::UnknownFunction; 4]);
    let helps: Vec<&str> = c.diags.iter().map(help).collect();
    assert_eq!(
        helps,
        [
            "did you mean `len`?",
            "did you mean `upper`?",
            "did you mean `helper`?",
            ""
        ]
    );
    assert_eq!(c.diags[0].message, "unknown function `lne`");
}

#[test]
fn calling_a_value_explains_itself() {
    let c = check_body("let limit = 1\nlet x = limit(2)");
    let d = c.only_at(Code::UnknownFunction, "limit");
    assert_eq!(help(d), "`limit` is a let, not a function");
}

#[test]
fn functions_rules_and_types_are_not_values() {
    let c = check_body(
        "fn f() = 1\ntype T = int\ndeny r { message \"m\" }\nlet a = f\nlet b = T\nlet c = r",
    );
    assert_eq!(c.codes(), [Code::NotAValue; 3]);
    assert_eq!(c.diags[0].message, "`f` is a function, not a value");
    assert_eq!(help(&c.diags[0]), "call it, as in `f(...)`");
    assert_eq!(c.diags[1].message, "`T` is a type, not a value");
    assert_eq!(c.diags[2].message, "`r` is a rule, not a value");
}

#[test]
fn names_are_unique_across_kinds() {
    let c = check_body("let x = 1\nfn x() = 2\ntype x = int\ndeny x { message \"m\" }");
    assert_eq!(c.codes(), [Code::DuplicateItem; 3]);
    for d in &c.diags {
        assert_eq!(c.text(d), "x");
        assert_eq!(secondary_texts(&c, d), ["x"]);
        assert_eq!(d.secondary[0].span.start, 14);
    }
}

#[test]
fn a_function_cannot_take_a_builtins_name() {
    let c = check_body("fn len(x) = 1");
    let d = c.only_at(Code::DuplicateItem, "len");
    assert_eq!(d.message, "`len` is a builtin function");
}

#[test]
fn a_local_may_share_a_functions_name() {
    let c = check_body(
        "fn owner(u) = u\ndeny r {\n  for uses in input.x\n  let owner = owner(uses)\n  message owner\n}",
    );
    c.assert_clean();
}

#[test]
fn shadowing_a_local_is_an_error() {
    let source = "package p\ndeny r {\n  for x in input.a\n  for x in input.b\n  message \"m\"\n}";
    let c = check(source);
    let d = c.only();
    assert_eq!(d.code, Code::Shadowing);
    assert_eq!(d.message, "`x` shadows a local binding");
    let at = |s: &str| u32::try_from(source.find(s).unwrap() + 4).unwrap();
    assert_eq!(d.primary.span.start, at("for x in input.b"));
    assert_eq!(d.secondary[0].span.start, at("for x in input.a"));
    assert_eq!(d.secondary[0].message, "`x` is already bound here");
}

/// `data` is bound in every package (the reference data): a let, parameter or local
/// of that name would hide it, and is refused like any other shadowing.
#[test]
fn binding_data_is_an_error() {
    let c = check(
        "package p\nlet data = 1\nfn f(data) = 1\nlet xs = [data for data in input.items]\n\
         deny r {\n  let data = input.x\n  message \"m\"\n}",
    );
    assert_eq!(c.codes(), [Code::Shadowing; 4]);
    for d in &c.diags {
        assert_eq!(d.message, "`data` shadows the reference data");
        assert!(
            d.help.as_deref().unwrap_or("").contains("docs/data.md"),
            "{d:#?}"
        );
    }
}

#[test]
fn shadowing_a_let_a_parameter_or_an_import_is_an_error() {
    let c = check_many(&[
        "package lib\n",
        "package p\nimport lib\nlet limit = 1\nfn f(limit) = 1\nfn g(a, a) = a\nfn h(v) = [v for v in [1]]\nlet q = any lib in [1]: true",
    ]);
    assert_eq!(c.codes(), [Code::Shadowing; 4]);
    let messages: Vec<&str> = c.diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`limit` shadows a top-level let",
            "`a` shadows a local binding",
            "`v` shadows a local binding",
            "`lib` shadows an imported package",
        ]
    );
    for d in &c.diags {
        assert_eq!(d.secondary.len(), 1, "{d:#?}");
    }
}

#[test]
fn sibling_scopes_may_reuse_names() {
    let c = check_body(
        "let a = [x for x in [1]] + [x for x in [2]]\nlet b = (any x in [1]: x > 0) and (all x in [1]: x > 0)",
    );
    c.assert_clean();
}

#[test]
fn a_function_calling_itself_is_recursive() {
    let c = check_body("fn f(n) = if n == 0 then 0 else f(n - 1)");
    let d = c.only_at(Code::Recursion, "f");
    assert_eq!(d.message, "`f` depends on itself: `f -> f`");
    assert_eq!(secondary_texts(&c, d), ["f"]);
    assert_eq!(d.secondary[0].message, "`f` calls `f` here");
}

#[test]
fn mutual_recursion_is_reported_once_with_each_step() {
    let c = check_body("fn f(n) = g(n)\nfn g(n) = f(n) + g2(n)\nfn g2(n) = 1");
    let d = c.only_at(Code::Recursion, "f");
    assert_eq!(d.message, "`f` depends on itself: `f -> g -> f`");
    let labels: Vec<&str> = d.secondary.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(labels, ["`f` calls `g` here", "`g` calls `f` here"]);
}

#[test]
fn cycles_through_lets_and_functions_are_recursive() {
    let c = check_body("let a = b\nlet b = a");
    let d = c.only_at(Code::Recursion, "a");
    assert_eq!(d.message, "`a` depends on itself: `a -> b -> a`");

    let c = check_body("let limit = f(1)\nfn f(x) = x + limit");
    let d = c.only_at(Code::Recursion, "limit");
    assert_eq!(
        d.message,
        "`limit` depends on itself: `limit -> f -> limit`"
    );
    assert_eq!(d.secondary[1].message, "`f` uses `limit` here");
}

#[test]
fn cycles_across_packages_use_qualified_names() {
    let c = check_many(&[
        "package a\nimport b\nlet x = b.y",
        "package b\nimport a\nlet y = a.x",
    ]);
    let d = c.only();
    assert_eq!(d.code, Code::Recursion);
    assert_eq!(d.message, "`a.x` depends on itself: `a.x -> b.y -> a.x`");
}

#[test]
fn shared_dependencies_are_not_cycles() {
    let c =
        check_body("let a = 1\nlet b = a + a\nlet c = a + b\nfn f(x) = g(x) + g(x)\nfn g(x) = x");
    c.assert_clean();
}

#[test]
fn arity_is_checked_for_builtins_and_user_functions() {
    let c = check_body(
        "fn two(a, b) = a\nlet x = split(\"a\")\nlet y = two(1, 2, 3)\nlet z = len(\"a\")",
    );
    assert_eq!(c.codes(), [Code::WrongArity, Code::WrongArity]);
    assert_eq!(
        c.diags[0].message,
        "`split` takes 2 arguments but 1 was given"
    );
    assert_eq!(c.text(&c.diags[0]), "split(\"a\")");
    assert_eq!(
        c.diags[1].message,
        "`two` takes 2 arguments but 3 were given"
    );
    assert_eq!(secondary_texts(&c, &c.diags[1]), ["two"]);
}

#[test]
fn method_call_arity_counts_the_receiver() {
    let c = check_body("let x = \"a/b\".split()\nlet y = \"a\".len()");
    let d = c.only_at(Code::WrongArity, "\"a/b\".split()");
    assert_eq!(d.message, "`split` takes 2 arguments but 1 was given");
    assert!(help(d).contains("receiver is the first argument"), "{d:#?}");
}

#[test]
fn methods_resolve_to_user_functions_too() {
    let c = check_body("fn twice(x) = x * 2\nlet y = 3.twice()");
    c.assert_clean();
    let ExprKind::Call { callee, args } = &c.program.lets[0].value.kind else {
        panic!()
    };
    assert_eq!(*callee, Callee::User(crate::hir::FnId(0)));
    assert_eq!(args.len(), 1);
}

#[test]
fn literal_regexes_are_compiled() {
    let c = check_body(
        "let a = \"x\".matches(\"(ab\")\nlet b = matches(\"x\", r\"[0-9]{40}$\")\nlet p = \"(\"\nlet c = \"x\".matches(p)",
    );
    let d = c.only_at(Code::InvalidRegex, "\"(ab\"");
    assert_eq!(d.primary.message, "unclosed group");
}

#[test]
fn literal_globs_are_checked() {
    let c = check_body("let a = glob(\"src/x.rs\", \"src/[ab\")\nlet b = \"x\".glob(\"**/*.rs\")");
    let d = c.only_at(Code::InvalidGlob, "\"src/[ab\"");
    assert!(
        d.primary.message.contains("unclosed character class"),
        "{d:#?}"
    );
}

#[test]
fn integer_literals_out_of_range_are_reported() {
    let c = check_body("let a = 9223372036854775808\nlet b = -9223372036854775808");
    let d = c.only_at(Code::IntegerTooLarge, "9223372036854775808");
    assert_eq!(d.message, "integer literal out of range");
    assert!(help(d).contains("-9223372036854775808 to 9223372036854775807"));
    assert_eq!(c.program.lets[1].value.kind, ExprKind::Int(i64::MIN));
}

#[test]
fn input_and_builtins_lower_directly() {
    let c = check_body("let n = len(input.items)");
    c.assert_clean();
    let ExprKind::Call { callee, args } = &c.program.lets[0].value.kind else {
        panic!()
    };
    assert_eq!(*callee, Callee::Builtin(Builtin::Len));
    let ExprKind::Field { recv, name } = &args[0].kind else {
        panic!()
    };
    assert_eq!(recv.kind, ExprKind::Input);
    assert_eq!(name, "items");
}

#[test]
fn a_package_with_an_unparsable_item_reports_no_unknown_names() {
    let c = check_body("let = 1\nlet x = maybe_defined_above + f(1)");
    assert!(
        c.diags
            .iter()
            .all(|d| !matches!(d.code, Code::UnknownName | Code::UnknownFunction)),
        "{:#?}",
        c.diags
    );
    assert!(!c.diags.is_empty());
}

#[test]
fn type_errors_are_reported_alongside_name_errors() {
    let c = check_body(
        "type Step = {uses?: string}\ninput: {steps: [Step]}\nlet trusted = {\"a\"}\n\
         deny r {\n  for step in input.steps\n  if step.usses != null\n  if step.uses in trustd\n  message \"m\"\n}",
    );
    assert_eq!(c.codes(), [Code::UnknownField, Code::UnknownName]);
    assert_eq!(c.text(&c.diags[0]), "step.usses");
    assert_eq!(c.text(&c.diags[1]), "trustd");
}

#[test]
fn what_a_name_error_leaves_unknown_causes_no_type_error() {
    // Each use of an unknown name or function would be a type error if its value had
    // a known type: an operand, a condition, an iterated value, a message, a field.
    let c = check_body(
        "input: {n: int}\nlet a = nope + 1\nlet b = frob(1) < \"x\"\n\
         deny r {\n  for x in nope\n  if nope\n  if nope.field.other > input.n\n  if x.y == 1\n  message nope\n}",
    );
    assert!(
        c.diags
            .iter()
            .all(|d| matches!(d.code, Code::UnknownName | Code::UnknownFunction)),
        "{:#?}",
        c.diags
    );
    assert_eq!(c.diags.len(), 6);
}

#[test]
fn no_unused_variable_warning_while_names_fail() {
    // `job` is unused only because its reader misspelt it.
    let c = check_body("deny r {\n  for job in input.jobs\n  if jb.x\n  message \"m\"\n}");
    c.only_at(Code::UnknownName, "jb");
    let c = check_body("deny r {\n  for job in input.jobs\n  if input.x\n  message \"m\"\n}");
    c.only_at(Code::UnusedVariable, "job");
}

#[test]
fn recursive_definitions_are_not_type_checked() {
    // Inferring `f` at its calls would unfold the recursion; E0104 alone is reported.
    let c = check_body("fn f(x) = f(x) + f(x) + \"s\"\nlet a = f(1) + 1");
    assert!(
        c.codes().iter().all(|&code| code == Code::Recursion),
        "{:#?}",
        c.diags
    );
}
