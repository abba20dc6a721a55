//! The type checker (LANGUAGE.md §6): gradual types over the resolved program.
//!
//! `any` flows everywhere and is checked at run time; everything with a known type is
//! checked here. Types are inferred for lets, locals, comprehension and loop variables,
//! and for function results *at each call*, from the types of the arguments, so that a
//! value does not lose its type by being bound to a name or passed to a function.
//!
//! An operation is an error when some non-null combination of its operands' possible
//! kinds would fail at run time (`x + 1` with `x: int | string`): a program that checks
//! raises no runtime type error on a document that conforms to its `input` type.

mod expr;
mod narrow;
mod rules;
mod show;
mod sigs;
#[cfg(test)]
mod tests;
mod ty;
mod unused;

use crate::hir::{self, FnId, LetId, LocalId, Program};
use pol_diagnostics::Diagnostic;
use ty::{Ty, Types};

/// An inferred type, and whether the value comes from the input document (so that a
/// finding can point at it with `at`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Typed {
    pub ty: Ty,
    /// Certainly computed by the policy (a literal, an operator's or a builtin's
    /// result), so not a value of the input document that `at` could point at. Reads
    /// (`x.f`, `x[i]`) and loop variables may be input values, so they are not.
    pub computed: bool,
    /// A condition whose value is known when checking (`true`, a comparison that can
    /// never hold).
    pub constant: Option<bool>,
}

impl Typed {
    fn of(ty: Ty) -> Typed {
        Typed {
            ty,
            computed: true,
            constant: None,
        }
    }

    fn any() -> Typed {
        Typed {
            ty: Ty::Any,
            computed: false,
            constant: None,
        }
    }
}

/// The types of a body's locals while checking it, and the narrowed types of paths
/// in the code a condition guards.
pub(crate) struct Env {
    locals: Vec<Option<Typed>>,
    facts: narrow::Facts,
}

impl Env {
    fn new(len: usize) -> Env {
        Env {
            locals: vec![None; len],
            facts: narrow::Facts::default(),
        }
    }

    fn get(&self, id: LocalId) -> Typed {
        self.locals
            .get(id.index())
            .cloned()
            .flatten()
            .unwrap_or_else(Typed::any)
    }

    fn set(&mut self, id: LocalId, t: Typed) {
        if let Some(slot) = self.locals.get_mut(id.index()) {
            *slot = Some(t);
        }
    }
}

/// The type checker's state for one program.
pub(crate) struct Checker<'p> {
    program: &'p Program,
    types: Types<'p>,
    diags: Vec<Diagnostic>,
    lets: Vec<Option<Typed>>,
    /// Function results already inferred, by argument types.
    calls: Vec<(FnId, Vec<Typed>, Typed)>,
    /// While inferring a function for a call, errors go here first (see `call_user`).
    buffer: Option<Vec<Diagnostic>>,
    /// Errors of function bodies checked on their own (not repeated at calls).
    own: Vec<Diagnostic>,
    /// The package of the body being checked (whose `input` type applies).
    package: hir::PackageId,
    /// When proving kinds for the compiler (`sound_kinds`): what each expression may
    /// be. Declared types (`input`, parameters) are then taken as `any`.
    record: Option<hir::KindTable>,
    /// How many `infer` calls are under way (see `NESTING_LIMIT`).
    depth: usize,
}

/// How deeply inference may nest — expressions, and the lets and function bodies
/// inferred where they are used — before a let or a call not inferred yet is taken as
/// `any` (checked at run time). A chain of lets each using the next one, or of
/// functions each calling the next, would otherwise recurse once per link and
/// overflow the stack. A let cut off so is inferred on its own later. Expressions
/// themselves nest at most `ast::MAX_DEPTH` deep, so inference nests at most about
/// twice this.
const NESTING_LIMIT: usize = 256;

/// Checks the types of a program; returns the diagnostics (errors and warnings).
/// `resolved`: the program resolved without errors. When it did not, the names that
/// failed are `Error` expressions (typed `any`), and unused variables are not
/// reported: a variable's reader may be the clause or name that failed.
pub(crate) fn check(program: &Program, resolved: bool) -> Vec<Diagnostic> {
    let c = Checker::new(program, None).run();
    let mut diags = c.diags;
    if resolved {
        diags.extend(unused::check(program));
    }
    diags
}

/// The kinds each expression of a program that checked without errors has on every
/// document, whatever its declared types say (see [`hir::KindTable`]).
pub(crate) fn sound_kinds(program: &Program) -> hir::KindTable {
    Checker::new(program, Some(hir::KindTable::default()))
        .run()
        .record
        .unwrap_or_default()
}

impl<'p> Checker<'p> {
    fn new(program: &'p Program, record: Option<hir::KindTable>) -> Checker<'p> {
        Checker {
            program,
            types: Types { program },
            diags: Vec::new(),
            lets: vec![None; program.lets.len()],
            calls: Vec::new(),
            buffer: None,
            own: Vec::new(),
            package: hir::PackageId(0),
            record,
            depth: 0,
        }
    }

    /// Infers every function on its own, every let and every rule.
    fn run(mut self) -> Self {
        let program = self.program;
        for def in &program.fns {
            self.fn_on_its_own(def);
        }
        self.own = self.diags.clone();
        for i in 0..program.lets.len() {
            self.let_type(LetId(u32::try_from(i).unwrap_or(u32::MAX)));
        }
        for rule in &program.rules {
            self.rule(rule);
        }
        self
    }
}

impl Checker<'_> {
    fn report(&mut self, d: Diagnostic) {
        match &mut self.buffer {
            Some(buffer) => buffer.push(d),
            None => self.diags.push(d),
        }
    }

    /// The type of a top-level let, inferred once.
    fn let_type(&mut self, id: LetId) -> Typed {
        if let Some(Some(t)) = self.lets.get(id.index()) {
            return t.clone();
        }
        let program = self.program;
        let Some(def) = program.let_def(id) else {
            return Typed::any();
        };
        let outer = std::mem::replace(&mut self.package, def.info.package);
        if self.depth > NESTING_LIMIT {
            return Typed::any();
        }
        // A placeholder guards against cycles (reported elsewhere).
        if let Some(slot) = self.lets.get_mut(id.index()) {
            *slot = Some(Typed::any());
        }
        let mut env = Env::new(def.body.locals.len());
        let mut t = self.infer(&mut env, &def.value);
        self.package = outer;
        t.constant = None;
        if def.option {
            // A user may replace the default: nothing is known of the value.
            t = Typed::any();
        }
        if let Some(slot) = self.lets.get_mut(id.index()) {
            *slot = Some(t.clone());
        }
        t
    }

    /// Checks a function body with its declared parameter types (`any` when
    /// undeclared), and its declared result type.
    fn fn_on_its_own(&mut self, def: &hir::FnDef) {
        self.package = def.info.package;
        let mut env = Env::new(def.body.locals.len());
        for p in &def.params {
            // Arguments are not checked against declared parameter types at run
            // time, so when proving kinds a parameter may be anything.
            let ty = match &p.ty {
                Some(t) if self.record.is_none() => ty::from_hir(t),
                _ => Ty::Any,
            };
            env.set(p.local, Typed::of(ty));
        }
        let body = self.infer(&mut env, &def.value);
        if let Some(ret) = &def.ret {
            self.check_result(def, &body, &ty::from_hir(ret));
        }
    }

    /// A call's result: the body inferred with the arguments' types. An error that
    /// these argument types cause in the body is reported at the call.
    fn call_user(&mut self, id: FnId, args: Vec<Typed>, call: pol_diagnostics::Span) -> Typed {
        let program = self.program;
        let Some(def) = program.fn_def(id) else {
            return Typed::any();
        };
        let args: Vec<Typed> = args
            .into_iter()
            .map(|a| Typed {
                constant: None,
                ..a
            })
            .collect();
        if let Some((_, _, t)) = self.calls.iter().find(|(f, a, _)| *f == id && *a == args) {
            return t.clone();
        }
        if self.calls.len() > 4096 || self.depth > NESTING_LIMIT {
            return Typed::any();
        }
        let mut env = Env::new(def.body.locals.len());
        for (p, a) in def.params.iter().zip(&args) {
            env.set(p.local, a.clone());
        }
        let outer = self.buffer.replace(Vec::new());
        let outer_package = std::mem::replace(&mut self.package, def.info.package);
        let mut t = self.infer(&mut env, &def.value);
        self.package = outer_package;
        let inner = std::mem::replace(&mut self.buffer, outer).unwrap_or_default();
        t.constant = None;
        self.calls.push((id, args, t.clone()));
        let fresh = inner
            .into_iter()
            .filter(|d| d.is_error() && !self.own.contains(d))
            .collect::<Vec<_>>();
        if let Some(first) = fresh.first() {
            let name = &def.info.name;
            self.report(
                Diagnostic::error(
                    first.code,
                    call,
                    format!("this call of `{name}` fails: {}", first.message),
                )
                .with_label(format!("`{name}` is called with arguments of these types"))
                .with_secondary(first.primary.span, first.primary.message.clone())
                .with_help(first.help.clone().unwrap_or_else(|| {
                    format!("declare the parameter types of `{name}`, or convert the arguments")
                })),
            );
            return Typed::any();
        }
        t
    }
}
