//! The rule packs shipped with pol (`stdlib/packs/`): ordinary pol, one package a pack,
//! each rule with a doc comment, an `@id`, a `@severity` and an `@url` into
//! `docs/rules.md`. Their compiled program is embedded, so that running them costs no
//! compilation ([`policy`]); their sources are embedded too, for tools that read the
//! rules' documentation ([`compile`]) and for compiling them with other policies.
//!
//! `stdlib/packs/packs.polc` is what `pol build` writes for the pack sources; a test
//! (`crates/pol/tests/packs.rs`) keeps it equal, byte for byte, to compiling them, and
//! rewrites it with `POL_UPDATE_PACKS=1`.

use crate::Policy;

#[cfg(feature = "compiler")]
mod docs;
#[cfg(feature = "compiler")]
pub use docs::{RuleDoc, add_sources, compile, rule_docs, rules_markdown};

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

/// A pack file: its pack and its path under `stdlib/packs/`, its text embedded.
macro_rules! pack_file {
    ($pack:literal, $path:literal) => {
        PackFile {
            pack: $pack,
            path: concat!("stdlib/packs/", $path),
            source: include_str!(concat!("../../../../stdlib/packs/", $path)),
        }
    };
}

/// Every file of every pack, in the order they are compiled.
pub const FILES: &[PackFile] = &[
    pack_file!("github", "github/github.pol"),
    pack_file!("github", "github/expressions.pol"),
    pack_file!("github", "github/expr_parse.pol"),
    pack_file!("github", "github/expressions_tests.pol"),
    pack_file!("github", "github/jobs.pol"),
    pack_file!("github", "github/jobs_tests.pol"),
    pack_file!("github", "github/documented.pol"),
    pack_file!("github", "github/supply.pol"),
    pack_file!("github", "github/supply_tests.pol"),
    pack_file!("github", "github/forbidden.pol"),
    pack_file!("github", "github/action.pol"),
    pack_file!("github", "github/action_expr.pol"),
    pack_file!("dependabot", "dependabot/dependabot.pol"),
    pack_file!("kubernetes", "kubernetes/kubernetes.pol"),
    pack_file!("kubernetes", "kubernetes/pss.pol"),
    pack_file!("kubernetes", "kubernetes/workloads.pol"),
    pack_file!("kubernetes", "kubernetes/rbac.pol"),
    pack_file!("terraform", "terraform/terraform.pol"),
    pack_file!("terraform", "terraform/network.pol"),
    pack_file!("terraform", "terraform/storage.pol"),
    pack_file!("terraform", "terraform/iam.pol"),
    pack_file!("terraform", "terraform/logging.pol"),
    pack_file!("gitlab", "gitlab/gitlab.pol"),
    pack_file!("gitlab", "gitlab/includes.pol"),
    pack_file!("gitlab", "gitlab/jobs.pol"),
    pack_file!("gitlab", "gitlab/secrets.pol"),
    pack_file!("docker", "docker/docker.pol"),
    pack_file!("docker", "docker/packages.pol"),
];

/// Where the shipped packs' rules are documented: `docs/rules.md` in pol's repository.
pub const RULES_URL: &str = "https://github.com/pol-lang/pol/blob/main/docs/rules.md";

/// The `@url` of the pack rule `id`: its section of [`RULES_URL`] (a test keeps every
/// pack rule's `@url` equal to it, so that output can name it without compiling the
/// pack sources).
pub fn rule_url(id: &str) -> String {
    format!("{RULES_URL}#{}", id.to_lowercase())
}

/// The packs compiled into one program (what `pol build --packs -o FILE` writes).
pub const COMPILED: &[u8] = include_bytes!("../../../../stdlib/packs/packs.polc");

/// The packs, ready to evaluate: the embedded program, loaded without compiling, and
/// as a program built into the binary (`LoadedProgram::from_built_in`): a test keeps
/// [`COMPILED`] equal to the compiled pack sources, so its digest and validity are not
/// checked again at every start.
pub fn policy() -> Result<Policy, pol_vm::ProgramLoadError> {
    pol_vm::LoadedProgram::from_built_in(COMPILED).map(Policy::from_program)
}

pub(crate) use pol_core::render::first_sentence;
