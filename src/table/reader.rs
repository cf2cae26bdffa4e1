//! Records out of a CSV byte stream, in whatever encoding Excel or a script wrote it.
//!
//! Built on `csv_core` rather than `csv` so that a record's size is bounded (a 20 MB field is
//! reported and skipped, not buffered) and so that decoding happens once per record. The
//! encoding is recognised without being told: a UTF-8 BOM, else UTF-8 if the text is valid
//! UTF-8, else GB18030 (a superset of GBK, what Excel on Chinese Windows writes). Every byte that
//! structures CSV is ASCII and never occurs inside a GB18030 character, so records are split on
//! the raw bytes and decoded after.

use std::io::{self, Read};

use csv_core::{ReadRecordResult, Reader as CoreReader, ReaderBuilder};
use encoding_rs::GB18030;

/// A record longer than this is refused (and skipped) instead of being held in memory.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// A record with more fields than this is refused.
pub const MAX_FIELDS: usize = 4096;
const SNIFF_BYTES: usize = 64 * 1024;

/// The text encoding of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without a BOM).
    Utf8,
    /// GB18030, which includes GBK and GB2312.
    Gb18030,
}

/// What the reader knows about the encoding so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    /// Only ASCII seen: the same bytes in every candidate encoding.
    AsciiSoFar,
    Known(Encoding),
}

/// A problem that stops reading the whole input.
#[derive(Debug)]
pub enum ReadError {
    /// The underlying read failed.
    Io(io::Error),
    /// The input is not a text table at all.
    NotText(NotText),
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordProblem {
    /// Longer than [`MAX_RECORD_BYTES`].
    TooLong,
    /// More than [`MAX_FIELDS`] fields.
    TooManyFields,
    /// Not valid UTF-8 in a file that is UTF-8 elsewhere.
    NotUtf8,
}

/// One record: its line and its decoded fields.
pub struct Record<'a> {
    /// 1-based line where the record starts.
    pub line: u64,
    text: &'a str,
    ends: &'a [usize],
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
            multiline,
        }
    }

    /// All fields' text, back to back.
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
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    /// All fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
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
    /// Line ends consumed between records (csv_core counts only those it reads itself).
    skipped_lines: u64,
}

/// How a file was written, so that saving it again changes nothing but the edited values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// It began with a UTF-8 byte order mark.
    pub bom: bool,
    /// The field separator.
    pub delimiter: u8,
    /// Lines end with CR LF (as Excel writes them).
    pub crlf: bool,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            bom: false,
            delimiter: b',',
            crlf: false,
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

/// Whether `bytes` are valid UTF-8, allowing a character cut off at the end.
fn is_utf8_prefix(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// Guesses the field delimiter from the header line: comma unless tabs or semicolons dominate.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
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
    /// A reader over `source`.
    pub fn new(source: R) -> CsvReader<R> {
        CsvReader {
            source,
            core: CoreReader::new(),
            buf: vec![0; SNIFF_BYTES],
            pos: 0,
            filled: 0,
            eof: false,
            detected: Detected::AsciiSoFar,
            raw: vec![0; 4096],
            raw_ends: vec![0; 64],
            decoded: String::new(),
            ends: Vec::new(),
            bytes_read: 0,
            started: false,
            style: Style::default(),
            skipped_lines: 0,
        }
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
            Detected::Known(e) => e,
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
        if head.starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3;
            self.detected = Detected::Known(Encoding::Utf8);
        } else if !head.is_ascii() {
            let enc = if is_utf8_prefix(head) {
                Encoding::Utf8
            } else {
                Encoding::Gb18030
            };
            self.detected = Detected::Known(enc);
        }
        let body = &head[self.pos..];
        let delimiter = sniff_delimiter(body);
        let crlf = body
            .iter()
            .position(|&b| b == b'\n')
            .is_some_and(|i| i > 0 && body[i - 1] == b'\r');
        self.style = Style {
            bom: self.pos == 3,
            delimiter,
            crlf,
        };
        self.core = ReaderBuilder::new().delimiter(delimiter).build();
        Ok(())
    }

    /// Reads the next record.
    pub fn next_record(&mut self) -> Result<Next<'_>, ReadError> {
        if !self.started {
            self.start()?;
        }
        // Line ends left over from the last record (the LF of a CRLF) and blank lines are
        // consumed here and counted, so a record's line is where its first byte is.
        loop {
            self.fill().map_err(ReadError::Io)?;
            if self.pos >= self.filled {
                break;
            }
            match self.buf[self.pos] {
                b'\n' => self.skipped_lines += 1,
                b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
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
        if self.detected == Detected::AsciiSoFar && !raw.is_ascii() {
            let enc = if std::str::from_utf8(raw).is_ok() {
                Encoding::Utf8
            } else {
                Encoding::Gb18030
            };
            self.detected = Detected::Known(enc);
        }
        match self.detected {
            // UTF-8 needs no decoding: the record borrows the parser's own buffer.
            Detected::AsciiSoFar | Detected::Known(Encoding::Utf8) => {
                match std::str::from_utf8(raw) {
                    Ok(text) => Ok(Next::Record(Record {
                        line,
                        text,
                        ends: &self.raw_ends[..ends_len],
                        multiline,
                    })),
                    Err(_) => Ok(Next::Skipped(line, RecordProblem::NotUtf8)),
                }
            }
            Detected::Known(Encoding::Gb18030) => {
                self.ends.clear();
                self.decoded.clear();
                let mut start = 0;
                for &end in &self.raw_ends[..ends_len] {
                    let (text, _) = GB18030.decode_without_bom_handling(&raw[start..end]);
                    self.decoded.push_str(&text);
                    self.ends.push(self.decoded.len());
                    start = end;
                }
                Ok(Next::Record(Record {
                    line,
                    text: &self.decoded,
                    ends: &self.ends,
                    multiline,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Lines = Vec<(u64, Vec<String>)>;

    fn read_all(bytes: &[u8]) -> (Lines, Vec<(u64, RecordProblem)>, Encoding) {
        let mut r = CsvReader::new(bytes);
        let (mut recs, mut skipped) = (Vec::new(), Vec::new());
        loop {
            match r.next_record().unwrap() {
                Next::Record(rec) => recs.push((rec.line, rec.iter().map(String::from).collect())),
                Next::Skipped(line, p) => skipped.push((line, p)),
                Next::End => break,
            }
        }
        (recs, skipped, r.encoding())
    }

    #[test]
    fn utf8_with_bom_and_quoted_newlines() {
        let (recs, skipped, enc) =
            read_all("\u{feff}编号,村\n1,\"画青\n村\"\n2,关田村\n".as_bytes());
        assert_eq!(enc, Encoding::Utf8);
        assert!(skipped.is_empty());
        assert_eq!(recs[0], (1, vec!["编号".to_string(), "村".to_string()]));
        assert_eq!(recs[1], (2, vec!["1".to_string(), "画青\n村".to_string()]));
        assert_eq!(recs[2], (4, vec!["2".to_string(), "关田村".to_string()]));
    }

    #[test]
    fn lines_are_right_after_crlf_and_blank_lines() {
        let (recs, _, _) = read_all(b"a,b\r\n1,x\r\n\r\n2,y\r\n\n\n3,\"q\r\nr\"\r\n4,z\r\n");
        let lines: Vec<u64> = recs.iter().map(|r| r.0).collect();
        assert_eq!(lines, [1, 2, 4, 7, 9]);
    }

    #[test]
    fn gbk_is_recognised_and_decoded() {
        let (bytes, _, _) = GB18030.encode("编号,村\r\n1,画青村\r\n");
        let (recs, _, enc) = read_all(&bytes);
        assert_eq!(enc, Encoding::Gb18030);
        assert_eq!(recs[1].1, ["1", "画青村"]);
    }

    #[test]
    fn gbk_after_a_long_ascii_start() {
        let mut text = String::from("id,village\n");
        for i in 0..10_000 {
            text.push_str(&format!("{i},v\n"));
        }
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(&GB18030.encode("x,黄金村\n").0);
        let (recs, _, enc) = read_all(&bytes);
        assert_eq!(enc, Encoding::Gb18030);
        assert_eq!(recs.last().unwrap().1, ["x", "黄金村"]);
    }

    #[test]
    fn a_huge_field_is_skipped_and_reading_goes_on() {
        let mut bytes = b"a,b\n1,".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 3 * MAX_RECORD_BYTES));
        bytes.extend_from_slice(b"\n2,y\n");
        let (recs, skipped, _) = read_all(&bytes);
        assert_eq!(skipped, [(2, RecordProblem::TooLong)]);
        assert_eq!(
            recs.last().unwrap(),
            &(3, vec!["2".to_string(), "y".to_string()])
        );
    }

    #[test]
    fn workbooks_and_binaries_are_named() {
        let mut r = CsvReader::new(&b"PK\x03\x04rest"[..]);
        assert!(matches!(
            r.next_record(),
            Err(ReadError::NotText(NotText::Xlsx))
        ));
        let mut r = CsvReader::new(&b"\x00\x01\x02\x03abc"[..]);
        assert!(matches!(
            r.next_record(),
            Err(ReadError::NotText(NotText::Binary))
        ));
    }

    #[test]
    fn tab_separated_is_recognised() {
        let (recs, _, _) = read_all(b"id\tvillage\n1\tv, with comma\n");
        assert_eq!(recs[1].1, ["1", "v, with comma"]);
    }
}
