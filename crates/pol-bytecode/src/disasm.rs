//! A readable listing of a program, for `pol disasm` and golden tests.

use crate::instr::{BinOp, Instr};
use crate::operand::{OperandKind, Table};
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

/// The operands of an instruction, written as its template in the instruction table
/// says (see `operand/define.rs`).
pub(crate) fn operands(program: &Program, instr: &Instr) -> String {
    let ops = instr.operands();
    let mut out = String::new();
    let mut rest = instr.template();
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at..).unwrap_or("");
        if let Some(tail) = after.strip_prefix("{{") {
            out.push('{');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("}}") {
            out.push('}');
            rest = tail;
        } else {
            let inner = after.get(1..).unwrap_or("");
            let (placeholder, tail) = inner.split_once('}').unwrap_or((inner, ""));
            let (name, choice) = match placeholder.split_once('?') {
                Some((name, choice)) => (name, choice.split_once('|')),
                None => (placeholder, None),
            };
            if let Some(op) = ops.get(name) {
                operand(&mut out, program, op.kind, choice);
            }
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// One operand as its role shows it; `choice` picks the text for a flag.
fn operand(out: &mut String, program: &Program, kind: OperandKind, choice: Option<(&str, &str)>) {
    let _ = match kind {
        OperandKind::Read(r) | OperandKind::Write(r) | OperandKind::Update(r) => write!(out, "{r}"),
        OperandKind::Range { start, len } => {
            let len = u16::try_from(len).unwrap_or(u16::MAX);
            write!(out, "{}", reg_range(start.0, len))
        }
        OperandKind::Count(n) => write!(out, "{n}"),
        OperandKind::Slot(s) => write!(out, "{s}"),
        OperandKind::Index(table, i) => index(out, program, table, i),
        OperandKind::Target(t) => write!(out, "{t}"),
        OperandKind::Builtin(b) => write!(out, "{}", b.name()),
        OperandKind::BinOp(op) => write!(out, "{}", binop_symbol(op)),
        OperandKind::StrOp(op) => write!(out, "{op:?}"),
        OperandKind::Kinds(kinds) => write!(out, "{}", kind_names(kinds)),
        OperandKind::Flag(b) => match choice {
            Some((yes, no)) => write!(out, "{}", if b { yes } else { no }),
            None => write!(out, "{b}"),
        },
        OperandKind::Int(n) => write!(out, "{n}"),
    };
}

/// An entry of a table: a constant's value, a field's name, a pattern's source quoted,
/// a function's or let's name, an emit site's number.
fn index(out: &mut String, program: &Program, table: Table, i: usize) -> std::fmt::Result {
    match table {
        Table::Consts => write!(out, "{}", constant(program, i)),
        Table::Symbols => write!(out, "{}", named(&program.symbols, i)),
        Table::Regexes => write!(out, "{:?}", named(&program.regexes, i)),
        Table::Globs => write!(out, "{:?}", named(&program.globs, i)),
        Table::Functions => {
            let name = program.functions.get(i).map_or("?", |f| f.name.as_str());
            write!(out, "{name}")
        }
        Table::Lets => {
            let name = program.lets.get(i).map_or("?", |l| l.name.as_str());
            write!(out, "{name}")
        }
        Table::Sites => write!(out, "site{i}"),
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
