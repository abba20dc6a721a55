//! A strict RFC 8259 JSON parser that writes straight into a `Document` arena.
//!
//! It is iterative (open containers live in the builder's stack, so depth never
//! touches the call stack), tracks each value's character offset for positions,
//! rejects duplicate keys, and reports errors with their line and column.
//!
//! Selective loading ([`load_shaped`]) runs the same parser with a [`Shape`]: values
//! the shape does not need are scanned over by a validating skip scanner, which
//! builds nothing, and leave a placeholder node.

use std::borrow::Cow;

use crate::builder::{BuildError, Builder, Scalar};
use crate::document::Document;
use crate::error::LoadError;
use crate::limits::{Budget, Limit, LoadLimits};
use crate::lines::{Lines, to_u32};
use crate::shape::{Need, Probe, Shape};

mod skip;
use skip::SkipScratch;

/// Loads one JSON document within `limits`. A leading byte-order mark is skipped.
pub(crate) fn load(
    text: &str,
    file: Option<&str>,
    limits: &LoadLimits,
) -> std::result::Result<Document, LoadError> {
    // A guess of the node count that avoids most regrowth for pretty-printed files.
    let capacity = text.len() / 24;
    let mut parser = Parser::<false>::new(text, file, None, capacity, limits);
    match parser.document() {
        Ok(()) => Ok(parser.finish()),
        Err(Error { at, message, limit }) => {
            Err(LoadError::at_byte(file, text, at, message).about(limit))
        }
    }
}

/// Loads one JSON document, building only the values `shape` needs; every other value
/// is a placeholder (see [`Document`]).
///
/// The result is [`load`]'s whenever that is an error: the skip scanner checks skipped
/// values for every error the full parser reports (syntax, escapes, control
/// characters, numbers and their range, nesting depth, duplicate keys), and on any
/// error the text is loaded again in full for the exact message and position. Text too
/// large for the node limit to be ruled out is loaded in full.
pub(crate) fn load_shaped(
    text: &str,
    file: Option<&str>,
    shape: &Shape,
    limits: &LoadLimits,
) -> std::result::Result<Document, LoadError> {
    // Every node takes at least one byte of text, so below this size full loading
    // cannot go over the node limit, which the skip scanner does not count.
    if shape.is_everything() || text.len() >= Budget::new(limits).nodes_left() {
        return load(text, file, limits);
    }
    // Placeholders are nodes too: most keys of the text get one (about one node per
    // 16 bytes of compact JSON).
    let capacity = text.len() / 16;
    let mut parser = Parser::<true>::new(text, file, Some(shape), capacity, limits);
    match parser.document() {
        Ok(()) => Ok(parser.finish()),
        Err(_) => load(text, file, limits),
    }
}

/// The parser's own working arrays, kept by each thread from one document to the next
/// (as the builder keeps its own).
#[derive(Default)]
struct Scratch {
    line_starts: Vec<u32>,
    needs: Vec<Need>,
    skip: SkipScratch,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

/// A line table longer than this many lines is not kept for the next document.
const SCRATCH_LINES: usize = 1 << 20;

impl<const SHAPED: bool> Drop for Parser<'_, '_, SHAPED> {
    /// Gives the parser's arrays back to the thread, for the next document.
    fn drop(&mut self) {
        let mut line_starts = std::mem::take(&mut self.line_starts);
        if line_starts.capacity() > SCRATCH_LINES {
            line_starts = Vec::new();
        }
        line_starts.clear();
        let mut needs = std::mem::take(&mut self.needs);
        needs.clear();
        SCRATCH.set(Scratch {
            line_starts,
            needs,
            skip: std::mem::take(&mut self.skip).recycle(),
        });
    }
}

/// An error at a byte offset.
struct Error {
    at: usize,
    message: String,
    /// The limit the input went over, if that is the error.
    limit: Option<Limit>,
}

type Result<T> = std::result::Result<T, Error>;

/// The parser; `SHAPED` parsers consult `shape` and skip what it does not need (a
/// constant, so that full loading pays nothing for it).
struct Parser<'t, 's, const SHAPED: bool> {
    text: &'t str,
    bytes: &'t [u8],
    /// The byte offset of the next byte to read.
    i: usize,
    /// The number of UTF-8 continuation bytes before `i` (which only strings hold),
    /// so that `i - continuation` is the character offset.
    continuation: usize,
    builder: Builder<'t>,
    /// The shape (`SHAPED` only).
    shape: Option<&'s Shape>,
    /// The needs of the open containers loaded with a shape node, innermost last (those
    /// under `all_depth` are not pushed).
    needs: Vec<Need>,
    /// The builder depth at which the outermost open container needed in full was
    /// opened: everything deeper is needed, without shape lookups. `usize::MAX` when
    /// no open container is needed in full.
    all_depth: usize,
    /// The need of the value of the key just read.
    pending: Need,
    /// Scratch space of the skip scanner, reused from one skipped value to the next.
    skip: SkipScratch,
    /// Where each line starts, as a character offset: JSON has line breaks only in
    /// whitespace (a string cannot hold one), so `skip_whitespace` sees every one and
    /// the text needs no second scan for the line table.
    line_starts: Vec<u32>,
}

impl<'t, 's, const SHAPED: bool> Parser<'t, 's, SHAPED> {
    fn new(
        text: &'t str,
        file: Option<&str>,
        shape: Option<&'s Shape>,
        capacity: usize,
        limits: &LoadLimits,
    ) -> Self {
        let mut scratch = SCRATCH.take();
        scratch.line_starts.push(0);
        scratch.needs.reserve(16);
        Parser {
            text,
            bytes: text.as_bytes(),
            i: 0,
            continuation: 0,
            builder: Builder::new(file, Lines::default(), capacity, &Budget::new(limits)),
            line_starts: scratch.line_starts,
            shape,
            needs: scratch.needs,
            all_depth: usize::MAX,
            pending: Need::All,
            skip: scratch.skip,
        }
    }

    /// The document, with the line table gathered while parsing.
    fn finish(&mut self) -> Document {
        self.builder
            .set_lines(Lines::from_starts(&self.line_starts));
        self.builder.finish()
    }

    fn document(&mut self) -> Result<()> {
        if self.text.starts_with('\u{feff}') {
            // Like `Lines`, do not count the byte-order mark as a character.
            self.i = 3;
            self.continuation = 3;
        }
        'value: loop {
            self.skip_whitespace();
            let at = self.i;
            let pos = self.char_pos();
            let need = if SHAPED { self.need() } else { Need::All };
            if SHAPED && need == Need::Skip {
                self.skip_value()?;
                self.build(at, |b| b.skipped(pos))?;
            } else {
                match self.peek() {
                    Some(b'{') => {
                        self.i += 1;
                        if SHAPED {
                            self.opened(need);
                        }
                        self.build(at, |b| b.open(true, pos))?;
                        self.skip_whitespace();
                        if self.peek() == Some(b'}') {
                            self.i += 1;
                            self.close(at)?;
                        } else {
                            self.key("expected a string key or `}`")?;
                            continue 'value;
                        }
                    }
                    Some(b'[') => {
                        self.i += 1;
                        if SHAPED {
                            self.opened(need);
                        }
                        self.build(at, |b| b.open(false, pos))?;
                        self.skip_whitespace();
                        if self.peek() == Some(b']') {
                            self.i += 1;
                            self.close(at)?;
                        } else {
                            continue 'value;
                        }
                    }
                    Some(b'"') => self.string_value()?,
                    Some(b't') => self.literal("true", Scalar::Bool(true))?,
                    Some(b'f') => self.literal("false", Scalar::Bool(false))?,
                    Some(b'n') => self.literal("null", Scalar::Null)?,
                    Some(b'-' | b'0'..=b'9') => self.number()?,
                    _ => return Err(self.expected("a value")),
                }
            }
            // A value is complete: go on in the innermost open container.
            while self.builder.depth() > 0 {
                self.skip_whitespace();
                let object = self.builder.in_object();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        if object {
                            self.skip_whitespace();
                            self.key("expected a string key")?;
                        }
                        continue 'value;
                    }
                    Some(b']') if !object => {
                        self.i += 1;
                        self.close(self.i - 1)?;
                    }
                    Some(b'}') if object => {
                        self.i += 1;
                        self.close(self.i - 1)?;
                    }
                    _ if object => return Err(self.expected("`,` or `}`")),
                    _ => return Err(self.expected("`,` or `]`")),
                }
            }
            break;
        }
        self.skip_whitespace();
        if self.i < self.bytes.len() {
            return Err(self.error(self.i, "expected the end of the input"));
        }
        Ok(())
    }

    /// What the value at `self.i` needs (`SHAPED` only).
    #[inline]
    fn need(&self) -> Need {
        let depth = self.builder.depth();
        if depth > self.all_depth {
            return Need::All;
        }
        let (Some(shape), Some(&parent)) = (self.shape, self.needs.last()) else {
            // The root (or no shape).
            return self.shape.map_or(Need::All, Shape::root);
        };
        if self.builder.in_object() {
            self.pending
        } else {
            shape.element(parent)
        }
    }

    /// Notes a container about to be opened with `need` (`SHAPED` only).
    #[inline]
    fn opened(&mut self, need: Need) {
        match need {
            Need::All => {
                if self.all_depth == usize::MAX {
                    self.all_depth = self.builder.depth();
                }
            }
            Need::Node(_) => self.needs.push(need),
            Need::Skip => {}
        }
    }

    /// Closes the innermost open container; an error is reported at byte `at`.
    #[inline]
    fn close(&mut self, at: usize) -> Result<()> {
        self.build(at, Builder::close)?;
        if SHAPED {
            let depth = self.builder.depth();
            if depth == self.all_depth {
                self.all_depth = usize::MAX;
            } else if depth < self.all_depth {
                self.needs.pop();
            }
        }
        Ok(())
    }

    /// Reads `"key"` and `:` and sets the key of the next value.
    fn key(&mut self, expected: &str) -> Result<()> {
        let at = self.i;
        if self.peek() != Some(b'"') {
            return Err(self.error_or_end(expected.to_owned()));
        }
        let (key, probe) = self.key_string()?;
        if SHAPED
            && self.builder.depth() <= self.all_depth
            && let (Some(shape), Some(&parent)) = (self.shape, self.needs.last())
        {
            self.pending = shape.field_probed(parent, &key, probe);
        }
        let id = self.build(at, |b| b.intern_probed(&key, probe))?;
        self.build(at, |b| b.set_key(id))?;
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.expected("`:`"));
        }
        self.i += 1;
        Ok(())
    }

    /// A key, borrowed from the text when it has no escapes, and its probe.
    fn key_string(&mut self) -> Result<(Cow<'t, str>, Probe)> {
        let (start_i, start_continuation) = (self.i, self.continuation);
        self.i += 1;
        let end = self.string_run();
        if self.bytes.get(end) == Some(&b'"') {
            let start = start_i + 1;
            let key = self.text.get(start..end).unwrap_or("");
            self.i = end + 1;
            // The key's first eight bytes are one word of the text (the text goes on
            // after a key, with at least its closing quote and a `:`).
            let probe = match self.bytes.get(start..start + 8).map(<[u8; 8]>::try_from) {
                Some(Ok(word)) => Probe::from_word(word, key.len()),
                _ => Probe::of(key),
            };
            return Ok((Cow::Borrowed(key), probe));
        }
        // An escape, a control character or the end: the full decoder.
        self.i = start_i;
        self.continuation = start_continuation;
        let mut key = String::new();
        self.decode_string(&mut key)?;
        let probe = Probe::of(&key);
        Ok((Cow::Owned(key), probe))
    }

    fn string_value(&mut self) -> Result<()> {
        let at = self.i;
        let pos = self.char_pos();
        let mut strings = self.builder.take_strings();
        let start = strings.len();
        let decoded = self.decode_string(&mut strings);
        let added = self.builder.string_from(strings, start, pos);
        decoded?;
        added.map_err(|e| self.error(at, e.to_string()))?;
        Ok(())
    }

    /// Decodes the string that starts at `self.i` (a `"`) and appends it to `out`.
    fn decode_string(&mut self, out: &mut String) -> Result<()> {
        let start = self.i;
        self.i += 1;
        loop {
            // Plain bytes up to the next `"`, `\`, control character or the end, eight
            // at a time where they are ASCII.
            let run = self.i;
            self.i = self.string_run();
            out.push_str(self.text.get(run..self.i).unwrap_or(""));
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => self.escape(out)?,
                Some(_) => {
                    return Err(self.error(self.i, "control character in a string (escape it)"));
                }
                None => return Err(self.error(start, "unterminated string")),
            }
        }
    }

    /// Decodes the escape at `self.i` (a `\`).
    fn escape(&mut self, out: &mut String) -> Result<()> {
        let at = self.i;
        let c = match self.bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.i += 2;
                let c = self.unicode_escape(at)?;
                out.push(c);
                return Ok(());
            }
            _ => return Err(self.error(at, "invalid escape")),
        };
        self.i += 2;
        out.push(c);
        Ok(())
    }

    /// Decodes `XXXX` after `\u` (at `self.i`), with a second `\uXXXX` for a surrogate
    /// pair; `at` is the first backslash.
    fn unicode_escape(&mut self, at: usize) -> Result<char> {
        let high = self.hex4(at)?;
        let code = match high {
            0xD800..=0xDBFF => {
                let low = if self.bytes.get(self.i..self.i + 2) == Some(b"\\u") {
                    self.i += 2;
                    self.hex4(at)?
                } else {
                    0
                };
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.error(at, format!("lone surrogate `\\u{high:04x}`")));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(self.error(at, format!("lone surrogate `\\u{high:04x}`")));
            }
            _ => high,
        };
        char::from_u32(code).ok_or_else(|| self.error(at, "invalid escape"))
    }

    fn hex4(&mut self, at: usize) -> Result<u32> {
        let digits = self.bytes.get(self.i..self.i + 4).unwrap_or(&[]);
        let mut code = 0;
        for &d in digits {
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error(at, "invalid escape"))?;
            code = code * 16 + v;
        }
        if digits.len() != 4 {
            return Err(self.error(at, "invalid escape"));
        }
        self.i += 4;
        Ok(code)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: an int if it has neither a
    /// fraction nor an exponent and fits in 64 bits, else a float.
    fn number(&mut self) -> Result<()> {
        let at = self.i;
        let pos = self.char_pos();
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.error(at, "invalid number: leading zero"));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error(self.i, "invalid number: expected a digit")),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            float = true;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error(self.i, "invalid number: expected a digit after `.`"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error(self.i, "invalid number: expected a digit in the exponent"));
            }
            self.digits();
        }
        let text = self.text.get(at..self.i).unwrap_or("");
        let int = if float {
            None
        } else {
            text.parse::<i64>().ok()
        };
        let value = match int {
            Some(i) => Scalar::Int(i),
            None => match text.parse::<f64>() {
                Ok(f) if f.is_finite() => Scalar::Float(f),
                _ => return Err(self.error(at, format!("number `{text}` is out of range"))),
            },
        };
        self.build(at, |b| b.scalar(value, pos))?;
        Ok(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &str, value: Scalar<'_>) -> Result<()> {
        let at = self.i;
        let pos = self.char_pos();
        if self.bytes.get(at..at + word.len()) != Some(word.as_bytes()) {
            return Err(self.error(at, format!("invalid literal, expected `{word}`")));
        }
        self.i += word.len();
        self.build(at, |b| b.scalar(value, pos))?;
        Ok(())
    }

    /// Skips whitespace; inlined for the common case of none.
    #[inline(always)]
    fn skip_whitespace(&mut self) {
        // Every whitespace byte is at most a space.
        if self.bytes.get(self.i).is_some_and(|&b| b > b' ') {
            return;
        }
        self.skip_some_whitespace();
    }

    #[inline(never)]
    fn skip_some_whitespace(&mut self) {
        // A local index keeps the loop in registers.
        let mut i = self.i;
        loop {
            match self.bytes.get(i) {
                Some(b' ' | b'\r' | b'\t') => i += 1,
                Some(b'\n') => {
                    i += 1;
                    self.line_starts.push(to_u32(i - self.continuation));
                    // The indentation of pretty-printed files, eight bytes at a time:
                    // the first byte that is not a space ends it.
                    while let Some(Ok(word)) = self.bytes.get(i..i + 8).map(<[u8; 8]>::try_from) {
                        let other = u64::from_le_bytes(word) ^ u64::from_ne_bytes([b' '; 8]);
                        if other != 0 {
                            i += (other.trailing_zeros() / 8) as usize;
                            break;
                        }
                        i += 8;
                    }
                }
                _ => break,
            }
        }
        self.i = i;
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn char_pos(&self) -> u32 {
        to_u32(self.i - self.continuation)
    }

    /// Runs a builder step; its error is reported at byte `at`.
    fn build<T>(
        &mut self,
        at: usize,
        step: impl FnOnce(&mut Builder<'t>) -> std::result::Result<T, BuildError>,
    ) -> Result<T> {
        step(&mut self.builder).map_err(|e| Error {
            at,
            message: e.to_string(),
            limit: e.limit(),
        })
    }

    /// "expected X" at the current byte, or at the end of the input.
    fn expected(&self, what: &str) -> Error {
        self.error_or_end(format!("expected {what}"))
    }

    fn error_or_end(&self, message: String) -> Error {
        if self.i >= self.bytes.len() {
            self.error(self.i, format!("unexpected end of input, {message}"))
        } else {
            self.error(self.i, message)
        }
    }

    fn error(&self, at: usize, message: impl Into<String>) -> Error {
        Error {
            at,
            message: message.into(),
            limit: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::ShapeNode;

    /// A JSON text with line breaks (`\n`, `\r\n`) and multi-byte characters in many
    /// places, from a seed.
    fn text(seed: u64) -> String {
        let mut state = seed.max(1);
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let space = ["", " ", "\n", "\r\n", "\n  ", "\t\n\n", "        "];
        let words = ["a", "é", "日本", "😀x", "\\u00e9", "\\n"];
        let mut out = String::new();
        if next(4) == 0 {
            out.push('\u{feff}');
        }
        out.push('{');
        for i in 0..next(12) {
            if i > 0 {
                out.push(',');
            }
            out.push_str(space[next(7) as usize]);
            out.push_str(&format!("\"k{i}{}\"", words[next(6) as usize]));
            out.push_str(space[next(7) as usize]);
            out.push(':');
            out.push_str(space[next(7) as usize]);
            match next(4) {
                0 => out.push_str(&format!(
                    "\"{}{}\"",
                    words[next(6) as usize],
                    words[next(6) as usize]
                )),
                1 => out.push_str(&format!(
                    "[1,{}\"{}\"]",
                    space[next(7) as usize],
                    words[next(6) as usize]
                )),
                2 => out.push_str(&format!("{{\"x\":{}2.5e3}}", space[next(7) as usize])),
                _ => out.push_str("null"),
            }
            out.push_str(space[next(7) as usize]);
        }
        out.push('}');
        out.push_str(space[next(7) as usize]);
        out
    }

    /// The line table gathered while parsing is the one a scan of the text gives, in
    /// full and in shaped loading (skipped values have line breaks too).
    #[test]
    fn line_breaks_found_while_parsing_are_those_of_the_text() {
        let nothing = Shape::from_nodes(vec![ShapeNode::default()]).unwrap();
        for seed in 1..400 {
            let text = text(seed);
            let full =
                load(&text, None, &LoadLimits::DEFAULT).unwrap_or_else(|e| panic!("{e}: {text:?}"));
            assert_eq!(full.lines, Lines::new(&text), "{text:?}");
            let shaped = load_shaped(&text, None, &nothing, &LoadLimits::DEFAULT).unwrap();
            assert_eq!(shaped.lines, Lines::new(&text), "{text:?}");
        }
    }
}
