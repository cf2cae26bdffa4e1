//! `x`: a report of the table as it is now, in the format the file name's extension asks for.
//! The table's own computed rows go straight to the report layer's writers, the same ones a
//! batch run uses, so an export and `roadsub batch` of the saved table write the same bytes;
//! nothing is written out as CSV and read back. The report is put as the table shows it: the
//! computed columns headed in the table's language and amounts in its unit, as `roadsub batch
//! --lang L --headings L --amounts U` puts them (JSON and workbooks keep yuan, as batch's do).

use std::path::Path;

use super::doc::{Calc, Doc};
use crate::engine::Note;
use crate::i18n::Lang;
use crate::report::encode::{self, RowBuf};
use crate::report::format::{segment_json, Format, Unit};
use crate::report::layout::Layout;
use crate::report::summary::{groupings, Summary};
use crate::rules::RuleSet;

/// How many rows an export wrote, and how many it left out (rows that cannot be computed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    pub good: u64,
    pub bad: u64,
}

/// Writes the table's computable rows and their summary to `path` (replaced atomically), in
/// the format its extension names, its headings in `lang` and its amounts in `unit`. Nothing is
/// written when no row can be computed.
pub fn export(
    doc: &Doc,
    rules: &RuleSet,
    lang: Lang,
    unit: Unit,
    path: &Path,
) -> std::io::Result<Exported> {
    let format = Format::from_path(path);
    let columns = &doc.sheet.columns;
    let layout = Layout::new(columns, rules);
    let copied = layout.own_map(columns, rules);
    let file = doc
        .path
        .as_ref()
        .map_or("table".to_string(), |p| p.display().to_string());
    // A workbook's rows are told by sheet, as a batch run tells them: plan.xlsx[道路].
    let label = match &doc.sheet.workbook {
        Some(origin) => format!("{file}[{}]", origin.sheet),
        None => file,
    };
    let mut rows = RowBuf::new(Some(format), false, 0).in_unit(unit);
    // The table's own totals have no groups; a workbook's summary sheet shows townships and
    // villages, as a batch run's does.
    let mut summary = Summary::new(rules, &groupings(format, None));
    summary.units = layout.units.clone();
    let (mut good, mut bad) = (0, 0);
    let mut notes = String::new();
    let mut ends = Vec::new();
    // A JSON row's line is where it is in the table saved as it is now, as a batch run of the
    // saved table says it: rows added or deleted since it was read move the rest (an added
    // row was read from no line). A workbook's rows keep their sheet's row numbers.
    let lines = (matches!(format, Format::Json | Format::Jsonl) && doc.sheet.workbook.is_none())
        .then(|| doc.sheet.lines_as_written());
    for at in 0..doc.sheet.rows.len() {
        let computed = match doc.calc(rules, at) {
            Calc::Good(computed) => computed,
            // A totals or note row is left out, as a batch run leaves it out: it is not a
            // segment.
            c if c.not_a_segment() => continue,
            Calc::Bad(errors) => {
                // A note states another unit than the rows were read in: none is exported.
                if errors.iter().any(|e| e.problem.puts_units_in_doubt()) {
                    return Err(std::io::Error::other(
                        crate::table::Problem::units_in_doubt(lang),
                    ));
                }
                bad += 1;
                continue;
            }
        };
        good += 1;
        let (seg, b) = (&computed.segment, &computed.breakdown);
        let row = &doc.sheet.rows[at];
        if summary.add(rules, seg, &doc.row_text(at), b).is_err() {
            return Err(std::io::Error::other(lang.pick(
                "the totals are too large to add up exactly",
                "合计过大，无法精确相加",
            )));
        }
        if matches!(format, Format::Json | Format::Jsonl) {
            let mut record = row.record(&mut ends);
            if let Some(lines) = &lines {
                record.line = lines[at];
            }
            rows.json(&segment_json(rules, lang, &label, columns, &record, seg, b));
            continue;
        }
        for &j in &copied {
            rows.field(row.get(j));
        }
        encode::notes(&mut notes, &b.notes, lang, |n: &Note, out| {
            n.write_to(out, rules, lang)
        });
        encode::computed(&mut rows, b, &layout, &notes);
    }
    if good > 0 {
        encode::write_document(path, &layout, rules, &summary, lang, lang, unit, rows)?;
    }
    Ok(Exported { good, bad })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{self, Destination, Input, Options, TextStyle};
    use crate::table::sheet::Sheet;
    use crate::tui::doc::Op;

    /// The bundled example (households, notes and all) with a row that cannot be computed, a
    /// repeated id and a totals row.
    fn table(dir: &Path) -> std::path::PathBuf {
        let mut text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018.csv"),
        )
        .unwrap();
        let fields = text.lines().next().unwrap().split(',').count();
        let mut bad = vec!["BAD-1", "乡", "村", "路", "village", "abc"];
        bad.resize(fields, "");
        text.push_str(&bad.join(","));
        text.push('\n');
        // A repeated id: bad in both.
        let again = text.lines().nth(1).unwrap().to_string();
        text.push_str(&again);
        text.push('\n');
        let mut totals = vec!["合计"];
        totals.resize(fields, "");
        text.push_str(&totals.join(","));
        text.push('\n');
        let path = dir.join("plan.csv");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// What `roadsub batch TABLE --lang LANG --headings LANG --amounts UNIT -o OUT` writes.
    fn by_batch(rules: &RuleSet, lang: Lang, unit: Unit, table: &Path, out: &Path) {
        let opts = Options {
            rules,
            inputs: vec![Input {
                label: table.display().to_string(),
                path: Some(table.to_path_buf()),
                encoding: None,
            }],
            destination: match Format::from_path(out) {
                Format::Xlsx => Destination::Workbook(out.to_path_buf()),
                _ => Destination::File(out.to_path_buf()),
            },
            keep_going: true,
            by: None,
            lang,
            progress: false,
            workers: 1,
            style: TextStyle {
                format: Format::from_path(out)
                    .text()
                    .unwrap_or(crate::report::TextFormat::Csv),
                excel: false,
                gbk: false,
            },
            sheet: None,
        };
        let look = batch::Presentation {
            by: Vec::new(),
            headings: lang,
            amounts: unit,
            summary: true,
        };
        let header = crate::table::HeaderOptions::default();
        let report = batch::run_presented(&opts, &look, &header, &mut Vec::new()).unwrap();
        assert!(report.written);
    }

    #[test]
    fn an_export_writes_what_a_batch_run_of_the_table_writes() {
        // The export used to write the table to a temporary CSV and run a batch over it; now
        // it writes the table's own rows. Same bytes, in every text format, language and unit.
        let dir = tempfile::tempdir().unwrap();
        let path = table(dir.path());
        let rules = RuleSet::builtin();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        for (lang, unit) in [Lang::En, Lang::Zh]
            .into_iter()
            .flat_map(|l| [(l, Unit::Yuan), (l, Unit::Wan)])
        {
            for ext in ["csv", "json", "jsonl", "md"] {
                let (ours, theirs) = (
                    dir.path().join(format!("export.{ext}")),
                    dir.path().join(format!("batch.{ext}")),
                );
                let done = export(&doc, &rules, lang, unit, &ours).unwrap();
                assert_eq!(done, Exported { good: 19, bad: 2 });
                by_batch(&rules, lang, unit, &path, &theirs);
                let (a, b) = (
                    std::fs::read(&ours).unwrap(),
                    std::fs::read(&theirs).unwrap(),
                );
                assert!(
                    a == b,
                    "{ext} {lang:?} {unit:?}:\n{}\n---\n{}",
                    String::from_utf8_lossy(&a),
                    String::from_utf8_lossy(&b)
                );
            }
        }
    }

    /// A note below the data stating another unit (`备注：长度为米` under lengths read in km)
    /// left the other rows exported as read, in the unit the note says is not theirs; no
    /// export is written (as batch, compare and notice write nothing, even past bad rows).
    #[test]
    fn an_export_under_a_note_stating_another_unit_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        std::fs::write(
            &path,
            "编号,乡镇,村,类别,宽度,长度,投资\nA,天马乡,画青村,通村,3.5,850,40万\n备注：长度为米,,,,,,\n",
        )
        .unwrap();
        let rules = RuleSet::builtin();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        for (lang, said) in [
            (Lang::En, "a note or a row of units among the rows gives another unit, so the other rows may be in the wrong unit too (state the unit above the header or in the column's header)"),
            (Lang::Zh, "表中说明行或单位行写明了另一种单位，其余各行也可能按错误的单位读取（请在表头上方或列的表头中写明单位）"),
        ] {
            let out = dir.path().join("out.csv");
            let e = export(&doc, &rules, lang, Unit::Yuan, &out).unwrap_err();
            assert_eq!(e.to_string(), said);
            assert!(!out.exists());
        }
    }

    /// A JSON export gave each row the line it was read from: after a row was deleted and
    /// one added (saved or not), the rows below said the wrong line and the added one line 0,
    /// where a batch run of the saved table says where each row is.
    #[test]
    fn a_json_export_after_rows_added_and_deleted_gives_the_lines_of_the_saved_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = table(dir.path());
        let rules = RuleSet::builtin();
        let mut doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        let third = doc.sheet.rows[2].clone();
        doc.apply(&rules, &Op::Delete { at: 2, row: third });
        let mut added = doc.sheet.rows[0].clone();
        added = added.with(0, "AY-99");
        added.line = 0;
        doc.apply(&rules, &Op::Insert { at: 5, row: added });
        for saved in [false, true] {
            if saved {
                doc.sheet.save(&path).unwrap();
            }
            for ext in ["json", "jsonl"] {
                let (ours, theirs) = (
                    dir.path().join(format!("export.{ext}")),
                    dir.path().join(format!("batch.{ext}")),
                );
                export(&doc, &rules, Lang::En, Unit::Yuan, &ours).unwrap();
                let text = std::fs::read_to_string(&ours).unwrap();
                let lines: Vec<u64> = text
                    .split("\"line\":")
                    .skip(1)
                    .map(|t| {
                        let t = t.trim_start();
                        t[..t.find(|c: char| !c.is_ascii_digit()).unwrap()]
                            .parse()
                            .unwrap()
                    })
                    .collect();
                // The header is line 1; AY-03 (line 4) is gone, AY-99 the sixth row; the
                // two bad rows and the totals row are not in the report.
                assert_eq!(
                    lines,
                    (2..=20).collect::<Vec<u64>>(),
                    "{ext}, saved: {saved}"
                );
                if saved {
                    by_batch(&rules, Lang::En, Unit::Yuan, &path, &theirs);
                    assert_eq!(
                        std::fs::read_to_string(&ours).unwrap(),
                        std::fs::read_to_string(&theirs).unwrap(),
                        "{ext}"
                    );
                }
            }
        }
    }

    /// The shipped rules with budgets that allocate: the group roads' poverty money
    /// prorated, then each village's in order.
    fn allocating_rules() -> RuleSet {
        RuleSet::shipped_with_budgets(
            "[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\nname = \"社级道路建设\"\nname_en = \"Group road building\"\namount = \"200万\"\non_overrun = \"prorate\"\n\n[[budgets]]\nfund = \"poverty\"\nper_village = true\nname = \"每村额度\"\nname_en = \"Per village\"\namount = \"30万\"\non_overrun = \"in_order\"\n",
        )
    }

    /// What a batch run of `table` writes once it allocates, worked out the plainest way: every
    /// row computed apart, held whole, allocated by [`allocate`](crate::report::allocate::allocate)
    /// and written through the report layer.
    fn by_held_allocation(rules: &RuleSet, lang: Lang, unit: Unit, table: &Path, out: &Path) {
        use crate::report::allocate::{allocate, Held, HeldRow};
        let sheet = Sheet::load(table).unwrap();
        // Computed before any budget: the same rules without their budgets.
        let mut plain_rules = rules.clone();
        plain_rules.budgets.clear();
        let plain = Doc::new(sheet, None, &plain_rules);
        let mut rows = Vec::new();
        let mut kept = Vec::new();
        for at in 0..plain.sheet.rows.len() {
            let text = plain.row_text(at);
            let computed = match plain.calc(&plain_rules, at) {
                Calc::Good(g) => Some((g.segment, g.breakdown)),
                c if c.not_a_segment() => continue,
                Calc::Bad(_) => None,
            };
            kept.push(at);
            rows.push(HeldRow {
                township: text.township.to_string(),
                village: text.village.to_string(),
                computed,
            });
        }
        let mut held = Held { rules, rows };
        allocate(rules, &mut held).unwrap();
        let format = Format::from_path(out);
        let columns = &plain.sheet.columns;
        let layout = Layout::new(columns, rules);
        let copied = layout.own_map(columns, rules);
        let label = table.display().to_string();
        let mut buf = RowBuf::new(Some(format), false, 0).in_unit(unit);
        let mut summary = Summary::new(rules, &groupings(format, None));
        let (mut notes, mut ends) = (String::new(), Vec::new());
        for (held_row, &at) in held.rows.iter().zip(&kept) {
            let Some((seg, b)) = &held_row.computed else {
                continue;
            };
            let row = &plain.sheet.rows[at];
            summary.add(rules, seg, &plain.row_text(at), b).unwrap();
            if matches!(format, Format::Json | Format::Jsonl) {
                let record = row.record(&mut ends);
                buf.json(&segment_json(rules, lang, &label, columns, &record, seg, b));
                continue;
            }
            for &j in &copied {
                buf.field(row.get(j));
            }
            encode::notes(&mut notes, &b.notes, lang, |n: &Note, out| {
                n.write_to(out, rules, lang)
            });
            encode::computed(&mut buf, b, &layout, &notes);
        }
        encode::write_document(out, &layout, rules, &summary, lang, lang, unit, buf).unwrap();
    }

    #[test]
    fn an_export_under_budgets_that_allocate_writes_the_rows_after_the_cut() {
        // Two references: `allocate` over the rows held whole, written by the same report
        // layer, and a batch run, which allocates streaming.
        let dir = tempfile::tempdir().unwrap();
        let path = table(dir.path());
        let rules = allocating_rules();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        for (lang, unit) in [(Lang::En, Unit::Yuan), (Lang::Zh, Unit::Wan)] {
            for ext in ["csv", "json", "jsonl", "md"] {
                let (ours, theirs) = (
                    dir.path().join(format!("export.{ext}")),
                    dir.path().join(format!("held.{ext}")),
                );
                let done = export(&doc, &rules, lang, unit, &ours).unwrap();
                assert_eq!(done, Exported { good: 19, bad: 2 });
                by_held_allocation(&rules, lang, unit, &path, &theirs);
                let batch = dir.path().join(format!("batch.{ext}"));
                by_batch(&rules, lang, unit, &path, &batch);
                let (a, b, c) = (
                    std::fs::read_to_string(&ours).unwrap(),
                    std::fs::read_to_string(&theirs).unwrap(),
                    std::fs::read_to_string(&batch).unwrap(),
                );
                assert!(a == b, "{ext} {lang:?}:\n{a}\n---\n{b}");
                assert!(a == c, "{ext} {lang:?} against batch:\n{a}\n---\n{c}");
            }
        }
        // The cuts are in it, each row saying which budget cut it and why, and it differs from
        // the same table without the budgets.
        let csv = std::fs::read_to_string(dir.path().join("export.csv")).unwrap();
        assert!(csv.contains("按申请额同比例分配"), "{csv}");
        assert!(csv.contains("本村"), "{csv}");
        let mut unbudgeted = rules.clone();
        unbudgeted.budgets.clear();
        let plain = Doc::new(Sheet::load(&path).unwrap(), None, &unbudgeted);
        let out = dir.path().join("plain.csv");
        export(&plain, &unbudgeted, Lang::Zh, Unit::Wan, &out).unwrap();
        assert_ne!(std::fs::read_to_string(out).unwrap(), csv);
    }

    #[test]
    fn an_exported_workbook_holds_what_a_batch_runs_workbook_holds() {
        use calamine::{open_workbook_auto, Reader};
        let dir = tempfile::tempdir().unwrap();
        let path = table(dir.path());
        let rules = RuleSet::builtin();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        let (ours, theirs) = (dir.path().join("e.xlsx"), dir.path().join("b.xlsx"));
        export(&doc, &rules, Lang::Zh, Unit::Wan, &ours).unwrap();
        by_batch(&rules, Lang::Zh, Unit::Wan, &path, &theirs);
        let cells = |p: &Path| {
            let mut book = open_workbook_auto(p).unwrap();
            book.sheet_names()
                .into_iter()
                .map(|n| {
                    let range = book.worksheet_range(&n).unwrap();
                    let rows: Vec<Vec<String>> = range
                        .rows()
                        .map(|r| r.iter().map(|c| format!("{c:?}")).collect())
                        .collect();
                    (n, rows)
                })
                .collect::<Vec<_>>()
        };
        let (a, b) = (cells(&ours), cells(&theirs));
        assert_eq!(a.len(), 3);
        assert!(a[0].1.len() > 20, "{:?}", a[0]);
        assert_eq!(a, b);
    }

    #[test]
    fn an_export_of_a_workbooks_table_names_its_rows_as_a_batch_run_does() {
        // The defect: each JSON segment's "file" was "plan.xlsx" in an export and
        // "plan.xlsx[道路]" from a batch run of the same workbook.
        let dir = tempfile::tempdir().unwrap();
        let example =
            Sheet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018.csv"))
                .unwrap();
        let path = dir.path().join("plan.xlsx");
        let bytes = crate::table::workbook::write(
            "道路",
            &[],
            &example.columns.names,
            (&example.rows, &[]),
            &[],
            &path,
        )
        .unwrap();
        std::fs::write(&path, bytes).unwrap();
        let rules = RuleSet::builtin();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        for ext in ["json", "jsonl", "csv"] {
            let (ours, theirs) = (
                dir.path().join(format!("export.{ext}")),
                dir.path().join(format!("batch.{ext}")),
            );
            export(&doc, &rules, Lang::En, Unit::Yuan, &ours).unwrap();
            by_batch(&rules, Lang::En, Unit::Yuan, &path, &theirs);
            let (a, b) = (
                std::fs::read_to_string(&ours).unwrap(),
                std::fs::read_to_string(&theirs).unwrap(),
            );
            assert_eq!(a, b, "{ext}");
        }
        let json = std::fs::read_to_string(dir.path().join("export.jsonl")).unwrap();
        assert!(
            json.contains(&format!("\"file\":\"{}[道路]\"", path.display())),
            "{json}"
        );
    }

    #[test]
    fn an_export_with_no_computable_row_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.csv");
        std::fs::write(
            &path,
            "id,township,village,class,width_m,length_km,cost\nX,T,V,village,abc,1,100\n",
        )
        .unwrap();
        let rules = RuleSet::builtin();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        let out = dir.path().join("r.csv");
        assert_eq!(
            export(&doc, &rules, Lang::En, Unit::Yuan, &out).unwrap(),
            Exported { good: 0, bad: 1 }
        );
        assert!(!out.exists());
    }
}
