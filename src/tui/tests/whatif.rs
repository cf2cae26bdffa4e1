//! What-if in the table as reviewed: the comparison counts only rows good under both rule
//! sets and says how many it leaves out, a row the variant cannot compute says why, a sort
//! follows its column across variants, variants are told apart, and wrapped lines stay
//! inside their pane.

use super::budgets::open_with;
use super::*;

/// Two rows: a village road and a group road written 通社.
const SMALL: &str = "编号,乡镇,村,路段名称,类别,宽度,长度,投资\n\
A1,卧佛镇,关田村,主干道,通村,4.5,1.2,100.8万\n\
A2,卧佛镇,关田村,连接道,通社,3.5,3.2,121.6万\n";

/// The shipped rules without their self-tests, under which a group road may be written
/// only 通组: 通社 is not a class they know.
fn no_tongshe() -> String {
    let text = crate::rules::BUILTIN_TOML;
    let tests = text.find("\n# 自测").unwrap();
    let out = text[..tests].replace(
        r#"aliases = ["通社", "社道", "通组", "通組", "通组路", "通組路", "社级道路", "社級道路"]"#,
        r#"aliases = ["通组"]"#,
    );
    assert_ne!(out, text[..tests]);
    out
}

/// `app` with the rules of `text` written to `name` in `dir` loaded as its variant.
fn load(app: &mut App, dir: &Path, name: &str, text: &str) -> PathBuf {
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
            "│transport             54.00   54.00   0.00│",
            "│poverty               36.00   36.00   0.00│",
            "│subsidy               90.00   90.00   0.00│",
            "│shortfall             10.80   10.80   0.00│",
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
        pane.contains(&"│补助合计                             90.00 90.00 0.00│".to_string())
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
            "  编号 乡镇   村     路段名称 类别 宽度 长度 Δ县交通局补助 Δ县扶贫专项补助 Δ补助合计 Δ尚需筹集",
            "  A1   卧佛镇 关田村 主干道   通村  4.5  1.2          0.00            0.00      0.00      0.00",
            "  A2   卧佛镇 关田村 连接道   通社  3.5  3.2             ✗               ✗         ✗         ✗",
            "Σ 小计 卧佛镇（2 行；Δ 未计入 1 行）     4.4          0.00            0.00      0.00      0.00",
        ]
    );
    press(&mut app, "L");
    let s = screen(&mut app, 200, 30);
    assert!(
        s[4].starts_with(
            "Σ subtotal 卧佛镇 (2 rows, 1 not in Δ)   4.4            102.00   68.00  170.00 52.40     52.40       0.00"
        ),
        "{}",
        s[4]
    );
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
            "┌ 计算说明 ─────────────────────────────────┐┌ 合计（万元）：现行 → 试算 ──────────────────────────┐",
            "│• 按对比规则：类别 \"通社\" 不是已知的道路类 ││                                      现行  试算 变化│",
            "│别（可用：village (通村公路、通村、建制村、││县交通局补助                         54.00 54.00 0.00│",
            "│通村路、通村道路)；group (通社公路、通组)）││县扶贫专项补助                       36.00 36.00 0.00│",
        ]
    );
    press(&mut app, "w");
    let s = screen(&mut app, 100, 30);
    let text = s.join("\n");
    assert!(
        text.contains("│• 按对比规则：类别 \"通社\" 不是已知的道路类别（可用：village (通村公路、通村、建制村、通村路、 │"),
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
        "A1 类别 通村 → 通社 · 按对比规则：类别 \"通社\" 不是已知的道路类别（可用：village (通村公路、通村、建制村、通村路、通村道路)；group (通社公路、通组)）"
    );
    assert_eq!(
        screen(&mut app, 100, 30)[28],
        "✗ A1 类别 通村 → 通社 · 按对比规则：类别 \"通社\" 不是已知的道路类别（可用：village (通村公路、通村、…"
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
            "┌ 计算说明 ─────────────────────────────────┐",
            "│通村公路，宽 4.5 米，长 1.5 公里；造价     │",
            "│1,275,000.00                               │",
            "│造价 1,275,000.00 − 补助 1,125,000.00 = 差 │",
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

/// The shipped rules without their self-tests, the poverty fund become a provincial one.
fn provincial() -> String {
    let text = crate::rules::BUILTIN_TOML;
    let tests = text.find("\n# 自测").unwrap();
    text[..tests]
        .replace("id = \"poverty\"", "id = \"province\"")
        .replace("fund = \"poverty\"", "fund = \"province\"")
        .replace("name = \"县扶贫专项补助\"", "name = \"省级补助\"")
        .replace(
            "name_en = \"County poverty-alleviation special fund\"",
            "name_en = \"Provincial subsidy\"",
        )
}

/// The header's titles in a 200-cell screen.
fn header(app: &mut App) -> String {
    screen(app, 200, 30)[1].clone()
}

#[test]
fn a_sort_by_a_change_column_follows_the_same_column_to_another_variant_or_ends() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    // Δsubsidy, third from the end (before Δshortfall).
    press(&mut app, "<End>hs");
    assert!(
        header(&mut app).contains(" ↑Δsubsidy "),
        "{}",
        header(&mut app)
    );
    // The provincial variant has a third fund: Δsubsidy moves one column right, and the
    // sort and the cursor go with it.
    load(&mut app, dir.path(), "v_other.toml", &provincial());
    let h = header(&mut app);
    assert!(
        h.ends_with("Δtransport Δpoverty Δprovince ↑Δsubsidy Δshortfall"),
        "{h}"
    );
    assert_eq!(app.sort, Some((app.ncols() - 2, false)));
    assert_eq!(app.col, app.ncols() - 2);
    // A sort by Δprovince ends with a variant that has no such fund.
    press(&mut app, "hs");
    assert!(header(&mut app).contains(" ↑Δprovince "));
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    assert_eq!(app.sort, None);
    assert!(!header(&mut app).contains('↑'));
    // A sort by a column of the rules in force stays on it.
    press(&mut app, "<Home>lls");
    let sorted = app.sort;
    load(&mut app, dir.path(), "v_other.toml", &provincial());
    assert_eq!(app.sort, sorted);
}

#[test]
fn a_column_is_as_wide_as_before_once_its_sort_ends() {
    let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    let before = header(&mut app);
    press(&mut app, "<End>hs");
    assert!(header(&mut app).contains(" ↑Δsubsidy Δshortfall"));
    press(&mut app, "ss");
    assert_eq!(app.sort, None);
    assert_eq!(header(&mut app), before);
    // So is a column of the rules in force, and the sort moved to another column.
    let width = app.width(0);
    press(&mut app, "<Home>sls");
    assert_eq!(app.width(0), width);
}

#[test]
fn a_full_width_equals_sign_is_read_as_a_setting_not_as_a_path() {
    let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, Lang::Zh);
    press(
        &mut app,
        "vpoverty.group.3.5＝15万，transport.group.3.5＝20万<Enter>",
    );
    assert_eq!(app.mode, Mode::Table, "{:?}", app.status);
    match &app.doc.variant().unwrap().source {
        crate::tui::variant::Source::Settings { texts, changes } => {
            assert_eq!(
                texts,
                &["poverty.group.3.5＝15万", "transport.group.3.5＝20万"]
            );
            assert_eq!(changes.len(), 2);
        }
        other => panic!("read as {other:?}"),
    }
}

#[test]
fn a_setting_refused_at_the_prompt_is_named_as_typed_not_as_a_command_line_flag() {
    let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, Lang::Zh);
    press(&mut app, "vpoverty.lane.3.5=15万<Enter>");
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "\"poverty.lane.3.5=15万\"：规则中没有这个道路类别（现有：village, group）"
    );
}

#[test]
fn a_path_starting_with_a_tilde_is_read_from_the_home_directory() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::En);
    // The home directory is the process's: a file put there is found under ~/.
    let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) else {
        return;
    };
    let home = PathBuf::from(home);
    let rel = dir.path().strip_prefix(&home).ok().map(Path::to_path_buf);
    let path = dir.path().join("v_other.toml");
    std::fs::write(&path, provincial()).unwrap();
    // Named through ~ when the temporary directory is under home; else ~ names home itself
    // and the file is refused under the name typed, read from home.
    match rel {
        Some(rel) => {
            press(
                &mut app,
                &format!("v~/{}/v_other.toml<Enter>", rel.display()),
            );
            assert_eq!(app.mode, Mode::Table, "{:?}", app.status);
        }
        None => {
            press(&mut app, "v~/roadsub-no-such-rules.toml<Enter>");
            assert_eq!(
                app.status.as_ref().unwrap().text,
                format!(
                    "cannot read rules (no such file or directory): {}",
                    home.join("roadsub-no-such-rules.toml").display()
                )
            );
        }
    }
}

#[test]
fn a_per_village_budget_that_shares_out_is_said_shared_out_not_over() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL_GROUPS, Lang::En);
    let text = crate::rules::BUILTIN_TOML;
    let budgets = text.find("\n# 预算额度").unwrap();
    let rules = format!(
        "{}\n{}",
        &text[..budgets],
        r#"
[[budgets]]
fund = "poverty"
class = "group"
per_village = true
name = "Per village"
amount = "15万"
on_overrun = "prorate"
"#
    );
    load(&mut app, dir.path(), "per_village.toml", &rules);
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    terminal.draw(|f| view::draw(f, &app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let s = screen(&mut app, 120, 30);
    let y = s
        .iter()
        .position(|l| l.contains("│Per village"))
        .expect("the budget's line");
    assert!(
        s[y].ends_with("││Per village 2/2 villages shared out · paid 30.00 · asked 50.00  │"),
        "{}",
        s[y]
    );
    // Yellow, as the totals pane without a variant shows a budget that shared out.
    assert_eq!(buffer[(60, y as u16)].fg, ratatui::style::Color::Yellow);
    press(&mut app, "L");
    let text: String = screen(&mut app, 120, 30).join("\n");
    assert!(
        text.contains("│Per village 2/2 村已分配 · 实拨 30.00 · 申请 50.00"),
        "{text}"
    );
}

/// Five group roads of 1 km (10万 each from the poverty fund) in two villages.
const SMALL_GROUPS: &str = "id,township,village,class,width_m,length_km,cost\n\
G1,T,A,group,3.5,1,600000\n\
G2,T,A,group,3.5,1,600000\n\
G3,T,B,group,3.5,1,600000\n\
G4,T,B,group,3.5,1,600000\n\
G5,T,B,group,3.5,1,600000\n";

/// A folder with a long name in `dir`, and two copies of the shipped rules in it whose long
/// names differ only at their end.
fn two_long_names(dir: &Path) -> (PathBuf, PathBuf) {
    let long =
        dir.join("very_long_directory_name_very_long_directory_name_very_long_directory_name_");
    std::fs::create_dir(&long).unwrap();
    let name = "变体规则文件名很长很长变体规则文件名很长很长变体规则文件名很长很长";
    let (a, b) = (
        long.join(format!("{name}.toml")),
        long.join(format!("{name}2.toml")),
    );
    for p in [&a, &b] {
        std::fs::write(p, crate::rules::BUILTIN_TOML).unwrap();
    }
    (a, b)
}

#[test]
fn two_variants_with_long_paths_are_told_apart_in_the_title_and_the_status_line() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::Zh);
    let (a, b) = two_long_names(dir.path());
    press(&mut app, &format!("v{}<Enter>", a.display()));
    let first = screen(&mut app, 80, 24);
    press(&mut app, &format!("v{}<Enter>", b.display()));
    let second = screen(&mut app, 80, 24);
    // The title keeps the end of the name, the status line the whole name, first.
    assert!(
        first[0].ends_with(" · Δ 试算 …规则文件名很长很长.toml（…"),
        "{}",
        first[0]
    );
    assert!(
        second[0].ends_with(" · Δ 试算 …则文件名很长很长2.toml（万…"),
        "{}",
        second[0]
    );
    assert_eq!(
        first[22],
        "试算：变体规则文件名很长很长变体规则文件名很长很长变体规则文件名很长很长.toml (…"
    );
    assert_eq!(
        second[22],
        "试算：变体规则文件名很长很长变体规则文件名很长很长变体规则文件名很长很长2.toml …"
    );
    // A short name in a long folder: the name, then as much of the folder as fits.
    let short = dir.path().join("v_other.toml");
    std::fs::write(&short, provincial()).unwrap();
    press(&mut app, &format!("v{}<Enter>", short.display()));
    let title = &screen(&mut app, 100, 24)[0];
    assert!(
        title.contains(&format!(
            " · Δ 试算 v_other.toml ({}/)（万元） · ",
            dir.path().display()
        )),
        "{title}"
    );
}

#[test]
fn several_settings_are_read_in_full_above_the_variant_prompt() {
    let (mut app, _dir) = open_with(RuleSet::builtin(), SMALL, Lang::Zh);
    press(
        &mut app,
        "vpoverty.group.3.5=15万 transport.village.4.5=50万 transport.group.3.5=20万<Enter>",
    );
    let s = screen(&mut app, 80, 24);
    assert!(
        s[0].ends_with(" · Δ 试算 poverty.group.3.5=15… +2（…"),
        "{}",
        s[0]
    );
    press(&mut app, "v");
    let s = screen(&mut app, 80, 24);
    assert_eq!(
        s[13..22],
        [
            "┌ 试算 ────────────────────────────────────────────────────────────────────────┐",
            "│当前试算：                                                                    │",
            "│• poverty.group.3.5=15万：县扶贫专项补助，通社公路 3.5 米：10万元以内/公里 →  │",
            "│15万元以内/公里                                                               │",
            "│• transport.village.4.5=50万：县交通局补助，通村公路 4.5 米：45万元/公里 →    │",
            "│50万元/公里                                                                   │",
            "│• transport.group.3.5=20万：县交通局补助，通社公路 3.5 米：15万元/公里 → 20万 │",
            "│元/公里                                                                       │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
        ]
    );
    assert_eq!(s[22], "试算（留空回车即清除）：");
    press(&mut app, "<Esc>L");
    press(&mut app, "v");
    let s = screen(&mut app, 80, 24);
    assert_eq!(
        s[14..16],
        [
            "│Shown now:                                                                    │",
            "│• poverty.group.3.5=15万: County poverty-alleviation special fund,            │",
        ]
    );
}

#[test]
fn a_refusal_at_the_prompt_is_said_before_the_text_typed_and_in_full_above_it() {
    let (mut app, dir) = open_with(RuleSet::builtin(), SMALL, Lang::Zh);
    let (a, _) = two_long_names(dir.path());
    let typed = format!("{}x", a.display());
    press(&mut app, &format!("v{typed}<Enter>"));
    assert_eq!(
        app.mode,
        Mode::Variant {
            buffer: typed.clone(),
            cursor: typed.len()
        }
    );
    let s = screen(&mut app, 80, 24);
    assert!(
        s[22].starts_with("✗ 无法读取规则文件（没有这个文件或目录）："),
        "{}",
        s[22]
    );
    assert!(s[22].contains("  试算："), "then the prompt: {}", s[22]);
    // Above it, the whole reason, the long path wrapped by cells.
    let box_top = s.iter().position(|l| l.starts_with("┌ 试算 ")).unwrap();
    let said: String = s[box_top + 1..22]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.trim_start_matches('│').trim_end_matches('│').trim_end())
        .collect();
    assert_eq!(
        said,
        format!("✗ 无法读取规则文件（没有这个文件或目录）：{typed}")
    );
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
