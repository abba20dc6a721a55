//! Structural validation of a program: every operand in range, every jump inside its
//! chunk, every table index valid. The VM relies on it and still never indexes blindly.

use crate::instr::{FnId, Instr};
use crate::operand::{OperandKind, Table};
use crate::program::{Chunk, Const, Program};

/// What a chunk whose last instruction may fall through is told; it names every
/// instruction that [ends a block](Instr::ends_block) (a test checks it).
pub(crate) const UNENDED: &str = "code does not end with `return`, `halt` or `jump`";

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
    if !chunk.code.last().is_some_and(Instr::ends_block) {
        return fail(here, None, UNENDED);
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

    /// Whether an operand is in range: its register, slot, jump target or table entry
    /// exists.
    fn fits(&self, kind: OperandKind) -> bool {
        let registers = usize::from(self.chunk.registers);
        match kind {
            OperandKind::Read(r) | OperandKind::Write(r) | OperandKind::Update(r) => {
                usize::from(r.0) < registers
            }
            OperandKind::Range { start, len } => usize::from(start.0) + len <= registers,
            OperandKind::Slot(slot) => slot.0 < self.chunk.slots,
            OperandKind::Target(target) => target.index() < self.chunk.code.len(),
            OperandKind::Index(table, i) => i < table.len(self.program, self.chunk),
            OperandKind::Count(_)
            | OperandKind::Builtin(_)
            | OperandKind::BinOp(_)
            | OperandKind::StrOp(_)
            | OperandKind::Kinds(_)
            | OperandKind::Flag(_)
            | OperandKind::Int(_) => true,
        }
    }

    /// When an instruction has several operands out of range, the one reported comes
    /// first in this order (slots, single registers, ranges, targets, table indexes),
    /// then in declaration order.
    fn rank(kind: OperandKind) -> u8 {
        match kind {
            OperandKind::Slot(_) => 0,
            OperandKind::Read(_) | OperandKind::Write(_) | OperandKind::Update(_) => 1,
            OperandKind::Range { .. } => 2,
            OperandKind::Target(_) => 3,
            _ => 4,
        }
    }

    /// What is wrong with an operand that does not fit.
    fn out_of_range(&self, kind: OperandKind) -> String {
        let (registers, slots) = (self.chunk.registers, self.chunk.slots);
        match kind {
            OperandKind::Read(r) | OperandKind::Write(r) | OperandKind::Update(r) => {
                format!("{r} out of {registers} registers")
            }
            OperandKind::Range { start, len } => {
                format!("registers {start}..+{len} out of {registers}")
            }
            OperandKind::Slot(slot) => format!("{slot} out of {slots} slots"),
            OperandKind::Target(target) => format!("jump to {target} outside the code"),
            OperandKind::Index(table, i) => format!(
                "{} {i} out of {}",
                table.noun(),
                table.len(self.program, self.chunk)
            ),
            other => format!("{other:?} out of range"),
        }
    }

    /// Checks every operand by its role, and a callee's arity against the registers
    /// the instruction passes it.
    fn instr(&self, pc: usize, instr: &Instr) -> Result<(), ValidationError> {
        let mut fault: Option<(u8, OperandKind)> = None;
        let mut args = 0;
        let mut callee = None;
        instr.for_each_operand(|op| {
            let kind = op.kind;
            if !self.fits(kind) && fault.is_none_or(|(rank, _)| Self::rank(kind) < rank) {
                fault = Some((Self::rank(kind), kind));
            }
            match kind {
                OperandKind::Range { len, .. } => args = len,
                OperandKind::Index(Table::Functions, _) | OperandKind::Builtin(_) => {
                    callee = Some(kind);
                }
                _ => {}
            }
        });
        if let Some((_, kind)) = fault {
            return self.err(pc, self.out_of_range(kind));
        }
        match callee {
            Some(OperandKind::Index(_, f)) => self.function_arity(pc, f, args),
            Some(OperandKind::Builtin(builtin)) if builtin.arity() != args => self.err(
                pc,
                format!("`{}` takes {} arguments", builtin.name(), builtin.arity()),
            ),
            _ => Ok(()),
        }
    }

    /// A user function is called with as many arguments as it has parameters.
    fn function_arity(&self, pc: usize, f: usize, args: usize) -> Result<(), ValidationError> {
        let p = self.program;
        let params = p
            .functions
            .get(f)
            .and_then(|f| p.chunks.get(f.chunk as usize))
            .map_or(0, |c| c.params);
        if usize::from(params) != args {
            let func = FnId(u16::try_from(f).unwrap_or(u16::MAX));
            return self.err(pc, format!("{func} takes {params} arguments, not {args}"));
        }
        Ok(())
    }
}
