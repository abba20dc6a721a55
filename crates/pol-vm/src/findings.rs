//! Turning `emit`s and runtime errors into the decision: paths, locations, dedupe.

use crate::value::{Value, View};
use pol_bytecode::{Pos, Program, RuleKind};
use pol_facts::NodeId;
use pol_facts::{
    Decision, Document, EvalError, Finding, InputLocation, Name, PathCache, PolicyLocation,
};
use rustc_hash::FxHashSet;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// The findings and errors of the evaluation in progress.
#[derive(Default)]
pub struct Findings {
    violations: Vec<Finding>,
    warnings: Vec<Finding>,
    /// The rule of each violation and warning, by index: a group of fused rules emits
    /// its members' findings interleaved, and the decision lists them in rule order.
    violation_rules: Vec<u32>,
    warning_rules: Vec<u32>,
    errors: Vec<EvalError>,
    /// The position of each error (its key in `seen_errors`, with its rule and message).
    error_pos: Vec<Pos>,
    /// The last path written, to start the next one from (findings about one step
    /// come together).
    paths: PathCache,
    /// Buffers for putting findings in rule order.
    order: Vec<(u32, usize)>,
    slots: Vec<Option<Finding>>,
    /// (rule, node, hash of the message) of the findings so far: a finding is a
    /// duplicate when a previous one of the rule has the same message and path, and a
    /// path is one node.
    seen: FxHashSet<(usize, NodeId, u64)>,
    seen_errors: HashSet<(String, String, Pos)>,
    /// The program's names, shared by every finding.
    names: Names,
}

/// The names of a program's rules and files, as the findings hold them: made once,
/// then cloned by reference count.
#[derive(Default)]
struct Names {
    rules: Vec<RuleNames>,
    files: Vec<Name>,
}

struct RuleNames {
    name: Name,
    id: Option<Name>,
    severity: Name,
}

impl Names {
    /// Makes the names of `program` unless they are made (an evaluator runs one
    /// program).
    fn of(&mut self, program: &Program) -> &Names {
        if self.rules.len() != program.rules.len() || self.files.len() != program.files.len() {
            self.rules = program
                .rules
                .iter()
                .map(|r| RuleNames {
                    name: Name::from(r.name.as_str()),
                    id: r.id.as_deref().map(Name::from),
                    severity: Name::from(r.severity.as_str()),
                })
                .collect();
            self.files = program
                .files
                .iter()
                .map(|f| Name::from(f.as_str()))
                .collect();
        }
        self
    }

    fn policy_location(&self, pos: Pos) -> PolicyLocation {
        PolicyLocation {
            file: self
                .files
                .get(pos.file as usize)
                .cloned()
                .unwrap_or_default(),
            line: pos.line,
            column: pos.column,
        }
    }
}

impl Findings {
    /// Forgets everything (keeps the buffers).
    pub fn clear(&mut self) {
        self.violations.clear();
        self.warnings.clear();
        self.violation_rules.clear();
        self.warning_rules.clear();
        self.errors.clear();
        self.error_pos.clear();
        self.seen.clear();
        self.seen_errors.clear();
        self.paths.clear();
    }

    /// How much has been recorded so far, to tell what a group of fused rules adds.
    pub fn mark(&self) -> Mark {
        Mark {
            violations: self.violations.len(),
            warnings: self.warnings.len(),
            errors: self.errors.len(),
        }
    }

    /// True when errors were recorded since `mark`.
    pub fn errors_since(&self, mark: Mark) -> bool {
        self.errors.len() > mark.errors
    }

    /// Forgets what was recorded since `mark` by the rules `rules` (a group of fused
    /// rules that failed; nothing else ran since), so that they can run again.
    pub fn rollback(&mut self, mark: Mark, rules: &[u32]) {
        self.violations.truncate(mark.violations);
        self.violation_rules.truncate(mark.violations);
        self.warnings.truncate(mark.warnings);
        self.warning_rules.truncate(mark.warnings);
        let at = mark.errors.min(self.errors.len());
        let errors = self.errors.split_off(at);
        let positions = self.error_pos.split_off(at.min(self.error_pos.len()));
        for (error, pos) in errors.into_iter().zip(positions) {
            self.seen_errors
                .remove(&(error.rule.to_string(), error.message, pos));
        }
        self.seen
            .retain(|(rule, _, _)| !rules.iter().any(|&r| r as usize == *rule));
    }

    /// Records a runtime error once per (owner, message, position).
    pub fn error(&mut self, owner: &str, message: String, pos: Pos, program: &Program) {
        if self
            .seen_errors
            .insert((owner.to_owned(), message.clone(), pos))
        {
            let policy = self.names.of(program).policy_location(pos);
            self.errors.push(EvalError {
                rule: Name::from(owner),
                message,
                policy,
            });
            self.error_pos.push(pos);
        }
    }

    /// Records a finding of rule `rule` about `node`; the same message at the same path
    /// is kept once.
    pub fn emit(
        &mut self,
        rule: usize,
        message: Value,
        node: NodeId,
        doc: &Document,
        program: &Program,
    ) -> Result<(), String> {
        let View::Str(text) = message.view(doc) else {
            return Err(format!(
                "a message must be a string, got `{}`",
                message.view(doc).kind()
            ));
        };
        if self.duplicate(rule, text, node, doc, program) {
            return Ok(());
        }
        // A computed message that nothing else holds moves into the finding.
        let text = match message {
            Value::Str(s) => Rc::try_unwrap(s).unwrap_or_else(|s| s.as_ref().clone()),
            other => match other.view(doc) {
                View::Str(t) => t.to_owned(),
                _ => String::new(),
            },
        };
        self.push(rule, text, node, doc, program)
    }

    /// Records a finding whose message the `emit` wrote ([`Findings::emit`] with the
    /// message as a `String`).
    pub fn emit_text(
        &mut self,
        rule: usize,
        message: String,
        node: NodeId,
        doc: &Document,
        program: &Program,
    ) -> Result<(), String> {
        if self.duplicate(rule, &message, node, doc, program) {
            return Ok(());
        }
        self.push(rule, message, node, doc, program)
    }

    /// True when rule `rule` has a finding about `node` with this message already.
    fn duplicate(
        &mut self,
        rule: usize,
        message: &str,
        node: NodeId,
        doc: &Document,
        program: &Program,
    ) -> bool {
        let hash = {
            let mut h = rustc_hash::FxHasher::default();
            message.hash(&mut h);
            h.finish()
        };
        if self.seen.insert((rule, node, hash)) {
            return false;
        }
        let path = doc.path_cached(node, &mut self.paths);
        self.already(rule, message, &path, program)
    }

    /// Adds the finding.
    fn push(
        &mut self,
        rule: usize,
        text: String,
        node: NodeId,
        doc: &Document,
        program: &Program,
    ) -> Result<(), String> {
        let path = doc.path_cached(node, &mut self.paths);
        let Some(info) = program.rules.get(rule) else {
            return Err("emit for an unknown rule".to_owned());
        };
        let location = doc.position(node).map(|p| InputLocation {
            file: doc.file_name().cloned(),
            line: p.line,
            column: p.column,
        });
        let names = self.names.of(program);
        let Some(rule_names) = names.rules.get(rule) else {
            return Err("emit for an unknown rule".to_owned());
        };
        let finding = Finding {
            rule: rule_names.name.clone(),
            id: rule_names.id.clone(),
            severity: rule_names.severity.clone(),
            message: text,
            path,
            location,
            policy: names.policy_location(info.pos),
        };
        let index = u32::try_from(rule).unwrap_or(u32::MAX);
        match info.kind {
            RuleKind::Deny => {
                self.violations.push(finding);
                self.violation_rules.push(index);
            }
            RuleKind::Warn => {
                self.warnings.push(finding);
                self.warning_rules.push(index);
            }
        }
        Ok(())
    }

    /// True when rule `rule` already has a finding with this message and path (a hash
    /// collision check; rare).
    fn already(&self, rule: usize, message: &str, path: &str, program: &Program) -> bool {
        let Some(info) = program.rules.get(rule) else {
            return false;
        };
        self.violations
            .iter()
            .chain(&self.warnings)
            .any(|f| f.rule == info.name && f.message == message && f.path == path)
    }

    /// The decision so far; the findings are moved out.
    pub fn take_decision(&mut self, _doc: &Document, _program: &Program) -> Decision {
        let mut decision = Decision::new();
        in_rule_order(
            &mut self.violations,
            &mut self.violation_rules,
            &mut self.order,
            &mut self.slots,
        );
        in_rule_order(
            &mut self.warnings,
            &mut self.warning_rules,
            &mut self.order,
            &mut self.slots,
        );
        decision.violations = std::mem::take(&mut self.violations);
        decision.warnings = std::mem::take(&mut self.warnings);
        self.violation_rules.clear();
        self.warning_rules.clear();
        self.error_pos.clear();
        decision.errors = std::mem::take(&mut self.errors);
        decision.finish();
        decision
    }
}

/// What [`Findings`] held at one moment (see [`Findings::mark`]).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    violations: usize,
    warnings: usize,
    errors: usize,
}

/// Sorts `findings` by their rules (`rules`, index by index), keeping each rule's
/// findings in the order they were made. They already are, unless a group of fused
/// rules ran. `order` and `slots` are buffers kept from one decision to the next.
fn in_rule_order(
    findings: &mut Vec<Finding>,
    rules: &mut [u32],
    order: &mut Vec<(u32, usize)>,
    slots: &mut Vec<Option<Finding>>,
) {
    if rules.is_sorted() {
        return;
    }
    order.clear();
    order.extend(rules.iter().copied().zip(0..));
    // A stable sort of small pairs: each rule's findings stay in order.
    order.sort_by_key(|&(rule, _)| rule);
    slots.clear();
    slots.extend(findings.drain(..).map(Some));
    findings.extend(order.iter().filter_map(|&(_, i)| slots.get_mut(i)?.take()));
    for (rule, &(r, _)) in rules.iter_mut().zip(order.iter()) {
        *rule = r;
    }
}
