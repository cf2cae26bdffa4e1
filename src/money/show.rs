//! Amounts and measures shown to people: thousands separators (`1,500,000.00`), the short
//! 万 form (`496.5万`), percentages and measures without trailing zeros. Files get the plain
//! form of the `fixed` module instead.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::fixed::{plain_bytes, two_decimals};
use super::round::Rounding;
use super::MONEY_DP;

/// Appends `amount` as [`grouped`] writes it, without `fmt`. Notes that cut an amount put two
/// of these on half the rows of a batch, so the usual amount (to the fen, within `u64` fen) is
/// written right to left in one pass, separators and all, and copied out once.
pub fn push_grouped(out: &mut String, amount: Decimal) {
    let amount = if amount.scale() == MONEY_DP {
        amount
    } else {
        two_decimals(amount)
    };
    match fen_of(amount) {
        Some((negative, fen)) => push_grouped_fen(out, negative, fen),
        None => {
            let mut buf = [0u8; 64];
            let start = grouped_general(amount, &mut buf);
            // It writes ASCII only.
            out.push_str(std::str::from_utf8(&buf[start..]).unwrap_or_default());
        }
    }
}

/// Appends `amount` to `out` as [`push_grouped`] writes it, as bytes: under
/// [`GROUPED_WORD_FEN`] (nearly every amount) the text made in a register by [`grouped_word`]
/// and stored as one 16-byte copy, then cut to its length. A batch writes the notes that cut
/// an amount straight onto a row so.
pub fn push_grouped_bytes(out: &mut Vec<u8>, amount: Decimal) {
    let amount = if amount.scale() == MONEY_DP {
        amount
    } else {
        two_decimals(amount)
    };
    let Some((negative, fen)) = fen_of(amount) else {
        let mut buf = [0u8; 64];
        let start = grouped_general(amount, &mut buf);
        out.extend_from_slice(&buf[start..]);
        return;
    };
    if negative {
        out.push(b'-');
    }
    match grouped_word(fen) {
        Some((word, len)) => {
            let end = out.len() + len;
            out.extend_from_slice(&word.to_le_bytes());
            out.truncate(end);
        }
        None => {
            let (buf, start) = grouped_fen_bytes(false, fen);
            out.extend_from_slice(&buf[start..]);
        }
    }
}

/// `amount` (at two decimals) as a sign and a whole number of fen, when it fits `u64`.
fn fen_of(amount: Decimal) -> Option<(bool, u64)> {
    if amount.scale() != MONEY_DP {
        return None;
    }
    let m = amount.mantissa();
    u64::try_from(m.unsigned_abs()).ok().map(|fen| (m < 0, fen))
}

/// The text of every number below 1000 as three digits, `000` to `999`, and of each after a
/// comma, `,000` to `,999`; of every number below 100 after a point, `.00` to `.99`: a grouped
/// amount is a few copies of these, each at a fixed length, with no UTF-8 check.
const TRIPLES: &str = ascii(&table::<3000>(3, 0, 0));
const COMMA_TRIPLES: &str = ascii(&table::<4000>(3, 1, b','));
const POINT_PAIRS: &str = ascii(&table::<300>(2, 1, b'.'));

/// Every number below 10^`digits`, each with `digits` digits after `lead` bytes of `sign`.
const fn table<const N: usize>(digits: usize, lead: usize, sign: u8) -> [u8; N] {
    let mut t = [0u8; N];
    let width = digits + lead;
    let mut i = 0;
    while i * width < N {
        let mut k = 0;
        while k < lead {
            t[i * width + k] = sign;
            k += 1;
        }
        let mut n = i;
        let mut d = width;
        while d > lead {
            t[i * width + d - 1] = b'0' + (n % 10) as u8;
            n /= 10;
            d -= 1;
        }
        i += 1;
    }
    t
}

/// The tables above as text (they are ASCII; anything else would read as empty and fail every
/// test).
const fn ascii(bytes: &'static [u8]) -> &'static str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => "",
    }
}

/// The `width` bytes of `table` at entry `n` (each `width` long; `n` is always below the
/// table's count, so the slice is always there).
#[inline(always)]
fn entry(table: &'static str, n: usize, width: usize) -> &'static str {
    &table[n * width..n * width + width]
}

/// Appends `fen` as grouped yuan (`-1,234.50`): the groups of three digits found right to
/// left, then copied left to right from the tables. Each copy is of a length known when the
/// code is made (one, two, three or four bytes), so none is a call to copy memory.
#[inline]
fn push_grouped_fen(out: &mut String, negative: bool, fen: u64) {
    let (mut n, cents) = (fen / 100, (fen % 100) as usize);
    // u64 fen are at most 20 digits: 18 of yuan, six groups.
    let mut groups = [0usize; 6];
    let mut count = 0;
    while n >= 1000 && count < groups.len() {
        groups[count] = (n % 1000) as usize;
        n /= 1000;
        count += 1;
    }
    // A sign, the lead digits, the groups with their commas, the point and fen.
    out.reserve(28);
    if negative {
        out.push('-');
    }
    let lead = n as usize % 1000;
    let digits = entry(TRIPLES, lead, 3);
    match lead {
        100.. => out.push_str(&digits[..3]),
        10.. => out.push_str(&digits[1..3]),
        _ => out.push_str(&digits[2..3]),
    }
    for &group in groups[..count].iter().rev() {
        out.push_str(entry(COMMA_TRIPLES, group % 1000, 4));
    }
    out.push_str(entry(POINT_PAIRS, cents, 3));
}

/// `fen` as grouped yuan (`-1,234.50`), as [`push_grouped`] writes the amount of that many
/// fen, as bytes: written right to left into a buffer on the stack, each piece a
/// fixed-length copy from the tables; the text is `buf[start..]` of what is returned. For
/// writers that gather a run of cells as bytes and make them text once (a UTF-8 check of
/// each short amount would cost more than the amount).
pub fn grouped_fen_bytes(negative: bool, fen: u64) -> ([u8; 32], usize) {
    let (mut n, cents) = (fen / 100, (fen % 100) as usize);
    // u64 fen are at most 20 digits: 18 of yuan (a lead and five groups with their commas,
    // 23 bytes), the point and two digits, a sign: 27 bytes.
    let mut buf = [0u8; 32];
    let mut at = buf.len() - 3;
    buf[at..].copy_from_slice(bytes_at(POINT_PAIRS, cents, 3));
    while n >= 1000 {
        let group = (n % 1000) as usize;
        n /= 1000;
        at -= 4;
        buf[at..at + 4].copy_from_slice(bytes_at(COMMA_TRIPLES, group, 4));
    }
    // The lead group's three digits, then its leading zeros left out (one digit kept).
    let lead = n as usize % 1000;
    buf[at - 3..at].copy_from_slice(bytes_at(TRIPLES, lead, 3));
    at -= 1 + usize::from(lead >= 10) + usize::from(lead >= 100);
    if negative {
        at -= 1;
        buf[at] = b'-';
    }
    (buf, at)
}

/// The fen below which [`grouped_word`] holds an amount: a thousand million yuan.
pub const GROUPED_WORD_FEN: u64 = 100_000_000_000;

/// `fen` fen as [`grouped_fen_bytes`] writes them without a sign (`1,234,567.89`), for fewer
/// than [`GROUPED_WORD_FEN`]: the text as one 16-byte word (its first byte the lowest) and its
/// length, at most 14. The word is put together in a register from the tables and stored
/// once by whoever writes it: bytes stored a few at a time and then read back as one copy
/// wait on their stores (a load they cannot be forwarded to), which cost a comparison's
/// Markdown rows more than making the digits.
#[inline(always)]
pub fn grouped_word(fen: u64) -> Option<(u128, usize)> {
    if fen >= GROUPED_WORD_FEN {
        return None;
    }
    let (n, cents) = ((fen / 100) as u32, (fen % 100) as usize);
    let point = u128::from(POINT_WORDS[cents]);
    // Built right-aligned (the last byte at byte 15), each group at a place known for its
    // count of groups (a shift the code is made with), then shifted down to its first byte.
    let (word, lead_at, lead) = if n < 1000 {
        (point << 104, 10, n)
    } else if n < 1_000_000 {
        let (lead, low) = (n / 1000, n % 1000);
        (
            point << 104 | u128::from(COMMA_WORDS[low as usize]) << 72,
            6,
            lead,
        )
    } else {
        // Under a thousand million yuan: at most two groups after the lead.
        let (lead, rest) = (n / 1_000_000, n % 1_000_000);
        let (mid, low) = (rest / 1000, rest % 1000);
        (
            point << 104
                | u128::from(COMMA_WORDS[low as usize]) << 72
                | u128::from(COMMA_WORDS[mid as usize]) << 40,
            2,
            lead,
        )
    };
    let word = word | u128::from(TRIPLE_WORDS[lead as usize]) << (lead_at * 8);
    // The lead group's leading zeros left out (one digit kept).
    let start = lead_at + 2 - usize::from(lead >= 10) - usize::from(lead >= 100);
    Some((word >> (start * 8), 16 - start))
}

/// Each entry of a table of `width` bytes (at most four) as a word, its first byte lowest.
const fn words<const N: usize>(table: &str, width: usize) -> [u32; N] {
    let bytes = table.as_bytes();
    let mut words = [0u32; N];
    let mut i = 0;
    while i < N {
        let mut k = 0;
        while k < width {
            words[i] |= (bytes[i * width + k] as u32) << (8 * k);
            k += 1;
        }
        i += 1;
    }
    words
}

/// [`TRIPLES`], [`COMMA_TRIPLES`] and [`POINT_PAIRS`] an entry a word, read with one load.
const TRIPLE_WORDS: [u32; 1000] = words(TRIPLES, 3);
const COMMA_WORDS: [u32; 1000] = words(COMMA_TRIPLES, 4);
const POINT_WORDS: [u32; 100] = words(POINT_PAIRS, 3);

/// The `width` bytes of `table` at entry `n` (`n` below the table's count: always there).
#[inline(always)]
fn bytes_at(table: &'static str, n: usize, width: usize) -> &'static [u8] {
    &table.as_bytes()[n * width..n * width + width]
}

/// [`push_grouped`] for an amount beyond `u64` fen (never one from checked input): its
/// two-decimal form with separators put in.
#[cold]
fn grouped_general(amount: Decimal, buf: &mut [u8; 64]) -> usize {
    let mut plain = [0u8; 48];
    let len = plain_bytes(amount, &mut plain);
    let text = &plain[48 - len..];
    let (sign, rest) = match text.split_first() {
        Some((b'-', rest)) => (&b"-"[..], rest),
        _ => (&b""[..], text),
    };
    let point = rest.iter().position(|&b| b == b'.').unwrap_or(rest.len());
    let (int, frac) = rest.split_at(point);
    let frac: &[u8] = if frac.is_empty() { b".00" } else { frac };
    let mut grouped = Vec::with_capacity(64);
    grouped.extend_from_slice(sign);
    for (i, &b) in int.iter().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(b',');
        }
        grouped.push(b);
    }
    grouped.extend_from_slice(frac);
    let len = grouped.len().min(buf.len());
    let start = buf.len() - len;
    buf[start..].copy_from_slice(&grouped[..len]);
    start
}

/// Appends the ASCII digits `int` (a whole number, no sign) with a comma between each group
/// of three: `1048576` → `1,048,576`.
pub fn push_digits_grouped(out: &mut String, int: &str) {
    for (i, c) in int.char_indices() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

/// `amount` with two decimals and thousands separators: `1,500,000.00`. For people.
pub fn grouped(amount: Decimal) -> String {
    // A group of three digits at a time, not through the formatter a character at a time
    // (the same text: a property test holds the two together).
    let mut out = String::with_capacity(24);
    push_grouped(&mut out, amount);
    out
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

/// 1万 yuan.
const WAN: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// `amount` in 万元: exact, a shift of the decimal point, for any amount with at most 24
/// decimals (every amount to the fen).
fn in_wan(amount: Decimal) -> Decimal {
    amount / WAN
}

/// A rate or amount for people in the shortest honest form: `15万` or `496.5万` when it is at
/// least 1万 and a whole number of hundreds, else grouped yuan (`152,500.50`).
pub fn short_yuan(amount: Decimal) -> String {
    if amount >= WAN && (amount % Decimal::ONE_HUNDRED).is_zero() {
        format!("{}万", in_wan(amount).normalize())
    } else {
        grouped(amount)
    }
}

/// An amount for an English sentence in grouped yuan, without decimals when it has none
/// (`50,000`, `5,000,000`, `1,234.50`): 万 means nothing to an English reader.
pub fn whole_yuan(amount: Decimal) -> String {
    let shown = grouped(amount);
    match shown.strip_suffix(".00") {
        Some(whole) => whole.to_string(),
        None => shown,
    }
}

/// An amount in 万元, exact, for a Chinese sentence that compares amounts (`868.5万`,
/// `23.333万`, `0.5万`): one unit throughout, never 元 beside 万元.
pub fn exact_wan(amount: Decimal) -> String {
    format!("{}万", in_wan(amount).normalize())
}

/// An amount in 万元 with two decimals and thousands separators (`496.50`, `1,234.57`),
/// rounded by `rounding`: for a column or pane whose title already says 万元.
pub fn grouped_wan(amount: Decimal, rounding: Rounding) -> String {
    grouped(rounding.to_fen(in_wan(amount)))
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
        // A share is shown with ties to even whatever the rules say: it is a ratio read by
        // people, not an amount paid.
        Some(p) => format!("{:.1}%", Rounding::HalfEven.round_dp(p, 1)),
        None => "—".into(),
    }
}

/// Whether a spreadsheet's number holds `value` exactly: it keeps 15 significant digits, so
/// an amount to the fen below 10万亿 yuan (and any with fewer digits) does.
pub fn fits_a_workbook(value: Decimal) -> bool {
    value.normalize().mantissa().unsigned_abs() < 10u128.pow(15)
}

/// A measure without trailing zero decimals: `4.50` → `4.5`, `2.000` → `2`.
pub fn measure(value: Decimal) -> String {
    value.normalize().to_string()
}

/// [`measure`] with its whole part in groups of three, as amounts are shown:
/// `508695.748` → `508,695.748`, `200000` → `200,000`.
pub fn grouped_measure(value: Decimal) -> String {
    let text = measure(value);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = digits.split_at(digits.find('.').unwrap_or(digits.len()));
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(fraction);
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_measure_is_grouped_in_threes_as_amounts_are() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        for (value, shown) in [
            ("0", "0"),
            ("4.50", "4.5"),
            ("999", "999"),
            ("1000", "1,000"),
            ("200000", "200,000"),
            ("508695.748", "508,695.748"),
            ("1234567.0001", "1,234,567.0001"),
            ("-1234.5", "-1,234.5"),
            ("-12", "-12"),
        ] {
            assert_eq!(grouped_measure(d(value)), shown, "{value}");
            assert_eq!(
                grouped_measure(d(value)).replace(',', ""),
                measure(d(value))
            );
        }
    }

    #[test]
    fn a_workbook_holds_fifteen_significant_digits() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        assert!(fits_a_workbook(d("9999999999999.99")));
        assert!(fits_a_workbook(d("-9999999999999.99")));
        assert!(
            fits_a_workbook(d("10000000000000.00")),
            "10万亿: its zeros after the point"
        );
        assert!(!fits_a_workbook(d("10000000000000.01")));
        assert!(!fits_a_workbook(d("999999999249999.99")));
        assert!(fits_a_workbook(Decimal::ZERO));
    }

    #[test]
    fn an_exact_wan_is_a_shift_of_the_point_never_rounded() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(exact_wan(d("8685000.00")), "868.5万");
        assert_eq!(exact_wan(d("233330.00")), "23.333万");
        assert_eq!(exact_wan(d("5000.00")), "0.5万");
        assert_eq!(exact_wan(d("0.01")), "0.000001万");
    }

    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn percentages_never_panic() {
        assert_eq!(percent(d("2687500"), d("4965000")), "54.1%");
        assert_eq!(percent(d("1"), d("0")), "—");
        assert_eq!(percent(Decimal::MAX, d("0.01")), "—");
    }

    #[test]
    fn a_share_on_a_tie_is_shown_rounded_to_even() {
        // 54.05% and 54.15%, 0.25% and 0.35%: ties go to the even tenth.
        assert_eq!(percent(d("1081"), d("2000")), "54.0%");
        assert_eq!(percent(d("1083"), d("2000")), "54.2%");
        assert_eq!(percent(d("1"), d("400")), "0.2%");
        assert_eq!(percent(d("7"), d("2000")), "0.4%");
        assert_eq!(percent(d("2"), d("3")), "66.7%");
        assert_eq!(percent(d("-1"), d("400")), "-0.2%");
        assert_eq!(percent(d("5"), d("5")), "100.0%");
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

    #[test]
    fn amounts_in_wan_are_rounded_to_the_hundredth_by_the_rules() {
        let (away, even) = (Rounding::HalfAwayFromZero, Rounding::HalfEven);
        assert_eq!(grouped_wan(d("4965000"), away), "496.50");
        assert_eq!(grouped_wan(d("12345678.90"), away), "1,234.57");
        assert_eq!(grouped_wan(d("125"), away), "0.01");
        assert_eq!(grouped_wan(d("175"), even), "0.02");
        // 50, 150 and 250 yuan are 0.005万, 0.015万 and 0.025万: ties at the hundredth.
        assert_eq!(grouped_wan(d("250"), away), "0.03");
        assert_eq!(grouped_wan(d("250"), even), "0.02");
        assert_eq!(grouped_wan(d("150"), away), "0.02");
        assert_eq!(grouped_wan(d("150"), even), "0.02");
        assert_eq!(grouped_wan(d("50"), away), "0.01");
        assert_eq!(grouped_wan(d("50"), even), "0.00");
        assert_eq!(grouped_wan(d("0"), even), "0.00");
        assert_eq!(
            grouped_wan(d("999999999999999.99"), even),
            "100,000,000,000.00"
        );
    }

    proptest::proptest! {
        #[test]
        fn grouped_a_group_at_a_time_matches_display(
            fen in proptest::prop_oneof![
                0u64..1_000_000,
                0u64..10_000_000_000_000,
                proptest::num::u64::ANY,
            ],
            negative: bool,
        ) {
            let amount = Decimal::from_i128_with_scale(
                if negative { -i128::from(fen) } else { i128::from(fen) },
                2,
            );
            let mut out = String::from("由 ");
            push_grouped(&mut out, amount);
            proptest::prop_assert_eq!(out, format!("由 {}", Grouped(amount)));
        }

        /// An amount written as bytes (a note written onto a batch row) is the text
        /// [`push_grouped`] writes, appended after what was there: any amount at any number
        /// of decimals, within `u64` fen and beyond, past the word's range and below it.
        #[test]
        fn grouped_bytes_are_the_grouped_text(
            mantissa in proptest::prop_oneof![
                -1_000_000i128..1_000_000,
                proptest::strategy::Strategy::prop_map(proptest::num::i64::ANY, i128::from),
                (GROUPED_WORD_FEN as i128 - 1000)..(GROUPED_WORD_FEN as i128 + 1000),
                -(10i128.pow(28))..10i128.pow(28),
            ],
            scale in 0u32..8,
        ) {
            let amount = Decimal::from_i128_with_scale(mantissa, scale);
            let mut text = String::from("由 ");
            push_grouped(&mut text, amount);
            let mut bytes = "由 ".as_bytes().to_vec();
            push_grouped_bytes(&mut bytes, amount);
            proptest::prop_assert_eq!(String::from_utf8(bytes).unwrap(), text);
        }

        /// [`grouped`], which writes a group at a time, is the formatter's text of any
        /// amount, at any number of decimals.
        #[test]
        fn grouped_is_the_display_of_any_amount(
            mantissa in proptest::prop_oneof![
                -1_000_000i128..1_000_000,
                proptest::strategy::Strategy::prop_map(proptest::num::i64::ANY, i128::from),
                -(10i128.pow(28))..10i128.pow(28),
            ],
            scale in 0u32..8,
        ) {
            let amount = Decimal::from_i128_with_scale(mantissa, scale);
            proptest::prop_assert_eq!(grouped(amount), Grouped(amount).to_string());
        }
    }

    #[test]
    fn grouped_without_fmt_matches_display() {
        for s in [
            "0",
            "1",
            "12.5",
            "999.99",
            "1000",
            "334300",
            "-1234567.891",
            "999999999999999.99",
            "-999999999999999.99",
            "-0.50",
            "0.005",
            "-0.005",
            "100.00",
            "999999.999",
            "123456789012345678901234.5",
            "-184467440737095516.16",
        ] {
            let mut out = String::new();
            push_grouped(&mut out, d(s));
            assert_eq!(out, Grouped(d(s)).to_string(), "{s}");
        }
        assert_eq!(grouped(d("1234567.891")), "1,234,567.89");
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Amounts grouped from their fen, as text or as bytes, are grouped as the general
        /// form groups the plain text: every length of digits, either sign, zero.
        #[test]
        fn grouped_fen_are_the_general_form(
            fen in prop_oneof![0u64..2000, 0u64..100_000_000, any::<u64>()],
            negative in any::<bool>(),
        ) {
            let amount = Decimal::from_i128_with_scale(
                if negative { -i128::from(fen) } else { i128::from(fen) },
                MONEY_DP,
            );
            let mut fast = String::from("由 ");
            push_grouped_fen(&mut fast, negative && fen != 0, fen);
            let (bytes, start) = grouped_fen_bytes(negative && fen != 0, fen);
            let bytes = format!("由 {}", std::str::from_utf8(&bytes[start..]).unwrap());
            prop_assert_eq!(&bytes, &fast);
            let mut general = [0u8; 64];
            let b = grouped_general(amount, &mut general);
            prop_assert_eq!(
                fast,
                format!("由 {}", std::str::from_utf8(&general[b..]).unwrap())
            );
        }

        /// An amount's word is the text grouped as bytes, below the word's limit, and there
        /// is none from the limit on.
        #[test]
        fn grouped_words_are_the_grouped_bytes(
            fen in prop_oneof![
                0u64..2000,
                0u64..GROUPED_WORD_FEN,
                GROUPED_WORD_FEN - 2000..GROUPED_WORD_FEN + 2000,
                any::<u64>(),
            ],
        ) {
            let (bytes, start) = grouped_fen_bytes(false, fen);
            match grouped_word(fen) {
                Some((word, len)) => {
                    prop_assert!(fen < GROUPED_WORD_FEN);
                    prop_assert_eq!(&word.to_le_bytes()[..len], &bytes[start..]);
                    // Nothing is left in the word after the text.
                    prop_assert_eq!(word >> (len * 8), 0);
                }
                None => prop_assert!(fen >= GROUPED_WORD_FEN),
            }
        }
    }

    #[test]
    fn grouped_words_at_each_length() {
        for (fen, text) in [
            (0, "0.00"),
            (7, "0.07"),
            (100, "1.00"),
            (99_999, "999.99"),
            (100_000, "1,000.00"),
            (123_456_789, "1,234,567.89"),
            (99_999_999_999, "999,999,999.99"),
        ] {
            let (word, len) = grouped_word(fen).unwrap();
            assert_eq!(&word.to_le_bytes()[..len], text.as_bytes(), "{fen}");
        }
        assert_eq!(grouped_word(GROUPED_WORD_FEN), None);
    }
}
