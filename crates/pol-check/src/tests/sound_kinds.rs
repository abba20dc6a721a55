//! The kinds proved for the compiler (`hir::KindTable`): they must hold on every
//! document, so `any` may be null and declared types are not trusted.

use super::*;
use crate::hir::Kinds;

/// The kinds recorded for the value of the first let of `body`.
fn let_kinds(body: &str) -> Option<Kinds> {
    let c = check_body(body);
    assert!(!c.diags.iter().any(Diagnostic::is_error), "{:#?}", c.diags);
    c.program.kinds.of(&c.program.lets[0].value)
}

const BOOL_OR_NULL: Kinds = Kinds(Kinds::BOOL.0 | Kinds::NULL.0);
const STR_OR_NULL: Kinds = Kinds(Kinds::STR.0 | Kinds::NULL.0);

#[test]
fn equality_type_tests_and_strings_are_never_null() {
    assert_eq!(let_kinds("let v = input.x == 1"), Some(Kinds::BOOL));
    assert_eq!(let_kinds("let v = input.x != null"), Some(Kinds::BOOL));
    assert_eq!(let_kinds("let v = type_of(input.x)"), Some(Kinds::STR));
    assert_eq!(let_kinds("let v = f\"{input.x}\""), Some(Kinds::STR));
    assert_eq!(
        let_kinds("let v = input.a == 1 and input.b != 2"),
        Some(Kinds::BOOL)
    );
}

#[test]
fn results_of_any_operands_may_be_null() {
    // At run time `null > 1`, `not null`, `lower(null)` and `x in null` are null,
    // though the checker, trusting `any`, types them `bool` and `string`.
    assert_eq!(let_kinds("let v = input.x > 1"), Some(BOOL_OR_NULL));
    assert_eq!(let_kinds("let v = not input.x"), Some(BOOL_OR_NULL));
    assert_eq!(let_kinds("let v = lower(input.x)"), Some(STR_OR_NULL));
    assert_eq!(let_kinds("let v = \"a\" in input.xs"), Some(BOOL_OR_NULL));
    assert_eq!(
        let_kinds("let v = input.a == 1 and input.b > 2"),
        Some(BOOL_OR_NULL)
    );
    assert_eq!(
        let_kinds("let v = any s in input.steps: s.uses == \"x\""),
        Some(Kinds::BOOL)
    );
    assert_eq!(
        let_kinds("let v = any s in input.steps: s.n > 1"),
        Some(BOOL_OR_NULL)
    );
    assert_eq!(let_kinds("let v = input.x"), None);
}

#[test]
fn declared_types_are_not_trusted() {
    // Documents are not checked against `input:` at run time, nor arguments against
    // parameter types: what they declare may not hold.
    assert_eq!(let_kinds("input: {x: string}\nlet v = input.x"), None);
    assert_eq!(
        let_kinds("input: {x: string}\nlet v = lower(input.x)"),
        Some(STR_OR_NULL)
    );
    assert_eq!(let_kinds("let v = f(input.x)\nfn f(s: string) = s"), None);
    assert_eq!(
        let_kinds("let v = f(input.x)\nfn f(s: string) = s == \"a\""),
        Some(Kinds::BOOL)
    );
}

#[test]
fn narrowing_by_a_run_time_test_is_trusted() {
    let c = check_body(
        "deny r {\n  for s in input.steps\n  if type_of(s) == \"string\"\n  message s\n}",
    );
    c.assert_clean();
    assert_eq!(
        c.program.kinds.of(&c.program.rules[0].message),
        Some(Kinds::STR)
    );
}

#[test]
fn programs_with_type_errors_still_get_sound_kinds() {
    let c = check_body("let v = input.x == 1\nlet w = \"a\" < 1");
    assert!(
        c.codes().contains(&Code::IncompatibleOperands),
        "{:#?}",
        c.diags
    );
    assert_eq!(
        c.program.kinds.of(&c.program.lets[0].value),
        Some(Kinds::BOOL)
    );
    assert_eq!(c.program.kinds.of(&c.program.lets[1].value), None);
}
