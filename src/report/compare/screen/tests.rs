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
        "石桥铺镇          +150,000.00    +150,000.00       450,000.00       300,000.00    −150,000.00\n",
        "天马乡            +100,000.00    +100,000.00       150,000.00        50,000.00    −100,000.00\n",
        "\n",
        "村                 补助合计 变化  尚需筹集 变更前  尚需筹集 变更后  尚需筹集 变化\n",
        "─────────────────  ─────────────  ───────────────  ───────────────  ─────────────\n",
        "石桥铺镇 示例村04     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
        "石桥铺镇 示例村05     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
        "石桥铺镇 示例村06     +50,000.00       150,000.00       100,000.00     −50,000.00\n",
        "……另有 1 个有变化的村未显示；用 -o 文件 写出全部\n",
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
        "石桥铺镇       300,000.00       −150,000.00\n",
        "天马乡          50,000.00       −100,000.00\n",
        "\n",
        "village            shortfall after  shortfall change\n",
        "─────────────────  ───────────────  ────────────────\n",
        "石桥铺镇 示例村04       100,000.00        −50,000.00\n",
        "石桥铺镇 示例村05       100,000.00        −50,000.00\n",
        "石桥铺镇 示例村06       100,000.00        −50,000.00\n",
        "… 1 more changed village not shown; write them all with\n",
        "-o FILE\n",
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
        "金额单位：元。\n",
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
        "预算额度（元）          额度  申请 变更前  申请 变更后  安排 变更前  安排 变更后\n",
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
        "金额单位：元。\n",
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
        "预算额度（元）          额度  申请 变更前  申请 变更后\n",
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
        "Amounts in yuan.\n",
        "item                                      after       change\n",
        "─────────────────────────────────  ────────────  ───────────\n",
        "segments                                      6            0\n",
        "km planned                                    7            0\n",
        "County transport bureau subsidy    1,650,000.00         0.00\n",
        "County poverty-alleviation speci…  1,350,000.00  +250,000.00\n",
        "subsidy total                      3,000,000.00  +250,000.00\n",
        "gap                                  400,000.00  −250,000.00\n",
        "shortfall                            400,000.00  −250,000.00\n",
        "(not shown, for lack of room: before; all columns are\n",
        "written with -o FILE)\n",
        "\n",
        "budget (yuan)               envelope  asked after\n",
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
        let text = summary_fit(&c, &variant(), lang, Unit::Yuan, width);
        assert_eq!(text, expected);
        within(&text, width);
    }
    // Wide enough, nothing is left out; the files' summary keeps every column.
    let wide = summary_fit(&c, &variant(), Lang::En, Unit::Yuan, 200);
    assert!(!wide.contains("not shown"), "{wide}");
    assert!(wide.contains("raised by villages after"), "{wide}");
    assert!(
        summary(&c, &variant(), Lang::En, Unit::Yuan).contains("envelope before  envelope after")
    );
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
        "石桥铺镇           +150,000.00        450,000.00       300,000.00       −150,000.00\n",
        "天马乡             +200,000.00        300,000.00       100,000.00       −200,000.00\n",
        "卧佛镇              +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "\n",
        "village            subsidy total change  shortfall before  shortfall after  shortfall change\n",
        "─────────────────  ────────────────────  ────────────────  ───────────────  ────────────────\n",
        "石桥铺镇 示例村04            +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "石桥铺镇 示例村05            +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "石桥铺镇 示例村06            +50,000.00        150,000.00       100,000.00        −50,000.00\n",
        "天马乡 画青村               +200,000.00        300,000.00       100,000.00       −200,000.00\n",
        "卧佛镇 关田村                +50,000.00        150,000.00       100,000.00        −50,000.00\n",
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

#[test]
fn at_80_columns_the_english_totals_show_before_after_and_change_with_the_long_fund_name_cut() {
    // The defect: at 80 columns the totals left "before" out for a fund name of 39 cells.
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = raise();
    let plan = include_str!("../../../../examples/anyue-2018-plan.csv");
    let c = compare(&[table(&dir, "plan.csv", plan)], &before, &after).unwrap();
    let text = summary_fit(&c, &variant(), Lang::En, Unit::Yuan, 80);
    let totals = [
        "item                                        before          after         change\n",
        "───────────────────────────────────  ─────────────  ─────────────  ─────────────\n",
        "segments                                        66             66              0\n",
        "km planned                                   97.05          97.05              0\n",
        "County transport bureau subsidy      19,987,500.00  19,987,500.00           0.00\n",
        "County poverty-alleviation special…  11,640,000.00  15,902,500.00  +4,262,500.00\n",
        "subsidy total                        31,627,500.00  35,890,000.00  +4,262,500.00\n",
        "gap                                  14,107,500.00   9,845,000.00  −4,262,500.00\n",
        "shortfall                             5,315,500.00   1,958,000.00  −3,357,500.00\n",
        "\n",
    ];
    assert!(text.contains(&totals.concat()), "{text}");
    within(&text, 80);
    // The class: at every width from 80 up, no total is left out.
    for width in 80..=120 {
        let text = summary_fit(&c, &variant(), Lang::En, Unit::Yuan, width);
        assert!(
            text.lines().nth(4).unwrap().starts_with("item") && !text.contains("before; all"),
            "{text}"
        );
        within(&text, width);
    }
}

/// Two inputs of one file name in other folders: the file column shows their paths.
fn far_tables(dir: &tempfile::TempDir) -> Vec<Table> {
    let mut a = table(dir, "a.csv", PLAN);
    a.label = "/srv/county/plans/2018/mix2.csv".into();
    let mut b = table(dir, "b.csv", &PLAN.replace('S', "T"));
    b.label = "/srv/county/plans/2019/mix2.csv".into();
    vec![a, b]
}

#[test]
fn at_40_columns_with_two_inputs_the_shortfall_change_stays_and_the_file_column_is_cut_from_the_left(
) {
    // The defect: below some width the rows table kept only `file | id | village`.
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = raise();
    let c = compare(&far_tables(&dir), &before, &after).unwrap();
    let text = terminal(&c, Lang::En, 40, 3);
    let expected = [
        "Rows the variant changes: 8 of 12\n",
        "file      id  village   shortfall change\n",
        "────────  ──  ────────  ────────────────\n",
        "…ix2.csv  S2  画青村         −100,000.00\n",
        "…ix2.csv  S3  示例村04        −50,000.00\n",
        "…ix2.csv  S4  示例村05        −50,000.00\n",
    ];
    assert!(text.starts_with(&expected.concat()), "{text}");
    within(&text, 40);
    // The class: at every width the rows table keeps the shortfall's change, the file
    // column going first.
    for width in 30..=100 {
        let text = terminal(&c, Lang::En, width, 3);
        let head = text
            .lines()
            .find(|l| l.starts_with("file") || l.starts_with("id"))
            .unwrap();
        assert!(head.ends_with("shortfall change"), "{width}: {text}");
        within(&text, width);
    }
}

#[test]
fn at_40_columns_the_per_village_budget_lines_keep_their_village_and_cut_the_budget_s_name() {
    // The defect: `Village project fund · …` on every line, the over-budget villages lost.
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = raise();
    let text = "编号,乡镇,村,类别,宽度,长度,投资,村项目资金\n\
                S1,自治乡,金鸡村,通村,4.5,1,80万,215万\n\
                S2,石桥铺镇,示例村05,社道,3.5,2,60万,204.2万\n";
    let c = compare(&[table(&dir, "v.csv", text)], &before, &after).unwrap();
    let summary = summary_fit(&c, &variant(), Lang::En, Unit::Yuan, 40);
    assert!(
        summary.contains("\nVilla… · 石桥铺镇 示例村05  2,042,000.00\n")
            && summary.contains("\nVillage p… · 自治乡 金鸡村  2,150,000.00\n"),
        "{summary}"
    );
    within(&summary, 40);
    let zh = summary_fit(&c, &variant(), Lang::Zh, Unit::Yuan, 40);
    assert!(zh.contains("村项目资金 · 自治乡 金鸡村"), "{zh}");
    within(&zh, 40);
}

#[test]
fn the_summary_s_variant_lines_and_overrun_sentences_wrap_between_words_never_inside_a_number() {
    // The defect: the terminal broke `up to 100,00` / `0 yuan/km` and `需1294` / `.75万元`.
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = raise();
    let text = "编号,乡镇,村,类别,宽度,长度,投资,村项目资金\n\
                S1,自治乡,金鸡村,通村,4.5,1,80万,215万\n";
    let c = compare(&[table(&dir, "v.csv", text)], &before, &after).unwrap();
    let raise = Variant {
        kind: "set",
        given: vec!["poverty.group.3.5=15万".into()],
        lines: vec!["County poverty-alleviation special fund, group-access road 3.5 m: up to 100,000 yuan/km → up to 150,000 yuan/km".into()],
    };
    let en = summary_fit(&c, &raise, Lang::En, Unit::Yuan, 40);
    assert!(
        en.starts_with(
            "What if — the variant:\n\
         \x20 County poverty-alleviation special\n\
         \x20   fund, group-access road 3.5 m: up\n\
         \x20   to 100,000 yuan/km → up to 150,000\n\
         \x20   yuan/km\n"
        ),
        "{en}"
    );
    assert!(
        en.ends_with(
            "under the rules in force: OVER BUDGET:\n\
         \x20 Village project fund · 自治乡 金鸡村\n\
         \x20 needs 2,150,000.00 yuan, 150,000.00\n\
         \x20 more than its envelope of\n\
         \x20 2,000,000.00 yuan\n\
         under the variant: OVER BUDGET: Village\n\
         \x20 project fund · 自治乡 金鸡村 needs\n\
         \x20 2,150,000.00 yuan, 150,000.00 more\n\
         \x20 than its envelope of 2,000,000.00 yuan\n"
        ),
        "{en}"
    );
    within(&en, 40);
    let zh = summary_fit(&c, &raise, Lang::Zh, Unit::Yuan, 30);
    within(&zh, 30);
    // The class: at any width where the longest word fits (`poverty-alleviation` after the
    // hanging indent), every number and Latin word of the sentences is whole on one line.
    for width in 24..=90 {
        for lang in [Lang::En, Lang::Zh] {
            let mut whole = raise.lines.join(" ");
            for sentence in overrun_sentences(&c, lang) {
                whole.push(' ');
                whole.push_str(&sentence);
            }
            let text = summary_fit(&c, &raise, lang, Unit::Yuan, width);
            let words: Vec<String> = whole
                .split(|ch: char| !(ch.is_ascii_graphic() && ch != '(' && ch != ')'))
                .filter(|w| w.chars().any(|ch| ch.is_ascii_alphanumeric()))
                .map(str::to_string)
                .collect();
            for w in &words {
                assert!(
                    text.lines().any(|l| l.contains(w.as_str())),
                    "{width}: {w:?} is split\n{text}"
                );
            }
            within(&text, width);
        }
    }
}

mod budget_pairs {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// A line of budget `budget` over `scope` (its amounts do not pair it).
    fn line(budget: usize, scope: Scope<'static>) -> BudgetLine<'static> {
        BudgetLine {
            budget,
            scope,
            name: String::new(),
            envelope: Decimal::ZERO,
            used: Decimal::ZERO,
            asked: Decimal::ZERO,
            raised: Decimal::ZERO,
            on_overrun: crate::rules::OnOverrun::Report,
        }
    }

    /// The whole run or one of a few villages (two townships share a village's name).
    fn scope() -> impl Strategy<Value = Scope<'static>> {
        prop_oneof![
            Just(Scope::Whole),
            (0usize..2, 0usize..3).prop_map(|(t, v)| Scope::Village {
                township: ["甲乡", "乙镇"][t],
                village: ["一村", "二村", "三村"][v],
            }),
        ]
    }

    fn lines() -> impl Strategy<Value = Vec<BudgetLine<'static>>> {
        proptest::collection::vec((0usize..4, scope()), 0..24)
            .prop_map(|ls| ls.into_iter().map(|(b, s)| line(b, s)).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Budget lines found beside each other by key are those each line against all
        /// finds: any matching of budgets (none, some, out of order, past the end), lines of
        /// one kind twice, lines no line matches on either side, in their order.
        #[test]
        fn budget_lines_paired_by_key_are_those_each_against_all_pairs(
            before in lines(),
            after in lines(),
            pairs in proptest::collection::vec(proptest::option::of(0usize..4), 0..5),
        ) {
            let same = |x: &BudgetLine, y: &BudgetLine| {
                pairs.get(x.budget) == Some(&Some(y.budget)) && x.scope == y.scope
            };
            let mut want = Vec::new();
            for x in &before {
                want.push((Some(x), after.iter().find(|y| same(x, y))));
            }
            for y in after.iter().filter(|y| !before.iter().any(|x| same(x, y))) {
                want.push((None, Some(y)));
            }
            let got = paired_lines(&before, &after, &pairs);
            let places = |v: &[(Option<&BudgetLine>, Option<&BudgetLine>)]| -> Vec<(Option<usize>, Option<usize>)> {
                v.iter()
                    .map(|(x, y)| {
                        let at = |l: Option<&BudgetLine>, ls: &[BudgetLine]| {
                            l.map(|l| ls.iter().position(|m| std::ptr::eq(m, l)).unwrap())
                        };
                        (at(*x, &before), at(*y, &after))
                    })
                    .collect()
            };
            prop_assert_eq!(places(&got), places(&want));
        }
    }
}
