//! The state of the interactive table and [`App::step`], which applies one [`Action`].
//! Nothing here draws, and nothing here computes money: it asks the [`Doc`] (and so the
//! engine) and keeps cursor, modes, sorting, filtering and grouping.

use std::path::PathBuf;

use rust_decimal::Decimal;

use super::action::Action;
use super::brief::Column;
use super::doc::{Doc, Op};
use super::journal::{base_of, Journal};
use super::lock;
use super::text;
use crate::i18n::Lang;
use crate::money;
use crate::report::Totals;
use crate::rules::RuleSet;
use crate::table::sheet::SheetRow;
use crate::table::Field;
use crate::textwidth::cells;

/// What the keyboard is doing right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Moving around the table.
    Normal,
    /// Typing a new value for the current cell; `cursor` is a byte offset in `buffer` (as in
    /// the other typing modes).
    Edit { buffer: String, cursor: usize },
    /// Typing a filter.
    Filter { buffer: String, cursor: usize },
    /// Typing a file name to save a new table under.
    SaveAs { buffer: String, cursor: usize },
    /// Typing a file name to export a report to.
    Export { buffer: String, cursor: usize },
    /// Waiting for an answer.
    Ask(Question),
    /// The help screen.
    Help,
    /// The rules in force.
    Rules,
    /// The current row's whole explanation.
    Why,
}

impl Mode {
    /// The text being typed and its cursor, in the modes that type text.
    pub fn text_mut(&mut self) -> Option<(&mut String, &mut usize)> {
        match self {
            Mode::Edit { buffer, cursor }
            | Mode::Filter { buffer, cursor }
            | Mode::SaveAs { buffer, cursor }
            | Mode::Export { buffer, cursor } => Some((buffer, cursor)),
            _ => None,
        }
    }
}

/// A question put to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Quit with unsaved changes: y saves first, n discards, Esc stays.
    QuitUnsaved,
    /// The file changed on disk since it was opened: overwrite?
    OverwriteChanged,
    /// A recovery journal with this many changes was found: restore them?
    Restore(usize),
    /// Saving a new table under the name of a file that exists: overwrite it?
    OverwriteExisting(PathBuf),
    /// Exporting to a file that exists: replace it?
    ReplaceExport(PathBuf),
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    None,
    Township,
    Village,
}

/// The unit amounts are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 万元, two decimals.
    Wan,
    /// 元, two decimals with separators.
    Yuan,
}

/// One line of the table as shown.
#[derive(Debug, Clone)]
pub enum Line {
    /// A row of the sheet, by index.
    Row(usize),
    /// A group's subtotal.
    Subtotal(Box<(String, Totals)>),
}

/// A message in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// Whether it reports a refusal or failure.
    pub error: bool,
}

/// The whole state of the interactive table.
pub struct App {
    /// The data and its breakdowns.
    pub doc: Doc,
    /// The rules in force.
    pub rules: RuleSet,
    /// The interface language.
    pub lang: Lang,
    /// What keys do now.
    pub mode: Mode,
    /// The lines shown, after filter, sort and grouping.
    pub lines: Vec<Line>,
    /// The current line.
    pub cursor: usize,
    /// The current column (input columns, then one per fund, subsidy, shortfall).
    pub col: usize,
    /// The first line on screen.
    pub top: usize,
    /// Sort column and whether descending.
    pub sort: Option<(usize, bool)>,
    /// Rows must contain this text (case-insensitive).
    pub filter: Option<String>,
    /// Grouping with subtotals.
    pub grouping: Grouping,
    /// Money unit.
    pub unit: Unit,
    /// The last message.
    pub status: Option<Status>,
    /// Set when the program should end.
    pub quit: bool,
    /// Width in cells of each column's widest text.
    pub widths: Vec<usize>,
    journal: Option<Journal>,
    /// Quit once the save under way (perhaps after a question) succeeds.
    quit_after_save: bool,
    /// Lines scrolled in the help, rules or explanation window.
    pub overlay_scroll: usize,
    /// How far that window can scroll, as last drawn (so scrolling past the end does not
    /// pile up key presses that must be undone).
    pub overlay_max: std::cell::Cell<usize>,
    /// This editor's hold on the table (see [`lock`]); `None` when read-only, or when the
    /// lock could not be taken for another reason (a directory that cannot be written).
    lock: Option<lock::Lock>,
    /// Another roadsub is editing the same table: this one only shows it.
    pub read_only: bool,
}

/// The file a table's journal sits beside: the table's own, or one in the working directory
/// for a table not saved yet.
fn journal_data(doc: &Doc) -> PathBuf {
    doc.path.clone().unwrap_or_else(|| PathBuf::from(NEW_TABLE))
}

/// Stands in for the file name of a new, unsaved table (its journal is `NEW_TABLE.roadsub-recovery`).
const NEW_TABLE: &str = "roadsub-new-table.csv";

/// Rows measured for column widths when a table is opened.
const MEASURED_ROWS: usize = 2000;

fn matches(row: &SheetRow, needle: &str) -> Option<usize> {
    (0..row.len()).find(|&i| row.get(i).to_lowercase().contains(needle))
}

impl App {
    /// A state over `doc`; asks about a recovery journal when one is waiting.
    pub fn new(doc: Doc, rules: RuleSet, lang: Lang) -> App {
        let data = journal_data(&doc);
        let base = base_of(doc.sheet.stamp);
        // Without the lock, the journal beside the table is a running editor's: not ours to
        // offer, set aside or remove, nor to write to.
        let (held, read_only) = match lock::take(&data) {
            Ok(Some(l)) => (Some(l), false),
            Ok(None) => (None, true),
            Err(_) => (None, false),
        };
        let journal = (!read_only).then(|| Journal::new(&data, base.clone()));
        let left = (!read_only && Journal::exists(&data))
            .then(|| Journal::read(&data, doc.sheet.columns.names.len()));
        let mut app = App {
            doc,
            rules,
            lang,
            mode: Mode::Normal,
            lines: Vec::new(),
            cursor: 0,
            col: 0,
            top: 0,
            sort: None,
            filter: None,
            grouping: Grouping::None,
            unit: Unit::Wan,
            status: None,
            quit: false,
            widths: Vec::new(),
            journal,
            quit_after_save: false,
            overlay_scroll: 0,
            overlay_max: std::cell::Cell::new(0),
            lock: held,
            read_only,
        };
        app.measure_all();
        app.relayout();
        if read_only {
            app.say_read_only();
        }
        match left {
            None => {}
            Some(Ok(l)) if l.entries.is_empty() && l.bad.is_empty() => {
                if let Some(j) = &mut app.journal {
                    j.clear();
                }
            }
            Some(Ok(l)) if l.base == base && !l.entries.is_empty() => {
                app.mode = Mode::Ask(Question::Restore(l.entries.len()))
            }
            Some(l) => {
                // The file changed since (or the journal is damaged): applying the changes by
                // row number could put them on the wrong rows. Keep them aside instead.
                let aside = Journal::set_aside(&data)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let only_damaged = l.is_ok_and(|l| l.base == base);
                app.say_owned(
                    match (lang, only_damaged) {
                        (Lang::En, false) => format!(
                            "kept in {aside}: unsaved changes from an earlier session, which no longer fit the file"
                        ),
                        (Lang::Zh, false) => format!("已另存于 {aside}：上次会话未保存的修改，与已变更的文件不符"),
                        (Lang::En, true) => format!(
                            "kept in {aside}: the recovery file of an earlier session, none of whose records could be read"
                        ),
                        (Lang::Zh, true) => format!("已另存于 {aside}：上次会话的恢复文件，其中的记录均已损坏，无法读取"),
                    },
                    true,
                );
            }
        }
        app
    }

    /// Number of input columns.
    pub fn input_cols(&self) -> usize {
        self.doc.sheet.columns.names.len()
    }

    /// Number of columns shown: input, one per fund, subsidy, shortfall.
    pub fn ncols(&self) -> usize {
        self.input_cols() + self.rules.funds.len() + 2
    }

    /// A column's title.
    pub fn title(&self, c: usize) -> String {
        let n = self.input_cols();
        if c < n {
            return self.doc.sheet.columns.names[c].clone();
        }
        let f = c - n;
        if let Some(fund) = self.rules.funds.get(f) {
            // English fund names are sentences; the id (also the batch column) is short.
            return match self.lang {
                Lang::En => fund.id.clone(),
                Lang::Zh => fund.name.clone(),
            };
        }
        if f == self.rules.funds.len() {
            self.lang.pick("subsidy", "补助合计").to_string()
        } else {
            self.lang.pick("shortfall", "差额").to_string()
        }
    }

    /// An amount in the unit chosen.
    pub fn show_amount(&self, amount: Decimal) -> String {
        match self.unit {
            Unit::Yuan => money::grouped(amount),
            Unit::Wan => money::grouped_wan(amount, self.rules.meta.rounding),
        }
    }

    /// A computed column's amount for a row, if the row is good.
    pub fn amount(&self, row: usize, c: usize) -> Option<Decimal> {
        let f = c.checked_sub(self.input_cols())?;
        let funds = self.rules.funds.len();
        let column = match f {
            _ if f < funds => Column::Paid(f),
            _ if f == funds => Column::Subsidy,
            _ => Column::Shortfall,
        };
        self.doc.amount(row, column)
    }

    /// The text of a cell.
    pub fn cell(&self, row: usize, c: usize) -> String {
        if c < self.input_cols() {
            return self.doc.sheet.rows[row].get(c).to_string();
        }
        match self.amount(row, c) {
            Some(a) => self.show_amount(a),
            None => "—".to_string(),
        }
    }

    /// Whether column `c` holds numbers (aligned right).
    pub fn numeric(&self, c: usize) -> bool {
        c >= self.input_cols()
            || self
                .doc
                .sheet
                .columns
                .field_at(c)
                .is_some_and(Field::is_number)
    }

    /// The sheet row under the cursor, if the cursor is on a row.
    pub fn current_row(&self) -> Option<usize> {
        match self.lines.get(self.cursor) {
            Some(Line::Row(r)) => Some(*r),
            _ => None,
        }
    }

    /// Sizes columns to their titles and the first rows' contents; rows edited later widen
    /// them as needed. Measuring a million rows would cost seconds at every start.
    fn measure_all(&mut self) {
        let n = self.ncols();
        self.widths = (0..n).map(|c| cells(&self.title(c))).collect();
        for row in 0..self.doc.sheet.rows.len().min(MEASURED_ROWS) {
            self.measure_row(row);
        }
    }

    fn measure_row(&mut self, row: usize) {
        for c in 0..self.ncols() {
            let w = cells(&self.cell(row, c)).min(30);
            if let Some(slot) = self.widths.get_mut(c) {
                *slot = (*slot).max(w);
            }
        }
    }

    /// Rebuilds the lines shown from filter, sort and grouping, keeping the cursor's row.
    pub fn relayout(&mut self) {
        let keep = self.current_row();
        let needle = self.filter.as_ref().map(|f| f.to_lowercase());
        let rows = &self.doc.sheet.rows;
        let mut order: Vec<usize> = match &needle {
            Some(n) => (0..rows.len())
                .filter(|&r| matches(&rows[r], n).is_some())
                .collect(),
            None => (0..rows.len()).collect(),
        };
        if let Some((c, desc)) = self.sort {
            let key = |r: usize| -> (Option<Decimal>, String) {
                let text = self.cell(r, c);
                let number = self.amount(r, c).or_else(|| self.number_in(c, &text));
                (number, text)
            };
            let mut keyed: Vec<((Option<Decimal>, String), usize)> =
                order.iter().map(|&r| (key(r), r)).collect();
            // Empty cells go last either way: they are what is missing, not the smallest.
            keyed.sort_by(|a, b| {
                let (ea, eb) = (a.0 .1.trim().is_empty(), b.0 .1.trim().is_empty());
                ea.cmp(&eb)
                    .then_with(|| if desc { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) })
            });
            order = keyed.into_iter().map(|(_, r)| r).collect();
        }
        self.lines = match self.grouping {
            Grouping::None => order.into_iter().map(Line::Row).collect(),
            g => self.grouped(order, g),
        };
        self.cursor = keep
            .and_then(|r| {
                self.lines
                    .iter()
                    .position(|l| matches!(l, Line::Row(x) if *x == r))
            })
            .unwrap_or(self.cursor)
            .min(self.lines.len().saturating_sub(1));
    }

    fn group_key(&self, row: usize, g: Grouping) -> String {
        let cols = &self.doc.sheet.columns;
        let get = |f: Field| {
            cols.index(f)
                .map_or("", |i| self.doc.sheet.rows[row].get(i).trim())
        };
        match g {
            Grouping::Village => format!("{} {}", get(Field::Township), get(Field::Village)),
            _ => get(Field::Township).to_string(),
        }
    }

    fn grouped(&self, order: Vec<usize>, g: Grouping) -> Vec<Line> {
        let mut keyed: Vec<(String, usize)> = order
            .into_iter()
            .map(|r| (self.group_key(r, g), r))
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut lines = Vec::with_capacity(keyed.len() + 16);
        let mut i = 0;
        while i < keyed.len() {
            let key = keyed[i].0.clone();
            let mut totals = crate::report::Summary::new(&self.rules, &[]);
            while i < keyed.len() && keyed[i].0 == key {
                let r = keyed[i].1;
                self.doc.add_to(&self.rules, r, &mut totals);
                lines.push(Line::Row(r));
                i += 1;
            }
            lines.push(Line::Subtotal(Box::new((key, totals.total))));
        }
        lines
    }

    /// How many data rows are shown (subtotal lines not counted).
    pub fn shown_rows(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(l, Line::Row(_)))
            .count()
    }

    /// What the cursor is on when it is not on a row.
    fn say_not_a_row(&mut self) {
        if self.lines.is_empty() {
            self.say(
                "there is no row here: press a to add one",
                "这里没有数据行：按 a 添加",
                true,
            );
        } else {
            self.say("a subtotal cannot be changed", "小计行不能修改", true);
        }
    }

    /// The value of input column `c` as a number, read the way its field is read (so 120万
    /// sorts above 96万), for sorting.
    fn number_in(&self, c: usize, text: &str) -> Option<Decimal> {
        let cols = &self.doc.sheet.columns;
        let t = text.trim();
        match cols.field_at(c) {
            Some(Field::Width) => money::parse_width_m(t).ok(),
            Some(f @ (Field::Length | Field::Completed)) => {
                money::parse_length_km(t, cols.scale(f)).ok()
            }
            Some(f @ (Field::Cost | Field::CostPerKm | Field::OtherFunds)) => {
                money::parse_amount(t, cols.scale(f), f == Field::CostPerKm).ok()
            }
            Some(Field::Households) => money::parse_households(t).ok().map(Decimal::from),
            _ => money::parse_decimal(t).ok(),
        }
    }

    /// A change in a few words, for the status line.
    fn describe(&self, op: &Op) -> String {
        let id = |row: &SheetRow| {
            let i = self.doc.sheet.columns.index(Field::Id).unwrap_or(0);
            row.get(i).to_string()
        };
        match op {
            Op::Set {
                row, col, old, new, ..
            } => {
                let who = self.doc.sheet.rows.get(*row).map(id).unwrap_or_default();
                format!("{who} {} {old} → {new}", self.title(*col))
            }
            Op::Insert { at, row } => {
                format!(
                    "{} {}",
                    self.lang.pick("row back at", "恢复行，位置"),
                    row_name(*at, &id(row))
                )
            }
            Op::Delete { at, row } => {
                format!(
                    "{} {}",
                    self.lang.pick("row removed at", "移除行，位置"),
                    row_name(*at, &id(row))
                )
            }
        }
    }

    /// The recovery journal, to fail its writes (tests).
    #[cfg(test)]
    pub fn journal_mut(&mut self) -> Option<&mut Journal> {
        self.journal.as_mut()
    }

    /// The lock file this editor holds, if any.
    pub fn lock_file(&self) -> Option<PathBuf> {
        self.lock.as_ref().map(|l| l.path().to_path_buf())
    }

    /// Why this editor changes nothing.
    fn say_read_only(&mut self) {
        let text = read_only_said(self.lang, self.doc.path.as_deref());
        self.say_owned(text, true);
    }

    fn say(&mut self, en: &str, zh: &str, error: bool) {
        self.status = Some(Status {
            text: self.lang.pick(en, zh).to_string(),
            error,
        });
    }

    fn say_owned(&mut self, text: String, error: bool) {
        self.status = Some(Status { text, error });
    }

    /// Keeps the cursor on screen for a table `height` lines tall.
    pub fn scroll_to_cursor(&mut self, height: usize) {
        let height = height.max(1);
        // After a resize or a delete, do not leave empty lines below the last row.
        self.top = self.top.min(self.lines.len().saturating_sub(height));
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + height {
            self.top = self.cursor + 1 - height;
        }
    }

    /// The row a change is about to set a field of, as it is before the change.
    fn row_before(&self, op: Option<&Op>) -> Option<SheetRow> {
        match op? {
            Op::Set { row, .. } => self.doc.sheet.rows.get(*row).cloned(),
            _ => None,
        }
    }

    fn record(&mut self, op: &Op, before: Option<&SheetRow>) {
        let Some(j) = &mut self.journal else { return };
        let was_behind = j.behind();
        match j.record(op, before) {
            Ok(None) if was_behind => self.say(
                "the recovery file can be written again and holds every change",
                "恢复文件又可以写入了，所有修改都已记下",
                false,
            ),
            Ok(None) => {}
            Ok(Some(aside)) => {
                // Another session (or an earlier one) left changes there: keep them.
                let aside = aside.display().to_string();
                self.say_owned(
                    match self.lang {
                        Lang::En => format!("{aside} keeps the unsaved changes of another roadsub session on this table"),
                        Lang::Zh => format!("{aside} 保存了另一个 roadsub 会话对此表未保存的修改"),
                    },
                    true,
                );
            }
            Err(e) => {
                let why = self.lang.io_reason(&e);
                self.say_owned(
                    match self.lang {
                        Lang::En => format!("cannot write the recovery file: {why}; it is written again, whole, at the next change"),
                        Lang::Zh => format!("无法写入恢复文件：{why}；下次修改时将重新完整写入"),
                    },
                    true,
                )
            }
        }
    }

    fn change(&mut self, op: Op) {
        let before = self.row_before(Some(&op));
        self.doc.change(&self.rules, op.clone());
        self.after_change(&op, before.as_ref());
    }

    fn after_change(&mut self, op: &Op, before: Option<&SheetRow>) {
        self.record(op, before);
        if !self.doc.modified() {
            // Back to the saved state (all undone): nothing is left to recover.
            if let Some(j) = &mut self.journal {
                j.clear();
            }
        }
        match op {
            Op::Set { row, .. } => {
                self.measure_row(*row);
                if self.sort.is_some() || self.filter.is_some() || self.grouping != Grouping::None {
                    self.relayout();
                }
            }
            Op::Insert { at, .. } => {
                self.measure_row(*at);
                self.relayout();
                if let Some(p) = self
                    .lines
                    .iter()
                    .position(|l| matches!(l, Line::Row(x) if x == at))
                {
                    self.cursor = p;
                }
            }
            Op::Delete { .. } => self.relayout(),
        }
    }

    /// Applies one action.
    pub fn step(&mut self, action: Action, page: usize) {
        if !matches!(self.mode, Mode::Edit { .. }) || !matches!(action, Action::Char(_)) {
            // A message stays until the next thing happens.
            if !matches!(action, Action::Accept | Action::NextCell | Action::PrevCell) {
                self.status = None;
            }
        }
        // Typing edits the text in place: copying a long cell at every key would make typing
        // in it quadratic.
        if let Some((buffer, cursor)) = self.mode.text_mut() {
            if text::edit(action, buffer, cursor) {
                self.typed();
                return;
            }
        }
        match self.mode.clone() {
            Mode::Normal => self.normal(action, page),
            Mode::Edit { buffer, .. } => self.editing(action, buffer),
            Mode::Filter { .. } => self.filtering(action),
            Mode::SaveAs { buffer, .. } => self.saving_as(action, buffer),
            Mode::Export { buffer, cursor } => self.exporting(action, buffer, cursor),
            Mode::Ask(q) => self.answer(action, q),
            Mode::Help | Mode::Rules | Mode::Why => match action {
                Action::Lang => self.toggle_lang(),
                // The rules may be longer than the screen.
                Action::Up => self.overlay_scroll = self.overlay_scroll.saturating_sub(1),
                Action::Down => {
                    self.overlay_scroll = (self.overlay_scroll + 1).min(self.overlay_max.get())
                }
                Action::PageUp => self.overlay_scroll = self.overlay_scroll.saturating_sub(10),
                Action::PageDown => {
                    self.overlay_scroll = (self.overlay_scroll + 10).min(self.overlay_max.get())
                }
                _ => {
                    self.mode = Mode::Normal;
                    self.overlay_scroll = 0;
                }
            },
        }
    }

    /// Text pasted in one piece (the terminal's bracketed paste): it goes into the text being
    /// typed, as text, however many lines it has; it never runs as keys.
    pub fn paste(&mut self, pasted: &str) {
        let Some((buffer, cursor)) = self.mode.text_mut() else {
            return self.say(
                "nothing pasted: press Enter to edit a cell, then paste",
                "未粘贴：请先按 Enter 编辑单元格，再粘贴",
                true,
            );
        };
        let joined = text::paste(pasted, buffer, cursor);
        self.typed();
        if joined {
            self.say(
                "pasted as one line: its line breaks and tabs became spaces",
                "已粘贴为一行：其中的换行和制表符已替换为空格",
                false,
            );
        }
    }

    /// After the text being typed changed: a filter applies at once.
    fn typed(&mut self) {
        if let Mode::Filter { buffer, .. } = &self.mode {
            self.filter = (!buffer.is_empty()).then(|| buffer.clone());
            self.relayout();
        }
    }

    fn toggle_lang(&mut self) {
        self.lang = match self.lang {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        };
        self.measure_all();
    }

    fn normal(&mut self, action: Action, page: usize) {
        if self.read_only
            && matches!(
                action,
                Action::Edit
                    | Action::Add
                    | Action::Delete
                    | Action::Undo
                    | Action::Redo
                    | Action::Save
            )
        {
            return self.say_read_only();
        }
        let last = self.lines.len().saturating_sub(1);
        let page = page.max(1);
        match action {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(last),
            Action::Left => self.col = self.col.saturating_sub(1),
            Action::Right => self.col = (self.col + 1).min(self.ncols() - 1),
            Action::PageUp => self.cursor = self.cursor.saturating_sub(page),
            Action::PageDown => self.cursor = (self.cursor + page).min(last),
            Action::Home => self.col = 0,
            Action::End => self.col = self.ncols() - 1,
            Action::Top => self.cursor = 0,
            Action::Bottom => self.cursor = last,
            Action::Edit => self.start_edit(),
            Action::Add => self.add_row(),
            Action::Delete => self.delete_row(),
            Action::Undo => match self.undo_change() {
                Some((op, before)) => {
                    self.after_change(&op, before.as_ref());
                    let what = self.describe(&op);
                    self.say_owned(
                        format!("{}{what}", self.lang.pick("undone: ", "已撤销：")),
                        false,
                    );
                }
                None => self.say("nothing to undo", "没有可撤销的操作", false),
            },
            Action::Redo => match self.redo_change() {
                Some((op, before)) => {
                    self.after_change(&op, before.as_ref());
                    let what = self.describe(&op);
                    self.say_owned(
                        format!("{}{what}", self.lang.pick("redone: ", "已重做：")),
                        false,
                    );
                }
                None => self.say("nothing to redo", "没有可重做的操作", false),
            },
            Action::Filter => {
                let buffer = self.filter.clone().unwrap_or_default();
                let cursor = buffer.len();
                self.mode = Mode::Filter { buffer, cursor };
            }
            Action::NextMatch | Action::PrevMatch => self.jump(action == Action::NextMatch),
            Action::Sort => {
                self.sort = match self.sort {
                    Some((c, false)) if c == self.col => Some((c, true)),
                    Some((c, true)) if c == self.col => None,
                    _ => Some((self.col, false)),
                };
                self.relayout();
            }
            Action::Group => {
                self.grouping = match self.grouping {
                    Grouping::None => Grouping::Township,
                    Grouping::Township => Grouping::Village,
                    Grouping::Village => Grouping::None,
                };
                self.relayout();
                match self.grouping {
                    Grouping::Township => self.say(
                        "grouped by township, with subtotals",
                        "按乡镇分组小计",
                        false,
                    ),
                    Grouping::Village => {
                        self.say("grouped by village, with subtotals", "按村分组小计", false)
                    }
                    Grouping::None => self.say("not grouped", "已取消分组", false),
                }
            }
            Action::Save => self.save(false),
            Action::Quit => {
                if self.doc.modified() {
                    self.mode = Mode::Ask(Question::QuitUnsaved);
                } else {
                    self.leave();
                }
            }
            Action::Lang => self.toggle_lang(),
            Action::Money => {
                self.unit = match self.unit {
                    Unit::Wan => Unit::Yuan,
                    Unit::Yuan => Unit::Wan,
                };
                self.measure_all();
            }
            Action::Rules => self.mode = Mode::Rules,
            Action::Why => self.mode = Mode::Why,
            Action::Export => {
                // Offer the table's own name with .xlsx, the usual report.
                let buffer = self
                    .doc
                    .path
                    .as_ref()
                    .map(|p| p.with_extension("report.xlsx").display().to_string())
                    .unwrap_or_else(|| "report.xlsx".to_string());
                let cursor = buffer.len();
                self.mode = Mode::Export { buffer, cursor };
            }
            Action::Help => self.mode = Mode::Help,
            Action::Cancel if self.filter.is_some() => {
                self.filter = None;
                self.relayout();
            }
            _ => {}
        }
    }

    /// Undoes the last change: the change made, and the row it set a field of as it was.
    fn undo_change(&mut self) -> Option<(Op, Option<SheetRow>)> {
        let before = self.row_before(self.doc.next(true));
        self.doc.undo(&self.rules).map(|op| (op, before))
    }

    /// Redoes the last change undone, as [`App::undo_change`].
    fn redo_change(&mut self) -> Option<(Op, Option<SheetRow>)> {
        let before = self.row_before(self.doc.next(false));
        self.doc.redo(&self.rules).map(|op| (op, before))
    }

    fn leave(&mut self) {
        if let Some(j) = &mut self.journal {
            j.clear();
        }
        self.quit = true;
    }

    fn start_edit(&mut self) {
        let Some(row) = self.current_row() else {
            return self.say_not_a_row();
        };
        if self.col >= self.input_cols() {
            return self.say(
                "computed columns cannot be edited: change width, length or cost instead",
                "计算列不能编辑：请修改宽度、长度或造价",
                true,
            );
        }
        let buffer = self.doc.sheet.rows[row].get(self.col).to_string();
        let cursor = buffer.len();
        self.mode = Mode::Edit { buffer, cursor };
    }

    fn editing(&mut self, action: Action, buffer: String) {
        match action {
            Action::Cancel => self.mode = Mode::Normal,
            Action::Accept | Action::NextCell | Action::PrevCell => {
                if !self.commit_edit(&buffer) {
                    return;
                }
                self.mode = Mode::Normal;
                match action {
                    Action::NextCell if self.col + 1 < self.input_cols() => {
                        self.col += 1;
                        self.start_edit();
                    }
                    Action::PrevCell if self.col > 0 => {
                        self.col -= 1;
                        self.start_edit();
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// Checks and stores an edited value; false (with the reason shown) when refused.
    fn commit_edit(&mut self, value: &str) -> bool {
        let Some(row) = self.current_row() else {
            return false;
        };
        let col = self.col;
        let old = self.doc.sheet.rows[row].get(col).to_string();
        if old == value {
            return true;
        }
        match self.doc.check(&self.rules, row, col, value, self.lang) {
            Err(reason) => {
                self.say_owned(reason, true);
                false
            }
            Ok(()) => {
                self.status = None;
                let op = Op::set(row, &self.doc.sheet.rows[row], col, value);
                self.change(op);
                true
            }
        }
    }

    fn add_row(&mut self) {
        if self.filter.take().is_some() {
            // A new, empty row matches no filter: show everything so it can be seen.
            self.relayout();
        }
        let cols = &self.doc.sheet.columns;
        let n = cols.names.len();
        let from = self.current_row();
        let copy = |f: Field| {
            cols.index(f)
                .zip(from)
                .map(|(i, r)| (i, self.doc.sheet.rows[r].get(i).to_string()))
        };
        let copied: Vec<(usize, String)> = [Field::Township, Field::Village]
            .into_iter()
            .filter_map(copy)
            .collect();
        let fields: Vec<String> = (0..n)
            .map(|i| {
                copied
                    .iter()
                    .find(|(c, _)| *c == i)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        let at = from.map_or(self.doc.sheet.rows.len(), |r| r + 1);
        let row = SheetRow::new(fields.iter().map(String::as_str), 0);
        self.change(Op::Insert { at, row });
        self.col = cols_index(&self.doc, Field::Id);
        self.say(
            "row added: fill in id, class, width, length and cost",
            "已添加一行：请填写编号、类别、宽度、长度和造价",
            false,
        );
    }

    fn delete_row(&mut self) {
        let Some(at) = self.current_row() else {
            return self.say_not_a_row();
        };
        let row = self.doc.sheet.rows[at].clone();
        self.change(Op::Delete { at, row });
        self.say("row deleted (u undoes)", "已删除一行（按 u 撤销）", false);
    }

    fn jump(&mut self, forward: bool) {
        let Some(needle) = self.filter.as_ref().map(|f| f.to_lowercase()) else {
            return self.say(
                "no filter: press / to type one",
                "没有筛选条件：按 / 输入",
                false,
            );
        };
        let n = self.lines.len();
        for step in 1..=n {
            let i = if forward {
                (self.cursor + step) % n
            } else {
                (self.cursor + n - step % n) % n
            };
            if let Line::Row(r) = self.lines[i] {
                if let Some(c) = matches(&self.doc.sheet.rows[r], &needle) {
                    self.cursor = i;
                    self.col = c;
                    return;
                }
            }
        }
    }

    fn filtering(&mut self, action: Action) {
        match action {
            Action::Cancel => {
                self.filter = None;
                self.mode = Mode::Normal;
                self.relayout();
            }
            Action::Accept => {
                self.mode = Mode::Normal;
                let shown = self.shown_rows();
                if let Some(f) = &self.filter {
                    let text = match (self.lang, shown) {
                        (Lang::En, 0) => format!("no row matches \"{f}\" (Esc clears the filter)"),
                        (Lang::Zh, 0) => format!("没有行匹配\"{f}\"（按 Esc 清除筛选）"),
                        (Lang::En, 1) => "1 row matches".to_string(),
                        (Lang::En, n) => format!("{n} rows match"),
                        (Lang::Zh, n) => format!("{n} 行匹配"),
                    };
                    self.say_owned(text, shown == 0);
                }
            }
            _ => {}
        }
    }

    fn saving_as(&mut self, action: Action, buffer: String) {
        match action {
            Action::Cancel => {
                self.mode = Mode::Normal;
                self.quit_after_save = false;
            }
            Action::Accept if !buffer.trim().is_empty() => {
                let path = PathBuf::from(buffer.trim());
                let origin = self.doc.sheet.workbook.as_ref();
                if let Some(why) = crate::table::workbook::cannot_write(origin, &path) {
                    // Refused before any question: the name typed stays to be corrected.
                    self.say_owned(why.render(self.lang), true);
                    let cursor = buffer.len();
                    self.mode = Mode::SaveAs { buffer, cursor };
                    return;
                }
                self.mode = Mode::Normal;
                if path.exists() {
                    self.mode = Mode::Ask(Question::OverwriteExisting(path));
                } else {
                    self.save_to(path);
                }
            }
            _ => {}
        }
    }

    fn answer(&mut self, action: Action, q: Question) {
        if matches!(q, Question::Restore(_)) && !matches!(action, Action::Yes | Action::No) {
            // Unanswered, a later change would start a new journal over the old one.
            return;
        }
        self.mode = Mode::Normal;
        match (q, action) {
            (Question::QuitUnsaved, Action::Yes) => {
                self.quit_after_save = true;
                self.save(false);
            }
            (Question::QuitUnsaved, Action::No) => self.leave(),
            (Question::OverwriteChanged, Action::Yes) => self.save(true),
            (Question::OverwriteExisting(path), Action::Yes) => self.save_to(path),
            (Question::OverwriteExisting(_), _) => {
                let buffer = String::new();
                self.mode = Mode::SaveAs { buffer, cursor: 0 };
            }
            (Question::ReplaceExport(path), Action::Yes) => self.export(path),
            (Question::Restore(_), Action::Yes) => self.restore(),
            (Question::Restore(_), _) => {
                if let Some(j) = &mut self.journal {
                    j.clear();
                }
                self.say(
                    "the unsaved changes were dropped",
                    "已丢弃未保存的修改",
                    false,
                );
            }
            (Question::OverwriteChanged, _) => {
                self.quit_after_save = false;
                self.say(
                    "not saved: the file on disk was left as it is",
                    "未保存：磁盘上的文件保持原样",
                    false,
                );
            }
            _ => self.quit_after_save = false,
        }
    }

    /// Applies an earlier session's changes. Each goes back only onto a row that holds exactly
    /// what it held then, independently of the others; those that no longer fit stay in the
    /// journal set aside, and the status line says how many.
    fn restore(&mut self) {
        let data = journal_data(&self.doc);
        let left = Journal::read(&data, self.input_cols()).ok();
        // The old journal is kept aside until every change is back, so a change that no
        // longer fits its row is never lost.
        let aside = Journal::set_aside(&data).ok();
        let Some(mut left) = left else {
            return self.say(
                "the recovery file could not be read; it is kept beside the table",
                "无法读取恢复文件；它保留在表格旁",
                true,
            );
        };
        let damaged = left.bad.len();
        let total = left.entries.len() + damaged;
        let mut missed = Vec::new();
        for e in std::mem::take(&mut left.entries) {
            match e.to_op(&self.doc.sheet.rows) {
                Some(op) => {
                    let before = self.row_before(Some(&op));
                    self.doc.change(&self.rules, op.clone());
                    self.record(&op, before.as_ref());
                }
                None => missed.push(e),
            }
        }
        self.measure_all();
        self.relayout();
        let applied = total - missed.len() - damaged;
        let mut kept = String::new();
        if let Some(aside) = &aside {
            if missed.is_empty() && damaged == 0 {
                let _ = std::fs::remove_file(aside);
            } else {
                left.entries = missed.clone();
                let _ = Journal::write_left(aside, &left);
                kept = aside.display().to_string();
            }
        }
        let missing = missed.len();
        let text = match (self.lang, missing) {
            _ if damaged > 0 => damaged_said(self.lang, applied, total, missing, damaged, &kept),
            (Lang::En, 0) => format!(
                "{applied} unsaved {} restored (u undoes them one by one)",
                if applied == 1 { "change" } else { "changes" }
            ),
            (Lang::Zh, 0) => format!("已恢复 {applied} 处未保存的修改（按 u 可逐一撤销）"),
            (Lang::En, _) => format!(
                "{applied} of {total} unsaved changes restored; {missing} no longer {} the rows as they are and {} kept in {kept}",
                if missing == 1 { "fits" } else { "fit" },
                if missing == 1 { "is" } else { "are" }
            ),
            (Lang::Zh, _) => format!("已恢复 {total} 处未保存修改中的 {applied} 处；另有 {missing} 处与现有行不符，保存在 {kept}"),
        };
        self.say_owned(text, missing + damaged > 0);
    }

    fn exporting(&mut self, action: Action, buffer: String, cursor: usize) {
        match action {
            Action::Cancel => self.mode = Mode::Normal,
            Action::Accept if !buffer.trim().is_empty() => {
                let path = PathBuf::from(buffer.trim());
                self.mode = Mode::Normal;
                let open = self.doc.path.as_deref();
                if open.is_some_and(|p| p == path || crate::table::replace::is_same_file(p, &path))
                {
                    // A report in place of the table would lose the table.
                    self.say(
                        "that is the table being edited: export to another file (Ctrl-S saves the table)",
                        "这是正在编辑的表格：请导出到其他文件（保存表格请按 Ctrl-S）",
                        true,
                    );
                    self.mode = Mode::Export { buffer, cursor };
                } else if path.exists() {
                    self.mode = Mode::Ask(Question::ReplaceExport(path));
                } else {
                    self.export(path);
                }
            }
            _ => {}
        }
    }

    /// Writes a report of the table as it is now, in the format `path`'s extension names,
    /// with the writers `roadsub batch` uses.
    fn export(&mut self, path: PathBuf) {
        let result = super::export::export(&self.doc, &self.rules, self.lang, &path);
        let name = path.display();
        match result {
            Ok(r) if r.good > 0 => {
                let (good, bad) = (r.good, r.bad);
                let text = match (self.lang, bad) {
                    (Lang::En, 0) => format!("exported {good} {} to {name}", if good == 1 { "row" } else { "rows" }),
                    (Lang::Zh, 0) => format!("已导出 {good} 行到 {name}"),
                    (Lang::En, _) => format!(
                        "exported {good} {} to {name}; {bad} {} that cannot be computed (✗) {} left out",
                        rows_word(good as usize),
                        rows_word(bad as usize),
                        if bad == 1 { "was" } else { "were" }
                    ),
                    (Lang::Zh, _) => format!("已导出 {good} 行到 {name}；{bad} 个无法计算的行（✗）未导出"),
                };
                self.say_owned(text, bad > 0);
            }
            Ok(_) => self.say(
                "nothing exported: no row can be computed",
                "未导出：没有可计算的行",
                true,
            ),
            Err(e) => self.say_owned(
                format!(
                    "{} {name}: {e}",
                    self.lang.pick("could not export to", "无法导出到")
                ),
                true,
            ),
        }
    }

    /// Saves a table that had no file yet (or under a new name) to `path`.
    fn save_to(&mut self, path: PathBuf) {
        // The table will be edited under its new name: that takes the new name's lock.
        let held = match lock::take(&path) {
            Ok(None) => {
                let name = path.display();
                self.say_owned(
                    match self.lang {
                        Lang::En => {
                            format!("another roadsub is editing {name}: save under another name")
                        }
                        Lang::Zh => format!("另一个 roadsub 正在编辑 {name}：请换一个文件名保存"),
                    },
                    true,
                );
                self.mode = Mode::SaveAs {
                    buffer: String::new(),
                    cursor: 0,
                };
                return;
            }
            Ok(Some(l)) => Some(l),
            Err(_) => None,
        };
        let before = (self.doc.path.take(), self.doc.sheet.stamp.take());
        self.doc.path = Some(path);
        self.save(true);
        if self.doc.modified() {
            // The save failed: the table keeps its old name, and Ctrl-S asks again.
            (self.doc.path, self.doc.sheet.stamp) = before;
        } else {
            self.lock = held;
        }
    }

    fn save(&mut self, force: bool) {
        let Some(path) = self.doc.path.clone() else {
            self.mode = Mode::SaveAs {
                buffer: String::new(),
                cursor: 0,
            };
            return;
        };
        if !force && self.doc.sheet.changed_on_disk(&path) {
            self.mode = Mode::Ask(Question::OverwriteChanged);
            return;
        }
        if crate::table::workbook::is_workbook(&path)
            && !crate::table::workbook::writes_in_place(&path)
        {
            // Never written under its own name: ask for a new one beside it.
            self.ask_new_name(&path, "xlsx");
            return;
        }
        let had_previous = path.exists();
        match self.doc.sheet.save(&path) {
            Ok(()) => {
                self.doc.mark_saved();
                // The journal so far (perhaps a new table's) is done with; later changes go
                // to one beside the saved file.
                if let Some(j) = &mut self.journal {
                    j.clear();
                }
                self.journal = Some(Journal::new(&path, base_of(self.doc.sheet.stamp)));
                let name = path.display();
                let rows = self.doc.sheet.rows.len();
                let text = match (self.lang, had_previous) {
                    (Lang::En, true) => format!(
                        "saved {rows} {} to {name} (the previous version is {name}.bak)",
                        rows_word(rows)
                    ),
                    (Lang::En, false) => format!("saved {rows} {} to {name}", rows_word(rows)),
                    (Lang::Zh, true) => {
                        format!("已保存 {rows} 行到 {name}（上一版本为 {name}.bak）")
                    }
                    (Lang::Zh, false) => format!("已保存 {rows} 行到 {name}"),
                };
                self.say_owned(text, false);
                if self.quit_after_save {
                    self.quit = true;
                }
            }
            Err(e) => {
                let workbook = e
                    .get_ref()
                    .and_then(|i| i.downcast_ref::<crate::table::workbook::SaveError>());
                let text = match workbook {
                    Some(w) => format!(
                        "{}{}",
                        self.lang.pick("could not save: ", "保存失败："),
                        w.render(self.lang)
                    ),
                    None => save_failed(self.lang, &path, &e),
                };
                self.say_owned(text, true);
                if workbook.is_some_and(|w| !matches!(w, crate::table::workbook::SaveError::Io(_)))
                {
                    // The workbook stays as it is; the table can still go to a new file.
                    self.mode = Mode::SaveAs {
                        buffer: path.with_extension("csv").display().to_string(),
                        cursor: 0,
                    };
                    self.fix_save_as_cursor();
                } else {
                    self.quit_after_save = false;
                }
            }
        }
    }

    /// Asks where to save a workbook roadsub cannot write back: a new name beside it
    /// (never the original), with the reason on the status line.
    fn ask_new_name(&mut self, path: &std::path::Path, ext: &str) {
        let kind = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let reason = crate::table::workbook::SaveError::CannotWrite { ext: kind }.render(self.lang);
        self.say_owned(reason, true);
        self.mode = Mode::SaveAs {
            buffer: path.with_extension(ext).display().to_string(),
            cursor: 0,
        };
        self.fix_save_as_cursor();
    }

    /// Puts the save-as prompt's cursor at the end of the name offered.
    fn fix_save_as_cursor(&mut self) {
        if let Mode::SaveAs { buffer, cursor } = &mut self.mode {
            *cursor = buffer.len();
        }
    }
}

/// What a second editor says: which table the other one edits (a new table has no file to
/// name: the lock it shares is one per folder).
pub fn read_only_said(lang: Lang, file: Option<&std::path::Path>) -> String {
    match (lang, file) {
        (Lang::En, Some(f)) => format!("read-only: another roadsub is editing {}; changes and saving are for that one (x still exports)", f.display()),
        (Lang::Zh, Some(f)) => format!("只读：另一个 roadsub 正在编辑 {}；修改和保存请在那边进行（仍可按 x 导出）", f.display()),
        (Lang::En, None) => "read-only: another roadsub is editing a new table in this folder; changes and saving are for that one (x still exports)".to_string(),
        (Lang::Zh, None) => "只读：另一个 roadsub 正在此文件夹中编辑一个新表格；修改和保存请在那边进行（仍可按 x 导出）".to_string(),
    }
}

/// Why a save failed, said plainly ("the disk is full"), with the file named.
pub fn save_failed(lang: Lang, path: &std::path::Path, e: &std::io::Error) -> String {
    let (name, why) = (path.display(), lang.io_reason(e));
    match lang {
        Lang::En => format!("could not save {name}: {why}; the file on disk is as it was"),
        Lang::Zh => format!("无法保存 {name}：{why}；磁盘上的文件保持原样"),
    }
}

/// What a restore says when some lines of the journal could not be read: how many changes
/// went back, how many no longer fit, how many were damaged, and where those are kept.
fn damaged_said(
    lang: Lang,
    applied: usize,
    total: usize,
    unfit: usize,
    damaged: usize,
    kept: &str,
) -> String {
    let (n, m) = (damaged, unfit);
    match lang {
        Lang::En => format!(
            "{applied} of {total} unsaved changes restored; {n} {} damaged{} and {} kept in {kept}",
            if n == 1 { "record is" } else { "records are" },
            match m {
                0 => String::new(),
                1 => ", 1 no longer fits the rows as they are,".to_string(),
                _ => format!(", {m} no longer fit the rows as they are,"),
            },
            if n + m == 1 { "is" } else { "are" },
        ),
        Lang::Zh => format!(
            "已恢复 {total} 处未保存修改中的 {applied} 处；{n} 条记录已损坏{}，保存在 {kept}",
            if m == 0 {
                String::new()
            } else {
                format!("，另有 {m} 处与现有行不符")
            }
        ),
    }
}

/// A row as named in messages: its position (from 1) and its id, if it has one.
fn row_name(at: usize, id: &str) -> String {
    if id.is_empty() {
        format!("{}", at + 1)
    } else {
        format!("{} ({id})", at + 1)
    }
}

/// "row" or "rows".
fn rows_word(n: usize) -> &'static str {
    if n == 1 {
        "row"
    } else {
        "rows"
    }
}

fn cols_index(doc: &Doc, f: Field) -> usize {
    doc.sheet.columns.index(f).unwrap_or(0)
}
