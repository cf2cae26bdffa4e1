//! Rounding to the fen, and the exact integer arithmetic around it. An amount that falls
//! between two fen is rounded by the rule in `rules.toml` (SPEC §2 "rounding"); products and
//! quotients are worked out in whole fen so that the engine never rounds twice.
//!
//! Whether a value half-way between two steps goes up or down is decided in one function,
//! [`round_quotient`]; every rounding in the crate (to the fen, of a quotient, of a product,
//! of a share shown in percent) ends there, so the two rules cannot drift apart.

use std::ops::{Add, BitAnd, Sub};

use rust_decimal::Decimal;

use super::{MONEY_DP, POW10};

/// How an amount that falls between two fen is rounded (SPEC §2 "rounding").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// 四舍五入: 17,461.125 → 17,461.13 (the accounting convention; the default).
    HalfAwayFromZero,
    /// GB/T 8170-2008 四舍六入五成双: 17,461.125 → 17,461.12.
    HalfEven,
}

impl Rounding {
    /// The name used in `rules.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Rounding::HalfAwayFromZero => "half_away_from_zero",
            Rounding::HalfEven => "half_even",
        }
    }

    /// Parses the name used in `rules.toml`.
    pub fn from_key(key: &str) -> Option<Rounding> {
        match key {
            "half_away_from_zero" => Some(Rounding::HalfAwayFromZero),
            "half_even" => Some(Rounding::HalfEven),
            _ => None,
        }
    }

    /// Rounds to the fen (0.01 yuan).
    pub fn to_fen(self, amount: Decimal) -> Decimal {
        if amount.scale() <= MONEY_DP {
            // Nothing to round: only the scale changes (by integer multiplication when it
            // fits, which is cheaper than rescaling).
            let scaled = amount.mantissa() * POW10[(MONEY_DP - amount.scale()) as usize];
            return Decimal::try_from_i128_with_scale(scaled, MONEY_DP).unwrap_or_else(|_| {
                let mut exact = amount;
                exact.rescale(MONEY_DP);
                exact
            });
        }
        self.round_dp(amount, MONEY_DP)
    }

    /// `amount` rounded to `dp` decimals (at most 28); unchanged when it has no more.
    // Out of line: the batch's usual amounts are already to the fen and never come here, so
    // it need not swell `to_fen` where the engine inlines it.
    #[inline(never)]
    pub fn round_dp(self, amount: Decimal, dp: u32) -> Decimal {
        let scale = amount.scale();
        if scale <= dp {
            return amount;
        }
        let m = amount.mantissa();
        if m == 0 {
            // Only the scale changes (a negative zero stays one, as rust_decimal keeps it).
            let mut zero = amount;
            zero.rescale(dp);
            return zero;
        }
        // Scales are at most 28, so the divisor is in POW10; the mantissa is below 2^96.
        let d = POW10[(scale - dp) as usize];
        let magnitude = m.abs();
        let rounded = round_quotient(magnitude / d, magnitude % d, d, self);
        let signed = if m < 0 { -rounded } else { rounded };
        // Cannot fail: a 96-bit magnitude divided by at least 10, plus one, fits 96 bits.
        Decimal::try_from_i128_with_scale(signed, dp).unwrap_or(amount)
    }
}

/// The one midpoint rule. `q` and `r` are the quotient and remainder of a magnitude divided
/// by `d` (`0 ≤ r < d`); the result is `q` or `q + 1`, whichever is nearer the exact
/// quotient, a tie going by `rounding`: away from zero, or to the even one.
///
/// Generic over the integer type so that the engine's 64-bit divisions stay 64-bit: one rule,
/// compiled once per width.
#[inline]
pub fn round_quotient<T>(q: T, r: T, d: T, rounding: Rounding) -> T
where
    T: Copy + Ord + Add<Output = T> + Sub<Output = T> + BitAnd<Output = T> + From<bool>,
{
    let one = T::from(true);
    // `r` against what is left of `d`, rather than `2r` against `d`: no overflow for any `d`.
    // Rounding up only when `r ≥ d − r > 0`, so `d ≥ 2` and `q + 1` cannot overflow.
    let rest = d - r;
    let up = match rounding {
        Rounding::HalfAwayFromZero => r >= rest,
        Rounding::HalfEven => r > rest || (r == rest && q & one == one),
    };
    q + T::from(up)
}

impl Rounding {
    /// `amount` as a whole number of fen, rounded first when it is more precise.
    pub fn fen(self, amount: Decimal) -> i128 {
        // Nearly every amount is already whole fen: no rounding, no 128-bit arithmetic.
        if let Some(fen) = exact_fen(amount) {
            return i128::from(fen);
        }
        self.fen_general(amount)
    }

    /// [`Rounding::fen`] for any amount: rounded first when it is more precise.
    #[inline(never)]
    pub(super) fn fen_general(self, amount: Decimal) -> i128 {
        let exact = if amount.scale() > MONEY_DP {
            self.to_fen(amount)
        } else {
            amount
        };
        // A 96-bit mantissa times at most 100 fits i128.
        exact.mantissa() * 10i128.pow(MONEY_DP - exact.scale())
    }

    /// `numerator ÷ denominator` in fen, rounded; both at least 0, the denominator more.
    // Inlined: the engine divides once a row (the shortfall per household).
    #[inline]
    pub fn div_fen(self, numerator: i128, denominator: i128) -> i128 {
        // 64-bit division when it fits (always, within MAX_FEN): far cheaper than 128-bit.
        match (u64::try_from(numerator), u64::try_from(denominator)) {
            (Ok(n), Ok(d)) => i128::from(round_quotient(n / d, n % d, d, self)),
            _ => round_quotient(
                numerator / denominator,
                numerator % denominator,
                denominator,
                self,
            ),
        }
    }
}

/// A whole number of fen as an amount in yuan (two decimals), if it fits.
#[inline]
pub fn from_fen(fen: i128) -> Option<Decimal> {
    match i64::try_from(fen) {
        Ok(fen) => Some(yuan_of_fen(fen)),
        Err(_) => from_fen_general(fen),
    }
}

/// [`from_fen`] for any `i128`, through `Decimal`'s own range check.
#[inline(never)]
pub(super) fn from_fen_general(fen: i128) -> Option<Decimal> {
    Decimal::try_from_i128_with_scale(fen, MONEY_DP).ok()
}

/// A whole number of fen that fits an `i64` as an amount in yuan: built from its parts, the
/// same value and form (two decimals, a zero never negative) [`from_fen_general`] makes, with
/// no range to check.
#[inline]
pub fn yuan_of_fen(fen: i64) -> Decimal {
    let magnitude = fen.unsigned_abs();
    Decimal::from_parts(
        magnitude as u32,
        (magnitude >> 32) as u32,
        0,
        fen < 0,
        MONEY_DP,
    )
}

/// `amount` as a whole number of fen when it is one (at most two decimals) and fits an
/// `i64`; `None` for anything else (then [`Rounding::fen`] rounds it in full).
#[inline]
pub fn exact_fen(amount: Decimal) -> Option<i64> {
    let scale = amount.scale();
    if scale > MONEY_DP {
        return None;
    }
    let m = i64::try_from(amount.mantissa()).ok()?;
    m.checked_mul([100, 10, 1][scale as usize])
}

/// `a.cmp(&b)`, in one integer compare when the scales can be matched in `i128` (the usual
/// case: widths against tier minimums, values against their limits).
pub fn cmp(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    let (sa, sb) = (a.scale(), b.scale());
    let (ma, mb) = (a.mantissa(), b.mantissa());
    // Below 2^63 times at most 10^18: no overflow to check.
    let small = |m: i128| m.unsigned_abs() < 1 << 63;
    if small(ma) && small(mb) && sa.abs_diff(sb) <= 18 {
        return if sa < sb {
            (ma * POW10[(sb - sa) as usize]).cmp(&mb)
        } else {
            ma.cmp(&(mb * POW10[(sa - sb) as usize]))
        };
    }
    // Scales are at most 28, so the difference indexes POW10.
    let scaled = match sa.cmp(&sb) {
        std::cmp::Ordering::Equal => Some((ma, mb)),
        std::cmp::Ordering::Less => ma.checked_mul(POW10[(sb - sa) as usize]).map(|ma| (ma, mb)),
        std::cmp::Ordering::Greater => mb.checked_mul(POW10[(sa - sb) as usize]).map(|mb| (ma, mb)),
    };
    match scaled {
        Some((x, y)) => x.cmp(&y),
        None => a.cmp(&b),
    }
}

/// `a > b`: at one scale (two lengths as a table writes them) a compare of mantissas, else
/// [`cmp`].
#[inline]
pub fn is_more(a: Decimal, b: Decimal) -> bool {
    if a.scale() == b.scale() {
        return a.mantissa() > b.mantissa();
    }
    cmp(a, b).is_gt()
}

/// `value` as a whole number of 10^-`dp` units (mm for a width in metres at 3), when it has at
/// most `dp` decimals and fits.
pub fn units(value: Decimal, dp: u32) -> Option<i64> {
    let scale = value.scale();
    if scale > dp || dp > 18 {
        return None;
    }
    let m = i64::try_from(value.mantissa()).ok()?;
    m.checked_mul(POW10[(dp - scale) as usize] as i64)
}

/// `a × b` rounded to the fen with `rounding`, exactly, in integer arithmetic when both are
/// non-negative and small (the usual rate × length); `None` otherwise, for the general path.
pub fn mul_to_fen(a: Decimal, b: Decimal, rounding: Rounding) -> Option<Decimal> {
    mul_fen(a, b, rounding).and_then(from_fen)
}

/// [`mul_to_fen`] as a whole number of fen (always one a `Decimal` holds), for the engine,
/// which goes on in fen.
#[inline]
pub fn mul_fen(a: Decimal, b: Decimal, rounding: Rounding) -> Option<i128> {
    let (ma, mb) = (
        u128::try_from(a.mantissa()).ok()?,
        u128::try_from(b.mantissa()).ok()?,
    );
    mul_fen_parts(ma, a.scale(), mb, b.scale(), rounding)
}

/// [`mul_fen`] of `ma × 10^-sa` and `mb × 10^-sb`, as two `Decimal`s' mantissas and scales.
#[inline]
pub fn mul_fen_parts(ma: u128, sa: u32, mb: u128, sb: u32, rounding: Rounding) -> Option<i128> {
    if ma >= 1 << 62 || mb >= 1 << 62 {
        return None;
    }
    let product = ma * mb;
    let scale = sa + sb;
    if let (Ok(p), true) = (
        u64::try_from(product),
        (MONEY_DP..MONEY_DP + 19).contains(&scale),
    ) {
        // The usual rate × length: 64-bit division, far cheaper than 128-bit.
        let d = POW10[(scale - MONEY_DP) as usize] as u64;
        let (q, r) = (p / d, p % d);
        return Some(i128::from(round_quotient(q, r, d, rounding)));
    }
    mul_fen_wide(product, scale, rounding)
}

/// [`mul_fen`] of a product beyond 64 bits or at another scale: 128-bit arithmetic.
#[inline(never)]
fn mul_fen_wide(product: u128, scale: u32, rounding: Rounding) -> Option<i128> {
    let fen = if scale <= MONEY_DP {
        product.checked_mul(10u128.pow(MONEY_DP - scale))?
    } else {
        let d = 10u128.checked_pow(scale - MONEY_DP)?;
        round_quotient(product / d, product % d, d, rounding)
    };
    // Only what a Decimal holds (96 bits), as the Decimal path would.
    if fen >= 1 << 96 {
        return None;
    }
    i128::try_from(fen).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{plain, MAX_FEN, MAX_YUAN};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn cmp_is_decimal_order() {
        let values = [
            "4.5",
            "4.50",
            "4",
            "3.999",
            "-1",
            "0",
            "0.000",
            "79228162514264337593543950335",
            "0.0000000000000000000000000001",
        ];
        for a in values {
            for b in values {
                assert_eq!(cmp(d(a), d(b)), d(a).cmp(&d(b)), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn whole_fen_and_division_round_like_decimal() {
        assert_eq!(MAX_FEN, Rounding::HalfAwayFromZero.fen(MAX_YUAN));
        assert_eq!(Rounding::HalfAwayFromZero.fen(d("17461.125")), 1_746_113);
        assert_eq!(Rounding::HalfEven.fen(d("17461.125")), 1_746_112);
        assert_eq!(Rounding::HalfEven.fen(d("12")), 1200);
        // 100,000.00 ÷ 3 and midpoints: 0.05 ÷ 2 = 0.025, 0.07 ÷ 2 = 0.035.
        for (fen, n) in [(10_000_000, 3), (5, 2), (7, 2), (1, 8), (99_999, 7)] {
            for r in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
                let exact = r.to_fen(Decimal::new(fen as i64, 2) / Decimal::from(n));
                assert_eq!(from_fen(r.div_fen(fen, n)), Some(exact), "{fen} / {n}");
            }
        }
        assert_eq!(Rounding::HalfAwayFromZero.div_fen(5, 2), 3);
        assert_eq!(Rounding::HalfEven.div_fen(5, 2), 2);
    }

    #[test]
    fn both_rounding_rules_on_a_midpoint() {
        let x = d("17461.125");
        assert_eq!(plain(Rounding::HalfAwayFromZero.to_fen(x)), "17461.13");
        assert_eq!(plain(Rounding::HalfEven.to_fen(x)), "17461.12");
        let y = d("17461.135");
        assert_eq!(plain(Rounding::HalfAwayFromZero.to_fen(y)), "17461.14");
        assert_eq!(plain(Rounding::HalfEven.to_fen(y)), "17461.14");
        assert_eq!(plain(Rounding::HalfEven.to_fen(d("3"))), "3.00");
        assert_eq!(plain(d("0.05")), "0.05");
        assert_eq!(plain(d("-0.05")), "-0.05");
        assert_eq!(plain(d("0")), "0.00");
        assert_eq!(plain(d("12.3")), "12.30");
        assert_eq!(plain(MAX_YUAN), "999999999999999.99");
    }

    #[test]
    fn integer_products_round_exactly_like_decimal() {
        let rates = [
            "150000",
            "450000",
            "250000.5",
            "100000.25",
            "34922.25",
            "0.01",
            "999999.99",
        ];
        let mut lengths: Vec<String> = (0..2000)
            .map(|i| format!("{}.{:03}", i % 7, (i * 37) % 1000))
            .collect();
        lengths.extend(["0.000001", "0.0000005", "0.333", "100000", "0.5", "2"].map(String::from));
        for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
            for r in rates {
                for l in &lengths {
                    let (a, b) = (d(r), d(l));
                    let slow = rule.to_fen(a.checked_mul(b).unwrap());
                    assert_eq!(mul_to_fen(a, b, rule), Some(slow), "{r} × {l} {rule:?}");
                }
            }
        }
        assert_eq!(mul_to_fen(d("-1"), d("2"), Rounding::HalfEven), None);
    }

    /// rust_decimal's own rounding, for the tests: a reference that shares no code with ours.
    fn library(rule: Rounding, x: Decimal, dp: u32) -> Decimal {
        use rust_decimal::RoundingStrategy;
        let strategy = match rule {
            Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        x.round_dp_with_strategy(dp, strategy)
    }

    #[test]
    fn one_midpoint_rule_decides_every_tie() {
        let (away, even) = (Rounding::HalfAwayFromZero, Rounding::HalfEven);
        // Ties: q even and odd, each way.
        assert_eq!(round_quotient(2, 5, 10, away), 3);
        assert_eq!(round_quotient(2, 5, 10, even), 2);
        assert_eq!(round_quotient(3, 5, 10, away), 4);
        assert_eq!(round_quotient(3, 5, 10, even), 4);
        // Not ties: nearest, whatever the rule.
        for rule in [away, even] {
            assert_eq!(round_quotient(2, 4, 10, rule), 2);
            assert_eq!(round_quotient(2, 6, 10, rule), 3);
            assert_eq!(round_quotient(7, 0, 1, rule), 7);
            assert_eq!(round_quotient(0, 1, 3, rule), 0);
            assert_eq!(round_quotient(0, 2, 3, rule), 1);
        }
        // A quotient too wide for 64 bits takes the same rule: (2^64 + 1) ÷ 2 is a tie.
        let wide = i128::from(u64::MAX) + 2;
        assert_eq!(away.div_fen(wide, 2), (1 << 63) + 1);
        assert_eq!(even.div_fen(wide, 2), 1 << 63);
        assert_eq!(even.div_fen(wide + 2, 2), (1 << 63) + 2);
        // No overflow next to the largest divisor.
        let big = i128::MAX;
        assert_eq!(round_quotient(0, big / 2 + 1, big, even), 1);
        assert_eq!(round_quotient(0, big / 2, big, away), 0);
        // Signs are symmetric: −0.125 goes where 0.125 goes, negated.
        assert_eq!(away.round_dp(d("-0.125"), 2), d("-0.13"));
        assert_eq!(even.round_dp(d("-0.125"), 2), d("-0.12"));
        assert_eq!(even.round_dp(d("0.0625"), 3), d("0.062"));
        assert_eq!(even.round_dp(d("54.05"), 1), d("54.0"));
        assert_eq!(away.round_dp(d("54.05"), 1), d("54.1"));
    }

    #[test]
    fn rounding_to_any_places_is_what_rust_decimal_gives() {
        let values = [
            "0",
            "-0.000",
            "0.005",
            "-0.005",
            "0.015",
            "17461.125",
            "17461.135",
            "-17461.125",
            "2.5",
            "3.5",
            "-2.5",
            "0.0000000000000000000000000005",
            "7922816251426433759354395033.5",
            "-7922816251426433759354395033.5",
            "79228162514264337593543950335",
            "0.33333333333333333333333333",
            "99999.999",
        ];
        for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
            for v in values {
                for dp in 0..=28 {
                    let (x, want) = (d(v), library(rule, d(v), dp));
                    let got = rule.round_dp(x, dp);
                    assert_eq!(
                        (got, got.scale(), got.is_sign_negative()),
                        (want, want.scale(), want.is_sign_negative()),
                        "{v} to {dp} {rule:?}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn ties_agree_with_rust_decimal(
            q in 0i64..1_000_000_000_000_000, zeros in 0u32..10, extra in 0u32..10, negative: bool,
        ) {
            // (10q + 5) × 10^zeros at a scale that puts the 5 just past `dp`: an exact tie.
            let m = (i128::from(q) * 10 + 5) * 10i128.pow(zeros);
            let m = if negative { -m } else { m };
            let dp = extra;
            let x = Decimal::from_i128_with_scale(m, dp + zeros + 1);
            for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
                proptest::prop_assert_eq!(rule.round_dp(x, dp), library(rule, x, dp));
            }
        }

        #[test]
        fn rounding_agrees_with_rust_decimal_everywhere(
            m in proptest::num::i128::ANY, scale in 0u32..=28, dp in 0u32..=28,
        ) {
            // Any 96-bit mantissa.
            let m = m % (1i128 << 96);
            let x = Decimal::from_i128_with_scale(m, scale);
            for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
                let (got, want) = (rule.round_dp(x, dp), library(rule, x, dp));
                proptest::prop_assert_eq!((got, got.scale()), (want, want.scale()));
                if dp == MONEY_DP {
                    let mut fen = want;
                    fen.rescale(MONEY_DP);
                    proptest::prop_assert_eq!(rule.to_fen(x), fen);
                }
            }
            // Amounts with more than two decimals are written rounded as rescaling rounds.
            let mut rescaled = x;
            rescaled.rescale(MONEY_DP);
            if rescaled.scale() == MONEY_DP {
                proptest::prop_assert_eq!(plain(x), rescaled.to_string());
            }
        }
    }
}
