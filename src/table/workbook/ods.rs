//! An .ods workbook's content read through once before calamine reads it. calamine's reader
//! of an .ods waits for the end of a table that a content part cut short never gives: it
//! read on at the end of the part for ever, and the run hung without a word. A content part
//! that is not well-formed XML to its end (every element closed, in order) is refused first,
//! and so are tables whose repeated rows and cells calamine would lay out into more cells
//! than a workbook read whole may take.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use quick_xml::events::Event;

use super::WorkbookError;

/// Refuses the .ods at `path` when its `content.xml` ends before its elements are closed, or
/// is not well-formed XML (saying where). A file that cannot be opened as
/// an archive, or has no such part, is left to calamine to say why.
pub(super) fn check(path: &Path) -> Result<(), WorkbookError> {
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    let Ok(part) = zip.by_name("content.xml") else {
        return Ok(());
    };
    well_formed(BufReader::with_capacity(256 * 1024, part))?;
    for name in ["content.xml", "styles.xml"] {
        let Ok(part) = zip.by_name(name) else {
            continue;
        };
        if let Some(shown) = unit_style(BufReader::new(part)) {
            return Err(WorkbookError::UnitsByFormat { shown });
        }
    }
    Ok(())
}

/// The texts of the first number style of an .ods part (its styles, before its body) that
/// shows a unit beside numbers (`<number:text>米</number:text>`): calamine gives no cell's
/// style, so such a workbook's numbers cannot be told from their units. Dates and times
/// are their own styles, and show none.
fn unit_style(part: impl std::io::BufRead) -> Option<String> {
    let mut reader = quick_xml::Reader::from_reader(part);
    let mut buf = Vec::with_capacity(1024);
    let mut style: Option<String> = None;
    let mut in_text = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.name().as_ref() {
                "number:number-style" | "number:currency-style" | "number:text-style" => {
                    style = Some(String::new());
                }
                "number:text" | "number:currency-symbol" => in_text = style.is_some(),
                "office:body" => return None,
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                if let Some(words) = style.as_mut() {
                    words.push_str(&t.into_inner());
                }
            }
            Ok(Event::End(e)) => match e.name().as_ref() {
                "number:number-style" | "number:currency-style" | "number:text-style" => {
                    if let Some(words) = style.take() {
                        if super::shown::words_show_unit(&words) {
                            return Some(words.trim().to_string());
                        }
                    }
                }
                "number:text" | "number:currency-symbol" => in_text = false,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// The cells calamine would lay out of the tables of `content` (an .ods's `content.xml`),
/// or why it is refused.
pub(crate) fn content_cells(content: &[u8]) -> Result<u64, WorkbookError> {
    well_formed(content)
}

/// The most rows and columns calamine lays out of a table (it caps repeats at them).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// Reads the XML `part` to its end, giving the cells calamine would lay out of its tables:
/// `Err` when it is not well-formed, or ends inside an element, or when its tables, laid out as calamine lays them out (a cell or row repeated
/// as many times as it says, up to 16,384 columns and 1,048,576 rows), would together take
/// more cells than a workbook read whole may ([`super::MAX_RANGE_CELLS`], as for an .xlsx):
/// a 2 KB part repeating one row a million times took a gigabyte.
fn well_formed(part: impl std::io::BufRead) -> Result<u64, WorkbookError> {
    let mut reader = quick_xml::Reader::from_reader(part);
    // Every end tag must close the element it ends (calamine does not check it).
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(1024);
    let mut depth = 0usize;
    let mut table = Table::default();
    let mut total = 0u64;
    loop {
        let event = reader.read_event_into(&mut buf);
        match &event {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let start = matches!(event, Ok(Event::Start(_)));
                let repeats = |key: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == key)
                        .and_then(|a| a.value.parse::<u64>().ok())
                        .unwrap_or(1)
                };
                match e.name().as_ref() {
                    "table:table" => table = Table::default(),
                    "table:table-row" => table.row(repeats("table:number-rows-repeated")),
                    "table:table-cell" | "table:covered-table-cell" => {
                        // A cell with a value, a formula or anything inside counts (calamine
                        // leaves out only one with neither value nor formula).
                        let valued = start
                            || e.attributes().flatten().any(|a| {
                                matches!(a.key.as_ref(), "office:value-type" | "table:formula")
                            });
                        table.cell(repeats("table:number-columns-repeated"), valued);
                    }
                    _ => {}
                }
                if start {
                    depth += 1;
                }
            }
            Ok(Event::End(e)) => {
                depth = depth.saturating_sub(1);
                match e.name().as_ref() {
                    "table:table-row" => table.row_end(),
                    "table:table" => {
                        total = total.saturating_add(table.cells());
                        if total > super::MAX_RANGE_CELLS {
                            return Err(WorkbookError::SheetsSpan { cells: total });
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) if depth == 0 => return Ok(total),
            Ok(Event::Eof) => return Err(WorkbookError::CutShort),
            Err(_) => {
                return Err(WorkbookError::Malformed {
                    part: "content.xml".into(),
                    at: reader.error_position(),
                })
            }
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// A table as calamine lays it out: rows from the first with a cell of value to the last,
/// as wide as the widest such row reaches.
#[derive(Default)]
struct Table {
    /// Rows so far (repeats counted, capped as calamine caps them).
    rows: u64,
    /// The current row's first row, how many it stands for, its columns so far, and how far
    /// its cells of value reach.
    row_start: u64,
    columns: u64,
    reach: u64,
    /// The first row with a cell of value, where the last such ends, and the widest reach.
    first: Option<u64>,
    end: u64,
    width: u64,
}

impl Table {
    fn row(&mut self, repeats: u64) {
        let repeats = repeats.min(MAX_ROWS.saturating_sub(self.rows));
        self.row_start = self.rows;
        self.rows += repeats;
        self.columns = 0;
        self.reach = 0;
    }

    fn cell(&mut self, repeats: u64, valued: bool) {
        let repeats = repeats.min(MAX_COLUMNS.saturating_sub(self.columns));
        self.columns += repeats;
        if valued && repeats > 0 {
            self.reach = self.columns;
        }
    }

    fn row_end(&mut self) {
        if self.reach > 0 {
            self.first.get_or_insert(self.row_start);
            self.end = self.rows;
            self.width = self.width.max(self.reach);
        }
    }

    /// The cells of the range laid out.
    fn cells(&self) -> u64 {
        self.first
            .map_or(0, |first| (self.end - first).saturating_mul(self.width))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Number styles showing a word are found among an .ods's styles; dates, the yuan's sign,
    /// percentages, households' 户 and punctuation show none, and nothing in the body is
    /// looked at.
    #[test]
    fn a_number_style_showing_a_unit_is_found_among_the_styles() {
        let part = |styles: &str| {
            format!("<office:document-content><office:automatic-styles>{styles}</office:automatic-styles><office:body><number:number-style><number:text>米</number:text></number:number-style></office:body></office:document-content>")
        };
        let found = |styles: &str| unit_style(part(styles).as_bytes());
        let number = |texts: &str| {
            format!(
                r#"<number:number-style style:name="N1"><number:number number:decimal-places="0"/>{texts}</number:number-style>"#
            )
        };
        assert_eq!(
            found(&number("<number:text>米</number:text>")).as_deref(),
            Some("米")
        );
        assert_eq!(
            found(&number("<number:text> 万元</number:text>")).as_deref(),
            Some("万元")
        );
        assert_eq!(
            found(r#"<number:currency-style style:name="N2"><number:number/><number:currency-symbol>元</number:currency-symbol></number:currency-style>"#).as_deref(),
            Some("元")
        );
        assert_eq!(found(&number("<number:text>户</number:text>")), None);
        // Any word a value may be read otherwise for: one roadsub reads or not, a text's.
        assert_eq!(
            found(&number("<number:text>ft</number:text>")).as_deref(),
            Some("ft")
        );
        assert_eq!(
            found(&number("<number:text>人</number:text>")).as_deref(),
            Some("人")
        );
        assert_eq!(
            found(r#"<number:text-style style:name="N9"><number:text-content/><number:text>米</number:text></number:text-style>"#).as_deref(),
            Some("米")
        );
        assert_eq!(
            found(
                r#"<number:percentage-style style:name="N4"><number:number/><number:text>%</number:text></number:percentage-style>"#
            ),
            None
        );
        assert_eq!(found(&number("")), None);
        assert_eq!(
            found(
                r#"<number:currency-style style:name="N2"><number:currency-symbol>¥</number:currency-symbol><number:number/></number:currency-style>"#
            ),
            None
        );
        assert_eq!(
            found(
                r#"<number:date-style style:name="N3"><number:year/><number:text>年</number:text><number:month/><number:text>月</number:text></number:date-style>"#
            ),
            None
        );
        assert_eq!(found(""), None);
    }

    fn said(xml: &str) -> Option<String> {
        well_formed(xml.as_bytes())
            .err()
            .map(|e| e.render("plan.ods", crate::i18n::Lang::En))
    }

    /// Tables laid out past what a workbook read whole may take are refused; empty rows and
    /// cells repeated to the sheet's end (as LibreOffice writes them) take nothing.
    #[test]
    fn tables_repeated_past_what_a_workbook_read_whole_takes_are_refused() {
        let table = |rows: &str| {
            format!("<office:document-content><table:table>{rows}</table:table></office:document-content>")
        };
        let valued = r#"<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>"#;
        // LibreOffice's ending: empty rows of empty cells to the last row and column.
        let ending = r#"<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
        let row = |rows: u64, cells: u64| {
            format!(
                r#"<table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="{cells}"/></table:table-row>"#
            )
        };
        assert_eq!(
            said(&table(&format!(
                "<table:table-row>{valued}</table:table-row>{ending}"
            ))),
            None
        );
        // 4,096 rows of 16,384 columns: 2^26 cells, the most.
        assert_eq!(said(&table(&row(4_096, 16_384))), None);
        let past = said(&table(&row(4_097, 16_384))).unwrap();
        assert!(
            past.starts_with("plan.ods: its sheets together span 67,125,248 cells"),
            "{past}"
        );
        // Repeats past the last row and column are capped, as calamine caps them.
        let capped = said(&table(&row(10_000_000_000, 1))).map(|_| ());
        assert_eq!(capped, None);
        // Empty rows between two cells of value count; the tables together count.
        let apart = format!(
            "<table:table-row>{valued}</table:table-row>{}{}",
            row(1, 1),
            row(1, 1)
        );
        assert_eq!(said(&table(&apart)), None);
        let two = format!("{0}{0}", table(&row(2_048, 16_384)));
        let two = two.replace("</office:document-content><office:document-content>", "");
        assert_eq!(said(&two), None);
        let three = format!(
            "<r>{0}{0}{1}</r>",
            table(&row(2_048, 16_384)),
            table(&row(1, 1))
        );
        assert!(said(&three).unwrap().contains("span 67,108,865 cells"));
    }

    /// A content part cut short anywhere inside its elements is refused; a whole one reads,
    /// with or without a declaration, comments and empty elements.
    #[test]
    fn a_content_part_cut_short_is_refused_wherever_it_ends() {
        let whole = r#"<?xml version="1.0"?><office:document-content><office:body><!-- x --><table:table><table:table-row><table:table-cell/></table:table-row></table:table></office:body></office:document-content>"#;
        assert_eq!(said(whole), None);
        let cut = "plan.ods: the workbook ends before its content does: the file is cut short or damaged; nothing was computed from it (open it in Excel or WPS and save it again)";
        // Cut after each complete tag: inside the root, it ends too soon.
        let mut ends = vec![];
        for (i, b) in whole.bytes().enumerate() {
            if b == b'>' && i + 1 < whole.len() && i > whole.find("?>").unwrap() + 1 {
                ends.push(i + 1);
            }
        }
        for end in ends {
            assert_eq!(
                said(&whole[..end]).as_deref(),
                Some(cut),
                "{}",
                &whole[..end]
            );
        }
        // Cut inside a tag: where.
        let at = whole.find("<table:table-row").unwrap();
        assert_eq!(
            said(&whole[..at + 6]).as_deref(),
            Some(format!("plan.ods: the workbook's content.xml is not well-formed XML (at byte {at}): the file is damaged; nothing was computed from it (open it in Excel or WPS and save it again)").as_str())
        );
        // An end tag that closes another element is refused, not read past.
        assert_eq!(
            said("<a><table:table-row></table:table></a>").as_deref(),
            Some("plan.ods: the workbook's content.xml is not well-formed XML (at byte 20): the file is damaged; nothing was computed from it (open it in Excel or WPS and save it again)")
        );
    }
}
