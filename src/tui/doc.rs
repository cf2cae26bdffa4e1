//! The table being edited: its rows, what the engine made of each ([`Results`]: the amounts
//! only; a row's full breakdown is computed again when it is looked at), running totals, and
//! the undo history. Every change goes through [`Doc::apply`], which keeps the totals right by
//! taking the old row out and putting the new one in — never recomputing every row — under
//! the rules in force and, while one is shown, under a variant's rules ([`Variant`]).

use std::path::PathBuf;

use super::alloc::Allocated;
use super::brief::Column;
use super::results::{text_of, Results};
use super::saved::SinceSave;
use super::variant::{Compared, RowChange, Source, Variant};
use crate::i18n::Lang;
use crate::report::Summary;
use crate::rules::RuleSet;
use crate::table::idform::same_id;
use crate::table::row::{self, RowText};
use crate::table::sheet::{Sheet, SheetRow};
use crate::table::{Field, Problem, RowError};

pub use super::results::{Calc, Computed};

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

/// The document: a sheet, what the rules in force make of it, and its history; and, while a
/// variant is shown, what the variant's rules make of the same sheet.
pub struct Doc {
    /// The data.
    pub sheet: Sheet,
    /// Where it is saved (None for a new table).
    pub path: Option<PathBuf>,
    /// The rows and totals under the rules in force.
    base: Results,
    /// The rows and totals under a variant's rules, while one is shown.
    variant: Option<Variant>,
    undo: Vec<Op>,
    redo: Vec<Op>,
    /// How the table differs from the file on disk.
    since: SinceSave,
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

impl Doc {
    /// Computes every row of `sheet`.
    pub fn new(sheet: Sheet, path: Option<PathBuf>, rules: &RuleSet) -> Doc {
        let base = Results::new(rules, &sheet.columns, &sheet);
        Doc::computed(sheet, path, base)
    }

    /// `sheet` with its rows computed (`base`), nothing edited yet.
    fn computed(sheet: Sheet, path: Option<PathBuf>, base: Results) -> Doc {
        Doc {
            sheet,
            path,
            base,
            variant: None,
            undo: Vec::new(),
            redo: Vec::new(),
            since: SinceSave::default(),
        }
    }

    /// The first rows of a table (`sheet`, partial) with the shares the table read whole
    /// gives them (see [`super::shares`]), shown while it is read.
    pub fn with_shares(
        sheet: Sheet,
        path: Option<PathBuf>,
        rules: &RuleSet,
        shares: super::shares::Shares,
    ) -> Doc {
        let base = Results::with_shares(rules, &sheet.columns, &sheet, shares);
        Doc::computed(sheet, path, base)
    }

    /// Totals of the good rows under the rules in force.
    pub fn summary(&self) -> &Summary {
        &self.base.summary
    }

    /// Whether the one prorated envelope is kept between edits (then an edit shares out
    /// again only what changed): how many changes were shared out from it since it was made.
    pub fn keeps_envelope(&self) -> Option<u64> {
        self.base.keeps_envelope()
    }

    /// What the allocating budgets' envelopes were asked and paid.
    pub fn allocated(&self) -> &Allocated {
        self.base.allocated()
    }

    /// The allocating budgets (in rules order), as their cuts are kept per row.
    pub fn allocating(&self) -> &[crate::engine::BudgetCut] {
        self.base.allocating()
    }

    /// What allocating budget number `slot` pays row `at` and what the row asked of it, in
    /// fen, when it pays less than asked.
    pub fn cut_of(&self, at: usize, slot: usize) -> Option<(i64, i64)> {
        self.base.cut_of(at, slot)
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

    /// Forgets which line of the file each row that undo or redo would bring back was read
    /// from: the table was saved to a new workbook, which numbers its rows afresh, so such a
    /// row is a new one there (review 39: one brought back took another row's line, and its
    /// hidden mark).
    pub fn forget_lines(&mut self) {
        for op in self.undo.iter_mut().chain(self.redo.iter_mut()) {
            if let Op::Insert { row, .. } | Op::Delete { row, .. } = op {
                row.line = 0;
            }
        }
    }

    /// What the engine makes of row `at` under the rules in force, in full: computed again
    /// from its text (as it was when the row was last computed, so the same numbers), with a
    /// repeated id marked. A budget's cuts are made again, in rules order, with the fen the
    /// row was allocated.
    pub fn calc(&self, rules: &RuleSet, at: usize) -> Calc {
        self.base.calc(rules, &self.sheet.columns, &self.sheet, at)
    }

    /// Row `at`'s id, township and village, as totals group it.
    pub fn row_text(&self, at: usize) -> RowText<'_> {
        text_of(&self.sheet, &self.sheet.rows[at])
    }

    /// Whether row `at` was computed.
    pub fn is_good(&self, at: usize) -> bool {
        self.base.is_good(at)
    }

    /// Whether row `at` is no segment: a totals row or a note row.
    pub fn not_a_segment(&self, at: usize) -> bool {
        self.base.not_a_segment(at)
    }

    /// How many rows are no segment (totals and note rows).
    pub fn not_segments(&self) -> usize {
        self.base.not_segments()
    }

    /// A computed column of row `at`, when the row is good.
    pub fn amount(&self, at: usize, column: Column) -> Option<rust_decimal::Decimal> {
        self.base.amount(at, column)
    }

    /// Adds row `at`, when it is good, to `totals` (grouped by nothing).
    pub fn add_to(&self, rules: &RuleSet, at: usize, totals: &mut Summary) {
        self.base.add_to(rules, at, totals)
    }

    /// Adds row `at`, when it is good, to a group's `totals` (its sums alone, no budget's
    /// use), from the fen kept for it.
    pub fn add_to_totals(&self, at: usize, totals: &mut crate::report::Totals) {
        self.base.add_to_totals(at, totals)
    }

    /// Shows `variant` beside the rules in force, `base` (`None`: no longer), computing every
    /// row under its rules.
    pub fn set_variant(&mut self, base: &RuleSet, variant: Option<(RuleSet, Source)>) {
        // The old one goes first: two at once would hold twice the rows' results.
        self.variant = None;
        self.variant =
            variant.map(|(rules, source)| Variant::new(base, rules, source, &self.sheet));
        if let Some(v) = &mut self.variant {
            v.compare(&self.base, self.sheet.rows.len());
        }
    }

    /// Computes every row again under `rules` (and the variant shown under its own): after a
    /// save that changed how the file's rows read (formulas whose results it left to be
    /// recalculated, [`Sheet::mark_stale`]).
    pub fn recompute(&mut self, rules: &RuleSet) {
        self.base = Results::new(rules, &self.sheet.columns, &self.sheet);
        let variant = self.variant.take().map(|v| (v.rules, v.source));
        self.set_variant(rules, variant);
    }

    /// The variant shown, if any.
    pub fn variant(&self) -> Option<&Variant> {
        self.variant.as_ref()
    }

    /// What the variant shown does to row `at`.
    pub fn row_change(&self, at: usize) -> Option<RowChange> {
        Some(self.variant.as_ref()?.row_change(&self.base, at))
    }

    /// The totals under the rules in force and under the variant shown, over the rows good
    /// under both, as `roadsub compare` makes them, and how many rows are left out.
    pub fn totals_compared(&self) -> Option<&Compared> {
        Some(self.variant.as_ref()?.compared())
    }

    /// Why row `at` cannot be computed under the variant shown (none when it can, or no
    /// variant is shown), in `lang`.
    pub fn variant_errors(&self, at: usize, lang: Lang) -> Vec<String> {
        self.variant
            .as_ref()
            .map_or_else(Vec::new, |v| v.errors(&self.sheet, at, lang))
    }

    /// Carries out a change, keeping breakdowns and totals current (the variant's too).
    pub fn apply(&mut self, rules: &RuleSet, op: &Op) {
        self.apply_one(rules, op);
        self.apply_ids(rules, op);
        self.base.reallocate(rules, &self.sheet);
        if let Some(v) = &mut self.variant {
            v.results.reallocate(&v.rules, &self.sheet);
            v.compare(&self.base, self.sheet.rows.len());
        }
    }

    fn apply_ids(&mut self, rules: &RuleSet, op: &Op) {
        // Which row of a repeated id counts as the repeat may have changed.
        let Some(col) = self.sheet.columns.index(Field::Id) else {
            return;
        };
        let ids: Vec<&str> = match op {
            Op::Set {
                col: c, old, new, ..
            } if *c == col => vec![old, new],
            Op::Insert { row, .. } | Op::Delete { row, .. } => vec![row.get(col)],
            _ => Vec::new(),
        };
        for id in ids {
            let sheet = &self.sheet;
            self.base.refresh_id(rules, &sheet.columns, sheet, col, id);
            if let Some(v) = &mut self.variant {
                v.results.refresh_id(&v.rules, &v.columns, sheet, col, id);
            }
        }
    }

    /// Takes row `at` out of every set of results.
    fn take_out(&mut self, rules: &RuleSet, at: usize) {
        self.base.take_out(rules, &self.sheet, at);
        if let Some(v) = &mut self.variant {
            v.results.take_out(&v.rules, &self.sheet, at);
        }
    }

    /// Recomputes row `at` in every set of results.
    fn put_in(&mut self, rules: &RuleSet, at: usize, new_id: bool) {
        let sheet = &self.sheet;
        self.base.put_in(rules, &sheet.columns, sheet, at, new_id);
        if let Some(v) = &mut self.variant {
            v.results.put_in(&v.rules, &v.columns, sheet, at, new_id);
        }
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
                self.base.insert(*at);
                if let Some(v) = &mut self.variant {
                    v.results.insert(*at);
                }
                self.put_in(rules, *at, true);
            }
            Op::Delete { at, .. } => {
                self.take_out(rules, *at);
                self.sheet.rows.remove(*at);
                self.base.remove(*at);
                if let Some(v) = &mut self.variant {
                    v.results.remove(*at);
                }
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
                .any(|(i, r)| i != row && same_id(r.get(col).trim(), id));
            if taken && !id.is_empty() {
                let e = RowError {
                    line: 0,
                    column: Some(name.clone()),
                    value: Some(id.to_string()),
                    problem: Problem::IdTaken,
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
        plain(d.summary().total.subsidy_total.value())
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
        assert_eq!(d.summary().total.segments, 2);
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
            "id \"E1\" appears on an earlier row (ids must be unique, across all the tables of a run too)"
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
            Err("class \"highway\" is not a known road class (known: village (通村公路, 通村, 建制村, 通村路, 通村道路); group (通社公路, 通社, 社道, 通组, 通組, 通组路, 通組路, 通组公路, 通組公路, 社级道路, 社級道路))".into())
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
        assert_eq!(d.summary().total.segments, 0);
        assert_eq!(
            d.summary().total,
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
            ["投资 is a formula with no saved result: open the workbook in Excel or WPS and save it (an .xls as .xlsx: in an .xls a formula whose result is empty text cannot be told from one never calculated), or type the value"]
        );
        assert_eq!(
            explain(&d, Lang::Zh),
            ["投资是公式，但工作簿里没有保存它的计算结果：请在 Excel 或 WPS 中打开并保存（.xls 请另存为 .xlsx：.xls 中结果为空文本的公式与从未计算的公式无法区分），或直接填入数值"]
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

    /// The defect of a save in place: the workbook then asks to be recalculated when opened,
    /// and its formulas' results (整合资金 `=H2+4`, 10 saved before 基数 6 → 16) were
    /// shown and computed as if current. Saved, or opened again, each row reading one is
    /// explained as a batch run says it, until a value is typed in; taken out again, it is
    /// refused again.
    #[test]
    fn a_formulas_result_saved_before_an_edit_is_explained_as_batch_says_until_a_value_is_typed() {
        let rules = RuleSet::builtin();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.xlsx");
        crate::table::workbook::tests::plan_with_formula(&path);
        let d = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        assert!(d.is_good(0) && d.is_good(1), "as Excel saved it");
        let mut sheet = Sheet::load(&path).unwrap();
        sheet.rows[0] = sheet.rows[0].with(7, "16");
        sheet.save(&path).unwrap();
        // The table saved says what the file read again says.
        let saved = Doc::new(sheet, Some(path.clone()), &rules);
        assert!(!saved.is_good(0) && !saved.is_good(1), "once saved");
        let mut d = Doc::new(Sheet::load(&path).unwrap(), Some(path), &rules);
        let explain = |d: &Doc, at, lang| match d.calc(&rules, at) {
            Calc::Bad(errors) => errors
                .iter()
                .map(|e| e.render_value(&rules, lang))
                .collect::<Vec<_>>(),
            Calc::Good(_) => Vec::new(),
        };
        assert_eq!(
            explain(&d, 0, Lang::En),
            ["整合资金 is a formula whose saved result may be out of date (the workbook asks to be recalculated when opened, as a save after edits leaves it): open the workbook in Excel or WPS and save it, or type the value"]
        );
        assert_eq!(
            explain(&d, 1, Lang::Zh),
            ["整合资金是公式，工作簿里保存的计算结果可能已过时（工作簿要求打开时重新计算，编辑后保存即如此）：请在 Excel 或 WPS 中打开并保存，或直接填入数值"]
        );
        assert_eq!(subsidy(&d), "0.00", "no row is computed");
        // The value the formula gives, typed in: the row computes with it.
        let row = d.sheet.rows[0].clone();
        d.change(&rules, Op::set(0, &row, 8, "20"));
        assert!(d.is_good(0));
        let Calc::Good(g) = d.calc(&rules, 0) else {
            unreachable!()
        };
        assert_eq!(g.breakdown.shortfall.to_string(), "104980.00");
        d.undo(&rules);
        assert_eq!(explain(&d, 0, Lang::En).len(), 1);
    }

    /// Reviews 32 and 33: a row the workbook hides (a cancelled segment, often) was computed
    /// and totalled in the table with no word. It is refused, as a batch run refuses it, in
    /// both languages; an edit of it saved in place leaves it hidden and refused; the table
    /// saved as a CSV (which hides nothing) computes it.
    #[test]
    fn a_row_the_workbook_hides_is_refused_as_batch_refuses_it_until_the_file_shows_it() {
        let rules = RuleSet::builtin();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("道路").unwrap();
        crate::table::workbook::tests::segments(ws, 3, 2.0, None);
        for r in 1..=3u32 {
            ws.write_number(r, 6, 1_600_000.0).unwrap();
        }
        ws.set_row_hidden(2).unwrap();
        book.save(&path).unwrap();
        let explain = |d: &Doc, at, lang| match d.calc(&rules, at) {
            Calc::Bad(errors) => errors
                .iter()
                .map(|e| e.render_value(&rules, lang))
                .collect::<Vec<_>>(),
            Calc::Good(_) => Vec::new(),
        };
        let mut d = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        assert!(d.is_good(0) && !d.is_good(1) && d.is_good(2));
        assert_eq!(
            explain(&d, 1, Lang::En),
            ["row is hidden in the sheet (by hand, by a filter or in a folded outline), so whether its segment is still planned cannot be told: unhide it in Excel or WPS to compute it, or delete it"]
        );
        assert_eq!(
            explain(&d, 1, Lang::Zh),
            ["该行在工作表中被隐藏（手动隐藏、筛选或折叠分组），无法判断该路段是否仍在计划内：请在 Excel 或 WPS 中取消隐藏以计算它，或删除该行"]
        );
        assert_eq!(subsidy(&d), "3000000.00", "two rows of 1,500,000.00");
        // Edited and saved in place: still hidden in the file, still refused.
        let row = d.sheet.rows[1].clone();
        d.change(&rules, Op::set(1, &row, 5, "3"));
        d.sheet.save(&path).unwrap();
        assert_eq!(
            crate::table::workbook::hidden::rows(&path, "道路").unwrap(),
            [3]
        );
        let d = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        assert!(!d.is_good(1));
        assert_eq!(d.sheet.rows[1].get(5), "3");
        // Deleted and saved, then the delete undone: the row comes back hidden and refused,
        // as it was, and a save adds it hidden (review 38: it came back shown and computed).
        let mut d = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        let row = d.sheet.rows[1].clone();
        d.change(&rules, Op::Delete { at: 1, row });
        d.sheet.save(&path).unwrap();
        d.mark_saved();
        d.undo(&rules);
        assert!(!d.is_good(1), "hidden again");
        d.sheet.save(&path).unwrap();
        let line = d.sheet.rows[1].line;
        assert_eq!(
            crate::table::workbook::hidden::rows(&path, "道路").unwrap(),
            [line]
        );
        let d = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        assert_eq!(
            (0..3).filter(|&r| d.is_good(r)).count(),
            2,
            "read again alike"
        );
        // Saved as a CSV, which hides no row: the row is the CSV's like any other.
        let mut sheet = Sheet::load(&path).unwrap();
        let csv = dir.path().join("plan.csv");
        sheet.save(&csv).unwrap();
        assert!(!sheet.is_hidden(3));
        let d = Doc::new(sheet, Some(csv), &rules);
        assert!(d.is_good(1));
        // The row at 3 km is paid its cost, 1,600,000.00, the two funds asking 2,250,000.00.
        assert_eq!(subsidy(&d), "4600000.00", "the row computed too");
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
            Err("id \"E2\" is the id of another row already (ids must be unique)".into())
        );
        // The defect: the row with the id is below, and the message said "an earlier row".
        assert_eq!(
            d.check(&rules, 0, id, "E2", Lang::Zh),
            Err("编号“E2”已是另一行的编号（编号必须唯一）".into())
        );
        let width = d.sheet.columns.index(Field::Width).unwrap();
        assert_eq!(
            d.check(&rules, 0, width, "3.0", Lang::En),
            Ok(()),
            "below every tier is a note, not an error"
        );
    }
}
