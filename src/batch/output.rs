//! Where batch results go: a file written atomically, standard output, or an aligned table
//! for a person at a terminal.
//!
//! Rows are first built in a [`RowBuf`] (by the worker that computed them), then handed to the
//! [`Output`] in input order. A file is written to a temporary file beside it and renamed into
//! place only when the run succeeds, so a failed or interrupted run never leaves half a file.
//! Standard output cannot be taken back, so when a bad row must mean "no output", results are
//! spooled to a temporary file first and copied out only at the end — memory stays flat.

use std::fs::File;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use tempfile::NamedTempFile;

use super::layout::Layout;
use crate::money;
use crate::table::csvout;
use crate::textwidth::{Align, Table};

/// At most this many rows are shown as a table on a terminal; the rest are counted.
pub const TERMINAL_ROWS: usize = 1000;

/// Rows built field by field: CSV bytes, or cells for a terminal table.
pub enum RowBuf {
    /// CSV text; `first` while the current row has no field yet.
    Csv { bytes: Vec<u8>, first: bool },
    /// Finished rows of cells, and the row being built.
    Cells {
        rows: Vec<Vec<String>>,
        current: Vec<String>,
    },
}

impl RowBuf {
    /// An empty buffer of CSV (`csv`, with room for `bytes`) or of cells.
    pub fn new(csv: bool, bytes: usize) -> RowBuf {
        if csv {
            RowBuf::Csv {
                bytes: Vec::with_capacity(bytes),
                first: true,
            }
        } else {
            RowBuf::Cells {
                rows: Vec::new(),
                current: Vec::new(),
            }
        }
    }

    /// Adds a text field to the current row.
    pub fn field(&mut self, text: &str) {
        match self {
            RowBuf::Csv { bytes, first } => {
                csvout::push_field(bytes, text, *first);
                *first = false;
            }
            RowBuf::Cells { current, .. } => current.push(text.to_string()),
        }
    }

    /// Adds an amount (two decimals) to the current row; `None` is a blank field.
    pub fn amount(&mut self, value: Option<Decimal>) {
        match self {
            RowBuf::Csv { bytes, first } => {
                if !*first {
                    bytes.push(b',');
                }
                if let Some(v) = value {
                    money::push_plain(bytes, v);
                }
                *first = false;
            }
            RowBuf::Cells { current, .. } => {
                current.push(value.map(money::grouped).unwrap_or_default())
            }
        }
    }

    /// Ends the current row.
    pub fn end_row(&mut self) {
        match self {
            RowBuf::Csv { bytes, first } => {
                bytes.push(b'\n');
                *first = true;
            }
            RowBuf::Cells { rows, current } => rows.push(std::mem::take(current)),
        }
    }
}

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
    /// CSV into a temporary file that becomes `path`.
    File {
        temp: NamedTempFile,
        path: PathBuf,
        out: File,
    },
    /// CSV spooled for stdout, copied out at the end.
    Spool(File),
    /// CSV straight to stdout.
    Stdout,
    /// Rows kept for an aligned table on a terminal (the first [`TERMINAL_ROWS`]), and how many
    /// more there were.
    Terminal(Box<Table>, u64, usize),
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

/// The destination of a run's rows.
pub struct Output {
    sink: Sink,
}

impl Output {
    /// Opens the destination and writes `header`; `right` says which columns are numbers.
    pub fn open(target: Target, layout: &Layout) -> io::Result<Output> {
        let (header, right) = (&layout.header, &layout.right);
        let sink = match target {
            Target::File(path) => {
                let dir = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let temp = tempfile::Builder::new()
                    .prefix(".roadsub-")
                    .suffix(".tmp")
                    .tempfile_in(dir)?;
                let out = temp.reopen()?;
                Sink::File {
                    temp,
                    path: path.to_path_buf(),
                    out,
                }
            }
            Target::Stdout {
                all_or_nothing: true,
            } => Sink::Spool(tempfile::tempfile()?),
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
        let mut out = Output { sink };
        if !matches!(out.sink, Sink::Terminal(..)) {
            let mut line = Vec::new();
            csvout::push_record(&mut line, header.iter().map(String::as_str));
            out.write(RowBuf::Csv {
                bytes: line,
                first: true,
            })?;
        }
        Ok(out)
    }

    /// Appends finished rows.
    pub fn write(&mut self, rows: RowBuf) -> io::Result<()> {
        match (&mut self.sink, rows) {
            (Sink::File { out, .. }, RowBuf::Csv { bytes, .. }) => out.write_all(&bytes),
            (Sink::Spool(spool), RowBuf::Csv { bytes, .. }) => spool.write_all(&bytes),
            (Sink::Stdout, RowBuf::Csv { bytes, .. }) => io::stdout().lock().write_all(&bytes),
            (Sink::Terminal(table, hidden, _), RowBuf::Cells { rows, .. }) => {
                for row in rows {
                    if table.len() < TERMINAL_ROWS {
                        table.push(row);
                    } else {
                        *hidden += 1;
                    }
                }
                Ok(())
            }
            _ => unreachable!("rows are built in the form the sink asked for"),
        }
    }

    /// Finishes successfully: the file takes its place, or the rows reach stdout. Returns how
    /// many rows a terminal table left out.
    pub fn commit(self) -> io::Result<Committed> {
        match self.sink {
            Sink::File {
                temp,
                path,
                mut out,
            } => {
                out.flush()?;
                out.sync_all()?;
                crate::table::sheet::keep_permissions(temp.path(), &path)?;
                temp.persist(&path).map_err(|e| e.error)?;
            }
            Sink::Spool(mut spool) => {
                spool.rewind()?;
                let mut out = io::stdout().lock();
                io::copy(&mut spool, &mut out)?;
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
