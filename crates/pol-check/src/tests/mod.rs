//! Tests of the checks, through `check_files` on small sources.

mod annotations;
mod big_types;
mod names;
mod narrowing;
mod packages;
mod programs;
mod rules;
mod sound_kinds;
mod test_blocks;
mod types;

use crate::hir::Program;
use pol_diagnostics::{Code, Diagnostic, SourceMap};

/// The result of checking some files.
pub(crate) struct Checked {
    pub sources: SourceMap,
    pub program: Program,
    pub diags: Vec<Diagnostic>,
}

impl Checked {
    /// The codes of all diagnostics, in order.
    pub fn codes(&self) -> Vec<Code> {
        self.diags.iter().map(|d| d.code).collect()
    }

    /// The text under a diagnostic's primary span.
    pub fn text(&self, d: &Diagnostic) -> &str {
        self.sources.slice(d.primary.span)
    }

    /// The only diagnostic; fails when there is not exactly one.
    pub fn only(&self) -> &Diagnostic {
        assert_eq!(
            self.diags.len(),
            1,
            "expected one diagnostic, got {:#?}",
            self.diags
        );
        &self.diags[0]
    }

    /// The only diagnostic, which must have this code and point at this text.
    pub fn only_at(&self, code: Code, text: &str) -> &Diagnostic {
        let d = self.only();
        assert_eq!(d.code, code, "{d:#?}");
        assert_eq!(self.text(d), text, "{d:#?}");
        d
    }

    /// Fails when there is any diagnostic.
    pub fn assert_clean(&self) {
        assert!(
            self.diags.is_empty(),
            "unexpected diagnostics: {:#?}",
            self.diags
        );
    }
}

/// Checks several files, named `f0.pol`, `f1.pol`...
pub(crate) fn check_many(texts: &[&str]) -> Checked {
    let mut sources = SourceMap::new();
    let files: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| sources.add(format!("f{i}.pol"), *t))
        .collect();
    let (program, diags) = crate::check_files(&mut sources, &files);
    Checked {
        sources,
        program,
        diags,
    }
}

/// Checks one file.
pub(crate) fn check(text: &str) -> Checked {
    check_many(&[text])
}

/// Checks one file of `package p` with the given body.
pub(crate) fn check_body(body: &str) -> Checked {
    check(&format!("package p\n{body}\n"))
}

/// The help of a diagnostic, or "".
pub(crate) fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().unwrap_or("")
}

/// The text under each secondary label.
pub(crate) fn secondary_texts<'a>(c: &'a Checked, d: &Diagnostic) -> Vec<&'a str> {
    d.secondary
        .iter()
        .map(|l| c.sources.slice(l.span))
        .collect()
}

/// Checks a syntax tree built or altered by hand (for trees the grammar never makes).
pub(crate) fn check_ast(file: pol_syntax::ast::File) -> Vec<Diagnostic> {
    let unit = crate::packages::Unit {
        file: file.file,
        package: Some("p".into()),
        ast: file,
        is_std: false,
        parse_errors: Vec::new(),
    };
    let units = [unit];
    let mut diags = Vec::new();
    let collected = crate::collect::collect(&units, &mut diags);
    let lowered = crate::items::lower_program(&collected, &mut diags);
    crate::cycles::check(
        &lowered.program,
        &lowered.let_deps,
        &lowered.fn_deps,
        &mut diags,
    );
    diags
}
