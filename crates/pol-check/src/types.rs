//! Resolving type expressions: builtin type names, `set<T>`, `map<T>`, user types and
//! `alias.Type`.

use crate::collect::{Entry, ItemRef};
use crate::hir::{FieldTy, PackageId, Type};
use crate::scope::Env;
use crate::suggest::{closest, did_you_mean};
use pol_diagnostics::{Code, Diagnostic, Span};
use pol_syntax::ast::{FieldType, Name, Path, TypeExpr, TypeKind};
use std::collections::BTreeMap;

/// The builtin type names that are written as identifiers (`any` and `null` are
/// keywords with their own syntax).
const SCALARS: &[(&str, Type)] = &[
    ("bool", Type::Bool),
    ("int", Type::Int),
    ("float", Type::Float),
    ("number", Type::Number),
    ("string", Type::String),
];

/// Resolves a type expression in the file of `env`, reporting unknown types (E0107),
/// unknown members of packages (E0108) and record fields declared twice (E0102).
/// What cannot be resolved becomes `any`.
pub(crate) fn lower_type(env: Env<'_>, ty: &TypeExpr, diags: &mut Vec<Diagnostic>) -> Type {
    match &ty.kind {
        TypeKind::Any => Type::Any,
        TypeKind::Null => Type::Null,
        TypeKind::Named(path) => named(env, path, diags),
        TypeKind::List(elem) => Type::List(Box::new(lower_type(env, elem, diags))),
        TypeKind::Generic { name, args } => generic(env, name, args, ty.span, diags),
        TypeKind::Record(fields) => Type::Record(record(env, fields, diags)),
        TypeKind::Union(members) => {
            Type::Union(members.iter().map(|m| lower_type(env, m, diags)).collect())
        }
    }
}

fn named(env: Env<'_>, path: &Path, diags: &mut Vec<Diagnostic>) -> Type {
    match path.segments.as_slice() {
        [name] => simple(env, name, diags),
        [alias, name] => qualified(env, alias, name, path.span, diags),
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::UnknownType,
                    path.span,
                    format!("unknown type `{}`", path.dotted()),
                )
                .with_label("not a type")
                .with_help("name a type of an imported package as `alias.Type`"),
            );
            Type::Any
        }
    }
}

fn simple(env: Env<'_>, name: &Name, diags: &mut Vec<Diagnostic>) -> Type {
    if let Some((_, ty)) = SCALARS.iter().find(|(n, _)| *n == name.text) {
        return ty.clone();
    }
    match env.item(&name.text) {
        Some(Entry {
            item: ItemRef::Type(id),
            ..
        }) => return Type::Named(id),
        Some(entry) => diags.push(not_a_type(&name.text, entry.item, name.span)),
        None if matches!(name.text.as_str(), "set" | "map") => {
            diags.push(missing_type_argument(name))
        }
        None if env.import(&name.text).is_some() => diags.push(package_as_type(name)),
        None if env.reports_unknown(env.package_id()) => diags.push(unknown_type(env, name)),
        None => {}
    }
    Type::Any
}

fn qualified(
    env: Env<'_>,
    alias: &Name,
    name: &Name,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Type {
    let Some(import) = env.import(&alias.text) else {
        diags.push(
            Diagnostic::error(
                Code::UnknownType,
                span,
                format!("unknown type `{}.{}`", alias.text, name.text),
            )
            .with_label(format!("`{}` is not an imported package", alias.text))
            .with_help(format!(
                "import the package first, e.g. `import std.{}`",
                alias.text
            )),
        );
        return Type::Any;
    };
    let Some(package) = import.package else {
        return Type::Any;
    };
    match env.item_in(package, &name.text) {
        Some(Entry {
            item: ItemRef::Type(id),
            ..
        }) => Type::Named(id),
        Some(entry) => {
            diags.push(not_a_type(
                &format!("{}.{}", alias.text, name.text),
                entry.item,
                name.span,
            ));
            Type::Any
        }
        None => {
            if env.reports_unknown(package) {
                diags.push(unknown_member_type(env, package, alias, name));
            }
            Type::Any
        }
    }
}

fn generic(
    env: Env<'_>,
    name: &Name,
    args: &[TypeExpr],
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Type {
    let make: fn(Box<Type>) -> Type = match name.text.as_str() {
        "set" => Type::Set,
        "map" => Type::Map,
        _ => {
            diags.push(unknown_generic(name));
            return Type::Any;
        }
    };
    let [arg] = args else {
        diags.push(
            Diagnostic::error(
                Code::UnknownType,
                span,
                format!(
                    "`{}` takes one type argument but {} were given",
                    name.text,
                    args.len()
                ),
            )
            .with_label("wrong number of type arguments")
            .with_help(generic_help(&name.text)),
        );
        return Type::Any;
    };
    make(Box::new(lower_type(env, arg, diags)))
}

fn record(env: Env<'_>, fields: &[FieldType], diags: &mut Vec<Diagnostic>) -> Vec<FieldTy> {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    let mut out = Vec::new();
    for field in fields {
        if let Some(&first) = seen.get(field.name.as_str()) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateItem,
                    field.name_span,
                    format!("field `{}` is declared twice", field.name),
                )
                .with_label("declared again here")
                .with_secondary(first, "first declared here")
                .with_help("a record type lists each field once"),
            );
            continue;
        }
        seen.insert(&field.name, field.name_span);
        out.push(FieldTy {
            name: field.name.clone(),
            optional: field.optional,
            ty: lower_type(env, &field.ty, diags),
        });
    }
    out
}

fn generic_help(name: &str) -> String {
    match name {
        "map" => "write `map<T>`: a map has string keys and values of type `T`".to_string(),
        _ => "write `set<T>`, a set of values of type `T`".to_string(),
    }
}

fn missing_type_argument(name: &Name) -> Diagnostic {
    Diagnostic::error(
        Code::UnknownType,
        name.span,
        format!("`{}` needs a type argument", name.text),
    )
    .with_label("type argument missing")
    .with_help(generic_help(&name.text))
}

fn unknown_generic(name: &Name) -> Diagnostic {
    let mut help = "the generic types are `set<T>` and `map<T>`; a list is `[T]`".to_string();
    if let Some(close) = closest(&name.text, ["set", "map"]) {
        help = format!("did you mean `{close}`? {help}");
    }
    Diagnostic::error(
        Code::UnknownType,
        name.span,
        format!("unknown generic type `{}`", name.text),
    )
    .with_label("not a generic type")
    .with_help(help)
}

fn unknown_type(env: Env<'_>, name: &Name) -> Diagnostic {
    let user = env
        .package()
        .into_iter()
        .flat_map(|p| p.names_where(|i| matches!(i, ItemRef::Type(_))));
    let builtin = SCALARS
        .iter()
        .map(|(n, _)| *n)
        .chain(["any", "null", "set", "map"]);
    let mut d = Diagnostic::error(
        Code::UnknownType,
        name.span,
        format!("unknown type `{}`", name.text),
    )
    .with_label("not a builtin type or a type of this package");
    if let Some(help) = did_you_mean(&name.text, user.chain(builtin)) {
        d = d.with_help(help);
    }
    d
}

fn unknown_member_type(env: Env<'_>, package: PackageId, alias: &Name, name: &Name) -> Diagnostic {
    let info = env.col.package(package);
    let package_name = info.map_or("", |p| p.name.as_str());
    let mut d = Diagnostic::error(
        Code::UnknownMember,
        name.span,
        format!("package `{package_name}` has no member `{}`", name.text),
    )
    .with_label(format!("not defined in `{package_name}`"));
    let types = info
        .into_iter()
        .flat_map(|p| p.names_where(|i| matches!(i, ItemRef::Type(_))));
    if let Some(close) = closest(&name.text, types) {
        d = d.with_help(format!("did you mean `{}.{close}`?", alias.text));
    }
    d
}

fn not_a_type(shown: &str, item: ItemRef, span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::UnknownType,
        span,
        format!("`{shown}` is {}, not a type", item.describe()),
    )
    .with_label("used as a type")
    .with_help("declare a type with `type Name = ...`")
}

fn package_as_type(name: &Name) -> Diagnostic {
    Diagnostic::error(
        Code::UnknownType,
        name.span,
        format!("`{}` is an imported package, not a type", name.text),
    )
    .with_label("package used as a type")
    .with_help(format!("name one of its types, as in `{}.Name`", name.text))
}
