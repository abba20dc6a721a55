//! The rule packs shipped with pol (`stdlib/packs/`): ordinary pol, one package a pack,
//! each rule with a doc comment, an `@id`, a `@severity` and an `@url` into
//! `docs/rules.md`. Their compiled program is embedded, so that running them costs no
//! compilation ([`policy`]); their sources are embedded too, for tools that read the
//! rules' documentation ([`compile`]) and for compiling them with other policies.
//!
//! `stdlib/packs/packs.polc` is what `pol build` writes for the pack sources; a test
//! (`crates/pol/tests/packs.rs`) keeps it equal, byte for byte, to compiling them, and
//! rewrites it with `POL_UPDATE_PACKS=1`.

use crate::{CompileError, Compiled, FileId, Policy, SourceMap};

/// A source file of a pack.
#[derive(Debug, Clone, Copy)]
pub struct PackFile {
    /// The pack (`github`, `kubernetes`, ...).
    pub pack: &'static str,
    /// The file's path in the repository, which its diagnostics and findings name.
    pub path: &'static str,
    /// The text.
    pub source: &'static str,
}

/// Every file of every pack, in the order they are compiled.
pub const FILES: &[PackFile] = &[
    PackFile {
        pack: "github",
        path: "stdlib/packs/github/github.pol",
        source: include_str!("../../../stdlib/packs/github/github.pol"),
    },
    PackFile {
        pack: "kubernetes",
        path: "stdlib/packs/kubernetes/kubernetes.pol",
        source: include_str!("../../../stdlib/packs/kubernetes/kubernetes.pol"),
    },
    PackFile {
        pack: "terraform",
        path: "stdlib/packs/terraform/terraform.pol",
        source: include_str!("../../../stdlib/packs/terraform/terraform.pol"),
    },
    PackFile {
        pack: "gitlab",
        path: "stdlib/packs/gitlab/gitlab.pol",
        source: include_str!("../../../stdlib/packs/gitlab/gitlab.pol"),
    },
];

/// The packs compiled into one program (`pol build -p stdlib/packs -o …`).
pub const COMPILED: &[u8] = include_bytes!("../../../stdlib/packs/packs.polc");

/// The packs, ready to evaluate: the embedded program, loaded without compiling.
pub fn policy() -> Result<Policy, pol_vm::LoadError> {
    Policy::from_polc(COMPILED)
}

/// Adds the pack sources to `sources`, for compiling them alone or with other
/// policies; returns their file ids.
pub fn add_sources(sources: &mut SourceMap) -> Vec<FileId> {
    FILES
        .iter()
        .map(|f| sources.add(f.path, f.source.to_owned()))
        .collect()
}

/// Compiles the pack sources (for the rules' documentation, and to check that the
/// embedded program is theirs).
pub fn compile(sources: &mut SourceMap) -> Result<Compiled, CompileError> {
    let files = add_sources(sources);
    crate::compile(sources, &files)
}
