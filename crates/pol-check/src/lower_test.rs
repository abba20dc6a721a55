//! Lowering `test` blocks: one input document and expectations on the package's rules
//! and lets.

use crate::collect::{Def, Entry, ItemRef};
use crate::hir::{Expect, ExpectTarget, LetId, RuleId, TestDef, TestInput, TestValue, UnaryOp};
use crate::literals;
use crate::scope::Env;
use crate::suggest::did_you_mean;
use pol_diagnostics::{Code, Diagnostic, Span};
use pol_syntax::ast::{self, Expectation, ExprKind as A, Test, TestStmtKind};
use serde_json::Value as Json;

/// Lowers a test block, reporting malformed statements (E0029) and expectations on
/// names that are not rules or lets of the package (E0111).
pub(crate) fn lower_test(
    env: Env<'_>,
    def: &Def<'_, &Test>,
    diags: &mut Vec<Diagnostic>,
) -> TestDef {
    let test = def.decl;
    let mut input: Option<(TestInput, Span)> = None;
    let mut expects = Vec::new();
    let mut options: Vec<(LetId, TestValue)> = Vec::new();
    let mut data: Option<(TestInput, Span)> = None;
    // A malformed `input <word> "path"` is reported once, not again as a missing input.
    let mut input_attempted = false;
    for stmt in &test.stmts {
        let given = match &stmt.kind {
            TestStmtKind::Input(e) => TestInput::Inline(literal(e, "a test input", diags)),
            TestStmtKind::InputFile { path, path_span } => TestInput::File {
                path: path.clone(),
                span: *path_span,
            },
            TestStmtKind::Data(_) | TestStmtKind::DataFile { .. } => {
                let given = match &stmt.kind {
                    TestStmtKind::Data(e) => TestInput::Inline(literal(e, "test data", diags)),
                    TestStmtKind::DataFile { path, path_span } => TestInput::File {
                        path: path.clone(),
                        span: *path_span,
                    },
                    _ => continue,
                };
                match &data {
                    Some((_, first)) => diags.push(
                        invalid(stmt.span, "a test has only one `data`", "second `data`")
                            .with_secondary(*first, "first `data` here")
                            .with_help("give the test's reference data in one object"),
                    ),
                    None => data = Some((given, stmt.span)),
                }
                continue;
            }
            TestStmtKind::Expect(x) => {
                expects.extend(expectation(env, x, stmt.span, diags));
                continue;
            }
            TestStmtKind::Option { name, value } => {
                if let Some(id) = option_target(env, name, diags) {
                    let value = literal(value, "an option value", diags);
                    if options.iter().any(|(set, _)| *set == id) {
                        diags.push(
                            invalid(
                                name.span,
                                format!("option `{}` is set twice", name.text),
                                "set again",
                            )
                            .with_help("set each option once per test"),
                        );
                    } else {
                        options.push((id, value));
                    }
                }
                continue;
            }
            TestStmtKind::Unknown(word) => {
                // An empty word marks a statement that failed to parse (already reported).
                if !word.text.is_empty() {
                    input_attempted |= is_input_file(word, stmt.span);
                    diags.push(unknown_statement(word, stmt.span));
                }
                continue;
            }
        };
        match &input {
            Some((_, first)) => diags.push(second_input(stmt.span, *first)),
            None => input = Some((given, stmt.span)),
        }
    }
    let broken = env
        .col
        .units
        .get(def.unit)
        .is_some_and(|u| u.has_parse_error_in(def.item.span));
    if input.is_none() && !broken && !input_attempted {
        diags.push(
            invalid(
                test.name_span,
                format!("test `{}` has no input", test.name),
                "input missing",
            )
            .with_help(
                "give the input document with `input = {...}` or `input from \"file.json\"`",
            ),
        );
    }
    TestDef {
        name: test.name.clone(),
        package: env.package_id(),
        input: input.map_or(TestInput::Inline(TestValue::NotJson), |(i, _)| i),
        data: data.map(|(d, _)| d),
        expects,
        options,
        span: def.item.span,
        name_span: test.name_span,
    }
}

/// The `@option` let of the package that `option name = ...` sets; reports any other
/// name (E0111 when it names nothing, E0029 when it is no option).
fn option_target(env: Env<'_>, name: &ast::Name, diags: &mut Vec<Diagnostic>) -> Option<LetId> {
    let help = "a test sets an option of its package: a `let` marked `@option`";
    match env.item(&name.text) {
        Some(Entry {
            item: ItemRef::Let(id),
            ..
        }) => {
            let is_option =
                env.col.lets.get(id.index()).is_some_and(|def| {
                    def.item.annotations.iter().any(|a| a.name.text == "option")
                });
            if is_option {
                return Some(id);
            }
            diags.push(
                invalid(
                    name.span,
                    format!("`{}` is a let, not an option", name.text),
                    "not an option",
                )
                .with_help(help),
            );
        }
        Some(entry) => diags.push(
            invalid(
                name.span,
                format!(
                    "`{}` is {}, not an option",
                    name.text,
                    entry.item.describe()
                ),
                "not an option",
            )
            .with_help(help),
        ),
        None => diags.push(
            Diagnostic::error(
                Code::UnknownTestTarget,
                name.span,
                format!("no option `{}` in this package", name.text),
            )
            .with_label("unknown option")
            .with_help(help),
        ),
    }
    None
}

fn invalid(span: Span, message: impl Into<String>, label: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidTest, span, message).with_label(label)
}

/// True for `input <word> "path"`, where the word is not the first of the statement.
fn is_input_file(word: &ast::Name, stmt: Span) -> bool {
    stmt.start < word.span.start
}

fn unknown_statement(word: &ast::Name, stmt: Span) -> Diagnostic {
    if is_input_file(word, stmt) {
        // `input <word> "path"`
        return invalid(
            word.span,
            format!("expected `from`, found `{}`", word.text),
            "expected `from`",
        )
        .with_help("read the input from a file with `input from \"file.json\"`");
    }
    invalid(
        word.span,
        format!(
            "expected `input`, `data`, `expect` or `option`, found `{}`",
            word.text
        ),
        "not a test statement",
    )
    .with_help("a test holds one `input = ...` (or `input from \"file\"`), at most one `data = ...` (or `data from \"file\"`), `expect ...` lines and `option name = value` lines")
}

fn second_input(span: Span, first: Span) -> Diagnostic {
    invalid(span, "a test has only one input", "second input")
        .with_secondary(first, "first input here")
        .with_help("split the test in two, one per input document")
}

fn expectation(
    env: Env<'_>,
    x: &Expectation,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Expect> {
    match env.item(&x.target.text) {
        Some(Entry {
            item: ItemRef::Rule(id),
            ..
        }) => rule_expect(id, x, span, diags),
        Some(Entry {
            item: ItemRef::Let(id),
            ..
        }) => let_expect(id, x, span, diags),
        Some(entry) => {
            diags.push(
                Diagnostic::error(
                    Code::UnknownTestTarget,
                    x.target.span,
                    format!(
                        "`{}` is {}, not a rule or a let",
                        x.target.text,
                        entry.item.describe()
                    ),
                )
                .with_label("cannot be expected")
                .with_help("a test checks which rules fire and the values of lets"),
            );
            None
        }
        None => {
            if env.reports_unknown(env.package_id()) {
                diags.push(unknown_target(env, &x.target));
            }
            None
        }
    }
}

fn unknown_target(env: Env<'_>, target: &ast::Name) -> Diagnostic {
    let candidates = env
        .package()
        .into_iter()
        .flat_map(|p| p.names_where(|i| matches!(i, ItemRef::Rule(_) | ItemRef::Let(_))));
    let mut d = Diagnostic::error(
        Code::UnknownTestTarget,
        target.span,
        format!("unknown rule or let `{}`", target.text),
    )
    .with_label("not a rule or a let of this package");
    if let Some(help) = did_you_mean(&target.text, candidates) {
        d = d.with_help(help);
    }
    d
}

fn rule_expect(
    id: RuleId,
    x: &Expectation,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Expect> {
    let count = match &x.equals {
        None => None,
        Some(e) if x.negated => {
            diags.push(
                invalid(
                    e.span,
                    "`expect not` cannot give a number of findings",
                    "count after `expect not`",
                )
                .with_help(format!(
                    "write `expect {} == 0` to check that the rule does not fire",
                    x.target.text
                )),
            );
            return None;
        }
        Some(e) => Some(finding_count(e, &x.target.text, diags)?),
    };
    let at = x.at.as_ref().map(|(path, _)| path.clone());
    Some(Expect {
        target: ExpectTarget::Rule(id),
        negated: x.negated,
        count,
        equals: None,
        at,
        span,
    })
}

/// The `N` of `expect rule == N`: an integer literal, at least 0.
fn finding_count(e: &ast::Expr, rule: &str, diags: &mut Vec<Diagnostic>) -> Option<u64> {
    match &e.kind {
        A::Int(n) if *n >= 0 => return u64::try_from(*n).ok(),
        A::Error => return None,
        _ => {}
    }
    diags.push(
        invalid(
            e.span,
            "expected a number of findings",
            "not a whole number of 0 or more",
        )
        .with_help(format!(
            "`expect {rule} == 2` checks that the rule fires exactly twice"
        )),
    );
    None
}

fn let_expect(
    id: LetId,
    x: &Expectation,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Expect> {
    let name = &x.target.text;
    let help = format!("check a let's value with `expect {name} == value`");
    if x.negated {
        diags.push(
            invalid(x.target.span, "`expect not` only applies to rules", "a let").with_help(help),
        );
        return None;
    }
    if let Some((_, at_span)) = &x.at {
        diags.push(
            invalid(
                *at_span,
                "`at` only applies to rules",
                "a let has no findings",
            )
            .with_help(help),
        );
        return None;
    }
    let Some(value) = &x.equals else {
        diags.push(
            invalid(
                x.target.span,
                format!("expected `== value` after the let `{name}`"),
                "no value",
            )
            .with_help(help),
        );
        return None;
    };
    let equals = literal(value, "an expected value", diags);
    Some(Expect {
        target: ExpectTarget::Let(id),
        negated: false,
        count: None,
        equals: Some(equals),
        at: None,
        span,
    })
}

/// Lowers a literal value (literals, and lists, sets, objects, f-strings and negations
/// of literals) to the constant it stands for; anything else is reported (E0029) and
/// makes it [`TestValue::NotJson`].
fn literal(e: &ast::Expr, what: &str, diags: &mut Vec<Diagnostic>) -> TestValue {
    constant(e, what, diags).map_or(TestValue::NotJson, TestValue::Json)
}

/// The JSON value of a literal; `None` when it has none (an object key that is not a
/// string, or a part that is no literal). Every part is lowered, so that each part that
/// is no literal is reported.
fn constant(e: &ast::Expr, what: &str, diags: &mut Vec<Diagnostic>) -> Option<Json> {
    match &e.kind {
        A::Null => Some(Json::Null),
        A::Bool(b) => Some(Json::Bool(*b)),
        A::Int(i) => Some(Json::from(*i)),
        A::Float(f) => serde_json::Number::from_f64(*f).map(Json::Number),
        A::Str(s) => Some(Json::String(s.clone())),
        A::IntOutOfRange(v) => {
            diags.push(literals::int_out_of_range(*v, e.span));
            None
        }
        A::Unary {
            op: UnaryOp::Neg,
            expr,
        } if matches!(expr.kind, A::Int(_) | A::Float(_)) => negate(constant(expr, what, diags)?),
        A::FString(parts) => {
            let texts: Vec<Option<String>> = parts
                .iter()
                .map(|part| match part {
                    ast::FStringPart::Text(t) => Some(t.clone()),
                    ast::FStringPart::Expr(e) => constant(e, what, diags).map(|v| match v {
                        Json::String(t) => t,
                        other => other.to_string(),
                    }),
                })
                .collect();
            texts
                .into_iter()
                .collect::<Option<String>>()
                .map(Json::String)
        }
        A::List(items) => every(items.iter().map(|i| constant(i, what, diags))).map(Json::Array),
        A::Set(items) => {
            let mut values = every(items.iter().map(|i| constant(i, what, diags)))?;
            values.sort_by_key(ToString::to_string);
            values.dedup();
            Some(Json::Array(values))
        }
        A::Object(pairs) => {
            let entries: Vec<(Option<Json>, Option<Json>)> = pairs
                .iter()
                .map(|(k, v)| (constant(k, what, diags), constant(v, what, diags)))
                .collect();
            let mut map = serde_json::Map::new();
            for entry in entries {
                let (Some(Json::String(key)), Some(value)) = entry else {
                    return None;
                };
                map.insert(key, value);
            }
            Some(Json::Object(map))
        }
        A::Error => None,
        _ => {
            diags.push(
                invalid(e.span, format!("{what} must be a literal value"), "not a literal").with_help(
                    "write the value with literals, lists, sets and objects (JSON is valid), or read the input \
                     with `input from \"file.json\"`",
                ),
            );
            None
        }
    }
}

/// All the values, when every one is there (each was lowered, reported or not).
fn every(values: impl Iterator<Item = Option<Json>>) -> Option<Vec<Json>> {
    let values: Vec<Option<Json>> = values.collect();
    values.into_iter().collect()
}

/// `-n` of a number literal: an integer stays an integer.
fn negate(value: Json) -> Option<Json> {
    let Json::Number(n) = value else {
        return None;
    };
    match n.as_i64() {
        Some(i) => i.checked_neg().map(Json::from),
        None => serde_json::Number::from_f64(-n.as_f64()?).map(Json::Number),
    }
}
