//! The error path of the interpreter: recording a runtime error where it was raised,
//! with the value of the input document that made it (the first document node among
//! the failing instruction's operands), and the limit that stopped an evaluation.

use super::{Evaluator, Fault, Owner};
use crate::value::Value;
use pol_bytecode::{BinOp, Chunk, Instr, Reg};
use pol_facts::{Document, NodeId};

impl Evaluator<'_> {
    /// Records the limit the meter ran into, at `pc`: the evaluation stops.
    #[cold]
    pub(super) fn stop(&mut self, chunk: &Chunk, pc: usize) -> Fault {
        if let Some(limit) = self.state.meter.exhausted() {
            self.record(chunk, pc, limit.message(), None);
        }
        Fault::Abort
    }

    /// After a runtime error at `pc`: records it (with the input value the failing
    /// instruction was given, if any) and gives where the innermost `for` body holding
    /// `pc` goes on with its next element, or `Fault::Failed` when none does. Out of
    /// the interpreter's loop: the error path costs the loop nothing.
    #[cold]
    #[inline(never)]
    pub(super) fn recover(
        &mut self,
        chunk: &Chunk,
        pc: usize,
        base: usize,
        doc: &Document,
        fault: Fault,
    ) -> Result<usize, Fault> {
        if let Fault::Error(message) = fault {
            let about = chunk
                .code
                .get(pc)
                .and_then(|instr| self.failing_node(instr, base, doc))
                .map(|node| (node, doc));
            self.record(chunk, pc, *message, about);
        }
        chunk
            .handlers
            .iter()
            .filter(|h| (h.start as usize..h.end as usize).contains(&pc))
            .max_by_key(|h| h.start)
            .map(|h| h.resume as usize)
            .ok_or(Fault::Failed)
    }

    /// Records a runtime error raised at `pc`, about the input value `about` when the
    /// failing operation was given one.
    pub(super) fn record(
        &mut self,
        chunk: &Chunk,
        pc: usize,
        message: String,
        about: Option<(NodeId, &Document)>,
    ) {
        let pos = chunk.positions.get(pc).copied().unwrap_or_default();
        let owner = match self.state.owner {
            Owner::Rule(i) => self.program.code.rules.get(i).map(|r| r.name.as_str()),
            Owner::Let(i) => self.program.code.lets.get(i).map(|l| l.name.as_str()),
        };
        self.state.findings.error_about(
            owner.unwrap_or("?"),
            message,
            pos,
            about,
            &self.program.code,
        );
    }

    /// The value of the input document an instruction that failed was given: the
    /// first of its operands a failure can be about that holds a document node, if
    /// any; for `and`/`or`, the operand that is neither a bool nor null (the one the
    /// failure is about: a good first operand is not what failed). (Not a slice of a string node: part of a value, and one that unoptimized
    /// code computes as a string, so that `-O0` would name no value where `-O1` did.)
    /// Read on the error path only.
    #[cold]
    pub(super) fn failing_node(
        &self,
        instr: &Instr,
        base: usize,
        doc: &Document,
    ) -> Option<NodeId> {
        let node = |r: Reg| match self.reg(base, r) {
            Value::Node(id) => Some(*id),
            _ => None,
        };
        let range = |start: Reg, len: usize| {
            (0..len).find_map(|i| match self.state.regs.get(base + start.index() + i) {
                Some(Value::Node(id)) => Some(*id),
                _ => None,
            })
        };
        match *instr {
            Instr::Binary {
                op: BinOp::And | BinOp::Or,
                a,
                b,
                ..
            } => {
                let bad = if crate::ops::truth("and", self.reg(base, a), doc).is_err() {
                    a
                } else {
                    b
                };
                node(bad)
            }
            Instr::Binary { a, b, .. } => node(a).or_else(|| node(b)),
            Instr::Index { obj, index, .. } => node(index).or_else(|| node(obj)),
            Instr::Not { src, .. } | Instr::Neg { src, .. } | Instr::IterInit { src, .. } => {
                node(src)
            }
            Instr::JumpIfFalse { cond, .. }
            | Instr::JumpIfTrue { cond, .. }
            | Instr::JumpUnlessTrue { cond, .. }
            | Instr::JumpIfFalseNot { cond, .. }
            | Instr::JumpIfTrueNot { cond, .. }
            | Instr::JumpUnlessTrueNot { cond, .. }
            | Instr::AnyStep { cond, .. }
            | Instr::AllStep { cond, .. } => node(cond),
            Instr::CallBuiltin { args, argc, .. } => range(args, usize::from(argc)),
            Instr::MatchRegex { s, .. }
            | Instr::MatchGlob { s, .. }
            | Instr::StrConst { s, .. }
            | Instr::SplitPart { s, .. } => node(s),
            Instr::InConst { x, .. } => node(x),
            Instr::Insert { key, .. } => node(key),
            _ => None,
        }
    }
}
