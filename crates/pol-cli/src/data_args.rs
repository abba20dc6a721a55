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

/// Reads the data files of `pol.toml` (`config_files`, relative to `config_dir`) and of
/// `--data`, in that order, added to `base` (the data that came with the program), and
/// checks the whole, when there is any, against the `data: T` of the policies of `hir`
/// (when they were compiled from sources here). Prints every problem; on any, returns the exit code to
/// use.
pub fn read(
    args: &DataArgs,
    config_files: &[String],
    config_dir: Option<&Path>,
    base: &pol::Data,
    hir: Option<&pol::hir::Program>,
) -> Result<pol::Data, u8> {
    let from_config = config_files.iter().map(|f| match config_dir {
        Some(dir) => dir.join(f),
        None => PathBuf::from(f),
    });
    let paths: Vec<PathBuf> = from_config.chain(args.data.iter().cloned()).collect();
    let mut data = base.clone();
    let mut failed = false;
    for path in &paths {
        let added = read_text(path).map_err(|e| e.to_string()).and_then(|text| {
            let format =
                pol::kind::format_of_path(path).unwrap_or_else(|| pol::Format::sniff(&text));
            data.add_text(&display_name(path), &text, format)
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
    // Without data, `data` is an empty object, as a run over policies that need none
    // next to some that do sees it: their rules find nothing granted.
    if let Some(hir) = hir.filter(|_| !data.is_empty()) {
        let mismatches = pol::types::check_data(hir, &data);
        for m in &mismatches {
            eprintln!("error: data: {m}");
        }
        if !mismatches.is_empty() {
            return Err(EXIT_USAGE);
        }
    }
    Ok(data)
}
