//! `Shape`: what a schema's own keywords say — the kinds `type`, `enum` and `const`
//! allow, and the object and array keywords — before the combinators refine it.

use crate::error::{SchemaError, malformed};
use crate::ty::{Ty, union};
use serde_json::Value;

/// A set of JSON kinds. Numbers are split into integers and the rest, so that
/// `integer` is `int` and `number` is `number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kinds(u8);

impl Kinds {
    pub(crate) const NONE: Kinds = Kinds(0);
    const NULL: Kinds = Kinds(1);
    const BOOL: Kinds = Kinds(2);
    const INTEGER: Kinds = Kinds(4);
    const FRACTION: Kinds = Kinds(8);
    const STRING: Kinds = Kinds(16);
    const ARRAY: Kinds = Kinds(32);
    const OBJECT: Kinds = Kinds(64);

    /// The kinds a `type` name allows.
    pub(crate) fn of_type(name: &str, at: &str) -> Result<Kinds, SchemaError> {
        Ok(match name {
            "null" => Kinds::NULL,
            "boolean" => Kinds::BOOL,
            "integer" => Kinds::INTEGER,
            "number" => Kinds(Kinds::INTEGER.0 | Kinds::FRACTION.0),
            "string" => Kinds::STRING,
            "array" => Kinds::ARRAY,
            "object" => Kinds::OBJECT,
            // Draft 3's `any`.
            "any" => Kinds(127),
            _ => return Err(malformed(at, format!("unknown `type` `{name}`"))),
        })
    }

    /// The kind of an `enum` or `const` value.
    pub(crate) fn of_value(value: &Value) -> Kinds {
        match value {
            Value::Null => Kinds::NULL,
            Value::Bool(_) => Kinds::BOOL,
            Value::Number(n) if n.is_i64() || n.is_u64() => Kinds::INTEGER,
            Value::Number(_) => Kinds::FRACTION,
            Value::String(_) => Kinds::STRING,
            Value::Array(_) => Kinds::ARRAY,
            Value::Object(_) => Kinds::OBJECT,
        }
    }

    pub(crate) fn or(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    pub(crate) fn and(self, other: Kinds) -> Kinds {
        Kinds(self.0 & other.0)
    }

    fn has(self, other: Kinds) -> bool {
        self.0 & other.0 != 0
    }
}

/// A schema's own keywords.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shape {
    /// The kinds `type`/`enum`/`const` allow; `None` when they say nothing.
    pub kinds: Option<Kinds>,
    /// What the object keywords make of an object (a record or a map), if they say
    /// anything.
    pub object: Option<Ty>,
    /// What the array keywords make of an array (a list), if they say anything.
    pub array: Option<Ty>,
}

impl Shape {
    /// True when the keywords constrain nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.kinds.is_none() && self.object.is_none() && self.array.is_none()
    }

    /// The type of a schema with no combinators.
    ///
    /// Without `type`, JSON Schema applies object keywords to objects only and lets
    /// every other value through. A policy reads such a value as the object it
    /// describes, or as `null` (YAML's empty value: `workflow_dispatch:`); the other
    /// kinds are left out.
    pub(crate) fn standalone(&self) -> Ty {
        match self.kinds {
            Some(kinds) => self.of_kinds(kinds),
            None if self.object.is_none() && self.array.is_none() => Ty::Any,
            None => union(
                [self.object.clone(), self.array.clone(), Some(Ty::Null)]
                    .into_iter()
                    .flatten(),
            ),
        }
    }

    /// The union of the allowed kinds, objects and arrays refined by the keywords.
    fn of_kinds(&self, kinds: Kinds) -> Ty {
        let mut members = Vec::new();
        if kinds.has(Kinds::NULL) {
            members.push(Ty::Null);
        }
        if kinds.has(Kinds::BOOL) {
            members.push(Ty::Bool);
        }
        if kinds.has(Kinds::FRACTION) {
            members.push(Ty::Number);
        } else if kinds.has(Kinds::INTEGER) {
            members.push(Ty::Int);
        }
        if kinds.has(Kinds::STRING) {
            members.push(Ty::String);
        }
        if kinds.has(Kinds::ARRAY) {
            members.push(self.array.clone().unwrap_or(Ty::List(Box::new(Ty::Any))));
        }
        if kinds.has(Kinds::OBJECT) {
            members.push(self.object.clone().unwrap_or(Ty::Map(Box::new(Ty::Any))));
        }
        union(members)
    }

    /// Whether the kinds allow the runtime kind of a scalar type (`Int` and `Number`
    /// come back narrowed to what is allowed).
    pub(crate) fn admit_scalar(&self, ty: Ty) -> Ty {
        let Some(kinds) = self.kinds else {
            return ty;
        };
        let allowed = match ty {
            Ty::Null => kinds.has(Kinds::NULL),
            Ty::Bool => kinds.has(Kinds::BOOL),
            Ty::String => kinds.has(Kinds::STRING),
            Ty::Int => kinds.has(Kinds::INTEGER),
            Ty::Number if !kinds.has(Kinds::FRACTION) => return self.admit_scalar(Ty::Int),
            Ty::Number => true,
            _ => true,
        };
        if allowed { ty } else { Ty::Never }
    }

    /// Whether the kinds allow arrays.
    pub(crate) fn admits_array(&self) -> bool {
        self.kinds.is_none_or(|k| k.has(Kinds::ARRAY))
    }

    /// Whether the kinds allow objects.
    pub(crate) fn admits_object(&self) -> bool {
        self.kinds.is_none_or(|k| k.has(Kinds::OBJECT))
    }
}
