//! `pol::explain`: the findings an explanation explains are exactly the VM's findings
//! for the same documents — the shipped packs and the example policies, on the
//! examples' inputs and on files of the shared corpus (`../shared/corpus`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

use pol::{Compiled, Format, SourceMap};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shipped packs, compiled from their sources.
fn packs() -> (Compiled, SourceMap) {
    let mut sources = SourceMap::new();
    let ids = pol::packs::add_sources(&mut sources);
    let compiled = pol::compile(&mut sources, &ids).unwrap();
    (compiled, sources)
}

/// The example policies, compiled together.
fn examples() -> (Compiled, SourceMap) {
    let mut sources = SourceMap::new();
    let mut ids = Vec::new();
    for name in [
        "github_actions.pol",
        "gitlab_ci.pol",
        "kubernetes.pol",
        "terraform.pol",
    ] {
        let path = repo().join("examples").join(name);
        ids.push(sources.add(name, std::fs::read_to_string(path).unwrap()));
    }
    let compiled = pol::compile(&mut sources, &ids).unwrap();
    (compiled, sources)
}

/// The inputs: the examples' and the first files of each folder of the corpus.
fn inputs() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for dir in ["examples/inputs", "examples/testdata"] {
        paths.extend(
            std::fs::read_dir(repo().join(dir))
                .unwrap()
                .map(|e| e.unwrap().path()),
        );
    }
    let corpus = repo().join("../shared/corpus");
    for kind in [
        "github-actions",
        "kubernetes",
        "gitlab-ci",
        "terraform-plan",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join(kind))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        paths.extend(files.into_iter().take(12));
    }
    paths.retain(|p| Format::from_path(p).is_some());
    paths.sort();
    paths
}

/// (rule, message, path) of every finding, sorted.
type Findings = Vec<(String, String, String)>;

/// Compares explain's findings with the VM's on every input; returns how many findings
/// there were.
fn compare(compiled: &Compiled, sources: &SourceMap) -> usize {
    let request = pol::explain::Request {
        level: pol::suppress::Level::Auditor,
        max_findings: usize::MAX,
        ..Default::default()
    };
    let mut evaluator = compiled.policy.evaluator();
    let mut total = 0;
    for path in inputs() {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let format = Format::from_path(&path).unwrap();
        let Ok(docs) = pol::load(&text, format, Some(&name)) else {
            continue;
        };
        for doc in &docs {
            let kind = pol::kind::kind_of_path(&path)
                .and_then(pol::kind::kind_named)
                .map(|k| k.name)
                .or_else(|| pol::kind::kind_of_document(doc));
            let decision = evaluator.evaluate_kind(doc, kind);
            let mut vm: Findings = decision
                .violations
                .iter()
                .chain(&decision.warnings)
                .map(|f| (f.rule.to_string(), f.message.clone(), f.path.clone()))
                .collect();
            let explanation =
                pol::explain::explain(compiled, sources, doc, kind, &request).unwrap();
            let mut explained: Findings = explanation
                .findings()
                .into_iter()
                .map(|(r, m, p)| (r.to_owned(), m.to_owned(), p.to_owned()))
                .collect();
            vm.sort();
            explained.sort();
            assert_eq!(explained, vm, "{name}");
            total += vm.len();
            // Each finding has its path of clauses, as many steps as the rule has
            // `for`, `let` and `if` clauses.
            for rule in &explanation.rules {
                let def = compiled
                    .hir
                    .rules
                    .iter()
                    .find(|r| r.info.qualified == rule.rule)
                    .unwrap();
                for trace in &rule.findings {
                    assert_eq!(
                        trace.steps.len(),
                        def.clauses.len(),
                        "{name}: {}",
                        rule.rule
                    );
                }
            }
        }
    }
    total
}

#[test]
fn explain_finds_what_the_vm_finds_with_the_packs() {
    let (compiled, sources) = packs();
    let total = compare(&compiled, &sources);
    assert!(total >= 50, "only {total} findings");
}

#[test]
fn explain_finds_what_the_vm_finds_with_the_example_policies() {
    let (compiled, sources) = examples();
    let total = compare(&compiled, &sources);
    assert!(total >= 10, "only {total} findings");
}

/// A rule's paths that stopped are counted past the cap; the shown ones are the first.
#[test]
fn why_not_paths_are_capped_and_counted() {
    let mut sources = SourceMap::new();
    let file = sources.add(
        "p.pol",
        "package p\ndeny big {\n  for x in input.xs\n  if x > 1000\n  message f\"{x}\"\n}\n",
    );
    let compiled = pol::compile(&mut sources, &[file]).unwrap();
    let items: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    let json = format!("{{\"xs\": [{}]}}", items.join(","));
    let docs = pol::load(&json, Format::Json, Some("in.json")).unwrap();
    let request = pol::explain::Request {
        why_not: vec!["big".to_owned()],
        max_paths: 3,
        ..Default::default()
    };
    let e = pol::explain::explain(&compiled, &sources, &docs[0], None, &request).unwrap();
    let rule = &e.rules[0];
    assert_eq!(
        (rule.fired, rule.stopped.len(), rule.stopped_total),
        (0, 3, 1000)
    );
    let pol::explain::End::Failed { value, parts, .. } = &rule.stopped[2].end else {
        panic!("{:?}", rule.stopped[2].end);
    };
    assert_eq!(value, "false");
    assert_eq!(parts[0].name, "x");
    assert_eq!(parts[0].value.as_ref().unwrap().text, "2");
    assert_eq!(
        parts[0].value.as_ref().unwrap().path.as_deref(),
        Some("xs[2]")
    );
}
