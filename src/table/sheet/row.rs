//! One row of the editable table: its fields stored back to back in one allocation, and
//! written back as the bytes it was read from while its fields are still those.

use std::cell::RefCell;

use crate::table::verbatim::{encode_into, fields_line, Raw, Splitter};
use crate::table::{Encoding, Style};

/// One row's fields, stored back to back. A table holds a million of these, so where each
/// field ends is kept in 32 bits: a row is far under 4 GiB (a record is at most 1 MiB; a
/// cell is typed in or read from a workbook, whose cells hold at most 32,767 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    text: Box<str>,
    ends: Box<[u32]>,
    /// The line the row started on in the file (0 for rows added since); it names the bytes
    /// the row was read from, where they are kept.
    pub line: u64,
}

impl SheetRow {
    /// A row of these fields.
    pub fn new<'a>(fields: impl IntoIterator<Item = &'a str>, line: u64) -> SheetRow {
        // Built in a buffer kept from row to row, then copied once: each row is one exact
        // allocation for its text and one for its ends. Growing them field by field would
        // leave a million freed pieces too small to reuse.
        thread_local! {
            static BUFFER: RefCell<(String, Vec<u32>)> = const { RefCell::new((String::new(), Vec::new())) };
        }
        BUFFER.with_borrow_mut(|(text, ends)| {
            text.clear();
            ends.clear();
            for f in fields {
                text.push_str(f);
                ends.push(u32::try_from(text.len()).expect("a row is far under 4 GiB"));
            }
            SheetRow {
                text: Box::from(text.as_str()),
                ends: Box::from(ends.as_slice()),
                line,
            }
        })
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no fields.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i` ("" past the end).
    pub fn get(&self, i: usize) -> &str {
        match self.ends.get(i) {
            Some(&end) => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
                &self.text[start..end as usize]
            }
            None => "",
        }
    }

    /// The row with field `i` set to `value` (padding with empty fields if the row is short).
    /// It is still the row of its line: written with that line's own line end, and as the line
    /// was read if it is set back.
    pub fn with(&self, i: usize, value: &str) -> SheetRow {
        let n = self.len().max(i + 1);
        let fields: Vec<&str> = (0..n)
            .map(|j| if j == i { value } else { self.get(j) })
            .collect();
        SheetRow::new(fields, self.line)
    }

    /// The row's fields back to back, and where each ends.
    pub(in crate::table) fn text(&self) -> &str {
        &self.text
    }

    /// Where each field ends in [`SheetRow::text`].
    pub(in crate::table) fn ends(&self) -> &[u32] {
        &self.ends
    }

    /// The row as a record the table reader would have produced, its fields' ends written
    /// into `ends` (a buffer to reuse).
    pub fn record<'a>(&'a self, ends: &'a mut Vec<usize>) -> crate::table::Record<'a> {
        ends.clear();
        ends.extend(self.ends.iter().map(|&e| e as usize));
        crate::table::Record::new(self.line, &self.text, ends, self.text.contains('\n'))
    }

    /// Appends the row as a line of a file in `encoding` and `style`: `raw`, the bytes it was
    /// read from (if kept), when its fields are still those, else its fields anew and its own
    /// line end.
    pub(super) fn write(
        &self,
        out: &mut Vec<u8>,
        raw: Option<&Raw>,
        encoding: Encoding,
        style: Style,
        scratch: &mut Vec<u8>,
        splitter: &mut Splitter,
    ) {
        let tail = match raw {
            Some(raw) => {
                let (body, tail) = raw.bytes.split_at(raw.body);
                if splitter.holds(body, encoding, &self.text, &self.ends) {
                    out.extend_from_slice(&raw.bytes);
                    return;
                }
                tail
            }
            None => style.ending.bytes(),
        };
        fields_line(self.len(), |i| self.get(i), style.delimiter, scratch);
        encode_into(out, scratch, encoding);
        out.extend_from_slice(tail);
    }
}
