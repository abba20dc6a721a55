//! Input documents and decisions: the data that goes into and comes out of an
//! evaluation.
//!
//! - [`load`] reads JSON, YAML or TOML text into [`Document`]s: immutable arenas of
//!   nodes that the VM reads through [`NodeId`]s and interned [`KeyId`]s, and that know
//!   each node's [`Position`] in the file and its path from the root.
//! - [`load_shaped`] loads only the parts of a document a [`Shape`] says a program can
//!   read (selective loading); the rest become placeholders that fail an evaluation
//!   closed if it reads them.
//! - [`Decision`] is what an evaluation produces: findings and errors, shaped for JSON
//!   output.
//!
//! The exact loading rules (YAML 1.2 core schema, duplicate keys, limits) are those of
//! `docs/evaluation.md`, "Inputs". No I/O: callers pass text and a display file name.

mod builder;
pub mod decision;
mod document;
mod error;
mod json;
mod limits;
mod lines;
mod render;
mod shape;
mod toml;
mod view;
mod yaml;
mod yaml_scalar;

use std::path::Path;

pub use decision::{Decision, EvalError, Finding, InputLocation, Name, PolicyLocation};
pub use document::{Document, KeyHash, KeyId, MAX_NODES, NodeId, Position, key_hash};
pub use error::LoadError;
pub use limits::{Limit, LoadLimits, MAX_ALIAS_NODES, MAX_DEPTH, MAX_INPUT_BYTES};
pub use render::{PathCache, push_decimal};
pub use shape::{Shape, ShapeNode};
pub use view::{ListRef, NodeKind, NodeRef, ObjectRef};

/// The format of an input document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON (RFC 8259).
    Json,
    /// YAML 1.2, core schema; a stream may hold several documents.
    Yaml,
    /// TOML.
    Toml,
}

impl Format {
    /// The format a file's extension names: `.json`, `.yaml` or `.yml`, `.toml` (in any
    /// case); `None` for anything else.
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }
}

/// Loads the documents of `text`: exactly one for JSON and TOML, one per document of a
/// YAML stream (an empty YAML stream gives one `null` document). `file` is the display
/// name used in positions and errors. The [`LoadLimits`] are the defaults.
pub fn load(text: &str, format: Format, file: Option<&str>) -> Result<Vec<Document>, LoadError> {
    load_with(text, format, file, &LoadLimits::DEFAULT)
}

/// [`load`] within `limits`, which bound the whole input: all the documents of a YAML
/// stream count against one budget of nodes and of alias copies.
pub fn load_with(
    text: &str,
    format: Format,
    file: Option<&str>,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    check_size(text.as_bytes(), file, limits)?;
    match format {
        Format::Json => json::load(text, file, limits).map(|doc| vec![doc]),
        Format::Yaml => yaml::load(text, file, limits),
        Format::Toml => toml::load(text, file, limits).map(|doc| vec![doc]),
    }
}

/// [`load`] for bytes: text that is not UTF-8 is a load error at the first invalid
/// byte.
pub fn load_bytes(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
) -> Result<Vec<Document>, LoadError> {
    load_bytes_with(bytes, format, file, &LoadLimits::DEFAULT)
}

/// [`load_bytes`] within `limits` (see [`load_with`]); the size limit is checked
/// before the bytes are.
pub fn load_bytes_with(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    check_size(bytes, file, limits)?;
    load_with(utf8(bytes, file)?, format, file, limits)
}

/// Loads the documents of `text` like [`load`], but builds only the values `shape`
/// needs: every other value is a placeholder node that keeps its parent and position
/// (so the paths and positions of all other values, the keys of objects and the
/// lengths of lists are those of [`load`]) and that sets the document's read-skipped
/// flag when it is read ([`Document::read_skipped`]).
///
/// Errors are exactly those of [`load`], including errors inside skipped values
/// (syntax, escapes, numbers, nesting depth, duplicate keys). Each document of a YAML
/// stream is shaped from its root. A YAML stream with anything unusual (a parser
/// error, an anchor or alias anywhere, a merge key `<<` or a collection as a key
/// outside a value needed whole) is loaded whole, exactly as [`load`] does, and so is
/// any format with [`Shape::everything`]. TOML is parsed whole by the `toml` crate;
/// only the needed values are built. The [`LoadLimits`] are the defaults.
pub fn load_shaped(
    text: &str,
    format: Format,
    file: Option<&str>,
    shape: &Shape,
) -> Result<Vec<Document>, LoadError> {
    load_shaped_with(text, format, file, shape, &LoadLimits::DEFAULT)
}

/// [`load_shaped`] within `limits` (see [`load_with`]). Placeholders are nodes and
/// count against the node limit, but shaped loading goes over a limit exactly when
/// [`load_with`] does: text too large for the node limit to be ruled out is loaded in
/// full.
pub fn load_shaped_with(
    text: &str,
    format: Format,
    file: Option<&str>,
    shape: &Shape,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    check_size(text.as_bytes(), file, limits)?;
    match format {
        Format::Json => json::load_shaped(text, file, shape, limits).map(|doc| vec![doc]),
        Format::Yaml => yaml::load_shaped(text, file, shape, limits),
        Format::Toml => toml::load_shaped(text, file, shape, limits).map(|doc| vec![doc]),
    }
}

/// [`load_shaped`] for bytes: text that is not UTF-8 is a load error at the first
/// invalid byte, as for [`load_bytes`].
pub fn load_bytes_shaped(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
    shape: &Shape,
) -> Result<Vec<Document>, LoadError> {
    load_bytes_shaped_with(bytes, format, file, shape, &LoadLimits::DEFAULT)
}

/// [`load_bytes_shaped`] within `limits` (see [`load_with`]).
pub fn load_bytes_shaped_with(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
    shape: &Shape,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    check_size(bytes, file, limits)?;
    load_shaped_with(utf8(bytes, file)?, format, file, shape, limits)
}

/// An error if the input is larger than `limits` allow, at the first byte past the
/// limit.
fn check_size(bytes: &[u8], file: Option<&str>, limits: &LoadLimits) -> Result<(), LoadError> {
    let max = limits.max_input_bytes;
    if bytes.len() <= max {
        return Ok(());
    }
    let head = bytes.get(..max).unwrap_or(bytes);
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or(&[])).unwrap_or(""),
    };
    let message = limits::Over(Limit::InputBytes, max).to_string();
    Err(LoadError::at_byte(file, valid, valid.len(), message).about(Some(Limit::InputBytes)))
}

/// The bytes as text, or a load error at the first byte that is not UTF-8.
fn utf8<'b>(bytes: &'b [u8], file: Option<&str>) -> Result<&'b str, LoadError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = bytes.get(..e.valid_up_to()).unwrap_or(&[]);
        let text = std::str::from_utf8(valid).unwrap_or("");
        LoadError::at_byte(file, text, text.len(), "invalid UTF-8".to_owned())
    })
}
