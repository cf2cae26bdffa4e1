//! SPEC §3's worked examples, one test each, to the cent.

use super::*;
use crate::i18n::Lang;
use crate::money::plain;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn segment(class: &str, width: &str, length: &str, cost: Cost) -> Segment {
    let rules = RuleSet::builtin();
    Segment {
        class: rules.class_by_name(class).unwrap(),
        width_m: d(width),
        length_km: d(length),
        cost,
        other_funds: Decimal::ZERO,
        households: None,
        completed_km: None,
    }
}

fn total(s: &str) -> Cost {
    Cost::Total(d(s))
}

/// [transport, poverty, subsidy_total, shortfall] as printed, and the notes in English.
fn run(seg: &Segment) -> ([String; 4], Vec<String>) {
    let rules = RuleSet::builtin();
    let b = compute(&rules, seg).unwrap();
    assert_eq!(
        b.shares.iter().map(|s| s.paid).sum::<Decimal>(),
        b.subsidy_total
    );
    let amounts = [
        plain(b.shares[0].paid),
        plain(b.shares[1].paid),
        plain(b.subsidy_total),
        plain(b.shortfall),
    ];
    (
        amounts,
        b.notes.iter().map(|n| n.render(&rules, Lang::En)).collect(),
    )
}

#[test]
fn e1_village_4_5m() {
    let (a, notes) = run(&segment("village", "4.5", "2", total("1600000")));
    assert_eq!(a, ["900000.00", "600000.00", "1500000.00", "100000.00"]);
    assert!(notes.is_empty());
}

#[test]
fn e1_with_other_funds() {
    let mut s = segment("village", "4.5", "2", total("1600000"));
    s.other_funds = d("30000");
    assert_eq!(run(&s).0[3], "70000.00");
}

#[test]
fn e1_with_households() {
    let mut s = segment("village", "4.5", "2", total("1600000"));
    s.households = Some(3);
    let b = compute(&RuleSet::builtin(), &s).unwrap();
    assert_eq!(b.per_household.map(plain), Some("33333.33".to_string()));
}

#[test]
fn e2_group_3_5m() {
    let (a, notes) = run(&segment("group", "3.5", "1.5", total("450000")));
    assert_eq!(a, ["225000.00", "150000.00", "375000.00", "75000.00"]);
    assert!(notes.is_empty());
}

#[test]
fn e3_width_between_tiers_takes_the_3_5m_tier() {
    let s = segment("village", "4.0", "1.2", total("700000"));
    let (a, notes) = run(&s);
    assert_eq!(a, ["180000.00", "300000.00", "480000.00", "220000.00"]);
    assert_eq!(
        notes,
        [
            "width 4.0 m is below the 4.5 m tier of County transport bureau subsidy: the 3.5 m tier applies",
            "width 4.0 m is below the 4.5 m tier of County poverty-alleviation special fund: the 3.5 m tier applies",
        ]
    );
    let rules = RuleSet::builtin();
    let b = compute(&rules, &s).unwrap();
    let TierChoice::Tier(t) = b.shares[0].tier else {
        panic!()
    };
    assert_eq!(rules.funds[0].tiers[t].min_width_m, d("3.5"));
}

#[test]
fn e4_below_minimum_width() {
    let (a, notes) = run(&segment("village", "3.0", "1", total("300000")));
    assert_eq!(a, ["0.00", "0.00", "0.00", "300000.00"]);
    assert_eq!(
        notes,
        [
            "width 3.0 m is below the 3.5 m minimum of County transport bureau subsidy",
            "width 3.0 m is below the 3.5 m minimum of County poverty-alleviation special fund",
        ]
    );
}

#[test]
fn e4_note_in_chinese() {
    let rules = RuleSet::builtin();
    let b = compute(&rules, &segment("village", "3.0", "1", total("300000"))).unwrap();
    assert_eq!(
        b.notes[0].render(&rules, Lang::Zh),
        "宽度 3.0 米低于县交通局补助的最小宽度 3.5 米"
    );
}

#[test]
fn e5_poverty_cut_by_cost() {
    let (a, notes) = run(&segment("village", "4.5", "1", total("500000")));
    assert_eq!(a, ["450000.00", "50000.00", "500000.00", "0.00"]);
    assert_eq!(
        notes,
        ["County poverty-alleviation special fund cut from 300,000.00 to 50,000.00 so the subsidy does not exceed the cost"]
    );
}

#[test]
fn e6_transport_cut_by_cost_per_km() {
    let s = segment("group", "6.0", "0.85", Cost::PerKm(d("400000")));
    let (a, notes) = run(&s);
    assert_eq!(a, ["340000.00", "0.00", "340000.00", "0.00"]);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].starts_with("County transport bureau subsidy cut from 382,500.00 to 340,000.00")
    );
    assert_eq!(
        plain(compute(&RuleSet::builtin(), &s).unwrap().cost),
        "340000.00"
    );
}

#[test]
fn e7_short_segment() {
    let (a, notes) = run(&segment("village", "3.5", "0.333", total("200000")));
    assert_eq!(a, ["49950.00", "83250.00", "133200.00", "66800.00"]);
    assert!(notes.is_empty());
}

#[test]
fn other_funds_beyond_the_cost_leave_no_shortfall_and_say_so() {
    let mut s = segment("village", "4.5", "2", total("1600000"));
    s.other_funds = d("150000");
    let (a, notes) = run(&s);
    assert_eq!(a[3], "0.00");
    assert_eq!(
        notes,
        ["other funds exceed what the subsidy leaves by 50,000.00"]
    );
}

fn rules_with(rounding: &str) -> RuleSet {
    let text = crate::rules::BUILTIN_TOML.replace(
        "rounding = \"half_away_from_zero\"",
        &format!("rounding = \"{rounding}\""),
    );
    RuleSet::from_toml(&text, "r.toml").unwrap()
}

#[test]
fn rounding_rule_applies_on_a_midpoint() {
    // 34,922.25 per km × 0.5 km = 17,461.125: the SPEC's midpoint.
    let mut s = segment("group", "3.5", "0.5", Cost::PerKm(d("34922.25")));
    for (rule, cost) in [
        ("half_away_from_zero", "17461.13"),
        ("half_even", "17461.12"),
    ] {
        let rules = rules_with(rule);
        assert_eq!(plain(compute(&rules, &s).unwrap().cost), cost, "{rule}");
    }
    // The same on a fund's nominal.
    s.length_km = d("0.0000005");
    s.cost = Cost::Total(d("100"));
    s.width_m = d("4.5");
    // transport 450,000 × 0.0000005 = 0.225 → 0.23 or 0.22
    for (rule, paid) in [("half_away_from_zero", "0.23"), ("half_even", "0.22")] {
        let b = compute(&rules_with(rule), &s).unwrap();
        assert_eq!(plain(b.shares[0].paid), paid, "{rule}");
    }
}

#[test]
fn a_cost_per_km_beyond_exact_money_is_an_error() {
    let s = segment(
        "village",
        "4.5",
        "100000",
        Cost::PerKm(d("999999999999999.99")),
    );
    assert_eq!(compute(&RuleSet::builtin(), &s), Err(Overflow));
}

#[test]
fn overflow_is_an_error_not_a_panic() {
    let mut s = segment("village", "4.5", "2", Cost::PerKm(Decimal::MAX));
    assert_eq!(compute(&RuleSet::builtin(), &s), Err(Overflow));
    s.cost = Cost::Total(Decimal::MAX);
    s.other_funds = Decimal::MIN;
    assert_eq!(compute(&RuleSet::builtin(), &s), Err(Overflow));
}

#[test]
fn a_cost_of_63_yuan_for_a_kilometre_is_flagged() {
    // 63 typed for 63万 on a 2.1 km road: the numbers are computed as written, with a warning.
    let s = segment("village", "4.5", "2.1", total("63"));
    let (a, notes) = run(&s);
    assert_eq!(a, ["63.00", "0.00", "63.00", "0.00"]);
    assert_eq!(
        notes[0],
        "warning: cost 63.00 yuan is 30.00 yuan per km, outside the plausible 5万–500万 per km: is the amount in 万元?"
    );
    let b = compute(&RuleSet::builtin(), &s).unwrap();
    assert!(b.notes[0].is_warning());
    assert_eq!(
        b.notes[0].render(&RuleSet::builtin(), Lang::Zh),
        "警告：造价 63.00 元即每公里 30.00 元，超出合理范围（每公里 5万–500万）：金额是否以万元为单位？"
    );
}

#[test]
fn a_cost_per_km_at_either_end_of_the_plausible_range_is_not_flagged() {
    let rules = RuleSet::builtin();
    let warned = |cost: Cost, length: &str| {
        let s = segment("village", "4.5", length, cost);
        compute(&rules, &s)
            .unwrap()
            .notes
            .iter()
            .any(Note::is_warning)
    };
    assert!(!warned(total("50000"), "1"));
    assert!(warned(total("49999.99"), "1"));
    assert!(!warned(total("5000000"), "1"));
    assert!(warned(total("5000000.01"), "1"));
    assert!(!warned(total("100000"), "2"));
    // 1 fen over 500万 per km on 3 km: exact, not rounded to per-km fen first.
    assert!(warned(total("15000000.01"), "3"));
    assert!(warned(Cost::PerKm(d("49900")), "1"));
    assert!(!warned(Cost::PerKm(d("50000")), "0.001"));
    let high = segment("village", "4.5", "1", total("6000000"));
    assert_eq!(
        run(&high).1[0],
        "warning: cost 6,000,000.00 yuan is 6,000,000.00 yuan per km, outside the plausible 5万–500万 per km: are the amount and the length right?"
    );
    // Rules without a range check nothing.
    let text =
        crate::rules::BUILTIN_TOML.replace("plausible_cost_per_km = [\"5万\", \"500万\"]\n", "");
    let unchecked = RuleSet::from_toml(&text, "r.toml").unwrap();
    let s = segment("village", "4.5", "2.1", total("63"));
    assert!(!compute(&unchecked, &s)
        .unwrap()
        .notes
        .iter()
        .any(Note::is_warning));
}
