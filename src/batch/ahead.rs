//! How far the workers may run ahead of the slowest of them. Pieces are handed on in input
//! order (`deliver`), so everything finished after a chunk still being computed waits in memory;
//! on a busy machine a worker can be off the processor for tens of milliseconds while the
//! other finishes chunk after chunk. Holding a finished piece until the oldest chunk still
//! at a worker is within a few of it keeps that memory to a few pieces, however long the
//! stall.

use std::collections::BTreeSet;
use std::sync::{Condvar, Mutex};

/// The chunks at the workers, by sequence number.
pub struct RunAhead {
    at_work: Mutex<BTreeSet<u64>>,
    moved: Condvar,
    window: u64,
}

impl RunAhead {
    /// Pieces may be sent at most `window` places after the oldest chunk still at work.
    pub fn new(window: u64) -> RunAhead {
        RunAhead {
            at_work: Mutex::new(BTreeSet::new()),
            moved: Condvar::new(),
            window: window.max(1),
        }
    }

    /// A worker took chunk `seq`: until its ticket is finished (or dropped, should the
    /// worker die), chunks `window` places after it wait.
    pub fn start(&self, seq: u64) -> Ticket<'_> {
        if let Ok(mut at_work) = self.at_work.lock() {
            at_work.insert(seq);
        }
        Ticket {
            ahead: self,
            seq,
            done: false,
        }
    }

    fn leave(&self, seq: u64, wait: bool) {
        let Ok(mut at_work) = self.at_work.lock() else {
            return;
        };
        while wait
            && at_work
                .first()
                .is_some_and(|&oldest| seq >= oldest.saturating_add(self.window))
        {
            at_work = match self.moved.wait(at_work) {
                Ok(guard) => guard,
                Err(_) => return,
            };
        }
        at_work.remove(&seq);
        self.moved.notify_all();
    }
}

/// A chunk at a worker.
pub struct Ticket<'a> {
    ahead: &'a RunAhead,
    seq: u64,
    done: bool,
}

impl Ticket<'_> {
    /// The worker is done with the chunk: returns once it is within the window of the oldest
    /// chunk still at work. The oldest never waits, so neither does any chunk for long.
    pub fn finish(mut self) {
        self.done = true;
        self.ahead.leave(self.seq, true);
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.ahead.leave(self.seq, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[test]
    fn a_stalled_worker_holds_back_pieces_beyond_the_window_only() {
        let ahead = RunAhead::new(3);
        let oldest = ahead.start(0);
        // Within the window of chunk 0: not held.
        for seq in 1..3 {
            ahead.start(seq).finish();
        }
        let third = ahead.start(3);
        let sent = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                third.finish();
                sent.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(Duration::from_millis(200));
            assert!(
                !sent.load(Ordering::SeqCst),
                "chunk 3 waits for chunk 0, three places before it"
            );
            oldest.finish();
        });
        assert!(sent.load(Ordering::SeqCst));
        assert!(ahead.at_work.lock().unwrap().is_empty());
    }

    #[test]
    fn a_worker_that_dies_holds_nothing_back() {
        let ahead = RunAhead::new(1);
        let dead = ahead.start(0);
        let next = ahead.start(1);
        drop(dead);
        // Would wait for chunk 0 forever if its ticket stayed.
        next.finish();
        assert!(ahead.at_work.lock().unwrap().is_empty());
    }
}
