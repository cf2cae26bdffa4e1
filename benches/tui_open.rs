//! The interactive table on large files, headless: how long the first screen takes (a large
//! file's first rows, the rest read on another thread) and the whole table read, computed
//! and shown; a sort by a Chinese text column (pinyin order), by an id column and by the
//! cost; a filter as it is typed; grouping; one edit with its recomputation and one redraw;
//! the peak memory. Then, in a process of its own, the same under a budget that prorates
//! every group road's poverty money: the first screen (its rows with the shares the whole
//! table gives them, found by reading the file as a batch run's counting pass does, timed
//! alone too), the whole table, and the edit and redraw, where an edit shares the whole
//! envelope out again (the target: under 16 ms), and the peak memory.
//!
//! `cargo bench --bench tui_open` (100,000 and 1,000,000 rows, each table in a process of
//! its own so each peak memory is its own), or set ROADSUB_BENCH_ROWS (and
//! ROADSUB_BENCH_PRORATED=1 for the prorated table).

use std::io::{BufWriter, Write};
use std::time::Instant;

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use roadsub::i18n::Lang;
use roadsub::rules::RuleSet;
use roadsub::table::sheet::Sheet;
use roadsub::tui::action::Action;
use roadsub::tui::app::App;
use roadsub::tui::doc::Doc;
use roadsub::tui::loading;
use roadsub::tui::view;

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

/// Opens the table at `path` as `roadsub table` does (a large file's first rows shown at
/// once, the rest read and computed on another thread, then shown in their place) and draws
/// it: the app, and how long the first screen and the whole table took.
fn open(
    path: &std::path::Path,
    rules: &RuleSet,
    terminal: &mut Terminal<TestBackend>,
) -> (App, std::time::Duration, std::time::Duration) {
    let start = Instant::now();
    let mut app = loading::first_screen(path, None, &Default::default(), rules, Lang::Zh)
        .unwrap_or_else(|| {
            let doc = Doc::new(
                Sheet::load(path).expect("load"),
                Some(path.to_path_buf()),
                rules,
            );
            App::new(doc, rules.clone(), Lang::Zh)
        });
    terminal.draw(|f| view::draw(f, &app)).unwrap();
    let first = start.elapsed();
    while app.is_reading() {
        app.finish_reading().expect("load");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    terminal.draw(|f| view::draw(f, &app)).unwrap();
    (app, first, start.elapsed())
}

/// The process's peak resident memory so far (VmHWM), as the kernel reports it.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

fn main() {
    let rows = std::env::var("ROADSUB_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok());
    let Some(rows) = rows else {
        // Each size and table in a process of its own, so that each peak memory is its own.
        for rows in [100_000, 1_000_000] {
            for prorated in ["0", "1"] {
                let status = std::process::Command::new(std::env::current_exe().unwrap())
                    .args(std::env::args().skip(1))
                    .env("ROADSUB_BENCH_ROWS", rows.to_string())
                    .env("ROADSUB_BENCH_PRORATED", prorated)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
        }
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    if std::env::var("ROADSUB_BENCH_PRORATED").is_ok_and(|v| v == "1") {
        let path = dir.path().join(format!("prorated-{rows}.csv"));
        generate(&path, rows);
        prorating(&path, rows);
        return;
    }
    let path = dir.path().join(format!("plan-{rows}.csv"));
    generate(&path, rows);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();

    // As `roadsub table` opens a large file: the first rows shown at once, the rest read and
    // computed on another thread, then shown in their place.
    let rules = RuleSet::builtin();
    let (mut app, first, whole) = open(&path, &rules, &mut terminal);
    assert_eq!(app.doc.sheet.rows.len(), rows);
    let mut peaks = vec![("opened", peak_memory())];
    println!(
        "tui: {rows} rows — first screen {:.0} ms, whole table read, computed and shown {:.2} s",
        ms(first),
        whole.as_secs_f64()
    );

    // A sort by the village column (Chinese text, in pinyin order: a few hundred names), by
    // the id (text, every one different) and by the cost; each press of the key timed
    // (ascending, descending, off).
    for (c, what) in [
        (2, "village (pinyin)"),
        (0, "id (all different)"),
        (7, "cost (number)"),
    ] {
        app.col = c;
        let mut took = Vec::new();
        for _ in 0..3 {
            let sort = Instant::now();
            app.step(Action::Sort, 20);
            took.push(ms(sort.elapsed()));
            if took.len() == 1 {
                assert_eq!(app.sort, Some((c, false)));
            }
        }
        assert_eq!(app.sort, None);
        println!(
            "tui: {rows} rows — sort by {what} {:.0} ms (descending {:.0} ms, off {:.0} ms)",
            took[0], took[1], took[2]
        );
    }
    peaks.push(("sorted", peak_memory()));
    // A filter, applied as each character is typed: the slowest key and what it matched.
    app.col = 0;
    app.step(Action::Filter, 20);
    let mut slowest = 0f64;
    for c in "村12".chars() {
        let key = Instant::now();
        app.step(Action::Char(c), 20);
        slowest = slowest.max(ms(key.elapsed()));
    }
    app.step(Action::Accept, 20);
    let shown = app.shown_rows();
    let clear = Instant::now();
    app.step(Action::Filter, 20);
    app.step(Action::Cancel, 20);
    println!(
        "tui: {rows} rows — filter \"村12\" as typed: slowest key {slowest:.0} ms ({shown} rows shown), cleared {:.0} ms",
        ms(clear.elapsed())
    );
    peaks.push(("filtered", peak_memory()));
    // Grouped by township, by village, then not.
    let mut took = Vec::new();
    for _ in 0..3 {
        let group = Instant::now();
        app.step(Action::Group, 20);
        took.push(ms(group.elapsed()));
    }
    println!(
        "tui: {rows} rows — group by township {:.0} ms, by village {:.0} ms, off {:.0} ms",
        took[0], took[1], took[2]
    );

    let edit = Instant::now();
    // The last row, the farthest from the top.
    for action in [
        Action::Top,
        Action::Bottom,
        Action::Home,
        Action::Right,
        Action::Right,
        Action::Right,
        Action::Right,
        Action::Right,
        Action::Edit,
    ] {
        app.step(action, 20);
    }
    for action in [
        Action::Backspace,
        Action::Backspace,
        Action::Backspace,
        Action::Char('5'),
        Action::Accept,
    ] {
        app.step(action, 20);
    }
    app.step(Action::PageDown, 20);
    let edited = edit.elapsed();
    let draw = Instant::now();
    terminal.draw(|f| view::draw(f, &app)).unwrap();
    let drawn = draw.elapsed();
    assert_eq!(app.doc.sheet.rows[rows - 1].get(5), "5", "{:?}", app.status);
    println!(
        "tui: {rows} rows — one edit {:.1} ms, one redraw {:.1} ms",
        ms(edited),
        ms(drawn)
    );
    peaks.push(("grouped and edited", peak_memory()));
    let peaks: Vec<String> = peaks
        .iter()
        .map(|(when, kb)| format!("{when} {kb}"))
        .collect();
    println!("tui: {rows} rows — peak memory: {}", peaks.join(", "));
}

/// The shipped rules with the group roads' poverty money held to an envelope far below what
/// they ask, prorated.
fn prorating_rules() -> RuleSet {
    let shipped = include_str!("../rules.toml");
    let at = shipped
        .find("[[budgets]]")
        .expect("the shipped rules have budgets");
    let text = format!(
        "{}\n[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\nname = \"社级道路建设\"\namount = \"690万\"\non_overrun = \"prorate\"\n",
        &shipped[..at]
    );
    RuleSet::from_toml(&text, "rules.toml").expect("valid rules")
}

/// One edit of a group road's length and one redraw, under [`prorating_rules`]: every group
/// road (two rows in three) is under the one envelope, so each is allocated again.
fn prorating(path: &std::path::Path, rows: usize) {
    let rules = prorating_rules();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut app, first, opened) = open(path, &rules, &mut terminal);
    assert_eq!(app.doc.sheet.rows.len(), rows);
    let opened_peak = peak_memory();
    // The first rows with their shares alone (the counting pass, most of the first screen),
    // best of three.
    let mut counting = (0..3)
        .map(|_| {
            let start = Instant::now();
            let head =
                loading::first_rows(path, None, &Default::default(), &rules, loading::HEAD_ROWS);
            assert!(head.is_some(), "the first rows' shares are known");
            start.elapsed()
        })
        .collect::<Vec<_>>();
    counting.sort();
    // The second row from the bottom is a group road; its length is the seventh column.
    app.step(Action::Bottom, 20);
    app.step(Action::Up, 20);
    for _ in 0..6 {
        app.step(Action::Right, 20);
    }
    // Timed several times (the host is shared): the best and the middle run.
    let mut edits = Vec::new();
    let mut both = Vec::new();
    // ROADSUB_BENCH_EDITS edits (9 unless set: more for a profiler).
    let times = std::env::var("ROADSUB_BENCH_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9);
    let values = ["7", "8", "7.5", "6"];
    for value in (0..times).map(|i| values[i % values.len()]) {
        app.step(Action::Edit, 20);
        for _ in 0..8 {
            app.step(Action::Backspace, 20);
        }
        for c in value.chars() {
            app.step(Action::Char(c), 20);
        }
        let edit = Instant::now();
        app.step(Action::Accept, 20);
        edits.push(edit.elapsed());
        terminal.draw(|f| view::draw(f, &app)).unwrap();
        both.push(edit.elapsed());
        assert_eq!(
            app.doc.sheet.rows[rows - 2].get(6),
            value,
            "{:?}",
            app.status
        );
    }
    edits.sort();
    both.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    println!(
        "tui: {rows} rows, group roads prorated — first screen {:.0} ms (its rows with their shares alone: best {:.0} ms), whole table read, computed and shown {:.2} s, peak memory {opened_peak}; one edit {:.1} ms (best {:.1}), edit + redraw {:.1} ms (best {:.1})",
        ms(first),
        ms(counting[0]),
        opened.as_secs_f64(),
        ms(edits[edits.len() / 2]),
        ms(edits[0]),
        ms(both[both.len() / 2]),
        ms(both[0])
    );
}
