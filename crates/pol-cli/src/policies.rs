//! Loading policies for `eval`, `build`, `disasm` and `test`: `.pol` sources compiled
//! on the spot, or a `.polc` program or bundle (verified with `--verify-key`).

use crate::EXIT_USAGE;
use crate::files::{collect, describe_io, display_name, read_text};
use crate::keys_cmd::read_public_key;
use crate::output::{ColorChoice, plural};
use pol::bundle::{Bundle, DataFile, KeyId};
use pol::{CompileError, Compiled, FileId, Policy, RenderOptions, SourceMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where the policy comes from.
#[derive(clap::Args, Debug, Clone)]
pub struct PolicyArgs {
    /// A `.pol` file or a folder of them; repeat `-p` for several.
    #[arg(short = 'p', long = "policy", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// The rule packs shipped with pol (`pol rules` lists them): alone, or added to the
    /// policies of `-p`. `pol eval` runs them when given no `-p` or `-b`.
    #[arg(long, conflicts_with = "bundle")]
    pub packs: bool,
    /// A compiled program or bundle (from `pol build`), instead of `-p`.
    #[arg(
        short = 'b',
        long = "bundle",
        value_name = "FILE.polc",
        conflicts_with = "policies"
    )]
    pub bundle: Option<PathBuf>,
    /// Load `-b`'s bundle only if it is signed by this public key (a `.pub` file of
    /// `pol keygen`, SPKI PEM) and unchanged since: anything else is refused before
    /// anything runs (docs/bundles.md).
    // Checked by `load`, not with clap's `requires`: clap does not enforce it when an
    // argument that conflicts with `-b` (`-p`, `--packs`) is given.
    #[arg(long, value_name = "PUB")]
    pub verify_key: Option<PathBuf>,
    #[command(flatten)]
    pub opt: OptArgs,
}

/// The optimizer switch.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct OptArgs {
    /// Optimization level: `-O0` turns the optimizer passes off (for comparing and
    /// debugging; decisions are the same).
    #[arg(short = 'O', value_name = "LEVEL", default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=1))]
    pub level: u8,
}

impl OptArgs {
    /// Whether to run the optimizer.
    pub fn optimize(self) -> bool {
        self.level > 0
    }
}

/// Policies ready to run.
pub struct Loaded {
    /// The compiled program.
    pub policy: Policy,
    /// Where it came from.
    pub origin: Origin,
    /// How long compiling the sources, or loading the `.polc` program, took (reading
    /// the files not included).
    pub took: Duration,
    /// The checked program, when compiled from sources here (to check `--data`
    /// against the `data: T` it declares).
    pub hir: Option<pol::hir::Program>,
    /// The reference data that came with the program: a bundle's data files, merged
    /// (empty for sources, packs and plain `.polc` programs).
    pub data: pol::Data,
    /// A bundle's data files, in their order.
    pub data_files: Vec<DataFile>,
    /// The key that signed the bundle, when `--verify-key` verified it.
    pub signer: Option<KeyId>,
}

/// Where a policy came from.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    /// `.pol` files, compiled on the spot.
    Sources {
        /// How many files.
        files: usize,
    },
    /// A `.polc` program.
    Bundle {
        /// Its size in bytes.
        bytes: usize,
    },
    /// The shipped packs, compiled into the binary.
    Packs,
}

/// What to load when neither `-p`, `-b` nor `--packs` is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// The shipped packs (`pol eval`).
    Packs,
    /// Nothing: a usage error (`pol build`, `pol disasm`, `pol bench`).
    Required,
}

/// Reads and compiles the policies, printing diagnostics; on failure returns the exit
/// code to use.
pub fn load(args: &PolicyArgs, color: ColorChoice, fallback: Fallback) -> Result<Loaded, u8> {
    if args.verify_key.is_some() && args.bundle.is_none() {
        eprintln!("error: `--verify-key` checks the signature of a bundle: give it with `-b FILE`");
        return Err(EXIT_USAGE);
    }
    let only_packs = args.policies.is_empty()
        && args.bundle.is_none()
        && (args.packs || fallback == Fallback::Packs);
    if only_packs {
        // Compiled into the binary: nothing to compile.
        let start = Instant::now();
        let policy = pol::packs::policy().map_err(|e| {
            eprintln!("error: the shipped packs do not load: {e}");
            EXIT_USAGE
        })?;
        return Ok(Loaded {
            policy,
            origin: Origin::Packs,
            took: start.elapsed(),
            hir: None,
            data: pol::Data::new(),
            data_files: Vec::new(),
            signer: None,
        });
    }
    if args.policies.is_empty() && args.bundle.is_none() {
        eprintln!(
            "error: give policies with `-p PATH`, a compiled program with `-b FILE.polc`, or `--packs`"
        );
        return Err(EXIT_USAGE);
    }
    if let Some(bundle) = &args.bundle {
        return load_bundle(bundle, args.verify_key.as_deref());
    }
    let (mut sources, mut ids) = read_sources(&args.policies)?;
    if args.packs {
        ids.extend(pol::packs::add_sources(&mut sources));
    }
    let (compiled, took) = compile_timed(&mut sources, &ids, color, args.opt.optimize())?;
    Ok(Loaded {
        policy: compiled.policy,
        origin: Origin::Sources { files: ids.len() },
        took,
        hir: Some(compiled.hir),
        data: pol::Data::new(),
        data_files: Vec::new(),
        signer: None,
    })
}

/// Reads a `.polc` program or a bundle; with `verify_key`, refuses it unless that key
/// signed it, before its program is even decoded.
fn load_bundle(path: &Path, verify_key: Option<&Path>) -> Result<Loaded, u8> {
    let trusted = verify_key.map(read_public_key).transpose()?;
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!(
            "error: cannot read `{}`: {}",
            path.display(),
            describe_io(&e)
        );
        EXIT_USAGE
    })?;
    let start = Instant::now();
    let bundle = Bundle::read(&bytes).map_err(|e| {
        eprintln!("error: cannot load `{}`: {e}", path.display());
        EXIT_USAGE
    })?;
    if let Some(key) = &trusted {
        bundle.verify(key).map_err(|e| {
            eprintln!("error: refusing `{}`: {e}", path.display());
            EXIT_USAGE
        })?;
    }
    let policy = bundle.policy().map_err(|e| {
        eprintln!("error: cannot load `{}`: {e}", path.display());
        EXIT_USAGE
    })?;
    let mut data = pol::Data::new();
    for file in bundle.data_files() {
        data.add_text(&file.name, &file.text, file.format.format())
            .map_err(|e| {
                eprintln!("error: cannot load `{}`: data: {e}", path.display());
                EXIT_USAGE
            })?;
    }
    Ok(Loaded {
        policy,
        origin: Origin::Bundle { bytes: bytes.len() },
        took: start.elapsed(),
        signer: trusted.map(|key| key.key_id()),
        hir: None,
        data,
        data_files: bundle.data_files().to_vec(),
    })
}

/// Reads `.pol` files under `paths` and compiles them; prints diagnostics. A policy
/// that does not compile means the command could not run (exit 2): for `eval`, exit 1
/// must only ever mean "denied".
pub fn compile_sources(
    paths: &[PathBuf],
    packs: bool,
    color: ColorChoice,
    optimize: bool,
) -> Result<(Compiled, SourceMap), u8> {
    let (mut sources, mut ids) = if paths.is_empty() && packs {
        (SourceMap::new(), Vec::new())
    } else {
        read_sources(paths)?
    };
    if packs {
        ids.extend(pol::packs::add_sources(&mut sources));
    }
    let (compiled, _) = compile_timed(&mut sources, &ids, color, optimize)?;
    Ok((compiled, sources))
}

/// Reads the `.pol` files under `paths` into a source map.
fn read_sources(paths: &[PathBuf]) -> Result<(SourceMap, Vec<FileId>), u8> {
    // A compiled program or bundle given as a source: say which flag takes it.
    let is_polc = |p: &PathBuf| {
        let mut head = [0u8; 8];
        p.is_file()
            && std::fs::File::open(p)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
                .is_ok()
            && (head == pol::POLC_MAGIC || head == pol::bundle::MAGIC)
    };
    if let Some(polc) = paths.iter().find(|p| is_polc(p)) {
        eprintln!(
            "error: `{}` is a compiled program, not a `.pol` file: load it with `-b {}`",
            polc.display(),
            polc.display()
        );
        return Err(EXIT_USAGE);
    }
    let files = collect(paths, &["pol"]).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })?;
    if files.is_empty() {
        eprintln!(
            "error: no `.pol` files found in {}",
            crate::files::describe(paths)
        );
        return Err(EXIT_USAGE);
    }
    let mut sources = SourceMap::new();
    let mut ids = Vec::new();
    for path in &files {
        let text = read_text(path).map_err(|e| {
            eprintln!("error: {e}");
            EXIT_USAGE
        })?;
        ids.push(sources.add(display_name(path), text));
    }
    Ok((sources, ids))
}

/// Compiles the files `ids` of `sources`, printing diagnostics; returns the program
/// and the time the compiler took.
fn compile_timed(
    sources: &mut SourceMap,
    ids: &[FileId],
    color: ColorChoice,
    optimize: bool,
) -> Result<(Compiled, Duration), u8> {
    let options = RenderOptions {
        color: color.stderr(),
        ascii: false,
    };
    let start = Instant::now();
    let result = pol::compile_with(sources, ids, optimize);
    let took = start.elapsed();
    match result {
        Ok(compiled) => {
            eprint!("{}", pol::render_text(sources, &compiled.warnings, options));
            Ok((compiled, took))
        }
        Err(CompileError::Diagnostics(diagnostics)) => {
            eprint!("{}", pol::render_text(sources, &diagnostics, options));
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "error: the policy does not compile ({})",
                plural(errors, "error")
            );
            Err(EXIT_USAGE)
        }
        Err(e @ (CompileError::TooLarge(_) | CompileError::Program(_))) => {
            eprintln!("error: {e}");
            Err(EXIT_USAGE)
        }
    }
}
