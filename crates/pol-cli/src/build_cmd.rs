//! `pol build`: compile policies into a `.polc` program; `pol disasm`: list one.

use crate::files::describe_io;
use crate::output::{ColorChoice, write_stdout};
use crate::policies::{OptArgs, PolicyArgs, compile_sources, load};
use crate::{EXIT_OK, EXIT_USAGE};
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
    /// Where to write the compiled program.
    #[arg(short = 'o', long = "output", value_name = "FILE.polc")]
    output: PathBuf,
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
    let bytes = compiled.policy.to_polc();
    if let Err(e) = std::fs::write(&args.output, &bytes) {
        eprintln!(
            "error: cannot write `{}`: {}",
            args.output.display(),
            describe_io(&e)
        );
        return EXIT_USAGE;
    }
    let code = compiled.policy.program().bytecode();
    eprintln!(
        "wrote {} ({} bytes: {} rules, {} lets, {} functions; sha256 {})",
        args.output.display(),
        bytes.len(),
        code.rules.len(),
        code.lets.len(),
        code.functions.len(),
        pol::Digest::of(&bytes)
    );
    EXIT_OK
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
            "{}; sha256 {}\n",
            loaded.policy.disassemble(),
            loaded.policy.program().digest()
        )) {
            Ok(()) => EXIT_OK,
            Err(code) => code,
        },
        Err(code) => code,
    }
}
