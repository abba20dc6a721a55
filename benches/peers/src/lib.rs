//! pol against its peers: one GitHub Actions rule set (`rules/gha.{pol,rego,cel}`) run by
//! pol, regorus (interpreter and RVM) and cel on the same documents.
//!
//! Every engine takes the same JSON bytes (the corpus workflows, loaded once by pol's
//! YAML loader and written out as JSON, plus synthetic large workflows), parses them
//! into its own value type ([`Engine::parse`]) and evaluates the rules on them
//! ([`Engine::eval`]); [`Engine::findings`] turns the result into comparable
//! [`Finding`]s. `tests/agree.rs` checks that the engines agree; `benches/peers.rs`
//! times them.

pub mod cel_engine;
pub mod inputs;
pub mod pol_engine;
pub mod rego_engine;

pub use cel_engine::Cel;
pub use inputs::{Input, bench_sets, corpus, fixtures, synthetic};
pub use pol_engine::Pol;
pub use rego_engine::{RegoInterpreter, RegoVm};

use std::path::PathBuf;

/// A finding, as every engine can name it: (rule, job id, step index). The job is `""`
/// for a finding about the whole workflow; the step is -1 for a finding about a job or
/// the whole workflow.
pub type Finding = (String, String, i64);

/// One engine with the rule set compiled, ready to evaluate documents.
pub trait Engine {
    /// A document parsed into the engine's own value type.
    type Input;
    /// What one evaluation gives, before it is turned into findings.
    type Output;

    /// Parses the JSON bytes of one document.
    fn parse(&self, json: &[u8]) -> Result<Self::Input, String>;

    /// Evaluates every rule on a parsed document.
    fn eval(&mut self, input: &Self::Input) -> Result<Self::Output, String>;

    /// The findings of an evaluation, sorted.
    fn findings(&self, output: &Self::Output) -> Result<Vec<Finding>, String>;

    /// Parses, evaluates and lists the findings, sorted.
    fn run(&mut self, json: &[u8]) -> Result<Vec<Finding>, String> {
        let input = self.parse(json)?;
        let output = self.eval(&input)?;
        self.findings(&output)
    }
}

/// The folder of the rule files.
pub fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")
}

/// Reads `rules/<name>`.
pub fn rule_text(name: &str) -> Result<String, String> {
    let path = rules_dir().join(name);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Sorts findings (each engine lists them in its own order).
pub(crate) fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort();
    findings
}
