//! Types (E0107, E0028, record fields).

use super::*;
use crate::hir::{FieldTy, Type, TypeId};

fn input_type(c: &Checked) -> Type {
    c.program.packages[0].input_type.clone().unwrap()
}

#[test]
fn builtin_and_composite_types_resolve() {
    let c = check_body(
        "input: {name: string, tags?: set<string>, \"runs-on\": [int | float], env: map<any>, n: number | null | bool}",
    );
    c.assert_clean();
    let Type::Record(fields) = input_type(&c) else {
        panic!()
    };
    assert_eq!(
        fields,
        [
            FieldTy {
                name: "name".into(),
                optional: false,
                ty: Type::String
            },
            FieldTy {
                name: "tags".into(),
                optional: true,
                ty: Type::Set(Box::new(Type::String))
            },
            FieldTy {
                name: "runs-on".into(),
                optional: false,
                ty: Type::List(Box::new(Type::Union(vec![Type::Int, Type::Float])))
            },
            FieldTy {
                name: "env".into(),
                optional: false,
                ty: Type::Map(Box::new(Type::Any))
            },
            FieldTy {
                name: "n".into(),
                optional: false,
                ty: Type::Union(vec![Type::Number, Type::Null, Type::Bool])
            },
        ]
    );
}

#[test]
fn user_types_resolve_to_their_id() {
    let c = check_body("type Step = {uses?: string}\ntype Job = {steps: [Step]}\ninput: Job");
    c.assert_clean();
    assert_eq!(input_type(&c), Type::Named(TypeId(1)));
    let Type::Record(fields) = &c.program.types[1].ty else {
        panic!()
    };
    assert_eq!(fields[0].ty, Type::List(Box::new(Type::Named(TypeId(0)))));
}

#[test]
fn unknown_types_get_a_suggestion() {
    let c = check_body("type Step = int\nfn f(s: Stpe, n: integer, x: strin) = s");
    assert_eq!(
        c.codes(),
        [Code::UnknownType, Code::UnknownType, Code::UnknownType]
    );
    let helps: Vec<&str> = c.diags.iter().map(help).collect();
    assert_eq!(
        helps,
        ["did you mean `Step`?", "", "did you mean `string`?"]
    );
    assert_eq!(c.diags[1].message, "unknown type `integer`");
}

#[test]
fn generics_need_one_argument() {
    let c = check_body("fn f(a: set<int, int>, b: map, c: list<int>) = a");
    assert_eq!(
        c.codes(),
        [Code::UnknownType, Code::UnknownType, Code::UnknownType]
    );
    assert_eq!(
        c.diags[0].message,
        "`set` takes one type argument but 2 were given"
    );
    assert_eq!(c.text(&c.diags[1]), "map");
    assert!(help(&c.diags[1]).contains("map<T>"));
    assert_eq!(c.diags[2].message, "unknown generic type `list`");
    assert!(help(&c.diags[2]).contains("[T]"));
}

#[test]
fn values_and_packages_are_not_types() {
    let c = check_many(&[
        "package lib\n",
        "package p\nimport lib\nlet v = 1\nfn f(a: v, b: lib, c: nope.T) = a",
    ]);
    assert_eq!(
        c.codes(),
        [Code::UnknownType, Code::UnknownType, Code::UnknownType]
    );
    assert_eq!(c.diags[0].message, "`v` is a let, not a type");
    assert_eq!(
        c.diags[1].message,
        "`lib` is an imported package, not a type"
    );
    assert_eq!(c.diags[2].message, "unknown type `nope.T`");
}

#[test]
fn a_record_field_declared_twice_is_a_duplicate() {
    let c = check_body("type R = {a: int, b: int, a: string}");
    let d = c.only();
    assert_eq!(d.code, Code::DuplicateItem);
    assert_eq!(d.message, "field `a` is declared twice");
}

#[test]
fn input_type_is_declared_once_per_package() {
    let c = check_many(&["package p\ninput: any", "package p\ninput: int"]);
    let d = c.only_at(Code::DuplicateInputType, "int");
    assert_eq!(secondary_texts(&c, d), ["any"]);
    // Different packages may each declare one.
    check_many(&["package p\ninput: any", "package q\ninput: int"]).assert_clean();
}
