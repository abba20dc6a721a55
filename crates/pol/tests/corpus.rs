//! The example policies on real-world inputs: every file of the shared corpus
//! (`../shared/corpus`, public GitHub workflows, Kubernetes manifests, GitLab CI files
//! and Terraform plans) loads and evaluates under its policy with no runtime error.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol::{Document, Format, Policy};
use std::path::{Path, PathBuf};

/// Corpus folder, example policy, and the least number of files expected in the folder
/// (so that a moved or emptied corpus fails instead of passing on nothing).
/// `dockerfile/` has no example policy: the Docker pack runs on it (`packs_corpus.rs`),
/// and pol-facts pins the reader's facts for it (`dockerfile_corpus.rs`).
const KINDS: &[(&str, &str, usize)] = &[
    ("github-actions", "github_actions.pol", 200),
    ("kubernetes", "kubernetes.pol", 100),
    ("gitlab-ci", "gitlab_ci.pol", 20),
    ("terraform-plan", "terraform.pol", 40),
];

/// Files that do not load, on purpose: each has a duplicate key, which
/// `docs/evaluation.md` makes a load error (a gate must not read one value while the
/// tool it guards reads another). `spec.selector` appears twice in each.
const EXPECTED_LOAD_ERRORS: &[(&str, &str)] = &[
    (
        "kubernetes/kubernetes__examples__archived_openshift-origin_etcd-controller.yaml",
        "duplicate key `selector`",
    ),
    (
        "kubernetes/kubernetes__examples__archived_openshift-origin_etcd-discovery-controller.yaml",
        "duplicate key `selector`",
    ),
    (
        "kubernetes/kubernetes__examples__archived_openshift-origin_openshift-controller.yaml",
        "duplicate key `selector`",
    ),
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(
        dir.is_dir(),
        "the shared corpus is expected beside the repository, at {}",
        dir.display()
    );
    dir
}

fn policy(file: &str) -> Policy {
    let path = repo().join("examples").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    Policy::from_source(&format!("examples/{file}"), &text)
        .unwrap_or_else(|e| panic!("examples/{file}: {e}"))
}

/// The files of one corpus folder, sorted, as `(name relative to the corpus, path)`.
fn files(kind: &str) -> Vec<(String, PathBuf)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus().join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = format!("{kind}/{}", p.file_name().unwrap().to_string_lossy());
            (name, p)
        })
        .collect()
}

/// Every document of every file of the corpus, by kind. A load error is a problem
/// unless the file is in `EXPECTED_LOAD_ERRORS` with that message.
struct Loaded {
    docs: Vec<(&'static str, String, Document)>,
    problems: Vec<String>,
}

fn load_all() -> Loaded {
    let mut loaded = Loaded {
        docs: Vec::new(),
        problems: Vec::new(),
    };
    for &(kind, _, least) in KINDS {
        let files = files(kind);
        assert!(
            files.len() >= least,
            "{kind}: {} files, expected at least {least}",
            files.len()
        );
        for (name, path) in files {
            let format = Format::from_path(&path)
                .unwrap_or_else(|| panic!("{name}: not a .json, .yaml or .yml file"));
            let text = std::fs::read_to_string(&path).unwrap();
            let expected = EXPECTED_LOAD_ERRORS.iter().find(|(f, _)| *f == name);
            match (pol::load(&text, format, Some(&name)), expected) {
                (Ok(docs), None) => {
                    let n = docs.len();
                    for (i, doc) in docs.into_iter().enumerate() {
                        let label = if n > 1 {
                            format!("{name}[{i}]")
                        } else {
                            name.clone()
                        };
                        loaded.docs.push((kind, label, doc));
                    }
                }
                (Ok(_), Some((_, why))) => loaded.problems.push(format!(
                    "{name}: loads, but is listed as failing with {why}"
                )),
                (Err(e), Some((_, why))) if e.to_string().contains(why) => {}
                (Err(e), _) => loaded.problems.push(format!("load error: {e}")),
            }
        }
    }
    loaded
}

/// Evaluates the documents under `policy` with one evaluator; returns every runtime
/// error, one line each, and the number of violations and warnings found.
fn run(policy: &Policy, docs: &[&(&str, String, Document)]) -> (Vec<String>, usize) {
    let mut evaluator = policy.evaluator();
    let mut errors = Vec::new();
    let mut findings = 0;
    for (_, label, doc) in docs {
        let decision = evaluator.evaluate(doc);
        findings += decision.violations.len() + decision.warnings.len();
        for e in &decision.errors {
            errors.push(format!(
                "{label}: {} at {}:{}:{}: {}",
                e.rule, e.policy.file, e.policy.line, e.policy.column, e.message
            ));
        }
    }
    (errors, findings)
}

#[test]
fn every_corpus_file_loads_and_evaluates_under_its_policy_without_runtime_errors() {
    let loaded = load_all();
    let mut problems = loaded.problems;
    for &(kind, file, _) in KINDS {
        let docs: Vec<_> = loaded.docs.iter().filter(|d| d.0 == kind).collect();
        let (errors, findings) = run(&policy(file), &docs);
        problems.extend(errors);
        // The policies were written for these inputs: real files do trip them.
        assert!(findings > 0, "{file} finds nothing in {kind}/");
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// `pol eval -p examples/ ...` runs every package on every document: rules written for
/// one kind of input must not fail on another.
#[test]
fn every_example_policy_runs_on_every_kind_of_input_without_runtime_errors() {
    let loaded = load_all();
    let docs: Vec<_> = loaded.docs.iter().collect();
    let mut problems = Vec::new();
    for &(_, file, _) in KINDS {
        problems.extend(run(&policy(file), &docs).0);
    }
    assert!(
        problems.is_empty(),
        "{} runtime errors:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Selective loading (`Policy::load`) skips what no rule reads and must not change a
/// decision: every corpus document, as JSON, under each example policy and under all of
/// them at once, decides the same loaded whole and loaded for the policy.
#[test]
fn selective_loading_gives_the_same_decisions_on_the_corpus() {
    let loaded = load_all();
    let mut sources = pol::SourceMap::new();
    let files: Vec<_> = KINDS
        .iter()
        .map(|&(_, file, _)| {
            let path = repo().join("examples").join(file);
            sources.add(
                format!("examples/{file}"),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    let all = pol::compile(&mut sources, &files).unwrap().policy;
    let mut policies: Vec<(String, Policy)> = KINDS
        .iter()
        .map(|&(_, file, _)| (file.to_owned(), policy(file)))
        .collect();
    policies.push(("all examples".to_owned(), all));
    let mut skipped = 0;
    for (_, label, doc) in &loaded.docs {
        let json = doc.to_json(doc.root()).to_string();
        let whole = pol::load(&json, Format::Json, Some(label)).unwrap();
        for (name, policy) in &policies {
            let shaped = policy.load(&json, Format::Json, Some(label)).unwrap();
            assert_eq!(
                policy.evaluate(&whole[0]),
                policy.evaluate(&shaped[0]),
                "{label} under {name}"
            );
            let d = &shaped[0];
            skipped += (0..d.len())
                .filter(|&i| d.is_skipped(pol::NodeId(u32::try_from(i).unwrap())))
                .count();
        }
    }
    // The policies read a small part of these documents.
    assert!(skipped > 1000, "only {skipped} values skipped");
}

/// The same for the YAML files of the corpus, loaded as found.
#[test]
fn selective_yaml_loading_gives_the_same_decisions_on_the_corpus() {
    let mut skipped = 0;
    for &(kind, file, _) in KINDS {
        let policy = policy(file);
        for (name, path) in files(kind) {
            if Format::from_path(&path) != Some(Format::Yaml) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let (whole, shaped) = match (
                pol::load(&text, Format::Yaml, Some(&name)),
                policy.load(&text, Format::Yaml, Some(&name)),
            ) {
                (Ok(whole), Ok(shaped)) => (whole, shaped),
                // A file that does not load fails the same way either way.
                (Err(a), Err(b)) => {
                    assert_eq!(a.to_string(), b.to_string(), "{name}");
                    continue;
                }
                (a, b) => panic!("{name}: whole {:?}, shaped {:?}", a.is_ok(), b.is_ok()),
            };
            assert_eq!(whole.len(), shaped.len(), "{name}");
            for (w, s) in whole.iter().zip(&shaped) {
                assert_eq!(policy.evaluate(w), policy.evaluate(s), "{name}");
                skipped += (0..s.len())
                    .filter(|&i| s.is_skipped(pol::NodeId(u32::try_from(i).unwrap())))
                    .count();
            }
        }
    }
    assert!(skipped > 1000, "only {skipped} values skipped");
}
