//! Amounts and measures shown to people: thousands separators (`1,500,000.00`), the short
//! 万 form (`496.5万`), percentages and measures without trailing zeros. Files get the plain
//! form of the `fixed` module instead.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::fixed::{plain_bytes, push_ascii};

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

/// A measure without trailing zero decimals: `4.50` → `4.5`, `2.000` → `2`.
pub fn measure(value: Decimal) -> String {
    value.normalize().to_string()
}

#[cfg(test)]
mod tests {
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
        ] {
            let mut out = String::new();
            push_grouped(&mut out, d(s));
            assert_eq!(out, Grouped(d(s)).to_string(), "{s}");
        }
        assert_eq!(grouped(d("1234567.891")), "1,234,567.89");
    }
}
