//! Records out of a CSV byte stream, in whatever encoding Excel or a script wrote it.
//!
//! Built on `csv_core` rather than `csv` so that a record's size is bounded (a 20 MB field is
//! reported and skipped, not buffered) and so that decoding happens once per record. The
//! encoding is given, or recognised from the file as a whole, never from a prefix: a UTF-8 BOM
//! says UTF-8; else the first record with a byte that is not ASCII decides (UTF-8 if it is
//! valid UTF-8, else GB18030, a superset of GBK, what Excel on Chinese Windows writes), and
//! every later record is checked in that encoding as it is read. A record that breaks it stops
//! the reading with its line ([`EncodingError`]): text is never decoded in the wrong encoding.
//! Every byte that structures CSV is ASCII and never occurs inside a GB18030 character, so
//! records are split on the raw bytes and decoded after.
//!
//! A lone CR ends a line (Excel's "CSV (Macintosh)"), as LF and CR LF do.
//!
//! Most lines of a real table hold no quote: [`CsvReader::next_lines`] hands such runs out
//! whole, without the state machine, for [`plain_records`] to split wherever it is cheapest.
//! Line numbers, blank lines and limits come out as [`CsvReader::next_record`] gives them.
//!
//! [`CsvReader`] and its buffer live here; each of its concerns has its own module:
//! - `sniff`: what the first bytes say about how to read the rest (not text at all, BOM,
//!   separator, line end) and which encoding the records are in;
//! - `machine`: one record at a time through the `csv_core` state machine, quotes and all;
//! - `plain`: runs of lines that hold no quote, split without the state machine;
//! - `record`: the record handed on, and its fields;
//! - `encoding`: what to tell a user whose table breaks its encoding.

pub(super) mod encoding;
mod machine;
mod plain;
mod record;
mod sniff;

use std::io::{self, Read};

use csv_core::Reader as CoreReader;

pub use plain::{plain_lines, plain_records, LineText, Lines, PlainItem};
pub use record::{Next, Record, RecordProblem};
use sniff::Detected;
pub use sniff::{Decided, Encoding, EncodingError, LineEnd, NotText, Style};

/// A record longer than this is refused (and skipped) instead of being held in memory.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// A record with more fields than this is refused.
pub const MAX_FIELDS: usize = 4096;
const SNIFF_BYTES: usize = 64 * 1024;

/// Whether the first [`SNIFF_BYTES`] of a file (`head`, fewer when the file is shorter) say
/// it is no text table (a workbook, UTF-16, binary data): what the reader refuses it for
/// before reading a line, decided on these bytes alone.
pub fn head_is_not_text(head: &[u8]) -> bool {
    sniff::not_text(&head[..head.len().min(SNIFF_BYTES)])
}

/// How many bytes of a file [`head_is_not_text`] looks at.
pub const HEAD_BYTES: usize = SNIFF_BYTES;
/// The most [`CsvReader::next_lines`] hands out at once.
pub const BLOCK_BYTES: usize = 256 * 1024;
/// The reader's buffer once plain lines are read: several blocks, so that the rest of a block
/// moved to the buffer's start before reading more is little beside what is read.
const BUF_BYTES: usize = 4 * BLOCK_BYTES;

/// A problem that stops reading the whole input.
#[derive(Debug)]
pub enum ReadError {
    /// The underlying read failed.
    Io(io::Error),
    /// The input is not a text table at all.
    NotText(NotText),
    /// A line is not text in the table's encoding.
    Encoding(EncodingError),
}

/// Reads records from `R`, decoding them to UTF-8.
pub struct CsvReader<R> {
    source: R,
    core: CoreReader,
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    eof: bool,
    detected: Detected,
    raw: Vec<u8>,
    raw_ends: Vec<usize>,
    decoded: String,
    ends: Vec<usize>,
    bytes_read: u64,
    started: bool,
    style: Style,
    /// Line ends csv_core does not count: those consumed between records, and lone CRs.
    skipped_lines: u64,
    /// The last byte consumed was a CR: whether it ended a line depends on the next byte.
    pending_cr: bool,
    /// The next line breaks the encoding: [`CsvReader::next_record`] must read it.
    blocked: bool,
}

impl<R: Read> CsvReader<R> {
    /// A reader over `source` that recognises its encoding.
    pub fn new(source: R) -> CsvReader<R> {
        CsvReader::with_encoding(source, None)
    }

    /// A reader over `source` in `encoding`, or recognising it when `None`.
    pub fn with_encoding(source: R, encoding: Option<Encoding>) -> CsvReader<R> {
        CsvReader {
            source,
            core: CoreReader::new(),
            buf: vec![0; SNIFF_BYTES],
            pos: 0,
            filled: 0,
            eof: false,
            detected: match encoding {
                Some(e) => Detected::Known(e, Decided::Given),
                None => Detected::AsciiSoFar,
            },
            raw: vec![0; 4096],
            raw_ends: vec![0; 64],
            decoded: String::new(),
            ends: Vec::new(),
            bytes_read: 0,
            started: false,
            style: Style::default(),
            skipped_lines: 0,
            pending_cr: false,
            blocked: false,
        }
    }

    /// Where the reader is in the source: the bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.bytes_read - (self.filled - self.pos) as u64
    }

    /// Bytes consumed from the source so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// How the file was written (known once the header is read).
    pub fn style(&self) -> Style {
        self.style
    }

    /// The encoding recognised so far (UTF-8 while only ASCII has been seen).
    pub fn encoding(&self) -> Encoding {
        match self.detected {
            Detected::Known(e, _) => e,
            Detected::AsciiSoFar => Encoding::Utf8,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.pos < self.filled || self.eof {
            return Ok(());
        }
        self.pos = 0;
        self.filled = 0;
        loop {
            match self.source.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.filled = n;
                    self.bytes_read += n as u64;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Consumes line ends left over from the last record (the LF of a CRLF) and blank lines,
    /// counting them, so the next record's line is where its first byte is.
    fn skip_line_ends(&mut self) -> io::Result<()> {
        loop {
            self.fill()?;
            if self.pos >= self.filled {
                return Ok(());
            }
            let b = self.buf[self.pos];
            if self.pending_cr {
                self.pending_cr = false;
                self.skipped_lines += u64::from(b != b'\n');
            }
            match b {
                b'\n' => self.skipped_lines += 1,
                b'\r' => self.pending_cr = true,
                // A row of empty fields (`,,,,`, what Excel writes for rows once used) is a blank
                // line too: no record, its bytes kept with the row above, as a blank line's are.
                _ if self.started && b == self.style.delimiter => {
                    match self.empty_fields_line()? {
                        Some(len) => {
                            self.pos += len;
                            continue;
                        }
                        None => return Ok(()),
                    }
                }
                _ => return Ok(()),
            }
            self.pos += 1;
        }
    }

    /// The length of the line at `pos` when it holds delimiters only up to its line end or the
    /// end of the source (the line end itself not counted), else `None`.
    fn empty_fields_line(&mut self) -> io::Result<Option<usize>> {
        loop {
            let line = &self.buf[self.pos..self.filled];
            let len = line
                .iter()
                .position(|&b| b != self.style.delimiter)
                .unwrap_or(line.len());
            if len < line.len() {
                return Ok(matches!(line[len], b'\n' | b'\r').then_some(len));
            }
            if self.eof {
                return Ok(Some(len));
            }
            if self.pos == 0 && self.filled == self.buf.len() && self.buf.len() >= BUF_BYTES {
                // A line of delimiters longer than the buffer: read as a record.
                return Ok(None);
            }
            self.refill()?;
        }
    }

    /// Moves what is left of the buffer to its start and reads more after it.
    fn refill(&mut self) -> io::Result<()> {
        if self.buf.len() < BUF_BYTES {
            self.buf.resize(BUF_BYTES, 0);
        }
        self.buf.copy_within(self.pos..self.filled, 0);
        self.filled -= self.pos;
        self.pos = 0;
        while self.filled < self.buf.len() && !self.eof {
            match self.source.read(&mut self.buf[self.filled..]) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.filled += n;
                    self.bytes_read += n as u64;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn decided(&self) -> Decided {
        match self.detected {
            Detected::Known(_, d) => d,
            Detected::AsciiSoFar => Decided::Given,
        }
    }
}

#[cfg(test)]
mod tests;
