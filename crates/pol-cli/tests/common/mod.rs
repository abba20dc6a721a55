//! Running the `pol` binary from tests: arguments, standard input, a working folder,
//! and scratch folders under cargo's temporary directory.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of these helpers"
)]

pub mod served;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `pol` with `args` in the current folder.
pub fn pol(args: &[&str]) -> Output {
    run(args, None, None)
}

/// Runs `pol` with `args` in the folder `dir`.
pub fn pol_in(dir: &Path, args: &[&str]) -> Output {
    run(args, Some(dir), None)
}

/// Runs `pol` with `args`, `stdin` on its standard input.
pub fn pol_stdin(args: &[&str], stdin: &str) -> Output {
    run(args, None, Some(stdin))
}

fn run(args: &[&str], dir: Option<&Path>, stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pol"));
    command
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("pol runs");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(text.as_bytes())
            .expect("pol reads its input");
    }
    child.wait_with_output().expect("pol finishes")
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository exists")
}

/// A path under the repository, as a string for an argument.
pub fn repo_path(relative: &str) -> String {
    repo()
        .join(relative)
        .to_str()
        .expect("UTF-8 path")
        .to_owned()
}

/// A fresh folder for one test, under cargo's scratch directory; `files` may name
/// files in subfolders (`sub/a.yaml`).
pub fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    for (file, text) in files {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("scratch subfolder");
        }
        std::fs::write(path, text).expect("scratch file");
    }
    dir
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Standard output parsed as JSON.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", text(&out.stdout)))
}

/// Asserts the exit code, showing both streams when it differs.
#[track_caller]
pub fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Asserts that pol stopped cleanly: no panic message on standard error.
#[track_caller]
pub fn assert_no_panic(out: &Output) {
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "pol panicked:\n{stderr}");
}

/// What an `eval` run decided, without what varies between runs or with where the
/// program came from: JSON's `results`; the text output without its time and without
/// the help URLs (a `.polc` program does not carry them).
pub fn decided(out: &Output) -> String {
    let stdout = text(&out.stdout);
    if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&stdout) {
        return doc["results"].to_string();
    }
    let mut kept = Vec::new();
    let mut in_help = false;
    for line in stdout.lines() {
        if line == "help:" {
            in_help = true;
        } else if in_help && line.is_empty() {
            in_help = false;
        } else if !in_help && !line.starts_with("took ") && !line.starts_with("by severity: ") {
            kept.push(line);
        }
    }
    kept.join("\n")
}
