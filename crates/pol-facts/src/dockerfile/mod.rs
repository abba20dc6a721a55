//! The Dockerfile reader: a Dockerfile (`Dockerfile`, `Containerfile`, `*.Dockerfile`,
//! `Dockerfile.*`) into one document of facts, each value at the position of its text.
//!
//! No maintained crate reads Dockerfiles as BuildKit does with positions: heredocs of
//! any name, the escape directive, JSON and shell forms (see the commit that added this
//! module), so the reader is pol's own, in three passes: [`scan`] cuts the text into
//! parser directives and logical lines (continuations joined, comments and blank lines
//! inside them dropped, heredocs read); [`instr`] reads each line into an instruction
//! (flags, exec or shell form, words, what its keyword gives) and groups them into
//! build stages; [`emit`] builds the document. [`shell`] reads the commands of `RUN`
//! scripts. Every pass is a loop over the text or its words: nothing recurses but an
//! `ONBUILD`'s one instruction, and the document is built within the input's limits.
//!
//! The shape (`docs/inputs.md`, "Dockerfiles"; its type is `std.docker`):
//!
//! ```text
//! {"directives": {"syntax": "docker/dockerfile:1", "escape": "\\", ...},
//!  "args": [ARG instructions before the first FROM],
//!  "stages": [{"index": 0, "name": "build",
//!              "from": {"ref", "resolved", "unresolved", "image", "tag", "digest",
//!                       "platform", "name", "stage"},
//!              "ancestors": [stages it builds on, nearest first],
//!              "instructions": [{"cmd": "RUN", "line": 3, "flags": {...},
//!                                "form": "shell", "text": "...", "args": [...],
//!                                ...what the keyword gives}]}]}
//! ```
//!
//! Malformed input is a load error at its line and column, where BuildKit also refuses
//! the file: an unknown instruction, an instruction before the first `FROM` other than
//! `ARG`, an instruction without arguments, an unclosed quote in `ENV`, `LABEL`, `ARG`
//! or `WORKDIR`, a heredoc without its closing line, a bad `escape` directive. A quote
//! left open in a script (`RUN`, `CMD`, ...) is the shell's business and no error.

mod emit;
mod instr;
mod scan;
mod shell;
mod words;

#[cfg(test)]
mod tests;

use crate::builder::Builder;
use crate::document::Document;
use crate::error::LoadError;
use crate::limits::{Budget, Limit, LoadLimits};
use crate::lines::{ByteOffsets, Lines};

/// A problem at a byte offset of the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Error {
    pub at: usize,
    pub message: String,
    pub limit: Option<Limit>,
}

impl Error {
    fn new(at: usize, message: String) -> Error {
        Error {
            at,
            message,
            limit: None,
        }
    }
}

/// Reads a Dockerfile into its document, within `limits`; `None` for a file without
/// instructions (empty, or only comments and directives).
pub(crate) fn load(
    text: &str,
    file: Option<&str>,
    limits: &LoadLimits,
) -> Result<Option<Document>, LoadError> {
    let error = |e: Error| LoadError::at_byte(file, text, e.at, e.message).about(e.limit);
    let scanned = scan::scan(text).map_err(error)?;
    if scanned.lines.is_empty() {
        return Ok(None);
    }
    let parsed = instr::parse(scanned).map_err(error)?;
    let budget = Budget::new(limits);
    let lines = Lines::new(text);
    let mut starts = vec![0];
    starts.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    let mut emit = emit::Emit {
        builder: Builder::new(file, lines.clone(), text.len() / 4 + 16, &budget),
        offsets: ByteOffsets::new(text, lines),
        lines: starts,
    };
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    emit.file(&parsed, start).map_err(error)?;
    Ok(Some(emit.builder.finish()))
}
