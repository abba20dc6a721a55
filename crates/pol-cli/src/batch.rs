//! Work on many inputs on every core, with the results in input order: collected
//! ([`try_map`]) or handed out as soon as every result before them is done
//! ([`for_each_ordered`]).

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

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

/// Applies `work` to every item on up to `jobs` threads and hands each result to
/// `consume` on the calling thread, in item order, as soon as it and every result
/// before it are done: a long run streams. Workers stay at most a few items ahead of
/// the one `consume` waits for, so results held out of order stay few. When `consume`
/// returns `false`, workers stop taking items and the rest are not done.
pub fn for_each_ordered<T, S, R>(
    items: &[T],
    jobs: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> R + Sync,
    mut consume: impl FnMut(usize, R) -> bool,
) where
    T: Sync,
    R: Send,
{
    let threads = jobs.min(items.len());
    if threads <= 1 {
        let mut state = init();
        for (i, item) in items.iter().enumerate() {
            if !consume(i, work(&mut state, item)) {
                return;
            }
        }
        return;
    }
    // Items a worker may start ahead of the next one to hand out.
    let window = threads * 4;
    let next = AtomicUsize::new(0);
    // The index of the next result to hand out, or `usize::MAX` once stopped.
    let handed = Mutex::new(0usize);
    let moved = Condvar::new();
    let (send, receive) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let send = send.clone();
            let (init, work, next, handed, moved) = (&init, &work, &next, &handed, &moved);
            scope.spawn(move || {
                let mut state = init();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    {
                        let Ok(mut at) = handed.lock() else { break };
                        while *at != usize::MAX && i >= at.saturating_add(window) {
                            at = match moved.wait(at) {
                                Ok(at) => at,
                                Err(_) => return,
                            };
                        }
                        if *at == usize::MAX {
                            break;
                        }
                    }
                    if send.send((i, work(&mut state, item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
        let mut at = 0usize;
        let mut go_on = true;
        for (i, result) in &receive {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&at) {
                go_on = consume(at, result);
                at += 1;
                if let Ok(mut shared) = handed.lock() {
                    *shared = if go_on { at } else { usize::MAX };
                }
                moved.notify_all();
                if !go_on {
                    break;
                }
            }
            if !go_on {
                break;
            }
        }
        // Stopped early: let the workers see it and drain what they send.
        if !go_on {
            for _ in receive.try_iter() {}
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{for_each_ordered, try_map};

    #[test]
    fn ordered_results_come_in_item_order_and_stop_when_asked() {
        let items: Vec<u64> = (0..2000).collect();
        for jobs in [1, 2, 5] {
            let mut seen = Vec::new();
            for_each_ordered(
                &items,
                jobs,
                || (),
                |(), n| {
                    // Uneven work, so that results are done out of order.
                    if n % 7 == 0 {
                        std::thread::yield_now();
                    }
                    n * 3
                },
                |i, r| {
                    assert_eq!(r, items[i] * 3);
                    seen.push(i);
                    true
                },
            );
            assert_eq!(seen, (0..2000).collect::<Vec<usize>>(), "jobs {jobs}");
            let mut count = 0;
            for_each_ordered(
                &items,
                jobs,
                || (),
                |(), n| *n,
                |_, _| {
                    count += 1;
                    count < 10
                },
            );
            assert_eq!(count, 10, "stops at once when told, jobs {jobs}");
        }
    }

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
