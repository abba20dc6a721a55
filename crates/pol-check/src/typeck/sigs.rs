//! Signatures of the builtins: the kinds each argument accepts and the result type,
//! computed from the argument types.

use super::ty::{Kinds, Ty, Types, union, union_all};
use crate::builtins::Builtin;
use std::rc::Rc;

/// An argument of the wrong kind.
pub struct ArgError {
    /// Which argument (0-based; the receiver of a method call is 0).
    pub index: usize,
    /// What it should be, in words.
    pub expected: &'static str,
}

const COLLECTION: Kinds = Kinds(Kinds::LIST.0 | Kinds::SET.0);
const SIZED: Kinds = Kinds(Kinds::STR.0 | Kinds::LIST.0 | Kinds::SET.0 | Kinds::OBJECT.0);
const NUMERIC_OR_STR: Kinds = Kinds(Kinds::INT.0 | Kinds::FLOAT.0 | Kinds::STR.0);

fn accepts(
    types: &Types<'_>,
    args: &[Ty],
    index: usize,
    allowed: Kinds,
    expected: &'static str,
) -> Result<(), ArgError> {
    let Some(arg) = args.get(index) else {
        return Ok(());
    };
    let (kinds, dynamic) = types.kinds(arg);
    if dynamic || kinds.without(Kinds::NULL).only(allowed) {
        Ok(())
    } else {
        Err(ArgError { index, expected })
    }
}

/// The element type of a list or set argument.
fn element(types: &Types<'_>, ty: &Ty) -> Ty {
    types.elements(ty).1
}

/// Checks the arguments of a builtin call and gives its result type. With `sound`, an
/// `any` argument may be null, so the result may be too (builtins given null give
/// null); otherwise `any` is trusted to be a value, as gradual checking does.
pub fn call(types: &Types<'_>, builtin: Builtin, args: &[Ty], sound: bool) -> Result<Ty, ArgError> {
    use Builtin as B;
    let string = |i| accepts(types, args, i, Kinds::STR, "a string");
    let base = match builtin {
        B::Len | B::Count => {
            accepts(types, args, 0, SIZED, "a string, list, set or object")?;
            Ty::Int
        }
        B::Lower | B::Upper | B::Trim => {
            string(0)?;
            Ty::Str
        }
        B::StartsWith | B::EndsWith | B::Matches | B::Glob => {
            string(0)?;
            string(1)?;
            Ty::Bool
        }
        B::Contains => {
            accepts(types, args, 0, SIZED, "a string, list, set or object")?;
            let (haystack, dynamic) = types.kinds(args.first().unwrap_or(&Ty::Any));
            if !dynamic && haystack.has(Kinds::STR) {
                string(1)?;
            }
            Ty::Bool
        }
        B::Split => {
            string(0)?;
            string(1)?;
            Ty::list(Ty::Str)
        }
        B::Join => {
            accepts(types, args, 0, COLLECTION, "a list of strings")?;
            string(1)?;
            let elem = element(types, args.first().unwrap_or(&Ty::Any));
            let (kinds, dynamic) = types.kinds(&elem);
            if !dynamic && !kinds.only(Kinds::STR) {
                return Err(ArgError {
                    index: 0,
                    expected: "a list of strings",
                });
            }
            Ty::Str
        }
        B::Replace => {
            string(0)?;
            string(1)?;
            string(2)?;
            Ty::Str
        }
        B::ToString => Ty::Str,
        B::ToInt => {
            accepts(types, args, 0, NUMERIC_OR_STR, "a number or a string")?;
            Ty::Int
        }
        B::ToFloat => {
            accepts(types, args, 0, NUMERIC_OR_STR, "a number or a string")?;
            Ty::Float
        }
        B::Keys => {
            accepts(types, args, 0, Kinds::OBJECT, "an object")?;
            Ty::list(Ty::Str)
        }
        B::Values => {
            accepts(types, args, 0, Kinds::OBJECT, "an object")?;
            Ty::list(element(types, args.first().unwrap_or(&Ty::Any)))
        }
        B::Sum => {
            accepts(types, args, 0, COLLECTION, "a list of numbers")?;
            let elem = element(types, args.first().unwrap_or(&Ty::Any));
            let (kinds, dynamic) = types.kinds(&elem);
            if !dynamic && !kinds.only(Kinds::NUMBER) {
                return Err(ArgError {
                    index: 0,
                    expected: "a list of numbers",
                });
            }
            if !dynamic && kinds.only(Kinds::INT) {
                Ty::Int
            } else {
                union(Ty::Int, Ty::Float)
            }
        }
        B::Min | B::Max => {
            accepts(types, args, 0, COLLECTION, "a list or set")?;
            element(types, args.first().unwrap_or(&Ty::Any)).nullable()
        }
        B::Sort | B::Unique => {
            accepts(types, args, 0, COLLECTION, "a list or set")?;
            Ty::list(element(types, args.first().unwrap_or(&Ty::Any)))
        }
        B::Flatten => {
            accepts(types, args, 0, COLLECTION, "a list or set")?;
            let elem = element(types, args.first().unwrap_or(&Ty::Any));
            let inner = union_all(types.members(&elem).into_iter().map(|m| match m {
                Ty::List(t) | Ty::Set(t) => Rc::unwrap_or_clone(t),
                other => other,
            }));
            Ty::list(inner)
        }
        B::TypeOf => return Ok(Ty::Str),
        B::Comment => return Ok(Ty::Str.nullable()),
        B::FromJson => {
            string(0)?;
            Ty::Any
        }
        B::SemverCompare => {
            string(0)?;
            string(1)?;
            Ty::Int
        }
        B::SemverSatisfies => {
            string(0)?;
            string(1)?;
            Ty::Bool
        }
        // Any value: a scalar that is not a string has none.
        B::Strings => Ty::list(Ty::Str),
        B::CommonPrefix | B::CommonSuffix => {
            string(0)?;
            string(1)?;
            Ty::Str
        }
    };
    let nullable = args.iter().any(|a| {
        let (kinds, dynamic) = types.kinds(a);
        kinds.has(Kinds::NULL) && (!dynamic || sound)
    });
    Ok(if nullable { base.nullable() } else { base })
}
