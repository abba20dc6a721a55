//! Writes the documents of the benchmark sets as JSON files, one per document, so that
//! `pol bench` (or a profiler) can run on exactly what the peers benchmark measures.
//!
//! Usage: `CARGO_TARGET_DIR=../../target/peers cargo run --release --bin inputs -- DIR`
//! writes `DIR/<set>/<document>.json` for each set of `$PEERS_SETS` (all by default).

use std::path::PathBuf;
use std::process::ExitCode;

use pol_peers::bench_sets;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: inputs DIR");
        return ExitCode::from(2);
    };
    match write_sets(&dir) {
        Ok(count) => {
            println!("wrote {count} documents under {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("inputs: {message}");
            ExitCode::FAILURE
        }
    }
}

fn write_sets(dir: &std::path::Path) -> Result<usize, String> {
    let mut count = 0;
    for (set, inputs) in bench_sets()? {
        let folder = dir.join(&set);
        std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        for input in inputs {
            // `name#1`: the second YAML document of a file.
            let file = folder.join(format!("{}.json", input.name.replace('#', "-")));
            std::fs::write(&file, &input.json).map_err(|e| format!("{}: {e}", file.display()))?;
            count += 1;
        }
    }
    Ok(count)
}
