//! A workbook's rows for a batch run, handed out one by one.
//!
//! An .xlsx or .xlsm sheet is read cell by cell on a thread of its own and its rows pass
//! through a short queue, so memory stays flat however long the sheet is (only the shared
//! string table, which the format keeps in one part, is held whole). calamine has no such
//! reader for .xls, .xlsb and .ods: those sheets are read whole.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use calamine::{open_workbook, Data, Xlsx};

use super::{candidates, cell_text, check_kind, extension, find_header, sheet_list};
use super::{WorkbookError, WorkbookTable, HEADER_SEARCH_ROWS};
use crate::table::sheet::SheetRow;
use crate::table::{Columns, Problem, RowError};

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
) -> Result<(Columns, String, BookRows), WorkbookError> {
    if matches!(extension(path).as_str(), "xlsx" | "xlsm") {
        return streamed(path, sheet);
    }
    let book = super::open(path, sheet)?;
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
        items.push(match missing {
            Some(col) => BookItem::NoResult(no_result_error(&book.columns, row.line, col)),
            None => BookItem::Row(row),
        });
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
) -> Result<(Columns, String, BookRows), WorkbookError> {
    check_kind(path)?;
    let (head_tx, head_rx) = sync_channel::<Head>(1);
    let (rows_tx, rows_rx) = sync_channel::<Batch>(4);
    let path = path.to_path_buf();
    let sheet = sheet.map(str::to_string);
    std::thread::Builder::new()
        .name("workbook".into())
        .spawn(move || read(&path, sheet.as_deref(), &head_tx, &rows_tx))
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

/// Cells gathered into rows (absolute columns, empty rows left out).
struct Row {
    line: u64,
    fields: Vec<String>,
    /// Columns whose cell is a formula with no saved result.
    no_result: Vec<usize>,
}

impl Row {
    fn finish(mut self) -> Option<Row> {
        while self.fields.last().is_some_and(|f| f.trim().is_empty()) {
            self.fields.pop();
        }
        (!self.fields.is_empty() || !self.no_result.is_empty()).then_some(self)
    }
}

/// The reading thread: finds the sheet and its header, then sends the rows after it. Stops
/// quietly when the batch stops listening.
fn read(path: &PathBuf, sheet: Option<&str>, head: &SyncSender<Head>, out: &SyncSender<Batch>) {
    let mut book: Xlsx<_> = match open_workbook(path) {
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
        match read_sheet(&mut book, &name, head, out) {
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
fn read_sheet(
    book: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    name: &str,
    head: &SyncSender<Head>,
    out: &SyncSender<Batch>,
) -> Result<bool, Option<WorkbookError>> {
    let open_error = |e: calamine::XlsxError| WorkbookError::Open(e.to_string());
    let mut cells = book
        .worksheet_cells_reader(name)
        .map_err(|e| Some(open_error(e)))?;
    let mut before: Vec<(u64, Vec<String>)> = Vec::new();
    let mut header: Option<Columns> = None;
    let mut batch = Vec::with_capacity(BATCH);
    let mut current: Option<Row> = None;
    loop {
        let cell = match cells.next_cell_with_formula() {
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
        let line = cell.as_ref().map(|c| u64::from(c.pos.0) + 1);
        if current.as_ref().is_some_and(|r| Some(r.line) != line) {
            let done = current.take().and_then(Row::finish);
            if let Some(row) = done {
                match &header {
                    Some(columns) => {
                        batch.push(item(columns, row));
                        if batch.len() == BATCH
                            && out
                                .send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))))
                                .is_err()
                        {
                            return Err(None);
                        }
                    }
                    None => {
                        before.push((row.line, row.fields));
                        match find_header(&before) {
                            Ok((_, columns)) => {
                                if head.send(Ok((columns.clone(), name.to_string()))).is_err() {
                                    return Err(None);
                                }
                                header = Some(columns);
                            }
                            Err((problems, found)) if before.len() >= HEADER_SEARCH_ROWS => {
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
        let Some(cell) = cell else { break };
        let row = current.get_or_insert_with(|| Row {
            line: u64::from(cell.pos.0) + 1,
            fields: Vec::new(),
            no_result: Vec::new(),
        });
        let col = cell.pos.1 as usize;
        let value: Data = cell.value.into();
        if matches!(value, Data::Empty) && cell.formula.as_ref().is_some_and(|f| !f.is_empty()) {
            row.no_result.push(col);
        }
        let text = cell_text(&value);
        if !text.is_empty() {
            if row.fields.len() <= col {
                row.fields.resize(col + 1, String::new());
            }
            row.fields[col] = text;
        }
    }
    match header {
        Some(_) => {
            if !batch.is_empty() && out.send(Ok(batch)).is_err() {
                return Err(None);
            }
            Ok(true)
        }
        None => match find_header(&before) {
            Err((problems, found)) if !found.is_empty() => Err(Some(WorkbookError::NoHeader {
                sheet: Some(name.to_string()),
                problems,
                found,
            })),
            _ => Ok(false),
        },
    }
}

/// A row after the header as the batch gets it.
fn item(columns: &Columns, row: Row) -> BookItem {
    if let Some(&col) = row
        .no_result
        .iter()
        .find(|&&c| columns.field_at(c).is_some())
    {
        return BookItem::NoResult(no_result_error(columns, row.line, col));
    }
    let width = columns.names.len();
    let padded = row
        .fields
        .iter()
        .map(String::as_str)
        .chain(std::iter::repeat(""));
    BookItem::Row(SheetRow::new(
        padded.take(width.max(row.fields.len())),
        row.line,
    ))
}
