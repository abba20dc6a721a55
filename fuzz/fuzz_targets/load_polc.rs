//! Any bytes as a `.polc` program: rejected with an error or loaded and run, never a
//! panic, a hang or an out-of-bounds read.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(policy) = pol::Policy::from_polc(data)
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
