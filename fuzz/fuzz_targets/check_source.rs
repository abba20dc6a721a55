//! Any text as a policy: lexing, parsing, checking and (when it checks) compiling must
//! return diagnostics or a program, never panic or overflow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = pol::SourceMap::new();
    let file = sources.add("fuzz.pol", text);
    let _ = pol::compile(&mut sources, &[file]);
});
