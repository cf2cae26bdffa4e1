//! The sheets county offices keep: a unit in a title row above the header, the headers they
//! write (序号, 所属乡镇, 村名称, 道路等级, 建设里程(km), 总投资(万元)), `--amount-unit` and
//! `--map`, and a report workbook whose input numbers stay numbers.

use super::*;
use rust_xlsxwriter::{Format, Workbook};

fn office(name: &str) -> String {
    data(&format!("office/{name}"))
}

const CAPPED: &str = "\"County transport bureau subsidy cut from 900,000.00 yuan to 630,000.00 yuan so the subsidy does not exceed the cost; County poverty-alleviation special fund cut from 600,000.00 yuan to 0.00 yuan so the subsidy does not exceed the cost\"";

/// A workbook whose title row says 单位：万元 above a header with no unit, and a cost of 63.
fn unit_title_xlsx(env: &Env, title: &str) -> String {
    let path = env.path("plan.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .merge_range(0, 0, 0, 6, title, &Format::new())
        .unwrap();
    let header = ["编号", "乡镇", "村", "类别", "宽度", "长度", "投资"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (c, t) in ["007", "石鼓镇", "大骥村", "通村"].iter().enumerate() {
        sheet.write_string(2, c as u16, *t).unwrap();
    }
    sheet.write_number(2, 4, 4.5).unwrap();
    sheet.write_number(2, 5, 2.0).unwrap();
    sheet.write_number(2, 6, 63.0).unwrap();
    for (c, t) in ["008", "石鼓镇", "玉皇村", "社道"].iter().enumerate() {
        sheet.write_string(3, c as u16, *t).unwrap();
    }
    sheet.write_number(3, 4, 3.5).unwrap();
    sheet.write_string(3, 5, "1.5").unwrap();
    sheet.write_number(3, 6, 40.0).unwrap();
    book.save(&path).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_cost_of_63_under_a_unit_title_is_read_as_63_wan_not_63_yuan() {
    let env = Env::new();
    env.roadsub(&["batch", &office("unit-title.csv")]).expect(
        0,
        &format!(
            "编号,乡镇,村,类别,宽度,长度,投资(万元),transport,poverty,subsidy_total,gap,shortfall,notes\n\
             T1,石鼓镇,大骥村,通村,4.5,2,63,630000.00,0.00,630000.00,0.00,0.00,{CAPPED}\n"
        ),
        "",
    );
    let xlsx = unit_title_xlsx(&env, "单位：万元");
    let out = env.roadsub(&["batch", &xlsx]).expect_code(0).stdout.clone();
    assert_eq!(cell(&out, "007", "subsidy_total"), "630000.00");
    assert_eq!(cell(&out, "008", "transport"), "225000.00");
    assert_eq!(cell(&out, "008", "shortfall"), "25000.00");
}

#[test]
fn office_headers_and_a_unit_title_are_read() {
    let env = Env::new();
    env.roadsub(&["batch", &office("office-headers.csv")]).expect(
        0,
        &format!(
            "序号,所属乡镇,村名称,道路等级,建设里程(km),总投资(万元),路面宽度,transport,poverty,subsidy_total,gap,shortfall,notes\n\
             1,石鼓镇,大骥村,通村公路,2,63,4.5,630000.00,0.00,630000.00,0.00,0.00,{CAPPED}\n\
             2,石鼓镇,玉皇村,通组,1.5,40,3.5,225000.00,150000.00,375000.00,25000.00,25000.00,\n"
        ),
        "",
    );
}

#[test]
fn a_unit_title_in_any_of_the_forms_offices_write_it() {
    let env = Env::new();
    for name in ["ascii-colon.csv", "metres-title.csv", "yuan-title.csv"] {
        let out = env.roadsub(&["batch", &office(name)]).expect_code(0);
        assert_eq!(out.stderr, "", "{name}");
        assert_eq!(
            cell(&out.stdout, "1", "subsidy_total"),
            "630000.00",
            "{name}"
        );
        assert_eq!(
            cell(&out.stdout, "1", "notes"),
            CAPPED.trim_matches('"'),
            "{name}"
        );
    }
}

#[test]
fn the_summary_says_which_unit_was_read_and_where_it_was_said() {
    let env = Env::new();
    let out = env
        .roadsub(&[
            "batch",
            &office("office-headers.csv"),
            "--summary",
            "-o",
            &env.file("o.csv"),
        ])
        .expect_code(0);
    assert!(
        out.stdout.starts_with(
            "Summary — Anyue County 2018 subsidy standards for village and group roads\n\
             Amounts in the table read in 万元 (10,000 yuan) (from \"（单位：万元、公里）\" above the header)\n\
             Lengths in the table read in km (from \"（单位：万元、公里）\" above the header)\n\
             2 segments, 3.5 km planned"
        ),
        "{}",
        out.stdout
    );
    let out = env
        .roadsub(&[
            "batch",
            &office("unit-title.csv"),
            "--summary",
            "--lang",
            "zh",
            "-o",
            &env.file("o.csv"),
        ])
        .expect_code(0);
    assert!(
        out.stdout.starts_with(
            "汇总 — 安岳县2018年贫困村通村通社公路补助标准\n\
             表中金额按万元读取（取自表头上方“单位：万元”）\n\
             路段 1 个"
        ),
        "{}",
        out.stdout
    );
    // Nothing said, nothing shown.
    let out = env
        .roadsub(&["batch", &example(), "--summary", "-o", &env.file("o.csv")])
        .expect_code(0);
    assert!(!out.stdout.contains("read in"), "{}", out.stdout);
}

#[test]
fn amount_unit_reads_bare_amounts_in_wan_and_is_said() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,整合资金(元)\nT1,石鼓镇,玉皇村,社道,3.5,1.5,40,5000\n",
    );
    let out = env
        .roadsub(&[
            "batch",
            &input,
            "--amount-unit",
            "万元",
            "--summary",
            "-o",
            &env.file("o.csv"),
        ])
        .expect_code(0);
    assert!(
        out.stdout
            .contains("\nAmounts in the table read in 万元 (10,000 yuan) (from --amount-unit)\n"),
        "{}",
        out.stdout
    );
    let written = env.read("o.csv");
    assert_eq!(cell(&written, "T1", "gap"), "25000.00", "40万 less 37.5万");
    assert_eq!(
        cell(&written, "T1", "shortfall"),
        "20000.00",
        "整合资金 in 元 by its header"
    );
    // The same unit as the title: agreed.
    env.roadsub(&["batch", &office("unit-title.csv"), "--amount-unit", "万元"])
        .expect_code(0);
}

#[test]
fn amount_unit_that_contradicts_the_title_is_refused() {
    let env = Env::new();
    let input = office("unit-title.csv");
    env.roadsub(&["batch", &input, "--amount-unit", "元"]).expect(
        1,
        "",
        &format!(
            "{input}: --amount-unit 元 contradicts \"单位：万元\" above the header; drop the flag or correct the sheet\n\
             1 table not read; nothing written\n"
        ),
    );
    let out = env
        .roadsub(&["batch", &input, "--amount-unit", "元", "--lang", "zh"])
        .expect_code(1);
    assert!(
        out.stderr.starts_with(&format!(
            "{input}: --amount-unit 元 与表头上方的“单位：万元”不符；请去掉该选项或改正表格\n"
        )),
        "{}",
        out.stderr
    );
    let xlsx = unit_title_xlsx(&env, "金额单位：元");
    let out = env
        .roadsub(&["batch", &xlsx, "--amount-unit", "万元"])
        .expect_code(1);
    assert!(
        out.stderr
            .contains("--amount-unit 万元 contradicts \"金额单位：元\" above the header"),
        "{}",
        out.stderr
    );
}

#[test]
fn two_title_rows_that_state_different_units_are_refused() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "单位：万元\n金额单位：元\n编号,乡镇,村,类别,宽度,长度,投资\nT1,石鼓镇,大骥村,通村,4.5,2,63\n",
    );
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{input}: the rows above the header state two units: \"单位：万元\" and \"金额单位：元\"; keep one\n\
             1 table not read; nothing written\n"
        ),
    );
    let out = env
        .roadsub(&["batch", &input, "--lang", "zh"])
        .expect_code(1);
    assert!(
        out.stderr.starts_with(&format!(
            "{input}: 表头上方的两行所写单位不同：“单位：万元”与“金额单位：元”；请只保留一种\n"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_unit_in_a_headers_brackets_wins_over_the_title() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "单位：万元\n编号,乡镇,村,类别,宽度,长度,投资(元)\nT1,石鼓镇,玉皇村,社道,3.5,1.5,400000\n",
    );
    let out = env.roadsub(&["batch", &input]).expect_code(0);
    assert_eq!(cell(&out.stdout, "T1", "gap"), "25000.00");
}

#[test]
fn map_reads_any_other_header_as_a_field() {
    let env = Env::new();
    let input = office("map.csv");
    let out = env
        .roadsub(&["batch", &input, "--map", "项目估算总额=cost"])
        .expect_code(0);
    assert_eq!(cell(&out.stdout, "C1", "subsidy_total"), "630000.00");
    assert_eq!(
        cell(&out.stdout, "C1", "村(社区)"),
        "大骥村",
        "a bracket that is no unit"
    );
}

#[test]
fn map_naming_an_unknown_field_or_header_or_one_field_twice_is_refused() {
    let env = Env::new();
    let input = office("map.csv");
    env.roadsub(&["batch", &input, "--map", "项目估算总额=money"]).expect(
        2,
        "",
        "roadsub: --map \"项目估算总额=money\": \"money\" is not a field (fields: id, township, village, name, class, width_m, length_km, cost, cost_per_km, other_funds, completed_km, households, yishi_yiyi, self_raised, village_fund, disbursed, priority, date, year, own)\n",
    );
    env.roadsub(&["batch", &input, "--map", "项目估算总额=money", "--lang", "zh"]).expect(
        2,
        "",
        "roadsub: --map \"项目估算总额=money\"：\"money\" 不是字段（可用字段：id, township, village, name, class, width_m, length_km, cost, cost_per_km, other_funds, completed_km, households, yishi_yiyi, self_raised, village_fund, disbursed, priority, date, year, own）\n",
    );
    env.roadsub(&["batch", &input, "--map", "总投资"]).expect(
        2,
        "",
        "roadsub: --map \"总投资\": expected HEADER=FIELD, e.g. --map \"总投资=cost\"\n",
    );
    env.roadsub(&["batch", &input, "--map", "A=cost", "--map", "B=cost"])
        .expect(
            2,
            "",
            "roadsub: --map maps both \"A\" and \"B\" to cost; a field is read from one column\n",
        );
    env.roadsub(&[
        "batch", &input, "--map", "A=cost", "--map", "B=cost", "--lang", "zh",
    ])
    .expect(
        2,
        "",
        "roadsub: --map 将 \"A\" 和 \"B\" 都指定为 cost；一个字段只能取自一列\n",
    );
    let out = env
        .roadsub(&["batch", &input, "--map", "总投资=cost"])
        .expect_code(1);
    assert!(
        out.stderr.starts_with(&format!(
            "{input}: --map names the column \"总投资\", which the header does not have; the header has \"编号\", \"乡镇\", \"村(社区)\", \"类别\", \"宽度\", \"长度\", \"项目估算总额\"\n"
        )),
        "{}",
        out.stderr
    );
    let out = env
        .roadsub(&["batch", &input, "--map", "总投资=cost", "--lang", "zh"])
        .expect_code(1);
    assert!(
        out.stderr.starts_with(&format!(
            "{input}: --map 所指的列“总投资”不在表头中；表头为：“编号”、“乡镇”、“村(社区)”、“类别”、“宽度”、“长度”、“项目估算总额”\n"
        )),
        "{}",
        out.stderr
    );
    // A header mapped to a field another column holds by its name: two columns for one field.
    let out = env
        .roadsub(&["batch", &input, "--map", "项目估算总额=village"])
        .expect_code(1);
    assert!(
        out.stderr
            .contains("columns \"村(社区)\" and \"项目估算总额\" both hold village; keep one"),
        "{}",
        out.stderr
    );
}

#[test]
fn explain_says_the_unit_and_takes_the_flags() {
    let env = Env::new();
    let out = env
        .roadsub(&["explain", &office("office-headers.csv"), "--id", "2"])
        .expect_code(0);
    assert!(
        out.stdout.starts_with(
            "Amounts in the table read in 万元 (10,000 yuan) (from \"（单位：万元、公里）\" above the header)\n\
             Lengths in the table read in km (from \"（单位：万元、公里）\" above the header)\n"
        ),
        "{}",
        out.stdout
    );
    let out = env
        .roadsub(&[
            "explain",
            &office("map.csv"),
            "--row",
            "1",
            "--map",
            "项目估算总额=cost",
            "--lang",
            "zh",
        ])
        .expect_code(0);
    assert!(out.stdout.contains("630,000.00"), "{}", out.stdout);
    let out = env
        .roadsub(&[
            "explain",
            &office("unit-title.csv"),
            "--row",
            "1",
            "--amount-unit",
            "元",
        ])
        .expect_code(1);
    assert!(
        out.stderr.contains("--amount-unit 元 contradicts"),
        "{}",
        out.stderr
    );
}

#[test]
fn numbers_from_a_workbook_stay_numbers_in_the_report_and_the_totals_row_sums_them() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let xlsx = unit_title_xlsx(&env, "单位：万元");
    let out = env.file("report.xlsx");
    env.roadsub(&["batch", &xlsx, "-o", &out]).expect_code(0);
    let mut book = open_workbook_auto(&out).unwrap();
    let segments = book.worksheet_range("Segments").unwrap();
    let rows: Vec<&[Data]> = segments.rows().collect();
    assert_eq!(
        rows[1][0],
        Data::String("007".into()),
        "an id keeps its leading zeros"
    );
    assert_eq!(rows[1][2], Data::String("大骥村".into()));
    assert_eq!(rows[1][4], Data::Float(4.5));
    assert_eq!(rows[1][5], Data::Float(2.0));
    assert_eq!(rows[1][6], Data::Float(63.0));
    assert_eq!(
        rows[2][5],
        Data::Float(1.5),
        "a number stored as text in a length column"
    );
    assert_eq!(rows[2][6], Data::Float(40.0));
    let totals = rows[3];
    assert_eq!(totals[0], Data::String("Total".into()));
    assert_eq!(totals[5], Data::Float(3.5), "km");
    assert_eq!(totals[6], Data::Float(103.0), "in the column's 万元");
    assert_eq!(totals[9], Data::Float(1_005_000.0), "subsidy_total in yuan");
}

#[test]
fn the_report_totals_row_sums_completed_km_and_cost_in_yuan() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,已完工\nA1,石鼓镇,大骥村,通村,4.5,2,1200000,0.5\nA2,石鼓镇,玉皇村,社道,3.5,1.5,400000,1.5\n",
    );
    let out = env.file("report.xlsx");
    env.roadsub(&["batch", &input, "-o", &out]).expect_code(0);
    let mut book = open_workbook_auto(&out).unwrap();
    let segments = book.worksheet_range("Segments").unwrap();
    let rows: Vec<&[Data]> = segments.rows().collect();
    assert_eq!(rows[1][6], Data::Float(1_200_000.0));
    assert_eq!(rows[3][5], Data::Float(3.5));
    assert_eq!(rows[3][6], Data::Float(1_600_000.0));
    assert_eq!(rows[3][7], Data::Float(2.0));
}

#[test]
fn a_table_read_in_wan_by_its_title_reads_back_the_same_from_roadsubs_output() {
    let env = Env::new();
    let input = office("metres-title.csv");
    let first = env
        .roadsub(&["batch", &input])
        .expect_code(0)
        .stdout
        .clone();
    assert!(
        first.starts_with("序号,所属乡镇,村名称,道路等级,建设里程(米),路面宽度,总投资(万元),"),
        "the output has no title row: its headers say the units\n{first}"
    );
    let again = env
        .roadsub(&["batch", "-"])
        .stdin(first.as_bytes())
        .expect_code(0);
    assert_eq!(again.stdout, first);
    let report = env.file("report.xlsx");
    env.roadsub(&["batch", &input, "-o", &report])
        .expect_code(0);
    let back = env.roadsub(&["batch", &report]).expect_code(0);
    assert_eq!(back.stdout, first);
}

#[test]
fn a_title_row_without_separators_does_not_decide_the_separator() {
    let env = Env::new();
    for (name, sep) in [("semi.csv", ";"), ("tab.csv", "\t")] {
        let header = ["编号", "乡镇", "村", "类别", "宽度", "长度", "投资"].join(sep);
        let row = ["T1", "石鼓镇", "大骥村", "通村", "4.5", "2", "63"].join(sep);
        let input = env.write(name, format!("单位：万元\n{header}\n{row}\n"));
        let out = env.roadsub(&["batch", &input]).expect_code(0);
        assert_eq!(
            cell(&out.stdout, "T1", "subsidy_total"),
            "630000.00",
            "{name}"
        );
    }
}

#[test]
fn compare_reads_an_office_sheet_in_its_title_s_unit_and_takes_amount_unit_and_map() {
    let env = Env::new();
    let example = format!("{}/examples/office-2018.csv", env!("CARGO_MANIFEST_DIR"));
    let out = env
        .roadsub(&[
            "compare",
            &example,
            "--set",
            "poverty.group.3.5=15万",
            "--format",
            "json",
        ])
        .expect_code(0)
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // 玉皇村 1.5 km and 金鸡村 1.8 km of group road, costs 52万 and 60万 (the title's 万元):
    // the poverty fund pays 5万 more per km on each, 75,000.00 + 90,000.00.
    assert_eq!(v["totals"]["change"]["funds"]["poverty"], "165000.00");
    assert_eq!(v["totals"]["before"]["cost"], "3580000.00");
    // A flag that contradicts the title is refused as batch refuses it.
    let batch = env
        .roadsub(&["batch", &example, "--amount-unit", "元"])
        .expect_code(1)
        .stderr
        .clone();
    let compare = env
        .roadsub(&[
            "compare",
            &example,
            "--set",
            "poverty.group.3.5=15万",
            "--amount-unit",
            "元",
        ])
        .expect_code(1)
        .stderr
        .clone();
    assert!(!batch.is_empty());
    assert_eq!(compare.lines().next(), batch.lines().next());
    // --map reads another header as a field in compare too.
    let mapped = env.write(
        "mapped.csv",
        "编号,乡镇,村,类别,宽度,长度,项目总额\nM1,石鼓镇,大骥村,社道,3.5,1,300000\n",
    );
    let out = env
        .roadsub(&[
            "compare",
            &mapped,
            "--set",
            "poverty.group.3.5=15万",
            "--map",
            "项目总额=cost",
            "--format",
            "json",
        ])
        .expect_code(0)
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"][0]["after"]["shortfall"], "0.00");
    assert_eq!(v["rows"][0]["before"]["shortfall"], "50000.00");
}

#[test]
fn notice_reads_an_office_sheet_in_its_title_s_unit() {
    let env = Env::new();
    let example = format!("{}/examples/office-2018.csv", env!("CARGO_MANIFEST_DIR"));
    env.roadsub(&["notice", &example, "-o", "notices", "--village", "玉皇村"])
        .expect_code(0);
    let book = env.path("notices/石鼓镇-玉皇村.xlsx");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    use calamine::Reader;
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    // The segment's cost, 52 under （单位：万元、公里）, is 52万 on the notice (in 万元).
    let cost = range
        .rows()
        .find(|r| r.iter().any(|c| *c == "2"))
        .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .unwrap();
    assert!(cost.contains(&"52".to_string()), "{cost:?}");
}

const OFFICE_HEADER: &str = "序号,所属乡镇,村名称,道路等级,建设里程,路面宽度,总投资\n";

#[test]
fn an_organisation_line_with_a_place_name_is_not_read_as_a_unit() {
    let env = Env::new();
    // 米易县 does not put the lengths in 米: 2 km stay 2 km, and no warning of 48亿 per km.
    let miyi = env.write(
        "miyi.csv",
        format!("填报单位：米易县交通运输局\n{OFFICE_HEADER}1,丙谷镇,新山村,通村公路,2,4.5,96万\n"),
    );
    let out = env.roadsub(&["batch", &miyi]).expect_code(0);
    assert_eq!(out.stderr, "");
    assert!(out.stdout.starts_with(
        "序号,所属乡镇,村名称,道路等级,建设里程,路面宽度,总投资,transport,poverty,subsidy_total,gap,shortfall,notes\n\
         1,丙谷镇,新山村,通村公路,2,4.5,96万,900000.00,60000.00,960000.00,0.00,0.00,"
    ), "{}", out.stdout);
    // 元坝镇 beside a real 单位：万元 is one unit, 万元.
    let yb = env.write(
        "yb.csv",
        format!("填报单位：元坝镇人民政府\n单位：万元\n{OFFICE_HEADER}1,元坝镇,西泉村,通村公路,2,4.5,96\n"),
    );
    let out = env.roadsub(&["batch", &yb]).expect_code(0);
    assert_eq!(cell(&out.stdout, "1", "总投资(万元)"), "96");
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "960000.00");
    // 万元村委会 is a name, not 万元: with no unit stated, --amount-unit 元 is no contradiction.
    let yb3 = env.write(
        "yb3.csv",
        format!("建设单位：万元村委会\n{OFFICE_HEADER}1,元坝镇,西泉村,通村公路,2,4.5,960000\n"),
    );
    let out = env
        .roadsub(&["batch", &yb3, "--amount-unit", "元"])
        .expect_code(0);
    assert_eq!(cell(&out.stdout, "1", "总投资"), "960000");
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "960000.00");
}

#[test]
fn a_title_unit_roadsub_does_not_read_is_refused_naming_it() {
    let env = Env::new();
    let t16 = env.write(
        "t16.csv",
        format!("单位：千元\n{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,96\n"),
    );
    env.roadsub(&["batch", &t16]).expect(
        1,
        "",
        &format!("{t16}: \"单位：千元\" above the header names a unit roadsub does not read (千元; it reads 元、万元（万）、亿元（亿）、公里、米); give --amount-unit or correct the sheet\n1 table not read; nothing written\n"),
    );
    for (title, unit) in [("单位：万元/公里", "万元/公里"), ("单位：百万元", "百万元")]
    {
        let f = env.write(
            "t.csv",
            format!("{title}\n{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,96\n"),
        );
        env.roadsub(&["batch", &f])
            .expect_code(1)
            .stderr_has(&format!(
                "\"{title}\" above the header names a unit roadsub does not read ({unit};"
            ));
    }
    // U+2236 is a colon: 单位∶万元 reads 96 as 96万.
    let t8 = env.write(
        "t8.csv",
        format!("单位∶万元\n{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,96\n"),
    );
    let out = env.roadsub(&["batch", &t8]).expect_code(0);
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "960000.00");
}

#[test]
fn a_unit_title_with_more_text_after_wan_yuan_is_refused_not_read_as_yuan() {
    let env = Env::new();
    for unit in [
        "万元整",
        "万元以上",
        "万元左右",
        "万元等",
        "万元数",
        "万元/年",
        "万元·公里",
        "万元-公里",
        "万元+公里",
        "万元|公里",
        "万元/公里数",
        "万元或元",
    ] {
        let title = format!("单位：{unit}");
        let f = env.write(
            "t.csv",
            format!("{title}\n编号,乡镇,村,类别,宽度,长度,投资\nT1,石鼓镇,大骥村,通村,4.5,2,63\n"),
        );
        env.roadsub(&["batch", &f, "--lang", "zh"]).expect(
            1,
            "",
            &format!("{f}: 表头上方的“{title}”所写单位无法读取（{unit}；可读：元、万元（万）、亿元（亿）、公里、米）；请给出 --amount-unit 或改正表格\n1 个表无法读取；未写出任何结果\n"),
        );
        // 元 is no reading of a row that writes 万元.
        env.roadsub(&["batch", &f, "--amount-unit", "元"]).expect(
            1,
            "",
            &format!("{f}: --amount-unit 元 contradicts \"{title}\" above the header; drop the flag or correct the sheet\n1 table not read; nothing written\n"),
        );
    }
    // A currency mark before the unit, and a space inside 万元, still write 万元: 63 is 63万.
    for title in [
        "单位：￥万元",
        "单位：¥万元",
        "单位：RMB万元",
        "单位：万 元",
    ] {
        let f = env.write(
            "t.csv",
            format!("{title}\n编号,乡镇,村,类别,宽度,长度,投资\nT1,石鼓镇,大骥村,通村,4.5,2,63\n"),
        );
        let out = env.roadsub(&["batch", &f]).expect_code(0);
        assert_eq!(cell(&out.stdout, "T1", "投资(万元)"), "63", "{title}");
        assert_eq!(
            cell(&out.stdout, "T1", "subsidy_total"),
            "630000.00",
            "{title}"
        );
    }
}

#[test]
fn a_unit_glued_to_the_title_is_refused_not_read_as_yuan() {
    let env = Env::new();
    let title = "安岳县2018年通村通社公路建设计划表单位：万元";
    let glued = env.write(
        "glued.csv",
        format!("{title}\n{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,63\n"),
    );
    env.roadsub(&["batch", &glued, "--lang", "zh"]).expect(
        1,
        "",
        &format!("{glued}: 表头上方的“{title}”中“单位：万元”紧接在前面的文字后，无法确定是否为表中金额的单位；请给出 --amount-unit，或将单位与标题分开（“单位：万元”单独成行，或在其前加空格或括号）\n1 个表无法读取；未写出任何结果\n"),
    );
    // As the message offers: the flag, or the unit set apart from the title.
    let out = env
        .roadsub(&["batch", &glued, "--amount-unit", "万元"])
        .expect_code(0);
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "630000.00");
    let apart = env.write(
        "apart.csv",
        format!("安岳县2018年通村通社公路建设计划表 单位：万元\n{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,63\n"),
    );
    let out = env.roadsub(&["batch", &apart]).expect_code(0);
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "630000.00");
    // An organisation's 单位 glued to the title names no unit and is not refused.
    let org = env.write(
        "org.csv",
        format!("安岳县2018年计划表填报单位：安岳县交通运输局\n单位：万元\n{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,63\n"),
    );
    let out = env.roadsub(&["batch", &org]).expect_code(0);
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "630000.00");
}

#[test]
fn a_title_unit_and_a_clarifying_bracket_read_back_from_the_output() {
    let env = Env::new();
    let fb1 = env.write(
        "fb1.csv",
        "单位：万元\n序号,所属乡镇,村（社区）,道路等级,建设里程,路面宽度,总投资（含配套）,整合资金\n1,石鼓镇,大骥村,通村公路,2,4.5,96,10万\n",
    );
    let first = env
        .roadsub(&["batch", &fb1, "-o", &env.file("out.csv")])
        .expect_code(0);
    assert_eq!(
        first.stderr,
        format!("wrote 1 row to {}\n", env.file("out.csv"))
    );
    let out = env.read("out.csv");
    assert!(out.starts_with(
        "序号,所属乡镇,村（社区）,道路等级,建设里程,路面宽度,总投资（含配套）(万元),整合资金(万元),transport,"
    ), "{out}");
    let back = env
        .roadsub(&["batch", &env.file("out.csv"), "-o", &env.file("back.csv")])
        .expect_code(0);
    assert_eq!(
        back.stderr,
        format!("wrote 1 row to {}\n", env.file("back.csv"))
    );
    assert_eq!(env.read("back.csv"), out);
}

#[test]
fn spaces_inside_office_headers_are_ignored() {
    let env = Env::new();
    let h2 = env.write(
        "h2.csv",
        "序 号,所属 乡镇,村 名 称,道路 等级,建设 里程 (km),路面 宽度,总 投资(万元)\n1,石鼓镇,大骥村,通村公路,2,4.5,96\n",
    );
    let out = env.roadsub(&["batch", &h2]).expect_code(0);
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "960000.00");
    assert_eq!(cell(&out.stdout, "1", "transport"), "900000.00");
}

#[test]
fn by_takes_groupings_with_spaces_around_the_commas() {
    let env = Env::new();
    let spaced = env
        .roadsub(&[
            "batch",
            &example(),
            "--by",
            "township, class",
            "--summary",
            "-o",
            &env.file("a.csv"),
        ])
        .expect_code(0)
        .stdout
        .clone();
    let plain = env
        .roadsub(&[
            "batch",
            &example(),
            "--by",
            "township,class",
            "--summary",
            "-o",
            &env.file("b.csv"),
        ])
        .expect_code(0)
        .stdout
        .clone();
    assert_eq!(spaced, plain);
    assert!(plain.contains("class"), "{plain}");
}

#[test]
fn a_map_given_twice_is_said_to_be_given_twice() {
    let env = Env::new();
    env.roadsub(&["batch", &example(), "--map", "A=cost", "--map", "A=cost"])
        .expect(
            2,
            "",
            "roadsub: --map \"A=cost\" is given twice; give it once\n",
        );
    env.roadsub(&[
        "batch",
        &example(),
        "--map",
        "A=cost",
        "--map",
        "A=cost",
        "--lang",
        "zh",
    ])
    .expect(2, "", "roadsub: --map \"A=cost\" 重复给出；请只给一次\n");
}

#[test]
fn a_map_to_a_funds_approved_amount_says_precisely_what_can_be_mapped() {
    let env = Env::new();
    let out = env
        .roadsub(&[
            "batch",
            &example(),
            "--map",
            "项目估算总额=poverty_approved",
        ])
        .expect_code(2);
    assert!(out.stderr.starts_with(
        "roadsub: --map \"项目估算总额=poverty_approved\": \"poverty_approved\" is a fund's approved amount, which --map does not map; head the column \"poverty_approved\" or with an alias the rules give the poverty fund's approved amount (approved_aliases, e.g. 扶贫批复); --map maps the fields id, "
    ), "{}", out.stderr);
}

#[test]
fn rows_of_empty_fields_are_passed_over_like_blank_lines() {
    let env = Env::new();
    let f = env.write(
        "trailblank.csv",
        format!("单位：万元\n{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,96\n,,,,,,\n2,石鼓镇,玉皇村,通村公路,2,4.5,96\n,,,,,,\n,,,,,,\n"),
    );
    let out = env.roadsub(&["batch", &f]).expect_code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    assert_eq!(cell(&out.stdout, "2", "subsidy_total"), "960000.00");
    // A bad row after one of them keeps its own line number.
    let bad = env.write(
        "bad.csv",
        format!("{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,96万\n,,,,,,\n2,石鼓镇,玉皇村,通村公路,x,4.5,96万\n"),
    );
    env.roadsub(&["batch", &bad])
        .expect_code(1)
        .stderr_has(&format!("{bad}:4: 建设里程 \"x\""));
}

#[test]
fn a_totals_row_with_the_word_in_the_second_column_is_a_totals_row() {
    let env = Env::new();
    let f = env.write(
        "tot1.csv",
        "（单位：万元、公里）\n序号,所属乡镇,村名称,道路等级,建设里程(km),路面宽度,总投资\n1,石鼓镇,大骥村,通村公路,2,4.5,96\n,合计,,,2,,96\n",
    );
    let out = env.roadsub(&["batch", &f]).expect_code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "960000.00");
}

#[test]
fn a_note_below_the_data_that_states_another_unit_is_refused() {
    let env = Env::new();
    let below = env.write(
        "below.csv",
        format!("{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,96\n备注：单位万元,,,,,,\n"),
    );
    env.roadsub(&["batch", &below]).expect(
        1,
        "",
        &format!("{below}:3: row is a note stating 万元, but the table's numbers are read in 元; correct the note, or state 万元 above the header or with --amount-unit\n1 bad row; nothing written: a note or a row of units among the rows gives another unit, so the other rows may be in the wrong unit too (state the unit above the header or in the column's header)\n"),
    );
    // --keep-going wrote the other rows, read in the unit the note says is not theirs; no
    // command writes them now.
    let out = env.file("out.csv");
    env.roadsub(&["batch", &below, "--keep-going", "-o", &out])
        .expect_code(1)
        .stderr_has("nothing written: a note or a row of units among the rows gives another unit");
    env.roadsub(&[
        "compare",
        &below,
        "--set",
        "poverty.village.4.5=15万",
        "--keep-going",
        "-o",
        &out,
    ])
    .expect_code(1)
    .stderr_has("nothing written: a note or a row of units among the rows gives another unit");
    env.roadsub(&["notice", &below, "--keep-going", "-o", &out, "--lang", "zh"])
        .expect_code(1)
        .stderr_has("未写出任何公示：表中说明行或单位行写明了另一种单位，其余各行也可能按错误的单位读取（请在表头上方或列的表头中写明单位）\n");
    assert!(!std::path::Path::new(&out).exists());
    // To standard output the rows went out as they were read: the last line says so.
    env.roadsub(&["batch", &below, "--keep-going"])
        .expect_code(1)
        .stderr_has("1 bad row; any rows printed above may be in the wrong unit: a note or a row of units among the rows gives another unit\n");
    env.roadsub(&["batch", &below, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!("{below}:3: 该行是说明行，写明单位为万元，而表中数字按元读取；请改正该说明，或在表头上方或用 --amount-unit 写明万元\n"));
    // Told the unit, the note agrees: it is left out, the segment read in 万元.
    let out = env
        .roadsub(&["batch", &below, "--amount-unit", "万元"])
        .expect_code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "960000.00");
    // A note of one cell after a row of commas, under a unit title that agrees.
    let agreed = env.write(
        "below3.csv",
        format!("单位：万元\n{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,96\n,,,,,,\n注：金额单位：万元\n说明：数据来自各乡镇上报,,,,,,\n"),
    );
    let out = env.roadsub(&["batch", &agreed]).expect_code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
}

#[test]
fn a_workbooks_date_cells_are_dates_in_the_report() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let path = env.path("dated.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "编号",
        "乡镇",
        "村",
        "类别",
        "宽度",
        "长度",
        "投资",
        "开工日期",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, t) in ["007", "石鼓镇", "大骥村", "通村"].iter().enumerate() {
        sheet.write_string(1, c as u16, *t).unwrap();
    }
    sheet.write_number(1, 4, 4.5).unwrap();
    sheet.write_number(1, 5, 2.0).unwrap();
    sheet.write_string(1, 6, "63万").unwrap();
    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 4, 5).unwrap();
    sheet
        .write_datetime_with_format(1, 7, &day, &Format::new().set_num_format("yyyy/m/d"))
        .unwrap();
    book.save(&path).unwrap();
    let out = env.file("report.xlsx");
    env.roadsub(&["batch", &path.to_string_lossy(), "-o", &out])
        .expect_code(0);
    let mut report = open_workbook_auto(&out).unwrap();
    let segments = report.worksheet_range("Segments").unwrap();
    let cell = segments.get((1, 7)).unwrap();
    let Data::DateTime(d) = cell else {
        panic!("not a date: {cell:?}")
    };
    assert_eq!(d.as_f64(), 45387.0, "2024-04-05");
    // Fed back in, the report reads the same day.
    env.roadsub(&["batch", &out, "-o", &env.file("again.csv")])
        .expect_code(0);
    assert_eq!(
        env.read("again.csv")
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .nth(7),
        Some("2024-04-05")
    );
}

#[test]
fn a_unit_above_the_header_in_an_office_form_is_read_or_refused_never_passed_over() {
    let env = Env::new();
    let row = "1,石鼓镇,大骥村,通村公路,2,4.5,96\n";
    // Each was passed over, and 96 read as 96 yuan, exit 0.
    for title in [
        "单位：万元（人民币）",
        "单位：人民币万元",
        "单位：万元人民币",
        "单  位：万元",
        "单位：（万元）",
        "金额单位为万元",
        "单位为万元",
        "本表金额以万元计",
        "单位:万元;",
    ] {
        let f = env.write("t.csv", format!("{title}\n{OFFICE_HEADER}{row}"));
        let out = env.roadsub(&["batch", &f]).expect_code(0);
        assert_eq!(
            cell(&out.stdout, "1", "subsidy_total"),
            "960000.00",
            "{title}"
        );
    }
    for (title, said) in [
        ("单位：", "“单位：”只有“单位”而未写明单位"),
        (
            "安岳县计划（总投资约500万元）",
            "提到“万元”，但未以可读的形式写明表中金额的单位",
        ),
        (
            "单位：元,,,,,,单位：万元",
            "“单位：元 单位：万元”写了两种单位：元与万元",
        ),
        ("（单位：万元、米）", "所写“米”未说明是长度的单位"),
    ] {
        let f = env.write("t.csv", format!("{title}\n{OFFICE_HEADER}{row}"));
        env.roadsub(&["batch", &f, "--lang", "zh"])
            .expect_code(1)
            .stderr_has(&format!("{f}: 表头上方的"))
            .stderr_has(said);
    }
    // A note below the data saying 单位为万元 under numbers read in yuan is refused, as
    // 备注：单位万元 is.
    for note in ["备注：单位为万元", "备注：金额单位为万元", "备注：单位万元"]
    {
        let f = env.write("t.csv", format!("{OFFICE_HEADER}{row}{note}\n"));
        env.roadsub(&["batch", &f, "--lang", "zh"])
            .expect_code(1)
            .stderr_has(&format!(
                "{f}:3: 该行是说明行，写明单位为万元，而表中数字按元读取"
            ));
    }
    let f = env.write(
        "t.csv",
        format!("{OFFICE_HEADER}{row}备注：金额以万元为准\n"),
    );
    env.roadsub(&["batch", &f, "--lang", "zh"]).expect_code(1).stderr_has(&format!(
        "{f}:3: 该行是说明行，提到“万元”，但未写明表中数字的单位（现按元读取）；请给出 --amount-unit 或在表头上方写明单位（如“单位：万元”）\n"
    ));
    let out = env
        .roadsub(&["batch", &f, "--amount-unit", "万元"])
        .expect_code(0);
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "960000.00");
}

#[test]
fn an_approved_amount_read_in_the_titles_wan_is_headed_with_it_and_reads_back_the_same() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let input = env.write(
        "t.csv",
        "（单位：万元、公里）\n序号,所属乡镇,村名称,道路等级,建设里程,路面宽度,总投资,扶贫批复\n1,石鼓镇,大骥村,通村,2,4.5,163,12\n",
    );
    let first = env
        .roadsub(&["batch", &input, "--lang", "zh"])
        .expect_code(0)
        .stdout
        .clone();
    assert!(
        first.starts_with(
            "序号,所属乡镇,村名称,道路等级,建设里程,路面宽度,总投资(万元),扶贫批复(万元),"
        ),
        "{first}"
    );
    assert_eq!(cell(&first, "1", "县扶贫专项补助（元）"), "120000.00");
    let again = env
        .roadsub(&["batch", "-", "--lang", "zh"])
        .stdin(first.as_bytes())
        .expect_code(0);
    assert_eq!(again.stdout, first, "fed back, 12 was read as 12 yuan");
    let report = env.file("report.xlsx");
    env.roadsub(&["batch", &input, "--lang", "zh", "-o", &report])
        .expect_code(0);
    let mut book = open_workbook_auto(&report).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][7], Data::String("扶贫批复(万元)".into()));
    assert_eq!(rows[1][7], Data::Float(12.0), "a number, not the text '12'");
    let back = env
        .roadsub(&["batch", &report, "--lang", "zh"])
        .expect_code(0);
    assert_eq!(back.stdout, first);
}

#[test]
fn every_amount_column_read_in_the_titles_unit_reads_back_the_same_from_the_output() {
    let env = Env::new();
    // Each kind of amount column, bare under a title in 万元: the output, which has no title,
    // must give the same results fed back, as CSV and as a workbook.
    for (header, value) in [
        ("总投资", "163"),
        ("每公里造价", "81.5"),
        ("整合资金", "10"),
        ("一事一议", "2"),
        ("农户自筹", "1.5"),
        ("村项目资金", "3"),
        ("已拨付", "20"),
        ("扶贫批复", "12"),
        ("poverty_approved", "12"),
    ] {
        let (base, cost) = if matches!(header, "每公里造价" | "总投资") {
            ("序号,所属乡镇,村名称,道路等级,建设里程,路面宽度", "")
        } else {
            (
                "序号,所属乡镇,村名称,道路等级,建设里程,路面宽度,总投资",
                ",163",
            )
        };
        let input = env.write(
            "t.csv",
            format!("单位：万元\n{base},{header}\n1,石鼓镇,大骥村,通村,2,4.5{cost},{value}\n"),
        );
        let first = env
            .roadsub(&["batch", &input])
            .expect_code(0)
            .stdout
            .clone();
        assert!(
            first.contains(&format!(",{header}(万元),")),
            "{header}: {first}"
        );
        let again = env
            .roadsub(&["batch", "-"])
            .stdin(first.as_bytes())
            .expect_code(0);
        assert_eq!(again.stdout, first, "{header}");
        let report = env.file("report.xlsx");
        env.roadsub(&["batch", &input, "-o", &report])
            .expect_code(0);
        let back = env.roadsub(&["batch", &report]).expect_code(0);
        assert_eq!(back.stdout, first, "{header}");
    }
}

#[test]
fn amount_unit_takes_every_unit_of_money_a_title_or_header_reads() {
    let env = Env::new();
    let f = env.write(
        "t.csv",
        format!("{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,0.0096\n"),
    );
    // 亿元 was read in a title and a header, but refused as a flag.
    for unit in ["亿元", "亿"] {
        let out = env
            .roadsub(&["batch", &f, "--amount-unit", unit])
            .expect_code(0);
        assert_eq!(
            cell(&out.stdout, "1", "subsidy_total"),
            "960000.00",
            "{unit}"
        );
    }
    let f = env.write(
        "t.csv",
        format!("{OFFICE_HEADER}1,石鼓镇,大骥村,通村公路,2,4.5,96\n"),
    );
    let out = env
        .roadsub(&["batch", &f, "--amount-unit", "万"])
        .expect_code(0);
    assert_eq!(cell(&out.stdout, "1", "subsidy_total"), "960000.00");
    env.roadsub(&["batch", &f, "--amount-unit", "千元"])
        .expect_code(2);
}

/// A title row stating the lengths' unit after their label, without `单位`
/// (`单位：万元 长度：米`), was passed over: 850 (metres) was read as 850 km, and the segment
/// paid 127,500,000.00 instead of 127,500.00, with status 0 and the title quoted as the
/// source of the amounts' unit. A note below the data stating another length is refused
/// with where a length's unit is given (not `--amount-unit`).
#[test]
fn a_length_unit_stated_after_its_label_in_a_title_is_read_not_passed_over() {
    let env = Env::new();
    let header = "编号,乡镇,村,类别,宽度,长度,每公里造价\n";
    let row = "A,天马乡,画青村,通村,3.5,850,40\n";
    for title in [
        "安岳县计划表 单位：万元 长度：米",
        "单位：万元 里程：米",
        "单位：万元（长度为米）",
    ] {
        let f = env.write("lm.csv", format!("{title}\n{header}{row}"));
        let out = env.roadsub(&["batch", &f]).expect_code(0);
        assert_eq!(cell(&out.stdout, "A", "transport"), "127500.00", "{title}");
        assert_eq!(cell(&out.stdout, "A", "poverty"), "212500.00", "{title}");
    }
    // A unit of length roadsub does not read is refused, not passed over.
    let f = env.write("lm.csv", format!("单位：万元 长度：公尺\n{header}{row}"));
    env.roadsub(&["batch", &f, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!("{f}: 表头上方的"))
        .stderr_has("公尺");
    // A note below the data.
    let f = env.write(
        "nb.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nA,天马乡,画青村,通村,3.5,850,40万\n备注：长度为米,,,,,,\n",
    );
    env.roadsub(&["batch", &f]).expect(1, "", &format!("{f}:3: row is a note stating 米, but the table's lengths are read in 公里; state the unit above the header (长度单位：米) or in the length's header (长度(米))\n1 bad row; nothing written: a note or a row of units among the rows gives another unit, so the other rows may be in the wrong unit too (state the unit above the header or in the column's header)\n"));
    env.roadsub(&["batch", &f, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!("{f}:3: 该行是说明行，写明长度单位为米，而表中长度按公里读取；请在表头上方写明（长度单位：米）或在长度列的表头中注明（长度(米)）\n"));
}

/// Other office forms of a length's unit in a title (`长度/米`, `长度＝米`, `长度按米计`,
/// `长度、宽度：米`, `路长：米`, `里程数：米`, `长度（单位：米）`) were passed over: 850 m read as
/// 850 km, 127,500,000.00 paid, status 0. They are read; a unit after the label in a form not
/// read (`长度：米为准`) refuses the table unless the length header names its unit; a title's
/// 米 against a header's km is refused.
#[test]
fn a_length_unit_in_other_title_forms_was_read_as_kilometres() {
    let env = Env::new();
    let header = "编号,乡镇,村,类别,宽度,长度,每公里造价\n";
    let row = "A,天马乡,画青村,通村,3.5,850,40\n";
    for title in [
        "单位：万元 长度/米",
        "单位：万元 长度＝米",
        "单位：万元 长度—米",
        "单位：万元 长度按米计",
        "单位：万元 长度、宽度：米",
        "单位：万元 路长：米",
        "单位：万元 里程数：米",
        "单位：万元 长度（单位：米）",
    ] {
        let f = env.write("lm.csv", format!("{title}\n{header}{row}"));
        let out = env.roadsub(&["batch", &f]).expect_code(0);
        assert_eq!(cell(&out.stdout, "A", "transport"), "127500.00", "{title}");
        assert_eq!(cell(&out.stdout, "A", "poverty"), "212500.00", "{title}");
    }
    let f = env.write("lm.csv", format!("单位：万元 长度：米为准\n{header}{row}"));
    env.roadsub(&["batch", &f]).expect(1, "", &format!("{f}: \"单位：万元 长度：米为准\" above the header gives 米 as a length's unit in a form roadsub does not read, so lengths might be read in the wrong unit; write 长度单位：米 (or 长度单位：公里) on a row of its own, or give the length header its unit (建设里程(米))\n1 table not read; nothing written\n"));
    env.roadsub(&["batch", &f, "--lang", "zh"]).expect(1, "", &format!("{f}: 表头上方的“单位：万元 长度：米为准”写了长度单位“米”，但写法无法读取，长度可能按错误的单位读取；请单独一行写明“长度单位：米”（或“长度单位：公里”），或在长度列表头注明单位（如“建设里程(米)”）\n1 个表无法读取；未写出任何结果\n"));
    // The header naming its unit settles it.
    let f = env.write(
        "lm.csv",
        format!(
            "单位：万元 长度：米为准\n{}{row}",
            header.replace("长度", "长度(米)")
        ),
    );
    let out = env.roadsub(&["batch", &f]).expect_code(0);
    assert_eq!(cell(&out.stdout, "A", "transport"), "127500.00");
    // A title's 米 against the header's km.
    let f = env.write(
        "lm.csv",
        format!(
            "单位：万元 长度：米\n{}{row}",
            header.replace("长度", "长度(km)")
        ),
    );
    env.roadsub(&["batch", &f, "--lang", "zh"]).expect(1, "", &format!("{f}: 表头上方的“单位：万元 长度：米”所写长度单位与“长度(km)”列表头所写不同；请只保留一种\n1 个表无法读取；未写出任何结果\n"));
}

/// Forms a review found read in the wrong unit with status 0 and no warning: `单位：均为万元`
/// and `单位=万元` left 10 万元 of integration funds read as 10 yuan (shortfall 162,490.00
/// for 62,500.00); `长度单位=米`, `长　度：米` and `长度/宽度：米` over a cost per km left 850 m
/// read as 850 km (382,500,000.00 paid, no warning: the cost per km stays plausible);
/// headers `长度(米数)` and `整合资金（万元，含税）` were read as no unit at all.
#[test]
fn unit_forms_read_in_the_wrong_unit_without_a_word_are_read_or_refused() {
    let env = Env::new();
    let funds = "编号,乡镇,村,类别,宽度,长度(米),投资(万元),整合资金\nA1,天马乡,画青村,通村,4.5,850,80,10\n";
    for title in ["单位：均为万元", "单位=万元", "单位：“万元”", "单位—万元"]
    {
        let f = env.write("u.csv", format!("{title}\n{funds}"));
        let out = env.roadsub(&["batch", &f]).expect_code(0);
        assert_eq!(cell(&out.stdout, "A1", "shortfall"), "62500.00", "{title}");
    }
    let per_km = "编号,乡镇,村,类别,宽度,长度,每公里造价\nA1,天马乡,画青村,通村,4.5,850,94.12\n";
    for title in ["长度单位=米", "长　度：米", "长度/宽度：米", "Length: m"] {
        let f = env.write("l.csv", format!("单位：万元\n{title}\n{per_km}"));
        let out = env.roadsub(&["batch", &f]).expect_code(0);
        assert_eq!(cell(&out.stdout, "A1", "transport"), "382500.00", "{title}");
    }
    // A row of units above the columns is not passed over.
    let f = env.write("r.csv", format!("单位：万元\n,,,,,米,\n{per_km}"));
    env.roadsub(&["batch", &f, "--lang", "zh"])
        .expect_code(1)
        .stderr_has("写了长度单位“米”");
    for header in ["长度(米数)", "长度(公尺)"] {
        let f = env.write(
            "h.csv",
            format!(
                "编号,乡镇,村,类别,宽度,{header},投资(万元)\nA1,天马乡,画青村,通村,4.5,850,80\n"
            ),
        );
        env.roadsub(&["batch", &f]).expect(1, "", &format!("{f}: column \"{header}\" has a unit roadsub does not know (use km, 公里, m or 米)\n1 table not read; nothing written\n"));
    }
    let f = env.write("h.csv", funds.replace("整合资金", "整合资金（万元，含税）"));
    env.roadsub(&["batch", &f])
        .expect_code(1)
        .stderr_has("column \"整合资金（万元，含税）\" has a unit roadsub does not know");
}

/// What a second review found written with status 0: `注：宽度以米计` read the lengths in
/// metres (0.85 km paid as 0.85 m: 382.50); `长度单位：延米` and `长度栏：米` left 850 m read as
/// 850 km; a row of units with one cell (`,,,,,米,`) and `--keep-going` wrote the rest in km.
#[test]
fn unit_forms_a_second_review_found_are_read_or_refused() {
    let env = Env::new();
    let rows = |length: &str| {
        format!(
            "编号,乡镇,村,类别,宽度,长度,每公里造价\nA1,天马乡,画青村,通村,4.5,{length},94.12\n"
        )
    };
    let f = env.write(
        "w.csv",
        format!("单位：万元\n注：宽度以米计\n{}", rows("0.85")),
    );
    let out = env.roadsub(&["batch", &f]).expect_code(0);
    assert_eq!(cell(&out.stdout, "A1", "transport"), "382500.00");
    let f = env.write("l.csv", format!("单位：万元\n长度栏：米\n{}", rows("850")));
    let out = env.roadsub(&["batch", &f]).expect_code(0);
    assert_eq!(cell(&out.stdout, "A1", "transport"), "382500.00");
    let f = env.write(
        "y.csv",
        format!("单位：万元\n长度单位：延米\n{}", rows("850")),
    );
    env.roadsub(&["batch", &f])
        .expect_code(1)
        .stderr_has("延米");
    let f = env.write(
        "u.csv",
        format!("单位：万元\n{}", rows("850")).replace("\nA1", "\n,,,,,米,\nA1"),
    );
    let out = env.file("out.csv");
    env.roadsub(&["batch", &f, "--keep-going", "-o", &out])
        .expect_code(1)
        .stderr_has("row holds units under the header (米)");
    assert!(!std::path::Path::new(&out).exists());
    // A note split over two cells put the units in doubt as one in a cell does.
    let f = env.write(
        "n.csv",
        format!("单位：万元\n{}注：,长度单位为米,,,,,\n", rows("850")),
    );
    env.roadsub(&["batch", &f, "--keep-going", "-o", &out])
        .expect_code(1)
        .stderr_has(":4: row is a note stating 米, but the table's lengths are read in 公里");
    assert!(!std::path::Path::new(&out).exists());
    // A unit stated in a header cell of no field was passed over.
    let f = env.write(
        "h.csv",
        rows("850").replace("每公里造价\n", "每公里造价,备注（长度单位：米）\n"),
    );
    env.roadsub(&["batch", &f]).expect(1, "", &format!("{f}: the header cell \"备注（长度单位：米）\" states a unit, which is not read as any column's; write the unit in the brackets of the column it is for (长度(米), 投资(万元)) or on a row above the header\n1 table not read; nothing written\n"));
}

/// A row of units under the header (`,,,,米,米,万元`) was refused cell by cell, seven
/// messages none of which said the units belong in the header; one message says so, and
/// nothing is written even with --keep-going (the other rows were read in km and yuan).
#[test]
fn a_row_of_units_under_the_header_is_said_as_such_and_nothing_written() {
    let env = Env::new();
    let f = env.write(
        "ur.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\n,,,,米,米,万元\nA1,天马乡,画青村,通村,4.5,850,80\n",
    );
    env.roadsub(&["batch", &f]).expect(1, "", &format!("{f}:2: row holds units under the header (米、米、万元), which are not read as the columns' units; write each column's unit in its header's brackets (长度(米), 投资(万元)) and delete the row\n1 bad row; nothing written: a note or a row of units among the rows gives another unit, so the other rows may be in the wrong unit too (state the unit above the header or in the column's header)\n"));
    let out = env.file("out.csv");
    env.roadsub(&["batch", &f, "--keep-going", "-o", &out, "--lang", "zh"]).expect(1, "", &format!("{f}:2: 该行是表头下的单位行（米、米、万元），不会作为各列的单位读取；请把各列的单位写进表头的括号里（如“长度(米)”“投资(万元)”）并删去该行\n1 行有错；未写出任何结果：表中说明行或单位行写明了另一种单位，其余各行也可能按错误的单位读取（请在表头上方或列的表头中写明单位）\n"));
    assert!(!std::path::Path::new(&out).exists());
}

/// A cost column headed `投资/万元` (or `投资万元`, `投资(万元)(元)`) was refused as "no cost
/// column", the column standing right there: it is said as a header whose unit is written in
/// a form not read, with the form that is.
#[test]
fn a_cost_header_with_its_unit_in_a_form_not_read_is_named_not_said_missing() {
    let env = Env::new();
    for header in ["投资/万元", "投资万元", "投资(万元)(元)"] {
        let f = env.write(
            "h.csv",
            format!("编号,乡镇,村,类别,宽度,长度,{header}\nA,天马乡,画青村,通村,3.5,1,40\n"),
        );
        env.roadsub(&["batch", &f]).expect(1, "", &format!("{f}: the column \"{header}\" has its unit written in a form a header is not read in; write the unit once, in brackets after the name: \"投资(万元)\"\n1 table not read; nothing written\n"));
        env.roadsub(&["batch", &f, "--lang", "zh"]).expect(1, "", &format!("{f}: “{header}”列的单位写法无法识别；请在列名后用括号写一个单位，如“投资(万元)”\n1 个表无法读取；未写出任何结果\n"));
    }
}

/// `造价(元/公里)` or `投资(万元/公里)` was read as a total: 400000 a km over 2 km was a cost
/// of 400,000 (and its subsidies cut to it). A total's name with a unit per km heads a cost
/// per km.
#[test]
fn a_cost_header_with_a_unit_per_km_is_read_per_km() {
    let env = Env::new();
    for (header, value) in [("造价(元/公里)", "400000"), ("投资(万元/公里)", "40")] {
        let f = env.write(
            "pk.csv",
            format!("id,township,village,class,width_m,length_km,{header}\nA,t,v,village,4.5,2,{value}\n"),
        );
        let out = env.roadsub(&["batch", &f]).expect_code(0);
        assert_eq!(cell(&out.stdout, "A", "transport"), "800000.00", "{header}");
        assert_eq!(cell(&out.stdout, "A", "gap"), "0.00", "{header}");
    }
}

/// An English unit line (`Unit: 10,000 yuan`) was passed over: 40 万元 a km read as 40 yuan,
/// status 0. It is read, in a cell of its own as in a CSV title split at its comma; a
/// multiple roadsub does not read is refused; the unit written before a length's label
/// (`请按米填写长度`) is the lengths'.
#[test]
fn a_unit_line_in_english_or_before_its_label_is_read_not_passed_over() {
    let env = Env::new();
    let header = "编号,乡镇,村,类别,宽度,长度,每公里造价\n";
    let row = "A,天马乡,画青村,通村,3.5,0.85,40\n";
    for title in [
        "\"Unit: 10,000 yuan\"",
        "Unit: 10,000 yuan",
        "Amounts in 10000 yuan",
        "2018 road plan (Unit: 万元)",
    ] {
        let f = env.write("en.csv", format!("{title}\n{header}{row}"));
        let out = env.roadsub(&["batch", &f]).expect_code(0);
        assert_eq!(cell(&out.stdout, "A", "transport"), "127500.00", "{title}");
        assert_eq!(cell(&out.stdout, "A", "poverty"), "212500.00", "{title}");
    }
    let f = env.write("en.csv", format!("Unit: 1000 yuan\n{header}{row}"));
    env.roadsub(&["batch", &f]).expect(1, "", &format!("{f}: \"Unit: 1000 yuan\" above the header names a unit roadsub does not read (1000 yuan; it reads 元、万元（万）、亿元（亿）、公里、米); give --amount-unit or correct the sheet\n1 table not read; nothing written\n"));
    let metres = "单位：万元 请按米填写长度\n编号,乡镇,村,类别,宽度,长度,每公里造价\nA,天马乡,画青村,通村,3.5,850,40\n";
    let f = env.write("before.csv", metres);
    let out = env.roadsub(&["batch", &f]).expect_code(0);
    assert_eq!(cell(&out.stdout, "A", "transport"), "127500.00");
}

/// A line saying not to use a unit (`请勿按米填写长度`) was read as stating it: 0.85 km read
/// as 0.85 m, transport 127.50 instead of 127,500.00, status 0. Refused, in both languages.
#[test]
fn a_unit_line_that_may_say_the_opposite_is_refused_not_read() {
    let env = Env::new();
    let f = env.write(
        "neg.csv",
        "请勿按米填写长度\n编号,乡镇,村,类别,宽度,长度,每公里造价(万元)\nE1,天马乡,画青村,通社,3.5,0.85,40\n",
    );
    env.roadsub(&["batch", &f]).expect(1, "", &format!("{f}: \"请勿按米填写长度\" above the header states a unit beside words that may say the opposite or another unit (勿), so which unit the numbers are in cannot be told; write the unit on a row of its own (单位：万元, 长度单位：米) or in the column's header (长度(米))\n1 table not read; nothing written\n"));
    env.roadsub(&["batch", &f, "--lang", "zh"]).expect(1, "", &format!("{f}: 表头上方的“请勿按米填写长度”在写明单位的同时有可能意思相反或另指单位的词（勿），无法确定数字的单位；请单独一行写明单位（如“单位：万元”“长度单位：米”），或在列标题中注明单位（如“长度(米)”）\n1 个表无法读取；未写出任何结果\n"));
    let f = env.write(
        "neg.csv",
        "Unit: 100,000 yuan\n编号,乡镇,村,类别,宽度,长度,每公里造价\nE1,天马乡,画青村,通社,3.5,0.85,40\n",
    );
    env.roadsub(&["batch", &f]).expect_code(1).stderr_first_line(&format!("{f}: \"Unit: 100 000 yuan\" above the header names a unit roadsub does not read (100 000 yuan; it reads 元、万元（万）、亿元（亿）、公里、米); give --amount-unit or correct the sheet"));
}
