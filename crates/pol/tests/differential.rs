//! Differential testing: random well-formed programs on random JSON documents give the
//! same decision on the VM — optimized, at `-O0`, on the document loaded selectively
//! for the policy, and after a `.polc` round trip — and
//! on the reference evaluator.
//!
//! Programs and documents are generated from a proptest seed by a small grammar-driven
//! generator; a failing case prints its seed, program and document.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;

use common::Rng;
use common::program_gen::Gen;
use pol::{Decision, SourceMap};
use proptest::prelude::*;

/// What both evaluators must agree on: allowed, every finding, and which rules erred.
fn essence(d: &Decision) -> (bool, Vec<String>, Vec<String>) {
    let findings = d
        .violations
        .iter()
        .chain(&d.warnings)
        .map(|f| {
            format!(
                "{} | {} | {} | {:?}",
                f.rule,
                f.message,
                f.path,
                f.location.as_ref().map(|l| (l.line, l.column))
            )
        })
        .collect();
    let mut errors: Vec<String> = d.errors.iter().map(|e| e.rule.to_string()).collect();
    errors.sort();
    errors.dedup();
    (d.allowed, findings, errors)
}

/// Runs one case; gives the number of values selective loading skipped.
fn run_case(seed: u64) -> Result<usize, TestCaseError> {
    let mut generator = Gen::new(seed);
    let program = generator.program();
    let document = generator.json(3);
    let mut sources = SourceMap::new();
    let file = sources.add("gen.pol", program.clone());
    let (hir, diagnostics) = pol::check_program(&mut sources, &[file]);
    // Random programs are often badly typed: that is the point, the run-time checks
    // are what is compared. Type errors (E02xx) do not stop the program from
    // compiling; any other error means the generator is wrong.
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.is_error() && !d.code.as_str().starts_with("E02"))
        .collect();
    prop_assert!(
        errors.is_empty(),
        "generated program does not check:\n{program}\n{errors:#?}"
    );
    let policy = pol::compile_checked(&hir, &sources).expect("compiles");
    let docs = pol::load(&document, pol::Format::Json, Some("doc.json")).expect("valid JSON");
    let doc = &docs[0];
    let vm = policy.evaluate(doc);
    let unoptimized = pol::compile_checked_with(&hir, &sources, false).expect("compiles at -O0");
    // The same VM on optimized and unoptimized code: the decisions must be equal in
    // every field, error messages and their source positions included.
    prop_assert_eq!(
        &vm,
        &unoptimized.evaluate(doc),
        "the optimizer changed the decision (seed {}):\n{}\n{}",
        seed,
        program,
        document
    );
    // Selective loading: the document loaded for the policy, with what no rule reads
    // skipped, must give the same decision in every field.
    let shaped = policy
        .load(&document, pol::Format::Json, Some("doc.json"))
        .expect("valid JSON");
    prop_assert_eq!(
        &vm,
        &policy.evaluate(&shaped[0]),
        "selective loading changed the decision (seed {}):\n{}\n{}",
        seed,
        program,
        document
    );
    let reloaded = pol::Policy::from_polc(&policy.to_polc()).expect("round trip");
    let vm_reloaded = reloaded.evaluate(doc);
    let reference =
        pol_reference::evaluate(&hir, &sources, doc, &pol_reference::Options::default());
    prop_assert_eq!(
        essence(&vm),
        essence(&vm_reloaded),
        "polc round trip changed the decision"
    );
    prop_assert_eq!(
        essence(&vm),
        essence(&reference),
        "VM and reference disagree (seed {}):\n--- program ---\n{}\n--- document ---\n{}\n--- vm ---\n{:#?}\n--- reference ---\n{:#?}",
        seed,
        program,
        document,
        vm,
        reference
    );
    let skipped = (0..shaped[0].len())
        .filter(|&i| shaped[0].is_skipped(pol::NodeId(i as u32)))
        .count();
    Ok(skipped)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn vm_agrees_with_the_reference_evaluator(seed in any::<u64>()) {
        run_case(seed)?;
    }
}

/// The cases do exercise loop fusion: many programs have a group of fused rules.
#[test]
fn many_cases_fuse_rules() {
    let mut fused = 0;
    for seed in 0..300u64 {
        let program = Gen::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)).program();
        let mut sources = SourceMap::new();
        let file = sources.add("gen.pol", program);
        let (hir, _) = pol::check_program(&mut sources, &[file]);
        let policy = pol::compile_checked(&hir, &sources).expect("compiles");
        if !policy.program().bytecode().groups.is_empty() {
            fused += 1;
        }
    }
    assert!(fused > 60, "only {fused} of 300 programs fuse rules");
}

/// The cases do exercise selective loading: many skip part of their document.
#[test]
fn many_cases_skip_part_of_the_document() {
    let mut skipping = 0;
    for seed in 0..300u64 {
        if run_case(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)).unwrap() > 0 {
            skipping += 1;
        }
    }
    assert!(skipping > 60, "only {skipping} of 300 cases skip anything");
}

/// Lowering a limit can only add errors: a decision under lower limits is the full
/// decision, or it has an error — never "allowed" where the full one denies.
fn run_limits_case(seed: u64) -> Result<(), TestCaseError> {
    let mut generator = Gen::new(seed);
    let program = generator.program();
    let document = generator.json(3);
    let mut sources = SourceMap::new();
    let file = sources.add("gen.pol", program.clone());
    let (hir, _) = pol::check_program(&mut sources, &[file]);
    let policy = pol::compile_checked(&hir, &sources).expect("compiles");
    let docs = pol::load(&document, pol::Format::Json, Some("doc.json")).expect("valid JSON");
    let full = policy.evaluate(&docs[0]);
    let mut rng = Rng(seed.rotate_left(17) | 1);
    let mut evaluator = policy.evaluator();
    for _ in 0..8 {
        let limits = pol::Limits {
            steps: rng.below(60) as u64,
            steps_per_node: rng.below(3) as u64,
            call_depth: rng.below(5),
            memory: rng.below(3000) as u64,
            time: None,
        };
        evaluator.set_limits(limits);
        let lowered = evaluator.evaluate(&docs[0]);
        if !full.allowed {
            prop_assert!(
                !lowered.allowed,
                "lower limits {:?} allowed what the full limits deny (seed {}):\n{}\n{}",
                limits,
                seed,
                program,
                document
            );
        }
        if lowered.errors.is_empty() {
            prop_assert_eq!(
                &lowered,
                &full,
                "no limit was hit under {:?}, yet the decision differs (seed {}):\n{}\n{}",
                limits,
                seed,
                program,
                document
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn lowering_a_limit_never_turns_a_denial_into_an_allow(seed in any::<u64>()) {
        run_limits_case(seed)?;
    }
}

/// The limits case does hit limits, and does run to the end under some.
#[test]
fn lowered_limits_are_hit_and_missed() {
    let (mut hit, mut missed) = (0, 0);
    for seed in 0..200u64 {
        let seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut generator = Gen::new(seed);
        let program = generator.program();
        let document = generator.json(3);
        let mut sources = SourceMap::new();
        let file = sources.add("gen.pol", program);
        let (hir, _) = pol::check_program(&mut sources, &[file]);
        let policy = pol::compile_checked(&hir, &sources).expect("compiles");
        let docs = pol::load(&document, pol::Format::Json, None).expect("valid JSON");
        let mut evaluator = policy.evaluator();
        evaluator.set_limits(pol::Limits {
            steps: 15,
            steps_per_node: 0,
            ..pol::Limits::default()
        });
        let decision = evaluator.evaluate(&docs[0]);
        if decision
            .errors
            .iter()
            .any(|e| e.message.contains("steps (resource limit"))
        {
            hit += 1;
        } else {
            missed += 1;
        }
    }
    assert!(hit > 20 && missed > 20, "hit {hit}, missed {missed} of 200");
}
