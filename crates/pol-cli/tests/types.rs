//! `pol types from-json-schema`: what it prints is a file `pol check` accepts, in the
//! package its flags or the root's name give, that a policy can import.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, pol, pol_in, repo_path, scratch, text};

/// Prints the types of the shipped workflow schema with `extra` flags.
fn workflow_types(extra: &[&str]) -> String {
    let schema = repo_path("../shared/schemas/github-workflow.json");
    let mut args = vec![
        "types",
        "from-json-schema",
        schema.as_str(),
        "--root",
        "Workflow",
    ];
    args.extend_from_slice(extra);
    let out = pol(&args);
    assert_code(&out, 0);
    text(&out.stdout)
}

#[test]
fn the_output_is_a_package_that_checks_and_that_a_policy_imports() {
    let types = workflow_types(&[]);
    assert!(
        types.starts_with("package workflow\n\ntype Workflow = "),
        "{}",
        &types[..80]
    );
    let policy = "package ci\n\nimport workflow\n\ninput: workflow.Workflow\n\n\
                  deny unnamed_job {\n  for id, job in input.jobs\n  if job.name == null\n  \
                  message f\"job {id} has no name\" at job\n}\n";
    let dir = scratch(
        "types-package",
        &[("workflow.pol", types.as_str()), ("ci.pol", policy)],
    );
    let out = pol_in(&dir, &["check", "."]);
    assert_code(&out, 0);
    // The types are in force: a misspelt field of a job is an error.
    std::fs::write(dir.join("ci.pol"), policy.replace("job.name", "job.nmae")).unwrap();
    let out = pol_in(&dir, &["check", "."]);
    assert_code(&out, 1);
    assert!(
        text(&out.stderr).contains("did you mean `name`?"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn package_names_the_package_and_a_bad_one_exits_2() {
    let types = workflow_types(&["--package", "ci.types", "--all-optional"]);
    assert!(types.starts_with("package ci.types\n\n"));
    let dir = scratch("types-named", &[("t.pol", types.as_str())]);
    assert_code(&pol_in(&dir, &["check", "t.pol"]), 0);
    let schema = repo_path("../shared/schemas/github-workflow.json");
    let out = pol(&["types", "from-json-schema", &schema, "--package", "ci.if"]);
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).contains("not a package name"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn without_a_root_the_package_is_named_after_the_schema_file() {
    let schema = repo_path("../shared/schemas/kubernetes-definitions.json");
    let out = pol(&[
        "types",
        "from-json-schema",
        &schema,
        "--only",
        "io.k8s.api.core.v1.Pod",
    ]);
    assert_code(&out, 0);
    let types = text(&out.stdout);
    assert!(
        types.starts_with("package kubernetes_definitions\n\n"),
        "{}",
        &types[..60]
    );
    let dir = scratch("types-k8s", &[("k8s.pol", types.as_str())]);
    assert_code(&pol_in(&dir, &["check", "k8s.pol"]), 0);
}
