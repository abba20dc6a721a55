//! The shipped std types fit real files: every GitHub workflow of the shared corpus
//! conforms to `std.github.Workflow`, and every Kubernetes manifest of a kind that
//! `std.k8s` types conforms to that type. A file that does not fit means the type is
//! wrong (too narrow), never the file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol::Format;
use pol::hir::{Program, Type};
use pol::types::{conforms, find_type, std_program};
use pol_facts::NodeRef;
use std::path::{Path, PathBuf};

/// Kubernetes files that do not load: each has a real duplicate key (`spec.selector`
/// twice), which is a load error (see `corpus.rs`).
const K8S_LOAD_ERRORS: &[&str] = &[
    "kubernetes__examples__archived_openshift-origin_etcd-controller.yaml",
    "kubernetes__examples__archived_openshift-origin_etcd-discovery-controller.yaml",
    "kubernetes__examples__archived_openshift-origin_openshift-controller.yaml",
];

/// The `kind`s that `std.k8s` has a type for (the type has the kind's name).
const K8S_KINDS: &[&str] = &[
    "ClusterRole",
    "ClusterRoleBinding",
    "ConfigMap",
    "CronJob",
    "DaemonSet",
    "Deployment",
    "Job",
    "Namespace",
    "NetworkPolicy",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Pod",
    "ReplicaSet",
    "ReplicationController",
    "Role",
    "RoleBinding",
    "Secret",
    "Service",
    "ServiceAccount",
    "StatefulSet",
    "StorageClass",
];

fn corpus(kind: &str) -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(kind);
    assert!(
        dir.is_dir(),
        "the shared corpus is expected at {}",
        dir.display()
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect()
}

fn program() -> Program {
    std_program(&["std.github", "std.k8s"])
        .unwrap_or_else(|errors| panic!("std modules do not check: {errors:#?}"))
}

fn named(program: &Program, qualified: &str) -> Type {
    Type::Named(find_type(program, qualified).unwrap_or_else(|| panic!("no type `{qualified}`")))
}

/// Panics with every mismatch of every file, if there is any.
fn report(failures: &[String], what: &str) {
    assert!(
        failures.is_empty(),
        "{} mismatches with {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_corpus_workflow_conforms_to_github_workflow() {
    let program = program();
    let workflow = named(&program, "std.github.Workflow");
    let files = corpus("github-actions");
    assert!(files.len() >= 200, "only {} workflows", files.len());
    let mut failures = Vec::new();
    for (name, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let docs =
            pol::load(&text, Format::Yaml, Some(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        for doc in &docs {
            for m in conforms(&program, &workflow, doc, doc.root()) {
                failures.push(format!("{name}: {m}"));
            }
        }
    }
    report(&failures, "std.github.Workflow");
}

#[test]
fn every_corpus_manifest_of_a_typed_kind_conforms_to_its_k8s_type() {
    let program = program();
    let files = corpus("kubernetes");
    assert!(files.len() >= 100, "only {} manifests", files.len());
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let docs = match pol::load(&text, Format::Yaml, Some(name)) {
            Ok(docs) => docs,
            Err(_) if K8S_LOAD_ERRORS.contains(&name.as_str()) => continue,
            Err(e) => panic!("{name}: {e}"),
        };
        for doc in &docs {
            let kind = match doc.object_get_str(doc.root(), "kind").map(|n| doc.get(n)) {
                Some(NodeRef::Str(kind)) if K8S_KINDS.contains(&kind) => kind,
                _ => continue,
            };
            checked += 1;
            let ty = named(&program, &format!("std.k8s.{kind}"));
            for m in conforms(&program, &ty, doc, doc.root()) {
                failures.push(format!("{name} ({kind}): {m}"));
            }
        }
    }
    assert!(checked >= 150, "only {checked} manifests of typed kinds");
    report(&failures, "std.k8s types");
}
