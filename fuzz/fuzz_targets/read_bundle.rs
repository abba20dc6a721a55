//! Any bytes as a bundle: rejected with an error, or read, verified and its program
//! loaded, never a panic or an out-of-bounds read. The first byte chooses: the bytes as
//! a whole file, or as the body of a bundle whose header and SHA-256 digest are made
//! right and which is signed by the trusted key (a random change almost never survives
//! the digest, so without it the fuzzer would only ever test the digest check; signed,
//! it reaches `verify`'s success path and the program's decoding).
#![no_main]

use ed25519_dalek::{Signer, SigningKey};
use libfuzzer_sys::fuzz_target;
use pol::bundle::{Bundle, Container, PrivateKey, FORMAT_VERSION, MAGIC};

/// The trusted key's seed.
const SEED: [u8; 32] = [7; 32];

/// `body` in a bundle envelope: magic, version, length, body, SHA-256 digest, then an
/// Ed25519 signature by the trusted key over all of it.
fn envelope(body: &[u8], key: &PrivateKey) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    let digest = pol::Digest::of(&out);
    out.extend_from_slice(digest.as_bytes());
    out.push(1);
    out.extend_from_slice(key.key_id().as_bytes());
    let signature = SigningKey::from_bytes(&SEED).sign(&out);
    out.extend_from_slice(&signature.to_bytes());
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let key = PrivateKey::from_seed(&SEED);
    let bytes = if mode % 2 == 0 { rest.to_vec() } else { envelope(rest, &key) };
    let Ok(bundle) = Bundle::read(&bytes) else { return };
    let verified = bundle.verify(&key.public_key());
    if mode % 2 == 1 && bundle.container() == Container::Bundle {
        // Made right and signed by the trusted key: it must verify.
        assert!(verified.is_ok(), "{verified:?}");
    }
    for file in bundle.data_files() {
        let _ = pol::load(&file.text, file.format.format(), Some(&file.name));
    }
    let _ = bundle.policy();
});
