//! The service's decision log (`--decision-log FILE|-`): one hash-chained record per
//! decision, written by `pol::audit::DecisionLog` under a lock, each naming the
//! program that made its decision.

use crate::config::DecisionLogTarget;
use pol::audit::{DecisionLog, Entry, Redaction};
use std::fs::OpenOptions;
use std::io::Write;
use std::sync::Mutex;

/// An open decision log, shared by the requests.
pub struct Log {
    log: Mutex<DecisionLog<Box<dyn Write + Send>>>,
    name: String,
}

impl Log {
    /// Opens the log: standard output, or a file appended to and chained from its last
    /// record (which must be intact).
    pub fn open(
        target: &DecisionLogTarget,
        redact: &[String],
        policy: pol::Digest,
    ) -> Result<Log, String> {
        let redaction =
            Redaction::new(redact.iter()).map_err(|e| format!("--decision-log-redact: {e}"))?;
        let (log, name) = match target {
            DecisionLogTarget::Stdout => (
                DecisionLog::new(
                    Box::new(std::io::stdout()) as Box<dyn Write + Send>,
                    policy,
                    redaction,
                ),
                "standard output".to_owned(),
            ),
            DecisionLogTarget::File(path) => {
                let name = format!("`{}`", path.display());
                let cannot = |what: &str, e: &dyn std::fmt::Display| {
                    format!("decision log {name}: cannot {what} it: {e}")
                };
                let mut file = OpenOptions::new()
                    .read(true)
                    .append(true)
                    .create(true)
                    .open(path)
                    .map_err(|e| cannot("open", &e))?;
                let meta = file.metadata().map_err(|e| cannot("read", &e))?;
                let head = if meta.is_file() && meta.len() > 0 {
                    let last = pol::audit::last_line(&mut file, meta.len())
                        .map_err(|e| format!("decision log {name}: {e}"))?;
                    Some(pol::audit::last_record(&last).map_err(|e| {
                        format!(
                            "decision log {name}: cannot append to it: its last line is not an intact record ({e}); check it with `pol log verify {}`",
                            path.display()
                        )
                    })?)
                } else {
                    None
                };
                (
                    DecisionLog::resume(
                        Box::new(file) as Box<dyn Write + Send>,
                        policy,
                        redaction,
                        head,
                    ),
                    name,
                )
            }
        };
        Ok(Log {
            log: Mutex::new(log),
            name,
        })
    }

    /// Appends the records of `entries`, made by the program of `policy` with `data`, in
    /// order. An error means records may be lost: the caller must not hand out the
    /// decision.
    pub fn append(
        &self,
        policy: pol::Digest,
        data: &pol::Data,
        entries: &[Entry<'_>],
    ) -> Result<(), String> {
        let mut log = self
            .log
            .lock()
            .map_err(|_| format!("the decision log {} is unusable", self.name))?;
        log.set_policy(policy);
        log.set_data(data);
        for entry in entries {
            log.append(entry)
                .map_err(|e| format!("cannot write to the decision log {}: {e}", self.name))?;
        }
        Ok(())
    }
}
