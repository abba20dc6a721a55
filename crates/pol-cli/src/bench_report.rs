//! The figures `pol bench` measures, and their output as text for people or as JSON.

use crate::output::plural;
use crate::policies::Origin;
use pol::Decision;
use std::fmt::Write;
use std::time::Duration;

/// Everything measured.
pub struct Report {
    /// Where the policy came from.
    pub origin: Origin,
    /// How long compiling the sources, or loading the `.polc` program, took.
    pub prepare: Duration,
    /// Loading and evaluating the inputs.
    pub run: Run,
}

/// The measured loops over the inputs.
pub struct Run {
    /// Input files.
    pub files: usize,
    /// Documents in them.
    pub documents: usize,
    /// Bytes of input text.
    pub bytes: usize,
    /// How many times every document was loaded and evaluated.
    pub iterations: usize,
    /// The time to load each document, once per iteration (a stream's documents share
    /// its time).
    pub load: Vec<Duration>,
    /// The time to evaluate each document, once per iteration.
    pub eval: Vec<Duration>,
    /// The time of each rule over every timed evaluation, in evaluation order.
    pub rules: Vec<RuleCost>,
    /// The self time of each let over every timed evaluation (included in the rules'
    /// times: a let is charged to the rule that first asks for it).
    pub lets: Vec<(String, Duration)>,
    /// The time of every timed evaluation, rules and the rest.
    pub timed: Duration,
    /// The decisions.
    pub tally: Tally,
}

/// One rule's time over every timed evaluation.
pub struct RuleCost {
    /// The rule's full name.
    pub rule: String,
    /// Its time, over all iterations.
    pub total: Duration,
    /// Its findings on the inputs (counted once, not once per iteration).
    pub findings: usize,
}

/// How the documents were decided.
#[derive(Default)]
pub struct Tally {
    denied: usize,
    allowed: usize,
    errors: usize,
}

impl Tally {
    /// Counts one decision.
    pub fn add(&mut self, decision: &Decision) {
        if decision.allowed {
            self.allowed += 1;
        } else {
            self.denied += 1;
        }
        self.errors += decision.errors.len();
    }
}

/// The median, 99th percentile and sum of samples.
struct Stats {
    median: Duration,
    p99: Duration,
    total: Duration,
}

impl Stats {
    fn of(samples: &[Duration]) -> Stats {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        // Nearest rank: the smallest sample with at least `q` of them at or below it.
        let rank = |q: f64| {
            let at = (q * sorted.len() as f64).ceil() as usize;
            sorted
                .get(at.saturating_sub(1))
                .copied()
                .unwrap_or_default()
        };
        Stats {
            median: rank(0.5),
            p99: rank(0.99),
            total: sorted.iter().sum(),
        }
    }
}

/// Documents per second and MB (10^6 bytes) per second for a run of `total`.
fn rates(run: &Run, total: Duration) -> (f64, f64) {
    let secs = total.as_secs_f64().max(1e-12);
    let n = (run.iterations * run.documents) as f64;
    let bytes = (run.iterations * run.bytes) as f64;
    (n / secs, bytes / 1e6 / secs)
}

/// The rules, costliest first (ties in evaluation order), and the time spent outside
/// any rule (setting up, building the decision).
fn by_cost(run: &Run) -> (Vec<&RuleCost>, Duration) {
    let mut rules: Vec<&RuleCost> = run.rules.iter().collect();
    rules.sort_by_key(|r| std::cmp::Reverse(r.total));
    let inside: Duration = run.rules.iter().map(|r| r.total).sum();
    (rules, run.timed.saturating_sub(inside))
}

/// The report for people.
pub fn text(report: &Report, top: usize) -> String {
    let run = &report.run;
    let mut out = String::new();
    let rules = plural(run.rules.len(), "rule");
    let _ = match report.origin {
        Origin::Sources { files } => writeln!(
            out,
            "policy      {}, {rules}: compiled in {}",
            plural(files, "file"),
            duration(report.prepare)
        ),
        Origin::Bundle { bytes } => writeln!(
            out,
            "policy      .polc program of {}, {rules}: loaded in {}",
            size(bytes),
            duration(report.prepare)
        ),
        Origin::Packs => writeln!(
            out,
            "policy      the shipped packs, {rules}: loaded in {}",
            duration(report.prepare)
        ),
    };
    let _ = writeln!(
        out,
        "inputs      {}, {}, {}",
        plural(run.files, "file"),
        plural(run.documents, "document"),
        size(run.bytes)
    );
    let _ = writeln!(
        out,
        "decisions   {} denied, {} allowed, {}",
        run.tally.denied,
        run.tally.allowed,
        plural(run.tally.errors, "runtime error")
    );
    let _ = writeln!(
        out,
        "measured    {} on one thread, after a warm-up\n",
        plural(run.iterations, "iteration")
    );
    let (load, eval) = (Stats::of(&run.load), Stats::of(&run.eval));
    let _ = writeln!(
        out,
        "per document   median       p99   documents/s      MB/s"
    );
    for (name, stats) in [("load", &load), ("evaluate", &eval)] {
        let (docs, mb) = rates(run, stats.total);
        let _ = writeln!(
            out,
            "{name:<12} {:>8}  {:>8}  {:>12}  {mb:>8.1}",
            duration(stats.median),
            duration(stats.p99),
            grouped(docs)
        );
    }
    let (docs, mb) = rates(run, load.total + eval.total);
    let _ = writeln!(
        out,
        "end to end   {:>8}  {:>8}  {:>12}  {mb:>8.1}\n",
        "",
        "",
        grouped(docs)
    );
    rule_table(&mut out, run, top);
    let_table(&mut out, run, top);
    out
}

/// The lets that took time, costliest first, by self time (the lets they asked for
/// are not counted in theirs).
fn let_table(out: &mut String, run: &Run, top: usize) {
    let mut lets: Vec<&(String, Duration)> =
        run.lets.iter().filter(|(_, t)| !t.is_zero()).collect();
    if lets.is_empty() {
        return;
    }
    lets.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    let documents = u32::try_from(run.iterations * run.documents)
        .unwrap_or(u32::MAX)
        .max(1);
    let share = |total: Duration| 100.0 * total.as_secs_f64() / run.timed.as_secs_f64().max(1e-12);
    let _ = writeln!(
        out,
        "lets, costliest first: self time per document, share of evaluation (in the rules' times)"
    );
    let shown = if top == 0 {
        lets.len()
    } else {
        top.min(lets.len())
    };
    for (name, total) in lets.iter().take(shown) {
        let _ = writeln!(
            out,
            "{:>10}  {:>5.1}%  {name}",
            duration(*total / documents),
            share(*total)
        );
    }
}

fn rule_table(out: &mut String, run: &Run, top: usize) {
    let (rules, outside) = by_cost(run);
    let per_doc = |total: Duration| {
        total
            / u32::try_from(run.iterations * run.documents)
                .unwrap_or(u32::MAX)
                .max(1)
    };
    let share = |total: Duration| 100.0 * total.as_secs_f64() / run.timed.as_secs_f64().max(1e-12);
    let _ = writeln!(
        out,
        "rules, costliest first: time per document, share of evaluation"
    );
    let shown = if top == 0 {
        rules.len()
    } else {
        top.min(rules.len())
    };
    let (listed, rest) = rules.split_at(shown);
    for rule in listed {
        let findings = match rule.findings {
            0 => String::new(),
            n => format!(" ({})", plural(n, "finding")),
        };
        let _ = writeln!(
            out,
            "{:>10}  {:>5.1}%  {}{findings}",
            duration(per_doc(rule.total)),
            share(rule.total),
            rule.rule
        );
    }
    if !rest.is_empty() {
        let total: Duration = rest.iter().map(|r| r.total).sum();
        let _ = writeln!(
            out,
            "{:>10}  {:>5.1}%  ({})",
            duration(per_doc(total)),
            share(total),
            plural(rest.len(), "other rule")
        );
    }
    let _ = writeln!(
        out,
        "{:>10}  {:>5.1}%  (outside rules: setup, decision)",
        duration(per_doc(outside)),
        share(outside)
    );
}

/// The report as one JSON document; times in nanoseconds.
pub fn json(report: &Report) -> String {
    let run = &report.run;
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    let n = (run.iterations * run.documents).max(1) as f64;
    let stage = |stats: &Stats| {
        let (documents_per_s, mb_per_s) = rates(run, stats.total);
        serde_json::json!({
            "median_ns": nanos(stats.median),
            "p99_ns": nanos(stats.p99),
            "total_ns": nanos(stats.total),
            "documents_per_s": documents_per_s,
            "mb_per_s": mb_per_s,
        })
    };
    let (load, eval) = (Stats::of(&run.load), Stats::of(&run.eval));
    let (documents_per_s, mb_per_s) = rates(run, load.total + eval.total);
    let policy = match report.origin {
        Origin::Sources { files } => serde_json::json!({
            "origin": "sources", "files": files, "rules": run.rules.len(),
            "compile_ns": nanos(report.prepare),
        }),
        Origin::Bundle { bytes } => serde_json::json!({
            "origin": "bundle", "bytes": bytes, "rules": run.rules.len(),
            "load_ns": nanos(report.prepare),
        }),
        Origin::Packs => serde_json::json!({
            "origin": "packs", "rules": run.rules.len(),
            "load_ns": nanos(report.prepare),
        }),
    };
    let (rules, outside) = by_cost(run);
    let timed = run.timed.as_secs_f64().max(1e-12);
    let rules: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "rule": r.rule,
                "ns_per_document": r.total.as_nanos() as f64 / n,
                "share": r.total.as_secs_f64() / timed,
                "findings": r.findings,
            })
        })
        .collect();
    let value = serde_json::json!({
        "policy": policy,
        "inputs": {"files": run.files, "documents": run.documents, "bytes": run.bytes},
        "decisions": {
            "denied": run.tally.denied,
            "allowed": run.tally.allowed,
            "errors": run.tally.errors,
        },
        "iterations": run.iterations,
        "load": stage(&load),
        "evaluate": stage(&eval),
        "end_to_end": {"documents_per_s": documents_per_s, "mb_per_s": mb_per_s},
        "rules": rules,
        "outside_rules_ns_per_document": outside.as_nanos() as f64 / n,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// `812 ns`, `41.2 µs`, `9.84 ms`, `1.20 s`: three significant digits.
fn duration(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    let (value, unit) = match ns {
        n if n < 1e3 => (n, "ns"),
        n if n < 1e6 => (n / 1e3, "µs"),
        n if n < 1e9 => (n / 1e6, "ms"),
        n => (n / 1e9, "s"),
    };
    let decimals = if value >= 100.0 || unit == "ns" {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$} {unit}")
}

/// `950 bytes`, `1.6 KB`, `12.3 MB` (powers of 1000).
fn size(bytes: usize) -> String {
    let b = bytes as f64;
    match bytes {
        0..1_000 => plural(bytes, "byte"),
        1_000..1_000_000 => format!("{:.1} KB", b / 1e3),
        _ => format!("{:.1} MB", b / 1e6),
    }
}

/// A rate rounded to a whole number, with thousands separated: `109,890`.
fn grouped(rate: f64) -> String {
    let digits = format!("{:.0}", rate.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(duration(Duration::from_nanos(812)), "812 ns");
        assert_eq!(duration(Duration::from_nanos(41_234)), "41.2 µs");
        assert_eq!(duration(Duration::from_nanos(9_843_000)), "9.84 ms");
        assert_eq!(duration(Duration::from_millis(1_204)), "1.20 s");
        assert_eq!(size(950), "950 bytes");
        assert_eq!(size(1_634), "1.6 KB");
        assert_eq!(grouped(109_890.4), "109,890");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1_000_000.0), "1,000,000");
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples: Vec<Duration> = (1..=200).rev().map(Duration::from_nanos).collect();
        let stats = Stats::of(&samples);
        assert_eq!(stats.median, Duration::from_nanos(100));
        assert_eq!(stats.p99, Duration::from_nanos(198));
        assert_eq!(stats.total, Duration::from_nanos(200 * 201 / 2));
        assert_eq!(Stats::of(&[]).median, Duration::ZERO);
    }
}
