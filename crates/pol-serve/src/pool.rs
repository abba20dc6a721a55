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

/// The rules an evaluator runs: those of a level, of one package or all of them.
#[derive(Clone, PartialEq, Eq)]
pub struct Selection {
    /// The level of the rules that run.
    pub level: pol::suppress::Level,
    /// Only the rules of this package (`/v1/decide/{package}`).
    pub package: Option<String>,
}

/// A thread's evaluator, with the policy it was made for and the rules it runs.
struct Warm {
    loaded: Arc<Loaded>,
    evaluator: DetachedEvaluator,
    selection: Selection,
}

thread_local! {
    /// This thread's evaluator.
    static WARM: RefCell<Option<Warm>> = const { RefCell::new(None) };
}

/// Runs `work` on this thread with an evaluator of `loaded` that runs the rules of
/// `selection`: the thread's warm one when it was made for `loaded` (its rules chosen
/// again only when the selection differs from its last), else a new one (with the
/// policy's data and options).
pub fn run<T>(
    loaded: &Arc<Loaded>,
    selection: &Selection,
    work: impl FnOnce(&Loaded, &mut Evaluator<'_>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let kept = WARM.with(|warm| warm.borrow_mut().take());
    let (mut evaluator, selected) = match kept {
        Some(warm) if Arc::ptr_eq(&warm.loaded, loaded) => {
            (loaded.policy.attach(warm.evaluator), Some(warm.selection))
        }
        _ => (fresh(loaded), None),
    };
    if selected.as_ref() != Some(selection) {
        select(&mut evaluator, selection);
    }
    // A bug that panics fails its request, not the thread; the evaluator it left is
    // not used again.
    let ran = catch_unwind(AssertUnwindSafe(|| work(loaded, &mut evaluator)));
    match ran {
        Ok(result) => {
            let kept = Warm {
                loaded: Arc::clone(loaded),
                evaluator: evaluator.detach(),
                selection: selection.clone(),
            };
            WARM.with(|warm| *warm.borrow_mut() = Some(kept));
            result
        }
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the evaluation stopped unexpectedly",
        )),
    }
}

/// Turns off the rules `selection` leaves out.
fn select(evaluator: &mut Evaluator<'_>, selection: &Selection) {
    let level = selection.level;
    match selection.package.as_deref() {
        Some(package) => evaluator.disable_rules(|rule| {
            !level.admits(&rule.tags)
                || rule.name.rsplit_once('.').is_none_or(|(p, _)| p != package)
        }),
        None => evaluator.disable_rules(|rule| !level.admits(&rule.tags)),
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
