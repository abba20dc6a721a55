//! The loaded state a request runs on ([`Loaded`]: the policy, its digest, when it was
//! loaded, its packages), and loading it from a [`PolicySource`]: sources read and
//! compiled, or a `.polc` program read, or the shipped packs.

use crate::config::PolicySource;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A policy ready to serve, swapped whole on reload: a request holds one `Arc<Loaded>`
/// from start to end, so it sees one program. Reference data and bundle signatures
/// will be loaded into it too.
#[derive(Debug)]
pub struct Loaded {
    /// The compiled policy.
    pub policy: pol::Policy,
    /// The digest of its program (`.polc` bytes): what decisions and records name.
    pub digest: pol::Digest,
    /// When it was loaded.
    pub loaded_at: SystemTime,
    /// The packages its rules belong to (`pack.k8s`): what `/v1/decide/{package}`
    /// takes.
    pub packages: BTreeSet<String>,
    /// What was read to load it, with a digest of its bytes: a change of either is a
    /// reason to load again.
    pub files: Fingerprint,
}

/// Why a policy does not load; the old one keeps serving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// The files of a source as last read: their paths, sizes and modification times
/// (cheap to compare on every look), and the digest of their contents (to tell a
/// change of content from a touch).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprint {
    /// Each file's path, size and modification time, in walk order.
    pub stats: Vec<(PathBuf, u64, Option<SystemTime>)>,
    /// The SHA-256 of the files' paths and contents, in walk order.
    pub content: Option<pol::Digest>,
}

impl Loaded {
    /// Reads and compiles (or loads) the policy of `source`.
    pub fn load(source: &PolicySource) -> Result<Loaded, LoadError> {
        let (policy, files) = match source {
            PolicySource::Packs => {
                let policy = pol::packs::policy()
                    .map_err(|e| LoadError(format!("the shipped packs do not load: {e}")))?;
                (policy, Fingerprint::default())
            }
            PolicySource::Bundle(path) => {
                let bytes = read(path)?;
                let policy = pol::Policy::from_polc(&bytes)
                    .map_err(|e| LoadError(format!("cannot load `{}`: {e}", path.display())))?;
                let mut files = stats(std::slice::from_ref(path))?;
                let mut all = Vec::new();
                add_file(&mut all, path, &bytes);
                files.content = Some(pol::Digest::of(&all));
                (policy, files)
            }
            PolicySource::Sources {
                paths,
                packs,
                optimize,
            } => compile(paths, *packs, *optimize)?,
        };
        Ok(Loaded::new(policy, files))
    }

    /// A policy loaded by other means (an embedder's), as a service serves it.
    pub fn new(policy: pol::Policy, files: Fingerprint) -> Loaded {
        let packages = policy
            .rules()
            .iter()
            .filter_map(|r| r.name.rsplit_once('.').map(|(p, _)| p.to_owned()))
            .collect();
        Loaded {
            digest: policy.program().digest(),
            policy,
            loaded_at: SystemTime::now(),
            packages,
            files,
        }
    }
}

/// The files of `source` as they are now, without reading them (a walk of the folders
/// and a `stat` of each file); `None` when the source has no file.
pub fn look(source: &PolicySource) -> Result<Option<Fingerprint>, LoadError> {
    match source {
        PolicySource::Packs => Ok(None),
        PolicySource::Bundle(path) => stats(std::slice::from_ref(path)).map(Some),
        PolicySource::Sources { paths, .. } => stats(&pol_files(paths)?).map(Some),
    }
}

/// The digest of the contents of the files of `source` (read whole).
pub fn content_digest(source: &PolicySource) -> Result<Option<pol::Digest>, LoadError> {
    let files = match source {
        PolicySource::Packs => return Ok(None),
        PolicySource::Bundle(path) => vec![path.clone()],
        PolicySource::Sources { paths, .. } => pol_files(paths)?,
    };
    let mut all = Vec::new();
    for path in &files {
        add_file(&mut all, path, &read(path)?);
    }
    Ok(Some(pol::Digest::of(&all)))
}

/// Adds a file's path and bytes to what the content digest hashes (the same for a
/// load and a look: they must agree).
fn add_file(all: &mut Vec<u8>, path: &Path, bytes: &[u8]) {
    all.extend_from_slice(path.display().to_string().as_bytes());
    all.push(0);
    all.extend_from_slice(bytes);
    all.push(0);
}

fn compile(
    paths: &[PathBuf],
    packs: bool,
    optimize: bool,
) -> Result<(pol::Policy, Fingerprint), LoadError> {
    let files = pol_files(paths)?;
    if files.is_empty() && !packs {
        return Err(LoadError(format!(
            "no `.pol` files found in {}",
            paths
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut fingerprint = stats(&files)?;
    let mut sources = pol::SourceMap::new();
    let mut ids = Vec::new();
    let mut all = Vec::new();
    for path in &files {
        let bytes = read(path)?;
        if bytes.starts_with(&pol::POLC_MAGIC) {
            return Err(LoadError(format!(
                "`{}` is a compiled program, not a `.pol` file: load it with `-b {}`",
                path.display(),
                path.display()
            )));
        }
        add_file(&mut all, path, &bytes);
        let text = String::from_utf8(bytes)
            .map_err(|_| LoadError(format!("`{}` is not valid UTF-8", path.display())))?;
        ids.push(sources.add(display_name(path), text));
    }
    fingerprint.content = Some(pol::Digest::of(&all));
    if packs {
        ids.extend(pol::packs::add_sources(&mut sources));
    }
    let options = pol::RenderOptions {
        color: false,
        ascii: false,
    };
    match pol::compile_with(&mut sources, &ids, optimize) {
        Ok(compiled) => {
            let warnings = pol::render_text(&sources, &compiled.warnings, options);
            if !warnings.is_empty() {
                eprint!("{warnings}");
            }
            Ok((compiled.policy, fingerprint))
        }
        Err(pol::CompileError::Diagnostics(diagnostics)) => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            Err(LoadError(format!(
                "{}the policy does not compile ({errors} error{})",
                pol::render_text(&sources, &diagnostics, options),
                if errors == 1 { "" } else { "s" }
            )))
        }
        Err(e) => Err(LoadError(e.to_string())),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|e| LoadError(format!("cannot read `{}`: {e}", path.display())))
}

/// The name a file is shown by (no leading `./`), as `pol eval` shows it.
fn display_name(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

fn stats(files: &[PathBuf]) -> Result<Fingerprint, LoadError> {
    let stats = files
        .iter()
        .map(|path| {
            let meta = std::fs::metadata(path)
                .map_err(|e| LoadError(format!("cannot read `{}`: {e}", path.display())))?;
            Ok((path.clone(), meta.len(), meta.modified().ok()))
        })
        .collect::<Result<_, LoadError>>()?;
    Ok(Fingerprint {
        stats,
        content: None,
    })
}

/// The `.pol` files of `paths`: files as given, folders walked in name order (hidden
/// entries and `target` passed over), as `pol eval -p` finds them.
fn pol_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| LoadError(format!("cannot read `{}`: {e}", path.display())))?;
        if meta.is_dir() {
            walk(path, &mut out, 0)?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), LoadError> {
    // Links may loop: a folder tree of policies is never this deep.
    if depth > 32 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| LoadError(format!("cannot read `{}`: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            walk(&path, out, depth + 1)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pol"))
        {
            out.push(path);
        }
    }
    Ok(())
}
