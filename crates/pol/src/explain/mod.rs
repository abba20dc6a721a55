//! Explanations of a decision (`pol explain`, docs/explain.md): for each finding, the
//! bindings of its rule's `for` and `let` clauses and the conditions that held, with
//! their values; for a rule asked about (`why_not`), each path that stopped before
//! `message` — the condition that failed, or the loop that iterated over nothing.
//!
//! Explanations come from the reference evaluator (`pol-reference`) run with an
//! observer, not from the VM: the VM's hot loop does no work for them. The two
//! implement one semantics and are held equal by differential tests, so the findings
//! explained are the VM's findings.

mod clauses;
mod record;
mod render;

pub(crate) use clauses::{clause_label, cut};

use crate::{Compiled, Document, SourceMap};
use pol_facts::NodeRef;
use record::Recorder;

/// What to explain.
#[derive(Debug, Clone)]
pub struct Request {
    /// Explain only the findings of these rules (`@id`, name, qualified name or
    /// `package.*`); empty for every rule.
    pub rules: Vec<String>,
    /// Rules whose paths that did not reach `message` are shown (same names).
    pub why_not: Vec<String>,
    /// The most paths shown for one rule of `why_not` (the others are counted).
    pub max_paths: usize,
    /// The most findings explained for one rule (the others are counted).
    pub max_findings: usize,
    /// About how many characters a value is shown with before it is cut with `…`.
    pub max_value_chars: usize,
    /// The rules run: those this level admits (`@tags` `level:...`, as `pol eval
    /// --level`).
    pub level: crate::suppress::Level,
    /// The evaluator's resource limits.
    pub limits: pol_reference::Options,
    /// Values of `@option` lets, by qualified name (`pack.github.trusted_owners`), as
    /// `pol.toml` sets them for `pol eval`. A name that is no option of the program is
    /// left out: check the options first with `Evaluator::set_option`, as `pol eval`
    /// and `pol explain` do.
    pub options: Vec<(String, serde_json::Value)>,
    /// The reference data (`data`), as `pol eval --data` gives it.
    pub data: crate::Data,
}

impl Default for Request {
    /// Every rule's findings; 10 paths per `why_not` rule, 100 findings per rule,
    /// values cut at 80 characters, the `regular` level, the default limits.
    fn default() -> Request {
        Request {
            rules: Vec::new(),
            why_not: Vec::new(),
            max_paths: 10,
            max_findings: 100,
            max_value_chars: 80,
            level: crate::suppress::Level::Regular,
            limits: pol_reference::Options::default(),
            options: Vec::new(),
            data: crate::Data::new(),
        }
    }
}

/// Why a request cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule(pub String);

impl std::fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no rule is named `{}`", self.0)
    }
}

impl std::error::Error for UnknownRule {}

/// The explanation of one document's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The document's file, if it has one.
    pub file: Option<String>,
    /// The document's kind, if it has one.
    pub kind: Option<String>,
    /// The rules explained, in evaluation order: each one with a finding, and each
    /// one asked about with `why_not`.
    pub rules: Vec<RuleExplanation>,
}

/// What one rule did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleExplanation {
    /// The rule's qualified name.
    pub rule: String,
    /// Its `@id`.
    pub id: Option<String>,
    /// Why it did not run at all, if it did not (the document's kind, or its root's).
    pub not_run: Option<String>,
    /// How many findings it gave (each reported once).
    pub fired: usize,
    /// The paths that reached `message`, one per finding (at most `max_findings`).
    pub findings: Vec<Trace>,
    /// The paths that stopped before `message` (asked with `why_not`; at most
    /// `max_paths`) and runtime errors.
    pub stopped: Vec<Trace>,
    /// How many paths stopped in all (shown or not).
    pub stopped_total: usize,
    /// True when the rule was asked about with `why_not`.
    pub asked: bool,
}

/// One path through a rule's clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The clauses passed, in order.
    pub steps: Vec<Step>,
    /// How the path ended.
    pub end: End,
}

/// A clause a path went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The clause's number in the rule.
    pub clause: usize,
    /// The clause as written (`for job_id, job in input.jobs`).
    pub label: String,
    /// What it bound (`for`, `let`) or the parts of the condition that held (`if`).
    pub values: Vec<Named>,
}

/// An expression or a name and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The name bound, or the expression as written.
    pub name: String,
    /// Its value; `None` when it could not be computed.
    pub value: Option<Shown>,
}

/// A value as shown to people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// JSON-like text, cut with `…`.
    pub text: String,
    /// The input path, for a value read from the input document.
    pub path: Option<String>,
}

/// How a path ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// It reached `message`: a finding.
    Finding {
        /// The message.
        message: String,
        /// The finding's input path.
        path: String,
    },
    /// An `if` clause did not hold.
    Failed {
        /// The clause.
        clause: usize,
        /// The clause as written.
        label: String,
        /// The condition's value: `false` or `null`.
        value: String,
        /// The parts of the condition and their values.
        parts: Vec<Named>,
    },
    /// A `for` clause iterated over nothing.
    Empty {
        /// The clause.
        clause: usize,
        /// The clause as written.
        label: String,
        /// The collection (`[]`, `{}` or `null`).
        collection: Shown,
    },
    /// A runtime error dropped the path.
    Error {
        /// The clause (the number of clauses for `message`).
        clause: usize,
        /// The clause as written.
        label: String,
        /// The error.
        message: String,
    },
}

/// Explains the decision of `compiled` on `doc`, a document of kind `kind` (the rules
/// that run are those `pol eval` runs on it: of that kind or of none). `sources` must
/// hold the program's files.
pub fn explain(
    compiled: &Compiled,
    sources: &SourceMap,
    doc: &Document,
    kind: Option<&str>,
    request: &Request,
) -> Result<Explanation, UnknownRule> {
    // Explained as `pol eval` evaluates it: resolved as its kind is (GitLab CI's
    // `extends:`); what does not resolve is `pol eval`'s to report.
    let resolved = pol_facts::kind::resolve(doc, kind, &pol_facts::LoadLimits::DEFAULT);
    let doc = resolved
        .as_ref()
        .and_then(|r| r.document.as_ref())
        .unwrap_or(doc);
    let hir = &compiled.hir;
    let names = |wanted: &[String]| -> Result<Vec<bool>, UnknownRule> {
        let mut chosen = vec![wanted.is_empty(); hir.rules.len()];
        for w in wanted {
            let mut found = false;
            for (slot, rule) in chosen.iter_mut().zip(&hir.rules) {
                if crate::suppress::names_rule(&rule.info.qualified, rule.id.as_deref(), w) {
                    *slot = true;
                    found = true;
                }
            }
            if !found {
                return Err(UnknownRule(w.clone()));
            }
        }
        Ok(chosen)
    };
    let explained = names(&request.rules)?;
    let asked = if request.why_not.is_empty() {
        vec![false; hir.rules.len()]
    } else {
        names(&request.why_not)?
    };
    let infos = compiled.policy.rules();
    let root = root_bit(doc);
    let mut not_run: Vec<Option<String>> = vec![None; hir.rules.len()];
    for (i, rule) in hir.rules.iter().enumerate() {
        let info = infos.get(i).filter(|r| r.name == rule.info.qualified);
        let Some(info) = info else { continue };
        let applies = info.doc_kinds.is_empty()
            || kind.is_some_and(|k| info.doc_kinds.iter().any(|d| d == k));
        if let Some(slot) = not_run.get_mut(i) {
            if !request.level.admits(&rule.tags) {
                *slot = Some(format!(
                    "it is above the `{}` level (`--level` runs it)",
                    request.level.as_str()
                ));
            } else if !applies {
                *slot = Some(format!(
                    "it applies to {} documents, and this one is {}",
                    info.doc_kinds.join(" or "),
                    kind.map_or_else(|| "of no known kind".to_owned(), |k| format!("a {k}"))
                ));
            } else if info.input_kinds != 0 && info.input_kinds & (1 << root) == 0 {
                *slot = Some(format!(
                    "the input is {}, not what the package's `input:` type declares",
                    pol_bytecode::KIND_NAMES
                        .get(usize::from(root))
                        .unwrap_or(&"?")
                ));
            }
        }
    }
    let mut recorder = Recorder::new(hir, sources, request, &explained, &asked);
    let lets: Vec<(crate::hir::LetId, serde_json::Value)> = request
        .options
        .iter()
        .filter_map(|(name, value)| {
            let index = hir
                .lets
                .iter()
                .position(|l| l.option && l.info.qualified == *name)?;
            Some((crate::hir::LetId(u32::try_from(index).ok()?), value.clone()))
        })
        .collect();
    let data = request.data.to_json();
    let setup = pol_reference::Setup {
        rules: &|i, _| not_run.get(i).is_some_and(Option::is_none),
        lets: &lets,
        data: Some(&data),
    };
    pol_reference::evaluate_observed(hir, sources, doc, &request.limits, &setup, &mut recorder);
    let mut rules = recorder.finish();
    for (i, rule) in hir.rules.iter().enumerate() {
        let reason = not_run.get(i).cloned().flatten();
        if let Some(reason) = reason
            && asked.get(i).copied().unwrap_or(false)
        {
            rules.push((
                i,
                RuleExplanation {
                    rule: rule.info.qualified.clone(),
                    id: rule.id.clone(),
                    not_run: Some(reason),
                    fired: 0,
                    findings: Vec::new(),
                    stopped: Vec::new(),
                    stopped_total: 0,
                    asked: true,
                },
            ));
        }
    }
    rules.sort_by_key(|(i, _)| *i);
    Ok(Explanation {
        file: doc.file().map(ToOwned::to_owned),
        kind: kind.map(ToOwned::to_owned),
        rules: rules.into_iter().map(|(_, r)| r).collect(),
    })
}

/// The kind of the document's root, as a bit number of `KIND_NAMES`.
fn root_bit(doc: &Document) -> u8 {
    match doc.get(doc.root()) {
        NodeRef::Null => 0,
        NodeRef::Bool(_) => 1,
        NodeRef::Int(_) => 2,
        NodeRef::Float(_) => 3,
        NodeRef::Str(_) => 4,
        NodeRef::List(_) => 5,
        NodeRef::Object(_) => 7,
    }
}

impl Explanation {
    /// The findings explained, as (rule, message, path), in order.
    pub fn findings(&self) -> Vec<(&str, &str, &str)> {
        self.rules
            .iter()
            .flat_map(|r| {
                r.findings.iter().filter_map(move |t| match &t.end {
                    End::Finding { message, path } => {
                        Some((r.rule.as_str(), message.as_str(), path.as_str()))
                    }
                    _ => None,
                })
            })
            .collect()
    }
}
