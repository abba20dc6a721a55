//! Checking a test's expectations against the decision, and saying what differs: the
//! expected count or path against the findings the rule did give, the expected value
//! of a let against the one it has.

use super::{Engine, Failure};
use crate::{Document, Finding, QueryError, hir};
use pol_check::hir::{ExpectTarget, LetId};

/// The most findings listed under a failed expectation.
const MAX_LISTED: usize = 10;
/// Values longer than this are shown on lines of their own.
const LONG_VALUE: usize = 40;

/// Evaluates `doc` with `engine` and checks every expectation of `test`, adding what
/// failed.
pub(super) fn check(
    program: &hir::Program,
    test: &hir::TestDef,
    doc: &Document,
    engine: &mut dyn Engine,
    failures: &mut Vec<Failure>,
) {
    let decision = engine.decide(test, doc);
    let mut errors = decision.errors.clone();
    // Every let of the package runs too, used by a rule or not (docs/testing.md).
    for (index, def) in program.lets.iter().enumerate() {
        if def.info.package != test.package {
            continue;
        }
        let id = LetId(u32::try_from(index).unwrap_or(u32::MAX));
        if let Err(QueryError::Failed(d)) = engine.let_value(id, doc) {
            errors.extend(
                d.errors
                    .into_iter()
                    .filter(|e| !errors.contains(e))
                    .collect::<Vec<_>>(),
            );
        }
    }
    for error in &errors {
        failures.push(Failure::line(format!(
            "runtime error in `{}` at {}:{}: {}",
            error.rule, error.policy.file, error.policy.line, error.message
        )));
    }
    for expect in &test.expects {
        match expect.target {
            ExpectTarget::Rule(id) => {
                let Some(rule) = program.rule(id) else {
                    continue;
                };
                let all: Vec<&Finding> = decision
                    .violations
                    .iter()
                    .chain(&decision.warnings)
                    .filter(|f| f.rule == rule.info.qualified)
                    .collect();
                failures.extend(rule_failure(&rule.info.name, expect, &all));
            }
            ExpectTarget::Let(id) => {
                let Some(def) = program.let_def(id) else {
                    continue;
                };
                let expected = expect.equals.as_ref().and_then(hir::TestValue::json);
                match engine.let_value(id, doc) {
                    Ok(actual) => {
                        if let Some(expected) = expected
                            && !json_equal(&actual, expected)
                        {
                            failures.push(let_failure(&def.info.name, expected, &actual));
                        }
                    }
                    Err(e) => failures.push(Failure::line(format!(
                        "`{}` could not be computed: {e}",
                        def.info.name
                    ))),
                }
            }
        }
    }
}

/// `1 time`, `3 times`.
fn times(n: usize) -> String {
    if n == 1 {
        "1 time".to_owned()
    } else {
        format!("{n} times")
    }
}

/// What is wrong with an expectation on the rule `short` whose findings are `all`, if
/// anything; the failure lists the findings.
fn rule_failure(short: &str, expect: &hir::Expect, all: &[&Finding]) -> Option<Failure> {
    let matching = all
        .iter()
        .filter(|f| expect.at.as_ref().is_none_or(|at| same_path(&f.path, at)))
        .count();
    let at = expect
        .at
        .as_ref()
        .map(|p| format!(" at `{p}`"))
        .unwrap_or_default();
    let n = matching as u64;
    let message = match (expect.negated, expect.count) {
        (true, _) if n > 0 => format!(
            "expected `{short}` not to fire{at}, it fired {}{at}",
            times(matching)
        ),
        (false, Some(count)) if n != count => format!(
            "expected `{short}` to fire {}{at}, it fired {}{at}",
            times(usize::try_from(count).unwrap_or(usize::MAX)),
            times(matching)
        ),
        (false, None) if n == 0 && expect.at.is_some() && !all.is_empty() => format!(
            "expected `{short}` to fire{at}, it fired {} elsewhere",
            times(all.len())
        ),
        (false, None) if n == 0 => format!("expected `{short}` to fire{at}, it did not fire"),
        _ => return None,
    };
    let mut details: Vec<String> = all
        .iter()
        .take(MAX_LISTED)
        .map(|f| {
            let path = if f.path.is_empty() {
                "(the input)"
            } else {
                &f.path
            };
            format!("{path}: {}", f.message)
        })
        .collect();
    if all.len() > MAX_LISTED {
        details.push(format!("... and {} more", all.len() - MAX_LISTED));
    }
    let message = if details.is_empty() {
        message
    } else {
        format!("{message}:")
    };
    Some(Failure { message, details })
}

/// An `expect LET == value` that did not hold: the two values, on lines of their own
/// when they are long.
fn let_failure(name: &str, expected: &serde_json::Value, actual: &serde_json::Value) -> Failure {
    let (e, a) = (expected.to_string(), actual.to_string());
    if e.chars().count() <= LONG_VALUE && a.chars().count() <= LONG_VALUE {
        return Failure::line(format!("expected `{name}` to be {e}, it is {a}"));
    }
    let cut = |s: &str| crate::explain::cut(s, 500);
    Failure {
        message: format!("expected `{name}` to be another value:"),
        details: vec![
            format!("expected: {}", cut(&e)),
            format!("got:      {}", cut(&a)),
        ],
    }
}

/// Compares paths as written in tests and in findings (`a.b` and `a["b"]` are the same).
fn same_path(actual: &str, expected: &str) -> bool {
    normalize_path(actual) == normalize_path(expected)
}

fn normalize_path(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            rest = after;
        } else if let Some(after) = rest.strip_prefix("[\"") {
            let mut key = String::new();
            let mut chars = after.char_indices();
            let mut end = after.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, e)) = chars.next() {
                            key.push(e);
                        }
                    }
                    '"' => {
                        end = i;
                        break;
                    }
                    c => key.push(c),
                }
            }
            parts.push(key);
            rest = after
                .get(end..)
                .unwrap_or("")
                .trim_start_matches('"')
                .trim_start_matches(']');
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').unwrap_or(after.len());
            parts.push(format!("#{}", after.get(..end).unwrap_or("")));
            rest = after.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            parts.push(rest.get(..end).unwrap_or("").to_owned());
            rest = rest.get(end..).unwrap_or("");
        }
    }
    parts
}

/// Structural JSON equality with `1 == 1.0`.
fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            x.as_f64() == y.as_f64() && (x.as_i64() == y.as_i64() || x.is_f64() || y.is_f64())
        }
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}
