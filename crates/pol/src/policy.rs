//! `Policy`: a compiled policy set, and the ways to make and run one.

use crate::{Decision, Diagnostic, Document, FileId, Format, LoadError, RuleInfo, SourceMap, hir};
use pol_vm::{Evaluator, Program};

/// A compiled policy set, ready to evaluate documents. `Send + Sync`: share one across
/// threads and give each thread its own [`Evaluator`].
#[derive(Debug, Clone)]
pub struct Policy {
    program: Program,
}

/// Why a policy set did not compile.
#[derive(Debug, Clone)]
pub enum CompileError {
    /// The source has errors: every diagnostic (errors and warnings); render them with
    /// [`render_text`](crate::render_text) against the same [`SourceMap`].
    Diagnostics(Vec<Diagnostic>),
    /// The program exceeds a limit of the bytecode format (65,535 registers in one
    /// body, 65,535 distinct field names, ...).
    TooLarge(String),
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
        }
    }
}

impl std::error::Error for CompileError {}

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
    let code = pol_compiler::compile_with(hir, sources, &options)
        .map_err(|e| CompileError::TooLarge(e.0))?;
    let program = Program::new(code).map_err(|e| CompileError::TooLarge(e.0))?;
    Ok(Policy { program })
}

impl Policy {
    /// Compiles one policy file given as text.
    pub fn from_source(name: &str, text: &str) -> Result<Policy, CompileError> {
        let mut sources = SourceMap::new();
        let file = sources.add(name, text);
        compile(&mut sources, &[file]).map(|c| c.policy)
    }

    /// Loads a compiled program (`.polc` bytes); no compiler is involved.
    pub fn from_polc(bytes: &[u8]) -> Result<Policy, pol_vm::LoadError> {
        Program::from_bytes(bytes).map(|program| Policy { program })
    }

    /// The program as `.polc` bytes.
    pub fn to_polc(&self) -> Vec<u8> {
        self.program.to_bytes()
    }

    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Every rule's metadata — name, `@id`, severity, `@tags`, `@url`, doc comment — in
    /// evaluation order.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.program.bytecode().rules
    }

    /// A readable listing of the bytecode.
    pub fn disassemble(&self) -> String {
        pol_bytecode::disassemble(self.program.bytecode())
    }

    /// An evaluator that reuses its buffers across documents.
    pub fn evaluator(&self) -> Evaluator<'_> {
        Evaluator::new(&self.program)
    }

    /// Evaluates one document (a convenience; use an [`Evaluator`] for many).
    pub fn evaluate(&self, doc: &Document) -> Decision {
        self.evaluator().evaluate(doc)
    }

    /// Loads the documents of `text` for this policy: what no rule can read is skipped,
    /// not built (docs/evaluation.md, "Selective loading"; JSON, YAML — a YAML stream
    /// with anchors loads whole — and TOML). Errors are those of [`crate::load`]:
    /// skipped parts are still checked. Evaluate the documents with this policy only — a rule of another
    /// policy that reads a skipped value fails closed.
    pub fn load(
        &self,
        text: &str,
        format: Format,
        file: Option<&str>,
    ) -> Result<Vec<Document>, LoadError> {
        pol_facts::load_shaped(text, format, file, self.program.shape())
    }

    /// Loads the documents of `text` for this policy (as [`Policy::load`]) under
    /// `limits`, handing each to `each` as soon as it is loaded: a YAML stream is never
    /// held whole. Returns how many were handed out. On an error in document `k`, the
    /// documents before it have been handed out already: act on them only once this
    /// returns `Ok`. An input without content hands out none.
    pub fn load_each(
        &self,
        text: &str,
        format: Format,
        file: Option<&str>,
        limits: &crate::LoadLimits,
        each: impl FnMut(Document) -> std::ops::ControlFlow<()>,
    ) -> Result<usize, LoadError> {
        pol_facts::load_each(text, format, file, Some(self.program.shape()), limits, each)
    }

    /// [`Policy::load`] for bytes (text that is not UTF-8 is a load error).
    pub fn load_bytes(
        &self,
        bytes: &[u8],
        format: Format,
        file: Option<&str>,
    ) -> Result<Vec<Document>, LoadError> {
        pol_facts::load_bytes_shaped(bytes, format, file, self.program.shape())
    }

    /// Loads `text` for this policy (one decision per document: YAML streams may hold
    /// several) and evaluates it.
    pub fn evaluate_text(
        &self,
        text: &str,
        format: Format,
        file: Option<&str>,
    ) -> Result<Vec<Decision>, LoadError> {
        let docs = self.load(text, format, file)?;
        let mut evaluator = self.evaluator();
        Ok(docs.iter().map(|d| evaluator.evaluate(d)).collect())
    }
}
