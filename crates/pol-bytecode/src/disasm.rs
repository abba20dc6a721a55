//! A readable listing of a program, for `pol disasm` and golden tests.

use crate::instr::{BinOp, Instr};
use crate::program::{Chunk, Const, GuardTest, Message, MessagePart, Program};
use std::fmt::Write;

/// Lists every chunk of the program with its instructions, handlers and emit sites.
pub fn disassemble(program: &Program) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "; {} rules, {} lets, {} functions, {} constants, {} symbols, {} regexes, {} globs",
        program.rules.len(),
        program.lets.len(),
        program.functions.len(),
        program.consts.len(),
        program.symbols.len(),
        program.regexes.len(),
        program.globs.len(),
    );
    for path in demand_paths(program) {
        let _ = writeln!(out, "; reads: {path}");
    }
    for rule in &program.rules {
        if let Some(guard) = &rule.guard {
            let path: Vec<&str> = guard
                .path
                .iter()
                .map(|s| named(&program.symbols, s.index()))
                .collect();
            let test = match &guard.test {
                GuardTest::OneOf(values) => format!("one of {values:?}"),
                GuardTest::Prefix(p) => format!("starts with {p:?}"),
            };
            let _ = writeln!(
                out,
                "; index: rule {} runs when input.{} is {test}",
                rule.name,
                path.join(".")
            );
        }
    }
    for group in &program.groups {
        let names: Vec<&str> = group
            .rules
            .iter()
            .filter_map(|&r| program.rules.get(r as usize).map(|r| r.name.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "; fused: chunk {} runs the shared loops of {}",
            group.chunk,
            names.join(", ")
        );
    }
    for (i, chunk) in program.chunks.iter().enumerate() {
        out.push('\n');
        chunk_listing(&mut out, program, i, chunk);
    }
    out
}

fn chunk_listing(out: &mut String, program: &Program, index: usize, chunk: &Chunk) {
    let _ = writeln!(
        out,
        "{} (chunk {index}, {} registers, {} slots, {} params)",
        chunk.name, chunk.registers, chunk.slots, chunk.params
    );
    for (pc, instr) in chunk.code.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {pc:04}  {:<20} {}",
            instr.name(),
            operands(program, instr)
        );
    }
    for h in &chunk.handlers {
        let _ = writeln!(
            out,
            "  handler {:04}..{:04} -> {:04}",
            h.start, h.end, h.resume
        );
    }
    for (i, site) in chunk.sites.iter().enumerate() {
        let rule = program
            .rules
            .get(site.rule as usize)
            .map_or("?", |r| r.name.as_str());
        let at = site.at.map_or_else(|| "-".to_owned(), |r| r.to_string());
        let anchors: Vec<String> = site.anchors.iter().map(ToString::to_string).collect();
        let message = match &site.message {
            Message::Reg { reg, moves: false } => reg.to_string(),
            Message::Reg { reg, moves: true } => format!("{reg} (moved)"),
            Message::Parts(parts) => {
                let mut text = String::from("f\"");
                for part in parts {
                    match part {
                        MessagePart::Text(t) => {
                            // As the f-string would be written: braces doubled.
                            let escaped = format!("{t:?}");
                            let inner = escaped.get(1..escaped.len() - 1).unwrap_or("");
                            text.push_str(&inner.replace('{', "{{").replace('}', "}}"));
                        }
                        MessagePart::Value(r) => {
                            let _ = write!(text, "{{{r}}}");
                        }
                    }
                }
                text.push('"');
                text
            }
        };
        let _ = writeln!(
            out,
            "  site{i}: rule {rule}, message {message}, at {at}, anchors [{}]",
            anchors.join(", ")
        );
    }
}

fn constant(program: &Program, index: usize) -> String {
    program
        .consts
        .get(index)
        .map_or_else(|| "?".to_owned(), show_const)
}

fn show_const(c: &Const) -> String {
    let element = |i: &u32| format!("k{i}");
    match c {
        Const::Null => "null".to_owned(),
        Const::Bool(b) => b.to_string(),
        Const::Int(n) => n.to_string(),
        Const::Float(f) => format!("{f:?}"),
        Const::Str(s) => format!("{s:?}"),
        Const::List(items) => format!(
            "[{}]",
            items.iter().map(element).collect::<Vec<_>>().join(", ")
        ),
        Const::Set(items) => format!(
            "{{{}}}",
            items.iter().map(element).collect::<Vec<_>>().join(", ")
        ),
        Const::Object(entries) => {
            let shown: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k:?}: k{v}"))
                .collect();
            format!("{{{}}}", shown.join(", "))
        }
    }
}

fn named(table: &[String], index: usize) -> &str {
    table.get(index).map_or("?", String::as_str)
}

fn operands(program: &Program, instr: &Instr) -> String {
    match *instr {
        Instr::LoadConst { dst, k } => format!("{dst}, {}", constant(program, k.index())),
        Instr::LoadNull { dst }
        | Instr::LoadInput { dst }
        | Instr::NewList { dst }
        | Instr::NewSet { dst }
        | Instr::NewObject { dst }
        | Instr::FinishSet { dst } => dst.to_string(),
        Instr::LoadBool { dst, value } => format!("{dst}, {value}"),
        Instr::LoadInt { dst, value } => format!("{dst}, {value}"),
        Instr::Move { dst, src } | Instr::Not { dst, src } | Instr::Neg { dst, src } => {
            format!("{dst}, {src}")
        }
        Instr::GetLet { dst, id } => {
            let name = program
                .lets
                .get(id.index())
                .map_or("?", |l| l.name.as_str());
            format!("{dst}, {name}")
        }
        Instr::Field { dst, obj, sym } => {
            format!("{dst}, {obj}.{}", named(&program.symbols, sym.index()))
        }
        Instr::Index { dst, obj, index } => format!("{dst}, {obj}[{index}]"),
        Instr::Binary { op, dst, a, b } => format!("{dst}, {a} {} {b}", binop_symbol(op)),
        Instr::Jump { target } => target.to_string(),
        Instr::JumpIfFalse { cond, target }
        | Instr::JumpIfTrue { cond, target }
        | Instr::JumpUnlessTrue { cond, target }
        | Instr::JumpIfFalseNot { cond, target }
        | Instr::JumpIfTrueNot { cond, target }
        | Instr::JumpUnlessTrueNot { cond, target }
        | Instr::JumpIfNotNull { src: cond, target } => format!("{cond}, {target}"),
        Instr::Call {
            dst,
            func,
            args,
            argc,
        } => {
            let name = program
                .functions
                .get(func.index())
                .map_or("?", |f| f.name.as_str());
            format!("{dst}, {name}({})", reg_range(args.0, argc as u16))
        }
        Instr::CallBuiltin {
            dst,
            builtin,
            args,
            argc,
        } => {
            format!(
                "{dst}, {}({})",
                builtin.name(),
                reg_range(args.0, argc as u16)
            )
        }
        Instr::MatchRegex { dst, s, re } => {
            format!("{dst}, {s} =~ r{:?}", named(&program.regexes, re.index()))
        }
        Instr::MatchGlob { dst, s, glob } => {
            format!("{dst}, {s} glob {:?}", named(&program.globs, glob.index()))
        }
        Instr::Return { src } => src.to_string(),
        Instr::Halt => String::new(),
        Instr::IterInit { slot, src } => format!("{slot}, {src}"),
        Instr::IterNext { slot, value, done } => format!("{slot}, {value}, done {done}"),
        Instr::IterKey { dst, slot } => format!("{dst}, {slot}"),
        Instr::AnyStep { acc, cond } | Instr::AllStep { acc, cond } => format!("{acc}, {cond}"),
        Instr::MakeList { dst, start, len }
        | Instr::MakeSet { dst, start, len }
        | Instr::Format { dst, start, len } => format!("{dst}, [{}]", reg_range(start.0, len)),
        Instr::MakeObject { dst, start, pairs } => {
            format!("{dst}, {{{}}}", reg_range(start.0, pairs.saturating_mul(2)))
        }
        Instr::Push { dst, value } => format!("{dst}, {value}"),
        Instr::Insert { dst, key, value } => format!("{dst}, {key}: {value}"),
        Instr::Emit { site } => site.to_string(),
        Instr::IsKind {
            dst,
            src,
            kinds,
            negate,
        } => format!(
            "{dst}, type_of({src}) {} {}",
            if negate { "!=" } else { "==" },
            kind_names(kinds)
        ),
        Instr::JumpUnlessKind { src, kinds, target } => {
            format!("type_of({src}) in {{{}}}, {target}", kind_names(kinds))
        }
        Instr::StrConst { op, dst, s, k } => {
            format!("{dst}, {op:?}({s}, {})", constant(program, k as usize))
        }
        Instr::SplitPart { dst, s, k, n } => {
            format!("{dst}, split({s}, {})[{n}]", constant(program, k as usize))
        }
        Instr::InConst { dst, x, k, negate } => {
            format!(
                "{dst}, {x} {} {}",
                if negate { "not in" } else { "in" },
                constant(program, k as usize)
            )
        }
    }
}

/// The kinds of a bit set of [`KIND_NAMES`](crate::instr::KIND_NAMES), `a|b`.
fn kind_names(kinds: u8) -> String {
    let names: Vec<&str> = crate::instr::KIND_NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| kinds & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect();
    names.join("|")
}

fn reg_range(start: u16, len: u16) -> String {
    match len {
        0 => String::new(),
        1 => format!("r{start}"),
        _ => format!("r{start}..r{}", u32::from(start) + u32::from(len) - 1),
    }
}

fn binop_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::In => "in",
        BinOp::NotIn => "not in",
        BinOp::And => "and",
        BinOp::Or => "or",
    }
}

/// The paths of the program's demand (selective loading), one per leaf: `input.on`
/// (the value itself: its kind, keys or length), `input.jobs[*].steps[*].uses (all)`
/// (everything below). Empty when the demand is everything.
fn demand_paths(program: &Program) -> Vec<String> {
    let table = &program.demand;
    let mut names: Vec<String> = vec![String::new(); table.len()];
    if let Some(root) = names.first_mut() {
        "input".clone_into(root);
    }
    let mut out = Vec::new();
    for (i, node) in table.iter().enumerate() {
        let name = names.get(i).cloned().unwrap_or_default();
        for (key, c) in &node.fields {
            let plain = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if let Some(slot) = names.get_mut(*c as usize) {
                *slot = if plain {
                    format!("{name}.{key}")
                } else {
                    format!("{name}[{key:?}]")
                };
            }
        }
        if let Some(slot) = node.elements.and_then(|c| names.get_mut(c as usize)) {
            *slot = format!("{name}[*]");
        }
        if node.all {
            out.push(format!("{name} (all)"));
        } else if node.fields.is_empty() && node.elements.is_none() {
            out.push(name);
        }
    }
    out
}
