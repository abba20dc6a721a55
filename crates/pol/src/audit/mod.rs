//! Decision logs: an audit trail of every decision, as NDJSON records chained by hash
//! (`docs/decision-log.md`), with redaction of what the records say about the input,
//! and the verifier that finds the first altered, missing or reordered record.
//!
//! A [`DecisionLog`] writes one line per decision to any [`Write`]: the time, a random
//! decision id, a sequence number, the digest of the policy set, the input's name, the
//! SHA-256 of its bytes and the document's index, the decision, its duration, and
//! `prev`, the hash of the record before it. Each record's `hash` is the SHA-256 of its
//! canonical JSON text without the `hash` member ([`record_hash`]); the first record of
//! a log chains from [`GENESIS`], and a log appended to by a later run chains from its
//! last record ([`DecisionLog::resume`] with [`last_record`]), so one chain runs
//! through every run written to a file.
//!
//! ```
//! use pol::audit::{DecisionLog, Entry, InputRef, Outcome, Redaction, verify};
//! use std::time::{Duration, SystemTime};
//!
//! let policy = pol::Policy::from_source("p.pol", "package p\ndeny big { if input.n > 3 message \"big\" }").unwrap();
//! let decision = &policy.evaluate_text(r#"{"n": 5}"#, pol::Format::Json, Some("in.json")).unwrap()[0];
//! let mut log = DecisionLog::new(Vec::new(), policy.program().digest(), Redaction::default());
//! let counts = pol::suppress::Counts::default();
//! log.append(&Entry {
//!     input: InputRef { name: "in.json", document: Some(0), sha256: Some(pol::Digest::of(br#"{"n": 5}"#)), kind: None },
//!     outcome: Outcome::Decided { decision, suppressed: &counts },
//!     time: SystemTime::now(),
//!     duration: Duration::from_micros(12),
//! }).unwrap();
//! let bytes = log.into_inner();
//! let intact = verify(&bytes[..]).unwrap();
//! assert_eq!(intact.records, 1);
//! ```

mod record;
mod redact;
mod tail;
mod verify;

#[cfg(test)]
mod tests;

pub use record::{ChainHead, RecordError, last_record, record_hash};
pub use redact::{PatternError, REDACTED, Redaction};
pub use tail::{TailError, last_line};
pub use verify::{Break, BreakKind, MAX_LINE, Unreadable, Verified, VerifyError, verify};

use crate::Decision;
use crate::suppress::Counts;
use std::io::Write;
use std::time::{Duration, SystemTime};

/// The format version of the records this pol writes and reads (`version`).
pub const VERSION: u64 = 1;

/// The `prev` of a log's first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The input a decision is about.
#[derive(Debug, Clone, Copy)]
pub struct InputRef<'a> {
    /// The input's name as the output shows it (`-` for standard input).
    pub name: &'a str,
    /// Which document of the input (counted from 0; a YAML stream holds several);
    /// `None` for an input that could not be evaluated.
    pub document: Option<usize>,
    /// The SHA-256 of the input's bytes, all of them (for a YAML stream, the whole
    /// stream: `document` says which document); `None` when they could not be read.
    pub sha256: Option<crate::Digest>,
    /// The document's kind, if it has one.
    pub kind: Option<&'a str>,
}

/// What became of the input.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// It was evaluated: its decision, and how many findings were suppressed.
    Decided {
        /// The decision, findings already suppressed.
        decision: &'a Decision,
        /// The findings suppressed, by reason.
        suppressed: &'a Counts,
    },
    /// It could not be read, parsed or evaluated: why (the decision is an error, and
    /// not allowed).
    NotEvaluated {
        /// The reason, as `pol eval` reports it.
        error: &'a str,
    },
}

/// One decision to log.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The input.
    pub input: InputRef<'a>,
    /// The decision.
    pub outcome: Outcome<'a>,
    /// When the decision was made.
    pub time: SystemTime,
    /// How long making it took.
    pub duration: Duration,
}

/// What [`DecisionLog::append`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The record's sequence number.
    pub seq: u64,
    /// The record's hash (the next record's `prev`).
    pub hash: crate::Digest,
    /// The record's decision id.
    pub id: String,
}

/// A decision-log writer: one NDJSON record per [`append`](DecisionLog::append),
/// written with one `write_all` and flushed, each chained to the one before it.
///
/// Not `Sync`: give it one thread, and append in the order decisions are to be read
/// (`pol eval` appends in input order whatever `--jobs` says).
#[derive(Debug)]
pub struct DecisionLog<W> {
    out: W,
    policy: String,
    data: Option<String>,
    next_seq: u64,
    prev: crate::Digest,
    redaction: Redaction,
    line: Vec<u8>,
}

impl<W: Write> DecisionLog<W> {
    /// A new log: its first record has sequence number 0 and chains from [`GENESIS`].
    /// `policy` is the digest of the compiled policy set
    /// ([`LoadedProgram::digest`](pol_vm::LoadedProgram::digest)).
    pub fn new(out: W, policy: crate::Digest, redaction: Redaction) -> DecisionLog<W> {
        DecisionLog {
            out,
            policy: policy.to_string(),
            data: None,
            next_seq: 0,
            prev: crate::Digest([0; 32]),
            redaction,
            line: Vec::new(),
        }
    }

    /// Records the digest of the reference data the decisions were made with
    /// ([`Data::digest`](crate::Data::digest)) in every record, as `data`; without it
    /// (and for an empty [`Data`](crate::Data)) records have no `data` member.
    pub fn with_data(mut self, data: &crate::Data) -> DecisionLog<W> {
        self.set_data(data);
        self
    }

    /// Records the digest of `data` in the records from now on (a service that has
    /// reloaded its data), as [`DecisionLog::with_data`].
    pub fn set_data(&mut self, data: &crate::Data) {
        self.data = (!data.is_empty()).then(|| data.digest().to_string());
    }

    /// A log that goes on after `head`, the last record already in it (read with
    /// [`last_record`]): the next record has the sequence number after it and chains
    /// from its hash. `None` starts a new chain, as [`DecisionLog::new`].
    pub fn resume(
        out: W,
        policy: crate::Digest,
        redaction: Redaction,
        head: Option<ChainHead>,
    ) -> DecisionLog<W> {
        let mut log = DecisionLog::new(out, policy, redaction);
        if let Some(head) = head {
            log.next_seq = head.seq.saturating_add(1);
            log.prev = head.hash;
        }
        log
    }

    /// Writes the record of one decision and flushes. On an error nothing of the
    /// chain moves on: the caller should stop (a log that silently drops records is
    /// worse than none), since part of the line may have been written.
    pub fn append(&mut self, entry: &Entry<'_>) -> std::io::Result<Appended> {
        let id = uuid::Uuid::new_v4().to_string();
        let mut value = record::build(
            entry,
            &record::Chain {
                seq: self.next_seq,
                id: &id,
                policy: &self.policy,
                data: self.data.as_deref(),
                prev: &self.prev,
            },
            &self.redaction,
        );
        let hash = record_hash(&value);
        if let serde_json::Value::Object(map) = &mut value {
            map.insert(
                "hash".to_owned(),
                serde_json::Value::String(hash.to_string()),
            );
        }
        self.line.clear();
        record::canonical(&value, &mut self.line);
        self.line.push(b'\n');
        self.out.write_all(&self.line)?;
        self.out.flush()?;
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        self.prev = hash;
        Ok(Appended { seq, hash, id })
    }

    /// Names `policy` as the policy set of the records written from now on: for a
    /// service that reloads its policy, so that each record names the program that
    /// made its decision (the chain goes on unbroken).
    pub fn set_policy(&mut self, policy: crate::Digest) {
        let hex = policy.to_string();
        if hex != self.policy {
            self.policy = hex;
        }
    }

    /// The sequence number the next record will have.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The writer, flushed by every [`append`](DecisionLog::append).
    pub fn into_inner(self) -> W {
        self.out
    }
}
