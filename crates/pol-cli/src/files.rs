//! Finding and reading policy files: paths given on the command line, folders walked.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A path that could not be used, with the reason.
#[derive(Debug)]
pub struct PathError {
    /// The path as given.
    pub path: PathBuf,
    /// Why it could not be read.
    pub reason: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.reason)
    }
}

/// Every file under `paths` whose extension is one of `extensions` (in any case): files
/// are taken as given (whatever their extension), folders are walked recursively in
/// sorted order. Symbolic links are followed, but each real folder is walked once and
/// each real file found once (a link loop ends; a file reached by two paths is taken
/// at the first).
pub fn collect(paths: &[PathBuf], extensions: &[&str]) -> Result<Vec<PathBuf>, PathError> {
    let mut out = Vec::new();
    let mut seen = Seen::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| PathError {
            path: path.clone(),
            reason: describe_io(&e),
        })?;
        if meta.is_dir() {
            walk(path, extensions, &mut out, &mut seen)?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// The real (canonical) folders and files a walk has met.
#[derive(Default)]
struct Seen {
    dirs: HashSet<PathBuf>,
    files: HashSet<PathBuf>,
}

impl Seen {
    /// True the first time the real path of `path` is seen in `set`; a path that
    /// cannot be resolved (a dangling link) counts as new, and its reading fails later
    /// with its own error.
    fn first(set: &mut HashSet<PathBuf>, path: &Path) -> bool {
        match std::fs::canonicalize(path) {
            Ok(real) => set.insert(real),
            Err(_) => true,
        }
    }
}

fn walk(
    dir: &Path,
    extensions: &[&str],
    out: &mut Vec<PathBuf>,
    seen: &mut Seen,
) -> Result<(), PathError> {
    if !Seen::first(&mut seen.dirs, dir) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| PathError {
        path: dir.to_path_buf(),
        reason: describe_io(&e),
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if path.is_dir() {
            walk(&path, extensions, out, seen)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
            && Seen::first(&mut seen.files, &path)
        {
            out.push(path);
        }
    }
    Ok(())
}

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

/// An I/O error in words, without the OS error number.
pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a folder".to_owned(),
        _ => e.to_string(),
    }
}

/// The name to show for a path: as given, with `./` removed.
pub fn display_name(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}
