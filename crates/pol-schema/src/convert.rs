//! Turning one schema into a [`Ty`]: the keywords of a schema object, `$ref`, and the
//! combinators (`oneOf`, `anyOf`, `allOf`, see `combine.rs`).

use crate::error::{SchemaError, malformed};
use crate::shape::{Kinds, Shape};
use crate::ty::{Field, Record, Ty, union};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// How many `$ref`s to places other than definitions are followed inside one another
/// before the type becomes `any` (such references may be cyclic).
const INLINE_REF_LIMIT: usize = 32;

/// Converts the schemas of one document, each definition once.
pub(crate) struct Converter<'s> {
    root: &'s Value,
    /// The root's `$id`: a `$ref` that starts with it is a local reference.
    id: Option<&'s str>,
    /// Converted definitions, by key (`#/definitions/step`, `#`).
    defs: BTreeMap<String, Ty>,
    /// Definitions being converted (a reference to one of them stays opaque).
    busy: BTreeSet<String>,
    inline_depth: usize,
    /// Ignore `required`: every field is optional.
    all_optional: bool,
}

impl<'s> Converter<'s> {
    /// A converter for the schema document `root`.
    pub(crate) fn new(root: &'s Value, all_optional: bool) -> Converter<'s> {
        Converter {
            root,
            id: root.get("$id").and_then(Value::as_str),
            defs: BTreeMap::new(),
            busy: BTreeSet::new(),
            inline_depth: 0,
            all_optional,
        }
    }

    /// The schema a definition key names (`#` is the whole document).
    pub(crate) fn schema(&self, key: &str) -> Option<&'s Value> {
        self.root.pointer(key.strip_prefix('#')?)
    }

    /// The key of the definition called `name` in `definitions` or `$defs`.
    pub(crate) fn definition_key(&self, name: &str) -> Option<String> {
        ["definitions", "$defs"].into_iter().find_map(|container| {
            let key = format!("#/{container}/{}", escape(name));
            self.schema(&key).map(|_| key)
        })
    }

    /// Every definition's name as written in the schema.
    pub(crate) fn definition_names(&self) -> Vec<&'s str> {
        ["definitions", "$defs"]
            .into_iter()
            .filter_map(|c| self.root.get(c).and_then(Value::as_object))
            .flat_map(|m| m.keys().map(String::as_str))
            .collect()
    }

    /// The type of a definition, converted on first use.
    pub(crate) fn definition(&mut self, key: &str) -> Result<Ty, SchemaError> {
        if let Some(ty) = self.defs.get(key) {
            return Ok(ty.clone());
        }
        let Some(schema) = self.schema(key) else {
            return Err(SchemaError::UnresolvedRef {
                at: key.to_owned(),
                reference: key.to_owned(),
            });
        };
        self.busy.insert(key.to_owned());
        let ty = self.convert(schema, key);
        self.busy.remove(key);
        let ty = ty?;
        self.defs.insert(key.to_owned(), ty.clone());
        Ok(ty)
    }

    /// The type of a definition for combining it with another type; `None` while it
    /// is being converted (a recursive combination keeps the name).
    pub(crate) fn resolve(&mut self, key: &str) -> Result<Option<Ty>, SchemaError> {
        if self.busy.contains(key) {
            return Ok(None);
        }
        self.definition(key).map(Some)
    }

    /// Converts the schema at `at` (a JSON pointer, for errors).
    pub(crate) fn convert(&mut self, schema: &'s Value, at: &str) -> Result<Ty, SchemaError> {
        let object = match schema {
            Value::Bool(true) => return Ok(Ty::Any),
            Value::Bool(false) => return Ok(Ty::Never),
            Value::Object(object) => object,
            _ => return Err(malformed(at, "a schema must be an object or a boolean")),
        };
        if let Some(reference) = object.get("$ref") {
            // Draft 7: "All other properties in a `$ref` object MUST be ignored."
            return self.reference(reference, at);
        }
        let shape = self.shape(object, at)?;
        let mut parts = Vec::new();
        for keyword in ["oneOf", "anyOf"] {
            if let Some(members) = object.get(keyword) {
                let members = self.each(members, at, keyword)?;
                parts.push(union(members));
            }
        }
        if let Some(members) = object.get("allOf") {
            parts.extend(self.each(members, at, "allOf")?);
        }
        if parts.is_empty() {
            return Ok(shape.standalone());
        }
        let mut ty = Ty::Any;
        for part in parts {
            ty = self.intersect(ty, part, 0)?;
        }
        self.apply(&shape, ty, 0)
    }

    /// Converts each schema of a combinator's list.
    fn each(&mut self, value: &'s Value, at: &str, keyword: &str) -> Result<Vec<Ty>, SchemaError> {
        let Value::Array(members) = value else {
            return Err(malformed(
                at,
                format!("`{keyword}` must be a list of schemas"),
            ));
        };
        members
            .iter()
            .enumerate()
            .map(|(i, m)| self.convert(m, &format!("{at}/{keyword}/{i}")))
            .collect()
    }

    fn reference(&mut self, value: &'s Value, at: &str) -> Result<Ty, SchemaError> {
        let Value::String(reference) = value else {
            return Err(malformed(at, "`$ref` must be a string"));
        };
        let local = self
            .id
            .and_then(|id| reference.strip_prefix(id))
            .unwrap_or(reference);
        let Some(fragment) = local.strip_prefix('#') else {
            return Err(SchemaError::ExternalRef {
                at: at.to_owned(),
                reference: reference.clone(),
            });
        };
        let pointer = percent_decode(fragment);
        let unresolved = || SchemaError::UnresolvedRef {
            at: at.to_owned(),
            reference: reference.clone(),
        };
        let target = self.root.pointer(&pointer).ok_or_else(unresolved)?;
        let segments: Vec<&str> = pointer.split('/').skip(1).collect();
        let is_definition = matches!(segments.as_slice(), [] | ["definitions" | "$defs", _]);
        if is_definition {
            return Ok(Ty::Named(format!("#{pointer}")));
        }
        if self.inline_depth >= INLINE_REF_LIMIT {
            return Ok(Ty::Any);
        }
        self.inline_depth += 1;
        let ty = self.convert(target, &format!("#{pointer}"));
        self.inline_depth -= 1;
        ty
    }

    /// What the schema's own keywords say, apart from the combinators.
    fn shape(&mut self, object: &'s Map<String, Value>, at: &str) -> Result<Shape, SchemaError> {
        let mut kinds = match object.get("type") {
            None => None,
            Some(Value::String(name)) => Some(Kinds::of_type(name, at)?),
            Some(Value::Array(names)) => {
                let mut kinds = Kinds::NONE;
                for name in names {
                    let Value::String(name) = name else {
                        return Err(malformed(
                            at,
                            "`type` must be a string or a list of strings",
                        ));
                    };
                    kinds = kinds.or(Kinds::of_type(name, at)?);
                }
                Some(kinds)
            }
            Some(_) => {
                return Err(malformed(
                    at,
                    "`type` must be a string or a list of strings",
                ));
            }
        };
        let values = match (object.get("enum"), object.get("const")) {
            (Some(Value::Array(values)), _) => Some(values.iter().collect::<Vec<_>>()),
            (Some(_), _) => return Err(malformed(at, "`enum` must be a list")),
            (None, Some(value)) => Some(vec![value]),
            (None, None) => None,
        };
        if let Some(values) = values {
            let of_values = values
                .into_iter()
                .fold(Kinds::NONE, |k, v| k.or(Kinds::of_value(v)));
            kinds = Some(kinds.map_or(of_values, |k| k.and(of_values)));
        }
        Ok(Shape {
            kinds,
            object: self.object(object, at)?,
            array: self.array(object, at)?,
        })
    }

    /// The object keywords: a record, a map, or nothing said about objects.
    fn object(
        &mut self,
        object: &'s Map<String, Value>,
        at: &str,
    ) -> Result<Option<Ty>, SchemaError> {
        let properties = match object.get("properties") {
            None => None,
            Some(Value::Object(p)) => Some(p),
            Some(_) => return Err(malformed(at, "`properties` must be an object")),
        };
        let required = required(object, at)?;
        let closed = object.get("additionalProperties") == Some(&Value::Bool(false));
        let mut rest = Vec::new();
        if let Some(additional) = object.get("additionalProperties") {
            // `true` and `{}` only restate the default; a schema declares a map.
            let ty = self.convert(additional, &format!("{at}/additionalProperties"))?;
            if !matches!(ty, Ty::Any | Ty::Never) {
                rest.push(ty);
            }
        }
        match object.get("patternProperties") {
            None => {}
            Some(Value::Object(patterns)) => {
                for (pattern, schema) in patterns {
                    let at = format!("{at}/patternProperties/{}", escape(pattern));
                    rest.push(self.convert(schema, &at)?);
                }
            }
            Some(_) => return Err(malformed(at, "`patternProperties` must be an object")),
        }
        let rest = if rest.is_empty() {
            None
        } else {
            Some(union(rest))
        };
        let properties = properties.filter(|p| !p.is_empty() || closed);
        let Some(properties) = properties else {
            return Ok(match rest {
                Some(rest) => Some(Ty::Map(Box::new(rest))),
                None if closed => Some(Ty::Record(Record::default())),
                None => None,
            });
        };
        let mut fields = BTreeMap::new();
        for (name, schema) in properties {
            let ty = self.convert(schema, &format!("{at}/properties/{}", escape(name)))?;
            if ty == Ty::Never {
                continue; // `"name": false`: the property must not be there
            }
            let optional = self.all_optional || !required.contains(name.as_str());
            fields.insert(name.clone(), Field { ty, optional });
        }
        Ok(Some(Ty::Record(Record {
            fields,
            rest: rest.map(Box::new),
        })))
    }

    /// The array keywords: `items` (one schema, or a tuple with `additionalItems`).
    fn array(
        &mut self,
        object: &'s Map<String, Value>,
        at: &str,
    ) -> Result<Option<Ty>, SchemaError> {
        let element = match object.get("items") {
            None => return Ok(None),
            Some(Value::Array(tuple)) => {
                let mut members = Vec::new();
                for (i, schema) in tuple.iter().enumerate() {
                    members.push(self.convert(schema, &format!("{at}/items/{i}"))?);
                }
                match object.get("additionalItems") {
                    None => members.push(Ty::Any),
                    Some(schema) => {
                        members.push(self.convert(schema, &format!("{at}/additionalItems"))?)
                    }
                }
                union(members)
            }
            Some(schema) => self.convert(schema, &format!("{at}/items"))?,
        };
        Ok(Some(Ty::List(Box::new(element))))
    }
}

/// The names in `required` (ignored when a name has no property: see the docs).
fn required<'s>(
    object: &'s Map<String, Value>,
    at: &str,
) -> Result<BTreeSet<&'s str>, SchemaError> {
    match object.get("required") {
        None => Ok(BTreeSet::new()),
        Some(Value::Array(names)) => names
            .iter()
            .map(|n| {
                n.as_str()
                    .ok_or_else(|| malformed(at, "`required` must be a list of strings"))
            })
            .collect(),
        // Draft 3 wrote `"required": true` on the property itself.
        Some(Value::Bool(_)) => Ok(BTreeSet::new()),
        Some(_) => Err(malformed(at, "`required` must be a list of strings")),
    }
}

/// Escapes a key for a JSON pointer (`~` → `~0`, `/` → `~1`).
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Undoes a JSON pointer escape.
pub(crate) fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Decodes `%XX` escapes of a URI fragment; anything malformed is kept as written.
fn percent_decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| fragment.to_owned())
}
