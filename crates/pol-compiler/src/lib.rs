//! Compiles a checked pol program (the HIR of `pol-check`) to bytecode.
//!
//! Every let, function and rule becomes a chunk. Locals live in fixed registers (their
//! `LocalId`), temporaries above them. Rule clauses become nested loops whose bodies
//! are registered as runtime-error handlers, so that an error drops one path and the
//! rule goes on with the next iteration (docs/evaluation.md).

mod builder;
mod demand;
mod expr;
mod fold;
mod fuse;
mod hoist;
mod index;
mod opt;
mod purity;
mod rules;
mod tables;
mod typed;

use builder::ChunkBuilder;
pub use builder::LimitError;
use pol_bytecode::{FunctionInfo, LetInfo, Pos, Program, RuleGroup, RuleInfo, RuleKind};
use pol_check::hir;
use pol_diagnostics::{SourceMap, Span};
use tables::Tables;

/// Compiles a program that checked without errors.
///
/// Fails only when the program exceeds a limit of the bytecode format (65,535
/// registers in one body, 65,535 distinct field names, ...).
pub fn compile(program: &hir::Program, sources: &SourceMap) -> Result<Program, LimitError> {
    compile_with(program, sources, &Options::default())
}

/// How to compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Run the optimizer passes (`-O0` turns them off). Rule indexing, constant
    /// literals and constant lets are part of code generation and always on.
    pub optimize: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { optimize: true }
    }
}

/// Compiles with the given options.
pub fn compile_with(
    program: &hir::Program,
    sources: &SourceMap,
    options: &Options,
) -> Result<Program, LimitError> {
    let mut compiler = Compiler {
        optimize: options.optimize,
        inlined: Vec::new(),
        rule_locals: None,
        reads: Vec::new(),
        hir: program,
        sources,
        tables: Tables::default(),
        chunks: Vec::new(),
        folded_lets: std::cell::RefCell::default(),
    };
    let mut out = Program::default();
    let mut input_use = purity::InputUse::new(program);
    for (i, def) in program.lets.iter().enumerate() {
        let chunk = compiler.let_chunk(def)?;
        let constant = !input_use.let_reads(hir::LetId(u32::try_from(i).unwrap_or(u32::MAX)));
        out.lets.push(LetInfo {
            name: def.info.qualified.clone(),
            chunk,
            constant,
            option: def.option.then(|| option_kind(&def.value)),
        });
    }
    if program.fns.len() > usize::from(u16::MAX) {
        return Err(LimitError::Functions);
    }
    for def in &program.fns {
        let chunk = compiler.fn_chunk(def)?;
        out.functions.push(FunctionInfo {
            name: def.info.qualified.clone(),
            chunk,
        });
    }
    for (index, rule) in program.rules.iter().enumerate() {
        let pos = compiler.pos(rule.info.name_span);
        let chunk = compiler.rule_chunk(rule, index)?;
        out.rules.push(RuleInfo {
            name: rule.info.qualified.clone(),
            id: rule.id.clone(),
            severity: rule.severity.as_str().to_owned(),
            kind: match rule.kind {
                hir::RuleKind::Deny => RuleKind::Deny,
                hir::RuleKind::Warn => RuleKind::Warn,
            },
            chunk,
            pos,
            guard: index::guard(rule, &mut compiler.tables),
            input_kinds: input_kinds(program, rule.info.package),
            doc_kinds: program
                .package(rule.info.package)
                .and_then(|p| p.input_kinds.clone())
                .unwrap_or_default(),
            tags: rule.tags.clone(),
            url: rule.url.clone(),
            docs: rule.info.docs.clone(),
        });
    }
    if options.optimize {
        let fusable: Vec<Option<String>> = out
            .rules
            .iter()
            .map(|r| r.guard.is_none().then(|| r.doc_kinds.join(",")))
            .collect();
        for members in fuse::plan(&program.rules, &fusable) {
            let chunk = compiler.group_chunk(&members)?;
            out.groups.push(RuleGroup {
                chunk,
                rules: members
                    .iter()
                    .map(|m| u32::try_from(m.index).unwrap_or(u32::MAX))
                    .collect(),
            });
        }
    }
    let Compiler {
        tables, mut chunks, ..
    } = compiler;
    tables.finish(&mut out)?;
    if options.optimize {
        chunks.iter_mut().for_each(opt::optimize);
    }
    out.chunks = chunks;
    out.demand = demand::demand(program);
    Ok(out)
}

/// The kind bit of an option's default (a literal: the checker made sure).
fn option_kind(value: &hir::Expr) -> u8 {
    match value.kind {
        hir::ExprKind::Bool(_) => 1,
        hir::ExprKind::Int(_) => 2,
        hir::ExprKind::Str(_) => 4,
        hir::ExprKind::Set(_) => 6,
        _ => 5,
    }
}

/// The kinds a document's root may have for the rules of `package`, from its
/// `input: T` (a bit set of `KIND_NAMES`; 0 for any kind, or no declaration).
fn input_kinds(program: &hir::Program, package: hir::PackageId) -> u8 {
    program
        .packages
        .get(package.index())
        .and_then(|p| p.input_type.as_ref())
        .map_or(0, |ty| top_kinds(program, ty, 0))
}

/// The kind bits of a type's values (0 for `any`, which every kind satisfies).
fn top_kinds(program: &hir::Program, ty: &hir::Type, depth: usize) -> u8 {
    use hir::Type;
    // Bits in the order of `pol_bytecode::KIND_NAMES`: null bool int float string
    // list set object. An int is a float's value too (`1` in a float field).
    match ty {
        Type::Any => 0,
        Type::Null => 1,
        Type::Bool => 1 << 1,
        Type::Int => 1 << 2,
        Type::Float | Type::Number => 1 << 2 | 1 << 3,
        Type::String => 1 << 4,
        Type::List(_) => 1 << 5,
        Type::Set(_) => 1 << 6,
        Type::Map(_) | Type::Record(_) => 1 << 7,
        Type::Union(members) => {
            let mut bits = 0;
            for member in members {
                match top_kinds(program, member, depth + 1) {
                    0 => return 0,
                    b => bits |= b,
                }
            }
            bits
        }
        // Named types may refer to each other: past a few steps, any kind.
        Type::Named(id) if depth < 16 => program
            .type_def(*id)
            .map_or(0, |def| top_kinds(program, &def.ty, depth + 1)),
        Type::Named(_) => 0,
    }
}

/// State shared by the chunks of one program.
struct Compiler<'a> {
    /// Optimizations that change the code's shape (hoisting) are on.
    optimize: bool,
    /// While compiling the body of an inlined function: the registers of its locals.
    inlined: Vec<Vec<pol_bytecode::Reg>>,
    /// While compiling a rule into a group chunk (fuse.rs): the registers of its
    /// locals, which are not the first registers of the chunk there.
    rule_locals: Option<Vec<pol_bytecode::Reg>>,
    /// Field reads a group chunk made once for all its rules at the top of a shared
    /// loop (fuse.rs): (object register, field, register holding the value).
    reads: Vec<(pol_bytecode::Reg, pol_bytecode::SymId, pol_bytecode::Reg)>,
    hir: &'a hir::Program,
    sources: &'a SourceMap,
    tables: Tables,
    chunks: Vec<pol_bytecode::Chunk>,
    /// What each top-level let folds to, once known (fold.rs): a let read twice by
    /// another is folded once, so folding is linear in the program.
    folded_lets: std::cell::RefCell<std::collections::HashMap<hir::LetId, Option<fold::Known>>>,
}

impl Compiler<'_> {
    /// The register of a local of the body being compiled.
    fn local(&self, b: &mut ChunkBuilder, id: hir::LocalId) -> pol_bytecode::Reg {
        match self.inlined.last().or(self.rule_locals.as_ref()) {
            Some(regs) => regs
                .get(id.index())
                .copied()
                .unwrap_or_else(|| b.local(id.index())),
            None => b.local(id.index()),
        }
    }

    /// The bytecode position of a span (1-based line and column).
    fn pos(&mut self, span: Span) -> Pos {
        let Some(file) = self.sources.get(span.file) else {
            return Pos::default();
        };
        let lc = file.line_col(span.start);
        let file = self.tables.file(&file.name);
        Pos {
            file,
            line: lc.line,
            column: lc.column,
        }
    }

    fn add_chunk(&mut self, chunk: pol_bytecode::Chunk) -> u32 {
        self.chunks.push(chunk);
        u32::try_from(self.chunks.len() - 1).unwrap_or(u32::MAX)
    }

    fn let_chunk(&mut self, def: &hir::LetDef) -> Result<u32, LimitError> {
        let mut b = ChunkBuilder::new(
            format!("let {}", def.info.qualified),
            def.body.locals.len(),
            0,
        );
        b.pos = self.pos(def.value.span);
        let result = b.temp();
        self.expr_into(&mut b, &def.value, result);
        b.emit(pol_bytecode::Instr::Return { src: result });
        let chunk = b.finish()?;
        Ok(self.add_chunk(chunk))
    }

    fn fn_chunk(&mut self, def: &hir::FnDef) -> Result<u32, LimitError> {
        let mut b = ChunkBuilder::new(
            format!("fn {}", def.info.qualified),
            def.body.locals.len(),
            def.params.len(),
        );
        b.pos = self.pos(def.value.span);
        let result = b.temp();
        self.expr_into(&mut b, &def.value, result);
        b.emit(pol_bytecode::Instr::Return { src: result });
        let chunk = b.finish()?;
        Ok(self.add_chunk(chunk))
    }
}
