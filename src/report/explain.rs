//! Why a row's numbers are what they are, step by step (SPEC §9): for each fund the tier
//! taken and why the others were not, rate × length and its rounding, an approval, the cuts
//! by cost and by budget; then the gap, the sources, the shortfall, per household and due.
//! One trace, said in text or given as JSON, so `roadsub explain` and its JSON agree.

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::engine::{Breakdown, Cost, Note, Segment, Source};
use crate::i18n::Lang;
use crate::money::{self, Rounding};
use crate::rules::{FundId, RuleSet, TierChoice, When};

/// What happened to one fund's amount on one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundTrace {
    /// The fund.
    pub fund: FundId,
    /// The tier taken, or why none.
    pub tier: TierChoice,
    /// The fund's other tiers for the row's class, each with its minimum width and whether it
    /// is wider than the row (else a wider tier that fits was taken instead).
    pub not_taken: Vec<(Decimal, bool)>,
    /// The fund's tiers for the row's class not in force on its date (under dated rules),
    /// each with its minimum width and period: never alternatives, but said, since one of
    /// them may be what the row would take on another day (review 37).
    pub out_of_period: Vec<(Decimal, crate::rules::Period)>,
    /// rate × length before rounding, when a tier applies.
    pub exact: Option<Decimal>,
    /// rate × length rounded to the fen.
    pub nominal: Decimal,
    /// An amount approved below the ceiling.
    pub approved: Option<Decimal>,
    /// What the cost left the fund, when it cut it.
    pub by_cost: Option<Decimal>,
    /// Each budget that cut the fund: how, from and to.
    pub by_budget: Vec<(crate::engine::BudgetCut, Decimal, Decimal)>,
    /// What the funds before this one paid, before any budget cut them (what the cost left
    /// this one is the cost less that).
    pub before: Decimal,
    /// What the fund pays.
    pub paid: Decimal,
}

/// Where the day (or year) that chose a row's rates came from, under dated rules (SPEC §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatedBy {
    /// The row's `date` (日期).
    RowDate,
    /// The row's `year` (年度).
    RowYear,
    /// `--as-of`, for a row that gives neither.
    AsOf,
    /// The rules' `effective` date, for a row that gives neither, without `--as-of`.
    Effective,
    /// Nothing dates the row: only tiers without a period apply.
    Nothing,
}

impl DatedBy {
    /// Its name in the JSON trace.
    pub fn key(self) -> &'static str {
        match self {
            DatedBy::RowDate => "row_date",
            DatedBy::RowYear => "row_year",
            DatedBy::AsOf => "as_of",
            DatedBy::Effective => "effective",
            DatedBy::Nothing => "none",
        }
    }
}

/// What dates `segment`: its own date or year, else the rules' as-of day.
fn when(rules: &RuleSet, segment: &Segment) -> When {
    segment.date.unwrap_or(rules.as_of())
}

/// Which date's rates a row took and where that date came from, under dated rules (`None`
/// under rules without periods, where no date is looked at). `as_of_given`: whether
/// `--as-of` set the rules' as-of day, which is else their effective date.
pub fn dated(rules: &RuleSet, segment: &Segment, as_of_given: bool) -> Option<(When, DatedBy)> {
    if !rules.is_dated() {
        return None;
    }
    let by = match (segment.date, rules.as_of()) {
        (Some(When::Day(_)), _) => DatedBy::RowDate,
        (Some(When::Year(_)), _) => DatedBy::RowYear,
        (Some(When::Undated), _) | (None, When::Undated) => DatedBy::Nothing,
        (None, _) if as_of_given => DatedBy::AsOf,
        (None, _) => DatedBy::Effective,
    };
    Some((when(rules, segment), by))
}

/// The trace of every fund of a computed row.
pub fn trace(rules: &RuleSet, segment: &Segment, breakdown: &Breakdown) -> Vec<FundTrace> {
    rules
        .funds
        .iter()
        .enumerate()
        .zip(&breakdown.shares)
        .map(|((f, fund), share)| {
            // Only tiers in force on the row's date are alternatives to the one taken.
            let when = when(rules, segment);
            let mut widths: Vec<Decimal> = fund
                .tiers
                .iter()
                .filter(|t| t.classes.contains(&segment.class) && when.in_force(&t.period))
                .map(|t| t.min_width_m)
                .collect();
            widths.sort();
            widths.dedup();
            let taken = match share.tier {
                TierChoice::Tier(t) => Some(fund.tiers[t].min_width_m),
                _ => None,
            };
            let not_taken = widths
                .into_iter()
                .filter(|w| Some(*w) != taken)
                .map(|w| (w, w > segment.width_m))
                .collect();
            let mut out_of_period: Vec<_> = fund
                .tiers
                .iter()
                .filter(|t| t.classes.contains(&segment.class) && !when.in_force(&t.period))
                .map(|t| (t.min_width_m, t.period))
                .collect();
            out_of_period
                .sort_by(|a, b| (b.0, a.1.from, a.1.until).cmp(&(a.0, b.1.from, b.1.until)));
            let exact = match share.tier {
                TierChoice::Tier(t) => fund.tiers[t].rate_per_km.checked_mul(segment.length_km),
                _ => None,
            };
            let mut out = FundTrace {
                fund: f,
                tier: share.tier,
                not_taken,
                out_of_period,
                exact,
                nominal: share.nominal,
                approved: None,
                by_cost: None,
                by_budget: Vec::new(),
                paid: share.paid,
                before: Decimal::ZERO,
            };
            for n in &breakdown.notes {
                match *n {
                    Note::Approved { fund, approved, .. } if fund == f => {
                        out.approved = Some(approved)
                    }
                    Note::CutByCost { fund, paid, .. } if fund == f => out.by_cost = Some(paid),
                    Note::CutByBudget { cut, from, to, .. } if cut.fund == f => {
                        out.by_budget.push((cut, from, to))
                    }
                    _ => {}
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .into_iter()
        .scan(Decimal::ZERO, |paid_before, mut t| {
            t.before = *paid_before;
            // What this fund paid before any budget cut it: the first cut's "from".
            *paid_before += t.by_budget.first().map_or(t.paid, |&(_, from, _)| from);
            Some(t)
        })
        .collect()
}

/// How a cost given per km comes to the cost the row is computed with: the rate times the
/// length, exact, then rounded to the fen by the rules' midpoint rule (`500,000.05 元 × 0.333
/// 公里 = 166,500.01665，四舍六入五成双到分为 166,500.02 元`). None for a cost given whole.
fn derived_cost(rules: &RuleSet, segment: &Segment, lang: Lang) -> Option<String> {
    let Cost::PerKm(per_km) = segment.cost else {
        return None;
    };
    let exact = per_km.checked_mul(segment.length_km)?.normalize();
    let rounding = rules.meta.rounding;
    let cost = money::grouped(rounding.to_fen(exact));
    let l = money::measure(segment.length_km);
    let per_km = money::grouped(per_km);
    let zh = lang == Lang::Zh;
    let product = if exact.scale() <= 2 {
        format!("{cost} {}", lang.pick("yuan", "元"))
    } else if zh {
        format!(
            "{}，{}到分为 {cost} 元",
            grouped_exact(exact),
            rounding_name(rounding, lang)
        )
    } else {
        format!(
            "{}, {} to the fen: {cost} yuan",
            grouped_exact(exact),
            rounding_name(rounding, lang)
        )
    };
    Some(if zh {
        format!("造价：每公里造价 {per_km} 元 × {l} 公里 = {product}\n")
    } else {
        format!("cost: {per_km} yuan per km × {l} km = {product}\n")
    })
}

/// An exact amount with thousands separators and every decimal it has (`166,500.01665`).
fn grouped_exact(amount: Decimal) -> String {
    let text = amount.to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let whole = money::whole_yuan(int.parse().unwrap_or_default());
    if frac.is_empty() {
        whole
    } else {
        format!("{whole}.{frac}")
    }
}

fn rounding_name(rounding: Rounding, lang: Lang) -> &'static str {
    match rounding {
        Rounding::HalfEven => lang.pick("rounded half to even", "四舍六入五成双"),
        _ => lang.pick("rounded half away from zero", "四舍五入"),
    }
}

/// A rate per km in words: `15万元/公里`, `25万元以内/公里`; `150,000 yuan/km`, `up to …`.
fn rate(rate: Decimal, up_to: bool, lang: Lang) -> String {
    let short = money::short_yuan(rate);
    match (lang, up_to) {
        (Lang::Zh, false) => format!("{short}元/公里"),
        (Lang::Zh, true) => format!("{short}元以内/公里"),
        (Lang::En, false) => format!("{} yuan/km", money::grouped(rate)),
        (Lang::En, true) => format!("up to {} yuan/km", money::grouped(rate)),
    }
}

/// How a budget came to pay a row `to` of the `from` it asked: its share of the envelope
/// (prorate), or what was left of it when the row's turn came (in order).
fn budget_arithmetic(
    cut: crate::engine::BudgetCut,
    from: Decimal,
    to: Decimal,
    lang: Lang,
) -> String {
    let (g, y) = (money::grouped, |d| in_yuan(d, lang));
    let zh = lang == Lang::Zh;
    match cut.how {
        crate::rules::OnOverrun::InOrder if to.is_zero() => lang
            .pick(
                "    paid in order of priority: the envelope was spent on the rows before it\n",
                "    按优先级依次足额安排：轮到本行时额度已用完\n",
            )
            .to_string(),
        crate::rules::OnOverrun::InOrder => {
            if zh {
                format!("    按优先级依次足额安排：轮到本行时额度只剩 {}\n", y(to))
            } else {
                format!(
                    "    paid in order of priority: {} of the envelope was left when its turn came\n",
                    y(to)
                )
            }
        }
        _ => {
            // The exact share, to four places; the fen comes from the running totals. The
            // product of two amounts near the largest computed exactly is past what a decimal
            // holds: the share of what was asked, taken first, is exact far past four places
            // (review 37: "≈ ," with nothing said).
            let share = cut
                .envelope
                .checked_mul(from)
                .and_then(|x| x.checked_div(cut.asked))
                .or_else(|| {
                    from.checked_div(cut.asked)
                        .and_then(|part| part.checked_mul(cut.envelope))
                })
                .map(|x| exact_share(x, lang))
                .unwrap_or_default();
            if zh {
                format!(
                    "    额度 {} × 本行申请 {} ÷ 共申请 {} ≈ {share}，按累计取整到分为 {}\n",
                    g(cut.envelope),
                    g(from),
                    g(cut.asked),
                    y(to)
                )
            } else {
                format!(
                    "    envelope {} × asked {} ÷ all asked {} ≈ {share}, to the fen by running totals: {}\n",
                    g(cut.envelope),
                    g(from),
                    g(cut.asked),
                    y(to)
                )
            }
        }
    }
}

/// A share before its rounding to the fen, to four places, grouped as every amount is and
/// with its unit (`190,673.5751 元`).
fn exact_share(share: Decimal, lang: Lang) -> String {
    // Always four places: 86,515.5410 is not 86,515.541 (review 41: a last zero dropped).
    let mut four = share.round_dp(4);
    four.rescale(4);
    let text = four.to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let int = int
        .parse::<Decimal>()
        .map_or_else(|_| int.to_string(), money::whole_yuan);
    let point = if frac.is_empty() { "" } else { "." };
    format!("{int}{point}{frac} {}", lang.pick("yuan", "元"))
}

/// An amount with its unit: every line of the trace ends its sum in yuan said as such (the
/// terms before it share the unit), as the first line states the cost (`360,000.00 元`).
fn in_yuan(amount: Decimal, lang: Lang) -> String {
    format!("{} {}", money::grouped(amount), lang.pick("yuan", "元"))
}

/// The trace of row `id` (on `line` of `file`) in `lang`, as lines of text.
pub fn text(
    rules: &RuleSet,
    (file, line, id): (&str, u64, &str),
    segment: &Segment,
    b: &Breakdown,
    lang: Lang,
) -> String {
    let (g, y) = (money::grouped, |d| in_yuan(d, lang));
    let zh = lang == Lang::Zh;
    // An id with a line break inside would break the trace's first line.
    let id = crate::textwidth::one_line(id);
    let class = rules.classes[segment.class].display(lang);
    let (w, l) = (
        money::measure(segment.width_m),
        money::measure(segment.length_km),
    );
    let mut out = if zh {
        format!(
            "{file}:{line} 路段 {id}：{class}，宽 {w} 米，长 {l} 公里；造价 {} 元\n",
            g(b.cost)
        )
    } else {
        format!(
            "{file}:{line} segment {id}: {class}, {w} m wide, {l} km; cost {} yuan\n",
            g(b.cost)
        )
    };
    if let Some(line) = derived_cost(rules, segment, lang) {
        out.push_str(&line);
    }
    if rules.is_dated() {
        // Dated rules: say which rates were in force for the row.
        out.push_str(&match (when(rules, segment), zh) {
            (When::Day(d), true) => format!("按 {d} 施行的标准计算\n"),
            (When::Day(d), false) => format!("rates in force on {d}\n"),
            (When::Year(y), true) => format!("按 {y} 年全年施行的标准计算\n"),
            (When::Year(y), false) => format!("rates in force all of {y}\n"),
            (When::Undated, true) => "按不设施行期间的标准计算\n".to_string(),
            (When::Undated, false) => "rates without a period\n".to_string(),
        });
    }
    for t in trace(rules, segment, b) {
        let fund = &rules.funds[t.fund];
        out.push_str(&format!("\n{}\n", fund.display(lang)));
        if let Some(source) = fund.cited.display_source(lang) {
            out.push_str(&format!("  {}{source}\n", lang.pick("source: ", "依据：")));
        }
        if let Some(quote) = &fund.cited.quote {
            out.push_str(&format!(
                "  {}“{quote}”\n",
                lang.pick("the policy: ", "原文：")
            ));
        }
        if let Some(reading) =
            crate::rules::display_opt(lang, fund.reading.as_deref(), fund.reading_en.as_deref())
        {
            out.push_str(&format!(
                "  {}{reading}\n",
                lang.pick("read as: ", "解读：")
            ));
        }
        match t.tier {
            TierChoice::Tier(i) => {
                let tier = &fund.tiers[i];
                let min = money::measure(tier.min_width_m);
                out.push_str(&if zh {
                    format!(
                        "  适用档：宽度 ≥{min} 米，{}\n",
                        rate(tier.rate_per_km, fund.up_to, lang)
                    )
                } else {
                    format!(
                        "  tier: width ≥{min} m, {}\n",
                        rate(tier.rate_per_km, fund.up_to, lang)
                    )
                });
                if let Some(quote) = &tier.cited.quote {
                    out.push_str(&format!(
                        "    {}“{quote}”\n",
                        lang.pick("the policy: ", "原文：")
                    ));
                }
                if let Some(source) = tier.cited.display_source(lang) {
                    out.push_str(&format!(
                        "    {}{source}\n",
                        lang.pick("source: ", "依据：")
                    ));
                }
            }
            TierChoice::BelowMinimum(min) => out.push_str(&if zh {
                format!(
                    "  无适用档：宽度 {w} 米低于最小宽度 {} 米\n",
                    money::measure(min)
                )
            } else {
                format!(
                    "  no tier: {w} m is below the {} m minimum\n",
                    money::measure(min)
                )
            }),
            TierChoice::NoTierForClass => out.push_str(&if zh {
                format!("  无适用档：没有{class}的补助标准\n")
            } else {
                format!("  no tier: no rate for {class}\n")
            }),
        }
        // With no tier taken, the line above already says why none fits.
        let taken = matches!(t.tier, TierChoice::Tier(_));
        for &(min, wider) in t.not_taken.iter().filter(|_| taken) {
            let min = money::measure(min);
            out.push_str(&match (zh, wider) {
                (true, true) => format!("  未用 ≥{min} 米档：宽度 {w} 米不足\n"),
                (true, false) => format!("  未用 ≥{min} 米档：有更宽的适用档\n"),
                (false, true) => format!("  not the ≥{min} m tier: {w} m is narrower\n"),
                (false, false) => format!("  not the ≥{min} m tier: a wider tier applies\n"),
            });
        }
        // Tiers of other periods: the row's date is why they were not taken.
        for &(min, period) in &t.out_of_period {
            let min = money::measure(min);
            let p = period.describe();
            out.push_str(&match (when(rules, segment), zh) {
                (When::Day(d), true) => format!("  未用 ≥{min} 米档（{p}）：{d} 不在其施行期内\n"),
                (When::Day(d), false) => {
                    format!("  not the ≥{min} m tier of {p}: not in force on {d}\n")
                }
                (When::Year(y), true) => format!("  未用 ≥{min} 米档（{p}）：{y} 年并非全年施行\n"),
                (When::Year(y), false) => {
                    format!("  not the ≥{min} m tier of {p}: not in force all of {y}\n")
                }
                (When::Undated, true) => {
                    format!("  未用 ≥{min} 米档（{p}）：本行没有日期，而该档设有施行期间\n")
                }
                (When::Undated, false) => {
                    format!("  not the ≥{min} m tier of {p}: the row has no date, and it has a period\n")
                }
            });
        }
        if let (TierChoice::Tier(i), Some(exact)) = (t.tier, t.exact) {
            let r = rate(fund.tiers[i].rate_per_km, false, lang);
            let exact = exact.normalize();
            // Exact to the fen already: the amount as every table shows it; else the exact
            // product, then the rounding rule and what it gives.
            let product = if exact.scale() <= 2 {
                y(t.nominal)
            } else if zh {
                format!(
                    "{exact}，{}到分为 {}",
                    rounding_name(rules.meta.rounding, lang),
                    y(t.nominal)
                )
            } else {
                format!(
                    "{exact}, {} to the fen: {}",
                    rounding_name(rules.meta.rounding, lang),
                    y(t.nominal)
                )
            };
            out.push_str(&if zh {
                format!("  {r} × {l} 公里 = {product}\n")
            } else {
                format!("  {r} × {l} km = {product}\n")
            });
        }
        if let Some(a) = t.approved {
            out.push_str(&if zh {
                format!("  批复 {}（不超过上限 {}）\n", y(a), y(t.nominal))
            } else {
                format!("  approved {} (the ceiling is {})\n", y(a), y(t.nominal))
            });
        }
        if let Some(p) = t.by_cost {
            out.push_str(&if zh {
                format!(
                    "  受造价限制核减为 {}：造价 {} − 前列资金 {} = {}（补助不超过造价）\n",
                    y(p),
                    g(b.cost),
                    g(t.before),
                    y(p)
                )
            } else {
                format!(
                    "  cut to {} so the subsidy does not exceed the cost: cost {} − the funds before {} = {}\n",
                    y(p),
                    g(b.cost),
                    g(t.before),
                    y(p)
                )
            });
        }
        for &(cut, from, to) in &t.by_budget {
            let name = rules.budgets[cut.budget].display(rules, lang);
            out.push_str(&if zh {
                format!("  经预算额度“{name}”由 {}核减为 {}\n", y(from), y(to))
            } else {
                format!(
                    "  cut from {} to {} by the budget \"{name}\"\n",
                    y(from),
                    y(to)
                )
            });
            out.push_str(&budget_arithmetic(cut, from, to, lang));
        }
        out.push_str(&if zh {
            format!("  实拨 {}\n", y(t.paid))
        } else {
            format!("  paid {}\n", y(t.paid))
        });
    }
    let sources: Decimal = segment.sources.0.iter().sum();
    out.push('\n');
    out.push_str(&if zh {
        format!(
            "造价 {} − 补助 {} = 差额 {}\n",
            g(b.cost),
            g(b.subsidy_total),
            y(b.gap)
        )
    } else {
        format!(
            "cost {} − subsidy {} = gap {}\n",
            g(b.cost),
            g(b.subsidy_total),
            y(b.gap)
        )
    });
    let named: Vec<String> = Source::ALL
        .iter()
        .filter(|&&s| !segment.sources.get(s).is_zero())
        .map(|&s| format!("{} {}", s.display(lang), g(segment.sources.get(s))))
        .collect();
    let named = if named.is_empty() {
        String::new()
    } else if zh {
        format!("（{}）", named.join("，"))
    } else {
        format!(" ({})", named.join(", "))
    };
    // Sources beyond the gap leave nothing to raise and a surplus: said as such, so the
    // subtraction written is true.
    let surplus = sources - b.gap;
    out.push_str(&match (zh, surplus > Decimal::ZERO) {
        (true, false) => format!(
            "差额 {} − 已筹 {}{named} = 尚需筹集 {}\n",
            g(b.gap),
            g(sources),
            y(b.shortfall)
        ),
        (true, true) => format!(
            "差额 {} − 已筹 {}{named} = −{}：尚需筹集 {}，多出 {}\n",
            g(b.gap),
            g(sources),
            y(surplus),
            y(b.shortfall),
            y(surplus)
        ),
        (false, false) => format!(
            "gap {} − sources {}{named} = shortfall {}\n",
            g(b.gap),
            g(sources),
            y(b.shortfall)
        ),
        (false, true) => format!(
            "gap {} − sources {}{named} = −{}: shortfall {}, a surplus of {}\n",
            g(b.gap),
            g(sources),
            y(surplus),
            y(b.shortfall),
            y(surplus)
        ),
    });
    if let (Some(per), Some(h)) = (b.per_household, segment.households) {
        // A share that is not whole fen says its exact value and the rounding, as a cost
        // given per km does (100.03 ÷ 2 = 50.015, which half to even makes 50.02).
        let exact = b
            .shortfall
            .checked_div(Decimal::from(h))
            .map(|q| q.normalize())
            .filter(|q| q.scale() > 2);
        let exact = exact.map(|q| match q.scale() {
            0..=6 => grouped_exact(q),
            _ => format!("{}…", grouped_exact(q.trunc_with_scale(6))),
        });
        let rounding = rounding_name(rules.meta.rounding, lang);
        let share = match (zh, exact) {
            (true, None) => format!("每户 {}", y(per)),
            (true, Some(q)) => format!("{q}，{rounding}到分为每户 {}", y(per)),
            (false, None) => format!("{} each", y(per)),
            (false, Some(q)) => format!("{q}, {rounding} to the fen: {} each", y(per)),
        };
        out.push_str(&if zh {
            format!("尚需筹集 {} ÷ {h} 户 = {share}\n", g(b.shortfall))
        } else {
            let households = if h == 1 { "household" } else { "households" };
            format!(
                "shortfall {} ÷ {h} {households} = {share}\n",
                g(b.shortfall)
            )
        });
    }
    if let (Some(due), Some(done)) = (b.due, segment.completed_km) {
        let done = money::measure(done);
        out.push_str(&if zh {
            format!(
                "应拨付：补助 {} × 已完工 {done} ÷ {l} 公里 = {}\n",
                g(b.subsidy_total),
                y(due)
            )
        } else {
            format!(
                "due: subsidy {} × {done} completed ÷ {l} km = {}\n",
                g(b.subsidy_total),
                y(due)
            )
        });
        if let (Some(left), Some(paid)) = (b.outstanding, segment.disbursed) {
            out.push_str(&if zh {
                format!(
                    "待拨付：应拨付 {} − 已拨付 {} = {}\n",
                    g(due),
                    g(paid),
                    y(left)
                )
            } else {
                format!(
                    "outstanding: due {} − disbursed {} = {}\n",
                    g(due),
                    g(paid),
                    y(left)
                )
            });
        }
    }
    if !b.notes.is_empty() {
        out.push_str(lang.pick("\nnotes:\n", "\n说明：\n"));
        for n in &b.notes {
            out.push_str(&format!("  • {}\n", n.render(rules, lang)));
        }
    }
    out.push_str(&if zh {
        format!("\n依据：{}\n", rules.meta.display_source(lang))
    } else {
        format!("\nsource: {}\n", rules.meta.display_source(lang))
    });
    out
}

/// The same trace as data. `as_of_given`: whether `--as-of` dates the rows without a date
/// (else the rules' effective date does), so the trace can say where its date came from.
pub fn json(
    rules: &RuleSet,
    (file, line, id): (&str, u64, &str),
    segment: &Segment,
    b: &Breakdown,
    as_of_given: bool,
    lang: Lang,
) -> Value {
    let amount = |d: Decimal| money::plain(d);
    let funds: Vec<Value> = trace(rules, segment, b)
        .into_iter()
        .map(|t| {
            let fund = &rules.funds[t.fund];
            let tier = match t.tier {
                TierChoice::Tier(i) => json!({
                    "min_width_m": money::measure(fund.tiers[i].min_width_m),
                    "rate_per_km": amount(fund.tiers[i].rate_per_km),
                    "up_to": fund.up_to,
                    "quote": fund.tiers[i].cited.quote,
                    "source": fund.tiers[i].cited.display_source(lang),
                }),
                _ => Value::Null,
            };
            json!({
                "id": fund.id,
                "name": fund.display(lang),
                "source": fund.cited.display_source(lang),
                "quote": fund.cited.quote,
                "reading": crate::rules::display_opt(
                    lang,
                    fund.reading.as_deref(),
                    fund.reading_en.as_deref()
                ),
                "tier": tier,
                "no_tier": match t.tier {
                    TierChoice::BelowMinimum(_) => Some("below_minimum"),
                    TierChoice::NoTierForClass => Some("no_tier_for_class"),
                    TierChoice::Tier(_) => None,
                },
                "tiers_not_taken": t.not_taken.iter().map(|(w, wider)| json!({
                    "min_width_m": money::measure(*w),
                    "why": if *wider { "narrower_than_minimum" } else { "wider_tier_applies" },
                })).chain(t.out_of_period.iter().map(|(w, period)| json!({
                    "min_width_m": money::measure(*w),
                    "why": "not_in_force",
                    "from": period.from.map(|d| d.to_string()),
                    "until": period.until.map(|d| d.to_string()),
                }))).collect::<Vec<_>>(),
                "exact": t.exact.map(|e| e.normalize().to_string()),
                "nominal": amount(t.nominal),
                "approved": t.approved.map(amount),
                "cut_by_cost": t.by_cost.map(amount),
                "cut_by_budget": t.by_budget.iter().map(|&(cut, from, to)| json!({
                    "budget": rules.budgets[cut.budget].display(rules, lang),
                    "on_overrun": cut.how.key(),
                    "asked_of_envelope": amount(cut.asked),
                    "envelope": amount(cut.envelope),
                    "from": amount(from),
                    "to": amount(to),
                })).collect::<Vec<_>>(),
                "paid": amount(t.paid),
            })
        })
        .collect();
    json!({
        "file": file,
        "line": line,
        "id": id,
        "class": rules.classes[segment.class].id,
        "width_m": money::measure(segment.width_m),
        "length_km": money::measure(segment.length_km),
        "cost": amount(b.cost),
        "rounding": rules.meta.rounding.key(),
        // Which date's rates the row took: null under rules without periods.
        "rates_as_of": dated(rules, segment, as_of_given).map(|(when, by)| json!({
            "date": match when { When::Day(d) => Some(d.to_string()), _ => None },
            "year": match when { When::Year(y) => Some(y), _ => None },
            "dated_by": by.key(),
        })),
        "funds": funds,
        "subsidy_total": amount(b.subsidy_total),
        "gap": amount(b.gap),
        "sources": Source::ALL
            .iter()
            .map(|&s| (s.key().to_string(), Value::String(amount(segment.sources.get(s)))))
            .collect::<serde_json::Map<_, _>>(),
        "shortfall": amount(b.shortfall),
        "households": segment.households,
        "shortfall_per_household": b.per_household.map(amount),
        "completed_km": segment.completed_km.map(money::measure),
        "due": b.due.map(amount),
        "disbursed": segment.disbursed.map(amount),
        "outstanding": b.outstanding.map(amount),
        "notes": b.notes.iter().map(|n| n.render(rules, lang)).collect::<Vec<_>>(),
        "source": rules.meta.display_source(lang),
    })
}

#[cfg(test)]
mod share_tests {
    use super::*;

    /// Review 41: a share whose fourth place is 0 lost it (`≈ 86,515.541`), where every other
    /// share has four places.
    #[test]
    fn a_prorated_share_is_said_to_four_places_its_last_zeros_too() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(exact_share(d("86515.54101"), Lang::En), "86,515.5410 yuan");
        assert_eq!(exact_share(d("1000"), Lang::Zh), "1,000.0000 元");
        assert_eq!(exact_share(d("0.00006"), Lang::En), "0.0001 yuan");
    }

    /// Review 37: an envelope and a row's ask near the largest amounts computed exactly
    /// (their product past what a decimal holds) left the exact share blank, `≈ ,`.
    #[test]
    fn a_prorated_share_of_amounts_near_the_largest_is_said_to_four_places() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let cut = crate::engine::BudgetCut {
            fund: 0,
            budget: 0,
            per_village: false,
            how: crate::rules::OnOverrun::Prorate,
            asked: d("3000999699900000"),
            envelope: d("999999900000000"),
        };
        let said = budget_arithmetic(cut, d("999999900000000"), d("333222225924691.76"), Lang::En);
        assert_eq!(
            said,
            "    envelope 999,999,900,000,000.00 × asked 999,999,900,000,000.00 ÷ all asked 3,000,999,699,900,000.00 ≈ 333,222,225,924,691.7694 yuan, to the fen by running totals: 333,222,225,924,691.76 yuan\n"
        );
        // An everyday share: the product taken first, as before.
        let cut = crate::engine::BudgetCut {
            asked: d("8685000"),
            envelope: d("6900000"),
            ..cut
        };
        let said = budget_arithmetic(cut, d("240000"), d("190673.57"), Lang::Zh);
        assert_eq!(
            said,
            "    额度 6,900,000.00 × 本行申请 240,000.00 ÷ 共申请 8,685,000.00 ≈ 190,673.5751 元，按累计取整到分为 190,673.57 元\n"
        );
    }
}
