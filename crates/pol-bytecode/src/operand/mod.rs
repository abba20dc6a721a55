//! What each operand of an instruction is. The table in `instr.rs` declares every
//! operand's role once (`define.rs` turns it into code); validation, the disassembler
//! and the compiler's optimizer passes are generic loops over [`Instr::operands`] and
//! the visitors below, so that an opcode is added in one place (and its `exec` arm in
//! the VM).

mod define;
#[cfg(test)]
mod tests;

pub(crate) use define::{has_flag, if_target, instructions, known_flag, operand_kind};

use crate::instr::{
    BinOp, BuiltinOp, ConstId, FnId, GlobId, Instr, LetId, Reg, RegexId, SiteId, Slot, StrOp,
    SymId, Target,
};
use crate::program::{Chunk, Program};

/// The most operands an instruction has (checked when the table is compiled).
pub const MAX_OPERANDS: usize = 4;

/// A table an operand indexes: one of the program's, or the chunk's emit sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// [`Program::consts`].
    Consts,
    /// [`Program::symbols`].
    Symbols,
    /// [`Program::regexes`].
    Regexes,
    /// [`Program::globs`].
    Globs,
    /// [`Program::functions`].
    Functions,
    /// [`Program::lets`].
    Lets,
    /// [`Chunk::sites`] of the chunk the instruction is in.
    Sites,
}

impl Table {
    /// What one entry is called in messages (`constant 7 out of 3`).
    pub fn noun(self) -> &'static str {
        match self {
            Table::Consts => "constant",
            Table::Symbols => "symbol",
            Table::Regexes => "regex",
            Table::Globs => "glob",
            Table::Functions => "function",
            Table::Lets => "let",
            Table::Sites => "emit site",
        }
    }

    /// How many entries the table has for an instruction of `chunk` in `program`.
    pub fn len(self, program: &Program, chunk: &Chunk) -> usize {
        match self {
            Table::Consts => program.consts.len(),
            Table::Symbols => program.symbols.len(),
            Table::Regexes => program.regexes.len(),
            Table::Globs => program.globs.len(),
            Table::Functions => program.functions.len(),
            Table::Lets => program.lets.len(),
            Table::Sites => chunk.sites.len(),
        }
    }
}

/// What an operand is, with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperandKind {
    /// A register the instruction reads.
    Read(Reg),
    /// A register the instruction writes without reading it.
    Write(Reg),
    /// A register read and written in place: a collection being built, an accumulator.
    Update(Reg),
    /// `len` consecutive registers from `start`, read: arguments, elements, parts,
    /// key/value pairs. When the instruction also has a callee (a [`Table::Functions`]
    /// index or a [`OperandKind::Builtin`]), they are its arguments.
    Range {
        /// The first register.
        start: Reg,
        /// How many registers.
        len: usize,
    },
    /// The field that gives the length of the instruction's [`OperandKind::Range`].
    Count(usize),
    /// An iterator slot.
    Slot(Slot),
    /// An index into a table.
    Index(Table, usize),
    /// A jump target in the chunk.
    Target(Target),
    /// A builtin function, called with the instruction's range as arguments.
    Builtin(BuiltinOp),
    /// A binary operator.
    BinOp(BinOp),
    /// A string test.
    StrOp(StrOp),
    /// A set of kinds, by bit of [`KIND_NAMES`](crate::KIND_NAMES).
    Kinds(u8),
    /// A bool immediate.
    Flag(bool),
    /// An integer immediate.
    Int(i64),
}

/// One operand: the field's name and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operand {
    /// The field's name in [`Instr`].
    pub name: &'static str,
    /// Its role and value.
    pub kind: OperandKind,
}

/// The operands of one instruction, in declaration order (no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operands {
    items: [Operand; MAX_OPERANDS],
    len: usize,
}

impl Operands {
    const fn new() -> Operands {
        const NONE: Operand = Operand {
            name: "",
            kind: OperandKind::Count(0),
        };
        Operands {
            items: [NONE; MAX_OPERANDS],
            len: 0,
        }
    }

    fn push(&mut self, op: Operand) {
        if let Some(item) = self.items.get_mut(self.len) {
            *item = op;
            self.len += 1;
        }
    }

    /// The operands as a slice.
    pub fn as_slice(&self) -> &[Operand] {
        self.items.get(..self.len).unwrap_or(&[])
    }

    /// The operand of this name.
    pub fn get(&self, name: &str) -> Option<&Operand> {
        self.as_slice().iter().find(|op| op.name == name)
    }
}

impl std::ops::Deref for Operands {
    type Target = [Operand];

    fn deref(&self) -> &[Operand] {
        self.as_slice()
    }
}

/// The registers `start..start+len` (those a `u16` can name).
fn range(start: Reg, len: usize) -> impl Iterator<Item = Reg> {
    let first = usize::from(start.0);
    (first..first.saturating_add(len)).map_while(|i| u16::try_from(i).ok().map(Reg))
}

impl Instr {
    /// Every operand with its name and role, in declaration order.
    pub fn operands(&self) -> Operands {
        let mut ops = Operands::new();
        self.for_each_operand(|op| ops.push(op));
        ops
    }

    /// Calls `f` with every register the instruction reads, in declaration order:
    /// [`OperandKind::Read`] and [`OperandKind::Update`] operands, and each register of
    /// a [`OperandKind::Range`].
    pub fn for_each_read(&self, mut f: impl FnMut(Reg)) {
        self.for_each_operand(|op| match op.kind {
            OperandKind::Read(r) | OperandKind::Update(r) => f(r),
            OperandKind::Range { start, len } => range(start, len).for_each(&mut f),
            _ => {}
        });
    }

    /// Calls `f` with every register the instruction writes ([`OperandKind::Write`] and
    /// [`OperandKind::Update`] operands).
    pub fn for_each_write(&self, mut f: impl FnMut(Reg)) {
        self.for_each_operand(|op| {
            if let OperandKind::Write(r) | OperandKind::Update(r) = op.kind {
                f(r);
            }
        });
    }

    /// Calls `f` with every table index of the instruction and its table.
    pub fn for_each_index(&self, mut f: impl FnMut(Table, usize)) {
        self.for_each_operand(|op| {
            if let OperandKind::Index(table, i) = op.kind {
                f(table, i);
            }
        });
    }

    /// True when the instruction reads `reg` (see [`Instr::for_each_read`]).
    pub fn reads(&self, reg: Reg) -> bool {
        let mut found = false;
        self.for_each_read(|r| found |= r == reg);
        found
    }

    /// The jump target, if the instruction has one.
    pub fn target(&self) -> Option<Target> {
        let mut target = None;
        self.for_each_operand(|op| {
            if let OperandKind::Target(t) = op.kind {
                target = Some(t);
            }
        });
        target
    }

    /// The same instruction with its jump target (if it has one) set to `to`.
    #[must_use]
    pub fn with_target(mut self, to: Target) -> Instr {
        if let Some(t) = self.target_mut() {
            *t = to;
        }
        self
    }
}

/// An index operand of a table.
pub(crate) fn index(table: Table, i: impl TableIndex) -> OperandKind {
    OperandKind::Index(table, i.table_index())
}

/// A value that names an entry of a table.
pub(crate) trait TableIndex {
    fn table_index(self) -> usize;
}

macro_rules! table_indexes {
    ($($ty:ty),*) => {$(
        impl TableIndex for $ty {
            fn table_index(self) -> usize {
                self.index()
            }
        }
    )*};
}

table_indexes!(ConstId, SymId, RegexId, GlobId, FnId, LetId, SiteId);

/// The specialised instructions name constants by `u16`.
impl TableIndex for u16 {
    fn table_index(self) -> usize {
        usize::from(self)
    }
}

/// An immediate operand: a value written in the instruction itself.
pub(crate) trait Immediate {
    fn operand(self) -> OperandKind;
}

impl Immediate for bool {
    fn operand(self) -> OperandKind {
        OperandKind::Flag(self)
    }
}

impl Immediate for i32 {
    fn operand(self) -> OperandKind {
        OperandKind::Int(i64::from(self))
    }
}

impl Immediate for i8 {
    fn operand(self) -> OperandKind {
        OperandKind::Int(i64::from(self))
    }
}

impl Immediate for BinOp {
    fn operand(self) -> OperandKind {
        OperandKind::BinOp(self)
    }
}

impl Immediate for StrOp {
    fn operand(self) -> OperandKind {
        OperandKind::StrOp(self)
    }
}

impl Immediate for BuiltinOp {
    fn operand(self) -> OperandKind {
        OperandKind::Builtin(self)
    }
}

#[cfg(test)]
pub(crate) use tests::Example;
