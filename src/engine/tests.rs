//! SPEC §3's worked examples, one test each, to the cent.

use super::*;
use crate::i18n::Lang;
use crate::money::plain;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn segment(class: &str, width: &str, length: &str, cost: Cost) -> Segment {
    let rules = RuleSet::builtin();
    Segment::new(
        rules.class_by_name(class).unwrap(),
        d(width),
        d(length),
        cost,
    )
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
    s.sources = Sources::other_funds(d("30000"));
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
        ["County poverty-alleviation special fund cut from 300,000.00 yuan to 50,000.00 yuan so the subsidy does not exceed the cost"]
    );
}

#[test]
fn e6_transport_cut_by_cost_per_km() {
    let s = segment("group", "6.0", "0.85", Cost::PerKm(d("400000")));
    let (a, notes) = run(&s);
    assert_eq!(a, ["340000.00", "0.00", "340000.00", "0.00"]);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].starts_with(
        "County transport bureau subsidy cut from 382,500.00 yuan to 340,000.00 yuan"
    ));
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
fn other_funds_beyond_the_gap_leave_no_shortfall_and_note_the_surplus() {
    let mut s = segment("village", "4.5", "2", total("1600000"));
    s.sources = Sources::other_funds(d("150000"));
    let (a, notes) = run(&s);
    assert_eq!(a[3], "0.00");
    assert_eq!(
        notes,
        ["the sources exceed the gap: a surplus of 50,000.00 yuan"]
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
    s.sources = Sources::other_funds(Decimal::MIN);
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
        "warning: cost 63.00 yuan is 30.00 yuan per km, outside the plausible 50,000–5,000,000 yuan per km: are the amount's unit (元 or 万元) and the length right?"
    );
    let b = compute(&RuleSet::builtin(), &s).unwrap();
    assert!(b.notes[0].is_warning());
    assert_eq!(
        b.notes[0].render(&RuleSet::builtin(), Lang::Zh),
        "警告：造价 63.00 元即每公里 30.00 元，超出合理范围（5万–500万元/公里）：金额单位（元、万元）与长度是否有误？"
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
        "warning: cost 6,000,000.00 yuan is 6,000,000.00 yuan per km, outside the plausible 50,000–5,000,000 yuan per km: are the amount and the length right?"
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

// SPEC §8: the gap, its sources, approved amounts, due and outstanding, budget cuts.

#[test]
fn e1_with_other_funds_has_a_gap_of_the_whole_difference() {
    let mut s = segment("village", "4.5", "2", total("1600000"));
    s.sources = Sources::other_funds(d("30000"));
    let b = compute(&RuleSet::builtin(), &s).unwrap();
    assert_eq!(plain(b.gap), "100000.00");
    assert_eq!(plain(b.shortfall), "70000.00");
}

#[test]
fn every_source_fills_the_gap_and_a_surplus_is_noted_in_both_languages() {
    let rules = RuleSet::builtin();
    let mut s = segment("village", "4.5", "2", total("1600000"));
    s.sources.set(Source::OtherFunds, d("30000"));
    s.sources.set(Source::YishiYiyi, d("20000"));
    s.sources.set(Source::SelfRaised, d("10000.50"));
    s.sources.set(Source::VillageFund, d("15000"));
    s.households = Some(4);
    let b = compute(&rules, &s).unwrap();
    assert_eq!(plain(b.gap), "100000.00");
    assert_eq!(plain(b.shortfall), "24999.50");
    assert_eq!(b.per_household.map(plain), Some("6249.88".into()));
    assert!(b.notes.is_empty());
    // Sources above the gap: nothing left to raise, and the surplus is said.
    s.sources.set(Source::VillageFund, d("50000"));
    let b = compute(&rules, &s).unwrap();
    assert_eq!(plain(b.shortfall), "0.00");
    assert_eq!(b.per_household.map(plain), Some("0.00".into()));
    assert_eq!(
        b.notes[0].render(&rules, Lang::Zh),
        "资金来源超出差额，多出 10,000.50 元"
    );
    assert_eq!(
        b.notes[0].render(&rules, Lang::En),
        "the sources exceed the gap: a surplus of 10,000.50 yuan"
    );
}

#[test]
fn due_is_the_subsidy_for_the_completed_share_and_outstanding_what_is_not_yet_paid() {
    let rules = RuleSet::builtin();
    // E7: subsidy 133,200.00 over 0.333 km; 0.1 km done → 133,200 × 0.1 / 0.333 = 40,000.00.
    let mut s = segment("village", "3.5", "0.333", total("200000"));
    s.completed_km = Some(d("0.1"));
    let b = compute(&rules, &s).unwrap();
    assert_eq!(b.due.map(plain), Some("40000.00".into()));
    assert_eq!(
        b.outstanding, None,
        "no disbursed column: nothing outstanding said"
    );
    s.disbursed = Some(d("15000.25"));
    let b = compute(&rules, &s).unwrap();
    assert_eq!(b.outstanding.map(plain), Some("24999.75".into()));
    // More paid out than is due so far: nothing outstanding, never negative.
    s.disbursed = Some(d("50000"));
    let b = compute(&rules, &s).unwrap();
    assert_eq!(b.outstanding.map(plain), Some("0.00".into()));
    // E1 with 0.7 of 2 km done: 1,500,000 × 0.35 = 525,000.00; a rounding case: 1/3 done.
    let mut s = segment("village", "4.5", "2", total("1600000"));
    s.completed_km = Some(d("0.7"));
    assert_eq!(
        compute(&rules, &s).unwrap().due.map(plain),
        Some("525000.00".into())
    );
    let mut s = segment("village", "3.5", "3", total("10000000"));
    s.completed_km = Some(d("1"));
    // subsidy 1,200,000 (transport 450,000 + poverty 750,000) ÷ 3.
    assert_eq!(
        compute(&rules, &s).unwrap().due.map(plain),
        Some("400000.00".into())
    );
    let mut s = segment("group", "3.5", "0.7", total("1000000"));
    s.completed_km = Some(d("0.1"));
    // subsidy 175,000 × 0.1 / 0.7 = 25,000.00.
    assert_eq!(
        compute(&rules, &s).unwrap().due.map(plain),
        Some("25000.00".into())
    );
}

#[test]
fn an_approved_amount_under_the_ceiling_is_what_the_fund_pays() {
    let rules = RuleSet::builtin();
    let poverty = rules.funds.iter().position(|f| f.id == "poverty").unwrap();
    let mut s = segment("village", "4.5", "2", total("1600000"));
    // At the ceiling: the nominal, no note.
    s.approved = vec![(poverty, d("600000"))];
    let (a, notes) = run(&s);
    assert_eq!(a, ["900000.00", "600000.00", "1500000.00", "100000.00"]);
    assert!(notes.is_empty());
    // Below it: the approval, said.
    s.approved = vec![(poverty, d("450000"))];
    let (a, notes) = run(&s);
    assert_eq!(a, ["900000.00", "450000.00", "1350000.00", "250000.00"]);
    assert_eq!(
        notes,
        ["County poverty-alleviation special fund approved at 450,000.00 yuan (ceiling 600,000.00 yuan)"]
    );
    let b = compute(&rules, &s).unwrap();
    assert_eq!(
        plain(b.shares[poverty].nominal),
        "600000.00",
        "the ceiling is kept"
    );
    // An approval still never takes the subsidy past the cost (E5: cost 500,000).
    let mut s = segment("village", "4.5", "1", total("500000"));
    s.approved = vec![(poverty, d("200000"))];
    let (a, _) = run(&s);
    assert_eq!(a, ["450000.00", "50000.00", "500000.00", "0.00"]);
    // A fixed standard (not 以内) takes no approval.
    let transport = rules
        .funds
        .iter()
        .position(|f| f.id == "transport")
        .unwrap();
    let mut s = segment("village", "4.5", "2", total("1600000"));
    s.approved = vec![(transport, d("1"))];
    assert_eq!(run(&s).0[0], "900000.00");
}

#[test]
fn a_budget_cut_lowers_one_fund_and_everything_after_it_follows() {
    let rules = RuleSet::builtin();
    let poverty = rules.funds.iter().position(|f| f.id == "poverty").unwrap();
    // E2 (group, 1.5 km): poverty 150,000; cut to 119,170.98 under 社级道路建设.
    let mut s = segment("group", "3.5", "1.5", total("450000"));
    s.households = Some(10);
    s.completed_km = Some(d("0.75"));
    s.disbursed = Some(d("100000"));
    let mut b = compute(&rules, &s).unwrap();
    let budget = rules
        .budgets
        .iter()
        .position(|b| b.fund() == Some(poverty) && b.envelope == d("6900000"))
        .unwrap();
    let how = BudgetCut {
        fund: poverty,
        budget,
        per_village: false,
        how: OnOverrun::Prorate,
        asked: d("8685000"),
        envelope: d("6900000"),
    };
    cut(&rules, &s, &mut b, how, 11_917_098).unwrap();
    assert_eq!(plain(b.shares[0].paid), "225000.00", "no other fund grows");
    assert_eq!(plain(b.shares[poverty].paid), "119170.98");
    assert_eq!(plain(b.subsidy_total), "344170.98");
    assert_eq!(plain(b.gap), "105829.02");
    assert_eq!(plain(b.shortfall), "105829.02");
    assert_eq!(b.per_household.map(plain), Some("10582.90".into()));
    assert_eq!(b.due.map(plain), Some("172085.49".into()));
    assert_eq!(b.outstanding.map(plain), Some("72085.49".into()));
    assert_eq!(
        b.notes[0].render(&rules, Lang::Zh),
        "县扶贫专项补助由 150,000.00 元核减为 119,170.98 元：社级道路建设额度690万元，各路段共申请868.5万元，按申请额同比例分配"
    );
    assert_eq!(
        b.notes[0].render(&rules, Lang::En),
        "County poverty-alleviation special fund cut from 150,000.00 yuan to 119,170.98 yuan: Group road building holds 6,900,000.00 yuan and its segments asked 8,685,000.00 yuan, shared in proportion to what each asked"
    );
    // A second cut to more than is paid changes nothing.
    let before = b.clone();
    cut(&rules, &s, &mut b, how, 20_000_000).unwrap();
    assert_eq!(b, before);
}
