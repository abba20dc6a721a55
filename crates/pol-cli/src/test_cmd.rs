//! `pol test`: run the `test` blocks of policies.

use crate::inputs::load_test_input;
use crate::output::{ColorChoice, plural, write_stdout};
use crate::policies::{compile_sources, folder_of};
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use std::cell::Cell;
use std::fmt::Write;
use std::path::PathBuf;

/// Arguments of `pol test`.
#[derive(clap::Args, Debug)]
pub struct TestArgs {
    /// `.pol` files or folders of them (default: the current folder).
    paths: Vec<PathBuf>,
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
    // An `input from` file that cannot be read means the tests could not run (exit 2),
    // not that the policy is wrong; the failing tests still say which file it was.
    let unreadable = Cell::new(0_usize);
    let loader = |path: &str, file: pol::FileId| {
        let folder = sources
            .get(file)
            .map(|f| folder_of(&f.name))
            .unwrap_or_default();
        let result = load_test_input(&folder, path);
        if result.is_err() {
            unreadable.set(unreadable.get() + 1);
        }
        result
    };
    let outcomes = pol::testing::run_tests(&compiled, &loader);
    let color = args.color.stdout();
    let paint = |text: &str, code: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    for outcome in &outcomes {
        let status = if outcome.passed {
            paint("PASS", "32")
        } else {
            paint("FAIL", "1;31")
        };
        let _ = writeln!(out, "{status}  {}: {}", outcome.package, outcome.name);
        for failure in &outcome.failures {
            let _ = writeln!(out, "        {failure}");
        }
    }
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    let _ = writeln!(
        out,
        "{}: {} passed, {} failed",
        plural(outcomes.len(), "test"),
        outcomes.len() - failed,
        failed
    );
    if let Err(code) = write_stdout(&out) {
        return code;
    }
    if unreadable.get() > 0 {
        eprintln!(
            "error: {} could not be read",
            plural(unreadable.get(), "test input")
        );
        EXIT_USAGE
    } else if failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
