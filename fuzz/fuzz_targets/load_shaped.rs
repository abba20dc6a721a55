//! Any bytes as JSON, YAML or TOML input, loaded for a policy (selective loading) and in
//! full: the same load error, or documents on which the policy decides the same, with
//! no read of a skipped value. One of three policies: the GitHub Actions, Kubernetes and
//! Terraform examples, which read different parts of a document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn policies() -> &'static [pol::Policy] {
    static POLICIES: OnceLock<Vec<pol::Policy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        [
            ("github_actions.pol", include_str!("../../examples/github_actions.pol")),
            ("kubernetes.pol", include_str!("../../examples/kubernetes.pol")),
            ("terraform.pol", include_str!("../../examples/terraform.pol")),
        ]
        .into_iter()
        .map(|(name, src)| pol::Policy::from_source(name, src).unwrap_or_else(|e| panic!("{e}")))
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let format = match selector % 3 {
        0 => pol::Format::Json,
        1 => pol::Format::Yaml,
        _ => pol::Format::Toml,
    };
    let policies = policies();
    let Some(policy) = policies.get(usize::from(selector / 3) % policies.len()) else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    match (pol::load(text, format, Some("fuzz")), policy.load(text, format, Some("fuzz"))) {
        (Ok(whole), Ok(shaped)) => {
            assert_eq!(whole.len(), shaped.len());
            for (w, s) in whole.iter().zip(&shaped) {
                assert_eq!(policy.evaluate(w), policy.evaluate(s));
                assert!(!s.read_skipped(), "a rule read a skipped value");
            }
        }
        (Err(w), Err(s)) => assert_eq!(w, s),
        (w, s) => panic!("whole: {w:?}\nshaped: {s:?}"),
    }
});
