//! `pol eval --decision-log FILE|-`: opening the log (appending to a file, chained from
//! its last record) and writing a record of every decision; the records themselves are
//! `pol::audit`'s (docs/decision-log.md).

use crate::files::describe_io;
use pol::audit::{ChainHead, DecisionLog, Entry, InputRef, Redaction};
use pol::render::InputReport;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The options of `pol eval` about the decision log.
#[derive(clap::Args, Debug, Default)]
pub struct DecisionLogArgs {
    /// Append a record of every decision to FILE, created if need be, chained by hash
    /// to the records already in it (docs/decision-log.md). `-` writes the records to
    /// standard output, and the report then goes to standard error.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    decision_log: Option<PathBuf>,
    /// Keep what the input holds at this path out of the decision log: the messages of
    /// findings at it or under it are replaced (`jobs.*.env`, `**.token`; repeatable;
    /// adds to pol.toml's `[decision_log] redact`).
    #[arg(long, value_name = "PATH", requires = "decision_log")]
    decision_log_redact: Vec<String>,
}

/// An open decision log.
pub struct Sink {
    log: DecisionLog<Box<dyn Write>>,
    name: String,
}

impl DecisionLogArgs {
    /// Whether the log is standard output (so the report is not).
    pub fn on_stdout(&self) -> bool {
        self.decision_log.as_deref() == Some(Path::new("-"))
    }

    /// The log's file, if it is one (pol's own file: never an input).
    pub fn file(&self) -> Option<PathBuf> {
        self.decision_log.clone().filter(|p| p.as_os_str() != "-")
    }

    /// Opens the log, if one is asked for: a file is opened for appending (created if
    /// it does not exist), and its last line must be an intact record to chain from.
    pub fn open(
        &self,
        config: &pol::config::Config,
        policy: &pol::Policy,
        data: &pol::Data,
    ) -> Result<Option<Sink>, String> {
        let Some(path) = &self.decision_log else {
            return Ok(None);
        };
        let redaction = Redaction::new(
            config
                .decision_log_redact
                .iter()
                .chain(&self.decision_log_redact),
        )
        .map_err(|e| format!("--decision-log-redact: {e}"))?;
        let digest = policy.program().digest();
        if self.on_stdout() {
            let log = DecisionLog::new(
                Box::new(std::io::stdout()) as Box<dyn Write>,
                digest,
                redaction,
            )
            .with_data(data);
            return Ok(Some(Sink {
                log,
                name: "standard output".to_owned(),
            }));
        }
        let name = format!("`{}`", path.display());
        let (file, head) = open_file(path).map_err(|e| format!("decision log {name}: {e}"))?;
        let log = DecisionLog::resume(Box::new(file) as Box<dyn Write>, digest, redaction, head)
            .with_data(data);
        Ok(Some(Sink { log, name }))
    }
}

impl Sink {
    /// Writes the records of one input's report: one per decision, then one per error
    /// (an input that could not be read or evaluated, or a part of it).
    pub fn report(
        &mut self,
        report: &InputReport,
        input: Option<&crate::inputs::Pending>,
        sha256: Option<pol::Digest>,
    ) -> Result<(), String> {
        for evaluated in &report.decisions {
            let entry = Entry {
                input: InputRef {
                    name: &evaluated.file,
                    document: Some(evaluated.document),
                    sha256,
                    kind: evaluated.kind,
                },
                outcome: pol::audit::Outcome::Decided {
                    decision: &evaluated.decision,
                    suppressed: &evaluated.suppressed,
                },
                time: std::time::SystemTime::now(),
                duration: evaluated.took,
            };
            self.append(&entry)?;
        }
        for error in &report.errors {
            let entry = Entry {
                input: InputRef {
                    name: &report.name,
                    document: None,
                    sha256,
                    kind: input.and_then(|i| i.kind),
                },
                outcome: pol::audit::Outcome::NotEvaluated {
                    error: &error.message,
                },
                time: std::time::SystemTime::now(),
                duration: std::time::Duration::ZERO,
            };
            self.append(&entry)?;
        }
        Ok(())
    }

    fn append(&mut self, entry: &Entry<'_>) -> Result<(), String> {
        self.log.append(entry).map(|_| ()).map_err(|e| {
            format!(
                "cannot write to the decision log {}: {}; pol stops, for a decision log must not lose records",
                self.name,
                describe_io(&e)
            )
        })
    }
}

/// Opens `path` for appending, and reads the head of the chain in it (`None` when it
/// is empty, or not a regular file).
fn open_file(path: &Path) -> Result<(File, Option<ChainHead>), String> {
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| format!("cannot open it: {}", describe_io(&e)))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read it: {}", describe_io(&e)))?;
    if !meta.is_file() || meta.len() == 0 {
        return Ok((file, None));
    }
    let last = pol::audit::last_line(&mut file, meta.len()).map_err(|e| match e {
        pol::audit::TailError::Io(e) => format!("cannot read it: {}", describe_io(&e)),
        other => other.to_string(),
    })?;
    let head = pol::audit::last_record(&last).map_err(|e| {
        format!(
            "cannot append to it: its last line is not an intact record ({e}); check it with `pol log verify {}`",
            path.display()
        )
    })?;
    Ok((file, Some(head)))
}
