//! Golden disassembly: the bytecode of a few programs, pinned by snapshots in
//! `tests/disasm/snapshots/`.

#![allow(clippy::unwrap_used, reason = "test code")]

use std::path::Path;

#[test]
fn disassembly_matches_the_golden_listings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/disasm");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pol"))
        .collect();
    files.sort();
    assert!(files.len() >= 3);
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut sources = pol::SourceMap::new();
        let file = sources.add(
            format!("{name}.pol"),
            std::fs::read_to_string(&path).unwrap(),
        );
        let compiled = pol::compile(&mut sources, &[file]).unwrap();
        insta::with_settings!({
            snapshot_path => dir.join("snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, compiled.policy.disassemble());
        });
    }
}
