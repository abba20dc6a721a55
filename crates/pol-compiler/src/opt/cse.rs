//! Common subexpressions in straight-line code: a pure read that is repeated while its
//! operands and its first result are untouched becomes a `move` of that result. This
//! is how "the same input path is read once": `step.uses` read by three conditions of
//! a rule costs one lookup.
//!
//! Straight lines end at every jump target (and handler resume point) and after every
//! unconditional jump, return or halt; conditional jumps do not end them, since the
//! code that falls through has no other way in.

use pol_bytecode::{Chunk, Instr, OperandKind, Reg};

/// The register a reusable instruction (one the instruction table marks pure: a
/// field, an index, a constant, the input) puts its result in.
fn result(instr: &Instr) -> Option<Reg> {
    let mut dst = None;
    if instr.is_reusable() {
        instr.for_each_write(|r| dst = Some(r));
    }
    dst
}

/// True when `a` and `b` compute the same value: the same opcode with the same
/// operands, but for the register the result goes to.
fn same_value(a: &Instr, b: &Instr) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        && a.operands()
            .iter()
            .zip(b.operands().iter())
            .all(|(x, y)| matches!(x.kind, OperandKind::Write(_)) || x == y)
}

/// Replaces repeated pure reads by moves.
pub fn run(chunk: &mut Chunk) {
    let mut labels = vec![false; chunk.code.len() + 1];
    for instr in &chunk.code {
        if let Some(t) = instr.target()
            && let Some(l) = labels.get_mut(t.index())
        {
            *l = true;
        }
    }
    for h in &chunk.handlers {
        if let Some(l) = labels.get_mut(h.resume as usize) {
            *l = true;
        }
    }
    // Reusable instructions seen on this straight line, with the register that still
    // holds each one's result.
    let mut available: Vec<(Instr, Reg)> = Vec::new();
    for i in 0..chunk.code.len() {
        if labels.get(i).copied().unwrap_or(true) {
            available.clear();
        }
        let Some(instr) = chunk.code.get(i).copied() else {
            continue;
        };
        let computed = result(&instr);
        if let Some(dst) = computed
            && let Some(&(_, src)) = available.iter().find(|(held, _)| same_value(held, &instr))
            && src != dst
            && let Some(slot) = chunk.code.get_mut(i)
        {
            *slot = Instr::Move { dst, src };
        }
        instr.for_each_write(|w| available.retain(|(held, reg)| *reg != w && !held.reads(w)));
        if let Some(dst) = computed
            && !instr.reads(dst)
        {
            available.push((instr, dst));
        }
        if instr.ends_block() {
            available.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{chunk, listing};
    use super::*;
    use pol_bytecode::{SymId, Target};

    #[test]
    fn a_repeated_field_read_becomes_a_move() {
        let mut c = chunk(vec![
            Instr::Field {
                dst: Reg(2),
                obj: Reg(1),
                sym: SymId(0),
            },
            Instr::JumpUnlessTrue {
                cond: Reg(2),
                target: Target(4),
            },
            Instr::Field {
                dst: Reg(3),
                obj: Reg(1),
                sym: SymId(0),
            },
            Instr::Field {
                dst: Reg(4),
                obj: Reg(1),
                sym: SymId(1),
            },
            Instr::Halt,
        ]);
        run(&mut c);
        assert_eq!(
            listing(&c),
            "0: Field { dst: Reg(2), obj: Reg(1), sym: SymId(0) }\n\
             1: JumpUnlessTrue { cond: Reg(2), target: Target(4) }\n\
             2: Move { dst: Reg(3), src: Reg(2) }\n\
             3: Field { dst: Reg(4), obj: Reg(1), sym: SymId(1) }\n\
             4: Halt"
        );
    }

    #[test]
    fn writes_and_labels_forget_what_was_known() {
        let mut c = chunk(vec![
            Instr::Field {
                dst: Reg(2),
                obj: Reg(1),
                sym: SymId(0),
            },
            // r1 changes: its fields must be read again.
            Instr::LoadNull { dst: Reg(1) },
            Instr::Field {
                dst: Reg(3),
                obj: Reg(1),
                sym: SymId(0),
            },
            Instr::LoadInput { dst: Reg(5) },
            // A jump target: other paths arrive here.
            Instr::LoadInput { dst: Reg(6) },
            Instr::Jump { target: Target(4) },
        ]);
        run(&mut c);
        assert_eq!(
            listing(&c),
            "0: Field { dst: Reg(2), obj: Reg(1), sym: SymId(0) }\n\
             1: LoadNull { dst: Reg(1) }\n\
             2: Field { dst: Reg(3), obj: Reg(1), sym: SymId(0) }\n\
             3: LoadInput { dst: Reg(5) }\n\
             4: LoadInput { dst: Reg(6) }\n\
             5: Jump { target: Target(4) }"
        );
    }

    #[test]
    fn a_read_into_its_own_operand_is_not_remembered() {
        let mut c = chunk(vec![
            Instr::Field {
                dst: Reg(1),
                obj: Reg(1),
                sym: SymId(0),
            },
            Instr::Field {
                dst: Reg(2),
                obj: Reg(1),
                sym: SymId(0),
            },
            Instr::Halt,
        ]);
        run(&mut c);
        assert!(matches!(c.code[1], Instr::Field { .. }), "{}", listing(&c));
    }
}
