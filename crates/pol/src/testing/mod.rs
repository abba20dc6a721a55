//! Running the `test` blocks of a policy set (`pol test`): see `docs/testing.md`. One
//! runner for every engine: the VM ([`VmEngine`], what `pol test` runs) and the
//! reference evaluator ([`ReferenceEngine`]).
//!
//! - this file: the runner ([`run`]), choosing tests (`filter`), options;
//! - `input`: a test's input document, `input from` files read through a [`ReadFile`]
//!   the caller supplies (the library reads no file);
//! - `engine`: what evaluates an input ([`Engine`]);
//! - `expect`: checking expectations, and the expected-versus-got report of a failure;
//! - `coverage`: which rules and clauses the tests reached (`pol test --coverage`).

mod coverage;
mod engine;
mod expect;
mod input;

pub use coverage::{ClauseCoverage, Coverage, PackageCoverage, RuleCoverage};
pub use engine::{Engine, ReferenceEngine, VmEngine};
pub use input::ReadFile;

use crate::{Compiled, SourceMap, hir};

/// The outcome of one `test` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// Its package.
    pub package: String,
    /// True when every expectation held and the evaluation had no runtime error.
    pub passed: bool,
    /// What went wrong: one entry per failed expectation or error.
    pub failures: Vec<Failure>,
}

/// Why a test failed: a line that says what was expected and what happened, and the
/// lines that show it (the rule's findings, or the two values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What was expected and what happened, on one line.
    pub message: String,
    /// What the test got, one line each (`path: message` of each finding; the expected
    /// and actual values of a let when they are long).
    pub details: Vec<String>,
}

impl Failure {
    fn line(message: String) -> Failure {
        Failure {
            message,
            details: Vec::new(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        for line in &self.details {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

/// How to run tests ([`run`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions<'a> {
    /// Run only the tests whose `package: name` contains one of these texts (all of
    /// them when empty).
    pub filter: &'a [String],
    /// Measure coverage (with the reference evaluator, whatever the engine).
    pub coverage: bool,
}

/// What a run of tests gives.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// The outcome of each test run, in order.
    pub outcomes: Vec<TestOutcome>,
    /// How many tests the filter left out.
    pub filtered_out: usize,
    /// How many tests' `input from` files could not be read, or not loaded as one
    /// document (`pol test` exits with 2: those tests could not run).
    pub unreadable_inputs: usize,
    /// Which rules and clauses the tests reached, when asked for.
    pub coverage: Option<Coverage>,
}

/// Runs every test block of `compiled` on the VM.
///
/// `sources` holds the program's files (`input from` paths are relative to them);
/// `read` reads the files of `input from`.
pub fn run_tests(
    compiled: &Compiled,
    sources: &SourceMap,
    read: &ReadFile<'_>,
) -> Vec<TestOutcome> {
    run_tests_with(compiled, sources, read, &RunOptions::default()).outcomes
}

/// Runs the test blocks of `compiled` that `options.filter` chooses on the VM,
/// measuring their coverage if asked (see [`run_tests`]).
pub fn run_tests_with(
    compiled: &Compiled,
    sources: &SourceMap,
    read: &ReadFile<'_>,
    options: &RunOptions<'_>,
) -> TestRun {
    run(
        &compiled.hir,
        sources,
        read,
        &mut VmEngine::new(compiled),
        options,
    )
}

/// Whether a test named `name` of `package` is chosen by `filter`.
pub fn filter_matches(filter: &[String], package: &str, name: &str) -> bool {
    let full = format!("{package}: {name}");
    filter.is_empty() || filter.iter().any(|f| full.contains(f.as_str()))
}

/// Runs the test blocks of `program` that `options.filter` chooses with `engine`,
/// measuring their coverage if asked.
///
/// For each test: its input document (read with `read` for `input from`, relative to
/// its policy file in `sources`), its options set, then its expectations checked
/// against what `engine` gives. A test passes when every expectation holds and no
/// runtime error occurred.
pub fn run(
    program: &hir::Program,
    sources: &SourceMap,
    read: &ReadFile<'_>,
    engine: &mut dyn Engine,
    options: &RunOptions<'_>,
) -> TestRun {
    let mut outcomes = Vec::new();
    let mut filtered_out = 0;
    let mut unreadable_inputs = 0;
    let mut coverage = options
        .coverage
        .then(|| coverage::Measure::new(program, sources));
    for test in &program.tests {
        let package = program
            .package(test.package)
            .map_or_else(String::new, |p| p.name.clone());
        if !filter_matches(options.filter, &package, &test.name) {
            filtered_out += 1;
            continue;
        }
        let mut failures = Vec::new();
        let doc = input::document(program, sources, test, read)
            .and_then(|doc| input::data(sources, test, read).map(|data| (doc, data)));
        engine.start();
        set_options(program, test, engine, &mut failures);
        if let Ok((_, data)) = &doc
            && !data.is_empty()
        {
            engine.set_data(data);
        }
        match doc {
            Ok(_) if !failures.is_empty() => {}
            Ok((doc, data)) => {
                expect::check(program, test, &doc, engine, &mut failures);
                if let Some(measure) = &mut coverage {
                    measure.run(test, &doc, &data);
                }
            }
            Err(no) => {
                unreadable_inputs += usize::from(no.unreadable);
                failures.push(Failure::line(format!("cannot read the input: {}", no.why)));
            }
        }
        outcomes.push(TestOutcome {
            name: test.name.clone(),
            package,
            passed: failures.is_empty(),
            failures,
        });
    }
    TestRun {
        outcomes,
        filtered_out,
        unreadable_inputs,
        coverage: coverage.map(coverage::Measure::finish),
    }
}

/// Sets the test's `option name = value`s; a value the option cannot take is a failure.
fn set_options(
    program: &hir::Program,
    test: &hir::TestDef,
    engine: &mut dyn Engine,
    failures: &mut Vec<Failure>,
) {
    for (id, value) in &test.options {
        let Some(def) = program.let_def(*id) else {
            continue;
        };
        let name = &def.info.qualified;
        let set = match value.json() {
            None => Err("the value is not a literal".to_owned()),
            Some(json) => engine.set_option(*id, json).map_err(|e| e.to_string()),
        };
        if let Err(why) = set {
            failures.push(Failure::line(format!("cannot set option `{name}`: {why}")));
        }
    }
}
