//! regorus: `rules/gha.rego`, run by its tree-walking interpreter ([`RegoInterpreter`])
//! and, compiled to an RVM program, by its register VM ([`RegoVm`]).
//!
//! Both evaluate the one entry point `data.gha.findings`. Regexes are compiled once:
//! regorus keeps compiled patterns in its LRU cache (the `cache` feature).

use std::sync::Arc;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;
use regorus::{Rc, Value};

use crate::{Engine, Finding, rule_text, sorted};

/// The rule that holds every finding.
pub const ENTRY_POINT: &str = "data.gha.findings";

/// The RVM's own limit is 25,000 executed instructions, which a large workflow passes
/// (the 1 MB document needs millions): lift it, as pol's step limit is lifted.
pub const RVM_MAX_INSTRUCTIONS: usize = usize::MAX;

fn engine_with_policy() -> Result<regorus::Engine, String> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("gha.rego".to_owned(), rule_text("gha.rego")?)
        .map_err(|e| e.to_string())?;
    Ok(engine)
}

/// Parses JSON bytes into a regorus value with regorus's own JSON entry point.
fn parse(json: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(json).map_err(|e| e.to_string())?;
    Value::from_json_str(text).map_err(|e| e.to_string())
}

/// Reads the set of `{"rule", "job", "step", "msg"}` objects.
fn findings(value: &Value) -> Result<Vec<Finding>, String> {
    let set = value
        .as_set()
        .map_err(|e| format!("{ENTRY_POINT} is not a set: {e}"))?;
    set.iter()
        .map(|f| {
            let rule = f["rule"]
                .as_string()
                .map_err(|e| e.to_string())?
                .to_string();
            let job = f["job"].as_string().map_err(|e| e.to_string())?.to_string();
            let step = f["step"].as_i64().map_err(|e| e.to_string())?;
            Ok((rule, job, step))
        })
        .collect::<Result<Vec<_>, String>>()
        .map(sorted)
}

/// The regorus interpreter: an [`regorus::Engine`] with the policy added (and parsed)
/// once; each evaluation sets the input and evaluates the entry point.
pub struct RegoInterpreter {
    engine: regorus::Engine,
}

impl RegoInterpreter {
    /// Adds and parses the policy.
    pub fn new() -> Result<RegoInterpreter, String> {
        Ok(RegoInterpreter {
            engine: engine_with_policy()?,
        })
    }
}

impl Engine for RegoInterpreter {
    type Input = Value;
    type Output = Value;

    fn parse(&self, json: &[u8]) -> Result<Value, String> {
        parse(json)
    }

    fn eval(&mut self, input: &Value) -> Result<Value, String> {
        // A regorus `Value` is reference-counted: the clone is cheap.
        self.engine.set_input(input.clone());
        self.engine
            .eval_rule(ENTRY_POINT.to_owned())
            .map_err(|e| e.to_string())
    }

    fn findings(&self, output: &Value) -> Result<Vec<Finding>, String> {
        findings(output)
    }
}

/// The regorus RVM: the policy compiled once (`Engine::compile_with_entrypoint`, then
/// `Compiler::compile_from_policy`) into a [`Program`] that one [`RegoVM`] keeps
/// loaded; each evaluation sets the input and executes the program.
pub struct RegoVm {
    vm: RegoVM,
    program: Arc<Program>,
}

impl RegoVm {
    /// Compiles the policy to an RVM program and loads it.
    pub fn new() -> Result<RegoVm, String> {
        let mut engine = engine_with_policy()?;
        let entry: Rc<str> = ENTRY_POINT.into();
        let compiled = engine
            .compile_with_entrypoint(&entry)
            .map_err(|e| e.to_string())?;
        let program =
            Compiler::compile_from_policy(&compiled, &[ENTRY_POINT]).map_err(|e| e.to_string())?;
        let mut vm = RegoVM::new();
        vm.load_program(program.clone());
        vm.set_max_instructions(RVM_MAX_INSTRUCTIONS);
        Ok(RegoVm { vm, program })
    }

    /// The compiled program (for its size and listing).
    pub fn program(&self) -> &Program {
        &self.program
    }
}

impl Engine for RegoVm {
    type Input = Value;
    type Output = Value;

    fn parse(&self, json: &[u8]) -> Result<Value, String> {
        parse(json)
    }

    fn eval(&mut self, input: &Value) -> Result<Value, String> {
        self.vm.set_input(input.clone());
        self.vm.execute().map_err(|e| e.to_string())
    }

    fn findings(&self, output: &Value) -> Result<Vec<Finding>, String> {
        findings(output)
    }
}
