//! pol: a typed policy language for CI/CD facts — the API for programs that embed it.
//!
//! This crate gathers the stages behind one door. Today it checks policies: give it a
//! [`SourceMap`] with `.pol` files and it returns every diagnostic (lexical, syntax,
//! names, structure) with a stable code and a location.
//!
//! ```
//! use pol::{SourceMap, check};
//!
//! let mut sources = SourceMap::new();
//! let file = sources.add("ci.pol", r#"
//!     package ci
//!     deny no_permissions {
//!       if input.permissions == null
//!       message "workflow has no top-level `permissions:` block"
//!     }
//! "#);
//! let diagnostics = check(&mut sources, &[file]);
//! assert!(diagnostics.is_empty());
//!
//! let typo = sources.add("typo.pol", "package t\nlet x = lowr(\"X\")\n");
//! let diagnostics = check(&mut sources, &[typo]);
//! assert_eq!(diagnostics[0].code.as_str(), "E0101");
//! assert!(diagnostics[0].help.as_deref().unwrap_or("").contains("`lower`"));
//! ```

pub use pol_diagnostics::{
    Code, Diagnostic, FileId, Label, LineCol, RenderOptions, Severity, SourceFile, SourceMap, Span,
    render_json, render_text,
};

/// The syntax tree, for tools that want to look at policies (formatters, linters).
pub use pol_syntax::ast;

/// Parses one file into its syntax tree, with every lexical and syntax error.
pub use pol_syntax::parse;

/// The resolved program that the checker produces.
pub use pol_check::hir;

/// Checks the given files of `sources` (and the standard modules they import, which are
/// added to `sources`): returns every error and warning, sorted by file and position.
pub fn check(sources: &mut SourceMap, files: &[FileId]) -> Vec<Diagnostic> {
    pol_check::check_files(sources, files).1
}

/// Checks the files and returns the resolved program along with the diagnostics; the
/// program is only meaningful when no diagnostic is an error.
pub fn check_program(sources: &mut SourceMap, files: &[FileId]) -> (hir::Program, Vec<Diagnostic>) {
    pol_check::check_files(sources, files)
}
