//! The workbook report (`-o report.xlsx`): a segments sheet to print and filter, a summary
//! sheet by township and village with budget use and a chart, and the rules the numbers came
//! from, so they can be checked later.
//!
//! Amounts are computed as decimals like everywhere else and only become Excel numbers (binary
//! doubles, the format's own) in the cells, where two decimals below 90 trillion yuan read back
//! exactly.

use std::io::{self, Write};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

use super::layout::Layout;
use super::summary::{group_order, GroupBy, Summary, Totals};
use crate::i18n::Lang;
use crate::money;
use crate::money::Scale;
use crate::rules::RuleSet;
use crate::table::workbook::{date_serial, number_cell, parse_date};
use crate::table::Field;
use crate::textwidth::cells;

/// The width of the segments sheet's notes column, in characters: notes wrap in it (a CJK
/// character counts two).
const NOTES_WIDTH: usize = 40;

/// One cell of a segment row, as the batch builds it for a workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text: an input field as read, or the notes.
    Text(String),
    /// An amount in yuan; `None` is a blank cell.
    Amount(Option<Decimal>),
}

/// A report being written: the segments sheet fills as rows arrive.
pub struct Report {
    book: Workbook,
    row: u32,
    columns: usize,
    /// Output columns that hold amounts (written as numbers).
    money: Vec<bool>,
    widths: Vec<usize>,
    /// The layout's header (the computed columns' English names say which total is whose).
    header: Vec<String>,
    /// The field of each input column, with the unit its bare numbers are in.
    inputs: Vec<Option<(Field, Scale)>>,
    /// Whether each input column holds numbers (kept numbers in the sheet).
    numbers: Vec<bool>,
    /// Whether a row's cost cell was empty (its cost worked out from its price per km): the
    /// cost column then does not add up to the total cost, which is left out of its totals
    /// row (the summary sheet has it).
    cost_worked_out: bool,
}

fn sheet_names(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::En => ["Segments", "Summary", "Rules"],
        Lang::Zh => ["路段", "汇总", "补助规则"],
    }
}

/// The most page breaks a sheet may hold in each direction (Excel's limit; a workbook with
/// more is refused by `rust_xlsxwriter`).
pub(crate) const MAX_PAGE_BREAKS: usize = 1023;

/// Breaks `sheet`'s printed pages before each row of `breaks`, as far as Excel allows: the
/// first [`MAX_PAGE_BREAKS`] of them, the pages after those broken by the printing program
/// itself. A summary of many groups (a comparison of 187,307 villages asked for 4,700) is
/// printed so rather than refused.
pub(crate) fn set_page_breaks(sheet: &mut Worksheet, breaks: &[u32]) -> Result<(), XlsxError> {
    sheet.set_page_breaks(&breaks[..breaks.len().min(MAX_PAGE_BREAKS)])?;
    Ok(())
}

/// A heading of amounts with their unit, `县交通局补助（元）` or `transport (yuan)`: the sheets
/// hold yuan, and an input column beside them may be in 万元 (`总投资(万元)`).
fn in_yuan(heading: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{heading} (yuan)"),
        Lang::Zh => format!("{heading}（元）"),
    }
}

fn money_format() -> Format {
    Format::new().set_num_format("#,##0.00")
}

fn number(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}

/// Writes amount `v` as a number, or, where a spreadsheet's 15 significant digits cannot hold
/// it exactly (10万亿 yuan or more to the fen), as its exact text, right-aligned: a number
/// written rounded would be a plausible-looking wrong figure, and the report adds nothing in
/// Excel (every total is written as roadsub computed it).
pub(crate) fn amount(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    v: Decimal,
    format: &Format,
) -> Result<(), XlsxError> {
    if !money::fits_a_workbook(v) {
        let text = format
            .clone()
            .set_align(rust_xlsxwriter::FormatAlign::Right);
        sheet.write_string_with_format(row, col, money::plain(v), &text)?;
    } else {
        sheet.write_number_with_format(row, col, number(v), format)?;
    }
    Ok(())
}

impl Report {
    /// Starts a report whose segments sheet has `layout`'s columns, titled in `lang`, to be
    /// written to `output`: the segments and summary sheets are written row by row, their
    /// rows waiting in temporary files ([`crate::table::workbook::streamed_workbook`]).
    pub fn new(
        layout: &Layout,
        rules: &RuleSet,
        lang: Lang,
        output: &std::path::Path,
    ) -> Result<Report, XlsxError> {
        let mut book = crate::table::workbook::streamed_workbook(output)?;
        let columns = layout.header.len();
        let inputs = layout.copied_len();
        let mut money = vec![false; columns];
        for m in money.iter_mut().take(columns - 1).skip(inputs) {
            *m = true;
        }
        let header: Vec<String> = layout
            .names(rules, lang)
            .iter()
            .zip(&money)
            .map(|(h, &m)| if m { in_yuan(h, lang) } else { h.clone() })
            .collect();
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name(sheet_names(lang)[0])?;
        let bold = Format::new().set_bold();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet
            .set_landscape()
            .set_paper_size(9)
            .set_print_fit_to_pages(1, 0)
            .set_repeat_rows(0, 0)?;
        let widths = header.iter().map(|h| cells(h)).collect();
        Ok(Report {
            book,
            row: 1,
            columns,
            money,
            widths,
            header: layout.header.clone(),
            inputs: layout.copied_fields.clone(),
            numbers: layout.copied_numbers.clone(),
            cost_worked_out: false,
        })
    }

    fn segments(&mut self) -> Result<&mut Worksheet, XlsxError> {
        self.book.worksheet_from_index(0)
    }

    /// Adds segment rows: text cells as text, amounts as numbers.
    pub fn rows(&mut self, rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
        crate::table::workbook::guard::xlsx_writer(|| self.rows_unguarded(rows))
    }

    /// [`Report::rows`], a write to the sheet's temporary file that fails a panic.
    fn rows_unguarded(&mut self, rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
        let fmt = money_format();
        let wrap = Format::new().set_text_wrap();
        let date_format = Format::new().set_num_format("yyyy-mm-dd");
        for fields in rows {
            let row = self.row;
            // A row's height is set before its cells: a sheet written row by row writes a
            // row when the next begins, and a height set after would write it twice.
            if let Some(Cell::Text(text)) = fields.get(self.columns - 1) {
                let lines = crate::textwidth::wrapped_lines(text, NOTES_WIDTH);
                if lines > 1 {
                    self.book
                        .worksheet_from_index(0)?
                        .set_row_height(row, 15.0 * lines as f64 + 4.0)?;
                }
            }
            for (c, cell) in fields.iter().enumerate().take(self.columns) {
                let notes = c + 1 == self.columns;
                // A number of a column that holds numbers (a length, an amount) is a number
                // in Excel too, so it sums; an id and other text stay text.
                let numeric = self.numbers.get(c).copied().unwrap_or(false);
                let sheet = self.book.worksheet_from_index(0)?;
                match cell {
                    Cell::Amount(Some(v)) => {
                        self.widths[c] = self.widths[c].max(cells(&money::plain(*v)).min(40));
                        amount(sheet, row, c as u16, *v, &fmt)?;
                    }
                    Cell::Amount(None) => {}
                    Cell::Text(text) => {
                        let field = self.inputs.get(c).copied().flatten();
                        if field.is_some_and(|(f, _)| f == Field::Cost) && text.trim().is_empty() {
                            self.cost_worked_out = true;
                        }
                        self.widths[c] = self.widths[c].max(cells(text).min(40));
                        // Only a number that reads back as written (`3.0` would come back
                        // as `3`, and a report fed back in must give the same results).
                        let n = number_cell(text).filter(|n| numeric && n.to_string() == *text);
                        if let Some(n) = n {
                            sheet.write_number(row, c as u16, n)?;
                        } else if let Some(serial) = date_cell(text) {
                            // A day (a workbook's date cell, read as roadsub shows dates) is a
                            // date in Excel again, shown as it was read, and reads back the same.
                            sheet.write_number_with_format(row, c as u16, serial, &date_format)?;
                        } else if text.is_empty() {
                        } else if notes {
                            // Long explanations wrap instead of widening the printed page,
                            // in a row as tall as they wrap to: a viewer does not fit the row
                            // when printing, and would show the last line only.
                            sheet.write_string_with_format(row, c as u16, text, &wrap)?;
                        } else {
                            sheet.write_string(row, c as u16, text)?;
                        }
                    }
                }
            }
            self.row += 1;
        }
        Ok(())
    }

    /// Finishes the segments sheet (totals row, filter, widths), adds the summary and rules
    /// sheets, and saves the workbook to `path`.
    pub fn finish(
        mut self,
        out: impl Write,
        rules: &RuleSet,
        summary: &Summary,
        lang: Lang,
    ) -> io::Result<()> {
        debug_assert!(summary.sums(), "a summary that only counts is not shown");
        // The package is made in memory and written here, so a full disk is a plain write
        // error (said in the user's language), never a zip writer failing as it is dropped.
        let bytes = crate::table::workbook::guard::xlsx_writer(|| {
            self.complete(rules, summary, lang)?;
            self.book.save_to_buffer()
        })
        .map_err(io::Error::other)?;
        let mut out = out;
        out.write_all(&bytes)?;
        out.flush()
    }

    /// Adds the totals row and the summary and rules sheets.
    fn complete(
        &mut self,
        rules: &RuleSet,
        summary: &Summary,
        lang: Lang,
    ) -> Result<(), XlsxError> {
        let last = self.row;
        let columns = self.columns as u16;
        let bold_money = money_format().set_bold();
        let money_cols: Vec<usize> = (0..self.columns).filter(|&c| self.money[c]).collect();
        let widths = self.widths.clone();
        let header = self.header.clone();
        let inputs = self.inputs.clone();
        let cost_worked_out = self.cost_worked_out;
        {
            let sheet = self.segments()?;
            sheet.write_string_with_format(
                last,
                0,
                lang.pick("Total", "合计"),
                &Format::new().set_bold(),
            )?;
            let mut widths = widths.clone();
            // The input columns that sum to a figure of the summary, in the column's own unit.
            for (c, field) in inputs.iter().enumerate() {
                let Some((f, scale)) = *field else { continue };
                let t = &summary.total;
                let total = match f {
                    Field::Length => t.planned_km.value(),
                    Field::Completed => t.completed_km.value(),
                    Field::Cost if !cost_worked_out => t.cost.value(),
                    _ => continue,
                };
                let Some(v) = in_unit(total, scale) else {
                    continue;
                };
                widths[c] = widths[c].max(money::grouped(v).len() + 1);
                let fmt = match (f, scale) {
                    (Field::Cost, Scale::Base) => bold_money.clone(),
                    _ => Format::new().set_bold(),
                };
                amount(sheet, last, c as u16, v, &fmt)?;
            }
            for &c in &money_cols {
                let total = column_total(summary, rules, c, &money_cols, &header[c]);
                if let Some(v) = total {
                    amount(sheet, last, c as u16, v, &bold_money)?;
                    // Shown with separators, the total is the widest figure of its column.
                    widths[c] = widths[c].max(money::grouped(v).len() + 1);
                }
            }
            if last > 1 {
                sheet.autofilter(0, 0, last - 1, columns - 1)?;
            }
            let notes = widths.len() - 1;
            for (c, w) in widths.iter().enumerate() {
                if c == notes {
                    // Long explanations wrap instead of widening the printed page.
                    sheet.set_column_width(c as u16, NOTES_WIDTH as f64)?;
                } else {
                    sheet.set_column_width(c as u16, (*w as f64 + 2.0).min(30.0))?;
                }
            }
        }
        write_summary(&mut self.book, rules, summary, lang)?;
        write_rules(&mut self.book, rules, lang)
    }
}

/// The Excel serial number of a day written as roadsub shows dates (`2024-04-05`), when it is
/// a calendar day Excel can show (after 1900-02-28, before 10000).
fn date_cell(text: &str) -> Option<f64> {
    let (y, m, d) = parse_date(text)?;
    date_serial(y, m, d, 0).map(|s| s as f64)
}

/// A total in base units (yuan, km) in a column's unit (万元, metres): exact, as a power of
/// ten only moves the decimal point; `None` when it would not fit.
fn in_unit(total: Decimal, scale: Scale) -> Option<Decimal> {
    match scale {
        Scale::Base => Some(total),
        _ => scale.of(total).map(|v| v.normalize()),
    }
}

/// The total of an amount column: per fund, subsidy and shortfall (the per-household share
/// has no meaningful total).
fn column_total(
    summary: &Summary,
    rules: &RuleSet,
    c: usize,
    money_cols: &[usize],
    name: &str,
) -> Option<Decimal> {
    let i = money_cols.iter().position(|&m| m == c)?;
    let t = &summary.total;
    if i < rules.funds.len() {
        return Some(t.paid[i].value());
    }
    match name {
        "subsidy_total" => Some(t.subsidy_total.value()),
        "gap" => Some(t.gap.value()),
        "shortfall" => Some(t.shortfall.value()),
        "due" => Some(t.due.value()),
        "outstanding" => Some(t.outstanding.value()),
        _ => None,
    }
}

fn totals_row(
    sheet: &mut Worksheet,
    row: u32,
    label: &str,
    t: &Totals,
    (due, outstanding): (bool, bool),
    fmt: &Format,
) -> Result<(), XlsxError> {
    sheet.write_string(row, 0, label)?;
    sheet.write_number(row, 1, t.segments as f64)?;
    sheet.write_number(row, 2, number(t.planned_km.value()))?;
    sheet.write_number(row, 3, number(t.completed_km.value()))?;
    let mut c = 4;
    for p in &t.paid {
        amount(sheet, row, c, p.value(), fmt)?;
        c += 1;
    }
    amount(sheet, row, c, t.subsidy_total.value(), fmt)?;
    amount(sheet, row, c + 1, t.gap.value(), fmt)?;
    amount(sheet, row, c + 2, t.shortfall.value(), fmt)?;
    if due {
        amount(sheet, row, c + 3, t.due.value(), fmt)?;
    }
    if outstanding {
        amount(sheet, row, c + 4, t.outstanding.value(), fmt)?;
    }
    Ok(())
}

fn write_summary(
    book: &mut Workbook,
    rules: &RuleSet,
    summary: &Summary,
    lang: Lang,
) -> Result<(), XlsxError> {
    let name = sheet_names(lang)[1];
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name(name)?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    let bold = Format::new().set_bold();
    let fmt = money_format();
    let title = Format::new().set_bold().set_font_size(14);
    sheet.write_string_with_format(0, 0, rules.meta.display_name(lang), &title)?;
    sheet.write_string(1, 0, rules.meta.display_source(lang))?;

    // The totals, as Markdown's summary lists them (the cost among them: with a row priced
    // per km the segments sheet's cost column does not add up to it).
    let mut row = 3;
    if summary.total.segments == 0 {
        sheet.write_string(
            row,
            0,
            lang.pick("No segments: nothing to sum.", "没有路段，无可汇总。"),
        )?;
    } else {
        sheet.write_string_with_format(row, 0, lang.pick("item", "项目"), &bold)?;
        sheet.write_string_with_format(
            row,
            1,
            in_yuan(lang.pick("amount", "金额"), lang),
            &bold,
        )?;
        for (label, value) in super::format::total_amounts(rules, &summary.total, lang) {
            row += 1;
            sheet.write_string(row, 0, label)?;
            amount(sheet, row, 1, value, &fmt)?;
        }
    }
    row += 2;

    // Budgets, with overruns in words.
    let heads = match lang {
        Lang::En => ["budget", "envelope", "asked", "paid", "left", "use", ""],
        Lang::Zh => ["预算额度", "额度", "申请", "安排", "剩余", "使用率", ""],
    };
    for (c, h) in heads.iter().enumerate() {
        let h = if (1..=4).contains(&c) {
            in_yuan(h, lang)
        } else {
            h.to_string()
        };
        sheet.write_string_with_format(row, c as u16, &h, &bold)?;
    }
    for line in super::budget::lines(rules, summary, lang) {
        row += 1;
        sheet.write_string(row, 0, line.label())?;
        amount(sheet, row, 1, line.envelope, &fmt)?;
        amount(sheet, row, 2, line.asked, &fmt)?;
        amount(sheet, row, 3, line.used, &fmt)?;
        // An overrun is said in words ("超支 1,785,000.00"), never as a negative "left".
        if line.left() < Decimal::ZERO {
            sheet.write_string(row, 4, line.left_cell(lang, money::grouped))?;
        } else {
            amount(sheet, row, 4, line.left(), &fmt)?;
        }
        // The share as a number formatted as a percentage (a display ratio, not money).
        match line.fraction() {
            Some(f) => {
                sheet.write_number_with_format(
                    row,
                    5,
                    number(f),
                    &Format::new().set_num_format("0.0%"),
                )?;
            }
            // No envelope: no share of it, as the text summary says.
            None => {
                sheet.write_string(row, 5, "—")?;
            }
        }
        if let Some(words) = super::budget::overrun_sentence(&line, lang) {
            let red = Format::new()
                .set_bold()
                .set_font_color(rust_xlsxwriter::Color::Red);
            sheet.write_string_with_format(row, 6, words, &red)?;
        }
    }

    // Totals per group: each grouping `--by` asked for, in its order, then township and
    // village when not asked (the summary keeps them in that order).
    // Due and outstanding, when some row has them.
    let extra = (summary.total.due_rows > 0, summary.total.has_outstanding());
    let group_heads = |by: GroupBy| -> Vec<String> {
        let mut h = vec![
            match (by, lang) {
                (GroupBy::Village, Lang::En) => "village".to_string(),
                (GroupBy::Village, Lang::Zh) => "村".to_string(),
                (GroupBy::Class, Lang::En) => "class".to_string(),
                (GroupBy::Class, Lang::Zh) => "道路类别".to_string(),
                (GroupBy::Township, Lang::En) => "township".to_string(),
                (GroupBy::Township, Lang::Zh) => "乡镇".to_string(),
            },
            lang.pick("segments", "路段数").into(),
            lang.pick("km", "公里").into(),
            lang.pick("completed km", "已完工（公里）").into(),
        ];
        let mut amounts: Vec<&str> = rules.funds.iter().map(|f| f.display(lang)).collect();
        amounts.push(lang.pick("subsidy total", "补助合计"));
        amounts.push(lang.pick("gap", "差额"));
        amounts.push(lang.pick("shortfall", "尚需筹集"));
        if extra.0 {
            amounts.push(lang.pick("due", "应拨付"));
        }
        if extra.1 {
            amounts.push(lang.pick("outstanding", "待拨付"));
        }
        h.extend(amounts.into_iter().map(|a| in_yuan(a, lang)));
        h
    };
    let mut township_rows = (0, 0);
    let kept: Vec<GroupBy> = summary.groupings.iter().map(|(by, _)| *by).collect();
    for by in kept {
        row += 2;
        let heading = match by {
            GroupBy::Township => lang.pick("By township", "按乡镇"),
            GroupBy::Village => lang.pick("By village", "按村"),
            GroupBy::Class => lang.pick("By class", "按道路类别"),
        };
        sheet.write_string_with_format(row, 0, heading, &bold)?;
        row += 1;
        for (c, h) in group_heads(by).iter().enumerate() {
            sheet.write_string_with_format(row, c as u16, h, &bold)?;
        }
        let first = row + 1;
        for (label, t) in labelled_groups(rules, summary, by, lang) {
            row += 1;
            totals_row(sheet, row, &label, t, extra, &fmt)?;
        }
        if by == GroupBy::Township {
            township_rows = (first, row);
        }
        row += 1;
        totals_row(
            sheet,
            row,
            lang.pick("total", "合计"),
            &summary.total,
            extra,
            &fmt,
        )?;
    }
    sheet.set_column_width(0, 24)?;
    for c in 1..(9 + rules.funds.len() as u16) {
        sheet.set_column_width(c, 16)?;
    }

    // Subsidy by fund and shortfall, per township.
    let (first, last) = township_rows;
    if last >= first && first > 0 {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name(lang.pick(
            "Subsidy by fund and shortfall per township",
            "各乡镇补助（按资金来源）与尚需筹集",
        ));
        // Each fund's column, then the shortfall's (after the subsidy and the gap).
        let series_cols: Vec<u16> = (4..4 + rules.funds.len() as u16)
            .chain([6 + rules.funds.len() as u16])
            .collect();
        for c in series_cols {
            let head = first - 1;
            chart
                .add_series()
                .set_name((name, head, c))
                .set_categories((name, first, 0, last, 0))
                .set_values((name, first, c, last, c));
        }
        chart.set_width(760).set_height(360);
        // The chart prints whole, on a page of its own.
        set_page_breaks(sheet, &[row + 2])?;
        sheet.insert_chart(row + 2, 0, &chart)?;
    }
    Ok(())
}

/// The groups of `by` as the text summary lists them: a class by its name in `lang`, each
/// grouping in the order people read ([`group_order`] of what they see).
fn labelled_groups<'a>(
    rules: &RuleSet,
    summary: &'a Summary,
    by: GroupBy,
    lang: Lang,
) -> Vec<(String, &'a Totals)> {
    let mut groups: Vec<(String, &Totals)> = summary
        .ordered_groups(by)
        .into_iter()
        .map(|(key, t)| {
            let label = match by {
                GroupBy::Class => rules
                    .classes
                    .iter()
                    .find(|c| &c.id == key)
                    .map_or(key.clone(), |c| c.display(lang).to_string()),
                _ => key.clone(),
            };
            (label, t)
        })
        .collect();
    groups.sort_by_cached_key(|(label, _)| group_order(by, label));
    // Quoted where a label reads as the totals row's, once in order.
    groups
        .into_iter()
        .map(|(label, t)| (super::summary::group_label(label, lang), t))
        .collect()
}

fn write_rules(book: &mut Workbook, rules: &RuleSet, lang: Lang) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_names(lang)[2])?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    let bold = Format::new().set_bold();
    let m = &rules.meta;
    let facts = [
        (lang.pick("rules", "规则"), m.display_name(lang).to_string()),
        (
            lang.pick("source", "依据"),
            m.display_source(lang).to_string(),
        ),
        (
            lang.pick("effective", "生效日期"),
            m.effective.clone().unwrap_or_default(),
        ),
        (
            lang.pick("rounding", "舍入"),
            crate::rules::rounding_name(m.rounding, lang).to_string(),
        ),
        (lang.pick("file", "文件"), rules.origin(lang)),
    ];
    for (r, (k, v)) in facts.iter().enumerate() {
        sheet.write_string_with_format(r as u32, 0, *k, &bold)?;
        sheet.write_string(r as u32, 1, v)?;
    }
    let mut row = facts.len() as u32 + 1;
    let heads = match lang {
        Lang::En => [
            "fund",
            "classes",
            "min width (m)",
            "rate per km (yuan)",
            "kind",
        ],
        Lang::Zh => [
            "资金来源",
            "适用类别",
            "最小宽度（米）",
            "每公里补助（元）",
            "性质",
        ],
    };
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, *h, &bold)?;
    }
    for f in &rules.funds {
        for t in &f.tiers {
            row += 1;
            let classes: Vec<&str> = t
                .classes
                .iter()
                .map(|&c| rules.classes[c].display(lang))
                .collect();
            sheet.write_string(row, 0, f.display(lang))?;
            sheet.write_string(row, 1, classes.join(lang.pick(", ", "、")))?;
            sheet.write_number(row, 2, number(t.min_width_m))?;
            amount(sheet, row, 3, t.rate_per_km, &money_format())?;
            sheet.write_string(
                row,
                4,
                if f.up_to {
                    lang.pick("up to", "以内")
                } else {
                    lang.pick("standard", "定额")
                },
            )?;
        }
    }
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 60)?;
    for c in 2..5 {
        sheet.set_column_width(c, 18)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::GroupBy;
    use crate::table::Columns;

    /// A destination that is always full.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::StorageFull))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn page_breaks_beyond_excel_s_limit_are_left_to_the_printing_program() {
        // The defect: a comparison of 187,307 villages to `-o x.xlsx` asked its summary for
        // thousands of page breaks and was refused whole ("Maximum number of horizontal or
        // vertical pagebreaks allowed by Excel is 1023") after 26 s of work.
        let breaks_of = |n: u32| -> usize {
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            let breaks: Vec<u32> = (1..=n).map(|b| b * 40).collect();
            set_page_breaks(sheet, &breaks).unwrap();
            let bytes = book.save_to_buffer().unwrap();
            let mut zip = zip::ZipArchive::new(io::Cursor::new(bytes)).unwrap();
            let mut xml = String::new();
            io::Read::read_to_string(
                &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
                &mut xml,
            )
            .unwrap();
            // Each break kept is the one asked for, in order.
            let kept: Vec<u32> = xml
                .split("<brk id=\"")
                .skip(1)
                .map(|b| b.split('"').next().unwrap().parse().unwrap())
                .collect();
            assert_eq!(kept, breaks[..kept.len()], "{n}");
            kept.len()
        };
        assert_eq!(breaks_of(3), 3);
        assert_eq!(breaks_of(1023), 1023);
        assert_eq!(breaks_of(1024), 1023);
        assert_eq!(breaks_of(4700), MAX_PAGE_BREAKS);
    }

    #[test]
    fn an_excel_report_to_a_full_disk_is_a_plain_write_error() {
        let rules = RuleSet::builtin();
        let columns = Columns::from_header([
            "id",
            "township",
            "village",
            "class",
            "width_m",
            "length_km",
            "cost",
        ])
        .unwrap();
        let layout = Layout::new(&columns, &rules);
        let report =
            Report::new(&layout, &rules, Lang::En, std::path::Path::new("out.xlsx")).unwrap();
        let summary = Summary::new(&rules, &[GroupBy::Township, GroupBy::Village]);
        let e = report.finish(Full, &rules, &summary, Lang::En).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert_eq!(Lang::Zh.io_reason(&e), "磁盘已满");
    }
}
