//! Every file of the shared corpus loads (`../shared/corpus/`, beside the repository),
//! and a few known nodes have the values and positions a reader sees in the file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use std::fs;
use std::path::{Path, PathBuf};

use pol_facts::{Document, Format, LineCol, NodeRef, load_bytes};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// The data files of one corpus folder, sorted.
fn files(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(corpus().join(folder))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|entry| entry.unwrap().path())
        .filter(|p| Format::from_path(p).is_some())
        .collect();
    files.sort();
    files
}

fn load_file(path: &Path) -> Vec<Document> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let format = Format::from_path(path).unwrap();
    load_bytes(&fs::read(path).unwrap(), format, Some(&name)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_corpus_file_loads() {
    let mut total = 0;
    let mut failures = Vec::new();
    let mut empty = Vec::new();
    for folder in [
        "github-actions",
        "kubernetes",
        "gitlab-ci",
        "terraform-plan",
    ] {
        let files = files(folder);
        assert!(!files.is_empty(), "{folder} is empty");
        for path in &files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let format = Format::from_path(path).unwrap();
            match load_bytes(&fs::read(path).unwrap(), format, Some(&name)) {
                Ok(docs) if docs.is_empty() => empty.push(name),
                Ok(_) => {}
                Err(e) => failures.push(e.to_string()),
            }
            total += 1;
        }
    }
    // Real duplicate keys: `spec.selector` twice in three archived OpenShift examples.
    let expected = [
        "kubernetes__examples__archived_openshift-origin_etcd-controller.yaml:12:3: duplicate key `selector`",
        "kubernetes__examples__archived_openshift-origin_etcd-discovery-controller.yaml:12:3: duplicate key `selector`",
        "kubernetes__examples__archived_openshift-origin_openshift-controller.yaml:12:3: duplicate key `selector`",
    ];
    assert_eq!(failures, expected);
    // Only comments: no documents.
    assert_eq!(
        empty,
        ["kubernetes__examples__archived_newrelic_newrelic-config.yaml"]
    );
    assert!(total > 400, "{total}");
}

fn one(folder: &str, name: &str) -> Document {
    let mut docs = load_file(&corpus().join(folder).join(name));
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

#[test]
fn a_workflow_reads_as_written() {
    let doc = one("github-actions", "actions__checkout__check-dist.yml");
    let root = doc.root();
    // `on:` is the key "on" (YAML 1.2), not the boolean true.
    let on = doc.object_get_str(root, "on").expect("key `on`");
    assert_eq!(
        doc.position(on),
        Some(LineCol {
            line: 10,
            column: 3
        })
    );
    assert!(doc.object_get_str(on, "push").is_some());
    assert!(doc.object_get_str(root, "true").is_none());

    let steps = doc.object_get_str(root, "jobs").unwrap();
    let steps = doc.object_get_str(steps, "check-dist").unwrap();
    let steps = doc.object_get_str(steps, "steps").unwrap();
    let uses = doc
        .object_get_str(doc.list_get(steps, 1).unwrap(), "uses")
        .unwrap();
    assert_eq!(doc.get(uses), NodeRef::Str("actions/setup-node@v1"));
    assert_eq!(
        doc.position(uses),
        Some(LineCol {
            line: 28,
            column: 15
        })
    );
    assert_eq!(doc.path(uses), r#"jobs["check-dist"].steps[1].uses"#);
    let first = doc
        .object_get_str(doc.list_get(steps, 0).unwrap(), "uses")
        .unwrap();
    assert_eq!(
        doc.position(first),
        Some(LineCol {
            line: 25,
            column: 15
        })
    );
    assert_eq!(doc.file(), Some("actions__checkout__check-dist.yml"));
}

#[test]
fn gitlab_merge_keys_are_applied() {
    let doc = one("gitlab-ci", "gitlabhq__gitlab-runner___rules.yml");
    // Every `- <<: *anchor` list item became the anchored mapping's entries.
    let json = doc.to_json(doc.root()).to_string();
    assert!(!json.contains("\"<<\""), "merge keys left in the document");
}

#[test]
fn a_terraform_plan_reads_as_written() {
    let doc = one(
        "terraform-plan",
        "bridgecrewio__checkov__terraform_checks_data_aws_example_GithubActionsOIDCTrustPolicy_tfplan.json",
    );
    let root = doc.root();
    assert_eq!(
        doc.get(doc.object_get_str(root, "format_version").unwrap()),
        NodeRef::Str("1.2")
    );
    let modules = doc
        .object_get_str(
            doc.object_get_str(root, "planned_values").unwrap(),
            "root_module",
        )
        .unwrap();
    let resources = doc
        .object_get_str(
            doc.list_get(doc.object_get_str(modules, "child_modules").unwrap(), 0)
                .unwrap(),
            "resources",
        )
        .unwrap();
    let url = doc
        .object_get_str(
            doc.object_get_str(doc.list_get(resources, 0).unwrap(), "values")
                .unwrap(),
            "url",
        )
        .unwrap();
    assert_eq!(doc.get(url), NodeRef::Str("https://accounts.google.com"));
    assert_eq!(
        doc.position(url),
        Some(LineCol {
            line: 29,
            column: 24
        })
    );
    assert_eq!(
        doc.path(url),
        "planned_values.root_module.child_modules[0].resources[0].values.url"
    );
}

/// Every node's path leads back to it, and every position is inside the file.
#[test]
fn paths_and_positions_are_consistent_on_the_corpus() {
    for folder in [
        "github-actions",
        "kubernetes",
        "gitlab-ci",
        "terraform-plan",
    ] {
        for path in files(folder).iter().take(20) {
            let Ok(docs) = load_bytes(
                &fs::read(path).unwrap(),
                Format::from_path(path).unwrap(),
                None,
            ) else {
                continue;
            };
            let lines = fs::read_to_string(path).unwrap().lines().count().max(1) as u32;
            for doc in &docs {
                check_subtree(doc, doc.root(), lines);
            }
        }
    }
}

fn check_subtree(doc: &Document, node: pol_facts::NodeId, lines: u32) {
    let position = doc.position(node).expect("position");
    assert!(
        position.line >= 1 && position.line <= lines + 1,
        "{position:?}"
    );
    for child in doc.list_iter(node) {
        check_subtree(doc, child, lines);
    }
    for (key, child) in doc.object_iter(node) {
        assert_eq!(doc.object_get(node, key), Some(child));
        check_subtree(doc, child, lines);
    }
    let path = doc.path(node);
    assert_eq!(follow(doc, &path), Some(node), "{path}");
}

/// Reads a path the way `Document::path` writes it.
fn follow(doc: &Document, path: &str) -> Option<pol_facts::NodeId> {
    let mut node = doc.root();
    let mut rest = path;
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if let Some(after) = rest.strip_prefix('[') {
            if after.starts_with('"') {
                let mut de = serde_json::Deserializer::from_str(after).into_iter::<String>();
                let key = de.next()?.ok()?;
                node = doc.object_get_str(node, &key)?;
                rest = after.get(de.byte_offset() + 1..)?;
            } else {
                let end = after.find(']')?;
                node = doc.list_get(node, after[..end].parse().ok()?)?;
                rest = &after[end + 1..];
            }
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            node = doc.object_get_str(node, &rest[..end])?;
            rest = &rest[end..];
        }
    }
    Some(node)
}

/// Issue 5 asks for loaded facts under twice the JSON text; the arena starts there.
#[test]
fn terraform_plans_take_less_memory_than_twice_their_text() {
    let (mut text, mut heap) = (0, 0);
    for path in files("terraform-plan") {
        let bytes = fs::read(&path).unwrap();
        let docs = load_bytes(&bytes, Format::Json, None).unwrap();
        text += bytes.len();
        heap += docs[0].heap_size();
    }
    assert!(
        heap < 2 * text,
        "{heap} bytes of arena for {text} bytes of JSON"
    );
}
