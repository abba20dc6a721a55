//! Running `test` blocks: build the input, evaluate the package's rules, check each
//! expectation.

use crate::eval::Evaluator;
use crate::order::equal;
use crate::text::{to_json, to_text};
use crate::value::{Value, from_json, resolve};
use crate::{Options, TestOutcome};
use pol_check::hir::{Expect, ExpectTarget, Program, TestDef, TestInput};
use pol_diagnostics::{FileId, SourceMap};
use pol_facts::{Decision, Document, Format};

/// Runs one test block.
pub(crate) fn run_test(
    program: &Program,
    sources: &SourceMap,
    test: &TestDef,
    load_file: &dyn Fn(&str, FileId) -> Result<Document, String>,
) -> TestOutcome {
    let package = program
        .package(test.package)
        .map_or_else(String::new, |p| p.name.clone());
    let failures = match input(test, load_file) {
        Ok(doc) => check(program, sources, test, &doc),
        Err(e) => vec![format!("cannot read the input: {e}")],
    };
    TestOutcome {
        name: test.name.clone(),
        package,
        passed: failures.is_empty(),
        failures,
    }
}

/// The test's input document.
fn input(
    test: &TestDef,
    load_file: &dyn Fn(&str, FileId) -> Result<Document, String>,
) -> Result<Document, String> {
    match &test.input {
        TestInput::File { path, .. } => load_file(path, test.span.file),
        TestInput::Inline(value) => {
            let json = value
                .json()
                .ok_or_else(|| "the input is not a literal".to_owned())?;
            let docs = pol_facts::load(&json.to_string(), Format::Json, None)
                .map_err(|e| e.to_string())?;
            docs.into_iter()
                .next()
                .ok_or_else(|| "the input is empty".to_owned())
        }
    }
}

/// Evaluates the test's package on `doc` and checks every expectation.
fn check(program: &Program, sources: &SourceMap, test: &TestDef, doc: &Document) -> Vec<String> {
    let options = Options::default();
    let mut ev = Evaluator::new(program, sources, doc, &options);
    let rules = program
        .rules
        .iter()
        .filter(|r| r.info.package == test.package);
    let mut decision = crate::rules::decide(&mut ev, rules);
    // Every let of the package is evaluated too: a runtime error fails the test.
    for (i, def) in program.lets.iter().enumerate() {
        if def.info.package == test.package {
            let id = pol_check::hir::LetId(u32::try_from(i).unwrap_or(u32::MAX));
            let _ = ev.let_value(id, def.info.name_span);
        }
    }
    decision.errors.append(&mut ev.errors);
    let mut failures: Vec<String> = decision
        .errors
        .iter()
        .map(|e| {
            format!(
                "runtime error in `{}` at {}:{}:{}: {}",
                e.rule, e.policy.file, e.policy.line, e.policy.column, e.message
            )
        })
        .collect();
    for expect in &test.expects {
        let failure = match expect.target {
            ExpectTarget::Rule(id) => program
                .rule(id)
                .and_then(|rule| rule_failure(&decision, &rule.info.qualified, expect)),
            ExpectTarget::Let(id) => let_failure(&mut ev, id, expect),
        };
        failures.extend(failure);
    }
    failures
}

/// What is wrong with an expectation on a rule, if anything.
fn rule_failure(decision: &Decision, rule: &str, expect: &Expect) -> Option<String> {
    let fired = decision
        .violations
        .iter()
        .chain(&decision.warnings)
        .filter(|f| f.rule == rule && expect.at.as_ref().is_none_or(|p| same_path(p, &f.path)))
        .count();
    let at = expect
        .at
        .as_ref()
        .map_or_else(String::new, |p| format!(" at {p:?}"));
    if expect.negated {
        return (fired > 0)
            .then(|| format!("expected `{rule}` not to fire{at}, but it fired {fired} times"));
    }
    match expect.count {
        Some(n) if u64::try_from(fired).ok() != Some(n) => Some(format!(
            "expected `{rule}` to fire {n} times{at}, but it fired {fired} times"
        )),
        Some(_) => None,
        None => (fired == 0).then(|| format!("expected `{rule}` to fire{at}, but it did not")),
    }
}

/// What is wrong with an expectation on a let, if anything.
fn let_failure(
    ev: &mut Evaluator<'_>,
    id: pol_check::hir::LetId,
    expect: &Expect,
) -> Option<String> {
    let program = ev.program;
    let name = program
        .let_def(id)
        .map_or("?", |l| l.info.qualified.as_str());
    let Some(expected) = &expect.equals else {
        return Some(format!("the expectation on `{name}` has no value"));
    };
    let Ok(actual) = ev.let_value(id, expect.span) else {
        return Some(format!("`{name}` has no value: its evaluation failed"));
    };
    let Some(wanted) = expected.json().map(from_json) else {
        return Some(format!("the expected value of `{name}` is not a literal"));
    };
    // The expected value is a constant of JSON, where a set is a sorted list: the
    // actual value is compared as JSON too.
    let actual = to_json(ev.doc, &actual).map_or(actual, |json| from_json(&json));
    (!equal(ev.doc, &actual, &wanted)).then(|| {
        format!(
            "expected `{name}` to be {}, but it is {}",
            shown(ev, &wanted),
            shown(ev, &actual)
        )
    })
}

/// A value as a test failure shows it.
fn shown(ev: &Evaluator<'_>, v: &Value) -> String {
    match resolve(ev.doc, v) {
        Value::Str(s) => format!("{s:?}"),
        Value::Null => "null".to_owned(),
        other => to_text(ev.doc, &other),
    }
}

/// One step of an input path.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(u64),
}

/// Two input paths name the same value: `jobs.build` and `jobs["build"]` are equal.
fn same_path(a: &str, b: &str) -> bool {
    match (parse_path(a), parse_path(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The steps of a path as decisions write it (`a.b[0]["c d"]`); `None` if malformed.
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let (inside, tail) = after.split_at(end);
            if inside.starts_with('"') {
                // A quoted key: a JSON string, which may itself contain `]`.
                let mut stream = serde_json::Deserializer::from_str(after).into_iter::<String>();
                let key = stream.next()?.ok()?;
                let used = stream.byte_offset();
                rest = after.get(used..)?.strip_prefix(']')?;
                steps.push(Step::Key(key));
                continue;
            }
            steps.push(Step::Index(inside.parse().ok()?));
            rest = tail.strip_prefix(']')?;
        } else {
            let body = if steps.is_empty() {
                rest
            } else {
                rest.strip_prefix('.')?
            };
            let end = body.find(['.', '[']).unwrap_or(body.len());
            let (key, tail) = body.split_at(end);
            if key.is_empty() {
                return None;
            }
            steps.push(Step::Key(key.to_owned()));
            rest = tail;
        }
    }
    Some(steps)
}

#[cfg(test)]
mod tests {
    use super::{parse_path, same_path};

    #[test]
    fn paths_compare_after_parsing() {
        assert!(same_path("jobs.build", r#"jobs["build"]"#));
        assert!(same_path(r#"["a b"].c[2]"#, r#"["a b"]["c"][2]"#));
        assert!(same_path(r#"x["]"]"#, r#"x["]"]"#));
        assert!(!same_path("a[1]", "a[2]"));
        assert!(same_path("", ""));
        assert_eq!(parse_path("a..b"), None);
    }
}
