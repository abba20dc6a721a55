//! `Ty`: what the importer builds from a schema — pol's types plus `Never` (no value
//! at all) and records that also allow more keys — and the union of types.

use std::collections::BTreeMap;

/// A type under construction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// Every value (`true`, `{}`, no constraint).
    Any,
    /// No value (`false`, an empty `enum`, an impossible `allOf`); never printed.
    Never,
    /// `null`
    Null,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `number`
    Number,
    /// `string`
    String,
    /// `[T]`
    List(Box<Ty>),
    /// `map<T>`
    Map(Box<Ty>),
    /// `{a: T, b?: U}`, maybe with keys beyond the declared ones.
    Record(Record),
    /// Two or more members, none of them `Any`, `Never` or a union.
    Union(Vec<Ty>),
    /// A definition, by its JSON pointer (`#/definitions/step`, `#` for the root).
    Named(String),
}

/// An object with declared properties.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Record {
    /// The declared properties, by name.
    pub fields: BTreeMap<String, Field>,
    /// The type of the other keys when the schema gives one (`additionalProperties`
    /// with a schema, or `patternProperties`): the object is then also a map.
    pub rest: Option<Box<Ty>>,
}

/// A declared property.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    /// Its type.
    pub ty: Ty,
    /// Not in `required`.
    pub optional: bool,
}

/// The union of `members`: flattened, without `Never` or duplicates, `int` folded into
/// `number`; `Any` if any member is.
pub(crate) fn union(members: impl IntoIterator<Item = Ty>) -> Ty {
    let mut out: Vec<Ty> = Vec::new();
    for member in members {
        if !push(&mut out, member) {
            return Ty::Any;
        }
    }
    match out.len() {
        0 => Ty::Never,
        1 => out.pop().unwrap_or(Ty::Never),
        _ => Ty::Union(out),
    }
}

/// Adds a member; false when it is (or contains) `Any`.
fn push(out: &mut Vec<Ty>, ty: Ty) -> bool {
    match ty {
        Ty::Any => return false,
        Ty::Never => {}
        Ty::Union(members) => {
            for m in members {
                if !push(out, m) {
                    return false;
                }
            }
        }
        Ty::Int if out.contains(&Ty::Number) => {}
        Ty::Record(r) => match out.iter_mut().find_map(|m| same_but_optional(m, &r)) {
            Some(fields) => {
                for (name, field) in r.fields {
                    if let Some(mine) = fields.get_mut(&name) {
                        mine.optional |= field.optional;
                    }
                }
            }
            None => out.push(Ty::Record(r)),
        },
        Ty::Number => {
            if let Some(slot) = out.iter_mut().find(|m| **m == Ty::Int) {
                *slot = Ty::Number;
            } else if !out.contains(&Ty::Number) {
                out.push(Ty::Number);
            }
        }
        other => {
            if !out.contains(&other) {
                out.push(other);
            }
        }
    }
    true
}

/// The fields of `member` when it is a record with the fields and rest of `r`, up to
/// which fields are optional: two such records unite into one whose fields are
/// optional where either's are (`oneOf` of `required` lists).
fn same_but_optional<'m>(
    member: &'m mut Ty,
    r: &Record,
) -> Option<&'m mut BTreeMap<String, Field>> {
    let Ty::Record(m) = member else { return None };
    let same = m.rest == r.rest
        && m.fields.len() == r.fields.len()
        && m.fields
            .iter()
            .zip(&r.fields)
            .all(|((a, x), (b, y))| a == b && x.ty == y.ty);
    same.then_some(&mut m.fields)
}

impl Ty {
    /// Calls `f` on every definition this type names, outermost first.
    pub(crate) fn visit_named(&self, f: &mut dyn FnMut(&str)) {
        match self {
            Ty::Named(key) => f(key),
            Ty::List(t) | Ty::Map(t) => t.visit_named(f),
            Ty::Record(r) => {
                r.fields.values().for_each(|field| field.ty.visit_named(f));
                if let Some(rest) = &r.rest {
                    rest.visit_named(f);
                }
            }
            Ty::Union(members) => members.iter().for_each(|m| m.visit_named(f)),
            Ty::Any | Ty::Never | Ty::Null | Ty::Bool | Ty::Int | Ty::Number | Ty::String => {}
        }
    }

    /// The type with every `Named` replaced by what `f` gives for it (unions are
    /// normalized again, so an inlined `string | string` becomes `string`).
    pub(crate) fn map_named(&self, f: &dyn Fn(&str) -> Ty) -> Ty {
        match self {
            Ty::Named(key) => f(key),
            Ty::List(t) => Ty::List(Box::new(t.map_named(f))),
            Ty::Map(t) => Ty::Map(Box::new(t.map_named(f))),
            Ty::Record(r) => Ty::Record(Record {
                fields: r
                    .fields
                    .iter()
                    .map(|(name, field)| {
                        let ty = field.ty.map_named(f);
                        (
                            name.clone(),
                            Field {
                                ty,
                                optional: field.optional,
                            },
                        )
                    })
                    .collect(),
                rest: r.rest.as_ref().map(|t| Box::new(t.map_named(f))),
            }),
            Ty::Union(members) => union(members.iter().map(|m| m.map_named(f))),
            other => other.clone(),
        }
    }

    /// True when the type has no record in it (it reads well inlined).
    pub(crate) fn is_plain(&self) -> bool {
        match self {
            Ty::Record(_) => false,
            Ty::List(t) | Ty::Map(t) => t.is_plain(),
            Ty::Union(members) => members.iter().all(Ty::is_plain),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_flattens_dedupes_and_absorbs() {
        let t = union([
            Ty::String,
            Ty::Union(vec![Ty::Int, Ty::String]),
            Ty::Never,
            Ty::Number,
        ]);
        assert_eq!(t, Ty::Union(vec![Ty::String, Ty::Number]));
        assert_eq!(union([Ty::Int, Ty::Number]), Ty::Number);
        assert_eq!(union([Ty::Null, Ty::Any]), Ty::Any);
        assert_eq!(union([Ty::Never]), Ty::Never);
        assert_eq!(union([Ty::Bool]), Ty::Bool);
    }

    #[test]
    fn records_that_differ_only_in_required_fields_unite() {
        let record = |a: bool, b: bool| {
            let field = |optional| Field {
                ty: Ty::String,
                optional,
            };
            Ty::Record(Record {
                fields: BTreeMap::from([("a".into(), field(a)), ("b".into(), field(b))]),
                rest: None,
            })
        };
        assert_eq!(
            union([record(false, true), record(true, false)]),
            record(true, true)
        );
        let other = Ty::Record(Record::default());
        assert_eq!(
            union([record(false, false), other.clone()]),
            Ty::Union(vec![record(false, false), other])
        );
    }
}
