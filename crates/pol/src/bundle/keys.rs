//! Ed25519 keys for bundles: generating them from the OS's randomness, reading and
//! writing them as standard PEM files (PKCS#8 private keys, SPKI public keys, as
//! `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write them), and the
//! key id that names a public key in messages.

use super::BundleError;
use super::error::KeyKind;
use crate::Digest;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use ed25519_dalek::{SigningKey, VerifyingKey};

/// A private key that signs bundles. Its `Debug` shows the key id only.
#[derive(Clone)]
pub struct PrivateKey(pub(super) SigningKey);

/// A public key that verifies bundles.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(pub(super) VerifyingKey);

/// The id of a public key: the SHA-256 digest of its 32 bytes. Bundles name their
/// signer by it; it displays as its first 16 hexadecimal digits (the full digest with
/// `{:#}`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub(super) [u8; 32]);

impl PrivateKey {
    /// A new key from the operating system's randomness.
    pub fn generate() -> Result<PrivateKey, BundleError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| BundleError::Randomness(e.to_string()))?;
        let key = SigningKey::from_bytes(&seed);
        seed.fill(0);
        Ok(PrivateKey(key))
    }

    /// The key of 32 secret bytes (an Ed25519 seed, RFC 8032). For tests and for keys
    /// kept elsewhere; [`PrivateKey::generate`] makes new ones.
    pub fn from_seed(seed: &[u8; 32]) -> PrivateKey {
        PrivateKey(SigningKey::from_bytes(seed))
    }

    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`), with or without
    /// its public key inside (PKCS#8 v2 or v1).
    pub fn from_pem(text: &str) -> Result<PrivateKey, BundleError> {
        SigningKey::from_pkcs8_pem(text)
            .map(PrivateKey)
            .map_err(|e| BundleError::InvalidKey {
                expected: KeyKind::Private,
                reason: e.to_string(),
            })
    }

    /// The key as PKCS#8 PEM: the 32 secret bytes alone (v1), the form OpenSSL writes.
    pub fn to_pem(&self) -> String {
        let bytes = KeypairBytes {
            secret_key: self.0.to_bytes(),
            public_key: None,
        };
        // Encoding 32 bytes into PEM cannot fail; an empty string would not read back.
        bytes
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.as_str().to_owned())
            .unwrap_or_default()
    }

    /// The public key of this key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The id of its public key.
    pub fn key_id(&self) -> KeyId {
        self.public_key().key_id()
    }
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey({})", self.key_id())
    }
}

impl PublicKey {
    /// Reads an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`). A private key is
    /// refused with [`BundleError::PrivateKeyNotPublic`]: trusting a key means holding
    /// its public half only.
    pub fn from_pem(text: &str) -> Result<PublicKey, BundleError> {
        if text.contains("-----BEGIN PRIVATE KEY-----") {
            return Err(BundleError::PrivateKeyNotPublic);
        }
        VerifyingKey::from_public_key_pem(text)
            .map(PublicKey)
            .map_err(|e| BundleError::InvalidKey {
                expected: KeyKind::Public,
                reason: e.to_string(),
            })
    }

    /// The key as SPKI PEM.
    pub fn to_pem(&self) -> String {
        // Encoding 32 bytes into PEM cannot fail; an empty string would not read back.
        self.0.to_public_key_pem(LineEnding::LF).unwrap_or_default()
    }

    /// The key's 32 bytes (RFC 8032).
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// The key's id.
    pub fn key_id(&self) -> KeyId {
        KeyId(Digest::of(self.0.as_bytes()).0)
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.key_id())
    }
}

impl KeyId {
    /// The id's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if f.alternate() { 32 } else { 8 };
        for byte in self.0.iter().take(shown) {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyId({self:#})")
    }
}
