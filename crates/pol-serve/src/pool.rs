//! Evaluation on the executor's own threads, each keeping a warm `Evaluator` of the
//! policy served between requests (constants built, patterns compiled), detached from
//! its program while the thread does other work (`pol::DetachedEvaluator`). A new
//! evaluator costs about twenty times a warm evaluation of a Kubernetes object, and
//! handing each request to a thread of its own and back cost a sixth of the service's
//! time (futex wake-ups and context switches), so neither is done per request.
//!
//! An evaluation holds its thread until it ends: its steps, memory and time are
//! bounded (`--max-steps`, `--max-memory`, the request's time), and the other threads
//! (`--workers`) go on with the other requests meanwhile.

use crate::error::ApiError;
use crate::loaded::Loaded;
use axum::http::StatusCode;
use pol::{DetachedEvaluator, Evaluator};
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

thread_local! {
    /// This thread's evaluator, with the policy it was made for.
    static WARM: RefCell<Option<(Arc<Loaded>, DetachedEvaluator)>> = const { RefCell::new(None) };
}

/// Runs `work` on this thread with an evaluator of `loaded`: the thread's warm one when
/// it was made for `loaded`, else a new one (with the policy's data and options).
pub fn run<T>(
    loaded: &Arc<Loaded>,
    work: impl FnOnce(&Loaded, &mut Evaluator<'_>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let kept = WARM.with(|warm| warm.borrow_mut().take());
    let mut evaluator = match kept {
        Some((held, detached)) if Arc::ptr_eq(&held, loaded) => loaded.policy.attach(detached),
        _ => fresh(loaded),
    };
    // A bug that panics fails its request, not the thread; the evaluator it left is
    // not used again.
    let ran = catch_unwind(AssertUnwindSafe(|| work(loaded, &mut evaluator)));
    match ran {
        Ok(result) => {
            let detached = evaluator.detach();
            WARM.with(|warm| *warm.borrow_mut() = Some((Arc::clone(loaded), detached)));
            result
        }
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the evaluation stopped unexpectedly",
        )),
    }
}

/// A new evaluator of `loaded`, with its data and options.
fn fresh(loaded: &Loaded) -> Evaluator<'_> {
    let mut evaluator = loaded.policy.evaluator();
    if !loaded.data.is_empty() {
        evaluator.set_data(&loaded.data);
    }
    for (name, value) in &loaded.options {
        // Checked when the policy was loaded.
        let _ = evaluator.set_option(name, value);
    }
    evaluator
}
