//! The hostile suite (`tests/hostile/`, docs/security.md): policies and inputs written to
//! hang pol, exhaust its memory or slip a silent allow past it. Each case must end
//! quickly — a watchdog kills a run after a minute — with its expected exit code and
//! messages: an error or a denial, never "allowed".
//!
//! A case is a folder with its files and a `case.txt` of lines `key: value`:
//! `run:` (arguments of `pol`, run in a copy of the folder; every run before the last
//! must exit 0), `stdin:` (one line given to the last run), `exit:`, `stdout:` and
//! `stderr:` (a text the stream must contain; repeatable), `size: FILE < BYTES`.
//! Cases that need files a repository should not hold (symbolic-link loops, large
//! inputs) are made by the tests below.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, assert_no_panic, repo, scratch, text};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A run that takes longer than this is a hang.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Runs `pol` in `dir`, killing it at the watchdog.
fn run_pol(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pol"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pol runs");
    let mut pipe = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        pipe.write_all(text.as_bytes()).unwrap();
    }
    drop(pipe);
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = r.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            panic!("`pol {}` in {} hung", args.join(" "), dir.display());
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

#[derive(Default, Debug)]
struct Case {
    runs: Vec<String>,
    stdin: Option<String>,
    exit: Option<i32>,
    stdout: Vec<String>,
    stderr: Vec<String>,
    sizes: Vec<(String, u64)>,
}

fn parse_case(text: &str) -> Case {
    let mut case = Case::default();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (key, value) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("bad line {line:?}"));
        let value = value.to_owned();
        match key {
            "run" => case.runs.push(value),
            "stdin" => case.stdin = Some(value),
            "exit" => case.exit = Some(value.parse().unwrap()),
            "stdout" => case.stdout.push(value),
            "stderr" => case.stderr.push(value),
            "size" => {
                let (file, bytes) = value.split_once(" < ").unwrap();
                case.sizes.push((file.to_owned(), bytes.parse().unwrap()));
            }
            other => panic!("unknown key {other:?}"),
        }
    }
    assert!(
        !case.runs.is_empty() && case.exit.is_some(),
        "a case needs run: and exit:"
    );
    case
}

/// Runs one case in a copy of its folder; returns what went wrong, if anything.
fn check_case(folder: &Path) -> Result<(), String> {
    let name = folder.file_name().unwrap().to_str().unwrap().to_owned();
    let case = parse_case(&std::fs::read_to_string(folder.join("case.txt")).unwrap());
    let files: Vec<(String, String)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let file = p.file_name().unwrap().to_str().unwrap().to_owned();
            (file, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    let dir = scratch(&format!("hostile-{name}"), &borrowed);
    let (last, before) = case.runs.split_last().unwrap();
    for run in before {
        let out = run_pol(&dir, &run.split(' ').collect::<Vec<_>>(), None);
        if out.status.code() != Some(0) {
            return Err(format!(
                "{name}: `pol {run}` failed:\n{}",
                text(&out.stderr)
            ));
        }
    }
    let out = run_pol(
        &dir,
        &last.split(' ').collect::<Vec<_>>(),
        case.stdin.as_deref(),
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    let mut problems = Vec::new();
    if stderr.contains("panicked") {
        problems.push("pol panicked".to_owned());
    }
    if out.status.code() != case.exit {
        problems.push(format!(
            "exit {:?}, expected {:?}",
            out.status.code(),
            case.exit
        ));
    }
    for want in &case.stdout {
        if !stdout.contains(want.as_str()) {
            problems.push(format!("stdout lacks {want:?}"));
        }
    }
    for want in &case.stderr {
        if !stderr.contains(want.as_str()) {
            problems.push(format!("stderr lacks {want:?}"));
        }
    }
    for (file, limit) in &case.sizes {
        let size = std::fs::metadata(dir.join(file)).map_or(u64::MAX, |m| m.len());
        if size >= *limit {
            problems.push(format!("{file} is {size} bytes, not under {limit}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name}: {}\n--- stdout:\n{}\n--- stderr:\n{}",
            problems.join("; "),
            stdout.chars().take(3000).collect::<String>(),
            stderr.chars().take(3000).collect::<String>()
        ))
    }
}

#[test]
fn every_hostile_case_ends_quickly_with_its_error() {
    let root = repo().join("tests/hostile");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.txt").is_file())
        .collect();
    folders.sort();
    assert!(folders.len() >= 20, "only {} cases", folders.len());
    // Two at a time: each case is one process.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut failed = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(folder) = folders.get(i) else { break };
                        if let Err(e) = check_case(folder) {
                            failed.push(e);
                        }
                    }
                    failed
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        folders.len(),
        failures.join("\n\n")
    );
}

const ANY_INPUT: &str = "package hostile\n\ndeny seen { if input != null message \"seen\" }\n";

/// Folder walks follow symbolic links but visit each real folder and file once: two
/// loops hung `pol eval` and `pol check`, one evaluated the same file 41 times. A file
/// is the same through a hard link, too.
#[test]
fn folder_walks_end_on_symbolic_link_loops_and_read_each_file_once() {
    let dir = scratch(
        "hostile-symlinks",
        &[
            ("policy.pol", ANY_INPUT),
            ("in/sub/a.json", "{\"a\": 1}\n"),
            ("in/b.yaml", "b: 2\n"),
            ("pols/p.pol", ANY_INPUT),
            ("pols/sub/q.pol", "package other\n"),
        ],
    );
    std::os::unix::fs::symlink("..", dir.join("in/sub/up")).unwrap();
    std::os::unix::fs::symlink("../../in", dir.join("in/sub/again")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("in/self")).unwrap();
    std::os::unix::fs::symlink("b.yaml", dir.join("in/b-link.yaml")).unwrap();
    std::fs::hard_link(dir.join("in/b.yaml"), dir.join("in/b-hard.yaml")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("pols/sub/back")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("pols/self")).unwrap();
    let out = run_pol(&dir, &["eval", "-p", "policy.pol", "in"], None);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(
        common::decided(&out)
            .ends_with("2 documents: 2 denied, 0 allowed (2 violations, 0 warnings, 0 errors)"),
        "{stdout}"
    );
    let out = run_pol(&dir, &["check", "pols"], None);
    assert_no_panic(&out);
    assert_code(&out, 0);
}

/// `x in list` is charged per element compared: 100,000 × 100,000 comparisons
/// (200,000 × 200,000 hung) stop at the step budget.
#[test]
fn quadratic_membership_stops_at_the_step_budget() {
    let items: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
    let input = format!("{{\"items\": [{}]}}\n", items.join(","));
    let dir = scratch(
        "hostile-membership",
        &[
            (
                "policy.pol",
                "package hostile\n\ndeny twice {\n  for x in input.items\n  if x + 0.5 in input.items\n  message \"twice\"\n}\n",
            ),
            ("input.json", &input),
        ],
    );
    let out = run_pol(
        &dir,
        &[
            "eval",
            "--max-steps",
            "1000000",
            // Only the step budget may stop it (a loaded machine running the debug
            // build could otherwise reach the default time limit first).
            "--timeout",
            "600s",
            "-p",
            "policy.pol",
            "input.json",
        ],
        None,
    );
    assert_code(&out, 1);
    assert!(
        text(&out.stdout).contains("evaluation exceeded 21000400 steps"),
        "{}",
        text(&out.stdout)
    );
    // A time limit stops it too.
    let out = run_pol(
        &dir,
        &[
            "eval",
            "--max-steps",
            "100000000000",
            "--timeout",
            "200ms",
            "-p",
            "policy.pol",
            "input.json",
        ],
        None,
    );
    assert_code(&out, 1);
    assert!(
        text(&out.stdout)
            .contains("evaluation ran out of time (resource limit; raise it with `--timeout`)"),
        "{}",
        text(&out.stdout)
    );
}

/// Inputs not evaluated when the whole run's time is up are errors, not skipped.
#[test]
fn a_run_out_of_time_fails_the_inputs_it_did_not_evaluate() {
    let names: Vec<String> = (0..300).map(|i| format!("in/{i:03}.json")).collect();
    let mut files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "{}\n")).collect();
    files.push(("policy.pol", ANY_INPUT));
    let dir = scratch("hostile-total-timeout", &files);
    let out = run_pol(
        &dir,
        &[
            "eval",
            "--total-timeout",
            "1ms",
            "-j",
            "1",
            "-p",
            "policy.pol",
            "in",
        ],
        None,
    );
    assert_no_panic(&out);
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).contains("not evaluated: the run ran out of time (`--total-timeout`)"),
        "{}",
        text(&out.stderr)
    );
}

/// Reading fields of an input object of 100,000 keys in a loop over its keys: a
/// binary search each, not a scan of the keys (it ran out of time, 10^10 key
/// comparisons no budget saw).
#[test]
fn fields_of_a_huge_object_are_read_by_search() {
    let fields: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\": {i}")).collect();
    let input = format!("{{\"o\": {{{}}}}}\n", fields.join(","));
    let dir = scratch(
        "hostile-big-object",
        &[
            (
                "policy.pol",
                "package hostile\n\ndeny mismatch {\n  for k, v in input.o\n  if input.o[k] != v or input.o.k5 == null\n  message \"mismatch\"\n}\n",
            ),
            ("input.json", &input),
        ],
    );
    let out = run_pol(&dir, &["eval", "-p", "policy.pol", "input.json"], None);
    assert_code(&out, 0);
    assert!(
        common::decided(&out)
            .ends_with("1 document: 0 denied, 1 allowed (0 violations, 0 warnings, 0 errors)"),
        "{}",
        text(&out.stdout)
    );
}
