//! What the table keeps of each row's computation: whether it is good, and the few whole
//! numbers its columns and the totals need. A table of a million rows keeps a million of
//! these, so a row's full segment and breakdown (names, notes, tiers) is not kept: it is
//! computed again from the row's text when one row is looked at closely (the engine is pure,
//! so it gives the same numbers).
//!
//! Amounts are exact: money in fen, lengths in µkm, all within `i64` (money is at most
//! [`money::MAX_FEN`], lengths at most 100,000 km to the mm). They go back to the same
//! `Decimal`s the engine gave, so nothing shown changes.
//!
//! When a budget allocates (SPEC §8), a row also keeps, per allocating budget, the fen that
//! budget pays it when it pays less than asked (and its priority, for a budget that pays in
//! order): the numbers above stay the engine's own, and every amount shown is worked out from
//! them and the cuts by the engine's formulas (gap, shortfall, due follow the subsidy). Rules
//! without such a budget keep nothing more.

mod linear;
mod part;

pub use linear::Linear;
pub use part::Rows;

use rust_decimal::Decimal;

use crate::engine::Source;
use crate::engine::{Breakdown, BudgetCut, Cost, Note, Segment, Share};
use crate::money::{Rounding, SumError, LENGTH_DP, MONEY_DP};
use crate::report::allocate::allocates;
use crate::report::RowPart;
use crate::rules::{ClassId, Draw, FundId, OnOverrun, RuleSet, TierChoice};

/// How a row came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Computed; its amounts are kept.
    Good,
    /// Cannot be computed (why is worked out again when asked).
    Bad,
    /// No segment at all: a totals row (合计) or a note row (说明). Not an error, and in no
    /// group, total or count of segments.
    NotSegment,
    /// Its id repeats an earlier row's: bad, whatever else it holds.
    Repeat,
    /// Computed, but an amount does not fit the kept form (never, within the ranges the
    /// reader accepts): shown as an overflow.
    TooLarge,
}

/// Where each number sits in a row's stretch of [`Briefs::nums`], before the funds' shares.
const COST: usize = 0;
const SOURCES: usize = 1;
const LENGTH: usize = 2;
const COMPLETED: usize = 3;
const SUBSIDY: usize = 4;
const SHORTFALL: usize = 5;
const DISBURSED: usize = 6;
const FUNDS: usize = 7;
/// A completed length (or disbursed amount) that was not given. The gap, due and outstanding
/// are not kept: they follow from what is, by the engine's own formulas (SPEC §8).
const NONE: i64 = i64::MIN;

/// One row's state and class, and whether its notes warn (an implausible cost: counted in
/// the totals, so a row taken out of them must say so too).
#[derive(Debug, Clone, Copy)]
struct Mark {
    state: State,
    warns: bool,
    class: u32,
}

/// How every row's numbers are laid out, and what reading them takes beside them: the same
/// for every row, so runs of rows can be worked on apart ([`Rows`]).
#[derive(Debug, Clone)]
struct Shape {
    /// Numbers per row: the fixed ones, one paid amount per fund, then (when a budget
    /// allocates) the priority and one cut per allocating budget.
    stride: usize,
    /// How many funds.
    funds: usize,
    /// Whether each row keeps its priority (a budget pays in order).
    priority: bool,
    /// The allocating budgets, in rules order, as their notes name them (what the rows
    /// under each asked is not kept: the totals do not read it).
    cuts: Vec<BudgetCut>,
    /// The sources of the gap a budget is drawn on (村项目资金), each kept apart from the
    /// others after the cuts, so a budget on one measures it when a row leaves the totals.
    drawn: Vec<Source>,
    /// The rules' rounding (for due, worked out again from what is kept).
    rounding: Rounding,
}

/// The kept results of every row, in row order.
#[derive(Debug, Clone)]
pub struct Briefs {
    shape: Shape,
    marks: Vec<Mark>,
    nums: Vec<i64>,
}

/// A row's segment and breakdown, when it was computed.
pub type Outcome<'a> = Option<(&'a Segment, &'a Breakdown)>;

/// A computed column of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// What fund `f` pays.
    Paid(usize),
    /// The subsidy.
    Subsidy,
    /// The shortfall.
    Shortfall,
    /// The gap.
    Gap,
    /// Due for the completed km.
    Due,
    /// Outstanding of what is due.
    Outstanding,
    /// The cost, as the engine reads it (per km × length for a cost given per km).
    Cost,
}

/// `value` in units of `10^-dp`, when it has at most `dp` decimals and fits.
fn units(value: Decimal, dp: u32) -> Option<i64> {
    let scale = value.scale();
    let shift = dp.checked_sub(scale)?;
    let m = value.mantissa().checked_mul(10i128.checked_pow(shift)?)?;
    i64::try_from(m).ok()
}

/// The gap (SPEC §8): max(0, cost − subsidy).
fn gap(n: &[i64], subsidy: i64) -> i64 {
    (n[COST] - subsidy).max(0)
}

fn yuan(fen: i64) -> Decimal {
    Decimal::new(fen, MONEY_DP)
}

/// What cuts change of rows' parts in the totals, in fen, summed over rows (each row's change
/// added): the funds' paid amounts, subsidy, gap, shortfall, surplus, due and outstanding,
/// and per allocating budget what its cuts took and how much more the villages raise for it.
/// Counts (rows, segments, rows with a due amount) do not change with a cut.
#[derive(Debug, Clone, Default)]
pub struct CutChange {
    /// Per fund.
    pub paid: Vec<i128>,
    /// Σ subsidy.
    pub subsidy: i128,
    /// Σ gap.
    pub gap: i128,
    /// Σ shortfall.
    pub shortfall: i128,
    /// Σ of what the sources give beyond the gap.
    pub surplus: i128,
    /// Σ due.
    pub due: i128,
    /// Σ outstanding.
    pub outstanding: i128,
    /// Per allocating budget ([`Briefs::allocating`] order): Σ (from − to) and Σ raised.
    pub cuts: Vec<(i128, i128)>,
}

/// A row's part in the totals that its cuts move, with one set of cuts ([`Shape::part`]):
/// what [`CutChange`] adds the differences of.
struct CutPart {
    subsidy: i64,
    gap: i64,
    shortfall: i64,
    surplus: i64,
    due: Option<i64>,
    outstanding: Option<i64>,
}

/// A segment and breakdown to fill with [`Briefs::for_totals_into`].
pub fn blank() -> (Segment, Breakdown) {
    let seg = Segment::new(0, Decimal::ZERO, Decimal::ZERO, Cost::Total(Decimal::ZERO));
    (seg, Breakdown::default())
}

/// What a row's amounts come to after its cuts, in fen.
#[derive(Debug, Clone, Copy)]
struct After {
    subsidy: i64,
    shortfall: i64,
}

impl Shape {
    /// Where the cuts start in a row's numbers (after the funds, and the priority if kept).
    fn cuts_at(&self) -> usize {
        FUNDS + self.funds + usize::from(self.priority)
    }

    /// Where the drawn sources start in a row's numbers (after the cuts).
    fn drawn_at(&self) -> usize {
        self.cuts_at() + self.cuts.len()
    }

    /// The cuts among a row's numbers `n` (see [`Briefs::cuts`]).
    fn cuts_in<'n>(&self, n: &'n [i64]) -> &'n [i64] {
        &n[self.cuts_at()..self.drawn_at()]
    }

    /// What allocating budget number `slot` pays a row of numbers `n`, when less than asked.
    fn cut_in(&self, n: &[i64], slot: usize) -> Option<i64> {
        self.cuts_in(n).get(slot).copied().filter(|&c| c != NONE)
    }

    /// Sets the cut of allocating budget `budget` (its place in the rules) among `n`.
    fn set_cut_in(&self, n: &mut [i64], budget: usize, to: i64) {
        if let Some(slot) = self.cuts.iter().position(|c| c.budget == budget) {
            n[self.cuts_at() + slot] = to;
        }
    }

    /// Forgets every cut among `n`.
    fn clear_cuts_in(&self, n: &mut [i64]) {
        n[self.cuts_at()..self.drawn_at()].fill(NONE);
    }

    /// A number made of a row's numbers `n`, read so that they are in the cache.
    fn warm_of(n: &[i64]) -> i64 {
        n.first().copied().unwrap_or(0) ^ n.last().copied().unwrap_or(0)
    }

    /// What fund `fund` pays a row of numbers `n` after `cuts` (each cut lowers what the
    /// budgets before it left, so the last is the least).
    fn paid_with(&self, n: &[i64], cuts: &[i64], fund: FundId) -> i64 {
        let mut paid = n[FUNDS + fund];
        for (c, &to) in self.cuts.iter().zip(cuts) {
            if c.fund == fund && to != NONE {
                paid = paid.min(to);
            }
        }
        paid
    }

    /// The subsidy and shortfall of a row of numbers `n` after `cuts`, by the engine's
    /// formulas (SPEC §8), each cut calling `each(slot, from, to, raised)` in order. Called for
    /// every row an allocation changes, so nothing is allocated here.
    fn after(&self, n: &[i64], cuts: &[i64], mut each: impl FnMut(usize, i64, i64, i64)) -> After {
        let mut out = After {
            subsidy: n[SUBSIDY],
            shortfall: n[SHORTFALL],
        };
        for (slot, (c, &to)) in self.cuts.iter().zip(cuts).enumerate() {
            if to == NONE {
                continue;
            }
            // What the fund paid before this cut: the last earlier cut of it, or the engine's.
            let from = self.paid_with(n, &cuts[..slot], c.fund);
            if to >= from {
                continue;
            }
            let to = to.max(0);
            out.subsidy -= from - to;
            let gap = (n[COST] - out.subsidy).max(0);
            let shortfall = (gap - n[SOURCES]).max(0);
            each(slot, from, to, shortfall - out.shortfall);
            out.shortfall = shortfall;
        }
        out
    }

    /// Due for the completed km (SPEC §8): subsidy × completed ÷ length, rounded.
    fn due(&self, n: &[i64], subsidy: i64) -> Option<i64> {
        if n[COMPLETED] == NONE || n[LENGTH] <= 0 {
            return None;
        }
        let scaled = i128::from(subsidy).checked_mul(i128::from(n[COMPLETED]))?;
        i64::try_from(self.rounding.div_fen(scaled, i128::from(n[LENGTH]))).ok()
    }

    /// [`Briefs::outstanding`] when what is due is known already (`due`, as [`Briefs::due`]
    /// gave it).
    fn outstanding_of(&self, n: &[i64], due: Option<i64>) -> Option<i64> {
        if n[DISBURSED] == NONE {
            return None;
        }
        Some((due? - n[DISBURSED]).max(0))
    }

    /// A row's part in the totals that its cuts move, with `cuts` (each cut calling `each`
    /// as [`Shape::after`] does): what [`Shape::cut_change`] takes the difference of and
    /// [`Briefs::totals_part`] adds.
    fn part(&self, n: &[i64], cuts: &[i64], each: impl FnMut(usize, i64, i64, i64)) -> CutPart {
        let after = self.after(n, cuts, each);
        let gap = gap(n, after.subsidy);
        let due = self.due(n, after.subsidy);
        CutPart {
            subsidy: after.subsidy,
            gap,
            shortfall: after.shortfall,
            surplus: (n[SOURCES] - gap).max(0),
            due,
            outstanding: self.outstanding_of(n, due),
        }
    }

    /// [`Briefs::cut_change`] of a row marked `mark` whose numbers are `n`.
    fn cut_change(
        &self,
        mark: Mark,
        n: &[i64],
        old: &[i64],
        new: &[i64],
        change: &mut CutChange,
    ) -> bool {
        if mark.state != State::Good {
            return false;
        }
        change.paid.resize(self.funds, 0);
        change.cuts.resize(self.cuts.len(), (0, 0));
        // A prorated envelope puts hundreds of thousands of rows through here on each edit,
        // so each set of cuts is worked through once: what each cut took and raised goes in
        // `into` (times `sign`) as the row's part is found, and comes out again in the rare
        // case the row goes the whole way.
        let part = |cuts: &[i64], sign: i128, into: &mut [(i128, i128)]| {
            self.part(n, cuts, |slot, from, to, raised| {
                into[slot].0 += sign * i128::from(from - to);
                into[slot].1 += sign * i128::from(raised);
            })
        };
        let was = part(old, -1, &mut change.cuts);
        let is = part(new, 1, &mut change.cuts);
        if was.due.is_some() != is.due.is_some()
            || was.outstanding.is_some() != is.outstanding.is_some()
        {
            part(old, 1, &mut change.cuts);
            part(new, -1, &mut change.cuts);
            return false;
        }
        for (f, slot) in change.paid.iter_mut().enumerate() {
            *slot += i128::from(self.paid_with(n, new, f)) - i128::from(self.paid_with(n, old, f));
        }
        let diff = |a: i64, b: i64| i128::from(b) - i128::from(a);
        change.subsidy += diff(was.subsidy, is.subsidy);
        change.gap += diff(was.gap, is.gap);
        change.shortfall += diff(was.shortfall, is.shortfall);
        change.surplus += diff(was.surplus, is.surplus);
        change.due += diff(was.due.unwrap_or(0), is.due.unwrap_or(0));
        change.outstanding += diff(was.outstanding.unwrap_or(0), is.outstanding.unwrap_or(0));
        true
    }
}

impl Briefs {
    /// No rows yet, for `rules`, room made for `rows`.
    pub fn new(rules: &RuleSet, rows: usize) -> Briefs {
        let funds = rules.funds.len();
        let cuts: Vec<BudgetCut> = rules
            .budgets
            .iter()
            .enumerate()
            .filter_map(|(b, budget)| {
                Some(BudgetCut {
                    fund: allocates(budget)?,
                    budget: b,
                    per_village: budget.per_village,
                    how: budget.on_overrun,
                    asked: Decimal::ZERO,
                    envelope: budget.envelope,
                })
            })
            .collect();
        // The priority is kept only for a budget that pays in order.
        let priority = cuts.iter().any(|c| c.how == OnOverrun::InOrder);
        let mut drawn: Vec<Source> = rules
            .budgets
            .iter()
            .filter_map(|b| match b.draw {
                Draw::Source(s) => Some(s),
                Draw::Fund(_) => None,
            })
            .collect();
        drawn.sort();
        drawn.dedup();
        let stride = FUNDS + funds + usize::from(priority) + cuts.len() + drawn.len();
        Briefs {
            shape: Shape {
                stride,
                funds,
                priority,
                cuts,
                drawn,
                rounding: rules.meta.rounding,
            },
            marks: Vec::with_capacity(rows),
            nums: Vec::with_capacity(rows * stride),
        }
    }

    /// The numbers of a computed row, or `None` when one does not fit (never, within the
    /// ranges the reader accepts).
    fn numbers(&self, seg: &Segment, b: &Breakdown) -> Option<Vec<i64>> {
        let mut n = vec![0; self.shape.stride];
        n[COST] = units(b.cost, MONEY_DP)?;
        n[SOURCES] = units(seg.sources.0.iter().sum(), MONEY_DP)?;
        n[LENGTH] = units(seg.length_km, LENGTH_DP)?;
        n[COMPLETED] = match seg.completed_km {
            Some(c) => units(c, LENGTH_DP)?,
            None => NONE,
        };
        n[SUBSIDY] = units(b.subsidy_total, MONEY_DP)?;
        n[SHORTFALL] = units(b.shortfall, MONEY_DP)?;
        n[DISBURSED] = match seg.disbursed {
            Some(d) => units(d, MONEY_DP)?,
            None => NONE,
        };
        if b.shares.len() != self.shape.funds {
            return None;
        }
        for (slot, share) in n[FUNDS..FUNDS + self.shape.funds].iter_mut().zip(&b.shares) {
            *slot = units(share.paid, MONEY_DP)?;
        }
        if self.shape.priority {
            n[FUNDS + self.shape.funds] = seg.priority.unwrap_or(NONE);
        }
        let drawn_at = self.shape.drawn_at();
        n[self.shape.cuts_at()..drawn_at].fill(NONE);
        for (slot, &s) in n[drawn_at..].iter_mut().zip(&self.shape.drawn) {
            *slot = units(seg.sources.get(s), MONEY_DP)?;
        }
        Some(n)
    }

    /// What to keep of a row: its state, class and numbers (`None` when a computed row's
    /// numbers do not fit, which the caller treats as an overflow).
    fn entry(&self, result: Outcome<'_>, state: State) -> Option<(Mark, Vec<i64>)> {
        match result {
            Some((seg, b)) if state == State::Good => {
                let class = u32::try_from(seg.class).ok()?;
                let warns = b.notes.iter().any(Note::is_warning);
                Some((
                    Mark {
                        state,
                        warns,
                        class,
                    },
                    self.numbers(seg, b)?,
                ))
            }
            _ => {
                let mut n = vec![0; self.shape.stride];
                n[FUNDS + self.shape.funds..self.shape.drawn_at()].fill(NONE);
                Some((
                    Mark {
                        state,
                        warns: false,
                        class: 0,
                    },
                    n,
                ))
            }
        }
    }

    /// The allocating budgets, in rules order (each row keeps one cut for each).
    pub fn allocating(&self) -> &[BudgetCut] {
        &self.shape.cuts
    }

    /// Row `at`'s class (0 for a row that is not good).
    pub fn class(&self, at: usize) -> ClassId {
        self.marks[at].class as ClassId
    }

    /// Row `at`'s priority under an `in_order` budget, when it gives one.
    pub fn priority(&self, at: usize) -> Option<i64> {
        if !self.shape.priority {
            return None;
        }
        let p = self.row(at)[FUNDS + self.shape.funds];
        (p != NONE).then_some(p)
    }

    /// Row `at`'s cuts: per allocating budget, the fen it pays the row when less than asked.
    pub fn cuts(&self, at: usize) -> &[i64] {
        self.shape.cuts_in(self.row(at))
    }

    /// What allocating budget number `slot` pays row `at`, when it pays less than asked.
    pub fn cut(&self, at: usize, slot: usize) -> Option<i64> {
        self.shape.cut_in(self.row(at), slot)
    }

    /// Sets the cut of allocating budget `budget` (its place in the rules) on row `at`.
    pub fn set_cut(&mut self, at: usize, budget: usize, to: i64) {
        let stride = self.shape.stride;
        let row = &mut self.nums[at * stride..(at + 1) * stride];
        self.shape.set_cut_in(row, budget, to);
    }

    /// Forgets every cut of row `at` (before it is allocated again).
    pub fn clear_cuts(&mut self, at: usize) {
        let stride = self.shape.stride;
        let row = &mut self.nums[at * stride..(at + 1) * stride];
        self.shape.clear_cuts_in(row);
    }

    /// What fund `fund` pays row `at` before any budget cut it, in fen.
    pub fn uncut(&self, at: usize, fund: FundId) -> i64 {
        self.row(at)[FUNDS + fund]
    }

    /// What fund `fund` pays row `at` after the cuts it has, in fen.
    pub fn paid_now(&self, at: usize, fund: FundId) -> i64 {
        self.shape.paid_with(self.row(at), self.cuts(at), fund)
    }

    /// Adds a row at the end: `result` when it was computed. `false` (and nothing added) when
    /// its numbers do not fit.
    pub fn push(&mut self, result: Outcome<'_>, state: State) -> bool {
        let at = self.len();
        self.insert(at, result, state)
    }

    /// Inserts a row at `at`; `false` (and nothing inserted) when its numbers do not fit.
    pub fn insert(&mut self, at: usize, result: Outcome<'_>, state: State) -> bool {
        let Some((mark, nums)) = self.entry(result, state) else {
            return false;
        };
        self.marks.insert(at, mark);
        let i = at * self.shape.stride;
        self.nums.splice(i..i, nums);
        true
    }

    /// Replaces row `at`; `false` (and nothing changed) when its numbers do not fit.
    pub fn set(&mut self, at: usize, result: Outcome<'_>, state: State) -> bool {
        let Some((mark, nums)) = self.entry(result, state) else {
            return false;
        };
        self.marks[at] = mark;
        let i = at * self.shape.stride;
        self.nums[i..i + self.shape.stride].copy_from_slice(&nums);
        true
    }

    /// Removes row `at`.
    pub fn remove(&mut self, at: usize) {
        self.marks.remove(at);
        let i = at * self.shape.stride;
        self.nums.drain(i..i + self.shape.stride);
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// Row `at`'s state.
    pub fn state(&self, at: usize) -> State {
        self.marks[at].state
    }

    /// The first and last numbers of row `at`, mixed: reading them for many rows one after
    /// the other brings those rows into the cache together, not one at a time as each is
    /// worked on (see [`Kept::again`](super::prorated::Kept::again)).
    pub fn warm(&self, at: usize) -> i64 {
        Shape::warm_of(self.row(at))
    }

    fn row(&self, at: usize) -> &[i64] {
        &self.nums[at * self.shape.stride..(at + 1) * self.shape.stride]
    }

    /// A computed column of row `at`, when the row is good.
    pub fn amount(&self, at: usize, column: Column) -> Option<Decimal> {
        if self.state(at) != State::Good {
            return None;
        }
        let n = self.row(at);
        let cuts = self.cuts(at);
        if let Column::Paid(f) = column {
            return (f < self.shape.funds).then(|| yuan(self.shape.paid_with(n, cuts, f)));
        }
        let after = self.shape.after(n, cuts, |_, _, _, _| {});
        Some(yuan(match column {
            Column::Paid(_) => unreachable!("answered above"),
            Column::Subsidy => after.subsidy,
            Column::Shortfall => after.shortfall,
            Column::Gap => gap(n, after.subsidy),
            Column::Cost => n[COST],
            Column::Due => self.shape.due(n, after.subsidy)?,
            Column::Outstanding => self.outstanding(n, after.subsidy)?,
        }))
    }

    /// Outstanding of what is due: max(0, due − disbursed), when both are known.
    fn outstanding(&self, n: &[i64], subsidy: i64) -> Option<i64> {
        self.shape.outstanding_of(n, self.shape.due(n, subsidy))
    }

    /// Adds to `change` what changing row `at`'s cuts from `old` to `new` changes of its part
    /// in the totals, by the same formulas [`Briefs::for_totals_into`] gives the totals. `false`,
    /// with nothing added, when the row is not good, or has a due or outstanding amount with
    /// one set of cuts and not the other (then the totals take it out and put it in).
    pub fn cut_change(&self, at: usize, old: &[i64], new: &[i64], change: &mut CutChange) -> bool {
        self.shape
            .cut_change(self.marks[at], self.row(at), old, new, change)
    }

    /// How row `at`'s part in the totals moves with its one cut ([`Linear`]).
    pub fn linear(&self, at: usize) -> Linear {
        self.shape.linear(self.marks[at], self.row(at))
    }

    /// Row `at`'s segment and breakdown as far as totals read them — class, length,
    /// completed length, other funds, cost, each fund's paid amount, subsidy, gap, shortfall,
    /// due, outstanding, and a note for each cut a budget made (what the budget lines add up)
    /// — when the row is good. Width, households, tiers and other notes are not kept: this is
    /// for adding the row to totals, not for showing it.
    pub fn for_totals(&self, at: usize) -> Option<(Segment, Breakdown)> {
        self.for_totals_with(at, self.cuts(at))
    }

    /// [`Briefs::for_totals`] as it was with `cuts` (what the row had before it was
    /// allocated again, to take it out of the totals).
    pub fn for_totals_with(&self, at: usize, cuts: &[i64]) -> Option<(Segment, Breakdown)> {
        let (mut seg, mut b) = blank();
        self.for_totals_into(at, cuts, &mut seg, &mut b)
            .then_some((seg, b))
    }

    /// Row `at`'s part in a group's totals with `cuts`, and each fund's paid amount, when the
    /// row is good: what [`Briefs::for_totals_into`] gives [`Totals::apply`] to add, straight
    /// from the fen kept, with no segment and breakdown made (a grouping adds up a million
    /// rows). Its subtotals are checked against the rows added one by one the other way.
    ///
    /// [`Totals::apply`]: crate::report::Totals
    pub(crate) fn totals_part<'a>(
        &'a self,
        at: usize,
        cuts: &'a [i64],
    ) -> Option<(
        RowPart,
        impl ExactSizeIterator<Item = Result<i128, SumError>> + 'a,
    )> {
        if self.state(at) != State::Good {
            return None;
        }
        let n = self.row(at);
        let cut = self.shape.part(n, cuts, |_, _, _, _| {});
        let given = |v: i64| (v != NONE).then_some(i128::from(v));
        let part = RowPart {
            length: n[LENGTH].into(),
            completed: given(n[COMPLETED]),
            cost: n[COST].into(),
            subsidy: cut.subsidy.into(),
            gap: cut.gap.into(),
            shortfall: cut.shortfall.into(),
            sources: n[SOURCES].into(),
            due: cut.due.map(i128::from),
            disbursed: given(n[DISBURSED]),
            outstanding: cut.outstanding.map(i128::from),
            warns: self.marks[at].warns,
        };
        let paid = (0..self.shape.funds).map(move |f| Ok(self.shape.paid_with(n, cuts, f).into()));
        Some((part, paid))
    }

    /// [`Briefs::for_totals_with`] into a segment and breakdown kept between rows (an
    /// allocation puts thousands of rows through the totals); `false` when the row is not
    /// good.
    pub fn for_totals_into(
        &self,
        at: usize,
        cuts: &[i64],
        seg: &mut Segment,
        b: &mut Breakdown,
    ) -> bool {
        if self.state(at) != State::Good {
            return false;
        }
        let n = self.row(at);
        seg.class = self.marks[at].class as ClassId;
        seg.length_km = Decimal::new(n[LENGTH], LENGTH_DP);
        seg.cost = Cost::Total(yuan(n[COST]));
        // The sources a budget is drawn on as they were; the rest as one (only their sum
        // counts then).
        let mut fen = [0i64; 4];
        let mut rest = n[SOURCES];
        for (&s, &v) in self.shape.drawn.iter().zip(&n[self.shape.drawn_at()..]) {
            fen[s as usize] = v;
            rest -= v;
        }
        fen[Source::OtherFunds as usize] += rest;
        seg.sources = crate::engine::Sources(fen.map(yuan));
        seg.disbursed = (n[DISBURSED] != NONE).then(|| yuan(n[DISBURSED]));
        seg.completed_km = (n[COMPLETED] != NONE).then(|| Decimal::new(n[COMPLETED], LENGTH_DP));
        b.notes.clear();
        if self.marks[at].warns {
            // Only whether the row warns is kept: the totals count warning rows.
            b.notes.push(Note::ImplausibleCost {
                cost: Decimal::ZERO,
                per_km: Decimal::ZERO,
                low: Decimal::ZERO,
                high: Decimal::ZERO,
                too_low: false,
            });
        }
        let notes = &mut b.notes;
        let after = self.shape.after(n, cuts, |slot, from, to, raised| {
            notes.push(Note::CutByBudget {
                cut: self.shape.cuts[slot],
                from: yuan(from),
                to: yuan(to),
                raised: yuan(raised),
            })
        });
        b.cost = yuan(n[COST]);
        b.shares.clear();
        b.shares.extend((0..self.shape.funds).map(|f| Share {
            tier: TierChoice::NoTierForClass,
            nominal: Decimal::ZERO,
            paid: yuan(self.shape.paid_with(n, cuts, f)),
        }));
        b.subsidy_total = yuan(after.subsidy);
        b.gap = yuan(gap(n, after.subsidy));
        b.shortfall = yuan(after.shortfall);
        b.per_household = None;
        b.due = self.shape.due(n, after.subsidy).map(yuan);
        b.outstanding = self.outstanding(n, after.subsidy).map(yuan);
        true
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::report::Totals;

    fn amount() -> impl Strategy<Value = i64> {
        prop_oneof![
            Just(0i64),
            -5i64..5,
            0i64..10_000_000,
            0i64..1_000_000_000_000_000
        ]
    }

    proptest! {
        /// A row's part in a group's totals, read straight from its fen, is what the segment
        /// and breakdown made of them add: with cuts by two allocating budgets or none, a
        /// source a budget is drawn on, km completed or not, a disbursed amount or not, a
        /// warning or not, added or taken away.
        #[test]
        fn a_rows_part_in_fen_is_what_its_segment_and_breakdown_add(
            (cost, subsidy, shortfall, sources) in (amount(), amount(), amount(), amount()),
            (paid, cuts) in (
                prop::collection::vec(amount(), 2),
                prop::collection::vec(prop_oneof![Just(NONE), amount()], 2),
            ),
            (length, completed, disbursed) in (
                0i64..5_000_000,
                prop_oneof![Just(NONE), 0i64..5_000_000],
                prop_oneof![Just(NONE), amount()],
            ),
            (drawn, warns, negate) in (amount(), any::<bool>(), any::<bool>()),
        ) {
            let rules = RuleSet::shipped_with_budgets(
                "[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\nname = \"社级道路建设\"\namount = \"30万\"\non_overrun = \"prorate\"\n\n[[budgets]]\nfund = \"transport\"\nname = \"通村硬化路建设\"\namount = \"50万\"\non_overrun = \"prorate\"\n",
            );
            let mut briefs = Briefs::new(&rules, 0);
            let shape = &briefs.shape;
            prop_assert_eq!(shape.cuts.len(), 2);
            let mut n = vec![0; shape.stride];
            n[COST] = cost;
            n[SUBSIDY] = subsidy;
            n[SHORTFALL] = shortfall;
            n[SOURCES] = sources;
            n[LENGTH] = length;
            n[COMPLETED] = completed;
            n[DISBURSED] = disbursed;
            for (f, &p) in paid.iter().enumerate().take(shape.funds) {
                n[FUNDS + f] = p;
            }
            let (cuts_at, drawn_at) = (shape.cuts_at(), shape.drawn_at());
            n[cuts_at..cuts_at + 2].copy_from_slice(&cuts);
            n[drawn_at..].fill(drawn.min(sources));
            briefs.marks.push(Mark { state: State::Good, warns, class: 1 });
            briefs.nums.extend_from_slice(&n);

            let mut by_part = Totals::new(&rules);
            let (part, paid) = briefs.totals_part(0, briefs.cuts(0)).expect("a good row");
            let added = by_part.add_part(&part, paid, negate);
            let mut by_decimals = Totals::new(&rules);
            let (mut seg, mut b) = blank();
            prop_assert!(briefs.for_totals_into(0, briefs.cuts(0), &mut seg, &mut b));
            prop_assert_eq!(added, by_decimals.apply(&seg, &b, negate));
            prop_assert_eq!(by_part, by_decimals);
        }
    }

    #[test]
    fn a_row_keeps_at_most_a_few_words() {
        // Per row: a state and class, and (with the shipped two funds) eight numbers.
        assert_eq!(std::mem::size_of::<Mark>(), 8);
        assert!(
            crate::money::MAX_FEN < i128::from(i64::MAX),
            "every amount fits"
        );
    }

    #[test]
    fn amounts_come_back_as_the_engine_gave_them() {
        assert_eq!(units(Decimal::new(150, 1), 2), Some(1500));
        assert_eq!(
            units(Decimal::new(1, 3), 2),
            None,
            "more decimals than kept"
        );
        assert_eq!(yuan(1500).to_string(), "15.00");
    }
}
