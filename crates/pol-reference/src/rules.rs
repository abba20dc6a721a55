//! Running rules: clauses as nested loops, findings with their paths, errors that drop
//! a path, and the decision.

use crate::error::{Eval, Stop, fail};
use crate::eval::{Evaluator, Frame};
use crate::observe::{Event, Observer, Operand, ValueRef};
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
    decide_observed(ev, rules.map(|r| (0, r)), None)
}

/// [`decide`] for rules given with their index in the program, telling `observer`
/// what each clause does.
pub(crate) fn decide_observed<'r>(
    ev: &mut Evaluator<'_>,
    rules: impl Iterator<Item = (usize, &'r RuleDef)>,
    mut observer: Option<&mut dyn Observer>,
) -> Decision {
    let mut violations = Vec::new();
    let mut warnings = Vec::new();
    for (index, rule) in rules {
        if ev.exhausted() {
            break;
        }
        if let Some(o) = observer.as_deref_mut() {
            o.rule(index);
        }
        let mut run = RuleRun {
            rule,
            fors: Vec::new(),
            findings: Vec::new(),
            seen: HashSet::new(),
            observer: observer.as_deref_mut(),
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
struct RuleRun<'r, 'o, 'p> {
    rule: &'r RuleDef,
    /// The values of the enclosing `for` clauses of the current path, outermost first.
    fors: Vec<Value>,
    findings: Vec<Finding>,
    /// (message, path) of the findings so far: each is reported once.
    seen: HashSet<(String, String)>,
    /// Who watches, if anyone.
    observer: Option<&'o mut (dyn Observer + 'p)>,
}

impl RuleRun<'_, '_, '_> {
    /// Runs `clauses` on the current path. An error records itself and drops the
    /// path, so evaluation goes on with the next iteration of the innermost `for`.
    fn clauses(&mut self, ev: &mut Evaluator<'_>, frame: &mut Frame, clauses: &[Clause]) {
        let clause = self.rule.clauses.len().saturating_sub(clauses.len());
        let Some((first, rest)) = clauses.split_first() else {
            if let Err(stop) = self.finding(ev, frame) {
                self.drop_path(ev, clause, stop);
            }
            return;
        };
        match first {
            Clause::For { key, value, iter } => {
                let items = ev.eval(frame, iter).and_then(|collection| {
                    let items = ev.iterate(&collection, iter.span)?;
                    Ok((collection, items))
                });
                let (collection, items) = match items {
                    Ok(items) => items,
                    Err(stop) => return self.drop_path(ev, clause, stop),
                };
                if let Some(o) = self.observer.as_deref_mut() {
                    o.event(Event::For {
                        clause,
                        collection: ValueRef::new(ev.doc, &collection),
                        items: items.len(),
                    });
                }
                for (k, v) in items {
                    if ev.exhausted() {
                        return;
                    }
                    if let Some(o) = self.observer.as_deref_mut() {
                        o.event(Event::Item {
                            clause,
                            key: key.map(|_| ValueRef::new(ev.doc, &k)),
                            value: ValueRef::new(ev.doc, &v),
                        });
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
            Clause::If(cond) => {
                let decided = ev.eval(frame, cond).and_then(|c| {
                    let held = crate::ops::truth(&ev.at(cond.span), "if", &c)? == Some(true);
                    Ok((c, held))
                });
                match decided {
                    Ok((c, held)) => {
                        self.observe_if(ev, frame, clause, cond, &c, held);
                        if held {
                            self.clauses(ev, frame, rest);
                        }
                    }
                    Err(stop) => self.drop_path(ev, clause, stop),
                }
            }
            Clause::Let { local, value } => match ev.eval(frame, value) {
                Ok(v) => {
                    if let Some(o) = self.observer.as_deref_mut() {
                        o.event(Event::Let {
                            clause,
                            value: ValueRef::new(ev.doc, &v),
                        });
                    }
                    frame.set(*local, v);
                    self.clauses(ev, frame, rest);
                }
                Err(stop) => self.drop_path(ev, clause, stop),
            },
        }
    }

    /// Tells the observer, if any, how an `if` clause was decided.
    fn observe_if(
        &mut self,
        ev: &mut Evaluator<'_>,
        frame: &mut Frame,
        clause: usize,
        cond: &pol_check::hir::Expr,
        value: &Value,
        held: bool,
    ) {
        let Some(o) = self.observer.as_deref_mut() else {
            return;
        };
        let parts = if o.wants_operands() {
            ev.condition_parts(frame, cond)
        } else {
            Vec::new()
        };
        let operands: Vec<Operand<'_>> = parts
            .iter()
            .map(|(span, v)| Operand {
                text: ev.sources.slice(*span),
                span: *span,
                value: v.as_ref().map(|v| ValueRef::new(ev.doc, v)),
            })
            .collect();
        o.event(Event::If {
            clause,
            held,
            value: ValueRef::new(ev.doc, value),
            operands: &operands,
        });
    }

    fn drop_path(&mut self, ev: &mut Evaluator<'_>, clause: usize, stop: Stop) {
        if let Some(o) = self.observer.as_deref_mut() {
            let message = match &stop {
                Stop::Error(failure) => failure.message.as_str(),
                Stop::Recorded => "a let it uses failed (its error is recorded)",
            };
            o.event(Event::Error { clause, message });
        }
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
        let new = self.seen.insert((message.to_string(), path.clone()));
        if let Some(o) = self.observer.as_deref_mut() {
            o.event(Event::Finding {
                message: &message,
                path: &path,
                new,
            });
        }
        if !new {
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
