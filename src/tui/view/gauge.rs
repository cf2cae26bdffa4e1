//! Gauges drawn in terminal cells (progress, budget use), filled in proportion to a part of a
//! whole. The cells are counted from decimals, so no floating point comes near an amount.

use rust_decimal::Decimal;

/// A bar of `width` cells filled in proportion `part / whole` (capped at full), in whole
/// cells computed from decimals: no floating point anywhere near an amount.
pub fn bar(part: Decimal, whole: Decimal, width: usize) -> String {
    let filled = filled_cells(part, whole, width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// How many of `width` cells a bar for `part` of `whole` fills (capped at `width`).
fn filled_cells(part: Decimal, whole: Decimal, width: usize) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn bars_never_panic() {
        assert_eq!(filled_cells(d("1"), d("2"), 20), 10);
        assert_eq!(filled_cells(Decimal::MAX, d("0.01"), 20), 20);
        assert_eq!(filled_cells(d("-1"), d("2"), 20), 0);
    }
}
