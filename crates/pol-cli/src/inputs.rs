//! Input documents for `eval` and `bench`: files, folders walked for the files of a
//! known kind or format, or standard input. Finding the inputs ([`find_inputs`]) is
//! apart from reading them ([`Pending::read`]), so that workers can read and parse
//! files in parallel.

use crate::files::{collect_with, describe_io, display_name};
use pol::{Document, Format};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One input as given: its display name and its text.
pub struct Input {
    /// The name shown in output (`-` for standard input).
    pub name: String,
    /// The format to parse it as.
    pub format: Format,
    /// The text.
    pub text: String,
}

/// An input found on the command line and not read yet (standard input is read when
/// found: it can be read only once).
pub struct Pending {
    /// The name shown in output (`-` for standard input).
    pub name: String,
    source: Source,
    forced: Option<Format>,
    /// The kind its path names (`.github/workflows/ci.yml`), or `--kind`'s.
    pub kind: Option<&'static str>,
    /// The kind was forced (`--kind`): the content does not change it.
    pub kind_forced: bool,
    /// The largest input read (`--max-input-size`).
    max_size: u64,
    /// Its place among the inputs and skipped files, in the order found.
    pub seq: usize,
}

/// A file given on the command line that is not read: of no kind or format pol
/// reads, or of a kind it has no reader for yet.
pub struct Skipped {
    /// The name shown in output.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Its place among the inputs and skipped files, in the order found.
    pub seq: usize,
}

/// The inputs found on the command line.
pub struct Found {
    /// The inputs to read, in order.
    pub inputs: Vec<Pending>,
    /// Files given by name that are not read.
    pub skipped: Vec<Skipped>,
    /// Files of walked folders that are not read (of no kind or format pol reads).
    pub others: usize,
    /// Files excluded by `pol.toml`'s `paths.exclude`.
    pub excluded: usize,
}

enum Source {
    /// Standard input's text, or why it could not be used.
    Stdin(Result<String, String>),
    File(PathBuf),
}

/// Why an input could not be used; its `Display` is the message pol prints.
#[derive(Debug)]
pub enum InputError {
    /// A path given on the command line could not be walked.
    Walk(crate::files::PathError),
    /// Standard input could not be used (not read, too large, not UTF-8).
    Stdin(String),
    /// The file could not be read.
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file is larger than `--max-input-size`.
    TooLarge {
        /// The input's name.
        name: String,
        /// The limit, in bytes.
        max: u64,
    },
    /// The file is not UTF-8.
    NotUtf8 {
        /// The input's name.
        name: String,
        /// The offset of the first byte that is not.
        at: usize,
    },
    /// The text did not load: a syntax error, or a resource limit.
    Load(pol::LoadError),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Walk(e) => write!(f, "{e}"),
            InputError::Stdin(why) => f.write_str(why),
            InputError::Read { path, error } => {
                write!(
                    f,
                    "cannot read `{}`: {}",
                    path.display(),
                    describe_io(error)
                )
            }
            InputError::TooLarge { name, max } => f.write_str(&too_large(name, *max)),
            InputError::NotUtf8 { name, at } => write!(f, "{name}: not valid UTF-8 (byte {at})"),
            // With the flag that raises the limit it names, if any.
            InputError::Load(e) => match e.limit {
                Some(pol::LoadLimit::InputBytes) => {
                    write!(f, "{e} (resource limit; raise it with `--max-input-size`)")
                }
                Some(_) => write!(f, "{e} (resource limit)"),
                None => write!(f, "{e}"),
            },
        }
    }
}

impl std::error::Error for InputError {}

/// Finds the inputs, in order: `-` reads standard input; a file is read when it is
/// JSON, YAML or TOML by its extension, or of a kind pol reads by its path
/// (`action.yml`, ...), or when `--input-format` or `--kind` says how to read it, and
/// is reported as skipped otherwise; folders are walked for such files (docs/inputs.md).
/// Files are not read yet. An input larger than `max_size` bytes is an error when it
/// is read.
pub fn find_inputs(
    args: &[PathBuf],
    forced: Option<Format>,
    kind: Option<&'static str>,
    max_size: u64,
) -> Result<Found, InputError> {
    let mut found = Found {
        inputs: Vec::new(),
        skipped: Vec::new(),
        others: 0,
        excluded: 0,
    };
    let pending =
        |name: String, source: Source, path_kind: Option<&'static str>, seq: usize| Pending {
            name,
            source,
            forced,
            kind: kind.or(path_kind),
            kind_forced: kind.is_some(),
            max_size,
            seq,
        };
    let mut seq = 0usize;
    let mut next = || {
        seq += 1;
        seq
    };
    let told = forced.is_some() || kind.is_some();
    for arg in args {
        if arg.as_os_str() == "-" {
            let source = Source::Stdin(read_stdin(max_size));
            found
                .inputs
                .push(pending("-".to_owned(), source, None, next()));
            continue;
        }
        let take = |path: &Path| !matches!(classify(path), Class::Other);
        let mut walk = collect_with(std::slice::from_ref(arg), &take).map_err(InputError::Walk)?;
        // A folder's `pol.toml` files are pol's settings, not inputs (the one a run uses,
        // and those of the projects below it), nor skipped inputs; a file named on the
        // command line is read whatever its name.
        if walk.files.first() != Some(arg) {
            walk.files
                .retain(|p| p.file_name().is_none_or(|name| name != "pol.toml"));
        }
        let walked = walk.files.len() != 1 || walk.files.first() != Some(arg);
        found.others += walk.others;
        for path in walk.files {
            let name = display_name(&path);
            match classify(&path) {
                Class::NotYet(k) if !told => found.skipped.push(Skipped {
                    name,
                    reason: format!("a `{k}` file: pol has no reader for them yet"),
                    seq: next(),
                }),
                Class::Other if !told && !walked => found.skipped.push(Skipped {
                    name,
                    reason: "not a file of a known kind or format (pass `--input-format` \
                             or `--kind` to read it)"
                        .to_owned(),
                    seq: next(),
                }),
                class => {
                    let path_kind = match class {
                        Class::Data(k) => k,
                        Class::NotYet(_) | Class::Other => None,
                    };
                    found
                        .inputs
                        .push(pending(name, Source::File(path), path_kind, next()));
                }
            }
        }
    }
    Ok(found)
}

/// What a file is, by its path.
enum Class {
    /// Read as data (JSON, YAML, TOML), of this kind if the path names one.
    Data(Option<&'static str>),
    /// Of a kind pol has no reader for yet.
    NotYet(&'static str),
    /// Neither.
    Other,
}

fn classify(path: &Path) -> Class {
    match pol::kind::kind_of_path(path).and_then(pol::kind::kind_named) {
        Some(k) if k.format().is_some() => Class::Data(Some(k.name)),
        Some(k) => Class::NotYet(k.name),
        None if Format::from_path(path).is_some() => Class::Data(None),
        None => Class::Other,
    }
}

/// Reads standard input, at most `max_size` bytes of it.
fn read_stdin(max_size: u64) -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    if bytes.len() as u64 > max_size {
        return Err(too_large("-", max_size));
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("-: not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

fn too_large(name: &str, max_size: u64) -> String {
    format!(
        "{name}: the input is larger than {max_size} bytes (resource limit; raise it with `--max-input-size`)"
    )
}

impl Pending {
    /// The file's path (`None` for standard input).
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::File(path) => Some(path),
            Source::Stdin(_) => None,
        }
    }

    /// Reads the input's text (standard input's was read when it was found).
    pub fn read(&self) -> Result<Input, InputError> {
        let (text, path) = match &self.source {
            Source::Stdin(text) => (text.clone().map_err(InputError::Stdin)?, None),
            Source::File(path) => (read_utf8(path, self.max_size)?, Some(path)),
        };
        // The format: `--input-format`, the extension, the kind's, or a guess from the
        // text (standard input).
        let of_kind = self
            .kind
            .and_then(pol::kind::kind_named)
            .and_then(|k| k.format());
        let format = self
            .forced
            .or_else(|| path.and_then(|p| Format::from_path(p)))
            .or(of_kind)
            .unwrap_or_else(|| Format::sniff(&text));
        Ok(Input {
            name: self.name.clone(),
            format,
            text,
        })
    }

    /// The kind of one of its documents: `--kind`'s; else the one its path names; else
    /// the one its content tells (docs/inputs.md).
    pub fn kind_of(&self, doc: &Document) -> Option<&'static str> {
        if self.kind_forced {
            self.kind
        } else {
            self.kind.or_else(|| pol::kind::kind_of_document(doc))
        }
    }

    /// Reads and parses the input into its documents.
    pub fn load(&self) -> Result<Vec<Document>, InputError> {
        let input = self.read()?;
        pol::load_with(
            &input.text,
            input.format,
            Some(&input.name),
            &self.load_limits(),
        )
        .map_err(InputError::Load)
    }

    /// The loader's limits for this input (`--max-input-size`).
    pub fn load_limits(&self) -> pol::LoadLimits {
        let mut limits = pol::LoadLimits::default();
        limits.max_input_bytes = usize::try_from(self.max_size).unwrap_or(usize::MAX);
        limits
    }
}

fn read_utf8(path: &Path, max_size: u64) -> Result<String, InputError> {
    let cannot = |error: std::io::Error| InputError::Read {
        path: path.to_owned(),
        error,
    };
    // Read through `take`: the size the file has when read is what counts (a file
    // that grows, or a device, is cut at the limit and refused).
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max_size.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > max_size {
        return Err(InputError::TooLarge {
            name: display_name(path),
            max: max_size,
        });
    }
    String::from_utf8(bytes).map_err(|e| InputError::NotUtf8 {
        name: display_name(path),
        at: e.utf8_error().valid_up_to(),
    })
}

/// Parses an input into its documents, skipping what `shape` does not need.
pub fn parse_shaped(input: &Input, shape: &pol::Shape) -> Result<Vec<Document>, InputError> {
    pol::load_shaped(&input.text, input.format, Some(&input.name), shape).map_err(InputError::Load)
}
