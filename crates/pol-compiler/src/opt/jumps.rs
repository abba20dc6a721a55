//! Jump threading: a jump whose target is an unconditional `jump` goes to that jump's
//! target instead (following chains, which cannot loop forever in valid code, but are
//! cut off after a bound anyway).

use pol_bytecode::{Chunk, Instr};

/// Retargets every jump that lands on an unconditional jump.
pub fn thread(chunk: &mut Chunk) {
    for i in 0..chunk.code.len() {
        let Some(instr) = chunk.code.get(i).copied() else {
            continue;
        };
        let Some(mut to) = instr.target() else {
            continue;
        };
        for _ in 0..16 {
            match chunk.code.get(to.index()) {
                Some(Instr::Jump { target: next }) if *next != to => to = *next,
                _ => break,
            }
        }
        if let Some(slot) = chunk.code.get_mut(i) {
            *slot = instr.with_target(to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{chunk, listing};
    use super::*;
    use pol_bytecode::{Reg, Target};

    #[test]
    fn a_jump_to_a_jump_goes_to_the_end_of_the_chain() {
        let mut c = chunk(vec![
            Instr::JumpUnlessTrue {
                cond: Reg(0),
                target: Target(2),
            },
            Instr::LoadNull { dst: Reg(1) },
            Instr::Jump { target: Target(3) },
            Instr::Jump { target: Target(4) },
            Instr::Halt,
        ]);
        thread(&mut c);
        assert_eq!(
            listing(&c),
            "0: JumpUnlessTrue { cond: Reg(0), target: Target(4) }\n\
             1: LoadNull { dst: Reg(1) }\n\
             2: Jump { target: Target(4) }\n\
             3: Jump { target: Target(4) }\n\
             4: Halt"
        );
    }
}
