//! How much memory the interactive table holds per row, counted by the allocator itself: a
//! count of bytes asked for, so the same on every machine and every run, unlike a resident
//! size or a time. A test binary of its own, so that its counting allocator counts nothing else.

use std::io::{BufWriter, Write};
use std::sync::atomic::Ordering;

use roadsub::i18n::Lang;
use roadsub::rules::RuleSet;
use roadsub::table::sheet::{Sheet, SheetRow};
use roadsub::tui::app::App;
use roadsub::tui::doc::Doc;

#[path = "common/counting.rs"]
mod counting;
use counting::{CALLS, LIVE, PEAK};

/// Rows as the `tui_open` bench writes them: ten columns, about 64 bytes of UTF-8 a row.
fn generate(path: &std::path::Path, rows: usize) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "编号,乡镇,村,路段名称,类别,宽度,长度,投资,已完工,户数").unwrap();
    let widths = ["3.5", "4.5", "4.0", "3.0"];
    for i in 0..rows {
        let class = if i % 3 == 0 { "通村" } else { "社道" };
        writeln!(
            out,
            "AY-{i:07},镇{:02},村{:03},{}组道路,{class},{},{}.{:03},{}万,0,{}",
            i % 40,
            i % 997,
            1 + i % 12,
            widths[i % 4],
            i % 5,
            1 + i % 999,
            10 + i % 500,
            1 + i % 300
        )
        .unwrap();
    }
}

const ROWS: usize = 10_000;

#[test]
fn an_open_table_holds_at_most_216_bytes_a_row_and_232_while_opening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.csv");
    generate(&path, ROWS);
    let rules = RuleSet::builtin();
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let calls = CALLS.load(Ordering::SeqCst);
    let sheet = Sheet::load(&path).unwrap();
    // Each row's text and its fields' ends are allocated once, together, at their size: grown
    // piece by piece, the pieces given back are too small to serve anything else and stay
    // unused (a million rows took 60 MB more).
    let calls = (CALLS.load(Ordering::SeqCst) - calls) as f64 / ROWS as f64;
    assert!(calls < 1.05, "{calls} allocations a row while reading");
    let doc = Doc::new(sheet, Some(path.clone()), &rules);
    let app = App::new(doc, rules, Lang::Zh);
    assert_eq!(app.doc.sheet.rows.len(), ROWS);
    assert_eq!(app.doc.summary().total.segments, ROWS as u64);
    let held = (LIVE.load(Ordering::SeqCst) - before) / ROWS;
    let peak = (PEAK.load(Ordering::SeqCst) - before) / ROWS;
    // The row's text is 60-odd bytes; its fields' ends (a byte each in the same allocation),
    // the amounts the engine gave and the line shown for it take the rest: 210 bytes held,
    // 222 at the peak (with the ends in an allocation of their own, 32 bits each, 256 and
    // 280; when each row kept its whole breakdown, 842 and 867), 8 of them for the 村项目资金
    // the shipped rules measure per village (a row leaving the totals must take it with it).
    // A million rows then fit in 250 MB with the allocator's own overhead.
    assert!(held <= 216, "{held} bytes a row held");
    assert!(peak <= 232, "{peak} bytes a row at the peak of opening");
    drop(app);
    // Under a budget that prorates, each row keeps one number more: the fen the budget pays
    // it (8 bytes); and the one envelope it prorates is kept between edits, 26 bytes for each
    // row under it (which it is, what it asks, what it is paid, how its part in the totals
    // moves with that), two rows in three here.
    let shipped = include_str!("../rules.toml");
    let at = shipped.find("[[budgets]]").unwrap();
    let prorating = RuleSet::from_toml(
        &format!(
            "{}\n[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\namount = \"690万\"\non_overrun = \"prorate\"\n",
            &shipped[..at]
        ),
        "rules.toml",
    )
    .unwrap();
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let sheet = Sheet::load(&path).unwrap();
    let doc = Doc::new(sheet, Some(path.clone()), &prorating);
    let app = App::new(doc, prorating, Lang::Zh);
    let with_budget = (LIVE.load(Ordering::SeqCst) - before) / ROWS;
    let peak_with_budget = (PEAK.load(Ordering::SeqCst) - before) / ROWS;
    assert!(
        with_budget <= held + 8 + 18,
        "{with_budget} bytes a row held under a prorating budget, {held} without"
    );
    // Sharing the envelope out the whole way, as the table opens, read every row's township
    // and village for it (32 bytes a row allocated) with no budget per village to read them:
    // at the table's peak, 264 bytes a row; now 242.
    assert!(
        peak_with_budget <= 246,
        "{peak_with_budget} bytes a row at the peak of opening under a prorating budget"
    );
    drop(app);
    // In the rows' vector a row is a few words (its text and ends are on the heap, counted
    // above). One test in this binary: another running beside it would be counted too.
    assert!(std::mem::size_of::<SheetRow>() <= 24);
}
