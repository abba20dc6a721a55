//! Collecting: the packages, an id for every top-level definition, the names each
//! package defines and the imports each file makes.

use crate::annotations;
use crate::builtins::Builtin;
use crate::hir::{FnId, LetId, PackageId, RuleId, TypeId};
use crate::packages::Unit;
use crate::stdlib;
use crate::suggest::did_you_mean;
use pol_diagnostics::{Code, Diagnostic, FileId, Span};
use pol_syntax::ast::{self, FnDecl, Item, ItemKind, Name, Rule, Test, TypeExpr};
use std::collections::BTreeMap;

/// What a top-level name of a package refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemRef {
    Let(LetId),
    Fn(FnId),
    Type(TypeId),
    Rule(RuleId),
}

impl ItemRef {
    /// "a let", "a function"...: for messages.
    pub fn describe(self) -> &'static str {
        match self {
            ItemRef::Let(_) => "a let",
            ItemRef::Fn(_) => "a function",
            ItemRef::Type(_) => "a type",
            ItemRef::Rule(_) => "a rule",
        }
    }
}

/// A top-level name and where it is defined.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub item: ItemRef,
    pub span: Span,
}

/// One package: the files declaring it, merged into one namespace.
#[derive(Debug)]
pub(crate) struct Package<'a> {
    pub name: String,
    pub is_std: bool,
    pub files: Vec<FileId>,
    /// Every top-level let, fn, type and rule, by name (the first definition wins).
    pub names: BTreeMap<String, Entry>,
    /// True when one of its items could not be parsed: that item may have defined any
    /// name, so unknown names are not reported in this package.
    pub incomplete: bool,
    /// `input: T` and the unit it is written in.
    pub input_type: Option<(usize, &'a TypeExpr)>,
    /// `data: T` and the unit it is written in.
    pub data_type: Option<(usize, &'a TypeExpr)>,
}

impl Package<'_> {
    /// The names bound to items of one kind (`ItemRef::Let(_)` selects lets...).
    pub fn names_where(&self, keep: impl Fn(ItemRef) -> bool) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .filter(move |(_, e)| keep(e.item))
            .map(|(n, _)| n.as_str())
    }
}

/// An import in a file: the package it reaches (`None` when unknown; reported).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Import {
    pub package: Option<PackageId>,
    pub span: Span,
}

/// What a file sees besides its package: its package id and its imports by name.
#[derive(Debug, Default)]
pub(crate) struct FileScope {
    pub package: PackageId,
    pub imports: BTreeMap<String, Import>,
}

/// A top-level definition with where it is: `decl` is the part of the AST it came from.
#[derive(Debug)]
pub(crate) struct Def<'a, T> {
    pub unit: usize,
    pub item: &'a Item,
    pub decl: T,
}

/// Everything collected, for the lowering passes.
#[derive(Debug, Default)]
pub(crate) struct Collected<'a> {
    /// The parsed files.
    pub units: &'a [Unit],
    pub packages: Vec<Package<'a>>,
    /// One per unit, in unit order.
    pub files: Vec<FileScope>,
    pub lets: Vec<Def<'a, (&'a Name, &'a ast::Expr)>>,
    pub fns: Vec<Def<'a, &'a FnDecl>>,
    pub types: Vec<Def<'a, (&'a Name, &'a TypeExpr)>>,
    pub rules: Vec<Def<'a, &'a Rule>>,
    pub tests: Vec<Def<'a, &'a Test>>,
}

impl<'a> Collected<'a> {
    /// The package with this id.
    pub fn package(&self, id: PackageId) -> Option<&Package<'a>> {
        self.packages.get(id.index())
    }
}

/// Collects packages, definitions and imports, reporting duplicate names (E0102),
/// misplaced annotations (E0024), a second `input` type (E0028), unknown packages
/// (E0106) and imports that bind a name twice (E0112).
pub(crate) fn collect<'a>(units: &'a [Unit], diags: &mut Vec<Diagnostic>) -> Collected<'a> {
    let mut col = Collected {
        units,
        ..Collected::default()
    };
    assign_packages(units, &mut col);
    let mut tests_seen = BTreeMap::new();
    for (index, unit) in units.iter().enumerate() {
        let package = col.files.get(index).map(|f| f.package).unwrap_or_default();
        for item in &unit.ast.items {
            collect_item(&mut col, index, package, item, diags, &mut tests_seen);
        }
    }
    let known = known_package_names(&col);
    for (index, unit) in units.iter().enumerate() {
        collect_imports(&mut col, index, unit, &known, diags);
    }
    col
}

fn assign_packages(units: &[Unit], col: &mut Collected<'_>) {
    let mut by_name: BTreeMap<&str, PackageId> = BTreeMap::new();
    for unit in units {
        let existing = unit
            .package
            .as_deref()
            .and_then(|name| by_name.get(name).copied());
        let id = existing.unwrap_or_else(|| {
            let id = PackageId::from_index(col.packages.len());
            col.packages.push(Package {
                name: unit.package.clone().unwrap_or_default(),
                is_std: unit.is_std,
                files: Vec::new(),
                names: BTreeMap::new(),
                incomplete: false,
                input_type: None,
                data_type: None,
            });
            if let Some(name) = unit.package.as_deref() {
                by_name.insert(name, id);
            }
            id
        });
        if let Some(p) = col.packages.get_mut(id.index()) {
            p.files.push(unit.file);
        }
        col.files.push(FileScope {
            package: id,
            imports: BTreeMap::new(),
        });
    }
}

fn collect_item<'a>(
    col: &mut Collected<'a>,
    unit: usize,
    package: PackageId,
    item: &'a Item,
    diags: &mut Vec<Diagnostic>,
    tests_seen: &mut BTreeMap<(PackageId, &'a str), Span>,
) {
    if !matches!(item.kind, ItemKind::Rule(_)) {
        annotations::report_misplaced(item, diags);
    }
    let (name, entry) = match &item.kind {
        ItemKind::Let { name, value } => {
            if name.text == "data" {
                diags.push(crate::scope::shadows_data(name));
            }
            let id = LetId::from_index(col.lets.len());
            col.lets.push(Def {
                unit,
                item,
                decl: (name, value),
            });
            (name, ItemRef::Let(id))
        }
        ItemKind::Fn(decl) => {
            let id = FnId::from_index(col.fns.len());
            col.fns.push(Def { unit, item, decl });
            check_builtin_name(&decl.name, diags);
            (&decl.name, ItemRef::Fn(id))
        }
        ItemKind::Type { name, ty } => {
            let id = TypeId::from_index(col.types.len());
            col.types.push(Def {
                unit,
                item,
                decl: (name, ty),
            });
            (name, ItemRef::Type(id))
        }
        ItemKind::Rule(rule) => {
            let id = RuleId::from_index(col.rules.len());
            col.rules.push(Def {
                unit,
                item,
                decl: rule,
            });
            (&rule.name, ItemRef::Rule(id))
        }
        ItemKind::Test(test) => {
            check_test_name(test, package, tests_seen, diags);
            col.tests.push(Def {
                unit,
                item,
                decl: test,
            });
            return;
        }
        ItemKind::InputType(ty) => {
            return declare_type_of(Declared::Input, col, unit, package, ty, diags);
        }
        ItemKind::DataType(ty) => {
            return declare_type_of(Declared::Data, col, unit, package, ty, diags);
        }
        ItemKind::Error => return mark_incomplete(col, package),
        ItemKind::Package(_) | ItemKind::Import { .. } => return,
    };
    if let Some(p) = col.packages.get_mut(package.index()) {
        declare(p, name, entry, diags);
    }
}

fn mark_incomplete(col: &mut Collected<'_>, package: PackageId) {
    if let Some(p) = col.packages.get_mut(package.index()) {
        p.incomplete = true;
    }
}

/// Adds a name to its package, or reports it as defined twice (E0102).
fn declare(package: &mut Package<'_>, name: &Name, item: ItemRef, diags: &mut Vec<Diagnostic>) {
    if let Some(first) = package.names.get(&name.text) {
        diags.push(duplicate(name, first.span, &package.name));
        return;
    }
    package.names.insert(
        name.text.clone(),
        Entry {
            item,
            span: name.span,
        },
    );
}

fn duplicate(name: &Name, first: Span, package: &str) -> Diagnostic {
    let message = if package.is_empty() {
        format!("`{}` is defined twice", name.text)
    } else {
        format!("`{}` is defined twice in package `{package}`", name.text)
    };
    Diagnostic::error(Code::DuplicateItem, name.span, message)
        .with_label("defined again here")
        .with_secondary(first, "first defined here")
        .with_help("names are unique within a package: rename one of them")
}

fn check_builtin_name(name: &Name, diags: &mut Vec<Diagnostic>) {
    if Builtin::from_name(&name.text).is_some() {
        diags.push(
            Diagnostic::error(
                Code::DuplicateItem,
                name.span,
                format!("`{}` is a builtin function", name.text),
            )
            .with_label("a user function cannot take a builtin's name")
            .with_help("rename the function"),
        );
    }
}

fn check_test_name<'a>(
    test: &'a Test,
    package: PackageId,
    seen: &mut BTreeMap<(PackageId, &'a str), Span>,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(&first) = seen.get(&(package, test.name.as_str())) {
        diags.push(
            Diagnostic::error(
                Code::DuplicateItem,
                test.name_span,
                format!("test `{}` is defined twice", test.name),
            )
            .with_label("defined again here")
            .with_secondary(first, "first defined here")
            .with_help("give each test of a package its own name"),
        );
        return;
    }
    seen.insert((package, test.name.as_str()), test.name_span);
}

/// The documents whose type a package declares: `input: T` and `data: T`.
#[derive(Clone, Copy)]
enum Declared {
    Input,
    Data,
}

fn declare_type_of<'a>(
    which: Declared,
    col: &mut Collected<'a>,
    unit: usize,
    package: PackageId,
    ty: &'a TypeExpr,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(p) = col.packages.get_mut(package.index()) else {
        return;
    };
    let (slot, name) = match which {
        Declared::Input => (&mut p.input_type, "input"),
        Declared::Data => (&mut p.data_type, "data"),
    };
    if let Some((_, first)) = *slot {
        diags.push(
            Diagnostic::error(
                Code::DuplicateInputType,
                ty.span,
                format!("the type of `{name}` is declared twice"),
            )
            .with_label("declared again here")
            .with_secondary(first.span, "first declared here")
            .with_help(format!(
                "a package declares `{name}: T` at most once, in any one of its files"
            )),
        );
        return;
    }
    *slot = Some((unit, ty));
}

fn known_package_names(col: &Collected<'_>) -> Vec<String> {
    let user = col
        .packages
        .iter()
        .filter(|p| !p.name.is_empty())
        .map(|p| p.name.clone());
    let std = stdlib::MODULES.iter().map(|m| m.package.to_string());
    let mut names: Vec<String> = user.chain(std).collect();
    names.sort();
    names.dedup();
    names
}

fn collect_imports(
    col: &mut Collected<'_>,
    index: usize,
    unit: &Unit,
    known: &[String],
    diags: &mut Vec<Diagnostic>,
) {
    let package = col.files.get(index).map(|f| f.package).unwrap_or_default();
    let mut imports: BTreeMap<String, Import> = BTreeMap::new();
    for item in &unit.ast.items {
        let ItemKind::Import { path, alias } = &item.kind else {
            continue;
        };
        let Some(bound) = alias.as_ref().or(path.segments.last()) else {
            continue;
        };
        let target = resolve_package(col, path, known, diags);
        if let Some(first) = imports.get(&bound.text) {
            diags.push(duplicate_import(bound, first.span));
            continue;
        }
        if let Some(entry) = col.package(package).and_then(|p| p.names.get(&bound.text)) {
            diags.push(import_clash(bound, path, *entry));
        }
        imports.insert(
            bound.text.clone(),
            Import {
                package: target,
                span: bound.span,
            },
        );
    }
    if let Some(scope) = col.files.get_mut(index) {
        scope.imports = imports;
    }
}

fn resolve_package(
    col: &Collected<'_>,
    path: &ast::Path,
    known: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Option<PackageId> {
    let dotted = path.dotted();
    let found = col
        .packages
        .iter()
        .position(|p| !p.name.is_empty() && p.name == dotted);
    if found.is_none() {
        let mut d = Diagnostic::error(
            Code::UnknownPackage,
            path.span,
            format!("unknown package `{dotted}`"),
        )
        .with_label("no file of the policy set declares this package");
        if let Some(help) = did_you_mean(&dotted, known.iter().map(String::as_str)) {
            d = d.with_help(help);
        } else if dotted.starts_with("std.") {
            let modules: Vec<String> = stdlib::MODULES
                .iter()
                .map(|m| format!("`{}`", m.package))
                .collect();
            d = d.with_help(format!("the standard library has {}", modules.join(", ")));
        }
        diags.push(d);
    }
    found.map(PackageId::from_index)
}

fn duplicate_import(bound: &Name, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateImport,
        bound.span,
        format!("`{}` is imported twice", bound.text),
    )
    .with_label("this import binds the name again")
    .with_secondary(first, "first bound here")
    .with_help("give one of the imports another name with `as`")
}

fn import_clash(bound: &Name, path: &ast::Path, entry: Entry) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateItem,
        bound.span,
        format!(
            "the import name `{}` is also {} of this package",
            bound.text,
            entry.item.describe()
        ),
    )
    .with_label("import bound here")
    .with_secondary(entry.span, "defined here")
    .with_help(format!(
        "import it under another name: `import {} as other`",
        path.dotted()
    ))
}
