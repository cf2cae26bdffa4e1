//! Totals of a run: per fund, subsidy, shortfall, km planned and finished, budget use, and the
//! same per township, village or class. Totals are sums of the rounded row amounts, so every
//! printed table adds up to the fen.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::engine::{Breakdown, Segment};
use crate::i18n::Lang;
use crate::money::{self, Sum, SumError};
use crate::rules::{ClassId, RuleSet};
use crate::table::RowText;
use crate::textorder::Key;
use crate::textwidth::{Align, Table};

use super::format::Unit;

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

/// The groupings a summary needs: `by`'s, in the order given (each once), and township and
/// village for a workbook report's summary sheet.
pub fn groupings(format: super::Format, by: impl IntoIterator<Item = GroupBy>) -> Vec<GroupBy> {
    let mut all: Vec<GroupBy> = Vec::new();
    let sheet = [GroupBy::Township, GroupBy::Village];
    let sheet = sheet.iter().filter(|_| format == super::Format::Xlsx);
    for g in by.into_iter().chain(sheet.copied()) {
        if !all.contains(&g) {
            all.push(g);
        }
    }
    all
}

impl GroupBy {
    /// The name `--by` and JSON give it.
    pub fn key(self) -> &'static str {
        match self {
            GroupBy::Township => "township",
            GroupBy::Village => "village",
            GroupBy::Class => "class",
        }
    }
}

/// The key, and the name shown, of the group of village `village` in township `township`
/// (both trimmed, as a row's cells are): `township village`, as every report has always
/// named a village. Joined by a space alone, two villages would share a key when a township
/// holds a space ("石羊 镇" + "红星" and "石羊" + "镇 红星" are both "石羊 镇 红星"), so a
/// township holding white space, or starting with `"`, is quoted as a CSV cell is
/// (`"石羊 镇" 红星`, a `"` inside doubled). Every key that starts with `"` is then quoted and
/// names its township up to the closing quote; every other names it up to the first space,
/// and no two villages share a key.
pub fn village_key(township: &str, village: &str) -> String {
    let mut key = String::new();
    VillageKey(township, village).write_into(&mut key);
    key
}

/// A [`village_key`] made in a buffer used again row after row.
struct VillageKey<'a>(&'a str, &'a str);

impl VillageKey<'_> {
    /// The key, written into `buf`.
    fn write_into(self, buf: &mut String) -> &str {
        let VillageKey(township, village) = self;
        buf.clear();
        buf.reserve(township.len() + 1 + village.len());
        if township.starts_with('"') || township.contains(char::is_whitespace) {
            buf.push('"');
            buf.push_str(&township.replace('"', "\"\""));
            buf.push_str("\" ");
        } else {
            buf.push_str(township);
            buf.push(' ');
        }
        buf.push_str(village);
        buf
    }
}

/// A group's label as a report's group table shows it, above the table's totals row: quoted
/// as a CSV cell is (`"total"`) when it reads as that row's label does (`total`, `Total`,
/// `合计`), so that a township named so is never taken for the totals (review 35).
pub fn group_label(label: String, lang: Lang) -> String {
    if label
        .trim()
        .eq_ignore_ascii_case(lang.pick("total", "合计"))
    {
        format!("\"{}\"", label.replace('"', "\"\""))
    } else {
        label
    }
}

/// The township and village a [`village_key`] names, read back: the quoted township up to
/// its closing quote (a doubled `"` inside is one), or up to the first space.
pub fn village_parts(key: &str) -> Option<(String, &str)> {
    let Some(quoted) = key.strip_prefix('"') else {
        return key.split_once(' ').map(|(t, v)| (t.to_string(), v));
    };
    let mut township = String::new();
    let mut chars = quoted.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '"' {
            township.push(c);
        } else if chars.next_if(|&(_, c)| c == '"').is_some() {
            township.push('"');
        } else {
            return quoted[at + 1..]
                .strip_prefix(' ')
                .map(|village| (township, village));
        }
    }
    None
}

/// What the village `village` of township `township` is ordered by where people read it: its
/// township, then its name, in pinyin order ([`crate::textorder`]).
pub fn village_order(township: &str, village: &str) -> (Key, Key) {
    (Key::of(township), Key::of(village))
}

/// What a group of `by` named `name` is ordered by where people read it, in pinyin order
/// ([`crate::textorder`]): a township by its name, a village by its township and then its
/// own name (a quoted township too), a class by the label shown. The name itself comes last,
/// so two groups never tie. Made once per group when an output is written.
pub fn group_order(by: GroupBy, name: &str) -> (Key, Key, String) {
    let (township, village) = ordered_parts(by, name);
    let (township, village) = village_order(&township, village);
    (township, village, name.to_string())
}

/// What a group of `by` named `name` is ordered by, as text: its township (the name itself
/// for a township or a class) and its village's own name (empty but for a village).
fn ordered_parts(by: GroupBy, name: &str) -> (std::borrow::Cow<'_, str>, &str) {
    let parts = match by {
        GroupBy::Village => village_parts(name),
        GroupBy::Township | GroupBy::Class => None,
    };
    match parts {
        Some((township, village)) => (township.into(), village),
        None => (name.into(), ""),
    }
}

/// The places of `names` (groups of `by`, no two alike) in the order [`group_order`] gives:
/// `order[k]` is the index in `names` of the `k`th group. Each township's and village's own
/// name is made a key once and the keys put in order once: the 187,307 villages of a
/// million-row table have 97 townships and 1,931 village names between them, and sort by
/// two ranks each and, where both tie, by their names.
pub fn in_group_order(by: GroupBy, names: &[&str]) -> Vec<usize> {
    let parts = names.iter().map(|name| ordered_parts(by, name));
    in_order_of_parts(parts, |a, b| names[a].cmp(names[b]))
}

/// [`in_group_order`] of groups given by what each is ordered by (its township and its
/// village's own name: [`ordered_parts`]), `tie` ordering two groups (by their places) whose
/// parts' keys are the same: their names, for [`group_order`]'s order.
pub fn in_order_of_parts<'a>(
    parts: impl Iterator<Item = (std::borrow::Cow<'a, str>, &'a str)>,
    tie: impl Fn(usize, usize) -> Ordering,
) -> Vec<usize> {
    let mut slots = Slots::default();
    let parts: Vec<(u32, u32)> = parts
        .map(|(township, village)| (slots.of(township), slots.of(village.into())))
        .collect();
    slots.order(&parts, tie)
}

/// Each distinct text of groups' parts (townships' and villages' own names) numbered as it
/// is first met, with its key, so that each is made a key once: [`in_order_of_parts`] with
/// the texts' numbers found by the caller (a township's once, for all its villages).
#[derive(Default)]
pub struct Slots<'a> {
    slots: foldhash::HashMap<std::borrow::Cow<'a, str>, u32>,
    keys: Vec<Key>,
}

impl<'a> Slots<'a> {
    /// The number of `text`, made the first time it is met.
    pub fn of(&mut self, text: std::borrow::Cow<'a, str>) -> u32 {
        if let Some(&at) = self.slots.get(text.as_ref()) {
            return at;
        }
        let at = self.keys.len() as u32;
        self.keys.push(Key::of(&text));
        self.slots.insert(text, at);
        at
    }

    /// The places of groups whose parts are `parts` (each a township's and a village's
    /// text's number) in the order of their parts' keys, `tie` ordering two groups (by
    /// their places) whose keys are the same.
    pub fn order(self, parts: &[(u32, u32)], tie: impl Fn(usize, usize) -> Ordering) -> Vec<usize> {
        let keys = self.keys;
        // Each slot's rank: the keys in order, equal keys one rank.
        let mut sorted: Vec<u32> = (0..keys.len() as u32).collect();
        sorted.sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
        let mut rank = vec![0u32; keys.len()];
        for (i, pair) in sorted.iter().enumerate() {
            rank[*pair as usize] = match i {
                0 => 0,
                _ if keys[sorted[i - 1] as usize] == keys[*pair as usize] => {
                    rank[sorted[i - 1] as usize]
                }
                _ => i as u32,
            };
        }
        // Sorted by the village's rank, then (keeping that order) by the township's: a
        // count of each rank twice, with no comparison, as there are far fewer ranks (a
        // few thousand texts) than groups (187,307 villages on a million rows). Then each
        // run of the same ranks by `tie`.
        let by = |rank_of: &dyn Fn(usize) -> usize, order: &[usize]| -> Vec<usize> {
            let mut starts = vec![0usize; keys.len() + 1];
            for &at in order {
                starts[rank_of(at) + 1] += 1;
            }
            for i in 1..starts.len() {
                starts[i] += starts[i - 1];
            }
            let mut out = vec![0usize; order.len()];
            for &at in order {
                let r = rank_of(at);
                out[starts[r]] = at;
                starts[r] += 1;
            }
            out
        };
        let places: Vec<usize> = (0..parts.len()).collect();
        let places = by(&|at| rank[parts[at].1 as usize] as usize, &places);
        let mut places = by(&|at| rank[parts[at].0 as usize] as usize, &places);
        let ranks = |at: usize| (rank[parts[at].0 as usize], rank[parts[at].1 as usize]);
        for run in places.chunk_by_mut(|&a, &b| ranks(a) == ranks(b)) {
            if run.len() > 1 {
                run.sort_unstable_by(|&a, &b| tie(a, b));
            }
        }
        places
    }
}

/// `items`, each under the name of its group of `by`, sorted so each group's items stand
/// together, the groups in the order people read ([`group_order`]) and each group's items in
/// the order they came. The order is worked out once per group, not per item.
pub fn sort_grouped<T>(by: GroupBy, items: &mut [(String, T)]) {
    let mut names: Vec<&str> = items.iter().map(|(name, _)| name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let rank: foldhash::HashMap<String, usize> = in_group_order(by, &names)
        .into_iter()
        .enumerate()
        .map(|(at, i)| (names[i].to_string(), at))
        .collect();
    items.sort_by_cached_key(|(name, _)| rank[name]);
}

/// Σ paid per fund, in the rules' order of funds.
pub type FundSums = smallvec::SmallVec<[Sum<2>; 3]>;

/// Sums over a set of segments, exact: money in fen, lengths in µkm.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Segments counted.
    pub segments: u64,
    /// Σ length, km.
    pub planned_km: Sum<6>,
    /// Σ completed, km.
    pub completed_km: Sum<6>,
    /// Σ cost.
    pub cost: Sum<2>,
    /// Σ paid, per fund (held inline for up to three funds: a run keeps one of these per
    /// village and group, and a vector of its own each was an allocation per village).
    pub paid: FundSums,
    /// Σ subsidy.
    pub subsidy_total: Sum<2>,
    /// Σ gap (差额).
    pub gap: Sum<2>,
    /// Σ every source of the gap (整合资金, 一事一议, 农户自筹, 村项目资金).
    pub sources: Sum<2>,
    /// Σ shortfall (尚需筹集).
    pub shortfall: Sum<2>,
    /// Σ of what the sources give beyond the gap, row by row (a surplus each row notes).
    pub surplus: Sum<2>,
    /// Σ due (应拨付), over the rows with completed km.
    pub due: Sum<2>,
    /// Σ disbursed (已拨付), over the rows that give it.
    pub disbursed: Sum<2>,
    /// Σ outstanding (待拨付), over the rows that give what was disbursed.
    pub outstanding: Sum<2>,
    /// Rows with a due amount (completed km given).
    pub due_rows: u64,
    /// Rows that give what was disbursed.
    pub disbursed_rows: u64,
    /// Segments whose cost per km is outside the rules' plausible range (a warning each).
    pub implausible: u64,
}

/// A total left the exact range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SumOverflow;

impl From<SumError> for SumOverflow {
    fn from(_: SumError) -> SumOverflow {
        SumOverflow
    }
}

impl Totals {
    /// Empty totals for `rules`: a zero for each fund.
    pub fn new(rules: &RuleSet) -> Totals {
        Totals {
            paid: smallvec::smallvec![Sum::default(); rules.funds.len()],
            ..Totals::default()
        }
    }

    /// Whether rows give both completed km and disbursed, so that something is outstanding.
    pub fn has_outstanding(&self) -> bool {
        self.due_rows > 0 && self.disbursed_rows > 0
    }

    /// Adds the totals of `other` (other rows of the same group).
    pub(crate) fn merge(&mut self, other: &Totals) -> Result<(), SumOverflow> {
        self.segments += other.segments;
        self.planned_km.merge(other.planned_km)?;
        self.completed_km.merge(other.completed_km)?;
        self.cost.merge(other.cost)?;
        if self.paid.len() < other.paid.len() {
            self.paid.resize(other.paid.len(), Sum::default());
        }
        for (sum, p) in self.paid.iter_mut().zip(&other.paid) {
            sum.merge(*p)?;
        }
        self.subsidy_total.merge(other.subsidy_total)?;
        self.gap.merge(other.gap)?;
        self.sources.merge(other.sources)?;
        self.shortfall.merge(other.shortfall)?;
        self.surplus.merge(other.surplus)?;
        self.due.merge(other.due)?;
        self.disbursed.merge(other.disbursed)?;
        self.outstanding.merge(other.outstanding)?;
        self.due_rows += other.due_rows;
        self.disbursed_rows += other.disbursed_rows;
        self.implausible += other.implausible;
        Ok(())
    }

    /// Adds one row's amounts, or takes them away again when `negate`.
    pub(crate) fn apply(
        &mut self,
        seg: &Segment,
        b: &Breakdown,
        negate: bool,
    ) -> Result<(), SumOverflow> {
        let part = RowPart::of(seg, b)?;
        let paid = b.shares.iter().map(|share| Sum::<2>::units(share.paid));
        self.add_part(&part, paid, negate)
    }

    /// Adds one row's part, `paid` its funds' paid amounts in fen, or takes it away again
    /// when `negate`: what [`Totals::apply`] adds of the segment and breakdown `part` was
    /// made of. The interactive table, which keeps each row's amounts in fen, adds its rows
    /// so, without a segment and breakdown made for each.
    pub(crate) fn add_part(
        &mut self,
        part: &RowPart,
        paid: impl ExactSizeIterator<Item = Result<i128, SumError>>,
        negate: bool,
    ) -> Result<(), SumOverflow> {
        let count = |n: u64| if negate { n.saturating_sub(1) } else { n + 1 };
        self.segments = count(self.segments);
        self.planned_km.add_units(part.length, negate)?;
        if let Some(done) = part.completed {
            self.completed_km.add_units(done, negate)?;
        }
        self.cost.add_units(part.cost, negate)?;
        if self.paid.len() < paid.len() {
            self.paid.resize(paid.len(), Sum::default());
        }
        for (sum, fen) in self.paid.iter_mut().zip(paid) {
            sum.add_units(fen?, negate)?;
        }
        self.subsidy_total.add_units(part.subsidy, negate)?;
        self.gap.add_units(part.gap, negate)?;
        self.shortfall.add_units(part.shortfall, negate)?;
        self.sources.add_units(part.sources, negate)?;
        if part.sources > part.gap {
            self.surplus.add_units(part.sources - part.gap, negate)?;
        }
        if let Some(due) = part.due {
            self.due.add_units(due, negate)?;
            self.due_rows = count(self.due_rows);
        }
        if let Some(paid) = part.disbursed {
            self.disbursed.add_units(paid, negate)?;
            self.disbursed_rows = count(self.disbursed_rows);
        }
        if let Some(left) = part.outstanding {
            self.outstanding.add_units(left, negate)?;
        }
        if part.warns {
            self.implausible = count(self.implausible);
        }
        Ok(())
    }
}

/// One row's part in [`Totals`] as whole numbers (money in fen, lengths in µkm), its funds'
/// paid amounts apart: what [`Totals::add_part`] adds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RowPart {
    /// Length.
    pub length: i128,
    /// Completed length, when given.
    pub completed: Option<i128>,
    pub cost: i128,
    pub subsidy: i128,
    pub gap: i128,
    pub shortfall: i128,
    /// Σ the row's sources of the gap (整合资金, 一事一议, 农户自筹, 村项目资金).
    pub sources: i128,
    pub due: Option<i128>,
    /// What was disbursed, when the table gives it.
    pub disbursed: Option<i128>,
    pub outstanding: Option<i128>,
    /// Whether a note warns (a cost per km outside the plausible range).
    pub warns: bool,
}

impl RowPart {
    /// The part of a computed row: an error for an amount with more decimals than a total
    /// keeps (never one the engine gives).
    #[inline]
    pub(crate) fn of(seg: &Segment, b: &Breakdown) -> Result<RowPart, SumOverflow> {
        let fen = Sum::<2>::units;
        let km = Sum::<6>::units;
        let mut sources = 0i128;
        for s in seg.sources.0.iter().filter(|s| !s.is_zero()) {
            sources = sources.checked_add(fen(*s)?).ok_or(SumOverflow)?;
        }
        Ok(RowPart {
            length: km(seg.length_km)?,
            completed: seg.completed_km.map(km).transpose()?,
            cost: fen(b.cost)?,
            subsidy: fen(b.subsidy_total)?,
            gap: fen(b.gap)?,
            shortfall: fen(b.shortfall)?,
            sources,
            due: b.due.map(fen).transpose()?,
            disbursed: seg.disbursed.map(fen).transpose()?,
            outstanding: b.outstanding.map(fen).transpose()?,
            warns: b.notes.iter().any(|n| n.is_warning()),
        })
    }
}

/// What the rows under one envelope asked of it and were paid (SPEC §8).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Use {
    /// Σ paid from it: by the budget's fund on the rows under it (after every cut), or the
    /// plan's own money of the budget's source.
    pub used: Sum<2>,
    /// Σ of what was asked of it beyond what it paid (what its own cut took): zero for
    /// nearly every row, so kept apart and added only when it is not.
    pub cut_back: Sum<2>,
    /// Σ of how much more the villages raise because this budget cut their rows.
    pub raised: Sum<2>,
    /// Rows counted in it: a village whose last row leaves (an edit, a deletion) has no line.
    pub rows: u64,
}

impl Use {
    /// Σ asked of it: what the fund paid before this budget cut it.
    pub fn asked(&self) -> Decimal {
        let mut asked = self.used;
        // Both are sums of checked amounts; at worst the line shows what was paid.
        let _ = asked.merge(self.cut_back);
        asked.value()
    }

    fn merge(&mut self, other: Use) -> Result<(), SumOverflow> {
        self.used.merge(other.used)?;
        self.cut_back.merge(other.cut_back)?;
        self.raised.merge(other.raised)?;
        self.rows += other.rows;
        Ok(())
    }

    fn apply(&mut self, row: &RowUse, negate: bool) -> Result<(), SumOverflow> {
        self.rows = if negate {
            self.rows.saturating_sub(1)
        } else {
            self.rows + 1
        };
        self.used.add_units(row.used, negate)?;
        if row.cut_back != 0 {
            self.cut_back.add_units(row.cut_back, negate)?;
        }
        if row.raised != 0 {
            self.raised.add_units(row.raised, negate)?;
        }
        Ok(())
    }
}

/// One row's part in a [`Use`], in fen.
pub(crate) struct RowUse {
    pub used: i128,
    pub cut_back: i128,
    pub raised: i128,
}

impl RowUse {
    /// What row `b` (with segment `seg`) asked of budget `budget` (the `at`-th) and was paid:
    /// an error for an amount with more decimals than a total keeps (never one the engine
    /// gives).
    fn of(
        at: usize,
        budget: &crate::rules::Budget,
        seg: &Segment,
        b: &Breakdown,
    ) -> Result<RowUse, SumOverflow> {
        let fen = Sum::<2>::units;
        let paid = |f: usize| fen(b.shares[f].paid);
        let sources = |s: crate::engine::Source| fen(seg.sources.get(s));
        RowUse::drawn(at, budget, paid, sources, &b.notes)
    }

    /// [`RowUse::of`] of a row given in fen: `paid` what each fund pays it after every cut,
    /// `sources` what each source gives, `notes` its notes (which say the cuts).
    pub(crate) fn drawn(
        at: usize,
        budget: &crate::rules::Budget,
        paid: impl Fn(usize) -> Result<i128, SumError>,
        sources: impl Fn(crate::engine::Source) -> Result<i128, SumError>,
        notes: &[crate::engine::Note],
    ) -> Result<RowUse, SumOverflow> {
        use crate::engine::Note;
        use crate::rules::Draw;
        let fen = Sum::<2>::units;
        Ok(match budget.draw {
            Draw::Source(s) => RowUse {
                used: sources(s)?,
                cut_back: 0,
                raised: 0,
            },
            Draw::Fund(f) => {
                let mut paid = paid(f)?;
                let (mut cut_back, mut raised) = (0, 0);
                for n in notes {
                    if let Note::CutByBudget {
                        cut,
                        from,
                        to,
                        raised: r,
                    } = n
                    {
                        // Each budget sees the amounts the budgets before it left (SPEC §8):
                        // it was asked them before its own cut, and paid them after it, as
                        // they were before any later budget cut again.
                        if cut.fund == f && cut.budget == at {
                            cut_back += fen(*from)? - fen(*to)?;
                        }
                        if cut.fund == f && cut.budget > at {
                            paid += fen(*from)? - fen(*to)?;
                        }
                        if cut.budget == at {
                            raised += fen(*r)?;
                        }
                    }
                }
                RowUse {
                    used: paid,
                    cut_back,
                    raised,
                }
            }
        })
    }
}

/// Use of one budget envelope.
#[derive(Debug, Clone, Default)]
pub struct BudgetUse {
    /// Over every row under the budget.
    pub whole: Use,
    /// The same per township and village, for per-village envelopes.
    pub per_village: foldhash::HashMap<String, foldhash::HashMap<String, Use>>,
}

/// Everything a run adds up.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Over all good rows.
    pub total: Totals,
    /// Per group, for each grouping asked for.
    pub groupings: Vec<(GroupBy, BTreeMap<String, Totals>)>,
    /// The groupings the text summary prints (`--by`), in the order given.
    shown: Vec<GroupBy>,
    /// Per budget, in rules order.
    pub budgets: Vec<BudgetUse>,
    /// The units the table's bare numbers were read in, when its title rows or the command
    /// line said them.
    pub units: crate::table::units::TableUnits,
    /// Where a row's village key is made, so adding a row allocates nothing for it.
    key: String,
    /// Whether rows given in fen ([`Summary::add_fen`]) are summed; when not (a run whose
    /// summary nobody reads: [`Summary::counting`]), they are only counted.
    sums: bool,
}

impl Summary {
    /// An empty summary for `rules`, grouping by each of `by`.
    pub fn new(rules: &RuleSet, by: &[GroupBy]) -> Summary {
        let total = Totals::new(rules);
        Summary {
            total,
            groupings: by.iter().map(|&b| (b, BTreeMap::new())).collect(),
            shown: by.first().copied().into_iter().collect(),
            budgets: vec![BudgetUse::default(); rules.budgets.len()],
            units: Default::default(),
            key: String::new(),
            sums: true,
        }
    }

    /// The summary as [`Summary::new`] makes it, but for rows given in fen
    /// ([`Summary::add_fen`]: a batch run's fused path) only counted, their amounts left
    /// out of every total, group and budget line: for a run that shows no summary, which
    /// reads of it only [`Totals::segments`] and [`Totals::implausible`]. Nothing a summed
    /// row could be refused for is missed: such a row's every amount is below 2^63 (an
    /// amount within [`crate::money::MAX_FEN`], a length in whole µkm of an `i64`, four
    /// sources), so no total of fewer than 2^60 rows can leave an `i128`, and a table
    /// of 2^60 rows is beyond any file system. Rows given as a segment and breakdown
    /// ([`Summary::add`]: the engine's path) are summed as ever.
    pub fn counting(self) -> Summary {
        Summary {
            sums: false,
            ..self
        }
    }

    /// Whether the summary holds every row's amounts (see [`Summary::counting`]).
    pub fn sums(&self) -> bool {
        self.sums
    }

    /// What [`Summary::add_fen`] does in a summary that only counts ([`Summary::counting`]):
    /// the row counted, and counted among the ones warned of when `warns`.
    #[inline]
    pub(crate) fn count(&mut self, warns: bool) {
        debug_assert!(!self.sums, "a summary that sums adds a row's amounts too");
        let count = |n: &mut u64| *n = n.saturating_add(1);
        count(&mut self.total.segments);
        if warns {
            count(&mut self.total.implausible);
        }
    }

    /// The first grouping the text summary prints (`--by`).
    pub fn by(&self) -> Option<GroupBy> {
        self.shown.first().copied()
    }

    /// Every grouping the summary prints (`--by`), in the order given.
    pub fn shown(&self) -> &[GroupBy] {
        &self.shown
    }

    /// The summary printing the groups of `by`, in this order (others may still be kept, for
    /// a report).
    pub fn showing(mut self, by: &[GroupBy]) -> Summary {
        self.shown = by.to_vec();
        self
    }

    /// The totals per group of a grouping, if it was asked for (in code-point order: see
    /// [`Summary::ordered_groups`] for the order people read).
    pub fn groups(&self, by: GroupBy) -> Option<&BTreeMap<String, Totals>> {
        self.groupings
            .iter()
            .find(|(b, _)| *b == by)
            .map(|(_, g)| g)
    }

    /// The groups of a township or village grouping in the order people read them
    /// ([`group_order`]); none when it was not asked for.
    pub fn ordered_groups(&self, by: GroupBy) -> Vec<(&String, &Totals)> {
        let groups: Vec<_> = self.groups(by).into_iter().flatten().collect();
        let names: Vec<&str> = groups.iter().map(|(name, _)| name.as_str()).collect();
        in_group_order(by, &names)
            .into_iter()
            .map(|i| groups[i])
            .collect()
    }

    /// Adds the totals of `other` (a later part of the same run).
    pub fn merge(&mut self, other: Summary) -> Result<(), SumOverflow> {
        self.sums &= other.sums;
        self.total.merge(&other.total)?;
        for ((_, mine), (_, theirs)) in self.groupings.iter_mut().zip(other.groupings) {
            for (key, t) in theirs {
                mine.entry(key).or_default().merge(&t)?;
            }
        }
        for (mine, theirs) in self.budgets.iter_mut().zip(other.budgets) {
            mine.whole.merge(theirs.whole)?;
            for (town, villages) in theirs.per_village {
                let mine = mine.per_village.entry(town).or_default();
                for (village, used) in villages {
                    mine.entry(village).or_default().merge(used)?;
                }
            }
        }
        Ok(())
    }

    /// Adds one computed row.
    pub fn add(
        &mut self,
        rules: &RuleSet,
        seg: &Segment,
        text: &RowText,
        b: &Breakdown,
    ) -> Result<(), SumOverflow> {
        self.apply(rules, seg, text, b, false)
    }

    /// Takes away a row added before (when it is edited or deleted).
    pub fn remove(
        &mut self,
        rules: &RuleSet,
        seg: &Segment,
        text: &RowText,
        b: &Breakdown,
    ) -> Result<(), SumOverflow> {
        self.apply(rules, seg, text, b, true)
    }

    fn apply(
        &mut self,
        rules: &RuleSet,
        seg: &Segment,
        text: &RowText,
        b: &Breakdown,
        negate: bool,
    ) -> Result<(), SumOverflow> {
        let part = RowPart::of(seg, b)?;
        let paid = || b.shares.iter().map(|share| Sum::<2>::units(share.paid));
        let uses = |at: usize, budget: &crate::rules::Budget| RowUse::of(at, budget, seg, b);
        self.apply_row(rules, seg.class, text, &part, paid, uses, negate)
    }

    /// Adds a row given in whole numbers: its part, its funds' paid amounts (after every cut)
    /// and its sources in fen, and its notes. The same as [`Summary::add`] of the segment and
    /// breakdown they were taken from (the batch's fused path adds its rows so).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_fen(
        &mut self,
        rules: &RuleSet,
        class: ClassId,
        text: &RowText,
        part: &RowPart,
        paid: &[i128],
        sources: &[i128; 4],
        notes: &[crate::engine::Note],
    ) -> Result<(), SumOverflow> {
        if !self.sums {
            self.count(part.warns);
            return Ok(());
        }
        let fen = || paid.iter().map(|&p| Ok(p));
        let uses = |at: usize, budget: &crate::rules::Budget| {
            let paid = |f: usize| Ok(paid[f]);
            let sources = |s: crate::engine::Source| Ok(sources[s as usize]);
            RowUse::drawn(at, budget, paid, sources, notes)
        };
        self.apply_row(rules, class, text, part, fen, uses, false)
    }

    /// Adds a row of class `class` (or takes it away when `negate`): `part` to the totals and
    /// its groups' totals with its funds' paid amounts from `paid`, and what `uses` says it
    /// asked of each budget of its class to the budgets' use.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn apply_row<I: ExactSizeIterator<Item = Result<i128, SumError>>>(
        &mut self,
        rules: &RuleSet,
        class: ClassId,
        text: &RowText,
        part: &RowPart,
        paid: impl Fn() -> I,
        uses: impl Fn(usize, &crate::rules::Budget) -> Result<RowUse, SumOverflow>,
        negate: bool,
    ) -> Result<(), SumOverflow> {
        self.total.add_part(part, paid(), negate)?;
        for (by, groups) in &mut self.groupings {
            let village;
            let key: &str = match *by {
                GroupBy::Township => text.township,
                GroupBy::Village => {
                    village = VillageKey(text.township, text.village);
                    village.write_into(&mut self.key)
                }
                GroupBy::Class => &rules.classes[class].id,
            };
            // Looked up by reference: a key is allocated once per group, not per row.
            if !groups.contains_key(key) {
                groups.insert(key.to_string(), Totals::default());
            }
            groups
                .get_mut(key)
                .expect("inserted above")
                .add_part(part, paid(), negate)?;
        }
        for (at, (budget, used)) in rules.budgets.iter().zip(&mut self.budgets).enumerate() {
            if budget.class.is_some_and(|c| c != class) {
                continue;
            }
            let row = uses(at, budget)?;
            used.whole.apply(&row, negate)?;
            // A source most rows leave blank (村项目资金) is measured only in the villages that
            // put some in: the others have nothing to report (budget::lines leaves them out)
            // and cost a run over thousands of villages nothing per row.
            let nothing_from_source = budget.fund().is_none() && row.used == 0;
            if budget.per_village && !nothing_from_source {
                // Looked up by reference: a key is allocated once per village, not per row.
                if !used.per_village.contains_key(text.township) {
                    used.per_village
                        .insert(text.township.to_string(), Default::default());
                }
                let villages = used
                    .per_village
                    .get_mut(text.township)
                    .expect("inserted above");
                match villages.get_mut(text.village) {
                    Some(sum) => {
                        sum.apply(&row, negate)?;
                        if sum.rows == 0 {
                            // Its last row left: the village has nothing under the budget.
                            villages.remove(text.village);
                            if villages.is_empty() {
                                used.per_village.remove(text.township);
                            }
                        }
                    }
                    None => {
                        let mut sum = Use::default();
                        sum.apply(&row, negate)?;
                        villages.insert(text.village.to_string(), sum);
                    }
                }
            }
        }
        Ok(())
    }

    /// The summary as aligned text, amounts in `unit`.
    pub fn render(&self, rules: &RuleSet, lang: Lang, unit: Unit) -> String {
        debug_assert!(self.sums, "a summary that only counts is not shown");
        let mut out = String::new();
        let t = &self.total;
        out.push_str(&format!(
            "{} — {}\n",
            lang.pick("Summary", "汇总"),
            rules.meta.display_name(lang)
        ));
        for line in self.units.describe(lang) {
            out.push_str(&line);
            out.push('\n');
        }
        let pct = money::percent;
        out.push_str(&match lang {
            Lang::En => format!(
                "{} {}, {} km planned, {} km completed ({})\n\n",
                money::grouped_measure(t.segments.into()),
                if t.segments == 1 {
                    "segment"
                } else {
                    "segments"
                },
                money::grouped_measure(t.planned_km.value()),
                money::grouped_measure(t.completed_km.value()),
                pct(t.completed_km.value(), t.planned_km.value())
            ),
            Lang::Zh => format!(
                "路段 {} 个，计划 {} 公里，已完工 {} 公里（{}）\n\n",
                money::grouped_measure(t.segments.into()),
                money::grouped_measure(t.planned_km.value()),
                money::grouped_measure(t.completed_km.value()),
                pct(t.completed_km.value(), t.planned_km.value())
            ),
        });
        if let Some(line) = implausible_line(rules, t.implausible, lang) {
            out.push_str(&line);
            out.push_str("\n\n");
        }
        let mut amounts = Table::new(
            vec![lang.pick("item", "项目").into(), unit.column(lang).into()],
            vec![Align::Left, Align::Right],
        )
        .max_cell(60);
        amounts.push(vec![
            lang.pick("cost", "总造价").into(),
            unit.grouped(t.cost.value()),
        ]);
        for (fund, paid) in rules.funds.iter().zip(&t.paid) {
            amounts.push(vec![fund_label(fund, lang), unit.grouped(paid.value())]);
        }
        amounts.push(vec![
            lang.pick("subsidy_total", "补助合计").into(),
            unit.grouped(t.subsidy_total.value()),
        ]);
        amounts.push(vec![
            lang.pick("gap", "差额").into(),
            unit.grouped(t.gap.value()),
        ]);
        amounts.push(vec![
            lang.pick(
                "sources (other_funds, yishi_yiyi, …)",
                "已落实筹资（整合资金等）",
            )
            .into(),
            unit.grouped(t.sources.value()),
        ]);
        amounts.push(vec![
            lang.pick("shortfall (still to raise)", "尚需筹集").into(),
            unit.grouped(t.shortfall.value()),
        ]);
        if !t.surplus.value().is_zero() {
            amounts.push(vec![
                lang.pick(
                    "surplus (sources beyond the gap)",
                    "资金来源超出差额（多出）",
                )
                .into(),
                unit.grouped(t.surplus.value()),
            ]);
        }
        if t.due_rows > 0 {
            amounts.push(vec![
                lang.pick("due (for completed km)", "应拨付（按完工里程）")
                    .into(),
                unit.grouped(t.due.value()),
            ]);
        }
        if t.disbursed_rows > 0 {
            amounts.push(vec![
                lang.pick("disbursed", "已拨付").into(),
                unit.grouped(t.disbursed.value()),
            ]);
        }
        if t.has_outstanding() {
            amounts.push(vec![
                lang.pick("outstanding", "待拨付").into(),
                unit.grouped(t.outstanding.value()),
            ]);
        }
        out.push_str(&amounts.render());
        if !rules.budgets.is_empty() {
            out.push('\n');
            out.push_str(&self.render_budgets(rules, lang, unit));
        }
        for &by in &self.shown {
            out.push('\n');
            out.push_str(&self.render_groups(rules, lang, by, unit));
        }
        out
    }

    fn render_budgets(&self, rules: &RuleSet, lang: Lang, unit: Unit) -> String {
        let mut table = Table::new(
            vec![
                format!("{}{}", lang.pick("budget", "预算额度"), in_unit(unit, lang)),
                lang.pick("envelope", "额度").into(),
                lang.pick("asked", "申请").into(),
                lang.pick("paid", "安排").into(),
                lang.pick("left", "剩余").into(),
                lang.pick("use", "使用率").into(),
            ],
            vec![
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
            ],
        )
        .max_cell(60);
        let mut sentences = Vec::new();
        for line in super::budget::lines(rules, self, lang) {
            if let Some(sentence) = super::budget::overrun_sentence(&line, lang) {
                sentences.push(sentence);
            }
            table.push(vec![
                line.label(),
                unit.grouped(line.envelope),
                unit.grouped(line.asked),
                unit.grouped(line.used),
                line.left_cell(lang, |v| unit.grouped(v)),
                line.share(),
            ]);
        }
        let mut out = table.render();
        for line in sentences {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    fn render_groups(&self, rules: &RuleSet, lang: Lang, by: GroupBy, unit: Unit) -> String {
        let (header, rows) = self.group_rows(rules, lang, by, unit);
        let mut align = vec![Align::Left];
        align.resize(header.len(), Align::Right);
        let mut table = Table::new(header, align).max_cell(40);
        for row in rows {
            table.push(row);
        }
        table.render()
    }

    /// The table of grouping `by`: its header, then a row per group and the total, amounts in
    /// `unit` (each heading of amounts names the unit, 元 or 万元, as the summary's and the
    /// budget table's headings do). The text summary and the
    /// Markdown report show the same table.
    pub fn group_rows(
        &self,
        rules: &RuleSet,
        lang: Lang,
        by: GroupBy,
        unit: Unit,
    ) -> (Vec<String>, Vec<Vec<String>>) {
        let mut header = vec![
            match by {
                GroupBy::Township => lang.pick("township", "乡镇"),
                GroupBy::Village => lang.pick("village", "村"),
                GroupBy::Class => lang.pick("class", "道路类别"),
            }
            .to_string(),
            lang.pick("segments", "路段数").into(),
            lang.pick("km", "公里").into(),
            lang.pick("completed", "已完工（公里）").into(),
        ];
        let first_amount = header.len();
        header.extend(rules.funds.iter().map(|f| match lang {
            Lang::En => f.id.clone(),
            Lang::Zh => f.name.clone(),
        }));
        header.extend([
            lang.pick("subsidy_total", "补助合计").into(),
            lang.pick("gap", "差额").into(),
            lang.pick("shortfall", "尚需筹集").into(),
        ]);
        let due = self.total.due_rows > 0;
        let outstanding = self.total.has_outstanding();
        if due {
            header.push(lang.pick("due", "应拨付").into());
        }
        if outstanding {
            header.push(lang.pick("outstanding", "待拨付").into());
        }
        for h in &mut header[first_amount..] {
            h.push_str(in_unit(unit, lang));
        }
        let row = |label: String, t: &Totals| {
            let mut cells = vec![
                label,
                t.segments.to_string(),
                money::measure(t.planned_km.value()),
                money::measure(t.completed_km.value()),
            ];
            cells.extend(t.paid.iter().map(|p| unit.grouped(p.value())));
            cells.extend([
                unit.grouped(t.subsidy_total.value()),
                unit.grouped(t.gap.value()),
                unit.grouped(t.shortfall.value()),
            ]);
            if due {
                cells.push(unit.grouped(t.due.value()));
            }
            if outstanding {
                cells.push(unit.grouped(t.outstanding.value()));
            }
            cells
        };
        let mut labelled: Vec<(String, &Totals)> = Vec::new();
        for (key, totals) in self.groups(by).into_iter().flatten() {
            let label = match by {
                GroupBy::Class => rules
                    .classes
                    .iter()
                    .find(|c| &c.id == key)
                    .map_or(key.clone(), |c| c.display(lang).to_string()),
                _ => key.clone(),
            };
            labelled.push((label, totals));
        }
        // Ordered by what the reader sees (a class by its label in `lang`), once per group.
        labelled.sort_by_cached_key(|(label, _)| group_order(by, label));
        let mut rows: Vec<Vec<String>> = labelled
            .into_iter()
            .map(|(label, totals)| row(group_label(label, lang), totals))
            .collect();
        rows.push(row(lang.pick("total", "合计").into(), &self.total));
        (header, rows)
    }
}

/// The unit of amounts in a summary's heading, whichever it is, so that no amount stands
/// without one: `（元）`, ` (yuan)`, `（万元）`. The Markdown report names it the same way.
pub fn in_unit(unit: Unit, lang: Lang) -> &'static str {
    match (unit, lang) {
        (Unit::Yuan, Lang::En) => " (yuan)",
        _ => unit.suffix(lang),
    }
}

/// A fund's row label in a summary: in Chinese its name alone (an id is English and means
/// nothing inside a Chinese sentence); in English its id, the word the CSV columns use, with
/// the name after it.
fn fund_label(fund: &crate::rules::Fund, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} ({})", fund.id, fund.display(lang)),
        Lang::Zh => fund.display(lang).to_string(),
    }
}

/// The summary's warning about rows whose cost per km is implausible, when there are any.
pub fn implausible_line(rules: &RuleSet, rows: u64, lang: Lang) -> Option<String> {
    implausible_said(rules, rows, lang, true)
}

/// [`implausible_line`], for an output with no notes to point to (`notes`: false), such as
/// the notices: the rows are then found in a batch run's notes.
pub fn implausible_said(rules: &RuleSet, rows: u64, lang: Lang, notes: bool) -> Option<String> {
    let (low, high) = rules.meta.plausible_cost_per_km?;
    if rows == 0 {
        return None;
    }
    Some(match lang {
        Lang::En => {
            let (low, high) = (money::whole_yuan(low), money::whole_yuan(high));
            let see = match notes {
                true => "see the notes",
                false => "roadsub batch says which in its notes",
            };
            format!(
            "warning: {rows} {} a cost per km outside the plausible {low}–{high} yuan per km ({see}): check the amounts' unit (元 or 万元)",
            if rows == 1 { "row has" } else { "rows have" }
            )
        }
        // A range of rates in one unit, as the rules state rates: 5万–500万元/公里.
        Lang::Zh => format!(
            "警告：{rows} 行的每公里造价超出合理范围（{}–{}元/公里，{}）：请核对金额单位（元或万元）",
            money::exact_wan(low),
            money::exact_wan(high),
            match notes {
                true => "见计算说明",
                false => "roadsub batch 的计算说明标出是哪些行",
            }
        ),
    })
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;
    use crate::engine::{compute, Cost};

    fn rows() -> impl Strategy<Value = Vec<(Segment, &'static str, &'static str)>> {
        let row = (
            any::<bool>(),
            prop_oneof![Just(3000i64), Just(3500), Just(4500), 3000i64..6000],
            1i64..50_000_000,
            0i64..10_000_000_000,
            any::<bool>(),
            prop::option::of(0i64..10_000_000),
            prop::sample::select(vec!["安岳镇", "T2", "东"]),
            prop::sample::select(vec!["一村", "V", "二村"]),
        )
            .prop_map(|(village, width, length, cost, per_km, done, town, vil)| {
                let length_km = Decimal::new(length, 6);
                let segment = Segment {
                    class: usize::from(!village),
                    width_m: Decimal::new(width, 3),
                    length_km,
                    cost: if per_km {
                        Cost::PerKm(Decimal::new(cost, 2))
                    } else {
                        Cost::Total(Decimal::new(cost, 2))
                    },
                    sources: crate::engine::Sources::other_funds(Decimal::new(cost / 7, 2)),
                    approved: Vec::new(),
                    disbursed: None,
                    priority: None,
                    households: None,
                    completed_km: done.map(|d| Decimal::new(d, 6).min(length_km)),
                    date: None,
                };
                (segment, town, vil)
            });
        prop::collection::vec(row, 0..40)
    }

    fn summary_of(rules: &RuleSet, rows: &[(Segment, &str, &str)]) -> Summary {
        let by = [GroupBy::Township, GroupBy::Village, GroupBy::Class];
        let mut summary = Summary::new(rules, &by);
        for (segment, township, village) in rows {
            let text = RowText {
                id: "x",
                township,
                village,
            };
            let b = compute(rules, segment).unwrap();
            summary.add(rules, segment, &text, &b).unwrap();
        }
        summary
    }

    /// A budget's use, with its per-village sums in order (hash maps compare by content anyway,
    /// but sorted they print readably when a case fails).
    type Uses = (Use, BTreeMap<String, BTreeMap<String, Use>>);

    fn budgets(s: &Summary) -> Vec<Uses> {
        s.budgets
            .iter()
            .map(|b| {
                let villages = b
                    .per_village
                    .iter()
                    .map(|(t, v)| (t.clone(), v.iter().map(|(k, s)| (k.clone(), *s)).collect()))
                    .collect();
                (b.whole, villages)
            })
            .collect()
    }

    /// A trimmed, non-blank cell, as a good row's township or village is, from characters
    /// that make names join ambiguously (spaces of both widths, tabs, quotes).
    fn name() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec!['石', '镇', 'a', ' ', '"', '\t', '\u{3000}']),
            1..7,
        )
        .prop_map(|c| c.into_iter().collect::<String>().trim().to_string())
        .prop_filter("a good row names both", |s| !s.is_empty())
    }

    /// Two villages whose township and village, joined by a space, are the same words, split
    /// in two places ("石羊 镇" + "红星" and "石羊" + "镇 红星"), or in the same place.
    fn same_words() -> impl Strategy<Value = ((String, String), (String, String))> {
        let word = prop::collection::vec(prop::sample::select(vec!['石', '镇', 'a', '"']), 1..3)
            .prop_map(|c| c.into_iter().collect::<String>());
        (
            prop::collection::vec(word, 2..5),
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
        )
            .prop_map(|(words, i, j)| {
                let split = |at: prop::sample::Index| {
                    let at = 1 + at.index(words.len() - 1);
                    (words[..at].join(" "), words[at..].join(" "))
                };
                (split(i), split(j))
            })
    }

    /// Amounts a source or gap may hold: whole fen mostly, also many decimals, negative
    /// zero and sizes beyond 64 bits of fen.
    fn amount() -> impl Strategy<Value = Decimal> {
        let mantissa = prop_oneof![
            Just(0i128),
            -10_000_000_000i128..10_000_000_000,
            -(1i128 << 90)..(1i128 << 90),
        ];
        (
            mantissa,
            prop_oneof![Just(2u32), 0u32..=2, 0u32..=10],
            any::<bool>(),
        )
            .prop_map(|(m, scale, flip)| {
                let d = Decimal::from_i128_with_scale(m, scale);
                if flip {
                    -d
                } else {
                    d
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn a_rows_part_in_whole_units_sums_as_its_decimals(
            sources in prop::collection::vec(prop_oneof![Just(Decimal::ZERO), amount()], 4),
            gap in amount(),
            cost in amount(),
            length in (1i64..100_000_000_000, 0u32..=8).prop_map(|(m, s)| Decimal::new(m, s)),
            negate in any::<bool>(),
        ) {
            let mut segment = Segment::new(0, Decimal::ONE, length, Cost::Total(Decimal::ONE));
            segment.sources = crate::engine::Sources(sources.clone().try_into().unwrap());
            let b = Breakdown { gap, cost, ..Breakdown::default() };
            let mut fast = Totals::default();
            let fast_result = fast.apply(&segment, &b, negate);
            // The general path: decimals added, compared and taken away. A source with more
            // decimals than a total keeps is refused, as any such amount is (their sum as a
            // decimal may have been rounded to 28 digits).
            let mut slow = Totals::default();
            let finer = sources.iter().any(|s| !s.is_zero() && s.scale() > 2);
            // Summed exactly, in fen: `Decimal` rounds a partial sum beyond 28 digits, and a
            // fen lost there (0.01 + 7.9e26 − 1.2e25 − 0.01) is not found again at the end.
            let sum: Decimal = if finer {
                Decimal::ZERO
            } else {
                let fen: i128 = sources
                    .iter()
                    .filter(|s| !s.is_zero())
                    .map(|s| s.mantissa() * 10i128.pow(2 - s.scale()))
                    .sum();
                let exact = Decimal::try_from_i128_with_scale(fen, 2);
                prop_assume!(exact.is_ok());
                exact.unwrap()
            };
            // A sum beyond 28 digits is rounded by `Decimal` (its scale falls): no reference.
            let scale = sources.iter().filter(|s| !s.is_zero()).map(|s| s.scale()).max();
            if !finer && gap.scale() <= 2 {
                prop_assume!(scale.is_none_or(|scale| sum.scale() == scale));
                prop_assume!(sum <= gap || (sum - gap).scale() == sum.scale().max(gap.scale()));
            }
            let slow_result = (|| {
                if finer {
                    return Err(SumOverflow);
                }
                slow.segments = u64::from(!negate);
                slow.planned_km.add_or_sub(length, negate)?;
                slow.cost.add_or_sub(cost, negate)?;
                slow.gap.add_or_sub(gap, negate)?;
                slow.sources.add_or_sub(sum, negate)?;
                if sum > gap {
                    slow.surplus.add_or_sub(sum - gap, negate)?;
                }
                Ok::<(), SumOverflow>(())
            })();
            prop_assert_eq!(fast_result, slow_result);
            if slow_result.is_ok() {
                prop_assert_eq!(fast, slow);
            }
        }

        #[test]
        fn grouped_items_stand_together_in_group_order_each_group_in_the_order_given(
            items in prop::collection::vec((name(), name(), 0u32..1000), 0..30),
        ) {
            let mut keyed: Vec<(String, u32)> =
                items.iter().map(|(t, v, n)| (village_key(t, v), *n)).collect();
            let given = keyed.clone();
            sort_grouped(GroupBy::Village, &mut keyed);
            // The same items, every group's in the order given …
            let mut names: Vec<&String> = keyed.iter().map(|(k, _)| k).collect();
            names.dedup();
            for name in &names {
                let mine: Vec<u32> = keyed.iter().filter(|(k, _)| k == *name).map(|x| x.1).collect();
                let theirs: Vec<u32> = given.iter().filter(|(k, _)| k == *name).map(|x| x.1).collect();
                prop_assert_eq!(mine, theirs);
            }
            // … each group once, the groups in the order people read.
            let mut ordered = names.clone();
            ordered.sort_by_cached_key(|k| group_order(GroupBy::Village, k));
            ordered.dedup();
            prop_assert_eq!(&names, &ordered);
        }

        #[test]
        fn a_village_key_reads_back_as_its_township_and_village(t in name(), v in name()) {
            let key = village_key(&t, &v);
            prop_assert_eq!(village_parts(&key), Some((t.clone(), v.as_str())));
        }

        #[test]
        fn two_different_villages_never_tie_in_the_order_people_read(
            (a, b) in prop_oneof![
                ((name(), name()), (name(), name())),
                same_words(),
            ],
        ) {
            let (ka, kb) = (village_key(&a.0, &a.1), village_key(&b.0, &b.1));
            let (oa, ob) = (group_order(GroupBy::Village, &ka), group_order(GroupBy::Village, &kb));
            prop_assert_eq!(oa == ob, a == b);
            // A village goes by its township first, whatever the quote.
            let towns = crate::textorder::compare(&a.0, &b.0);
            if towns != std::cmp::Ordering::Equal {
                prop_assert_eq!(oa.cmp(&ob), towns);
            }
        }

        #[test]
        fn any_two_different_villages_are_two_groups(
            (a, b) in prop_oneof![
                ((name(), name()), (name(), name())),
                same_words(),
            ],
        ) {
            let rules = RuleSet::builtin();
            let segment = rows_one();
            let mut summary = Summary::new(&rules, &[GroupBy::Village]);
            for (township, village) in [&a, &b] {
                let text = RowText { id: "x", township, village };
                let got = compute(&rules, &segment).unwrap();
                summary.add(&rules, &segment, &text, &got).unwrap();
            }
            let groups = summary.groups(GroupBy::Village).unwrap();
            prop_assert_eq!(groups.len(), if a == b { 1 } else { 2 });
            // A township with no white space and no leading quote keeps the name every
            // report has always shown.
            if !a.0.contains(char::is_whitespace) && !a.0.starts_with('"') {
                let usual = format!("{} {}", a.0, a.1);
                prop_assert!(groups.contains_key(&usual), "{:?} not in {:?}", usual, groups.keys());
            }
        }
    }

    /// One village road, for a test that only needs a row to count.
    fn rows_one() -> Segment {
        Segment {
            class: 0,
            width_m: Decimal::new(45, 1),
            length_km: Decimal::ONE,
            cost: Cost::Total(Decimal::new(1_000_000, 0)),
            sources: crate::engine::Sources::other_funds(Decimal::ZERO),
            approved: Vec::new(),
            disbursed: None,
            priority: None,
            households: None,
            completed_km: None,
            date: None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Groups put in order by ranks, each name's parts made a key once, are in the order
        /// each group's own [`group_order`] gives: names that share a township or a village
        /// name, quoted townships, names with no space, the empty name, keys that tie
        /// (full-width and plain digits).
        #[test]
        fn groups_in_order_by_ranks_are_in_each_groups_own_order(
            names in prop::collection::vec(
                (
                    prop::sample::select(vec!["天马乡", "卧佛镇", "\"石羊 镇\"", "\"a\"\"b\"", "", "x", "镇1", "镇１"]),
                    prop::sample::select(vec![" 红星", " 村2", " 村10", "", " ", "红星", " 村２"]),
                ).prop_map(|(t, v)| format!("{t}{v}")),
                0..30,
            ),
            village in any::<bool>(),
        ) {
            let by = if village { GroupBy::Village } else { GroupBy::Township };
            let mut names = names;
            names.sort();
            names.dedup();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let mut expected = names.clone();
            expected.sort_by_cached_key(|name| group_order(by, name));
            let order: Vec<&str> = in_group_order(by, &names).into_iter().map(|i| names[i]).collect();
            prop_assert_eq!(order, expected);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn totals_do_not_depend_on_row_order(
            (rows, shuffled) in rows().prop_flat_map(|r| (Just(r.clone()), Just(r).prop_shuffle())),
            split in 0usize..40,
        ) {
            let rules = RuleSet::builtin();
            let a = summary_of(&rules, &rows);
            let b = summary_of(&rules, &shuffled);
            prop_assert_eq!(&a.total, &b.total);
            prop_assert_eq!(&a.groupings, &b.groupings);
            prop_assert_eq!(budgets(&a), budgets(&b));
            // Added in two parts and merged, as the batch's workers do: the same again.
            let split = split.min(shuffled.len());
            let mut merged = summary_of(&rules, &shuffled[..split]);
            merged.merge(summary_of(&rules, &shuffled[split..])).unwrap();
            prop_assert_eq!(&a.total, &merged.total);
            prop_assert_eq!(&a.groupings, &merged.groupings);
            prop_assert_eq!(budgets(&a), budgets(&merged));
            // Taking every row away again leaves nothing.
            let mut emptied = a.clone();
            for (segment, township, village) in &rows {
                let text = RowText { id: "x", township, village };
                let b = compute(&rules, segment).unwrap();
                emptied.remove(&rules, segment, &text, &b).unwrap();
            }
            prop_assert_eq!(&emptied.total, &Summary::new(&rules, &[]).total);
        }
    }
}
