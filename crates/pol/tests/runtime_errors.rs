//! Runtime errors name the input value that made them: the path and the place in the
//! input file of the document value the failing operation was given (an operand, a
//! builtin's argument, a condition, an iterated value, also inside a function), as
//! findings do; an operation given only values the policy computed names none.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol::Format;

const POLICY: &str = r#"
package rt

fn twice(x) = x * 2

deny operand {
  for x in input.a
  if x + 1 > 2
  message "m"
}

deny argument {
  if to_int(input.n) > 0
  message "m"
}

deny condition {
  if input.flag
  message "m"
}

deny iterated {
  for c in input.name
  message "m"
}

deny in_function {
  if twice(input.name) > 0
  message "m"
}

deny computed {
  if from_json(input.j) * 2 > 0
  message "m"
}
"#;

const INPUT: &str = r#"{"a": [5, "s"],
 "n": "abc",
 "flag": "yes",
 "name": "pod",
 "j": "\"x\""}
"#;

/// The line and column (1-based, in characters) of the first `needle` in `INPUT`.
fn place(needle: &str) -> (u32, u32) {
    let at = INPUT.find(needle).unwrap();
    let before = &INPUT[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line as u32, column as u32)
}

#[test]
fn each_error_names_the_input_value_its_operation_was_given() {
    for optimize in [true, false] {
        let mut sources = pol::SourceMap::new();
        let file = sources.add("rt.pol", POLICY);
        let policy = pol::compile_with(&mut sources, &[file], optimize)
            .unwrap()
            .policy;
        let decisions = policy
            .evaluate_text(INPUT, Format::Json, Some("rt.json"))
            .unwrap();
        let errors = &decisions[0].errors;
        let about = |rule: &str| {
            let e = errors
                .iter()
                .find(|e| e.rule == format!("rt.{rule}").as_str())
                .unwrap_or_else(|| panic!("no error of {rule}: {errors:#?}"));
            let at = e.location.as_ref().map(|l| {
                assert_eq!(l.file.as_deref(), Some("rt.json"));
                (l.line, l.column)
            });
            (e.path.clone(), at)
        };
        for (rule, path, needle) in [
            ("operand", "a[1]", r#""s""#),
            ("argument", "n", r#""abc""#),
            ("condition", "flag", r#""yes""#),
            ("iterated", "name", r#""pod""#),
            ("in_function", "name", r#""pod""#),
        ] {
            assert_eq!(
                about(rule),
                (Some(path.to_owned()), Some(place(needle))),
                "{rule}, optimized: {optimize}"
            );
        }
        assert_eq!(about("computed"), (None, None));
    }
}
