//! Compiling policy sources into a [`Policy`] (the `compiler` feature).

use crate::{Diagnostic, FileId, Policy, SourceMap, hir};
use pol_compiler::LimitError;
use pol_vm::LoadedProgram;

/// Why a policy set did not compile.
#[derive(Debug, Clone)]
pub enum CompileError {
    /// The source has errors: every diagnostic (errors and warnings); render them with
    /// [`render_text`](crate::render_text) against the same [`SourceMap`].
    Diagnostics(Vec<Diagnostic>),
    /// The program exceeds a limit of the bytecode format (65,535 registers in one
    /// body, 65,535 distinct field names, ...).
    TooLarge(LimitError),
    /// The compiled program does not load (a bug of the compiler: it is checked as a
    /// `.polc` file would be).
    Program(pol_vm::ProgramLoadError),
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Diagnostics(diagnostics) => {
                let errors: Vec<String> = diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| format!("{}: {}", d.code, d.message))
                    .collect();
                write!(f, "the policy does not compile: {}", errors.join("; "))
            }
            CompileError::TooLarge(why) => write!(f, "the policy is too large to compile: {why}"),
            CompileError::Program(e) => write!(f, "the compiled program does not load: {e}"),
        }
    }
}

impl std::error::Error for CompileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CompileError::Diagnostics(_) => None,
            CompileError::TooLarge(e) => Some(e),
            CompileError::Program(e) => Some(e),
        }
    }
}

/// The result of compiling: the checked program (for `test` blocks and tools) and the
/// runnable policy.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The checked program.
    pub hir: hir::Program,
    /// The compiled policy.
    pub policy: Policy,
    /// Warnings (compilation succeeded, so there is no error).
    pub warnings: Vec<Diagnostic>,
}

/// Checks and compiles the files of `sources`.
pub fn compile(sources: &mut SourceMap, files: &[FileId]) -> Result<Compiled, CompileError> {
    compile_with(sources, files, true)
}

/// Like [`compile`]; `optimize: false` turns the optimizer off (`-O0`).
pub fn compile_with(
    sources: &mut SourceMap,
    files: &[FileId],
    optimize: bool,
) -> Result<Compiled, CompileError> {
    let (hir, diagnostics) = pol_check::check_files(sources, files);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(CompileError::Diagnostics(diagnostics));
    }
    let policy = compile_checked_with(&hir, sources, optimize)?;
    Ok(Compiled {
        hir,
        policy,
        warnings: diagnostics,
    })
}

/// Compiles a program that already checked without errors (see [`check_program`]).
///
/// [`check_program`]: crate::check_program
pub fn compile_checked(hir: &hir::Program, sources: &SourceMap) -> Result<Policy, CompileError> {
    compile_checked_with(hir, sources, true)
}

/// Like [`compile_checked`]; `optimize: false` turns the optimizer off (`-O0`).
pub fn compile_checked_with(
    hir: &hir::Program,
    sources: &SourceMap,
    optimize: bool,
) -> Result<Policy, CompileError> {
    let options = pol_compiler::Options { optimize };
    let code =
        pol_compiler::compile_with(hir, sources, &options).map_err(CompileError::TooLarge)?;
    let program = LoadedProgram::new(code).map_err(CompileError::Program)?;
    Ok(Policy { program })
}

impl Policy {
    /// Compiles one policy file given as text.
    pub fn from_source(name: &str, text: &str) -> Result<Policy, CompileError> {
        let mut sources = SourceMap::new();
        let file = sources.add(name, text);
        compile(&mut sources, &[file]).map(|c| c.policy)
    }
}
