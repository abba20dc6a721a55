//! Optimizer passes on compiled chunks. Each is small, keeps behaviour exactly, and
//! has golden before/after tests on small snippets. `-O0` (`Options::optimize =
//! false`) turns them all off.
//!
//! - [`jumps`]: a jump to a jump goes straight to the final target.
//! - [`cse`]: a pure read repeated in a straight line (the same field of the same
//!   register, the same constant, `input`) becomes a `move` of the first result.
//! - [`dead`]: unreachable instructions and jumps to the next instruction go away.
//!
//! The passes know no opcode by heart except `jump`: what each instruction reads,
//! writes and jumps to comes from the instruction table (`Instr::operands`,
//! `for_each_write`, `target`, `ends_block`, `is_reusable` in pol-bytecode).
//!
//! In the code generator itself: constant folding and propagation (`fold.rs`: known
//! operands, lets with known values), literal collections as constants, constant lets
//! computed once per evaluator (`purity.rs`), loop-invariant conditions hoisted before
//! their loops (`hoist.rs`, off at `-O0` too), small functions inlined, specialised
//! instructions, and rule indexing (`index.rs`).

pub mod cse;
pub mod dead;
pub mod jumps;

use pol_bytecode::Chunk;

/// Runs every pass on a chunk.
pub fn optimize(chunk: &mut Chunk) {
    jumps::thread(chunk);
    cse::run(chunk);
    dead::remove(chunk);
}

#[cfg(test)]
pub(crate) mod test_support {
    use pol_bytecode::{Chunk, Instr, Pos};

    /// A chunk of these instructions, with enough registers and slots.
    pub fn chunk(code: Vec<Instr>) -> Chunk {
        let positions = vec![Pos::default(); code.len()];
        Chunk {
            name: "test".into(),
            code,
            positions,
            registers: 16,
            slots: 4,
            ..Chunk::default()
        }
    }

    /// The instructions as the disassembler names them, one per line.
    pub fn listing(chunk: &Chunk) -> String {
        chunk
            .code
            .iter()
            .enumerate()
            .map(|(i, ins)| format!("{i}: {ins:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
