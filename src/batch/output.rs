//! Where batch results go: a file written atomically, standard output, or an aligned table
//! for a person at a terminal.
//!
//! A file is written to a temporary file beside it and renamed into place only when the run
//! succeeds, so a failed or interrupted run never leaves half a file. Standard output cannot be
//! taken back, so when a bad row must mean "no output", results are spooled to a temporary file
//! first and copied out only at the end — memory stays flat either way.

use std::fs::File;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use tempfile::NamedTempFile;

use crate::money;
use crate::table::csvout;
use crate::textwidth::{Align, Table};

/// Where the rows are going.
enum Sink {
    /// CSV into a temporary file that becomes `path`.
    File { temp: NamedTempFile, path: PathBuf },
    /// CSV spooled for stdout, copied out at the end.
    Spool(File),
    /// CSV straight to stdout.
    Stdout,
    /// Rows kept for an aligned table on a terminal (the first [`TERMINAL_ROWS`]), and how many
    /// more there were.
    Terminal(Box<Table>, u64),
}

/// At most this many rows are shown as a table on a terminal; the rest are counted.
pub const TERMINAL_ROWS: usize = 1000;

/// Writes result rows to their destination, one field at a time.
pub struct Output {
    sink: Sink,
    /// CSV rows not yet handed to `writer`.
    buf: Vec<u8>,
    writer: Option<Box<dyn Write>>,
    /// No field of the current row written yet.
    first: bool,
    /// The current row, for a terminal table.
    cells: Vec<String>,
}

const FLUSH_AT: usize = 1 << 18;

/// How to treat the destination.
pub enum Target<'a> {
    /// A file, replaced atomically.
    File(&'a Path),
    /// Standard output; `all_or_nothing` spools so nothing is printed if the run fails.
    Stdout { all_or_nothing: bool },
    /// Standard output is a terminal: an aligned table.
    Terminal,
}

impl Output {
    /// Opens the destination; `header` is the output header, `right` which columns are numbers.
    pub fn open(target: Target, header: &[String], right: &[bool]) -> io::Result<Output> {
        let (sink, writer): (Sink, Option<Box<dyn Write>>) = match target {
            Target::File(path) => {
                let dir = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let temp = tempfile::Builder::new()
                    .prefix(".roadsub-")
                    .suffix(".tmp")
                    .tempfile_in(dir)?;
                let w = Box::new(temp.reopen()?);
                (
                    Sink::File {
                        temp,
                        path: path.to_path_buf(),
                    },
                    Some(w),
                )
            }
            Target::Stdout {
                all_or_nothing: true,
            } => {
                let spool = tempfile::tempfile()?;
                let w = Box::new(spool.try_clone()?);
                (Sink::Spool(spool), Some(w))
            }
            Target::Stdout {
                all_or_nothing: false,
            } => (Sink::Stdout, Some(Box::new(io::stdout().lock()))),
            Target::Terminal => {
                let align = right
                    .iter()
                    .map(|&r| if r { Align::Right } else { Align::Left })
                    .collect();
                let table = Table::new(header.to_vec(), align).max_cell(24);
                (Sink::Terminal(Box::new(table), 0), None)
            }
        };
        let buf = Vec::with_capacity(FLUSH_AT + 4096);
        let mut out = Output {
            sink,
            buf,
            writer,
            first: true,
            cells: Vec::new(),
        };
        if out.writer.is_some() {
            csvout::push_record(&mut out.buf, header.iter().map(String::as_str));
        }
        Ok(out)
    }

    /// Adds a text field to the current row.
    pub fn field(&mut self, text: &str) {
        if self.writer.is_some() {
            csvout::push_field(&mut self.buf, text, self.first);
        } else {
            self.cells.push(text.to_string());
        }
        self.first = false;
    }

    /// Adds an amount (two decimals) to the current row; `None` is a blank field.
    pub fn amount(&mut self, value: Option<Decimal>) {
        if self.writer.is_some() {
            if !self.first {
                self.buf.push(b',');
            }
            if let Some(v) = value {
                money::push_plain(&mut self.buf, v);
            }
        } else {
            self.cells
                .push(value.map(money::grouped).unwrap_or_default());
        }
        self.first = false;
    }

    /// Ends the current row.
    pub fn end_row(&mut self) -> io::Result<()> {
        self.first = true;
        match (&mut self.writer, &mut self.sink) {
            (Some(w), _) => {
                self.buf.push(b'\n');
                if self.buf.len() >= FLUSH_AT {
                    w.write_all(&self.buf)?;
                    self.buf.clear();
                }
            }
            (None, Sink::Terminal(t, hidden)) => {
                let cells = std::mem::take(&mut self.cells);
                if t.len() < TERMINAL_ROWS {
                    t.push(cells);
                } else {
                    *hidden += 1;
                }
            }
            (None, _) => unreachable!("every sink but the terminal writes CSV"),
        }
        Ok(())
    }

    /// Finishes successfully: the file takes its place, or the rows reach stdout. Returns how
    /// many rows a terminal table left out.
    pub fn commit(self) -> io::Result<u64> {
        if let Some(mut w) = self.writer {
            w.write_all(&self.buf)?;
            w.flush()?;
        }
        match self.sink {
            Sink::File { temp, path } => {
                temp.as_file().sync_all()?;
                temp.persist(&path).map_err(|e| e.error)?;
            }
            Sink::Spool(mut spool) => {
                spool.rewind()?;
                let mut out = io::stdout().lock();
                io::copy(&mut spool, &mut out)?;
                out.flush()?;
            }
            Sink::Stdout => io::stdout().flush()?,
            Sink::Terminal(t, hidden) => {
                let mut out = io::stdout().lock();
                out.write_all(t.render().as_bytes())?;
                out.flush()?;
                return Ok(hidden);
            }
        }
        Ok(0)
    }

    /// Gives up: nothing is written and the temporary file is removed.
    pub fn discard(self) {
        drop(self);
    }
}
