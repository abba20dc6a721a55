//! The evaluation workers: threads off the async executor, each keeping a warm
//! `Evaluator` of the policy served (constants built, patterns compiled), which it
//! builds again when a job comes for another policy. A cold evaluator costs about
//! twenty times a warm evaluation of a Kubernetes object, so evaluators are not made
//! per request. `Evaluator` is not `Send`: it never leaves its thread.

use crate::error::ApiError;
use crate::loaded::Loaded;
use axum::http::StatusCode;
use pol::Evaluator;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a worker runs: given the policy of the job and its evaluator.
type Work = Box<dyn for<'p> FnOnce(&'p Loaded, &mut Evaluator<'p>) + Send>;

struct Job {
    loaded: Arc<Loaded>,
    work: Work,
}

/// The workers, fed from one queue: a slow evaluation holds one of them, not the
/// others.
pub struct Pool {
    queue: Mutex<Sender<Job>>,
}

fn internal(message: &str) -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
}

impl Pool {
    /// Starts `workers` threads (at least one).
    pub fn new(workers: usize) -> std::io::Result<Pool> {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..workers.max(1) {
            let rx = Arc::clone(&rx);
            std::thread::Builder::new()
                .name(format!("pol-eval-{i}"))
                .spawn(move || worker(&rx))?;
        }
        Ok(Pool {
            queue: Mutex::new(tx),
        })
    }

    /// Runs `work` on a worker with an evaluator of `loaded`, and waits for it until
    /// `deadline` (and a little longer, for the evaluator to see its own deadline
    /// pass): `503` after that.
    pub async fn run<T: Send + 'static>(
        &self,
        loaded: Arc<Loaded>,
        deadline: Instant,
        work: impl for<'p> FnOnce(&'p Loaded, &mut Evaluator<'p>) -> Result<T, ApiError>
        + Send
        + 'static,
    ) -> Result<T, ApiError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job = Job {
            loaded,
            work: Box::new(move |loaded, evaluator| {
                let _ = tx.send(work(loaded, evaluator));
            }),
        };
        self.queue
            .lock()
            .map_err(|_| internal("the evaluation queue is unusable"))?
            .send(job)
            .map_err(|_| internal("the evaluation workers stopped"))?;
        let grace = deadline + Duration::from_millis(250);
        match tokio::time::timeout_at(grace.into(), rx).await {
            Err(_) => Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "the decision took longer than the request may (`--request-timeout`)",
            )),
            Ok(Err(_)) => Err(internal("the evaluation stopped unexpectedly")),
            Ok(Ok(result)) => result,
        }
    }
}

/// A worker: takes jobs until the queue closes; keeps its evaluator while the jobs are
/// for the same policy.
fn worker(queue: &Mutex<Receiver<Job>>) {
    let next = || queue.lock().ok()?.recv().ok();
    let Some(mut job) = next() else { return };
    loop {
        let loaded = Arc::clone(&job.loaded);
        let mut evaluator = loaded.policy.evaluator();
        if !loaded.data.is_empty() {
            evaluator.set_data(&loaded.data);
        }
        for (name, value) in &loaded.options {
            // Checked when the policy was loaded.
            let _ = evaluator.set_option(name, value);
        }
        loop {
            let work = job.work;
            // A bug that panics fails its request (its sender is dropped), not the
            // worker; the evaluator it left is not used again.
            let ran = catch_unwind(AssertUnwindSafe(|| work(&loaded, &mut evaluator)));
            let Some(following) = next() else { return };
            job = following;
            if ran.is_err() || !Arc::ptr_eq(&job.loaded, &loaded) {
                break;
            }
        }
    }
}
