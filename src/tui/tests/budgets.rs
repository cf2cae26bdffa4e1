//! Budgets that bind, live (SPEC §8): every edit shares the envelopes it touched out again,
//! with the report layer's arithmetic, and the table, the totals, the detail pane, the
//! allocation window and an export all show the amounts after the cut.

use super::*;
use crate::report::allocate::{allocate, Envelope, Held, HeldRow};
use crate::table::Field;

/// The shipped rules with the budgets replaced by `budgets`.
pub(super) fn rules_with(budgets: &str) -> RuleSet {
    RuleSet::shipped_with_budgets(budgets)
}

/// 30万 for group roads, prorated.
pub(super) const PRORATE_30: &str = r#"
[[budgets]]
fund = "poverty"
class = "group"
name = "社级道路建设"
name_en = "Group road building"
amount = "30万"
on_overrun = "prorate"
"#;

/// Five group roads of 1 km (10万 each from the poverty fund) and a village road, in two
/// villages, with completed km.
const TABLE: &str = "id,township,village,class,width_m,length_km,cost,completed_km\n\
G1,T,A,group,3.5,1,600000,1\n\
G2,T,A,group,3.5,1,600000,0.5\n\
V1,T,A,village,4.5,1,900000,0\n\
G3,T,B,group,3.5,1,600000,0\n\
G4,T,B,group,3.5,1,600000,0\n\
G5,T,B,group,3.5,1,600000,0\n";

pub(super) fn open_with(rules: RuleSet, csv: &str, lang: Lang) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.csv");
    std::fs::write(&path, csv).unwrap();
    let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path), &rules);
    (App::new(doc, rules, lang), dir)
}

/// What the poverty fund pays each group road, as the table keeps it and as the detail pane
/// computes it (the two must agree).
fn poverty(app: &App) -> Vec<String> {
    (0..app.doc.sheet.rows.len())
        .filter(|&at| app.doc.sheet.rows[at].get(0).starts_with('G'))
        .map(|at| {
            let kept = plain(app.doc.amount(at, brief::Column::Paid(1)).unwrap());
            assert_eq!(kept, paid(app, app.doc.sheet.rows[at].get(0), 1));
            kept
        })
        .collect()
}

fn poverty_total(app: &App) -> String {
    plain(app.doc.summary().total.paid[1].value())
}

#[test]
fn an_edit_of_a_group_road_s_length_shares_the_envelope_out_again_and_undo_and_delete_too() {
    let (mut app, _dir) = open_with(rules_with(PRORATE_30), TABLE, Lang::En);
    // 50万 asked of 30万: each 1 km road gets 6万; the village road keeps its 30万.
    assert_eq!(poverty(&app), ["60000.00"; 5]);
    assert_eq!(poverty_total(&app), "600000.00");
    // G3 twice as long: 60万 asked, G3 gets 10万 and its neighbours 5万.
    let length = app.doc.sheet.columns.index(Field::Length).unwrap();
    let row = app.doc.sheet.rows[3].clone();
    let rules = app.rules.clone();
    app.doc.change(&rules, doc::Op::set(3, &row, length, "2"));
    assert_eq!(
        poverty(&app),
        ["50000.00", "50000.00", "100000.00", "50000.00", "50000.00"]
    );
    assert_eq!(
        poverty_total(&app),
        "600000.00",
        "still the envelope exactly"
    );
    // The shortfall rises by the cut: G1 costs 60万, transport pays 15万 (group, 3.5 m).
    assert_eq!(
        plain(app.doc.amount(0, brief::Column::Shortfall).unwrap()),
        "400000.00"
    );
    // G1 has 1 km completed of 1: all of its 20万 subsidy is due.
    assert_eq!(
        plain(app.doc.amount(0, brief::Column::Due).unwrap()),
        "200000.00"
    );
    let used = &app.doc.allocated().uses[0][&Envelope::Whole];
    assert_eq!((used.asked, used.paid), (60_000_000, 30_000_000));
    app.doc.undo(&rules);
    assert_eq!(poverty(&app), ["60000.00"; 5]);
    let used = &app.doc.allocated().uses[0][&Envelope::Whole];
    assert_eq!((used.asked, used.paid), (50_000_000, 30_000_000));
    // Deleting G1: 40万 asked of 30万, 7.5万 each.
    let row = app.doc.sheet.rows[0].clone();
    app.doc.change(&rules, doc::Op::Delete { at: 0, row });
    assert_eq!(poverty(&app), ["75000.00"; 4]);
    assert_eq!(poverty_total(&app), "600000.00");
    // The budget line reads asked and paid off the rows' cut notes.
    let lines = crate::report::budget::lines(&rules, app.doc.summary(), Lang::En);
    assert_eq!(plain(lines[0].asked), "400000.00");
    assert_eq!(plain(lines[0].used), "300000.00");
    // Asked no more than it holds, nothing is cut.
    for _ in 0..2 {
        let row = app.doc.sheet.rows[0].clone();
        app.doc.change(&rules, doc::Op::Delete { at: 0, row });
    }
    assert_eq!(poverty(&app), ["100000.00"; 3], "30万 asked of 30万");
    assert!(app.doc.allocated().uses[0][&Envelope::Whole]
        .cut_rows
        .is_empty());
}

/// A change made to a table, given the table.
type Step = Box<dyn Fn(&Doc) -> doc::Op>;

/// A county envelope prorated and one per village paid in order (by priority), both on the
/// poverty fund: what every edit leaves equals what opening the edited table gives, row by
/// row and in every total, and what `allocate` over the rows held whole gives.
#[test]
fn after_any_edit_the_allocation_equals_a_fresh_open_and_allocate_over_held_rows() {
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
amount = "12万"
on_overrun = "in_order"
"#,
    );
    let csv = "id,township,village,class,width_m,length_km,cost,priority\n\
G1,T,A,group,3.5,1,600000,2\n\
G2,T,A,group,3.5,1.5,600000,1\n\
V1,T,A,village,4.5,0.3,900000,\n\
G3,T,B,group,3.5,0.7,600000,\n\
G4,T,B,group,4.5,1,600000,3\n\
G5,T,C,group,3.5,2,600000,\n";
    let (mut app, _dir) = open_with(rules.clone(), csv, Lang::En);
    let length = app.doc.sheet.columns.index(Field::Length).unwrap();
    let village = app.doc.sheet.columns.index(Field::Village).unwrap();
    let priority = app.doc.sheet.columns.index(Field::Priority).unwrap();
    let check = |app: &App, step: &str| {
        let fresh = Doc::new(app.doc.sheet.clone(), None, &app.rules);
        // The rows as computed before any budget.
        let none = rules_with("");
        let unbudgeted = Doc::new(app.doc.sheet.clone(), None, &none);
        let mut held = Held {
            rules: &app.rules,
            rows: (0..app.doc.sheet.rows.len())
                .map(|at| {
                    let (township, village) = alloc::place(&app.doc.sheet, at);
                    // The row as computed before any budget: the fresh doc's, cuts undone.
                    let computed = match unbudgeted.calc(&none, at) {
                        Calc::Good(g) => {
                            // Rules with no budget paying in order leave the priority
                            // unread: the row's is the one read under the budgets.
                            let mut segment = g.segment;
                            segment.priority = match fresh.calc(&app.rules, at) {
                                Calc::Good(f) => f.segment.priority,
                                Calc::Bad(_) => None,
                            };
                            Some((segment, g.breakdown))
                        }
                        Calc::Bad(_) => None,
                    };
                    HeldRow {
                        township: township.to_string(),
                        village: village.to_string(),
                        computed,
                    }
                })
                .collect(),
        };
        let whole = allocate(&app.rules, &mut held).unwrap();
        for at in 0..app.doc.sheet.rows.len() {
            let (Calc::Good(live), Calc::Good(new)) =
                (app.doc.calc(&app.rules, at), fresh.calc(&app.rules, at))
            else {
                panic!("{step}: row {at} is good");
            };
            assert_eq!(live.breakdown, new.breakdown, "{step}: row {at}");
            let (_, held_b) = held.rows[at].computed.as_ref().unwrap();
            assert_eq!(&live.breakdown, held_b, "{step}: row {at} against allocate");
            for f in 0..2 {
                assert_eq!(
                    app.doc.amount(at, brief::Column::Paid(f)),
                    Some(live.breakdown.shares[f].paid),
                    "{step}: row {at}"
                );
            }
            assert_eq!(
                app.doc.amount(at, brief::Column::Shortfall),
                Some(live.breakdown.shortfall)
            );
        }
        assert_eq!(app.doc.summary().total, fresh.summary().total, "{step}");
        let lines = |s| {
            crate::report::budget::lines(&app.rules, s, Lang::En)
                .iter()
                // A village a row moved out of has no line, as in a fresh open.
                .map(|l| format!("{l:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(app.doc.summary()), lines(fresh.summary()), "{step}");
        for (b, envelopes) in whole.budgets.iter().enumerate() {
            for (key, used) in envelopes {
                let live = &app.doc.allocated().uses[b][key];
                assert_eq!(
                    (live.asked, live.paid),
                    (used.asked, used.paid),
                    "{step}: {key:?}"
                );
            }
        }
    };
    check(&app, "opened");
    let rules = app.rules.clone();
    let steps: Vec<(&str, Step)> = vec![
        (
            "G2 longer",
            Box::new(move |d: &Doc| doc::Op::set(1, &d.sheet.rows[1], length, "3")),
        ),
        (
            "G5 moves to A",
            Box::new(move |d: &Doc| doc::Op::set(5, &d.sheet.rows[5], village, "A")),
        ),
        (
            "G3 first in B",
            Box::new(move |d: &Doc| doc::Op::set(3, &d.sheet.rows[3], priority, "0")),
        ),
        (
            "G1 deleted",
            Box::new(|d: &Doc| doc::Op::Delete {
                at: 0,
                row: d.sheet.rows[0].clone(),
            }),
        ),
        (
            "G1 back at the end",
            Box::new(|d: &Doc| {
                let row = crate::table::sheet::SheetRow::new(
                    ["G1", "T", "C", "group", "3.5", "1", "600000", ""],
                    0,
                );
                doc::Op::Insert {
                    at: d.sheet.rows.len(),
                    row,
                }
            }),
        ),
    ];
    for (step, op) in &steps {
        let op = op(&app.doc);
        app.doc.change(&rules, op);
        check(&app, step);
    }
    for (step, _) in steps.iter().rev() {
        app.doc.undo(&rules);
        check(&app, &format!("{step} undone"));
    }
    for (step, _) in &steps {
        app.doc.redo(&rules);
        check(&app, &format!("{step} redone"));
    }
}

#[test]
fn the_allocation_window_shows_each_budget_its_rows_cut_in_both_languages() {
    let rules = rules_with(&format!(
        "{PRORATE_30}\n[[budgets]]\nfund = \"poverty\"\nper_village = true\nname = \"每村额度\"\nname_en = \"Per village\"\namount = \"40万\"\n"
    ));
    let (mut app, _dir) = open_with(rules, TABLE, Lang::En);
    press(&mut app, "b");
    assert_eq!(app.mode, Mode::Budgets);
    assert_eq!(
        view::allocation::text(&app),
        "Group road building — prorate: shared in proportion to what each row asked
  envelope 300,000.00 · asked 500,000.00
  paid 300,000.00 · short 200,000.00
  5 rows cut:
    G1  100,000.00 → 60,000.00
    G2  100,000.00 → 60,000.00
    G3  100,000.00 → 60,000.00
    G4  100,000.00 → 60,000.00
    G5  100,000.00 → 60,000.00

Per village — report: rows paid in full, an overrun stated
  T A
    envelope 400,000.00 · asked 420,000.00
    paid 420,000.00 · over by 20,000.00
  T B
    envelope 400,000.00 · asked 180,000.00
    paid 180,000.00 · left 220,000.00
"
    );
    let s = screen(&mut app, 100, 40);
    let top = s
        .iter()
        .position(|l| l.contains("┌ Budgets, in yuan"))
        .expect("the window is drawn");
    assert_eq!(
        s[top],
        "           ┌ Budgets, in yuan (↑↓ PgUp PgDn scroll, Esc closes) ────────────────────────┐"
    );
    assert!(
        s[top + 5].contains("│    G1  100,000.00 → 60,000.00   "),
        "{s:#?}"
    );
    assert!(
        s[top + 3].contains("│  paid 300,000.00 · short 200,000.00 "),
        "{s:#?}"
    );
    // L switches the language in the window too.
    press(&mut app, "L");
    assert_eq!(
        view::allocation::text(&app),
        "社级道路建设 — 按比例分配：按各路段申请额同比例分配
  额度 300,000.00 · 申请 500,000.00
  实拨 300,000.00 · 缺口 200,000.00
  核减 5 行：
    G1  100,000.00 → 60,000.00
    G2  100,000.00 → 60,000.00
    G3  100,000.00 → 60,000.00
    G4  100,000.00 → 60,000.00
    G5  100,000.00 → 60,000.00

每村额度 — 仅报告：照付，列明超支
  T A
    额度 400,000.00 · 申请 420,000.00
    实拨 420,000.00 · 超支 20,000.00
  T B
    额度 400,000.00 · 申请 180,000.00
    实拨 180,000.00 · 结余 220,000.00
"
    );
    let s = screen(&mut app, 100, 40);
    assert!(
        s.iter()
            .any(|l| l.contains("┌ 预算额度（元；↑↓ 翻页键滚动，Esc 关闭） ─")),
        "{s:#?}"
    );
    // b closes it as it opened it; so does Esc.
    press(&mut app, "b");
    assert_eq!(app.mode, Mode::Table);
    press(&mut app, "b<Esc>");
    assert_eq!(app.mode, Mode::Table);
}

#[test]
fn the_table_shows_gap_shortfall_and_due_after_the_cut_and_the_totals_say_the_budget_shared_out() {
    let (mut app, _dir) = open_with(rules_with(PRORATE_30), TABLE, Lang::En);
    let s = screen(&mut app, 140, 30);
    assert_eq!(
        s[1],
        "  id township village class   width_m length_km    cost completed_km transport poverty subsidy     gap shortfall     due"
    );
    // G2: 15万 + 6万 (not 10万: the envelope is shared out) = 21万; half of it due.
    assert_eq!(
        s[3],
        "  G2 T        A       group       3.5         1 60.0000          0.5   15.0000  6.0000 21.0000 39.0000   39.0000 10.5000"
    );
    let text = s.join("\n");
    assert!(
        text.contains("││subsidy              180.0000  due                    31.5000│"),
        "{text}"
    );
    assert!(
        text.contains("││gap                  210.0000  shortfall             210.0000│"),
        "{text}"
    );
    assert!(
        text.contains("││Group road building ███████ 100.0% shared out, asked 50.0000 │"),
        "{text}"
    );
    assert!(
        text.contains("Group road building holds 300,000.00 yuan and its segments │")
            && text.contains("│asked 500,000.00 yuan, shared in proportion to what each asked"),
        "the detail pane explains the cut: {text}"
    );
    // Grouped by village: the subtotals give km planned and completed under their columns.
    press(&mut app, "tt");
    let s = screen(&mut app, 140, 30);
    assert_eq!(
        s[5],
        "Σ subtotal T A (3 rows)                       3 210.0000          1.5   75.0000 42.0000 117.0000  93.0000   93.0000 31.5000"
    );
    // In Chinese the columns are titled as the release words them.
    press(&mut app, "L");
    let s = screen(&mut app, 140, 30);
    assert_eq!(
        last(&s[1], 6),
        [
            "县交通局补助",
            "县扶贫专项补助",
            "补助合计",
            "差额",
            "尚需筹集",
            "应拨付"
        ]
    );
    let text = s.join("\n");
    assert!(text.contains("100.0% 已分配，申请 50.00"), "{text}");
}

/// The last `n` words of a line on screen: a row's amounts, whatever their columns' widths.
fn last(line: &str, n: usize) -> Vec<&str> {
    let words: Vec<&str> = line.split_whitespace().collect();
    words[words.len().saturating_sub(n)..].to_vec()
}

#[test]
fn keys_that_edit_undo_and_delete_share_the_envelope_out_again_on_screen() {
    let (mut app, _dir) = open_with(rules_with(PRORATE_30), TABLE, Lang::En);
    let line = |app: &mut App, id: &str| {
        screen(app, 140, 30)
            .into_iter()
            .find(|l| l.starts_with(&format!("  {id} ")))
            .unwrap_or_else(|| panic!("{id} on screen"))
    };
    assert_eq!(
        last(&line(&mut app, "G1"), 6),
        ["15.0000", "6.0000", "21.0000", "39.0000", "39.0000", "21.0000"]
    );
    // G3's length 1 → 2 km: it asks 20万 of the 30万, the others 10万 each.
    press(&mut app, "jjjlllll<Enter><BS>2<Enter>");
    assert_eq!(app.doc.sheet.rows[3].get(5), "2");
    let g3 = line(&mut app, "G3");
    assert!(g3.contains(" 2 60.0000 "), "{g3}");
    assert_eq!(
        last(&g3, 6),
        ["30.0000", "10.0000", "40.0000", "20.0000", "20.0000", "0.0000"]
    );
    assert_eq!(
        last(&line(&mut app, "G1"), 6),
        ["15.0000", "5.0000", "20.0000", "40.0000", "40.0000", "20.0000"]
    );
    assert_eq!(
        poverty_total(&app),
        "600000.00",
        "still 30万 + the village road's 30万"
    );
    press(&mut app, "u");
    assert_eq!(
        last(&line(&mut app, "G1"), 6),
        ["15.0000", "6.0000", "21.0000", "39.0000", "39.0000", "21.0000"]
    );
    assert_eq!(
        last(&line(&mut app, "G3"), 6),
        ["15.0000", "6.0000", "21.0000", "39.0000", "39.0000", "0.0000"]
    );
    // G3 deleted: four roads share the 30万, 7.5万 each.
    press(&mut app, "d");
    assert!(!app.doc.sheet.rows.iter().any(|r| r.get(0) == "G3"));
    assert_eq!(
        last(&line(&mut app, "G1"), 6),
        ["15.0000", "7.5000", "22.5000", "37.5000", "37.5000", "22.5000"]
    );
    assert_eq!(poverty_total(&app), "600000.00");
}

#[test]
fn restored_changes_are_shared_out_as_they_were_made() {
    let (mut app, dir) = open_with(rules_with(PRORATE_30), TABLE, Lang::En);
    press(&mut app, "jjjlllll<Enter><BS>2<Enter>");
    let made = poverty(&app);
    assert_eq!(
        made,
        ["50000.00", "50000.00", "100000.00", "50000.00", "50000.00"]
    );
    drop(app); // a crash: no save, no quit
    let path = dir.path().join("plan.csv");
    let rules = rules_with(PRORATE_30);
    let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
    let mut app = App::new(doc, rules, Lang::En);
    assert_eq!(app.mode, Mode::Ask(Question::Restore(1)));
    assert_eq!(poverty(&app), ["60000.00"; 5]);
    press(&mut app, "y");
    assert_eq!(poverty(&app), made);
    assert_eq!(poverty_total(&app), "600000.00");
}

/// Every total and budget line of `app`, as a fresh open of its table gives them too.
fn totals_and_lines(app: &App) -> (String, Vec<(String, String, String)>) {
    let rules = &app.rules;
    let lines = crate::report::budget::lines(rules, app.doc.summary(), Lang::En)
        .into_iter()
        .map(|l| (l.label(), plain(l.asked), plain(l.used)))
        .collect();
    (format!("{:?}", app.doc.summary().total), lines)
}

#[test]
fn an_edited_village_fund_or_implausible_cost_leaves_the_totals_as_a_fresh_open_gives_them() {
    // The shipped rules measure 村项目资金 per village, and the totals count rows whose cost
    // looks implausible: a row taken out of the totals on an edit must take its 村项目资金 and
    // its warning with it (both were lost: the one as 整合资金, the other not kept).
    let csv = "id,township,village,class,width_m,length_km,cost,整合资金,村项目资金\n\
               A,T,V,village,4.5,1,900000,10000,150000\n\
               B,T,V,group,3.5,1,63,,20000\n\
               C,T,W,group,3.5,1,600000,5000,\n";
    let (mut app, dir) = open_with(RuleSet::builtin(), csv, Lang::En);
    assert_eq!(app.doc.summary().total.implausible, 1);
    let rules = app.rules.clone();
    let fund = app.doc.sheet.columns.index(Field::VillageFund).unwrap();
    let cost = app.doc.sheet.columns.index(Field::Cost).unwrap();
    for (at, column, value) in [(0, fund, "170000"), (1, cost, "600000"), (2, fund, "30000")] {
        let row = app.doc.sheet.rows[at].clone();
        app.doc
            .change(&rules, doc::Op::set(at, &row, column, value));
        let path = dir.path().join("edited.csv");
        let mut text = String::from(csv.lines().next().unwrap());
        text.push('\n');
        for r in &app.doc.sheet.rows {
            let cells: Vec<&str> = (0..9).map(|c| r.get(c)).collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
        let fresh = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        let fresh = App::new(fresh, rules.clone(), Lang::En);
        assert_eq!(
            totals_and_lines(&app),
            totals_and_lines(&fresh),
            "after row {at}"
        );
    }
    assert_eq!(app.doc.summary().total.implausible, 0);
    let (_, lines) = totals_and_lines(&app);
    assert!(
        lines.contains(&(
            "Village project fund · T V".into(),
            "190000.00".into(),
            "190000.00".into()
        )),
        "{lines:?}"
    );
}

/// The table view reads rows as batch runs do: a blank 已拨付 in a table with the column is
/// nothing paid out, so the row's outstanding is all that is due, and the totals agree.
#[test]
fn a_blank_disbursed_in_the_table_view_is_0_so_outstanding_is_all_due_in_rows_and_totals() {
    let csv = "id,township,village,class,width_m,length_km,cost,completed_km,已拨付\n\
               A,T,V,group,3.5,1,300000,0.5,100000\n\
               B,T,V,group,3.5,1,300000,0.5,\n";
    let (app, _dir) = open_with(rules_with(""), csv, Lang::En);
    let yuan = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
    assert_eq!(
        app.doc.amount(1, brief::Column::Due),
        Some(yuan("125000.00"))
    );
    assert_eq!(
        app.doc.amount(1, brief::Column::Outstanding),
        Some(yuan("125000.00"))
    );
    assert_eq!(
        app.doc.summary().total.outstanding.value(),
        yuan("150000.00")
    );
    assert_eq!(app.doc.summary().total.disbursed.value(), yuan("100000.00"));
}

/// Per village, 10万 of the poverty fund for group roads, prorated.
const PER_VILLAGE_10: &str = r#"
[[budgets]]
fund = "poverty"
class = "group"
per_village = true
name = "社道逐村"
name_en = "Group per village"
amount = "10万"
on_overrun = "prorate"
"#;

#[test]
fn a_village_whose_last_row_moves_away_has_no_budget_line_left_behind() {
    // Moving G1 and G2 from A to a new village C, one at a time, left A (and, between the
    // two steps, nobody) with a line of nothing asked: 3 villages counted, not 2.
    let rules = rules_with(PER_VILLAGE_10);
    let (mut app, dir) = open_with(rules.clone(), TABLE, Lang::Zh);
    let village = app.doc.sheet.columns.index(Field::Village).unwrap();
    for at in [0, 1, 2] {
        let row = app.doc.sheet.rows[at].clone();
        app.doc.change(&rules, doc::Op::set(at, &row, village, "C"));
    }
    let labels = |app: &App| {
        crate::report::budget::lines(&app.rules, app.doc.summary(), Lang::En)
            .iter()
            .map(|l| format!("{} {} {}", l.label(), plain(l.asked), plain(l.used)))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        labels(&app),
        [
            "Group per village · T B 300000.00 100000.00",
            "Group per village · T C 200000.00 100000.00"
        ]
    );
    let heads = crate::report::budget::headlines(&app.rules, app.doc.summary(), Lang::Zh);
    assert_eq!(heads[0].lines, 2);
    // As a fresh open of the same rows says.
    let path = dir.path().join("moved.csv");
    let mut text = String::from(TABLE.lines().next().unwrap());
    text.push('\n');
    for r in &app.doc.sheet.rows {
        let cells: Vec<&str> = (0..8).map(|c| r.get(c)).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    let fresh = App::new(
        Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules),
        rules,
        Lang::Zh,
    );
    assert_eq!(labels(&app), labels(&fresh));
}

#[test]
fn the_explanation_says_a_budget_cut_a_fund_not_the_cost() {
    let (mut app, _dir) = open_with(rules_with(PRORATE_30), TABLE, Lang::Zh);
    // G1: poverty 10万 asked, 6万 paid under the 30万 envelope; the cost (60万) cut nothing.
    let s = screen(&mut app, 120, 30).join("\n");
    assert!(
        s.contains("│县扶贫专项补助：≥3.5 米档，不超过10万/公里 × 1 = 100,000.00，   │"),
        "{s}"
    );
    assert!(
        s.contains("│经预算额度核减为 60,000.00（见上）                              │"),
        "{s}"
    );
    assert!(!s.contains("受造价限制"), "{s}");
    press(&mut app, "L");
    let s = screen(&mut app, 140, 30).join("\n");
    assert!(
        s.contains("cut to 60,000.00 by the budget (see above)"),
        "{s}"
    );
    assert!(!s.contains("by the cost"), "{s}");
}

#[test]
fn the_budget_window_says_a_source_budget_measures_the_plan_s_own_money_not_payments() {
    // 村项目资金 was listed as "report: rows paid in full … paid 60,000.00": nothing is paid
    // from it; the village's own money is used.
    let csv = "id,township,village,class,width_m,length_km,cost,村项目资金\n\
               A,T,V,village,4.5,1,900000,60000\n";
    let (app, _dir) = open_with(RuleSet::builtin(), csv, Lang::Zh);
    let text = view::allocation::text(&app);
    assert!(
        text.contains("村项目资金 — 规划自有资金，对照额度统计\n  T V\n    额度 2,000,000.00 · 已用 60,000.00 · 结余 1,940,000.00\n"),
        "{text}"
    );
    let (app, _dir) = open_with(RuleSet::builtin(), csv, Lang::En);
    let text = view::allocation::text(&app);
    assert!(
        text.contains("Village project fund — the plan's own money, measured against the envelope\n  T V\n    envelope 2,000,000.00 · used 60,000.00 · left 1,940,000.00\n"),
        "{text}"
    );
}

#[test]
fn the_totals_pane_in_wan_rounded_to_two_decimals_so_it_did_not_equal_the_sum_of_the_rows() {
    // Two group roads of 0.123 km: 15万/km × 0.123 = 18,450.00 each, 1.8450万; their sum
    // 3.6900万. Rounded to 2 decimals a row would read 1.85 and the total 3.69, not 3.70.
    let table = "id,township,village,class,width_m,length_km,cost\n\
                 G1,T,A,group,3.5,0.123,600000\n\
                 G2,T,A,group,3.5,0.123,600000\n";
    let (mut app, _dir) = open_with(rules_with(""), table, Lang::En);
    let s = screen(&mut app, 140, 30);
    let text = s.join("\n");
    assert!(s[2].contains("  1.8450 "), "{text}");
    assert!(s[3].contains("  1.8450 "), "{text}");
    let line = s
        .iter()
        .find(|l| l.contains("││County transport bureau subsidy"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.ends_with(" 3.6900│"), "{text}");
}
