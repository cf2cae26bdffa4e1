//! The one place where numbers from people become exact values, and exact values become text.
//!
//! Amounts of money, widths, lengths and household counts arrive as text written by hand or by
//! Excel: `1,200,000`, `120万`, `１２０万`, `4.5米`, `850m`. Everything here parses straight into
//! [`Decimal`] (never through binary floating point) and enforces limits that keep every later
//! product and sum exact to the fen: see [`MAX_YUAN`], [`LENGTH_DP`] and [`WIDTH_DP`].
//!
//! The concerns are kept apart: `parse` reads text, `round` rounds to the fen (the one place
//! a midpoint is decided), `fixed` writes amounts for files and `show` writes them for people.
//! Everything is re-exported here, so callers write `money::grouped`, `money::Rounding`.

use rust_decimal::Decimal;

mod fixed;
mod parse;
mod round;
mod show;

pub use fixed::push_wan;
pub use fixed::{
    plain, push_decimal, push_plain, push_plain_fen, write_plain, PlainFields, PutAmount,
};
pub use parse::{
    is_formula_error, normalize_width_forms, parse_amount, parse_decimal, parse_households,
    parse_length_km, parse_width_m, plain_amount, plain_amount_fen, plain_households,
    plain_length_km, plain_length_parts, plain_width_m, trim, Scale, ValueError,
};
pub use round::{
    cmp, exact_fen, from_fen, is_more, mul_fen, mul_fen_parts, mul_to_fen, units, yuan_of_fen,
    Rounding,
};
pub use show::{
    exact_wan, fits_a_workbook, grouped, grouped_fen_bytes, grouped_measure, grouped_wan,
    grouped_word, measure, percent, push_digits_grouped, push_grouped, push_grouped_bytes,
    short_yuan, whole_yuan, Grouped, GROUPED_WORD_FEN,
};

/// Amounts are at most this many yuan (10^15 − 0.01, just under 1000万亿).
///
/// With lengths capped at [`MAX_LENGTH_KM`] this keeps `rate × length` within 28 significant
/// digits, so `Decimal` never has to drop a digit.
pub const MAX_YUAN: Decimal = Decimal::from_parts(1_569_325_055, 23_283_064, 0, false, 2); // 999_999_999_999_999.99
/// Amounts carry at most two decimals: they are exact to the fen.
pub const MONEY_DP: u32 = 2;
/// [`MAX_YUAN`] in fen.
pub const MAX_FEN: i128 = 99_999_999_999_999_999;
/// Lengths are at most this many km.
pub const MAX_LENGTH_KM: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);
/// Lengths carry at most six decimals of a km (1 mm).
pub const LENGTH_DP: u32 = 6;
/// Widths are at most this many metres.
pub const MAX_WIDTH_M: Decimal = Decimal::from_parts(1_000, 0, 0, false, 0);
/// Widths carry at most three decimals of a metre (1 mm).
pub const WIDTH_DP: u32 = 3;

/// An exact running sum at a fixed number of decimals: fen (`Sum<2>`) for money, µkm
/// (`Sum<6>`) for lengths. Adding is one integer addition, which matters over a million rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sum<const DP: u32>(i128);

/// A value with more decimals than the sum keeps, or a sum beyond `Decimal`'s range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SumError;

impl<const DP: u32> Sum<DP> {
    /// Adds `value`, which must have at most `DP` decimals.
    pub fn add(&mut self, value: Decimal) -> Result<(), SumError> {
        self.add_or_sub(value, false)
    }

    /// Takes `value` away again (undoing an [`Sum::add`]).
    pub fn sub(&mut self, value: Decimal) -> Result<(), SumError> {
        self.add_or_sub(value, true)
    }

    /// Adds `value`, or takes it away when `negate`.
    #[inline(always)]
    pub fn add_or_sub(&mut self, value: Decimal, negate: bool) -> Result<(), SumError> {
        // A mantissa is below 2^96 and a factor at most 10^28: its negation fits i128.
        let units = Self::units(value)?;
        let units = if negate { -units } else { units };
        self.0 = self.0.checked_add(units).ok_or(SumError)?;
        Ok(())
    }

    /// `value` in units of 10^-`DP` (what [`Sum::add`] adds of it): an error when it has more
    /// decimals than the sum keeps.
    #[inline(always)]
    pub fn units(value: Decimal) -> Result<i128, SumError> {
        let scale = value.scale();
        // Most values are at the sum's decimals already (every amount the engine computed):
        // no 128-bit multiplication for them.
        if scale == DP {
            return Ok(value.mantissa());
        }
        if scale < DP && DP <= 9 {
            // A mantissa is below 2^96 and the factor at most 10^9: the product fits.
            return Ok(value.mantissa() * POW10[(DP - scale) as usize]);
        }
        Self::units_general(value)
    }

    /// [`Sum::units`] at any scale.
    #[inline(never)]
    fn units_general(value: Decimal) -> Result<i128, SumError> {
        let scale = value.scale();
        match scale.cmp(&DP) {
            std::cmp::Ordering::Equal => Ok(value.mantissa()),
            std::cmp::Ordering::Less => value
                .mantissa()
                .checked_mul(POW10[(DP - scale) as usize])
                .ok_or(SumError),
            std::cmp::Ordering::Greater => Err(SumError),
        }
    }

    /// Adds `units` (of 10^-`DP`), or takes them away when `negate`.
    pub fn add_units(&mut self, units: i128, negate: bool) -> Result<(), SumError> {
        let units = if negate {
            units.checked_neg().ok_or(SumError)?
        } else {
            units
        };
        self.0 = self.0.checked_add(units).ok_or(SumError)?;
        Ok(())
    }

    /// Adds another sum.
    pub fn merge(&mut self, other: Sum<DP>) -> Result<(), SumError> {
        self.0 = self.0.checked_add(other.0).ok_or(SumError)?;
        Ok(())
    }

    /// What [`Sum::units`] gives of [`Sum::value`], without the `Decimal` between: the sum's
    /// own units within a `Decimal`'s range, the saturated value's beyond it. A comparison
    /// shows each of 187,307 villages' sums this way, both sides.
    pub fn value_units(self) -> Result<i128, SumError> {
        /// The largest mantissa a `Decimal` holds.
        const MAX_MANTISSA: u128 = (1 << 96) - 1;
        if DP <= Decimal::MAX_SCALE && self.0.unsigned_abs() <= MAX_MANTISSA {
            return Ok(self.0);
        }
        Self::units(self.value())
    }

    /// The sum as a decimal with `DP` decimals (saturating far beyond any real total).
    pub fn value(self) -> Decimal {
        Decimal::try_from_i128_with_scale(self.0, DP).unwrap_or(if self.0 < 0 {
            Decimal::MIN
        } else {
            Decimal::MAX
        })
    }
}

/// 10^0 to 10^28.
const POW10: [i128; 29] = {
    let mut t = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// A sum's units as its value gives them are its value's units, within a `Decimal`'s
    /// range, at its edges and beyond them (saturated), for fen and µkm.
    #[test]
    fn a_sums_units_as_its_value_gives_them_are_its_values_units() {
        let edge: i128 = (1 << 96) - 1;
        for units in [
            0,
            1,
            -1,
            123_456_789,
            edge - 1,
            edge,
            -edge,
            edge + 1,
            -edge - 1,
            i128::MAX,
            i128::MIN,
        ] {
            assert_eq!(
                Sum::<2>(units).value_units(),
                Sum::<2>::units(Sum::<2>(units).value()),
                "{units}"
            );
            assert_eq!(
                Sum::<6>(units).value_units(),
                Sum::<6>::units(Sum::<6>(units).value()),
                "{units}"
            );
        }
        assert_eq!(Sum::<2>(edge + 1).value_units(), Ok(edge * 100));
    }

    #[test]
    fn max_yuan_is_just_under_a_quadrillion() {
        assert_eq!(MAX_YUAN, d("999999999999999.99"));
    }

    #[test]
    fn sums_are_exact_at_their_scale() {
        let mut s = Sum::<2>::default();
        s.add(d("0.1")).unwrap();
        s.add(d("0.20")).unwrap();
        assert_eq!(s.value(), d("0.30"));
        assert_eq!(s.add(d("0.001")), Err(SumError));
        let mut km = Sum::<6>::default();
        km.add(d("1.25")).unwrap();
        km.add(d("0.000001")).unwrap();
        assert_eq!(km.value().to_string(), "1.250001");
    }
}
