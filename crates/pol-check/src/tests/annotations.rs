//! Annotations (E0024–E0027) and rule metadata.

use super::*;
use crate::hir::Severity;

#[test]
fn annotations_are_read_into_the_rule() {
    let c = check_body(
        "@id(\"GHA001\")\n@severity(\"critical\")\n@tags(\"supply-chain\", \"github\")\n@url(\"https://x.test/r\")\ndeny r { message \"m\" }",
    );
    c.assert_clean();
    let r = &c.program.rules[0];
    assert_eq!(r.id.as_deref(), Some("GHA001"));
    assert_eq!(r.severity, Severity::Critical);
    assert_eq!(r.tags, ["supply-chain", "github"]);
    assert_eq!(r.url.as_deref(), Some("https://x.test/r"));
}

#[test]
fn severity_defaults_to_medium_for_deny_and_low_for_warn() {
    let c = check_body("deny d { message \"m\" }\nwarn w { message \"m\" }");
    c.assert_clean();
    assert_eq!(c.program.rules[0].severity, Severity::Medium);
    assert_eq!(c.program.rules[1].severity, Severity::Low);
    assert_eq!(c.program.rules[0].id, None);
    assert!(c.program.rules[0].tags.is_empty());
}

#[test]
fn annotations_belong_to_rules_only() {
    let c = check_body("@id(\"x\")\nlet a = 1\n@severity(\"high\")\nfn f() = 1");
    assert_eq!(
        c.codes(),
        [Code::MisplacedAnnotation, Code::MisplacedAnnotation]
    );
    assert_eq!(c.text(&c.diags[0]), "@id(\"x\")");
    assert_eq!(c.diags[0].message, "`@id` is not allowed here");
}

#[test]
fn unknown_annotations_get_a_suggestion() {
    let c = check_body("@severty(\"high\")\n@owner(\"me\")\ndeny r { message \"m\" }");
    assert_eq!(
        c.codes(),
        [Code::UnknownAnnotation, Code::UnknownAnnotation]
    );
    assert_eq!(c.text(&c.diags[0]), "severty");
    assert!(
        help(&c.diags[0]).starts_with("did you mean `@severity`?"),
        "{:#?}",
        c.diags[0]
    );
    assert!(
        help(&c.diags[1]).starts_with("the annotations are `@id`"),
        "{:#?}",
        c.diags[1]
    );
}

#[test]
fn unknown_severities_list_the_allowed_values() {
    let c = check_body("@severity(\"hihg\")\ndeny r { message \"m\" }");
    let d = c.only_at(Code::InvalidAnnotation, "\"hihg\"");
    assert_eq!(d.message, "unknown severity `hihg`");
    assert_eq!(
        help(d),
        "did you mean `high`? the severities are `info`, `low`, `medium`, `high`, `critical`"
    );
    // The default stays.
    assert_eq!(c.program.rules[0].severity, Severity::Medium);
}

#[test]
fn annotation_arguments_are_checked() {
    let c = check_body(
        "let v = \"x\"\n@id(\"a\", \"b\")\n@url()\n@tags()\n@severity(v)\ndeny r { message \"m\" }\n@id(\"\")\nwarn w { message \"m\" }",
    );
    assert_eq!(c.codes(), [Code::InvalidAnnotation; 5]);
    let messages: Vec<&str> = c.diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`@id` takes one string but 2 were given",
            "`@url` takes one string but 0 were given",
            "`@tags` needs at least one tag",
            "the arguments of `@severity` must be string literals",
            "the value of `@id` is empty",
        ]
    );
    assert_eq!(c.text(&c.diags[3]), "v");
}

#[test]
fn an_annotation_given_twice_is_reported() {
    let c = check_body("@severity(\"high\")\n@severity(\"low\")\ndeny r { message \"m\" }");
    let d = c.only_at(Code::DuplicateAnnotation, "@severity(\"low\")");
    assert_eq!(secondary_texts(&c, d), ["@severity(\"high\")"]);
    assert_eq!(c.program.rules[0].severity, Severity::High);
}

#[test]
fn a_severity_with_the_wrong_arity_lists_the_severities() {
    let c = check_body("@severity(\"high\", \"low\")\ndeny r { message \"m\" }");
    let d = c.only();
    assert_eq!(d.code, Code::InvalidAnnotation);
    assert_eq!(d.message, "`@severity` takes one string but 2 were given");
    assert!(
        help(d).contains("`info`, `low`, `medium`, `high`, `critical`"),
        "{d:#?}"
    );
}

/// Two rules of one program with the same `@id`, in one package or two, are E0115 at
/// the second, pointing at the first; rules without an id, or with distinct ones, pass.
#[test]
fn a_rule_id_used_twice_is_an_error() {
    let c = check_many(&[
        "package a\n@id(\"X1\")\ndeny one { if input.a message \"a\" }\ndeny plain { if input.b message \"b\" }\n",
        "package b\n@id(\"X1\")\nwarn two { if input.c message \"c\" }\n@id(\"X2\")\ndeny three { if input.d message \"d\" }\ndeny plain { if input.e message \"e\" }\n",
    ]);
    assert_eq!(c.codes(), [Code::DuplicateRuleId]);
    let d = c.only();
    assert_eq!(d.message, "`b.two` has the id `X1` of `a.one`");
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(d.secondary[0].message, "first rule with this id");
}
