//! A bounded load test of `pol serve` on loopback (docs/performance.md, "The decision
//! service"): Kubernetes admission reviews built from every manifest of the corpus,
//! sent over keep-alive HTTP/1.1 connections to a `pol serve` process this program
//! starts (the shipped packs), next to the in-process rate of the same work.
//!
//! ```text
//! cargo build --release -p pol-cli -p pol-benches
//! target/release/serve_load [--pol target/release/pol] [--requests 20000]
//!                           [--connections 64] [--seconds 20]
//! ```
//!
//! It measures, in order:
//! 1. in process, one thread and then two: read the review (JSON), load its object,
//!    evaluate it as a Kubernetes manifest with the packs, write the answer (JSON);
//! 2. the service's peak: `--connections` clients each sending its next review as soon
//!    as the last is answered, for `--requests` reviews;
//! 3. the service at 50% and 80% of that peak, open loop (as wrk2): reviews due on a fixed
//!    schedule, dealt to the same connections, latency counted from each one's due
//!    time (so a stall shows in the tail instead of slowing the sender).
//!
//! Every phase stops after `--requests` reviews or `--seconds`, whichever comes first.
//! Any answer that is not `200` with a review is counted and printed: a run with
//! failures measures nothing.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    pol: PathBuf,
    requests: usize,
    connections: usize,
    seconds: u64,
}

fn parse_args() -> Result<Args, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = Args {
        pol: root.join("target/release/pol"),
        requests: 20_000,
        // Enough that a connection is free when a review is due in the open loop: at
        // 25,000 reviews a second and a millisecond each, 25 are in flight (Little's
        // law); with fewer connections the client itself makes reviews wait.
        connections: 64,
        seconds: 20,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("`{flag}` needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("`{flag}` takes a number above 0, not `{value}`"))
        };
        match flag.as_str() {
            "--pol" => args.pol = PathBuf::from(&value),
            "--requests" => args.requests = number()?,
            "--connections" => args.connections = number()?,
            "--seconds" => args.seconds = number()? as u64,
            _ => return Err(format!("unknown flag `{flag}`")),
        }
    }
    Ok(args)
}

/// One admission review per document of every corpus manifest, as JSON bodies.
fn reviews() -> Result<Vec<Bytes>, String> {
    let dir = match std::env::var_os("POL_BENCH_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/kubernetes"),
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // Manifests that do not load (three of the corpus have a duplicate key) are
        // not sent: a review carries JSON, which has no such thing.
        let Ok(docs) = pol::load(&text, pol::Format::Yaml, None) else {
            continue;
        };
        for doc in docs {
            let object = doc.to_json(doc.root());
            if !object.is_object() {
                continue;
            }
            let kind = object.get("kind").cloned().unwrap_or_default();
            let name = object
                .pointer("/metadata/name")
                .cloned()
                .unwrap_or_default();
            let review = serde_json::json!({
                "apiVersion": "admission.k8s.io/v1",
                "kind": "AdmissionReview",
                "request": {
                    "uid": format!("{:08}", out.len()),
                    "kind": {"group": "", "version": "v1", "kind": kind},
                    "operation": "CREATE",
                    "namespace": "bench",
                    "name": name,
                    "object": object,
                }
            });
            out.push(Bytes::from(review.to_string()));
        }
    }
    if out.is_empty() {
        return Err(format!("no manifest in `{}`", dir.display()));
    }
    Ok(out)
}

/// What the service does for one review, in process: read it, load its object,
/// evaluate it, write the answer. Returns whether the object was allowed.
fn decide_in_process(evaluator: &mut pol::Evaluator<'_>, body: &[u8]) -> bool {
    let Ok(review) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let (Some(uid), Some(object)) = (
        review.pointer("/request/uid"),
        review.pointer("/request/object"),
    ) else {
        return false;
    };
    let text = object.to_string();
    let Ok(docs) = pol::load_shaped(&text, pol::Format::Json, Some("object"), evaluator.shape())
    else {
        return false;
    };
    let mut allowed = true;
    let mut messages = Vec::new();
    for doc in &docs {
        let decision = evaluator.evaluate_kind(doc, Some(pol::kind::KUBERNETES));
        allowed &= decision.allowed;
        messages.extend(decision.violations.iter().map(|f| f.message.clone()));
    }
    let answer = serde_json::json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "response": {"uid": uid, "allowed": allowed, "status": {"message": messages.join("; ")}},
    });
    std::hint::black_box(answer.to_string());
    allowed
}

/// Reviews decided per second in process, on `threads` threads sharing the work.
fn in_process(policy: &pol::Policy, reviews: &[Bytes], count: usize, threads: usize) -> f64 {
    let start = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..threads {
            scope.spawn(move || {
                let mut evaluator = policy.evaluator();
                for i in (t..count).step_by(threads) {
                    if let Some(body) = reviews.get(i % reviews.len()) {
                        decide_in_process(&mut evaluator, body);
                    }
                }
            });
        }
    });
    count as f64 / start.elapsed().as_secs_f64()
}

/// A `pol serve` process on a free loopback port, stopped when dropped.
struct Service {
    child: Child,
    url: String,
}

impl Service {
    /// The CPU time the service has used so far (user and system, from `/proc`).
    fn cpu(&self) -> Option<Duration> {
        process_cpu(&format!("/proc/{}/stat", self.child.id()))
    }

    fn start(pol: &Path) -> Result<Service, String> {
        let mut child = Command::new(pol)
            .args(["serve", "--addr", "127.0.0.1:0", "--watch-interval", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot run `{}`: {e} (build it with `cargo build --release -p pol-cli`)",
                    pol.display()
                )
            })?;
        let stderr = child.stderr.take().ok_or("no standard error")?;
        let mut lines = BufReader::new(stderr).lines();
        let url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.split("listening on ").nth(1) {
                        break url.to_owned();
                    }
                }
                _ => {
                    let _ = child.kill();
                    return Err("pol serve stopped before it listened".to_owned());
                }
            }
        };
        // Keep reading standard error so that the service never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Service { child, url })
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The user and system CPU time of a process, from its `/proc/.../stat` (Linux; `None`
/// elsewhere).
fn process_cpu(stat: &str) -> Option<Duration> {
    let text = std::fs::read_to_string(stat).ok()?;
    // The fields after the command name (which may hold spaces) in parentheses.
    let fields: Vec<&str> = text.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    // utime and stime are fields 14 and 15 of the file: 11 and 12 after the name.
    let total = ticks(11)? + ticks(12)?;
    // Clock ticks are 100 a second on every Linux pol runs on (`getconf CLK_TCK`).
    Some(Duration::from_millis(total * 10))
}

type Http = Client<HttpConnector, Full<Bytes>>;

/// The open-loop rates, as fractions of the measured peak: the issue's 80%, and half
/// for a service with room to spare.
const FRACTIONS: [f64; 2] = [0.5, 0.8];

/// Sends one review; its latency, or why it failed.
async fn send(client: &Http, uri: &hyper::Uri, body: Bytes) -> Result<(), String> {
    let request = hyper::Request::post(uri.clone())
        .header("content-type", "application/json")
        .body(Full::new(body))
        .map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    if status != hyper::StatusCode::OK || !bytes.starts_with(b"{") {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&bytes)));
    }
    Ok(())
}

/// What one phase against the service gave.
struct Phase {
    rate: f64,
    latencies: Vec<Duration>,
    failures: Vec<String>,
}

impl Phase {
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(at).copied().unwrap_or_default()
    }
}

/// Closed loop: `connections` clients, each sending its next review when the last is
/// answered, until `count` reviews or `limit`.
async fn peak(
    client: &Http,
    uri: &hyper::Uri,
    reviews: &Arc<Vec<Bytes>>,
    count: usize,
    connections: usize,
    limit: Duration,
) -> Phase {
    let start = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, uri, reviews, next) = (
            client.clone(),
            uri.clone(),
            Arc::clone(reviews),
            Arc::clone(&next),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count || start.elapsed() > limit {
                    break;
                }
                let body = reviews.get(i % reviews.len()).cloned().unwrap_or_default();
                let sent = Instant::now();
                match send(&client, &uri, body).await {
                    Ok(()) => latencies.push(sent.elapsed()),
                    Err(e) => failures.push(e),
                }
            }
            (latencies, failures)
        }));
    }
    collect(tasks, start).await
}

/// Open loop (as wrk2 does it): a review due every `1 / rate` seconds, the schedule
/// dealt round-robin to `connections` clients; a client sends each of its reviews when
/// it is due, or at once when it is behind. A review sent late because its client
/// was still waiting for an answer counts its latency from when it was due, so that a
/// stall shows in the latencies rather than slowing the schedule; one sent on time
/// counts it from when it was sent (the timer wakes up to a millisecond late, which is
/// the client's doing, not the service's).
async fn paced(
    client: &Http,
    uri: &hyper::Uri,
    reviews: &Arc<Vec<Bytes>>,
    count: usize,
    connections: usize,
    rate: f64,
    limit: Duration,
) -> Phase {
    let start = Instant::now();
    let count = count.min((rate * limit.as_secs_f64()) as usize).max(1);
    let mut tasks = Vec::with_capacity(connections);
    for c in 0..connections {
        let (client, uri, reviews) = (client.clone(), uri.clone(), Arc::clone(reviews));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = Vec::new();
            for i in (c..count).step_by(connections) {
                let due = tokio::time::Instant::from_std(
                    start + Duration::from_secs_f64(i as f64 / rate),
                );
                let behind = tokio::time::Instant::now() >= due;
                tokio::time::sleep_until(due).await;
                let from = if behind {
                    due
                } else {
                    tokio::time::Instant::now()
                };
                let body = reviews.get(i % reviews.len()).cloned().unwrap_or_default();
                match send(&client, &uri, body).await {
                    Ok(()) => latencies.push(from.elapsed()),
                    Err(e) => failures.push(e),
                }
            }
            (latencies, failures)
        }));
    }
    collect(tasks, start).await
}

async fn collect(
    tasks: Vec<tokio::task::JoinHandle<(Vec<Duration>, Vec<String>)>>,
    start: Instant,
) -> Phase {
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        match task.await {
            Ok((l, f)) => {
                latencies.extend(l);
                failures.extend(f);
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    Phase {
        rate: latencies.len() as f64 / start.elapsed().as_secs_f64(),
        latencies,
        failures,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let reviews = match reviews() {
        Ok(r) => Arc::new(r),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let policy = match pol::packs::policy() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: the packs do not load: {e}");
            return ExitCode::from(2);
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    // Warm up, then the in-process rates.
    in_process(&policy, &reviews, reviews.len(), 1);
    let one = in_process(&policy, &reviews, args.requests, 1);
    let all = in_process(&policy, &reviews, args.requests, cores);

    let service = match Service::start(&args.pol) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(uri) = format!("{}/v1/admission", service.url).parse::<hyper::Uri>() else {
        eprintln!(
            "error: the service's address `{}` is not a URL",
            service.url
        );
        return ExitCode::from(2);
    };
    // The client: one thread, so that the service has the other cores.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let limit = Duration::from_secs(args.seconds);
    let mut service_cpu = (Duration::ZERO, 0usize);
    let (top, paced_runs) = runtime.block_on(async {
        let client: Http = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(args.connections)
            .build_http();
        // Warm up the connections and the service's evaluators.
        peak(
            &client,
            &uri,
            &reviews,
            reviews.len(),
            args.connections,
            limit,
        )
        .await;
        let before = service.cpu();
        let top = peak(
            &client,
            &uri,
            &reviews,
            args.requests,
            args.connections,
            limit,
        )
        .await;
        if let (Some(before), Some(after)) = (before, service.cpu()) {
            service_cpu = (after.saturating_sub(before), top.latencies.len());
        }
        let mut paced_runs = Vec::new();
        for fraction in FRACTIONS {
            let run = paced(
                &client,
                &uri,
                &reviews,
                args.requests,
                args.connections,
                top.rate * fraction,
                limit,
            )
            .await;
            paced_runs.push(run);
        }
        (top, paced_runs)
    });
    drop(service);

    println!(
        "{} admission reviews ({} distinct, from the corpus manifests), {cores} cores, shipped packs",
        args.requests,
        reviews.len()
    );
    println!();
    println!("| | decisions/s | p50 | p99 |");
    println!("|---|---|---|---|");
    println!("| in process, 1 thread | {one:.0} | | |");
    println!("| in process, {cores} threads | {all:.0} | | |");
    println!(
        "| pol serve, peak ({} connections) | {:.0} | {} | {} |",
        args.connections,
        top.rate,
        ms(top.percentile(0.5)),
        ms(top.percentile(0.99))
    );
    for (fraction, run) in FRACTIONS.iter().zip(&paced_runs) {
        println!(
            "| pol serve, open loop at {:.0}% of peak ({:.0}/s asked) | {:.0} | {} | {} |",
            fraction * 100.0,
            top.rate * fraction,
            run.rate,
            ms(run.percentile(0.5)),
            ms(run.percentile(0.99))
        );
    }
    println!();
    println!(
        "service peak / in process on {cores} threads: {:.2}",
        top.rate / all
    );
    let (cpu, decided) = service_cpu;
    if decided > 0 && !cpu.is_zero() {
        let per = cpu.as_secs_f64() / decided as f64;
        println!(
            "service CPU per decision at peak: {:.0} µs (in process: {:.0} µs); the client took the rest of the {cores} cores",
            per * 1e6,
            1e6 / one
        );
    }
    let failures: Vec<&String> = top
        .failures
        .iter()
        .chain(paced_runs.iter().flat_map(|r| &r.failures))
        .collect();
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        let first = failures.first().map_or("", |f| f.as_str());
        eprintln!(
            "error: {} requests failed; the first: {first}",
            failures.len()
        );
        ExitCode::from(1)
    }
}
