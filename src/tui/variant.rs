//! What-if in the table view (SPEC §9): `v` loads a variant — another rules file, or rates of
//! the rules in force changed (`poverty.group.3.5=15万`) — and every row and the totals are
//! computed under it too, beside the rules in force, so each row's change can be read off as
//! the table is edited. The amounts and their changes are those `roadsub compare` shows
//! ([`crate::report::compare`]); saving, exporting and the explanations stay the rules in
//! force's.

mod prompt;
mod source;

pub use source::Source;

use super::brief::Column;
use super::results::Results;
use crate::i18n::Lang;
use crate::report::compare::{Amounts, Funds, Side};
use crate::rules::RuleSet;
use crate::table::columns::Columns;
use crate::table::sheet::Sheet;

/// A variant shown beside the rules in force: its rules, the header read under them, and
/// what they make of every row.
pub struct Variant {
    /// The variant's rules.
    pub rules: RuleSet,
    /// The sheet's header as the variant's rules read it (the approved-amount columns are
    /// found per rule set).
    pub(super) columns: Columns,
    /// Every row and the totals under the variant's rules.
    pub(super) results: Results,
    /// The funds compared, matched by id across the two rule sets.
    pub funds: Funds,
    /// Where the rules came from.
    pub source: Source,
    /// The totals compared, over the rows good under both rule sets (kept current by
    /// [`Variant::compare`] after every change).
    pub(super) compared: Compared,
}

/// The totals of a comparison as `roadsub compare` makes them: a row computed under one rule
/// set only would mix its amount on one side with nothing on the other, so the totals count
/// only rows good under both, and how many are left out is said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compared {
    /// The rules in force's totals of the rows good under both.
    pub before: Amounts,
    /// The variant's totals of the same rows.
    pub after: Amounts,
    /// Rows good under the rules in force that the variant cannot compute (✗).
    pub bad_after: usize,
    /// Rows the variant computes that the rules in force cannot (—).
    pub bad_before: usize,
}

impl Compared {
    /// The lines that say which rows are left out of the comparison, in `lang` (none when
    /// every row is computed under both or neither).
    pub fn left_out(&self, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        if self.bad_after > 0 {
            let n = self.bad_after;
            out.push(match lang {
                Lang::En if n == 1 => {
                    "1 row ✗ under the variant is left out of the comparison".to_string()
                }
                Lang::En => format!("{n} rows ✗ under the variant are left out of the comparison"),
                Lang::Zh => format!("按对比规则无法计算的 {n} 行（✗）未计入对比"),
            });
        }
        if self.bad_before > 0 {
            let n = self.bad_before;
            out.push(match lang {
                Lang::En if n == 1 => {
                    "1 row not computed under the rules in force is left out of the comparison"
                        .to_string()
                }
                Lang::En => format!(
                    "{n} rows not computed under the rules in force are left out of the comparison"
                ),
                Lang::Zh => format!("按现行规则无法计算的 {n} 行未计入对比"),
            });
        }
        out
    }
}

/// A row's error as `roadsub compare` says it, without its place (the row is the one looked
/// at): `row has no rate of …`, `class "社道" is not a known road class …`.
pub fn said(e: &crate::table::RowError, rules: &RuleSet, lang: Lang) -> String {
    let m = e.render("", rules, lang);
    let place = format!(":{}: ", e.line);
    m.strip_prefix(&place)
        .map_or_else(|| m.clone(), str::to_string)
}

/// Adds `a` into `sum`, field by field (saturating, as a comparison's sums do).
pub fn add_into(sum: &mut Amounts, a: &Amounts) {
    if sum.funds.len() < a.funds.len() {
        sum.funds.resize(a.funds.len(), 0);
    }
    for (s, x) in sum.funds.iter_mut().zip(&a.funds) {
        *s = s.saturating_add(*x);
    }
    sum.subsidy_total = sum.subsidy_total.saturating_add(a.subsidy_total);
    sum.gap = sum.gap.saturating_add(a.gap);
    sum.shortfall = sum.shortfall.saturating_add(a.shortfall);
}

/// What a variant does to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowChange {
    /// The row cannot be computed under the variant's rules.
    BadAfter,
    /// The row cannot be computed under the rules in force (but can under the variant's).
    BadBefore,
    /// What changes, field by field ([`Amounts::change_to`]), in fen.
    Change(Amounts),
}

/// Fen of an amount kept to the fen.
fn fen(value: rust_decimal::Decimal) -> i128 {
    crate::money::units(value, 2).map_or(i128::MAX, i128::from)
}

/// Row `at`'s amounts in `results`, computed under the rules of `side`, when it is good.
fn row_amounts(results: &Results, funds: &Funds, side: Side, at: usize) -> Option<Amounts> {
    if !results.is_good(at) {
        return None;
    }
    let get = |c: Column| results.amount(at, c).map_or(0, fen);
    Some(Amounts {
        funds: (0..funds.len())
            .map(|i| funds.index(i, side).map_or(0, |f| get(Column::Paid(f))))
            .collect(),
        subsidy_total: get(Column::Subsidy),
        gap: get(Column::Gap),
        shortfall: get(Column::Shortfall),
    })
}

impl Variant {
    /// `rules` as a variant of `base` over `sheet`: every row computed under them.
    pub fn new(base: &RuleSet, rules: RuleSet, source: Source, sheet: &Sheet) -> Variant {
        let columns = sheet.columns.for_other_rules();
        let results = Results::new(&rules, &columns, sheet);
        Variant {
            funds: Funds::new(base, &rules),
            rules,
            columns,
            results,
            source,
            compared: Compared::default(),
        }
    }

    /// Works the compared totals out again over `rows` rows, `base` being the rows under the
    /// rules in force: each side's totals less the rows it alone computes. One pass over the
    /// rows' states; only the rows left out are read further.
    pub fn compare(&mut self, base: &Results, rows: usize) {
        let mut c = Compared {
            before: Amounts::of_totals(&self.funds, Side::Before, &base.summary.total),
            after: Amounts::of_totals(&self.funds, Side::After, &self.results.summary.total),
            bad_after: 0,
            bad_before: 0,
        };
        for at in 0..rows {
            let (side, results, total) = match (base.is_good(at), self.results.is_good(at)) {
                (true, false) => (Side::Before, base, &mut c.before),
                (false, true) => (Side::After, &self.results, &mut c.after),
                _ => continue,
            };
            if let Some(row) = row_amounts(results, &self.funds, side, at) {
                *total = row.change_to(total);
            }
            match side {
                Side::Before => c.bad_after += 1,
                Side::After => c.bad_before += 1,
            }
        }
        self.compared = c;
    }

    /// The totals compared, over the rows good under both rule sets.
    pub fn compared(&self) -> &Compared {
        &self.compared
    }

    /// Why row `at` of `sheet` cannot be computed under the variant, each reason starting
    /// `under the variant: ` as `roadsub compare` says it; none when it can.
    pub fn errors(&self, sheet: &Sheet, at: usize, lang: Lang) -> Vec<String> {
        if self.results.is_good(at) {
            return Vec::new();
        }
        match self.results.calc(&self.rules, &self.columns, sheet, at) {
            super::results::Calc::Bad(errors) => errors
                .iter()
                .map(|e| {
                    format!(
                        "{}{}",
                        crate::report::compare::whole::side_prefix(Side::After, lang),
                        said(e, &self.rules, lang)
                    )
                })
                .collect(),
            super::results::Calc::Good(_) => Vec::new(),
        }
    }

    /// What the variant does to row `at`, given the rows under the rules in force.
    pub fn row_change(&self, base: &Results, at: usize) -> RowChange {
        let Some(after) = row_amounts(&self.results, &self.funds, Side::After, at) else {
            return RowChange::BadAfter;
        };
        match row_amounts(base, &self.funds, Side::Before, at) {
            Some(before) => RowChange::Change(before.change_to(&after)),
            None => RowChange::BadBefore,
        }
    }

    /// The totals under the variant's rules.
    pub fn summary(&self) -> &crate::report::Summary {
        &self.results.summary
    }
}
