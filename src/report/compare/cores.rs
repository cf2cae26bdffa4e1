//! Work shared out over every core in pieces taken in order: either every result handed back
//! at the end, or each handed on in input order as soon as those before it are done, so that
//! the calling thread can write a comparison's rows while the cores compute the next ones.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex, MutexGuard};

/// How many pieces a core may be ahead of the one handed on last: enough that a core never
/// waits for another's slower piece, few enough that the pieces held stay a few megabytes.
pub(super) const AHEAD_PER_CORE: usize = 4;

/// How many threads compute: one per core, at most 8, no more than there are pieces.
pub(super) fn workers(n: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(n.max(1))
}

/// `work(state, i)` for every `i` in `0..n`, on every core: the results in order of `i`, and
/// each core's state (made by `init`, carried from one `i` to the next it takes).
pub(super) fn on_every_core<S: Send, T: Send>(
    n: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) -> T + Sync,
) -> (Vec<T>, Vec<S>) {
    let mut all = Vec::with_capacity(n);
    let states = in_order_on_every_core(n, init, work, |t| all.push(t));
    (all, states)
}

/// How far the pieces have been handed on, for the cores that wait to run no further ahead;
/// `stop` lets them go when a thread failed (nothing more will be handed on).
struct Gate {
    handed: Mutex<usize>,
    moved: Condvar,
    stop: AtomicBool,
}

impl Gate {
    /// A gate before any piece is handed on.
    fn new() -> Gate {
        Gate {
            handed: Mutex::new(0),
            moved: Condvar::new(),
            stop: AtomicBool::new(false),
        }
    }

    fn handed(&self) -> MutexGuard<'_, usize> {
        // A thread that failed holding it left a plain number behind: still good to read.
        self.handed.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until piece `i` may be computed: fewer than `ahead` pieces past those handed on.
    /// False when the work is given up.
    fn wait_for(&self, i: usize, ahead: usize) -> bool {
        let mut handed = self.handed();
        while i >= *handed + ahead && !self.stop.load(Ordering::Relaxed) {
            handed = self.moved.wait(handed).unwrap_or_else(|e| e.into_inner());
        }
        !self.stop.load(Ordering::Relaxed)
    }

    fn hand_on(&self, count: usize) {
        *self.handed() = count;
        self.moved.notify_all();
    }
}

/// Lets every waiting core go should the thread holding it fail, so that the failure is
/// seen (and passed on) instead of every thread waiting for ever.
struct StopOnPanic<'g>(&'g Gate);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop.store(true, Ordering::Relaxed);
            let _lock = self.0.handed();
            self.0.moved.notify_all();
        }
    }
}

/// `work(state, i)` for every `i` in `0..n`, on every core, each result handed to `put` on
/// the calling thread in order of `i` as soon as those before it are; returns each core's
/// state (made by `init`, carried from one `i` to the next it takes). A core runs at most a
/// few pieces ahead of the last one handed on, so few results are ever held at once.
pub(super) fn in_order_on_every_core<S: Send, T: Send>(
    n: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) -> T + Sync,
    mut put: impl FnMut(T),
) -> Vec<S> {
    let workers = workers(n);
    let ahead = AHEAD_PER_CORE * workers;
    let next = AtomicUsize::new(0);
    let gate = Gate::new();
    let (init, work, next, gate) = (&init, &work, &next, &gate);
    std::thread::scope(|scope| {
        let (done, results) = mpsc::channel::<(usize, T)>();
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let done = done.clone();
                scope.spawn(move || {
                    let _stop = StopOnPanic(gate);
                    let mut state = init();
                    loop {
                        // Pieces are taken in order, so the earliest one not yet handed on
                        // is always being computed: waiting for it cannot wait for ever.
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n || !gate.wait_for(i, ahead) {
                            return state;
                        }
                        let t = work(&mut state, i);
                        if done.send((i, t)).is_err() {
                            return state;
                        }
                    }
                })
            })
            .collect();
        drop(done);
        {
            let _stop = StopOnPanic(gate);
            let mut held = BTreeMap::new();
            let mut handed = 0;
            // Ends when every core has finished (or failed).
            for (i, t) in results.iter() {
                held.insert(i, t);
                while let Some(t) = held.remove(&handed) {
                    put(t);
                    handed += 1;
                    gate.hand_on(handed);
                }
            }
        }
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_handed_on_in_order_however_long_each_piece_takes() {
        let n = 200;
        let mut seen = Vec::new();
        let states = in_order_on_every_core(
            n,
            || 0usize,
            |count, i| {
                // Pieces of uneven length finish out of order.
                if i % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                *count += 1;
                i * 3
            },
            |t| seen.push(t),
        );
        assert_eq!(seen, (0..n).map(|i| i * 3).collect::<Vec<_>>());
        assert_eq!(states.iter().sum::<usize>(), n);
    }

    #[test]
    fn no_piece_is_computed_far_ahead_of_the_last_one_handed_on() {
        let handed = AtomicUsize::new(0);
        let most_ahead = AtomicUsize::new(0);
        let ahead = AHEAD_PER_CORE * workers(500);
        in_order_on_every_core(
            500,
            || (),
            |_, i| {
                let gap = i - handed.load(Ordering::SeqCst);
                most_ahead.fetch_max(gap, Ordering::SeqCst);
                i
            },
            |_| {
                handed.fetch_add(1, Ordering::SeqCst);
            },
        );
        assert!(most_ahead.load(Ordering::SeqCst) < ahead);
    }

    #[test]
    fn nothing_to_do_hands_on_nothing() {
        let mut seen = Vec::<usize>::new();
        let states = in_order_on_every_core(0, || 1, |_, i| i, |t| seen.push(t));
        assert!(seen.is_empty());
        assert_eq!(states, [1]);
    }

    #[test]
    fn a_failing_piece_fails_the_call_instead_of_leaving_it_waiting() {
        let r = std::panic::catch_unwind(|| {
            in_order_on_every_core(100, || (), |_, i| assert_ne!(i, 3), |_| {})
        });
        assert!(r.is_err());
    }
}
