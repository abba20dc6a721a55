//! `LoadError`: why an input document could not be loaded, and where.

use std::fmt;

use crate::limits::Limit;
use pol_core::line_col_of_byte;

/// A document that could not be loaded: its file, the 1-based line and column (in
/// characters) of the problem, and a lowercase message; for an input over one of the
/// [`LoadLimits`](crate::LoadLimits), which one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The display name of the file, if the caller gave one.
    pub file: Option<String>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What is wrong, e.g. "duplicate key `name`" or "expected `,` or `}`".
    pub message: String,
    /// The limit the input went over, if that is the problem (the message names it
    /// and its value), so that a caller can say how to raise it.
    pub limit: Option<Limit>,
}

impl LoadError {
    /// An error at a byte offset of `text`.
    pub(crate) fn at_byte(file: Option<&str>, text: &str, offset: usize, message: String) -> Self {
        let at = line_col_of_byte(text, offset);
        LoadError {
            file: file.map(str::to_owned),
            line: at.line,
            column: at.column,
            message,
            limit: None,
        }
    }

    /// The error, about `limit`.
    pub(crate) fn about(mut self, limit: Option<Limit>) -> Self {
        self.limit = limit;
        self
    }
}

impl fmt::Display for LoadError {
    /// `file:line:column: message`, or `line:column: message` without a file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
        }
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for LoadError {}

impl From<LoadError> for pol_core::render::InputError {
    /// The error of an input that did not load: `file:line:column: message`, at its
    /// line.
    fn from(e: LoadError) -> pol_core::render::InputError {
        pol_core::render::InputError {
            message: e.to_string(),
            line: Some(e.line),
        }
    }
}
