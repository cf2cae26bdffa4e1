//! Amounts written for files and other programs: fixed point, two decimals, no separators
//! (`1500000.00`). The batch writes a million of these a run, so nothing here allocates or
//! goes through `fmt` on the usual path.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::round::Rounding;
use super::MONEY_DP;

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

/// [`push_plain`] of the amount of `fen` fen (what it writes of [`super::yuan_of_fen`]),
/// with no `Decimal` made: a comparison writes fifteen amounts a row.
pub fn push_plain_fen(out: &mut Vec<u8>, fen: i64) {
    let mut bytes = [0u8; 48];
    let len = fen_bytes(fen.unsigned_abs(), fen < 0, &mut bytes);
    out.extend_from_slice(&bytes[48 - len..]);
}

/// `amount` with two decimals and no separators.
pub fn plain(amount: Decimal) -> String {
    let mut s = String::new();
    write_plain(&mut s, amount);
    s
}

/// Writes `amount` in 万元, exact: the yuan amount with its point moved four places, with at
/// least four decimals and as many more as it needs (`12345.00` → `1.2345`, `12345.60` →
/// `1.23456`, `12345.67` → `1.234567`); never rounded. `grouped` puts thousands separators in
/// the whole 万 (for people). On the usual path (an amount to the fen within [`MAX_YUAN`]) it is
/// integer arithmetic on fen: no allocation, no `fmt`.
///
/// [`MAX_YUAN`]: super::MAX_YUAN
pub fn push_wan(out: &mut Vec<u8>, amount: Decimal, grouped: bool) {
    let fen = if amount.scale() == MONEY_DP {
        u64::try_from(amount.mantissa().unsigned_abs()).ok()
    } else {
        None
    };
    let Some(fen) = fen else {
        return push_wan_general(out, amount, grouped);
    };
    if amount.is_sign_negative() && fen != 0 {
        out.push(b'-');
    }
    // 1万 yuan is 1,000,000 fen: six decimals of 万, the last two kept only when not zero.
    let (whole, mut frac) = (fen / 1_000_000, fen % 1_000_000);
    let mut decimals = 6;
    while decimals > 4 && frac % 10 == 0 {
        frac /= 10;
        decimals -= 1;
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = whole;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let int = &digits[i..];
    for (k, &d) in int.iter().enumerate() {
        if grouped && k > 0 && (int.len() - k) % 3 == 0 {
            out.push(b',');
        }
        out.push(d);
    }
    out.push(b'.');
    let mut tail = [b'0'; 6];
    for slot in tail[..decimals].iter_mut().rev() {
        *slot = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    out.extend_from_slice(&tail[..decimals]);
}

/// [`push_wan`] for an amount not held to the fen (never one the engine computed): the point
/// of its exact decimal text moved four places, still never rounded.
#[cold]
fn push_wan_general(out: &mut Vec<u8>, amount: Decimal, grouped: bool) {
    let text = amount.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let int = format!("{int:0>5}");
    let (whole, moved) = int.split_at(int.len() - 4);
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let mut decimals = format!("{moved}{frac}");
    while decimals.len() > 4 && decimals.ends_with('0') {
        decimals.pop();
    }
    if amount.is_sign_negative() && !amount.is_zero() {
        out.push(b'-');
    }
    for (k, c) in whole.bytes().enumerate() {
        if grouped && k > 0 && (whole.len() - k) % 3 == 0 {
            out.push(b',');
        }
        out.push(c);
    }
    out.push(b'.');
    out.extend_from_slice(decimals.as_bytes());
}

/// A row's amounts in the two-decimal form, written field by field straight into the
/// output's memory, which is kept [`ROOM`] bytes longer than what is written (zeros there,
/// cut off at the end): each amount costs a few dozen instructions and a few stores, where
/// going through [`push_plain`] one by one (a copy each) costs several times that, and
/// gathering them on the stack to be copied out made each copy wait on the stores before
/// it. The batch writes seven or more a row, a million rows a run. CSV fields (`MARKDOWN`
/// false) each follow a comma, but for the first of a row; Markdown cells are `| ` and the
/// amount and ` `. Both are constants of the type, so that a field's separators cost a store
/// each.
pub struct PlainFields<'a, const MARKDOWN: bool> {
    out: &'a mut Vec<u8>,
    /// Where what is written ends in `out` (which is longer: room for the next field).
    len: usize,
    /// Whether the next field is the first of its row (then no comma comes before it).
    first: bool,
}

/// The bytes [`PlainFields`] makes room for at a time.
const ROOM: usize = 256;

/// The most one field adds: a separator, a sign, 29 digits, a point, a separator, and the
/// bytes a store writes beyond.
const FIELD_MAX: usize = 64;

impl<'a, const MARKDOWN: bool> PlainFields<'a, MARKDOWN> {
    /// Fields to be written after what `out` holds; no comma before the first when `first`
    /// (a CSV row's first field).
    pub fn new(out: &'a mut Vec<u8>, first: bool) -> PlainFields<'a, MARKDOWN> {
        let len = out.len();
        PlainFields { out, len, first }
    }

    /// Writes the separator, then `amount` as [`push_plain`] writes it (nothing for `None`),
    /// then what comes after it.
    #[inline(always)]
    pub fn field(&mut self, amount: Option<Decimal>) {
        let mut at = self.separator();
        if let Some(amount) = amount {
            // The engine's amounts are held at two decimals: the mantissa is the fen, read
            // from the parts (a zero's sign is not written).
            let [_, _, scale, sign, l0, l1, l2, l3, m0, m1, m2, m3, h0, h1, h2, h3] =
                amount.serialize();
            let magnitude = u64::from_le_bytes([l0, l1, l2, l3, m0, m1, m2, m3]);
            let fen = if u32::from(scale) == super::MONEY_DP
                && [h0, h1, h2, h3] == [0; 4]
                && magnitude <= i64::MAX as u64
            {
                Some((sign & 0x80 != 0 && magnitude != 0, magnitude))
            } else {
                super::round::exact_fen(amount).map(|fen| (fen < 0, fen.unsigned_abs()))
            };
            at = match fen {
                Some((negative, magnitude)) => self.fen(at, negative, magnitude),
                None => {
                    let mut bytes = [0u8; 48];
                    let n = plain_bytes(amount, &mut bytes);
                    self.len = at;
                    self.flush();
                    self.out.extend_from_slice(&bytes[48 - n..]);
                    self.len = self.out.len();
                    self.room();
                    self.len
                }
            };
        }
        self.end_field(at);
    }

    /// Writes the separator, then `fen` fen as yuan with two decimals (nothing for `None`),
    /// then what comes after it: what [`PlainFields::field`] writes of the same amount.
    #[inline(always)]
    pub fn fen_field(&mut self, fen: Option<i64>) {
        let mut at = self.separator();
        if let Some(fen) = fen {
            at = self.fen(at, fen < 0, fen.unsigned_abs());
        }
        self.end_field(at);
    }

    /// Makes sure `out` has room for a field after what is written.
    #[inline(always)]
    fn room(&mut self) {
        if self.len + FIELD_MAX > self.out.len() {
            self.out.resize(self.len + ROOM, 0);
        }
    }

    /// Makes room for a field and writes what goes before it; returns where it starts.
    #[inline(always)]
    fn separator(&mut self) -> usize {
        self.room();
        let mut at = self.len;
        if MARKDOWN {
            self.out[at..at + 2].copy_from_slice(b"| ");
            at += 2;
        } else if !self.first {
            self.out[at] = b',';
            at += 1;
        }
        self.first = false;
        at
    }

    /// Writes what comes after a field that ends at `at`.
    #[inline(always)]
    fn end_field(&mut self, mut at: usize) {
        if MARKDOWN {
            self.out[at] = b' ';
            at += 1;
        }
        self.len = at;
    }

    /// Cuts `out` to what is written (the room after it taken off).
    pub fn flush(&mut self) {
        self.out.truncate(self.len);
    }

    /// A whole number of fen (`magnitude`, less than zero when `negative`) as yuan with two
    /// decimals, `-1234.05`, written at `at`; returns where it ends.
    #[inline(always)]
    fn fen(&mut self, mut at: usize, negative: bool, magnitude: u64) -> usize {
        if negative {
            self.out[at] = b'-';
            at += 1;
        }
        if magnitude == 0 {
            // A quarter of a batch's amounts (a fund that pays nothing, a gap all covered).
            self.out[at..at + 4].copy_from_slice(b"0.00");
            return at + 4;
        }
        let (n, cents) = (magnitude / 100, (magnitude % 100) as usize);
        if n < 100_000_000 {
            // Under a hundred million yuan (nearly every amount): eight digits made one
            // 8-byte word in a register (the first digit its low byte, [`eight_digits`]),
            // its leading zeros found there and shifted out, then stored with the point and
            // the fen after it. Written to memory pair by pair and read back as one word,
            // the digits waited on their own stores (a load the stores before it cannot be
            // forwarded to), most of what an amount cost.
            let word = eight_digits(n as u32);
            // Its leading zeros, at least one digit kept: each '0' is zero once XORed with
            // '0's.
            let zeros = ((word ^ 0x3030_3030_3030_3030).trailing_zeros() / 8).min(7);
            let digits = 8 - zeros as usize;
            self.out[at..at + 8].copy_from_slice(&(word >> (8 * zeros)).to_le_bytes());
            let point = u32::from(b'.')
                | u32::from(PAIRS[2 * cents]) << 8
                | u32::from(PAIRS[2 * cents + 1]) << 16;
            self.out[at + digits..at + digits + 4].copy_from_slice(&point.to_le_bytes());
            return at + digits + 3;
        }
        self.wide(at, n, cents)
    }

    /// [`PlainFields::fen`] of a hundred million yuan or more: `n` yuan and `cents`, at `at`.
    #[inline(never)]
    fn wide(&mut self, at: usize, mut n: u64, cents: usize) -> usize {
        // Written from its last digit back: the digit count says where it ends.
        let end = at + n.checked_ilog10().unwrap_or(0) as usize + 1;
        let mut i = end;
        while n >= 100 {
            let pair = (n % 100) as usize;
            n /= 100;
            self.out[i - 2..i].copy_from_slice(&PAIRS[2 * pair..2 * pair + 2]);
            i -= 2;
        }
        if n >= 10 {
            let pair = n as usize;
            self.out[i - 2..i].copy_from_slice(&PAIRS[2 * pair..2 * pair + 2]);
        } else {
            self.out[i - 1] = b'0' + n as u8;
        }
        self.out[end] = b'.';
        self.out[end + 1..end + 3].copy_from_slice(&PAIRS[2 * cents..2 * cents + 2]);
        end + 3
    }
}

/// Writes one amount of a row (nothing for `None`): a `Decimal` or a whole number of fen.
pub trait PutAmount<A> {
    fn put(&mut self, amount: Option<A>);
}

impl<const MARKDOWN: bool> PutAmount<Decimal> for PlainFields<'_, MARKDOWN> {
    #[inline(always)]
    fn put(&mut self, amount: Option<Decimal>) {
        self.field(amount);
    }
}

impl<const MARKDOWN: bool> PutAmount<i64> for PlainFields<'_, MARKDOWN> {
    #[inline(always)]
    fn put(&mut self, fen: Option<i64>) {
        self.fen_field(fen);
    }
}

impl<const MARKDOWN: bool> Drop for PlainFields<'_, MARKDOWN> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// The eight digits of `n` (below 10^8, with leading zeros) as ASCII in one word, the first
/// digit its low byte. Worked out in the word's lanes, with no table: the two halves of four
/// digits in its two 32-bit lanes, each split into pairs by a multiply that divides by 100
/// (exact below 10^4: 10,486 / 2^20), each pair into digits by one that divides by 10 (exact
/// below 100: 103 / 2^10); no lane's product reaches the next lane. Four pairs looked up in
/// a table cost about 15 instructions more an amount.
#[inline(always)]
fn eight_digits(n: u32) -> u64 {
    debug_assert!(n < 100_000_000);
    let halves = u64::from(n / 10_000) | u64::from(n % 10_000) << 32;
    let hundreds = ((halves * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let pairs = hundreds | (halves - hundreds * 100) << 16;
    let tens = ((pairs * 103) >> 10) & 0x000f_000f_000f_000f;
    let digits = tens | (pairs - tens * 10) << 8;
    digits | 0x3030_3030_3030_3030
}

/// "00" to "99", back to back.
pub(super) const PAIRS: [u8; 200] = {
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
pub(super) fn plain_bytes(amount: Decimal, buf: &mut [u8; 48]) -> usize {
    let mut v = amount;
    if v.scale() != MONEY_DP {
        v = two_decimals(v);
    }
    let m = v.mantissa();
    if v.scale() == MONEY_DP {
        if let Ok(n) = u64::try_from(m.unsigned_abs()) {
            // u64 division is far cheaper than u128's; every amount within MAX_YUAN fits.
            return fen_bytes(n, m < 0, buf);
        }
    }
    // Beyond MAX_YUAN (never from checked input): the general form.
    let text = v.to_string();
    let bytes = text.as_bytes();
    let len = bytes.len().min(buf.len());
    buf[48 - len..].copy_from_slice(&bytes[..len]);
    len
}

/// Writes `fen` fen as yuan with two decimals right-aligned into `buf`, after a minus sign
/// when `negative`; returns its length.
#[inline]
fn fen_bytes(fen: u64, negative: bool, buf: &mut [u8; 48]) -> usize {
    let mut n = fen;
    let mut i = buf.len();
    let cents = (n % 100) as usize;
    n /= 100;
    buf[i - 2..i].copy_from_slice(&PAIRS[2 * cents..2 * cents + 2]);
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
    if negative {
        i -= 1;
        buf[i] = b'-';
    }
    buf.len() - i
}

/// `amount` at two decimals: padded, or rounded half away from zero when it has more (an
/// amount never rounded to the fen, such as an exact quotient shown as it is).
#[cold]
pub(super) fn two_decimals(amount: Decimal) -> Decimal {
    if amount.scale() > MONEY_DP {
        return Rounding::HalfAwayFromZero.round_dp(amount, MONEY_DP);
    }
    let mut v = amount;
    v.rescale(MONEY_DP);
    v
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
pub(super) fn push_ascii(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len());
    for &b in bytes {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn wan(s: &str, grouped: bool) -> String {
        let mut out = Vec::new();
        push_wan(&mut out, d(s), grouped);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn an_amount_in_wan_is_exact_with_at_least_four_decimals() {
        assert_eq!(wan("12345.67", false), "1.234567");
        assert_eq!(wan("12345.60", false), "1.23456");
        assert_eq!(wan("12345.00", false), "1.2345");
        assert_eq!(wan("0.01", false), "0.000001");
        assert_eq!(wan("0.00", false), "0.0000");
        assert_eq!(wan("-0.00", false), "0.0000");
        assert_eq!(wan("-1785000.00", false), "-178.5000");
        assert_eq!(wan("8685000.00", false), "868.5000");
        assert_eq!(wan("999999999999999.99", false), "99999999999.999999");
        assert_eq!(wan("123456789012.34", true), "12,345,678.901234");
        assert_eq!(wan("-123456789012.30", true), "-12,345,678.90123");
        // Not held to the fen (never from the engine): still exact, never rounded.
        assert_eq!(wan("5", false), "0.0005");
        assert_eq!(wan("1.005", false), "0.0001005");
        assert_eq!(wan("12345678.125", true), "1,234.5678125");
        assert_eq!(wan("-0.000", false), "0.0000");
        assert_eq!(
            wan("79228162514264337593543950335", false),
            "7922816251426433759354395.0335"
        );
        // Every fen amount reads back as the same yuan.
        for s in ["0.01", "0.10", "1.00", "99999.99", "100000.00", "-7.50"] {
            let back = wan(s, false).parse::<Decimal>().unwrap() * Decimal::from(10_000);
            assert_eq!(back, d(s), "{s}");
        }
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
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;

    fn amount() -> impl Strategy<Value = Option<Decimal>> {
        let mantissa = prop_oneof![
            Just(0i128),
            -1_000_000_000i128..1_000_000_000,
            -(1i128 << 64)..(1i128 << 64),
            Just(i64::MIN as i128),
            Just(i64::MAX as i128),
            Just((1i128 << 96) - 1),
            Just(-((1i128 << 96) - 1)),
        ];
        prop::option::of(
            (mantissa, prop_oneof![0u32..=3, 0u32..=28], any::<bool>()).prop_map(
                |(m, scale, negative_zero)| {
                    let d = Decimal::from_i128_with_scale(m, scale);
                    if m == 0 && negative_zero {
                        -d
                    } else {
                        d
                    }
                },
            ),
        )
    }

    /// Every four digits in either lane: the lanes never reach each other, so this is every
    /// number below 10^8.
    #[test]
    fn eight_digits_are_every_four_digits_in_either_lane() {
        for half in 0..10_000u32 {
            for n in [half, half * 10_000] {
                assert_eq!(
                    &eight_digits(n).to_le_bytes()[..],
                    format!("{n:08}").as_bytes()
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any number below 10^8, and every four-digit half of one, reads as its digits.
        #[test]
        fn eight_digits_are_a_numbers_digits(n in 0u32..100_000_000, half in 0u32..10_000) {
            for n in [n, half, half * 10_000, half * 10_000 + half] {
                let want = format!("{n:08}");
                prop_assert_eq!(&eight_digits(n).to_le_bytes()[..], want.as_bytes());
            }
        }

        #[test]
        fn plain_fields_are_the_bytes_push_plain_writes(
            amounts in prop::collection::vec(amount(), 0..40),
            markdown in any::<bool>(),
        ) {
            let (before, after): (&[u8], &[u8]) = if markdown { (b"| ", b" ") } else { (b",", b"") };
            let mut want = b"id".to_vec();
            for a in &amounts {
                want.extend_from_slice(before);
                if let Some(a) = a {
                    push_plain(&mut want, *a);
                }
                want.extend_from_slice(after);
            }
            let mut got = b"id".to_vec();
            if markdown {
                let mut fields = PlainFields::<true>::new(&mut got, false);
                for a in &amounts {
                    fields.field(*a);
                }
            } else {
                let mut fields = PlainFields::<false>::new(&mut got, false);
                for a in &amounts {
                    fields.field(*a);
                }
            }
            prop_assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
        }

        /// Fields of fen are the bytes `push_plain_fen` writes, the first of a CSV row with no
        /// comma before it: any amount, under a hundred million yuan and over, negative,
        /// zero, the least `i64`; more fields than the room made at a time.
        #[test]
        fn fen_fields_are_the_bytes_push_plain_fen_writes(
            fens in prop::collection::vec(
                prop::option::of(prop_oneof![
                    -20_000i64..20_000,
                    -10_000_000_000i64..10_000_000_000,
                    any::<i64>(),
                ]),
                0..40,
            ),
            first in any::<bool>(),
        ) {
            let mut want = b"id".to_vec();
            for (k, fen) in fens.iter().enumerate() {
                if k > 0 || !first {
                    want.push(b',');
                }
                if let Some(fen) = fen {
                    push_plain_fen(&mut want, *fen);
                }
            }
            let mut got = b"id".to_vec();
            let mut fields = PlainFields::<false>::new(&mut got, first);
            for fen in &fens {
                fields.fen_field(*fen);
            }
            drop(fields);
            prop_assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
        }
    }
}
