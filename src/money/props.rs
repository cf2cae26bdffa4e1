//! Properties of the parsers and rounding against a reference that shares no code with them:
//! each input is built from generated parts (digits, separators, unit, full-width or not), and
//! its value is worked out from those parts in plain integers.

use proptest::prelude::*;

use super::*;

/// How a number is written: its digits and the form around them.
#[derive(Debug, Clone)]
struct Written {
    int: u64,
    frac: String,
    commas: bool,
    full_width: bool,
    space: bool,
}

fn written(max_int: u64, max_frac: usize) -> impl Strategy<Value = Written> {
    (
        0..=max_int,
        proptest::string::string_regex(&format!("[0-9]{{0,{max_frac}}}")).unwrap(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(int, frac, commas, full_width, space)| Written {
            int,
            frac,
            commas,
            full_width,
            space,
        })
}

/// The integer part with thousands separators, by hand.
fn grouped_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// ASCII as its full-width form (`1` → `１`, `,` → `，`), as Chinese input methods type it.
fn widen(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            _ => c,
        })
        .collect()
}

impl Written {
    /// The text for the number followed by `unit`.
    fn text(&self, unit: &str) -> String {
        let mut number = if self.commas {
            grouped_digits(self.int)
        } else {
            self.int.to_string()
        };
        if !self.frac.is_empty() {
            number.push('.');
            number.push_str(&self.frac);
        }
        let mut text = format!("{number}{unit}");
        if self.full_width {
            text = widen(&text);
        }
        if self.space {
            text = format!(" {text}\u{3000}");
        }
        text
    }

    /// All digits as one integer, and how many of them are decimals.
    fn digits(&self) -> (u128, u32) {
        let all = format!("{}{}", self.int, self.frac);
        (all.parse().unwrap(), self.frac.len() as u32)
    }

    /// The value in units of 10^-`dp` after shifting by 10^`shift`, or why it is refused:
    /// beyond `max_units`, or not a whole number of units.
    fn reference(&self, shift: i32, dp: u32, max_units: u128) -> Result<u128, ValueError> {
        let (n, decimals) = self.digits();
        // value = n × 10^(shift + dp − decimals) units.
        let up = shift + dp as i32 - decimals as i32;
        let (num, den) = if up >= 0 {
            (n * 10u128.pow(up as u32), 1u128)
        } else {
            (n, 10u128.pow((-up) as u32))
        };
        if num > max_units * den {
            Err(ValueError::TooLarge)
        } else if num % den != 0 {
            Err(ValueError::TooPrecise)
        } else {
            Ok(num / den)
        }
    }
}

/// A decimal in units of 10^-`dp`.
fn units_of(value: Decimal, dp: u32) -> u128 {
    assert!(value.scale() <= dp, "{value} has more than {dp} decimals");
    value.mantissa() as u128 * 10u128.pow(dp - value.scale())
}

fn check(got: Result<Decimal, ValueError>, want: Result<u128, ValueError>, dp: u32, text: &str) {
    match (got, want) {
        (Ok(v), Ok(w)) => assert_eq!(units_of(v, dp), w, "{text:?} → {v}"),
        (got, want) => assert_eq!(got.map(|v| units_of(v, dp)), want, "{text:?}"),
    }
}

const AMOUNT_UNITS: [(&str, Option<i32>); 12] = [
    ("", None),
    ("元", Some(0)),
    (" 元", Some(0)),
    ("yuan", Some(0)),
    ("RMB", Some(0)),
    ("万", Some(4)),
    ("萬", Some(4)),
    ("万元", Some(4)),
    (" 万 元", Some(4)),
    ("亿", Some(8)),
    ("億", Some(8)),
    ("亿元", Some(8)),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_accepted_amount_form_is_its_exact_value(
        w in written(99_999_999_999_999_999, 10),
        unit in 0..AMOUNT_UNITS.len(),
        header_wan in any::<bool>(),
        yen in any::<bool>(),
    ) {
        let (suffix, shift) = AMOUNT_UNITS[unit];
        let text = format!("{}{}", if yen { "¥" } else { "" }, w.text(suffix));
        let scale = if header_wan { Scale::Pow10(4) } else { Scale::Base };
        // A unit written with the number wins over the header's; a bare number takes the
        // header's, but for one after the yuan's sign under a header in 万元, which may mean
        // either and is refused.
        let want = if yen && header_wan && shift.is_none() {
            Err(ValueError::YuanSignInUnit)
        } else {
            let shift = shift.unwrap_or(if header_wan { 4 } else { 0 });
            w.reference(shift, MONEY_DP, MAX_FEN as u128)
        };
        check(parse_amount(&text, scale, false), want, MONEY_DP, &text);
    }

    #[test]
    fn every_accepted_amount_per_km_form_is_its_exact_value(
        w in written(9_999_999_999, 6),
        unit in 0..AMOUNT_UNITS.len(),
        per in prop::sample::select(vec!["/公里", "/km", "/千米", "每公里", " /KM"]),
    ) {
        let (suffix, shift) = AMOUNT_UNITS[unit];
        let text = w.text(&format!("{suffix}{per}"));
        let want = w.reference(shift.unwrap_or(0), MONEY_DP, MAX_FEN as u128);
        check(parse_amount(&text, Scale::Base, true), want, MONEY_DP, &text);
    }

    #[test]
    fn every_accepted_length_form_is_its_exact_value(
        w in written(999_999_999, 9),
        unit in prop::sample::select(vec![("", 0), ("km", 0), ("KM", 0), ("公里", 0), ("千米", 0), (" km", 0), ("m", -3), ("M", -3), ("米", -3), (" 米", -3)]),
        header_m in any::<bool>(),
    ) {
        let text = w.text(unit.0);
        let scale = if header_m { Scale::Pow10(-3) } else { Scale::Base };
        let shift = if unit.0.is_empty() && header_m { -3 } else { unit.1 };
        let max = 100_000 * 10u128.pow(LENGTH_DP);
        let want = w.reference(shift, LENGTH_DP, max);
        check(parse_length_km(&text, scale), want, LENGTH_DP, &text);
    }

    #[test]
    fn every_accepted_width_form_is_its_exact_value(
        w in written(99_999, 6),
        unit in prop::sample::select(vec!["", "m", "M", "米", " m"]),
    ) {
        let text = w.text(unit);
        let want = w.reference(0, WIDTH_DP, 1_000 * 10u128.pow(WIDTH_DP));
        check(parse_width_m(&text), want, WIDTH_DP, &text);
    }

    #[test]
    fn every_accepted_households_form_is_its_whole_number(
        n in 0u64..10_000_000_000,
        zeros in 0usize..4,
        full_width in any::<bool>(),
        hu in any::<bool>(),
    ) {
        let mut text = n.to_string();
        if zeros > 0 {
            text = format!("{text}.{}", "0".repeat(zeros));
        }
        if hu {
            text.push('户');
        }
        if full_width {
            text = widen(&text);
        }
        let want = match n {
            0 => Err(ValueError::NotPositive),
            n if n > u64::from(u32::MAX) => Err(ValueError::TooLarge),
            n => Ok(n as u32),
        };
        prop_assert_eq!(parse_households(&text), want, "{:?}", text);
    }

    #[test]
    fn both_rounding_rules_agree_with_integer_rounding(
        m in -10_000_000_000_000_000i128..10_000_000_000_000_000,
        scale in 0u32..12,
    ) {
        let amount = Decimal::from_i128_with_scale(m, scale);
        for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
            let want = reference_fen(m, scale, rule);
            let got = rule.to_fen(amount);
            prop_assert_eq!(got.scale(), MONEY_DP);
            prop_assert_eq!(got.mantissa(), want, "{} {:?}", amount, rule);
            prop_assert_eq!(rule.fen(amount), want, "{} {:?}", amount, rule);
        }
    }

    #[test]
    fn a_product_is_rounded_to_the_fen_as_integers_say(
        a in 0i128..100_000_000_000, sa in 0u32..4,
        b in 0i128..1_000_000_000_000, sb in 0u32..7,
    ) {
        let (x, y) = (Decimal::from_i128_with_scale(a, sa), Decimal::from_i128_with_scale(b, sb));
        for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
            let want = reference_fen(a * b, sa + sb, rule);
            if let Some(got) = mul_to_fen(x, y, rule) {
                prop_assert_eq!(rule.fen(got), want, "{} × {} {:?}", x, y, rule);
            }
        }
    }
}

/// `m / 10^scale` in fen, rounded by `rule`, worked out on the integers alone.
fn reference_fen(m: i128, scale: u32, rule: Rounding) -> i128 {
    if scale <= MONEY_DP {
        return m * 10i128.pow(MONEY_DP - scale);
    }
    let unit = 10i128.pow(scale - MONEY_DP);
    let (q, r) = (m.abs() / unit, m.abs() % unit);
    let up = match (2 * r).cmp(&unit) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => match rule {
            Rounding::HalfAwayFromZero => true,
            Rounding::HalfEven => q % 2 == 1,
        },
    };
    let magnitude = q + i128::from(up);
    if m < 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// Mantissas a fast path must meet: zero, small, at the edges of 32, 63 and 64 bits, and the
/// largest a `Decimal` holds, either sign.
fn mantissa() -> impl Strategy<Value = i128> {
    let edge = prop_oneof![
        Just(0i128),
        Just(5),
        Just(u32::MAX as i128),
        Just(i64::MAX as i128),
        Just(i64::MAX as i128 + 1),
        Just(u64::MAX as i128),
        Just((1i128 << 96) - 1),
    ];
    let some = prop_oneof![
        edge,
        -1_000_000_000i128..1_000_000_000,
        -(1i128 << 70)..(1i128 << 70),
        -((1i128 << 96) - 1)..(1i128 << 96),
    ];
    (some, any::<bool>()).prop_map(|(m, flip)| if flip { -m } else { m })
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (mantissa(), 0u32..=28).prop_map(|(m, scale)| Decimal::from_i128_with_scale(m, scale))
}

/// `Decimal`'s own form of a value (sign, scale and mantissa), to compare structure and not
/// only value.
fn form(d: Decimal) -> (bool, u32, i128) {
    (d.is_sign_negative(), d.scale(), d.mantissa())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn whole_fen_read_fast_are_the_fen_of_the_general_path(d in decimal()) {
        for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
            prop_assert_eq!(rule.fen(d), rule.fen_general(d), "{} {:?}", d, rule);
            if let Some(fen) = exact_fen(d) {
                prop_assert_eq!(i128::from(fen), rule.fen_general(d), "{}", d);
                prop_assert_eq!(form(yuan_of_fen(fen)), form(rule.to_fen(d)), "{}", d);
            }
        }
        // A negative zero reads as zero fen too.
        prop_assert_eq!(exact_fen(-Decimal::ZERO), Some(0));
    }

    #[test]
    fn two_amounts_compare_as_decimals_do(
        a in decimal(),
        b in decimal(),
        near in any::<bool>(),
        zero_sign in any::<bool>(),
    ) {
        // Half the time the same value in another scale, or a step beside it.
        let step = if b.is_sign_negative() { Decimal::new(-1, 3) } else { Decimal::new(1, 3) };
        let b = if near { a.checked_add(step).unwrap_or(b) } else { b };
        let a = if zero_sign && a.is_zero() { -a } else { a };
        prop_assert_eq!(cmp(a, b), a.cmp(&b), "{} vs {}", a, b);
        prop_assert_eq!(cmp(b, a), b.cmp(&a), "{} vs {}", b, a);
        prop_assert_eq!(cmp(a, a), std::cmp::Ordering::Equal);
        prop_assert_eq!(is_more(a, b), a > b, "{} > {}", a, b);
        prop_assert_eq!(is_more(b, a), b > a, "{} > {}", b, a);
        prop_assert!(!is_more(a, a));
    }

    #[test]
    fn fen_made_fast_are_the_decimals_of_the_general_path(fen in mantissa(), wide in any::<bool>()) {
        let fen = if wide { fen } else { fen % (1 << 62) };
        let fast = from_fen(fen).map(form);
        prop_assert_eq!(fast, round::from_fen_general(fen).map(form), "{}", fen);
        if let Ok(small) = i64::try_from(fen) {
            prop_assert_eq!(Some(form(yuan_of_fen(small))), fast);
        }
    }

    #[test]
    fn a_product_in_fen_is_the_decimal_products_fen(
        a in mantissa(), sa in 0u32..=12, b in mantissa(), sb in 0u32..=12, tie in any::<bool>(),
    ) {
        // Half the cases end in 5 just past the fen: a tie for both rules.
        let (a, sa) = if tie { (a / 10 * 10 + 5, 3) } else { (a, sa) };
        let (b, sb) = if tie { (b % 1_000, 0) } else { (b, sb) };
        let (x, y) = (Decimal::from_i128_with_scale(a, sa), Decimal::from_i128_with_scale(b, sb));
        for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
            let general = x.checked_mul(y).map(|p| rule.fen(rule.to_fen(p)));
            if let Some(fen) = mul_fen(x, y, rule) {
                prop_assert_eq!(Some(fen), general, "{} × {} {:?}", x, y, rule);
                prop_assert_eq!(
                    mul_to_fen(x, y, rule).map(form),
                    x.checked_mul(y).map(|p| form(rule.to_fen(p)))
                );
            }
        }
    }

    #[test]
    fn a_sum_added_fast_is_the_decimal_sum(
        values in prop::collection::vec(
            (mantissa(), 0u32..=8).prop_map(|(m, s)| Decimal::from_i128_with_scale(m % (1 << 60), s)),
            1..8,
        ),
        negate in any::<bool>(),
    ) {
        let mut fen = Sum::<2>::default();
        let mut units = Sum::<6>::default();
        let mut exact = Decimal::ZERO;
        let (mut fen_ok, mut units_ok) = (true, true);
        for v in &values {
            fen_ok &= fen.add_or_sub(*v, negate).is_ok();
            units_ok &= units.add_or_sub(*v, negate).is_ok();
            exact = if negate { exact - *v } else { exact + *v };
        }
        // Exact at its scale exactly when every value has no more decimals than it keeps.
        prop_assert_eq!(fen_ok, values.iter().all(|v| v.scale() <= 2));
        prop_assert_eq!(units_ok, values.iter().all(|v| v.scale() <= 6));
        if fen_ok {
            prop_assert_eq!(fen.value(), exact);
        }
        if units_ok {
            prop_assert_eq!(units.value(), exact);
        }
    }
}

/// Cells of every kind a number column holds: bare numbers short and long, with spaces,
/// separators, signs, units.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex("[0-9]{1,19}(\\.[0-9]{0,8})?").unwrap(),
        proptest::string::string_regex("[0-9]{1,11}").unwrap(),
        proptest::string::string_regex("[0-9.]{0,22}").unwrap(),
        proptest::string::string_regex("[ 0-9.,+\\-万米m\u{3000}]{0,14}").unwrap(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// A cell read as it stands by the shortcut a row takes is a cell with nothing to trim,
    /// read by each parser to the same value in the same form; and the shortcut takes no cell
    /// the parser would refuse or read otherwise.
    #[test]
    fn a_bare_number_read_as_it_stands_is_what_the_parser_reads(
        text in cell(),
        scale in prop_oneof![Just(Scale::Base), Just(Scale::Pow10(4)), Just(Scale::Pow10(-3))],
    ) {
        let pairs = [
            (plain_amount(&text, scale), parse_amount(trim(&text), scale, false)),
            (plain_amount(&text, scale), parse_amount(trim(&text), scale, true)),
            (plain_length_km(&text, scale), parse_length_km(trim(&text), scale)),
            (plain_width_m(&text), parse_width_m(trim(&text))),
        ];
        if let Some(n) = plain_households(&text) {
            prop_assert_eq!(trim(&text), text.as_str());
            prop_assert_eq!(parse_households(trim(&text)), Ok(n), "{:?}", text);
        }
        for (plain, parsed) in pairs {
            if let Some(x) = plain {
                prop_assert_eq!(trim(&text), text.as_str());
                prop_assert!(!text.is_empty());
                prop_assert_eq!(parsed.map(form), Ok(form(x)), "{:?}", text);
            }
        }
    }
}
