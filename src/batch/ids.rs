//! Remembering every id seen in a run in 8 bytes each, so a million rows stay within budget.
//!
//! Ids are kept as 64-bit fingerprints in an open-addressing table (no per-id allocation, no
//! control bytes). Two different ids share a fingerprint with probability about n²/2⁶⁵ — for
//! a million ids, about 1 in 37 million runs; such a pair would be reported as a duplicate.

use std::hash::{BuildHasher, Hasher};

/// A set of ids, by fingerprint.
pub struct IdSet {
    slots: Vec<u64>,
    len: usize,
    hasher: std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher>,
}

impl Default for IdSet {
    fn default() -> Self {
        IdSet {
            slots: vec![0; 1024],
            len: 0,
            hasher: Default::default(),
        }
    }
}

impl IdSet {
    fn fingerprint(&self, id: &str) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write(id.as_bytes());
        // 0 marks an empty slot.
        h.finish().max(1)
    }

    /// Adds `id`; false when it was already there.
    pub fn insert(&mut self, id: &str) -> bool {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let fp = self.fingerprint(id);
        let inserted = Self::place(&mut self.slots, fp);
        self.len += usize::from(inserted);
        inserted
    }

    fn place(slots: &mut [u64], fp: u64) -> bool {
        let mask = slots.len() - 1;
        // The high bits pick the slot; the fingerprint itself is uniformly spread.
        let mut i = (fp >> 20) as usize & mask;
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

    fn grow(&mut self) {
        let mut bigger = vec![0u64; self.slots.len() * 2];
        for &fp in self.slots.iter().filter(|&&fp| fp != 0) {
            Self::place(&mut bigger, fp);
        }
        self.slots = bigger;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_across_growth() {
        let mut ids = IdSet::default();
        for i in 0..10_000 {
            assert!(ids.insert(&format!("S{i}")));
        }
        assert!(!ids.insert("S0"));
        assert!(!ids.insert("S9999"));
        assert!(ids.insert("S10000"));
        assert_eq!(ids.len, 10_001);
    }
}
