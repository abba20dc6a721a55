//! Generates the parser from the top-level `grammar/pol.lalrpop` into `OUT_DIR`.

fn main() {
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("OUT_DIR is not set: run this through cargo");
        std::process::exit(1);
    };
    let result = lalrpop::Configuration::new()
        .set_in_dir("../../grammar")
        .set_out_dir(out_dir)
        .emit_rerun_directives(true)
        .process();
    if let Err(error) = result {
        eprintln!("lalrpop failed: {error}");
        std::process::exit(1);
    }
}
