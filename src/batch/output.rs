//! Where batch results go: a file written atomically, standard output, or an aligned table
//! for a person at a terminal.
//!
//! Rows are first built in a [`RowBuf`] (by the worker that computed them), then handed to the
//! [`Output`] in input order. A file is written to a temporary file beside it and renamed into
//! place only when the run succeeds, so a failed or interrupted run never leaves half a file.
//! Standard output cannot be taken back, so when a bad row must mean "no output", results are
//! spooled to a temporary file first and copied out only at the end — memory stays flat.
//! Where no temporary file can be made or written (`$TMPDIR` missing or full), they are held
//! in memory instead, as long as the output, as a comparison's are.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::i18n::Lang;
use crate::report::encode::{self, RowBuf};
use crate::report::format::TextFormat;
use crate::report::layout::Layout;
use crate::report::xlsx::Report;
use crate::report::Summary;
use crate::rules::RuleSet;
use crate::table::replace::Replacement;
use crate::textwidth::{Align, Table};

/// At most this many rows are shown as a table on a terminal; the rest are counted.
pub const TERMINAL_ROWS: usize = 1000;

/// Every this many bytes written to a file, the disk is asked to start taking them.
pub(crate) const WRITEBACK_BYTES: u64 = 8 << 20;

/// Asks the kernel to start writing `len` bytes of `file` from `offset` to disk, without
/// waiting: the sync before the rename then has little left to wait for.
#[cfg(target_os = "linux")]
pub(crate) fn start_writeback(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: sync_file_range reads no memory of ours; the descriptor is open for the call.
    // A failure only means the final sync does all the work, so it is ignored.
    #[allow(unsafe_code)]
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn start_writeback(_file: &File, _offset: u64, _len: u64) {}

/// What a terminal table left out.
#[derive(Debug, Default)]
pub struct Committed {
    /// Rows beyond [`TERMINAL_ROWS`].
    pub hidden_rows: u64,
    /// Columns that did not fit the terminal.
    pub hidden_columns: Vec<String>,
}

/// Where the rows are going.
enum Sink {
    /// CSV into a temporary file that takes the output file's place.
    File {
        out: Replacement,
        /// Bytes written, and how many of them the disk has been asked to take already.
        written: u64,
        started: u64,
    },
    /// CSV spooled for stdout, copied out at the end, and how many bytes it holds.
    Spool(File, u64),
    /// CSV held in memory for stdout, where no temporary file could be made (`TMPDIR`
    /// missing or full), written out at the end.
    Memory(Vec<u8>),
    /// CSV straight to stdout.
    Stdout,
    /// Rows kept for an aligned table on a terminal (the first [`TERMINAL_ROWS`]), and how many
    /// more there were.
    Terminal(Box<Table>, u64, usize),
    /// An Excel report, saved beside `path` and renamed into place at the end.
    Workbook(Box<Report>, PathBuf),
}

/// How to treat the destination.
pub enum Target<'a> {
    /// A file, replaced atomically.
    File(&'a Path),
    /// Standard output; `all_or_nothing` spools so nothing is printed if the run fails.
    Stdout { all_or_nothing: bool },
    /// Standard output is a terminal this many cells wide: an aligned table.
    Terminal(usize),
}

/// How text output is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextStyle {
    /// The format.
    pub format: TextFormat,
    /// CSV for Excel: a UTF-8 BOM and text that cannot run as a formula.
    pub excel: bool,
    /// Encode as GBK (GB18030) instead of UTF-8.
    pub gbk: bool,
}

/// The destination of a run's rows.
pub struct Output {
    sink: Sink,
    style: TextStyle,
    /// Whether a JSON segment was written yet (the first one has no comma before it).
    json_started: bool,
    /// What comes before the rows on a stream that cannot be taken back, held until there is a
    /// row (or the run succeeds with none): a run whose every row is bad prints nothing.
    held: Option<Vec<u8>>,
}

impl Output {
    /// Opens the destination and writes what comes before the rows: the CSV header `header`
    /// (naming `layout`'s columns), the Markdown table head, or `prefix` (a JSON document's
    /// opening).
    pub fn open(
        target: Target,
        layout: &Layout,
        header: &[String],
        style: TextStyle,
        prefix: &str,
    ) -> io::Result<Output> {
        let right = &layout.right;
        let sink = match target {
            Target::File(path) => Sink::File {
                out: Replacement::new(path, ".tmp")?,
                written: 0,
                started: 0,
            },
            Target::Stdout {
                all_or_nothing: true,
            } => tempfile::tempfile_in(crate::table::replace::temp_folder())
                .map_or_else(|_| Sink::Memory(Vec::new()), |f| Sink::Spool(f, 0)),
            Target::Stdout {
                all_or_nothing: false,
            } => Sink::Stdout,
            Target::Terminal(width) => {
                let align = right
                    .iter()
                    .map(|&r| if r { Align::Right } else { Align::Left })
                    .collect();
                let table = Table::new(header.to_vec(), align)
                    .max_cell(40)
                    .drop_order(layout.drop_order.clone());
                Sink::Terminal(Box::new(table), 0, width)
            }
        };
        let mut out = Output {
            sink,
            style,
            json_started: false,
            held: None,
        };
        if matches!(out.sink, Sink::Terminal(..)) {
            return Ok(out);
        }
        let head = encode::head(
            layout,
            header,
            style.format.into(),
            style.excel && !style.gbk,
            style.excel,
            prefix,
        );
        if matches!(out.sink, Sink::Stdout) {
            out.held = Some(head);
        } else {
            out.put(&head)?;
        }
        Ok(out)
    }

    /// Starts an Excel report to be saved at `path`.
    pub fn workbook(
        path: &Path,
        layout: &Layout,
        rules: &RuleSet,
        lang: Lang,
    ) -> io::Result<Output> {
        let report = Report::new(layout, rules, lang, path).map_err(io::Error::other)?;
        // Rows reach a workbook as cells, never as text: the style only has to be plain.
        let style = TextStyle {
            format: TextFormat::Csv,
            excel: false,
            gbk: false,
        };
        Ok(Output {
            sink: Sink::Workbook(Box::new(report), path.to_path_buf()),
            style,
            json_started: false,
            held: None,
        })
    }

    /// Writes what was held back, if anything still is.
    fn release(&mut self) -> io::Result<()> {
        match self.held.take() {
            Some(head) => self.put(&head),
            None => Ok(()),
        }
    }

    /// Writes text in the output's encoding.
    fn put(&mut self, utf8: &[u8]) -> io::Result<()> {
        let encoded;
        let bytes = if self.style.gbk {
            // Rows end at line ends, so a character is never split between two writes. €
            // is the byte 0x80, as Excel and WPS read GBK and as a comparison and the table
            // view write it (GB18030's A2 E3 they show garbled).
            encoded = encode::gbk_bytes_as_given(std::str::from_utf8(utf8).unwrap_or_default());
            &encoded[..]
        } else {
            utf8
        };
        match &mut self.sink {
            Sink::File {
                out,
                written,
                started,
                ..
            } => {
                out.make_room(*written + bytes.len() as u64);
                out.file()
                    .write_all(bytes)
                    .map_err(|e| out.write_error(e))?;
                *written += bytes.len() as u64;
                if *written - *started >= WRITEBACK_BYTES {
                    start_writeback(out.file(), *started, *written - *started);
                    *started = *written;
                }
                Ok(())
            }
            Sink::Spool(spool, spooled) => match spool.write_all(bytes) {
                Ok(()) => {
                    *spooled += bytes.len() as u64;
                    Ok(())
                }
                // Its disk full: the rows go on in memory, as when no spool can be made.
                Err(e) => {
                    let mut held = Vec::new();
                    spool.rewind()?;
                    (&mut *spool).take(*spooled).read_to_end(&mut held)?;
                    if held.len() as u64 != *spooled {
                        return Err(e);
                    }
                    hold(&mut held, bytes)?;
                    self.sink = Sink::Memory(held);
                    Ok(())
                }
            },
            Sink::Memory(held) => hold(held, bytes),
            Sink::Stdout => io::stdout().lock().write_all(bytes),
            Sink::Terminal(..) => Ok(()),
            // Rows reach a workbook as typed cells (see `write`); no text goes there.
            Sink::Workbook(..) => Ok(()),
        }
    }

    /// Appends finished rows; returns the text buffer for another use.
    pub fn write(&mut self, rows: RowBuf) -> io::Result<Option<Vec<u8>>> {
        match rows {
            RowBuf::Text { bytes, .. } => {
                let mut text = &bytes[..];
                if !text.is_empty() {
                    self.release()?;
                }
                if self.style.format == TextFormat::Json && !text.is_empty() && !self.json_started {
                    text = text.strip_prefix(b",").unwrap_or(text);
                    self.json_started = true;
                }
                self.put(text)?;
                Ok(Some(bytes))
            }
            RowBuf::Typed { rows, .. } => {
                if let Sink::Workbook(report, _) = &mut self.sink {
                    report.rows(&rows).map_err(io::Error::other)?;
                }
                Ok(None)
            }
            RowBuf::Cells { rows, .. } => {
                if let Sink::Terminal(table, hidden, _) = &mut self.sink {
                    for row in rows {
                        if table.len() < TERMINAL_ROWS {
                            table.push(row);
                        } else {
                            *hidden += 1;
                        }
                    }
                }
                Ok(None)
            }
        }
    }

    /// Finishes successfully: `trailer` (a JSON document's end, a Markdown summary) is written,
    /// then the file takes its place or the rows reach stdout. Returns what a terminal table
    /// left out.
    pub fn commit(
        mut self,
        trailer: &str,
        run: (&RuleSet, &Summary, Lang),
    ) -> io::Result<Committed> {
        self.release()?;
        self.put(trailer.as_bytes())?;
        match self.sink {
            Sink::Workbook(report, path) => {
                let out = Replacement::new(&path, ".xlsx")?;
                let (rules, summary, lang) = run;
                report.finish(out.file(), rules, summary, lang)?;
                out.commit()?;
            }
            Sink::File { out, .. } => out.commit()?,
            Sink::Spool(mut spool, _) => {
                spool.rewind()?;
                crate::table::replace::copy_spool_out(&mut spool, io::stdout().lock())?;
            }
            Sink::Memory(held) => {
                let mut out = io::stdout().lock();
                out.write_all(&held)?;
                out.flush()?;
            }
            Sink::Stdout => io::stdout().flush()?,
            Sink::Terminal(t, hidden, width) => {
                let mut out = io::stdout().lock();
                let (text, columns) = t.render_fit(width);
                out.write_all(text.as_bytes())?;
                out.flush()?;
                return Ok(Committed {
                    hidden_rows: hidden,
                    hidden_columns: columns,
                });
            }
        }
        Ok(Committed::default())
    }

    /// Gives up: nothing is written and the temporary file is removed.
    pub fn discard(self) {
        drop(self);
    }
}

/// Appends `bytes` to rows held in memory for standard output; memory that cannot be had is
/// an error said as such (the rows are as long as the output), not an abort.
pub(crate) fn hold(held: &mut Vec<u8>, bytes: &[u8]) -> io::Result<()> {
    held.try_reserve(bytes.len()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::OutOfMemory,
            "not enough memory to hold the rows for standard output",
        )
    })?;
    held.extend_from_slice(bytes);
    Ok(())
}
