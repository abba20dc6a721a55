//! `pol eval`: evaluate input documents against policies and write the decisions, as
//! they are made, in the chosen format (`pol::render`).

use crate::batch;
use crate::eval_input::{Reading, evaluate};
use crate::inputs::{InputError, Pending, find_inputs};
use crate::limit_args::LimitArgs;
use crate::output::{ColorChoice, write_stdout};
use crate::policies::{Loaded, PolicyArgs, load};
use crate::stream::{Progress, Stdout};
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use pol::Evaluator;
use pol::render::{
    FailOn, Format, QueryFormat, QueryValue, Renderer, Rules, RunEnd, RunInfo, write_query,
};
use pol::suppress::Suppression;
use std::num::NonZeroUsize;
use std::path::PathBuf;

/// Arguments of `pol eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    #[command(flatten)]
    data: crate::data_args::DataArgs,
    /// Input documents: files, folders (searched for .json, .yaml, .yml, .toml), or `-`
    /// for standard input.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Output format (docs/output.md).
    #[arg(long, value_parser = output_format(), default_value = "text")]
    format: Format,
    /// Read every input as this format instead of guessing from the extension
    /// (`ndjson`: one JSON document a line, each evaluated alone).
    #[arg(long, value_enum)]
    input_format: Option<EvalInputFormat>,
    /// What findings make the exit code 1 (runtime errors always do).
    #[arg(long, value_enum, default_value_t, value_name = "WHAT")]
    fail_on: FailOnArg,
    /// Report only findings of this severity or above; the others are suppressed.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    min_severity: Option<SeverityArg>,
    /// Print the value of this top-level `let` for each input instead of the findings.
    #[arg(long, value_name = "NAME")]
    query: Option<String>,
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
    /// How many inputs to read and evaluate at once (default: one per core). The output
    /// is the same whatever the number.
    #[arg(short = 'j', long, value_name = "N", value_parser = crate::limit_args::parse_count)]
    jobs: Option<NonZeroUsize>,
    /// Accept inputs that hold no document (an empty file or standard input, a YAML
    /// file of comments only): they are skipped. Without it they are errors.
    #[arg(long)]
    allow_empty: bool,
    /// Read every input as a document of this kind (`github-workflow`, `kubernetes`,
    /// ...; `pol eval --kind help` lists them) instead of telling it from its path and
    /// content: only the rules of this kind, and those without one, run on it.
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Drop the findings of these rules (ids or names, `pack.gitlab.*` for a package;
    /// repeat it, or separate with commas).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    skip: Vec<String>,
    /// Keep only the findings of these rules.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    only: Vec<String>,
    /// Which rules run, as zizmor's personas: `regular` (the default: findings worth
    /// acting on), `pedantic` (and code smells), `auditor` (and findings that may be
    /// false positives). Rules tagged `level:pedantic` or `level:auditor` run only at
    /// that level or above (default: `[rules] level` of pol.toml, else regular).
    #[arg(long = "level", value_enum, value_name = "LEVEL")]
    rule_level: Option<LevelArg>,
    /// Drop the findings known in this baseline (written by `--write-baseline`): fail
    /// only on new ones.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the findings of this run to a baseline file (they are then all known).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// The project's settings (default: the first `pol.toml` found in the folder of the
    /// first input or above it; docs/suppression.md).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
    // Decision log (docs/decision-log.md): `--decision-log`, `--decision-log-redact`.
    #[command(flatten)]
    decision_log: crate::decision_log::DecisionLogArgs,
}

/// `--level`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LevelArg {
    /// Findings worth acting on.
    Regular,
    /// And code smells.
    Pedantic,
    /// And findings that may be false positives.
    Auditor,
}

impl From<LevelArg> for pol::suppress::Level {
    fn from(l: LevelArg) -> pol::suppress::Level {
        match l {
            LevelArg::Regular => pol::suppress::Level::Regular,
            LevelArg::Pedantic => pol::suppress::Level::Pedantic,
            LevelArg::Auditor => pol::suppress::Level::Auditor,
        }
    }
}

/// `--format`: pol's output formats, named and described by `pol::render::Format`.
fn output_format() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(
        Format::ALL
            .iter()
            .map(|f| PossibleValue::new(f.name()).help(f.description())),
    )
    .map(|name| Format::from_name(&name).unwrap_or_default())
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOnArg {
    /// Violations (and runtime errors) give exit code 1.
    #[default]
    Violation,
    /// Warnings too.
    Warning,
    /// Findings never do; runtime errors still do.
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(f: FailOnArg) -> FailOn {
        match f {
            FailOnArg::Violation => FailOn::Violation,
            FailOnArg::Warning => FailOn::Warning,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

/// `--min-severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    /// Everything.
    Info,
    /// `low` and above.
    Low,
    /// `medium` and above.
    Medium,
    /// `high` and above.
    High,
    /// `critical` only.
    Critical,
}

impl SeverityArg {
    fn rank(self) -> u8 {
        pol::render::severity_rank(match self {
            SeverityArg::Info => "info",
            SeverityArg::Low => "low",
            SeverityArg::Medium => "medium",
            SeverityArg::High => "high",
            SeverityArg::Critical => "critical",
        })
    }
}

/// Input formats (`pol bench` and `pol eval`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum InputFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
    /// TOML.
    Toml,
    /// Terraform configuration (HCL, or Terraform's JSON syntax).
    Hcl,
}

impl From<InputFormat> for pol::Format {
    fn from(f: InputFormat) -> pol::Format {
        match f {
            InputFormat::Json => pol::Format::Json,
            InputFormat::Yaml => pol::Format::Yaml,
            InputFormat::Toml => pol::Format::Toml,
            InputFormat::Hcl => pol::Format::Hcl,
        }
    }
}

/// `pol eval --input-format`: the input formats, and NDJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalInputFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
    /// TOML.
    Toml,
    /// Terraform configuration (HCL, or Terraform's JSON syntax).
    Hcl,
    /// One JSON document a line (audit streams), each evaluated alone.
    Ndjson,
}

impl From<EvalInputFormat> for pol::Format {
    fn from(f: EvalInputFormat) -> pol::Format {
        match f {
            EvalInputFormat::Json | EvalInputFormat::Ndjson => pol::Format::Json,
            EvalInputFormat::Yaml => pol::Format::Yaml,
            EvalInputFormat::Toml => pol::Format::Toml,
            EvalInputFormat::Hcl => pol::Format::Hcl,
        }
    }
}

/// Runs `pol eval`; returns the exit code.
pub fn run(args: &EvalArgs) -> u8 {
    let start = std::time::Instant::now();
    let loaded = match load(&args.policy, args.color, crate::policies::Fallback::Packs) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let kind = match kind_arg(args.kind.as_deref()) {
        Ok(kind) => kind,
        Err(code) => return code,
    };
    let found = match find_inputs(
        &args.inputs,
        args.input_format.map(Into::into),
        kind,
        args.limits.max_input_size,
    ) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if found.inputs.is_empty() && found.skipped.is_empty() {
        eprintln!(
            "error: no input files of a known kind or format in {}",
            args.inputs
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return EXIT_USAGE;
    }
    let (config, config_dir) = match read_config(args) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let data = match crate::data_args::read(
        &args.data,
        &config.data_files,
        config_dir.as_deref(),
        &loaded.data,
        loaded.hir.as_ref(),
    ) {
        Ok(data) => data,
        Err(code) => return code,
    };
    let mut found = found;
    // pol's own files are not inputs: the settings and the baselines.
    let own: Vec<PathBuf> = [
        config_dir.as_ref().map(|d| d.join("pol.toml")),
        args.config.clone(),
    ]
    .into_iter()
    .flatten()
    .chain(args.baseline.clone())
    .chain(args.write_baseline.clone())
    .chain(args.decision_log.file())
    .chain(args.data.paths(&config.data_files, config_dir.as_deref()))
    .filter_map(|p| std::fs::canonicalize(p).ok())
    .collect();
    if !own.is_empty() {
        found.inputs.retain(|p| {
            p.path()
                .and_then(|path| std::fs::canonicalize(path).ok())
                .is_none_or(|real| !own.contains(&real))
        });
    }
    if let Some(dir) = &config_dir {
        let (kept, excluded): (Vec<Pending>, Vec<Pending>) =
            found.inputs.into_iter().partition(|p| {
                !p.path()
                    .and_then(|path| relative(dir, path))
                    .is_some_and(|rel| config.excludes(&rel))
            });
        found.inputs = kept;
        found.excluded = excluded.len();
    }
    let baseline = match &args.baseline {
        None => pol::suppress::Baseline::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| crate::files::describe_io(&e))
            .and_then(|t| pol::suppress::Baseline::read(&t).map_err(|e| e.to_string()))
        {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot use the baseline `{}`: {e}", path.display());
                return EXIT_USAGE;
            }
        },
    };
    let mut rules = config.rules();
    rules.skip.extend(args.skip.iter().cloned());
    rules.only.extend(args.only.iter().cloned());
    let suppression = Suppression {
        rules,
        baseline,
        config,
        min_severity: args.min_severity.map(SeverityArg::rank),
    };
    let inputs = &found.inputs;
    let jobs = batch::workers(args.jobs);
    let deadline = args.limits.deadline(start);
    // Options are checked once, before anything runs: a typo is an error.
    if let Err(e) = suppression.config.check_options(&loaded.policy) {
        eprintln!("error: pol.toml: {e}");
        return EXIT_USAGE;
    }
    let level = args
        .rule_level
        .map(pol::suppress::Level::from)
        .or(suppression.config.level)
        .unwrap_or_default();
    let evaluator = || {
        let mut evaluator = loaded.policy.evaluator();
        evaluator.disable_rules(|rule| !level.admits(&rule.tags));
        evaluator.set_limits(args.limits.limits());
        evaluator.set_deadline(deadline);
        if !data.is_empty() {
            evaluator.set_data(&data);
        }
        for (name, value) in &suppression.config.options {
            let _ = evaluator.set_option(name, value);
        }
        evaluator
    };
    if let Some(name) = &args.query {
        let format = match args.format {
            Format::Text => QueryFormat::Text,
            Format::Json => QueryFormat::Json,
            Format::Ndjson => QueryFormat::Ndjson,
            other => {
                eprintln!(
                    "error: `--query` writes values as `text`, `json` or `ndjson`, not `{}`",
                    other.name()
                );
                return EXIT_USAGE;
            }
        };
        return query(&loaded.policy, inputs, name, format, jobs, &evaluator);
    }
    // Decision log: opened before anything is evaluated; an error stops the run.
    let mut decision_log = match args
        .decision_log
        .open(&suppression.config, &loaded.policy, &data)
    {
        Ok(log) => log,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let reading = Reading {
        allow_empty: args.allow_empty,
        ndjson: args.input_format == Some(EvalInputFormat::Ndjson),
        deadline,
        hash: decision_log.is_some(),
    };
    let format = args.format;
    // With `--decision-log -` the records own standard output: the report goes to
    // standard error.
    let stdout = if args.decision_log.on_stdout() {
        Stdout::stderr()
    } else {
        Stdout::new()
    };
    let terminal = stdout.is_terminal();
    let mut renderer = match Renderer::new(format, run_info(args, &loaded, format), stdout) {
        Ok(renderer) => renderer,
        Err(e) => return cannot_write(&e),
    };
    let progress = Progress::new(inputs.len());
    let mut skipped = found.skipped.iter().peekable();
    let mut baseline_findings: Vec<(String, pol::Finding)> = Vec::new();
    let mut failed: Option<std::io::Error> = None;
    let mut log_failed: Option<String> = None;
    // The kinds of the documents evaluated (`None`: of no kind), for the summary.
    let mut seen_kinds: std::collections::HashSet<Option<&'static str>> =
        std::collections::HashSet::new();
    batch::for_each_ordered(
        inputs,
        jobs,
        evaluator,
        |evaluator, input| evaluate(evaluator, input, reading, &suppression),
        |index, (mut report, sha256)| {
            let seq = inputs.get(index).map_or(usize::MAX, |p| p.seq);
            // Decision log: a record per decision, and one per input error, in input
            // order whatever `--jobs` says, before the decision is reported.
            if let Some(log) = &mut decision_log
                && let Err(e) = log.report(&report, inputs.get(index), sha256)
            {
                log_failed = Some(e);
                return false;
            }
            // Each finished input passes here, in input order, its decisions made: the
            // one place for per-decision hooks.
            let written = progress.around(|| {
                while let Some(s) = skipped.next_if(|s| s.seq < seq) {
                    eprintln!("skipped: {}: {}", s.name, s.reason);
                    renderer.skipped(&s.name, &s.reason)?;
                }
                for e in &report.errors {
                    eprintln!("error: {}", e.message);
                }

                seen_kinds.extend(report.decisions.iter().map(|e| e.kind));
                if args.write_baseline.is_some() {
                    known_now(&mut report, &mut baseline_findings);
                }
                renderer.input(&report)?;
                if terminal {
                    renderer_flush(&mut renderer)?;
                }
                Ok::<(), std::io::Error>(())
            });
            progress.inc();
            match written {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        },
    );
    progress.finish();
    if let Some(e) = log_failed {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    if let Some(e) = failed {
        return cannot_write(&e);
    }
    for s in skipped {
        eprintln!("skipped: {}: {}", s.name, s.reason);
        if let Err(e) = renderer.skipped(&s.name, &s.reason) {
            return cannot_write(&e);
        }
    }
    if let Some(path) = &args.write_baseline {
        let text = pol::suppress::Baseline::write(
            baseline_findings.iter().map(|(file, f)| (file.as_str(), f)),
        );
        if let Err(e) = std::fs::write(path, text) {
            eprintln!(
                "error: cannot write `{}`: {}",
                path.display(),
                crate::files::describe_io(&e)
            );
            return EXIT_USAGE;
        }
    }
    // Rules the level kept from running on the documents evaluated: those of their
    // kinds (and those of every kind).
    let not_run = loaded
        .policy
        .rules()
        .iter()
        .filter(|r| !level.admits(&r.tags))
        .filter(|r| {
            r.doc_kinds.is_empty()
                || r.doc_kinds
                    .iter()
                    .any(|k| seen_kinds.contains(&Some(k.as_str())))
        })
        .count();
    let end = RunEnd {
        elapsed: start.elapsed(),
        others_skipped: found.others,
        excluded: found.excluded,
        above_level: (not_run > 0).then_some((not_run, level)),
    };
    let tally = match renderer.finish(&end) {
        Ok(tally) => tally,
        Err(e) => return cannot_write(&e),
    };
    if tally.input_errors > 0 {
        EXIT_USAGE
    } else if tally.failed(args.fail_on.into()) {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// Shows what was written so far (standard output on a terminal).
fn renderer_flush(renderer: &mut Renderer<Stdout>) -> std::io::Result<()> {
    renderer.writer().input_done()
}

fn cannot_write(e: &std::io::Error) -> u8 {
    eprintln!("error: cannot write to standard output: {e}");
    EXIT_USAGE
}

/// `--write-baseline`: the report's findings go to the baseline, and are known from
/// now on: the run is judged as it will be with the baseline.
fn known_now(report: &mut pol::render::InputReport, into: &mut Vec<(String, pol::Finding)>) {
    for e in &mut report.decisions {
        let d = &mut e.decision;
        let n = d.violations.len() + d.warnings.len();
        into.extend(
            d.violations
                .drain(..)
                .chain(d.warnings.drain(..))
                .map(|f| (e.file.clone(), f)),
        );
        d.finish();
        if n > 0 {
            *e.suppressed
                .0
                .entry(pol::suppress::Reason::Baseline)
                .or_default() += n;
        }
    }
}

/// The run's metadata for the renderer: the rules with what is known of them.
fn run_info(args: &EvalArgs, loaded: &Loaded, format: Format) -> RunInfo {
    let rules = Rules::from(&loaded.policy);
    let mut info = RunInfo::new(rules);
    info.color = format == Format::Text && args.color.stdout();
    info.fail_on = args.fail_on.into();
    info.base_dir = std::env::current_dir()
        .ok()
        .map(|d| d.display().to_string());
    info
}

/// The project's settings: `--config`, or the first `pol.toml` in the folder of the
/// first input or above it; and the folder they are relative to.
fn read_config(
    args: &EvalArgs,
) -> Result<(pol::config::Config, Option<std::path::PathBuf>), String> {
    find_config(args.config.as_ref(), &args.inputs)
}

/// The project's settings: `config` when given, or the first `pol.toml` in the folder
/// of the first of `inputs` or above it; and the folder they are relative to.
pub(crate) fn find_config(
    config: Option<&PathBuf>,
    inputs: &[PathBuf],
) -> Result<(pol::config::Config, Option<std::path::PathBuf>), String> {
    let path = match config {
        Some(path) => Some(path.clone()),
        None => {
            let start = inputs
                .iter()
                .find(|p| p.as_os_str() != "-")
                .map_or_else(|| PathBuf::from("."), Clone::clone);
            let start = std::fs::canonicalize(&start).unwrap_or(start);
            let dir = if start.is_dir() {
                Some(start.as_path())
            } else {
                start.parent()
            };
            dir.and_then(|d| {
                d.ancestors()
                    .map(|a| a.join("pol.toml"))
                    .find(|p| p.is_file())
            })
        }
    };
    let Some(path) = path else {
        return Ok((pol::config::Config::default(), None));
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read `{}`: {}",
            path.display(),
            crate::files::describe_io(&e)
        )
    })?;
    let config = pol::config::Config::parse(&text, &path.display().to_string())
        .map_err(|e| e.to_string())?;
    let dir = std::fs::canonicalize(&path)
        .ok()
        .and_then(|p| p.parent().map(std::path::Path::to_path_buf));
    Ok((config, dir))
}

/// `path` relative to `dir`, `/`-separated, when it is under it.
fn relative(dir: &std::path::Path, path: &std::path::Path) -> Option<String> {
    let full = std::fs::canonicalize(path).ok()?;
    let rel = full.strip_prefix(dir).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The kind `--kind` names, if given; else the usage exit code, with an error on standard
/// error that lists the kinds.
pub(crate) fn kind_arg(name: Option<&str>) -> Result<Option<&'static str>, u8> {
    name.map(known_kind).transpose().map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })
}

/// The kind `name` names, or an error that lists the kinds.
pub(crate) fn known_kind(name: &str) -> Result<&'static str, String> {
    pol::kind::kind_named(name).map(|k| k.name).ok_or_else(|| {
        let kinds: Vec<String> = pol::kind::KINDS
            .iter()
            .map(|k| format!("  {:<16} {}", k.name, k.description))
            .collect();
        let head = if name == "help" {
            "the kinds of input document:".to_owned()
        } else {
            format!("`{name}` is not a kind of input document; the kinds are:")
        };
        format!("{head}\n{}", kinds.join("\n"))
    })
}

/// `--query NAME`: the let's value on every document, each labelled with its input
/// and document (`pol::render::write_query`).
fn query<'p>(
    policy: &'p pol::Policy,
    inputs: &[Pending],
    name: &str,
    format: QueryFormat,
    jobs: usize,
    evaluator: &(impl Fn() -> Evaluator<'p> + Sync),
) -> u8 {
    // Every input is loaded and queried first: a malformed one stops the run before
    // anything is printed.
    let computed = batch::try_map(inputs, jobs, evaluator, |evaluator, input| {
        let docs = input.load()?;
        Ok::<_, InputError>(
            docs.iter()
                .map(|doc| evaluator.query(doc, name))
                .collect::<Vec<_>>(),
        )
    });
    let per_input = match computed {
        Ok(per_input) => per_input,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let mut code = EXIT_OK;
    let mut values = Vec::new();
    for (input, results) in inputs.iter().zip(per_input) {
        let documents = results.len();
        for (document, result) in results.into_iter().enumerate() {
            let value = match result {
                Ok(value) => Ok(value),
                Err(pol::QueryError::UnknownLet(_)) => {
                    eprintln!("error: {}", unknown_let(policy, name));
                    return EXIT_USAGE;
                }
                Err(e) => {
                    let shown = if documents > 1 {
                        format!("{} (document {document})", input.name)
                    } else {
                        input.name.clone()
                    };
                    eprintln!("error: {shown}: {e}");
                    code = EXIT_FAILED;
                    Err(e.to_string())
                }
            };
            values.push(QueryValue {
                file: input.name.clone(),
                document,
                documents,
                value,
            });
        }
    }
    let mut out = Vec::new();
    if let Err(e) = write_query(&mut out, format, name, &values) {
        eprintln!("error: cannot write the values: {e}");
        return EXIT_USAGE;
    }
    match write_stdout(&String::from_utf8_lossy(&out)) {
        Ok(()) => code,
        Err(code) => code,
    }
}

/// Why `--query NAME` names no let: there is none, or the short name is ambiguous.
fn unknown_let(policy: &pol::Policy, name: &str) -> String {
    let suffix = format!(".{name}");
    let candidates: Vec<String> = policy
        .program()
        .bytecode()
        .lets
        .iter()
        .filter(|l| l.name.ends_with(&suffix))
        .map(|l| format!("`{}`", l.name))
        .collect();
    if candidates.len() > 1 {
        format!(
            "`{name}` names a let of several packages; use its full name: {}",
            candidates.join(", ")
        )
    } else {
        format!("the policy has no top-level let named `{name}`")
    }
}
