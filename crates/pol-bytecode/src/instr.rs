//! The instruction set: a `Copy` enum of 8 bytes with newtype operands.
//!
//! Registers are slots of the current frame. Operands that do not fit (emit sites,
//! constants) live in side tables of the [`Chunk`](crate::Chunk) or the program and are
//! named by index. `docs/instruction-set.md` has a row per opcode; a test keeps it in
//! sync with [`Instr::NAMES`].

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
            | BuiltinOp::SemverSatisfies => 2,
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

macro_rules! instructions {
    ($( $(#[$doc:meta])* $name:ident $({ $($field:ident : $ty:ty),* $(,)? })? = $mnemonic:literal; )*) => {
        /// One VM instruction. Always 8 bytes (a test pins it).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum Instr {
            $( $(#[$doc])* $name $({ $( #[allow(missing_docs)] $field: $ty ),* })?, )*
        }

        impl Instr {
            /// The mnemonic of every opcode, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($mnemonic),*];

            /// This instruction's mnemonic.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Instr::$name { .. } => $mnemonic, )*
                }
            }
        }
    };
}

instructions! {
    /// `dst = k` (a constant of the program).
    LoadConst { dst: Reg, k: ConstId } = "load_const";
    /// `dst = null`.
    LoadNull { dst: Reg } = "load_null";
    /// `dst = value`.
    LoadBool { dst: Reg, value: bool } = "load_bool";
    /// `dst = value` for a small int.
    LoadInt { dst: Reg, value: i32 } = "load_int";
    /// `dst = input` (the document root).
    LoadInput { dst: Reg } = "load_input";
    /// `dst = src`.
    Move { dst: Reg, src: Reg } = "move";
    /// `dst = ` the value of a top-level let, computed on first use.
    GetLet { dst: Reg, id: LetId } = "get_let";
    /// `dst = obj.sym` (null when absent or not an object).
    Field { dst: Reg, obj: Reg, sym: SymId } = "field";
    /// `dst = obj[index]` (null when absent).
    Index { dst: Reg, obj: Reg, index: Reg } = "index";
    /// `dst = not src` (three-valued).
    Not { dst: Reg, src: Reg } = "not";
    /// `dst = -src`.
    Neg { dst: Reg, src: Reg } = "neg";
    /// `dst = a op b`.
    Binary { op: BinOp, dst: Reg, a: Reg, b: Reg } = "binary";
    /// Go to `target`.
    Jump { target: Target } = "jump";
    /// Go to `target` when `cond` is `false`.
    JumpIfFalse { cond: Reg, target: Target } = "jump_if_false";
    /// Go to `target` when `cond` is `true`.
    JumpIfTrue { cond: Reg, target: Target } = "jump_if_true";
    /// Go to `target` unless `cond` is `true`; a non-bool, non-null `cond` is a type error.
    JumpUnlessTrue { cond: Reg, target: Target } = "jump_unless_true";
    /// Go to `target` when `src` is not null.
    JumpIfNotNull { src: Reg, target: Target } = "jump_if_not_null";
    /// `dst = f(args..args+argc)` for a user function.
    Call { dst: Reg, func: FnId, args: Reg, argc: u8 } = "call";
    /// `dst = builtin(args..args+argc)`.
    CallBuiltin { dst: Reg, builtin: BuiltinOp, args: Reg, argc: u8 } = "call_builtin";
    /// `dst = matches(s, re)` with a regex compiled at load time.
    MatchRegex { dst: Reg, s: Reg, re: RegexId } = "match_regex";
    /// `dst = glob(s, glob)` with a glob compiled at load time.
    MatchGlob { dst: Reg, s: Reg, glob: GlobId } = "match_glob";
    /// Return `src` from a function or let.
    Return { src: Reg } = "return";
    /// End of a rule.
    Halt = "halt";
    /// Start iterating `src` in `slot` (null iterates nothing; a scalar is a type error).
    IterInit { slot: Slot, src: Reg } = "iter_init";
    /// Next element into `value`, or go to `done` when there is none.
    IterNext { slot: Slot, value: Reg, done: Target } = "iter_next";
    /// `dst = ` the index or key of the current element of `slot`.
    IterKey { dst: Reg, slot: Slot } = "iter_key";
    /// Quantifier step of `any`: `cond` true → `acc = true`; null → `acc = null` (unless
    /// already true); a non-bool is a type error. A `jump_if_true acc` follows.
    AnyStep { acc: Reg, cond: Reg } = "any_step";
    /// Quantifier step of `all`: `cond` false → `acc = false`; null → `acc = null` (unless
    /// already false); a non-bool is a type error. A `jump_if_false acc` follows.
    AllStep { acc: Reg, cond: Reg } = "all_step";
    /// `dst = [start..start+len]`.
    MakeList { dst: Reg, start: Reg, len: u16 } = "make_list";
    /// `dst = {start..start+len}` (a set).
    MakeSet { dst: Reg, start: Reg, len: u16 } = "make_set";
    /// `dst = {k: v, ...}` from `pairs` key/value register pairs at `start`.
    MakeObject { dst: Reg, start: Reg, pairs: u16 } = "make_object";
    /// `dst = ` an empty list, to be filled by `push`.
    NewList { dst: Reg } = "new_list";
    /// `dst = ` an empty set, to be filled by `push` and closed by `finish_set`.
    NewSet { dst: Reg } = "new_set";
    /// `dst = ` an empty object, to be filled by `insert`.
    NewObject { dst: Reg } = "new_object";
    /// Append `value` to the list or set under construction in `dst`.
    Push { dst: Reg, value: Reg } = "push";
    /// Sort and deduplicate the set under construction in `dst`.
    FinishSet { dst: Reg } = "finish_set";
    /// Set `key` (a string) to `value` in the object under construction in `dst`.
    Insert { dst: Reg, key: Reg, value: Reg } = "insert";
    /// `dst = ` the f-string of the parts `start..start+len`.
    Format { dst: Reg, start: Reg, len: u16 } = "format";
    /// Record a finding described by an emit site of the chunk.
    Emit { site: SiteId } = "emit";
    /// `dst = type_of(src) == kind` for one of the kinds in `kinds` (a bit set, see
    /// [`KIND_NAMES`]); `negate` for `!=`. Never fails.
    IsKind { dst: Reg, src: Reg, kinds: u8, negate: bool } = "is_kind";
    /// `dst = op(s, k)` for a string constant `k`: `starts_with`, `ends_with`,
    /// `contains`, with the builtins' semantics (null gives null; a collection `s` for
    /// `contains` tests membership).
    StrConst { op: StrOp, dst: Reg, s: Reg, k: u16 } = "str_const";
    /// `dst = split(s, k)[n]` for a string constant `k` and a small int `n` (negative
    /// counts from the end): the part is a view into `s`, nothing is built.
    SplitPart { dst: Reg, s: Reg, k: u16, n: i8 } = "split_part";
    /// `dst = x in k` (`not in` with `negate`) for a constant set or list of strings
    /// `k`, tested with a hash set built when the program is loaded.
    InConst { dst: Reg, x: Reg, k: u16, negate: bool } = "in_const";
    /// `not cond`, then `jump_if_false` on it: go to `target` when `cond` is `true`; a
    /// non-bool, non-null `cond` is `not`'s type error (`if a and not b`).
    JumpIfFalseNot { cond: Reg, target: Target } = "jump_if_false_not";
    /// `not cond`, then `jump_if_true` on it: go to `target` when `cond` is `false`;
    /// a non-bool, non-null `cond` is `not`'s type error (`if a or not b`).
    JumpIfTrueNot { cond: Reg, target: Target } = "jump_if_true_not";
    /// `not cond`, then `jump_unless_true` on it: go to `target` unless `cond` is
    /// `false`; a non-bool, non-null `cond` is `not`'s type error (`if not b`).
    JumpUnlessTrueNot { cond: Reg, target: Target } = "jump_unless_true_not";
    /// Go to `target` unless `type_of(src)` is one of `kinds` (a bit set, see
    /// [`KIND_NAMES`]): `if type_of(x) == "string"` without a register for the test.
    /// Never fails.
    JumpUnlessKind { src: Reg, kinds: u8, target: Target } = "jump_unless_kind";
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
