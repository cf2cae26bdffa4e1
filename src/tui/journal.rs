//! The recovery journal: every change is appended to `FILE.roadsub-recovery` beside the data
//! and flushed at once, so a crash, a kill or a lost terminal loses no edit. A clean save or
//! quit removes the journal; finding one at start means edits were not saved.
//!
//! One change per line, fields separated by tabs, text escaped (`\t`, `\n`, `\r`, `\\`):
//! `set ROW COL FIELDS VALUE BEFORE...` (FIELDS: how many fields the row has after the change;
//! BEFORE: the row as it was), `ins AT FIELD...`, `del AT FIELD...` (the row deleted).

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::doc::Op;
use crate::table::sheet::SheetRow;

const MAGIC: &str = "roadsub-recovery 3";

/// `FILE.roadsub-recovery` beside `FILE`.
pub fn journal_path(data: &Path) -> PathBuf {
    let mut name = data.file_name().unwrap_or_default().to_os_string();
    name.push(".roadsub-recovery");
    data.with_file_name(name)
}

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

/// Whether `row` holds exactly `fields`: as many, each the same. A short row is only ever
/// equal to itself, never to a copy padded with empty fields.
fn same(row: &SheetRow, fields: &[String]) -> bool {
    row.len() == fields.len() && fields.iter().enumerate().all(|(i, f)| row.get(i) == f)
}

/// An open journal.
pub struct Journal {
    path: PathBuf,
    file: Option<File>,
    /// The data file's size and time when the changes began, which they apply to.
    base: String,
}

/// The form a file's size and modification time take in a journal's first line (`-` for a
/// table not saved yet).
pub fn base_of(stamp: Option<(u64, SystemTime)>) -> String {
    match stamp {
        Some((len, time)) => {
            let since = time
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default();
            format!("{len}\t{}.{:09}", since.as_secs(), since.subsec_nanos())
        }
        None => "-".to_string(),
    }
}

/// What an earlier session left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Left {
    /// The base the changes apply to ([`base_of`]).
    pub base: String,
    /// The changes.
    pub entries: Vec<Entry>,
}

/// A change as the journal keeps it (enough to redo it on the saved file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
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

impl Journal {
    /// A journal for the data file `data` as it is now (`base`, from [`base_of`]); the
    /// journal file is created on the first change.
    pub fn new(data: &Path, base: String) -> Journal {
        Journal {
            path: journal_path(data),
            file: None,
            base,
        }
    }

    /// Records a change that was just made; `before` is the row a [`Op::Set`] changed, exactly
    /// as it was (a short row stays short: it is what a restore will find in the file).
    /// Returns where a journal already there was set aside (an earlier session's that was not
    /// offered, such as an empty one), so nobody's unsaved changes are overwritten.
    pub fn record(&mut self, op: &Op, before: Option<&SheetRow>) -> io::Result<Option<PathBuf>> {
        let mut aside = None;
        if self.file.is_none() {
            if self.path.exists() {
                aside = Some(Self::set_aside_file(&self.path)?);
            }
            let mut f = OpenOptions::new()
                .create(true)
                .truncate(true)
                .write(true)
                .open(&self.path)?;
            writeln!(f, "{MAGIC}\t{}", self.base)?;
            self.file = Some(f);
        }
        let entry = Entry::of(op, before);
        let f = self.file.as_mut().expect("opened above");
        writeln!(f, "{}", entry.line())?;
        f.flush()?;
        Ok(aside)
    }

    /// Writes `left` as a journal at `to` (the changes a restore could not apply, kept for
    /// the user).
    pub fn write_left(to: &Path, left: &Left) -> io::Result<()> {
        let mut text = format!("{MAGIC}\t{}\n", left.base);
        for e in &left.entries {
            text.push_str(&e.line());
            text.push('\n');
        }
        fs::write(to, text)
    }

    /// Removes the journal (after a save, or when the user leaves without saving on purpose).
    pub fn clear(&mut self) {
        self.file = None;
        let _ = fs::remove_file(&self.path);
    }

    /// Moves a journal that no longer fits its file aside (`….old`), so nothing is lost and
    /// nothing is applied to the wrong rows.
    pub fn set_aside(data: &Path) -> io::Result<PathBuf> {
        Self::set_aside_file(&journal_path(data))
    }

    /// Renames a journal file to the first free `….old`, `….old.2`, … beside it.
    fn set_aside_file(journal: &Path) -> io::Result<PathBuf> {
        let to = (1..)
            .map(|n| {
                let mut to = journal.as_os_str().to_os_string();
                to.push(if n == 1 {
                    ".old".to_string()
                } else {
                    format!(".old.{n}")
                });
                PathBuf::from(to)
            })
            .find(|p| !p.exists())
            .expect("some name is free");
        fs::rename(journal, &to)?;
        Ok(to)
    }

    /// Whether a journal from an earlier session is waiting.
    pub fn exists(data: &Path) -> bool {
        journal_path(data).is_file()
    }

    /// Reads the changes of an earlier session; a damaged last line (a crash mid-write) is
    /// left out.
    pub fn read(data: &Path) -> io::Result<Left> {
        let file = File::open(journal_path(data))?;
        let mut lines = BufReader::new(file).lines();
        let first = lines.next().transpose()?.unwrap_or_default();
        let Some(base) = first.strip_prefix(MAGIC).and_then(|b| b.strip_prefix('\t')) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not a roadsub recovery journal",
            ));
        };
        let base = base.to_string();
        let mut entries = Vec::new();
        for line in lines {
            let line = line?;
            let parts: Vec<&str> = line.split('\t').collect();
            let num = |i: usize| parts.get(i).and_then(|p| p.parse::<usize>().ok());
            let entry = match parts.first().copied() {
                Some("set") if parts.len() >= 5 => {
                    num(1)
                        .zip(num(2))
                        .zip(num(3))
                        .map(|((row, col), fields)| Entry::Set {
                            row,
                            col,
                            fields,
                            value: unescape(parts[4]),
                            before: parts[5..].iter().map(|p| unescape(p)).collect(),
                        })
                }
                Some("ins") => num(1).map(|at| Entry::Insert {
                    at,
                    fields: parts[2..].iter().map(|p| unescape(p)).collect(),
                }),
                Some("del") => num(1).map(|at| Entry::Delete {
                    at,
                    fields: parts[2..].iter().map(|p| unescape(p)).collect(),
                }),
                _ => None,
            };
            match entry {
                Some(e) => entries.push(e),
                None => break,
            }
        }
        Ok(Left { base, entries })
    }
}

impl Entry {
    /// The entry for a change; `before` is the row an [`Op::Set`] changed, as it was.
    fn of(op: &Op, before: Option<&SheetRow>) -> Entry {
        match op {
            // With the row as it was, so a restore can tell it is changing the same row.
            Op::Set {
                row,
                col,
                new,
                fields: (_, fields),
                ..
            } => Entry::Set {
                row: *row,
                col: *col,
                fields: *fields,
                value: new.clone(),
                before: before.map(fields_of).unwrap_or_default(),
            },
            Op::Insert { at, row } => Entry::Insert {
                at: *at,
                fields: fields_of(row),
            },
            Op::Delete { at, row } => Entry::Delete {
                at: *at,
                fields: fields_of(row),
            },
        }
    }

    /// The entry as a line of the journal.
    fn line(&self) -> String {
        match self {
            Entry::Set {
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
            Entry::Insert { at, fields } => format!("ins\t{at}\t{}", joined(fields)),
            Entry::Delete { at, fields } => format!("del\t{at}\t{}", joined(fields)),
        }
    }

    /// The change to make on `rows` (None when it no longer fits them).
    pub fn to_op(&self, rows: &[SheetRow]) -> Option<Op> {
        Some(match self {
            Entry::Set {
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
            Entry::Insert { at, fields } => {
                if *at > rows.len() {
                    return None;
                }
                Op::Insert {
                    at: *at,
                    row: SheetRow::new(fields.iter().map(String::as_str), 0),
                }
            }
            Entry::Delete { at, fields } => Op::Delete {
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
    fn changes_survive_and_a_torn_last_line_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("plan.csv");
        let mut j = Journal::new(&data, "12\t34.000000005".into());
        let rows: Vec<SheetRow> = (0..3)
            .map(|i| SheetRow::new([format!("r{i}").as_str(), "3.5"], 0))
            .collect();
        let set = Op::set(2, &rows[2], 1, "4.5\ttab");
        j.record(&set, rows.get(2)).unwrap();
        j.record(
            &Op::Insert {
                at: 0,
                row: SheetRow::new(["a", "b\nc"], 0),
            },
            None,
        )
        .unwrap();
        j.record(
            &Op::Delete {
                at: 1,
                row: SheetRow::new(["x"], 0),
            },
            None,
        )
        .unwrap();
        let mut f = OpenOptions::new()
            .append(true)
            .open(journal_path(&data))
            .unwrap();
        write!(f, "set\t1").unwrap();
        assert!(Journal::exists(&data));
        let left = Journal::read(&data).unwrap();
        assert_eq!(left.base, "12\t34.000000005");
        assert_eq!(
            left.entries,
            [
                Entry::Set {
                    row: 2,
                    col: 1,
                    fields: 2,
                    value: "4.5\ttab".into(),
                    before: vec!["r2".into(), "3.5".into()]
                },
                Entry::Insert {
                    at: 0,
                    fields: vec!["a".into(), "b\nc".into()]
                },
                Entry::Delete {
                    at: 1,
                    fields: vec!["x".into()]
                },
            ]
        );
        // A change only goes back onto the row it was made on.
        let moved: Vec<SheetRow> = ["r2", "r0", "r1"]
            .iter()
            .map(|id| SheetRow::new([*id, "3.5"], 0))
            .collect();
        assert_eq!(left.entries[0].to_op(&moved), None);
        assert!(left.entries[0].to_op(&rows).is_some());
        j.clear();
        assert!(!Journal::exists(&data));
    }
}
