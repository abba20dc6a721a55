//! `--data FILE` (and `pol.toml`'s `[data] files`): reading the reference data that
//! policies see as `data`, and checking it against the `data: T` they declare.

use crate::EXIT_USAGE;
use crate::files::{display_name, read_text};
use std::path::{Path, PathBuf};

/// The reference-data flag.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct DataArgs {
    /// Reference data for the policies (`data`): a JSON, YAML or TOML file whose root is
    /// an object; its keys become `data.KEY`. Repeat for several files (each key from
    /// one of them); adds to `pol.toml`'s `[data] files`.
    #[arg(long = "data", value_name = "FILE")]
    pub data: Vec<PathBuf>,
}

impl DataArgs {
    /// The data files of a run: `pol.toml`'s (`config_files`, relative to its folder
    /// `config_dir`), then `--data`'s.
    pub fn paths(&self, config_files: &[String], config_dir: Option<&Path>) -> Vec<PathBuf> {
        config_files
            .iter()
            .map(|f| config_dir.map_or_else(|| PathBuf::from(f), |dir| dir.join(f)))
            .chain(self.data.iter().cloned())
            .collect()
    }
}

/// Reads the data files of `pol.toml` and of `--data` ([`DataArgs::paths`]), added to
/// `base` (the data that came with the program), and checks the whole against the
/// `data: T` of the policies of `hir` (when they were compiled from sources here).
/// Prints every problem; on any, returns the exit code to use.
pub fn read(
    args: &DataArgs,
    config_files: &[String],
    config_dir: Option<&Path>,
    base: &pol::Data,
    hir: Option<&pol::hir::Program>,
) -> Result<pol::Data, u8> {
    let paths = args.paths(config_files, config_dir);
    let mut data = base.clone();
    let mut failed = false;
    for path in &paths {
        let added = read_text(path).map_err(|e| e.to_string()).and_then(|text| {
            data.add_file(&display_name(path), &text)
                .map_err(|e| e.to_string())
        });
        if let Err(e) = added {
            eprintln!("error: data: {e}");
            failed = true;
        }
    }
    if failed {
        return Err(EXIT_USAGE);
    }
    if let Some(hir) = hir {
        check(hir, &data)?;
    }
    Ok(data)
}

/// Checks `data` against the `data: T` of the policies of `hir`; prints every
/// mismatch and, on any, returns the exit code to use.
pub fn check(hir: &pol::hir::Program, data: &pol::Data) -> Result<(), u8> {
    let mismatches = pol::types::check_data(hir, data);
    for m in &mismatches {
        eprintln!("error: data: {m}");
    }
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(EXIT_USAGE)
    }
}
