//! Optimizer passes on compiled chunks. Each is small, keeps behaviour exactly, and
//! has golden before/after tests on small snippets. `-O0` (`Options::optimize =
//! false`) turns them all off.
//!
//! - [`jumps`]: a jump to a jump goes straight to the final target.
//! - [`cse`]: a pure read repeated in a straight line (the same field of the same
//!   register, the same constant, `input`) becomes a `move` of the first result.
//! - [`dead`]: unreachable instructions and jumps to the next instruction go away.
//!
//! In the code generator itself: constant folding and propagation (`fold.rs`: known
//! operands, lets with known values), literal collections as constants, constant lets
//! computed once per evaluator (`purity.rs`), loop-invariant conditions hoisted before
//! their loops (`hoist.rs`, off at `-O0` too), small functions inlined, specialised
//! instructions, and rule indexing (`index.rs`).

pub mod cse;
pub mod dead;
pub mod jumps;

use pol_bytecode::{Chunk, Instr, Reg, Target};

/// Runs every pass on a chunk.
pub fn optimize(chunk: &mut Chunk) {
    jumps::thread(chunk);
    cse::run(chunk);
    dead::remove(chunk);
}

/// The jump target of an instruction, if it has one.
pub(crate) fn target(instr: &Instr) -> Option<Target> {
    match *instr {
        Instr::Jump { target }
        | Instr::JumpIfFalse { target, .. }
        | Instr::JumpIfTrue { target, .. }
        | Instr::JumpUnlessTrue { target, .. }
        | Instr::JumpIfFalseNot { target, .. }
        | Instr::JumpIfTrueNot { target, .. }
        | Instr::JumpUnlessTrueNot { target, .. }
        | Instr::JumpIfNotNull { target, .. }
        | Instr::JumpUnlessKind { target, .. } => Some(target),
        Instr::IterNext { done, .. } => Some(done),
        _ => None,
    }
}

/// The same instruction with another jump target.
pub(crate) fn retarget(instr: Instr, to: Target) -> Instr {
    match instr {
        Instr::Jump { .. } => Instr::Jump { target: to },
        Instr::JumpIfFalse { cond, .. } => Instr::JumpIfFalse { cond, target: to },
        Instr::JumpIfTrue { cond, .. } => Instr::JumpIfTrue { cond, target: to },
        Instr::JumpUnlessTrue { cond, .. } => Instr::JumpUnlessTrue { cond, target: to },
        Instr::JumpIfFalseNot { cond, .. } => Instr::JumpIfFalseNot { cond, target: to },
        Instr::JumpIfTrueNot { cond, .. } => Instr::JumpIfTrueNot { cond, target: to },
        Instr::JumpUnlessTrueNot { cond, .. } => Instr::JumpUnlessTrueNot { cond, target: to },
        Instr::JumpIfNotNull { src, .. } => Instr::JumpIfNotNull { src, target: to },
        Instr::JumpUnlessKind { src, kinds, .. } => Instr::JumpUnlessKind {
            src,
            kinds,
            target: to,
        },
        Instr::IterNext { slot, value, .. } => Instr::IterNext {
            slot,
            value,
            done: to,
        },
        other => other,
    }
}

/// True when control never falls through to the next instruction.
pub(crate) fn ends_block(instr: &Instr) -> bool {
    matches!(
        instr,
        Instr::Jump { .. } | Instr::Return { .. } | Instr::Halt
    )
}

/// The register an instruction writes (in place for `push`, `insert`, `finish_set`).
pub(crate) fn writes(instr: &Instr) -> Option<Reg> {
    Some(match *instr {
        Instr::LoadConst { dst, .. }
        | Instr::LoadNull { dst }
        | Instr::LoadBool { dst, .. }
        | Instr::LoadInt { dst, .. }
        | Instr::LoadInput { dst }
        | Instr::Move { dst, .. }
        | Instr::GetLet { dst, .. }
        | Instr::Field { dst, .. }
        | Instr::Index { dst, .. }
        | Instr::Not { dst, .. }
        | Instr::Neg { dst, .. }
        | Instr::Binary { dst, .. }
        | Instr::Call { dst, .. }
        | Instr::CallBuiltin { dst, .. }
        | Instr::MatchRegex { dst, .. }
        | Instr::MatchGlob { dst, .. }
        | Instr::IterKey { dst, .. }
        | Instr::MakeList { dst, .. }
        | Instr::MakeSet { dst, .. }
        | Instr::MakeObject { dst, .. }
        | Instr::NewList { dst }
        | Instr::NewSet { dst }
        | Instr::NewObject { dst }
        | Instr::Push { dst, .. }
        | Instr::FinishSet { dst }
        | Instr::Insert { dst, .. }
        | Instr::Format { dst, .. }
        | Instr::IsKind { dst, .. }
        | Instr::StrConst { dst, .. }
        | Instr::SplitPart { dst, .. }
        | Instr::InConst { dst, .. } => dst,
        Instr::IterNext { value, .. } => value,
        Instr::AnyStep { acc, .. } | Instr::AllStep { acc, .. } => acc,
        Instr::Jump { .. }
        | Instr::JumpIfFalse { .. }
        | Instr::JumpIfTrue { .. }
        | Instr::JumpUnlessTrue { .. }
        | Instr::JumpIfFalseNot { .. }
        | Instr::JumpIfTrueNot { .. }
        | Instr::JumpUnlessTrueNot { .. }
        | Instr::JumpIfNotNull { .. }
        | Instr::JumpUnlessKind { .. }
        | Instr::Return { .. }
        | Instr::Halt
        | Instr::IterInit { .. }
        | Instr::Emit { .. } => return None,
    })
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
