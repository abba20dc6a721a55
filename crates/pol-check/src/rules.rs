//! Lowering rules: annotations, clauses and the one final `message` clause.

use crate::annotations;
use crate::collect::Def;
use crate::hir::{self, RuleDef};
use crate::items::def_info;
use crate::scope::{Dep, Env, Lowerer};
use pol_diagnostics::{Code, Diagnostic, Span};
use pol_syntax::ast::{self, ClauseKind, Rule};

/// The `message e [at p]` of a rule, once lowered.
struct Message {
    message: hir::Expr,
    at: Option<hir::Expr>,
    span: Span,
}

/// Lowers one rule, reporting a missing `message` (E0022), a misplaced or second
/// `message` (E0023) and bad annotations (E0025–E0027).
pub(crate) fn lower_rule(
    env: Env<'_>,
    def: &Def<'_, &Rule>,
    diags: &mut Vec<Diagnostic>,
) -> (RuleDef, Vec<Dep>) {
    let rule = def.decl;
    let meta = annotations::rule_meta(&def.item.annotations, rule.kind, diags);
    let mut l = Lowerer::new(env);
    let mut clauses = Vec::new();
    let mut message: Option<Message> = None;
    for (i, clause) in rule.clauses.iter().enumerate() {
        if let ClauseKind::Message { message: text, at } = &clause.kind {
            let rest = rule.clauses.get(i + 1..).unwrap_or_default();
            check_message_place(&mut l, clause.span, rest, message.as_ref().map(|m| m.span));
            let lowered = Message {
                message: l.expr(text),
                at: at.as_ref().map(|a| l.expr(a)),
                span: clause.span,
            };
            message.get_or_insert(lowered);
        }
        clauses.extend(l.clause(clause));
    }
    if message.is_none() && !has_broken_clause(env, def) {
        l.diags.push(missing_message(rule));
    }
    let (body, deps, mut found) = l.finish();
    diags.append(&mut found);
    let (message, at) = match message {
        Some(m) => (m.message, m.at),
        None => (hir::Expr::error(rule.name.span), None),
    };
    let rule_def = RuleDef {
        info: def_info(env, def.item, &rule.name),
        kind: rule.kind,
        id: meta.id,
        severity: meta.severity,
        tags: meta.tags,
        url: meta.url,
        body,
        clauses,
        message,
        at,
    };
    (rule_def, deps)
}

/// E0023 for a second `message`, or for one followed by other clauses.
fn check_message_place(l: &mut Lowerer<'_>, span: Span, rest: &[ast::Clause], first: Option<Span>) {
    if let Some(first) = first {
        l.diags.push(
            Diagnostic::error(
                Code::MessageNotLast,
                span,
                "a rule has only one `message` clause",
            )
            .with_label("second `message`")
            .with_secondary(first, "first `message` here")
            .with_help("a rule gives one message per finding: remove one of them"),
        );
        return;
    }
    let followed = rest
        .iter()
        .any(|c| !matches!(c.kind, ClauseKind::Message { .. } | ClauseKind::Error));
    if followed {
        l.diags.push(
            Diagnostic::error(
                Code::MessageNotLast,
                span,
                "`message` must be the last clause of a rule",
            )
            .with_label("clauses follow it")
            .with_help("move `message ... [at ...]` to the end of the rule"),
        );
    }
}

/// True when a clause of the rule failed to parse: it may have been the `message`.
fn has_broken_clause(env: Env<'_>, def: &Def<'_, &Rule>) -> bool {
    def.decl
        .clauses
        .iter()
        .any(|c| matches!(c.kind, ClauseKind::Error))
        || env
            .col
            .units
            .get(def.unit)
            .is_some_and(|u| u.has_parse_error_in(def.item.span))
}

fn missing_message(rule: &Rule) -> Diagnostic {
    Diagnostic::error(
        Code::MissingMessage,
        rule.name.span,
        format!("rule `{}` has no `message`", rule.name.text),
    )
    .with_label("this rule never reports anything")
    .with_help("end the rule with `message \"what is wrong\"` (optionally followed by `at value`)")
}
