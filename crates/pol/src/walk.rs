//! Finding files: paths given as they are, folders walked in name order, following
//! links but taking each real folder and file once. `pol eval`, `pol check`, `pol fmt`
//! and `pol serve` find their inputs and policies with it.

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
/// each real file found once (a link loop ends; a file reached by two paths, or by two
/// hard links, is taken at the first).
pub fn collect(paths: &[PathBuf], extensions: &[&str]) -> Result<Vec<PathBuf>, PathError> {
    let has_extension = |path: &Path| {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
    };
    collect_with(paths, &has_extension).map(|walk| walk.files)
}

/// What a walk found: the files taken, in order, and how many others the walked
/// folders held.
#[derive(Debug, Default)]
pub struct Walk {
    /// The files given, and those of the walked folders that `take` accepted.
    pub files: Vec<PathBuf>,
    /// Files of the walked folders that `take` refused.
    pub others: usize,
}

/// Like [`collect`], with `take` saying which files of a walked folder to take.
pub fn collect_with(paths: &[PathBuf], take: &dyn Fn(&Path) -> bool) -> Result<Walk, PathError> {
    let mut out = Walk::default();
    let mut seen = Seen::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| PathError {
            path: path.clone(),
            reason: describe_io(&e),
        })?;
        if meta.is_dir() {
            walk(path, &meta, take, &mut out, &mut seen)?;
        } else {
            out.files.push(path.clone());
        }
    }
    Ok(out)
}

/// What tells real files (and folders) apart: the device and inode a `stat` gives,
/// where there are such (one system call for each entry of a walk, where resolving
/// the real path took one for each component of it); elsewhere, the real path.
#[cfg(unix)]
type RealId = (u64, u64);
#[cfg(not(unix))]
type RealId = PathBuf;

#[cfg(unix)]
fn real_id(_path: &Path, meta: &std::fs::Metadata) -> Option<RealId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn real_id(path: &Path, _meta: &std::fs::Metadata) -> Option<RealId> {
    std::fs::canonicalize(path).ok()
}

/// The real folders and files a walk has met.
#[derive(Default)]
struct Seen {
    dirs: HashSet<RealId>,
    files: HashSet<RealId>,
}

impl Seen {
    /// True the first time the real file or folder of `path` is seen in `set`; one
    /// that cannot be identified counts as new.
    fn first(set: &mut HashSet<RealId>, path: &Path, meta: &std::fs::Metadata) -> bool {
        real_id(path, meta).is_none_or(|id| set.insert(id))
    }
}

fn walk(
    dir: &Path,
    meta: &std::fs::Metadata,
    take: &dyn Fn(&Path) -> bool,
    out: &mut Walk,
    seen: &mut Seen,
) -> Result<(), PathError> {
    if !Seen::first(&mut seen.dirs, dir, meta) {
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
        if passed_over(name) {
            continue;
        }
        // Following links; a dangling link is a new file, whose reading fails later
        // with its own error.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, &meta, take, out, seen)?,
            Ok(meta) if !Seen::first(&mut seen.files, &path, &meta) => {
                // Met before, by another path.
            }
            _ if take(&path) => out.files.push(path),
            _ => out.others += 1,
        }
    }
    Ok(())
}

/// Entries a walk passes over: hidden ones (`.git`, `.venv`, ...) but those of the
/// pipeline files pol reads (`.github`, `.gitlab`, `.gitlab-ci.yml`), and the build and
/// dependency folders `target` and `node_modules`.
fn passed_over(name: &str) -> bool {
    const KEPT: &[&str] = &[".github", ".gitlab", ".gitlab-ci.yml", ".gitlab-ci.yaml"];
    (name.starts_with('.') && !KEPT.contains(&name)) || name == "target" || name == "node_modules"
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A walk takes files in name order, passes over hidden entries and `target`, ends
    /// on a link loop, and takes a file reached by a link or a hard link once.
    #[test]
    fn a_walk_takes_each_real_file_once_in_name_order() {
        let dir = std::env::temp_dir().join(format!("pol-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in [
            ("b.pol", "b"),
            ("a/c.pol", "c"),
            ("a/d.txt", "d"),
            (".hidden/e.pol", "e"),
            ("target/f.pol", "f"),
        ] {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::os::unix::fs::symlink("..", dir.join("a/up")).unwrap();
        std::os::unix::fs::symlink("b.pol", dir.join("b-link.pol")).unwrap();
        std::fs::hard_link(dir.join("b.pol"), dir.join("b-hard.pol")).unwrap();

        let walk = collect_with(std::slice::from_ref(&dir), &|p: &Path| {
            p.extension().is_some_and(|e| e == "pol")
        })
        .unwrap();
        let names: Vec<String> = walk
            .files
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        // `b-hard.pol`, `b-link.pol` and `b.pol` are one file: taken at the first name.
        assert_eq!(names, ["a/c.pol", "b-hard.pol"]);
        assert_eq!(walk.others, 1, "a/d.txt");
        assert_eq!(
            collect(&[dir.join("missing")], &["pol"])
                .unwrap_err()
                .reason,
            "no such file or folder"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
