//! Test coverage (`pol test --coverage`): for each rule, how many tests made it fire;
//! for each clause (`for`, `if`, `let`, `message`), how many tests reached it, and for
//! an `if`, in how many it held and in how many it failed at least once. Measured with
//! the reference evaluator and a counting observer: the VM does no work for it.

use crate::explain::clause_label;
use crate::hir::{Clause, Program, TestDef};
use crate::{Document, SourceMap};
use pol_reference::{Event, Observer};
use serde_json::json;
use std::fmt::Write;

/// Which rules and clauses the tests reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// How many tests ran.
    pub tests: usize,
    /// Every rule, in program order.
    pub rules: Vec<RuleCoverage>,
}

/// One rule's coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCoverage {
    /// Its qualified name.
    pub rule: String,
    /// Its `@id`.
    pub id: Option<String>,
    /// Its package.
    pub package: String,
    /// `file:line` of its name.
    pub at: String,
    /// How many tests made it fire (reach `message`).
    pub fired: usize,
    /// Its clauses, in order, then `message`.
    pub clauses: Vec<ClauseCoverage>,
}

/// One clause's coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseCoverage {
    /// The clause as written, on one line.
    pub label: String,
    /// True for an `if` clause (`held` and `failed` count).
    pub is_if: bool,
    /// How many tests reached it.
    pub reached: usize,
    /// How many tests saw it hold at least once (`if` only).
    pub held: usize,
    /// How many tests saw it fail at least once (`if` only).
    pub failed: usize,
}

/// A package's totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageCoverage {
    /// The package.
    pub package: String,
    /// Its rules.
    pub rules: usize,
    /// Those some test made fire.
    pub fired: usize,
    /// Its rules' clauses (`message` included).
    pub clauses: usize,
    /// Those some test reached.
    pub reached: usize,
}

/// What one test did to one clause.
#[derive(Debug, Clone, Copy, Default)]
struct Hit {
    reached: bool,
    held: bool,
    failed: bool,
}

/// Measures coverage test by test.
pub(super) struct Measure<'a> {
    hir: &'a Program,
    sources: &'a SourceMap,
    totals: Coverage,
    /// The current test's hits, per rule and clause.
    hits: Vec<Vec<Hit>>,
    current: Option<usize>,
}

impl<'a> Measure<'a> {
    pub(super) fn new(hir: &'a Program, sources: &'a SourceMap) -> Measure<'a> {
        let rules = hir
            .rules
            .iter()
            .map(|rule| RuleCoverage {
                rule: rule.info.qualified.clone(),
                id: rule.id.clone(),
                package: hir
                    .package(rule.info.package)
                    .map_or_else(String::new, |p| p.name.clone()),
                at: sources
                    .locate(rule.info.name_span)
                    .map_or_else(String::new, |(f, lc)| format!("{f}:{}", lc.line)),
                fired: 0,
                clauses: (0..=rule.clauses.len())
                    .map(|i| ClauseCoverage {
                        label: clause_label(rule, i, sources),
                        is_if: matches!(rule.clauses.get(i), Some(Clause::If(_))),
                        reached: 0,
                        held: 0,
                        failed: 0,
                    })
                    .collect(),
            })
            .collect();
        Measure {
            hir,
            sources,
            totals: Coverage { tests: 0, rules },
            hits: hir
                .rules
                .iter()
                .map(|r| vec![Hit::default(); r.clauses.len() + 1])
                .collect(),
            current: None,
        }
    }

    /// Runs the rules of `test`'s package on `doc` (with the test's options) and adds
    /// what they reached.
    pub(super) fn run(&mut self, test: &TestDef, doc: &Document, data: &crate::Data) {
        let lets: Vec<_> = test
            .options
            .iter()
            .filter_map(|(id, value)| Some((*id, value.json()?.clone())))
            .collect();
        let package = test.package;
        let data = data.to_json();
        let setup = pol_reference::Setup {
            rules: &|_, rule| rule.info.package == package,
            lets: &lets,
            data: Some(&data),
        };
        let (hir, sources) = (self.hir, self.sources);
        pol_reference::evaluate_observed(hir, sources, doc, &Default::default(), &setup, self);
        self.totals.tests += 1;
        for (rule, hits) in self.totals.rules.iter_mut().zip(&mut self.hits) {
            // `held` of the `message` clause: a finding was made.
            rule.fired += usize::from(hits.last().is_some_and(|h| h.held));
            for (clause, hit) in rule.clauses.iter_mut().zip(hits.iter_mut()) {
                clause.reached += usize::from(hit.reached);
                clause.held += usize::from(hit.held);
                clause.failed += usize::from(hit.failed);
                *hit = Hit::default();
            }
        }
    }

    pub(super) fn finish(self) -> Coverage {
        self.totals
    }
}

impl Observer for Measure<'_> {
    fn rule(&mut self, rule: usize) {
        self.current = Some(rule);
    }

    fn event(&mut self, event: Event<'_>) {
        let Some(hits) = self.current.and_then(|r| self.hits.get_mut(r)) else {
            return;
        };
        let (clause, held) = match event {
            Event::For { clause, .. } | Event::Let { clause, .. } | Event::Error { clause, .. } => {
                (clause, None)
            }
            Event::If { clause, held, .. } => (clause, Some(held)),
            // A finding: the `message` clause is reached and "holds".
            Event::Finding { .. } => (hits.len().saturating_sub(1), Some(true)),
            Event::Item { .. } => return,
        };
        if let Some(hit) = hits.get_mut(clause) {
            hit.reached = true;
            match held {
                Some(true) => hit.held = true,
                Some(false) => hit.failed = true,
                None => {}
            }
        }
    }
}

impl Coverage {
    /// Totals per package, in the order packages first appear.
    pub fn packages(&self) -> Vec<PackageCoverage> {
        let mut out: Vec<PackageCoverage> = Vec::new();
        for rule in &self.rules {
            let index = match out.iter().position(|p| p.package == rule.package) {
                Some(i) => i,
                None => {
                    out.push(PackageCoverage {
                        package: rule.package.clone(),
                        rules: 0,
                        fired: 0,
                        clauses: 0,
                        reached: 0,
                    });
                    out.len() - 1
                }
            };
            if let Some(p) = out.get_mut(index) {
                p.rules += 1;
                p.fired += usize::from(rule.fired > 0);
                p.clauses += rule.clauses.len();
                p.reached += rule.clauses.iter().filter(|c| c.reached > 0).count();
            }
        }
        out
    }

    /// The rules in report order: those no test made fire first, then the others,
    /// each group in program order.
    fn ordered(&self) -> impl Iterator<Item = &RuleCoverage> {
        let unfired = self.rules.iter().filter(|r| r.fired == 0);
        unfired.chain(self.rules.iter().filter(|r| r.fired > 0))
    }

    /// The coverage as a text table, then the totals of each package.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let width = self
            .rules
            .iter()
            .flat_map(|r| r.clauses.iter().map(|c| c.label.chars().count() + 4))
            .chain(self.rules.iter().map(|r| r.rule.chars().count()))
            .max()
            .unwrap_or(0)
            .min(72);
        let _ = writeln!(
            out,
            "{:<width$}  {:>7}  {:>6}  {:>6}",
            "rule / clause", "reached", "held", "failed"
        );
        for rule in self.ordered() {
            let status = if rule.fired == 0 {
                "NOT FIRED by any test".to_owned()
            } else {
                format!("fired in {}", plural(rule.fired, "test"))
            };
            let _ = writeln!(out, "{:<width$}  {status}  ({})", rule.rule, rule.at);
            for clause in &rule.clauses {
                let label = crate::explain::cut(&clause.label, width.saturating_sub(5));
                let reached = if clause.reached == 0 {
                    "-".to_owned()
                } else {
                    clause.reached.to_string()
                };
                let (held, failed) = if clause.is_if {
                    (clause.held.to_string(), clause.failed.to_string())
                } else {
                    (String::new(), String::new())
                };
                let mark = if clause.reached == 0 { "!" } else { " " };
                let _ = writeln!(
                    out,
                    "{mark}   {label:<w$}  {reached:>7}  {held:>6}  {failed:>6}",
                    w = width.saturating_sub(4)
                );
            }
        }
        out.push('\n');
        for p in self.packages() {
            let _ = writeln!(
                out,
                "{}: {} of {} fired by a test ({}), {} of {} clauses reached ({})",
                p.package,
                p.fired,
                plural(p.rules, "rule"),
                percent(p.fired, p.rules),
                p.reached,
                p.clauses,
                percent(p.reached, p.clauses)
            );
        }
        let (rules, fired) = (
            self.rules.len(),
            self.rules.iter().filter(|r| r.fired > 0).count(),
        );
        let _ = writeln!(
            out,
            "total: {fired} of {} fired by a test ({}), {}",
            plural(rules, "rule"),
            percent(fired, rules),
            plural(self.tests, "test")
        );
        out.lines().map(|l| format!("{}\n", l.trim_end())).collect()
    }

    /// The coverage as JSON (documented in docs/testing.md).
    pub fn to_json(&self) -> serde_json::Value {
        let rules: Vec<_> = self
            .ordered()
            .map(|r| {
                json!({
                    "rule": r.rule, "id": r.id, "package": r.package, "at": r.at,
                    "fired": r.fired,
                    "clauses": r.clauses.iter().map(|c| json!({
                        "label": c.label, "reached": c.reached,
                        "held": c.is_if.then_some(c.held),
                        "failed": c.is_if.then_some(c.failed),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let packages: Vec<_> = self
            .packages()
            .iter()
            .map(|p| {
                json!({"package": p.package, "rules": p.rules, "fired": p.fired,
                       "clauses": p.clauses, "reached": p.reached})
            })
            .collect();
        json!({"tests": self.tests, "rules": rules, "packages": packages})
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `n` of `total` as a percentage with one decimal (`100%` for an empty total).
fn percent(n: usize, total: usize) -> String {
    if total == 0 || n == total {
        return "100%".to_owned();
    }
    let tenths = n.saturating_mul(1000) / total;
    format!("{}.{}%", tenths / 10, tenths % 10)
}
