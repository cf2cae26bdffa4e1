//! Workbooks written part by part, and both readers' cells of them: what the quick reader's
//! tests and its fuzz target ([`crate::fuzzing::xlsx_sheet`]) hold it to. Not part of the
//! tool's interface.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx, XlsxError};

use super::Quick;
use crate::i18n::Lang;
use crate::table::workbook::guard;
use crate::table::workbook::stream::{CellError, Cells, MAX_COLUMNS, MAX_ROWS};
use crate::table::workbook::WorkbookError;

/// A cell as the batch reads it: position, text, and whether it is a formula without a result.
pub(crate) type Cell = ((u32, u32), String, bool);

/// Every cell of a sheet as calamine's reader gives it, and its error if it stops on one. A
/// panic of calamine's (its count of a reference's row or column overflows, checked in
/// tests, fuzzing and release builds) is an error here, caught by [`guard::calamine`] as
/// every reading of a user's workbook catches it, without a word on standard error.
pub(crate) fn by_calamine(path: &Path, sheet: &str) -> (Vec<Cell>, Option<String>) {
    let mut cells = Vec::new();
    let failed = calamine_cells(path, sheet, &mut cells);
    (cells, failed)
}

fn calamine_cells(path: &Path, sheet: &str, cells: &mut Vec<Cell>) -> Option<String> {
    let said = |e: WorkbookError| e.render("calamine", Lang::En);
    let opened = guard::calamine(|| open_workbook::<Xlsx<BufReader<File>>, _>(path));
    let mut book = match opened {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => return Some((e as XlsxError).to_string()),
        Err(e) => return Some(said(e)),
    };
    let mut next = match book.cells(path, sheet) {
        Ok(n) => n,
        Err(e) => return Some(said(e)),
    };
    loop {
        let mut text = String::new();
        match next(&mut text) {
            Ok(Some((pos, no_result))) => cells.push((pos, text, no_result)),
            Ok(None) => return None,
            Err(CellError::Failed(e)) => return Some(said(e)),
            Err(CellError::Unsure) => return Some("calamine's reader was unsure".into()),
        }
    }
}

/// The cells the quick reader gives before it is unsure or the sheet ends, and whether it
/// read the whole sheet.
pub(crate) fn by_quick(path: &Path, sheet: &str) -> (Vec<Cell>, bool) {
    let Ok(Ok(book)) = guard::calamine(|| open_workbook::<Xlsx<BufReader<File>>, _>(path)) else {
        return (Vec::new(), false);
    };
    let names: Vec<String> = book
        .sheets_metadata()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let Ok(file) = File::open(path) else {
        return (Vec::new(), false);
    };
    let Ok(mut quick) = Quick::open(file, &names, book.has_1904_epoch()) else {
        return (Vec::new(), false);
    };
    drop(book);
    if quick.load_strings().is_err() {
        return (Vec::new(), false);
    }
    let Ok(mut cells) = quick.cells(sheet) else {
        return (Vec::new(), false);
    };
    let mut read = Vec::new();
    loop {
        let mut text = String::new();
        match cells.next(&mut text) {
            Ok(Some((pos, no_result))) => read.push((pos, text, no_result)),
            Ok(None) => return (read, true),
            Err(_) => return (read, false),
        }
    }
}

pub(crate) const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;

pub(crate) const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

pub(crate) const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// Styles: 0 general, 1 a built-in date (14), 2 a custom date, 3 a duration, 4 a custom
/// number format, 5 two decimals (built-in 2), formats showing units: 6 metres (`0"米"`), 7
/// 万元 (`0.00" 万元"`), 8 万元 beside a shifted number (`0!.0000"万元"`), 9 metres but for
/// zero (`0"米";-0"米";"-"`), 10 a text section's words (`@"米"`), 11 people (`0"人"`).
pub(crate) const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="9"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="[h]:mm:ss"/><numFmt numFmtId="166" formatCode="0.00_ ;[Red]\-0.00\ "/><numFmt numFmtId="167" formatCode="0&quot;米&quot;"/><numFmt numFmtId="168" formatCode="0.00&quot; 万元&quot;"/><numFmt numFmtId="169" formatCode="0!.0000&quot;万元&quot;"/><numFmt numFmtId="170" formatCode="0&quot;米&quot;;-0&quot;米&quot;;&quot;-&quot;"/><numFmt numFmtId="171" formatCode="@&quot;米&quot;"/><numFmt numFmtId="172" formatCode="0&quot;人&quot;"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="12"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment horizontal="right"/></xf><xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="169" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="170" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="171" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="172" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#;

/// The header row every hand-written sheet starts with (shared strings 0 to 6).
pub(crate) const HEADER_SST: &str = "<si><t>id</t></si><si><t>township</t></si><si><t>village</t></si><si><t>class</t></si><si><t>width_m</t></si><si><t>length_km</t></si><si><t>cost</t></si>";

pub(crate) fn header_row() -> String {
    let cells: String = (0..7)
        .map(|c| format!(r#"<c r="{}1" t="s"><v>{c}</v></c>"#, (b'A' + c) as char))
        .collect();
    format!(r#"<row r="1">{cells}</row>"#)
}

/// Writes to `path` a workbook of one sheet, 道路: the header row, then `rows` (the bytes
/// inside `<sheetData>` after it); its shared strings the header's, then `strings` (`<si>`
/// items); `workbook_pr` in its workbook part (`<workbookPr date1904="1"/>`).
pub(crate) fn write_hand_book(
    path: &Path,
    rows: &[u8],
    strings: &[u8],
    workbook_pr: &str,
) -> std::io::Result<()> {
    let mut sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:K9"/><sheetData>{}"#,
        header_row()
    )
    .into_bytes();
    sheet.extend_from_slice(rows);
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    let mut sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{HEADER_SST}"#
    )
    .into_bytes();
    sst.extend_from_slice(strings);
    sst.extend_from_slice(b"</sst>");
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{workbook_pr}<sheets><sheet name="道路" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let mut zip = zip::ZipWriter::new(File::create(path)?);
    let parts: [(&str, &[u8]); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", &sheet),
        ("xl/styles.xml", STYLES.as_bytes()),
        ("xl/sharedStrings.xml", &sst),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    zip.finish().map_err(std::io::Error::other)?;
    Ok(())
}

/// Where the quick reader and calamine's disagree on a sheet of the workbook at `path`, if
/// anywhere: the quick reader gives more cells, other cells, or says it read a sheet whole
/// that calamine read otherwise or failed on. (Stopping early is no disagreement: calamine
/// reads on from there; nor is what follows a cell beyond the last column, where the sheet
/// or row, where the sheet is refused.)
pub(crate) fn disagreement(path: &Path) -> Option<String> {
    let names: Vec<String> =
        match guard::calamine(|| open_workbook::<Xlsx<BufReader<File>>, _>(path)) {
            Ok(Ok(book)) => book.sheet_names(),
            _ => return None,
        };
    for name in &names {
        let (mut quick, mut whole) = by_quick(path, name);
        // A shared formula numbered past what calamine should set aside refuses the sheet
        // before calamine reads a cell; the quick reader must not have read it whole.
        if super::super::shared::check(path, name).is_err() {
            if whole {
                return Some(format!(
                    "sheet {name}: read whole by the quick reader, refused for a shared formula's number"
                ));
            }
            continue;
        }
        let (slow, failed) = by_calamine(path, name);
        // A cell beyond the last column or row refuses the sheet there, whatever calamine
        // makes of it: the cells before it are what must agree.
        if let Some(beyond) = quick
            .iter()
            .position(|c| c.0 .1 >= MAX_COLUMNS || c.0 .0 >= MAX_ROWS)
        {
            quick.truncate(beyond);
            whole = false;
        }
        let differs = quick.len() > slow.len()
            || quick[..] != slow[..quick.len().min(slow.len())]
            || (whole && (quick.len() != slow.len() || failed.is_some()));
        if differs {
            return Some(format!(
                "sheet {name}\n   calamine: {slow:?} err={failed:?}\n   quick:    {quick:?} whole={whole}"
            ));
        }
    }
    None
}

/// Writes to `path` an .ods workbook whose `content.xml` is `content`, its parts stored
/// unpacked (so that a fuzzer's changes are what the reader reads).
pub(crate) fn write_hand_ods(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let mut zip = zip::ZipWriter::new(File::create(path)?);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 3] = [
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", ODS_MANIFEST.as_bytes()),
        ("content.xml", content),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, stored)
            .map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    zip.finish().map_err(std::io::Error::other)?;
    Ok(())
}

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
