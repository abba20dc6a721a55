//! The `.polc` format: round trips, and every kind of damaged file is rejected cleanly.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

use pol_bytecode::*;

fn sample() -> Program {
    let chunk = Chunk {
        name: "rule p.r".into(),
        code: vec![
            Instr::LoadInput { dst: Reg(0) },
            Instr::Field {
                dst: Reg(1),
                obj: Reg(0),
                sym: SymId(0),
            },
            Instr::LoadConst {
                dst: Reg(2),
                k: ConstId(0),
            },
            Instr::Emit { site: SiteId(0) },
            Instr::Halt,
        ],
        positions: vec![
            Pos {
                file: 0,
                line: 3,
                column: 1
            };
            5
        ],
        registers: 3,
        slots: 0,
        params: 0,
        handlers: vec![],
        sites: vec![EmitSite {
            rule: 0,
            message: Message::Reg {
                reg: Reg(2),
                moves: true,
            },
            at: Some(Reg(1)),
            anchors: vec![],
        }],
    };
    Program {
        consts: vec![Const::Str("m".into())],
        symbols: vec!["jobs".into()],
        files: vec!["p.pol".into()],
        chunks: vec![chunk],
        rules: vec![RuleInfo {
            name: "p.r".into(),
            id: None,
            severity: "medium".into(),
            kind: RuleKind::Deny,
            chunk: 0,
            pos: Pos::default(),
            guard: None,
            input_kinds: 0,
        }],
        ..Program::default()
    }
}

#[test]
fn round_trip() {
    let program = sample();
    let bytes = encode(&program);
    assert_eq!(&bytes[..8], &MAGIC);
    assert_eq!(decode(&bytes).unwrap(), program);
}

#[test]
fn damaged_files_are_rejected() {
    let bytes = encode(&sample());
    assert_eq!(decode(b"{\"json\": true}"), Err(DecodeError::BadMagic));
    assert_eq!(decode(&[]), Err(DecodeError::BadMagic));
    assert!(matches!(
        decode(&bytes[..5]),
        Err(DecodeError::Truncated { .. })
    ));
    assert!(matches!(
        decode(&bytes[..bytes.len() - 1]),
        Err(DecodeError::Truncated { .. })
    ));
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(decode(&longer), Err(DecodeError::TrailingBytes));
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    assert_eq!(decode(&flipped), Err(DecodeError::ChecksumMismatch));
    let mut future = bytes.clone();
    future[8] = 99;
    assert_eq!(
        decode(&future),
        Err(DecodeError::UnsupportedVersion { found: 99 })
    );
    assert!(
        decode(&future)
            .unwrap_err()
            .to_string()
            .contains("rebuild it with `pol build`")
    );
}

/// Re-encodes a program with a valid checksum, as a hostile file would.
fn forged(program: &Program) -> Result<Program, DecodeError> {
    decode(&encode(program))
}

#[test]
fn hostile_programs_fail_validation() {
    let mut p = sample();
    p.chunks[0].code[1] = Instr::Field {
        dst: Reg(9),
        obj: Reg(0),
        sym: SymId(0),
    };
    assert!(matches!(forged(&p), Err(DecodeError::Invalid(_))));

    let mut p = sample();
    p.chunks[0].code[0] = Instr::Jump { target: Target(77) };
    assert!(matches!(forged(&p), Err(DecodeError::Invalid(_))));

    let mut p = sample();
    p.chunks[0].code.pop();
    p.chunks[0].positions.pop();
    let err = forged(&p).unwrap_err();
    assert!(err.to_string().contains("does not end with"), "{err}");

    let mut p = sample();
    p.rules[0].chunk = 5;
    assert!(matches!(forged(&p), Err(DecodeError::Invalid(_))));

    let mut p = sample();
    p.chunks[0].sites[0].rule = 3;
    assert!(matches!(forged(&p), Err(DecodeError::Invalid(_))));

    // A message written by the `emit`: its part registers are checked like the rest.
    let mut p = sample();
    p.chunks[0].sites[0].message = Message::Parts(vec![
        MessagePart::Text("job ".into()),
        MessagePart::Value(Reg(1)),
    ]);
    assert_eq!(forged(&p), Ok(p.clone()));
    p.chunks[0].sites[0].message = Message::Parts(vec![MessagePart::Value(Reg(40))]);
    let err = forged(&p).unwrap_err();
    assert!(err.to_string().contains("emit site uses r40"), "{err}");

    // The demand table: a child before its parent (a cycle), out of range, unsorted
    // keys. A well-formed one round-trips.
    let node = |fields: Vec<(&str, u32)>, elements| DemandNode {
        all: false,
        fields: fields.into_iter().map(|(k, c)| (k.to_owned(), c)).collect(),
        elements,
    };
    for demand in [
        vec![node(vec![], Some(0))],
        vec![node(vec![("a", 1)], None), node(vec![("b", 0)], None)],
        vec![node(vec![("a", 5)], None)],
        vec![
            node(vec![("b", 1), ("a", 2)], None),
            DemandNode::default(),
            DemandNode::default(),
        ],
    ] {
        let mut p = sample();
        p.demand = demand;
        let err = forged(&p).unwrap_err();
        assert!(err.to_string().contains("demand node"), "{err}");
    }
    let mut p = sample();
    p.demand = vec![
        node(vec![("jobs", 1)], None),
        node(vec![], Some(2)),
        DemandNode::default(),
    ];
    assert_eq!(forged(&p), Ok(p));
}

/// Groups of fused rules: a well-formed one round-trips; a chunk out of range, fewer
/// than two rules, rules out of order or repeated, an unknown rule, a guarded rule, a
/// rule in two groups and a chunk that makes findings of a rule outside the group are
/// each rejected.
#[test]
fn hostile_rule_groups_fail_validation() {
    let with_rules = |n: usize| {
        let mut p = sample();
        let rule = p.rules[0].clone();
        p.rules = vec![rule; n];
        p
    };
    let group = |chunk, rules: &[u32]| RuleGroup {
        chunk,
        rules: rules.to_vec(),
    };
    let mut p = with_rules(3);
    p.groups = vec![group(0, &[0, 2])];
    assert_eq!(forged(&p), Ok(p));

    let cases: Vec<(Vec<RuleGroup>, &str)> = vec![
        (vec![group(4, &[0, 1])], "names chunk"),
        (vec![group(0, &[1])], "two rules or more"),
        (vec![group(0, &[1, 0])], "increasing order"),
        (vec![group(0, &[1, 1])], "increasing order"),
        (vec![group(0, &[0, 7])], "unknown rule"),
        (
            vec![group(0, &[0, 1]), group(0, &[1, 2])],
            "two rule groups",
        ),
        // The sample's chunk makes findings of rule 0.
        (vec![group(0, &[1, 2])], "not in the group"),
    ];
    for (groups, why) in cases {
        let mut p = with_rules(3);
        p.groups = groups;
        let err = forged(&p).unwrap_err();
        assert!(err.to_string().contains(why), "{err}");
    }
    let mut p = with_rules(2);
    p.symbols.push("kind".into());
    p.rules[1].guard = Some(Guard {
        path: vec![SymId(1)],
        test: GuardTest::Prefix("x".into()),
    });
    p.groups = vec![group(0, &[0, 1])];
    let err = forged(&p).unwrap_err();
    assert!(err.to_string().contains("has a guard"), "{err}");
}

#[test]
fn every_single_byte_corruption_is_an_error_not_a_panic() {
    let bytes = encode(&sample());
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[i] ^= flip;
            assert!(decode(&damaged).is_err(), "flip {flip:#x} at {i} accepted");
        }
        let _ = decode(&bytes[..i]);
    }
}
