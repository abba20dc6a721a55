//! The syntax tree of one `.pol` file, as the parser builds it. Every node has a span.
//!
//! The tree accepts a little more than the language (any clause order in a rule, any
//! expression as an annotation argument, `Error` placeholders after syntax errors); the
//! checks that reject the rest live in `pol-check`, where they can explain themselves.

use pol_diagnostics::{FileId, Span};

/// An identifier with its position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    /// The identifier's text.
    pub text: String,
    /// Where it is.
    pub span: Span,
}

/// A dotted name: `ci.github`, `github.Workflow`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    /// The parts, at least one.
    pub segments: Vec<Name>,
    /// From the first to the last part.
    pub span: Span,
}

impl Path {
    /// The parts joined by `.`.
    pub fn dotted(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|n| n.text.as_str()).collect();
        parts.join(".")
    }
}

/// A parsed `.pol` file: its items in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// Which file of the source map this is.
    pub file: FileId,
    /// Every item, including `package` declarations (the checker verifies there is
    /// exactly one and that it comes first).
    pub items: Vec<Item>,
}

/// A top-level item with its doc comment and annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `///` lines directly before the item, joined by newlines (`None` if there are none).
    pub docs: Option<String>,
    /// `@name(...)` annotations (valid on rules only).
    pub annotations: Vec<Annotation>,
    /// What the item is.
    pub kind: ItemKind,
    /// From the first annotation (or keyword) to the end of the item.
    pub span: Span,
}

/// The kinds of top-level item (LANGUAGE.md §3).
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// `package a.b.c`
    Package(Path),
    /// `import a.b [as c]`
    Import {
        /// The imported package.
        path: Path,
        /// The `as` name, if given.
        alias: Option<Name>,
    },
    /// `input: Type`
    InputType(TypeExpr),
    /// `data: Type`: the type of the reference data (`data` is a name, not a keyword).
    DataType(TypeExpr),
    /// `type Name = Type`
    Type {
        /// The declared name.
        name: Name,
        /// Its definition.
        ty: TypeExpr,
    },
    /// `let name = expr`
    Let {
        /// The declared name.
        name: Name,
        /// Its value.
        value: Expr,
    },
    /// `fn name(params) [-> T] = expr`
    Fn(FnDecl),
    /// `deny name { ... }` or `warn name { ... }`
    Rule(Rule),
    /// `test "name" { ... }`
    Test(Test),
    /// An item the parser could not make sense of; a diagnostic was reported.
    Error,
}

/// A user function.
#[derive(Debug, Clone, PartialEq)]
pub struct FnDecl {
    /// The function's name.
    pub name: Name,
    /// Its parameters.
    pub params: Vec<Param>,
    /// Declared result type, if any.
    pub ret: Option<TypeExpr>,
    /// The body.
    pub body: Expr,
}

/// A function parameter: `p` or `p: T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The parameter's name.
    pub name: Name,
    /// Its declared type, if any.
    pub ty: Option<TypeExpr>,
}

/// `deny` or `warn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// A violation: makes the decision not allowed.
    Deny,
    /// A warning: reported, but the decision stays allowed.
    Warn,
}

/// A rule: `deny name { clauses }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Deny or warn.
    pub kind: RuleKind,
    /// The rule's name.
    pub name: Name,
    /// The clauses in source order (the `message` clause should be the last).
    pub clauses: Vec<Clause>,
}

/// An annotation: `@severity("high")`.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// The name after `@`.
    pub name: Name,
    /// The arguments (the checker requires literals).
    pub args: Vec<Expr>,
    /// The whole annotation.
    pub span: Span,
}

/// A clause of a rule body or a comprehension (LANGUAGE.md §5).
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// What the clause does.
    pub kind: ClauseKind,
    /// The whole clause.
    pub span: Span,
}

/// The kinds of clause.
#[derive(Debug, Clone, PartialEq)]
pub enum ClauseKind {
    /// `for x in e` or `for k, v in e`
    For {
        /// The index or key (`k` in `for k, v in e`), if given.
        key: Option<Name>,
        /// The element or value.
        value: Name,
        /// The collection.
        iter: Expr,
    },
    /// `if e`
    If(Expr),
    /// `let x = e`
    Let {
        /// The bound name.
        name: Name,
        /// Its value.
        value: Expr,
    },
    /// `message e [at p]`
    Message {
        /// The message (a string).
        message: Expr,
        /// The input value the finding is about.
        at: Option<Expr>,
    },
    /// A clause the parser could not make sense of; a diagnostic was reported.
    Error,
}

/// A test block: `test "name" { statements }` (see `docs/testing.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    /// The test's name.
    pub name: String,
    /// Where the name is.
    pub name_span: Span,
    /// The statements in order.
    pub stmts: Vec<TestStmt>,
}

/// A statement of a test block.
#[derive(Debug, Clone, PartialEq)]
pub struct TestStmt {
    /// What the statement says.
    pub kind: TestStmtKind,
    /// The whole statement.
    pub span: Span,
}

/// The kinds of test statement.
#[derive(Debug, Clone, PartialEq)]
pub enum TestStmtKind {
    /// `input = expr`: the input document, inline.
    Input(Expr),
    /// `input from "file.yml"`: the input document, read from a file relative to the
    /// policy file.
    InputFile {
        /// The path as written.
        path: String,
        /// Where the path literal is.
        path_span: Span,
    },
    /// `data = expr`: the reference data, inline.
    Data(Expr),
    /// `data from "file.json"`: the reference data, read from a file relative to the
    /// policy file.
    DataFile {
        /// The path as written.
        path: String,
        /// Where the path literal is.
        path_span: Span,
    },
    /// `expect [not] name [== expr] [at "path"]`.
    Expect(Expectation),
    /// `option name = expr`: the value of an `@option` let for this test.
    Option {
        /// The option.
        name: Name,
        /// Its value (a literal).
        value: Expr,
    },
    /// A statement that starts with a word other than `input` or `expect`; the checker
    /// reports it.
    Unknown(Name),
}

/// One expectation of a test: see `docs/testing.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// `expect not name`: the rule must not fire.
    pub negated: bool,
    /// The rule or let the expectation is about.
    pub target: Name,
    /// `== expr`: for a rule, its number of findings; for a let, its value.
    pub equals: Option<Expr>,
    /// `at "path"`: the rule fires with a finding at this input path.
    pub at: Option<(String, Span)>,
}

/// A type expression (LANGUAGE.md §6).
#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    /// What type.
    pub kind: TypeKind,
    /// Where it is written.
    pub span: Span,
}

/// The kinds of type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// `any`
    Any,
    /// `null`
    Null,
    /// A name: `int`, `string`, `Step`, `github.Workflow`.
    Named(Path),
    /// `[T]`
    List(Box<TypeExpr>),
    /// `name<T, ...>`: `set<T>`, `map<T>`.
    Generic {
        /// `set` or `map` (others are reported by the checker).
        name: Name,
        /// The type arguments.
        args: Vec<TypeExpr>,
    },
    /// `{name: T, opt?: T, "runs-on"?: T}`
    Record(Vec<FieldType>),
    /// `T | U | ...` (at least two members).
    Union(Vec<TypeExpr>),
}

/// A field of a record type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldType {
    /// The key.
    pub name: String,
    /// Where the key is written.
    pub name_span: Span,
    /// `?` after the name.
    pub optional: bool,
    /// The field's type.
    pub ty: TypeExpr,
}

/// An expression with its span. Build one with [`Expr::new`], which keeps `depth`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
    /// Nesting depth: 1 for a leaf, else one more than the deepest child. The parser
    /// refuses trees deeper than [`MAX_DEPTH`], so recursive passes cannot overflow.
    pub depth: u32,
}

/// The deepest expression tree the parser accepts.
pub const MAX_DEPTH: u32 = 256;

/// A part of an f-string.
#[derive(Debug, Clone, PartialEq)]
pub enum FStringPart {
    /// Literal text (with `{{`/`}}` and escapes already resolved).
    Text(String),
    /// An interpolated `{expr}`.
    Expr(Expr),
}

/// `any` or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// True when the condition holds for some element.
    Any,
    /// True when the condition holds for every element.
    All,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// Binary operators, lowest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
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
    /// `??`
    Coalesce,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

impl BinaryOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Coalesce => "??",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }
}

/// The kinds of expression (LANGUAGE.md §4).
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `null`
    Null,
    /// `true`, `false`
    Bool(bool),
    /// An integer literal (a leading `-` is folded in, so `i64::MIN` is representable).
    Int(i64),
    /// An integer literal above `i64::MAX` that is not negated into range; the checker
    /// reports it.
    IntOutOfRange(u64),
    /// A float literal.
    Float(f64),
    /// A plain or raw string literal (escapes resolved).
    Str(String),
    /// `f"... {expr} ..."`
    FString(Vec<FStringPart>),
    /// A name: a local, a let, or an imported package.
    Name(Name),
    /// `input`
    Input,
    /// `x.field`
    Field {
        /// The value read from.
        recv: Box<Expr>,
        /// The field (any identifier or keyword).
        name: Name,
    },
    /// `x[index]`
    Index {
        /// The value read from.
        recv: Box<Expr>,
        /// The key or position.
        index: Box<Expr>,
    },
    /// `f(args)`
    Call {
        /// The function's name.
        func: Name,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `x.f(args)`, which means `f(x, args)`; `pkg.f(args)` calls `f` of an imported package.
    MethodCall {
        /// The receiver (first argument).
        recv: Box<Expr>,
        /// The function's name.
        method: Name,
        /// The other arguments.
        args: Vec<Expr>,
    },
    /// `-x`, `not x`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// `a op b`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `if c then a else b`
    If {
        /// The condition.
        cond: Box<Expr>,
        /// Value when the condition is true.
        then: Box<Expr>,
        /// Value otherwise (false or null).
        els: Box<Expr>,
    },
    /// `any x in xs: cond`, `all k, v in m: cond`
    Quantified {
        /// `any` or `all`.
        quantifier: Quantifier,
        /// The index or key, if given.
        key: Option<Name>,
        /// The element or value.
        value: Name,
        /// The collection.
        iter: Box<Expr>,
        /// The condition.
        cond: Box<Expr>,
    },
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{a, b}`, `set()`
    Set(Vec<Expr>),
    /// `{"k": v, key_expr: v}`, `{}`
    Object(Vec<(Expr, Expr)>),
    /// `[e for x in xs if c]`
    ListComp {
        /// The element produced for each path.
        elem: Box<Expr>,
        /// The clauses, starting with a `for`.
        clauses: Vec<Clause>,
    },
    /// `{e for x in xs}`
    SetComp {
        /// The element produced for each path.
        elem: Box<Expr>,
        /// The clauses, starting with a `for`.
        clauses: Vec<Clause>,
    },
    /// `{k: v for k, v in m if c}`
    ObjectComp {
        /// The key produced for each path.
        key: Box<Expr>,
        /// The value produced for each path.
        value: Box<Expr>,
        /// The clauses, starting with a `for`.
        clauses: Vec<Clause>,
    },
    /// An expression the parser could not make sense of; a diagnostic was reported.
    Error,
}

impl Expr {
    /// A new expression; its depth is computed from its direct children.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let depth = 1 + kind.child_depth();
        Expr { kind, span, depth }
    }
}

fn clauses_depth(clauses: &[Clause]) -> u32 {
    clauses.iter().map(Clause::depth).max().unwrap_or(0)
}

impl Clause {
    /// The depth of the deepest expression in the clause.
    pub fn depth(&self) -> u32 {
        match &self.kind {
            ClauseKind::For { iter, .. } => iter.depth,
            ClauseKind::If(e) | ClauseKind::Let { value: e, .. } => e.depth,
            ClauseKind::Message { message, at } => {
                message.depth.max(at.as_ref().map_or(0, |a| a.depth))
            }
            ClauseKind::Error => 0,
        }
    }
}

impl ExprKind {
    /// The depth of the deepest direct child (0 for a leaf).
    fn child_depth(&self) -> u32 {
        let max = |es: &[Expr]| es.iter().map(|e| e.depth).max().unwrap_or(0);
        match self {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::IntOutOfRange(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Name(_)
            | ExprKind::Input
            | ExprKind::Error => 0,
            ExprKind::FString(parts) => parts
                .iter()
                .map(|p| match p {
                    FStringPart::Text(_) => 0,
                    FStringPart::Expr(e) => e.depth,
                })
                .max()
                .unwrap_or(0),
            ExprKind::Field { recv, .. } => recv.depth,
            ExprKind::Index { recv, index } => recv.depth.max(index.depth),
            ExprKind::Call { args, .. } => max(args),
            ExprKind::MethodCall { recv, args, .. } => recv.depth.max(max(args)),
            ExprKind::Unary { expr, .. } => expr.depth,
            ExprKind::Binary { lhs, rhs, .. } => lhs.depth.max(rhs.depth),
            ExprKind::If { cond, then, els } => cond.depth.max(then.depth).max(els.depth),
            ExprKind::Quantified { iter, cond, .. } => iter.depth.max(cond.depth),
            ExprKind::List(es) | ExprKind::Set(es) => max(es),
            ExprKind::Object(pairs) => pairs
                .iter()
                .map(|(k, v)| k.depth.max(v.depth))
                .max()
                .unwrap_or(0),
            ExprKind::ListComp { elem, clauses } | ExprKind::SetComp { elem, clauses } => {
                elem.depth.max(clauses_depth(clauses))
            }
            ExprKind::ObjectComp {
                key,
                value,
                clauses,
            } => key.depth.max(value.depth).max(clauses_depth(clauses)),
        }
    }
}
