//! A workbook's rows for a batch run, handed out one by one.
//!
//! An .xlsx, .xlsm or .xlsb sheet is read cell by cell on a thread of its own and its rows pass
//! through a short queue, so memory stays flat however long the sheet is (only the shared
//! string table, which the format keeps in one part, is held whole). calamine has no such
//! reader for .xls and .ods: those sheets are read whole.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use std::fs::File;
use std::io::BufReader;

use calamine::{open_workbook, DataRef, Reader, Xlsb, Xlsx};

use super::cells::push_cell_text;
use super::{candidates, check_kind, extension, find_header, is_final, sheet_list};
use super::{WorkbookError, WorkbookTable, HEADER_SEARCH_ROWS};
use crate::table::sheet::SheetRow;
use crate::table::{Columns, HeaderOptions, Problem, RowError};

/// One row of a sheet as a batch sees it.
pub enum BookItem {
    /// A row to parse.
    Row(SheetRow),
    /// A row that cannot be computed: a cell the segment needs is a formula with no result.
    NoResult(RowError),
}

/// The rows of a workbook's segment table, in order.
pub type BookRows = Box<dyn Iterator<Item = Result<BookItem, WorkbookError>>>;

/// Opens the segment table of a workbook for a batch: its header, its sheet's name, its rows.
pub fn rows(
    path: &Path,
    sheet: Option<&str>,
    options: &HeaderOptions,
) -> Result<(Columns, String, BookRows), WorkbookError> {
    if matches!(extension(path).as_str(), "xlsx" | "xlsm" | "xlsb") {
        return streamed(path, sheet, options);
    }
    let book = super::open_with(path, sheet, options)?;
    let items = whole(book);
    Ok((items.0, items.1, Box::new(items.2.into_iter().map(Ok))))
}

/// A sheet read whole, as items.
fn whole(book: WorkbookTable) -> (Columns, String, Vec<BookItem>) {
    let mut no_result = book.no_result.into_iter().peekable();
    let mut items = Vec::with_capacity(book.rows.len());
    for row in book.rows {
        let mut missing = None;
        while let Some(&(line, col)) = no_result.peek() {
            if line > row.line {
                break;
            }
            no_result.next();
            if line == row.line && missing.is_none() && book.columns.field_at(col).is_some() {
                missing = Some(col);
            }
        }
        items.push(judged(&book.columns, row, missing));
    }
    (book.columns, book.sheet, items)
}

fn no_result_error(columns: &Columns, line: u64, col: usize) -> RowError {
    RowError {
        column: columns.names.get(col).cloned(),
        ..RowError::row(line, Problem::NoSavedResult)
    }
}

/// How many rows travel together through the queue.
const BATCH: usize = 1024;

type Head = Result<(Columns, String), WorkbookError>;
type Batch = Result<Vec<BookItem>, WorkbookError>;

fn streamed(
    path: &Path,
    sheet: Option<&str>,
    options: &HeaderOptions,
) -> Result<(Columns, String, BookRows), WorkbookError> {
    check_kind(path)?;
    let (head_tx, head_rx) = sync_channel::<Head>(1);
    let (rows_tx, rows_rx) = sync_channel::<Batch>(4);
    let path = path.to_path_buf();
    let sheet = sheet.map(str::to_string);
    let options = options.clone();
    std::thread::Builder::new()
        .name("workbook".into())
        .spawn(move || {
            let sheet = sheet.as_deref();
            if extension(&path) == "xlsb" {
                read::<Xlsb<_>>(&path, sheet, &options, &head_tx, &rows_tx);
            } else {
                read::<Xlsx<_>>(&path, sheet, &options, &head_tx, &rows_tx);
            }
        })
        .map_err(WorkbookError::Io)?;
    let (columns, name) = head_rx
        .recv()
        .map_err(|_| WorkbookError::Open("the reader stopped".into()))??;
    let rows = Stream {
        rx: rows_rx,
        buf: Vec::new().into_iter(),
    };
    Ok((columns, name, Box::new(rows)))
}

/// Rows as they arrive from the reading thread.
struct Stream {
    rx: Receiver<Batch>,
    buf: std::vec::IntoIter<BookItem>,
}

impl Iterator for Stream {
    type Item = Result<BookItem, WorkbookError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buf.next() {
                return Some(Ok(item));
            }
            match self.rx.recv().ok()? {
                Ok(batch) => self.buf = batch.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The cells of the row being read, gathered without a string per cell: their text back to
/// back in one buffer, kept from row to row.
#[derive(Default)]
struct Row {
    /// The row's number (from 1), `None` before the first cell.
    line: Option<u64>,
    /// The text of the row's cells, back to back.
    text: String,
    /// The row's non-empty cells in the order read: column, and where its text ends.
    cells: Vec<(usize, usize)>,
    /// Columns whose cell is a formula with no saved result.
    no_result: Vec<usize>,
    /// Each column's text in `text` (an empty range for an empty cell), up to the last
    /// non-blank one; filled by [`Row::finish`].
    fields: Vec<(usize, usize)>,
}

impl Row {
    /// Lays the cells out by column, a later cell in the same column taking its place,
    /// blank cells at the end left out. Whether the row has anything: a field or a
    /// formula with no result.
    fn finish(&mut self) -> bool {
        self.fields.clear();
        let mut start = 0;
        for &(col, end) in &self.cells {
            if self.fields.len() <= col {
                self.fields.resize(col + 1, (0, 0));
            }
            self.fields[col] = (start, end);
            start = end;
        }
        while self
            .fields
            .last()
            .is_some_and(|&(s, e)| self.text[s..e].trim().is_empty())
        {
            self.fields.pop();
        }
        !self.fields.is_empty() || !self.no_result.is_empty()
    }

    /// The fields laid out by [`Row::finish`].
    fn fields(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|&(s, e)| &self.text[s..e])
    }

    /// Starts row `line` afresh, its buffers kept.
    fn start(&mut self, line: u64) {
        self.line = Some(line);
        self.text.clear();
        self.cells.clear();
        self.no_result.clear();
    }
}

/// One cell as a sheet is read: its position, and whether it is a formula with no saved
/// result. Its text is written onto the buffer the reader is given.
type NextCell = Result<Option<((u32, u32), bool)>, String>;

/// Reads the next cell, writing its text onto the buffer given.
type CellReader<'a> = Box<dyn FnMut(&mut String) -> NextCell + 'a>;

/// A workbook whose sheets can be read cell by cell.
trait Cells: Reader<BufReader<File>, Error: std::fmt::Display> + Sized {
    /// The cells of sheet `name`, in order.
    fn cells<'a>(&'a mut self, name: &str) -> Result<CellReader<'a>, String>;
}

impl Cells for Xlsx<BufReader<File>> {
    fn cells<'a>(&'a mut self, name: &str) -> Result<CellReader<'a>, String> {
        let mut reader = self
            .worksheet_cells_reader(name)
            .map_err(|e| e.to_string())?;
        Ok(Box::new(move |text| {
            let cell = reader.next_cell_with_formula().map_err(|e| e.to_string())?;
            Ok(cell.map(|c| {
                let formula = c.formula.is_some_and(|f| !f.is_empty());
                let no_result = formula && matches!(c.value, DataRef::Empty);
                push_cell_text(c.value, text);
                (c.pos, no_result)
            }))
        }))
    }
}

impl Cells for Xlsb<BufReader<File>> {
    fn cells<'a>(&'a mut self, name: &str) -> Result<CellReader<'a>, String> {
        let mut reader = self
            .worksheet_cells_reader(name)
            .map_err(|e| e.to_string())?;
        // Only Excel writes .xlsb, and it always saves formula results.
        Ok(Box::new(move |text| {
            let cell = reader.next_cell().map_err(|e| e.to_string())?;
            Ok(cell.map(|c| {
                let pos = c.get_position();
                push_cell_text(c.get_value().clone(), text);
                (pos, false)
            }))
        }))
    }
}

/// The reading thread: finds the sheet and its header, then sends the rows after it. Stops
/// quietly when the batch stops listening.
fn read<B: Cells>(
    path: &PathBuf,
    sheet: Option<&str>,
    options: &HeaderOptions,
    head: &SyncSender<Head>,
    out: &SyncSender<Batch>,
) {
    let mut book: B = match open_workbook(path) {
        Ok(b) => b,
        Err(e) => {
            let _ = head.send(Err(WorkbookError::Open(e.to_string())));
            return;
        }
    };
    let (names, visible) = sheet_list(&book);
    let names = match candidates(&names, &visible, sheet) {
        Ok(n) => n,
        Err(e) => {
            let _ = head.send(Err(e));
            return;
        }
    };
    let mut first_failure = None;
    for name in names {
        match read_sheet(&mut book, &name, options, head, out) {
            Ok(true) => return,
            Ok(false) => {}
            Err(Some(e)) => {
                if first_failure.is_none() {
                    first_failure = Some(e);
                }
            }
            Err(None) => return,
        }
    }
    let _ = head.send(Err(first_failure.unwrap_or(WorkbookError::NoHeader {
        sheet: None,
        problems: Vec::new(),
        found: Vec::new(),
    })));
}

/// Reads one sheet: `Ok(true)` when it had the table (and all was sent), `Ok(false)` when it
/// had nothing like a header, `Err(Some)` for a header with problems, `Err(None)` when the
/// batch stopped listening.
fn read_sheet<B: Cells>(
    book: &mut B,
    name: &str,
    options: &HeaderOptions,
    head: &SyncSender<Head>,
    out: &SyncSender<Batch>,
) -> Result<bool, Option<WorkbookError>> {
    let open_error = WorkbookError::Open;
    let mut next = book.cells(name).map_err(|e| Some(open_error(e)))?;
    let mut before: Vec<(u64, Vec<String>)> = Vec::new();
    let mut header: Option<Columns> = None;
    let mut batch = Vec::with_capacity(BATCH);
    let mut row = Row::default();
    // The text of the cell just read, before it is known to belong to the row being read.
    let mut text = String::new();
    loop {
        text.clear();
        let cell = match next(&mut text) {
            Ok(c) => c,
            Err(e) => {
                let e = open_error(e);
                if header.is_some() {
                    let _ = out.send(Err(e));
                    return Ok(true);
                }
                return Err(Some(e));
            }
        };
        let line = cell.as_ref().map(|c| u64::from(c.0 .0) + 1);
        if let Some(done) = row.line.filter(|&l| Some(l) != line) {
            if row.finish() {
                match &header {
                    Some(columns) => {
                        batch.push(item(columns, &row, done));
                        if batch.len() == BATCH
                            && out
                                .send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))))
                                .is_err()
                        {
                            return Err(None);
                        }
                    }
                    None => {
                        before.push((done, row.fields().map(str::to_string).collect()));
                        match find_header(&before, options) {
                            Ok((_, columns)) => {
                                if head.send(Ok((columns.clone(), name.to_string()))).is_err() {
                                    return Err(None);
                                }
                                header = Some(columns);
                            }
                            Err((problems, found))
                                if before.len() >= HEADER_SEARCH_ROWS || is_final(&problems) =>
                            {
                                return Err((!found.is_empty()).then(|| WorkbookError::NoHeader {
                                    sheet: Some(name.to_string()),
                                    problems,
                                    found,
                                }));
                            }
                            Err(_) => {}
                        }
                    }
                }
            }
        }
        let Some(((_, col), no_result)) = cell else {
            break;
        };
        let col = col as usize;
        if row.line != line {
            row.start(line.unwrap_or_default());
        }
        if no_result {
            row.no_result.push(col);
        }
        if !text.is_empty() {
            row.text.push_str(&text);
            row.cells.push((col, row.text.len()));
        }
    }
    match header {
        Some(_) => {
            if !batch.is_empty() && out.send(Ok(batch)).is_err() {
                return Err(None);
            }
            Ok(true)
        }
        None => match find_header(&before, options) {
            Err((problems, found)) if !found.is_empty() => Err(Some(WorkbookError::NoHeader {
                sheet: Some(name.to_string()),
                problems,
                found,
            })),
            _ => Ok(false),
        },
    }
}

/// A row after the header (`line`, laid out by [`Row::finish`]) as the batch gets it.
fn item(columns: &Columns, row: &Row, line: u64) -> BookItem {
    let missing = row
        .no_result
        .iter()
        .copied()
        .find(|&c| columns.field_at(c).is_some());
    let width = columns.names.len();
    let padded = row.fields().chain(std::iter::repeat(""));
    let sheet_row = SheetRow::new(padded.take(width.max(row.fields.len())), line);
    judged(columns, sheet_row, missing)
}

/// A row, or why it cannot be computed when a cell it needs (`missing`) is a formula with
/// no saved result. A totals row (合计 = SUM(…)) is not a segment whatever its formulas
/// hold: it goes on as a row, to be left out as a totals row, as in a CSV.
fn judged(columns: &Columns, row: SheetRow, missing: Option<usize>) -> BookItem {
    match missing {
        Some(col) => {
            let mut ends = Vec::new();
            if crate::table::row::is_totals_row(&row.record(&mut ends), columns) {
                BookItem::Row(row)
            } else {
                BookItem::NoResult(no_result_error(columns, row.line, col))
            }
        }
        None => BookItem::Row(row),
    }
}
