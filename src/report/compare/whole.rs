//! A comparison of whole tables: every row of every input computed under the rules in force
//! and under the variant on the path batch runs take ([`row::evaluate`]), each side's budgets
//! applied across all inputs at once ([`allocate`]), each side's totals, groups and budget
//! use added up ([`Summary`]), and the rows paired. Each side is exactly a batch run under
//! its rules, so its totals and budget lines are the ones `roadsub batch --summary` prints.
//!
//! When a row is bad under one side only (with `--keep-going`), a change in the totals or a
//! group would mix that row's amount on one side with nothing on the other: the totals and
//! groups therefore count only rows good under both, and say how many were left out. Budget
//! use stays each side's whole run, since it is about the envelopes the rows draw on.

use std::collections::BTreeMap;

use super::groups::Tallied;
use super::paired::Paired;
use super::{Amounts, Funds, Side};
use crate::i18n::Lang;
use crate::money;
use crate::report::allocate::AllocError;
use crate::report::summary::{in_group_order, GroupBy, Summary, Totals};
use crate::rules::RuleSet;
use crate::table::idform::SeenIds;
use crate::table::sheet::Sheet;
use crate::table::{Field, RowError};

/// The whole run held whole, every row's breakdown kept: what a notice was made from, and
/// the model the lean run ([`crate::report::notice::Run`]) is held to.
#[cfg(test)]
pub mod model;

/// One input table, read whole.
#[derive(Debug)]
pub struct Table {
    /// How messages and outputs name it (its path as given).
    pub label: String,
    /// Its rows.
    pub sheet: Sheet,
}

/// One row as both sides see it.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Which input (an index into the labels).
    pub file: usize,
    /// Its line in the input.
    pub line: u64,
    /// 编号 (blank when the table has none).
    pub id: String,
    /// 乡镇.
    pub township: String,
    /// 村.
    pub village: String,
    /// The class as the table writes it.
    pub class: String,
    /// Under the rules in force: the amounts, or why the row cannot be computed.
    pub before: Result<Amounts, Vec<RowError>>,
    /// Under the variant: the same.
    pub after: Result<Amounts, Vec<RowError>>,
}

impl Pair {
    /// The change, when the row computes under both.
    pub fn change(&self) -> Option<Amounts> {
        match (&self.before, &self.after) {
            (Ok(b), Ok(a)) => Some(b.change_to(a)),
            _ => None,
        }
    }

    /// Whether the variant changes the row: an amount differs, or it computes under one side
    /// only.
    pub fn changed(&self) -> bool {
        match (&self.before, &self.after) {
            (Ok(b), Ok(a)) => b != a,
            (Err(_), Err(_)) => false,
            _ => true,
        }
    }

    /// Whether the row computes under at least one side (a row bad under both is left out of
    /// every output).
    pub fn shown(&self) -> bool {
        self.before.is_ok() || self.after.is_ok()
    }

    /// Whether the row is bad under either side.
    pub fn bad(&self) -> bool {
        self.before.is_err() || self.after.is_err()
    }

    /// The amounts of `side`, when the row computes under it.
    pub fn amounts(&self, side: Side) -> Option<&Amounts> {
        match side {
            Side::Before => self.before.as_ref().ok(),
            Side::After => self.after.as_ref().ok(),
        }
    }
}

/// Both sides of a comparison, row by row and in total.
#[derive(Debug, Clone)]
pub struct Comparison<'r> {
    /// The rules in force.
    pub before_rules: &'r RuleSet,
    /// The variant.
    pub after_rules: &'r RuleSet,
    /// The inputs' labels, in the order given.
    pub labels: Vec<String>,
    /// The funds shown, matched by id.
    pub funds: Funds,
    /// Every row of every input (totals rows left out, as a batch run leaves them), in input
    /// order.
    pub pairs: Vec<Pair>,
    /// The rules in force's totals, groups (township, village) and budget use.
    pub before: Summary,
    /// The variant's.
    pub after: Summary,
    /// Rows computed under one side only: shown, but left out of the totals and groups.
    pub one_side_only: usize,
    /// The groups (township, village) of both sides, when the rows' cores found them by
    /// hash: then not in `before` and `after`, each group's totals made as it is handed on.
    pub(super) tallied: Option<Tallied>,
    /// Per input, the units its title rows or the command line gave bare numbers in.
    pub units: Vec<crate::table::units::TableUnits>,
}

/// A group of a comparison, and where its totals under each side are (see
/// [`Comparison::ordered_groups`]).
#[derive(Debug, Clone, Copy)]
pub struct OrderedGroup<'c>(GroupAt<'c>);

/// Where a group's key and totals are.
#[derive(Debug, Clone, Copy)]
enum GroupAt<'c> {
    /// Its key, and its totals in each side's summary, when the group has rows there.
    Held(&'c String, Option<&'c Totals>, Option<&'c Totals>),
    /// The group of this number of the comparison's tallies ([`Comparison::tallied`]).
    Tallied(&'c Tallied, GroupBy, usize),
}

/// A group's amounts under both sides (a group one side has no good row in shows zeros).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPair {
    /// The group's name (a township, or `township village`).
    pub key: String,
    /// Under the rules in force.
    pub before: Amounts,
    /// Under the variant.
    pub after: Amounts,
    /// Rows counted under each side.
    pub rows: (u64, u64),
}

impl GroupPair {
    /// `after − before`.
    pub fn change(&self) -> Amounts {
        self.before.change_to(&self.after)
    }
}

/// A side's allocation could not be worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompareError {
    /// Which side.
    pub side: Side,
    /// Why.
    pub error: AllocError,
}

impl CompareError {
    /// The message, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        format!(
            "{}{}",
            side_prefix(self.side, lang),
            self.error.render(lang)
        )
    }
}

/// How a message about one side starts: `under the variant: `, `按对比规则：`.
pub fn side_prefix(side: Side, lang: Lang) -> &'static str {
    match side {
        Side::Before => lang.pick("under the rules in force: ", "按现行规则："),
        Side::After => lang.pick("under the variant: ", "按对比规则："),
    }
}

/// Per input and row, whether the row's id was seen on an earlier row of any input, as it
/// reads ([`crate::table::idform`]; a repeated id makes a row bad, across all inputs, as in a batch run).
pub(crate) fn repeated_ids(tables: &[Table]) -> Vec<Vec<bool>> {
    // Room for every id at once: growing the set a row at a time, rehashing it as it went,
    // was a tenth of a second of a million rows, on one thread before any row is computed.
    let rows = tables.iter().map(|t| t.sheet.rows.len()).sum();
    let mut seen: SeenIds<'_, foldhash::fast::RandomState> = SeenIds::with_capacity(rows);
    tables
        .iter()
        .map(|t| {
            let col = t.sheet.columns.index(Field::Id);
            t.sheet
                .rows
                .iter()
                .map(|row| {
                    col.map(|c| money::trim(row.get(c)))
                        .filter(|id| !id.is_empty())
                        .is_some_and(|id| !seen.insert(id))
                })
                .collect()
        })
        .collect()
}

/// Every row of `tables` under `before` and `after`, paired.
pub fn compare<'r>(
    tables: &[Table],
    before: &'r RuleSet,
    after: &'r RuleSet,
) -> Result<Comparison<'r>, CompareError> {
    compare_grouped(tables, before, after, true)
}

/// [`compare`], adding up the groups (township, village) only when `grouped`: a form that
/// shows none (CSV, JSON Lines) need not find each row's village among thousands.
pub fn compare_grouped<'r>(
    tables: &[Table],
    before: &'r RuleSet,
    after: &'r RuleSet,
    grouped: bool,
) -> Result<Comparison<'r>, CompareError> {
    // A repeated id makes a row bad under both sides, across all inputs, as in a batch run.
    let duplicates = repeated_ids(tables);
    let funds = Funds::new(before, after);
    let mut pairs = Vec::new();
    let paired = super::paired::pairs(
        tables,
        (before, after),
        &duplicates,
        (&funds, grouped),
        &|piece| piece,
        &mut pairs,
    )?;
    let mut c = Comparison::unfilled(tables, before, after, funds);
    c.pairs = pairs;
    c.fill(paired);
    Ok(c)
}

impl<'r> Comparison<'r> {
    /// A comparison of `tables` with no rows and nothing added up yet: what writing its rows
    /// needs to know (the inputs, the funds, the rules) before they are computed.
    pub(super) fn unfilled(
        tables: &[Table],
        before: &'r RuleSet,
        after: &'r RuleSet,
        funds: Funds,
    ) -> Comparison<'r> {
        let labels = tables.iter().map(|t| t.label.clone()).collect();
        let units = tables.iter().map(|t| t.sheet.columns.units.clone());
        Comparison::unfilled_named(labels, units.collect(), before, after, funds)
    }

    /// [`Comparison::unfilled`] for tables known by their labels and units only (their rows
    /// still to be read).
    pub(super) fn unfilled_named(
        labels: Vec<String>,
        units: Vec<crate::table::units::TableUnits>,
        before: &'r RuleSet,
        after: &'r RuleSet,
        funds: Funds,
    ) -> Comparison<'r> {
        Comparison {
            before_rules: before,
            after_rules: after,
            labels,
            funds,
            pairs: Vec::new(),
            before: Summary::new(before, &[]),
            after: Summary::new(after, &[]),
            one_side_only: 0,
            tallied: None,
            units,
        }
    }

    /// Each side's sums as the rows' pieces added them up ([`super::paired::pairs`]).
    pub(super) fn fill(&mut self, paired: Paired) {
        let Paired {
            summaries: [before, after],
            one_side_only,
            tallied,
        } = paired;
        self.before = before;
        self.after = after;
        self.one_side_only = one_side_only;
        self.tallied = tallied;
    }
}

impl Comparison<'_> {
    /// The rules of `side`.
    pub fn rules(&self, side: Side) -> &RuleSet {
        match side {
            Side::Before => self.before_rules,
            Side::After => self.after_rules,
        }
    }

    /// The summary of `side`.
    pub fn summary(&self, side: Side) -> &Summary {
        match side {
            Side::Before => &self.before,
            Side::After => &self.after,
        }
    }

    /// Each side's totals as compared amounts.
    pub fn totals(&self, side: Side) -> Amounts {
        Amounts::of_totals(&self.funds, side, &self.summary(side).total)
    }

    /// The groups of `by` (township or village), the keys of both sides, in pinyin order
    /// ([`crate::report::summary::group_order`]).
    pub fn groups(&self, by: GroupBy) -> Vec<GroupPair> {
        let mut out = Vec::new();
        self.each_group(by, |g| out.push(g));
        out
    }

    /// [`Comparison::groups`] one at a time, made only as each is handed on: a comparison of
    /// many villages never holds them all twice (as sums and as pairs of amounts).
    pub fn each_group(&self, by: GroupBy, mut f: impl FnMut(GroupPair)) {
        for g in self.ordered_groups(by) {
            f(self.group_pair(g));
        }
    }

    /// The groups of `by`, the names of both sides in pinyin order, each with where its
    /// totals on each side are (none on a side that has no such group): what
    /// [`Comparison::group_pair`] makes a group of.
    pub fn ordered_groups(&self, by: GroupBy) -> Vec<OrderedGroup<'_>> {
        if let Some(tallied) = &self.tallied {
            let groups = tallied.order(by);
            return groups
                .map(|g| OrderedGroup(GroupAt::Tallied(tallied, by, g)))
                .collect();
        }
        let groups = self.held_groups(by);
        let names: Vec<&str> = groups.iter().map(|g| g.0.as_str()).collect();
        in_group_order(by, &names)
            .into_iter()
            .map(|i| {
                let (key, before, after) = groups[i];
                OrderedGroup(GroupAt::Held(key, before, after))
            })
            .collect()
    }

    /// The groups of `by` the summaries hold, in order by key: both sides' groups walked
    /// side by side, each name met once, with its totals on each side.
    fn held_groups(&self, by: GroupBy) -> Vec<(&String, Option<&Totals>, Option<&Totals>)> {
        let (before, after) = (self.before.groups(by), self.after.groups(by));
        let len = |g: Option<&BTreeMap<String, Totals>>| g.map_or(0, BTreeMap::len);
        let mut groups = Vec::with_capacity(len(before).max(len(after)));
        let (mut b, mut a) = (
            before.into_iter().flatten().peekable(),
            after.into_iter().flatten().peekable(),
        );
        loop {
            let (key, tb, ta) = match (b.peek(), a.peek()) {
                (None, None) => break,
                (Some(&(kb, _)), Some(&(ka, _))) if kb < ka => (kb, b.next(), None),
                (Some(&(kb, _)), Some(&(ka, _))) if kb > ka => (ka, None, a.next()),
                (Some(&(k, _)), _) | (None, Some(&(k, _))) => (k, b.next(), a.next()),
            };
            groups.push((key, tb.map(|(_, t)| t), ta.map(|(_, t)| t)));
        }
        groups
    }

    /// A group of [`Comparison::ordered_groups`] as compared amounts.
    pub fn group_pair(&self, group: OrderedGroup<'_>) -> GroupPair {
        match group.0 {
            GroupAt::Tallied(tallied, by, g) => tallied.pair(by, g, &self.funds),
            GroupAt::Held(key, before, after) => {
                let zero = Totals::default();
                let (b, a) = (before.unwrap_or(&zero), after.unwrap_or(&zero));
                GroupPair {
                    key: key.clone(),
                    before: Amounts::of_totals(&self.funds, Side::Before, b),
                    after: Amounts::of_totals(&self.funds, Side::After, a),
                    rows: (b.segments, a.segments),
                }
            }
        }
    }

    /// Asks for what [`Comparison::group_pair`] reads of `group` to be brought near: a hint,
    /// which changes nothing but when memory is waited for.
    pub fn prefetch_group(&self, group: OrderedGroup<'_>) {
        if let GroupAt::Tallied(tallied, by, g) = group.0 {
            tallied.prefetch(by, g);
        }
    }

    /// Each side's groups as a summary's groupings (townships, then villages, each by its
    /// key), wherever they are held: what adding the rows to each side's summary in input
    /// order makes.
    #[cfg(test)]
    pub fn groupings(&self, side: Side) -> Vec<(GroupBy, BTreeMap<String, Totals>)> {
        match &self.tallied {
            Some(tallied) => {
                let [before, after] = tallied.groupings();
                match side {
                    Side::Before => before,
                    Side::After => after,
                }
            }
            None => self.summary(side).groupings.clone(),
        }
    }

    /// For each budget of the rules in force, the variant's budget that is the same one
    /// (matched by what it draws on, its class and whether it is per village; see
    /// [`super::budgets`]).
    pub fn budget_pairs(&self) -> Vec<Option<usize>> {
        super::budgets::matched(self.before_rules, self.after_rules)
    }

    /// Whether every budget of each rule set is one of the other's under the same name, so
    /// their lines can be shown side by side under one name (paired by what they are, not by
    /// their place in the files).
    pub fn same_budgets(&self) -> bool {
        let (b, a) = (self.before_rules, self.after_rules);
        let pairs = self.budget_pairs();
        pairs.len() == a.budgets.len()
            && pairs.iter().enumerate().all(|(i, m)| {
                m.is_some_and(|j| {
                    b.budgets[i].display(b, Lang::Zh) == a.budgets[j].display(a, Lang::Zh)
                        && b.budgets[i].display(b, Lang::En) == a.budgets[j].display(a, Lang::En)
                })
            })
    }

    /// The rows shown (computed under at least one side).
    pub fn shown(&self) -> impl Iterator<Item = &Pair> {
        self.pairs.iter().filter(|p| p.shown())
    }

    /// What is wrong with row `p` under each side, in `lang`, without its place (the row
    /// says where it is): said once when both sides say the same, else each with its side.
    pub fn row_errors(&self, p: &Pair, lang: Lang) -> Vec<String> {
        if let (Ok(_), Ok(_)) = (&p.before, &p.after) {
            return Vec::new();
        }
        let label = &self.labels[p.file];
        let place = format!("{label}:{}: ", p.line);
        let render = |side: Side, errors: &[RowError]| -> Vec<String> {
            errors
                .iter()
                .map(|e| {
                    let m = e.render(label, self.rules(side), lang);
                    m.strip_prefix(&place).map_or(m.clone(), str::to_string)
                })
                .collect()
        };
        match (&p.before, &p.after) {
            (Ok(_), Ok(_)) => Vec::new(),
            (Err(b), Err(a)) if render(Side::Before, b) == render(Side::After, a) => {
                render(Side::Before, b)
            }
            (b, a) => [(Side::Before, b), (Side::After, a)]
                .into_iter()
                .filter_map(|(side, r)| r.as_ref().err().map(|e| (side, e)))
                .flat_map(|(side, e)| {
                    render(side, e)
                        .into_iter()
                        .map(move |m| format!("{}{m}", side_prefix(side, lang)))
                })
                .collect(),
        }
    }

    /// The sentence that says how many rows are left out of the totals and groups for being
    /// computed under one side only; none when every row shown is computed under both.
    pub fn one_side_sentence(&self, lang: Lang) -> Option<String> {
        let n = self.one_side_only;
        (n > 0).then(|| match lang {
            Lang::En => format!(
                "{n} {} computed under one rule set only {} left out of the totals and groups (budget use is each rule set's whole run)",
                if n == 1 { "row" } else { "rows" },
                if n == 1 { "is" } else { "are" },
            ),
            Lang::Zh => format!(
                "{n} 行仅在一套规则下计算完成，未计入合计与分组（预算额度使用仍按各套规则的全部结果）"
            ),
        })
    }

    /// The lines a batch run's summary opens with, in the same words (one function says
    /// each): the unit each input's bare amounts were read in and where that was said, and
    /// the warning about rows whose cost per km is implausible (under the variant too, when
    /// its rules judge differently).
    pub fn reading_lines(&self, lang: Lang) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for units in &self.units {
            for l in units.describe(lang) {
                if !lines.contains(&l) {
                    lines.push(l);
                }
            }
        }
        let warn = |rules, totals: &crate::report::Totals| {
            crate::report::summary::implausible_line(rules, totals.implausible, lang)
        };
        let before = warn(self.before_rules, &self.before.total);
        let after = warn(self.after_rules, &self.after.total);
        lines.extend(before.clone());
        if after != before {
            lines.extend(after);
        }
        lines
    }

    /// Every row error, rendered as a batch run renders them (`FILE:LINE: …`), said once when
    /// both sides say the same, else each with its side.
    pub fn messages(&self, lang: Lang) -> Vec<String> {
        self.pairs
            .iter()
            .flat_map(|p| self.placed_errors(p, lang))
            .collect()
    }

    /// What is wrong with row `p`, each message with its place as a batch run says it
    /// (`FILE:LINE: under the variant: …`): the same words on standard error, in JSON's
    /// `errors_before`/`errors_after` and in CSV's and JSON Lines' `errors`.
    pub fn placed_errors(&self, p: &Pair, lang: Lang) -> Vec<String> {
        let label = &self.labels[p.file];
        let render = |side: Side, errors: &[RowError]| -> Vec<String> {
            errors
                .iter()
                .map(|e| e.render(label, self.rules(side), lang))
                .collect()
        };
        let mut out = Vec::new();
        match (&p.before, &p.after) {
            (Ok(_), Ok(_)) => {}
            (Err(b), Err(a)) if render(Side::Before, b) == render(Side::After, a) => {
                out.extend(render(Side::Before, b));
            }
            (b, a) => {
                for (side, r) in [(Side::Before, b), (Side::After, a)] {
                    if let Err(errors) = r {
                        let place = format!("{label}:{}: ", p.line);
                        for m in render(side, errors) {
                            let body = m.strip_prefix(&place).unwrap_or(&m);
                            out.push(format!("{place}{}{body}", side_prefix(side, lang)));
                        }
                    }
                }
            }
        }
        out
    }
}
