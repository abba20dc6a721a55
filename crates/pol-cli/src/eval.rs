//! `pol eval`: evaluate input documents against policies and print the findings.

use crate::batch;
use crate::inputs::{InputError, Pending, Skipped, find_inputs};
use crate::limit_args::LimitArgs;
use crate::output::{ColorChoice, Format as OutputFormat, write_stdout};
use crate::policies::{PolicyArgs, load};
use crate::report::{render_decision, summary};
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use pol::{Decision, Evaluator};
use std::fmt::Write;
use std::num::NonZeroUsize;
use std::path::PathBuf;

/// Arguments of `pol eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    /// Input documents: files, folders (searched for .json, .yaml, .yml, .toml), or `-`
    /// for standard input.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: OutputFormat,
    /// Read every input as this format instead of guessing from the extension.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// Print the value of this top-level `let` for each input instead of the findings.
    #[arg(long, value_name = "NAME")]
    query: Option<String>,
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
    /// How many inputs to read and evaluate at once (default: one per core). The output
    /// is the same whatever the number.
    #[arg(short = 'j', long, value_name = "N")]
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

/// Input formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum InputFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
    /// TOML.
    Toml,
}

impl From<InputFormat> for pol::Format {
    fn from(f: InputFormat) -> pol::Format {
        match f {
            InputFormat::Json => pol::Format::Json,
            InputFormat::Yaml => pol::Format::Yaml,
            InputFormat::Toml => pol::Format::Toml,
        }
    }
}

/// One evaluated document.
pub struct Outcome {
    /// The input's display name.
    pub file: String,
    /// Which document of the file (YAML streams hold several).
    pub document: usize,
    /// How many documents the file holds.
    pub documents: usize,
    /// The decision.
    pub decision: Decision,
    /// Findings suppressed, by reason.
    pub suppressed: pol::suppress::Counts,
    /// The document's kind, if it has one.
    pub kind: Option<&'static str>,
    /// When the decision was made.
    pub time: std::time::SystemTime,
    /// How long evaluating the document took (its loading not included).
    pub duration: std::time::Duration,
}

/// What suppresses findings in this run.
struct Suppression {
    rules: pol::suppress::RuleSelection,
    baseline: pol::suppress::Baseline,
    config: pol::config::Config,
}

/// Runs `pol eval`; returns the exit code.
pub fn run(args: &EvalArgs) -> u8 {
    let start = std::time::Instant::now();
    let loaded = match load(&args.policy, args.color, crate::policies::Fallback::Packs) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let kind = match args.kind.as_deref().map(known_kind).transpose() {
        Ok(kind) => kind,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let found = match find_inputs(
        &args.inputs,
        args.input_format.map(Into::into),
        kind,
        args.limits.max_input_size,
    ) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {}", e.0);
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
            .and_then(|t| pol::suppress::Baseline::read(&t))
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
    };
    let inputs = found.inputs;
    let jobs = batch::workers(args.jobs);
    let deadline = args.limits.deadline(start);
    // Options are checked once, before anything runs: a typo is an error.
    let mut probe = loaded.policy.evaluator();
    for (name, value) in &suppression.config.options {
        if let Err(e) = probe.set_option(name, value) {
            eprintln!("error: pol.toml: {e}");
            return EXIT_USAGE;
        }
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
        for (name, value) in &suppression.config.options {
            let _ = evaluator.set_option(name, value);
        }
        evaluator
    };
    if let Some(name) = &args.query {
        return query(&loaded.policy, &inputs, name, jobs, &evaluator);
    }
    // Decision log: opened before anything is evaluated; an error stops the run.
    let mut decision_log = match args.decision_log.open(&suppression.config, &loaded.policy) {
        Ok(log) => log,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let hash_inputs = args.decision_log.enabled();
    // Every input is evaluated: one that cannot be read or parsed is an error of its
    // own, reported with the others' decisions, and the run fails closed.
    let evaluated = batch::try_map(&inputs, jobs, evaluator, |evaluator, input| {
        Ok::<_, std::convert::Infallible>(evaluate(
            evaluator,
            input,
            args.allow_empty,
            deadline,
            &suppression,
            hash_inputs,
        ))
    });
    let per_input = match evaluated {
        Ok(per_input) => per_input,
        Err(never) => match never {},
    };
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut failures: Vec<(String, InputError)> = Vec::new();
    for (input, (decided, error, sha256)) in inputs.iter().zip(per_input) {
        // Decision log: one record per decision, and one per input not evaluated, in
        // input order whatever `--jobs` says.
        if let Some(log) = &mut decision_log {
            let written = decided
                .iter()
                .try_for_each(|o| log.decided(o, sha256))
                .and_then(|()| {
                    error
                        .as_ref()
                        .map_or(Ok(()), |e| log.failed(input, e, sha256))
                });
            if let Err(e) = written {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
        outcomes.extend(decided);
        if let Some(e) = error {
            failures.push((input.name.clone(), e));
        }
    }
    for (_, e) in &failures {
        eprintln!("error: {}", e.0);
    }
    for s in &found.skipped {
        eprintln!("skipped: {}: {}", s.name, s.reason);
    }
    if let Some(path) = &args.write_baseline {
        let text = pol::suppress::Baseline::write(outcomes.iter().flat_map(|o| {
            o.decision
                .violations
                .iter()
                .chain(&o.decision.warnings)
                .map(|f| (o.file.as_str(), f))
        }));
        if let Err(e) = std::fs::write(path, text) {
            eprintln!(
                "error: cannot write `{}`: {}",
                path.display(),
                crate::files::describe_io(&e)
            );
            return EXIT_USAGE;
        }
        // Every finding is known now: the run is judged as it will be with the baseline.
        for o in &mut outcomes {
            let n = o.decision.violations.len() + o.decision.warnings.len();
            o.decision.violations.clear();
            o.decision.warnings.clear();
            o.decision.finish();
            if n > 0 {
                *o.suppressed
                    .0
                    .entry(pol::suppress::Reason::Baseline)
                    .or_default() += n;
            }
        }
    }
    let mut out = String::new();
    match args.format {
        OutputFormat::Json => out = json(&outcomes, &failures, &found.skipped),
        OutputFormat::Text => {
            let color = args.color.stdout();
            for outcome in &outcomes {
                render_decision(&mut out, outcome, color);
            }
            out.push_str(&summary(&outcomes));
            if !failures.is_empty() {
                let _ = write!(
                    out,
                    "; {} not evaluated (errors above)",
                    crate::output::plural(failures.len(), "input")
                );
            }
            let mut suppressed = pol::suppress::Counts::default();
            for o in &outcomes {
                suppressed.add(&o.suppressed);
            }
            if suppressed.total() > 0 {
                let by: Vec<String> = suppressed
                    .0
                    .iter()
                    .map(|(reason, n)| format!("{n} {}", reason.as_str()))
                    .collect();
                let _ = write!(
                    out,
                    "; {} suppressed ({})",
                    crate::output::plural(suppressed.total(), "finding"),
                    by.join(", ")
                );
            }
            let above = loaded
                .policy
                .rules()
                .iter()
                .filter(|r| !level.admits(&r.tags))
                .count();
            if above > 0 {
                let next = if level == pol::suppress::Level::Regular {
                    "pedantic"
                } else {
                    "auditor"
                };
                let _ = write!(
                    out,
                    "; {} above the {} level not run (`--level {next}` runs more)",
                    crate::output::plural(above, "rule"),
                    level.as_str()
                );
            }
            if found.excluded > 0 {
                let _ = write!(
                    out,
                    "; {} excluded by pol.toml",
                    crate::output::plural(found.excluded, "file")
                );
            }
            let skipped = found.skipped.len() + found.others;
            if skipped > 0 {
                let _ = write!(
                    out,
                    "; {} skipped (not of a kind or format pol reads)",
                    crate::output::plural(skipped, "file")
                );
            }
        }
    }
    out.push('\n');
    // With `--decision-log -` the records own standard output: the report goes to
    // standard error.
    if let Err(code) = crate::decision_log::write_report(&args.decision_log, &out) {
        return code;
    }
    if !failures.is_empty() {
        EXIT_USAGE
    } else if outcomes.iter().all(|o| o.decision.allowed) {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

/// Reads, parses and evaluates one input: one outcome per document, each evaluated as
/// soon as it is loaded (a YAML stream is never held whole). An input with no document
/// is an error unless `allow_empty`. On an error, the outcomes of the documents before
/// it come with it. With `hash`, the SHA-256 of the input's bytes comes too (for the
/// decision log).
fn evaluate(
    evaluator: &mut Evaluator<'_>,
    input: &Pending,
    allow_empty: bool,
    deadline: Option<std::time::Instant>,
    suppression: &Suppression,
    hash: bool,
) -> (Vec<Outcome>, Option<InputError>, Option<pol::Digest>) {
    if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
        let e = format!(
            "{}: not evaluated: the run ran out of time (`--total-timeout`)",
            input.name
        );
        return (Vec::new(), Some(InputError(e)), None);
    }
    let text = match input.read() {
        Ok(text) => text,
        Err(e) => return (Vec::new(), Some(e), None),
    };
    let sha256 = hash.then(|| pol::Digest::of(text.text.as_bytes()));
    let mut outcomes = Vec::new();
    let comments = if text.text.contains("pol: ignore") {
        pol::suppress::Comments::scan(&text.text)
    } else {
        pol::suppress::Comments::default()
    };
    // Selective loading: what no rule reads is skipped (`--query` loads whole).
    let shape = evaluator.shape();
    let loaded = pol::load_each(
        &text.text,
        text.format,
        Some(&text.name),
        Some(shape),
        &input.load_limits(),
        |doc| {
            let kind = input.kind_of(&doc);
            let started = std::time::Instant::now();
            let mut decision = evaluator.evaluate_kind(&doc, kind);
            suppression.config.set_severities(&mut decision);
            let suppressed = pol::suppress::apply(
                &mut decision,
                &input.name,
                &suppression.rules,
                &comments,
                &suppression.baseline,
            );
            outcomes.push(Outcome {
                file: input.name.clone(),
                document: outcomes.len(),
                documents: 0,
                decision,
                suppressed,
                kind,
                time: std::time::SystemTime::now(),
                duration: started.elapsed(),
            });
            std::ops::ControlFlow::Continue(())
        },
    );
    let documents = outcomes.len();
    for outcome in &mut outcomes {
        outcome.documents = documents;
    }
    let error = match loaded {
        Err(e) => Some(crate::inputs::load_error(&e)),
        Ok(0) if !allow_empty => Some(InputError(format!(
            "{}: empty input: it holds no document (pass `--allow-empty` to accept empty inputs)",
            input.name
        ))),
        Ok(_) => None,
    };
    (outcomes, error, sha256)
}

/// The project's settings: `--config`, or the first `pol.toml` in the folder of the
/// first input or above it; and the folder they are relative to.
fn read_config(
    args: &EvalArgs,
) -> Result<(pol::config::Config, Option<std::path::PathBuf>), String> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => {
            let start = args
                .inputs
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
    let config = pol::config::Config::parse(&text, &path.display().to_string())?;
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

/// One decision: the decision itself. Several: an array, each with its `input`; an
/// input that could not be evaluated is an entry with its `error` (and makes an array).
fn json(outcomes: &[Outcome], failures: &[(String, InputError)], skipped: &[Skipped]) -> String {
    let value =
        match (outcomes, failures, skipped) {
            ([one], [], []) => serde_json::to_value(&one.decision).unwrap_or_default(),
            (many, failures, skipped) => serde_json::Value::Array(
                many.iter()
                    .map(|o| {
                        let mut v = serde_json::to_value(&o.decision).unwrap_or_default();
                        if let serde_json::Value::Object(map) = &mut v {
                            map.insert(
                                "input".to_owned(),
                                serde_json::json!({"file": o.file, "document": o.document, "kind": o.kind}),
                            );
                        }
                        v
                    })
                    .chain(failures.iter().map(|(file, e)| {
                        serde_json::json!({
                            "allowed": false,
                            "error": e.0,
                            "input": {"file": file},
                        })
                    }))
                    .chain(skipped.iter().map(
                        |s| serde_json::json!({"skipped": s.reason, "input": {"file": s.name}}),
                    ))
                    .collect(),
            ),
        };
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

fn query<'p>(
    policy: &'p pol::Policy,
    inputs: &[Pending],
    name: &str,
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
            eprintln!("error: {}", e.0);
            return EXIT_USAGE;
        }
    };
    let mut code = EXIT_OK;
    for (input, values) in inputs.iter().zip(per_input) {
        for value in values {
            match value {
                Ok(value) => {
                    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
                    text.push('\n');
                    if let Err(code) = write_stdout(&text) {
                        return code;
                    }
                }
                Err(pol::QueryError::UnknownLet(_)) => {
                    eprintln!("error: {}", unknown_let(policy, name));
                    return EXIT_USAGE;
                }
                Err(e) => {
                    eprintln!("error: {}: {e}", input.name);
                    code = EXIT_FAILED;
                }
            }
        }
    }
    code
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
