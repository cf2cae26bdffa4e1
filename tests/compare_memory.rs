//! How much memory a Markdown or a JSON comparison holds per row while it is written, counted
//! by the allocator itself (bytes asked for: the same on every machine and every run). A test
//! binary of its own, so that its counting allocator counts nothing else; its tests take turns.

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

/// The tests of this binary, one at a time: the allocator's count is the process's.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The rules in force and the variant, and the table of [`ROWS`] rows read, with the count
/// the allocator had before it was read (its peak counted from there).
fn compared() -> (RuleSet, RuleSet, [Table; 1], usize) {
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
    (before, after, tables, start)
}

#[test]
fn a_markdown_comparison_holds_at_most_850_bytes_a_row_while_it_is_written() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (before, after, tables, start) = compared();
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

#[test]
fn a_json_comparison_holds_at_most_1000_bytes_a_row_while_it_is_written() {
    // The defect: a JSON comparison was made whole as one `serde_json::Value` (every row, every
    // group) and then as its text: 17 GB at a million rows, 71 s.
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (before, after, tables, start) = compared();
    let variant = roadsub::report::compare::Variant {
        kind: "set",
        given: vec!["poverty.group.3.5=15万".to_string()],
        lines: vec!["poverty, group 3.5 m: 100,000 → 150,000 yuan/km".to_string()],
    };
    let form = Form::Json { variant: &variant };
    // The rows go to a file of their own, here only counted, and are read back into the
    // document after its groups.
    let mut rows = Counted::default();
    let s = compare_streamed(&tables, &before, &after, form, Lang::En, &mut rows).unwrap();
    assert_eq!(s.rows, ROWS);
    assert!(s.comparison.pairs.is_empty(), "only bad rows are kept");
    let spooled = rows.0 as u64;
    let mut document = Counted::default();
    let read_back = std::io::Read::take(std::io::repeat(b' '), spooled);
    roadsub::report::compare::stream::json_document(
        &s.comparison,
        &variant,
        Lang::En,
        (
            roadsub::report::compare::stream::Kept::Read(read_back),
            spooled,
        ),
        &mut document,
    )
    .unwrap();
    assert!(document.0 > 900 * ROWS, "{} bytes written", document.0);
    let peak = (PEAK.load(Ordering::SeqCst) - start) / ROWS;
    // As a Markdown comparison's (above), with each piece's rows as JSON text, about 1,050
    // bytes a row, on the cores: 917 a row. Held whole, as one `Value` and then its text,
    // 15,072 a row here.
    assert!(peak <= 1000, "{peak} bytes a row at the peak");
}
