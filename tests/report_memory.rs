//! How much memory an Excel report holds per row while its rows are written, counted by the
//! allocator itself (bytes asked for: the same on every machine and every run). A test binary
//! of its own, so that its counting allocator counts nothing else; its tests take turns.

use std::sync::atomic::Ordering;

use roadsub::i18n::Lang;
use roadsub::report::layout::Layout;
use roadsub::report::xlsx::{Cell, Report};
use roadsub::report::{GroupBy, Summary};
use roadsub::rules::RuleSet;
use roadsub::table::Columns;
use rust_decimal::Decimal;

#[path = "common/counting.rs"]
mod counting;
use counting::{LIVE, PEAK};

const ROWS: usize = 20_000;

/// The tests of this binary, one at a time: the allocator's count is the process's.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The tables' columns.
const HEADER: [&str; 7] = [
    "id",
    "township",
    "village",
    "class",
    "width_m",
    "length_km",
    "cost",
];

/// The fields of row `i` of a table of [`HEADER`]'s columns.
fn inputs(i: usize) -> [String; 7] {
    [
        format!("S{i:08}"),
        format!("乡镇{:02}", i % 40),
        format!("村{:04}", i % 4_000),
        "group".to_string(),
        "4.5".to_string(),
        format!("{}.{}", 1 + i % 5, 1 + i % 9),
        format!("{}", 100_000 + (i * 7919) % 2_000_000),
    ]
}

/// Row `i` of a report with `layout`'s columns: the input fields as text, every computed
/// amount, and a note.
fn row(layout: &Layout, i: usize) -> Vec<Cell> {
    let inputs = inputs(i);
    let columns = layout.header.len();
    (0..columns)
        .map(|c| match c {
            c if c < inputs.len() => Cell::Text(inputs[c].clone()),
            c if c + 1 == columns => Cell::Text(format!("width 4.5 m, row {i}")),
            c => Cell::Amount(Some(Decimal::new((i * 131 + c) as i64, 2))),
        })
        .collect()
}

#[test]
fn an_excel_reports_rows_are_not_held_in_memory_while_it_is_written() {
    // The defect: every cell of the segments sheet was held until the workbook was saved,
    // about 4.9 KB a row: 1.5 GB for a 300,000-row `batch -o report.xlsx`, 2.6 GB for a
    // comparison of them. Written row by row, a sheet's rows wait in a temporary file.
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rules = RuleSet::builtin();
    let columns = Columns::from_header(HEADER).unwrap();
    let layout = Layout::new(&columns, &rules);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.xlsx");
    let start = LIVE.load(Ordering::SeqCst);
    PEAK.store(start, Ordering::SeqCst);
    let mut report = Report::new(&layout, &rules, Lang::En, &out).unwrap();
    for block in 0..ROWS / 1_000 {
        let rows: Vec<Vec<Cell>> = (block * 1_000..(block + 1) * 1_000)
            .map(|i| row(&layout, i))
            .collect();
        report.rows(&rows).unwrap();
    }
    let peak = PEAK.load(Ordering::SeqCst) - start;
    // One block of rows as given and the writer's buffers (about 0.55 MB): the sheet's rows
    // themselves hold nothing (held, these took 46 MB, 2,300 bytes a row).
    assert!(
        peak <= 1 << 20,
        "{peak} bytes at the peak while {ROWS} rows were written"
    );
    let summary = Summary::new(&rules, &[GroupBy::Township, GroupBy::Village]);
    let mut bytes = Vec::new();
    report
        .finish(&mut bytes, &rules, &summary, Lang::En)
        .unwrap();
    // Every row is in the workbook, as written.
    std::fs::write(&out, &bytes).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "Segments").unwrap();
    // The heading, the rows and the totals row.
    assert_eq!(sheet.height(), ROWS + 2);
    let last = ROWS as u32;
    assert_eq!(
        sheet.get_value((last, 0)),
        Some(&calamine::Data::String(format!("S{:08}", ROWS - 1)))
    );
    assert_eq!(
        sheet.get_value((last, 2)),
        Some(&calamine::Data::String(format!(
            "村{:04}",
            (ROWS - 1) % 4_000
        )))
    );
    let amount = ((ROWS - 1) * 131 + 7) as f64 / 100.0;
    assert_eq!(
        sheet.get_value((last, 7)),
        Some(&calamine::Data::Float(amount))
    );
}

#[test]
fn a_table_saved_as_a_new_workbook_is_not_held_in_memory_while_it_is_made() {
    // The table view's save of a table under a new `.xlsx` name held every cell until the
    // workbook was made, on top of the table itself.
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rows: Vec<roadsub::table::sheet::SheetRow> = (0..ROWS)
        .map(|i| {
            let fields = inputs(i);
            roadsub::table::sheet::SheetRow::new(fields.iter().map(String::as_str), i as u64 + 2)
        })
        .collect();
    let header: Vec<String> = HEADER.map(String::from).to_vec();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.xlsx");
    let start = LIVE.load(Ordering::SeqCst);
    PEAK.store(start, Ordering::SeqCst);
    let bytes =
        roadsub::table::workbook::write("道路", &[], &header, (&rows, &[]), &[], &out).unwrap();
    let peak = PEAK.load(Ordering::SeqCst) - start;
    // The workbook's bytes and the writer's buffers, about 1.4 MB (held, the cells took
    // 28.5 MB, 1,400 bytes a row).
    assert!(peak <= 2 << 20, "{peak} bytes at the peak for {ROWS} rows");
    std::fs::write(&out, &bytes).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "道路").unwrap();
    assert_eq!(sheet.height(), ROWS + 1);
    assert_eq!(
        sheet.get_value((ROWS as u32, 0)),
        Some(&calamine::Data::String(format!("S{:08}", ROWS - 1)))
    );
}
