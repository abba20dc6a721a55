//! Narrowing: what a condition tells about a path holds where the condition guards,
//! and nowhere else.

use super::*;

#[test]
fn a_comprehension_condition_narrows_only_inside_it() {
    let c = check_body(
        "input: {y: int | string}\n\
         deny d {\n  \
         let xs = [input.y + \"a\" for _ in [1] if type_of(input.y) == \"string\"]\n  \
         let z = input.y + \"b\"\n  \
         if len(xs) > 0 and z != \"\"\n  \
         message \"x\"\n}",
    );
    let d = c.only_at(Code::IncompatibleOperands, "input.y + \"b\"");
    assert!(
        d.message.contains("fails when they are `int` and `string`"),
        "{d:#?}"
    );
}
