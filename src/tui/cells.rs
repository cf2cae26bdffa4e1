//! What each cell of the table says: column titles, a row's input text or computed amount in
//! the unit chosen, and the column widths measured from them. The view draws these texts; the
//! sort compares them; so they are made in one place.

use rust_decimal::Decimal;

use super::app::App;
use super::brief::Column;
use super::variant::RowChange;
use crate::i18n::Lang;
use crate::money;
use crate::report::compare::Amounts;
use crate::table::{row, Field};
use crate::textwidth::cells;

/// The unit amounts are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 万元: exact in the table's rows and subtotals, two decimals in the panes.
    Wan,
    /// 元, two decimals with separators.
    Yuan,
}

impl Unit {
    /// The same unit as reports write amounts in (`roadsub batch --amounts`).
    pub fn report(self) -> crate::report::format::Unit {
        match self {
            Unit::Wan => crate::report::format::Unit::Wan,
            Unit::Yuan => crate::report::format::Unit::Yuan,
        }
    }
}

/// A column of what a variant changes (SPEC §9), after the computed columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delta {
    /// What fund `i` of the comparison's funds pays.
    Fund(usize),
    /// The subsidy.
    Subsidy,
    /// The shortfall.
    Shortfall,
}

/// What a change column shows, whatever its place among a variant's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeltaKey {
    /// The fund with this id.
    Fund(String),
    /// The subsidy.
    Subsidy,
    /// The shortfall.
    Shortfall,
}

impl Delta {
    /// This column's change in `a` (a change, field by field), in fen.
    pub fn of(self, a: &Amounts) -> i128 {
        match self {
            Delta::Fund(i) => a.funds.get(i).copied().unwrap_or(0),
            Delta::Subsidy => a.subsidy_total,
            Delta::Shortfall => a.shortfall,
        }
    }
}

/// Rows measured for column widths when a table is opened.
const MEASURED_ROWS: usize = 2000;

impl App {
    /// Number of input columns.
    pub fn input_cols(&self) -> usize {
        self.doc.sheet.columns.names.len()
    }

    /// Whether the table shows due (it has completed km) and outstanding (it has what was
    /// disbursed too), as a batch run's output does ([`crate::report::layout::Layout`]).
    fn progress_columns(&self) -> (bool, bool) {
        let columns = &self.doc.sheet.columns;
        let due = columns.index(Field::Completed).is_some();
        (due, due && columns.index(Field::Disbursed).is_some())
    }

    /// Number of computed columns: one per fund, subsidy, gap, shortfall, and due and
    /// outstanding when the table has what they need.
    pub fn computed_cols(&self) -> usize {
        let (due, outstanding) = self.progress_columns();
        self.rules.funds.len() + 3 + usize::from(due) + usize::from(outstanding)
    }

    /// Number of columns of what a variant changes: one per fund compared, the subsidy and
    /// the shortfall (none when no variant is shown).
    fn delta_cols(&self) -> usize {
        self.doc.variant().map_or(0, |v| v.funds.len() + 2)
    }

    /// Number of columns shown: the input's, the computed ones, then a variant's changes.
    pub fn ncols(&self) -> usize {
        self.input_cols() + self.computed_cols() + self.delta_cols()
    }

    /// The column beside the current one as the table shows its columns (the cost may be
    /// shown after the other inputs): the next (`right`) or the one before, among the input
    /// columns only when `inputs`; `None` at the end.
    pub(super) fn column_beside(&self, right: bool, inputs: bool) -> Option<usize> {
        let order: Vec<usize> = super::view::column_order(self, self.drawn_width.get())
            .into_iter()
            .filter(|&c| !inputs || c < self.input_cols())
            .collect();
        let at = order.iter().position(|&c| c == self.col)?;
        match right {
            true => order.get(at + 1).copied(),
            false => at.checked_sub(1).map(|i| order[i]),
        }
    }

    /// Which change column `c` (of all columns) shows, when it is one.
    pub fn delta_column(&self, c: usize) -> Option<Delta> {
        let i = c.checked_sub(self.input_cols() + self.computed_cols())?;
        let funds = self.doc.variant()?.funds.len();
        match i.checked_sub(funds) {
            None => Some(Delta::Fund(i)),
            Some(0) => Some(Delta::Subsidy),
            Some(1) => Some(Delta::Shortfall),
            Some(_) => None,
        }
    }

    /// A change in the unit chosen, signed (`+6.2500`, `−0.5000`, `0.0000`): the sign is the
    /// change's own, exact as [`App::show_amount`].
    pub fn show_change(&self, fen: i128) -> String {
        self.signed(fen, Self::show_amount)
    }

    /// A change shown by `show`, with the change's own sign.
    fn signed(&self, fen: i128, show: fn(&Self, Decimal) -> String) -> String {
        let Some(size) = fen.checked_abs().and_then(money::from_fen) else {
            return self.lang.pick("overflow", "溢出").to_string();
        };
        let shown = show(self, size);
        match fen.signum() {
            1 => format!("+{shown}"),
            -1 => format!("−{shown}"),
            _ => shown,
        }
    }

    /// Which amount computed column `f` (0 for the first fund's) shows.
    pub fn computed_column(&self, f: usize) -> Option<Column> {
        let funds = self.rules.funds.len();
        if f < funds {
            return Some(Column::Paid(f));
        }
        let (due, outstanding) = self.progress_columns();
        [
            Some(Column::Subsidy),
            Some(Column::Gap),
            Some(Column::Shortfall),
            due.then_some(Column::Due),
            outstanding.then_some(Column::Outstanding),
        ]
        .into_iter()
        .flatten()
        .nth(f - funds)
    }

    /// A column's title.
    pub fn title(&self, c: usize) -> String {
        let n = self.input_cols();
        if c < n {
            return self.doc.sheet.columns.names[c].clone();
        }
        let lang = self.lang;
        if let (Some(d), Some(v)) = (self.delta_column(c), self.doc.variant()) {
            return match (d, lang) {
                // As the computed columns are headed: the fund's id in English, its name in
                // Chinese.
                (Delta::Fund(i), Lang::En) => format!("Δ{}", v.funds.ids[i]),
                (Delta::Fund(i), Lang::Zh) => format!("Δ{}", v.funds.name(i, lang)),
                (Delta::Subsidy, _) => format!("Δ{}", lang.pick("subsidy", "补助合计")),
                (Delta::Shortfall, _) => format!("Δ{}", lang.pick("shortfall", "尚需筹集")),
            };
        }
        match self.computed_column(c - n) {
            Some(Column::Paid(f)) => {
                let fund = &self.rules.funds[f];
                // English fund names are sentences; the id (also the batch column) is short.
                match lang {
                    Lang::En => fund.id.clone(),
                    Lang::Zh => fund.name.clone(),
                }
            }
            Some(Column::Subsidy) => lang.pick("subsidy", "补助合计").to_string(),
            Some(Column::Gap) => lang.pick("gap", "差额").to_string(),
            Some(Column::Shortfall) => lang.pick("shortfall", "尚需筹集").to_string(),
            Some(Column::Due) => lang.pick("due", "应拨付").to_string(),
            Some(Column::Outstanding) => lang.pick("outstanding", "待拨付").to_string(),
            // Never a computed column of its own: the cost shows in its input column.
            Some(Column::Cost) | None => String::new(),
        }
    }

    /// An amount in the unit chosen, wherever the table view shows one (rows, subtotals,
    /// totals, budget lines, a variant's change): in 万元 exact, as `batch --amounts 万元`
    /// writes it (four decimals, more where the fen need them), so the rows on screen add up
    /// to the subtotals and totals shown; in 元 to the fen.
    pub fn show_amount(&self, amount: Decimal) -> String {
        match self.unit {
            Unit::Yuan => money::grouped(amount),
            Unit::Wan => {
                let mut out = Vec::new();
                money::push_wan(&mut out, amount, true);
                // push_wan writes ASCII only.
                String::from_utf8(out).unwrap_or_default()
            }
        }
    }

    /// A computed column's amount for a row (for a change column, the change), if the row is
    /// good.
    pub fn computed_amount(&self, row: usize, c: usize) -> Option<Decimal> {
        if let Some(d) = self.delta_column(c) {
            return match self.doc.row_change(row)? {
                RowChange::Change(a) => money::from_fen(d.of(&a)),
                RowChange::BadAfter | RowChange::BadBefore => None,
            };
        }
        let column = self.computed_column(c.checked_sub(self.input_cols())?)?;
        self.doc.amount(row, column)
    }

    /// The text of a cell.
    pub fn cell(&self, row: usize, c: usize) -> String {
        if c < self.input_cols() {
            return self.doc.sheet.rows[row].get(c).to_string();
        }
        if let Some(d) = self.delta_column(c) {
            // A row the variant cannot compute says so in its change columns; one the rules
            // in force cannot has no change to show.
            return match self.doc.row_change(row) {
                Some(RowChange::Change(a)) => self.show_change(d.of(&a)),
                Some(RowChange::BadAfter) => "✗".to_string(),
                Some(RowChange::BadBefore) | None => "—".to_string(),
            };
        }
        match self.computed_amount(row, c) {
            Some(a) => self.show_amount(a),
            None => "—".to_string(),
        }
    }

    /// What the table shows in cell `c` of row `row`, and whether it was computed rather than
    /// typed. The cost column of a row that computes shows the cost the engine used, in the
    /// unit the table shows amounts in (so 127.5万 reads 1,275,000.00 under 金额单位：元, as
    /// the subsidies beside it do), and for a row priced per km (每公里造价) whose cost cell is
    /// empty, that price × length: computed. Every other cell is [`App::cell`].
    pub fn shown(&self, row: usize, c: usize) -> (String, bool) {
        let columns = &self.doc.sheet.columns;
        let cost = columns.index(Field::Cost) == Some(c);
        match self.doc.amount(row, Column::Cost).filter(|_| cost) {
            Some(a) => (
                self.show_amount(a),
                self.doc.sheet.rows[row].get(c).trim().is_empty(),
            ),
            // A totals row's cost (合计 358, in the table's 万元) in the unit the column shows
            // the others' in, so it is not read against 960,000.00 above it.
            None if cost && self.doc.not_a_segment(row) => {
                let text = self.doc.sheet.rows[row].get(c);
                let total = row::number(Field::Cost, text.trim(), columns.scale(Field::Cost))
                    .and_then(Result::ok);
                match total {
                    Some(v) => (self.show_amount(v), false),
                    None => (self.cell(row, c), false),
                }
            }
            None => (self.cell(row, c), false),
        }
    }

    /// Column `c`'s width in cells: its contents', and while the rows are sorted by it, room
    /// for the arrow before its title too (so it reads "↑户数", not "↑户…"). The arrow's cell
    /// is not kept in the measured widths: the column is as wide as before once the sort
    /// ends or moves.
    pub fn width(&self, c: usize) -> usize {
        let measured = self.widths.get(c).copied().unwrap_or(0);
        match self.sort {
            Some((s, _)) if s == c => measured.max(cells(&self.title(c)) + 1),
            _ => measured,
        }
    }

    /// What change column `c` shows, by what it is rather than where it is: a fund's by its
    /// id, so a sort can follow it to another variant's columns.
    pub fn delta_key(&self, c: usize) -> Option<DeltaKey> {
        let v = self.doc.variant()?;
        Some(match self.delta_column(c)? {
            Delta::Fund(i) => DeltaKey::Fund(v.funds.ids[i].clone()),
            Delta::Subsidy => DeltaKey::Subsidy,
            Delta::Shortfall => DeltaKey::Shortfall,
        })
    }

    /// The change column that shows `key` under the variant shown, if there is one.
    pub fn delta_of(&self, key: &DeltaKey) -> Option<usize> {
        let v = self.doc.variant()?;
        let first = self.input_cols() + self.computed_cols();
        let i = match key {
            DeltaKey::Fund(id) => v.funds.ids.iter().position(|f| f == id)?,
            DeltaKey::Subsidy => v.funds.len(),
            DeltaKey::Shortfall => v.funds.len() + 1,
        };
        Some(first + i)
    }

    /// Sizes columns to their titles and the first rows' contents; rows edited later widen
    /// them as needed. Measuring a million rows would cost seconds at every start.
    pub(super) fn measure_all(&mut self) {
        let n = self.ncols();
        self.widths = (0..n).map(|c| cells(&self.title(c))).collect();
        for row in 0..self.doc.sheet.rows.len().min(MEASURED_ROWS) {
            self.measure_row(row);
        }
        self.measure_subtotals();
    }

    /// Widens columns to fit row `row`'s cells: up to 30 cells for an input column (a long
    /// text is cut with `…`), an amount's whole width (an amount is never cut). A note row's
    /// text runs on over its line, so it widens no column.
    pub(super) fn measure_row(&mut self, row: usize) {
        if self.doc.not_a_segment(row) && self.doc.calc(&self.rules, row).is_note() {
            return;
        }
        let inputs = self.input_cols();
        for c in 0..self.ncols() {
            let w = cells(&self.shown(row, c).0);
            let w = if c < inputs { w.min(30) } else { w };
            if let Some(slot) = self.widths.get_mut(c) {
                *slot = (*slot).max(w);
            }
        }
    }
}
