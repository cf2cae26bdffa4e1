//! Which cells of an .xlsx or .xlsm sheet hold a formula, in every form spreadsheet programs
//! save one, read only for a workbook that asks to be recalculated when opened
//! ([`super::inplace::recalc_pending`], as a save in place with edits leaves it, roadsub's
//! own among them): the results saved with its formulas may be out of date, and a segment's
//! row that reads one is refused rather than computed from it.
//!
//! The sheet's XML is read through once on its own. calamine's readers give a copy of a
//! shared formula (`<f t="shared" si="0"/>`, the form Excel saves down a filled column) as a
//! plain value, so neither they nor the quick reader (which follows them) can say it. A batch
//! reading the sheet with the quick reader reads it so only once the reader met a formula's
//! tag ([`holds_formula_tag`]); before, the sheet is looked through for one as bytes.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::WorkbookError;

/// The cells of a sheet holding a formula (row and column from 0), to be asked of in the
/// sheet's order.
#[derive(Debug, Default)]
pub struct FormulaCells {
    /// Cells with an `<f>` of their own, in order.
    cells: Vec<(u32, u32)>,
    /// The ranges an array or data-table formula fills (first and last cell), beyond its
    /// first cell: their other cells hold the results alone, as Excel saves them. By first
    /// row.
    ranges: Vec<((u32, u32), (u32, u32))>,
    /// The next cell and range not yet passed, and the ranges over the row asked of.
    at: usize,
    next_range: usize,
    open: Vec<((u32, u32), (u32, u32))>,
}

impl FormulaCells {
    /// No cell: a workbook that does not ask to be recalculated, or not an .xlsx or .xlsm.
    pub fn none() -> FormulaCells {
        FormulaCells::default()
    }

    /// The formula cells of sheet `sheet` of the workbook at `path` when it asks to be
    /// recalculated when opened (their saved results may be out of date); none otherwise.
    pub fn maybe_stale(path: &Path, sheet: &str) -> Result<FormulaCells, WorkbookError> {
        if !super::inplace::recalc_pending(path) {
            return Ok(FormulaCells::none());
        }
        FormulaCells::of_sheet(&File::open(path).map_err(WorkbookError::Io)?, sheet)
    }

    /// The formula cells of sheet `sheet` of the workbook `file`, whether it asks to be
    /// recalculated or not: for a reader that knows it asks, and met a formula's tag.
    pub fn of_sheet(file: &File, sheet: &str) -> Result<FormulaCells, WorkbookError> {
        let (cells, mut ranges) = scan(file, sheet).map_err(|e| match e {
            ScanError::Damaged(e) => WorkbookError::Open(e),
            ScanError::ArrayAbove { cell, range } => WorkbookError::ArrayAbove {
                sheet: sheet.to_string(),
                cell,
                range,
            },
        })?;
        ranges.sort_unstable();
        Ok(FormulaCells {
            cells,
            ranges,
            ..FormulaCells::default()
        })
    }

    /// Whether the cell at `pos` holds a formula or a result of one; cells are asked of in
    /// the sheet's order (a cell before the last one asked of is not found again).
    pub fn is_formula(&mut self, pos: (u32, u32)) -> bool {
        while self.cells.get(self.at).is_some_and(|&c| c < pos) {
            self.at += 1;
        }
        if self.cells.get(self.at) == Some(&pos) {
            return true;
        }
        let (row, col) = pos;
        self.spans(row)
            .any(|(first, last)| (first..=last).contains(&col))
    }

    /// The columns (first and last) that array and data-table formulas fill on row `row`,
    /// asked of in the sheet's order as [`FormulaCells::is_formula`] is: a cell there with no
    /// element of its own is a result the workbook does not hold.
    pub fn spans(&mut self, row: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        while let Some(&r) = self.ranges.get(self.next_range).filter(|r| r.0 .0 <= row) {
            self.open.push(r);
            self.next_range += 1;
        }
        self.open.retain(|&(_, (last_row, _))| last_row >= row);
        (self.open.iter())
            .filter(move |&&((first_row, _), _)| first_row <= row)
            .map(|&((_, first), (_, last))| (first, last))
    }

    /// Every cell holding a formula or a result of one, up to row and column `end` (the
    /// last of the sheet's values: past them an array's range holds nothing), in order.
    pub fn positions(&self, end: (u32, u32)) -> Vec<(u32, u32)> {
        let mut all = self.cells.clone();
        for &((r0, c0), (r1, c1)) in &self.ranges {
            for row in r0..=r1.min(end.0) {
                all.extend((c0..=c1.min(end.1)).map(|col| (row, col)));
            }
        }
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// The cells of sheet `sheet` holding a formula: an `<f>` with text, or one of a shared,
/// array or data-table formula (a shared formula's copy has none of its own); and the ranges
/// array and data-table formulas fill. Positions are counted as calamine counts them where a
/// row or cell leaves its reference out.
type Found = (Vec<(u32, u32)>, Vec<((u32, u32), (u32, u32))>);

/// Why a sheet's formula cells could not be found.
#[derive(Debug)]
enum ScanError {
    /// The sheet's part, or its XML, as its reader says.
    Damaged(String),
    /// The array formula in `cell` fills `range`, which does not begin at it.
    ArrayAbove { cell: String, range: String },
}

impl From<String> for ScanError {
    fn from(e: String) -> ScanError {
        ScanError::Damaged(e)
    }
}

impl From<&str> for ScanError {
    fn from(e: &str) -> ScanError {
        ScanError::Damaged(e.to_string())
    }
}

fn scan(file: &File, sheet: &str) -> Result<Found, ScanError> {
    // The part the sheet's cells are read from, found as the readers find it. The file
    // opened once, read in turn (each archive finds its place in it itself).
    let part = super::inplace::sheet_part_read(file, sheet).map_err(|e| e.to_string())?;
    let open = || file.try_clone().map_err(|e| e.to_string());
    let mut zip = zip::ZipArchive::new(BufReader::new(open()?)).map_err(|e| e.to_string())?;
    // Most such workbooks (every one rust_xlsxwriter writes asks) hold no formula at all:
    // looked for as bytes first, many times faster than reading the XML.
    let entry = zip.by_name(&part).map_err(|e| e.to_string())?;
    if !has_formula_tag(entry).map_err(|e| e.to_string())? {
        return Ok((Vec::new(), Vec::new()));
    }
    let entry = zip.by_name(&part).map_err(|e| e.to_string())?;
    let mut xml = Reader::from_reader(BufReader::with_capacity(1 << 16, entry));
    // As calamine reads a sheet: an empty `<row/>` or `<c/>` counts as one, and an end tag
    // is not checked against its start.
    xml.config_mut().expand_empty_elements = true;
    xml.config_mut().check_end_names = false;
    let (mut buf, mut cells, mut ranges) = (Vec::new(), Vec::new(), Vec::new());
    let (mut row, mut col) = (0u32, 0u32);
    // The cell being read, and whether a formula was found in it.
    let mut cell: Option<((u32, u32), bool)> = None;
    // Whether the event read is inside an `<f>`.
    let mut in_formula = false;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) if e.local_name().as_ref() == "row" => {
                if let Some(r) = attr(&e, "r")? {
                    row = number(&r)?.checked_sub(1).ok_or("row 0")?;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "row" => {
                row = row.saturating_add(1);
                col = 0;
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let pos = match attr(&e, "r")? {
                    Some(r) => reference(&r)?,
                    None => (row, col),
                };
                col = pos.1;
                cell = Some((pos, false));
            }
            Event::End(e) if e.local_name().as_ref() == "c" => {
                if let Some((pos, true)) = cell.take() {
                    cells.push(pos);
                }
                col = col.saturating_add(1);
            }
            Event::Start(e) if e.local_name().as_ref() == "f" => {
                let kind = attr(&e, "t")?;
                if let Some((pos, found)) = cell.as_mut() {
                    let pos = *pos;
                    *found |= matches!(kind.as_deref(), Some("shared" | "array" | "dataTable"));
                    // An array's or a data table's other cells hold its results alone.
                    if matches!(kind.as_deref(), Some("array" | "dataTable")) {
                        if let Some(r) = attr(&e, "ref")? {
                            let (first, last) = match r.split_once(':') {
                                Some((a, b)) => (reference(a)?, reference(b)?),
                                None => (reference(&r)?, reference(&r)?),
                            };
                            if first != last {
                                let top = (first.0.min(last.0), first.1.min(last.1));
                                let bottom = (first.0.max(last.0), first.1.max(last.1));
                                // Its formula is in its first cell, as spreadsheet programs
                                // save one: cells above it, read before it was met (a batch
                                // looks for formulas only once it meets one), may not be its.
                                if top != pos {
                                    let cell = super::patch::column_name(pos.1);
                                    return Err(ScanError::ArrayAbove {
                                        cell: format!("{cell}{}", u64::from(pos.0) + 1),
                                        range: r,
                                    });
                                }
                                ranges.push((top, bottom));
                            }
                        }
                    }
                }
                in_formula = true;
            }
            // Any text in it (a space too, as calamine reads it) makes it a formula.
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) if in_formula => {
                if let Some((_, found)) = cell.as_mut() {
                    *found = true;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "f" => in_formula = false,
            Event::End(e) if e.local_name().as_ref() == "sheetData" => break,
            Event::Eof => break,
            _ => {}
        }
    }
    // In the sheet's order, as they are asked of (a sheet out of order is refused by its reader).
    cells.sort_unstable();
    Ok((cells, ranges))
}

/// Whether `bytes` hold an `<f>` element's tag (`<f>`, `<f t=…`, `<f/>`, or with a prefix,
/// `<x:f>`; a `:f` in text makes only a needless reading of the XML). A tag cut at the end
/// of `bytes` is not found.
pub(super) fn holds_formula_tag(bytes: &[u8]) -> bool {
    // One pass for the rarer byte of both: a sheet's tags hold few `f`s, its `<`s are many.
    memchr::memchr_iter(b'f', bytes).any(|i| {
        i > 0
            && matches!(bytes[i - 1], b'<' | b':')
            && (bytes.get(i + 1))
                .is_some_and(|b| matches!(b, b'>' | b' ' | b'/' | b'\t' | b'\r' | b'\n'))
    })
}

/// Whether the bytes `read` gives hold an `<f>` element's tag ([`holds_formula_tag`]).
fn has_formula_tag(read: impl Read) -> std::io::Result<bool> {
    bytes_hold(read, 2, holds_formula_tag)
}

/// Whether `found` finds what it looks for in the bytes `read` gives, read a piece at a
/// time, the last `keep` bytes of each piece looked at again with the next (what is looked
/// for may straddle two reads).
pub(super) fn bytes_hold(
    mut read: impl Read,
    keep: usize,
    found: impl Fn(&[u8]) -> bool,
) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 1 << 18];
    let mut kept = 0;
    loop {
        let n = match read.read(&mut buf[kept..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let end = kept + n;
        if found(&buf[..end]) {
            return Ok(true);
        }
        if n == 0 {
            return Ok(false);
        }
        kept = end.min(keep);
        buf.copy_within(end - kept..end, 0);
    }
}

/// The value of attribute `name` of `e`, as its raw bytes.
fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|e| e.to_string())?;
        if a.key.local_name().as_ref() == name {
            return Ok(Some(a.value.into_owned()));
        }
    }
    Ok(None)
}

fn number(digits: &str) -> Result<u32, String> {
    digits
        .parse()
        .map_err(|_| format!("not a row number: {digits}"))
}

/// A cell reference (`AB12`) as row and column from 0.
fn reference(r: &str) -> Result<(u32, u32), String> {
    let bad = || format!("not a cell reference: {r}");
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters == r.len() {
        return Err(bad());
    }
    let mut col = 0u32;
    for b in r[..letters].bytes() {
        let digit = u32::from(b.to_ascii_uppercase() - b'A' + 1);
        col = col
            .checked_mul(26)
            .and_then(|c| c.checked_add(digit))
            .ok_or_else(bad)?;
    }
    let row = number(&r[letters..])?.checked_sub(1).ok_or_else(bad)?;
    Ok((row, col - 1))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use proptest::prelude::*;

    use super::{has_formula_tag, reference, scan};
    use crate::table::workbook::quick::probe::{by_calamine, write_hand_book};

    /// Gives its bytes `piece` at a time.
    struct Pieces<'a>(&'a [u8], usize);

    impl Read for Pieces<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_formulas_tag_is_found_however_the_bytes_come() {
        for (xml, found) in [
            (
                &br#"<c r="A1"><f t="shared" si="0"/><v>1</v></c>"#[..],
                true,
            ),
            (b"<c><f>A1</f></c>", true),
            (b"<c><f\n>A1</f></c>", true),
            (b"<c><f/></c>", true),
            (b"<x:c><x:f>H2+4</x:f><x:v>10</x:v></x:c>", true),
            (b"<font/><fill/><filterColumn/><c><v>1</v></c>", false),
            (b"<f", false),
        ] {
            for piece in 1..=xml.len() {
                assert_eq!(
                    has_formula_tag(Pieces(xml, piece)).unwrap(),
                    found,
                    "{} by {piece}",
                    String::from_utf8_lossy(xml)
                );
            }
        }
        let mut long = vec![b' '; (1 << 18) - 1];
        long.extend_from_slice(b"<f>1</f>");
        assert!(
            has_formula_tag(&long[..]).unwrap(),
            "across the buffer's end"
        );
    }

    #[test]
    fn cell_references_read_as_row_and_column_from_0() {
        assert_eq!(reference("A1"), Ok((0, 0)));
        assert_eq!(reference("AB12"), Ok((11, 27)));
        assert_eq!(reference("xfd1048576"), Ok((1_048_575, 16_383)));
        for bad in ["", "A", "12", "A0", "A-1", "ZZZZZZZZZ1"] {
            assert!(reference(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        /// Where rows and cells leave their references out, or are empty elements (`<row/>`,
        /// `<c/>`), the cells found holding formulas are at the places calamine's reader
        /// gives them.
        #[test]
        fn formula_cells_are_where_calamine_reads_them(
            rows in prop::collection::vec(
                (
                    any::<bool>(),
                    any::<bool>(),
                    prop::collection::vec((prop::option::of(0u8..11), any::<bool>()), 0..6),
                ),
                0..6,
            )
        ) {
            let mut xml = String::new();
            for (i, (numbered, empty, cells)) in rows.iter().enumerate() {
                let row = i + 2;
                let r = if *numbered { format!(r#" r="{row}""#) } else { String::new() };
                if *empty {
                    xml += &format!("<row{r}/>");
                    continue;
                }
                xml += &format!("<row{r}>");
                for (col, blank) in cells {
                    let r = col.map_or(String::new(), |c| format!(r#" r="{}{row}""#, (b'A' + c) as char));
                    xml += &match blank {
                        true => format!("<c{r}/>"),
                        false => format!("<c{r}><f>1+1</f><v>2</v></c>"),
                    };
                }
                xml += "</row>";
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("hand.xlsx");
            write_hand_book(&path, xml.as_bytes(), b"", "").unwrap();
            let (cells, failed) = by_calamine(&path, "道路");
            prop_assume!(failed.is_none());
            let mut read: Vec<(u32, u32)> = cells
                .iter()
                .filter(|c| c.0 .0 > 0 && c.1 == "2")
                .map(|c| c.0)
                .collect();
            read.sort_unstable();
            let file = std::fs::File::open(&path).unwrap();
            prop_assert_eq!(scan(&file, "道路").unwrap().0, read);
        }
    }
}
