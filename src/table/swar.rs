//! Eight bytes at a time in one `u64`: which bytes of a word equal a given byte, exactly (no
//! carry from one byte into the next), for searches over short text where a vector search's
//! setup costs more than the search; and on x86-64 sixteen at a time in one SSE2 compare,
//! which every such processor has (no setup, no call).

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

/// Which of sixteen bytes are an LF or `delimiter`: bit `i` set for byte `i`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn hits16(block: &[u8; 16], delimiter: u8) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    #[allow(unsafe_code)]
    // SAFETY: SSE2 is part of every x86-64 processor (the target enables it), and the load
    // reads exactly the sixteen bytes of `block`, with no alignment asked.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast());
        let hits = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(delimiter as i8)),
        );
        _mm_movemask_epi8(hits) as u32
    }
}

/// The place of the first LF or `byte` in `bytes` from `from` on: sixteen bytes at a time
/// on x86-64 ([`hits16`]), elsewhere by `memchr`'s search ([`find_lf_or_by_search`]). For the
/// short searches of a row (its id's end, then its line's end), where a call of `memchr` costs
/// more than the search.
#[inline(always)]
pub(crate) fn find_lf_or(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut from = from;
        while let Some(block) = bytes.get(from..from + 16) {
            let hits = hits16(block.try_into().unwrap_or(&[0; 16]), byte);
            if hits != 0 {
                return Some(from + hits.trailing_zeros() as usize);
            }
            from += 16;
        }
        // Fewer than sixteen bytes left.
        find_lf_or_by_search(bytes, from, byte)
    }
    #[cfg(not(target_arch = "x86_64"))]
    find_lf_or_by_search(bytes, from, byte)
}

/// [`find_lf_or`] by `memchr`'s search, as processors other than x86-64 find it (and x86-64
/// in the last bytes of a run).
fn find_lf_or_by_search(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    memchr::memchr2(b'\n', byte, bytes.get(from..)?).map(|at| from + at)
}

/// The place of the first CR in `bytes` that no LF follows (one at the very end included):
/// what stops a run of plain lines. A table without CRs costs one vector search; in a table of
/// CR LF lines, every line has one, so from the first CR on sixteen bytes are looked at a time
/// on x86-64 (a search called for each CR cost about three times as much); elsewhere each CR
/// is found by a search ([`find_lone_cr_by_search`]).
pub(crate) fn find_lone_cr(bytes: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut from = memchr::memchr(b'\r', bytes)?;
        while let Some(block) = bytes.get(from..from + 17) {
            let lone = lone_cr16(block.try_into().unwrap_or(&[0; 17]));
            if lone != 0 {
                return Some(from + lone.trailing_zeros() as usize);
            }
            from += 16;
        }
        // Fewer than seventeen bytes left (a CR's next byte is in them, or there is none).
        find_lone_cr_by_search(bytes.get(from..)?).map(|at| from + at)
    }
    #[cfg(not(target_arch = "x86_64"))]
    find_lone_cr_by_search(bytes)
}

/// [`find_lone_cr`] by a search for each CR, as processors other than x86-64 find it (and
/// x86-64 in the last bytes of a run).
fn find_lone_cr_by_search(bytes: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\r', bytes).find(|&r| bytes.get(r + 1) != Some(&b'\n'))
}

/// Which of the first sixteen bytes of `block` are a CR the next byte of which is no LF: bit
/// `i` set for byte `i`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn lone_cr16(block: &[u8; 17]) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    #[allow(unsafe_code)]
    // SAFETY: SSE2 is part of every x86-64 processor (the target enables it), and the two
    // loads read bytes 0 to 15 and 1 to 16 of `block`, with no alignment asked.
    unsafe {
        let here = _mm_loadu_si128(block.as_ptr().cast());
        let next = _mm_loadu_si128(block[1..].as_ptr().cast());
        let cr = _mm_movemask_epi8(_mm_cmpeq_epi8(here, _mm_set1_epi8(b'\r' as i8))) as u32;
        let lf = _mm_movemask_epi8(_mm_cmpeq_epi8(next, _mm_set1_epi8(b'\n' as i8))) as u32;
        cr & !lf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The first LF or byte sought from any place is the first found byte by byte, in
        /// text of any length (blocks of sixteen and what is left after them).
        #[test]
        fn the_first_lf_or_byte_found_is_the_first_byte_by_byte(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b'\n'), Just(b','), Just(b'\r'), Just(b'a'), Just(0x8a), Just(0xac)
                ],
                0..90,
            ),
            from in 0usize..100,
            byte in proptest::sample::select(vec![b',', b'\t', b';', b'\n']),
        ) {
            let bytewise = bytes
                .iter()
                .enumerate()
                .skip(from)
                .find(|&(_, &b)| b == b'\n' || b == byte)
                .map(|(i, _)| i);
            prop_assert_eq!(find_lf_or(&bytes, from, byte), bytewise);
            prop_assert_eq!(find_lf_or_by_search(&bytes, from, byte), bytewise);
        }

        /// The first lone CR found is the first CR byte by byte that no LF follows, in text of
        /// any length, CR LF pairs across the edges of the blocks of sixteen.
        #[test]
        fn the_first_lone_cr_found_is_the_first_byte_by_byte(
            bytes in proptest::collection::vec(
                prop_oneof![4 => Just(b'\r'), 4 => Just(b'\n'), 1 => Just(b'a'), 1 => Just(b',')],
                0..90,
            ),
            crlf_lines in 0usize..6,
        ) {
            // CR LF lines first, as a table of them begins, so the search starts later.
            let mut text = b"ab,c\r\n".repeat(crlf_lines);
            text.extend_from_slice(&bytes);
            let bytewise = (0..text.len())
                .find(|&i| text[i] == b'\r' && text.get(i + 1) != Some(&b'\n'));
            prop_assert_eq!(find_lone_cr(&text), bytewise);
            prop_assert_eq!(find_lone_cr_by_search(&text), bytewise);
        }

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
