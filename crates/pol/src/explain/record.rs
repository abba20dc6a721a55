//! The observer behind explanations: keeps the current path of the running rule as a
//! stack of clauses and copies it out when the path ends (a finding, a failed
//! condition, an empty loop, an error), within the request's caps.

use super::{End, Named, Request, RuleExplanation, Shown, Step, Trace, clause_label};
use crate::SourceMap;
use crate::hir::{Clause, Program, RuleDef};
use pol_reference::{Event, Observer, Operand, ValueRef};

/// The most characters of a finding's message or an error's kept.
const MAX_MESSAGE: usize = 2000;

/// Builds the explanations of the rules it is asked about.
pub(super) struct Recorder<'a> {
    hir: &'a Program,
    sources: &'a SourceMap,
    request: &'a Request,
    /// Per rule: explain its findings.
    explained: &'a [bool],
    /// Per rule: show the paths that stopped.
    asked: &'a [bool],
    /// The rule running, and what is known of it so far.
    current: Option<(usize, RuleExplanation)>,
    /// The clauses of the current path.
    stack: Vec<Step>,
    done: Vec<(usize, RuleExplanation)>,
}

impl<'a> Recorder<'a> {
    pub(super) fn new(
        hir: &'a Program,
        sources: &'a SourceMap,
        request: &'a Request,
        explained: &'a [bool],
        asked: &'a [bool],
    ) -> Recorder<'a> {
        Recorder {
            hir,
            sources,
            request,
            explained,
            asked,
            current: None,
            stack: Vec::new(),
            done: Vec::new(),
        }
    }

    /// The explanations, with the index of each rule: the rules that fired (and are
    /// explained) and those asked about.
    pub(super) fn finish(mut self) -> Vec<(usize, RuleExplanation)> {
        self.close();
        self.done
    }

    fn close(&mut self) {
        if let Some((i, rule)) = self.current.take() {
            let explained = self.explained.get(i).copied().unwrap_or(false);
            if rule.asked || (explained && rule.fired > 0) {
                self.done.push((i, rule));
            }
        }
        self.stack.clear();
    }

    fn rule_def(&self) -> Option<&'a RuleDef> {
        let (i, _) = self.current.as_ref()?;
        self.hir.rules.get(*i)
    }

    fn label(&self, clause: usize) -> String {
        self.rule_def()
            .map(|r| clause_label(r, clause, self.sources))
            .unwrap_or_default()
    }

    fn shown(&self, v: ValueRef<'_>) -> Shown {
        Shown {
            text: v.show(self.request.max_value_chars),
            path: v.path(),
        }
    }

    fn local_name(&self, clause: usize, key: bool) -> String {
        let Some(rule) = self.rule_def() else {
            return String::new();
        };
        let id = match rule.clauses.get(clause) {
            Some(Clause::For { key: Some(k), .. }) if key => Some(*k),
            Some(Clause::For { value, .. }) => Some(*value),
            Some(Clause::Let { local, .. }) => Some(*local),
            _ => None,
        };
        id.and_then(|id| rule.body.local(id))
            .map_or_else(String::new, |l| l.name.clone())
    }

    fn parts(&self, operands: &[Operand<'_>]) -> Vec<Named> {
        operands
            .iter()
            .map(|o| Named {
                name: super::clauses::cut(&super::clauses::one_line(o.text), 100),
                value: o.value.map(|v| self.shown(v)),
            })
            .collect()
    }

    /// Drops the clauses of the path at `clause` and after.
    fn unwind(&mut self, clause: usize) {
        while self.stack.last().is_some_and(|s| s.clause >= clause) {
            self.stack.pop();
        }
    }

    /// Whether the running rule's findings are explained, and its stopped paths.
    fn wanted(&self) -> (bool, bool) {
        match &self.current {
            Some((i, rule)) => (self.explained.get(*i).copied().unwrap_or(false), rule.asked),
            None => (false, false),
        }
    }

    /// A path that stopped before `message`.
    fn stopped(&mut self, end: End) {
        let max = self.request.max_paths;
        let steps = self.stack.clone();
        if let Some((_, rule)) = &mut self.current {
            rule.stopped_total += 1;
            if rule.stopped.len() < max {
                rule.stopped.push(Trace { steps, end });
            }
        }
    }
}

impl Observer for Recorder<'_> {
    fn wants_operands(&self) -> bool {
        true
    }

    fn rule(&mut self, rule: usize) {
        self.close();
        let Some(def) = self.hir.rules.get(rule) else {
            return;
        };
        self.current = Some((
            rule,
            RuleExplanation {
                rule: def.info.qualified.clone(),
                id: def.id.clone(),
                not_run: None,
                fired: 0,
                findings: Vec::new(),
                stopped: Vec::new(),
                stopped_total: 0,
                asked: self.asked.get(rule).copied().unwrap_or(false),
            },
        ));
    }

    fn event(&mut self, event: Event<'_>) {
        let (explained, asked) = self.wanted();
        if !explained && !asked {
            // Only the findings are counted.
            if let (Event::Finding { new: true, .. }, Some((_, rule))) = (event, &mut self.current)
            {
                rule.fired += 1;
            }
            return;
        }
        match event {
            Event::For {
                clause,
                collection,
                items,
            } => {
                self.unwind(clause);
                if items == 0 && asked {
                    let end = End::Empty {
                        clause,
                        label: self.label(clause),
                        collection: self.shown(collection),
                    };
                    self.stopped(end);
                }
            }
            Event::Item { clause, key, value } => {
                self.unwind(clause);
                let mut values = Vec::new();
                if let Some(k) = key {
                    values.push(Named {
                        name: self.local_name(clause, true),
                        value: Some(self.shown(k)),
                    });
                }
                values.push(Named {
                    name: self.local_name(clause, false),
                    value: Some(self.shown(value)),
                });
                let label = self.label(clause);
                self.stack.push(Step {
                    clause,
                    label,
                    values,
                });
            }
            Event::Let { clause, value } => {
                self.unwind(clause);
                let values = vec![Named {
                    name: self.local_name(clause, false),
                    value: Some(self.shown(value)),
                }];
                let label = self.label(clause);
                self.stack.push(Step {
                    clause,
                    label,
                    values,
                });
            }
            Event::If {
                clause,
                held,
                value,
                operands,
            } => {
                self.unwind(clause);
                let parts = self.parts(operands);
                let label = self.label(clause);
                if held {
                    self.stack.push(Step {
                        clause,
                        label,
                        values: parts,
                    });
                } else if asked {
                    let end = End::Failed {
                        clause,
                        label,
                        value: value.show(10),
                        parts,
                    };
                    self.stopped(end);
                }
            }
            Event::Finding { message, path, new } => {
                let max = self.request.max_findings;
                let steps = self.stack.clone();
                if let (true, Some((_, rule))) = (new, &mut self.current) {
                    rule.fired += 1;
                    if rule.findings.len() < max {
                        rule.findings.push(Trace {
                            steps,
                            end: End::Finding {
                                message: super::clauses::cut(message, MAX_MESSAGE),
                                path: path.to_owned(),
                            },
                        });
                    }
                }
            }
            Event::Error { clause, message } => {
                self.unwind(clause);
                let end = End::Error {
                    clause,
                    label: self.label(clause),
                    message: super::clauses::cut(message, MAX_MESSAGE),
                };
                self.stopped(end);
            }
        }
    }
}
