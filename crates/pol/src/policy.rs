//! `Policy`: a compiled policy set, loaded from `.polc` bytes (compiling sources is
//! in `compile.rs`, with the `compiler` feature), and the ways to run one.

use crate::{Decision, Document, Format, LoadError, RuleInfo};
use pol_vm::{Evaluator, LoadedProgram};

/// A compiled policy set, ready to evaluate documents. `Send + Sync`: share one across
/// threads and give each thread its own [`Evaluator`].
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) program: LoadedProgram,
}

impl Policy {
    /// Loads a compiled program (`.polc` bytes); no compiler is involved.
    pub fn from_polc(bytes: &[u8]) -> Result<Policy, pol_vm::ProgramLoadError> {
        LoadedProgram::from_bytes(bytes).map(|program| Policy { program })
    }

    /// A policy of a loaded program.
    pub(crate) fn from_program(program: LoadedProgram) -> Policy {
        Policy { program }
    }

    /// The program as `.polc` bytes.
    pub fn to_polc(&self) -> Vec<u8> {
        self.program.to_bytes()
    }

    /// The compiled program.
    pub fn program(&self) -> &LoadedProgram {
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

    /// An evaluator of this policy with what `detached` kept (see
    /// [`Evaluator::attach`]): warm when it was detached from this policy's program,
    /// new otherwise.
    pub fn attach(&self, detached: crate::DetachedEvaluator) -> Evaluator<'_> {
        Evaluator::attach(&self.program, detached)
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
