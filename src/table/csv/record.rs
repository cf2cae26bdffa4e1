//! The record the reader hands on: its line and its fields, over text that is either the
//! fields back to back or a plain line as written, so that neither needs copying.

/// A problem confined to one record, which is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordProblem {
    /// Longer than [`MAX_RECORD_BYTES`](super::MAX_RECORD_BYTES).
    TooLong,
    /// More than [`MAX_FIELDS`](super::MAX_FIELDS) fields.
    TooManyFields,
    /// A quote is never closed, so the record takes in the lines after its own, up to line
    /// `last` (the interactive table finds this; the reader gives such a record as read).
    UnclosedQuote {
        last: u64,
        /// Whether a quote on line `last` closes it (a quote left open where its cell
        /// ends, closed by a later row's), rather than the file ending inside it.
        closed: bool,
    },
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
    /// Whether a field over several lines holds the delimiter (see [`rows_inside`]): lines
    /// taken in that read as rows of their own.
    pub rows_inside: bool,
    /// The most fields a whole line inside one of its cells has (see [`widest_inner_line`]):
    /// a row taken into a cell whole reads as one of the header's size.
    pub widest_line: usize,
    /// Whether the file ended inside one of its quoted fields: a quote never closed, which
    /// took every line after it into the field (with as many fields as the header, nothing
    /// else tells).
    pub unclosed: bool,
    /// Whether a quoted cell of it was closed with more after it (`"x"y`), which a quote
    /// left open takes in when a later row's quote closes it.
    pub closed_inside: bool,
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
            rows_inside: false,
            widest_line: 0,
            unclosed: false,
            closed_inside: false,
        }
    }

    /// A record over one plain line (see [`Lines`](super::Lines)) without its line end, whose
    /// fields end at `ends` and are separated by one delimiter byte.
    pub fn plain(line: u64, text: &'a str, ends: &'a [usize]) -> Record<'a> {
        Record {
            line,
            text,
            ends,
            gap: 1,
            multiline: false,
            rows_inside: false,
            widest_line: 0,
            unclosed: false,
            closed_inside: false,
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
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.gap
        };
        self.text.get(start..end)
    }

    /// Field `i`'s bytes, if there is one: what [`Record::get`] gives, without its check that
    /// the field begins and ends where a character does (it always does: a field ends at a
    /// one-byte delimiter or where the text ends): numbers are read from these bytes, and a
    /// class named in them is found by its bytes.
    #[inline]
    pub fn get_bytes(&self, i: usize) -> Option<&'a [u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.gap
        };
        self.text.as_bytes().get(start..end)
    }

    /// Whether rows after its own are taken into one of its cells by a quote not closed where
    /// it should be. With `expected` fields, the header's: a quote was closed with more after
    /// it, or the file ended inside one. With another number of fields, over several lines:
    /// also a cell over lines that holds the delimiter (rows taken in whole), or a field count
    /// more than one away from the header's (a quote opened in the last cell and closed in
    /// the next row's first takes that row's other fields into the record). A cell written
    /// over two lines on purpose (`"村委会⏎至三组"`) in a row with a field too many or too few
    /// is none of these: that row is only of the wrong size. What a batch run reports as a bad
    /// row naming the lines and a table read whole refuses.
    pub fn takes_in_rows(&self, expected: usize) -> bool {
        let odd = self.unclosed || self.closed_inside;
        self.multiline
            && match self.len() == expected {
                true => odd || self.holds_a_row(expected),
                false => odd || self.rows_inside || self.len().abs_diff(expected) > 1,
            }
    }

    /// Whether a whole line inside one of its cells has `expected` fields or more: a row of
    /// a table of that many columns taken into the cell whole, by a quote opened where it
    /// should not be and closed where a cell ends (`S1,t,"v⏎S2,t,v,…⏎S3,t,x",…`: a record of
    /// the header's size, each quote in place, and two rows gone into a village's name).
    pub fn holds_a_row(&self, expected: usize) -> bool {
        self.widest_line >= expected.max(2)
    }

    /// All fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// Whether one of `fields` holds a line break and `delimiter`: the lines a quote not closed
/// where it should be takes into a cell are rows (or the rest of one), with their
/// delimiters; a cell's text written over lines on purpose seldom holds one.
pub fn rows_inside<'a>(fields: impl IntoIterator<Item = &'a [u8]>, delimiter: u8) -> bool {
    fields.into_iter().any(|field| {
        memchr::memchr(b'\n', field).is_some() && memchr::memchr(delimiter, field).is_some()
    })
}

/// The most fields a line inside one of `fields` has, split at `delimiter`: a line between
/// two of a cell's line breaks, or its last line, after its last break (a line of the file
/// that the cell ends in: what it holds alone is a whole row when it has as many fields as
/// the header, review 32's `"12寸管⏎A3,…,3寸"` taking in the row A3). The cell's first line is
/// the end of the record's own line, never counted; 0 when no cell holds a line break.
pub fn widest_inner_line<'a>(fields: impl IntoIterator<Item = &'a [u8]>, delimiter: u8) -> usize {
    let mut widest = 0;
    for field in fields {
        let mut breaks = memchr::memchr_iter(b'\n', field);
        let Some(mut from) = breaks.next() else {
            continue;
        };
        for to in breaks {
            let line = &field[from + 1..to];
            widest = widest.max(memchr::memchr_iter(delimiter, line).count() + 1);
            from = to;
        }
        let last = &field[from + 1..];
        widest = widest.max(memchr::memchr_iter(delimiter, last).count() + 1);
    }
    widest
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

#[cfg(test)]
mod tests {
    use super::widest_inner_line;

    /// A cell's lines are counted for the fields they hold, its last line too (review 32: a
    /// row taken into a note whose quote closed at that row's end was not seen); its first
    /// line, the end of the record's own, never.
    #[test]
    fn a_cells_last_line_is_counted_its_first_never() {
        let w = |cells: &[&str]| widest_inner_line(cells.iter().map(|c| c.as_bytes()), b',');
        assert_eq!(w(&["12寸管\nA3,石鼓镇,大骥村,通村,4.5,2,160万,3寸"]), 8);
        assert_eq!(w(&["a,b,c,d\nend"]), 1);
        assert_eq!(w(&["x\na,b\nc"]), 2);
        assert_eq!(w(&["no break, here"]), 0);
        assert_eq!(w(&["第一行\n第二行，含一个,逗号"]), 2);
    }
}
