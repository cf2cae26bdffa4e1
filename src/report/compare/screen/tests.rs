//! The terminal's screens and the summary fitted to a width, line by line.

use super::*;
use crate::report::compare::{compare, Table};
use crate::rules::{RuleSet, Setting};
use crate::table::sheet::Sheet;

const SMALL: &str = "编号,乡镇,村,类别,宽度,长度,投资\n\
                     S1,天马乡,画青村,通村,4.5,1,80万\n\
                     S2,天马乡,画青村,社道,3.5,2,60万\n\
                     S3,卧佛镇,关田村,通社,3.5,1,40万\n";

fn table(dir: &tempfile::TempDir, label: &str, text: &str) -> Table {
    let path = dir.path().join(label);
    std::fs::write(&path, text).unwrap();
    Table {
        label: format!("plans/{label}"),
        sheet: Sheet::load(&path).unwrap(),
    }
}

fn raise() -> (RuleSet, RuleSet) {
    let before = RuleSet::builtin();
    let (after, _) = before
        .with_settings(&[Setting::parse("poverty.group.3.5=15万").unwrap()])
        .unwrap();
    (before, after)
}

fn variant() -> Variant {
    Variant {
        kind: "set",
        given: vec!["poverty.group.3.5=15万".into()],
        lines: vec!["the raise".into()],
    }
}

/// Every line of `text` within `width` cells.
fn within(text: &str, width: usize) {
    for l in text.lines() {
        assert!(
            crate::textwidth::cells(l) <= width,
            "{l:?} is wider than {width}\n{text}"
        );
    }
}

const PLAN: &str = "编号,乡镇,村,类别,宽度,长度,投资\n\
                    S1,天马乡,画青村,通村,4.5,1,80万\n\
                    S2,天马乡,画青村,社道,3.5,2,60万\n\
                    S3,石桥铺镇,示例村04,通社,3.5,1,40万\n\
                    S4,石桥铺镇,示例村05,通社,3.5,1,40万\n\
                    S5,石桥铺镇,示例村06,通社,3.5,1,40万\n\
                    S6,周礼镇,示例村07,通村,4.5,1,80万\n";

/// PLAN as the one input.
fn plan_tables(dir: &tempfile::TempDir) -> Vec<Table> {
    vec![table(dir, "plan.csv", PLAN)]
}

#[test]
fn three_villages_of_one_township_stay_whole_at_100_columns_and_a_fund_that_does_not_change_goes_first(
) {
    // The defect: at 100 columns three villages of 石桥铺镇 were all cut to "石桥铺镇 示例…",
    // while columns of changes were kept. Now amounts go first and the villages stay whole;
    // the note of what is left out comes right under the rows; only the townships and
    // villages that change are listed, the others counted.
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = raise();
    let tables = plan_tables(&dir);
    let c = compare(&tables, &before, &after).unwrap();
    let screen = terminal(&c, Lang::Zh, 100, 3);
    let expected = [
        "对比规则改变的行：4 行（共 6 行）\n",
        "编号  村        县扶贫专项补助 变化  补助合计 变化  尚需筹集 变更前  尚需筹集 变更后  尚需筹集 变化\n",
        "────  ────────  ───────────────────  ─────────────  ───────────────  ───────────────  ─────────────\n",
        "S2    画青村            +100,000.00    +100,000.00       100,000.00             0.00    −100,000.00\n",
        "S3    示例村04           +50,000.00     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
        "S4    示例村05           +50,000.00     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
        "……另有 1 个有变化的行未显示；用 -o 文件 写出全部\n",
        "（因宽度不足未显示：县交通局补助 变化、县扶贫专项补助 变化；用 -o 文件 可写出全部列）\n",
        "\n",
        "乡镇      县扶贫专项补助 变化  补助合计 变化  尚需筹集 变更前  尚需筹集 变更后  尚需筹集 变化\n",
        "────────  ───────────────────  ─────────────  ───────────────  ───────────────  ─────────────\n",
        "天马乡            +100,000.00    +100,000.00       150,000.00        50,000.00    −100,000.00\n",
        "石桥铺镇          +150,000.00    +150,000.00       450,000.00       300,000.00    −150,000.00\n",
        "\n",
        "村                 补助合计 变化  尚需筹集 变更前  尚需筹集 变更后  尚需筹集 变化\n",
        "─────────────────  ─────────────  ───────────────  ───────────────  ─────────────\n",
        "天马乡 画青村        +100,000.00       150,000.00        50,000.00    −100,000.00\n",
        "石桥铺镇 示例村04     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
        "石桥铺镇 示例村05     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
        "石桥铺镇 示例村06     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
        "\n",
        "1 个乡镇 / 1 个村未变化（未列出）\n",
    ];
    assert_eq!(screen, expected.concat());
    within(&screen, 100);
}

#[test]
fn at_60_columns_every_line_fits_keeping_the_shortfall_s_change() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = raise();
    let tables = plan_tables(&dir);
    let c = compare(&tables, &before, &after).unwrap();
    let text = terminal(&c, Lang::En, 60, 3);
    let expected = [
        "Rows the variant changes: 4 of 6\n",
        "id  village   shortfall after  shortfall change\n",
        "──  ────────  ───────────────  ────────────────\n",
        "S2  画青村               0.00       −100,000.00\n",
        "S3  示例村04       100,000.00        −50,000.00\n",
        "S4  示例村05       100,000.00        −50,000.00\n",
        "… 1 more changed row not shown; write them all with -o FILE\n",
        "(not shown, for lack of room: County transport bureau\n",
        "subsidy change, County poverty-alleviation special fund\n",
        "change, subsidy total change, shortfall before; all columns\n",
        "are written with -o FILE)\n",
        "\n",
        "township  shortfall after  shortfall change\n",
        "────────  ───────────────  ────────────────\n",
        "天马乡          50,000.00       −100,000.00\n",
        "石桥铺镇       300,000.00       −150,000.00\n",
        "\n",
        "village            shortfall after  shortfall change\n",
        "─────────────────  ───────────────  ────────────────\n",
        "天马乡 画青村            50,000.00       −100,000.00\n",
        "石桥铺镇 示例村04       100,000.00        −50,000.00\n",
        "石桥铺镇 示例村05       100,000.00        −50,000.00\n",
        "石桥铺镇 示例村06       100,000.00        −50,000.00\n",
        "\n",
        "1 township / 1 village unchanged (not shown)\n",
    ];
    assert_eq!(text, expected.concat());
    within(&text, 60);
}

#[test]
fn the_totals_and_budget_tables_fit_the_screen_and_say_what_they_leave_out() {
    // The defect: the budget table, about 230 columns side by side, wrapped at 100 and at 60
    // columns, and the totals wrapped at 60.
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = raise();
    let tables = plan_tables(&dir);
    let c = compare(&tables, &before, &after).unwrap();
    let zh_100 = [
        "对比测算 — 对比规则：\n",
        "  the raise\n",
        "\n",
        "项目                    变更前        变更后         变化\n",
        "────────────────  ────────────  ────────────  ───────────\n",
        "路段数                       6             6            0\n",
        "计划里程（公里）             7             7            0\n",
        "县交通局补助      1,650,000.00  1,650,000.00         0.00\n",
        "县扶贫专项补助    1,100,000.00  1,350,000.00  +250,000.00\n",
        "补助合计          2,750,000.00  3,000,000.00  +250,000.00\n",
        "差额                650,000.00    400,000.00  −250,000.00\n",
        "尚需筹集            650,000.00    400,000.00  −250,000.00\n",
        "\n",
        "预算额度                额度  申请 变更前  申请 变更后  安排 变更前  安排 变更后\n",
        "──────────────  ────────────  ───────────  ───────────  ───────────  ───────────\n",
        "通村硬化路建设  4,965,000.00   600,000.00   600,000.00   600,000.00   600,000.00\n",
        "社级道路建设    6,900,000.00   500,000.00   750,000.00   500,000.00   750,000.00\n",
        "村项目资金      2,000,000.00         0.00         0.00         0.00         0.00\n",
        "（因宽度不足未显示：各村多筹集 变更前、各村多筹集 变更后；用 -o 文件 可写出全部列）\n",
    ];
    let zh_60 = [
        "对比测算 — 对比规则：\n",
        "  the raise\n",
        "\n",
        "项目                    变更前        变更后         变化\n",
        "────────────────  ────────────  ────────────  ───────────\n",
        "路段数                       6             6            0\n",
        "计划里程（公里）             7             7            0\n",
        "县交通局补助      1,650,000.00  1,650,000.00         0.00\n",
        "县扶贫专项补助    1,100,000.00  1,350,000.00  +250,000.00\n",
        "补助合计          2,750,000.00  3,000,000.00  +250,000.00\n",
        "差额                650,000.00    400,000.00  −250,000.00\n",
        "尚需筹集            650,000.00    400,000.00  −250,000.00\n",
        "\n",
        "预算额度                额度  申请 变更前  申请 变更后\n",
        "──────────────  ────────────  ───────────  ───────────\n",
        "通村硬化路建设  4,965,000.00   600,000.00   600,000.00\n",
        "社级道路建设    6,900,000.00   500,000.00   750,000.00\n",
        "村项目资金      2,000,000.00         0.00         0.00\n",
        "（因宽度不足未显示：安排 变更前、安排 变更后、各村多筹集\n",
        "变更前、各村多筹集 变更后；用 -o 文件 可写出全部列）\n",
    ];
    let en_60 = [
        "What if — the variant:\n",
        "  the raise\n",
        "\n",
        "item                                          change\n",
        "───────────────────────────────────────  ───────────\n",
        "segments                                           0\n",
        "km planned                                         0\n",
        "County transport bureau subsidy                 0.00\n",
        "County poverty-alleviation special fund  +250,000.00\n",
        "subsidy total                            +250,000.00\n",
        "gap                                      −250,000.00\n",
        "shortfall                                −250,000.00\n",
        "(not shown, for lack of room: before, after; all columns\n",
        "are written with -o FILE)\n",
        "\n",
        "budget                      envelope  asked after\n",
        "──────────────────────  ────────────  ───────────\n",
        "Village road hardening  4,965,000.00   600,000.00\n",
        "Group road building     6,900,000.00   750,000.00\n",
        "Village project fund    2,000,000.00         0.00\n",
        "(not shown, for lack of room: asked before, paid before,\n",
        "paid after, raised by villages before, raised by villages\n",
        "after; all columns are written with -o FILE)\n",
    ];
    for (lang, width, expected) in [
        (Lang::Zh, 100, zh_100.concat()),
        (Lang::Zh, 60, zh_60.concat()),
        (Lang::En, 60, en_60.concat()),
    ] {
        let text = summary_fit(&c, &variant(), lang, width);
        assert_eq!(text, expected);
        within(&text, width);
    }
    // Wide enough, nothing is left out; the files' summary keeps every column.
    let wide = summary_fit(&c, &variant(), Lang::En, 200);
    assert!(!wide.contains("not shown"), "{wide}");
    assert!(wide.contains("raised by villages after"), "{wide}");
    assert!(summary(&c, &variant(), Lang::En).contains("envelope before  envelope after"));
}

#[test]
fn several_inputs_get_a_file_column_named_by_their_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = raise();
    let tables = vec![
        table(&dir, "plan.csv", PLAN),
        table(&dir, "small.csv", &SMALL.replace('S', "T")),
    ];
    let c = compare(&tables, &before, &after).unwrap();
    let text = terminal(&c, Lang::En, 100, 10);
    let expected = [
        "Rows the variant changes: 6 of 9\n",
        "file       id  village   subsidy total change  shortfall before  shortfall after  shortfall change\n",
        "─────────  ──  ────────  ────────────────────  ────────────────  ───────────────  ────────────────\n",
        "plan.csv   S2  画青村             +100,000.00        100,000.00             0.00       −100,000.00\n",
        "plan.csv   S3  示例村04            +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "plan.csv   S4  示例村05            +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "plan.csv   S5  示例村06            +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "small.csv  T2  画青村             +100,000.00        100,000.00             0.00       −100,000.00\n",
        "small.csv  T3  关田村              +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "(not shown, for lack of room: County transport bureau subsidy change, County poverty-alleviation\n",
        "special fund change; all columns are written with -o FILE)\n",
        "\n",
        "township  subsidy total change  shortfall before  shortfall after  shortfall change\n",
        "────────  ────────────────────  ────────────────  ───────────────  ────────────────\n",
        "卧佛镇              +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "天马乡             +200,000.00        300,000.00       100,000.00       −200,000.00\n",
        "石桥铺镇           +150,000.00        450,000.00       300,000.00       −150,000.00\n",
        "\n",
        "village            subsidy total change  shortfall before  shortfall after  shortfall change\n",
        "─────────────────  ────────────────────  ────────────────  ───────────────  ────────────────\n",
        "卧佛镇 关田村                +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "天马乡 画青村               +200,000.00        300,000.00       100,000.00       −200,000.00\n",
        "石桥铺镇 示例村04            +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "石桥铺镇 示例村05            +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "石桥铺镇 示例村06            +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "\n",
        "1 township / 1 village unchanged (not shown)\n",
    ];
    assert_eq!(text, expected.concat());
    within(&text, 100);
    // Two inputs of one file name are told apart by their labels as given.
    assert_eq!(
        short_labels(&["a/plan.csv".into(), "b/plan.csv".into()]),
        ["a/plan.csv", "b/plan.csv"]
    );
    assert_eq!(
        short_labels(&["a/plan.csv".into(), "b/x.csv".into()]),
        ["plan.csv", "x.csv"]
    );
}

#[test]
fn a_variant_that_changes_nothing_is_one_line_not_tables_of_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let rules = RuleSet::builtin();
    let tables = vec![table(&dir, "plan.csv", PLAN)];
    let c = compare(&tables, &rules, &rules).unwrap();
    assert_eq!(
        terminal(&c, Lang::En, 100, 10),
        "The variant changes nothing: each of the 6 rows computes the same under both rule sets.\n"
    );
    assert_eq!(
        terminal(&c, Lang::Zh, 100, 10),
        "对比规则未改变任何结果：全部 6 行在两套规则下金额相同。\n"
    );
}
