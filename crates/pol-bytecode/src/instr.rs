//! The instruction set: a `Copy` enum of 8 bytes with newtype operands.
//!
//! Registers are slots of the current frame. Operands that do not fit (emit sites,
//! constants) live in side tables of the [`Chunk`](crate::Chunk) or the program and are
//! named by index. The table at the end of this file is the one place that says what
//! each operand is (a register read or written, a table index, a jump target, ...):
//! `operand/define.rs` turns it into the enum and its operand descriptions.
//! `docs/instruction-set.md` has a row per opcode; a test keeps its names and operands
//! in sync with [`Instr::NAMES`] and [`Instr::OPERANDS`].

use crate::operand::instructions;
use serde::{Deserialize, Serialize};

macro_rules! index_newtypes {
    ($( $(#[$doc:meta])* $name:ident($int:ty) = $prefix:literal; )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub $int);

        impl $name {
            /// The index as `usize`.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    )*};
}

index_newtypes! {
    /// A register of the current frame.
    Reg(u16) = "r";
    /// An iterator slot of the current frame (one per loop nesting level).
    Slot(u8) = "it";
    /// A constant of the program's constant table.
    ConstId(u32) = "k";
    /// An interned field name of the program's symbol table.
    SymId(u16) = "s";
    /// A compiled regular expression of the program.
    RegexId(u16) = "re";
    /// A compiled glob of the program.
    GlobId(u16) = "glob";
    /// A user function (an index into the program's functions).
    FnId(u16) = "fn";
    /// A top-level let (an index into the program's lets).
    LetId(u32) = "let";
    /// An instruction index in the current chunk.
    Target(u32) = "@";
    /// An emit site of the current chunk (rule, message, `at` and fallback registers).
    SiteId(u32) = "site";
}

/// A builtin function, by number. The numbering is part of the `.polc` format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum BuiltinOp {
    /// `len(x)`
    Len,
    /// `lower(s)`
    Lower,
    /// `upper(s)`
    Upper,
    /// `trim(s)`
    Trim,
    /// `starts_with(s, p)`
    StartsWith,
    /// `ends_with(s, p)`
    EndsWith,
    /// `contains(a, b)`
    Contains,
    /// `split(s, sep)`
    Split,
    /// `join(xs, sep)`
    Join,
    /// `replace(s, old, new)`
    Replace,
    /// `matches(s, re)` with a computed pattern
    Matches,
    /// `glob(s, pattern)` with a computed pattern
    Glob,
    /// `to_string(x)`
    ToString,
    /// `to_int(x)`
    ToInt,
    /// `to_float(x)`
    ToFloat,
    /// `keys(o)`
    Keys,
    /// `values(o)`
    Values,
    /// `count(x)`
    Count,
    /// `sum(xs)`
    Sum,
    /// `min(xs)`
    Min,
    /// `max(xs)`
    Max,
    /// `sort(xs)`
    Sort,
    /// `unique(xs)`
    Unique,
    /// `flatten(xs)`
    Flatten,
    /// `type_of(x)`
    TypeOf,
    /// `semver_compare(a, b)`
    SemverCompare,
    /// `semver_satisfies(v, req)`
    SemverSatisfies,
    /// `comment(x)`
    Comment,
    /// `from_json(s)`
    FromJson,
    /// `strings(x)`
    Strings,
    /// `common_prefix(a, b)`
    CommonPrefix,
    /// `common_suffix(a, b)`
    CommonSuffix,
}

impl BuiltinOp {
    /// Every builtin, in numbering order.
    pub const ALL: &'static [BuiltinOp] = &[
        BuiltinOp::Len,
        BuiltinOp::Lower,
        BuiltinOp::Upper,
        BuiltinOp::Trim,
        BuiltinOp::StartsWith,
        BuiltinOp::EndsWith,
        BuiltinOp::Contains,
        BuiltinOp::Split,
        BuiltinOp::Join,
        BuiltinOp::Replace,
        BuiltinOp::Matches,
        BuiltinOp::Glob,
        BuiltinOp::ToString,
        BuiltinOp::ToInt,
        BuiltinOp::ToFloat,
        BuiltinOp::Keys,
        BuiltinOp::Values,
        BuiltinOp::Count,
        BuiltinOp::Sum,
        BuiltinOp::Min,
        BuiltinOp::Max,
        BuiltinOp::Sort,
        BuiltinOp::Unique,
        BuiltinOp::Flatten,
        BuiltinOp::TypeOf,
        BuiltinOp::SemverCompare,
        BuiltinOp::SemverSatisfies,
        BuiltinOp::Comment,
        BuiltinOp::FromJson,
        BuiltinOp::Strings,
        BuiltinOp::CommonPrefix,
        BuiltinOp::CommonSuffix,
    ];

    /// The name as written in policies.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinOp::Len => "len",
            BuiltinOp::Lower => "lower",
            BuiltinOp::Upper => "upper",
            BuiltinOp::Trim => "trim",
            BuiltinOp::StartsWith => "starts_with",
            BuiltinOp::EndsWith => "ends_with",
            BuiltinOp::Contains => "contains",
            BuiltinOp::Split => "split",
            BuiltinOp::Join => "join",
            BuiltinOp::Replace => "replace",
            BuiltinOp::Matches => "matches",
            BuiltinOp::Glob => "glob",
            BuiltinOp::ToString => "to_string",
            BuiltinOp::ToInt => "to_int",
            BuiltinOp::ToFloat => "to_float",
            BuiltinOp::Keys => "keys",
            BuiltinOp::Values => "values",
            BuiltinOp::Count => "count",
            BuiltinOp::Sum => "sum",
            BuiltinOp::Min => "min",
            BuiltinOp::Max => "max",
            BuiltinOp::Sort => "sort",
            BuiltinOp::Unique => "unique",
            BuiltinOp::Flatten => "flatten",
            BuiltinOp::TypeOf => "type_of",
            BuiltinOp::SemverCompare => "semver_compare",
            BuiltinOp::SemverSatisfies => "semver_satisfies",
            BuiltinOp::Comment => "comment",
            BuiltinOp::FromJson => "from_json",
            BuiltinOp::Strings => "strings",
            BuiltinOp::CommonPrefix => "common_prefix",
            BuiltinOp::CommonSuffix => "common_suffix",
        }
    }

    /// The builtin with this name.
    pub fn from_name(name: &str) -> Option<BuiltinOp> {
        BuiltinOp::ALL.iter().copied().find(|b| b.name() == name)
    }

    /// How many arguments it takes (the receiver of a method call counts).
    pub fn arity(self) -> usize {
        match self {
            BuiltinOp::Replace => 3,
            BuiltinOp::StartsWith
            | BuiltinOp::EndsWith
            | BuiltinOp::Contains
            | BuiltinOp::Split
            | BuiltinOp::Join
            | BuiltinOp::Matches
            | BuiltinOp::Glob
            | BuiltinOp::SemverCompare
            | BuiltinOp::SemverSatisfies
            | BuiltinOp::CommonPrefix
            | BuiltinOp::CommonSuffix => 2,
            _ => 1,
        }
    }
}

/// Binary operators with a register result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (exact)
    Div,
    /// `%`
    Rem,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// Three-valued `and` of two evaluated operands.
    And,
    /// Three-valued `or` of two evaluated operands.
    Or,
}

impl BinOp {
    /// The mnemonic.
    pub fn name(self) -> &'static str {
        match self {
            BinOp::Add => "add",
            BinOp::Sub => "sub",
            BinOp::Mul => "mul",
            BinOp::Div => "div",
            BinOp::Rem => "rem",
            BinOp::Eq => "eq",
            BinOp::Ne => "ne",
            BinOp::Lt => "lt",
            BinOp::Le => "le",
            BinOp::Gt => "gt",
            BinOp::Ge => "ge",
            BinOp::In => "in",
            BinOp::NotIn => "not_in",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

instructions! {
    /// `dst = k` (a constant of the program).
    LoadConst { dst: Reg => write, k: ConstId => consts } = "load_const" "{dst}, {k}" reusable;
    /// `dst = null`.
    LoadNull { dst: Reg => write } = "load_null" "{dst}";
    /// `dst = value`.
    LoadBool { dst: Reg => write, value: bool => imm } = "load_bool" "{dst}, {value}";
    /// `dst = value` for a small int.
    LoadInt { dst: Reg => write, value: i32 => imm } = "load_int" "{dst}, {value}";
    /// `dst = input` (the document root).
    LoadInput { dst: Reg => write } = "load_input" "{dst}" reusable;
    /// `dst = data` (the reference data: an object, empty when none was given).
    LoadData { dst: Reg => write } = "load_data" "{dst}" reusable;
    /// `dst = src`.
    Move { dst: Reg => write, src: Reg => read } = "move" "{dst}, {src}";
    /// `dst = ` the value of a top-level let, computed on first use.
    GetLet { dst: Reg => write, id: LetId => lets } = "get_let" "{dst}, {id}";
    /// `dst = obj.sym` (null when absent or not an object).
    Field { dst: Reg => write, obj: Reg => read, sym: SymId => symbols }
        = "field" "{dst}, {obj}.{sym}" reusable;
    /// `dst = obj[index]` (null when absent).
    Index { dst: Reg => write, obj: Reg => read, index: Reg => read }
        = "index" "{dst}, {obj}[{index}]" reusable;
    /// `dst = not src` (three-valued).
    Not { dst: Reg => write, src: Reg => read } = "not" "{dst}, {src}";
    /// `dst = -src`.
    Neg { dst: Reg => write, src: Reg => read } = "neg" "{dst}, {src}";
    /// `dst = a op b`.
    Binary { op: BinOp => imm, dst: Reg => write, a: Reg => read, b: Reg => read }
        = "binary" "{dst}, {a} {op} {b}";
    /// Go to `target`.
    Jump { target: Target => target } = "jump" "{target}" ends;
    /// Go to `target` when `cond` is `false`.
    JumpIfFalse { cond: Reg => read, target: Target => target }
        = "jump_if_false" "{cond}, {target}";
    /// Go to `target` when `cond` is `true`.
    JumpIfTrue { cond: Reg => read, target: Target => target }
        = "jump_if_true" "{cond}, {target}";
    /// Go to `target` unless `cond` is `true`; a non-bool, non-null `cond` is a type error.
    JumpUnlessTrue { cond: Reg => read, target: Target => target }
        = "jump_unless_true" "{cond}, {target}";
    /// Go to `target` when `src` is not null.
    JumpIfNotNull { src: Reg => read, target: Target => target }
        = "jump_if_not_null" "{src}, {target}";
    /// `dst = f(args..args+argc)` for a user function.
    Call {
        dst: Reg => write, func: FnId => functions, args: Reg => range(argc), argc: u8 => count,
    } = "call" "{dst}, {func}({args})";
    /// `dst = builtin(args..args+argc)`.
    CallBuiltin {
        dst: Reg => write, builtin: BuiltinOp => imm, args: Reg => range(argc), argc: u8 => count,
    } = "call_builtin" "{dst}, {builtin}({args})";
    /// `dst = matches(s, re)` with a regex compiled at load time.
    MatchRegex { dst: Reg => write, s: Reg => read, re: RegexId => regexes }
        = "match_regex" "{dst}, {s} =~ r{re}";
    /// `dst = glob(s, glob)` with a glob compiled at load time.
    MatchGlob { dst: Reg => write, s: Reg => read, glob: GlobId => globs }
        = "match_glob" "{dst}, {s} glob {glob}";
    /// Return `src` from a function or let.
    Return { src: Reg => read } = "return" "{src}" ends;
    /// End of a rule.
    Halt = "halt" "" ends;
    /// Start iterating `src` in `slot` (null iterates nothing; a scalar is a type error).
    IterInit { slot: Slot => slot, src: Reg => read } = "iter_init" "{slot}, {src}";
    /// Next element into `value`, or go to `done` when there is none.
    IterNext { slot: Slot => slot, value: Reg => write, done: Target => target }
        = "iter_next" "{slot}, {value}, done {done}";
    /// `dst = ` the index or key of the current element of `slot`.
    IterKey { dst: Reg => write, slot: Slot => slot } = "iter_key" "{dst}, {slot}";
    /// Quantifier step of `any`: `cond` true → `acc = true`; null → `acc = null` (unless
    /// already true); a non-bool is a type error. A `jump_if_true acc` follows.
    AnyStep { acc: Reg => update, cond: Reg => read } = "any_step" "{acc}, {cond}";
    /// Quantifier step of `all`: `cond` false → `acc = false`; null → `acc = null` (unless
    /// already false); a non-bool is a type error. A `jump_if_false acc` follows.
    AllStep { acc: Reg => update, cond: Reg => read } = "all_step" "{acc}, {cond}";
    /// `dst = [start..start+len]`.
    MakeList { dst: Reg => write, start: Reg => range(len), len: u16 => count }
        = "make_list" "{dst}, [{start}]";
    /// `dst = {start..start+len}` (a set).
    MakeSet { dst: Reg => write, start: Reg => range(len), len: u16 => count }
        = "make_set" "{dst}, [{start}]";
    /// `dst = {k: v, ...}` from `pairs` key/value register pairs at `start`.
    MakeObject { dst: Reg => write, start: Reg => pairs(pairs), pairs: u16 => count }
        = "make_object" "{dst}, {{{start}}}";
    /// `dst = ` an empty list, to be filled by `push`.
    NewList { dst: Reg => write } = "new_list" "{dst}";
    /// `dst = ` an empty set, to be filled by `push` and closed by `finish_set`.
    NewSet { dst: Reg => write } = "new_set" "{dst}";
    /// `dst = ` an empty object, to be filled by `insert`.
    NewObject { dst: Reg => write } = "new_object" "{dst}";
    /// Append `value` to the list or set under construction in `dst`.
    Push { dst: Reg => update, value: Reg => read } = "push" "{dst}, {value}";
    /// Sort and deduplicate the set under construction in `dst`.
    FinishSet { dst: Reg => update } = "finish_set" "{dst}";
    /// Set `key` (a string) to `value` in the object under construction in `dst`.
    Insert { dst: Reg => update, key: Reg => read, value: Reg => read }
        = "insert" "{dst}, {key}: {value}";
    /// `dst = ` the f-string of the parts `start..start+len`.
    Format { dst: Reg => write, start: Reg => range(len), len: u16 => count }
        = "format" "{dst}, [{start}]";
    /// Record a finding described by an emit site of the chunk.
    Emit { site: SiteId => sites } = "emit" "{site}";
    /// `dst = type_of(src) == kind` for one of the kinds in `kinds` (a bit set, see
    /// [`KIND_NAMES`]); `negate` for `!=`. Never fails.
    IsKind { dst: Reg => write, src: Reg => read, kinds: u8 => kinds, negate: bool => imm }
        = "is_kind" "{dst}, type_of({src}) {negate?!=|==} {kinds}";
    /// `dst = op(s, k)` for a string constant `k`: `starts_with`, `ends_with`,
    /// `contains`, with the builtins' semantics (null gives null; a collection `s` for
    /// `contains` tests membership).
    StrConst { op: StrOp => imm, dst: Reg => write, s: Reg => read, k: u16 => consts }
        = "str_const" "{dst}, {op}({s}, {k})";
    /// `dst = split(s, k)[n]` for a string constant `k` and a small int `n` (negative
    /// counts from the end): the part is a view into `s`, nothing is built.
    SplitPart { dst: Reg => write, s: Reg => read, k: u16 => consts, n: i8 => imm }
        = "split_part" "{dst}, split({s}, {k})[{n}]";
    /// `dst = x in k` (`not in` with `negate`) for a constant set or list of strings
    /// `k`, tested with a hash set built when the program is loaded.
    InConst { dst: Reg => write, x: Reg => read, k: u16 => consts, negate: bool => imm }
        = "in_const" "{dst}, {x} {negate?not in|in} {k}";
    /// `not cond`, then `jump_if_false` on it: go to `target` when `cond` is `true`; a
    /// non-bool, non-null `cond` is `not`'s type error (`if a and not b`).
    JumpIfFalseNot { cond: Reg => read, target: Target => target }
        = "jump_if_false_not" "{cond}, {target}";
    /// `not cond`, then `jump_if_true` on it: go to `target` when `cond` is `false`;
    /// a non-bool, non-null `cond` is `not`'s type error (`if a or not b`).
    JumpIfTrueNot { cond: Reg => read, target: Target => target }
        = "jump_if_true_not" "{cond}, {target}";
    /// `not cond`, then `jump_unless_true` on it: go to `target` unless `cond` is
    /// `false`; a non-bool, non-null `cond` is `not`'s type error (`if not b`).
    JumpUnlessTrueNot { cond: Reg => read, target: Target => target }
        = "jump_unless_true_not" "{cond}, {target}";
    /// Go to `target` unless `type_of(src)` is one of `kinds` (a bit set, see
    /// [`KIND_NAMES`]): `if type_of(x) == "string"` without a register for the test.
    /// Never fails.
    JumpUnlessKind { src: Reg => read, kinds: u8 => kinds, target: Target => target }
        = "jump_unless_kind" "type_of({src}) in {{{kinds}}}, {target}";
}

/// The kinds `type_of` names, by bit of [`Instr::IsKind`]'s `kinds`.
pub const KIND_NAMES: [&str; 8] = [
    "null", "bool", "int", "float", "string", "list", "set", "object",
];

/// The string tests of [`Instr::StrConst`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StrOp {
    /// `starts_with`
    StartsWith,
    /// `ends_with`
    EndsWith,
    /// `contains`
    Contains,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_eight_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 8);
    }

    #[test]
    fn builtin_names_round_trip() {
        for &b in BuiltinOp::ALL {
            assert_eq!(BuiltinOp::from_name(b.name()), Some(b));
        }
    }
}
