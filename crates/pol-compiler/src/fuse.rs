//! Loop fusion across rules. Rules that begin by walking the same part of the input
//! (`for job_id, job in input.jobs`, then `for i, step in job.steps`) are compiled a
//! second time, together, into one *group* chunk: the shared loops run once, and the
//! body of the innermost loop a rule shares runs that rule's remaining clauses — its
//! *segment* — one rule after the other. A rule set where seven rules check the steps
//! of every job walks the jobs and steps once instead of seven times.
//!
//! Each rule keeps its own chunk. The VM runs a group where its first rule comes, and
//! falls back to the rules' own chunks, one by one in rule order, whenever anything
//! goes wrong in the group — a runtime error, a resource limit, a read of a skipped
//! part of the input — after undoing what the group did. So a group only ever decides
//! what its rules decide on their own; it never has to reproduce their error
//! handling. A group has no runtime-error handlers for the same reason.
//!
//! A rule joins a group when it has no index guard (a guarded rule may be skipped on
//! a document, which a group cannot do), and its clauses are some `if`s, then a `for`
//! whose collection is the same expression as the other members' first `for`. Its
//! leading `if`s are computed before the loops, into a register each segment of the
//! rule tests first. Deeper `for`s are shared the same way while at least two members
//! iterate the same collection (read from the same shared loop values).

use crate::Compiler;
use crate::builder::{ChunkBuilder, LimitError};
use pol_bytecode::{Instr, Reg, Slot};
use pol_check::hir::{self, Clause, ExprKind, LocalId};
use std::collections::HashMap;

/// A rule that may join a group.
#[derive(Clone, Copy)]
pub(crate) struct Member<'r> {
    /// Its index among the program's rules.
    pub index: usize,
    pub rule: &'r hir::RuleDef,
    /// Its leading `if` clauses.
    pub conditions: &'r [Clause],
    /// The clauses after them, a `for` first.
    pub clauses: &'r [Clause],
}

impl<'r> Member<'r> {
    fn new(index: usize, rule: &'r hir::RuleDef) -> Option<Member<'r>> {
        let ifs = rule
            .clauses
            .iter()
            .take_while(|c| matches!(c, Clause::If(_)))
            .count();
        let (conditions, clauses) = rule.clauses.split_at(ifs);
        matches!(clauses.first(), Some(Clause::For { .. })).then_some(Member {
            index,
            rule,
            conditions,
            clauses,
        })
    }

    /// The collection of the `for` at `depth` of `clauses`.
    fn collection(&self, depth: usize) -> Option<&'r hir::Expr> {
        match self.clauses.get(depth) {
            Some(Clause::For { iter, .. }) => Some(iter),
            _ => None,
        }
    }
}

/// The groups of a program's rules, each of two rules or more, in rule order. `fusable`
/// says which rules may join one (those without an index guard).
/// `fusable[i]` is `None` for a rule that may not join a group, else the class of
/// rules it may join one with (rules of different kinds of input never share a group:
/// a document of one kind runs the rules of that kind only).
pub(crate) fn plan<'r>(
    rules: &'r [hir::RuleDef],
    fusable: &[Option<String>],
) -> Vec<Vec<Member<'r>>> {
    let mut groups: Vec<Vec<Member<'r>>> = Vec::new();
    // The group of each collection, by its key: linear in the number of rules.
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (index, rule) in rules.iter().enumerate() {
        let Some(Some(class)) = fusable.get(index) else {
            continue;
        };
        let Some(member) = Member::new(index, rule) else {
            continue;
        };
        // No local is bound before the first `for`: its collection reads none.
        let Some(key) = member
            .collection(0)
            .and_then(|iter| collection_key(iter, &[]))
        else {
            continue;
        };
        let key = format!("{class}\u{0}{key}");
        match by_key.get(&key).and_then(|&g| groups.get_mut(g)) {
            Some(group) => group.push(member),
            None => {
                by_key.insert(key, groups.len());
                groups.push(vec![member]);
            }
        }
    }
    groups.retain(|g| g.len() >= 2);
    groups
}

/// A key that two collections have in common exactly when they compute the same
/// value: the same reads of `input`, lets and constants, where a local may only be the
/// value of a shared loop (`loops`, outermost first; written by its depth). Anything
/// else (calls, keys, other locals) has no key, which only means less sharing.
fn collection_key(e: &hir::Expr, loops: &[LocalId]) -> Option<String> {
    Some(match &e.kind {
        ExprKind::Input => "input".to_owned(),
        ExprKind::Data => "data".to_owned(),
        ExprKind::Null => "null".to_owned(),
        ExprKind::Str(x) => format!("{x:?}"),
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Let(id) => format!("let{}", id.index()),
        ExprKind::Local(id) => format!("${}", loops.iter().position(|l| l == id)?),
        ExprKind::Field { recv, name } => format!("{}.{name:?}", collection_key(recv, loops)?),
        ExprKind::Index { recv, index } => format!(
            "{}[{}]",
            collection_key(recv, loops)?,
            collection_key(index, loops)?
        ),
        _ => return None,
    })
}

/// A member while its group's loops are compiled.
#[derive(Clone)]
struct Active<'r> {
    member: Member<'r>,
    /// The register its leading conditions left their verdict in.
    condition: Option<Reg>,
    /// The shared loops it is inside, outermost first: its key and value locals, the
    /// loop's value register and iterator slot.
    loops: Vec<(Option<LocalId>, LocalId, Reg, Slot)>,
}

impl Compiler<'_> {
    /// Compiles a group chunk for `members` (two or more rules whose first `for`s
    /// iterate the same collection).
    pub(crate) fn group_chunk(&mut self, members: &[Member<'_>]) -> Result<u32, LimitError> {
        let names: Vec<&str> = members
            .iter()
            .map(|m| m.rule.info.qualified.as_str())
            .collect();
        let mut b = ChunkBuilder::new(format!("group {}", names.join(", ")), 0, 0);
        let mut active = Vec::with_capacity(members.len());
        for &member in members {
            let condition =
                (!member.conditions.is_empty()).then(|| self.conditions(&mut b, &member));
            active.push(Active {
                member,
                condition,
                loops: Vec::new(),
            });
        }
        self.shared_loop(&mut b, active, 0);
        b.emit(Instr::Halt);
        let chunk = b.finish()?;
        Ok(self.add_chunk(chunk))
    }

    /// Computes a member's leading conditions into a register: `true` when they all
    /// hold (each is tested as its `if` tests it).
    fn conditions(&mut self, b: &mut ChunkBuilder, member: &Member<'_>) -> Reg {
        let verdict = b.temp();
        b.emit(Instr::LoadBool {
            dst: verdict,
            value: false,
        });
        let mark = b.mark();
        self.rule_locals = Some(fresh_locals(b, member.rule));
        let mut skips = Vec::new();
        for clause in member.conditions {
            if let Clause::If(cond) = clause {
                b.pos = self.pos(cond.span);
                let r = self.expr_reg(b, cond);
                skips.push(b.emit(Instr::JumpUnlessTrue {
                    cond: r,
                    target: ChunkBuilder::unknown(),
                }));
            }
        }
        b.emit(Instr::LoadBool {
            dst: verdict,
            value: true,
        });
        let end = b.here();
        for at in skips {
            b.patch(at, end);
        }
        self.rule_locals = None;
        b.release(mark);
        verdict
    }

    /// The shared `for` at `depth` of every member of `group`, its body the members'
    /// segments and the deeper shared loops.
    fn shared_loop(&mut self, b: &mut ChunkBuilder, mut group: Vec<Active<'_>>, depth: usize) {
        let Some(first) = group.first().cloned() else {
            return;
        };
        let Some(iter) = first.member.collection(depth) else {
            return;
        };
        b.pos = self.pos(iter.span);
        // The collection, read through the first member's shared loop values.
        let mark = b.mark();
        let mut locals = fresh_locals(b, first.member.rule);
        for &(_, value, reg, _) in &first.loops {
            if let Some(slot) = locals.get_mut(value.index()) {
                *slot = reg;
            }
        }
        self.rule_locals = Some(locals);
        let src = self.expr_reg(b, iter);
        self.rule_locals = None;
        b.release(mark);
        let slot = b.push_slot();
        b.emit(Instr::IterInit { slot, src });
        let value = b.temp();
        let next = b.here();
        let to_done = b.emit(Instr::IterNext {
            slot,
            value,
            done: ChunkBuilder::unknown(),
        });
        for a in &mut group {
            if let Some(Clause::For { key, value: v, .. }) = a.member.clauses.get(depth) {
                a.loops.push((*key, *v, value, slot));
            }
        }
        // Fields of the value that the rules read more than once between them: read
        // once here, and the rules' code takes them from their registers.
        let made = self.reads.len();
        'paths: for path in shared_reads(&group, depth) {
            let Some((name, parent)) = path.split_last() else {
                continue;
            };
            // Its parent was read just before (a prefix is read at least as often).
            let mut obj = value;
            for step in parent {
                let sym = self.tables.symbol(step);
                match self.reads.iter().find(|(o, s, _)| *o == obj && *s == sym) {
                    Some(&(_, _, r)) => obj = r,
                    None => continue 'paths,
                }
            }
            let sym = self.tables.symbol(name);
            let dst = b.temp();
            b.emit(Instr::Field { dst, obj, sym });
            self.reads.push((obj, sym, dst));
        }
        // Members that share the next `for` with another go on together; the others
        // run the rest of their clauses here.
        let mut deeper: Vec<Vec<Active<'_>>> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut segments = Vec::new();
        for a in group {
            let values: Vec<LocalId> = a.loops.iter().map(|l| l.1).collect();
            let key = a
                .member
                .collection(depth + 1)
                .and_then(|iter| collection_key(iter, &values));
            let Some(key) = key else {
                segments.push(a);
                continue;
            };
            match by_key.get(&key).and_then(|&g| deeper.get_mut(g)) {
                Some(g) => g.push(a),
                None => {
                    by_key.insert(key, deeper.len());
                    deeper.push(vec![a]);
                }
            }
        }
        for g in deeper {
            if g.len() >= 2 {
                self.shared_loop(b, g, depth + 1);
            } else {
                segments.extend(g);
            }
        }
        for a in &segments {
            self.segment(b, a, depth + 1);
        }
        self.reads.truncate(made);
        b.emit(Instr::Jump {
            target: pol_bytecode::Target(u32::try_from(next).unwrap_or(u32::MAX)),
        });
        let done = b.here();
        b.patch(to_done, done);
        b.pop_slot();
    }

    /// A member's clauses from `depth` on, inside its shared loops; every way out of
    /// them goes on with the next segment.
    fn segment(&mut self, b: &mut ChunkBuilder, a: &Active<'_>, depth: usize) {
        let mark = b.mark();
        let mut locals = fresh_locals(b, a.member.rule);
        for &(_, value, reg, _) in &a.loops {
            if let Some(slot) = locals.get_mut(value.index()) {
                *slot = reg;
            }
        }
        let rest = a.member.clauses.get(depth..).unwrap_or(&[]);
        let keys: Vec<(Reg, Slot, bool)> = a
            .loops
            .iter()
            .filter_map(|&(key, _, _, slot)| {
                let key = key?;
                let reg = locals.get(key.index()).copied()?;
                Some((
                    reg,
                    slot,
                    rest.iter().any(|c| crate::hoist::clause_reads(c, key)),
                ))
            })
            .collect();
        let anchors = a.loops.iter().rev().map(|l| l.2).collect();
        self.rule_locals = Some(locals);
        self.rule_segment(
            b,
            a.member.rule,
            a.member.index,
            rest,
            anchors,
            &keys,
            a.condition,
        );
        self.rule_locals = None;
        b.release(mark);
    }
}

/// The field paths below the value of the shared loop at `depth` (`step.uses` is
/// `["uses"]`, `step.with.ref` is `["with", "ref"]` and `["with"]`) that the rules of
/// `group` read twice or more between them, each after its parent.
fn shared_reads(group: &[Active<'_>], depth: usize) -> Vec<Vec<String>> {
    let mut counts: Vec<(Vec<String>, usize)> = Vec::new();
    for a in group {
        let Some(&(_, value, _, _)) = a.loops.last() else {
            continue;
        };
        let rule = a.member.rule;
        let mut paths = Vec::new();
        for clause in a.member.clauses.get(depth + 1..).unwrap_or(&[]) {
            expr_paths(clause.expr(), value, &mut paths);
        }
        expr_paths(&rule.message, value, &mut paths);
        if let Some(at) = &rule.at {
            expr_paths(at, value, &mut paths);
        }
        for path in paths {
            match counts.iter_mut().find(|(p, _)| *p == path) {
                Some((_, n)) => *n += 1,
                None => counts.push((path, 1)),
            }
        }
    }
    let mut shared: Vec<Vec<String>> = counts
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(p, _)| p)
        .collect();
    shared.sort_by_key(Vec::len);
    shared
}

/// Adds to `out` every field path below local `value` that `e` reads, with each of
/// its prefixes.
fn expr_paths(e: &hir::Expr, value: LocalId, out: &mut Vec<Vec<String>>) {
    if let Some(path) = field_path(e, value) {
        for n in 1..=path.len() {
            out.push(path.iter().take(n).map(|s| (*s).to_owned()).collect());
        }
        return;
    }
    e.for_each_child(|x| expr_paths(x, value, out));
}

/// `value.a.b` or `value["a"]["b"]` as `["a", "b"]`.
fn field_path(e: &hir::Expr, value: LocalId) -> Option<Vec<&str>> {
    let (recv, name) = match &e.kind {
        ExprKind::Local(id) if *id == value => return Some(Vec::new()),
        ExprKind::Field { recv, name } => (recv, name.as_str()),
        ExprKind::Index { recv, index } => match &index.kind {
            ExprKind::Str(name) => (recv, name.as_str()),
            _ => return None,
        },
        _ => return None,
    };
    let mut path = field_path(recv, value)?;
    path.push(name);
    Some(path)
}

/// Fresh registers for every local of `rule`.
fn fresh_locals(b: &mut ChunkBuilder, rule: &hir::RuleDef) -> Vec<Reg> {
    b.temps_list(rule.body.locals.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(kind: ExprKind) -> hir::Expr {
        hir::Expr::new(kind, pol_diagnostics::Span::default())
    }

    fn field(recv: hir::Expr, name: &str) -> hir::Expr {
        expr(ExprKind::Field {
            recv: Box::new(recv),
            name: name.to_owned(),
        })
    }

    #[test]
    fn collections_are_the_same_only_through_paired_loop_values() {
        let key = collection_key;
        let jobs = field(expr(ExprKind::Input), "jobs");
        assert_eq!(
            key(&jobs, &[]),
            key(&field(expr(ExprKind::Input), "jobs"), &[])
        );
        assert_ne!(
            key(&jobs, &[]),
            key(&field(expr(ExprKind::Input), "job"), &[])
        );
        // A name that looks like a path of two is still one name.
        assert_ne!(
            key(&field(expr(ExprKind::Input), "a.b"), &[]),
            key(&field(field(expr(ExprKind::Input), "a"), "b"), &[])
        );
        let (a, b, c) = (LocalId(1), LocalId(4), LocalId(2));
        let steps = |l| field(expr(ExprKind::Local(l)), "steps");
        // Each rule's own local for the value of the same shared loop.
        assert_eq!(key(&steps(a), &[a]), key(&steps(b), &[b]));
        assert!(key(&steps(a), &[a]).is_some());
        // A local that is not a shared loop value (a key, a `let`) has no key, and
        // the values of different loops differ.
        assert_eq!(key(&steps(a), &[]), None);
        assert_ne!(key(&steps(a), &[c, a]), key(&steps(b), &[b, c]));
    }
}
