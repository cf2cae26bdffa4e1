//! A comparison as an Excel workbook: every row before, after and the change; the rows that
//! changed on a sheet of their own; totals, groups and budget use under both; and what the
//! variant is. Amounts are exact fen until they become the format's own numbers in the cells.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::whole::{Comparison, Pair};
use super::write::{column_names, side_words, Variant};
use super::{Amounts, Side};
use crate::i18n::Lang;
use crate::money;
use crate::report::budget::lines;
use crate::report::summary::GroupBy;

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

fn yuan(fen: i128) -> f64 {
    money::from_fen(fen)
        .and_then(|d| d.to_f64())
        .unwrap_or(f64::NAN)
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
            sheet.write_number_with_format(row, c, yuan(v), &money_format())?;
        }
    }
    Ok(())
}

/// The rows sheet's header: the row's place, then per column before, after and change, then
/// whether it changed and what is wrong with a side.
fn row_header(c: &Comparison, lang: Lang) -> Vec<String> {
    let [b, a, ch] = side_words(lang);
    let mut h: Vec<String> = Vec::new();
    if c.labels.len() > 1 {
        h.push(lang.pick("file", "文件").into());
    }
    for s in [
        lang.pick("line", "行"),
        lang.pick("id", "编号"),
        lang.pick("township", "乡镇"),
        lang.pick("village", "村"),
        lang.pick("class", "类别"),
    ] {
        h.push(s.into());
    }
    for n in column_names(c, lang) {
        h.extend([format!("{n} {b}"), format!("{n} {a}"), format!("{n} {ch}")]);
    }
    h.push(lang.pick("changed", "有变化").into());
    h.push(lang.pick("notes", "说明").into());
    h
}

fn write_rows<'a>(
    sheet: &mut Worksheet,
    c: &Comparison,
    rows: impl Iterator<Item = &'a Pair>,
    lang: Lang,
) -> Result<(), XlsxError> {
    let header = row_header(c, lang);
    let bold = Format::new().set_bold();
    for (i, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, h, &bold)?;
    }
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
            sheet.write_string(r, after + 1, notes.join(lang.pick("; ", "；")))?;
        }
    }
    sheet.set_freeze_panes(1, first_amount)?;
    // On paper, every page of amounts repeats the heading and what each row is.
    sheet.set_landscape().set_paper_size(9);
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
        } else {
            16.0
        };
        sheet.set_column_width(i, width)?;
    }
    Ok(())
}

fn write_summary(sheet: &mut Worksheet, c: &Comparison, lang: Lang) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let fmt = money_format();
    let [b, a, ch] = side_words(lang);
    let names = column_names(c, lang);
    let mut r = 0u32;
    sheet.write_string_with_format(r, 0, lang.pick("Totals", "合计"), &bold)?;
    r += 1;
    for (i, h) in [lang.pick("item", "项目"), b, a, ch].iter().enumerate() {
        sheet.write_string_with_format(r, i as u16, *h, &bold)?;
    }
    let (tb, ta) = (&c.before.total, &c.after.total);
    r += 1;
    sheet.write_string(r, 0, lang.pick("segments", "路段数"))?;
    sheet.write_number(r, 1, tb.segments as f64)?;
    sheet.write_number(r, 2, ta.segments as f64)?;
    sheet.write_number(r, 3, ta.segments as f64 - tb.segments as f64)?;
    r += 1;
    sheet.write_string(r, 0, lang.pick("km planned", "计划里程（公里）"))?;
    let (kb, ka) = (tb.planned_km.value(), ta.planned_km.value());
    sheet.write_number(r, 1, number(kb))?;
    sheet.write_number(r, 2, number(ka))?;
    sheet.write_number(r, 3, number(ka.checked_sub(kb).unwrap_or_default()))?;
    let (xb, xa) = (c.totals(Side::Before), c.totals(Side::After));
    let xc = xb.change_to(&xa);
    for (i, n) in names.iter().enumerate() {
        r += 1;
        sheet.write_string(r, 0, n)?;
        for (col, x) in [(1u16, &xb), (2, &xa), (3, &xc)] {
            let v = x.columns().nth(i).unwrap_or(0);
            sheet.write_number_with_format(r, col, yuan(v), &fmt)?;
        }
    }
    if let Some(sentence) = c.one_side_sentence(lang) {
        r += 1;
        sheet.write_string(r, 0, sentence)?;
    }
    for (by, en, zh) in [
        (GroupBy::Township, "township", "乡镇"),
        (GroupBy::Village, "village", "村"),
    ] {
        r += 2;
        sheet.write_string_with_format(r, 0, lang.pick(en, zh), &bold)?;
        // How many rows each side counts in the group (a row bad under one side counts under
        // the other only), then the amounts.
        let segments = lang.pick("segments", "路段数");
        sheet.write_string_with_format(r, 1, format!("{segments} {b}"), &bold)?;
        sheet.write_string_with_format(r, 2, format!("{segments} {a}"), &bold)?;
        for (i, n) in names.iter().enumerate() {
            for (j, s) in [b, a, ch].iter().enumerate() {
                let col = GROUP_AMOUNTS + 3 * i as u16 + j as u16;
                sheet.write_string_with_format(r, col, format!("{n} {s}"), &bold)?;
            }
        }
        for g in c.groups(by) {
            r += 1;
            sheet.write_string(r, 0, &g.key)?;
            sheet.write_number(r, 1, g.rows.0 as f64)?;
            sheet.write_number(r, 2, g.rows.1 as f64)?;
            amounts(sheet, r, GROUP_AMOUNTS, 3, Some(&g.before))?;
            amounts(sheet, r, GROUP_AMOUNTS + 1, 3, Some(&g.after))?;
            amounts(sheet, r, GROUP_AMOUNTS + 2, 3, Some(&g.change()))?;
        }
    }
    for side in [Side::Before, Side::After] {
        r += 2;
        let title = match side {
            Side::Before => lang.pick("Budgets under the rules in force", "预算额度（按现行规则）"),
            Side::After => lang.pick("Budgets under the variant", "预算额度（按对比规则）"),
        };
        sheet.write_string_with_format(r, 0, title, &bold)?;
        r += 1;
        let heads = match lang {
            Lang::En => ["budget", "envelope", "asked", "paid", "raised by villages"],
            Lang::Zh => ["预算额度", "额度", "申请", "安排", "各村多筹集"],
        };
        for (i, h) in heads.iter().enumerate() {
            sheet.write_string_with_format(r, i as u16, *h, &bold)?;
        }
        for l in lines(c.rules(side), c.summary(side), lang) {
            r += 1;
            sheet.write_string(r, 0, l.label())?;
            for (i, v) in [l.envelope, l.asked, l.used, l.raised].iter().enumerate() {
                sheet.write_number_with_format(r, 1 + i as u16, number(*v), &fmt)?;
            }
        }
    }
    sheet.set_column_width(0, 30)?;
    // On paper, the group tables' amounts run over several pages: each repeats the names and
    // the segments.
    sheet.set_landscape().set_paper_size(9);
    sheet.set_repeat_columns(0, GROUP_AMOUNTS - 1)?;
    for i in 1..(GROUP_AMOUNTS + 3 * names.len() as u16) {
        sheet.set_column_width(i, if i < GROUP_AMOUNTS { 13 } else { 16 })?;
    }
    Ok(())
}

/// The column of a group table's first amount, after its name and its segments before and
/// after.
const GROUP_AMOUNTS: u16 = 3;

/// The comparison as a workbook, in memory.
pub fn workbook(c: &Comparison, variant: &Variant, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    {
        let sheet = book.add_worksheet();
        sheet.set_name(SHEETS[0])?;
        write_rows(sheet, c, c.shown(), lang)?;
    }
    {
        let sheet = book.add_worksheet();
        sheet.set_name(SHEETS[1])?;
        write_rows(sheet, c, c.shown().filter(|p| p.changed()), lang)?;
    }
    {
        let sheet = book.add_worksheet();
        sheet.set_name(SHEETS[2])?;
        write_summary(sheet, c, lang)?;
    }
    {
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
        sheet.write_string(r, 0, l)?;
        // One change per setting, in order; a rules file is said on the first line.
        let beside = match variant.kind {
            "set" => variant.given.get(i),
            _ if i == 0 => variant.given.first(),
            _ => None,
        };
        if let Some(g) = beside {
            sheet.write_string(r, 1, g)?;
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
                .fold(rules.origin.clone(), |o, g| format!("{o} --set {g}")),
            _ => rules.origin.clone(),
        };
        sheet.write_string(r, 2, &origin)?;
        r += 1;
    }
    sheet.set_column_width(0, 60)?;
    sheet.set_column_width(1, 50)?;
    sheet.set_column_width(2, 40)?;
    // A setting prints on the same page as what it changes.
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    Ok(())
}
