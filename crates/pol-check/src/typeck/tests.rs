//! Tests of the bound on the size of types (see `ty::SIZE_LIMIT`).

use super::ty::{Field, SIZE_LIMIT, Ty, fits, union};
use crate::hir::Type;
use std::rc::Rc;

/// The size of a declared type as `ty::fits` counts it: a named type is one node.
fn declared_size(ty: &Type) -> usize {
    1 + match ty {
        Type::List(t) | Type::Set(t) | Type::Map(t) => declared_size(t),
        Type::Record(fields) => fields.iter().map(|f| declared_size(&f.ty)).sum(),
        Type::Union(ms) => ms.iter().map(declared_size).sum(),
        // `number` is `int | float`.
        Type::Number => 2,
        _ => 0,
    }
}

#[test]
fn types_of_the_standard_library_fit() {
    let c = crate::tests::check("package p\nimport std.github\nimport std.k8s\n");
    c.assert_clean();
    assert!(c.program.types.len() > 100);
    for def in &c.program.types {
        let size = declared_size(&def.ty);
        assert!(
            size <= SIZE_LIMIT / 2,
            "`{}` has {size} nodes: too close to the limit, it would be widened to its kinds",
            def.info.qualified
        );
    }
}

/// A record of `n` int fields, built without the bound.
fn raw_record(n: usize) -> Ty {
    let fields = (0..n)
        .map(|i| {
            let ty = Ty::Int;
            (
                format!("f{i}"),
                Field {
                    ty,
                    optional: false,
                },
            )
        })
        .collect();
    Ty::Record(Rc::new(fields))
}

#[test]
fn types_past_the_limit_keep_only_their_kinds() {
    let big = raw_record(SIZE_LIMIT);
    assert!(!fits(&big));
    assert!(fits(&raw_record(SIZE_LIMIT - 1)));
    let any = || Rc::new(Ty::Any);
    assert_eq!(Ty::list(big.clone()), Ty::List(any()));
    assert_eq!(Ty::set(big.clone()), Ty::Set(any()));
    assert_eq!(Ty::map(big.clone()), Ty::Map(any()));
    let field = Field {
        ty: big.clone(),
        optional: true,
    };
    assert_eq!(Ty::record(vec![("x".into(), field)]), Ty::Map(any()));
    // Each member of a union keeps its kind; members that become equal merge.
    let list = Ty::list(big.clone());
    let members = union(union(list, Ty::Str), Ty::set(Ty::Int));
    assert_eq!(
        union(members, big),
        Ty::Union(vec![
            Ty::List(any()),
            Ty::Str,
            Ty::Set(any()),
            Ty::Map(any())
        ])
    );
}

#[test]
fn types_within_the_limit_are_kept() {
    let mut t = Ty::Int;
    for _ in 0..8 {
        let field = |ty: &Ty| Field {
            ty: ty.clone(),
            optional: false,
        };
        t = Ty::record(vec![("b".into(), field(&t)), ("a".into(), field(&t))]);
    }
    let Ty::Record(fields) = &t else {
        panic!("{t:?}")
    };
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(fits(&t));
}
