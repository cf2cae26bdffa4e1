//! The table's files: saving (in place, under a new name, a workbook that cannot be written
//! back), exporting a report, and restoring what an earlier session left in the recovery
//! journal; with the messages that say how it went.

use std::path::PathBuf;

use super::action::Action;
use super::app::App;
use super::doc::Doc;
use super::journal::{base_of, Journal};
use super::lock;
use super::modes::{Mode, Question};
use crate::i18n::Lang;

/// The file a table's journal sits beside: the table's own, or one in the working directory
/// for a table not saved yet.
pub(super) fn journal_data(doc: &Doc) -> PathBuf {
    doc.path.clone().unwrap_or_else(|| PathBuf::from(NEW_TABLE))
}

/// Stands in for the file name of a new, unsaved table (its journal is `NEW_TABLE.roadsub-recovery`).
const NEW_TABLE: &str = "roadsub-new-table.csv";

impl App {
    /// A key in the save-as prompt: Enter saves under the name typed (asking before replacing a file).
    pub(super) fn on_save_as_key(&mut self, action: Action, buffer: String) {
        match action {
            Action::Cancel => {
                self.mode = Mode::Table;
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
                self.mode = Mode::Table;
                if path.exists() {
                    self.mode = Mode::Ask(Question::OverwriteExisting(path));
                } else {
                    self.save_to(path);
                }
            }
            _ => {}
        }
    }

    /// Applies an earlier session's changes. Each goes back only onto a row that holds exactly
    /// what it held then, independently of the others; those that no longer fit stay in the
    /// journal set aside, and the status line says how many.
    pub(super) fn restore(&mut self) {
        let data = journal_data(&self.doc);
        let earlier = Journal::read(&data, self.input_cols()).ok();
        // The old journal is kept aside until every change is back, so a change that no
        // longer fits its row is never lost.
        let aside = Journal::set_aside(&data).ok();
        let Some(mut earlier) = earlier else {
            return self.say(
                "the recovery file could not be read; it is kept beside the table",
                "无法读取恢复文件；它保留在表格旁",
                true,
            );
        };
        let damaged = earlier.bad.len();
        let total = earlier.entries.len() + damaged;
        let mut missed = Vec::new();
        // What the cursor is on, followed through the changes (a view that took over from
        // an editor gone may be sorted, its cursor anywhere).
        let mut anchor = self.anchor();
        for change in std::mem::take(&mut earlier.entries) {
            match change.to_op(&self.doc.sheet.rows) {
                // A value the file cannot hold as other programs read it (a character GBK
                // lacks, in a GBK file) is kept aside, as it would be refused if typed.
                Some(op) if self.cannot_hold(&op) => missed.push(change),
                Some(op) => {
                    let before = self.row_before(Some(&op));
                    self.doc.change(&self.rules, op.clone());
                    self.write_to_journal(&op, before.as_ref());
                    anchor = anchor.after(&op);
                }
                None => missed.push(change),
            }
        }
        self.measure_all();
        self.relayout_at(anchor);
        let applied = total - missed.len() - damaged;
        let mut kept = String::new();
        if let Some(aside) = &aside {
            if missed.is_empty() && damaged == 0 {
                let _ = std::fs::remove_file(aside);
            } else {
                earlier.entries = missed.clone();
                let _ = Journal::write_left(aside, &earlier);
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

    /// A key in the export prompt: Enter exports to the name typed (never over the table itself).
    pub(super) fn on_export_key(&mut self, action: Action, buffer: String, cursor: usize) {
        match action {
            Action::Cancel => self.mode = Mode::Table,
            Action::Accept if !buffer.trim().is_empty() => {
                let path = PathBuf::from(buffer.trim());
                self.mode = Mode::Table;
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
                } else if open.is_some_and(|p| {
                    // The lock and recovery files sit beside the file a link leads to.
                    own_file(p, &path) || p.canonicalize().is_ok_and(|c| own_file(&c, &path))
                }) {
                    // Writing over the lock would let a second editor in; over the recovery
                    // file or the backup, lose what they keep.
                    self.say(
                        "that is one of the table's own files (its backup, lock or recovery file): export to another file",
                        "这是表格自身的文件（备份、锁或恢复文件）：请导出到其他文件",
                        true,
                    );
                    self.mode = Mode::Export { buffer, cursor };
                } else if let Some(ext) = crate::report::format::not_written(&path) {
                    // A CSV under that name would be taken for what it is not.
                    self.say_owned(
                        match self.lang {
                            Lang::En => format!("roadsub does not write .{ext} files: name the report .xlsx, .json, .jsonl, .md or .csv"),
                            Lang::Zh => format!("roadsub 不写 .{ext} 文件：请将报表命名为 .xlsx、.json、.jsonl、.md 或 .csv"),
                        },
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

    /// Whether change `op` brings a value the file cannot hold ([`App::beyond_gbk`]).
    fn cannot_hold(&self, op: &super::doc::Op) -> bool {
        use super::doc::Op;
        match op {
            Op::Set { new, .. } => self.beyond_gbk(new).is_some(),
            Op::Insert { row, .. } => (0..row.len()).any(|i| self.beyond_gbk(row.get(i)).is_some()),
            Op::Delete { .. } => false,
        }
    }

    /// Writes a report of the table as it is now, in the format `path`'s extension names,
    /// with the writers `roadsub batch` uses, put as the table shows it (its language and unit).
    pub(super) fn export(&mut self, path: PathBuf) {
        // A column of the user's under the name of one roadsub computes would be written twice
        // under one name, and taken for ours (and dropped) when the report is read again: the
        // export is refused, as a batch run refuses the table.
        let columns = &self.doc.sheet.columns;
        if let Some(clash) = crate::report::layout::clashes(columns, &self.rules).first() {
            let why = clash.render(self.lang, &columns.names);
            self.say_owned(
                match self.lang {
                    Lang::En => format!("nothing exported: {why}"),
                    Lang::Zh => format!("未导出：{why}"),
                },
                true,
            );
            return;
        }
        let result =
            super::export::export(&self.doc, &self.rules, self.lang, self.unit.report(), &path);
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
            // Said as a batch run says it: the reason in the user's language, and no word of
            // the temporary file the report was written to first.
            Err(e) => self.say_owned(
                match self.lang {
                    Lang::En => format!("could not export to {name}: {}", self.lang.io_reason(&e)),
                    Lang::Zh => format!("无法导出到 {name}：{}", self.lang.io_reason(&e)),
                },
                true,
            ),
        }
    }

    /// Saves a table that had no file yet (or under a new name) to `path`.
    pub(super) fn save_to(&mut self, path: PathBuf) {
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
        self.new_file_within = before
            .0
            .as_deref()
            .and_then(crate::table::replace::mode_of)
            .map(|mode| mode | 0o600);
        self.doc.path = Some(path);
        self.save(true);
        self.new_file_within = None;
        if self.doc.modified() {
            // The save failed: the table keeps its old name, and Ctrl-S asks again.
            (self.doc.path, self.doc.sheet.stamp) = before;
        } else {
            self.lock = held;
        }
    }

    /// The computed columns of a report roadsub wrote, when the table is one.
    fn carried(&self) -> Vec<String> {
        crate::report::layout::carried(&self.doc.sheet.columns, &self.rules)
    }

    /// Saves the table under its name (asking for one if it has none); unless `force`, writes
    /// nothing for a table with no change and asks first when the file changed on disk since
    /// it was opened. A read-only file is never written: another name is asked for.
    pub(super) fn save(&mut self, force: bool) {
        self.csv_only = false;
        let Some(path) = self.doc.path.clone() else {
            self.mode = Mode::SaveAs {
                buffer: String::new(),
                cursor: 0,
            };
            return;
        };
        if !force && !self.doc.modified() && path.exists() {
            // Writing it again would replace the backup with the same table, losing the
            // version before.
            let name = path.display();
            self.say_owned(
                match self.lang {
                    Lang::En => format!("nothing to save: the table is as {name} holds it"),
                    Lang::Zh => format!("没有要保存的修改：表格与 {name} 一致"),
                },
                false,
            );
            return;
        }
        if self.doc.modified() && !self.carried().is_empty() {
            // Written as they are beside the edited inputs, the report's own amounts would
            // keep the figures from before the edits; an export computes them afresh.
            let text = report_said(self.lang, &self.carried());
            self.say_owned(text, true);
            self.quit_after_save = false;
            if matches!(self.mode, Mode::Ask(_) | Mode::SaveAs { .. }) {
                self.mode = Mode::Table;
            }
            return;
        }
        if !force && self.doc.sheet.changed_on_disk(&path) {
            self.mode = Mode::Ask(Question::OverwriteChanged);
            return;
        }
        if read_only(&path) {
            // A save writes a new file over the old one's name, which the folder allows
            // whatever the file's own permissions say: asked not to be written, it is not.
            let name = path.display();
            self.say_owned(
                match self.lang {
                    Lang::En => {
                        format!("{name} is read-only: not saved; name a copy (Esc: not now)")
                    }
                    Lang::Zh => format!("{name} 是只读文件，未保存；请另取文件名（Esc：暂不保存）"),
                },
                true,
            );
            // Asked to save and quit (q, y), the copy saved is the save asked for: it quits
            // then, as a save in place would (Esc drops the quit).
            self.mode = Mode::SaveAs {
                buffer: beside(&path, "-edited").display().to_string(),
                cursor: 0,
            };
            self.fix_save_as_cursor();
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
        // Rows added since the table was read: a workbook saved in place takes them below its
        // last row.
        let in_place =
            crate::table::workbook::saves_in_place(self.doc.sheet.workbook.as_ref(), &path);
        let lines_before: Vec<u64> = self.doc.sheet.rows.iter().map(|r| r.line).collect();
        let stale_before = self.doc.sheet.has_stale_formulas();
        let hidden_before = self.doc.sheet.has_hidden_rows();
        match self.doc.sheet.save_within(&path, self.new_file_within) {
            Ok(()) => {
                // Rows added, and rows an undo brought back whose own row the file no longer
                // has (deleted and saved): both went below the sheet's last row, which a save
                // in place gives them (review 39: a row brought back moved there unsaid).
                let added: Vec<bool> = (self.doc.sheet.rows.iter().zip(&lines_before))
                    .map(|(r, &before)| before == 0 || r.line != before)
                    .collect();
                self.doc.mark_saved();
                // A new workbook numbers its rows afresh: rows undo would bring back are new
                // rows in it.
                if !in_place && crate::table::workbook::is_workbook(&path) {
                    self.doc.forget_lines();
                }
                // The save asked for the workbook's formulas to be recalculated: the rows that
                // read their results are refused now, as when the file is opened again. Rows
                // the file hides (or a CSV written, which hides none) are judged as the file
                // saved says (review 38).
                if stale_before
                    || self.doc.sheet.has_stale_formulas()
                    || hidden_before
                    || self.doc.sheet.has_hidden_rows()
                {
                    self.doc.recompute(&self.rules);
                }
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
                let text = text
                    + &below_last_row(&added, in_place, self.lang)
                    + stale_said(self.doc.sheet.has_stale_formulas(), self.lang);
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
                // A disk's error, or a value its cell's format would show otherwise than
                // typed (to be typed again), leaves the table as it is; any other refusal
                // offers a new file.
                let retry_here = |w: &crate::table::workbook::SaveError| {
                    matches!(
                        w,
                        crate::table::workbook::SaveError::Io(_)
                            | crate::table::workbook::SaveError::ShownOtherwise { .. }
                    )
                };
                let formulas = workbook.is_some_and(|w| {
                    matches!(w, crate::table::workbook::SaveError::FormulaResults { .. })
                });
                // A copy of values only was refused for the formulas' results: a copy of the
                // workbook itself keeps its formulas, where roadsub writes one.
                let copy_of_book = self
                    .doc
                    .sheet
                    .workbook
                    .as_ref()
                    .map(|o| o.path.clone())
                    .filter(|p| crate::table::workbook::writes_in_place(p));
                if formulas {
                    match copy_of_book {
                        Some(book) => {
                            self.mode = Mode::SaveAs {
                                buffer: beside(&book, "-edited").display().to_string(),
                                cursor: 0,
                            };
                            self.fix_save_as_cursor();
                        }
                        None => self.quit_after_save = false,
                    }
                } else if workbook.is_some_and(|w| !retry_here(w)) {
                    // A copy as .xlsx is made from the workbook too: only a CSV escapes what
                    // stopped this save, but for a format roadsub cannot write at all.
                    self.csv_only = !workbook.is_some_and(|w| {
                        matches!(w, crate::table::workbook::SaveError::CannotWrite { .. })
                    });
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

/// Why a report roadsub wrote is not saved with edits: its computed columns (`carried`).
pub fn report_said(lang: Lang, carried: &[String]) -> String {
    let listed = carried_list(lang, carried);
    match lang {
        Lang::En => format!(
            "not saved (export it afresh with x instead): this is a report roadsub wrote, and its computed columns ({listed}) would keep the figures from before your edits"
        ),
        Lang::Zh => format!(
            "未保存（请按 x 导出新的报表）：此表是 roadsub 写出的报表，其中的计算列（{listed}）仍是修改前的数字"
        ),
    }
}

/// The first few of a report's computed columns, for a message.
pub fn carried_list(lang: Lang, carried: &[String]) -> String {
    let shown = &carried[..carried.len().min(4)];
    let more = if carried.len() > shown.len() {
        "…"
    } else {
        ""
    };
    format!("{}{more}", shown.join(lang.pick(", ", "、")))
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

/// Whether the file at `path` may not be written: its permissions give no one the right
/// (`chmod a-w`), or not this user. A file that is not there is not.
fn read_only(path: &std::path::Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    meta.is_file()
        && (meta.permissions().readonly()
            || std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied))
}

/// `path` with `tag` after its stem (`plan.csv` → `plan-edited.csv`).
fn beside(path: &std::path::Path, tag: &str) -> std::path::PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}{tag}.{}", ext.to_string_lossy()),
        None => format!("{stem}{tag}"),
    };
    path.with_file_name(name)
}

/// Why a save failed, said plainly ("the disk is full"), with the file named.
pub fn save_failed(lang: Lang, path: &std::path::Path, e: &std::io::Error) -> String {
    let (name, why) = (path.display(), lang.io_reason(e));
    let backup = e
        .get_ref()
        .and_then(|i| i.downcast_ref::<crate::table::sheet::BackupFailed>());
    if let Some(b) = backup {
        // Named, or the message would blame the table's own file.
        let (bak, why) = (b.backup.display(), lang.io_reason(&b.source));
        return match lang {
            Lang::En => format!("could not save {name}: its backup {bak} could not be written ({why}); the file on disk is as it was"),
            Lang::Zh => format!("无法保存 {name}：无法写入其备份 {bak}（{why}）；磁盘上的文件保持原样"),
        };
    }
    // A new name (a save as, a new table) has no file on disk to stay as it was.
    let there = path.symlink_metadata().is_ok();
    match (lang, there) {
        (Lang::En, true) => format!("could not save {name}: {why}; the file on disk is as it was"),
        (Lang::Zh, true) => format!("无法保存 {name}：{why}；磁盘上的文件保持原样"),
        (Lang::En, false) => format!("could not save {name}: {why}; nothing was written"),
        (Lang::Zh, false) => format!("无法保存 {name}：{why}；未写入任何文件"),
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

/// "row" or "rows".
fn rows_word(n: usize) -> &'static str {
    if n == 1 {
        "row"
    } else {
        "rows"
    }
}

/// Whether `path` is one of `table`'s own files ([`is_companion`]), leads to one (a symbolic
/// link), or is another name of one (a hard link): writing it would write over what they keep.
fn own_file(table: &std::path::Path, path: &std::path::Path) -> bool {
    if is_companion(table, path) || path.canonicalize().is_ok_and(|c| is_companion(table, &c)) {
        return true;
    }
    let dir = table.parent().filter(|d| !d.as_os_str().is_empty());
    let Ok(entries) = std::fs::read_dir(dir.unwrap_or(std::path::Path::new("."))) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let own = entry.path();
        is_companion(table, &own) && crate::table::replace::is_same_file(&own, path)
    })
}

/// Whether `path` is one of the files roadsub keeps beside `table` (`FILE.bak`, and the lock
/// and recovery files `FILE.roadsub-…`), which an export must not replace.
fn is_companion(table: &std::path::Path, path: &std::path::Path) -> bool {
    let (Some(table_name), Some(name)) = (table.file_name(), path.file_name()) else {
        return false;
    };
    let (table_name, name) = (table_name.to_string_lossy(), name.to_string_lossy());
    let Some(rest) = name.strip_prefix(table_name.as_ref()) else {
        return false;
    };
    if rest != ".bak" && !rest.starts_with(".roadsub-") {
        return false;
    }
    let dir = |p: &std::path::Path| {
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
        parent
            .unwrap_or(std::path::Path::new("."))
            .canonicalize()
            .ok()
    };
    dir(table) == dir(path)
}

/// What a save adds when the workbook it wrote asks for its formulas to be recalculated and
/// rows of the table read their results (`stale`): those rows are refused until then.
pub(super) fn stale_said(stale: bool, lang: Lang) -> &'static str {
    match (stale, lang) {
        (false, _) => "",
        (true, Lang::En) => "; its formulas are recalculated when Excel or WPS opens it: until it is saved there, a row that reads one is not computed",
        (true, Lang::Zh) => "；其中的公式将在 Excel 或 WPS 打开时重新计算：在那里保存之前，引用公式结果的行不予计算",
    }
}

/// What to add to a workbook's "saved" message when rows added among the table's (`added`,
/// by the table's order) went below the sheet's last row, as every added row does in a
/// workbook saved in place (no row is moved, so no formula moves): they are not where the
/// table shows them, and a total or formula of the sheet above them does not count them.
pub(super) fn below_last_row(added: &[bool], in_place: bool, lang: Lang) -> String {
    if !in_place {
        return String::new();
    }
    // Added rows with a row read from the sheet after them in the table.
    let last_read = added.iter().rposition(|a| !a);
    let moved = last_read.map_or(0, |last| added[..last].iter().filter(|a| **a).count());
    match (moved, lang) {
        (0, _) => String::new(),
        (1, Lang::En) => "; the added row went below the sheet's last row, not where the table shows it (a total or formula in the sheet does not count it)".to_string(),
        (n, Lang::En) => format!("; {n} added rows went below the sheet's last row, not where the table shows them (a total or formula in the sheet does not count them)"),
        (n, Lang::Zh) => format!("；{n} 个新增行写在了工作表末行之后，而非表中所示位置（工作表中的合计或公式不含这些行）"),
    }
}
