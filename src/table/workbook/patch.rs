//! Rewrites one worksheet's XML so that only the edited cells change.
//!
//! Everything outside the cells being written is copied byte for byte from the original text:
//! other cells keep their type, value, style and formula, and rows keep their height and style.
//! A deleted row is removed as a whole element; the rows below it keep their numbers, so no
//! formula, merged range or defined name that points below it moves (the row is left empty,
//! which the table reader skips). Added rows go below the sheet's last row with content.
//! Edited text is written as an inline string, so the shared string table need not change.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::shown::ShownUnits;

pub use xml::column_name;
use xml::{attr, cell_xml, grown_dimension, new_dimension, parse_ref, row_start, row_xml};

mod xml;

/// What an edited cell becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewCell {
    /// No value (the cell keeps its style).
    Empty,
    /// A number, written as Excel reads it (`1.5`).
    Number(String),
    /// Text.
    Text(String),
}

/// The changes to make to a sheet.
#[derive(Debug, Default, Clone)]
pub struct Edits {
    /// Cells to rewrite, by 1-based row number, then 0-based column.
    pub cells: BTreeMap<u32, BTreeMap<u32, NewCell>>,
    /// Rows to remove (1-based).
    pub delete: BTreeSet<u32>,
    /// Rows to add below the last row with content, in order; field `i` goes to column `i`.
    pub append: Vec<Vec<NewCell>>,
    /// The rows (first and last, 1-based) whose styles an added row's cells take, column by
    /// column: the style most cells of each column have among them (a date column's date
    /// format, a width's `0.00`). The table's rows as read, never its header or titles.
    pub styled_by: Option<(u32, u32)>,
}

impl Edits {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.delete.is_empty() && self.append.is_empty()
    }
}

/// The rewritten sheet.
#[derive(Debug)]
pub struct Patched {
    /// The new XML.
    pub xml: Vec<u8>,
    /// The row number the first appended row was given.
    pub first_appended: u32,
    /// Whether a formula was overwritten or removed (the calculation chain must go).
    pub formula_removed: bool,
}

/// Why a sheet cannot be rewritten in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchError {
    /// The XML could not be understood.
    Malformed(String),
    /// The cell (`G5`) holds a formula that other cells share or an array formula: changing
    /// it would break cells that were not edited.
    SharedFormula(String),
    /// The cell's number format would show the value written otherwise than typed
    /// (`@"米"` shows 900 as 900米): see [`shown_as_typed`].
    ShownOtherwise {
        cell: String,
        format: String,
        otherwise: Box<Otherwise>,
    },
}

/// The sheet's rows as a reader sees them, to find formulas and the last row.
struct Scan {
    last_row: u32,
    formula_removed: bool,
    /// The style an added row's cell takes, by column ([`Edits::styled_by`]).
    styles: BTreeMap<u32, String>,
    /// The style of each edited cell the sheet already has, by row and column.
    edited: BTreeMap<(u32, u32), String>,
}

fn malformed(e: impl std::fmt::Display) -> PatchError {
    PatchError::Malformed(e.to_string())
}

/// First pass: the last row with content, and whether the cells to be replaced hold formulas
/// that cannot simply go.
fn scan(xml: &str, edits: &Edits) -> Result<Scan, PatchError> {
    let mut reader = Reader::from_str(xml);
    let mut row = 0u32;
    let mut col = 0u32;
    let mut in_cell = false;
    let mut cell_touched = false;
    let mut cell_has_content = false;
    let mut scan = Scan {
        last_row: 0,
        formula_removed: false,
        styles: BTreeMap::new(),
        edited: BTreeMap::new(),
    };
    let styled = |row: u32| edits.styled_by.is_some_and(|(a, b)| (a..=b).contains(&row));
    // How many cells of each column have each style.
    let mut counts: BTreeMap<u32, BTreeMap<String, usize>> = BTreeMap::new();
    loop {
        let event = reader.read_event().map_err(malformed)?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "row" => {
                    row = match attr(e, "r") {
                        Some(r) => r.parse().map_err(malformed)?,
                        None => row + 1,
                    };
                    col = 0;
                }
                "c" => {
                    let at = attr(e, "r").and_then(|r| parse_ref(&r));
                    let c = match at {
                        Some((_, c)) => c,
                        None => col,
                    };
                    col = c + 1;
                    if styled(row) {
                        // A cell without a style counts too: as the default style.
                        let style = attr(e, "s").unwrap_or_default();
                        *counts.entry(c).or_default().entry(style).or_default() += 1;
                    }
                    let edited = edits.cells.get(&row).is_some_and(|m| m.contains_key(&c));
                    if edited {
                        if let Some(style) = attr(e, "s") {
                            scan.edited.insert((row, c), style);
                        }
                    }
                    cell_touched = edits.delete.contains(&row) || edited;
                    in_cell = matches!(event, Event::Start(_));
                    cell_has_content = false;
                    if !in_cell {
                        continue;
                    }
                }
                "f" | "v" | "is" if in_cell => {
                    cell_has_content = true;
                    if e.local_name().as_ref() == "f" && cell_touched {
                        scan.formula_removed = true;
                        let t = attr(e, "t").unwrap_or_default();
                        if (t == "shared" || t == "array") && attr(e, "ref").is_some() {
                            return Err(PatchError::SharedFormula(format!(
                                "{}{row}",
                                column_name(col - 1)
                            )));
                        }
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "c" => {
                in_cell = false;
                if cell_has_content {
                    scan.last_row = scan.last_row.max(row);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Each column's most common style: a totals row's bold is no row's to take.
    scan.styles = counts
        .into_iter()
        .filter_map(|(c, styles)| {
            // (A tie goes to the default style.)
            let most = styles.into_iter().max_by_key(|(s, n)| (*n, s.is_empty()))?;
            Some((c, most.0)).filter(|(_, s)| !s.is_empty())
        })
        .collect();
    Ok(scan)
}

/// Rewrites `xml` with `edits`; `units` are what the workbook's cell styles show beside a
/// value, by style number ([`super::shown::palette_units`]: empty when none shows any).
pub(crate) fn patch(
    xml: &[u8],
    edits: &Edits,
    units: &[Option<Box<ShownUnits>>],
) -> Result<Patched, PatchError> {
    let xml = std::str::from_utf8(xml).map_err(malformed)?;
    let scanned = scan(xml, edits)?;
    let mut cells = edits.cells.clone();
    let first_appended = scanned.last_row + 1;
    for (i, fields) in edits.append.iter().enumerate() {
        let at = first_appended + i as u32;
        let row = cells.entry(at).or_default();
        for (c, v) in fields.iter().enumerate() {
            row.insert(c as u32, v.clone());
        }
    }
    if !units.is_empty() {
        for (&r, row) in cells.iter_mut() {
            for (&c, value) in row.iter_mut() {
                // The style the cell is written in: its own, an added row's column's, or
                // (a cell the sheet did not have) the workbook's default, style 0.
                let style = if r >= first_appended {
                    scanned.styles.get(&c)
                } else {
                    scanned.edited.get(&(r, c))
                };
                let style = style.map_or(Some(0), |s| s.parse::<usize>().ok());
                let shows = style.and_then(|s| units.get(s)).and_then(Option::as_deref);
                if let Some(shows) = shows {
                    *value = shown_as_typed(std::mem::replace(value, NewCell::Empty), shows)
                        .map_err(|otherwise| PatchError::ShownOtherwise {
                            cell: format!("{}{r}", column_name(c)),
                            format: shows.code().to_string(),
                            otherwise: Box::new(otherwise),
                        })?;
                }
            }
        }
    }
    let mut w = Writer {
        xml,
        out: Vec::with_capacity(xml.len() + 1024),
        copied: 0,
        prefix: String::new(),
    };
    let mut reader = Reader::from_str(xml);
    // Rows of `cells` not yet written, in order.
    let mut pending_rows: Vec<u32> = cells.keys().rev().copied().collect();
    let mut in_sheet_data = false;
    let mut row = 0u32;
    let mut col = 0u32;
    // The edited row being written: its pending cells, reversed.
    let mut row_cells: Option<Vec<(u32, NewCell)>> = None;
    // Where a skipped element (deleted row, replaced cell) began, and what replaces it.
    let mut skip_row: Option<usize> = None;
    let mut skip_cell: Option<(usize, String)> = None;
    let dimension = new_dimension(&cells);
    // An added row's cells take their column's style; a new row among the old ones keeps none.
    let styles = |r: u32| (r >= first_appended).then_some(&scanned.styles);
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(malformed)?;
        let end = reader.buffer_position() as usize;
        match &event {
            Event::Eof => break,
            Event::Start(e) if e.local_name().as_ref() == "worksheet" => {
                // Some writers name the elements `x:row`; what is added is named alike.
                let name = e.name();
                let name: &str = name.as_ref();
                w.prefix = name.strip_suffix("worksheet").unwrap_or("").to_string();
            }
            _ if skip_row.is_some() => {
                if let Event::End(e) = &event {
                    if e.local_name().as_ref() == "row" {
                        let from = skip_row.take().unwrap_or(start);
                        w.replace(from, end, "");
                    }
                }
            }
            _ if skip_cell.is_some() => {
                if let Event::End(e) = &event {
                    if e.local_name().as_ref() == "c" {
                        let (from, text) = skip_cell.take().unwrap_or_default();
                        w.replace(from, end, &text);
                    }
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == "dimension" => {
                if let Some((rows, cols)) = dimension {
                    let old = attr(e, "ref").unwrap_or_default();
                    if let Some(new) = grown_dimension(&old, rows, cols) {
                        w.replace(start, end, &format!("<dimension ref=\"{new}\"/>"));
                    }
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "sheetData" => in_sheet_data = true,
            Event::Empty(e) if e.local_name().as_ref() == "sheetData" => {
                let mut text = String::from("<sheetData>");
                while let Some(r) = pending_rows.pop() {
                    text.push_str(&row_xml(r, &cells[&r], styles(r)));
                }
                text.push_str("</sheetData>");
                w.replace(start, end, &text);
            }
            Event::End(e) if e.local_name().as_ref() == "sheetData" => {
                in_sheet_data = false;
                let mut text = String::new();
                while let Some(r) = pending_rows.pop() {
                    text.push_str(&row_xml(r, &cells[&r], styles(r)));
                }
                w.replace(start, start, &text);
            }
            Event::Start(e) | Event::Empty(e)
                if in_sheet_data && e.local_name().as_ref() == "row" =>
            {
                row = match attr(e, "r") {
                    Some(r) => r.parse().map_err(malformed)?,
                    None => row + 1,
                };
                col = 0;
                // New rows that come before this one.
                let mut text = String::new();
                while pending_rows.last().is_some_and(|&r| r < row) {
                    let r = pending_rows.pop().unwrap_or_default();
                    text.push_str(&row_xml(r, &cells[&r], styles(r)));
                }
                let empty = matches!(event, Event::Empty(_));
                if edits.delete.contains(&row) {
                    w.replace(start, start, &text);
                    if empty {
                        w.replace(start, end, "");
                    } else {
                        skip_row = Some(start);
                    }
                    continue;
                }
                if pending_rows.last() == Some(&row) {
                    pending_rows.pop();
                    let mine: Vec<(u32, NewCell)> = cells[&row]
                        .iter()
                        .rev()
                        .map(|(c, v)| (*c, v.clone()))
                        .collect();
                    text.push_str(&row_start(e));
                    if empty {
                        for (c, v) in mine.into_iter().rev() {
                            if v != NewCell::Empty {
                                text.push_str(&cell_xml(row, c, None, &v));
                            }
                        }
                        text.push_str("</row>");
                    } else {
                        row_cells = Some(mine);
                    }
                    w.replace(start, end, &text);
                } else {
                    w.replace(start, start, &text);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "row" => {
                if let Some(rest) = row_cells.take() {
                    let text: String = rest
                        .iter()
                        .rev()
                        .filter(|(_, v)| *v != NewCell::Empty)
                        .map(|(c, v)| cell_xml(row, *c, None, v))
                        .collect();
                    w.replace(start, start, &text);
                }
            }
            Event::Start(e) | Event::Empty(e)
                if row_cells.is_some() && e.local_name().as_ref() == "c" =>
            {
                let c = match attr(e, "r").and_then(|r| parse_ref(&r)) {
                    Some((_, c)) => c,
                    None => col,
                };
                col = c + 1;
                let pending = row_cells.as_mut().expect("checked above");
                let mut text = String::new();
                while pending.last().is_some_and(|(pc, _)| *pc < c) {
                    let (pc, v) = pending.pop().expect("checked above");
                    if v != NewCell::Empty {
                        text.push_str(&cell_xml(row, pc, None, &v));
                    }
                }
                w.replace(start, start, &text);
                if pending.last().is_some_and(|(pc, _)| *pc == c) {
                    let (_, v) = pending.pop().expect("checked above");
                    let style = attr(e, "s");
                    let new = cell_xml(row, c, style.as_deref(), &v);
                    if matches!(event, Event::Empty(_)) {
                        w.replace(start, end, &new);
                    } else {
                        skip_cell = Some((start, new));
                    }
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "c" => {
                col = match attr(e, "r").and_then(|r| parse_ref(&r)) {
                    Some((_, c)) => c + 1,
                    None => col + 1,
                };
            }
            _ => {}
        }
    }
    if !pending_rows.is_empty() {
        return Err(PatchError::Malformed("no sheetData".into()));
    }
    w.out.extend_from_slice(&xml.as_bytes()[w.copied..]);
    Ok(Patched {
        xml: w.out,
        first_appended,
        formula_removed: scanned.formula_removed,
    })
}

/// `value` as written into a cell whose number format shows `shows`, so that the cell is
/// shown as it was typed: a number the format would show with a unit beside it goes in as
/// text (900 under `0"米"` would be shown 900米, and read back in metres); a text typed with
/// the words the format's text section shows around a text, exactly (900米 under `@"米"`),
/// goes in without them. `Err` with the value typed and how the format would show it when it
/// would show it otherwise.
pub(crate) fn shown_as_typed(value: NewCell, shows: &ShownUnits) -> Result<NewCell, Otherwise> {
    let text = match value {
        NewCell::Empty => return Ok(NewCell::Empty),
        NewCell::Number(n) => {
            let shown_plain = n
                .parse::<f64>()
                .is_ok_and(|number| shows.beside(number).is_none());
            if shown_plain {
                return Ok(NewCell::Number(n));
            }
            n
        }
        NewCell::Text(t) => t,
    };
    let Some((before, after)) = shows.around_text() else {
        return Ok(NewCell::Text(text));
    };
    // The words exactly as the format shows them, spaces and all: a space typed beside them
    // is kept or refused, never dropped.
    let inner = text
        .strip_prefix(before)
        .and_then(|rest| rest.strip_suffix(after));
    match inner {
        Some(inner) => Ok(NewCell::Text(inner.to_string())),
        None => Err(Otherwise {
            shown: format!("{before}{text}{after}"),
            typed: text,
            before: before.to_string(),
            after: after.to_string(),
        }),
    }
}

/// A value a cell's format would show otherwise than typed: the value, how it would be shown,
/// and the words the format's text section shows before and after a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Otherwise {
    pub typed: String,
    pub shown: String,
    pub before: String,
    pub after: String,
}

/// Copies the original text up to each change.
struct Writer<'a> {
    xml: &'a str,
    out: Vec<u8>,
    copied: usize,
    /// The namespace prefix of the sheet's elements (`x:`), usually none.
    prefix: String,
}

impl Writer<'_> {
    /// Replaces the original bytes `from..to` with `text` (`from == to` inserts), written
    /// without a prefix and given the sheet's here (its text holds no `<`: it is escaped).
    fn replace(&mut self, from: usize, to: usize, text: &str) {
        if from == to && text.is_empty() {
            return;
        }
        self.out
            .extend_from_slice(&self.xml.as_bytes()[self.copied..from]);
        if self.prefix.is_empty() {
            self.out.extend_from_slice(text.as_bytes());
        } else {
            let closing = format!("</{}", self.prefix);
            let opening = format!("<{}", self.prefix);
            let text = text.replace("</", "\u{0}").replace('<', &opening);
            self.out
                .extend_from_slice(text.replace('\u{0}', &closing).as_bytes());
        }
        self.copied = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C3"/><sheetData><row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2"><v>1.5</v></c></row><row r="2"><c r="A2" s="1" t="s"><v>1</v></c><c r="C2"><f>B1*2</f><v>3</v></c></row><row r="3"><c r="A3"><v>7</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A5:B5"/></mergeCells></worksheet>"#;

    fn run(edits: &Edits) -> String {
        String::from_utf8(patch(SHEET.as_bytes(), edits, &[]).unwrap().xml).unwrap()
    }

    #[test]
    fn no_edit_changes_no_byte() {
        assert_eq!(run(&Edits::default()), SHEET);
    }

    #[test]
    fn an_edited_cell_keeps_its_style_and_nothing_else_changes() {
        let mut e = Edits::default();
        e.cells
            .entry(1)
            .or_default()
            .insert(1, NewCell::Number("2.25".into()));
        let out = run(&e);
        assert_eq!(
            out,
            SHEET
                .replace(r#"<row r="1" spans="1:3">"#, r#"<row r="1">"#)
                .replace(
                    r#"<c r="B1" s="2"><v>1.5</v></c>"#,
                    r#"<c r="B1" s="2"><v>2.25</v></c>"#
                )
        );
    }

    #[test]
    fn cells_and_rows_are_inserted_in_order_and_text_is_inline() {
        let mut e = Edits::default();
        e.cells
            .entry(2)
            .or_default()
            .insert(1, NewCell::Text("a<b & _x0041_".into()));
        e.append
            .push(vec![NewCell::Text("new".into()), NewCell::Empty]);
        e.delete.insert(3);
        let p = patch(SHEET.as_bytes(), &e, &[]).unwrap();
        assert_eq!(p.first_appended, 4);
        let out = String::from_utf8(p.xml).unwrap();
        assert!(out.contains(r#"<dimension ref="A1:C4"/>"#), "{out}");
        assert!(out.contains(r#"<row r="2"><c r="A2" s="1" t="s"><v>1</v></c><c r="B2" t="inlineStr"><is><t xml:space="preserve">a&lt;b &amp; _x005F_x0041_</t></is></c><c r="C2">"#), "{out}");
        assert!(out.contains(r#"</row><row r="4"><c r="A4" t="inlineStr"><is><t xml:space="preserve">new</t></is></c></row></sheetData>"#), "{out}");
        assert!(!out.contains("A3"), "{out}");
    }

    #[test]
    fn replacing_a_formula_is_noticed_and_a_shared_one_refused() {
        let mut e = Edits::default();
        e.cells.entry(2).or_default().insert(2, NewCell::Empty);
        let p = patch(SHEET.as_bytes(), &e, &[]).unwrap();
        assert!(p.formula_removed);
        assert!(String::from_utf8(p.xml)
            .unwrap()
            .contains(r#"<c r="C2"/></row>"#));
        let shared = SHEET.replace(
            "<f>B1*2</f>",
            r#"<f t="shared" ref="C2:C3" si="0">B1*2</f>"#,
        );
        assert_eq!(
            patch(shared.as_bytes(), &e, &[]).unwrap_err(),
            PatchError::SharedFormula("C2".into())
        );
    }

    #[test]
    fn a_sheet_with_prefixed_elements_gets_prefixed_cells() {
        let sheet = r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>"#;
        let mut e = Edits::default();
        e.cells
            .entry(1)
            .or_default()
            .insert(1, NewCell::Text("a".into()));
        e.append.push(vec![NewCell::Number("2".into())]);
        let out = String::from_utf8(patch(sheet.as_bytes(), &e, &[]).unwrap().xml).unwrap();
        assert_eq!(
            out,
            r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t xml:space="preserve">a</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="A2"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>"#
        );
    }

    #[test]
    fn rows_and_cells_without_references_are_counted() {
        let sheet = "<worksheet><sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row></sheetData></worksheet>";
        let mut e = Edits::default();
        e.cells
            .entry(2)
            .or_default()
            .insert(1, NewCell::Number("4".into()));
        e.cells
            .entry(1)
            .or_default()
            .insert(1, NewCell::Number("5".into()));
        let out = String::from_utf8(patch(sheet.as_bytes(), &e, &[]).unwrap().xml).unwrap();
        assert_eq!(
            out,
            r#"<worksheet><sheetData><row><c><v>1</v></c><c r="B1"><v>5</v></c></row><row><c><v>3</v></c><c r="B2"><v>4</v></c></row></sheetData></worksheet>"#
        );
    }
}
