//! Dated rates (SPEC §9): periods read and checked, and the tier in force chosen by day.

use super::*;

const DATED: &str = include_str!("../../../tests/data/dated-rules.toml");

fn dated() -> RuleSet {
    RuleSet::from_toml(DATED, "dated-rules.toml").unwrap()
}

fn day(s: &str) -> Day {
    Day::parse(s).unwrap()
}

/// The head of a small rules file of one class, for the funds a test writes after it.
const VILLAGE: &str = r#"
[meta]
name = "t"
source = "s"
effective = "2018-05-15"
[[classes]]
id = "village"
name = "通村公路"
"#;

/// The poverty rate for a 3.5 m group road dated `when`, or why there is none.
fn group_poverty_rate(r: &RuleSet, when: Option<When>) -> Option<Decimal> {
    let group = r.class_by_name("group").unwrap();
    match r.tier_and_next_on(group, 1, d("3.5"), when).0 {
        TierChoice::Tier(t) => Some(r.funds[1].tiers[t].rate_per_km),
        _ => None,
    }
}

#[test]
fn the_tier_in_force_is_chosen_at_the_period_edges() {
    let r = dated();
    assert!(r.is_dated());
    let on = |s| group_poverty_rate(&r, Some(When::Day(day(s))));
    assert_eq!(on("2017-12-31"), None);
    assert_eq!(on("2018-01-01"), Some(d("100000")));
    assert_eq!(on("2018-12-30"), Some(d("100000")));
    assert_eq!(on("2018-12-31"), Some(d("100000")));
    assert_eq!(on("2019-01-01"), Some(d("150000")));
    assert_eq!(on("2019-01-02"), Some(d("150000")));
    let group = r.class_by_name("group").unwrap();
    let village = r.class_by_name("village").unwrap();
    assert_eq!(
        r.not_in_force(group, d("3.5"), Some(When::Day(day("2017-12-31")))),
        Some(1)
    );
    assert_eq!(
        r.not_in_force(group, d("3.5"), Some(When::Day(day("2018-01-01")))),
        None
    );
    assert_eq!(
        r.not_in_force(village, d("3.5"), Some(When::Day(day("2017-12-31")))),
        None
    );
}

#[test]
fn a_year_takes_the_tiers_in_force_all_that_year() {
    let r = dated();
    assert_eq!(
        group_poverty_rate(&r, Some(When::Year(2018))),
        Some(d("100000"))
    );
    assert_eq!(
        group_poverty_rate(&r, Some(When::Year(2019))),
        Some(d("150000"))
    );
    let group = r.class_by_name("group").unwrap();
    assert_eq!(r.splits_year(group, d("3.5"), 2018), None);
    assert_eq!(
        r.not_in_force(group, d("3.5"), Some(When::Year(2017))),
        Some(1)
    );
    let split = DATED
        .replace("2018-12-31", "2018-06-30")
        .replace("2019-01-01", "2018-07-01");
    let r = RuleSet::from_toml(&split, "split.toml").unwrap();
    assert_eq!(r.splits_year(group, d("3.5"), 2018), Some(1));
    assert_eq!(r.splits_year(group, d("3.5"), 2019), None);
}

/// Review 37: a 3.5 m village road dated 2019 under a transport tier for 3.5 m that ended in
/// 2018 beside one for 4.5 m in force always was paid nothing, "below the 4.5 m minimum",
/// where the width had a rate before and none in force then: whether it was meant to get
/// nothing cannot be told, so the row has no rate in force (SPEC §9's row error). A width
/// no period ever paid is below the minimum as before; a rate of 0 for the period says
/// "nothing" in so many words.
#[test]
fn a_width_whose_rate_lapsed_beside_wider_ones_in_force_has_no_rate_in_force() {
    let lapsed = format!(
        r#"{VILLAGE}[[funds]]
id = "transport"
name = "县交通局补助"
[[funds.tiers]]
classes = ["village"]
min_width_m = 3.5
rate_per_km = "15万"
until = 2018-12-31
[[funds.tiers]]
classes = ["village"]
min_width_m = 4.5
rate_per_km = "45万"
"#
    );
    let r = RuleSet::from_toml(&lapsed, "r.toml").unwrap();
    let village = r.class_by_name("village").unwrap();
    let on = |s: &str| Some(When::Day(day(s)));
    assert_eq!(r.not_in_force(village, d("3.5"), on("2019-06-01")), Some(0));
    assert_eq!(r.not_in_force(village, d("4.0"), on("2019-06-01")), Some(0));
    assert_eq!(r.not_in_force(village, d("3.5"), on("2018-06-01")), None);
    assert_eq!(r.not_in_force(village, d("4.5"), on("2019-06-01")), None);
    // Never paid, in any period: below the minimum, as before.
    assert_eq!(r.not_in_force(village, d("3.0"), on("2019-06-01")), None);
    assert_eq!(
        r.not_in_force(village, d("3.5"), Some(When::Year(2019))),
        Some(0)
    );
    // Not yet in force: alike.
    let later = lapsed.replace("until = 2018-12-31", "from = 2020-01-01");
    let r = RuleSet::from_toml(&later, "r.toml").unwrap();
    assert_eq!(r.not_in_force(village, d("3.5"), on("2019-06-01")), Some(0));
    assert_eq!(r.not_in_force(village, d("3.5"), on("2020-01-01")), None);
    // Said in so many words: 0 from 2019 on.
    let zero = format!(
        "{lapsed}[[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 3.5\nrate_per_km = 0\nfrom = 2019-01-01\n"
    );
    let r = RuleSet::from_toml(&zero, "r.toml").unwrap();
    assert_eq!(r.not_in_force(village, d("3.5"), on("2019-06-01")), None);
}

/// Review 37: a year in which only another width's rate changes (the 4.5 m rate ends on 30
/// June) refused a 3.5 m row dated by that year as "split". A year is split for a row only
/// when the tier that pays its width differs within it.
#[test]
fn a_year_is_split_only_where_the_rate_for_the_rows_width_changes() {
    let text = format!(
        r#"{VILLAGE}[[funds]]
id = "poverty"
name = "县扶贫专项补助"
up_to = true
[[funds.tiers]]
classes = ["village"]
min_width_m = 3.5
rate_per_km = "25万"
[[funds.tiers]]
classes = ["village"]
min_width_m = 4.5
rate_per_km = "30万"
until = 2018-06-30
"#
    );
    let r = RuleSet::from_toml(&text, "r.toml").unwrap();
    let village = r.class_by_name("village").unwrap();
    assert_eq!(r.splits_year(village, d("3.5"), 2018), None);
    assert_eq!(r.splits_year(village, d("3.0"), 2018), None);
    assert_eq!(r.splits_year(village, d("4.5"), 2018), Some(0));
    assert_eq!(r.splits_year(village, d("5"), 2018), Some(0));
    assert_eq!(r.splits_year(village, d("4.5"), 2019), None);
    assert_eq!(r.splits_year(village, d("4.5"), 2017), None);
    // A period ending on the year's last day splits nothing; one ending the day before does.
    let r = RuleSet::from_toml(&text.replace("2018-06-30", "2018-12-31"), "r.toml").unwrap();
    assert_eq!(r.splits_year(village, d("4.5"), 2018), None);
    assert_eq!(
        r.splits_year(village, d("4.5"), 2019),
        None,
        "3.5 m's rate all year"
    );
    let r = RuleSet::from_toml(&text.replace("2018-06-30", "2018-12-30"), "r.toml").unwrap();
    assert_eq!(r.splits_year(village, d("4.5"), 2018), Some(0));
}

/// Review 37: `from = " 2019-01-01 "` was read, spaces and all, while `effective = " 2018-05-15
/// "` was refused as no date: both are read alike now.
#[test]
fn an_effective_date_with_spaces_around_it_is_read_as_a_tiers_day_is() {
    let text = VILLAGE.replace("\"2018-05-15\"", "\" 2018-05-15 \"")
        + "[[funds]]\nid = \"f\"\nname = \"资金\"\n[[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 3.5\nrate_per_km = \"15万\"\nfrom = \" 2018-01-01 \"\n";
    let r = RuleSet::from_toml(&text, "r.toml").unwrap();
    assert_eq!(r.as_of(), When::Day(day("2018-05-15")));
    assert_eq!(r.meta.effective.as_deref(), Some("2018-05-15"));
}

#[test]
fn the_day_after_goes_over_months_years_and_leap_days() {
    let next = |s: &str| day(s).next().map(|d| d.to_string());
    assert_eq!(next("2018-06-30").as_deref(), Some("2018-07-01"));
    assert_eq!(next("2018-12-31").as_deref(), Some("2019-01-01"));
    assert_eq!(next("2020-02-28").as_deref(), Some("2020-02-29"));
    assert_eq!(next("2019-02-28").as_deref(), Some("2019-03-01"));
    assert_eq!(next("2100-02-28").as_deref(), Some("2100-03-01"));
    assert_eq!(next("2018-01-15").as_deref(), Some("2018-01-16"));
    assert_eq!(next("9999-12-31"), None);
}

#[test]
fn rows_without_a_date_take_the_as_of_day_else_the_effective_date() {
    let mut r = dated();
    // effective = 2018-05-15
    assert_eq!(r.as_of(), When::Day(day("2018-05-15")));
    assert_eq!(group_poverty_rate(&r, None), Some(d("100000")));
    r.set_as_of(day("2019-03-01"));
    assert_eq!(group_poverty_rate(&r, None), Some(d("150000")));
    // No effective date and no --as-of: only tiers in force always apply.
    let r = RuleSet::from_toml(&DATED.replace("effective = \"2018-05-15\"", ""), "r.toml").unwrap();
    assert_eq!(r.as_of(), When::Undated);
    assert_eq!(group_poverty_rate(&r, None), None);
    let village = r.class_by_name("village").unwrap();
    assert!(matches!(
        r.tier_and_next_on(village, 1, d("3.5"), None).0,
        TierChoice::Tier(_)
    ));
}

#[test]
fn undated_rules_are_not_dated() {
    let r = RuleSet::builtin();
    assert!(!r.is_dated());
    let village = r.class_by_name("village").unwrap();
    let when = Some(When::Day(day("1990-01-01")));
    assert_eq!(
        r.tier_and_next_on(village, 0, d("4.0"), when),
        r.tier_and_next(village, 0, d("4.0"))
    );
    assert_eq!(r.not_in_force(village, d("4.0"), when), None);
}

#[test]
fn overlapping_periods_are_refused_with_both_periods() {
    let text = DATED.replace("from = \"2019-01-01\"", "from = \"2018-12-31\"");
    assert_eq!(
        errors(&text),
        ["r.toml:51:8: fund poverty has two tiers for group at minimum width 3.5 m whose periods overlap: 2018-01-01 – 2018-12-31 and 2018-12-31 – …"]
    );
    let zh: Vec<_> = RuleSet::from_toml(&text, "r.toml")
        .unwrap_err()
        .iter()
        .map(|e| e.render(Lang::Zh))
        .collect();
    assert_eq!(
        zh,
        ["r.toml:51:8: 资金 poverty 对 group 最小宽度 3.5 米的两个标准档期间重叠：2018-01-01 – 2018-12-31 与 2018-12-31 – …"]
    );
    // An undated tier is in force always, so it overlaps every dated one.
    let text = DATED.replace("from = \"2019-01-01\"", "");
    assert_eq!(
        errors(&text),
        ["r.toml:49:15: fund poverty has two tiers for group at minimum width 3.5 m whose periods overlap: 2018-01-01 – 2018-12-31 and always (no from or until)"]
    );
}

#[test]
fn a_period_must_be_calendar_days_in_order() {
    let text = DATED.replace("until = 2018-12-31", "until = 2017-12-31");
    assert_eq!(
        errors(&text),
        ["r.toml:45:9: until 2017-12-31 is before from 2018-01-01"]
    );
    let text = DATED.replace("from = \"2019-01-01\"", "from = \"2019-02-30\"");
    assert_eq!(
        errors(&text),
        ["r.toml:51:8: `from` \"2019-02-30\" is not a day on the calendar"]
    );
    let text = DATED.replace("from = \"2019-01-01\"", "from = 2019");
    assert_eq!(
        errors(&text),
        ["r.toml:51:8: `from` \"2019\" is not a date (expected YYYY-MM-DD, like 2019-01-01)"]
    );
}

mod against_every_day {
    use super::*;
    use proptest::prelude::*;

    /// A day of 2017–2019, as an offset from 2017-01-01.
    fn day_at(offset: u32) -> Day {
        let mut d = day("2017-01-01");
        for _ in 0..offset {
            d = d.next().unwrap();
        }
        d
    }

    /// Rules of one fund for the village class: each tier a minimum width and a period
    /// (offsets of its first and last day, either open).
    fn rules(tiers: &[(&str, Option<u32>, Option<u32>)]) -> Option<RuleSet> {
        let mut text = String::from(
            "[meta]\nname = \"t\"\nsource = \"s\"\neffective = \"2018-05-15\"\n[[classes]]\nid = \"village\"\nname = \"通村公路\"\n[[funds]]\nid = \"transport\"\nname = \"县交通局补助\"\n",
        );
        for (i, (min, from, until)) in tiers.iter().enumerate() {
            text.push_str(&format!(
                "[[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = {min}\nrate_per_km = \"{}万\"\n",
                // Two rates among the tiers: one period followed by another of the same rate
                // changes nothing.
                i % 2 + 1
            ));
            if let Some(f) = from {
                text.push_str(&format!("from = {}\n", day_at(*f)));
            }
            if let Some(u) = until {
                text.push_str(&format!("until = {}\n", day_at(*u)));
            }
        }
        RuleSet::from_toml(&text, "r.toml").ok()
    }

    /// A day of 2017–2019, often one at the edge of 2018 (its first and last days and the
    /// days beside them), where an off-by-one would show.
    fn offset() -> impl Strategy<Value = u32> {
        prop_oneof![
            0u32..1095,
            prop::sample::select(vec![363u32, 364, 365, 366, 727, 728, 729, 730, 731]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// A year is split for a width exactly when, day by day through it, the rate that pays
        /// that width is not always the same, and a year not split pays every day's rate; a day has no rate in force for a width
        /// exactly when the fund has no tier in force then, or none in force pays the width
        /// while one of another period does.
        #[test]
        fn split_years_and_rates_not_in_force_are_what_each_day_gives(
            tiers in prop::collection::vec(
                (
                    prop::sample::select(vec!["3", "3.5", "4.5"]),
                    prop::option::of(offset()),
                    prop::option::of(offset()),
                ),
                1..5,
            ),
            width in prop::sample::select(vec!["2.5", "3", "3.2", "3.5", "4", "4.5", "6"]),
        ) {
            let Some(r) = rules(&tiers) else { return Ok(()) };
            let village = r.class_by_name("village").unwrap();
            let width = d(width);
            let on = |day: Day| match r.tier_and_next_on(village, 0, width, Some(When::Day(day))).0 {
                TierChoice::Tier(t) => Some(r.funds[0].tiers[t].rate_per_km),
                _ => None,
            };
            let mut today = day("2018-01-01");
            let first = on(today);
            let mut split = false;
            while today <= day("2018-12-31") {
                split |= on(today) != first;
                let all = &r.funds[0].tiers;
                let fits = |t: &Tier| money::cmp(width, t.min_width_m).is_ge();
                let in_force: Vec<&Tier> =
                    all.iter().filter(|t| t.period.covers(today)).collect();
                let none = in_force.is_empty()
                    || (all.iter().any(fits) && !in_force.iter().any(|t| fits(t)));
                prop_assert_eq!(
                    r.not_in_force(village, width, Some(When::Day(today))).is_some(),
                    none,
                    "{}", today
                );
                today = today.next().unwrap();
            }
            prop_assert_eq!(r.splits_year(village, width, 2018).is_some(), split);
            // A year it does not split pays a row dated by it what every day of it pays.
            if !split {
                let by_year = match r.tier_and_next_on(village, 0, width, Some(When::Year(2018))).0 {
                    TierChoice::Tier(t) => Some(r.funds[0].tiers[t].rate_per_km),
                    _ => None,
                };
                prop_assert_eq!(by_year, first);
            }
        }
    }
}
