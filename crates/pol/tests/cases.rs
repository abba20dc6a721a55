//! Tests as data: every program under `tests/valid/` checks cleanly, every case under
//! `tests/diagnostics/` reports the code its name starts with (snapshots hold the source
//! and the rendered diagnostics), and `docs/errors.md` documents every code with an
//! example that triggers it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol::{Code, RenderOptions, SourceMap};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A program: one `.pol` file, or a folder whose `.pol` files form one program.
fn programs(dir: &Path) -> Vec<(String, Vec<PathBuf>)> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name == "snapshots" {
                continue;
            }
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "pol"))
                .collect();
            files.sort();
            out.push((name, files));
        } else if path.extension().is_some_and(|e| e == "pol") {
            out.push((name, vec![path]));
        }
    }
    out
}

/// Checks a program; returns the source map and the diagnostics.
fn check(files: &[PathBuf]) -> (SourceMap, Vec<pol::Diagnostic>) {
    let mut sources = SourceMap::new();
    let ids: Vec<_> = files
        .iter()
        .map(|p| {
            let name = p.strip_prefix(root()).unwrap_or(p).display().to_string();
            let name = name.trim_start_matches("../").to_owned();
            sources.add(name, std::fs::read_to_string(p).unwrap())
        })
        .collect();
    let diagnostics = pol::check(&mut sources, &ids);
    (sources, diagnostics)
}

fn render(sources: &SourceMap, diagnostics: &[pol::Diagnostic]) -> String {
    pol::render_text(
        sources,
        diagnostics,
        RenderOptions {
            color: false,
            ascii: true,
        },
    )
}

#[test]
fn valid_programs_check_cleanly() {
    for dir in ["tests/valid", "examples"] {
        let programs = programs(&root().join(dir));
        assert!(!programs.is_empty(), "no programs in {dir}");
        for (name, files) in programs {
            let (sources, diagnostics) = check(&files);
            assert!(
                diagnostics.is_empty(),
                "{dir}/{name}:\n{}",
                render(&sources, &diagnostics)
            );
        }
    }
}

#[test]
fn diagnostic_cases_match_their_snapshots() {
    let dir = root().join("tests/diagnostics");
    let programs = programs(&dir);
    assert!(programs.len() >= 20, "too few diagnostic cases");
    for (name, files) in programs {
        let expected = Code::parse(name.split('_').next().unwrap())
            .unwrap_or_else(|| panic!("case `{name}` must start with a diagnostic code"));
        let (sources, diagnostics) = check(&files);
        assert!(
            diagnostics.iter().any(|d| d.code == expected),
            "case `{name}` does not report {expected}:\n{}",
            render(&sources, &diagnostics)
        );
        let mut snapshot = String::new();
        for (_, file) in sources.iter().filter(|(_, f)| !f.name.starts_with("<std>")) {
            snapshot.push_str(&format!(
                "--- {} ---\n{}\n",
                file.name,
                file.text.trim_end()
            ));
        }
        snapshot.push_str("=== diagnostics ===\n");
        snapshot.push_str(&render(&sources, &diagnostics));
        insta::with_settings!({
            snapshot_path => dir.join("snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, snapshot);
        });
    }
}

/// `docs/errors.md` has a `## E0100: title` section for every code, each with a
/// ```` ```pol ```` example that reports that code.
#[test]
fn error_index_documents_every_code_with_a_triggering_example() {
    let text = std::fs::read_to_string(root().join("docs/errors.md")).unwrap();
    let mut documented = Vec::new();
    for section in text.split("\n## ").skip(1) {
        let heading = section.lines().next().unwrap();
        let code_text = heading
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap();
        let code =
            Code::parse(code_text).unwrap_or_else(|| panic!("unknown code in heading `{heading}`"));
        let example = section
            .split("```pol\n")
            .nth(1)
            .and_then(|rest| rest.split("\n```").next())
            .unwrap_or_else(|| panic!("{code} has no ```pol example"));
        let mut sources = SourceMap::new();
        let file = sources.add(format!("{code}.pol"), example);
        let diagnostics = pol::check(&mut sources, &[file]);
        assert!(
            diagnostics.iter().any(|d| d.code == code),
            "the example of {code} does not report it:\n{}",
            render(&sources, &diagnostics)
        );
        documented.push(code);
    }
    for code in Code::ALL {
        assert!(
            documented.contains(code),
            "docs/errors.md does not document {code}"
        );
    }
}
