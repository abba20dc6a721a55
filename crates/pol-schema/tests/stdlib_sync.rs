//! The std modules generated from JSON Schemas (`stdlib/std/github.pol`,
//! `stdlib/std/k8s.pol`) are exactly what their header's `pol types
//! from-json-schema` commands print for the schemas in `../shared/schemas`.
//!
//! After changing the importer, regenerate them with
//! `POL_UPDATE_STDLIB=1 cargo test -p pol-schema --test stdlib_sync`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_schema::{Options, types_from_json_schema};
use std::path::{Path, PathBuf};

const GENERATED: &[&str] = &["github.pol", "k8s.pol"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The commands of a header: `#   pol types from-json-schema ...` lines, with their
/// `\` continuation lines, as argument lists.
fn commands(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let body = line.trim_start_matches('#').trim();
        match current.as_mut() {
            Some(cmd) => cmd.push_str(body),
            None if body.starts_with("pol types from-json-schema ") => {
                current = Some(body.to_owned())
            }
            None => continue,
        }
        let cmd = current.as_mut().unwrap();
        if cmd.ends_with('\\') {
            cmd.pop();
            cmd.push(' ');
        } else {
            out.push(cmd.split_whitespace().skip(3).map(str::to_owned).collect());
            current = None;
        }
    }
    out
}

/// What one command prints.
fn run(args: &[String]) -> String {
    let (schema, flags) = args.split_first().unwrap();
    let mut options = Options::default();
    let mut flags = flags.iter();
    while let Some(flag) = flags.next() {
        let mut value = || {
            flags
                .next()
                .unwrap_or_else(|| panic!("`{flag}` needs a value"))
                .clone()
        };
        match flag.as_str() {
            "--root" => options.root = Some(value()),
            "--only" => options.roots.extend(value().split(',').map(str::to_owned)),
            "--all-optional" => options.all_optional = true,
            "--kind" => options.kind = Some(value()),
            "--set" => {
                let change = value();
                let (pointer, json) = change.trim_matches('\'').split_once('=').unwrap();
                options
                    .set
                    .push((pointer.to_owned(), serde_json::from_str(json).unwrap()));
            }
            _ => panic!("unexpected argument `{flag}`"),
        }
    }
    let path = repo().join("../shared/schemas").join(schema);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    types_from_json_schema(&schema, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn generated_std_modules_are_up_to_date() {
    let update = std::env::var_os("POL_UPDATE_STDLIB").is_some();
    for file in GENERATED {
        let path = repo().join("stdlib/std").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let package_at = text.find("\npackage ").unwrap() + 1;
        let package_end = package_at + text[package_at..].find('\n').unwrap() + 1;
        let cmds = commands(&text);
        assert!(
            !cmds.is_empty(),
            "{file}: no `pol types from-json-schema` line in the header"
        );
        let generated: Vec<String> = cmds.iter().map(|c| run(c)).collect();
        let expected = format!("{}\n{}", &text[..package_end], generated.join("\n"));
        if update {
            std::fs::write(&path, &expected).unwrap();
        } else {
            assert!(
                text == expected,
                "stdlib/std/{file} is not what its header's commands print; \
                 run `POL_UPDATE_STDLIB=1 cargo test -p pol-schema --test stdlib_sync`"
            );
        }
    }
}

#[test]
fn header_commands_are_parsed() {
    let header = "# x\n#   pol types from-json-schema a.json \\\n#     --only x,y \\\n#     --only z\n#   pol types from-json-schema b.json --root B\npackage p\n";
    assert_eq!(
        commands(header),
        [
            vec!["a.json", "--only", "x,y", "--only", "z"],
            vec!["b.json", "--root", "B"]
        ]
    );
}
