//! What evaluates a test's input for the runner: the [`Engine`] trait, the VM's engine
//! ([`VmEngine`], the one `pol test` runs) and the reference evaluator's
//! ([`ReferenceEngine`], to check one against the other on every test).

use crate::{Compiled, Decision, Document, Evaluator, OptionError, QueryError, SourceMap};
use pol_check::hir::{LetId, Program, TestDef};

/// Evaluates the input of one test at a time for the runner ([`super::run`]), which
/// does everything else: reading inputs, choosing tests, checking expectations,
/// reporting. The runner calls [`Engine::start`] for each test, then
/// [`Engine::set_option`] for each of its options, then [`Engine::decide`] and
/// [`Engine::let_value`] on its input.
pub trait Engine {
    /// Starts a test: every option back to its default.
    fn start(&mut self);

    /// Sets option `id` (an `@option` let) to `value` until the next test; `Err` says
    /// why it cannot take that value.
    fn set_option(&mut self, id: LetId, value: &serde_json::Value) -> Result<(), OptionError>;

    /// Sets the reference data (`data`) until the next test.
    fn set_data(&mut self, data: &crate::Data);

    /// Evaluates `doc` for `test`: the decision whose findings its expectations count
    /// and whose runtime errors fail it.
    fn decide(&mut self, test: &TestDef, doc: &Document) -> Decision;

    /// The value of the top-level let `id` on `doc`, as JSON (sets as lists); the
    /// runtime errors computing it raised, or why it cannot be computed.
    fn let_value(&mut self, id: LetId, doc: &Document) -> Result<serde_json::Value, QueryError>;
}

/// The bytecode VM as an [`Engine`]: every rule of the compiled program runs on each
/// input ([`Evaluator::evaluate`]), and lets are [`Evaluator::query`]'d. Tests that set
/// no option and no data share one evaluator; a test that sets either gets one of its
/// own.
pub struct VmEngine<'p> {
    compiled: &'p Compiled,
    /// The evaluator of the tests that set no option.
    defaults: Evaluator<'p>,
    /// The current test's evaluator, when it sets options.
    own: Option<Evaluator<'p>>,
}

impl<'p> VmEngine<'p> {
    /// An engine that runs `compiled`'s bytecode.
    pub fn new(compiled: &'p Compiled) -> VmEngine<'p> {
        VmEngine {
            compiled,
            defaults: compiled.policy.evaluator(),
            own: None,
        }
    }

    /// The full name of let `id`, by which the VM knows it.
    fn let_name(&self, id: LetId) -> &'p str {
        let compiled = self.compiled;
        compiled
            .hir
            .let_def(id)
            .map_or("", |def| def.info.qualified.as_str())
    }

    /// The current test's evaluator.
    fn current(&mut self) -> &mut Evaluator<'p> {
        self.own.as_mut().unwrap_or(&mut self.defaults)
    }
}

impl Engine for VmEngine<'_> {
    fn start(&mut self) {
        self.own = None;
    }

    fn set_option(&mut self, id: LetId, value: &serde_json::Value) -> Result<(), OptionError> {
        let (compiled, name) = (self.compiled, self.let_name(id));
        self.own
            .get_or_insert_with(|| compiled.policy.evaluator())
            .set_option(name, value)
    }

    fn set_data(&mut self, data: &crate::Data) {
        let compiled = self.compiled;
        self.own
            .get_or_insert_with(|| compiled.policy.evaluator())
            .set_data(data);
    }

    fn decide(&mut self, _test: &TestDef, doc: &Document) -> Decision {
        self.current().evaluate(doc)
    }

    fn let_value(&mut self, id: LetId, doc: &Document) -> Result<serde_json::Value, QueryError> {
        let name = self.let_name(id);
        self.current().query(doc, name)
    }
}

/// The reference evaluator (`pol-reference`) as an [`Engine`]: the rules of the test's
/// package run on each input, with the test's options preset. It takes an option's
/// value as given: the kind checks of [`Evaluator::set_option`] are the VM's.
pub struct ReferenceEngine<'p> {
    program: &'p Program,
    sources: &'p SourceMap,
    limits: pol_reference::Options,
    /// The current test's options.
    options: Vec<(LetId, serde_json::Value)>,
    /// The current test's data, if it has any.
    data: Option<serde_json::Value>,
}

impl<'p> ReferenceEngine<'p> {
    /// An engine that evaluates `program` (checked without errors) with the default
    /// limits; `sources` holds its files (positions are read from them).
    pub fn new(program: &'p Program, sources: &'p SourceMap) -> ReferenceEngine<'p> {
        ReferenceEngine::with_limits(program, sources, pol_reference::Options::default())
    }

    /// [`ReferenceEngine::new`] with other limits.
    pub fn with_limits(
        program: &'p Program,
        sources: &'p SourceMap,
        limits: pol_reference::Options,
    ) -> ReferenceEngine<'p> {
        ReferenceEngine {
            program,
            sources,
            limits,
            options: Vec::new(),
            data: None,
        }
    }
}

impl Engine for ReferenceEngine<'_> {
    fn start(&mut self) {
        self.options.clear();
        self.data = None;
    }

    fn set_data(&mut self, data: &crate::Data) {
        self.data = Some(data.to_json());
    }

    fn set_option(&mut self, id: LetId, value: &serde_json::Value) -> Result<(), OptionError> {
        match self.program.let_def(id) {
            Some(def) if def.option => {
                self.options.push((id, value.clone()));
                Ok(())
            }
            Some(def) => Err(OptionError::Unknown(def.info.qualified.clone())),
            None => Err(OptionError::Unknown(format!("#{}", id.index()))),
        }
    }

    fn decide(&mut self, test: &TestDef, doc: &Document) -> Decision {
        let package = test.package;
        let setup = pol_reference::Setup {
            rules: &|_, rule| rule.info.package == package,
            lets: &self.options,
            data: self.data.as_ref(),
        };
        pol_reference::evaluate_with(self.program, self.sources, doc, &self.limits, &setup)
    }

    fn let_value(&mut self, id: LetId, doc: &Document) -> Result<serde_json::Value, QueryError> {
        if self.program.let_def(id).is_none() {
            return Err(QueryError::UnknownLet(format!("#{}", id.index())));
        }
        let (program, sources) = (self.program, self.sources);
        let setup = pol_reference::Setup {
            rules: &|_, _| false,
            lets: &self.options,
            data: self.data.as_ref(),
        };
        pol_reference::evaluate_let_with(program, sources, doc, &self.limits, &setup, id).map_err(
            |errors| {
                let mut decision = Decision {
                    errors,
                    ..Decision::new()
                };
                decision.finish();
                QueryError::Failed(decision)
            },
        )
    }
}
