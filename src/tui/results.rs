//! What one rule set makes of the table's rows: each row's kept amounts ([`Briefs`]), the
//! totals, and what the allocating budgets were asked and paid. The table keeps one of these
//! for the rules in force and, while a variant is shown (SPEC §9), a second one for the
//! variant's rules over the same rows, kept current change by change in the same way: the old
//! row is taken out, the new one put in, and only the envelopes touched are shared out again.

use super::alloc::{self, Allocated, Dirty};
use super::brief::{Briefs, Column, Outcome, State};
use super::prorated::Kept;
use crate::engine::{Breakdown, Segment};
use crate::report::allocate::Envelope;
use crate::report::Summary;
use crate::rules::RuleSet;
use crate::table::columns::Columns;
use crate::table::idform::{same_id, SeenIds};
use crate::table::row::RowText;
use crate::table::sheet::{Judged, Sheet, SheetRow};
use crate::table::{Field, Problem, RowError};

/// A row that computes: its segment and the engine's breakdown of it.
#[derive(Debug, Clone)]
pub struct Computed {
    /// The row's values, parsed and checked.
    pub segment: Segment,
    /// What each fund pays, the subsidy, the shortfall and the notes.
    pub breakdown: Breakdown,
}

/// What the engine made of one row, in full (for the row looked at; [`Briefs`] keeps what
/// every row needs).
#[derive(Debug, Clone)]
pub enum Calc {
    /// A valid segment and its breakdown.
    Good(Box<Computed>),
    /// Why the row cannot be computed.
    Bad(Vec<RowError>),
}

impl Calc {
    /// Whether the row is no segment at all (a totals or a note row): left out of every
    /// total and report, as batch runs leave it out, and never counted among the rows that
    /// cannot be computed.
    pub fn not_a_segment(&self) -> bool {
        matches!(self, Calc::Bad(e) if e.iter().any(|e| matches!(e.problem, Problem::TotalsRow | Problem::NoteRow)))
    }

    /// Whether the row is a totals row (合计, 总计 …), shown as one.
    pub fn is_totals(&self) -> bool {
        matches!(self, Calc::Bad(e) if e.iter().any(|e| e.problem == Problem::TotalsRow))
    }

    /// Whether the row is a note (备注, 说明 …), shown as one.
    pub fn is_note(&self) -> bool {
        matches!(self, Calc::Bad(e) if e.iter().any(|e| e.problem == Problem::NoteRow))
    }
}

/// What the engine makes of `row` under `rules`, read through `columns` (the sheet's own, or
/// a copy for other rules: which columns hold approved amounts depends on the rules), on the
/// path batch runs take ([`row::evaluate`]); `duplicate_id` when its id was seen on an earlier
/// row.
fn calc(
    rules: &RuleSet,
    columns: &Columns,
    sheet: &Sheet,
    row: &SheetRow,
    duplicate_id: bool,
) -> Calc {
    match sheet.judge(rules, columns, row, duplicate_id) {
        // Every row of the table is shown: a totals row is one that is not computed, and
        // its explanation says why.
        // So is a note (备注, 说明), which batch runs leave out as they leave out totals: said
        // as a note, not as a totals row.
        Judged::Totals
            if crate::table::row::note_row(&row.record(&mut Vec::new()), columns).is_some() =>
        {
            Calc::Bad(vec![RowError::row(row.line, Problem::NoteRow)])
        }
        Judged::Totals => Calc::Bad(vec![RowError {
            line: row.line,
            column: columns.names.first().cloned(),
            value: Some(row.get(0).trim().to_string()),
            problem: Problem::TotalsRow,
        }]),
        Judged::Good(g) => {
            let (segment, breakdown) = *g;
            Calc::Good(Box::new(Computed { segment, breakdown }))
        }
        Judged::Bad(errors) => Calc::Bad(errors),
    }
}

/// Keeps what `c` says of row `at` in `briefs` through `put` (insert or set): a repeated id
/// makes the row bad whatever it holds, and a good row whose amounts do not fit the kept
/// form (never, within the ranges the reader accepts) is kept as too large.
fn keep(
    briefs: &mut Briefs,
    at: usize,
    c: &Calc,
    repeat: bool,
    put: fn(&mut Briefs, usize, Outcome<'_>, State) -> bool,
) {
    let kept = match c {
        // A totals row's 合计 may repeat another's; it is still no segment, not a repeat.
        c if c.not_a_segment() => put(briefs, at, None, State::NotSegment),
        _ if repeat => put(briefs, at, None, State::Repeat),
        Calc::Good(g) => put(briefs, at, Some((&g.segment, &g.breakdown)), State::Good),
        Calc::Bad(_) => put(briefs, at, None, State::Bad),
    };
    if !kept {
        put(briefs, at, None, State::TooLarge);
    }
}

/// Row `row`'s id, township and village, as totals group it.
pub fn text_of<'a>(sheet: &'a Sheet, row: &'a SheetRow) -> RowText<'a> {
    let (township, village) = row.place(&sheet.columns);
    RowText {
        id: sheet
            .columns
            .index(Field::Id)
            .map_or("", |i| row.get(i).trim()),
        township,
        village,
    }
}

/// Every row of one sheet as one rule set computes it, and the totals.
pub struct Results {
    /// One per row of the sheet.
    briefs: Briefs,
    /// Totals of the good rows.
    pub summary: Summary,
    /// What the allocating budgets' envelopes were asked and paid.
    allocated: Allocated,
    /// The envelopes touched by the change being made, allocated again once it is made.
    dirty: Dirty,
    /// The one prorated envelope, kept between edits when the rules have one.
    kept: Option<Kept>,
}

impl Results {
    /// Computes every row of `sheet` under `rules`, read through `columns`.
    pub fn new(rules: &RuleSet, columns: &Columns, sheet: &Sheet) -> Results {
        let mut results = Results::unallocated(rules, columns, sheet);
        results.reallocate(rules, sheet);
        results
    }

    /// Computes every row of `sheet` (a table's first rows) under `rules` with the cuts the
    /// table read whole makes (`shares`), instead of sharing the envelopes out over these
    /// rows alone. Nothing is allocated again until a change is made (none is while the
    /// table is read).
    pub fn with_shares(
        rules: &RuleSet,
        columns: &Columns,
        sheet: &Sheet,
        shares: super::shares::Shares,
    ) -> Results {
        let mut results = Results::unallocated(rules, columns, sheet);
        results.dirty = Dirty::new(rules.budgets.len());
        let (mut seg, mut b) = super::brief::blank();
        for (at, cuts) in shares.cuts.iter().enumerate() {
            if cuts.is_empty() || results.briefs.state(at) != State::Good {
                continue;
            }
            let before = results.briefs.cuts(at).to_vec();
            for &(budget, to) in cuts {
                results.briefs.set_cut(at, budget, to);
            }
            // The totals take the row out as computed and put it back in as cut, as an
            // allocation does (`alloc::reallocate`).
            let text = text_of(sheet, &sheet.rows[at]);
            let text = RowText { id: "", ..text };
            if results
                .briefs
                .for_totals_into(at, &before, &mut seg, &mut b)
            {
                let _ = results.summary.remove(rules, &seg, &text, &b);
            }
            if results
                .briefs
                .for_totals_into(at, results.briefs.cuts(at), &mut seg, &mut b)
            {
                let _ = results.summary.add(rules, &seg, &text, &b);
            }
        }
        results.allocated.uses = shares.uses;
        results
    }

    /// Every row of `sheet` computed, no envelope shared out yet (every one marked).
    fn unallocated(rules: &RuleSet, columns: &Columns, sheet: &Sheet) -> Results {
        let mut briefs = Briefs::new(rules, sheet.rows.len());
        let mut summary = Summary::new(rules, &[]);
        let id_col = sheet.columns.index(Field::Id);
        // An id seen on an earlier row makes the row bad, as in a batch run. Sized up front:
        // growing would hold the old table and the new one at once.
        let mut seen: SeenIds = SeenIds::with_capacity(match id_col {
            Some(_) => sheet.rows.len(),
            None => 0,
        });
        for row in &sheet.rows {
            let repeat = id_col.is_some_and(|col| {
                let id = row.get(col).trim();
                !id.is_empty() && !seen.insert(id)
            });
            let c = calc(rules, columns, sheet, row, repeat);
            let at = briefs.len();
            keep(&mut briefs, at, &c, repeat, Briefs::insert);
            if let (Calc::Good(g), State::Good) = (&c, briefs.state(at)) {
                let _ = summary.add(rules, &g.segment, &text_of(sheet, row), &g.breakdown);
            }
        }
        drop(seen);
        let budgets = rules.budgets.len();
        Results {
            briefs,
            summary,
            allocated: Allocated {
                uses: vec![Default::default(); budgets],
                error: None,
            },
            dirty: Dirty::everything(budgets),
            kept: None,
        }
    }

    /// Shares out again the envelopes the change just made touched (SPEC §8).
    pub fn reallocate(&mut self, rules: &RuleSet, sheet: &Sheet) {
        alloc::reallocate(
            rules,
            sheet,
            &mut self.briefs,
            &mut self.summary,
            &mut self.allocated,
            &mut self.dirty,
            &mut self.kept,
        );
    }

    /// Whether the one prorated envelope is kept between edits ([`Kept`]): how many changes
    /// were shared out from it since it was made.
    pub fn keeps_envelope(&self) -> Option<u64> {
        self.kept.as_ref().map(Kept::edits)
    }

    /// What the allocating budgets' envelopes were asked and paid.
    pub fn allocated(&self) -> &Allocated {
        &self.allocated
    }

    /// The allocating budgets (in rules order), as their cuts are kept per row.
    pub fn allocating(&self) -> &[crate::engine::BudgetCut] {
        self.briefs.allocating()
    }

    /// What allocating budget number `slot` pays row `at` and what the row asked of it, in
    /// fen, when it pays less than asked.
    pub fn cut_of(&self, at: usize, slot: usize) -> Option<(i64, i64)> {
        let to = self.briefs.cut(at, slot)?;
        let fund = self.briefs.allocating()[slot].fund;
        // What it asked: what the budgets before this one on the same fund left it.
        let from = (0..slot)
            .rev()
            .filter(|&s| self.briefs.allocating()[s].fund == fund)
            .find_map(|s| self.briefs.cut(at, s))
            .unwrap_or_else(|| self.briefs.uncut(at, fund));
        Some((from, to))
    }

    /// Takes row `at` (as the sheet holds it now) out of the totals, marking its envelopes.
    pub fn take_out(&mut self, rules: &RuleSet, sheet: &Sheet, at: usize) {
        alloc::mark_row(rules, &self.briefs, sheet, &mut self.dirty, at);
        if let Some((seg, b)) = self.briefs.for_totals(at) {
            let text = text_of(sheet, &sheet.rows[at]);
            let _ = self.summary.remove(rules, &seg, &text, &b);
        }
    }

    /// What the engine makes of row `at`, in full: computed again from its text (as it was
    /// when the row was last computed, so the same numbers), with a repeated id marked.
    /// A budget's cuts are made again, in rules order, with the fen the row was allocated.
    pub fn calc(&self, rules: &RuleSet, columns: &Columns, sheet: &Sheet, at: usize) -> Calc {
        let row = &sheet.rows[at];
        let mut c = match self.briefs.state(at) {
            State::Repeat => calc(rules, columns, sheet, row, true),
            State::TooLarge => Calc::Bad(vec![RowError::row(row.line, Problem::Overflow)]),
            State::Good | State::Bad | State::NotSegment => calc(rules, columns, sheet, row, false),
        };
        if let Calc::Good(g) = &mut c {
            let (township, village) = alloc::place(sheet, at);
            for (slot, cut) in self.briefs.allocating().iter().enumerate() {
                let Some(to) = self.briefs.cut(at, slot) else {
                    continue;
                };
                let budget = &rules.budgets[cut.budget];
                let asked = Envelope::of(budget, g.segment.class, township, village)
                    .and_then(|e| self.allocated.uses[cut.budget].get(&e))
                    .and_then(|u| crate::money::from_fen(u.asked))
                    .unwrap_or_default();
                let cut = crate::engine::BudgetCut { asked, ..*cut };
                if crate::engine::cut(rules, &g.segment, &mut g.breakdown, cut, i128::from(to))
                    .is_err()
                {
                    return Calc::Bad(vec![RowError::row(row.line, Problem::Overflow)]);
                }
            }
        }
        c
    }

    /// Whether row `at` was computed.
    pub fn is_good(&self, at: usize) -> bool {
        self.briefs.state(at) == State::Good
    }

    /// A computed column of row `at`, when the row is good.
    pub fn amount(&self, at: usize, column: Column) -> Option<rust_decimal::Decimal> {
        self.briefs.amount(at, column)
    }

    /// Adds row `at`, when it is good, to `totals` (grouped by nothing).
    pub fn add_to(&self, rules: &RuleSet, at: usize, totals: &mut Summary) {
        if let Some((seg, b)) = self.briefs.for_totals(at) {
            let text = RowText {
                id: "",
                township: "",
                village: "",
            };
            let _ = totals.add(rules, &seg, &text, &b);
        }
    }

    /// Adds row `at`, when it is good, to a group's `totals`: what [`Results::add_to`] adds
    /// to a summary's total, from the fen kept for the row, with no segment and breakdown
    /// made (a group's subtotal puts a million rows through).
    pub fn add_to_totals(&self, at: usize, totals: &mut crate::report::Totals) {
        if let Some((part, paid)) = self.briefs.totals_part(at, self.briefs.cuts(at)) {
            let _ = totals.add_part(&part, paid, false);
        }
    }

    /// Recomputes row `at` and adds it to the totals. Whether its id repeats an earlier row's
    /// is looked up (across every row above) only when its id is new to it or it was a repeat:
    /// otherwise it stays as it was.
    pub fn put_in(
        &mut self,
        rules: &RuleSet,
        columns: &Columns,
        sheet: &Sheet,
        at: usize,
        new_id: bool,
    ) {
        let recheck = new_id || self.is_marked_duplicate(at);
        let row = &sheet.rows[at];
        let repeat = match sheet.columns.index(Field::Id).filter(|_| recheck) {
            Some(col) => {
                let id = row.get(col).trim();
                !id.is_empty()
                    && sheet.rows[..at]
                        .iter()
                        .any(|r| same_id(r.get(col).trim(), id))
            }
            None => false,
        };
        let c = calc(rules, columns, sheet, row, repeat);
        keep(&mut self.briefs, at, &c, repeat, Briefs::set);
        if let (Calc::Good(g), State::Good) = (&c, self.briefs.state(at)) {
            let text = text_of(sheet, row);
            let _ = self.summary.add(rules, &g.segment, &text, &g.breakdown);
        }
        alloc::mark_row(rules, &self.briefs, sheet, &mut self.dirty, at);
    }

    /// Makes room for a row inserted at `at` (computed by [`Results::put_in`] next).
    pub fn insert(&mut self, at: usize) {
        self.dirty.moved();
        self.briefs.insert(at, None, State::Bad);
    }

    /// Forgets row `at` (deleted, after [`Results::take_out`]).
    pub fn remove(&mut self, at: usize) {
        self.dirty.moved();
        self.briefs.remove(at);
    }

    /// Recomputes every row whose id is `id`, when there is more than one or one was a
    /// repeat: which of them counts as the repeat may have changed.
    pub fn refresh_id(
        &mut self,
        rules: &RuleSet,
        columns: &Columns,
        sheet: &Sheet,
        col: usize,
        id: &str,
    ) {
        let id = id.trim();
        if id.is_empty() {
            return;
        }
        let rows: Vec<usize> = (0..sheet.rows.len())
            .filter(|&i| same_id(sheet.rows[i].get(col).trim(), id))
            .collect();
        if rows.len() < 2 && !rows.iter().any(|&i| self.is_marked_duplicate(i)) {
            return;
        }
        for i in rows {
            self.take_out(rules, sheet, i);
            self.put_in(rules, columns, sheet, i, true);
        }
    }

    /// Whether row `at` is no segment (a totals or a note row).
    pub fn not_a_segment(&self, at: usize) -> bool {
        self.briefs.state(at) == State::NotSegment
    }

    /// How many rows are no segment (totals and note rows).
    pub fn not_segments(&self) -> usize {
        (0..self.briefs.len())
            .filter(|&at| self.not_a_segment(at))
            .count()
    }

    fn is_marked_duplicate(&self, at: usize) -> bool {
        self.briefs.state(at) == State::Repeat
    }
}
