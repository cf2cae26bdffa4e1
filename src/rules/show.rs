//! The rules as text for people: name, source, rounding, then aligned tables of classes, tiers
//! and budgets (with what each budget does on an overrun, when not just report it). Used by `roadsub rules show` and the interactive table's rules screen.

use super::{Draw, OnOverrun, RuleSet};
use crate::i18n::Lang;
use crate::money;
use crate::textwidth::{Align, Table};

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
    let rounding = match m.rounding {
        money::Rounding::HalfAwayFromZero => {
            lang.pick("half away from zero (四舍五入)", "四舍五入")
        }
        money::Rounding::HalfEven => lang.pick("half to even (四舍六入五成双)", "四舍六入五成双"),
    };
    facts.push((
        lang.pick("rounding", "舍入"),
        format!("{} ({})", rounding, m.rounding.key()),
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
    let mut classes = Table::new(
        vec![
            lang.pick("class", "类别").into(),
            lang.pick("name", "名称").into(),
            lang.pick("also accepted", "也可写作").into(),
        ],
        vec![Align::Left; 3],
    )
    .max_cell(80);
    for c in &rules.classes {
        classes.push(vec![
            c.id.clone(),
            c.display(lang).to_string(),
            c.aliases.join(lang.pick(", ", "、")),
        ]);
    }
    out.push_str(&classes.render());

    out.push('\n');
    let mut tiers = Table::new(
        vec![
            lang.pick("fund", "资金编号").into(),
            lang.pick("name", "资金来源").into(),
            lang.pick("classes", "适用类别").into(),
            lang.pick("min width", "最小宽度").into(),
            lang.pick("rate per km", "每公里补助").into(),
        ],
        vec![
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
        ],
    )
    .max_cell(60);
    for f in &rules.funds {
        for t in &f.tiers {
            let names: Vec<&str> = t
                .classes
                .iter()
                .map(|&c| rules.classes[c].display(lang))
                .collect();
            let rate = money::grouped(t.rate_per_km);
            let rate = if f.up_to {
                format!("{} {rate}", lang.pick("up to", "不超过"))
            } else {
                rate
            };
            tiers.push(vec![
                f.id.clone(),
                f.display(lang).to_string(),
                names.join(lang.pick(", ", "、")),
                format!("{} {}", money::measure(t.min_width_m), lang.pick("m", "米")),
                rate,
            ]);
        }
    }
    out.push_str(&tiers.render());

    if !rules.budgets.is_empty() {
        out.push('\n');
        // The heading names sources only where a budget holds one, so rules without one read
        // as they always have.
        let drawn_on = if rules.budgets.iter().any(|b| b.fund().is_none()) {
            lang.pick("fund or source", "资金或筹资来源")
        } else {
            lang.pick("fund", "资金来源")
        };
        let mut budgets = Table::new(
            vec![
                lang.pick("budget", "预算额度").into(),
                drawn_on.into(),
                lang.pick("class", "类别").into(),
                lang.pick("amount", "金额（元）").into(),
            ],
            vec![Align::Left, Align::Left, Align::Left, Align::Right],
        )
        .max_cell(60);
        for b in &rules.budgets {
            let class = b.class.map_or(lang.pick("all", "全部").to_string(), |c| {
                rules.classes[c].display(lang).to_string()
            });
            let amount = money::grouped(b.envelope);
            let amount = if b.per_village {
                format!("{amount} {}", lang.pick("per village", "每村"))
            } else {
                amount
            };
            // A source's key alone (village_fund) would not say which column of the table it
            // is measured from: its name does.
            let draw = match b.draw {
                Draw::Fund(_) => b.draw_key(rules).to_string(),
                Draw::Source(s) => match lang {
                    Lang::En => format!("{} ({})", s.key(), s.display(lang)),
                    Lang::Zh => format!("{}（{}）", s.key(), s.display(lang)),
                },
            };
            budgets.push(vec![b.display(rules, lang), draw, class, amount]);
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
