//! `Ty`: the checker's view of types — unions flattened, named types unfolded on
//! demand, sizes bounded (`SIZE_LIMIT`) — and the questions it asks of them: which
//! runtime kinds a value may have, what reading a field gives, what iterating gives.

pub use crate::hir::Kinds;
use crate::hir::{self, Program, TypeId};
use std::collections::HashSet;
use std::rc::Rc;

/// A type as the checker reasons about it.
///
/// Parts are shared (`Rc`), so cloning a type is cheap, and, `Ty` being `Eq`, comparing
/// two `Rc`s to the same part does not walk it (std's `Rc` compares pointers first for
/// `Eq` types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// Unknown: checked at run time.
    Any,
    /// No value at all (the elements of an empty list).
    Never,
    /// `null`
    Null,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `string`
    Str,
    /// `[T]`
    List(Rc<Ty>),
    /// `set<T>`
    Set(Rc<Ty>),
    /// `map<T>`
    Map(Rc<Ty>),
    /// A record: fields sorted by name.
    Record(Rc<Vec<(String, Field)>>),
    /// Two or more members, none of them `Any`, `Never` or a union.
    Union(Vec<Ty>),
    /// A `type` declaration, unfolded when needed.
    Named(TypeId),
}

/// A field of a record type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its type.
    pub ty: Ty,
    /// Declared with `?`: may be absent (reads as null).
    pub optional: bool,
}

/// How deep named types are unfolded before giving up (recursive types).
const UNFOLD_LIMIT: usize = 24;

/// Unions larger than this become `any`, to keep checking fast.
const UNION_LIMIT: usize = 24;

/// Types larger than this (in nodes, see [`fits`]) keep only their kinds (see
/// [`widen`]), so that no type the checker builds, and no walk over one, is big: a
/// chain of lets that doubles a type at each step would otherwise make one of
/// 2^40 nodes from a policy of 40 lines (issue 13).
pub(super) const SIZE_LIMIT: usize = 2048;

impl Ty {
    /// `T | null`
    pub fn nullable(self) -> Ty {
        union(self, Ty::Null)
    }

    /// `[T]`
    pub fn list(elem: Ty) -> Ty {
        bounded(Ty::List(Rc::new(elem)))
    }

    /// `set<T>`
    pub fn set(elem: Ty) -> Ty {
        bounded(Ty::Set(Rc::new(elem)))
    }

    /// `map<T>`
    pub fn map(values: Ty) -> Ty {
        bounded(Ty::Map(Rc::new(values)))
    }

    /// A record with these fields, sorted here by name; of a name given twice, the
    /// last field counts (as in an object literal).
    pub fn record(mut fields: Vec<(String, Field)>) -> Ty {
        // A stable sort: fields of one name stay in their order.
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unique: Vec<(String, Field)> = Vec::with_capacity(fields.len());
        for field in fields {
            match unique.last_mut() {
                Some(last) if last.0 == field.0 => *last = field,
                _ => unique.push(field),
            }
        }
        bounded(Ty::Record(Rc::new(unique)))
    }
}

/// `ty` if it [`fits`], else `ty` [`widen`]ed. Every list, set, map, record and union
/// type is built through this, so every type has at most `SIZE_LIMIT` nodes (a few
/// more when widened, see [`widen`]).
fn bounded(ty: Ty) -> Ty {
    if fits(&ty) { ty } else { widen(&ty) }
}

/// Whether `ty` has at most `SIZE_LIMIT` nodes, a part shared twice counted twice (a
/// walk over the type visits it twice) and a named type counted as one (it is
/// unfolded only when asked, one level at a time). Counting stops at the limit, so
/// this takes at most `SIZE_LIMIT` steps whatever the size of `ty`.
pub fn fits(ty: &Ty) -> bool {
    let mut left = SIZE_LIMIT;
    within(ty, &mut left)
}

fn within(ty: &Ty, left: &mut usize) -> bool {
    let Some(rest) = left.checked_sub(1) else {
        return false;
    };
    *left = rest;
    match ty {
        Ty::List(t) | Ty::Set(t) | Ty::Map(t) => within(t, left),
        Ty::Record(fields) => fields.iter().all(|(_, f)| within(&f.ty, left)),
        Ty::Union(ms) => ms.iter().all(|m| within(m, left)),
        Ty::Any | Ty::Never | Ty::Null | Ty::Bool | Ty::Int | Ty::Float | Ty::Str => true,
        Ty::Named(_) => true,
    }
}

/// `ty` with only its kinds kept: a list becomes `[any]`, a set `set<any>`, a map or
/// a record `map<any>`, each member of a union so. A value of `ty` is a value of the
/// result, whose kinds are those of `ty`, so checks stay sound: what the widened
/// parts held is checked at run time, as for `any`. The result has at most
/// `1 + 2 * UNION_LIMIT` nodes.
fn widen(ty: &Ty) -> Ty {
    match ty {
        Ty::List(_) => Ty::List(Rc::new(Ty::Any)),
        Ty::Set(_) => Ty::Set(Rc::new(Ty::Any)),
        Ty::Map(_) | Ty::Record(_) => Ty::Map(Rc::new(Ty::Any)),
        Ty::Union(ms) => {
            let mut members: Vec<Ty> = Vec::new();
            for m in ms.iter().map(widen) {
                if !members.contains(&m) {
                    members.push(m);
                }
            }
            match members.len() {
                0 => Ty::Never,
                1 => members.pop().unwrap_or(Ty::Never),
                _ => Ty::Union(members),
            }
        }
        other => other.clone(),
    }
}

/// The union of two types.
pub fn union(a: Ty, b: Ty) -> Ty {
    let mut members: Vec<Ty> = Vec::new();
    for t in [a, b] {
        match t {
            Ty::Any => return Ty::Any,
            Ty::Never => {}
            Ty::Union(ms) => {
                for m in ms {
                    if !members.contains(&m) {
                        members.push(m);
                    }
                }
            }
            other => {
                if !members.contains(&other) {
                    members.push(other);
                }
            }
        }
    }
    match members.len() {
        0 => Ty::Never,
        1 => members.pop().unwrap_or(Ty::Never),
        n if n > UNION_LIMIT => Ty::Any,
        _ => bounded(Ty::Union(members)),
    }
}

/// The union of many types (`Never` for none).
pub fn union_all(types: impl IntoIterator<Item = Ty>) -> Ty {
    types.into_iter().fold(Ty::Never, union)
}

/// Converts a declared type.
pub fn from_hir(ty: &hir::Type) -> Ty {
    match ty {
        hir::Type::Any => Ty::Any,
        hir::Type::Null => Ty::Null,
        hir::Type::Bool => Ty::Bool,
        hir::Type::Int => Ty::Int,
        hir::Type::Float => Ty::Float,
        hir::Type::Number => Ty::Union(vec![Ty::Int, Ty::Float]),
        hir::Type::String => Ty::Str,
        hir::Type::List(t) => Ty::list(from_hir(t)),
        hir::Type::Set(t) => Ty::set(from_hir(t)),
        hir::Type::Map(t) => Ty::map(from_hir(t)),
        hir::Type::Record(fields) => Ty::record(
            fields
                .iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        Field {
                            ty: from_hir(&f.ty),
                            optional: f.optional,
                        },
                    )
                })
                .collect(),
        ),
        hir::Type::Union(members) => union_all(members.iter().map(from_hir)),
        hir::Type::Named(id) => Ty::Named(*id),
    }
}

/// Type questions that need the program (to unfold named types).
pub struct Types<'p> {
    pub program: &'p Program,
}

impl Types<'_> {
    /// The members of `ty` with named types unfolded (a non-union type is one member);
    /// `[any]` when there are more than `UNION_LIMIT`, as for a union.
    pub fn members(&self, ty: &Ty) -> Vec<Ty> {
        let mut walk = Members::default();
        self.collect_members(ty, &mut walk);
        if walk.out.len() > UNION_LIMIT {
            return vec![Ty::Any];
        }
        walk.out
    }

    fn collect_members(&self, ty: &Ty, walk: &mut Members) {
        if walk.out.len() > UNION_LIMIT {
            return;
        }
        match ty {
            Ty::Union(ms) => ms.iter().for_each(|m| self.collect_members(m, walk)),
            // Its members are in already: a named type reached by two paths (`type T
            // = A | B` where `A` and `B` are both `C`) is unfolded once, not once per
            // path, which would be exponential in the depth of such diamonds.
            Ty::Named(id) if walk.unfolded.contains(id) => {}
            Ty::Named(id) => match self.program.type_def(*id) {
                Some(def)
                    if walk.unfolding.len() < UNFOLD_LIMIT && !walk.unfolding.contains(id) =>
                {
                    walk.unfolding.push(*id);
                    self.collect_members(&from_hir(&def.ty), walk);
                    walk.unfolding.pop();
                    walk.unfolded.insert(*id);
                }
                // Unknown, unfolded too deep, or a member of itself (`type T = T | int`).
                _ => walk.push(Ty::Any),
            },
            Ty::Never => {}
            other => walk.push(other.clone()),
        }
    }

    /// The runtime kinds a value of `ty` may have, and whether it is (partly) `any`.
    pub fn kinds(&self, ty: &Ty) -> (Kinds, bool) {
        let mut kinds = Kinds::NONE;
        let mut dynamic = false;
        for m in self.members(ty) {
            kinds = kinds.union(match m {
                Ty::Any => {
                    dynamic = true;
                    Kinds::ALL
                }
                Ty::Never => Kinds::NONE,
                Ty::Null => Kinds::NULL,
                Ty::Bool => Kinds::BOOL,
                Ty::Int => Kinds::INT,
                Ty::Float => Kinds::FLOAT,
                Ty::Str => Kinds::STR,
                Ty::List(_) => Kinds::LIST,
                Ty::Set(_) => Kinds::SET,
                Ty::Map(_) | Ty::Record(_) => Kinds::OBJECT,
                Ty::Union(_) | Ty::Named(_) => Kinds::ALL,
            });
        }
        (kinds, dynamic)
    }

    /// What `x.name` gives, and whether the field is unknown to every record `x` may
    /// be (with the field names those records do declare, for suggestions).
    pub fn field(&self, ty: &Ty, name: &str) -> FieldRead {
        let mut result = Ty::Never;
        let mut records = 0;
        let mut declared = false;
        let mut open = false;
        let mut names: Vec<String> = Vec::new();
        for m in self.members(ty) {
            let t = match m {
                Ty::Any => {
                    open = true;
                    Ty::Any
                }
                Ty::Map(v) => {
                    open = true;
                    Rc::unwrap_or_clone(v).nullable()
                }
                Ty::Record(fields) => {
                    records += 1;
                    match fields.iter().find(|(n, _)| n == name) {
                        Some((_, f)) => {
                            declared = true;
                            if f.optional {
                                f.ty.clone().nullable()
                            } else {
                                f.ty.clone()
                            }
                        }
                        None => {
                            names.extend(fields.iter().map(|(n, _)| n.clone()));
                            Ty::Null
                        }
                    }
                }
                _ => Ty::Null,
            };
            result = union(result, t);
        }
        if matches!(result, Ty::Never) {
            result = Ty::Null;
        }
        FieldRead {
            ty: result,
            unknown: records > 0 && !declared && !open,
            known_fields: names,
        }
    }

    /// What iterating `ty` gives: (key type, element type).
    pub fn elements(&self, ty: &Ty) -> (Ty, Ty) {
        let mut keys = Ty::Never;
        let mut values = Ty::Never;
        for m in self.members(ty) {
            let (k, v) = match m {
                Ty::Any => (Ty::Any, Ty::Any),
                Ty::List(t) | Ty::Set(t) => (Ty::Int, Rc::unwrap_or_clone(t)),
                Ty::Map(t) => (Ty::Str, Rc::unwrap_or_clone(t)),
                Ty::Record(fields) => (
                    Ty::Str,
                    union_all(fields.iter().map(|(_, f)| {
                        if f.optional {
                            f.ty.clone().nullable()
                        } else {
                            f.ty.clone()
                        }
                    })),
                ),
                _ => (Ty::Never, Ty::Never),
            };
            keys = union(keys, k);
            values = union(values, v);
        }
        (keys, values)
    }

    /// The type without `null`.
    pub fn non_null(&self, ty: &Ty) -> Ty {
        union_all(
            self.members(ty)
                .into_iter()
                .filter(|m| !matches!(m, Ty::Null)),
        )
    }
}

/// The state of [`Types::members`].
#[derive(Default)]
struct Members {
    out: Vec<Ty>,
    /// The named types being unfolded, outermost first.
    unfolding: Vec<TypeId>,
    /// The named types whose members are in `out`.
    unfolded: HashSet<TypeId>,
}

impl Members {
    fn push(&mut self, ty: Ty) {
        if !self.out.contains(&ty) {
            self.out.push(ty);
        }
    }
}

/// The result of reading a field.
pub struct FieldRead {
    /// The type of the value read.
    pub ty: Ty,
    /// No record the value may be declares the field (and it is not a map or `any`).
    pub unknown: bool,
    /// Fields those records declare, for "did you mean".
    pub known_fields: Vec<String>,
}
