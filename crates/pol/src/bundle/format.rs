//! The bundle file format (`docs/bundles.md`): header, body (the `.polc` program and the
//! data files), SHA-256 digest, signature block. Writing, and reading without trusting a
//! byte of the input.

use super::{BundleError, DataFile, DataFormat, KeyId};
use crate::Digest;
use std::ops::Range;

/// The first bytes of every bundle: `.polc`'s magic with `POLB` for `POLC`.
pub const MAGIC: [u8; 8] = *b"\x89POLB\r\n\x1a";

/// The version of the bundle format. Files of other versions are refused.
pub const FORMAT_VERSION: u32 = 1;

/// Magic, version and body length.
pub(crate) const HEADER_LEN: usize = 8 + 4 + 8;

/// The SHA-256 digest after the body.
const DIGEST_LEN: usize = 32;

/// The longest data file name, in bytes.
pub(crate) const MAX_NAME_LEN: usize = 4096;

/// Signature kind: none.
const SIG_NONE: u8 = 0;
/// Signature kind: Ed25519, with the key id and the signature after it.
const SIG_ED25519: u8 = 1;

/// Length of an Ed25519 signature.
pub(crate) const SIGNATURE_LEN: usize = 64;

/// A bundle's file, read: where each part is.
pub(crate) struct Parsed {
    /// The `.polc` bytes within the file.
    pub program: Range<usize>,
    /// The data files, copied out.
    pub data: Vec<DataFile>,
    /// The SHA-256 digest of header and body.
    pub digest: Digest,
    /// The signature block, if any.
    pub signature: Option<SignatureBlock>,
}

/// A signature as it is in a file.
#[derive(Debug, Clone)]
pub(crate) struct SignatureBlock {
    /// The id of the key that signed (as the file says: not yet verified).
    pub key_id: KeyId,
    /// The signature's 64 bytes.
    pub signature: [u8; SIGNATURE_LEN],
    /// The length of the signed message: every byte of the file before the signature.
    pub signed_len: usize,
}

/// The bytes of a bundle up to its signature kind: header, body, digest. The caller
/// appends the signature kind and what follows it.
pub(crate) fn encode_unsigned_prefix(program: &[u8], data: &[DataFile]) -> Vec<u8> {
    let mut body = Vec::new();
    put_len64(&mut body, program.len());
    body.extend_from_slice(program);
    put_len32(&mut body, data.len());
    for file in data {
        put_len32(&mut body, file.name.len());
        body.extend_from_slice(file.name.as_bytes());
        body.push(file.format.tag());
        put_len64(&mut body, file.text.len());
        body.extend_from_slice(file.text.as_bytes());
    }
    let mut out = Vec::with_capacity(HEADER_LEN + body.len() + DIGEST_LEN + 1);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    put_len64(&mut out, body.len());
    out.extend_from_slice(&body);
    let digest = Digest::of(&out);
    out.extend_from_slice(digest.as_bytes());
    out
}

/// Appends "no signature".
pub(crate) fn finish_unsigned(out: &mut Vec<u8>) {
    out.push(SIG_NONE);
}

/// Appends the Ed25519 signature kind and the key id; the caller signs the result and
/// appends the signature.
pub(crate) fn start_signature(out: &mut Vec<u8>, key_id: &KeyId) {
    out.push(SIG_ED25519);
    out.extend_from_slice(key_id.as_bytes());
}

/// Checks every length and the digest, and reads the parts of a bundle.
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed, BundleError> {
    let found = bytes.len() as u64;
    let head = bytes.get(..MAGIC.len()).unwrap_or(bytes);
    if !MAGIC.starts_with(head) || bytes.is_empty() {
        return Err(BundleError::BadMagic);
    }
    if bytes.len() < HEADER_LEN {
        return Err(BundleError::Truncated {
            expected: HEADER_LEN as u64,
            found,
        });
    }
    let mut header = Cursor::new(bytes, MAGIC.len()..HEADER_LEN);
    let version = header.u32()?;
    if version != FORMAT_VERSION {
        return Err(BundleError::UnsupportedVersion { found: version });
    }
    let body_len = header.u64()?;
    // Header, body, digest and the signature kind: the least a bundle has.
    let least = body_len.saturating_add((HEADER_LEN + DIGEST_LEN + 1) as u64);
    if found < least {
        return Err(BundleError::Truncated {
            expected: least,
            found,
        });
    }
    // `least` fits in the file, so in a usize.
    let body_end = HEADER_LEN.saturating_add(usize::try_from(body_len).unwrap_or(usize::MAX));
    let digest_end = body_end.saturating_add(DIGEST_LEN);
    let covered = bytes.get(..body_end).unwrap_or_default();
    let digest = Digest::of(covered);
    if bytes.get(body_end..digest_end) != Some(digest.as_bytes().as_slice()) {
        return Err(BundleError::DigestMismatch);
    }
    let signature = signature_block(bytes, digest_end)?;
    let mut body = Cursor::new(bytes, HEADER_LEN..body_end);
    let program_len = body.len64()?;
    let program = body.range(program_len)?;
    let count = body.u32()?;
    let mut data: Vec<DataFile> = Vec::new();
    for _ in 0..count {
        let file = data_file(&mut body)?;
        if data.iter().any(|d| d.name == file.name) {
            return Err(BundleError::DuplicateDataFile { name: file.name });
        }
        data.push(file);
    }
    if !body.is_empty() {
        return Err(BundleError::Malformed(
            "bytes after the last data file".to_owned(),
        ));
    }
    Ok(Parsed {
        program,
        data,
        digest,
        signature,
    })
}

/// The signature block at `at`, which must end the file.
fn signature_block(bytes: &[u8], at: usize) -> Result<Option<SignatureBlock>, BundleError> {
    let mut rest = Cursor::new(bytes, at..bytes.len());
    let kind = rest.u8()?;
    let block = match kind {
        SIG_NONE => None,
        SIG_ED25519 => {
            let needed = at.saturating_add(1 + 32 + SIGNATURE_LEN);
            if bytes.len() < needed {
                return Err(BundleError::Truncated {
                    expected: needed as u64,
                    found: bytes.len() as u64,
                });
            }
            let key_id = rest.array::<32>()?;
            let signed_len = rest.at;
            let signature = rest.array::<SIGNATURE_LEN>()?;
            Some(SignatureBlock {
                key_id: KeyId(key_id),
                signature,
                signed_len,
            })
        }
        other => {
            return Err(BundleError::Malformed(format!(
                "unknown signature kind {other}"
            )));
        }
    };
    if !rest.is_empty() {
        return Err(BundleError::TrailingBytes);
    }
    Ok(block)
}

/// One data file of the body.
fn data_file(body: &mut Cursor<'_>) -> Result<DataFile, BundleError> {
    let name_len = body.len32()?;
    if name_len == 0 || name_len > MAX_NAME_LEN {
        return Err(BundleError::Malformed(format!(
            "a data file's name is {name_len} bytes long (1 to {MAX_NAME_LEN} allowed)"
        )));
    }
    let name = std::str::from_utf8(body.take(name_len)?)
        .map_err(|_| BundleError::Malformed("a data file's name is not UTF-8".to_owned()))?
        .to_owned();
    let tag = body.u8()?;
    let format = DataFormat::from_tag(tag).ok_or_else(|| {
        BundleError::Malformed(format!("data file `{name}` has unknown format {tag}"))
    })?;
    let text_len = body.len64()?;
    let text = std::str::from_utf8(body.take(text_len)?)
        .map_err(|_| BundleError::Malformed(format!("data file `{name}` is not UTF-8")))?
        .to_owned();
    Ok(DataFile { name, format, text })
}

/// Reads little-endian fields from `bytes` within `range`, never past it.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    end: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8], range: Range<usize>) -> Cursor<'a> {
        Cursor {
            bytes,
            at: range.start,
            end: range.end.min(bytes.len()),
        }
    }

    fn is_empty(&self) -> bool {
        self.at >= self.end
    }

    /// The next `n` bytes as a range of the file.
    fn range(&mut self, n: usize) -> Result<Range<usize>, BundleError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.end)
            .ok_or_else(|| {
                BundleError::Malformed("a length runs past the end of its section".to_owned())
            })?;
        let range = self.at..end;
        self.at = end;
        Ok(range)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], BundleError> {
        let range = self.range(n)?;
        Ok(self.bytes.get(range).unwrap_or_default())
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BundleError> {
        let bytes = self.take(N)?;
        bytes
            .try_into()
            .map_err(|_| BundleError::Malformed("a field is cut short".to_owned()))
    }

    fn u8(&mut self) -> Result<u8, BundleError> {
        let [b] = self.array::<1>()?;
        Ok(b)
    }

    fn u32(&mut self) -> Result<u32, BundleError> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Result<u64, BundleError> {
        self.array().map(u64::from_le_bytes)
    }

    /// A 32-bit length.
    fn len32(&mut self) -> Result<usize, BundleError> {
        let n = self.u32()?;
        usize::try_from(n).map_err(|_| too_long())
    }

    /// A 64-bit length.
    fn len64(&mut self) -> Result<usize, BundleError> {
        let n = self.u64()?;
        usize::try_from(n).map_err(|_| too_long())
    }
}

fn too_long() -> BundleError {
    BundleError::Malformed("a length does not fit in memory".to_owned())
}

fn put_len32(out: &mut Vec<u8>, n: usize) {
    // Callers keep names and counts far below 4 GiB (checked when a bundle is built).
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_len64(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u64).to_le_bytes());
}
