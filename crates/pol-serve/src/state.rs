//! The service's shared state: the loaded policy behind an atomic pointer, the limits,
//! the metrics, the decision log, and the permits of requests in flight.

use crate::config::{Config, Limits, Source};
use crate::loaded::{LoadError, Loaded};
use crate::log::Log;
use crate::metrics::Metrics;
use arc_swap::ArcSwap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Semaphore;

/// A decision service: what every request reads. Share it in an `Arc`.
pub struct Service {
    current: ArcSwap<Loaded>,
    source: Source,
    pub(crate) limits: Limits,
    pub(crate) level: pol::suppress::Level,
    pub(crate) suppression: pol::suppress::Suppression,
    pub(crate) metrics: Metrics,
    pub(crate) log: Option<Log>,
    pub(crate) permits: Arc<Semaphore>,
    draining: AtomicBool,
    /// One reload at a time (a `SIGHUP` and a change of files may come together).
    reloading: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("digest", &self.current().digest)
            .finish_non_exhaustive()
    }
}

impl Service {
    /// Loads the policy of `config` and opens its decision log: a service ready to
    /// answer.
    pub fn new(config: &Config) -> Result<Service, LoadError> {
        let loaded = Loaded::load(&config.source)?;
        Service::with_loaded(config, loaded)
    }

    /// A service of a policy already loaded.
    pub fn with_loaded(config: &Config, loaded: Loaded) -> Result<Service, LoadError> {
        let log = match &config.decision_log {
            Some(target) => Some(
                Log::open(target, &config.decision_log_redact, loaded.digest).map_err(LoadError)?,
            ),
            None => None,
        };
        let metrics = Metrics::new();
        metrics.loaded(&loaded);
        Ok(Service {
            current: ArcSwap::from_pointee(loaded),
            source: config.source.clone(),
            limits: config.limits.clone(),
            level: config.level,
            suppression: config.suppression.clone(),
            metrics,
            log,
            permits: Arc::new(Semaphore::new(config.limits.max_concurrent)),
            draining: AtomicBool::new(false),
            reloading: tokio::sync::Mutex::new(()),
        })
    }

    /// The policy now served. A request takes it once and keeps it to its end.
    pub fn current(&self) -> Arc<Loaded> {
        self.current.load_full()
    }

    /// Where the policy and its data come from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Serves `loaded` from now on; requests begun before keep the old one.
    pub fn swap(&self, loaded: Loaded) {
        self.metrics.loaded(&loaded);
        self.current.store(Arc::new(loaded));
    }

    /// Loads the policy again (off the executor) and swaps it in; on an error, says
    /// why on standard error and keeps the old one. Returns whether it swapped.
    pub async fn reload(self: &Arc<Self>, why: &str) -> bool {
        let _one = self.reloading.lock().await;
        let source = self.source.clone();
        let loaded = tokio::task::spawn_blocking(move || Loaded::load(&source)).await;
        match loaded {
            Ok(Ok(loaded)) => {
                let old = self.current().digest;
                let new = loaded.digest;
                self.swap(loaded);
                // Logged before it is counted: whoever sees the count finds the line.
                eprintln!("pol serve: reloaded the policy ({why}): {old} -> {new}");
                self.metrics.reloads.inc();
                true
            }
            Ok(Err(e)) => {
                eprintln!(
                    "pol serve: reload failed ({why}); still serving {}:\n{e}",
                    self.current().digest
                );
                self.metrics.reload_failures.inc();
                false
            }
            Err(e) => {
                eprintln!("pol serve: reload failed ({why}): {e}");
                self.metrics.reload_failures.inc();
                false
            }
        }
    }

    /// From now on `/ready` says no (a shutdown has begun).
    pub fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// Whether a shutdown has begun.
    pub fn draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}
