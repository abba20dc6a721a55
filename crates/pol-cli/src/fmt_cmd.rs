//! `pol fmt`: rewrite `.pol` files in the canonical layout, or say which are not in it.

use crate::files::{collect, display_name, read_text};
use crate::output::{ColorChoice, write_stdout};
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use pol::fmt::{FormatError, format_source};
use pol::{RenderOptions, SourceMap};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Arguments of `pol fmt`.
#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// `.pol` files, or folders to search for them (default: the current folder); `-`
    /// formats standard input to standard output.
    paths: Vec<PathBuf>,
    /// Write nothing: name each file that is not formatted, and exit 1 if there is one.
    #[arg(long)]
    check: bool,
    /// Write nothing: print the changes as a unified diff, and exit 1 if there is one.
    #[arg(long)]
    diff: bool,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
}

/// What became of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Already formatted, or rewritten.
    Done,
    /// Not formatted, and `--check` or `--diff` wrote nothing.
    WouldChange,
    /// Not read, not parsed, or not written.
    Failed,
}

/// Runs `pol fmt`; returns the exit code.
pub fn run(args: &FmtArgs) -> u8 {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut worst = Outcome::Done;
    for root in &roots {
        let outcome = if root.as_os_str() == "-" {
            format_stdin(args)
        } else {
            format_root(args, root)
        };
        worst = worst.max(outcome);
    }
    match worst {
        Outcome::Done => EXIT_OK,
        Outcome::WouldChange => EXIT_FAILED,
        Outcome::Failed => EXIT_USAGE,
    }
}

/// Formats every `.pol` file under `root` (or `root` itself, a file).
fn format_root(args: &FmtArgs, root: &Path) -> Outcome {
    let paths = match collect(&[root.to_path_buf()], &["pol"]) {
        Ok(paths) => paths,
        Err(error) => {
            eprintln!("error: {error}");
            return Outcome::Failed;
        }
    };
    if paths.is_empty() {
        eprintln!("error: no `.pol` files found in `{}`", display_name(root));
        return Outcome::Failed;
    }
    let mut worst = Outcome::Done;
    for path in &paths {
        let outcome = match read_text(path) {
            Ok(text) => format_text(args, &display_name(path), &text, false, |formatted| {
                std::fs::write(path, formatted).map_err(|e| {
                    format!(
                        "cannot write `{}`: {}",
                        display_name(path),
                        crate::files::describe_io(&e)
                    )
                })
            }),
            Err(error) => {
                eprintln!("error: {error}");
                Outcome::Failed
            }
        };
        worst = worst.max(outcome);
    }
    worst
}

/// Formats standard input to standard output.
fn format_stdin(args: &FmtArgs) -> Outcome {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read standard input: {e}");
        return Outcome::Failed;
    }
    format_text(args, "<stdin>", &text, true, |formatted| {
        write_stdout(formatted).map_err(|_| "cannot write to standard output".to_owned())
    })
}

/// Formats one source named `name`; `write` puts the formatted text in place (unless
/// `--check` or `--diff` says to write nothing), when it changed or `always` says to.
fn format_text(
    args: &FmtArgs,
    name: &str,
    text: &str,
    always: bool,
    write: impl FnOnce(&str) -> Result<(), String>,
) -> Outcome {
    let mut sources = SourceMap::new();
    let file = sources.add(name.to_owned(), text.to_owned());
    let formatted = match format_source(file, text) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(diagnostics)) => {
            let options = RenderOptions {
                color: args.color.stderr(),
                ascii: false,
            };
            eprint!("{}", pol::render_text(&sources, &diagnostics, options));
            eprintln!("error: `{name}` does not parse: not formatted");
            return Outcome::Failed;
        }
        Err(error) => {
            eprintln!("error: `{name}`: {error}");
            return Outcome::Failed;
        }
    };
    let changed = formatted != text;
    if args.check || args.diff {
        if !changed {
            return Outcome::Done;
        }
        let mut report = String::new();
        if args.check {
            report.push_str(name);
            report.push('\n');
        }
        if args.diff {
            report.push_str(&unified_diff(name, text, &formatted));
        }
        return match write_stdout(&report) {
            Ok(()) => Outcome::WouldChange,
            Err(_) => Outcome::Failed,
        };
    }
    if !changed && !always {
        return Outcome::Done;
    }
    match write(&formatted) {
        Ok(()) => Outcome::Done,
        Err(reason) => {
            eprintln!("error: {reason}");
            Outcome::Failed
        }
    }
}

/// The changes from `old` to `new` as a unified diff with three lines of context.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
