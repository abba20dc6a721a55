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
    /// The findings so far, in the order they were made, as small records: the
    /// decision's [`Finding`]s are built from them once, in rule order (a group of
    /// fused rules emits its members' findings interleaved), each straight into its
    /// place. The buffer is kept from one evaluation to the next.
    pending: Vec<Pending>,
    errors: Vec<EvalError>,
    /// The position of each error (its key in `seen_errors`, with its rule and message).
    error_pos: Vec<Pos>,
    /// The last path written, to start the next one from (findings about one step
    /// come together).
    paths: PathCache,
    /// Buffer for putting findings in rule order.
    order: Vec<(u32, usize)>,
    /// (rule, node, hash of the message) of the findings so far: a finding is a
    /// duplicate when a previous one of the rule has the same message and path, and a
    /// path is one node.
    seen: FxHashSet<(u32, NodeId, u64)>,
    seen_errors: HashSet<(String, String, Pos)>,
    /// The program's names, shared by every finding.
    names: Names,
}

/// A finding before the decision is made.
struct Pending {
    /// Index into the program's rules.
    rule: u32,
    node: NodeId,
    message: String,
    path: String,
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
        self.pending.clear();
        self.errors.clear();
        self.error_pos.clear();
        self.seen.clear();
        self.seen_errors.clear();
        self.paths.clear();
    }

    /// How much has been recorded so far, to tell what a group of fused rules adds.
    pub fn mark(&self) -> Mark {
        Mark {
            findings: self.pending.len(),
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
        self.pending.truncate(mark.findings);
        let at = mark.errors.min(self.errors.len());
        let errors = self.errors.split_off(at);
        let positions = self.error_pos.split_off(at.min(self.error_pos.len()));
        for (error, pos) in errors.into_iter().zip(positions) {
            self.seen_errors
                .remove(&(error.rule.to_string(), error.message, pos));
        }
        self.seen.retain(|(rule, _, _)| !rules.contains(rule));
    }

    /// Records a runtime error once per (owner, message, position).
    pub fn error(&mut self, owner: &str, message: String, pos: Pos, program: &Program) {
        self.error_about(owner, message, pos, None, program);
    }

    /// Records a runtime error once per (owner, message, position), with the input
    /// value that made it fail when the failing operation was given one (`about`: the
    /// node and its document): its path and place in the input file, as a finding's.
    pub fn error_about(
        &mut self,
        owner: &str,
        message: String,
        pos: Pos,
        about: Option<(NodeId, &Document)>,
        program: &Program,
    ) {
        if self
            .seen_errors
            .insert((owner.to_owned(), message.clone(), pos))
        {
            let policy = self.names.of(program).policy_location(pos);
            let mut error = EvalError::new(Name::from(owner), message, policy);
            if let Some((node, doc)) = about {
                error.path = Some(doc.path_cached(node, &mut self.paths));
                error.location = doc.position(node).map(|at| InputLocation {
                    file: doc.file_name().cloned(),
                    line: at.line,
                    column: at.column,
                });
            }
            self.errors.push(error);
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
        // A computed message that nothing else holds moves into the finding.
        let text = match message {
            Value::Str(s) => Rc::try_unwrap(s).unwrap_or_else(|s| s.as_ref().clone()),
            other => match other.view(doc) {
                View::Str(t) => t.to_owned(),
                not_text => {
                    return Err(format!(
                        "a message must be a string, got `{}`",
                        not_text.kind()
                    ));
                }
            },
        };
        self.emit_text(rule, text, node, doc, program)
    }

    /// Records a finding whose message is written already ([`Findings::emit`] with the
    /// message as a `String`, as an `emit` that writes its f-string gives it).
    pub fn emit_text(
        &mut self,
        rule: usize,
        message: String,
        node: NodeId,
        doc: &Document,
        program: &Program,
    ) -> Result<(), String> {
        let rule = match u32::try_from(rule) {
            Ok(r) if (r as usize) < program.rules.len() => r,
            _ => return Err("emit for an unknown rule".to_owned()),
        };
        if self.duplicate(rule, &message, node) {
            return Ok(());
        }
        let path = doc.path_cached(node, &mut self.paths);
        self.pending.push(Pending {
            rule,
            node,
            message,
            path,
        });
        Ok(())
    }

    /// True when rule `rule` has a finding about `node` with this message already.
    fn duplicate(&mut self, rule: u32, message: &str, node: NodeId) -> bool {
        let hash = {
            let mut h = rustc_hash::FxHasher::default();
            message.hash(&mut h);
            h.finish()
        };
        if self.seen.insert((rule, node, hash)) {
            return false;
        }
        // A hash collision, or a duplicate: compare.
        self.pending
            .iter()
            .any(|f| f.rule == rule && f.node == node && f.message == message)
    }

    /// The decision so far: the findings in rule order (each rule's in the order they
    /// were made), then the errors.
    pub fn take_decision(&mut self, doc: &Document, program: &Program) -> Decision {
        let mut decision = Decision::new();
        self.order.clear();
        self.order
            .extend(self.pending.iter().map(|p| p.rule).zip(0..));
        if !self.order.is_sorted() {
            // A stable sort of small pairs: each rule's findings stay in order.
            self.order.sort_by_key(|&(rule, _)| rule);
        }
        let denies = self
            .pending
            .iter()
            .filter(|p| {
                program
                    .rules
                    .get(p.rule as usize)
                    .is_some_and(|r| r.kind == RuleKind::Deny)
            })
            .count();
        decision.violations.reserve_exact(denies);
        decision.warnings.reserve_exact(self.pending.len() - denies);
        let names = self.names.of(program);
        let file = doc.file_name();
        for &(_, i) in &self.order {
            // Every pending rule is one of the program's (`push` checks).
            let Some(p) = self.pending.get_mut(i) else {
                continue;
            };
            let (Some(info), Some(rule_names)) = (
                program.rules.get(p.rule as usize),
                names.rules.get(p.rule as usize),
            ) else {
                continue;
            };
            let finding = Finding {
                rule: rule_names.name.clone(),
                id: rule_names.id.clone(),
                severity: rule_names.severity.clone(),
                message: std::mem::take(&mut p.message),
                path: std::mem::take(&mut p.path),
                location: doc.position(p.node).map(|at| InputLocation {
                    file: file.cloned(),
                    line: at.line,
                    column: at.column,
                }),
                policy: names.policy_location(info.pos),
            };
            match info.kind {
                RuleKind::Deny => decision.violations.push(finding),
                RuleKind::Warn => decision.warnings.push(finding),
            }
        }
        self.pending.clear();
        self.error_pos.clear();
        decision.errors = std::mem::take(&mut self.errors);
        decision.finish();
        decision
    }
}

/// What [`Findings`] held at one moment (see [`Findings::mark`]).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    findings: usize,
    errors: usize,
}
