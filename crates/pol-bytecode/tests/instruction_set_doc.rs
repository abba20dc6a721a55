//! `docs/instruction-set.md` has exactly one row per opcode, in declaration order, and
//! each row lists the opcode's operands as the instruction table declares them.

#![allow(clippy::unwrap_used, reason = "test code")]

use pol_bytecode::Instr;

/// The opcode and operands columns of every row of the table.
fn rows() -> Vec<(String, Vec<String>)> {
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
        .unwrap()
        .to_owned();
    table
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let mut columns = line.split('|').skip(1).map(|c| c.trim().trim_matches('`'));
            let name = columns.next().unwrap_or_default().to_owned();
            let operands = columns
                .next()
                .unwrap_or_default()
                .split(", ")
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect();
            (name, operands)
        })
        .collect()
}

#[test]
fn every_opcode_has_a_row_and_every_row_an_opcode() {
    let names: Vec<String> = rows().into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        Instr::NAMES,
        "the table in docs/instruction-set.md is out of sync with `Instr`"
    );
}

#[test]
fn every_row_lists_the_operands_of_its_opcode() {
    for ((name, operands), declared) in rows().into_iter().zip(Instr::OPERANDS) {
        assert_eq!(
            operands, *declared,
            "docs/instruction-set.md: the operands of `{name}` differ from the instruction table"
        );
    }
}
