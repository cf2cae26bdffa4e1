//! Which cells of an .xlsx or .xlsm sheet hold a formula, in every form spreadsheet programs
//! save one, read only for a workbook that asks to be recalculated when opened
//! ([`super::inplace::recalc_pending`], as a save in place with edits leaves it, roadsub's
//! own among them): the results saved with its formulas may be out of date, and a segment's
//! row that reads one is refused rather than computed from it.
//!
//! The sheet's XML is read through once on its own. calamine's readers give a copy of a
//! shared formula (`<f t="shared" si="0"/>`, the form Excel saves down a filled column) as a
//! plain value, so neither they nor the quick reader (which follows them) can say it.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::WorkbookError;

/// The cells of a sheet holding a formula (row and column from 0, in the sheet's order), to
/// be asked of in that order.
#[derive(Debug, Default)]
pub struct FormulaCells {
    cells: Vec<(u32, u32)>,
    at: usize,
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
        let cells = scan(path, sheet).map_err(|e| WorkbookError::Open(e.to_string()))?;
        Ok(FormulaCells { cells, at: 0 })
    }

    /// Whether the cell at `pos` holds a formula; cells are asked of in the sheet's order
    /// (a cell before the last one asked of is not found again).
    pub fn is_formula(&mut self, pos: (u32, u32)) -> bool {
        while self.cells.get(self.at).is_some_and(|&c| c < pos) {
            self.at += 1;
        }
        self.cells.get(self.at) == Some(&pos)
    }

    /// Every formula cell, in order.
    pub fn cells(&self) -> &[(u32, u32)] {
        &self.cells
    }
}

/// The cells of sheet `sheet` holding a formula: an `<f>` with text, or one of a shared,
/// array or data-table formula (a shared formula's copy has none of its own). Positions are
/// counted as calamine counts them where a row or cell leaves its reference out.
fn scan(path: &Path, sheet: &str) -> Result<Vec<(u32, u32)>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
    let part = super::inplace::sheet_part(&mut zip, sheet).map_err(|e| e.to_string())?;
    let entry = zip.by_name(&part).map_err(|e| e.to_string())?;
    let mut xml = Reader::from_reader(BufReader::with_capacity(1 << 16, entry));
    let (mut buf, mut cells) = (Vec::new(), Vec::new());
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
            Event::Empty(e) if e.local_name().as_ref() == "f" => {
                if let Some((_, found)) = cell.as_mut() {
                    *found |= has_kind(&e)?;
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "f" => {
                if let Some((_, found)) = cell.as_mut() {
                    *found |= has_kind(&e)?;
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
    Ok(cells)
}

/// Whether the `<f>` element `e` is of a shared, array or data-table formula: one even
/// without text of its own (a shared formula's copy).
fn has_kind(e: &BytesStart<'_>) -> Result<bool, String> {
    Ok(matches!(
        attr(e, "t")?.as_deref(),
        Some("shared" | "array" | "dataTable")
    ))
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
