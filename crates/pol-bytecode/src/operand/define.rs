//! The `instructions!` macro: from one table that gives each instruction its operands
//! with their roles, its mnemonic, its disassembly and its control-flow flags, it
//! generates the [`Instr`](crate::Instr) enum and everything that has to know every
//! opcode: names, operand descriptions, the jump target, the flags.
//!
//! An entry of the table reads
//!
//! ```text
//! /// doc
//! Name { field: Type => role, ... } = "mnemonic" "disassembly template" flags;
//! ```
//!
//! Roles (see [`OperandKind`](super::OperandKind) for what each means): `read`,
//! `write`, `update`, `range(count_field)`, `pairs(count_field)`, `count`, `slot`,
//! `target`, `kinds`, `imm`, and one per table: `consts`, `symbols`, `regexes`,
//! `globs`, `functions`, `lets`, `sites`. A role only accepts operands of its type (a
//! `read` is a `Reg`, a `target` a `Target`; `imm` only the immediate types), so a
//! field cannot be left without a role or given one that does not fit.
//!
//! Flags: `ends` (control never falls through: the last instruction of a chunk must
//! have it) and `reusable` (pure: the result depends only on the operands, the input
//! and the program, nothing else happens and it never fails, so the optimizer may use
//! an earlier result of the same instruction instead).
//!
//! The template is what the disassembler writes after the mnemonic: `{field}` is the
//! operand as its role shows it (a register `r3`, a constant's value, a field name, a
//! register range `r1..r3`), `{flag?yes|no}` one of two texts by a bool operand, `{{`
//! and `}}` braces.

/// Generates [`Instr`](crate::Instr) and its table-driven methods from the table in
/// `instr.rs`.
macro_rules! instructions {
    ($(
        $(#[$doc:meta])*
        $name:ident $({ $($field:ident : $ty:ty => $role:ident $(($arg:ident))?),* $(,)? })?
            = $mnemonic:literal $template:literal $($flag:ident)*;
    )*) => {
        /// One VM instruction. Always 8 bytes (a test pins it).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum Instr {
            $( $(#[$doc])* $name $({ $( #[allow(missing_docs)] $field: $ty ),* })?, )*
        }

        // Every flag is one the table knows; at most `MAX_OPERANDS` operands each.
        const _: () = {
            $( $( $crate::operand::known_flag!($flag); )* )*
            $( assert!(
                <[&str]>::len(&[$($(stringify!($field)),*)?]) <= $crate::operand::MAX_OPERANDS
            ); )*
        };

        impl Instr {
            /// The mnemonic of every opcode, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($mnemonic),*];

            /// The operand names of every opcode, in declaration order (the order of
            /// [`Instr::NAMES`], and of the operands column of
            /// `docs/instruction-set.md`).
            pub const OPERANDS: &'static [&'static [&'static str]] =
                &[$( &[$($(stringify!($field)),*)?] ),*];

            /// This instruction's mnemonic.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Instr::$name { .. } => $mnemonic, )*
                }
            }

            /// How the disassembler writes this instruction's operands (see
            /// `operand/define.rs`).
            pub(crate) fn template(&self) -> &'static str {
                match self {
                    $( Instr::$name { .. } => $template, )*
                }
            }

            /// Calls `f` with every operand, its name and role, in declaration order.
            pub fn for_each_operand(&self, mut f: impl FnMut($crate::operand::Operand)) {
                match *self {
                    $( Instr::$name $({ $($field),* })? => {
                        $($(
                            f($crate::operand::Operand {
                                name: stringify!($field),
                                kind: $crate::operand::operand_kind!($role $(($arg))?, $field),
                            });
                        )*)?
                    } )*
                }
            }

            /// The jump target, to be changed in place; `None` for an instruction that
            /// does not jump.
            pub fn target_mut(&mut self) -> Option<&mut Target> {
                match self {
                    $( Instr::$name $({ $($field),* })? => {
                        None $($( .or($crate::operand::if_target!($role, $field)) )*)?
                    } )*
                }
            }

            /// True when control never falls through to the next instruction (`jump`,
            /// `return`, `halt`): the last instruction of every chunk is one.
            pub fn ends_block(&self) -> bool {
                match self {
                    $( Instr::$name { .. } => $crate::operand::has_flag!(ends; $($flag)*), )*
                }
            }

            /// True when the instruction is pure (its result depends only on its
            /// operands, the input and the program; it does nothing else and never
            /// fails), so that a repeated one may become a `move` of the first result.
            pub fn is_reusable(&self) -> bool {
                match self {
                    $( Instr::$name { .. } => $crate::operand::has_flag!(reusable; $($flag)*), )*
                }
            }

            /// An instruction of opcode `opcode` whose operands are made, in
            /// declaration order, from `value(field index)`; `None` past the last opcode.
            #[cfg(test)]
            pub(crate) fn example(
                opcode: usize,
                value: &mut dyn FnMut(usize) -> u32,
            ) -> Option<Instr> {
                let makers: &[fn(&mut dyn FnMut(usize) -> u32) -> Instr] = &[$(
                    |value| {
                        #[allow(unused)]
                        let mut field = 0..;
                        #[allow(unused)]
                        let mut next = || value(field.next().unwrap_or(0));
                        Instr::$name $({ $(
                            $field: $crate::operand::Example::example(next())
                        ),* })?
                    }
                ),*];
                makers.get(opcode).map(|make| make(value))
            }
        }
    };
}

/// The [`OperandKind`](super::OperandKind) of a field with a role.
macro_rules! operand_kind {
    (read, $f:ident) => {
        $crate::operand::OperandKind::Read($f)
    };
    (write, $f:ident) => {
        $crate::operand::OperandKind::Write($f)
    };
    (update, $f:ident) => {
        $crate::operand::OperandKind::Update($f)
    };
    (range($n:ident), $f:ident) => {
        $crate::operand::OperandKind::Range {
            start: $f,
            len: usize::from($n),
        }
    };
    (pairs($n:ident), $f:ident) => {
        $crate::operand::OperandKind::Range {
            start: $f,
            len: usize::from($n) * 2,
        }
    };
    (count, $f:ident) => {
        $crate::operand::OperandKind::Count(usize::from($f))
    };
    (slot, $f:ident) => {
        $crate::operand::OperandKind::Slot($f)
    };
    (target, $f:ident) => {
        $crate::operand::OperandKind::Target($f)
    };
    (kinds, $f:ident) => {
        $crate::operand::OperandKind::Kinds($f)
    };
    (imm, $f:ident) => {
        $crate::operand::Immediate::operand($f)
    };
    (consts, $f:ident) => {
        $crate::operand::index($crate::operand::Table::Consts, $f)
    };
    (symbols, $f:ident) => {
        $crate::operand::index($crate::operand::Table::Symbols, $f)
    };
    (regexes, $f:ident) => {
        $crate::operand::index($crate::operand::Table::Regexes, $f)
    };
    (globs, $f:ident) => {
        $crate::operand::index($crate::operand::Table::Globs, $f)
    };
    (functions, $f:ident) => {
        $crate::operand::index($crate::operand::Table::Functions, $f)
    };
    (lets, $f:ident) => {
        $crate::operand::index($crate::operand::Table::Lets, $f)
    };
    (sites, $f:ident) => {
        $crate::operand::index($crate::operand::Table::Sites, $f)
    };
}

/// The field when its role is `target`, else `None`.
macro_rules! if_target {
    (target, $f:ident) => {
        Some($f)
    };
    ($role:ident, $f:ident) => {{
        let _ = $f;
        None
    }};
}

/// Whether a flag is among an instruction's flags.
macro_rules! has_flag {
    ($want:ident;) => { false };
    (ends; ends $($rest:ident)*) => { true };
    (reusable; reusable $($rest:ident)*) => { true };
    ($want:ident; $other:ident $($rest:ident)*) => {
        $crate::operand::has_flag!($want; $($rest)*)
    };
}

/// Nothing for a flag the table knows; a compile error for any other.
macro_rules! known_flag {
    (ends) => {};
    (reusable) => {};
}

pub(crate) use {has_flag, if_target, instructions, known_flag, operand_kind};
