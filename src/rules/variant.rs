//! What-if rates (SPEC §9): `--set poverty.group.3.5=15万` changes one rate of the rules in
//! force, so a proposal can be compared with them before it is adopted. A setting names a
//! rate that exists (the fund, the class and the tier's minimum width, exactly); anything
//! else is refused naming what there is, never read as a new tier nobody asked for.

use rust_decimal::Decimal;

use super::{Citation, ClassId, FundId, Period, RuleSet, When};
use crate::i18n::Lang;
use crate::money::{self, Scale};

/// One `FUND.CLASS.WIDTH=RATE`, as written and as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The setting as the user wrote it.
    pub text: String,
    /// The fund, as written (an id or a name).
    pub fund: String,
    /// The class, as written (an id, a name or an alias).
    pub class: String,
    /// The tier's minimum width, metres.
    pub width_m: Decimal,
    /// The new rate, yuan per km.
    pub rate: Decimal,
    /// The rate as written, when it is a bare number (no unit: yuan).
    pub bare: Option<String>,
}

/// A rate a setting changed: where, from what, to what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The setting as written.
    pub text: String,
    /// The fund.
    pub fund: FundId,
    /// The class.
    pub class: ClassId,
    /// The tier's minimum width, metres.
    pub width_m: Decimal,
    /// The tier's period (always, for rules without dates).
    pub period: Period,
    /// The rate before, yuan per km.
    pub from: Decimal,
    /// The rate after, yuan per km.
    pub to: Decimal,
}

/// Why a setting cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingError {
    /// Not `FUND.CLASS.WIDTH=RATE`.
    Form(String),
    /// The width is not a width.
    Width(String, String),
    /// The rate is not an amount per km.
    Rate(String, String),
    /// No fund has this id or name: the setting, and the funds there are (id, name).
    Fund(String, Vec<(String, String)>),
    /// No class has this name: the setting, and the classes there are (id, name).
    Class(String, Vec<(String, String)>),
    /// The fund has no tier for the class at this width: the setting, and the widths it has
    /// for the class (empty when none).
    Width404(String, String),
    /// The rate exceeds the largest amount computed exactly: the setting, and the rate.
    RateTooLarge(String, String),
    /// The rate has fractions of a fen (`150000.005`): the setting, and the rate.
    RateTooPrecise(String, String),
    /// Dated rules with several periods for this tier, and no day to choose one: the setting,
    /// and the periods.
    Periods(String, String),
    /// Dated rules with no period of this tier in force on the day rows without a date are
    /// dated by: the setting, the day, and the periods.
    NotInForce(String, super::Day, String),
    /// Two settings of one rate: both as written.
    Twice(String, String),
    /// A bare number under a thousandth of the rate it replaces (`15.5` for 15.5万): the
    /// setting, the number as read (`15.5` of `+15.50/公里`, `15` of `15.`: what the units
    /// suggested are put after), and the rate it replaces (yuan per km).
    Implausible(String, String, Decimal),
}

/// Where a setting was given, so that a message about it names it the way it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaidIn {
    /// `--set FUND.CLASS.WIDTH=RATE` on the command line.
    CommandLine,
    /// Typed into the table view's variant prompt.
    Prompt,
}

/// The ids of `known` (id, name) pairs: `transport, poverty`.
fn ids(known: &[(String, String)]) -> String {
    known
        .iter()
        .map(|(id, _)| id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `known` (id, name) pairs as a Chinese list: `transport（县交通局补助）、poverty（…）` (a
/// setting names a fund or class by either).
fn listed_zh(known: &[(String, String)]) -> String {
    known
        .iter()
        .map(|(id, name)| {
            if id == name {
                id.clone()
            } else {
                format!("{id}（{name}）")
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

impl SettingError {
    /// The message, in `lang`, as the command line says it (`--set "…": …`).
    pub fn render(&self, lang: Lang) -> String {
        self.render_in(lang, SaidIn::CommandLine)
    }

    /// The setting the error is about, as written.
    fn setting(&self) -> &str {
        match self {
            SettingError::Form(s)
            | SettingError::Width(s, _)
            | SettingError::Rate(s, _)
            | SettingError::Fund(s, _)
            | SettingError::Class(s, _)
            | SettingError::Width404(s, _)
            | SettingError::RateTooLarge(s, _)
            | SettingError::RateTooPrecise(s, _)
            | SettingError::Periods(s, _)
            | SettingError::NotInForce(s, _, _)
            | SettingError::Implausible(s, _, _)
            | SettingError::Twice(_, s) => s,
        }
    }

    /// The message, in `lang`, for where the setting was given: on the command line it is
    /// named with its flag; typed into the table's prompt, as typed, and the ways out named
    /// are the table's (a rules file is loaded with `v`).
    pub fn render_in(&self, lang: Lang, said: SaidIn) -> String {
        let named = |s: &str| match said {
            SaidIn::CommandLine => format!("--set \"{s}\""),
            SaidIn::Prompt => format!("\"{s}\""),
        };
        let set = named(self.setting());
        let file = match (said, lang) {
            (SaidIn::CommandLine, Lang::En) => "(--against)",
            (SaidIn::CommandLine, Lang::Zh) => "（--against）",
            (SaidIn::Prompt, Lang::En) => "(load it with v)",
            (SaidIn::Prompt, Lang::Zh) => "（按 v 载入该文件）",
        };
        let which = match (said, lang) {
            (SaidIn::CommandLine, Lang::En) => "say which with --as-of DATE",
            (SaidIn::CommandLine, Lang::Zh) => "请用 --as-of 日期 指明",
            (SaidIn::Prompt, Lang::En) => "say which by opening the table with --as-of DATE",
            (SaidIn::Prompt, Lang::Zh) => "请用 --as-of 日期 打开表格以指明",
        };
        let form = lang.pick(
            "expected FUND.CLASS.WIDTH=RATE, like poverty.group.3.5=15万",
            "应为 资金.类别.宽度=标准，如 poverty.group.3.5=15万",
        );
        match (self, lang) {
            (SettingError::Form(_), Lang::En) => format!("{set}: {form}"),
            (SettingError::Form(_), Lang::Zh) => format!("{set}：{form}"),
            (SettingError::Width(_, w), Lang::En) => {
                format!("{set}: \"{w}\" is not a width in metres ({form})")
            }
            (SettingError::Width(_, w), Lang::Zh) => {
                format!("{set}：\"{w}\" 不是以米计的宽度（{form}）")
            }
            (SettingError::Rate(_, r), Lang::En) => {
                format!("{set}: \"{r}\" is not an amount per km (like 15万 or 150000)")
            }
            (SettingError::Rate(_, r), Lang::Zh) => {
                format!("{set}：\"{r}\" 不是每公里金额（如 15万 或 150000）")
            }
            (SettingError::RateTooLarge(_, r), Lang::En) => format!(
                "{set}: \"{r}\" exceeds the largest amount computed exactly ({} yuan)",
                money::grouped(money::MAX_YUAN)
            ),
            (SettingError::RateTooLarge(_, r), Lang::Zh) => format!(
                "{set}：\"{r}\" 超过可精确计算的最大金额（{} 元）",
                money::grouped(money::MAX_YUAN)
            ),
            (SettingError::RateTooPrecise(_, r), Lang::En) => format!(
                "{set}: \"{r}\" has fractions of a fen (amounts are exact to 0.01 yuan)"
            ),
            (SettingError::RateTooPrecise(_, r), Lang::Zh) => {
                format!("{set}：\"{r}\" 含有不足一分的金额（金额精确到 0.01 元）")
            }
            (SettingError::NotInForce(_, day, periods), Lang::En) => format!(
                "{set}: no period of that rate is in force on {day} (its periods: {periods})"
            ),
            (SettingError::NotInForce(_, day, periods), Lang::Zh) => format!(
                "{set}：这个标准在 {day} 没有施行中的时段（现有时段：{periods}）"
            ),
            (SettingError::Fund(_, known), Lang::En) => {
                format!("{set}: no fund of these rules has that name (funds: {})", ids(known))
            }
            (SettingError::Fund(_, known), Lang::Zh) => {
                format!("{set}：规则中没有这项资金（现有：{}）", listed_zh(known))
            }
            (SettingError::Class(_, known), Lang::En) => {
                format!("{set}: no road class of these rules has that name (classes: {})", ids(known))
            }
            (SettingError::Class(_, known), Lang::Zh) => {
                format!("{set}：规则中没有这个道路类别（现有：{}）", listed_zh(known))
            }
            (SettingError::Width404(_, widths), Lang::En) if widths.is_empty() => format!(
                "{set}: the fund has no rate for that class; a new tier is a change to a rules file {file}"
            ),
            (SettingError::Width404(_, widths), Lang::Zh) if widths.is_empty() => format!(
                "{set}：该资金对这个类别没有补助标准；新增一档请写在规则文件中{file}"
            ),
            (SettingError::Width404(_, widths), Lang::En) => format!(
                "{set}: the fund has no tier at that width for the class (its tiers start at {widths} m); a new tier is a change to a rules file {file}"
            ),
            (SettingError::Width404(_, widths), Lang::Zh) => format!(
                "{set}：该资金对这个类别没有这个宽度的档（现有档的起点：{widths} 米）；新增一档请写在规则文件中{file}"
            ),
            (SettingError::Periods(_, periods), Lang::En) => format!(
                "{set}: that rate has several periods ({periods}); {which}"
            ),
            (SettingError::Periods(_, periods), Lang::Zh) => format!(
                "{set}：这个标准分多个时段（{periods}）；{which}"
            ),
            (SettingError::Implausible(_, r, from), Lang::En) => format!(
                "{set}: {r} yuan a km is under a thousandth of the rate it replaces ({} yuan/km); write the unit: {r}万 for {r} ten-thousand yuan, {r}元 if yuan is meant",
                money::grouped(*from)
            ),
            (SettingError::Implausible(_, r, from), Lang::Zh) => format!(
                "{set}：每公里 {r} 元不到原标准（每公里 {} 元）的千分之一；请写明单位：{r}万 即 {r} 万元，确为元请写 {r}元",
                money::grouped(*from)
            ),
            (SettingError::Twice(a, _), Lang::En) => {
                format!("{} and {set} set the same rate; give it once", named(a))
            }
            (SettingError::Twice(a, _), Lang::Zh) => {
                format!("{} 与 {set} 设置同一个标准；请只给一次", named(a))
            }
        }
    }
}

impl Setting {
    /// Reads `FUND.CLASS.WIDTH=RATE`. The width may carry its unit (`3.5米`, `3.5m`); the
    /// rate is read as a rules file's rate is (`15万`, `150000`, `15万/公里`).
    pub fn parse(text: &str) -> Result<Setting, SettingError> {
        let form = || SettingError::Form(text.to_string());
        // Full-width forms (＝, ．, １５) are read as a table's cells are.
        let normal = money::normalize_width_forms(text);
        let (target, rate) = normal.split_once('=').ok_or_else(form)?;
        let mut parts = target.splitn(3, '.');
        let (Some(fund), Some(class), Some(width)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(form());
        };
        let (fund, class, width, rate) = (fund.trim(), class.trim(), width.trim(), rate.trim());
        if fund.is_empty() || class.is_empty() || width.is_empty() || rate.is_empty() {
            return Err(form());
        }
        let width_m = money::parse_width_m(width)
            .map_err(|_| SettingError::Width(text.to_string(), width.to_string()))?;
        let rate_value = money::parse_amount(rate, Scale::Base, true).map_err(|e| match e {
            money::ValueError::TooLarge => {
                SettingError::RateTooLarge(text.to_string(), rate.to_string())
            }
            money::ValueError::TooPrecise => {
                SettingError::RateTooPrecise(text.to_string(), rate.to_string())
            }
            _ => SettingError::Rate(text.to_string(), rate.to_string()),
        })?;
        // A number without a unit of money (万, 亿, 元, yuan, ¥) is yuan, "/公里" or not:
        // whether that was meant is asked below when it is far from the rate it replaces.
        let lower = rate.to_lowercase();
        let bare = !["万", "亿", "元", "yuan", "rmb", "cny", "¥", "￥"]
            .iter()
            .any(|unit| lower.contains(unit));
        let bare = bare.then(|| rate.to_string());
        Ok(Setting {
            text: text.to_string(),
            fund: fund.to_string(),
            class: class.to_string(),
            width_m,
            rate: rate_value,
            bare,
        })
    }
}

impl Change {
    /// The change in words: `县扶贫专项补助，通社公路 3.5 米：10万元以内/公里 → 15万元以内/公里`.
    pub fn describe(&self, rules: &RuleSet, lang: Lang) -> String {
        let fund = &rules.funds[self.fund];
        let class = rules.classes[self.class].display(lang);
        let width = money::measure(self.width_m);
        let from = super::show::rate(self.from, fund.up_to, lang);
        let to = super::show::rate(self.to, fund.up_to, lang);
        let period = if self.period.is_always() {
            String::new()
        } else {
            format!(" ({})", self.period.describe())
        };
        match lang {
            Lang::En => format!(
                "{}, {class} {width} m{period}: {from} → {to}",
                fund.display(lang)
            ),
            Lang::Zh => format!(
                "{}，{class} {width} 米{period}：{from} → {to}",
                fund.display(lang)
            ),
        }
    }
}

impl RuleSet {
    /// These rules with `settings` made, in order, and what each changed. A tier shared by
    /// several classes is split: the class named gets a tier of its own at the new rate, the
    /// others keep theirs. A changed rate no longer quotes the policy (the policy never said
    /// it); its source says which setting made it. The rules' self-tests are kept as they
    /// are: they say what the rules in force give, which a change of rate is expected to
    /// change.
    pub fn with_settings(
        &self,
        settings: &[Setting],
    ) -> Result<(RuleSet, Vec<Change>), SettingError> {
        let mut funds = self.funds.clone();
        let mut changes: Vec<Change> = Vec::new();
        for s in settings {
            let fund = self
                .funds
                .iter()
                .position(|f| {
                    f.id == s.fund || f.name == s.fund || f.name_en.as_deref() == Some(&s.fund)
                })
                .ok_or_else(|| {
                    let known = self.funds.iter().map(|f| (f.id.clone(), f.name.clone()));
                    SettingError::Fund(s.text.clone(), known.collect())
                })?;
            let class = self.class_by_name(&s.class).ok_or_else(|| {
                let known = self.classes.iter().map(|c| (c.id.clone(), c.name.clone()));
                SettingError::Class(s.text.clone(), known.collect())
            })?;
            let tiers = &funds[fund].tiers;
            let for_class: Vec<usize> = (0..tiers.len())
                .filter(|&t| tiers[t].classes.contains(&class))
                .collect();
            let at_width: Vec<usize> = for_class
                .iter()
                .copied()
                .filter(|&t| tiers[t].min_width_m == s.width_m)
                .collect();
            if at_width.is_empty() {
                let mut widths: Vec<Decimal> =
                    for_class.iter().map(|&t| tiers[t].min_width_m).collect();
                widths.sort();
                widths.dedup();
                let widths = widths
                    .iter()
                    .map(|w| money::measure(*w))
                    .collect::<Vec<_>>();
                return Err(SettingError::Width404(s.text.clone(), widths.join(", ")));
            }
            // Dated rules: the period in force on the day that dates rows without a date; a
            // single tier of a period too, which may not be in force then (review 38: it was
            // changed whatever the day).
            let chosen: Vec<usize> = if at_width.len() == 1 && tiers[at_width[0]].period.is_always()
            {
                at_width.clone()
            } else {
                match self.as_of() {
                    When::Undated => Vec::new(),
                    when => at_width
                        .iter()
                        .copied()
                        .filter(|&t| when.in_force(&tiers[t].period))
                        .collect(),
                }
            };
            let [t] = chosen[..] else {
                let periods = at_width
                    .iter()
                    .map(|&t| tiers[t].period.describe())
                    .collect::<Vec<_>>()
                    .join("; ");
                // With a day, none of the periods is in force on it; without, none can be chosen.
                return Err(match self.as_of() {
                    When::Day(day) if chosen.is_empty() => {
                        SettingError::NotInForce(s.text.clone(), day, periods)
                    }
                    _ => SettingError::Periods(s.text.clone(), periods),
                });
            };
            let period = tiers[t].period;
            if let Some(earlier) = changes.iter().find(|c| {
                c.fund == fund && c.class == class && c.width_m == s.width_m && c.period == period
            }) {
                return Err(SettingError::Twice(earlier.text.clone(), s.text.clone()));
            }
            let from = tiers[t].rate_per_km;
            // `15.5` typed for 15.5万 would compute every row at 15.50 yuan a km without a
            // word: a bare rate so far below the one it replaces asks for its unit.
            if s.bare.is_some() {
                let tiny = s
                    .rate
                    .checked_mul(Decimal::from(1000))
                    .is_some_and(|r| r < from);
                if s.rate > Decimal::ZERO && tiny {
                    // The number as read, not as written: `15.5/公里万` or `15.万` is no
                    // rate to suggest.
                    return Err(SettingError::Implausible(
                        s.text.clone(),
                        money::measure(s.rate),
                        from,
                    ));
                }
            }
            let cited = Citation {
                source: Some(format!("--set {}", s.text)),
                source_en: None,
                quote: None,
            };
            let tiers = &mut funds[fund].tiers;
            if tiers[t].classes.len() == 1 {
                tiers[t].rate_per_km = s.rate;
                tiers[t].cited = cited;
            } else {
                tiers[t].classes.retain(|&c| c != class);
                let mut own = tiers[t].clone();
                own.classes = vec![class];
                own.rate_per_km = s.rate;
                own.cited = cited;
                tiers.insert(t + 1, own);
            }
            changes.push(Change {
                text: s.text.clone(),
                fund,
                class,
                width_m: s.width_m,
                period,
                from,
                to: s.rate,
            });
        }
        let mut rules = RuleSet::new(
            &self.origin,
            self.meta.clone(),
            self.classes.clone(),
            funds,
            self.budgets.clone(),
        );
        rules.tests = self.tests.clone();
        rules.as_of = self.as_of;
        Ok((rules, changes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{compute, Cost, Segment};
    use crate::rules::Day;

    /// `--set poverty.group.3.5=15.5` (15.5万 meant) computed every group road at 15.50 yuan
    /// a km without a word: a bare rate under a thousandth of the one it replaces is refused,
    /// saying the units; with a unit, or zero, or a thousandth and more, it is taken.
    #[test]
    fn a_bare_rate_a_thousand_times_too_small_asks_for_its_unit() {
        let rules = RuleSet::builtin();
        let err = set(&rules, &["poverty.group.3.5=15.5"]).unwrap_err();
        assert_eq!(
            err.render(Lang::En),
            "--set \"poverty.group.3.5=15.5\": 15.5 yuan a km is under a thousandth of the rate it replaces (100,000.00 yuan/km); write the unit: 15.5万 for 15.5 ten-thousand yuan, 15.5元 if yuan is meant"
        );
        assert_eq!(
            err.render_in(Lang::Zh, SaidIn::Prompt),
            "\"poverty.group.3.5=15.5\"：每公里 15.5 元不到原标准（每公里 100,000.00 元）的千分之一；请写明单位：15.5万 即 15.5 万元，确为元请写 15.5元"
        );
        // A sign or "per km" is no unit of money; the units are suggested after the number
        // as read (it suggested `15.5/公里万` and `15.万`).
        for (tiny, read) in [
            ("+15.5", "15.5"),
            ("15.5/公里", "15.5"),
            ("15.5/km", "15.5"),
            ("15.5每公里", "15.5"),
            ("０.５", "0.5"),
            ("15.", "15"),
            ("15.50", "15.5"),
        ] {
            let text = format!("poverty.group.3.5={tiny}");
            let err = set(&rules, &[&text]).unwrap_err();
            assert!(matches!(err, SettingError::Implausible(..)), "{tiny}");
            assert_eq!(
                err.render(Lang::En),
                format!("--set \"{text}\": {read} yuan a km is under a thousandth of the rate it replaces (100,000.00 yuan/km); write the unit: {read}万 for {read} ten-thousand yuan, {read}元 if yuan is meant")
            );
        }
        for fine in [
            "poverty.group.3.5=15.5万/公里",
            "poverty.group.3.5=¥15.5",
            "poverty.group.3.5=15.5 yuan",
            "poverty.group.3.5=15.5万",
            "poverty.group.3.5=15.5元",
            "poverty.group.3.5=0",
            "poverty.group.3.5=100",
            "poverty.group.3.5=150000",
        ] {
            let (_, changes) = set(&rules, &[fine]).unwrap_or_else(|e| panic!("{fine}: {e:?}"));
            assert_eq!(changes.len(), 1, "{fine}");
        }
        let (_, changes) = set(&rules, &["poverty.group.3.5=15.5元"]).unwrap();
        assert_eq!(changes[0].to, Decimal::new(155, 1));
        assert!(set(&rules, &["poverty.group.3.5=99.99"]).is_err());
    }

    fn set(rules: &RuleSet, texts: &[&str]) -> Result<(RuleSet, Vec<Change>), SettingError> {
        let settings = texts
            .iter()
            .map(|t| Setting::parse(t))
            .collect::<Result<Vec<_>, _>>()?;
        rules.with_settings(&settings)
    }

    fn paid(rules: &RuleSet, class: &str, width: &str, km: &str, cost: &str) -> Vec<String> {
        let seg = Segment::new(
            rules.class_by_name(class).unwrap(),
            width.parse().unwrap(),
            km.parse().unwrap(),
            Cost::Total(cost.parse().unwrap()),
        );
        let b = compute(rules, &seg).expect("no overflow");
        b.shares.iter().map(|s| s.paid.to_string()).collect()
    }

    #[test]
    fn setting_the_group_poverty_rate_to_15_wan_pays_150000_per_km_and_nothing_else_changes() {
        let rules = RuleSet::builtin();
        let (variant, changes) = set(&rules, &["poverty.group.3.5=15万"]).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].from, Decimal::new(100_000, 0));
        assert_eq!(changes[0].to, Decimal::new(150_000, 0));
        assert_eq!(
            changes[0].describe(&rules, Lang::Zh),
            "县扶贫专项补助，通社公路 3.5 米：10万元以内/公里 → 15万元以内/公里"
        );
        assert_eq!(
            changes[0].describe(&rules, Lang::En),
            "County poverty-alleviation special fund, group-access road 3.5 m: up to 100,000 yuan/km → up to 150,000 yuan/km"
        );
        // 2 km of group road, 3.5 m, cost 100万: transport 30万, poverty 20万 → 30万.
        assert_eq!(
            paid(&rules, "group", "3.5", "2", "1000000"),
            ["300000.00", "200000.00"]
        );
        assert_eq!(
            paid(&variant, "group", "3.5", "2", "1000000"),
            ["300000.00", "300000.00"]
        );
        // Village roads keep their rates.
        assert_eq!(
            paid(&rules, "village", "3.5", "2", "1500000"),
            paid(&variant, "village", "3.5", "2", "1500000")
        );
        // The changed tier quotes nothing: the policy never said 15万.
        let t = &variant.funds[1].tiers;
        let changed = t
            .iter()
            .find(|t| t.rate_per_km == Decimal::new(150_000, 0))
            .unwrap();
        assert_eq!(changed.cited.quote, None);
        assert_eq!(
            changed.cited.source.as_deref(),
            Some("--set poverty.group.3.5=15万")
        );
    }

    #[test]
    fn a_tier_shared_by_two_classes_is_split_and_only_the_named_class_changes() {
        let rules = RuleSet::builtin();
        let (variant, _) = set(&rules, &["transport.通社.3.5=20万"]).unwrap();
        assert_eq!(
            paid(&variant, "group", "3.5", "1", "900000")[0],
            "200000.00"
        );
        assert_eq!(
            paid(&variant, "village", "3.5", "1", "900000")[0],
            "150000.00"
        );
        // The 4.5 m tier is untouched for both.
        assert_eq!(
            paid(&variant, "group", "4.5", "1", "900000")[0],
            "450000.00"
        );
    }

    #[test]
    fn settings_that_name_nothing_are_refused_naming_what_there_is() {
        let rules = RuleSet::builtin();
        let msg = |texts: &[&str], lang| set(&rules, texts).unwrap_err().render(lang);
        assert_eq!(
            msg(&["poverty.group.4.0=15万"], Lang::En),
            "--set \"poverty.group.4.0=15万\": the fund has no tier at that width for the class (its tiers start at 3.5 m); a new tier is a change to a rules file (--against)"
        );
        assert_eq!(
            msg(&["roads.group.3.5=15万"], Lang::Zh),
            "--set \"roads.group.3.5=15万\"：规则中没有这项资金（现有：transport（县交通局补助）、poverty（县扶贫专项补助））"
        );
        assert_eq!(
            msg(&["poverty.lane.3.5=15万"], Lang::En),
            "--set \"poverty.lane.3.5=15万\": no road class of these rules has that name (classes: village, group)"
        );
        assert_eq!(
            msg(&["poverty.group=15万"], Lang::En),
            "--set \"poverty.group=15万\": expected FUND.CLASS.WIDTH=RATE, like poverty.group.3.5=15万"
        );
        assert_eq!(
            msg(&["poverty.group.3.5=lots"], Lang::Zh),
            "--set \"poverty.group.3.5=lots\"：\"lots\" 不是每公里金额（如 15万 或 150000）"
        );
        assert_eq!(
            msg(&["poverty.group.3.5=15万", "县扶贫专项补助.社道.3.5米=16万"], Lang::En),
            "--set \"poverty.group.3.5=15万\" and --set \"县扶贫专项补助.社道.3.5米=16万\" set the same rate; give it once"
        );
    }

    #[test]
    fn under_dated_rules_a_setting_changes_the_period_in_force_on_the_as_of_day() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/dated-rules.toml"
        ))
        .unwrap();
        let mut rules = RuleSet::from_toml(&text, "dated-rules.toml").unwrap();
        let fund = rules.funds.iter().position(|f| f.id == "poverty").unwrap();
        let dated: Vec<_> = rules.funds[fund]
            .tiers
            .iter()
            .filter(|t| !t.period.is_always())
            .map(|t| (t.classes.clone(), t.min_width_m))
            .collect();
        let (classes, width) = dated
            .first()
            .cloned()
            .expect("the fixture dates poverty tiers");
        let class = rules.classes[classes[0]].id.clone();
        let text = format!("poverty.{class}.{width}=1万");
        rules.set_as_of(Day::parse("2019-06-01").unwrap());
        let (_, changes) = set(&rules, &[&text]).unwrap();
        assert!(changes[0].period.covers(Day::parse("2019-06-01").unwrap()));
        assert!(!changes[0].period.covers(Day::parse("2018-06-01").unwrap()));
    }

    #[test]
    fn settings_read_widths_and_rates_as_rules_files_do() {
        let s = Setting::parse(" poverty . group . 3.5米 = 15万/公里 ").unwrap();
        assert_eq!((s.fund.as_str(), s.class.as_str()), ("poverty", "group"));
        assert_eq!(s.width_m, Decimal::new(35, 1));
        assert_eq!(s.rate, Decimal::new(150_000, 0));
        assert_eq!(
            Setting::parse("poverty.group.3.5=150000").unwrap().rate,
            Decimal::new(150_000, 0)
        );
    }

    fn dated() -> RuleSet {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/dated-rules.toml"
        ))
        .unwrap();
        RuleSet::from_toml(&text, "dated-rules.toml").unwrap()
    }

    #[test]
    fn a_setting_on_a_day_no_period_covers_says_none_is_in_force_then_not_to_give_as_of() {
        let mut rules = dated();
        // Before the first period begins: neither 2018's nor 2019's rate is in force.
        rules.set_as_of(Day::parse("2017-06-01").unwrap());
        let e = set(&rules, &["poverty.group.3.5=12万"]).unwrap_err();
        assert_eq!(
            e.render(Lang::En),
            "--set \"poverty.group.3.5=12万\": no period of that rate is in force on 2017-06-01 (its periods: 2018-01-01 – 2018-12-31; 2019-01-01 – …)"
        );
        assert_eq!(
            e.render(Lang::Zh),
            "--set \"poverty.group.3.5=12万\"：这个标准在 2017-06-01 没有施行中的时段（现有时段：2018-01-01 – 2018-12-31; 2019-01-01 – …）"
        );
    }

    /// Review 38: a rate with one period only (a tier ending 2018-12-31, none after it) was
    /// changed whatever the day, where one of two periods is refused on a day neither covers.
    #[test]
    fn a_rate_of_one_period_is_set_only_on_a_day_in_it() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dated-rules.toml"),
        )
        .unwrap();
        // The 2019 group rate taken out: 2018's alone.
        let cut = text.find("\n[[funds.tiers]]\nclasses = [\"group\"]\nmin_width_m = 3.5\nrate_per_km = \"15万\"").unwrap();
        let end = text[cut..].find("\n\n").map_or(text.len(), |e| cut + e);
        let rules_text = format!("{}{}", &text[..cut], &text[end..]);
        let rules_text = &rules_text[..rules_text.find("\n[[test]]").unwrap_or(rules_text.len())];
        let mut rules = RuleSet::from_toml(rules_text, "one.toml").unwrap();
        rules.set_as_of(Day::parse("2018-06-01").unwrap());
        assert!(set(&rules, &["poverty.group.3.5=12万"]).is_ok());
        rules.set_as_of(Day::parse("2020-01-01").unwrap());
        let e = set(&rules, &["poverty.group.3.5=12万"]).unwrap_err();
        assert_eq!(
            e.render(Lang::En),
            "--set \"poverty.group.3.5=12万\": no period of that rate is in force on 2020-01-01 (its periods: 2018-01-01 – 2018-12-31)"
        );
        // A rate of no period is set whatever the day.
        assert!(set(&rules, &["poverty.village.3.5=30万"]).is_ok());
    }

    #[test]
    fn a_rate_too_large_says_it_exceeds_the_largest_amount_not_that_it_is_no_amount() {
        let e = Setting::parse("poverty.group.3.5=10000000亿").unwrap_err();
        assert_eq!(
            e.render(Lang::En),
            "--set \"poverty.group.3.5=10000000亿\": \"10000000亿\" exceeds the largest amount computed exactly (999,999,999,999,999.99 yuan)"
        );
        assert_eq!(
            e.render(Lang::Zh),
            "--set \"poverty.group.3.5=10000000亿\"：\"10000000亿\" 超过可精确计算的最大金额（999,999,999,999,999.99 元）"
        );
    }

    #[test]
    fn a_full_width_equals_sign_and_full_stop_are_read_as_full_width_digits_are() {
        let s = Setting::parse("poverty．group．３．５＝１５万").unwrap();
        assert_eq!((s.fund.as_str(), s.class.as_str()), ("poverty", "group"));
        assert_eq!(s.width_m, Decimal::new(35, 1));
        assert_eq!(s.rate, Decimal::new(150_000, 0));
        // As written, for messages and the variant's description.
        assert_eq!(s.text, "poverty．group．３．５＝１５万");
    }

    #[test]
    fn a_setting_typed_into_the_table_is_named_as_typed_not_as_a_command_line_flag() {
        let rules = RuleSet::builtin();
        let err = |text: &str| match Setting::parse(text) {
            Err(e) => e,
            Ok(s) => rules.with_settings(&[s]).unwrap_err(),
        };
        let wide = err("poverty.group.4.0=15万");
        assert_eq!(
            wide.render_in(Lang::En, SaidIn::Prompt),
            "\"poverty.group.4.0=15万\": the fund has no tier at that width for the class (its tiers start at 3.5 m); a new tier is a change to a rules file (load it with v)"
        );
        assert_eq!(
            wide.render_in(Lang::Zh, SaidIn::Prompt),
            "\"poverty.group.4.0=15万\"：该资金对这个类别没有这个宽度的档（现有档的起点：3.5 米）；新增一档请写在规则文件中（按 v 载入该文件）"
        );
        // On the command line, as it always was.
        assert_eq!(
            wide.render(Lang::Zh),
            wide.render_in(Lang::Zh, SaidIn::CommandLine)
        );
        assert_eq!(
            wide.render(Lang::Zh),
            "--set \"poverty.group.4.0=15万\"：该资金对这个类别没有这个宽度的档（现有档的起点：3.5 米）；新增一档请写在规则文件中（--against）"
        );
        assert_eq!(
            err("poverty.group=15万").render_in(Lang::Zh, SaidIn::Prompt),
            "\"poverty.group=15万\"：应为 资金.类别.宽度=标准，如 poverty.group.3.5=15万"
        );
        let twice = rules
            .with_settings(&[
                Setting::parse("poverty.group.3.5=15万").unwrap(),
                Setting::parse("县扶贫专项补助.社道.3.5米=16万").unwrap(),
            ])
            .unwrap_err();
        assert_eq!(
            twice.render_in(Lang::En, SaidIn::Prompt),
            "\"poverty.group.3.5=15万\" and \"县扶贫专项补助.社道.3.5米=16万\" set the same rate; give it once"
        );
        assert_eq!(
            twice.render(Lang::En),
            "--set \"poverty.group.3.5=15万\" and --set \"县扶贫专项补助.社道.3.5米=16万\" set the same rate; give it once"
        );
    }
}
