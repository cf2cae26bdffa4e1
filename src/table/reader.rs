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

use std::io::{self, Read};
use std::ops::Range;

use csv_core::{ReadRecordResult, Reader as CoreReader, ReaderBuilder};
use encoding_rs::GB18030;

/// A record longer than this is refused (and skipped) instead of being held in memory.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// A record with more fields than this is refused.
pub const MAX_FIELDS: usize = 4096;
const SNIFF_BYTES: usize = 64 * 1024;
/// The most [`CsvReader::next_lines`] hands out at once.
pub const BLOCK_BYTES: usize = 256 * 1024;
/// The reader's buffer once plain lines are read: several blocks, so that the rest of a block
/// moved to the buffer's start before reading more is little beside what is read.
const BUF_BYTES: usize = 4 * BLOCK_BYTES;

/// The text encoding of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without a BOM).
    Utf8,
    /// GB18030, which includes GBK and GB2312.
    Gb18030,
}

impl Encoding {
    /// The other encoding roadsub reads.
    pub fn other(self) -> Encoding {
        match self {
            Encoding::Utf8 => Encoding::Gb18030,
            Encoding::Gb18030 => Encoding::Utf8,
        }
    }

    /// Whether `bytes` are wholly valid text in this encoding.
    pub fn is_valid(self, bytes: &[u8]) -> bool {
        match self {
            Encoding::Utf8 => simdutf8::basic::from_utf8(bytes).is_ok(),
            Encoding::Gb18030 => gb18030_valid(bytes),
        }
    }
}

/// Whether `bytes` are valid GB18030 (no byte that would decode to a replacement character).
fn gb18030_valid(bytes: &[u8]) -> bool {
    bytes.is_ascii()
        || GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
}

/// What the reader knows about the encoding so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    /// Only ASCII seen: the same bytes in every candidate encoding.
    AsciiSoFar,
    Known(Encoding, Decided),
}

/// How the encoding of a table was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    /// The user said (`--encoding`).
    Given,
    /// The file starts with a UTF-8 byte order mark.
    Bom,
    /// The first line with a byte that is not ASCII (1-based).
    Line(u64),
    /// Nothing could be decided: the first line that is not plain ASCII reads as UTF-8 and
    /// as GB18030 alike, with Chinese characters only as GB18030 (the GBK bytes of `卢庄`
    /// happen to be valid UTF-8, as `¬ׯ`).
    Both,
}

/// A line that is not text in the table's encoding: reading stops there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError {
    /// 1-based line.
    pub line: u64,
    /// The encoding the line breaks, or `None` when it is the first line with a byte that is
    /// not ASCII and it is neither UTF-8 nor GB18030.
    pub expected: Option<Encoding>,
    /// How `expected` was decided (`Bom` with GB18030 given: the file starts with a UTF-8
    /// byte order mark, which contradicts it).
    pub decided: Decided,
    /// The option that names the encoding, for the hint (`--encoding`).
    pub flag: &'static str,
    /// Whether the whole file is valid in the other encoding, when that is known.
    pub other_is_clean: Option<bool>,
}

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

/// Kinds of input that are recognisably not CSV text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotText {
    /// An Excel workbook (zip container).
    Xlsx,
    /// An old Excel workbook (OLE container).
    Xls,
    /// UTF-16 text (Excel's "Unicode text").
    Utf16,
    /// Control bytes that no text table contains.
    Binary,
}

/// A problem confined to one record, which is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordProblem {
    /// Longer than [`MAX_RECORD_BYTES`].
    TooLong,
    /// More than [`MAX_FIELDS`] fields.
    TooManyFields,
    /// A quote is never closed, so the record takes in the lines after its own, up to line
    /// `last` (the interactive table finds this; the reader gives such a record as read).
    UnclosedQuote { last: u64 },
}

/// One record: its line and its decoded fields.
pub struct Record<'a> {
    /// 1-based line where the record starts.
    pub line: u64,
    text: &'a str,
    ends: &'a [usize],
    /// Bytes between one field's end and the next one's start: 0 when fields are back to back,
    /// 1 when `text` is a plain line with its delimiters.
    gap: usize,
    /// Whether a field of this record spans lines (a hint when a quote is unbalanced).
    pub multiline: bool,
}

impl<'a> Record<'a> {
    /// A record over `text` whose fields end at `ends` (offsets into `text`).
    pub fn new(line: u64, text: &'a str, ends: &'a [usize], multiline: bool) -> Record<'a> {
        Record {
            line,
            text,
            ends,
            gap: 0,
            multiline,
        }
    }

    /// A record over one plain line (see [`Lines`]) without its line end, whose fields end at
    /// `ends` and are separated by one delimiter byte.
    pub fn plain(line: u64, text: &'a str, ends: &'a [usize]) -> Record<'a> {
        Record {
            line,
            text,
            ends,
            gap: 1,
            multiline: false,
        }
    }

    /// Whether the record's text is its line as written, delimiters and all.
    pub fn is_plain(&self) -> bool {
        self.gap == 1
    }

    /// All fields' text: back to back, or the line as written when [`Record::is_plain`].
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Where each field ends in [`Record::text`].
    pub fn ends(&self) -> &'a [usize] {
        self.ends
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no fields.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.gap
        };
        self.text.get(start..end)
    }

    /// All fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// Whole lines handed out at once by [`CsvReader::next_lines`].
///
/// Every line ends in LF (or CR LF) and holds no quote and no other CR, so each is one record
/// whose fields are exactly the bytes between delimiters, or a blank line that is no record.
/// That needs no CSV state machine, so the lines can be split anywhere, in parallel.
#[derive(Debug, Clone, Copy)]
pub struct Lines<'a> {
    /// 1-based line of the first of them.
    pub line: u64,
    /// The lines.
    pub text: LineText<'a>,
    /// How many there are.
    pub count: u64,
}

/// The text of [`Lines`]: checked UTF-8, or GB18030 still to be decoded.
#[derive(Debug, Clone, Copy)]
pub enum LineText<'a> {
    /// UTF-8 text.
    Utf8(&'a str),
    /// GB18030 bytes.
    Gb18030(&'a [u8]),
}

impl<'a> LineText<'a> {
    /// The bytes as read.
    pub fn bytes(&self) -> &'a [u8] {
        match *self {
            LineText::Utf8(text) => text.as_bytes(),
            LineText::Gb18030(bytes) => bytes,
        }
    }
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

/// How a file was written, so that saving it again changes nothing but the edited values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// It began with a UTF-8 byte order mark.
    pub bom: bool,
    /// The field separator.
    pub delimiter: u8,
    /// How the first line ends (the ending of lines written anew).
    pub ending: LineEnd,
}

/// How lines end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineEnd {
    /// LF, as Unix and most scripts write.
    #[default]
    Lf,
    /// CR LF, as Excel on Windows writes.
    CrLf,
    /// A lone CR, as Excel's "CSV (Macintosh)" writes.
    Cr,
}

impl LineEnd {
    /// The line end's bytes.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            LineEnd::Lf => b"\n",
            LineEnd::CrLf => b"\r\n",
            LineEnd::Cr => b"\r",
        }
    }

    /// The ending of the first line of `text`, if it has one.
    fn first(text: &[u8], eof: bool) -> Option<LineEnd> {
        let i = memchr::memchr2(b'\n', b'\r', text)?;
        match (text[i], text.get(i + 1)) {
            (b'\n', _) => Some(LineEnd::Lf),
            (_, Some(b'\n')) => Some(LineEnd::CrLf),
            (_, Some(_)) => Some(LineEnd::Cr),
            (_, None) => eof.then_some(LineEnd::Cr),
        }
    }
}

impl Default for Style {
    fn default() -> Style {
        Style {
            bom: false,
            delimiter: b',',
            ending: LineEnd::Lf,
        }
    }
}

/// The outcome of reading one record.
pub enum Next<'a> {
    /// A record.
    Record(Record<'a>),
    /// A record that was skipped, starting at this line.
    Skipped(u64, RecordProblem),
    /// No more records.
    End,
}

fn sniff_not_text(head: &[u8]) -> Option<NotText> {
    if head.starts_with(b"PK\x03\x04") {
        return Some(NotText::Xlsx);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(NotText::Xls);
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Some(NotText::Utf16);
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    (controls > 0 && controls * 100 >= head.len().min(4096))
        .then_some(NotText::Binary)
        .or_else(|| {
            // A NUL byte never occurs in text of either encoding.
            head.contains(&0).then_some(NotText::Binary)
        })
}

/// The lone CRs (line ends that csv_core does not count) in `consumed`, bytes consumed after
/// a CR when `pending`; and whether its last byte is a CR whose meaning depends on what comes.
fn lone_crs(pending: bool, consumed: &[u8]) -> (u64, bool) {
    let Some(&first) = consumed.first() else {
        return (0, pending);
    };
    let mut count = u64::from(pending && first != b'\n');
    let mut pending = false;
    for r in memchr::memchr_iter(b'\r', consumed) {
        match consumed.get(r + 1) {
            Some(&b) => count += u64::from(b != b'\n'),
            None => pending = true,
        }
    }
    (count, pending)
}

/// Guesses the field delimiter from the header line: comma unless tabs or semicolons dominate.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let start = head
        .iter()
        .position(|b| !matches!(b, b'\n' | b'\r'))
        .unwrap_or(head.len());
    let head = &head[start..];
    let line = head
        .split(|&b| b == b'\n' || b == b'\r')
        .next()
        .unwrap_or(head);
    let count = |c: u8| line.iter().filter(|&&b| b == c).count();
    let (commas, tabs, semis) = (count(b','), count(b'\t'), count(b';'));
    if tabs > commas && tabs >= semis {
        b'\t'
    } else if semis > commas && semis > tabs {
        b';'
    } else {
        b','
    }
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

    /// Reads the first bytes, recognises what they are and sets up the parser.
    fn start(&mut self) -> Result<(), ReadError> {
        self.started = true;
        // Fill the whole sniff buffer (a pipe may deliver it in pieces).
        while self.filled < self.buf.len() {
            match self.source.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    self.filled += n;
                    self.bytes_read += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ReadError::Io(e)),
            }
        }
        let head = &self.buf[..self.filled];
        if let Some(kind) = sniff_not_text(head) {
            return Err(ReadError::NotText(kind));
        }
        // A BOM says UTF-8: a file that has one is not what `--encoding gbk` says it is.
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        if bom && self.encoding() == Encoding::Gb18030 {
            return Err(ReadError::Encoding(EncodingError {
                line: 1,
                expected: Some(Encoding::Gb18030),
                decided: Decided::Bom,
                flag: "--encoding",
                other_is_clean: None,
            }));
        }
        if bom {
            self.pos = 3;
            if self.detected == Detected::AsciiSoFar {
                self.detected = Detected::Known(Encoding::Utf8, Decided::Bom);
            }
        }
        let body = &head[self.pos..];
        let delimiter = sniff_delimiter(body);
        let first = body
            .iter()
            .position(|b| !matches!(b, b'\n' | b'\r'))
            .unwrap_or(body.len());
        let ending = LineEnd::first(&body[first..], self.eof).unwrap_or_default();
        self.style = Style {
            bom,
            delimiter,
            ending,
        };
        self.core = ReaderBuilder::new().delimiter(delimiter).build();
        Ok(())
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
                _ => return Ok(()),
            }
            self.pos += 1;
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

    /// The next run of plain lines (see [`Lines`]), at most `max` bytes; `None` when the next
    /// record needs [`CsvReader::next_record`]: it has a quote, a lone CR or bytes that decide
    /// or break the encoding, it is longer than `max`, or it is the last and has no line end.
    pub fn next_lines(&mut self, max: usize) -> Result<Option<Lines<'_>>, ReadError> {
        let len = self.plain_len(max)?;
        Ok((len > 0)
            .then(|| self.take_lines(len))
            .filter(|l| l.count > 0))
    }

    /// How many bytes of plain lines [`CsvReader::next_lines`] would hand out (0: none).
    pub fn plain_len(&mut self, max: usize) -> Result<usize, ReadError> {
        if !self.started {
            self.start()?;
        }
        if self.blocked {
            return Ok(0);
        }
        self.skip_line_ends().map_err(ReadError::Io)?;
        let max = max.min(BLOCK_BYTES);
        if self.filled - self.pos < max && !self.eof {
            self.refill().map_err(ReadError::Io)?;
        }
        let window = &self.buf[self.pos..self.filled];
        let window = &window[..window.len().min(max)];
        let Some(last) = memchr::memrchr(b'\n', window) else {
            return Ok(0);
        };
        // Everything from the line that holds the first byte the state machine must see.
        let line_start = |at: usize| memchr::memrchr(b'\n', &window[..at]).map_or(0, |i| i + 1);
        let mut len = last + 1;
        if let Some(q) = memchr::memchr(b'"', &window[..len]) {
            len = line_start(q);
        }
        if let Some(r) =
            memchr::memchr_iter(b'\r', &window[..len]).find(|&r| window[r + 1] != b'\n')
        {
            len = line_start(r);
        }
        match self.detected {
            // The first line that is not ASCII decides the encoding, record by record.
            Detected::AsciiSoFar if !window[..len].is_ascii() => {
                let first = window[..len]
                    .iter()
                    .position(|b| !b.is_ascii())
                    .unwrap_or(len);
                len = line_start(first);
            }
            _ => {}
        }
        Ok(len)
    }

    /// Hands out the `len` bytes of plain lines that [`CsvReader::plain_len`] found, or as
    /// many of them as come before a line that is not UTF-8 in a UTF-8 file (perhaps none:
    /// then [`CsvReader::next_record`] must read that line before any more plain lines).
    pub fn take_lines(&mut self, len: usize) -> Lines<'_> {
        let encoding = self.encoding();
        let line = self.core.line() + self.skipped_lines;
        let all = &self.buf[self.pos..self.pos + len];
        let (bytes, text) = match encoding {
            // A vector check: validating every byte of the input is the reader's largest task.
            Encoding::Utf8 => match simdutf8::compat::from_utf8(all) {
                Ok(text) => (all, LineText::Utf8(text)),
                Err(e) => {
                    let cut = memchr::memrchr(b'\n', &all[..e.valid_up_to()]).map_or(0, |i| i + 1);
                    self.blocked = cut == 0;
                    // Valid up to the error, so up to the cut.
                    let text = std::str::from_utf8(&all[..cut]).unwrap_or_default();
                    (&all[..cut], LineText::Utf8(text))
                }
            },
            Encoding::Gb18030 if gb18030_valid(all) => (all, LineText::Gb18030(all)),
            Encoding::Gb18030 => {
                // Up to the first line that is not GB18030, which the state machine reports.
                let mut cut = 0;
                for end in memchr::memchr_iter(b'\n', all) {
                    if !gb18030_valid(&all[cut..=end]) {
                        break;
                    }
                    cut = end + 1;
                }
                self.blocked = cut == 0;
                (&all[..cut], LineText::Gb18030(&all[..cut]))
            }
        };
        let count = memchr::memchr_iter(b'\n', bytes).count() as u64;
        self.skipped_lines += count;
        self.pos += bytes.len();
        Lines { line, text, count }
    }

    /// Reads the next record.
    pub fn next_record(&mut self) -> Result<Next<'_>, ReadError> {
        self.blocked = false;
        if !self.started {
            self.start()?;
        }
        self.skip_line_ends().map_err(ReadError::Io)?;
        let line = self.core.line() + self.skipped_lines;
        let (mut out_len, mut ends_len) = (0usize, 0usize);
        let mut problem = None;
        loop {
            self.fill().map_err(ReadError::Io)?;
            let input = &self.buf[self.pos..self.filled];
            let out_start = if problem.is_some() { 0 } else { out_len };
            let ends_start = if problem.is_some() { 0 } else { ends_len };
            let (res, nin, nout, nend) = self.core.read_record(
                input,
                &mut self.raw[out_start..],
                &mut self.raw_ends[ends_start..],
            );
            let (lone, pending) = lone_crs(self.pending_cr, &input[..nin]);
            self.skipped_lines += lone;
            self.pending_cr = pending;
            self.pos += nin;
            if problem.is_none() {
                out_len += nout;
                ends_len += nend;
            }
            match res {
                ReadRecordResult::InputEmpty => continue,
                ReadRecordResult::OutputFull => {
                    if problem.is_some() {
                        continue;
                    }
                    if self.raw.len() >= MAX_RECORD_BYTES {
                        problem = Some(RecordProblem::TooLong);
                    } else {
                        let len = (self.raw.len() * 2).min(MAX_RECORD_BYTES);
                        self.raw.resize(len, 0);
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if problem.is_some() {
                        continue;
                    }
                    if self.raw_ends.len() >= MAX_FIELDS {
                        problem = Some(RecordProblem::TooManyFields);
                    } else {
                        let len = (self.raw_ends.len() * 2).min(MAX_FIELDS);
                        self.raw_ends.resize(len, 0);
                    }
                }
                ReadRecordResult::Record => {
                    if let Some(p) = problem {
                        // Memory stays bounded: the skipped record was never kept.
                        self.raw.truncate(4096);
                        self.raw.shrink_to_fit();
                        return Ok(Next::Skipped(line, p));
                    }
                    return self.decode(line, out_len, ends_len);
                }
                ReadRecordResult::End => return Ok(Next::End),
            }
        }
    }

    fn decode(
        &mut self,
        line: u64,
        out_len: usize,
        ends_len: usize,
    ) -> Result<Next<'_>, ReadError> {
        let raw = &self.raw[..out_len];
        let multiline = raw.contains(&b'\n');
        // The line of byte `at` of the record, for a record over several lines.
        let line_at = |at: usize| {
            let before = &raw[..at];
            line + memchr::memchr_iter(b'\n', before).count() as u64 + lone_crs(false, before).0
        };
        if self.detected == Detected::AsciiSoFar && !raw.is_ascii() {
            let first = raw.iter().position(|b| !b.is_ascii()).unwrap_or(0);
            let decided = Decided::Line(line_at(first));
            let enc = if let Ok(text) = std::str::from_utf8(raw) {
                if reads_as_gbk_rather(text, raw, &self.raw_ends[..ends_len]) {
                    return Err(ReadError::Encoding(EncodingError {
                        line: line_at(first),
                        expected: None,
                        decided: Decided::Both,
                        flag: "--encoding",
                        other_is_clean: None,
                    }));
                }
                Encoding::Utf8
            } else if gb18030_fields(raw, &self.raw_ends[..ends_len]).is_ok() {
                Encoding::Gb18030
            } else {
                return Err(ReadError::Encoding(EncodingError {
                    line: line_at(first),
                    expected: None,
                    decided,
                    flag: "--encoding",
                    other_is_clean: None,
                }));
            };
            self.detected = Detected::Known(enc, decided);
        }
        match self.detected {
            // UTF-8 needs no decoding: the record borrows the parser's own buffer.
            Detected::AsciiSoFar | Detected::Known(Encoding::Utf8, _) => {
                match std::str::from_utf8(raw) {
                    Ok(text) => Ok(Next::Record(Record::new(
                        line,
                        text,
                        &self.raw_ends[..ends_len],
                        multiline,
                    ))),
                    Err(e) => Err(ReadError::Encoding(EncodingError {
                        line: line_at(e.valid_up_to()),
                        expected: Some(Encoding::Utf8),
                        decided: self.decided(),
                        flag: "--encoding",
                        other_is_clean: None,
                    })),
                }
            }
            Detected::Known(Encoding::Gb18030, decided) => {
                if let Err(at) = gb18030_fields(raw, &self.raw_ends[..ends_len]) {
                    return Err(ReadError::Encoding(EncodingError {
                        line: line_at(at),
                        expected: Some(Encoding::Gb18030),
                        decided,
                        flag: "--encoding",
                        other_is_clean: None,
                    }));
                }
                self.ends.clear();
                self.decoded.clear();
                let mut start = 0;
                for &end in &self.raw_ends[..ends_len] {
                    let (text, _) = GB18030.decode_without_bom_handling(&raw[start..end]);
                    self.decoded.push_str(&text);
                    self.ends.push(self.decoded.len());
                    start = end;
                }
                Ok(Next::Record(Record::new(
                    line,
                    &self.decoded,
                    &self.ends,
                    multiline,
                )))
            }
        }
    }

    fn decided(&self) -> Decided {
        match self.detected {
            Detected::Known(_, d) => d,
            Detected::AsciiSoFar => Decided::Given,
        }
    }
}

/// Checks that every field of `raw` (fields back to back, ending at `ends`) is GB18030; `Err`
/// holds where the first one that is not starts.
/// Whether a record that is valid UTF-8 could as well be GBK, holds Chinese only as GBK, and
/// as UTF-8 holds what GBK bytes read as UTF-8 look like (symbols such as `¬`, `÷`, `·`, or
/// Greek, Cyrillic, Hebrew, Arabic letters): then taking it for UTF-8 would garble it without
/// a word, so nothing is decided. Accented Latin letters (`Zürich`) are taken for UTF-8.
fn reads_as_gbk_rather(utf8: &str, raw: &[u8], ends: &[usize]) -> bool {
    let odd = |c: char| {
        matches!(c, '\u{80}'..='\u{7FF}')
            && !(matches!(c, '\u{C0}'..='\u{24F}') && c != '\u{D7}' && c != '\u{F7}')
    };
    if utf8.chars().any(is_cjk) || !utf8.chars().any(odd) || gb18030_fields(raw, ends).is_err() {
        return false;
    }
    let (gbk, _, bad) = encoding_rs::GB18030.decode(raw);
    !bad && gbk.chars().any(is_cjk)
}

/// A Chinese character, or the full-width punctuation Chinese text uses.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

fn gb18030_fields(raw: &[u8], ends: &[usize]) -> Result<(), usize> {
    if raw.is_ascii() {
        return Ok(());
    }
    let mut start = 0;
    for &end in ends {
        // A character never spans fields: every byte that separates them is ASCII below 0x30.
        if !gb18030_valid(&raw[start..end]) {
            return Err(start);
        }
        start = end;
    }
    Ok(())
}

/// The records of plain lines (see [`Lines`]) whose first line is `line`: each one's line and
/// its place in `bytes`, without its line end. Blank lines are passed over.
pub fn plain_lines(bytes: &[u8], mut line: u64) -> impl Iterator<Item = (u64, Range<usize>)> + '_ {
    let mut start = 0;
    memchr::memchr_iter(b'\n', bytes).filter_map(move |end| {
        let (this, from) = (line, start);
        line += 1;
        start = end + 1;
        let end = if end > from && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        (end > from).then_some((this, from..end))
    })
}

/// One record of decoded plain lines, or the line of one that has too many fields.
pub type PlainItem<'a> = Result<Record<'a>, u64>;

/// Calls `each` with every record of `text`, plain lines decoded (see [`Lines`]) whose first
/// line is `line`. `ends` is scratch space.
pub fn plain_records(
    text: &str,
    line: u64,
    delimiter: u8,
    ends: &mut Vec<usize>,
    mut each: impl FnMut(PlainItem<'_>),
) {
    for (line, range) in plain_lines(text.as_bytes(), line) {
        // Lines end at ASCII bytes, so the range is on character boundaries.
        let record = &text[range];
        ends.clear();
        // Fields are short: a plain loop beats setting up a vector search for each.
        let bytes = record.as_bytes();
        ends.extend((0..bytes.len()).filter(|&i| bytes[i] == delimiter));
        if ends.len() >= MAX_FIELDS {
            each(Err(line));
            continue;
        }
        ends.push(record.len());
        each(Ok(Record::plain(line, record, ends)));
    }
}

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;
