//! Writing the table back: its bytes in its own encoding and style (untouched lines as they
//! were read), saved atomically with the previous version kept as `FILE.bak`.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use super::stamp::{hash_of, Stamp};
use super::Sheet;
use crate::table::replace::Replacement;
use crate::table::verbatim::{encode_into, fields_line, Euro, Splitter};
use crate::table::Encoding;

impl Sheet {
    /// The table as bytes in its own encoding and style: untouched lines as they were read.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.written(None)
    }

    /// Whether the table's text holds a character GBK lacks (😀, 𠀀): a GB18030 table that
    /// does is GB18030 through and through (as Excel and WPS on Windows do not write it), and
    /// takes more such characters and writes € as GB18030 does.
    pub fn holds_beyond_gbk(&self) -> bool {
        let lacks = |text: &str| !text.is_ascii() && encoding_rs::GBK.encode(text).2;
        self.columns.names.iter().any(|n| lacks(n))
            || self
                .rows
                .iter()
                .any(|r| (0..r.len()).any(|i| lacks(r.get(i))))
    }

    /// The one form € has in the bytes kept as read (every row holding a €, the header and
    /// what is above it), if it has one: a € typed into a file that writes it A2 E3 is
    /// written so too, not beside them as 0x80, and one typed into a file that writes 0x80
    /// stays 0x80 though the table holds characters beyond GBK.
    fn euro_as_read(&self) -> Option<Euro> {
        let (mut cp936, mut gb18030) = (false, false);
        let kept = self.kept.iter().map(|(_, raw)| &raw.bytes[..]);
        for bytes in [
            &self.preamble[..],
            self.header.as_deref().unwrap_or_default(),
        ]
        .into_iter()
        .chain(kept)
        {
            let (c, g) = crate::table::verbatim::euro_forms(bytes);
            cp936 |= c;
            gb18030 |= g;
        }
        match (cp936, gb18030) {
            (false, true) => Some(Euro::Gb18030),
            (true, false) => Some(Euro::Cp936),
            _ => None,
        }
    }

    /// The line each row starts on in the file [`Sheet::to_bytes`] writes, from 1, counted as
    /// a table is read (an LF, a CR LF and a lone CR each end a line; a line break inside a
    /// quoted cell too): the line a batch run of the saved table gives each row. A row's own
    /// `line` is where it was read (0 for one added), which rows added or deleted since leave
    /// behind.
    pub fn lines_as_written(&self) -> Vec<u64> {
        let mut starts = Vec::with_capacity(self.rows.len());
        let bytes = self.written(Some(&mut starts));
        let mut lines = Vec::with_capacity(starts.len());
        let mut starts = starts.into_iter().peekable();
        let mut ends = 0u64;
        for (i, &b) in bytes.iter().enumerate() {
            while starts.next_if_eq(&i).is_some() {
                lines.push(ends + 1);
            }
            match b {
                b'\n' => ends += 1,
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => ends += 1,
                _ => {}
            }
        }
        lines.extend(starts.map(|_| ends + 1));
        lines
    }

    /// The title rows of the workbook the table was read from, as lines of this table's CSV:
    /// a copy as CSV keeps them (their `单位：万元` is the unit its bare amounts are read in).
    /// Nothing for a table read from a CSV file, whose title rows are its preamble.
    fn workbook_titles(&self, euro: Euro) -> Vec<u8> {
        let mut out = Vec::new();
        let Some(origin) = &self.workbook else {
            return out;
        };
        let mut line = Vec::new();
        for title in &origin.titles {
            fields_line(title.len(), |i| &title[i], self.style.delimiter, &mut line);
            encode_into(&mut out, &line, self.encoding, euro);
            out.extend_from_slice(self.style.ending.bytes());
        }
        out
    }

    /// The rows above the header, cell by cell: a workbook's as read, a CSV file's as its
    /// preamble reads (a copy of the table as a new workbook keeps them).
    pub fn title_rows(&self) -> Vec<Vec<String>> {
        if let Some(origin) = &self.workbook {
            return origin.titles.clone();
        }
        let text = match self.encoding {
            Encoding::Gb18030 => encoding_rs::GB18030.decode(&self.preamble).0,
            _ => String::from_utf8_lossy(&self.preamble),
        };
        records(text.as_bytes(), self.style.delimiter)
    }

    /// [`Sheet::to_bytes`], with where each row starts put in `starts`.
    fn written(&self, mut starts: Option<&mut Vec<usize>>) -> Vec<u8> {
        let mut out = Vec::new();
        if self.style.bom && self.encoding == Encoding::Utf8 {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        out.extend_from_slice(&self.preamble);
        let mut line = Vec::new();
        let mut splitter = Splitter::new(self.style.delimiter);
        // (Looked for only where a € is to be written.)
        let euro = match self.encoding {
            Encoding::Gb18030 if self.rows.iter().any(|r| r.text().contains('€')) => self
                .euro_as_read()
                .unwrap_or_else(|| Euro::of(self.encoding, self.holds_beyond_gbk())),
            _ => Euro::Cp936,
        };
        out.extend_from_slice(&self.workbook_titles(euro));
        match &self.header {
            Some(raw) => out.extend_from_slice(raw),
            None => {
                let names = &self.columns.names;
                fields_line(names.len(), |i| &names[i], self.style.delimiter, &mut line);
                encode_into(&mut out, &line, self.encoding, euro);
                out.extend_from_slice(self.style.ending.bytes());
            }
        }
        // Blank lines (and rows of empty fields) read after a row deleted since stay where
        // they were: after the row before it in the file, or after the header.
        let left = self.lines_left_by_deleted_rows();
        let after = |line: u64| {
            let from = left.partition_point(|&(at, _)| at < line);
            let to = left.partition_point(|&(at, _)| at <= line);
            left[from..to].iter().map(|&(_, bytes)| bytes)
        };
        for bytes in after(0) {
            out.extend_from_slice(bytes);
        }
        for row in &self.rows {
            // A last line without a line end is one no longer when a row comes after it.
            if !out.ends_with(b"\n") && !out.ends_with(b"\r") {
                out.extend_from_slice(self.style.ending.bytes());
            }
            if let Some(starts) = starts.as_deref_mut() {
                starts.push(out.len());
            }
            let raw = (row.line != 0)
                .then(|| self.kept.binary_search_by_key(&row.line, |(l, _)| *l).ok())
                .flatten()
                .map(|i| &self.kept[i].1);
            row.write(
                &mut out,
                raw,
                self.encoding,
                euro,
                self.style,
                &mut line,
                &mut splitter,
            );
            if row.line != 0 {
                for bytes in after(row.line) {
                    if !out.ends_with(b"\n") && !out.ends_with(b"\r") {
                        out.extend_from_slice(self.style.ending.bytes());
                    }
                    out.extend_from_slice(bytes);
                }
            }
        }
        out
    }

    /// The lines kept after the records of rows no longer in the table (blank lines, rows of
    /// empty fields), each with the line of the row they now follow (0: the header), in file
    /// order. A row's own line end goes with it.
    fn lines_left_by_deleted_rows(&self) -> Vec<(u64, &[u8])> {
        if self.kept.is_empty() {
            return Vec::new();
        }
        let mut present: Vec<u64> = self
            .rows
            .iter()
            .map(|r| r.line)
            .filter(|&l| l != 0)
            .collect();
        present.sort_unstable();
        let mut left = Vec::new();
        for (line, raw) in &self.kept {
            if present.binary_search(line).is_ok() {
                continue;
            }
            let tail = &raw.bytes[raw.body..];
            let own_end = match tail {
                [b'\r', b'\n', ..] => 2,
                [b'\n' | b'\r', ..] => 1,
                _ => 0,
            };
            let rest = &tail[own_end..];
            if rest.is_empty() {
                continue;
            }
            let at = present.partition_point(|&l| l < *line);
            left.push((at.checked_sub(1).map_or(0, |i| present[i]), rest));
        }
        // `kept` is in line order, and so the rows each follows.
        left
    }

    /// Saves atomically: the previous version becomes `FILE.bak` (itself replaced atomically,
    /// so a failure leaves the last good backup), then the new text replaces the file in one
    /// rename.
    pub fn save(&mut self, path: &Path) -> io::Result<()> {
        self.save_with(path, None, &mut |w, bytes| w.write_all(bytes))
    }

    /// [`Sheet::save`], a new file at `path` getting no permission `within` does not give (the
    /// permissions of the file the table was saved as before, so that a private table's copy
    /// stays private).
    pub fn save_within(&mut self, path: &Path, within: Option<u32>) -> io::Result<()> {
        self.save_with(path, within, &mut |w, bytes| w.write_all(bytes))
    }

    /// [`Sheet::save`], with every write to the new file and the backup going through `put`
    /// (tests fail it as a full disk would).
    fn save_with(&mut self, path: &Path, within: Option<u32>, put: &mut Put<'_>) -> io::Result<()> {
        // The first rows of a file are not the table: written, they would lose the rest.
        if self.is_partial() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "only the first rows of the table were read",
            ));
        }
        // Rows read without their bytes would be written anew, not given back as read.
        if self.looked {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the table was read to be looked at, not to be saved",
            ));
        }
        // A copy of values only keeps formulas' results as last saved: refused when the
        // edits may have changed them.
        // (A workbook's table only: a CSV table's rows are not fingerprinted.)
        let edited = self
            .workbook
            .as_ref()
            .is_some_and(|o| o.rows_hash != super::rows_hash(&self.rows));
        let copy = self
            .workbook
            .as_ref()
            .filter(|o| !crate::table::workbook::saves_in_place(Some(o), path));
        let in_place = crate::table::workbook::saves_in_place(self.workbook.as_ref(), path);
        if let Some(((cell, formula), origin)) = copy
            .filter(|o| o.recalc_pending || edited)
            .and_then(|o| Some((o.formula.clone()?, o)))
        {
            let in_place = crate::table::workbook::writes_in_place(&origin.path);
            return Err(io::Error::other(
                crate::table::workbook::SaveError::FormulaResults {
                    cell,
                    formula,
                    in_place,
                },
            ));
        }
        let out = Replacement::new(path, ".tmp")?;
        if let Some(mode) = within {
            out.keep_within(mode)?;
        }
        // A workbook name gets a workbook (never CSV bytes, nor one format under another's
        // name); the error, when there is one, is a `workbook::SaveError` to render.
        let mut hash = None;
        let saved = if crate::table::workbook::is_workbook(path) {
            let saved = crate::table::workbook::save(
                self.workbook.as_ref(),
                path,
                out.file(),
                &self.columns,
                (&self.rows, &self.hidden),
                &self.title_rows(),
            )
            .map_err(io::Error::other)?;
            Some(saved)
        } else {
            let bytes = self.to_bytes();
            put(&mut out.file(), &bytes)?;
            hash = Some(hash_of(&bytes));
            None
        };
        if path.exists() {
            back_up(path, put).map_err(|source| {
                io::Error::new(
                    source.kind(),
                    BackupFailed {
                        backup: backup_path(path),
                        source,
                    },
                )
            })?;
        }
        out.commit()?;
        if let Some(saved) = saved {
            let (mut no_result, mut stale, mut hidden) = (Vec::new(), Vec::new(), Vec::new());
            let mut under_merge = Vec::new();
            // Hidden rows deleted by this save (or before): their lines are kept, so that an
            // undo brings such a row back hidden, and a save adds it hidden (review 38: it
            // came back shown and computed).
            // (A save in place only: a new workbook numbers its rows afresh, and the lines
            // of rows no longer in the table mean nothing in it, review 39.)
            let present: std::collections::HashSet<u64> =
                self.rows.iter().map(|r| r.line).collect();
            let deleted: Vec<u64> = (self.hidden.iter())
                .filter(|l| in_place && !present.contains(l))
                .copied()
                .collect();
            for (row, line) in self.rows.iter_mut().zip(saved.lines) {
                if self.hidden.binary_search(&row.line).is_ok() {
                    hidden.push(line);
                }
                // A formula left alone is still there, now on the row's new line.
                if let Ok(i) = self.no_result.binary_search_by_key(&row.line, |&(l, _)| l) {
                    no_result.push((line, self.no_result[i].1));
                }
                // So is a value under a merge, until one is typed (a workbook written anew
                // holds the merge's value on its first row alone: as blank as before).
                if let Ok(i) = self.under_merge.binary_search_by_key(&row.line, |u| u.0) {
                    let (_, col, range) = &self.under_merge[i];
                    under_merge.push((line, *col, range.clone()));
                }
                let from = self.stale.partition_point(|&(l, ..)| l < row.line);
                for (_, col, read) in self.stale[from..].iter().take_while(|s| s.0 == row.line) {
                    stale.push((line, *col, read.clone()));
                }
                row.line = line;
            }
            no_result.sort_unstable();
            self.no_result = no_result;
            under_merge.sort_unstable();
            self.under_merge = under_merge;
            stale.sort_unstable();
            self.stale = stale;
            // The title rows are the workbook's now (a CSV table's were its preamble).
            self.preamble = Box::default();
            let mut origin = saved.origin;
            // The rows the file written hides (a save in place keeps them hidden, a new
            // workbook hides them alike), read back; where it cannot be, those hidden before.
            let mut now =
                crate::table::workbook::hidden::rows(&origin.path, &origin.sheet).unwrap_or(hidden);
            now.extend(deleted);
            now.sort_unstable();
            now.dedup();
            self.hidden = now;
            // Edits written beside formulas leave their results to be recalculated.
            origin.recalc_pending |= edited && origin.formula.is_some();
            // The formulas' results the file now holds may be out of date (the save asked
            // for recalculation): the table says so as the file read again would.
            // (No row moves in a save in place: the cells merges filled are where they were.)
            let last = self.rows.iter().map(|r| r.line).max().unwrap_or(0);
            let cols = u32::try_from(self.columns.names.len()).unwrap_or(u32::MAX);
            let end = (u32::try_from(last).unwrap_or(u32::MAX), cols);
            let (path, sheet) = (&origin.path, &origin.sheet);
            let cells = crate::table::workbook::stale_cells(
                path,
                sheet,
                end,
                &origin.merged_from,
                |line, col| self.formula_without_result(line) != Some(col),
            );
            if let Ok(cells) = cells {
                self.mark_stale(&cells);
            }
            origin.rows_hash = super::rows_hash(&self.rows);
            self.workbook = Some(origin);
        } else if self.workbook.is_some() {
            // The CSV written is the table's file now: its title rows are its preamble.
            self.preamble = self
                .workbook_titles(self.euro_as_read().unwrap_or(Euro::Cp936))
                .into();
            self.workbook = None;
            // A CSV hides no row: the rows a sheet hid are the CSV's like any other.
            self.hidden.clear();
        }
        // A workbook's bytes are the library's: read back.
        self.stamp = match hash {
            Some(hash) => Stamp::of(path, hash),
            None => Stamp::read(path),
        };
        Ok(())
    }
}

/// The records of `text` (CSV lines separated by `delimiter`), each without the empty cells
/// at its end; blank lines and rows of empty cells are none.
fn records(text: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    // Buffers that hold the whole text: a record is never cut for want of room.
    let (mut out, mut ends) = (vec![0; text.len() + 1], vec![0; text.len() + 2]);
    let (mut input, mut nout, mut nend) = (text, 0, 0);
    let mut records = Vec::new();
    loop {
        let (result, read, written, ended) =
            core.read_record(input, &mut out[nout..], &mut ends[nend..]);
        input = &input[read..];
        nout += written;
        nend += ended;
        match result {
            csv_core::ReadRecordResult::Record => {
                let mut start = 0;
                let mut cells: Vec<String> = ends[..nend]
                    .iter()
                    .map(|&end| {
                        let cell = String::from_utf8_lossy(&out[start..end]).into_owned();
                        start = end;
                        cell
                    })
                    .collect();
                while cells.last().is_some_and(|c| c.trim().is_empty()) {
                    cells.pop();
                }
                if !cells.is_empty() {
                    records.push(cells);
                }
                (nout, nend) = (0, 0);
            }
            csv_core::ReadRecordResult::InputEmpty => {}
            _ => return records,
        }
    }
}

/// A save stopped because the backup (`FILE.bak`) could not be written: the file was not
/// replaced. Carried inside the `io::Error` a save returns, with the same kind.
#[derive(Debug)]
pub struct BackupFailed {
    /// The backup's path.
    pub backup: std::path::PathBuf,
    /// Why it could not be written.
    pub source: io::Error,
}

impl std::fmt::Display for BackupFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the backup {} could not be written: {}",
            self.backup.display(),
            self.source
        )
    }
}

impl std::error::Error for BackupFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Where a save's bytes go: a writer and the bytes to write into it.
type Put<'a> = dyn FnMut(&mut dyn Write, &[u8]) -> io::Result<()> + 'a;

/// Copies `path` to `FILE.bak` through a temporary file renamed over it: the old backup stays
/// whole until the new one is complete and on disk.
fn back_up(path: &Path, put: &mut Put<'_>) -> io::Result<()> {
    let backup = backup_path(path);
    let out = Replacement::new(&backup, ".tmp")?;
    // The previous version of the table is no more readable than the table: a new backup
    // took the umask's 0644 beside a table kept 0600. An existing backup stricter still
    // stays so.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let table = std::fs::metadata(path)?;
        let mut mode = table.permissions().mode() & 0o777;
        if let Ok(m) = std::fs::metadata(&backup) {
            mode &= m.permissions().mode();
        }
        crate::table::replace::as_private_as(out.temp_path(), &table, mode)?;
    }
    let mut from = File::open(path)?;
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        put(&mut out.file(), &buf[..n])?;
    }
    out.commit()
}

/// `FILE.bak` beside `FILE`.
pub fn backup_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use encoding_rs::GB18030;
    use std::fs;

    #[cfg(unix)]
    #[test]
    fn the_backup_of_a_private_table_is_private_too() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // The table loaded, its cost edited to `cost`, and saved.
        let resave = |path: &Path, cost: &str| {
            let mut sheet = Sheet::load(path).unwrap();
            sheet.rows[0] = sheet.rows[0].with(6, cost);
            sheet.save(path).unwrap();
        };
        for table in [0o600, 0o640, 0o644] {
            let path = dir.path().join(format!("t{table:o}.csv"));
            fs::write(
                &path,
                "id,township,village,class,width_m,length_km,cost\nA,t,v,village,4.5,1,1\n",
            )
            .unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(table)).unwrap();
            resave(&path, "2");
            assert_eq!(mode(&backup_path(&path)), table, "{table:o}: a new backup");
            assert_eq!(mode(&path), table, "{table:o}: the table keeps its own");
        }
        // A backup left readable beside a table made private since is narrowed; one
        // stricter than the table stays so.
        let path = dir.path().join("t600.csv");
        fs::set_permissions(backup_path(&path), fs::Permissions::from_mode(0o644)).unwrap();
        resave(&path, "3");
        assert_eq!(mode(&backup_path(&path)), 0o600);
        let path = dir.path().join("t644.csv");
        fs::set_permissions(backup_path(&path), fs::Permissions::from_mode(0o600)).unwrap();
        resave(&path, "3");
        assert_eq!(mode(&backup_path(&path)), 0o600);
        // The table's group, not an old backup's: its members, and only they, may read it.
        use std::os::unix::fs::MetadataExt;
        let path = dir.path().join("t640.csv");
        // Only the superuser may give files groups of someone else's: the test says nothing
        // more for another user.
        let given = std::os::unix::fs::chown(&path, None, Some(4242))
            .and_then(|_| std::os::unix::fs::chown(backup_path(&path), None, Some(4343)));
        if given.is_err() {
            return;
        }
        resave(&path, "4");
        let backup = fs::metadata(backup_path(&path)).unwrap();
        assert_eq!(
            (backup.permissions().mode() & 0o777, backup.gid()),
            (0o640, 4242)
        );
    }

    #[test]
    fn a_gbk_file_is_saved_as_gbk_with_its_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let original = "编号,乡镇,村,类别,宽度,长度,投资,备注\r\nG1,天马乡,画青村,通村,4.5,2,160万,\"有,逗号\"\r\n";
        fs::write(&path, GB18030.encode(original).0).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        assert_eq!(sheet.encoding, Encoding::Gb18030);
        assert_eq!(sheet.style.ending, crate::table::LineEnd::CrLf);
        assert_eq!(sheet.rows[0].get(2), "画青村");
        sheet.rows[0] = sheet.rows[0].with(4, "3.5");
        sheet.save(&path).unwrap();
        let saved = fs::read(&path).unwrap();
        let (text, _, bad) = GB18030.decode(&saved);
        assert!(!bad);
        assert_eq!(text, original.replace(",4.5,", ",3.5,"));
        assert_eq!(
            fs::read(backup_path(&path)).unwrap(),
            GB18030.encode(original).0.to_vec()
        );
    }

    #[test]
    fn a_bom_file_keeps_its_bom_and_odd_rows_stay_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let original = "\u{feff}id,township,village,class,width_m,length_km,cost,extra\nA,t,v,village,4.5,1,1,x\nB,t,v\n";
        fs::write(&path, original).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        assert!(sheet.style.bom);
        assert_eq!(sheet.rows[1].len(), 3);
        sheet.save(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), original);
    }

    #[test]
    fn a_failed_save_keeps_the_previous_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let head = "id,township,village,class,width_m,length_km,cost\n";
        let now = format!("{head}A,t,v,village,4.5,1,2\n");
        let before = format!("{head}A,t,v,village,4.5,1,1\n");
        fs::write(&path, &now).unwrap();
        fs::write(backup_path(&path), &before).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        sheet.rows[0] = sheet.rows[0].with(6, "3");
        // The disk fills up halfway through the backup (the second write), or the new text.
        for fail_at in [1, 0] {
            let mut writes = 0;
            let mut full_disk = |w: &mut dyn Write, bytes: &[u8]| {
                writes += 1;
                if writes > fail_at {
                    w.write_all(&bytes[..bytes.len() / 2])?;
                    return Err(io::Error::from_raw_os_error(28));
                }
                w.write_all(bytes)
            };
            let err = sheet.save_with(&path, None, &mut full_disk).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::StorageFull);
            assert_eq!(fs::read_to_string(&path).unwrap(), now);
            assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), before);
            let mut names: Vec<_> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            assert_eq!(
                names,
                ["plan.csv", "plan.csv.bak"],
                "no temporary file is left"
            );
        }
        sheet.save(&path).unwrap();
        assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), now);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{head}A,t,v,village,4.5,1,3\n")
        );
    }

    #[test]
    fn a_new_table_is_saved_in_the_encoding_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.csv");
        let mut sheet = Sheet::empty_in(Lang::Zh, Some(Encoding::Gb18030));
        sheet.save(&path).unwrap();
        let header = "编号,乡镇,村,路段名称,道路类别,宽度,长度,投资,整合资金,已完工,户数\n";
        assert_eq!(fs::read(&path).unwrap(), GB18030.encode(header).0.to_vec());
        let mut sheet = Sheet::empty_in(Lang::Zh, None);
        sheet.save(&path).unwrap();
        assert_eq!(
            fs::read(&path).unwrap(),
            [b"\xEF\xBB\xBF".as_slice(), header.as_bytes()].concat()
        );
    }

    /// The defect: a line kept as written (for its quoting, or bytes the encoder writes
    /// otherwise) was written anew whole when one of its cells was edited: the quotes around
    /// `AY-02`, `画青村` and `45万` went, `"x"y` became `xy`, and in a GBK file the 0x80 another
    /// program wrote for € became GB18030's A2 E3. Only the edited cell's bytes change now.
    #[test]
    fn an_edited_line_keeps_the_bytes_of_the_cells_it_did_not_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let head = "编号,乡镇,村,路段名称,类别,宽度,长度,投资,每公里造价,整合资金,已完工,户数,备注,a,b,c,d,e\r\n";
        let line = "\"AY-02\",天马乡,\"画青村\",\"二组,至五组\",社道,3.5,2.4,,\"45万\",,2.4,58,\"说\"\"明\",\"\",a\"b,\"  \",\"x\"y,\"q\" \r\n";
        fs::write(&path, format!("{head}{line}")).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        sheet.rows[0] = sheet.rows[0].with(5, "4");
        sheet.save(&path).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{head}{}", line.replace(",3.5,", ",4,"))
        );
        // An edited value that needs quotes gets them; the rest stay as written.
        sheet.rows[0] = sheet.rows[0].with(12, "说,明");
        sheet.save(&path).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!(
                "{head}{}",
                line.replace(",3.5,", ",4,")
                    .replace("\"说\"\"明\"", "\"说,明\"")
            )
        );

        let gbk = |text: &str| GB18030.encode(text).0.into_owned();
        let euro = [
            gbk(head),
            gbk("G1,天马乡,画青村,村道,通村,4.5,2,160万,,,,,"),
            vec![0x80],
            gbk("100,,,,,\r\n"),
        ]
        .concat();
        fs::write(&path, &euro).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        assert_eq!(sheet.encoding, Encoding::Gb18030);
        assert_eq!(sheet.rows[0].get(12), "€100");
        sheet.rows[0] = sheet.rows[0].with(5, "3.5");
        sheet.save(&path).unwrap();
        let want = [
            gbk(head),
            gbk("G1,天马乡,画青村,村道,通村,3.5,2,160万,,,,,"),
            vec![0x80],
            gbk("100,,,,,\r\n"),
        ]
        .concat();
        assert_eq!(fs::read(&path).unwrap(), want);
    }

    /// A field as a line may hold it: plain, Chinese, empty, quoted (with a delimiter, a
    /// quote doubled, spaces alone), a quote inside an unquoted field, text after a quote
    /// closes; `~` stands for the byte 0x80 in a GBK file.
    fn written_field() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "[a-z0-9 ]{0,4}",
            "[天马乡]{1,3}",
            Just("\"\"".to_string()),
            "\"[a-z,;]{0,4}\"",
            "\"[a-z]{0,2}\"\"[a-z]{0,2}\"",
            "[a-z]{1,2}\"[a-z]{1,2}",
            "\"[a-z]{1,2}\"[a-z ]{1,2}",
            Just("\"  \"".to_string()),
            "~[0-9]{1,3}",
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any line of such fields, in UTF-8 or GBK, with commas or semicolons, one of its
        /// cells edited to any value: saved, the line is the one read with that cell's bytes
        /// alone replaced (the value quoted where it must be, in the file's encoding), or,
        /// when the value is the one read, the line as read.
        #[test]
        fn an_edited_cell_is_the_only_bytes_of_its_line_that_change(
            fields in proptest::collection::vec(written_field(), 7..12),
            at in 0usize..12,
            value in "[a-z0-9,;\" 天]{0,5}",
            gbk in proptest::prelude::any::<bool>(),
            semicolons in proptest::prelude::any::<bool>(),
        ) {
            let at = at % fields.len();
            let (delimiter, sep) = if semicolons { (b';', ";") } else { (b',', ",") };
            let names = ["id", "township", "village", "class", "width_m", "length_km", "cost"];
            let head: Vec<String> = (0..fields.len())
                .map(|i| names.get(i).map_or(format!("x{i}"), |n| n.to_string()))
                .collect();
            let encode_in = |gbk: bool, text: &str| -> Vec<u8> {
                let pieces: Vec<Vec<u8>> = text
                    .split('~')
                    .map(|p| if gbk { GB18030.encode(p).0.into_owned() } else { p.as_bytes().to_vec() })
                    .collect();
                pieces.join(&[0x80u8][..])
            };
            let encode = |text: &str| encode_in(gbk, text);
            // In UTF-8 the byte 0x80 stands alone: not text; it is `E` there.
            let fields: Vec<String> = fields
                .into_iter()
                .map(|f| if gbk { f } else { f.replace('~', "E") })
                .collect();
            let header = head.join(sep) + "\n";
            let file = [encode(&header), encode(&fields.join(sep)), b"\n".to_vec()].concat();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("plan.csv");
            fs::write(&path, &file).unwrap();
            let Ok(mut sheet) = Sheet::load(&path) else {
                return Ok(());
            };
            proptest::prop_assume!(sheet.rows.len() == 1 && sheet.rows[0].len() == fields.len());
            proptest::prop_assume!(sheet.style.delimiter == delimiter);
            // A GBK line of ASCII alone is UTF-8 too, and read so: an edit is saved in UTF-8.
            let read_gbk = sheet.encoding == Encoding::Gb18030;
            proptest::prop_assume!(gbk == read_gbk || file.is_ascii());
            let encode = |text: &str| encode_in(read_gbk, text);
            let before = sheet.rows[0].get(at).to_string();
            let row = sheet.rows[0].with(at, &value);
            proptest::prop_assume!((0..row.len()).any(|i| !row.get(i).is_empty()));
            sheet.rows[0] = row;
            sheet.save(&path).unwrap();
            let saved = fs::read(&path).unwrap();
            let expected = if value == before {
                file
            } else {
                let mut quoted = Vec::new();
                crate::table::csvout::push_field_with(&mut quoted, &value, true, delimiter);
                let mut line = fields.clone();
                line[at] = String::from_utf8(quoted).unwrap();
                [encode(&header), encode(&line.join(sep)), b"\n".to_vec()].concat()
            };
            proptest::prop_assert_eq!(
                String::from_utf8_lossy(&saved),
                String::from_utf8_lossy(&expected)
            );
            proptest::prop_assert_eq!(saved, expected);
        }
    }
}
