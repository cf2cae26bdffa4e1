//! A variant rules file in words: what differs from the rules in force, so a comparison says
//! what it compares (`--set` says it with each change's own words). Everything that can
//! change a number is either named (rates, budgets, funds, rounding, the effective date) or
//! said to differ ("other differences: classes …"): the description never says that nothing
//! differs while something that moves the totals does.

use crate::i18n::Lang;
use crate::money;
use crate::rules::{Budget, Change, Draw, RuleSet};

/// How a line about one thing starts: `budget 社级道路建设: `, `预算额度 社级道路建设：`.
fn about(what_en: &str, what_zh: &str, name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{what_en} {name}: "),
        Lang::Zh => format!("{what_zh} {name}："),
    }
}

/// How a line names a fund: in English by its id (the word the CSV columns use), in Chinese
/// by its name (an id is English and means nothing inside a Chinese sentence).
fn fund_word(fund: &crate::rules::Fund, lang: Lang) -> String {
    match lang {
        Lang::En => fund.id.clone(),
        Lang::Zh => fund.display(lang).to_string(),
    }
}

/// A midpoint rule as a line names it: in English by its key in a rules file, in Chinese by
/// its Chinese name (四舍五入), as `rules show` says it.
fn rounding_word(rounding: crate::money::Rounding, lang: Lang) -> &'static str {
    match lang {
        Lang::En => rounding.key(),
        Lang::Zh => crate::rules::rounding_name(rounding, lang),
    }
}

fn yes_no(b: bool, lang: Lang) -> &'static str {
    match (b, lang) {
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
    }
}

/// A thing's names on one side: the Chinese and the English one (the Chinese when it has no
/// English name, as it is shown).
struct Names {
    zh: String,
    en: String,
}

/// A name change in words, `FROM → TO`, when a name differs in either language: in the
/// reader's language, with the other language's names beside them where those differ too,
/// or in the other language when only those differ (a Chinese name changed under the same
/// English one would read `X → X` in English).
fn name_change(x: &Names, y: &Names, lang: Lang) -> Option<String> {
    let mine = |n: &Names| -> String {
        match lang {
            Lang::En => n.en.clone(),
            Lang::Zh => n.zh.clone(),
        }
    };
    let other = |n: &Names| -> String {
        match lang {
            Lang::En => n.zh.clone(),
            Lang::Zh => n.en.clone(),
        }
    };
    let (mine_differs, other_differs) = (mine(x) != mine(y), other(x) != other(y));
    let side = |n: &Names| match (mine_differs, other_differs) {
        (true, true) if mine(n) != other(n) => match lang {
            Lang::En => format!("{} ({})", mine(n), other(n)),
            Lang::Zh => format!("{}（{}）", mine(n), other(n)),
        },
        (true, _) => mine(n),
        (false, _) => other(n),
    };
    (mine_differs || other_differs)
        .then(|| format!("{} {} → {}", lang.pick("name", "名称"), side(x), side(y)))
}

/// What a budget draws on, in words: its fund's name, or the source's.
fn draw(b: &Budget, rules: &RuleSet, lang: Lang) -> String {
    match b.draw {
        Draw::Fund(f) => rules.funds[f].display(lang).to_string(),
        Draw::Source(s) => s.display(lang).to_string(),
    }
}

/// A budget's class in words (every class when it names none).
fn class(b: &Budget, rules: &RuleSet, lang: Lang) -> String {
    b.class.map_or_else(
        || lang.pick("every class", "全部类别").to_string(),
        |c| rules.classes[c].display(lang).to_string(),
    )
}

/// What a budget does on overrun, without the words that say so (`prorate`, `按比例分摊`).
fn overrun(b: &Budget, lang: Lang) -> String {
    let text = b.on_overrun.describe(lang);
    text.split_once(lang.pick(": ", "："))
        .map_or(text, |(_, what)| what)
        .to_string()
}

/// The fields of a budget that differ between `x` (in force) and `y` (the variant), one line
/// each, named by the budget's name in force.
fn budget_lines(
    x: &Budget,
    y: &Budget,
    before: &RuleSet,
    after: &RuleSet,
    lang: Lang,
) -> Vec<String> {
    let name = x.display(before, lang);
    let head = about("budget", "预算额度", &name, lang);
    let mut out = Vec::new();
    let names = |b: &Budget, r: &RuleSet| {
        let zh = b.name.clone().unwrap_or_else(|| b.display(r, Lang::Zh));
        let en = b.name_en.clone().unwrap_or_else(|| match &b.name {
            Some(name) => name.clone(),
            None => b.display(r, Lang::En),
        });
        Names { zh, en }
    };
    if let Some(change) = name_change(&names(x, before), &names(y, after), lang) {
        out.push(format!("{head}{change}"));
    }
    let mut line = |what_en: &str, what_zh: &str, from: String, to: String| {
        if from != to {
            let what = lang.pick(what_en, what_zh);
            out.push(format!("{head}{what} {from} → {to}"));
        }
    };
    // In English the fund's id follows its name; in Chinese the name alone says it.
    let source = |b: &Budget, r: &RuleSet| match (b.draw, lang) {
        (Draw::Fund(_), Lang::En) => format!("{} ({})", draw(b, r, lang), b.draw_key(r)),
        _ => draw(b, r, lang),
    };
    // Matched by id: a fund renamed in the variant is the same fund.
    if x.draw_key(before) != y.draw_key(after) {
        line(
            "fund or source",
            "资金或来源",
            source(x, before),
            source(y, after),
        );
    }
    let class_id = |b: &Budget, r: &RuleSet| b.class.map(|c| r.classes[c].id.clone());
    if class_id(x, before) != class_id(y, after) {
        line(
            "class",
            "类别",
            class(x, before, lang),
            class(y, after, lang),
        );
    }
    line(
        "per village",
        "按村分配",
        yes_no(x.per_village, lang).to_string(),
        yes_no(y.per_village, lang).to_string(),
    );
    line("on overrun", "超支时", overrun(x, lang), overrun(y, lang));
    let amount = |b: &Budget| match lang {
        Lang::En => format!("{} yuan", money::grouped(b.envelope)),
        Lang::Zh => format!("{}元", money::exact_wan(b.envelope)),
    };
    if x.envelope != y.envelope {
        line("amount", "额度", amount(x), amount(y));
    }
    out
}

/// The rate lines of the funds both rule sets have, and whether some tier of them is not
/// matched (a tier added, removed, re-dated or given other classes).
fn rate_lines(before: &RuleSet, after: &RuleSet, lang: Lang, out: &mut Vec<String>) -> Vec<String> {
    let mut unmatched = Vec::new();
    for (f, fund) in before.funds.iter().enumerate() {
        let Some(theirs) = after.funds.iter().find(|g| g.id == fund.id) else {
            continue;
        };
        let mut matched = 0;
        let mut whole = true;
        for tier in &fund.tiers {
            for &class in &tier.classes {
                let id = &before.classes[class].id;
                let found = theirs.tiers.iter().find(|t| {
                    t.min_width_m == tier.min_width_m
                        && t.period == tier.period
                        && t.classes.iter().any(|&c| &after.classes[c].id == id)
                });
                let Some(t) = found else {
                    whole = false;
                    continue;
                };
                matched += 1;
                if t.rate_per_km != tier.rate_per_km {
                    let change = Change {
                        text: String::new(),
                        fund: f,
                        class,
                        width_m: tier.min_width_m,
                        period: tier.period,
                        from: tier.rate_per_km,
                        to: t.rate_per_km,
                    };
                    out.push(change.describe(before, lang));
                }
            }
        }
        let theirs_count: usize = theirs.tiers.iter().map(|t| t.classes.len()).sum();
        if !whole || theirs_count != matched {
            unmatched.push(fund_word(fund, lang));
        }
    }
    unmatched
}

/// The lines about funds: removed, added, renamed, a ceiling or not, paid in another order.
fn fund_lines(before: &RuleSet, after: &RuleSet, lang: Lang, out: &mut Vec<String>) {
    for fund in &before.funds {
        let head = about("fund", "资金", &fund_word(fund, lang), lang);
        let Some(theirs) = after.funds.iter().find(|g| g.id == fund.id) else {
            out.push(format!(
                "{head}{}",
                lang.pick("only in the rules in force", "仅现行规则有")
            ));
            continue;
        };
        let names = |f: &crate::rules::Fund| Names {
            zh: f.name.clone(),
            en: f.display(Lang::En).to_string(),
        };
        if let Some(change) = name_change(&names(fund), &names(theirs), lang) {
            out.push(format!("{head}{change}"));
        }
        if fund.up_to != theirs.up_to {
            let kind = |up_to: bool| match (up_to, lang) {
                (true, Lang::En) => "a ceiling (up to)",
                (false, Lang::En) => "a fixed rate",
                (true, Lang::Zh) => "上限（以内）",
                (false, Lang::Zh) => "定额",
            };
            out.push(format!(
                "{head}{} {} → {}",
                lang.pick("rate is", "标准为"),
                kind(fund.up_to),
                kind(theirs.up_to)
            ));
        }
    }
    for fund in &after.funds {
        if !before.funds.iter().any(|g| g.id == fund.id) {
            out.push(format!(
                "{}{}",
                about("fund", "资金", &fund_word(fund, lang), lang),
                lang.pick("only in the variant", "仅对比规则有")
            ));
        }
    }
    // Funds pay in file order, each on what the ones before it leave.
    // Compared by id (a renamed fund is the same fund), said by name.
    let order = |mine: &RuleSet, other: &RuleSet| -> (Vec<String>, Vec<String>) {
        mine.funds
            .iter()
            .filter(|f| other.funds.iter().any(|g| g.id == f.id))
            .map(|f| (f.id.clone(), fund_word(f, lang)))
            .unzip()
    };
    let ((ib, ob), (ia, oa)) = (order(before, after), order(after, before));
    if ib != ia {
        out.push(format!(
            "{}{} → {}",
            lang.pick("order the funds pay in: ", "资金计算顺序："),
            ob.join(lang.pick(", ", "、")),
            oa.join(lang.pick(", ", "、"))
        ));
    }
}

/// The lines about budgets, each matched with itself on the other side by what it is (see
/// [`super::budgets`]), not by its place: a budget on one side only is said so, and a changed
/// order only where it can change what budgets pay.
fn budgets(before: &RuleSet, after: &RuleSet, lang: Lang, out: &mut Vec<String>) {
    let matched = super::budgets::matched(before, after);
    for (x, m) in before.budgets.iter().zip(&matched) {
        match m {
            Some(j) => out.extend(budget_lines(x, &after.budgets[*j], before, after, lang)),
            None => out.push(format!(
                "{}{}",
                about("budget", "预算额度", &x.display(before, lang), lang),
                lang.pick("only in the rules in force", "仅现行规则有")
            )),
        }
    }
    for (j, y) in after.budgets.iter().enumerate() {
        if !matched.contains(&Some(j)) {
            out.push(format!(
                "{}{}",
                about("budget", "预算额度", &y.display(after, lang), lang),
                lang.pick("only in the variant", "仅对比规则有")
            ));
        }
    }
    // A later budget over the same rows shares out what an earlier one left: their order
    // can change what each pays.
    let pairs: Vec<(usize, usize)> = matched
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|j| (i, j)))
        .collect();
    for (k, &(i1, j1)) in pairs.iter().enumerate() {
        for &(i2, j2) in &pairs[k + 1..] {
            let (x1, x2) = (&before.budgets[i1], &before.budgets[i2]);
            let (y1, y2) = (&after.budgets[j1], &after.budgets[j2]);
            let overlap = super::budgets::order_matters(x1, x2, before)
                || super::budgets::order_matters(y1, y2, after);
            if j1 > j2 && overlap {
                let (n1, n2) = (x1.display(before, lang), x2.display(before, lang));
                out.push(match lang {
                    Lang::En => format!(
                        "order of budgets {n1} and {n2}: {n1} first → {n2} first (over the same rows, a later budget shares out what an earlier one leaves)"
                    ),
                    Lang::Zh => format!(
                        "预算额度 {n1} 与 {n2} 的顺序：{n1} 在前 → {n2} 在前（同一批路段上，后面的额度分配前面的额度剩下的）"
                    ),
                });
            }
        }
    }
}

/// The parts that can change a number but are not said line by line: named in one line.
fn other_parts(before: &RuleSet, after: &RuleSet, unmatched: &[String], lang: Lang) -> Vec<String> {
    let mut parts = Vec::new();
    for name in unmatched {
        parts.push(match lang {
            Lang::En => format!("the tiers of fund {name}"),
            Lang::Zh => format!("{name}的标准档"),
        });
    }
    let classes = |r: &RuleSet| -> Vec<(String, String, Option<String>, Vec<String>)> {
        r.classes
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    c.name.clone(),
                    c.name_en.clone(),
                    c.aliases.clone(),
                )
            })
            .collect()
    };
    if classes(before) != classes(after) {
        parts.push(
            lang.pick("road classes or their aliases", "道路类别或其别名")
                .to_string(),
        );
    }
    // Of the funds both have (a fund only one has is a line of its own).
    let aliases_differ = before.funds.iter().any(|f| {
        after
            .funds
            .iter()
            .any(|g| g.id == f.id && g.approved_aliases != f.approved_aliases)
    });
    if aliases_differ {
        parts.push(
            lang.pick(
                "the approved-amount columns' aliases (approved_aliases)",
                "批复金额列的别名（approved_aliases）",
            )
            .to_string(),
        );
    }
    if before.meta.plausible_cost_per_km != after.meta.plausible_cost_per_km {
        parts.push(
            lang.pick(
                "the plausible cost range (plausible_cost_per_km)",
                "合理造价范围（plausible_cost_per_km）",
            )
            .to_string(),
        );
    }
    parts
}

/// Every difference between `before` (the rules in force) and `after` (a variant file) that
/// can change a number, one line each; parts not said line by line are named in a last line.
pub fn differences(before: &RuleSet, after: &RuleSet, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let unmatched = rate_lines(before, after, lang, &mut out);
    fund_lines(before, after, lang, &mut out);
    budgets(before, after, lang, &mut out);
    let (mb, ma) = (&before.meta, &after.meta);
    if mb.rounding != ma.rounding {
        out.push(format!(
            "{}{} → {}",
            lang.pick("rounding: ", "舍入规则："),
            rounding_word(mb.rounding, lang),
            rounding_word(ma.rounding, lang)
        ));
    }
    if mb.effective != ma.effective {
        let day = |d: &Option<String>| {
            d.clone()
                .unwrap_or_else(|| lang.pick("none", "未写明").to_string())
        };
        out.push(format!(
            "{}{} → {}",
            lang.pick("effective date: ", "生效日期："),
            day(&mb.effective),
            day(&ma.effective)
        ));
    }
    let other = other_parts(before, after, &unmatched, lang);
    if !other.is_empty() {
        out.push(format!(
            "{}{}{}",
            lang.pick("other differences: ", "其他不同："),
            other.join(lang.pick(", ", "、")),
            lang.pick(
                " (roadsub rules show prints each file)",
                "（roadsub rules show 可分别显示两个文件）"
            )
        ));
    }
    if out.is_empty() {
        out.push(
            lang.pick(
                "nothing that can change an amount differs from the rules in force",
                "可能影响金额的内容均与现行规则相同",
            )
            .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests;
