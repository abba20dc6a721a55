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

#[test]
fn every_pack_rule_url_is_its_section_of_the_rules_page() {
    let docs = crate::packs::rule_docs().expect("the packs compile");
    assert!(!docs.is_empty());
    for d in &docs {
        assert_eq!(d.url, crate::packs::rule_url(&d.id), "{}", d.name);
    }
}
