//! Combining types: the intersection that `allOf` (and keywords beside `oneOf`) need,
//! and refining a combinator's result by the schema's own keywords.

use crate::convert::Converter;
use crate::error::SchemaError;
use crate::shape::Shape;
use crate::ty::{Field, Record, Ty, union};
use std::collections::BTreeMap;

/// How many definitions deep a combination looks through names before it keeps the
/// name as it is.
const RESOLVE_LIMIT: usize = 16;

impl Converter<'_> {
    /// The values both types allow, as closely as pol's types can say it. Records
    /// merge their fields (a field is required when either side requires it); a record
    /// and a map give the record with its fields narrowed to the map's values.
    pub(crate) fn intersect(&mut self, a: Ty, b: Ty, depth: usize) -> Result<Ty, SchemaError> {
        Ok(match (a, b) {
            (Ty::Any, t) | (t, Ty::Any) => t,
            (Ty::Never, _) | (_, Ty::Never) => Ty::Never,
            (Ty::Union(members), t) | (t, Ty::Union(members)) => {
                let mut out = Vec::new();
                for m in members {
                    out.push(self.intersect(m, t.clone(), depth)?);
                }
                union(out)
            }
            (Ty::Named(x), Ty::Named(y)) if x == y => Ty::Named(x),
            (Ty::Named(key), t) | (t, Ty::Named(key)) => match self.look_through(&key, depth)? {
                Some(resolved) => self.intersect(resolved, t, depth + 1)?,
                None => Ty::Named(key),
            },
            (Ty::Int, Ty::Int | Ty::Number) | (Ty::Number, Ty::Int) => Ty::Int,
            (Ty::List(x), Ty::List(y)) => Ty::List(Box::new(self.intersect(*x, *y, depth)?)),
            (Ty::Map(x), Ty::Map(y)) => Ty::Map(Box::new(self.intersect(*x, *y, depth)?)),
            (Ty::Record(r), Ty::Map(values)) | (Ty::Map(values), Ty::Record(r)) => {
                self.narrow_record(r, *values, depth)?
            }
            (Ty::Record(x), Ty::Record(y)) => self.merge_records(x, y, depth)?,
            (x, y) if x == y => x,
            _ => Ty::Never,
        })
    }

    /// A named type's definition, unless it is too deep or being converted.
    fn look_through(&mut self, key: &str, depth: usize) -> Result<Option<Ty>, SchemaError> {
        if depth >= RESOLVE_LIMIT {
            return Ok(None);
        }
        self.resolve(key)
    }

    fn narrow_record(&mut self, r: Record, values: Ty, depth: usize) -> Result<Ty, SchemaError> {
        let mut fields = BTreeMap::new();
        for (name, field) in r.fields {
            let ty = self.intersect(field.ty, values.clone(), depth)?;
            if ty != Ty::Never {
                fields.insert(
                    name,
                    Field {
                        ty,
                        optional: field.optional,
                    },
                );
            }
        }
        let rest = match r.rest {
            Some(rest) => Some(Box::new(self.intersect(*rest, values, depth)?)),
            None => None,
        };
        Ok(Ty::Record(Record { fields, rest }))
    }

    fn merge_records(&mut self, x: Record, y: Record, depth: usize) -> Result<Ty, SchemaError> {
        let mut fields = x.fields;
        for (name, field) in y.fields {
            let merged = match fields.remove(&name) {
                Some(mine) => Field {
                    ty: self.intersect(mine.ty, field.ty, depth)?,
                    optional: mine.optional && field.optional,
                },
                None => field,
            };
            if merged.ty != Ty::Never {
                fields.insert(name, merged);
            }
        }
        let rest = match (x.rest, y.rest) {
            (Some(a), Some(b)) => Some(Box::new(self.intersect(*a, *b, depth)?)),
            _ => None,
        };
        Ok(Ty::Record(Record { fields, rest }))
    }

    /// Refines the result of a schema's combinators by its own keywords: members of
    /// kinds `type` excludes are dropped, objects and arrays meet the object and array
    /// keywords.
    pub(crate) fn apply(&mut self, shape: &Shape, ty: Ty, depth: usize) -> Result<Ty, SchemaError> {
        if shape.is_empty() {
            return Ok(ty);
        }
        Ok(match ty {
            Ty::Any => shape.standalone(),
            Ty::Never => Ty::Never,
            Ty::Union(members) => {
                let mut out = Vec::new();
                for m in members {
                    out.push(self.apply(shape, m, depth)?);
                }
                union(out)
            }
            Ty::Named(key) => match self.look_through(&key, depth)? {
                Some(resolved) => self.apply(shape, resolved, depth + 1)?,
                None => Ty::Named(key),
            },
            Ty::List(element) if shape.admits_array() => match &shape.array {
                Some(array) => self.intersect(Ty::List(element), array.clone(), depth)?,
                None => Ty::List(element),
            },
            t @ (Ty::Map(_) | Ty::Record(_)) if shape.admits_object() => match &shape.object {
                Some(object) => self.intersect(t, object.clone(), depth)?,
                None => t,
            },
            Ty::List(_) | Ty::Map(_) | Ty::Record(_) => Ty::Never,
            scalar => shape.admit_scalar(scalar),
        })
    }
}
