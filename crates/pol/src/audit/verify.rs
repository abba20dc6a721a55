//! Verifying a decision log: recompute every record's hash and the chain, and name the
//! first record altered, missing or out of order.

use super::record::{Envelope, envelope, genesis};
use super::{ChainHead, RecordError};
use std::io::BufRead;

/// The longest line the verifier reads (64 MiB): a longer one is not a record.
pub const MAX_LINE: usize = 64 << 20;

/// An intact log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// How many records it holds.
    pub records: u64,
    /// Its last record (`None` for an empty log). Keep its hash elsewhere: a log cut
    /// after a record, or rewritten whole, verifies; only a known last hash shows it.
    pub last: Option<ChainHead>,
}

/// Why a log does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The chain is broken: the first place where it is.
    Broken(Break),
    /// The log could not be read, or a line of it is not a record.
    Unreadable(Unreadable),
}

/// Where the chain breaks, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The line (from 1) of the record where the break shows.
    pub line: u64,
    /// How.
    pub kind: BreakKind,
}

/// How a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakKind {
    /// The record's hash does not match its content: it was changed after it was
    /// written. `seq` is the sequence number it says it has.
    Altered {
        /// Its `seq`, as it stands.
        seq: u64,
    },
    /// Records are missing: the line holds record `found` where record `expected`
    /// should be, and `expected` is nowhere after it.
    Missing {
        /// The record that should be here.
        expected: u64,
        /// The record that is here.
        found: u64,
    },
    /// Records are out of order: the line holds record `found` where record
    /// `expected` should be, and `expected` comes later, at `expected_line`; or (when
    /// `found` < `expected`) a record that belongs before the line comes again.
    Reordered {
        /// The record that should be here.
        expected: u64,
        /// The record that is here.
        found: u64,
        /// Where the expected record is, when it comes later.
        expected_line: Option<u64>,
    },
    /// The record is intact, in its place, but does not carry the hash of the one
    /// before it: that one was altered and its hash recomputed, or this one replaced.
    /// For the first record: it does not chain from the genesis value.
    Unchained {
        /// Its `seq`.
        seq: u64,
    },
    /// The last line ends before its record does (a write that did not finish).
    Truncated,
}

/// Why a log cannot be verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The line (from 1), when the problem is a line.
    pub line: Option<u64>,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = self.line;
        match &self.kind {
            BreakKind::Altered { seq } => write!(
                f,
                "record {seq} (line {line}) was altered: its hash does not match its content"
            ),
            BreakKind::Missing { expected, found } if found.saturating_sub(*expected) == 1 => {
                write!(
                    f,
                    "record {expected} is missing: line {line} holds record {found}"
                )
            }
            BreakKind::Missing { expected, found } => write!(
                f,
                "records {expected} to {} are missing: line {line} holds record {found}",
                found.saturating_sub(1)
            ),
            BreakKind::Reordered {
                expected,
                found,
                expected_line: Some(at),
            } => write!(
                f,
                "records are out of order: line {line} holds record {found}, record {expected} comes later, at line {at}"
            ),
            BreakKind::Reordered {
                expected,
                found,
                expected_line: None,
            } => write!(
                f,
                "records are out of order: line {line} holds record {found} after record {}",
                expected.saturating_sub(1)
            ),
            BreakKind::Unchained { seq: 0 } => write!(
                f,
                "record 0 (line {line}) does not chain from the genesis value: the log's beginning was replaced"
            ),
            BreakKind::Unchained { seq } => write!(
                f,
                "record {seq} (line {line}) does not chain from record {} (line {}): that record was altered and its hash recomputed, or this one was replaced",
                seq.saturating_sub(1),
                line.saturating_sub(1)
            ),
            BreakKind::Truncated => write!(
                f,
                "line {line} is incomplete: the log ends inside a record (a write that did not finish)"
            ),
        }
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::Broken(b) => b.fmt(f),
            VerifyError::Unreadable(u) => u.fmt(f),
        }
    }
}

impl std::error::Error for VerifyError {}

/// One line of the log: its bytes without the newline, and whether it had one.
struct Line {
    bytes: Vec<u8>,
    ended: bool,
}

/// Reads lines of at most [`MAX_LINE`] bytes.
struct Lines<R> {
    reader: R,
    number: u64,
}

impl<R: BufRead> Lines<R> {
    fn next(&mut self) -> Result<Option<Line>, VerifyError> {
        let mut bytes = Vec::new();
        let limit = u64::try_from(MAX_LINE)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let read = std::io::Read::take(&mut self.reader, limit)
            .read_until(b'\n', &mut bytes)
            .map_err(|e| {
                VerifyError::Unreadable(Unreadable {
                    line: None,
                    reason: format!("cannot read the log: {e}"),
                })
            })?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let ended = bytes.last() == Some(&b'\n');
        if ended {
            bytes.pop();
        } else if bytes.len() > MAX_LINE {
            return Err(VerifyError::Unreadable(Unreadable {
                line: Some(self.number),
                reason: format!("longer than {MAX_LINE} bytes: not a decision-log record"),
            }));
        }
        Ok(Some(Line { bytes, ended }))
    }
}

/// Verifies a decision log, read line by line (in constant memory but for one line):
/// every record intact, the first chaining from the genesis value, each next one
/// carrying the sequence number after its predecessor's and its hash. Returns the
/// first break found, or why a line cannot be read as a record.
///
/// An empty log verifies. A log cut after a whole record verifies too: compare
/// [`Verified::last`] with a hash kept elsewhere to tell.
pub fn verify(reader: impl BufRead) -> Result<Verified, VerifyError> {
    let mut lines = Lines { reader, number: 0 };
    let mut head: Option<ChainHead> = None;
    let mut records = 0u64;
    while let Some(line) = lines.next()? {
        let number = lines.number;
        let record = match read_record(&line, number)? {
            Read::Record(r) => r,
            Read::Truncated => {
                return Err(broken(number, BreakKind::Truncated));
            }
        };
        if !record.intact {
            return Err(broken(number, BreakKind::Altered { seq: record.seq }));
        }
        let (expected, prev) = match head {
            None => (0, genesis()),
            Some(h) => (h.seq.saturating_add(1), h.hash),
        };
        if record.seq > expected {
            let later = find_later(&mut lines, expected);
            let kind = match later {
                Some(at) => BreakKind::Reordered {
                    expected,
                    found: record.seq,
                    expected_line: Some(at),
                },
                None => BreakKind::Missing {
                    expected,
                    found: record.seq,
                },
            };
            return Err(broken(number, kind));
        }
        if record.seq < expected {
            let kind = BreakKind::Reordered {
                expected,
                found: record.seq,
                expected_line: None,
            };
            return Err(broken(number, kind));
        }
        if record.prev != prev {
            return Err(broken(number, BreakKind::Unchained { seq: record.seq }));
        }
        head = Some(ChainHead {
            seq: record.seq,
            hash: record.hash,
        });
        records += 1;
    }
    Ok(Verified {
        records,
        last: head,
    })
}

fn broken(line: u64, kind: BreakKind) -> VerifyError {
    VerifyError::Broken(Break { line, kind })
}

enum Read {
    Record(Envelope),
    Truncated,
}

/// One line as a record; a last line without its newline that ends inside its JSON
/// is a truncated record.
fn read_record(line: &Line, number: u64) -> Result<Read, VerifyError> {
    match envelope(&line.bytes) {
        Ok(record) => Ok(Read::Record(record)),
        Err((_, Some(json))) if !line.ended && json.is_eof() => Ok(Read::Truncated),
        Err((e, _)) => {
            let reason = match e {
                RecordError::NotARecord(_) if line.bytes.is_empty() => {
                    "an empty line is not a decision-log record".to_owned()
                }
                other => other.to_string(),
            };
            Err(VerifyError::Unreadable(Unreadable {
                line: Some(number),
                reason,
            }))
        }
    }
}

/// The line, after the current one, of the record numbered `seq`, if one comes
/// later (the lines after it that are not records are passed over).
fn find_later<R: BufRead>(lines: &mut Lines<R>, seq: u64) -> Option<u64> {
    while let Ok(Some(line)) = lines.next() {
        if let Ok(record) = envelope(&line.bytes)
            && record.seq == seq
        {
            return Some(lines.number);
        }
    }
    None
}
