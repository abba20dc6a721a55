//! Input documents and decisions: the data that goes into and comes out of an
//! evaluation.
//!
//! - [`load`] reads JSON, YAML or TOML text into [`Document`]s: immutable arenas of
//!   nodes that the VM reads through [`NodeId`]s and interned [`KeyId`]s, and that know
//!   each node's [`Position`] in the file and its path from the root.
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
mod lines;
mod render;
mod toml;
mod view;
mod yaml;
mod yaml_scalar;

use std::path::Path;

pub use builder::{MAX_ALIAS_NODES, MAX_DEPTH};
pub use decision::{Decision, EvalError, Finding, InputLocation, PolicyLocation};
pub use document::{Document, KeyId, NodeId, Position};
pub use error::LoadError;
pub use view::{ListRef, NodeRef, ObjectRef};

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
/// name used in positions and errors.
pub fn load(text: &str, format: Format, file: Option<&str>) -> Result<Vec<Document>, LoadError> {
    match format {
        Format::Json => json::load(text, file).map(|doc| vec![doc]),
        Format::Yaml => yaml::load(text, file),
        Format::Toml => toml::load(text, file).map(|doc| vec![doc]),
    }
}

/// [`load`] for bytes: text that is not UTF-8 is a load error at the first invalid
/// byte.
pub fn load_bytes(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
) -> Result<Vec<Document>, LoadError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => load(text, format, file),
        Err(e) => {
            let valid = bytes.get(..e.valid_up_to()).unwrap_or(&[]);
            let text = std::str::from_utf8(valid).unwrap_or("");
            Err(LoadError::at_byte(
                file,
                text,
                text.len(),
                "invalid UTF-8".to_owned(),
            ))
        }
    }
}
