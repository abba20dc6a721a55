//! Unit tests of the rendering layer: escaping, URIs, the tally.

use super::ci::{escape_data, escape_property};
use super::sarif::artifact_uri;
use super::*;

#[test]
fn workflow_commands_escape_as_github_says() {
    assert_eq!(
        escape_data("50% done\r\nnext: a, b"),
        "50%25 done%0D%0Anext: a, b"
    );
    assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
}

#[test]
fn artifact_uris_are_relative_slash_separated_and_encoded() {
    assert_eq!(artifact_uri("ci/a b.yml", None), "ci/a%20b.yml");
    assert_eq!(artifact_uri("/w/repo/x/y.yml", Some("/w/repo")), "x/y.yml");
    assert_eq!(artifact_uri("/w/repo/x/y.yml", Some("/w/repo/")), "x/y.yml");
    assert_eq!(
        artifact_uri("/elsewhere/y.yml", Some("/w/repo")),
        "/elsewhere/y.yml"
    );
    assert_eq!(artifact_uri("x\\y.yml", None), "x/y.yml");
    assert_eq!(artifact_uri("é#?.yml", None), "%C3%A9%23%3F.yml");
}

#[test]
fn severities_rank_and_fail_on_decides() {
    assert!(severity_rank("critical") > severity_rank("high"));
    assert!(severity_rank("low") > severity_rank("info"));
    let mut t = Tally::default();
    assert!(!t.failed(FailOn::Warning));
    t.warnings = 1;
    assert!(!t.failed(FailOn::Violation));
    assert!(t.failed(FailOn::Warning));
    t.denied = 1;
    assert!(t.failed(FailOn::Violation));
    assert!(!t.failed(FailOn::Never));
    t.runtime_errors = 1;
    assert!(t.failed(FailOn::Never), "runtime errors always fail");
}

/// The text format's lines on a stream's second document: `file:line:col` first, the
/// document at the end; a value without a position gives the file alone and its path.
#[test]
fn text_lines_begin_with_file_line_col() {
    let finding = |line: Option<u32>| Finding {
        rule: "p.r".into(),
        id: None,
        severity: "high".into(),
        message: "m".to_owned(),
        path: "jobs.a".to_owned(),
        location: line.map(|line| crate::InputLocation {
            file: None,
            line,
            column: 3,
        }),
        policy: Default::default(),
    };
    let mut decision = Decision::new();
    decision.violations.push(finding(Some(12)));
    decision.violations.push(finding(None));
    decision.finish();
    let mut report = InputReport::decided("k8s.yaml", vec![Decision::new(), decision], None);
    for e in &mut report.decisions {
        e.documents = 2;
    }
    let mut out = Vec::new();
    let mut renderer =
        Renderer::new(Format::Text, RunInfo::new(Rules::default()), &mut out).unwrap();
    renderer.input(&report).unwrap();
    renderer.finish(&RunEnd::default()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().take(2).collect();
    assert_eq!(
        lines,
        [
            "k8s.yaml:12:3  deny  high      p.r  m (document 1)",
            "k8s.yaml       deny  high      p.r  m (at jobs.a, document 1)",
        ]
    );
}
