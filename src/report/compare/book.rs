//! A comparison as an Excel workbook: every row before, after and the change; the rows that
//! changed on a sheet of their own; totals, groups and budget use under both; and what the
//! variant is. Amounts are exact fen until they become the format's own numbers in the cells.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use super::whole::{Comparison, Pair};
use super::write::{column_names, side_words, Variant};
use super::{unit_suffix, Amounts, Side};
use crate::i18n::Lang;
use crate::money;
use crate::report::budget::lines;
use crate::report::layout::{LINE_ZH, NOTES_ZH};
use crate::report::summary::GroupBy;
use crate::report::Unit;

/// The sheets' names (the changes sheet is named in both languages, as asked for everywhere).
pub const SHEETS: [&str; 4] = [
    "路段 Segments",
    "变化 Changes",
    "汇总 Summary",
    "对比规则 Variant",
];

fn money_format() -> Format {
    Format::new().set_num_format("#,##0.00")
}

/// Fen as yuan, exact (a sum beyond `Decimal`'s range, never met, is NaN's `#NUM!`).
fn yuan(fen: i128) -> Option<Decimal> {
    money::from_fen(fen)
}

/// Writes yuan `v` in the money format: a number, or its exact text where a spreadsheet's
/// 15 digits cannot hold it (`xlsx::amount`).
fn put_money(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<Decimal>,
) -> Result<(), XlsxError> {
    match v {
        Some(v) => crate::report::xlsx::amount(sheet, row, col, v, &money_format()),
        None => sheet
            .write_number_with_format(row, col, f64::NAN, &money_format())
            .map(|_| ()),
    }
}

fn number(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}

/// Writes `amounts`' columns as numbers from column `col`, three apart when `stride` is 3
/// (before, after, change side by side).
fn amounts(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    stride: u16,
    a: Option<&Amounts>,
) -> Result<(), XlsxError> {
    if let Some(a) = a {
        for (i, v) in a.columns().enumerate() {
            let c = col + stride * i as u16;
            put_money(sheet, row, c, yuan(v))?;
        }
    }
    Ok(())
}

/// The rows sheet's header: the row's place, then per column before, after and change, then
/// whether it changed and what is wrong with a side.
fn row_header(c: &Comparison, lang: Lang) -> Vec<String> {
    let mut h: Vec<String> = Vec::new();
    if c.labels.len() > 1 {
        h.push(lang.pick("file", "文件").into());
    }
    for s in [
        lang.pick("line", LINE_ZH),
        lang.pick("id", "编号"),
        lang.pick("township", "乡镇"),
        lang.pick("village", "村"),
        lang.pick("class", "类别"),
    ] {
        h.push(s.into());
    }
    h.extend(super::write::triple_header(c, lang, Unit::Yuan));
    h.push(lang.pick("changed", "有变化").into());
    h.push(lang.pick("notes", NOTES_ZH).into());
    h
}

fn write_rows<'a>(
    sheet: &mut Worksheet,
    c: &Comparison,
    rows: impl Iterator<Item = &'a Pair>,
    lang: Lang,
) -> Result<(), XlsxError> {
    let header = row_header(c, lang);
    // Headings wrap within their column (`County transport bureau subsidy` / `before`), so
    // before, after and change of one fund are told apart however narrow the column.
    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    // Its height first: a sheet written row by row writes a row when the next begins, and
    // a height set after would write a heading with no rows under it twice.
    sheet.set_row_height(0, HEADING_HEIGHT)?;
    for (i, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, h, &heading)?;
    }
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let lead = u16::from(c.labels.len() > 1);
    let first_amount = lead + 5;
    let columns = c.funds.len() as u16 + 3;
    let mut r = 0u32;
    for p in rows {
        r += 1;
        if lead == 1 {
            sheet.write_string(r, 0, &c.labels[p.file])?;
        }
        sheet.write_number(r, lead, p.line as f64)?;
        for (i, t) in [&p.id, &p.township, &p.village, &p.class]
            .iter()
            .enumerate()
        {
            sheet.write_string(r, lead + 1 + i as u16, t.as_str())?;
        }
        amounts(sheet, r, first_amount, 3, p.amounts(Side::Before))?;
        amounts(sheet, r, first_amount + 1, 3, p.amounts(Side::After))?;
        amounts(sheet, r, first_amount + 2, 3, p.change().as_ref())?;
        let after = first_amount + 3 * columns;
        let changed = if p.changed() {
            lang.pick("yes", "是")
        } else {
            lang.pick("no", "否")
        };
        sheet.write_string(r, after, changed)?;
        let mut notes = Vec::new();
        for side in [Side::Before, Side::After] {
            let errors = match side {
                Side::Before => p.before.as_ref().err(),
                Side::After => p.after.as_ref().err(),
            };
            for e in errors.into_iter().flatten() {
                notes.push(format!(
                    "{}{}",
                    super::whole::side_prefix(side, lang),
                    e.render_value(c.rules(side), lang)
                ));
            }
        }
        if !notes.is_empty() {
            sheet.write_string_with_format(
                r,
                after + 1,
                notes.join(lang.pick("; ", "；")),
                &wrap,
            )?;
        }
    }
    sheet.set_freeze_panes(1, first_amount)?;
    // On paper, as a batch run's workbook: one page wide, as many long as it takes, every
    // page under the heading.
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_repeat_columns(0, first_amount - 1)?;
    if r > 0 {
        sheet.autofilter(0, 0, r, header.len() as u16 - 1)?;
    }
    // What each row is, narrow enough that a printed page has room for five amounts beside
    // it: file, line, id, township, village, class.
    let lead_widths = [14.0, 6.0, 11.0, 10.0, 10.0, 8.0];
    for i in 0..header.len() as u16 {
        // Without a file column, the first is the line.
        let width = if i < first_amount {
            lead_widths[usize::from(i + 1 - lead)]
        } else if usize::from(i) + 1 == header.len() {
            // The notes: a sentence or two, wrapped.
            60.0
        } else {
            16.0
        };
        sheet.set_column_width(i, width)?;
    }
    Ok(())
}

/// A cell of the summary's tables.
enum SumCell {
    Text(String),
    /// A count or kilometres, as a plain number.
    Number(f64),
    /// Yuan, in the money format (exact; `None` beyond `Decimal`'s range).
    Money(Option<Decimal>),
}

/// One table of the summary sheet: its title, its heading row and its rows.
struct SumTable {
    title: String,
    heading: Vec<String>,
    rows: Vec<Vec<SumCell>>,
}

/// The summary's tables: totals; per township and per village, the segments each side counts,
/// then before, after and change per column; the budget lines under each rule set.
fn summary_tables(c: &Comparison, lang: Lang) -> Vec<SumTable> {
    use SumCell::{Money, Number, Text};
    let [b, a, ch] = side_words(lang);
    // A workbook's amounts are numbers of yuan: each heading of them says so.
    let in_yuan = unit_suffix(Unit::Yuan, lang);
    let names = column_names(c, lang);
    let mut tables = Vec::new();
    let (tb, ta) = (&c.before.total, &c.after.total);
    let (kb, ka) = (tb.planned_km.value(), ta.planned_km.value());
    let mut rows = vec![
        vec![
            Text(lang.pick("segments", "路段数").into()),
            Number(tb.segments as f64),
            Number(ta.segments as f64),
            Number(ta.segments as f64 - tb.segments as f64),
        ],
        vec![
            Text(lang.pick("km planned", "计划里程（公里）").into()),
            Number(number(kb)),
            Number(number(ka)),
            Number(number(ka.checked_sub(kb).unwrap_or_default())),
        ],
    ];
    let (xb, xa) = (c.totals(Side::Before), c.totals(Side::After));
    let xc = xb.change_to(&xa);
    for (i, n) in names.iter().enumerate() {
        let mut r = vec![Text(format!("{n}{in_yuan}"))];
        for x in [&xb, &xa, &xc] {
            r.push(Money(yuan(x.column(i))));
        }
        rows.push(r);
    }
    if let Some(sentence) = c.one_side_sentence(lang) {
        rows.push(vec![Text(sentence)]);
    }
    tables.push(SumTable {
        title: lang.pick("Totals", "合计").into(),
        heading: [lang.pick("item", "项目"), b, a, ch]
            .map(String::from)
            .to_vec(),
        rows,
    });
    for (by, en, zh, title) in [
        (
            GroupBy::Township,
            "township",
            "乡镇",
            lang.pick("By township", "按乡镇"),
        ),
        (
            GroupBy::Village,
            "village",
            "村",
            lang.pick("By village", "按村"),
        ),
    ] {
        // How many rows each side counts in the group (a row bad under one side counts under
        // the other only), then the amounts.
        let segments = lang.pick("segments", "路段数");
        let mut heading = vec![
            lang.pick(en, zh).to_string(),
            format!("{segments} {b}"),
            format!("{segments} {a}"),
        ];
        for n in &names {
            for s in [b, a, ch] {
                heading.push(format!("{n} {s}{in_yuan}"));
            }
        }
        let rows = c
            .groups(by)
            .into_iter()
            .map(|g| {
                let mut r = vec![
                    Text(g.key.clone()),
                    Number(g.rows.0 as f64),
                    Number(g.rows.1 as f64),
                ];
                let change = g.change();
                let columns = |x: &Amounts| x.columns().map(yuan).collect::<Vec<_>>();
                let (vb, va, vc) = (columns(&g.before), columns(&g.after), columns(&change));
                for i in 0..vb.len() {
                    r.extend([Money(vb[i]), Money(va[i]), Money(vc[i])]);
                }
                r
            })
            .collect();
        tables.push(SumTable {
            title: title.to_string(),
            heading,
            rows,
        });
    }
    for side in [Side::Before, Side::After] {
        let title = match side {
            Side::Before => lang.pick("Budgets under the rules in force", "预算额度（按现行规则）"),
            Side::After => lang.pick("Budgets under the variant", "预算额度（按对比规则）"),
        };
        let heading = match lang {
            Lang::En => ["budget", "envelope", "asked", "paid", "raised by villages"],
            Lang::Zh => ["预算额度", "额度", "申请", "安排", "各村多筹集"],
        };
        let mut heading = heading.map(String::from).to_vec();
        heading[0].push_str(in_yuan);
        let rows = lines(c.rules(side), c.summary(side), lang)
            .iter()
            .map(|l| {
                let mut r = vec![Text(l.label())];
                r.extend([l.envelope, l.asked, l.used, l.raised].map(|v| Money(Some(v))));
                r
            })
            .collect();
        tables.push(SumTable {
            title: title.to_string(),
            heading,
            rows,
        });
    }
    tables
}

/// The summary sheet's column widths: the names, the segments before and after, then amounts.
fn summary_widths(columns: u16) -> Vec<f64> {
    (0..columns)
        .map(|i| if i == 0 { 30.0 } else { 15.0 })
        .collect()
}

/// Height of a heading row, in points: three lines of wrapped text.
const HEADING_HEIGHT: f64 = 45.0;

/// The print scale (percent) at which `widths` (Excel's character units) fit one landscape A4
/// page wide, and how many rows of the default height a page then holds. The summary cannot
/// use "fit to one page wide": that overrides the page breaks that start each page of a table
/// with its heading.
fn summary_scale(widths: &[f64]) -> (u16, usize) {
    // A character unit is 7 pixels and 5 of padding at 96 pixels an inch in Excel, wider in
    // other programs (LibreOffice prints about a quarter wider): 10 pixels keeps one page wide in
    // both. The page is 11.69 by 8.27 inches, less margins of 0.7 inch left and right, 0.75
    // top and bottom and a little for the header and footer.
    let inches: f64 = widths.iter().map(|w| (w * 10.0 + 5.0) / 96.0).sum();
    let scale = ((11.69 - 1.4) / inches * 100.0).floor().clamp(10.0, 100.0);
    let page_points = (8.27 - 1.5 - 0.3) * 72.0;
    // Less a twentieth, for a program that draws rows a little taller.
    let rows = (page_points / (15.0 * scale / 100.0) * 0.95).floor() as usize;
    (scale as u16, rows.max(12))
}

/// The summary sheet: its tables one under another, each page of them starting with the
/// table's title and heading (a table longer than a page goes on with its heading again,
/// "continued"), so no printed page shows amounts without saying what they are.
fn write_summary(sheet: &mut Worksheet, tables: &[SumTable], lang: Lang) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let heading_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let columns = tables
        .iter()
        .map(|t| t.heading.len() as u16)
        .max()
        .unwrap_or(1);
    let widths = summary_widths(columns);
    for (i, w) in widths.iter().enumerate() {
        sheet.set_column_width(i as u16, *w)?;
    }
    let (scale, page) = summary_scale(&widths);
    // A page holds a title, a heading (three lines) and at least a few rows.
    let heading_rows = (HEADING_HEIGHT / 15.0).ceil() as usize;
    let mut breaks: Vec<u32> = Vec::new();
    let mut r = 0u32;
    let mut used = 0usize;
    for t in tables {
        let mut rest: &[Vec<SumCell>] = &t.rows;
        let mut first = true;
        loop {
            let least = 1 + heading_rows + rest.len().min(3);
            if used > 0 && used + 1 + least > page {
                breaks.push(r);
                used = 0;
            } else if used > 0 {
                // A blank row between tables.
                r += 1;
                used += 1;
            }
            let title = if first {
                t.title.clone()
            } else {
                format!("{}{}", t.title, lang.pick(" (continued)", "（续）"))
            };
            sheet.write_string_with_format(r, 0, &title, &bold)?;
            r += 1;
            sheet.set_row_height(r, HEADING_HEIGHT)?;
            for (i, h) in t.heading.iter().enumerate() {
                sheet.write_string_with_format(r, i as u16, h, &heading_format)?;
            }
            r += 1;
            used += 1 + heading_rows;
            let take = rest.len().min(page.saturating_sub(used).max(1));
            for row in &rest[..take] {
                for (i, cell) in row.iter().enumerate() {
                    let col = i as u16;
                    match cell {
                        SumCell::Text(text) => {
                            sheet.write_string(r, col, text)?;
                        }
                        SumCell::Number(v) => {
                            sheet.write_number(r, col, *v)?;
                        }
                        SumCell::Money(v) => put_money(sheet, r, col, *v)?,
                    }
                }
                r += 1;
            }
            used += take;
            rest = &rest[take..];
            first = false;
            if rest.is_empty() {
                break;
            }
            breaks.push(r);
            used = 0;
        }
    }
    crate::report::xlsx::set_page_breaks(sheet, &breaks)?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_scale(scale);
    Ok(())
}

/// The comparison as a workbook, in memory; its sheets' rows wait in temporary files until
/// it is made (see [`crate::table::workbook::streamed_workbook`], `output` the file it is
/// for).
pub fn workbook(
    c: &Comparison,
    variant: &Variant,
    lang: Lang,
    output: &std::path::Path,
) -> Result<Vec<u8>, XlsxError> {
    crate::table::workbook::guard::xlsx_writer(|| made(c, variant, lang, output))
}

/// A new sheet of `book`, written row by row when `streamed` (see [`made`]).
fn sheet(
    book: &mut rust_xlsxwriter::Workbook,
    streamed: bool,
) -> Result<&mut Worksheet, XlsxError> {
    match streamed {
        true => book.add_worksheet_with_constant_memory(),
        false => Ok(book.add_worksheet()),
    }
}

/// [`workbook`], a write to a sheet's temporary file that fails a panic.
fn made(
    c: &Comparison,
    variant: &Variant,
    lang: Lang,
    output: &std::path::Path,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = crate::table::workbook::streamed_workbook(output)?;
    // A sheet is written row by row, its rows waiting in a temporary file, unless its last
    // row is a heading made taller: the row-by-row writer writes such a last row twice
    // (`<row r="1" ht="45" …>` then `<row r="1" ht="45" …/>`, which Excel offers to repair),
    // so a sheet that ends on one (a heading with no row under it) is held, as it is small.
    {
        let sheet = sheet(&mut book, c.shown().next().is_some())?;
        sheet.set_name(SHEETS[0])?;
        write_rows(sheet, c, c.shown(), lang)?;
    }
    {
        let changed = || c.shown().filter(|p| p.changed());
        let sheet = sheet(&mut book, changed().next().is_some())?;
        sheet.set_name(SHEETS[1])?;
        write_rows(sheet, c, changed(), lang)?;
    }
    {
        let tables = summary_tables(c, lang);
        let sheet = sheet(&mut book, tables.last().is_some_and(|t| !t.rows.is_empty()))?;
        sheet.set_name(SHEETS[2])?;
        write_summary(sheet, &tables, lang)?;
    }
    {
        // A few lines.
        let sheet = book.add_worksheet();
        sheet.set_name(SHEETS[3])?;
        write_variant(sheet, c, variant, lang)?;
    }
    book.save_to_buffer()
}

/// The variant sheet: the variant in words, a line each, beside what was given for it (each
/// `--set` setting as written beside what it changes; the rules file of `--against` beside
/// its first line, the differences found under it), then each side's rules and where they
/// come from.
fn write_variant(
    sheet: &mut Worksheet,
    c: &Comparison,
    variant: &Variant,
    lang: Lang,
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    sheet.write_string_with_format(0, 0, lang.pick("The variant", "对比规则"), &bold)?;
    let given = if variant.kind == "set" {
        lang.pick("setting (--set)", "设置（--set）")
    } else {
        lang.pick("rules file (--against)", "规则文件（--against）")
    };
    sheet.write_string_with_format(0, 1, given, &bold)?;
    let mut r = 0;
    for (i, l) in variant.lines.iter().enumerate() {
        r += 1;
        sheet.write_string_with_format(r, 0, l, &wrap)?;
        // One change per setting, in order; a rules file is said on the first line.
        let beside = match variant.kind {
            "set" => variant.given.get(i),
            _ if i == 0 => variant.given.first(),
            _ => None,
        };
        if let Some(g) = beside {
            sheet.write_string_with_format(r, 1, g, &wrap)?;
        }
    }
    r += 2;
    for side in [Side::Before, Side::After] {
        let rules = c.rules(side);
        let what = match side {
            Side::Before => lang.pick("Rules in force", "现行规则"),
            Side::After => lang.pick("Variant", "对比规则"),
        };
        sheet.write_string_with_format(r, 0, what, &bold)?;
        sheet.write_string(r, 1, rules.meta.display_name(lang))?;
        let origin = match (side, variant.kind) {
            // The rules in force with settings: the same file, and what was set on it.
            (Side::After, "set") => variant
                .given
                .iter()
                .fold(rules.origin(lang), |o, g| format!("{o} --set {g}")),
            _ => rules.origin(lang),
        };
        sheet.write_string_with_format(r, 2, &origin, &wrap)?;
        r += 1;
    }
    sheet.set_column_width(0, 60)?;
    sheet.set_column_width(1, 50)?;
    sheet.set_column_width(2, 40)?;
    // A setting prints on the same page as what it changes, its heading on every page.
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}
