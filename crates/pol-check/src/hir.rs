//! The resolved, checked program (HIR) that the compiler, evaluator and type checker read.
//!
//! Every name is resolved: locals are [`LocalId`]s into their body's table, top-level
//! lets and functions are [`LetId`]s and [`FnId`]s into [`Program`], builtins are
//! [`Builtin`]s, and method calls are plain calls with the receiver first. A program
//! that came with error diagnostics may contain [`ExprKind::Error`] and
//! [`Type::Any`] placeholders; later stages only run on programs without errors.

use crate::builtins::Builtin;
use pol_diagnostics::{FileId, Span};

pub use pol_syntax::ast::{BinaryOp, Quantifier, RuleKind, UnaryOp};

macro_rules! index_newtype {
    ($( $(#[$doc:meta])* $name:ident; )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// The position in its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of the `index`-th entry of its table.
            pub(crate) fn from_index(index: usize) -> $name {
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }
        }
    )*};
}

index_newtype! {
    /// A package: an index into [`Program::packages`].
    PackageId;
    /// A top-level `let`: an index into [`Program::lets`].
    LetId;
    /// A user function: an index into [`Program::fns`].
    FnId;
    /// A rule: an index into [`Program::rules`].
    RuleId;
    /// A named type: an index into [`Program::types`].
    TypeId;
    /// A local binding: an index into the [`Body::locals`] of the definition it is in.
    LocalId;
}

/// Runtime kinds (the values `type_of` names), as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds(pub u8);

#[expect(missing_docs, reason = "one constant per kind, named after it")]
impl Kinds {
    pub const NULL: Kinds = Kinds(1);
    pub const BOOL: Kinds = Kinds(2);
    pub const INT: Kinds = Kinds(4);
    pub const FLOAT: Kinds = Kinds(8);
    pub const STR: Kinds = Kinds(16);
    pub const LIST: Kinds = Kinds(32);
    pub const SET: Kinds = Kinds(64);
    pub const OBJECT: Kinds = Kinds(128);
    pub const NONE: Kinds = Kinds(0);
    pub const NUMBER: Kinds = Kinds(4 | 8);
    pub const ALL: Kinds = Kinds(255);

    pub fn has(self, other: Kinds) -> bool {
        self.0 & other.0 != 0
    }

    pub fn only(self, allowed: Kinds) -> bool {
        self.0 & !allowed.0 == 0
    }

    pub fn without(self, other: Kinds) -> Kinds {
        Kinds(self.0 & !other.0)
    }

    pub fn union(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    /// Each kind in the set, on its own.
    pub fn each(self) -> impl Iterator<Item = Kinds> {
        (0..8).map(|i| Kinds(1 << i)).filter(move |k| self.has(*k))
    }

    /// The kind's name as `type_of` gives it.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "null",
            2 => "bool",
            4 => "int",
            8 => "float",
            16 => "string",
            32 => "list",
            64 => "set",
            128 => "object",
            _ => "value",
        }
    }
}

/// Which runtime kinds each expression can have on *every* document, as the type
/// checker proved them: it infers a second time with `input` and declared parameter
/// types taken as `any` (they are not checked at run time, so code generation must not
/// trust them), and keeps for each expression the union of what it inferred in every
/// context (a function body is inferred once per call). The compiler uses it to leave
/// out run-time type dispatch (docs/optimizer.md, "Types in the compiler").
///
/// Expressions are found by their source range; two expressions with the same range
/// share the union of their kinds, so a lookup never claims too little.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindTable {
    kinds: std::collections::HashMap<(FileId, u32, u32), Kinds>,
}

impl KindTable {
    /// The kinds `e` may have; `None` when nothing is known (`any`).
    pub fn of(&self, e: &Expr) -> Option<Kinds> {
        self.kinds
            .get(&(e.span.file, e.span.start, e.span.end))
            .copied()
            .filter(|k| *k != Kinds::ALL)
    }

    /// Adds `kinds` (`Kinds::ALL` for unknown) to what `span`'s expression may be.
    pub(crate) fn record(&mut self, span: Span, kinds: Kinds) {
        self.kinds
            .entry((span.file, span.start, span.end))
            .and_modify(|k| *k = k.union(kinds))
            .or_insert(kinds);
    }

    /// True when nothing was recorded (a program the type checker did not see).
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

/// A whole checked program: every package of the policy set and the std modules it
/// imports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Program {
    /// Packages: user packages in the order their first file was given, then std
    /// modules in the order they were first imported.
    pub packages: Vec<PackageInfo>,
    /// Top-level lets, in file order then source order.
    pub lets: Vec<LetDef>,
    /// User functions, in file order then source order.
    pub fns: Vec<FnDef>,
    /// Rules, in file order then source order: the order findings are reported in.
    pub rules: Vec<RuleDef>,
    /// Named types, in file order then source order.
    pub types: Vec<TypeDef>,
    /// Test blocks, in file order then source order.
    pub tests: Vec<TestDef>,
    /// The kinds of expressions that hold on every document (filled by the checker
    /// when the program has no errors; empty otherwise).
    pub kinds: KindTable,
}

impl Program {
    /// The package with this id.
    pub fn package(&self, id: PackageId) -> Option<&PackageInfo> {
        self.packages.get(id.index())
    }

    /// The let with this id.
    pub fn let_def(&self, id: LetId) -> Option<&LetDef> {
        self.lets.get(id.index())
    }

    /// The function with this id.
    pub fn fn_def(&self, id: FnId) -> Option<&FnDef> {
        self.fns.get(id.index())
    }

    /// The rule with this id.
    pub fn rule(&self, id: RuleId) -> Option<&RuleDef> {
        self.rules.get(id.index())
    }

    /// The named type with this id.
    pub fn type_def(&self, id: TypeId) -> Option<&TypeDef> {
        self.types.get(id.index())
    }
}

/// A package: the files that declare the same `package a.b.c`, as one namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageInfo {
    /// The dotted name (`ci.github`). Empty for a file that lacks its `package` line
    /// (an error was reported); such a file forms a package of its own.
    pub name: String,
    /// The declared type of `input` (`input: T`), if any; without one `input` is `any`.
    pub input_type: Option<Type>,
    /// The kinds of input document the package applies to, from its `input:` type
    /// (`@kind` of the named types it is, or is a union of); `None` for every document
    /// (no `input:` type, or one without a kind).
    pub input_kinds: Option<Vec<String>>,
    /// The declared type of `data` (`data: T`), if any; without one `data` is `any`.
    pub data_type: Option<Type>,
    /// True for a module of the standard library (`std.github`).
    pub is_std: bool,
    /// The files of the package, in the order they were given.
    pub files: Vec<FileId>,
}

/// What every top-level definition carries: where it lives and what it is called.
#[derive(Debug, Clone, PartialEq)]
pub struct DefInfo {
    /// The package it belongs to.
    pub package: PackageId,
    /// Its simple name (`unpinned_action`).
    pub name: String,
    /// Its name qualified by the package (`ci.github.unpinned_action`).
    pub qualified: String,
    /// The whole item, from its first annotation or keyword to its end.
    pub span: Span,
    /// Where the name is written.
    pub name_span: Span,
    /// Its `///` doc comment, if any.
    pub docs: Option<String>,
}

/// A local binding: a function parameter, a `for`/`let` clause variable, or a
/// quantifier or comprehension variable.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalInfo {
    /// The name as written.
    pub name: String,
    /// Where it is bound.
    pub span: Span,
}

/// The locals of one definition (a let, function, rule or test). A [`LocalId`] is
/// an index into `locals`; a compiler can size a frame with `locals.len()`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    /// Every local bound anywhere in the definition, in binding order. Function
    /// parameters come first, in order.
    pub locals: Vec<LocalInfo>,
}

impl Body {
    /// The local with this id.
    pub fn local(&self, id: LocalId) -> Option<&LocalInfo> {
        self.locals.get(id.index())
    }
}

/// `let name = value`
#[derive(Debug, Clone, PartialEq)]
pub struct LetDef {
    /// Name, package, span and docs.
    pub info: DefInfo,
    /// The locals of `value` (quantifier and comprehension variables).
    pub body: Body,
    /// The value.
    pub value: Expr,
    /// `@option`: `value` is a default that a user may replace (`pol.toml`,
    /// `Evaluator::set_option`); its type is `any` and it is never folded.
    pub option: bool,
}

/// A function parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDef {
    /// The parameter's local (parameter `i` is `LocalId(i)`).
    pub local: LocalId,
    /// Its declared type, if any.
    pub ty: Option<Type>,
}

/// `fn name(params) [-> ret] = value`
#[derive(Debug, Clone, PartialEq)]
pub struct FnDef {
    /// Name, package, span and docs.
    pub info: DefInfo,
    /// The parameters; their locals are the first entries of `body.locals`.
    pub params: Vec<ParamDef>,
    /// The declared result type, if any.
    pub ret: Option<Type>,
    /// The locals of the function: parameters first, then any others.
    pub body: Body,
    /// The value the function returns.
    pub value: Expr,
}

/// How serious a rule's findings are (`@severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// `info`
    Info,
    /// `low`
    Low,
    /// `medium`
    Medium,
    /// `high`
    High,
    /// `critical`
    Critical,
}

impl Severity {
    /// Every severity, from least to most serious.
    pub const ALL: &'static [Severity] = &[
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The severity as written in `@severity("...")` and in decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The severity written as `s`, if it is one.
    pub fn from_name(s: &str) -> Option<Severity> {
        Severity::ALL.iter().copied().find(|sev| sev.as_str() == s)
    }

    /// The severity of a rule without `@severity`: `medium` for `deny`, `low` for `warn`.
    pub fn default_for(kind: RuleKind) -> Severity {
        match kind {
            RuleKind::Deny => Severity::Medium,
            RuleKind::Warn => Severity::Low,
        }
    }
}

/// A rule: `[annotations] deny name { clauses message e [at p] }`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDef {
    /// Name, package, span and docs (the docs are the rule's description).
    pub info: DefInfo,
    /// `deny` or `warn`.
    pub kind: RuleKind,
    /// `@id("...")`, if given.
    pub id: Option<String>,
    /// `@severity("...")`; without it, `medium` for a `deny` rule and `low` for a `warn`
    /// rule (see [`Severity::default_for`]): a violation should never rank below a
    /// warning by default.
    pub severity: Severity,
    /// `@tags(...)`, in the order written (empty without the annotation).
    pub tags: Vec<String>,
    /// `@url("...")`, if given.
    pub url: Option<String>,
    /// The locals bound by the clauses and inside their expressions.
    pub body: Body,
    /// The clauses before `message`, in order.
    pub clauses: Vec<Clause>,
    /// The `message` expression; every local of `clauses` is in scope.
    pub message: Expr,
    /// The `at` expression, if given.
    pub at: Option<Expr>,
}

/// `type Name = T`
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Name, package, span and docs.
    pub info: DefInfo,
    /// The definition.
    pub ty: Type,
    /// `@kind("...")`: the kind of input document the type describes. A package whose
    /// `input:` type has a kind applies to documents of that kind only.
    pub kind: Option<String>,
}

/// A resolved type (LANGUAGE.md §6).
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `any` (also the placeholder for a type that could not be resolved).
    Any,
    /// `null`
    Null,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `number`: int or float.
    Number,
    /// `string`
    String,
    /// `[T]`
    List(Box<Type>),
    /// `set<T>`
    Set(Box<Type>),
    /// `map<T>`: string keys, values of type `T`.
    Map(Box<Type>),
    /// `{name: T, opt?: T}`
    Record(Vec<FieldTy>),
    /// `T | U | ...`
    Union(Vec<Type>),
    /// A named type, of this package or another.
    Named(TypeId),
}

/// A field of a record type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldTy {
    /// The key.
    pub name: String,
    /// `name?: T`: the field may be missing (it then reads as `null`).
    pub optional: bool,
    /// The field's type.
    pub ty: Type,
}

/// A test block: `test "name" { input ...  expect ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct TestDef {
    /// The name as written.
    pub name: String,
    /// The package of the file the test is in; its rules and lets are the targets.
    pub package: PackageId,
    /// The input document.
    pub input: TestInput,
    /// The reference data (`data = ...` or `data from "file"`); without it, `data` is
    /// an empty object.
    pub data: Option<TestInput>,
    /// The expectations, in order.
    pub expects: Vec<Expect>,
    /// `option name = value`: the options set for this test (`@option` lets of the
    /// package), with their values, in order.
    pub options: Vec<(LetId, TestValue)>,
    /// The whole test block (its file is the file the test is in).
    pub span: Span,
    /// Where the name is written.
    pub name_span: Span,
}

/// Where a test's input document comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum TestInput {
    /// `input = value`: a literal value (literals, lists, sets, objects and f-strings of
    /// literals only), lowered to a constant. A test without a valid input has
    /// [`TestValue::NotJson`] here (the checker reported it).
    Inline(TestValue),
    /// `input from "path"`: a file, relative to the file the test is in.
    File {
        /// The path as written.
        path: String,
        /// Where the path literal is.
        span: Span,
    },
}

/// A literal value written in a test (an inline input, an option's value, the expected
/// value of a let), lowered once by the checker to the constant it stands for, so that
/// nothing evaluates it again: sets become sorted, deduplicated lists (in the order of
/// their JSON text), f-strings their text, negated numbers negative numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum TestValue {
    /// The value, as JSON.
    Json(serde_json::Value),
    /// A literal with no JSON value: an object key that is not a string, or a literal
    /// the checker rejected (E0029, reported).
    NotJson,
}

impl TestValue {
    /// The value as JSON; `None` for [`TestValue::NotJson`].
    pub fn json(&self) -> Option<&serde_json::Value> {
        match self {
            TestValue::Json(json) => Some(json),
            TestValue::NotJson => None,
        }
    }
}

/// One `expect` statement of a test.
///
/// On a rule: `expect r` means it fires at least once, `expect r == N` exactly `N`
/// times, `expect not r` never; `at "path"` narrows each to the findings at that input
/// path. On a let: `expect l == value` compares its value structurally.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// The rule or let it is about.
    pub target: ExpectTarget,
    /// `expect not rule`: the rule must not fire (at `at`, when given). Only on rules.
    pub negated: bool,
    /// `expect rule == N`: the rule fires exactly `N` times. Only on rules.
    pub count: Option<u64>,
    /// `expect let == value`: the let's value (a literal, as for inline inputs). Always
    /// present for a let, never for a rule.
    pub equals: Option<TestValue>,
    /// `expect rule at "path"`: the rule has a finding at this input path. Only on rules.
    pub at: Option<String>,
    /// The whole statement.
    pub span: Span,
}

/// What an expectation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExpectTarget {
    /// A rule of the test's package.
    Rule(RuleId),
    /// A let of the test's package.
    Let(LetId),
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

impl Expr {
    /// A new expression.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// The placeholder for a subtree that had an error.
    pub fn error(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }

    /// Calls `f` on each direct subexpression, left to right, those of a
    /// comprehension's clauses included (each clause's collection, condition or value,
    /// in order, after the element). For passes that look for something anywhere in a
    /// tree: they handle the nodes they care about and recurse through this.
    pub fn for_each_child<'e>(&'e self, mut f: impl FnMut(&'e Expr)) {
        match &self.kind {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Local(_)
            | ExprKind::Let(_)
            | ExprKind::Input
            | ExprKind::Data
            | ExprKind::Error => {}
            ExprKind::FString(parts) => {
                for part in parts {
                    if let FStringPart::Expr(x) = part {
                        f(x);
                    }
                }
            }
            ExprKind::Field { recv, .. } | ExprKind::Unary { expr: recv, .. } => f(recv),
            ExprKind::Index { recv, index } => {
                f(recv);
                f(index);
            }
            ExprKind::Call { args, .. } | ExprKind::List(args) | ExprKind::Set(args) => {
                args.iter().for_each(f);
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            ExprKind::If { cond, then, els } => {
                f(cond);
                f(then);
                f(els);
            }
            ExprKind::Quantified { iter, cond, .. } => {
                f(iter);
                f(cond);
            }
            ExprKind::Object(pairs) => {
                for (k, v) in pairs {
                    f(k);
                    f(v);
                }
            }
            ExprKind::ListComp { elem, clauses } | ExprKind::SetComp { elem, clauses } => {
                f(elem);
                clauses.iter().for_each(|c| f(c.expr()));
            }
            ExprKind::ObjectComp {
                key,
                value,
                clauses,
            } => {
                f(key);
                f(value);
                clauses.iter().for_each(|c| f(c.expr()));
            }
        }
    }
}

/// A part of an f-string.
#[derive(Debug, Clone, PartialEq)]
pub enum FStringPart {
    /// Literal text.
    Text(String),
    /// An interpolated value.
    Expr(Expr),
}

/// The function a call calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Callee {
    /// A builtin (LANGUAGE.md §8).
    Builtin(Builtin),
    /// A user function, of this package or an imported one.
    User(FnId),
}

/// A clause of a rule body or a comprehension; they run like nested loops.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `for value in iter`, `for key, value in iter`
    For {
        /// The index (of a list) or key (of an object), if bound.
        key: Option<LocalId>,
        /// The element or value.
        value: LocalId,
        /// The collection.
        iter: Expr,
    },
    /// `if cond`: go on only when it is `true`.
    If(Expr),
    /// `let local = value`
    Let {
        /// The bound local.
        local: LocalId,
        /// Its value.
        value: Expr,
    },
}

impl Clause {
    /// The clause's expression: a `for`'s collection, an `if`'s condition, a `let`'s
    /// value.
    pub fn expr(&self) -> &Expr {
        match self {
            Clause::For { iter, .. } => iter,
            Clause::If(cond) => cond,
            Clause::Let { value, .. } => value,
        }
    }
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `null`
    Null,
    /// `true`, `false`
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Str(String),
    /// `f"... {e} ..."`
    FString(Vec<FStringPart>),
    /// A local of the enclosing body.
    Local(LocalId),
    /// A top-level let (of this package or, through `alias.name`, another).
    Let(LetId),
    /// `input`
    Input,
    /// `data`: the reference data (a name that no local or let of the package takes).
    Data,
    /// `recv.name`
    Field {
        /// The value read from.
        recv: Box<Expr>,
        /// The field name.
        name: String,
    },
    /// `recv[index]`
    Index {
        /// The value read from.
        recv: Box<Expr>,
        /// The key or position.
        index: Box<Expr>,
    },
    /// A call; `x.f(a)` is lowered to `f(x, a)`.
    Call {
        /// What is called.
        callee: Callee,
        /// The arguments, the receiver of a method call first.
        args: Vec<Expr>,
    },
    /// `-x`, `not x`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `if cond then then else els`
    If {
        /// The condition.
        cond: Box<Expr>,
        /// Value when the condition is `true`.
        then: Box<Expr>,
        /// Value otherwise.
        els: Box<Expr>,
    },
    /// `any value in iter: cond`, `all key, value in iter: cond`
    Quantified {
        /// `any` or `all`.
        quantifier: Quantifier,
        /// The index or key, if bound.
        key: Option<LocalId>,
        /// The element or value.
        value: LocalId,
        /// The collection (evaluated outside the quantifier's scope).
        iter: Box<Expr>,
        /// The condition, with `key` and `value` in scope.
        cond: Box<Expr>,
    },
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{a, b}`, `set()`
    Set(Vec<Expr>),
    /// `{k: v, ...}`
    Object(Vec<(Expr, Expr)>),
    /// `[elem clauses]`
    ListComp {
        /// The element, with every clause local in scope.
        elem: Box<Expr>,
        /// The clauses, in order.
        clauses: Vec<Clause>,
    },
    /// `{elem clauses}`
    SetComp {
        /// The element, with every clause local in scope.
        elem: Box<Expr>,
        /// The clauses, in order.
        clauses: Vec<Clause>,
    },
    /// `{key: value clauses}`
    ObjectComp {
        /// The key, with every clause local in scope.
        key: Box<Expr>,
        /// The value, with every clause local in scope.
        value: Box<Expr>,
        /// The clauses, in order.
        clauses: Vec<Clause>,
    },
    /// A subtree with an error (already reported). Never present in a program
    /// without error diagnostics.
    Error,
}
