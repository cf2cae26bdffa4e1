//! What-if in the table view (SPEC §9): `v` loads a variant, the Δ columns and the totals
//! pane show what it changes, and every change to the rows keeps it current.

use super::budgets::open_with;
use super::*;
use crate::report::allocate::{allocate, Held, HeldRow};
use crate::report::compare::{Amounts, Side};
use crate::table::Field;
use crate::tui::brief::Column;
use crate::tui::results::Results;
use crate::tui::variant::RowChange;
use rust_decimal::Decimal;

/// Two group roads and a village road; 3.5 m group roads are paid 10万/km by the poverty
/// fund under the shipped rules.
const SMALL: &str = "id,township,village,class,width_m,length_km,cost\n\
G1,T,A,group,3.5,1,600000\n\
V1,T,A,village,4.5,1,900000\n\
G2,T,B,group,3.5,2,800000\n";

/// The screen's cells from column `from` on, as text lines (for the totals pane).
fn screen_from(app: &mut App, width: u16, height: u16, from: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    app.scroll_to_cursor(view::table_rows(app, Size::new(width, height)));
    terminal.draw(|f| view::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..height)
        .map(|y| {
            let mut line = String::new();
            let mut skip = 0;
            for x in from..width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let s = buffer[(x, y)].symbol();
                skip = UnicodeWidthStr::width(s).saturating_sub(1);
                line.push_str(s);
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// The column titled `title`.
fn column(app: &App, title: &str) -> usize {
    (0..app.ncols())
        .find(|&c| app.title(c) == title)
        .unwrap_or_else(|| panic!("no column {title}"))
}

/// Row `id`'s cells under the columns titled `titles`.
fn cells_of(app: &App, id: &str, titles: &[&str]) -> Vec<String> {
    let at = row_of(app, id);
    titles
        .iter()
        .map(|t| app.cell(at, column(app, t)))
        .collect()
}

const DELTAS: [&str; 4] = ["Δtransport", "Δpoverty", "Δsubsidy", "Δshortfall"];

#[test]
fn the_15_wan_group_rate_shows_each_rows_change_and_the_totals_before_after_and_change() {
    let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    assert_eq!(app.mode, Mode::Table);
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "variant: County poverty-alleviation special fund, group-access road 3.5 m: up to 100,000 yuan/km → up to 150,000 yuan/km (Δ columns; v then Enter on an empty line clears it)"
    );
    // 1 km of group road: the poverty fund pays 5万 more, the village raises 5万 less.
    let s = screen(&mut app, 80, 24);
    assert_eq!(
        s[1..5],
        [
            "  id township village class      cost Δtransport Δpoverty Δsubsidy Δshortfall",
            "  G1 T        A       group   60.0000     0.0000  +5.0000  +5.0000    −5.0000",
            "  V1 T        A       village 90.0000     0.0000   0.0000   0.0000     0.0000",
            "  G2 T        B       group   80.0000     0.0000 +10.0000 +10.0000   −10.0000",
        ]
    );
    let title = &screen(&mut app, 120, 24)[0];
    assert!(
        title.contains(
            " · 3 rows · Δ variant poverty.group.3.5=15万 · amounts shown in 万元 · Anyue County"
        ),
        "{title}"
    );
    let pane = screen_from(&mut app, 80, 24, 36);
    assert_eq!(
        pane[5..14],
        [
            "┌ Totals (万元): in force → variant ───────┐",
            "│                in force  variant   change│",
            "│transport        90.0000  90.0000   0.0000│",
            "│poverty          60.0000  75.0000 +15.0000│",
            "│subsidy         150.0000 165.0000 +15.0000│",
            "│shortfall        80.0000  65.0000 −15.0000│",
            "│Village road hardening paid 30.0000       │",
            "│Group road building    paid 45.0000       │",
            "│Village project fund   paid 0.0000        │",
        ]
    );
    // In yuan, to the fen; in Chinese, headed by the funds' names; amounts too wide for a
    // label beside them go under it.
    press(&mut app, "mL");
    assert_eq!(
        cells_of(
            &app,
            "G2",
            &["Δ县交通局补助", "Δ县扶贫专项补助", "Δ补助合计", "Δ尚需筹集"]
        ),
        ["0.00", "+100,000.00", "+100,000.00", "−100,000.00"]
    );
    let pane = screen_from(&mut app, 80, 24, 36);
    assert_eq!(
        pane[8..21],
        [
            "┌ 合计（元）：现行 → 试算 ─────────────────┐",
            "│             现行         试算        变化│",
            "│县交通局补助                              │",
            "│       900,000.00   900,000.00        0.00│",
            "│县扶贫专项补助                            │",
            "│       600,000.00   750,000.00 +150,000.00│",
            "│补助合计                                  │",
            "│     1,500,000.00 1,650,000.00 +150,000.00│",
            "│尚需筹集                                  │",
            "│       800,000.00   650,000.00 −150,000.00│",
            "│通村硬化路建设 实拨 300,000.00            │",
            "│社级道路建设   实拨 450,000.00            │",
            "│村项目资金     实拨 0.00                  │",
        ]
    );
}

/// The defect: at the `v` prompt, `15.5 万` (a space before the unit, as `--set` takes it)
/// was split at its space, and `万` refused as a setting of its own. Spaces before a unit and
/// around the `=` now read as `--set` reads them.
#[test]
fn a_rate_typed_with_a_space_before_its_unit_is_one_setting_at_the_v_prompt() {
    for typed in [
        "vpoverty.group.3.5=15.5 万<Enter>",
        "vpoverty.group.3.5 = 15.5万<Enter>",
        "vpoverty.group.3.5 ＝ 15.5 万/公里<Enter>",
    ] {
        let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
        press(&mut app, typed);
        assert_eq!(app.mode, Mode::Table, "{typed}");
        let said = &app.status.as_ref().unwrap().text;
        assert!(
            said.starts_with("variant: County poverty-alleviation special fund, group-access road 3.5 m: up to 100,000 yuan/km → up to 155,000 yuan/km"),
            "{typed}: {said}"
        );
    }
}

#[test]
fn every_edit_undo_redo_insert_and_delete_changes_the_variant_as_it_changes_the_rules_in_force() {
    let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    // The screen once the variant's message (three lines) is read and gone.
    screen(&mut app, 80, 24);
    press(&mut app, "<Esc>");
    let before = screen(&mut app, 80, 24);
    let wide = |app: &App, id: &str| {
        let mut c = cells_of(app, id, &["poverty", "shortfall"]);
        c.extend(cells_of(app, id, &DELTAS));
        c
    };
    // G1 twice as long (cost unchanged): 20万 → 30万 from the poverty fund.
    let length = app.doc.sheet.columns.index(Field::Length).unwrap();
    let g1 = row_of(&app, "G1");
    let row = app.doc.sheet.rows[g1].clone();
    app.change(doc::Op::set(g1, &row, length, "2"));
    assert_eq!(
        wide(&app, "G1"),
        [
            "20.0000",
            "10.0000",
            "0.0000",
            "+10.0000",
            "+10.0000",
            "−10.0000"
        ]
    );
    assert_eq!(
        app.doc
            .totals_compared()
            .map(|c| (c.before.shortfall, c.after.shortfall)),
        Some((55_000_000, 35_000_000)),
        "G1 raises 10万 under the rules in force, nothing under the variant"
    );
    press(&mut app, "u");
    // The undo shows the field it set (the cursor on G1's length); back at the first column
    // the screen is as it was.
    assert_eq!((app.current_row(), app.col), (Some(g1), length));
    press(&mut app, "<Home>");
    assert_eq!(
        screen(&mut app, 80, 24)[1..22],
        before[1..22],
        "undone, as it was"
    );
    press(&mut app, "<C-r>");
    assert_eq!(wide(&app, "G1")[3], "+10.0000");
    press(&mut app, "u");
    // A row added (a copy of V1's place, then made a 1 km group road) and one deleted.
    press(&mut app, "ja");
    let new = app.current_row().unwrap();
    for (field, value) in [
        (Field::Id, "G3"),
        (Field::Class, "group"),
        (Field::Width, "3.5"),
        (Field::Length, "1"),
        (Field::Cost, "500000"),
    ] {
        let col = app.doc.sheet.columns.index(field).unwrap();
        let row = app.doc.sheet.rows[new].clone();
        app.change(doc::Op::set(new, &row, col, value));
    }
    assert_eq!(
        wide(&app, "G3"),
        [
            "10.0000",
            "25.0000",
            "0.0000",
            "+5.0000",
            "+5.0000",
            "−5.0000"
        ]
    );
    let c = app.doc.totals_compared().unwrap();
    assert_eq!(
        (c.before.funds[1], c.after.funds[1]),
        (70_000_000, 90_000_000)
    );
    press(&mut app, "gd");
    let c = app.doc.totals_compared().unwrap();
    assert_eq!(
        (c.before.funds[1], c.after.funds[1]),
        (60_000_000, 75_000_000),
        "G1 gone"
    );
    // Every change undone: the screen is the one the variant was loaded on.
    while app.doc.history().0 > 0 {
        press(&mut app, "u");
    }
    press(&mut app, "g");
    assert_eq!(screen(&mut app, 80, 24)[1..22], before[1..22]);
}

#[test]
fn a_variant_rules_file_is_read_from_disk_and_a_row_it_cannot_compute_shows_a_cross() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    // The group rate raised, but only from 2019: the rows, dated by the rules' effective day
    // (2018-05-15), have no group rate in force under it.
    let text = crate::rules::BUILTIN_TOML.replace(
        "rate_per_km = \"10万\"\n",
        "rate_per_km = \"15万\"\nfrom = \"2019-01-01\"\n",
    );
    assert_ne!(text, crate::rules::BUILTIN_TOML);
    let path = dir.path().join("2019.toml");
    std::fs::write(&path, &text).unwrap();
    press(&mut app, &format!("v{}<Enter>", path.display()));
    assert_eq!(
        app.status.as_ref().unwrap().text,
        format!(
            "variant: the rules in 2019.toml ({}/) (Δ columns; v then Enter on an empty line clears it)",
            dir.path().display()
        )
    );
    assert_eq!(cells_of(&app, "G1", &DELTAS), ["✗"; 4]);
    assert_eq!(cells_of(&app, "V1", &DELTAS), ["0.0000"; 4]);
    // Only V1 is computed under both: its 75万 on each side, the two group roads left out.
    let c = app.doc.totals_compared().unwrap();
    assert_eq!(
        (c.before.subsidy_total, c.after.subsidy_total, c.bad_after),
        (75_000_000, 75_000_000, 2)
    );
    // The explanation stays the rules in force's.
    assert!(matches!(app.doc.calc(&app.rules, 0), Calc::Good(_)));
    let s = screen(&mut app, 80, 24);
    assert_eq!(
        s[2],
        "  G1 T        A       group   60.0000          ✗        ✗        ✗          ✗"
    );
    // The same file typed with a comma-free name, in Chinese.
    press(&mut app, "L");
    assert!(screen(&mut app, 200, 24)[0].contains(&format!(
        " · Δ 试算 2019.toml ({}/) · 金额单位：万元 · ",
        dir.path().display()
    )),);
}

#[test]
fn a_setting_or_rules_file_that_cannot_be_loaded_is_refused_with_why_and_the_table_stays() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    let shown = screen(&mut app, 80, 24);
    let refused = |app: &mut App, typed: &str, lang: Lang| {
        if app.lang != lang {
            press(app, "L");
        }
        press(app, &format!("v{typed}<Enter>"));
        assert_eq!(
            app.mode,
            Mode::Variant {
                buffer: typed.to_string(),
                cursor: typed.len()
            },
            "the text typed stays to be corrected"
        );
        assert!(app.status.as_ref().unwrap().error);
        let said = app.status.as_ref().unwrap().text.clone();
        press(app, "<Esc>");
        assert!(app.doc.variant().is_none());
        said
    };
    assert_eq!(
        refused(&mut app, "poverty.group.4.0=15万", Lang::En),
        "\"poverty.group.4.0=15万\": the fund has no tier at that width for the class (its tiers start at 3.5 m); a new tier is a change to a rules file (load it with v)"
    );
    assert_eq!(
        refused(
            &mut app,
            "poverty.group.3.5=15万, roads.group.3.5=1万",
            Lang::Zh
        ),
        "\"roads.group.3.5=1万\"：规则中没有这项资金（现有：transport（县交通局补助）、poverty（县扶贫专项补助））"
    );
    let missing = dir.path().join("none.toml");
    assert_eq!(
        refused(&mut app, &missing.display().to_string(), Lang::En),
        format!(
            "cannot read rules (no such file or directory): {}",
            missing.display()
        )
    );
    assert_eq!(
        refused(&mut app, &missing.display().to_string(), Lang::Zh),
        format!(
            "无法读取规则文件（没有这个文件或目录）：{}",
            missing.display()
        )
    );
    // Rules that do not validate: each problem at its line and column.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        crate::rules::BUILTIN_TOML.replace("\"15万\"", "\"-15万\""),
    )
    .unwrap();
    let said = refused(&mut app, &bad.display().to_string(), Lang::En);
    // The problem first, then where it is (the path typed is still in the prompt).
    assert!(!said.starts_with(&format!("{}:", bad.display())), "{said}");
    let errors = RuleSet::from_bytes(
        crate::rules::BUILTIN_TOML
            .replace("\"15万\"", "\"-15万\"")
            .as_bytes(),
        &bad.display().to_string(),
        &crate::report::layout::column_taken,
    )
    .unwrap_err();
    let e = &errors[0];
    assert_eq!(
        said,
        format!(
            "{} ({}:{}:{})",
            e.problem.render(Lang::En),
            bad.display(),
            e.line,
            e.col
        )
    );
    assert_eq!(
        screen(&mut app, 80, 24)[..22],
        shown[..22],
        "the table as it was"
    );
}

#[test]
fn clearing_the_variant_gives_back_the_screen_it_was_loaded_on() {
    let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, Lang::Zh);
    press(&mut app, "t");
    let shown = screen(&mut app, 80, 24);
    press(&mut app, "v");
    assert_eq!(
        screen(&mut app, 80, 24)[22],
        "试算：",
        "no variant: nothing to clear"
    );
    press(&mut app, "poverty.group.3.5=15万<Enter><End>");
    // The township's subtotal shows its change too.
    assert_eq!(cells_of(&app, "G2", &["Δ县扶贫专项补助"]), ["+10.0000"]);
    let s = screen(&mut app, 80, 24);
    assert!(
        s.iter().any(|l| l.starts_with("Σ ")
            && l.split_whitespace().rev().take(4).collect::<Vec<_>>()
                == ["−15.0000", "+15.0000", "+15.0000", "0.0000"]),
        "{s:#?}"
    );
    press(&mut app, "v");
    assert_eq!(screen(&mut app, 80, 24)[22], "试算（留空回车即清除）：");
    press(&mut app, "<Enter>");
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "已清除试算：表格只显示现行规则的结果"
    );
    assert_eq!(
        app.col,
        app.ncols() - 1,
        "the cursor back on the last column"
    );
    press(&mut app, "<Home>");
    let cleared = screen(&mut app, 80, 24);
    assert_eq!(cleared[..22], shown[..22]);
    assert_eq!(cleared[23], shown[23]);
}

/// The bundled plan, opened from a copy, under the shipped rules.
fn plan(lang: Lang) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("anyue-2018-plan.csv");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-plan.csv"),
        &path,
    )
    .unwrap();
    (open(&path, lang), dir)
}

fn prorating_rules() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-prorate.toml")
        .display()
        .to_string()
}

/// Every row under the variant shown is what `allocate` makes of the rows computed under
/// the variant's rules (before any budget), held whole, to the fen; and so is its change.
fn check_against_allocate(app: &App, step: &str) {
    let v = app.doc.variant().expect("a variant is shown");
    let sheet = &app.doc.sheet;
    let mut none = v.rules.clone();
    none.budgets.clear();
    let columns = sheet.columns.for_other_rules();
    let uncut = Results::new(&none, &columns, sheet);
    let mut held = Held {
        rules: &v.rules,
        rows: (0..sheet.rows.len())
            .map(|at| {
                let (township, village) = crate::tui::alloc::place(sheet, at);
                HeldRow {
                    township: township.to_string(),
                    village: village.to_string(),
                    computed: match uncut.calc(&none, &columns, sheet, at) {
                        Calc::Good(g) => Some((g.segment, g.breakdown)),
                        Calc::Bad(_) => None,
                    },
                }
            })
            .collect(),
    };
    allocate(&v.rules, &mut held).unwrap();
    let mut cut = 0;
    for at in 0..sheet.rows.len() {
        let live = v.results.calc(&v.rules, &v.columns, sheet, at);
        let (Some((_, b)), Calc::Good(live)) = (&held.rows[at].computed, live) else {
            assert!(held.rows[at].computed.is_none(), "{step}: row {at}");
            assert_eq!(app.doc.row_change(at), Some(RowChange::BadAfter));
            continue;
        };
        assert_eq!(&live.breakdown, b, "{step}: row {at}");
        for (f, share) in b.shares.iter().enumerate() {
            assert_eq!(v.results.amount(at, Column::Paid(f)), Some(share.paid));
        }
        assert_eq!(v.results.amount(at, Column::Subsidy), Some(b.subsidy_total));
        assert_eq!(v.results.amount(at, Column::Shortfall), Some(b.shortfall));
        let Calc::Good(before) = app.doc.calc(&app.rules, at) else {
            panic!("{step}: row {at} computes under the rules in force");
        };
        let change = Amounts::of_row(&v.funds, Side::Before, &before.breakdown)
            .change_to(&Amounts::of_row(&v.funds, Side::After, b));
        assert_eq!(app.doc.row_change(at), Some(RowChange::Change(change)));
        cut += usize::from(
            b.notes
                .iter()
                .any(|n| matches!(n, crate::engine::Note::CutByBudget { .. })),
        );
    }
    assert!(cut > 0, "{step}: the variant's budgets cut rows");
    let fresh = Doc::new(sheet.clone(), None, &v.rules);
    assert_eq!(v.summary().total, fresh.summary().total, "{step}");
}

#[test]
fn a_prorating_variant_pays_every_row_what_allocate_gives_to_the_fen_through_every_change() {
    let (mut app, _dir) = plan(Lang::En);
    press(&mut app, &format!("v{}<Enter>", prorating_rules()));
    assert_eq!(app.mode, Mode::Table, "{:?}", app.status);
    check_against_allocate(&app, "loaded");
    let length = app.doc.sheet.columns.index(Field::Length).unwrap();
    let group = (0..app.doc.sheet.rows.len())
        .find(|&at| app.doc.sheet.rows[at].get(4) == "社道")
        .unwrap();
    let row = app.doc.sheet.rows[group].clone();
    app.change(doc::Op::set(group, &row, length, "9"));
    check_against_allocate(&app, "a group road longer");
    let row = app.doc.sheet.rows[0].clone();
    app.change(doc::Op::Delete { at: 0, row });
    check_against_allocate(&app, "the first row deleted");
    press(&mut app, "u");
    check_against_allocate(&app, "undone");
    press(&mut app, "u");
    check_against_allocate(&app, "all undone");
    // The rules in force report the overrun; the variant shares it out: the shortfall rises
    // by what the group roads' envelope could not pay (README: 1,785,000.00).
    let c = app.doc.totals_compared().unwrap();
    assert_eq!(
        plain(Decimal::new(
            i64::try_from(c.after.shortfall - c.before.shortfall).unwrap(),
            2
        )),
        "1785000.00"
    );
    // The totals pane says what the envelope paid and was asked under the variant.
    let pane = screen_from(&mut app, 120, 30, 54);
    assert!(
        pane.iter()
            .any(|l| l == "│Group road building  shared out · paid 690.0000 · asked 868.5000│"),
        "{}",
        pane.join("\n")
    );
}

#[test]
fn the_bundled_plan_with_a_variant_at_80_by_24() {
    let (mut app, _dir) = plan(Lang::Zh);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    let s = screen(&mut app, 80, 24);
    assert!(
        s[0].contains("anyue-2018-plan.csv · 66 行 · Δ 试算 poverty.group.3"),
        "{}",
        s[0]
    );
    assert_eq!(
        s[1..],
        [
            "  编号    村           投资 Δ县交通局补助 Δ县扶贫专项补助 Δ补助合计 Δ尚需筹集",
            "  AYP-001 画青村   127.5000        0.0000          0.0000    0.0000    0.0000",
            "  AYP-002 画青村    96.0000        0.0000        +12.0000  +12.0000  −12.0000",
            "  AYP-003 关田村   100.8000        0.0000          0.0000    0.0000    0.0000",
            "  AYP-004 关田村   121.6000        0.0000        +16.0000  +16.0000  −15.6000",
            "  AYP-005 五峰村   167.7000        0.0000        +21.5000  +21.5000  −21.5000",
            "  AYP-006 五峰村    57.6000        0.0000         +8.0000   +8.0000   −8.0000",
            "  AYP-007 天成村    65.0000        0.0000          0.0000    0.0000    0.0000",
            "  AYP-008 天成村    96.2000        0.0000        +13.0000  +13.0000  −13.0000",
            "  AYP-009 西泉村   234.0000        0.0000        +19.5000  +19.5000  −12.5000",
            "  AYP-010 万平村   122.5000        0.0000        +17.5000  +17.5000  −17.5000",
            "  AYP-011 集福村   174.8000        0.0000        +23.0000  +23.0000  −23.0000",
            "┌ 计算说明（元） ──────────────────┐┌ 合计（万元）：现行 → 试算 ───────────────┐",
            "│通村公路，宽 4.5 米，长 1.5 公里；││                 现行       试算      变化│",
            "│造价 1,275,000.00                 ││县交通局…  1,998.7500 1,998.7500    0.0000│",
            "│造价 1,275,000.00 − 补助          ││县扶贫专…  1,164.0000 1,590.2500 +426.2500│",
            "│1,125,000.00 = 差额 150,000.00    ││补助合计   3,162.7500 3,589.0000 +426.2500│",
            "│− 已筹 60,000.00 → 尚需筹集       ││尚需筹集     531.5500   195.8000 −335.7500│",
            "│90,000.00（每户 714.29）          ││社级道路建设   超支 · 实拨 1,294.7500     │",
            "│县交通局补助：≥4.5 米档，45万/公里││村项目资金     2/35 村超支 · 实拨 800.2000│",
            "└────────────────── …… 按 w 看全部 ┘└─────────────────────────────── 另有 1 行 ┘",
            "试算：县扶贫专项补助，通社公路 3.5 米：10万元以内/公里 → 15万元以内/公里（见 Δ",
            "列；按 v 后直接回车可清除）",
        ]
    );
    // On the last column, the id, village and cost stay at the left.
    press(&mut app, "<End>");
    assert_eq!(
        screen(&mut app, 80, 24)[1..4],
        [
            "  编号    村           投资 Δ县交通局补助 Δ县扶贫专项补助 Δ补助合计 Δ尚需筹集",
            "  AYP-001 画青村   127.5000        0.0000          0.0000    0.0000    0.0000",
            "  AYP-002 画青村    96.0000        0.0000        +12.0000  +12.0000  −12.0000",
        ]
    );
    // Left of the Δ columns, the computed ones come into view, beside the cost.
    press(&mut app, "hhhh");
    assert_eq!(
        screen(&mut app, 80, 24)[1..4],
        [
            "  编号    村           投资   应拨付 Δ县交通局补助 Δ县扶贫专项补助 Δ补助合计",
            "  AYP-001 画青村   127.5000 112.5000        0.0000          0.0000    0.0000",
            "  AYP-002 画青村    96.0000  60.0000        0.0000        +12.0000  +12.0000",
        ]
    );
}

#[test]
fn a_variant_that_names_a_fund_otherwise_gets_a_change_column_for_each_fund_matched_by_id() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    let path = dir.path().join("roads.toml");
    std::fs::write(
        &path,
        crate::rules::BUILTIN_TOML.replace("transport", "roads"),
    )
    .unwrap();
    press(&mut app, &format!("v{}<Enter>", path.display()));
    // The fund in force that the variant lacks pays nothing under it; the new one, what the
    // old one paid: the subsidy does not change.
    assert_eq!(
        cells_of(
            &app,
            "G1",
            &["Δtransport", "Δpoverty", "Δroads", "Δsubsidy", "Δshortfall"]
        ),
        ["−15.0000", "0.0000", "+15.0000", "0.0000", "0.0000"]
    );
    press(&mut app, "L");
    assert_eq!(
        app.title(app.ncols() - 3),
        "Δ县交通局补助",
        "the new fund's name"
    );
}

/// `sheet` read afresh under `rules` (its header's approved columns found again for them).
fn fresh_under(sheet: &Sheet, rules: &RuleSet) -> Doc {
    let mut sheet = sheet.clone();
    sheet.columns = sheet.columns.for_other_rules();
    Doc::new(sheet, None, rules)
}

/// What a table keeps of every row (state and each computed column) and its totals.
fn kept(
    good: impl Fn(usize) -> bool,
    amount: impl Fn(usize, Column) -> Option<Decimal>,
    rows: usize,
    funds: usize,
) -> Vec<String> {
    (0..rows)
        .map(|at| {
            let columns = (0..funds).map(Column::Paid).chain([
                Column::Subsidy,
                Column::Gap,
                Column::Shortfall,
            ]);
            format!(
                "{} {:?}",
                good(at),
                columns.map(|c| amount(at, c)).collect::<Vec<_>>()
            )
        })
        .collect()
}

/// One change to the table, from numbers a strategy draws.
fn op_of(doc: &Doc, kind: u8, a: usize, b: usize) -> Option<doc::Op> {
    const POOLS: [(Field, &[&str]); 6] = [
        (Field::Width, &["3.5", "4.5", "3.0", "x"]),
        (Field::Length, &["1", "2.5", "0.4", ""]),
        (Field::Class, &["group", "village", "lane"]),
        (Field::Cost, &["600000", "150万", "90000"]),
        (Field::Id, &["G1", "G2", "G9"]),
        (Field::Village, &["A", "B", "C"]),
    ];
    let rows = doc.sheet.rows.len();
    match kind % 4 {
        0 | 1 if rows > 0 => {
            let (field, values) = POOLS[b % POOLS.len()];
            let col = doc.sheet.columns.index(field)?;
            let at = a % rows;
            Some(doc::Op::set(
                at,
                &doc.sheet.rows[at],
                col,
                values[(a / 7 + b) % values.len()],
            ))
        }
        2 => {
            let row = crate::table::sheet::SheetRow::new(
                [
                    "G7",
                    "T",
                    ["A", "B"][b % 2],
                    "group",
                    "3.5",
                    "1.5",
                    "600000",
                ],
                0,
            );
            Some(doc::Op::Insert {
                at: a % (rows + 1),
                row,
            })
        }
        3 if rows > 0 => Some(doc::Op::Delete {
            at: a % rows,
            row: doc.sheet.rows[a % rows].clone(),
        }),
        _ => None,
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Whatever changes are made, undone and redone, both the rules in force and a variant
    /// whose budgets bind keep exactly what opening the table afresh under each gives.
    #[test]
    fn after_any_changes_the_variant_is_what_a_fresh_open_under_its_rules_gives(
        steps in proptest::collection::vec((0u8..6, 0usize..50, 0usize..50), 1..16)
    ) {
        let base = super::budgets::rules_with(super::budgets::PRORATE_30);
        let (settled, _) = RuleSet::shipped_with_budgets(
            "[[budgets]]\nfund = \"poverty\"\namount = \"40万\"\non_overrun = \"prorate\"\n",
        )
        .with_settings(&[crate::rules::Setting::parse("poverty.group.3.5=15万").unwrap()])
        .unwrap();
        let (mut app, _dir) = open_with(base, SMALL, Lang::En);
        let source = crate::tui::variant::Source::File("v.toml".into());
        app.doc.set_variant(&app.rules, Some((settled, source)));
        let rules = app.rules.clone();
        for (kind, a, b) in steps {
            match kind {
                4 => { app.doc.undo(&rules); }
                5 => { app.doc.redo(&rules); }
                _ => {
                    if let Some(op) = op_of(&app.doc, kind, a, b) {
                        app.doc.change(&rules, op);
                    }
                }
            }
            let rows = app.doc.sheet.rows.len();
            let fresh = fresh_under(&app.doc.sheet, &rules);
            proptest::prop_assert_eq!(
                kept(|at| app.doc.is_good(at), |at, c| app.doc.amount(at, c), rows, 2),
                kept(|at| fresh.is_good(at), |at, c| fresh.amount(at, c), rows, 2)
            );
            proptest::prop_assert_eq!(&app.doc.summary().total, &fresh.summary().total);
            let v = app.doc.variant().unwrap();
            let fresh = fresh_under(&app.doc.sheet, &v.rules);
            proptest::prop_assert_eq!(
                kept(|at| v.results.is_good(at), |at, c| v.results.amount(at, c), rows, 2),
                kept(|at| fresh.is_good(at), |at, c| fresh.amount(at, c), rows, 2)
            );
            proptest::prop_assert_eq!(&v.summary().total, &fresh.summary().total);
        }
    }
}

#[test]
fn rows_sort_by_their_change_and_a_sort_by_a_change_column_ends_with_the_variant() {
    let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    let ids = |app: &App| {
        app.lines
            .iter()
            .map(|l| match l {
                Line::Row(r) => app.doc.sheet.rows[*r].get(0).to_string(),
                Line::Subtotal(_) => "Σ".to_string(),
            })
            .collect::<Vec<_>>()
    };
    // Δshortfall, the last column: −10万 (G2), −5万 (G1), 0 (V1).
    press(&mut app, "<End>s");
    assert_eq!(ids(&app), ["G2", "G1", "V1"]);
    press(&mut app, "s");
    assert_eq!(ids(&app), ["V1", "G1", "G2"]);
    press(&mut app, "v<Enter>");
    assert_eq!(app.sort, None);
    assert_eq!(ids(&app), ["G1", "V1", "G2"], "in table order again");
}

#[test]
fn an_export_with_a_variant_shown_is_the_rules_in_forces_byte_for_byte() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    let (plain, compared) = (
        dir.path().join("plain.csv"),
        dir.path().join("compared.csv"),
    );
    press(&mut app, "x");
    export_as(&mut app, &plain);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>x");
    export_as(&mut app, &compared);
    assert!(app.doc.variant().is_some());
    let text = std::fs::read_to_string(&compared).unwrap();
    assert_eq!(text, std::fs::read_to_string(&plain).unwrap());
    assert!(
        text.contains(",25.0000,"),
        "G1's subsidy in force, 250,000.00 元, in 万元 as the table shows it: {text}"
    );
}

#[test]
fn a_variant_under_which_two_columns_hold_one_funds_approved_amount_is_refused() {
    let csv = "id,township,village,class,width_m,length_km,cost,扶贫批复,扶贫资金批复\n\
G1,T,A,group,3.5,1,600000,80000,\n";
    let (mut app, dir) = open_with(RuleSet::builtin(), csv, Lang::En);
    let path = dir.path().join("aliases.toml");
    let text = crate::rules::BUILTIN_TOML.replace(
        "approved_aliases = [\"扶贫批复\",",
        "approved_aliases = [\"扶贫资金批复\", \"扶贫批复\",",
    );
    assert_ne!(text, crate::rules::BUILTIN_TOML);
    std::fs::write(&path, text).unwrap();
    press(&mut app, &format!("v{}<Enter>", path.display()));
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "columns \"扶贫批复\" and \"扶贫资金批复\" both hold the amount approved for County poverty-alleviation special fund; keep one"
    );
    assert!(app.doc.variant().is_none());
    assert_eq!(
        paid(&app, "G1", 1),
        "80000.00",
        "the approval in force still read"
    );
}

#[test]
fn a_variant_reads_the_approved_amount_column_its_own_rules_name() {
    // 扶贫资金批复 means nothing to the rules in force; the variant's poverty fund reads it.
    let csv = "id,township,village,class,width_m,length_km,cost,扶贫资金批复\n\
G1,T,A,group,3.5,1,600000,80000\n";
    let (mut app, dir) = open_with(RuleSet::builtin(), csv, Lang::En);
    let path = dir.path().join("aliases.toml");
    std::fs::write(
        &path,
        crate::rules::BUILTIN_TOML.replace(
            "approved_aliases = [\"扶贫批复\",",
            "approved_aliases = [\"扶贫资金批复\", \"扶贫批复\",",
        ),
    )
    .unwrap();
    press(&mut app, &format!("v{}<Enter>", path.display()));
    assert!(app.doc.variant().is_some(), "{:?}", app.status);
    assert_eq!(paid(&app, "G1", 1), "100000.00", "in force: the rate");
    assert_eq!(
        cells_of(&app, "G1", &DELTAS),
        ["0.0000", "−2.0000", "−2.0000", "+2.0000"],
        "under the variant: the 8万 approved"
    );
}

#[test]
fn a_dated_variant_file_dates_rows_without_a_date_as_the_rules_in_force_do() {
    let mut rules = RuleSet::builtin();
    rules.set_as_of(crate::rules::Day::parse("2019-06-01").unwrap());
    let (mut app, _dir) = open_with(rules, SMALL, Lang::En);
    let dated = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dated-rules.toml");
    press(&mut app, &format!("v{}<Enter>", dated.display()));
    // On 2019-06-01 the file's group rate is 15万, not its effective day's 10万.
    assert_eq!(
        cells_of(&app, "G1", &DELTAS),
        ["0.0000", "+5.0000", "+5.0000", "−5.0000"]
    );
}

#[test]
fn a_budget_line_too_long_for_a_narrow_totals_pane_wraps_and_never_cuts_an_amount() {
    // The defect: at 80×24 the line read "社级…  已分配 · 实拨 690.0000 · 申请 1,29…".
    for (lang, words) in [
        (Lang::Zh, ["690.0000", "868.5000", "295.5000", "800.2000"]),
        (Lang::En, ["690.0000", "868.5000", "295.5000", "800.2000"]),
    ] {
        let (mut app, _dir) = plan(lang);
        press(&mut app, &format!("v{}<Enter>", prorating_rules()));
        let v = app.doc.variant().unwrap();
        for inner in 20..=60 {
            let lines: Vec<String> = crate::tui::view::compared::budgets(&app, v, inner)
                .into_iter()
                .map(|(_, l)| l.spans.iter().map(|s| s.content.as_ref()).collect())
                .collect();
            let text = lines.join("\n");
            for w in words {
                assert!(
                    lines.iter().any(|l| l.contains(w)),
                    "{inner}: {w:?} not whole in\n{text}"
                );
            }
            for l in &lines {
                assert!(
                    crate::textwidth::cells(l) <= inner,
                    "{inner}: {l:?} wider than the pane"
                );
                // A name may be cut (`通村…`); an amount never is.
                let chars: Vec<char> = l.chars().collect();
                for (i, _) in chars.iter().enumerate().filter(|(_, &c)| c == '…') {
                    let near = |j: Option<usize>| {
                        j.and_then(|j| chars.get(j))
                            .is_some_and(|d| d.is_ascii_digit() || *d == ',' || *d == '.')
                    };
                    assert!(
                        !near(i.checked_sub(1)) && !near(Some(i + 1)),
                        "{inner}: {l:?} cut"
                    );
                }
            }
        }
    }
}
