//! Budgets applied to a whole table at once (SPEC §8): for each budget in file order, the rows
//! under each of its envelopes, what they ask of it, and what each is paid. The interactive
//! table allocates this way on every edit, and it is the reference a batch run's streaming
//! allocation is tested against: both call the same [`prorate`]/[`in_order`] arithmetic and
//! the same [`engine::cut`](crate::engine::cut).

use std::collections::BTreeMap;

use super::{in_order, prorate, AllocError};
use crate::engine::{Breakdown, BudgetCut, Segment};
use crate::money;
use crate::rules::{Budget, ClassId, Draw, FundId, OnOverrun, RuleSet};

/// Which envelope of a budget a row falls in: the budget's only one, or its village's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Envelope {
    /// The budget's one envelope.
    Whole,
    /// A village's own envelope of a budget per village.
    Village {
        /// 乡镇.
        township: String,
        /// 村.
        village: String,
    },
}

impl Envelope {
    /// The envelope of `budget` a row of `class` in `township`/`village` falls in, if any.
    pub fn of(budget: &Budget, class: ClassId, township: &str, village: &str) -> Option<Self> {
        if budget.class.is_some_and(|c| c != class) {
            return None;
        }
        Some(if budget.per_village {
            Envelope::Village {
                township: township.to_string(),
                village: village.to_string(),
            }
        } else {
            Envelope::Whole
        })
    }
}

/// The rows a table allocation works on: what [`allocate`] reads of each row, and how it
/// cuts one. Rows are numbered 0.. in input order.
pub trait Rows {
    /// How many rows (bad rows included: they are never under a budget).
    fn len(&self) -> usize;
    /// Whether there are no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether row `i` is computed (only computed rows fall under budgets).
    fn is_good(&self, i: usize) -> bool;
    /// Row `i`'s class.
    fn class(&self, i: usize) -> ClassId;
    /// Row `i`'s township and village.
    fn place(&self, i: usize) -> (&str, &str);
    /// Row `i`'s priority under an `in_order` budget, when it has one.
    fn priority(&self, i: usize) -> Option<i64>;
    /// What fund `fund` pays row `i` now (after the cuts of earlier budgets), in fen.
    fn paid(&self, i: usize, fund: FundId) -> i128;
    /// Pays fund `cut.fund` of row `i` only `to` fen ([`crate::engine::cut`]).
    fn cut(&mut self, i: usize, cut: BudgetCut, to: i128) -> Result<(), AllocError>;
}

/// What one envelope was asked and paid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvelopeUse {
    /// Σ asked of it by the rows under it, fen (D).
    pub asked: i128,
    /// The envelope, fen (E).
    pub envelope: i128,
    /// Σ paid from it, fen: min(D, E) when the budget allocates, D when it only reports — as
    /// the rows stand after it, before any later budget over the same fund cuts them again
    /// (each budget sees what the budgets before it left, SPEC §8). The budget lines of the
    /// summary (`report::budget::lines`) say the same.
    pub paid: i128,
    /// The rows paid less than they asked, in input order.
    pub cut_rows: Vec<usize>,
}

impl EnvelopeUse {
    /// Whether the rows asked more than the envelope holds.
    pub fn is_short(&self) -> bool {
        self.asked > self.envelope
    }
}

/// Every budget's envelopes after allocation, in rules order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allocation {
    /// Per budget, its envelopes by township and village.
    pub budgets: Vec<BTreeMap<Envelope, EnvelopeUse>>,
}

/// Whether `budget` changes what a fund pays (it allocates and is drawn on a fund).
pub fn allocates(budget: &Budget) -> Option<FundId> {
    match (budget.draw, budget.on_overrun) {
        (_, OnOverrun::Report) => None,
        (Draw::Fund(f), _) => Some(f),
        (Draw::Source(_), _) => None,
    }
}

/// The budgets of `rules` in the order a streaming run must decide them: each level's
/// budgets can have their totals added up in one pass over the input, given the cuts of the
/// levels before it. A budget waits for an earlier allocating budget of the same fund whose
/// rows may be its rows too (the same class, or either for every class): it allocates what
/// that one left (SPEC §8: budgets apply in file order).
pub fn levels(rules: &RuleSet) -> Vec<Vec<usize>> {
    let mut level_of: Vec<usize> = Vec::with_capacity(rules.budgets.len());
    for (b, budget) in rules.budgets.iter().enumerate() {
        let fund = match budget.draw {
            Draw::Fund(f) => Some(f),
            Draw::Source(_) => None,
        };
        let level = rules.budgets[..b]
            .iter()
            .zip(&level_of)
            .filter(|(earlier, _)| {
                allocates(earlier).is_some()
                    && fund.is_some()
                    && earlier.fund() == fund
                    && match (earlier.class, budget.class) {
                        (Some(a), Some(c)) => a == c,
                        _ => true,
                    }
            })
            .map(|(_, &l)| l + 1)
            .max()
            .unwrap_or(0);
        level_of.push(level);
    }
    let depth = level_of.iter().max().map_or(0, |&l| l + 1);
    let mut levels = vec![Vec::new(); depth];
    for (b, &l) in level_of.iter().enumerate() {
        levels[l].push(b);
    }
    levels
}

/// Applies every budget of `rules` to `rows`, in file order (SPEC §8), and says what each
/// envelope was asked and paid. A budget that only reports changes nothing; its envelopes
/// are measured all the same (after the cuts of budgets before it).
pub fn allocate(rules: &RuleSet, rows: &mut impl Rows) -> Result<Allocation, AllocError> {
    let mut out = Allocation::default();
    for (b, budget) in rules.budgets.iter().enumerate() {
        let mut envelopes: BTreeMap<Envelope, Vec<usize>> = BTreeMap::new();
        for i in 0..rows.len() {
            if !rows.is_good(i) {
                continue;
            }
            let (township, village) = rows.place(i);
            if let Some(e) = Envelope::of(budget, rows.class(i), township, village) {
                envelopes.entry(e).or_default().push(i);
            }
        }
        let envelope = rules.meta.rounding.fen(budget.envelope);
        let mut uses = BTreeMap::new();
        for (key, members) in envelopes {
            let asked: Vec<i128> = match budget.draw {
                Draw::Fund(f) => members.iter().map(|&i| rows.paid(i, f)).collect(),
                // A source budget measures the plan's own money; the caller's totals hold it.
                Draw::Source(_) => Vec::new(),
            };
            let demand = asked
                .iter()
                .try_fold(0i128, |s, &p| s.checked_add(p))
                .ok_or(AllocError::Overflow)?;
            let mut use_ = EnvelopeUse {
                asked: demand,
                envelope,
                paid: demand,
                cut_rows: Vec::new(),
            };
            if let (Some(fund), true) = (allocates(budget), demand > envelope) {
                let paid = match budget.on_overrun {
                    OnOverrun::InOrder => {
                        let with: Vec<(Option<i64>, i128)> = members
                            .iter()
                            .zip(&asked)
                            .map(|(&i, &p)| (rows.priority(i), p))
                            .collect();
                        in_order(&with, envelope)?
                    }
                    _ => prorate(&asked, envelope)?,
                };
                let cut = BudgetCut {
                    fund,
                    budget: b,
                    per_village: budget.per_village,
                    how: budget.on_overrun,
                    asked: money::from_fen(demand).ok_or(AllocError::Overflow)?,
                    envelope: budget.envelope,
                };
                for ((&i, &p), &a) in members.iter().zip(&asked).zip(&paid) {
                    if a < p {
                        rows.cut(i, cut, a)?;
                        use_.cut_rows.push(i);
                    }
                }
                use_.paid = paid.iter().sum();
            }
            uses.insert(key, use_);
        }
        out.budgets.push(uses);
    }
    Ok(out)
}

/// Rows held whole in memory, each with its segment and breakdown: the plainest [`Rows`].
#[derive(Debug, Clone)]
pub struct Held<'r> {
    /// The rules the rows were computed under.
    pub rules: &'r RuleSet,
    /// The rows, in input order.
    pub rows: Vec<HeldRow>,
}

/// One row of [`Held`].
#[derive(Debug, Clone)]
pub struct HeldRow {
    /// 乡镇.
    pub township: String,
    /// 村.
    pub village: String,
    /// The segment and its breakdown, when the row computes.
    pub computed: Option<(Segment, Breakdown)>,
}

impl Rows for Held<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn is_good(&self, i: usize) -> bool {
        self.rows[i].computed.is_some()
    }

    fn class(&self, i: usize) -> ClassId {
        self.rows[i].computed.as_ref().map_or(0, |(s, _)| s.class)
    }

    fn place(&self, i: usize) -> (&str, &str) {
        (&self.rows[i].township, &self.rows[i].village)
    }

    fn priority(&self, i: usize) -> Option<i64> {
        self.rows[i].computed.as_ref().and_then(|(s, _)| s.priority)
    }

    fn paid(&self, i: usize, fund: FundId) -> i128 {
        self.rows[i].computed.as_ref().map_or(0, |(_, b)| {
            self.rules.meta.rounding.fen(b.shares[fund].paid)
        })
    }

    fn cut(&mut self, i: usize, cut: BudgetCut, to: i128) -> Result<(), AllocError> {
        let rules = self.rules;
        if let Some((segment, breakdown)) = self.rows[i].computed.as_mut() {
            crate::engine::cut(rules, segment, breakdown, cut, to)
                .map_err(|_| AllocError::Overflow)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
