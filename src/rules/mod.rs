//! A validated rule set: road classes, funds with their width tiers, and budget envelopes.
//!
//! A [`RuleSet`] can only be built by [`RuleSet::from_toml`], which checks everything once, so
//! the engine can look tiers up without ever meeting a negative rate or an unknown class.

mod date;
mod error;
mod file;
pub mod selftest;
mod show;
mod template;
mod variant;

use rust_decimal::Decimal;

pub use date::{Day, Period, When};
pub use error::{RulesError, RulesProblem};
pub use show::{describe, rounding_name};
pub use template::TEMPLATE_TOML;
pub use variant::{Change, SaidIn, Setting, SettingError};

use crate::i18n::Lang;
use crate::money::{self, normalize_width_forms, Rounding};

/// The shipped `rules.toml`, used when no rules file is given and none is in the working directory.
pub const BUILTIN_TOML: &str = include_str!("../../rules.toml");

/// Index of a class in [`RuleSet::classes`].
pub type ClassId = usize;
/// Index of a fund in [`RuleSet::funds`].
pub type FundId = usize;

/// Who issued the rules, where they come from and how amounts are rounded.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Name of the rule set (Chinese).
    pub name: String,
    /// Name in English, when given.
    pub name_en: Option<String>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Issuing body in English.
    pub issuer_en: Option<String>,
    /// Citation of the policy text.
    pub source: String,
    /// Citation in English.
    pub source_en: Option<String>,
    /// Currency code (CNY).
    pub currency: String,
    /// Date the rules take effect, as written.
    pub effective: Option<String>,
    /// How amounts are rounded to the fen.
    pub rounding: Rounding,
    /// The range of cost per km (yuan) that is believable; a row outside it gets a warning.
    pub plausible_cost_per_km: Option<(Decimal, Decimal)>,
}

/// What an output column's name already means, so that a fund cannot take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// An input column (its English key, such as `other_funds`).
    Input(String),
    /// A column roadsub computes (`shortfall`, `差额`).
    Computed(String),
    /// Another fund's column (its id).
    Fund(String),
}

/// Tells whether a name is already an output column's, and whose. The rules know nothing of
/// tables, so whoever loads rules for a table passes this in.
pub type ColumnCheck<'a> = &'a dyn Fn(&str) -> Option<Taken>;

/// A road class such as 通村公路 (village) or 通社公路 (group).
#[derive(Debug, Clone)]
pub struct Class {
    /// Stable id used in output and JSON (`village`).
    pub id: String,
    /// Display name (通村公路).
    pub name: String,
    /// English display name.
    pub name_en: Option<String>,
    /// Other names accepted in input.
    pub aliases: Vec<String>,
}

/// One rate of a fund: for segments of these classes at least this wide.
#[derive(Debug, Clone)]
pub struct Tier {
    /// Classes the tier applies to.
    pub classes: Vec<ClassId>,
    /// Minimum width in metres.
    pub min_width_m: Decimal,
    /// Rate in yuan per km, never negative.
    pub rate_per_km: Decimal,
    /// Where the rate comes from, in the policy's own words.
    pub cited: Citation,
    /// The days the rate is in force (SPEC §9); always, when the file gives no dates.
    pub period: Period,
}

/// Where a fund or tier comes from (SPEC §9): so that a number can be traced to the sentence
/// of the policy that sets it. Every field is optional; none is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Citation {
    /// The document, its date and who said it (安岳县脱贫攻坚工作新闻发布会，2018年5月15日…).
    pub source: Option<String>,
    /// The source in English.
    pub source_en: Option<String>,
    /// The policy's sentence, verbatim: a quote has no translation, so it is shown as written
    /// in every language.
    pub quote: Option<String>,
}

impl Citation {
    /// The source in `lang`, when there is one.
    pub fn display_source(&self, lang: Lang) -> Option<&str> {
        display_opt(lang, self.source.as_deref(), self.source_en.as_deref())
    }

    /// Whether there is nothing to cite.
    pub fn is_empty(&self) -> bool {
        self.source.is_none() && self.source_en.is_none() && self.quote.is_none()
    }
}

/// A funding source, applied in file order.
#[derive(Debug, Clone)]
pub struct Fund {
    /// Stable id used in output columns and JSON (`transport`).
    pub id: String,
    /// Display name (县交通局补助).
    pub name: String,
    /// English display name.
    pub name_en: Option<String>,
    /// The rate is a ceiling ("up to", 以内) rather than a fixed standard.
    pub up_to: bool,
    /// Other headers of the column of amounts approved under the ceiling (扶贫批复), besides
    /// `<id>_approved` (SPEC §8).
    pub approved_aliases: Vec<String>,
    /// Width tiers.
    pub tiers: Vec<Tier>,
    /// Where the fund comes from, in the policy's own words.
    pub cited: Citation,
    /// How the policy is read where it is silent, in words (the release names no class for
    /// the transport bureau's rates: they apply to both).
    pub reading: Option<String>,
    /// The reading in English.
    pub reading_en: Option<String>,
}

/// An envelope of money one fund has for a class (or all classes), in all or per village.
#[derive(Debug, Clone)]
pub struct Budget {
    /// What the envelope holds: money of a fund, or of one of the gap's sources.
    pub draw: Draw,
    /// The class it is for; `None` for every class.
    pub class: Option<ClassId>,
    /// The amount is for each village separately.
    pub per_village: bool,
    /// Display name (通村硬化路建设).
    pub name: Option<String>,
    /// English display name.
    pub name_en: Option<String>,
    /// The envelope in yuan (the rules file calls it `amount`).
    pub envelope: Decimal,
    /// What happens to the amounts when the segments under it ask for more (SPEC §8).
    pub on_overrun: OnOverrun,
}

/// The money a budget's envelope holds (SPEC §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Draw {
    /// A fund's money: what the fund pays on the segments under it is measured against it,
    /// and cut when the budget allocates.
    Fund(FundId),
    /// The plan's own money from one source of the gap (村项目资金): measured and reported.
    Source(crate::engine::Source),
}

/// What a budget does when the segments under it ask for more than it holds (SPEC §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnOverrun {
    /// Amounts stay as asked; the overrun is stated.
    #[default]
    Report,
    /// The envelope is shared in proportion to what each segment asks.
    Prorate,
    /// Segments are paid whole by priority, then input order, until the envelope is spent.
    InOrder,
}

impl OnOverrun {
    /// The choice the rules file names `key`, if any.
    pub fn from_key(key: &str) -> Option<OnOverrun> {
        match key {
            "report" => Some(OnOverrun::Report),
            "prorate" => Some(OnOverrun::Prorate),
            "in_order" => Some(OnOverrun::InOrder),
            _ => None,
        }
    }

    /// How the rules file writes it.
    pub fn key(self) -> &'static str {
        match self {
            OnOverrun::Report => "report",
            OnOverrun::Prorate => "prorate",
            OnOverrun::InOrder => "in_order",
        }
    }

    /// What it does, in a few words in `lang` (`on overrun: prorate`).
    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            OnOverrun::Report => lang.pick("on overrun: report", "超支时：仅报告"),
            OnOverrun::Prorate => lang.pick("on overrun: prorate", "超支时：按比例分摊"),
            OnOverrun::InOrder => lang.pick(
                "on overrun: in order (priority, then input order)",
                "超支时：按优先级、再按输入顺序拨付",
            ),
        }
    }
}

/// Validated rules, ready for the engine.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Where the rules were read from (`rules.toml`, or the built-in copy).
    pub origin: String,
    /// Name, source and rounding.
    pub meta: Meta,
    /// Road classes.
    pub classes: Vec<Class>,
    /// Funds in the order they pay.
    pub funds: Vec<Fund>,
    /// Budget envelopes.
    pub budgets: Vec<Budget>,
    /// The file's self-tests (`[[test]]`), in file order.
    pub tests: Vec<selftest::SelfTest>,
    /// Normalised id, name or alias → class.
    lookup: foldhash::HashMap<String, ClassId>,
    /// `[class][fund]` → tier indices, widest minimum first.
    tiers_by: Vec<Vec<Vec<usize>>>,
    /// `[fund][tier]` → the tier's minimum width in mm (validation keeps it to 3 decimals).
    min_mm: Vec<Vec<Option<i64>>>,
    /// Whether some tier has a period: only then is a segment's date looked at, so rules
    /// without dates choose tiers exactly as fast as ever.
    dated: bool,
    /// The day that dates a segment without one (SPEC §9): `--as-of`, else the effective date.
    as_of: When,
}

/// Which tier of a fund applies to a segment, or why none does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierChoice {
    /// The tier at this index of the fund's tiers.
    Tier(usize),
    /// The width is below the smallest minimum the fund has for the class.
    BelowMinimum(Decimal),
    /// The fund has no tier for the class at all.
    NoTierForClass,
}

fn class_key(text: &str) -> String {
    normalize_width_forms(text.trim()).to_lowercase()
}

/// The built-in rules' origin in messages and reports.
const BUILTIN_ORIGIN: &str = "rules.toml (built-in)";

impl RuleSet {
    /// Reads and validates rules from TOML text; `origin` names the file in messages. Fund
    /// names are not checked against output columns: see [`RuleSet::from_toml_for_columns`].
    pub fn from_toml(text: &str, origin: &str) -> Result<RuleSet, Vec<RulesError>> {
        file::parse(text, origin, &|_| None)
    }

    /// [`RuleSet::from_toml`], also refusing fund ids and names that `columns` says are taken.
    pub fn from_toml_for_columns(
        text: &str,
        origin: &str,
        columns: ColumnCheck<'_>,
    ) -> Result<RuleSet, Vec<RulesError>> {
        file::parse(text, origin, columns)
    }

    /// Reads rules from a file's bytes: UTF-8 (a byte-order mark is skipped), or refused at the
    /// line and column of the first byte that is not.
    pub fn from_bytes(
        bytes: &[u8],
        origin: &str,
        columns: ColumnCheck<'_>,
    ) -> Result<RuleSet, Vec<RulesError>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => file::parse(text, origin, columns),
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                // The prefix is valid UTF-8 by definition.
                let valid = std::str::from_utf8(valid).unwrap_or_default();
                let (line, col) = file::position(valid, valid.len());
                Err(vec![RulesError {
                    file: origin.to_string(),
                    line,
                    col,
                    problem: RulesProblem::NotUtf8,
                }])
            }
        }
    }

    /// The shipped rules with their budgets (and what follows them) replaced by `budgets`,
    /// `[[budgets]]` entries in TOML: how tests set up budgets over the shipped funds.
    #[cfg(test)]
    pub fn shipped_with_budgets(budgets: &str) -> RuleSet {
        let at = BUILTIN_TOML
            .find("[[budgets]]")
            .expect("the shipped rules have budgets");
        // From the comment block that introduces the budgets.
        let at = BUILTIN_TOML[..at].rfind("\n#").map_or(at, |c| c + 1);
        RuleSet::from_toml(&format!("{}\n{budgets}", &BUILTIN_TOML[..at]), "test.toml")
            .expect("valid rules")
    }

    /// The shipped rules (SPEC §1).
    pub fn builtin() -> RuleSet {
        Self::from_toml(BUILTIN_TOML, BUILTIN_ORIGIN).expect("the shipped rules.toml is valid")
    }

    /// Where the rules came from, said in `lang` (the built-in copy is named as such).
    pub fn origin(&self, lang: Lang) -> String {
        if self.origin == BUILTIN_ORIGIN {
            lang.pick(BUILTIN_ORIGIN, "rules.toml（内置）").to_string()
        } else {
            self.origin.clone()
        }
    }

    fn new(
        origin: &str,
        meta: Meta,
        classes: Vec<Class>,
        funds: Vec<Fund>,
        budgets: Vec<Budget>,
    ) -> RuleSet {
        let mut lookup = foldhash::HashMap::default();
        for (i, class) in classes.iter().enumerate() {
            let names = [&class.id, &class.name]
                .into_iter()
                .chain(class.name_en.iter())
                .chain(&class.aliases);
            for name in names {
                lookup.entry(class_key(name)).or_insert(i);
            }
        }
        let tiers_by = (0..classes.len())
            .map(|c| {
                funds
                    .iter()
                    .map(|fund| {
                        let mut idx: Vec<usize> = (0..fund.tiers.len())
                            .filter(|&t| fund.tiers[t].classes.contains(&c))
                            .collect();
                        idx.sort_by(|&a, &b| {
                            fund.tiers[b].min_width_m.cmp(&fund.tiers[a].min_width_m)
                        });
                        idx
                    })
                    .collect()
            })
            .collect();
        let min_mm = funds
            .iter()
            .map(|f| {
                f.tiers
                    .iter()
                    .map(|t| money::units(t.min_width_m, money::WIDTH_DP))
                    .collect()
            })
            .collect();
        let dated = funds
            .iter()
            .any(|f| f.tiers.iter().any(|t| !t.period.is_always()));
        let as_of = meta
            .effective
            .as_deref()
            .and_then(Day::parse)
            .map_or(When::Undated, When::Day);
        RuleSet {
            min_mm,
            dated,
            as_of,
            origin: origin.to_string(),
            meta,
            classes,
            funds,
            budgets,
            tests: Vec::new(),
            lookup,
            tiers_by,
        }
    }

    /// Whether some budget pays its segments in order (`in_order`), so that a table's
    /// priority column is read (SPEC §8); under other rules it is the user's own column.
    pub fn orders_by_priority(&self) -> bool {
        self.budgets
            .iter()
            .any(|b| b.on_overrun == OnOverrun::InOrder)
    }

    /// The class a piece of input names (id, name or alias; case and full-width forms ignored).
    pub fn class_by_name(&self, text: &str) -> Option<ClassId> {
        if let Some(&c) = self.lookup.get(text) {
            return Some(c);
        }
        self.lookup.get(&class_key(text)).copied()
    }

    /// The tier of `fund` that applies to a segment of `class` that is `width_m` wide: the one
    /// with the largest minimum width that is not more than the width (SPEC §3 step 1).
    pub fn tier_for(&self, class: ClassId, fund: FundId, width_m: Decimal) -> TierChoice {
        let tiers = &self.tiers_by[class][fund];
        let all = &self.funds[fund].tiers;
        match tiers.iter().find(|&&t| all[t].min_width_m <= width_m) {
            Some(&t) => TierChoice::Tier(t),
            None => match tiers.last() {
                Some(&t) => TierChoice::BelowMinimum(all[t].min_width_m),
                None => TierChoice::NoTierForClass,
            },
        }
    }

    /// Whether some tier has a period (`from` or `until`).
    pub fn is_dated(&self) -> bool {
        self.dated
    }

    /// What dates a segment whose row gives no date (SPEC §9).
    pub fn as_of(&self) -> When {
        self.as_of
    }

    /// Dates segments without a date of their own by `day` (`--as-of`) instead of the rules'
    /// effective date.
    pub fn set_as_of(&mut self, day: Day) {
        self.as_of = When::Day(day);
    }

    /// [`RuleSet::tier_for`] in one pass over the tiers, with the minimum of the next tier up
    /// when the width is more than its tier's minimum but short of that one (SPEC E3's note).
    /// Every tier counts, whatever its period: see [`RuleSet::tier_and_next_on`].
    #[inline]
    pub fn tier_and_next(
        &self,
        class: ClassId,
        fund: FundId,
        width_m: Decimal,
    ) -> (TierChoice, Option<Decimal>) {
        self.choose(class, fund, width_m, |_| true)
    }

    /// [`RuleSet::tier_and_next`] among the tiers in force for a segment dated `when`
    /// (`None`: the row gives no date, so the as-of day dates it). Rules without dates take
    /// the same path as [`RuleSet::tier_and_next`].
    #[inline]
    pub fn tier_and_next_on(
        &self,
        class: ClassId,
        fund: FundId,
        width_m: Decimal,
        when: Option<When>,
    ) -> (TierChoice, Option<Decimal>) {
        if !self.dated {
            return self.tier_and_next(class, fund, width_m);
        }
        let when = when.unwrap_or(self.as_of);
        let all = &self.funds[fund].tiers;
        self.choose(class, fund, width_m, |t| when.in_force(&all[t].period))
    }

    /// The first fund of the rules with no rate in force for a segment of `class` and
    /// `width_m` dated `when` (`None`: by the as-of day), if any (SPEC §9: the row's error):
    /// one that has tiers for `class` but none in force, or one with a tier for the class
    /// that would pay the width in another period while none in force pays it (a narrower
    /// rate that lapsed, or is not yet in force, beside wider ones in force: whether the
    /// width was meant to get nothing then cannot be told; a rules file says so with a tier
    /// of rate 0 for the period).
    pub fn not_in_force(
        &self,
        class: ClassId,
        width_m: Decimal,
        when: Option<When>,
    ) -> Option<FundId> {
        if !self.dated {
            return None;
        }
        let when = when.unwrap_or(self.as_of);
        (0..self.funds.len()).find(|&fund| {
            let tiers = &self.tiers_by[class][fund];
            let all = &self.funds[fund].tiers;
            if tiers.is_empty() {
                return false;
            }
            if !tiers.iter().any(|&t| when.in_force(&all[t].period)) {
                return true;
            }
            let fits = |t: usize| money::cmp(width_m, all[t].min_width_m).is_ge();
            tiers.iter().any(|&t| fits(t))
                && !tiers
                    .iter()
                    .any(|&t| fits(t) && when.in_force(&all[t].period))
        })
    }

    /// The first fund whose rate for a segment of `class` and `width_m` changes during
    /// `year` (a period of a tier for the class starts or ends within it, and the rate that
    /// pays the width differs from one side to the other): which rate a segment dated only
    /// by that year takes cannot be told, so its row must give a day. A change of another
    /// width's rate splits nothing, nor one tier's period followed by another's of the same
    /// rate (review 38).
    pub fn splits_year(&self, class: ClassId, width_m: Decimal, year: u32) -> Option<FundId> {
        if !self.dated {
            return None;
        }
        let (first, last) = (Day::first_of(year), Day::last_of(year));
        (0..self.funds.len()).find(|&fund| {
            let all = &self.funds[fund].tiers;
            let tiers = &self.tiers_by[class][fund];
            // The days within the year on which a period starts, or the day after one ends.
            let edges = tiers.iter().flat_map(|&t| {
                let p = &all[t].period;
                [p.from, p.until.and_then(Day::next)]
            });
            // The rate that pays (the width below every one pays nothing, whichever).
            let on = |day: Day| match self
                .choose(class, fund, width_m, |t| all[t].period.covers(day))
                .0
            {
                TierChoice::Tier(t) => Some(all[t].rate_per_km),
                _ => None,
            };
            let at_start = on(first);
            edges
                .flatten()
                .filter(|&d| first < d && d <= last)
                .any(|d| on(d) != at_start)
        })
    }

    #[inline]
    fn choose(
        &self,
        class: ClassId,
        fund: FundId,
        width_m: Decimal,
        in_force: impl Fn(usize) -> bool,
    ) -> (TierChoice, Option<Decimal>) {
        let tiers = &self.tiers_by[class][fund];
        let all = &self.funds[fund].tiers;
        // Whole mm when both are (always, from checked input): integer compares.
        let width_mm = money::units(width_m, money::WIDTH_DP);
        // Widest minimum first: the first that fits is the tier, the one before it the next.
        let mut next = None;
        for &t in tiers.iter().filter(|&&t| in_force(t)) {
            let min = all[t].min_width_m;
            let order = match (width_mm, self.min_mm[fund][t]) {
                (Some(w), Some(m)) => w.cmp(&m),
                _ => money::cmp(width_m, min),
            };
            if order.is_ge() {
                return (TierChoice::Tier(t), next.filter(|_| order.is_gt()));
            }
            next = Some(min);
        }
        let choice = match tiers.iter().rev().find(|&&t| in_force(t)) {
            Some(&t) => TierChoice::BelowMinimum(all[t].min_width_m),
            None => TierChoice::NoTierForClass,
        };
        (choice, next)
    }

    /// The smallest minimum width above `width_m` among `fund`'s tiers for `class`: the tier
    /// the segment just misses, if any.
    pub fn next_tier_above(
        &self,
        class: ClassId,
        fund: FundId,
        width_m: Decimal,
    ) -> Option<Decimal> {
        let all = &self.funds[fund].tiers;
        self.tiers_by[class][fund]
            .iter()
            .rev()
            .map(|&t| all[t].min_width_m)
            .find(|&m| m > width_m)
    }

    /// A one-line list of the classes and the names they accept, for error messages.
    pub fn known_classes(&self, lang: Lang) -> String {
        self.classes
            .iter()
            .map(|c| match lang {
                Lang::En => {
                    let mut names = vec![c.name.clone()];
                    names.extend(c.aliases.iter().cloned());
                    format!("{} ({})", c.id, names.join(", "))
                }
                // Chinese text names a class by its Chinese names only: an id is for files
                // and commands, and reads as noise in a sentence (it is still accepted).
                Lang::Zh => format!("{}（{}）", c.name, c.aliases.join("、")),
            })
            .collect::<Vec<_>>()
            .join(lang.pick("; ", "；"))
    }
}

/// Text shown for something with a Chinese name and an optional English one.
/// The most bytes a rules file is read to: a county's rules take a few kilobytes.
pub const FILE_MAX: u64 = 4 << 20;

/// The bytes of the rules file at `path`, refused (said in `lang`, for
/// [`Lang::io_reason`]) when it is no regular file (a device such as `/dev/zero`, which has
/// no end, or a pipe, which waits for a writer) or larger than [`FILE_MAX`].
pub fn read_file(path: &std::path::Path, lang: Lang) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other(lang.pick(
            "not a file of rules: a folder, a device or a pipe",
            "不是规则文件，而是文件夹、设备或管道",
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(FILE_MAX + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > FILE_MAX {
        return Err(std::io::Error::other(lang.pick(
            "larger than any rules file (4 MiB): not a file of rules",
            "超过规则文件可能的大小（4 MiB），不是规则文件",
        )));
    }
    Ok(bytes)
}

pub fn display<'a>(lang: Lang, name: &'a str, name_en: Option<&'a str>) -> &'a str {
    match (lang, name_en) {
        (Lang::En, Some(en)) => en,
        _ => name,
    }
}

/// Like [`display`] when even the Chinese text is optional.
pub fn display_opt<'a>(
    lang: Lang,
    name: Option<&'a str>,
    name_en: Option<&'a str>,
) -> Option<&'a str> {
    match (lang, name_en) {
        (Lang::En, Some(en)) => Some(en),
        _ => name.or(name_en),
    }
}

impl Class {
    /// The class's name in `lang`.
    pub fn display(&self, lang: Lang) -> &str {
        display(lang, &self.name, self.name_en.as_deref())
    }
}

impl Fund {
    /// The fund's name in `lang`.
    pub fn display(&self, lang: Lang) -> &str {
        display(lang, &self.name, self.name_en.as_deref())
    }

    /// The reading in `lang`, when there is one.
    pub fn display_reading(&self, lang: Lang) -> Option<&str> {
        display_opt(lang, self.reading.as_deref(), self.reading_en.as_deref())
    }

    /// Whether a header (its unit taken off) names the column of amounts approved for this
    /// fund: `<id>_approved` or an alias, compared as the rules check compares them (case and
    /// full-width forms aside), so a name the check let through is the one a table uses.
    pub fn approves_column(&self, header: &str) -> bool {
        let key = class_key(header);
        key == class_key(&format!("{}_approved", self.id))
            || self.approved_aliases.iter().any(|a| class_key(a) == key)
    }
}

impl Meta {
    /// The rule set's name in `lang`.
    pub fn display_name(&self, lang: Lang) -> &str {
        display(lang, &self.name, self.name_en.as_deref())
    }

    /// The citation in `lang`.
    pub fn display_source(&self, lang: Lang) -> &str {
        display(lang, &self.source, self.source_en.as_deref())
    }
}

impl Budget {
    /// The fund the envelope holds money of, when it is a fund's.
    pub fn fund(&self) -> Option<FundId> {
        match self.draw {
            Draw::Fund(f) => Some(f),
            Draw::Source(_) => None,
        }
    }

    /// What the envelope is drawn on, as the rules file and JSON name it (`poverty`,
    /// `village_fund`).
    pub fn draw_key<'r>(&self, rules: &'r RuleSet) -> &'r str {
        match self.draw {
            Draw::Fund(f) => &rules.funds[f].id,
            Draw::Source(s) => s.key(),
        }
    }

    /// The envelope's name in `lang`, or one made from its fund and class.
    pub fn display(&self, rules: &RuleSet, lang: Lang) -> String {
        if let Some(name) = &self.name {
            return display(lang, name, self.name_en.as_deref()).to_string();
        }
        let fund = match self.draw {
            Draw::Fund(f) => rules.funds[f].display(lang),
            Draw::Source(s) => s.display(lang),
        };
        match self.class {
            Some(c) => format!("{fund} × {}", rules.classes[c].display(lang)),
            None => fund.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
