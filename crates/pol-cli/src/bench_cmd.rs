//! `pol bench`: how long a policy set takes to compile, to load its inputs and to
//! evaluate them, and which rules cost the most.

use crate::bench_report::{self, Report, RuleCost, Run, Tally};
use crate::eval::InputFormat;
use crate::inputs::{Input, InputError, Pending, find_inputs, parse_shaped};
use crate::output::{ColorChoice, Format as OutputFormat, write_stdout};
use crate::policies::{PolicyArgs, load};
use crate::{EXIT_OK, EXIT_USAGE};
use pol::{Decision, Document, Evaluator};
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Arguments of `pol bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    #[command(flatten)]
    data: crate::data_args::DataArgs,
    /// Input documents: files, folders (searched for .json, .yaml, .yml, .toml), or `-`
    /// for standard input.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// How many times to load and evaluate every document (default: as many times as
    /// fit in about a second, at most 1000).
    #[arg(long, value_name = "N", value_parser = crate::limit_args::parse_count)]
    iterations: Option<NonZeroUsize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: OutputFormat,
    /// Read every input as this format instead of guessing from the extension.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// Read every input as a document of this kind (`github-workflow`, `kubernetes`,
    /// ...; `pol eval --kind help` lists them), as `pol eval --kind` does: only the
    /// rules of this kind, and those without one, run on it.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Run the rules of this level and below, as `pol eval --level` does (default:
    /// regular; pol.toml is not read).
    #[arg(long = "level", value_enum, value_name = "LEVEL")]
    rule_level: Option<crate::eval::LevelArg>,
    /// How many rules the text output lists, costliest first (0: all of them).
    #[arg(long, value_name = "N", default_value_t = 20)]
    top: usize,
    /// When to colour the diagnostics of a policy that does not compile.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
}

/// The time the measured loops should take when `--iterations` is not given.
const TARGET: Duration = Duration::from_secs(1);
/// At most this many iterations by default, and this many samples of each kind.
const MAX_ITERATIONS: usize = 1000;
const MAX_SAMPLES: usize = 2_000_000;

/// Runs `pol bench`; returns the exit code.
pub fn run(args: &BenchArgs) -> u8 {
    let loaded = match load(
        &args.policy,
        args.color,
        crate::policies::Fallback::Required,
    ) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let kind = match crate::eval::kind_arg(args.kind.as_deref()) {
        Ok(kind) => kind,
        Err(code) => return code,
    };
    let inputs = match read_inputs(args, kind) {
        Ok(inputs) => inputs,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let data =
        match crate::data_args::read(&args.data, &[], None, &loaded.data, loaded.hir.as_ref()) {
            Ok(data) => data,
            Err(code) => return code,
        };
    let mut evaluator = loaded.policy.evaluator();
    if !data.is_empty() {
        evaluator.set_data(&data);
    }
    let level = args
        .rule_level
        .map(pol::suppress::Level::from)
        .unwrap_or_default();
    evaluator.disable_rules(|rule| !level.admits(&rule.tags));
    let report = match measure(&mut evaluator, &inputs, args.iterations) {
        Ok(run) => Report {
            origin: loaded.origin,
            prepare: loaded.took,
            run,
        },
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let out = match args.format {
        OutputFormat::Text => bench_report::text(&report, args.top),
        OutputFormat::Json => bench_report::json(&report),
    };
    match write_stdout(&out) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

/// The inputs, read, each with what tells its documents' kinds (as `pol eval` does).
fn read_inputs(
    args: &BenchArgs,
    kind: Option<&'static str>,
) -> Result<Vec<(Input, Pending)>, InputError> {
    find_inputs(
        &args.inputs,
        args.input_format.map(Into::into),
        kind,
        u64::MAX,
    )?
    .inputs
    .into_iter()
    .map(|pending| Ok((pending.read()?, pending)))
    .collect()
}

/// Loads every input and evaluates every document once (warming the evaluator and
/// counting the findings), then `iterations` times: loads every input, evaluates every
/// document, and evaluates every document again with the time of each rule.
fn measure(
    evaluator: &mut Evaluator<'_>,
    inputs: &[(Input, Pending)],
    iterations: Option<NonZeroUsize>,
) -> Result<Run, InputError> {
    let rules: Vec<String> = evaluator.rule_names().map(str::to_owned).collect();
    let mut per_rule = vec![Duration::ZERO; rules.len()];
    let mut tally = Tally::default();
    let mut findings = vec![0usize; rules.len()];

    let warm = Instant::now();
    // Each document with its kind: rules run only on documents of their kind.
    let mut docs = Vec::new();
    for (input, pending) in inputs {
        for doc in parse_shaped(input, evaluator.shape())? {
            let kind = pending.kind_of(&doc);
            docs.push((doc, kind));
        }
    }
    for (doc, kind) in &docs {
        let decision = evaluator.evaluate_kind(doc, *kind);
        tally.add(&decision);
        count_findings(&decision, &rules, &mut findings);
        evaluator.evaluate_timed(doc, *kind, &mut per_rule);
    }
    let pass = warm.elapsed();
    per_rule.fill(Duration::ZERO);

    let iterations =
        iterations.map_or_else(|| default_iterations(pass, docs.len()), NonZeroUsize::get);
    let mut load = Vec::with_capacity(iterations * docs.len());
    let mut eval = Vec::with_capacity(iterations * docs.len());
    let mut timed = Duration::ZERO;
    let mut lets: Vec<(String, Duration)> = Vec::new();
    for _ in 0..iterations {
        for (input, _) in inputs {
            let start = Instant::now();
            let parsed = black_box(parse_shaped(input, evaluator.shape())?);
            let took = start.elapsed();
            // A YAML stream's documents share its time.
            let share = took / u32::try_from(parsed.len().max(1)).unwrap_or(u32::MAX);
            load.extend(parsed.iter().map(|_| share));
        }
        for (doc, kind) in &docs {
            let start = Instant::now();
            let decision = black_box(evaluator.evaluate_kind(doc, *kind));
            eval.push(start.elapsed());
            drop(decision);
        }
        evaluator.profile_lets(true);
        timed += timed_pass(evaluator, &docs, &mut per_rule);
        for (i, (name, took)) in evaluator.let_times().into_iter().enumerate() {
            match lets.get_mut(i) {
                Some((_, total)) => *total += took,
                None => lets.push((name.to_owned(), took)),
            }
        }
        evaluator.profile_lets(false);
    }
    let costs = rules
        .into_iter()
        .zip(per_rule)
        .zip(findings)
        .map(|((rule, total), findings)| RuleCost {
            rule,
            total,
            findings,
        })
        .collect();
    Ok(Run {
        files: inputs.len(),
        documents: docs.len(),
        bytes: inputs.iter().map(|(i, _)| i.text.len()).sum(),
        iterations,
        load,
        eval,
        rules: costs,
        lets,
        timed,
        tally,
    })
}

/// Evaluates every document with the time of each rule; returns the time it all took.
fn timed_pass(
    evaluator: &mut Evaluator<'_>,
    docs: &[(Document, Option<&'static str>)],
    per_rule: &mut [Duration],
) -> Duration {
    let start = Instant::now();
    for (doc, kind) in docs {
        black_box(evaluator.evaluate_timed(doc, *kind, per_rule));
    }
    start.elapsed()
}

/// As many iterations as fit in [`TARGET`] when one takes `pass`, at least one.
fn default_iterations(pass: Duration, documents: usize) -> usize {
    let fit = TARGET.as_secs_f64() / pass.as_secs_f64().max(1e-9);
    let cap = (MAX_SAMPLES / documents.max(1)).clamp(1, MAX_ITERATIONS);
    // `fit` is positive and finite; the cast saturates.
    (fit.ceil() as usize).clamp(1, cap)
}

fn count_findings(decision: &Decision, rules: &[String], counts: &mut [usize]) {
    for finding in decision.violations.iter().chain(&decision.warnings) {
        if let Some(i) = rules.iter().position(|r| *r == finding.rule)
            && let Some(count) = counts.get_mut(i)
        {
            *count += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_default_the_loops_take_about_a_second() {
        let ms = Duration::from_millis;
        assert_eq!(default_iterations(ms(10), 1), 100);
        assert_eq!(default_iterations(ms(3), 5), 334);
        assert_eq!(default_iterations(Duration::from_nanos(50), 1), 1000);
        assert_eq!(default_iterations(Duration::ZERO, 1), 1000);
        assert_eq!(default_iterations(ms(5000), 1), 1);
        // Never more than MAX_SAMPLES samples of a kind.
        assert_eq!(default_iterations(ms(1), 100_000), 20);
    }
}
