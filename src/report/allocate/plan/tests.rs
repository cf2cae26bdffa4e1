//! A table's budgets allocated whole: the SPEC §8 sums to the fen, the notes, the shortfall's
//! rise, `in_order` with ties and missing priorities, two envelopes over one segment, and
//! envelopes per village.

use rust_decimal::Decimal;

use super::*;
use crate::engine::{compute, Cost, Note, Segment, Sources};
use crate::i18n::Lang;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The shipped rules with the budgets replaced by `budgets` (TOML `[[budgets]]` entries).
fn rules_with(budgets: &str) -> RuleSet {
    RuleSet::shipped_with_budgets(budgets)
}

/// A row: class, village, length (km), width, priority; cost high enough that no fund is cut
/// by it.
fn row(rules: &RuleSet, class: &str, village: &str, km: &str, priority: Option<i64>) -> HeldRow {
    let segment = Segment {
        class: rules.class_by_name(class).unwrap(),
        width_m: d("3.5"),
        length_km: d(km),
        cost: Cost::PerKm(d("600000")),
        sources: Sources::default(),
        approved: Vec::new(),
        disbursed: None,
        priority,
        households: None,
        completed_km: None,
        date: None,
    };
    let breakdown = compute(rules, &segment).unwrap();
    HeldRow {
        township: "镇".into(),
        village: village.into(),
        computed: Some((segment, breakdown)),
    }
}

fn poverty(rules: &RuleSet) -> FundId {
    rules.funds.iter().position(|f| f.id == "poverty").unwrap()
}

fn paid(held: &Held, i: usize) -> String {
    let (_, b) = held.rows[i].computed.as_ref().unwrap();
    b.shares[poverty(held.rules)].paid.to_string()
}

const GROUP_PRORATE: &str = r#"
[[budgets]]
fund = "poverty"
class = "group"
name = "社级道路建设"
name_en = "Group road building"
amount = "690万"
on_overrun = "prorate"
"#;

#[test]
fn the_release_s_group_roads_prorated_get_exactly_the_envelope_and_each_row_its_share() {
    let rules = rules_with(GROUP_PRORATE);
    // 86.85 km of group roads in seven odd lengths, one village road (not under the budget)
    // and a bad row (never under any).
    let kms = ["12.3", "0.75", "20", "9.999", "13.801", "15", "15"];
    assert_eq!(kms.iter().map(|k| d(k)).sum::<Decimal>(), d("86.85"));
    let mut rows: Vec<HeldRow> = kms
        .iter()
        .map(|km| row(&rules, "group", "村", km, None))
        .collect();
    rows.insert(3, row(&rules, "village", "村", "2", None));
    rows.push(HeldRow {
        township: "镇".into(),
        village: "村".into(),
        computed: None,
    });
    let mut held = Held {
        rules: &rules,
        rows,
    };
    let before: Vec<(Decimal, Decimal)> = held
        .rows
        .iter()
        .filter_map(|r| r.computed.as_ref())
        .map(|(_, b)| (b.shares[1].paid, b.shortfall))
        .collect();
    let allocation = allocate(&rules, &mut held).unwrap();
    let used = &allocation.budgets[0][&Envelope::Whole];
    assert_eq!(used.asked, 868_500_000, "86.85 km × 10万 asked, in fen");
    assert_eq!(used.envelope, 690_000_000);
    assert_eq!(used.paid, 690_000_000);
    assert_eq!(used.cut_rows, [0, 1, 2, 4, 5, 6, 7]);
    let group_total: Decimal = used
        .cut_rows
        .iter()
        .map(|&i| paid(&held, i).parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(group_total.to_string(), "6900000.00");
    // Each row within a fen of its exact share p·E/D, and never more than it asked.
    for (&i, (asked, shortfall)) in used.cut_rows.iter().zip(
        before
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != 3)
            .map(|(_, x)| x),
    ) {
        let got: Decimal = paid(&held, i).parse().unwrap();
        let exact = *asked * d("6900000") / d("8685000");
        assert!((got - exact).abs() < d("0.01"), "row {i}: {got} vs {exact}");
        assert!(got <= *asked);
        let (_, b) = held.rows[i].computed.as_ref().unwrap();
        assert_eq!(
            b.shortfall,
            *shortfall + (*asked - got),
            "row {i}: the cut is raised"
        );
        assert_eq!(b.subsidy_total, b.shares[0].paid + got);
    }
    // 12.3 km asked 1,230,000.00: ⌊6.9e8 · 1.23e8 / 8.685e8⌋ fen = 977,202.07.
    assert_eq!(paid(&held, 0), "977202.07");
    let (_, b) = held.rows[0].computed.as_ref().unwrap();
    assert_eq!(
        b.notes.last().unwrap().render(&rules, Lang::Zh),
        "县扶贫专项补助由 1,230,000.00 元核减为 977,202.07 元：社级道路建设额度690万元，各路段共申请868.5万元，按申请额同比例分配"
    );
    let Some(Note::CutByBudget { raised, .. }) = b.notes.last() else {
        panic!("{:?}", b.notes)
    };
    assert_eq!(raised.to_string(), "252797.93");
    // The village road keeps its amount.
    assert_eq!(paid(&held, 3), "500000.00");
}

#[test]
fn in_order_pays_by_priority_then_input_order_and_rows_without_one_last() {
    let rules = rules_with(
        r#"
[[budgets]]
fund = "poverty"
class = "group"
amount = "25万"
on_overrun = "in_order"
"#,
    );
    // Each asks 10万 (1 km): priorities 2, none, 1, 2, none. Paid: the 1, then the first 2,
    // then half of the second 2; the rows without one get nothing.
    let prios = [Some(2), None, Some(1), Some(2), None];
    let rows = prios
        .iter()
        .map(|&p| row(&rules, "group", "村", "1", p))
        .collect();
    let mut held = Held {
        rules: &rules,
        rows,
    };
    let allocation = allocate(&rules, &mut held).unwrap();
    let paid: Vec<String> = (0..5).map(|i| paid(&held, i)).collect();
    assert_eq!(paid, ["100000.00", "0.00", "100000.00", "50000.00", "0.00"]);
    let used = &allocation.budgets[0][&Envelope::Whole];
    assert_eq!((used.asked, used.paid), (50_000_000, 25_000_000));
    assert_eq!(used.cut_rows, [1, 3, 4]);
    let (_, b) = held.rows[3].computed.as_ref().unwrap();
    assert_eq!(
        b.notes.last().unwrap().render(&rules, Lang::En),
        "County poverty-alleviation special fund cut from 100,000.00 yuan to 50,000.00 yuan: County poverty-alleviation special fund × group-access road holds 250,000.00 yuan and its segments asked 500,000.00 yuan, paid whole by priority until spent"
    );
}

#[test]
fn two_envelopes_over_one_segment_apply_in_file_order() {
    // A county envelope for group roads, prorated, then each village's own, in order.
    let rules = rules_with(
        r#"
[[budgets]]
fund = "poverty"
class = "group"
amount = "30万"
on_overrun = "prorate"

[[budgets]]
fund = "poverty"
per_village = true
amount = "10万"
on_overrun = "in_order"
"#,
    );
    assert_eq!(levels(&rules), [vec![0], vec![1]]);
    // Village A: two group roads of 1 km (10万 each); village B: one of 2 km (20万) and a
    // village road of 1 km (25万).
    let rows = vec![
        row(&rules, "group", "A", "1", None),
        row(&rules, "group", "A", "1", None),
        row(&rules, "group", "B", "2", None),
        row(&rules, "village", "B", "1", None),
    ];
    let mut held = Held {
        rules: &rules,
        rows,
    };
    let allocation = allocate(&rules, &mut held).unwrap();
    // County: 40万 asked of 30万 → 7.5万, 7.5万, 15万. Then A: 15万 of 10万 in order →
    // 7.5万, 2.5万; B: 15万 + 25万 of 10万 in order → 10万, 0.
    let paid: Vec<String> = (0..4).map(|i| paid(&held, i)).collect();
    assert_eq!(paid, ["75000.00", "25000.00", "100000.00", "0.00"]);
    let county = &allocation.budgets[0][&Envelope::Whole];
    assert_eq!((county.asked, county.paid), (40_000_000, 30_000_000));
    let village = |v: &str| Envelope::Village {
        township: "镇".into(),
        village: v.into(),
    };
    let a = &allocation.budgets[1][&village("A")];
    assert_eq!(
        (a.asked, a.paid, a.cut_rows.clone()),
        (15_000_000, 10_000_000, vec![1])
    );
    let b = &allocation.budgets[1][&village("B")];
    assert_eq!(
        (b.asked, b.paid, b.cut_rows.clone()),
        (40_000_000, 10_000_000, vec![2, 3])
    );
    // Row 2 was cut twice: both notes, in order.
    let (_, b2) = held.rows[2].computed.as_ref().unwrap();
    let cuts: Vec<(String, String)> = b2
        .notes
        .iter()
        .filter_map(|n| match n {
            Note::CutByBudget { from, to, .. } => Some((from.to_string(), to.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        cuts,
        [
            ("200000.00".to_string(), "150000.00".to_string()),
            ("150000.00".to_string(), "100000.00".to_string())
        ]
    );
}

#[test]
fn an_envelope_asked_no_more_than_it_holds_changes_nothing() {
    let rules = rules_with(GROUP_PRORATE);
    let rows = vec![row(&rules, "group", "A", "1", None)];
    let mut held = Held {
        rules: &rules,
        rows,
    };
    let before = held.rows[0].computed.clone();
    let allocation = allocate(&rules, &mut held).unwrap();
    assert_eq!(held.rows[0].computed, before);
    let used = &allocation.budgets[0][&Envelope::Whole];
    assert_eq!(
        (used.asked, used.paid, used.is_short()),
        (10_000_000, 10_000_000, false)
    );
}

#[test]
fn budgets_that_only_report_or_cannot_overlap_are_decided_together() {
    let shipped = RuleSet::builtin();
    assert_eq!(
        levels(&shipped),
        [(0..shipped.budgets.len()).collect::<Vec<_>>()]
    );
    let rules = rules_with(
        r#"
[[budgets]]
fund = "poverty"
class = "village"
amount = "496.5万"
on_overrun = "prorate"

[[budgets]]
fund = "poverty"
class = "group"
amount = "690万"
on_overrun = "prorate"

[[budgets]]
fund = "transport"
amount = "1亿"
on_overrun = "prorate"

[[budgets]]
fund = "poverty"
per_village = true
amount = "200万"
"#,
    );
    // The per-village budget reports, but what it measures is after both cuts.
    assert_eq!(levels(&rules), [vec![0, 1, 2], vec![3]]);
}
