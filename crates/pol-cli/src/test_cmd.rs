//! `pol test`: run the `test` blocks of policies.

use crate::files::describe_io;
use crate::output::{ColorChoice, Format as OutputFormat, plural, write_stdout};
use crate::policies::compile_sources;
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Arguments of `pol test`.
#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// `.pol` files or folders of them (default: the current folder).
    paths: Vec<PathBuf>,
    /// Run only the tests whose `package: name` contains this text (repeat it for
    /// several: a test runs when it matches one).
    #[arg(long, value_name = "TEXT")]
    filter: Vec<String>,
    /// Report which rules the tests made fire and which clauses they reached.
    #[arg(long)]
    coverage: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: OutputFormat,
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
}

/// Runs `pol test`; returns the exit code.
pub fn run(args: &TestArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (compiled, sources) = match compile_sources(&paths, false, args.color, true) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let read = |path: &Path| std::fs::read_to_string(path).map_err(|e| describe_io(&e));
    let options = pol::testing::RunOptions {
        filter: &args.filter,
        coverage: args.coverage,
    };
    let run = pol::testing::run_tests_with(&compiled, &sources, &read, &options);
    let outcomes = &run.outcomes;
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    let out = match args.format {
        OutputFormat::Text => text(&run, args.color.stdout()),
        OutputFormat::Json => json(&run),
    };
    if let Err(code) = write_stdout(&out) {
        return code;
    }
    if outcomes.is_empty() && !args.filter.is_empty() {
        eprintln!("error: no test matches the filter");
        EXIT_USAGE
    } else if run.unreadable_inputs > 0 {
        // An `input from` file that cannot be read means the tests could not run, not
        // that the policy is wrong; the failing tests say which file it was.
        eprintln!(
            "error: {} could not be read",
            plural(run.unreadable_inputs, "test input")
        );
        EXIT_USAGE
    } else if failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// The run as text: each test, the failures of a failed one with what it got, the
/// summary, then the coverage table.
fn text(run: &pol::testing::TestRun, color: bool) -> String {
    let paint = |text: &str, code: &str| pol::render::Painted { text, code, color }.to_string();
    let mut out = String::new();
    for outcome in &run.outcomes {
        let status = if outcome.passed {
            paint("PASS", "32")
        } else {
            paint("FAIL", "1;31")
        };
        let _ = writeln!(out, "{status}  {}: {}", outcome.package, outcome.name);
        for failure in &outcome.failures {
            let _ = writeln!(out, "        {}", failure.message);
            for line in &failure.details {
                let _ = writeln!(out, "          {line}");
            }
        }
    }
    let failed = run.outcomes.iter().filter(|o| !o.passed).count();
    let _ = write!(
        out,
        "{}: {} passed, {} failed",
        plural(run.outcomes.len(), "test"),
        run.outcomes.len() - failed,
        failed
    );
    if run.filtered_out > 0 {
        let _ = write!(out, "; {} filtered out", run.filtered_out);
    }
    out.push('\n');
    if let Some(coverage) = &run.coverage {
        out.push('\n');
        out.push_str(&coverage.to_text());
    }
    out
}

/// The run as one JSON object: the tests, the counts, and the coverage if measured.
fn json(run: &pol::testing::TestRun) -> String {
    let tests: Vec<serde_json::Value> = run
        .outcomes
        .iter()
        .map(|o| {
            serde_json::json!({
                "package": o.package,
                "name": o.name,
                "passed": o.passed,
                "failures": o.failures.iter().map(|f| serde_json::json!({
                    "message": f.message, "details": f.details,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let failed = run.outcomes.iter().filter(|o| !o.passed).count();
    let mut value = serde_json::json!({
        "tests": tests,
        "passed": run.outcomes.len() - failed,
        "failed": failed,
        "filtered_out": run.filtered_out,
    });
    if let (Some(coverage), serde_json::Value::Object(map)) = (&run.coverage, &mut value) {
        map.insert("coverage".to_owned(), coverage.to_json());
    }
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}
