//! One test per mapping rule, on small schemas.

use crate::{Options, SchemaError, types_from_json_schema};
use serde_json::{Value, json};

/// The declarations for `schema`, its root named `T`.
fn root(schema: Value) -> String {
    types_from_json_schema(
        &schema,
        &Options {
            root: Some("T".into()),
            ..Options::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The declarations for the given definitions.
fn only(schema: Value, roots: &[&str]) -> String {
    let options = Options {
        roots: roots.iter().map(|r| (*r).to_owned()).collect(),
        ..Options::default()
    };
    types_from_json_schema(&schema, &options).unwrap_or_else(|e| panic!("{e}"))
}

fn error(schema: Value, options: Options) -> String {
    types_from_json_schema(&schema, &options)
        .unwrap_err()
        .to_string()
}

#[test]
fn scalars() {
    for (ty, pol) in [
        ("string", "string"),
        ("integer", "int"),
        ("number", "number"),
        ("boolean", "bool"),
        ("null", "null"),
        ("array", "[any]"),
        ("object", "map<any>"),
    ] {
        assert_eq!(root(json!({ "type": ty })), format!("type T = {pol}\n"));
    }
}

#[test]
fn no_constraint_is_any() {
    assert_eq!(root(json!(true)), "type T = any\n");
    assert_eq!(root(json!({})), "type T = any\n");
    assert_eq!(
        root(json!({"description": "Anything."})),
        "/// Anything.\ntype T = any\n"
    );
}

#[test]
fn properties_make_a_record() {
    let schema = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "runs-on": {"type": "string"},
            "type": {"type": "string"},
            "if": {"type": ["boolean", "string"]},
            "gone": false
        },
        "required": ["name", "undeclared"]
    });
    assert_eq!(
        root(schema),
        "type T = {if?: bool | string, name: string, \"runs-on\"?: string, type?: string}\n"
    );
}

#[test]
fn long_records_break_one_field_per_line() {
    let mut properties = serde_json::Map::new();
    for name in [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    ] {
        properties.insert(name.into(), json!({"type": "object", "properties": {"x": {"type": "string"}, "y": {"type": "integer"}}}));
    }
    let out = root(json!({ "type": "object", "properties": properties }));
    assert!(
        out.starts_with("type T = {\n  alpha?: {x?: string, y?: int},\n"),
        "{out}"
    );
    assert!(
        out.ends_with("  hotel?: {x?: string, y?: int},\n}\n"),
        "{out}"
    );
}

#[test]
fn additional_or_pattern_properties_alone_make_a_map() {
    let env = json!({"type": "object", "additionalProperties": {"type": "string"}});
    assert_eq!(root(env), "type T = map<string>\n");
    let jobs = json!({
        "type": "object",
        "patternProperties": {"^[a-z]+$": {"type": "integer"}, "^x-": {"type": "string"}},
        "additionalProperties": false
    });
    assert_eq!(root(jobs), "type T = map<int | string>\n");
    // `additionalProperties: true` restates the default.
    assert_eq!(
        root(json!({"type": "object", "additionalProperties": true})),
        "type T = map<any>\n"
    );
    assert_eq!(
        root(json!({"type": "object", "additionalProperties": false})),
        "type T = {}\n"
    );
}

#[test]
fn properties_with_more_keys_make_a_record_or_a_map() {
    let schema = json!({
        "type": "object",
        "properties": {"args": {"type": "string"}},
        "additionalProperties": {"type": "integer"}
    });
    assert_eq!(root(schema), "type T = {args?: string} | map<int>\n");
    // The default `additionalProperties: true` keeps the record closed for reading.
    let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": true});
    assert_eq!(root(schema), "type T = {a?: string}\n");
}

#[test]
fn object_keywords_without_type_also_admit_null() {
    let schema =
        json!({"properties": {"inputs": {"type": "object"}}, "additionalProperties": false});
    assert_eq!(root(schema), "type T = {inputs?: map<any>} | null\n");
}

#[test]
fn arrays_and_tuples() {
    assert_eq!(
        root(json!({"type": "array", "items": {"type": "string"}})),
        "type T = [string]\n"
    );
    let tuple = json!({"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false});
    assert_eq!(root(tuple), "type T = [string | int]\n");
    let open = json!({"type": "array", "items": [{"type": "string"}]});
    assert_eq!(root(open), "type T = [any]\n");
    let rest = json!({"type": "array", "items": [{"type": "string"}], "additionalItems": {"type": "string"}});
    assert_eq!(root(rest), "type T = [string]\n");
}

#[test]
fn enum_and_const_give_their_base_type() {
    assert_eq!(
        root(json!({"type": "string", "enum": ["a", "b"]})),
        "type T = string\n"
    );
    assert_eq!(
        root(json!({"enum": ["a", 1, null]})),
        "type T = null | int | string\n"
    );
    assert_eq!(root(json!({"enum": [1, 2.5]})), "type T = number\n");
    assert_eq!(root(json!({"const": true})), "type T = bool\n");
    // `type` and `enum` together: what both allow.
    assert_eq!(
        root(json!({"type": ["string", "integer"], "enum": ["x"]})),
        "type T = string\n"
    );
}

#[test]
fn type_lists_one_of_and_any_of_are_unions() {
    assert_eq!(
        root(json!({"type": ["number", "string", "null"]})),
        "type T = null | number | string\n"
    );
    let schema = json!({"oneOf": [
        {"type": "string"},
        {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        {"type": "number"}
    ]});
    assert_eq!(root(schema), "type T = string | number\n");
    // A `oneOf` of `required` lists only says which fields are there.
    let step = json!({
        "type": "object",
        "properties": {"uses": {"type": "string"}, "run": {"type": "string"}},
        "oneOf": [{"required": ["uses"]}, {"required": ["run"]}]
    });
    assert_eq!(root(step), "type T = {run?: string, uses?: string}\n");
}

#[test]
fn keywords_beside_one_of_refine_each_member() {
    let schema = json!({
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "oneOf": [{"type": "string"}, {"properties": {"b": {"type": "integer"}}, "required": ["b"]}]
    });
    assert_eq!(root(schema), "type T = {a?: string, b: int}\n");
}

#[test]
fn all_of_merges_records() {
    let schema = json!({
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"b": {"type": "number"}, "a": {"type": "string"}}}
        ]
    });
    assert_eq!(root(schema), "type T = {a: string, b?: number}\n");
    // Keywords beside `allOf` that admit `null` keep it (GitHub's event triggers).
    let event = json!({
        "allOf": [{"$ref": "#/definitions/eventObject"}],
        "properties": {"types": {"type": "array", "items": {"type": "string"}}},
        "definitions": {"eventObject": {"oneOf": [{"type": "object"}, {"type": "null"}]}}
    });
    assert_eq!(root(event), "type T = {types?: [string]} | null\n");
    // Nothing in common: `any` (the schema admits no value).
    assert_eq!(
        root(json!({"allOf": [{"type": "string"}, {"type": "integer"}]})),
        "type T = any\n"
    );
    assert_eq!(
        root(json!({"allOf": [{"type": "number"}, {"type": "integer"}]})),
        "type T = int\n"
    );
}

#[test]
fn refs_name_definitions() {
    let schema = json!({
        "type": "object",
        "properties": {"steps": {"type": "array", "items": {"$ref": "#/definitions/step"}}},
        "definitions": {
            "step": {
                "description": "A step.\n\nMore text.",
                "type": "object",
                "properties": {"uses": {"type": "string"}, "parallel": {"type": "array", "items": {"$ref": "#/definitions/step"}}}
            },
            "unused": {"type": "object", "properties": {"x": {"type": "string"}}}
        }
    });
    assert_eq!(
        root(schema),
        "type T = {steps?: [Step]}\n\n/// A step.\ntype Step = {parallel?: [Step], uses?: string}\n"
    );
}

#[test]
fn plain_definitions_and_aliases_are_written_in_place() {
    let schema = json!({
        "type": "object",
        "properties": {
            "timeout": {"oneOf": [{"type": "number"}, {"$ref": "#/definitions/expression"}]},
            "branches": {"$ref": "#/definitions/branch"},
            "env": {"$ref": "#/definitions/env"},
            "container": {"$ref": "#/definitions/alias"}
        },
        "definitions": {
            "expression": {"type": "string", "pattern": "^\\$\\{\\{.*\\}\\}$"},
            "branch": {"$ref": "#/definitions/globs"},
            "globs": {"type": "array", "items": {"type": "string"}},
            "env": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
            "alias": {"$ref": "#/definitions/container"},
            "container": {"type": "object", "properties": {"image": {"type": "string"}}}
        }
    });
    assert_eq!(
        root(schema),
        "type T = {\n  branches?: [string],\n  container?: Container,\n  env?: map<bool | number | string>,\n  timeout?: number | string,\n}\n\ntype Container = {image?: string}\n"
    );
}

#[test]
fn requested_definitions_come_first_with_their_closure() {
    let schema = json!({
        "definitions": {
            "io.k8s.api.core.v1.Pod": {"type": "object", "properties": {"spec": {"$ref": "#/definitions/io.k8s.api.core.v1.PodSpec"}}},
            "io.k8s.api.core.v1.PodSpec": {"type": "object", "properties": {"x": {"type": "string"}}},
            "io.k8s.api.core.v1.Other": {"type": "object", "properties": {"y": {"type": "string"}}},
            "io.k8s.api.core.v1.Name": {"type": "string"}
        }
    });
    assert_eq!(
        only(
            schema.clone(),
            &["io.k8s.api.core.v1.Pod", "io.k8s.api.core.v1.Name"]
        ),
        "type Pod = {spec?: PodSpec}\n\ntype Name = string\n\ntype PodSpec = {x?: string}\n"
    );
    // A schema that is only definitions, without options: all of them, as asked for.
    let all = types_from_json_schema(&schema, &Options::default()).unwrap();
    assert_eq!(all.matches("type ").count(), 4, "{all}");
}

#[test]
fn name_clashes_are_resolved_deterministically() {
    let schema = json!({
        "definitions": {
            "io.k8s.api.batch.v1beta1.CronJob": {"type": "object", "properties": {"a": {"type": "string"}}},
            "io.k8s.api.batch.v2alpha1.CronJob": {"type": "object", "properties": {"b": {"type": "string"}}}
        }
    });
    let out = types_from_json_schema(&schema, &Options::default()).unwrap();
    assert_eq!(
        out,
        "type V1beta1CronJob = {a?: string}\n\ntype V2alpha1CronJob = {b?: string}\n"
    );
}

#[test]
fn recursion_through_the_root_and_through_combinators() {
    let schema = json!({
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#"}}},
        "definitions": {
            "config": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/definitions/config"}}]},
            "loop": {"allOf": [{"$ref": "#/definitions/loop"}, {"type": "object"}]}
        }
    });
    assert_eq!(root(schema.clone()), "type T = {children?: [T]}\n");
    assert_eq!(
        only(schema.clone(), &["config"]),
        "type Config = string | [Config]\n"
    );
    assert_eq!(only(schema, &["loop"]), "type Loop = Loop\n");
}

#[test]
fn output_is_deterministic() {
    let schema: Value = serde_json::from_str(
        r##"{"type": "object", "properties": {"z": {"$ref": "#/definitions/b"}, "a": {"$ref": "#/definitions/a"}},
            "definitions": {"b": {"type": "object", "properties": {"q": {"type": "string"}}},
                            "a": {"type": "object", "properties": {"p": {"type": "string"}}}}}"##,
    )
    .unwrap();
    let first = root(schema.clone());
    assert_eq!(
        first,
        "type T = {a?: A, z?: B}\n\ntype A = {p?: string}\n\ntype B = {q?: string}\n"
    );
    assert_eq!(root(schema), first);
}

#[test]
fn malformed_schemas_are_errors() {
    let root_t = || Options {
        root: Some("T".into()),
        ..Options::default()
    };
    assert_eq!(
        error(
            json!({"properties": {"a": {"$ref": "#/definitions/nope"}}}),
            root_t()
        ),
        "`$ref` at `#/properties/a` does not resolve: nothing at `#/definitions/nope`"
    );
    assert_eq!(
        error(json!({"$ref": "other.json#/x"}), root_t()),
        "`$ref` at `#` points outside the schema (`other.json#/x`); only `#...` references are followed"
    );
    assert_eq!(
        error(json!({"type": "strin"}), root_t()),
        "malformed schema at `#`: unknown `type` `strin`"
    );
    assert_eq!(
        error(json!({"properties": {"a/b": 3}}), root_t()),
        "malformed schema at `#/properties/a~1b`: a schema must be an object or a boolean"
    );
    assert_eq!(
        error(json!({"required": "a"}), root_t()),
        "malformed schema at `#`: `required` must be a list of strings"
    );
    assert_eq!(
        error(
            json!({"definitions": {"io.x.Pod": {}}}),
            Options {
                roots: vec!["Pod".into()],
                ..Options::default()
            }
        ),
        "the schema has no definition `Pod` (did you mean `io.x.Pod`?)"
    );
    assert_eq!(
        error(
            json!({}),
            Options {
                root: Some("my-type".into()),
                ..Options::default()
            }
        ),
        "`my-type` is not a valid type name (letters, digits and `_`, not starting with a digit)"
    );
}

#[test]
fn errors_are_matchable() {
    let err =
        types_from_json_schema(&json!({"$ref": "#/nowhere"}), &Options::default()).unwrap_err();
    assert!(matches!(err, SchemaError::UnresolvedRef { .. }));
}

#[test]
fn local_refs_by_id_and_to_other_places() {
    let schema = json!({
        "$id": "https://example.com/s.json",
        "type": "object",
        "properties": {
            "a": {"$ref": "https://example.com/s.json#/definitions/name"},
            "b": {"$ref": "#/properties/a"},
            "c": {"$ref": "#/definitions/we%20ird"}
        },
        "definitions": {"name": {"type": "string"}, "we ird": {"type": "integer"}}
    });
    assert_eq!(root(schema), "type T = {a?: string, b?: string, c?: int}\n");
}

#[test]
fn all_optional_ignores_required() {
    let schema =
        json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]});
    let options = Options {
        root: Some("T".into()),
        all_optional: true,
        ..Options::default()
    };
    assert_eq!(
        types_from_json_schema(&schema, &options).unwrap(),
        "type T = {a?: string}\n"
    );
}

#[test]
fn set_changes_the_schema_before_reading_it() {
    let schema = json!({
        "type": "object",
        "properties": {"n": {"type": "integer"}, "m": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]}}
    });
    let options = Options {
        root: Some("T".into()),
        set: vec![
            ("#/properties/n/type".into(), json!(["integer", "string"])),
            ("#/properties/m/required".into(), json!([])),
            ("#/properties/new".into(), json!({"type": "boolean"})),
        ],
        ..Options::default()
    };
    assert_eq!(
        types_from_json_schema(&schema, &options).unwrap(),
        "type T = {m?: {x?: string}, n?: int | string, new?: bool}\n"
    );
    let bad = Options {
        set: vec![("#/nope/deeper".into(), json!(1))],
        ..options
    };
    assert_eq!(
        error(schema, bad),
        "cannot set `#/nope/deeper`: it names nothing in the schema (a pointer starts with `#/`)"
    );
}
