//! The bodies of the fuzz targets (`fuzz/`), kept in the library so that `cargo test` replays
//! every committed corpus file and finding through exactly the code the fuzzer ran.
//!
//! Each body takes arbitrary bytes and must neither panic nor hang; beyond that it checks what
//! must hold of any input (a parsed amount is within the limits, every problem renders in both
//! languages). Not part of the tool's interface.

use std::io::Read;

use crate::engine;
use crate::i18n::Lang;
use crate::money::{self, Scale};
use crate::rules::RuleSet;
use crate::table::{self, row, Item, LineText, Run};
use encoding_rs::GB18030;

/// Reads `data` in pieces of the sizes `sizes` gives in turn (1 to 256 bytes), so that every
/// boundary the reader's buffer can meet is met somewhere.
struct Pieces<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    turn: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = match self.sizes.get(self.turn % self.sizes.len().max(1)) {
            Some(&s) => usize::from(s) + 1,
            None => buf.len(),
        };
        self.turn += 1;
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A header that makes the rest of the bytes a table, in GB18030 (`编号,乡镇,…` encoded) or
/// UTF-8, so that fuzzed rows reach both decoders.
const HEADER_UTF8: &str = "编号,乡镇,村,类别,宽度,长度,投资,整合资金,已完工,户数,备注\n";

/// Opens `data` as a CSV table and reads every record, as the batch and the table view do:
/// first as given, then after a GB18030 header and after a UTF-8 one.
pub fn table_reader(data: &[u8]) {
    let (sizes, body) = match data.split_first() {
        Some((&n, rest)) => rest.split_at(usize::from(n % 4).min(rest.len())),
        None => (&[][..], data),
    };
    // Built once: reading the rules costs far more than a short table.
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(RuleSet::builtin);
    read_table(body, sizes, rules);
    let gbk = GB18030.encode(HEADER_UTF8).0;
    for header in [&gbk[..], HEADER_UTF8.as_bytes()] {
        let mut text = header.to_vec();
        text.extend_from_slice(body);
        read_table(&text, sizes, rules);
    }
}

fn read_table(data: &[u8], sizes: &[u8], rules: &RuleSet) {
    let source = Pieces {
        data,
        sizes,
        turn: 0,
    };
    let Ok((columns, mut rows)) = table::open(source) else {
        return;
    };
    let mut errors = Vec::new();
    // Alternate between whole runs of plain lines and single items, as the batch does.
    let mut turn = 0usize;
    loop {
        turn += 1;
        let next = if turn.is_multiple_of(2) {
            rows.next_run(4096)
        } else {
            rows.next_item().map(|i| i.map(Run::Item))
        };
        match next {
            Ok(Some(Run::Item(Item::Record(record)))) => {
                errors.clear();
                if let Some((segment, _)) = row::parse(&record, &columns, rules, &mut errors) {
                    let _ = engine::compute(rules, &segment);
                }
                for e in &errors {
                    let _ = e.render("t.csv", rules, Lang::En);
                    let _ = e.render("t.csv", rules, Lang::Zh);
                }
            }
            Ok(Some(Run::Item(Item::Skipped(e)))) => {
                let _ = e.render("t.csv", rules, Lang::Zh);
            }
            Ok(Some(Run::Lines(lines))) => {
                let text = match lines.text {
                    LineText::Utf8(text) => std::borrow::Cow::Borrowed(text),
                    LineText::Gb18030(bytes) => GB18030.decode_without_bom_handling(bytes).0,
                };
                let mut ends = Vec::new();
                let mut seen = 0u64;
                table::plain_records(&text, lines.line, b',', &mut ends, |item| {
                    seen += 1;
                    if let Ok(record) = item {
                        errors.clear();
                        if let Some((s, _)) = row::parse(&record, &columns, rules, &mut errors) {
                            let _ = engine::compute(rules, &s);
                        }
                    }
                });
                assert!(
                    seen <= lines.count,
                    "{seen} records in {} lines",
                    lines.count
                );
            }
            Ok(None) | Err(_) => return,
        }
    }
}

/// Every number parser over `data` as text: amounts in both header units and per km, lengths,
/// widths and households. What is accepted is within the limits the arithmetic relies on.
pub fn numbers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for scale in [Scale::Base, Scale::Pow10(4), Scale::Pow10(-3)] {
        for per_km in [false, true] {
            if let Ok(v) = money::parse_amount(text, scale, per_km) {
                assert!(!v.is_sign_negative() || v.is_zero(), "{text:?} → {v}");
                assert!(
                    v <= money::MAX_YUAN && v.scale() <= money::MONEY_DP,
                    "{text:?} → {v}"
                );
            }
        }
        if let Ok(v) = money::parse_length_km(text, scale) {
            assert!(
                v <= money::MAX_LENGTH_KM && v.scale() <= money::LENGTH_DP,
                "{text:?} → {v}"
            );
        }
    }
    if let Ok(v) = money::parse_width_m(text) {
        assert!(
            v <= money::MAX_WIDTH_M && v.scale() <= money::WIDTH_DP,
            "{text:?} → {v}"
        );
    }
    if let Ok(n) = money::parse_households(text) {
        assert!(n > 0, "{text:?} → {n}");
    }
    let _ = money::parse_decimal(text);
}

/// The rules loader over `data` as a file's bytes: valid rules describe themselves, invalid
/// ones render every problem in both languages.
pub fn rules_loader(data: &[u8]) {
    match RuleSet::from_bytes(data, "fuzz.toml", &crate::report::layout::column_taken) {
        Ok(rules) => {
            let _ = crate::rules::describe(&rules, Lang::En);
            let _ = crate::rules::describe(&rules, Lang::Zh);
            // Its self-tests run and are said without a panic, whatever their amounts.
            let (_, failed) = crate::rules::selftest::report(&rules, Lang::En);
            assert!(failed <= rules.tests.len());
            let _ = crate::rules::selftest::report(&rules, Lang::Zh);
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors {
                assert!(e.line >= 1 && e.col >= 1, "{e:?}");
                let _ = e.render(Lang::En);
                let _ = e.render(Lang::Zh);
            }
        }
    }
}

/// The quick reader of a workbook's sheet over `data` as the sheet's rows after a header
/// (the bytes up to a first zero byte) and its shared strings after the header's (the bytes
/// after it): its cells are calamine's for as long as it reads, and a sheet it says it read
/// whole, calamine read the same and whole. Where it is unsure calamine reads on, so a
/// disagreement is a changed value in a batch.
pub fn xlsx_sheet(data: &[u8]) {
    use crate::table::workbook::probe;
    let (rows, strings) = match memchr::memchr(0, data) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("fuzz.xlsx");
    if probe::write_hand_book(&path, rows, strings, "").is_err() {
        return;
    }
    if let Some(why) = probe::disagreement(&path) {
        panic!("the quick reader disagrees with calamine: {why}");
    }
    // Read whole, as the table view reads it: a refusal or a table, never a panic of
    // roadsub's nor a range past its bounds.
    read_whole(&path);
}

/// An .xls workbook of the bytes `data` (the old binary format, which calamine reads whole
/// when it opens it), read as every command reads one: a table or a refusal, never a panic
/// of roadsub's, an allocation that ends the run, or a hang.
pub fn xls_book(data: &[u8]) {
    if crate::table::workbook::xls::laid_out_cells(data).is_some_and(|n| n > FUZZ_CELLS) {
        return;
    }
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("fuzz.xls");
    if std::fs::write(&path, data).is_ok() {
        read_whole(&path);
    }
}

/// The most cells a workbook target lays out: a workbook read whole may take 2^26 (about 3.7
/// GB with its formulas, and seconds), which is a valid file's due, not a finding; inputs
/// past 2^20 (about 60 MB laid out) are passed over, so that a run looks for crashes, hangs and blow-ups instead.
const FUZZ_CELLS: u64 = 1 << 20;

/// An .ods workbook whose `content.xml` is `data` (its other parts fixed, stored unpacked so
/// that what the fuzzer changes is what the reader reads), read as every command reads one.
pub fn ods_content(data: &[u8]) {
    if crate::table::workbook::ods::content_cells(data).is_ok_and(|n| n > FUZZ_CELLS) {
        return;
    }
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("fuzz.ods");
    if crate::table::workbook::probe::write_hand_ods(&path, data).is_ok() {
        read_whole(&path);
    }
}

/// The workbook at `path` read whole (as `batch` reads an .xls or .ods, and the table view
/// any workbook): a table whose rows are within the last column, or a refusal that renders
/// in both languages.
fn read_whole(path: &std::path::Path) {
    match crate::table::workbook::open(path, None) {
        Ok(table) => {
            let columns = crate::table::workbook::stream::MAX_COLUMNS as usize;
            assert!(
                table.rows.iter().all(|r| r.len() <= columns),
                "a row past XFD"
            );
        }
        Err(e) => {
            let _ = e.render("fuzz", Lang::En);
            let _ = e.render("fuzz", Lang::Zh);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;

    /// Every committed seed and finding of `target`, as the fuzzer keeps them.
    fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let mut all = Vec::new();
        for folder in ["corpus", "findings"] {
            let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                all.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
        all.sort();
        all
    }

    fn replay(target: &str, body: fn(&[u8])) {
        let all = inputs(target);
        assert!(all.len() >= 3, "the seeds of {target} are committed");
        for (name, data) in all {
            let done = std::panic::catch_unwind(|| body(&data));
            assert!(done.is_ok(), "{name} fails {target}");
        }
    }

    #[test]
    fn the_table_readers_corpus_and_findings_replay_cleanly() {
        replay("table_reader", table_reader);
    }

    #[test]
    fn the_number_parsers_corpus_and_findings_replay_cleanly() {
        replay("numbers", numbers);
    }

    #[test]
    fn the_rules_loaders_corpus_and_findings_replay_cleanly() {
        replay("rules_loader", rules_loader);
    }

    #[test]
    fn the_quick_sheet_readers_corpus_and_findings_replay_cleanly() {
        replay("xlsx_sheet", xlsx_sheet);
    }

    #[test]
    fn the_xls_readers_corpus_and_findings_replay_cleanly() {
        replay("xls_book", xls_book);
    }

    #[test]
    fn the_ods_readers_corpus_and_findings_replay_cleanly() {
        replay("ods_content", ods_content);
    }

    /// A seed with a few bytes changed: a little of what the fuzzer does, on every test run.
    fn mutated(target: &'static str) -> impl Strategy<Value = Vec<u8>> {
        let seeds: Vec<Vec<u8>> = inputs(target).into_iter().map(|(_, d)| d).collect();
        (
            prop::sample::select(seeds),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 0..8),
        )
            .prop_map(|(mut data, edits)| {
                for (at, byte, how) in edits {
                    let i = at.index(data.len() + 1);
                    match how {
                        0 if i < data.len() => data[i] = byte,
                        1 => data.insert(i, byte),
                        _ if i < data.len() => {
                            data.remove(i);
                        }
                        _ => data.push(byte),
                    }
                }
                data
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn mutated_tables_are_read_without_panic(data in mutated("table_reader")) {
            table_reader(&data);
        }

        #[test]
        fn mutated_numbers_are_parsed_without_panic(data in mutated("numbers")) {
            numbers(&data);
        }

        #[test]
        fn mutated_rules_are_loaded_without_panic(data in mutated("rules_loader")) {
            rules_loader(&data);
        }
    }

    proptest! {
        // A workbook written and read twice a case.
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn mutated_sheets_read_alike_by_both_readers(data in mutated("xlsx_sheet")) {
            xlsx_sheet(&data);
        }

        #[test]
        fn mutated_xls_books_are_read_or_refused(data in mutated("xls_book")) {
            xls_book(&data);
        }

        #[test]
        fn mutated_ods_contents_are_read_or_refused(data in mutated("ods_content")) {
            ods_content(&data);
        }
    }
}
