//! Whether the table differs from the file on disk, however it got there: edits, undo, redo,
//! an edit typed back by hand, a row added and deleted again, saves in between.
//!
//! Keeping a copy of the saved rows would double the memory of a large table, and counting
//! changes goes wrong as soon as undo crosses a save. Instead the way back is kept: the
//! changes that, made to the rows as they are now, give the rows on disk. A change and the
//! change undoing it cancel at once (so undo and redo cost nothing); otherwise the way back is
//! played on a light overlay of the current rows — runs of them, and the few rows the changes
//! touch — and compared with them. That costs time in the number of changes since the save,
//! not in the number of rows.

use std::collections::HashMap;

use super::doc::{set_field, Op};
use crate::table::sheet::SheetRow;

/// The way from the current rows back to the saved ones, and what it says.
#[derive(Debug, Default)]
pub struct SinceSave {
    /// Changes to make, last first, to turn the current rows into the saved ones.
    back: Vec<Op>,
    modified: bool,
}

/// A piece of the saved table as seen from the current one.
#[derive(Debug, Clone)]
enum SavedPart {
    /// Current rows `start..start + len`, unchanged.
    Run { start: usize, len: usize },
    /// A row the way back put there.
    Row(SheetRow),
}

impl SavedPart {
    fn len(&self) -> usize {
        match self {
            SavedPart::Run { len, .. } => *len,
            SavedPart::Row(_) => 1,
        }
    }
}

/// Whether two rows hold the same fields (where they came from in the file aside).
fn same_fields(a: &SheetRow, b: &SheetRow) -> bool {
    a.len() == b.len() && (0..a.len()).all(|i| a.get(i) == b.get(i))
}

impl SinceSave {
    /// Whether the rows differ from the saved ones.
    pub fn modified(&self) -> bool {
        self.modified
    }

    /// The rows are now the saved ones.
    pub fn saved(&mut self) {
        self.back.clear();
        self.modified = false;
    }

    /// `op` was just made; `rows` are the rows after it.
    pub fn applied(&mut self, op: &Op, rows: &[SheetRow]) {
        if self.back.last() == Some(op) {
            // `op` takes back the last change: back to where it started.
            self.back.pop();
        } else {
            self.back.push(op.inverse());
        }
        self.modified = !self.back.is_empty() && !self.changes_nothing(rows);
    }

    /// Whether the way back, played on `rows`, gives the same fields in every row.
    fn changes_nothing(&self, rows: &[SheetRow]) -> bool {
        let inserts = self
            .back
            .iter()
            .filter(|o| matches!(o, Op::Insert { .. }))
            .count();
        let deletes = self
            .back
            .iter()
            .filter(|o| matches!(o, Op::Delete { .. }))
            .count();
        if inserts != deletes {
            return false;
        }
        if inserts == 0 {
            return self.sets_change_nothing(rows);
        }
        let mut pieces = vec![SavedPart::Run {
            start: 0,
            len: rows.len(),
        }];
        for op in self.back.iter().rev() {
            match op {
                Op::Set {
                    row,
                    col,
                    new,
                    fields: (_, n),
                    ..
                } => {
                    let i = split(&mut pieces, *row);
                    let old = match &pieces[i] {
                        SavedPart::Run { start, .. } => rows[*start].clone(),
                        SavedPart::Row(r) => r.clone(),
                    };
                    split(&mut pieces, *row + 1);
                    pieces[i] = SavedPart::Row(set_field(&old, *col, new, *n));
                }
                Op::Insert { at, row } => {
                    let i = split(&mut pieces, *at);
                    pieces.insert(i, SavedPart::Row(row.clone()));
                }
                Op::Delete { at, .. } => {
                    let i = split(&mut pieces, *at);
                    split(&mut pieces, *at + 1);
                    pieces.remove(i);
                }
            }
        }
        // The saved rows, piece by piece, against the current rows in the same places.
        let mut at = 0;
        for p in &pieces {
            let equal = match p {
                SavedPart::Run { start, len } => {
                    *start == at || (0..*len).all(|k| same_fields(&rows[start + k], &rows[at + k]))
                }
                SavedPart::Row(r) => same_fields(r, &rows[at]),
            };
            if !equal {
                return false;
            }
            at += p.len();
        }
        true
    }
}

impl SinceSave {
    /// [`Self::changes_nothing`] for a way back of field changes only (the usual case): the
    /// rows they touch, each played through its changes, in time linear in their number.
    fn sets_change_nothing(&self, rows: &[SheetRow]) -> bool {
        let mut touched: HashMap<usize, SheetRow> = HashMap::new();
        for op in self.back.iter().rev() {
            if let Op::Set {
                row,
                col,
                new,
                fields: (_, n),
                ..
            } = op
            {
                let now = touched.get(row).unwrap_or(&rows[*row]);
                let then = set_field(now, *col, new, *n);
                touched.insert(*row, then);
            }
        }
        touched.iter().all(|(r, then)| same_fields(then, &rows[*r]))
    }
}

/// Makes a piece start at row `at` (splitting a run), and returns its index (`pieces.len()`
/// at the end).
fn split(pieces: &mut Vec<SavedPart>, at: usize) -> usize {
    let mut pos = 0;
    for i in 0..pieces.len() {
        let len = pieces[i].len();
        if pos == at {
            return i;
        }
        if at < pos + len {
            let SavedPart::Run { start, .. } = pieces[i] else {
                unreachable!("a single row starts where it is")
            };
            let head = at - pos;
            pieces[i] = SavedPart::Run { start, len: head };
            pieces.insert(
                i + 1,
                SavedPart::Run {
                    start: start + head,
                    len: len - head,
                },
            );
            return i + 1;
        }
        pos += len;
    }
    pieces.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: &[&str]) -> SheetRow {
        SheetRow::new(fields.iter().copied(), 0)
    }

    #[test]
    fn a_change_typed_back_by_hand_or_a_row_added_and_deleted_is_no_change() {
        let mut rows = vec![row(&["a", "1"]), row(&["b", "2"]), row(&["c", "3"])];
        let mut since = SinceSave::default();
        let make = |since: &mut SinceSave, rows: &mut Vec<SheetRow>, op: Op| {
            match &op {
                Op::Set {
                    row,
                    col,
                    new,
                    fields,
                    ..
                } => rows[*row] = set_field(&rows[*row], *col, new, fields.1),
                Op::Insert { at, row } => rows.insert(*at, row.clone()),
                Op::Delete { at, .. } => {
                    rows.remove(*at);
                }
            }
            since.applied(&op, rows);
        };
        let to_9 = Op::set(1, &rows[1], 1, "9");
        make(&mut since, &mut rows, to_9);
        assert!(since.modified());
        let other = Op::set(2, &rows[2], 0, "z");
        make(&mut since, &mut rows, other);
        let back = Op::set(1, &rows[1], 1, "2");
        make(&mut since, &mut rows, back);
        assert!(since.modified(), "c is still z");
        let back = Op::set(2, &rows[2], 0, "c");
        make(&mut since, &mut rows, back);
        assert!(!since.modified(), "every field is as saved");
        // A row added at the top, edited, then deleted.
        let added = Op::Insert {
            at: 0,
            row: row(&["n", ""]),
        };
        make(&mut since, &mut rows, added);
        let edit = Op::set(0, &rows[0], 1, "5");
        make(&mut since, &mut rows, edit);
        assert!(since.modified());
        let gone = Op::Delete {
            at: 0,
            row: rows[0].clone(),
        };
        make(&mut since, &mut rows, gone);
        assert!(!since.modified());
        // Two rows swapped by delete and insert differ until swapped back.
        let a = rows[0].clone();
        make(
            &mut since,
            &mut rows,
            Op::Delete {
                at: 0,
                row: a.clone(),
            },
        );
        make(&mut since, &mut rows, Op::Insert { at: 1, row: a });
        assert!(since.modified());
        let a = rows[1].clone();
        make(
            &mut since,
            &mut rows,
            Op::Delete {
                at: 1,
                row: a.clone(),
            },
        );
        make(&mut since, &mut rows, Op::Insert { at: 0, row: a });
        assert!(!since.modified());
        // A short row grown by an edit is not the same when the field is emptied again.
        let mut short = vec![row(&["s"])];
        let mut since = SinceSave::default();
        let grow = Op::set(0, &short[0], 1, "x");
        make(&mut since, &mut short, grow);
        let empty = Op::set(0, &short[0], 1, "");
        make(&mut since, &mut short, empty);
        assert!(since.modified(), "{short:?} has two fields, the file one");
    }
}
