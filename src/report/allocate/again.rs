//! [`prorate`](super::prorate) again after a few rows changed what they ask: the interactive
//! table shares an envelope over hundreds of thousands of rows out again on every edit, and
//! a change to one row moves the running total of every row after it, so every share is
//! worked out again — but most come out as they were. Each row's previous share is tried
//! first and checked with two multiplications (row i gets ⌊E·S_i/D⌋ − ⌊E·S_(i−1)/D⌋, kept
//! as a running remainder of E·S_i mod D), so a division is made only for a row whose share
//! moved by more than a fen. The result is [`prorate`](super::prorate)'s, exactly.

use super::AllocError;

/// Shares `envelope` fen out again among rows asking `asked` fen, given in `shares` what
/// each was paid before (any numbers: they are only guesses), leaving there what
/// [`prorate`](super::prorate) pays each, and calling `changed(i)` for each row whose share
/// is not the one it had. Nothing changes when it fails.
pub fn prorate_again(
    asked: &[i64],
    envelope: i128,
    shares: &mut [i64],
    mut changed: impl FnMut(usize),
) -> Result<(), AllocError> {
    if envelope < 0 || asked.iter().any(|&a| a < 0) {
        return Err(AllocError::Negative);
    }
    // At most 2^63 rows of at most 2^63 fen: the sum fits in 127 bits.
    let total: i128 = asked.iter().map(|&a| i128::from(a)).sum();
    prorate_again_after(asked, envelope, total, 0, shares, |i, _, _| changed(i));
    Ok(())
}

/// [`prorate_again`] over a run of the rows only: `asked` and `shares` are the run's, the
/// rows before it asked `before` fen in all and all the rows `total`; `changed(i, was, now)`
/// is called with `i` counted from the run's first row, and its share before and now. What each row of the run is paid depends only
/// on these, so runs can be shared out apart, on threads of their own, with the same result.
/// Every amount, and the envelope, must not be negative (then it cannot fail), and `before`
/// must be at most `total`.
pub fn prorate_again_after(
    asked: &[i64],
    envelope: i128,
    total: i128,
    before: i128,
    shares: &mut [i64],
    mut changed: impl FnMut(usize, i64, i64),
) {
    debug_assert_eq!(asked.len(), shares.len());
    debug_assert!(envelope >= 0 && (0..=total).contains(&before));
    if total <= envelope {
        for (i, (share, &a)) in shares.iter_mut().zip(asked).enumerate() {
            if *share != a {
                let was = std::mem::replace(share, a);
                changed(i, was, a);
            }
        }
        return;
    }
    if let Ok(d) = u64::try_from(total) {
        // The common case, in 64-bit numbers: every product below is of two of them, and a
        // 64×64-bit product never overflows 128 bits, so none is checked.
        let e = envelope as u64;
        // E·S mod D for the rows before the run: E < D and S ≤ D, so E·S < 2^128.
        let mut rest = (u128::from(e) * before as u128 % u128::from(d)) as u64;
        for (i, (share, &a)) in shares.iter_mut().zip(asked).enumerate() {
            // r < D and E·a < 2^126: the share is ⌊(r + E·a)/D⌋ ≤ E.
            let y = u128::from(rest) + u128::from(e) * u128::from(a as u64);
            let q = match u64::try_from(*share) {
                Ok(g) if g <= e => {
                    let low = u128::from(g) * u128::from(d);
                    if low <= y && y - low < u128::from(d) {
                        g
                    } else if low <= y && y - low - u128::from(d) < u128::from(d) {
                        g + 1
                    } else if low > y && g > 0 && y + u128::from(d) >= low {
                        g - 1
                    } else {
                        (y / u128::from(d)) as u64
                    }
                }
                _ => (y / u128::from(d)) as u64,
            };
            rest = (y - u128::from(q) * u128::from(d)) as u64;
            let q = q as i64;
            if *share != q {
                let was = std::mem::replace(share, q);
                changed(i, was, q);
            }
        }
        return;
    }
    // 0 ≤ E < D, so every share is at most E and E·a fits in 127 bits.
    let (e, d) = (envelope as u128, total as u128);
    // E·S_(i−1) mod D.
    let mut rest = mul_mod(e, before as u128, d);
    for (i, (share, &a)) in shares.iter_mut().zip(asked).enumerate() {
        // r + E·a < D + E·a < 2^128: the share is ⌊(r + E·a)/D⌋.
        let y = rest + e * a as u128;
        let (q, r) = match try_share(y, d, *share) {
            Some(found) => found,
            None => (y / d, y % d),
        };
        rest = r;
        // q ≤ E < 2^63.
        let q = q as i64;
        if *share != q {
            let was = std::mem::replace(share, q);
            changed(i, was, q);
        }
    }
}

/// a·b mod m for a < m < 2^127, by doubling: a·b itself may not fit in 128 bits.
fn mul_mod(a: u128, b: u128, m: u128) -> u128 {
    let b = b % m;
    let mut r: u128 = 0;
    for bit in (0..128).rev() {
        // r < m < 2^127: doubling it, or adding a < m to it, stays under 2^128.
        r = (r << 1) % m;
        if b >> bit & 1 == 1 {
            r = (r + a) % m;
        }
    }
    r
}

/// ⌊y/d⌋ and the remainder when the quotient is `guess` or one off it, by multiplying.
fn try_share(y: u128, d: u128, guess: i64) -> Option<(u128, u128)> {
    let guess = u128::try_from(guess).ok()?;
    let low = guess.checked_mul(d)?;
    if low <= y {
        let r = y - low;
        if r < d {
            return Some((guess, r));
        }
        // One more.
        let r = r - d;
        return (r < d).then_some((guess + 1, r));
    }
    // One less.
    let r = y.checked_add(d)?.checked_sub(low)?;
    (guess > 0 && r < d).then_some((guess - 1, r))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::prorate;
    use super::*;

    fn again(asked: &[i64], envelope: i128, before: &[i64]) -> (Vec<i64>, Vec<usize>) {
        let mut shares = before.to_vec();
        let mut changed = Vec::new();
        prorate_again(asked, envelope, &mut shares, |i| changed.push(i)).unwrap();
        (shares, changed)
    }

    fn once(asked: &[i64], envelope: i128) -> Vec<i64> {
        let wide: Vec<i128> = asked.iter().map(|&a| i128::from(a)).collect();
        prorate(&wide, envelope)
            .unwrap()
            .into_iter()
            .map(|p| i64::try_from(p).unwrap())
            .collect()
    }

    #[test]
    fn one_row_asking_more_moves_the_shares_after_it_as_prorate_gives_them() {
        // 10 fen among 30, 30, 30: 3, 3, 4 by running totals; the first asking 60 makes it
        // 5, 2, 3.
        let (shares, changed) = again(&[30, 30, 30], 10, &[3, 3, 4]);
        assert_eq!(shares, vec![3, 3, 4]);
        assert!(changed.is_empty());
        let (shares, changed) = again(&[60, 30, 30], 10, &[3, 3, 4]);
        assert_eq!(shares, vec![5, 2, 3]);
        assert_eq!(changed, vec![0, 1, 2]);
        assert_eq!(shares, once(&[60, 30, 30], 10));
    }

    #[test]
    fn an_envelope_that_no_longer_binds_pays_every_row_what_it_asks() {
        let (shares, changed) = again(&[3, 3, 3], 9, &[2, 3, 3]);
        assert_eq!(shares, vec![3, 3, 3]);
        assert_eq!(changed, vec![0]);
    }

    #[test]
    fn a_negative_amount_is_refused_and_nothing_changes() {
        let mut shares = vec![1, 2];
        let r = prorate_again(&[3, -1], 2, &mut shares, |_| panic!("nothing changes"));
        assert_eq!(r, Err(AllocError::Negative));
        assert_eq!(shares, vec![1, 2]);
        let r = prorate_again(&[3, 1], -2, &mut shares, |_| panic!("nothing changes"));
        assert_eq!(r, Err(AllocError::Negative));
    }

    #[test]
    fn a_product_past_128_bits_is_taken_modulo_exactly() {
        let m = (1u128 << 126) + 12_345;
        let (a, b) = (m - 1, m - 2);
        // (m − 1)(m − 2) ≡ 2 (mod m).
        assert_eq!(mul_mod(a, b, m), 2);
        assert_eq!(mul_mod(7, 5, 11), 2);
        assert_eq!(mul_mod(0, u128::MAX, 11), 0);
    }

    #[test]
    fn amounts_past_a_128_bit_running_product_share_as_prorate_shares_them() {
        let big = i64::MAX;
        let asked = [big, big, 1, big, 7];
        let envelope = i128::from(big) * 2 + 3;
        let before = [0, big, 5, 1, 0];
        assert_eq!(again(&asked, envelope, &before).0, once(&asked, envelope));
    }

    fn amount() -> impl Strategy<Value = i64> {
        prop_oneof![0i64..1_000, 0i64..100_000_000, 0i64..=i64::MAX]
    }

    proptest! {
        #[test]
        fn shares_out_as_prorate_does_whatever_the_shares_before(
            asked in prop::collection::vec(amount(), 0..40),
            envelope in prop_oneof![0i128..2_000, 0i128..1_000_000_000, 0i128..=i128::from(i64::MAX) * 4],
            noise in prop::collection::vec(-3i64..=3, 40),
            wild in prop::collection::vec(any::<i64>(), 40),
            how in 0u8..3,
        ) {
            let right = once(&asked, envelope);
            let before: Vec<i64> = match how {
                // What it was before, a little off (one row asked a little more or less).
                0 => right.iter().zip(&noise).map(|(&r, &n)| r.saturating_add(n)).collect(),
                // Nothing known.
                1 => wild[..asked.len()].to_vec(),
                _ => right.clone(),
            };
            let (shares, changed) = again(&asked, envelope, &before);
            prop_assert_eq!(&shares, &right);
            let moved: Vec<usize> = (0..asked.len()).filter(|&i| before[i] != right[i]).collect();
            prop_assert_eq!(&changed, &moved);
        }

        #[test]
        fn runs_shared_out_apart_share_as_the_rows_shared_out_together(
            asked in prop::collection::vec(amount(), 0..40),
            envelope in prop_oneof![0i128..2_000, 0i128..1_000_000_000, 0i128..=i128::from(i64::MAX) * 4],
            noise in prop::collection::vec(-3i64..=3, 40),
            cuts in prop::collection::vec(0usize..=40, 0..5),
        ) {
            let right = once(&asked, envelope);
            let before: Vec<i64> =
                right.iter().zip(&noise).map(|(&r, &n)| r.saturating_add(n)).collect();
            let total: i128 = asked.iter().map(|&a| i128::from(a)).sum();
            let mut bounds: Vec<usize> = cuts.iter().map(|&c| c.min(asked.len())).collect();
            bounds.push(0);
            bounds.push(asked.len());
            bounds.sort_unstable();
            let mut shares = before.clone();
            let mut changed = Vec::new();
            for run in bounds.windows(2) {
                let (from, to) = (run[0], run[1]);
                let sum: i128 = asked[..from].iter().map(|&a| i128::from(a)).sum();
                prorate_again_after(
                    &asked[from..to],
                    envelope,
                    total,
                    sum,
                    &mut shares[from..to],
                    |i, was, now| {
                        assert_eq!((was, now), (before[from + i], right[from + i]));
                        changed.push(from + i);
                    },
                );
            }
            prop_assert_eq!(&shares, &right);
            let moved: Vec<usize> = (0..asked.len()).filter(|&i| before[i] != right[i]).collect();
            prop_assert_eq!(changed, moved);
        }
    }
}
