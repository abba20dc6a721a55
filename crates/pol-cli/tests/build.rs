//! `pol build`, `pol eval -b` and `pol disasm`: compiled programs give the same
//! decisions as sources, and damaged `.polc` files are refused with a clear message.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, assert_no_panic, decided, pol_in, repo_path, scratch, text};
use std::path::{Path, PathBuf};

/// A folder with `all.polc` built from every example policy, and an input that trips
/// rules of several packages.
fn built(name: &str) -> PathBuf {
    let dir = scratch(
        name,
        &[(
            "wf.yml",
            "on: pull_request_target\npermissions: write-all\njobs:\n  build:\n    \
             runs-on: [self-hosted]\n    steps:\n      - uses: evil/action@v1\n",
        )],
    );
    let out = pol_in(
        &dir,
        &["build", "-p", &repo_path("examples"), "-o", "all.polc"],
    );
    assert_code(&out, 0);
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("wrote all.polc ("), "{stderr}");
    assert!(stderr.contains(" rules, "), "{stderr}");
    dir
}

fn polc(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("all.polc")).unwrap()
}

#[test]
fn a_built_program_gives_the_same_decision_as_the_sources() {
    let dir = built("build-same");
    let bytes = polc(&dir);
    assert_eq!(&bytes[..5], b"\x89POLC", "the magic bytes");
    for format in ["text", "json"] {
        let from_source = pol_in(
            &dir,
            &[
                "eval",
                "--format",
                format,
                "-p",
                &repo_path("examples"),
                "wf.yml",
            ],
        );
        let from_polc = pol_in(
            &dir,
            &["eval", "--format", format, "-b", "all.polc", "wf.yml"],
        );
        assert_code(&from_source, 1);
        assert_code(&from_polc, 1);
        assert_eq!(decided(&from_polc), decided(&from_source));
    }
    let out = pol_in(&dir, &["eval", "-b", "all.polc", "wf.yml"]);
    let stdout = text(&out.stdout);
    for rule in [
        "ci.github.unpinned_action",
        "ci.github.write_all_permissions",
        "ci.github.self_hosted_on_pull_request",
    ] {
        assert!(stdout.contains(rule), "{rule} in:\n{stdout}");
    }
    // `--query` works on a program too.
    let out = pol_in(
        &dir,
        &[
            "eval",
            "-b",
            "all.polc",
            "--query",
            "needs_review",
            "wf.yml",
        ],
    );
    assert_code(&out, 0);
    assert_eq!(text(&out.stdout), "true\n");
}

#[test]
fn building_is_deterministic() {
    let dir = built("build-deterministic");
    let first = polc(&dir);
    let out = pol_in(
        &dir,
        &["build", "-p", &repo_path("examples"), "-o", "all.polc"],
    );
    assert_code(&out, 0);
    assert_eq!(polc(&dir), first);
}

#[test]
fn damaged_programs_are_refused_with_exit_2() {
    let dir = built("build-damaged");
    let bytes = polc(&dir);
    let mut corrupted = bytes.clone();
    let middle = corrupted.len() / 2;
    corrupted[middle] ^= 0x55;
    let mut other_version = bytes.clone();
    other_version[8] = other_version[8].wrapping_add(7);
    let cases: [(&str, Vec<u8>, &str); 6] = [
        (
            "truncated.polc",
            bytes[..bytes.len() / 3].to_vec(),
            "truncated",
        ),
        ("header-only.polc", bytes[..5].to_vec(), "truncated"),
        ("corrupted.polc", corrupted, "SHA-256 digest does not match"),
        ("version.polc", other_version, "rebuild it with `pol build`"),
        (
            "workflow.polc",
            std::fs::read(dir.join("wf.yml")).unwrap(),
            "not a compiled pol program",
        ),
        ("empty.polc", Vec::new(), "not a compiled pol program"),
    ];
    for (file, content, reason) in cases {
        std::fs::write(dir.join(file), content).unwrap();
        for args in [&["eval", "-b", file, "wf.yml"][..], &["disasm", "-b", file]] {
            let out = pol_in(&dir, args);
            assert_code(&out, 2);
            assert_no_panic(&out);
            let stderr = text(&out.stderr);
            assert!(
                stderr.starts_with(&format!("error: cannot load `{file}`: ")),
                "{file}: {stderr}"
            );
            assert!(stderr.contains(reason), "{file}: {stderr}");
            assert_eq!(text(&out.stdout), "", "{file}");
        }
    }
    let out = pol_in(&dir, &["eval", "-b", "version.polc", "wf.yml"]);
    assert!(
        text(&out.stderr).contains(&format!(
            "compiled with format version {}, but this pol reads version {}",
            bytes[8].wrapping_add(7),
            bytes[8]
        )),
        "{}",
        text(&out.stderr)
    );
    let out = pol_in(&dir, &["eval", "-b", "missing.polc", "wf.yml"]);
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: cannot read `missing.polc`: no such file or folder\n"
    );
}

#[test]
fn build_failures_exit_2() {
    let dir = scratch("build-fail", &[("bad.pol", "package p\nlet x = y\n")]);
    let out = pol_in(&dir, &["build", "-p", "bad.pol", "-o", "x.polc"]);
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("[E0100]"));
    assert!(!dir.join("x.polc").exists(), "nothing is written");

    let out = pol_in(
        &dir,
        &[
            "build",
            "-p",
            &repo_path("examples"),
            "-o",
            "no/such/dir/x.polc",
        ],
    );
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: cannot write `no/such/dir/x.polc`: no such file or folder\n"
    );

    let out = pol_in(&dir, &["build", "-p", &repo_path("examples"), "-o", "."]);
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: cannot write `.`: it is a folder\n"
    );
    let out = pol_in(&dir, &["eval", "-b", ".", "x.yml"]);
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: cannot read `.`: it is a folder\n"
    );

    let out = pol_in(&dir, &["build", "-p", &repo_path("examples")]);
    assert_code(&out, 2);
    assert!(text(&out.stderr).contains("--output"));
}

#[test]
fn disasm_lists_the_program_from_sources_or_from_a_polc() {
    let dir = built("build-disasm");
    let from_polc = pol_in(&dir, &["disasm", "-b", "all.polc"]);
    let from_source = pol_in(&dir, &["disasm", "-p", &repo_path("examples")]);
    assert_code(&from_polc, 0);
    assert_code(&from_source, 0);
    let listing = text(&from_polc.stdout);
    assert_eq!(listing, text(&from_source.stdout));
    assert!(listing.starts_with("; "), "{listing}");
    assert!(listing.contains(" rules, "), "{listing}");
    for header in [
        "\nlet ci.github.trusted_owners (chunk ",
        "\nfn ci.github.owner (chunk ",
        "\nrule ci.github.unpinned_action (chunk ",
        "\nrule k8s.workloads.privileged_container (chunk ",
    ] {
        assert!(listing.contains(header), "{header} in:\n{listing}");
    }
    assert!(listing.contains("load_const"), "instructions are listed");

    let one = pol_in(
        &dir,
        &["disasm", "-p", &repo_path("examples/terraform.pol")],
    );
    assert_code(&one, 0);
    assert!(!text(&one.stdout).contains("ci.github"));
}

#[test]
fn minus_o0_turns_the_optimizer_off_and_decides_the_same() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let examples = repo.join("examples");
    let inputs = repo.join("examples/inputs");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pol"))
            .args(args)
            .output()
            .expect("pol runs")
    };
    let optimized = run(&[
        "eval",
        "-p",
        examples.to_str().unwrap(),
        inputs.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let plain = run(&[
        "eval",
        "-O0",
        "-p",
        examples.to_str().unwrap(),
        inputs.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(optimized.status.code(), Some(1));
    assert_eq!(common::decided(&optimized), common::decided(&plain));
    let listing = |level: &str| {
        run(&[
            "disasm",
            level,
            "-p",
            examples.join("github_actions.pol").to_str().unwrap(),
        ])
        .stdout
    };
    assert_ne!(
        listing("-O0"),
        listing("-O1"),
        "the optimizer changes the code"
    );
    assert_eq!(
        run(&[
            "eval",
            "-O7",
            "-p",
            examples.to_str().unwrap(),
            inputs.to_str().unwrap()
        ])
        .status
        .code(),
        Some(2)
    );
}

/// `pol build --packs` writes the program embedded in the binary, byte for byte, and
/// `pol disasm --packs` lists it with the same digest.
#[test]
fn the_packs_build_to_the_embedded_program() {
    let dir = scratch("build-packs", &[]);
    let out = pol_in(&dir, &["build", "--packs", "-o", "packs.polc"]);
    assert_code(&out, 0);
    let built = std::fs::read(dir.join("packs.polc")).unwrap();
    let embedded = std::fs::read(repo_path("stdlib/packs/packs.polc")).unwrap();
    assert!(
        built == embedded,
        "pol build --packs differs from stdlib/packs/packs.polc"
    );
    let digest = text(&out.stderr);
    let listing = text(&pol_in(&dir, &["disasm", "--packs"]).stdout);
    let sha = digest
        .split("sha256 ")
        .nth(1)
        .unwrap()
        .trim_end_matches([')', '\n']);
    assert!(listing.ends_with(&format!("; sha256 {sha}\n")), "{sha}");
}

/// A compiled program given to `-p` is named as such, with the flag that takes it.
#[test]
fn a_polc_given_as_a_source_points_to_b() {
    let dir = scratch("build-polc-as-source", &[("p.pol", "package p\n")]);
    assert_code(&pol_in(&dir, &["build", "-p", "p.pol", "-o", "p.polc"]), 0);
    let out = pol_in(&dir, &["check", "p.polc"]);
    assert_no_panic(&out);
    let out = pol_in(&dir, &["eval", "-p", "p.polc", "p.pol"]);
    assert_code(&out, 2);
    assert_eq!(
        text(&out.stderr),
        "error: `p.polc` is a compiled program, not a `.pol` file: load it with `-b p.polc`\n"
    );
}
