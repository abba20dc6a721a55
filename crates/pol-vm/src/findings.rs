//! Turning `emit`s and runtime errors into the decision: paths, locations, dedupe.

use crate::value::{Value, View};
use pol_bytecode::{Pos, Program, RuleKind};
use pol_facts::NodeId;
use pol_facts::{Decision, Document, EvalError, Finding, InputLocation, PolicyLocation};
use rustc_hash::FxHashSet;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

/// The findings and errors of the evaluation in progress.
#[derive(Default)]
pub struct Findings {
    violations: Vec<Finding>,
    warnings: Vec<Finding>,
    errors: Vec<EvalError>,
    /// (rule, node, hash of the message) of the findings so far: a finding is a
    /// duplicate when a previous one of the rule has the same message and path, and a
    /// path is one node.
    seen: FxHashSet<(usize, NodeId, u64)>,
    seen_errors: HashSet<(String, String, Pos)>,
}

fn policy_location(pos: Pos, program: &Program) -> PolicyLocation {
    PolicyLocation {
        file: program
            .files
            .get(pos.file as usize)
            .cloned()
            .unwrap_or_default(),
        line: pos.line,
        column: pos.column,
    }
}

impl Findings {
    /// Forgets everything (keeps the buffers).
    pub fn clear(&mut self) {
        self.violations.clear();
        self.warnings.clear();
        self.errors.clear();
        self.seen.clear();
        self.seen_errors.clear();
    }

    /// Records a runtime error once per (owner, message, position).
    pub fn error(&mut self, owner: &str, message: String, pos: Pos, program: &Program) {
        if self
            .seen_errors
            .insert((owner.to_owned(), message.clone(), pos))
        {
            self.errors.push(EvalError {
                rule: owner.to_owned(),
                message,
                policy: policy_location(pos, program),
            });
        }
    }

    /// Records a finding of rule `rule`; the same message at the same path is kept once.
    pub fn emit(
        &mut self,
        rule: usize,
        message: &Value,
        at: Option<&Value>,
        anchors: &[Value],
        doc: &Document,
        program: &Program,
    ) -> Result<(), String> {
        let text = match message.view(doc) {
            View::Str(s) => s,
            other => {
                return Err(format!(
                    "a message must be a string, got `{}`",
                    other.kind()
                ));
            }
        };
        let node = at
            .into_iter()
            .chain(anchors)
            .find_map(|v| {
                if let Value::Node(id) = v {
                    Some(*id)
                } else {
                    None
                }
            })
            .unwrap_or_else(|| doc.root());
        let hash = {
            let mut h = rustc_hash::FxHasher::default();
            text.hash(&mut h);
            h.finish()
        };
        if !self.seen.insert((rule, node, hash))
            && self.already(rule, text, doc.path(node).as_str(), program)
        {
            return Ok(());
        }
        let (text, path) = (text.to_owned(), doc.path(node));
        let Some(info) = program.rules.get(rule) else {
            return Err("emit for an unknown rule".to_owned());
        };
        let location = doc.position(node).map(|p| InputLocation {
            file: doc.file().map(str::to_owned),
            line: p.line,
            column: p.column,
        });
        let finding = Finding {
            rule: info.name.clone(),
            id: info.id.clone(),
            severity: info.severity.clone(),
            message: text,
            path,
            location,
            policy: policy_location(info.pos, program),
        };
        match info.kind {
            RuleKind::Deny => self.violations.push(finding),
            RuleKind::Warn => self.warnings.push(finding),
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
        decision.violations = std::mem::take(&mut self.violations);
        decision.warnings = std::mem::take(&mut self.warnings);
        decision.errors = std::mem::take(&mut self.errors);
        decision.finish();
        decision
    }
}
