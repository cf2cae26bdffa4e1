//! How a table is to be read, from what it says about itself: whether it is text at all, a
//! UTF-8 byte order mark, the separator and line end of its first line, and which encoding its
//! records are in — given, or decided by the first record with a byte that is not ASCII.

use std::io::{self, Read};

use csv_core::ReaderBuilder;
use encoding_rs::GB18030;

use super::{CsvReader, ReadError};

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
pub(super) fn gb18030_valid(bytes: &[u8]) -> bool {
    bytes.is_ascii()
        || GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
}

/// What the reader knows about the encoding so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Detected {
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

/// Whether `head` is no text table ([`sniff_not_text`]).
pub(super) fn not_text(head: &[u8]) -> bool {
    sniff_not_text(head).is_some()
}

fn sniff_not_text(head: &[u8]) -> Option<NotText> {
    if head.starts_with(b"PK\x03\x04") {
        return Some(NotText::Xlsx);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(NotText::Xls);
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || utf16_unmarked(head) {
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

/// Whether `head` looks like UTF-16 text without a byte order mark: the NUL bytes of its ASCII
/// characters (digits, separators, Latin headers) stand at every other place, at least one
/// pair in four and four in all, beside a printable ASCII byte or a line end, and (almost)
/// never at the other places. Refused either way (no text has a NUL byte); this only names it.
fn utf16_unmarked(head: &[u8]) -> bool {
    let pairs: Vec<[u8; 2]> = head[..head.len().min(4096)]
        .chunks_exact(2)
        .map(|p| [p[0], p[1]])
        .collect();
    let ascii = |b: u8| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7E);
    let side = |nul: usize| {
        let at = pairs.iter().filter(|p| p[nul] == 0).count();
        let beside = pairs
            .iter()
            .filter(|p| p[nul] == 0 && ascii(p[1 - nul]))
            .count();
        (at, beside)
    };
    let ((le, le_ascii), (be, be_ascii)) = (side(1), side(0));
    let (most, ascii_beside, other) = if le >= be {
        (le, le_ascii, be)
    } else {
        (be, be_ascii, le)
    };
    most >= 4 && most * 4 >= pairs.len() && ascii_beside * 10 >= most * 9 && other * 20 <= most
}

/// Guesses the field delimiter from the header line: comma unless tabs or semicolons dominate.
/// A title or note above the header may have no separator at all (`单位：万元`) or a stray one
/// (`单位:万元;`): the header names at least six columns, so the first line with five
/// separators of one kind is taken for it, else the first line with any.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let count_in = |l: &[u8], c: u8| l.iter().filter(|&&b| b == c).count();
    let most = |l: &&[u8]| {
        [b',', b'\t', b';']
            .map(|c| count_in(l, c))
            .into_iter()
            .max()
    };
    let lines: Vec<&[u8]> = head
        .split(|&b| b == b'\n' || b == b'\r')
        .filter(|l| !l.is_empty())
        .take(crate::table::header::HEADER_SEARCH_ROWS)
        .collect();
    let line = lines
        .iter()
        .find(|l| most(l) >= Some(5))
        .or_else(|| lines.iter().find(|l| most(l) > Some(0)))
        .copied()
        .unwrap_or_default();
    let count = |c: u8| count_in(line, c);
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
    /// Reads the first bytes, recognises what they are and sets up the parser.
    pub(super) fn start(&mut self) -> Result<(), ReadError> {
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
}

/// Whether a record that is valid UTF-8 could as well be GBK, holds Chinese only as GBK, and
/// as UTF-8 holds what GBK bytes read as UTF-8 look like: then taking it for UTF-8 would
/// garble it without a word, so nothing is decided. GBK bytes read as UTF-8 give symbols
/// (`¬`, `÷`, `·`), Greek, Cyrillic, Hebrew or Arabic letters, Latin letters beyond Western
/// Europe's (`牛木` reads `ţľ`: Latin Extended-A and -B, the lead bytes C4–C9 of common
/// characters), or a field of Western accented letters alone (`毛猫` reads `ëè`). The
/// accented letters of Western European names, among plain ones (`Zürich`, `José`), are taken
/// for UTF-8.
pub(super) fn reads_as_gbk_rather(utf8: &str, raw: &[u8], ends: &[usize]) -> bool {
    let western = |c: char| matches!(c, '\u{C0}'..='\u{FF}') && c != '\u{D7}' && c != '\u{F7}';
    let odd = |c: char| matches!(c, '\u{80}'..='\u{7FF}') && !western(c);
    let odd_field = |f: &str| {
        f.chars().any(odd)
            || (f.chars().any(western) && !f.chars().any(|c| c.is_ascii_alphabetic()))
    };
    let mut start = 0;
    let mut fields = ends.iter().map(|&end| {
        let field = utf8.get(start..end).unwrap_or("");
        start = end;
        field
    });
    if utf8.chars().any(is_cjk) || !fields.any(odd_field) || gb18030_fields(raw, ends).is_err() {
        return false;
    }
    let (gbk, _, bad) = encoding_rs::GB18030.decode(raw);
    !bad && gbk.chars().any(is_cjk)
}

/// A Chinese character, or the full-width punctuation Chinese text uses.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Checks that every field of `raw` (fields back to back, ending at `ends`) is GB18030; `Err`
/// holds where the first one that is not starts.
pub(super) fn gb18030_fields(raw: &[u8], ends: &[usize]) -> Result<(), usize> {
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
