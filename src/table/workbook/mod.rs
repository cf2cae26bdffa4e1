//! Segment tables in Excel workbooks (.xlsx, .xlsm, .xls, .xlsb, and .ods), read with calamine;
//! a batch run reads an .xlsx or .xlsm sheet's cells with its own quicker reader ([`quick`]),
//! calamine reading on wherever a form is unusual.
//!
//! A workbook's rows become the same text records a CSV gives, so every header alias, unit form
//! and message is shared. Numbers stored as Excel numbers are written in their shortest exact
//! decimal form (4.5, not 4.4999999999999996), which is the value the user typed; dates as the
//! date (2024-04-05), not Excel's serial number.
//!
//! Saving goes through [`save`]: an .xlsx or .xlsm is edited in place ([`inplace`]), and the
//! formats roadsub cannot write faithfully are never written under their own name.

mod cells;
mod error;
pub(crate) mod formulas;
pub(crate) mod guard;
pub mod hidden;
pub(crate) use guard::swallowed as panic_swallowed;
mod inplace;
mod made;
pub mod merged;
pub(crate) mod ods;
pub mod others;
pub mod patch;
mod quick;
pub(crate) use quick::probe;
mod save;
mod shared;
mod shown;
pub mod stream;
pub(crate) mod xls;
mod xlsb;

use std::io::Read;
use std::path::Path;

use calamine::{open_workbook_auto, Data, Range, Reader, SheetType, SheetVisible};

use cells::{cell_text, is_number};
pub use cells::{date_serial, number_cell, parse_date};
pub use error::WorkbookError;
pub use made::{check_source_date_epoch, new_workbook, streamed_workbook, SOURCE_DATE_EPOCH};
pub use save::{cannot_write, save, saves_in_place, writes_in_place, SaveError};

use super::sheet::SheetRow;
use super::{Columns, HeaderProblem};

use crate::table::columns::HeaderOptions;
use crate::table::header::{HeaderSearch, HEADER_SEARCH_ROWS};

/// File extensions read as workbooks.
pub fn is_workbook(path: &Path) -> bool {
    matches!(
        extension(path).as_str(),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods"
    )
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
    /// The non-empty rows above the header (a title, notes), their cells as read (a unit a
    /// title row gives, `单位：万元`, is how the table's bare amounts are read: a copy of the
    /// table keeps them).
    pub titles: Vec<Vec<String>>,
    /// The header's row number (from 1).
    pub header_line: u64,
    /// Which columns hold numbers below the header (an edited value is written alike).
    pub numeric: Vec<bool>,
    /// Columns that hold a boolean (TRUE/FALSE) below the header: `true` or `false` typed
    /// there is written as one.
    pub booleans: Vec<bool>,
    /// Columns that hold dates below the header: the serial number of 1900-01-00 in the
    /// workbook's date system (0, or 1462 less in a 1904 workbook), to write typed dates.
    pub dates: Vec<Option<i64>>,
    /// Cells below the header with a formula but no saved result: (row from 1, column).
    pub no_result: Vec<(u64, usize)>,
    /// Cells below the header with a formula whose saved result may be out of date, the
    /// workbook asking to be recalculated when opened: (row from 1, column). Empty when it
    /// does not ask ([`formulas::FormulaCells::maybe_stale`]).
    pub stale: Vec<(u64, usize)>,
    /// Each township, village or class cell the merge above it filled, and the row it was
    /// filled from ((row from 1, column), row from 1), in order.
    pub merged_from: Vec<((u64, usize), u64)>,
    /// The first cell of a segment's row holding a formula, if any: its name and formula
    /// (`I3`, `=H3+4`). A copy of the table holds the results last saved, not the formulas.
    pub formula: Option<(String, String)>,
    /// Whether the workbook asks to be recalculated when opened (`fullCalcOnLoad`, as a
    /// save of roadsub's in place asks it): its formulas' saved results may be out of date.
    pub recalc_pending: bool,
    /// The rows (from 1, in order) the sheet hides ([`hidden`]): a segment's is refused.
    pub hidden: Vec<u64>,
    /// Each row with a cell of its own value (an amount, a length, an id) under a merge that
    /// starts above it, the cell's column and the merge (`H2:H3`), in order: refused
    /// ([`merged::Fill::under`]).
    pub under_merge: Vec<(u64, usize, String)>,
}

/// The words number formats show around some cells of a sheet (see [`shown`]): each cell's
/// position (row and column from 0) and the words before and after its value (a number's
/// unit after it), in the sheet's order.
type ShownCells = Vec<((u32, u32), Box<str>, Box<str>)>;

/// The rows of a range as text, with 1-based sheet row numbers, empty rows left out; a cell
/// shown with a unit (`shown`) has it after its number (`850米`).
fn text_rows(range: &Range<Data>, shown: &ShownCells) -> Vec<(u64, Vec<String>)> {
    let mut rows = plain_text_rows(range);
    for ((row, col), before, after) in shown {
        let line = u64::from(*row) + 1;
        if let Ok(i) = rows.binary_search_by_key(&line, |(l, _)| *l) {
            if let Some(field) = rows[i].1.get_mut(*col as usize) {
                field.insert_str(0, before);
                field.push_str(after);
            }
        }
    }
    rows
}

/// The rows of a range as text, as [`text_rows`] without units.
fn plain_text_rows(range: &Range<Data>) -> Vec<(u64, Vec<String>)> {
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

/// Finds the header among the first rows: the first that names every required column. The
/// rows above it are read for the table's units; units that cannot be told are the header's
/// problem (see [`is_final`]).
fn find_header(
    rows: &[(u64, Vec<String>)],
    options: &HeaderOptions,
) -> Result<(usize, Columns), (Vec<HeaderProblem>, Vec<String>)> {
    let mut search = HeaderSearch::new(options);
    for (i, (_, fields)) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        match search.offer(fields.iter().map(String::as_str)) {
            Some(Ok(columns)) => return Ok((i, columns)),
            Some(Err(problems)) => return Err((problems, fields.clone())),
            None => {}
        }
    }
    Err(search.failure())
}

/// Whether a header's problems stop the search (the header is found, its units are not).
fn is_final(problems: &[HeaderProblem]) -> bool {
    problems
        .iter()
        .any(|p| matches!(p, HeaderProblem::Units(_)))
}

/// Whether the file starts as its extension says a workbook does; when it does not, a
/// message that says what it is rather than the zip library's "Could not find EOCD". For an
/// .xls, the code page its texts are to be read in, when not the one it names ([`open_book`]).
fn check_kind(path: &Path) -> Result<Option<u16>, WorkbookError> {
    // A pipe would give its first bytes here and nothing (or a wait for ever) to the readers
    // that open it again.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return Err(WorkbookError::NotAFile);
    }
    let mut head = Vec::with_capacity(4096);
    let file = std::fs::File::open(path).map_err(WorkbookError::Io)?;
    file.take(4096)
        .read_to_end(&mut head)
        .map_err(WorkbookError::Io)?;
    let ext = extension(path);
    let zip = head.starts_with(b"PK\x03\x04");
    let ole = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let fits = match ext.as_str() {
        "xls" => ole || zip,
        _ => zip,
    };
    if fits {
        return match ext.as_str() {
            "xlsx" | "xlsm" => check_strings(path).map(|()| None),
            "ods" => ods::check(path).map(|()| None),
            "xlsb" => xlsb::check(path).map(|()| None),
            "xls" if ole => xls::check(path),
            _ => Ok(None),
        };
    }
    if ole {
        return Err(WorkbookError::Protected);
    }
    let text = !head.is_empty() && !head.contains(&0);
    let start = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    if text && start.trim_ascii_start().starts_with(b"<") {
        return Err(WorkbookError::Markup);
    }
    Err(WorkbookError::NotAWorkbook { text })
}

/// A count of shared strings taken as it is, whatever the table holds: some writers put a
/// wrong count there (the number of references, never updated), which calamine then sets
/// memory aside for, at 24 bytes a string, unused: up to 400 MB of address space, no more.
const UNCHECKED_STRINGS: u64 = 1 << 24;

/// Whether the shared string table of the .xlsx or .xlsm at `path` claims no more strings
/// (`<sst uniqueCount>`) than its part can hold, at 4 bytes a string (`<si>` alone is 4), or
/// at most [`UNCHECKED_STRINGS`]: calamine sets memory aside for that many before it reads
/// one, and a damaged file's count (10^12) asked for more than any machine has, which ended
/// the process. A file that is no zip, or has no such table, is left to the readers to say
/// so.
fn check_strings(path: &Path) -> Result<(), WorkbookError> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        let named = zip.name_for_index(i).is_some_and(|n| {
            n.is_ok_and(|n| {
                n.rsplit('/')
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case("sharedStrings.xml"))
            })
        });
        if !named {
            continue;
        }
        let Ok(part) = zip.by_index(i) else { continue };
        // What the part can hold: its size as the archive says, and no more than deflate
        // makes of its stored bytes (at most about 1,032 to 1).
        let room = part
            .size()
            .min(part.compressed_size().saturating_mul(1_100));
        let mut head = Vec::with_capacity(4096);
        if part.take(4096).read_to_end(&mut head).is_err() {
            continue;
        }
        if let Some(digits) = unique_count(&head) {
            let claimed = digits.iter().fold(0u64, |n, d| {
                n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            });
            if claimed > room / 4 && claimed > UNCHECKED_STRINGS {
                let claimed = String::from_utf8_lossy(&digits[..digits.len().min(40)]).into();
                return Err(WorkbookError::StringsMiscounted { claimed });
            }
        }
    }
    Ok(())
}

/// The digits of the `uniqueCount` of the `<sst>` start tag (with or without a namespace
/// prefix) at the start of a shared string table, if it has one, however its attribute is
/// spaced or quoted (as calamine reads it).
fn unique_count(head: &[u8]) -> Option<&[u8]> {
    let mut from = 0;
    let tag = loop {
        let lt = from + memchr::memchr(b'<', &head[from..])?;
        let rest = &head[lt + 1..];
        let name_end = rest
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')?;
        let name = &rest[..name_end];
        if name == b"sst" || name.ends_with(b":sst") {
            let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
            break &rest[name_end..end];
        }
        from = lt + 1;
    };
    let mut at = 0;
    loop {
        let i = at + memchr::memmem::find(&tag[at..], b"uniqueCount")?;
        at = i + b"uniqueCount".len();
        if i == 0 || !tag[i - 1].is_ascii_whitespace() {
            continue;
        }
        let Some(value) = tag[at..].trim_ascii_start().strip_prefix(b"=") else {
            continue;
        };
        let Some((&quote, value)) = value.trim_ascii_start().split_first() else {
            continue;
        };
        if quote == b'"' || quote == b'\'' {
            let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
            return Some(&value[..digits]);
        }
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The sheets to look in: the one named or numbered (from 1) by `sheet`, else every visible
/// sheet in order (a hidden sheet is read only when it is named). A name is the sheet's as
/// written, its number, or the name as it reads ([`crate::table::idform::id_form`]).
fn candidates(
    names: &[String],
    visible: &[bool],
    sheet: Option<&str>,
) -> Result<Vec<String>, WorkbookError> {
    let Some(asked) = sheet else {
        return Ok(names
            .iter()
            .zip(visible)
            .filter(|(_, v)| **v)
            .map(|(n, _)| n.clone())
            .collect());
    };
    let by_number = asked
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| names.get(i));
    if let Some(n) = names.iter().find(|n| n.as_str() == asked).or(by_number) {
        return Ok(vec![n.clone()]);
    }
    // A name typed as it shows: `计划 B` for a sheet named with a no-break space, `计划Ｂ`
    // in full width (review 47: no typing reached it), after the name as written and the
    // number (review 48: `2` is the second sheet, not one named `２`); two sheets that read
    // so are named, neither read.
    let form = crate::table::idform::id_form(asked.trim());
    let reading: Vec<String> = names
        .iter()
        .filter(|n| crate::table::idform::id_form(n.trim()) == form)
        .cloned()
        .collect();
    match reading.len() {
        1 => Ok(reading),
        0 => Err(WorkbookError::NoSuchSheet {
            asked: asked.to_string(),
            sheets: names.to_vec(),
        }),
        _ => Err(WorkbookError::SheetsAlike {
            asked: asked.to_string(),
            sheets: reading,
        }),
    }
}

/// The names of a workbook's sheets (worksheets only), and which are visible.
fn sheet_list<R: Reader<RS>, RS: std::io::Read + std::io::Seek>(
    book: &R,
) -> (Vec<String>, Vec<bool>) {
    book.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .unzip()
}

/// Opens the workbook at `path` as calamine does, an .xls with its texts read in `code_page`
/// when given (see [`xls::check`]).
fn open_book(
    path: &Path,
    code_page: Option<u16>,
) -> Result<calamine::Sheets<std::io::BufReader<std::fs::File>>, calamine::Error> {
    let Some(code_page) = code_page else {
        return open_workbook_auto(path);
    };
    let mut options = calamine::XlsOptions::default();
    options.force_codepage = Some(code_page);
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    Ok(calamine::Sheets::Xls(calamine::Xls::new_with_options(
        file, options,
    )?))
}

/// Reads the segment table of a workbook: the sheet named or numbered (from 1) by `sheet`,
/// else the first visible sheet with a recognisable header.
pub fn open(path: &Path, sheet: Option<&str>) -> Result<WorkbookTable, WorkbookError> {
    open_with(path, sheet, &HeaderOptions::default())
}

/// [`open`] under the user's header options.
pub fn open_with(
    path: &Path,
    sheet: Option<&str>,
    options: &HeaderOptions,
) -> Result<WorkbookTable, WorkbookError> {
    let code_page = check_kind(path)?;
    let mut book = guard::calamine(|| open_book(path, code_page))?.map_err(stream::open_error)?;
    let (names, visible) = sheet_list(&book);
    let mut first_failure = None;
    for name in candidates(&names, &visible, sheet)? {
        let (range, mut shown) = sheet_range(&mut book, &name)?;
        if matches!(book, calamine::Sheets::Xls(_)) {
            shown = xls::shown_cells(path, &name, &range)?;
        }
        let rows = text_rows(&range, &shown);
        match find_header(&rows, options) {
            Ok((at, columns)) => {
                let header_line = rows[at].0;
                // Empty cells at a row's end are not missing fields in a workbook.
                let width = columns.names.len();
                let mut table: Vec<SheetRow> = rows[at + 1..]
                    .iter()
                    .map(|(line, f)| {
                        let padded = f.iter().map(String::as_str).chain(std::iter::repeat(""));
                        SheetRow::new(padded.take(width.max(f.len())), *line)
                    })
                    .collect();
                let formulas = formula_range(&mut book, path, &name)?;
                let no_result = match &formulas {
                    Some(formulas) => {
                        let xls = matches!(book, calamine::Sheets::Xls(_));
                        formulas_without_result(&range, formulas, header_line, xls)
                    }
                    None => Vec::new(),
                };
                // A formula with no saved result is said to be one, not an old one.
                let end = range.end().unwrap_or_default();
                let mut stale = maybe_stale_cells(path, &name, end, |line, col| {
                    line > header_line && no_result.binary_search(&(line, col)).is_err()
                })?;
                keep_formula_rows(&mut table, no_result.iter().map(|&(line, _)| line), width);
                // Township, village and class as merged cells show them.
                let mut fill = merged::Fill::new(&columns, header_line);
                // Each cell filled, and the row it was filled from.
                let mut taken = Vec::new();
                let mut under_merge = Vec::new();
                for i in 0..table.len() {
                    let (done, rest) = table.split_at_mut(i);
                    fill.fill(&mut rest[0], done.last(), &columns, || match &book {
                        calamine::Sheets::Xls(xls) => merged::from_xls(xls, &name),
                        _ => merged::merges(path, &name),
                    })?;
                    if let Some(before) = done.last() {
                        taken.extend(fill.filled().map(|c| ((rest[0].line, c), before.line)));
                    }
                    if let Some((c, merge)) = fill.under() {
                        under_merge.push((rest[0].line, c, merge.name()));
                    }
                }
                // A number typed where its cell's own format would show a unit beside it is
                // written as text, cell by cell, when saved (`patch::shown_as_typed`).
                let (numeric, dates, booleans) = column_kinds(&range, header_line);
                // (The cells with no saved result are not carried down merges: a cell filled
                // holds a value, and the table view looks at one such cell a row, the first,
                // for being empty.)
                merged::carry_down(&mut stale, &taken);
                // In a column roadsub reads, of the segments' rows: a 合计 row's sums, a 序号
                // of `=ROW()-1` or a 备注 are none of its computing.
                let segment = |line: u64, col: usize| {
                    if columns.field_at(col).is_none() {
                        return false;
                    }
                    let Ok(at) = table.binary_search_by_key(&line, |r| r.line) else {
                        return false;
                    };
                    let mut ends = Vec::new();
                    let record = table[at].record(&mut ends);
                    crate::table::row::not_a_segment(&record, &columns).is_none()
                };
                let formula = formulas.as_ref().and_then(|f| first_formula(f, segment));
                let others = names.iter().filter(|n| **n != name).cloned().collect();
                let hidden = hidden::rows(path, &name)?;
                return Ok(WorkbookTable {
                    sheet: name,
                    columns,
                    rows: table,
                    others,
                    titles: rows[..at].iter().map(|(_, f)| f.clone()).collect(),
                    header_line,
                    numeric,
                    dates,
                    booleans,
                    no_result,
                    stale,
                    merged_from: taken,
                    recalc_pending: formula.is_some() && inplace::recalc_pending(path),
                    formula,
                    hidden,
                    under_merge,
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

/// Cells a sheet read whole may span at most (from its first row and column with a cell to
/// its last): a range holds every cell between, about 32 bytes each, so this is 2 GiB. A
/// table's sheet is far inside (1,000,000 rows of 30 columns are 30 million); a stray cell
/// far from the table is not, and is refused rather than laid out.
pub(super) const MAX_RANGE_CELLS: u64 = 1 << 26;

/// Sheet `name` as one range of cells, as calamine's `worksheet_range` makes it; for .xlsx,
/// .xlsm and .xlsb, its cells are read one by one first and the sheet refused when one lies
/// beyond the last column a sheet can have, or when the range would span more than
/// [`MAX_RANGE_CELLS`] (calamine would ask for that memory at once, and the program end).
/// (An .xls sheet has at most 256 columns and 65,536 rows.) With the range, the units an
/// .xlsx or .xlsm sheet's number formats show beside its cells' numbers; a cell whose
/// number's unit cannot be told refuses the sheet ([`shown::Shown::Scaled`]).
fn sheet_range(
    book: &mut calamine::Sheets<std::io::BufReader<std::fs::File>>,
    name: &str,
) -> Result<(Range<Data>, ShownCells), WorkbookError> {
    let value = |v: &calamine::DataRef| {
        (!matches!(v, calamine::DataRef::Empty)).then(|| Data::from(v.clone()))
    };
    match book {
        calamine::Sheets::Xlsx(x) => {
            let mut reader = match guard::calamine(|| x.worksheet_cells_reader(name))? {
                Ok(r) => r,
                Err(calamine::XlsxError::NotAWorksheet(_)) => {
                    return Ok((Range::default(), Vec::new()))
                }
                Err(e) => return Err(stream::open_error(e)),
            };
            let units = shown::palette_units(reader.styles());
            let mut shown = Vec::new();
            let range = laid_out(
                name,
                || {
                    let Some((cell, style)) = cell_of(|| reader.next_cell_with_style_id())? else {
                        return Ok(None);
                    };
                    let style = units.get(style).and_then(Option::as_deref);
                    match shown::around_value(cell.get_value(), style) {
                        Ok(None) => {}
                        Ok(Some((before, after))) => {
                            shown.push((cell.get_position(), before.into(), after.into()));
                        }
                        Err(()) => {
                            return Err(stream::scaled_unit(name, cell.get_position(), style))
                        }
                    }
                    Ok(Some(cell))
                },
                value,
            )?;
            Ok((range, shown))
        }
        calamine::Sheets::Xlsb(x) => {
            let mut reader =
                guard::calamine(|| x.worksheet_cells_reader(name))?.map_err(stream::open_error)?;
            Ok((
                laid_out(name, || cell_of(|| reader.next_cell()), value)?,
                Vec::new(),
            ))
        }
        other => Ok((
            guard::calamine(|| other.worksheet_range(name))?.map_err(stream::open_error)?,
            Vec::new(),
        )),
    }
}

/// Sheet `name`'s formulas as one range, as calamine's `worksheet_formula` makes it, bounded
/// as [`sheet_range`] bounds the cells (a formula far from the table, with no saved result,
/// is no cell of that range); `Ok(None)` where calamine finds no formulas to give.
fn formula_range(
    book: &mut calamine::Sheets<std::io::BufReader<std::fs::File>>,
    path: &Path,
    name: &str,
) -> Result<Option<Range<String>>, WorkbookError> {
    let formula = |f: &String| (!f.is_empty()).then(|| f.clone());
    let laid = match book {
        calamine::Sheets::Xlsx(x) => {
            shared::check(path, name)?;
            match guard::calamine(|| x.worksheet_cells_reader(name))? {
                Ok(mut reader) => laid_out(name, || cell_of(|| reader.next_formula()), formula),
                Err(_) => return Ok(None),
            }
        }
        calamine::Sheets::Xlsb(x) => match guard::calamine(|| x.worksheet_cells_reader(name))? {
            Ok(mut reader) => laid_out(name, || cell_of(|| reader.next_formula()), formula),
            Err(_) => return Ok(None),
        },
        other => return Ok(guard::calamine(|| other.worksheet_formula(name))?.ok()),
    };
    match laid {
        Ok(range) => Ok(Some(range)),
        // Formulas that cannot be read are none to know of, as before.
        Err(WorkbookError::Open(_)) => Ok(None),
        Err(refused) => Err(refused),
    }
}

/// The next cell a calamine cell reader gives, its panic caught, its error a refusal.
fn cell_of<C, E: std::fmt::Display>(
    next: impl FnOnce() -> Result<Option<C>, E>,
) -> Result<Option<C>, WorkbookError> {
    guard::calamine(next)?.map_err(stream::open_error)
}

/// The range of sheet `name`'s cells, each given by `next` in turn, as calamine lays out a
/// sheet's cells: those `value` gives a value of, the others (empty) left out, unless
/// [`Bounds::take`] refuses one, or one comes again or out of order
/// ([`stream::in_order`]).
fn laid_out<V: calamine::CellType, T: calamine::CellType>(
    name: &str,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<V>>, WorkbookError>,
    value: impl Fn(&V) -> Option<T>,
) -> Result<Range<T>, WorkbookError> {
    let mut cells = Vec::new();
    let mut bounds = Bounds::default();
    let mut last = None;
    while let Some(cell) = next()? {
        let position = cell.get_position();
        stream::in_order(last, position, name)?;
        last = Some(position);
        let Some(value) = value(cell.get_value()) else {
            // Left out of the range (a cell with a format and no value, which a sheet may
            // have anywhere), so it spans nothing; past XFD it is a damaged file all the same.
            stream::within_sheet(position, name)?;
            continue;
        };
        bounds.take(position, name)?;
        cells.push(calamine::Cell::new(position, value));
    }
    guard::calamine(|| Range::from_sparse(cells))
}

/// The first and last rows and columns of a sheet's cells so far.
#[derive(Default)]
struct Bounds(Option<((u32, u32), (u32, u32))>);

impl Bounds {
    /// Takes the cell at `(row, col)` of sheet `sheet`, or refuses the sheet.
    fn take(&mut self, (row, col): (u32, u32), sheet: &str) -> Result<(), WorkbookError> {
        stream::within_sheet((row, col), sheet)?;
        let ((top, left), (bottom, right)) = self.0.unwrap_or(((row, col), (row, col)));
        let (first, last) = (
            (top.min(row), left.min(col)),
            (bottom.max(row), right.max(col)),
        );
        self.0 = Some((first, last));
        let span = |a: u32, b: u32| u64::from(b - a) + 1;
        if span(first.0, last.0) * span(first.1, last.1) > MAX_RANGE_CELLS {
            return Err(WorkbookError::TooSpread {
                sheet: sheet.to_string(),
                row: u64::from(row) + 1,
                col,
            });
        }
        Ok(())
    }
}

/// Which columns (from the sheet's first) hold a number in some row below the header, and
/// which hold a date (with the workbook's date system, see [`WorkbookTable::dates`]).
fn column_kinds(range: &Range<Data>, header_line: u64) -> (Vec<bool>, Vec<Option<i64>>, Vec<bool>) {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let width = first_col as usize + range.width();
    let mut numeric = vec![false; width];
    let mut dates = vec![None; width];
    let mut booleans = vec![false; width];
    for (i, cells) in range.rows().enumerate() {
        if u64::from(first_row) + (i as u64) < header_line {
            continue;
        }
        for (j, cell) in cells.iter().enumerate() {
            let c = first_col as usize + j;
            if is_number(cell) {
                numeric[c] = true;
            }
            if matches!(cell, Data::Bool(_)) {
                booleans[c] = true;
            }
            if let Data::DateTime(d) = cell {
                if d.is_datetime() && dates[c].is_none() {
                    let (y, m, day, ..) = d.to_ymd_hms_milli();
                    let serial = d.as_f64().floor() as i64;
                    dates[c] = date_serial(i64::from(y), u32::from(m), u32::from(day), 0)
                        .map(|s| serial - s);
                }
            }
        }
    }
    (numeric, dates, booleans)
}

/// Cells below the header that hold a formula but no saved result: `(row from 1, column
/// from 0)`.
/// The first cell `taken` (by its line and column) holding a formula: its name and the
/// formula, as Excel shows it (`=H3+4`).
fn first_formula(
    formulas: &Range<String>,
    taken: impl Fn(u64, usize) -> bool,
) -> Option<(String, String)> {
    let (fr, fc) = formulas.start()?;
    formulas
        .cells()
        .filter(|(_, _, f)| !f.is_empty())
        .find_map(|(r, c, f)| {
            let (row, col) = (fr + r as u32, fc + c as u32);
            let line = u64::from(row) + 1;
            taken(line, col as usize).then(|| {
                let cell = format!("{}{line}", patch::column_name(col));
                let shown = if f.starts_with('=') {
                    f.clone()
                } else {
                    format!("={f}")
                };
                (cell, shown)
            })
        })
}

/// The cells (row from 1, column) of sheet `sheet` of the workbook at `path` holding a
/// formula whose saved result may be out of date (none unless it asks to be recalculated when
/// opened): those up to `end` (the last value's row and column, from 0) that `keep` keeps,
/// and the cells merges filled from them (`merged_from`, [`merged::carry_down`]). In order.
pub(crate) fn stale_cells(
    path: &Path,
    sheet: &str,
    end: (u32, u32),
    merged_from: &[((u64, usize), u64)],
    keep: impl Fn(u64, usize) -> bool,
) -> Result<Vec<(u64, usize)>, WorkbookError> {
    let mut cells = maybe_stale_cells(path, sheet, end, keep)?;
    merged::carry_down(&mut cells, merged_from);
    Ok(cells)
}

/// [`stale_cells`] before merges: the formulas' own cells.
fn maybe_stale_cells(
    path: &Path,
    sheet: &str,
    end: (u32, u32),
    keep: impl Fn(u64, usize) -> bool,
) -> Result<Vec<(u64, usize)>, WorkbookError> {
    Ok(formulas::FormulaCells::maybe_stale(path, sheet)?
        .positions(end)
        .into_iter()
        .map(|(row, col)| (u64::from(row) + 1, col as usize))
        .filter(|&(line, col)| keep(line, col))
        .collect())
}

/// Puts among `table`'s rows (in order) an empty row of `width` cells on each of `lines` it
/// does not have: a row that shows nothing, but holds a formula with no saved result (a
/// workbook written by a program that does not calculate). Such a row may show something
/// once calculated: read whole as in a batch, it is a row, refused (for that formula when it
/// is in a column roadsub reads, else for what the row lacks), never left out. (A row that
/// shows nothing but formulas' saved results, even ones that may be out of date, is an empty
/// row, as a template's rows of formulas below the table are: read whole and in a batch
/// alike.)
fn keep_formula_rows(table: &mut Vec<SheetRow>, lines: impl Iterator<Item = u64>, width: usize) {
    let mut missing: Vec<u64> = lines
        .filter(|line| table.binary_search_by_key(line, |r| r.line).is_err())
        .collect();
    if missing.is_empty() {
        return;
    }
    missing.sort_unstable();
    missing.dedup();
    let blank = |line| SheetRow::new(std::iter::repeat_n("", width), line);
    let mut rows = Vec::with_capacity(table.len() + missing.len());
    let mut missing = missing.into_iter().peekable();
    for row in table.drain(..) {
        while let Some(line) = missing.next_if(|&l| l < row.line) {
            rows.push(blank(line));
        }
        rows.push(row);
    }
    rows.extend(missing.map(blank));
    *table = rows;
}

fn formulas_without_result(
    values: &Range<Data>,
    formulas: &Range<String>,
    header_line: u64,
    xls: bool,
) -> Vec<(u64, usize)> {
    formulas
        .cells()
        .filter(|(_, _, f)| !f.is_empty())
        .filter_map(|(r, c, f)| {
            let (fr, fc) = formulas.start()?;
            let (row, col) = (fr + r as u32, fc + c as u32);
            // An .xls holds a formula's result of empty text as it holds the result of one
            // never calculated (xlwt and old pandas write every formula so): a formula that
            // can give empty text says so with `""` (`=IF(H2="","",H2*2)`, as Excel, WPS and
            // LibreOffice save it, is blank); one that cannot (`=10000*3`) has no result
            // saved (review 44: it was read as none; review 45: the IF form is common).
            let empty = values.get_value((row, col)).is_none_or(|v| match v {
                Data::Empty => true,
                Data::String(s) => xls && s.is_empty() && !f.contains("\"\""),
                _ => false,
            });
            let line = u64::from(row) + 1;
            (empty && line > header_line).then_some((line, col as usize))
        })
        .collect()
}

/// A new one-sheet workbook of the table: its title rows (`titles`, each cell as text), its
/// header in bold under them, frozen, and its rows. A plain number is written as a number,
/// and so is an amount or length typed with its unit in a column read as a number field
/// (`fields`, as [`inplace::fields_read`] gives them: `170万` under 投资 read in 万元 is 170);
/// anything else as text, never a formula. Made in memory, so a full disk is an ordinary
/// write error of the caller's; the sheet is written row by row, its rows waiting in a
/// temporary file until then (see [`streamed_workbook`]; `output` is the file it is for).
pub fn write(
    sheet: &str,
    titles: &[Vec<String>],
    header: &[String],
    (rows, hidden): (&[SheetRow], &[u64]),
    fields: &[Option<(crate::table::Field, crate::money::Scale)>],
    output: &Path,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    guard::xlsx_writer(|| write_unguarded(sheet, titles, header, (rows, hidden), fields, output))
}

/// [`write`], a write to the sheet's temporary file that fails a panic.
fn write_unguarded(
    sheet: &str,
    titles: &[Vec<String>],
    header: &[String],
    (rows, hidden): (&[SheetRow], &[u64]),
    fields: &[Option<(crate::table::Field, crate::money::Scale)>],
    output: &Path,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = streamed_workbook(output)?;
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet)?;
    for (r, title) in titles.iter().enumerate() {
        for (c, text) in title.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            ws.write_string(r as u32, c as u16, text)?;
        }
    }
    let top = titles.len() as u32;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, h, &bold)?;
    }
    ws.set_freeze_panes(top + 1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        // A row the sheet read hid stays hidden in the copy (review 38: a copy showed it,
        // and it was computed when read again).
        if row.line != 0 && hidden.binary_search(&row.line).is_ok() {
            ws.set_row_hidden(top + 1 + r as u32)?;
        }
        for c in 0..row.len() {
            let text = row.get(c);
            let (r, c) = (top + 1 + r as u32, c as u16);
            let in_unit = || {
                let (field, scale) = fields.get(usize::from(c)).copied().flatten()?;
                field
                    .is_number()
                    .then(|| inplace::in_unit(text, field, scale))
                    .flatten()
            };
            match number_cell(text).or_else(in_unit) {
                Some(n) => drop(ws.write_number(r, c, n)?),
                None if text.is_empty() => {}
                None => drop(ws.write_string(r, c, text)?),
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
pub(crate) mod tests;
