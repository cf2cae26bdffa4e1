//! Buffers handed back after use and taken again, so a run touches its memory once instead
//! of once a chunk: fresh pages cost a fault each, and a million rows fill hundreds of chunks.

use std::sync::Mutex;

/// At most this many spare buffers are kept; more are dropped.
const SPARE: usize = 8;

/// Spare buffers of one kind, shared by the threads of a run.
pub struct Pool<T> {
    spare: Mutex<Vec<T>>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool {
            spare: Mutex::new(Vec::new()),
        }
    }
}

impl<T> Pool<T> {
    /// A spare buffer, as it was given back (the taker clears it), if there is one.
    pub fn take(&self) -> Option<T> {
        self.spare.lock().ok()?.pop()
    }

    /// Gives a buffer back for another use.
    pub fn give(&self, item: T) {
        if let Ok(mut spare) = self.spare.lock() {
            if spare.len() < SPARE {
                spare.push(item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_back_up_to_a_limit() {
        let pool = Pool::default();
        assert!(pool.take().is_none());
        for i in 0..SPARE + 3 {
            pool.give(vec![i]);
        }
        let mut back = Vec::new();
        while let Some(v) = pool.take() {
            back.push(v[0]);
        }
        assert_eq!(back.len(), SPARE);
        assert_eq!(back[0], SPARE - 1, "the last given is taken first");
    }
}
