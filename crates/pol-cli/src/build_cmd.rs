//! `pol build`: compile policies into a `.polc` program, or a bundle with data files,
//! signed or not; `pol disasm`: list one.

use crate::files::{describe_io, display_name, read_text};
use crate::keys_cmd::read_private_key;
use crate::output::{ColorChoice, plural, write_stdout};
use crate::policies::{OptArgs, PolicyArgs, compile_sources, load};
use crate::{EXIT_OK, EXIT_USAGE};
use pol::bundle::{Bundle, DataFile, DataFormat};
use std::path::PathBuf;

/// Arguments of `pol build`.
#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// A `.pol` file or a folder of them; repeat `-p` for several.
    #[arg(
        short = 'p',
        long = "policy",
        value_name = "PATH",
        required_unless_present = "packs"
    )]
    policies: Vec<PathBuf>,
    /// The shipped packs, alone or with `-p`'s policies.
    #[arg(long)]
    packs: bool,
    /// Where to write the compiled program (a bundle with `--sign` or `--data`).
    #[arg(short = 'o', long = "output", value_name = "FILE.polc")]
    output: PathBuf,
    /// Write a bundle signed with this private key (from `pol keygen`, or any Ed25519
    /// key in PKCS#8 PEM) instead of a plain `.polc` program (docs/bundles.md).
    #[arg(long, value_name = "KEY")]
    sign: Option<PathBuf>,
    /// Put this reference-data file (`.json`, `.yaml` or `.yml`) in the bundle; repeat
    /// for several. Without `--sign` the bundle is not signed.
    #[arg(long = "data", value_name = "FILE")]
    data: Vec<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
    #[command(flatten)]
    opt: OptArgs,
}

/// Runs `pol build`; returns the exit code.
pub fn build(args: &BuildArgs) -> u8 {
    let (compiled, _) =
        match compile_sources(&args.policies, args.packs, args.color, args.opt.optimize()) {
            Ok(c) => c,
            Err(code) => return code,
        };
    let key = match args.sign.as_deref().map(read_private_key).transpose() {
        Ok(key) => key,
        Err(code) => return code,
    };
    let data = match read_data(&args.data, &compiled.hir) {
        Ok(data) => data,
        Err(code) => return code,
    };
    let polc = compiled.policy.to_polc();
    let bundle = if key.is_some() || !data.is_empty() {
        let made = match &key {
            Some(key) => Bundle::signed(&polc, data, key),
            None => Bundle::unsigned(&polc, data),
        };
        match made {
            Ok(bundle) => Some(bundle),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    } else {
        None
    };
    let bytes = bundle.as_ref().map_or(polc.as_slice(), Bundle::as_bytes);
    if let Err(e) = std::fs::write(&args.output, bytes) {
        eprintln!(
            "error: cannot write `{}`: {}",
            args.output.display(),
            describe_io(&e)
        );
        return EXIT_USAGE;
    }
    let code = compiled.policy.program().bytecode();
    let program = format!(
        "{} rules, {} lets, {} functions; sha256 {}",
        code.rules.len(),
        code.lets.len(),
        code.functions.len(),
        pol::Digest::of(&polc)
    );
    match (&bundle, &key) {
        (None, _) => eprintln!(
            "wrote {} ({} bytes: {program})",
            args.output.display(),
            bytes.len(),
        ),
        (Some(bundle), key) => eprintln!(
            "wrote {} ({} bytes: a bundle of the program ({program}) and {}, {})",
            args.output.display(),
            bytes.len(),
            plural(bundle.data_files().len(), "data file"),
            key.as_ref().map_or("not signed".to_owned(), |k| format!(
                "signed by key {}",
                k.key_id()
            )),
        ),
    }
    EXIT_OK
}

/// Reads `--data` files: the format from the extension, the text checked to load as
/// that format, and the whole checked as `pol eval --data` checks it (objects at the
/// root, no key given twice, the policies' `data: T`): a bundle carries no data that
/// cannot be read or that its program does not accept.
fn read_data(paths: &[PathBuf], hir: &pol::hir::Program) -> Result<Vec<DataFile>, u8> {
    let mut files = Vec::new();
    let mut merged = pol::Data::new();
    for path in paths {
        let name = display_name(path);
        let Some(format) = DataFormat::from_path(&name) else {
            eprintln!(
                "error: cannot tell the format of the data file `{name}`: name it `.json`, `.yaml` or `.yml`"
            );
            return Err(EXIT_USAGE);
        };
        let text = read_text(path).map_err(|e| {
            eprintln!("error: {e}");
            EXIT_USAGE
        })?;
        if let Err(e) = merged.add_text(&name, &text, format.format()) {
            eprintln!("error: data: {e}");
            return Err(EXIT_USAGE);
        }
        files.push(DataFile::new(name, format, text));
    }
    crate::data_args::check(hir, &merged)?;
    Ok(files)
}

/// Arguments of `pol disasm`.
#[derive(clap::Args, Debug)]
pub struct DisasmArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
}

/// Runs `pol disasm`; returns the exit code.
pub fn disasm(args: &DisasmArgs) -> u8 {
    match load(
        &args.policy,
        args.color,
        crate::policies::Fallback::Required,
    ) {
        Ok(loaded) => match write_stdout(&format!(
            "{}; sha256 {}\n{}",
            loaded.policy.disassemble(),
            loaded.policy.program().digest(),
            bundle_notes(&loaded),
        )) {
            Ok(()) => EXIT_OK,
            Err(code) => code,
        },
        Err(code) => code,
    }
}

/// What a bundle adds to its program: its data files, and the key that signed it when
/// `--verify-key` verified it.
fn bundle_notes(loaded: &crate::policies::Loaded) -> String {
    let mut notes = String::new();
    for file in &loaded.data_files {
        notes.push_str(&format!(
            "; data `{}` ({}, {} bytes)\n",
            file.name,
            file.format,
            file.text.len()
        ));
    }
    if let Some(key) = loaded.signer {
        notes.push_str(&format!("; signed by key {key} (verified)\n"));
    }
    notes
}
