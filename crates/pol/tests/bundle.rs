//! Signed bundles (`pol::bundle`, docs/bundles.md): what is written reads back, and
//! every change to a signed bundle — a flipped byte in any region, a swapped key, a
//! stripped signature, a cut — is refused with the error that names it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code"
)]

use pol::bundle::{
    Bundle, BundleError, Container, DataFile, DataFormat, KeyKind, MAGIC, PrivateKey, PublicKey,
};
use pol::{Digest, Format, Policy};

const POLICY: &str = r#"
package p

deny x_is_one {
  if input.x == 1
  message "x is one"
}
"#;

/// A key made by `openssl genpkey -algorithm ed25519`, and its `openssl pkey -pubout`.
const OPENSSL_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIMW8b1mfbiQ2UdPcurBgmj8SxrRfCDCzlMZ+Vuh4JF6Y
-----END PRIVATE KEY-----
";
const OPENSSL_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAutR8uY9wTaS/fdP4QLz2lV0gcR0pd8lOvSxRHEiLSc8=
-----END PUBLIC KEY-----
";
/// The public key's bytes, as `openssl pkey -text` prints them.
const OPENSSL_PUBLIC_HEX: &str = "bad47cb98f704da4bf7dd3f840bcf6955d20711d2977c94ebd2c511c488b49cf";

const HEADER: usize = 20;
const DIGEST: usize = 32;
const SIGNATURE_BLOCK: usize = 1 + 32 + 64;

fn polc() -> Vec<u8> {
    Policy::from_source("p.pol", POLICY).unwrap().to_polc()
}

fn data() -> Vec<DataFile> {
    vec![
        DataFile::new(
            "data/roles.yaml",
            DataFormat::Yaml,
            "admins: [ada, grace]\n",
        ),
        DataFile::new(
            "envs.json",
            DataFormat::Json,
            r#"{"prod": {"approvals": 2}}"#,
        ),
    ]
}

fn key() -> PrivateKey {
    PrivateKey::from_seed(&[7; 32])
}

fn other_key() -> PrivateKey {
    PrivateKey::from_seed(&[9; 32])
}

fn signed() -> Bundle {
    Bundle::signed(&polc(), data(), &key()).unwrap()
}

/// Reads and verifies with the trusted key.
fn check(bytes: &[u8]) -> Result<Bundle, BundleError> {
    let bundle = Bundle::read(bytes)?;
    bundle.verify(&key().public_key())?;
    Ok(bundle)
}

/// Where the body ends (the digest starts) in a bundle's bytes.
fn body_end(bytes: &[u8]) -> usize {
    HEADER + u64::from_le_bytes(bytes[12..20].try_into().unwrap()) as usize
}

/// Writes the right digest again after changing the body: what an attacker who knows
/// the format does, so that only the signature can catch the change.
fn redigest(bytes: &mut [u8]) {
    let end = body_end(bytes);
    let digest = Digest::of(&bytes[..end]);
    bytes[end..end + DIGEST].copy_from_slice(digest.as_bytes());
}

/// The position of `needle` in `bytes`.
fn find(bytes: &[u8], needle: &[u8]) -> usize {
    bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}

#[test]
fn a_signed_bundle_reads_back_verifies_and_runs() {
    let bundle = signed();
    let read = check(bundle.as_bytes()).unwrap();
    assert_eq!(read.container(), Container::Bundle);
    assert_eq!(read.program(), polc().as_slice());
    assert_eq!(read.data_files(), data().as_slice());
    assert_eq!(read.key_id(), Some(key().key_id()));
    assert!(read.is_signed());
    let policy = read.policy().unwrap();
    let decisions = policy
        .evaluate_text(r#"{"x": 1}"#, Format::Json, None)
        .unwrap();
    assert!(!decisions[0].allowed);
    // The same contents, unsigned: the same digest, no signature.
    let unsigned = Bundle::unsigned(&polc(), data()).unwrap();
    assert_eq!(unsigned.digest(), bundle.digest());
    assert_eq!(
        unsigned.as_bytes().len() + SIGNATURE_BLOCK - 1,
        bundle.as_bytes().len()
    );
    assert_eq!(
        Bundle::read(unsigned.as_bytes())
            .unwrap()
            .verify(&key().public_key()),
        Err(BundleError::Unsigned)
    );
    // Signing is deterministic (Ed25519): the same inputs, the same file.
    assert_eq!(signed().as_bytes(), bundle.as_bytes());
}

#[test]
fn a_plain_polc_is_an_unsigned_bundle_without_data() {
    let polc = polc();
    let bundle = Bundle::read(&polc).unwrap();
    assert_eq!(bundle.container(), Container::Polc);
    assert_eq!(bundle.program(), polc.as_slice());
    assert!(bundle.data_files().is_empty());
    assert_eq!(bundle.key_id(), None);
    assert_eq!(bundle.digest(), Digest::of(&polc));
    assert_eq!(
        bundle.verify(&key().public_key()),
        Err(BundleError::Unsigned)
    );
    assert!(bundle.policy().is_ok());
}

#[test]
fn every_flipped_byte_is_refused_with_the_error_of_its_region() {
    let good = signed().as_bytes().to_vec();
    let end = body_end(&good);
    let program = find(&good, &polc());
    let program_end = program + polc().len();
    let kind = end + DIGEST;
    for at in 0..good.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut bytes = good.clone();
            bytes[at] ^= mask;
            let err = check(&bytes).err().unwrap_or_else(|| {
                panic!("a bundle with byte {at} changed (^{mask:#x}) was accepted")
            });
            let ok = match at {
                // `B` ^ 1 is `C`: the file then reads as a plain `.polc` (which the
                // program's own digest refuses), and carries no signature.
                4 if mask == 0x01 => err == BundleError::Unsigned,
                0..8 => err == BundleError::BadMagic,
                8..12 => matches!(err, BundleError::UnsupportedVersion { .. }),
                // A longer body than the file holds, or a digest looked for elsewhere.
                12..20 => matches!(
                    err,
                    BundleError::Truncated { .. } | BundleError::DigestMismatch
                ),
                // The program, the data files and the digest itself.
                _ if at < kind => err == BundleError::DigestMismatch,
                // The signature kind: unknown, or "none" with a signature after it.
                _ if at == kind => {
                    matches!(err, BundleError::Malformed(_) | BundleError::TrailingBytes)
                }
                _ if at < kind + 33 => matches!(err, BundleError::WrongKey { .. }),
                _ => matches!(err, BundleError::BadSignature { .. }),
            };
            assert!(ok, "byte {at} ^{mask:#x}: unexpected error {err:?}");
        }
    }
    assert!(program > HEADER && program_end < end);
}

#[test]
fn changes_behind_a_recomputed_digest_are_caught_by_the_signature() {
    let good = signed().as_bytes().to_vec();
    let program = find(&good, &polc());
    let roles = find(&good, b"admins: [ada, grace]");
    let name = find(&good, b"envs.json");
    let end = body_end(&good);
    // A byte of the program, of the body's lengths, of a data file's text, of its name,
    // of its format.
    for at in [
        program + 30,
        HEADER,
        roles + 9,
        name,
        name + "envs.json".len(),
        end - 1,
    ] {
        let mut bytes = good.clone();
        bytes[at] ^= 0x01;
        redigest(&mut bytes);
        match check(&bytes) {
            Err(BundleError::BadSignature { key: id }) => assert_eq!(id, key().key_id()),
            // A changed length or format tag makes the body itself wrong.
            Err(BundleError::Malformed(_)) if at == HEADER || at == name + 9 => {}
            other => panic!("byte {at} changed behind a new digest: {other:?}"),
        }
    }
    // Another data file's text swapped in, of the same length.
    let mut bytes = good.clone();
    bytes[roles..roles + 20].copy_from_slice(b"admins: [eve, grace]");
    redigest(&mut bytes);
    assert_eq!(
        check(&bytes).err(),
        Some(BundleError::BadSignature {
            key: key().key_id()
        })
    );
}

#[test]
fn a_bundle_signed_by_another_key_is_refused() {
    let other = Bundle::signed(&polc(), data(), &other_key()).unwrap();
    assert_eq!(
        check(other.as_bytes()).err(),
        Some(BundleError::WrongKey {
            expected: key().key_id(),
            found: other_key().key_id(),
        })
    );
    // Re-signed by another key that claims the trusted key's id.
    let mut bytes = other.as_bytes().to_vec();
    let id_at = body_end(&bytes) + DIGEST + 1;
    bytes[id_at..id_at + 32].copy_from_slice(key().key_id().as_bytes());
    assert_eq!(
        check(&bytes).err(),
        Some(BundleError::BadSignature {
            key: key().key_id()
        })
    );
    // The other key's own public key verifies it.
    assert!(other.verify(&other_key().public_key()).is_ok());
}

#[test]
fn a_stripped_signature_leaves_an_unsigned_bundle() {
    let good = signed().as_bytes().to_vec();
    let kind = body_end(&good) + DIGEST;
    let mut bytes = good[..=kind].to_vec();
    bytes[kind] = 0;
    let bundle = Bundle::read(&bytes).unwrap();
    assert!(!bundle.is_signed());
    assert_eq!(
        bundle.verify(&key().public_key()),
        Err(BundleError::Unsigned)
    );
    // And the plain program cut out of it: the same.
    let program = find(&good, &polc());
    let polc = &good[program..program + polc().len()];
    assert_eq!(check(polc).err(), Some(BundleError::Unsigned));
}

#[test]
fn every_truncation_and_extension_is_refused() {
    let good = signed().as_bytes().to_vec();
    assert_eq!(Bundle::read(&[]).err(), Some(BundleError::BadMagic));
    for len in 1..good.len() {
        match Bundle::read(&good[..len]) {
            Err(BundleError::Truncated { expected, found }) => {
                assert_eq!(found, len as u64);
                assert!(expected > found, "cut at {len}: expected {expected}");
            }
            other => panic!("cut at {len}: {other:?}"),
        }
    }
    let mut longer = good.clone();
    longer.push(0);
    assert_eq!(
        Bundle::read(&longer).err(),
        Some(BundleError::TrailingBytes)
    );
}

#[test]
fn hostile_contents_are_refused_not_trusted() {
    let good = Bundle::unsigned(&polc(), data())
        .unwrap()
        .as_bytes()
        .to_vec();
    // A second data file renamed to the first's name.
    let name = find(&good, b"envs.json");
    let bundle = Bundle::unsigned(
        &polc(),
        vec![
            DataFile::new("roles.yam", DataFormat::Yaml, "a: 1"),
            DataFile::new("envs.json", DataFormat::Json, "{}"),
        ],
    )
    .unwrap();
    let mut dup = bundle.as_bytes().to_vec();
    let second = find(&dup, b"envs.json");
    dup[second..second + 9].copy_from_slice(b"roles.yam");
    redigest(&mut dup);
    assert_eq!(
        Bundle::read(&dup).err(),
        Some(BundleError::DuplicateDataFile {
            name: "roles.yam".to_owned()
        })
    );
    // An unknown data format, text that is not UTF-8, a length past the body, each
    // behind a good digest.
    let tag = name + 9;
    for (at, value, says) in [
        (tag, 9u8, "unknown format 9"),
        (find(&good, b"{\"prod\""), 0xff, "is not UTF-8"),
        (name - 4, 0xfe, "runs past the end"),
    ] {
        let mut bytes = good.clone();
        bytes[at] = value;
        redigest(&mut bytes);
        match Bundle::read(&bytes) {
            Err(e @ BundleError::Malformed(_)) => {
                assert!(e.to_string().contains(says), "{e}")
            }
            other => panic!("byte {at} = {value}: {other:?}"),
        }
    }
    // A future version.
    let mut bytes = good.clone();
    bytes[8] = 2;
    assert_eq!(
        Bundle::read(&bytes).err(),
        Some(BundleError::UnsupportedVersion { found: 2 })
    );
    assert!(bytes.starts_with(&MAGIC));
}

#[test]
fn building_refuses_what_reading_would() {
    let twice = vec![
        DataFile::new("a.json", DataFormat::Json, "{}"),
        DataFile::new("a.json", DataFormat::Json, "[]"),
    ];
    assert_eq!(
        Bundle::signed(&polc(), twice, &key()).err(),
        Some(BundleError::DuplicateDataFile {
            name: "a.json".to_owned()
        })
    );
    let unnamed = vec![DataFile::new("", DataFormat::Json, "{}")];
    assert!(matches!(
        Bundle::unsigned(&polc(), unnamed),
        Err(BundleError::Malformed(_))
    ));
    // A bundle is not a program to put in a bundle.
    let bundle = signed();
    assert!(matches!(
        Bundle::unsigned(bundle.as_bytes(), vec![]),
        Err(BundleError::Malformed(_))
    ));
}

#[test]
fn keys_are_standard_pem_and_openssl_keys_work() {
    let private = PrivateKey::from_pem(OPENSSL_PRIVATE).unwrap();
    let public = PublicKey::from_pem(OPENSSL_PUBLIC).unwrap();
    assert_eq!(private.public_key(), public);
    let hex: String = public
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, OPENSSL_PUBLIC_HEX);
    // pol writes them as OpenSSL does.
    assert_eq!(private.to_pem(), OPENSSL_PRIVATE);
    assert_eq!(public.to_pem(), OPENSSL_PUBLIC);
    // A bundle signed with the OpenSSL key verifies with its public key.
    let bundle = Bundle::signed(&polc(), vec![], &private).unwrap();
    assert!(bundle.verify(&public).is_ok());
    // The key id: SHA-256 of the 32 bytes, shown as 16 hexadecimal digits.
    let id = public.key_id();
    assert_eq!(id.as_bytes(), Digest::of(public.as_bytes()).as_bytes());
    assert_eq!(id.to_string().len(), 16);
    assert_eq!(format!("{id:#}"), Digest::of(public.as_bytes()).to_string());
}

#[test]
fn key_files_of_the_wrong_kind_are_refused_with_a_reason() {
    assert_eq!(
        PublicKey::from_pem(OPENSSL_PRIVATE).err(),
        Some(BundleError::PrivateKeyNotPublic)
    );
    for (text, expected) in [
        (OPENSSL_PUBLIC, KeyKind::Private),
        ("not a key", KeyKind::Private),
    ] {
        match PrivateKey::from_pem(text) {
            Err(e @ BundleError::InvalidKey { expected: kind, .. }) => {
                assert_eq!(kind, expected);
                assert!(
                    e.to_string()
                        .starts_with("not an Ed25519 private key in PKCS#8 PEM")
                );
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
        Err(BundleError::InvalidKey {
            expected: KeyKind::Public,
            ..
        })
    ));
}

#[test]
fn generated_keys_differ_and_round_trip() {
    let a = PrivateKey::generate().unwrap();
    let b = PrivateKey::generate().unwrap();
    assert_ne!(a.key_id(), b.key_id());
    let again = PrivateKey::from_pem(&a.to_pem()).unwrap();
    assert_eq!(again.key_id(), a.key_id());
    assert_eq!(
        PublicKey::from_pem(&a.public_key().to_pem()).unwrap(),
        a.public_key()
    );
    // The private key's Debug does not show it.
    assert_eq!(format!("{a:?}"), format!("PrivateKey({})", a.key_id()));
}

#[test]
fn messages_say_what_is_wrong() {
    let cases = [
        (
            BundleError::Unsigned,
            "the bundle is not signed, and a signature is required (`--verify-key`)",
        ),
        (
            BundleError::DigestMismatch,
            "the bundle is corrupt or altered: its SHA-256 digest does not match its contents",
        ),
    ];
    for (err, says) in cases {
        assert_eq!(err.to_string(), says);
    }
    let wrong = BundleError::WrongKey {
        expected: key().key_id(),
        found: other_key().key_id(),
    };
    assert_eq!(
        wrong.to_string(),
        format!(
            "the bundle is signed by key {}, not by the trusted key {}",
            other_key().key_id(),
            key().key_id()
        )
    );
    let err: &dyn std::error::Error = &wrong;
    assert!(err.source().is_none());
    // Re-exported at the crate's root.
    let _: pol::BundleError = BundleError::TrailingBytes;
}
