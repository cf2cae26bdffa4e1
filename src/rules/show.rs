//! The rules as text for people: name, source, rounding, then aligned tables of classes, tiers
//! and budgets (with what each budget does on an overrun, when not just report it). Used by `roadsub rules show` and the interactive table's rules screen.

use rust_decimal::Decimal;

use super::{Draw, Fund, OnOverrun, RuleSet};
use crate::i18n::Lang;
use crate::money;
use crate::textwidth::{cells, Align, Table};

/// The rules as aligned tables.
pub fn describe(rules: &RuleSet, lang: Lang) -> String {
    let m = &rules.meta;
    let mut out = String::new();
    out.push_str(&format!("{}\n", m.display_name(lang)));
    let mut facts = vec![(lang.pick("file", "文件"), rules.origin(lang))];
    if let Some(issuer) = super::display_opt(lang, m.issuer.as_deref(), m.issuer_en.as_deref()) {
        facts.push((lang.pick("issuer", "发布机关"), issuer.to_string()));
    }
    facts.push((
        lang.pick("source", "依据"),
        m.display_source(lang).to_string(),
    ));
    if let Some(date) = &m.effective {
        facts.push((lang.pick("effective", "生效日期"), date.clone()));
    }
    facts.push((lang.pick("currency", "币种"), m.currency.clone()));
    facts.push((
        lang.pick("rounding", "舍入"),
        // Chinese readers know the rule by its name alone; English ones get the key the
        // rules file is written with too.
        match lang {
            Lang::En => format!("{} ({})", rounding_name(m.rounding, lang), m.rounding.key()),
            Lang::Zh => rounding_name(m.rounding, lang).to_string(),
        },
    ));
    let width = facts
        .iter()
        .map(|(k, _)| crate::textwidth::cells(k))
        .max()
        .unwrap_or(0);
    for (k, v) in facts {
        out.push_str(&format!(
            "  {k}{}  {v}\n",
            " ".repeat(width - crate::textwidth::cells(k))
        ));
    }

    out.push('\n');
    // A Chinese reader names a class by its name (`--set` takes it, or an alias): the id is
    // for the rules file, so only the English table shows it.
    let mut heads = vec![
        lang.pick("class", "类别").into(),
        lang.pick("name", "名称").into(),
        lang.pick("also accepted", "也可写作").into(),
    ];
    if lang == Lang::Zh {
        heads.remove(1);
    }
    let mut classes = Table::new(heads.clone(), vec![Align::Left; heads.len()]).max_cell(80);
    for c in &rules.classes {
        let mut row = vec![
            c.id.clone(),
            c.display(lang).to_string(),
            c.aliases.join(lang.pick(", ", "、")),
        ];
        if lang == Lang::Zh {
            row.remove(0);
        }
        classes.push(row);
    }
    out.push_str(&classes.render());

    out.push('\n');
    // The fund's id only in English, as for classes; widths in a column of their own, their
    // points one above the other and the text flush left under its heading.
    let mut heads = vec![
        lang.pick("fund", "资金编号").into(),
        lang.pick("name", "资金来源").into(),
        lang.pick("classes", "适用类别").into(),
        lang.pick("min width", "最小宽度").into(),
        lang.pick("rate", "补助标准").into(),
    ];
    // Widths and rates are lined up on their numbers by [`line_up`].
    let mut aligns = vec![Align::Left; 5];
    if lang == Lang::Zh {
        heads.remove(0);
        aligns.remove(0);
    }
    // The days each tier is in force, only for rules that have dates at all.
    if rules.is_dated() {
        heads.push(lang.pick("in force", "施行期间").into());
        aligns.push(Align::Left);
    }
    let mut tiers = Table::new(heads, aligns).max_cell(60);
    let widths = width_column(
        rules
            .funds
            .iter()
            .flat_map(|f| &f.tiers)
            .map(|t| &t.min_width_m),
        lang,
    );
    let rates: Vec<String> = rules
        .funds
        .iter()
        .flat_map(|f| f.tiers.iter().map(|t| rate(t.rate_per_km, f.up_to, lang)))
        .collect();
    let rates = line_up(rates);
    let mut widths = widths.into_iter().zip(rates);
    for f in &rules.funds {
        for t in &f.tiers {
            let names: Vec<&str> = t
                .classes
                .iter()
                .map(|&c| rules.classes[c].display(lang))
                .collect();
            let (width, rate) = widths.next().unwrap_or_default();
            let mut row = vec![
                f.id.clone(),
                f.display(lang).to_string(),
                names.join(lang.pick(", ", "、")),
                width,
                rate,
            ];
            if lang == Lang::Zh {
                row.remove(0);
            }
            if rules.is_dated() {
                row.push(if t.period.is_always() {
                    lang.pick("always", "始终").to_string()
                } else {
                    t.period.describe()
                });
            }
            tiers.push(row);
        }
    }
    out.push_str(&tiers.render());
    for f in &rules.funds {
        citations(&mut out, rules, f, lang);
    }

    if !rules.budgets.is_empty() {
        out.push('\n');
        // The heading names sources only where a budget holds one, so rules without one read
        // as they always have.
        let drawn_on = if rules.budgets.iter().any(|b| b.fund().is_none()) {
            lang.pick("fund or source", "资金或筹资来源")
        } else {
            lang.pick("fund", "资金来源")
        };
        // The amount column holds amounts only, so their points line up; a budget for each
        // village says so in a column of its own, there only when some budget is one.
        let per_village = rules.budgets.iter().any(|b| b.per_village);
        let mut heads = vec![
            lang.pick("budget", "预算额度").into(),
            drawn_on.into(),
            lang.pick("class", "类别").into(),
            lang.pick("amount (yuan)", "金额（元）").into(),
        ];
        let mut aligns = vec![Align::Left, Align::Left, Align::Left, Align::Right];
        if per_village {
            heads.push(lang.pick("scope", "范围").into());
            aligns.push(Align::Left);
        }
        let mut budgets = Table::new(heads, aligns).max_cell(60);
        for b in &rules.budgets {
            let class = b.class.map_or(lang.pick("all", "全部").to_string(), |c| {
                rules.classes[c].display(lang).to_string()
            });
            // A source's key alone (village_fund) would not say which column of the table it
            // is measured from: its name does.
            // Chinese text names the fund or source by its Chinese name only (SPEC §11).
            let draw = match (b.draw, lang) {
                (Draw::Fund(_), Lang::En) => b.draw_key(rules).to_string(),
                (Draw::Fund(f), Lang::Zh) => rules.funds[f].display(lang).to_string(),
                (Draw::Source(s), Lang::En) => format!("{} ({})", s.key(), s.display(lang)),
                (Draw::Source(s), Lang::Zh) => s.display(lang).to_string(),
            };
            let mut row = vec![
                b.display(rules, lang),
                draw,
                class,
                money::grouped(b.envelope),
            ];
            if per_village {
                row.push(if b.per_village {
                    lang.pick("each village", "每村").into()
                } else {
                    lang.pick("in total", "总额").into()
                });
            }
            budgets.push(row);
        }
        out.push_str(&budgets.render());
        // Only a budget that allocates gets a line: a reader of the table above must learn
        // that the amounts under it are cut when it runs short.
        for b in rules
            .budgets
            .iter()
            .filter(|b| b.on_overrun != OnOverrun::Report)
        {
            out.push_str(&format!(
                "  {} — {}{}\n",
                b.display(rules, lang),
                b.on_overrun.describe(lang),
                match b.on_overrun {
                    OnOverrun::InOrder => lang.pick(
                        " (when its segments ask for more, they are paid whole in that order until the envelope is spent)",
                        "（申请超出额度时，各路段依次足额安排，额度用完为止）",
                    ),
                    _ => lang.pick(
                        " (when its segments ask for more, each is cut in proportion so the envelope is not exceeded)",
                        "（申请超出额度时，各路段补助按比例核减至额度以内）",
                    ),
                }
            ));
        }
    }
    out
}

/// A rounding rule by its name: `四舍五入`, `四舍六入五成双`; in English its meaning with the
/// Chinese name offices know it by.
pub fn rounding_name(rounding: money::Rounding, lang: Lang) -> &'static str {
    match rounding {
        money::Rounding::HalfAwayFromZero => lang.pick("half away from zero, 四舍五入", "四舍五入"),
        money::Rounding::HalfEven => lang.pick("half to even, 四舍六入五成双", "四舍六入五成双"),
    }
}

/// Widths as one column, each with its unit, lined up by [`line_up`].
fn width_column<'a>(widths: impl Iterator<Item = &'a Decimal>, lang: Lang) -> Vec<String> {
    line_up(
        widths
            .map(|w| format!("{} {}", money::measure(*w), lang.pick("m", "米")))
            .collect(),
    )
}

/// Cells that hold a number (after words such as `up to`), padded on the left so that every
/// number's whole part ends at the same cell (`4 米` beside `12.5 米` is ` 4 米`): flush left,
/// their points stand one above the other, whatever precedes or follows the number.
fn line_up(cells: Vec<String>) -> Vec<String> {
    let whole = |v: &str| {
        let digits = v.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
        v[digits..]
            .find(|c: char| !(c.is_ascii_digit() || c == ','))
            .map_or(v.len(), |end| digits + end)
    };
    let widest = cells.iter().map(|v| whole(v)).max().unwrap_or(0);
    cells
        .into_iter()
        .map(|v| format!("{}{v}", " ".repeat(widest - whole(&v))))
        .collect()
}

/// A rate per km as the policy says it: `15万元/公里`, `25万元以内/公里` for a ceiling; in
/// English `150,000 yuan/km`, `up to 250,000 yuan/km`. Exact: a rate that is not whole 万
/// (or whole yuan) shows its digits.
pub(super) fn rate(rate: Decimal, up_to: bool, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            let within = if up_to { "以内" } else { "" };
            format!("{}元{within}/公里", money::short_yuan(rate))
        }
        Lang::En => {
            let grouped = money::grouped(rate);
            let grouped = grouped.strip_suffix(".00").unwrap_or(&grouped);
            let up_to = if up_to { "up to " } else { "" };
            format!("{up_to}{grouped} yuan/km")
        }
    }
}

/// A fund's source and reading and its tiers' quotes, under the fund's name; nothing for a
/// fund that cites nothing, so rules without citations read as they always have.
fn citations(out: &mut String, rules: &RuleSet, f: &Fund, lang: Lang) {
    let cited_tiers: Vec<_> = f.tiers.iter().filter(|t| !t.cited.is_empty()).collect();
    let source = f.cited.display_source(lang);
    let reading = f.display_reading(lang);
    if source.is_none() && reading.is_none() && f.cited.quote.is_none() && cited_tiers.is_empty() {
        return;
    }
    let quoted = |q: &str| format!("“{q}”");
    out.push('\n');
    out.push_str(&match lang {
        Lang::En => format!("{} ({})\n", f.display(lang), f.id),
        Lang::Zh => format!("{}\n", f.display(lang)),
    });
    let mut facts: Vec<(&str, Vec<String>)> = Vec::new();
    if let Some(source) = source {
        facts.push((lang.pick("source", "依据"), vec![source.to_string()]));
    }
    if let Some(quote) = &f.cited.quote {
        facts.push((lang.pick("quote", "原文"), vec![quoted(quote)]));
    }
    if let Some(reading) = reading {
        facts.push((lang.pick("reading", "解读"), vec![reading.to_string()]));
    }
    if !cited_tiers.is_empty() {
        // Each tier by its width and classes, aligned, then its quote and its own source.
        let widths = width_column(cited_tiers.iter().map(|t| &t.min_width_m), lang);
        let labels: Vec<(String, String)> = cited_tiers
            .iter()
            .zip(widths)
            .map(|(t, width)| {
                let names: Vec<&str> = t
                    .classes
                    .iter()
                    .map(|&c| rules.classes[c].display(lang))
                    .collect();
                (width, names.join(lang.pick(", ", "、")))
            })
            .collect();
        let widest = |pick: fn(&(String, String)) -> &String| {
            labels.iter().map(|l| cells(pick(l))).max().unwrap_or(0)
        };
        let (w0, w1) = (widest(|l| &l.0), widest(|l| &l.1));
        let lines = cited_tiers
            .iter()
            .zip(&labels)
            .map(|(t, (width, classes))| {
                let mut line = format!(
                    "{}{width}  {classes}{}",
                    " ".repeat(w0 - cells(width)),
                    " ".repeat(w1 - cells(classes))
                );
                if let Some(q) = &t.cited.quote {
                    line.push_str("  ");
                    line.push_str(&quoted(q));
                }
                if let Some(source) = t.cited.display_source(lang) {
                    line.push_str(&match lang {
                        Lang::En => format!("  (source: {source})"),
                        Lang::Zh => format!("  （依据：{source}）"),
                    });
                }
                line
            })
            .collect();
        facts.push((lang.pick("tiers", "标准档"), lines));
    }
    let width = facts.iter().map(|(k, _)| cells(k)).max().unwrap_or(0);
    for (k, lines) in facts {
        for (i, line) in lines.iter().enumerate() {
            let key = if i == 0 { k } else { "" };
            // A multi-line TOML string keeps to its own line, as a table cell does.
            let line: String = line
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            out.push_str(&format!(
                "  {key}{}  {line}\n",
                " ".repeat(width - cells(key))
            ));
        }
    }
}
