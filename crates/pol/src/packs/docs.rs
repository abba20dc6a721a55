//! The packs' sources compiled for their rules' documentation (`pol rules`,
//! `docs/rules.md`), and for compiling them with other policies (the `compiler`
//! feature).

use super::{FILES, first_sentence};
use crate::{CompileError, Compiled, FileId, SourceMap};

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

/// What `pol rules` and `docs/rules.md` say of a pack rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDoc {
    /// The pack (`github`).
    pub pack: String,
    /// `@id` (`GHA001`).
    pub id: String,
    /// The rule's qualified name (`pack.github.unpinned_action`).
    pub name: String,
    /// `deny` or `warn`.
    pub kind: &'static str,
    /// `@severity`.
    pub severity: &'static str,
    /// The kinds of document it runs on.
    pub doc_kinds: Vec<String>,
    /// `@tags`.
    pub tags: Vec<String>,
    /// `@url`: its section of `docs/rules.md`.
    pub url: String,
    /// The doc comment: what it finds, why it matters, how to fix it.
    pub docs: String,
    /// The test blocks about the rule, as written: `(fires, source)`.
    pub examples: Vec<(bool, String)>,
}

impl RuleDoc {
    /// The first sentence of the docs, on one line, for lists.
    pub fn summary(&self) -> String {
        first_sentence(&self.docs)
    }
}

/// The documentation of every pack rule, in pack and id order.
pub fn rule_docs() -> Result<Vec<RuleDoc>, CompileError> {
    let mut sources = SourceMap::new();
    let compiled = compile(&mut sources)?;
    let hir = &compiled.hir;
    let mut docs = Vec::new();
    for (index, rule) in hir.rules.iter().enumerate() {
        let package = hir.package(rule.info.package);
        let pack = package
            .map(|p| p.name.trim_start_matches("pack.").to_owned())
            .unwrap_or_default();
        let examples = hir
            .tests
            .iter()
            .filter(|t| t.package == rule.info.package)
            .filter_map(|t| {
                let about: Vec<&crate::hir::Expect> = t
                    .expects
                    .iter()
                    .filter(|e| {
                        matches!(e.target, crate::hir::ExpectTarget::Rule(id) if id.index() == index)
                    })
                    .collect();
                if about.is_empty() {
                    return None;
                }
                let fires = about.iter().any(|e| !e.negated && e.count != Some(0));
                Some((fires, sources.slice(t.span).to_owned()))
            })
            .collect();
        docs.push(RuleDoc {
            pack,
            id: rule.id.clone().unwrap_or_default(),
            name: rule.info.qualified.clone(),
            kind: match rule.kind {
                crate::hir::RuleKind::Deny => "deny",
                crate::hir::RuleKind::Warn => "warn",
            },
            severity: rule.severity.as_str(),
            doc_kinds: package
                .and_then(|p| p.input_kinds.clone())
                .unwrap_or_default(),
            tags: rule.tags.clone(),
            url: rule.url.clone().unwrap_or_default(),
            docs: rule.info.docs.clone().unwrap_or_default(),
            examples,
        });
    }
    docs.sort_by(|a, b| (pack_order(&a.pack), &a.id).cmp(&(pack_order(&b.pack), &b.id)));
    Ok(docs)
}

fn pack_order(pack: &str) -> usize {
    FILES
        .iter()
        .position(|f| f.pack == pack)
        .unwrap_or(usize::MAX)
}

/// The end of `docs/rules.md`: the zizmor audits that have no pol rule, and why.
const NOT_PORTED: &str = "
## zizmor audits without a pol rule

Every audit that zizmor 1.33.1 runs offline, in its default and auditor personas, on
workflows and action metadata has a rule above with the same intent (`zizmor:` tags name
it), except these (docs/gha-audits.md has the details and the examples):

- `insecure-url-scheme` (regular): `http://` and `git://` repositories in
  `.pre-commit-config.yaml`. It audits pre-commit configuration only, which is not a
  GitHub Actions or Dependabot input: out of scope for the `github` pack.
- `forbidden-uses` on composite-action steps: GHA041 checks workflows only; composite
  steps are not checked yet.
- The online audits — `impostor-commit`, `known-vulnerable-actions`, `ref-confusion`,
  `ref-version-mismatch`, `stale-action-refs` — need the GitHub API or git remotes. pol
  evaluates files without network access, like zizmor `--offline`, which skips them too.
";

/// `docs/rules.md`: every pack rule, with what it finds, why, how to fix it, and its
/// tests as examples. A test keeps the file equal to this.
pub fn rules_markdown(docs: &[RuleDoc]) -> String {
    let mut out = String::from(
        "# Rules of the shipped packs\n\n\
         Generated from `stdlib/packs/` by `pol rules --markdown`; do not edit by hand (a\n\
         test, `crates/pol/tests/packs.rs`, keeps this page equal to the packs). `pol rules`\n\
         lists the rules and `pol rules ID` explains one. Each rule runs on the documents of\n\
         its kind (`docs/inputs.md`); `pol eval` runs every pack when given no `-p`.\n",
    );
    let mut pack = "";
    for d in docs {
        if d.pack != pack {
            pack = &d.pack;
            out.push_str(&format!(
                "\n## The `{pack}` pack\n\n| id | severity | rule | finds |\n|---|---|---|---|\n"
            ));
            for r in docs.iter().filter(|r| r.pack == pack) {
                out.push_str(&format!(
                    "| [{}](#{}) | {} | `{}` | {} |\n",
                    r.id,
                    r.id.to_lowercase(),
                    r.severity,
                    r.name,
                    r.summary()
                ));
            }
        }
        out.push_str(&format!("\n### {}\n\n", d.id));
        out.push_str(&format!(
            "`{}` — {} `{}`, severity **{}**, on {} documents{}.\n\n",
            d.name,
            d.kind,
            d.name.rsplit('.').next().unwrap_or(""),
            d.severity,
            d.doc_kinds
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if d.tags.is_empty() {
                String::new()
            } else {
                format!("; tags: {}", d.tags.join(", "))
            }
        ));
        out.push_str(d.docs.trim());
        out.push_str("\n\n");
        for (fires, example) in &d.examples {
            out.push_str(if *fires {
                "Fires on:\n\n"
            } else {
                "Passes:\n\n"
            });
            out.push_str("```pol\n");
            out.push_str(example.trim_end());
            out.push_str("\n```\n\n");
        }
    }
    out.push_str(NOT_PORTED);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
