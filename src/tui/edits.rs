//! Changing rows: editing a cell, adding and deleting rows, undo and redo, each change written
//! to the recovery journal and said in a few words on the status line.

use super::app::App;
use super::doc::{Doc, Op};
use super::lines::{Grouping, Line};
use crate::i18n::Lang;
use crate::table::sheet::SheetRow;
use crate::table::Field;

impl App {
    /// What the cursor is on when it is not on a row.
    pub(super) fn say_not_a_row(&mut self) {
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

    /// A change in a few words, for the status line.
    pub(super) fn describe_change(&self, op: &Op) -> String {
        let id = |row: &SheetRow| {
            let i = self.doc.sheet.columns.index(Field::Id).unwrap_or(0);
            row.get(i).to_string()
        };
        match op {
            Op::Set {
                row, col, old, new, ..
            } => {
                let who = self.doc.sheet.rows.get(*row).map(id).unwrap_or_default();
                // An empty value is named, so the arrow never points at nothing.
                let shown = |v: &str| {
                    if v.trim().is_empty() {
                        self.lang.pick("(empty)", "（空）").to_string()
                    } else {
                        v.to_string()
                    }
                };
                format!("{who} {} {} → {}", self.title(*col), shown(old), shown(new))
            }
            Op::Insert { at, row } => match self.lang {
                Lang::En => format!("row {} back", row_name(*at, &id(row))),
                Lang::Zh => format!("第 {}已恢复", row_name_zh(*at, &id(row))),
            },
            Op::Delete { at, row } => match self.lang {
                Lang::En => format!("row {} removed", row_name(*at, &id(row))),
                Lang::Zh => format!("第 {}已移除", row_name_zh(*at, &id(row))),
            },
        }
    }

    /// The row a change is about to set a field of, as it is before the change.
    pub(super) fn row_before(&self, op: Option<&Op>) -> Option<SheetRow> {
        match op? {
            Op::Set { row, .. } => self.doc.sheet.rows.get(*row).cloned(),
            _ => None,
        }
    }

    /// Writes a change to the recovery journal, saying on the status line when that fails
    /// or works again.
    pub(super) fn write_to_journal(&mut self, op: &Op, before: Option<&SheetRow>) {
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

    /// Makes a change to the rows, and all that follows it.
    pub(super) fn change(&mut self, op: Op) {
        let before = self.row_before(Some(&op));
        self.doc.change(&self.rules, op.clone());
        self.after_change(&op, before.as_ref());
    }

    /// After a change, an undo or a redo: journal it, and re-measure and re-lay the lines.
    pub(super) fn after_change(&mut self, op: &Op, before: Option<&SheetRow>) {
        self.write_to_journal(op, before);
        if !self.doc.modified() {
            // Back to the saved state (all undone): nothing is left to recover.
            if let Some(j) = &mut self.journal {
                j.clear();
            }
        }
        // The lines still name the rows as they were before `op`.
        let anchor = self.anchor().after(op);
        match op {
            Op::Set { row, .. } => {
                self.measure_row(*row);
                if self.sort.is_some() || self.filter.is_some() || self.grouping != Grouping::None {
                    self.relayout_at(anchor);
                }
            }
            Op::Insert { at, .. } => {
                self.measure_row(*at);
                self.relayout_at(anchor);
                // The row added or brought back, where it is shown (a filter may hide it).
                if let Some(p) = self
                    .lines
                    .iter()
                    .position(|l| matches!(l, Line::Row(x) if x == at))
                {
                    self.cursor = p;
                }
            }
            // On the deleted row's line the cursor stays on its line, on the row shown next
            // (in a sorted table not the next row of the file, which may be far away: a
            // second `d` took that one).
            Op::Delete { .. } => self.relayout_at(anchor),
        }
    }

    /// After an undo or redo that set a field: the cursor on its row and column, where the
    /// row is shown (a filter may hide it), so what changed is in view, as an editor shows
    /// the place an undo changed. Rows added or taken away are found by `after_change`.
    pub(super) fn show_field_changed(&mut self, op: &Op) {
        let Op::Set { row, col, .. } = op else {
            return;
        };
        let shown = self
            .lines
            .iter()
            .position(|l| matches!(l, Line::Row(x) if x == row));
        if let Some(p) = shown {
            self.cursor = p;
            if *col < self.input_cols() {
                self.col = *col;
            }
        }
    }

    /// Undoes the last change: the change made, and the row it set a field of as it was.
    pub(super) fn undo_change(&mut self) -> Option<(Op, Option<SheetRow>)> {
        let before = self.row_before(self.doc.next(true));
        self.doc.undo(&self.rules).map(|op| (op, before))
    }

    /// Redoes the last change undone, as [`App::undo_change`].
    pub(super) fn redo_change(&mut self) -> Option<(Op, Option<SheetRow>)> {
        let before = self.row_before(self.doc.next(false));
        self.doc.redo(&self.rules).map(|op| (op, before))
    }

    /// Checks and stores an edited value; false (with the reason shown) when refused.
    pub(super) fn commit_edit(&mut self, value: &str) -> bool {
        let Some(row) = self.current_row() else {
            return false;
        };
        let col = self.col;
        let old = self.doc.sheet.rows[row].get(col).to_string();
        if old == value {
            return true;
        }
        if let Some(reason) = self
            .beyond_gbk(value)
            .or_else(|| self.too_long(row, col, value))
            .or_else(|| self.merged_at(row, col))
        {
            self.say_owned(reason, true);
            return false;
        }
        match self.doc.check(&self.rules, row, col, value, self.lang) {
            Err(reason) => {
                self.say_owned(reason, true);
                false
            }
            Ok(()) => {
                self.status = None;
                let op = Op::set(row, &self.doc.sheet.rows[row], col, value);
                let computed_by_variant = self.doc.variant_errors(row, self.lang).is_empty();
                let warned_before = self.warning(row).is_some();
                self.change(op.clone());
                // A value that makes the row's cost implausible (520000 typed in yuan into a
                // 万元 column is 52亿) is said at once, not only in the row's notes.
                if let Some(warning) = self.warning(row).filter(|_| !warned_before) {
                    let what = self.describe_change(&op);
                    self.say_owned(format!("{what} · {warning}"), true);
                }
                // The value is good under the rules in force, but a variant shown may not
                // compute the row any more: its Δ cells turn to ✗, and why is said here.
                let theirs = self.doc.variant_errors(row, self.lang);
                if computed_by_variant && !theirs.is_empty() {
                    let what = self.describe_change(&op);
                    self.say_owned(format!("{what} · {}", theirs.join("; ")), true);
                }
                // Said when nothing more pressing is: kept for a later edit otherwise.
                if self.status.is_none() {
                    self.say_formulas_once();
                }
                true
            }
        }
    }

    /// At the first edit of a workbook whose segments' rows hold formulas in columns roadsub
    /// reads, says that their results are shown as last saved: an edit that feeds one leaves
    /// its result as it was until Excel or WPS recalculates it.
    fn say_formulas_once(&mut self) {
        if self.formulas_said {
            return;
        }
        self.formulas_said = true;
        let Some((cell, formula)) =
            (self.doc.sheet.workbook.as_ref()).and_then(|o| o.formula.clone())
        else {
            return;
        };
        self.say_owned(
            match self.lang {
                Lang::En => format!("note: the table's rows hold formulas (the first: {cell}, {formula}); their results are shown as last saved: roadsub does not recalculate them after an edit"),
                Lang::Zh => format!("注意：表中各行含有公式（第一个：{cell}，{formula}）；显示的是上次保存的计算结果，roadsub 不会在编辑后重新计算"),
            },
            false,
        );
    }

    /// The warning row `row`'s notes hold (a cost per km outside the plausible range), said.
    fn warning(&self, row: usize) -> Option<String> {
        let super::doc::Calc::Good(computed) = self.doc.calc(&self.rules, row) else {
            return None;
        };
        let note = computed.breakdown.notes.iter().find(|n| n.is_warning())?;
        let mut text = String::new();
        note.write_to(&mut text, &self.rules, self.lang);
        Some(text)
    }

    /// Why `value` cannot go into a GBK file, if it cannot: a file read as GB18030 none of
    /// whose text goes beyond GBK (as Excel and WPS save Chinese CSV on Windows) would be
    /// written with GB18030's four-byte form of a character GBK lacks (😀, 𠀀), which those
    /// programs show garbled. A file that already holds such a character is GB18030 and
    /// takes more.
    pub(super) fn beyond_gbk(&self, value: &str) -> Option<String> {
        let gbk_lacks = |text: &str| !text.is_ascii() && encoding_rs::GBK.encode(text).2;
        let sheet = &self.doc.sheet;
        if sheet.encoding != crate::table::Encoding::Gb18030 || !gbk_lacks(value) {
            return None;
        }
        if sheet.holds_beyond_gbk() {
            return None;
        }
        let c = value
            .chars()
            .find(|c| gbk_lacks(c.encode_utf8(&mut [0; 4])))
            .unwrap_or('?');
        Some(match self.lang {
            Lang::En => format!("this GBK file cannot hold “{c}” (U+{:04X}): Excel and WPS would show it garbled; leave it out", u32::from(c)),
            Lang::Zh => format!("此 GBK 编码的文件无法保存“{c}”（U+{:04X}），Excel、WPS 会显示乱码；请勿输入该字符", u32::from(c)),
        })
    }

    /// Why column `col` of row `row` cannot be edited, when the workbook is saved in place
    /// and the cell lies in merged cells: what is written there would be hidden under the
    /// merge, or change what the other rows show (a save would be refused, as it is for an
    /// edit made before the merge was). A row added, or a workbook saved to a new file (an
    /// .xls's, which holds each row's values), takes any value.
    pub(super) fn merged_at(&mut self, row: usize, col: usize) -> Option<String> {
        let origin = self.doc.sheet.workbook.as_ref()?;
        let line = self.doc.sheet.rows[row].line;
        if line == 0 || !crate::table::workbook::writes_in_place(&origin.path) {
            return None;
        }
        let stamp = self.doc.sheet.stamp;
        let fresh = self
            .merges
            .as_ref()
            .is_some_and(|(p, s, at, _)| *p == origin.path && *s == origin.sheet && *at == stamp);
        if !fresh {
            // Unreadable merges are the save's to say.
            let found = crate::table::workbook::merged::merges(&origin.path, &origin.sheet).ok()?;
            self.merges = Some((origin.path.clone(), origin.sheet.clone(), stamp, found));
        }
        let (_, _, _, merges) = self.merges.as_ref()?;
        let refused = crate::table::workbook::merged::edit_refused(
            merges,
            [(line, col as u32)],
            &Default::default(),
            &[],
        )?;
        let crate::table::workbook::SaveError::Merged {
            cell,
            range,
            rows: (from, to),
            ..
        } = refused
        else {
            return None;
        };
        Some(match self.lang {
            Lang::En => format!(
                "cell {cell} lies in the merged cells {range}, which show one value on rows {from}–{to}: what is typed there would be hidden under the merge or change those rows too; unmerge the cells in Excel or WPS first (and fill each row)"
            ),
            Lang::Zh => format!(
                "单元格 {cell} 位于合并单元格 {range} 中，第 {from}–{to} 行显示同一个值：在此输入的内容会被合并单元格遮住，或一并改变这些行；请先在 Excel 或 WPS 中取消合并（并逐行填写）"
            ),
        })
    }

    /// Why `value` cannot go into column `col` of row `row`, if it is too long for the file
    /// to hold it and be read back: a workbook cell holds 32,767 characters; a line of a CSV
    /// table is read up to 1 MiB (a longer one is refused when the table is opened, and a
    /// batch run skips it), counted here as written at most (each field quoted, its quotes
    /// doubled).
    pub(super) fn too_long(&self, row: usize, col: usize, value: &str) -> Option<String> {
        use crate::table::workbook::patch::CELL_CHARS;
        let sheet = &self.doc.sheet;
        if sheet.workbook.is_some() {
            let count = value.chars().count();
            let mut n = String::new();
            crate::money::push_digits_grouped(&mut n, &count.to_string());
            return (count > CELL_CHARS).then(|| match self.lang {
                Lang::En => format!("a workbook cell holds at most 32,767 characters (this value has {n}); shorten it"),
                Lang::Zh => format!("工作簿单元格最多容纳 32,767 个字符（此值有 {n} 个）；请缩短"),
            });
        }
        let written = |v: &str| v.len() + v.bytes().filter(|&b| b == b'"').count() + 3;
        let r = &sheet.rows[row];
        // Every field the row has, those past the header's too.
        let line: usize = (0..sheet.columns.names.len().max(col + 1).max(r.len()))
            .map(|c| {
                if c == col {
                    written(value)
                } else {
                    written(r.get(c))
                }
            })
            .sum();
        (line > crate::table::csv::MAX_RECORD_BYTES).then(|| match self.lang {
            Lang::En => "the row would be longer than 1 MiB, more than roadsub reads back from a table (opening it again would be refused); shorten the value".to_string(),
            Lang::Zh => "该行会超过 1 MiB，超出 roadsub 读取表格时每行的上限（再次打开时会被拒绝）；请缩短该值".to_string(),
        })
    }

    /// Adds an empty row under the cursor's, with its township and village.
    pub(super) fn add_row(&mut self) {
        // A new row may match no filter: everything is shown so it can be seen, and said.
        let unfiltered = self.filter.take();
        if unfiltered.is_some() {
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
        let mut copied: Vec<(usize, String)> = [Field::Township, Field::Village]
            .into_iter()
            .filter_map(copy)
            .collect();
        // The id is offered as the next in the pattern of the cursor's row (or, on a
        // subtotal or an empty filter, the last row's), and can be edited like any value.
        let suggested = cols.index(Field::Id).and_then(|i| {
            let rows = &self.doc.sheet.rows;
            let after = from.or(rows.len().checked_sub(1))?;
            let id = super::nextid::suggest(rows[after].get(i), rows.iter().map(|r| r.get(i)))?;
            copied.push((i, id.clone()));
            Some(id)
        });
        let fields: Vec<String> = (0..n)
            .map(|i| {
                copied
                    .iter()
                    .find(|(c, _)| *c == i)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        // What the row still needs: a township and village copied from no row (a totals
        // row's, a new table's) are asked for too.
        let blank = |f: Field| {
            cols.index(f)
                .is_some_and(|i| fields.get(i).is_none_or(String::is_empty))
        };
        let needed: Vec<&str> = [
            (Field::Id, "id", "编号"),
            (Field::Township, "township", "乡镇"),
            (Field::Village, "village", "村"),
        ]
        .into_iter()
        .filter(|&(f, _, _)| blank(f))
        .map(|(_, en, zh)| self.lang.pick(en, zh))
        .chain(match self.lang {
            Lang::En => ["class", "width", "length", "cost"],
            Lang::Zh => ["类别", "宽度", "长度", "造价"],
        })
        .collect();
        let (last, rest) = needed.split_last().expect("four at least");
        let needed = match self.lang {
            Lang::En => format!("{} and {last}", rest.join(", ")),
            Lang::Zh => format!("{}和{last}", rest.join("、")),
        };
        let at = from.map_or(self.doc.sheet.rows.len(), |r| r + 1);
        let row = SheetRow::new(fields.iter().map(String::as_str), 0);
        self.change(Op::Insert { at, row });
        self.col = column_of(&self.doc, Field::Id);
        let text = match (suggested, self.lang) {
            (Some(id), Lang::En) => {
                format!("row {id} added (Enter edits its id): fill in {needed}")
            }
            (Some(id), Lang::Zh) => {
                format!("已添加一行，编号 {id}（按 Enter 可修改）：请填写{needed}")
            }
            (None, Lang::En) => format!("row added: fill in {needed}"),
            (None, Lang::Zh) => format!("已添加一行：请填写{needed}"),
        };
        self.say_owned(text, false);
        if let (Some(filter), Some(status)) = (unfiltered, self.status.as_mut()) {
            status.text.push_str(&match self.lang {
                Lang::En => {
                    format!(" · the filter \"{filter}\" was cleared to show it (/ filters again)")
                }
                Lang::Zh => format!(" · 已取消筛选“{filter}”以显示新行（按 / 重新筛选）"),
            });
        }
    }

    /// Says that row `row`, just edited, no longer matches `filter` and is hidden (after
    /// what the edit said, if anything).
    pub(super) fn say_hidden_by_filter(&mut self, row: usize, filter: &str) {
        let i = self.doc.sheet.columns.index(Field::Id).unwrap_or(0);
        let id = self
            .doc
            .sheet
            .rows
            .get(row)
            .map(|r| r.get(i).to_string())
            .unwrap_or_default();
        let hidden = match self.lang {
            Lang::En => format!(
                "row {} no longer matches the filter \"{filter}\" and is hidden (/ then Esc clears the filter)",
                row_name(row, &id)
            ),
            Lang::Zh => format!(
                "第 {}已不再匹配筛选\"{filter}\"，已隐藏（按 / 再按 Esc 可清除筛选）",
                row_name_zh(row, &id)
            ),
        };
        let (text, error) = match self.status.take() {
            Some(s) => (format!("{} · {hidden}", s.text), s.error),
            None => (hidden, false),
        };
        self.say_owned(text, error);
    }

    /// Deletes the cursor's row.
    pub(super) fn delete_row(&mut self) {
        let Some(at) = self.current_row() else {
            return self.say_not_a_row();
        };
        let row = self.doc.sheet.rows[at].clone();
        // Named as undo names it when it brings the row back (review 36).
        let id = row.get(column_of(&self.doc, Field::Id)).to_string();
        self.change(Op::Delete { at, row });
        let said = match self.lang {
            Lang::En => format!("row {} deleted (u undoes)", row_name(at, &id)),
            Lang::Zh => format!("已删除第 {}（按 u 撤销）", row_name_zh(at, &id)),
        };
        self.say_owned(said, false);
    }
}

/// A row as named in messages: its position (from 1) and its id, if it has one.
/// A row's number (from 1) with 行, and its id in Chinese brackets: "2 行（AY-02）".
fn row_name_zh(at: usize, id: &str) -> String {
    if id.is_empty() {
        format!("{} 行", at + 1)
    } else {
        format!("{} 行（{id}）", at + 1)
    }
}

fn row_name(at: usize, id: &str) -> String {
    if id.is_empty() {
        format!("{}", at + 1)
    } else {
        format!("{} ({id})", at + 1)
    }
}

/// The column holding field `f` (the first when there is none).
fn column_of(doc: &Doc, f: Field) -> usize {
    doc.sheet.columns.index(f).unwrap_or(0)
}
