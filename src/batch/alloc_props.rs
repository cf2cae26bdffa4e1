//! A streaming run allocates exactly what the whole table allocated at once gives
//! ([`allocate`] over [`Held`] rows): the same fen in every row and the same budget lines,
//! whatever the worker count and however small the chunks. Random tables of several villages
//! in two townships, both classes, bad rows, priorities with ties and blanks; random budgets
//! that prorate, pay in order or report, for a class or every class, whole or per village,
//! several over one fund.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::{run_tuned, Destination, Input, Options, TextStyle, Tuning};
use crate::engine::{Breakdown, Note};
use crate::i18n::Lang;
use crate::money;
use crate::report::allocate::{allocate, Allocation, Envelope, Held, HeldRow};
use crate::report::budget::{lines, Scope};
use crate::report::Summary;
use crate::report::TextFormat;
use crate::rules::RuleSet;
use crate::table::row::{evaluate, Evaluated, RowText};
use crate::table::{self, Item};

/// The shipped rules with the budgets replaced by `budgets` (TOML `[[budgets]]` entries).
fn rules_with(budgets: &str) -> RuleSet {
    RuleSet::shipped_with_budgets(budgets)
}

#[derive(Debug, Clone)]
struct Row {
    village: u8,
    group: bool,
    metres: u32,
    wide: bool,
    cheap: bool,
    priority: Option<i8>,
    bad: bool,
}

#[derive(Debug, Clone)]
struct Budget {
    poverty: bool,
    class: Option<bool>,
    per_village: bool,
    how: u8,
    fen: u64,
}

fn row() -> impl Strategy<Value = Row> {
    (
        0u8..5,
        any::<bool>(),
        1u32..4000,
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.7, 0i8..4),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(village, group, metres, wide, cheap, priority, bad)| Row {
            village,
            group,
            metres,
            wide,
            cheap,
            priority,
            bad,
        })
}

fn budget() -> impl Strategy<Value = Budget> {
    (
        any::<bool>(),
        prop::option::of(any::<bool>()),
        any::<bool>(),
        0u8..3,
        0u64..400_000_000,
    )
        .prop_map(|(poverty, class, per_village, how, fen)| Budget {
            poverty,
            class,
            per_village,
            how,
            fen,
        })
}

fn toml(budgets: &[Budget]) -> String {
    let mut out = String::new();
    for (i, b) in budgets.iter().enumerate() {
        out.push_str(&format!(
            "[[budgets]]\nname = \"B{i}\"\nfund = \"{}\"\namount = \"{}.{:02}\"\non_overrun = \"{}\"\nper_village = {}\n",
            if b.poverty { "poverty" } else { "transport" },
            b.fen / 100,
            b.fen % 100,
            ["prorate", "in_order", "report"][usize::from(b.how)],
            b.per_village
        ));
        if let Some(group) = b.class {
            out.push_str(&format!(
                "class = \"{}\"\n",
                if group { "group" } else { "village" }
            ));
        }
        out.push('\n');
    }
    out
}

fn csv(rows: &[Row]) -> String {
    let mut out = String::from("id,township,village,class,width_m,length_km,cost_per_km,优先级\n");
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&format!(
            "R{i},T{},V{},{},{},{}.{:03},{},{}\n",
            r.village % 2,
            r.village,
            if r.group { "group" } else { "village" },
            if r.bad {
                "wide"
            } else if r.wide {
                "4.5"
            } else {
                "3.5"
            },
            r.metres / 1000,
            r.metres % 1000,
            if r.cheap { "150000" } else { "2000000" },
            r.priority.map_or(String::new(), |p| p.to_string()),
        ));
    }
    out
}

/// The table held whole and allocated at once, with the ids of its good rows.
fn reference<'r>(rules: &'r RuleSet, text: &str) -> (Held<'r>, Allocation) {
    let (columns, mut rows) = table::open_in(text.as_bytes(), None).unwrap();
    let mut held = Vec::new();
    let (mut errors, mut breakdown) = (Vec::new(), Breakdown::default());
    while let Some(item) = rows.next_item().unwrap() {
        let Item::Record(record) = item else {
            panic!("no record is skipped")
        };
        match evaluate(&record, &columns, rules, false, &mut errors, &mut breakdown) {
            Evaluated::Good { segment, text } => held.push(HeldRow {
                township: text.township.to_string(),
                village: text.village.to_string(),
                computed: Some((segment, breakdown.clone())),
            }),
            Evaluated::Bad => held.push(HeldRow {
                township: String::new(),
                village: String::new(),
                computed: None,
            }),
            Evaluated::Totals => {}
        }
    }
    let mut held = Held { rules, rows: held };
    let allocation = allocate(rules, &mut held).unwrap();
    (held, allocation)
}

fn check(
    rows: &[Row],
    budgets: &[Budget],
    workers: usize,
    tuning: Tuning,
) -> Result<(), TestCaseError> {
    // One budget per fund, class and scope (the rules refuse two).
    let mut budgets = budgets.to_vec();
    let mut seen = std::collections::BTreeSet::new();
    budgets.retain(|b| seen.insert((b.poverty, b.class, b.per_village)));
    let rules = rules_with(&toml(&budgets));
    let dir = tempfile::tempdir().unwrap();
    let text = csv(rows);
    let input = dir.path().join("plan.csv");
    let output = dir.path().join("out.csv");
    std::fs::write(&input, &text).unwrap();
    let opts = Options {
        rules: &rules,
        inputs: vec![Input {
            label: "plan.csv".into(),
            path: Some(input),
            encoding: None,
        }],
        destination: Destination::File(output.clone()),
        keep_going: true,
        by: None,
        lang: Lang::En,
        progress: false,
        workers,
        style: TextStyle {
            format: TextFormat::Csv,
            excel: false,
            gbk: false,
        },
        sheet: None,
    };
    let report = run_tuned(&opts, tuning, &mut Vec::new()).unwrap();
    let (held, allocation) = reference(&rules, &text);
    let good: Vec<(usize, &(crate::engine::Segment, Breakdown))> = held
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r.computed.as_ref()?)))
        .collect();
    prop_assert_eq!(report.good as usize, good.len());
    if good.is_empty() {
        return Ok(());
    }
    prop_assert!(report.written);
    let written = std::fs::read(&output).unwrap();
    let (columns, mut out) = table::open_in(&written[..], None).unwrap();
    let at = |name: &str| columns.names.iter().position(|n| n == name).unwrap();
    let (id, notes) = (at("id"), at("notes"));
    let amounts = [
        at("transport"),
        at("poverty"),
        at("subsidy_total"),
        at("shortfall"),
    ];
    let mut expected = good.iter();
    while let Some(Item::Record(record)) = out.next_item().unwrap() {
        let (i, (_, b)) = expected.next().expect("no more rows than the reference");
        prop_assert_eq!(record.get(id).unwrap(), format!("R{i}"));
        let want = [
            b.shares[0].paid,
            b.shares[1].paid,
            b.subsidy_total,
            b.shortfall,
        ];
        for (col, want) in amounts.iter().zip(want) {
            let got: Decimal = record.get(*col).unwrap().parse().unwrap();
            prop_assert_eq!(
                got,
                want,
                "row R{} column {} of\n{}",
                i,
                &columns.names[*col],
                String::from_utf8_lossy(&written)
            );
        }
        for n in &b.notes {
            if let Note::CutByBudget { .. } = n {
                let note = n.render(&rules, Lang::En);
                prop_assert!(record.get(notes).unwrap().contains(&note), "R{i}: {note}");
            }
        }
    }
    prop_assert!(expected.next().is_none(), "every row written");
    // The budget lines of the run are those of the reference's rows, and what each envelope
    // was asked is what the reference added up.
    let mut summary = Summary::new(&rules, &[]);
    for r in &held.rows {
        if let Some((segment, b)) = &r.computed {
            let text = RowText {
                id: "",
                township: &r.township,
                village: &r.village,
            };
            summary.add(&rules, segment, &text, b).unwrap();
        }
    }
    prop_assert_eq!(
        lines(&rules, &report.summary, Lang::En),
        lines(&rules, &summary, Lang::En)
    );
    for line in lines(&rules, &report.summary, Lang::En) {
        let key = match line.scope {
            Scope::Whole => Envelope::Whole,
            Scope::Village { township, village } => Envelope::Village {
                township: township.to_string(),
                village: village.to_string(),
            },
        };
        match allocation.budgets[line.budget].get(&key) {
            Some(used) => {
                prop_assert_eq!(line.asked, money::from_fen(used.asked).unwrap());
            }
            None => prop_assert_eq!((line.asked, line.used), (Decimal::ZERO, Decimal::ZERO)),
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_streaming_run_pays_every_row_what_the_whole_table_allocated_at_once_pays(
        rows in prop::collection::vec(row(), 1..40),
        budgets in prop::collection::vec(budget(), 1..4),
        workers in 1usize..=4,
        chunk_records in 1usize..6,
        chunk_bytes in prop::sample::select(vec![1usize, 40, 100, 1 << 17]),
    ) {
        check(&rows, &budgets, workers, Tuning {
                chunk_records,
                chunk_bytes,
                fused: true,
            })?;
    }
}

#[test]
fn two_budgets_over_one_fund_stream_as_they_allocate_whole() {
    // A county envelope for group roads, prorated, then each village's own, in order: two
    // counting passes. Chunks of one record, two workers.
    let rows: Vec<Row> = (0..12)
        .map(|i| Row {
            village: (i % 3) as u8,
            group: i % 4 != 0,
            metres: 700 + 137 * i,
            wide: i % 2 == 0,
            cheap: false,
            priority: [Some(2), None, Some(1)][i as usize % 3],
            bad: i == 5,
        })
        .collect();
    let budgets = [
        Budget {
            poverty: true,
            class: Some(true),
            per_village: false,
            how: 0,
            fen: 30_000_000,
        },
        Budget {
            poverty: true,
            class: None,
            per_village: true,
            how: 1,
            fen: 15_000_000,
        },
    ];
    let tuning = Tuning {
        chunk_records: 1,
        chunk_bytes: 1,
        fused: true,
    };
    check(&rows, &budgets, 2, tuning).unwrap();
}
