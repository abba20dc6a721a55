//! Signed bundles from the command line (docs/bundles.md): `pol keygen`, `pol build
//! --sign --data`, and `--verify-key`, which refuses an unsigned, re-signed or altered
//! bundle with the file and the reason, exit 2, before anything is evaluated.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, assert_no_panic, pol_in, scratch, text};
use std::path::{Path, PathBuf};
use std::process::Output;

const POLICY: &str = r#"package p

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

/// A folder with the policy, an input it denies, data files, and the key pairs `key`
/// and `other` made by `pol keygen`.
fn setup(name: &str) -> PathBuf {
    let dir = scratch(
        name,
        &[
            ("p.pol", POLICY),
            ("x.json", r#"{"x": 1}"#),
            ("data/roles.yaml", "admins: [ada, grace]\n"),
            ("envs.json", r#"{"prod": {"approvals": 2}}"#),
        ],
    );
    for key in ["key", "other"] {
        let out = pol_in(&dir, &["keygen", "-o", key]);
        assert_code(&out, 0);
        std::fs::write(dir.join(format!("{key}.id")), text(&out.stdout).trim_end()).unwrap();
    }
    dir
}

/// `pol build` of the policy into `out` with `extra` flags; must succeed.
fn build(dir: &Path, out: &str, extra: &[&str]) -> String {
    let mut args = vec!["build", "-p", "p.pol", "-o", out];
    args.extend_from_slice(extra);
    let run = pol_in(dir, &args);
    assert_code(&run, 0);
    text(&run.stderr)
}

fn eval(dir: &Path, bundle: &str, key: Option<&str>) -> Output {
    let mut args = vec!["eval", "-b", bundle];
    if let Some(key) = key {
        args.extend_from_slice(&["--verify-key", key]);
    }
    args.push("x.json");
    pol_in(dir, &args)
}

/// Asserts a refusal: exit 2, nothing evaluated (no output), and `message` on
/// standard error.
#[track_caller]
fn assert_refused(out: &Output, message: &str) {
    assert_code(out, 2);
    assert_no_panic(out);
    assert_eq!(text(&out.stdout), "", "nothing is evaluated");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim_end(), message);
}

/// The key id `pol keygen` printed for `key`.
fn key_id(dir: &Path, key: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{key}.id"))).unwrap()
}

/// Flips a byte of `file` at the first `needle`; with `redigest`, writes the right
/// SHA-256 digest again, as an attacker who knows the format would.
fn alter(dir: &Path, file: &str, needle: &[u8], redigest: bool) -> String {
    let mut bytes = std::fs::read(dir.join(file)).unwrap();
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    bytes[at] ^= 0x01;
    if redigest {
        let end = 20 + u64::from_le_bytes(bytes[12..20].try_into().unwrap()) as usize;
        let digest = pol::Digest::of(&bytes[..end]);
        bytes[end..end + 32].copy_from_slice(digest.as_bytes());
    }
    let name = format!("altered-{redigest}-{file}");
    std::fs::write(dir.join(&name), bytes).unwrap();
    name
}

#[test]
fn keygen_writes_a_private_key_only_its_owner_reads_and_refuses_to_overwrite() {
    let dir = scratch("bundle-keygen", &[]);
    let out = pol_in(&dir, &["keygen", "-o", "signing"]);
    assert_code(&out, 0);
    let id = text(&out.stdout);
    assert_eq!(id.len(), 17, "{id:?}");
    assert!(id.trim_end().chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    assert!(text(&out.stderr).starts_with("wrote signing (private key"));
    let private = std::fs::read_to_string(dir.join("signing")).unwrap();
    let public = std::fs::read_to_string(dir.join("signing.pub")).unwrap();
    assert!(
        private.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "{private}"
    );
    assert!(
        public.starts_with("-----BEGIN PUBLIC KEY-----\n"),
        "{public}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("signing"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Not again without --force, and the key is untouched; either file stops it.
    for existing in ["signing", "signing.pub"] {
        if existing == "signing.pub" {
            std::fs::remove_file(dir.join("signing")).unwrap();
        }
        let again = pol_in(&dir, &["keygen", "-o", "signing"]);
        assert_refused(
            &again,
            &format!(
                "error: `{existing}` exists: pol keygen does not overwrite keys (`--force` does)"
            ),
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("signing.pub")).unwrap(),
        public
    );
    // --force makes a new key, and an existing file loses its wider mode.
    std::fs::write(dir.join("signing"), "old").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join("signing"), std::fs::Permissions::from_mode(0o644))
            .unwrap();
    }
    let forced = pol_in(&dir, &["keygen", "-o", "signing", "--force"]);
    assert_code(&forced, 0);
    assert_ne!(text(&forced.stdout), id);
    assert_ne!(
        std::fs::read_to_string(dir.join("signing.pub")).unwrap(),
        public
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("signing"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn a_signed_bundle_verifies_and_decides_as_the_plain_program() {
    let dir = setup("bundle-good");
    let said = build(
        &dir,
        "p.polb",
        &[
            "--sign",
            "key",
            "--data",
            "data/roles.yaml",
            "--data",
            "envs.json",
        ],
    );
    assert!(said.contains("a bundle of the program ("), "{said}");
    assert!(
        said.contains(") and 2 data files, signed by key "),
        "{said}"
    );
    let bytes = std::fs::read(dir.join("p.polb")).unwrap();
    assert_eq!(&bytes[..5], b"\x89POLB");
    // Without --sign or --data: the plain .polc, as before.
    let plain = build(&dir, "p.polc", &[]);
    assert!(plain.starts_with("wrote p.polc ("), "{plain}");
    assert!(!plain.contains("bundle"), "{plain}");
    assert_eq!(
        &std::fs::read(dir.join("p.polc")).unwrap()[..5],
        b"\x89POLC"
    );

    let expected = eval(&dir, "p.polc", None);
    assert_code(&expected, 1);
    for key in [Some("key.pub"), None] {
        let out = eval(&dir, "p.polb", key);
        assert_code(&out, 1);
        assert_eq!(common::decided(&out), common::decided(&expected), "{key:?}");
    }
    // An unsigned bundle with data loads without --verify-key too.
    build(&dir, "u.polb", &["--data", "envs.json"]);
    assert_code(&eval(&dir, "u.polb", None), 1);

    // disasm lists the data files and the verified signer.
    let out = pol_in(&dir, &["disasm", "-b", "p.polb", "--verify-key", "key.pub"]);
    assert_code(&out, 0);
    let listing = text(&out.stdout);
    let id = key_id(&dir, "key");
    assert!(
        listing.ends_with(&format!(
            "; data `data/roles.yaml` (yaml, 21 bytes)\n; data `envs.json` (json, 26 bytes)\n; signed by key {id} (verified)\n"
        )),
        "{listing}"
    );
}

#[test]
fn verify_key_refuses_altered_resigned_and_unsigned_bundles() {
    let dir = setup("bundle-refused");
    build(
        &dir,
        "p.polb",
        &["--sign", "key", "--data", "data/roles.yaml"],
    );
    build(
        &dir,
        "o.polb",
        &["--sign", "other", "--data", "data/roles.yaml"],
    );
    build(&dir, "u.polb", &["--data", "data/roles.yaml"]);
    build(&dir, "p.polc", &[]);
    let key = key_id(&dir, "key");
    let other = key_id(&dir, "other");

    let data = alter(&dir, "p.polb", b"admins", true);
    assert_refused(
        &eval(&dir, &data, Some("key.pub")),
        &format!(
            "error: refusing `{data}`: the signature does not match under key {key}: the bundle was altered after it was signed"
        ),
    );
    // The program, behind a good digest: refused too, and never run without the check
    // only because the program's own digest catches it.
    let program = alter(&dir, "p.polb", b"x is one", true);
    assert_refused(
        &eval(&dir, &program, Some("key.pub")),
        &format!(
            "error: refusing `{program}`: the signature does not match under key {key}: the bundle was altered after it was signed"
        ),
    );
    let damaged = alter(&dir, "p.polb", b"admins", false);
    assert_refused(
        &eval(&dir, &damaged, Some("key.pub")),
        &format!(
            "error: cannot load `{damaged}`: the bundle is corrupt or altered: its SHA-256 digest does not match its contents"
        ),
    );
    assert_refused(
        &eval(&dir, "o.polb", Some("key.pub")),
        &format!(
            "error: refusing `o.polb`: the bundle is signed by key {other}, not by the trusted key {key}"
        ),
    );
    for unsigned in ["u.polb", "p.polc"] {
        assert_refused(
            &eval(&dir, unsigned, Some("key.pub")),
            &format!(
                "error: refusing `{unsigned}`: the bundle is not signed, and a signature is required (`--verify-key`)"
            ),
        );
    }
    // Every command that loads -b checks it.
    let out = pol_in(&dir, &["disasm", "-b", "o.polb", "--verify-key", "key.pub"]);
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("is signed by key"));
    let out = pol_in(
        &dir,
        &["bench", "-b", "o.polb", "--verify-key", "key.pub", "x.json"],
    );
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("is signed by key"));
}

#[test]
fn key_files_are_checked() {
    let dir = setup("bundle-keys");
    build(&dir, "p.polb", &["--sign", "key"]);
    assert_refused(
        &eval(&dir, "p.polb", Some("key")),
        "error: cannot use the key `key`: this is a private key: verify with its public key (the `.pub` file `pol keygen` wrote)",
    );
    assert_refused(
        &eval(&dir, "p.polb", Some("missing.pub")),
        "error: cannot read `missing.pub`: no such file or folder",
    );
    let out = pol_in(
        &dir,
        &["build", "-p", "p.pol", "-o", "x", "--sign", "key.pub"],
    );
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).starts_with(
            "error: cannot use the key `key.pub`: not an Ed25519 private key in PKCS#8 PEM"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("x").exists(), "nothing is written");
    // --verify-key without -b is a usage error.
    let out = pol_in(
        &dir,
        &["eval", "-p", "p.pol", "--verify-key", "key.pub", "x.json"],
    );
    assert_code(&out, 2);
    // OpenSSL's keys work as they are.
    std::fs::write(dir.join("ossl.pem"), OPENSSL_PRIVATE).unwrap();
    std::fs::write(dir.join("ossl.pub"), OPENSSL_PUBLIC).unwrap();
    build(&dir, "s.polb", &["--sign", "ossl.pem"]);
    assert_code(&eval(&dir, "s.polb", Some("ossl.pub")), 1);
}

#[test]
fn data_files_must_name_their_format_and_load() {
    let dir = setup("bundle-data");
    std::fs::write(dir.join("bad.json"), "{\"a\": ").unwrap();
    std::fs::write(dir.join("roles.txt"), "a: 1").unwrap();
    for (file, message) in [
        (
            "roles.txt",
            "error: cannot tell the format of the data file `roles.txt`: name it `.json`, `.yaml` or `.yml`",
        ),
        ("bad.json", "error: data: bad.json:1:7: "),
        (
            "none.yaml",
            "error: cannot read `none.yaml`: no such file or folder",
        ),
    ] {
        let out = pol_in(
            &dir,
            &["build", "-p", "p.pol", "-o", "d.polb", "--data", file],
        );
        assert_code(&out, 2);
        assert!(
            text(&out.stderr).starts_with(message),
            "{}",
            text(&out.stderr)
        );
        assert!(!dir.join("d.polb").exists());
    }
    let out = pol_in(
        &dir,
        &[
            "build",
            "-p",
            "p.pol",
            "-o",
            "d.polb",
            "--data",
            "envs.json",
            "--data",
            "envs.json",
        ],
    );
    // The same file twice gives its keys twice (the library also refuses two data
    // files of one name: `crates/pol/tests/bundle.rs`).
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr).trim_end(),
        "error: data: envs.json: `data.prod` is also given by envs.json; each top-level key comes from one data document"
    );
}

#[test]
fn a_bundle_given_as_a_source_says_which_flag_takes_it() {
    let dir = setup("bundle-as-source");
    build(&dir, "p.polb", &["--sign", "key"]);
    let out = pol_in(&dir, &["eval", "-p", "p.polb", "x.json"]);
    assert_refused(
        &out,
        "error: `p.polb` is a compiled program, not a `.pol` file: load it with `-b p.polb`",
    );
}
