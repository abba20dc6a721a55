//! Any bytes as a `.polc` program: rejected with an error or loaded and run, never a
//! panic, a hang or an out-of-bounds read. The first byte chooses: the bytes as a whole
//! file, or as the body of a file whose header and SHA-256 digest are made right (a
//! random change almost never survives the digest, so without it the fuzzer would only
//! ever test the digest check).
#![no_main]

use libfuzzer_sys::fuzz_target;

/// `body` in a `.polc` envelope: magic, version, length, body, SHA-256 of the rest.
fn envelope(body: &[u8]) -> Vec<u8> {
    let mut out = pol_bytecode::MAGIC.to_vec();
    out.extend_from_slice(&pol_bytecode::FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    let digest = pol_bytecode::Digest::of(&out);
    out.extend_from_slice(digest.as_bytes());
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let bytes = if mode % 2 == 0 { rest.to_vec() } else { envelope(rest) };
    if let Ok(policy) = pol::Policy::from_polc(&bytes)
        && let Ok(docs) = pol::load(r#"{"jobs": {"a": {"steps": [{"uses": "x/y@v1"}]}}}"#, pol::Format::Json, None)
    {
        let mut evaluator = policy.evaluator();
        evaluator.set_limits(pol::Limits {
            steps: 100_000,
            steps_per_node: 10,
            call_depth: 64,
            ..pol::Limits::default()
        });
        for doc in &docs {
            let _ = evaluator.evaluate(doc);
        }
    }
});
