//! Input documents for `eval` and `bench`: files, folders walked by extension, or
//! standard input. Finding the inputs ([`find_inputs`]) is apart from reading them
//! ([`Pending::read`]), so that workers can read and parse files in parallel.

use crate::files::{collect, describe_io, display_name};
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
    /// The largest input read (`--max-input-size`).
    max_size: u64,
}

enum Source {
    /// Standard input's text, or why it could not be used.
    Stdin(Result<String, String>),
    File(PathBuf),
}

/// Why an input could not be used.
pub struct InputError(pub String);

const EXTENSIONS: &[&str] = &["json", "yaml", "yml", "toml"];

/// Finds the inputs, in order: `-` reads standard input; folders are walked for
/// `.json`, `.yaml`, `.yml` and `.toml` files. Files are not read yet. An input larger
/// than `max_size` bytes is an error when it is read.
pub fn find_inputs(
    args: &[PathBuf],
    forced: Option<Format>,
    max_size: u64,
) -> Result<Vec<Pending>, InputError> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.push(Pending {
                name: "-".to_owned(),
                source: Source::Stdin(read_stdin(max_size)),
                forced,
                max_size,
            });
            continue;
        }
        let paths = collect(std::slice::from_ref(arg), EXTENSIONS)
            .map_err(|e| InputError(e.to_string()))?;
        if paths.is_empty() {
            return Err(InputError(format!(
                "no `.json`, `.yaml`, `.yml` or `.toml` files in `{}`",
                arg.display()
            )));
        }
        out.extend(paths.into_iter().map(|path| Pending {
            name: display_name(&path),
            source: Source::File(path),
            forced,
            max_size,
        }));
    }
    Ok(out)
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
    /// Reads the input's text (standard input's was read when it was found).
    pub fn read(&self) -> Result<Input, InputError> {
        let (text, path) = match &self.source {
            Source::Stdin(text) => (text.clone().map_err(InputError)?, None),
            Source::File(path) => (read_utf8(path, self.max_size)?, Some(path)),
        };
        let format = self
            .forced
            .or_else(|| path.and_then(|p| Format::from_path(p)))
            .unwrap_or_else(|| sniff(&text));
        Ok(Input {
            name: self.name.clone(),
            format,
            text,
        })
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
        .map_err(|e| load_error(&e))
    }

    /// The loader's limits for this input (`--max-input-size`).
    pub fn load_limits(&self) -> pol::LoadLimits {
        let mut limits = pol::LoadLimits::default();
        limits.max_input_bytes = usize::try_from(self.max_size).unwrap_or(usize::MAX);
        limits
    }
}

fn read_utf8(path: &Path, max_size: u64) -> Result<String, InputError> {
    let cannot = |e: std::io::Error| {
        InputError(format!(
            "cannot read `{}`: {}",
            path.display(),
            describe_io(&e)
        ))
    };
    // Read through `take`: the size the file has when read is what counts (a file
    // that grows, or a device, is cut at the limit and refused).
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max_size.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > max_size {
        return Err(InputError(too_large(&display_name(path), max_size)));
    }
    String::from_utf8(bytes).map_err(|e| {
        InputError(format!(
            "{}: not valid UTF-8 (byte {})",
            display_name(path),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// JSON when the text starts like JSON, else YAML (which also reads most JSON).
fn sniff(text: &str) -> Format {
    match text.trim_start().chars().next() {
        Some('{' | '[') => Format::Json,
        _ => Format::Yaml,
    }
}

/// A load error, with the flag that raises the limit it names, if any.
pub fn load_error(e: &pol::LoadError) -> InputError {
    match e.limit {
        Some(pol::LoadLimit::InputBytes) => InputError(format!(
            "{e} (resource limit; raise it with `--max-input-size`)"
        )),
        Some(_) => InputError(format!("{e} (resource limit)")),
        None => InputError(e.to_string()),
    }
}

/// Parses an input into its documents, skipping what `shape` does not need.
pub fn parse_shaped(input: &Input, shape: &pol::Shape) -> Result<Vec<Document>, InputError> {
    pol::load_shaped(&input.text, input.format, Some(&input.name), shape)
        .map_err(|e| load_error(&e))
}

/// Reads a test's `input from` file, relative to the policy file's folder.
pub fn load_test_input(folder: &Path, path: &str) -> Result<Document, String> {
    let full = folder.join(path);
    let text = std::fs::read_to_string(&full)
        .map_err(|e| format!("cannot read `{}`: {}", full.display(), describe_io(&e)))?;
    let format = Format::from_path(&full).unwrap_or_else(|| sniff(&text));
    let mut docs =
        pol::load(&text, format, Some(&display_name(&full))).map_err(|e| e.to_string())?;
    match docs.len() {
        1 => docs.pop().ok_or_else(|| "no document".to_owned()),
        n => Err(format!(
            "`{}` holds {n} documents; a test needs exactly one",
            full.display()
        )),
    }
}
