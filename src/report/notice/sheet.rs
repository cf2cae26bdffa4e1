//! A notice laid out as a one-sheet workbook to print on A4 and edit in WPS or Excel: a
//! title, the segments and what the funds pay, then the gap and how it is raised, the budgets
//! that cut the village's rows, the rules, and the lines to sign. A spreadsheet rather than a
//! document because the office edits the figures and prints the same page, and the amounts
//! stay numbers that WPS and Excel add up.
//!
//! Amounts are in 万元, exact: a shift of the decimal point shown with up to six decimals (the
//! fen), so nothing is rounded; per household in 元. The font is 宋体, which WPS and Office
//! on Chinese Windows have; where it is missing the viewer substitutes a CJK font.

use rust_decimal::Decimal;
use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Note, Worksheet, XlsxError};

use super::{page, wrap, Line, Notice};
use crate::textwidth::cells;

/// The font every cell uses.
const FONT: &str = "宋体";

/// The sheet's name.
pub const SHEET: &str = "公示";

/// The unit line, said once above the tables.
pub const UNITS: &str =
    "金额单位：万元（按元精确换算，未经四舍五入）；户均尚需筹集单位：元；长度：公里；宽度：米。";

/// What follows an edited figure and what does not: the totals, 补助合计, 差额, 尚需筹集 and
/// 户均 are formulas, each fund's payment is the rules' and stays a number. Said to the
/// office in a note on the title, which is not printed: the posted notice is the village's,
/// not a manual.
pub const RULES_NOTE: &str = "合计、补助合计、差额、尚需筹集和户均为公式，改动数字后自动更新；各项补助按规则计算，改动造价后请重新运行 roadsub notice 核对补助。";

/// The notice period, left for the office to fill.
pub const PERIOD: &str = "公示期：自　　年　　月　　日至　　年　　月　　日（7天）。如有异议，请在公示期内向村民委员会或乡镇人民政府反映。";

/// An amount as an Excel number: through its exact decimal text, so the double is the nearest
/// to the decimal, which is exact for the 15 significant digits a spreadsheet keeps (an amount
/// below 10万亿 yuan to the fen; a notice with a larger one is refused before it is made:
/// `notice::beyond_a_workbook`).
fn number(v: Decimal) -> f64 {
    v.normalize().to_string().parse().unwrap_or(f64::NAN)
}

/// 万元 from yuan, exact.
fn wan(v: Decimal) -> f64 {
    number(v / Decimal::from(10_000))
}

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(11)
}

fn boxed() -> Format {
    base()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

/// One column of a table: its heading and what a line puts in it.
enum Cell {
    Text(String),
    Wan(Decimal),
    Measure(Option<Decimal>),
    Count(Option<u64>),
    Yuan(Option<Decimal>),
}

/// The columns of the first table (the segments and what the funds pay) for `line`.
fn first(n: &Notice, line: &Line, total: bool) -> Vec<(String, Cell)> {
    let mut out = vec![(
        "编号".to_string(),
        Cell::Text(if total {
            "合计".into()
        } else {
            line.id.clone()
        }),
    )];
    if n.names {
        out.push(("路段名称".into(), Cell::Text(line.name.clone())));
    }
    out.push(("道路类别".into(), Cell::Text(line.class.clone())));
    out.push(("路面宽度\n（米）".into(), Cell::Measure(line.width_m)));
    out.push((
        "建设里程\n（公里）".into(),
        Cell::Measure(Some(line.length_km)),
    ));
    out.push(("总投资".into(), Cell::Wan(line.cost)));
    for (f, p) in n.funds.iter().zip(&line.paid) {
        out.push((f.clone(), Cell::Wan(*p)));
    }
    out.push(("补助合计".into(), Cell::Wan(line.subsidy)));
    out.push(("差额".into(), Cell::Wan(line.gap)));
    out
}

/// The columns of the second table (the gap, its sources, what remains) for `line`.
fn second(n: &Notice, line: &Line, total: bool) -> Vec<(String, Cell)> {
    let mut out = vec![(
        "编号".to_string(),
        Cell::Text(if total {
            "合计".into()
        } else {
            line.id.clone()
        }),
    )];
    if n.names {
        out.push(("路段名称".into(), Cell::Text(line.name.clone())));
    }
    out.push(("差额".into(), Cell::Wan(line.gap)));
    for (s, v) in n.sources.iter().zip(&line.sources) {
        out.push((s.display(crate::i18n::Lang::Zh).to_string(), Cell::Wan(*v)));
    }
    out.push(("尚需筹集".into(), Cell::Wan(line.shortfall)));
    if n.households {
        out.push(("受益户数".into(), Cell::Count(line.households)));
        out.push((
            "户均尚需筹集\n（元）".into(),
            Cell::Yuan(line.per_household),
        ));
    }
    out
}

/// Why table 二's totals line has no 受益户数 nor 户均, said right under it.
pub const HOUSEHOLDS_NOTE: &str =
    "受益户数按路段填报，同一农户可能受益于多个路段，故合计行不加总户数，也不计户均。";

/// The paragraphs under the tables, in order.
pub fn paragraphs(n: &Notice) -> Vec<String> {
    let mut out = Vec::new();
    if n.households {
        out.push(HOUSEHOLDS_NOTE.to_string());
    }
    // Segment by segment: why a fund pays nothing, then why one pays less.
    let mut said: Vec<(usize, String)> = n.unpaid.iter().map(|u| (u.at, u.sentence())).collect();
    said.extend(n.capped.iter().map(|c| (c.at, c.sentence())));
    said.sort_by_key(|&(at, _)| at);
    out.extend(said.into_iter().map(|(_, s)| s));
    for c in &n.cuts {
        out.push(format!("预算额度核减：{}", c.sentence()));
    }
    for o in &n.overspent {
        out.push(o.sentence());
    }
    if !n.surplus.is_zero() {
        out.push(format!(
            "各项筹资合计超出差额{}元，不计入尚需筹集。",
            crate::money::exact_wan(n.surplus)
        ));
    }
    if n.left_out > 0 {
        // Bad data or a row the sheet hides alike: "could not be computed" (review 38).
        out.push(format!("另有 {} 个路段未能计算，未列入。", n.left_out));
    }
    out.push(n.basis.clone());
    out.push(PERIOD.to_string());
    out
}

/// The heading line: the title with the township and village.
pub fn heading(n: &Notice) -> String {
    let place = format!("{}{}", n.township, n.village_shown());
    format!("{}\n— {} —", n.title, place)
}

/// The opening sentence.
pub fn opening(n: &Notice) -> String {
    format!(
        "现将本村{}个路段的建设补助及尚需筹集资金公示如下：",
        n.segments.len()
    )
}

/// Writes table `cols` (one per line, then the totals) from row `at`; returns the next free
/// row and each column's widest text.
fn table(
    sheet: &mut Worksheet,
    at: u32,
    rows: &[Vec<(String, Cell)>],
    widths: &[usize],
    formula: &dyn Fn(usize, usize) -> Option<String>,
    heights: &mut Vec<(u32, f64)>,
) -> Result<u32, XlsxError> {
    let head = boxed().set_bold().set_align(FormatAlign::Center);
    let text = boxed();
    let wan_fmt = boxed().set_num_format("#,##0.00####");
    let measure = boxed().set_num_format("0.0##");
    let count = boxed().set_num_format("0");
    let yuan = boxed().set_num_format("#,##0.00");
    let Some(first) = rows.first() else {
        return Ok(at);
    };
    let mut tallest = 1;
    for (c, (h, _)) in first.iter().enumerate() {
        sheet.write_string_with_format(at, c as u16, h, &head)?;
        tallest = tallest.max(
            h.split('\n')
                .map(|l| cells(l).div_ceil(widths[c].max(1)))
                .sum::<usize>(),
        );
    }
    sheet.set_row_height(at, 15.0 * tallest as f64 + 4.0)?;
    heights.push((at, 15.0 * tallest as f64 + 4.0));
    let mut r = at + 1;
    for (i, line) in rows.iter().enumerate() {
        // A row as tall as its most wrapped text: a row the viewer is not told the height of
        // stays one line high and its text runs over the rows around it when printed.
        let lines = line
            .iter()
            .enumerate()
            .map(|(c, (_, cell))| match cell {
                Cell::Text(t) => crate::textwidth::wrapped_lines(t, widths[c]),
                _ => 1,
            })
            .max()
            .unwrap_or(1);
        if lines > 1 {
            sheet.set_row_height(r, 15.0 * lines as f64 + 4.0)?;
            heights.push((r, 15.0 * lines as f64 + 4.0));
        }
        for (c, (_, cell)) in line.iter().enumerate() {
            let c16 = c as u16;
            if let Some(f) = formula(i, c) {
                let (value, fmt) = match cell {
                    Cell::Wan(v) => (wan(*v), &wan_fmt),
                    Cell::Measure(Some(v)) => (number(*v), &measure),
                    Cell::Count(Some(v)) => (*v as f64, &count),
                    Cell::Yuan(Some(v)) => (number(*v), &yuan),
                    _ => (f64::NAN, &text),
                };
                if value.is_finite() {
                    let f = Formula::new(f).set_result(value.to_string());
                    sheet.write_formula_with_format(r, c16, f, fmt)?;
                    continue;
                }
            }
            match cell {
                Cell::Text(t) => {
                    sheet.write_string_with_format(r, c16, t, &text)?;
                }
                Cell::Wan(v) => {
                    sheet.write_number_with_format(r, c16, wan(*v), &wan_fmt)?;
                }
                Cell::Measure(Some(v)) => {
                    sheet.write_number_with_format(r, c16, number(*v), &measure)?;
                }
                Cell::Count(Some(v)) => {
                    sheet.write_number_with_format(r, c16, *v as f64, &count)?;
                }
                Cell::Yuan(Some(v)) => {
                    sheet.write_number_with_format(r, c16, number(*v), &yuan)?;
                }
                Cell::Measure(None) | Cell::Count(None) | Cell::Yuan(None) => {
                    sheet.write_blank(r, c16, &text)?;
                }
            }
        }
        r += 1;
    }
    Ok(r)
}

/// A cell's amount as the engine has it (yuan for amounts), if it holds a number.
fn amount(cell: &Cell) -> Option<Decimal> {
    match cell {
        Cell::Wan(v) => Some(*v),
        Cell::Measure(v) | Cell::Yuan(v) => *v,
        Cell::Count(v) => v.map(Decimal::from),
        Cell::Text(_) => None,
    }
}

/// The column headed `h`.
fn column(rows: &[Vec<(String, Cell)>], h: &str) -> Option<usize> {
    rows.first()?.iter().position(|(head, _)| head == h)
}

/// `=SUM(…)` of column `c` over the lines above the totals, when their sum is the totals'
/// figure: the totals follow an edited figure.
fn sum_above(rows: &[Vec<(String, Cell)>], first: u32, i: usize, c: usize) -> Option<String> {
    let last = rows.len().checked_sub(1)?;
    if i != last || last == 0 {
        return None;
    }
    let mut sum = Decimal::ZERO;
    for line in &rows[..last] {
        sum = sum.checked_add(amount(&line.get(c)?.1)?)?;
    }
    (amount(&rows[last].get(c)?.1)? == sum).then(|| {
        format!(
            "=SUM({}:{})",
            row_col_to_cell(first, c as u16),
            row_col_to_cell(first + last as u32 - 1, c as u16)
        )
    })
}

/// The formula of a cell of the first table, if it has one: 补助合计 sums the funds' payments
/// (which the rules compute, so they stay numbers), 差额 is 总投资 less 补助合计, and the
/// totals line sums the lines. A formula is written only where it gives the figure the
/// engine computed, so the cached value and the formula never disagree.
fn formula_first(rows: &[Vec<(String, Cell)>], first: u32, i: usize, c: usize) -> Option<String> {
    if let Some(f) = sum_above(rows, first, i, c) {
        return Some(f);
    }
    if i + 1 == rows.len() {
        return None;
    }
    let line = &rows[i];
    let row = first + i as u32;
    let at = |c: usize| row_col_to_cell(row, c as u16);
    let (cost, subsidy, gap) = (
        column(rows, "总投资")?,
        column(rows, "补助合计")?,
        column(rows, "差额")?,
    );
    let value = |c: usize| amount(&line[c].1);
    if c == subsidy && subsidy > cost + 1 {
        let mut sum = Decimal::ZERO;
        for f in cost + 1..subsidy {
            sum = sum.checked_add(value(f)?)?;
        }
        return (value(subsidy)? == sum)
            .then(|| format!("=SUM({}:{})", at(cost + 1), at(subsidy - 1)));
    }
    if c == gap {
        return (value(gap)? == value(cost)?.checked_sub(value(subsidy)?)?)
            .then(|| format!("={}-{}", at(cost), at(subsidy)));
    }
    None
}

/// The formula of a cell of the second table, if it has one: 差额 is the first table's, 尚需筹集
/// the gap less its sources (never below zero), 户均 the shortfall over the households in 元
/// to the fen, and the totals line sums the lines; as in [`formula_first`], only where the
/// formula gives the engine's figure.
fn formula_second(
    t1: &[Vec<(String, Cell)>],
    first1: u32,
    rows: &[Vec<(String, Cell)>],
    first: u32,
    i: usize,
    c: usize,
) -> Option<String> {
    let gap = column(rows, "差额")?;
    let gap1 = column(t1, "差额")?;
    if c == gap {
        return (amount(&rows[i][c].1)? == amount(&t1.get(i)?[gap1].1)?)
            .then(|| format!("={}", row_col_to_cell(first1 + i as u32, gap1 as u16)));
    }
    if let Some(f) = sum_above(rows, first, i, c) {
        return Some(f);
    }
    if i + 1 == rows.len() {
        return None;
    }
    let line = &rows[i];
    let row = first + i as u32;
    let at = |c: usize| row_col_to_cell(row, c as u16);
    let value = |c: usize| amount(&line[c].1);
    let shortfall = column(rows, "尚需筹集")?;
    if c == shortfall {
        let mut raised = Decimal::ZERO;
        for s in gap + 1..shortfall {
            raised = raised.checked_add(value(s)?)?;
        }
        let left = value(gap)?.checked_sub(raised)?.max(Decimal::ZERO);
        let sources = match shortfall > gap + 1 {
            true => format!("-SUM({}:{})", at(gap + 1), at(shortfall - 1)),
            false => String::new(),
        };
        return (value(shortfall)? == left).then(|| format!("=MAX(0,{}{sources})", at(gap)));
    }
    let households = column(rows, "受益户数")?;
    if c == households + 1 {
        let h = value(households).filter(|h| !h.is_zero())?;
        // Excel's ROUND takes a half away from zero.
        let each = value(shortfall)?
            .checked_div(h)?
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        return (value(c)? == each)
            .then(|| format!("=ROUND({}*10000/{},2)", at(shortfall), at(households)));
    }
    None
}

/// How wide each column must be for its cells (headings wrap, so they count less).
fn column_widths(tables: &[&[Vec<(String, Cell)>]]) -> Vec<usize> {
    let mut widths: Vec<usize> = Vec::new();
    for rows in tables {
        for line in rows.iter() {
            for (c, (h, cell)) in line.iter().enumerate() {
                let w = match cell {
                    Cell::Text(t) => cells(t),
                    Cell::Wan(v) => wan(*v).to_string().len() + 3,
                    Cell::Measure(_) | Cell::Count(_) => 5,
                    Cell::Yuan(_) => 10,
                }
                .max(h.split('\n').map(cells).max().unwrap_or(0).div_ceil(2))
                .clamp(8, 18);
                if widths.len() <= c {
                    widths.push(w);
                } else {
                    widths[c] = widths[c].max(w);
                }
            }
        }
    }
    widths
}

/// How a sheet with columns `widths` (as [`column_widths`] gives them) and rows of `heights`
/// (those set; any other is a line of 15 points) up to row `last` prints, breaking only
/// before table 二 or the closing lines.
fn print_plan(widths: &[usize], heights: &[(u32, f64)], last: u32, blocks: [u32; 2]) -> page::Plan {
    let mut all = vec![15.0; last as usize + 1];
    for (r, h) in heights {
        all[*r as usize] = *h;
    }
    let set: Vec<f64> = widths.iter().map(|w| *w as f64 + 1.0).collect();
    page::plan(&set, &all, &blocks)
}

/// The notice as a workbook's bytes.
pub fn workbook(n: &Notice) -> Result<Vec<u8>, XlsxError> {
    let mut book = crate::table::workbook::new_workbook();
    // Deflated at the fastest level: a notice's parts are a few kilobytes, so the file is
    // about a fifth larger (11 KB against 9), and making a notice takes a third less of a
    // core (the default level spent more on compressing than on everything else).
    book.set_zip_compression_level(1);
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    let mut lines: Vec<&Line> = n.segments.iter().collect();
    lines.push(&n.total);
    let last = lines.len() - 1;
    let t1: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| first(n, l, i == last))
        .collect();
    let t2: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| second(n, l, i == last))
        .collect();
    let widths = column_widths(&[&t1, &t2]);
    let ncols = widths.len().max(1) as u16;
    let total_width: usize = widths.iter().sum();
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w as f64 + 1.0)?;
    }
    let mut heights: Vec<(u32, f64)> = Vec::new();
    let merged = |sheet: &mut Worksheet, r: u32, text: &str, f: &Format| {
        sheet.merge_range(r, 0, r, ncols - 1, text, f).map(|_| ())
    };
    // A merged cell's height is never fitted by the viewer: the paragraph is broken into
    // lines here, at the width its height is measured with (a Chinese character two cells,
    // less four for the cell's padding), and the row made as tall as those lines.
    let cap = total_width.saturating_sub(4).max(1);
    let paragraph = |sheet: &mut Worksheet,
                     heights: &mut Vec<(u32, f64)>,
                     r: u32,
                     text: &str,
                     f: &Format|
     -> Result<(), XlsxError> {
        let lines = wrap::lines(text, cap);
        merged(sheet, r, &lines.join("\n"), f)?;
        let h = 15.0 * lines.len() as f64 + 4.0;
        sheet.set_row_height(r, h)?;
        heights.push((r, h));
        Ok(())
    };
    let title = base()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let para = base()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let bold = para.clone().set_bold();
    let mut r = 0;
    // Broken as the paragraphs are, at the width a 16-point character takes of the 11-point
    // cells the width is measured in: a long village's name took more lines than the row was
    // tall for, its title's first line cut off on paper (review 34).
    let h = wrap::lines(&heading(n), cap * 11 / 16).join("\n");
    merged(sheet, r, &h, &title)?;
    let title_height = (15.0 * h.split('\n').count() as f64 + 4.0) * 1.6;
    sheet.set_row_height(r, title_height)?;
    heights.push((r, title_height));
    sheet.insert_note(r, 0, &Note::new(RULES_NOTE).add_author_prefix(false))?;
    r += 1;
    for text in [opening(n), UNITS.to_string()] {
        paragraph(sheet, &mut heights, r, &text, &para)?;
        r += 1;
    }
    r += 1;
    merged(sheet, r, "一、路段与补助", &bold)?;
    r += 1;
    let header = r;
    let f1 = |i: usize, c: usize| formula_first(&t1, header + 1, i, c);
    r = table(sheet, r, &t1, &widths, &f1, &mut heights)?;
    r += 1;
    let second_at = r;
    merged(sheet, r, "二、差额与筹集", &bold)?;
    r += 1;
    let at2 = r + 1;
    let f2 = |i: usize, c: usize| formula_second(&t1, header + 1, &t2, at2, i, c);
    r = table(sheet, r, &t2, &widths, &f2, &mut heights)?;
    r += 1;
    let closing_at = r;
    for text in paragraphs(n) {
        paragraph(sheet, &mut heights, r, &text, &para)?;
        r += 1;
    }
    r += 1;
    let half = (ncols / 2).max(1);
    let sign = |sheet: &mut Worksheet, r: u32, left: &str, right: &str| {
        sheet.merge_range(r, 0, r, half - 1, left, &para)?;
        if ncols > half {
            sheet.merge_range(r, half, r, ncols - 1, right, &para)?;
        }
        sheet.set_row_height(r, 34.0).map(|_| ())
    };
    for k in 0..3 {
        heights.push((r + k, 34.0));
    }
    sign(sheet, r, "村民委员会（盖章）", "村党支部书记（签字）：")?;
    r += 1;
    sign(sheet, r, "", "村委会主任（签字）：")?;
    r += 1;
    sign(sheet, r, "", "日期：　　　　年　　月　　日")?;
    let plan = print_plan(&widths, &heights, r, [second_at, closing_at]);
    sheet
        .set_paper_size(9)
        .set_portrait()
        .set_print_fit_to_pages(1, if plan.fit_one_page { 1 } else { 0 })
        .set_print_center_horizontally(true)
        .set_margins(0.6, 0.6, 0.7, 0.7, 0.3, 0.3);
    sheet.set_print_area(0, 0, r, ncols - 1)?;
    crate::report::xlsx::set_page_breaks(sheet, &plan.breaks)?;
    book.save_to_buffer()
}
