//! Rule structure (E0022, E0023).

use super::*;
use pol_diagnostics::{FileId, Span};
use pol_syntax::ast;

#[test]
fn a_rule_without_message_is_reported_at_its_name() {
    let c = check_body("deny no_message {\n  if input.x\n}");
    let d = c.only_at(Code::MissingMessage, "no_message");
    assert_eq!(d.message, "rule `no_message` has no `message`");
    assert!(help(d).contains("message \"what is wrong\""), "{d:#?}");
}

#[test]
fn message_must_be_last() {
    let c = check_body("deny r {\n  message \"m\"\n  if input.x\n}");
    let d = c.only();
    assert_eq!(d.code, Code::MessageNotLast);
    assert_eq!(c.text(d), "message \"m\"");
    assert_eq!(d.message, "`message` must be the last clause of a rule");
}

#[test]
fn a_second_message_is_reported_once() {
    let c = check_body("deny r {\n  message \"a\"\n  message \"b\"\n}");
    let d = c.only();
    assert_eq!(d.code, Code::MessageNotLast);
    assert_eq!(c.text(d), "message \"b\"");
    assert_eq!(secondary_texts(&c, d), ["message \"a\""]);
    // The first message is the rule's.
    assert_eq!(
        c.program.rules[0].message.kind,
        crate::hir::ExprKind::Str("a".into())
    );
}

#[test]
fn message_sees_every_clause_binding_and_at_is_kept() {
    let c =
        check_body("deny r {\n  for i, x in input.xs\n  let y = x\n  message f\"{i} {y}\" at x\n}");
    c.assert_clean();
    let rule = &c.program.rules[0];
    assert_eq!(rule.clauses.len(), 2);
    assert_eq!(
        rule.at.as_ref().map(|a| a.kind.clone()),
        Some(crate::hir::ExprKind::Local(crate::hir::LocalId(1)))
    );
}

#[test]
fn comprehensions_cannot_hold_message() {
    // The grammar rejects this already; a tree built another way is still checked.
    let (mut file, _) = pol_syntax::parse(
        pol_diagnostics::FileId(0),
        "package p\nlet xs = [x for x in [1]]",
    );
    let ast::ItemKind::Let { value, .. } = &mut file.items[1].kind else {
        panic!()
    };
    let ast::ExprKind::ListComp { clauses, .. } = &mut value.kind else {
        panic!()
    };
    let message = ast::Expr::new(ast::ExprKind::Str("m".into()), Span::new(FileId(0), 36, 39));
    clauses.push(ast::Clause {
        kind: ast::ClauseKind::Message { message, at: None },
        span: Span::new(FileId(0), 28, 39),
    });
    let diags = check_ast(file);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, Code::MessageNotLast);
    assert_eq!(
        diags[0].message,
        "`message` is only allowed as the last clause of a rule"
    );
    assert_eq!(diags[0].primary.span.start, 28);
}

#[test]
fn a_broken_clause_hides_the_missing_message() {
    let c = check_body("deny r {\n  if input.x ==\n}");
    assert!(!c.codes().contains(&Code::MissingMessage), "{:#?}", c.diags);
    assert!(!c.diags.is_empty());
}
