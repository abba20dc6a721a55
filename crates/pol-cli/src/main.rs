//! The `pol` command line: argument parsing and dispatch to the subcommands.

mod batch;
mod bench_cmd;
mod bench_report;
mod build_cmd;
mod check;
mod data_args;
mod decision_log;
mod eval;
mod eval_input;
mod explain_cmd;
mod files;
mod fmt_cmd;
mod inputs;
mod keys_cmd;
mod limit_args;
mod log_cmd;
mod output;
mod policies;
mod rules_cmd;
mod serve_cmd;
mod stream;
mod test_cmd;
mod types_cmd;

/// The allocator: mimalloc, faster than the system allocator on the many small
/// allocations of loading and evaluating documents; its v2 line (the crate's `v2`
/// feature), which touches less fresh memory than v3 for the same work: 21 MB of peak
/// RSS against 28 MB on the 243 workflows, and 2% less CPU (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code: everything is fine (no error; for `eval`, allowed).
pub const EXIT_OK: u8 = 0;
/// Exit code: the policies have errors (for `eval`: the input is denied).
pub const EXIT_FAILED: u8 = 1;
/// Exit code: pol could not run (unreadable path, bad flag, malformed input).
pub const EXIT_USAGE: u8 = 2;

/// pol — policies as code for CI/CD: typed, compiled, fast.
#[derive(Parser, Debug)]
#[command(name = "pol", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// The usage lines of the commands that take policies are written out: clap's own
// list the flags given (so that a mistyped flag's usage showed `--format` as if it
// were required) and cannot say that `-p`, `-b` and `--packs` are alternatives.
#[derive(Subcommand, Debug)]
enum Command {
    /// Check `.pol` files for errors without running them.
    Check(check::CheckArgs),
    /// Evaluate input documents against policies (the shipped packs when given no `-p`
    /// or `-b`); exit 1 when any is denied.
    #[command(override_usage = "pol eval [OPTIONS] <INPUT>...
       pol eval [OPTIONS] -p <PATH>... [--packs] <INPUT>...
       pol eval [OPTIONS] -b <FILE.polc> [--verify-key <PUB>] <INPUT>...")]
    Eval(Box<eval::EvalArgs>),
    /// Compile policies into a `.polc` program, or a bundle with data files, signed
    /// with `--sign`.
    #[command(
        override_usage = "pol build [OPTIONS] -p <PATH>... [--packs] -o <FILE.polc>
       pol build [OPTIONS] --packs -o <FILE.polc>
       pol build [OPTIONS] -p <PATH>... -o <FILE> [--sign <KEY>] [--data <FILE>]..."
    )]
    Build(build_cmd::BuildArgs),
    /// Print the bytecode of policies or of a `.polc` program.
    #[command(override_usage = "pol disasm [OPTIONS] -p <PATH>... [--packs]
       pol disasm [OPTIONS] -b <FILE.polc>
       pol disasm [OPTIONS] --packs")]
    Disasm(build_cmd::DisasmArgs),
    /// Make an Ed25519 key pair for signing bundles (`pol build --sign`).
    Keygen(keys_cmd::KeygenArgs),
    /// Rewrite `.pol` files in the canonical layout (`--check`: only say which differ).
    Fmt(fmt_cmd::FmtArgs),
    /// Run the `test` blocks of policies.
    Test(test_cmd::TestArgs),
    /// Explain a decision: why each finding fired, and why a rule did not (`--why-not`).
    #[command(override_usage = "pol explain [OPTIONS] <INPUT>...
       pol explain [OPTIONS] -p <PATH>... [--packs] <INPUT>...")]
    Explain(explain_cmd::ExplainArgs),
    /// List the rules of the shipped packs, or explain one.
    Rules(rules_cmd::RulesArgs),
    /// Generate pol types (from a JSON Schema).
    Types(types_cmd::TypesArgs),
    /// Time compiling policies, loading inputs and evaluating them, rule by rule.
    #[command(
        override_usage = "pol bench [OPTIONS] -p <PATH>... [--packs] <INPUT>...
       pol bench [OPTIONS] -b <FILE.polc> <INPUT>...
       pol bench [OPTIONS] --packs <INPUT>..."
    )]
    Bench(bench_cmd::BenchArgs),
    /// Work with decision logs (`pol eval --decision-log`): `pol log verify FILE`.
    Log(log_cmd::LogArgs),
    /// Serve decisions over HTTP: `POST /v1/decide/{package}`, Kubernetes admission
    /// reviews, health and metrics; the policy reloaded when its files change.
    #[command(override_usage = "pol serve [OPTIONS]
       pol serve [OPTIONS] -p <PATH>... [--packs]
       pol serve [OPTIONS] -b <FILE.polc>")]
    Serve(Box<serve_cmd::ServeArgs>),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            let code = if error.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Build(args) => build_cmd::build(&args),
        Command::Disasm(args) => build_cmd::disasm(&args),
        Command::Keygen(args) => keys_cmd::keygen(&args),
        Command::Fmt(args) => fmt_cmd::run(&args),
        Command::Test(args) => test_cmd::run(&args),
        Command::Explain(args) => explain_cmd::run(&args),
        Command::Rules(args) => rules_cmd::run(&args),
        Command::Types(args) => types_cmd::run(&args),
        Command::Bench(args) => bench_cmd::run(&args),
        Command::Log(args) => log_cmd::run(&args),
        Command::Serve(args) => serve_cmd::run(&args),
    };
    ExitCode::from(code)
}
