//! Hostile shapes of types (issue 13, "no policy may hang pol"): a policy whose
//! inferred types double at each let checks in time linear in its length, a type past
//! the size limit keeps only its kinds, a message shows a type in bounded length, and
//! long chains of lets or calls do not overflow the stack. Speed is not asserted: a
//! regression would make these tests run (nearly) forever, or crash.

use super::*;
use crate::hir::Kinds;

/// A policy of `package p`, `let t0 = {first}`, `let t{i} = {step}` for i in 1..=n
/// with `PREV` in `step` standing for `t{i-1}`, then `tail`, with `LAST` in it
/// standing for `t{n}`.
fn chain(first: &str, step: &str, n: usize, tail: &str) -> String {
    let mut src = format!("package p\n\nlet t0 = {first}\n");
    for i in 1..=n {
        let prev = format!("t{}", i - 1);
        src.push_str(&format!("let t{i} = {}\n", step.replace("PREV", &prev)));
    }
    src.push_str(&tail.replace("LAST", &format!("t{n}")));
    src.push('\n');
    src
}

const COMPARE_LAST: &str = "deny d { if LAST == LAST message \"x\" }";

#[test]
fn records_that_double_at_each_let_check() {
    let src = chain("[input.n]", "{\"a\": PREV, \"b\": PREV}", 40, COMPARE_LAST);
    check(&src).assert_clean();
}

#[test]
fn sets_of_unions_that_double_at_each_let_check() {
    // `{t, [t]}` is a set of `T | [T]`: twice T's size at each step.
    let src = chain("input.n", "{PREV, [PREV]}", 40, COMPARE_LAST);
    check(&src).assert_clean();
}

#[test]
fn lists_and_maps_that_double_at_each_let_check() {
    let src = chain(
        "[input.n]",
        "[PREV, {PREV: 1}, {\"k\": [PREV]}]",
        40,
        COMPARE_LAST,
    );
    let c = check(&src);
    // `{PREV: 1}` has a key that is not a string: one error per let, nothing more.
    assert!(
        c.diags.iter().all(|d| d.code == Code::IncompatibleOperands),
        "{:#?}",
        c.diags
    );
    let src = chain("[input.n]", "[PREV, PREV]", 40, COMPARE_LAST);
    check(&src).assert_clean();
}

#[test]
fn types_built_apart_that_are_equal_check() {
    // No part is shared between `a{i}` and `b{i}`, so comparing them walks both.
    let mut src = String::from("package p\n\nlet a0 = [input.n]\nlet b0 = [input.n]\n");
    for i in 1..=40 {
        for x in ["a", "b"] {
            src.push_str(&format!(
                "let {x}{i} = {{\"a\": {x}{p}, \"b\": {x}{p}}}\n",
                p = i - 1
            ));
        }
    }
    src.push_str("deny d { if len([a40, b40, {a40, b40}]) == 1 message \"x\" }\n");
    check(&src).assert_clean();
}

#[test]
fn function_results_that_double_at_each_call_check() {
    let src = chain(
        "[input.n]",
        "f(PREV)",
        40,
        "fn f(x) = {\"a\": x, \"b\": [x, g(x)]}\nfn g(y) = {y, [y]}\n\
         deny d { if LAST == f(LAST) message \"x\" }",
    );
    check(&src).assert_clean();
}

#[test]
fn a_type_past_the_limit_keeps_its_kind() {
    // A record of 2^40 nodes is widened to an object whose fields are `any`: adding
    // it to an int is still an error, and its kind is still proved for the compiler.
    let src = chain(
        "[input.n]",
        "{\"a\": PREV, \"b\": PREV}",
        40,
        "let sum = LAST + 1",
    );
    let c = check(&src);
    let d = c.only_at(Code::IncompatibleOperands, "t40 + 1");
    assert!(d.message.contains("`object` and `int`"), "{d:#?}");
    let last = c.program.lets.get(40).map(|l| &l.value);
    assert_eq!(
        last.and_then(|v| c.program.kinds.of(v)),
        Some(Kinds::OBJECT)
    );
    let src = chain("input.n", "{PREV, [PREV]}", 40, "let sum = LAST + 1");
    let d = check(&src)
        .only_at(Code::IncompatibleOperands, "t40 + 1")
        .clone();
    assert!(d.message.contains("`set` and `int`"), "{d:#?}");
}

#[test]
fn a_type_in_a_message_is_cut_to_a_bounded_length() {
    // A union of records with long field names: thousands of characters in full.
    let records: Vec<String> = (0..20)
        .map(|i| format!("{{\"{}{i}\": [1]}}", "field_with_a_long_name_".repeat(4)))
        .collect();
    let src = format!(
        "package p\n\nlet xs = [{}]\nlet sum = xs + 1\n",
        records.join(", ")
    );
    let c = check(&src);
    let d = c.only_at(Code::IncompatibleOperands, "xs + 1");
    let label = d.secondary.first().map_or("", |l| l.message.as_str());
    for text in [d.message.as_str(), label] {
        assert!(text.chars().count() < 400, "{text}");
        assert!(text.contains('…'), "{text}");
    }
}

/// `type T0 = {name: int}` and, for i in 1..=n, `T{i} = A{i} | B{i} | C{i} | D{i}`
/// where each of these four is `T{i-1}`: 4^n paths from `T{n}` down to `T0`.
fn diamonds(n: usize) -> String {
    let mut src = String::from("package p\n\ntype T0 = {name: int}\n");
    for i in 1..=n {
        for x in ["A", "B", "C", "D"] {
            src.push_str(&format!("type {x}{i} = T{}\n", i - 1));
        }
        src.push_str(&format!("type T{i} = A{i} | B{i} | C{i} | D{i}\n"));
    }
    src
}

#[test]
fn named_types_reached_by_many_paths_check() {
    let src = diamonds(40) + "fn f(x: T40) = x.name + 1\nlet v = f(input)\n";
    check(&src).assert_clean();
    // Near enough to unfold down to the record: its fields are still checked.
    let src = diamonds(4) + "fn f(x: T4) = x.nmae + 1\n";
    let c = check(&src);
    let d = c.only_at(Code::UnknownField, "x.nmae");
    assert_eq!(help(d), "did you mean `name`?");
}

#[test]
fn types_of_the_standard_library_are_not_widened() {
    // `std.github.Step` is reached through `Workflow`, `NormalJob` and their inline
    // records: a widened type would take the misspelt field without a word.
    let c = check(
        "package p\nimport std.github\ninput: github.Workflow\n\
         deny d {\n  for _, job in input.jobs\n  for step in job.steps\n  \
         if step.usses != null\n  message \"x\"\n}\n",
    );
    let d = c.only_at(Code::UnknownField, "step.usses");
    assert_eq!(help(d), "did you mean `uses`?");
}

#[test]
fn long_chains_of_lets_and_calls_check() {
    // Each let uses the next one, so inferring the first would recurse through all:
    // the chain is refused (E0114), and checking it neither hangs nor overflows.
    let mut src = String::from("package p\n\nlet v = t0 + 1\n");
    for i in 0..3000 {
        src.push_str(&format!("let t{i} = [t{}]\n", i + 1));
    }
    src.push_str("let t3000 = input.n\n");
    // (Like a cycle, it is found before types are checked.)
    check(&src).only_at(Code::DependencyTooDeep, "v");
    let mut src = String::from("package p\n\nfn f0(x) = [x]\nlet v = f3000(1) + 1\n");
    for i in 1..=3000 {
        src.push_str(&format!("fn f{i}(x) = f{}(x)\n", i - 1));
    }
    assert_eq!(check(&src).codes(), [Code::DependencyTooDeep]);
    // 256 in a chain are allowed.
    let mut src = String::from("package p\n\nlet t0 = input.n\n");
    for i in 1..256 {
        src.push_str(&format!("let t{i} = t{} + 1\n", i - 1));
    }
    check(&src).assert_clean();
    src.push_str("let t256 = t255 + 1\n");
    check(&src).only_at(Code::DependencyTooDeep, "t256");
}
