//! What the engine makes of a row of a table held whole: the one path the table view and a
//! comparison take, so a row reads the same in both and as a batch run reads it.

use super::{Sheet, SheetRow};
use crate::engine::{Breakdown, Segment};
use crate::rules::RuleSet;
use crate::table::row::{self, Evaluated};
use crate::table::{Columns, Problem, RowError};

/// What a row of a sheet is under one rule set.
pub enum Judged {
    /// A totals row (合计), which no total counts.
    Totals,
    /// A valid segment and its breakdown (before any budget).
    Good(Box<(Segment, Breakdown)>),
    /// Why the row cannot be computed.
    Bad(Vec<RowError>),
}

impl Sheet {
    /// What the engine makes of `row` under `rules`, read through `columns` (the sheet's own,
    /// or a copy for other rules: which columns hold approved amounts depends on the rules),
    /// on the path batch runs take ([`row::evaluate`]); `duplicate_id` when its id was seen on
    /// an earlier row.
    pub fn judge(
        &self,
        rules: &RuleSet,
        columns: &Columns,
        row: &SheetRow,
        duplicate_id: bool,
    ) -> Judged {
        let mut ends = Vec::new();
        let record = row.record(&mut ends);
        // A workbook cell whose formula was never calculated holds no value, not a blank one:
        // said as a batch run says it, until a value is typed in. A totals row (合计 =
        // SUM(…)) is a totals row whatever its formulas hold.
        if let Some(col) = self.formula_without_result(row.line) {
            if row.get(col).trim().is_empty() && !row::is_totals_row(&record, columns) {
                return Judged::Bad(vec![RowError {
                    column: columns.names.get(col).cloned(),
                    ..RowError::row(row.line, Problem::NoSavedResult)
                }]);
            }
        }
        // A formula's result saved before the workbook was edited (it asks to be
        // recalculated when opened): refused as a batch run refuses it, until a value is
        // typed in its place.
        if let Some(col) = self.formula_maybe_stale(row) {
            if row::not_a_segment(&record, columns).is_none() {
                return Judged::Bad(vec![RowError {
                    column: columns.names.get(col).cloned(),
                    ..RowError::row(row.line, Problem::StaleResult)
                }]);
            }
        }
        // A row the sheet hides: a cancelled segment or one still planned, refused as a batch
        // run refuses it, until it is unhidden in the workbook.
        if self.is_hidden(row.line) && row::not_a_segment(&record, columns).is_none() {
            return Judged::Bad(vec![RowError::row(row.line, Problem::HiddenRow)]);
        }
        // A value of the row's own under a merge of several rows: refused as a batch run
        // refuses it, until a value is typed in.
        if let Some((col, range)) = self.under_merge(row) {
            if row::not_a_segment(&record, columns).is_none() {
                return Judged::Bad(vec![RowError {
                    column: columns.names.get(col).cloned(),
                    ..RowError::row(row.line, Problem::UnderMerge(range.to_string()))
                }]);
            }
        }
        let mut errors = Vec::new();
        let mut breakdown = Breakdown::default();
        match row::evaluate(
            &record,
            columns,
            rules,
            duplicate_id,
            &mut errors,
            &mut breakdown,
        ) {
            Evaluated::Totals => Judged::Totals,
            Evaluated::Good { segment, .. } => Judged::Good(Box::new((segment, breakdown))),
            Evaluated::Bad => Judged::Bad(errors),
        }
    }
}
