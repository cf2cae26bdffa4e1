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
    let (code, out, err) = env.run(&["batch", &xlsx]);
    assert_eq!(code, 0, "{err}");
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
    let (code, _, err) = env.run(&["batch", &p]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!("{p}[Plan]:2: length_km \"abc\" is not a length")),
        "{err}"
    );
}

#[test]
fn sheet_picks_a_sheet_and_a_wrong_one_is_named() {
    let env = Env::new();
    let xlsx = plan_xlsx(&env);
    let (code, _, err) = env.run(&["batch", &xlsx, "--sheet", "2"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("[备用]") || err.contains("no sheet has a header row"),
        "{err}"
    );
    let (code, _, err) = env.run(&["batch", &xlsx, "--sheet", "Roads"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!(
            "{xlsx}: no sheet \"Roads\" (the sheets are: 道路计划, 备用)"
        )),
        "{err}"
    );
    let (code, out, _) = env.run(&["batch", &xlsx, "--sheet", "道路计划"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 4);
}
