//! Line tables: where lines start (in characters), and line/column lookups in text.

use pol_core::LineIndex;
use std::sync::Arc;

/// The start of every line of a file, as a character offset, so that a node can store
/// one `u32` (its character offset) and still report a line and a column.
///
/// Shared (`Arc`) by all documents of one YAML stream.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Lines {
    starts: Arc<[u32]>,
    /// The `#` comments of a YAML or TOML file, by line (empty for JSON).
    comments: Arc<[LineComment]>,
}

/// A `#` comment of a file: the first one of its line.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LineComment {
    /// 1-based line.
    line: u32,
    /// 1-based column of the `#`, in characters.
    column: u32,
    /// Nothing but blanks before it on its line.
    alone: bool,
    /// The text after the `#`, without leading and trailing blanks.
    text: Box<str>,
}

impl Lines {
    /// Scans `text` once for `\n` line breaks (a `\r\n` pair ends a line too). A
    /// leading byte-order mark is not counted as a character.
    pub(crate) fn new(text: &str) -> Lines {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let bytes = body.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0u32);
        // Characters before the chunk being read: every byte that is not a UTF-8
        // continuation byte starts one.
        let mut chars: u32 = 0;
        let mut chunks = bytes.chunks_exact(8);
        // Eight bytes at a time: the continuation bytes (`10xxxxxx`) and the line
        // feeds of a chunk are found with a few word operations.
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let mut feeds = zero_bytes(w ^ (LOW_BITS * u64::from(b'\n')));
            if w & HIGH_BITS == 0 {
                // ASCII (most chunks): a character per byte, no bits to count.
                while feeds != 0 {
                    let before = feeds.trailing_zeros() / 8 + 1;
                    starts.push(chars.saturating_add(before));
                    feeds &= feeds - 1;
                }
                chars = chars.saturating_add(8);
                continue;
            }
            let continuation = w & !(w << 1) & HIGH_BITS;
            while feeds != 0 {
                // The line starts after the feed: count the characters up to it.
                let through = (feeds.trailing_zeros() / 8 + 1) * 8;
                let upto = if through >= 64 {
                    u64::MAX
                } else {
                    (1u64 << through) - 1
                };
                let before = through / 8 - (continuation & upto).count_ones();
                starts.push(chars.saturating_add(before));
                feeds &= feeds - 1;
            }
            chars = chars.saturating_add(8 - continuation.count_ones());
        }
        for &b in chunks.remainder() {
            if b & 0xC0 != 0x80 {
                chars = chars.saturating_add(1);
            }
            if b == b'\n' {
                starts.push(chars);
            }
        }
        Lines {
            starts: starts.into(),
            comments: Arc::default(),
        }
    }

    /// Finds the `#` comments of `text` (YAML or TOML), for [`Lines::comment`]: on each
    /// line, the first `#` that starts the line or follows a blank, outside a quoted
    /// string of that line. Lines inside a block scalar or a multi-line string are
    /// read the same way: a query about a node asks for its own line, where its text
    /// is structure, or for a comment alone on the line above.
    pub(crate) fn with_comments(mut self, text: &str) -> Lines {
        if !text.contains('#') {
            return self;
        }
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut comments = Vec::new();
        for (i, line) in body.split('\n').enumerate() {
            // Most lines have no `#`: a byte search, not a walk over the characters.
            if !line.as_bytes().contains(&b'#') {
                continue;
            }
            if let Some(c) = line_comment(line) {
                comments.push(LineComment {
                    line: to_u32(i + 1),
                    ..c
                });
            }
        }
        self.comments = comments.into();
        self
    }

    /// The comment that documents what starts at the 1-based `line` and `column`: the
    /// comment after it on its line, or else a comment alone on the line above that
    /// starts at or left of `column` (further right, it could be the text of a block
    /// scalar above).
    pub(crate) fn comment(&self, line: u32, column: u32) -> Option<&str> {
        let on = |l: u32| {
            let i = self.comments.partition_point(|c| c.line < l);
            self.comments.get(i).filter(|c| c.line == l)
        };
        if let Some(c) = on(line).filter(|c| c.column > column) {
            return Some(&c.text);
        }
        on(line.checked_sub(1)?)
            .filter(|c| c.alone && c.column <= column)
            .map(|c| &*c.text)
    }

    /// [`Lines::new`] for YAML text, which must not hold C0 control characters other
    /// than tab, line feed and carriage return (YAML 1.2 `c-printable`, and `nb-json`
    /// in quoted scalars, leave them out): the byte offset of the first one in `text`.
    /// With `comments`, the table also holds the text's comments.
    pub(crate) fn new_yaml(text: &str, comments: bool) -> Result<Lines, usize> {
        match first_control(text.as_bytes()) {
            Some(at) => Err(at),
            None if comments => Ok(Lines::new(text).with_comments(text)),
            None => Ok(Lines::new(text)),
        }
    }

    /// [`Lines::new`], with the comments when `comments` is true.
    pub(crate) fn new_commented(text: &str, comments: bool) -> Lines {
        if comments {
            Lines::new(text).with_comments(text)
        } else {
            Lines::new(text)
        }
    }

    /// A table from line starts found by a parser: character offsets, the first 0,
    /// increasing.
    pub(crate) fn from_starts(starts: &[u32]) -> Lines {
        Lines {
            starts: starts.into(),
            comments: Arc::default(),
        }
    }

    /// The heap memory of the table, in bytes.
    pub(crate) fn heap_size(&self) -> usize {
        self.starts.len() * std::mem::size_of::<u32>()
            + self
                .comments
                .iter()
                .map(|c| std::mem::size_of::<LineComment>() + c.text.len())
                .sum::<usize>()
    }

    /// The character offset of a 1-based line and a 0-based column.
    pub(crate) fn offset(&self, line: usize, column: usize) -> u32 {
        let start = line
            .checked_sub(1)
            .and_then(|l| self.starts.get(l))
            .copied()
            .unwrap_or(0);
        start.saturating_add(to_u32(column))
    }

    /// The 1-based line and column of a character offset.
    pub(crate) fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            offset.saturating_sub(start).saturating_add(1),
        )
    }
}

/// The first comment of one line (its `line` left 0), if any: a `#` at the start or after
/// a blank, outside `'...'` and `"..."` strings of the line (a quote opens one where a
/// value can start: after a blank, `[`, `{`, `,`, `:` or `=`).
fn line_comment(line: &str) -> Option<LineComment> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut blank_before = true;
    let mut only_blanks = true;
    // A quote opens a string only where a scalar can start (`it's` is no string).
    let mut scalar_start = true;
    for (column, (at, ch)) in line.char_indices().enumerate() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if ch == '\\' => escaped = true,
            // `''` inside single quotes closes and reopens: the same as an escape.
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '#' && blank_before => {
                let text = line.get(at + 1..).unwrap_or("").trim();
                return Some(LineComment {
                    line: 0,
                    column: to_u32(column + 1),
                    alone: only_blanks,
                    text: text.into(),
                });
            }
            None if (ch == '"' || ch == '\'') && scalar_start => quote = Some(ch),
            None => {}
        }
        blank_before = ch == ' ' || ch == '\t';
        scalar_start = blank_before || matches!(ch, '[' | '{' | ',' | ':' | '=');
        only_blanks &= blank_before;
    }
    None
}

/// The offset of the first C0 control character other than tab, line feed and
/// carriage return in `bytes`. Blocks of 32 bytes are checked with bitwise operations
/// and no branch, which the compiler turns into a few vector instructions a block;
/// the first block that has one is then searched.
fn first_control(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 32;
    let forbidden = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
    let clean = bytes
        .chunks_exact(BLOCK)
        .take_while(|block| !block.iter().fold(false, |any, &b| any | forbidden(b)))
        .count();
    let start = clean * BLOCK;
    let found = bytes.get(start..)?.iter().position(|&b| forbidden(b))?;
    Some(start + found)
}

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that is zero, and no other bit.
fn zero_bytes(w: u64) -> u64 {
    let low7 = !HIGH_BITS;
    !(((w & low7).wrapping_add(low7)) | w | low7)
}

/// Converts byte offsets of one text to character offsets, for loaders whose parser
/// reports bytes: the line from the text's [`LineIndex`], then a count of the
/// characters before the offset on that line.
pub(crate) struct ByteOffsets<'t> {
    text: &'t str,
    index: LineIndex,
    lines: Lines,
}

impl<'t> ByteOffsets<'t> {
    pub(crate) fn new(text: &'t str, lines: Lines) -> ByteOffsets<'t> {
        ByteOffsets {
            text,
            index: LineIndex::new(text),
            lines,
        }
    }

    /// The character offset of a byte offset (clamped to the text).
    pub(crate) fn char_offset(&self, byte: usize) -> u32 {
        let (line, start) = self.index.line_start(byte);
        let chars = self
            .text
            .as_bytes()
            .get(start..byte.min(self.text.len()))
            .map_or(0, |b| b.iter().filter(|&&b| b & 0xC0 != 0x80).count());
        self.lines.offset(line + 1, chars)
    }
}

/// Converts a count to `u32`, saturating (positions past 4 G characters are clamped).
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table, one byte at a time.
    fn naive(text: &str) -> Vec<u32> {
        let mut starts = vec![0u32];
        let mut chars = 0u32;
        for b in text.strip_prefix('\u{feff}').unwrap_or(text).bytes() {
            if b & 0xC0 != 0x80 {
                chars += 1;
            }
            if b == b'\n' {
                starts.push(chars);
            }
        }
        starts
    }

    #[test]
    fn the_word_at_a_time_scan_agrees_with_the_byte_at_a_time_one() {
        let pieces = [
            "a", "\n", "é", "€", "😀", "\r\n", "bc", "\n\n", "\u{feff}", "\u{80}",
        ];
        // Strings of up to 23 pieces, chosen by a pseudo-random walk, so that feeds and
        // characters of every length land at every place in a word.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut s = seed;
            for _ in 0..(s % 24) {
                s /= 3;
                text.push_str(pieces[(s % pieces.len() as u64) as usize]);
                s = s.rotate_left(11) ^ seed;
            }
            assert_eq!(
                &*Lines::new(&text).starts,
                naive(&text).as_slice(),
                "{text:?}"
            );
        }
    }

    /// The first C0 control character other than tab, line feed and carriage return,
    /// one byte at a time.
    fn naive_control(text: &str) -> Option<usize> {
        text.bytes()
            .position(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
    }

    #[test]
    fn the_block_at_a_time_control_check_agrees_with_the_byte_at_a_time_one() {
        let pieces = [
            "a", "\n", "\r\n", "\t", "é", "😀", "\u{1}", "\u{1f}", "\u{0}", "\u{1b}", "\u{7f}",
            "\u{85}", " ", "\u{feff}", "\u{b}", "xyz",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let (mut found, mut clean, mut far) = (0, 0, 0);
        for _ in 0..20_000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut s = seed;
            // Up to a few blocks of text, with control characters in some.
            let controls = s % 97;
            for i in 0..(s % 120) {
                s /= 3;
                let piece = if i == controls || (s.is_multiple_of(64) && i > 60) {
                    pieces[(s / 4 % pieces.len() as u64) as usize]
                } else {
                    ["a", "\n", "é", " ", "\r\n", "\t"][(s / 4 % 6) as usize]
                };
                text.push_str(piece);
                s = s.rotate_left(11) ^ seed;
                s ^= s >> 7;
            }
            let expected = naive_control(&text);
            match Lines::new_yaml(&text, true) {
                Ok(lines) => {
                    assert_eq!(expected, None, "{text:?}");
                    assert_eq!(lines, Lines::new(&text), "{text:?}");
                    clean += 1;
                }
                Err(at) => {
                    assert_eq!(Some(at), expected, "{text:?}");
                    found += 1;
                    far += usize::from(at >= 64);
                }
            }
        }
        assert!(
            found > 1000 && clean > 1000 && far > 500,
            "{found} found ({far} past two blocks), {clean} clean"
        );
    }

    #[test]
    fn line_col_by_char_offset() {
        let lines = Lines::new("ab\ncé\nx");
        assert_eq!(lines.line_col(0), (1, 1));
        assert_eq!(lines.line_col(2), (1, 3));
        assert_eq!(lines.line_col(3), (2, 1));
        assert_eq!(lines.line_col(4), (2, 2));
        assert_eq!(lines.line_col(6), (3, 1));
    }

    #[test]
    fn byte_offsets_become_character_offsets() {
        let text = "ab\ncé\nx";
        let offsets = ByteOffsets::new(text, Lines::new(text));
        assert_eq!(offsets.char_offset(7), 6);
        assert_eq!(offsets.char_offset(4), 4);
        assert_eq!(offsets.char_offset(6), 5);
    }
}

#[cfg(test)]
mod comment_tests {
    use super::*;

    fn comments(text: &str) -> Vec<(u32, u32, bool, String)> {
        Lines::new(text)
            .with_comments(text)
            .comments
            .iter()
            .map(|c| (c.line, c.column, c.alone, c.text.to_string()))
            .collect()
    }

    #[test]
    fn comments_are_found_outside_strings() {
        let text = "permissions:\n  # label issues\n  issues: write  # why\n  a: 'x # not' # yes\n  b: \"q\\\" # no\" #  yes \n  c: it's # mine\n  d: a#b\n  e: ['#', \"#\"] # flow\n";
        assert_eq!(
            comments(text),
            [
                (2, 3, true, "label issues".to_owned()),
                (3, 18, false, "why".to_owned()),
                (4, 16, false, "yes".to_owned()),
                (5, 17, false, "yes".to_owned()),
                (6, 11, false, "mine".to_owned()),
                (8, 17, false, "flow".to_owned()),
            ]
        );
        assert!(comments("a: 1\n").is_empty());
    }

    #[test]
    fn a_node_takes_the_comment_after_it_or_alone_above_it() {
        let text = "p:\n  # label issues\n  issues: write\n  contents: read  # clone\n      # deeper\n  pages: write\n";
        let lines = Lines::new(text).with_comments(text);
        // `write` of `issues` starts at line 3, column 11.
        assert_eq!(lines.comment(3, 11), Some("label issues"));
        assert_eq!(lines.comment(4, 13), Some("clone"));
        // A comment further right than the value above it may be a block scalar's text.
        assert_eq!(lines.comment(6, 3), None);
        assert_eq!(lines.comment(6, 10), Some("deeper"));
        assert_eq!(lines.comment(1, 1), None);
        // On its line, only a comment after the value counts.
        assert_eq!(lines.comment(4, 20), None);
    }
}
