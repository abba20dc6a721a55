//! Finding and reading policy files: paths given on the command line, folders walked
//! (`pol::walk`).

use std::path::{Path, PathBuf};

pub use pol::walk::{PathError, collect, collect_with, describe_io};

/// Reads a file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, PathError> {
    let bytes = std::fs::read(path).map_err(|e| PathError {
        path: path.to_path_buf(),
        reason: describe_io(&e),
    })?;
    String::from_utf8(bytes).map_err(|e| PathError {
        path: path.to_path_buf(),
        reason: format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
    })
}

/// Paths as a message names them: `` `a`, `b/c` ``.
pub fn describe(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| format!("`{}`", display_name(p)))
        .collect();
    names.join(", ")
}

/// The name to show for a path: as given, with `./` removed.
pub fn display_name(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}
