//! One record at a time through the `csv_core` state machine: quoted fields, delimiters and
//! line ends inside quotes, lone CRs, and the limits on a record's size, then the record's
//! bytes decoded once in the table's encoding.

use std::io::Read;

use csv_core::ReadRecordResult;
use encoding_rs::GB18030;

use super::sniff::{gb18030_fields, reads_as_gbk_rather, Detected};
use super::{
    CsvReader, Decided, Encoding, EncodingError, Next, ReadError, Record, RecordProblem,
    MAX_FIELDS, MAX_RECORD_BYTES,
};

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

/// How a record's quotes stand, byte by byte over what it consumes: csv_core takes a quoted
/// cell whose closing quote has more after it (`"x"y`) and goes on with that cell. A quote
/// never closed where it should be is then closed by a later row's quote, and the rows
/// between are in the cell, with as many fields as the header and nothing said.
#[derive(Default)]
struct Quoting {
    in_quotes: bool,
    /// A quote was the last byte inside a quoted cell: a second one is an escaped quote.
    after_quote: bool,
    /// The next byte starts a cell.
    field_start: bool,
    /// A quoted cell closed with more after it.
    closed_inside: bool,
}

impl Quoting {
    fn new() -> Quoting {
        Quoting {
            field_start: true,
            ..Quoting::default()
        }
    }

    /// Goes over `bytes`, the record's next ones.
    fn feed(&mut self, bytes: &[u8], delimiter: u8) {
        let ends_cell = |b: u8| b == delimiter || b == b'\n' || b == b'\r';
        if !self.in_quotes && memchr::memchr(b'"', bytes).is_none() {
            if let Some(&last) = bytes.last() {
                self.field_start = ends_cell(last);
            }
            return;
        }
        for &b in bytes {
            if self.in_quotes {
                if self.after_quote {
                    self.after_quote = false;
                    if b == b'"' {
                        continue;
                    }
                    self.in_quotes = false;
                    self.field_start = ends_cell(b);
                    self.closed_inside |= !self.field_start;
                } else if b == b'"' {
                    self.after_quote = true;
                }
                continue;
            }
            if b == b'"' && self.field_start {
                self.in_quotes = true;
                self.field_start = false;
                continue;
            }
            self.field_start = ends_cell(b);
        }
    }
}

impl<R: Read> CsvReader<R> {
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
        let mut quoting = Quoting::new();
        let delimiter = self.style.delimiter;
        loop {
            self.fill().map_err(ReadError::Io)?;
            let input = &self.buf[self.pos..self.filled];
            // The input has ended: what is left of the record is all there is.
            let at_end = input.is_empty();
            let out_start = if problem.is_some() { 0 } else { out_len };
            let ends_start = if problem.is_some() { 0 } else { ends_len };
            let (res, nin, nout, nend) = self.core.read_record(
                input,
                &mut self.raw[out_start..],
                &mut self.raw_ends[ends_start..],
            );
            quoting.feed(&input[..nin], delimiter);
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
                    // The input ended inside a quoted cell of this record (a quote that
                    // closed it, as the last byte, aside). A quote inside an unquoted cell
                    // (`3"5`) opens none, as csv_core reads it.
                    let unclosed = at_end && quoting.in_quotes && !quoting.after_quote;
                    let (rows_inside, widest_line) = {
                        let (raw, ends) = (&self.raw[..out_len], &self.raw_ends[..ends_len]);
                        let fields = || {
                            let starts = std::iter::once(0).chain(ends.iter().copied());
                            starts.zip(ends).map(|(start, &end)| &raw[start..end])
                        };
                        match memchr::memchr(b'\n', raw) {
                            None => (false, 0),
                            Some(_) => (
                                super::record::rows_inside(fields(), delimiter),
                                super::record::widest_inner_line(fields(), delimiter),
                            ),
                        }
                    };
                    let mut next = self.decode(line, out_len, ends_len)?;
                    if let Next::Record(record) = &mut next {
                        record.unclosed = unclosed;
                        record.rows_inside = rows_inside;
                        record.widest_line = widest_line;
                        record.closed_inside = quoting.closed_inside;
                    }
                    return Ok(next);
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
}

#[cfg(test)]
mod quoting_tests {
    use super::super::{CsvReader, Next};
    use super::Quoting;
    use proptest::prelude::*;

    /// Whether the reader says the input ended inside a quoted cell of the last record, the
    /// record starting `offset` bytes before the first refill (64 KiB in).
    fn ends_unclosed(last: &str, offset: usize) -> bool {
        let pad = super::super::SNIFF_BYTES - offset - "H1,H2\nx,\n".len();
        let text = format!("H1,H2\nx,{}\n{last}", "p".repeat(pad));
        let mut r = CsvReader::new(text.as_bytes());
        let mut unclosed = None;
        loop {
            match r.next_record().unwrap() {
                Next::Record(rec) => unclosed = Some(rec.unclosed),
                Next::Skipped(..) => unclosed = None,
                Next::End => return unclosed.unwrap(),
            }
        }
    }

    /// A quote in an unquoted cell of the last record (`3"5`) flipped a count of its quotes:
    /// a quote then left open at the end was missed (the rows after it lost in its last cell),
    /// and a closed last record over two lines was said to be left open.
    #[test]
    fn a_stray_quote_in_the_last_record_flipped_whether_it_ended_open() {
        assert!(ends_unclosed("A,3\"5,\"note\nB,1,2\n", 100));
        assert!(!ends_unclosed("A,3\"5,\"note\nmore\"\n", 100));
        assert!(!ends_unclosed("A,3\"5,\"note\nmore\"", 100));
        assert!(ends_unclosed("A,\"x\"\"", 100));
    }

    proptest! {
        /// Whatever cells the last record holds (quoted, escaped, over two lines, a quote
        /// inside an unquoted cell), and wherever a refill cuts it, it is said to end inside a
        /// quoted cell exactly when its last cell opens a quote never closed.
        #[test]
        fn the_last_record_ends_open_exactly_when_its_last_quote_is_never_closed(
            cells in prop::collection::vec(
                prop::sample::select(vec!["v", "3\"5", "\"a,b\"", "\"a\"\"b\"", "\"l1\nl2\"", "\"\"", "x\"\""]),
                0..5,
            ),
            open in prop::sample::select(vec![None, Some("\"open"), Some("\"open\nB,1"), Some("\"a\"\"b"), Some("\"")]),
            end in prop::sample::select(vec!["", "\n", "\r\n"]),
            offset in 1usize..48,
        ) {
            let mut last: Vec<&str> = cells.clone();
            last.push(open.unwrap_or("w"));
            let last = format!("{}{end}", last.join(","));
            prop_assert_eq!(ends_unclosed(&last, offset), open.is_some(), "{:?}", last);
        }
    }

    fn closed_inside(bytes: &[u8], split: usize) -> bool {
        let mut q = Quoting::new();
        q.feed(&bytes[..split], b',');
        q.feed(&bytes[split..], b',');
        q.closed_inside
    }

    /// A quoted cell closed with more after it is found wherever the record's bytes are cut
    /// (a record read across two buffers); escaped quotes, quotes inside an unquoted cell and
    /// cells closed where they end are not.
    #[test]
    fn a_quoted_cell_closed_with_more_after_it_is_found_across_any_cut() {
        let cases: [(&[u8], bool); 8] = [
            (b"A,\"v\nB,\"x\"\"y\"\n", true),
            (b"A,\"3.5\"m\n", true),
            (b"A,\"a \"\"b\"\" c\",d\n", false),
            (b"A,\"v1\nv2\",d\n", false),
            (b"A,v\"x,\"y\"\n", false),
            (b"A,\"\"\n", false),
            (b"\"x\"\r\n", false),
            (b"A,\"x\",\"y\"z\n", true),
        ];
        for (bytes, want) in cases {
            for split in 0..=bytes.len() {
                assert_eq!(
                    closed_inside(bytes, split),
                    want,
                    "{:?} cut at {split}",
                    String::from_utf8_lossy(bytes)
                );
            }
        }
    }
}
