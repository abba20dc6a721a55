//! The three rule files mean the same thing: pol, regorus (interpreter and RVM) and cel
//! find exactly the same (rule, job, step) findings on every corpus workflow and on the
//! synthetic workflows, and every rule fires somewhere.

use std::collections::{BTreeMap, BTreeSet};

use pol_peers::{
    Cel, Engine, Finding, Input, Pol, RegoInterpreter, RegoVm, corpus, fixtures, pol_engine,
    synthetic,
};

/// What each engine found on one document, by engine name.
fn run_all(
    input: &Input,
    engines: &mut Engines<'_>,
) -> Vec<(&'static str, Result<Vec<Finding>, String>)> {
    vec![
        ("pol", engines.pol.run(&input.json)),
        ("regorus", engines.rego.run(&input.json)),
        ("regorus-rvm", engines.rvm.run(&input.json)),
        ("cel", engines.cel.run(&input.json)),
    ]
}

struct Engines<'p> {
    pol: Pol<'p>,
    rego: RegoInterpreter,
    rvm: RegoVm,
    cel: Cel,
}

/// The lines of `a` not in `b`, for the failure message.
fn missing(a: &[Finding], b: &[Finding]) -> Vec<String> {
    let b: BTreeSet<&Finding> = b.iter().collect();
    a.iter()
        .filter(|f| !b.contains(f))
        .map(|f| format!("{f:?}"))
        .collect()
}

#[test]
fn engines_agree_on_every_workflow() {
    let corpus = corpus().expect("the corpus loads");
    assert!(
        corpus.len() >= 200,
        "expected the whole corpus, found {} workflows",
        corpus.len()
    );
    let mut inputs = corpus.clone();
    inputs.push(synthetic("synthetic-18k", 18 * 1024, &corpus).expect("synthetic document"));
    inputs.push(synthetic("synthetic-64k", 64 * 1024, &corpus).expect("synthetic document"));
    inputs.extend(fixtures());

    let policy = pol_engine::policy().expect("gha.pol compiles");
    let mut engines = Engines {
        pol: Pol::new(&policy),
        rego: RegoInterpreter::new().expect("gha.rego loads"),
        rvm: RegoVm::new().expect("gha.rego compiles to an RVM program"),
        cel: Cel::new().expect("gha.cel compiles"),
    };

    let mut failures = Vec::new();
    let mut per_rule: BTreeMap<String, usize> = engines
        .cel
        .rule_names()
        .map(|n| (n.to_owned(), 0))
        .collect();
    let mut total = 0;
    for input in &inputs {
        let results = run_all(input, &mut engines);
        let reference = match &results[0].1 {
            Ok(findings) => findings.clone(),
            Err(e) => {
                failures.push(format!("{}: pol: {e}", input.name));
                continue;
            }
        };
        for finding in &reference {
            *per_rule.entry(finding.0.clone()).or_default() += 1;
        }
        total += reference.len();
        for (engine, result) in &results[1..] {
            match result {
                Err(e) => failures.push(format!("{}: {engine}: {e}", input.name)),
                Ok(found) if *found != reference => failures.push(format!(
                    "{}: {engine} disagrees with pol\n  only pol: {:?}\n  only {engine}: {:?}",
                    input.name,
                    missing(&reference, found),
                    missing(found, &reference),
                )),
                Ok(_) => {}
            }
        }
    }
    println!(
        "{} documents, {total} findings, all engines agree: {}",
        inputs.len(),
        failures.is_empty()
    );
    for (rule, count) in &per_rule {
        println!("  {rule:32} {count}");
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let silent: Vec<&String> = per_rule
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(r, _)| r)
        .collect();
    assert!(
        silent.is_empty(),
        "rules that never fire, so agree vacuously: {silent:?}"
    );
    assert_eq!(per_rule.len(), 15, "one entry per rule: {per_rule:?}");
}
