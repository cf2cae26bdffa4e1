//! The tables a comparison reads, and the checks on each as it is reached: standard input
//! and the output named as an input refused, a table that cannot be read, a column under a
//! computed column's name, a table whose columns are not the first's. Read whole or as they
//! are computed, each table meets these checks in the same order, so a comparison says the
//! same words and stops at the same table either way.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::{clashes_said, usage, Failure, EXIT_BAD_INPUT};
use crate::batch::spool::{needs_copy, Copies};
use crate::batch::{columns_differ, Input};
use crate::cli::to_stderr;
use crate::i18n::Lang;
use crate::report::compare::stream::{BodyRead, Inputs, Named, Reached};
use crate::report::compare::Table;
use crate::report::layout::Layout;
use crate::rules::RuleSet;
use crate::table::replace::is_same_file;
use crate::table::sheet::Sheet;
use crate::table::{Columns, Encoding, HeaderOptions, Rows, TableError};

/// How the tables are read: the command line's files and options.
pub(super) struct Reading<'a> {
    pub files: &'a [&'a PathBuf],
    /// Per file, where it is read from when not where it lies: a copy of a table that can be
    /// read only once (a pipe, `/dev/stdin`), which a comparison may read again
    /// ([`Reading::copy_what_reads_once`]).
    pub copies: Vec<Option<PathBuf>>,
    /// The output file, which no table may be.
    pub output: Option<&'a PathBuf>,
    /// `--sheet`, `--input-encoding`, `--amount-unit` and `--map`.
    pub sheet: Option<&'a str>,
    pub encoding: Option<Encoding>,
    pub header: &'a HeaderOptions,
    pub lang: Lang,
}

impl Reading<'_> {
    /// Copies every table that can be read only once (a pipe, `<(…)`, `/dev/stdin`, a named
    /// pipe) into a temporary file, read from then on: a comparison may read a table again
    /// (the end of a last line that may leave a quote open, a line only the loader of a table
    /// held whole judges, sums beyond the quick way's range), and such a table would then be
    /// empty or wait for ever for a writer that is gone. The copies go with what is returned.
    /// Standard input and the output file are left to be refused when they are reached.
    pub(super) fn copy_what_reads_once(&mut self) -> Result<Copies, Failure> {
        let once: Vec<usize> = (0..self.files.len())
            .filter(|&i| {
                let path = self.files[i];
                path.as_os_str() != "-"
                    && !self.output.is_some_and(|o| is_same_file(path, o))
                    && needs_copy(path)
            })
            .collect();
        let inputs: Vec<Input> = once
            .iter()
            .map(|&i| Input {
                label: self.files[i].display().to_string(),
                path: Some(self.files[i].to_path_buf()),
                encoding: None,
            })
            .collect();
        let copies =
            Copies::make(&inputs, std::io::stderr().is_terminal(), self.lang).map_err(|e| {
                let reason = self.lang.io_reason(&e.source);
                let label = e.label;
                Failure::new(
                    EXIT_BAD_INPUT,
                    match self.lang {
                        Lang::En => format!(
                            "cannot keep {label} in a temporary file to read it again: {reason}"
                        ),
                        Lang::Zh => format!("无法将 {label} 保存到临时文件以便再次读取：{reason}"),
                    },
                )
            })?;
        self.copies = vec![None; self.files.len()];
        for (n, &i) in once.iter().enumerate() {
            self.copies[i] = copies.path(n).map(Path::to_path_buf);
        }
        Ok(copies)
    }

    /// Refuses input `path` before it is read: standard input, or the output file.
    fn refuse(&self, path: &Path) -> Result<(), Failure> {
        let lang = self.lang;
        let label = path.display().to_string();
        if label == "-" {
            return Err(usage(lang.pick(
                "compare reads tables from files, not from standard input: give their paths",
                "compare 从文件读取路段表，不读标准输入：请给出文件路径",
            )));
        }
        if let Some(out) = self.output.filter(|o| is_same_file(path, o)) {
            return Err(usage(match lang {
                Lang::En => format!(
                    "-o {} is also an input ({label}); choose another output file",
                    out.display()
                ),
                Lang::Zh => format!(
                    "-o {} 同时也是输入文件（{label}）；请换一个输出文件",
                    out.display()
                ),
            }));
        }
        Ok(())
    }

    /// Where table `i` is read from: its copy, or the file itself.
    fn at(&self, i: usize) -> &Path {
        match self.copies.get(i) {
            Some(Some(copy)) => copy,
            _ => self.files[i],
        }
    }

    /// Table `i` read whole, or why it cannot be, as the command says it.
    fn sheet(&self, i: usize) -> Result<Sheet, Failure> {
        self.sheet_read(i)
            .map_err(|said| Failure::new(EXIT_BAD_INPUT, said))
    }

    /// [`Reading::sheet`], with why it cannot be read in words.
    fn sheet_read(&self, i: usize) -> Result<Sheet, String> {
        let label = self.files[i].display().to_string();
        Sheet::load_with(self.at(i), self.sheet, self.encoding, self.header)
            .map_err(|e| self.unreadable_said(&label, e))
    }

    /// Why table `label` cannot be read.
    fn unreadable(&self, label: &str, e: TableError) -> Failure {
        Failure::new(EXIT_BAD_INPUT, self.unreadable_said(label, e))
    }

    /// [`Reading::unreadable`] in words.
    fn unreadable_said(&self, label: &str, e: TableError) -> String {
        // The flag that names a table's encoding here is --input-encoding, as in batch.
        let e = match e {
            TableError::Encoding(mut e) => {
                e.flag = "--input-encoding";
                TableError::Encoding(e)
            }
            e => e,
        };
        e.render(label, self.lang)
    }

    /// Why table `label` is not read (said on standard error), when its columns are not
    /// those of the first table compared: each side must be what a batch run of these tables
    /// gives, and a batch run does not read such a table either.
    fn differs(
        &self,
        label: &str,
        first: &Columns,
        columns: &Columns,
        before: &RuleSet,
    ) -> Option<String> {
        let layout = Layout::new(first, before);
        layout
            .map(first, columns)
            .is_none()
            .then(|| columns_differ(label, first, columns, self.lang))
    }

    /// Every table read whole, and how many were not read (each said on standard error
    /// unless `quiet`): a table that cannot be read, whose columns clash with the rules, or
    /// whose columns are not the first's, as a batch run does not read it (review 33: a
    /// table that could not be read stopped the comparison, --keep-going or not).
    pub(super) fn load(
        &self,
        before: &RuleSet,
        after: &RuleSet,
        quiet: bool,
    ) -> Result<(Vec<Table>, usize), Failure> {
        let mut tables: Vec<Table> = Vec::with_capacity(self.files.len());
        let mut unread = 0;
        let mut not_read = |said: String| {
            if !quiet {
                to_stderr(&format!("{said}\n"));
            }
            unread += 1;
        };
        for (i, path) in self.files.iter().enumerate() {
            self.refuse(path)?;
            let sheet = match self.sheet_read(i) {
                Ok(sheet) => sheet,
                Err(said) => {
                    not_read(said);
                    continue;
                }
            };
            let label = path.display().to_string();
            // A workbook's rows are told by sheet, as in a batch run: plan.xlsx[计划]:3.
            let label = match &sheet.workbook {
                Some(w) => format!("{label}[{}]", w.sheet),
                None => label,
            };
            if let Some(said) = clashes_said(&label, &sheet.columns, (before, after), self.lang) {
                not_read(said);
                continue;
            }
            if let Some(first) = tables.first() {
                let first = &first.sheet.columns;
                if let Some(m) = self.differs(&label, first, &sheet.columns, before) {
                    not_read(m);
                    continue;
                }
            }
            tables.push(Table { label, sheet });
        }
        Ok((tables, unread))
    }
}

/// A CSV table whose header was read ahead.
struct Ahead {
    columns: Columns,
    rows: Option<Rows<std::fs::File>>,
}

/// The CSV tables of a comparison read as it is computed: every header read first (the
/// comparison's columns name the tables compared when there are several), each table's
/// checks made when the reader reaches it, in order.
pub(super) struct CsvInputs<'a> {
    reading: &'a Reading<'a>,
    before: &'a RuleSet,
    after: &'a RuleSet,
    /// Per input: its header and rows, when they could be read (else the input is refused
    /// when it is reached, in the words of a table read whole).
    ahead: Vec<Mutex<Option<Ahead>>>,
    /// Per input: its columns, when its header could be read.
    columns: Vec<Option<Columns>>,
    /// Per input: its place among the tables compared, when its rows are compared.
    places: Vec<Option<usize>>,
    /// Tables not read for their columns.
    unread: AtomicUsize,
}

impl<'a> CsvInputs<'a> {
    /// Reads every table's header.
    pub(super) fn open(
        reading: &'a Reading<'a>,
        before: &'a RuleSet,
        after: &'a RuleSet,
    ) -> CsvInputs<'a> {
        let mut ahead = Vec::new();
        let mut columns = Vec::new();
        for (i, path) in reading.files.iter().enumerate() {
            let opened = reading.refuse(path).ok().and_then(|_| {
                let file = std::fs::File::open(reading.at(i)).ok()?;
                crate::table::open_with(file, reading.encoding, reading.header).ok()
            });
            columns.push(opened.as_ref().map(|(c, _)| c.clone()));
            ahead.push(Mutex::new(opened.map(|(columns, rows)| Ahead {
                columns,
                rows: Some(rows),
            })));
        }
        // Which tables are compared, should every one be read: those whose columns are the
        // first's. (When one is not read, nothing is written.)
        let mut first: Option<&Columns> = None;
        let mut next = 0;
        let places = reading
            .files
            .iter()
            .zip(&columns)
            .map(|(path, c)| {
                let c = c.as_ref()?;
                let label = path.display().to_string();
                if clashes_said(&label, c, (before, after), reading.lang).is_some() {
                    return None;
                }
                match first {
                    // Not compared: said when it is reached.
                    Some(f) if reading.differs(&label, f, c, before).is_some() => return None,
                    Some(_) => {}
                    None => first = Some(c),
                }
                next += 1;
                Some(next - 1)
            })
            .collect();
        CsvInputs {
            reading,
            before,
            after,
            ahead,
            columns,
            places,
            unread: AtomicUsize::new(0),
        }
    }

    /// The tables compared, should every one be read.
    pub(super) fn named(&self) -> Vec<Named> {
        let mut named = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            if let (Some(_), Some(c)) = (self.places[i], c) {
                named.push(Named {
                    label: self.reading.files[i].display().to_string(),
                    units: c.units.clone(),
                });
            }
        }
        named
    }

    /// The bytes of every table, as far as they are known.
    pub(super) fn bytes(&self) -> u64 {
        let size = |i| self.reading.at(i).metadata().map_or(0, |m| m.len());
        (0..self.reading.files.len()).map(size).sum()
    }

    /// Tables not read for their columns.
    pub(super) fn unread(&self) -> usize {
        self.unread.load(Ordering::Relaxed)
    }
}

impl Inputs for CsvInputs<'_> {
    type Error = Failure;

    fn count(&self) -> usize {
        self.reading.files.len()
    }

    fn reach(&self, i: usize) -> Result<Option<Reached>, Failure> {
        let path = self.reading.files[i];
        self.reading.refuse(path)?;
        let ahead = self.ahead[i].lock().map(|mut a| a.take());
        let (columns, rows) = match ahead {
            Ok(Some(Ahead {
                columns,
                rows: Some(rows),
            })) => (columns, rows),
            // Its header could not be read: said as a table read whole says it, and not read.
            _ => {
                if let Err(said) = self.reading.sheet_read(i) {
                    to_stderr(&format!("{said}\n"));
                    self.unread.fetch_add(1, Ordering::Relaxed);
                    return Ok(None);
                }
                let label = path.display().to_string();
                let file = std::fs::File::open(self.reading.at(i))
                    .map_err(|e| self.reading.unreadable(&label, TableError::Io(e)))?;
                crate::table::open_with(file, self.reading.encoding, self.reading.header)
                    .map_err(|e| self.reading.unreadable(&label, e))?
            }
        };
        Ok(Some(Reached {
            path: self.reading.at(i).to_path_buf(),
            columns,
            rows,
            file: self.places[i],
        }))
    }

    fn settle(&self, i: usize, read: BodyRead) -> Result<(), Failure> {
        let path = self.reading.files[i];
        let label = path.display().to_string();
        let columns = match read {
            BodyRead::Clean => None,
            // The loader of a table held whole says whether it takes the table, and in
            // which words it does not.
            BodyRead::Unsure => Some(self.reading.sheet(i)?.columns),
            BodyRead::Failed(e) => {
                self.reading.sheet(i)?;
                return Err(self.reading.unreadable(&label, e));
            }
        };
        let Some(columns) = columns.or_else(|| self.columns[i].clone()) else {
            return Ok(());
        };
        if let Some(said) = clashes_said(
            &label,
            &columns,
            (self.before, self.after),
            self.reading.lang,
        ) {
            // Not compared (its place is none): not read, as a batch run does not read it.
            to_stderr(&format!("{said}\n"));
            self.unread.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if self.places[i].is_none() {
            let first = (0..i).find_map(|j| self.places[j].and(self.columns[j].as_ref()));
            if let Some(m) =
                first.and_then(|f| self.reading.differs(&label, f, &columns, self.before))
            {
                to_stderr(&format!("{m}\n"));
                self.unread.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table a comparison reads is read from a regular file (or is refused when it is
    /// reached): whatever reads a table again (a last line's end, the loader of a table held
    /// whole, sums made again) then finds the same bytes. A named pipe is copied, bytes for
    /// bytes; a regular file, a symlink to one, standard input (`-`, refused) and the output
    /// file (refused) are left where they are.
    #[cfg(target_os = "linux")]
    #[test]
    fn every_table_read_again_is_read_from_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let table = "编号,乡镇,村\r\nR1,石羊镇,\"村\"\"一\"\r\n".repeat(3000);
        let regular = dir.path().join("plan.csv");
        std::fs::write(&regular, &table).unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&regular, &link).unwrap();
        let fifo = dir.path().join("pipe.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let writer = {
            let (fifo, table) = (fifo.clone(), table.clone());
            std::thread::spawn(move || std::fs::write(fifo, table))
        };
        let stdin = PathBuf::from("-");
        let out = dir.path().join("out.csv");
        std::fs::write(&out, "").unwrap();
        let files = [&regular, &link, &fifo, &stdin, &out];
        let header = HeaderOptions::default();
        let mut reading = Reading {
            files: &files,
            copies: Vec::new(),
            output: Some(&out),
            sheet: None,
            encoding: None,
            header: &header,
            lang: Lang::En,
        };
        let copies = reading.copy_what_reads_once().unwrap();
        writer.join().unwrap().unwrap();
        assert_eq!(reading.at(0), regular);
        assert_eq!(reading.at(1), link);
        assert_eq!(reading.at(3), stdin);
        assert_eq!(reading.at(4), out);
        let copy = reading.at(2).to_path_buf();
        assert_ne!(copy, fifo);
        assert!(std::fs::metadata(&copy).unwrap().is_file());
        // Read twice, the same bytes.
        for _ in 0..2 {
            assert_eq!(std::fs::read_to_string(reading.at(2)).unwrap(), table);
        }
        drop(copies);
        assert!(!copy.exists(), "the copy goes with the run");
    }
}
