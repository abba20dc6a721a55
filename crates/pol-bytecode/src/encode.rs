//! The `.polc` file format: a fixed header (magic, format version, body length, CRC-32
//! of the body) followed by the program encoded with postcard.
//!
//! Decoding never trusts its input: a truncated, corrupt, foreign or future file is
//! rejected with a [`DecodeError`], and a body that decodes is then [validated](crate::validate).

use crate::program::Program;
use crate::validate::{ValidationError, validate};

/// The first bytes of every `.polc` file. The high byte and the CR LF / Ctrl-Z detect
/// files mangled by text-mode transfers, as PNG does.
pub const MAGIC: [u8; 8] = *b"\x89POLC\r\n\x1a";

/// The version of the encoding. Files of other versions are rejected, never guessed at.
pub const FORMAT_VERSION: u32 = 4;

const HEADER_LEN: usize = 8 + 4 + 8 + 4;

/// Why a `.polc` file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not a `.polc` file at all.
    BadMagic,
    /// A `.polc` file of another format version.
    UnsupportedVersion {
        /// The version in the file.
        found: u32,
    },
    /// The file is shorter than its header says.
    Truncated {
        /// Bytes the header announces (header included).
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// Bytes after the body.
    TrailingBytes,
    /// The body does not match its checksum.
    ChecksumMismatch,
    /// The body does not decode.
    Malformed(String),
    /// The body decodes but breaks an invariant the VM relies on.
    Invalid(ValidationError),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::BadMagic => f.write_str("not a compiled pol program (bad magic bytes)"),
            DecodeError::UnsupportedVersion { found } => write!(
                f,
                "compiled with format version {found}, but this pol reads version {FORMAT_VERSION}: rebuild it with `pol build`"
            ),
            DecodeError::Truncated { expected, found } if *expected == HEADER_LEN as u64 => {
                write!(
                    f,
                    "truncated: {found} bytes, shorter than the {HEADER_LEN}-byte header"
                )
            }
            DecodeError::Truncated { expected, found } => {
                write!(
                    f,
                    "truncated: the header announces {expected} bytes but the file has {found}"
                )
            }
            DecodeError::TrailingBytes => f.write_str("unexpected bytes after the program"),
            DecodeError::ChecksumMismatch => f.write_str("corrupt: the checksum does not match"),
            DecodeError::Malformed(why) => write!(f, "malformed program: {why}"),
            DecodeError::Invalid(why) => write!(f, "invalid program: {why}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Encodes a program as `.polc` bytes.
pub fn encode(program: &Program) -> Vec<u8> {
    // Encoding plain data into a Vec cannot fail; an empty body would be rejected on load.
    let body = postcard::to_allocvec(program).unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// Decodes and validates `.polc` bytes.
pub fn decode(bytes: &[u8]) -> Result<Program, DecodeError> {
    let header = bytes.get(..HEADER_LEN);
    let magic = bytes.get(..MAGIC.len());
    if magic != Some(&MAGIC[..]) {
        // A prefix of the magic is a truncated file, anything else is not ours.
        return if MAGIC.starts_with(bytes) && !bytes.is_empty() {
            Err(DecodeError::Truncated {
                expected: HEADER_LEN as u64,
                found: bytes.len() as u64,
            })
        } else {
            Err(DecodeError::BadMagic)
        };
    }
    let Some(header) = header else {
        return Err(DecodeError::Truncated {
            expected: HEADER_LEN as u64,
            found: bytes.len() as u64,
        });
    };
    let field = |range: std::ops::Range<usize>| header.get(range).unwrap_or_default();
    let version = u32::from_le_bytes(field(8..12).try_into().unwrap_or_default());
    if version != FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion { found: version });
    }
    let body_len = u64::from_le_bytes(field(12..20).try_into().unwrap_or_default());
    let checksum = u32::from_le_bytes(field(20..24).try_into().unwrap_or_default());
    let body = bytes.get(HEADER_LEN..).unwrap_or_default();
    let expected = body_len.saturating_add(HEADER_LEN as u64);
    match (body.len() as u64).cmp(&body_len) {
        std::cmp::Ordering::Less => {
            return Err(DecodeError::Truncated {
                expected,
                found: bytes.len() as u64,
            });
        }
        std::cmp::Ordering::Greater => return Err(DecodeError::TrailingBytes),
        std::cmp::Ordering::Equal => {}
    }
    if crc32fast::hash(body) != checksum {
        return Err(DecodeError::ChecksumMismatch);
    }
    let (program, rest): (Program, &[u8]) =
        postcard::take_from_bytes(body).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingBytes);
    }
    validate(&program).map_err(DecodeError::Invalid)?;
    Ok(program)
}
