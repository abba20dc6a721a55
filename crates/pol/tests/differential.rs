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
use pol::{Decision, SourceMap};
use proptest::prelude::*;

const KEYS: &[&str] = &["a", "b", "c", "name", "items"];
const BINARY: &[&str] = &[
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "??", "and", "or",
];
const BUILTINS: &[(&str, usize)] = &[
    ("len", 1),
    ("lower", 1),
    ("upper", 1),
    ("trim", 1),
    ("starts_with", 2),
    ("ends_with", 2),
    ("contains", 2),
    ("split", 2),
    ("join", 2),
    ("replace", 3),
    ("to_string", 1),
    ("to_int", 1),
    ("to_float", 1),
    ("keys", 1),
    ("values", 1),
    ("count", 1),
    ("sum", 1),
    ("min", 1),
    ("max", 1),
    ("sort", 1),
    ("unique", 1),
    ("flatten", 1),
    ("type_of", 1),
];

struct Gen {
    rng: Rng,
    /// Whether leaves may be `input` itself.
    bare_input: bool,
    fresh: usize,
    lets: usize,
    fns: usize,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng(seed | 1),
            bare_input: true,
            fresh: 0,
            lets: 0,
            fns: 0,
        }
    }

    fn name(&mut self) -> String {
        self.fresh += 1;
        format!("v{}", self.fresh)
    }

    fn literal(&mut self) -> String {
        match self.rng.below(9) {
            0 => "null".into(),
            1 => self.rng.pick(&["true", "false"]).into(),
            2 | 3 => self
                .rng
                .pick(&["0", "1", "2", "-3", "7", "9223372036854775807"])
                .into(),
            4 => self.rng.pick(&["0.5", "2.0", "-1.5"]).into(),
            5 | 6 => self
                .rng
                .pick(&["\"a\"", "\"b\"", "\"\"", "\"A b\"", "\"a,b\""])
                .into(),
            7 => format!("\"{}\"", self.rng.pick(KEYS)),
            _ => "[]".into(),
        }
    }

    fn leaf(&mut self, scope: &[String], lets_visible: usize) -> String {
        match self.rng.below(10) {
            0..=2 if !scope.is_empty() => scope[self.rng.below(scope.len())].clone(),
            // Half the programs never use `input` whole, so that selective loading
            // has parts of the document to skip.
            3 if self.bare_input => "input".into(),
            3 => format!("input.{}.{}", self.rng.pick(KEYS), self.rng.pick(KEYS)),
            4 | 5 => format!("input.{}", self.rng.pick(KEYS)),
            6 if lets_visible > 0 => format!("l{}", self.rng.below(lets_visible)),
            _ => self.literal(),
        }
    }

    fn expr(&mut self, scope: &[String], depth: usize, lets_visible: usize) -> String {
        if depth == 0 || self.rng.chance(30) {
            return self.leaf(scope, lets_visible);
        }
        let d = depth - 1;
        match self.rng.below(14) {
            0 => format!(
                "{}.{}",
                self.expr(scope, d, lets_visible),
                self.rng.pick(KEYS)
            ),
            1 => format!(
                "{}[{}]",
                self.expr(scope, d, lets_visible),
                self.rng.pick(&["0", "1", "-1", "\"a\""])
            ),
            2 => format!("(not {})", self.expr(scope, d, lets_visible)),
            3 => format!("(-{})", self.expr(scope, d, lets_visible)),
            4 | 5 => {
                let op = self.rng.pick(BINARY);
                format!(
                    "({} {op} {})",
                    self.expr(scope, d, lets_visible),
                    self.expr(scope, d, lets_visible)
                )
            }
            6 => format!(
                "(if {} then {} else {})",
                self.expr(scope, d, lets_visible),
                self.expr(scope, d, lets_visible),
                self.expr(scope, d, lets_visible)
            ),
            7 => {
                let q = self.rng.pick(&["any", "all"]);
                let iter = self.expr(scope, d, lets_visible);
                let v = self.name();
                let mut inner = scope.to_vec();
                inner.push(v.clone());
                format!(
                    "({q} {v} in {iter}: {})",
                    self.expr(&inner, d, lets_visible)
                )
            }
            8 => format!(
                "[{}, {}]",
                self.expr(scope, d, lets_visible),
                self.expr(scope, d, lets_visible)
            ),
            9 => format!(
                "{{{}, {}}}",
                self.expr(scope, d, lets_visible),
                self.expr(scope, d, lets_visible)
            ),
            10 => format!(
                "{{\"{}\": {}}}",
                self.rng.pick(KEYS),
                self.expr(scope, d, lets_visible)
            ),
            11 => {
                let iter = self.expr(scope, d, lets_visible);
                let v = self.name();
                let mut inner = scope.to_vec();
                inner.push(v.clone());
                let elem = self.expr(&inner, d, lets_visible);
                let cond = self.expr(&inner, d, lets_visible);
                match self.rng.below(3) {
                    0 => format!("[{elem} for {v} in {iter} if {cond}]"),
                    1 => format!("{{{elem} for {v} in {iter}}}"),
                    _ => format!("{{to_string({v}): {elem} for {v} in {iter}}}"),
                }
            }
            12 if self.fns > 0 => {
                let f = self.rng.below(self.fns);
                format!(
                    "f{f}({}, {})",
                    self.expr(scope, d, lets_visible),
                    self.expr(scope, d, lets_visible)
                )
            }
            _ => {
                let (name, arity) = BUILTINS[self.rng.below(BUILTINS.len())];
                let args: Vec<String> = (0..arity)
                    .map(|_| self.expr(scope, d, lets_visible))
                    .collect();
                format!("{name}({})", args.join(", "))
            }
        }
    }

    fn program(&mut self) -> String {
        let mut src = String::from("package gen\n\n");
        self.bare_input = self.rng.chance(50);
        self.lets = self.rng.below(3);
        for i in 0..self.lets {
            let value = self.expr(&[], 3, i);
            src.push_str(&format!("let l{i} = {value}\n"));
        }
        let fns = self.rng.below(2);
        for i in 0..fns {
            let scope = vec!["p0".to_owned(), "p1".to_owned()];
            let body = self.expr(&scope, 3, self.lets);
            src.push_str(&format!("fn f{i}(p0, p1) = {body}\n"));
            self.fns = i + 1;
        }
        // Loop heads that several rules begin with, so that loop fusion has rules to
        // fuse: a part of the input, then a field of its values.
        let outer = format!("input.{}", self.rng.pick(KEYS));
        let inner = self.rng.pick(KEYS);
        for r in 0..1 + self.rng.below(4) {
            let kind = self.rng.pick(&["deny", "warn"]);
            src.push_str(&format!("\n{kind} r{r} {{\n"));
            let mut scope: Vec<String> = Vec::new();
            if self.rng.chance(60) {
                if self.rng.chance(30) {
                    src.push_str(&format!("  if {}\n", self.expr(&scope, 2, self.lets)));
                }
                let v = self.name();
                if self.rng.chance(50) {
                    let k = self.name();
                    src.push_str(&format!("  for {k}, {v} in {outer}\n"));
                    scope.push(k);
                } else {
                    src.push_str(&format!("  for {v} in {outer}\n"));
                }
                scope.push(v.clone());
                if self.rng.chance(60) {
                    let w = self.name();
                    let k = self.name();
                    src.push_str(&format!("  for {k}, {w} in {v}.{inner}\n"));
                    scope.push(k);
                    scope.push(w);
                }
            }
            for _ in 0..self.rng.below(4) {
                match self.rng.below(3) {
                    0 => {
                        let iter = self.expr(&scope, 2, self.lets);
                        let v = self.name();
                        if self.rng.chance(40) {
                            let k = self.name();
                            src.push_str(&format!("  for {k}, {v} in {iter}\n"));
                            scope.push(k);
                        } else {
                            src.push_str(&format!("  for {v} in {iter}\n"));
                        }
                        scope.push(v);
                    }
                    1 => src.push_str(&format!("  if {}\n", self.expr(&scope, 3, self.lets))),
                    _ => {
                        let value = self.expr(&scope, 3, self.lets);
                        let v = self.name();
                        src.push_str(&format!("  let {v} = {value}\n"));
                        scope.push(v);
                    }
                }
            }
            let part = self.expr(&scope, 2, self.lets);
            src.push_str(&format!("  message f\"r{r}: {{ {part} }}\""));
            if self.rng.chance(50) {
                src.push_str(&format!(" at {}", self.expr(&scope, 2, self.lets)));
            }
            src.push_str("\n}\n");
        }
        src
    }

    fn json(&mut self, depth: usize) -> String {
        let scalar = |g: &mut Gen| -> String {
            match g.rng.below(7) {
                0 => "null".into(),
                1 => g.rng.pick(&["true", "false"]).into(),
                2 => g.rng.pick(&["0", "1", "2", "-5", "3.5"]).into(),
                _ => format!(
                    "\"{}\"",
                    g.rng
                        .pick(&["a", "b", "A b", "a,b", "", "name", "items", "7"])
                ),
            }
        };
        if depth == 0 {
            return scalar(self);
        }
        match self.rng.below(3) {
            0 => scalar(self),
            1 => {
                let items: Vec<String> = (0..self.rng.below(4))
                    .map(|_| self.json(depth - 1))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            _ => {
                let mut keys: Vec<&str> = KEYS.to_vec();
                let n = self.rng.below(keys.len() + 1);
                let mut entries = Vec::new();
                for _ in 0..n {
                    let k = keys.remove(self.rng.below(keys.len()));
                    entries.push(format!("\"{k}\": {}", self.json(depth - 1)));
                }
                format!("{{{}}}", entries.join(", "))
            }
        }
    }
}

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
