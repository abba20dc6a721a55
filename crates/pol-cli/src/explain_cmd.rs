//! `pol explain`: why each finding fired, and why a rule did not (`--why-not`), with
//! the values involved (docs/explain.md).

use crate::eval::{InputFormat, LevelArg, kind_arg};
use crate::inputs::find_inputs;
use crate::output::{ColorChoice, Format as OutputFormat, write_stdout};
use crate::policies::compile_sources;
use crate::{EXIT_OK, EXIT_USAGE};
use std::path::PathBuf;

/// Arguments of `pol explain`.
#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A `.pol` file or a folder of them; repeat `-p` for several (default: the
    /// shipped packs).
    #[arg(short = 'p', long = "policy", value_name = "PATH")]
    policies: Vec<PathBuf>,
    /// The shipped packs, added to the policies of `-p`.
    #[arg(long)]
    packs: bool,
    /// Input documents: files, folders (searched as `pol eval` does), or `-`.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Explain only the findings of these rules (ids or names; repeat it, or separate
    /// with commas).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    rule: Vec<String>,
    /// Show why these rules did not fire: each path through their clauses that stopped
    /// before `message`, with the condition that failed or the loop that was empty.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    why_not: Vec<String>,
    /// The most paths shown for each `--why-not` rule.
    #[arg(long, value_name = "N", default_value_t = 10)]
    max_paths: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: OutputFormat,
    /// Read every input as this format instead of guessing from the extension.
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// Read every input as a document of this kind (as `pol eval --kind`).
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Which rules run, as `pol eval --level` (default: regular).
    #[arg(long = "level", value_enum, value_name = "LEVEL")]
    rule_level: Option<LevelArg>,
    /// The project's settings, for the options and the level (default: the first
    /// `pol.toml` found in the folder of the first input or above it, as `pol eval`).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
    #[command(flatten)]
    data: crate::data_args::DataArgs,
}

/// Runs `pol explain`; returns the exit code.
pub fn run(args: &ExplainArgs) -> u8 {
    let kind = match kind_arg(args.kind.as_deref()) {
        Ok(kind) => kind,
        Err(code) => return code,
    };
    let packs = args.packs || args.policies.is_empty();
    let (compiled, sources) = match compile_sources(&args.policies, packs, args.color, true) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let found = match find_inputs(
        &args.inputs,
        args.input_format.map(Into::into),
        kind,
        u64::try_from(pol::LoadLimits::default().max_input_bytes).unwrap_or(u64::MAX),
    ) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    for s in &found.skipped {
        eprintln!("skipped: {}: {}", s.name, s.reason);
    }
    if found.inputs.is_empty() {
        eprintln!("error: no input to explain");
        return EXIT_USAGE;
    }
    // The options and the level of `pol.toml`, checked as `pol eval` checks them.
    let (config, config_dir) = match crate::eval::find_config(args.config.as_ref(), &args.inputs) {
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
        &pol::Data::new(),
        Some(&compiled.hir),
    ) {
        Ok(data) => data,
        Err(code) => return code,
    };
    if let Err(e) = config.check_options(&compiled.policy) {
        eprintln!("error: pol.toml: {e}");
        return EXIT_USAGE;
    }
    let request = pol::explain::Request {
        // `--why-not` alone explains those rules only.
        rules: if args.rule.is_empty() {
            args.why_not.clone()
        } else {
            args.rule.clone()
        },
        why_not: args.why_not.clone(),
        max_paths: args.max_paths,
        level: args
            .rule_level
            .map(Into::into)
            .or(config.level)
            .unwrap_or_default(),
        options: config
            .options
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        data,
        ..pol::explain::Request::default()
    };
    let mut text = String::new();
    let mut json = Vec::new();
    for input in &found.inputs {
        let docs = match input.load() {
            Ok(docs) => docs,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
        let several = docs.len() > 1;
        for (n, doc) in docs.iter().enumerate() {
            let explained =
                pol::explain::explain(&compiled, &sources, doc, input.kind_of(doc), &request);
            let explanation = match explained {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_USAGE;
                }
            };
            if several {
                text.push_str(&format!("document {} of ", n + 1));
            }
            text.push_str(&explanation.to_text());
            text.push('\n');
            let mut value = explanation.to_json();
            if let serde_json::Value::Object(map) = &mut value {
                map.insert("document".to_owned(), serde_json::json!(n));
            }
            json.push(value);
        }
    }
    let out = match args.format {
        OutputFormat::Text => text,
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    match write_stdout(&out) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}
