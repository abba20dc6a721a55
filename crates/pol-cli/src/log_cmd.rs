//! `pol log verify FILE|-`: check a decision log's hash chain and name the first
//! altered, missing, reordered or truncated record (docs/decision-log.md).

use crate::files::describe_io;
use crate::output::plural;
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use pol::audit::VerifyError;
use std::io::BufReader;
use std::path::PathBuf;

/// Arguments of `pol log`.
#[derive(clap::Args, Debug)]
pub struct LogArgs {
    #[command(subcommand)]
    command: LogCommand,
}

#[derive(clap::Subcommand, Debug)]
enum LogCommand {
    /// Check a decision log written by `pol eval --decision-log`: every record intact
    /// and chained to the one before it. Exit 0 intact, 1 broken, 2 unreadable.
    Verify {
        /// The log, or `-` for standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// Runs `pol log`; returns the exit code.
pub fn run(args: &LogArgs) -> u8 {
    match &args.command {
        LogCommand::Verify { file } => verify(file),
    }
}

fn verify(file: &PathBuf) -> u8 {
    let (name, result) = if file.as_os_str() == "-" {
        let stdin = std::io::stdin().lock();
        ("standard input".to_owned(), pol::audit::verify(stdin))
    } else {
        let name = format!("`{}`", file.display());
        match std::fs::File::open(file) {
            Ok(f) => (name, pol::audit::verify(BufReader::new(f))),
            Err(e) => {
                eprintln!("error: cannot read {name}: {}", describe_io(&e));
                return EXIT_USAGE;
            }
        }
    };
    let (text, code) = match result {
        Ok(intact) => {
            let records = plural(
                usize::try_from(intact.records).unwrap_or(usize::MAX),
                "record",
            );
            let text = match intact.last {
                Some(last) => format!(
                    "{name}: intact: {records}; the last is record {} with hash {}\n",
                    last.seq, last.hash
                ),
                None => format!("{name}: intact: no records\n"),
            };
            (text, EXIT_OK)
        }
        Err(VerifyError::Broken(b)) => (format!("{name}: broken: {b}\n"), EXIT_FAILED),
        Err(VerifyError::Unreadable(u)) => {
            eprintln!("error: cannot verify {name}: {u}");
            return EXIT_USAGE;
        }
    };
    match crate::output::write_stdout(&text) {
        Ok(()) => code,
        Err(usage) => usage,
    }
}
