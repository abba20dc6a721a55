//! Loading: parses the given files and the std modules they import, and reads the
//! `package` line of each.

use crate::stdlib::{self, StdModule};
use pol_diagnostics::{Code, Diagnostic, FileId, SourceMap, Span};
use pol_syntax::ast::{self, ItemKind, Path};
use std::collections::BTreeSet;

/// One parsed file of the program.
#[derive(Debug)]
pub(crate) struct Unit {
    /// Its id in the source map.
    pub file: FileId,
    /// Its syntax tree.
    pub ast: ast::File,
    /// The package it declares; `None` when the `package` line is missing (an error
    /// was reported, or the parse error that hid it was).
    pub package: Option<String>,
    /// True for a std module.
    pub is_std: bool,
    /// Where its syntax errors are.
    pub parse_errors: Vec<Span>,
}

impl Unit {
    /// True when a syntax error lies inside `span`: a "missing" diagnostic there would
    /// likely be a consequence of that error.
    pub fn has_parse_error_in(&self, span: Span) -> bool {
        self.parse_errors
            .iter()
            .any(|e| e.start >= span.start && e.start <= span.end)
    }
}

/// Parses `files` (each once, in order) and then every std module they import,
/// directly or through other std modules, adding the std sources to `sources`.
pub(crate) fn load(
    sources: &mut SourceMap,
    files: &[FileId],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Unit> {
    let mut seen = BTreeSet::new();
    let mut units = Vec::new();
    for &file in files {
        if !seen.insert(file) {
            continue;
        }
        if let Some(source) = sources.get(file) {
            let text = source.text.clone();
            units.push(parse_unit(file, &text, false, diags));
        }
    }
    load_std(sources, &mut units, diags);
    units
}

fn parse_unit(file: FileId, text: &str, is_std: bool, diags: &mut Vec<Diagnostic>) -> Unit {
    let (ast, parse_diags) = pol_syntax::parse(file, text);
    let parse_errors = parse_diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.primary.span)
        .collect();
    diags.extend(parse_diags);
    let package = package_decl(&ast, text, diags).map(Path::dotted);
    Unit {
        file,
        ast,
        package,
        is_std,
        parse_errors,
    }
}

/// Adds the std modules that `units` import, in the order they are first imported. A
/// user package of the same name wins over a std module.
fn load_std(sources: &mut SourceMap, units: &mut Vec<Unit>, diags: &mut Vec<Diagnostic>) {
    let user_packages: BTreeSet<String> = units.iter().filter_map(|u| u.package.clone()).collect();
    let mut loaded = BTreeSet::new();
    let mut next = 0;
    while let Some(unit) = units.get(next) {
        let wanted: Vec<&'static StdModule> = imported_paths(unit)
            .filter(|p| !user_packages.contains(p))
            .filter_map(|p| stdlib::find(&p))
            .collect();
        next += 1;
        for module in wanted {
            if loaded.insert(module.package) {
                let file = sources.add(module.file_name, module.source);
                units.push(parse_unit(file, module.source, true, diags));
            }
        }
    }
}

/// The dotted paths of a file's `import` items.
pub(crate) fn imported_paths(unit: &Unit) -> impl Iterator<Item = String> + '_ {
    unit.ast.items.iter().filter_map(|item| match &item.kind {
        ItemKind::Import { path, .. } => Some(path.dotted()),
        _ => None,
    })
}

/// The file's package: its first `package` item. Reports a missing one (E0020), one
/// that is not the first item, and a second one (E0021).
fn package_decl<'a>(
    file: &'a ast::File,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'a Path> {
    let mut found: Option<&Path> = None;
    let mut before_is_real = false;
    for item in &file.items {
        match (&item.kind, found) {
            (ItemKind::Package(path), Some(first)) => diags.push(second_package(path, first)),
            (ItemKind::Package(path), None) => {
                if before_is_real {
                    diags.push(package_not_first(path));
                }
                found = Some(path);
            }
            (ItemKind::Error, _) => {}
            _ => before_is_real = true,
        }
    }
    if found.is_none() {
        missing_package(file, text, diags);
    }
    found
}

fn missing_package(file: &ast::File, text: &str, diags: &mut Vec<Diagnostic>) {
    let first = file.items.first();
    // A file whose first item failed to parse may well have had its `package` line there.
    if matches!(first.map(|i| &i.kind), Some(ItemKind::Error)) {
        return;
    }
    let span = first.map_or(Span::new(file.file, 0, 0), |i| first_line(i.span, text));
    diags.push(
        Diagnostic::error(Code::MissingPackage, span, "missing `package` declaration")
            .with_label("expected `package` before this")
            .with_help("start the file with its package, e.g. `package ci.github`"),
    );
}

/// The part of `span` on its first line (a whole item can span many).
fn first_line(span: Span, text: &str) -> Span {
    let line = text
        .get(span.range())
        .and_then(|t| t.lines().next())
        .unwrap_or("");
    Span::new(
        span.file,
        span.start as usize,
        span.start as usize + line.trim_end().len(),
    )
}

fn package_not_first(path: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::MisplacedPackage,
        path.span,
        "`package` must be the first item of a file",
    )
    .with_label("declared after other items")
    .with_help(format!(
        "move `package {}` to the top of the file",
        path.dotted()
    ))
}

fn second_package(path: &Path, first: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::MisplacedPackage,
        path.span,
        "a file can declare only one package",
    )
    .with_label("second `package` declaration")
    .with_secondary(
        first.span,
        format!("the file is already in package `{}`", first.dotted()),
    )
    .with_help("remove this line, or move the items below it into a file of their own")
}
