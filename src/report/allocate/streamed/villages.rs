//! Villages numbered once for a whole run: a per-village envelope is found by its village's
//! number, so what a chunk learns of it is a few integers, never the village's name again.

use std::collections::hash_map::Entry;

use crate::report::allocate::AllocError;

/// Numbers at or above this are a chunk's own, for villages no chunk had numbered yet.
pub const FRESH: u32 = 1 << 31;

/// Villages (township, village) by name, numbered from 0 as first met.
#[derive(Default)]
pub struct Villages {
    /// Looked up by township, then village, without building a key per row.
    by_name: foldhash::HashMap<String, foldhash::HashMap<String, u32>>,
    count: u32,
}

impl Villages {
    /// The village's number, if it has one.
    pub fn find(&self, township: &str, village: &str) -> Option<u32> {
        self.by_name.get(township)?.get(village).copied()
    }

    /// The village's number, given it now if it had none.
    pub fn number(&mut self, township: &str, village: &str) -> Result<u32, AllocError> {
        if let Some(n) = self.find(township, village) {
            return Ok(n);
        }
        if self.count >= FRESH {
            return Err(AllocError::Overflow);
        }
        let villages = match self.by_name.get_mut(township) {
            Some(v) => v,
            None => self.by_name.entry(township.to_string()).or_default(),
        };
        let n = match villages.entry(village.to_string()) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let n = self.count;
                self.count += 1;
                *e.insert(n)
            }
        };
        Ok(n)
    }

    /// Every village by township, with its number.
    pub fn names(&self) -> impl Iterator<Item = (&str, &foldhash::HashMap<String, u32>)> {
        self.by_name.iter().map(|(t, v)| (t.as_str(), v))
    }

    /// How many were numbered.
    pub fn len(&self) -> usize {
        self.count as usize
    }
}
