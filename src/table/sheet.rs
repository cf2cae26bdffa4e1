//! A whole segment table in memory, for editing: rows kept as written (unknown columns, odd
//! rows and all) and saved back in the file's own encoding, separator and line endings.
//!
//! Saving changes nothing the user did not edit: a row whose fields, written anew, would not
//! give back the bytes it was read from (its quoting, its own line end, blank lines after it)
//! has those bytes kept beside the table under its line, and an untouched row is written from
//! them. Only such rows have them kept, so an ordinary table takes no more memory than its
//! fields, and a row no more than before. A file with a line that cannot be
//! kept (over 1 MiB, over 4096 fields, not text in the file's encoding), or a quote never
//! closed that takes later lines into a cell, is not opened at all.

use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::Path;
use std::rc::Rc;

use super::replace::Replacement;
use super::verbatim::{
    encode_into, fields_line, keep, leading_line_ends, without_line_ends, Raw, Splitter, Tee,
    Window,
};
use super::{open_in, Columns, Encoding, Field, Item, Style, TableError};
use crate::i18n::Lang;
pub use stamp::Stamp;
use stamp::{hash_of, ContentHash, Hashing};

mod stamp;

/// One row's fields, stored back to back. A table holds a million of these, so where each
/// field ends is kept in 32 bits: a row is far under 4 GiB (a record is at most 1 MiB; a
/// cell is typed in or read from a workbook, whose cells hold at most 32,767 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    text: Box<str>,
    ends: Box<[u32]>,
    /// The line the row started on in the file (0 for rows added since); it names the bytes
    /// the row was read from, where they are kept.
    pub line: u64,
}

impl SheetRow {
    /// A row of these fields.
    pub fn new<'a>(fields: impl IntoIterator<Item = &'a str>, line: u64) -> SheetRow {
        // Built in a buffer kept from row to row, then copied once: each row is one exact
        // allocation for its text and one for its ends. Growing them field by field would
        // leave a million freed pieces too small to reuse.
        thread_local! {
            static BUFFER: RefCell<(String, Vec<u32>)> = const { RefCell::new((String::new(), Vec::new())) };
        }
        BUFFER.with_borrow_mut(|(text, ends)| {
            text.clear();
            ends.clear();
            for f in fields {
                text.push_str(f);
                ends.push(u32::try_from(text.len()).expect("a row is far under 4 GiB"));
            }
            SheetRow {
                text: Box::from(text.as_str()),
                ends: Box::from(ends.as_slice()),
                line,
            }
        })
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no fields.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i` ("" past the end).
    pub fn get(&self, i: usize) -> &str {
        match self.ends.get(i) {
            Some(&end) => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
                &self.text[start..end as usize]
            }
            None => "",
        }
    }

    /// The row with field `i` set to `value` (padding with empty fields if the row is short).
    /// It is still the row of its line: written with that line's own line end, and as the line
    /// was read if it is set back.
    pub fn with(&self, i: usize, value: &str) -> SheetRow {
        let n = self.len().max(i + 1);
        let fields: Vec<&str> = (0..n)
            .map(|j| if j == i { value } else { self.get(j) })
            .collect();
        SheetRow::new(fields, self.line)
    }

    /// The row's fields back to back, and where each ends.
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    /// Where each field ends in [`SheetRow::text`].
    pub(super) fn ends(&self) -> &[u32] {
        &self.ends
    }

    /// The row as a record the table reader would have produced, its fields' ends written
    /// into `ends` (a buffer to reuse).
    pub fn record<'a>(&'a self, ends: &'a mut Vec<usize>) -> super::Record<'a> {
        ends.clear();
        ends.extend(self.ends.iter().map(|&e| e as usize));
        super::Record::new(self.line, &self.text, ends, self.text.contains('\n'))
    }

    /// Appends the row as a line of a file in `encoding` and `style`: `raw`, the bytes it was
    /// read from (if kept), when its fields are still those, else its fields anew and its own
    /// line end.
    fn write(
        &self,
        out: &mut Vec<u8>,
        raw: Option<&Raw>,
        encoding: Encoding,
        style: Style,
        scratch: &mut Vec<u8>,
        splitter: &mut Splitter,
    ) {
        let tail = match raw {
            Some(raw) => {
                let (body, tail) = raw.bytes.split_at(raw.body);
                if splitter.holds(body, encoding, &self.text, &self.ends) {
                    out.extend_from_slice(&raw.bytes);
                    return;
                }
                tail
            }
            None => style.ending.bytes(),
        };
        fields_line(self.len(), |i| self.get(i), style.delimiter, scratch);
        encode_into(out, scratch, encoding);
        out.extend_from_slice(tail);
    }
}

/// A table in memory.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The header and what each column holds.
    pub columns: Columns,
    /// The rows in file order.
    pub rows: Vec<SheetRow>,
    /// The file's encoding (kept on save).
    pub encoding: Encoding,
    /// BOM, separator and line endings (kept on save).
    pub style: Style,
    /// What comes before the header (blank lines), as read.
    preamble: Box<[u8]>,
    /// The header line as read, line end and blank lines after it included.
    header: Option<Box<[u8]>>,
    /// The bytes of the rows that writing their fields anew would not give back, by line (in
    /// order).
    kept: Vec<(u64, Raw)>,
    /// The file when read or saved, to notice changes by others.
    pub stamp: Option<Stamp>,
    /// Where the table came from when it is a workbook's sheet (saving writes a workbook).
    pub workbook: Option<WorkbookOrigin>,
    /// Rows whose cell in a known column holds a formula with no saved result, by line (in
    /// order), with that cell's column (the first such, as a batch run names it).
    no_result: Vec<(u64, usize)>,
}

/// The workbook a table was read from (saving edits it in place where it can).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookOrigin {
    /// The file.
    pub path: std::path::PathBuf,
    /// The sheet edited.
    pub sheet: String,
    /// The other sheets.
    pub others: Vec<String>,
    /// Rows above the header (titles).
    pub above_header: usize,
}

impl Sheet {
    /// Reads a whole table, recognising its encoding.
    pub fn load(path: &Path) -> Result<Sheet, TableError> {
        Sheet::load_in(path, None)
    }

    /// Reads a whole table in `encoding` (a CSV's; recognised when `None`).
    pub fn load_in(path: &Path, encoding: Option<Encoding>) -> Result<Sheet, TableError> {
        if super::workbook::is_workbook(path) {
            return load_workbook(path);
        }
        load_csv(path, encoding).map_err(|e| match e {
            // The whole file is at hand: say whether it is the other encoding throughout.
            TableError::Encoding(mut e) => {
                e.other_is_clean = e
                    .expected
                    .and_then(|enc| Some(enc.other().is_valid(&fs::read(path).ok()?)));
                TableError::Encoding(e)
            }
            e => e,
        })
    }

    /// A new, empty table in `encoding` (UTF-8 with a BOM when `None`), with every column
    /// roadsub knows, named in `lang`.
    pub fn empty_in(lang: Lang, encoding: Option<Encoding>) -> Sheet {
        let mut sheet = Sheet::empty(lang);
        if encoding == Some(Encoding::Gb18030) {
            sheet.encoding = Encoding::Gb18030;
            sheet.style.bom = false;
        }
        sheet
    }

    /// A new, empty table with every column roadsub knows, named in `lang`.
    pub fn empty(lang: Lang) -> Sheet {
        let names: Vec<&str> = Field::ALL
            .into_iter()
            .filter(|&f| f != Field::CostPerKm)
            .map(|f| f.display(lang))
            .collect();
        let columns = Columns::from_header(names).expect("every field's own name is recognised");
        Sheet {
            columns,
            rows: Vec::new(),
            encoding: Encoding::Utf8,
            style: Style {
                bom: true,
                ..Style::default()
            },
            preamble: Box::default(),
            header: None,
            kept: Vec::new(),
            stamp: None,
            workbook: None,
            no_result: Vec::new(),
        }
    }

    /// The table as bytes in its own encoding and style: untouched lines as they were read.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.style.bom && self.encoding == Encoding::Utf8 {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        out.extend_from_slice(&self.preamble);
        let mut line = Vec::new();
        let mut splitter = Splitter::new(self.style.delimiter);
        match &self.header {
            Some(raw) => out.extend_from_slice(raw),
            None => {
                let names = &self.columns.names;
                fields_line(names.len(), |i| &names[i], self.style.delimiter, &mut line);
                encode_into(&mut out, &line, self.encoding);
                out.extend_from_slice(self.style.ending.bytes());
            }
        }
        for row in &self.rows {
            // A last line without a line end is one no longer when a row comes after it.
            if !out.ends_with(b"\n") && !out.ends_with(b"\r") {
                out.extend_from_slice(self.style.ending.bytes());
            }
            let raw = (row.line != 0)
                .then(|| self.kept.binary_search_by_key(&row.line, |(l, _)| *l).ok())
                .flatten()
                .map(|i| &self.kept[i].1);
            row.write(
                &mut out,
                raw,
                self.encoding,
                self.style,
                &mut line,
                &mut splitter,
            );
        }
        out
    }

    /// Saves atomically: the previous version becomes `FILE.bak` (itself replaced atomically,
    /// so a failure leaves the last good backup), then the new text replaces the file in one
    /// rename.
    pub fn save(&mut self, path: &Path) -> io::Result<()> {
        self.save_with(path, &mut |w, bytes| w.write_all(bytes))
    }

    /// [`Sheet::save`], with every write to the new file and the backup going through `put`
    /// (tests fail it as a full disk would).
    fn save_with(&mut self, path: &Path, put: &mut Put<'_>) -> io::Result<()> {
        let out = Replacement::new(path, ".tmp")?;
        // A workbook name gets a workbook (never CSV bytes, nor one format under another's
        // name); the error, when there is one, is a `workbook::SaveError` to render.
        let mut hash = None;
        let saved = if super::workbook::is_workbook(path) {
            let names = &self.columns.names;
            let saved =
                super::workbook::save(self.workbook.as_ref(), path, out.file(), names, &self.rows)
                    .map_err(io::Error::other)?;
            Some(saved)
        } else {
            let bytes = self.to_bytes();
            put(&mut out.file(), &bytes)?;
            hash = Some(hash_of(&bytes));
            None
        };
        if path.exists() {
            back_up(path, put)?;
        }
        out.commit()?;
        if let Some(saved) = saved {
            let mut no_result = Vec::new();
            for (row, line) in self.rows.iter_mut().zip(saved.lines) {
                // A formula left alone is still there, now on the row's new line.
                if let Ok(i) = self.no_result.binary_search_by_key(&row.line, |&(l, _)| l) {
                    no_result.push((line, self.no_result[i].1));
                }
                row.line = line;
            }
            no_result.sort_unstable();
            self.no_result = no_result;
            self.workbook = Some(saved.origin);
        } else if self.workbook.is_some() {
            self.workbook = None;
        }
        // A workbook's bytes are the library's: read back.
        self.stamp = match hash {
            Some(hash) => Stamp::of(path, hash),
            None => Stamp::read(path),
        };
        Ok(())
    }

    /// The column of the cell of the row read from `line` that holds a formula with no saved
    /// result, if there is one (a workbook written by a program that does not calculate).
    pub fn formula_without_result(&self, line: u64) -> Option<usize> {
        if self.no_result.is_empty() || line == 0 {
            return None;
        }
        let i = self
            .no_result
            .binary_search_by_key(&line, |&(l, _)| l)
            .ok()?;
        Some(self.no_result[i].1)
    }

    /// Whether the file changed on disk since it was read or saved: another file now (device
    /// and inode), another size or time, or other bytes (read again to tell).
    pub fn changed_on_disk(&self, path: &Path) -> bool {
        self.stamp.is_some_and(|then| !then.still(path))
    }
}

/// Where a save's bytes go: a writer and the bytes to write into it.
type Put<'a> = dyn FnMut(&mut dyn Write, &[u8]) -> io::Result<()> + 'a;

/// Copies `path` to `FILE.bak` through a temporary file renamed over it: the old backup stays
/// whole until the new one is complete and on disk.
fn back_up(path: &Path, put: &mut Put<'_>) -> io::Result<()> {
    let out = Replacement::new(&backup_path(path), ".tmp")?;
    let mut from = File::open(path)?;
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        put(&mut out.file(), &buf[..n])?;
    }
    out.commit()
}

/// Which record's bytes [`load_csv`] has yet to take.
#[derive(Clone, Copy)]
enum Open {
    Header,
    Row(usize),
    Skipped,
}

/// A workbook's table.
fn load_workbook(path: &Path) -> Result<Sheet, TableError> {
    // Taken before the workbook is read: a change while it is read shows as one.
    let stamp = Stamp::read(path);
    let book = super::workbook::open(path, None)?;
    let no_result = formula_lines(&book.no_result, &book.columns);
    Ok(Sheet {
        columns: book.columns,
        rows: book.rows,
        encoding: Encoding::Utf8,
        style: Style::default(),
        preamble: Box::default(),
        header: None,
        kept: Vec::new(),
        stamp,
        workbook: Some(WorkbookOrigin {
            path: path.to_path_buf(),
            sheet: book.sheet,
            others: book.others,
            above_header: book.above_header,
        }),
        no_result,
    })
}

/// Of the cells holding a formula with no saved result, the first in a known column of each
/// line. The workbook reader gives them row by row, left to right, so they are in order
/// already.
fn formula_lines(cells: &[(u64, usize)], columns: &Columns) -> Vec<(u64, usize)> {
    debug_assert!(cells.is_sorted(), "cells come row by row, left to right");
    let mut lines: Vec<(u64, usize)> = cells
        .iter()
        .copied()
        .filter(|&(_, col)| columns.field_at(col).is_some())
        .collect();
    lines.dedup_by_key(|(line, _)| *line);
    lines
}

/// Reads a CSV table whole, each row keeping its bytes where its fields do not give them.
fn load_csv(path: &Path, encoding: Option<Encoding>) -> Result<Sheet, TableError> {
    let file = File::open(path).map_err(TableError::Io)?;
    let window = Rc::new(RefCell::new(Window::default()));
    // The bytes as read, hashed: those a save must find still there.
    let hash = Rc::new(RefCell::new(ContentHash::default()));
    let tee = Tee {
        inner: Hashing {
            inner: file,
            hash: hash.clone(),
        },
        seen: window.clone(),
    };
    let (columns, mut rows) = open_in(tee, encoding)?;
    let style = rows.style();
    let bom = if style.bom { 3 } else { 0 };
    let mut sheet_rows: Vec<SheetRow> = Vec::new();
    let mut unkept = Vec::new();
    // The record whose span is still open, where it starts, where the reader stopped after it.
    let mut open = Open::Header;
    let mut prev_end = rows.offset();
    let (preamble, mut start) = {
        let w = window.borrow();
        let head = w.span(bom, prev_end).unwrap_or_default();
        let lead = leading_line_ends(head);
        (Box::from(&head[..lead]), bom + lead as u64)
    };
    let mut header = None;
    let mut scratch = Vec::new();
    let mut splitter = Splitter::new(style.delimiter);
    let mut kept = Vec::new();
    loop {
        let item = match rows.next_item()? {
            Some(Item::Record(r)) => {
                let fields = (0..r.len()).filter_map(|i| r.get(i));
                Some(Ok(SheetRow::new(fields, r.line)))
            }
            Some(Item::Skipped(e)) => Some(Err(e)),
            None => None,
        };
        let end = rows.offset();
        let next_start = {
            let w = window.borrow();
            match &item {
                Some(_) => {
                    prev_end
                        + w.span(prev_end, end)
                            .map_or(0, |s| leading_line_ends(s) as u64)
                }
                None => end,
            }
        };
        {
            let w = window.borrow();
            let span = w.span(start, next_start);
            let body_end = w.span(start, prev_end).map(without_line_ends);
            match open {
                Open::Header => header = span.map(Box::from),
                Open::Skipped => {}
                Open::Row(i) => match (span, body_end) {
                    (Some(span), Some(body)) => {
                        let row = &sheet_rows[i];
                        // A quote never closed: the row holds lines that are rows of their
                        // own, and would keep them in a cell once edited and saved.
                        let ragged = row.len() != columns.names.len() && row.text().contains('\n');
                        if ragged || (item.is_none() && quote_left_open(span, style.delimiter)) {
                            let last = row.line + line_breaks(&span[..body]);
                            unkept.push((row.line, super::RecordProblem::UnclosedQuote { last }));
                        }
                        let enc = rows.encoding();
                        if let Some(raw) =
                            keep(row, span, body, enc, style, &mut scratch, &mut splitter)
                        {
                            kept.push((row.line, raw));
                        }
                    }
                    _ => unkept.push((sheet_rows[i].line, super::RecordProblem::TooLong)),
                },
            }
        }
        match item {
            Some(Ok(row)) => {
                sheet_rows.push(row);
                open = Open::Row(sheet_rows.len() - 1);
            }
            Some(Err(e)) => {
                unkept.push((
                    e.line,
                    match e.problem {
                        super::Problem::TooManyFields => super::RecordProblem::TooManyFields,
                        _ => super::RecordProblem::TooLong,
                    },
                ));
                // The table is not opened: its bytes need not be kept.
                open = Open::Skipped;
            }
            None => break,
        }
        start = next_start;
        prev_end = end;
        window.borrow_mut().forget_before(start);
    }
    if !unkept.is_empty() {
        unkept.sort_unstable();
        unkept.dedup();
        return Err(TableError::Unkept(unkept));
    }
    Ok(Sheet {
        columns,
        rows: sheet_rows,
        encoding: rows.encoding(),
        style,
        preamble,
        header,
        kept,
        stamp: Stamp::of(path, hash.take().finish()),
        workbook: None,
        no_result: Vec::new(),
    })
}

/// Whether `record` (a record's bytes as read, the file's last) ends inside a quoted field:
/// read on with a line end and a line after it, its record would take that line in too.
fn quote_left_open(record: &[u8], delimiter: u8) -> bool {
    let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let probe = [record, b"\nx\n"].concat();
    let (mut out, mut ends) = (vec![0; probe.len()], vec![0; probe.len() + 1]);
    let (result, read, _, _) = core.read_record(&probe, &mut out, &mut ends);
    !(result == csv_core::ReadRecordResult::Record && read <= record.len() + 1)
}

/// How many line ends `bytes` holds (CR LF, LF, or a lone CR: each one line, as the reader
/// counts them).
fn line_breaks(bytes: &[u8]) -> u64 {
    let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
    let cr = bytes.iter().filter(|&&b| b == b'\r').count();
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    (lf + cr - crlf) as u64
}

/// `FILE.bak` beside `FILE`.
pub fn backup_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::GB18030;

    #[test]
    fn a_gbk_file_is_saved_as_gbk_with_its_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let original = "编号,乡镇,村,类别,宽度,长度,投资,备注\r\nG1,天马乡,画青村,通村,4.5,2,160万,\"有,逗号\"\r\n";
        fs::write(&path, GB18030.encode(original).0).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        assert_eq!(sheet.encoding, Encoding::Gb18030);
        assert_eq!(sheet.style.ending, super::super::LineEnd::CrLf);
        assert_eq!(sheet.rows[0].get(2), "画青村");
        sheet.rows[0] = sheet.rows[0].with(4, "3.5");
        sheet.save(&path).unwrap();
        let saved = fs::read(&path).unwrap();
        let (text, _, bad) = GB18030.decode(&saved);
        assert!(!bad);
        assert_eq!(text, original.replace(",4.5,", ",3.5,"));
        assert_eq!(
            fs::read(backup_path(&path)).unwrap(),
            GB18030.encode(original).0.to_vec()
        );
    }

    #[test]
    fn a_bom_file_keeps_its_bom_and_odd_rows_stay_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let original = "\u{feff}id,township,village,class,width_m,length_km,cost,extra\nA,t,v,village,4.5,1,1,x\nB,t,v\n";
        fs::write(&path, original).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        assert!(sheet.style.bom);
        assert_eq!(sheet.rows[1].len(), 3);
        sheet.save(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), original);
    }

    #[test]
    fn changes_by_others_are_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        fs::write(&path, "id,township,village,class,width_m,length_km,cost\n").unwrap();
        let sheet = Sheet::load(&path).unwrap();
        assert!(!sheet.changed_on_disk(&path));
        fs::write(
            &path,
            "id,township,village,class,width_m,length_km,cost\nA,t,v,village,4.5,1,1\n",
        )
        .unwrap();
        assert!(sheet.changed_on_disk(&path));
    }

    /// Writes `bytes` over `path` in place (same file) and puts its modification time back,
    /// as `cp -p`, `rsync -t` or `touch -r` would.
    fn overwrite_keeping_time(path: &Path, bytes: &[u8]) {
        let time = fs::metadata(path).unwrap().modified().unwrap();
        fs::write(path, bytes).unwrap();
        let f = File::options().write(true).open(path).unwrap();
        f.set_modified(time).unwrap();
    }

    #[test]
    fn a_same_size_change_with_its_time_put_back_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let head = "id,township,village,class,width_m,length_km,cost\n";
        fs::write(&path, format!("{head}A,t,v,village,4.5,1,1\n")).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        let then = sheet.stamp.unwrap();
        overwrite_keeping_time(&path, format!("{head}A,t,v,village,3.5,1,1\n").as_bytes());
        let now = Stamp::of(&path, then.hash).unwrap();
        assert_eq!(now, then, "size, time and file all as they were");
        assert!(sheet.changed_on_disk(&path));
        // Put back as it was read: no change.
        overwrite_keeping_time(&path, format!("{head}A,t,v,village,4.5,1,1\n").as_bytes());
        assert!(!sheet.changed_on_disk(&path));
        // The same bytes and time, but another file renamed over it: a change.
        let other = dir.path().join("other.csv");
        fs::copy(&path, &other).unwrap();
        File::options()
            .write(true)
            .open(&other)
            .unwrap()
            .set_modified(then.modified)
            .unwrap();
        fs::rename(&other, &path).unwrap();
        assert!(sheet.changed_on_disk(&path));
        // After a save, the file as saved is the one compared.
        sheet.rows[0] = sheet.rows[0].with(6, "2");
        sheet.save(&path).unwrap();
        assert!(!sheet.changed_on_disk(&path));
        overwrite_keeping_time(&path, format!("{head}A,t,v,village,4.5,1,3\n").as_bytes());
        assert!(sheet.changed_on_disk(&path));
    }

    #[test]
    fn a_workbook_changed_in_place_with_its_time_put_back_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.xlsx");
        let mut sheet = Sheet::empty(Lang::En);
        sheet.save(&path).unwrap();
        assert!(!sheet.changed_on_disk(&path));
        let sheet = Sheet::load(&path).unwrap();
        assert!(!sheet.changed_on_disk(&path));
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        overwrite_keeping_time(&path, &bytes);
        assert!(sheet.changed_on_disk(&path));
    }

    #[test]
    fn a_quote_never_closed_refuses_the_open_naming_the_lines_it_takes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let head = "id,township,village,name,class,width_m,length_km,cost\n\
                    X1,t,v,a,village,4.5,2,1600000\n";
        let rest = "X3,t,v,c,village,4.5,1.6,1350000\nX4,t,v,d,village,4.5,1.6,1350000\n";
        let refused = |text: String| {
            fs::write(&path, &text).unwrap();
            let err = Sheet::load(&path).unwrap_err();
            (err.render("t.csv", Lang::En), err.render("t.csv", Lang::Zh))
        };
        let tail_en = "; the table cannot be edited without losing it, so it is not opened \
                       (fix the line in a text editor, or use roadsub batch, which reports it)";
        let tail_zh = "；编辑此表会丢失该行，因此不打开（请用文本编辑器修正此行，或用 roadsub batch，它会报告此行）";
        // Too few fields, and the rows after it inside one.
        let (en, zh) = refused(format!(
            "{head}X2,t,v,\"unterminated,village,3.5,2.4,900000\n{rest}"
        ));
        assert_eq!(
            en,
            format!("t.csv:3: a quote (\") in this record is never closed, so lines 4–5 are taken into it{tail_en}")
        );
        assert_eq!(
            zh,
            format!("t.csv:3: 此记录中有引号 (\") 未闭合，第 4–5 行被并入此记录{tail_zh}")
        );
        // The right number of fields: the quote opens in the last one and runs to the end.
        let (en, _) = refused(format!("{head}X2,t,v,b,village,3.5,2.4,\"900000\n{rest}"));
        assert_eq!(
            en,
            format!("t.csv:3: a quote (\") in this record is never closed, so lines 4–5 are taken into it{tail_en}")
        );
        // Closed by a quote on a later line, with the wrong number of fields.
        let (en, _) = refused(format!("{head}X2,t,v,\"b\nX3,t,v,c\",4.5,1.6,1350000\n"));
        assert_eq!(
            en,
            format!("t.csv:3: a quote (\") in this record is never closed, so line 4 is taken into it{tail_en}")
        );
        // Opened on the last line, with or without a line end after it.
        for end in ["", "\n", "\r\n"] {
            let (en, zh) = refused(format!("{head}{rest}X5,t,v,e,village,4.5,1,\"2{end}"));
            assert_eq!(
                en,
                format!("t.csv:5: a quote (\") in this record is never closed{tail_en}"),
                "{end:?}"
            );
            assert_eq!(zh, format!("t.csv:5: 此记录中有引号 (\") 未闭合{tail_zh}"));
        }
        // A quoted field over several lines in a row of the right size is a field like any
        // other, in the middle of the table or at its end.
        let fine = format!(
            "{head}X2,t,v,\"two\nlines\",village,3.5,2.4,900000\n{rest}X5,t,v,\"e\r\nf\",village,4.5,1,\"2\"\n"
        );
        fs::write(&path, &fine).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        assert_eq!(sheet.rows.len(), 5);
        assert_eq!(sheet.rows[1].get(3), "two\nlines");
        assert_eq!(sheet.rows[4].get(3), "e\r\nf");
        sheet.rows[0] = sheet.rows[0].with(5, "3.5");
        sheet.save(&path).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            fine.replacen(",4.5,2,", ",3.5,2,", 1)
        );
    }

    #[test]
    fn a_failed_save_keeps_the_previous_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let head = "id,township,village,class,width_m,length_km,cost\n";
        let now = format!("{head}A,t,v,village,4.5,1,2\n");
        let before = format!("{head}A,t,v,village,4.5,1,1\n");
        fs::write(&path, &now).unwrap();
        fs::write(backup_path(&path), &before).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        sheet.rows[0] = sheet.rows[0].with(6, "3");
        // The disk fills up halfway through the backup (the second write), or the new text.
        for fail_at in [1, 0] {
            let mut writes = 0;
            let mut full_disk = |w: &mut dyn Write, bytes: &[u8]| {
                writes += 1;
                if writes > fail_at {
                    w.write_all(&bytes[..bytes.len() / 2])?;
                    return Err(io::Error::from_raw_os_error(28));
                }
                w.write_all(bytes)
            };
            let err = sheet.save_with(&path, &mut full_disk).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(28));
            assert_eq!(fs::read_to_string(&path).unwrap(), now);
            assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), before);
            let mut names: Vec<_> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            assert_eq!(
                names,
                ["plan.csv", "plan.csv.bak"],
                "no temporary file is left"
            );
        }
        sheet.save(&path).unwrap();
        assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), now);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{head}A,t,v,village,4.5,1,3\n")
        );
    }

    #[test]
    fn a_new_table_is_saved_in_the_encoding_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.csv");
        let mut sheet = Sheet::empty_in(Lang::Zh, Some(Encoding::Gb18030));
        sheet.save(&path).unwrap();
        let header = "编号,乡镇,村,路段名称,道路类别,宽度,长度,投资,整合资金,已完工,户数\n";
        assert_eq!(fs::read(&path).unwrap(), GB18030.encode(header).0.to_vec());
        let mut sheet = Sheet::empty_in(Lang::Zh, None);
        sheet.save(&path).unwrap();
        assert_eq!(
            fs::read(&path).unwrap(),
            [b"\xEF\xBB\xBF".as_slice(), header.as_bytes()].concat()
        );
    }
}
