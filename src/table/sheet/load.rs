//! Reading a table whole for editing: a workbook's sheet, or a CSV file whose rows keep the
//! bytes they were read from where writing their fields anew would not give them back. A
//! file with a line that cannot be kept is refused, naming the lines.

use std::cell::RefCell;
use std::fs::{self, File};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::stamp::{ContentHash, Hashing, Stamp};
use super::{Sheet, SheetRow, WorkbookOrigin};
use crate::table::verbatim::{
    keep, leading_blank_lines, leading_line_ends, without_line_ends, Splitter, Tee, Window,
};
use crate::table::{open_with, Columns, Encoding, HeaderOptions, Item, Style, TableError};

impl Sheet {
    /// Reads a whole table, recognising its encoding.
    pub fn load(path: &Path) -> Result<Sheet, TableError> {
        Sheet::load_in(path, None)
    }

    /// Reads a whole table in `encoding` (a CSV's; recognised when `None`).
    pub fn load_in(path: &Path, encoding: Option<Encoding>) -> Result<Sheet, TableError> {
        Sheet::load_sheet(path, None, encoding)
    }

    /// [`Sheet::load_in`], a workbook's table read from the sheet named or numbered (from 1)
    /// by `sheet` when given, as a batch run's `--sheet` chooses it.
    pub fn load_sheet(
        path: &Path,
        sheet: Option<&str>,
        encoding: Option<Encoding>,
    ) -> Result<Sheet, TableError> {
        Sheet::load_with(path, sheet, encoding, &HeaderOptions::default())
    }

    /// [`Sheet::load_sheet`] under the user's header options (`--amount-unit`, `--map`).
    pub fn load_with(
        path: &Path,
        sheet: Option<&str>,
        encoding: Option<Encoding>,
        options: &HeaderOptions,
    ) -> Result<Sheet, TableError> {
        load_whole(path, sheet, encoding, options, &Reading::Whole(None))
    }

    /// [`Sheet::load_with`] for a table that is only looked at (`explain`): the same
    /// columns, rows, lines and refusals, without the bytes a save would need to give each
    /// row back as it was read (a CSV row's own bytes are compared with its fields written
    /// anew, the costliest part of reading it). A CSV table's sheet read so is never saved; a
    /// workbook's is read whole, as ever.
    pub fn load_to_look(
        path: &Path,
        sheet: Option<&str>,
        encoding: Option<Encoding>,
        options: &HeaderOptions,
    ) -> Result<Sheet, TableError> {
        load_whole(path, sheet, encoding, options, &Reading::Look)
    }
}

/// A whole table: a workbook's sheet, or a CSV file read as `reading` says.
fn load_whole(
    path: &Path,
    sheet: Option<&str>,
    encoding: Option<Encoding>,
    options: &HeaderOptions,
    reading: &Reading,
) -> Result<Sheet, TableError> {
    if crate::table::workbook::is_workbook(path) {
        return load_workbook(path, sheet, options);
    }
    load_csv(path, encoding, options, reading).map_err(|e| match e {
        // The whole file is at hand when it lies on disk: say whether it is the other
        // encoding throughout. A pipe's bytes are gone once read (read again, it is empty,
        // or a named pipe waits for a writer that is gone): nothing is said of them.
        TableError::Encoding(mut e) => {
            e.other_is_clean = e
                .expected
                .filter(|_| fs::metadata(path).is_ok_and(|m| m.is_file()))
                .and_then(|enc| Some(enc.other().is_valid(&fs::read(path).ok()?)));
            TableError::Encoding(e)
        }
        e => e,
    })
}

impl Sheet {
    /// [`Sheet::load_with`] for a CSV table, storing in `read` how many of the file's bytes
    /// have been read so far (for a progress line while it is read in the background).
    pub fn load_watched(
        path: &Path,
        encoding: Option<Encoding>,
        options: &HeaderOptions,
        read: &AtomicU64,
    ) -> Result<Sheet, TableError> {
        load_csv(path, encoding, options, &Reading::Whole(Some(read)))
    }

    /// The first `rows` rows of a CSV table, to show while the rest is read: a partial sheet
    /// ([`Sheet::is_partial`]), which is never saved, and which stands for no file on disk.
    pub fn load_head(
        path: &Path,
        encoding: Option<Encoding>,
        options: &HeaderOptions,
        rows: usize,
    ) -> Result<Sheet, TableError> {
        load_csv(path, encoding, options, &Reading::Head(rows))
    }
}

/// How much of a CSV file [`load_csv`] reads.
enum Reading<'a> {
    /// All of it, telling how far it has got when asked to.
    Whole(Option<&'a AtomicU64>),
    /// Its first rows only.
    Head(usize),
    /// All of it, to be looked at: no row's bytes are kept for a save.
    Look,
}

/// Which record's bytes [`load_csv`] has yet to take.
#[derive(Clone, Copy)]
enum Open {
    Header,
    Row(usize),
    Skipped,
}

/// A workbook's table.
fn load_workbook(
    path: &Path,
    sheet: Option<&str>,
    options: &HeaderOptions,
) -> Result<Sheet, TableError> {
    // Taken before the workbook is read: a change while it is read shows as one.
    let stamp = Stamp::read(path);
    let book = crate::table::workbook::open_with(path, sheet, options)?;
    let no_result = formula_lines(&book.no_result, &book.columns);
    let rows_hash = super::rows_hash(&book.rows);
    let mut sheet = Sheet {
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
            titles: book.titles,
            options: options.clone(),
            formula: book.formula,
            recalc_pending: book.recalc_pending,
            merged_from: book.merged_from,
            rows_hash,
        }),
        no_result,
        stale: Vec::new(),
        hidden: book.hidden,
        under_merge: book.under_merge,
        partial: false,
        looked: false,
    };
    sheet.mark_stale(&book.stale);
    Ok(sheet)
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
fn load_csv(
    path: &Path,
    encoding: Option<Encoding>,
    options: &HeaderOptions,
    reading: &Reading<'_>,
) -> Result<Sheet, TableError> {
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
    let (columns, mut rows) = open_with(tee, encoding, options)?;
    let style = rows.style();
    let bom = if style.bom { 3 } else { 0 };
    let mut sheet_rows: Vec<SheetRow> = Vec::new();
    let mut unkept = Vec::new();
    // The record whose span is still open, where it starts, where the reader stopped after it.
    let mut open = Open::Header;
    // What `takes_in` said of the open record.
    let mut open_takes_in = None;
    let mut prev_end = rows.offset();
    let (preamble, mut start) = {
        let w = window.borrow();
        let head = w.span(bom, prev_end).unwrap_or_default();
        // Title and note rows above the header are kept as they were read, byte for byte.
        let titles = usize::try_from(rows.header_start().saturating_sub(bom))
            .unwrap_or(0)
            .min(head.len());
        let lead = titles + leading_line_ends(&head[titles..]);
        (Box::from(&head[..lead]), bom + lead as u64)
    };
    let mut header = None;
    let mut scratch = Vec::new();
    let mut splitter = Splitter::new(style.delimiter);
    let mut kept = Vec::new();
    let looking = matches!(reading, Reading::Look);
    loop {
        // Whether the record takes rows after its own into a cell, and whether a later
        // quote closes it (not the file's end).
        let mut takes_in = None;
        let item = match rows.next_item()? {
            Some(Item::Record(r)) => {
                if r.takes_in_rows(columns.names.len()) {
                    takes_in = Some(!r.unclosed);
                }
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
                            .map_or(0, |s| leading_blank_lines(s, style.delimiter) as u64)
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
                        // A quote never closed (or closed by a later row's): the row holds
                        // lines that are rows of their own, and would keep them in a cell
                        // once edited and saved.
                        let left_open = item.is_none() && quote_left_open(span, style.delimiter);
                        if open_takes_in.is_some() || left_open {
                            let last = row.line + line_breaks(&span[..body]);
                            let closed = open_takes_in == Some(true) && !left_open;
                            unkept.push((
                                row.line,
                                crate::table::RecordProblem::UnclosedQuote { last, closed },
                            ));
                        }
                        let enc = rows.encoding();
                        if looking {
                            // Nothing is saved: no row needs its bytes.
                        } else if let Some(raw) =
                            keep(row, span, body, enc, style, &mut scratch, &mut splitter)
                        {
                            kept.push((row.line, raw));
                        }
                    }
                    _ => unkept.push((sheet_rows[i].line, crate::table::RecordProblem::TooLong)),
                },
            }
        }
        match item {
            Some(Ok(row)) => {
                if matches!(*reading, Reading::Head(n) if sheet_rows.len() >= n) {
                    break;
                }
                sheet_rows.push(row);
                open = Open::Row(sheet_rows.len() - 1);
                open_takes_in = takes_in;
                if let Reading::Whole(Some(read)) = *reading {
                    if sheet_rows.len().is_multiple_of(4096) {
                        read.store(end, Ordering::Relaxed);
                    }
                }
            }
            Some(Err(e)) => {
                unkept.push((
                    e.line,
                    match e.problem {
                        crate::table::Problem::TooManyFields => {
                            crate::table::RecordProblem::TooManyFields
                        }
                        _ => crate::table::RecordProblem::TooLong,
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
    let partial = matches!(reading, Reading::Head(_));
    if let Reading::Whole(Some(read)) = *reading {
        read.store(rows.offset(), Ordering::Relaxed);
    }
    Ok(Sheet {
        columns,
        rows: sheet_rows,
        encoding: rows.encoding(),
        style,
        preamble,
        header,
        kept,
        // Part of a file stands for no file: nothing is compared with what is on disk.
        stamp: if partial {
            None
        } else {
            Stamp::of(path, hash.take().finish())
        },
        workbook: None,
        no_result: Vec::new(),
        stale: Vec::new(),
        hidden: Vec::new(),
        under_merge: Vec::new(),
        partial,
        looked: looking,
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
pub(crate) fn line_breaks(bytes: &[u8]) -> u64 {
    let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
    let cr = bytes.iter().filter(|&&b| b == b'\r').count();
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    (lf + cr - crlf) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// A table read to be looked at (`explain`) is the table read to be edited, row for row,
    /// or refused in the same words; only the bytes a save needs are left out, and it is
    /// never saved.
    #[test]
    fn a_table_read_to_look_at_is_the_table_read_to_edit_and_is_never_saved() {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths: Vec<std::path::PathBuf> = ["examples", "tests/data", "tests/data/office"]
            .iter()
            .flat_map(|d| fs::read_dir(root.join(d)).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        let head = "id,township,village,name,class,width_m,length_km,cost\n";
        let row = "X1,t,v,a,village,4.5,2,1600000";
        let made = [
            // Rows whose bytes a save keeps: quoted, spaced, a quoted field over lines, CRLF
            // and a lone CR, blank lines, a BOM, a title above the header.
            format!("{head}\"X1\",t, v ,\"a\nb\",village,4.5,2,\"1,600,000\"\r\n\r\nX2,t,v,b,village,3.5,1,9\r"),
            format!("\u{feff}道路计划\n\n{head}{row}\n\nX2,t,v,b,village,3.5,1,9"),
            // Refused: a quote never closed, too many fields.
            format!("{head}{row}\nX2,t,v,\"b,village,3.5,1,9\nX3,t,v,c,village,3.5,1,9\n"),
            format!("{head}{row}{}\n", ",".repeat(crate::table::MAX_FIELDS)),
            // Not one encoding; GBK.
            format!("{head}X1,t,村,a,village,4.5,2,1\n"),
        ];
        for (n, text) in made.iter().enumerate() {
            let path = dir.path().join(format!("made-{n}.csv"));
            fs::write(&path, text).unwrap();
            paths.push(path);
        }
        let gbk = dir.path().join("gbk.csv");
        let text = format!("{head}X1,石鼓镇,村,a,village,4.5,2,1\n");
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        fs::write(&gbk, &bytes).unwrap();
        paths.push(gbk.clone());
        let mixed = dir.path().join("mixed.csv");
        fs::write(
            &mixed,
            [
                format!("{head}X1,村,v,a,village,4.5,2,1\n").as_bytes(),
                &bytes[head.len()..],
            ]
            .concat(),
        )
        .unwrap();
        paths.push(mixed);
        let options = HeaderOptions::default();
        let (mut read, mut refused) = (0, 0);
        for path in &paths {
            let edit = Sheet::load_with(path, None, None, &options);
            let look = Sheet::load_to_look(path, None, None, &options);
            match (edit, look) {
                (Ok(edit), Ok(mut look)) => {
                    read += 1;
                    assert_eq!(look.columns.names, edit.columns.names, "{path:?}");
                    assert_eq!(look.rows, edit.rows, "{path:?}");
                    assert_eq!(
                        (look.encoding, look.style, look.is_partial()),
                        (edit.encoding, edit.style, false),
                        "{path:?}"
                    );
                    assert!(look.looked && !edit.looked);
                    let before = fs::read(path).unwrap();
                    let err = look.save(path).unwrap_err();
                    assert_eq!(
                        err.to_string(),
                        "the table was read to be looked at, not to be saved"
                    );
                    assert_eq!(fs::read(path).unwrap(), before, "{path:?}");
                }
                (Err(edit), Err(look)) => {
                    refused += 1;
                    for lang in [Lang::En, Lang::Zh] {
                        assert_eq!(look.render("t.csv", lang), edit.render("t.csv", lang));
                    }
                }
                (edit, look) => panic!("{path:?}: {edit:?} but {look:?}"),
            }
        }
        // Every shipped table and the made ones that are tables are read; the rest refused.
        assert!(read >= 12 && refused >= 3, "{read} read, {refused} refused");
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
        let tail_en = "; reading the table would lose it, so the table is not read \
                       (fix the line in a text editor, or use roadsub batch, which reports it)";
        let tail_zh = "；读取此表会丢失该行，因此不读取此表（请用文本编辑器修正此行，或用 roadsub batch，它会报告此行）";
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
            format!("t.csv:3: 此记录中有英文引号 \" 未闭合，第 4–5 行被并入此记录{tail_zh}")
        );
        // The right number of fields: the quote opens in the last one and runs to the end.
        let (en, _) = refused(format!("{head}X2,t,v,b,village,3.5,2.4,\"900000\n{rest}"));
        assert_eq!(
            en,
            format!("t.csv:3: a quote (\") in this record is never closed, so lines 4–5 are taken into it{tail_en}")
        );
        // Closed by a quote on a later line, with the wrong number of fields: said so.
        let (en, _) = refused(format!("{head}X2,t,v,\"b\nX3,t,v,c\",4.5,1.6,1350000\n"));
        assert_eq!(
            en,
            format!("t.csv:3: a quote (\") in this record is not closed where its cell ends but by a quote on line 4, so line 4 is taken into it{tail_en}")
        );
        // Opened on the last line, with or without a line end after it.
        for end in ["", "\n", "\r\n"] {
            let (en, zh) = refused(format!("{head}{rest}X5,t,v,e,village,4.5,1,\"2{end}"));
            assert_eq!(
                en,
                format!("t.csv:5: a quote (\") in this record is never closed{tail_en}"),
                "{end:?}"
            );
            assert_eq!(
                zh,
                format!("t.csv:5: 此记录中有英文引号 \" 未闭合{tail_zh}")
            );
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
}
