//! Suppressing findings in `pol eval`: `--skip`/`--only`, `pol.toml`, `# pol: ignore`
//! comments and baselines, each counted in the summary by what suppressed it; errors
//! are never suppressed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

mod common;

use common::{assert_code, pol_in, scratch, text};

const WORKFLOW: &str = "\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      # pol: ignore[GHA001, P001]
      - uses: evil/action@v1
      - uses: other/action@v2
";

/// The text output's summary line (`1 document: ...`).
fn summary(out: &std::process::Output) -> String {
    let stdout = text(&out.stdout);
    stdout
        .lines()
        .find(|l| l.contains(" document") && l.contains(" denied, "))
        .unwrap_or("")
        .to_owned()
}

/// A policy of two rules: every action not pinned by SHA (P001), and no permissions
/// block (P002, a warning) — the pack's rules change, the mechanics tested here don't.
const POLICY: &str = r#"package own

/// Unpinned.
@id("P001")
@severity("high")
deny unpinned {
  for _, job in input.jobs
  for step in job.steps
  if type_of(step.uses) == "string" and not step.uses.contains("@0")
  message f"{step.uses} is not pinned" at step.uses
}

/// No permissions.
@id("P002")
warn no_permissions {
  if input.permissions == null
  message "no permissions block"
}
"#;

#[test]
fn comments_rules_config_and_baselines_suppress_and_say_so() {
    let dir = scratch(
        "suppression",
        &[
            (".github/workflows/ci.yml", WORKFLOW),
            ("vendor/ci.yml", WORKFLOW),
            ("own.pol", POLICY),
        ],
    );
    let eval = |extra: &[&str]| {
        let mut args = vec!["eval", "-p", "own.pol"];
        args.extend_from_slice(extra);
        pol_in(&dir, &args)
    };
    // A comment on the line above hides that finding only.
    let out = eval(&[".github"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("evil/action"), "{stdout}");
    assert!(stdout.contains("other/action@v2"), "{stdout}");
    assert!(
        summary(&out).contains("; 1 finding suppressed (1 by comments)"),
        "{stdout}"
    );

    // --skip and --only, by id or name; a rule skipped counts before a comment.
    let out = eval(&["--skip", "P001,no_permissions", ".github"]);
    assert_code(&out, 0);
    assert!(
        summary(&out).contains("4 findings suppressed (4 by rule selection)"),
        "{}",
        summary(&out)
    );
    let out = eval(&["--only", "P002", ".github"]);
    assert!(!text(&out.stdout).contains("P001"), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("P002"), "{}", text(&out.stdout));

    // pol.toml: excluded paths, severities; it is not an input itself.
    std::fs::write(
        dir.join("pol.toml"),
        "[paths]\nexclude = [\"vendor/**\"]\n[severity]\nP002 = \"info\"\n",
    )
    .unwrap();
    let out = eval(&["."]);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("vendor/"), "{stdout}");
    assert!(
        stdout.contains("info      own.no_permissions (P002)"),
        "{stdout}"
    );
    assert!(summary(&out).starts_with("1 document:"), "{stdout}");
    assert!(
        summary(&out).contains("; 1 file excluded by pol.toml"),
        "{stdout}"
    );

    // A baseline: written, then only new findings fail.
    let out = eval(&["--write-baseline", "base.json", "."]);
    assert_code(&out, 0);
    let out = eval(&["--baseline", "base.json", "."]);
    assert_code(&out, 0);
    assert!(
        summary(&out).contains("3 by the baseline"),
        "{}",
        summary(&out)
    );
    let grown = format!("{WORKFLOW}      - uses: third/action@v3\n");
    std::fs::write(dir.join(".github/workflows/ci.yml"), grown).unwrap();
    let out = eval(&["--baseline", "base.json", "."]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("third/action@v3"), "{stdout}");
    assert!(
        !stdout.contains("other/action@v2"),
        "the known finding moved a line: {stdout}"
    );

    // A pol.toml with a typo is an error, not silently ignored.
    std::fs::write(dir.join("pol.toml"), "[rule]\nskip = [\"P001\"]\n").unwrap();
    let out = eval(&["."]);
    assert_code(&out, 2);
    assert!(
        text(&out.stderr).contains("unknown table `[rule]`"),
        "{}",
        text(&out.stderr)
    );
}

/// Runtime errors are not findings: nothing suppresses them.
#[test]
fn errors_are_never_suppressed() {
    let dir = scratch(
        "suppression-errors",
        &[
            (
                "p.pol",
                "package p\n\n@id(\"P1\")\ndeny d { if to_int(input.x) > 0 message \"big\" }\n",
            ),
            ("in.yaml", "x: abc  # pol: ignore\n"),
        ],
    );
    let out = pol_in(&dir, &["eval", "-p", "p.pol", "--skip", "P1", "in.yaml"]);
    assert_code(&out, 1);
    assert!(summary(&out).contains("1 error"), "{}", text(&out.stdout));
}

/// Pack options in `pol.toml`: `trusted_owners` of the github pack; an unknown option or
/// a value of the wrong kind is an error before anything runs.
#[test]
fn pack_options_come_from_pol_toml() {
    let dir = scratch("pack-options", &[(".github/workflows/ci.yml", WORKFLOW)]);
    let out = pol_in(&dir, &["eval", "--only", "GHA001", "."]);
    assert!(
        text(&out.stdout).contains("actions/checkout@v4"),
        "trusted by default: {}",
        text(&out.stdout)
    );
    std::fs::write(
        dir.join("pol.toml"),
        "[packs.github]\ntrusted_owners = [\"actions\"]\n",
    )
    .unwrap();
    let out = pol_in(&dir, &["eval", "--only", "GHA001", "."]);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("actions/checkout@v4"), "{stdout}");
    assert!(stdout.contains("other/action@v2"), "{stdout}");
    for (toml, message) in [
        (
            "[packs.github]\ntrusted = [\"actions\"]\n",
            "no option `pack.github.trusted`",
        ),
        (
            "[packs.github]\ntrusted_owners = \"actions\"\n",
            "takes a list of strings",
        ),
    ] {
        std::fs::write(dir.join("pol.toml"), toml).unwrap();
        let out = pol_in(&dir, &["eval", "."]);
        assert_code(&out, 2);
        assert!(text(&out.stderr).contains(message), "{}", text(&out.stderr));
    }
}

/// `--level` (and `[rules] level` in pol.toml) runs the pedantic and auditor rules of
/// the packs; by default they do not run, and the summary says so.
#[test]
fn levels_choose_which_pack_rules_run() {
    // No `name:` on the workflow and its job: GHA036, a pedantic rule.
    let workflow = "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n";
    let dir = scratch("levels", &[(".github/workflows/ci.yml", workflow)]);
    let out = pol_in(&dir, &["eval", "."]);
    assert_code(&out, 0);
    assert!(
        !text(&out.stdout).contains("GHA036"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        summary(&out).contains("above the regular level not run (`--level pedantic` runs more)"),
        "{}",
        summary(&out)
    );
    let out = pol_in(&dir, &["eval", "--level", "pedantic", "."]);
    assert!(
        text(&out.stdout).contains("(GHA036)"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        summary(&out).contains("above the pedantic level not run"),
        "{}",
        summary(&out)
    );
    let out = pol_in(&dir, &["eval", "--level", "auditor", "."]);
    assert!(
        !summary(&out).contains("level not run"),
        "{}",
        summary(&out)
    );
    // Only the rules of the kinds evaluated count: those of workflows here, not the
    // other packs' pedantic rules.
    let rules_page = std::fs::read_to_string(common::repo().join("docs/rules.md")).unwrap();
    let expected = rules_page
        .lines()
        .filter(|l| l.starts_with("`pack.") && l.contains(" on `github-workflow` documents; tags:"))
        .filter(|l| {
            !l.contains("level:regular")
                && (l.contains("level:pedantic") || l.contains("level:auditor"))
        })
        .count();
    assert!(expected > 0);
    let out = pol_in(&dir, &["eval", "."]);
    assert!(
        summary(&out).contains(&format!(
            "; {expected} rules above the regular level not run"
        )),
        "{expected}: {}",
        summary(&out)
    );

    std::fs::write(dir.join("pol.toml"), "[rules]\nlevel = \"pedantic\"\n").unwrap();
    let out = pol_in(&dir, &["eval", "."]);
    assert!(
        text(&out.stdout).contains("(GHA036)"),
        "{}",
        text(&out.stdout)
    );
    // The flag wins over pol.toml.
    let out = pol_in(&dir, &["eval", "--level", "regular", "."]);
    assert!(
        !text(&out.stdout).contains("GHA036"),
        "{}",
        text(&out.stdout)
    );

    std::fs::write(dir.join("pol.toml"), "[rules]\nlevel = \"paranoid\"\n").unwrap();
    let out = pol_in(&dir, &["eval", "."]);
    assert_code(&out, 2);
    assert!(
        text(&out.stderr)
            .contains("`rules.level` must be \"regular\", \"pedantic\" or \"auditor\""),
        "{}",
        text(&out.stderr)
    );
}
