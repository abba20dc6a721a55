//! Work on many inputs on every core, with the results in input order.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many workers to use: `requested` (`--jobs`), else one per core.
pub fn workers(requested: Option<NonZeroUsize>) -> usize {
    requested
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
}

/// Applies `work` to every item on up to `jobs` threads and returns the results in item
/// order. Each thread makes its own state with `init` (an `Evaluator` is not `Send`, so
/// it is made where it is used) and takes the next item when it is done with one.
///
/// An error stops the run the way a sequential run stops: the error returned is the
/// one of the first failing item in order. Items after a failed one may be skipped;
/// every item before it is done, so that an earlier error is always found.
pub fn try_map<T, S, R, E>(
    items: &[T],
    jobs: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    let threads = jobs.min(items.len());
    if threads <= 1 {
        let mut state = init();
        return items.iter().map(|item| work(&mut state, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let first_error = AtomicUsize::new(usize::MAX);
    let worker = || {
        let mut state = init();
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            if i > first_error.load(Ordering::Relaxed) {
                break;
            }
            let result = work(&mut state, item);
            if result.is_err() {
                first_error.fetch_min(i, Ordering::Relaxed);
            }
            done.push((i, result));
        }
        done
    };
    let mut slots: Vec<Option<Result<R, E>>> = items.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
        for handle in handles {
            match handle.join() {
                Ok(done) => {
                    for (i, result) in done {
                        if let Some(slot) = slots.get_mut(i) {
                            *slot = Some(result);
                        }
                    }
                }
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
    });
    // Only items after the first error can be missing; collecting stops at that error.
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::try_map;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        for jobs in [1, 2, 7] {
            let out: Result<Vec<u64>, ()> = try_map(
                &items,
                jobs,
                || 0u64,
                |seen, n| {
                    *seen += 1;
                    Ok(n * n)
                },
            );
            assert_eq!(out, Ok(items.iter().map(|n| n * n).collect()));
        }
    }

    #[test]
    fn the_first_error_in_order_wins() {
        let items: Vec<u32> = (0..500).collect();
        for jobs in [1, 3, 8] {
            let out: Result<Vec<u32>, u32> = try_map(
                &items,
                jobs,
                || (),
                |(), &n| if n % 97 == 96 { Err(n) } else { Ok(n) },
            );
            assert_eq!(out, Err(96));
        }
    }
}
