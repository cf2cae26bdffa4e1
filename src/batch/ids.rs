//! Remembering every id seen in a run in about 11 bytes each (a 64-bit fingerprint in a table
//! kept under three quarters full), so a million rows stay within the memory budget.
//!
//! Ids are kept as 64-bit fingerprints in open-addressing tables (no per-id allocation, no
//! control bytes). The tables are sharded by the fingerprint's top bits so that growing one
//! never holds two copies of the whole set at once. Two different ids share a fingerprint with
//! probability about n²/2⁶⁵ — for a million ids, about 1 in 37 million runs; such a pair would
//! be reported as a duplicate.

const SHARD_BITS: u32 = 6;

/// A set of ids, by fingerprint.
pub struct IdSet {
    shards: Vec<Shard>,
}

/// A 64-bit fingerprint of `bytes`: eight bytes at a time through a multiply-rotate, then the
/// murmur3 finaliser, so every input bit reaches every output bit. Faster than SipHash (which
/// guards against chosen inputs, a threat a table of road ids does not face).
fn fingerprint(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        h = (h ^ word).wrapping_mul(K).rotate_left(29);
    }
    // The last bytes as a little-endian word, zero-padded: byte by byte, since a copy of
    // a length known only at run time is a call to memcpy (most ids leave one to three).
    let tail = (chunks.remainder().iter().rev()).fold(0u64, |w, &b| w << 8 | u64::from(b));
    h = (h ^ tail).wrapping_mul(K);
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

#[derive(Clone)]
struct Shard {
    slots: Vec<u64>,
    len: usize,
}

impl Default for IdSet {
    fn default() -> Self {
        IdSet::with_capacity(0)
    }
}

impl IdSet {
    /// A set with room for about `ids` ids before it grows (growing moves every id once more,
    /// and touches fresh memory).
    pub fn with_capacity(ids: usize) -> IdSet {
        let per_shard = ids >> SHARD_BITS;
        // Load stays under 3/4, with room for the shards that get more than their share
        // (four standard deviations). Any size will do (see `home`): a power of two would
        // take up to twice the memory the ids need.
        let room = per_shard + 4 * per_shard.isqrt() + 64;
        let slots = (room * 4 / 3).max(64);
        let shards = (0..1 << SHARD_BITS)
            .map(|_| Shard {
                slots: written_zeros(slots, slots << SHARD_BITS),
                len: 0,
            })
            .collect();
        IdSet { shards }
    }

    /// Adds `id`; false when it was already there.
    pub fn insert(&mut self, id: &str) -> bool {
        let fp = Self::key(id);
        let shard = &mut self.shards[shard_of(fp)];
        if (shard.len + 1) * 4 > shard.slots.len() * 3 {
            shard.grow();
        }
        let inserted = place(&mut shard.slots, fp);
        shard.len += usize::from(inserted);
        inserted
    }

    /// Adds many ids at once, given as [`IdSet::key`]s with a tag each; calls `seen` with the
    /// tag of every one already there (or earlier in `keys`), in order.
    ///
    /// Faster than one by one for a big set: every slot the batch needs is loaded first, in
    /// independent reads the processor overlaps, so the inserts find them in cache.
    pub fn insert_keys(&mut self, keys: &[(u64, u64)], mut seen: impl FnMut(u64)) {
        let mut counts = [0usize; 1 << SHARD_BITS];
        for &(fp, _) in keys {
            counts[shard_of(fp)] += 1;
        }
        for (shard, n) in self.shards.iter_mut().zip(counts) {
            while (shard.len + n) * 4 > shard.slots.len() * 3 {
                shard.grow();
            }
        }
        let mut touched = 0u64;
        for &(fp, _) in keys {
            let slots = &self.shards[shard_of(fp)].slots;
            touched = touched.wrapping_add(slots[home(fp, slots.len())]);
        }
        std::hint::black_box(touched);
        for &(fp, tag) in keys {
            let shard = &mut self.shards[shard_of(fp)];
            if place(&mut shard.slots, fp) {
                shard.len += 1;
            } else {
                seen(tag);
            }
        }
    }

    /// What [`IdSet::insert_keys`] takes for `id`.
    pub fn key(id: &str) -> u64 {
        // 0 marks an empty slot.
        fingerprint(id.as_bytes()).max(1)
    }

    /// How many ids are in the set.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len).sum()
    }
}

impl Shard {
    fn grow(&mut self) {
        // Grown when three quarters full: its pages are all written soon anyway.
        let mut bigger = written_zeros(self.slots.len() * 2, 0);
        for &fp in self.slots.iter().filter(|&&fp| fp != 0) {
            place(&mut bigger, fp);
        }
        self.slots = bigger;
    }
}

/// `len` empty slots of a table probed at random (`table` slots in all, with its other
/// shards), each page written before it is read when the table is at most [`WRITTEN_SLOTS`]
/// long.
///
/// A zeroed allocation's pages are mapped when first touched; first read, a page is mapped
/// to the kernel's shared zero page, so the first write to it faults again and has the
/// address mapping flushed on every core the process runs on. A table probed at random reads
/// every page before it writes it: on a million ids, that second fault and its flushes were
/// most of the reading thread's time in the kernel, and interrupted the computing threads.
/// Zeros written here (the value kept from the compiler, which would otherwise ask for a
/// zeroed allocation) fault each page once, as a write. A longer table is left zeroed by the
/// kernel as ids come: tables are sized from the input's bytes, and written up front one
/// sized for a file of gigabytes took its whole memory before its first row was read (a
/// 20 GB file refused as binary data took 2.8 GB).
pub(crate) fn written_zeros(len: usize, table: usize) -> Vec<u64> {
    if table > WRITTEN_SLOTS {
        return vec![0; len];
    }
    let mut slots = Vec::with_capacity(len);
    slots.resize(len, std::hint::black_box(0));
    slots
}

/// The most slots [`written_zeros`] writes: 64 MiB, a table of a few million ids.
pub(crate) const WRITTEN_SLOTS: usize = 1 << 23;

fn shard_of(fp: u64) -> usize {
    (fp >> (64 - SHARD_BITS)) as usize
}

/// The slot `fp` belongs in among `len`: its low 32 bits scaled to the table (a multiply and
/// a shift, for a table of any size; the top bits chose the shard, so they are left out).
fn home(fp: u64, len: usize) -> usize {
    // In u128, so no table size can overflow it; the result is below `len`.
    ((u128::from(fp & 0xFFFF_FFFF) * len as u128) >> 32) as usize
}

/// Puts `fp` in the first free slot from its home; false when it is already there.
fn place(slots: &mut [u64], fp: u64) -> bool {
    let len = slots.len();
    let mut i = home(fp, len);
    loop {
        match slots[i] {
            0 => {
                slots[i] = fp;
                return true;
            }
            x if x == fp => return false,
            _ => i = if i + 1 == len { 0 } else { i + 1 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Empty slots are zeros whether written up front (a table of up to `WRITTEN_SLOTS`) or
    /// left to the kernel (a longer one, as for a file of gigabytes).
    #[test]
    fn empty_slots_are_zeros_written_or_not() {
        for table in [0, 1000, WRITTEN_SLOTS, WRITTEN_SLOTS + 1, usize::MAX] {
            assert_eq!(written_zeros(1000, table), vec![0u64; 1000], "{table}");
        }
        assert!(written_zeros(0, 0).is_empty());
    }

    #[test]
    fn the_tail_read_byte_by_byte_is_the_zero_padded_word() {
        let padded = |rest: &[u8]| {
            let mut tail = [0u8; 8];
            tail[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(tail)
        };
        let bytes: Vec<u8> = (1..=23u8).map(|b| b.wrapping_mul(37) | 0x80).collect();
        for n in 0..bytes.len() {
            let rest = bytes[..n].chunks_exact(8).remainder();
            let tail = rest.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b));
            assert_eq!(tail, padded(rest), "{n} bytes");
        }
        // The fingerprint of an id is what it was: a set kept elsewhere finds the same ids.
        assert_eq!(fingerprint(b"S00000000"), 0x2b61_6d66_a128_f4aa);
    }

    #[test]
    fn fingerprints_spread_similar_ids() {
        let a = fingerprint(b"AY-0000001");
        let b = fingerprint(b"AY-0000002");
        assert_ne!(a, b);
        assert!(
            (a ^ b).count_ones() > 16,
            "one changed byte changes many bits"
        );
        assert_ne!(fingerprint(b"a"), fingerprint(b"a\0"));
    }

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
        // In batches, duplicates within one batch too, in order.
        let keys: Vec<(u64, u64)> = ["S5", "T1", "T2", "T1", "S100000", "T3"]
            .iter()
            .enumerate()
            .map(|(i, id)| (IdSet::key(id), i as u64))
            .collect();
        let mut seen = Vec::new();
        ids.insert_keys(&keys, |tag| seen.push(tag));
        assert_eq!(seen, [0, 3, 4]);
        assert_eq!(ids.len(), 100_004);
        let many: Vec<(u64, u64)> = (0..50_000)
            .map(|i| (IdSet::key(&format!("U{i}")), i))
            .collect();
        ids.insert_keys(&many, |_| panic!("all new"));
        assert!(!ids.insert("U49999"));
        let mut sized = IdSet::with_capacity(100_000);
        assert_eq!(sized.shards[0].slots.len(), 2376);
        sized.insert_keys(&many, |_| panic!("all new"));
        assert_eq!(
            sized.shards[0].slots.len(),
            2376,
            "no growth within the capacity"
        );
        assert!(!sized.insert("U0"));
    }

    #[test]
    fn a_set_sized_for_a_million_ids_takes_eleven_bytes_an_id_not_sixteen() {
        let mut ids = IdSet::with_capacity(1_000_000);
        let bytes = |ids: &IdSet| ids.shards.iter().map(|s| s.slots.len() * 8).sum::<usize>();
        assert_eq!(bytes(&ids), 11_051_520);
        for i in 0..1_000_000 {
            assert!(ids.insert(&format!("S{i:08}")));
        }
        assert!(!ids.insert("S00000000"));
        assert!(!ids.insert("S00999999"));
        assert_eq!(ids.len(), 1_000_000);
        // Full, and still not grown: the room asked for was enough.
        assert_eq!(bytes(&ids), 11_051_520);
    }

    #[test]
    fn a_home_is_within_a_table_of_any_size() {
        for len in [1, 2, 3, 64, 2083, 20_834, 1 << 20] {
            for fp in [1, u64::MAX, 0xFFFF_FFFF, 1 << 32, 0x8000_0000_0000_0001] {
                assert!(home(fp, len) < len, "{fp:x} in {len}");
            }
        }
        assert_eq!(home(0xFFFF_FFFF, 2083), 2082);
        assert_eq!(home(1 << 32, 2083), 0);
    }
}
