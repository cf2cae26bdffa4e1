//! A variant rules file in words: which rates and budgets differ from the rules in force, so
//! a comparison says what it compares (`--set` says it with each change's own words).

use crate::i18n::Lang;
use crate::money;
use crate::rules::{Change, RuleSet};

/// The rates (by fund, class, tier width and period) and budget envelopes (by name) in which
/// `after` differs from `before`, one line each; anything else that differs (funds, tiers or
/// budgets one side has and the other has not) said in a line of its own.
pub fn differences(before: &RuleSet, after: &RuleSet, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let mut other = false;
    for (f, fund) in before.funds.iter().enumerate() {
        let Some(theirs) = after.funds.iter().find(|g| g.id == fund.id) else {
            other = true;
            continue;
        };
        let mut matched = 0;
        for tier in &fund.tiers {
            for &class in &tier.classes {
                let id = &before.classes[class].id;
                let found = theirs.tiers.iter().find(|t| {
                    t.min_width_m == tier.min_width_m
                        && t.period == tier.period
                        && t.classes.iter().any(|&c| &after.classes[c].id == id)
                });
                let Some(t) = found else {
                    other = true;
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
        if theirs_count != matched {
            other = true;
        }
    }
    if after.funds.len() != before.funds.len() {
        other = true;
    }
    if after.budgets.len() != before.budgets.len() {
        other = true;
    }
    for (x, y) in before.budgets.iter().zip(&after.budgets) {
        let (nx, ny) = (x.display(before, lang), y.display(after, lang));
        if nx != ny || x.per_village != y.per_village || x.on_overrun != y.on_overrun {
            other = true;
        } else if x.envelope != y.envelope {
            out.push(match lang {
                Lang::En => format!(
                    "budget {nx}: {} → {} yuan",
                    money::grouped(x.envelope),
                    money::grouped(y.envelope)
                ),
                Lang::Zh => format!(
                    "预算额度 {nx}：{} → {}元",
                    money::exact_wan(x.envelope),
                    money::exact_wan(y.envelope)
                ),
            });
        }
    }
    if other {
        out.push(
            lang.pick(
                "other differences in funds, tiers or budgets (roadsub rules show prints each file)",
                "资金、标准档或预算额度另有不同（roadsub rules show 可分别显示两个文件）",
            )
            .to_string(),
        );
    }
    if out.is_empty() {
        out.push(
            lang.pick(
                "no rate or budget differs from the rules in force",
                "标准与预算额度均与现行规则相同",
            )
            .to_string(),
        );
    }
    out
}
