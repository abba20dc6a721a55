//! Checks of rules: clause types, the `message` and `at` values, and conditions that
//! make a rule fire always or never.

use super::ty::{Kinds, Ty};
use super::{Checker, Env, Typed};
use crate::hir::{Clause, RuleDef};
use pol_diagnostics::{Code, Diagnostic};

impl Checker<'_> {
    pub(super) fn rule(&mut self, rule: &RuleDef) {
        self.package = rule.info.package;
        let mut env = Env::new(rule.body.locals.len());
        for clause in &rule.clauses {
            match clause {
                Clause::For { key, value, iter } => {
                    let it = self.infer(&mut env, iter);
                    let (kinds, dynamic) = self.types.kinds(&it.ty);
                    if !dynamic && kinds == Kinds::NULL {
                        self.report(
                            Diagnostic::warning(
                                Code::RuleNeverFires,
                                iter.span,
                                format!(
                                    "rule `{}` never fires: this is always `null`",
                                    rule.info.name
                                ),
                            )
                            .with_label("iterating `null` runs zero times"),
                        );
                    }
                    self.bind_loop(&mut env, *key, *value, &it, iter.span);
                }
                Clause::If(cond) => {
                    if let Some(t) = self.condition(&mut env, cond) {
                        self.constant_condition(rule, cond.span, &t);
                    }
                    // What the condition tells holds for the clauses after it.
                    let facts = self.facts_of(&env, cond, true);
                    env.facts.extend(facts);
                }
                Clause::Let { local, value } => {
                    let t = self.infer(&mut env, value);
                    env.set(*local, t);
                }
            }
        }
        self.message(rule, &mut env);
    }

    fn constant_condition(&mut self, rule: &RuleDef, span: pol_diagnostics::Span, t: &Typed) {
        match t.constant {
            Some(true) => self.report(
                Diagnostic::warning(
                    Code::ConstantCondition,
                    span,
                    "this condition is always true",
                )
                .with_label("always `true`")
                .with_help("remove the clause, or check the expression"),
            ),
            Some(false) => self.report(
                Diagnostic::warning(
                    Code::ConstantCondition,
                    span,
                    format!(
                        "this condition is always false: rule `{}` never fires",
                        rule.info.name
                    ),
                )
                .with_label("always `false`"),
            ),
            None => {
                if matches!(self.types.non_null(&t.ty), Ty::Never) {
                    self.report(
                        Diagnostic::warning(
                            Code::RuleNeverFires,
                            span,
                            format!(
                                "rule `{}` never fires: this condition is always `null`",
                                rule.info.name
                            ),
                        )
                        .with_label("always `null`"),
                    );
                }
            }
        }
    }

    fn message(&mut self, rule: &RuleDef, env: &mut Env) {
        let m = self.infer(env, &rule.message);
        let (kinds, dynamic) = self.types.kinds(&m.ty);
        if !dynamic && !kinds.only(Kinds::STR) {
            let shown = self.types.show(&m.ty);
            let help = if kinds.has(Kinds::NULL) && kinds.without(Kinds::NULL).only(Kinds::STR) {
                "it may be null: give a default with `??`, or use an f-string (`f\"{x}\"` shows null as `null`)"
            } else {
                "use an f-string to turn values into text: `f\"... {x} ...\"`"
            };
            self.report(
                Diagnostic::error(
                    Code::MessageNotString,
                    rule.message.span,
                    format!("a message must be a string, not `{shown}`"),
                )
                .with_label(format!("this is `{shown}`"))
                .with_help(help),
            );
        }
        if let Some(at) = &rule.at {
            let t = self.infer(env, at);
            if t.computed {
                self.report(
                    Diagnostic::error(
                        Code::AtNotFromInput,
                        at.span,
                        "`at` must name a value read from the input",
                    )
                    .with_label("computed by the policy, so it has no place in the input")
                    .with_help(
                        "point at the input value the finding is about, e.g. `at step.uses`",
                    ),
                );
            }
        }
    }
}
