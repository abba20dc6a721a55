//! Whole programs: the spec's example, ordering, and the shape of the HIR.

use super::*;
use crate::Builtin;
use crate::hir::{Callee, Clause, ExprKind, RuleKind, Severity, Type};

pub(crate) const SPEC_EXAMPLE: &str = r#"package ci.github

import std.github            # shipped types and helpers, reachable as github.Workflow, ...

input: github.Workflow       # optional: type of `input`; without it, `input` is `any`

let trusted_owners = {"actions", "github", "docker"}      # set literal

fn owner(uses: string) -> string = uses.split("/")[0]

fn is_pinned(uses: string) -> bool = uses.matches(r"@[0-9a-f]{40}$")

/// Third-party actions must be pinned to a full-length commit SHA.
@id("GHA001")
@severity("high")
deny unpinned_action {
  for job_id, job in input.jobs
  for step in job.steps
  let uses = step.uses
  if uses != null and not uses.starts_with("./")
  if owner(uses) not in trusted_owners
  if not is_pinned(uses)
  message f"job {job_id}: action {uses} is not pinned to a commit SHA" at uses
}

/// Workflows should declare least-privilege token permissions.
@severity("medium")
warn missing_permissions {
  if input.permissions == null
  message "workflow has no top-level `permissions:` block"
}

let needs_review = input.on.pull_request_target != null
"#;

#[test]
fn the_spec_example_is_clean() {
    let c = check(SPEC_EXAMPLE);
    c.assert_clean();
    let p = &c.program;
    assert_eq!(p.packages.len(), 2);
    assert_eq!(p.packages[0].name, "ci.github");
    assert!(!p.packages[0].is_std);
    assert_eq!(p.packages[1].name, "std.github");
    assert!(p.packages[1].is_std);
    let workflow = p
        .types
        .iter()
        .position(|t| t.info.qualified == "std.github.Workflow")
        .unwrap();
    assert_eq!(
        p.packages[0].input_type,
        Some(Type::Named(crate::hir::TypeId::from_index(workflow)))
    );
    let names: Vec<&str> = p.rules.iter().map(|r| r.info.qualified.as_str()).collect();
    assert_eq!(
        names,
        ["ci.github.unpinned_action", "ci.github.missing_permissions"]
    );
}

#[test]
fn std_modules_are_added_to_the_source_map() {
    let c = check(SPEC_EXAMPLE);
    let names: Vec<&str> = c.sources.iter().map(|(_, f)| f.name.as_str()).collect();
    assert_eq!(names, ["f0.pol", "<std>/github.pol"]);
    // Without the import, the module is not loaded.
    let c = check("package p\nlet x = 1\n");
    assert_eq!(c.sources.iter().count(), 1);
    assert_eq!(c.program.packages.len(), 1);
}

#[test]
fn rules_carry_annotations_clauses_and_message() {
    let c = check(SPEC_EXAMPLE);
    let rule = &c.program.rules[0];
    assert_eq!(rule.kind, RuleKind::Deny);
    assert_eq!(rule.id.as_deref(), Some("GHA001"));
    assert_eq!(rule.severity, Severity::High);
    assert_eq!(
        rule.info.docs.as_deref().map(str::trim),
        Some("Third-party actions must be pinned to a full-length commit SHA.")
    );
    assert_eq!(rule.clauses.len(), 6);
    let Clause::For {
        key: Some(job_id),
        value: job,
        ..
    } = &rule.clauses[0]
    else {
        panic!("{:?}", rule.clauses[0])
    };
    assert_eq!(rule.body.local(*job_id).unwrap().name, "job_id");
    assert_eq!(rule.body.local(*job).unwrap().name, "job");
    assert!(matches!(rule.message.kind, ExprKind::FString(_)));
    let at = rule.at.as_ref().unwrap();
    let ExprKind::Local(uses) = at.kind else {
        panic!("{at:?}")
    };
    assert_eq!(rule.body.local(uses).unwrap().name, "uses");
    assert_eq!(rule.body.locals.len(), 4);
    assert_eq!(c.program.rules[1].severity, Severity::Medium);
}

#[test]
fn method_calls_become_calls_with_the_receiver_first() {
    let c = check(SPEC_EXAMPLE);
    let owner = c
        .program
        .fns
        .iter()
        .find(|f| f.info.name == "owner")
        .unwrap();
    assert_eq!(owner.params.len(), 1);
    assert_eq!(owner.params[0].ty, Some(Type::String));
    assert_eq!(owner.ret, Some(Type::String));
    let ExprKind::Index { recv, .. } = &owner.value.kind else {
        panic!("{:?}", owner.value)
    };
    let ExprKind::Call { callee, args } = &recv.kind else {
        panic!("{recv:?}")
    };
    assert_eq!(*callee, Callee::Builtin(Builtin::Split));
    assert_eq!(args.len(), 2);
    assert_eq!(args[0].kind, ExprKind::Local(owner.params[0].local));
    assert_eq!(args[1].kind, ExprKind::Str("/".into()));
}

#[test]
fn user_calls_and_lets_resolve_to_ids() {
    let c = check(SPEC_EXAMPLE);
    let rule = &c.program.rules[0];
    let Clause::If(cond) = &rule.clauses[4] else {
        panic!()
    };
    let ExprKind::Binary { lhs, rhs, .. } = &cond.kind else {
        panic!("{cond:?}")
    };
    let ExprKind::Call {
        callee: Callee::User(owner),
        ..
    } = lhs.kind
    else {
        panic!("{lhs:?}")
    };
    assert_eq!(c.program.fn_def(owner).unwrap().info.name, "owner");
    let ExprKind::Let(trusted) = rhs.kind else {
        panic!("{rhs:?}")
    };
    assert_eq!(
        c.program.let_def(trusted).unwrap().info.qualified,
        "ci.github.trusted_owners"
    );
}

#[test]
fn rules_are_ordered_by_file_then_position() {
    let c = check_many(&[
        "package b\ndeny z { message \"z\" }\ndeny a { message \"a\" }",
        "package a\nwarn m { message \"m\" }",
        "package b\ndeny c { message \"c\" }",
    ]);
    c.assert_clean();
    let names: Vec<&str> = c
        .program
        .rules
        .iter()
        .map(|r| r.info.qualified.as_str())
        .collect();
    assert_eq!(names, ["b.z", "b.a", "a.m", "b.c"]);
    assert_eq!(c.program.rules[2].severity, Severity::Low);
    assert_eq!(c.program.packages[0].files.len(), 2);
}

#[test]
fn diagnostics_are_sorted_by_file_and_position() {
    let c = check_many(&["package a\nlet x = zz\nlet y = yy", "package b\nlet w = ww"]);
    let texts: Vec<&str> = c.diags.iter().map(|d| c.text(d)).collect();
    assert_eq!(texts, ["zz", "yy", "ww"]);
}

#[test]
fn locals_of_comprehensions_and_quantifiers_are_in_the_body() {
    let c = check_body(
        "let xs = [1, 2]\nlet ys = [x * 2 for x in xs if x > 1]\nlet b = all k, v in {\"a\": 1}: v > 0 and k != \"\"",
    );
    c.assert_clean();
    let ys = &c.program.lets[1];
    assert_eq!(ys.body.locals.len(), 1);
    let ExprKind::ListComp { elem, clauses } = &ys.value.kind else {
        panic!("{:?}", ys.value)
    };
    assert_eq!(clauses.len(), 2);
    assert!(matches!(elem.kind, ExprKind::Binary { .. }));
    let b = &c.program.lets[2];
    let ExprKind::Quantified {
        key: Some(k),
        value,
        ..
    } = b.value.kind
    else {
        panic!()
    };
    assert_eq!(b.body.local(k).unwrap().name, "k");
    assert_eq!(b.body.local(value).unwrap().name, "v");
}

#[test]
fn a_parse_error_causes_no_cascade() {
    let c = check_body("let x = 1 +\nlet y = x\ndeny r {\n  if y >\n  message \"m\"\n}");
    assert!(!c.diags.is_empty());
    for d in &c.diags {
        assert!(
            matches!(d.code, Code::UnexpectedToken | Code::UnexpectedEof),
            "cascade: {d:#?}"
        );
    }
}

#[test]
fn repeated_diagnostics_are_dropped_and_ties_keep_their_order() {
    use pol_diagnostics::{FileId, Span};
    let at = |start: usize| Span::new(FileId(0), start, start + 1);
    let d = |code, start, message: &str| Diagnostic::error(code, at(start), message);
    let sorted = crate::sorted(vec![
        d(Code::UnknownName, 5, "b"),
        d(Code::UnknownName, 1, "a"),
        d(Code::UnknownName, 5, "b"),
        d(Code::Shadowing, 5, "c"),
    ]);
    let got: Vec<(u32, &str)> = sorted
        .iter()
        .map(|d| (d.primary.span.start, d.message.as_str()))
        .collect();
    assert_eq!(got, [(1, "a"), (5, "b"), (5, "c")]);
}
