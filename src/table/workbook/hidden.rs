//! Rows a sheet hides (隐藏的行). An office often hides a cancelled segment's row instead of
//! deleting it, or filters a sheet down to one township and saves it so; the file still holds
//! the row, and Excel's own SUM still counts it. Whether it is a segment to pay or one left
//! out, roadsub cannot tell: such a row is refused, said as hidden ([`crate::table::Problem::
//! HiddenRow`]), so that it is unhidden (and computed) or deleted, or left out with
//! `--keep-going`, never computed or dropped without a word.
//!
//! A sheet's hidden rows are read from the file as the spreadsheet saved them: an .xlsx's or
//! .xlsm's `<row hidden="1">` (hidden by hand, by a filter or in a collapsed outline alike),
//! an .xls's ROW records flagged so, an .ods's rows whose visibility is `collapse` or
//! `filter`. An .xlsb's are not read (calamine gives none, and the format is Excel's own
//! binary one, rare in offices).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::WorkbookError;

/// The rows (from 1, in order) sheet `sheet` of the workbook at `path` hides.
pub fn rows(path: &Path, sheet: &str) -> Result<Vec<u64>, WorkbookError> {
    rows_in(path, sheet, || File::open(path).map_err(WorkbookError::Io))
}

/// [`rows`], read from the file `open` gives (the workbook as first opened).
pub fn rows_in(
    path: &Path,
    sheet: &str,
    open: impl FnOnce() -> Result<File, WorkbookError>,
) -> Result<Vec<u64>, WorkbookError> {
    match super::extension(path).as_str() {
        "xlsx" | "xlsm" => xlsx_rows(&open()?, sheet),
        // An .xls named so may be an .xlsx inside: read as calamine reads it.
        "xls" => {
            let mut file = open()?;
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map_err(WorkbookError::Io)?;
            if bytes.starts_with(b"PK\x03\x04") {
                // The same file, as first opened, from its start.
                std::io::Seek::rewind(&mut file).map_err(WorkbookError::Io)?;
                return xlsx_rows(&file, sheet);
            }
            Ok(super::xls::hidden_rows(&bytes, sheet))
        }
        "ods" => ods_rows(&open()?, sheet),
        _ => Ok(Vec::new()),
    }
}

/// Whether a `<row>` whose attributes `hidden` and `ht` (height) are as given is hidden:
/// flagged so (an XML boolean, entities decoded), or made zero points tall, which every
/// spreadsheet program shows as hidden alike (review 38).
pub(crate) fn row_hides(hidden: Option<&str>, ht: Option<&str>) -> bool {
    // Called for every row the quick reader reads (a height is on most): nothing is copied
    // unless the value holds an entity.
    fn decoded(v: &str) -> std::borrow::Cow<'_, str> {
        match v.contains('&') {
            true => {
                quick_xml::escape::unescape(v).map_or_else(|_| v.into(), |c| c.into_owned().into())
            }
            false => v.into(),
        }
    }
    let flagged = hidden.is_some_and(|v| matches!(decoded(v).trim(), "1" | "true"));
    let flat = ht.is_some_and(|v| decoded(v).trim().parse::<f64>().is_ok_and(|h| h == 0.0));
    flagged || flat
}

/// The hidden rows of an .xlsx or .xlsm sheet: its XML read through once, looked through as
/// bytes for the word first (most sheets hide nothing).
fn xlsx_rows(file: &File, sheet: &str) -> Result<Vec<u64>, WorkbookError> {
    let damaged = |e: String| WorkbookError::Open(e);
    let part = super::inplace::sheet_part_read(file, sheet).map_err(|e| damaged(e.to_string()))?;
    let again = || file.try_clone().map_err(WorkbookError::Io);
    let mut zip =
        zip::ZipArchive::new(BufReader::new(again()?)).map_err(|e| damaged(e.to_string()))?;
    let entry = zip.by_name(&part).map_err(|e| damaged(e.to_string()))?;
    // (`ht="0` for a row made zero points tall; a height of 0.0 or 00 is looked at too.)
    if !holds_hiding(entry).map_err(WorkbookError::Io)? {
        return Ok(Vec::new());
    }
    let entry = zip.by_name(&part).map_err(|e| damaged(e.to_string()))?;
    xml_rows(BufReader::with_capacity(1 << 16, entry)).map_err(damaged)
}

/// The hidden rows of a sheet's XML: rows counted as calamine counts them (a row without a
/// number is the one after the last).
fn xml_rows(part: impl std::io::BufRead) -> Result<Vec<u64>, String> {
    let mut xml = Reader::from_reader(part);
    xml.config_mut().check_end_names = false;
    let (mut buf, mut hidden) = (Vec::new(), Vec::new());
    // The row the next `<row>` without a number is (from 0).
    let mut next = 0u64;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
                let mut row = next;
                let (mut flag, mut ht) = (None, None);
                for a in e.attributes().with_checks(false) {
                    let a = a.map_err(|e| e.to_string())?;
                    match a.key.local_name().as_ref() {
                        "r" => {
                            let digits = &a.value;
                            row = digits
                                .trim()
                                .parse::<u64>()
                                .ok()
                                .and_then(|r| r.checked_sub(1))
                                .ok_or_else(|| format!("not a row number: {digits}"))?;
                        }
                        "hidden" => flag = Some(a.value.into_owned()),
                        "ht" => ht = Some(a.value.into_owned()),
                        _ => {}
                    }
                }
                if row_hides(flag.as_deref(), ht.as_deref()) {
                    hidden.push(row + 1);
                }
                next = row + 1;
            }
            Event::End(e) if e.local_name().as_ref() == "sheetData" => break,
            Event::Eof => break,
            _ => {}
        }
    }
    hidden.sort_unstable();
    hidden.dedup();
    Ok(hidden)
}

/// Whether the bytes `read` gives may hide a row: they hold `hidden`, or a height written
/// `ht="0`… or `ht='0`… (zero points, or a height such as 0.5 a reading looks at closer).
fn holds_hiding(read: impl Read) -> std::io::Result<bool> {
    let words = [
        memchr::memmem::Finder::new(b"hidden"),
        memchr::memmem::Finder::new(b"ht=\"0"),
        memchr::memmem::Finder::new(b"ht='0"),
    ];
    super::formulas::bytes_hold(read, 5, |b| words.iter().any(|w| w.find(b).is_some()))
}

/// The hidden rows of table `sheet` of an .ods: rows counted as calamine lays them out (a
/// row repeated counts as many times as it says).
fn ods_rows(file: &File, sheet: &str) -> Result<Vec<u64>, WorkbookError> {
    let damaged = |e: String| WorkbookError::Open(e);
    let mut zip =
        zip::ZipArchive::new(BufReader::new(file.try_clone().map_err(WorkbookError::Io)?))
            .map_err(|e| damaged(e.to_string()))?;
    let part = zip
        .by_name("content.xml")
        .map_err(|e| damaged(e.to_string()))?;
    ods_content_rows(BufReader::with_capacity(1 << 16, part), sheet).map_err(damaged)
}

/// [`ods_rows`] of a `content.xml`.
fn ods_content_rows(part: impl std::io::BufRead, sheet: &str) -> Result<Vec<u64>, String> {
    const MAX_ROWS: u64 = 1_048_576;
    let mut xml = Reader::from_reader(part);
    let (mut buf, mut hidden) = (Vec::new(), Vec::new());
    // Inside the table asked for; the rows of it so far.
    let (mut inside, mut rows) = (false, 0u64);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                inside = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == "table:name")
                    .map(|a| quick_xml::escape::unescape(&a.value).is_ok_and(|v| v == sheet))
                    .unwrap_or(false);
                rows = 0;
            }
            Event::End(e) if e.name().as_ref() == "table:table" && inside => break,
            Event::Start(e) | Event::Empty(e)
                if inside && e.name().as_ref() == "table:table-row" =>
            {
                let (mut repeats, mut hides) = (1u64, false);
                for a in e.attributes().flatten() {
                    match a.key.as_ref() {
                        "table:number-rows-repeated" => {
                            repeats = a.value.trim().parse().unwrap_or(1);
                        }
                        "table:visibility" => {
                            hides = matches!(a.value.as_ref(), "collapse" | "filter");
                        }
                        _ => {}
                    }
                }
                let repeats = repeats.min(MAX_ROWS.saturating_sub(rows));
                if hides {
                    hidden.extend((rows + 1)..=(rows + repeats));
                }
                rows += repeats;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(hidden)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::table::columns::HeaderOptions;
    use crate::table::sheet::Judged;
    use crate::table::sheet::Sheet;
    use crate::table::workbook::stream::{self, BookItem};
    use crate::table::Problem;
    use proptest::prelude::*;

    /// A row of the generated sheet: a segment, or a totals row (合计) that no reader computes.
    #[derive(Debug, Clone, Copy)]
    enum Kind {
        Segment,
        Totals,
    }

    /// A sheet of `rows` after its header (row 1), the rows `hidden` says hidden, and, when
    /// `unusual` names one, a cell on that row in a form the quick reader does not know (a
    /// date typed as `t="d"`), so that calamine reads on from it.
    fn book(path: &Path, rows: &[(Kind, bool)], unusual: Option<usize>) {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("道路").unwrap();
        for (c, h) in ["编号", "乡镇", "村", "类别", "宽度", "长度", "投资", "X"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (i, &(kind, hidden)) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            match kind {
                Kind::Segment => {
                    let id = format!("E{}", r + 1);
                    for (c, v) in [id.as_str(), "天马乡", "画青村", "通村"].iter().enumerate()
                    {
                        ws.write_string(r, c as u16, *v).unwrap();
                    }
                    ws.write_number(r, 4, 4.5).unwrap();
                    ws.write_number(r, 5, 2.0).unwrap();
                }
                Kind::Totals => {
                    ws.write_string(r, 0, "合计").unwrap();
                }
            }
            ws.write_number(r, 6, 1_600_000.0).unwrap();
            ws.write_number(r, 7, 1.0).unwrap();
            if hidden {
                ws.set_row_hidden(r).unwrap();
            }
        }
        book.save(path).unwrap();
        let Some(at) = unusual else { return };
        let cell = format!("H{}", at + 2);
        let mut zip = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut e = zip.by_index(i).unwrap();
            let name = e.name().unwrap().to_string();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                let xml = String::from_utf8(bytes).unwrap();
                let from = format!(r#"<c r="{cell}"><v>1</v></c>"#);
                assert!(xml.contains(&from), "{xml}");
                let to = format!(r#"<c r="{cell}" t="d"><v>2024-04-05</v></c>"#);
                bytes = xml.replace(&from, &to).into_bytes();
            }
            w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, &bytes).unwrap();
        }
        std::fs::write(path, w.finish().unwrap().into_inner()).unwrap();
    }

    /// The lines a reader refused as hidden, and those it gave as rows.
    fn said(items: impl Iterator<Item = BookItem>) -> (Vec<u64>, Vec<u64>) {
        let (mut hidden, mut rows) = (Vec::new(), Vec::new());
        for item in items {
            match item {
                BookItem::Row(row) => rows.push(row.line),
                BookItem::NoResult(e) => {
                    assert_eq!(e.problem, Problem::HiddenRow);
                    assert_eq!(e.column, None);
                    hidden.push(e.line);
                }
            }
        }
        (hidden, rows)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Every reader of a workbook (the quick reader, calamine's row by row, with calamine
        /// reading on after the quick reader, the sheet read whole, and the table view's
        /// judgement of it) refuses exactly the segments' rows the sheet hides, and gives
        /// every other row (a totals row hidden among them) as a row.
        #[test]
        fn every_reader_refuses_the_segments_rows_a_sheet_hides_and_no_other(
            rows in prop::collection::vec(
                (prop_oneof![4 => Just(Kind::Segment), 1 => Just(Kind::Totals)], any::<bool>()),
                1..12,
            ),
            unusual in prop::option::of(0usize..12),
        ) {
            let unusual = unusual.filter(|&u| u < rows.len());
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("plan.xlsx");
            book(&path, &rows, unusual);
            let line = |i: usize| i as u64 + 2;
            let expected: Vec<u64> = (0..rows.len())
                .filter(|&i| rows[i].1 && matches!(rows[i].0, Kind::Segment))
                .map(line)
                .collect();
            let all: Vec<u64> = (0..rows.len()).map(line).collect();
            let others: Vec<u64> = all.iter().copied().filter(|l| !expected.contains(l)).collect();
            let hides: Vec<u64> = (0..rows.len()).filter(|&i| rows[i].1).map(line).collect();
            prop_assert_eq!(super::rows(&path, "道路").unwrap(), hides);
            let options = HeaderOptions::default();
            for quick in [true, false] {
                let (_, _, items) = stream::rows_read(&path, None, &options, quick).unwrap();
                let items = items.map(Result::unwrap);
                prop_assert_eq!(said(items), (expected.clone(), others.clone()), "quick {}", quick);
            }
            let whole = super::super::open(&path, None).unwrap();
            let (_, _, items) = stream::whole(whole);
            prop_assert_eq!(said(items.into_iter()), (expected.clone(), others.clone()));
            let sheet = Sheet::load(&path).unwrap();
            let rules = RuleSet::builtin();
            let judged: Vec<u64> = sheet
                .rows
                .iter()
                .filter(|row| match sheet.judge(&rules, &sheet.columns, row, false) {
                    Judged::Bad(e) => e.iter().any(|e| e.problem == Problem::HiddenRow),
                    _ => false,
                })
                .map(|row| row.line)
                .collect();
            prop_assert_eq!(judged, expected);
        }
    }

    fn xml(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    #[test]
    fn a_sheets_hidden_rows_are_those_its_row_elements_flag() {
        let sheet = xml(
            r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="3" hidden="1"><c r="A3"><v>1</v></c></row><row hidden="true" spans="1:2"/><row r="9" hidden="0"/><row r="12" customHeight="1" hidden="1" ht="0"/>"#,
        );
        assert_eq!(xml_rows(sheet.as_bytes()).unwrap(), [3, 4, 12]);
        // With a namespace prefix, as some programs save it.
        let prefixed = r#"<x:worksheet xmlns:x="s"><x:sheetData><x:row r="2" hidden="1"/></x:sheetData></x:worksheet>"#;
        assert_eq!(xml_rows(prefixed.as_bytes()).unwrap(), [2]);
        // Zero points tall, or flagged through an entity: hidden alike (review 38).
        let flat = xml(
            r#"<row r="2" ht="0" customHeight="1"/><row r="3" ht="0.0"/><row r="4" ht="12.75"/><row r="5" hidden="&#49;"/><row r="6" ht="0.5"/>"#,
        );
        assert_eq!(xml_rows(flat.as_bytes()).unwrap(), [2, 3, 5]);
        assert!(holds_hiding(flat.as_bytes()).unwrap());
        assert!(!holds_hiding(xml(r#"<row r="2" ht="12"/>"#).as_bytes()).unwrap());
        assert!(xml_rows(xml(r#"<row r="x" hidden="1"/>"#).as_bytes()).is_err());
    }

    #[test]
    fn a_hiding_attribute_is_found_across_two_reads() {
        // A reader giving three bytes at a time: every place the word may be cut.
        struct Slow<'a>(&'a [u8]);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(3).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        for pad in 0..8 {
            for (row, hides) in [
                ("<row hidden=\"1\"/>", true),
                ("<row ht=\"0\"/>", true),
                ("<row ht='0'/>", true),
                ("<row ht=\"10\"/>", false),
                ("<row r=\"3\"/>", false),
            ] {
                let text = format!("{}{row}", "x".repeat(pad));
                let found = holds_hiding(Slow(text.as_bytes())).unwrap();
                assert_eq!(found, hides, "{pad} {row}");
            }
        }
    }

    #[test]
    fn an_ods_tables_hidden_rows_count_repeated_rows_as_calamine_lays_them_out() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:table="t"><office:body><office:spreadsheet>
<table:table table:name="other"><table:table-row table:visibility="collapse"><table:table-cell/></table:table-row></table:table>
<table:table table:name="路段"><table:table-header-rows><table:table-row><table:table-cell/></table:table-row></table:table-header-rows>
<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
<table:table-row table:visibility="filter"><table:table-cell/></table:table-row>
<table:table-row table:visibility="collapse" table:number-rows-repeated="2"><table:table-cell/></table:table-row>
<table:table-row table:visibility="visible"><table:table-cell/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
        assert_eq!(
            ods_content_rows(content.as_bytes(), "路段").unwrap(),
            [4, 5, 6]
        );
        assert_eq!(ods_content_rows(content.as_bytes(), "other").unwrap(), [1]);
        assert!(ods_content_rows(content.as_bytes(), "none")
            .unwrap()
            .is_empty());
    }
}
