//! One decision-log record: building it, its canonical JSON text, its hash, and
//! reading back the envelope (`version`, `seq`, `prev`, `hash`) of a line.

use super::{Entry, GENESIS, Outcome, Redaction, VERSION};
use crate::Digest;
use serde_json::{Map, Value, json};

/// Where a record goes in its chain.
pub(super) struct Chain<'a> {
    pub seq: u64,
    pub id: &'a str,
    pub policy: &'a str,
    /// The digest of the reference data, when there is any.
    pub data: Option<&'a str>,
    pub prev: &'a Digest,
}

/// The record of `entry`, without its `hash`.
pub(super) fn build(entry: &Entry<'_>, chain: &Chain<'_>, redaction: &Redaction) -> Value {
    let input = &entry.input;
    let (decision, suppressed) = match entry.outcome {
        Outcome::Decided {
            decision,
            suppressed,
        } => {
            let mut decision = decision.clone();
            redaction.apply(&mut decision);
            let counts: Map<String, Value> = suppressed
                .0
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(reason, n)| (reason.key().to_owned(), json!(n)))
                .collect();
            (
                serde_json::to_value(&decision).unwrap_or(Value::Null),
                Value::Object(counts),
            )
        }
        Outcome::NotEvaluated { error } => (
            json!({"allowed": false, "error": redaction.error_message(error)}),
            Value::Object(Map::new()),
        ),
    };
    let duration_ns = u64::try_from(entry.duration.as_nanos()).unwrap_or(u64::MAX);
    let mut record = json!({
        "version": VERSION,
        "seq": chain.seq,
        "id": chain.id,
        "time": humantime::format_rfc3339_micros(entry.time).to_string(),
        "policy": chain.policy,
        "input": {
            "name": input.name,
            "document": input.document,
            "sha256": input.sha256.map(|d| d.to_string()),
            "kind": input.kind,
        },
        "decision": decision,
        "suppressed": suppressed,
        "duration_ns": duration_ns,
        "prev": chain.prev.to_string(),
    });
    if let (Some(data), Value::Object(map)) = (chain.data, &mut record) {
        map.insert("data".to_owned(), json!(data));
    }
    record
}

/// Appends the canonical JSON text of `value` to `out`: no whitespace, object members
/// sorted by the UTF-8 bytes of their keys, strings escaped as `serde_json` escapes
/// them (`"`, `\`, control characters; nothing else), numbers as `serde_json` writes
/// them. For pol's records (ASCII keys, integer numbers) this is RFC 8785's JSON
/// Canonicalization Scheme. Recursion is bounded by `serde_json`'s nesting limit of
/// 128 for parsed values; built records nest a few levels.
pub(super) fn canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (key, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(key, out);
                out.push(b':');
                canonical(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(v, out);
            }
            out.push(b']');
        }
        Value::String(s) => string(s, out),
        scalar => {
            // `null`, booleans and numbers: serde_json's text.
            let _ = serde_json::to_writer(&mut *out, scalar);
        }
    }
}

fn string(s: &str, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, s);
}

/// The hash of a record: the SHA-256 of the canonical JSON text of the record without
/// its `hash` member (`docs/decision-log.md`, "What is hashed").
pub fn record_hash(record: &Value) -> Digest {
    let mut bytes = Vec::with_capacity(1024);
    match record {
        Value::Object(map) if map.contains_key("hash") => {
            let mut without = map.clone();
            without.remove("hash");
            canonical(&Value::Object(without), &mut bytes);
        }
        other => canonical(other, &mut bytes),
    }
    Digest::of(&bytes)
}

/// The end of a chain: the last record's sequence number and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    /// The record's `seq`.
    pub seq: u64,
    /// The record's `hash`.
    pub hash: Digest,
}

/// Why a line is not an intact record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// Not JSON, not an object, or a member missing or of the wrong type.
    NotARecord(String),
    /// A record of another format version.
    Version(u64),
    /// Its `hash` is not the hash of its content.
    Altered,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::NotARecord(why) => write!(f, "not a decision-log record: {why}"),
            RecordError::Version(v) => write!(
                f,
                "a record of format version {v}; this pol reads version {VERSION}"
            ),
            RecordError::Altered => f.write_str("its hash does not match its content"),
        }
    }
}

impl std::error::Error for RecordError {}

/// The members of a record that chain it.
pub(super) struct Envelope {
    pub seq: u64,
    pub prev: Digest,
    pub hash: Digest,
    /// `hash` is the hash of the content.
    pub intact: bool,
}

/// Reads the envelope of one line (without its newline). Every member of a record
/// must be there with its type; only `seq`, `prev` and `hash` are returned.
pub(super) fn envelope(line: &[u8]) -> Result<Envelope, (RecordError, Option<serde_json::Error>)> {
    let value: Value = serde_json::from_slice(line)
        .map_err(|e| (RecordError::NotARecord(format!("not JSON ({e})")), Some(e)))?;
    let not = |why: String| (RecordError::NotARecord(why), None);
    let Value::Object(map) = &value else {
        return Err(not("not a JSON object".to_owned()));
    };
    let version = map
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| not("no `version` number".to_owned()))?;
    if version != VERSION {
        return Err((RecordError::Version(version), None));
    }
    let number = |key: &str| {
        map.get(key)
            .and_then(Value::as_u64)
            .ok_or_else(|| not(format!("`{key}` is missing or not a whole number")))
    };
    let digest = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .and_then(parse_digest)
            .ok_or_else(|| not(format!("`{key}` is missing or not 64 lowercase hex digits")))
    };
    let seq = number("seq")?;
    number("duration_ns")?;
    let prev = digest("prev")?;
    let hash = digest("hash")?;
    for key in ["id", "time", "policy"] {
        if !map.get(key).is_some_and(Value::is_string) {
            return Err(not(format!("`{key}` is missing or not a string")));
        }
    }
    for key in ["input", "decision", "suppressed"] {
        if !map.get(key).is_some_and(Value::is_object) {
            return Err(not(format!("`{key}` is missing or not an object")));
        }
    }
    let intact = record_hash(&value) == hash;
    Ok(Envelope {
        seq,
        prev,
        hash,
        intact,
    })
}

/// Reads the last record of a log (its last line, without the newline) to append
/// after it: an error unless it is an intact record of this format version.
pub fn last_record(line: &[u8]) -> Result<ChainHead, RecordError> {
    let envelope = envelope(line).map_err(|(e, _)| e)?;
    if !envelope.intact {
        return Err(RecordError::Altered);
    }
    Ok(ChainHead {
        seq: envelope.seq,
        hash: envelope.hash,
    })
}

/// 64 lowercase hexadecimal digits as a digest.
pub(super) fn parse_digest(text: &str) -> Option<Digest> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let digit = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let (hi, lo) = match pair {
            [hi, lo] => (digit(*hi)?, digit(*lo)?),
            _ => return None,
        };
        *byte = hi << 4 | lo;
    }
    Some(Digest(out))
}

/// The digest [`GENESIS`] names.
pub(super) fn genesis() -> Digest {
    parse_digest(GENESIS).unwrap_or(Digest([0; 32]))
}
