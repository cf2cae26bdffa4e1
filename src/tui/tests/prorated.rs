//! The one prorated envelope kept between edits ([`prorated::Kept`]): whatever the table,
//! the envelope and the edits, every row, the totals, the budget lines and the envelope's
//! sums are what opening the edited table afresh gives — the whole allocation, which a batch
//! run's is tested against.

use proptest::prelude::*;

use super::budgets::rules_with;
use super::*;
use crate::tui::brief::Column;
use crate::tui::doc::{self, Op};

/// One edit: of a row's field, a delete, or an insert.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, usize, &'static str),
    Delete(usize),
    Insert(usize),
}

const HEADER: &str = "id,township,village,class,width_m,length_km,cost,village_fund\n";
const VILLAGES: [&str; 3] = ["A", "B", "C"];
const CLASSES: [&str; 2] = ["group", "village"];
const LENGTHS: [&str; 6] = ["0.3", "1", "1.5", "2.25", "7", "x"];
const COSTS: [&str; 4] = ["600000", "120万", "90000", "3000000"];

fn row() -> impl Strategy<Value = (usize, usize, usize, usize)> {
    (0..3usize, 0..2usize, 0..5usize, 0..3usize)
}

fn table(rows: &[(usize, usize, usize, usize)]) -> String {
    let mut csv = HEADER.to_string();
    for (i, &(v, c, l, cost)) in rows.iter().enumerate() {
        csv.push_str(&format!(
            "R{i},T,{},{},3.5,{},{},{}\n",
            VILLAGES[v],
            CLASSES[c],
            LENGTHS[l],
            COSTS[cost],
            i % 3 * 1000
        ));
    }
    csv
}

fn edit(rows: usize) -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (0..rows, prop::sample::select(LENGTHS.to_vec())).prop_map(|(r, v)| Edit::Set(r, 5, v)),
        1 => (0..rows, prop::sample::select(CLASSES.to_vec())).prop_map(|(r, v)| Edit::Set(r, 3, v)),
        1 => (0..rows, prop::sample::select(VILLAGES.to_vec())).prop_map(|(r, v)| Edit::Set(r, 2, v)),
        1 => (0..rows, prop::sample::select(COSTS.to_vec())).prop_map(|(r, v)| Edit::Set(r, 6, v)),
        1 => (0..rows).prop_map(Edit::Delete),
        1 => (0..rows).prop_map(Edit::Insert),
    ]
}

/// Other budgets beside the one that prorates.
#[derive(Debug, Clone, Copy)]
enum Beside {
    Nothing,
    /// The village fund per village, reported: the totals then group rows by village.
    VillageFund,
    /// The poverty fund per village, reported after the prorating one.
    PovertyPerVillage,
    /// Group roads' poverty money reported, before the prorating one (which then pays it).
    PovertyBefore,
}

fn beside() -> impl Strategy<Value = Beside> {
    prop::sample::select(vec![
        Beside::Nothing,
        Beside::VillageFund,
        Beside::PovertyPerVillage,
        Beside::PovertyBefore,
    ])
}

fn budgets(amount: &str, class: Option<&str>, beside: Beside) -> String {
    // Two budgets of one fund and class are refused: the other one is for the other class
    // when the prorating one is for group roads.
    let other = if class == Some("group") {
        "village"
    } else {
        "group"
    };
    let mut text = String::new();
    if let Beside::PovertyBefore = beside {
        text.push_str(&format!(
            "[[budgets]]\nfund = \"poverty\"\nclass = \"{other}\"\nname = \"社道\"\namount = \"5万\"\n\n"
        ));
    }
    text += &format!(
        "[[budgets]]\nfund = \"poverty\"\nname = \"社级道路建设\"\namount = \"{amount}\"\non_overrun = \"prorate\"\n"
    );
    if let Some(class) = class {
        text.push_str(&format!("class = \"{class}\"\n"));
    }
    match beside {
        Beside::VillageFund => text.push_str(
            "\n[[budgets]]\nsource = \"village_fund\"\nper_village = true\nname = \"村项目资金\"\namount = \"2000\"\n",
        ),
        Beside::PovertyPerVillage => text.push_str(&format!(
            "\n[[budgets]]\nfund = \"poverty\"\nclass = \"{other}\"\nper_village = true\nname = \"每村\"\namount = \"8万\"\n"
        )),
        Beside::Nothing | Beside::PovertyBefore => {}
    }
    text
}

/// Everything the table shows of the budget, against a fresh open of the same rows.
fn same_as_fresh(app: &App, step: &str) -> Result<(), TestCaseError> {
    let fresh = Doc::new(app.doc.sheet.clone(), None, &app.rules);
    let live = &app.doc;
    for at in 0..live.sheet.rows.len() {
        for column in [
            Column::Paid(0),
            Column::Paid(1),
            Column::Subsidy,
            Column::Shortfall,
            Column::Gap,
        ] {
            prop_assert_eq!(
                live.amount(at, column),
                fresh.amount(at, column),
                "{}: row {} {:?}",
                step,
                at,
                column
            );
        }
        if let (Calc::Good(a), Calc::Good(b)) =
            (live.calc(&app.rules, at), fresh.calc(&app.rules, at))
        {
            prop_assert_eq!(a.breakdown, b.breakdown, "{}: row {}", step, at);
        }
    }
    prop_assert_eq!(&live.summary().total, &fresh.summary().total, "{}", step);
    prop_assert_eq!(
        format!(
            "{:?}",
            crate::report::budget::lines(&app.rules, live.summary(), Lang::En)
        ),
        format!(
            "{:?}",
            crate::report::budget::lines(&app.rules, fresh.summary(), Lang::En)
        ),
        "{}",
        step
    );
    let (a, b) = (live.allocated(), fresh.allocated());
    prop_assert_eq!(&a.uses, &b.uses, "{}", step);
    prop_assert_eq!(a.error, b.error, "{}", step);
    Ok(())
}

/// Opens `rows` under a budget of `amount` prorated over `class` with other budgets
/// `beside`, then makes `edits` and undoes them, checking the table against a fresh open of
/// it after each.
fn edits_equal_fresh_opens(
    rows: &[(usize, usize, usize, usize)],
    amount: &str,
    class: Option<&str>,
    beside: Beside,
    edits: &[Edit],
) -> Result<(), TestCaseError> {
    let rules = rules_with(&budgets(amount, class, beside));
    let (mut app, _dir) = super::budgets::open_with(rules.clone(), &table(rows), Lang::En);
    prop_assert_eq!(
        app.doc.keeps_envelope(),
        Some(0),
        "one prorated envelope is kept"
    );
    same_as_fresh(&app, "opened")?;
    let mut made = 0;
    for (n, e) in edits.iter().enumerate() {
        let len = app.doc.sheet.rows.len();
        if len == 0 {
            break;
        }
        let op = match *e {
            Edit::Set(r, col, v) => Op::set(r % len, &app.doc.sheet.rows[r % len], col, v),
            Edit::Delete(r) => Op::Delete {
                at: r % len,
                row: app.doc.sheet.rows[r % len].clone(),
            },
            Edit::Insert(r) => Op::Insert {
                at: r % (len + 1),
                row: crate::table::sheet::SheetRow::new(
                    [
                        format!("N{n}").as_str(),
                        "T",
                        "B",
                        "group",
                        "3.5",
                        "1.5",
                        "600000",
                        "0",
                    ],
                    0,
                ),
            },
        };
        app.doc.change(&rules, op);
        made += 1;
        same_as_fresh(&app, &format!("edit {n}: {e:?}"))?;
    }
    for n in 0..made {
        app.doc.undo(&rules);
        same_as_fresh(&app, &format!("undo {n}"))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn an_envelope_shared_out_again_edit_by_edit_equals_a_fresh_allocation(
        rows in prop::collection::vec(row(), 1..14),
        amount in prop::sample::select(vec!["0", "1", "3万", "20万", "100万", "1亿"]),
        class in prop::sample::select(vec![Some("group"), Some("village"), None]),
        beside in beside(),
        edits in prop::collection::vec(edit(14), 1..10),
    ) {
        edits_equal_fresh_opens(&rows, amount, class, beside, &edits)?;
    }

    /// The same with the rows under the envelope shared out in runs of a few rows, each on a
    /// thread of its own, as a large table's are.
    #[test]
    fn an_envelope_shared_out_in_runs_on_several_threads_equals_a_fresh_allocation(
        rows in prop::collection::vec(row(), 1..14),
        amount in prop::sample::select(vec!["0", "1", "3万", "20万", "100万", "1亿"]),
        class in prop::sample::select(vec![Some("group"), Some("village"), None]),
        beside in beside(),
        edits in prop::collection::vec(edit(14), 1..10),
        run in 1usize..5,
    ) {
        crate::tui::prorated::split_in_runs_of(Some(run));
        let outcome = edits_equal_fresh_opens(&rows, amount, class, beside, &edits);
        crate::tui::prorated::split_in_runs_of(None);
        outcome?;
    }
}

/// An edit of a row's length under the one prorated envelope shares it out again from what
/// was kept, not the whole way round.
#[test]
fn an_edit_of_a_length_under_one_prorated_envelope_keeps_the_envelope() {
    let rules = rules_with(&budgets("3万", Some("group"), Beside::VillageFund));
    let rows: Vec<_> = (0..6).map(|i| (i % 3, i % 2, 1 + i % 3, 0)).collect();
    let (mut app, _dir) = super::budgets::open_with(rules.clone(), &table(&rows), Lang::En);
    assert_eq!(app.doc.keeps_envelope(), Some(0));
    let before = app.doc.allocated().uses[0][&crate::report::allocate::Envelope::Whole].clone();
    let op = doc::Op::set(0, &app.doc.sheet.rows[0], 5, "2.25");
    app.doc.change(&rules, op);
    assert_eq!(
        app.doc.keeps_envelope(),
        Some(1),
        "shared out from what was kept"
    );
    let after = &app.doc.allocated().uses[0][&crate::report::allocate::Envelope::Whole];
    assert_eq!((before.envelope, after.envelope), (3_000_000, 3_000_000));
    assert!(after.asked > before.asked, "{before:?} {after:?}");
    assert_eq!(after.paid, 3_000_000);
    // A delete numbers the rows anew: shared out the whole way, then kept again.
    let op = doc::Op::Delete {
        at: 1,
        row: app.doc.sheet.rows[1].clone(),
    };
    app.doc.change(&rules, op);
    assert_eq!(app.doc.keeps_envelope(), Some(0));
    same_as_fresh(&app, "deleted").unwrap();
}

/// Rows with completed lengths and disbursed amounts under the kept envelope: what each owes
/// and has outstanding moves with its share, edit by edit, into the totals as a fresh open
/// counts them.
#[test]
fn what_is_due_and_outstanding_follows_each_share_of_a_kept_envelope() {
    let rules = rules_with(&budgets("3万", Some("group"), Beside::Nothing));
    let csv = "id,township,village,class,width_m,length_km,cost,completed_km,disbursed\n\
               R0,T,A,group,3.5,1.5,600000,1,10000\n\
               R1,T,A,group,3.5,2.25,120万,0.3,\n\
               R2,T,B,group,3.5,1,90000,,5000\n\
               R3,T,B,village,3.5,1,600000,0.5,1000\n\
               R4,T,C,group,3.5,7,3000000,7,999999\n\
               R5,T,C,group,3.5,0.3,600000,0.3,1\n";
    let (mut app, _dir) = super::budgets::open_with(rules.clone(), csv, Lang::En);
    assert_eq!(app.doc.keeps_envelope(), Some(0));
    same_as_fresh(&app, "opened").unwrap();
    let due = |app: &App| format!("{:?}", app.doc.summary().total.due);
    let first = due(&app);
    for (n, (row, length)) in [(0, "2.25"), (4, "8"), (1, "7"), (5, "1.5")]
        .into_iter()
        .enumerate()
    {
        let op = doc::Op::set(row, &app.doc.sheet.rows[row], 5, length);
        app.doc.change(&rules, op);
        assert_eq!(
            app.doc.keeps_envelope(),
            Some(n as u64 + 1),
            "shared out from what was kept"
        );
        same_as_fresh(&app, &format!("edit {n}")).unwrap();
    }
    assert_ne!(due(&app), first, "what is due moved with the shares");
}

/// More rows move than are brought into the cache together: every batch of them, the last
/// one short, is shared out as a fresh open shares it.
#[test]
fn an_edit_moving_the_shares_of_many_rows_shares_every_batch_of_them_out() {
    let rules = rules_with(&budgets("3万", Some("group"), Beside::Nothing));
    let rows: Vec<_> = (0..150).map(|i| (i % 3, 0, i % 5, i % 3)).collect();
    let (mut app, _dir) = super::budgets::open_with(rules.clone(), &table(&rows), Lang::En);
    let shares = |app: &App| -> Vec<_> {
        (0..150)
            .map(|at| {
                (
                    app.doc.amount(at, Column::Paid(0)),
                    app.doc.amount(at, Column::Paid(1)),
                )
            })
            .collect()
    };
    let before = shares(&app);
    let op = doc::Op::set(0, &app.doc.sheet.rows[0], 5, "7");
    app.doc.change(&rules, op);
    assert_eq!(app.doc.keeps_envelope(), Some(1));
    let moved = before
        .iter()
        .zip(shares(&app))
        .filter(|(a, b)| **a != *b)
        .count();
    assert!(moved > 2 * 32, "{moved} rows moved");
    same_as_fresh(&app, "edited").unwrap();
}
