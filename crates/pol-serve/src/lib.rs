//! pol's HTTP decision service (`pol serve`, docs/serve.md): decisions for JSON or YAML
//! bodies in the JSON shape of `pol eval --format json`, Kubernetes admission reviews,
//! health, readiness and Prometheus metrics, over HTTP or TLS (rustls, certificates
//! reloaded when their files change), with the policy reloaded on change or `SIGHUP`
//! and swapped atomically.
//!
//! The command line (`pol serve`) only parses flags into a [`Config`] and calls
//! [`run`]; a program that embeds the service builds the same [`Config`], or mounts
//! [`router`] in its own server.
//!
//! Unlike pol's core crates, this crate does I/O: it reads policy files, certificates
//! and sockets, and writes the decision log.

mod admission;
mod config;
mod decide;
mod error;
mod limits;
mod loaded;
mod log;
mod metrics;
mod pool;
mod reload;
mod routes;
mod server;
mod state;
mod tls;

pub use config::{Config, DecisionLogTarget, Limits, PolicySource, Source, TlsFiles};
pub use loaded::{LoadError, Loaded};
pub use routes::router;
pub use server::{ServeError, Server, run};
pub use state::Service;

/// The response header that names the digest of the program that made a decision
/// (`pol-policy-digest: 3f1c...`): a request sees one program, the old or the new.
pub const DIGEST_HEADER: &str = "pol-policy-digest";
