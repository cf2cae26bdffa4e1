//! Saving an .xlsx or .xlsm in place: every part of the package is copied byte for byte except
//! the edited sheet, whose XML changes only in the edited cells ([`super::patch`]).
//!
//! What changed is found by reading the sheet again as the table reads it and comparing each
//! row (by its row number) with the table: cells that differ are written, rows the table no
//! longer has are removed, rows without a place in the sheet are added below it. When a
//! formula is overwritten the calculation chain (a cache Excel rebuilds) is dropped, and when
//! the workbook has formulas Excel and WPS are asked to recalculate on opening, so no formula
//! shows a result computed from the old values.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Write};
use std::path::Path;

use calamine::Xlsx;
use quick_xml::events::Event;
use quick_xml::Reader;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::patch::{self, Edits, NewCell, PatchError};
use super::save::SaveError;
use crate::money::Scale;
use crate::table::sheet::SheetRow;
use crate::table::{Columns, Field, HeaderOptions};

const CALC_CHAIN: &str = "xl/calcChain.xml";
const WORKBOOK: &str = "xl/workbook.xml";
const WORKBOOK_RELS: &str = "xl/_rels/workbook.xml.rels";
const CONTENT_TYPES: &str = "[Content_Types].xml";

pub(super) fn damaged(e: impl std::fmt::Display) -> SaveError {
    SaveError::Damaged(e.to_string())
}

/// Writes the workbook at `src` with the table's changes to `out`; returns each table row's
/// row number in the saved sheet. `columns` are the table's as it was read (with
/// `--amount-unit` and `--map`): an amount typed with its unit is written in its column's
/// unit as the table reads it.
pub fn edit(
    src: &Path,
    sheet: &str,
    options: &HeaderOptions,
    columns: &Columns,
    (rows, hidden): (&[SheetRow], &[u64]),
    mut out: impl Write,
) -> Result<Vec<u64>, SaveError> {
    let header = &columns.names;
    // Read again as the table was read (a header found only through `--map` was taken for
    // a sheet that had changed, and the save refused).
    let before = super::open_with(src, Some(sheet), options).map_err(|e| match e {
        super::WorkbookError::Io(e) => SaveError::Io(e),
        super::WorkbookError::NoHeader { .. } | super::WorkbookError::NoSuchSheet { .. } => {
            SaveError::Moved
        }
        other => SaveError::Unreadable {
            file: src.display().to_string(),
            error: Box::new(other),
        },
    })?;
    if &before.columns.names != header {
        return Err(SaveError::Moved);
    }
    // A column holds numbers when a cell below the header is one, or when it is one of the
    // number columns and still empty (a template being filled in).
    let width = header
        .len()
        .max(rows.iter().map(SheetRow::len).max().unwrap_or(0));
    // An amount approved is a number column too (扶贫批复 empty in a template).
    let approved = |c: usize| columns.approved_found().iter().any(|a| a.column == c);
    let numeric: Vec<bool> = (0..width)
        .map(|c| {
            before.numeric.get(c).copied().unwrap_or(false)
                || ((before.columns.field_at(c).is_some_and(|f| f.is_number()) || approved(c))
                    && before.rows.iter().all(|r| r.get(c).is_empty()))
        })
        .collect();
    let kinds = Kinds {
        numeric,
        booleans: before.booleans.clone(),
        dates: before.dates.clone(),
        fields: fields_read(columns, width),
    };
    let (mut edits, kept) = changes(&before.rows, &kinds, rows, hidden);
    if !edits.is_empty() {
        // Nothing is written into merged cells (see `merged`).
        let merges = super::merged::merges(src, sheet).map_err(|error| SaveError::Unreadable {
            file: src.display().to_string(),
            error: Box::new(error),
        })?;
        let edited = edits
            .cells
            .iter()
            .flat_map(|(&r, cells)| cells.keys().map(move |&c| (u64::from(r), c)));
        let deleted: BTreeSet<u64> = edits.delete.iter().map(|&r| u64::from(r)).collect();
        let lines: Vec<u64> = before.rows.iter().map(|r| r.line).collect();
        if let Some(refused) = super::merged::edit_refused(&merges, edited, &deleted, &lines) {
            return Err(refused);
        }
        // Rows added go below every merge too: a row under one would be hidden by it.
        edits.below = merges.iter().map(|m| line_u32(m.rows.1)).max().unwrap_or(0);
    }
    let mut zip = ZipArchive::new(File::open(src)?).map_err(damaged)?;
    let part = sheet_part(&mut zip, sheet)?;
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let mut first_appended = 0;
    if !edits.is_empty() {
        let xml = read_entry(&mut zip, &part)?;
        let units = units_shown(src, sheet)?;
        let patched = patch::patch(&xml, &edits, &units).map_err(|e| match e {
            PatchError::SharedFormula(cell) => SaveError::SharedFormula(cell),
            PatchError::ShownOtherwise {
                cell,
                format,
                otherwise,
            } => SaveError::ShownOtherwise {
                cell,
                format,
                otherwise,
            },
            PatchError::TooLong(cell) => SaveError::TooLong(cell),
            PatchError::NoRowLeft => SaveError::NoRowLeft,
            PatchError::Malformed(e) => damaged(e),
        })?;
        first_appended = patched.first_appended;
        let drop_chain = patched.formula_removed && zip.index_for_name(CALC_CHAIN).is_some();
        let recalc = has_formulas(&mut zip)?;
        let mut parts: HashMap<&str, Vec<u8>> = HashMap::new();
        parts.insert(part.as_str(), patched.xml);
        if drop_chain {
            let types = read_entry(&mut zip, CONTENT_TYPES)?;
            parts.insert(CONTENT_TYPES, without_element(&types, "calcChain"));
            let rels = read_entry(&mut zip, WORKBOOK_RELS)?;
            parts.insert(WORKBOOK_RELS, without_element(&rels, "calcChain"));
        }
        if recalc {
            let book = read_entry(&mut zip, WORKBOOK)?;
            parts.insert(WORKBOOK, full_calc_on_load(&book).map_err(damaged)?);
        }
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(damaged)?;
            let name = entry.name().map_err(damaged)?.into_owned();
            if drop_chain && name == CALC_CHAIN {
                continue;
            }
            match parts.get(name.as_str()) {
                Some(bytes) => {
                    let mut options = SimpleFileOptions::default()
                        .compression_method(CompressionMethod::Deflated);
                    if let Some(t) = entry.last_modified() {
                        options = options.last_modified_time(t);
                    }
                    drop(entry);
                    writer.start_file(name, options).map_err(damaged)?;
                    writer.write_all(bytes)?;
                }
                None => writer.raw_copy_file(entry).map_err(damaged)?,
            }
        }
    } else {
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(damaged)?;
            writer.raw_copy_file(entry).map_err(damaged)?;
        }
    }
    // Finished here, into memory: nothing is left for a drop to report on a full disk.
    let bytes = writer.finish().map_err(damaged)?.into_inner();
    out.write_all(&bytes)?;
    out.flush()?;
    let mut appended = 0u64;
    Ok(kept
        .into_iter()
        .map(|line| {
            line.unwrap_or_else(|| {
                appended += 1;
                u64::from(first_appended) + appended - 1
            })
        })
        .collect())
}

/// What differs between the sheet as read (`before`) and the table (`rows`): the edits, and
/// for each table row its row number when it keeps one (`None`: it is added).
fn changes(
    before: &[SheetRow],
    numeric: &Kinds,
    rows: &[SheetRow],
    hidden: &[u64],
) -> (Edits, Vec<Option<u64>>) {
    let old: HashMap<u64, &SheetRow> = before.iter().map(|r| (r.line, r)).collect();
    let mut seen = HashSet::new();
    let mut edits = Edits::default();
    let mut kept = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(was) = old.get(&row.line).filter(|_| seen.insert(row.line)) else {
            // A row of the sheet's that it hid, no longer in it (deleted and saved, then
            // brought back): added hidden, as it was.
            if row.line != 0 && hidden.binary_search(&row.line).is_ok() {
                edits.append_hidden.insert(edits.append.len());
            }
            edits.append.push(
                (0..row.len())
                    .map(|c| new_cell(row.get(c), numeric, c))
                    .collect(),
            );
            kept.push(None);
            continue;
        };
        kept.push(Some(row.line));
        let mut cells = BTreeMap::new();
        for c in 0..row.len().max(was.len()) {
            if row.get(c) != was.get(c) {
                cells.insert(c as u32, new_cell(row.get(c), numeric, c));
            }
        }
        if !cells.is_empty() {
            edits.cells.insert(line_u32(row.line), cells);
        }
    }
    for r in before {
        if !seen.contains(&r.line) {
            edits.delete.insert(line_u32(r.line));
        }
    }
    let lines = before.iter().map(|r| line_u32(r.line));
    edits.styled_by = lines.clone().min().zip(lines.max());
    (edits, kept)
}

fn line_u32(line: u64) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// What the columns of a sheet hold.
struct Kinds {
    /// Numbers.
    numeric: Vec<bool>,
    /// Booleans (TRUE/FALSE).
    booleans: Vec<bool>,
    /// Dates, with the workbook's date system.
    dates: Vec<Option<i64>>,
    /// The field each column is read as, and the unit of its bare numbers.
    fields: Vec<Option<(Field, Scale)>>,
}

/// The field each of the first `width` columns is read as, and the unit of its bare numbers:
/// a column of an amount approved is read as an amount, in its header's unit.
pub(super) fn fields_read(columns: &Columns, width: usize) -> Vec<Option<(Field, Scale)>> {
    (0..width)
        .map(|c| {
            columns
                .field_at(c)
                .map(|f| (f, columns.scale(f)))
                .or_else(|| {
                    let approved = columns.approved_found().iter().find(|a| a.column == c)?;
                    Some((Field::Cost, approved.scale))
                })
        })
        .collect()
}

/// `text`, an amount or length typed with its unit's word (`170万`, `850米`), as the number it
/// is in the unit of a column read as `field` in `scale` (`170万` in 万元 is 170), when a
/// workbook's number cell holds it exactly; `None` for a text with no such word (`+5`, `007`
/// are written as typed) or not one of `field`'s values.
pub(super) fn in_unit(text: &str, field: Field, scale: Scale) -> Option<f64> {
    in_unit_valued(text, field, scale).map(|(n, _)| n)
}

/// [`in_unit`], with the value typed in the field's base unit (yuan, kilometres, metres).
fn in_unit_valued(text: &str, field: Field, scale: Scale) -> Option<(f64, rust_decimal::Decimal)> {
    if !text.chars().any(char::is_alphabetic) {
        return None;
    }
    let value = crate::table::row::number(field, text, scale)?.ok()?;
    let n = super::number_cell(&scale.of(value)?.normalize().to_string())?;
    Some((n, value))
}

/// An edited value as a cell: a number where the column holds numbers and the text is a plain
/// number, or an amount or length with its unit that is one in the column's unit (`170万`
/// under 投资(万元) is 170: as text, a SUM in the sheet would leave it out); a date where it
/// holds dates and the text is a date as roadsub shows one; else text as typed.
fn new_cell(text: &str, kinds: &Kinds, col: usize) -> NewCell {
    if text.is_empty() {
        return NewCell::Empty;
    }
    if kinds.numeric.get(col).copied().unwrap_or(false) {
        let field = kinds.fields.get(col).copied().flatten();
        if let Some(n) = super::number_cell(text) {
            // In the column's unit: where the cell's format shows a unit, the number it
            // shows with that unit (see `NewCell::Amount`).
            let value = field.and_then(|(field, scale)| {
                let value = crate::table::row::number(field, text, scale)?.ok()?;
                Some((field, value))
            });
            return match value {
                Some((field, value)) => NewCell::Amount {
                    number: format!("{n}"),
                    typed: text.to_string(),
                    field,
                    value,
                    bare: true,
                },
                None => NewCell::Number(format!("{n}")),
            };
        }
        if let Some((field, scale)) = field {
            if let Some((n, value)) = in_unit_valued(text, field, scale) {
                return NewCell::Amount {
                    number: format!("{n}"),
                    typed: text.to_string(),
                    field,
                    value,
                    bare: false,
                };
            }
        }
    }
    if kinds.booleans.get(col).copied().unwrap_or(false) {
        match text.trim() {
            t if t.eq_ignore_ascii_case("true") => return NewCell::Bool(true),
            t if t.eq_ignore_ascii_case("false") => return NewCell::Bool(false),
            _ => {}
        }
    }
    if let Some(epoch) = kinds.dates.get(col).copied().flatten() {
        let serial =
            super::parse_date(text).and_then(|(y, m, d)| super::date_serial(y, m, d, epoch));
        if let Some(serial) = serial {
            return NewCell::Date(serial.to_string());
        }
    }
    NewCell::Text(text.to_string())
}

/// What the number formats of the workbook's cell styles show, by style number: the words
/// beside a value, as the sheet is read ([`super::shown::palette_units`]), and whether a date.
fn units_shown(src: &Path, sheet: &str) -> Result<patch::Styles, SaveError> {
    let unreadable = |error| SaveError::Unreadable {
        file: src.display().to_string(),
        error: Box::new(error),
    };
    let mut book: Xlsx<BufReader<File>> =
        calamine::open_workbook(src).map_err(|e| unreadable(super::stream::open_error(e)))?;
    let reader = super::guard::calamine(|| book.worksheet_cells_reader(sheet))
        .map_err(unreadable)?
        .map_err(|e| unreadable(super::stream::open_error(e)))?;
    let palette = reader.styles();
    Ok(patch::Styles {
        units: super::shown::palette_units(palette),
        dates: palette.iter().map(super::shown::style_shows_date).collect(),
    })
}

fn read_entry(zip: &mut ZipArchive<File>, name: &str) -> Result<Vec<u8>, SaveError> {
    let mut entry = zip.by_name(name).map_err(damaged)?;
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The name in the archive of sheet `sheet`'s part, for reading: found as the readers find
/// it (from the package's relationships, in any case, `\` for `/`), else as [`sheet_part`]
/// finds it.
pub(super) fn sheet_part_read(file: &File, sheet: &str) -> Result<String, SaveError> {
    if let Ok(Ok((_, part))) = file
        .try_clone()
        .map(|f| super::quick::Quick::sheet_part(f, sheet))
    {
        return Ok(part);
    }
    let mut zip = ZipArchive::new(file.try_clone()?).map_err(damaged)?;
    sheet_part(&mut zip, sheet)
}

/// The package path of the sheet named `sheet` (`xl/worksheets/sheet1.xml`).
pub(super) fn sheet_part(zip: &mut ZipArchive<File>, sheet: &str) -> Result<String, SaveError> {
    let book = read_entry(zip, WORKBOOK)?;
    let book = String::from_utf8(book).map_err(damaged)?;
    let mut id = None;
    let mut reader = Reader::from_str(&book);
    loop {
        match reader.read_event().map_err(damaged)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                let mut name = None;
                let mut rid = None;
                for a in e.attributes().with_checks(false).flatten() {
                    let key = a.key.as_ref().to_string();
                    if key == "name" {
                        name = Some(unescape(&a.value));
                    } else if key == "id" || key.ends_with(":id") {
                        rid = Some(a.value.into_owned());
                    }
                }
                if name.as_deref() == Some(sheet) {
                    id = rid;
                    break;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let id = id.ok_or_else(|| damaged("no such sheet"))?;
    let rels = String::from_utf8(read_entry(zip, WORKBOOK_RELS)?).map_err(damaged)?;
    let mut reader = Reader::from_str(&rels);
    loop {
        match reader.read_event().map_err(damaged)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let get = |k: &str| {
                    e.try_get_attribute(k)
                        .ok()
                        .flatten()
                        .map(|a| unescape(&a.value))
                };
                if get("Id").as_deref() == Some(id.as_str()) {
                    let target = get("Target").ok_or_else(|| damaged("no target"))?;
                    return Ok(match target.strip_prefix('/') {
                        Some(abs) => abs.to_string(),
                        None => format!("xl/{target}"),
                    });
                }
            }
            Event::Eof => return Err(damaged("no sheet part")),
            _ => {}
        }
    }
}

fn unescape(raw: &str) -> String {
    quick_xml::escape::unescape(raw)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| raw.to_string())
}

/// Whether the workbook at `path` (an .xlsx or .xlsm) asks to be recalculated when opened
/// (`<calcPr fullCalcOnLoad="1">`, as a save of roadsub's in place asks it when the workbook
/// holds formulas): its formulas' saved results may then be out of date. False for any other
/// file, or one that cannot be read.
pub(super) fn recalc_pending(path: &Path) -> bool {
    if !matches!(super::extension(path).as_str(), "xlsx" | "xlsm") {
        return false;
    }
    let Ok(file) = File::open(path) else {
        return false;
    };
    // Where the package's relationships put it, as the readers find it; else where nearly
    // every workbook has it.
    let book = match file.try_clone().map(super::quick::Quick::workbook_part) {
        Ok(Ok(book)) => book,
        _ => {
            let Ok(mut zip) = ZipArchive::new(file) else {
                return false;
            };
            let Ok(book) = read_entry(&mut zip, WORKBOOK) else {
                return false;
            };
            book
        }
    };
    let book = String::from_utf8_lossy(&book);
    let mut reader = Reader::from_str(&book);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "calcPr" => {
                return e
                    .try_get_attribute("fullCalcOnLoad")
                    .ok()
                    .flatten()
                    // XML's booleans allow white space around them.
                    .is_some_and(|a| matches!(a.value.trim(), "1" | "true"));
            }
            Ok(Event::Eof) | Err(_) => return false,
            _ => {}
        }
    }
}

/// Whether any worksheet holds a formula.
fn has_formulas(zip: &mut ZipArchive<File>) -> Result<bool, SaveError> {
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        .map(|n| n.into_owned())
        .collect();
    for name in names {
        let xml = read_entry(zip, &name)?;
        // `<f>`, or `<x:f>` in a sheet whose tags carry a prefix.
        if super::formulas::holds_formula_tag(&xml) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `xml` without the empty elements (`<Override …/>`, `<Relationship …/>`) that mention `word`.
fn without_element(xml: &[u8], word: &str) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(xml) else {
        return xml.to_vec();
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        let Some(len) = rest[at..].find('>') else {
            break;
        };
        let tag = &rest[at..=at + len];
        out.push_str(&rest[..at]);
        if !(tag.ends_with("/>") && tag.contains(word)) {
            out.push_str(tag);
        }
        rest = &rest[at + len + 1..];
    }
    out.push_str(rest);
    out.into_bytes()
}

/// workbook.xml with `fullCalcOnLoad="1"` on its `calcPr` (added when missing, set whatever
/// it said), so formulas are recalculated from the saved values when the workbook is next
/// opened. Tags may carry the workbook's prefix (`<x:calcPr>`).
pub(super) fn full_calc_on_load(xml: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(xml).map_err(|e| e.to_string())?;
    let prefix = open_tag(text, "workbook").map_or(String::new(), |(_, name)| {
        name.strip_suffix("workbook")
            .unwrap_or_default()
            .to_string()
    });
    if let Some((at, _)) = open_tag(text, "calcPr") {
        let end = at + text[at..].find('>').ok_or("calcPr")?;
        let tag = &text[at..=end];
        let fixed = match attribute_span(tag, "fullCalcOnLoad") {
            Some((from, to)) => [&tag[..from], "fullCalcOnLoad=\"1\"", &tag[to..]].concat(),
            None => {
                let name_end = tag.find(|c: char| c.is_whitespace() || c == '/' || c == '>');
                let name_end = name_end.ok_or("calcPr")?;
                [&tag[..name_end], " fullCalcOnLoad=\"1\"", &tag[name_end..]].concat()
            }
        };
        return Ok([&text[..at], &fixed, &text[end + 1..]]
            .concat()
            .into_bytes());
    }
    // calcPr follows these elements, whichever come last.
    let p = &prefix;
    for after in [
        format!("</{p}definedNames>"),
        format!("<{p}definedNames/>"),
        format!("</{p}externalReferences>"),
        format!("</{p}functionGroups>"),
        format!("<{p}functionGroups/>"),
        format!("</{p}sheets>"),
    ] {
        if let Some(at) = text.find(&after) {
            let at = at + after.len();
            let calc = format!("<{p}calcPr fullCalcOnLoad=\"1\"/>");
            return Ok([&text[..at], &calc, &text[at..]].concat().into_bytes());
        }
    }
    Err("no sheets".into())
}

/// The first start (or empty) tag of local name `local` in `xml`, with or without a prefix:
/// where its `<` is, and its name as written (`x:calcPr`).
fn open_tag(xml: &str, local: &str) -> Option<(usize, String)> {
    let name_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
    let bytes = xml.as_bytes();
    for (i, _) in xml.match_indices(local) {
        let after = bytes.get(i + local.len()).copied();
        if !after.is_some_and(|c| c.is_ascii_whitespace() || c == b'/' || c == b'>') {
            continue;
        }
        match bytes.get(i.wrapping_sub(1)) {
            Some(b'<') if i > 0 => return Some((i - 1, local.to_string())),
            Some(b':') if i > 0 => {
                let mut at = i - 1;
                while at > 0 && name_char(bytes[at - 1]) {
                    at -= 1;
                }
                if at > 0 && bytes[at - 1] == b'<' && at < i - 1 {
                    return Some((at - 1, xml[at..i + local.len()].to_string()));
                }
            }
            _ => {}
        }
    }
    None
}

/// Where attribute `name` (its name, `=`, its quoted value) lies in `tag`, if it is there.
fn attribute_span(tag: &str, name: &str) -> Option<(usize, usize)> {
    let bytes = tag.as_bytes();
    for (from, _) in tag.match_indices(name) {
        if !bytes
            .get(from.wrapping_sub(1))
            .is_some_and(u8::is_ascii_whitespace)
        {
            continue;
        }
        let mut at = from + name.len();
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if bytes.get(at) != Some(&b'=') {
            continue;
        }
        at += 1;
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let quote = *bytes.get(at).filter(|q| matches!(q, b'"' | b'\''))?;
        let close = at + 1 + tag[at + 1..].find(char::from(quote))?;
        return Some((from, close + 1));
    }
    None
}
