//! Segment tables in Excel workbooks (.xlsx, .xlsm, .xls, .xlsb, and .ods), read with calamine.
//!
//! A workbook's rows become the same text records a CSV gives, so every header alias, unit form
//! and message is shared. Numbers stored as Excel numbers are written in their shortest exact
//! decimal form (4.5, not 4.4999999999999996), which is the value the user typed.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Range, Reader};

use super::sheet::SheetRow;
use super::{Columns, HeaderProblem, TableError};
use crate::i18n::Lang;

/// How far down a sheet a header row is looked for (title rows may stand above it).
const HEADER_SEARCH_ROWS: usize = 30;

/// File extensions read as workbooks.
pub fn is_workbook(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
}

/// A sheet's segment table.
pub struct WorkbookTable {
    /// The sheet's name.
    pub sheet: String,
    /// Its header.
    pub columns: Columns,
    /// Its rows after the header, with their Excel row numbers (empty rows left out).
    pub rows: Vec<SheetRow>,
    /// The workbook's other sheets, by name.
    pub others: Vec<String>,
    /// Non-empty rows above the header (a title, notes).
    pub above_header: usize,
}

/// Why a workbook cannot be read.
#[derive(Debug)]
pub enum WorkbookError {
    /// The file could not be opened as a workbook.
    Open(String),
    /// No sheet has that name or number.
    NoSuchSheet { asked: String, sheets: Vec<String> },
    /// No sheet (or not the one asked for) has a recognisable header.
    NoHeader {
        sheet: Option<String>,
        problems: Vec<HeaderProblem>,
        found: Vec<String>,
    },
}

impl WorkbookError {
    /// `FILE: message`, or `FILE[Sheet]: message`.
    pub fn render(&self, file: &str, lang: Lang) -> String {
        match self {
            WorkbookError::Open(e) => format!(
                "{file}: {}{e}",
                lang.pick("cannot read the workbook: ", "无法读取工作簿：")
            ),
            WorkbookError::NoSuchSheet { asked, sheets } => match lang {
                Lang::En => format!(
                    "{file}: no sheet \"{asked}\" (the sheets are: {})",
                    sheets.join(", ")
                ),
                Lang::Zh => format!(
                    "{file}: 没有工作表\"{asked}\"（现有：{}）",
                    sheets.join("、")
                ),
            },
            WorkbookError::NoHeader {
                sheet,
                problems,
                found,
            } => {
                let place = sheet
                    .as_ref()
                    .map_or(file.to_string(), |s| format!("{file}[{s}]"));
                if problems.is_empty() {
                    return format!(
                        "{place}: {}",
                        lang.pick(
                            "no sheet has a header row naming the segment columns (id, township, village, class, width, length, cost)",
                            "没有工作表含有路段表头（编号、乡镇、村、类别、宽度、长度、投资）"
                        )
                    );
                }
                problems
                    .iter()
                    .map(|p| format!("{place}: {}", p.render(lang, found)))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
    }
}

impl From<WorkbookError> for TableError {
    fn from(e: WorkbookError) -> TableError {
        TableError::Workbook(e)
    }
}

/// The text of a cell as a person typed it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Rust writes the shortest decimal that reads back as the same double: the number as
        // it was entered, without binary noise.
        Data::Float(f) => format!("{f}"),
        other => other.to_string(),
    }
}

/// The rows of a range as text, with 1-based sheet row numbers, empty rows left out.
fn text_rows(range: &Range<Data>) -> Vec<(u64, Vec<String>)> {
    let first_row = range.start().map_or(0, |(r, _)| r);
    let first_col = range.start().map_or(0, |(_, c)| c) as usize;
    range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut fields: Vec<String> = vec![String::new(); first_col];
            fields.extend(cells.iter().map(cell_text));
            while fields.last().is_some_and(|f| f.trim().is_empty()) {
                fields.pop();
            }
            (u64::from(first_row) + i as u64 + 1, fields)
        })
        .filter(|(_, f)| !f.is_empty())
        .collect()
}

/// Finds the header among the first rows: the first that names every required column.
fn find_header(
    rows: &[(u64, Vec<String>)],
) -> Result<(usize, Columns), (Vec<HeaderProblem>, Vec<String>)> {
    let mut best: Option<(usize, Vec<HeaderProblem>, Vec<String>)> = None;
    for (i, (_, fields)) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        match Columns::from_header(fields.iter().map(String::as_str)) {
            Ok(columns) => return Ok((i, columns)),
            Err(problems) => {
                // Remember the row that came closest, to say what it lacks.
                let missing = problems
                    .iter()
                    .map(|p| match p {
                        HeaderProblem::Missing(f) => f.len(),
                        _ => 1,
                    })
                    .sum::<usize>();
                if best.as_ref().is_none_or(|(m, _, _)| missing < *m) {
                    best = Some((missing, problems, fields.clone()));
                }
            }
        }
    }
    Err(best.map(|(_, p, f)| (p, f)).unwrap_or_default())
}

/// Reads the segment table of a workbook: the sheet named or numbered (from 1) by `sheet`,
/// else the first sheet with a recognisable header.
pub fn open(path: &Path, sheet: Option<&str>) -> Result<WorkbookTable, WorkbookError> {
    let mut book = open_workbook_auto(path).map_err(|e| WorkbookError::Open(e.to_string()))?;
    let names = book.sheet_names();
    let candidates: Vec<String> = match sheet {
        None => names.clone(),
        Some(asked) => {
            let by_number = asked
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| names.get(i));
            match names.iter().find(|n| n.as_str() == asked).or(by_number) {
                Some(n) => vec![n.clone()],
                None => {
                    return Err(WorkbookError::NoSuchSheet {
                        asked: asked.to_string(),
                        sheets: names,
                    })
                }
            }
        }
    };
    let mut first_failure = None;
    for name in candidates {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| WorkbookError::Open(e.to_string()))?;
        let rows = text_rows(&range);
        match find_header(&rows) {
            Ok((at, columns)) => {
                // Empty cells at a row's end are not missing fields in a workbook.
                let width = columns.names.len();
                let rows = rows[at + 1..]
                    .iter()
                    .map(|(line, f)| {
                        let padded = f.iter().map(String::as_str).chain(std::iter::repeat(""));
                        SheetRow::new(padded.take(width.max(f.len())), *line)
                    })
                    .collect();
                let others = names.iter().filter(|n| **n != name).cloned().collect();
                return Ok(WorkbookTable {
                    sheet: name,
                    columns,
                    rows,
                    others,
                    above_header: at,
                });
            }
            Err((problems, found)) => {
                if first_failure.is_none() && !found.is_empty() {
                    first_failure = Some(WorkbookError::NoHeader {
                        sheet: Some(name),
                        problems,
                        found,
                    });
                }
            }
        }
    }
    Err(first_failure.unwrap_or(WorkbookError::NoHeader {
        sheet: None,
        problems: Vec::new(),
        found: Vec::new(),
    }))
}

/// Writes a table as a one-sheet workbook: the header, then the rows; cells that read as plain
/// numbers become Excel numbers (so sums work in Excel), the rest text, never formulas.
pub fn write(
    path: &Path,
    sheet: &str,
    header: &[String],
    rows: &[SheetRow],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        for c in 0..row.len() {
            let text = row.get(c);
            let (r, c) = (r as u32 + 1, c as u16);
            // "007" stays text: a leading zero is part of an id, not of a number.
            let leading_zero = text.len() > 1 && text.starts_with('0') && !text.starts_with("0.");
            let plain = !text.contains(',') && !leading_zero;
            let number = crate::money::parse_decimal(text).ok().filter(|_| plain);
            match number.and_then(|d| rust_decimal::prelude::ToPrimitive::to_f64(&d)) {
                Some(n) => drop(ws.write_number(r, c, n)?),
                None if text.is_empty() => {}
                None => drop(ws.write_string(r, c, text)?),
            }
        }
    }
    book.save(path)
}
