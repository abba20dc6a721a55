//! A source as the formatter sees it: code tokens and comments in order, each with the
//! number of line breaks written before it.
//!
//! The lexer skips `#` comments; here they are found again in the gaps between tokens
//! (a gap holds only whitespace and comments), so that none is lost.

use crate::lexer::{Token, tokenize};

/// A code token or a comment, with its byte range in the source.
#[derive(Debug)]
pub(super) struct Element {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
    /// Line breaks between the element before (or the start of the file) and this one.
    pub breaks: usize,
    /// What it is.
    pub kind: ElementKind,
}

/// The kinds of element.
#[derive(Debug)]
pub(super) enum ElementKind {
    /// A token of the program (everything but doc comments).
    Code(Token),
    /// A `#` comment or a `///` line (which ends its line like a comment does).
    Comment,
}

impl Element {
    /// The element's text, without trailing whitespace for a comment.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        let text = source.get(self.start..self.end).unwrap_or("");
        match self.kind {
            ElementKind::Code(_) => text,
            ElementKind::Comment => text.trim_end(),
        }
    }

    /// The code token, if this is one.
    pub fn token(&self) -> Option<&Token> {
        match &self.kind {
            ElementKind::Code(token) => Some(token),
            ElementKind::Comment => None,
        }
    }
}

/// What splitting a source gave.
pub(super) struct Split {
    /// Tokens and comments in source order.
    pub elements: Vec<Element>,
    /// The tokens alone (doc comments included), for comparing before and after.
    pub tokens: Vec<Token>,
    /// Where each of `tokens` starts.
    pub token_starts: Vec<usize>,
    /// Whether lexing found an error or a gap held something that is neither
    /// whitespace nor a comment.
    pub clean: bool,
}

/// Splits `source` into tokens and comments.
pub(super) fn split(source: &str) -> Split {
    let (spanned, errors) = tokenize(source);
    let mut clean = errors.is_empty();
    let mut elements = Vec::with_capacity(spanned.len());
    let mut tokens = Vec::with_capacity(spanned.len());
    let mut token_starts = Vec::with_capacity(spanned.len());
    let mut cursor = 0;
    for (start, token, end) in spanned {
        let breaks = scan_gap(source, cursor, start, &mut elements, &mut clean);
        let kind = match token {
            Token::DocComment(_) => ElementKind::Comment,
            ref other => ElementKind::Code(other.clone()),
        };
        elements.push(Element {
            start,
            end,
            breaks,
            kind,
        });
        tokens.push(token);
        token_starts.push(start);
        cursor = end;
    }
    scan_gap(source, cursor, source.len(), &mut elements, &mut clean);
    Split {
        elements,
        tokens,
        token_starts,
        clean,
    }
}

/// Pushes the `#` comments of `source[from..to]`; returns the line breaks after the last
/// of them (or in the whole gap when there is none).
fn scan_gap(
    source: &str,
    from: usize,
    to: usize,
    elements: &mut Vec<Element>,
    clean: &mut bool,
) -> usize {
    let Some(gap) = source.get(from..to) else {
        *clean = false;
        return 0;
    };
    let mut breaks = 0;
    let mut pos = 0;
    while let Some(c) = gap.get(pos..).and_then(|rest| rest.chars().next()) {
        match c {
            '#' => {
                let len = gap
                    .get(pos..)
                    .and_then(|rest| rest.find('\n'))
                    .unwrap_or(gap.len() - pos);
                elements.push(Element {
                    start: from + pos,
                    end: from + pos + len,
                    breaks,
                    kind: ElementKind::Comment,
                });
                breaks = 0;
                pos += len;
            }
            '\n' => {
                breaks += 1;
                pos += 1;
            }
            ' ' | '\t' | '\r' | '\u{c}' | '\u{FEFF}' => pos += c.len_utf8(),
            _ => {
                *clean = false;
                pos += c.len_utf8();
            }
        }
    }
    breaks
}

/// The comments of a split source, in order, as written (trailing whitespace removed).
pub(super) fn comments<'a>(source: &'a str, elements: &[Element]) -> Vec<&'a str> {
    elements
        .iter()
        .filter(|e| matches!(e.kind, ElementKind::Comment))
        .map(|e| e.text(source))
        .collect()
}
