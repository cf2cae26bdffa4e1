//! Merged cells (合并单元格). Office sheets often merge a township's or a village's cell down
//! over all of its roads: Excel and WPS show the township on every one of those rows, while
//! the file holds it in the merge's first cell alone, the others empty. Read cell by cell,
//! every row but the first had no township, and the table was refused ("乡镇为空").
//!
//! A segment's township, village and class are read as the sheet shows them: an empty cell
//! under a merge that runs down its column takes the value the merge shows (its first cell's),
//! carried down from the row above, which holds it. Only these words are: an amount, a length
//! or an id merged over several rows is never shared out among them (such a row stays empty,
//! and is said to be). A merge across columns, or one that starts in the header or above,
//! gives no row its value. Saving never writes into merged cells (see [`edit_refused`]):
//! what is written there would be hidden under the merge, or change what other rows show.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::inplace::damaged;
use super::save::SaveError;
use super::WorkbookError;
use crate::table::sheet::SheetRow;
use crate::table::{Columns, Field};

/// Whether a cell's text is blank (nothing, or spaces of any kind: a full-width one too).
pub fn blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// A merged range: first and last row (from 1), first and last column (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub rows: (u64, u64),
    pub cols: (u32, u32),
}

impl Merge {
    /// Whether the merge covers the cell at `(line, col)`.
    pub fn covers(&self, line: u64, col: u32) -> bool {
        (self.rows.0..=self.rows.1).contains(&line) && (self.cols.0..=self.cols.1).contains(&col)
    }

    /// The range as Excel writes it (`B3:B10`).
    pub fn name(&self) -> String {
        let cell = |row: u64, col: u32| format!("{}{row}", super::patch::column_name(col));
        format!(
            "{}:{}",
            cell(self.rows.0, self.cols.0),
            cell(self.rows.1, self.cols.1)
        )
    }
}

/// The fields whose empty cells take what a merge down their column shows.
/// Besides the words, what holds for a row without adding up over rows: a width, a cost per
/// km, a priority, a date merged over roads of one width, rate or date is each road's.
const SHOWN: [Field; 8] = [
    Field::Township,
    Field::Village,
    Field::Class,
    Field::Date,
    Field::Year,
    Field::Width,
    Field::CostPerKm,
    Field::Priority,
];

/// The merged cells of sheet `sheet` of the workbook at `path`: an .xlsx's or .xlsm's from its
/// sheet's XML; none for an .xlsb or .ods (their merges are not read; an .xls's are given by
/// the workbook read, [`from_xls`]).
pub fn merges(path: &Path, sheet: &str) -> Result<Vec<Merge>, WorkbookError> {
    merges_in(path, sheet, || File::open(path).map_err(WorkbookError::Io))
}

/// [`merges`], read from the file `open` gives: the workbook at `path` as first opened, for a
/// reader that reads them long after (a file saved over it since is not read for them).
pub fn merges_in(
    path: &Path,
    sheet: &str,
    open: impl FnOnce() -> Result<File, WorkbookError>,
) -> Result<Vec<Merge>, WorkbookError> {
    match super::extension(path).as_str() {
        "xlsx" | "xlsm" => {
            xlsx_merges(open()?, sheet).map_err(|e| WorkbookError::Open(e.to_string()))
        }
        "ods" => {
            let file = open()?;
            let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
                .map_err(|e| WorkbookError::Open(e.to_string()))?;
            let part = zip
                .by_name("content.xml")
                .map_err(|e| WorkbookError::Open(e.to_string()))?;
            ods_merges(std::io::BufReader::with_capacity(1 << 16, part), sheet)
                .map_err(WorkbookError::Open)
        }
        _ => Ok(Vec::new()),
    }
}

/// The merged cells of table `sheet` of an .ods's `content.xml`: each cell spanning more
/// than one row or column (`table:number-rows-spanned`, `table:number-columns-spanned`), rows
/// and cells counted as calamine lays them out (one repeated counts as many times as it
/// says), as the hidden rows are ([`super::hidden`]).
fn ods_merges(part: impl std::io::BufRead, sheet: &str) -> Result<Vec<Merge>, String> {
    const MAX_ROWS: u64 = 1_048_576;
    const MAX_COLS: u64 = 16_384;
    let mut xml = Reader::from_reader(part);
    let (mut buf, mut merges) = (Vec::new(), Vec::new());
    // Inside the table asked for; its rows so far; the cells so far of the row being read.
    let (mut inside, mut rows, mut cols) = (false, 0u64, 0u64);
    let number = |v: &str| v.trim().parse::<u64>().ok();
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
                let repeats = (e.attributes().flatten())
                    .find(|a| a.key.as_ref() == "table:number-rows-repeated")
                    .and_then(|a| number(&a.value))
                    .unwrap_or(1);
                rows += repeats.clamp(1, MAX_ROWS.saturating_sub(rows).max(1));
                cols = 0;
            }
            Event::Start(e) | Event::Empty(e)
                if inside
                    && matches!(
                        e.name().as_ref(),
                        "table:table-cell" | "table:covered-table-cell"
                    ) =>
            {
                let (mut repeats, mut down, mut across) = (1u64, 1u64, 1u64);
                for a in e.attributes().flatten() {
                    let v = number(&a.value);
                    match a.key.as_ref() {
                        "table:number-columns-repeated" => repeats = v.unwrap_or(1),
                        "table:number-rows-spanned" => down = v.unwrap_or(1),
                        "table:number-columns-spanned" => across = v.unwrap_or(1),
                        _ => {}
                    }
                }
                if (down > 1 || across > 1) && rows > 0 && cols < MAX_COLS {
                    let last_row = rows.saturating_add(down - 1).min(MAX_ROWS);
                    let last_col = cols.saturating_add(across - 1).min(MAX_COLS - 1);
                    merges.push(Merge {
                        rows: (rows, last_row),
                        cols: (cols as u32, last_col as u32),
                    });
                }
                cols = cols.saturating_add(repeats.max(1)).min(MAX_COLS);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(merges)
}

/// The merged cells of an .xls sheet, as calamine read them with the workbook.
pub fn from_xls<R: std::io::Read + std::io::Seek>(
    book: &calamine::Xls<R>,
    sheet: &str,
) -> Result<Vec<Merge>, WorkbookError> {
    let found = book
        .merge_cells_by_sheet_name(sheet)
        .map_err(super::stream::open_error)?;
    Ok(found
        .into_iter()
        .map(|d| Merge {
            rows: (u64::from(d.start.0) + 1, u64::from(d.end.0) + 1),
            cols: (d.start.1, d.end.1),
        })
        .collect())
}

/// The `<mergeCell ref="…">` elements of an .xlsx sheet, read without holding the sheet: its
/// XML is read through once, and only what follows `<mergeCells` (after the cells, near its
/// end) is kept and parsed.
fn xlsx_merges(file: File, sheet: &str) -> Result<Vec<Merge>, SaveError> {
    let part = super::inplace::sheet_part_read(&file, sheet)?;
    let mut zip = zip::ZipArchive::new(file).map_err(damaged)?;
    let mut entry = zip.by_name(&part).map_err(damaged)?;
    let mut chunk = vec![0u8; 1 << 18];
    // The bytes not yet looked through (a tag may straddle two reads), then, once the merges
    // are found, everything from them on.
    let mut window: Vec<u8> = Vec::new();
    let mut from: Option<usize> = None;
    loop {
        let n = match entry.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(SaveError::Io(e)),
        };
        window.extend_from_slice(&chunk[..n]);
        if from.is_none() {
            from = merge_cells_tag(&window);
            if from.is_none() {
                // Keep a tag's length of the end: `<x:mergeCells` may be cut in two.
                let keep = window.len().min(64);
                window.drain(..window.len() - keep);
            }
        }
    }
    let Some(from) = from else {
        return Ok(Vec::new());
    };
    let xml = String::from_utf8_lossy(&window[from..]);
    let mut reader = Reader::from_str(&xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "mergeCell" => {
                let range = e
                    .try_get_attribute("ref")
                    .ok()
                    .flatten()
                    .and_then(|a| parse_range(&a.value));
                found.extend(range);
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "mergeCells" => break,
            Ok(Event::Eof) => break,
            Err(e) => return Err(damaged(e)),
            _ => {}
        }
    }
    Ok(found)
}

/// Where the `<mergeCells` element (with or without a namespace prefix) starts in `xml`.
/// Markup is the only place a `<` stands in XML, so a name after `<` (or after `<prefix:`)
/// followed by a space, `>` or `/` is the element, never a cell's text.
fn merge_cells_tag(xml: &[u8]) -> Option<usize> {
    let name = b"mergeCells";
    for at in memchr::memmem::find_iter(xml, name) {
        if !matches!(
            xml.get(at + name.len()),
            Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n')
        ) {
            continue;
        }
        let before = &xml[..at];
        let start = match before.last() {
            Some(b'<') => at - 1,
            Some(b':') => {
                let prefix = before[..before.len() - 1]
                    .iter()
                    .rev()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
                    .count();
                let lt = before.len() - 1 - prefix;
                if prefix == 0 || lt == 0 || before[lt - 1] != b'<' {
                    continue;
                }
                lt - 1
            }
            _ => continue,
        };
        return Some(start);
    }
    None
}

/// `B3:B10` (or a single cell, `B3`) as a merge.
fn parse_range(text: &str) -> Option<Merge> {
    let (a, b) = text.split_once(':').unwrap_or((text, text));
    let (r1, c1) = super::patch::parse_ref(a.trim())?;
    let (r2, c2) = super::patch::parse_ref(b.trim())?;
    Some(Merge {
        rows: (u64::from(r1.min(r2)), u64::from(r1.max(r2))),
        cols: (c1.min(c2), c1.max(c2)),
    })
}

/// The columns whose value is a row's own, adding up over rows, not a label several rows
/// share: every field's but [`SHOWN`]'s and the name's, and the amounts approved (a header
/// saying 批复 or `approved`, whatever the rules call theirs, but not its date, number or
/// state: `批复文号`). A column of
/// the user's own is none of roadsub's reading, merged or not.
fn own_value_columns(columns: &Columns) -> Vec<usize> {
    (0..columns.names.len())
        .filter(|&c| match columns.field_at(c) {
            Some(f) => !SHOWN.contains(&f) && f != Field::Name,
            None => {
                let name = columns.names[c].to_lowercase();
                (name.contains("批复") || name.contains("批復") || name.contains("approved"))
                    && !crate::table::columns::says_no_amount(&name)
                    && !columns.is_own(c)
            }
        })
        .collect()
}

/// Fills the township, village and class of a sheet's rows as the sheet shows them (see the
/// module's note), row after row, in order, each from the row before it. The merges are read
/// the first time a row has one of those cells empty: a sheet with none empty is read as
/// before, at the cost of looking at three cells a row.
pub struct Fill {
    /// The columns of the fields filled, in [`SHOWN`]'s order (those the table has).
    cols: Vec<usize>,
    /// The columns whose value is the row's own (see [`own_value_columns`]): one merged over
    /// rows is refused on each of them but its first.
    own: Vec<usize>,
    /// The first of those cells in the row last given that a merge covers but does not start
    /// in, and the merge.
    under: Option<(usize, Merge)>,
    /// The merges read over more than one column (few).
    wide: Vec<Merge>,
    /// For each of [`Fill::own`]'s columns, the last row (from 1) that held a value in it: a
    /// merge there whose first row is after it shows nothing ([`Fill::seen`]).
    last_value: Vec<u64>,
    /// The row last given ([`Fill::seen`]), and the one before it (0: none).
    line: u64,
    line_before: u64,
    /// The header's row: a merge from it or above it gives no row its value.
    header_line: u64,
    /// The merges that run down one of those columns below the header, by column and first
    /// row; `None` until needed.
    merges: Option<Vec<Merge>>,
    /// Which cells of the row before were filled (so hold what their merges show).
    filled: [bool; SHOWN.len()],
}

impl Fill {
    /// A fill for the rows of a table with `columns`, whose header is on row `header_line`.
    pub fn new(columns: &Columns, header_line: u64) -> Fill {
        Fill {
            cols: SHOWN.iter().filter_map(|&f| columns.index(f)).collect(),
            own: own_value_columns(columns),
            under: None,
            wide: Vec::new(),
            last_value: Vec::new(),
            line: 0,
            line_before: 0,
            header_line,
            merges: None,
            filled: [false; SHOWN.len()],
        }
    }

    /// Whether row `line`, whose cells `blank_at` says blank (by column), has one to fill or
    /// to look at for a merge (a blank amount below one the row above holds, or any blank
    /// amount once the merges are read): else it is passed over with [`Fill::none`], at less
    /// cost than [`Fill::fill`]. Given every row of the table, in order ([`Fill::seen`]).
    pub fn wants(&mut self, line: u64, blank_at: impl Fn(usize) -> bool) -> bool {
        let own = self.seen(line, &blank_at);
        own || self.cols.iter().any(|&c| blank_at(c))
    }

    /// Row `line` of the table, whose cells `blank_at` says blank (by column), is next: which
    /// of its own values it holds is kept, for a merge below to tell whether it shows one,
    /// in one look at each; whether one of them is blank below a value on the row before it
    /// (or any is blank once the merges are read), to be looked at for a merge. Asked again
    /// of the same row, it says the same.
    fn seen(&mut self, line: u64, blank_at: impl Fn(usize) -> bool) -> bool {
        if self.last_value.len() != self.own.len() {
            self.last_value = vec![0; self.own.len()];
        }
        if line != self.line {
            (self.line_before, self.line) = (self.line, line);
        }
        let (before, read) = (self.line_before, self.merges.is_some());
        let mut look = false;
        for (last, &c) in self.last_value.iter_mut().zip(&self.own) {
            if !blank_at(c) {
                *last = line;
            } else {
                look |= read || before != 0 && *last == before;
            }
        }
        look
    }

    /// The next row of the table has no cell to fill ([`Fill::wants`]).
    pub fn none(&mut self) {
        self.filled = [false; SHOWN.len()];
        self.under = None;
    }

    /// The first cell of the row last given whose value is the row's own (an amount, a
    /// length, an id) that a merge covers but does not start in, with the merge: the sheet
    /// shows one value over several rows, which is none of this row's to take (given to
    /// every row, it would be counted again; to the first alone, the others would go without
    /// it). Such a row is refused ([`crate::table::Problem::UnderMerge`]).
    pub fn under(&self) -> Option<(usize, Merge)> {
        self.under
    }

    /// The columns it fills: township, village and class, those the table has.
    pub fn columns(&self) -> &[usize] {
        &self.cols
    }

    /// The columns of the cells [`Fill::fill`] filled in the row it was last given.
    pub fn filled(&self) -> impl Iterator<Item = usize> + '_ {
        (self.cols.iter().zip(self.filled))
            .filter(|&(_, filled)| filled)
            .map(|(&c, _)| c)
    }

    /// Fills `row`, the next row of the table, from `before`, the row before it (`None` when
    /// it is not at hand: nothing is filled); `load` gives the sheet's merges when they are
    /// first needed.
    pub fn fill(
        &mut self,
        row: &mut SheetRow,
        before: Option<&SheetRow>,
        columns: &Columns,
        load: impl FnOnce() -> Result<Vec<Merge>, WorkbookError>,
    ) -> Result<(), WorkbookError> {
        let empty = |row: &SheetRow, c: usize| blank(row.get(c));
        let mut filled = [false; SHOWN.len()];
        self.under = None;
        // A 合计 row (or a note) under a merge stays one: filled, it would be taken for a
        // segment of the merge's township, counted twice; so does a row whose first cell or
        // id says 合计 but shows a width (refused for its township, as without the merge).
        let segment = |row: &SheetRow| {
            let mut ends = Vec::new();
            let record = row.record(&mut ends);
            crate::table::row::not_a_segment(&record, columns).is_none()
                && !crate::table::row::says_total(&record, columns)
        };
        if self.wants(row.line, |c| empty(row, c)) && segment(row) {
            let merges = match &self.merges {
                Some(merges) => merges,
                None => {
                    let header = self.header_line;
                    let (cols, own) = (&self.cols, &self.own);
                    let mut down: Vec<Merge> = load()?
                        .into_iter()
                        .filter(|m| {
                            let col = m.cols.0 as usize;
                            m.rows.0 > header
                                && m.rows.1 > m.rows.0
                                && (m.cols.0 == m.cols.1 && cols.contains(&col)
                                    || own.iter().any(|&c| m.covers(m.rows.0, c as u32)))
                        })
                        .collect();
                    down.sort_unstable_by_key(|m| (m.cols.0, m.rows.0));
                    self.wide = down
                        .iter()
                        .filter(|m| m.cols.0 != m.cols.1)
                        .copied()
                        .collect();
                    self.merges.insert(down)
                }
            };
            let wide = &self.wide;
            // An amount of its own under a merge that started above: refused, not blank. The
            // merge of its column starting last above the row, or one over several columns.
            let over = |col: u32| {
                let at = merges.partition_point(|m| (m.cols.0, m.rows.0) < (col, row.line));
                let above = at.checked_sub(1).map(|i| &merges[i]);
                above
                    .filter(|m| m.cols.0 == col)
                    .into_iter()
                    .chain(wide.iter().filter(|m| m.cols.0 < col && m.cols.1 >= col))
                    .find(|m| m.rows.0 < row.line && m.covers(row.line, col))
                    .copied()
            };
            // A merge showing nothing (its first cell blank too: no value in its first
            // column since its first row) is blank on every row: none of them has a value to
            // lose. One whose first column is none of the own values' is taken to show one.
            let (own, last_value) = (&self.own, &self.last_value);
            let shows = |m: &Merge| {
                own.iter()
                    .position(|&c| c == m.cols.0 as usize)
                    .is_none_or(|i| last_value.get(i).is_none_or(|&l| l >= m.rows.0))
            };
            self.under = (self.own.iter())
                .filter(|&&c| empty(row, c))
                .filter_map(|&c| over(c as u32).map(|m| (c, m)))
                .find(|(_, m)| shows(m));
            for (i, &c) in self.cols.iter().enumerate() {
                if !empty(row, c) {
                    continue;
                }
                let col = c as u32;
                // The merge of this column starting last above this row.
                let at = merges.partition_point(|m| (m.cols.0, m.rows.0) < (col, row.line));
                let Some(m) = at.checked_sub(1).map(|i| merges[i]) else {
                    continue;
                };
                if m.cols.0 != col || m.cols.1 != col || !m.covers(row.line, col) {
                    continue;
                }
                // The row before, within the merge, holds what it shows: it is the merge's
                // first row, or its cell was filled from the rows before. A cell under the
                // merge holding a value of its own (hidden in every program; Excel clears
                // them when it merges) leaves what is meant below it unclear: not filled.
                let Some(shown) = before
                    .filter(|b| b.line == m.rows.0 || (b.line > m.rows.0 && self.filled[i]))
                    .map(|b| b.get(c))
                else {
                    continue;
                };
                if !blank(shown) {
                    *row = row.with(c, shown);
                    filled[i] = true;
                }
            }
        }
        self.filled = filled;
        Ok(())
    }
}

/// A cell filled from the row above shows what that row's cell holds: where that is a
/// formula's result that may be out of date (`cells`: row from 1 and column, in order), so
/// is the filled cell's, and its row is refused for it as the merge's first row is. `taken`:
/// each cell filled and the row it was filled from, in order.
pub fn carry_down(cells: &mut Vec<(u64, usize)>, taken: &[((u64, usize), u64)]) {
    if cells.is_empty() {
        return;
    }
    let mut marked: std::collections::HashSet<(u64, usize)> = cells.iter().copied().collect();
    let before = cells.len();
    for &((line, col), from) in taken {
        // In order: a cell filled from a filled one is found marked already.
        if marked.contains(&(from, col)) && marked.insert((line, col)) {
            cells.push((line, col));
        }
    }
    if cells.len() > before {
        cells.sort_unstable();
    }
}

/// Why a save that writes into merged cells is refused: an edited cell (`(line, col)`) under
/// a merge of more than one cell (what it holds would be hidden, or change what the other
/// rows show), or a deleted row (`deleted`) holding the first cell of a merge whose other
/// rows keep a row of the table (`lines`, in order) that is not deleted: their value would go.
pub fn edit_refused(
    merges: &[Merge],
    edited: impl IntoIterator<Item = (u64, u32)>,
    deleted: &std::collections::BTreeSet<u64>,
    lines: &[u64],
) -> Option<SaveError> {
    let many = |m: &&Merge| m.rows.0 != m.rows.1 || m.cols.0 != m.cols.1;
    let refused = |m: &Merge, line: u64, col: u32, deleted: bool| SaveError::Merged {
        cell: format!("{}{line}", super::patch::column_name(col)),
        range: m.name(),
        rows: m.rows,
        deleted,
    };
    for (line, col) in edited {
        if let Some(m) = merges.iter().filter(many).find(|m| m.covers(line, col)) {
            return Some(refused(m, line, col, false));
        }
    }
    for &line in deleted {
        let kept_below = |m: &&Merge| {
            let from = lines.partition_point(|&l| l <= m.rows.0);
            lines[from..]
                .iter()
                .take_while(|&&l| l <= m.rows.1)
                .any(|l| !deleted.contains(l))
        };
        if let Some(m) = merges
            .iter()
            .filter(|m| m.rows.0 == line && m.rows.1 > line)
            .find(kept_below)
        {
            return Some(refused(m, line, m.cols.0, true));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The merges' element is found where it stands, with or without a namespace
        /// prefix, and never in a cell's text (escaped there, as XML escapes every `<`),
        /// whatever text comes before it.
        #[test]
        fn the_merges_element_is_found_as_markup_never_in_text(
            text in "[a-z:<>&; ]{0,40}",
            prefix in prop::sample::select(vec!["", "x:", "main:"]),
            cut in 0usize..80,
        ) {
            let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            let cell = format!("<c r=\"A1\" t=\"inlineStr\"><is><t>{escaped}mergeCells {escaped}:mergeCells</t></is></c>");
            let tag = format!("<{prefix}mergeCells count=\"1\"><{prefix}mergeCell ref=\"B3:B5\"/></{prefix}mergeCells>");
            let xml = format!("<sheetData><row r=\"1\">{cell}</row></sheetData>{tag}");
            let at = merge_cells_tag(xml.as_bytes());
            prop_assert_eq!(at, Some(xml.find(&format!("<{prefix}mergeCells")).unwrap()));
            prop_assert_eq!(merge_cells_tag(cell.as_bytes()), None);
            // Cut anywhere inside the text, the element is still not seen in it.
            let cut = cut.min(cell.len());
            let cut = (0..=cut).rev().find(|&i| cell.is_char_boundary(i)).unwrap_or(0);
            prop_assert_eq!(merge_cells_tag(&cell.as_bytes()[..cut]), None);
        }
    }

    /// A cell filled from a marked one is marked, down a chain of filled rows; a cell filled
    /// from another column's mark, or not filled, is not; the cells stay in order.
    #[test]
    fn a_mark_is_carried_down_the_cells_filled_from_it() {
        let mut cells = vec![(3, 1), (3, 3), (9, 2)];
        let taken = [
            ((4, 3), 3),
            ((5, 3), 4),
            ((5, 2), 4),
            ((7, 3), 6),
            ((10, 2), 9),
        ];
        super::carry_down(&mut cells, &taken);
        assert_eq!(cells, [(3, 1), (3, 3), (4, 3), (5, 3), (9, 2), (10, 2)]);
        let mut none = Vec::new();
        super::carry_down(&mut none, &taken);
        assert!(none.is_empty());
    }

    #[test]
    fn ranges_read_as_excel_writes_them() {
        let m = parse_range("B3:B10").unwrap();
        assert_eq!(
            (m.rows, m.cols, m.name()),
            ((3, 10), (1, 1), "B3:B10".to_string())
        );
        assert_eq!(parse_range("AA7").unwrap().name(), "AA7:AA7");
        assert_eq!(parse_range("C5:A2").unwrap().name(), "A2:C5");
        assert_eq!(parse_range("B3:"), None);
        assert_eq!(parse_range("3:5"), None);
    }
}

#[cfg(test)]
mod under_tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::rules::RuleSet;
    use crate::table::columns::HeaderOptions;
    use crate::table::sheet::{Judged, Sheet};
    use crate::table::workbook::stream::{self, BookItem};
    use crate::table::Problem;

    const HEADER: [&str; 10] = [
        "编号",
        "乡镇",
        "村",
        "类别",
        "宽度",
        "长度",
        "投资",
        "整合资金",
        "扶贫批复",
        "备注",
    ];

    /// A sheet of `rows` segments after its header, with `merges` (column, first row from 0
    /// of the rows, rows, whether it shows nothing) merged down, each showing its first
    /// cell's value (which every segment's cell of that column holds when not merged).
    fn book(path: &Path, rows: usize, merges: &[(u16, u32, u32, bool)]) {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("道路").unwrap();
        for (c, h) in HEADER.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        let plain = rust_xlsxwriter::Format::new();
        for i in 0..rows as u32 {
            let r = i + 1;
            let covered = |c: u16| {
                merges
                    .iter()
                    .any(|&(mc, f, n, _)| mc == c && i > f && i < f + n)
            };
            let id = format!("E{}", r + 1);
            for (c, v) in [id.as_str(), "天马乡", "画青村", "通村"].iter().enumerate() {
                if !covered(c as u16) {
                    ws.write_string(r, c as u16, *v).unwrap();
                }
            }
            for (c, v) in [
                (4u16, 4.5),
                (5, 2.0),
                (6, 1_600_000.0),
                (7, 30_000.0),
                (8, 500_000.0),
            ] {
                if !covered(c) {
                    ws.write_number(r, c, v).unwrap();
                }
            }
            if !covered(9) {
                ws.write_string(r, 9, "同上").unwrap();
            }
        }
        for &(c, first, n, nothing) in merges {
            let shown = match c {
                1 => "天马乡",
                9 => "同上",
                _ => "",
            };
            let (from, to) = (first + 1, first + n);
            ws.merge_range(from, c, to, c, shown, &plain).unwrap();
            let value = match c {
                5 => 2.0,
                7 => 30_000.0,
                8 => 500_000.0,
                _ => continue,
            };
            if !nothing {
                ws.write_number(from, c, value).unwrap();
            }
        }
        book.save(path).unwrap();
    }

    /// The lines a reader refused for a merge, each with its column's header and the merge,
    /// and those it gave as rows.
    fn said(items: impl Iterator<Item = BookItem>) -> (Vec<(u64, String, String)>, Vec<u64>) {
        let (mut under, mut rows) = (Vec::new(), Vec::new());
        for item in items {
            match item {
                BookItem::Row(row) => rows.push(row.line),
                BookItem::NoResult(e) => match e.problem {
                    Problem::UnderMerge(range) => {
                        under.push((e.line, e.column.unwrap_or_default(), range));
                    }
                    other => panic!("{other:?}"),
                },
            }
        }
        (under, rows)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Every reader of a workbook (the quick reader, calamine's, the sheet read whole, the
        /// table view's judgement) refuses exactly the rows below the first of a merge down a
        /// column of the row's own values (a length, a source, an amount approved), naming the
        /// first such column and the merge, and gives every other row: a township merged
        /// down is each row's, a note merged down (备注, the user's own) none of roadsub's, a
        /// merge that shows nothing is blank on every row.
        #[test]
        fn a_rows_own_value_under_a_merge_from_above_refuses_it_in_every_reader(
            rows in 1usize..10,
            wanted in prop::collection::vec(
                (prop::sample::select(vec![1u16, 5, 7, 8, 9]), 0u32..9, 2u32..4, any::<bool>()),
                0..4,
            ),
        ) {
            // Merges within the rows, none overlapping another; a merge of a township or a
            // note shows its value.
            let mut merges: Vec<(u16, u32, u32, bool)> = Vec::new();
            for (c, first, n, nothing) in wanted {
                let n = n.min(rows as u32 - first.min(rows as u32));
                let overlaps = merges
                    .iter()
                    .any(|&(mc, f, m, _)| mc == c && first < f + m && f < first + n);
                if first < rows as u32 && n >= 2 && !overlaps {
                    merges.push((c, first, n, nothing && matches!(c, 5 | 7 | 8)));
                }
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("plan.xlsx");
            book(&path, rows, &merges);
            let line = |i: u32| u64::from(i) + 2;
            let mut expected = Vec::new();
            for i in 0..rows as u32 {
                let first = [5u16, 7, 8].into_iter().find_map(|c| {
                    merges
                        .iter()
                        .find(|&&(mc, f, n, nothing)| mc == c && i > f && i < f + n && !nothing)
                        .map(|&(c, f, n, _)| {
                            let col = char::from(b'A' + c as u8);
                            (c, format!("{col}{}:{col}{}", line(f), line(f + n - 1)))
                        })
                });
                if let Some((c, range)) = first {
                    expected.push((line(i), HEADER[usize::from(c)].to_string(), range));
                }
            }
            let others: Vec<u64> = (0..rows as u32)
                .map(line)
                .filter(|l| !expected.iter().any(|e| e.0 == *l))
                .collect();
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
            let mut judged = Vec::new();
            for row in &sheet.rows {
                // Every row shows its township, merged or not.
                prop_assert_eq!(row.get(1), "天马乡");
                if let Judged::Bad(e) = sheet.judge(&rules, &sheet.columns, row, false) {
                    for e in e {
                        if let Problem::UnderMerge(range) = e.problem {
                            judged.push((e.line, e.column.unwrap_or_default(), range));
                        }
                    }
                }
            }
            prop_assert_eq!(judged, expected.clone());
            // A value typed in the cell under the merge is the row's own.
            let mut sheet = sheet;
            for (l, header, _) in &expected {
                let at = sheet.rows.iter().position(|r| r.line == *l).unwrap();
                let col = HEADER.iter().position(|h| h == header).unwrap();
                sheet.rows[at] = sheet.rows[at].with(col, "1");
                let row = &sheet.rows[at];
                let still = sheet.under_merge(row).map(|(c, _)| c);
                prop_assert!(still.is_none_or(|c| c != col), "{:?}", still);
            }
        }
    }

    /// An .ods's merges are its cells spanning more than one row or column, laid out as
    /// calamine lays out rows and cells repeated.
    #[test]
    fn an_ods_tables_merges_are_its_spanning_cells() {
        let content = r#"<office:document-content><office:body><office:spreadsheet>
            <table:table table:name="其他"><table:table-row><table:table-cell table:number-rows-spanned="5"/></table:table-row></table:table>
            <table:table table:name="道路">
              <table:table-row><table:table-cell table:number-columns-spanned="3"><text:p>计划</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="2"/></table:table-row>
              <table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
              <table:table-row><table:table-cell table:number-columns-repeated="7"/><table:table-cell table:number-rows-spanned="2" office:value-type="float" office:value="30000"><text:p>30000</text:p></table:table-cell></table:table-row>
              <table:table-row><table:table-cell table:number-columns-repeated="7"/><table:covered-table-cell/></table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>"#;
        let merges = ods_merges(content.as_bytes(), "道路").unwrap();
        let names: Vec<String> = merges.iter().map(Merge::name).collect();
        assert_eq!(names, ["A1:C1", "H4:H5"]);
        assert!(ods_merges(content.as_bytes(), "无").unwrap().is_empty());
    }
}
