//! `pol check`: report every mistake in every policy file, without running anything.

use crate::files::{collect, display_name, read_text};
use crate::output::{ColorChoice, Format, plural, write_stdout};
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use pol::{RenderOptions, SourceMap};
use std::path::PathBuf;

/// Arguments of `pol check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// `.pol` files, or folders to search for them (default: the current folder).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
}

/// Runs `pol check`; returns the exit code.
pub fn run(args: &CheckArgs) -> u8 {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let paths = match collect(&roots, &["pol"]) {
        Ok(paths) => paths,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };
    if paths.is_empty() {
        eprintln!(
            "error: no `.pol` files found in {}",
            crate::files::describe(&roots)
        );
        return EXIT_USAGE;
    }
    let mut sources = SourceMap::new();
    let mut files = Vec::with_capacity(paths.len());
    for path in &paths {
        match read_text(path) {
            Ok(text) => files.push(sources.add(display_name(path), text)),
            Err(error) => {
                eprintln!("error: {error}");
                return EXIT_USAGE;
            }
        }
    }
    let diagnostics = pol::check(&mut sources, &files);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match args.format {
        Format::Json => {
            if let Err(code) =
                write_stdout(&format!("{}\n", pol::render_json(&sources, &diagnostics)))
            {
                return code;
            }
        }
        Format::Text => {
            let color = args.color.stderr();
            eprint!(
                "{}",
                pol::render_text(
                    &sources,
                    &diagnostics,
                    RenderOptions {
                        color,
                        ascii: false
                    }
                )
            );
            let checked = plural(files.len(), "file");
            if diagnostics.is_empty() {
                eprintln!("checked {checked}: no problems");
            } else {
                eprintln!(
                    "checked {checked}: {}, {}",
                    plural(errors, "error"),
                    plural(warnings, "warning")
                );
            }
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
