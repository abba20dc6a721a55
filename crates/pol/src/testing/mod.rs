//! Running the `test` blocks of a policy set (`pol test`): see `docs/testing.md`.
//!
//! - this file: running tests, choosing them (`filter`), options and literals;
//! - `expect`: checking expectations, and the expected-versus-got report of a failure;
//! - `coverage`: which rules and clauses the tests reached (`pol test --coverage`).

mod coverage;
mod expect;

pub use coverage::{ClauseCoverage, Coverage, PackageCoverage, RuleCoverage};

use crate::{Compiled, Document, FileId, Format, SourceMap, hir};
use pol_check::hir::TestInput;

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

/// Reads the file of an `input from "path"` statement: the path as written and the
/// policy file of the test (relative paths are relative to it).
pub type InputLoader<'a> = dyn Fn(&str, FileId) -> Result<Document, String> + 'a;

/// How to run tests ([`run_tests_with`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions<'a> {
    /// Run only the tests whose `package: name` contains one of these texts (all of
    /// them when empty).
    pub filter: &'a [String],
    /// Measure coverage: the program's sources (the reference evaluator reads
    /// positions from them).
    pub coverage: Option<&'a SourceMap>,
}

/// What a run of tests gives.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// The outcome of each test run, in order.
    pub outcomes: Vec<TestOutcome>,
    /// How many tests the filter left out.
    pub filtered_out: usize,
    /// Which rules and clauses the tests reached, when asked for.
    pub coverage: Option<Coverage>,
}

/// Runs every test block of `compiled`.
pub fn run_tests(compiled: &Compiled, load_file: &InputLoader<'_>) -> Vec<TestOutcome> {
    run_tests_with(compiled, load_file, &RunOptions::default()).outcomes
}

/// Whether a test named `name` of `package` is chosen by `filter`.
pub fn filter_matches(filter: &[String], package: &str, name: &str) -> bool {
    let full = format!("{package}: {name}");
    filter.is_empty() || filter.iter().any(|f| full.contains(f.as_str()))
}

/// Runs the test blocks of `compiled` that `options.filter` chooses, measuring their
/// coverage if asked.
pub fn run_tests_with(
    compiled: &Compiled,
    load_file: &InputLoader<'_>,
    options: &RunOptions<'_>,
) -> TestRun {
    let mut evaluator = compiled.policy.evaluator();
    let mut outcomes = Vec::new();
    let mut filtered_out = 0;
    let mut coverage = options
        .coverage
        .map(|sources| coverage::Measure::new(&compiled.hir, sources));
    for test in &compiled.hir.tests {
        let package = compiled
            .hir
            .package(test.package)
            .map_or_else(String::new, |p| p.name.clone());
        if !filter_matches(options.filter, &package, &test.name) {
            filtered_out += 1;
            continue;
        }
        let mut failures = Vec::new();
        let doc = match &test.input {
            TestInput::Inline(value) => value
                .json()
                .ok_or_else(|| "the inline input is not a literal document".to_owned())
                .and_then(|json| {
                    let mut docs =
                        pol_facts::load(&json.to_string(), Format::Json, Some("<inline input>"))
                            .map_err(|e| e.to_string())?;
                    docs.pop()
                        .ok_or_else(|| "the inline input is empty".to_owned())
                }),
            TestInput::File { path, span } => load_file(path, span.file),
        };
        let doc = doc.and_then(|doc| resolved_as_kind(compiled, &package, doc));
        // A test that sets options gets an evaluator of its own: the others see the
        // defaults.
        let mut own = None;
        let evaluator = if test.options.is_empty() {
            &mut evaluator
        } else {
            let e = own.insert(compiled.policy.evaluator());
            set_options(compiled, test, e, &mut failures);
            e
        };
        match doc {
            Ok(_) if !failures.is_empty() => {}
            Ok(doc) => {
                expect::check(compiled, test, &doc, evaluator, &mut failures);
                if let Some(measure) = &mut coverage {
                    measure.run(test, &doc);
                }
            }
            Err(why) => failures.push(Failure::line(format!("cannot read the input: {why}"))),
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
        coverage: coverage.map(coverage::Measure::finish),
    }
}

/// The test's input as `pol eval` evaluates a document of the package's kind (the one
/// kind of its rules, if they have one): GitLab CI's `extends:` and `!reference`
/// resolved ([`pol_facts::kind::resolve`]); what does not resolve fails the test.
fn resolved_as_kind(compiled: &Compiled, package: &str, doc: Document) -> Result<Document, String> {
    let prefix = format!("{package}.");
    let rules = compiled.policy.rules();
    let mut kinds = rules
        .iter()
        .filter(|r| {
            r.name
                .strip_prefix(&prefix)
                .is_some_and(|n| !n.contains('.'))
        })
        .map(|r| r.doc_kinds.as_slice());
    let Some([kind]) = kinds.next() else {
        return Ok(doc);
    };
    if !kinds.all(|k| k == std::slice::from_ref(kind)) {
        return Ok(doc);
    }
    let Some(resolved) =
        pol_facts::kind::resolve(&doc, Some(kind), &pol_facts::LoadLimits::DEFAULT)
    else {
        return Ok(doc);
    };
    if let Some(problem) = resolved.problems.first() {
        let line = problem.position.map_or(0, |p| p.line);
        return Err(format!("line {line}: {}", problem.message));
    }
    Ok(resolved.document.unwrap_or(doc))
}

/// Sets the test's `option name = value`s; a value the option cannot take is a failure.
fn set_options(
    compiled: &Compiled,
    test: &hir::TestDef,
    evaluator: &mut pol_vm::Evaluator<'_>,
    failures: &mut Vec<Failure>,
) {
    for (id, value) in &test.options {
        let Some(def) = compiled.hir.let_def(*id) else {
            continue;
        };
        let name = &def.info.qualified;
        let set = value
            .json()
            .ok_or_else(|| "the value is not a literal".to_owned())
            .and_then(|json| evaluator.set_option(name, json).map_err(|e| e.to_string()));
        if let Err(why) = set {
            failures.push(Failure::line(format!("cannot set option `{name}`: {why}")));
        }
    }
}
