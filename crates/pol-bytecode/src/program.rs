//! A compiled program: chunks of code for rules, lets and functions, with the tables
//! their instructions refer to. Plain data, `Send + Sync`, serialized into `.polc` files.

use crate::instr::{Instr, Reg, SymId};
use serde::{Deserialize, Serialize};

/// A compiled policy set.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Program {
    /// Constants (`LoadConst`).
    pub consts: Vec<Const>,
    /// Field names read by the program (`Field`), interned: each appears once.
    pub symbols: Vec<String>,
    /// Regex sources, compiled when the program is loaded (`MatchRegex`).
    pub regexes: Vec<String>,
    /// Glob sources, compiled when the program is loaded (`MatchGlob`).
    pub globs: Vec<String>,
    /// Policy source files, for positions.
    pub files: Vec<String>,
    /// Every chunk of code.
    pub chunks: Vec<Chunk>,
    /// The rules, in evaluation order.
    pub rules: Vec<RuleInfo>,
    /// The top-level lets.
    pub lets: Vec<LetInfo>,
    /// The user functions.
    pub functions: Vec<FunctionInfo>,
    /// What the program can read of its input, so that loading skips the rest: a tree
    /// of paths, the root first, each child after its parent. Empty: everything.
    pub demand: Vec<ShapeNode>,
    /// Rules compiled a second time together, into one chunk that walks the loops
    /// they share once (loop fusion). Each rule keeps its own chunk too.
    pub groups: Vec<RuleGroup>,
}

/// Rules that begin with the same loops, fused into one chunk (see [`Program::groups`]).
///
/// The chunk runs every member's clauses inside the shared loops; its emit sites name
/// the member they belong to. The VM runs it where the first member comes, and when
/// anything goes wrong in it (a runtime error, a resource limit, a read of a part of
/// the input that was not loaded) undoes what it did and runs the members' own chunks
/// one by one. Members have no guard; each rule is in at most one group; the chunk's
/// emit sites name members only (validation checks all three).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleGroup {
    /// Index into [`Program::chunks`].
    pub chunk: u32,
    /// The member rules, two or more, in increasing order.
    pub rules: Vec<u32>,
}

/// One path of [`Program::demand`] (shared with the input readers, which load by it).
pub use pol_core::ShapeNode;

/// A constant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Const {
    /// `null`
    Null,
    /// A bool.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A list literal made of constants (`["a", 1]`), built once per evaluator. The
    /// elements are indexes of *earlier* constants, so the table has no cycles and no
    /// nesting for a hostile file to abuse.
    List(Vec<u32>),
    /// A set literal made of constants (`{"actions", "github"}`); elements as for `List`.
    Set(Vec<u32>),
    /// An object literal made of constants, in source order (the last of a repeated
    /// key wins); values as for `List`.
    Object(Vec<(String, u32)>),
}

/// A position in a policy file (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Pos {
    /// Index into [`Program::files`].
    pub file: u32,
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

/// A sequence of instructions with its frame size and side tables.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Chunk {
    /// What the chunk computes, for the disassembler (`rule ci.unpinned`).
    pub name: String,
    /// The code.
    pub code: Vec<Instr>,
    /// The source position of each instruction (same length as `code`); read only when
    /// reporting a runtime error.
    pub positions: Vec<Pos>,
    /// Registers of a frame of this chunk.
    pub registers: u16,
    /// Iterator slots of a frame of this chunk.
    pub slots: u8,
    /// Parameters (the first registers), for functions.
    pub params: u8,
    /// Where a rule continues after a runtime error: the innermost handler whose range
    /// holds the failing instruction wins. Empty for lets and functions.
    pub handlers: Vec<Handler>,
    /// Emit sites (`Emit`).
    pub sites: Vec<EmitSite>,
}

/// A runtime-error handler of a rule: instructions `start..end` belong to the body of a
/// `for` clause, and an error there continues with the next iteration at `resume`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handler {
    /// First instruction covered.
    pub start: u32,
    /// One past the last instruction covered.
    pub end: u32,
    /// Where to continue (the loop's `iter_next`).
    pub resume: u32,
}

/// What an `Emit` records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmitSite {
    /// Index into [`Program::rules`].
    pub rule: u32,
    /// The message.
    pub message: Message,
    /// Register holding the `at` value, if the rule has one.
    pub at: Option<Reg>,
    /// Registers of the rule's `for` values, innermost first: the finding points at the
    /// first that comes from the input when `at` does not.
    pub anchors: Vec<Reg>,
}

/// Where an emit site's message comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    /// The string in a register.
    Reg {
        /// The register.
        reg: Reg,
        /// The register is a temporary that nothing reads after the `emit` (the
        /// message is computed for it): the VM may move the value into the finding
        /// instead of copying it.
        moves: bool,
    },
    /// An f-string (or a string literal) written by the `emit` itself: its text and
    /// the registers of its `{}` parts, one after the other, each written as an
    /// f-string writes it. No `load_const`, `move` or `format` runs for the message.
    Parts(Vec<MessagePart>),
}

/// A part of a [`Message::Parts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessagePart {
    /// Literal text.
    Text(String),
    /// The value of a register, as `{}` writes it.
    Value(Reg),
}

impl Message {
    /// The registers the message reads.
    pub fn registers(&self) -> impl Iterator<Item = Reg> + '_ {
        let (reg, parts) = match self {
            Message::Reg { reg, .. } => (Some(*reg), &[][..]),
            Message::Parts(parts) => (None, parts.as_slice()),
        };
        reg.into_iter().chain(parts.iter().filter_map(|p| match p {
            MessagePart::Value(r) => Some(*r),
            MessagePart::Text(_) => None,
        }))
    }
}

/// `deny` or `warn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleKind {
    /// Violations.
    Deny,
    /// Warnings.
    Warn,
}

/// A rule's metadata and code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Package-qualified name.
    pub name: String,
    /// `@id`, if any.
    pub id: Option<String>,
    /// Severity name (`high`).
    pub severity: String,
    /// Deny or warn.
    pub kind: RuleKind,
    /// Index into [`Program::chunks`].
    pub chunk: u32,
    /// Where the rule's name is.
    pub pos: Pos,
    /// A test on the input that must pass for the rule to fire, used to skip the rule
    /// without running it (rule indexing). The rule still runs the test itself.
    pub guard: Option<Guard>,
    /// The kinds the document's root may have, as its package's `input: T` declares
    /// them (a bit set of [`KIND_NAMES`](crate::instr::KIND_NAMES)); 0 when any kind
    /// will do. On a document of another kind the rule does not run: it records a
    /// runtime error instead (the input is not what the policy is written for).
    pub input_kinds: u8,
    /// The kinds of input document the rule applies to (`github-workflow`, ...), from
    /// the `@kind` of its package's `input:` type; empty for every document. An
    /// evaluation told a document's kind runs only the rules of that kind and those
    /// without one.
    pub doc_kinds: Vec<String>,
    /// `@tags`, in the order written (`level:pedantic`, `supply-chain`, ...).
    pub tags: Vec<String>,
    /// `@url`: where the rule is documented, if given.
    pub url: Option<String>,
    /// The rule's `///` doc comment, if any: what it finds, why, how to fix it (for
    /// outputs that carry a rule's help, such as SARIF).
    pub docs: Option<String>,
}

/// A condition a rule's first clause starts with, on a path of the input: when it is
/// certainly false, the rule can fire neither a finding nor an error, so it is skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guard {
    /// Field names from the root (`input.metadata.kind` is `[metadata, kind]`).
    pub path: Vec<SymId>,
    /// What the value there must be.
    pub test: GuardTest,
}

/// The tests a guard can make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuardTest {
    /// `path == "a"`, `path in {"a", "b"}`: the value is one of these strings.
    OneOf(Vec<String>),
    /// `path.starts_with("a")`: the value is a string with this prefix (a value that is
    /// neither a string nor null makes the rule run: it raises a type error).
    Prefix(String),
}

/// A top-level let.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetInfo {
    /// Package-qualified name.
    pub name: String,
    /// Index into [`Program::chunks`].
    pub chunk: u32,
    /// The value does not depend on the input (directly or through other lets and
    /// functions): an evaluator computes it once and keeps it for every document.
    pub constant: bool,
    /// `@option`: the kind bit (of `KIND_NAMES`) of its default; a user may replace
    /// the value by one of that kind (lists and sets: of strings). `None` for a let
    /// that is no option.
    pub option: Option<u8>,
}

/// A user function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionInfo {
    /// Package-qualified name.
    pub name: String,
    /// Index into [`Program::chunks`].
    pub chunk: u32,
}

impl Program {
    /// The interned symbol with this text, if the program reads such a field.
    pub fn symbol(&self, text: &str) -> Option<SymId> {
        self.symbols
            .iter()
            .position(|s| s == text)
            .and_then(|i| u16::try_from(i).ok())
            .map(SymId)
    }

    /// The let with this name: package-qualified, or unqualified when only one package
    /// has a let of that name.
    pub fn find_let(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.lets.iter().position(|l| l.name == name) {
            return Some(i);
        }
        let suffix = format!(".{name}");
        let mut found = self
            .lets
            .iter()
            .enumerate()
            .filter(|(_, l)| l.name.ends_with(&suffix));
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }
}
