//! `pol keygen`: a new Ed25519 key pair for signing bundles; reading key files for
//! `pol build --sign` and `--verify-key`.

use crate::files::{describe_io, read_text};
use crate::output::write_stdout;
use crate::{EXIT_OK, EXIT_USAGE};
use pol::bundle::{PrivateKey, PublicKey};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `pol keygen`.
#[derive(clap::Args, Debug)]
pub struct KeygenArgs {
    /// Where to write the private key (PKCS#8 PEM, readable by its owner only); the
    /// public key goes to the same path with `.pub` added.
    #[arg(short = 'o', long = "output", value_name = "KEY")]
    output: PathBuf,
    /// Overwrite the key files if they exist.
    #[arg(long)]
    force: bool,
}

/// Runs `pol keygen`; returns the exit code.
pub fn keygen(args: &KeygenArgs) -> u8 {
    let public_path = public_path(&args.output);
    if !args.force
        && let Some(existing) = [&args.output, &public_path]
            .into_iter()
            .find(|p| p.exists())
    {
        eprintln!(
            "error: `{}` exists: pol keygen does not overwrite keys (`--force` does)",
            existing.display()
        );
        return EXIT_USAGE;
    }
    let key = match PrivateKey::generate() {
        Ok(key) => key,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    for (path, text, mode) in [
        (&args.output, key.to_pem(), 0o600),
        (&public_path, key.public_key().to_pem(), 0o644),
    ] {
        if let Err(e) = write_key(path, &text, mode, args.force) {
            eprintln!(
                "error: cannot write `{}`: {}",
                path.display(),
                describe_io(&e)
            );
            return EXIT_USAGE;
        }
    }
    eprintln!(
        "wrote {} (private key: keep it secret, sign with `pol build --sign {}`) and {} (public key: give it to `--verify-key`)",
        args.output.display(),
        args.output.display(),
        public_path.display()
    );
    match write_stdout(&format!("{}\n", key.key_id())) {
        Ok(()) => EXIT_OK,
        Err(code) => code,
    }
}

/// `KEY.pub` for `KEY`.
fn public_path(private: &Path) -> PathBuf {
    let mut name = private.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Writes a key file with Unix permissions `mode`, set before the key is written;
/// without `force`, only if it does not exist.
fn write_key(path: &Path, text: &str, mode: u32, force: bool) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(mode);
        let file = options.open(path)?;
        // An existing file keeps its mode when opened: set it before writing.
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        write_all(file, text)
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        write_all(options.open(path)?, text)
    }
}

fn write_all(mut file: std::fs::File, text: &str) -> std::io::Result<()> {
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Reads a private key file (`--sign`); prints the error.
pub fn read_private_key(path: &Path) -> Result<PrivateKey, u8> {
    read_key(path, PrivateKey::from_pem)
}

/// Reads a public key file (`--verify-key`); prints the error.
pub fn read_public_key(path: &Path) -> Result<PublicKey, u8> {
    read_key(path, PublicKey::from_pem)
}

fn read_key<K>(path: &Path, parse: fn(&str) -> Result<K, pol::BundleError>) -> Result<K, u8> {
    let text = read_text(path).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })?;
    parse(&text).map_err(|e| {
        eprintln!("error: cannot use the key `{}`: {e}", path.display());
        EXIT_USAGE
    })
}
