//! What-if in the table as reviewed: the comparison counts only rows good under both rule
//! sets and says how many it leaves out, a row the variant cannot compute says why, and
//! wrapped lines stay inside their pane.

use super::budgets::open_with;
use super::*;

/// Two rows: a village road and a group road written 通社.
pub(super) const SMALL: &str = "编号,乡镇,村,路段名称,类别,宽度,长度,投资\n\
A1,卧佛镇,关田村,主干道,通村,4.5,1.2,100.8万\n\
A2,卧佛镇,关田村,连接道,通社,3.5,3.2,121.6万\n";

/// The shipped rules without their self-tests, under which a group road may be written
/// only 通组: 通社 is not a class they know.
fn no_tongshe() -> String {
    let text = crate::rules::BUILTIN_TOML;
    let tests = text.find("\n# 自测").unwrap();
    let out = text[..tests].replace(
        r#"aliases = ["通社", "社道", "通组", "通組", "通组路", "通組路", "通组公路", "通組公路", "社级道路", "社級道路"]"#,
        r#"aliases = ["通组"]"#,
    );
    assert_ne!(out, text[..tests]);
    out
}

/// `app` with the rules of `text` written to `name` in `dir` loaded as its variant.
pub(super) fn load(app: &mut App, dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    press(app, &format!("v{}<Enter>", path.display()));
    assert_eq!(app.mode, Mode::Table, "{:?}", app.status);
    path
}

/// The screen's cells from column `from` on, as text lines.
fn right_of(app: &mut App, width: u16, height: u16, from: u16) -> Vec<String> {
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

#[test]
fn a_row_the_variant_cannot_compute_is_left_out_of_the_totals_compared_and_said_so() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    load(&mut app, dir.path(), "v_nogroup.toml", &no_tongshe());
    // A2 (80万 of subsidy in force) drops out of the variant: it is not a change of −80万.
    let pane = right_of(&mut app, 80, 24, 36);
    assert_eq!(
        pane[4..12],
        [
            "┌ Totals (万元): in force → variant ───────┐",
            "│                   in force variant change│",
            "│transport           54.0000 54.0000 0.0000│",
            "│poverty             36.0000 36.0000 0.0000│",
            "│subsidy             90.0000 90.0000 0.0000│",
            "│shortfall           10.8000 10.8000 0.0000│",
            "│1 row ✗ under the variant is left out of  │",
            "│the comparison                            │",
        ]
    );
    let c = app.doc.totals_compared().unwrap();
    assert_eq!(
        (
            c.before.subsidy_total,
            c.after.subsidy_total,
            c.bad_after,
            c.bad_before
        ),
        (90_000_000, 90_000_000, 1, 0)
    );
    // The rules in force's own totals are every row they compute, as without a variant.
    assert_eq!(total_subsidy(&app), "1700000.00");
    press(&mut app, "L");
    let pane = right_of(&mut app, 100, 30, 45);
    assert!(
        pane.contains(&"│补助合计                       90.0000 90.0000 0.0000│".to_string())
            && pane
                .contains(&"│按对比规则无法计算的 1 行（✗）未计入对比             │".to_string()),
        "{}",
        pane.join("\n")
    );
    // A row the rules in force cannot compute but the variant can is left out too.
    press(&mut app, "L");
    let class = app
        .doc
        .sheet
        .columns
        .index(crate::table::Field::Class)
        .unwrap();
    let row = app.doc.sheet.rows[0].clone();
    app.change(doc::Op::set(0, &row, class, "通组"));
    let row = app.doc.sheet.rows[1].clone();
    app.change(doc::Op::set(1, &row, class, "小路"));
    let pane = right_of(&mut app, 100, 30, 45);
    assert!(
        !pane.iter().any(|l| l.contains("left out")),
        "A1 as 通组 computes under both, A2 under neither: {}",
        pane.join("\n")
    );
    let c = app.doc.totals_compared().unwrap();
    assert_eq!((c.bad_after, c.bad_before), (0, 0), "A2 is bad under both");
    let row = app.doc.sheet.rows[1].clone();
    app.change(doc::Op::set(1, &row, class, "通社"));
    let row = app.doc.sheet.rows[0].clone();
    app.change(doc::Op::set(0, &row, class, "乡道"));
    let c = app.doc.totals_compared().unwrap();
    assert_eq!((c.bad_after, c.bad_before), (1, 0));
}

#[test]
fn a_subtotals_change_counts_only_rows_good_under_both_and_says_how_many_it_leaves_out() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::Zh);
    load(&mut app, dir.path(), "v_nogroup.toml", &no_tongshe());
    press(&mut app, "t");
    let s = screen(&mut app, 100, 30);
    assert_eq!(
        s[1..5],
        [
            "  编号 乡镇   村     路段名称 类别 宽度     投资 Δ县交通局补助 Δ县扶贫专项补助 Δ补助合计 Δ尚需筹集",
            "  A1   卧佛镇 关田村 主干道   通村  4.5 100.8000        0.0000          0.0000    0.0000    0.0000",
            "  A2   卧佛镇 关田村 连接道   通社  3.5 121.6000             ✗               ✗         ✗         ✗",
            "Σ 小计 卧佛镇（2 行；Δ 未计入 1 行）    222.4000        0.0000          0.0000    0.0000    0.0000",
        ]
    );
    press(&mut app, "L");
    let s = screen(&mut app, 200, 30);
    assert!(
        s[4].starts_with("Σ subtotal 卧佛镇 (2 rows, 1 not in Δ)   4.4 222.4000 ")
            && s[4].split_whitespace().skip(11).take(6).collect::<Vec<_>>()
                == ["102.0000", "68.0000", "170.0000", "52.4000", "52.4000", "0.0000"],
        "{}",
        s[4]
    );
}

/// A subtotal counted only the rows its sums hold: a group of three rows, one of them ✗
/// (not computed), said "(2 rows)" under three. It says what it leaves out.
#[test]
fn a_subtotal_says_the_rows_it_cannot_count() {
    let table = "编号,乡镇,村,路段名称,类别,宽度,长度,投资\n\
                 A1,卧佛镇,关田村,主干道,通村,4.5,1.2,100.8万\n\
                 A2,卧佛镇,关田村,连接道,通社,3.5,3.2,很多\n\
                 A3,卧佛镇,关田村,三组道,通社,3.5,1.0,40万\n";
    for (lang, said) in [
        (Lang::En, "Σ 卧佛镇 (2 rows, 1 ✗ not counted)"),
        (Lang::Zh, "Σ 小计 卧佛镇（2 行；1 行 ✗ 未计入）"),
    ] {
        let (mut app, dir) = open_with(RuleSet::builtin(), table, lang);
        press(&mut app, "t");
        let s = screen(&mut app, 200, 30);
        assert!(s[5].starts_with(said), "{}", s[1..6].join("\n"));
        // With a variant, what its change leaves out is said beside it.
        load(&mut app, dir.path(), "v_nogroup.toml", &no_tongshe());
        let s = screen(&mut app, 200, 30);
        let both = match lang {
            // (shortened to fit the columns it spans)
            Lang::En => "Σ 卧佛镇 (2 rows, 1 ✗, 1 not in Δ)",
            Lang::Zh => "Σ 卧佛镇（2 行；1 行 ✗；Δ 未计入 1 行）",
        };
        assert!(s[5].starts_with(both), "{}", s[1..6].join("\n"));
    }
}

/// Every row's class set to one of `classes` by `picks`, then undone half way.
fn reclassed(app: &mut App, picks: &[usize]) {
    const CLASSES: [&str; 5] = ["通村", "通社", "通组", "小路", "社道"];
    let class = app
        .doc
        .sheet
        .columns
        .index(crate::table::Field::Class)
        .unwrap();
    for (i, &p) in picks.iter().enumerate() {
        let at = i % app.doc.sheet.rows.len();
        let row = app.doc.sheet.rows[at].clone();
        app.change(doc::Op::set(at, &row, class, CLASSES[p % CLASSES.len()]));
    }
    for _ in 0..picks.len() / 2 {
        press(app, "u");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    #[test]
    fn after_any_edits_the_totals_compared_are_those_roadsub_compare_gives(
        picks in proptest::collection::vec(0usize..5, 0..12),
    ) {
        let plan = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-plan.csv"),
        )
        .unwrap();
        let (mut app, dir) = open_with(RuleSet::builtin(), &plan, Lang::En);
        load(&mut app, dir.path(), "v.toml", &no_tongshe());
        reclassed(&mut app, &picks);
        let variant = app.doc.variant().unwrap().rules.clone();
        let tables = [crate::report::compare::Table {
            label: "plan.csv".into(),
            sheet: app.doc.sheet.clone(),
        }];
        let cmp = crate::report::compare::compare(&tables, &app.rules, &variant).unwrap();
        let c = app.doc.totals_compared().unwrap();
        proptest::prop_assert_eq!(&c.before, &cmp.totals(crate::report::compare::Side::Before));
        proptest::prop_assert_eq!(&c.after, &cmp.totals(crate::report::compare::Side::After));
        proptest::prop_assert_eq!(c.bad_after + c.bad_before, cmp.one_side_only);
    }
}

#[test]
fn a_row_the_variant_cannot_compute_says_why_in_the_detail_pane_and_the_w_window() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::Zh);
    load(&mut app, dir.path(), "v_nogroup.toml", &no_tongshe());
    press(&mut app, "j");
    let s = screen(&mut app, 100, 30);
    let top = s.iter().position(|l| l.starts_with("┌ 计算说明")).unwrap();
    assert_eq!(
        s[top..top + 4],
        [
            "┌ 计算说明（元） ───────────────────────────┐┌ 合计（万元）：现行 → 试算 ──────────────────────────┐",
            "│• 按对比规则：类别“通社”不是已知的道路类别 ││                                  现行    试算   变化│",
            "│（可用：通村公路（通村、建制村、通村路、   ││县交通局补助                   54.0000 54.0000 0.0000│",
            "│通村道路）；通社公路（通组））             ││县扶贫专项补助                 36.0000 36.0000 0.0000│",
        ]
    );
    press(&mut app, "w");
    let s = screen(&mut app, 100, 30);
    let text = s.join("\n");
    assert!(
        text.contains("│• 按对比规则：类别“通社”不是已知的道路类别（可用：通村公路（通村、建制村、通村路、通村道路）；│"),
        "{text}"
    );
    press(&mut app, "<Esc>L");
    assert_eq!(
        app.doc.variant_errors(1, Lang::En),
        ["under the variant: 类别 \"通社\" is not a known road class (known: village (通村公路, 通村, 建制村, 通村路, 通村道路); group (通社公路, 通组))"]
    );
    let s = screen(&mut app, 100, 30);
    let top = s
        .iter()
        .position(|l| l.starts_with("┌ Why these numbers"))
        .unwrap();
    assert_eq!(s[top + 1], "│• under the variant: 类别 \"通社\" is not a  ││                              in force variant change│");
    // A row good under both says nothing of the variant.
    press(&mut app, "k");
    assert!(!screen(&mut app, 100, 30)
        .join("\n")
        .contains("under the variant:"));
    // A row bad under both says each side's reason once when they differ.
    let class = app
        .doc
        .sheet
        .columns
        .index(crate::table::Field::Class)
        .unwrap();
    let row = app.doc.sheet.rows[0].clone();
    app.change(doc::Op::set(0, &row, class, "小路"));
    let s = screen(&mut app, 100, 30).join("\n");
    assert!(
        s.contains("│• 类别 \"小路\" is not a known road class"),
        "{s}"
    );
    assert!(
        s.contains("│• under the variant: 类别 \"小路\" is not a"),
        "{s}"
    );
}

#[test]
fn an_edit_that_makes_a_row_fail_under_the_variant_says_why_on_the_status_line() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::Zh);
    load(&mut app, dir.path(), "v_nogroup.toml", &no_tongshe());
    let class = app
        .doc
        .sheet
        .columns
        .index(crate::table::Field::Class)
        .unwrap();
    app.col = class;
    press(&mut app, "<Enter><BS><BS>通社<Enter>");
    let status = app.status.clone().unwrap();
    assert!(status.error);
    assert_eq!(
        status.text,
        "A1 类别 通村 → 通社 · 按对比规则：类别“通社”不是已知的道路类别（可用：通村公路（通村、建制村、通村路、通村道路）；通社公路（通组））"
    );
    // The whole message, over the key hints' line too.
    assert_eq!(
        screen(&mut app, 100, 30)[28..],
        [
            "✗ A1 类别 通村 → 通社 · 按对比规则：类别“通社”不是已知的道路类别（可用：通村公路（通村、建制村、",
            "通村路、通村道路）；通社公路（通组））"
        ]
    );
    // An edit that leaves it as it was under the variant says only what changed.
    press(&mut app, "<Enter><BS><BS>通组<Enter>");
    assert_eq!(app.status, None);
}

/// The detail pane's lines that break its right border or are not what the pane wraps to, in
/// a `width` × `height` screen: a line whose last inside cell starts a wide character writes
/// over the border, and a line wider than the pane would be cut.
fn over_the_border(app: &mut App, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    app.scroll_to_cursor(view::table_rows(app, Size::new(width, height)));
    terminal.draw(|f| view::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let top = (0..height)
        .find(|&y| buffer[(0, y)].symbol() == "┌")
        .expect("the detail pane");
    let right = (1..width)
        .find(|&x| buffer[(x, top)].symbol() == "┐")
        .expect("its top right corner");
    let inner = usize::from(right - 1);
    let wrapped = view::detail_lines(app, inner);
    let mut bad = Vec::new();
    for (i, y) in (top + 1..height).enumerate() {
        if buffer[(0, y)].symbol() == "└" {
            break;
        }
        let last = buffer[(right - 1, y)].symbol();
        let mut shown = String::new();
        let mut skip = 0;
        for x in 1..right {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let s = buffer[(x, y)].symbol();
            skip = UnicodeWidthStr::width(s).saturating_sub(1);
            shown.push_str(s);
        }
        let line = wrapped.get(i).map_or("", String::as_str);
        if UnicodeWidthStr::width(last) > 1
            || buffer[(right, y)].symbol() != "│"
            || UnicodeWidthStr::width(line) > inner
            || shown.trim_end() != line.trim_end()
        {
            bad.push(format!("{shown:?} ≠ {line:?}"));
        }
    }
    bad
}

#[test]
fn a_wrapped_chinese_line_of_the_detail_pane_never_writes_over_its_right_border() {
    let plan = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-plan.csv"),
    )
    .unwrap();
    let (mut app, _dir) = open_with(RuleSet::builtin(), &plan, Lang::Zh);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    // The reviewed screen: AYP-001's arithmetic is 44 cells in a 43-cell pane.
    let s = screen(&mut app, 100, 30);
    let top = s.iter().position(|l| l.starts_with("┌ 计算说明")).unwrap();
    // The pane's 45 cells of each line.
    let pane = |l: &String| {
        let mut used = 0;
        l.chars()
            .take_while(|c| {
                used += UnicodeWidthStr::width(c.to_string().as_str());
                used <= 45
            })
            .collect::<String>()
    };
    assert_eq!(
        s[top..top + 4].iter().map(pane).collect::<Vec<_>>(),
        [
            "┌ 计算说明（元） ───────────────────────────┐",
            "│通村公路，宽 4.5 米，长 1.5 公里；造价     │",
            "│1,275,000.00                               │",
            "│造价 1,275,000.00 − 补助 1,125,000.00 =    │",
        ]
    );
    assert_eq!(over_the_border(&mut app, 100, 30), Vec::<String>::new());
    // Nor in English, nor without a variant, nor on the narrowest screen.
    for keys in ["L", "v<Enter>", "L"] {
        press(&mut app, keys);
        for (w, h) in [(100, 30), (80, 24), (120, 40)] {
            assert_eq!(
                over_the_border(&mut app, w, h),
                Vec::<String>::new(),
                "{keys} {w}×{h}"
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    #[test]
    fn no_line_of_the_detail_pane_is_wider_than_the_pane(
        class in "[通村社道路公 a-z，（）0-9]{1,60}",
        zh in proptest::bool::ANY,
        variant in proptest::bool::ANY,
        width in 80u16..150,
        height in 24u16..40,
    ) {
        let lang = if zh { Lang::Zh } else { Lang::En };
        let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, lang);
        if variant {
            press(&mut app, "vpoverty.group.3.5=15万<Enter>");
        }
        let col = app.doc.sheet.columns.index(crate::table::Field::Class).unwrap();
        let row = app.doc.sheet.rows[0].clone();
        app.change(doc::Op::set(0, &row, col, &class));
        for at in ["g", "j"] {
            press(&mut app, at);
            proptest::prop_assert_eq!(over_the_border(&mut app, width, height), Vec::<String>::new());
        }
    }
}

#[test]
fn a_row_with_no_rate_in_force_under_a_dated_variant_says_so_in_compares_words() {
    let csv = "id,township,village,class,width_m,length_km,cost,日期,年度\n\
G18,石羊镇,红星村,通社公路,3.5,2,1000000,2018-06-01,\n\
G-asof,石羊镇,红星村,通社公路,3.5,1,800000,2017-06-01,\n";
    let (mut app, _dir) = open_with(RuleSet::builtin(), csv, Lang::En);
    let dated = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dated-rules.toml");
    press(&mut app, &format!("v{}<Enter>", dated.display()));
    assert_eq!(app.mode, Mode::Table, "{:?}", app.status);
    assert_eq!(
        app.doc.variant_errors(1, Lang::En),
        ["under the variant: row has no rate of County poverty-alleviation special fund for 通社公路 3.5 m in force on 2017-06-01"]
    );
    assert_eq!(
        app.doc.variant_errors(1, Lang::Zh),
        ["按对比规则：该行在 2017-06-01 没有施行中的县扶贫专项补助标准（通社公路，3.5 米）"]
    );
    assert!(app.doc.variant_errors(0, Lang::En).is_empty());
}

#[test]
fn wrapped_explanation_lines_never_split_words_nor_numbers() {
    let plan = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-plan.csv"),
    )
    .unwrap();
    let (mut app, _dir) = open_with(RuleSet::builtin(), &plan, Lang::Zh);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    // The reviewed screen: "= 差" ended a line and "额 150,000.00" began the next.
    let pane = |s: &[String], from: usize| -> Vec<String> {
        let top = s.iter().position(|l| l.starts_with("┌ ")).unwrap();
        s[top..top + 9]
            .iter()
            .map(|l| {
                let mut used = 0;
                l.chars()
                    .take_while(|c| {
                        used += UnicodeWidthStr::width(c.to_string().as_str());
                        used <= from
                    })
                    .collect::<String>()
            })
            .collect()
    };
    let s = screen(&mut app, 100, 30);
    assert_eq!(
        pane(&s, 45),
        [
            "┌ 计算说明（元） ───────────────────────────┐",
            "│通村公路，宽 4.5 米，长 1.5 公里；造价     │",
            "│1,275,000.00                               │",
            "│造价 1,275,000.00 − 补助 1,125,000.00 =    │",
            "│差额 150,000.00                            │",
            "│− 已筹 60,000.00 → 尚需筹集 90,000.00（每户│",
            "│714.29）                                   │",
            "│县交通局补助：≥4.5 米档，45万/公里 × 1.5 = │",
            "└─────────────────────────── …… 按 w 看全部 ┘",
        ]
    );
    press(&mut app, "L");
    let s = screen(&mut app, 100, 30);
    assert_eq!(
        pane(&s, 45),
        [
            "┌ Why these numbers (yuan) ─────────────────┐",
            "│village-access road, 4.5 m wide, 1.5 km;   │",
            "│cost 1,275,000.00                          │",
            "│cost 1,275,000.00 − subsidy 1,125,000.00 = │",
            "│gap 150,000.00                             │",
            "│− sources 60,000.00 → shortfall 90,000.00  │",
            "│(714.29/household)                         │",
            "│County transport bureau subsidy: tier      │",
            "└──────────────────────────────── … more: w ┘",
        ]
    );
}
