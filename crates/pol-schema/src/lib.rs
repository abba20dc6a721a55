//! JSON Schema → pol `type` declarations.
//!
//! [`types_from_json_schema`] reads a schema (draft 4 to 7, as SchemaStore publishes
//! them) and prints pol source: one `type Name = ...` per definition that is needed,
//! with a `///` line from its `title` or `description`. It does no I/O: the caller
//! passes the parsed schema and gets the text. `docs/types-from-json-schema.md` has
//! the mapping table; in short:
//!
//! | JSON Schema | pol |
//! |---|---|
//! | `properties` (+ `required`) | record `{name: T, opt?: T, "runs-on"?: T}` |
//! | only `additionalProperties: S` / `patternProperties` | `map<T>` |
//! | `properties` and `additionalProperties: S` / `patternProperties` | `{...} \| map<T>` |
//! | `items: S`, tuple `items: [...]` | `[T]`, `[A \| B \| ...]` |
//! | `enum`, `const` | the values' base type (`string`) |
//! | `oneOf`, `anyOf`, `type: [...]` | union |
//! | `allOf` | intersection (records merge) |
//! | `$ref` to a definition | the definition's named type |
//! | `true`, `{}`, no constraint | `any` |
//!
//! ```
//! let schema = serde_json::json!({
//!     "type": "object",
//!     "properties": {"uses": {"type": "string"}, "with": {"$ref": "#/definitions/with"}},
//!     "required": ["uses"],
//!     "definitions": {"with": {"type": "object", "additionalProperties": {"type": "string"}}}
//! });
//! let options = pol_schema::Options { root: Some("Step".into()), ..Default::default() };
//! let pol = pol_schema::types_from_json_schema(&schema, &options).unwrap();
//! assert_eq!(pol, "type Step = {uses: string, with?: map<string>}\n");
//! ```

mod combine;
mod convert;
mod emit;
mod error;
mod names;
mod shape;
mod ty;

#[cfg(test)]
mod tests;

pub use error::SchemaError;

use convert::Converter;
use emit::Printer;
use names::is_identifier;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use ty::Ty;

/// What to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Print the schema's root (the whole document) as a type of this name, with
    /// everything it needs.
    pub root: Option<String>,
    /// Print these definitions (by their name in `definitions` or `$defs`:
    /// `normalJob`, `io.k8s.api.core.v1.Pod`) with everything they need.
    ///
    /// With neither `root` nor `roots`, the root is printed as `Root` when it
    /// constrains anything; a schema that is only a container of definitions prints
    /// all its definitions.
    pub roots: Vec<String>,
    /// Make every record field optional, whatever `required` says: for formats whose
    /// files are often partial (Kubernetes manifests patched by kustomize, fixtures),
    /// so that a policy sees a missing field as `null` rather than as a mismatch.
    pub all_optional: bool,
    /// Changes to the schema before it is read: each JSON pointer (`#/definitions/x`,
    /// `#/definitions/x/properties/n`) gets the value, replacing what is there or adding
    /// a key to an object. For widening a type that real files do not keep to.
    pub set: Vec<(String, Value)>,
    /// The kind of input document the requested types describe: each is printed with
    /// `@kind("...")`, so that a package whose `input:` is one of them applies to
    /// documents of that kind only (`github-workflow`, `kubernetes`, ...).
    pub kind: Option<String>,
}

/// The key of the root schema among definition keys.
const ROOT: &str = "#";

/// The root type's name when the options give none.
const DEFAULT_ROOT_NAME: &str = "Root";

/// Turns a JSON Schema into pol `type` declarations: the requested types first (the
/// root, then the `roots` in order), then everything they need, sorted by name.
///
/// Definitions that are only an alias of another, or that hold no record (a `string`
/// with a `pattern`, `string | int`, a `map<string>`), are written in place rather than
/// named, unless requested; the output is the same for the same schema and options.
pub fn types_from_json_schema(schema: &Value, options: &Options) -> Result<String, SchemaError> {
    if let Some(name) = options.root.as_ref().filter(|n| !is_identifier(n)) {
        return Err(SchemaError::InvalidName { name: name.clone() });
    }
    let patched;
    let schema = if options.set.is_empty() {
        schema
    } else {
        patched = patch(schema, &options.set)?;
        &patched
    };
    let mut conv = Converter::new(schema, options.all_optional);
    let requested = requested(&mut conv, options)?;
    let found = closure(&mut conv, &requested)?;
    let keep: BTreeSet<&String> = requested.iter().collect();
    let defs = inline(found, &keep);
    let defs = reachable(&defs, &requested);

    let root_name = options
        .root
        .clone()
        .unwrap_or_else(|| DEFAULT_ROOT_NAME.to_owned());
    let fixed = BTreeMap::from([(ROOT.to_owned(), root_name)]);
    let keys: Vec<String> = defs.keys().cloned().collect();
    let names = names::assign(&keys, &fixed);
    let printer = Printer { names: &names };

    let mut order: Vec<&String> = requested.iter().collect();
    let mut rest: Vec<&String> = defs.keys().filter(|k| !keep.contains(k)).collect();
    rest.sort_by_key(|k| names.get(*k));
    order.extend(rest);

    let mut out = String::new();
    for key in order {
        let (Some(ty), Some(name)) = (defs.get(key), names.get(key)) else {
            continue;
        };
        let doc = conv.schema(key).and_then(names::doc).unwrap_or_default();
        if !out.is_empty() {
            out.push('\n');
        }
        let kind = options.kind.as_deref().filter(|_| keep.contains(key));
        out.push_str(&printer.declaration(name, &doc, kind, ty));
    }
    Ok(out)
}

/// `schema` with the `set` changes made.
fn patch(schema: &Value, set: &[(String, Value)]) -> Result<Value, SchemaError> {
    let mut schema = schema.clone();
    for (pointer, value) in set {
        let bad = || SchemaError::BadPatch {
            pointer: pointer.clone(),
        };
        let path = pointer.strip_prefix('#').ok_or_else(bad)?;
        if let Some(target) = schema.pointer_mut(path) {
            *target = value.clone();
            continue;
        }
        let (parent, key) = path.rsplit_once('/').ok_or_else(bad)?;
        match schema.pointer_mut(parent) {
            Some(Value::Object(object)) => {
                object.insert(convert::unescape(key), value.clone());
            }
            _ => return Err(bad()),
        }
    }
    Ok(schema)
}

/// The keys of the requested types.
fn requested(conv: &mut Converter<'_>, options: &Options) -> Result<Vec<String>, SchemaError> {
    let mut keys = Vec::new();
    if options.root.is_some() {
        keys.push(ROOT.to_owned());
    }
    for name in &options.roots {
        let Some(key) = conv.definition_key(name) else {
            return Err(SchemaError::UnknownDefinition {
                name: name.clone(),
                suggestion: suggest(&conv.definition_names(), name),
            });
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    if keys.is_empty() {
        if conv.definition(ROOT)? != Ty::Any {
            keys.push(ROOT.to_owned());
        } else {
            let mut all: Vec<String> = conv
                .definition_names()
                .into_iter()
                .filter_map(|n| conv.definition_key(n))
                .collect();
            all.sort();
            all.dedup();
            keys = all;
        }
    }
    Ok(keys)
}

/// A definition whose name ends with `name` (any case), for "did you mean".
fn suggest(names: &[&str], name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let mut matches: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            n.ends_with(&format!(".{lower}")) || n == lower || n.ends_with(&lower)
        })
        .collect();
    matches.sort_by_key(|n| (n.len(), *n));
    matches.first().map(|s| (*s).to_owned())
}

/// The requested definitions and every definition they refer to, converted.
fn closure(
    conv: &mut Converter<'_>,
    requested: &[String],
) -> Result<BTreeMap<String, Ty>, SchemaError> {
    let mut defs = BTreeMap::new();
    let mut work: Vec<String> = requested.iter().rev().cloned().collect();
    while let Some(key) = work.pop() {
        if defs.contains_key(&key) {
            continue;
        }
        let ty = conv.definition(&key)?;
        ty.visit_named(&mut |k| {
            if !defs.contains_key(k) {
                work.push(k.to_owned());
            }
        });
        defs.insert(key, ty);
    }
    Ok(defs)
}

/// How deep inlined definitions are expanded inside one another (they cannot be
/// cyclic; this only bounds the work).
const INLINE_LIMIT: usize = 64;

/// Writes in place the definitions that are not in `keep` and are an alias of another
/// definition or hold no record (after their own references are written in place).
fn inline(defs: BTreeMap<String, Ty>, keep: &BTreeSet<&String>) -> BTreeMap<String, Ty> {
    let mut inlined: BTreeMap<String, Ty> = BTreeMap::new();
    loop {
        let mut grew = false;
        for (key, ty) in &defs {
            if keep.contains(key) || inlined.contains_key(key) {
                continue;
            }
            let ty = substitute(ty, &inlined, 0);
            let alias = matches!(&ty, Ty::Named(k) if k != key);
            let mut recursive = false;
            ty.visit_named(&mut |k| recursive |= k == key);
            if (alias || ty.is_plain()) && !recursive {
                inlined.insert(key.clone(), ty);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    defs.iter()
        .filter(|(k, _)| !inlined.contains_key(*k))
        .map(|(k, ty)| (k.clone(), substitute(ty, &inlined, 0)))
        .collect()
}

/// `ty` with the inlined definitions written in place.
fn substitute(ty: &Ty, inlined: &BTreeMap<String, Ty>, depth: usize) -> Ty {
    ty.map_named(&|key| match inlined.get(key) {
        Some(t) if depth < INLINE_LIMIT => substitute(t, inlined, depth + 1),
        _ => Ty::Named(key.to_owned()),
    })
}

/// The definitions reachable from the requested ones.
fn reachable(defs: &BTreeMap<String, Ty>, requested: &[String]) -> BTreeMap<String, Ty> {
    let mut out = BTreeMap::new();
    let mut work: Vec<&String> = requested.iter().collect();
    while let Some(key) = work.pop() {
        if out.contains_key(key) {
            continue;
        }
        let Some(ty) = defs.get(key) else { continue };
        ty.visit_named(&mut |k| {
            if let Some((k, _)) = defs.get_key_value(k) {
                work.push(k);
            }
        });
        out.insert(key.clone(), ty.clone());
    }
    out
}
