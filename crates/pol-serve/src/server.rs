//! The server: binding, the accept loop (each connection served by hyper on a task of
//! its own, after its TLS handshake), signals (`SIGTERM` and `ctrl-c` drain and stop,
//! `SIGHUP` reloads), the watcher of files, and graceful shutdown.

use crate::config::Config;
use crate::loaded::LoadError;
use crate::reload;
use crate::routes::router;
use crate::state::Service;
use crate::tls::{self, Certificate};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Why the service could not start, or stopped.
#[derive(Debug)]
pub enum ServeError {
    /// The policy (or the decision log) did not load.
    Load(LoadError),
    /// The TLS certificate or key did not load.
    Tls(String),
    /// The address could not be bound, or the runtime not started.
    Io(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Load(e) => write!(f, "{e}"),
            ServeError::Tls(e) => write!(f, "TLS: {e}"),
            ServeError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// A bound service, ready to [`serve`](Server::serve).
pub struct Server {
    listener: TcpListener,
    service: Arc<Service>,
    cert: Option<Arc<Certificate>>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    watch_interval: Option<Duration>,
}

impl Server {
    /// Loads the policy and the certificate, opens the decision log and binds the
    /// address (inside a Tokio runtime).
    pub async fn bind(config: &Config) -> Result<Server, ServeError> {
        let loader = config.clone();
        let service = tokio::task::spawn_blocking(move || Service::new(&loader))
            .await
            .map_err(|e| ServeError::Io(std::io::Error::other(e)))?
            .map_err(ServeError::Load)?;
        let (cert, acceptor) = match &config.tls {
            Some(files) => {
                let cert = Arc::new(Certificate::load(files).map_err(ServeError::Tls)?);
                let acceptor = tls::acceptor(Arc::clone(&cert)).map_err(ServeError::Tls)?;
                (Some(cert), Some(acceptor))
            }
            None => (None, None),
        };
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(ServeError::Io)?;
        Ok(Server {
            listener,
            service: Arc::new(service),
            cert,
            acceptor,
            watch_interval: config.watch_interval,
        })
    }

    /// The address bound (with the port chosen, for port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The URL the service answers at.
    pub fn url(&self) -> String {
        let scheme = if self.acceptor.is_some() {
            "https"
        } else {
            "http"
        };
        match self.local_addr() {
            Ok(addr) => format!("{scheme}://{addr}"),
            Err(_) => format!("{scheme}://?"),
        }
    }

    /// The service (its policy, to reload or swap).
    pub fn service(&self) -> &Arc<Service> {
        &self.service
    }

    /// Serves until `shutdown` completes, then stops accepting, lets the requests in
    /// flight finish (for at most the drain timeout) and returns.
    pub async fn serve(self, shutdown: impl Future<Output = ()>) {
        let Server {
            listener,
            service,
            cert,
            acceptor,
            watch_interval,
        } = self;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        if let Some(interval) = watch_interval.filter(|i| !i.is_zero()) {
            tokio::spawn(reload::watch_files(
                Arc::clone(&service),
                cert.clone(),
                interval,
                stop_rx,
            ));
        }
        let app = router(Arc::clone(&service));
        let graceful = GracefulShutdown::new();
        let header_timeout = service.limits.header_timeout;
        tokio::pin!(shutdown);
        loop {
            let (stream, _peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, say: wait rather than spin.
                        eprintln!("pol serve: cannot accept a connection: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let hyper_service = TowerToHyperService::new(app.clone());
            let watcher = graceful.watcher();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let mut http = hyper::server::conn::http1::Builder::new();
                http.timer(TokioTimer::new())
                    .header_read_timeout(header_timeout);
                match acceptor {
                    None => {
                        let conn = http.serve_connection(TokioIo::new(stream), hyper_service);
                        let _ = watcher.watch(conn).await;
                    }
                    Some(acceptor) => {
                        let handshake =
                            tokio::time::timeout(header_timeout, acceptor.accept(stream)).await;
                        if let Ok(Ok(tls)) = handshake {
                            let conn = http.serve_connection(TokioIo::new(tls), hyper_service);
                            let _ = watcher.watch(conn).await;
                        }
                    }
                }
            });
        }
        service.drain();
        let _ = stop_tx.send(true);
        drop(listener);
        let drain = service.limits.drain_timeout;
        if tokio::time::timeout(drain, graceful.shutdown())
            .await
            .is_err()
        {
            eprintln!(
                "pol serve: requests still in flight after {}s; stopping",
                drain.as_secs()
            );
        }
    }
}

/// Completes on `SIGTERM` or `ctrl-c`; reloads the policy (and certificate) on
/// `SIGHUP` meanwhile.
async fn signals(service: Arc<Service>, cert: Option<Arc<Certificate>>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let hangup = signal(SignalKind::hangup());
        let terminate = signal(SignalKind::terminate());
        let (Ok(mut hangup), Ok(mut terminate)) = (hangup, terminate) else {
            eprintln!("pol serve: cannot listen for signals; stop with ctrl-c");
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        loop {
            tokio::select! {
                _ = hangup.recv() => {
                    service.reload("SIGHUP").await;
                    if let Some(cert) = &cert {
                        reload::reload_cert(cert, "SIGHUP");
                    }
                }
                _ = terminate.recv() => return,
                _ = tokio::signal::ctrl_c() => return,
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (service, cert);
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the service of `config` until `SIGTERM` or `ctrl-c`: what `pol serve` does.
/// Prints `pol serve: listening on URL` on standard error once it answers.
pub fn run(config: &Config) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.workers.max(1))
        .enable_io()
        .enable_time()
        .thread_name("pol-serve")
        .build()
        .map_err(ServeError::Io)?;
    runtime.block_on(async {
        let server = Server::bind(config).await?;
        let loaded = server.service().current();
        eprintln!(
            "pol serve: serving policy {} ({} rules)",
            loaded.digest,
            loaded.policy.rules().len()
        );
        eprintln!("pol serve: listening on {}", server.url());
        let stop = signals(Arc::clone(server.service()), server.cert.clone());
        server.serve(stop).await;
        eprintln!("pol serve: stopped");
        Ok(())
    })
}
