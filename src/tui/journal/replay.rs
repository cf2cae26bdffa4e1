//! Reading what an earlier session left, and putting each change back only onto the row it
//! was made on: a line that is not a change is kept apart, never applied, and the lines after
//! it are still read.

use std::fs;
use std::io;
use std::path::Path;

use super::{journal_path, Journal, JournalEntry, MAGIC};
use crate::table::sheet::SheetRow;
use crate::tui::doc::Op;

/// Whether `row` holds exactly `fields`: as many, each the same. A short row is only ever
/// equal to itself, never to a copy padded with empty fields.
fn same(row: &SheetRow, fields: &[String]) -> bool {
    row.len() == fields.len() && fields.iter().enumerate().all(|(i, f)| row.get(i) == f)
}

/// What an earlier session left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The base the changes apply to ([`super::base_of`]).
    pub base: String,
    /// The changes.
    pub entries: Vec<JournalEntry>,
    /// Lines that are not changes (damaged, or torn by a crash mid-write), as they were.
    pub bad: Vec<Vec<u8>>,
}

impl Journal {
    /// Writes `left` as a journal at `to` (the changes a restore could not apply, and the
    /// lines it could not read, kept for the user).
    pub fn write_left(to: &Path, left: &Leftover) -> io::Result<()> {
        let mut text = format!("{MAGIC}\t{}\n", left.base).into_bytes();
        for e in &left.entries {
            text.extend_from_slice(e.line().as_bytes());
            text.push(b'\n');
        }
        for line in &left.bad {
            text.extend_from_slice(line);
            text.push(b'\n');
        }
        fs::write(to, text)
    }

    /// Whether a journal from an earlier session is waiting.
    pub fn exists(data: &Path) -> bool {
        journal_path(data).is_file()
    }

    /// Reads the changes of an earlier session to a table of `width` columns. A line that is
    /// not a change (damaged, torn by a crash mid-write: no line end, or naming a column the
    /// table does not have) is kept in [`Leftover::bad`], and reading goes on.
    pub fn read(data: &Path, width: usize) -> io::Result<Leftover> {
        let bytes = fs::read(journal_path(data))?;
        let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        // What follows the last line end: empty, or a torn line.
        let mut torn = lines.pop().filter(|t| !t.is_empty());
        let mut lines = lines.into_iter();
        let first = match lines.next() {
            Some(first) => first,
            None => torn.take().unwrap_or_default(),
        };
        let Some(base) = std::str::from_utf8(first)
            .ok()
            .and_then(|f| f.strip_prefix(MAGIC))
            .and_then(|b| b.strip_prefix('\t'))
        else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not a roadsub recovery journal",
            ));
        };
        let mut left = Leftover {
            base: base.to_string(),
            entries: Vec::new(),
            bad: Vec::new(),
        };
        for line in lines {
            let entry = std::str::from_utf8(line).ok().and_then(JournalEntry::parse);
            match entry.filter(|e| e.within(width)) {
                Some(e) => left.entries.push(e),
                None => left.bad.push(line.to_vec()),
            }
        }
        left.bad.extend(torn.map(<[u8]>::to_vec));
        Ok(left)
    }
}

impl JournalEntry {
    /// Whether the change stays within a table of `width` columns. Every change made in the
    /// table does, as its columns never change; a column past them is a damaged number, and
    /// replaying it would grow a row to hold that many fields.
    fn within(&self, width: usize) -> bool {
        match self {
            JournalEntry::Set { col, .. } => *col < width,
            JournalEntry::Insert { .. } | JournalEntry::Delete { .. } => true,
        }
    }

    /// The change to make on `rows` (None when it no longer fits them).
    pub fn to_op(&self, rows: &[SheetRow]) -> Option<Op> {
        Some(match self {
            JournalEntry::Set {
                row,
                col,
                fields,
                value,
                before,
            } => {
                let current = rows.get(*row)?;
                if !same(current, before) {
                    return None;
                }
                Op::Set {
                    row: *row,
                    col: *col,
                    old: current.get(*col).to_string(),
                    new: value.clone(),
                    fields: (current.len(), *fields),
                }
            }
            JournalEntry::Insert { at, fields } => {
                if *at > rows.len() {
                    return None;
                }
                Op::Insert {
                    at: *at,
                    row: SheetRow::new(fields.iter().map(String::as_str), 0),
                }
            }
            JournalEntry::Delete { at, fields } => Op::Delete {
                at: *at,
                row: rows.get(*at).filter(|r| same(r, fields))?.clone(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_journal_line_hides_none_of_the_lines_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("plan.csv");
        fs::write(
            journal_path(&data),
            b"roadsub-recovery 3\t-\n\
              set\t0\t1\t2\tA\tr0\t3.5\n\
              seset\t1\t1\t2\tB\tr1\t3.5\n\
              set\t\xff\n\
              set\t2\t1\t2\tC\tr2\t3.5\n\
              set\t3\t1",
        )
        .unwrap();
        let left = Journal::read(&data, 2).unwrap();
        let values: Vec<&str> = left
            .entries
            .iter()
            .map(|e| match e {
                JournalEntry::Set { value, .. } => value.as_str(),
                _ => panic!("{e:?}"),
            })
            .collect();
        assert_eq!(values, ["A", "C"]);
        assert_eq!(
            left.bad,
            [
                b"seset\t1\t1\t2\tB\tr1\t3.5".to_vec(),
                b"set\t\xff".to_vec(),
                b"set\t3\t1".to_vec()
            ]
        );
        // Kept as they were, after the changes that did not fit.
        let to = dir.path().join("kept");
        Journal::write_left(&to, &left).unwrap();
        assert_eq!(
            fs::read(&to).unwrap(),
            b"roadsub-recovery 3\t-\n\
              set\t0\t1\t2\tA\tr0\t3.5\n\
              set\t2\t1\t2\tC\tr2\t3.5\n\
              seset\t1\t1\t2\tB\tr1\t3.5\n\
              set\t\xff\n\
              set\t3\t1\n"
        );
    }

    #[test]
    fn a_journal_entry_naming_a_huge_column_is_kept_aside_not_allocated() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("plan.csv");
        // A table of two columns: column 1 is its last, column 2 the first it does not have.
        fs::write(
            journal_path(&data),
            "roadsub-recovery 3\t-\n\
             set\t0\t1\t2\tA\tr0\t3.5\n\
             set\t1\t1000000000000\t1000000000001\tB\tr1\t3.5\n\
             set\t2\t18446744073709551615\t2\tC\tr2\t3.5\n\
             set\t3\t2\t3\tD\tr3\t3.5\n\
             ins\t0\ta\tb\tc\n",
        )
        .unwrap();
        let left = Journal::read(&data, 2).unwrap();
        assert_eq!(
            left.entries,
            [
                JournalEntry::Set {
                    row: 0,
                    col: 1,
                    fields: 2,
                    value: "A".into(),
                    before: vec!["r0".into(), "3.5".into()]
                },
                JournalEntry::Insert {
                    at: 0,
                    fields: vec!["a".into(), "b".into(), "c".into()]
                },
            ]
        );
        assert_eq!(
            left.bad,
            [
                b"set\t1\t1000000000000\t1000000000001\tB\tr1\t3.5".to_vec(),
                b"set\t2\t18446744073709551615\t2\tC\tr2\t3.5".to_vec(),
                b"set\t3\t2\t3\tD\tr3\t3.5".to_vec(),
            ]
        );
        let rows = [SheetRow::new(["r0", "3.5"], 0)];
        assert_eq!(
            left.entries[0].to_op(&rows),
            Some(Op::Set {
                row: 0,
                col: 1,
                old: "3.5".into(),
                new: "A".into(),
                fields: (2, 2)
            })
        );
        // Kept as they were, after the changes that can still be made.
        let to = dir.path().join("kept");
        Journal::write_left(&to, &left).unwrap();
        assert_eq!(
            fs::read_to_string(&to).unwrap(),
            "roadsub-recovery 3\t-\n\
             set\t0\t1\t2\tA\tr0\t3.5\n\
             ins\t0\ta\tb\tc\n\
             set\t1\t1000000000000\t1000000000001\tB\tr1\t3.5\n\
             set\t2\t18446744073709551615\t2\tC\tr2\t3.5\n\
             set\t3\t2\t3\tD\tr3\t3.5\n"
        );
    }
}
