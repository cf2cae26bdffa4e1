//! How much memory a Markdown comparison holds per row while it is written, counted by the
//! allocator itself (bytes asked for: the same on every machine and every run). A test binary
//! of its own, so that its counting allocator counts nothing else.

use std::io::{BufWriter, Write};
use std::sync::atomic::Ordering;

use roadsub::i18n::Lang;
use roadsub::report::compare::stream::{compare_streamed, Form, Sink};
use roadsub::report::compare::Table;
use roadsub::report::Unit;
use roadsub::rules::RuleSet;
use roadsub::table::sheet::Sheet;

#[path = "common/counting.rs"]
mod counting;
use counting::{LIVE, PEAK};

/// Rows as the batch bench writes them (about 64 bytes a row), five to a village on average.
fn generate(path: &std::path::Path, rows: usize) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "id,township,village,class,width_m,length_km,cost").unwrap();
    let widths = ["3.5", "4.5", "4.0", "3.0"];
    for i in 0..rows {
        let class = if i % 3 == 0 { "village" } else { "group" };
        writeln!(
            out,
            "S{i:08},乡镇{:02},村{:04},{class},{},{}.{:03},{}",
            i % 40,
            (i * 7) % (rows / 5),
            widths[i % 4],
            i % 5,
            1 + i % 999,
            100_000 + (i * 7919) % 2_000_000,
        )
        .unwrap();
    }
}

/// Where the written bytes go: counted, not kept (the output is a file, not memory).
#[derive(Default)]
struct Counted(usize);

impl Sink for Counted {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }

    fn again(&mut self) {
        self.0 = 0;
    }
}

const ROWS: usize = 20_000;

#[test]
fn a_markdown_comparison_holds_at_most_850_bytes_a_row_while_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.csv");
    generate(&path, ROWS);
    let before = RuleSet::builtin();
    let (after, _) = before
        .with_settings(&[roadsub::rules::Setting::parse("poverty.group.3.5=15万").unwrap()])
        .unwrap();
    let start = LIVE.load(Ordering::SeqCst);
    PEAK.store(start, Ordering::SeqCst);
    let tables = [Table {
        label: "plan.csv".into(),
        sheet: Sheet::load(&path).unwrap(),
    }];
    let table = (LIVE.load(Ordering::SeqCst) - start) / ROWS;
    let changes = vec!["poverty, group 3.5 m: 100,000 → 150,000 yuan/km".to_string()];
    let form = Form::Markdown {
        gbk: false,
        headings: Lang::En,
        unit: Unit::Yuan,
        changes: &changes,
    };
    let mut sink = Counted::default();
    let s = compare_streamed(&tables, &before, &after, form, Lang::En, &mut sink).unwrap();
    let tail = form.tail(&s.comparison, Lang::En);
    assert_eq!(s.rows, ROWS);
    assert!(s.comparison.pairs.is_empty(), "only bad rows are kept");
    let written = sink.0 + tail.len();
    assert!(written > 250 * ROWS, "{written} bytes written");
    let peak = (PEAK.load(Ordering::SeqCst) - start) / ROWS;
    // The table read whole is about 92 bytes a row; each side's sums per village (4,000
    // villages here, two sides, two groupings each), the pieces being written on the cores
    // (a fixed part, large beside 20,000 rows) and what follows the rows (the groups as
    // text, made once at the end) are the rest: 775 a row. Held whole, every row's text and
    // amounts (a string a cell) and the report's text came to 1,309 a row here (1,109 at
    // 100,000 rows, where the stream takes 585; 2.8 GB at a million rows in the process).
    assert!(table <= 120, "{table} bytes a row for the table");
    assert!(
        peak <= 850,
        "{peak} bytes a row at the peak, the table's {table} included"
    );
}
