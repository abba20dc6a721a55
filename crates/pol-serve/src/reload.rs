//! Reloading on change: the policy's files (and the TLS certificate's) looked at every
//! interval — a walk and a `stat` of each file, and their contents hashed only when a
//! size or time moved, so a `touch` does not recompile — and on `SIGHUP`.
//!
//! Polling rather than file-system events: it sees the changes events miss (a
//! Kubernetes ConfigMap or Secret volume swaps a symbolic link to a new folder; editors
//! replace files by renaming), costs a few `stat` calls a second, and needs no
//! platform watcher.

use crate::loaded::{self, Fingerprint};
use crate::state::Service;
use crate::tls::Certificate;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::watch;

type Stats = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// Looks at the files every `interval` until `stop` changes; reloads what changed.
pub async fn watch_files(
    service: Arc<Service>,
    cert: Option<Arc<Certificate>>,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut policy_seen: Option<Stats> = look_policy(&service).await.ok();
    let mut cert_seen: Option<Stats> = match &cert {
        Some(c) => look_cert(c).await.ok(),
        None => None,
    };
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        match look_policy(&service).await {
            Ok(stats) if policy_seen.as_ref() != Some(&stats) => {
                policy_seen = Some(stats);
                if content_changed(&service).await {
                    service.reload("its files changed").await;
                }
            }
            Ok(_) => {}
            Err(e) => {
                if policy_seen.take().is_some() {
                    eprintln!("pol serve: cannot look at the policy's files: {e}");
                }
            }
        }
        if let Some(cert) = &cert {
            match look_cert(cert).await {
                Ok(stats) if cert_seen.as_ref() != Some(&stats) => {
                    cert_seen = Some(stats);
                    reload_cert(cert, "its files changed");
                }
                Ok(_) => {}
                Err(e) => {
                    if cert_seen.take().is_some() {
                        eprintln!("pol serve: cannot look at the TLS files: {e}");
                    }
                }
            }
        }
    }
}

/// Reads the certificate and key again, saying what happened on standard error.
pub fn reload_cert(cert: &Certificate, why: &str) {
    match cert.reload() {
        Ok(()) => eprintln!("pol serve: reloaded the TLS certificate ({why})"),
        Err(e) => eprintln!(
            "pol serve: TLS certificate reload failed ({why}); still serving the old one: {e}"
        ),
    }
}

async fn look_policy(service: &Service) -> Result<Stats, String> {
    let source = service.source().clone();
    let found = tokio::task::spawn_blocking(move || loaded::look(&source))
        .await
        .map_err(|e| e.to_string())?;
    match found {
        Ok(Some(Fingerprint { stats, .. })) => Ok(stats),
        Ok(None) => Ok(Vec::new()),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether the contents of the policy's files differ from those loaded.
async fn content_changed(service: &Service) -> bool {
    let source = service.source().clone();
    let digest = tokio::task::spawn_blocking(move || loaded::content_digest(&source)).await;
    match digest {
        Ok(Ok(digest)) => digest != service.current().files.content,
        // A file that cannot be read now: let the reload say why.
        _ => true,
    }
}

async fn look_cert(cert: &Certificate) -> Result<Stats, String> {
    let files = cert.files().clone();
    tokio::task::spawn_blocking(move || {
        [files.cert, files.key]
            .into_iter()
            .map(|path| {
                let meta =
                    std::fs::metadata(&path).map_err(|e| format!("`{}`: {e}", path.display()))?;
                Ok((path, meta.len(), meta.modified().ok()))
            })
            .collect()
    })
    .await
    .map_err(|e| e.to_string())?
}
