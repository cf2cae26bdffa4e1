//! The table being edited: its rows, each row's breakdown from the engine, running totals,
//! and the undo history. Every change goes through [`Doc::apply`], which keeps the totals
//! right by taking the old row out and putting the new one in — never recomputing every row.

use std::path::PathBuf;

use super::saved::SinceSave;
use crate::batch::Summary;
use crate::engine::{self, Breakdown, Segment};
use crate::i18n::Lang;
use crate::rules::RuleSet;
use crate::table::row::{self, RowText};
use crate::table::sheet::{Sheet, SheetRow};
use crate::table::{Field, Problem, RowError};

/// What the engine made of one row.
#[derive(Debug, Clone)]
pub enum Calc {
    /// A valid segment and its breakdown.
    Good(Box<(Segment, Breakdown)>),
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
    pub calcs: Vec<Calc>,
    /// Totals of the good rows.
    pub summary: Summary,
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

fn calc(rules: &RuleSet, sheet: &Sheet, row: &SheetRow) -> Calc {
    let mut errors = Vec::new();
    let record = row.record();
    if row::is_totals_row(&record, &sheet.columns) {
        return Calc::Bad(vec![RowError {
            line: row.line,
            column: sheet.columns.names.first().cloned(),
            value: Some(row.get(0).trim().to_string()),
            problem: Problem::TotalsRow,
        }]);
    }
    match row::parse(&record, &sheet.columns, rules, &mut errors) {
        Some((seg, _)) if errors.is_empty() => match engine::compute(rules, &seg) {
            Ok(b) => Calc::Good(Box::new((seg, b))),
            Err(_) => Calc::Bad(vec![RowError::row(row.line, Problem::Overflow)]),
        },
        _ => Calc::Bad(errors),
    }
}

/// Makes a row bad for repeating the id of an earlier row.
fn mark_duplicate(calc: &mut Calc, row: &SheetRow, column: &str, id: &str) {
    let error = RowError {
        line: row.line,
        column: Some(column.to_string()),
        value: Some(id.to_string()),
        problem: Problem::DuplicateId,
    };
    match calc {
        Calc::Bad(errors) => errors.insert(0, error),
        Calc::Good(_) => *calc = Calc::Bad(vec![error]),
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
        let mut calcs: Vec<Calc> = sheet.rows.iter().map(|r| calc(rules, &sheet, r)).collect();
        // An id seen on an earlier row makes the row bad, as in a batch run.
        if let Some(col) = sheet.columns.index(Field::Id) {
            let mut seen = std::collections::HashSet::new();
            for (row, c) in sheet.rows.iter().zip(calcs.iter_mut()) {
                let id = row.get(col).trim();
                if !id.is_empty() && !seen.insert(id) {
                    mark_duplicate(c, row, &sheet.columns.names[col], id);
                }
            }
        }
        let mut summary = Summary::new(rules, &[]);
        for (row, c) in sheet.rows.iter().zip(&calcs) {
            if let Calc::Good(g) = c {
                let _ = summary.add(rules, &g.0, &text_of(&sheet, row), &g.1);
            }
        }
        Doc {
            sheet,
            path,
            calcs,
            summary,
            undo: Vec::new(),
            redo: Vec::new(),
            since: SinceSave::default(),
        }
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
        if let Calc::Good(g) = &self.calcs[at] {
            let _ = self.summary.remove(
                rules,
                &g.0,
                &text_of(&self.sheet, &self.sheet.rows[at]),
                &g.1,
            );
        }
    }

    /// Recomputes row `at` and adds it to the totals. Whether its id repeats an earlier row's
    /// is looked up (across every row above) only when its id is new to it or it was a repeat:
    /// otherwise it stays as it was.
    fn put_in(&mut self, rules: &RuleSet, at: usize, new_id: bool) {
        let recheck = new_id || self.is_marked_duplicate(at);
        self.calcs[at] = calc(rules, &self.sheet, &self.sheet.rows[at]);
        if let Some(col) = self.sheet.columns.index(Field::Id).filter(|_| recheck) {
            let row = &self.sheet.rows[at];
            let id = row.get(col).trim();
            if !id.is_empty()
                && self.sheet.rows[..at]
                    .iter()
                    .any(|r| r.get(col).trim() == id)
            {
                mark_duplicate(&mut self.calcs[at], row, &self.sheet.columns.names[col], id);
            }
        }
        if let Calc::Good(g) = &self.calcs[at] {
            let _ = self.summary.add(
                rules,
                &g.0,
                &text_of(&self.sheet, &self.sheet.rows[at]),
                &g.1,
            );
        }
    }

    /// Carries out a change, keeping breakdowns and totals current.
    pub fn apply(&mut self, rules: &RuleSet, op: &Op) {
        self.apply_one(rules, op);
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
        matches!(&self.calcs[at], Calc::Bad(errors)
            if errors.iter().any(|e| e.problem == Problem::DuplicateId))
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
                self.calcs.insert(*at, Calc::Bad(Vec::new()));
                self.put_in(rules, *at, true);
            }
            Op::Delete { at, .. } => {
                self.take_out(rules, *at);
                self.sheet.rows.remove(*at);
                self.calcs.remove(*at);
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
        row::parse(&candidate.record(), &self.sheet.columns, rules, &mut errors);
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
        plain(d.summary.total.subsidy.value())
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
        let Calc::Bad(errors) = &d.calcs[1] else {
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
        assert!(matches!(d.calcs[1], Calc::Bad(_)));
        d.apply(&rules, &wider.inverse());
        // Opening a file with the repeat finds it too.
        let reopened = Doc::new(d.sheet.clone(), None, &rules);
        assert!(matches!(reopened.calcs[1], Calc::Bad(_)));
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
        assert!(matches!(d.calcs[0], Calc::Good(_)));
        assert_eq!(subsidy(&d), "375000.00");
        d.apply(&rules, &Op::Insert { at: 0, row: first });
        assert!(matches!(d.calcs[1], Calc::Bad(_)));
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
