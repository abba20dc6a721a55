//! Bundles: a compiled program (`.polc` bytes) with named reference-data files, signed
//! with Ed25519 or not (`docs/bundles.md`).
//!
//! ```
//! use pol::bundle::{Bundle, DataFile, DataFormat, PrivateKey};
//!
//! # let polc = pol::Policy::from_source("p.pol", "package p").unwrap().to_polc();
//! let key = PrivateKey::from_seed(&[7; 32]);
//! let roles = DataFile::new("roles.yaml", DataFormat::Yaml, "admins: [ada]\n");
//! let bundle = Bundle::signed(&polc, vec![roles], &key)?;
//! let bytes = bundle.as_bytes().to_vec();
//!
//! // Elsewhere, with the public key only:
//! let read = Bundle::read(&bytes)?;
//! read.verify(&key.public_key())?;
//! let policy = read.policy()?;
//! assert_eq!(read.data_files()[0].name, "roles.yaml");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Reading checks the structure and the SHA-256 digest (damage); only [`Bundle::verify`]
//! says who made a bundle. Verify before [`Bundle::policy`] decodes the program: then
//! nothing of an untrusted program is even decoded.

mod error;
mod format;
mod keys;

pub use error::{BundleError, KeyKind};
pub use format::{FORMAT_VERSION, MAGIC};
pub use keys::{KeyId, PrivateKey, PublicKey};

use crate::{Digest, Policy};
use ed25519_dalek::{Signature, Signer};
use format::SignatureBlock;
use std::ops::Range;

/// A reference-data file carried by a bundle: its name, format and text as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// Its name (the path `pol build --data` was given).
    pub name: String,
    /// How its text is written.
    pub format: DataFormat,
    /// Its text, byte for byte.
    pub text: String,
}

impl DataFile {
    /// A data file.
    pub fn new(name: impl Into<String>, format: DataFormat, text: impl Into<String>) -> DataFile {
        DataFile {
            name: name.into(),
            format,
            text: text.into(),
        }
    }
}

/// The formats of data files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

impl DataFormat {
    /// The format a file's name says: `.json`, or `.yaml` / `.yml`.
    pub fn from_path(path: &str) -> Option<DataFormat> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(DataFormat::Json),
            "yaml" | "yml" => Some(DataFormat::Yaml),
            _ => None,
        }
    }

    /// The input format that loads it.
    pub fn format(self) -> crate::Format {
        match self {
            DataFormat::Json => crate::Format::Json,
            DataFormat::Yaml => crate::Format::Yaml,
        }
    }

    /// The format's name: `json` or `yaml`.
    pub fn name(self) -> &'static str {
        match self {
            DataFormat::Json => "json",
            DataFormat::Yaml => "yaml",
        }
    }

    /// Its byte in a bundle.
    fn tag(self) -> u8 {
        match self {
            DataFormat::Json => 1,
            DataFormat::Yaml => 2,
        }
    }

    fn from_tag(tag: u8) -> Option<DataFormat> {
        match tag {
            1 => Some(DataFormat::Json),
            2 => Some(DataFormat::Yaml),
            _ => None,
        }
    }
}

impl std::fmt::Display for DataFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a bundle's bytes were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// A bundle file (`MAGIC`).
    Bundle,
    /// A plain `.polc` program: a bundle with no data and no signature.
    Polc,
}

/// A compiled program with its data files and, when signed, its signature. Read one
/// with [`Bundle::read`], make one with [`Bundle::unsigned`] or [`Bundle::signed`].
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The whole file.
    bytes: Vec<u8>,
    /// The `.polc` program within `bytes`.
    program: Range<usize>,
    data: Vec<DataFile>,
    signature: Option<SignatureBlock>,
    digest: Digest,
    container: Container,
}

impl Bundle {
    /// Reads a bundle, or a plain `.polc` program as an unsigned bundle without data.
    ///
    /// Checks the magic bytes, the version, every length and the SHA-256 digest of the
    /// contents, and reads the data files; the program itself is decoded by
    /// [`Bundle::policy`], and the signature checked by [`Bundle::verify`].
    pub fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
        // A `.polc` file, or a cut one (which `policy` refuses as truncated).
        let head = bytes.get(..MAGIC.len()).unwrap_or(bytes);
        if crate::POLC_MAGIC.starts_with(head) && !MAGIC.starts_with(head) {
            return Ok(Bundle {
                bytes: bytes.to_vec(),
                program: 0..bytes.len(),
                data: Vec::new(),
                signature: None,
                digest: Digest::of(bytes),
                container: Container::Polc,
            });
        }
        let parsed = format::parse(bytes)?;
        Ok(Bundle {
            bytes: bytes.to_vec(),
            program: parsed.program,
            data: parsed.data,
            signature: parsed.signature,
            digest: parsed.digest,
            container: Container::Bundle,
        })
    }

    /// A bundle of `polc` (the bytes of a `.polc` program) and `data`, not signed.
    /// Refuses data files with one name, or with an empty or overlong name.
    pub fn unsigned(polc: &[u8], data: Vec<DataFile>) -> Result<Bundle, BundleError> {
        check_parts(polc, &data)?;
        let mut bytes = format::encode_unsigned_prefix(polc, &data);
        format::finish_unsigned(&mut bytes);
        Bundle::read(&bytes)
    }

    /// A bundle of `polc` and `data`, signed with `key`: the signature covers every
    /// byte of the file before it — header, program, data, digest, and the signer's key
    /// id.
    pub fn signed(
        polc: &[u8],
        data: Vec<DataFile>,
        key: &PrivateKey,
    ) -> Result<Bundle, BundleError> {
        check_parts(polc, &data)?;
        let mut bytes = format::encode_unsigned_prefix(polc, &data);
        format::start_signature(&mut bytes, &key.key_id());
        let signature = key.0.sign(&bytes);
        bytes.extend_from_slice(&signature.to_bytes());
        Bundle::read(&bytes)
    }

    /// Checks that the bundle is signed by `key` and unchanged since. Fails with
    /// [`BundleError::Unsigned`] without a signature (a plain `.polc` included),
    /// [`BundleError::WrongKey`] when another key signed it, and
    /// [`BundleError::BadSignature`] when the signature does not match the contents.
    pub fn verify(&self, key: &PublicKey) -> Result<(), BundleError> {
        let block = self.signature.as_ref().ok_or(BundleError::Unsigned)?;
        let expected = key.key_id();
        if block.key_id != expected {
            return Err(BundleError::WrongKey {
                expected,
                found: block.key_id,
            });
        }
        let message = self
            .bytes
            .get(..block.signed_len)
            .ok_or(BundleError::BadSignature { key: expected })?;
        let signature = Signature::from_bytes(&block.signature);
        // Strict: no small-order keys or non-canonical signatures (no second valid
        // signature made from a first).
        key.0
            .verify_strict(message, &signature)
            .map_err(|_| BundleError::BadSignature { key: expected })
    }

    /// Decodes and validates the program. Call [`Bundle::verify`] first when the
    /// bundle must come from a trusted signer.
    pub fn policy(&self) -> Result<Policy, crate::ProgramLoadError> {
        Policy::from_polc(self.program())
    }

    /// The `.polc` bytes of the program.
    pub fn program(&self) -> &[u8] {
        self.bytes.get(self.program.clone()).unwrap_or_default()
    }

    /// The data files, in the order they were given.
    pub fn data_files(&self) -> &[DataFile] {
        &self.data
    }

    /// The id of the key the bundle says signed it, if signed. Not verified: only
    /// [`Bundle::verify`] says the signature is good.
    pub fn key_id(&self) -> Option<KeyId> {
        self.signature.as_ref().map(|s| s.key_id)
    }

    /// Whether the bundle carries a signature (good or not).
    pub fn is_signed(&self) -> bool {
        self.signature.is_some()
    }

    /// A bundle file, or a plain `.polc` program.
    pub fn container(&self) -> Container {
        self.container
    }

    /// The SHA-256 digest that names the bundle's contents: of header and body (program
    /// and data), the same signed or not. For a plain `.polc` file, the digest of the
    /// file ([`crate::Digest`] of the program).
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The bundle's file.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// The program is a `.polc` file; data files' names are non-empty, at most
/// [`format::MAX_NAME_LEN`] bytes, and distinct.
fn check_parts(polc: &[u8], data: &[DataFile]) -> Result<(), BundleError> {
    if !polc.starts_with(&crate::POLC_MAGIC) {
        return Err(BundleError::Malformed(
            "the program is not a `.polc` file".to_owned(),
        ));
    }
    if u32::try_from(data.len()).is_err() {
        return Err(BundleError::Malformed("too many data files".to_owned()));
    }
    for (i, file) in data.iter().enumerate() {
        if file.name.is_empty() || file.name.len() > format::MAX_NAME_LEN {
            return Err(BundleError::Malformed(format!(
                "a data file's name is {} bytes long (1 to {} allowed)",
                file.name.len(),
                format::MAX_NAME_LEN
            )));
        }
        if data.iter().take(i).any(|d| d.name == file.name) {
            return Err(BundleError::DuplicateDataFile {
                name: file.name.clone(),
            });
        }
    }
    Ok(())
}
