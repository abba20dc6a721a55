//! The formatter keeps programs: on every `.pol` file of the repository and on random
//! programs laid out at random, formatting is idempotent, keeps every comment, and
//! gives the same program.
//!
//! "The same program" is checked twice, independently of the formatter's own check
//! (which compares tokens):
//! - the syntax trees are equal. `Span`s compare equal to each other, so `==` on
//!   `ast::File` compares everything but positions: every name, literal value (escapes
//!   resolved), operator, the shape of every expression, doc comments, tests;
//! - the compiled bytecode is equal once positions are blanked. A `Program` holds
//!   source positions in two places only, each chunk's `positions` (one per
//!   instruction: the lengths still have to agree) and each rule's `pos`; everything
//!   else (instructions, constants, symbols, patterns, rule metadata, lets, functions,
//!   demand tree, fused groups) is compared as it is. Both sides are compiled under the
//!   same file names, so `files` matches too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

mod common;

use common::Rng;
use common::program_gen::Gen;
use pol::fmt::format_source;
use pol::{FileId, SourceMap};
use pol_bytecode::{Pos, Program};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The comments of a source, found by a scan of its own (not the formatter's): the
/// text between tokens, from each `#` or `///` to the end of its line.
fn comments(source: &str) -> Vec<String> {
    let (tokens, errors) = pol_syntax::lexer::tokenize(source);
    assert!(errors.is_empty());
    let mut found = Vec::new();
    let mut gaps = Vec::new();
    let mut cursor = 0;
    for (start, token, end) in &tokens {
        gaps.push((cursor, *start));
        if matches!(token, pol_syntax::lexer::Token::DocComment(_)) {
            found.push((*start, source[*start..*end].trim_end().to_owned()));
        }
        cursor = *end;
    }
    gaps.push((cursor, source.len()));
    for (from, to) in gaps {
        let mut line_start = from;
        for line in source[from..to].split_inclusive('\n') {
            if let Some(i) = line.find('#') {
                found.push((line_start + i, line[i..].trim_end().to_owned()));
            }
            line_start += line.len();
        }
    }
    found.sort();
    found.into_iter().map(|(_, text)| text).collect()
}

/// Files of a policy set: name and text.
type Files = Vec<(String, String)>;

/// The compiled program of `files` (name, text), positions blanked; `None` when they
/// do not check. Type errors (E02xx) do not stop a program from compiling (the random
/// programs have many: the run-time checks are what `differential.rs` compares).
fn program(files: &[(String, String)]) -> Option<Program> {
    let mut sources = SourceMap::new();
    let ids: Vec<FileId> = files
        .iter()
        .map(|(name, text)| sources.add(name.clone(), text.clone()))
        .collect();
    let (hir, diagnostics) = pol::check_program(&mut sources, &ids);
    if diagnostics
        .iter()
        .any(|d| d.is_error() && !d.code.as_str().starts_with("E02"))
    {
        return None;
    }
    let policy = pol::compile_checked(&hir, &sources).ok()?;
    let mut program = policy.program().bytecode().clone();
    for chunk in &mut program.chunks {
        chunk.positions.fill(Pos::default());
    }
    for rule in &mut program.rules {
        rule.pos = Pos::default();
    }
    Some(program)
}

/// Formats `source` and checks idempotence, comments and syntax tree; gives the
/// formatted text.
fn formatted(name: &str, source: &str) -> String {
    let once = format_source(FileId(0), source).unwrap_or_else(|e| panic!("{name}: {e}"));
    let twice = format_source(FileId(0), &once).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    assert_eq!(
        comments(source),
        comments(&once),
        "{name}: comments differ after formatting"
    );
    let (before, _) = pol::parse(FileId(0), source);
    let (after, _) = pol::parse(FileId(0), &once);
    assert_eq!(before, after, "{name}: the syntax tree changed");
    once
}

fn pol_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            pol_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "pol") {
            out.push(path);
        }
    }
}

/// Every `.pol` file of the repository that parses (the others are diagnostic cases,
/// refused by the formatter as they should be), grouped by folder: a folder is one
/// policy set when it compiles as one, else each of its files alone.
///
/// On a thread with the 8 MiB stack that `pol`'s main thread has: checking
/// `tests/hostile/fn_chain` needs more than a test thread's 2 MiB (the formatter itself
/// is one loop and formats every file of the repository on 1 MiB).
#[test]
fn every_pol_file_of_the_repository_formats_to_the_same_program() {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(repository_files)
        .unwrap()
        .join()
        .unwrap();
}

fn repository_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut paths = Vec::new();
    for dir in ["examples", "stdlib", "tests", "benches"] {
        pol_files(&root.join(dir), &mut paths);
    }
    let mut folders: BTreeMap<PathBuf, Vec<(String, String, String)>> = BTreeMap::new();
    let (mut refused, mut formatted_files) = (0, 0);
    for path in &paths {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        let source = std::fs::read_to_string(path).unwrap();
        let (_, diagnostics) = pol::parse(FileId(0), &source);
        if diagnostics.iter().any(pol::Diagnostic::is_error) {
            assert!(format_source(FileId(0), &source).is_err(), "{name}");
            refused += 1;
            continue;
        }
        let after = formatted(&name, &source);
        formatted_files += 1;
        let folder = path.parent().unwrap().to_path_buf();
        folders
            .entry(folder)
            .or_default()
            .push((name, source, after));
    }
    let mut compared = 0;
    for files in folders.values() {
        let before: Files = files
            .iter()
            .map(|(n, s, _)| (n.clone(), s.clone()))
            .collect();
        let after: Files = files
            .iter()
            .map(|(n, _, a)| (n.clone(), a.clone()))
            .collect();
        let sets: Vec<(Files, Files)> = if program(&before).is_some() {
            vec![(before, after)]
        } else {
            before
                .into_iter()
                .zip(after)
                .map(|(b, a)| (vec![b], vec![a]))
                .collect()
        };
        for (before, after) in sets {
            if let Some(program_before) = program(&before) {
                let names: Vec<&str> = before.iter().map(|(n, _)| n.as_str()).collect();
                let program_after = program(&after)
                    .unwrap_or_else(|| panic!("{names:?}: compiled before formatting, not after"));
                assert!(
                    program_before == program_after,
                    "{names:?}: the program changed"
                );
                compared += before.len();
            }
        }
    }
    // The walk did find the repository's files, and most of them compile.
    assert!(
        formatted_files > 80,
        "only {formatted_files} files formatted"
    );
    assert!(refused >= 5, "only {refused} files refused");
    assert!(
        compared > 150,
        "only {compared} files compiled and compared"
    );
}

/// Separators to lay tokens out with: spaces, line breaks, blank lines, comments.
const SEPARATORS: &[&str] = &[
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\n    ",
    "\t",
    "\n\n\n",
    " # a comment\n",
    "\n# own line\n  ",
];

/// `source` with its tokens laid out at random (its own comments kept); with `squash`,
/// every separator without a line break is one space.
fn scramble(source: &str, seed: u64, squash: bool) -> String {
    let mut rng = Rng(seed.rotate_left(29) | 1);
    let (tokens, _) = pol_syntax::lexer::tokenize(source);
    let mut out = String::new();
    for (start, _, end) in tokens {
        let separator = rng.pick(SEPARATORS);
        out.push_str(if squash && !separator.contains('\n') {
            " "
        } else {
            separator
        });
        out.push_str(&source[start..end]);
    }
    out.push('\n');
    out
}

fn run_case(seed: u64) -> Result<(), TestCaseError> {
    let source = Gen::new(seed).program();
    let scrambled = scramble(&source, seed, false);
    let once = formatted("scrambled", &scrambled);
    let name = "gen.pol".to_owned();
    let before = program(&[(name.clone(), source.clone())]);
    let after = program(&[(name, once.clone())]);
    prop_assert!(
        before == after,
        "the program changed (seed {}):\n--- generated ---\n{}\n--- formatted ---\n{}",
        seed,
        source,
        once
    );
    // The layout does not depend on the spaces and tabs between tokens on a line.
    let squashed = scramble(&source, seed, true);
    prop_assert_eq!(&formatted("squashed", &squashed), &once);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_programs_in_random_layouts_format_to_the_same_program(seed in any::<u64>()) {
        run_case(seed)?;
    }
}

/// The random programs do compile (so the bytecode comparison compares something).
#[test]
fn most_generated_programs_compile() {
    let compiled = (0..100u64)
        .filter(|&seed| {
            let source = Gen::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)).program();
            program(&[("gen.pol".to_owned(), source)]).is_some()
        })
        .count();
    assert!(
        compiled > 50,
        "only {compiled} of 100 generated programs compile"
    );
}
