//! Semantic checks of pol programs: turns parsed files into a resolved, checked
//! program ([`hir::Program`]) and reports every static error with a stable code.
//!
//! The stages, in order:
//! 1. `packages`: parse each file and the std modules it imports (transitively); read
//!    `package` lines.
//! 2. `collect`: group files into packages, give every definition an id, record each
//!    package's names and each file's imports.
//! 3. `items` (with `scope`, `lower_expr`, `calls`, `clauses`, `rules`, `types`,
//!    `lower_test`): resolve every name and lower every definition to HIR.
//! 4. `cycles`: reject recursion through lets and functions.
//! 5. `typeck`: the type checker (gradual types, warnings); what a name error left
//!    unknown has type `any`, so type errors are reported alongside name errors.

mod annotations;
pub mod builtins;
mod calls;
mod clauses;
mod collect;
mod cycles;
pub mod hir;
mod items;
mod literals;
mod lower_expr;
mod lower_test;
mod packages;
mod rules;
mod scope;
mod stdlib;
mod suggest;
mod typeck;
mod types;

#[cfg(test)]
mod tests;

pub use builtins::Builtin;

use pol_diagnostics::{Code, Diagnostic, FileId, SourceMap};

/// Parses every file, merges packages, loads imported std modules, resolves and checks.
///
/// `files` are ids of `sources`; each is parsed once, in the order given, which is the
/// order of the program's packages and definitions. Each std module that is imported
/// (`import std.github`) is added to `sources` under a name like `<std>/github.pol`, so
/// that diagnostics can point into it.
///
/// Returns the program and every diagnostic — syntax errors included — sorted by file
/// and position, without duplicates. The program is meant for later stages only when
/// no diagnostic is an error; otherwise it may hold `Error` placeholders.
pub fn check_files(sources: &mut SourceMap, files: &[FileId]) -> (hir::Program, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let units = packages::load(sources, files, &mut diags);
    let collected = collect::collect(&units, &mut diags);
    let mut lowered = items::lower_program(&collected, &mut diags);
    cycles::check(
        &lowered.program,
        &lowered.let_deps,
        &lowered.fn_deps,
        &mut diags,
    );
    let resolved = !diags.iter().any(Diagnostic::is_error);
    // Types are checked alongside name errors: what a name error leaves unknown is an
    // `Error` expression of type `any`, which no check reports on, so nothing cascades
    // from it. Not through recursive definitions (inference would unfold them).
    if !diags
        .iter()
        .any(|d| matches!(d.code, Code::Recursion | Code::DependencyTooDeep))
    {
        diags.extend(typeck::check(&lowered.program, resolved));
    }
    if resolved {
        // Proved even when there are type errors (a type error gives `any` there), so
        // that a program compiled despite them (the differential tests do) is still
        // compiled soundly.
        lowered.program.kinds = typeck::sound_kinds(&lowered.program);
    }
    (lowered.program, sorted(diags))
}

/// Sorts diagnostics by file and position (stable, so ties keep the order they were
/// found in) and drops exact repeats.
fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by_key(|d| (d.primary.span.file, d.primary.span.start));
    let mut seen = std::collections::BTreeSet::new();
    diags.retain(|d| {
        let s = d.primary.span;
        seen.insert((
            d.code,
            s.file,
            s.start,
            s.end,
            d.message.clone(),
            d.primary.message.clone(),
        ))
    });
    diags
}
