//! Pieces of work handed on in input order by the threads that made them, with no thread of
//! their own: a worker that finishes a piece puts it among those waiting and, unless another
//! thread is handing pieces on already, hands on every piece now next in order itself. A
//! thread that waited for each piece to be sent to it was woken about once a piece, and its
//! writes ran on another core than the one that had just made the bytes. A batch run's
//! chunks and a comparison's blocks are handed on so.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

/// What takes pieces of type `P`, one at a time, in input order.
pub(crate) trait Consume<P>: Send {
    /// Takes piece `seq`, the next in input order: false once the work is to stop (the
    /// consumer keeps what stopped it).
    fn take(&mut self, seq: u64, piece: P) -> bool;
}

/// The pieces waiting for those before them, and the next to hand on.
struct Waiting<P> {
    next: u64,
    pieces: BTreeMap<u64, P>,
}

/// Pieces given in any order on any thread, handed to the consumer in order (see the module).
pub(crate) struct Delivery<P, C> {
    waiting: Mutex<Waiting<P>>,
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
    pub(crate) fn new(consumer: C) -> Delivery<P, C> {
        Delivery {
            waiting: Mutex::new(Waiting {
                next: 0,
                pieces: BTreeMap::new(),
            }),
            consumer: Mutex::new(consumer),
            stopped: AtomicBool::new(false),
        }
    }

    /// Whether the consumer has stopped the work (or a thread panicked handing a piece on).
    pub(crate) fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
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
                    waiting.next += 1;
                    (seq, piece)
                };
                if !self.stopped() && !consumer.take(seq, piece) {
                    self.stop();
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

    /// The consumer, once every thread giving pieces has stopped.
    pub(crate) fn into_inner(self) -> C {
        self.consumer
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
}
