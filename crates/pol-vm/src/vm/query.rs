//! Queries of a top-level let (`--query`), and the fail-closed check of selective
//! loading: a rule that read a value the loader skipped gets a runtime error.

use super::{Evaluator, Fault};
use pol_facts::{Decision, Document};

impl Evaluator<'_> {
    /// Computes the top-level let `name` (package-qualified, or unqualified when only
    /// one package has it) on `doc`, as JSON.
    pub fn query(&mut self, doc: &Document, name: &str) -> Result<serde_json::Value, QueryError> {
        let index = self
            .program
            .code
            .find_let(name)
            .ok_or_else(|| QueryError::UnknownLet(name.to_owned()))?;
        self.reset(doc);
        let result = self.get_let(index, doc);
        let mut json = result
            .as_ref()
            .ok()
            .map(|v| crate::value::to_json(v, doc, &self.state.meter));
        let code = &self.program.code;
        let let_pos = code.lets.get(index).map(|info| {
            let pos = code
                .chunks
                .get(info.chunk as usize)
                .and_then(|c| c.positions.first().copied())
                .unwrap_or_default();
            (info.name.as_str(), pos)
        });
        let mut fail = |message: String| {
            if let Some((name, pos)) = let_pos {
                self.state.findings.error(name, message, pos, code);
            }
        };
        // Raised before the let could run (calls nested too deep): not recorded yet.
        if let Err(Fault::Error(message)) = result {
            fail(*message);
        }
        if let Some(limit) = self.state.meter.exhausted() {
            // Stopped while computing the let, or while writing its value out.
            fail(limit.message());
            json = None;
        }
        let skipped = doc.read_skipped();
        if skipped {
            doc.clear_read_skipped();
            fail("read a part of the input that was not loaded (load the document whole to query it)".to_owned());
        }
        let decision = self.state.findings.take_decision(doc, &self.program.code);
        match json {
            Some(v) if !skipped => Ok(v),
            _ => Err(QueryError::Failed(decision)),
        }
    }

    /// Fails the rule closed if it read a value that selective loading skipped (the
    /// demand analysis missed a path, or the document was loaded for another program).
    pub(super) fn check_skipped(&mut self, rule: usize, doc: &Document) {
        if !doc.read_skipped() {
            return;
        }
        doc.clear_read_skipped();
        let code = &self.program.code;
        if let Some(info) = code.rules.get(rule) {
            self.state.findings.error(
                &info.name,
                "read a part of the input that was not loaded (load the document whole to evaluate this rule)".to_owned(),
                info.pos,
                code,
            );
        }
    }
}

/// Why a query failed.
#[derive(Debug)]
pub enum QueryError {
    /// No let of that name.
    UnknownLet(String),
    /// Computing it raised runtime errors (in the decision).
    Failed(Decision),
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::UnknownLet(name) => write!(f, "no top-level let named `{name}`"),
            QueryError::Failed(decision) => {
                let messages: Vec<String> = decision
                    .errors
                    .iter()
                    .map(|e| match (&e.path, &e.location) {
                        (Some(path), Some(l)) => {
                            let file = l.file.as_deref().unwrap_or("input");
                            format!("{} (`{path}` at {file}:{}:{})", e.message, l.line, l.column)
                        }
                        (Some(path), None) => format!("{} (at `{path}`)", e.message),
                        _ => e.message.clone(),
                    })
                    .collect();
                write!(f, "computing the let failed: {}", messages.join("; "))
            }
        }
    }
}

impl std::error::Error for QueryError {}
