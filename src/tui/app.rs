//! The state of the interactive table and [`App::step`], which applies one [`Action`]: the
//! fields every concern shares, opening a table (and offering what an earlier session left),
//! and the keys of the table itself. Nothing here draws, and nothing here computes money: it
//! asks the [`Doc`] (and so the engine). The other concerns are beside it: [`super::lines`]
//! (what lines are shown), [`super::cells`] (what a cell says), [`super::edits`] (changing
//! rows), [`super::modes`] (typing, prompts and questions), [`super::files`] (saving,
//! exporting, recovery), [`super::variant`] (what-if: a variant beside the rules in force).

use std::path::PathBuf;

use super::action::Action;
use super::cells::Unit;
use super::doc::Doc;
use super::files::{journal_data, read_only_said};
use super::journal::{base_of, Journal};
use super::lines::{Grouping, Line};
use super::lock;
use super::modes::{Mode, Question};
use super::text;
use crate::i18n::Lang;
use crate::rules::RuleSet;

/// A message in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// Whether it reports a refusal or failure.
    pub error: bool,
}

/// The whole state of the interactive table.
/// A workbook's merged cells: the file (as it was when read) and sheet, and the merges.
pub(super) type Merges = (
    std::path::PathBuf,
    String,
    Option<crate::table::sheet::Stamp>,
    Vec<crate::table::workbook::merged::Merge>,
);

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
    /// The width the table was last drawn in (0 before it was), which decides the order its
    /// columns are shown in, and so where ←, →, Tab and Shift-Tab go.
    pub(super) drawn_width: std::cell::Cell<usize>,
    /// Every change, written beside the file as it is made (see [`Journal`]); `None` when
    /// read-only.
    pub(super) journal: Option<Journal>,
    /// Quit once the save under way (perhaps after a question) succeeds.
    pub(super) quit_after_save: bool,
    /// The permissions a save under a new name may give the new file at most: those of the
    /// file the table was saved as before, owner's read and write added (a private table's
    /// copy stays private).
    pub(super) new_file_within: Option<u32>,
    /// Whether the workbook's save was refused for a reason a copy as .xlsx would keep (a
    /// shared formula, a sheet that moved): the save-as prompt then says a .csv name.
    pub(super) csv_only: bool,
    /// Whether the table's formulas were said to keep their results as last saved (once, at
    /// the first edit of a workbook whose rows hold them).
    pub(super) formulas_said: bool,
    /// The merged cells of the workbook saved in place, read the first time a cell of it is
    /// edited, with the file as it was then.
    pub(super) merges: Option<Merges>,
    /// Lines scrolled in the help, rules or explanation window.
    pub overlay_scroll: usize,
    /// How far that window can scroll, as last drawn (so scrolling past the end does not
    /// pile up key presses that must be undone).
    pub overlay_max: std::cell::Cell<usize>,
    /// This editor's hold on the table (see [`lock`]); `None` when read-only, or when the
    /// lock could not be taken for another reason (a directory that cannot be written).
    pub(super) lock: Option<lock::Lock>,
    /// Another roadsub is editing the same table: this one only shows it.
    pub read_only: bool,
    /// While the table is read in the background: its first rows are shown, and keys that
    /// need the whole table wait for it (see [`super::loading`]).
    pub(super) loading: Option<super::loading::Loading>,
}

/// What became of a read-only view asked to change the table ([`App::take_over`]).
enum TakeOver {
    /// Another roadsub still edits it.
    Held,
    /// That one has gone, but the file changed since it was read here: still read-only.
    Changed,
    /// That one has gone and the file is as read here: this view edits it now.
    Taken,
    /// As `Taken`, and that one left unsaved changes, which are offered first.
    Asked,
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
        let earlier = (!read_only && Journal::exists(&data))
            .then(|| Journal::read(&data, doc.sheet.columns.names.len()));
        let mut app = App::bare(doc, rules, lang);
        app.journal = journal;
        app.lock = held;
        app.read_only = read_only;
        app.measure_all();
        app.relayout();
        if read_only {
            app.say_read_only();
        }
        match earlier {
            None => {}
            Some(Ok(found)) if found.entries.is_empty() && found.bad.is_empty() => {
                if let Some(j) = &mut app.journal {
                    j.clear();
                }
            }
            Some(Ok(found)) if found.base == base && !found.entries.is_empty() => {
                app.mode = Mode::Ask(Question::Restore(found.entries.len()))
            }
            Some(found) => {
                // The file changed since (or the journal is damaged): applying the changes by
                // row number could put them on the wrong rows. Keep them aside instead.
                let aside = Journal::set_aside(&data)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let only_damaged = found.is_ok_and(|f| f.base == base);
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
        let carried = crate::report::layout::carried(&app.doc.sheet.columns, &app.rules);
        if app.status.is_none() && !carried.is_empty() {
            let listed = super::files::carried_list(lang, &carried);
            app.say_owned(
                match lang {
                    Lang::En => format!("a report roadsub wrote: its computed columns ({listed}) keep the file's figures, the table computes its own beside them, and edits go out as a fresh report with x"),
                    Lang::Zh => format!("此表是 roadsub 写出的报表：其中的计算列（{listed}）保留文件中的数字，表格在旁边另行计算；修改后请按 x 导出新的报表"),
                },
                false,
            );
        }
        app
    }

    /// A state over `doc` holding neither lock nor journal, nothing laid out yet.
    pub(super) fn bare(doc: Doc, rules: RuleSet, lang: Lang) -> App {
        App {
            doc,
            rules,
            lang,
            mode: Mode::Table,
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
            drawn_width: std::cell::Cell::new(0),
            journal: None,
            quit_after_save: false,
            new_file_within: None,
            csv_only: false,
            formulas_said: false,
            merges: None,
            overlay_scroll: 0,
            overlay_max: std::cell::Cell::new(0),
            lock: None,
            read_only: false,
            loading: None,
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

    /// Makes this read-only view the table's editor if the other roadsub has gone since (its
    /// lock is free again), and only while the file is still the one read here: an edit made
    /// on the copy shown would undo what the other one saved. Says so when the file changed.
    fn take_over(&mut self) -> TakeOver {
        let data = journal_data(&self.doc);
        let Ok(Some(held)) = lock::take(&data) else {
            return TakeOver::Held;
        };
        let changed = self
            .doc
            .path
            .as_deref()
            .is_some_and(|p| self.doc.sheet.changed_on_disk(p));
        if changed {
            // Let go again: this view stays as it was read, and says so.
            drop(held);
            let name = data.display();
            let text = match self.lang {
                Lang::En => format!("read-only: the other roadsub has closed {name}, which changed since it was opened here; to edit it, quit and open it again (x still exports what is shown, as it was read)"),
                Lang::Zh => format!("只读：另一个 roadsub 已关闭 {name}，但该文件在此处打开后已被修改；要编辑请退出后重新打开（x 导出的仍是此处读入时的内容）"),
            };
            self.say_owned(text, true);
            return TakeOver::Changed;
        }
        let base = base_of(self.doc.sheet.stamp);
        self.journal = Some(Journal::new(&data, base.clone()));
        self.lock = Some(held);
        self.read_only = false;
        // The other one crashed with unsaved changes on this very file: they are offered, as
        // opening it afresh offers them (not set aside by the first change made here).
        if Journal::exists(&data) {
            if let Ok(found) = Journal::read(&data, self.doc.sheet.columns.names.len()) {
                if found.base == base && !found.entries.is_empty() {
                    self.mode = Mode::Ask(Question::Restore(found.entries.len()));
                    return TakeOver::Asked;
                }
            }
        }
        TakeOver::Taken
    }

    /// Why this editor changes nothing.
    fn say_read_only(&mut self) {
        let text = read_only_said(self.lang, self.doc.path.as_deref());
        self.say_owned(text, true);
    }

    /// Puts a message on the status line, in the interface language.
    pub(super) fn say(&mut self, en: &str, zh: &str, error: bool) {
        self.status = Some(Status {
            text: self.lang.pick(en, zh).to_string(),
            error,
        });
    }

    /// Puts a message already in the interface language on the status line.
    pub(super) fn say_owned(&mut self, text: String, error: bool) {
        self.status = Some(Status { text, error });
    }

    /// Applies one action.
    pub fn step(&mut self, action: Action, page: usize) {
        if !matches!(self.mode, Mode::Edit { .. }) || !matches!(action, Action::Char(_)) {
            // A message stays until the next thing happens.
            if !matches!(action, Action::Accept | Action::NextCell | Action::PrevCell) {
                self.status = None;
            }
        }
        if self.refused_while_reading(action) {
            return;
        }
        // Typing edits the text in place: copying a long cell at every key would make typing
        // in it quadratic.
        if let Some((buffer, cursor)) = self.mode.text_mut() {
            if text::edit(action, buffer, cursor) {
                self.after_typing();
                return;
            }
        }
        match self.mode.clone() {
            Mode::Table => self.on_table_key(action, page),
            Mode::Edit { buffer, .. } => self.on_edit_key(action, buffer),
            Mode::Filter { .. } => self.on_filter_key(action),
            Mode::SaveAs { buffer, .. } => self.on_save_as_key(action, buffer),
            Mode::Export { buffer, cursor } => self.on_export_key(action, buffer, cursor),
            Mode::Variant { buffer, cursor } => self.on_variant_key(action, buffer, cursor),
            Mode::Ask(q) => self.on_answer(action, q),
            Mode::Help | Mode::Rules | Mode::Why | Mode::Budgets => self.on_window_key(action),
        }
    }

    /// Switches between English and Chinese (titles change width: columns are measured again).
    pub(super) fn toggle_lang(&mut self) {
        self.lang = match self.lang {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        };
        self.measure_all();
    }

    /// What an action does on the table itself, with no prompt or window open; `page` is
    /// how many lines the table shows.
    fn on_table_key(&mut self, action: Action, page: usize) {
        let changes = matches!(
            action,
            Action::Edit
                | Action::Add
                | Action::Delete
                | Action::Undo
                | Action::Redo
                | Action::Save
        );
        if self.read_only && changes {
            match self.take_over() {
                // The other editor has gone and the file is as read here: editable now.
                TakeOver::Taken => {}
                TakeOver::Changed | TakeOver::Asked => return,
                TakeOver::Held => return self.say_read_only(),
            }
        }
        let last = self.lines.len().saturating_sub(1);
        let page = page.max(1);
        match action {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(last),
            Action::Left => self.col = self.column_beside(false, false).unwrap_or(self.col),
            Action::Right => self.col = self.column_beside(true, false).unwrap_or(self.col),
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
                    self.show_field_changed(&op);
                    let what = self.describe_change(&op);
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
                    self.show_field_changed(&op);
                    let what = self.describe_change(&op);
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
            Action::NextMatch | Action::PrevMatch => {
                self.jump_to_match(action == Action::NextMatch)
            }
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
                    self.quit_without_saving();
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
            Action::Budgets => self.mode = Mode::Budgets,
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
            Action::Notice => self.notice(),
            Action::Variant => self.start_variant(),
            Action::Help => self.mode = Mode::Help,
            Action::Cancel if self.filter.is_some() => {
                self.filter = None;
                self.relayout();
            }
            _ => {}
        }
    }

    /// Ends the program; what the journal holds is given up with the changes.
    pub(super) fn quit_without_saving(&mut self) {
        if let Some(j) = &mut self.journal {
            j.clear();
        }
        self.quit = true;
    }
}
