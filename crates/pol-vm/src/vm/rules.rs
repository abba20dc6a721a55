//! Which rules run on a document, and the loop that runs them: the document's kind
//! (`RuleInfo::doc_kinds`), its root against the packages' declared `input:` kinds,
//! rule indexing, then each rule or group of fused rules in order.

use super::Evaluator;
use super::groups::GroupState;
use crate::value::Value;
use pol_facts::{Decision, Document};

impl Evaluator<'_> {
    /// Evaluates every rule on `doc` and returns the decision.
    pub fn evaluate(&mut self, doc: &Document) -> Decision {
        self.evaluate_rules(doc, None)
    }

    /// Evaluates `doc` as a document of kind `kind` (`"github-workflow"`, ...; `None`
    /// for a document of no known kind): only the rules of that kind
    /// (`RuleInfo::doc_kinds`, from the `@kind` of their package's `input:` type) and
    /// the rules without a kind run.
    ///
    /// A document of a kind that is resolved before rules run is evaluated resolved
    /// ([`pol_facts::kind::resolve`]: GitLab CI's `extends:` and `!reference`), within
    /// the limits of [`Evaluator::set_load_limits`]; what cannot be resolved is a
    /// runtime error of the decision, which then does not allow.
    pub fn evaluate_kind(&mut self, doc: &Document, kind: Option<&str>) -> Decision {
        let Some(resolved) = pol_facts::kind::resolve(doc, kind, &self.state.load_limits) else {
            return self.evaluate_rules(doc, Some(kind));
        };
        let target = resolved.document.as_ref().unwrap_or(doc);
        let mut decision = self.evaluate_rules(target, Some(kind));
        let mut errors = resolved.errors(doc);
        errors.append(&mut decision.errors);
        decision.errors = errors;
        decision.finish();
        decision
    }

    /// Sets the limits that resolving a document of its kind in
    /// [`Evaluator::evaluate_kind`] builds within (the copies that `extends:` and
    /// `!reference` make count against `max_alias_nodes`); the defaults otherwise.
    pub fn set_load_limits(&mut self, limits: pol_facts::LoadLimits) {
        self.state.load_limits = limits;
    }

    /// [`Evaluator::evaluate`] (`kind` is `None`), or [`Evaluator::evaluate_kind`].
    fn evaluate_rules(&mut self, doc: &Document, kind: Option<Option<&str>>) -> Decision {
        self.evaluate_selected(doc, kind, None)
    }

    /// Like [`Evaluator::evaluate_kind`], and adds the time each rule took to
    /// `timings[rule]` (for `pol bench`; lets are charged to the rule that first uses
    /// them). `timings` should have one entry per rule. Every rule runs on its own
    /// here, without loop fusion, so that each has a time; the decision is the same.
    pub fn evaluate_timed(
        &mut self,
        doc: &Document,
        kind: Option<&str>,
        timings: &mut [std::time::Duration],
    ) -> Decision {
        let Some(resolved) = pol_facts::kind::resolve(doc, kind, &self.state.load_limits) else {
            return self.evaluate_selected(doc, Some(kind), Some(timings));
        };
        let target = resolved.document.as_ref().unwrap_or(doc);
        let mut decision = self.evaluate_selected(target, Some(kind), Some(timings));
        let mut errors = resolved.errors(doc);
        errors.append(&mut decision.errors);
        decision.errors = errors;
        decision.finish();
        decision
    }

    /// Runs the rules that apply to `doc` (of `kind`, when given): fused where the
    /// program groups them, or each on its own with its time added to `timings`.
    fn evaluate_selected(
        &mut self,
        doc: &Document,
        kind: Option<Option<&str>>,
        mut timings: Option<&mut [std::time::Duration]>,
    ) -> Decision {
        self.reset(doc);
        self.select_rules(doc);
        let program = self.program;
        // The document's kind as a number, looked up once.
        let kind = kind.map(|k| program.kind_id(k));
        if let Some(kind) = kind
            && program.has_kinds()
        {
            self.state
                .selected
                .retain(|&r| program.rule_applies(r as usize, kind));
        }
        let root = self.root_kinds(doc, kind);
        for i in 0..self.state.selected.len() {
            let index = self.state.selected.get(i).map_or(0, |r| *r as usize);
            if let Some(bit) = root
                && !self.accepts_root(index, bit)
            {
                continue;
            }
            let go_on = match (&mut timings, self.program.rule_group(index)) {
                (None, Some(group)) => self.run_grouped(group, index, doc),
                (None, None) => {
                    let go_on = self.run_rule(index, doc);
                    self.check_skipped(index, doc);
                    go_on
                }
                (Some(timings), _) => {
                    let start = std::time::Instant::now();
                    let go_on = self.run_rule(index, doc);
                    if let Some(t) = timings.get_mut(index) {
                        *t += start.elapsed();
                    }
                    self.check_skipped(index, doc);
                    go_on
                }
            };
            if !go_on {
                break;
            }
        }
        self.state.findings.take_decision(doc, &self.program.code)
    }

    /// `Some(kind bit of the root)` when some rule does not accept the kind of
    /// `doc`'s root (its package's `input: T` declares another). Each such rule gets
    /// an error that says so — whether or not rule indexing would have run it — and
    /// does not run; groups of fused rules are undone, so that each member is checked,
    /// and runs, on its own.
    /// With `filtered`, only the rules that apply to documents of `kind` count.
    /// `kind` is `Some` when the evaluation is of a document of that kind (number):
    /// only the rules that run on it count.
    fn root_kinds(&mut self, doc: &Document, kind: Option<Option<u32>>) -> Option<u8> {
        let bit = Value::Node(doc.root()).kind_bit(doc);
        if self.program.accepted_roots & (1 << bit) != 0 {
            return None;
        }
        self.refuse_root(bit, kind);
        Some(bit)
    }

    #[cold]
    fn refuse_root(&mut self, bit: u8, kind: Option<Option<u32>>) {
        self.state.groups.fill(GroupState::Unfused);
        let names = |kinds: u8| -> String {
            pol_bytecode::KIND_NAMES
                .iter()
                .enumerate()
                .filter(|(i, _)| kinds & (1 << i) != 0)
                .map(|(_, n)| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let code = &self.program.code;
        let program = self.program;
        for (index, rule) in code.rules.iter().enumerate() {
            let runs = kind.is_none_or(|k| program.rule_applies(index, k));
            if !accepts(rule.input_kinds, bit) && runs {
                let message = format!(
                    "the input is {}, not {} as the package's `input:` type declares (the rule did not run)",
                    names(1 << bit),
                    names(rule.input_kinds)
                );
                self.state
                    .findings
                    .error(&rule.name, message, rule.pos, code);
            }
        }
    }

    /// Whether rule `index` accepts a document whose root has kind bit `bit`.
    fn accepts_root(&self, index: usize, bit: u8) -> bool {
        self.program
            .code
            .rules
            .get(index)
            .is_none_or(|rule| accepts(rule.input_kinds, bit))
    }

    /// The rules to run on `doc` (all of them unless some have guards).
    fn select_rules(&mut self, doc: &Document) {
        let index = &self.program.index;
        if index.is_trivial() {
            let n = u32::try_from(self.program.code.rules.len()).unwrap_or(u32::MAX);
            if self.state.selected.len() != n as usize {
                self.state.selected.clear();
                self.state.selected.extend(0..n);
            }
        } else {
            let mut selected = std::mem::take(&mut self.state.selected);
            index.select(
                doc,
                &mut |sym| self.key_for(sym.index(), doc),
                &mut selected,
            );
            self.state.selected = selected;
        }
        // Rules turned off before the run (`disable_rules`) are never selected.
        if !self.state.disabled.is_empty() {
            let disabled = &self.state.disabled;
            self.state
                .selected
                .retain(|&r| !disabled.get(r as usize).copied().unwrap_or(false));
        }
    }

    /// Turns off the rules for which `off` is true (and turns the others on): they do
    /// not run on the documents evaluated next, as if they were not in the program —
    /// no finding, no error, no time. For rule selection that is known before a run:
    /// a level (`pol eval --level`), rules a project disables. Rules fused with a
    /// disabled one run on their own.
    pub fn disable_rules(&mut self, off: impl Fn(&pol_bytecode::RuleInfo) -> bool) {
        self.state.disabled.clear();
        self.state
            .disabled
            .extend(self.program.code.rules.iter().map(off));
        if !self.state.disabled.iter().any(|&d| d) {
            self.state.disabled.clear();
        }
    }

    /// Marks the groups of fused rules that hold a disabled rule as undone, so that
    /// their other members run on their own.
    pub(super) fn unfuse_disabled(&mut self) {
        let disabled = &self.state.disabled;
        for (state, group) in self.state.groups.iter_mut().zip(&self.program.code.groups) {
            if group
                .rules
                .iter()
                .any(|&r| disabled.get(r as usize).copied().unwrap_or(false))
            {
                *state = GroupState::Unfused;
            }
        }
    }

    /// Every rule's metadata (name, id, severity, tags, ...), in evaluation order.
    pub fn rules(&self) -> &[pol_bytecode::RuleInfo] {
        &self.program.code.rules
    }

    /// The names of the rules, in evaluation order.
    pub fn rule_names(&self) -> impl Iterator<Item = &str> {
        self.program.code.rules.iter().map(|r| r.name.as_str())
    }
}

/// Whether a rule whose package declares input kinds `kinds` (0: any) accepts a root
/// of kind bit `bit`.
fn accepts(kinds: u8, bit: u8) -> bool {
    kinds == 0 || kinds & (1 << bit) != 0
}
