//! The shipped packs (`stdlib/packs/`): the embedded program is what compiling their
//! sources gives, byte for byte (`POL_UPDATE_PACKS=1 cargo test -p pol --test packs`
//! rewrites it), and every rule carries what `docs/rules.md` and `pol rules` need.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol::SourceMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_embedded_program_is_the_compiled_pack_sources() {
    let mut sources = SourceMap::new();
    let compiled = pol::packs::compile(&mut sources).unwrap_or_else(|e| panic!("{e}"));
    let bytes = compiled.policy.to_polc();
    if std::env::var_os("POL_UPDATE_PACKS").is_some() {
        std::fs::write(repo().join("stdlib/packs/packs.polc"), &bytes).unwrap();
        return;
    }
    assert!(
        bytes == pol::packs::COMPILED,
        "stdlib/packs/packs.polc is not the compiled pack sources; \
         run `POL_UPDATE_PACKS=1 cargo test -p pol --test packs`"
    );
    assert!(compiled.warnings.is_empty(), "{:?}", compiled.warnings);
    // Loaded as built in, its digest and validity are not checked at start-up: they
    // are here, by the loader of `.polc` files from outside.
    let loaded = pol::packs::policy().unwrap();
    let checked = pol::Policy::from_polc(pol::packs::COMPILED).unwrap();
    assert_eq!(
        loaded.program().digest(),
        compiled.policy.program().digest()
    );
    assert_eq!(loaded.program().digest(), checked.program().digest());
}

#[test]
fn every_pack_file_is_embedded() {
    let mut on_disk: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(repo().join("stdlib/packs")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "pol") {
                on_disk.push(path.strip_prefix(repo()).unwrap().display().to_string());
            }
        }
    }
    on_disk.sort();
    let mut embedded: Vec<String> = pol::packs::FILES
        .iter()
        .map(|f| f.path.to_owned())
        .collect();
    embedded.sort();
    assert_eq!(on_disk, embedded);
    for f in pol::packs::FILES {
        let text = std::fs::read_to_string(repo().join(f.path)).unwrap();
        assert!(text == f.source, "{} is stale in the build", f.path);
    }
}

/// Every rule of a pack has an id, a severity, a doc comment, a kind, and an `@url`
/// into `docs/rules.md` at its id; ids are unique.
#[test]
fn every_pack_rule_is_documented() {
    let mut sources = SourceMap::new();
    let compiled = pol::packs::compile(&mut sources).unwrap();
    let mut ids = Vec::new();
    for rule in &compiled.hir.rules {
        let name = &rule.info.qualified;
        let id = rule
            .id
            .clone()
            .unwrap_or_else(|| panic!("{name} has no @id"));
        assert!(
            rule.info
                .docs
                .as_ref()
                .is_some_and(|d| !d.trim().is_empty()),
            "{name}: no doc comment"
        );
        let url = rule
            .url
            .clone()
            .unwrap_or_else(|| panic!("{name} has no @url"));
        assert_eq!(
            url,
            format!(
                "https://github.com/pol-lang/pol/blob/main/docs/rules.md#{}",
                id.to_lowercase()
            ),
            "{name}"
        );
        let package = compiled.hir.package(rule.info.package).unwrap();
        assert!(
            package.input_kinds.is_some(),
            "{name}: its package's input has no kind"
        );
        assert!(!ids.contains(&id), "{id} twice");
        ids.push(id);
    }
    assert!(ids.len() >= 20, "only {} rules", ids.len());
}

/// `docs/rules.md` is generated from the packs (`pol rules --markdown`);
/// `POL_UPDATE_RULES=1 cargo test -p pol --test packs` rewrites it.
#[test]
fn docs_rules_md_is_generated_from_the_packs() {
    let docs = pol::packs::rule_docs().unwrap();
    let mut expected = pol::packs::rules_markdown(&docs);
    expected.push('\n');
    let path = repo().join("docs/rules.md");
    if std::env::var_os("POL_UPDATE_RULES").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        text == expected,
        "docs/rules.md is not what the packs generate; run \
         `POL_UPDATE_RULES=1 cargo test -p pol --test packs`"
    );
    // Every rule has its section, which its @url names, and an example of each way.
    for d in &docs {
        assert!(text.contains(&format!("\n### {}\n", d.id)), "{}", d.id);
        assert!(
            d.examples.iter().any(|(fires, _)| *fires),
            "{}: no firing test",
            d.id
        );
        assert!(
            d.examples.iter().any(|(fires, _)| !*fires),
            "{}: no passing test",
            d.id
        );
    }
}

/// Output formats name a pack rule's help by its `@url`, which is its section of the
/// rules page (so that they need not compile the pack sources to find it).
#[test]
fn every_pack_rule_url_is_its_section_of_the_rules_page() {
    let docs = pol::packs::rule_docs().expect("the packs compile");
    assert!(!docs.is_empty());
    for d in &docs {
        assert_eq!(d.url, pol::packs::rule_url(&d.id), "{}", d.name);
    }
}
