//! The one place where numbers from people become exact values, and exact values become text.
//!
//! Amounts of money, widths, lengths and household counts arrive as text written by hand or by
//! Excel: `1,200,000`, `120万`, `１２０万`, `4.5米`, `850m`. Everything here parses straight into
//! [`Decimal`] (never through binary floating point) and enforces limits that keep every later
//! product and sum exact to the fen: see [`MAX_YUAN`], [`LENGTH_DP`] and [`WIDTH_DP`].

use std::borrow::Cow;

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

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
    pub fn add_or_sub(&mut self, value: Decimal, negate: bool) -> Result<(), SumError> {
        let scale = value.scale();
        let units = match scale.cmp(&DP) {
            std::cmp::Ordering::Equal => value.mantissa(),
            std::cmp::Ordering::Less => value
                .mantissa()
                .checked_mul(POW10[(DP - scale) as usize])
                .ok_or(SumError)?,
            std::cmp::Ordering::Greater => return Err(SumError),
        };
        let units = if negate { -units } else { units };
        self.0 = self.0.checked_add(units).ok_or(SumError)?;
        Ok(())
    }

    /// Adds another sum.
    pub fn merge(&mut self, other: Sum<DP>) -> Result<(), SumError> {
        self.0 = self.0.checked_add(other.0).ok_or(SumError)?;
        Ok(())
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
        let strategy = match self {
            Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        let mut rounded = amount.round_dp_with_strategy(MONEY_DP, strategy);
        rounded.rescale(MONEY_DP);
        rounded
    }
}

impl Rounding {
    /// `amount` as a whole number of fen, rounded first when it is more precise.
    pub fn fen(self, amount: Decimal) -> i128 {
        let exact = if amount.scale() > MONEY_DP {
            self.to_fen(amount)
        } else {
            amount
        };
        // A 96-bit mantissa times at most 100 fits i128.
        exact.mantissa() * 10i128.pow(MONEY_DP - exact.scale())
    }

    /// `numerator ÷ denominator` in fen, rounded; both at least 0, the denominator more.
    pub fn div_fen(self, numerator: i128, denominator: i128) -> i128 {
        // 64-bit division when it fits (always, within MAX_FEN): far cheaper than 128-bit.
        let (q, r) = match (u64::try_from(numerator), u64::try_from(denominator)) {
            (Ok(n), Ok(d)) => (i128::from(n / d), i128::from(n % d)),
            _ => (numerator / denominator, numerator % denominator),
        };
        let up = match self {
            Rounding::HalfAwayFromZero => r * 2 >= denominator,
            Rounding::HalfEven => r * 2 > denominator || (r * 2 == denominator && q % 2 == 1),
        };
        q + i128::from(up)
    }
}

/// A whole number of fen as an amount in yuan (two decimals), if it fits.
pub fn from_fen(fen: i128) -> Option<Decimal> {
    Decimal::try_from_i128_with_scale(fen, MONEY_DP).ok()
}

/// Why a piece of text is not the value that was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueError {
    /// Not a number in any accepted form (also NaN, inf, `1e5`, `1,5`).
    NotANumber,
    /// A minus sign where only zero or more is allowed.
    Negative,
    /// Zero (or less) where only more than zero is allowed.
    NotPositive,
    /// Beyond the limit that keeps arithmetic exact.
    TooLarge,
    /// More decimals than the value's precision (fen, mm).
    TooPrecise,
    /// A fraction where only a whole number is allowed (households: `12.5`).
    NotWhole,
}

/// Replaces full-width ASCII forms (`１２０`, `４．５`, `，`) and the ideographic space with their
/// ASCII counterparts, borrowing when there is nothing to replace.
pub fn normalize_width_forms(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(is_full_width_form) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\u{3000}' => ' ',
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect(),
    )
}

fn is_full_width_form(c: char) -> bool {
    matches!(c, '\u{3000}' | '\u{FF01}'..='\u{FF5E}')
}

/// `trim(text)`, with ASCII ends settled in a byte compare each (values are trimmed on the
/// batch hot path, and `str::trim` decodes characters).
pub fn trim(text: &str) -> &str {
    let b = text.as_bytes();
    let n = b.len();
    // The usual value: no whitespace can be at either end, settled from a few bytes. Every
    // ASCII whitespace byte is at most b' '.
    if let (Some(&first), Some(&last)) = (b.first(), b.last()) {
        let start_ok = first > b' ' && !is_space_lead(first);
        let end_ok = if last < 0x80 {
            last > b' '
        } else {
            !(n >= 2 && b[n - 2] == 0xC2 || n >= 3 && is_space_lead(b[n - 3]))
        };
        if start_ok && end_ok {
            return text;
        }
    }
    let ascii_ws = |c: u8| matches!(c, b' ' | b'\t'..=b'\r');
    let start = b.iter().position(|&c| !ascii_ws(c)).unwrap_or(n);
    let end = b
        .iter()
        .rposition(|&c| !ascii_ws(c))
        .map_or(start, |i| i + 1);
    // Both cuts are next to ASCII bytes, so on character boundaries.
    let inner = &text[start..end];
    if may_have_unicode_space(inner.as_bytes()) {
        inner.trim()
    } else {
        inner
    }
}

/// Whether `x` starts the UTF-8 of whitespace beyond ASCII: U+0085, U+00A0, U+1680,
/// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000 start with C2, E1, E2 or E3.
fn is_space_lead(x: u8) -> bool {
    matches!(x, 0xC2 | 0xE1..=0xE3)
}

/// Whether `b` (UTF-8) might start or end with whitespace beyond ASCII: U+0085, U+00A0,
/// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F or U+3000, whose encodings start with
/// C2, E1, E2 or E3. Most Chinese text neither starts nor ends so.
fn may_have_unicode_space(b: &[u8]) -> bool {
    let lead = |x: u8| matches!(x, 0xC2 | 0xE1..=0xE3);
    let n = b.len();
    let at_start = n > 0 && lead(b[0]);
    let at_end =
        n > 0 && b[n - 1] >= 0x80 && ((n >= 2 && b[n - 2] == 0xC2) || (n >= 3 && lead(b[n - 3])));
    at_start || at_end
}

/// Parses a plain decimal number: optional sign, digits with an optional point, and optional
/// thousands separators in groups of three (`1,200,000.50`). Anything else is refused, so a
/// European decimal comma (`1,5`) can never be misread as fifteen.
pub fn parse_decimal(text: &str) -> Result<Decimal, ValueError> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return Err(ValueError::NotANumber);
    }
    // The usual case, a short plain number (4.5, 1600000), in u64 arithmetic; anything else
    // (separators, 19 or more digits, stray characters) takes the general path below.
    if digits.len() <= 18 {
        let (mut m, mut scale, mut point, mut any) = (0u64, 0u32, false, false);
        let plain = digits.iter().all(|&b| match b {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(b - b'0');
                scale += u32::from(point);
                any = true;
                true
            }
            b'.' if !point => {
                point = true;
                true
            }
            _ => false,
        });
        if plain && any {
            // At most 18 digits: fits i64.
            let m = m as i64;
            return Ok(Decimal::new(if negative { -m } else { m }, scale));
        }
    }
    let mut mantissa: u128 = 0;
    let mut significant = 0u32;
    let mut scale = 0u32;
    let mut seen_point = false;
    let mut seen_digit = false;
    // Thousands separators: once one is seen, every group before the point must be 3 digits.
    let mut group_len = 0u32;
    let mut first_group = true;
    let mut uses_commas = false;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                seen_digit = true;
                if mantissa != 0 || b != b'0' {
                    significant += 1;
                }
                if significant > 28 {
                    return Err(ValueError::TooLarge);
                }
                mantissa = mantissa * 10 + u128::from(b - b'0');
                if seen_point {
                    scale += 1;
                } else {
                    group_len += 1;
                }
            }
            b',' if !seen_point => {
                if group_len == 0
                    || (first_group && group_len > 3)
                    || (!first_group && group_len != 3)
                {
                    return Err(ValueError::NotANumber);
                }
                uses_commas = true;
                first_group = false;
                group_len = 0;
            }
            b'.' if !seen_point => {
                if uses_commas && group_len != 3 {
                    return Err(ValueError::NotANumber);
                }
                seen_point = true;
            }
            _ => return Err(ValueError::NotANumber),
        }
    }
    if !seen_digit || (uses_commas && !seen_point && group_len != 3) {
        return Err(ValueError::NotANumber);
    }
    if scale > 28 {
        return Err(ValueError::TooPrecise);
    }
    let value = i128::try_from(mantissa).map_err(|_| ValueError::TooLarge)?;
    let value = if negative { -value } else { value };
    Decimal::try_from_i128_with_scale(value, scale).map_err(|_| ValueError::TooLarge)
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

/// Whether `text` is only digits and points: a bare number, with no unit to look for.
fn bare(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// `a × b` rounded to the fen with `rounding`, exactly, in integer arithmetic when both are
/// non-negative and small (the usual rate × length); `None` otherwise, for the general path.
pub fn mul_to_fen(a: Decimal, b: Decimal, rounding: Rounding) -> Option<Decimal> {
    let (ma, mb) = (
        u128::try_from(a.mantissa()).ok()?,
        u128::try_from(b.mantissa()).ok()?,
    );
    if ma >= 1 << 62 || mb >= 1 << 62 {
        return None;
    }
    let product = ma * mb;
    let scale = a.scale() + b.scale();
    if let (Ok(p), true) = (
        u64::try_from(product),
        (MONEY_DP..MONEY_DP + 19).contains(&scale),
    ) {
        // The usual rate × length: 64-bit division, far cheaper than 128-bit.
        let d = POW10[(scale - MONEY_DP) as usize] as u64;
        let (q, r) = (p / d, p % d);
        let up = match rounding {
            Rounding::HalfAwayFromZero => r >= d - r,
            Rounding::HalfEven => r > d - r || (r == d - r && q % 2 == 1),
        };
        return Decimal::try_from_i128_with_scale(i128::from(q + u64::from(up)), MONEY_DP).ok();
    }
    let fen = if scale <= MONEY_DP {
        product.checked_mul(10u128.pow(MONEY_DP - scale))?
    } else {
        let d = 10u128.checked_pow(scale - MONEY_DP)?;
        let (q, r) = (product / d, product % d);
        let up = match rounding {
            Rounding::HalfAwayFromZero => r * 2 >= d,
            Rounding::HalfEven => r * 2 > d || (r * 2 == d && q % 2 == 1),
        };
        q + u128::from(up)
    };
    Decimal::try_from_i128_with_scale(i128::try_from(fen).ok()?, MONEY_DP).ok()
}

/// Splits a recognised unit suffix off `text` (case-insensitively for Latin letters).
fn strip_suffix_ci<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let (head, tail) = (text.get(..cut)?, text.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

fn first_suffix<'a>(text: &'a str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes.iter().find_map(|s| strip_suffix_ci(text, s))
}

/// Scales `value` by 10^`shift` without losing a digit, or reports it as too large.
fn shift_decimal(value: Decimal, shift: i32) -> Result<Decimal, ValueError> {
    if shift == 0 {
        Ok(value)
    } else if shift > 0 {
        value
            .checked_mul(Decimal::from(10i64.pow(shift as u32)))
            .ok_or(ValueError::TooLarge)
    } else {
        let mut v = value;
        let scale = v.scale() + shift.unsigned_abs();
        if scale > 28 {
            return Err(ValueError::TooPrecise);
        }
        v.set_scale(scale).map_err(|_| ValueError::TooPrecise)?;
        Ok(v)
    }
}

/// Removes trailing zero decimals beyond `dp` and refuses anything still more precise.
fn limit_dp(value: Decimal, dp: u32) -> Result<Decimal, ValueError> {
    if value.scale() <= dp {
        return Ok(value);
    }
    let trimmed = value.normalize();
    if trimmed.scale() > dp {
        return Err(ValueError::TooPrecise);
    }
    let mut out = trimmed;
    out.rescale(dp.min(value.scale()));
    Ok(out)
}

/// A unit that a column's header may give for bare numbers (`投资(万元)`, `长度(米)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// Numbers are in the value's base unit (yuan, km, m).
    #[default]
    Base,
    /// Numbers are in 10^n base units (万元 = 10^4 yuan).
    Pow10(i32),
}

impl Scale {
    fn shift(self) -> i32 {
        match self {
            Scale::Base => 0,
            Scale::Pow10(n) => n,
        }
    }
}

/// Parses an amount of money in yuan: `1200000`, `1,200,000`, `120万`, `120万元`, `1.06亿`,
/// `¥1,200,000.00`; with `per_km`, also `40万/公里` and `400000元/km`. Bare numbers are scaled
/// by `scale` (a header's unit). The result is at least 0, at most [`MAX_YUAN`], to the fen.
pub fn parse_amount(text: &str, scale: Scale, per_km: bool) -> Result<Decimal, ValueError> {
    let t = trim(text);
    if bare(t) {
        return check_amount(shift_decimal(parse_decimal(t)?, scale.shift())?);
    }
    let text = normalize_width_forms(text);
    let mut t = trim(&text);
    if per_km {
        if let Some(head) = first_suffix(t, &["/公里", "/km", "/千米", "每公里"]) {
            t = head.trim_end();
        }
    }
    t = t
        .strip_prefix('¥')
        .or_else(|| t.strip_prefix('￥'))
        .map(str::trim_start)
        .unwrap_or(t);
    let mut shift = scale.shift();
    if let Some(head) = first_suffix(t, &["元", "yuan", "rmb", "cny"]) {
        t = head.trim_end();
        shift = 0;
    }
    let number = if let Some(head) = t.strip_suffix('万').or_else(|| t.strip_suffix('萬')) {
        shift = 4;
        head.trim_end()
    } else if let Some(head) = t.strip_suffix('亿').or_else(|| t.strip_suffix('億')) {
        shift = 8;
        head.trim_end()
    } else {
        t
    };
    check_amount(shift_decimal(parse_decimal(number)?, shift)?)
}

/// An amount of money as parsed: at least 0, at most [`MAX_YUAN`], to the fen.
fn check_amount(value: Decimal) -> Result<Decimal, ValueError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(ValueError::Negative);
    }
    // A mantissa within MAX_YUAN's whole yuan is within it at any scale.
    if value.mantissa() > 999_999_999_999_999 && cmp(value, MAX_YUAN).is_gt() {
        return Err(ValueError::TooLarge);
    }
    limit_dp(value, MONEY_DP)
}

/// Parses a length in km: `1.2`, `1.2km`, `1.2公里`, `1.2千米`, or metres: `850m`, `850米`.
/// Bare numbers are scaled by `scale` (Pow10(-3) for a header in metres). Zero is allowed here;
/// callers that need more than zero say so.
pub fn parse_length_km(text: &str, scale: Scale) -> Result<Decimal, ValueError> {
    let t = trim(text);
    if bare(t) {
        let value = shift_decimal(parse_decimal(t)?, scale.shift())?;
        return check_measure(value, MAX_LENGTH_KM, LENGTH_DP);
    }
    let text = normalize_width_forms(text);
    let t = trim(&text);
    let (number, shift) = if let Some(head) = first_suffix(t, &["公里", "千米", "km"]) {
        (head.trim_end(), 0)
    } else if let Some(head) = first_suffix(t, &["米", "m"]) {
        (head.trim_end(), -3)
    } else {
        (t, scale.shift())
    };
    let value = shift_decimal(parse_decimal(number)?, shift)?;
    check_measure(value, MAX_LENGTH_KM, LENGTH_DP)
}

/// Parses a width in metres: `4.5`, `4.5m`, `4.5米`. Zero is allowed here.
pub fn parse_width_m(text: &str) -> Result<Decimal, ValueError> {
    let t = trim(text);
    if bare(t) {
        return check_measure(parse_decimal(t)?, MAX_WIDTH_M, WIDTH_DP);
    }
    let text = normalize_width_forms(text);
    let t = trim(&text);
    let number = first_suffix(t, &["米", "m"]).map_or(t, str::trim_end);
    check_measure(parse_decimal(number)?, MAX_WIDTH_M, WIDTH_DP)
}

fn check_measure(value: Decimal, max: Decimal, dp: u32) -> Result<Decimal, ValueError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(ValueError::Negative);
    }
    // A mantissa no larger than the (whole) maximum is within it at any scale.
    let surely_within = max.scale() == 0 && value.mantissa() <= max.mantissa();
    if !surely_within && cmp(value, max).is_gt() {
        return Err(ValueError::TooLarge);
    }
    limit_dp(value, dp)
}

/// Parses a whole number of households greater than zero: `12`, `12户`.
pub fn parse_households(text: &str) -> Result<u32, ValueError> {
    let t = trim(text);
    if !t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit()) {
        // Nine digits always fit u32.
        let n = t.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        return if n == 0 {
            Err(ValueError::NotPositive)
        } else {
            Ok(n)
        };
    }
    let text = normalize_width_forms(text);
    let t = trim(&text);
    let number = t
        .strip_suffix('户')
        .or_else(|| t.strip_suffix('戶'))
        .unwrap_or(t)
        .trim_end();
    let value = parse_decimal(number)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(ValueError::Negative);
    }
    if value.fract() != Decimal::ZERO {
        return Err(ValueError::NotWhole);
    }
    if value.is_zero() {
        return Err(ValueError::NotPositive);
    }
    // `126.0` is 126: the zero decimals go before the whole number is read from the mantissa.
    let whole = value.normalize();
    u32::try_from(whole.mantissa()).map_err(|_| ValueError::TooLarge)
}

/// Writes `amount` with exactly two decimals and no separators: `1500000.00`. This is the
/// batch output form, on the hot path: no allocation, no `fmt`.
pub fn write_plain(out: &mut String, amount: Decimal) {
    let mut bytes = [0u8; 48];
    let len = plain_bytes(amount, &mut bytes);
    // plain_bytes writes ASCII only.
    out.push_str(std::str::from_utf8(&bytes[48 - len..]).unwrap_or_default());
}

/// [`write_plain`] onto a byte buffer.
pub fn push_plain(out: &mut Vec<u8>, amount: Decimal) {
    let mut bytes = [0u8; 48];
    let len = plain_bytes(amount, &mut bytes);
    out.extend_from_slice(&bytes[48 - len..]);
}

/// "00" to "99", back to back.
const PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// Writes the two-decimal form right-aligned into `buf`; returns its length.
fn plain_bytes(amount: Decimal, buf: &mut [u8; 48]) -> usize {
    let mut v = amount;
    if v.scale() != MONEY_DP {
        v.rescale(MONEY_DP);
    }
    let m = v.mantissa();
    let mut i = buf.len();
    if v.scale() == MONEY_DP {
        if let Ok(mut n) = u64::try_from(m.unsigned_abs()) {
            // u64 division is far cheaper than u128's; every amount within MAX_YUAN fits.
            let fen = (n % 100) as usize;
            n /= 100;
            buf[i - 2..i].copy_from_slice(&PAIRS[2 * fen..2 * fen + 2]);
            buf[i - 3] = b'.';
            i -= 3;
            // Eight digits at a time in 32-bit arithmetic (short dependency chains), then the
            // leading ones.
            while n >= 100_000_000 {
                let low = (n % 100_000_000) as u32;
                n /= 100_000_000;
                for part in [low % 10_000, low / 10_000] {
                    let (hi, lo) = ((part / 100) as usize, (part % 100) as usize);
                    buf[i - 2..i].copy_from_slice(&PAIRS[2 * lo..2 * lo + 2]);
                    buf[i - 4..i - 2].copy_from_slice(&PAIRS[2 * hi..2 * hi + 2]);
                    i -= 4;
                }
            }
            let mut n = n as u32;
            while n >= 100 {
                let pair = (n % 100) as usize;
                n /= 100;
                buf[i - 2..i].copy_from_slice(&PAIRS[2 * pair..2 * pair + 2]);
                i -= 2;
            }
            if n >= 10 {
                let pair = n as usize;
                buf[i - 2..i].copy_from_slice(&PAIRS[2 * pair..2 * pair + 2]);
                i -= 2;
            } else {
                i -= 1;
                buf[i] = b'0' + n as u8;
            }
            if m < 0 {
                i -= 1;
                buf[i] = b'-';
            }
            return buf.len() - i;
        }
    }
    // Beyond MAX_YUAN (never from checked input): the general form.
    let text = v.to_string();
    let bytes = text.as_bytes();
    let len = bytes.len().min(buf.len());
    buf[48 - len..].copy_from_slice(&bytes[..len]);
    len
}

/// Appends `value` as `Display` writes it (`4.0`, `0.05`, `-12`), without `fmt` for the usual
/// small values (notes are written a million times in a batch).
pub fn push_decimal(out: &mut String, value: Decimal) {
    let scale = value.scale() as usize;
    let Ok(mut n) = u64::try_from(value.mantissa().unsigned_abs()) else {
        let _ = write!(out, "{value}");
        return;
    };
    if value.is_sign_negative() && n != 0 {
        out.push('-');
    }
    // A u64 has at most 20 digits; a scale of up to 28 pads with zeros.
    let mut digits = [b'0'; 48];
    let mut i = digits.len();
    while n >= 100 {
        let pair = (n % 100) as usize;
        n /= 100;
        digits[i - 2..i].copy_from_slice(&PAIRS[2 * pair..2 * pair + 2]);
        i -= 2;
    }
    while n > 0 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    // At least one digit before the point.
    i = i.min(digits.len() - scale - 1);
    let body = &digits[i..];
    let (int, frac) = body.split_at(body.len() - scale);
    push_ascii(out, int);
    if scale > 0 {
        out.push('.');
        push_ascii(out, frac);
    }
}

/// Appends ASCII bytes one by one: for a few digits, cheaper than checking them as UTF-8 and
/// copying.
fn push_ascii(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len());
    for &b in bytes {
        out.push(char::from(b));
    }
}

/// Appends `amount` as [`grouped`] writes it, without `fmt`.
pub fn push_grouped(out: &mut String, amount: Decimal) {
    let mut buf = [0u8; 48];
    let len = plain_bytes(amount, &mut buf);
    let text = &buf[48 - len..];
    let (sign, rest) = match text.split_first() {
        Some((b'-', rest)) => ("-", rest),
        _ => ("", text),
    };
    let point = rest.iter().position(|&b| b == b'.').unwrap_or(rest.len());
    let (int, frac) = rest.split_at(point);
    out.push_str(sign);
    let mut grouped = [0u8; 64];
    let mut len = 0;
    for (i, &b) in int.iter().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped[len] = b',';
            len += 1;
        }
        grouped[len] = b;
        len += 1;
    }
    push_ascii(out, &grouped[..len]);
    match frac {
        [] => out.push_str(".00"),
        _ => push_ascii(out, frac),
    }
}

/// `amount` with two decimals and no separators.
pub fn plain(amount: Decimal) -> String {
    let mut s = String::new();
    write_plain(&mut s, amount);
    s
}

/// `amount` with two decimals and thousands separators: `1,500,000.00`. For people.
pub fn grouped(amount: Decimal) -> String {
    Grouped(amount).to_string()
}

/// Shows an amount like [`grouped`] without allocating (for notes written a million times).
#[derive(Debug, Clone, Copy)]
pub struct Grouped(pub Decimal);

impl std::fmt::Display for Grouped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = [0u8; 48];
        let len = plain_bytes(self.0, &mut buf);
        let text = std::str::from_utf8(&buf[48 - len..]).map_err(|_| std::fmt::Error)?;
        let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
        let (int, frac) = rest.split_once('.').unwrap_or((rest, "00"));
        f.write_str(sign)?;
        for (i, c) in int.char_indices() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                f.write_str(",")?;
            }
            f.write_char(c)?;
        }
        f.write_str(".")?;
        f.write_str(frac)
    }
}

/// A rate or amount for people in the shortest honest form: `15万` or `496.5万` when it is at
/// least 1万 and a whole number of hundreds, else grouped yuan (`152,500.50`).
pub fn short_yuan(amount: Decimal) -> String {
    let wan = Decimal::from(10_000);
    if amount >= wan && (amount % Decimal::ONE_HUNDRED).is_zero() {
        format!("{}万", (amount / wan).normalize())
    } else {
        grouped(amount)
    }
}

/// `part` as a percentage of `whole` with one decimal (`54.1%`), or `—` when there is no
/// whole or the ratio is beyond exact arithmetic. Never panics.
pub fn percent(part: Decimal, whole: Decimal) -> String {
    if whole <= Decimal::ZERO {
        return "—".into();
    }
    match part
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(whole))
    {
        Some(p) => format!("{:.1}%", p.round_dp(1)),
        None => "—".into(),
    }
}

/// How many of `width` cells a bar for `part` of `whole` fills (capped at `width`).
pub fn filled_cells(part: Decimal, whole: Decimal, width: usize) -> usize {
    if whole <= Decimal::ZERO || part <= Decimal::ZERO {
        return 0;
    }
    let cells = part
        .checked_mul(Decimal::from(width as u64))
        .and_then(|p| p.checked_div(whole));
    match cells {
        Some(c) if c < Decimal::from(width as u64) => {
            let c = c.floor();
            usize::try_from(c.mantissa() / 10i128.pow(c.scale())).unwrap_or(width)
        }
        _ => width,
    }
}

/// A measure without trailing zero decimals: `4.50` → `4.5`, `2.000` → `2`.
pub fn measure(value: Decimal) -> String {
    value.normalize().to_string()
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn amount(s: &str) -> Result<String, ValueError> {
        parse_amount(s, Scale::Base, false).map(plain)
    }

    #[test]
    fn fast_forms_match_display() {
        for s in [
            "4.0",
            "0.05",
            "3",
            "-12",
            "0",
            "0.000",
            "1000.125",
            "-0.5",
            "79228162514264337593543950335",
        ] {
            let mut out = String::new();
            push_decimal(&mut out, d(s));
            assert_eq!(out, d(s).to_string(), "{s}");
        }
        for s in [
            "0",
            "1",
            "12.5",
            "999.99",
            "1000",
            "334300",
            "-1234567.891",
            "999999999999999.99",
        ] {
            let mut out = String::new();
            push_grouped(&mut out, d(s));
            assert_eq!(out, Grouped(d(s)).to_string(), "{s}");
        }
        assert_eq!(grouped(d("1234567.891")), "1,234,567.89");
        for s in [
            "0.00",
            "0.05",
            "-7.50",
            "99999999.99",
            "100000000.00",
            "100000001.01",
            "123456789012345.67",
            "-999999999999999.99",
            "1000000000000000.00",
        ] {
            let mut exact = d(s);
            exact.rescale(2);
            assert_eq!(plain(d(s)), exact.to_string(), "{s}");
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            " 4.5 ",
            "\t1\r",
            "\u{3000}大骥村\u{3000}",
            " 村 ",
            "\u{b}x\u{c}",
            "é",
            "x\u{a0}",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
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
    fn max_yuan_is_just_under_a_quadrillion() {
        assert_eq!(MAX_YUAN, d("999999999999999.99"));
    }

    #[test]
    fn amounts_in_every_accepted_form() {
        assert_eq!(amount("1200000"), Ok("1200000.00".into()));
        assert_eq!(amount("1,200,000"), Ok("1200000.00".into()));
        assert_eq!(amount("1,200,000.5"), Ok("1200000.50".into()));
        assert_eq!(amount("120万"), Ok("1200000.00".into()));
        assert_eq!(amount("120万元"), Ok("1200000.00".into()));
        assert_eq!(amount("1.06亿"), Ok("106000000.00".into()));
        assert_eq!(amount("1.06億"), Ok("106000000.00".into()));
        assert_eq!(amount("100萬元"), Ok("1000000.00".into()));
        assert_eq!(amount("１２０万"), Ok("1200000.00".into()));
        assert_eq!(amount("¥ 1,200,000.00"), Ok("1200000.00".into()));
        assert_eq!(amount(" 496.5万 "), Ok("4965000.00".into()));
        assert_eq!(amount("0"), Ok("0.00".into()));
        assert_eq!(amount("1.2345万"), Ok("12345.00".into()));
    }

    #[test]
    fn amounts_refused_with_the_reason() {
        assert_eq!(amount("abc"), Err(ValueError::NotANumber));
        assert_eq!(amount(""), Err(ValueError::NotANumber));
        assert_eq!(amount("1,5"), Err(ValueError::NotANumber));
        assert_eq!(amount("12,00"), Err(ValueError::NotANumber));
        assert_eq!(amount("1e5"), Err(ValueError::NotANumber));
        assert_eq!(amount("NaN"), Err(ValueError::NotANumber));
        assert_eq!(amount("inf"), Err(ValueError::NotANumber));
        assert_eq!(amount("-5"), Err(ValueError::Negative));
        assert_eq!(amount("1.005"), Err(ValueError::TooPrecise));
        assert_eq!(amount("1000000000000000"), Err(ValueError::TooLarge));
        assert_eq!(
            amount("1000000000000000000000000000000"),
            Err(ValueError::TooLarge)
        );
        assert_eq!(amount("100000000亿"), Err(ValueError::TooLarge));
    }

    #[test]
    fn per_km_amounts_may_name_the_km() {
        let p = |s| parse_amount(s, Scale::Base, true).map(plain);
        assert_eq!(p("40万/公里"), Ok("400000.00".into()));
        assert_eq!(p("400000元/km"), Ok("400000.00".into()));
        assert_eq!(amount("40万/公里"), Err(ValueError::NotANumber));
    }

    #[test]
    fn header_units_scale_bare_numbers_only() {
        let wan = Scale::Pow10(4);
        assert_eq!(
            parse_amount("120", wan, false).map(plain),
            Ok("1200000.00".into())
        );
        assert_eq!(
            parse_amount("120元", wan, false).map(plain),
            Ok("120.00".into())
        );
        assert_eq!(parse_length_km("850", Scale::Pow10(-3)), Ok(d("0.850")));
    }

    #[test]
    fn lengths_in_km_and_metres() {
        let l = |s| parse_length_km(s, Scale::Base);
        assert_eq!(l("1.2"), Ok(d("1.2")));
        assert_eq!(l("1.2km"), Ok(d("1.2")));
        assert_eq!(l("1.2 KM"), Ok(d("1.2")));
        assert_eq!(l("1.2公里"), Ok(d("1.2")));
        assert_eq!(l("850m"), Ok(d("0.85")));
        assert_eq!(l("850米"), Ok(d("0.85")));
        assert_eq!(l("0.5米"), Ok(d("0.0005")));
        assert_eq!(l("１．２公里"), Ok(d("1.2")));
        assert_eq!(l("abc"), Err(ValueError::NotANumber));
        assert_eq!(l("-1"), Err(ValueError::Negative));
        assert_eq!(l("100001"), Err(ValueError::TooLarge));
        assert_eq!(l("0.0000001"), Err(ValueError::TooPrecise));
        assert_eq!(l("0.0001米"), Err(ValueError::TooPrecise));
    }

    #[test]
    fn widths_in_metres() {
        assert_eq!(parse_width_m("4.5"), Ok(d("4.5")));
        assert_eq!(parse_width_m("4.5m"), Ok(d("4.5")));
        assert_eq!(parse_width_m("4.5米"), Ok(d("4.5")));
        assert_eq!(parse_width_m("４．５"), Ok(d("4.5")));
        assert_eq!(parse_width_m("4.5km"), Err(ValueError::NotANumber));
    }

    #[test]
    fn households_written_with_zero_decimals_are_that_number() {
        assert_eq!(parse_households("126.0"), Ok(126));
        assert_eq!(parse_households("126.00"), Ok(126));
        assert_eq!(parse_households("5.0"), Ok(5));
        assert_eq!(parse_households("１２６．０"), Ok(126));
        assert_eq!(parse_households("１２６．００户"), Ok(126));
        assert_eq!(parse_households("100.000"), Ok(100));
        assert_eq!(parse_households("4294967295.0"), Ok(4_294_967_295));
        assert_eq!(parse_households("4294967296.0"), Err(ValueError::TooLarge));
        assert_eq!(parse_households("12.5"), Err(ValueError::NotWhole));
        assert_eq!(parse_households("0.0"), Err(ValueError::NotPositive));
    }

    #[test]
    fn households_are_whole_and_positive() {
        assert_eq!(parse_households("12"), Ok(12));
        assert_eq!(parse_households("12户"), Ok(12));
        assert_eq!(parse_households("0"), Err(ValueError::NotPositive));
        assert_eq!(parse_households("1.5"), Err(ValueError::NotWhole));
        assert_eq!(parse_households("-3"), Err(ValueError::Negative));
        assert_eq!(parse_households("99999999999"), Err(ValueError::TooLarge));
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

    #[test]
    fn percentages_and_bars_never_panic() {
        assert_eq!(percent(d("2687500"), d("4965000")), "54.1%");
        assert_eq!(percent(d("1"), d("0")), "—");
        assert_eq!(percent(Decimal::MAX, d("0.01")), "—");
        assert_eq!(filled_cells(d("1"), d("2"), 20), 10);
        assert_eq!(filled_cells(Decimal::MAX, d("0.01"), 20), 20);
        assert_eq!(filled_cells(d("-1"), d("2"), 20), 0);
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

    #[test]
    fn plain_numbers_parse_the_same_on_both_paths() {
        // The u64 path against rust_decimal's own parser, scale included.
        for t in [
            "4.5",
            "1600000",
            "0.333",
            "007",
            "-3.5",
            "123456789012345678",
            "0",
            "4.50",
        ] {
            let fast = parse_decimal(t).unwrap();
            let reference = d(t);
            assert_eq!((fast, fast.scale()), (reference, reference.scale()), "{t}");
        }
        // Separators and 19 digits take the general path, to the same values.
        assert_eq!(parse_decimal("1,600,000").unwrap(), d("1600000"));
        assert_eq!(
            parse_decimal("1234567890123456789").unwrap(),
            d("1234567890123456789")
        );
        assert_eq!(parse_households("007"), Ok(7));
        assert_eq!(parse_households("0000"), Err(ValueError::NotPositive));
    }

    #[test]
    fn shown_to_people() {
        assert_eq!(grouped(d("1500000")), "1,500,000.00");
        assert_eq!(grouped(d("999.5")), "999.50");
        assert_eq!(grouped(d("-1234.5")), "-1,234.50");
        assert_eq!(short_yuan(d("150000")), "15万");
        assert_eq!(short_yuan(d("4965000")), "496.5万");
        assert_eq!(short_yuan(d("1234.5")), "1,234.50");
        assert_eq!(measure(d("4.50")), "4.5");
    }
}
