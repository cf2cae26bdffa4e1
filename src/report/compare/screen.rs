//! A comparison for people: the totals and budget use under both rule sets (the text summary
//! printed after the rows), and the aligned table a terminal gets. The same rows of totals and
//! budgets fill the Markdown report and the workbook's summary sheet.

use super::whole::{Comparison, GroupPair, Pair};
use super::write::{column_names, side_words, Variant};
use super::{grouped_in, signed, signed_in, unit_suffix, Amounts, Side};
use crate::i18n::Lang;
use crate::money;
use crate::report::budget::{lines, overrun_sentence, BudgetLine, Scope};
use crate::report::summary::GroupBy;
use crate::report::Unit;
use crate::textwidth::{Align, Table};

mod fit;
use fit::{fit, wrap, wrap_hanging, Column, Cut};

/// A sentence for a terminal `width` cells wide, broken as the summary's are.
pub fn wrapped(line: &str, width: usize) -> String {
    wrap_hanging(line, width, "  ")
}

fn grouped_fen(fen: i128) -> String {
    money::from_fen(fen).map_or_else(|| "overflow".into(), money::grouped)
}

/// A change of a decimal as people read it (`+1,500.00`, `−0.5`), computed exactly.
fn signed_decimal(before: rust_decimal::Decimal, after: rust_decimal::Decimal, km: bool) -> String {
    let Some(d) = after.checked_sub(before) else {
        return "overflow".into();
    };
    let shown = if km {
        money::grouped_measure(d.abs())
    } else {
        money::grouped(d.abs())
    };
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{shown}")
    } else if d.is_sign_negative() && !d.is_zero() {
        format!("−{shown}")
    } else {
        shown
    }
}

/// How many of [`totals_rows`] are not amounts: the segments and the km.
const COUNTS: usize = 2;

/// [`totals_rows`] with each amount's item naming its unit (`补助合计（万元）`), as the km's
/// names its own: for a report, where no line above the table says it.
pub fn totals_rows_with_units(c: &Comparison, lang: Lang, unit: Unit) -> Vec<Vec<String>> {
    let mut rows = totals_rows(c, lang, unit);
    for r in rows.iter_mut().skip(COUNTS) {
        r[0].push_str(unit_suffix(unit, lang));
    }
    rows
}

/// The line that says the unit of a text summary's amounts, above its tables (a fund's
/// name in a narrow terminal is cut, and a unit after it would be cut with it).
fn unit_line(unit: Unit, lang: Lang) -> &'static str {
    match (unit, lang) {
        (Unit::Yuan, Lang::En) => "Amounts in yuan.\n",
        (Unit::Wan, Lang::En) => "Amounts in 万元 (10,000 yuan), exact.\n",
        (Unit::Yuan, Lang::Zh) => "金额单位：元。\n",
        (Unit::Wan, Lang::Zh) => "金额单位：万元（按元精确换算）。\n",
    }
}

/// The totals as rows of (item, before, after, change): segments, km, each fund, subsidy
/// total, gap, shortfall; the amounts in `unit`, the counts and km grouped in threes as the
/// amounts are (and as a batch run's summary groups them).
pub fn totals_rows(c: &Comparison, lang: Lang, unit: Unit) -> Vec<Vec<String>> {
    let (tb, ta) = (&c.before.total, &c.after.total);
    let mut rows = vec![
        vec![
            lang.pick("segments", "路段数").to_string(),
            money::grouped_measure(tb.segments.into()),
            money::grouped_measure(ta.segments.into()),
            signed_decimal(tb.segments.into(), ta.segments.into(), true),
        ],
        vec![
            lang.pick("km planned", "计划里程（公里）").to_string(),
            money::grouped_measure(tb.planned_km.value()),
            money::grouped_measure(ta.planned_km.value()),
            signed_decimal(tb.planned_km.value(), ta.planned_km.value(), true),
        ],
    ];
    let (b, a) = (c.totals(Side::Before), c.totals(Side::After));
    let ch = b.change_to(&a);
    for (i, name) in column_names(c, lang).into_iter().enumerate() {
        let col = |x: &Amounts| x.column(i);
        rows.push(vec![
            name,
            grouped_in(col(&b), unit),
            grouped_in(col(&a), unit),
            signed_in(col(&ch), unit),
        ]);
    }
    rows
}

/// A header and rows, for a table in any format.
pub type Rows = (Vec<String>, Vec<Vec<String>>);

/// The budget lines under both rule sets, amounts in `unit` (named in the first heading, as
/// a batch run's summary names it): one table side by side when both have the same budgets,
/// else one under each (with its title).
pub fn budget_tables(c: &Comparison, lang: Lang, unit: Unit) -> Vec<(Option<String>, Rows)> {
    let before = lines(c.before_rules, &c.before, lang);
    let after = lines(c.after_rules, &c.after, lang);
    if before.is_empty() && after.is_empty() {
        return Vec::new();
    }
    let [b, a, _] = side_words(lang);
    let budget = format!(
        "{}{}",
        lang.pick("budget", "预算额度"),
        unit_suffix(unit, lang)
    );
    let grouped = |v: rust_decimal::Decimal| unit.grouped(v);
    if c.same_budgets() {
        let mut header = vec![budget];
        for what in [
            lang.pick("envelope", "额度"),
            lang.pick("asked", "申请"),
            lang.pick("paid", "安排"),
            lang.pick("raised by villages", "各村多筹集"),
        ] {
            header.push(format!("{what} {b}"));
            header.push(format!("{what} {a}"));
        }
        let cells = |l: Option<&BudgetLine>, f: fn(&BudgetLine) -> rust_decimal::Decimal| {
            l.map_or_else(String::new, |l| grouped(f(l)))
        };
        let pair = |x: Option<&BudgetLine>, y: Option<&BudgetLine>| {
            let label = x.or(y).map(BudgetLine::label).unwrap_or_default();
            let mut r = vec![label];
            let fields: [fn(&BudgetLine) -> rust_decimal::Decimal; 4] =
                [|l| l.envelope, |l| l.asked, |l| l.used, |l| l.raised];
            for f in fields {
                r.push(cells(x, f));
                r.push(cells(y, f));
            }
            r
        };
        // Paired by what each budget is, not by its place in the files.
        let pairs = c.budget_pairs();
        let rows = paired_lines(&before, &after, &pairs)
            .into_iter()
            .map(|(x, y)| pair(x, y))
            .collect();
        return vec![(None, (header, rows))];
    }
    let header: Vec<String> = [
        budget.as_str(),
        lang.pick("envelope", "额度"),
        lang.pick("asked", "申请"),
        lang.pick("paid", "安排"),
        lang.pick("raised by villages", "各村多筹集"),
        lang.pick("use", "使用率"),
    ]
    .map(str::to_string)
    .to_vec();
    let table = |ls: &[BudgetLine]| -> Vec<Vec<String>> {
        ls.iter()
            .map(|l| {
                vec![
                    l.label(),
                    grouped(l.envelope),
                    grouped(l.asked),
                    grouped(l.used),
                    grouped(l.raised),
                    l.share(),
                ]
            })
            .collect()
    };
    vec![
        (
            Some(
                lang.pick("Under the rules in force", "按现行规则")
                    .to_string(),
            ),
            (header.clone(), table(&before)),
        ),
        (
            Some(lang.pick("Under the variant", "按对比规则").to_string()),
            (header, table(&after)),
        ),
    ]
}

/// Each budget line of the rules in force beside the variant's first line of the same budget
/// (its match in `pairs`, by place in the rules) and scope, then the variant's lines that no
/// line of the rules in force is beside. Found by key, not each line against all: a
/// per-village budget has a line for each village, and 40,000 villages took half a minute.
fn paired_lines<'b, 'l>(
    before: &'b [BudgetLine<'l>],
    after: &'b [BudgetLine<'l>],
    pairs: &[Option<usize>],
) -> Vec<(Option<&'b BudgetLine<'l>>, Option<&'b BudgetLine<'l>>)> {
    // The key of the variant's line `x` is beside: its budget's match and its scope.
    let key = |x: &BudgetLine<'l>| -> Option<(usize, Scope<'l>)> {
        match pairs.get(x.budget) {
            Some(&Some(theirs)) => Some((theirs, x.scope)),
            _ => None,
        }
    };
    let mut variant: foldhash::HashMap<(usize, Scope<'l>), &BudgetLine<'l>> = Default::default();
    for y in after {
        variant.entry((y.budget, y.scope)).or_insert(y);
    }
    let matched: foldhash::HashSet<(usize, Scope<'l>)> = before.iter().filter_map(key).collect();
    let mut out: Vec<_> = (before.iter())
        .map(|x| (Some(x), key(x).and_then(|k| variant.get(&k).copied())))
        .collect();
    let unmatched = after
        .iter()
        .filter(|y| !matched.contains(&(y.budget, y.scope)));
    out.extend(unmatched.map(|y| (None, Some(y))));
    out
}

/// Each side's overrun sentences, each said with its side.
pub fn overrun_sentences(c: &Comparison, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for side in [Side::Before, Side::After] {
        for l in lines(c.rules(side), c.summary(side), lang) {
            if let Some(s) = overrun_sentence(&l, lang) {
                out.push(format!("{}{s}", super::whole::side_prefix(side, lang)));
            }
        }
    }
    out
}

/// Appends a rendered table, ending its last line.
fn push_table(out: &mut String, table: &str) {
    out.push_str(table);
    if !out.ends_with('\n') {
        out.push('\n');
    }
}

fn aligned(header: Vec<String>, left: usize, rows: Vec<Vec<String>>) -> Table {
    let align = (0..header.len())
        .map(|i| if i < left { Align::Left } else { Align::Right })
        .collect();
    let mut t = Table::new(header, align).max_cell(60);
    for r in rows {
        t.push(r);
    }
    t
}

/// The text summary printed after the rows: the variant, totals under both and the change,
/// and budget use under both, amounts in `unit` (`--amounts`, as a batch run's summary).
pub fn summary(c: &Comparison, variant: &Variant, lang: Lang, unit: Unit) -> String {
    let mut out = format!(
        "{}\n",
        lang.pick("What if — the variant:", "对比测算 — 对比规则：")
    );
    for l in &variant.lines {
        out.push_str(&format!("  {l}\n"));
    }
    out.push('\n');
    for l in c.reading_lines(lang) {
        out.push_str(&format!("{l}\n"));
    }
    out.push_str(unit_line(unit, lang));
    let [b, a, ch] = side_words(lang);
    let header = [lang.pick("item", "项目"), b, a, ch].map(str::to_string);
    push_table(
        &mut out,
        &aligned(header.to_vec(), 1, totals_rows(c, lang, unit)).render(),
    );
    for (title, (header, rows)) in budget_tables(c, lang, unit) {
        out.push('\n');
        if let Some(t) = title {
            out.push_str(&format!("{t}{}\n", lang.pick(":", "：")));
        }
        push_table(&mut out, &aligned(header, 1, rows).render());
    }
    let sentences = overrun_sentences(c, lang);
    if !sentences.is_empty() {
        out.push('\n');
    }
    for s in sentences {
        out.push_str(&s);
        out.push('\n');
    }
    out
}

/// [`summary`] for a terminal `width` cells wide: the same totals and budget lines, each
/// table fitted by leaving amounts out (never by cutting an item's or a budget's name), and
/// what a table leaves out said under it. The budget table shows one envelope column when
/// no envelope differs between the sides.
pub fn summary_fit(
    c: &Comparison,
    variant: &Variant,
    lang: Lang,
    unit: Unit,
    width: usize,
) -> String {
    let mut out = format!(
        "{}\n",
        lang.pick("What if — the variant:", "对比测算 — 对比规则：")
    );
    // Wrapped by the screen's width at spaces and beside Chinese characters, never inside
    // a number: a terminal breaking `100,000` into `100,00` / `0` misreads as two amounts.
    for l in &variant.lines {
        out.push_str(&wrap_hanging(&format!("  {l}"), width, "    "));
    }
    out.push('\n');
    for l in c.reading_lines(lang) {
        out.push_str(&wrap(&l, width));
    }
    out.push_str(&wrap(unit_line(unit, lang), width));
    let [b, a, ch] = side_words(lang);
    // A long fund name is cut (to no less than 24 cells) before an amount goes: at 80
    // columns the totals show before, after and the change.
    let totals = [
        Column::key(lang.pick("item", "项目")).shrinks(Cut::Right, 2, 24),
        Column::amount(b, 2),
        Column::amount(a, 1),
        Column::kept(ch),
    ];
    push_fitted(&mut out, &totals, &totals_rows(c, lang, unit), width, lang);
    for (title, (header, rows)) in budget_tables(c, lang, unit) {
        out.push('\n');
        if let Some(t) = &title {
            out.push_str(&format!("{t}{}\n", lang.pick(":", "：")));
        }
        let (columns, rows) = budget_columns(header, rows, title.is_none());
        push_fitted(&mut out, &columns, &rows, width, lang);
    }
    let sentences = overrun_sentences(c, lang);
    if !sentences.is_empty() {
        out.push('\n');
    }
    for s in sentences {
        out.push_str(&wrap_hanging(&s, width, "  "));
    }
    out
}

/// A table fitted to `width`, then the line naming what it left out.
fn push_fitted(
    out: &mut String,
    columns: &[Column],
    rows: &[Vec<String>],
    width: usize,
    lang: Lang,
) {
    let (text, hidden) = fit(columns, rows, width);
    push_table(out, &text);
    if !hidden.is_empty() {
        out.push_str(&not_shown(&hidden, lang, width));
    }
}

/// A budget table's name column: when even the amounts that stay do not fit, a per-village
/// line's budget name is cut and its village kept whole (`… · 自治乡 金鸡村`), so villages
/// over their envelope are still told apart.
fn budget_key(head: String) -> Column {
    Column::key(head).shrinks(Cut::BeforeDot, 0, 12)
}

/// The columns of a budget table from [`budget_tables`], ranked for a narrow screen: what the
/// villages raise goes first, then what was paid, then what was asked before, then the
/// envelope; what is asked after stays (side by side; in one list per side, what was asked). Side by side (`paired`), the two envelope columns are
/// one when no line's envelope differs.
fn budget_columns(
    header: Vec<String>,
    mut rows: Vec<Vec<String>>,
    paired: bool,
) -> (Vec<Column>, Vec<Vec<String>>) {
    if !paired {
        // budget, envelope, asked, paid, raised, use.
        let ranks = [None, Some(2), None, Some(4), Some(5), Some(3)];
        let columns = header
            .into_iter()
            .zip(ranks)
            .enumerate()
            .map(|(i, (head, drop))| match (i, drop) {
                (0, _) => budget_key(head),
                (_, Some(d)) => Column::amount(head, d),
                (_, None) => Column::kept(head),
            })
            .collect();
        return (columns, rows);
    }
    // budget, then before and after of: envelope, asked, paid, raised.
    let ranks = [2, 2, 3, 0, 4, 4, 5, 5];
    let mut columns: Vec<Column> = vec![budget_key(header[0].clone())];
    for (head, rank) in header.into_iter().skip(1).zip(ranks) {
        columns.push(if rank == 0 {
            Column::kept(head)
        } else {
            Column::amount(head, rank)
        });
    }
    let same_envelope = rows
        .iter()
        .all(|r| r.get(1) == r.get(2) || r[1].is_empty() || r[2].is_empty());
    if same_envelope {
        for r in &mut rows {
            if r[1].is_empty() {
                r[1] = r[2].clone();
            }
            r.remove(2);
        }
        columns.remove(2);
        let envelope = &mut columns[1];
        envelope.head = envelope
            .head
            .rsplit_once(' ')
            .map_or_else(|| envelope.head.clone(), |(h, _)| h.to_string());
    }
    (columns, rows)
}

/// A group's or row's cells for the terminal: each fund's change, the subsidy's change, and
/// the shortfall before, after and its change.
fn screen_cells(b: Option<&Amounts>, a: Option<&Amounts>) -> Vec<String> {
    let ch = match (b, a) {
        (Some(b), Some(a)) => Some(b.change_to(a)),
        _ => None,
    };
    let n = b.or(a).map_or(0, |x| x.funds.len());
    let mut out: Vec<String> = (0..n)
        .map(|i| ch.as_ref().map_or_else(String::new, |c| signed(c.funds[i])))
        .collect();
    out.push(
        ch.as_ref()
            .map_or_else(String::new, |c| signed(c.subsidy_total)),
    );
    out.push(b.map_or_else(String::new, |x| grouped_fen(x.shortfall)));
    out.push(a.map_or_else(String::new, |x| grouped_fen(x.shortfall)));
    out.push(
        ch.as_ref()
            .map_or_else(String::new, |c| signed(c.shortfall)),
    );
    out
}

/// Ranks of [`amount_columns`]: a fund's change is left out at `FUND + its place` (the last
/// fund first), or at `QUIET + its place` when it is nought on every row shown.
const FUND: u8 = 10;
const QUIET: u8 = 100;

/// The amount columns of [`screen_cells`], ranked for a narrow screen: the funds' changes go
/// first (rightmost first), then the subsidy's change, then the shortfall before and after;
/// the shortfall's change, what a what-if is asked for, goes last.
fn amount_columns(c: &Comparison, lang: Lang) -> Vec<Column> {
    let [b, a, ch] = side_words(lang);
    let names = column_names(c, lang);
    let n = c.funds.len();
    let mut cols: Vec<Column> = names[..n]
        .iter()
        .enumerate()
        .map(|(i, f)| Column::amount(format!("{f} {ch}"), FUND.saturating_add(i.min(80) as u8)))
        .collect();
    cols.push(Column::amount(format!("{} {ch}", names[n]), 4));
    let short = &names[n + 2];
    cols.push(Column::amount(format!("{short} {b}"), 3));
    cols.push(Column::amount(format!("{short} {a}"), 2));
    cols.push(Column::amount(format!("{short} {ch}"), 1));
    cols
}

/// The amount columns for `rows`: a fund whose change is nought on every row says nothing a
/// narrow screen needs, so it goes before the funds that did change.
fn ranked_for(mut columns: Vec<Column>, rows: &[Vec<String>]) -> Vec<Column> {
    for (i, col) in columns.iter_mut().enumerate() {
        let quiet = rows
            .iter()
            .all(|r| r.get(i).is_none_or(|x| x.is_empty() || x == "0.00"));
        match col.drop {
            Some(rank) if quiet && (FUND..QUIET).contains(&rank) => {
                col.drop = Some(rank - FUND + QUIET);
            }
            _ => {}
        }
    }
    columns
}

/// How the rows table names each input: its file name, or the label as given when two
/// inputs share a file name.
fn short_labels(labels: &[String]) -> Vec<String> {
    let name = |l: &String| {
        std::path::Path::new(l)
            .file_name()
            .map_or_else(|| l.clone(), |n| n.to_string_lossy().into_owned())
    };
    let short: Vec<String> = labels.iter().map(name).collect();
    let unique = short
        .iter()
        .enumerate()
        .all(|(i, s)| !short[..i].contains(s));
    if unique {
        short
    } else {
        labels.to_vec()
    }
}

/// What a terminal shows, fitted to `width` cells: up to `limit` of the rows the variant
/// changes (with their file when there are several), what was left out of them said right
/// under them, then the townships and villages the variant changes, and how many it leaves as
/// they were. A variant that changes no row gets one line instead of tables of zeros.
pub fn terminal(c: &Comparison, lang: Lang, width: usize, limit: usize) -> String {
    let changed: Vec<&Pair> = c.shown().filter(|p| p.changed()).collect();
    let shown = Shown {
        changed: &changed[..changed.len().min(limit)],
        changed_rows: changed.len(),
        rows: c.shown().count(),
    };
    terminal_of(c, &shown, lang, width, limit)
}

/// The rows a terminal's screen shows of a comparison: the first it changes (at most the
/// screen's limit), how many it changes, and how many rows are shown in all (computed under
/// at least one side).
pub struct Shown<'p> {
    pub changed: &'p [&'p Pair],
    pub changed_rows: usize,
    pub rows: usize,
}

/// [`terminal`] of comparison `c`'s groups and the rows `shown` (which `c` need not hold: a
/// comparison written as computed keeps only its bad rows).
pub fn terminal_of(
    c: &Comparison,
    shown: &Shown,
    lang: Lang,
    width: usize,
    limit: usize,
) -> String {
    let total = shown.rows;
    if shown.changed_rows == 0 {
        return wrap(
            &match lang {
                Lang::En => format!(
                    "The variant changes nothing: each of the {total} rows computes the same under both rule sets."
                ),
                Lang::Zh => format!("对比规则未改变任何结果：全部 {total} 行在两套规则下金额相同。"),
            },
            width,
        );
    }
    let mut out = wrap(
        &match lang {
            Lang::En => format!(
                "Rows the variant changes: {} of {total}",
                shown.changed_rows
            ),
            Lang::Zh => format!(
                "对比规则改变的行：{} 行（共 {total} 行）",
                shown.changed_rows
            ),
        },
        width,
    );
    let several = c.labels.len() > 1;
    let files = short_labels(&c.labels);
    let mut columns = Vec::new();
    if several {
        // The file says least about a row: it is cut from the left (`…lans/a.csv`), or left
        // out, before the shortfall's change goes.
        columns.push(Column::key(lang.pick("file", "文件")).shrinks(Cut::Left, 1, 8));
    }
    columns.push(Column::key(lang.pick("id", "编号")));
    columns.push(Column::key(lang.pick("village", "村")));
    columns.extend(amount_columns(c, lang));
    let rows: Vec<Vec<String>> = shown
        .changed
        .iter()
        .take(limit)
        .map(|p| {
            let mut r = Vec::new();
            if several {
                r.push(files[p.file].clone());
            }
            r.push(if p.id.is_empty() {
                format!("{}:{}", files[p.file], p.line)
            } else {
                p.id.clone()
            });
            r.push(p.village.clone());
            r.extend(screen_cells(
                p.amounts(Side::Before),
                p.amounts(Side::After),
            ));
            r
        })
        .collect();
    let mut hidden_columns: Vec<String> = Vec::new();
    let mut keep = |hidden: Vec<String>| {
        for h in hidden {
            if !hidden_columns.contains(&h) {
                hidden_columns.push(h);
            }
        }
    };
    let (rows_text, hidden) = fit(&ranked_for(columns, &rows), &rows, width);
    keep(hidden);
    let mut groups_text = String::new();
    let mut unchanged = [0usize; 2];
    for (k, (by, en, zh)) in [
        (GroupBy::Township, "township", "乡镇"),
        (GroupBy::Village, "village", "村"),
    ]
    .into_iter()
    .enumerate()
    {
        // Only the groups that moved are kept, and only as many as are shown: 187,307
        // villages were each made a pair of amounts and held.
        let mut moved: Vec<GroupPair> = Vec::new();
        let mut moved_count = 0usize;
        c.each_group(by, |g| {
            if g.before == g.after && g.rows.0 == g.rows.1 {
                unchanged[k] += 1;
                return;
            }
            moved_count += 1;
            if moved.len() < limit {
                moved.push(g);
            }
        });
        if moved_count == 0 {
            continue;
        }
        let mut columns = vec![Column::key(lang.pick(en, zh))];
        columns.extend(amount_columns(c, lang));
        // As many as the rows: a table of 187,307 villages filled the terminal with 181,000
        // lines.
        let rows: Vec<Vec<String>> = moved
            .iter()
            .take(limit)
            .map(|g| {
                let mut r = vec![g.key.clone()];
                r.extend(screen_cells(Some(&g.before), Some(&g.after)));
                r
            })
            .collect();
        let (text, hidden) = fit(&ranked_for(columns, &rows), &rows, width);
        keep(hidden);
        groups_text.push('\n');
        groups_text.push_str(&text);
        let more = moved_count.saturating_sub(limit);
        if more > 0 {
            let what = match (by, more) {
                (GroupBy::Township, 1) => "township",
                (GroupBy::Township, _) => "townships",
                (_, 1) => "village",
                _ => "villages",
            };
            groups_text.push_str(&wrap(
                &match lang {
                    Lang::En => format!(
                        "… {more} more changed {what} not shown; write them all with -o FILE"
                    ),
                    Lang::Zh => {
                        format!("……另有 {more} 个有变化的{zh}未显示；用 -o 文件 写出全部")
                    }
                },
                width,
            ));
        }
    }
    out.push_str(&rows_text);
    let hidden_rows = shown.changed_rows.saturating_sub(limit);
    if hidden_rows > 0 {
        let rows = if hidden_rows == 1 { "row" } else { "rows" };
        out.push_str(&wrap(
            &match lang {
                Lang::En => format!(
                    "… {hidden_rows} more changed {rows} not shown; write them all with -o FILE"
                ),
                Lang::Zh => {
                    format!("……另有 {hidden_rows} 个有变化的行未显示；用 -o 文件 写出全部")
                }
            },
            width,
        ));
    }
    if !hidden_columns.is_empty() {
        out.push_str(&not_shown(&hidden_columns, lang, width));
    }
    out.push_str(&groups_text);
    let [towns, villages] = unchanged;
    if towns + villages > 0 {
        out.push('\n');
        out.push_str(&wrap(
            &match lang {
                Lang::En => format!(
                    "{towns} {} / {villages} {} unchanged (not shown)",
                    if towns == 1 { "township" } else { "townships" },
                    if villages == 1 { "village" } else { "villages" },
                ),
                Lang::Zh => format!("{towns} 个乡镇 / {villages} 个村未变化（未列出）"),
            },
            width,
        ));
    }
    out
}

/// The line that names the columns a screen left out.
fn not_shown(columns: &[String], lang: Lang, width: usize) -> String {
    let cols = columns.join(lang.pick(", ", "、"));
    wrap(
        &match lang {
            Lang::En => {
                format!(
                    "(not shown, for lack of room: {cols}; all columns are written with -o FILE)"
                )
            }
            Lang::Zh => format!("（因宽度不足未显示：{cols}；用 -o 文件 可写出全部列）"),
        },
        width,
    )
}

#[cfg(test)]
mod tests;
