//! How a change is written as one line of the journal, and read back: fields separated by
//! tabs, text escaped so that a field holds any tab, line end or backslash.

use crate::table::sheet::SheetRow;
use crate::tui::doc::Op;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
    out
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Fields as journal text.
fn joined(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| escape(f))
        .collect::<Vec<_>>()
        .join("\t")
}

/// A row's fields, as many as the row has.
fn fields_of(row: &SheetRow) -> Vec<String> {
    (0..row.len()).map(|i| row.get(i).to_string()).collect()
}

/// A change as the journal keeps it (enough to redo it on the saved file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalEntry {
    /// Set a field of a row that was `before`.
    Set {
        row: usize,
        col: usize,
        /// How many fields the row has after the change.
        fields: usize,
        value: String,
        before: Vec<String>,
    },
    /// Insert a row.
    Insert { at: usize, fields: Vec<String> },
    /// Delete a row that was `fields`.
    Delete { at: usize, fields: Vec<String> },
}

impl JournalEntry {
    /// The change a journal line holds (None when the line is not one).
    pub(super) fn parse(line: &str) -> Option<JournalEntry> {
        let parts: Vec<&str> = line.split('\t').collect();
        let num = |i: usize| parts.get(i).and_then(|p| p.parse::<usize>().ok());
        match parts.first().copied() {
            Some("set") if parts.len() >= 5 => {
                num(1)
                    .zip(num(2))
                    .zip(num(3))
                    .map(|((row, col), fields)| JournalEntry::Set {
                        row,
                        col,
                        fields,
                        value: unescape(parts[4]),
                        before: parts[5..].iter().map(|p| unescape(p)).collect(),
                    })
            }
            Some("ins") => num(1).map(|at| JournalEntry::Insert {
                at,
                fields: parts[2..].iter().map(|p| unescape(p)).collect(),
            }),
            Some("del") => num(1).map(|at| JournalEntry::Delete {
                at,
                fields: parts[2..].iter().map(|p| unescape(p)).collect(),
            }),
            _ => None,
        }
    }

    /// The entry for a change; `before` is the row an [`Op::Set`] changed, as it was.
    pub(super) fn of(op: &Op, before: Option<&SheetRow>) -> JournalEntry {
        match op {
            // With the row as it was, so a restore can tell it is changing the same row.
            Op::Set {
                row,
                col,
                new,
                fields: (_, fields),
                ..
            } => JournalEntry::Set {
                row: *row,
                col: *col,
                fields: *fields,
                value: new.clone(),
                before: before.map(fields_of).unwrap_or_default(),
            },
            Op::Insert { at, row } => JournalEntry::Insert {
                at: *at,
                fields: fields_of(row),
            },
            Op::Delete { at, row } => JournalEntry::Delete {
                at: *at,
                fields: fields_of(row),
            },
        }
    }

    /// The entry as a line of the journal.
    pub(super) fn line(&self) -> String {
        match self {
            JournalEntry::Set {
                row,
                col,
                fields,
                value,
                before,
            } => format!(
                "set\t{row}\t{col}\t{fields}\t{}\t{}",
                escape(value),
                joined(before)
            ),
            JournalEntry::Insert { at, fields } => format!("ins\t{at}\t{}", joined(fields)),
            JournalEntry::Delete { at, fields } => format!("del\t{at}\t{}", joined(fields)),
        }
    }
}
