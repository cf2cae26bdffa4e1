//! Budget lines: for each envelope in the rules, what was used of it and whether it is over.
//! A budget for each village separately (`per_village = true`) gives one line per village,
//! each measured against its own envelope; comparing the whole run's use with one village's
//! envelope would call nearly every such budget "over". Every output (text summary, JSON,
//! Markdown, the Excel report, the interactive table's totals pane) shows these lines, so it
//! is decided here, once, what is over. A per-village budget on a source of the gap (村项目资金)
//! has lines only for the villages whose rows put some of it in.

use rust_decimal::Decimal;

use super::summary::{village_order, Summary};
use crate::i18n::Lang;
use crate::money;
use crate::rules::RuleSet;

/// What a budget line measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope<'a> {
    /// The whole run (a budget for the county as a whole).
    Whole,
    /// One village's envelope.
    Village {
        /// 乡镇.
        township: &'a str,
        /// 村.
        village: &'a str,
    },
}

/// One envelope against what was used of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine<'a> {
    /// Which budget (its place in the rules).
    pub budget: usize,
    /// What the line measures.
    pub scope: Scope<'a>,
    /// The budget's name in the language asked for.
    pub name: String,
    /// The envelope, in yuan.
    pub envelope: Decimal,
    /// Paid from it within the scope, in yuan (after allocation, when the budget allocates).
    pub used: Decimal,
    /// Asked of it within the scope, in yuan: `used` unless the budget cut rows.
    pub asked: Decimal,
    /// How much more the villages raise because the budget cut rows, in yuan.
    pub raised: Decimal,
    /// What the budget does when asked for more than it holds.
    pub on_overrun: crate::rules::OnOverrun,
}

impl BudgetLine<'_> {
    /// What is left of the envelope (negative when over; saturating rather than panicking,
    /// though envelope and use are both sums of checked amounts).
    pub fn left(&self) -> Decimal {
        self.envelope.checked_sub(self.used).unwrap_or(Decimal::MIN)
    }

    /// The "left" column of a budget table, for people: what is left of the envelope, or for
    /// a budget paid beyond it "超支 X" / "over by X" — a negative "left" reads as a typo.
    /// `show` writes an amount (in yuan or 万元, as the table does).
    pub fn left_cell(&self, lang: Lang, show: impl Fn(Decimal) -> String) -> String {
        let left = self.left();
        if left.is_sign_negative() && !left.is_zero() {
            let over = self.used.checked_sub(self.envelope).unwrap_or(Decimal::MAX);
            format!("{} {}", lang.pick("over by", "超支"), show(over))
        } else {
            show(left)
        }
    }

    /// By how much what was asked exceeds the envelope, when it does.
    pub fn over_by(&self) -> Option<Decimal> {
        self.is_over().then(|| {
            self.asked
                .checked_sub(self.envelope)
                .unwrap_or(Decimal::MAX)
        })
    }

    /// Whether the rows asked more than the envelope holds (paid all the same when the
    /// budget only reports; shared out when it allocates).
    pub fn is_over(&self) -> bool {
        self.asked > self.envelope
    }

    /// Whether the budget shared its envelope out: it allocates, and the rows asked more than
    /// it holds. (A budget that only reports never cuts, whatever budgets after it do.)
    pub fn cut(&self) -> bool {
        self.on_overrun != crate::rules::OnOverrun::Report && self.is_over()
    }

    /// The use as a share of the envelope, for people ("84.1%").
    pub fn share(&self) -> String {
        money::percent(self.used, self.envelope)
    }

    /// The use as a fraction of the envelope, for a spreadsheet's percentage cell (a display
    /// ratio, not money); `None` when the envelope is nothing, where [`Self::share`] says "—".
    pub fn fraction(&self) -> Option<Decimal> {
        if self.envelope <= Decimal::ZERO {
            return None;
        }
        self.used.checked_div(self.envelope)
    }

    /// The budget's name, and the village for a per-village line ("通村硬化路建设 · 石桥镇 红星村").
    pub fn label(&self) -> String {
        match self.scope {
            Scope::Whole => self.name.clone(),
            Scope::Village { township, village } => {
                format!(
                    "{} · {}",
                    self.name,
                    super::summary::village_key(township, village)
                )
            }
        }
    }
}

/// What a line's overrun means, in a sentence, when the rows asked more than the envelope:
/// paid all the same (a budget that reports), or shared out, and how much more the villages
/// raise because of it (a budget that allocates).
pub fn overrun_sentence(line: &BudgetLine, lang: Lang) -> Option<String> {
    let over = line.over_by()?;
    // One line: a village's name on two lines shows its break as the tables do (↵).
    let label = line.label();
    let label = crate::textwidth::one_line(&label);
    let wan = money::exact_wan;
    Some(if line.cut() {
        let how = |zh: bool| match (line.on_overrun, zh) {
            (crate::rules::OnOverrun::InOrder, false) => "paid whole in order of priority",
            (crate::rules::OnOverrun::InOrder, true) => "按优先级依次足额安排",
            (_, false) => "shared in proportion to what each segment asked",
            (_, true) => "按申请额同比例分配",
        };
        // One village's envelope: that village raises the more.
        let (who_en, who_zh) = match line.scope {
            Scope::Village { .. } => ("the village raises", "该村因此多筹集"),
            Scope::Whole => ("the villages raise", "各村因此多筹集"),
        };
        match lang {
            Lang::En => format!(
                "SHARED OUT: {label} was asked {} yuan, {} more than its envelope of {} yuan; {}: {who_en} {} yuan more because of it",
                money::grouped(line.asked),
                money::grouped(over),
                money::grouped(line.envelope),
                how(false),
                money::grouped(line.raised)
            ),
            Lang::Zh => format!(
                "额度不足：{label}申请{}元，额度{}元，超支{}元，已{}：{who_zh}{}元",
                wan(line.asked),
                wan(line.envelope),
                wan(over),
                how(true),
                wan(line.raised)
            ),
        }
    } else {
        match lang {
            Lang::En => format!(
                "OVER BUDGET: {label} needs {} yuan, {} more than its envelope of {} yuan",
                money::grouped(line.asked),
                money::grouped(over),
                money::grouped(line.envelope)
            ),
            Lang::Zh => format!(
                "超出预算：{label}需{}元，额度{}元，超支{}元",
                wan(line.asked),
                wan(line.envelope),
                wan(over)
            ),
        }
    })
}

/// Every budget line of a run, in rules order; a per-village budget's lines by township and
/// village (one line of nothing used, for the whole, while no row falls under it).
pub fn lines<'a>(rules: &RuleSet, summary: &'a Summary, lang: Lang) -> Vec<BudgetLine<'a>> {
    let mut out = Vec::new();
    for (i, (budget, used)) in rules.budgets.iter().zip(&summary.budgets).enumerate() {
        let name = budget.display(rules, lang);
        if budget.per_village {
            let mut villages: Vec<BudgetLine<'a>> = used
                .per_village
                .iter()
                .flat_map(|(town, villages)| {
                    villages.iter().map(move |(village, u)| (town, village, u))
                })
                // On a source, a village that put none in has nothing to report (its sum is
                // back at zero after an edit, or was never kept).
                .filter(|(_, _, u)| budget.fund().is_some() || !u.used.value().is_zero())
                .map(|(township, village, u)| BudgetLine {
                    budget: i,
                    scope: Scope::Village { township, village },
                    name: name.clone(),
                    envelope: budget.envelope,
                    used: u.used.value(),
                    asked: u.asked(),
                    raised: u.raised.value(),
                    on_overrun: budget.on_overrun,
                })
                .collect();
            // In pinyin order by township, then village (once per village, at output).
            villages.sort_by_cached_key(|l| match l.scope {
                Scope::Village { township, village } => village_order(township, village),
                Scope::Whole => village_order("", ""),
            });
            if villages.is_empty() {
                // No row falls under it yet: one line of nothing used, so every output still
                // names the budget.
                villages.push(BudgetLine {
                    budget: i,
                    scope: Scope::Whole,
                    name: name.clone(),
                    envelope: budget.envelope,
                    used: Decimal::ZERO,
                    asked: Decimal::ZERO,
                    raised: Decimal::ZERO,
                    on_overrun: budget.on_overrun,
                });
            }
            out.extend(villages);
        } else {
            out.push(BudgetLine {
                budget: i,
                scope: Scope::Whole,
                name,
                envelope: budget.envelope,
                used: used.whole.used.value(),
                asked: used.whole.asked(),
                raised: used.whole.raised.value(),
                on_overrun: budget.on_overrun,
            });
        }
    }
    out
}

/// One line per budget, in rules order, for a view with room for one: the whole run's line,
/// or for a per-village budget the village using the most of its envelope (the first by
/// township and village among equals), with how many villages there are and how many are
/// over. A per-village budget no row uses yet shows as nothing used.
pub fn headlines<'a>(rules: &RuleSet, summary: &'a Summary, lang: Lang) -> Vec<Headline<'a>> {
    let mut all = lines(rules, summary, lang).into_iter().peekable();
    let mut out = Vec::with_capacity(rules.budgets.len());
    for (i, budget) in rules.budgets.iter().enumerate() {
        let mut head = Headline {
            line: BudgetLine {
                budget: i,
                scope: Scope::Whole,
                name: budget.display(rules, lang),
                envelope: budget.envelope,
                used: Decimal::ZERO,
                asked: Decimal::ZERO,
                raised: Decimal::ZERO,
                on_overrun: budget.on_overrun,
            },
            lines: 0,
            over: 0,
        };
        while let Some(line) = all.next_if(|l| l.budget == i) {
            if budget.per_village && line.scope == Scope::Whole {
                continue; // the line of a per-village budget no row falls under yet
            }
            head.over += u64::from(line.is_over());
            if head.lines == 0 || line.asked > head.line.asked {
                head.line = line;
            }
            head.lines += 1;
        }
        out.push(head);
    }
    out
}

/// A budget's line for a one-line view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline<'a> {
    /// The line shown: the whole run's, or the village using most of its envelope.
    pub line: BudgetLine<'a>,
    /// How many lines the budget has (villages, for a per-village budget).
    pub lines: u64,
    /// How many of them are over.
    pub over: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Segment;
    use crate::table::RowText;

    fn rules_with(budgets: &str) -> RuleSet {
        RuleSet::shipped_with_budgets(budgets)
    }

    /// A summary of village roads of `(township, village, km)` at 4.5 m wide, 1,000,000 yuan/km
    /// (the poverty fund pays 300,000/km).
    fn summary_of(rules: &RuleSet, rows: &[(&str, &str, &str)]) -> Summary {
        let mut s = Summary::new(rules, &[]);
        let class = rules
            .classes
            .iter()
            .position(|c| c.id == "village")
            .unwrap();
        for (town, village, km) in rows {
            let seg = Segment::new(
                class,
                "4.5".parse().unwrap(),
                km.parse().unwrap(),
                crate::engine::Cost::PerKm("1000000".parse().unwrap()),
            );
            let b = crate::engine::compute(rules, &seg).expect("computes");
            let text = RowText {
                id: "x",
                township: town,
                village,
            };
            s.add(rules, &seg, &text, &b).unwrap();
        }
        s
    }

    #[test]
    fn a_per_village_budget_is_measured_village_by_village() {
        // 300,000 yuan per village from the poverty fund for village roads; the fund pays
        // 300,000/km at 4.5 m: one village uses 1 km (exactly its envelope), another 2 km.
        let rules = rules_with(
            "[[budgets]]\nfund = \"poverty\"\nclass = \"village\"\nper_village = true\namount = \"300000\"\nname = \"每村额度\"\nname_en = \"per village\"\n",
        );
        let s = summary_of(&rules, &[("T", "A", "1"), ("T", "B", "1"), ("T", "B", "1")]);
        let lines = lines(&rules, &s, Lang::En);
        let got: Vec<(String, String, String, bool)> = lines
            .iter()
            .map(|l| {
                (
                    l.label(),
                    money::plain(l.envelope),
                    money::plain(l.used),
                    l.is_over(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "per village · T A".into(),
                    "300000.00".into(),
                    "300000.00".into(),
                    false
                ),
                (
                    "per village · T B".into(),
                    "300000.00".into(),
                    "600000.00".into(),
                    true
                ),
            ]
        );
        assert_eq!(
            lines[1].over_by().map(money::plain).as_deref(),
            Some("300000.00")
        );
        assert_eq!(lines[1].left().to_string(), "-300000.00");
        let heads = headlines(&rules, &s, Lang::En);
        assert_eq!(heads.len(), 1);
        assert_eq!((heads[0].lines, heads[0].over), (2, 1));
        assert_eq!(heads[0].line.label(), "per village · T B");
    }

    #[test]
    fn a_per_village_budget_within_every_envelope_is_not_over_though_the_run_uses_more() {
        // The defect: the whole run's use (3 villages × 240,000) was compared with one
        // village's envelope of 300,000 and called over.
        let rules = rules_with(
            "[[budgets]]\nfund = \"poverty\"\nclass = \"village\"\nper_village = true\namount = \"300000\"\n",
        );
        let s = summary_of(
            &rules,
            &[("T", "A", "0.8"), ("T", "B", "0.8"), ("U", "A", "0.8")],
        );
        let lines = lines(&rules, &s, Lang::Zh);
        assert_eq!(lines.len(), 3);
        assert!(lines
            .iter()
            .all(|l| !l.is_over() && l.used == "240000.00".parse().unwrap()));
        assert_eq!(headlines(&rules, &s, Lang::Zh)[0].over, 0);
    }

    #[test]
    fn a_per_village_budget_no_row_falls_under_is_still_a_line_of_nothing_used() {
        // The defect: such a budget was missing from the text summary, JSON, Markdown and
        // the Excel report, while the table view showed it.
        let rules = rules_with(
            "[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\nper_village = true\namount = \"100000\"\nname_en = \"none yet\"\nname = \"暂无\"\n",
        );
        let s = summary_of(&rules, &[("T", "A", "1")]);
        let lines = lines(&rules, &s, Lang::En);
        assert_eq!(lines.len(), 1);
        assert_eq!(
            (lines[0].label(), lines[0].used, lines[0].is_over()),
            ("none yet".to_string(), Decimal::ZERO, false)
        );
        let heads = headlines(&rules, &s, Lang::En);
        assert_eq!((heads[0].lines, heads[0].over), (0, 0));
    }

    #[test]
    fn a_whole_run_budget_is_one_line() {
        let rules = rules_with(
            "[[budgets]]\nfund = \"poverty\"\namount = \"400000\"\nname_en = \"county\"\nname = \"全县\"\n",
        );
        let s = summary_of(&rules, &[("T", "A", "1"), ("U", "B", "0.5")]);
        let lines = lines(&rules, &s, Lang::En);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].scope, Scope::Whole);
        assert_eq!(lines[0].label(), "county");
        assert_eq!(money::plain(lines[0].used), "450000.00");
        assert_eq!(lines[0].share(), "112.5%");
    }

    #[test]
    fn a_village_that_puts_none_of_a_source_in_has_no_line_before_or_after_an_edit() {
        // 村项目资金 per village: A puts 50,000 in, B none. After A's row is taken out and put
        // back with none, A has no line either, as when the table is read afresh; with no
        // village left, the budget is one line of nothing used.
        let rules = rules_with(
            "[[budgets]]\nsource = \"village_fund\"\nper_village = true\namount = \"200万\"\nname_en = \"VF\"\nname = \"村项目资金\"\n",
        );
        let class = rules.classes.iter().position(|c| c.id == "group").unwrap();
        let seg = |fund: &str| {
            let mut sources = crate::engine::Sources::default();
            sources.set(crate::engine::Source::VillageFund, fund.parse().unwrap());
            Segment {
                class,
                width_m: "3.5".parse().unwrap(),
                length_km: "1".parse().unwrap(),
                cost: crate::engine::Cost::PerKm("400000".parse().unwrap()),
                sources,
                approved: Vec::new(),
                disbursed: None,
                priority: None,
                households: None,
                completed_km: None,
                date: None,
            }
        };
        let text = |village| RowText {
            id: "x",
            township: "T",
            village,
        };
        let (a, none) = (seg("50000"), seg("0"));
        let (ba, bnone) = (
            crate::engine::compute(&rules, &a).unwrap(),
            crate::engine::compute(&rules, &none).unwrap(),
        );
        let mut s = Summary::new(&rules, &[]);
        s.add(&rules, &a, &text("A"), &ba).unwrap();
        s.add(&rules, &none, &text("B"), &bnone).unwrap();
        let shown = |s: &Summary| -> Vec<(String, String)> {
            lines(&rules, s, Lang::En)
                .iter()
                .map(|l| (l.label(), money::plain(l.used)))
                .collect()
        };
        assert_eq!(
            shown(&s),
            [("VF · T A".to_string(), "50000.00".to_string())]
        );
        s.remove(&rules, &a, &text("A"), &ba).unwrap();
        s.add(&rules, &none, &text("A"), &bnone).unwrap();
        assert_eq!(shown(&s), [("VF".to_string(), "0.00".to_string())]);
        let heads = headlines(&rules, &s, Lang::En);
        assert_eq!((heads[0].lines, heads[0].over), (0, 0));
    }

    #[test]
    fn an_overrun_budget_line_says_over_by_where_a_negative_left_stood() {
        let line = |envelope: &str, used: &str| BudgetLine {
            budget: 0,
            scope: Scope::Whole,
            name: "社级道路建设".into(),
            envelope: envelope.parse().unwrap(),
            used: used.parse().unwrap(),
            asked: used.parse().unwrap(),
            raised: Decimal::ZERO,
            on_overrun: crate::rules::OnOverrun::Report,
        };
        let over = line("6900000.00", "8685000.00");
        assert_eq!(
            over.left_cell(Lang::Zh, money::grouped),
            "超支 1,785,000.00"
        );
        assert_eq!(
            over.left_cell(Lang::En, money::grouped),
            "over by 1,785,000.00"
        );
        // Within the envelope, and used to the fen: what is left, as before.
        let within = line("4965000.00", "2955000.00");
        assert_eq!(within.left_cell(Lang::Zh, money::grouped), "2,010,000.00");
        let full = line("6900000.00", "6900000.00");
        assert_eq!(full.left_cell(Lang::En, money::grouped), "0.00");
    }
}
