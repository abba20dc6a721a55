//! pol: a typed policy language for CI/CD facts — the API for programs that embed it.
//!
//! Compile a policy set once into a [`Policy`] (`Send + Sync`), then evaluate as many
//! documents as you like, from as many threads as you like. Each evaluation gives a
//! [`Decision`]: the violations and warnings found, with the input path and line of
//! each, any runtime errors, and whether the document is allowed.
//!
//! ```
//! use pol::{Format, Policy};
//!
//! let policy = Policy::from_source("ci.pol", r#"
//!     package ci
//!
//!     @severity("high")
//!     deny unpinned_action {
//!       for job_id, job in input.jobs
//!       for step in job.steps
//!       if step.uses != null and not step.uses.matches(r"@[0-9a-f]{40}$")
//!       message f"job {job_id}: {step.uses} is not pinned" at step.uses
//!     }
//! "#).expect("the policy compiles");
//!
//! let workflow = "jobs:\n  build:\n    steps:\n      - uses: actions/checkout@v4\n";
//! let decisions = policy.evaluate_text(workflow, Format::Yaml, Some("ci.yml")).expect("valid YAML");
//! let decision = &decisions[0];
//! assert!(!decision.allowed);
//! let finding = &decision.violations[0];
//! assert_eq!(finding.rule, "ci.unpinned_action");
//! assert_eq!(finding.path, "jobs.build.steps[0].uses");
//! assert_eq!(finding.location.as_ref().map(|l| l.line), Some(4));
//! ```
//!
//! Programs compiled with [`Policy::to_polc`] load with [`Policy::from_polc`] without
//! the compiler. Checking alone (every diagnostic of every file) is [`check`].
//!
//! # Features
//!
//! - `compiler` (default): compiling and checking policy sources, running their
//!   `test` blocks ([`testing`]), [`explain`]ing decisions, [`types`].
//!   Without it (`default-features = false`), the crate loads `.polc` programs
//!   ([`Policy::from_polc`], [`packs::policy`]), loads inputs, evaluates them and
//!   renders, logs and filters decisions ([`render`], [`audit`], [`suppress`],
//!   [`config`]), reads, writes and verifies signed [`bundle`]s, and links none of the compiler's crates
//!   (`examples/run_polc.rs`).
//! - `unstable-internals`: the compiler's intermediate forms (`ast`, `parse`, `fmt`,
//!   `hir`, `check_program`), for pol's own tools; no stability promise.

pub mod audit;
pub mod bundle;
#[cfg(feature = "compiler")]
mod compile;
pub mod config;
#[cfg(feature = "compiler")]
pub mod explain;
pub mod packs;
mod policy;
pub mod render;
pub mod suppress;
#[cfg(feature = "compiler")]
pub mod testing;
#[cfg(feature = "compiler")]
pub mod types;
pub mod walk;

pub use policy::Policy;

/// Signed bundles: a compiled program with its data files ([`bundle`]).
pub use bundle::{Bundle, BundleError};

#[cfg(feature = "compiler")]
pub use compile::{
    CompileError, Compiled, compile, compile_checked, compile_checked_with, compile_with,
};

#[cfg(feature = "compiler")]
pub use pol_diagnostics::{
    Code, Diagnostic, FileId, Label, RenderOptions, Severity, SourceFile, SourceMap, Span,
    render_json, render_text,
};

pub use pol_facts::{
    Decision, Document, EvalError, Finding, Format, InputLocation, LoadError, LoadLimits, NodeId,
    PolicyLocation, Shape, load, load_each, load_shaped, load_with,
};

/// Which limit of [`LoadLimits`] an input went over ([`LoadError::limit`]).
pub use pol_facts::Limit as LoadLimit;

pub use pol_bytecode::Digest;

/// A 1-based line and column (in characters): of a document's value
/// ([`Document::position`]) or a diagnostic's place in a source.
pub use pol_core::LineCol;

/// A rule's metadata in a compiled program: name, `@id`, severity, `@tags`, `@url`,
/// doc comment ([`Policy::rules`]).
pub use pol_bytecode::RuleInfo;

/// The first bytes of every `.polc` file (to tell a compiled program from a source).
pub use pol_bytecode::MAGIC as POLC_MAGIC;

/// Kinds of input document: names, readers, and telling a document's kind from its path
/// and content.
pub use pol_facts::kind;
pub use pol_vm::{
    Data, DataError, DetachedEvaluator, Evaluator, Limit, Limits, OptionError, ProgramLoadError,
    QueryError,
};

/// Why `.polc` bytes do not decode ([`ProgramLoadError::Decode`]), and why a decoded
/// program is refused ([`ProgramLoadError::Invalid`]).
pub use pol_bytecode::{DecodeError, ValidationError};

/// The syntax tree, for tools that want to look at policies (formatters, linters).
#[cfg(feature = "unstable-internals")]
pub use pol_syntax::ast;

/// Parses one file into its syntax tree, with every lexical and syntax error.
#[cfg(feature = "unstable-internals")]
pub use pol_syntax::parse;

/// The formatter (`pol fmt`): [`fmt::format_source`] gives a source's canonical layout,
/// with every comment kept and the program unchanged, or the syntax errors that stop it.
#[cfg(feature = "unstable-internals")]
pub use pol_syntax::fmt;

/// The resolved program that the checker produces.
#[cfg(feature = "unstable-internals")]
pub use pol_check::hir;
#[cfg(all(feature = "compiler", not(feature = "unstable-internals")))]
pub(crate) use pol_check::hir;

/// Checks the given files of `sources` (and the standard modules they import, which are
/// added to `sources`): returns every error and warning, sorted by file and position.
#[cfg(feature = "compiler")]
pub fn check(sources: &mut SourceMap, files: &[FileId]) -> Vec<Diagnostic> {
    pol_check::check_files(sources, files).1
}

/// Checks the files and returns the resolved program along with the diagnostics; the
/// program is only meaningful when no diagnostic is an error.
#[cfg(feature = "unstable-internals")]
pub fn check_program(sources: &mut SourceMap, files: &[FileId]) -> (hir::Program, Vec<Diagnostic>) {
    pol_check::check_files(sources, files)
}
