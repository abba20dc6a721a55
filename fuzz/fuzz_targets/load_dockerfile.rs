//! Any text as a Dockerfile: a document whose every node has a position inside the
//! text, or a load error at a line and column of it; never a panic (continuations,
//! heredocs, quotes, JSON forms, `ONBUILD` and directives cut anywhere included).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = u32::try_from(text.lines().count() + 1).unwrap_or(u32::MAX);
    match pol::load(text, pol::Format::Dockerfile, Some("Dockerfile")) {
        Ok(docs) => {
            for doc in &docs {
                let _ = doc.to_json(doc.root());
                for i in 0..doc.len() {
                    if let Some(p) = doc.position(pol::NodeId(i as u32)) {
                        assert!(p.line >= 1 && p.line <= lines, "node {i} at line {}", p.line);
                    }
                }
            }
        }
        Err(e) => assert!(e.line >= 1 && e.line <= lines, "error at line {}", e.line),
    }
});
