//! A whole segment table in memory, for editing: rows kept as written (unknown columns, odd
//! rows and all) and saved back in the file's own encoding, separator and line endings.
//!
//! Saving changes nothing the user did not edit: a row whose fields, written anew, would not
//! give back the bytes it was read from (its quoting, its own line end, blank lines after it)
//! has those bytes kept beside the table under its line, and an untouched row is written from
//! them. Only such rows have them kept, so an ordinary table takes no more memory than its
//! fields, and a row no more than before. A file with a line that cannot be
//! kept (over 1 MiB, over 4096 fields, not text in the file's encoding), or a quote never
//! closed that takes later lines into a cell, is not opened at all.

use std::path::Path;

use super::{Columns, Encoding, Field, Style};
use crate::i18n::Lang;
use crate::table::verbatim::Raw;
pub use judge::Judged;
pub use row::SheetRow;
pub use save::{backup_path, BackupFailed};
pub use stamp::Stamp;

mod judge;
mod load;
pub(crate) use load::line_breaks;
mod row;
mod save;
mod stamp;

/// A table in memory.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The header and what each column holds.
    pub columns: Columns,
    /// The rows in file order.
    pub rows: Vec<SheetRow>,
    /// The file's encoding (kept on save).
    pub encoding: Encoding,
    /// BOM, separator and line endings (kept on save).
    pub style: Style,
    /// What comes before the header (blank lines), as read.
    preamble: Box<[u8]>,
    /// The header line as read, line end and blank lines after it included.
    header: Option<Box<[u8]>>,
    /// The bytes of the rows that writing their fields anew would not give back, by line (in
    /// order).
    kept: Vec<(u64, Raw)>,
    /// The file when read or saved, to notice changes by others.
    pub stamp: Option<Stamp>,
    /// Where the table came from when it is a workbook's sheet (saving writes a workbook).
    pub workbook: Option<WorkbookOrigin>,
    /// Rows whose cell in a known column holds a formula with no saved result, by line (in
    /// order), with that cell's column (the first such, as a batch run names it).
    no_result: Vec<(u64, usize)>,
    /// Cells in known columns holding a formula whose saved result may be out of date (the
    /// workbook asks to be recalculated when opened), by line and column (in order), with
    /// the text read: until another value is typed there, the row is not computed.
    stale: Vec<(u64, usize, Box<str>)>,
    /// The rows (by line, in order) the workbook's sheet hides: a segment's is not computed
    /// ([`crate::table::workbook::hidden`]).
    hidden: Vec<u64>,
    /// Each row with a cell of its own value under a merge that starts above it, the cell's
    /// column and the merge, by row (`WorkbookTable::under_merge`): refused while the cell is
    /// blank.
    pub(crate) under_merge: Vec<(u64, usize, String)>,
    /// Only the first rows of the file were read (to show while the rest is read): such a
    /// sheet is never saved.
    partial: bool,
    /// Read to be looked at only ([`Sheet::load_to_look`]): the bytes a save needs to give
    /// rows back as they were read are not kept, so such a sheet is never saved.
    looked: bool,
}

/// The workbook a table was read from (saving edits it in place where it can).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookOrigin {
    /// The file.
    pub path: std::path::PathBuf,
    /// The sheet edited.
    pub sheet: String,
    /// The other sheets.
    pub others: Vec<String>,
    /// The rows above the header (titles), their cells as read: a copy of the table in
    /// another file (a CSV, a new workbook) keeps them, and so reads the same (a title row's
    /// `单位：万元`).
    pub titles: Vec<Vec<String>>,
    /// The header options it was read under (`--map`, `--amount-unit`): a save reads it
    /// again under them.
    pub options: crate::table::HeaderOptions,
    /// The first cell of the table's rows holding a formula, and its formula (`I3`, `=H3+4`).
    pub formula: Option<(String, String)>,
    /// Whether the formulas' results saved in the file may be out of date: it asks to be
    /// recalculated when opened (as a save of roadsub's in place with edits asks it).
    pub recalc_pending: bool,
    /// Each township, village or class cell the merge above it filled, and the row it was
    /// filled from ([`crate::table::workbook::WorkbookTable::merged_from`]).
    pub merged_from: Vec<((u64, usize), u64)>,
    /// The table's rows as the file holds them ([`rows_hash`]): a table that differs was
    /// edited since.
    pub rows_hash: u64,
}

/// A fingerprint of rows: their lines and every field.
pub fn rows_hash(rows: &[SheetRow]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    for r in rows {
        r.line.hash(&mut h);
        r.len().hash(&mut h);
        for i in 0..r.len() {
            r.get(i).hash(&mut h);
        }
    }
    h.finish()
}

impl Sheet {
    /// A new, empty table in `encoding` (UTF-8 with a BOM when `None`), with every column
    /// roadsub knows, named in `lang`.
    pub fn empty_in(lang: Lang, encoding: Option<Encoding>) -> Sheet {
        let mut sheet = Sheet::empty(lang);
        if encoding == Some(Encoding::Gb18030) {
            sheet.encoding = Encoding::Gb18030;
            sheet.style.bom = false;
        }
        sheet
    }

    /// A new, empty table with the columns of SPEC §4, named in `lang` (the gap's other
    /// sources, disbursed and priority are added by opening a table that has them).
    pub fn empty(lang: Lang) -> Sheet {
        let names: Vec<&str> = Field::ALL[..12]
            .iter()
            .copied()
            .filter(|&f| f != Field::CostPerKm)
            .map(|f| f.display(lang))
            .collect();
        let columns = Columns::from_header(names).expect("every field's own name is recognised");
        Sheet {
            columns,
            rows: Vec::new(),
            encoding: Encoding::Utf8,
            style: Style {
                bom: true,
                ..Style::default()
            },
            preamble: Box::default(),
            header: None,
            kept: Vec::new(),
            stamp: None,
            workbook: None,
            no_result: Vec::new(),
            stale: Vec::new(),
            hidden: Vec::new(),
            under_merge: Vec::new(),
            partial: false,
            looked: false,
        }
    }

    /// The column of the cell of the row read from `line` that holds a formula with no saved
    /// result, if there is one (a workbook written by a program that does not calculate).
    pub fn formula_without_result(&self, line: u64) -> Option<usize> {
        if self.no_result.is_empty() || line == 0 {
            return None;
        }
        let i = self
            .no_result
            .binary_search_by_key(&line, |&(l, _)| l)
            .ok()?;
        Some(self.no_result[i].1)
    }

    /// Whether cells of the table's rows hold formulas whose saved results may be out of date
    /// ([`Sheet::mark_stale`]).
    pub fn has_stale_formulas(&self) -> bool {
        !self.stale.is_empty()
    }

    /// Takes the cells at `cells` (row from 1, column) for formulas whose saved results may be
    /// out of date: those of the table's rows in known columns, with the text each holds.
    pub(crate) fn mark_stale(&mut self, cells: &[(u64, usize)]) {
        let mut by_line: Vec<(u64, usize)> = (self.rows.iter().enumerate())
            .map(|(i, r)| (r.line, i))
            .collect();
        by_line.sort_unstable();
        let mut ends = Vec::new();
        self.stale = cells
            .iter()
            .filter(|&&(line, col)| line != 0 && self.columns.field_at(col).is_some())
            .filter_map(|&(line, col)| {
                let at = by_line.binary_search_by_key(&line, |&(l, _)| l).ok()?;
                let row = &self.rows[by_line[at].1];
                // A 合计 row's sums, a note row's text: none of a segment's.
                let record = row.record(&mut ends);
                crate::table::row::not_a_segment(&record, &self.columns)
                    .is_none()
                    .then(|| (line, col, row.get(col).into()))
            })
            .collect();
        self.stale.sort_unstable();
    }

    /// The column of the first cell of `row` that holds a formula whose saved result may be
    /// out of date (read from a workbook that asks to be recalculated when opened) and still
    /// holds the result read, if there is one.
    pub fn formula_maybe_stale(&self, row: &SheetRow) -> Option<usize> {
        if self.stale.is_empty() || row.line == 0 {
            return None;
        }
        let from = self.stale.partition_point(|&(l, ..)| l < row.line);
        self.stale[from..]
            .iter()
            .take_while(|&&(l, ..)| l == row.line)
            .find(|(_, col, read)| row.get(*col) == &**read)
            .map(|&(_, col, _)| col)
    }

    /// Whether the workbook's sheet hides rows of the table.
    pub fn has_hidden_rows(&self) -> bool {
        !self.hidden.is_empty()
    }

    /// Whether the workbook's sheet hides the row read from `line`.
    /// The cell of row `row`'s own value under a merge that starts above it, while it is
    /// blank: its column and the merge ([`Sheet::under_merge`]).
    pub fn under_merge(&self, row: &SheetRow) -> Option<(usize, &str)> {
        if self.under_merge.is_empty() || row.line == 0 {
            return None;
        }
        let i = (self.under_merge)
            .binary_search_by_key(&row.line, |u| u.0)
            .ok()?;
        let (_, col, range) = &self.under_merge[i];
        crate::table::workbook::merged::blank(row.get(*col)).then_some((*col, range.as_str()))
    }

    pub fn is_hidden(&self, line: u64) -> bool {
        line != 0 && self.hidden.binary_search(&line).is_ok()
    }

    /// Whether only the first rows of the file were read ([`Sheet::load_head`]): the sheet
    /// is not the table, and saving it would lose the rest.
    pub fn is_partial(&self) -> bool {
        self.partial
    }

    /// Whether the file changed on disk since it was read or saved: another file now (device
    /// and inode), another size or time, or other bytes (read again to tell).
    pub fn changed_on_disk(&self, path: &Path) -> bool {
        self.stamp.is_some_and(|then| !then.still(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::{self, File};

    #[test]
    fn a_partly_read_table_is_never_saved_over_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let text = "id,township,village,class,width_m,length_km,cost\n\
                    A,t,v,village,4.5,1,1\nB,t,v,village,4.5,1,2\nC,t,v,village,4.5,1,3\n";
        fs::write(&path, text).unwrap();
        let mut head = Sheet::load_head(&path, None, &Default::default(), 2).unwrap();
        assert!(head.is_partial());
        assert_eq!(head.rows.len(), 2);
        assert_eq!(head.stamp, None, "part of a file stands for no file");
        head.rows[0] = head.rows[0].with(6, "9");
        let e = head.save(&path).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        assert!(!backup_path(&path).exists());
        // Read whole, the same file saves.
        let mut whole = Sheet::load(&path).unwrap();
        assert!(!whole.is_partial());
        assert_eq!(whole.rows.len(), 3);
        whole.save(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn changes_by_others_are_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        fs::write(&path, "id,township,village,class,width_m,length_km,cost\n").unwrap();
        let sheet = Sheet::load(&path).unwrap();
        assert!(!sheet.changed_on_disk(&path));
        fs::write(
            &path,
            "id,township,village,class,width_m,length_km,cost\nA,t,v,village,4.5,1,1\n",
        )
        .unwrap();
        assert!(sheet.changed_on_disk(&path));
    }

    /// Writes `bytes` over `path` in place (same file) and puts its modification time back,
    /// as `cp -p`, `rsync -t` or `touch -r` would.
    fn overwrite_keeping_time(path: &Path, bytes: &[u8]) {
        let time = fs::metadata(path).unwrap().modified().unwrap();
        fs::write(path, bytes).unwrap();
        let f = File::options().write(true).open(path).unwrap();
        f.set_modified(time).unwrap();
    }

    #[test]
    fn a_same_size_change_with_its_time_put_back_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let head = "id,township,village,class,width_m,length_km,cost\n";
        fs::write(&path, format!("{head}A,t,v,village,4.5,1,1\n")).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        let then = sheet.stamp.unwrap();
        overwrite_keeping_time(&path, format!("{head}A,t,v,village,3.5,1,1\n").as_bytes());
        let now = Stamp::of(&path, then.hash).unwrap();
        assert_eq!(now, then, "size, time and file all as they were");
        assert!(sheet.changed_on_disk(&path));
        // Put back as it was read: no change.
        overwrite_keeping_time(&path, format!("{head}A,t,v,village,4.5,1,1\n").as_bytes());
        assert!(!sheet.changed_on_disk(&path));
        // The same bytes and time, but another file renamed over it: a change.
        let other = dir.path().join("other.csv");
        fs::copy(&path, &other).unwrap();
        File::options()
            .write(true)
            .open(&other)
            .unwrap()
            .set_modified(then.modified)
            .unwrap();
        fs::rename(&other, &path).unwrap();
        assert!(sheet.changed_on_disk(&path));
        // After a save, the file as saved is the one compared.
        sheet.rows[0] = sheet.rows[0].with(6, "2");
        sheet.save(&path).unwrap();
        assert!(!sheet.changed_on_disk(&path));
        overwrite_keeping_time(&path, format!("{head}A,t,v,village,4.5,1,3\n").as_bytes());
        assert!(sheet.changed_on_disk(&path));
    }

    #[test]
    fn a_workbook_changed_in_place_with_its_time_put_back_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.xlsx");
        let mut sheet = Sheet::empty(Lang::En);
        sheet.save(&path).unwrap();
        assert!(!sheet.changed_on_disk(&path));
        let sheet = Sheet::load(&path).unwrap();
        assert!(!sheet.changed_on_disk(&path));
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        overwrite_keeping_time(&path, &bytes);
        assert!(sheet.changed_on_disk(&path));
    }
}
