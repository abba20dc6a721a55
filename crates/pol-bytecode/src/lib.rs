//! pol's bytecode: the register instruction set, compiled programs, the versioned
//! `.polc` file format with validation, and a disassembler.
//!
//! This crate is shared by the compiler (which produces programs) and the VM (which
//! runs them); it depends on neither.

mod digest;
mod disasm;
mod encode;
mod instr;
mod operand;
mod program;
mod validate;

pub use digest::Digest;
pub use disasm::disassemble;
pub use encode::{DecodeError, FORMAT_VERSION, MAGIC, decode, decode_built_in, encode};
pub use instr::{
    BinOp, BuiltinOp, ConstId, FnId, GlobId, Instr, KIND_NAMES, LetId, Reg, RegexId, SiteId, Slot,
    StrOp, SymId, Target,
};
pub use operand::{MAX_OPERANDS, Operand, OperandKind, Operands, Table};
pub use program::{
    Chunk, Const, EmitSite, FunctionInfo, Guard, GuardTest, Handler, LetInfo, Message, MessagePart,
    Pos, Program, RuleGroup, RuleInfo, RuleKind, ShapeNode,
};
pub use validate::{ValidationError, validate};
