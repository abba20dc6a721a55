//! `docs/instruction-set.md` has exactly one row per opcode, in declaration order.

#![allow(clippy::unwrap_used, reason = "test code")]

use pol_bytecode::Instr;

#[test]
fn every_opcode_has_a_row_and_every_row_an_opcode() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/instruction-set.md"
    ))
    .unwrap();
    let table = doc
        .split("| opcode |")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    let rows: Vec<&str> = table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .collect();
    assert_eq!(
        rows,
        Instr::NAMES,
        "the table in docs/instruction-set.md is out of sync with `Instr`"
    );
}
