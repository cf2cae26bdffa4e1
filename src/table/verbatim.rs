//! The bytes each line of a table was read from, kept where writing its fields anew would not
//! give them back (its quoting, its own line end, blank lines after it), so that a save writes
//! every untouched line as it was. Only such lines are kept: an ordinary row costs nothing.

use std::cell::RefCell;
use std::io::{self, Read};
use std::rc::Rc;

use csv_core::{ReadRecordResult, Reader as CoreReader, ReaderBuilder};
use encoding_rs::GB18030;

use super::sheet::SheetRow;
use super::{csvout, Encoding, Style};

/// A row's bytes as read: the record, then its line end and any blank lines after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// The bytes.
    pub bytes: Box<[u8]>,
    /// Where the record ends and its line end begins.
    pub body: usize,
}

/// Writes `n` fields as one CSV record (no line end) into `line`, quoted only where needed.
pub fn fields_line<'a>(
    n: usize,
    field: impl Fn(usize) -> &'a str,
    delimiter: u8,
    line: &mut Vec<u8>,
) {
    line.clear();
    if (0..n).all(|i| field(i).is_empty()) {
        // Empty fields written bare would be a blank line (`,,,`), which is no record.
        line.extend_from_slice(b"\"\"");
        for _ in 1..n {
            line.push(delimiter);
        }
        return;
    }
    for i in 0..n {
        csvout::push_field_with(line, field(i), i == 0, delimiter);
    }
}

/// How € is written in a GB18030 table: € is the one character GBK as Windows writes it
/// (code page 936: Excel, WPS, and iconv's and Python's GBK) and GB18030 put in two places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Euro {
    /// The byte 0x80, as code page 936 writes it (and GB18030 readers read): GB18030's
    /// A2 E3 is no character of code page 936, and Excel and WPS on Windows show it garbled.
    Cp936,
    /// A2 E3, in a table that holds characters beyond GBK already and so is GB18030 through
    /// and through, which readers of GB18030 alone take and not 0x80.
    Gb18030,
}

impl Euro {
    /// The form for a table in `encoding` that holds characters beyond GBK or not.
    pub fn of(encoding: Encoding, beyond_gbk: bool) -> Euro {
        match encoding == Encoding::Gb18030 && beyond_gbk {
            true => Euro::Gb18030,
            false => Euro::Cp936,
        }
    }
}

/// The forms € takes in GB18030 `bytes`, character by character: whether 0x80 is one, and
/// whether A2 E3 is one (the bytes of other characters aside: 0x80 and E3 are trail bytes
/// of many).
pub fn euro_forms(bytes: &[u8]) -> (bool, bool) {
    let (mut cp936, mut gb18030) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0x80 => {
                cp936 = true;
                i += 1;
            }
            0x81..=0xFE => match bytes.get(i + 1) {
                Some(0x30..=0x39) => i += 4,
                Some(&trail) => {
                    gb18030 |= bytes[i] == 0xA2 && trail == 0xE3;
                    i += 2;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    (cp936, gb18030)
}

/// Appends UTF-8 `text` to `out` in `encoding`, € in a GB18030 table as `euro` says.
pub fn encode_into(out: &mut Vec<u8>, text: &[u8], encoding: Encoding, euro: Euro) {
    match encoding {
        Encoding::Gb18030 if !text.is_ascii() => {
            // Built from `&str` fields and ASCII, so it is UTF-8.
            let text = std::str::from_utf8(text).unwrap_or_default();
            push_gb18030(out, text, euro);
        }
        _ => out.extend_from_slice(text),
    }
}

/// `text` in GB18030 onto `out`, € as `euro` says (each piece between two € encoded alone,
/// so no byte of another character is taken for one of €'s).
pub fn push_gb18030(out: &mut Vec<u8>, text: &str, euro: Euro) {
    if euro == Euro::Gb18030 || !text.contains('€') {
        out.extend_from_slice(&GB18030.encode(text).0);
        return;
    }
    for (i, piece) in text.split('€').enumerate() {
        if i > 0 {
            out.push(0x80);
        }
        out.extend_from_slice(&GB18030.encode(piece).0);
    }
}

/// What a file read so far holds that no row has taken yet: the reader's source, seen through
/// [`Tee`], so that each row can keep the bytes it was read from.
#[derive(Default)]
pub struct Window {
    bytes: Vec<u8>,
    /// The file offset of `bytes[0]`.
    start: u64,
}

/// The most a window holds: the longest record kept, and more.
const WINDOW_MAX: usize = 64 << 20;

impl Window {
    /// The file's bytes `from..to`, if still held.
    pub fn span(&self, from: u64, to: u64) -> Option<&[u8]> {
        let a = usize::try_from(from.checked_sub(self.start)?).ok()?;
        let b = usize::try_from(to.checked_sub(self.start)?).ok()?;
        self.bytes.get(a..b)
    }

    /// Lets go of everything before file offset `at`: at once when that is most of what is
    /// held, so that the bytes kept are moved rarely, not once a row.
    pub fn forget_before(&mut self, at: u64) {
        let n = usize::try_from(at.saturating_sub(self.start)).unwrap_or(usize::MAX);
        let n = n.min(self.bytes.len());
        if n >= (1 << 20).max(self.bytes.len() / 2) {
            self.bytes.drain(..n);
            self.start += n as u64;
        }
    }
}

/// A reader that keeps what it reads in a [`Window`].
pub struct Tee<R> {
    /// The source.
    pub inner: R,
    /// Where what is read is kept.
    pub seen: Rc<RefCell<Window>>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut w = self.seen.borrow_mut();
        if w.bytes.len() + n > WINDOW_MAX {
            // Only a record far over the reader's limit gets here: it is refused anyway (its
            // span is no longer had).
            w.start += w.bytes.len() as u64;
            w.bytes.clear();
        }
        w.bytes.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

/// How many line-end bytes `bytes` starts with (blank lines, the LF of a CR LF).
pub fn leading_line_ends(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|b| !matches!(b, b'\n' | b'\r'))
        .unwrap_or(bytes.len())
}

/// How many bytes of blank lines `bytes` starts with: line ends, and lines of empty fields
/// (`,,,,`) that the reader passes over as blank lines, so a row keeps them after it.
pub fn leading_blank_lines(bytes: &[u8], delimiter: u8) -> usize {
    let mut at = leading_line_ends(bytes);
    loop {
        let rest = &bytes[at..];
        let fields = rest
            .iter()
            .position(|&b| b != delimiter)
            .unwrap_or(rest.len());
        if fields == 0 || !matches!(rest.get(fields), Some(b'\n' | b'\r')) {
            return at;
        }
        at += fields + leading_line_ends(&rest[fields..]);
    }
}

/// How long `bytes` is without the line-end bytes it ends with.
pub fn without_line_ends(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .rposition(|b| !matches!(b, b'\n' | b'\r'))
        .map_or(0, |i| i + 1)
}

/// The bytes `row` must keep to be written back as `span` (its record, `body` bytes long,
/// then its line end and any blank lines), or `None` when its fields written anew give them.
pub fn keep(
    row: &SheetRow,
    span: &[u8],
    body: usize,
    encoding: Encoding,
    style: Style,
    scratch: &mut Vec<u8>,
    splitter: &mut Splitter,
) -> Option<Raw> {
    fields_line(row.len(), |i| row.get(i), style.delimiter, scratch);
    scratch.extend_from_slice(style.ending.bytes());
    let same = match encoding {
        // € has two forms in GB18030 (0x80, A2 E3), and which one a save writes depends on
        // the whole table: a row holding one keeps the bytes it was read from.
        Encoding::Gb18030 if row.text().contains('€') => false,
        Encoding::Gb18030 if !scratch.is_ascii() => {
            let mut encoded = Vec::with_capacity(span.len());
            encode_into(&mut encoded, scratch, encoding, Euro::Cp936);
            encoded == span
        }
        _ => scratch.as_slice() == span,
    };
    if same {
        return None;
    }
    // The record's own bytes, as far as they read back as its fields: a quote left open at
    // the end of the file takes the line end into its field.
    let holds = splitter.holds(&span[..body], encoding, row.text(), row.ends());
    let body = if holds { body } else { span.len() };
    Some(Raw {
        bytes: span.into(),
        body,
    })
}

/// The record `body` (as read, without its line end) with only the fields that changed
/// written anew: each field of `row` that reads as the one `body` holds at its place is copied
/// byte for byte (its quoting, its bytes in `encoding` — a GB18030 byte another program wrote
/// for a character the encoder writes otherwise), the others quoted only where needed and
/// encoded. `None` where the fields cannot be told apart in `body`, or the line made would
/// not read back as `row` (then the row is written anew whole).
pub fn splice(
    body: &[u8],
    row: &SheetRow,
    encoding: Encoding,
    euro: Euro,
    delimiter: u8,
    splitter: &mut Splitter,
    scratch: &mut Vec<u8>,
) -> Option<Vec<u8>> {
    // Bytes no GB18030 sequence holds after its first (0x30–0x39, 0x40–0xFE), nor UTF-8.
    if !matches!(delimiter, b',' | b'\t' | b';') || (0..row.len()).all(|i| row.get(i).is_empty()) {
        return None;
    }
    let spans = field_spans(body, delimiter);
    let (fields, ends) = splitter
        .split(body)
        .map(|(fields, ends)| (fields.to_vec(), ends.to_vec()))?;
    if ends.len() != spans.len() {
        return None;
    }
    let mut line = Vec::with_capacity(body.len() + 16);
    let mut start = 0;
    for i in 0..row.len() {
        if i > 0 {
            line.push(delimiter);
        }
        let new = row.get(i);
        let same = ends.get(i).is_some_and(|&end| {
            let was = &fields[start..end];
            match encoding {
                Encoding::Utf8 => was == new.as_bytes(),
                Encoding::Gb18030 if was.is_ascii() => was == new.as_bytes(),
                Encoding::Gb18030 => GB18030
                    .decode_without_bom_handling_and_without_replacement(was)
                    .is_some_and(|w| w == new),
            }
        });
        if let Some(&(a, b)) = spans.get(i).filter(|_| same) {
            line.extend_from_slice(&body[a..b]);
        } else {
            scratch.clear();
            csvout::push_field_with(scratch, new, true, delimiter);
            encode_into(&mut line, scratch, encoding, euro);
        }
        if let Some(&end) = ends.get(i) {
            start = end;
        }
    }
    splitter
        .holds(&line, encoding, row.text(), row.ends())
        .then_some(line)
}

/// Where each field of the record `body` lies in it, quotes and all: a field that starts with
/// a quote runs to the quote that closes it (two quotes are one inside it), then to the
/// delimiter; any other to the delimiter.
fn field_spans(body: &[u8], delimiter: u8) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let (mut start, mut i) = (0, 0);
    let mut quoted = body.first() == Some(&b'"');
    if quoted {
        i = 1;
    }
    while i < body.len() {
        let b = body[i];
        if quoted {
            if b == b'"' {
                if body.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if b == delimiter {
            spans.push((start, i));
            start = i + 1;
            if body.get(start) == Some(&b'"') {
                quoted = true;
                i += 1;
            }
        }
        i += 1;
    }
    spans.push((start, body.len()));
    spans
}

/// Splits single records as written back into their fields (see [`Splitter::split`]), with
/// one parser and its buffers for them all.
pub struct Splitter {
    core: CoreReader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl Splitter {
    /// A splitter for records separated by `delimiter`.
    pub fn new(delimiter: u8) -> Splitter {
        Splitter {
            core: ReaderBuilder::new().delimiter(delimiter).build(),
            out: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// The fields of `bytes`, one record (without its line end), back to back, and where
    /// each ends, in this splitter's buffers; `None` when they are not one record.
    pub fn split(&mut self, bytes: &[u8]) -> Option<(&[u8], &[usize])> {
        self.core.reset();
        self.out.clear();
        self.out.resize(bytes.len() + 1, 0);
        self.ends.clear();
        self.ends.resize(bytes.len() + 2, 0);
        let (mut input, mut nout, mut nend) = (bytes, 0, 0);
        loop {
            let (res, nin, o, e) =
                self.core
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            input = &input[nin..];
            nout += o;
            nend += e;
            match res {
                ReadRecordResult::InputEmpty => continue,
                ReadRecordResult::Record if input.is_empty() => break,
                _ => return None,
            }
        }
        Some((&self.out[..nout], &self.ends[..nend]))
    }

    /// Whether `bytes`, one record as written in `encoding` (without its line end), hold
    /// exactly the fields `text` (back to back) ending at `ends`.
    pub fn holds(
        &mut self,
        bytes: &[u8],
        encoding: Encoding,
        text: &str,
        ends: impl ExactSizeIterator<Item = usize>,
    ) -> bool {
        let Some((raw, got)) = self.split(bytes) else {
            return false;
        };
        if got.len() != ends.len() {
            return false;
        }
        let (mut start, mut at) = (0, 0);
        for (&end, want) in got.iter().zip(ends) {
            let field = &raw[start..end];
            let expected = &text[at..want];
            let same = match encoding {
                Encoding::Utf8 => field == expected.as_bytes(),
                Encoding::Gb18030 if field.is_ascii() => field == expected.as_bytes(),
                Encoding::Gb18030 => GB18030
                    .decode_without_bom_handling_and_without_replacement(field)
                    .is_some_and(|f| f == expected),
            };
            if !same {
                return false;
            }
            start = end;
            at = want;
        }
        true
    }
}
