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
      # pol: ignore[GHA001]
      - uses: evil/action@v1
      - uses: other/action@v2
";

fn summary(out: &std::process::Output) -> String {
    text(&out.stdout).lines().last().unwrap_or("").to_owned()
}

#[test]
fn comments_rules_config_and_baselines_suppress_and_say_so() {
    let dir = scratch(
        "suppression",
        &[
            (".github/workflows/ci.yml", WORKFLOW),
            ("vendor/ci.yml", WORKFLOW),
        ],
    );
    // A comment on the line above hides that finding only.
    let out = pol_in(&dir, &["eval", ".github"]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("evil/action"), "{stdout}");
    assert!(stdout.contains("other/action@v2"), "{stdout}");
    assert!(
        summary(&out).contains("; 1 finding suppressed (1 by comments)"),
        "{stdout}"
    );

    // --skip and --only, by id or name.
    let out = pol_in(
        &dir,
        &["eval", "--skip", "GHA001,missing_permissions", ".github"],
    );
    assert_code(&out, 0);
    assert!(
        summary(&out).contains("3 findings suppressed (3 by rule selection)"),
        "{}",
        summary(&out)
    );
    let out = pol_in(&dir, &["eval", "--only", "GHA004", ".github"]);
    assert!(
        !text(&out.stdout).contains("GHA001"),
        "{}",
        text(&out.stdout)
    );

    // pol.toml: excluded paths, severities, skipped rules; it is not an input itself.
    std::fs::write(
        dir.join("pol.toml"),
        "[paths]\nexclude = [\"vendor/**\"]\n[severity]\nGHA004 = \"info\"\n",
    )
    .unwrap();
    let out = pol_in(&dir, &["eval", "."]);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("vendor/"), "{stdout}");
    assert!(
        stdout.contains("info      pack.github.missing_permissions"),
        "{stdout}"
    );
    assert!(summary(&out).starts_with("1 document:"), "{stdout}");
    assert!(
        summary(&out).contains("; 1 file excluded by pol.toml"),
        "{stdout}"
    );

    // A baseline: written, then only new findings fail.
    let out = pol_in(&dir, &["eval", "--write-baseline", "base.json", "."]);
    assert_code(&out, 0);
    let out = pol_in(&dir, &["eval", "--baseline", "base.json", "."]);
    assert_code(&out, 0);
    assert!(
        summary(&out).contains("2 by the baseline"),
        "{}",
        summary(&out)
    );
    let grown = format!("{WORKFLOW}      - uses: third/action@v3\n");
    std::fs::write(dir.join(".github/workflows/ci.yml"), grown).unwrap();
    let out = pol_in(&dir, &["eval", "--baseline", "base.json", "."]);
    assert_code(&out, 1);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("third/action@v3"), "{stdout}");
    assert!(
        !stdout.contains("other/action@v2"),
        "the known finding moved a line: {stdout}"
    );

    // A pol.toml with a typo is an error, not silently ignored.
    std::fs::write(dir.join("pol.toml"), "[rule]\nskip = [\"GHA001\"]\n").unwrap();
    let out = pol_in(&dir, &["eval", "."]);
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
