//! Any JSON document evaluated by the example GitHub Actions policy: a decision, never
//! a panic; and the `.polc` round trip decides the same.
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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(docs) = pol::load(text, pol::Format::Json, None) else { return };
    let policy = policy();
    let reloaded = pol::Policy::from_polc(&policy.to_polc()).unwrap_or_else(|e| panic!("{e}"));
    for doc in &docs {
        assert_eq!(policy.evaluate(doc), reloaded.evaluate(doc));
    }
});
