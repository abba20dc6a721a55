//! `pol serve`: the HTTP decision service (docs/serve.md). The flags become a
//! `pol_serve::Config`; the service is `pol-serve`'s.

use crate::EXIT_USAGE;
use crate::eval::LevelArg;
use crate::limit_args::{parse_count, parse_duration, parse_size, parse_steps};
use crate::policies::PolicyArgs;
use pol_serve::{Config, DecisionLogTarget, Limits, PolicySource, Source, TlsFiles};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `pol serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    #[command(flatten)]
    data: crate::data_args::DataArgs,
    /// The project's settings (`pol.toml`, docs/suppression.md): rules skipped, kept
    /// or given another severity, packs turned off, the level, pack and policy
    /// options, data files, decision-log redaction. Read at start; none by default.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The address to listen on (port 0: any free port; the address is printed).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8181")]
    addr: SocketAddr,
    /// Serve HTTPS with this certificate chain (PEM), read again when it changes.
    #[arg(long, value_name = "FILE.pem", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of `--tls-cert` (PEM).
    #[arg(long, value_name = "FILE.pem", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// How often the policy's and certificate's files are looked at for changes, as
    /// `2s`; `0`: only on SIGHUP.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    watch_interval: Duration,
    /// Largest request body, as `1M`: larger is refused (413).
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_size)]
    max_body: u64,
    /// Deepest nesting of lists and objects in a request's document: deeper is refused
    /// (400).
    #[arg(long, value_name = "N", default_value = "128", value_parser = parse_count)]
    max_depth: NonZeroUsize,
    /// Time a request may take, from its headers to its decision, as `10s`: a body not
    /// received by then is 408, a decision not made by then 503.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    request_timeout: Duration,
    /// Decision requests served at once: more are refused at once (503).
    #[arg(long, value_name = "N", default_value = "256", value_parser = parse_count)]
    max_concurrent: NonZeroUsize,
    /// Steps one evaluation may take, on top of 200 per node of its document.
    #[arg(long, value_name = "N", default_value_t = pol::Limits::default().steps,
          value_parser = parse_steps)]
    max_steps: u64,
    /// Bytes of values one evaluation may build, as `512M`.
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = parse_size)]
    max_memory: u64,
    /// The service's threads: each answers requests and evaluates them, keeping a warm
    /// evaluator (default: one a core, at least 2).
    #[arg(long, value_name = "N", value_parser = parse_count)]
    workers: Option<NonZeroUsize>,
    /// How long a shutdown (SIGTERM, ctrl-c) waits for the requests in flight.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    drain_timeout: Duration,
    /// Which rules run (as `pol eval --level`).
    #[arg(long = "level", value_enum, value_name = "LEVEL")]
    rule_level: Option<LevelArg>,
    /// Append a hash-chained record of every decision to FILE (docs/decision-log.md);
    /// `-`: to standard output, for a cluster's log pipeline.
    #[arg(long, value_name = "FILE")]
    decision_log: Option<PathBuf>,
    /// Keep what the input holds at this path out of the decision log (repeatable).
    #[arg(long, value_name = "PATH", requires = "decision_log")]
    decision_log_redact: Vec<String>,
}

/// Runs `pol serve` until SIGTERM or ctrl-c; returns the exit code.
pub fn run(args: &ServeArgs) -> u8 {
    let p = &args.policy;
    let source = if let Some(bundle) = &p.bundle {
        PolicySource::Bundle(bundle.clone())
    } else if p.policies.is_empty() {
        PolicySource::Packs
    } else {
        PolicySource::Sources {
            paths: p.policies.clone(),
            packs: p.packs,
            optimize: p.opt.optimize(),
        }
    };
    let (settings, settings_dir) = match &args.config {
        None => (pol::config::Config::default(), None),
        Some(path) => match crate::eval::find_config(Some(path), &[]) {
            Ok(found) => found,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        },
    };
    let data = args
        .data
        .paths(&settings.data_files, settings_dir.as_deref());
    let mut config = Config::new(
        args.addr,
        Source {
            policy: source,
            data,
            verify_key: p.verify_key.clone(),
            options: settings
                .options
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        },
    );
    config.tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        }),
        _ => None,
    };
    config.watch_interval = (!args.watch_interval.is_zero()).then_some(args.watch_interval);
    config.decision_log = args.decision_log.as_ref().map(|path| {
        if path.as_os_str() == "-" {
            DecisionLogTarget::Stdout
        } else {
            DecisionLogTarget::File(path.clone())
        }
    });
    config.decision_log_redact = settings
        .decision_log_redact
        .iter()
        .chain(&args.decision_log_redact)
        .cloned()
        .collect();
    if let Some(workers) = args.workers {
        config.workers = workers.get();
    }
    config.level = args
        .rule_level
        .map(Into::into)
        .or(settings.level)
        .unwrap_or_default();
    config.suppression = pol::suppress::Suppression {
        rules: settings.rules(),
        config: settings,
        ..pol::suppress::Suppression::default()
    };
    config.limits = Limits {
        max_body: usize::try_from(args.max_body).unwrap_or(usize::MAX),
        max_depth: args.max_depth.get(),
        request_timeout: if args.request_timeout.is_zero() {
            Duration::from_secs(10)
        } else {
            args.request_timeout
        },
        max_concurrent: args.max_concurrent.get(),
        drain_timeout: args.drain_timeout,
        eval: pol::Limits {
            steps: args.max_steps,
            memory: args.max_memory,
            ..pol::Limits::default()
        },
        ..Limits::default()
    };
    match pol_serve::run(&config) {
        Ok(()) => crate::EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}
