//! The interpreter loop: frames on one register stack, iterator slots, lazily computed
//! lets, and the runtime-error discipline of docs/evaluation.md (an error drops the
//! path, is recorded once, and the rule continues at its innermost `for`).

use crate::builders::Piece;
use crate::builtins;
use crate::copy::{two_regs, write_clone};
use crate::iter::Iter;
use crate::limits::Limits;
use crate::meter::{Meter, VALUE_BYTES};
use crate::ops;
use crate::program::LoadedProgram;
use crate::value::{Value, View};
use pol_bytecode::{BuiltinOp, Chunk, Const, Instr, Message, MessagePart, StrOp};
use pol_facts::{Document, key_hash};
use std::rc::Rc;

mod access;
mod failure;
mod groups;
mod options;
mod profile;
mod query;
mod regs;
mod rules;
mod state;
use access::index_value;
use groups::GroupState;
pub use options::OptionError;
pub use query::QueryError;
pub use state::DetachedEvaluator;
use state::State;

/// How an instruction failed.
pub(crate) enum Fault {
    /// A new runtime error: record it, then drop the path. (Boxed: the error path is
    /// cold, and a small `Result` keeps the hot path fast.)
    #[expect(
        clippy::box_collection,
        reason = "a thin pointer keeps `Result<Flow, Fault>` small on the hot path"
    )]
    Error(Box<String>),
    /// An error already recorded deeper down (in a function or let): drop the path.
    Failed,
    /// A resource limit of the whole evaluation: stop everything.
    Abort,
}

impl From<String> for Fault {
    fn from(message: String) -> Fault {
        Fault::Error(Box::new(message))
    }
}

/// What the interpreter does after an instruction.
enum Flow {
    Next,
    Jump(usize),
    /// The chunk returns the value in `State::ret`.
    Return,
}

#[derive(Clone)]
enum LetState {
    Pending,
    Running,
    Done(Value),
    Failed,
}

/// Who owns the errors raised now: the rule being evaluated, or a let being computed.
#[derive(Clone, Copy)]
pub(crate) enum Owner {
    Rule(usize),
    Let(usize),
}

/// Evaluates a program on documents, reusing its buffers from one document to the next.
///
/// An evaluator is cheap to create and not `Send`; make one per thread and share the
/// [`LoadedProgram`].
pub struct Evaluator<'p> {
    program: &'p LoadedProgram,
    /// Everything else: buffers, settings, compiled patterns (`state.rs`).
    state: State,
}

impl<'p> Evaluator<'p> {
    /// An evaluator for `program` with the default [`Limits`].
    pub fn new(program: &'p LoadedProgram) -> Evaluator<'p> {
        Evaluator {
            program,
            state: State::new(program),
        }
    }

    /// Takes the program away, keeping everything else (buffers, limits, options,
    /// data, rules turned off, compiled patterns) for [`Evaluator::attach`].
    pub fn detach(self) -> DetachedEvaluator {
        DetachedEvaluator {
            program: self.program.digest(),
            state: self.state,
        }
    }

    /// An evaluator of `program` with what `detached` kept: as it was when detached
    /// when `program` is the program it was detached from (by digest), else a new one
    /// ([`Evaluator::new`]: nothing of another program's state is ever used).
    pub fn attach(program: &'p LoadedProgram, detached: DetachedEvaluator) -> Evaluator<'p> {
        if detached.program != program.digest() {
            return Evaluator::new(program);
        }
        Evaluator {
            program,
            state: detached.state,
        }
    }

    /// What the program's enabled rules can read of their input, for
    /// `pol_facts::load_shaped` (see [`LoadedProgram::shape`]): the comments only when
    /// one of them can read one ([`Evaluator::disable_rules`]).
    pub fn shape(&self) -> &'p pol_facts::Shape {
        self.program.shape_for(&self.state.disabled)
    }

    /// Changes the resource limits.
    pub fn set_limits(&mut self, limits: Limits) {
        self.state.limits = limits;
    }

    /// The resource limits.
    pub fn limits(&self) -> &Limits {
        &self.state.limits
    }

    /// Sets a deadline that every later evaluation ends by, whatever its own
    /// [`Limits::time`] (the end of a whole run of many documents); `None` removes it.
    /// An evaluation that reaches it stops with a runtime error, as on its own time
    /// limit.
    pub fn set_deadline(&mut self, deadline: Option<std::time::Instant>) {
        self.state.deadline = deadline;
    }

    /// Sets the reference data that `data` reads in every later evaluation, converted
    /// to values once here.
    pub fn set_data(&mut self, data: &crate::Data) {
        let meter = Meter::unlimited();
        let root = data.to_json();
        // An unlimited meter refuses nothing, and the data's nesting was bounded when it
        // was loaded.
        self.state.data = crate::json_in::convert(&root, &meter).unwrap_or(Value::Null);
    }

    fn reset(&mut self, doc: &Document) {
        doc.clear_read_skipped();
        let nodes = u64::try_from(doc.len()).unwrap_or(u64::MAX);
        let budget = self
            .state
            .limits
            .steps
            .saturating_add(self.state.limits.steps_per_node.saturating_mul(nodes));
        self.state
            .meter
            .reset(budget, &self.state.limits, self.state.deadline);
        self.state.regs.clear();
        self.state.iters.clear();
        let lets = &self.program.code.lets;
        self.state.lets.resize(lets.len(), LetState::Pending);
        // Constant lets keep their value from one document to the next.
        for (state, info) in self.state.lets.iter_mut().zip(lets) {
            if !(info.constant && matches!(state, LetState::Done(_))) {
                *state = LetState::Pending;
            }
        }
        self.apply_options();
        self.state.generation = self.state.generation.wrapping_add(1);
        if self.state.generation == 0
            || self.state.sym_keys.len() != self.program.code.symbols.len()
        {
            self.state.sym_keys.clear();
            self.state
                .sym_keys
                .resize(self.program.code.symbols.len(), (0, None));
            self.state.sym_hashes = self
                .program
                .code
                .symbols
                .iter()
                .map(|s| key_hash(s))
                .collect();
            self.state.generation = 1;
        }
        self.state.depth = 0;
        self.state.findings.clear();
        self.state.groups.clear();
        self.state
            .groups
            .resize(self.program.code.groups.len(), GroupState::Pending);
        if !self.state.disabled.is_empty() {
            self.unfuse_disabled();
        }
    }

    /// Runs one rule; false when the evaluation must stop (a resource limit).
    fn run_rule(&mut self, index: usize, doc: &Document) -> bool {
        let Some(rule) = self.program.code.rules.get(index) else {
            return true;
        };
        self.state.owner = Owner::Rule(index);
        match self.call_chunk(rule.chunk as usize, 0, 0, doc) {
            Err(Fault::Abort) => false,
            // The rule's chunk could not start (validated programs always can): an
            // error of the rule, never a silent pass.
            Err(Fault::Error(message)) => {
                let (name, pos) = (rule.name.as_str(), rule.pos);
                self.state
                    .findings
                    .error(name, *message, pos, &self.program.code);
                true
            }
            Ok(_) | Err(Fault::Failed) => true,
        }
    }

    /// Runs a chunk in a new frame whose first registers receive `argc` values copied
    /// from the register stack at `args`.
    fn call_chunk(
        &mut self,
        chunk: usize,
        args: usize,
        argc: usize,
        doc: &Document,
    ) -> Result<Value, Fault> {
        if self.state.depth >= self.state.limits.call_depth {
            return Err(Fault::from(format!(
                "calls nest more than {} deep",
                self.state.limits.call_depth
            )));
        }
        let program = self.program;
        let Some(code) = program.code.chunks.get(chunk) else {
            return Err(Fault::from("call to a missing chunk".to_owned()));
        };
        let base = self.state.regs.len();
        let slot_base = self.state.iters.len();
        self.state
            .regs
            .resize(base + (code.registers as usize).max(argc), Value::Null);
        for i in 0..argc {
            let v = self.state.regs.get(args + i).cloned().unwrap_or_default();
            if let Some(slot) = self.state.regs.get_mut(base + i) {
                *slot = v;
            }
        }
        self.state
            .iters
            .resize(slot_base + code.slots as usize, Iter::Empty);
        self.state.depth += 1;
        let result = self.run(code, base, slot_base, doc);
        self.state.depth -= 1;
        self.state.regs.truncate(base);
        self.state.iters.truncate(slot_base);
        result
    }

    fn run(
        &mut self,
        chunk: &Chunk,
        base: usize,
        slot_base: usize,
        doc: &Document,
    ) -> Result<Value, Fault> {
        let mut pc = 0usize;
        loop {
            if !self.state.meter.step() {
                return Err(self.stop(chunk, pc));
            }
            // By reference: each arm reads its own operands (taken by value, the
            // instruction's every field was unpacked before the jump table; callgrind:
            // −9% instructions on the corpus).
            let Some(instr) = chunk.code.get(pc) else {
                return Err(Fault::from(
                    "execution ran off the end of the code".to_owned(),
                ));
            };
            match self.exec(chunk, instr, base, slot_base, doc) {
                Ok(Flow::Next) => pc += 1,
                Ok(Flow::Jump(target)) => pc = target,
                Ok(Flow::Return) => return Ok(std::mem::take(&mut self.state.ret)),
                Err(Fault::Abort) => return Err(Fault::Abort),
                // An operation stopped by the meter: the limit's error, and stop.
                Err(_) if self.state.meter.exhausted().is_some() => {
                    return Err(self.stop(chunk, pc));
                }
                Err(fault) => pc = self.recover(chunk, pc, base, doc, fault)?,
            }
        }
    }

    fn get_let(&mut self, index: usize, doc: &Document) -> Result<Value, Fault> {
        match self.state.lets.get(index) {
            Some(LetState::Done(v)) => return Ok(v.clone()),
            Some(LetState::Failed) => return Err(Fault::Failed),
            Some(LetState::Running) => {
                return Err(Fault::from("a let depends on itself".to_owned()));
            }
            Some(LetState::Pending) => {}
            None => return Err(Fault::from("unknown let".to_owned())),
        }
        let chunk = self
            .program
            .code
            .lets
            .get(index)
            .map_or(usize::MAX, |l| l.chunk as usize);
        if let Some(state) = self.state.lets.get_mut(index) {
            *state = LetState::Running;
        }
        let outer = std::mem::replace(&mut self.state.owner, Owner::Let(index));
        let result = if self.state.let_profile.is_some() {
            self.call_chunk_timed(index, chunk, doc)
        } else {
            self.call_chunk(chunk, 0, 0, doc)
        };
        self.state.owner = outer;
        let state = match &result {
            Ok(v) => LetState::Done(v.clone()),
            Err(_) => LetState::Failed,
        };
        if let Some(slot) = self.state.lets.get_mut(index) {
            *slot = state;
        }
        // An error inside the let's chunk was recorded there (as the let's): `Failed`.
        // One raised before it could run (calls nested too deep) is still to be
        // recorded, by the instruction that asked for the let: passed on as it is, or
        // the rule would lose its path without an error.
        result
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one arm per instruction reads best as one match"
    )]
    // Inlined into the loop of `run`: a call per instruction costs as much as many
    // instructions do.
    #[inline(always)]
    fn exec(
        &mut self,
        chunk: &Chunk,
        instr: &Instr,
        base: usize,
        slots: usize,
        doc: &Document,
    ) -> Result<Flow, Fault> {
        match *instr {
            Instr::LoadConst { dst, k } => {
                let state = &mut self.state;
                if let (Some(to), Some(from)) = (
                    state.regs.get_mut(base + dst.index()),
                    state.consts.get(k.index()),
                ) {
                    write_clone(to, from);
                }
            }
            // Scalars are written in place (see `copy_reg`).
            Instr::LoadNull { dst } => self.set_bool(base, dst, None),
            Instr::LoadBool { dst, value } => self.set_bool(base, dst, Some(value)),
            Instr::LoadInt { dst, value } => self.set_int(base, dst, i64::from(value)),
            Instr::LoadInput { dst } => self.set_node(base, dst, Some(doc.root())),
            Instr::LoadData { dst } => {
                let data = self.state.data.clone();
                self.set(base, dst, data);
            }
            Instr::Move { dst, src } => self.copy_reg(base, dst, src),
            Instr::GetLet { dst, id } => {
                // A computed let is copied in place; otherwise it is computed first.
                let state = &mut self.state;
                if let (Some(LetState::Done(from)), Some(to)) = (
                    state.lets.get(id.index()),
                    state.regs.get_mut(base + dst.index()),
                ) {
                    write_clone(to, from);
                } else {
                    let v = self.get_let(id.index(), doc)?;
                    self.set(base, dst, v);
                }
            }
            Instr::Field { dst, obj, sym } => {
                if let Value::Node(id) = *self.reg(base, obj) {
                    let node = self
                        .key_for(sym.index(), doc)
                        .and_then(|key| doc.object_get(id, key));
                    self.set_node(base, dst, node);
                } else {
                    let o = self.reg(base, obj).clone();
                    let v = self.field(&o, sym.index(), doc);
                    self.set(base, dst, v);
                }
            }
            Instr::Index { dst, obj, index } => {
                let v = index_value(self.reg(base, obj), self.reg(base, index), doc);
                self.set(base, dst, v);
            }
            Instr::Not { dst, src } => {
                let v = ops::not(self.reg(base, src), doc)?;
                self.set(base, dst, v);
            }
            Instr::Neg { dst, src } => {
                let v = ops::negate(self.reg(base, src), doc)?;
                self.set(base, dst, v);
            }
            // Tests give a bool, written in place (see `copy_reg`).
            Instr::Binary { op, dst, a, b } if ops::is_test(op) => {
                let v = ops::test(
                    op,
                    self.reg(base, a),
                    self.reg(base, b),
                    doc,
                    &self.state.meter,
                )?;
                self.set_bool(base, dst, v);
            }
            Instr::Binary { op, dst, a, b } => {
                let v = ops::binary(
                    op,
                    self.reg(base, a),
                    self.reg(base, b),
                    doc,
                    &self.state.meter,
                )?;
                self.set(base, dst, v);
            }
            Instr::Jump { target } => return Ok(Flow::Jump(target.index())),
            Instr::JumpIfFalse { cond, target } => {
                if ops::truth("and", self.reg(base, cond), doc)? == Some(false) {
                    return Ok(Flow::Jump(target.index()));
                }
            }
            Instr::JumpIfTrue { cond, target } => {
                if ops::truth("or", self.reg(base, cond), doc)? == Some(true) {
                    return Ok(Flow::Jump(target.index()));
                }
            }
            Instr::JumpUnlessTrue { cond, target } => {
                match ops::condition(self.reg(base, cond), doc) {
                    Ok(Some(true)) => {}
                    Ok(_) => return Ok(Flow::Jump(target.index())),
                    Err(kind) => {
                        return Err(Fault::from(format!(
                            "condition must be a bool, got `{kind}`"
                        )));
                    }
                }
            }
            // `not cond` and a jump on it, with `not`'s type error.
            Instr::JumpIfFalseNot { cond, target } => {
                if ops::truth("not", self.reg(base, cond), doc)? == Some(true) {
                    return Ok(Flow::Jump(target.index()));
                }
            }
            Instr::JumpIfTrueNot { cond, target } => {
                if ops::truth("not", self.reg(base, cond), doc)? == Some(false) {
                    return Ok(Flow::Jump(target.index()));
                }
            }
            Instr::JumpUnlessKind { src, kinds, target } => {
                if kinds & (1 << self.reg(base, src).kind_bit(doc)) == 0 {
                    return Ok(Flow::Jump(target.index()));
                }
            }
            Instr::JumpUnlessTrueNot { cond, target } => {
                if ops::truth("not", self.reg(base, cond), doc)? != Some(false) {
                    return Ok(Flow::Jump(target.index()));
                }
            }
            Instr::JumpIfNotNull { src, target } => {
                if !self.reg(base, src).is_null(doc) {
                    return Ok(Flow::Jump(target.index()));
                }
            }
            Instr::Call {
                dst,
                func,
                args,
                argc,
            } => {
                let chunk_index = self
                    .program
                    .code
                    .functions
                    .get(func.index())
                    .map_or(usize::MAX, |f| f.chunk as usize);
                let v = self.call_chunk(chunk_index, base + args.index(), argc as usize, doc)?;
                self.set(base, dst, v);
            }
            Instr::CallBuiltin {
                dst,
                builtin,
                args,
                argc,
            } => {
                let start = base + args.index();
                let argv = self
                    .state
                    .regs
                    .get(start..start + argc as usize)
                    .unwrap_or_default();
                let v = builtins::call(
                    builtin,
                    argv,
                    doc,
                    &mut self.state.patterns,
                    &self.state.meter,
                )?;
                self.set(base, dst, v);
            }
            Instr::MatchRegex { dst, s, re } => {
                let b = match self.reg(base, s).str_view(doc) {
                    View::Null => None,
                    View::Str(text) => Some(self.program.is_match(re.index(), text)?),
                    other => {
                        return Err(Fault::from(format!(
                            "`matches` expects a string, got `{}`",
                            other.kind()
                        )));
                    }
                };
                self.set_bool(base, dst, b);
            }
            Instr::MatchGlob { dst, s, glob } => {
                let v = match self.reg(base, s).view(doc) {
                    View::Null => Value::Null,
                    View::Str(text) => Value::Bool(
                        self.program
                            .globs
                            .get(glob.index())
                            .is_some_and(|g| g.is_match(text.as_bytes())),
                    ),
                    other => {
                        return Err(Fault::from(format!(
                            "`glob` expects a string, got `{}`",
                            other.kind()
                        )));
                    }
                };
                self.set(base, dst, v);
            }
            Instr::Return { src } => {
                self.state.ret = self.reg(base, src).clone();
                return Ok(Flow::Return);
            }
            Instr::Halt => {
                self.state.ret = Value::Null;
                return Ok(Flow::Return);
            }
            Instr::IterInit { slot, src } => {
                let it = Iter::start(self.reg(base, src), doc)?;
                if let Some(s) = self.state.iters.get_mut(slots + slot.index()) {
                    *s = it;
                }
            }
            Instr::IterNext { slot, value, done } => {
                let Some(it) = self.state.iters.get_mut(slots + slot.index()) else {
                    return Ok(Flow::Jump(done.index()));
                };
                match it.next_node(doc) {
                    Some(Some(id)) => self.set_node(base, value, Some(id)),
                    Some(None) => return Ok(Flow::Jump(done.index())),
                    // A computed collection: its element copied in place.
                    None => match (
                        it.next_computed(),
                        self.state.regs.get_mut(base + value.index()),
                    ) {
                        (Some(v), Some(to)) => write_clone(to, v),
                        (Some(_), None) => {}
                        (None, _) => return Ok(Flow::Jump(done.index())),
                    },
                }
            }
            Instr::IterKey { dst, slot } => {
                let state = &mut self.state;
                if let Some(to) = state.regs.get_mut(base + dst.index()) {
                    match state.iters.get(slots + slot.index()) {
                        Some(it) => it.write_key(to, doc),
                        None => write_clone(to, &Value::Null),
                    }
                }
            }
            Instr::AnyStep { acc, cond } | Instr::AllStep { acc, cond } => {
                let any = matches!(instr, Instr::AnyStep { .. });
                let word = if any { "any" } else { "all" };
                let c = ops::truth(word, self.reg(base, cond), doc)?;
                match c {
                    Some(b) if b == any => self.set(base, acc, Value::Bool(any)),
                    None => self.set(base, acc, Value::Null),
                    Some(_) => {}
                }
            }
            Instr::MakeList { dst, start, len } => {
                if !self.state.meter.alloc(len as usize * VALUE_BYTES) {
                    return Err(Fault::from(ops::LIMIT.to_owned()));
                }
                let s = base + start.index();
                let items = self
                    .state
                    .regs
                    .get(s..s + len as usize)
                    .unwrap_or_default()
                    .to_vec();
                let list = crate::value::Items::new(items);
                list.check_depth()?;
                self.set(base, dst, Value::List(Rc::new(list)));
            }
            Instr::MakeSet { dst, start, len } => {
                let s = base + start.index();
                let items = self
                    .state
                    .regs
                    .get(s..s + len as usize)
                    .unwrap_or_default()
                    .to_vec();
                let v = builtins::make_set(items, doc, &self.state.meter)?;
                self.set(base, dst, v);
            }
            Instr::MakeObject { dst, start, pairs } => {
                let mut object = crate::builders::ObjectBuilder::with_capacity(pairs as usize);
                for i in 0..pairs as usize {
                    let at = base + start.index() + 2 * i;
                    let (k, v) = (
                        self.state.regs.get(at).unwrap_or(&Value::Null),
                        self.state.regs.get(at + 1).unwrap_or(&Value::Null),
                    );
                    object.insert_ref(k, v, doc, &self.state.meter)?;
                }
                let object = object.finish()?;
                self.set(base, dst, object);
            }
            Instr::NewList { dst } => self.set(base, dst, Value::List(Rc::default())),
            Instr::NewSet { dst } => self.set(base, dst, Value::Set(Rc::default())),
            Instr::NewObject { dst } => self.set(base, dst, Value::Object(Rc::default())),
            Instr::Push { dst, value } => {
                // The value is copied in place (`write_clone`), from its register
                // borrowed apart from the collection's (a register pushed into itself
                // is copied first).
                let (d, s) = (base + dst.index(), base + value.index());
                let own;
                let (v, to) = match two_regs(&mut self.state.regs, s, d) {
                    Some((v, to)) => (v, Some(to)),
                    None => {
                        own = self.reg(base, value).clone();
                        (&own, self.state.regs.get_mut(d))
                    }
                };
                if let Some(Value::List(items) | Value::Set(items)) = to {
                    if items.len() >= ops::SIZE_LIMIT {
                        return Err(Fault::from(
                            "collection too large (resource limit)".to_owned(),
                        ));
                    }
                    // A shared collection is copied before it is changed.
                    let copied = if Rc::strong_count(items) > 1 {
                        items.len()
                    } else {
                        0
                    };
                    if !self.state.meter.alloc((copied + 1) * VALUE_BYTES) {
                        return Err(Fault::from(ops::LIMIT.to_owned()));
                    }
                    let items = Rc::make_mut(items);
                    items.push_clone(v);
                    items.check_depth()?;
                } else {
                    return Err(Fault::from(
                        "`push` into a value that is not being built".to_owned(),
                    ));
                }
            }
            Instr::FinishSet { dst } => {
                if let Some(Value::Set(items)) = self.state.regs.get_mut(base + dst.index()) {
                    let taken = Rc::make_mut(items).take();
                    let set = crate::value::normalize_set(taken, doc, &self.state.meter);
                    *items = Rc::new(crate::value::Items::new(set));
                }
                if self.state.meter.exhausted().is_some() {
                    return Err(Fault::from(ops::LIMIT.to_owned()));
                }
            }
            Instr::Insert { dst, key, value } => {
                let k = self.reg(base, key).clone();
                let v = self.reg(base, value).clone();
                if let Some(Value::Object(entries)) = self.state.regs.get_mut(base + dst.index()) {
                    let entries = Rc::make_mut(entries);
                    crate::builders::insert_sorted(entries, &k, v, doc, &self.state.meter)?;
                    entries.check_depth()?;
                } else {
                    return Err(Fault::from(
                        "`insert` into a value that is not being built".to_owned(),
                    ));
                }
            }
            Instr::Format { dst, start, len } => {
                let s = base + start.index();
                let parts = self.state.regs.get(s..s + len as usize).unwrap_or_default();
                let text = crate::builders::format(parts, doc, &self.state.meter)?;
                self.set(base, dst, text);
            }
            Instr::IsKind {
                dst,
                src,
                kinds,
                negate,
            } => {
                let bit = self.reg(base, src).kind_bit(doc);
                self.set_bool(base, dst, Some((kinds & (1 << bit) != 0) != negate));
            }
            Instr::StrConst { op, dst, s, k } => {
                let value = self.reg(base, s);
                let b = match (
                    value.str_view(doc),
                    self.program.code.consts.get(k as usize),
                ) {
                    (View::Null, _) => None,
                    (View::Str(text), Some(Const::Str(c))) => Some(match op {
                        StrOp::StartsWith => text
                            .as_bytes()
                            .get(..c.len())
                            .is_some_and(|head| same_bytes(head, c.as_bytes())),
                        StrOp::EndsWith => text
                            .as_bytes()
                            .get(text.len().saturating_sub(c.len())..)
                            .is_some_and(|tail| same_bytes(tail, c.as_bytes())),
                        StrOp::Contains => match self.program.finder(k as usize) {
                            Some(finder) => finder.find(text.as_bytes()).is_some(),
                            None => text.contains(c.as_str()),
                        },
                    }),
                    // Anything else takes the builtin's own path (its errors, and
                    // `contains` on collections).
                    _ => {
                        let builtin = match op {
                            StrOp::StartsWith => BuiltinOp::StartsWith,
                            StrOp::EndsWith => BuiltinOp::EndsWith,
                            StrOp::Contains => BuiltinOp::Contains,
                        };
                        let args = [
                            value.clone(),
                            self.state
                                .consts
                                .get(k as usize)
                                .cloned()
                                .unwrap_or_default(),
                        ];
                        let v = builtins::call(
                            builtin,
                            &args,
                            doc,
                            &mut self.state.patterns,
                            &self.state.meter,
                        )?;
                        self.set(base, dst, v);
                        return Ok(Flow::Next);
                    }
                };
                self.set_bool(base, dst, b);
            }
            Instr::SplitPart { dst, s, k, n } => {
                let v = self.split_part(s, base, k, n, doc)?;
                self.set(base, dst, v);
            }
            Instr::InConst { dst, x, k, negate } => {
                let b = match self.reg(base, x).str_view(doc) {
                    View::Null => None,
                    View::Str(text) => Some(
                        self.program
                            .string_sets
                            .get(k as usize)
                            .and_then(Option::as_ref)
                            .is_some_and(|set| set.contains(text))
                            != negate,
                    ),
                    // No string equals a value of another kind.
                    _ => Some(negate),
                };
                self.set_bool(base, dst, b);
            }
            Instr::Emit { site } => {
                let Some(site) = chunk.sites.get(site.index()) else {
                    return Err(Fault::from("missing emit site".to_owned()));
                };
                // The node the finding is about: `at`'s, else the innermost loop
                // element's that is a node (the anchors), else the root.
                let node = site
                    .at
                    .iter()
                    .chain(&site.anchors)
                    .find_map(|&r| match *self.reg(base, r) {
                        Value::Node(id) => Some(id),
                        _ => None,
                    })
                    .unwrap_or_else(|| doc.root());
                let rule = site.rule as usize;
                match &site.message {
                    Message::Parts(parts) => {
                        let pieces = parts.iter().map(|part| match part {
                            MessagePart::Text(text) => Piece::Text(text),
                            MessagePart::Value(r) => Piece::Value(self.reg(base, *r)),
                        });
                        let text = crate::builders::write_parts(pieces, doc, &self.state.meter)?;
                        self.state
                            .findings
                            .emit_text(rule, text, node, doc, &self.program.code)?;
                    }
                    &Message::Reg { reg, moves } => {
                        let message = if moves {
                            self.state
                                .regs
                                .get_mut(base + reg.index())
                                .map(std::mem::take)
                                .unwrap_or_default()
                        } else {
                            self.reg(base, reg).clone()
                        };
                        self.state
                            .findings
                            .emit(rule, message, node, doc, &self.program.code)?;
                    }
                }
            }
        }
        Ok(Flow::Next)
    }
}

/// `a == b` for the short constants of `starts_with` and `ends_with` (`"./"`,
/// `"docker://"`): a loop the compiler unrolls beats a call to `memcmp` there.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}
