//! A comparison for people: the totals and budget use under both rule sets (the text summary
//! printed after the rows), and the aligned table a terminal gets. The same rows of totals and
//! budgets fill the Markdown report and the workbook's summary sheet.

use super::whole::{Comparison, GroupPair};
use super::write::{column_names, side_words, Variant};
use super::{signed, Amounts, Side};
use crate::i18n::Lang;
use crate::money;
use crate::report::budget::{lines, overrun_sentence, BudgetLine};
use crate::report::summary::GroupBy;
use crate::textwidth::{Align, Table};

fn grouped_fen(fen: i128) -> String {
    money::from_fen(fen).map_or_else(|| "overflow".into(), money::grouped)
}

fn grouped(v: rust_decimal::Decimal) -> String {
    money::grouped(v)
}

/// A change of a decimal as people read it (`+1,500.00`, `−0.5`), computed exactly.
fn signed_decimal(before: rust_decimal::Decimal, after: rust_decimal::Decimal, km: bool) -> String {
    let Some(d) = after.checked_sub(before) else {
        return "overflow".into();
    };
    let shown = if km {
        money::measure(d.abs())
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

/// The totals as rows of (item, before, after, change): segments, km, each fund, subsidy
/// total, gap, shortfall.
pub fn totals_rows(c: &Comparison, lang: Lang) -> Vec<Vec<String>> {
    let (tb, ta) = (&c.before.total, &c.after.total);
    let mut rows = vec![
        vec![
            lang.pick("segments", "路段数").to_string(),
            tb.segments.to_string(),
            ta.segments.to_string(),
            signed_decimal(tb.segments.into(), ta.segments.into(), true),
        ],
        vec![
            lang.pick("km planned", "计划里程（公里）").to_string(),
            money::measure(tb.planned_km.value()),
            money::measure(ta.planned_km.value()),
            signed_decimal(tb.planned_km.value(), ta.planned_km.value(), true),
        ],
    ];
    let (b, a) = (c.totals(Side::Before), c.totals(Side::After));
    let ch = b.change_to(&a);
    for (i, name) in column_names(c, lang).into_iter().enumerate() {
        let col = |x: &Amounts| x.columns().nth(i).unwrap_or(0);
        rows.push(vec![
            name,
            grouped_fen(col(&b)),
            grouped_fen(col(&a)),
            signed(col(&ch)),
        ]);
    }
    rows
}

/// A header and rows, for a table in any format.
pub type Rows = (Vec<String>, Vec<Vec<String>>);

/// The budget lines under both rule sets: one table side by side when both have the same
/// budgets, else one under each (with its title).
pub fn budget_tables(c: &Comparison, lang: Lang) -> Vec<(Option<String>, Rows)> {
    let before = lines(c.before_rules, &c.before, lang);
    let after = lines(c.after_rules, &c.after, lang);
    if before.is_empty() && after.is_empty() {
        return Vec::new();
    }
    let [b, a, _] = side_words(lang);
    if c.same_budgets() {
        let mut header = vec![lang.pick("budget", "预算额度").to_string()];
        for what in [
            lang.pick("envelope", "额度"),
            lang.pick("asked", "申请"),
            lang.pick("paid", "安排"),
            lang.pick("raised by villages", "各村多筹集"),
        ] {
            header.push(format!("{what} {b}"));
            header.push(format!("{what} {a}"));
        }
        let same = |x: &BudgetLine, y: &BudgetLine| x.budget == y.budget && x.scope == y.scope;
        let cells = |l: Option<&BudgetLine>, f: fn(&BudgetLine) -> rust_decimal::Decimal| {
            l.map_or_else(String::new, |l| grouped(f(l)))
        };
        let mut rows = Vec::new();
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
        for x in &before {
            rows.push(pair(Some(x), after.iter().find(|y| same(x, y))));
        }
        for y in after.iter().filter(|y| !before.iter().any(|x| same(x, y))) {
            rows.push(pair(None, Some(y)));
        }
        return vec![(None, (header, rows))];
    }
    let header: Vec<String> = [
        lang.pick("budget", "预算额度"),
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
/// and budget use under both.
pub fn summary(c: &Comparison, variant: &Variant, lang: Lang) -> String {
    let mut out = format!(
        "{}\n",
        lang.pick("What if — the variant:", "对比测算 — 对比规则：")
    );
    for l in &variant.lines {
        out.push_str(&format!("  {l}\n"));
    }
    out.push('\n');
    let [b, a, ch] = side_words(lang);
    let header = [lang.pick("item", "项目"), b, a, ch].map(str::to_string);
    push_table(
        &mut out,
        &aligned(header.to_vec(), 1, totals_rows(c, lang)).render(),
    );
    for (title, (header, rows)) in budget_tables(c, lang) {
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

fn screen_header(c: &Comparison, lang: Lang) -> Vec<String> {
    let [b, a, ch] = side_words(lang);
    let names = column_names(c, lang);
    let n = c.funds.len();
    let mut h: Vec<String> = names[..n].iter().map(|f| format!("{f} {ch}")).collect();
    h.push(format!("{} {ch}", names[n]));
    let short = &names[n + 2];
    h.push(format!("{short} {b}"));
    h.push(format!("{short} {a}"));
    h.push(format!("{short} {ch}"));
    h
}

/// What a terminal is shown, and what was left out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    /// The tables.
    pub text: String,
    /// Changed rows beyond the limit.
    pub hidden_rows: usize,
    /// Columns left out for lack of room (each named once).
    pub hidden_columns: Vec<String>,
}

/// Which columns a narrow terminal gives up first (higher first): the funds' changes, then the
/// subsidy's and the shortfall before and after, then the place; never the shortfall's change.
fn drop_order(c: &Comparison, lead: usize) -> Vec<u8> {
    let mut order = vec![0u8];
    order.extend(std::iter::repeat_n(1, lead - 1));
    order.extend(std::iter::repeat_n(3, c.funds.len()));
    order.extend([2, 2, 2, 0]);
    order
}

/// What a terminal shows: up to `limit` of the rows the variant changes, then the groups by
/// township and by village, fitted to `width` cells; and how many changed rows were left out.
pub fn terminal(c: &Comparison, lang: Lang, width: usize, limit: usize) -> Screen {
    let mut out = String::new();
    let changed: Vec<_> = c.shown().filter(|p| p.changed()).collect();
    let mut header = vec![
        lang.pick("id", "编号").to_string(),
        lang.pick("village", "村").to_string(),
    ];
    header.extend(screen_header(c, lang));
    let rows = changed
        .iter()
        .take(limit)
        .map(|p| {
            let mut r = vec![
                if p.id.is_empty() {
                    format!("{}:{}", c.labels[p.file], p.line)
                } else {
                    p.id.clone()
                },
                p.village.clone(),
            ];
            r.extend(screen_cells(
                p.amounts(Side::Before),
                p.amounts(Side::After),
            ));
            r
        })
        .collect();
    let total = c.shown().count();
    out.push_str(&match lang {
        Lang::En => format!("Rows the variant changes: {} of {total}\n", changed.len()),
        Lang::Zh => format!("对比规则改变的行：{} 行（共 {total} 行）\n", changed.len()),
    });
    let mut hidden_columns: Vec<String> = Vec::new();
    let mut fit = |out: &mut String, table: Table| {
        let (text, hidden) = table.render_fit(width);
        push_table(out, &text);
        for h in hidden {
            if !hidden_columns.contains(&h) {
                hidden_columns.push(h);
            }
        }
    };
    if !changed.is_empty() {
        fit(
            &mut out,
            aligned(header, 2, rows).drop_order(drop_order(c, 2)),
        );
    }
    for (by, en, zh) in [
        (GroupBy::Township, "township", "乡镇"),
        (GroupBy::Village, "village", "村"),
    ] {
        let mut header = vec![lang.pick(en, zh).to_string()];
        header.extend(screen_header(c, lang));
        let rows = c
            .groups(by)
            .iter()
            .map(|g: &GroupPair| {
                let mut r = vec![g.key.clone()];
                r.extend(screen_cells(Some(&g.before), Some(&g.after)));
                r
            })
            .collect();
        out.push('\n');
        fit(
            &mut out,
            aligned(header, 1, rows).drop_order(drop_order(c, 1)),
        );
    }
    Screen {
        text: out,
        hidden_rows: changed.len().saturating_sub(limit),
        hidden_columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::compare::{compare, Table};
    use crate::rules::{RuleSet, Setting};
    use crate::table::sheet::Sheet;

    const SMALL: &str = "编号,乡镇,村,类别,宽度,长度,投资\n\
                         S1,天马乡,画青村,通村,4.5,1,80万\n\
                         S2,天马乡,画青村,社道,3.5,2,60万\n\
                         S3,卧佛镇,关田村,通社,3.5,1,40万\n";

    fn tables() -> Vec<Table> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.csv");
        std::fs::write(&path, SMALL).unwrap();
        vec![Table {
            label: "small.csv".into(),
            sheet: Sheet::load(&path).unwrap(),
        }]
    }

    #[test]
    fn a_terminal_shows_the_changed_rows_up_to_its_limit_then_townships_and_villages_aligned() {
        let before = RuleSet::builtin();
        let (after, _) = before
            .with_settings(&[Setting::parse("poverty.group.3.5=15万").unwrap()])
            .unwrap();
        let tables = tables();
        let c = compare(&tables, &before, &after).unwrap();
        let screen = terminal(&c, Lang::Zh, 200, 1);
        assert_eq!(screen.hidden_rows, 1);
        assert!(screen.hidden_columns.is_empty());
        let text = screen.text;
        // Wide characters take two cells: the columns line up on a terminal.
        let expected = [
            "对比规则改变的行：2 行（共 3 行）\n",
            "编号  村      县交通局补助 变化  县扶贫专项补助 变化  补助合计 变化  尚需筹集 变更前  尚需筹集 变更后  尚需筹集 变化\n",
            "────  ──────  ─────────────────  ───────────────────  ─────────────  ───────────────  ───────────────  ─────────────\n",
            "S2    画青村               0.00          +100,000.00    +100,000.00       100,000.00             0.00    −100,000.00\n",
            "\n",
            "乡镇    县交通局补助 变化  县扶贫专项补助 变化  补助合计 变化  尚需筹集 变更前  尚需筹集 变更后  尚需筹集 变化\n",
            "──────  ─────────────────  ───────────────────  ─────────────  ───────────────  ───────────────  ─────────────\n",
            "卧佛镇               0.00           +50,000.00     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
            "天马乡               0.00          +100,000.00    +100,000.00       150,000.00        50,000.00    −100,000.00\n",
            "\n",
            "村             县交通局补助 变化  县扶贫专项补助 变化  补助合计 变化  尚需筹集 变更前  尚需筹集 变更后  尚需筹集 变化\n",
            "─────────────  ─────────────────  ───────────────────  ─────────────  ───────────────  ───────────────  ─────────────\n",
            "卧佛镇 关田村               0.00           +50,000.00     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
            "天马乡 画青村               0.00          +100,000.00    +100,000.00       150,000.00        50,000.00    −100,000.00\n",
        ];
        assert_eq!(text, expected.concat());
        // Too narrow for every column: the funds' changes go first, the shortfall's change
        // stays.
        let narrow = terminal(&c, Lang::En, 80, 10);
        assert_eq!(narrow.hidden_rows, 0);
        assert_eq!(
            narrow.hidden_columns[..2],
            [
                "County transport bureau subsidy change",
                "County poverty-alleviation special fund change"
            ]
        );
        assert!(narrow.text.contains("shortfall change"));
        assert!(narrow
            .text
            .lines()
            .all(|l| crate::textwidth::cells(l) <= 80));
    }
}
