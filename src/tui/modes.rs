//! What the keyboard is doing when it is not moving around the table: typing a cell, a filter,
//! a file name or a variant (and pasting into it), answering a question, reading a window.

use std::path::PathBuf;

use super::action::Action;
use super::app::App;
use super::text;
use crate::i18n::Lang;

/// What the keyboard is doing right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Moving around the table.
    Table,
    /// Typing a new value for the current cell; `cursor` is a byte offset in `buffer` (as in
    /// the other typing modes).
    Edit { buffer: String, cursor: usize },
    /// Typing a filter.
    Filter { buffer: String, cursor: usize },
    /// Typing a file name to save a new table under.
    SaveAs { buffer: String, cursor: usize },
    /// Typing a file name to export a report to.
    Export { buffer: String, cursor: usize },
    /// Typing a variant to compare with the rules in force: a rules file, or settings.
    Variant { buffer: String, cursor: usize },
    /// Waiting for an answer.
    Ask(Question),
    /// The help screen.
    Help,
    /// The rules in force.
    Rules,
    /// The current row's whole explanation.
    Why,
    /// Each budget's envelope: asked, paid and the rows cut.
    Budgets,
}

impl Mode {
    /// The text being typed and its cursor, in the modes that type text.
    pub fn text_mut(&mut self) -> Option<(&mut String, &mut usize)> {
        match self {
            Mode::Edit { buffer, cursor }
            | Mode::Filter { buffer, cursor }
            | Mode::SaveAs { buffer, cursor }
            | Mode::Export { buffer, cursor }
            | Mode::Variant { buffer, cursor } => Some((buffer, cursor)),
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

impl App {
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
        self.after_typing();
        if joined {
            self.say(
                "pasted as one line: its line breaks and tabs became spaces",
                "已粘贴为一行：其中的换行和制表符已替换为空格",
                false,
            );
        }
    }

    /// After the text being typed changed: a filter applies at once.
    pub(super) fn after_typing(&mut self) {
        if let Mode::Filter { buffer, .. } = &self.mode {
            self.filter = (!buffer.is_empty()).then(|| buffer.clone());
            self.relayout();
        }
    }

    /// Starts typing a new value for the current cell, its old one offered.
    pub(super) fn start_edit(&mut self) {
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

    /// A key while typing a cell: Enter (or Tab, Shift-Tab) stores it if it is valid.
    pub(super) fn on_edit_key(&mut self, action: Action, buffer: String) {
        match action {
            Action::Cancel => self.mode = Mode::Table,
            Action::Accept | Action::NextCell | Action::PrevCell => {
                let edited = self.current_row();
                if !self.commit_edit(&buffer) {
                    return;
                }
                self.mode = Mode::Table;
                // A value that no longer matches the filter hides its row: the cursor is on
                // the row shown next, which Tab must not go on to edit as if it were this one.
                if let (Some(row), Some(filter)) = (edited, self.filter.clone()) {
                    if self.current_row() != Some(row) {
                        return self.say_hidden_by_filter(row, &filter);
                    }
                }
                // The next input column as the table shows them (the cost may be shown last).
                let next = match action {
                    Action::NextCell => self.column_beside(true, true),
                    Action::PrevCell => self.column_beside(false, true),
                    _ => None,
                };
                if let Some(col) = next {
                    self.col = col;
                    self.start_edit();
                }
            }
            _ => {}
        }
    }

    /// A key while typing a filter: Enter keeps it, Esc clears it.
    pub(super) fn on_filter_key(&mut self, action: Action) {
        match action {
            Action::Cancel => {
                self.filter = None;
                self.mode = Mode::Table;
                self.relayout();
            }
            Action::Accept => {
                self.mode = Mode::Table;
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

    /// A key in the help, rules or explanation window: scroll it, switch the language, or
    /// close it.
    pub(super) fn on_window_key(&mut self, action: Action) {
        match action {
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
                self.mode = Mode::Table;
                self.overlay_scroll = 0;
            }
        }
    }

    /// The answer to question `q`.
    pub(super) fn on_answer(&mut self, action: Action, q: Question) {
        if matches!(q, Question::Restore(_)) && !matches!(action, Action::Yes | Action::No) {
            // Unanswered, a later change would start a new journal over the old one.
            return;
        }
        self.mode = Mode::Table;
        match (q, action) {
            (Question::QuitUnsaved, Action::Yes) => {
                self.quit_after_save = true;
                self.save(false);
            }
            (Question::QuitUnsaved, Action::No) => self.quit_without_saving(),
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
}
