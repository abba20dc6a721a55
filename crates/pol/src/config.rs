//! `pol.toml`: a project's settings for `pol eval` (docs/suppression.md) — rules skipped
//! or kept, severities changed, packs turned off, paths excluded.
//!
//! ```toml
//! [rules]
//! skip = ["GHA004"]            # by id or name
//! only = []                    # when not empty, only these
//! level = "pedantic"           # regular (default), pedantic or auditor
//!
//! [severity]
//! GHA001 = "critical"          # a rule's severity, by id or name
//!
//! [packs]
//! disable = ["gitlab"]         # shipped packs that do not run
//!
//! [packs.github]               # a pack's options (its `@option` lets)
//! trusted_owners = ["actions", "github"]
//!
//! [options]                    # options of your own policies, by qualified name
//! "ci.deploy.approvers" = 2
//!
//! [paths]
//! exclude = ["tests/fixtures/**", "vendor/**"]   # globs, relative to pol.toml's folder
//!
//! [decision_log]
//! redact = ["jobs.*.env", "**.password"]   # input paths kept out of decision logs
//!
//! [data]
//! files = ["access/roles.yaml"]  # reference data (`data`), relative to pol.toml's folder
//! ```

use crate::suppress::RuleSelection;
use crate::{Decision, Format};
use std::collections::BTreeMap;

/// The settings of a `pol.toml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `[rules] skip`.
    pub skip: Vec<String>,
    /// `[rules] only`.
    pub only: Vec<String>,
    /// `[rules] level`: the level of the rules that run (`None`: not set).
    pub level: Option<crate::suppress::Level>,
    /// `[severity]`: rule (id or name) → severity.
    pub severity: BTreeMap<String, String>,
    /// `[packs] disable`: pack names (`github`, ...).
    pub disabled_packs: Vec<String>,
    /// `[paths] exclude`: globs (`**` crosses folders).
    pub exclude: Vec<String>,
    /// `exclude`, compiled once.
    exclude_set: globset::GlobSet,
    /// Options (`@option` lets) by qualified name: `[packs.<pack>]` keys (as
    /// `pack.<pack>.<key>`) and `[options]`.
    pub options: BTreeMap<String, serde_json::Value>,
    /// `[decision_log] redact`: input paths whose values decision logs do not hold
    /// ([`crate::audit::Redaction`]), checked when read.
    pub decision_log_redact: Vec<String>,
    /// `[data] files`: reference data files (`data` in policies), relative to the
    /// folder of the `pol.toml`, as `--data` takes them.
    pub data_files: Vec<String>,
}

const SEVERITIES: &[&str] = &["info", "low", "medium", "high", "critical"];

/// Why a `pol.toml` was refused. Its `Display` names the file and the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file is not TOML (or goes over a limit of loading it).
    Syntax(crate::LoadError),
    /// A table pol does not know.
    UnknownTable {
        /// The file's name.
        file: String,
        /// The table.
        table: String,
    },
    /// A setting pol does not know (`table.key`).
    UnknownSetting {
        /// The file's name.
        file: String,
        /// The setting.
        setting: String,
    },
    /// A setting whose value is not of the kind it takes.
    Invalid {
        /// The file's name.
        file: String,
        /// The setting (`rules.level`).
        setting: String,
        /// What it takes (`a list of strings`).
        expected: String,
    },
    /// A glob of `paths.exclude` is not a glob.
    NotAGlob {
        /// The file's name.
        file: String,
        /// The pattern.
        glob: String,
    },
    /// A setting's values do not work together, or one is refused (`decision_log.redact`).
    Refused {
        /// The file's name.
        file: String,
        /// The setting.
        setting: String,
        /// Why.
        why: String,
    },
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Syntax(e) => write!(f, "{e}"),
            ConfigError::UnknownTable { file, table } => write!(
                f,
                "{file}: unknown table `[{table}]` (the tables are `[rules]`, `[severity]`, `[packs]`, `[paths]`, `[options]`, `[decision_log]` and `[data]`)"
            ),
            ConfigError::UnknownSetting { file, setting } => {
                write!(f, "{file}: unknown setting `{setting}`")
            }
            ConfigError::Invalid {
                file,
                setting,
                expected,
            } => write!(f, "{file}: `{setting}` must be {expected}"),
            ConfigError::NotAGlob { file, glob } => {
                write!(f, "{file}: `{glob}` in `paths.exclude` is not a glob")
            }
            ConfigError::Refused { file, setting, why } => {
                write!(f, "{file}: `{setting}`: {why}")
            }
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Syntax(e) => Some(e),
            _ => None,
        }
    }
}

impl Config {
    /// Reads a `pol.toml`; `file` names it in errors. Unknown tables and keys are
    /// errors (a typo must not silently turn a setting off).
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let docs = crate::load(text, Format::Toml, Some(file)).map_err(ConfigError::Syntax)?;
        let Some(doc) = docs.first() else {
            return Ok(Config::default());
        };
        let value = doc.to_json(doc.root());
        let mut config = Config::default();
        let Some(tables) = value.as_object() else {
            return Ok(config);
        };
        let invalid = |setting: &str, expected: &str| ConfigError::Invalid {
            file: file.to_owned(),
            setting: setting.to_owned(),
            expected: expected.to_owned(),
        };
        let strings = |v: &serde_json::Value, what: &str| -> Result<Vec<String>, ConfigError> {
            v.as_array()
                .and_then(|a| a.iter().map(|s| s.as_str().map(str::to_owned)).collect())
                .ok_or_else(|| invalid(what, "a list of strings"))
        };
        for (table, body) in tables {
            if ![
                "rules",
                "severity",
                "packs",
                "paths",
                "options",
                "decision_log",
                "data",
            ]
            .contains(&table.as_str())
            {
                return Err(ConfigError::UnknownTable {
                    file: file.to_owned(),
                    table: table.clone(),
                });
            }
            let Some(body) = body.as_object() else {
                return Err(invalid(table, "a table"));
            };
            for (key, v) in body {
                match (table.as_str(), key.as_str()) {
                    ("rules", "skip") => config.skip = strings(v, "rules.skip")?,
                    ("rules", "only") => config.only = strings(v, "rules.only")?,
                    ("rules", "level") => {
                        config.level = Some(
                            v.as_str()
                                .and_then(crate::suppress::Level::parse)
                                .ok_or_else(|| {
                                    invalid(
                                        "rules.level",
                                        "\"regular\", \"pedantic\" or \"auditor\"",
                                    )
                                })?,
                        );
                    }
                    ("packs", "disable") => config.disabled_packs = strings(v, "packs.disable")?,
                    ("packs", pack) => {
                        let Some(options) = v.as_object() else {
                            return Err(invalid(
                                &format!("packs.{pack}"),
                                "a table of the pack's options",
                            ));
                        };
                        for (name, value) in options {
                            config
                                .options
                                .insert(format!("pack.{pack}.{name}"), value.clone());
                        }
                    }
                    ("options", name) => {
                        config.options.insert(name.to_owned(), v.clone());
                    }
                    ("paths", "exclude") => {
                        config.exclude = strings(v, "paths.exclude")?;
                        let mut set = globset::GlobSetBuilder::new();
                        for g in &config.exclude {
                            let glob = pol_core::glob(g).map_err(|_| ConfigError::NotAGlob {
                                file: file.to_owned(),
                                glob: g.clone(),
                            })?;
                            set.add(glob);
                        }
                        config.exclude_set = set.build().map_err(|e| ConfigError::Refused {
                            file: file.to_owned(),
                            setting: "paths.exclude".to_owned(),
                            why: e.to_string(),
                        })?;
                    }
                    ("data", "files") => config.data_files = strings(v, "data.files")?,
                    ("decision_log", "redact") => {
                        let paths = strings(v, "decision_log.redact")?;
                        crate::audit::Redaction::new(&paths).map_err(|e| ConfigError::Refused {
                            file: file.to_owned(),
                            setting: "decision_log.redact".to_owned(),
                            why: e.to_string(),
                        })?;
                        config.decision_log_redact = paths;
                    }
                    ("severity", rule) => {
                        let s = v
                            .as_str()
                            .filter(|s| SEVERITIES.contains(s))
                            .ok_or_else(|| {
                                invalid(
                                    &format!("severity.{rule}"),
                                    &format!("one of {}", SEVERITIES.join(", ")),
                                )
                            })?;
                        config.severity.insert(rule.to_owned(), s.to_owned());
                    }
                    _ => {
                        return Err(ConfigError::UnknownSetting {
                            file: file.to_owned(),
                            setting: format!("{table}.{key}"),
                        });
                    }
                }
            }
        }
        Ok(config)
    }

    /// Checks that `policy` has every option these settings set, and that each value is
    /// of the option's kind: a typo is an error before anything runs.
    pub fn check_options(&self, policy: &crate::Policy) -> Result<(), crate::OptionError> {
        let mut probe = policy.evaluator();
        self.options
            .iter()
            .try_for_each(|(name, value)| probe.set_option(name, value))
    }

    /// The rule selection of these settings.
    pub fn rules(&self) -> RuleSelection {
        let mut skip = self.skip.clone();
        skip.extend(self.disabled_packs.iter().map(|p| format!("pack.{p}.*")));
        RuleSelection {
            skip,
            only: self.only.clone(),
        }
    }

    /// Changes the severities of `decision`'s findings as `[severity]` says.
    pub fn set_severities(&self, decision: &mut Decision) {
        if self.severity.is_empty() {
            return;
        }
        for f in decision.violations.iter_mut().chain(&mut decision.warnings) {
            let rule = f.rule.as_str();
            let short = rule.rsplit('.').next().unwrap_or(rule);
            let by_id = f.id.as_ref().and_then(|id| {
                self.severity
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(id.as_str()))
                    .map(|(_, v)| v)
            });
            if let Some(s) = by_id
                .or_else(|| self.severity.get(rule))
                .or_else(|| self.severity.get(short))
            {
                f.severity = s.as_str().into();
            }
        }
    }

    /// Whether `relative` (a path from the config's folder, `/`-separated) is excluded:
    /// `*` any run of characters but `/`, `**/` any folders, `?` one character but
    /// `/` (globset's dialect with literal separators, as the language's `glob`).
    pub fn excludes(&self, relative: &str) -> bool {
        self.exclude_set.is_match(relative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_reads_and_refuses_typos() {
        let c = Config::parse(
            "[rules]\nskip = [\"GHA004\"]\n[severity]\nGHA001 = \"critical\"\n[packs]\ndisable = [\"gitlab\"]\n[paths]\nexclude = [\"vendor/**\"]\n",
            "pol.toml",
        )
        .unwrap();
        assert_eq!(c.skip, ["GHA004"]);
        assert_eq!(
            c.severity.get("GHA001").map(String::as_str),
            Some("critical")
        );
        assert!(c.excludes("vendor/a/b.yml"));
        assert!(!c.excludes("src/vendor.yml"));
        assert!(Config::parse("[rule]\nskip = []\n", "pol.toml").is_err());
        assert!(
            Config::parse("[rule]\n", "pol.toml").is_err(),
            "an empty unknown table"
        );
        assert!(Config::parse("[severity]\nX = \"urgent\"\n", "pol.toml").is_err());
        assert!(Config::parse("[rules]\nskip = \"GHA001\"\n", "pol.toml").is_err());
        let empty = Config::parse("", "pol.toml").unwrap();
        assert!(empty.skip.is_empty() && empty.options.is_empty() && !empty.excludes("a"));
        let c = Config::parse(
            "[packs.github]\ntrusted_owners = [\"actions\"]\n[options]\n\"ci.x\" = 2\n",
            "pol.toml",
        )
        .unwrap();
        assert_eq!(
            c.options.get("pack.github.trusted_owners"),
            Some(&serde_json::json!(["actions"]))
        );
        assert_eq!(c.options.get("ci.x"), Some(&serde_json::json!(2)));
        let c = Config::parse("[decision_log]\nredact = [\"jobs.*.env\"]\n", "pol.toml").unwrap();
        assert_eq!(c.decision_log_redact, ["jobs.*.env"]);
        let bad = Config::parse("[decision_log]\nredact = [\"jobs..env\"]\n", "pol.toml");
        assert!(
            matches!(bad, Err(ConfigError::Refused { ref setting, .. }) if setting == "decision_log.redact"),
            "{bad:?}"
        );
        let typo = Config::parse("[decision_log]\nredcat = []\n", "pol.toml").unwrap_err();
        assert_eq!(
            typo,
            ConfigError::UnknownSetting {
                file: "pol.toml".to_owned(),
                setting: "decision_log.redcat".to_owned()
            }
        );
        assert_eq!(
            typo.to_string(),
            "pol.toml: unknown setting `decision_log.redcat`"
        );
    }

    #[test]
    fn globs() {
        for (p, t, m) in [
            ("vendor/**", "vendor/x/y.yml", true),
            ("**/fixtures/*.yml", "a/b/fixtures/c.yml", true),
            ("**/fixtures/*.yml", "fixtures/c.yml", true),
            ("*.yml", "a/b.yml", false),
            ("ci?.yml", "ci1.yml", true),
        ] {
            let c = Config::parse(&format!("[paths]\nexclude = [\"{p}\"]\n"), "pol.toml").unwrap();
            assert_eq!(c.excludes(t), m, "{p} {t}");
        }
    }
}
