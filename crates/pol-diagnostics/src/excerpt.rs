//! Excerpts of very long source lines: the renderer shows a line of more than
//! [`MAX_LINE_CHARS`] characters as windows around the labels' ends, with an ellipsis
//! where text is left out, so a minified or generated 20 KB line is not echoed whole.
//!
//! ariadne cannot cut lines itself, so the text it is given is cut here and the spans
//! moved with it ([`Excerpt::map`]); lines are cut where ariadne splits them, so line
//! numbers do not change, and [`Excerpt::original_column`] gives back the column of a
//! position ariadne reports in the cut text.

/// Lines longer than this (in characters) are cut.
pub(crate) const MAX_LINE_CHARS: usize = 200;

/// Characters kept on each side of a label's start and end.
const CONTEXT_CHARS: usize = 60;

/// A gap this short (in characters) is kept rather than replaced by an ellipsis.
const MIN_GAP_CHARS: usize = 8;

/// The line terminators ariadne splits on (`\r\n` counts as one).
const SEPARATORS: [char; 7] = [
    '\r', '\n', '\x0B', '\x0C', '\u{0085}', '\u{2028}', '\u{2029}',
];

/// A source text with its long lines cut.
#[derive(Debug)]
pub(crate) struct Excerpt {
    /// The text to show.
    pub(crate) text: String,
    /// After each left-out part: its end in the original text and the matching offset
    /// in `text`, in increasing order.
    anchors: Vec<(usize, usize)>,
    /// Each cut line (its index, from 0) with its kept pieces.
    lines: Vec<(usize, Vec<Piece>)>,
}

/// Characters of a cut line that are kept.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Column (in characters, from 0) in the original line.
    original: usize,
    /// Column in the cut line.
    cut: usize,
    /// Length in characters.
    len: usize,
}

impl Excerpt {
    /// Cuts the long lines of `text` from the line of the first of `points` (byte
    /// offsets of labels' starts and ends) to that of the last, keeping
    /// [`CONTEXT_CHARS`] around each point; `None` when no line there is long.
    pub(crate) fn new(text: &str, points: &[usize], ellipsis: &str) -> Option<Excerpt> {
        let first = points.iter().copied().min()?;
        let last = points.iter().copied().max()?;
        // Most labels stand on short lines: look at their lines alone (a line of at
        // most MAX_LINE_CHARS bytes is short) before going through the file.
        let begin = text.get(..first)?.rfind(SEPARATORS).unwrap_or(0);
        let finish = text
            .get(last..)?
            .find(SEPARATORS)
            .map_or(text.len(), |i| last + i);
        if !text
            .get(begin..finish)?
            .split(SEPARATORS)
            .any(|line| line.len() > MAX_LINE_CHARS)
        {
            return None;
        }
        let mut excerpt = Excerpt {
            text: String::new(),
            anchors: Vec::new(),
            lines: Vec::new(),
        };
        // Bytes of `text` copied so far.
        let mut copied = 0;
        for (index, (start, end)) in lines(text).enumerate() {
            if end < first {
                continue;
            }
            if start > last {
                break;
            }
            let Some(line) = text.get(start..end) else {
                continue;
            };
            let chars: Vec<usize> = line
                .char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(line.len()))
                .collect();
            let len = chars.len() - 1;
            if len <= MAX_LINE_CHARS {
                continue;
            }
            let columns: Vec<usize> = points
                .iter()
                .filter(|&&p| (start..=end).contains(&p))
                .filter_map(|&p| chars.binary_search(&(p - start)).ok())
                .collect();
            excerpt
                .text
                .push_str(text.get(copied..start).unwrap_or_default());
            let ellipsis_len = ellipsis.chars().count();
            // Where the next kept character goes, in characters of the cut line.
            let mut column = 0;
            let mut at = 0;
            let mut kept = Vec::new();
            for (from, to) in windows(&columns, len) {
                let byte = |c: usize| chars.get(c).copied().unwrap_or(line.len());
                if from > at {
                    excerpt.text.push_str(ellipsis);
                    excerpt
                        .anchors
                        .push((start + byte(from), excerpt.text.len()));
                    column += ellipsis_len;
                }
                kept.push(Piece {
                    original: from,
                    cut: column,
                    len: to - from,
                });
                excerpt
                    .text
                    .push_str(line.get(byte(from)..byte(to)).unwrap_or_default());
                column += to - from;
                at = to;
            }
            if at < len {
                excerpt.text.push_str(ellipsis);
                excerpt.anchors.push((end, excerpt.text.len()));
            }
            excerpt.lines.push((index, kept));
            copied = end;
        }
        if excerpt.lines.is_empty() {
            return None;
        }
        excerpt
            .text
            .push_str(text.get(copied..).unwrap_or_default());
        Some(excerpt)
    }

    /// Where byte `offset` of the original text is in the cut text. Labels' ends are
    /// never left out, so each has its place.
    pub(crate) fn map(&self, offset: usize) -> usize {
        let before = self
            .anchors
            .partition_point(|&(original, _)| original <= offset);
        match before.checked_sub(1).and_then(|i| self.anchors.get(i)) {
            Some(&(original, cut)) => cut + (offset - original),
            None => offset,
        }
    }

    /// The column (in characters, from 1) in the original text of column `column` of
    /// line `line` (both from 1) of the cut text.
    pub(crate) fn original_column(&self, line: usize, column: usize) -> usize {
        let Some((_, pieces)) = self.lines.iter().find(|(index, _)| index + 1 == line) else {
            return column;
        };
        let at = column.saturating_sub(1);
        pieces
            .iter()
            .find(|p| (p.cut..=p.cut + p.len).contains(&at))
            .map_or(column, |p| p.original + (at - p.cut) + 1)
    }
}

/// The lines of `text` as ariadne splits them: (start, end) byte offsets of each line's
/// content, terminator excluded.
fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = text.get(start..)?;
        let (end, next) = match rest.find(SEPARATORS) {
            Some(i) => {
                let crlf = rest.get(i..i + 2) == Some("\r\n");
                let terminator = if crlf {
                    2
                } else {
                    rest.get(i..)?.chars().next()?.len_utf8()
                };
                (start + i, start + i + terminator)
            }
            None => (text.len(), text.len()),
        };
        let line = (start, end);
        start = next;
        Some(line)
    })
}

/// The ranges of columns to keep of a line of `len` characters: around each column,
/// or its beginning when there is none; close ranges merged, and a short gap at either
/// end kept.
fn windows(columns: &[usize], len: usize) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = if columns.is_empty() {
        vec![(0, 2 * CONTEXT_CHARS)]
    } else {
        columns
            .iter()
            .map(|&c| (c.saturating_sub(CONTEXT_CHARS), c + CONTEXT_CHARS))
            .collect()
    };
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (from, to) in ranges {
        let from = if from <= MIN_GAP_CHARS { 0 } else { from };
        let to = if to + MIN_GAP_CHARS >= len { len } else { to };
        match merged.last_mut() {
            Some(last) if from <= last.1 + MIN_GAP_CHARS => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_where_ariadne_splits() {
        let text = "a\r\nb\rc\u{2028}d\n\ne";
        let lines: Vec<&str> = lines(text).map(|(s, e)| &text[s..e]).collect();
        assert_eq!(lines, ["a", "b", "c", "d", "", "e"]);
    }

    #[test]
    fn offsets_move_with_the_cuts() {
        let line = "x".repeat(1000);
        let text = format!("short\n{line}\nafter");
        let at = 6 + 500;
        let excerpt = Excerpt::new(&text, &[at], "...").unwrap();
        // "short\n" and "..." then 60 characters before the point.
        assert_eq!(excerpt.map(at), 6 + 3 + 60);
        assert_eq!(excerpt.map(3), 3);
        let after = text.find("after").unwrap();
        assert_eq!(&excerpt.text[excerpt.map(after)..], "after");
        assert_eq!(excerpt.original_column(2, 3 + 60 + 1), 501);
        assert_eq!(excerpt.original_column(1, 4), 4);
        // Nothing to cut on short lines.
        assert!(Excerpt::new(&text, &[2], "...").is_none());
        assert!(Excerpt::new(&text, &[after], "...").is_none());
        // A long line after a separator of several bytes is cut too.
        let text = format!("short\u{2028}{line}");
        assert!(Excerpt::new(&text, &[text.len() - 5], "...").is_some());
    }

    #[test]
    fn close_windows_merge_and_short_ends_are_kept() {
        assert_eq!(windows(&[100, 150], 1000), [(40, 210)]);
        assert_eq!(windows(&[100, 400], 1000), [(40, 160), (340, 460)]);
        assert_eq!(windows(&[5, 990], 1000), [(0, 65), (930, 1000)]);
        assert_eq!(windows(&[], 1000), [(0, 120)]);
    }
}
