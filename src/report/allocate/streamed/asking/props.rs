//! What a counting pass reads of a record is what the full evaluation makes of it: the same
//! verdict (good, or asking nothing), the same segment and the amounts it reads (the cost,
//! the shares and the subsidy), and so the same figures added up per envelope. Random tables
//! mix good rows with every kind that is not: blanks, words for numbers, unknown classes,
//! repeated ids, totals and note rows, amounts approved above the ceiling, more paid out than
//! the subsidy, a completed length beyond the length.

use proptest::prelude::*;

use super::super::{ChunkCuts, Plan};
use super::Asking;
use crate::engine::{Breakdown, Segment};
use crate::rules::RuleSet;
use crate::table::row::{evaluate, Evaluated, RowText};
use crate::table::Field;
use crate::table::{self, Item};

const HEADER: &str =
    "id,township,village,class,width_m,length_km,cost,cost_per_km,other_funds,households,completed_km,disbursed,扶贫批复,优先级\n";

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(pool)
}

/// The values each column draws from: good ones, and the kinds of bad one.
const POOLS: [(&[&str], &[&str]); 14] = [
    (
        &["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"],
        &["", "合计"],
    ),
    (&["镇A", "镇B"], &["", "合计"]),
    (&["村1", "村2", "村3"], &[""]),
    (
        &["village", "group", "通社", " 通村 "],
        &["", "lane", "合计"],
    ),
    (&["3.5", "4.5", "4.0", "3.0", "6"], &["", "wide"]),
    (&["1", "2.5", "0.333", "12.75"], &["0", "", "abc"]),
    (&["160万", "450000", "", "7万"], &["-1", "x"]),
    (&["", "40万", "200000"], &["x"]),
    (&["", "3万", "0"], &["oops"]),
    (&["", "3", "1"], &["0", "1.5"]),
    (&["", "0.5", "1"], &["30"]),
    (&["", "0", "100000"], &["9000000"]),
    (&["", "5万", "0"], &["1000万", "no"]),
    (&["", "1", "2", "-3"], &["x"]),
];

/// One line of the table: a segment's cells (each bad one time in twelve), a note row or a
/// totals row.
fn line() -> impl Strategy<Value = String> {
    let cell = (
        prop::bool::weighted(1.0 / 12.0),
        any::<prop::sample::Index>(),
    );
    let cells = prop::collection::vec(cell, POOLS.len()).prop_map(|at| {
        let cells: Vec<&str> = POOLS
            .iter()
            .zip(&at)
            .map(|((good, bad), (is_bad, i))| *i.get(if *is_bad { bad } else { good }))
            .collect();
        cells.join(",")
    });
    let note = pick(&["备注：单位万元", "说明：无", "合计", "单位：万元"]);
    prop_oneof![
        8 => cells,
        1 => note.prop_map(|n| format!("{n},,,,,,,,,,,,,")),
        1 => (pick(&["合计", "Total"]), pick(&["", "12.5"]), pick(&["", "900000"]))
            .prop_map(|(w, km, cost)| format!("{w},,,,,{km},{cost},,,,,,,")),
    ]
}

/// Budgets over the poverty fund: over both classes, or one, whole or per village, that
/// prorate or pay in order.
fn budgets() -> impl Strategy<Value = String> {
    (prop::option::of(any::<bool>()), any::<bool>(), any::<bool>()).prop_map(
        |(class, per_village, in_order)| {
            let class = class.map_or(String::new(), |g| {
                format!("class = \"{}\"\n", if g { "group" } else { "village" })
            });
            format!(
                "[[budgets]]\nname = \"B\"\nfund = \"poverty\"\namount = \"30万\"\n{class}per_village = {per_village}\non_overrun = \"{}\"\n",
                if in_order { "in_order" } else { "prorate" }
            )
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_counting_pass_reads_every_row_as_the_full_evaluation_does(
        lines in prop::collection::vec(line(), 1..40),
        budgets in budgets(),
    ) {
        let rules = RuleSet::shipped_with_budgets(&budgets);
        let plan = Plan::new(&rules).unwrap();
        let asking: &Asking = plan.asking();
        let text = format!("{HEADER}{}\n", lines.join("\n"));
        let (columns, mut rows) = table::open_in(text.as_bytes(), None).unwrap();
        let (mut errors, mut full, mut counted) =
            (Vec::new(), Breakdown::default(), Breakdown::default());
        // The good rows as each reads them: segment, the amounts a counting pass reads (the
        // cost, the shares and the subsidy), id, township, village.
        type Kept = (Segment, Breakdown, [String; 3]);
        let (mut by_full, mut by_asking): (Vec<Kept>, Vec<Kept>) = (Vec::new(), Vec::new());
        let keep = |s: Segment, b: &Breakdown, t: RowText| {
            let read = Breakdown {
                cost: b.cost,
                shares: b.shares.clone(),
                subsidy_total: b.subsidy_total,
                ..Breakdown::default()
            };
            (s, read, [t.id, t.township, t.village].map(String::from))
        };
        let mut ids = std::collections::HashSet::new();
        while let Some(item) = rows.next_item().unwrap() {
            let Item::Record(record) = item else { continue };
            let id = columns.index(Field::Id).and_then(|i| record.get(i)).map(str::trim);
            let duplicate = id.is_some_and(|v| !v.is_empty() && !ids.insert(v.to_string()));
            let evaluated = evaluate(&record, &columns, &rules, duplicate, &mut errors, &mut full);
            let read = asking.good(&record, &columns, &rules, duplicate, &mut errors, &mut counted);
            match (evaluated, read) {
                (Evaluated::Good { segment, text }, Some((s, t))) => {
                    by_full.push(keep(segment, &full, text));
                    by_asking.push(keep(s, &counted, t));
                }
                // A good row of a class no budget is over asks nothing.
                (Evaluated::Good { segment, .. }, None) => {
                    let over = |d: &super::super::Decision| d.class.is_none_or(|c| c == segment.class);
                    prop_assert!(!plan.decisions.iter().any(over));
                }
                (evaluated, Some(_)) => {
                    prop_assert!(false, "{:?} read as good at line {}", evaluated, record.line)
                }
                (_, None) => {}
            }
        }
        prop_assert_eq!(&by_full, &by_asking);
        // The same chunk added up from each: the same figures per envelope.
        let tally = |kept: &[Kept]| {
            let mut cuts = ChunkCuts::new(&plan, &rules, 0, 0, "plan.csv", 2);
            for (segment, breakdown, [id, township, village]) in kept {
                let text = RowText { id, township, village };
                cuts.row(segment, &text, &mut breakdown.clone());
            }
            cuts.finish().unwrap()
        };
        let (full, read) = (tally(&by_full), tally(&by_asking));
        prop_assert_eq!(&full.envs, &read.envs);
        prop_assert_eq!(&full.asks, &read.asks);
    }
}
