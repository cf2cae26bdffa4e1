//! A whole segment table in memory, for editing: rows kept as written (unknown columns, odd
//! rows and all) and saved back in the file's own encoding, separator and line endings.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

use encoding_rs::GB18030;

use super::replace::Replacement;
use super::{csvout, open, Columns, Encoding, Field, Item, RowError, Style, TableError};
use crate::i18n::Lang;

/// One row's fields, stored back to back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    text: Box<str>,
    ends: Box<[usize]>,
    /// The line the row started on in the file (0 for rows added since).
    pub line: u64,
}

impl SheetRow {
    /// A row of these fields.
    pub fn new<'a>(fields: impl IntoIterator<Item = &'a str>, line: u64) -> SheetRow {
        let mut text = String::new();
        let mut ends = Vec::new();
        for f in fields {
            text.push_str(f);
            ends.push(text.len());
        }
        SheetRow {
            text: text.into(),
            ends: ends.into(),
            line,
        }
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
                let start = if i == 0 { 0 } else { self.ends[i - 1] };
                &self.text[start..end]
            }
            None => "",
        }
    }

    /// The row with field `i` set to `value` (padding with empty fields if the row is short).
    pub fn with(&self, i: usize, value: &str) -> SheetRow {
        let n = self.len().max(i + 1);
        let fields: Vec<&str> = (0..n)
            .map(|j| if j == i { value } else { self.get(j) })
            .collect();
        SheetRow::new(fields, self.line)
    }

    /// The row as a record the table reader would have produced.
    pub fn record(&self) -> super::Record<'_> {
        super::Record::new(self.line, &self.text, &self.ends, self.text.contains('\n'))
    }
}

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
    /// Records that could not be kept (longer than the reader allows).
    pub skipped: Vec<RowError>,
    /// Size and modification time when read, to notice changes by others.
    pub stamp: Option<(u64, SystemTime)>,
    /// Where the table came from when it is a workbook's sheet (saving writes a workbook).
    pub workbook: Option<WorkbookOrigin>,
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
    /// Rows above the header (titles).
    pub above_header: usize,
}

/// Size and modification time of a file.
pub fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

impl Sheet {
    /// Reads a whole table.
    pub fn load(path: &Path) -> Result<Sheet, TableError> {
        if super::workbook::is_workbook(path) {
            let book = super::workbook::open(path, None)?;
            return Ok(Sheet {
                columns: book.columns,
                rows: book.rows,
                encoding: Encoding::Utf8,
                style: Style::default(),
                skipped: Vec::new(),
                stamp: stamp(path),
                workbook: Some(WorkbookOrigin {
                    path: path.to_path_buf(),
                    sheet: book.sheet,
                    others: book.others,
                    above_header: book.above_header,
                }),
            });
        }
        let file = File::open(path).map_err(TableError::Io)?;
        let (columns, mut rows) = open(io::BufReader::with_capacity(1 << 16, file))?;
        let mut sheet_rows = Vec::new();
        let mut skipped = Vec::new();
        while let Some(item) = rows.next_item()? {
            match item {
                Item::Record(r) => sheet_rows.push(SheetRow::new(r.iter(), r.line)),
                Item::Skipped(e) => skipped.push(e),
            }
        }
        Ok(Sheet {
            columns,
            rows: sheet_rows,
            encoding: rows.encoding(),
            style: rows.style(),
            skipped,
            stamp: stamp(path),
            workbook: None,
        })
    }

    /// A new, empty table with every column roadsub knows, named in `lang`.
    pub fn empty(lang: Lang) -> Sheet {
        let names: Vec<&str> = Field::ALL
            .into_iter()
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
            skipped: Vec::new(),
            stamp: None,
            workbook: None,
        }
    }

    /// The table as bytes in its own encoding and style.
    pub fn to_bytes(&self) -> Vec<u8> {
        let d = self.style.delimiter;
        let mut text = Vec::new();
        let end =
            |t: &mut Vec<u8>, crlf: bool| t.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        for (i, name) in self.columns.names.iter().enumerate() {
            csvout::push_field_with(&mut text, name, i == 0, d);
        }
        end(&mut text, self.style.crlf);
        for row in &self.rows {
            for i in 0..row.len() {
                csvout::push_field_with(&mut text, row.get(i), i == 0, d);
            }
            end(&mut text, self.style.crlf);
        }
        match self.encoding {
            Encoding::Utf8 if self.style.bom => [b"\xEF\xBB\xBF".as_slice(), &text].concat(),
            Encoding::Utf8 => text,
            Encoding::Gb18030 => {
                // Only ASCII separates fields, so encoding the whole text at once is exact.
                let utf8 = String::from_utf8(text).unwrap_or_default();
                GB18030.encode(&utf8).0.into_owned()
            }
        }
    }

    /// Saves atomically: the previous version becomes `FILE.bak`, then the new text replaces
    /// the file in one rename.
    pub fn save(&mut self, path: &Path) -> io::Result<()> {
        let out = Replacement::new(path, ".tmp")?;
        // A workbook name gets a workbook (never CSV bytes, nor one format under another's
        // name); the error, when there is one, is a `workbook::SaveError` to render.
        let saved = if super::workbook::is_workbook(path) {
            let names = &self.columns.names;
            let saved =
                super::workbook::save(self.workbook.as_ref(), path, out.file(), names, &self.rows)
                    .map_err(io::Error::other)?;
            Some(saved)
        } else {
            out.file().write_all(&self.to_bytes())?;
            None
        };
        if path.exists() {
            fs::copy(path, backup_path(path))?;
        }
        out.commit()?;
        if let Some(saved) = saved {
            for (row, line) in self.rows.iter_mut().zip(saved.lines) {
                row.line = line;
            }
            self.workbook = Some(saved.origin);
        } else if self.workbook.is_some() {
            self.workbook = None;
        }
        self.stamp = stamp(path);
        Ok(())
    }

    /// Whether the file changed on disk since it was read or saved.
    pub fn changed_on_disk(&self, path: &Path) -> bool {
        self.stamp.is_some() && stamp(path) != self.stamp
    }
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

    #[test]
    fn a_gbk_file_is_saved_as_gbk_with_its_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        let original = "编号,乡镇,村,类别,宽度,长度,投资,备注\r\nG1,天马乡,画青村,通村,4.5,2,160万,\"有,逗号\"\r\n";
        fs::write(&path, GB18030.encode(original).0).unwrap();
        let mut sheet = Sheet::load(&path).unwrap();
        assert_eq!(sheet.encoding, Encoding::Gb18030);
        assert!(sheet.style.crlf);
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
}
