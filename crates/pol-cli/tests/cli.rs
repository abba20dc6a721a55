//! `pol check` as a user runs it: exit codes, output formats, bad paths and flags.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{pol, repo, scratch, text};

#[test]
fn check_examples_is_clean() {
    let out = pol(&["check", repo().join("examples").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no problems"));
}

#[test]
fn errors_exit_1_and_point_at_the_source() {
    let dir = scratch(
        "errors",
        &[("bad.pol", "package p\n\nlet x = lowr(\"A\")\nlet y = z\n")],
    );
    let out = pol(&["check", "--color", "never", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("E0101"), "{stderr}");
    assert!(stderr.contains("E0100"), "{stderr}");
    assert!(stderr.contains("bad.pol:3:9"), "{stderr}");
    assert!(stderr.contains("did you mean `lower`?"), "{stderr}");
    assert!(stderr.contains("2 errors"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no colour when asked for none");
}

#[test]
fn json_format_lists_diagnostics_on_stdout() {
    let dir = scratch("json", &[("a.pol", "package p\nlet x = 1 +\n")]);
    let out = pol(&[
        "check",
        "--format",
        "json",
        dir.join("a.pol").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["errors"], 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "E0011");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["location"]["line"], 2);
    assert!(d["location"]["file"].as_str().unwrap().ends_with("a.pol"));
}

#[test]
fn unreadable_paths_and_bad_flags_exit_2() {
    let out = pol(&["check", "/no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read `/no/such/folder`: no such file or folder"));

    let out = pol(&["check", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));

    let empty = scratch("empty", &[("notes.txt", "hello")]);
    let out = pol(&["check", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no `.pol` files found"));

    let binary = scratch("binary", &[]);
    std::fs::write(binary.join("x.pol"), [0xff, 0xfe, 0x00]).unwrap();
    let out = pol(&["check", binary.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not valid UTF-8"));
}

#[test]
fn folders_are_walked_and_packages_merge_across_files() {
    let dir = scratch(
        "multi",
        &[
            ("a.pol", "package p\nlet a = b + 1\n"),
            ("b.pol", "package p\nlet b = 2\n"),
        ],
    );
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/c.pol"), "package q\nlet c = 3\n").unwrap();
    let out = pol(&["check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("checked 3 files"));
}

/// `pol rules` lists the pack rules, explains one by id or name, and prints
/// `docs/rules.md`.
#[test]
fn rules_lists_and_explains_the_pack_rules() {
    let out = common::pol(&["rules"]);
    common::assert_code(&out, 0);
    let list = common::text(&out.stdout);
    assert!(
        list.contains("GHA001    high      github-workflow   unpinned_action  "),
        "{list}"
    );
    assert!(list.contains("K8S001"), "{list}");
    for wanted in ["gha002", "pr_head_checkout", "pack.github.pr_head_checkout"] {
        let out = common::pol(&["rules", wanted]);
        common::assert_code(&out, 0);
        let text = common::text(&out.stdout);
        assert!(
            text.starts_with("GHA002  pack.github.pr_head_checkout\n"),
            "{text}"
        );
        assert!(text.contains("Fires on:\ntest \""), "{text}");
        assert!(text.contains("rules.md#gha002"), "{text}");
    }
    let out = common::pol(&["rules", "NOPE1"]);
    common::assert_code(&out, 2);
    let out = common::pol(&["rules", "--markdown"]);
    let docs = std::fs::read_to_string(common::repo().join("docs/rules.md")).unwrap();
    assert!(
        common::text(&out.stdout) == docs,
        "docs/rules.md differs from `pol rules --markdown`"
    );
}

/// Usage errors show every way of giving policies (`-p`, `-b`, the packs), never a
/// flag that was merely typed as if it were required, and counts of 0 say what is
/// wanted, not Rust's words for it.
#[test]
fn usage_errors_show_the_real_usage_and_plain_messages() {
    let mut shown = String::new();
    for args in [
        &["eval", "--frobnicate", "ci.yml"][..],
        &["eval", "-p", "policies/"],
        &["bench", "--iterations", "0", "-p", "p.pol", "ci.yml"],
        &["eval", "-j", "0", "ci.yml"],
        &["eval", "--max-steps", "0", "ci.yml"],
        &["build", "policies/"],
    ] {
        let out = pol(args);
        common::assert_code(&out, 2);
        let stderr = text(&out.stderr);
        shown.push_str(&format!("$ pol {}\n{stderr}\n", args.join(" ")));
    }
    assert!(!shown.contains("non-zero type"), "{shown}");
    assert!(!shown.contains("--format <FORMAT>"), "{shown}");
    insta::assert_snapshot!("usage_errors", shown);
}
