//! Tests of the resolution of `extends:` and `!reference`: GitLab's merge semantics,
//! positions, and every way a file can fail to resolve, hostile ones included.

use super::*;
use crate::{Format, load};

fn doc(text: &str) -> Document {
    load(text, Format::Yaml, Some("ci.yml"))
        .expect("loads")
        .pop()
        .expect("a document")
}

/// The resolved document as compact JSON (the original when nothing was resolved),
/// and the problems' messages.
fn resolved_with(text: &str, limits: &LoadLimits) -> (String, Vec<String>) {
    let original = doc(text);
    let r = resolve(&original, limits);
    let doc = r.document.as_ref().unwrap_or(&original);
    let messages = r.problems.iter().map(|p| p.message.clone()).collect();
    (doc.to_json(doc.root()).to_string(), messages)
}

fn resolved(text: &str) -> (String, Vec<String>) {
    resolved_with(text, &LoadLimits::DEFAULT)
}

fn clean(text: &str) -> String {
    let (json, problems) = resolved(text);
    assert!(problems.is_empty(), "{problems:?}");
    json
}

/// The node at a dotted path of keys.
fn at(doc: &Document, path: &str) -> NodeId {
    path.split('.').fold(doc.root(), |node, key| {
        doc.object_get_str(node, key)
            .unwrap_or_else(|| panic!("{path}"))
    })
}

#[test]
fn hashes_merge_deeply_and_lists_and_scalars_are_replaced() {
    let json = clean(
        ".base:\n  image: ruby:3.3\n  variables: {A: '1', B: '2'}\n  script: [one, two]\n  tags: [x]\n\
         job:\n  extends: .base\n  variables: {B: three, C: '4'}\n  script: [mine]\n  stage: test\n",
    );
    // (`to_json` sorts keys.)
    assert!(
        json.contains(r#""job":{"extends":".base","image":"ruby:3.3","script":["mine"],"stage":"test","tags":["x"],"variables":{"A":"1","B":"three","C":"4"}}"#),
        "{json}"
    );
}

/// Keys keep the parent's order, the job's new keys after them (Ruby's `deep_merge`).
#[test]
fn keys_keep_the_parents_order() {
    let original = doc(".base: {b: 1, a: {y: 1, x: 2}}
job: {c: 3, extends: .base, a: {z: 0, x: 1}}
");
    let doc = resolve(&original, &LoadLimits::DEFAULT)
        .document
        .expect("resolved");
    let keys = |node| {
        doc.object_iter(node)
            .map(|(k, _)| doc.key_str(k))
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(at(&doc, "job")), ["b", "a", "c", "extends"]);
    assert_eq!(keys(at(&doc, "job.a")), ["y", "x", "z"]);
}

#[test]
fn a_list_of_parents_merges_in_order_the_job_last() {
    let json = clean(
        ".a: {image: a, variables: {X: a, Y: a}}\n.b: {image: b, variables: {Y: b}}\n\
         job: {extends: [.a, .b], variables: {Z: job}}\n",
    );
    assert!(
        json.contains(
            r#""job":{"extends":[".a",".b"],"image":"b","variables":{"X":"a","Y":"b","Z":"job"}}"#
        ),
        "{json}"
    );
}

#[test]
fn extends_resolves_through_levels_and_a_hash_replaced_by_a_scalar() {
    let json = clean(
        ".one: {cache: {key: k, paths: [a]}, when: manual}\n.two: {extends: .one, cache: {paths: [b]}}\n\
         job: {extends: .two, when: always}\nother: {extends: .one, cache: none}\n",
    );
    assert!(
        json.contains(
            r#""job":{"cache":{"key":"k","paths":["b"]},"extends":".two","when":"always"}"#
        ),
        "{json}"
    );
    assert!(
        json.contains(r#""other":{"cache":"none","extends":".one","when":"manual"}"#),
        "{json}"
    );
}

#[test]
fn inherited_values_keep_the_position_where_they_are_written() {
    let text =
        ".tpl:\n  image: alpine\n  script:\n    - echo hi\njob:\n  extends: .tpl\n  stage: test\n";
    let original = doc(text);
    let r = resolve(&original, &LoadLimits::DEFAULT);
    let doc = r.document.expect("resolved");
    let image = at(&doc, "job.image");
    assert_eq!(doc.position(image).map(|p| p.line), Some(2));
    assert_eq!(doc.path(image), "job.image");
    let stage = at(&doc, "job.stage");
    assert_eq!(doc.position(stage).map(|p| p.line), Some(7));
    let script = at(&doc, "job.script");
    let first = doc.list_get(script, 0).expect("an element");
    assert_eq!(doc.position(first).map(|p| p.line), Some(4));
    assert_eq!(doc.file(), Some("ci.yml"));
}

#[test]
fn missing_and_malformed_parents_are_problems_at_their_place() {
    let original =
        doc("job:\n  extends: [.nope, .ok]\n  script: x\n.ok: {image: a}\nbad: {extends: 3}\n");
    let r = resolve(&original, &LoadLimits::DEFAULT);
    let shown = |problems: &[Problem]| -> Vec<(String, Option<u32>)> {
        problems
            .iter()
            .map(|p| (p.message.clone(), p.position.map(|p| p.line)))
            .collect()
    };
    assert_eq!(
        shown(&r.problems),
        [(
            "job `bad`: `extends` must be a job name or a list of them".to_owned(),
            Some(5)
        )]
    );
    // A name not in the file is no error: it may be in a file the pipeline includes.
    assert_eq!(
        shown(&r.unresolved),
        [(
            "job `job`: `extends` names `.nope`, which is not in this file".to_owned(),
            Some(2)
        )]
    );
    // The parents that exist are still merged.
    let doc = r.document.expect("resolved");
    assert_eq!(doc.str_at(at(&doc, "job.image")), Some("a"));
    let errors = Resolved {
        problems: r.problems,
        ..Resolved::default()
    }
    .errors(&original);
    assert_eq!(
        (errors[0].rule.as_str(), errors[0].policy.line),
        ("gitlab-ci", 5)
    );
}

#[test]
fn cycles_are_problems_not_hangs() {
    let (_, problems) = resolved("a: {extends: a, script: x}\n");
    assert_eq!(problems, ["job `a`: `extends` is circular (a → a)"]);
    let (_, problems) = resolved("a: {extends: b, script: x}\nb: {extends: c}\nc: {extends: a}\n");
    assert_eq!(problems, ["job `c`: `extends` is circular (a → b → c → a)"]);
}

/// GitLab allows ten levels of `extends:` below a job, not eleven.
#[test]
fn ten_levels_of_extends_and_no_more() {
    let chain = |levels: usize| {
        let mut text = String::from("job: {extends: .l1, script: x}\n");
        for i in 1..levels {
            text.push_str(&format!(".l{i}: {{extends: .l{}}}\n", i + 1));
        }
        text.push_str(&format!(".l{levels}: {{image: deep}}\n"));
        text
    };
    let (json, problems) = resolved(&chain(10));
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        json.contains(r#""job":{"extends":".l1","image":"deep""#),
        "{json}"
    );
    let (_, problems) = resolved(&chain(11));
    assert_eq!(
        problems,
        ["job `.l10`: `extends` nests more than 10 levels deep"]
    );
}

#[test]
fn a_hostile_chain_neither_overflows_the_stack_nor_hangs() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("j{i}: {{extends: j{}}}\n", i + 1));
    }
    text.push_str("j20000: {script: x}\n");
    let (_, problems) = resolved(&text);
    assert!(!problems.is_empty());
    assert!(
        problems
            .iter()
            .all(|p| p.contains("nests more than 10 levels")),
        "{problems:?}"
    );
}

/// A diamond of parents, ten levels deep, with wide templates: the copies are bounded
/// by `max_alias_nodes`, and going over it is a problem, not a hang.
#[test]
fn fan_out_is_bounded_by_the_alias_budget() {
    let wide: Vec<String> = (0..200).map(|i| format!("k{i}: v")).collect();
    let mut text = format!(".t0: {{variables: {{{}}}}}\n", wide.join(", "));
    for level in 1..=9 {
        text.push_str(&format!(
            ".t{level}: {{extends: [.t{}, .t{}]}}\n",
            level - 1,
            level - 1
        ));
    }
    for job in 0..2000 {
        text.push_str(&format!("job{job}: {{extends: .t9, script: x}}\n"));
    }
    let mut limits = LoadLimits::DEFAULT;
    limits.max_alias_nodes = 100_000;
    let (_, problems) = resolved_with(&text, &limits);
    assert_eq!(
        problems,
        ["`extends` and `!reference` copy more than the limit of 100000 values (resource limit)"]
    );
    // Within the default budget, every job has every variable.
    let original = doc(&text);
    let r = resolve(&original, &LoadLimits::DEFAULT);
    let doc = r.document.expect("resolved");
    assert_eq!(doc.object_len(at(&doc, "job1999.variables")), 200);
}

#[test]
fn references_are_replaced_by_the_values_they_name() {
    let text = ".setup:\n  script:\n    - apt-get update\n  variables: {URL: x}\n\
                job:\n  script:\n    - !reference [.setup, script]\n    - make\n  variables:\n    URL: !reference [.setup, variables, URL]\n";
    let json = clean(text);
    assert!(
        json.contains(r#""job":{"script":[["apt-get update"],"make"],"variables":{"URL":"x"}}"#),
        "{json}"
    );
    let original = doc(text);
    let doc = resolve(&original, &LoadLimits::DEFAULT)
        .document
        .expect("resolved");
    let inner = doc
        .list_get(at(&doc, "job.script"), 0)
        .and_then(|l| doc.list_get(l, 0));
    assert_eq!(inner.and_then(|n| doc.position(n)).map(|p| p.line), Some(3));
}

#[test]
fn references_see_the_file_after_extends_and_nest() {
    let json = clean(
        ".base: {script: [base]}\n.mid: {extends: .base}\n.ref: {script: [!reference [.mid, script], more]}\n\
         job: {script: !reference [.ref, script]}\n",
    );
    assert!(
        json.contains(r#""job":{"script":[["base"],"more"]}"#),
        "{json}"
    );
}

#[test]
fn bad_references_are_problems() {
    let text = "a: {script: !reference [.none, script]}\nb: {script: !reference [b, script]}\nc: {script: !reference []}\nd: {script: !reference [.x, 1]}\n";
    let r = resolve(&doc(text), &LoadLimits::DEFAULT);
    assert_eq!(
        r.unresolved[0].message,
        "!reference [.none, script] could not be found in this file"
    );
    let (json, problems) = resolved(text);
    assert_eq!(
        problems,
        [
            "!reference [b, script] is part of a circular chain",
            "`!reference` must be a list of names (`!reference [.job, key]`)",
        ]
    );
    assert!(
        json.starts_with(r#"{"a":{"script":null},"b":{"script":null}"#),
        "{json}"
    );
}

#[test]
fn references_nest_at_most_ten_deep() {
    let mut text = String::from("r0: {v: deep}\n");
    for i in 1..=11 {
        text.push_str(&format!("r{i}: {{v: !reference [r{}, v]}}\n", i - 1));
    }
    let (json, problems) = resolved(&text);
    assert!(json.contains(r#""r10":{"v":"deep"}"#), "{json}");
    assert_eq!(
        problems,
        ["!reference [r0, v]: references nest more than 10 levels deep"]
    );
}

#[test]
fn nothing_to_resolve_gives_no_document() {
    let original = doc("stages: [a]\njob: {script: x, image: !custom y}\n");
    assert!(!needs_resolving(&original));
    assert_eq!(original.tag(at(&original, "job.image")), Some("!custom"));
    let r = resolve(&original, &LoadLimits::DEFAULT);
    assert!(r.document.is_none() && r.problems.is_empty());
}

/// Selective loading gives up on what resolving needs (an `extends:` key of a job, a
/// `!reference`), so that the shaped document resolves as the whole one does.
#[test]
fn shaped_documents_resolve_as_whole_ones() {
    use crate::{Shape, ShapeNode, load_shaped};
    // The shape of a program that reads `input[*].image` only.
    let shape = Shape::from_nodes(vec![
        ShapeNode {
            elements: Some(1),
            ..ShapeNode::default()
        },
        ShapeNode {
            fields: vec![("image".to_owned(), 2)],
            ..ShapeNode::default()
        },
        ShapeNode {
            all: true,
            ..ShapeNode::default()
        },
    ])
    .expect("a shape");
    for text in [
        ".tpl: {image: alpine, script: [x]}\njob: {extends: .tpl, when: manual}\n",
        ".tpl: {image: alpine}\njob: {image: !reference [.tpl, image]}\n",
    ] {
        let shaped = load_shaped(text, Format::Yaml, None, &shape)
            .expect("loads")
            .remove(0);
        let r = resolve(&shaped, &LoadLimits::DEFAULT);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let doc = r.document.expect("resolved");
        assert_eq!(doc.str_at(at(&doc, "job.image")), Some("alpine"), "{text}");
        assert!(!doc.read_skipped());
    }
}
