//! Whether a document fits a declared type ([`conforms`]), and the std types by name
//! ([`std_program`], [`find_type`]): what the tests of the shipped `std.github` and
//! `std.k8s` types run on real files.

use crate::hir::{FieldTy, Program, Type, TypeId};
use crate::{Diagnostic, Severity, SourceMap};
use pol_facts::{Document, NodeId, NodeRef};

/// How many named types are unfolded at one node before the check gives up on it
/// (only a type defined as itself, `type A = A | B`, gets that far).
const UNFOLD_LIMIT: usize = 32;

/// One place where a document does not fit a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The value's path, as findings give it (`jobs.build.steps[2].uses`; `""` is the
    /// root).
    pub path: String,
    /// The type expected there, in pol syntax (`number | string`, `Step`).
    pub expected: String,
    /// What is there: its kind as `type_of` names it, with the value when it is a
    /// scalar (`string "${{ matrix.n }}"`), or `nothing` for a missing field.
    pub found: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        };
        write!(
            f,
            "{path}: expected {}, found {}",
            self.expected, self.found
        )
    }
}

/// Where reference data does not fit the `data: T` a package declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataMismatch {
    /// The package that declares the type.
    pub package: String,
    /// The data document that gave the value (`None` for a missing top-level key).
    pub source: Option<String>,
    /// Where and how it does not fit (its path is under `data.`).
    pub mismatch: Mismatch,
}

impl std::fmt::Display for DataMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Mismatch {
            path,
            expected,
            found,
        } = &self.mismatch;
        let path = if path.is_empty() {
            "data".to_owned()
        } else {
            format!("data.{path}")
        };
        write!(f, "{path}")?;
        if let Some(source) = &self.source {
            write!(f, " (from {source})")?;
        }
        write!(
            f,
            ": expected {expected}, found {found} (package `{}` declares `data: ...`)",
            self.package
        )
    }
}

/// Checks `data` against the `data: T` of every package of `program` that declares one:
/// data is typed as `input` is, so a policy that declares its data's type reads it
/// safely. No mismatch means it fits every declaration. No data at all is not checked:
/// `data` is then an empty object, which a run may hold next to policies that need
/// none, and the policies that need it find nothing granted.
pub fn check_data(program: &Program, data: &crate::Data) -> Vec<DataMismatch> {
    if data.is_empty() {
        return Vec::new();
    }
    let declared: Vec<_> = program
        .packages
        .iter()
        .filter_map(|p| Some((p.name.as_str(), p.data_type.as_ref()?)))
        .collect();
    if declared.is_empty() {
        return Vec::new();
    }
    let text = data.to_json().to_string();
    let Ok(docs) = pol_facts::load(&text, pol_facts::Format::Json, Some("data")) else {
        return Vec::new();
    };
    let Some(doc) = docs.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (package, ty) in declared {
        for mismatch in conforms(program, ty, doc, doc.root()) {
            let top = mismatch.path.split(['.', '[']).next().unwrap_or("");
            out.push(DataMismatch {
                package: package.to_owned(),
                source: data.source_of(top).map(str::to_owned),
                mismatch,
            });
        }
    }
    out
}

/// Checks the value at `node` of `doc` against `ty`; no mismatch means it conforms.
///
/// Records are open: declared fields must match and required ones be present, other
/// fields are allowed. A field present with `null` matches only if its type admits
/// `null` (`?` allows the field to be missing, not to be null). A union matches when a
/// member does; when none does, the mismatches reported are those of the closest
/// member of the right kind. `number` is an int or a float, `any` is everything, and
/// named types are looked up in `program` (recursive ones included).
pub fn conforms(program: &Program, ty: &Type, doc: &Document, node: NodeId) -> Vec<Mismatch> {
    let mut out = Vec::new();
    Checker { program, doc }.check(ty, node, 0, &mut out);
    out
}

/// The id of the named type `qualified` (`std.github.Workflow`), if the program has it.
pub fn find_type(program: &Program, qualified: &str) -> Option<TypeId> {
    let index = program
        .types
        .iter()
        .position(|t| t.info.qualified == qualified)?;
    u32::try_from(index).ok().map(TypeId)
}

/// A checked program that imports the std `modules` (`["std.github", "std.k8s"]`), so
/// that their types can be found with [`find_type`]; the errors if it does not check.
pub fn std_program(modules: &[&str]) -> Result<Program, Vec<Diagnostic>> {
    let mut text = String::from("package std_types_probe\n");
    for (i, module) in modules.iter().enumerate() {
        text.push_str(&format!("import {module} as m{i}\n"));
    }
    let mut sources = SourceMap::new();
    let file = sources.add("<std types>", text);
    let (program, diagnostics) = pol_check::check_files(&mut sources, &[file]);
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        Ok(program)
    } else {
        Err(errors)
    }
}

struct Checker<'a> {
    program: &'a Program,
    doc: &'a Document,
}

impl Checker<'_> {
    /// `unfold` counts the named types unfolded at this node.
    fn check(&self, ty: &Type, node: NodeId, unfold: usize, out: &mut Vec<Mismatch>) {
        let value = self.doc.get(node);
        let fits = match (ty, value) {
            (Type::Any, _)
            | (Type::Null, NodeRef::Null)
            | (Type::Bool, NodeRef::Bool(_))
            | (Type::Int, NodeRef::Int(_))
            | (Type::Float, NodeRef::Float(_))
            | (Type::Number, NodeRef::Int(_) | NodeRef::Float(_))
            | (Type::String, NodeRef::Str(_)) => true,
            (Type::List(element), NodeRef::List(list)) => {
                list.iter().for_each(|n| self.check(element, n, 0, out));
                true
            }
            (Type::Map(value), NodeRef::Object(object)) => {
                object
                    .iter()
                    .for_each(|(_, n)| self.check(value, n, 0, out));
                true
            }
            (Type::Record(fields), NodeRef::Object(_)) => {
                self.record(fields, node, out);
                true
            }
            (Type::Union(members), _) => {
                self.union(ty, members, node, unfold, out);
                true
            }
            (Type::Named(id), _) => match self.program.type_def(*id) {
                // A value of the wrong kind is reported under the type's name.
                Some(def) if unfold < UNFOLD_LIMIT => {
                    let fits = self.same_kind(&def.ty, node, unfold + 1);
                    if fits {
                        self.check(&def.ty, node, unfold + 1, out);
                    }
                    fits
                }
                _ => true,
            },
            _ => false,
        };
        if !fits {
            out.push(self.mismatch(ty, node));
        }
    }

    fn record(&self, fields: &[FieldTy], node: NodeId, out: &mut Vec<Mismatch>) {
        for field in fields {
            match self.doc.object_get_str(node, &field.name) {
                Some(value) => self.check(&field.ty, value, 0, out),
                None if field.optional => {}
                None => out.push(Mismatch {
                    path: child_path(&self.doc.path(node), &field.name),
                    expected: show(self.program, &field.ty),
                    found: "nothing".to_owned(),
                }),
            }
        }
    }

    fn union(
        &self,
        ty: &Type,
        members: &[Type],
        node: NodeId,
        unfold: usize,
        out: &mut Vec<Mismatch>,
    ) {
        let mut closest: Option<Vec<Mismatch>> = None;
        for member in members {
            if !self.same_kind(member, node, unfold) {
                continue;
            }
            let mut found = Vec::new();
            self.check(member, node, unfold, &mut found);
            if found.is_empty() {
                return;
            }
            if closest.as_ref().is_none_or(|c| found.len() < c.len()) {
                closest = Some(found);
            }
        }
        match closest {
            Some(found) => out.extend(found),
            None => out.push(self.mismatch(ty, node)),
        }
    }

    /// Whether `ty` admits the kind of value at `node` (not looking inside it).
    fn same_kind(&self, ty: &Type, node: NodeId, unfold: usize) -> bool {
        match (ty, self.doc.get(node)) {
            (Type::Union(members), _) => members.iter().any(|m| self.same_kind(m, node, unfold)),
            (Type::Named(id), _) => match self.program.type_def(*id) {
                Some(def) if unfold < UNFOLD_LIMIT => self.same_kind(&def.ty, node, unfold + 1),
                _ => true,
            },
            (Type::Any, _)
            | (Type::Null, NodeRef::Null)
            | (Type::Bool, NodeRef::Bool(_))
            | (Type::Int, NodeRef::Int(_))
            | (Type::Float, NodeRef::Float(_))
            | (Type::Number, NodeRef::Int(_) | NodeRef::Float(_))
            | (Type::String, NodeRef::Str(_))
            | (Type::List(_), NodeRef::List(_))
            | (Type::Map(_) | Type::Record(_), NodeRef::Object(_)) => true,
            _ => false,
        }
    }

    fn mismatch(&self, ty: &Type, node: NodeId) -> Mismatch {
        Mismatch {
            path: self.doc.path(node),
            expected: show(self.program, ty),
            found: describe(self.doc.get(node)),
        }
    }
}

/// `path.key`, or `path["key"]` when the key is not an identifier (as findings write
/// paths).
fn child_path(path: &str, key: &str) -> String {
    let mut chars = key.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (identifier, path.is_empty()) {
        (true, true) => key.to_owned(),
        (true, false) => format!("{path}.{key}"),
        (false, _) => format!("{path}[{}]", serde_json::Value::from(key)),
    }
}

/// A value's kind, with the value itself when it is a scalar.
fn describe(value: NodeRef<'_>) -> String {
    match value {
        NodeRef::Null => "null".to_owned(),
        NodeRef::Bool(b) => format!("bool {b}"),
        NodeRef::Int(i) => format!("int {i}"),
        NodeRef::Float(f) => format!("float {f}"),
        NodeRef::Str(s) if s.chars().count() > 40 => {
            let head: String = s.chars().take(40).collect();
            format!("string {}...", serde_json::Value::from(head))
        }
        NodeRef::Str(s) => format!("string {}", serde_json::Value::from(s)),
        NodeRef::List(_) => "list".to_owned(),
        NodeRef::Object(_) => "object".to_owned(),
    }
}

/// A type in pol syntax, records cut short (`{name?: string, uses?: string, ...}`).
fn show(program: &Program, ty: &Type) -> String {
    show_depth(program, ty, 0)
}

fn show_depth(program: &Program, ty: &Type, depth: usize) -> String {
    let inner = |t: &Type| show_depth(program, t, depth + 1);
    match ty {
        Type::Any => "any".to_owned(),
        Type::Null => "null".to_owned(),
        Type::Bool => "bool".to_owned(),
        Type::Int => "int".to_owned(),
        Type::Float => "float".to_owned(),
        Type::Number => "number".to_owned(),
        Type::String => "string".to_owned(),
        Type::List(t) => format!("[{}]", inner(t)),
        Type::Set(t) => format!("set<{}>", inner(t)),
        Type::Map(t) => format!("map<{}>", inner(t)),
        Type::Record(_) if depth > 1 => "{...}".to_owned(),
        Type::Record(fields) => {
            let shown: Vec<String> = fields
                .iter()
                .take(3)
                .map(|f| {
                    format!(
                        "{}{}: {}",
                        f.name,
                        if f.optional { "?" } else { "" },
                        inner(&f.ty)
                    )
                })
                .collect();
            let more = if fields.len() > 3 { ", ..." } else { "" };
            format!("{{{}{more}}}", shown.join(", "))
        }
        Type::Union(members) => {
            let shown: Vec<String> = members
                .iter()
                .map(|m| show_depth(program, m, depth))
                .collect();
            shown.join(" | ")
        }
        Type::Named(id) => program
            .type_def(*id)
            .map_or_else(|| "any".to_owned(), |d| d.info.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    /// The mismatches of a YAML document against the type `T` declared in `types`.
    fn check(types: &str, yaml: &str) -> Vec<String> {
        let mut sources = SourceMap::new();
        let file = sources.add("t.pol", format!("package t\n{types}\n"));
        let (program, diagnostics) = pol_check::check_files(&mut sources, &[file]);
        assert!(
            diagnostics.iter().all(|d| d.severity != Severity::Error),
            "{diagnostics:?}"
        );
        let ty = Type::Named(find_type(&program, "t.T").unwrap());
        let docs = pol_facts::load(yaml, Format::Yaml, None).unwrap();
        conforms(&program, &ty, &docs[0], docs[0].root())
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn records_need_their_required_fields_and_allow_others() {
        let t = "type T = {name: string, n?: int}";
        assert!(check(t, "name: a\nextra: [1]").is_empty());
        assert_eq!(check(t, "n: 1"), ["name: expected string, found nothing"]);
        assert_eq!(
            check(t, "name: 1\nn: x"),
            [
                "name: expected string, found int 1",
                "n: expected int, found string \"x\""
            ]
        );
        assert_eq!(check(t, "[]"), ["(root): expected T, found list"]);
    }

    #[test]
    fn an_optional_field_holds_null_only_if_its_type_admits_it() {
        assert_eq!(
            check("type T = {n?: int}", "n:"),
            ["n: expected int, found null"]
        );
        assert!(check("type T = {n?: int | null}", "n:").is_empty());
    }

    #[test]
    fn scalars_number_and_any() {
        let t = "type T = {a: number, b: number, c: any, d: bool, e: float, f: null}";
        assert!(check(t, "{a: 1, b: 1.5, c: {x: 1}, d: true, e: 2.5, f: null}").is_empty());
        assert_eq!(check(t, "{a: '1', b: 1, c: 1, d: 1, e: 1, f: 0}").len(), 4);
    }

    #[test]
    fn lists_and_maps_check_every_element() {
        let t = "type T = {xs: [int], env: map<string>}";
        assert_eq!(
            check(t, "{xs: [1, x, 3], env: {A: a, B: 2}}"),
            [
                "xs[1]: expected int, found string \"x\"",
                "env.B: expected string, found int 2"
            ]
        );
        assert_eq!(
            check("type T = {s: set<int>}", "s: [1]"),
            ["s: expected set<int>, found list"]
        );
    }

    #[test]
    fn unions_match_any_member_and_report_the_closest() {
        let t = "type T = {v: string | [string] | {a: int, b: int}}";
        assert!(check(t, "v: x").is_empty());
        assert!(check(t, "v: [x]").is_empty());
        assert_eq!(
            check(t, "v: 1"),
            ["v: expected string | [string] | {a: int, b: int}, found int 1"]
        );
        assert_eq!(check(t, "v: {a: 1}"), ["v.b: expected int, found nothing"]);
        assert_eq!(check(t, "v: [1]"), ["v[0]: expected string, found int 1"]);
    }

    #[test]
    fn named_types_resolve_and_recursion_is_safe() {
        let t = "type T = {steps?: [Step], \"runs-on\": string}\ntype Step = {uses?: string, parallel?: [Step]}\ntype Loop = Loop | int";
        assert!(check(t, "runs-on: x\nsteps: [{uses: a, parallel: [{uses: b}]}]").is_empty());
        assert_eq!(
            check(t, "runs-on: 1\nsteps: [{parallel: [{uses: 1}]}]"),
            // In the order the type declares its fields.
            [
                "steps[0].parallel[0].uses: expected string, found int 1",
                "[\"runs-on\"]: expected string, found int 1"
            ]
        );
        assert!(check("type T = {l: Loop}\ntype Loop = Loop | int", "l: 1").is_empty());
        assert_eq!(
            check(
                t.replace("type T = {", "type T = {x: Step, ").as_str(),
                "runs-on: a"
            ),
            ["x: expected Step, found nothing"]
        );
    }

    #[test]
    fn missing_keys_that_are_not_identifiers_are_quoted() {
        assert_eq!(
            check("type T = {\"runs-on\": string}", "{}"),
            ["[\"runs-on\"]: expected string, found nothing"]
        );
        assert_eq!(
            check("type T = {j: {\"runs-on\": string}}", "j: {}"),
            ["j[\"runs-on\"]: expected string, found nothing"]
        );
    }

    #[test]
    fn std_types_are_found_by_qualified_name() {
        let program = std_program(&["std.github", "std.k8s"]).unwrap();
        assert!(find_type(&program, "std.github.Workflow").is_some());
        assert!(find_type(&program, "std.k8s.Pod").is_some());
        assert!(find_type(&program, "std.k8s.Nope").is_none());
        assert!(std_program(&["std.nope"]).is_err());
    }
}
