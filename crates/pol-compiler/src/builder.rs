//! `ChunkBuilder`: appends instructions with their positions, allocates registers and
//! iterator slots, and patches forward jumps.

use pol_bytecode::{Chunk, EmitSite, Handler, Instr, Pos, Reg, SiteId, Slot, Target};

/// A limit of the bytecode format that a program exceeded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitError {
    /// A body (rule, let or function, named) needs more than 65,535 registers.
    Registers(String),
    /// Loops nest more than 255 deep in a body.
    LoopDepth(String),
    /// A function has more than 255 parameters.
    Parameters(String),
    /// More than 65,535 functions.
    Functions,
    /// More than 65,535 distinct field names.
    FieldNames,
    /// More than 65,535 distinct regex or glob literals.
    Patterns,
}

impl std::fmt::Display for LimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitError::Registers(body) => {
                write!(f, "`{body}`: more than 65,535 registers in one body")
            }
            LimitError::LoopDepth(body) => write!(f, "`{body}`: loops nest more than 255 deep"),
            LimitError::Parameters(body) => write!(f, "`{body}`: more than 255 parameters"),
            LimitError::Functions => write!(f, "more than {} functions", u16::MAX),
            LimitError::FieldNames => {
                write!(f, "more than {} distinct field names", u16::MAX)
            }
            LimitError::Patterns => {
                write!(f, "more than {} distinct regex or glob literals", u16::MAX)
            }
        }
    }
}

impl std::error::Error for LimitError {}

/// The first limit a chunk went over while it was built.
#[derive(Debug, Clone, Copy)]
enum Overflow {
    Registers,
    LoopDepth,
    Parameters,
}

/// Builds one chunk.
pub struct ChunkBuilder {
    name: String,
    code: Vec<Instr>,
    positions: Vec<Pos>,
    /// Registers `0..locals` hold the body's locals; temporaries come after.
    next_temp: u32,
    max_register: u32,
    slot_depth: u32,
    max_slots: u32,
    params: u8,
    handlers: Vec<Handler>,
    sites: Vec<EmitSite>,
    /// Position given to instructions emitted from now on.
    pub pos: Pos,
    /// The first limit exceeded, reported when the chunk is finished.
    overflow: Option<Overflow>,
}

impl ChunkBuilder {
    /// A builder for a chunk whose body has `locals` locals, the first `params` of them
    /// parameters.
    pub fn new(name: String, locals: usize, params: usize) -> ChunkBuilder {
        let locals = u32::try_from(locals).unwrap_or(u32::MAX);
        ChunkBuilder {
            name,
            code: Vec::new(),
            positions: Vec::new(),
            next_temp: locals,
            max_register: locals,
            slot_depth: 0,
            max_slots: 0,
            params: u8::try_from(params).unwrap_or(u8::MAX),
            handlers: Vec::new(),
            sites: Vec::new(),
            pos: Pos::default(),
            overflow: (params > u8::MAX as usize).then_some(Overflow::Parameters),
        }
    }

    /// Appends an instruction; returns its index.
    pub fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.positions.push(self.pos);
        self.code.len() - 1
    }

    /// The index the next instruction will get.
    pub fn here(&self) -> usize {
        self.code.len()
    }

    /// Points the jump at `at` to `target`.
    pub fn patch(&mut self, at: usize, target: usize) {
        let t = Target(u32::try_from(target).unwrap_or(u32::MAX));
        if let Some(target) = self.code.get_mut(at).and_then(Instr::target_mut) {
            *target = t;
        }
    }

    /// A placeholder target, to be patched.
    pub fn unknown() -> Target {
        Target(u32::MAX)
    }

    /// The register of local `index`.
    pub fn local(&mut self, index: usize) -> Reg {
        self.reg(u32::try_from(index).unwrap_or(u32::MAX))
    }

    fn reg(&mut self, index: u32) -> Reg {
        match u16::try_from(index) {
            Ok(r) => Reg(r),
            Err(_) => {
                self.overflow.get_or_insert(Overflow::Registers);
                Reg(0)
            }
        }
    }

    /// `n` consecutive fresh temporaries, as a list (the registers of a body's locals).
    pub fn temps_list(&mut self, n: usize) -> Vec<Reg> {
        let start = self.temps(n);
        (0..n).map(|i| crate::expr::offset(start, i)).collect()
    }

    /// A fresh temporary register.
    pub fn temp(&mut self) -> Reg {
        self.temps(1)
    }

    /// `n` consecutive fresh temporaries; returns the first.
    pub fn temps(&mut self, n: usize) -> Reg {
        let first = self.next_temp;
        self.next_temp = self
            .next_temp
            .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        self.max_register = self.max_register.max(self.next_temp);
        self.reg(first)
    }

    /// The temporary watermark, to restore with [`ChunkBuilder::release`].
    pub fn mark(&self) -> u32 {
        self.next_temp
    }

    /// Frees every temporary allocated since `mark`.
    pub fn release(&mut self, mark: u32) {
        self.next_temp = mark;
    }

    /// Enters a loop: a fresh iterator slot.
    pub fn push_slot(&mut self) -> Slot {
        let slot = self.slot_depth;
        self.slot_depth += 1;
        self.max_slots = self.max_slots.max(self.slot_depth);
        match u8::try_from(slot) {
            Ok(s) => Slot(s),
            Err(_) => {
                self.overflow.get_or_insert(Overflow::LoopDepth);
                Slot(0)
            }
        }
    }

    /// Leaves a loop.
    pub fn pop_slot(&mut self) {
        self.slot_depth = self.slot_depth.saturating_sub(1);
    }

    /// Registers a runtime-error handler for the loop body `start..end`.
    pub fn handler(&mut self, start: usize, end: usize, resume: usize) {
        let u = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.handlers.push(Handler {
            start: u(start),
            end: u(end),
            resume: u(resume),
        });
    }

    /// Adds an emit site; returns its id.
    pub fn site(&mut self, site: EmitSite) -> SiteId {
        self.sites.push(site);
        SiteId(u32::try_from(self.sites.len() - 1).unwrap_or(u32::MAX))
    }

    /// The finished chunk.
    pub fn finish(self) -> Result<Chunk, LimitError> {
        match self.overflow {
            Some(Overflow::Registers) => return Err(LimitError::Registers(self.name)),
            Some(Overflow::LoopDepth) => return Err(LimitError::LoopDepth(self.name)),
            Some(Overflow::Parameters) => return Err(LimitError::Parameters(self.name)),
            None => {}
        }
        let Ok(registers) = u16::try_from(self.max_register.max(1)) else {
            return Err(LimitError::Registers(self.name));
        };
        let Ok(slots) = u8::try_from(self.max_slots) else {
            return Err(LimitError::LoopDepth(self.name));
        };
        Ok(Chunk {
            name: self.name,
            code: self.code,
            positions: self.positions,
            registers,
            slots,
            params: self.params,
            handlers: self.handlers,
            sites: self.sites,
        })
    }
}
