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
            doc_kinds: Vec::new(),
            tags: vec!["level:pedantic".into()],
            url: Some("https://example.com/r".into()),
            docs: Some("Finds r.".into()),
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
    assert_eq!(decode(&flipped), Err(DecodeError::DigestMismatch));
    assert_eq!(
        DecodeError::DigestMismatch.to_string(),
        "the .polc file is corrupt or altered: its SHA-256 digest does not match"
    );
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
    let node = |fields: Vec<(&str, u32)>, elements| ShapeNode {
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
            ShapeNode::default(),
            ShapeNode::default(),
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
        ShapeNode::default(),
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

/// Every flipped bit is caught: in the header by the check of its field, in the body
/// and the digest by the digest, before anything of the body is decoded.
#[test]
fn every_single_byte_corruption_is_an_error_not_a_panic() {
    let bytes = encode(&sample());
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[i] ^= flip;
            let err = decode(&damaged).unwrap_err();
            if i >= HEADER_LEN {
                assert_eq!(err, DecodeError::DigestMismatch, "flip {flip:#x} at {i}");
            }
        }
        assert!(decode(&bytes[..i]).is_err());
    }
}

/// Magic, version and body length.
const HEADER_LEN: usize = 20;

/// A `.polc` file around `body`, with the right length and digest, as a forger would
/// write it.
fn framed(version: u32, body: &[u8]) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&version.to_le_bytes());
    bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
    bytes.extend_from_slice(body);
    let digest = Digest::of(&bytes);
    bytes.extend_from_slice(digest.as_bytes());
    bytes
}

fn body(bytes: &[u8]) -> &[u8] {
    &bytes[HEADER_LEN..bytes.len() - 32]
}

#[test]
fn the_layout_is_header_body_digest() {
    let bytes = encode(&sample());
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 8);
    assert_eq!(FORMAT_VERSION, 8);
    let body_len = u64::from_le_bytes(bytes[12..20].try_into().unwrap());
    assert_eq!(bytes.len() as u64, 20 + body_len + 32);
    assert_eq!(framed(FORMAT_VERSION, body(&bytes)), bytes);
}

/// A file of the previous format (version 4: a CRC-32 of the body in the header) gets
/// the version message, not a digest error.
#[test]
fn files_of_version_4_are_told_to_rebuild() {
    let bytes = encode(&sample());
    let mut old = MAGIC.to_vec();
    old.extend_from_slice(&4u32.to_le_bytes());
    old.extend_from_slice(&(body(&bytes).len() as u64).to_le_bytes());
    old.extend_from_slice(&[0x12, 0x34, 0x56, 0x78]);
    old.extend_from_slice(body(&bytes));
    let err = decode(&old).unwrap_err();
    assert_eq!(err, DecodeError::UnsupportedVersion { found: 4 });
    assert_eq!(
        err.to_string(),
        "compiled with format version 4, but this pol reads version 8: rebuild it with `pol build`"
    );
}

/// A body changed into another valid program: with the digest left as it was, the
/// file is rejected; with a recomputed trailer of the old kind (a 4-byte checksum), too.
/// With a recomputed SHA-256 it loads — a digest in the file cannot say who wrote it —
/// but its digest is not the original's, which is what a pinned or signed digest checks.
#[test]
fn an_altered_body_is_rejected_unless_its_digest_is_forged_and_then_it_shows() {
    let original = sample();
    let bytes = encode(&original);
    let mut altered = original.clone();
    altered.consts[0] = Const::Str("n".into());
    let altered_body = body(&encode(&altered)).to_vec();
    assert_eq!(altered_body.len(), body(&bytes).len());

    let mut kept_digest = bytes.clone();
    kept_digest[HEADER_LEN..HEADER_LEN + altered_body.len()].copy_from_slice(&altered_body);
    assert_eq!(decode(&kept_digest), Err(DecodeError::DigestMismatch));

    let mut short_trailer = framed(FORMAT_VERSION, &altered_body);
    short_trailer.truncate(short_trailer.len() - 28);
    assert!(matches!(
        decode(&short_trailer),
        Err(DecodeError::Truncated { .. })
    ));

    let forged = framed(FORMAT_VERSION, &altered_body);
    assert_eq!(decode(&forged), Ok(altered.clone()));
    assert_ne!(Digest::of(&forged), Digest::of(&bytes));
    assert_ne!(altered.digest(), original.digest());
}

/// A body that writes an integer with more bytes than it needs decodes to the same
/// program: the file's digest names its bytes, the program's digest the file pol
/// writes for it. Bytes after the program inside the body are rejected.
#[test]
fn a_body_in_another_encoding_names_its_own_bytes() {
    let bytes = encode(&sample());
    let body = body(&bytes);
    // The body begins with the number of constants, 1, as one byte; 0x81 0x00 is 1 too.
    assert_eq!(body[0], 1);
    let mut padded = vec![0x81, 0x00];
    padded.extend_from_slice(&body[1..]);
    let other = framed(FORMAT_VERSION, &padded);
    assert_eq!(decode(&other), Ok(sample()));
    assert_ne!(Digest::of(&other), sample().digest());

    let mut longer = body.to_vec();
    longer.push(0);
    assert_eq!(
        decode(&framed(FORMAT_VERSION, &longer)),
        Err(DecodeError::TrailingBytes)
    );
}

#[test]
fn the_digest_names_the_file() {
    assert_eq!(
        Digest::of(b"abc").to_string(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let program = sample();
    let bytes = encode(&program);
    // The same program gives the same bytes, so the same digest.
    assert_eq!(encode(&program.clone()), bytes);
    assert_eq!(program.digest(), Digest::of(&bytes));
    assert_eq!(decode(&bytes).unwrap().digest(), Digest::of(&bytes));
    let hex = program.digest().to_string();
    assert_eq!(hex.len(), 64);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(format!("{:?}", program.digest()), format!("Digest({hex})"));
    let mut other = sample();
    other.rules[0].severity = "high".into();
    assert_ne!(other.digest(), program.digest());
}
