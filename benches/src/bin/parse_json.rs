//! The floor for `benches/output/compare.sh`: reads every file of the folders given and
//! parses each into a `serde_json::Value`, as a program that only parses would; prints
//! how many files and bytes.

use std::path::Path;

fn main() -> std::process::ExitCode {
    let mut files = 0usize;
    let mut bytes = 0usize;
    let mut nodes = 0usize;
    for dir in std::env::args().skip(1) {
        let Ok(entries) = std::fs::read_dir(Path::new(&dir)) else {
            eprintln!("error: cannot read `{dir}`");
            return std::process::ExitCode::from(2);
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(value) => nodes += usize::from(value.is_object()),
                Err(e) => {
                    eprintln!("error: {}: {e}", path.display());
                    return std::process::ExitCode::from(2);
                }
            }
            files += 1;
            bytes += text.len();
        }
    }
    println!("{files} files, {bytes} bytes, {nodes} objects parsed");
    std::process::ExitCode::SUCCESS
}
