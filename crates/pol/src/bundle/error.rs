//! `BundleError`: why a bundle, or a key, was refused.

use super::KeyId;
use super::format::{FORMAT_VERSION, HEADER_LEN};

/// Why a bundle could not be read or verified, or a key could not be read or made.
///
/// Reading ([`Bundle::read`](super::Bundle::read)) gives the first six; verifying
/// ([`Bundle::verify`](super::Bundle::verify)) gives [`Unsigned`](BundleError::Unsigned),
/// [`WrongKey`](BundleError::WrongKey) or [`BadSignature`](BundleError::BadSignature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleError {
    /// Neither a bundle nor a `.polc` program (the magic bytes are wrong).
    BadMagic,
    /// A bundle of another format version.
    UnsupportedVersion {
        /// The version in the file.
        found: u32,
    },
    /// The file is shorter than its header says.
    Truncated {
        /// Bytes the file needs (what the header announces, or the header itself).
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// Bytes after the end of the bundle.
    TrailingBytes,
    /// The SHA-256 digest in the file is not that of the bytes it covers: the file was
    /// damaged (or edited without a new digest).
    DigestMismatch,
    /// The bundle's contents break the format (a data file's name, format or text; a
    /// signature kind this pol does not know).
    Malformed(String),
    /// Two data files with one name (when building a bundle, or in a file).
    DuplicateDataFile {
        /// The name.
        name: String,
    },
    /// A signature was required and the bundle has none.
    Unsigned,
    /// The bundle is signed, by another key than the one given.
    WrongKey {
        /// The id of the key given to verify with.
        expected: KeyId,
        /// The id of the key the bundle says signed it.
        found: KeyId,
    },
    /// The signature does not match the bundle's contents under the key given: the
    /// bundle was changed after it was signed.
    BadSignature {
        /// The id of the key given to verify with.
        key: KeyId,
    },
    /// A key file that is not an Ed25519 key in the expected encoding.
    InvalidKey {
        /// What was expected: `private` or `public`.
        expected: KeyKind,
        /// Why it does not read.
        reason: String,
    },
    /// A private key where a public key is expected (`--verify-key` takes the `.pub`
    /// file).
    PrivateKeyNotPublic,
    /// The operating system gave no randomness for a new key.
    Randomness(String),
}

/// Which half of a key pair a key file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A private (signing) key: PKCS#8 PEM, `-----BEGIN PRIVATE KEY-----`.
    Private,
    /// A public (verifying) key: SPKI PEM, `-----BEGIN PUBLIC KEY-----`.
    Public,
}

impl std::fmt::Display for BundleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BundleError::BadMagic => {
                f.write_str("not a compiled pol program or bundle (bad magic bytes)")
            }
            BundleError::UnsupportedVersion { found } => write!(
                f,
                "a bundle of format version {found}, but this pol reads version {FORMAT_VERSION}: build it again with `pol build`"
            ),
            BundleError::Truncated { expected, found } if *expected == HEADER_LEN as u64 => {
                write!(
                    f,
                    "truncated: {found} bytes, shorter than the {HEADER_LEN}-byte header"
                )
            }
            BundleError::Truncated { expected, found } => write!(
                f,
                "truncated: the bundle needs {expected} bytes but the file has {found}"
            ),
            BundleError::TrailingBytes => f.write_str("unexpected bytes after the bundle"),
            BundleError::DigestMismatch => f.write_str(
                "the bundle is corrupt or altered: its SHA-256 digest does not match its contents",
            ),
            BundleError::Malformed(why) => write!(f, "malformed bundle: {why}"),
            BundleError::DuplicateDataFile { name } => {
                write!(f, "two data files are named `{name}`")
            }
            BundleError::Unsigned => f.write_str(
                "the bundle is not signed, and a signature is required (`--verify-key`)",
            ),
            BundleError::WrongKey { expected, found } => write!(
                f,
                "the bundle is signed by key {found}, not by the trusted key {expected}"
            ),
            BundleError::BadSignature { key } => write!(
                f,
                "the signature does not match under key {key}: the bundle was altered after it was signed"
            ),
            BundleError::InvalidKey { expected, reason } => {
                let (what, pem) = match expected {
                    KeyKind::Private => ("private", "PKCS#8 PEM"),
                    KeyKind::Public => ("public", "SPKI PEM"),
                };
                write!(f, "not an Ed25519 {what} key in {pem}: {reason}")
            }
            BundleError::PrivateKeyNotPublic => f.write_str(
                "this is a private key: verify with its public key (the `.pub` file `pol keygen` wrote)",
            ),
            BundleError::Randomness(why) => {
                write!(f, "the operating system gave no randomness for a key: {why}")
            }
        }
    }
}

impl std::error::Error for BundleError {}
