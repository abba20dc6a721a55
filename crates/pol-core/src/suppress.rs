//! What rendering needs to know of suppression (the facade's `pol::suppress` selects
//! and suppresses findings): why findings were suppressed and how many, the levels
//! rules run at, and a finding's fingerprint.

use crate::Finding;
use std::collections::BTreeMap;

/// Why a finding was suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// Its rule is skipped (`--skip`, `pol.toml`'s `skip`) or not kept (`--only`).
    Rule,
    /// A `pol: ignore` comment in the input.
    Comment,
    /// It is in the baseline.
    Baseline,
    /// Its severity is below the least one reported (`--min-severity`).
    Severity,
}

impl Reason {
    /// How output names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Rule => "by rule selection",
            Reason::Comment => "by comments",
            Reason::Baseline => "by the baseline",
            Reason::Severity => "below the minimum severity",
        }
    }

    /// Its name in JSON output (`rule`, `comment`, `baseline`, `severity`).
    pub fn key(self) -> &'static str {
        match self {
            Reason::Rule => "rule",
            Reason::Comment => "comment",
            Reason::Baseline => "baseline",
            Reason::Severity => "severity",
        }
    }
}

/// How many findings were suppressed, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub BTreeMap<Reason, usize>);

impl Counts {
    /// All suppressed findings.
    pub fn total(&self) -> usize {
        self.0.values().sum()
    }

    /// Adds `other`'s counts.
    pub fn add(&mut self, other: &Counts) {
        for (reason, n) in &other.0 {
            *self.0.entry(*reason).or_default() += n;
        }
    }
}

/// How far a run goes beyond the findings everyone wants: zizmor's personas. A rule
/// tagged `level:pedantic` (code smells) or `level:auditor` (findings expected to have
/// false positives) runs only at that level or above; a rule with several `level:` tags
/// runs from the lowest; a rule without one always runs. `regular` is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub enum Level {
    /// The findings worth acting on.
    #[default]
    Regular,
    /// And code smells.
    Pedantic,
    /// And findings that may be false positives, for a security review.
    Auditor,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 3] = [Level::Regular, Level::Pedantic, Level::Auditor];

    /// Its name (`regular`, `pedantic`, `auditor`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Regular => "regular",
            Level::Pedantic => "pedantic",
            Level::Auditor => "auditor",
        }
    }

    /// The level called `name`.
    pub fn parse(name: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// Whether a rule with these `@tags` runs at this level.
    pub fn admits(self, tags: &[String]) -> bool {
        let mut levels = tags
            .iter()
            .filter_map(|t| t.strip_prefix("level:"))
            .filter_map(Level::parse)
            .peekable();
        levels.peek().is_none() || levels.any(|l| l <= self)
    }
}

/// A finding's fingerprint: its rule, file, path in the document and message — not its
/// line, so that unrelated edits keep it. Hex of a stable 64-bit FNV-1a hash.
pub fn fingerprint(file: &str, finding: &Finding) -> String {
    let rule = finding
        .id
        .as_ref()
        .map_or(finding.rule.as_str(), |id| id.as_str());
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [rule, file, &finding.path, &finding.message] {
        for byte in part.bytes().chain([0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
