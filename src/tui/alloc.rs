//! Budgets that bind, in the table view (SPEC §8): after every change, the envelopes it
//! touched are shared out again by [`report::allocate`](crate::report::allocate) — the same
//! arithmetic a batch run uses — over the rows under them, and each row keeps the fen each
//! allocating budget pays it ([`Briefs`]). An envelope no change touched keeps its cuts.
//!
//! Rows under a touched envelope may be under an envelope of another budget too (a
//! county-wide budget and one per village): those are taken whole as well, so every
//! envelope allocated sees all its rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::brief::{Briefs, State};
use super::prorated::Kept;
use crate::engine::BudgetCut;
use crate::report::allocate::{allocate, AllocError, Envelope, EnvelopeUse, Rows};
use crate::report::Summary;
use crate::rules::{ClassId, FundId, RuleSet};
use crate::table::sheet::Sheet;
use crate::table::RowText;

/// What the allocating budgets' envelopes were asked and paid, and why an allocation could
/// not be made, if it could not.
#[derive(Debug, Clone, Default)]
pub struct Allocated {
    /// Per budget in rules order: its envelopes (only allocating budgets have any here).
    pub uses: Vec<BTreeMap<Envelope, EnvelopeUse>>,
    /// The last allocation that failed (then the rows it would have cut are paid in full).
    pub error: Option<AllocError>,
}

/// The envelopes changes touched since the last allocation.
#[derive(Debug, Clone, Default)]
pub struct Dirty {
    /// Every envelope (a table just opened).
    everything: bool,
    /// Per budget: its one envelope.
    whole: Vec<bool>,
    /// Per budget: the villages (by township) of a budget per village.
    villages: Vec<HashMap<String, HashSet<String>>>,
    /// The rows marked, as they were numbered when marked.
    rows: Vec<usize>,
    /// Whether a row was inserted or deleted since (so the numbers above moved).
    moved: bool,
}

impl Dirty {
    /// Nothing touched, for `budgets` budgets.
    pub fn new(budgets: usize) -> Dirty {
        Dirty {
            everything: false,
            whole: vec![false; budgets],
            villages: vec![HashMap::new(); budgets],
            rows: Vec::new(),
            moved: false,
        }
    }

    /// Notes that a row was inserted or deleted: rows are numbered anew.
    pub fn moved(&mut self) {
        self.moved = true;
    }

    /// Every envelope touched.
    pub fn everything(budgets: usize) -> Dirty {
        Dirty {
            everything: true,
            ..Dirty::new(budgets)
        }
    }

    fn is_empty(&self) -> bool {
        !self.everything
            && !self.whole.iter().any(|&w| w)
            && self.villages.iter().all(HashMap::is_empty)
    }

    /// Whether the envelope of budget `b` a row of `class` in `township`/`village` falls in
    /// was touched.
    fn has(&self, rules: &RuleSet, b: usize, class: ClassId, place: (&str, &str)) -> bool {
        let budget = &rules.budgets[b];
        if budget.class.is_some_and(|c| c != class) {
            return false;
        }
        if self.everything {
            return true;
        }
        if budget.per_village {
            self.villages[b]
                .get(place.0)
                .is_some_and(|v| v.contains(place.1))
        } else {
            self.whole[b]
        }
    }

    /// Marks the envelope of budget `b` a row of `class` in `place` falls in; whether it was
    /// not marked before.
    fn mark(&mut self, rules: &RuleSet, b: usize, class: ClassId, place: (&str, &str)) -> bool {
        if self.has(rules, b, class, place) || rules.budgets[b].class.is_some_and(|c| c != class) {
            return false;
        }
        if rules.budgets[b].per_village {
            self.villages[b]
                .entry(place.0.to_string())
                .or_default()
                .insert(place.1.to_string())
        } else {
            self.whole[b] = true;
            true
        }
    }

    /// The envelopes of budget `b` marked (for an `everything`, none: all are replaced).
    fn keys(&self, b: usize) -> Vec<Envelope> {
        let mut keys: Vec<Envelope> = Vec::new();
        if self.whole[b] {
            keys.push(Envelope::Whole);
        }
        for (township, villages) in &self.villages[b] {
            keys.extend(villages.iter().map(|v| Envelope::Village {
                township: township.clone(),
                village: v.clone(),
            }));
        }
        keys
    }
}

/// A row's township and village as the sheet holds them.
pub fn place(sheet: &Sheet, at: usize) -> (&str, &str) {
    sheet.rows[at].place(&sheet.columns)
}

/// Row `at`'s township and village when some budget of `rules` is per village; otherwise
/// nothing reads them (a budget's one envelope, and totals without groups), and a large table
/// is spared reading every row's text at each allocation.
pub(super) fn place_if_needed<'s>(
    rules: &RuleSet,
    sheet: &'s Sheet,
    at: usize,
) -> (&'s str, &'s str) {
    if rules.budgets.iter().any(|b| b.per_village) {
        place(sheet, at)
    } else {
        ("", "")
    }
}

/// Marks the envelopes row `at` (when good) falls in, under every allocating budget.
pub fn mark_row(rules: &RuleSet, briefs: &Briefs, sheet: &Sheet, dirty: &mut Dirty, at: usize) {
    if briefs.allocating().is_empty() || briefs.state(at) != State::Good {
        return;
    }
    dirty.rows.push(at);
    let class = briefs.class(at);
    let place = place_if_needed(rules, sheet, at);
    for c in briefs.allocating() {
        dirty.mark(rules, c.budget, class, place);
    }
}

/// The rows of the table under the envelopes being allocated again, in table order, as
/// [`allocate`] reads and cuts them.
struct Under<'a> {
    briefs: &'a mut Briefs,
    rows: &'a [usize],
    /// Each row's township and village, read from the sheet once (an allocation reads them
    /// once per budget); none when no budget is per village (then none is read).
    places: &'a [(&'a str, &'a str)],
}

impl Rows for Under<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn is_good(&self, i: usize) -> bool {
        self.briefs.state(self.rows[i]) == State::Good
    }

    fn class(&self, i: usize) -> ClassId {
        self.briefs.class(self.rows[i])
    }

    fn place(&self, i: usize) -> (&str, &str) {
        self.places.get(i).copied().unwrap_or(("", ""))
    }

    fn priority(&self, i: usize) -> Option<i64> {
        self.briefs.priority(self.rows[i])
    }

    fn paid(&self, i: usize, fund: FundId) -> i128 {
        i128::from(self.briefs.paid_now(self.rows[i], fund))
    }

    fn cut(&mut self, i: usize, cut: BudgetCut, to: i128) -> Result<(), AllocError> {
        let to = i64::try_from(to).map_err(|_| AllocError::Overflow)?;
        self.briefs.set_cut(self.rows[i], cut.budget, to);
        Ok(())
    }
}

/// Allocates the envelopes `dirty` marks again (and every envelope sharing a row with one),
/// keeping the rows' cuts, `allocated` and `summary` current; `dirty` is left empty. The one
/// prorated envelope `kept`, when there is one, is shared out again from what it kept (rows
/// only edited); otherwise everything marked is allocated whole, and `kept` made anew.
pub fn reallocate(
    rules: &RuleSet,
    sheet: &Sheet,
    briefs: &mut Briefs,
    summary: &mut Summary,
    allocated: &mut Allocated,
    dirty: &mut Dirty,
    kept: &mut Option<Kept>,
) {
    let budgets = rules.budgets.len();
    let mut taken = std::mem::replace(dirty, Dirty::new(budgets));
    if taken.moved || taken.everything {
        *kept = None;
    }
    if briefs.allocating().is_empty() || taken.is_empty() {
        // Rows numbered anew, none under an envelope changed: the envelope is as it was.
        if taken.moved && allocated.error.is_none() {
            *kept = Kept::of(rules, briefs);
        }
        return;
    }
    if let Some(k) = kept.as_mut() {
        taken.rows.sort_unstable();
        taken.rows.dedup();
        if k.again(rules, sheet, briefs, summary, allocated, &taken.rows) {
            return;
        }
    }
    let mut dirty = taken;

    let slots: Vec<usize> = briefs.allocating().iter().map(|c| c.budget).collect();
    // The rows under a marked envelope; their other envelopes are marked in turn, until
    // none is added.
    let n = sheet.rows.len();
    let mut under = vec![false; n];
    loop {
        let mut added = false;
        for (at, taken) in under.iter_mut().enumerate() {
            if *taken || briefs.state(at) != State::Good {
                continue;
            }
            let class = briefs.class(at);
            let place = place_if_needed(rules, sheet, at);
            if slots.iter().any(|&b| dirty.has(rules, b, class, place)) {
                *taken = true;
                for &b in &slots {
                    added |= dirty.mark(rules, b, class, place);
                }
            }
        }
        if !added {
            break;
        }
    }
    let rows: Vec<usize> = (0..n).filter(|&at| under[at]).collect();
    drop(under);
    // Read only when a budget is per village: 32 bytes for each row allocated, which the
    // largest tables would hold at their peak for nothing.
    let places: Vec<(&str, &str)> = if rules.budgets.iter().any(|b| b.per_village) {
        rows.iter().map(|&at| place(sheet, at)).collect()
    } else {
        Vec::new()
    };
    let width = slots.len();
    let mut before = Vec::with_capacity(rows.len() * width);
    for &at in &rows {
        before.extend_from_slice(briefs.cuts(at));
        briefs.clear_cuts(at);
    }
    let mut result = allocate(
        rules,
        &mut Under {
            briefs,
            rows: &rows,
            places: &places,
        },
    );
    allocated.error = result.as_ref().err().copied();
    for (b, uses) in allocated.uses.iter_mut().enumerate() {
        if !slots.contains(&b) {
            continue;
        }
        if dirty.everything {
            uses.clear();
        }
        for key in dirty.keys(b) {
            uses.remove(&key);
        }
        if let Ok(a) = &mut result {
            for (key, mut used) in std::mem::take(&mut a.budgets[b]) {
                // Positions among the rows allocated, not the table's: the overlay finds the
                // rows cut from what each row keeps.
                used.cut_rows = Vec::new();
                uses.insert(key, used);
            }
        }
    }
    // The totals take out what each row that changed was, and add what it is now (through
    // one segment and breakdown, reused: thousands of rows may change).
    let (mut seg, mut b) = super::brief::blank();
    for (k, &at) in rows.iter().enumerate() {
        let (township, village) = places.get(k).copied().unwrap_or(("", ""));
        if result.is_err() {
            briefs.clear_cuts(at);
        }
        let old = &before[k * width..(k + 1) * width];
        if old == briefs.cuts(at) {
            continue;
        }
        // The totals group by township and village, never by id.
        let text = RowText {
            id: "",
            township,
            village,
        };
        if briefs.for_totals_into(at, old, &mut seg, &mut b) {
            let _ = summary.remove(rules, &seg, &text, &b);
        }
        if briefs.for_totals_into(at, briefs.cuts(at), &mut seg, &mut b) {
            let _ = summary.add(rules, &seg, &text, &b);
        }
    }
    *kept = match &result {
        Ok(_) => Kept::of(rules, briefs),
        Err(_) => None,
    };
}
