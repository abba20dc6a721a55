//! The instruction table against the code generic over it. Every opcode is built with
//! operands made from numbers, and each operand in turn is changed: validation must
//! reject each index out of range, the disassembler must show each operand, and the
//! operand description must see every field. A new instruction whose table entry
//! leaves something out fails here, not in a program.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

use super::OperandKind;
use crate::instr::{
    BinOp, BuiltinOp, ConstId, FnId, GlobId, Instr, LetId, Reg, RegexId, SiteId, Slot, StrOp,
    SymId, Target,
};
use crate::program::{Chunk, Const, EmitSite, FunctionInfo, LetInfo, Message, Pos, Program};

/// Builds an operand from a number, for example instructions.
pub(crate) trait Example {
    fn example(n: u32) -> Self;
}

macro_rules! example_newtypes {
    ($($ty:ident($int:ty)),*) => {$(
        impl Example for $ty {
            fn example(n: u32) -> Self {
                $ty(n as $int)
            }
        }
    )*};
}

example_newtypes!(
    Reg(u16),
    Slot(u8),
    ConstId(u32),
    SymId(u16),
    RegexId(u16),
    GlobId(u16),
    FnId(u16),
    LetId(u32),
    Target(u32),
    SiteId(u32)
);

macro_rules! example_ints {
    ($($ty:ty),*) => {$(
        impl Example for $ty {
            fn example(n: u32) -> Self {
                n as $ty
            }
        }
    )*};
}

example_ints!(u8, u16, i8, i32);

impl Example for bool {
    fn example(n: u32) -> Self {
        n % 2 == 1
    }
}

impl Example for BinOp {
    fn example(n: u32) -> Self {
        [BinOp::Add, BinOp::Sub, BinOp::Eq][n as usize % 3]
    }
}

impl Example for StrOp {
    fn example(n: u32) -> Self {
        [StrOp::StartsWith, StrOp::EndsWith, StrOp::Contains][n as usize % 3]
    }
}

/// A builtin of one argument (an example call passes one).
impl Example for BuiltinOp {
    fn example(n: u32) -> Self {
        let unary: Vec<BuiltinOp> = BuiltinOp::ALL
            .iter()
            .copied()
            .filter(|b| b.arity() == 1)
            .collect();
        unary[n as usize % unary.len()]
    }
}

/// Values the example program's tables and frame accept: every table has three
/// entries, the chunk eight registers and three slots.
const SMALL: u32 = 1;
const OTHER: u32 = 2;
const HUGE: u32 = 200;

/// Every opcode's example with every operand made from `SMALL`, and its field count.
fn examples() -> Vec<(Instr, usize)> {
    let mut out = Vec::new();
    for opcode in 0.. {
        let mut fields = 0;
        let made = Instr::example(opcode, &mut |_| {
            fields += 1;
            SMALL
        });
        match made {
            Some(instr) => out.push((instr, fields)),
            None => break,
        }
    }
    out
}

/// The example of `opcode` with its operand number `field` made from `n`, the others
/// from `SMALL`.
fn with_field(opcode: usize, field: usize, n: u32) -> Instr {
    Instr::example(opcode, &mut |f| if f == field { n } else { SMALL }).unwrap()
}

/// A program whose first chunk holds `code` then `halt`, with three entries in every
/// table that an operand can name.
fn program(code: &[Instr]) -> Program {
    let names = |prefix: &str| (0..3).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();
    let mut code = code.to_vec();
    code.push(Instr::Halt);
    let positions = vec![Pos::default(); code.len()];
    let site = EmitSite {
        rule: 0,
        message: Message::Reg {
            reg: Reg(0),
            moves: false,
        },
        at: None,
        anchors: Vec::new(),
    };
    let main = Chunk {
        name: "rule t.r".into(),
        code,
        positions,
        registers: 8,
        slots: 3,
        sites: vec![site; 3],
        ..Chunk::default()
    };
    // Takes one argument, as the example calls pass.
    let callee = Chunk {
        name: "fn t.f".into(),
        code: vec![Instr::Return { src: Reg(0) }],
        positions: vec![Pos::default()],
        registers: 1,
        params: 1,
        ..Chunk::default()
    };
    Program {
        consts: (0..3).map(|i| Const::Str(format!("c{i}"))).collect(),
        symbols: names("sym"),
        regexes: names("re"),
        globs: names("glob"),
        files: vec!["t.pol".into()],
        chunks: vec![main, callee],
        rules: vec![crate::program::RuleInfo {
            name: "t.r".into(),
            id: None,
            severity: "medium".into(),
            kind: crate::program::RuleKind::Deny,
            chunk: 0,
            pos: Pos::default(),
            guard: None,
            input_kinds: 0,
            doc_kinds: Vec::new(),
            tags: Vec::new(),
            url: None,
            docs: None,
        }],
        lets: names("l")
            .into_iter()
            .map(|name| LetInfo {
                name,
                chunk: 1,
                constant: false,
                option: None,
            })
            .collect(),
        functions: names("f")
            .into_iter()
            .map(|name| FunctionInfo { name, chunk: 1 })
            .collect(),
        ..Program::default()
    }
}

#[test]
fn the_table_describes_every_field_of_every_opcode() {
    let base = examples();
    assert_eq!(base.len(), Instr::NAMES.len());
    for (opcode, &(instr, fields)) in base.iter().enumerate() {
        let ops = instr.operands();
        assert_eq!(instr.name(), Instr::NAMES[opcode]);
        assert_eq!(
            ops.len(),
            fields,
            "{}: a field without an operand",
            instr.name()
        );
        let names: Vec<&str> = ops.iter().map(|op| op.name).collect();
        assert_eq!(names, Instr::OPERANDS[opcode], "{}", instr.name());
        let targets = ops
            .iter()
            .filter(|op| matches!(op.kind, OperandKind::Target(_)))
            .count();
        assert!(targets <= 1, "{}: more than one jump target", instr.name());
        assert_eq!(instr.target().is_some(), targets == 1);
        let retargeted = instr.with_target(Target(OTHER));
        assert_eq!(retargeted.target(), instr.target().map(|_| Target(OTHER)));
        // No byte of the instruction hides from the description: changing any one
        // field changes what `operands` says.
        for field in 0..fields {
            let changed = with_field(opcode, field, OTHER);
            assert_ne!(changed, instr);
            assert_ne!(
                changed.operands(),
                ops,
                "{}: field {field} is not described",
                instr.name()
            );
        }
    }
}

#[test]
fn every_opcode_validates_round_trips_and_disassembles() {
    let base: Vec<Instr> = examples().into_iter().map(|(i, _)| i).collect();
    let p = program(&base);
    crate::validate(&p).unwrap();
    assert_eq!(crate::decode(&crate::encode(&p)).unwrap(), p);
    let listing = crate::disassemble(&p);
    for instr in &base {
        let shown = crate::disasm::operands(&p, instr);
        assert!(!shown.contains('?'), "{}: {shown}", instr.name());
        let line = format!("{:<20} {shown}", instr.name());
        assert!(listing.contains(line.trim_end()), "{}", instr.name());
        for placeholder in placeholders(instr.template()) {
            assert!(
                instr.operands().get(placeholder).is_some(),
                "{}: the template names `{placeholder}`, which is not an operand",
                instr.name()
            );
        }
    }
    // Every operand shows: changing any one changes the listing.
    for (opcode, &(instr, fields)) in examples().iter().enumerate() {
        let shown = crate::disasm::operands(&p, &instr);
        for field in 0..fields {
            let changed = with_field(opcode, field, OTHER);
            assert_ne!(
                crate::disasm::operands(&p, &changed),
                shown,
                "{}: `{}` is not disassembled",
                instr.name(),
                Instr::OPERANDS[opcode][field]
            );
        }
    }
}

/// The field names a disassembly template refers to.
fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(escaped) = after.strip_prefix('{') {
            rest = escaped;
            continue;
        }
        let close = after.find('}').unwrap();
        out.push(after[..close].split('?').next().unwrap());
        rest = &after[close + 1..];
    }
    out
}

#[test]
fn validation_rejects_every_operand_out_of_range() {
    for (opcode, &(instr, fields)) in examples().iter().enumerate() {
        for field in 0..fields {
            let bad = with_field(opcode, field, HUGE);
            let kind = bad.operands()[field].kind;
            // What validation says of the operand, by its role; `None`: any value is valid.
            let expected = match kind {
                OperandKind::Read(r) | OperandKind::Write(r) | OperandKind::Update(r) => {
                    Some(format!("{r} out of 8 registers"))
                }
                OperandKind::Range { start, .. } => Some(format!("registers {start}..+")),
                // The count is the range's length (twice it for key/value pairs).
                OperandKind::Count(count) => {
                    let len = bad.operands().iter().find_map(|op| match op.kind {
                        OperandKind::Range { len, .. } => Some(len),
                        _ => None,
                    });
                    assert!(len.is_some_and(|len| len >= count), "{}", instr.name());
                    Some(format!("registers r{SMALL}..+{} out of 8", len.unwrap()))
                }
                OperandKind::Slot(s) => Some(format!("{s} out of 3 slots")),
                OperandKind::Index(table, i) => Some(format!("{} {i} out of 3", table.noun())),
                OperandKind::Target(t) => Some(format!("jump to {t} outside the code")),
                OperandKind::Flag(_)
                | OperandKind::Int(_)
                | OperandKind::Kinds(_)
                | OperandKind::BinOp(_)
                | OperandKind::StrOp(_)
                | OperandKind::Builtin(_) => None,
            };
            let result = crate::validate(&program(&[bad]));
            if let Some(expected) = expected {
                let err = result.expect_err(&format!("{}: {kind:?} accepted", instr.name()));
                assert_eq!((err.chunk, err.pc), (Some(0), Some(0)), "{err}");
                assert!(
                    err.message.starts_with(&expected),
                    "{}: {err}",
                    instr.name()
                );
            } else {
                assert_eq!(result, Ok(()), "{}: {kind:?}", instr.name());
            }
        }
    }
}

#[test]
fn the_unended_chunk_message_names_the_instructions_that_end_blocks() {
    let mut ending: Vec<&str> = examples()
        .iter()
        .filter(|(i, _)| i.ends_block())
        .map(|(i, _)| i.name())
        .collect();
    let mut named: Vec<&str> = crate::validate::UNENDED
        .split('`')
        .skip(1)
        .step_by(2)
        .collect();
    ending.sort_unstable();
    named.sort_unstable();
    assert_eq!(named, ending);
}

#[test]
fn reads_and_writes_follow_the_roles() {
    let call = Instr::MakeObject {
        dst: Reg(0),
        start: Reg(2),
        pairs: 2,
    };
    let mut reads = Vec::new();
    call.for_each_read(|r| reads.push(r.0));
    assert_eq!(reads, [2, 3, 4, 5]);
    let push = Instr::Push {
        dst: Reg(1),
        value: Reg(3),
    };
    let mut writes = Vec::new();
    push.for_each_write(|r| writes.push(r.0));
    assert_eq!(writes, [1]);
    assert!(push.reads(Reg(1)) && push.reads(Reg(3)) && !push.reads(Reg(2)));
}

#[test]
fn of_several_faults_the_first_by_role_is_reported() {
    let message = |instr| crate::validate(&program(&[instr])).unwrap_err().message;
    // The slot before the register, though the register is declared first.
    let iter_key = Instr::IterKey {
        dst: Reg(9),
        slot: Slot(9),
    };
    assert_eq!(message(iter_key), "it9 out of 3 slots");
    // The arguments before the function, the function before its arity.
    let call = |func, args, argc| Instr::Call {
        dst: Reg(0),
        func: FnId(func),
        args: Reg(args),
        argc,
    };
    assert_eq!(message(call(9, 9, 2)), "registers r9..+2 out of 8");
    assert_eq!(message(call(9, 1, 2)), "function 9 out of 3");
    assert_eq!(message(call(1, 1, 2)), "fn1 takes 1 arguments, not 2");
    let split = Instr::CallBuiltin {
        dst: Reg(0),
        builtin: BuiltinOp::Split,
        args: Reg(1),
        argc: 1,
    };
    assert_eq!(message(split), "`split` takes 2 arguments");
}
