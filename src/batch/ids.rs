//! Remembering every id seen in a run in about 8 bytes each, so a million rows stay within
//! the memory budget.
//!
//! Ids are kept as 64-bit fingerprints in open-addressing tables (no per-id allocation, no
//! control bytes). The tables are sharded by the fingerprint's top bits so that growing one
//! never holds two copies of the whole set at once. Two different ids share a fingerprint with
//! probability about n²/2⁶⁵ — for a million ids, about 1 in 37 million runs; such a pair would
//! be reported as a duplicate.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hasher};

const SHARD_BITS: u32 = 6;

/// A set of ids, by fingerprint.
pub struct IdSet {
    shards: Vec<Shard>,
    hasher: BuildHasherDefault<DefaultHasher>,
}

#[derive(Clone)]
struct Shard {
    slots: Vec<u64>,
    len: usize,
}

impl Default for IdSet {
    fn default() -> Self {
        let shard = Shard {
            slots: vec![0; 64],
            len: 0,
        };
        IdSet {
            shards: vec![shard; 1 << SHARD_BITS],
            hasher: Default::default(),
        }
    }
}

impl IdSet {
    /// Adds `id`; false when it was already there.
    pub fn insert(&mut self, id: &str) -> bool {
        let mut h = self.hasher.build_hasher();
        h.write(id.as_bytes());
        // 0 marks an empty slot.
        let fp = h.finish().max(1);
        let shard = &mut self.shards[(fp >> (64 - SHARD_BITS)) as usize];
        if (shard.len + 1) * 4 > shard.slots.len() * 3 {
            shard.grow();
        }
        let inserted = place(&mut shard.slots, fp);
        shard.len += usize::from(inserted);
        inserted
    }

    /// How many ids are in the set.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len).sum()
    }
}

impl Shard {
    fn grow(&mut self) {
        let mut bigger = vec![0u64; self.slots.len() * 2];
        for &fp in self.slots.iter().filter(|&&fp| fp != 0) {
            place(&mut bigger, fp);
        }
        self.slots = bigger;
    }
}

/// Puts `fp` in the first free slot from its home; false when it is already there.
fn place(slots: &mut [u64], fp: u64) -> bool {
    let mask = slots.len() - 1;
    let mut i = fp as usize & mask;
    loop {
        match slots[i] {
            0 => {
                slots[i] = fp;
                return true;
            }
            x if x == fp => return false,
            _ => i = (i + 1) & mask,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_across_growth() {
        let mut ids = IdSet::default();
        for i in 0..100_000 {
            assert!(ids.insert(&format!("S{i}")));
        }
        assert!(!ids.insert("S0"));
        assert!(!ids.insert("S99999"));
        assert!(ids.insert("S100000"));
        assert_eq!(ids.len(), 100_001);
    }
}
