//! Running the `test` blocks of a policy set (`pol test`): see `docs/testing.md`.

use crate::{Compiled, Document, FileId, Format, hir};
use pol_check::hir::{ExpectTarget, ExprKind, TestInput};

/// The outcome of one `test` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// Its package.
    pub package: String,
    /// True when every expectation held and the evaluation had no runtime error.
    pub passed: bool,
    /// What went wrong, one line each.
    pub failures: Vec<String>,
}

/// Reads the file of an `input from "path"` statement: the path as written and the
/// policy file of the test (relative paths are relative to it).
pub type InputLoader<'a> = dyn Fn(&str, FileId) -> Result<Document, String> + 'a;

/// Runs every test block of `compiled`.
pub fn run_tests(compiled: &Compiled, load_file: &InputLoader<'_>) -> Vec<TestOutcome> {
    let mut evaluator = compiled.policy.evaluator();
    let mut outcomes = Vec::new();
    for test in &compiled.hir.tests {
        let package = compiled
            .hir
            .package(test.package)
            .map_or_else(String::new, |p| p.name.clone());
        let mut failures = Vec::new();
        let doc = match &test.input {
            TestInput::Inline(expr) => literal_json(expr)
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
            Ok(doc) => check_expectations(compiled, test, &doc, evaluator, &mut failures),
            Err(why) => failures.push(format!("cannot read the input: {why}")),
        }
        outcomes.push(TestOutcome {
            name: test.name.clone(),
            package,
            passed: failures.is_empty(),
            failures,
        });
    }
    outcomes
}

/// Sets the test's `option name = value`s; a value the option cannot take is a failure.
fn set_options(
    compiled: &Compiled,
    test: &hir::TestDef,
    evaluator: &mut pol_vm::Evaluator<'_>,
    failures: &mut Vec<String>,
) {
    for (id, value) in &test.options {
        let Some(def) = compiled.hir.let_def(*id) else {
            continue;
        };
        let name = &def.info.qualified;
        let set = literal_json(value)
            .ok_or_else(|| "the value is not a literal".to_owned())
            .and_then(|json| evaluator.set_option(name, &json).map_err(|e| e.to_string()));
        if let Err(why) = set {
            failures.push(format!("cannot set option `{name}`: {why}"));
        }
    }
}

fn check_expectations(
    compiled: &Compiled,
    test: &hir::TestDef,
    doc: &Document,
    evaluator: &mut pol_vm::Evaluator<'_>,
    failures: &mut Vec<String>,
) {
    let decision = evaluator.evaluate(doc);
    let mut errors = decision.errors.clone();
    // Every let of the package runs too, used by a rule or not (docs/testing.md).
    for def in compiled
        .hir
        .lets
        .iter()
        .filter(|l| l.info.package == test.package)
    {
        if let Err(pol_vm::QueryError::Failed(d)) = evaluator.query(doc, &def.info.qualified) {
            errors.extend(
                d.errors
                    .into_iter()
                    .filter(|e| !errors.contains(e))
                    .collect::<Vec<_>>(),
            );
        }
    }
    for error in &errors {
        failures.push(format!(
            "runtime error in `{}` at {}:{}: {}",
            error.rule, error.policy.file, error.policy.line, error.message
        ));
    }
    for expect in &test.expects {
        match expect.target {
            ExpectTarget::Rule(id) => {
                let Some(rule) = compiled.hir.rule(id) else {
                    continue;
                };
                let name = &rule.info.qualified;
                let findings: Vec<&crate::Finding> = decision
                    .violations
                    .iter()
                    .chain(&decision.warnings)
                    .filter(|f| &f.rule == name)
                    .filter(|f| expect.at.as_ref().is_none_or(|at| same_path(&f.path, at)))
                    .collect();
                let n = findings.len() as u64;
                let short = &rule.info.name;
                let at = expect
                    .at
                    .as_ref()
                    .map(|p| format!(" at `{p}`"))
                    .unwrap_or_default();
                match (expect.negated, expect.count) {
                    (true, _) if n > 0 => failures.push(format!(
                        "expected `{short}` not to fire{at}, it fired {n} time(s)"
                    )),
                    (false, Some(count)) if n != count => {
                        failures.push(format!(
                            "expected `{short}` to fire {count} time(s){at}, it fired {n} time(s)"
                        ));
                    }
                    (false, None) if n == 0 => {
                        let paths: Vec<String> = decision
                            .violations
                            .iter()
                            .chain(&decision.warnings)
                            .filter(|f| &f.rule == name)
                            .map(|f| format!("`{}`", f.path))
                            .collect();
                        let seen = if paths.is_empty() {
                            String::new()
                        } else {
                            format!(" (it fired at {})", paths.join(", "))
                        };
                        failures.push(format!("expected `{short}` to fire{at}{seen}"));
                    }
                    _ => {}
                }
            }
            ExpectTarget::Let(id) => {
                let Some(def) = compiled.hir.let_def(id) else {
                    continue;
                };
                let expected = expect.equals.as_ref().and_then(literal_json);
                match evaluator.query(doc, &def.info.qualified) {
                    Ok(actual) => {
                        if let Some(expected) = expected
                            && !json_equal(&actual, &expected)
                        {
                            failures.push(format!(
                                "expected `{}` to be {expected}, it is {actual}",
                                def.info.name
                            ));
                        }
                    }
                    Err(e) => {
                        failures.push(format!("`{}` could not be computed: {e}", def.info.name))
                    }
                }
            }
        }
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

/// The JSON value of a literal expression (sets become sorted, deduplicated arrays);
/// `None` if the expression is not made of literals.
pub fn literal_json(e: &hir::Expr) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match &e.kind {
        ExprKind::Null => J::Null,
        ExprKind::Bool(b) => J::Bool(*b),
        ExprKind::Int(n) => J::from(*n),
        ExprKind::Float(f) => serde_json::Number::from_f64(*f).map(J::Number)?,
        ExprKind::Str(s) => J::String(s.clone()),
        ExprKind::FString(parts) => {
            let mut s = String::new();
            for part in parts {
                match part {
                    hir::FStringPart::Text(t) => s.push_str(t),
                    hir::FStringPart::Expr(e) => match literal_json(e)? {
                        J::String(t) => s.push_str(&t),
                        other => s.push_str(&other.to_string()),
                    },
                }
            }
            J::String(s)
        }
        ExprKind::List(items) => J::Array(items.iter().map(literal_json).collect::<Option<_>>()?),
        ExprKind::Set(items) => {
            let mut values: Vec<J> = items.iter().map(literal_json).collect::<Option<_>>()?;
            values.sort_by_key(ToString::to_string);
            values.dedup();
            J::Array(values)
        }
        ExprKind::Object(pairs) => {
            let mut map = serde_json::Map::new();
            for (k, v) in pairs {
                let J::String(key) = literal_json(k)? else {
                    return None;
                };
                map.insert(key, literal_json(v)?);
            }
            J::Object(map)
        }
        ExprKind::Unary {
            op: hir::UnaryOp::Neg,
            expr,
        } => match literal_json(expr)? {
            J::Number(n) => {
                if let Some(i) = n.as_i64() {
                    J::from(i.checked_neg()?)
                } else {
                    serde_json::Number::from_f64(-n.as_f64()?).map(J::Number)?
                }
            }
            _ => return None,
        },
        _ => return None,
    })
}
