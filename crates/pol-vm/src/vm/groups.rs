//! Groups of fused rules (`Program::groups`, compiled by `pol-compiler`'s `fuse.rs`):
//! run where their first rule comes, undone when anything goes wrong in them.

use super::{Evaluator, LetState, Owner};
use pol_facts::Document;

/// What became of a group of fused rules (`Program::groups`) on the current document.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupState {
    /// Not run yet.
    Pending,
    /// Ran: its members have made their findings.
    Done,
    /// Failed and was undone: its members run on their own.
    Unfused,
}

impl Evaluator<'_> {
    /// Rule `index`, a member of group `group`: the whole group runs where its first
    /// member comes; later members have nothing left to do; when the group failed,
    /// each member runs on its own. False when the evaluation must stop.
    pub(super) fn run_grouped(&mut self, group: usize, index: usize, doc: &Document) -> bool {
        let state = self.state.groups.get(group).copied();
        match state {
            Some(GroupState::Done) => return true,
            Some(GroupState::Pending) => {
                let done = self.run_group(group, doc);
                if let Some(s) = self.state.groups.get_mut(group) {
                    *s = if done {
                        GroupState::Done
                    } else {
                        GroupState::Unfused
                    };
                }
                if done {
                    return true;
                }
            }
            Some(GroupState::Unfused) | None => {}
        }
        let go_on = self.run_rule(index, doc);
        self.check_skipped(index, doc);
        go_on
    }

    /// Runs the chunk of a group of fused rules. When anything went wrong in it — a
    /// runtime error, a resource limit, a read of a part of the input that was not
    /// loaded — undoes it (findings, errors, steps, lets it computed) and returns
    /// false, so that its members run on their own and decide exactly as they do.
    fn run_group(&mut self, group: usize, doc: &Document) -> bool {
        let program = self.program;
        let Some(info) = program.code.groups.get(group) else {
            return false;
        };
        let mark = self.state.findings.mark();
        let spent = self.state.meter.mark();
        self.state.pending_lets.clear();
        self.state.pending_lets.extend(
            self.state
                .lets
                .iter()
                .enumerate()
                .filter(|(_, s)| matches!(s, LetState::Pending))
                .map(|(i, _)| i),
        );
        let first = info.rules.first().map_or(0, |&r| r as usize);
        self.state.owner = Owner::Rule(first);
        let ran = self.call_chunk(info.chunk as usize, 0, 0, doc).is_ok();
        if ran && !doc.read_skipped() && !self.state.findings.errors_since(mark) {
            return true;
        }
        self.state.findings.rollback(mark, &info.rules);
        doc.clear_read_skipped();
        self.state.meter.rewind(spent);
        for &i in &self.state.pending_lets {
            if let Some(state) = self.state.lets.get_mut(i) {
                *state = LetState::Pending;
            }
        }
        false
    }
}
