//! The interactive table on large files, headless: how long opening takes (read, compute every
//! row, lay out) and how long one edit with its recomputation and one redraw take.
//!
//! `cargo bench --bench tui_open` (100,000 and 1,000,000 rows), or set ROADSUB_BENCH_ROWS.

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
    let sizes: Vec<usize> = match std::env::var("ROADSUB_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        Some(n) => vec![n],
        None => vec![100_000, 1_000_000],
    };
    let dir = tempfile::tempdir().unwrap();
    for rows in sizes {
        let path = dir.path().join(format!("plan-{rows}.csv"));
        generate(&path, rows);
        let start = Instant::now();
        let rules = RuleSet::builtin();
        let sheet = Sheet::load(&path).expect("load");
        let loaded = start.elapsed();
        let doc = Doc::new(sheet, Some(path.clone()), &rules);
        let mut app = App::new(doc, rules, Lang::Zh);
        let opened = start.elapsed();

        let edit = Instant::now();
        // The last row, the farthest from the top.
        for action in [
            Action::Bottom,
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

        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let draw = Instant::now();
        terminal.draw(|f| view::draw(f, &app)).unwrap();
        let drawn = draw.elapsed();
        println!(
            "tui: {rows} rows — read {:.2} s, open (read + compute + lay out) {:.2} s, one edit {:.1} ms, one redraw {:.1} ms",
            loaded.as_secs_f64(),
            opened.as_secs_f64(),
            edited.as_secs_f64() * 1e3,
            drawn.as_secs_f64() * 1e3
        );
        println!("tui: {rows} rows — peak memory {}", peak_memory());
    }
}
