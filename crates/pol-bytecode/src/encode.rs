//! The `.polc` file format: a fixed header (magic, format version, body length), the
//! program encoded with postcard, and the SHA-256 digest of everything before it.
//!
//! Decoding never trusts its input: a truncated, corrupt, foreign or future file is
//! rejected with a [`DecodeError`]; the digest is checked before the body is decoded,
//! and a body that decodes is then [validated](crate::validate).

use crate::program::Program;
use crate::validate::{ValidationError, validate};
use sha2::{Digest as _, Sha256};

/// The first bytes of every `.polc` file. The high byte and the CR LF / Ctrl-Z detect
/// files mangled by text-mode transfers, as PNG does.
pub const MAGIC: [u8; 8] = *b"\x89POLC\r\n\x1a";

/// The version of the encoding. Files of other versions are rejected, never guessed at.
pub const FORMAT_VERSION: u32 = 8;

/// Magic, version and body length.
const HEADER_LEN: usize = 8 + 4 + 8;

/// The SHA-256 digest after the body.
const TRAILER_LEN: usize = 32;

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
        /// Bytes the header announces (header and digest included).
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// Bytes after the digest, or after the program inside the body.
    TrailingBytes,
    /// The SHA-256 digest at the end of the file is not that of the bytes before it.
    DigestMismatch,
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
            DecodeError::DigestMismatch => f.write_str(
                "the .polc file is corrupt or altered: its SHA-256 digest does not match",
            ),
            DecodeError::Malformed(why) => write!(f, "malformed program: {why}"),
            DecodeError::Invalid(why) => write!(f, "invalid program: {why}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Encodes a program as `.polc` bytes. The same program always gives the same bytes.
pub fn encode(program: &Program) -> Vec<u8> {
    // Encoding plain data into a Vec cannot fail; an empty body would be rejected on load.
    let body = postcard::to_allocvec(program).unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_LEN + body.len() + TRAILER_LEN);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&body);
    let digest = Sha256::digest(&out);
    out.extend_from_slice(&digest);
    out
}

/// Decodes and validates `.polc` bytes.
///
/// The checks come in this order, each with its own [`DecodeError`]: the magic bytes,
/// the format version, the length, the SHA-256 digest at the end of the file (before
/// anything of the body is decoded), the decoding of the body, and
/// [validation](crate::validate).
///
/// The digest in the file detects damage. It cannot tell who wrote the file: whoever
/// changes the body can write a new digest too. To know a file is the one that was
/// built, compare [`Digest::of`](crate::Digest::of) the bytes with a digest known from
/// elsewhere (a signature, a pinned value) before loading them.
///
/// The program's name is [`Digest::of`](crate::Digest::of)`(bytes)`, the digest of the
/// whole file, which callers compute from the same bytes. It equals
/// [`Program::digest`] of the result for every file [`encode`] writes; a hand-made
/// file can encode the same program in other bytes (an integer written with more bytes
/// than it needs), and it then names those bytes.
pub fn decode(bytes: &[u8]) -> Result<Program, DecodeError> {
    let body = checked_body(bytes)?;
    let (program, rest): (Program, &[u8]) =
        postcard::take_from_bytes(body).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingBytes);
    }
    validate(&program).map_err(DecodeError::Invalid)?;
    Ok(program)
}

/// Decodes a program built into the binary that reads it: like [`decode`], without
/// comparing the SHA-256 digest or validating the program. Only for bytes compiled in
/// (`include_bytes!`) and kept equal to their compiled sources by a test, such as
/// pol's shipped packs: never for a file or anything else from outside.
pub fn decode_built_in(bytes: &'static [u8]) -> Result<Program, DecodeError> {
    let body = framed_body(bytes)?;
    let (program, rest): (Program, &[u8]) =
        postcard::take_from_bytes(body).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingBytes);
    }
    Ok(program)
}

/// Checks the header, the length and the digest of a `.polc` file; returns its body.
fn checked_body(bytes: &[u8]) -> Result<&[u8], DecodeError> {
    let body = framed_body(bytes)?;
    let (covered, digest) = bytes.split_at(bytes.len().saturating_sub(TRAILER_LEN));
    if Sha256::digest(covered).as_slice() != digest {
        return Err(DecodeError::DigestMismatch);
    }
    Ok(body)
}

/// Checks the header and the length of a `.polc` file; returns its body.
fn framed_body(bytes: &[u8]) -> Result<&[u8], DecodeError> {
    if bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
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
    if bytes.len() < HEADER_LEN {
        return Err(DecodeError::Truncated {
            expected: HEADER_LEN as u64,
            found: bytes.len() as u64,
        });
    }
    let version = u32::from_le_bytes(field(bytes, 8));
    if version != FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion { found: version });
    }
    let body_len = u64::from_le_bytes(field(bytes, 12));
    let expected = body_len.saturating_add((HEADER_LEN + TRAILER_LEN) as u64);
    match (bytes.len() as u64).cmp(&expected) {
        std::cmp::Ordering::Less => {
            return Err(DecodeError::Truncated {
                expected,
                found: bytes.len() as u64,
            });
        }
        std::cmp::Ordering::Greater => return Err(DecodeError::TrailingBytes),
        std::cmp::Ordering::Equal => {}
    }
    let covered = bytes
        .get(..bytes.len().saturating_sub(TRAILER_LEN))
        .unwrap_or_default();
    Ok(covered.get(HEADER_LEN..).unwrap_or_default())
}

/// The `N` bytes at `at` (zeros past the end: callers check the length first).
fn field<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    bytes
        .get(at..at.saturating_add(N))
        .and_then(|b| b.try_into().ok())
        .unwrap_or([0; N])
}
