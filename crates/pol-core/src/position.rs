//! `LineCol`: a 1-based line and column, the column counted in characters (Unicode
//! scalar values), not bytes — where a value starts in an input document, and where a
//! diagnostic points in a policy source.

use serde::{Deserialize, Serialize};

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct LineCol {
    /// Line number, from 1.
    pub line: u32,
    /// Column number in characters, from 1.
    pub column: u32,
}
