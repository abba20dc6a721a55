//! What a service is started with: where it listens, its policy's source, its limits,
//! TLS files and decision log.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Where the policy comes from: what `pol eval` takes (`-p`, `--packs`, `-b`).
#[derive(Debug, Clone)]
pub enum PolicySource {
    /// The rule packs shipped with pol.
    Packs,
    /// `.pol` files and folders of them (walked), compiled on each load; with the
    /// shipped packs added when `packs`.
    Sources {
        /// The files and folders.
        paths: Vec<PathBuf>,
        /// Add the shipped packs.
        packs: bool,
        /// Run the optimizer (`-O1`).
        optimize: bool,
    },
    /// A compiled program (`.polc`) or a bundle (with data files, signed or not).
    Bundle(PathBuf),
}

/// What a service loads, and loads again when any of its files changes: the policy, the
/// reference data its policies read as `data` (docs/data.md), and the key a bundle must
/// be signed with (docs/bundles.md).
#[derive(Debug, Clone)]
pub struct Source {
    /// The policy.
    pub policy: PolicySource,
    /// Data files (JSON, YAML or TOML, each an object), after a bundle's own.
    pub data: Vec<PathBuf>,
    /// Refuse a bundle that this public key (PEM) did not sign; only with
    /// [`PolicySource::Bundle`].
    pub verify_key: Option<PathBuf>,
    /// Values of `@option` lets by qualified name (`pol.toml`'s `[packs.<pack>]` and
    /// `[options]`), checked against each program loaded: one it does not take is a
    /// failed load.
    pub options: Vec<(String, serde_json::Value)>,
}

impl From<PolicySource> for Source {
    /// The policy alone: no data, no signature required.
    fn from(policy: PolicySource) -> Source {
        Source {
            policy,
            data: Vec::new(),
            verify_key: None,
            options: Vec::new(),
        }
    }
}

/// The certificate chain and private key of the TLS listener, as PEM files, read again
/// when they change.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The certificate chain (leaf first).
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// Where decision-log records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionLogTarget {
    /// Standard output (for a cluster's log pipeline).
    Stdout,
    /// A file, appended to and chained from its last record.
    File(PathBuf),
}

/// The limits on requests, each with a safe default ([`Limits::default`]).
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest request body, in bytes (default 1 MiB): larger is `413`.
    pub max_body: usize,
    /// The deepest nesting of a document (default 128): deeper is `400`.
    pub max_depth: usize,
    /// The most nodes of a request's documents (default 1,000,000).
    pub max_nodes: usize,
    /// The time a request may take, from its headers to its decision (default 10 s):
    /// a body not received by then is `408`, a decision not made by then `503`.
    pub request_timeout: Duration,
    /// The most decision requests at once (default 256): more are `503` at once.
    pub max_concurrent: usize,
    /// The time to wait for the headers of a request on an open connection, and for
    /// a TLS handshake (default 10 s).
    pub header_timeout: Duration,
    /// How long a shutdown waits for requests in flight (default 30 s).
    pub drain_timeout: Duration,
    /// The limits of each evaluation (steps, memory); its time is the request's.
    pub eval: pol::Limits,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: 1 << 20,
            max_depth: 128,
            max_nodes: 1_000_000,
            request_timeout: Duration::from_secs(10),
            max_concurrent: 256,
            header_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(30),
            eval: pol::Limits::default(),
        }
    }
}

impl Limits {
    /// The loader's limits for a request body.
    pub fn load_limits(&self) -> pol::LoadLimits {
        let mut limits = pol::LoadLimits::default();
        limits.max_input_bytes = self.max_body;
        limits.max_depth = self.max_depth;
        limits.max_nodes = self.max_nodes;
        limits
    }
}

/// Everything a service is started with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on (port 0: any free port, printed at start).
    pub addr: SocketAddr,
    /// The policy, its data and the key its bundle must be signed with.
    pub source: Source,
    /// Serve HTTPS with these files, else plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Write a hash-chained record of every decision here (docs/decision-log.md).
    pub decision_log: Option<DecisionLogTarget>,
    /// Input paths whose values decision-log records leave out (`jobs.*.env`).
    pub decision_log_redact: Vec<String>,
    /// Which rules run (`regular` by default; docs/suppression.md).
    pub level: pol::suppress::Level,
    /// What is done to each decision before it is answered and logged: the rules
    /// skipped or kept, the severities changed, findings below a severity dropped
    /// (`pol.toml`, as `pol eval` does; none by default). `pol: ignore` comments in a
    /// body are always honoured.
    pub suppression: pol::suppress::Suppression,
    /// How often the policy's (and the certificate's) files are looked at for
    /// changes; `None`: only on `SIGHUP`.
    pub watch_interval: Option<Duration>,
    /// The limits on requests.
    pub limits: Limits,
    /// The service's threads ([`run`](crate::run)'s runtime): each answers requests and
    /// evaluates them, keeping a warm evaluator (default: one a core, at least 2, so
    /// that a slow evaluation does not hold up every other request).
    pub workers: usize,
}

impl Config {
    /// A service of `source` on `addr`, with the defaults: plain HTTP, no decision log,
    /// files looked at every 2 seconds, [`Limits::default`].
    pub fn new(addr: SocketAddr, source: impl Into<Source>) -> Config {
        Config {
            addr,
            source: source.into(),
            tls: None,
            decision_log: None,
            decision_log_redact: Vec::new(),
            level: pol::suppress::Level::default(),
            suppression: pol::suppress::Suppression::default(),
            watch_interval: Some(Duration::from_secs(2)),
            limits: Limits::default(),
            workers: default_workers(),
        }
    }
}

/// One thread a core, at least 2: on 2 cores, 2 threads answered 24% more admission
/// reviews a second than 4 (`benches/src/bin/serve_load.rs`).
pub fn default_workers() -> usize {
    std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .max(2)
}
