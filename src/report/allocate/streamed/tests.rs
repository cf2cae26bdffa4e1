//! An input that changes between the passes of a run is caught, chunk by chunk, and said.

use rust_decimal::Decimal;

use super::*;
use crate::engine::{compute, Breakdown, Cost, Segment};
use crate::table::row::RowText;

fn rules() -> RuleSet {
    let shipped = include_str!("../../../../rules.toml");
    let prorate = shipped.replace(
        "amount = \"690万\"",
        "amount = \"690万\"\non_overrun = \"prorate\"",
    );
    assert_ne!(prorate, shipped);
    RuleSet::from_toml(&prorate, "rules.toml").unwrap()
}

/// A group road of `km` in 村 (10万/km of the poverty fund at 3.5 m).
fn group_road(rules: &RuleSet, km: &str) -> (Segment, Breakdown) {
    let segment = Segment::new(
        rules.class_by_name("group").unwrap(),
        "3.5".parse().unwrap(),
        km.parse().unwrap(),
        Cost::PerKm(Decimal::from(2_000_000)),
    );
    let breakdown = compute(rules, &segment).unwrap();
    (segment, breakdown)
}

const TEXT: RowText = RowText {
    id: "",
    township: "镇",
    village: "村",
};

/// A plan that counted one chunk (line 2 on) of group roads of `kms`: 86.85 km in all asks
/// 868.5万 of the 690万 envelope.
fn counted(rules: &RuleSet, kms: &[&str]) -> Plan {
    let mut plan = Plan::new(rules).unwrap();
    assert_eq!(plan.counting_passes(), 1);
    let mut cuts = ChunkCuts::new(&plan, rules, 0, 0, "plan.csv", 2);
    for km in kms {
        let (segment, mut b) = group_road(rules, km);
        cuts.row(&segment, &TEXT, &mut b);
    }
    let tally = cuts.finish().unwrap();
    plan.add(0, 0, tally).unwrap();
    plan.decide(0).unwrap();
    plan
}

#[test]
fn a_chunk_that_starts_on_another_line_when_read_again_stops_the_run() {
    let rules = rules();
    let plan = counted(&rules, &["80", "6.85"]);
    let cuts = ChunkCuts::new(&plan, &rules, 1, 0, "plan.csv", 3);
    let changed = cuts.finish().err().unwrap();
    assert_eq!(
        changed.render(Lang::En),
        "plan.csv: the input changed while it was read again to share out a budget (a block of rows began at line 3, not at line 2 as before); nothing written"
    );
    assert_eq!(
        changed.render(Lang::Zh),
        "plan.csv: 为分配预算额度再次读取时输入已变动（一段行起于第 3 行，之前起于第 2 行）；未写出任何结果"
    );
}

#[test]
fn rows_that_ask_more_or_less_when_read_again_stop_the_run() {
    let rules = rules();
    let plan = counted(&rules, &["80", "6.85"]);
    // Read again alike: cut to the envelope exactly.
    let mut cuts = ChunkCuts::new(&plan, &rules, 1, 0, "plan.csv", 2);
    let mut paid = Decimal::ZERO;
    for km in ["80", "6.85"] {
        let (segment, mut b) = group_road(&rules, km);
        cuts.row(&segment, &TEXT, &mut b);
        paid += b.shares[1].paid;
    }
    assert!(cuts.finish().is_ok());
    assert_eq!(paid.to_string(), "6900000.00");
    // One row longer: more asked than counted.
    let mut cuts = ChunkCuts::new(&plan, &rules, 1, 0, "plan.csv", 2);
    for km in ["80", "7"] {
        let (segment, mut b) = group_road(&rules, km);
        cuts.row(&segment, &TEXT, &mut b);
    }
    let changed = cuts.finish().err().unwrap();
    assert_eq!(
        changed,
        Changed::Alloc {
            label: Some("plan.csv".into()),
            error: AllocError::MoreThanTotal
        }
    );
    assert_eq!(
        changed.render(Lang::En),
        "plan.csv: the rows asked more of a budget than when they were first added up (did the input change while it was read?); nothing was allocated; nothing written"
    );
    // A row gone: less.
    let mut cuts = ChunkCuts::new(&plan, &rules, 1, 0, "plan.csv", 2);
    let (segment, mut b) = group_road(&rules, "80");
    cuts.row(&segment, &TEXT, &mut b);
    let changed = cuts.finish().err().unwrap();
    assert_eq!(
        changed.render(Lang::Zh),
        "plan.csv: 各行向预算额度申请的金额少于首次汇总时的合计（读取期间输入是否有变动？）；分配不完整；未写出任何结果"
    );
    // The same sum in other rows: caught by the rows' fingerprint.
    let mut cuts = ChunkCuts::new(&plan, &rules, 1, 0, "plan.csv", 2);
    for km in ["6.85", "80"] {
        let (segment, mut b) = group_road(&rules, km);
        cuts.row(&segment, &TEXT, &mut b);
    }
    assert!(cuts.finish().is_err());
    // A chunk the first pass never saw.
    let cuts = ChunkCuts::new(&plan, &rules, 1, 1, "plan.csv", 4);
    assert_eq!(
        cuts.finish().err(),
        Some(Changed::Alloc {
            label: Some("plan.csv".into()),
            error: AllocError::MoreThanTotal
        })
    );
}

#[test]
fn no_budget_that_allocates_means_no_plan_and_one_pass() {
    let shipped = include_str!("../../../../rules.toml");
    let rules = RuleSet::from_toml(shipped, "rules.toml").unwrap();
    assert!(Plan::new(&rules).is_none());
}

/// A chunk's bookkeeping for a per-village budget is one small record per village it met,
/// whatever the rows and the villages of the run: a million rows over thousands of villages
/// once kept a map and two names per village per chunk.
#[test]
fn per_village_bookkeeping_grows_with_the_villages_a_chunk_meets_not_rows_times_villages() {
    let shipped = include_str!("../../../../rules.toml");
    let per_village = shipped.replace(
        "amount = \"690万\"",
        "amount = \"10万\"\nper_village = true\non_overrun = \"prorate\"",
    );
    let rules = RuleSet::from_toml(&per_village, "rules.toml").unwrap();
    assert_eq!(std::mem::size_of::<InChunk>(), 48);
    let mut plan = Plan::new(&rules).unwrap();
    let names: Vec<String> = (0..1000).map(|v| format!("村{v}")).collect();
    // Chunk 0 meets all 1000 villages; chunk 1, 300 rows of two of them.
    let chunk = |plan: &Plan, seq: u64, pass: usize, villages: &[&str]| {
        let mut cuts = ChunkCuts::new(plan, &rules, pass, seq, "plan.csv", 2 + seq * 1000);
        let mut paid = Decimal::ZERO;
        for village in villages {
            let text = RowText {
                id: "",
                township: "镇",
                village,
            };
            let (segment, mut b) = group_road(&rules, "1");
            cuts.row(&segment, &text, &mut b);
            paid += b.shares[1].paid;
        }
        (cuts.finish().unwrap(), paid)
    };
    let all: Vec<&str> = names.iter().map(String::as_str).collect();
    let two: Vec<&str> = (0..300).map(|i| all[i % 2 * 7]).collect();
    let (first, _) = chunk(&plan, 0, 0, &all);
    let (second, _) = chunk(&plan, 1, 0, &two);
    assert_eq!((first.envs.len(), second.envs.len()), (1000, 2));
    assert_eq!(plan.villages.read().unwrap().len(), 1000);
    plan.add(0, 0, first).unwrap();
    plan.add(0, 1, second).unwrap();
    plan.decide(0).unwrap();
    // 村0 and 村7 asked 151 × 10万 each of their 10万: chunk 1 pays each the rest of it.
    let (_, paid) = chunk(&plan, 1, 1, &two);
    assert_eq!(paid.to_string(), "198675.50");
    assert_eq!(plan.chunks[&1].envs.len(), 2);
}
