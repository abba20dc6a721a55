//! Any bytes as a Terraform configuration (HCL native syntax, or Terraform's JSON
//! syntax when the text starts with `{` or `[`): a document or a load error with a
//! position, never a panic (deep nesting included); a document loaded is evaluated by
//! the shipped packs as the `terraform` kind, without a panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn packs() -> &'static pol::Policy {
    static PACKS: OnceLock<pol::Policy> = OnceLock::new();
    PACKS.get_or_init(|| pol::packs::policy().unwrap_or_else(|e| panic!("{e}")))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(docs) = pol::load(text, pol::Format::Hcl, Some("fuzz.tf")) else { return };
    for doc in &docs {
        let _ = packs().evaluator().evaluate_kind(doc, Some("terraform"));
    }
});
