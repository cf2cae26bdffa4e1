//! The table being edited: its rows, what the engine made of each ([`Briefs`]: the amounts
//! only; a row's full breakdown is computed again when it is looked at), running totals, and
//! the undo history. Every change goes through [`Doc::apply`], which keeps the totals right by
//! taking the old row out and putting the new one in — never recomputing every row.

use std::path::PathBuf;

use super::alloc::{self, Allocated, Dirty};
use super::brief::{Briefs, Column, Outcome, State};
use super::saved::SinceSave;
use crate::engine::{Breakdown, Segment};
use crate::i18n::Lang;
use crate::report::allocate::Envelope;
use crate::report::Summary;
use crate::rules::RuleSet;
use crate::table::row::{self, Evaluated, RowText};
use crate::table::sheet::{Sheet, SheetRow};
use crate::table::{Field, Problem, RowError};

/// What the engine made of one row, in full (for the row looked at; [`Briefs`] keeps what
/// every row needs).
/// A row that computes: its segment and the engine's breakdown of it.
#[derive(Debug, Clone)]
pub struct Computed {
    /// The row's values, parsed and checked.
    pub segment: Segment,
    /// What each fund pays, the subsidy, the shortfall and the notes.
    pub breakdown: Breakdown,
}

#[derive(Debug, Clone)]
pub enum Calc {
    /// A valid segment and its breakdown.
    Good(Box<Computed>),
    /// Why the row cannot be computed.
    Bad(Vec<RowError>),
}

/// One change to the data, as recorded for undo, redo and the recovery journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Field `col` of row `row` changes from `old` to `new`, the row from `fields.0` fields to
    /// `fields.1` (a short row grows to hold the field): undone, a short row is short again,
    /// exactly as the file holds it.
    Set {
        row: usize,
        col: usize,
        old: String,
        new: String,
        fields: (usize, usize),
    },
    /// `row` is inserted at `at`.
    Insert { at: usize, row: SheetRow },
    /// The row at `at` (which is `row`) is deleted.
    Delete { at: usize, row: SheetRow },
}

impl Op {
    /// Sets field `col` of `current` (row `row`) to `new`.
    pub fn set(row: usize, current: &SheetRow, col: usize, new: &str) -> Op {
        Op::Set {
            row,
            col,
            old: current.get(col).to_string(),
            new: new.to_string(),
            fields: (current.len(), current.len().max(col + 1)),
        }
    }

    /// The change that undoes this one.
    pub fn inverse(&self) -> Op {
        match self.clone() {
            Op::Set {
                row,
                col,
                old,
                new,
                fields: (before, after),
            } => Op::Set {
                row,
                col,
                old: new,
                new: old,
                fields: (after, before),
            },
            Op::Insert { at, row } => Op::Delete { at, row },
            Op::Delete { at, row } => Op::Insert { at, row },
        }
    }
}

/// The document: a sheet, its computed rows and totals, and its history.
pub struct Doc {
    /// The data.
    pub sheet: Sheet,
    /// Where it is saved (None for a new table).
    pub path: Option<PathBuf>,
    /// One per row of `sheet.rows`.
    briefs: Briefs,
    /// Totals of the good rows.
    pub summary: Summary,
    undo: Vec<Op>,
    redo: Vec<Op>,
    /// How the table differs from the file on disk.
    since: SinceSave,
    /// What the allocating budgets' envelopes were asked and paid.
    allocated: Allocated,
    /// The envelopes touched by the change being made, allocated again once it is made.
    dirty: Dirty,
}

/// `row` with field `col` set to `new` and `fields` fields (a short row grows to hold `col`;
/// undoing that makes it short again).
pub fn set_field(row: &SheetRow, col: usize, new: &str, fields: usize) -> SheetRow {
    let changed = row.with(col, new);
    if changed.len() > fields {
        SheetRow::new((0..fields).map(|i| changed.get(i)), changed.line)
    } else {
        changed
    }
}

/// What the engine makes of `row`, on the path batch runs take ([`row::evaluate`]);
/// `duplicate_id` when its id was seen on an earlier row.
fn calc(rules: &RuleSet, sheet: &Sheet, row: &SheetRow, duplicate_id: bool) -> Calc {
    // A workbook cell whose formula was never calculated holds no value, not a blank one:
    // said as a batch run says it, until a value is typed in.
    if let Some(col) = sheet.formula_without_result(row.line) {
        let mut ends = Vec::new();
        // A totals row (合计 = SUM(…)) is a totals row whatever its formulas hold.
        let totals = row::is_totals_row(&row.record(&mut ends), &sheet.columns);
        if row.get(col).trim().is_empty() && !totals {
            return Calc::Bad(vec![RowError {
                column: sheet.columns.names.get(col).cloned(),
                ..RowError::row(row.line, Problem::NoSavedResult)
            }]);
        }
    }
    let mut errors = Vec::new();
    let mut ends = Vec::new();
    let record = row.record(&mut ends);
    let mut breakdown = Breakdown::default();
    match row::evaluate(
        &record,
        &sheet.columns,
        rules,
        duplicate_id,
        &mut errors,
        &mut breakdown,
    ) {
        // Every row of the table is shown: a totals row is one that is not computed, and
        // its explanation says why.
        Evaluated::Totals => Calc::Bad(vec![RowError {
            line: row.line,
            column: sheet.columns.names.first().cloned(),
            value: Some(row.get(0).trim().to_string()),
            problem: Problem::TotalsRow,
        }]),
        Evaluated::Good { segment, .. } => Calc::Good(Box::new(Computed { segment, breakdown })),
        Evaluated::Bad => Calc::Bad(errors),
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
        _ if repeat => put(briefs, at, None, State::Repeat),
        Calc::Good(g) => put(briefs, at, Some((&g.segment, &g.breakdown)), State::Good),
        Calc::Bad(_) => put(briefs, at, None, State::Bad),
    };
    if !kept {
        put(briefs, at, None, State::TooLarge);
    }
}

fn text_of<'a>(sheet: &'a Sheet, row: &'a SheetRow) -> RowText<'a> {
    let get = |f: Field| sheet.columns.index(f).map_or("", |i| row.get(i).trim());
    RowText {
        id: get(Field::Id),
        township: get(Field::Township),
        village: get(Field::Village),
    }
}

impl Doc {
    /// Computes every row of `sheet`.
    pub fn new(sheet: Sheet, path: Option<PathBuf>, rules: &RuleSet) -> Doc {
        let mut briefs = Briefs::new(rules, sheet.rows.len());
        let mut summary = Summary::new(rules, &[]);
        let id_col = sheet.columns.index(Field::Id);
        // An id seen on an earlier row makes the row bad, as in a batch run. Sized up front:
        // growing would hold the old table and the new one at once.
        let mut seen = std::collections::HashSet::with_capacity(match id_col {
            Some(_) => sheet.rows.len(),
            None => 0,
        });
        for row in &sheet.rows {
            let repeat = id_col.is_some_and(|col| {
                let id = row.get(col).trim();
                !id.is_empty() && !seen.insert(id)
            });
            let c = calc(rules, &sheet, row, repeat);
            let at = briefs.len();
            keep(&mut briefs, at, &c, repeat, Briefs::insert);
            if let (Calc::Good(g), State::Good) = (&c, briefs.state(at)) {
                let _ = summary.add(rules, &g.segment, &text_of(&sheet, row), &g.breakdown);
            }
        }
        drop(seen);
        let budgets = rules.budgets.len();
        let mut doc = Doc {
            sheet,
            path,
            briefs,
            summary,
            undo: Vec::new(),
            redo: Vec::new(),
            since: SinceSave::default(),
            allocated: Allocated {
                uses: vec![Default::default(); budgets],
                error: None,
            },
            dirty: Dirty::everything(budgets),
        };
        doc.reallocate(rules);
        doc
    }

    /// Shares out again the envelopes the change just made touched (SPEC §8).
    fn reallocate(&mut self, rules: &RuleSet) {
        alloc::reallocate(
            rules,
            &self.sheet,
            &mut self.briefs,
            &mut self.summary,
            &mut self.allocated,
            &mut self.dirty,
        );
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

    /// Whether the table differs from the file on disk (as opened or last saved), whatever
    /// changes, undos and redos led here. A count of changes would not do: undoing past a save
    /// and then making a new change would count back to zero on a table that differs.
    pub fn modified(&self) -> bool {
        self.since.modified()
    }

    /// Marks the table as now the same as the file on disk (after a save).
    pub fn mark_saved(&mut self) {
        self.since.saved();
    }

    fn take_out(&mut self, rules: &RuleSet, at: usize) {
        alloc::mark_row(rules, &self.briefs, &self.sheet, &mut self.dirty, at);
        if let Some((seg, b)) = self.briefs.for_totals(at) {
            let text = text_of(&self.sheet, &self.sheet.rows[at]);
            let _ = self.summary.remove(rules, &seg, &text, &b);
        }
    }

    /// What the engine makes of row `at`, in full: computed again from its text (as it was
    /// when the row was last computed, so the same numbers), with a repeated id marked.
    /// A budget's cuts are made again, in rules order, with the fen the row was allocated.
    pub fn calc(&self, rules: &RuleSet, at: usize) -> Calc {
        let row = &self.sheet.rows[at];
        let mut c = match self.briefs.state(at) {
            State::Repeat => calc(rules, &self.sheet, row, true),
            State::TooLarge => Calc::Bad(vec![RowError::row(row.line, Problem::Overflow)]),
            State::Good | State::Bad => calc(rules, &self.sheet, row, false),
        };
        if let Calc::Good(g) = &mut c {
            let (township, village) = alloc::place(&self.sheet, at);
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

    /// Row `at`'s id, township and village, as totals group it.
    pub fn row_text(&self, at: usize) -> RowText<'_> {
        text_of(&self.sheet, &self.sheet.rows[at])
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

    /// Recomputes row `at` and adds it to the totals. Whether its id repeats an earlier row's
    /// is looked up (across every row above) only when its id is new to it or it was a repeat:
    /// otherwise it stays as it was.
    fn put_in(&mut self, rules: &RuleSet, at: usize, new_id: bool) {
        let recheck = new_id || self.is_marked_duplicate(at);
        let row = &self.sheet.rows[at];
        let repeat = match self.sheet.columns.index(Field::Id).filter(|_| recheck) {
            Some(col) => {
                let id = row.get(col).trim();
                !id.is_empty()
                    && self.sheet.rows[..at]
                        .iter()
                        .any(|r| r.get(col).trim() == id)
            }
            None => false,
        };
        let c = calc(rules, &self.sheet, row, repeat);
        keep(&mut self.briefs, at, &c, repeat, Briefs::set);
        if let (Calc::Good(g), State::Good) = (&c, self.briefs.state(at)) {
            let text = text_of(&self.sheet, row);
            let _ = self.summary.add(rules, &g.segment, &text, &g.breakdown);
        }
        alloc::mark_row(rules, &self.briefs, &self.sheet, &mut self.dirty, at);
    }

    /// Carries out a change, keeping breakdowns and totals current.
    pub fn apply(&mut self, rules: &RuleSet, op: &Op) {
        self.apply_one(rules, op);
        self.apply_ids(rules, op);
        self.reallocate(rules);
    }

    fn apply_ids(&mut self, rules: &RuleSet, op: &Op) {
        // Which row of a repeated id counts as the repeat may have changed.
        if let Some(col) = self.sheet.columns.index(Field::Id) {
            match op {
                Op::Set {
                    col: c, old, new, ..
                } if *c == col => {
                    self.refresh_id(rules, col, old);
                    self.refresh_id(rules, col, new);
                }
                Op::Insert { row, .. } | Op::Delete { row, .. } => {
                    self.refresh_id(rules, col, row.get(col))
                }
                _ => {}
            }
        }
    }

    /// Recomputes every row whose id is `id`.
    fn refresh_id(&mut self, rules: &RuleSet, col: usize, id: &str) {
        let id = id.trim();
        if id.is_empty() {
            return;
        }
        let rows: Vec<usize> = (0..self.sheet.rows.len())
            .filter(|&i| self.sheet.rows[i].get(col).trim() == id)
            .collect();
        if rows.len() < 2 && !rows.iter().any(|&i| self.is_marked_duplicate(i)) {
            return;
        }
        for i in rows {
            self.take_out(rules, i);
            self.put_in(rules, i, true);
        }
    }

    fn is_marked_duplicate(&self, at: usize) -> bool {
        self.briefs.state(at) == State::Repeat
    }

    fn apply_one(&mut self, rules: &RuleSet, op: &Op) {
        match op {
            Op::Set {
                row,
                col,
                new,
                fields: (_, n),
                ..
            } => {
                self.take_out(rules, *row);
                self.sheet.rows[*row] = set_field(&self.sheet.rows[*row], *col, new, *n);
                let id = self.sheet.columns.index(Field::Id) == Some(*col);
                self.put_in(rules, *row, id);
            }
            Op::Insert { at, row } => {
                self.sheet.rows.insert(*at, row.clone());
                self.briefs.insert(*at, None, State::Bad);
                self.put_in(rules, *at, true);
            }
            Op::Delete { at, .. } => {
                self.take_out(rules, *at);
                self.sheet.rows.remove(*at);
                self.briefs.remove(*at);
            }
        }
    }

    /// Makes a change the user asked for (it can be undone).
    pub fn change(&mut self, rules: &RuleSet, op: Op) {
        self.apply(rules, &op);
        self.since.applied(&op, &self.sheet.rows);
        self.undo.push(op);
        self.redo.clear();
    }

    /// Undoes the last change; returns the change made to do so.
    pub fn undo(&mut self, rules: &RuleSet) -> Option<Op> {
        let op = self.undo.pop()?;
        let inverse = op.inverse();
        self.apply(rules, &inverse);
        self.since.applied(&inverse, &self.sheet.rows);
        self.redo.push(op);
        Some(inverse)
    }

    /// Redoes the last undone change; returns it.
    pub fn redo(&mut self, rules: &RuleSet) -> Option<Op> {
        let op = self.redo.pop()?;
        self.apply(rules, &op);
        self.since.applied(&op, &self.sheet.rows);
        self.undo.push(op.clone());
        Some(op)
    }

    /// The change the next undo (`true`) or redo would take back or make again.
    pub fn next(&self, undo: bool) -> Option<&Op> {
        if undo {
            self.undo.last()
        } else {
            self.redo.last()
        }
    }

    /// How many changes can be undone and redone.
    pub fn history(&self) -> (usize, usize) {
        (self.undo.len(), self.redo.len())
    }

    /// Checks a value for field `col` of row `row` as the table reader would: `Err` carries the
    /// reason, in `lang`, when the reader would refuse it.
    pub fn check(
        &self,
        rules: &RuleSet,
        row: usize,
        col: usize,
        value: &str,
        lang: Lang,
    ) -> Result<(), String> {
        let mut candidate = self.sheet.rows[row].with(col, value);
        // The value is checked, not the row's shape: a short row (which cannot be computed
        // until it has every field) would otherwise let any value through.
        let n = self.sheet.columns.names.len();
        if candidate.len() < n {
            candidate = candidate.with(n - 1, candidate.get(n - 1));
        }
        let mut errors = Vec::new();
        let mut ends = Vec::new();
        row::parse(
            &candidate.record(&mut ends),
            &self.sheet.columns,
            rules,
            &mut errors,
        );
        let name = &self.sheet.columns.names[col];
        let field = self.sheet.columns.field_at(col);
        let mine = errors.iter().find(|e| {
            e.column.as_deref() == Some(name.as_str())
                || (field == Some(Field::Length)
                    && matches!(e.problem, Problem::CompletedBeyondLength(_)))
        });
        if let Some(e) = mine {
            return Err(e.render_value(rules, lang));
        }
        if field == Some(Field::Id) {
            let id = value.trim();
            let taken = self
                .sheet
                .rows
                .iter()
                .enumerate()
                .any(|(i, r)| i != row && r.get(col).trim() == id);
            if taken && !id.is_empty() {
                let e = RowError {
                    line: 0,
                    column: Some(name.clone()),
                    value: Some(id.to_string()),
                    problem: Problem::DuplicateId,
                };
                return Err(e.render_value(rules, lang));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::plain;

    fn doc() -> (Doc, RuleSet) {
        let rules = RuleSet::builtin();
        let mut sheet = Sheet::empty(Lang::En);
        let cols = sheet.columns.names.len();
        let fields = |v: &[&str]| {
            let mut all: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            all.resize(cols, String::new());
            all
        };
        // id, township, village, name, class, width_m, length_km, cost, other_funds, completed_km, households
        for r in [
            fields(&["E1", "t", "v", "", "village", "4.5", "2", "1600000"]),
            fields(&["E2", "t", "v", "", "group", "3.5", "1.5", "450000"]),
        ] {
            sheet
                .rows
                .push(SheetRow::new(r.iter().map(String::as_str), 0));
        }
        (Doc::new(sheet, None, &rules), rules)
    }

    fn subsidy(d: &Doc) -> String {
        plain(d.summary.total.subsidy_total.value())
    }

    #[test]
    fn totals_follow_edits_undo_and_redo() {
        let (mut d, rules) = doc();
        assert_eq!(subsidy(&d), "1875000.00");
        let width = d.sheet.columns.index(Field::Width).unwrap();
        d.change(
            &rules,
            Op::Set {
                row: 0,
                col: width,
                old: "4.5".into(),
                new: "3.5".into(),
                fields: (11, 11),
            },
        );
        // E1 at 3.5 m: (150,000 + 250,000) × 2 = 800,000, plus E2's 375,000.
        assert_eq!(subsidy(&d), "1175000.00");
        assert!(d.modified());
        d.undo(&rules);
        assert_eq!(subsidy(&d), "1875000.00");
        assert!(!d.modified());
        d.redo(&rules);
        assert_eq!(subsidy(&d), "1175000.00");
        let row = d.sheet.rows[1].clone();
        d.change(&rules, Op::Delete { at: 1, row });
        assert_eq!(subsidy(&d), "800000.00");
        assert_eq!(d.history(), (2, 0));
        d.undo(&rules);
        assert_eq!(subsidy(&d), "1175000.00");
        assert_eq!(d.summary.total.segments, 2);
    }

    #[test]
    fn undo_past_a_save_then_an_edit_is_still_modified() {
        let (mut d, rules) = doc();
        let set = |col, old: &str, new: &str| Op::Set {
            row: 0,
            col,
            old: old.into(),
            new: new.into(),
            fields: (11, 11),
        };
        let width = d.sheet.columns.index(Field::Width).unwrap();
        let length = d.sheet.columns.index(Field::Length).unwrap();
        d.change(&rules, set(width, "4.5", "3.5"));
        d.mark_saved();
        assert!(!d.modified());
        d.undo(&rules);
        assert!(d.modified(), "the file has 3.5, the table 4.5");
        d.change(&rules, set(length, "2", "3"));
        assert!(
            d.modified(),
            "two changes from the file, whatever a count says"
        );
        d.undo(&rules);
        assert!(
            d.modified(),
            "the saved state was cut off by the new change"
        );
        assert!(d.redo(&rules).is_some());
        assert!(d.modified());
        // Redo back onto a saved state is unmodified again.
        let (mut d, rules) = doc();
        d.change(&rules, set(width, "4.5", "3.5"));
        d.mark_saved();
        d.undo(&rules);
        d.redo(&rules);
        assert!(!d.modified());
    }

    #[test]
    fn a_repeated_id_makes_the_later_row_bad_until_it_is_no_longer_repeated() {
        let (mut d, rules) = doc();
        let id = d.sheet.columns.index(Field::Id).unwrap();
        let repeat = Op::Set {
            row: 1,
            col: id,
            old: "E2".into(),
            new: "E1".into(),
            fields: (11, 11),
        };
        d.apply(&rules, &repeat);
        let Calc::Bad(errors) = d.calc(&rules, 1) else {
            panic!("E2 renamed E1 is a repeat")
        };
        assert_eq!(
            errors[0].render_value(&rules, Lang::En),
            "id \"E1\" appears on an earlier row (ids must be unique)"
        );
        assert_eq!(subsidy(&d), "1500000.00", "only the first E1 counts");
        // Another of its cells changed, it is still a repeat.
        let width = d.sheet.columns.index(Field::Width).unwrap();
        let wider = Op::Set {
            row: 1,
            col: width,
            old: "3.5".into(),
            new: "4.5".into(),
            fields: (11, 11),
        };
        d.apply(&rules, &wider);
        assert!(matches!(d.calc(&rules, 1), Calc::Bad(_)));
        d.apply(&rules, &wider.inverse());
        // Opening a file with the repeat finds it too.
        let reopened = Doc::new(d.sheet.clone(), None, &rules);
        assert!(matches!(reopened.calc(&rules, 1), Calc::Bad(_)));
        assert_eq!(subsidy(&reopened), "1500000.00");
        // Deleting the first leaves the other alone with its id: it counts again.
        let first = d.sheet.rows[0].clone();
        d.apply(
            &rules,
            &Op::Delete {
                at: 0,
                row: first.clone(),
            },
        );
        assert!(matches!(d.calc(&rules, 0), Calc::Good(_)));
        assert_eq!(subsidy(&d), "375000.00");
        d.apply(&rules, &Op::Insert { at: 0, row: first });
        assert!(matches!(d.calc(&rules, 1), Calc::Bad(_)));
        assert_eq!(subsidy(&d), "1500000.00");
        d.apply(&rules, &repeat.inverse());
        assert_eq!(subsidy(&d), "1875000.00");
    }

    #[test]
    fn a_bad_value_on_a_short_row_is_refused() {
        let (mut d, rules) = doc();
        d.sheet.rows[0] = SheetRow::new(["E1", "t", "v", "", "village", "4.5", "2"], 0);
        let class = d.sheet.columns.index(Field::Class).unwrap();
        assert_eq!(
            d.check(&rules, 0, class, "highway", Lang::En),
            Err("class \"highway\" is not a known road class (known: village (通村公路, 通村, 建制村, 通村路, 通村道路); group (通社公路, 通社, 社道, 通组, 通組, 通组路, 通組路, 社级道路, 社級道路))".into())
        );
        assert_eq!(d.check(&rules, 0, class, "group", Lang::En), Ok(()));
    }

    #[test]
    fn undoing_an_edit_of_a_short_row_leaves_it_short() {
        let (mut d, rules) = doc();
        let short = SheetRow::new(["E1", "t", "v", "", "village", "4.5", "2", "1600000"], 0);
        d.sheet.rows[0] = short.clone();
        let last = d.sheet.columns.names.len() - 1;
        d.change(&rules, Op::set(0, &short, last, "9"));
        assert_eq!(d.sheet.rows[0].len(), last + 1);
        d.undo(&rules);
        assert_eq!(d.sheet.rows[0], short, "as the file holds it, not padded");
        d.redo(&rules);
        assert_eq!(d.sheet.rows[0].get(last), "9");
    }

    #[test]
    fn the_amounts_kept_per_row_are_the_engines_to_the_fen_and_come_back_out_of_the_totals() {
        let (mut d, rules) = doc();
        let cols = d.sheet.columns.names.len();
        // Below every tier, cut by its cost, more other funds than needed, per km, households.
        for (i, r) in [
            [
                "E3", "t", "v", "", "group", "3.0", "1.25", "100000", "", "", "",
            ],
            [
                "E4", "t", "w", "", "village", "6", "0.333", "5万", "", "0.1", "7",
            ],
            [
                "E5",
                "u",
                "w",
                "",
                "village",
                "4.5",
                "2.000001",
                "3000000",
                "2999999.99",
                "2",
                "3",
            ],
        ]
        .iter()
        .enumerate()
        {
            let row = SheetRow::new(r.iter().copied().take(cols), 0);
            d.change(&rules, Op::Insert { at: 2 + i, row });
        }
        let (mut checked, mut with_due) = (0, 0);
        for at in 0..d.sheet.rows.len() {
            let Calc::Good(g) = d.calc(&rules, at) else {
                panic!("row {at} is good")
            };
            let b = &g.breakdown;
            for (f, share) in b.shares.iter().enumerate() {
                let kept = d.amount(at, Column::Paid(f)).unwrap();
                assert_eq!(kept.to_string(), share.paid.to_string());
            }
            let subsidy = d.amount(at, Column::Subsidy).unwrap();
            assert_eq!(subsidy.to_string(), b.subsidy_total.to_string());
            let shortfall = d.amount(at, Column::Shortfall).unwrap();
            assert_eq!(shortfall.to_string(), b.shortfall.to_string());
            // Worked out again from what is kept, to the fen.
            let gap = d.amount(at, Column::Gap).unwrap();
            assert_eq!(gap.to_string(), b.gap.to_string());
            let due = d.amount(at, Column::Due);
            assert_eq!(due.map(|v| v.to_string()), b.due.map(|v| v.to_string()));
            with_due += usize::from(b.due.is_some());
            checked += 1;
        }
        assert_eq!(checked, 5);
        assert_eq!(with_due, 2, "rows with completed km");
        // Every row taken out again leaves nothing: what went in is what comes out.
        while !d.sheet.rows.is_empty() {
            let row = d.sheet.rows[0].clone();
            d.change(&rules, Op::Delete { at: 0, row });
        }
        assert_eq!(d.summary.total.segments, 0);
        assert_eq!(
            d.summary.total,
            Summary::new(&rules, &[]).total,
            "no fen left over in any total"
        );
    }

    /// A workbook whose E1 cost is a formula saved without its result (as a program that
    /// writes formulas without calculating them leaves it), and a good E2.
    fn workbook_with_an_uncalculated_formula(dir: &std::path::Path) -> PathBuf {
        use rust_xlsxwriter::{Formula, Workbook};
        let path = dir.join("plan.xlsx");
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("道路").unwrap();
        for (c, h) in ["编号", "乡镇", "村", "类别", "宽度", "长度", "投资"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, id) in [(1, "E1"), (2, "E2")] {
            for (c, v) in [id, "天马乡", "画青村", "通村"].iter().enumerate() {
                ws.write_string(r, c as u16, *v).unwrap();
            }
            ws.write_number(r, 4, 4.5).unwrap();
            ws.write_number(r, 5, 1.0).unwrap();
        }
        ws.write_formula(1, 6, Formula::new("=F2*800000").set_result("800000"))
            .unwrap();
        ws.write_number(2, 6, 800_000.0).unwrap();
        book.save(&path).unwrap();
        crate::table::workbook::tests::rewrite_entry(&path, "xl/worksheets/sheet1.xml", |x| {
            x.replace("<f>F2*800000</f><v>800000</v>", "<f>F2*800000</f>")
        });
        path
    }

    #[test]
    fn a_formula_cell_without_a_saved_result_is_explained_as_batch_says_not_as_no_cost() {
        let rules = RuleSet::builtin();
        let dir = tempfile::tempdir().unwrap();
        let path = workbook_with_an_uncalculated_formula(dir.path());
        let mut d = Doc::new(Sheet::load(&path).unwrap(), Some(path), &rules);
        let explain = |d: &Doc, lang| match d.calc(&rules, 0) {
            Calc::Bad(errors) => errors
                .iter()
                .map(|e| e.render_value(&rules, lang))
                .collect::<Vec<_>>(),
            Calc::Good(_) => panic!("E1 has no cost to compute with"),
        };
        assert_eq!(
            explain(&d, Lang::En),
            ["投资 is a formula with no saved result: open the workbook in Excel or WPS and save it, or type the value"]
        );
        assert_eq!(
            explain(&d, Lang::Zh),
            ["投资 是公式，但工作簿里没有保存它的计算结果：请在 Excel 或 WPS 中打开并保存，或直接填入数值"]
        );
        assert!(!d.is_good(0));
        assert_eq!(subsidy(&d), "750000.00", "E2 alone: 1 km of village road");
        // A value typed in is a value: the row computes.
        let cost = d.sheet.columns.index(Field::Cost).unwrap();
        let row = d.sheet.rows[0].clone();
        d.change(&rules, Op::set(0, &row, cost, "800000"));
        assert!(d.is_good(0));
        assert_eq!(subsidy(&d), "1500000.00");
        // Taken out again, the cell is the uncalculated formula it was.
        d.undo(&rules);
        assert_eq!(explain(&d, Lang::En).len(), 1);
        assert!(explain(&d, Lang::En)[0].contains("formula with no saved result"));
    }

    #[test]
    fn values_are_checked_as_the_reader_would() {
        let (d, rules) = doc();
        let length = d.sheet.columns.index(Field::Length).unwrap();
        assert_eq!(
            d.check(&rules, 0, length, "abc", Lang::En),
            Err(
                "length_km \"abc\" is not a length (expected km like 1.25, 1.25公里 or 850米)"
                    .into()
            )
        );
        assert_eq!(d.check(&rules, 0, length, "850米", Lang::En), Ok(()));
        let id = d.sheet.columns.index(Field::Id).unwrap();
        assert_eq!(
            d.check(&rules, 0, id, "E2", Lang::En),
            Err("id \"E2\" appears on an earlier row (ids must be unique)".into())
        );
        let width = d.sheet.columns.index(Field::Width).unwrap();
        assert_eq!(
            d.check(&rules, 0, width, "3.0", Lang::En),
            Ok(()),
            "below every tier is a note, not an error"
        );
    }
}
