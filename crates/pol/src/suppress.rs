//! Suppressing findings the way users expect, each suppression counted by what made
//! it (docs/suppression.md): rules skipped or kept by id (`--skip`, `--only`, and the
//! same in `pol.toml`), comments in the input (`# pol: ignore[GHA001]` on the
//! finding's line or the line above it), and a baseline of known findings (so that a
//! large repository fails only on new ones). Runtime errors are never suppressed: a
//! gate fails closed whatever is ignored.

use crate::{Decision, Finding};
use std::collections::{BTreeMap, BTreeSet, HashSet};

pub use pol_core::suppress::{Counts, Level, Reason, fingerprint};

/// Which rules' findings are kept: by `@id` (any case) or by name (`unpinned_action`
/// or `pack.github.unpinned_action`).
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    /// Rules whose findings are dropped.
    pub skip: Vec<String>,
    /// When not empty, only these rules' findings are kept.
    pub only: Vec<String>,
}

/// Whether `wanted` names the finding's rule: its `@id` (any case), its name, its
/// qualified name, or `package.*` for every rule of a package.
fn names(finding: &Finding, wanted: &str) -> bool {
    names_rule(finding.rule.as_str(), finding.id.as_deref(), wanted)
}

/// Whether `wanted` names the rule `rule` (qualified name) with this `@id`: its `@id`
/// (any case), its name, its qualified name, or `package.*`.
pub fn names_rule(rule: &str, id: Option<&str>, wanted: &str) -> bool {
    if let Some(package) = wanted.strip_suffix(".*") {
        return rule
            .strip_prefix(package)
            .is_some_and(|rest| rest.starts_with('.'));
    }
    id.is_some_and(|id| id.eq_ignore_ascii_case(wanted))
        || rule == wanted
        || rule.rsplit('.').next() == Some(wanted)
}

impl RuleSelection {
    /// Whether the finding's rule is selected.
    pub fn keeps(&self, finding: &Finding) -> bool {
        !self.skip.iter().any(|s| names(finding, s))
            && (self.only.is_empty() || self.only.iter().any(|o| names(finding, o)))
    }
}

/// The `pol: ignore[ID, ...]` comments of an input's text, by line: a comment ignores
/// the findings of the rules it names on its own line and on the line below it.
/// `pol: ignore` without a list ignores every rule. Found in `#` and `//` comments
/// (YAML, HCL, Dockerfiles, TOML); the text is scanned as lines, so a comment is found
/// wherever the format allows one.
#[derive(Debug, Clone, Default)]
pub struct Comments {
    /// (line, rule ids or names; empty for all), lines 1-based.
    lines: BTreeMap<u32, Vec<String>>,
}

impl Comments {
    /// The comments of `text` (a text without `pol: ignore` anywhere is not read line
    /// by line).
    pub fn scan(text: &str) -> Comments {
        let mut lines = BTreeMap::new();
        if !text.contains("pol: ignore") {
            return Comments { lines };
        }
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find("pol: ignore") else {
                continue;
            };
            let before = line.get(..at).unwrap_or("").trim_end();
            if !(before.ends_with('#') || before.ends_with("//")) {
                continue;
            }
            let rest = line.get(at + "pol: ignore".len()..).unwrap_or("");
            let rules = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
                Some((list, _)) => list
                    .split(',')
                    .map(|r| r.trim().to_owned())
                    .filter(|r| !r.is_empty())
                    .collect(),
                None => Vec::new(),
            };
            lines.insert(u32::try_from(i + 1).unwrap_or(u32::MAX), rules);
        }
        Comments { lines }
    }

    /// Whether a comment ignores the finding (its line, or the line above).
    pub fn ignores(&self, finding: &Finding) -> bool {
        let Some(line) = finding.location.as_ref().map(|l| l.line) else {
            return false;
        };
        [line, line.saturating_sub(1)].iter().any(|l| {
            self.lines
                .get(l)
                .is_some_and(|rules| rules.is_empty() || rules.iter().any(|r| names(finding, r)))
        })
    }

    /// True when the text has no such comment.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Why a baseline file cannot be read ([`Baseline::read`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselineError {
    /// The text is not JSON (serde_json's message, with its line and column).
    NotJson(String),
    /// It is JSON, but not a baseline of version 1.
    Version,
    /// There is no `findings` list.
    NoFindings,
    /// A finding has no `fingerprint` string.
    NoFingerprint,
}

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BaselineError::NotJson(e) => write!(f, "not a baseline: {e}"),
            BaselineError::Version => f.write_str("not a baseline of version 1"),
            BaselineError::NoFindings => f.write_str("a baseline needs a `findings` list"),
            BaselineError::NoFingerprint => {
                f.write_str("each finding of a baseline needs a `fingerprint`")
            }
        }
    }
}

impl std::error::Error for BaselineError {}

/// Known findings, by fingerprint (`--baseline FILE`).
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    known: HashSet<String>,
}

impl Baseline {
    /// A baseline of these fingerprints.
    pub fn new(fingerprints: impl IntoIterator<Item = String>) -> Baseline {
        Baseline {
            known: fingerprints.into_iter().collect(),
        }
    }

    /// Reads a baseline file: JSON, `{"version": 1, "findings": [{"fingerprint": ...,
    /// ...}, ...]}` as [`Baseline::write`] writes it.
    pub fn read(text: &str) -> Result<Baseline, BaselineError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| BaselineError::NotJson(e.to_string()))?;
        if value.get("version").and_then(serde_json::Value::as_u64) != Some(1) {
            return Err(BaselineError::Version);
        }
        let findings = value
            .get("findings")
            .and_then(serde_json::Value::as_array)
            .ok_or(BaselineError::NoFindings)?;
        let mut known = HashSet::new();
        for f in findings {
            let print = f
                .get("fingerprint")
                .and_then(serde_json::Value::as_str)
                .ok_or(BaselineError::NoFingerprint)?;
            known.insert(print.to_owned());
        }
        Ok(Baseline { known })
    }

    /// A baseline file of the findings given as (file, finding): sorted, so that the
    /// same findings write the same file.
    pub fn write<'a>(findings: impl IntoIterator<Item = (&'a str, &'a Finding)>) -> String {
        let mut entries: BTreeSet<(String, String, String, String)> = BTreeSet::new();
        for (file, f) in findings {
            let rule =
                f.id.as_ref()
                    .map_or(f.rule.as_str(), |id| id.as_str())
                    .to_owned();
            entries.insert((
                file.to_owned(),
                rule,
                fingerprint(file, f),
                f.message.clone(),
            ));
        }
        let findings: Vec<serde_json::Value> = entries
            .into_iter()
            .map(|(file, rule, fingerprint, message)| {
                serde_json::json!({"fingerprint": fingerprint, "rule": rule, "file": file, "message": message})
            })
            .collect();
        let mut text =
            serde_json::to_string_pretty(&serde_json::json!({"version": 1, "findings": findings}))
                .unwrap_or_default();
        text.push('\n');
        text
    }

    /// Whether the finding is known.
    pub fn knows(&self, file: &str, finding: &Finding) -> bool {
        !self.known.is_empty() && self.known.contains(&fingerprint(file, finding))
    }
}

/// Drops the suppressed findings of `decision` (of the input `file`), recomputes
/// `allowed` (errors still deny), and returns how many were dropped, by reason. A
/// finding suppressed for several reasons counts for the first: rule selection, then
/// comments, then the baseline.
pub fn apply(
    decision: &mut Decision,
    file: &str,
    rules: &RuleSelection,
    comments: &Comments,
    baseline: &Baseline,
) -> Counts {
    let mut counts = Counts::default();
    let mut keep = |f: &Finding| {
        let reason = if !rules.keeps(f) {
            Some(Reason::Rule)
        } else if comments.ignores(f) {
            Some(Reason::Comment)
        } else if baseline.knows(file, f) {
            Some(Reason::Baseline)
        } else {
            None
        };
        match reason {
            Some(r) => {
                *counts.0.entry(r).or_default() += 1;
                false
            }
            None => true,
        }
    };
    decision.violations.retain(&mut keep);
    decision.warnings.retain(&mut keep);
    decision.finish();
    counts
}

/// Everything that suppresses findings in a run, applied in one place for `pol eval`
/// and `pol serve`: `pol.toml`'s severities, rule selection (`--skip`, `--only`,
/// `[rules]`), comments, the baseline, `--min-severity`. The default suppresses
/// nothing but what the input's `pol: ignore` comments say.
#[derive(Debug, Clone, Default)]
pub struct Suppression {
    /// `--skip`, `--only` and `pol.toml`'s rules.
    pub rules: RuleSelection,
    /// `--baseline`.
    pub baseline: Baseline,
    /// `pol.toml` (its `[severity]` changes).
    pub config: crate::config::Config,
    /// `--min-severity`, as a rank ([`crate::render::severity_rank`]).
    pub min_severity: Option<u8>,
}

impl Suppression {
    /// Evaluates `doc`, document `document` of the input `file`, as a document of
    /// `kind`, and applies the suppression to its decision (`comments`: the input's
    /// `pol: ignore` comments): the record outputs take, with the time it took
    /// (`documents` is left 0, for [`crate::render::InputReport::count_documents`]).
    pub fn decide(
        &self,
        evaluator: &mut pol_vm::Evaluator<'_>,
        doc: &crate::Document,
        kind: Option<&'static str>,
        (file, document): (&str, usize),
        comments: &Comments,
    ) -> crate::render::Evaluated {
        let started = std::time::Instant::now();
        let mut decision = evaluator.evaluate_kind(doc, kind);
        let suppressed = self.apply(&mut decision, file, comments);
        crate::render::Evaluated {
            file: file.to_owned(),
            document,
            documents: 0,
            kind,
            decision,
            suppressed,
            took: started.elapsed(),
        }
    }

    /// Sets the severities `pol.toml` changes, then drops the suppressed findings of
    /// `decision` (of the input `file`, whose `pol: ignore` comments are `comments`)
    /// and recomputes `allowed`; returns how many were dropped, by reason.
    pub fn apply(&self, decision: &mut Decision, file: &str, comments: &Comments) -> Counts {
        self.config.set_severities(decision);
        let mut counts = apply(decision, file, &self.rules, comments, &self.baseline);
        if let Some(min) = self.min_severity {
            below_severity(decision, min, &mut counts);
        }
        counts
    }
}

/// Drops the findings of `decision` whose severity ranks below `min`
/// ([`crate::render::severity_rank`]), recomputes `allowed`, and counts them in
/// `counts` as [`Reason::Severity`] (`--min-severity`).
pub fn below_severity(decision: &mut Decision, min: u8, counts: &mut Counts) {
    let mut dropped = 0;
    let mut keep = |f: &Finding| {
        let keep = crate::render::severity_rank(&f.severity) >= min;
        dropped += usize::from(!keep);
        keep
    };
    decision.violations.retain(&mut keep);
    decision.warnings.retain(&mut keep);
    if dropped > 0 {
        *counts.0.entry(Reason::Severity).or_default() += dropped;
        decision.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_admit_rules_from_their_lowest_level() {
        let tags = |t: &[&str]| t.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let untagged = tags(&["supply-chain"]);
        let pedantic = tags(&["hygiene", "level:pedantic"]);
        let auditor = tags(&["level:auditor"]);
        let mixed = tags(&["level:regular", "level:pedantic"]);
        let unknown = tags(&["level:paranoid"]);
        for level in Level::ALL {
            assert!(level.admits(&untagged));
            assert!(level.admits(&mixed));
            assert!(level.admits(&unknown), "an unknown level is no level");
        }
        assert!(!Level::Regular.admits(&pedantic));
        assert!(Level::Pedantic.admits(&pedantic));
        assert!(!Level::Pedantic.admits(&auditor));
        assert!(Level::Auditor.admits(&auditor) && Level::Auditor.admits(&pedantic));
        assert_eq!(Level::parse("auditor"), Some(Level::Auditor));
        assert_eq!(Level::parse("Auditor"), None);
        assert_eq!(Level::default(), Level::Regular);
    }

    fn finding(id: &str, line: u32, path: &str) -> Finding {
        Finding {
            rule: "pack.github.unpinned_action".into(),
            id: Some(id.into()),
            severity: "high".into(),
            message: "m".to_owned(),
            path: path.to_owned(),
            location: Some(crate::InputLocation {
                file: None,
                line,
                column: 1,
            }),
            policy: crate::PolicyLocation::default(),
        }
    }

    #[test]
    fn comments_ignore_their_line_and_the_next() {
        let text = "a: 1\n# pol: ignore[GHA001, GHA002]\nb: 2\nc: 3 # pol: ignore\nd: 4  // pol: ignore[X9]\ne: \"pol: ignore\"\n";
        let c = Comments::scan(text);
        assert!(!c.ignores(&finding("GHA001", 1, "a")));
        assert!(c.ignores(&finding("GHA001", 2, "")));
        assert!(c.ignores(&finding("gha002", 3, "b")), "case of ids");
        assert!(!c.ignores(&finding("GHA003", 3, "b")));
        assert!(c.ignores(&finding("GHA009", 4, "c")), "no list: every rule");
        assert!(
            c.ignores(&finding("GHA009", 5, "d")),
            "the line below a comment"
        );
        assert!(
            !c.ignores(&finding("GHA009", 7, "f")),
            "text in a string is no comment"
        );
    }

    #[test]
    fn rules_by_id_or_name() {
        let f = finding("GHA001", 1, "");
        for (skip, only, kept) in [
            (vec![], vec![], true),
            (vec!["gha001"], vec![], false),
            (vec!["unpinned_action"], vec![], false),
            (vec!["pack.github.unpinned_action"], vec![], false),
            (vec![], vec!["GHA002"], false),
            (vec![], vec!["GHA001"], true),
        ] {
            let sel = RuleSelection {
                skip: skip.into_iter().map(str::to_owned).collect(),
                only: only.into_iter().map(str::to_owned).collect(),
            };
            assert_eq!(sel.keeps(&f), kept);
        }
    }

    #[test]
    fn fingerprints_ignore_lines_and_baselines_round_trip() {
        let a = finding("GHA001", 3, "jobs.x.steps[0].uses");
        let moved = finding("GHA001", 30, "jobs.x.steps[0].uses");
        assert_eq!(fingerprint("ci.yml", &a), fingerprint("ci.yml", &moved));
        assert_ne!(fingerprint("ci.yml", &a), fingerprint("other.yml", &a));
        let text = Baseline::write([("ci.yml", &a)]);
        let base = Baseline::read(&text).unwrap();
        assert!(base.knows("ci.yml", &moved));
        assert!(!base.knows("ci.yml", &finding("GHA001", 3, "jobs.y")));
        assert_eq!(Baseline::read("{}").unwrap_err(), BaselineError::Version);
        assert_eq!(
            Baseline::read(r#"{"version": 1}"#).unwrap_err().to_string(),
            "a baseline needs a `findings` list"
        );
        assert!(matches!(
            Baseline::read("{"),
            Err(BaselineError::NotJson(_))
        ));
        let mut d = Decision::new();
        d.violations.push(a.clone());
        d.violations.push(finding("GHA001", 9, "jobs.new"));
        d.finish();
        let counts = apply(
            &mut d,
            "ci.yml",
            &RuleSelection::default(),
            &Comments::default(),
            &base,
        );
        assert_eq!(counts.total(), 1);
        assert_eq!(d.violations.len(), 1);
        assert!(!d.allowed);
    }
}
