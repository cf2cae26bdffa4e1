//! What-if (SPEC §9): the same rows under the rules in force ("before") and under a variant
//! ("after": another rules file, or the rules in force with `--set` rates), and the change.
//! Every view of a comparison — `roadsub compare` in each output format and the table view's
//! Δ columns — reads its amounts and changes from here, so a change is worked out once.
//!
//! The two rule sets may name different funds (a variant file may add or drop one): the
//! comparison's funds are those of the rules in force, then the variant's new ones, matched by
//! id. A fund that one side does not have pays nothing on that side.
//!
//! Whole tables: [`whole`] computes both sides (each exactly a batch run under its rules),
//! [`write`] writes them as CSV, JSON and Markdown, [`screen`] for people (the text summary,
//! the terminal table), [`book`] as a workbook.

pub mod book;
pub mod budgets;
mod cores;
pub mod describe;
mod groups;
mod paired;
mod piped;
mod read;
pub mod screen;
pub mod stream;
mod tally;
pub mod whole;
pub mod write;

pub use whole::{compare, compare_grouped, CompareError, Comparison, GroupPair, Pair, Table};
pub use write::Variant;

use rust_decimal::Decimal;

use crate::engine::Breakdown;
use crate::i18n::Lang;
use crate::money;
use crate::report::{Totals, Unit};
use crate::rules::{FundId, RuleSet};

/// Which rules an amount was computed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The rules in force.
    Before,
    /// The variant.
    After,
}

/// The funds a comparison shows, matched by id across the two rule sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funds {
    /// Per fund shown: its id.
    pub ids: Vec<String>,
    /// Per fund shown: its name in Chinese and English (from the side that has it, the rules
    /// in force first).
    names: Vec<(String, Option<String>)>,
    /// Per fund shown: its index in the rules in force, if they have it.
    before: Vec<Option<FundId>>,
    /// Per fund shown: its index in the variant, if it has it.
    after: Vec<Option<FundId>>,
}

impl Funds {
    /// The funds of `before`, then those of `after` that `before` does not have.
    pub fn new(before: &RuleSet, after: &RuleSet) -> Funds {
        let mut funds = Funds {
            ids: Vec::new(),
            names: Vec::new(),
            before: Vec::new(),
            after: Vec::new(),
        };
        for (i, f) in before.funds.iter().enumerate() {
            funds.ids.push(f.id.clone());
            funds.names.push((f.name.clone(), f.name_en.clone()));
            funds.before.push(Some(i));
            funds
                .after
                .push(after.funds.iter().position(|g| g.id == f.id));
        }
        for (i, f) in after.funds.iter().enumerate() {
            if !before.funds.iter().any(|g| g.id == f.id) {
                funds.ids.push(f.id.clone());
                funds.names.push((f.name.clone(), f.name_en.clone()));
                funds.before.push(None);
                funds.after.push(Some(i));
            }
        }
        funds
    }

    /// How many funds are shown.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no fund is shown.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Fund `i`'s name in `lang`.
    pub fn name(&self, i: usize, lang: Lang) -> &str {
        let (zh, en) = &self.names[i];
        crate::rules::display(lang, zh, en.as_deref())
    }

    /// Fund `i`'s index in the rules of `side`, if they have it.
    pub fn index(&self, i: usize, side: Side) -> Option<FundId> {
        match side {
            Side::Before => self.before[i],
            Side::After => self.after[i],
        }
    }
}

/// What a comparison compares of a row, a group or a whole table: what each fund pays,
/// subsidy_total and shortfall, in fen (exact, and a change is one subtraction).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Amounts {
    /// Per fund of [`Funds`], fen (inline for up to three funds: a comparison keeps three of
    /// these for each of its groups).
    pub funds: smallvec::SmallVec<[i128; 3]>,
    /// 补助合计, fen.
    pub subsidy_total: i128,
    /// 差额 (gap), fen.
    pub gap: i128,
    /// 尚需筹集, fen.
    pub shortfall: i128,
}

/// Fen of an amount computed to the fen (any further digits would be a defect upstream, so
/// they are kept out of the sum rather than rounded away silently: the sum saturates, and
/// is shown as "overflow"). Any amount to the fen a `Decimal` holds fits: a total beyond
/// i64's fen (9.2e16 yuan) had been made the saturated value too, shown as "overflow", and
/// its change, the saturated value less itself, as 0.00.
fn fen(value: Decimal) -> i128 {
    money::Sum::<2>::units(value).unwrap_or(i128::MAX)
}

/// [`fen`] of a sum's value (the same fen, no `Decimal` made between).
fn shown_fen(sum: money::Sum<2>) -> i128 {
    sum.value_units().unwrap_or(i128::MAX)
}

/// The change from `before` to `after` fen: "overflow" (the saturated value) when either
/// is, never the saturated value less itself.
pub fn change(before: i128, after: i128) -> i128 {
    match (before, after) {
        (i128::MAX, _) | (_, i128::MAX) => i128::MAX,
        _ => after.saturating_sub(before),
    }
}

impl Amounts {
    /// A row's amounts under the rules of `side`, from its breakdown.
    pub fn of_row(funds: &Funds, side: Side, b: &Breakdown) -> Amounts {
        Amounts {
            funds: (0..funds.len())
                .map(|i| {
                    funds
                        .index(i, side)
                        .and_then(|f| b.shares.get(f))
                        .map_or(0, |s| fen(s.paid))
                })
                .collect(),
            subsidy_total: fen(b.subsidy_total),
            gap: fen(b.gap),
            shortfall: fen(b.shortfall),
        }
    }

    /// [`Amounts::of_row`] into `self`, in the memory it has.
    pub fn set_row(&mut self, funds: &Funds, side: Side, b: &Breakdown) {
        self.funds.clear();
        self.funds.extend((0..funds.len()).map(|i| {
            funds
                .index(i, side)
                .and_then(|f| b.shares.get(f))
                .map_or(0, |s| fen(s.paid))
        }));
        self.subsidy_total = fen(b.subsidy_total);
        self.gap = fen(b.gap);
        self.shortfall = fen(b.shortfall);
    }

    /// [`Amounts::set_row`] of a row computed in fen: each fund's `paid` amount by the rules
    /// of `side`, and its subsidy, gap and shortfall.
    pub fn set_fen(&mut self, funds: &Funds, side: Side, paid: &[i128], settled: [i128; 3]) {
        self.funds.clear();
        self.funds.extend((0..funds.len()).map(|i| {
            funds
                .index(i, side)
                .and_then(|f| paid.get(f))
                .map_or(0, |&p| p)
        }));
        [self.subsidy_total, self.gap, self.shortfall] = settled;
    }

    /// The totals of a table or group under the rules of `side`.
    pub fn of_totals(funds: &Funds, side: Side, t: &Totals) -> Amounts {
        Amounts {
            funds: (0..funds.len())
                .map(|i| {
                    funds
                        .index(i, side)
                        .and_then(|f| t.paid.get(f))
                        .map_or(0, |&s| shown_fen(s))
                })
                .collect(),
            subsidy_total: shown_fen(t.subsidy_total),
            gap: shown_fen(t.gap),
            shortfall: shown_fen(t.shortfall),
        }
    }

    /// `after − self`, field by field.
    pub fn change_to(&self, after: &Amounts) -> Amounts {
        Amounts {
            funds: self
                .funds
                .iter()
                .zip(&after.funds)
                .map(|(&b, &a)| change(b, a))
                .collect(),
            subsidy_total: change(self.subsidy_total, after.subsidy_total),
            gap: change(self.gap, after.gap),
            shortfall: change(self.shortfall, after.shortfall),
        }
    }

    /// Whether every amount is zero (a change that changes nothing).
    pub fn is_zero(&self) -> bool {
        self.funds.iter().all(|&f| f == 0)
            && self.subsidy_total == 0
            && self.gap == 0
            && self.shortfall == 0
    }

    /// The amounts in the order columns show them: each fund, subsidy_total, gap, shortfall.
    pub fn columns(&self) -> impl Iterator<Item = i128> + '_ {
        self.funds
            .iter()
            .copied()
            .chain([self.subsidy_total, self.gap, self.shortfall])
    }

    /// Column `i` of [`Amounts::columns`], 0 past the last: `columns().nth(i)` looked up (the
    /// cell-by-cell Markdown model still walks `columns()`, so the property test of the rows
    /// holds the two together).
    pub fn column(&self, i: usize) -> i128 {
        match i.checked_sub(self.funds.len()) {
            None => self.funds[i],
            Some(0) => self.subsidy_total,
            Some(1) => self.gap,
            Some(2) => self.shortfall,
            Some(_) => 0,
        }
    }
}

/// The headings of [`Amounts::columns`]: fund ids, then `subsidy_total`, `gap`, `shortfall`
/// (as a batch run's own columns are headed).
pub fn column_ids(funds: &Funds) -> Vec<&str> {
    funds
        .ids
        .iter()
        .map(String::as_str)
        .chain(["subsidy_total", "gap", "shortfall"])
        .collect()
}

/// An amount of fen as yuan with two decimals (`-1785000.00`), as machine outputs write
/// amounts.
pub fn plain(fen: i128) -> String {
    money::from_fen(fen).map_or_else(|| "overflow".to_string(), money::plain)
}

/// A change as people read it: `+1,785,000.00`, `−500.00` (a true minus sign), `0.00`.
pub fn signed(fen: i128) -> String {
    signed_in(fen, Unit::Yuan)
}

/// [`signed`] in `unit`: in 万元 exact, as batch writes 万元 (`+6.25` yuan → `+0.000625`).
pub fn signed_in(fen: i128, unit: Unit) -> String {
    let Some(v) = fen.checked_abs().and_then(money::from_fen) else {
        return "overflow".to_string();
    };
    let grouped = unit.grouped(v);
    let sign = match fen.signum() {
        1 => "+",
        -1 => "−",
        _ => return grouped,
    };
    let mut out = String::with_capacity(sign.len() + grouped.len());
    out.push_str(sign);
    out.push_str(&grouped);
    out
}

/// An amount of fen as people read it in `unit`: `1,785,000.00`, or `178.5000` in 万元.
pub fn grouped_in(fen: i128, unit: Unit) -> String {
    money::from_fen(fen).map_or_else(|| "overflow".into(), |v| unit.grouped(v))
}

/// What a heading of amounts in `unit` ends with, in `lang`: ` (yuan)`, ` (万元)`, `（元）`
/// or `（万元）`, as a batch run's summary names the unit of its budget table.
pub fn unit_suffix(unit: Unit, lang: Lang) -> &'static str {
    crate::report::summary::in_unit(unit, lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{compute, Cost, Segment};
    use crate::rules::Setting;

    fn segment(rules: &RuleSet, class: &str, km: &str, cost: &str) -> Segment {
        Segment::new(
            rules.class_by_name(class).unwrap(),
            "3.5".parse().unwrap(),
            km.parse().unwrap(),
            Cost::Total(cost.parse().unwrap()),
        )
    }

    #[test]
    fn a_group_road_under_the_15_wan_rate_changes_by_50000_per_km_to_the_fen() {
        let before = RuleSet::builtin();
        let (after, _) = before
            .with_settings(&[Setting::parse("poverty.group.3.5=15万").unwrap()])
            .unwrap();
        let funds = Funds::new(&before, &after);
        assert_eq!(funds.ids, ["transport", "poverty"]);
        let seg = segment(&before, "group", "1.25", "800000");
        let b = Amounts::of_row(&funds, Side::Before, &compute(&before, &seg).unwrap());
        let a = Amounts::of_row(&funds, Side::After, &compute(&after, &seg).unwrap());
        // transport 187,500; poverty 125,000 → 187,500; shortfall 487,500 → 425,000.
        assert_eq!(
            b.columns().collect::<Vec<_>>(),
            [18_750_000, 12_500_000, 31_250_000, 48_750_000, 48_750_000]
        );
        let change = b.change_to(&a);
        assert_eq!(
            change.columns().map(signed).collect::<Vec<_>>(),
            [
                "0.00",
                "+62,500.00",
                "+62,500.00",
                "−62,500.00",
                "−62,500.00"
            ]
        );
        assert_eq!(plain(change.shortfall), "-62500.00");
        assert!(!change.is_zero());
        assert!(b.change_to(&b).is_zero());
    }

    #[test]
    fn a_fund_only_the_variant_has_is_shown_after_those_in_force_and_pays_nothing_before() {
        let before = RuleSet::builtin();
        let text = crate::rules::BUILTIN_TOML.replace("transport", "roads");
        let after = RuleSet::from_toml(&text, "v.toml").unwrap();
        let funds = Funds::new(&before, &after);
        assert_eq!(funds.ids, ["transport", "poverty", "roads"]);
        assert_eq!(funds.index(0, Side::After), None);
        assert_eq!(funds.index(2, Side::Before), None);
        assert_eq!(funds.index(2, Side::After), Some(0));
        let seg = segment(&before, "village", "1", "900000");
        let a = Amounts::of_row(&funds, Side::After, &compute(&after, &seg).unwrap());
        assert_eq!(a.funds[..], [0, 25_000_000, 15_000_000]);
        assert_eq!(
            column_ids(&funds),
            [
                "transport",
                "poverty",
                "roads",
                "subsidy_total",
                "gap",
                "shortfall"
            ]
        );
        assert_eq!(funds.name(2, Lang::Zh), "县交通局补助");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Any amount to the fen a `Decimal` holds is its exact fen, and the change between
        /// two is their difference: none is made "overflow" for being beyond i64's fen (a
        /// total of 9.2e16 yuan had been, and its change shown as 0.00).
        #[test]
        fn an_amount_to_the_fen_is_its_fen_and_a_change_their_difference(
            b in proptest::prelude::any::<i64>(),
            a in proptest::prelude::any::<i64>(),
            scale in 1i128..=1_000_000_000,
        ) {
            // Fen well beyond i64, within a Decimal's 96 bits.
            let (b, a) = (i128::from(b) * scale, i128::from(a) * scale);
            let fen_of = |f: i128| fen(money::from_fen(f).unwrap());
            proptest::prop_assert_eq!(fen_of(b), b);
            proptest::prop_assert_eq!(fen_of(a), a);
            proptest::prop_assert_eq!(change(fen_of(b), fen_of(a)), a - b);
            proptest::prop_assert_eq!(change(i128::MAX, fen_of(a)), i128::MAX);
        }
    }
}
