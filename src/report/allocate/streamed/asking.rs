//! What a counting pass needs of a record: whether the pass that writes will take it as a good
//! row, and then its segment and amounts, for less than the full judgement of a record
//! (`table::row::evaluate`). Only good rows ask anything of an envelope, so a counting pass
//! can leave out whatever only tells the kinds of rows that are not good apart, or says why:
//!
//! - a record whose class is under no allocating budget asks nothing of any, good or not: it
//!   is not parsed at all (its class is read as `parse` reads it);
//! - a record with a repeated id is never good: nothing more is read of it;
//! - a totals row (合计) or a note row (备注…) is not good, and neither is ever parsed into a
//!   segment: both leave blank at least one of the id, township, village, class and width a
//!   segment needs, so `parse` already turns them away without the two checks; a row whose
//!   id says 合计 or 小计 and gives all of those is refused (`row::totals_in_the_id`), asked
//!   here as it is there;
//! - the two checks made after the computation (an amount approved above its ceiling, more
//!   paid out than the subsidy) are asked as yes or no, without their messages.
//!
//! The segment and the breakdown's shares and subsidy are those of the full evaluation (the
//! same `parse`, and `engine::shares_into`, which leaves out what follows from the shares
//! when it cannot fail): `tests` pins both the verdict and the amounts to `evaluate`.

use crate::engine::{Breakdown, Segment};
use crate::money;
use crate::rules::RuleSet;
use crate::table::csv::Record;
use crate::table::row::{self, RowError, RowText};
use crate::table::{Columns, Field};

/// The classes a plan's budgets are over, for reading only the records that can ask of them.
#[derive(Debug, Clone)]
pub struct Asking {
    /// By class: whether some allocating budget is over it; `None` when every class is.
    covered: Option<Vec<bool>>,
}

impl Asking {
    /// For the allocating budgets over `classes` (`None`: every class) of `rules`.
    pub fn new(rules: &RuleSet, classes: impl IntoIterator<Item = Option<usize>>) -> Asking {
        let mut covered = vec![false; rules.classes.len()];
        for class in classes {
            match class {
                None => return Asking { covered: None },
                Some(c) => {
                    if let Some(slot) = covered.get_mut(c) {
                        *slot = true;
                    }
                }
            }
        }
        let every = covered.iter().all(|&c| c);
        Asking {
            covered: (!every).then_some(covered),
        }
    }

    /// The record's segment and breakdown (into `breakdown`) when the full evaluation takes
    /// it as a good row under some budget's class; `None` when it asks nothing of any budget.
    /// `errors` is scratch space.
    pub fn good<'a>(
        &self,
        record: &Record<'a>,
        columns: &Columns,
        rules: &RuleSet,
        duplicate_id: bool,
        errors: &mut Vec<RowError>,
        breakdown: &mut Breakdown,
    ) -> Option<(Segment, RowText<'a>)> {
        if duplicate_id || row::totals_in_the_id(record, columns).is_some() {
            return None;
        }
        if let Some(covered) = &self.covered {
            // Read as `parse` reads it: a blank or unknown class is no good row.
            let class = columns
                .index(Field::Class)
                .and_then(|i| record.get(i))
                .map(money::trim)
                .filter(|v| !v.is_empty())
                .and_then(|v| rules.class_by_name(v))?;
            if !covered.get(class).copied().unwrap_or(false) {
                return None;
            }
        }
        errors.clear();
        let (segment, text) = row::parse(record, columns, rules, errors)?;
        if !errors.is_empty() {
            return None;
        }
        // Only the shares and the subsidy are read: what follows from them is not worked
        // out when it cannot fail.
        crate::engine::shares_into(rules, &segment, breakdown).ok()?;
        (!judged_bad(rules, &segment, breakdown)).then_some((segment, text))
    }
}

/// Whether the checks on the computed amounts refuse the row: an amount approved above the
/// ceiling of a fund paid "up to" a rate, or more paid out than the subsidy.
fn judged_bad(rules: &RuleSet, segment: &Segment, breakdown: &Breakdown) -> bool {
    let above_ceiling = segment.approved.iter().any(|&(fund, approved)| {
        rules.funds[fund].up_to
            && breakdown
                .shares
                .get(fund)
                .is_none_or(|s| approved > s.nominal)
    });
    let over_paid = segment
        .disbursed
        .is_some_and(|paid| paid > breakdown.subsidy_total);
    above_ceiling || over_paid
}

#[cfg(test)]
mod props;
