//! Excel workbooks as input: the same aliases, units and messages as CSV, rows told by sheet.

use super::*;
use rust_xlsxwriter::{Format, Workbook};

/// A workbook like a county office's: a merged title above the header, numbers stored both as
/// Excel numbers and as text, and an empty sheet after the table.
fn plan_xlsx(env: &Env) -> String {
    let path = env.path("plan.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("道路计划").unwrap();
    sheet
        .merge_range(
            0,
            0,
            0,
            7,
            "安岳县2018年通村通社公路建设计划",
            &Format::new(),
        )
        .unwrap();
    let header = ["编号", "乡镇", "村", "类别", "宽度", "长度", "投资", "户数"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    // E1 with numbers, E2 with text, E7 with a number that has no exact binary form.
    enum Cell {
        Text(&'static str),
        Number(f64),
        Blank,
    }
    use Cell::*;
    let rows = [
        [
            Text("E1"),
            Text("天马乡"),
            Text("画青村"),
            Text("通村"),
            Number(4.5),
            Number(2.0),
            Number(1_600_000.0),
            Number(3.0),
        ],
        [
            Text("E2"),
            Text("卧佛镇"),
            Text("关田村"),
            Text("社道"),
            Text("3.5米"),
            Text("1.5"),
            Text("45万"),
            Blank,
        ],
        [
            Text("E7"),
            Text("自治乡"),
            Text("金鸡村"),
            Text("通村"),
            Number(3.5),
            Number(0.333),
            Number(200_000.0),
            Blank,
        ],
    ];
    for (i, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (3 + i as u32, c as u16);
            match cell {
                Text(t) => drop(sheet.write_string(r, c, *t).unwrap()),
                Number(n) => drop(sheet.write_number(r, c, *n).unwrap()),
                Blank => {}
            }
        }
    }
    book.add_worksheet().set_name("备用").unwrap();
    book.save(&path).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_workbook_reads_like_its_csv_to_the_fen() {
    let env = Env::new();
    let xlsx = plan_xlsx(&env);
    let out = env.roadsub(&["batch", &xlsx]).expect_code(0).stdout.clone();
    assert_eq!(cell(&out, "E1", "subsidy_total"), "1500000.00");
    assert_eq!(cell(&out, "E1", "shortfall_per_household"), "33333.33");
    assert_eq!(
        cell(&out, "E1", "宽度"),
        "4.5",
        "an Excel number comes out as typed"
    );
    assert_eq!(cell(&out, "E2", "transport"), "225000.00");
    assert_eq!(cell(&out, "E2", "shortfall"), "75000.00");
    assert_eq!(cell(&out, "E7", "长度"), "0.333");
    assert_eq!(cell(&out, "E7", "transport"), "49950.00");
    assert_eq!(cell(&out, "E7", "poverty"), "83250.00");
}

#[test]
fn errors_name_the_sheet_and_the_excel_row() {
    let env = Env::new();
    let path = env.path("bad.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Plan").unwrap();
    for (c, h) in [
        "id",
        "township",
        "village",
        "class",
        "width_m",
        "length_km",
        "cost",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["A", "t", "v", "village", "4.5", "abc", "100"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    book.save(&path).unwrap();
    let p = path.to_string_lossy().into_owned();
    env.roadsub(&["batch", &p])
        .expect_code(1)
        .stderr_starts(&format!("{p}[Plan]:2: length_km \"abc\" is not a length"));
}

#[test]
fn sheet_picks_a_sheet_and_a_wrong_one_is_named() {
    let env = Env::new();
    let xlsx = plan_xlsx(&env);
    let second = env
        .roadsub(&["batch", &xlsx, "--sheet", "2"])
        .expect_code(1);
    let err = &second.stderr;
    assert!(
        err.contains("[备用]") || err.contains("no sheet has a header row"),
        "{err}"
    );
    env.roadsub(&["batch", &xlsx, "--sheet", "Roads"])
        .expect_code(1)
        .stderr_starts(&format!(
            "{xlsx}: no sheet \"Roads\" (the sheets are: 道路计划, 备用)"
        ));
    env.roadsub(&["batch", &xlsx, "--sheet", "道路计划"])
        .expect_code(0)
        .stdout_lines(4);
}

/// A workbook of sheets `(name, length, hidden)`, each a header and one row whose length is
/// `length` (`abc` refused, `2` computed).
fn one_row_sheets(sheets: &[(&str, &str, bool)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let head = [
        "id",
        "township",
        "village",
        "class",
        "width_m",
        "length_km",
        "cost",
    ];
    for &(name, length, hidden) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        let row = [
            "S1",
            "宝华乡",
            "画青村",
            "village",
            "4.5",
            length,
            "1600000",
        ];
        for (r, cells) in [head, row].iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        sheet.set_hidden(hidden);
    }
    book.save_to_buffer().unwrap()
}

/// Review 47: sheets named `计划\u{A0}A` and `计划\u{A0}B` (a no-break space) could not be
/// picked by any name typed, and the error listed them as `计划 A, 计划 B`.
#[test]
fn a_sheet_is_picked_by_its_name_as_it_reads_and_names_are_listed_escaped() {
    let env = Env::new();
    let xlsx = env.write(
        "sheets.xlsx",
        one_row_sheets(&[("计划\u{A0}A", "abc", false), ("计划\u{A0}B", "2", false)]),
    );
    for typed in ["计划 B", "计划\u{A0}B", "计划 Ｂ", "2"] {
        env.roadsub(&["batch", &xlsx, "--sheet", typed])
            .expect_code(0)
            .stdout_has(",1500000.00,100000.00,");
    }
    env.roadsub(&["batch", &xlsx, "--sheet", "计划 C"]).expect(
        1,
        "",
        &format!(
            "{xlsx}: no sheet \"计划 C\" (the sheets are: 计划\\u{{a0}}A, 计划\\u{{a0}}B)\n1 table not read; nothing written\n"
        ),
    );
    env.roadsub(&["batch", &xlsx, "--sheet", "计划 C", "--lang", "zh"])
        .expect(
            1,
            "",
            &format!(
                "{xlsx}: 没有工作表“计划 C”（现有：计划\\u{{a0}}A、计划\\u{{a0}}B）\n1 个表无法读取；未写出任何结果\n"
            ),
        );
    // Review 48: `2` is the second sheet, not one whose name reads `2` (a hidden `２`); two
    // sheets that read as the name typed are named, neither read.
    let alike = env.write(
        "alike.xlsx",
        one_row_sheets(&[
            ("计划\u{A0}B", "abc", false),
            ("计划\u{2009}B", "2", false),
            ("２", "abc", true),
        ]),
    );
    env.roadsub(&["batch", &alike, "--sheet", "2"])
        .expect_code(0)
        .stdout_has(",1500000.00,100000.00,");
    env.roadsub(&["batch", &alike, "--sheet", "计划 B"]).expect(
        1,
        "",
        &format!(
            "{alike}: sheets 计划\\u{{a0}}B, 计划\\u{{2009}}B all read as \"计划 B\"; give the one meant by its number (--sheet N)\n1 table not read; nothing written\n"
        ),
    );
    env.roadsub(&["batch", &alike, "--sheet", "计划 B", "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{alike}: 工作表 计划\\u{{a0}}B、计划\\u{{2009}}B 看起来都是“计划 B”；请用序号指明要读取的工作表（--sheet 序号）\n1 个表无法读取；未写出任何结果\n"
        ),
    );
}

#[test]
fn the_report_workbook_matches_the_csv_run_to_the_fen() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let csv = env.roadsub(&["batch", &example()]).run().stdout;
    let out = env.file("report.xlsx");
    env.roadsub(&["batch", &example(), "-o", &out, "--lang", "zh"])
        .expect_code(0);
    let mut book = open_workbook_auto(&out).unwrap();
    assert_eq!(book.sheet_names(), ["路段", "汇总", "补助规则"]);
    let segments = book.worksheet_range("路段").unwrap();
    let rows: Vec<&[Data]> = segments.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        &header[13..21],
        [
            "县交通局补助（元）",
            "县扶贫专项补助（元）",
            "补助合计（元）",
            "差额（元）",
            "尚需筹集（元）",
            "每户尚需筹集（元）",
            "应拨付（元）",
            "计算说明"
        ]
    );
    for (col, name) in [
        (13, "transport"),
        (14, "poverty"),
        (15, "subsidy_total"),
        (16, "gap"),
        (17, "shortfall"),
        (19, "due"),
    ] {
        for row in &rows[1..20] {
            let id = row[0].to_string();
            let Data::Float(v) = row[col] else {
                panic!("{id} {name}: {:?} is not a number", row[col])
            };
            assert_eq!(format!("{v:.2}"), cell(&csv, &id, name), "{id} {name}");
        }
    }
    let totals = rows[20];
    assert_eq!(totals[0].to_string(), "合计");
    assert_eq!(totals[15], Data::Float(17_015_000.0));
    assert_eq!(totals[16], Data::Float(7_637_000.0));
    assert_eq!(totals[17], Data::Float(7_487_000.0));
    assert_eq!(totals[19], Data::Float(15_215_000.0));
    let summary = book.worksheet_range("汇总").unwrap();
    let text: Vec<String> = summary
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(text.contains(&"社级道路建设".to_string()));
    assert!(text.contains(&"自治乡".to_string()), "a row per township");
    assert!(
        text.contains(&"金鸡村".to_string()) || text.iter().any(|t| t.contains("金鸡村")),
        "a row per village"
    );
    let rules = book.worksheet_range("补助规则").unwrap();
    assert_eq!(
        rules
            .rows()
            .filter(|r| r.get(3).is_some_and(|c| matches!(c, Data::Float(_))))
            .count(),
        5,
        "every tier"
    );
}

#[test]
fn text_that_looks_like_a_formula_stays_text_in_the_workbook() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let input = env.write(
        "inj.csv",
        "id,township,village,class,width_m,length_km,cost,remark\nA,=1+1,v,village,4.5,1,1000000,@SUM(A1)\n",
    );
    let out = env.file("r.xlsx");
    env.roadsub(&["batch", &input, "-o", &out]).expect_code(0);
    let mut book = open_workbook_auto(&out).unwrap();
    let range = book.worksheet_range("Segments").unwrap();
    let row: Vec<&Data> = range.rows().nth(1).unwrap().iter().collect();
    assert_eq!(row[1], &Data::String("=1+1".into()));
    assert_eq!(row[7], &Data::String("@SUM(A1)".into()));
    assert!(book
        .worksheet_formula("Segments")
        .unwrap()
        .rows()
        .all(|r| r.iter().all(|f| f.is_empty())));
}

#[test]
fn an_excel_report_needs_a_file() {
    let env = Env::new();
    env.roadsub(&["batch", &example(), "--format", "xlsx"])
        .expect_code(2)
        .stderr("roadsub: an Excel report is a file: give -o report.xlsx\n");
}

#[test]
fn a_report_workbook_fed_back_in_gives_the_same_results() {
    let env = Env::new();
    let direct = env.roadsub(&["batch", &example()]).run().stdout;
    for lang in ["en", "zh"] {
        let report = env.file(&format!("report-{lang}.xlsx"));
        env.roadsub(&["batch", &example(), "-o", &report, "--lang", lang])
            .expect_code(0);
        // Its totals row ("Total" / "合计") is not read as a segment.
        env.roadsub(&["batch", &report]).expect(0, &direct, "");
    }
}

#[test]
fn a_users_notes_column_survives_a_report_workbook_fed_back_in() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost,notes\n\
         A,T,V,village,3.0,1,100000,bridge needs repair\n",
    );
    let direct = env.roadsub(&["batch", &input]).run().stdout;
    assert_eq!(cell(&direct, "A", "notes"), "bridge needs repair");
    for lang in ["en", "zh"] {
        let report = env.file(&format!("report-{lang}.xlsx"));
        env.roadsub(&["batch", &input, "-o", &report, "--lang", lang])
            .expect_code(0);
        env.roadsub(&["batch", &report]).expect(0, &direct, "");
    }
}

#[test]
fn the_report_workbook_wrote_rounding_by_its_key_and_amount_headings_without_their_unit() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let office = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/office-2018.csv")
        .to_string_lossy()
        .into_owned();
    let text = |row: &[Data]| -> Vec<String> {
        let mut cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        cells
    };
    let rows_of = |path: &str, sheet: &str| -> Vec<Vec<String>> {
        let mut book = open_workbook_auto(path).unwrap();
        let range = book.worksheet_range(sheet).unwrap();
        range.rows().map(text).collect()
    };
    let zh = env.file("zh.xlsx");
    env.roadsub(&["batch", &office, "-o", &zh, "--lang", "zh"])
        .expect_code(0);
    // Yuan beside an input column in 万元: each amount's heading says which.
    assert_eq!(
        rows_of(&zh, "路段")[0],
        [
            "序号",
            "所属乡镇",
            "村名称",
            "道路等级",
            "建设里程(km)",
            "路面宽度",
            "总投资(万元)",
            "备注",
            "县交通局补助（元）",
            "县扶贫专项补助（元）",
            "补助合计（元）",
            "差额（元）",
            "尚需筹集（元）",
            "计算说明"
        ]
    );
    let summary = rows_of(&zh, "汇总");
    assert_eq!(summary[3], ["项目", "金额（元）"]);
    let budgets = summary
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "预算额度"))
        .unwrap();
    assert_eq!(
        summary[budgets],
        [
            "预算额度",
            "额度（元）",
            "申请（元）",
            "安排（元）",
            "剩余（元）",
            "使用率"
        ]
    );
    let by_township = summary
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "按乡镇"))
        .unwrap();
    assert_eq!(
        summary[by_township + 1],
        [
            "乡镇",
            "路段数",
            "公里",
            "已完工（公里）",
            "县交通局补助（元）",
            "县扶贫专项补助（元）",
            "补助合计（元）",
            "差额（元）",
            "尚需筹集（元）"
        ]
    );
    let rules = rows_of(&zh, "补助规则");
    assert_eq!(rules[3], ["舍入", "四舍五入"]);
    assert_eq!(
        rules[6],
        [
            "资金来源",
            "适用类别",
            "最小宽度（米）",
            "每公里补助（元）",
            "性质"
        ]
    );

    let en = env.file("en.xlsx");
    env.roadsub(&["batch", &office, "-o", &en, "--lang", "en"])
        .expect_code(0);
    assert_eq!(
        rows_of(&en, "Segments")[0][8..],
        [
            "transport (yuan)",
            "poverty (yuan)",
            "subsidy_total (yuan)",
            "gap (yuan)",
            "shortfall (yuan)",
            "notes"
        ]
    );
    let summary = rows_of(&en, "Summary");
    assert_eq!(summary[3], ["item", "amount (yuan)"]);
    let budgets = summary
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "budget"))
        .unwrap();
    assert_eq!(
        summary[budgets],
        [
            "budget",
            "envelope (yuan)",
            "asked (yuan)",
            "paid (yuan)",
            "left (yuan)",
            "use"
        ]
    );
    let by_township = summary
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "By township"))
        .unwrap();
    assert_eq!(
        summary[by_township + 1][4..],
        [
            "County transport bureau subsidy (yuan)",
            "County poverty-alleviation special fund (yuan)",
            "subsidy total (yuan)",
            "gap (yuan)",
            "shortfall (yuan)"
        ]
    );
    let rules = rows_of(&en, "Rules");
    assert_eq!(rules[3], ["rounding", "half away from zero, 四舍五入"]);
    assert_eq!(
        rules[6],
        [
            "fund",
            "classes",
            "min width (m)",
            "rate per km (yuan)",
            "kind"
        ]
    );

    // The other rule by its name too.
    let even = env.write(
        "rules.toml",
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml"),
        )
        .unwrap()
        .replace(
            "rounding = \"half_away_from_zero\"",
            "rounding = \"half_even\"",
        ),
    );
    let book = env.file("even.xlsx");
    env.roadsub(&[
        "batch", &office, "--rules", &even, "-o", &book, "--lang", "zh",
    ])
    .expect_code(0);
    assert_eq!(rows_of(&book, "补助规则")[3], ["舍入", "四舍六入五成双"]);
}

#[test]
fn a_wrapped_note_gets_a_row_as_tall_as_its_lines_so_a_printed_report_shows_all_of_it() {
    use std::io::Read;
    let env = Env::new();
    let office = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/office-2018.csv")
        .to_string_lossy()
        .into_owned();
    env.roadsub(&["batch", &office, "--lang", "zh", "-o", "r.xlsx"])
        .expect_code(0);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(env.path("r.xlsx")).unwrap()).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    let rows: Vec<&str> = sheet
        .split("<row ")
        .skip(1)
        .map(|r| &r[..r.find('>').unwrap()])
        .collect();
    // Rows 2 and 4 carry a two-line note (县扶贫专项补助由 600,000.00 元核减为 60,000.00 元，补助不超过造价,
    // 50 cells in a 40-wide column): two lines high; one-line rows keep the default (written
    // row by row, a row does not say the span of its cells, which is optional).
    assert_eq!(
        rows[..5],
        [
            "r=\"1\"",
            "r=\"2\" ht=\"33.75\" customHeight=\"1\"",
            "r=\"3\"",
            "r=\"4\" ht=\"33.75\" customHeight=\"1\"",
            "r=\"5\"",
        ]
    );
}

/// The defect: `explain` named a workbook's rows by file alone (`plan.xlsx:4 segment E1`)
/// where batch and compare say the sheet (`plan.xlsx[道路计划]:4`), which a workbook of
/// several sheets needs.
#[test]
fn explain_names_a_workbooks_rows_by_sheet_as_batch_does() {
    let env = Env::new();
    let book = plan_xlsx(&env);
    let out = env
        .roadsub(&["explain", &book, "--id", "E1"])
        .expect_code(0);
    assert!(
        out.stdout
            .starts_with(&format!("{book}[道路计划]:4 segment E1:")),
        "{}",
        out.stdout
    );
    env.roadsub(&["explain", &book, "--id", "NONE", "--lang", "zh"])
        .expect(
            1,
            "",
            &format!("roadsub: {book}[道路计划]：没有编号为“NONE”的行\n"),
        );
}

/// An amount of 10万亿 yuan or more to the fen has more digits than a spreadsheet's number
/// holds (15): the report wrote 999,999,999,249,999.99 as 999999999250000, a wrong figure.
/// It is written as its exact text now; the notices, whose totals are formulas, refuse it.
#[test]
fn an_amount_a_workbook_cannot_hold_exactly_is_written_as_its_text_or_refused() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let table = env.write(
        "huge.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,户数\n\
         H1,石鼓镇,大骥村,通村,4.5,1,999999999999999.99,1\n\
         H2,石鼓镇,大骥村,通村,4.5,1,60万,1\n",
    );
    let out = env.file("report.xlsx");
    env.roadsub(&["batch", &table, "-o", &out]).expect_code(0);
    let mut book = open_workbook_auto(&out).unwrap();
    let segments = book.worksheet_range("Segments").unwrap();
    let rows: Vec<&[Data]> = segments.rows().collect();
    let gap = rows[0]
        .iter()
        .position(|c| *c == Data::String("gap (yuan)".into()))
        .unwrap();
    assert_eq!(rows[1][gap], Data::String("999999999249999.99".into()));
    assert_eq!(
        rows[2][gap],
        Data::Float(0.0),
        "a figure that fits stays a number"
    );
    // The summary's totals too.
    let summary = book.worksheet_range("Summary").unwrap();
    let all: Vec<String> = summary.rows().flatten().map(|c| c.to_string()).collect();
    assert!(all.contains(&"999999999249999.99".to_string()), "{all:?}");
    // A comparison's workbook, rows and summary alike.
    let compared = env.file("compare.xlsx");
    env.roadsub(&[
        "compare",
        &table,
        "--set",
        "poverty.group.3.5=15万",
        "-o",
        &compared,
    ])
    .expect_code(0);
    let mut book = open_workbook_auto(&compared).unwrap();
    for sheet in ["路段 Segments", "汇总 Summary"] {
        let range = book.worksheet_range(sheet).unwrap();
        let exact = range
            .rows()
            .flatten()
            .filter(|c| **c == Data::String("999999999249999.99".into()))
            .count();
        assert!(exact >= 2, "{sheet}: before and after");
        let rounded = range
            .rows()
            .flatten()
            .filter(|c| matches!(c, Data::Float(f) if *f > 1e14))
            .count();
        assert_eq!(rounded, 0, "{sheet}: no rounded figure");
    }
    // A notice would round it under a formula: refused, nothing made.
    let dir = env.file("notices");
    env.roadsub(&["notice", &table, "-o", &dir]).expect(
        1,
        "",
        "roadsub: 石鼓镇 大骥村, segment H1: 999,999,999,999,999.99 has more digits than a \
         workbook holds exactly (15); no notice written (batch writes it exactly as CSV or JSON)\n",
    );
    assert!(!env.path("notices").exists());
}

/// The defect: a report workbook's sheets were held whole until saved (1.5 GB for a
/// 300,000-row `batch -o report.xlsx`); written row by row, their rows wait in temporary
/// files. Where the system's folder for them cannot be written (`$TMPDIR` missing), they are
/// made beside the output instead: the report is the same, cell for cell, and nothing is
/// left beside it.
#[test]
fn a_report_workbook_is_made_whole_where_no_temporary_file_can_be_made_in_tmpdir() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let cells = |path: &str| -> Vec<(String, Vec<Vec<Data>>)> {
        let mut book = open_workbook_auto(path).unwrap();
        let names = book.sheet_names();
        names
            .into_iter()
            .map(|n| {
                let range = book.worksheet_range(&n).unwrap();
                (n, range.rows().map(<[Data]>::to_vec).collect())
            })
            .collect()
    };
    let runs: [&[&str]; 2] = [
        &["batch", &example(), "--lang", "zh"],
        &["compare", &example(), "--set", "poverty.group.3.5=15万"],
    ];
    for (k, args) in runs.iter().enumerate() {
        let usual = env.file(&format!("usual-{k}.xlsx"));
        env.roadsub(&[args, &["-o", usual.as_str()][..]].concat())
            .expect_code(0);
        let out_dir = env.path(&format!("out-{k}"));
        std::fs::create_dir(&out_dir).unwrap();
        let out = out_dir.join("report.xlsx").display().to_string();
        env.roadsub(&[args, &["-o", out.as_str()][..]].concat())
            .env("TMPDIR", "/nonexistent/roadsub-tmp")
            .expect_code(0);
        let (a, b) = (cells(&usual), cells(&out));
        assert!(a[0].1.len() >= 20, "{args:?}: the rows are there");
        assert_eq!(a, b, "{args:?}");
        let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
        assert_eq!(left.len(), 1, "{args:?}: only the report is left");
        // The rows' sheet was written row by row: its text inline, not in a table of every
        // string held until the end.
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(xml.contains("t=\"inlineStr\""), "{args:?}");
    }
}

/// Where no temporary file can be made for a report's rows, neither in `$TMPDIR` nor beside
/// the report, the run says so in the user's language, naming the report's folder (the
/// report could not be put there either; review 21: it named `$TMPDIR`, which a user would
/// fix in vain), and writes nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_report_whose_rows_have_nowhere_to_wait_is_refused_in_both_languages() {
    let env = Env::new();
    // /proc takes no new file, even from root.
    let out = "/proc/roadsub-report.xlsx";
    let runs: [&[&str]; 2] = [
        &["batch", &example()],
        &["compare", &example(), "--set", "poverty.group.3.5=15万"],
    ];
    for args in runs {
        for (lang, said) in [
            (
                "en",
                format!("roadsub: cannot write {out}: cannot make a temporary file in /proc: no such file or directory\n"),
            ),
            (
                "zh",
                format!("roadsub: 无法写入 {out}: 无法在 /proc 新建临时文件：没有这个文件或目录\n"),
            ),
        ] {
            env.roadsub(&[args, &["-o", out, "--lang", lang][..]].concat())
                .env("TMPDIR", "/nonexistent/roadsub-tmp")
                .expect(1, "", &said);
        }
    }
}

/// Review 35: the README says the total cost of a table with a row priced per km (whose cell
/// is empty, so the segments sheet's cost column does not add up to it) is on the summary
/// sheet, and it was nowhere in the workbook, nor were the sources, the surplus or what was
/// disbursed. The summary sheet lists the totals Markdown's summary lists, the same amounts.
#[test]
fn the_report_workbooks_summary_sheet_holds_every_total_the_markdown_summary_holds() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let plan = bundled("examples/anyue-2018-plan.csv");
    for lang in ["en", "zh"] {
        let book = env.file(&format!("r-{lang}.xlsx"));
        let md = env.file(&format!("r-{lang}.md"));
        env.roadsub(&["batch", &plan, "-o", &book, "--lang", lang])
            .expect_code(0);
        env.roadsub(&["batch", &plan, "-o", &md, "--lang", lang])
            .expect_code(0);
        let mut wb = open_workbook_auto(&book).unwrap();
        let name = if lang == "en" { "Summary" } else { "汇总" };
        let range = wb.worksheet_range(name).unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        // The Markdown summary's amounts table: its rows after the heading that names the
        // unit, up to the blank line.
        let text = std::fs::read_to_string(&md).unwrap();
        let unit_head = if lang == "en" {
            "| item | yuan |"
        } else {
            "| 项目 | 金额（元） |"
        };
        let listed: Vec<(String, String)> = text
            .lines()
            .skip_while(|l| *l != unit_head)
            .skip(2)
            .take_while(|l| l.starts_with("| "))
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
                (cells[0].to_string(), cells[1].replace(',', ""))
            })
            .collect();
        assert!(listed.len() >= 7, "{text}");
        assert_eq!(listed[0].0, if lang == "en" { "cost" } else { "总造价" });
        assert_eq!(listed[0].1, "45735000.00");
        for (k, (label, value)) in listed.iter().enumerate() {
            let row = &rows[4 + k];
            assert_eq!(row[0].to_string(), *label, "{lang}");
            let Data::Float(f) = row[1] else {
                panic!("{lang} {label}: {:?}", row[1])
            };
            assert_eq!(format!("{f:.2}"), *value, "{lang} {label}");
        }
    }
}
