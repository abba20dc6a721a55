//! Input documents and decisions: the data that goes into and comes out of an
//! evaluation.
//!
//! - [`load`] reads JSON, YAML or TOML text, or a Dockerfile, into [`Document`]s: immutable arenas of
//!   nodes that the VM reads through [`NodeId`]s and interned [`KeyId`]s, and that know
//!   each node's [`LineCol`] in the file and its path from the root.
//! - [`load_shaped`] loads only the parts of a document a [`Shape`] says a program can
//!   read (selective loading); the rest become placeholders that fail an evaluation
//!   closed if it reads them.
//! - [`load_each`] hands the documents of a YAML stream out one by one, so a stream is
//!   never held whole; [`LoadLimits`] bound what one input may make loading build
//!   (the `*_with` loaders take them, the others use the defaults).
//! - [`Decision`] is what an evaluation produces: findings and errors, shaped for JSON
//!   output.
//!
//! The exact loading rules (YAML 1.2 core schema, duplicate keys, limits) are those of
//! `docs/evaluation.md`, "Inputs". No I/O: callers pass text and a display file name.

mod builder;
mod dockerfile;
mod document;
mod error;
pub mod gitlab;
mod hcl;
mod json;
pub mod kind;
mod limits;
mod lines;
mod load;
mod render;
mod shape;
mod toml;
mod view;
mod yaml;
mod yaml_scalar;

use std::path::Path;

pub use document::{Document, KeyHash, KeyId, LineCol, MAX_NODES, NodeId, key_hash};
pub use error::LoadError;
pub use limits::{Limit, LoadLimits, MAX_ALIAS_NODES, MAX_DEPTH, MAX_INPUT_BYTES};
pub use load::{
    load, load_bytes, load_bytes_each, load_bytes_shaped, load_bytes_shaped_with, load_bytes_with,
    load_each, load_shaped, load_shaped_with, load_with,
};
/// Decisions live in `pol-core`, shared with the VM and every consumer of decisions.
pub use pol_core::decision;
pub use pol_core::{Decision, EvalError, Finding, InputLocation, Name, PolicyLocation};
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
    /// A Dockerfile, read into facts (`docs/inputs.md`, "Dockerfiles"). No extension
    /// names it: the path (`Dockerfile`, `*.Dockerfile`, ...) or `--kind` does.
    Dockerfile,
    /// Terraform configuration: HCL native syntax (`.tf`), or Terraform's JSON syntax
    /// (`.tf.json`, text that starts with `{`), read into one fact shape
    /// (docs/inputs.md).
    Hcl,
}

impl Format {
    /// The format a file's extension names: `.json`, `.yaml` or `.yml`, `.toml`, `.tf`
    /// and `.tf.json` (Terraform configuration, [`Format::Hcl`]), in any case; `None`
    /// for anything else.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".tf.json") {
            return Some(Format::Hcl);
        }
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "tf" => Some(Format::Hcl),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }

    /// The format of a text that nothing else names (no extension, no kind): JSON when
    /// it starts with `{` or `[` (after white space), else YAML.
    pub fn sniff(text: &str) -> Format {
        match text.trim_start().chars().next() {
            Some('{' | '[') => Format::Json,
            _ => Format::Yaml,
        }
    }
}
