//! The loaded state a request runs on ([`Loaded`]: the policy, its digest, its
//! reference data, when it was loaded, its packages), and loading it from a [`Source`]:
//! sources read and compiled, or a `.polc` program or bundle read (and verified), or
//! the shipped packs; then the data files.

use crate::config::{PolicySource, Source};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A policy ready to serve, swapped whole on reload: a request holds one `Arc<Loaded>`
/// from start to end, so it sees one program and one version of its data.
#[derive(Debug)]
pub struct Loaded {
    /// The compiled policy.
    pub policy: pol::Policy,
    /// The digest of its program (`.polc` bytes): what decisions and records name.
    pub digest: pol::Digest,
    /// The reference data its policies read as `data` (a bundle's, then the data
    /// files').
    pub data: pol::Data,
    /// The values of `@option` lets its evaluators are given (checked when loaded).
    pub options: Vec<(String, serde_json::Value)>,
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
    /// Reads and compiles (or loads, and verifies) the policy of `source`, then reads
    /// its data files and checks the data against the policies' `data: T` (when they
    /// were compiled from sources here).
    pub fn load(source: &Source) -> Result<Loaded, LoadError> {
        let key = match &source.verify_key {
            None => None,
            Some(_) if !matches!(source.policy, PolicySource::Bundle(_)) => {
                return Err(LoadError(
                    "a key to verify with is given, but no bundle to verify".to_owned(),
                ));
            }
            Some(path) => Some(read_public_key(path)?),
        };
        // The files as they are before they are read (a change while they are read is
        // seen by the next look), then every byte read, in the order of `files_of`.
        let mut files = stats(&files_of(source)?)?;
        let mut all = Vec::new();
        let (policy, hir, mut data) = match &source.policy {
            PolicySource::Packs => {
                let policy = pol::packs::policy()
                    .map_err(|e| LoadError(format!("the shipped packs do not load: {e}")))?;
                (policy, None, pol::Data::new())
            }
            PolicySource::Bundle(path) => {
                let bytes = read(path)?;
                add_file(&mut all, path, &bytes);
                let (policy, data) = load_bundle(path, &bytes, key.as_ref())?;
                (policy, None, data)
            }
            PolicySource::Sources {
                paths,
                packs,
                optimize,
            } => {
                let compiled = compile(paths, *packs, *optimize, &mut all)?;
                (compiled.policy, Some(compiled.hir), pol::Data::new())
            }
        };
        for path in &source.data {
            let bytes = read(path)?;
            add_file(&mut all, path, &bytes);
            let name = display_name(path);
            let text = String::from_utf8(bytes)
                .map_err(|_| LoadError(format!("data: `{name}` is not valid UTF-8")))?;
            data.add_file(&name, &text)
                .map_err(|e| LoadError(format!("data: {e}")))?;
        }
        if let Some(hir) = hir {
            let mismatches = pol::types::check_data(&hir, &data);
            if !mismatches.is_empty() {
                let lines: Vec<String> = mismatches.iter().map(|m| format!("data: {m}")).collect();
                return Err(LoadError(lines.join("\n")));
            }
        }
        if let Some(path) = &source.verify_key {
            add_file(&mut all, path, &read(path)?);
        }
        let mut probe = policy.evaluator();
        for (name, value) in &source.options {
            probe
                .set_option(name, value)
                .map_err(|e| LoadError(format!("pol.toml: {e}")))?;
        }
        files.content = (!files.stats.is_empty()).then(|| pol::Digest::of(&all));
        let mut loaded = Loaded::new(policy, files);
        loaded.data = data;
        loaded.options = source.options.clone();
        Ok(loaded)
    }

    /// A policy loaded by other means (an embedder's), as a service serves it, with no
    /// data.
    pub fn new(policy: pol::Policy, files: Fingerprint) -> Loaded {
        let packages = policy
            .rules()
            .iter()
            .filter_map(|r| r.name.rsplit_once('.').map(|(p, _)| p.to_owned()))
            .collect();
        Loaded {
            digest: policy.program().digest(),
            policy,
            data: pol::Data::new(),
            options: Vec::new(),
            loaded_at: SystemTime::now(),
            packages,
            files,
        }
    }
}

/// The program and data of a `.polc` file or bundle, refused unless `key` signed it
/// (when given) before its program is decoded.
fn load_bundle(
    path: &Path,
    bytes: &[u8],
    key: Option<&pol::bundle::PublicKey>,
) -> Result<(pol::Policy, pol::Data), LoadError> {
    let shown = path.display();
    let bundle =
        pol::Bundle::read(bytes).map_err(|e| LoadError(format!("cannot load `{shown}`: {e}")))?;
    if let Some(key) = key {
        bundle
            .verify(key)
            .map_err(|e| LoadError(format!("refusing `{shown}`: {e}")))?;
    }
    let policy = bundle
        .policy()
        .map_err(|e| LoadError(format!("cannot load `{shown}`: {e}")))?;
    let mut data = pol::Data::new();
    for file in bundle.data_files() {
        data.add_text(&file.name, &file.text, file.format.format())
            .map_err(|e| LoadError(format!("cannot load `{shown}`: data: {e}")))?;
    }
    Ok((policy, data))
}

fn read_public_key(path: &Path) -> Result<pol::bundle::PublicKey, LoadError> {
    let bytes = read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    pol::bundle::PublicKey::from_pem(&text)
        .map_err(|e| LoadError(format!("cannot use the key `{}`: {e}", path.display())))
}

/// Every file `source` is loaded from, in the order they are read: the policy's (the
/// bundle, or the `.pol` files walked), the data files, the key.
fn files_of(source: &Source) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = match &source.policy {
        PolicySource::Packs => Vec::new(),
        PolicySource::Bundle(path) => vec![path.clone()],
        PolicySource::Sources { paths, .. } => pol_files(paths)?,
    };
    files.extend(source.data.iter().cloned());
    files.extend(source.verify_key.iter().cloned());
    Ok(files)
}

/// The files of `source` as they are now, without reading them (a walk of the folders
/// and a `stat` of each file); `None` when the source has no file.
pub fn look(source: &Source) -> Result<Option<Fingerprint>, LoadError> {
    let files = files_of(source)?;
    if files.is_empty() {
        return Ok(None);
    }
    stats(&files).map(Some)
}

/// The digest of the contents of the files of `source` (read whole).
pub fn content_digest(source: &Source) -> Result<Option<pol::Digest>, LoadError> {
    let files = files_of(source)?;
    if files.is_empty() {
        return Ok(None);
    }
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

/// Reads and compiles the `.pol` files of `paths` (and the packs), adding their bytes
/// to `all`.
fn compile(
    paths: &[PathBuf],
    packs: bool,
    optimize: bool,
    all: &mut Vec<u8>,
) -> Result<pol::Compiled, LoadError> {
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
    let mut sources = pol::SourceMap::new();
    let mut ids = Vec::new();
    for path in &files {
        let bytes = read(path)?;
        if bytes.starts_with(&pol::POLC_MAGIC) || bytes.starts_with(&pol::bundle::MAGIC) {
            return Err(LoadError(format!(
                "`{}` is a compiled program, not a `.pol` file: load it with `-b {}`",
                path.display(),
                path.display()
            )));
        }
        add_file(all, path, &bytes);
        let text = String::from_utf8(bytes)
            .map_err(|_| LoadError(format!("`{}` is not valid UTF-8", path.display())))?;
        ids.push(sources.add(display_name(path), text));
    }
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
            Ok(compiled)
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

/// The `.pol` files of `paths`: files as given, folders walked as `pol eval -p` walks
/// them (`pol::walk`: in name order, hidden entries and `target` passed over, each real
/// file once however links reach it).
fn pol_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    pol::walk::collect(paths, &["pol"]).map_err(|e| LoadError(e.to_string()))
}
