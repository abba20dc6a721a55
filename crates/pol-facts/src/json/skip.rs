//! The skip scanner of selective loading: it reads over a value that no rule needs
//! without building anything, and still finds every error the full parser reports.

use super::{Error, Parser, Result};

/// The skip scanner's scratch space.
#[derive(Default)]
pub(super) struct SkipScratch {
    /// The open skipped containers, innermost last: `true` for an object.
    open: Vec<bool>,
    /// The keys of the open skipped objects, each object's after its parent's.
    keys: Vec<KeySpan>,
    /// Where each open skipped object's keys start in `keys`, and its decoded keys in
    /// `decoded`.
    key_starts: Vec<(usize, usize)>,
    /// Keys with escapes, decoded.
    decoded: String,
}

impl SkipScratch {
    /// The scratch space for the next document: this one, unless it grew large.
    pub(super) fn recycle(self) -> SkipScratch {
        if self.keys.capacity() > 1 << 16 || self.decoded.capacity() > 1 << 20 {
            return SkipScratch::default();
        }
        self
    }
}

/// A key of a skipped object: a byte range of the text (a key without escapes) or of
/// [`SkipScratch::decoded`], with its first bytes and its length, which tell most
/// different keys apart without reading them.
#[derive(Clone, Copy)]
struct KeySpan {
    /// The first 8 bytes of the key (zero-padded), big-endian.
    head: u64,
    start: usize,
    end: usize,
    decoded: bool,
}

impl KeySpan {
    fn new(key: &[u8], start: usize, end: usize, decoded: bool) -> KeySpan {
        KeySpan {
            head: crate::shape::key_head(key),
            start,
            end,
            decoded,
        }
    }

    fn resolve<'a>(self, text: &'a str, decoded: &'a str) -> &'a str {
        let source = if self.decoded { decoded } else { text };
        source.get(self.start..self.end).unwrap_or("")
    }

    /// An order of keys in which equal keys are next to each other (not the order of
    /// their text).
    fn cmp(self, other: KeySpan, text: &str, decoded: &str) -> std::cmp::Ordering {
        self.head
            .cmp(&other.head)
            .then((self.end - self.start).cmp(&(other.end - other.start)))
            .then_with(|| {
                self.resolve(text, decoded)
                    .cmp(other.resolve(text, decoded))
            })
    }
}

/// Objects with more keys than this check duplicates by sorting; smaller ones compare
/// every pair.
const SMALL_SKIPPED_OBJECT: usize = 16;

const fn each(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of each byte of a word.
const HIGH: u64 = each(0x80);

/// The bytes of eight string bytes (a little-endian word) that end a run of plain
/// bytes: `"`, `\` and control characters, each marked by its high bit. The test is
/// exact for every byte, whatever its neighbours: it works on the low seven bits of
/// each byte, where no sum carries into the next byte (`low + 0x60` has its high bit
/// set exactly when `low >= 0x20`; `(low ^ c) + 0x7f` exactly when `low != c`), and
/// leaves out the bytes of multi-byte characters (high bit set).
#[inline]
fn string_ends(x: u64) -> u64 {
    const LOW: u64 = each(0x7f);
    let low = x & LOW;
    let printable = low + each(0x60);
    let not_quote = (low ^ each(b'"')) + LOW;
    let not_backslash = (low ^ each(b'\\')) + LOW;
    !(x | (printable & not_quote & not_backslash)) & HIGH
}

/// The bytes of eight string bytes (a little-endian word) that stop the ASCII loop of
/// [`Parser::string_run`]: those [`string_ends`] marks and the bytes of multi-byte
/// characters, each marked by its high bit. Only the lowest mark is exact (a
/// subtraction borrows from the byte above a `"`, `\` or control character), and
/// only the lowest is read: below it, every byte is plain ASCII, which borrows nothing
/// (`b - 0x20` wraps exactly when `b < 0x20`, `(b ^ c) - 1` exactly when `b == c`).
#[inline]
fn run_stops(x: u64) -> u64 {
    let control = x.wrapping_sub(each(0x20));
    let quote = (x ^ each(b'"')).wrapping_sub(each(1));
    let backslash = (x ^ each(b'\\')).wrapping_sub(each(1));
    (control | quote | backslash | x) & HIGH
}

/// The UTF-8 continuation bytes (`10xxxxxx`) of a word, each marked by its high bit.
#[inline]
fn continuation_bytes(x: u64) -> u64 {
    x & !(x << 1) & HIGH
}

impl<'t, 's, const SHAPED: bool> Parser<'t, 's, SHAPED> {
    /// Scans over the value at `self.i` (after whitespace) without building anything,
    /// checking it for every error the full parser reports (with a nesting depth
    /// counted from the builder's). Its errors carry no useful message: the caller
    /// loads the text in full to report them.
    pub(super) fn skip_value(&mut self) -> Result<()> {
        // A scalar (most skipped values) needs none of the scratch space.
        if !matches!(self.peek(), Some(b'{' | b'[')) {
            return self.skip_scalar();
        }
        let mut skip = std::mem::take(&mut self.skip);
        skip.open.clear();
        skip.keys.clear();
        skip.key_starts.clear();
        skip.decoded.clear();
        let scanned = self.skip_scan(&mut skip);
        self.skip = skip;
        scanned
    }

    fn skip_scan(&mut self, skip: &mut SkipScratch) -> Result<()> {
        let base = self.builder.depth();
        'value: loop {
            self.skip_whitespace();
            match self.peek() {
                Some(open @ (b'{' | b'[')) => {
                    if base + skip.open.len() >= self.builder.max_depth() {
                        return Err(self.skip_error());
                    }
                    self.i += 1;
                    let object = open == b'{';
                    skip.open.push(object);
                    if object {
                        skip.key_starts.push((skip.keys.len(), skip.decoded.len()));
                    }
                    self.skip_whitespace();
                    match self.peek() {
                        Some(b'}') if object => {
                            self.i += 1;
                            self.skip_close_object(skip)?;
                        }
                        Some(b']') if !object => {
                            self.i += 1;
                            skip.open.pop();
                        }
                        _ => {
                            if object {
                                self.skip_key(skip)?;
                            }
                            continue 'value;
                        }
                    }
                }
                _ => self.skip_scalar()?,
            }
            // A value is complete: go on in the innermost open skipped container.
            while let Some(&object) = skip.open.last() {
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        if object {
                            self.skip_whitespace();
                            self.skip_key(skip)?;
                        }
                        continue 'value;
                    }
                    Some(b']') if !object => {
                        self.i += 1;
                        skip.open.pop();
                    }
                    Some(b'}') if object => {
                        self.i += 1;
                        self.skip_close_object(skip)?;
                    }
                    _ => return Err(self.skip_error()),
                }
            }
            return Ok(());
        }
    }

    /// Scans over the scalar at `self.i`; anything else is an error.
    #[inline]
    fn skip_scalar(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b't') => self.skip_literal(b"true"),
            Some(b'f') => self.skip_literal(b"false"),
            Some(b'n') => self.skip_literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.skip_number(),
            _ => Err(self.skip_error()),
        }
    }

    /// Reads `"key"` and `:` in a skipped object and records the key.
    fn skip_key(&mut self, skip: &mut SkipScratch) -> Result<()> {
        if self.peek() != Some(b'"') {
            return Err(self.skip_error());
        }
        let (start_i, start_continuation) = (self.i, self.continuation);
        self.i += 1;
        let end = self.string_run();
        let span = match self.bytes.get(end) {
            Some(b'"') => {
                self.i = end + 1;
                let key = self.bytes.get(start_i + 1..end).unwrap_or(&[]);
                KeySpan::new(key, start_i + 1, end, false)
            }
            _ => {
                // Escapes, control characters or the end: decode (and check) in full.
                self.i = start_i;
                self.continuation = start_continuation;
                let start = skip.decoded.len();
                self.decode_string(&mut skip.decoded)?;
                let key = skip.decoded.as_bytes().get(start..).unwrap_or(&[]);
                KeySpan::new(key, start, skip.decoded.len(), true)
            }
        };
        skip.keys.push(span);
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.skip_error());
        }
        self.i += 1;
        Ok(())
    }

    /// Closes the innermost open skipped object: a duplicate key is an error. Small
    /// objects compare every pair of keys; larger ones sort their keys, which keeps
    /// huge objects O(n log n). The scratch space is reused.
    fn skip_close_object(&self, skip: &mut SkipScratch) -> Result<()> {
        use std::cmp::Ordering::Equal;
        skip.open.pop();
        let (keys_start, decoded_start) = skip.key_starts.pop().unwrap_or((0, 0));
        let SkipScratch { keys, decoded, .. } = skip;
        let text = self.text;
        if let Some(own) = keys.get_mut(keys_start..) {
            let duplicate = if own.len() <= SMALL_SKIPPED_OBJECT {
                own.iter().enumerate().any(|(i, &a)| {
                    own.get(i + 1..).unwrap_or(&[]).iter().any(|&b| {
                        a.head == b.head
                            && a.end - a.start == b.end - b.start
                            && a.resolve(text, decoded) == b.resolve(text, decoded)
                    })
                })
            } else {
                own.sort_unstable_by(|&a, &b| a.cmp(b, text, decoded));
                own.windows(2).any(|pair| match *pair {
                    [a, b] => a.cmp(b, text, decoded) == Equal,
                    _ => false,
                })
            };
            if duplicate {
                return Err(self.skip_error());
            }
        }
        keys.truncate(keys_start);
        decoded.truncate(decoded_start);
        Ok(())
    }

    /// The end of the run of plain string bytes from `self.i` (the offset of the
    /// first `"`, `\`, control character, or the end of the text); counts the run's
    /// continuation bytes.
    #[inline]
    pub(super) fn string_run(&mut self) -> usize {
        let mut j = self.i;
        // Sixteen ASCII bytes (two words) at a time: the first byte that stops the
        // loop is found in them. Multi-byte characters and the last bytes of the text
        // go on out of line.
        while let Some(chunk) = self.bytes.get(j..).and_then(<[u8]>::first_chunk::<16>) {
            let x = u128::from_le_bytes(*chunk);
            let stops =
                u128::from(run_stops(x as u64)) | u128::from(run_stops((x >> 64) as u64)) << 64;
            if stops != 0 {
                let at = j + (stops.trailing_zeros() / 8) as usize;
                if self.bytes.get(at).is_some_and(|&b| b < 0x80) {
                    return at;
                }
                return self.string_run_on(at);
            }
            j += 16;
        }
        self.string_run_on(j)
    }

    /// [`Parser::string_run`] from byte `j` of the run on, where a multi-byte
    /// character or the end of the text is near.
    #[inline(never)]
    fn string_run_on(&mut self, mut j: usize) -> usize {
        while let Some(word) = self.bytes.get(j..).and_then(<[u8]>::first_chunk::<8>) {
            let x = u64::from_le_bytes(*word);
            let ends = string_ends(x);
            if ends != 0 {
                // The high bit of the first end byte is bit `8 * k + 7`.
                let k = ends.trailing_zeros() / 8;
                let before = (1u64 << (k * 8)) - 1;
                self.continuation += (continuation_bytes(x) & before).count_ones() as usize;
                return j + k as usize;
            }
            self.continuation += continuation_bytes(x).count_ones() as usize;
            j += 8;
        }
        // The last few bytes of the text.
        loop {
            match self.bytes.get(j) {
                Some(&b) if b >= 0x80 => {
                    self.continuation += usize::from(b & 0xC0 == 0x80);
                    j += 1;
                }
                Some(&b) if b >= 0x20 && b != b'"' && b != b'\\' => j += 1,
                _ => return j,
            }
        }
    }

    /// Scans over the string at `self.i` (a `"`), checking its escapes.
    fn skip_string(&mut self) -> Result<()> {
        self.i += 1;
        loop {
            let end = self.string_run();
            self.i = end;
            match self.bytes.get(end) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let at = self.i;
                    match self.bytes.get(at + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.i += 2;
                        }
                        Some(b'u') => {
                            self.i += 2;
                            self.unicode_escape(at)?;
                        }
                        _ => return Err(self.skip_error()),
                    }
                }
                _ => return Err(self.skip_error()),
            }
        }
    }

    /// Scans over a number, with the full parser's grammar and range check.
    fn skip_number(&mut self) -> Result<()> {
        let at = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.skip_error());
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.skip_error()),
        }
        let int_digits = self.i - int_start;
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.skip_error());
            }
            self.digits();
        }
        let mut exponent = false;
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            exponent = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.skip_error());
            }
            self.digits();
        }
        // Without an exponent, at most 308 digits before any `.` are below 10^308 and
        // so finite (and an int that fits in 64 bits has fewer): only the others
        // need parsing.
        if exponent || int_digits > 308 {
            let text = self.text.get(at..self.i).unwrap_or("");
            if !text.parse::<f64>().is_ok_and(f64::is_finite) {
                return Err(self.skip_error());
            }
        }
        Ok(())
    }

    fn skip_literal(&mut self, word: &[u8]) -> Result<()> {
        if self.bytes.get(self.i..self.i + word.len()) != Some(word) {
            return Err(self.skip_error());
        }
        self.i += word.len();
        Ok(())
    }

    /// An error of the skip scanner (the full parser gives the message).
    #[cold]
    fn skip_error(&self) -> Error {
        self.error(self.i, "invalid JSON in a skipped value")
    }
}

#[cfg(test)]
mod tests {
    use super::super::Parser;
    use super::{continuation_bytes, run_stops, string_ends};

    /// Marks bit 7 of byte `place` for each byte `is` holds of.
    fn marks(word: [u8; 8], is: impl Fn(u8) -> bool) -> u64 {
        (0..8)
            .filter(|&place| is(word[place]))
            .map(|place| 0x80u64 << (8 * place))
            .sum()
    }

    /// The word tests agree with the byte tests for every byte at every place, and for
    /// every pair of bytes (where carries or borrows between bytes could matter).
    #[test]
    fn string_words() {
        let end = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        let continuation = |b: u8| b & 0xC0 == 0x80;
        let stop = |b: u8| end(b) || b >= 0x80;
        let lowest = |m: u64| m & m.wrapping_neg();
        let check = |word: [u8; 8]| {
            let x = u64::from_le_bytes(word);
            assert_eq!(string_ends(x), marks(word, end), "{word:?}");
            assert_eq!(lowest(run_stops(x)), lowest(marks(word, stop)), "{word:?}");
            assert_eq!(continuation_bytes(x), marks(word, continuation), "{word:?}");
        };
        for place in 0..8 {
            for b in 0..=255u8 {
                let mut word = [b'a'; 8];
                word[place] = b;
                check(word);
            }
        }
        for b1 in 0..=255u8 {
            for b2 in 0..=255u8 {
                for (p1, p2) in [(0, 1), (3, 4), (6, 7), (0, 7), (2, 5)] {
                    let mut word = [b' '; 8];
                    word[p1] = b1;
                    word[p2] = b2;
                    check(word);
                }
            }
        }
    }

    /// `string_run` ends where a byte-by-byte scan does and counts the same
    /// continuation bytes, from every start, with multi-byte characters and run ends
    /// at every place of a word and near the end of the text.
    #[test]
    fn string_runs_end_where_bytes_say() {
        let pieces = [
            "a",
            "bcdefgh",
            "ijklmnopqrstuvwxyz0123",
            "é",
            "日本",
            "😀",
            "\"",
            "\\",
            "\u{1}",
            "\t",
        ];
        let mut state = 7u64;
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..12 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            for start in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
                let bytes = &text.as_bytes()[start..];
                let len = bytes
                    .iter()
                    .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
                    .unwrap_or(bytes.len());
                let continuation = bytes[..len].iter().filter(|&&b| b & 0xC0 == 0x80).count();
                let mut parser =
                    Parser::<false>::new(&text, None, None, 0, &crate::LoadLimits::DEFAULT);
                parser.i = start;
                assert_eq!(parser.string_run(), start + len, "{text:?} from {start}");
                assert_eq!(parser.continuation, continuation, "{text:?} from {start}");
            }
        }
    }
}
