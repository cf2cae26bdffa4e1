//! One row of the editable table: its fields stored back to back in one allocation, and
//! written back as the bytes it was read from while its fields are still those.

use std::cell::RefCell;

use crate::table::verbatim::{encode_into, fields_line, splice, Euro, Raw, Splitter};
use crate::table::{Encoding, Style};

/// One row's fields, stored back to back with where each ends, in one allocation. A table
/// holds a million of these, so a row is its text and a few bytes more: the number of fields
/// and where each ends are written first, as ASCII bytes of 7 bits each, `w` bytes a number
/// (one byte for a row under 128 bytes, two under 16 KiB, as few as every number needs); the
/// first byte says `w`. A record is at most 1 MiB, and a cell typed in or read from a workbook
/// at most 32,767 characters, so `w` stays small, but any length is written.
#[derive(Clone, PartialEq, Eq)]
pub struct SheetRow {
    data: Box<str>,
    /// The line the row started on in the file (0 for rows added since); it names the bytes
    /// the row was read from, where they are kept.
    pub line: u64,
}

impl std::fmt::Debug for SheetRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetRow")
            .field(
                "fields",
                &(0..self.len()).map(|i| self.get(i)).collect::<Vec<_>>(),
            )
            .field("line", &self.line)
            .finish()
    }
}

/// Appends `n` as `w` ASCII bytes, 7 bits each, most significant first.
fn put(out: &mut String, n: usize, w: usize) {
    for k in (0..w).rev() {
        out.push(char::from(((n >> (7 * k)) & 0x7f) as u8));
    }
}

impl SheetRow {
    /// A row of these fields.
    pub fn new<'a>(fields: impl IntoIterator<Item = &'a str>, line: u64) -> SheetRow {
        // Built in buffers kept from row to row, then copied once: each row is one exact
        // allocation. Growing it field by field would leave a million freed pieces too small
        // to reuse.
        thread_local! {
            static BUFFER: RefCell<(String, Vec<usize>, String)> =
                const { RefCell::new((String::new(), Vec::new(), String::new())) };
        }
        BUFFER.with_borrow_mut(|(text, ends, data)| {
            text.clear();
            ends.clear();
            for f in fields {
                text.push_str(f);
                ends.push(text.len());
            }
            let largest = text.len().max(ends.len());
            let mut w = 1;
            while w < 10 && largest >> (7 * w) != 0 {
                w += 1;
            }
            data.clear();
            data.reserve(1 + w * (1 + ends.len()) + text.len());
            put(data, w, 1);
            put(data, ends.len(), w);
            for &end in ends.iter() {
                put(data, end, w);
            }
            data.push_str(text);
            SheetRow {
                data: Box::from(data.as_str()),
                line,
            }
        })
    }

    /// The bytes each number takes.
    fn width(&self) -> usize {
        usize::from(self.data.as_bytes()[0])
    }

    /// The number at byte `at`, `w` bytes long.
    fn number(&self, at: usize, w: usize) -> usize {
        self.data.as_bytes()[at..at + w]
            .iter()
            .fold(0, |n, &b| n << 7 | usize::from(b))
    }

    /// Where the text starts.
    fn text_at(&self, w: usize, n: usize) -> usize {
        1 + w * (1 + n)
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.number(1, self.width())
    }

    /// Whether the row has no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The empty text of a field the row does not have, at the row's own address: an empty
    /// literal points at no memory, and two of them compared (as keys of a map, or in a
    /// sort) go through `memcmp` at that address, where glibc's AVX-512 `memcmp` reads under
    /// an empty mask and the processor takes about 80 ns to suppress the fault of the read.
    fn no_field(&self) -> &str {
        &self.data[..0]
    }

    /// Field `i` ("" past the end).
    pub fn get(&self, i: usize) -> &str {
        let bytes = self.data.as_bytes();
        // A row under 128 bytes (most): one byte a number, each read where it lies.
        if bytes[0] == 1 {
            let n = usize::from(bytes[1]);
            if i >= n {
                return self.no_field();
            }
            let text = 2 + n;
            let end = usize::from(bytes[2 + i]);
            let start = if i == 0 { 0 } else { usize::from(bytes[1 + i]) };
            return &self.data[text + start..text + end];
        }
        let w = self.width();
        let n = self.number(1, w);
        if i >= n {
            return self.no_field();
        }
        let ends = 1 + w;
        let text = self.text_at(w, n);
        let end = self.number(ends + i * w, w);
        let start = if i == 0 {
            0
        } else {
            self.number(ends + (i - 1) * w, w)
        };
        &self.data[text + start..text + end]
    }

    /// Its township and village, trimmed, as rows are grouped and given a village's envelope
    /// and notice by ([`place_form`](crate::table::idform::place_form): a name on two lines
    /// is one place however its line ends); "" for a column the table lacks.
    pub fn place(&self, columns: &crate::table::Columns) -> (&str, &str) {
        use crate::table::Field;
        let get = |f: Field| {
            crate::table::idform::place_form(columns.index(f).map_or("", |i| self.get(i).trim()))
        };
        (get(Field::Township), get(Field::Village))
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

    /// The row's fields back to back.
    pub(in crate::table) fn text(&self) -> &str {
        let w = self.width();
        &self.data[self.text_at(w, self.number(1, w))..]
    }

    /// Where each field ends in [`SheetRow::text`].
    pub(in crate::table) fn ends(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        let w = self.width();
        (0..self.number(1, w)).map(move |i| self.number(1 + w + i * w, w))
    }

    /// The row as a record the table reader would have produced, its fields' ends written
    /// into `ends` (a buffer to reuse).
    pub fn record<'a>(&'a self, ends: &'a mut Vec<usize>) -> crate::table::Record<'a> {
        ends.clear();
        ends.extend(self.ends());
        let text = self.text();
        crate::table::Record::new(self.line, text, ends, text.contains('\n'))
    }

    /// Appends the row as a line of a file in `encoding` and `style`: `raw`, the bytes it was
    /// read from (if kept), when its fields are still those, else its fields anew and its own
    /// line end.
    // What it is written to, as what, and two buffers reused from row to row.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn write(
        &self,
        out: &mut Vec<u8>,
        raw: Option<&Raw>,
        encoding: Encoding,
        euro: Euro,
        style: Style,
        scratch: &mut Vec<u8>,
        splitter: &mut Splitter,
    ) {
        let tail = match raw {
            Some(raw) => {
                let (body, tail) = raw.bytes.split_at(raw.body);
                if splitter.holds(body, encoding, self.text(), self.ends()) {
                    out.extend_from_slice(&raw.bytes);
                    return;
                }
                // Edited: the fields it did not change stay as they were written.
                if let Some(line) = splice(
                    body,
                    self,
                    encoding,
                    euro,
                    style.delimiter,
                    splitter,
                    scratch,
                ) {
                    out.extend_from_slice(&line);
                    out.extend_from_slice(tail);
                    return;
                }
                tail
            }
            None => style.ending.bytes(),
        };
        fields_line(self.len(), |i| self.get(i), style.delimiter, scratch);
        encode_into(out, scratch, encoding, euro);
        out.extend_from_slice(tail);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9,\"]{0,6}",
            "[镇村组道路\n ]{0,40}",
            (0usize..20_000).prop_map(|n| "路".repeat(n)),
        ]
    }

    proptest! {
        #[test]
        fn a_row_gives_back_every_field_as_given_whatever_their_lengths(
            fields in prop::collection::vec(field(), 0..200),
            line in any::<u64>(),
        ) {
            let row = SheetRow::new(fields.iter().map(String::as_str), line);
            prop_assert_eq!(row.len(), fields.len());
            prop_assert_eq!(row.is_empty(), fields.is_empty());
            for (i, f) in fields.iter().enumerate() {
                prop_assert_eq!(row.get(i), f.as_str());
            }
            prop_assert_eq!(row.get(fields.len()), "");
            // A field past the end is empty at the row's own address, not at no memory.
            prop_assert_ne!(row.get(fields.len()).as_ptr(), "".as_ptr());
            prop_assert_ne!(row.get(fields.len() + 7).as_ptr(), "".as_ptr());
            prop_assert_eq!(row.text(), fields.concat());
            let ends: Vec<usize> = row.ends().collect();
            let mut at = 0;
            let want: Vec<usize> = fields.iter().map(|f| { at += f.len(); at }).collect();
            prop_assert_eq!(ends, want);
            prop_assert_eq!(row.line, line);
            prop_assert_eq!(row.clone(), row);
        }
    }

    #[test]
    fn a_short_row_takes_its_text_and_one_byte_a_field_more() {
        let row = SheetRow::new(["AY-0000001", "镇01", "村001", "", "社道"], 7);
        // One byte says how wide each number is, one the number of fields, one each end.
        assert_eq!(row.data.len(), "AY-0000001镇01村001社道".len() + 1 + 1 + 5);
        assert_eq!(std::mem::size_of::<SheetRow>(), 24);
        assert_eq!(row.get(3), "");
        assert_eq!(row.get(4), "社道");
        assert_eq!(
            format!("{row:?}"),
            r#"SheetRow { fields: ["AY-0000001", "镇01", "村001", "", "社道"], line: 7 }"#
        );
        // Past 127 bytes, two bytes a number.
        let long = "路".repeat(50);
        let row = SheetRow::new([long.as_str(), "x"], 0);
        assert_eq!(row.data.len(), 151 + 1 + 2 * 3);
        assert_eq!((row.get(0), row.get(1)), (long.as_str(), "x"));
    }
}
