//! The embedding API: policies are shared across threads, evaluators are reused, and
//! `.polc` bytes load without the compiler and decide the same.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use pol::{Format, Policy};

const POLICY: &str = r#"
package k8s

/// Containers must not run privileged.
@id("K8S001")
@severity("critical")
deny privileged {
  for c in input.spec.containers
  if c.securityContext.privileged == true
  message f"container {c.name} is privileged" at c.securityContext.privileged
}

let names = [c.name for c in input.spec.containers]
"#;

fn pod(privileged: bool) -> String {
    format!(
        "kind: Pod\nspec:\n  containers:\n    - name: app\n      securityContext:\n        privileged: {privileged}\n"
    )
}

fn assert_send_sync<T: Send + Sync>(_: &T) {}

#[test]
fn one_policy_many_threads_same_decisions() {
    let policy = Policy::from_source("k8s.pol", POLICY).unwrap();
    assert_send_sync(&policy);
    let expected = policy
        .evaluate_text(&pod(true), Format::Yaml, Some("pod.yaml"))
        .unwrap();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let docs = pol::load(&pod(true), Format::Yaml, Some("pod.yaml")).unwrap();
                    let mut evaluator = policy.evaluator();
                    (0..50)
                        .map(|_| evaluator.evaluate(&docs[0]))
                        .last()
                        .unwrap()
                })
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), expected[0]);
        }
    });
    let finding = &expected[0].violations[0];
    assert_eq!(
        finding.path,
        "spec.containers[0].securityContext.privileged"
    );
    assert_eq!(
        finding.location.as_ref().map(|l| (l.line, l.column)),
        Some((6, 21))
    );
    assert_eq!(finding.id.as_deref(), Some("K8S001"));
}

#[test]
fn an_evaluator_is_reused_across_documents() {
    let policy = Policy::from_source("k8s.pol", POLICY).unwrap();
    let mut evaluator = policy.evaluator();
    let bad = pol::load(&pod(true), Format::Yaml, None).unwrap();
    let good = pol::load(&pod(false), Format::Yaml, None).unwrap();
    assert!(!evaluator.evaluate(&bad[0]).allowed);
    assert!(evaluator.evaluate(&good[0]).allowed);
    assert!(!evaluator.evaluate(&bad[0]).allowed);
    assert_eq!(
        evaluator.query(&bad[0], "names").unwrap(),
        serde_json::json!(["app"])
    );
}

#[test]
fn polc_bytes_decide_the_same() {
    let policy = Policy::from_source("k8s.pol", POLICY).unwrap();
    let bytes = policy.to_polc();
    let loaded = Policy::from_polc(&bytes).unwrap();
    let docs = pol::load(&pod(true), Format::Yaml, Some("pod.yaml")).unwrap();
    assert_eq!(loaded.evaluate(&docs[0]), policy.evaluate(&docs[0]));
    assert!(Policy::from_polc(&bytes[..bytes.len() / 2]).is_err());
}

#[test]
fn compile_errors_carry_diagnostics() {
    let err = Policy::from_source("bad.pol", "package p\nlet x = y\n").unwrap_err();
    match err {
        pol::CompileError::Diagnostics(ds) => assert_eq!(ds[0].code, pol::Code::UnknownName),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_test_fails_when_a_let_of_its_package_fails_even_if_no_rule_uses_it() {
    let mut sources = pol::SourceMap::new();
    let file = sources.add(
        "t.pol",
        "package p\nlet n = to_int(input.n)\ntest \"bad number\" {\n  input = {\"n\": \"x\"}\n}\ntest \"good number\" {\n  input = {\"n\": \"7\"}\n  expect n == 7\n}\n",
    );
    let compiled = pol::compile(&mut sources, &[file]).unwrap();
    let outcomes = pol::testing::run_tests(&compiled, &sources, &|_| Err("no files".to_owned()));
    assert_eq!(outcomes.len(), 2);
    assert!(!outcomes[0].passed);
    assert!(
        outcomes[0].failures[0]
            .message
            .contains("runtime error in `p.n`"),
        "{:?}",
        outcomes[0].failures
    );
    assert!(outcomes[1].passed, "{:?}", outcomes[1].failures);
}

/// Documents loaded for a policy keep their comments only when one of its rules can
/// read them (`comment(x)`); the comments are then the same as a full load's.
#[test]
fn documents_keep_comments_only_for_policies_that_read_them() {
    let reads = Policy::from_source(
        "c.pol",
        "package c\n\nwarn documented {\n  for name, level in input.permissions\n  message f\"{name}: {comment(level)}\"\n}\n",
    )
    .unwrap();
    let ignores = Policy::from_source(
        "n.pol",
        "package n\n\nwarn granted {\n  for name, level in input.permissions\n  message f\"{name}: {level}\"\n}\n",
    )
    .unwrap();
    assert!(reads.program().shape().comments());
    assert!(!ignores.program().shape().comments());

    let text = "permissions:\n  # to label issues\n  issues: write\n  contents: read  # checkout\n";
    let doc = &reads.load(text, Format::Yaml, Some("w.yml")).unwrap()[0];
    let messages: Vec<String> = reads
        .evaluate(doc)
        .warnings
        .iter()
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(
        messages,
        ["issues: to label issues", "contents: checkout"],
        "{messages:?}"
    );
    // Without comments, the same document evaluates the same for a policy that does
    // not read them.
    let doc = &ignores.load(text, Format::Yaml, Some("w.yml")).unwrap()[0];
    assert_eq!(ignores.evaluate(doc).warnings.len(), 2);
}

/// An evaluator loads comments only while one of its enabled rules can read them,
/// through a function or a let as well as directly: with that rule disabled (a level
/// that leaves it out), documents are loaded without them.
#[test]
fn evaluators_load_comments_only_for_enabled_rules_that_read_them() {
    let policy = Policy::from_source(
        "c.pol",
        "package c

fn why(x) = comment(x)

let notes = [why(v) for _k, v in input.permissions]

         warn documented {
  for note in notes
  message f\"{note}\"
}

         warn granted {
  for name, level in input.permissions
  message f\"{name}: {level}\"
}
",
    )
    .unwrap();
    let mut evaluator = policy.evaluator();
    assert!(evaluator.shape().comments());
    evaluator.disable_rules(|rule| rule.name == "c.documented");
    assert!(!evaluator.shape().comments());
    evaluator.disable_rules(|rule| rule.name == "c.granted");
    assert!(evaluator.shape().comments());
}

/// `.polc` bytes that are not a program, or a damaged one, are refused with an error
/// that names what is wrong, through `pol::` alone.
#[test]
fn program_load_errors_say_what_is_wrong() {
    use pol::{DecodeError, ProgramLoadError};
    use std::error::Error;

    let err = Policy::from_polc(b"package k8s\n").unwrap_err();
    assert_eq!(err, ProgramLoadError::Decode(DecodeError::BadMagic));

    let mut bytes = Policy::from_source("p.pol", POLICY).unwrap().to_polc();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    let err = Policy::from_polc(&bytes).unwrap_err();
    assert_eq!(err, ProgramLoadError::Decode(DecodeError::DigestMismatch));
    assert!(err.source().is_some(), "the decode error is its source");
    assert!(err.to_string().contains("digest"), "{err}");
}

#[test]
fn a_detached_evaluator_keeps_its_settings_for_its_own_program_only() {
    let source = "package p\n@option\nlet limit = 2\ndeny big {\n  if input.n > limit\n  message f\"{input.n} over {limit}\"\n}\n\
                  deny owner {\n  if input.who not in (data.owners ?? [])\n  message \"not an owner\"\n}\n";
    let policy = Policy::from_source("p.pol", source).unwrap();
    let doc = |text: &str| pol::load(text, Format::Json, None).unwrap().remove(0);
    let input = doc(r#"{"n": 3, "who": "ada"}"#);
    let mut data = pol::Data::new();
    data.add("d.json", serde_json::json!({"owners": ["ada"]}))
        .unwrap();
    let mut evaluator = policy.evaluator();
    evaluator
        .set_option("limit", &serde_json::json!(5))
        .unwrap();
    evaluator.set_data(&data);
    let before = evaluator.evaluate(&input);
    assert!(before.allowed, "{before:?}");
    // Detached and attached again to the same program: the option and the data hold.
    let detached = evaluator.detach();
    let mut again = policy.attach(detached);
    assert_eq!(again.evaluate(&input), before);
    // Attached to another program: a new evaluator, none of the other's settings.
    let other = Policy::from_source("p.pol", &source.replace("limit = 2", "limit = 1")).unwrap();
    let mut fresh = other.attach(again.detach());
    let decision = fresh.evaluate(&input);
    let messages: Vec<&str> = decision
        .violations
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(messages, ["3 over 1", "not an owner"]);
}
