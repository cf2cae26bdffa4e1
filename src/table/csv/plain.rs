//! The fast path: most lines of a real table hold no quote, so runs of them are handed out
//! whole and split on their delimiters without the state machine, wherever it is cheapest.

use std::io::Read;
use std::ops::Range;

use super::sniff::{gb18030_valid, Detected};
use super::{CsvReader, Encoding, ReadError, Record, BLOCK_BYTES, MAX_FIELDS};
#[cfg(target_arch = "x86_64")]
use crate::table::swar::hits16;
use crate::table::swar::{broadcast, byte_hits, find_lone_cr};

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
    /// Appends the lines where a block of rows keeps them: UTF-8 onto `text`, GB18030 (still
    /// to be decoded) onto `raw`. Returns their place there, and whether it is in `raw`.
    pub fn append_to(&self, text: &mut String, raw: &mut Vec<u8>) -> (Range<usize>, bool) {
        match *self {
            LineText::Utf8(lines) => {
                let start = text.len();
                text.push_str(lines);
                (start..text.len(), false)
            }
            LineText::Gb18030(bytes) => {
                let start = raw.len();
                raw.extend_from_slice(bytes);
                (start..raw.len(), true)
            }
        }
    }

    /// The bytes as read.
    pub fn bytes(&self) -> &'a [u8] {
        match *self {
            LineText::Utf8(text) => text.as_bytes(),
            LineText::Gb18030(bytes) => bytes,
        }
    }
}

impl<R: Read> CsvReader<R> {
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
        // (The window up to `len` ends in LF, so a CR no LF follows there is one inside it.)
        if let Some(r) = find_lone_cr(&window[..len]) {
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
///
/// One pass finds both the line ends and the delimiters, sixteen bytes at a time in one
/// vector compare ([`crate::table::swar::hits16`]): a row of a segment table is about 64
/// bytes and ten fields, and looking at its bytes one by one, after a search for its line
/// end, was a tenth of a batch run's work (eight at a time in a word, as `table::swar` looks,
/// about 180 instructions a row more than this), as other processors than x86-64 still do
/// ([`plain_records_by_words`]). [`plain_records_bytewise`] is the same, byte by byte; a
/// property test holds each way to it.
pub fn plain_records(
    text: &str,
    line: u64,
    delimiter: u8,
    ends: &mut Vec<usize>,
    each: impl FnMut(PlainItem<'_>),
) {
    if matches!(delimiter, b'\r' | b'\n') {
        // Never a table's delimiter (the sniffer picks , tab or ;): the slow way, all the same.
        return plain_records_bytewise(text, line, delimiter, ends, each);
    }
    #[cfg(target_arch = "x86_64")]
    in_blocks::<16, 1>(text, line, delimiter, ends, each, |block, delimiter| {
        u64::from(hits16(block, delimiter))
    });
    #[cfg(not(target_arch = "x86_64"))]
    plain_records_by_words(text, line, delimiter, ends, each);
}

/// [`plain_records`] eight bytes at a time in a word ([`byte_hits`]): what processors other
/// than x86-64 run, held to the byte-by-byte split by the same property test on every one.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn plain_records_by_words(
    text: &str,
    line: u64,
    delimiter: u8,
    ends: &mut Vec<usize>,
    each: impl FnMut(PlainItem<'_>),
) {
    in_blocks::<8, 8>(text, line, delimiter, ends, each, |word, delimiter| {
        let v = u64::from_le_bytes(*word);
        byte_hits(v ^ broadcast(b'\n')) | byte_hits(v ^ broadcast(delimiter))
    });
}

/// [`plain_records`] in blocks of `N` bytes, `hits` marking each LF and delimiter of a block
/// with a bit, `SCALE` bits a byte (the lowest of them, or the highest, set for a hit); what
/// the block leaves at the end is looked at byte by byte.
#[inline(always)]
fn in_blocks<const N: usize, const SCALE: u32>(
    text: &str,
    line: u64,
    delimiter: u8,
    ends: &mut Vec<usize>,
    mut each: impl FnMut(PlainItem<'_>),
    hits: impl Fn(&[u8; N], u8) -> u64,
) {
    let bytes = text.as_bytes();
    let mut line = line;
    // Where the line being read starts.
    let mut start = 0;
    ends.clear();
    // What a line end does: the record from `start` to `end` handed out, or passed over.
    let mut line_end = |end: usize, start: &mut usize, line: &mut u64, ends: &mut Vec<usize>| {
        let from = *start;
        let this = *line;
        *line += 1;
        *start = end + 1;
        let end = if end > from && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        if end > from {
            emit(&text[from..end], this, ends, &mut each);
        }
        ends.clear();
    };
    let blocks = bytes.chunks_exact(N);
    let tail = blocks.remainder();
    for (b, block) in blocks.enumerate() {
        let mut found = hits(block.try_into().unwrap_or(&[0; N]), delimiter);
        while found != 0 {
            let at = b * N + (found.trailing_zeros() / SCALE) as usize;
            found &= found - 1;
            if bytes[at] == b'\n' {
                line_end(at, &mut start, &mut line, ends);
            } else {
                ends.push(at - start);
            }
        }
    }
    let base = bytes.len() - tail.len();
    for (i, &b) in tail.iter().enumerate() {
        if b == b'\n' {
            line_end(base + i, &mut start, &mut line, ends);
        } else if b == delimiter {
            ends.push(base + i - start);
        }
    }
}

/// Hands out one non-blank line `record` (`ends`: where its delimiters are), as
/// [`plain_records`] does: too many fields are the line's error, a line of delimiters alone is
/// blank.
#[inline(always)]
fn emit(record: &str, line: u64, ends: &mut Vec<usize>, each: &mut impl FnMut(PlainItem<'_>)) {
    // The delimiters counted are those before the line's end: a CR before its LF is none.
    if ends.len() >= MAX_FIELDS {
        each(Err(line));
        return;
    }
    // A row of empty fields (`,,,,`) is a blank line, as the reader passes it over.
    if ends.len() == record.len() {
        return;
    }
    ends.push(record.len());
    each(Ok(Record::plain(line, record, ends)));
}

/// [`plain_records`] byte by byte: what it must equal.
pub(crate) fn plain_records_bytewise(
    text: &str,
    line: u64,
    delimiter: u8,
    ends: &mut Vec<usize>,
    mut each: impl FnMut(PlainItem<'_>),
) {
    for (line, range) in plain_lines(text.as_bytes(), line) {
        let record = &text[range];
        ends.clear();
        let bytes = record.as_bytes();
        ends.extend((0..bytes.len()).filter(|&i| bytes[i] == delimiter));
        emit(record, line, ends, &mut each);
    }
}
