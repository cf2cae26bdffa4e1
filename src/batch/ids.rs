//! Remembering every id seen in a run in about 11 bytes each (a 64-bit fingerprint in a table
//! kept under three quarters full), so a million rows stay within the memory budget.
//!
//! Ids are kept as 64-bit fingerprints in open-addressing tables (no per-id allocation, no
//! control bytes). The tables are sharded by the fingerprint's top bits so that growing one
//! never holds two copies of the whole set at once. Two different ids share a fingerprint with
//! probability about n²/2⁶⁵ — for a million ids, about 1 in 37 million runs; such a pair would
//! be reported as a duplicate.
//!
//! Most tables number their segments in order (`S00000001`, `S00000002`, …; 1, 2, … 10):
//! while each id comes after the one before it (shorter first, then byte by byte), no id can
//! be one seen before, and the set only keeps their fingerprints in a list, written in order,
//! with no table to probe. The first id out of that order puts the list into the table (a
//! piece at a time, each piece freed as it goes in), and the set works as a table from then
//! on. A table probed at random misses the cache on nearly every id of a big run: most of the
//! reading thread's time on a million ids, saved on a table in order.

use crate::table::idform::id_form;

const SHARD_BITS: u32 = 6;

/// A set of ids, by fingerprint.
pub struct IdSet {
    shards: Vec<Shard>,
    /// The ids the table is sized for when it is made.
    capacity: usize,
    /// While every id has come after the one before: the last one, and every fingerprint so
    /// far in pieces of [`KEPT_PIECE`]. `None` once the table holds them.
    ascending: Option<Ascending>,
}

/// Ids in order so far: see the module's note.
struct Ascending {
    last: Vec<u8>,
    /// Whether an id given to [`IdSet::key_in_order`] broke the order; its key and those
    /// after it go into the table.
    broken: bool,
    /// Every fingerprint so far, by the shard it goes to, in pieces of at most
    /// [`KEPT_PIECE`] (so a long list never grows by moving it whole).
    kept: Vec<Vec<Vec<u64>>>,
}

/// Fingerprints in a piece of the list kept while ids come in order (512 KiB).
const KEPT_PIECE: usize = 1 << 16;

/// The slots of each shard of a table sized for `ids` ids.
fn shard_slots(ids: usize) -> usize {
    let per_shard = ids >> SHARD_BITS;
    // Load stays under 3/4, with room for the shards that get more than their share (four
    // standard deviations). Any size will do (see `home`): a power of two would take up to
    // twice the memory the ids need.
    let room = per_shard + 4 * per_shard.isqrt() + 64;
    (room * 4 / 3).max(64)
}

/// Whether `id` comes after `last`: longer, or as long and greater byte by byte (so `10`
/// comes after `9`, and any order of ids of one length is their bytes' order). A strict
/// order: an id after the last of ids each after the one before is none of them.
fn comes_after(id: &[u8], last: &[u8]) -> bool {
    id.len().cmp(&last.len()).then_with(|| id.cmp(last)).is_gt()
}

/// A 64-bit fingerprint of `bytes`: eight bytes at a time through a multiply-rotate, then the
/// murmur3 finaliser, so every input bit reaches every output bit. Faster than SipHash (which
/// guards against chosen inputs, a threat a table of road ids does not face).
fn fingerprint(bytes: &[u8]) -> u64 {
    fingerprint_ascii(bytes).0
}

/// [`fingerprint`] of `bytes`, and whether they are all ASCII (no byte has its high bit set),
/// told from the words it reads.
#[inline(always)]
fn fingerprint_ascii(bytes: &[u8]) -> (u64, bool) {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut high = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        high |= word;
        h = (h ^ word).wrapping_mul(K).rotate_left(29);
    }
    // The last bytes as a little-endian word, zero-padded: byte by byte, since a copy of
    // a length known only at run time is a call to memcpy (most ids leave one to three).
    let tail = (chunks.remainder().iter().rev()).fold(0u64, |w, &b| w << 8 | u64::from(b));
    high |= tail;
    h = (h ^ tail).wrapping_mul(K);
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    (h ^ (h >> 33), high & 0x8080_8080_8080_8080 == 0)
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
        let slots = shard_slots(ids);
        let shards = (0..1 << SHARD_BITS)
            .map(|_| Shard {
                slots: written_zeros(slots, slots << SHARD_BITS),
                len: 0,
            })
            .collect();
        IdSet {
            shards,
            capacity: ids,
            ascending: None,
        }
    }

    /// A set with room for about `ids` ids in its table, which it makes only when an id comes
    /// out of order (see the module's note). Its ids' keys are [`IdSet::key_in_order`]'s.
    pub fn in_order(ids: usize) -> IdSet {
        IdSet {
            shards: Vec::new(),
            capacity: ids,
            ascending: Some(Ascending {
                last: Vec::new(),
                broken: false,
                kept: (0..1 << SHARD_BITS).map(|_| Vec::new()).collect(),
            }),
        }
    }

    /// [`IdSet::key`] of `id`, the next id to go in: a set made [`IdSet::in_order`] sees
    /// here whether it still comes in order. Every key the set is given must be made so,
    /// in the order the ids come.
    pub fn key_in_order(&mut self, id: &str) -> u64 {
        // Nearly every id is ASCII, its own form: told from the words the fingerprint reads,
        // with nothing made (a search of its own was most of what the form cost a row).
        let (mut key, ascii) = fingerprint_ascii(id.as_bytes());
        let formed;
        let id = if ascii {
            id
        } else {
            formed = id_form(id);
            key = fingerprint(formed.as_bytes());
            formed.as_ref()
        };
        if let Some(a) = &mut self.ascending {
            if !a.broken && comes_after(id.as_bytes(), &a.last) {
                a.last.clear();
                a.last.extend_from_slice(id.as_bytes());
            } else {
                a.broken = true;
            }
        }
        key.max(1)
    }

    /// Adds `id`; false when it was already there.
    #[cfg(test)]
    pub fn insert(&mut self, id: &str) -> bool {
        let fp = self.key_in_order(id);
        let mut inserted = true;
        self.insert_keys(&[(fp, 0)], |_| inserted = false);
        inserted
    }

    /// Adds many ids at once, given as keys ([`IdSet::key`], or [`IdSet::key_in_order`] for
    /// a set made [`IdSet::in_order`]) with a tag each; calls `seen` with the tag of every
    /// one already there (or earlier in `keys`), in order.
    ///
    /// Faster than one by one for a big set: every slot the batch needs is loaded first, in
    /// independent reads the processor overlaps, so the inserts find them in cache.
    pub fn insert_keys(&mut self, keys: &[(u64, u64)], seen: impl FnMut(u64)) {
        if let Some(a) = &mut self.ascending {
            if !a.broken {
                // Each after the one before: none seen before.
                for &(fp, _) in keys {
                    let pieces = &mut a.kept[shard_of(fp)];
                    match pieces.last_mut() {
                        Some(piece) if piece.len() < KEPT_PIECE => piece.push(fp),
                        _ => pieces.push(vec![fp]),
                    }
                }
                return;
            }
            self.make_table();
        }
        self.insert_into_table(keys, seen);
    }

    /// Puts the fingerprints kept while ids came in order into a table sized for the set's
    /// capacity, a shard at a time, each shard's list freed once they are in: the list and
    /// the table are never both whole in memory.
    #[cold]
    fn make_table(&mut self) {
        let Some(a) = self.ascending.take() else {
            return;
        };
        let slots = shard_slots(self.capacity);
        for pieces in a.kept {
            let mut shard = Shard {
                slots: written_zeros(slots, slots << SHARD_BITS),
                len: 0,
            };
            for piece in pieces {
                for fp in piece {
                    if (shard.len + 1) * 4 > shard.slots.len() * 3 {
                        shard.grow();
                    }
                    // Each was after every one before it, so none is there already (but
                    // for two ids sharing a fingerprint, as rare as the module's note says).
                    shard.len += usize::from(place(&mut shard.slots, fp));
                }
            }
            self.shards.push(shard);
        }
    }

    fn insert_into_table(&mut self, keys: &[(u64, u64)], mut seen: impl FnMut(u64)) {
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

    /// What [`IdSet::insert_keys`] takes for `id`: the fingerprint of the id as it reads
    /// ([`id_form`]: `Ａ1` and `A\u{200B}1` are `A1`).
    #[cfg(test)]
    pub fn key(id: &str) -> u64 {
        // 0 marks an empty slot.
        fingerprint(id_form(id).as_bytes()).max(1)
    }

    /// How many ids are in the set.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        let kept = self
            .ascending
            .as_ref()
            .map_or(0, |a| a.kept.iter().flatten().map(Vec::len).sum());
        kept + self.shards.iter().map(|s| s.len).sum::<usize>()
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

    /// An id comes after another when longer, or as long and greater byte by byte: a strict
    /// order, so ids each after the one before are all different.
    #[test]
    fn an_id_comes_after_a_shorter_one_or_a_smaller_one_as_long() {
        assert!(comes_after(b"10", b"9"));
        assert!(comes_after(b"S2", b"S1"));
        assert!(comes_after(b"a", b""));
        assert!(!comes_after(b"9", b"10"));
        assert!(!comes_after(b"S1", b"S1"), "not after itself");
        assert!(!comes_after(b"S1", b"S2"));
        assert!(comes_after("村2".as_bytes(), "村1".as_bytes()));
    }

    /// Ids typed so they look the same (full-width letters and digits, a zero-width space or
    /// a byte-order mark in them) are one id to the set, in order and out of it, one at a
    /// time and in batches: each repeat found is a repeat of the id as it reads, and no
    /// other. The model is a set of the plain ids.
    #[test]
    fn ids_typed_to_look_the_same_are_one_id() {
        use proptest::prelude::*;
        let typed = |n: u16, way: u8| {
            let plain = format!("S{n}");
            let wide = |c: char| char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c);
            match way {
                0 => plain,
                1 => plain.chars().map(wide).collect(),
                2 => format!("S\u{200B}{n}"),
                _ => format!("\u{FEFF}{plain}"),
            }
        };
        let ids = proptest::collection::vec((0u16..40, 0u8..4), 0..60);
        proptest!(ProptestConfig::with_cases(300), |(list in ids, sorted in any::<bool>(), batch in 1usize..8)| {
            let mut list = list;
            if sorted {
                list.sort_by_key(|&(n, _)| n);
            }
            let mut set = IdSet::in_order(0);
            let mut model = std::collections::HashSet::new();
            let mut want = Vec::new();
            let mut keys = Vec::new();
            for (line, &(n, way)) in list.iter().enumerate() {
                if !model.insert(n) {
                    want.push(line as u64);
                }
                keys.push((set.key_in_order(&typed(n, way)), line as u64));
            }
            let mut seen = Vec::new();
            for piece in keys.chunks(batch) {
                set.insert_keys(piece, |line| seen.push(line));
            }
            prop_assert_eq!(seen, want);
        });
    }

    /// A set of ids in order finds the repeat of any of them once the order breaks: the first
    /// of the list's pieces, the last, an id right after the last, and within one batch.
    #[test]
    fn ids_in_order_then_a_repeat_finds_it() {
        // More than a piece in every shard.
        let n = (KEPT_PIECE << SHARD_BITS) as u64 + 5000;
        let id = |i: u64| format!("S{i:08}");
        for repeat in [0, 1, KEPT_PIECE as u64, n - 2, n - 1] {
            let mut ids = IdSet::in_order(1000);
            assert!(ids.shards.is_empty());
            let keys: Vec<(u64, u64)> = (0..n).map(|i| (ids.key_in_order(&id(i)), i)).collect();
            ids.insert_keys(&keys, |_| panic!("all new"));
            assert_eq!(ids.len(), n as usize);
            assert!(ids.shards.is_empty(), "no table while in order");
            // Out of order: the kept fingerprints go into the table.
            let mut seen = Vec::new();
            let again = [
                (ids.key_in_order(&id(repeat)), 1),
                (ids.key_in_order("T"), 2),
            ];
            ids.insert_keys(&again, |tag| seen.push(tag));
            assert_eq!(seen, [1], "{repeat}");
            assert!(ids.ascending.is_none() && !ids.shards.is_empty());
            assert!(!ids.insert(&id(n - 1)) && !ids.insert("T") && ids.insert(&id(n)));
            assert_eq!(ids.len(), n as usize + 2);
        }
        // The order broken inside a batch: its earlier keys and the repeat both counted.
        let mut ids = IdSet::in_order(0);
        let keys: Vec<(u64, u64)> = ["1", "2", "3", "2", "4", "10", "4"]
            .iter()
            .enumerate()
            .map(|(i, id)| (ids.key_in_order(id), i as u64))
            .collect();
        let mut seen = Vec::new();
        ids.insert_keys(&keys, |tag| seen.push(tag));
        assert_eq!(seen, [3, 6]);
        // One at a time: 10 comes after 9, so it is kept, and 9 again is a repeat.
        let mut ids = IdSet::in_order(0);
        assert!(["8", "9", "10", "11"].iter().all(|id| ids.insert(id)));
        assert!(ids.ascending.is_some());
        assert!(!ids.insert("9"));
        assert!(ids.ascending.is_none());
    }

    proptest::proptest! {
        /// A set made in order says what a set of the ids says, whatever their order, one at
        /// a time or in batches of any size.
        #[test]
        fn a_set_in_order_finds_the_repeats_a_plain_set_finds(
            runs in proptest::collection::vec((0..40u32, 0..6u32, proptest::bool::ANY), 0..8),
            batch in 1..9usize,
        ) {
            // Runs of ids counting up, from anywhere (so some repeat and some break the order).
            let ids: Vec<String> = runs
                .iter()
                .flat_map(|&(from, len, short)| {
                    (from..from + len).map(move |i| if short { i.to_string() } else { format!("S{i:03}") })
                })
                .collect();
            let mut model = std::collections::HashSet::new();
            let want: Vec<u64> = (0u64..).zip(&ids).filter(|(_, id)| !model.insert(id.as_str())).map(|(i, _)| i).collect();
            let mut set = IdSet::in_order(ids.len());
            let mut seen = Vec::new();
            let tagged: Vec<(u64, &String)> = (0u64..).zip(&ids).collect();
            for piece in tagged.chunks(batch) {
                let keys: Vec<(u64, u64)> = piece.iter().map(|&(i, id)| (set.key_in_order(id), i)).collect();
                set.insert_keys(&keys, |tag| seen.push(tag));
            }
            proptest::prop_assert_eq!(seen, want);
            proptest::prop_assert_eq!(set.len(), model.len());
        }
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
