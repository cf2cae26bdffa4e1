//! Eight bytes at a time in one `u64`: which bytes of a word equal a given byte, exactly (no
//! carry from one byte into the next), for searches over short text where a vector search's
//! setup costs more than the search.

/// `byte` in each of a word's eight bytes.
#[inline(always)]
pub(crate) const fn broadcast(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// The high bit of each byte of `v` that is zero, and nothing else: exact, with no carry
/// from one byte into the next (the low seven bits plus 0x7f set the high bit unless all
/// are zero; or-ing in `v` sets it for a byte whose own high bit is set).
#[inline(always)]
pub(crate) const fn byte_hits(v: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let t = (v & LOW7).wrapping_add(LOW7);
    !(t | v | LOW7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_hit_is_exactly_a_byte_equal_to_the_one_sought(word in any::<[u8; 8]>(), sought in any::<u8>()) {
            let hits = byte_hits(u64::from_le_bytes(word) ^ broadcast(sought));
            let bytewise: u64 = word
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == sought)
                .map(|(i, _)| 0x80u64 << (8 * i))
                .sum();
            prop_assert_eq!(hits, bytewise);
        }
    }
}
