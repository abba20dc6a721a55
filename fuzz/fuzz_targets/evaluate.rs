//! Any JSON document evaluated by the example GitHub Actions policy: a decision, never
//! a panic; the `.polc` round trip decides the same, and so does the policy compiled at
//! `-O0` (no loop fusion, no optimizer passes): equal decisions, findings' order and
//! error positions included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn policy() -> &'static pol::Policy {
    static POLICY: OnceLock<pol::Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let src = include_str!("../../examples/github_actions.pol");
        pol::Policy::from_source("github_actions.pol", src).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn unoptimized() -> &'static pol::Policy {
    static POLICY: OnceLock<pol::Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let mut sources = pol::SourceMap::new();
        let file = sources.add(
            "github_actions.pol",
            include_str!("../../examples/github_actions.pol").to_owned(),
        );
        pol::compile_with(&mut sources, &[file], false)
            .unwrap_or_else(|e| panic!("{e}"))
            .policy
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(docs) = pol::load(text, pol::Format::Json, None) else { return };
    let policy = policy();
    let reloaded = pol::Policy::from_polc(&policy.to_polc()).unwrap_or_else(|e| panic!("{e}"));
    for doc in &docs {
        let decision = policy.evaluate(doc);
        assert_eq!(decision, reloaded.evaluate(doc));
        assert_eq!(decision, unoptimized().evaluate(doc));
    }
});
