//! How much memory making a notice per village holds per row, counted by the allocator
//! itself (bytes asked for: the same on every machine and every run, unlike a resident size
//! or a time). A test binary of its own, so that its counting allocator counts nothing else.

use std::io::{BufWriter, Write};
use std::sync::atomic::Ordering;

use roadsub::report::compare::Table;
use roadsub::report::notice::{self, sheet, Maker, Run, Shape};
use roadsub::rules::RuleSet;
use roadsub::table::sheet::Sheet;

#[path = "common/counting.rs"]
mod counting;
use counting::{LIVE, PEAK};

/// Rows as the batch bench writes them (about 64 bytes a row), five to a village on average.
fn generate(path: &std::path::Path, rows: usize) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "id,township,village,class,width_m,length_km,cost,other_funds,households,completed_km"
    )
    .unwrap();
    let widths = ["3.5", "4.5", "4.0", "3.0"];
    for i in 0..rows {
        let class = if i % 3 == 0 { "village" } else { "group" };
        writeln!(
            out,
            "S{i:08},乡镇{:02},村{:04},{class},{},{}.{:03},{},0,{},0.001",
            i % 40,
            (i * 7) % (rows / 5),
            widths[i % 4],
            i % 5,
            1 + i % 999,
            100_000 + (i * 7919) % 2_000_000,
            1 + i % 300,
        )
        .unwrap();
    }
}

const ROWS: usize = 20_000;

#[test]
fn notices_hold_at_most_360_bytes_a_row_however_many_villages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.csv");
    generate(&path, ROWS);
    let rules = RuleSet::builtin();
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let tables = [Table {
        label: "plan.csv".into(),
        sheet: Sheet::load(&path).unwrap(),
    }];
    let table = (LIVE.load(Ordering::SeqCst) - before) / ROWS;
    let run = Run::new(&tables, &rules).unwrap();
    assert!(run.errors().is_empty(), "{:?}", run.errors().first());
    let maker = Maker::new(&rules, &Shape::of(&[&tables[0].sheet.columns]));
    let overspent = notice::overspent(&rules, &run.summary);
    let villages = run.villages();
    assert_eq!(villages.len(), ROWS / 5);
    // Every village's notice made, as the checks before writing make them; a workbook laid
    // out of some (laying out all takes long unoptimised, and one at a time is what counts).
    let (mut segments, mut bytes) = (0, 0);
    for (k, (v, _)) in villages.iter().enumerate() {
        let n = run.notice(&maker, *v, &overspent).unwrap();
        segments += n.segments.len();
        if k % 40 == 0 {
            bytes += sheet::workbook(&n).unwrap().len();
        }
    }
    assert_eq!(segments, ROWS);
    assert!(
        bytes > 4_000 * villages.len() / 40,
        "{bytes} bytes of workbooks"
    );
    let peak = (PEAK.load(Ordering::SeqCst) - before) / ROWS;
    // The table read whole is about 104 bytes a row here. The run keeps 40 a row (where it
    // is, its village, whether it is good; its place among its village's rows), and while
    // the budgets share out their envelopes they read 56 more (its class, its priority, what
    // each fund pays it) and the envelopes list their rows (8 a row and budget); the ids'
    // set, made and dropped first, and a workbook being made (a few hundred kB, counted
    // once whatever the rows) are the rest: 333 a row at the peak. When every row's
    // breakdown and every village's notice were held before the first was written, it was
    // about 2,800 bytes a row (2.6 GiB at a million rows).
    assert!(table <= 120, "{table} bytes a row for the table");
    assert!(
        peak <= 360,
        "{peak} bytes a row at the peak, the table's {table} included"
    );
}
