//! Totals of a run: per fund, subsidy, shortfall, km planned and finished, budget use, and the
//! same per township, village or class. Totals are sums of the rounded row amounts, so every
//! printed table adds up to the fen.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use crate::engine::{Breakdown, Segment};
use crate::i18n::Lang;
use crate::money;
use crate::rules::RuleSet;
use crate::table::RowText;
use crate::textwidth::{Align, Table};

/// What `--by` groups rows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// 乡镇.
    Township,
    /// 村 (within its township).
    Village,
    /// 道路类别.
    Class,
}

/// Sums over a set of segments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Segments counted.
    pub segments: u64,
    /// Σ length, km.
    pub planned_km: Decimal,
    /// Σ completed, km.
    pub completed_km: Decimal,
    /// Σ cost.
    pub cost: Decimal,
    /// Σ paid, per fund.
    pub paid: Vec<Decimal>,
    /// Σ subsidy.
    pub subsidy: Decimal,
    /// Σ other funds.
    pub other_funds: Decimal,
    /// Σ shortfall.
    pub shortfall: Decimal,
}

/// An addition left the exact range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SumOverflow;

fn add(a: &mut Decimal, b: Decimal) -> Result<(), SumOverflow> {
    *a = a.checked_add(b).ok_or(SumOverflow)?;
    Ok(())
}

impl Totals {
    fn add(&mut self, seg: &Segment, b: &Breakdown) -> Result<(), SumOverflow> {
        self.segments += 1;
        add(&mut self.planned_km, seg.length_km)?;
        add(&mut self.completed_km, seg.completed_km.unwrap_or_default())?;
        add(&mut self.cost, b.cost)?;
        if self.paid.len() < b.shares.len() {
            self.paid.resize(b.shares.len(), Decimal::ZERO);
        }
        for (sum, share) in self.paid.iter_mut().zip(&b.shares) {
            add(sum, share.paid)?;
        }
        add(&mut self.subsidy, b.subsidy_total)?;
        add(&mut self.other_funds, seg.other_funds)?;
        add(&mut self.shortfall, b.shortfall)
    }
}

/// Use of one budget envelope.
#[derive(Debug, Clone, Default)]
pub struct BudgetUse {
    /// Σ paid by the budget's fund on matching segments.
    pub used: Decimal,
    /// The same per (township, village), for per-village envelopes.
    pub per_village: HashMap<(String, String), Decimal>,
}

/// Everything a run adds up.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Over all good rows.
    pub total: Totals,
    /// Per group, when grouping.
    pub groups: BTreeMap<String, Totals>,
    /// Per budget, in rules order.
    pub budgets: Vec<BudgetUse>,
    by: Option<GroupBy>,
}

impl Summary {
    /// An empty summary for `rules`, grouping by `by`.
    pub fn new(rules: &RuleSet, by: Option<GroupBy>) -> Summary {
        let total = Totals {
            paid: vec![Decimal::ZERO; rules.funds.len()],
            ..Totals::default()
        };
        Summary {
            total,
            groups: BTreeMap::new(),
            budgets: vec![BudgetUse::default(); rules.budgets.len()],
            by,
        }
    }

    /// Adds one computed row.
    pub fn add(
        &mut self,
        rules: &RuleSet,
        seg: &Segment,
        text: &RowText,
        b: &Breakdown,
    ) -> Result<(), SumOverflow> {
        self.total.add(seg, b)?;
        if let Some(by) = self.by {
            let key = match by {
                GroupBy::Township => text.township,
                GroupBy::Village => "",
                GroupBy::Class => rules.classes[seg.class].id.as_str(),
            };
            let owned;
            let key = if by == GroupBy::Village {
                owned = format!("{} {}", text.township, text.village);
                owned.as_str()
            } else {
                key
            };
            match self.groups.get_mut(key) {
                Some(t) => t.add(seg, b)?,
                None => {
                    let mut t = Totals::default();
                    t.add(seg, b)?;
                    self.groups.insert(key.to_string(), t);
                }
            }
        }
        for (budget, used) in rules.budgets.iter().zip(&mut self.budgets) {
            if budget.class.is_some_and(|c| c != seg.class) {
                continue;
            }
            let paid = b.shares[budget.fund].paid;
            add(&mut used.used, paid)?;
            if budget.per_village {
                let key = (text.township.to_string(), text.village.to_string());
                add(used.per_village.entry(key).or_default(), paid)?;
            }
        }
        Ok(())
    }

    /// The summary as aligned text.
    pub fn render(&self, rules: &RuleSet, lang: Lang) -> String {
        let mut out = String::new();
        let t = &self.total;
        out.push_str(&format!(
            "{} — {}\n",
            lang.pick("Summary", "汇总"),
            rules.meta.display_name(lang)
        ));
        let pct = |part: Decimal, whole: Decimal| {
            if whole.is_zero() {
                "—".to_string()
            } else {
                format!("{:.1}%", (part * Decimal::ONE_HUNDRED / whole).round_dp(1))
            }
        };
        out.push_str(&match lang {
            Lang::En => format!(
                "{} segments, {} km planned, {} km completed ({})\n\n",
                t.segments,
                money::measure(t.planned_km),
                money::measure(t.completed_km),
                pct(t.completed_km, t.planned_km)
            ),
            Lang::Zh => format!(
                "路段 {} 个，计划 {} 公里，已完工 {} 公里（{}）\n\n",
                t.segments,
                money::measure(t.planned_km),
                money::measure(t.completed_km),
                pct(t.completed_km, t.planned_km)
            ),
        });
        let mut amounts = Table::new(
            vec![
                lang.pick("item", "项目").into(),
                lang.pick("yuan", "金额（元）").into(),
            ],
            vec![Align::Left, Align::Right],
        )
        .max_cell(60);
        amounts.push(vec![
            lang.pick("cost", "总造价").into(),
            money::grouped(t.cost),
        ]);
        for (fund, paid) in rules.funds.iter().zip(&t.paid) {
            amounts.push(vec![
                format!("{} ({})", fund.id, fund.display(lang)),
                money::grouped(*paid),
            ]);
        }
        amounts.push(vec![
            lang.pick("subsidy_total", "补助合计").into(),
            money::grouped(t.subsidy),
        ]);
        amounts.push(vec![
            lang.pick("other_funds", "整合资金").into(),
            money::grouped(t.other_funds),
        ]);
        amounts.push(vec![
            lang.pick("shortfall", "差额（村自筹）").into(),
            money::grouped(t.shortfall),
        ]);
        out.push_str(&amounts.render());
        if !rules.budgets.is_empty() {
            out.push('\n');
            out.push_str(&self.render_budgets(rules, lang));
        }
        if let Some(by) = self.by {
            out.push('\n');
            out.push_str(&self.render_groups(rules, lang, by));
        }
        out
    }

    fn render_budgets(&self, rules: &RuleSet, lang: Lang) -> String {
        let mut table = Table::new(
            vec![
                lang.pick("budget", "预算额度").into(),
                lang.pick("envelope", "额度").into(),
                lang.pick("used", "已用").into(),
                lang.pick("left", "剩余").into(),
                lang.pick("use", "使用率").into(),
            ],
            vec![
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
            ],
        )
        .max_cell(60);
        let mut overruns = Vec::new();
        for (budget, used) in rules.budgets.iter().zip(&self.budgets) {
            let name = budget.display(rules, lang);
            let mut check = |label: String, envelope: Decimal, used: Decimal| {
                let left = envelope - used;
                let share = if envelope.is_zero() {
                    "—".to_string()
                } else {
                    format!(
                        "{:.1}%",
                        (used * Decimal::ONE_HUNDRED / envelope).round_dp(1)
                    )
                };
                if left.is_sign_negative() && !left.is_zero() {
                    overruns.push(match lang {
                        Lang::En => format!(
                            "OVER BUDGET: {label} needs {} yuan, {} more than its envelope of {} yuan",
                            money::grouped(used),
                            money::grouped(-left),
                            money::grouped(envelope)
                        ),
                        Lang::Zh => format!(
                            "超出预算：{label} 需要 {} 元，超出额度 {} 元 {} 元",
                            money::grouped(used),
                            money::grouped(envelope),
                            money::grouped(-left)
                        ),
                    });
                }
                (label, envelope, used, left, share)
            };
            let rows: Vec<_> = if budget.per_village {
                let mut villages: Vec<_> = used.per_village.iter().collect();
                villages.sort();
                villages
                    .into_iter()
                    .map(|((town, village), u)| {
                        check(format!("{name} · {town} {village}"), budget.amount, *u)
                    })
                    .collect()
            } else {
                vec![check(name, budget.amount, used.used)]
            };
            for (label, envelope, used, left, share) in rows {
                table.push(vec![
                    label,
                    money::grouped(envelope),
                    money::grouped(used),
                    money::grouped(left),
                    share,
                ]);
            }
        }
        let mut out = table.render();
        for line in overruns {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    fn render_groups(&self, rules: &RuleSet, lang: Lang, by: GroupBy) -> String {
        let mut header = vec![
            match by {
                GroupBy::Township => lang.pick("township", "乡镇"),
                GroupBy::Village => lang.pick("village", "村"),
                GroupBy::Class => lang.pick("class", "道路类别"),
            }
            .to_string(),
            lang.pick("segments", "路段数").into(),
            lang.pick("km", "公里").into(),
            lang.pick("completed", "已完工").into(),
        ];
        header.extend(rules.funds.iter().map(|f| f.id.clone()));
        header.extend([
            lang.pick("subsidy_total", "补助合计").into(),
            lang.pick("shortfall", "差额").into(),
        ]);
        let mut align = vec![Align::Left];
        align.resize(header.len(), Align::Right);
        let mut table = Table::new(header, align).max_cell(40);
        let row = |label: String, t: &Totals| {
            let mut cells = vec![
                label,
                t.segments.to_string(),
                money::measure(t.planned_km),
                money::measure(t.completed_km),
            ];
            cells.extend(t.paid.iter().map(|p| money::grouped(*p)));
            cells.extend([money::grouped(t.subsidy), money::grouped(t.shortfall)]);
            cells
        };
        for (key, totals) in &self.groups {
            let label = match by {
                GroupBy::Class => rules
                    .classes
                    .iter()
                    .find(|c| &c.id == key)
                    .map_or(key.clone(), |c| c.display(lang).to_string()),
                _ => key.clone(),
            };
            table.push(row(label, totals));
        }
        table.push(row(lang.pick("total", "合计").into(), &self.total));
        table.render()
    }
}
