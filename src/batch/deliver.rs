//! Pieces of work handed on in input order by the threads that made them, with no thread of
//! their own: a worker that finishes a piece puts it among those waiting and, unless another
//! thread is handing pieces on already, hands on every piece now next in order itself. A
//! thread that waited for each piece to be sent to it was woken about once a piece, and its
//! writes ran on another core than the one that had just made the bytes. A batch run's
//! chunks and a comparison's blocks are handed on so.
//!
//! A worker asks for its turn ([`Delivery::wait_turn`]) before it computes a piece: no piece
//! is made more than a few places past the last one handed on, so a slow consumer (rows
//! written to a slow pipe or disk) holds the workers back, and they the reader, as a full
//! channel to a writing thread did; otherwise a slow output would leave the whole run's rows
//! in memory.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, TryLockError};

/// How a pass's threads share its pieces on `workers` cores: with two or more, one worker
/// fewer than cores, and the reading thread computes a piece itself whenever the workers have
/// two each waiting ([`Crew::hand`]), so that as many threads compute as there are cores; on
/// one, one worker, and the reading thread only reads (computing there too would gain
/// nothing on one core and hold more at once).
#[derive(Clone, Copy)]
pub(crate) struct Crew {
    /// Whether the reading thread computes pieces too.
    reader_computes: bool,
    /// The threads computing besides the reading one.
    pub(crate) helpers: usize,
    /// The pieces waiting for them at most.
    pub(crate) room: usize,
}

impl Crew {
    /// The crew of `workers` cores (one at least).
    pub(crate) fn of(workers: usize) -> Crew {
        let workers = workers.max(1);
        match workers > 1 {
            true => Crew {
                reader_computes: true,
                helpers: workers - 1,
                room: 2 * (workers - 1),
            },
            false => Crew {
                reader_computes: false,
                helpers: 1,
                room: 1,
            },
        }
    }

    /// Hands `piece` to the workers through `work`, or, when they have all the room holds
    /// and the reading thread computes, to `compute` on this thread (else waits for room):
    /// whether the run goes on.
    pub(crate) fn hand<T>(
        self,
        work: &std::sync::mpsc::SyncSender<T>,
        piece: T,
        compute: impl FnOnce(T) -> bool,
    ) -> bool {
        use std::sync::mpsc::TrySendError;
        match work.try_send(piece) {
            Ok(()) => true,
            Err(TrySendError::Disconnected(_)) => false,
            Err(TrySendError::Full(piece)) if !self.reader_computes => work.send(piece).is_ok(),
            Err(TrySendError::Full(piece)) => compute(piece),
        }
    }

    /// Whether the reading thread computes pieces too.
    pub(crate) fn reader_computes(self) -> bool {
        self.reader_computes
    }
}

/// What takes pieces of type `P`, one at a time, in input order.
pub(crate) trait Consume<P>: Send {
    /// Takes piece `seq`, the next in input order: false once the work is to stop (the
    /// consumer keeps what stopped it).
    fn take(&mut self, seq: u64, piece: P) -> bool;
}

/// The pieces waiting for those before them, the next to hand on, and how many threads wait
/// for their turn.
struct Waiting<P> {
    next: u64,
    pieces: BTreeMap<u64, P>,
    sleepers: usize,
}

/// Pieces given in any order on any thread, handed to the consumer in order (see the module).
pub(crate) struct Delivery<P, C> {
    waiting: Mutex<Waiting<P>>,
    /// Told when a piece is handed on, or the work stops.
    moved: Condvar,
    consumer: Mutex<C>,
    stopped: AtomicBool,
}

/// The waiting pieces; a thread that panicked holding them left nothing half done in them.
fn lock<P>(waiting: &Mutex<Waiting<P>>) -> MutexGuard<'_, Waiting<P>> {
    waiting
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<P, C: Consume<P>> Delivery<P, C> {
    /// Pieces for `consumer`.
    pub(crate) fn new(consumer: C) -> Delivery<P, C> {
        Delivery {
            waiting: Mutex::new(Waiting {
                next: 0,
                pieces: BTreeMap::new(),
                sleepers: 0,
            }),
            moved: Condvar::new(),
            consumer: Mutex::new(consumer),
            stopped: AtomicBool::new(false),
        }
    }

    /// Whether the consumer has stopped the work (or a thread panicked handing a piece on).
    pub(crate) fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// Stops the work: every piece given from now on is dropped, and threads waiting for
    /// their turn go on (to stop too).
    fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        let _waiting = lock(&self.waiting);
        self.moved.notify_all();
    }

    /// Gives piece `seq`, and hands on every piece now next in order, unless another thread
    /// is handing pieces on: that one then hands this one on too (it looks again after it
    /// lets go, and a piece given after that finds nobody at it). False once the work has
    /// stopped; pieces given after that are dropped.
    pub(crate) fn give(&self, seq: u64, piece: P) -> bool {
        lock(&self.waiting).pieces.insert(seq, piece);
        loop {
            let mut consumer = match self.consumer.try_lock() {
                Ok(consumer) => consumer,
                Err(TryLockError::WouldBlock) => return !self.stopped(),
                Err(TryLockError::Poisoned(_)) => {
                    self.stop();
                    return false;
                }
            };
            loop {
                let (seq, piece) = {
                    let mut waiting = lock(&self.waiting);
                    let seq = waiting.next;
                    let Some(piece) = waiting.pieces.remove(&seq) else {
                        break;
                    };
                    (seq, piece)
                };
                if !self.stopped() && !consumer.take(seq, piece) {
                    self.stop();
                }
                // Handed on once taken, not before: a piece still being written counts in
                // the workers' window (counted as handed on as it was taken, a slow write let
                // one piece more be made: a JSON comparison held 1,103 bytes a row, not 917).
                let mut waiting = lock(&self.waiting);
                waiting.next += 1;
                if waiting.sleepers > 0 {
                    self.moved.notify_all();
                }
            }
            drop(consumer);
            // A piece given while this thread held the consumer, by a thread that then found
            // it held, is handed on here.
            let ready = {
                let waiting = lock(&self.waiting);
                waiting.pieces.contains_key(&waiting.next)
            };
            if !ready {
                return !self.stopped();
            }
        }
    }

    /// A guard that stops the work should the thread holding it panic: the threads waiting
    /// for their turn behind the piece it held then stop too, and the panic is passed on
    /// when the threads are joined, where they would have waited for ever.
    pub(crate) fn stop_on_panic(&self) -> StopOnPanic<'_, P, C> {
        StopOnPanic(self)
    }

    /// Waits until piece `seq` is fewer than `ahead` places past the last piece handed on, or
    /// the work stops: whether it goes on. A worker asks before it computes the piece, so at
    /// most `ahead` pieces are ever made and not yet handed on, however slow the consumer.
    /// Pieces are taken for work in order and the next one to hand on never waits, so no
    /// piece waits for ever.
    pub(crate) fn wait_turn(&self, seq: u64, ahead: u64) -> bool {
        let mut waiting = lock(&self.waiting);
        while seq >= waiting.next.saturating_add(ahead) && !self.stopped() {
            waiting.sleepers += 1;
            waiting = self
                .moved
                .wait(waiting)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            waiting.sleepers -= 1;
        }
        !self.stopped()
    }

    /// The consumer, once every thread giving pieces has stopped.
    pub(crate) fn into_inner(self) -> C {
        self.consumer
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// See [`Delivery::stop_on_panic`].
pub(crate) struct StopOnPanic<'d, P, C: Consume<P>>(&'d Delivery<P, C>);

impl<P, C: Consume<P>> Drop for StopOnPanic<'_, P, C> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes pieces of text, keeping them, and stops at the text "stop".
    #[derive(Default)]
    struct Taken {
        seen: Vec<(u64, String)>,
    }

    impl Consume<String> for Taken {
        fn take(&mut self, seq: u64, piece: String) -> bool {
            let go_on = piece != "stop";
            self.seen.push((seq, piece));
            go_on
        }
    }

    fn piece(seq: u64) -> String {
        format!("piece {seq}")
    }

    #[test]
    fn pieces_given_out_of_order_are_taken_in_order() {
        let delivery = Delivery::new(Taken::default());
        for seq in [2, 0, 3, 1, 5, 4] {
            assert!(delivery.give(seq, piece(seq)));
        }
        let seen = delivery.into_inner().seen;
        let want: Vec<_> = (0..6).map(|s| (s, piece(s))).collect();
        assert_eq!(seen, want);
    }

    #[test]
    fn nothing_after_a_stop_is_taken() {
        let delivery = Delivery::new(Taken::default());
        assert!(delivery.give(0, piece(0)));
        assert!(delivery.give(2, piece(2)));
        assert!(!delivery.give(1, "stop".into()));
        assert!(delivery.stopped());
        assert!(!delivery.give(3, piece(3)));
        let seen = delivery.into_inner().seen;
        assert_eq!(seen, [(0, piece(0)), (1, "stop".to_string())]);
    }

    #[test]
    fn pieces_given_on_many_threads_at_once_are_all_taken_in_order() {
        // Each thread gives every fourth piece, the threads racing each other: whoever holds
        // the consumer must hand on what the others left waiting.
        for _ in 0..50 {
            let delivery = Delivery::new(Taken::default());
            std::thread::scope(|s| {
                for first in 0..4u64 {
                    let delivery = &delivery;
                    s.spawn(move || {
                        for seq in (first..400).step_by(4) {
                            assert!(delivery.give(seq, piece(seq)));
                        }
                    });
                }
            });
            let seen = delivery.into_inner().seen;
            let want: Vec<_> = (0..400).map(|s| (s, piece(s))).collect();
            assert_eq!(seen, want);
        }
    }

    /// Takes pieces only as a test lets it, one at a time, noting how many were waiting.
    struct Held<'a> {
        go: &'a Mutex<std::sync::mpsc::Receiver<()>>,
        seen: Vec<u64>,
    }

    impl Consume<u64> for Held<'_> {
        fn take(&mut self, seq: u64, piece: u64) -> bool {
            assert_eq!(seq, piece);
            self.go.lock().unwrap().recv().unwrap();
            self.seen.push(seq);
            true
        }
    }

    #[test]
    fn a_slow_consumer_holds_back_the_threads_that_give_pieces() {
        // Two threads take pieces in order from a counter, as workers take chunks, ask for
        // their turn and give them, while the consumer takes one piece only when let: no more
        // than three pieces ever wait, and none is lost once the consumer is let go on.
        let (go, let_go) = std::sync::mpsc::channel();
        let let_go = Mutex::new(let_go);
        let delivery = Delivery::new(Held {
            go: &let_go,
            seen: Vec::new(),
        });
        let next = std::sync::atomic::AtomicU64::new(0);
        let most = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| loop {
                    let seq = next.fetch_add(1, Ordering::SeqCst);
                    if seq >= 200 {
                        return;
                    }
                    assert!(delivery.wait_turn(seq, 3));
                    assert!(delivery.give(seq, seq));
                    let waiting = lock(&delivery.waiting).pieces.len();
                    most.fetch_max(waiting, Ordering::SeqCst);
                });
            }
            // Let the consumer take a piece only after the givers have had time to run
            // ahead, had nothing held them back.
            for _ in 0..200 {
                std::thread::sleep(std::time::Duration::from_micros(200));
                go.send(()).unwrap();
            }
        });
        let seen = delivery.into_inner().seen;
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!(most <= 3, "{most} pieces waited at once");
        assert!(
            most >= 2,
            "the bound was never reached ({most}): the test tested nothing"
        );
    }

    #[test]
    fn a_piece_being_taken_still_counts_in_the_window() {
        // The consumer is slow to take piece 0 (its write waits for the disk): with a window
        // of two, piece 1 may be made meanwhile, piece 2 not until piece 0 is taken. Counted
        // as handed on before it was taken, piece 2 was made at once: one piece more in
        // memory than the window says, however slow the output.
        let (go, let_go) = std::sync::mpsc::channel();
        let let_go = Mutex::new(let_go);
        let delivery = Delivery::new(Held {
            go: &let_go,
            seen: Vec::new(),
        });
        let second_went = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                assert!(delivery.wait_turn(0, 2));
                assert!(delivery.give(0, 0));
            });
            // Piece 0 is being taken once the consumer is held.
            while delivery.consumer.try_lock().is_ok() {
                std::thread::yield_now();
            }
            assert!(delivery.wait_turn(1, 2), "piece 1 is within the window");
            s.spawn(|| {
                assert!(delivery.wait_turn(2, 2));
                second_went.store(true, Ordering::SeqCst);
                assert!(delivery.give(2, 2));
            });
            std::thread::sleep(std::time::Duration::from_millis(200));
            let early = second_went.load(Ordering::SeqCst);
            // The consumer let go whatever was seen, so that a failure is said, not waited on.
            for _ in 0..3 {
                go.send(()).unwrap();
            }
            assert!(delivery.give(1, 1));
            assert!(
                !early,
                "piece 2 was made while piece 0 was still being taken"
            );
        });
        assert!(second_went.load(Ordering::SeqCst));
        assert_eq!(delivery.into_inner().seen, vec![0, 1, 2]);
    }

    #[test]
    fn a_stalled_worker_holds_back_pieces_beyond_the_window_only() {
        // A worker holds piece 0 (kept off the processor) while the other goes on: pieces
        // within the window of it are made and wait, the one past it waits for its turn
        // until piece 0 is handed on. (The run-ahead bound of the workers' own, which this
        // made redundant, was tested so.)
        let delivery = Delivery::new(Taken::default());
        for seq in 1..3 {
            assert!(delivery.wait_turn(seq, 3));
            assert!(delivery.give(seq, piece(seq)));
        }
        let third_went = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                assert!(delivery.wait_turn(3, 3));
                third_went.store(true, Ordering::SeqCst);
                assert!(delivery.give(3, piece(3)));
            });
            std::thread::sleep(std::time::Duration::from_millis(200));
            assert!(
                !third_went.load(Ordering::SeqCst),
                "piece 3 waits for piece 0, three places before it"
            );
            assert!(delivery.wait_turn(0, 3));
            assert!(delivery.give(0, piece(0)));
        });
        assert!(third_went.load(Ordering::SeqCst));
        let seen = delivery.into_inner().seen;
        assert_eq!(seen, (0..4).map(|s| (s, piece(s))).collect::<Vec<_>>());
    }

    #[test]
    fn pieces_given_by_the_reader_never_hold_back_a_piece_still_to_be_computed() {
        // The next piece may still be waiting to be taken for work while the reader gives
        // many of its own after it (one message for each of many tables that cannot be
        // read): a worker that takes it must not wait, or every thread would.
        let delivery = Delivery::new(Taken::default());
        for seq in 1..20 {
            assert!(delivery.give(seq, piece(seq)));
        }
        assert!(delivery.wait_turn(0, 3));
        assert!(delivery.give(0, piece(0)));
        let seen = delivery.into_inner().seen;
        assert_eq!(seen, (0..20).map(|s| (s, piece(s))).collect::<Vec<_>>());
    }
}
