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
use super::brief::{Briefs, CutChange, Linear, Rows, State};
use crate::money::Sum;
use crate::report::allocate::{prorate_again_after, Envelope, EnvelopeUse};
use crate::report::Summary;
use crate::rules::{ClassId, FundId, OnOverrun, RuleSet};
use crate::table::sheet::Sheet;
use crate::table::RowText;

/// How many rows that moved are brought into the cache together.
const WARM: usize = 32;

/// The fewest rows under the envelope for it to be shared out on more than one thread:
/// under this an edit takes less than a millisecond, and a thread would cost more than it
/// saves.
const SPLIT_FROM: usize = 65_536;

/// At most this many threads share an envelope out.
const MOST_RUNS: usize = 8;

#[cfg(test)]
thread_local! {
    /// Rows per run, set by tests on their own thread to share small envelopes out in many
    /// runs.
    static RUN_ROWS: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Shares every envelope this thread shares out again in runs of `rows` rows, each on a
/// thread of its own (`None`: as large tables are shared out), so tests of small tables go
/// the way a large one does.
#[cfg(test)]
pub fn split_in_runs_of(rows: Option<usize>) {
    RUN_ROWS.with(|r| r.set(rows));
}

/// How many runs `members` rows under the envelope are shared out in, given `cores`.
fn runs(members: usize, cores: usize) -> usize {
    #[cfg(test)]
    if let Some(rows) = RUN_ROWS.with(std::cell::Cell::get) {
        return members.div_ceil(rows.max(1)).clamp(1, 2 * MOST_RUNS);
    }
    if members < SPLIT_FROM {
        1
    } else {
        cores.clamp(1, MOST_RUNS)
    }
}

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
    /// How each one's part in the totals moves with its share ([`Linear`]).
    linear: Vec<Linear>,
    /// The class of every row under it, when they have one (always, when the budget is for
    /// one class): what rows moving as [`Linear`] says change is added to that class.
    one_class: Option<ClassId>,
    /// What they ask in all, fen.
    demand: i128,
    /// How many threads can run at once (asked once: it reads the system's settings).
    cores: usize,
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
            linear: Vec::new(),
            one_class: rules.budgets[budget].class,
            demand: 0,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            edits: 0,
        };
        if kept.envelope < 0 {
            return None;
        }
        // Sized up front: the table is at its largest while this is made, and a vector grown
        // by doubling would hold the old and the new one at once.
        let n = (0..briefs.len())
            .filter(|&at| kept.is_under(briefs, at))
            .count();
        kept.members.reserve_exact(n);
        kept.asked.reserve_exact(n);
        kept.shares.reserve_exact(n);
        kept.linear.reserve_exact(n);
        for at in 0..briefs.len() {
            if kept.is_under(briefs, at) {
                let asked = briefs.uncut(at, fund);
                // A negative amount cannot be shared out (the whole way says why).
                if asked < 0 {
                    return None;
                }
                kept.members.push(u32::try_from(at).ok()?);
                kept.asked.push(asked);
                kept.shares.push(briefs.cut(at, 0).unwrap_or(asked));
                kept.linear.push(briefs.linear(at));
                kept.demand += i128::from(asked);
            }
        }
        if kept.one_class.is_none() {
            let mut classes = kept.members.iter().map(|&at| briefs.class(at as usize));
            let first = classes.next();
            if classes.all(|c| Some(c) == first) {
                kept.one_class = first;
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
            self.demand += i128::from(asked) - i128::from(self.asked[k]);
            self.asked[k] = asked;
        }
        // A row's cut changes only amounts that are summed, so the changes of every row are
        // added up (per class: budgets may be for one) and put in the totals once — unless a
        // budget on a fund is per village (its villages' sums change row by row).
        let summed = summary.groupings.is_empty()
            && !rules
                .budgets
                .iter()
                .any(|b| b.per_village && b.fund().is_some());
        let done = self.share_out(briefs, &asks, rules.classes.len(), summed);
        let mut changes = vec![CutChange::default(); rules.classes.len()];
        // The rows whose change the totals take row by row: out as they were, in as they are
        // (through one segment and breakdown, reused).
        let (mut seg, mut b) = super::brief::blank();
        for part in done {
            for (into, change) in changes.iter_mut().zip(&part.changes) {
                absorb(into, change);
            }
            for (at, was) in part.whole {
                let (township, village) = place_if_needed(rules, sheet, at);
                let text = RowText {
                    id: "",
                    township,
                    village,
                };
                if briefs.for_totals_into(at, &[was], &mut seg, &mut b) {
                    let _ = summary.remove(rules, &seg, &text, &b);
                }
                if briefs.for_totals_into(at, briefs.cuts(at), &mut seg, &mut b) {
                    let _ = summary.add(rules, &seg, &text, &b);
                }
            }
        }
        for (class, change) in changes.iter().enumerate() {
            add_change(rules, briefs, summary, class, change);
        }
        let uses = &mut allocated.uses[self.budget];
        uses.clear();
        if !self.members.is_empty() {
            uses.insert(
                Envelope::Whole,
                EnvelopeUse {
                    asked: self.demand,
                    envelope: self.envelope,
                    paid: self.demand.min(self.envelope),
                    cut_rows: Vec::new(),
                },
            );
        }
        allocated.error = None;
        self.edits += 1;
        true
    }

    /// Shares the envelope out again after the rows `asks` (their place among the rows under
    /// it, and what each asks now) changed, in runs of the rows each on a thread of its own
    /// when there are many: each run's shares follow from what the rows before it ask in
    /// all, so the runs come out as the rows shared out together. Sets each row's new cut in
    /// `briefs`, and gives per run what the cuts change of the totals ([`Done`]).
    fn share_out(
        &mut self,
        briefs: &mut Briefs,
        asks: &[(usize, i64)],
        classes: usize,
        summed: bool,
    ) -> Vec<Done> {
        let n = self.members.len();
        // Shared out in 64-bit numbers only (a larger total goes in one run: the rest before
        // a run is then a product past 128 bits).
        let parts = if u64::try_from(self.demand).is_ok() {
            runs(n, self.cores)
        } else {
            1
        };
        let bounds: Vec<usize> = (0..=parts).map(|p| p * n / parts).collect();
        // The table's rows each run holds: from its first row under the envelope to the next
        // run's (the first from the top, the last to the end).
        let rows: Vec<usize> = bounds
            .iter()
            .enumerate()
            .map(|(p, &k)| match p {
                0 => 0,
                p if p == parts => briefs.len(),
                _ => self.members[k] as usize,
            })
            .collect();
        let mut before = Vec::with_capacity(parts);
        let mut sum: i128 = 0;
        for pair in bounds.windows(2) {
            before.push(sum);
            if before.len() < parts {
                sum += self.asked[pair[0]..pair[1]]
                    .iter()
                    .map(|&a| i128::from(a))
                    .sum::<i128>();
            }
        }
        let common = Common {
            envelope: self.envelope,
            total: self.demand,
            budget: self.budget,
            fund: self.fund,
            classes,
            class: self.one_class.filter(|&c| summed && c < classes),
            summed,
        };
        let mut shares = self.shares.as_mut_slice();
        let mut linear = self.linear.as_mut_slice();
        let mut work = Vec::with_capacity(parts);
        for (p, mut rows) in briefs.runs(&rows).into_iter().enumerate() {
            let (from, to) = (bounds[p], bounds[p + 1]);
            let (mine, rest) = std::mem::take(&mut shares).split_at_mut(to - from);
            shares = rest;
            let (lines, rest) = std::mem::take(&mut linear).split_at_mut(to - from);
            linear = rest;
            let touched: Vec<usize> = asks
                .iter()
                .map(|&(k, _)| k)
                .filter(|k| (from..to).contains(k))
                .map(|k| k - from)
                .collect();
            let run = Run {
                members: &self.members[from..to],
                asked: &self.asked[from..to],
                shares: mine,
                linear: lines,
                before: before[p],
                touched,
            };
            work.push(move || run.share_out(&mut rows, &common));
        }
        let mut work = work.into_iter();
        let Some(first) = work.next() else {
            return Vec::new();
        };
        std::thread::scope(|scope| {
            let others: Vec<_> = work.map(|w| scope.spawn(w)).collect();
            let mut done = vec![first()];
            for other in others {
                done.push(
                    other
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
            }
            done
        })
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

/// What every run shares out with.
#[derive(Clone, Copy)]
struct Common {
    envelope: i128,
    /// What the rows under the envelope ask in all.
    total: i128,
    /// The budget (its place in the rules).
    budget: usize,
    /// The fund it pays from.
    fund: FundId,
    /// How many classes (a change is kept per class).
    classes: usize,
    /// The class of every row under it, when rows moving as [`Linear`] says are added up
    /// without reading them (their changes are summed, and all of one class).
    class: Option<ClassId>,
    /// Whether the cuts' changes are added up ([`CutChange`]) rather than put in the totals
    /// row by row.
    summed: bool,
}

/// A run of the rows under the envelope: their rows in the table, what they ask and were
/// paid, what the rows before the run ask in all, and the rows touched among them.
struct Run<'a> {
    members: &'a [u32],
    asked: &'a [i64],
    shares: &'a mut [i64],
    linear: &'a mut [Linear],
    before: i128,
    /// Places in the run, in order.
    touched: Vec<usize>,
}

/// What a run's new cuts change of the totals: added up per class, and the rows the totals
/// take out and put in one by one, each with the cut it had.
struct Done {
    changes: Vec<CutChange>,
    whole: Vec<(usize, i64)>,
}

impl Run<'_> {
    /// Shares the run out and sets the new cuts of its rows in `rows`.
    fn share_out(self, rows: &mut Rows<'_>, common: &Common) -> Done {
        // The rows touched ask other amounts: how their totals move is found again.
        for &k in &self.touched {
            self.linear[k] = Linear::NOT;
        }
        // Nearly every row whose share moves moves within its room ([`Linear`]): what those
        // change of the totals is added up per kind of row, their new cuts set without
        // reading the rest of them. The others go the long way, below.
        let mut by_kind = [0i128; 8];
        let mut moved: Vec<usize> = Vec::new();
        let (members, asked, linear) = (self.members, self.asked, &mut *self.linear);
        prorate_again_after(
            asked,
            common.envelope,
            common.total,
            self.before,
            self.shares,
            |k, was, now| {
                if common.class.is_some() && now < asked[k] {
                    if let Some(kind) = linear[k].moved(was, now) {
                        by_kind[usize::from(kind)] += i128::from(now) - i128::from(was);
                        rows.set_cut(members[k] as usize, common.budget, now);
                        return;
                    }
                }
                moved.push(k);
            },
        );
        // The rows touched (few) are among those that changed, whether or not their share
        // moved.
        for &k in &self.touched {
            if let Err(at) = moved.binary_search(&k) {
                moved.insert(at, k);
            }
        }
        let mut done = Done {
            changes: vec![CutChange::default(); common.classes],
            whole: Vec::new(),
        };
        // Each row that moved is far from the last in memory, and waiting for each in turn is
        // most of an edit's time: the rows of a batch are read first, all at once.
        let mut warm = 0;
        for (j, &k) in moved.iter().enumerate() {
            if j % WARM == 0 {
                for &ahead in moved[j..].iter().take(WARM) {
                    warm ^= rows.warm(self.members[ahead] as usize);
                }
                std::hint::black_box(warm);
            }
            let at = self.members[k] as usize;
            let old = rows.cut(at, 0);
            let (share, asked) = (self.shares[k], self.asked[k]);
            let new = (share < asked).then_some(share);
            if old == new {
                self.linear[k] = rows.linear(at);
                continue;
            }
            // The one allocating budget's cut is the row's only one.
            let was = rows.cuts(at)[0];
            match new {
                Some(to) => rows.set_cut(at, common.budget, to),
                None => rows.clear_cuts(at),
            }
            self.linear[k] = rows.linear(at);
            if common.summed {
                if let Some(change) = done.changes.get_mut(rows.class(at)) {
                    if rows.cut_change(at, &[was], rows.cuts(at), change) {
                        continue;
                    }
                }
            }
            done.whole.push((at, was));
        }
        if let Some(change) = common.class.and_then(|c| done.changes.get_mut(c)) {
            for (kind, &fen) in by_kind.iter().enumerate() {
                if fen != 0 {
                    Linear::add(kind as u8, fen, common.fund, change);
                }
            }
        }
        done
    }
}

/// Adds what `from` changes to `into`.
fn absorb(into: &mut CutChange, from: &CutChange) {
    if into.paid.len() < from.paid.len() {
        into.paid.resize(from.paid.len(), 0);
    }
    for (a, b) in into.paid.iter_mut().zip(&from.paid) {
        *a += b;
    }
    if into.cuts.len() < from.cuts.len() {
        into.cuts.resize(from.cuts.len(), (0, 0));
    }
    for (a, b) in into.cuts.iter_mut().zip(&from.cuts) {
        a.0 += b.0;
        a.1 += b.1;
    }
    into.subsidy += from.subsidy;
    into.gap += from.gap;
    into.shortfall += from.shortfall;
    into.surplus += from.surplus;
    into.due += from.due;
    into.outstanding += from.outstanding;
}
