//! The reference evaluator of pol: a plain tree-walking interpreter of the checked HIR
//! that implements `docs/evaluation.md` as directly as it can. Tests use it as the
//! oracle for the bytecode VM; it favours clarity over speed.
//!
//! - `value`: values, and values read from the input document (`Node`s);
//! - `order`: structural equality, the canonical order, sets;
//! - `ops`, `builtins`, `patterns`, `text`: operators, builtins, `to_string`/JSON;
//! - `eval`: expressions, lets and calls; `loops`: iteration, comprehensions, quantifiers;
//! - `rules`: rules, findings and the decision;
//! - `observe`, `operands`, `show`: watching rules run ([`Observer`]), for explanations
//!   and test coverage.

mod builtins;
mod error;
mod eval;
mod loops;
mod observe;
mod operands;
mod ops;
mod order;
mod patterns;
mod rules;
mod show;
mod text;
mod value;

pub use observe::{Event, Observer, Operand, ValueRef};

use pol_check::hir::{LetId, Program, RuleDef};
use pol_diagnostics::SourceMap;
use pol_facts::{Decision, Document, EvalError};

/// Resource limits of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How many expression evaluations one evaluation may take (the reference
    /// evaluator's counterpart of the VM's executed instructions).
    pub step_limit: u64,
    /// The most elements or bytes a collection or string built by the policy may have.
    pub size_limit: usize,
}

impl Default for Options {
    /// The limits of docs/evaluation.md: 10,000,000 steps and 10,000,000 elements.
    fn default() -> Options {
        Options {
            step_limit: 10_000_000,
            size_limit: 10_000_000,
        }
    }
}

/// Evaluates every rule of `program`, in order, on `doc`.
///
/// `sources` must hold the program's files: error and finding positions are read
/// from it. `program` must come from a check without errors.
pub fn evaluate(
    program: &Program,
    sources: &SourceMap,
    doc: &Document,
    options: &Options,
) -> Decision {
    let mut ev = eval::Evaluator::new(program, sources, doc, options);
    rules::decide(&mut ev, program.rules.iter())
}

/// What an observed evaluation runs ([`evaluate_observed`]).
pub struct Setup<'s> {
    /// Whether rule `index` (of `Program::rules`) runs; the others are left out.
    pub rules: &'s dyn Fn(usize, &RuleDef) -> bool,
    /// Values given to top-level lets before anything runs: the options a test or a
    /// configuration sets (`@option` lets), as JSON.
    pub lets: &'s [(LetId, serde_json::Value)],
    /// The value of `data` (an object); `None` for an empty object.
    pub data: Option<&'s serde_json::Value>,
}

/// Evaluates the rules `setup` selects, in order, on `doc`, with its lets preset (see
/// [`Setup`]).
pub fn evaluate_with(
    program: &Program,
    sources: &SourceMap,
    doc: &Document,
    options: &Options,
    setup: &Setup<'_>,
) -> Decision {
    decide_set_up(program, sources, doc, options, setup, None)
}

/// Evaluates the rules `setup` selects, in order, on `doc`, telling `observer` what
/// every clause of every rule does (see [`Observer`]). The decision is the one
/// [`evaluate_with`] gives: observing changes nothing.
pub fn evaluate_observed(
    program: &Program,
    sources: &SourceMap,
    doc: &Document,
    options: &Options,
    setup: &Setup<'_>,
    observer: &mut dyn Observer,
) -> Decision {
    decide_set_up(program, sources, doc, options, setup, Some(observer))
}

/// [`evaluate_with`], observed or not.
fn decide_set_up(
    program: &Program,
    sources: &SourceMap,
    doc: &Document,
    options: &Options,
    setup: &Setup<'_>,
    observer: Option<&mut dyn Observer>,
) -> Decision {
    let mut ev = eval::Evaluator::new(program, sources, doc, options);
    preset(&mut ev, setup.lets);
    if let Some(data) = setup.data {
        ev.data = value::from_json(data);
    }
    let rules = program
        .rules
        .iter()
        .enumerate()
        .filter(|(i, r)| (setup.rules)(*i, r));
    rules::decide_observed(&mut ev, rules, observer)
}

/// Gives lets their values before anything runs.
fn preset(ev: &mut eval::Evaluator<'_>, lets: &[(LetId, serde_json::Value)]) {
    for (id, json) in lets {
        ev.preset_let(*id, value::from_json(json));
    }
}

/// The value of one top-level let on `doc`, as JSON (sets as arrays).
///
/// `name` is the let's full name (`pkg.name`) or its simple name when only one let
/// has it. `Err` says why there is no value: an unknown or ambiguous name, or the
/// let's runtime error.
pub fn evaluate_let(
    program: &Program,
    sources: &SourceMap,
    doc: &Document,
    name: &str,
    options: &Options,
) -> Result<serde_json::Value, String> {
    let by_full = program.lets.iter().position(|l| l.info.qualified == name);
    let index = match by_full {
        Some(i) => i,
        None => {
            let simple: Vec<usize> = (0..program.lets.len())
                .filter(|&i| program.lets.get(i).is_some_and(|l| l.info.name == name))
                .collect();
            match simple.as_slice() {
                [i] => *i,
                [] => return Err(format!("no let is called `{name}`")),
                _ => {
                    return Err(format!(
                        "several lets are called `{name}`: give the package"
                    ));
                }
            }
        }
    };
    let id = LetId(u32::try_from(index).map_err(|e| e.to_string())?);
    let setup = Setup {
        rules: &|_, _| false,
        lets: &[],
        data: None,
    };
    evaluate_let_with(program, sources, doc, options, &setup, id).map_err(|errors| {
        errors
            .first()
            .map_or_else(|| "the let failed".to_owned(), |e| e.message.clone())
    })
}

/// The value of the top-level let `id` on `doc`, as JSON (sets as arrays), with the
/// lets and data of `setup` given first (its rule filter is not used).
///
/// `Err` holds the runtime errors computing it raised (a value with no JSON form is
/// one, at the let); none for an unknown id.
pub fn evaluate_let_with(
    program: &Program,
    sources: &SourceMap,
    doc: &Document,
    options: &Options,
    setup: &Setup<'_>,
    id: LetId,
) -> Result<serde_json::Value, Vec<EvalError>> {
    let def = program.let_def(id).ok_or_else(Vec::new)?;
    let mut ev = eval::Evaluator::new(program, sources, doc, options);
    preset(&mut ev, setup.lets);
    if let Some(data) = setup.data {
        ev.data = value::from_json(data);
    }
    let written = match ev.let_value(id, def.info.name_span) {
        Ok(v) => text::to_json(doc, &v),
        Err(_) => return Err(ev.errors),
    };
    written.map_err(|message| {
        let span = def.info.name_span;
        ev.record(&def.info.qualified, error::Failure { message, span });
        ev.errors
    })
}
