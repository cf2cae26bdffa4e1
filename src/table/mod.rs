//! Segment tables (SPEC §4): a header that says which column is which, then one row per segment.
//!
//! [`open`] reads a CSV stream's header and recognises its encoding; [`Rows`] hands out the
//! records; [`row::parse`] turns one record into a checked segment or the list of its problems.

pub mod columns;
pub mod csv;
pub mod csvout;
pub mod header;
pub mod idform;
pub mod replace;
pub mod row;
pub mod sheet;
pub(crate) mod swar;
pub mod units;
mod verbatim;
pub mod workbook;

use std::io::{self, Read};

/// The CSV reader by the name its callers have long used.
pub use self::csv::{
    head_is_not_text, plain_lines, plain_records, Decided, Encoding, EncodingError, LineEnd,
    LineText, Lines, Next, NotText, PlainItem, Record, RecordProblem, Style, HEAD_BYTES,
    MAX_FIELDS,
};
pub use columns::{Columns, Field, HeaderOptions, HeaderProblem};
pub use row::{Problem, RowError, RowText};
pub use verbatim::{push_gb18030, Euro};

use self::csv::{CsvReader, ReadError};
use crate::i18n::Lang;

/// Why a table cannot be read at all.
#[derive(Debug)]
pub enum TableError {
    /// Reading failed.
    Io(io::Error),
    /// The input is not a CSV text table.
    NotText(NotText),
    /// Not even a header row.
    Empty,
    /// A workbook that cannot be read, or has no segment table.
    Workbook(workbook::WorkbookError),
    /// The header lacks what roadsub needs.
    Header {
        problems: Vec<HeaderProblem>,
        found: Vec<String>,
    },
    /// The header row itself is too long or too wide to read.
    HeaderUnreadable(RecordProblem),
    /// A line is not text in the table's encoding.
    Encoding(EncodingError),
    /// Records that cannot be kept for editing (too long, too wide), by line.
    Unkept(Vec<(u64, RecordProblem)>),
}

impl From<ReadError> for TableError {
    fn from(e: ReadError) -> TableError {
        match e {
            ReadError::Io(e) => TableError::Io(e),
            ReadError::NotText(k) => TableError::NotText(k),
            ReadError::Encoding(e) => TableError::Encoding(e),
        }
    }
}

/// Whether `file` (a path as given) is read through a pipe or standard input: not a regular
/// file, or one of the system's names for a stream (`/dev/stdin`, `/dev/fd/0`, `/proc/…/fd/…`)
/// even when a file is redirected to it.
fn through_a_pipe(file: &str) -> bool {
    let fd_of_proc = file.strip_prefix("/proc/").and_then(|rest| {
        let (process, fd) = rest.split_once('/')?;
        let process_named = ["self", "thread-self"].contains(&process)
            || process.bytes().all(|b| b.is_ascii_digit());
        Some(process_named && fd.starts_with("fd/"))
    });
    file == "/dev/stdin"
        || file.starts_with("/dev/fd/")
        || fd_of_proc == Some(true)
        || std::fs::metadata(file).is_ok_and(|m| !m.is_file())
}

impl TableError {
    /// `FILE: message` (one line per header problem).
    pub fn render(&self, file: &str, lang: Lang) -> String {
        let msg = match self {
            TableError::Io(e) => format!(
                "{}{}",
                lang.pick("cannot read: ", "无法读取："),
                lang.io_reason(e)
            ),
            TableError::NotText(kind) => match kind {
                // Through a pipe or standard input (`/dev/stdin`, `<(…)`) there is no file of
                // its own to rename.
                NotText::Xlsx if through_a_pipe(file) => lang.pick(
                    "is an Excel workbook (.xlsx) read through a pipe or standard input, which cannot be read so; give the workbook's own path (plan.xlsx)",
                    "是经管道或标准输入传来的 Excel 工作簿（.xlsx），无法如此读取；请给出工作簿本身的路径（如 plan.xlsx）",
                ),
                NotText::Xlsx => lang.pick(
                    "is an Excel workbook (.xlsx) under another name; rename it to .xlsx to read it",
                    "是 Excel 工作簿（.xlsx），但扩展名不是 .xlsx；改名为 .xlsx 即可读取",
                ),
                NotText::Xls => lang.pick(
                    "is an old Excel workbook (.xls); save it as CSV first",
                    "是旧版 Excel 工作簿（.xls）；请先另存为 CSV",
                ),
                NotText::Utf16 => lang.pick(
                    "is UTF-16 text (Excel's \"Unicode text\"); save it as CSV UTF-8 instead",
                    "是 UTF-16 文本（Excel 的“Unicode 文本”）；请另存为 CSV UTF-8",
                ),
                NotText::Binary => lang.pick(
                    "is not a text table (it contains binary data); expected CSV",
                    "不是文本表格（含有二进制数据）；应为 CSV 文件",
                ),
            }
            .to_string(),
            TableError::Empty => lang
                .pick("is empty; expected a header row and one row per segment", "是空文件；应有表头行和每个路段一行")
                .to_string(),
            TableError::Workbook(e) => return e.render(file, lang),
            TableError::Header { problems, found } => {
                return problems.iter().map(|p| format!("{file}: {}", p.render(lang, found))).collect::<Vec<_>>().join("\n");
            }
            TableError::HeaderUnreadable(p) => match p {
                RecordProblem::TooLong => lang.pick(
                    "the header row (line 1) is longer than 1 MiB; a segment table's header names a few dozen columns",
                    "表头行（第 1 行）超过 1 MiB；路段表的表头只有几十列",
                ),
                RecordProblem::TooManyFields | RecordProblem::UnclosedQuote { .. } => lang.pick(
                    "the header row (line 1) has more than 4096 columns, more than roadsub reads; a segment table's header names a few dozen",
                    "表头行（第 1 行）超过 4096 列，超出 roadsub 可读取的列数；路段表的表头只有几十列",
                ),
            }
            .to_string(),
            TableError::Encoding(e) => return csv::encoding::render(e, file, lang),
            TableError::Unkept(lines) => {
                return lines
                    .iter()
                    .map(|&(line, p)| {
                        let what = match p {
                            RecordProblem::TooLong => lang.pick("this record is longer than 1 MiB", "此记录超过 1 MiB").to_string(),
                            RecordProblem::TooManyFields => lang.pick("this record has more than 4096 fields", "此记录超过 4096 个字段").to_string(),
                            RecordProblem::UnclosedQuote { last, closed } => unclosed_quote(lang, line, last, closed),
                        };
                        format!(
                            "{file}:{line}: {what}{}",
                            lang.pick(
                                "; reading the table would lose it, so the table is not read (fix the line in a text editor, or use roadsub batch, which reports it)",
                                "；读取此表会丢失该行，因此不读取此表（请用文本编辑器修正此行，或用 roadsub batch，它会报告此行）"
                            )
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
            }
        };
        format!("{file}: {msg}")
    }
}

/// What a record whose quote is never closed does: which lines after its own it takes in.
fn unclosed_quote(lang: Lang, line: u64, last: u64, closed: bool) -> String {
    if closed {
        let lines = match (lang, last.saturating_sub(line)) {
            (Lang::En, 1) => format!("line {last} is"),
            (Lang::En, _) => format!("lines {}–{last} are", line + 1),
            (Lang::Zh, 1) => format!("第 {last} 行"),
            (Lang::Zh, _) => format!("第 {}–{last} 行", line + 1),
        };
        return match lang {
            Lang::En => format!("a quote (\") in this record is not closed where its cell ends but by a quote on line {last}, so {lines} taken into it"),
            Lang::Zh => format!("此记录中有英文引号 \" 未在所在格末尾闭合，直到第 {last} 行的引号才闭合，{lines}被并入此记录"),
        };
    }
    match (lang, last.saturating_sub(line)) {
        (Lang::En, 0) => "a quote (\") in this record is never closed".to_string(),
        (Lang::Zh, 0) => "此记录中有英文引号 \" 未闭合".to_string(),
        (Lang::En, 1) => {
            format!("a quote (\") in this record is never closed, so line {last} is taken into it")
        }
        (Lang::Zh, 1) => format!("此记录中有英文引号 \" 未闭合，第 {last} 行被并入此记录"),
        (Lang::En, _) => format!(
            "a quote (\") in this record is never closed, so lines {}–{last} are taken into it",
            line + 1
        ),
        (Lang::Zh, _) => format!(
            "此记录中有英文引号 \" 未闭合，第 {}–{last} 行被并入此记录",
            line + 1
        ),
    }
}

/// The records of an open segment table, after its header.
pub struct Rows<R> {
    reader: CsvReader<R>,
    /// Where the header record starts: the bytes before it are title rows (and line ends).
    header_start: u64,
}

/// One item of a table: a record to parse, or a record that had to be skipped.
pub enum Item<'a> {
    /// A record.
    Record(Record<'a>),
    /// A record the reader could not keep.
    Skipped(RowError),
}

/// What [`Rows::next_run`] hands out: many plain records at once, or one item.
pub enum Run<'a> {
    /// Plain lines, undecoded and unsplit.
    Lines(Lines<'a>),
    /// One record or skipped record.
    Item(Item<'a>),
}

/// Reads the header of `source`: how its columns map to fields, and the rows to come.
pub fn open<R: Read>(source: R) -> Result<(Columns, Rows<R>), TableError> {
    open_in(source, None)
}

/// Like [`open`], reading `source` in `encoding`, or recognising it when `None`.
pub fn open_in<R: Read>(
    source: R,
    encoding: Option<Encoding>,
) -> Result<(Columns, Rows<R>), TableError> {
    open_with(source, encoding, &HeaderOptions::default())
}

/// Like [`open_in`], under the user's header options. Title and note rows above the header
/// are passed over, and read for the unit of the table's bare numbers.
pub fn open_with<R: Read>(
    source: R,
    encoding: Option<Encoding>,
    options: &HeaderOptions,
) -> Result<(Columns, Rows<R>), TableError> {
    let mut reader = CsvReader::with_encoding(source, encoding);
    let mut search = header::HeaderSearch::new(options);
    for n in 0..header::HEADER_SEARCH_ROWS {
        let header_start = reader.offset();
        match reader.next_record()? {
            Next::Record(header) => {
                let found: Vec<String> = header.iter().map(str::to_string).collect();
                match search.offer(header.iter()) {
                    Some(Ok(mut columns)) => {
                        columns.semicolons = reader.style().delimiter == b';';
                        columns.tabs = reader.style().delimiter == b'\t';
                        return Ok((
                            columns,
                            Rows {
                                reader,
                                header_start,
                            },
                        ));
                    }
                    Some(Err(problems)) => return Err(TableError::Header { problems, found }),
                    None => {}
                }
            }
            Next::Skipped(_, p) if n == 0 => return Err(TableError::HeaderUnreadable(p)),
            Next::Skipped(..) => break,
            Next::End if n == 0 => return Err(TableError::Empty),
            Next::End => break,
        }
    }
    let (problems, found) = search.failure();
    Err(TableError::Header { problems, found })
}

impl<R: Read> Rows<R> {
    /// The next record, or `None` at the end.
    pub fn next_item(&mut self) -> Result<Option<Item<'_>>, TableError> {
        Ok(match self.reader.next_record()? {
            Next::Record(r) => Some(Item::Record(r)),
            Next::Skipped(line, p) => Some(Item::Skipped(RowError::row(
                line,
                match p {
                    RecordProblem::TooLong => Problem::TooLong,
                    // The reader never gives the last (see `RecordProblem`).
                    RecordProblem::TooManyFields | RecordProblem::UnclosedQuote { .. } => {
                        Problem::TooManyFields
                    }
                },
            ))),
            Next::End => None,
        })
    }

    /// The next run of plain lines of at most `max` bytes (see [`Lines`]) when the next
    /// records are plain, else the next item; `None` at the end.
    pub fn next_run(&mut self, max: usize) -> Result<Option<Run<'_>>, TableError> {
        let len = self.reader.plain_len(max)?;
        if len > 0 {
            return Ok(Some(Run::Lines(self.reader.take_lines(len))));
        }
        Ok(self.next_item()?.map(Run::Item))
    }

    /// Bytes read from the source so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.bytes_read()
    }

    /// Bytes of the source consumed so far: the end of the last record handed out.
    pub fn offset(&self) -> u64 {
        self.reader.offset()
    }

    /// Where the header record starts (after any title rows).
    pub fn header_start(&self) -> u64 {
        self.header_start
    }

    /// The encoding recognised so far.
    pub fn encoding(&self) -> Encoding {
        self.reader.encoding()
    }

    /// How the file was written.
    pub fn style(&self) -> Style {
        self.reader.style()
    }
}

#[cfg(test)]
mod roundtrip_tests;
#[cfg(test)]
mod tests;

/// Rows from a CSV stream or from a workbook's sheet, handed out alike.
pub enum Source<R> {
    /// A CSV stream (boxed: its buffers dwarf a sheet's iterator).
    Csv(Box<Rows<R>>),
    /// A workbook's sheet (streamed where the format allows).
    Book {
        rows: workbook::stream::BookRows,
        current: Option<workbook::stream::BookItem>,
        /// Where the current row's fields end (reused from row to row).
        ends: Vec<usize>,
    },
}

impl<R: Read> Source<R> {
    /// The next record, or `None` at the end.
    pub fn next_item(&mut self) -> Result<Option<Item<'_>>, TableError> {
        match self {
            Source::Csv(rows) => rows.next_item(),
            Source::Book {
                rows,
                current,
                ends,
            } => {
                *current = rows.next().transpose()?;
                Ok(current.as_ref().map(|item| match item {
                    workbook::stream::BookItem::Row(r) => Item::Record(r.record(ends)),
                    workbook::stream::BookItem::NoResult(e) => Item::Skipped(e.clone()),
                }))
            }
        }
    }

    /// The next run of plain lines, or the next item (see [`Rows::next_run`]).
    pub fn next_run(&mut self, max: usize) -> Result<Option<Run<'_>>, TableError> {
        match self {
            Source::Csv(rows) => rows.next_run(max),
            Source::Book { .. } => Ok(self.next_item()?.map(Run::Item)),
        }
    }

    /// The field delimiter (a comma for a workbook's rows).
    pub fn delimiter(&self) -> u8 {
        match self {
            Source::Csv(rows) => rows.style().delimiter,
            Source::Book { .. } => b',',
        }
    }

    /// Bytes read so far (for progress; a workbook's are not counted).
    pub fn bytes_read(&self) -> u64 {
        match self {
            Source::Csv(rows) => rows.bytes_read(),
            Source::Book { .. } => 0,
        }
    }
}

/// An opened table file: its header, its rows, and the sheet's name for a workbook.
pub type Opened = (Columns, Source<Box<dyn Read>>, Option<String>);

/// Opens a table file: a workbook by its extension (`sheet` picks the sheet), else CSV in
/// `encoding` (recognised when `None`).
/// Returns the header, the rows, and the sheet's name for messages (`FILE[Sheet]`).
pub fn open_file(
    path: &std::path::Path,
    sheet: Option<&str>,
    encoding: Option<Encoding>,
) -> Result<Opened, TableError> {
    open_file_with(path, sheet, encoding, &HeaderOptions::default())
}

/// [`open_file`] under the user's header options (`--amount-unit`, `--map`).
pub fn open_file_with(
    path: &std::path::Path,
    sheet: Option<&str>,
    encoding: Option<Encoding>,
    options: &HeaderOptions,
) -> Result<Opened, TableError> {
    if workbook::is_workbook(path) {
        let (columns, name, rows) = workbook::stream::rows(path, sheet, options)?;
        let rows = Source::Book {
            rows,
            current: None,
            ends: Vec::new(),
        };
        return Ok((columns, rows, Some(name)));
    }
    let file: Box<dyn Read> = Box::new(std::fs::File::open(path).map_err(TableError::Io)?);
    let (columns, rows) = open_with(file, encoding, options)?;
    Ok((columns, Source::Csv(Box::new(rows)), None))
}
