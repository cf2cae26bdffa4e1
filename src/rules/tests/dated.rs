//! Dated rates (SPEC §9): periods read and checked, and the tier in force chosen by day.

use super::*;

const DATED: &str = include_str!("../../../tests/data/dated-rules.toml");

fn dated() -> RuleSet {
    RuleSet::from_toml(DATED, "dated-rules.toml").unwrap()
}

fn day(s: &str) -> Day {
    Day::parse(s).unwrap()
}

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
        r.not_in_force(group, Some(When::Day(day("2017-12-31")))),
        Some(1)
    );
    assert_eq!(
        r.not_in_force(group, Some(When::Day(day("2018-01-01")))),
        None
    );
    assert_eq!(
        r.not_in_force(village, Some(When::Day(day("2017-12-31")))),
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
    assert_eq!(r.splits_year(group, 2018), None);
    assert_eq!(r.not_in_force(group, Some(When::Year(2017))), Some(1));
    let split = DATED
        .replace("2018-12-31", "2018-06-30")
        .replace("2019-01-01", "2018-07-01");
    let r = RuleSet::from_toml(&split, "split.toml").unwrap();
    assert_eq!(r.splits_year(group, 2018), Some(1));
    assert_eq!(r.splits_year(group, 2019), None);
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
    assert_eq!(r.not_in_force(village, when), None);
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
        ["r.toml:51:8: `from` \"2019-02-30\" is not a date (expected YYYY-MM-DD, like 2019-01-01)"]
    );
    let text = DATED.replace("from = \"2019-01-01\"", "from = 2019");
    assert_eq!(
        errors(&text),
        ["r.toml:51:8: `from` \"2019\" is not a date (expected YYYY-MM-DD, like 2019-01-01)"]
    );
}
