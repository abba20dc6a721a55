//! Structural validation of a program: every operand in range, every jump inside its
//! chunk, every table index valid. The VM relies on it and still never indexes blindly.

use crate::instr::{Instr, Reg, Slot, Target};
use crate::program::{Chunk, Const, Program};

/// What is wrong with a program, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The chunk, when the problem is inside one.
    pub chunk: Option<usize>,
    /// The instruction, when the problem is in one.
    pub pc: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.chunk, self.pc) {
            (Some(c), Some(pc)) => write!(f, "chunk {c}, instruction {pc}: {}", self.message),
            (Some(c), None) => write!(f, "chunk {c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ValidationError {}

fn fail<T>(
    chunk: Option<usize>,
    pc: Option<usize>,
    message: impl Into<String>,
) -> Result<T, ValidationError> {
    Err(ValidationError {
        chunk,
        pc,
        message: message.into(),
    })
}

/// Checks every invariant the VM relies on.
pub fn validate(program: &Program) -> Result<(), ValidationError> {
    for (i, c) in program.consts.iter().enumerate() {
        let earlier = |e: &u32| (*e as usize) < i;
        let ok = match c {
            Const::List(items) | Const::Set(items) => items.iter().all(earlier),
            Const::Object(entries) => entries.iter().all(|(_, v)| earlier(v)),
            _ => true,
        };
        if !ok {
            return fail(
                None,
                None,
                format!("constant {i} refers to a constant that does not come before it"),
            );
        }
    }
    let nodes = program.demand.len();
    for (i, node) in program.demand.iter().enumerate() {
        let children = node.fields.iter().map(|(_, c)| *c).chain(node.elements);
        if children
            .into_iter()
            .any(|c| c as usize <= i || c as usize >= nodes)
        {
            return fail(
                None,
                None,
                format!("demand node {i} has a child out of order"),
            );
        }
        if node
            .fields
            .windows(2)
            .any(|w| w.first().map(|a| &a.0) >= w.get(1).map(|b| &b.0))
        {
            return fail(
                None,
                None,
                format!("demand node {i} has unsorted or repeated keys"),
            );
        }
    }
    let chunks = program.chunks.len();
    for (i, rule) in program.rules.iter().enumerate() {
        if rule.chunk as usize >= chunks {
            return fail(
                None,
                None,
                format!("rule {i} names chunk {} of {chunks}", rule.chunk),
            );
        }
        if rule.pos.file as usize >= program.files.len() {
            return fail(None, None, format!("rule {i} names an unknown file"));
        }
        if let Some(guard) = &rule.guard
            && guard
                .path
                .iter()
                .any(|s| s.index() >= program.symbols.len())
        {
            return fail(
                None,
                None,
                format!("the guard of rule {i} names an unknown field"),
            );
        }
    }
    let mut grouped = vec![false; program.rules.len()];
    for (i, group) in program.groups.iter().enumerate() {
        if group.chunk as usize >= chunks {
            return fail(
                None,
                None,
                format!("rule group {i} names chunk {} of {chunks}", group.chunk),
            );
        }
        if group.rules.len() < 2 || group.rules.windows(2).any(|w| w.first() >= w.get(1)) {
            return fail(
                None,
                None,
                format!("rule group {i} does not list two rules or more in increasing order"),
            );
        }
        for &r in &group.rules {
            let Some(rule) = program.rules.get(r as usize) else {
                return fail(None, None, format!("rule group {i} names an unknown rule"));
            };
            if rule.guard.is_some() {
                return fail(
                    None,
                    None,
                    format!("rule group {i} holds rule {r}, which has a guard"),
                );
            }
            match grouped.get_mut(r as usize) {
                Some(seen) if !*seen => *seen = true,
                _ => return fail(None, None, format!("rule {r} is in two rule groups")),
            }
        }
        // Undoing a failed group forgets its members' findings; a finding of another
        // rule made there could not be told apart.
        let sites = program
            .chunks
            .get(group.chunk as usize)
            .map_or(&[][..], |c| &c.sites);
        if let Some(site) = sites.iter().find(|s| !group.rules.contains(&s.rule)) {
            return fail(
                None,
                None,
                format!(
                    "rule group {i} makes findings of rule {}, which is not in the group",
                    site.rule
                ),
            );
        }
    }
    for (i, l) in program.lets.iter().enumerate() {
        if l.chunk as usize >= chunks {
            return fail(
                None,
                None,
                format!("let {i} names chunk {} of {chunks}", l.chunk),
            );
        }
    }
    for (i, f) in program.functions.iter().enumerate() {
        if f.chunk as usize >= chunks {
            return fail(
                None,
                None,
                format!("function {i} names chunk {} of {chunks}", f.chunk),
            );
        }
    }
    for (index, chunk) in program.chunks.iter().enumerate() {
        validate_chunk(program, index, chunk)?;
    }
    Ok(())
}

fn validate_chunk(program: &Program, index: usize, chunk: &Chunk) -> Result<(), ValidationError> {
    let here = Some(index);
    let len = chunk.code.len();
    if chunk.positions.len() != len {
        return fail(here, None, "position table does not match the code");
    }
    match chunk.code.last() {
        Some(Instr::Return { .. } | Instr::Halt | Instr::Jump { .. }) => {}
        _ => {
            return fail(
                here,
                None,
                "code does not end with `return`, `halt` or `jump`",
            );
        }
    }
    if chunk.params as usize > chunk.registers as usize {
        return fail(here, None, "more parameters than registers");
    }
    if let Some(p) = chunk
        .positions
        .iter()
        .find(|p| p.file as usize >= program.files.len())
    {
        return fail(here, None, format!("position in unknown file {}", p.file));
    }
    for h in &chunk.handlers {
        if h.start > h.end || h.end as usize > len || h.resume as usize >= len {
            return fail(here, None, "handler outside the code");
        }
    }
    for site in &chunk.sites {
        if site.rule as usize >= program.rules.len() {
            return fail(here, None, "emit site names an unknown rule");
        }
        let regs = site
            .message
            .registers()
            .chain(site.at)
            .chain(site.anchors.iter().copied());
        for r in regs {
            if r.0 >= chunk.registers {
                return fail(
                    here,
                    None,
                    format!("emit site uses {r} of {} registers", chunk.registers),
                );
            }
        }
    }
    let checker = Checker {
        program,
        chunk,
        index,
    };
    for (pc, instr) in chunk.code.iter().enumerate() {
        checker.instr(pc, instr)?;
    }
    Ok(())
}

struct Checker<'a> {
    program: &'a Program,
    chunk: &'a Chunk,
    index: usize,
}

impl Checker<'_> {
    fn err<T>(&self, pc: usize, message: impl Into<String>) -> Result<T, ValidationError> {
        fail(Some(self.index), Some(pc), message)
    }

    fn regs(&self, pc: usize, regs: &[Reg]) -> Result<(), ValidationError> {
        match regs.iter().find(|r| r.0 >= self.chunk.registers) {
            Some(r) => self.err(pc, format!("{r} out of {} registers", self.chunk.registers)),
            None => Ok(()),
        }
    }

    fn range(&self, pc: usize, start: Reg, len: usize) -> Result<(), ValidationError> {
        if start.0 as usize + len > self.chunk.registers as usize {
            return self.err(
                pc,
                format!("registers {start}..+{len} out of {}", self.chunk.registers),
            );
        }
        Ok(())
    }

    fn slot(&self, pc: usize, slot: Slot) -> Result<(), ValidationError> {
        if slot.0 >= self.chunk.slots {
            return self.err(pc, format!("{slot} out of {} slots", self.chunk.slots));
        }
        Ok(())
    }

    fn target(&self, pc: usize, target: Target) -> Result<(), ValidationError> {
        if target.index() >= self.chunk.code.len() {
            return self.err(pc, format!("jump to {target} outside the code"));
        }
        Ok(())
    }

    fn table(
        &self,
        pc: usize,
        what: &str,
        index: usize,
        len: usize,
    ) -> Result<(), ValidationError> {
        if index >= len {
            return self.err(pc, format!("{what} {index} out of {len}"));
        }
        Ok(())
    }

    fn instr(&self, pc: usize, instr: &Instr) -> Result<(), ValidationError> {
        let p = self.program;
        match *instr {
            Instr::LoadConst { dst, k } => {
                self.regs(pc, &[dst])?;
                self.table(pc, "constant", k.index(), p.consts.len())
            }
            Instr::LoadNull { dst }
            | Instr::LoadBool { dst, .. }
            | Instr::LoadInt { dst, .. }
            | Instr::LoadInput { dst }
            | Instr::NewList { dst }
            | Instr::NewSet { dst }
            | Instr::NewObject { dst }
            | Instr::FinishSet { dst } => self.regs(pc, &[dst]),
            Instr::Move { dst, src } | Instr::Not { dst, src } | Instr::Neg { dst, src } => {
                self.regs(pc, &[dst, src])
            }
            Instr::GetLet { dst, id } => {
                self.regs(pc, &[dst])?;
                self.table(pc, "let", id.index(), p.lets.len())
            }
            Instr::Field { dst, obj, sym } => {
                self.regs(pc, &[dst, obj])?;
                self.table(pc, "symbol", sym.index(), p.symbols.len())
            }
            Instr::Index { dst, obj, index } => self.regs(pc, &[dst, obj, index]),
            Instr::Binary { dst, a, b, .. } => self.regs(pc, &[dst, a, b]),
            Instr::Jump { target } => self.target(pc, target),
            Instr::JumpIfFalse { cond, target }
            | Instr::JumpIfTrue { cond, target }
            | Instr::JumpUnlessTrue { cond, target }
            | Instr::JumpIfFalseNot { cond, target }
            | Instr::JumpIfTrueNot { cond, target }
            | Instr::JumpUnlessTrueNot { cond, target }
            | Instr::JumpIfNotNull { src: cond, target }
            | Instr::JumpUnlessKind {
                src: cond, target, ..
            } => {
                self.regs(pc, &[cond])?;
                self.target(pc, target)
            }
            Instr::Call {
                dst,
                func,
                args,
                argc,
            } => {
                self.regs(pc, &[dst])?;
                self.range(pc, args, argc as usize)?;
                self.table(pc, "function", func.index(), p.functions.len())?;
                let params = p
                    .functions
                    .get(func.index())
                    .and_then(|f| p.chunks.get(f.chunk as usize))
                    .map_or(0, |c| c.params);
                if params != argc {
                    return self.err(pc, format!("{func} takes {params} arguments, not {argc}"));
                }
                Ok(())
            }
            Instr::CallBuiltin {
                dst,
                builtin,
                args,
                argc,
            } => {
                self.regs(pc, &[dst])?;
                self.range(pc, args, argc as usize)?;
                if builtin.arity() != argc as usize {
                    return self.err(
                        pc,
                        format!("`{}` takes {} arguments", builtin.name(), builtin.arity()),
                    );
                }
                Ok(())
            }
            Instr::MatchRegex { dst, s, re } => {
                self.regs(pc, &[dst, s])?;
                self.table(pc, "regex", re.index(), p.regexes.len())
            }
            Instr::MatchGlob { dst, s, glob } => {
                self.regs(pc, &[dst, s])?;
                self.table(pc, "glob", glob.index(), p.globs.len())
            }
            Instr::Return { src } => self.regs(pc, &[src]),
            Instr::Halt => Ok(()),
            Instr::IterInit { slot, src } => {
                self.slot(pc, slot)?;
                self.regs(pc, &[src])
            }
            Instr::IterNext { slot, value, done } => {
                self.slot(pc, slot)?;
                self.regs(pc, &[value])?;
                self.target(pc, done)
            }
            Instr::IterKey { dst, slot } => {
                self.slot(pc, slot)?;
                self.regs(pc, &[dst])
            }
            Instr::AnyStep { acc, cond } | Instr::AllStep { acc, cond } => {
                self.regs(pc, &[acc, cond])
            }
            Instr::MakeList { dst, start, len }
            | Instr::MakeSet { dst, start, len }
            | Instr::Format { dst, start, len } => {
                self.regs(pc, &[dst])?;
                self.range(pc, start, len as usize)
            }
            Instr::MakeObject { dst, start, pairs } => {
                self.regs(pc, &[dst])?;
                self.range(pc, start, pairs as usize * 2)
            }
            Instr::Push { dst, value } => self.regs(pc, &[dst, value]),
            Instr::Insert { dst, key, value } => self.regs(pc, &[dst, key, value]),
            Instr::IsKind { dst, src, .. } => self.regs(pc, &[dst, src]),
            Instr::StrConst { dst, s, k, .. } => {
                self.regs(pc, &[dst, s])?;
                self.table(pc, "constant", k as usize, p.consts.len())
            }
            Instr::SplitPart { dst, s, k, .. } => {
                self.regs(pc, &[dst, s])?;
                self.table(pc, "constant", k as usize, p.consts.len())
            }
            Instr::InConst { dst, x, k, .. } => {
                self.regs(pc, &[dst, x])?;
                self.table(pc, "constant", k as usize, p.consts.len())
            }
            Instr::Emit { site } => {
                self.table(pc, "emit site", site.index(), self.chunk.sites.len())
            }
        }
    }
}
