//! Packages, files and imports (E0020, E0021, E0102 across files, E0106, E0108, E0112,
//! E0113).

use super::*;
use crate::hir::ExprKind;

#[test]
fn a_file_without_package_is_reported_at_its_first_item() {
    let c = check("let x = [\n  1]\n");
    let d = c.only_at(Code::MissingPackage, "let x = [");
    assert_eq!(d.message, "missing `package` declaration");
    assert!(help(d).contains("package ci.github"), "{d:#?}");
    // Its items are still checked, as a package of their own.
    let c = check("let x = y\n");
    assert_eq!(c.codes(), [Code::MissingPackage, Code::UnknownName]);
}

#[test]
fn an_empty_file_without_package_is_reported_at_its_start() {
    let c = check("");
    let d = c.only();
    assert_eq!(d.code, Code::MissingPackage);
    assert_eq!((d.primary.span.start, d.primary.span.end), (0, 0));
}

#[test]
fn package_must_come_first_and_once() {
    let c = check("let x = 1\npackage p\n");
    let d = c.only_at(Code::MisplacedPackage, "p");
    assert!(help(d).contains("move `package p`"), "{d:#?}");

    let c = check("package p\npackage q\n");
    let d = c.only_at(Code::MisplacedPackage, "q");
    assert_eq!(secondary_texts(&c, d), ["p"]);
}

#[test]
fn files_of_one_package_share_their_names() {
    let c = check_many(&["package p\nlet x = 1", "package p\nlet y = x + 1"]);
    c.assert_clean();
    assert_eq!(c.program.packages.len(), 1);
    assert_eq!(c.program.lets[1].info.qualified, "p.y");
}

#[test]
fn a_name_defined_in_two_files_of_a_package_is_a_duplicate() {
    let c = check_many(&["package p\nlet x = 1", "package p\nfn x() = 2"]);
    let d = c.only_at(Code::DuplicateItem, "x");
    assert_eq!(d.primary.span.file.0, 1);
    assert_eq!(d.secondary[0].span.file.0, 0);
    assert_eq!(d.message, "`x` is defined twice in package `p`");
}

#[test]
fn imports_reach_lets_functions_and_types_of_other_packages() {
    let c = check_many(&[
        "package lib.util\ntype T = int\nlet limit = 3\nfn double(x) = x * 2",
        "package app\nimport lib.util\nimport lib.util as u2\nfn f(x: util.T) -> u2.T = util.double(x) + util.limit + u2.limit",
    ]);
    c.assert_clean();
    let f = c.program.fns.iter().find(|f| f.info.name == "f").unwrap();
    assert_eq!(
        f.params[0].ty,
        Some(crate::hir::Type::Named(crate::hir::TypeId(0)))
    );
    let ExprKind::Binary { rhs, .. } = &f.value.kind else {
        panic!("{f:?}")
    };
    assert_eq!(rhs.kind, ExprKind::Let(crate::hir::LetId(0)));
}

#[test]
fn imports_are_per_file() {
    let c = check_many(&[
        "package lib\nlet a = 1",
        "package p\nimport lib\nlet x = lib.a",
        "package p\nlet y = lib.a",
    ]);
    let d = c.only_at(Code::UnknownName, "lib");
    assert_eq!(d.primary.span.file.0, 2);
}

#[test]
fn unknown_packages_get_a_suggestion() {
    let c = check("package p\nimport std.gihub\n");
    let d = c.only_at(Code::UnknownPackage, "std.gihub");
    assert_eq!(help(d), "did you mean `std.github`?");

    let c = check_many(&["package p\nimport ci.githb", "package ci.github\n"]);
    assert_eq!(
        help(c.only_at(Code::UnknownPackage, "ci.githb")),
        "did you mean `ci.github`?"
    );

    let c = check("package p\nimport std.kubernetes_stuff\n");
    assert!(help(c.only()).contains("`std.github`"), "{:#?}", c.diags);
}

#[test]
fn members_of_an_unknown_package_are_not_reported_again() {
    let c = check("package p\nimport nope\nlet x = nope.a + nope.f(1)\nfn g(v: nope.T) = v");
    assert_eq!(c.codes(), [Code::UnknownPackage]);
}

#[test]
fn two_imports_binding_one_name_are_an_error() {
    let c = check_many(&[
        "package a.util\n",
        "package b.util\n",
        "package p\nimport a.util\nimport b.util\n",
    ]);
    let d = c.only();
    assert_eq!(d.code, Code::DuplicateImport);
    assert_eq!(c.text(d), "util");
    assert_eq!(d.secondary.len(), 1);
    assert!(help(d).contains("`as`"));
}

#[test]
fn an_import_name_clashing_with_a_top_level_name_is_a_duplicate() {
    let c = check_many(&["package lib\n", "package p\nimport lib\nlet lib = 1"]);
    let d = c.only_at(Code::DuplicateItem, "lib");
    assert!(help(d).contains("import lib as other"), "{d:#?}");
}

#[test]
fn a_bare_import_alias_is_not_a_value() {
    let c = check_many(&["package lib\n", "package p\nimport lib\nlet x = lib"]);
    let d = c.only_at(Code::NotAValue, "lib");
    assert!(help(d).contains("lib.name"), "{d:#?}");
}

#[test]
fn unknown_members_get_a_suggestion() {
    let c = check_many(&[
        "package lib\nlet limit = 1\nfn double(x) = x\ntype Thing = int",
        "package p\nimport lib\nlet a = lib.limt\nlet b = lib.doubel(1)\nfn f(x: lib.Thin) = x",
    ]);
    assert_eq!(
        c.codes(),
        [
            Code::UnknownMember,
            Code::UnknownMember,
            Code::UnknownMember
        ]
    );
    let helps: Vec<&str> = c.diags.iter().map(help).collect();
    assert_eq!(
        helps,
        [
            "did you mean `lib.limit`?",
            "did you mean `lib.double`?",
            "did you mean `lib.Thing`?"
        ]
    );
    assert_eq!(c.diags[0].message, "package `lib` has no member `limt`");
}

#[test]
fn rules_and_functions_of_other_packages_are_not_values() {
    let c = check_many(&[
        "package lib\ndeny r { message \"m\" }\nfn f() = 1",
        "package p\nimport lib\nlet a = lib.r\nlet b = lib.f",
    ]);
    assert_eq!(c.codes(), [Code::NotAValue, Code::NotAValue]);
    assert_eq!(c.diags[0].message, "`lib.r` is a rule, not a value");
    assert_eq!(c.diags[1].message, "`lib.f` is a function, not a value");
}

#[test]
fn calls_through_an_alias_check_arity() {
    let c = check_many(&[
        "package lib\nfn f(a, b) = a\nlet v = 1",
        "package p\nimport lib\nlet x = lib.f(1)\nlet y = lib.v(1)",
    ]);
    assert_eq!(c.codes(), [Code::WrongArity, Code::UnknownFunction]);
    assert_eq!(
        c.diags[0].message,
        "`lib.f` takes 2 arguments but 1 was given"
    );
    assert_eq!(c.diags[1].message, "`lib.v` is a let, not a function");
}

#[test]
fn a_user_package_wins_over_a_std_module_of_the_same_name() {
    let c = check_many(&[
        "package std.github\nlet mine = 1",
        "package p\nimport std.github\nlet x = github.mine",
    ]);
    c.assert_clean();
    assert_eq!(c.sources.iter().count(), 2);
}
