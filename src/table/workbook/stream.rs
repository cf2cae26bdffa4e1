//! A workbook's rows for a batch run, handed out one by one.
//!
//! An .xlsx, .xlsm or .xlsb sheet is read cell by cell on a thread of its own and its rows pass
//! through a short queue, so memory stays flat however long the sheet is (only the shared
//! string table, which the format keeps in one part, is held whole). An .xlsx or .xlsm sheet's
//! cells are read by the quick reader ([`super::quick`]) and, from any cell in a form it does
//! not know, by calamine; an .xlsb sheet's by calamine. calamine has no such reader for .xls
//! and .ods: those sheets are read whole.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use std::fs::File;
use std::io::BufReader;

use calamine::{open_workbook, DataRef, Reader, Xlsb, Xlsx, XlsxError};

use super::cells::push_cell_text;
use super::formulas::FormulaCells;
use super::guard;
use super::quick::{Quick, Unsure};
use super::shown::{around_value, palette_units, push_around, ShownUnits};
use super::{candidates, check_kind, extension, find_header, is_final, merged, sheet_list};
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
    rows_read(path, sheet, options, true)
}

/// [`rows`], with the quick reader for an .xlsx or .xlsm sheet (`quick`) or calamine's alone.
pub(super) fn rows_read(
    path: &Path,
    sheet: Option<&str>,
    options: &HeaderOptions,
    quick: bool,
) -> Result<(Columns, String, BookRows), WorkbookError> {
    if matches!(extension(path).as_str(), "xlsx" | "xlsm" | "xlsb") {
        return streamed(path, sheet, options, quick);
    }
    let book = super::open_with(path, sheet, options)?;
    let items = whole(book);
    Ok((items.0, items.1, Box::new(items.2.into_iter().map(Ok))))
}

/// A sheet read whole, as items.
pub(super) fn whole(book: WorkbookTable) -> (Columns, String, Vec<BookItem>) {
    let mut no_result = book.no_result.into_iter().peekable();
    let mut stale = book.stale.into_iter().peekable();
    let mut items = Vec::with_capacity(book.rows.len());
    for row in book.rows {
        let missing = first_known(&mut no_result, row.line, &book.columns)
            .map(|c| (Some(c), Problem::NoSavedResult));
        let stale = first_known(&mut stale, row.line, &book.columns);
        let missing = missing.or(stale.map(|c| (Some(c), Problem::StaleResult)));
        let hidden = book.hidden.binary_search(&row.line).is_ok();
        let missing = missing.or(hidden.then_some((None, Problem::HiddenRow)));
        let under = (book
            .under_merge
            .binary_search_by_key(&row.line, |u| u.0)
            .ok())
        .map(|i| &book.under_merge[i]);
        let missing =
            missing.or(under.map(|(_, c, range)| (Some(*c), Problem::UnderMerge(range.clone()))));
        items.push(judged(&book.columns, row, missing));
    }
    (book.columns, book.sheet, items)
}

/// Of `cells` (row from 1 and column, in order), the column of the first on row `line` in a
/// column `columns` know; the cells up to that row's end are taken.
fn first_known(
    cells: &mut std::iter::Peekable<impl Iterator<Item = (u64, usize)>>,
    line: u64,
    columns: &Columns,
) -> Option<usize> {
    let mut first = None;
    while let Some(&(at, col)) = cells.peek() {
        if at > line {
            break;
        }
        cells.next();
        if at == line && first.is_none() && columns.field_at(col).is_some() {
            first = Some(col);
        }
    }
    first
}

fn no_result_error(columns: &Columns, line: u64, col: Option<usize>, problem: Problem) -> RowError {
    RowError {
        column: col.and_then(|c| columns.names.get(c).cloned()),
        ..RowError::row(line, problem)
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
    quick: bool,
) -> Result<(Columns, String, BookRows), WorkbookError> {
    // Only an .xls is read in a code page of its own, and it is read whole (`open`).
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
                read_xlsx(&path, sheet, &options, quick, &head_tx, &rows_tx);
            }
        })
        .map_err(WorkbookError::Io)?;
    let (columns, name) = head_rx.recv().map_err(|_| WorkbookError::Stopped)??;
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
    /// Columns whose cell is a formula whose saved result may be out of date (the workbook
    /// asks to be recalculated when opened).
    stale: Vec<usize>,
    /// Whether the sheet hides the row ([`super::hidden`]).
    hidden: bool,
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
        self.stale.clear();
        self.hidden = false;
    }
}

/// One cell as a sheet is read: its position, and whether it is a formula with no saved
/// result. Its text is written onto the buffer the reader is given.
pub(super) type NextCell = Result<Option<((u32, u32), bool)>, CellError>;

/// Why the next cell was not read.
pub(super) enum CellError {
    /// The sheet cannot be read (calamine's message, or its panic caught).
    Failed(WorkbookError),
    /// The quick reader does not know the form met: calamine reads on from that cell.
    Unsure,
}

/// Reads the next cell, writing its text onto the buffer given.
pub(super) type CellReader<'a> = Box<dyn FnMut(&mut String) -> NextCell + 'a>;

/// A workbook whose sheets can be read cell by cell.
pub(super) trait Cells: Reader<BufReader<File>, Error: std::fmt::Display> + Sized {
    /// The cells of sheet `name` of the workbook at `path`, in order.
    fn cells<'a>(&'a mut self, path: &Path, name: &str) -> Result<CellReader<'a>, WorkbookError>;
}

/// calamine's error `e` as a reason a sheet cannot be read.
pub(crate) fn open_error(e: impl std::fmt::Display) -> WorkbookError {
    let said = e.to_string();
    // calamine's reader knows only the error values of older Excel: one of a newer Excel's
    // (`#SPILL!`, `#CALC!`) is a formula that failed, not a damaged file.
    if let Some(value) = said
        .strip_prefix("Unsupported cell error value '")
        .and_then(|v| v.strip_suffix('\''))
        .filter(|v| crate::money::is_formula_error(v))
    {
        return WorkbookError::NewerErrorValue(value.to_string());
    }
    WorkbookError::Open(said)
}

impl Cells for Xlsx<BufReader<File>> {
    fn cells<'a>(&'a mut self, path: &Path, name: &str) -> Result<CellReader<'a>, WorkbookError> {
        // calamine reads the formulas, keeping a slot for every shared formula's number.
        super::shared::check(path, name)?;
        let units = {
            let reader =
                guard::calamine(|| self.worksheet_cells_reader(name))?.map_err(open_error)?;
            palette_units(reader.styles())
        };
        // calamine's reader of formulas gives no style: where a style shows a unit, the cells
        // that have one are found first, by their place in the sheet's order.
        let styled = if units.is_empty() {
            Vec::new()
        } else {
            unit_cells(self, name, &units)?
        };
        let mut reader =
            guard::calamine(|| self.worksheet_cells_reader(name))?.map_err(open_error)?;
        let sheet = name.to_string();
        let (mut at, mut nth) = (0, 0u64);
        Ok(Box::new(move |text| {
            let cell = guard::calamine(|| reader.next_cell_with_formula())
                .and_then(|c| c.map_err(open_error))
                .map_err(CellError::Failed)?;
            let Some(c) = cell else { return Ok(None) };
            let formula = c.formula.is_some_and(|f| !f.is_empty());
            let no_result = formula && matches!(c.value, DataRef::Empty);
            let style = match styled.get(at) {
                Some(&(n, style)) if n == nth => {
                    at += 1;
                    units[style].as_deref()
                }
                _ => None,
            };
            nth += 1;
            let around = around_value(&c.value, style)
                .map_err(|()| CellError::Failed(scaled_unit(&sheet, c.pos, style)))?;
            let mark = text.len();
            push_cell_text(c.value, text);
            push_around(around, mark, text);
            Ok(Some((c.pos, no_result)))
        }))
    }
}

/// The cells of sheet `name` whose style shows a unit (`units`, by style number): which
/// they are in the order calamine gives the sheet's cells (from 0), and their styles. A
/// sheet calamine cannot read to its end gives those before the place it fails at, where
/// the reading of its values fails alike.
fn unit_cells(
    book: &mut Xlsx<BufReader<File>>,
    name: &str,
    units: &[Option<Box<ShownUnits>>],
) -> Result<Vec<(u64, usize)>, WorkbookError> {
    let mut reader = guard::calamine(|| book.worksheet_cells_reader(name))?.map_err(open_error)?;
    let mut cells = Vec::new();
    let mut nth = 0u64;
    while let Ok(Ok(Some((_, style)))) = guard::calamine(|| reader.next_cell_with_style_id()) {
        if units.get(style).is_some_and(Option::is_some) {
            cells.push((nth, style));
        }
        nth += 1;
    }
    Ok(cells)
}

/// The refusal of a cell at `pos` of sheet `sheet` whose number's unit cannot be told
/// ([`super::shown::Shown::Scaled`]).
pub(super) fn scaled_unit(
    sheet: &str,
    pos: (u32, u32),
    units: Option<&ShownUnits>,
) -> WorkbookError {
    WorkbookError::ScaledUnit {
        sheet: sheet.to_string(),
        row: u64::from(pos.0) + 1,
        col: pos.1,
        format: units.map_or_else(String::new, |u| u.code().to_string()),
    }
}

impl Cells for Xlsb<BufReader<File>> {
    fn cells<'a>(&'a mut self, _: &Path, name: &str) -> Result<CellReader<'a>, WorkbookError> {
        let mut reader =
            guard::calamine(|| self.worksheet_cells_reader(name))?.map_err(open_error)?;
        // Only Excel writes .xlsb, and it always saves formula results.
        Ok(Box::new(move |text| {
            let cell = guard::calamine(|| reader.next_cell())
                .and_then(|c| c.map_err(open_error))
                .map_err(CellError::Failed)?;
            Ok(cell.map(|c| {
                let pos = c.get_position();
                push_cell_text(c.get_value().clone(), text);
                (pos, false)
            }))
        }))
    }
}

/// What reading a sheet came to: `Ok(true)` when it had the table (and all was sent),
/// `Ok(false)` when it had nothing like a header, `Err(Some)` for a header with problems,
/// `Err(None)` when the batch stopped listening.
type SheetDone = Result<bool, Option<WorkbookError>>;

/// The reading thread: finds the sheet and its header, then sends the rows after it. Stops
/// quietly when the batch stops listening.
fn read<B: Cells>(
    path: &PathBuf,
    sheet: Option<&str>,
    options: &HeaderOptions,
    head: &SyncSender<Head>,
    out: &SyncSender<Batch>,
) {
    let Some((book, names)) = open_listed::<B>(path, sheet, head) else {
        return;
    };
    read_each(names, head, by_calamine(book, path, options, head, out));
}

/// The workbook at `path` opened by calamine, with the sheets to try in turn (`sheet`, else
/// the visible ones); `None` when it cannot be opened or has no such sheet, said on `head`.
fn open_listed<B: Cells>(
    path: &PathBuf,
    sheet: Option<&str>,
    head: &SyncSender<Head>,
) -> Option<(B, Vec<String>)> {
    let book: B = match guard::calamine(|| open_workbook(path)).and_then(|b| b.map_err(open_error))
    {
        Ok(b) => b,
        Err(e) => {
            let _ = head.send(Err(e));
            return None;
        }
    };
    let (names, visible) = sheet_list(&book);
    match candidates(&names, &visible, sheet) {
        Ok(names) => Some((book, names)),
        Err(e) => {
            let _ = head.send(Err(e));
            None
        }
    }
}

/// What tells one file from another of the same name: where it is, its length and when it
/// was last changed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        std::fs::metadata(path).ok().map(Stamp::of_meta)
    }

    fn of_file(file: &File) -> Option<Stamp> {
        file.metadata().ok().map(Stamp::of_meta)
    }

    fn of_meta(meta: std::fs::Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino())
            },
        }
    }
}

/// The file at `path` opened again, if it is still the one `stamp` was taken of.
fn reopen_file(path: &Path, stamp: Option<Stamp>) -> Result<File, WorkbookError> {
    let file = File::open(path).map_err(WorkbookError::Io)?;
    match (stamp, Stamp::of_file(&file)) {
        (Some(then), Some(now)) if then == now => Ok(file),
        _ => Err(WorkbookError::Changed),
    }
}

/// The workbook at `path` opened again by calamine, if it is still the file first opened.
fn reopen(path: &Path, stamp: Option<Stamp>) -> Result<Xlsx<BufReader<File>>, WorkbookError> {
    let file = reopen_file(path, stamp)?;
    guard::calamine(|| Xlsx::new(BufReader::new(file)))?.map_err(|e: XlsxError| open_error(e))
}

/// Reads a sheet of `book` with calamine alone.
fn by_calamine<'a, B: Cells + 'a>(
    mut book: B,
    path: &'a Path,
    options: &'a HeaderOptions,
    head: &'a SyncSender<Head>,
    out: &'a SyncSender<Batch>,
) -> impl FnMut(&str) -> SheetDone + 'a {
    move |name| {
        let mut sheet = SheetRead::new(name, path, options, head, out)?.looked_for_formulas()?;
        let mut next = book.cells(path, name).map_err(Some)?;
        finished(sheet.run(&mut next))
    }
}

/// The reading thread of an .xlsx or .xlsm: as [`read`], with the quick reader wherever it
/// knows the workbook's forms, calamine reading on wherever it does not.
fn read_xlsx(
    path: &PathBuf,
    sheet: Option<&str>,
    options: &HeaderOptions,
    quick: bool,
    head: &SyncSender<Head>,
    out: &SyncSender<Batch>,
) {
    // The file as calamine first opens it: the quick reader and any reopening must read it.
    let stamp = Stamp::of(path);
    let Some((book, names)) = open_listed::<Xlsx<BufReader<File>>>(path, sheet, head) else {
        return;
    };
    let all: Vec<String> = book
        .sheets_metadata()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let quick = match (quick, reopen_file(path, stamp)) {
        (true, Ok(file)) => Quick::open(file, &all, book.has_1904_epoch()),
        _ => Err(Unsure),
    };
    let Ok(mut quick) = quick else {
        return read_each(names, head, by_calamine(book, path, options, head, out));
    };
    // calamine's copy of the shared strings is let go before the quick reader reads its own.
    drop(book);
    if quick.load_strings().is_err() {
        match reopen(path, stamp) {
            Ok(book) => read_each(names, head, by_calamine(book, path, options, head, out)),
            Err(e) => {
                let _ = head.send(Err(e));
            }
        }
        return;
    }
    let mut slow: Option<Xlsx<BufReader<File>>> = None;
    read_each(names, head, |name| {
        let mut sheet = SheetRead::new(name, path, options, head, out)?;
        sheet.stamp = stamp;
        if let Ok(mut cells) = quick.cells(name) {
            // Its formula cells are looked for only if it holds a formula's tag.
            if sheet.unlooked {
                cells.watch_formulas();
            }
            let tag = Rc::clone(&sheet.tag);
            let hid = Rc::clone(&sheet.hid);
            let mut next: CellReader = Box::new(move |text| {
                let cell = cells.next(text).map_err(|_: Unsure| CellError::Unsure);
                tag.set(cells.formula_tag());
                hid.set(cells.row_hidden());
                cell
            });
            match sheet.run(&mut next) {
                Err(SheetStop::Unsure) => {}
                done => return finished(done),
            }
        }
        // calamine reads on from the cell the quick reader stopped at, in the same file; it
        // meets formulas' tags unseen.
        sheet.hid.set(false);
        if let Err(e) = sheet
            .look_for_formulas()
            .and_then(|()| sheet.look_for_hidden())
        {
            return sheet.fail_with(e);
        }
        let book = match &mut slow {
            Some(b) => b,
            None => match reopen(path, stamp) {
                Ok(b) => slow.insert(b),
                Err(e) => return sheet.fail_with(e),
            },
        };
        let mut next = match book.cells(path, name) {
            Ok(n) => n,
            Err(e) => return sheet.fail_with(e),
        };
        let mut skipped = String::new();
        let mut last = None;
        for _ in 0..sheet.cells {
            skipped.clear();
            match next(&mut skipped) {
                Ok(Some((pos, _))) => last = Some(pos),
                Ok(None) => break,
                Err(CellError::Failed(e)) => return sheet.fail_with(e),
                Err(CellError::Unsure) => return finished(Err(SheetStop::Unsure)),
            }
        }
        // The cell calamine skipped to is the last the quick reader read, or nothing is read on.
        if last != sheet.last {
            return sheet.fail_with(WorkbookError::Disagree {
                sheet: name.to_string(),
            });
        }
        finished(sheet.run(&mut next))
    });
}

/// Reads the candidate sheets in turn with `read_sheet` until one has the table; sends the
/// first failure when none has.
fn read_each(
    names: Vec<String>,
    head: &SyncSender<Head>,
    mut read_sheet: impl FnMut(&str) -> SheetDone,
) {
    let mut first_failure = None;
    for name in names {
        match read_sheet(&name) {
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

/// A sheet being read: the rows before its header, the header once found, the rows not yet
/// sent, the row being read and how many cells were read. It can be read on by another
/// reader from the cell one stopped at.
struct SheetRead<'a> {
    name: &'a str,
    /// The workbook (its merged cells are read from it when a row needs them).
    path: &'a Path,
    options: &'a HeaderOptions,
    head: &'a SyncSender<Head>,
    out: &'a SyncSender<Batch>,
    before: Vec<(u64, Vec<String>)>,
    header: Option<Columns>,
    /// The township, village and class merged cells show, filled in ([`merged::Fill`]).
    fill: Option<merged::Fill>,
    batch: Vec<BookItem>,
    /// The last row of the last batch sent (the row before the next one, to fill from).
    sent_last: Option<SheetRow>,
    row: Row,
    /// The text of the cell just read, before it is known to belong to the row being read.
    text: String,
    /// The cells read so far, and the last one's position.
    cells: u64,
    last: Option<(u32, u32)>,
    /// The sheet's formula cells when the workbook asks to be recalculated when opened: their
    /// saved results may be out of date ([`FormulaCells::of_sheet`], once looked for).
    stale: FormulaCells,
    /// Whether the workbook asks so, and its formula cells are not yet looked for: they are
    /// once the quick reader meets a formula's tag (`tag`; most such sheets hold none), or
    /// before calamine reads a cell.
    unlooked: bool,
    tag: Rc<std::cell::Cell<bool>>,
    /// Whether the sheet hides the row of the cell just read, as the quick reader says it.
    hid: Rc<std::cell::Cell<bool>>,
    /// The rows the sheet hides (from 1, in order), read from the file before calamine reads
    /// a cell, its readers saying none ([`SheetRead::look_for_hidden`]).
    hidden: Vec<u64>,
    /// The workbook as first opened, when known: its formula cells are looked for in it, not
    /// in a file saved over it since.
    stamp: Option<Stamp>,
    /// The last row, when it was refused for a formula's result: the rows below fill their
    /// merged cells from it all the same.
    refused_last: Option<SheetRow>,
    /// The columns of the last row, of those merges fill, whose cells hold a formula's
    /// result that may be out of date ([`item`]).
    marks: Vec<usize>,
}

impl<'a> SheetRead<'a> {
    fn new(
        name: &'a str,
        path: &'a Path,
        options: &'a HeaderOptions,
        head: &'a SyncSender<Head>,
        out: &'a SyncSender<Batch>,
    ) -> Result<Self, WorkbookError> {
        Ok(SheetRead {
            name,
            path,
            options,
            head,
            out,
            before: Vec::new(),
            header: None,
            fill: None,
            batch: Vec::with_capacity(BATCH),
            sent_last: None,
            row: Row::default(),
            text: String::new(),
            cells: 0,
            last: None,
            stale: FormulaCells::none(),
            unlooked: super::inplace::recalc_pending(path),
            tag: Rc::default(),
            hid: Rc::default(),
            hidden: Vec::new(),
            stamp: None,
            refused_last: None,
            marks: Vec::new(),
        })
    }

    /// The sheet's formula cells looked for, if the workbook asks to be recalculated and they
    /// were not yet ([`SheetRead::unlooked`]).
    fn look_for_formulas(&mut self) -> Result<(), WorkbookError> {
        if std::mem::take(&mut self.unlooked) {
            let file = match self.stamp {
                Some(stamp) => reopen_file(self.path, Some(stamp))?,
                None => File::open(self.path).map_err(WorkbookError::Io)?,
            };
            self.stale = FormulaCells::of_sheet(&file, self.name)?;
        }
        Ok(())
    }

    /// The rows the sheet hides read from the workbook as first opened, for calamine to read
    /// its cells (its readers say none).
    fn look_for_hidden(&mut self) -> Result<(), WorkbookError> {
        let (path, stamp) = (self.path, self.stamp);
        self.hidden = super::hidden::rows_in(path, self.name, || match stamp {
            Some(stamp) => reopen_file(path, Some(stamp)),
            None => File::open(path).map_err(WorkbookError::Io),
        })?;
        Ok(())
    }

    /// [`SheetRead::look_for_formulas`] and [`SheetRead::look_for_hidden`] before any cell is
    /// read, the failure the sheet's.
    fn looked_for_formulas(mut self) -> Result<Self, Option<WorkbookError>> {
        self.look_for_formulas().map_err(Some)?;
        self.look_for_hidden().map_err(Some)?;
        Ok(self)
    }

    /// The sheet cannot be read: an error for the batch once the header was sent, else this
    /// sheet's failure.
    fn fail_with(&mut self, e: WorkbookError) -> SheetDone {
        if self.header.is_some() {
            let _ = self.out.send(Err(e));
            return Ok(true);
        }
        Err(Some(e))
    }

    /// Reads the sheet's cells from `next` to its end; `Err(SheetStop::Unsure)` when `next`
    /// stops at a form it does not know, all read until then kept.
    fn run(&mut self, next: &mut CellReader) -> Result<bool, SheetStop> {
        loop {
            self.text.clear();
            let cell = match next(&mut self.text) {
                Ok(c) => c,
                Err(CellError::Failed(e)) => return self.fail_with(e).map_err(SheetStop::Done),
                Err(CellError::Unsure) => return Err(SheetStop::Unsure),
            };
            // Before the cell is looked at, and the row before it taken.
            if self.tag.get() {
                if let Err(e) = self.look_for_formulas() {
                    return self.fail_with(e).map_err(SheetStop::Done);
                }
            }
            let line = cell.as_ref().map(|c| u64::from(c.0 .0) + 1);
            if let Some(done) = self.row.line.filter(|&l| Some(l) != line) {
                if self.row.finish() {
                    self.take_row(done).map_err(SheetStop::Done)?;
                }
            }
            let Some(((row, col), no_result)) = cell else {
                break;
            };
            if let Err(e) =
                in_order(self.last, (row, col), self.name).and(within_sheet((row, col), self.name))
            {
                return self.fail_with(e).map_err(SheetStop::Done);
            }
            self.cells += 1;
            self.last = cell.map(|c| c.0);
            let formula = self.stale.is_formula((row, col));
            let col = col as usize;
            if self.row.line != line {
                self.row.start(line.unwrap_or_default());
            }
            if self.hid.get()
                || (!self.hidden.is_empty()
                    && self.hidden.binary_search(&line.unwrap_or_default()).is_ok())
            {
                self.row.hidden = true;
            }
            if no_result {
                self.row.no_result.push(col);
            }
            // A formula with no saved result is said to be one, not an old one.
            if formula && !no_result {
                self.row.stale.push(col);
            }
            if !self.text.is_empty() {
                self.row.text.push_str(&self.text);
                self.row.cells.push((col, self.row.text.len()));
            }
        }
        self.end().map_err(SheetStop::Done)
    }

    /// Takes the row just finished (row `done`): a row for the batch after the header, else a
    /// row to look for the header in.
    fn take_row(&mut self, done: u64) -> Result<(), Option<WorkbookError>> {
        match &self.header {
            Some(columns) => {
                // The cells an array formula fills in this row's known columns, with an
                // element or not (the sheet read whole has them all).
                let row0 = u32::try_from(done - 1).unwrap_or(u32::MAX);
                let width = u32::try_from(columns.names.len()).unwrap_or(u32::MAX);
                for (first, last) in self.stale.spans(row0) {
                    for col in (first..=last.min(width.saturating_sub(1))).map(|c| c as usize) {
                        if !self.row.stale.contains(&col) && !self.row.no_result.contains(&col) {
                            self.row.stale.push(col);
                        }
                    }
                }
                let (path, name) = (self.path, self.name);
                let fill = self.fill.as_mut().expect("made with the header");
                // Read long after the workbook was opened: from it, not a file saved over it.
                let stamp = self.stamp;
                let load = || {
                    merged::merges_in(path, name, || match stamp {
                        Some(stamp) => reopen_file(path, Some(stamp)),
                        None => File::open(path).map_err(WorkbookError::Io),
                    })
                };
                let before = match self.batch.last() {
                    Some(BookItem::Row(row)) => Some(row),
                    Some(BookItem::NoResult(_)) => self.refused_last.as_ref(),
                    None => self.sent_last.as_ref(),
                };
                let marks = &mut self.marks;
                match item(columns, &self.row, done, fill, (before, marks), load) {
                    Ok((item, refused)) => {
                        self.refused_last = refused;
                        self.batch.push(item);
                    }
                    Err(e) => {
                        let _ = self.out.send(Err(e));
                        return Err(None);
                    }
                }
                if self.batch.len() == BATCH {
                    let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
                    self.sent_last = match full.last() {
                        Some(BookItem::Row(row)) => Some(row.clone()),
                        _ => self.refused_last.take(),
                    };
                    if self.out.send(Ok(full)).is_err() {
                        return Err(None);
                    }
                }
            }
            None => {
                self.before
                    .push((done, self.row.fields().map(str::to_string).collect()));
                match find_header(&self.before, self.options) {
                    Ok((at, columns)) => {
                        if self
                            .head
                            .send(Ok((columns.clone(), self.name.to_string())))
                            .is_err()
                        {
                            return Err(None);
                        }
                        self.fill = Some(merged::Fill::new(&columns, self.before[at].0));
                        self.header = Some(columns);
                    }
                    Err((problems, found))
                        if self.before.len() >= HEADER_SEARCH_ROWS || is_final(&problems) =>
                    {
                        return Err((!found.is_empty()).then(|| WorkbookError::NoHeader {
                            sheet: Some(self.name.to_string()),
                            problems,
                            found,
                        }));
                    }
                    Err(_) => {}
                }
            }
        }
        Ok(())
    }

    /// The end of the sheet: the last rows sent, or why the sheet has no table.
    fn end(&mut self) -> SheetDone {
        match self.header {
            Some(_) => {
                let batch = std::mem::take(&mut self.batch);
                if !batch.is_empty() && self.out.send(Ok(batch)).is_err() {
                    return Err(None);
                }
                Ok(true)
            }
            None => match find_header(&self.before, self.options) {
                Err((problems, found)) if !found.is_empty() => Err(Some(WorkbookError::NoHeader {
                    sheet: Some(self.name.to_string()),
                    problems,
                    found,
                })),
                _ => Ok(false),
            },
        }
    }
}

/// Columns a sheet can have (A to XFD), in Excel as in WPS: a cell beyond them is a damaged
/// workbook, never a table's.
pub(crate) const MAX_COLUMNS: u32 = 16_384;

/// Rows a sheet can have, in Excel as in WPS: a cell below them is a damaged workbook.
pub(crate) const MAX_ROWS: u32 = 1_048_576;

/// The cell at `(row, col)` (from 0) of sheet `sheet`, unless it lies past [`MAX_COLUMNS`]
/// or [`MAX_ROWS`].
pub(crate) fn within_sheet((row, col): (u32, u32), sheet: &str) -> Result<(), WorkbookError> {
    if col < MAX_COLUMNS && row < MAX_ROWS {
        return Ok(());
    }
    let sheet = sheet.to_string();
    Err(if col >= MAX_COLUMNS {
        let row = u64::from(row) + 1;
        WorkbookError::BeyondLastColumn { sheet, row }
    } else {
        WorkbookError::BeyondLastRow { sheet }
    })
}

/// The cell at `(row, col)` of sheet `sheet` after the cell at `last`, unless it does not
/// come after it: a sheet's cells are saved row by row, left to right, each once. A cell
/// given again, or before one already read, is a damaged workbook (its value would take
/// another's place, or start a row again), never laid over what was read.
pub(crate) fn in_order(
    last: Option<(u32, u32)>,
    (row, col): (u32, u32),
    sheet: &str,
) -> Result<(), WorkbookError> {
    match last {
        Some(last) if (row, col) <= last => Err(WorkbookError::OutOfOrder {
            sheet: sheet.to_string(),
            row: u64::from(row) + 1,
        }),
        _ => Ok(()),
    }
}

/// Why [`SheetRead::run`] stopped before the sheet's end.
enum SheetStop {
    /// As [`SheetDone`]'s error says.
    Done(Option<WorkbookError>),
    /// The quick reader met a form it does not know.
    Unsure,
}

/// What a sheet read by calamine alone came to (its reader is never unsure).
fn finished(run: Result<bool, SheetStop>) -> SheetDone {
    run.map_err(|stop| match stop {
        SheetStop::Done(e) => e,
        SheetStop::Unsure => Some(WorkbookError::Stopped),
    })
}

/// A row after the header (`line`, laid out by [`Row::finish`]) as the batch gets it, its
/// township, village and class as merged cells show them (`fill`, from `before`, the row
/// before it; `load` gives the merges); and the row itself when it is refused, to fill the
/// rows below from. `marks` are the columns of the row before, of those merges fill, whose
/// cells hold a formula's result that may be out of date: a cell filled from one is refused
/// alike, as the sheet read whole refuses it ([`merged::carry_down`]); they become this
/// row's. (A formula with no saved result is not carried: its cell under a merge is filled
/// with the merge's value, and the rows below show that value.)
fn item(
    columns: &Columns,
    row: &Row,
    line: u64,
    fill: &mut merged::Fill,
    (before, marks): (Option<&SheetRow>, &mut Vec<usize>),
    load: impl FnOnce() -> Result<Vec<merged::Merge>, WorkbookError>,
) -> Result<(BookItem, Option<SheetRow>), WorkbookError> {
    let width = columns.names.len();
    let padded = row.fields().chain(std::iter::repeat(""));
    let mut sheet_row = SheetRow::new(padded.take(width.max(row.fields.len())), line);
    // Asked of a row's every own value (an amount's, a length's) too: a cell starting with a
    // printable ASCII byte is none, told without reading it as text.
    let bytes = row.text.as_bytes();
    let blank_at = |c: usize| {
        row.fields.get(c).is_none_or(|&(s, e)| {
            !(s < e && bytes[s] > b' ' && bytes[s] < 0x80) && merged::blank(&row.text[s..e])
        })
    };
    if fill.wants(line, blank_at) {
        fill.fill(&mut sheet_row, before, columns, load)?;
    } else {
        fill.none();
    }
    // Nearly every row: no formula's result refused in it, or above it to fill from, and
    // not hidden.
    let under = fill.under();
    if marks.is_empty()
        && row.no_result.is_empty()
        && row.stale.is_empty()
        && !row.hidden
        && under.is_none()
    {
        return Ok((BookItem::Row(sheet_row), None));
    }
    let taken = || fill.filled().filter(|c| marks.contains(c));
    let known = |&c: &usize| columns.field_at(c).is_some();
    let missing = match row.no_result.iter().copied().find(known) {
        Some(c) => Some((Some(c), Problem::NoSavedResult)),
        None => (row.stale.iter().copied().chain(taken()).filter(known).min())
            .map(|c| (Some(c), Problem::StaleResult)),
    };
    let missing = missing.or(row.hidden.then_some((None, Problem::HiddenRow)));
    let missing = missing.or(under.map(|(c, merge)| (Some(c), Problem::UnderMerge(merge.name()))));
    let mut now: Vec<usize> = taken().collect();
    now.extend(fill.columns().iter().filter(|&c| row.stale.contains(c)));
    *marks = now;
    let kept = missing.is_some().then(|| sheet_row.clone());
    let item = judged(columns, sheet_row, missing);
    let refused = matches!(item, BookItem::NoResult(_))
        .then_some(kept)
        .flatten();
    Ok((item, refused))
}

/// A row, or why it cannot be computed when a cell it needs (`missing`) is a formula with
/// no saved result, or one whose saved result may be out of date, or when the sheet hides it
/// (no cell: the problem says which). A totals row (合计 = SUM(…)) is not a segment whatever
/// its formulas hold: it goes on as a row, to be left out as a totals row, as in a CSV; a
/// note row or a totals row hidden is none of the table's segments either.
fn judged(columns: &Columns, row: SheetRow, missing: Option<(Option<usize>, Problem)>) -> BookItem {
    match missing {
        Some((col, problem)) => {
            let mut ends = Vec::new();
            let record = row.record(&mut ends);
            // A note row's text may be a formula's too (`="备注：共"&COUNTA(…)&"段"`): only
            // a segment's results matter.
            let none_of_ours = match problem {
                Problem::StaleResult | Problem::HiddenRow | Problem::UnderMerge(_) => {
                    crate::table::row::not_a_segment(&record, columns).is_some()
                }
                _ => crate::table::row::is_totals_row(&record, columns),
            };
            if none_of_ours {
                BookItem::Row(row)
            } else {
                BookItem::NoResult(no_result_error(columns, row.line, col, problem))
            }
        }
        None => BookItem::Row(row),
    }
}
