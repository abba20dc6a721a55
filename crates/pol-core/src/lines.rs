//! `LineIndex`: where the lines of a text start, in bytes, and the [`LineCol`] of any
//! byte offset in it — for policy sources (diagnostics) and for the input readers whose
//! parsers report byte offsets (TOML, HCL, Dockerfiles, and error positions).
//!
//! Documents keep their own, more compact table of line starts in characters
//! (`pol-facts`' `Lines`, one `u32` a node): that one answers "which line and column is
//! this node", this one "which line and column is this byte".

use crate::LineCol;

/// The byte offset where each line of a text starts. Line 1 starts after a leading
/// byte-order mark, which is not counted as a character; a line ends after its `\n`
/// (so `\r\n` ends one too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Scans `text` once for line feeds.
    pub fn new(text: &str) -> LineIndex {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(bom);
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 0-based line of the byte offset `byte` and the offset where that line
    /// starts.
    pub fn line_start(&self, byte: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= byte).max(1) - 1;
        (line, self.starts.get(line).copied().unwrap_or(0))
    }

    /// How many lines the text has (at least 1).
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// The line and column of the byte offset `byte` of `text` (the text this index
    /// was made of). An offset past the end is the end; one inside a character is that
    /// character; one inside the byte-order mark is line 1, column 1.
    pub fn line_col(&self, text: &str, byte: usize) -> LineCol {
        let mut end = byte.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let (line, start) = self.line_start(end);
        let column = text.get(start..end).map_or(0, |s| s.chars().count());
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }
}

/// The line and column of one byte offset of `text`, without keeping an index (for
/// error paths: a scan of the text).
pub fn line_col_of_byte(text: &str, byte: usize) -> LineCol {
    LineIndex::new(text).line_col(text, byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, byte: usize) -> (u32, u32) {
        let p = LineIndex::new(text).line_col(text, byte);
        (p.line, p.column)
    }

    #[test]
    fn lines_and_columns_in_characters() {
        let text = "ab\ncé d\r\n\nx";
        assert_eq!(at(text, 0), (1, 1));
        assert_eq!(at(text, 2), (1, 3));
        assert_eq!(at(text, 3), (2, 1));
        // `é` is two bytes: `d` is the fourth character of its line.
        assert_eq!(at(text, 7), (2, 4));
        // Inside `é`: that character.
        assert_eq!(at(text, 5), (2, 2));
        assert_eq!(at(text, 10), (3, 1));
        assert_eq!(at(text, 11), (4, 1));
        // Past the end: the end.
        assert_eq!(at(text, 99), (4, 2));
        assert_eq!(LineIndex::new(text).lines(), 4);
    }

    #[test]
    fn a_byte_order_mark_is_not_a_character() {
        let text = "\u{feff}ab\nc";
        assert_eq!(at(text, 3), (1, 1));
        assert_eq!(at(text, 4), (1, 2));
        assert_eq!(at(text, 1), (1, 1));
        assert_eq!(at(text, 6), (2, 1));
    }

    #[test]
    fn empty_text() {
        assert_eq!(at("", 0), (1, 1));
        assert_eq!(line_col_of_byte("", 5), LineCol { line: 1, column: 1 });
    }
}
