//! Which way a table goes back into a workbook, and why some ways are refused.
//!
//! An .xlsx or .xlsm read from a file is edited in place (or copied with the edits to another
//! file of the same kind), so nothing the table did not change is lost. A new .xlsx holds the
//! sheet alone. .xls, .xlsb and .ods are read but never written: writing one under its own name
//! would either be another format under the wrong name or lose what roadsub cannot reproduce,
//! so the user is asked for a new .xlsx or .csv name instead.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{extension, inplace, write};
use crate::i18n::Lang;
use crate::table::sheet::{SheetRow, WorkbookOrigin};
use crate::table::Columns;

/// Whether roadsub writes files of this name's kind as workbooks in place.
pub fn writes_in_place(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "xlsm")
}

/// Why a workbook was not saved.
#[derive(Debug)]
pub enum SaveError {
    /// roadsub cannot write this kind of workbook (`.ods`, `.xls`, `.xlsb`, or an `.xlsm`
    /// that was not one before).
    CannotWrite { ext: String },
    /// Changing the cell (`G5`) would break a formula other cells share.
    SharedFormula(String),
    /// The cell's number format (`@"米"`) would show the value written (900) otherwise than
    /// typed (900米).
    ShownOtherwise {
        cell: String,
        format: String,
        otherwise: Box<super::patch::Otherwise>,
    },
    /// The cell (`H3`) would hold a text longer than a workbook cell holds.
    TooLong(String),
    /// Rows added would go below a worksheet's last row, which holds content.
    NoRowLeft,
    /// A copy that holds values only (`.csv`, a new `.xlsx`) of a table whose cell (`cell`)
    /// holds a formula (`formula`) whose saved result the edits may have changed.
    /// `in_place`: whether roadsub saves the workbook in place (an .xlsx, .xlsm), which
    /// keeps the formulas.
    FormulaResults {
        cell: String,
        formula: String,
        in_place: bool,
    },
    /// An edited cell (`cell`) lies in merged cells (`range`, over `rows`), or a deleted row
    /// holds the first cell of merged cells that show its value on rows kept (`deleted`).
    Merged {
        cell: String,
        range: String,
        rows: (u64, u64),
        deleted: bool,
    },
    /// The sheet on disk no longer has the table where it was read.
    Moved,
    /// The workbook's parts could not be understood.
    Damaged(String),
    /// The workbook on disk could not be read again to be saved into (`file`: its name in
    /// the message).
    Unreadable {
        file: String,
        error: Box<super::WorkbookError>,
    },
    /// Reading or writing failed.
    Io(io::Error),
}

impl SaveError {
    /// The message in `lang`, with what to do instead.
    pub fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (SaveError::CannotWrite { ext }, Lang::En) => format!(
                "roadsub cannot write .{ext} workbooks faithfully; save under a new name ending in .xlsx or .csv (the original stays as it is)"
            ),
            (SaveError::CannotWrite { ext }, Lang::Zh) => format!(
                "roadsub 无法如实写入 .{ext} 工作簿；请另存为以 .xlsx 或 .csv 结尾的新文件（原文件保持不变）"
            ),
            (SaveError::SharedFormula(cell), Lang::En) => format!(
                "cell {cell} holds a formula other cells share, and overwriting it would change them too; not saved: change it in Excel or WPS, or save under a new name ending in .csv"
            ),
            (SaveError::SharedFormula(cell), Lang::Zh) => format!(
                "单元格 {cell} 的公式被其他单元格共用，覆盖它会连带改变它们；未保存：请在 Excel 或 WPS 中修改，或另存为 .csv 新文件"
            ),
            (
                SaveError::ShownOtherwise {
                    cell,
                    format,
                    otherwise,
                },
                Lang::En,
            ) => format!(
                "cell {cell}'s number format {format} would show {} as {}, not as it was typed; not saved: type the value {}, as the format shows it (it is saved without the words), or give the cell a plain format in Excel or WPS",
                otherwise.typed,
                otherwise.shown,
                words_around(otherwise, lang),
            ),
            (
                SaveError::ShownOtherwise {
                    cell,
                    format,
                    otherwise,
                },
                Lang::Zh,
            ) => format!(
                "单元格 {cell} 的数字格式 {format} 会把 {} 显示为 {}，与输入的不同；未保存：输入时请{}（格式会显示这些文字，保存时去掉），或在 Excel 或 WPS 中把该单元格改为常规格式",
                otherwise.typed,
                otherwise.shown,
                words_around(otherwise, lang),
            ),
            (SaveError::TooLong(cell), Lang::En) => format!(
                "cell {cell} would hold a text longer than a workbook cell holds (32,767 characters), which Excel and WPS cut; not saved: shorten it, or save under a new name ending in .csv"
            ),
            (SaveError::TooLong(cell), Lang::Zh) => format!(
                "单元格 {cell} 的文字超过工作簿单元格能容纳的 32,767 个字符，Excel 和 WPS 会将其截断；未保存：请缩短，或另存为 .csv 新文件"
            ),
            (SaveError::NoRowLeft, Lang::En) => "the sheet's last row (1,048,576) holds something, so an added row has no row below it to go in; not saved: clear the sheet's last rows in Excel or WPS, or save under a new name ending in .csv".to_string(),
            (SaveError::NoRowLeft, Lang::Zh) => "工作表的最后一行（第 1,048,576 行）已有内容，新增行无处可写；未保存：请在 Excel 或 WPS 中清空工作表末尾的行，或另存为 .csv 新文件".to_string(),
            (SaveError::Merged { cell, range, rows: (from, to), deleted: false }, Lang::En) => format!(
                "cell {cell} lies in the merged cells {range}, which show one value on rows {from}–{to}: what is written there would be hidden under the merge or change those rows too; not saved: unmerge the cells in Excel or WPS first (and fill each row), or save under a new name ending in .csv"
            ),
            (SaveError::Merged { cell, range, rows: (from, to), deleted: false }, Lang::Zh) => format!(
                "单元格 {cell} 位于合并单元格 {range} 中，第 {from}–{to} 行显示同一个值：写入的内容会被合并单元格遮住，或一并改变这些行；未保存：请先在 Excel 或 WPS 中取消合并（并逐行填写），或另存为 .csv 新文件"
            ),
            (SaveError::Merged { cell, range, rows: (from, to), deleted: true }, Lang::En) => format!(
                "the row deleted holds cell {cell}, the value the merged cells {range} show on rows {from}–{to}: deleting it would blank the rows kept; not saved: unmerge the cells in Excel or WPS first (and fill each row), or save under a new name ending in .csv"
            ),
            (SaveError::Merged { cell, range, rows: (from, to), deleted: true }, Lang::Zh) => format!(
                "删除的行含有单元格 {cell}，即合并单元格 {range} 在第 {from}–{to} 行显示的值：删除后保留的行会变为空；未保存：请先在 Excel 或 WPS 中取消合并（并逐行填写），或另存为 .csv 新文件"
            ),
            (SaveError::FormulaResults { cell, formula, in_place }, Lang::En) => format!(
                "the table's rows hold formulas (the first: {cell}, {formula}) whose results were saved before the table's edits; a copy holding values only (.csv, or a new .xlsx of a workbook roadsub cannot write) would keep those results, which the edits may have changed; not saved: {}",
                if *in_place {
                    "save as .xlsx or in place (formulas kept and recalculated when opened), or open the workbook in Excel or WPS, let it recalculate, save it, and copy it then"
                } else {
                    "open the workbook in Excel or WPS, save it as .xlsx there (its formulas kept), and edit that file"
                }
            ),
            (SaveError::FormulaResults { cell, formula, in_place }, Lang::Zh) => format!(
                "表中各行含有公式（第一个：{cell}，{formula}），其结果是在表格修改之前保存的；只含数值的副本（.csv，或由 roadsub 无法写入的工作簿另存的新 .xlsx）会保留这些结果，而修改可能已使其改变；未保存：{}",
                if *in_place {
                    "请另存为 .xlsx 或原位保存（保留公式，打开时重新计算），或在 Excel 或 WPS 中打开工作簿重新计算并保存后再复制"
                } else {
                    "请在 Excel 或 WPS 中打开工作簿，在其中另存为 .xlsx（保留公式），再编辑该文件"
                }
            ),
            (SaveError::Moved, Lang::En) => "the sheet changed on disk since it was opened (its header is no longer where it was); not saved: save under a new name".to_string(),
            (SaveError::Moved, Lang::Zh) => "工作表在打开后已被修改（表头位置已变）；未保存：请另存为新文件".to_string(),
            (SaveError::Damaged(e), Lang::En) => format!("the workbook's parts could not be understood ({e}); not saved: save under a new name"),
            (SaveError::Damaged(e), Lang::Zh) => format!("无法解析工作簿的内部结构（{e}）；未保存：请另存为新文件"),
            (SaveError::Unreadable { file, error }, Lang::En) => format!(
                "the workbook could not be read again to save into it ({}); not saved: save under a new name",
                error.render(file, lang)
            ),
            (SaveError::Unreadable { file, error }, Lang::Zh) => format!(
                "无法重新读取工作簿以保存（{}）；未保存：请另存为新文件",
                error.render(file, lang)
            ),
            (SaveError::Io(e), _) => lang.io_reason(e),
        }
    }
}

/// The words a text's format shows, as they are to be typed around a value: `with 米 after
/// it` / `在数值后加上“米”`.
fn words_around(otherwise: &super::patch::Otherwise, lang: Lang) -> String {
    let (before, after) = (otherwise.before.as_str(), otherwise.after.as_str());
    match (before.is_empty(), after.is_empty(), lang) {
        (false, false, Lang::En) => format!("with {before} before it and {after} after it"),
        (false, true, Lang::En) => format!("with {before} before it"),
        (_, _, Lang::En) => format!("with {after} after it"),
        (false, false, Lang::Zh) => format!("在数值前加上“{before}”、后加上“{after}”"),
        (false, true, Lang::Zh) => format!("在数值前加上“{before}”"),
        (_, _, Lang::Zh) => format!("在数值后加上“{after}”"),
    }
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for SaveError {}

impl From<io::Error> for SaveError {
    fn from(e: io::Error) -> SaveError {
        SaveError::Io(e)
    }
}

/// A workbook saved: where it now comes from, and each row's new row number.
pub struct Saved {
    /// The workbook the table now belongs to.
    pub origin: WorkbookOrigin,
    /// Row numbers in the saved sheet, one per row of the table.
    pub lines: Vec<u64>,
}

/// Why the table cannot be saved under `target` at all, whatever it holds: a workbook kind
/// roadsub does not write (`.ods`, `.xls`, `.xlsb`), or an `.xlsm` the table did not come
/// from (its macros would be missing).
pub fn cannot_write(origin: Option<&WorkbookOrigin>, target: &Path) -> Option<SaveError> {
    let ext = extension(target);
    let same_kind = origin.is_some_and(|o| extension(&o.path) == ext);
    match ext.as_str() {
        "ods" | "xls" | "xlsb" => Some(SaveError::CannotWrite { ext }),
        "xlsm" if !same_kind => Some(SaveError::CannotWrite { ext }),
        _ => None,
    }
}

/// Whether a table read from `origin` is saved to `target` in place ([`save`]): the same
/// kind of workbook, one roadsub writes in place.
pub fn saves_in_place(origin: Option<&WorkbookOrigin>, target: &Path) -> bool {
    origin.is_some_and(|o| writes_in_place(target) && extension(&o.path) == extension(target))
}

/// Writes the table to `out`, which will become `target` (a workbook name): in place when
/// `origin` is a workbook of the same kind, else as a new one-sheet .xlsx with the table's
/// title rows (`titles`) above its header, which say the unit its bare amounts are read in,
/// the rows read from the lines `hidden` hidden in it as they were.
pub fn save(
    origin: Option<&WorkbookOrigin>,
    target: &Path,
    out: impl Write,
    columns: &Columns,
    (rows, hidden): (&[SheetRow], &[u64]),
    titles: &[Vec<String>],
) -> Result<Saved, SaveError> {
    let ext = extension(target);
    let header = &columns.names;
    if let Some(o) = origin.filter(|_| saves_in_place(origin, target)) {
        let lines = inplace::edit(&o.path, &o.sheet, &o.options, columns, (rows, hidden), out)?;
        return Ok(Saved {
            origin: WorkbookOrigin {
                path: target.to_path_buf(),
                ..o.clone()
            },
            lines,
        });
    }
    if ext != "xlsx" {
        return Err(SaveError::CannotWrite { ext });
    }
    let sheet = origin.map_or("Sheet1", |o| o.sheet.as_str());
    let width = header
        .len()
        .max(rows.iter().map(SheetRow::len).max().unwrap_or(0));
    let fields = inplace::fields_read(columns, width);
    // A workbook that cannot be made (a text longer than a cell holds, a temporary file that
    // cannot be written) is said as the reports say it, not as a damaged workbook.
    let bytes = write(sheet, titles, header, (rows, hidden), &fields, target)
        .map_err(|e| SaveError::Io(io::Error::other(e)))?;
    let mut out = out;
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(Saved {
        origin: WorkbookOrigin {
            path: PathBuf::from(target),
            sheet: sheet.to_string(),
            others: Vec::new(),
            titles: titles.to_vec(),
            options: origin.map(|o| o.options.clone()).unwrap_or_default(),
            // Values only: a new workbook holds no formula.
            formula: None,
            recalc_pending: false,
            // Every cell written: no merge.
            merged_from: Vec::new(),
            rows_hash: crate::table::sheet::rows_hash(rows),
        },
        lines: (0..rows.len() as u64)
            .map(|i| titles.len() as u64 + 2 + i)
            .collect(),
    })
}
