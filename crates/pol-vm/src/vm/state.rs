//! An evaluator's state apart from its program: the buffers reused from one document
//! to the next, the settings (limits, options, data, rules turned off) and the compiled
//! patterns. `Evaluator` is a program and a `State`; `DetachedEvaluator` is a `State`
//! kept without its program, for a thread that serves the same program again later.

use super::groups::GroupState;
use super::{LetState, Owner, profile};
use crate::builtins::PatternCache;
use crate::findings::Findings;
use crate::iter::Iter;
use crate::limits::Limits;
use crate::meter::Meter;
use crate::program::LoadedProgram;
use crate::value::Value;
use pol_facts::{KeyHash, KeyId};

/// What an evaluator holds besides its program.
pub(super) struct State {
    pub(super) consts: Vec<Value>,
    pub(super) regs: Vec<Value>,
    pub(super) iters: Vec<Iter>,
    pub(super) lets: Vec<LetState>,
    /// The document's key for each symbol of the program, looked up on first use in
    /// an evaluation: `(generation, key)`, stale when the generation is not the
    /// current one (so nothing is cleared between documents).
    pub(super) sym_keys: Vec<(u32, Option<KeyId>)>,
    /// The key hash of each symbol, computed once.
    pub(super) sym_hashes: Vec<KeyHash>,
    pub(super) generation: u32,
    pub(super) patterns: PatternCache,
    pub(super) limits: Limits,
    /// A deadline for every evaluation, set by the embedder (the end of a whole run).
    pub(super) deadline: Option<std::time::Instant>,
    /// What the current evaluation has spent of its limits.
    pub(super) meter: Meter,
    pub(super) depth: usize,
    pub(super) owner: Owner,
    pub(super) findings: Findings,
    /// The value a chunk returns (see `Flow::Return`).
    pub(super) ret: Value,
    /// The value of `data` (an empty object until [`Evaluator::set_data`]).
    pub(super) data: Value,
    /// The rules to run on the current document (rule indexing).
    pub(super) selected: Vec<u32>,
    /// What became of each group of fused rules on the current document.
    pub(super) groups: Vec<GroupState>,
    /// The lets not computed yet when a group started (to undo a failed group).
    pub(super) pending_lets: Vec<usize>,
    /// The values the user set for `@option` lets, by let.
    pub(super) options: Vec<Option<Value>>,
    /// The rules that do not run, by rule index (empty: every rule runs); see
    /// [`Evaluator::disable_rules`].
    pub(super) disabled: Vec<bool>,
    /// The time spent computing each let, when profiling (`pol bench`).
    pub(super) let_profile: Option<Box<profile::LetProfile>>,
    /// What resolving a document of its kind may build (`evaluate_kind`).
    pub(super) load_limits: pol_facts::LoadLimits,
}

impl State {
    /// The state of a new evaluator of `program`: its constants built, nothing else yet.
    pub(super) fn new(program: &LoadedProgram) -> State {
        State {
            consts: crate::consts::constants(&program.code.consts),
            regs: Vec::new(),
            iters: Vec::new(),
            lets: Vec::new(),
            sym_keys: Vec::new(),
            sym_hashes: Vec::new(),
            generation: 0,
            patterns: PatternCache::default(),
            limits: Limits::default(),
            deadline: None,
            meter: Meter::unlimited(),
            depth: 0,
            owner: Owner::Rule(0),
            findings: Findings::default(),
            ret: Value::Null,
            data: Value::object(Vec::new()),
            selected: Vec::new(),
            groups: Vec::new(),
            pending_lets: Vec::new(),
            options: Vec::new(),
            disabled: Vec::new(),
            let_profile: None,
            load_limits: pol_facts::LoadLimits::DEFAULT,
        }
    }
}

/// An evaluator without its program ([`Evaluator::detach`](super::Evaluator::detach)):
/// its buffers, settings and compiled patterns, kept by a thread between evaluations (a
/// server keeps one per thread) and given back a program with
/// [`Evaluator::attach`](super::Evaluator::attach). Not `Send`, as an evaluator is not.
pub struct DetachedEvaluator {
    /// The digest of the program it was detached from: attached to another, it starts
    /// afresh.
    pub(super) program: pol_bytecode::Digest,
    pub(super) state: State,
}
