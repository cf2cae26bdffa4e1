//! A notice per village (公示 / 告知书): what the village committee posts and signs — each of
//! its segments with what every fund pays, the gap, its sources, what remains to raise and per
//! household, the budgets that cut its rows, and the rules the numbers came from. Built from
//! a whole run ([`Whole`]), so the amounts are the ones a batch run of the same tables gives;
//! [`sheet`] lays one out for printing.

pub mod page;
mod run;
pub mod sheet;
mod wrap;

pub use run::Run;

use std::path::Path;

use rust_decimal::Decimal;

use crate::engine::{Breakdown, Note, Segment, Source};
use crate::i18n::Lang;
use crate::money;
use crate::report::budget::Scope;
#[cfg(test)]
use crate::report::compare::{whole::model::Whole, Table};
use crate::report::summary::Summary;
use crate::rules::{OnOverrun, RuleSet};
use crate::table::replace;
use crate::table::sheet::SheetRow;
use crate::table::{Columns, Field};

/// One segment's line on a notice (or the village's totals).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    /// 编号 (blank when the table has none; blank on the totals line).
    pub id: String,
    /// 路段名称 (blank when the table has none).
    pub name: String,
    /// 道路类别, the rules' name of the class.
    pub class: String,
    /// 路面宽度, metres (none on the totals line).
    pub width_m: Option<Decimal>,
    /// 建设里程, km.
    pub length_km: Decimal,
    /// 总投资, yuan.
    pub cost: Decimal,
    /// What each fund pays, yuan, in the rules' order.
    pub paid: Vec<Decimal>,
    /// 补助合计, yuan.
    pub subsidy: Decimal,
    /// 差额, yuan.
    pub gap: Decimal,
    /// Each source the table has a column for, yuan, in [`Notice::sources`]' order.
    pub sources: Vec<Decimal>,
    /// 尚需筹集, yuan.
    pub shortfall: Decimal,
    /// 受益户数, as the table gives them for the segment (none on the totals line: the
    /// same households may benefit from several segments, so they are not added up).
    pub households: Option<u64>,
    /// 户均尚需筹集, yuan (none on the totals line).
    pub per_household: Option<Decimal>,
}

/// What a budget that cut the village's rows asked and paid, for the village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The budget's name.
    pub budget: String,
    /// How it shared its envelope out.
    pub how: OnOverrun,
    /// Whether the envelope is the village's own.
    pub per_village: bool,
    /// What the village's rows asked of it, yuan.
    pub asked: Decimal,
    /// What it paid them, yuan.
    pub paid: Decimal,
    /// How much more the village raises because of it, yuan.
    pub raised: Decimal,
    /// What all the rows under the envelope asked of it, yuan.
    pub envelope_asked: Decimal,
    /// The envelope, yuan.
    pub envelope: Decimal,
    /// The budget's place in the rules.
    pub budget_at: usize,
}

impl Cut {
    /// The cut in a sentence, amounts in 万元, each figure said once: an envelope only this
    /// village's rows ask of is not told twice as 共申请 and 本村路段申请, nor an envelope paid
    /// out whole as 安排, nor a cut the village raises in full as 多筹集.
    pub fn sentence(&self) -> String {
        let wan = money::exact_wan;
        let how = match self.how {
            OnOverrun::InOrder => "按优先级依次足额安排",
            _ => "按申请额同比例分配",
        };
        let cut = self.asked - self.paid;
        let raise = if self.raised == cut {
            format!("核减{}元，由本村另行筹集", wan(cut))
        } else if self.raised.is_zero() {
            format!("核减{}元，本村无需因此多筹集", wan(cut))
        } else {
            format!("核减{}元，本村因此多筹集{}元", wan(cut), wan(self.raised))
        };
        if self.per_village && self.envelope_asked == self.asked {
            let paid = if self.paid == self.envelope {
                String::new()
            } else {
                format!("，安排{}元", wan(self.paid))
            };
            return format!(
                "{}本村额度{}元，本村路段共申请{}元，已{how}{paid}，{raise}。",
                self.budget,
                wan(self.envelope),
                wan(self.asked),
            );
        }
        let whose = if self.per_village {
            "本村额度"
        } else {
            "额度"
        };
        format!(
            "{}{whose}{}元，各路段共申请{}元，已{how}；本村路段申请{}元，安排{}元，{raise}。",
            self.budget,
            wan(self.envelope),
            wan(self.envelope_asked),
            wan(self.asked),
            wan(self.paid),
        )
    }
}

/// A fund a segment's cost capped: the subsidies may not exceed the cost (SPEC E4), so the
/// fund pays less than its rate (or its approved amount) gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capped {
    /// The segment's place among the village's segments, from 0.
    pub at: usize,
    /// The segment, as the notice names it (its 编号, else its 路段名称).
    pub segment: String,
    /// The fund's name.
    pub fund: String,
    /// Whether what the fund would pay is an approved amount rather than the rate's.
    pub approved: bool,
    /// What the fund would pay were the cost no cap, yuan (the engine's).
    pub nominal: Decimal,
    /// What it pays, yuan (the engine's).
    pub paid: Decimal,
}

impl Capped {
    /// The cap in a sentence, amounts in 万元.
    pub fn sentence(&self) -> String {
        let wan = money::exact_wan;
        let by = match self.approved {
            true => "按批复",
            false => "按标准",
        };
        format!(
            "路段{}：{}{by}应为{}元，补助合计不超过总投资，核减为{}元。",
            self.segment,
            self.fund,
            wan(self.nominal),
            wan(self.paid)
        )
    }
}

/// The first number of `notice` a workbook cannot hold exactly, if any: a spreadsheet keeps
/// 15 significant digits, so an amount of 10万亿 yuan or more to the fen (in 万元, as the
/// notice writes it) would be written rounded, a plausible-looking wrong figure. The
/// segment (its name on the notice, or 合计) and the amount in yuan.
pub fn beyond_a_workbook(notice: &Notice) -> Option<(String, Decimal)> {
    let lines = notice.segments.iter().map(|l| (l.id.clone(), l));
    let total = std::iter::once(("合计".to_string(), &notice.total));
    for (at, (name, line)) in lines.chain(total).enumerate() {
        let amounts = [
            line.cost,
            line.subsidy,
            line.gap,
            line.shortfall,
            line.length_km,
        ]
        .into_iter()
        .chain(line.paid.iter().copied())
        .chain(line.sources.iter().copied())
        .chain(line.per_household)
        .chain(line.width_m);
        for v in amounts {
            if !money::fits_a_workbook(v) {
                let name = match name.is_empty() {
                    true => format!("（第{}行）", at + 1),
                    false => name,
                };
                return Some((name, v));
            }
        }
    }
    None
}

/// What to say of [`beyond_a_workbook`]'s amount: nothing was written.
pub fn beyond_a_workbook_said(key: &str, segment: &str, v: Decimal, lang: Lang) -> String {
    let v = money::grouped(v);
    match lang {
        Lang::En => format!(
            "{key}, segment {segment}: {v} has more digits than a workbook holds exactly (15); no notice written (batch writes it exactly as CSV or JSON)"
        ),
        Lang::Zh => format!(
            "{key} 路段 {segment}：{v} 的位数超过工作簿能精确保存的 15 位；未写出任何公示（batch 可写成 CSV 或 JSON，金额精确）"
        ),
    }
}

/// Why a fund pays a segment nothing by the rules themselves: its width is below every tier
/// the fund has for the class, or the fund has no rate for the class at all. Said on the
/// notice, so a 0 under a fund is not read as an error or an oversight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpaid {
    /// The segment's place among the village's segments, from 0.
    pub at: usize,
    /// The segment, as the notice names it (its 编号, else its 路段名称).
    pub segment: String,
    /// The funds' names, in the rules' order, with why each pays nothing.
    pub funds: Vec<(String, Why)>,
}

/// Why a fund pays a segment nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The road's width (metres) is below the fund's narrowest tier for its class (metres).
    Narrow { width: Decimal, min: Decimal },
    /// The fund has no rate for the road's class (its name).
    NoRate { class: String },
}

impl Unpaid {
    /// Why in one sentence: funds below one minimum width said together.
    pub fn sentence(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        // The segment's one width, then each minimum it is below with the funds it is theirs.
        let mut width = None;
        let mut mins: Vec<(Decimal, Vec<&str>)> = Vec::new();
        for (fund, why) in &self.funds {
            match why {
                Why::Narrow { width: w, min } => {
                    width = Some(*w);
                    match mins.iter_mut().find(|(m, _)| m == min) {
                        Some((_, funds)) => funds.push(fund),
                        None => mins.push((*min, vec![fund])),
                    }
                }
                Why::NoRate { class } => parts.push(format!("{fund}没有{class}的补助标准")),
            }
        }
        if let Some(width) = width {
            let below: Vec<String> = mins
                .iter()
                .map(|(min, funds)| {
                    format!("{}的最小宽度{}米", funds.join("、"), money::measure(*min))
                })
                .collect();
            let text = format!(
                "路面宽度{}米，低于{}",
                money::measure(width),
                below.join("和")
            );
            parts.insert(0, text);
        }
        let none = match self.funds.len() {
            1 => "不予补助",
            _ => "均不予补助",
        };
        format!("路段{}：{}，{none}。", self.segment, parts.join("；"))
    }
}

/// A village's own envelope its rows ask more of than it holds, paid all the same (a budget
/// that only reports, such as 村项目资金 per village): the village is told, as a batch run's
/// summary tells the office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overspent {
    /// The budget's name.
    pub budget: String,
    /// What the village's rows ask of it, yuan.
    pub asked: Decimal,
    /// The village's envelope, yuan.
    pub envelope: Decimal,
    /// By how much the rows exceed it, yuan.
    pub over: Decimal,
}

impl Overspent {
    /// The overrun in a sentence, amounts in 万元.
    pub fn sentence(&self) -> String {
        let wan = money::exact_wan;
        format!(
            "本村{}共{}元，每村额度{}元，超出{}元。",
            self.budget,
            wan(self.asked),
            wan(self.envelope),
            wan(self.over)
        )
    }
}

/// One village's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// 乡镇, as the table writes it.
    pub township: String,
    /// 村, as the table writes it.
    pub village: String,
    /// The notice's name, from the rules' (…补助公示).
    pub title: String,
    /// The funds' names, in the rules' order.
    pub funds: Vec<String>,
    /// The sources of the gap the tables have columns for.
    pub sources: Vec<Source>,
    /// Whether the tables name their segments (路段名称).
    pub names: bool,
    /// Whether the tables give households (户数).
    pub households: bool,
    /// The village's segments, in input order.
    pub segments: Vec<Line>,
    /// Their sums.
    pub total: Line,
    /// The budgets that cut the village's rows.
    pub cuts: Vec<Cut>,
    /// The funds the segments' costs capped, segment by segment.
    pub capped: Vec<Capped>,
    /// The funds the rules pay a segment nothing, segment by segment.
    pub unpaid: Vec<Unpaid>,
    /// The village's own envelopes its rows exceed, paid all the same.
    pub overspent: Vec<Overspent>,
    /// Σ what the sources bring beyond the gap, yuan.
    pub surplus: Decimal,
    /// The village's rows left out because they are bad.
    pub left_out: usize,
    /// The village's segments whose cost per km is outside the rules' plausible range (a
    /// cost typed in 元 where 万元 was meant): the office is warned, as a batch run warns.
    pub implausible: u64,
    /// Where the rules come from and when they took effect, in a sentence.
    pub basis: String,
}

impl Notice {
    /// The village's name, or what stands for it when the rows give none.
    pub fn village_shown(&self) -> String {
        village_shown(&self.village)
    }
}

/// A village's name as a notice shows it, or what stands for it when the rows give none.
pub fn village_shown(village: &str) -> String {
    match village.is_empty() {
        true => "（未填村名）".to_string(),
        false => village.to_string(),
    }
}

/// The sums of a village's amounts no longer fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// The field of the table that holds each source.
fn source_field(source: Source) -> Field {
    match source {
        Source::OtherFunds => Field::OtherFunds,
        Source::YishiYiyi => Field::YishiYiyi,
        Source::SelfRaised => Field::SelfRaised,
        Source::VillageFund => Field::VillageFund,
    }
}

/// The notice's name: the rules' name with 标准 (standards) made 公示 (notice).
pub fn title(rules: &RuleSet) -> String {
    let whole = rules.meta.name.trim();
    // A notice publishes what the segments get, not the document the rules come from:
    // "关于印发…补助办法的通知" and "…补助标准（2019年修订）" both become "…补助公示"; so do
    // "某县人民政府关于转发《…》的通知（2019年修订）" and "《…办法》": what wraps the
    // document is taken off, layer by layer, in any order.
    let mut name = whole;
    loop {
        let before = name;
        name = without_bracket(name);
        if let Some(inner) = name.strip_suffix("的通知") {
            name = inner.trim();
            // The issuer may come first: "某县人民政府关于印发…的通知".
            let lead = ["关于印发", "关于转发", "关于"]
                .iter()
                .filter_map(|lead| name.find(lead).map(|at| (at, lead.len())))
                .min_by_key(|&(at, len)| (at, std::cmp::Reverse(len)));
            if let Some((at, len)) = lead {
                name = name[at + len..].trim();
            }
        }
        // The document in title marks: "《某县通村公路补助办法》".
        if let Some(inner) = name
            .strip_prefix('《')
            .and_then(|rest| rest.strip_suffix('》'))
            .filter(|inner| !inner.contains(['《', '》']))
        {
            name = inner.trim();
        }
        if name == before {
            break;
        }
    }
    for word in DOCUMENT_WORDS {
        if let Some(stem) = name.strip_suffix(word).filter(|s| !s.trim().is_empty()) {
            name = stem.trim_end();
            // "关于通村公路补助的实施办法": what it is about.
            if let Some(about) = name
                .strip_prefix("关于")
                .and_then(|n| n.strip_suffix('的'))
                .filter(|n| !n.trim().is_empty())
            {
                name = about.trim();
            }
            break;
        }
    }
    // Nothing left ("关于印发《》的通知"): the name as it is.
    if name.is_empty() {
        name = whole;
    }
    match name.ends_with("公示") {
        true => name.to_string(),
        false => format!("{name}公示"),
    }
}

/// `name` without the brackets at its end (`（2019年修订）（试行）`), unless nothing would be left.
fn without_bracket(mut name: &str) -> &str {
    loop {
        let bracketed = [('（', '）'), ('(', ')')]
            .iter()
            .find_map(|&(open, close)| {
                name.strip_suffix(close)
                    .and_then(|inner| inner.rfind(open).map(|at| inner[..at].trim_end()))
            });
        match bracketed {
            Some(stem) if !stem.is_empty() => name = stem,
            _ => return name,
        }
    }
}

/// What names a policy document rather than what it grants, longest first.
const DOCUMENT_WORDS: [&str; 12] = [
    "实施细则",
    "实施办法",
    "实施方案",
    "暂行办法",
    "管理办法",
    "试行办法",
    "标准",
    "办法",
    "规定",
    "细则",
    "方案",
    "政策",
];

/// `2018-05-15` as 2018年5月15日; anything else as written.
fn chinese_date(text: &str) -> String {
    let parts: Vec<&str> = text.trim().split('-').collect();
    match parts.as_slice() {
        [y, m, d] if [y, m, d].iter().all(|p| p.parse::<u32>().is_ok()) => format!(
            "{}年{}月{}日",
            y,
            m.trim_start_matches('0'),
            d.trim_start_matches('0')
        ),
        _ => text.to_string(),
    }
}

/// Where the rules come from and when they took effect.
pub fn basis(rules: &RuleSet) -> String {
    let m = &rules.meta;
    let mut out = format!("计算依据：《{}》", m.name.trim());
    if let Some(issuer) = m.issuer.as_deref().filter(|i| !i.trim().is_empty()) {
        out.push_str(&format!("（{}）", issuer.trim()));
    }
    out.push('；');
    if !m.source.trim().is_empty() {
        out.push_str(&format!("来源：{}；", m.source.trim()));
    }
    match m.effective.as_deref() {
        Some(day) => out.push_str(&format!("自{}起施行。", chinese_date(day))),
        None => out.push_str("施行日期未载明。"),
    }
    out
}

fn add(to: &mut Decimal, v: Decimal) -> Result<(), Overflow> {
    *to = to.checked_add(v).ok_or(Overflow)?;
    Ok(())
}

/// What a notice shows of the tables: whether they name segments and give households, and
/// which sources of the gap they have columns for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// 路段名称.
    pub names: bool,
    /// 户数.
    pub households: bool,
    /// The sources with a column, in the SPEC's order.
    pub sources: Vec<Source>,
}

impl Shape {
    /// The shape of tables with these columns.
    pub fn of(columns: &[&Columns]) -> Shape {
        let has = |f: Field| columns.iter().any(|c| c.index(f).is_some());
        Shape {
            names: has(Field::Name),
            households: has(Field::Households),
            sources: Source::ALL
                .into_iter()
                .filter(|s| has(source_field(*s)))
                .collect(),
        }
    }
}

/// One row as a notice reads it: where it belongs, what it is called, and its segment and
/// breakdown after every budget (none when the row cannot be computed).
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// 乡镇, trimmed.
    pub township: &'a str,
    /// 村, trimmed.
    pub village: &'a str,
    /// 编号, trimmed.
    pub id: &'a str,
    /// 路段名称, trimmed.
    pub name: &'a str,
    /// The segment and its breakdown, or none for a bad row.
    pub computed: Option<(&'a Segment, &'a Breakdown)>,
}

/// Row `row` of a table's text field `field`, trimmed.
fn field<'a>(columns: &Columns, row: &'a SheetRow, field: Field) -> &'a str {
    columns.index(field).map_or("", |i| row.get(i).trim())
}

impl<'a> Row<'a> {
    /// Row `row` of a table with `columns`, computed or not.
    pub fn of(
        columns: &Columns,
        row: &'a SheetRow,
        computed: Option<(&'a Segment, &'a Breakdown)>,
    ) -> Row<'a> {
        let (township, village) = row.place(columns);
        Row {
            township,
            village,
            id: field(columns, row, Field::Id),
            name: field(columns, row, Field::Name),
            computed,
        }
    }
}

/// One notice per village of `whole` (the run of `tables` under `rules`), in pinyin order by
/// township and then village, as an office files them; bad rows are counted against their
/// village, not shown. Every row's breakdown and every notice held at once: the model
/// [`Run`]'s notices are held to.
#[cfg(test)]
pub fn notices(tables: &[Table], rules: &RuleSet, whole: &Whole) -> Result<Vec<Notice>, Overflow> {
    let columns: Vec<&Columns> = tables.iter().map(|t| &t.sheet.columns).collect();
    let rows = whole.rows.iter().map(|((t, r), outcome)| {
        let sheet = &tables[*t].sheet;
        let computed = outcome.as_ref().ok().map(|c| (&c.segment, &c.breakdown));
        Row::of(&sheet.columns, &sheet.rows[*r], computed)
    });
    let mut all = build(rules, &Shape::of(&columns), rows, &whole.summary)?;
    all.sort_by_cached_key(|n| crate::report::summary::village_order(&n.township, &n.village));
    Ok(all)
}

/// One notice per village of `rows`, in the order the villages first appear; `summary` is the
/// run's (the rows' and any others the budgets were applied across), whose per-village budget
/// lines say which village exceeds its own envelope.
pub fn build<'a>(
    rules: &RuleSet,
    shape: &Shape,
    rows: impl IntoIterator<Item = Row<'a>>,
    summary: &Summary,
) -> Result<Vec<Notice>, Overflow> {
    let mut out = Maker::new(rules, shape).notices(rows)?;
    let overspent = overspent(rules, summary);
    for n in &mut out {
        if let Some(o) = overspent.get(&(n.township.as_str(), n.village.as_str())) {
            n.overspent.extend(o.iter().cloned());
        }
    }
    Ok(out)
}

/// Per village (township, village), the envelopes of its own its rows exceed, paid all the
/// same, in the order the budget lines say them: a budget that only reports pays beyond a
/// village's envelope, the engine's budget lines say by how much, and the notice says it
/// rather than leave the figure unexplained. Worked out once per run, not per village.
pub fn overspent<'s>(
    rules: &RuleSet,
    summary: &'s Summary,
) -> foldhash::HashMap<(&'s str, &'s str), Vec<Overspent>> {
    let mut out: foldhash::HashMap<(&'s str, &'s str), Vec<Overspent>> = Default::default();
    for line in crate::report::budget::lines(rules, summary, crate::i18n::Lang::Zh) {
        let Scope::Village { township, village } = line.scope else {
            continue;
        };
        let Some(over) = line.over_by().filter(|_| !line.cut()) else {
            continue;
        };
        out.entry((township, village)).or_default().push(Overspent {
            budget: line.name.clone(),
            asked: line.asked,
            envelope: line.envelope,
            over,
        });
    }
    out
}

/// What every notice of one run shares, worked out once rather than per village: the
/// funds' names, the title, the basis, the budgets' names and the tables' shape.
#[derive(Debug, Clone)]
pub struct Maker<'r> {
    rules: &'r RuleSet,
    shape: Shape,
    funds: Vec<String>,
    title: String,
    basis: String,
    /// Budgets' names: a cut is matched by name on every row it touches.
    budget_names: Vec<String>,
}

impl<'r> Maker<'r> {
    /// The shared parts of notices under `rules` of tables of `shape`.
    pub fn new(rules: &'r RuleSet, shape: &Shape) -> Maker<'r> {
        Maker {
            rules,
            shape: shape.clone(),
            funds: rules.funds.iter().map(|f| f.name.clone()).collect(),
            title: title(rules),
            basis: basis(rules),
            budget_names: rules
                .budgets
                .iter()
                .map(|b| b.display(rules, crate::i18n::Lang::Zh))
                .collect(),
        }
    }

    /// A village's notice with no segment yet.
    fn empty(&self, township: &str, village: &str) -> Notice {
        let sources = self.shape.sources.clone();
        Notice {
            township: township.to_string(),
            village: village.to_string(),
            title: self.title.clone(),
            funds: self.funds.clone(),
            names: self.shape.names,
            households: self.shape.households,
            segments: Vec::new(),
            total: Line {
                paid: vec![Decimal::ZERO; self.funds.len()],
                sources: vec![Decimal::ZERO; sources.len()],
                ..Line::default()
            },
            sources,
            cuts: Vec::new(),
            capped: Vec::new(),
            unpaid: Vec::new(),
            overspent: Vec::new(),
            surplus: Decimal::ZERO,
            left_out: 0,
            implausible: 0,
            basis: self.basis.clone(),
        }
    }

    /// One notice per village of `rows`, in the order the villages first appear, without
    /// the envelopes they overspend ([`overspent`] says those).
    pub fn notices<'a>(
        &self,
        rows: impl IntoIterator<Item = Row<'a>>,
    ) -> Result<Vec<Notice>, Overflow> {
        let rules = self.rules;
        let sources = &self.shape.sources;
        let budget_names = &self.budget_names;
        let mut out: Vec<Notice> = Vec::new();
        // Each village's notice found by its names: a table can hold hundreds of thousands
        // of villages, and looking through the notices made so far for every row grows as
        // their product.
        let mut index: foldhash::HashMap<(&'a str, &'a str), usize> = Default::default();
        // Per notice, per budget: what all the village's rows under it asked and were paid
        // (rows paid in full included), for the sentence of a budget that cut some of them.
        let mut under: Vec<Vec<(Decimal, Decimal)>> = Vec::new();
        let no_use = vec![(Decimal::ZERO, Decimal::ZERO); rules.budgets.len()];
        for row in rows {
            let at = *index.entry((row.township, row.village)).or_insert_with(|| {
                out.push(self.empty(row.township, row.village));
                under.push(no_use.clone());
                out.len() - 1
            });
            let notice = &mut out[at];
            let Some((seg, b)) = row.computed else {
                notice.left_out += 1;
                continue;
            };
            for (budget, (asked, paid)) in under[at].iter_mut().enumerate() {
                if let Some((a, p)) = asked_of(rules, budget, seg, b) {
                    add(asked, a)?;
                    add(paid, p)?;
                }
            }
            let line = Line {
                id: row.id.to_string(),
                name: row.name.to_string(),
                class: rules.classes[seg.class].name.clone(),
                width_m: Some(seg.width_m),
                length_km: seg.length_km,
                cost: b.cost,
                paid: b.shares.iter().map(|s| s.paid).collect(),
                subsidy: b.subsidy_total,
                gap: b.gap,
                sources: sources.iter().map(|s| seg.sources.get(*s)).collect(),
                shortfall: b.shortfall,
                households: seg.households.map(u64::from),
                per_household: b.per_household,
            };
            let total = &mut notice.total;
            add(&mut total.length_km, line.length_km)?;
            add(&mut total.cost, line.cost)?;
            for (t, p) in total.paid.iter_mut().zip(&line.paid) {
                add(t, *p)?;
            }
            add(&mut total.subsidy, line.subsidy)?;
            add(&mut total.gap, line.gap)?;
            let mut brought = Decimal::ZERO;
            for (t, s) in total.sources.iter_mut().zip(&line.sources) {
                add(t, *s)?;
            }
            for s in Source::ALL {
                add(&mut brought, seg.sources.get(s))?;
            }
            if brought > line.gap {
                add(&mut notice.surplus, brought - line.gap)?;
            }
            // Households are given per segment and one household may benefit from several
            // segments: their sum would count it twice, so the totals line has none (nor 户均).
            add(&mut total.shortfall, line.shortfall)?;
            if b.notes.iter().any(Note::is_warning) {
                notice.implausible += 1;
            }
            let segment = match (row.id.is_empty(), row.name.is_empty()) {
                (false, _) => row.id.to_string(),
                (true, false) => format!("“{}”", row.name),
                (true, true) => format!("（第{}行）", notice.segments.len() + 1),
            };
            let fund_name = |f: usize| rules.funds[f].display(crate::i18n::Lang::Zh).to_string();
            let unpaid: Vec<(String, Why)> = b
                .notes
                .iter()
                .filter_map(|n| match *n {
                    Note::BelowMinimum { fund, width, min } => {
                        Some((fund_name(fund), Why::Narrow { width, min }))
                    }
                    Note::NoTier { fund, class } => Some((
                        fund_name(fund),
                        Why::NoRate {
                            class: rules.classes[class]
                                .display(crate::i18n::Lang::Zh)
                                .to_string(),
                        },
                    )),
                    _ => None,
                })
                .collect();
            if !unpaid.is_empty() {
                notice.unpaid.push(Unpaid {
                    at: notice.segments.len(),
                    segment: segment.clone(),
                    funds: unpaid,
                });
            }
            for n in &b.notes {
                if let Note::CutByCost {
                    fund,
                    nominal,
                    paid,
                } = n
                {
                    let approved = b
                        .notes
                        .iter()
                        .any(|a| matches!(a, Note::Approved { fund: f, .. } if f == fund));
                    notice.capped.push(Capped {
                        at: notice.segments.len(),
                        segment: segment.clone(),
                        fund: fund_name(*fund),
                        approved,
                        nominal: *nominal,
                        paid: *paid,
                    });
                }
                if let Note::CutByBudget { cut, raised, .. } = n {
                    let name = &budget_names[cut.budget];
                    let at = match notice.cuts.iter().position(|c| c.budget_at == cut.budget) {
                        Some(at) => at,
                        None => {
                            notice.cuts.push(Cut {
                                budget: name.clone(),
                                how: cut.how,
                                per_village: cut.per_village,
                                asked: Decimal::ZERO,
                                paid: Decimal::ZERO,
                                raised: Decimal::ZERO,
                                envelope_asked: cut.asked,
                                envelope: cut.envelope,
                                budget_at: cut.budget,
                            });
                            notice.cuts.len() - 1
                        }
                    };
                    let c = &mut notice.cuts[at];
                    // The village's rows' asks and pay are those of all its rows under the
                    // budget (`under`), not only of those it cut: paid in order, rows paid
                    // in full were left out of both.
                    add(&mut c.raised, *raised)?;
                }
            }
            notice.segments.push(line);
        }
        for (notice, under) in out.iter_mut().zip(&under) {
            for c in &mut notice.cuts {
                (c.asked, c.paid) = under[c.budget_at];
            }
        }
        Ok(out)
    }
}

/// What row `seg` (computed as `b`, every budget's cut made) asked of budget `budget` and
/// was paid from it, when it falls under it (an allocating budget drawn on a fund, of the
/// row's class): the amount before and after the budget's cut of it, or, when it did not
/// cut the row, the amount as the budget found it (before any later budget's cut of the
/// same fund, else what the fund pays the row) twice. Budgets apply in file order.
fn asked_of(
    rules: &RuleSet,
    budget: usize,
    seg: &Segment,
    b: &Breakdown,
) -> Option<(Decimal, Decimal)> {
    let rule = &rules.budgets[budget];
    let fund = crate::report::allocate::allocates(rule)?;
    if rule.class.is_some_and(|c| c != seg.class) {
        return None;
    }
    let cuts = b.notes.iter().filter_map(|n| match n {
        Note::CutByBudget { cut, from, to, .. } if cut.fund == fund => {
            Some((cut.budget, *from, *to))
        }
        _ => None,
    });
    let mut later = None;
    for (by, from, to) in cuts {
        if by == budget {
            return Some((from, to));
        }
        if by > budget && later.is_none() {
            later = Some(from);
        }
    }
    let found = later.unwrap_or(b.shares[fund].paid);
    Some((found, found))
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into place:
/// over an existing file only with `force`, and never over one that appeared meanwhile.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut temp = temp_for(folder, path)?;
    std::io::Write::write_all(&mut temp.file, bytes)?;
    temp.file.as_file().sync_all()?;
    // Off the list as it is renamed, the list held: a signal's removal comes before or
    // after, never between.
    let list = replace::hold_list();
    let done = match force {
        true => temp.file.persist(path),
        false => temp.file.persist_noclobber(path),
    };
    // On a failure the file goes, then its name leaves the list.
    let done = done.map(drop).map_err(|e| e.error);
    drop(temp.listed);
    drop(list);
    done?;
    // The rename itself on the disk.
    replace::sync_folder(path);
    Ok(())
}

/// A notice's temporary file on the list a signal's ending removes ([`replace::Listed`]):
/// dropped, the file goes first, then its name leaves the list.
struct Temp<F> {
    file: F,
    listed: replace::Listed,
}

/// A temporary file in `folder` for a notice to be renamed to `path`, with the permissions
/// of the notice it replaces, or else those the user's umask gives a new file (a temporary
/// file is otherwise private: notices in a shared office folder were unreadable to others).
/// On the list a signal's ending removes from when it is made.
fn temp_for(folder: &Path, path: &Path) -> std::io::Result<Temp<tempfile::NamedTempFile>> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".roadsub-").suffix(".xlsx");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let (file, listed) = replace::made_listed(|| builder.tempfile_in(folder))?;
    let temp = Temp { file, listed };
    #[cfg(unix)]
    if let Ok(m) = std::fs::metadata(path) {
        if m.is_file() {
            use std::os::unix::fs::PermissionsExt;
            // Its owner and group too, where the system allows (else no group bits).
            replace::as_private_as(temp.file.path(), &m, m.permissions().mode())?;
        }
    }
    Ok(temp)
}

/// The characters Windows refuses in a file name, and control characters.
fn unsafe_char(c: char) -> bool {
    matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
}

/// Names Windows keeps for devices, whatever the extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// The most bytes a notice's file name takes, `(k)` and `.xlsx` included: well under the
/// 255 bytes most file systems allow, so a folder path in front and a temporary name's
/// prefix still fit.
pub const NAME_BYTES: usize = 120;

/// The most bytes of a stem: room is left for `(999)` and `.xlsx`.
const STEM_BYTES: usize = NAME_BYTES - "(999).xlsx".len();

/// One part of a stem (a township, a village) from `text`: each character Windows refuses
/// made `_`, without the leading spaces and trailing dots and spaces Windows drops; a part
/// made only of dots and spaces (`..`) is `_`, so no name is `.`, `..` or hidden.
fn safe_part(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if unsafe_char(c) { '_' } else { c })
        .collect();
    while s.ends_with(['.', ' ']) {
        s.pop();
    }
    let s = s.trim_start();
    match s.is_empty() {
        true => "_".to_string(),
        false => s.to_string(),
    }
}

/// A file name's stem from its parts: safe on Windows, never starting with a dot, never a
/// device name, and at most [`STEM_BYTES`] bytes, cut at a character's boundary.
fn safe_stem(parts: &[&str]) -> String {
    let mut s = parts
        .iter()
        .map(|p| safe_part(p))
        .collect::<Vec<_>>()
        .join("-");
    if s.starts_with('.') {
        s.insert(0, '_');
    }
    if s.len() > STEM_BYTES {
        let mut end = STEM_BYTES;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        while s.ends_with(['.', ' ']) {
            s.pop();
        }
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&s)) {
        format!("_{s}")
    } else {
        s
    }
}

/// Each notice's file name (`天马乡-画青村.xlsx`), safe on Windows, at most [`NAME_BYTES`]
/// bytes, and unique even where Windows ignores case: a second village whose name comes out
/// the same (or the same once shortened) gets `(2)`.
pub fn file_names(notices: &[Notice]) -> Vec<String> {
    file_names_of(
        notices
            .iter()
            .map(|n| (n.township.as_str(), n.village.as_str())),
    )
}

/// The order villages are filed in (pinyin order by township, then village), and in which
/// a second village whose file name comes out the same gets `(2)`: two places the pinyin
/// order puts together are taken by their text, so no name is a matter of row order.
pub fn filing_order(
    township: &str,
    village: &str,
) -> (
    (crate::textorder::Key, crate::textorder::Key),
    String,
    String,
) {
    (
        crate::report::summary::village_order(township, village),
        township.to_string(),
        village.to_string(),
    )
}

/// The file name of village `place`'s notice among every village of the tables (`places`,
/// trimmed, any order, repeats allowed): the name [`file_names_of`] gives it when every
/// village's notice is written, whichever villages are (a notice of one village never
/// takes the name of another's).
pub fn file_name_among<'a>(
    place: (&'a str, &'a str),
    places: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    // Each village once as it comes (a table view of a million rows has a few thousand).
    let distinct: std::collections::HashSet<(&str, &str)> =
        places.into_iter().chain([place]).collect();
    let mut all: Vec<(&str, &str)> = distinct.into_iter().collect();
    all.sort_by_cached_key(|&(t, v)| filing_order(t, v));
    let at = all.iter().position(|&p| p == place).unwrap_or(0);
    file_names_of(all.iter().copied()).swap_remove(at)
}

/// [`file_names`] of villages known by their township and village (as the tables write
/// them), in the order they are written: for the notices of a run, every village of its
/// tables in [`filing_order`], whichever are written ([`file_name_among`]).
pub fn file_names_of<'a>(villages: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    villages
        .into_iter()
        .map(|(township, village)| {
            let village = village_shown(village);
            let stem = match township.is_empty() {
                true => safe_stem(&[&village]),
                false => safe_stem(&[township, &village]),
            };
            let mut name = format!("{stem}.xlsx");
            let mut k = 2;
            while taken.contains(&name.to_lowercase()) {
                name = format!("{stem}({k}).xlsx");
                k += 1;
            }
            taken.insert(name.to_lowercase());
            name
        })
        .collect()
}

/// Why [`write_all`] wrote nothing: a file could not be made, or not be written.
#[derive(Debug)]
pub enum NotWritten<E> {
    /// Making the file at this path failed.
    Made(std::path::PathBuf, E),
    /// Writing the file at this path failed.
    Written(std::path::PathBuf, std::io::Error),
}

/// Writes every file named in `names` into `dir`, or none: the bytes of each are made by
/// `make` (called once per name) and written whole to a temporary file in `dir` and closed
/// at once, so neither the bytes of every file nor an open file each are held however many
/// there are; only when all are written and synced are they renamed into place (over an
/// existing file only with `force`), so an interrupted run leaves no half a notice, and `dir`
/// is synced once after the last rename, so the renames outlast a power cut. On a failure the temporary files are removed, the files already renamed that were new
/// are removed again and those they replaced put back, so `dir` keeps the files it had; the
/// error names the file it is about (the first in `names`' order, when several fail). A run
/// ended by a signal removes the temporary files too ([`replace::Listed`]), before the
/// renames or once they are all done.
///
/// The files are made and written on several threads: making one is work for a core, and
/// syncing one is mostly waiting for the disk, which takes the files of several threads in
/// one go.
pub fn write_all<E: Send>(
    dir: &Path,
    names: &[String],
    make: impl Fn(usize) -> Result<Vec<u8>, E> + Sync,
    force: bool,
) -> Result<(), NotWritten<E>> {
    type Written = (std::path::PathBuf, Temp<tempfile::TempPath>);
    let one = |at: usize| -> Result<Written, NotWritten<E>> {
        let path = dir.join(&names[at]);
        let bytes = make(at).map_err(|e| NotWritten::Made(path.clone(), e))?;
        let temp = (|| {
            let mut temp = temp_for(dir, &path)?;
            std::io::Write::write_all(&mut temp.file, &bytes)?;
            // Each notice synced as it is written: a disk that fails a write is found at
            // the first notice (one sync of the whole file system at the end, tried, found
            // it only after every notice had been written, and waited for whatever else was
            // being written there).
            temp.file.as_file().sync_all()?;
            // Only its path is kept: its removal on a failure needs no open file.
            Ok(Temp {
                file: temp.file.into_temp_path(),
                listed: temp.listed,
            })
        })()
        .map_err(|e| NotWritten::Written(path.clone(), e))?;
        Ok((path, temp))
    };
    let temps = on_threads(names.len(), one)?;
    // From here to the last rename the list of temporary files is held: a run ended by a
    // signal meanwhile ends once the notices are all in place (the folder of those kept
    // aside then removed whole), not while notices are being linked into that folder or
    // renamed.
    let list = replace::hold_list();
    // A notice about to be replaced is first kept aside (a hard link, or a copy where the
    // file system has none), so a failure can put it back; the folder goes when dropped, and
    // with a run ended by a signal.
    let (file, listed) =
        replace::made_listed(|| tempfile::Builder::new().prefix(".roadsub-").tempdir_in(dir))
            .map_err(|e| NotWritten::Written(dir.to_path_buf(), e))?;
    let keep = Temp { file, listed };
    let mut kept: Vec<Option<std::path::PathBuf>> = Vec::with_capacity(temps.len());
    for (k, (path, _)) in temps.iter().enumerate() {
        if force && path.is_file() {
            let aside = keep.file.path().join(k.to_string());
            std::fs::hard_link(path, &aside)
                .or_else(|_| std::fs::copy(path, &aside).map(|_| ()))
                .map_err(|e| NotWritten::Written(path.clone(), e))?;
            kept.push(Some(aside));
        } else {
            kept.push(None);
        }
    }
    // Dropping a temporary file that was not renamed removes it.
    let mut placed: Vec<(std::path::PathBuf, Option<std::path::PathBuf>)> = Vec::new();
    for ((path, temp), aside) in temps.into_iter().zip(kept) {
        let done = match force {
            true => temp.file.persist(&path),
            false => temp.file.persist_noclobber(&path),
        };
        if let Err(e) = done {
            for (p, aside) in placed.iter().rev() {
                let _ = match aside {
                    Some(a) => std::fs::rename(a, p),
                    None => std::fs::remove_file(p),
                };
            }
            return Err(NotWritten::Written(path, e.error));
        }
        placed.push((path, aside));
    }
    // The folder kept aside goes too before the list is let go (its links, not the notices).
    drop(keep);
    drop(list);
    // The renames on the disk, all at once: without it a power cut soon after can bring back
    // the notices replaced, or lose the new ones.
    replace::sync_dir(dir);
    Ok(())
}

/// Threads that make and write notices: twice the cores, so some make while others wait
/// for the disk, and never more than a few (each holds one workbook).
fn writers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        * 2
}

/// `one(i)` for every `i` in `0..n` on [`writers`] threads, the results in order; on a
/// failure, the first failure in order (the threads stop taking new work at the first one
/// they meet, and what the others made is dropped).
pub(crate) fn on_threads<T: Send, E: Send>(
    n: usize,
    one: impl Fn(usize) -> Result<T, E> + Sync,
) -> Result<Vec<T>, E> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let threads = writers().min(n.max(1));
    let done: Vec<Vec<(usize, Result<T, E>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        let r = one(i);
                        if r.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        mine.push((i, r));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut all: Vec<(usize, Result<T, E>)> = done.into_iter().flatten().collect();
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A village's file name is the one a notice of every village gives it, whatever
        /// the order its tables list the villages in, and no two villages share one (even
        /// where Windows ignores case): `--village` never writes over another's notice
        /// (review 34).
        #[test]
        fn a_villages_file_name_is_its_name_among_all_in_any_order(
            places in proptest::collection::vec(
                ("[aA:?乡]{0,2}", "[bB/*村(2)]{0,3}"), 1..12),
            turn in 0..12usize,
        ) {
            let places: Vec<(&str, &str)> =
                places.iter().map(|(t, v)| (t.as_str(), v.as_str())).collect();
            let mut all = places.clone();
            all.sort_unstable();
            all.dedup();
            all.sort_by_cached_key(|&(t, v)| filing_order(t, v));
            let names = file_names_of(all.iter().copied());
            let mut lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
            lower.sort();
            lower.dedup();
            proptest::prop_assert_eq!(lower.len(), names.len(), "{:?}", names);
            let mut listed = places.clone();
            listed.rotate_left(turn % places.len());
            for (place, name) in all.iter().zip(&names) {
                proptest::prop_assert_eq!(
                    &file_name_among(*place, listed.iter().copied()),
                    name
                );
            }
        }
    }

    fn cut(per_village: bool, envelope_asked: &str, paid: &str, raised: &str) -> Cut {
        Cut {
            budget: "社级道路建设（每村）".into(),
            how: OnOverrun::InOrder,
            per_village,
            asked: "590000".parse().unwrap(),
            paid: paid.parse().unwrap(),
            raised: raised.parse().unwrap(),
            envelope_asked: envelope_asked.parse().unwrap(),
            envelope: "500000".parse().unwrap(),
            budget_at: 1,
        }
    }

    #[test]
    fn a_cut_sentence_says_each_figure_once_whatever_the_village_raises_or_is_paid() {
        let said = |c: Cut| c.sentence();
        assert_eq!(
            said(cut(true, "590000", "420000.50", "169999.50")),
            "社级道路建设（每村）本村额度50万元，本村路段共申请59万元，已按优先级依次足额安排，安排42.00005万元，核减16.99995万元，由本村另行筹集。"
        );
        assert_eq!(
            said(cut(true, "590000", "500000", "30000")),
            "社级道路建设（每村）本村额度50万元，本村路段共申请59万元，已按优先级依次足额安排，核减9万元，本村因此多筹集3万元。"
        );
        assert_eq!(
            said(cut(false, "8685000", "500000", "0")),
            "社级道路建设（每村）额度50万元，各路段共申请868.5万元，已按优先级依次足额安排；本村路段申请59万元，安排50万元，核减9万元，本村无需因此多筹集。"
        );
    }

    fn notice(township: &str, village: &str) -> Notice {
        Notice {
            township: township.into(),
            village: village.into(),
            title: String::new(),
            funds: vec![],
            sources: vec![],
            names: false,
            households: false,
            segments: vec![],
            total: Line::default(),
            cuts: vec![],
            capped: vec![],
            unpaid: vec![],
            overspent: vec![],
            surplus: Decimal::ZERO,
            left_out: 0,
            implausible: 0,
            basis: String::new(),
        }
    }

    #[test]
    fn file_names_are_safe_on_windows_and_unique() {
        let names = file_names(&[
            notice("天马乡", "画青村"),
            notice("天/马:乡", "画*青?村"),
            notice("天_马_乡", "画_青_村"),
            notice("", "con"),
            notice("a", "b. "),
            notice("A", "B"),
            notice("", ""),
        ]);
        assert_eq!(
            names,
            [
                "天马乡-画青村.xlsx",
                "天_马_乡-画_青_村.xlsx",
                "天_马_乡-画_青_村(2).xlsx",
                "_con.xlsx",
                "a-b.xlsx",
                "A-B(2).xlsx",
                "（未填村名）.xlsx",
            ]
        );
    }

    #[test]
    fn why_a_fund_pays_nothing_is_one_sentence_funds_of_one_width_said_together() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        let narrow = |w: &str, m: &str| Why::Narrow {
            width: d(w),
            min: d(m),
        };
        let said = |funds: Vec<(&str, Why)>| {
            Unpaid {
                at: 0,
                segment: "A4".into(),
                funds: funds.into_iter().map(|(f, w)| (f.to_string(), w)).collect(),
            }
            .sentence()
        };
        assert_eq!(
            said(vec![("县交通局补助", narrow("3.0", "3.5"))]),
            "路段A4：路面宽度3米，低于县交通局补助的最小宽度3.5米，不予补助。"
        );
        assert_eq!(
            said(vec![
                ("县交通局补助", narrow("3.20", "3.5")),
                ("县扶贫专项补助", narrow("3.20", "4.5")),
            ]),
            "路段A4：路面宽度3.2米，低于县交通局补助的最小宽度3.5米和县扶贫专项补助的最小宽度4.5米，均不予补助。"
        );
        assert_eq!(
            said(vec![
                ("县交通局补助", narrow("3", "3.5")),
                (
                    "县扶贫专项补助",
                    Why::NoRate {
                        class: "通组公路".into()
                    }
                ),
            ]),
            "路段A4：路面宽度3米，低于县交通局补助的最小宽度3.5米；县扶贫专项补助没有通组公路的补助标准，均不予补助。"
        );
    }

    #[test]
    fn the_title_makes_the_standards_a_notice() {
        let mut rules = RuleSet::builtin();
        assert_eq!(title(&rules), "安岳县2018年贫困村通村通社公路补助公示");
        // Named as other documents are: what the segments get is the notice, not the
        // document ("…补助办法公示" read as publishing the policy itself).
        for (name, shown) in [
            (
                "某县2019年农村公路建设补助办法",
                "某县2019年农村公路建设补助公示",
            ),
            ("某县补助标准（2019年修订）", "某县补助公示"),
            ("某县补助标准(试行)", "某县补助公示"),
            (
                "关于印发某县通村公路补助实施细则的通知",
                "某县通村公路补助公示",
            ),
            (
                "某县通村公路补助暂行办法（2019）（修订）",
                "某县通村公路补助公示",
            ),
            ("某县通村公路补助公示", "某县通村公路补助公示"),
            // Review 8, D2: the document in title marks, an issuer before 关于印发 (they
            // read 《某县通村公路补助办法》公示, 某县人民政府关于印发《…办法》公示).
            (
                "关于印发《某县通村公路补助办法》的通知",
                "某县通村公路补助公示",
            ),
            (
                "某县人民政府关于印发《某县通村公路补助办法》的通知",
                "某县通村公路补助公示",
            ),
            (
                "某县交通运输局关于印发《某县通村公路补助实施细则（试行）》的通知",
                "某县通村公路补助公示",
            ),
            ("《某县通村公路补助办法》", "某县通村公路补助公示"),
            ("《甲》与《乙》", "《甲》与《乙》公示"),
            // Review 9, D5: a bracket after the marks or after 的通知, 转发, a document
            // named for what it is about, and nothing inside the marks.
            (
                "《某县通村公路补助办法》（2019年修订）",
                "某县通村公路补助公示",
            ),
            (
                "关于印发《某县通村公路补助办法》的通知（2019年修订）",
                "某县通村公路补助公示",
            ),
            (
                "某县人民政府关于转发《某市通村公路补助办法》的通知",
                "某市通村公路补助公示",
            ),
            (
                "关于印发《关于通村公路补助的实施办法》的通知",
                "通村公路补助公示",
            ),
            ("关于印发《》的通知", "关于印发《》的通知公示"),
            ("标准", "标准公示"),
            ("（2019）", "（2019）公示"),
            ("某县补助", "某县补助公示"),
        ] {
            rules.meta.name = name.to_string();
            assert_eq!(title(&rules), shown, "{name}");
        }
        let rules = RuleSet::builtin();
        assert_eq!(
            basis(&rules),
            "计算依据：《安岳县2018年贫困村通村通社公路补助标准》（安岳县扶贫开发办公室）；来源：安岳县脱贫攻坚工作新闻发布会，2018年5月15日（县扶贫开发办公室副主任黎泽伦答问）；自2018年5月15日起施行。"
        );
    }

    /// The notices of a run are put in place and then their folder is synced, once for all
    /// of them, so that the renames outlast a power cut as the notices' bytes do; one notice
    /// written alone likewise. A run that fails puts nothing in place and syncs nothing.
    #[test]
    fn the_folder_of_notices_put_in_place_is_synced_once() {
        use crate::testing::times_synced;
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (0..40).map(|i| format!("n{i:02}.xlsx")).collect();
        let failed = write_all(dir.path(), &names, Err::<Vec<u8>, _>, false);
        assert!(matches!(failed, Err(NotWritten::Made(_, 0))));
        assert_eq!(times_synced(dir.path()), 0);
        let bytes = |at: usize| format!("notice {at}").into_bytes();
        assert!(write_all(dir.path(), &names, |at| Ok::<_, ()>(bytes(at)), false).is_ok());
        assert_eq!(times_synced(dir.path()), 1);
        let one = tempfile::tempdir().unwrap();
        write_file(&one.path().join("n.xlsx"), b"notice", false).unwrap();
        assert_eq!(std::fs::read(one.path().join("n.xlsx")).unwrap(), b"notice");
        assert_eq!(times_synced(one.path()), 1);
    }

    #[test]
    fn notices_made_on_many_threads_are_all_written_or_none_and_the_first_failure_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (0..40).map(|i| format!("n{i:02}.xlsx")).collect();
        let bytes = |at: usize| format!("notice {at}").into_bytes();
        let failed = write_all(
            dir.path(),
            &names,
            |at| match at {
                17 | 30 => Err(at),
                _ => Ok(bytes(at)),
            },
            false,
        );
        match failed {
            Err(NotWritten::Made(path, 17)) => assert_eq!(path, dir.path().join("n17.xlsx")),
            _ => panic!("the first notice that cannot be made is said"),
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(write_all(dir.path(), &names, |at| Ok::<_, ()>(bytes(at)), false).is_ok());
        let mut written: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        written.sort();
        assert_eq!(written, names);
        for (at, name) in names.iter().enumerate() {
            assert_eq!(std::fs::read(dir.path().join(name)).unwrap(), bytes(at));
        }
    }

    #[cfg(unix)]
    #[test]
    fn notices_are_made_as_the_umask_says_and_replaced_ones_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        // What the umask gives any new file (they were 0600 whatever it said).
        std::fs::write(dir.path().join("made-so"), "").unwrap();
        let new = mode("made-so");
        assert_ne!(
            new & 0o077,
            0,
            "a umask of 077 would make this test say nothing"
        );
        let names = ["a.xlsx".to_string(), "b.xlsx".to_string()];
        write_all(dir.path(), &names, |_| Ok::<_, ()>(b"x".to_vec()), false).unwrap();
        write_file(&dir.path().join("c.xlsx"), b"x", false).unwrap();
        assert_eq!([mode("a.xlsx"), mode("b.xlsx"), mode("c.xlsx")], [new; 3]);
        // Replaced with --force: each keeps the mode it was given.
        for (name, m) in [("a.xlsx", 0o640), ("c.xlsx", 0o604)] {
            let p = dir.path().join(name);
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
        }
        write_all(dir.path(), &names, |_| Ok::<_, ()>(b"y".to_vec()), true).unwrap();
        write_file(&dir.path().join("c.xlsx"), b"y", true).unwrap();
        assert_eq!(
            [mode("a.xlsx"), mode("b.xlsx"), mode("c.xlsx")],
            [0o640, new, 0o604]
        );
        assert_eq!(std::fs::read(dir.path().join("a.xlsx")).unwrap(), b"y");
        // And its group.
        use std::os::unix::fs::MetadataExt;
        // Only the superuser may give a file a group of someone else's.
        let _ = std::os::unix::fs::chown(dir.path().join("a.xlsx"), None, Some(4242));
        let group = std::fs::metadata(dir.path().join("a.xlsx")).unwrap().gid();
        write_all(dir.path(), &names, |_| Ok::<_, ()>(b"z".to_vec()), true).unwrap();
        let a = std::fs::metadata(dir.path().join("a.xlsx")).unwrap();
        assert_eq!((a.permissions().mode() & 0o777, a.gid()), (0o640, group));
    }
}
