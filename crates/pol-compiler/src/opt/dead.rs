//! Dead code: instructions no path reaches, and jumps to the instruction that follows
//! anyway, are removed; jump targets, handler ranges and the position table follow.

use pol_bytecode::{Chunk, Handler, Target};

/// Removes unreachable instructions and jumps to the next instruction.
pub fn remove(chunk: &mut Chunk) {
    let n = chunk.code.len();
    let mut keep = reachable(chunk);
    // A jump over only removed instructions lands where it would fall through anyway.
    for i in 0..n {
        if let Some(pol_bytecode::Instr::Jump { target: t }) = chunk.code.get(i)
            && keep.get(i).copied().unwrap_or(false)
            && t.index() > i
            && (i + 1..t.index()).all(|j| !keep.get(j).copied().unwrap_or(false))
            && let Some(k) = keep.get_mut(i)
        {
            *k = false;
        }
    }
    if keep.iter().all(|k| *k) {
        return;
    }
    // New index of each old one; a removed instruction maps to the next kept one.
    let mut map = vec![0u32; n + 1];
    let mut next = 0u32;
    for i in 0..n {
        if let Some(m) = map.get_mut(i) {
            *m = next;
        }
        if keep.get(i).copied().unwrap_or(false) {
            next += 1;
        }
    }
    if let Some(m) = map.get_mut(n) {
        *m = next;
    }
    let new_index = |old: usize| map.get(old).copied().unwrap_or(next);
    let mut code = Vec::with_capacity(next as usize);
    let mut positions = Vec::with_capacity(next as usize);
    for i in 0..n {
        if !keep.get(i).copied().unwrap_or(false) {
            continue;
        }
        let (Some(&instr), Some(&pos)) = (chunk.code.get(i), chunk.positions.get(i)) else {
            continue;
        };
        let instr = match instr.target() {
            Some(t) => instr.with_target(Target(new_index(t.index()))),
            None => instr,
        };
        code.push(instr);
        positions.push(pos);
    }
    chunk.handlers = chunk
        .handlers
        .iter()
        .map(|h| Handler {
            start: new_index(h.start as usize),
            end: new_index(h.end as usize),
            resume: new_index(h.resume as usize),
        })
        .filter(|h| h.start < h.end)
        .collect();
    chunk.code = code;
    chunk.positions = positions;
}

/// Which instructions some path reaches, from the start or through a handler.
fn reachable(chunk: &Chunk) -> Vec<bool> {
    let n = chunk.code.len();
    let mut seen = vec![false; n];
    let mut work = vec![0usize];
    loop {
        while let Some(i) = work.pop() {
            let Some(s) = seen.get_mut(i) else { continue };
            if *s {
                continue;
            }
            *s = true;
            let Some(instr) = chunk.code.get(i) else {
                continue;
            };
            if let Some(t) = instr.target() {
                work.push(t.index());
            }
            if !instr.ends_block() {
                work.push(i + 1);
            }
        }
        // An error anywhere in a handler's range resumes there.
        for h in &chunk.handlers {
            let resume = h.resume as usize;
            let covered =
                (h.start as usize..h.end as usize).any(|i| seen.get(i).copied().unwrap_or(false));
            if covered && !seen.get(resume).copied().unwrap_or(true) {
                work.push(resume);
            }
        }
        if work.is_empty() {
            return seen;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{chunk, listing};
    use super::*;
    use pol_bytecode::{Instr, Reg};

    #[test]
    fn unreachable_code_and_jumps_to_the_next_instruction_go() {
        let mut c = chunk(vec![
            Instr::JumpUnlessTrue {
                cond: Reg(0),
                target: Target(3),
            },
            Instr::LoadNull { dst: Reg(1) },
            Instr::Jump { target: Target(3) },
            Instr::Jump { target: Target(5) },
            Instr::LoadNull { dst: Reg(2) },
            Instr::Halt,
        ]);
        remove(&mut c);
        assert_eq!(
            listing(&c),
            "0: JumpUnlessTrue { cond: Reg(0), target: Target(2) }\n\
             1: LoadNull { dst: Reg(1) }\n\
             2: Halt"
        );
        assert_eq!(c.positions.len(), c.code.len());
    }

    #[test]
    fn handler_ranges_follow_the_code() {
        let mut c = chunk(vec![
            Instr::Jump { target: Target(1) },
            Instr::IterNext {
                slot: pol_bytecode::Slot(0),
                value: Reg(1),
                done: Target(4),
            },
            Instr::LoadNull { dst: Reg(2) },
            Instr::Jump { target: Target(1) },
            Instr::Halt,
        ]);
        c.handlers = vec![Handler {
            start: 1,
            end: 4,
            resume: 1,
        }];
        remove(&mut c);
        assert_eq!(c.code.len(), 4);
        assert_eq!(
            c.handlers,
            vec![Handler {
                start: 0,
                end: 3,
                resume: 0
            }]
        );
        assert!(matches!(
            c.code[0],
            Instr::IterNext {
                done: Target(3),
                ..
            }
        ));
    }
}
