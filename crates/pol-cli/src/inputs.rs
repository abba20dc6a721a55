//! Input documents for `eval`: files, folders walked by extension, or standard input.

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

/// Why an input could not be used.
pub struct InputError(pub String);

const EXTENSIONS: &[&str] = &["json", "yaml", "yml", "toml"];

/// Collects the inputs: `-` reads standard input; folders are walked for
/// `.json`, `.yaml`, `.yml` and `.toml` files.
pub fn collect_inputs(args: &[PathBuf], forced: Option<Format>) -> Result<Vec<Input>, InputError> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| InputError(format!("cannot read standard input: {e}")))?;
            let format = forced.unwrap_or_else(|| sniff(&text));
            out.push(Input {
                name: "-".to_owned(),
                format,
                text,
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
        for path in paths {
            let bytes = std::fs::read(&path).map_err(|e| {
                InputError(format!(
                    "cannot read `{}`: {}",
                    path.display(),
                    describe_io(&e)
                ))
            })?;
            let text = String::from_utf8(bytes).map_err(|e| {
                InputError(format!(
                    "{}: not valid UTF-8 (byte {})",
                    display_name(&path),
                    e.utf8_error().valid_up_to()
                ))
            })?;
            let format = forced
                .or_else(|| Format::from_path(&path))
                .unwrap_or_else(|| sniff(&text));
            out.push(Input {
                name: display_name(&path),
                format,
                text,
            });
        }
    }
    Ok(out)
}

/// JSON when the text starts like JSON, else YAML (which also reads most JSON).
fn sniff(text: &str) -> Format {
    match text.trim_start().chars().next() {
        Some('{' | '[') => Format::Json,
        _ => Format::Yaml,
    }
}

/// Parses an input into its documents.
pub fn parse(input: &Input) -> Result<Vec<Document>, InputError> {
    pol::load(&input.text, input.format, Some(&input.name)).map_err(|e| InputError(e.to_string()))
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
