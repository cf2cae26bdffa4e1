//! Both sides' totals of a comparison's groups, held compact while the rows are added up.
//!
//! A million rows fall into some 187,307 villages, met in no order: each row adds to its
//! village's totals on both sides, and those totals are memory the row's core has not touched
//! for a while. As [`Totals`] (sums of 128 bits, funds in a small vector) a village's two
//! sides were some 600 bytes, ten lines of cache to fetch a row; here they are 256 bytes,
//! four or five lines, each side's sums in 64 bits and its counts in 32. A group whose sum or
//! count would leave that range is made exact instead ([`Totals`], kept apart): its tallies
//! are marked spent (no row is added to them again) and it goes on in 128 bits, so a total
//! is never cut short and the rows are never read a second time for it (a table from a pipe
//! cannot be). Only a sum beyond 128 bits is an overflow, as everywhere else.

use super::{Amounts, Funds, Side};
use crate::money::{Sum, SumError};
use crate::report::summary::{RowPart, SumOverflow, Totals};
use crate::rules::FundId;

/// Funds whose paid amounts a tally holds itself; those of more are kept apart.
const INLINE_FUNDS: usize = 3;

/// One side's totals of one group: [`Totals`] in 64-bit sums (fen, µkm) and 32-bit counts,
/// 128 bytes. Aligned no more than its fields are: a vector of a type aligned beyond what the
/// allocator gives is copied whole each time it grows, where a vector of this one is moved by
/// the system, page by page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
struct Tally {
    planned_km: i64,
    completed_km: i64,
    cost: i64,
    paid: [i64; INLINE_FUNDS],
    subsidy_total: i64,
    gap: i64,
    sources: i64,
    shortfall: i64,
    surplus: i64,
    due: i64,
    disbursed: i64,
    outstanding: i64,
    segments: u32,
    due_rows: u32,
    disbursed_rows: u32,
    implausible: u32,
}

const _: () = assert!(std::mem::size_of::<Tally>() == 128);

/// One row's part ([`RowPart`]) in 64 bits.
#[derive(Debug, Clone, Copy, Default)]
struct Part {
    length: i64,
    completed: Option<i64>,
    cost: i64,
    subsidy: i64,
    gap: i64,
    shortfall: i64,
    sources: i64,
    surplus: Option<i64>,
    due: Option<i64>,
    disbursed: Option<i64>,
    outstanding: Option<i64>,
    warns: bool,
}

/// One row as the tallies add it: each side's part and its funds' paid amounts in 64 bits.
#[derive(Debug, Clone)]
pub(super) struct RowTally {
    parts: [Part; 2],
    /// Each side's paid amounts of its first [`INLINE_FUNDS`] funds.
    paid: [[i64; INLINE_FUNDS]; 2],
    /// The paid amounts of the funds after those, as a group keeps them apart (empty when
    /// neither side has more).
    beyond: Vec<i64>,
    /// A row some amount of which leaves 64 bits: each side's part and paid amounts as
    /// given, added to exact totals only.
    exact: Option<Box<Given>>,
}

/// A row's part and paid amounts on each side, as given.
type Given = [(RowPart, Vec<i128>); 2];

/// An amount in 64 bits, or an overflow.
fn narrow(units: i128) -> Result<i64, SumOverflow> {
    i64::try_from(units).map_err(|_| SumOverflow)
}

impl Part {
    /// The row's part in 128 bits again, as the exact totals add it.
    fn wide(&self) -> RowPart {
        let wide = |v: Option<i64>| v.map(i128::from);
        RowPart {
            length: self.length.into(),
            completed: wide(self.completed),
            cost: self.cost.into(),
            subsidy: self.subsidy.into(),
            gap: self.gap.into(),
            shortfall: self.shortfall.into(),
            sources: self.sources.into(),
            due: wide(self.due),
            disbursed: wide(self.disbursed),
            outstanding: wide(self.outstanding),
            warns: self.warns,
        }
    }

    fn of(part: &RowPart) -> Result<Part, SumOverflow> {
        let opt = |v: Option<i128>| v.map(narrow).transpose();
        Ok(Part {
            length: narrow(part.length)?,
            completed: opt(part.completed)?,
            cost: narrow(part.cost)?,
            subsidy: narrow(part.subsidy)?,
            gap: narrow(part.gap)?,
            shortfall: narrow(part.shortfall)?,
            sources: narrow(part.sources)?,
            surplus: match part.sources > part.gap {
                true => Some(narrow(part.sources - part.gap)?),
                false => None,
            },
            due: opt(part.due)?,
            disbursed: opt(part.disbursed)?,
            outstanding: opt(part.outstanding)?,
            warns: part.warns,
        })
    }
}

/// The count of a tally whose group is exact ([`Tallies`]'s `exact`): no row can be added to
/// it again, a count at its most.
const SPENT: u32 = u32::MAX;

impl Tally {
    /// Adds a row's part, its first funds' paid amounts `paid` (what [`Totals::add_part`]
    /// adds), or takes it away again when `undo`, each sum and count wrapping: whether one
    /// of them wrapped. A row added and then taken away leaves every sum as it was, wrapped
    /// or not, so a row that does not fit is undone without a copy of the tally kept for it.
    #[inline(always)]
    fn apply(&mut self, p: &Part, paid: &[i64], undo: bool) -> bool {
        let mut wrapped = false;
        let mut add = |sum: &mut i64, v: i64| wrapped |= wrap(sum, v, undo);
        add(&mut self.planned_km, p.length);
        if let Some(done) = p.completed {
            add(&mut self.completed_km, done);
        }
        add(&mut self.cost, p.cost);
        for (sum, &fen) in self.paid.iter_mut().zip(paid) {
            add(sum, fen);
        }
        add(&mut self.subsidy_total, p.subsidy);
        add(&mut self.gap, p.gap);
        add(&mut self.shortfall, p.shortfall);
        add(&mut self.sources, p.sources);
        if let Some(surplus) = p.surplus {
            add(&mut self.surplus, surplus);
        }
        if let Some(due) = p.due {
            add(&mut self.due, due);
        }
        if let Some(paid) = p.disbursed {
            add(&mut self.disbursed, paid);
        }
        if let Some(left) = p.outstanding {
            add(&mut self.outstanding, left);
        }
        let mut count = |count: &mut u32, yes: bool| {
            let (to, over) = match undo {
                false => count.overflowing_add(u32::from(yes)),
                true => count.overflowing_sub(u32::from(yes)),
            };
            *count = to;
            wrapped |= over;
        };
        count(&mut self.segments, true);
        count(&mut self.due_rows, p.due.is_some());
        count(&mut self.disbursed_rows, p.disbursed.is_some());
        count(&mut self.implausible, p.warns);
        wrapped
    }

    /// Adds another tally of the same group (what [`Totals::merge`] adds), or takes it away
    /// again when `undo`, as [`Tally::apply`] adds a row: whether some sum or count wrapped.
    #[inline(always)]
    fn combine(&mut self, o: &Tally, undo: bool) -> bool {
        let mut wrapped = false;
        let sums = [
            (&mut self.planned_km, o.planned_km),
            (&mut self.completed_km, o.completed_km),
            (&mut self.cost, o.cost),
            (&mut self.subsidy_total, o.subsidy_total),
            (&mut self.gap, o.gap),
            (&mut self.sources, o.sources),
            (&mut self.shortfall, o.shortfall),
            (&mut self.surplus, o.surplus),
            (&mut self.due, o.due),
            (&mut self.disbursed, o.disbursed),
            (&mut self.outstanding, o.outstanding),
        ];
        let paid = self.paid.iter_mut().zip(o.paid);
        for (sum, theirs) in sums.into_iter().chain(paid) {
            wrapped |= wrap(sum, theirs, undo);
        }
        for (count, theirs) in [
            (&mut self.segments, o.segments),
            (&mut self.due_rows, o.due_rows),
            (&mut self.disbursed_rows, o.disbursed_rows),
            (&mut self.implausible, o.implausible),
        ] {
            let (to, over) = match undo {
                false => count.overflowing_add(theirs),
                true => count.overflowing_sub(theirs),
            };
            *count = to;
            wrapped |= over;
        }
        wrapped
    }
}

/// Adds something to `target` by `apply` (given `undo` false), every sum wrapping; when one
/// wrapped, takes all of it away again by the same wrapping (`undo` true), which leaves every
/// sum as it was: whether it was added.
#[inline(always)]
fn all_or_nothing<T>(target: &mut T, mut apply: impl FnMut(&mut T, bool) -> bool) -> bool {
    if apply(target, false) {
        apply(target, true);
        return false;
    }
    true
}

/// Each of `sums` plus (minus, when `undo`) its part of `parts`, wrapping: whether one wrapped.
#[inline(always)]
fn wrap_all(sums: &mut [i64], parts: &[i64], undo: bool) -> bool {
    let mut wrapped = false;
    for (sum, &v) in sums.iter_mut().zip(parts) {
        wrapped |= wrap(sum, v, undo);
    }
    wrapped
}

/// `sum + v` (`sum − v` when `undo`), wrapping: whether it wrapped.
#[inline(always)]
fn wrap(sum: &mut i64, v: i64, undo: bool) -> bool {
    let (to, over) = match undo {
        false => sum.overflowing_add(v),
        true => sum.overflowing_sub(v),
    };
    *sum = to;
    over
}

/// A sum of `DP` decimals holding `units`.
fn sum<const DP: u32>(units: i64) -> Sum<DP> {
    let mut sum = Sum::default();
    // An i64 always fits the 128 bits of a sum.
    let _ = sum.add_units(i128::from(units), false);
    sum
}

/// Both sides' totals of every group, each group's place given by [`Tallies::push`].
#[derive(Debug, Clone)]
pub(super) struct Tallies {
    /// Each group's tallies, before and after.
    sums: Vec<[Tally; 2]>,
    /// Each group's paid amounts of the funds after the first [`INLINE_FUNDS`], `stride` a
    /// group: those of the side before, then those of the side after.
    more: Vec<i64>,
    /// How many funds each side has.
    funds: [usize; 2],
    /// The groups made exact (a sum or count of theirs would have left 64 bits), both sides,
    /// by place; their tallies are spent.
    exact: foldhash::HashMap<usize, [Totals; 2]>,
}

impl Tallies {
    /// No groups yet, for sides of `funds` funds (before, after).
    pub(super) fn new(funds: [usize; 2]) -> Tallies {
        Tallies {
            sums: Vec::new(),
            more: Vec::new(),
            funds,
            exact: Default::default(),
        }
    }

    /// The paid amounts a group keeps apart on the side before (the side after's follow).
    fn extra(&self) -> [usize; 2] {
        self.funds.map(|n| n.saturating_sub(INLINE_FUNDS))
    }

    fn stride(&self) -> usize {
        let [b, a] = self.extra();
        b + a
    }

    /// A new group, its totals zero: its place.
    pub(super) fn push(&mut self) -> usize {
        self.sums.push(Default::default());
        let stride = self.stride();
        self.more.resize(self.more.len() + stride, 0);
        self.sums.len() - 1
    }

    /// How many groups there are.
    pub(super) fn len(&self) -> usize {
        self.sums.len()
    }

    /// One row's part on each side in 64 bits, `rows` its part and its funds' paid amounts
    /// in fen on each side: what [`Tallies::add_row`] adds (kept as given when an amount
    /// leaves 64 bits). An error only for an amount with more decimals than a sum keeps, or
    /// more paid amounts than the side has funds.
    pub(super) fn row<P>(&self, rows: [(&RowPart, P); 2]) -> Result<RowTally, SumOverflow>
    where
        P: ExactSizeIterator<Item = Result<i128, SumError>> + Clone,
    {
        let mut row = RowTally {
            parts: [Part::default(), Part::default()],
            paid: [[0; INLINE_FUNDS]; 2],
            beyond: Vec::new(),
            exact: None,
        };
        let mut narrow_enough = true;
        for (side, (part, paid)) in rows.iter().enumerate() {
            if paid.len() > self.funds[side] {
                return Err(SumOverflow);
            }
            match Part::of(part) {
                Ok(p) => row.parts[side] = p,
                Err(_) => narrow_enough = false,
            }
            for (f, units) in paid.clone().enumerate() {
                let Ok(units) = narrow(units?) else {
                    narrow_enough = false;
                    continue;
                };
                match row.paid[side].get_mut(f) {
                    Some(at) => *at = units,
                    None => row.beyond.push(units),
                }
            }
            // Each side's amounts where a group keeps them (a row giving fewer than its side
            // has funds adds nothing to the others).
            let end = if side == 0 {
                self.extra()[0]
            } else {
                self.stride()
            };
            row.beyond.resize(end, 0);
        }
        if !narrow_enough {
            // Kept as given, the amounts read again.
            let [(pb, fb), (pa, fa)] = rows;
            let given = [
                (*pb, fb.collect::<Result<_, _>>()?),
                (*pa, fa.collect::<Result<_, _>>()?),
            ];
            row.exact = Some(Box::new(given));
        }
        Ok(row)
    }

    /// Adds a row ([`Tallies::row`]) to the groups at `groups` (a township and a village):
    /// to a group's tallies when every sum and count stays within them (all of the row or
    /// none of it), else to its exact totals, the group made exact first. An error only
    /// when an exact sum leaves 128 bits.
    #[inline]
    pub(super) fn add_row(
        &mut self,
        groups: [usize; 2],
        row: &RowTally,
    ) -> Result<(), SumOverflow> {
        for group in groups {
            if row.exact.is_some() || !self.try_add(group, row) {
                self.add_exact(group, row)?;
            }
        }
        Ok(())
    }

    /// Adds `row` to the tallies of the group at `group`, or leaves them as they were and
    /// says false when some sum or count would leave them (or they are spent).
    #[inline(always)]
    fn try_add(&mut self, group: usize, row: &RowTally) -> bool {
        let stride = self.stride();
        let funds = self.funds.map(|n| n.min(INLINE_FUNDS));
        all_or_nothing(self, |tallies, undo| {
            let [b, a] = &mut tallies.sums[group];
            let mut wrapped = b.apply(&row.parts[0], &row.paid[0][..funds[0]], undo);
            wrapped |= a.apply(&row.parts[1], &row.paid[1][..funds[1]], undo);
            if stride > 0 {
                let more = &mut tallies.more[group * stride..][..stride];
                wrapped |= wrap_all(more, &row.beyond, undo);
            }
            wrapped
        })
    }

    /// The exact totals of the group at `group`, made from its tallies (then spent) the
    /// first time.
    fn exact_of(&mut self, group: usize) -> &mut [Totals; 2] {
        if !self.exact.contains_key(&group) {
            let made = [self.totals(group, 0), self.totals(group, 1)];
            for tally in &mut self.sums[group] {
                tally.segments = SPENT;
            }
            self.exact.insert(group, made);
        }
        self.exact.entry(group).or_default()
    }

    /// Adds `row` to the exact totals of the group at `group`.
    fn add_exact(&mut self, group: usize, row: &RowTally) -> Result<(), SumOverflow> {
        let given = match &row.exact {
            Some(given) => (**given).clone(),
            None => [0, 1].map(|side| (row.parts[side].wide(), self.paid_of(row, side))),
        };
        let exact = self.exact_of(group);
        for (totals, (part, paid)) in exact.iter_mut().zip(&given) {
            totals.add_part(part, paid.iter().map(|&fen| Ok(fen)), false)?;
        }
        Ok(())
    }

    /// A row's paid amounts on `side`, all its side's funds, in 128 bits.
    fn paid_of(&self, row: &RowTally, side: usize) -> Vec<i128> {
        let offset = if side == 0 { 0 } else { self.extra()[0] };
        let beyond = &row.beyond[offset..][..self.extra()[side]];
        let inline = &row.paid[side][..self.funds[side].min(INLINE_FUNDS)];
        inline
            .iter()
            .chain(beyond)
            .map(|&fen| i128::from(fen))
            .collect()
    }

    /// Groups whose only totals are their rows' counts, `segments` a group (before, after).
    #[cfg(test)]
    pub(super) fn counted(segments: &[[u32; 2]]) -> Tallies {
        let mut t = Tallies::new([0, 0]);
        for &[b, a] in segments {
            let at = t.push();
            t.sums[at][0].segments = b;
            t.sums[at][1].segments = a;
        }
        t
    }

    /// Asks for the group at `at`'s tallies to be brought near, before they are added to.
    #[inline(always)]
    pub(super) fn prefetch(&self, at: usize) {
        if let Some(t) = self.sums.get(at) {
            super::groups::prefetch(t);
        }
    }

    /// Every group, as one run (see [`Run`]).
    pub(super) fn whole(&mut self) -> Run<'_> {
        let stride = self.stride();
        Run {
            base: 0,
            sums: &mut self.sums,
            more: &mut self.more,
            stride,
        }
    }

    /// One side's totals of the group at `at` (0 the side before, 1 the side after).
    pub(super) fn totals(&self, at: usize, side: usize) -> Totals {
        if let Some(exact) = self.exact.get(&at) {
            return exact[side].clone();
        }
        let t = &self.sums[at][side];
        let offset = if side == 0 { 0 } else { self.extra()[0] };
        let more = &self.more[at * self.stride() + offset..][..self.extra()[side]];
        let paid = t.paid.iter().take(self.funds[side]).chain(more);
        Totals {
            segments: u64::from(t.segments),
            planned_km: sum(t.planned_km),
            completed_km: sum(t.completed_km),
            cost: sum(t.cost),
            paid: paid.map(|&fen| sum(fen)).collect(),
            subsidy_total: sum(t.subsidy_total),
            gap: sum(t.gap),
            sources: sum(t.sources),
            shortfall: sum(t.shortfall),
            surplus: sum(t.surplus),
            due: sum(t.due),
            disbursed: sum(t.disbursed),
            outstanding: sum(t.outstanding),
            due_rows: u64::from(t.due_rows),
            disbursed_rows: u64::from(t.disbursed_rows),
            implausible: u64::from(t.implausible),
        }
    }
}

impl Tallies {
    /// What [`Amounts::of_totals`] makes of [`Tallies::totals`] of the group at `at` on
    /// `side` (0 the side before, 1 the side after), with its count of segments, the totals
    /// not made: a group of tallies is read where it lies.
    pub(super) fn amounts(&self, at: usize, side: usize, funds: &Funds) -> (Amounts, u64) {
        let shown = [Side::Before, Side::After][side];
        if !self.exact.is_empty() && self.exact.contains_key(&at) {
            let t = self.totals(at, side);
            return (Amounts::of_totals(funds, shown, &t), t.segments);
        }
        let t = &self.sums[at][side];
        let offset = if side == 0 { 0 } else { self.extra()[0] };
        let more = &self.more[at * self.stride() + offset..][..self.extra()[side]];
        // Each fund's paid amount as the totals hold it: none beyond the side's funds.
        let paid = |f: FundId| match (f < self.funds[side], t.paid.get(f)) {
            (false, _) => 0,
            (true, Some(&fen)) => fen,
            (true, None) => more[f - INLINE_FUNDS],
        };
        let amounts = Amounts {
            funds: (0..funds.len())
                .map(|i| funds.index(i, shown).map_or(0, |f| i128::from(paid(f))))
                .collect(),
            subsidy_total: t.subsidy_total.into(),
            gap: t.gap.into(),
            shortfall: t.shortfall.into(),
        };
        (amounts, u64::from(t.segments))
    }
}

/// A run of groups of a [`Tallies`], from the group at `base` on: groups merged on every core
/// are each a run of their own.
pub(super) struct Run<'a> {
    base: usize,
    sums: &'a mut [[Tally; 2]],
    more: &'a mut [i64],
    stride: usize,
}

impl<'a> Run<'a> {
    /// This run's groups before the group at `at`, and those from it on.
    pub(super) fn split_at(self, at: usize) -> (Run<'a>, Run<'a>) {
        let n = at - self.base;
        let (sums, rest) = self.sums.split_at_mut(n);
        let (more, more_rest) = self.more.split_at_mut(n * self.stride);
        let head = Run {
            base: self.base,
            sums,
            more,
            stride: self.stride,
        };
        let tail = Run {
            base: at,
            sums: rest,
            more: more_rest,
            stride: self.stride,
        };
        (head, tail)
    }

    /// Adds group `from` of `theirs` to the group at `to` (in this run), on both sides,
    /// when both are tallies and every sum and count stays within them; false (nothing
    /// added) when either is exact or some sum would leave 64 bits: then
    /// [`Tallies::merge_exact`] adds it.
    pub(super) fn merge(&mut self, to: usize, theirs: &Tallies, from: usize) -> bool {
        if !theirs.exact.is_empty() && theirs.exact.contains_key(&from) {
            return false;
        }
        let at = to - self.base;
        if self.sums[at][0].segments == SPENT {
            return false;
        }
        let (stride, their_stride) = (self.stride, theirs.stride());
        let pair = &theirs.sums[from];
        let more = &theirs.more[from * their_stride..][..their_stride];
        // As a row is added.
        all_or_nothing(self, |run, undo| {
            let mut wrapped = false;
            for (mine, theirs) in run.sums[at].iter_mut().zip(pair) {
                wrapped |= mine.combine(theirs, undo);
            }
            wrapped | wrap_all(&mut run.more[at * stride..][..stride], more, undo)
        })
    }
}

impl Tallies {
    /// Adds group `from` of `theirs` to the group at `to` exactly, the group made exact
    /// first: what [`Run::merge`] leaves. An error only when a sum leaves 128 bits.
    pub(super) fn merge_exact(
        &mut self,
        to: usize,
        theirs: &Tallies,
        from: usize,
    ) -> Result<(), SumOverflow> {
        let added = [theirs.totals(from, 0), theirs.totals(from, 1)];
        let exact = self.exact_of(to);
        for (mine, theirs) in exact.iter_mut().zip(&added) {
            mine.merge(theirs)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row's part with every amount given, `k` making each one different.
    fn part(k: i128) -> RowPart {
        RowPart {
            length: 1_500_000 + k,
            completed: (k % 2 == 0).then_some(700_000 + k),
            cost: 45_000_000 + k,
            subsidy: 30_000_000 + k,
            gap: 15_000_000 - k,
            shortfall: 14_000_000 - k,
            sources: if k % 3 == 0 { 16_000_000 } else { 1_000_000 },
            due: (k % 2 == 0).then_some(9_000_000 + k),
            disbursed: (k % 5 == 0).then_some(4_000_000 + k),
            outstanding: (k % 5 == 0).then_some(5_000_000 + k),
            warns: k % 7 == 0,
        }
    }

    /// Its funds' paid amounts, `n` funds.
    fn paid(k: i128, n: usize) -> Vec<i128> {
        (0..n as i128).map(|f| 1_000_000 * (f + 1) + k).collect()
    }

    fn fen(paid: &[i128]) -> impl ExactSizeIterator<Item = Result<i128, SumError>> + Clone + '_ {
        paid.iter().map(|&p| Ok(p))
    }

    type Rows<'a, P> = [(&'a RowPart, P); 2];

    /// The funds a comparison of sides of `funds` funds shows: the side before's in its
    /// order, each matched with the side after's in the reverse order, then the side after's
    /// unmatched ones; so a fund's place differs from its place on either side.
    fn shown(funds: [usize; 2]) -> Funds {
        let [n0, n1] = funds;
        let matched = n0.min(n1);
        let mut places: Vec<(Option<FundId>, Option<FundId>)> = (0..n0)
            .map(|i| (Some(i), (i < matched).then(|| n1 - 1 - i)))
            .collect();
        places.extend((0..n1 - matched).map(|j| (None, Some(j))));
        Funds {
            ids: places.iter().map(|p| format!("{p:?}")).collect(),
            names: vec![(String::new(), None); places.len()],
            before: places.iter().map(|p| p.0).collect(),
            after: places.iter().map(|p| p.1).collect(),
        }
    }

    /// The group at `at`'s amounts read where they lie are those of its totals made.
    fn assert_amounts_of_totals(t: &Tallies, at: usize, funds: [usize; 2]) {
        let shown = shown(funds);
        for (side, name) in [Side::Before, Side::After].into_iter().enumerate() {
            let totals = t.totals(at, side);
            let want = (Amounts::of_totals(&shown, name, &totals), totals.segments);
            assert_eq!(t.amounts(at, side, &shown), want, "{funds:?} {at} {side}");
        }
    }

    /// Adds a row to two groups as the groups add it: made a row of tallies, then added.
    fn add<P>(t: &mut Tallies, groups: [usize; 2], rows: Rows<P>) -> Result<(), SumOverflow>
    where
        P: ExactSizeIterator<Item = Result<i128, SumError>> + Clone,
    {
        let row = t.row(rows)?;
        t.add_row(groups, &row)
    }

    /// Tallies, added row by row and merged, are the totals `Totals::add_part` and
    /// `Totals::merge` make of the same rows, for sides of any number of funds.
    #[test]
    fn tallies_are_the_totals_of_the_same_rows() {
        for funds in [[2, 2], [0, 1], [3, 5], [5, 3], [4, 4]] {
            let mut mine = Tallies::new(funds);
            let mut theirs = Tallies::new(funds);
            let (town, village) = (mine.push(), mine.push());
            let their_village = theirs.push();
            let mut want = [[Totals::default(), Totals::default()], Default::default()];
            for k in 0..40 {
                let (parts, paids) = (
                    [part(k), part(3 * k)],
                    [paid(k, funds[0]), paid(2 * k, funds[1])],
                );
                let rows = [(&parts[0], fen(&paids[0])), (&parts[1], fen(&paids[1]))];
                if k % 4 == 0 {
                    add(&mut theirs, [their_village, their_village], rows).unwrap();
                    // The other core's village is this one's too; its township is not.
                    for side in 0..2 {
                        want[1][side]
                            .add_part(&parts[side], fen(&paids[side]), false)
                            .unwrap();
                        want[1][side]
                            .add_part(&parts[side], fen(&paids[side]), false)
                            .unwrap();
                    }
                } else {
                    add(&mut mine, [town, village], rows).unwrap();
                    for side in 0..2 {
                        for group in &mut want {
                            group[side]
                                .add_part(&parts[side], fen(&paids[side]), false)
                                .unwrap();
                        }
                    }
                }
            }
            let (_, mut piece) = mine.whole().split_at(village);
            assert!(piece.merge(village, &theirs, their_village));
            let [town_want, village_want] = &want;
            for (side, want) in village_want.iter().enumerate() {
                assert_eq!(&mine.totals(village, side), want, "{funds:?} {side}");
            }
            for at in [town, village] {
                assert_amounts_of_totals(&mine, at, funds);
            }
            // The township holds only this core's rows.
            for (side, want) in town_want.iter().enumerate() {
                let t = mine.totals(town, side);
                assert_eq!(t.segments, 30);
                assert_eq!(&t, want, "{funds:?} {side}");
            }
        }
    }

    /// A group whose sums would leave 64 bits goes on exactly: its totals are those
    /// `Totals::add_part` makes of the same rows, whether a sum of rows leaves 64 bits, a
    /// row's own amount does, or another core's group added to it does (either one exact
    /// already, or their sums together too big), for sides of two and of five funds; the
    /// other groups stay tallies. Only beyond 128 bits is there an overflow.
    #[test]
    fn a_group_whose_sums_leave_64_bits_goes_on_exactly() {
        let near = i128::from(i64::MAX) - 10;
        for funds in [[2usize, 2], [5, 2], [2, 5]] {
            let paid = |k: i128| [paid(k, funds[0]), paid(k, funds[1])];
            let mut mine = Tallies::new(funds);
            let mut theirs = Tallies::new(funds);
            let groups: Vec<usize> = (0..5).map(|_| mine.push()).collect();
            let their: Vec<usize> = (0..5).map(|_| theirs.push()).collect();
            let mut want: Vec<[Totals; 2]> = vec![Default::default(); 5];
            // Added twice (township and village), a third fits; merged, four do not.
            let third = i128::from(i64::MAX / 3);
            // Row `k`: one side's cost `cost`.
            let row_of = |k: i128, cost: i128| {
                let mut parts = [part(k), part(k + 1)];
                parts[(k % 2) as usize].cost = cost;
                (parts, paid(k))
            };
            let put = |t: &mut Tallies, at: usize, k: i128, cost: i128| {
                let (parts, paid) = row_of(k, cost);
                add(
                    t,
                    [at, at],
                    [(&parts[0], fen(&paid[0])), (&parts[1], fen(&paid[1]))],
                )
                .unwrap();
            };
            // Group 0: rows whose costs together leave 64 bits; group 1: one row of a cost
            // beyond them; group 2: a tally another core's exact group is added to; group 3:
            // a tally made exact already that another core's is merged into; group 4: two
            // tallies, each within 64 bits, whose sum is not (half added, then undone).
            for (k, cost) in [(0, near), (2, near), (4, 5)] {
                put(&mut mine, groups[0], k, cost);
            }
            put(&mut mine, groups[1], 1, i128::from(i64::MAX) + 1);
            put(&mut mine, groups[2], 3, 7);
            put(&mut theirs, their[2], 5, i128::from(i64::MAX) * 3);
            put(&mut mine, groups[3], 6, near);
            put(&mut theirs, their[3], 6, near);
            put(&mut mine, groups[4], 8, third);
            put(&mut theirs, their[4], 8, third);
            // The same rows, each group's totals added row by row (each row twice: its
            // township and village are the same group here).
            for (g, rows) in [
                (0, vec![(0, near), (2, near), (4, 5)]),
                (1, vec![(1, i128::from(i64::MAX) + 1)]),
                (2, vec![(3, 7), (5, i128::from(i64::MAX) * 3)]),
                (3, vec![(6, near), (6, near)]),
                (4, vec![(8, third), (8, third)]),
            ] {
                for (k, cost) in rows {
                    let (parts, paid) = row_of(k, cost);
                    for side in 0..2 {
                        for _ in 0..2 {
                            want[g][side]
                                .add_part(&parts[side], fen(&paid[side]), false)
                                .unwrap();
                        }
                    }
                }
            }
            for (g, t) in their.iter().enumerate().skip(2) {
                let mut run = mine.whole();
                if !run.merge(groups[g], &theirs, *t) {
                    mine.merge_exact(groups[g], &theirs, *t).unwrap();
                }
            }
            for (g, want) in want.iter().enumerate() {
                for (side, want) in want.iter().enumerate() {
                    assert_eq!(&mine.totals(groups[g], side), want, "{funds:?} {g} {side}");
                }
            }
            assert_eq!(mine.exact.len(), 5, "{funds:?}");
            // Exact groups and one of tallies beside them.
            let plain = mine.push();
            put(&mut mine, plain, 9, 11);
            for at in groups.iter().copied().chain([plain]) {
                assert_amounts_of_totals(&mine, at, funds);
            }
            assert!(!mine.exact.contains_key(&plain));
            // Beyond 128 bits: an overflow.
            let mut huge = part(0);
            huge.cost = i128::MAX / 2 + 1;
            let one = paid(0);
            let g = mine.push();
            let rows = || [(&huge, fen(&one[0])), (&huge, fen(&one[1]))];
            assert_eq!(add(&mut mine, [g, g], rows()), Err(SumOverflow));
        }
        // More paid amounts than the side has funds: not added as though it had them.
        let (one, two) = ([1i128], [1i128, 2]);
        let mut t = Tallies::new([1, 1]);
        let g = t.push();
        assert_eq!(
            add(
                &mut t,
                [g, g],
                [(&part(1), fen(&two)), (&part(1), fen(&one))]
            ),
            Err(SumOverflow)
        );
    }
}
