//! `pol test`: run the `test` blocks of policies.

use crate::inputs::load_test_input;
use crate::output::{ColorChoice, plural};
use crate::policies::{compile_sources, folder_of};
use crate::{EXIT_FAILED, EXIT_OK};
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
    let (compiled, sources) = match compile_sources(&paths, args.color) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let loader = |path: &str, file: pol::FileId| {
        let folder = sources
            .get(file)
            .map(|f| folder_of(&f.name))
            .unwrap_or_default();
        load_test_input(&folder, path)
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
    for outcome in &outcomes {
        let status = if outcome.passed {
            paint("PASS", "32")
        } else {
            paint("FAIL", "1;31")
        };
        println!("{status}  {}: {}", outcome.package, outcome.name);
        for failure in &outcome.failures {
            println!("        {failure}");
        }
    }
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    println!(
        "{}: {} passed, {} failed",
        plural(outcomes.len(), "test"),
        outcomes.len() - failed,
        failed
    );
    if failed > 0 { EXIT_FAILED } else { EXIT_OK }
}
