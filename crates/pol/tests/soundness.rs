//! Soundness of the type checker: a program that checks without errors, run on a
//! document that conforms to its declared `input` type, raises no runtime *type* error
//! (overflow, division by zero and invalid values such as `to_int("x")` may still
//! happen: types do not rule them out).
//!
//! Programs are generated at random over a fixed, rich input type; those the checker
//! rejects are skipped (each case tries seeds until one checks); documents are
//! generated to conform to the type.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;

use common::Rng;
use pol::SourceMap;
use proptest::prelude::*;

const TYPES: &str = r#"
type Item = {name: string, n?: int, tags?: [string]}
input: {a: int, b: string, c?: string, d: [int], e: map<string>, f: {g: bool, h?: float}, l: [Item], z?: null}
"#;

const LEAVES: &[&str] = &[
    "input.a",
    "input.b",
    "input.c",
    "input.d",
    "input.e",
    "input.f",
    "input.f.g",
    "input.f.h",
    "input.l",
    "input.l[0]",
    "input.l[0].name",
    "input.l[0].n",
    "input.l[0].tags",
    "input.d[1]",
    "input.e[\"k\"]",
    "input.z",
    "1",
    "2.5",
    "\"x\"",
    "true",
    "null",
    "[1, 2]",
    "{\"k\": \"v\"}",
];
const BINARY: &[&str] = &[
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "??", "and", "or",
];
const CALLS: &[&str] = &[
    "len(X)",
    "lower(X)",
    "upper(X)",
    "trim(X)",
    "X.starts_with(Y)",
    "X.ends_with(Y)",
    "contains(X, Y)",
    "split(X, Y)",
    "join(X, Y)",
    "to_string(X)",
    "keys(X)",
    "values(X)",
    "sum(X)",
    "min(X)",
    "max(X)",
    "sort(X)",
    "unique(X)",
    "flatten(X)",
    "type_of(X)",
    "count(X)",
];

fn expr(rng: &mut Rng, scope: &[String], depth: usize, fresh: &mut usize) -> String {
    if depth == 0 || rng.below(10) < 3 {
        if !scope.is_empty() && rng.below(3) == 0 {
            return scope[rng.below(scope.len())].clone();
        }
        return rng.pick(LEAVES).to_owned();
    }
    let d = depth - 1;
    match rng.below(8) {
        0 | 1 => format!(
            "({} {} {})",
            expr(rng, scope, d, fresh),
            rng.pick(BINARY),
            expr(rng, scope, d, fresh)
        ),
        2 => format!("(not {})", expr(rng, scope, d, fresh)),
        3 => {
            let call = rng.pick(CALLS);
            call.replace('X', &expr(rng, scope, d, fresh))
                .replace('Y', &expr(rng, scope, d, fresh))
        }
        4 => format!(
            "(if {} then {} else {})",
            expr(rng, scope, d, fresh),
            expr(rng, scope, d, fresh),
            expr(rng, scope, d, fresh)
        ),
        5 => {
            *fresh += 1;
            let v = format!("v{fresh}");
            let iter = expr(rng, scope, d, fresh);
            let mut inner = scope.to_vec();
            inner.push(v.clone());
            format!("[{} for {v} in {iter}]", expr(rng, &inner, d, fresh))
        }
        6 => {
            *fresh += 1;
            let v = format!("v{fresh}");
            let iter = expr(rng, scope, d, fresh);
            let mut inner = scope.to_vec();
            inner.push(v.clone());
            format!("(any {v} in {iter}: {})", expr(rng, &inner, d, fresh))
        }
        _ => format!(
            "{}.{}",
            expr(rng, scope, d, fresh),
            rng.pick(&["name", "n", "g", "h", "k"])
        ),
    }
}

/// An expression meant to have the given kind (`b`ool, `i`nt, `s`tring, `l`ist of
/// ints); now and then an untyped one, so that the checker has work to do.
fn typed(rng: &mut Rng, kind: char, depth: usize, fresh: &mut usize) -> String {
    if rng.below(30) == 0 {
        return expr(rng, &[], depth.min(1), fresh);
    }
    let leaf = depth == 0 || rng.below(10) < 3;
    let d = depth.saturating_sub(1);
    match kind {
        'b' if leaf => rng
            .pick(&[
                "input.f.g",
                "true",
                "(input.c == null)",
                "(input.z == null)",
            ])
            .to_owned(),
        'b' => match rng.below(6) {
            0 => format!(
                "({} {} {})",
                typed(rng, 'i', d, fresh),
                rng.pick(&["<", "<=", ">", ">=", "==", "!="]),
                typed(rng, 'i', d, fresh)
            ),
            1 => format!(
                "({} {} {})",
                typed(rng, 'b', d, fresh),
                rng.pick(&["and", "or"]),
                typed(rng, 'b', d, fresh)
            ),
            2 => format!("(not {})", typed(rng, 'b', d, fresh)),
            3 => format!(
                "({} in {})",
                typed(rng, 'i', d, fresh),
                typed(rng, 'l', d, fresh)
            ),
            4 => format!(
                "{}.starts_with({})",
                typed(rng, 's', d, fresh),
                typed(rng, 's', d, fresh)
            ),
            _ => {
                *fresh += 1;
                let v = format!("q{fresh}");
                format!(
                    "({} {v} in input.l: {v}.name != {})",
                    rng.pick(&["any", "all"]),
                    typed(rng, 's', d, fresh)
                )
            }
        },
        'i' if leaf => rng
            .pick(&[
                "input.a",
                "input.d[0]",
                "input.l[0].n",
                "1",
                "-3",
                "len(input.d)",
            ])
            .to_owned(),
        'i' => match rng.below(5) {
            0 => format!(
                "({} {} {})",
                typed(rng, 'i', d, fresh),
                rng.pick(&["+", "-", "*", "%"]),
                typed(rng, 'i', d, fresh)
            ),
            1 => format!(
                "({} ?? {})",
                typed(rng, 'i', d, fresh),
                typed(rng, 'i', d, fresh)
            ),
            2 => {
                let kind = if rng.below(2) == 0 { 's' } else { 'l' };
                format!("len({})", typed(rng, kind, d, fresh))
            }
            3 => format!("sum({})", typed(rng, 'l', d, fresh)),
            _ => format!(
                "(if {} then {} else {})",
                typed(rng, 'b', d, fresh),
                typed(rng, 'i', d, fresh),
                typed(rng, 'i', d, fresh)
            ),
        },
        's' if leaf => rng
            .pick(&[
                "input.b",
                "input.c",
                "input.l[0].name",
                "\"x\"",
                "input.e[\"k0\"]",
            ])
            .to_owned(),
        's' => match rng.below(4) {
            0 => format!(
                "({} + {})",
                typed(rng, 's', d, fresh),
                typed(rng, 's', d, fresh)
            ),
            1 => format!(
                "{}({})",
                rng.pick(&["lower", "upper", "trim", "to_string"]),
                typed(rng, 's', d, fresh)
            ),
            2 => format!(
                "f\"{{ {} }}-{{ {} }}\"",
                typed(rng, 'i', d, fresh),
                typed(rng, 's', d, fresh)
            ),
            _ => format!(
                "({} ?? {})",
                typed(rng, 's', d, fresh),
                typed(rng, 's', d, fresh)
            ),
        },
        _ if leaf => rng.pick(&["input.d", "[1, 2]", "sort(input.d)"]).to_owned(),
        _ => {
            *fresh += 1;
            let v = format!("c{fresh}");
            format!(
                "[{v} * 2 for {v} in {} if {v} > {}]",
                typed(rng, 'l', d, fresh),
                typed(rng, 'i', d, fresh)
            )
        }
    }
}

fn program(rng: &mut Rng) -> String {
    let mut src = format!("package sound\n{TYPES}\n");
    let mut fresh = 0;
    for r in 0..1 + rng.below(3) {
        src.push_str(&format!("deny r{r} {{\n"));
        let mut scope: Vec<String> = Vec::new();
        for _ in 0..rng.below(3) {
            fresh += 1;
            let v = format!("v{fresh}");
            if rng.below(2) == 0 {
                let iter = if rng.below(2) == 0 {
                    typed(rng, 'l', 2, &mut fresh)
                } else {
                    expr(rng, &scope, 2, &mut fresh)
                };
                src.push_str(&format!("  for {v} in {iter}\n"));
            } else {
                let kind = rng
                    .pick(&["b", "i", "s", "l"])
                    .chars()
                    .next()
                    .unwrap_or('i');
                let value = typed(rng, kind, 3, &mut fresh);
                src.push_str(&format!("  let {v} = {value}\n"));
            }
            scope.push(v);
        }
        let cond = if rng.below(6) == 0 {
            expr(rng, &scope, 2, &mut fresh)
        } else {
            typed(rng, 'b', 3, &mut fresh)
        };
        src.push_str(&format!("  if {cond}\n"));
        let part = if rng.below(4) == 0 {
            expr(rng, &scope, 2, &mut fresh)
        } else {
            typed(rng, 's', 2, &mut fresh)
        };
        // Every local is read, so no unused-variable warning hides anything.
        let reads: Vec<String> = scope.iter().map(|v| format!("{{ {v} }}")).collect();
        src.push_str(&format!(
            "  message f\"r{r} {{ {part} }} {}\"\n}}\n",
            reads.join(" ")
        ));
    }
    src
}

/// A document that conforms to the input type.
fn document(rng: &mut Rng) -> String {
    let words = ["a", "B c", "", "x,y", "name"];
    let word = |rng: &mut Rng| format!("\"{}\"", words[rng.below(words.len())]);
    let int = |rng: &mut Rng| ["0", "1", "-2", "7", "100"][rng.below(5)].to_owned();
    let mut fields = vec![
        format!("\"a\": {}", int(rng)),
        format!("\"b\": {}", word(rng)),
    ];
    if rng.below(2) == 0 {
        fields.push(format!("\"c\": {}", word(rng)));
    }
    let d: Vec<String> = (0..rng.below(4)).map(|_| int(rng)).collect();
    fields.push(format!("\"d\": [{}]", d.join(", ")));
    let e: Vec<String> = (0..rng.below(3))
        .map(|i| format!("\"k{i}\": {}", word(rng)))
        .collect();
    fields.push(format!("\"e\": {{{}}}", e.join(", ")));
    let h = if rng.below(2) == 0 {
        ", \"h\": 1.5".to_owned()
    } else {
        String::new()
    };
    fields.push(format!(
        "\"f\": {{\"g\": {}{h}}}",
        ["true", "false"][rng.below(2)]
    ));
    let items: Vec<String> = (0..rng.below(3))
        .map(|_| {
            let mut item = vec![format!("\"name\": {}", word(rng))];
            if rng.below(2) == 0 {
                item.push(format!("\"n\": {}", int(rng)));
            }
            if rng.below(2) == 0 {
                item.push(format!("\"tags\": [{}]", word(rng)));
            }
            format!("{{{}}}", item.join(", "))
        })
        .collect();
    fields.push(format!("\"l\": [{}]", items.join(", ")));
    if rng.below(3) == 0 {
        fields.push("\"z\": null".to_owned());
    }
    format!("{{{}}}", fields.join(", "))
}

/// Errors that types cannot rule out: they depend on values, not kinds.
fn is_value_error(message: &str) -> bool {
    [
        "overflow",
        "by zero",
        "limit",
        "is not an integer",
        "is not a number",
        "out of the int range",
        "invalid",
        "empty string",
    ]
    .iter()
    .any(|m| message.contains(m))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn checked_programs_raise_no_type_errors_on_conforming_documents(seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        // Find a program the checker accepts (most random ones are badly typed).
        let mut found = None;
        for _ in 0..200 {
            let src = program(&mut rng);
            let mut sources = SourceMap::new();
            let file = sources.add("sound.pol", src.clone());
            if let Ok(compiled) = pol::compile(&mut sources, &[file]) {
                found = Some((src, compiled));
                break;
            }
        }
        let Some((src, compiled)) = found else { return Ok(()) };
        for _ in 0..5 {
            let doc_text = document(&mut rng);
            let docs = pol::load(&doc_text, pol::Format::Json, Some("doc.json")).expect("valid JSON");
            let decision = compiled.policy.evaluate(&docs[0]);
            let type_errors: Vec<_> = decision.errors.iter().filter(|e| !is_value_error(&e.message)).collect();
            prop_assert!(
                type_errors.is_empty(),
                "a checked program raised type errors:\n--- program ---\n{src}\n--- document ---\n{doc_text}\n--- errors ---\n{type_errors:#?}"
            );
        }
    }
}

/// The property above is not vacuous: the generator often makes programs that check.
#[test]
fn the_generator_makes_programs_that_check() {
    let mut rng = Rng(0x5EED);
    let checked = (0..200)
        .filter(|_| {
            let mut sources = SourceMap::new();
            let file = sources.add("sound.pol", program(&mut rng));
            pol::compile(&mut sources, &[file]).is_ok()
        })
        .count();
    assert!(
        checked >= 40,
        "only {checked} of 200 generated programs check"
    );
}
