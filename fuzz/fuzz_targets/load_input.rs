//! Any bytes as a JSON, YAML or TOML input: a document or a load error with a
//! position, never a panic (deep nesting and alias bombs included).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&format, rest)) = data.split_first() else { return };
    let format = match format % 3 {
        0 => pol::Format::Json,
        1 => pol::Format::Yaml,
        _ => pol::Format::Toml,
    };
    let _ = pol_facts_load(rest, format);
});

fn pol_facts_load(bytes: &[u8], format: pol::Format) -> Option<usize> {
    let text = std::str::from_utf8(bytes).ok()?;
    pol::load(text, format, Some("fuzz")).ok().map(|docs| docs.len())
}
