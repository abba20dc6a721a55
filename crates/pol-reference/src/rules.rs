//! Running rules: clauses as nested loops, findings with their paths, errors that drop
//! a path, and the decision.

use crate::error::{Eval, Stop, fail};
use crate::eval::{Evaluator, Frame};
use crate::value::{Value, as_str, kind};
use pol_check::hir::{Clause, RuleDef, RuleKind};
use pol_facts::{Decision, Finding, InputLocation, NodeId};
use std::collections::HashSet;

/// Runs `rules` in order and builds the decision from their findings and every error
/// recorded on the way.
pub(crate) fn decide<'r>(
    ev: &mut Evaluator<'_>,
    rules: impl Iterator<Item = &'r RuleDef>,
) -> Decision {
    let mut violations = Vec::new();
    let mut warnings = Vec::new();
    for rule in rules {
        if ev.exhausted() {
            break;
        }
        let mut run = RuleRun {
            rule,
            fors: Vec::new(),
            findings: Vec::new(),
            seen: HashSet::new(),
        };
        let mut frame = Frame::new(rule.body.locals.len());
        run.clauses(ev, &mut frame, &rule.clauses);
        match rule.kind {
            RuleKind::Deny => violations.extend(run.findings),
            RuleKind::Warn => warnings.extend(run.findings),
        }
    }
    let errors = std::mem::take(&mut ev.errors);
    Decision {
        allowed: violations.is_empty() && errors.is_empty(),
        violations,
        warnings,
        errors,
    }
}

/// One rule being run.
struct RuleRun<'r> {
    rule: &'r RuleDef,
    /// The values of the enclosing `for` clauses of the current path, outermost first.
    fors: Vec<Value>,
    findings: Vec<Finding>,
    /// (message, path) of the findings so far: each is reported once.
    seen: HashSet<(String, String)>,
}

impl RuleRun<'_> {
    /// Runs `clauses` on the current path. An error records itself and drops the
    /// path, so evaluation goes on with the next iteration of the innermost `for`.
    fn clauses(&mut self, ev: &mut Evaluator<'_>, frame: &mut Frame, clauses: &[Clause]) {
        let Some((first, rest)) = clauses.split_first() else {
            if let Err(stop) = self.finding(ev, frame) {
                self.drop_path(ev, stop);
            }
            return;
        };
        match first {
            Clause::For { key, value, iter } => {
                let items = ev
                    .eval(frame, iter)
                    .and_then(|collection| ev.iterate(&collection, iter.span));
                let items = match items {
                    Ok(items) => items,
                    Err(stop) => return self.drop_path(ev, stop),
                };
                for (k, v) in items {
                    if ev.exhausted() {
                        return;
                    }
                    if let Some(key) = key {
                        frame.set(*key, k);
                    }
                    frame.set(*value, v.clone());
                    self.fors.push(v);
                    self.clauses(ev, frame, rest);
                    self.fors.pop();
                }
            }
            Clause::If(cond) => match ev.condition(frame, cond) {
                Ok(true) => self.clauses(ev, frame, rest),
                Ok(false) => {}
                Err(stop) => self.drop_path(ev, stop),
            },
            Clause::Let { local, value } => match ev.eval(frame, value) {
                Ok(v) => {
                    frame.set(*local, v);
                    self.clauses(ev, frame, rest);
                }
                Err(stop) => self.drop_path(ev, stop),
            },
        }
    }

    fn drop_path(&self, ev: &mut Evaluator<'_>, stop: Stop) {
        if let Stop::Error(failure) = stop {
            ev.record(&self.rule.info.qualified, failure);
        }
    }

    /// The `message` clause: one finding, unless an equal one was reported.
    fn finding(&mut self, ev: &mut Evaluator<'_>, frame: &mut Frame) -> Eval<()> {
        let rule = self.rule;
        let message = ev.eval(frame, &rule.message)?;
        let Some(message) = as_str(ev.doc, &message) else {
            return Err(fail(
                rule.message.span,
                format!(
                    "`message` expects a string, found {}",
                    kind(ev.doc, &message).described()
                ),
            ));
        };
        let at = match &rule.at {
            Some(e) => Some(ev.eval(frame, e)?),
            None => None,
        };
        let node = self.target(ev, at.as_ref());
        let path = ev.doc.path(node);
        if !self.seen.insert((message.to_string(), path.clone())) {
            return Ok(());
        }
        let location = ev.doc.position(node).map(|p| InputLocation {
            file: ev.doc.file().map(Into::into),
            line: p.line,
            column: p.column,
        });
        self.findings.push(Finding {
            rule: rule.info.qualified.as_str().into(),
            id: rule.id.as_deref().map(Into::into),
            severity: rule.severity.as_str().into(),
            message: message.to_string(),
            path,
            location,
            policy: ev.policy_location(rule.info.name_span),
        });
        Ok(())
    }

    /// The input value a finding is about: the `at` value if it was read from the
    /// input, else the innermost `for` value read from the input, else the root.
    fn target(&self, ev: &Evaluator<'_>, at: Option<&Value>) -> NodeId {
        at.into_iter()
            .chain(self.fors.iter().rev())
            .find_map(|v| match v {
                Value::Node(id) => Some(*id),
                _ => None,
            })
            .unwrap_or_else(|| ev.doc.root())
    }
}
