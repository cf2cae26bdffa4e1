//! One prorated envelope kept from edit to edit. When the rules' only allocating budget
//! prorates one envelope (not one per village), every edit of a row under it shares the whole
//! envelope out again over every row under it — hundreds of thousands in a large table. The
//! rows under it, what each asks and what each is paid are kept here side by side, so an edit
//! changes what the rows it touched ask, shares the envelope out again with
//! [`prorate_again`] (the same fen as [`prorate`](crate::report::allocate::prorate), found
//! mostly by checking each row's last share), and puts through the totals only the rows
//! whose share moved. Anything else — a row joining or leaving the envelope, a row inserted
//! or deleted, other budgets — goes the whole way ([`alloc::reallocate`](super::alloc)).

use super::alloc::{place_if_needed, Allocated};
use super::brief::{Briefs, CutChange, State};
use crate::money::Sum;
use crate::report::allocate::{prorate_again, Envelope, EnvelopeUse};
use crate::report::Summary;
use crate::rules::{ClassId, FundId, OnOverrun, RuleSet};
use crate::table::sheet::Sheet;
use crate::table::RowText;

/// How many rows that moved are brought into the cache together.
const WARM: usize = 32;

/// The rows under the one prorated envelope, in table order, as last shared out.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The budget (its place in the rules).
    budget: usize,
    /// The fund it pays from.
    fund: FundId,
    /// The class it is for, if one.
    class: Option<ClassId>,
    /// The envelope, fen.
    envelope: i128,
    /// The rows under it (a table's rows are numbered in 32 bits here: 4 bytes a row kept).
    members: Vec<u32>,
    /// What each asks, fen.
    asked: Vec<i64>,
    /// What each is paid, fen.
    shares: Vec<i64>,
    /// How many changes were shared out from what is kept since it was made.
    edits: u64,
}

/// The budget and fund of the one envelope that can be kept: the only allocating budget, when
/// it prorates one envelope.
fn eligible(briefs: &Briefs) -> Option<(usize, FundId)> {
    match briefs.allocating() {
        [cut] if cut.how == OnOverrun::Prorate && !cut.per_village => Some((cut.budget, cut.fund)),
        _ => None,
    }
}

impl Kept {
    /// The envelope as `briefs` hold it after a whole allocation, when it can be kept.
    pub fn of(rules: &RuleSet, briefs: &Briefs) -> Option<Kept> {
        let (budget, fund) = eligible(briefs)?;
        let mut kept = Kept {
            budget,
            fund,
            class: rules.budgets[budget].class,
            envelope: rules.meta.rounding.fen(rules.budgets[budget].envelope),
            members: Vec::new(),
            asked: Vec::new(),
            shares: Vec::new(),
            edits: 0,
        };
        for at in 0..briefs.len() {
            if kept.is_under(briefs, at) {
                let asked = briefs.uncut(at, fund);
                kept.members.push(u32::try_from(at).ok()?);
                kept.asked.push(asked);
                kept.shares.push(briefs.cut(at, 0).unwrap_or(asked));
            }
        }
        Some(kept)
    }

    /// How many changes were shared out from what is kept since it was made (not the whole
    /// way).
    pub fn edits(&self) -> u64 {
        self.edits
    }

    fn is_under(&self, briefs: &Briefs, at: usize) -> bool {
        briefs.state(at) == State::Good && self.class.is_none_or(|c| c == briefs.class(at))
    }

    /// Shares the envelope out again after the rows `touched` changed (none inserted or
    /// deleted), keeping the rows' cuts, `allocated` and `summary` current as a whole
    /// allocation would. `false`, with nothing changed, when it cannot: a row joined or left
    /// the envelope, or asks a negative amount.
    pub fn again(
        &mut self,
        rules: &RuleSet,
        sheet: &Sheet,
        briefs: &mut Briefs,
        summary: &mut Summary,
        allocated: &mut Allocated,
        touched: &[usize],
    ) -> bool {
        if eligible(briefs) != Some((self.budget, self.fund)) {
            return false;
        }
        let mut asks = Vec::with_capacity(touched.len());
        for &at in touched {
            if at >= briefs.len() {
                return false;
            }
            let key = u32::try_from(at).unwrap_or(u32::MAX);
            match (self.members.binary_search(&key), self.is_under(briefs, at)) {
                (Ok(k), true) => {
                    let asked = briefs.uncut(at, self.fund);
                    if asked < 0 {
                        return false;
                    }
                    asks.push((k, asked));
                }
                (Err(_), false) => {}
                _ => return false,
            }
        }
        for &(k, asked) in &asks {
            self.asked[k] = asked;
        }
        // The rows whose share moved, in order, and the rows touched (few) among them.
        let mut moved: Vec<usize> = Vec::new();
        if prorate_again(&self.asked, self.envelope, &mut self.shares, |k| {
            moved.push(k)
        })
        .is_err()
        {
            // Not reached: every amount was checked above. The whole way builds it anew.
            return false;
        }
        for &(k, _) in &asks {
            if let Err(at) = moved.binary_search(&k) {
                moved.insert(at, k);
            }
        }
        // A row's cut changes only amounts that are summed, so the changes of every row are
        // added up (per class: budgets may be for one) and put in the totals once — unless a
        // budget on a fund is per village (its villages' sums change row by row).
        let summed = summary.groupings.is_empty()
            && !rules
                .budgets
                .iter()
                .any(|b| b.per_village && b.fund().is_some());
        let mut changes = vec![CutChange::default(); rules.classes.len()];
        // Otherwise the totals take out what each row that changed was, and add what it is now.
        let (mut seg, mut b) = super::brief::blank();
        // Each row that moved is far from the last in memory, and waiting for each in turn is
        // most of an edit's time: the rows of a batch are read first, all at once.
        let mut warm = 0;
        for (j, &k) in moved.iter().enumerate() {
            if j % WARM == 0 {
                for &ahead in moved[j..].iter().take(WARM) {
                    warm ^= briefs.warm(self.members[ahead] as usize);
                }
                std::hint::black_box(warm);
            }
            let at = self.members[k] as usize;
            let old = briefs.cut(at, 0);
            let (share, asked) = (self.shares[k], self.asked[k]);
            let new = (share < asked).then_some(share);
            if old == new {
                continue;
            }
            // The one allocating budget's cut is the row's only one.
            let before = [briefs.cuts(at)[0]];
            match new {
                Some(to) => briefs.set_cut(at, self.budget, to),
                None => briefs.clear_cuts(at),
            }
            if summed {
                if let Some(change) = changes.get_mut(briefs.class(at)) {
                    if briefs.cut_change(at, &before, briefs.cuts(at), change) {
                        continue;
                    }
                }
            }
            let (township, village) = place_if_needed(rules, sheet, at);
            let text = RowText {
                id: "",
                township,
                village,
            };
            if briefs.for_totals_into(at, &before, &mut seg, &mut b) {
                let _ = summary.remove(rules, &seg, &text, &b);
            }
            if briefs.for_totals_into(at, briefs.cuts(at), &mut seg, &mut b) {
                let _ = summary.add(rules, &seg, &text, &b);
            }
        }
        for (class, change) in changes.iter().enumerate() {
            add_change(rules, briefs, summary, class, change);
        }
        let uses = &mut allocated.uses[self.budget];
        uses.clear();
        if !self.members.is_empty() {
            let demand: i128 = self.asked.iter().map(|&a| i128::from(a)).sum();
            uses.insert(
                Envelope::Whole,
                EnvelopeUse {
                    asked: demand,
                    envelope: self.envelope,
                    paid: demand.min(self.envelope),
                    cut_rows: Vec::new(),
                },
            );
        }
        allocated.error = None;
        self.edits += 1;
        true
    }
}

/// Puts in `summary` what cuts changed of the rows of `class` ([`CutChange`]): in the totals,
/// and in the use of each budget on a fund those rows fall under (what it paid, what its cuts
/// took, what the villages raise for it), as [`Summary::add`] counts them row by row.
fn add_change(
    rules: &RuleSet,
    briefs: &Briefs,
    summary: &mut Summary,
    class: ClassId,
    change: &CutChange,
) {
    fn put(sum: &mut Sum<2>, fen: i128) {
        if fen != 0 {
            if let Ok(value) = rust_decimal::Decimal::try_from_i128_with_scale(fen, 2) {
                let _ = sum.add(value);
            }
        }
    }
    let t = &mut summary.total;
    for (sum, &fen) in t.paid.iter_mut().zip(&change.paid) {
        put(sum, fen);
    }
    put(&mut t.subsidy_total, change.subsidy);
    put(&mut t.gap, change.gap);
    put(&mut t.shortfall, change.shortfall);
    put(&mut t.surplus, change.surplus);
    put(&mut t.due, change.due);
    put(&mut t.outstanding, change.outstanding);
    for (at, (budget, used)) in rules.budgets.iter().zip(&mut summary.budgets).enumerate() {
        if budget.class.is_some_and(|c| c != class) {
            continue;
        }
        let Some(f) = budget.fund() else { continue };
        let mut paid = change.paid.get(f).copied().unwrap_or(0);
        let (mut cut_back, mut raised) = (0, 0);
        for (cut, &(took, more)) in briefs.allocating().iter().zip(&change.cuts) {
            // As the budget lines count a row's notes: a later budget's cut of the same fund
            // is paid by this one; its own cut is what it took.
            if cut.fund == f && cut.budget > at {
                paid += took;
            }
            if cut.fund == f && cut.budget == at {
                cut_back += took;
            }
            if cut.budget == at {
                raised += more;
            }
        }
        put(&mut used.whole.used, paid);
        put(&mut used.whole.cut_back, cut_back);
        put(&mut used.whole.raised, raised);
    }
}
