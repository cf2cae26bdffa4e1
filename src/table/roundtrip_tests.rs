//! Saving a table changes exactly what was edited: for every form of CSV the table saves
//! (encoding, separator, line ends, quoting, ragged rows, unknown, repeated and padded columns,
//! blank lines), a table is generated line by line, loaded, one cell edited, saved, and the
//! saved bytes compared with the original with that one line replaced.

use std::fs;

use encoding_rs::GB18030;
use proptest::prelude::*;

use super::sheet::Sheet;
use super::{Encoding, Euro, RecordProblem, TableError};

/// One way the file is written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Form {
    Utf8,
    Utf8Bom,
    Gbk,
}

/// One field as written: its value, and whether it is quoted though it need not be.
type Cell = (String, bool);

/// One line of the file: its fields, its line end, and the blank lines after it.
#[derive(Debug, Clone)]
struct Line {
    cells: Vec<Cell>,
    end: &'static str,
    blanks: usize,
}

fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec!["a", "Z", "7", "4.5", " ", "画青村", "卢庄", "梅路", "€", "𠀀"]),
            1 => prop::sample::select(vec![",", ";", "\t", "\"", "\n", "\r", "\r\n"]),
        ],
        0..4,
    )
    .prop_map(|parts| parts.concat())
}

/// One line end: always `uniform` when given, else any (a file of mixed line ends).
fn ending(uniform: Option<&'static str>) -> BoxedStrategy<&'static str> {
    match uniform {
        Some(e) => Just(e).boxed(),
        None => prop::sample::select(vec!["\n", "\r\n", "\r"]).boxed(),
    }
}

fn needs_quotes(v: &str, delimiter: u8) -> bool {
    v.bytes()
        .any(|b| b == delimiter || matches!(b, b'"' | b'\n' | b'\r'))
}

/// Writes `cells` as one record with `delimiter`: quoted where needed or asked.
fn record(cells: &[Cell], delimiter: u8) -> String {
    // Empty fields written bare are a blank line (`,,,`), which is no record: roadsub quotes
    // the first.
    let blank = cells.iter().all(|(v, quoted)| v.is_empty() && !quoted);
    cells
        .iter()
        .enumerate()
        .map(|(i, (v, quoted))| {
            if *quoted || needs_quotes(v, delimiter) || blank && i == 0 {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(&(delimiter as char).to_string())
}

/// `text` as the file holds it: a GBK file as Excel and WPS on Windows write it (code page
/// 936: € is the byte 0x80), which is how roadsub writes € into a file that holds nothing
/// beyond GBK, as these do.
/// (`euro`: a file that writes € as GB18030's A2 E3, as a GB18030 encoder does.)
fn encode(text: &str, form: Form, euro: Euro) -> Vec<u8> {
    match form {
        Form::Gbk => {
            let mut out = Vec::new();
            crate::table::push_gb18030(&mut out, text, euro);
            out
        }
        _ => text.as_bytes().to_vec(),
    }
}

/// A generated file: its form, separator, preamble of blank lines, header and rows.
#[derive(Debug, Clone)]
struct File {
    form: Form,
    delimiter: u8,
    preamble: usize,
    header: Line,
    rows: Vec<Line>,
    /// Whether the last line has its line end.
    last_ended: bool,
    /// How € is written (GBK only).
    euro: Euro,
}

impl File {
    /// Whether a row of the wrong size has a cell over lines that holds the delimiter, or a
    /// cell over lines and a field count more than one away from the header's: that reads as
    /// a quote never closed that took the lines after it in, and the table is not opened. A
    /// row with a field too many or too few whose cell is only written over lines is a row
    /// of the wrong size, kept as written.
    fn reads_as_unclosed(&self) -> bool {
        self.rows
            .iter()
            .any(|r| self.row_reads_as_unclosed(&r.cells))
    }

    /// [`File::reads_as_unclosed`] of one row's cells.
    fn row_reads_as_unclosed(&self, cells: &[Cell]) -> bool {
        let delimiter = char::from(self.delimiter);
        let width = self.header.cells.len();
        let over_lines = |c: &&Cell| c.0.contains('\n');
        cells.len() != width
            && cells.iter().any(|c| over_lines(&c))
            && (cells
                .iter()
                .filter(over_lines)
                .any(|c| c.0.contains(delimiter))
                || cells.len().abs_diff(width) > 1)
    }

    fn line_bytes(&self, line: &Line, last: bool, text: Option<(&str, Euro)>) -> Vec<u8> {
        let euro = text.map_or(self.euro, |(_, e)| e);
        let text = text.map(|(t, _)| t);
        let mut s = text.map_or_else(|| record(&line.cells, self.delimiter), str::to_string);
        if !last || self.last_ended {
            s.push_str(line.end);
            for _ in 0..line.blanks {
                s.push_str(line.end);
            }
        }
        encode(&s, self.form, euro)
    }

    /// The file's bytes, with row `edited` written as `text` instead when given, its € in
    /// the form given.
    fn bytes(&self, edited: Option<(usize, &str, Euro)>) -> Vec<u8> {
        let mut out = Vec::new();
        if self.form == Form::Utf8Bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        for _ in 0..self.preamble {
            out.extend_from_slice(self.header.end.as_bytes());
        }
        let n = self.rows.len();
        out.extend(self.line_bytes(&self.header, n == 0, None));
        for (i, row) in self.rows.iter().enumerate() {
            let text = edited.filter(|(r, ..)| *r == i).map(|(_, t, e)| (t, e));
            out.extend(self.line_bytes(row, i + 1 == n, text));
        }
        out
    }
}

fn file() -> impl Strategy<Value = File> {
    let form = prop::sample::select(vec![Form::Utf8, Form::Utf8Bom, Form::Gbk]);
    let delimiter = prop::sample::select(vec![b',', b';', b'\t']);
    let uniform = prop::option::of(prop::sample::select(vec!["\n", "\r\n", "\r"]));
    let euro = prop::sample::select(vec![Euro::Cp936, Euro::Gb18030]);
    (form, delimiter, uniform, 0..2usize, any::<bool>(), euro).prop_flat_map(
        |(form, delimiter, uniform, preamble, last_ended, euro)| {
            let names = [
                "id",
                "township",
                "village",
                "class",
                "width_m",
                "length_km",
                "cost",
            ];
            let header_cells = (
                prop::collection::vec((0..2usize, 0..2usize, any::<bool>()), names.len()),
                prop::collection::vec(prop::sample::select(vec!["note", "备注", "x y"]), 0..3),
            )
                .prop_map(move |(pads, extra)| {
                    let mut cells: Vec<Cell> = names
                        .iter()
                        .zip(pads)
                        .map(|(n, (l, r, q))| (format!("{}{n}{}", " ".repeat(l), " ".repeat(r)), q))
                        .collect();
                    cells.extend(extra.into_iter().map(|n| (n.to_string(), false)));
                    cells
                });
            let line = move |cells: BoxedStrategy<Vec<Cell>>| {
                (cells, ending(uniform), 0..2usize).prop_map(|(cells, end, blanks)| Line {
                    cells,
                    end,
                    blanks,
                })
            };
            let header = line(header_cells.boxed());
            let row = line(prop::collection::vec((value(), any::<bool>()), 1..11).boxed());
            (header, prop::collection::vec(row, 0..8)).prop_map(move |(header, rows)| File {
                form,
                delimiter,
                preamble,
                header,
                rows,
                last_ended,
                euro,
            })
        },
    )
}

/// The encoding to name when loading: GBK is given (its bytes can pass for UTF-8 for a
/// while), UTF-8 recognised.
fn encoding(form: Form) -> Option<Encoding> {
    match form {
        Form::Gbk => Some(Encoding::Gb18030),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn saving_changes_exactly_the_edited_line(
        f in file(),
        pick in any::<prop::sample::Index>(),
        col in 0..12usize,
        new in value(),
    ) {
        saved_changes_exactly_the_edited_line(f, pick, col, new)?;
    }
}

/// Writes `f`, loads it, edits cell `col` of the row `pick` picks to `new`, saves, and
/// checks the saved bytes are the file's with that one line replaced.
fn saved_changes_exactly_the_edited_line(
    f: File,
    pick: prop::sample::Index,
    col: usize,
    new: String,
) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let original = f.bytes(None);
    fs::write(&path, &original).unwrap();
    if f.reads_as_unclosed() {
        let refused = Sheet::load_in(&path, encoding(f.form)).unwrap_err();
        prop_assert!(
            matches!(&refused, TableError::Unkept(lines) if lines.iter().all(|(_, p)| matches!(p, RecordProblem::UnclosedQuote { .. }))),
            "{:?}",
            refused
        );
        return Ok(());
    }
    let mut sheet = Sheet::load_in(&path, encoding(f.form)).unwrap();
    prop_assert_eq!(sheet.rows.len(), f.rows.len());
    prop_assert_eq!(
        &sheet.to_bytes(),
        &original,
        "load and save without an edit"
    );
    // Each row written starts on the line it was read from.
    let read: Vec<u64> = sheet.rows.iter().map(|r| r.line).collect();
    prop_assert_eq!(sheet.lines_as_written(), read);
    if f.rows.is_empty() {
        return Ok(());
    }
    let r = pick.index(f.rows.len());
    let row = &f.rows[r];
    let col = col % (row.cells.len() + 2);
    // The cells not edited keep the form they were written in (quoted or not); the
    // edited one is written as it must be. A row edited to empty cells alone is written
    // anew whole, its first cell quoted (bare, it would be a blank line).
    let mut cells: Vec<Cell> = row.cells.clone();
    cells.resize(cells.len().max(col + 1), (String::new(), false));
    cells[col] = (new.clone(), false);
    if cells.iter().all(|c| c.0.is_empty()) {
        cells.iter_mut().for_each(|c| c.1 = false);
    }
    sheet.rows[r] = sheet.rows[r].with(col, &new);
    sheet.save(&path).unwrap();
    let saved = fs::read(&path).unwrap();
    let unchanged = cells
        .iter()
        .map(|c| &c.0)
        .eq(row.cells.iter().map(|c| &c.0));
    // A € typed is written in the form the file's € were read in; in a file that had none,
    // 0x80 unless the table holds a character beyond GBK (𠀀), then GB18030's A2 E3.
    let had_euro = f
        .rows
        .iter()
        .any(|l| l.cells.iter().any(|c| c.0.contains('€')));
    let beyond = |line: &[Cell]| line.iter().any(|c| c.0.contains('𠀀'));
    let euro = if had_euro {
        f.euro
    } else if beyond(&f.header.cells)
        || beyond(&cells)
        || f.rows
            .iter()
            .enumerate()
            .any(|(i, l)| i != r && beyond(&l.cells))
    {
        Euro::Gb18030
    } else {
        Euro::Cp936
    };
    let expected = if unchanged {
        original.clone()
    } else {
        f.bytes(Some((r, &record(&cells, f.delimiter), euro)))
    };
    // A row of empty cells is written with its first quoted (`""`), whether it was
    // given so or not: that cell, not edited, is kept as written where the row's line
    // was kept (its own line end, the last line without one), and written bare where
    // the row is written anew from its cells. Either form is the same cell.
    let blank = !row.cells.is_empty()
        && row.cells.iter().all(|(v, _)| v.is_empty())
        && row.cells[1..].iter().all(|(_, quoted)| !quoted)
        && col != 0
        && !cells.iter().all(|c| c.0.is_empty());
    let kept_first = blank.then(|| {
        let mut other = cells.clone();
        other[0].1 = !other[0].1;
        f.bytes(Some((r, &record(&other, f.delimiter), euro)))
    });
    if !unchanged && kept_first.as_ref() == Some(&saved) {
        // The other form of the same cell.
    } else {
        prop_assert_eq!(
            String::from_utf8_lossy(&saved),
            String::from_utf8_lossy(&expected)
        );
        prop_assert_eq!(&saved, &expected);
    }
    if f.row_reads_as_unclosed(&cells) {
        // Edited into such a row: saved as typed, and then refused as above.
        prop_assert!(Sheet::load_in(&path, encoding(f.form)).is_err());
        return Ok(());
    }
    let again = Sheet::load_in(&path, encoding(f.form)).unwrap();
    prop_assert_eq!(again.rows[r].get(col), new.as_str());
    prop_assert_eq!(again.rows.len(), f.rows.len());
    Ok(())
}

/// Title and note rows above the header (a unit, a quoted title with a comma, a blank line,
/// CRLF, in UTF-8 with a BOM and in GBK) are saved back byte for byte, and still give the
/// table its unit when it is read again.
#[test]
fn title_rows_above_the_header_are_saved_back_byte_for_byte() {
    use crate::money::Scale;
    use crate::table::Field;
    let text = "\"安岳县2018年通村公路计划表，第一批\",,,,,,\r\n（单位：万元、公里）,,,,,,\r\n\r\n\
                编号,乡镇,村,类别,宽度,长度,投资\r\nA1,石鼓镇,大骥村,通村,4.5,1.2,63\r\nA2,石鼓镇,玉皇村,社道,3.5,0.6,20\r\n";
    let forms: [(&str, Vec<u8>, Option<Encoding>); 3] = [
        ("utf-8", text.as_bytes().to_vec(), None),
        (
            "utf-8 with BOM",
            [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
            None,
        ),
        (
            "gbk",
            GB18030.encode(text).0.into_owned(),
            Some(Encoding::Gb18030),
        ),
    ];
    for (form, original, enc) in forms {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        fs::write(&path, &original).unwrap();
        let mut sheet = Sheet::load_in(&path, enc).unwrap();
        assert_eq!(sheet.rows.len(), 2, "{form}");
        assert_eq!(sheet.columns.scale(Field::Cost), Scale::Pow10(4), "{form}");
        assert_eq!(sheet.to_bytes(), original, "{form}: saved unedited");
        sheet.rows[1] = sheet.rows[1].with(6, "25");
        sheet.save(&path).unwrap();
        let edited = text.replace(",0.6,20\r\n", ",0.6,25\r\n");
        let expected = match enc {
            Some(_) => GB18030.encode(&edited).0.into_owned(),
            None if form.contains("BOM") => [&b"\xEF\xBB\xBF"[..], edited.as_bytes()].concat(),
            None => edited.into_bytes(),
        };
        assert_eq!(
            String::from_utf8_lossy(&fs::read(&path).unwrap()),
            String::from_utf8_lossy(&expected),
            "{form}"
        );
        assert_eq!(fs::read(&path).unwrap(), expected, "{form}");
        let again = Sheet::load_in(&path, enc).unwrap();
        assert_eq!(again.rows[1].get(6), "25");
        assert_eq!(
            again.rows[0].line, 5,
            "{form}: rows keep their line numbers"
        );
        assert_eq!(again.columns.scale(Field::Length), Scale::Base);
    }
}

/// Excel writes rows once used as `,,,,,,`: they are no segment, but a save keeps them, as
/// it keeps blank lines.
#[test]
fn rows_of_empty_fields_are_passed_over_and_saved_back_verbatim() {
    let text = "单位：万元,,,,,,\n,,,,,,\n序号,所属乡镇,村名称,道路等级,建设里程,路面宽度,总投资\n\
                1,石鼓镇,大骥村,通村公路,2,4.5,96\n,,,,,,\n2,石鼓镇,玉皇村,通村公路,1,4.5,40\n,,,,,,\n,,,,,,";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    fs::write(&path, text).unwrap();
    let mut sheet = Sheet::load_in(&path, None).unwrap();
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[1].line, 6, "the row of commas counts as a line");
    assert_eq!(
        sheet.columns.scale(crate::table::Field::Cost),
        crate::money::Scale::Pow10(4)
    );
    assert_eq!(sheet.to_bytes(), text.as_bytes(), "saved unedited");
    sheet.rows[1] = sheet.rows[1].with(6, "41");
    sheet.save(&path).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        text.replace(",1,4.5,40\n", ",1,4.5,41\n")
    );
}

/// Deleting a row took the blank lines and rows of empty fields after it along: they were
/// kept with its line, and went with it.
#[test]
fn deleting_a_row_keeps_the_blank_lines_and_empty_rows_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let header = "id,township,village,class,width_m,length_km,cost\n";
    let cases: [(&str, usize, &str); 4] = [
        // The first row: what followed it now follows the header.
        (
            "A1,t,v,通村,4.5,1,80万\n\n,,,,,,\nA2,t,v,通村,4.5,1,80万\n\nA3,t,v,通村,4.5,1,80万\n",
            0,
            "\n,,,,,,\nA2,t,v,通村,4.5,1,80万\n\nA3,t,v,通村,4.5,1,80万\n",
        ),
        // A middle row, the file's own line ends (CR LF) kept.
        (
            "A1,t,v,通村,4.5,1,80万\r\nA2,t,v,通村,4.5,1,80万\r\n\r\n说明：另计,,,,,,\r\nA3,t,v,通村,4.5,1,80万\r\n",
            1,
            "A1,t,v,通村,4.5,1,80万\r\n\r\n说明：另计,,,,,,\r\nA3,t,v,通村,4.5,1,80万\r\n",
        ),
        // The last row, blank lines after it at the end of the file.
        (
            "A1,t,v,通村,4.5,1,80万\r\nA2,t,v,通村,4.5,1,80万\r\n\r\n\r\n",
            1,
            "A1,t,v,通村,4.5,1,80万\r\n\r\n\r\n",
        ),
        // Two rows deleted in turn: the lines after each stay in file order.
        (
            "A1,t,v,通村,4.5,1,80万\n\nA2,t,v,通村,4.5,1,80万\n,,,,,,\nA3,t,v,通村,4.5,1,80万\n",
            usize::MAX,
            "\n,,,,,,\nA3,t,v,通村,4.5,1,80万\n",
        ),
    ];
    for (rows, delete, expected) in cases {
        fs::write(&path, format!("{header}{rows}")).unwrap();
        let mut sheet = Sheet::load_in(&path, None).unwrap();
        match delete {
            usize::MAX => {
                sheet.rows.remove(1);
                sheet.rows.remove(0);
            }
            at => {
                sheet.rows.remove(at);
            }
        }
        sheet.save(&path).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{header}{expected}"),
            "{rows:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever rows are deleted, every other line of the file is saved as it was read: the
    /// records of the rows left, the blank lines after every row, deleted or not, and the
    /// header and what comes before it.
    #[test]
    fn deleting_rows_takes_only_their_own_lines(
        f in file(),
        gone in prop::collection::vec(any::<bool>(), 8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        fs::write(&path, f.bytes(None)).unwrap();
        // Such a table is not opened (as in `saving_changes_exactly_the_edited_line`): passed
        // over rather than assumed away, which ran out proptest's rejects at 5,000 cases.
        if f.reads_as_unclosed() {
            prop_assert!(Sheet::load_in(&path, encoding(f.form)).is_err());
            return Ok(());
        }
        let mut sheet = Sheet::load_in(&path, encoding(f.form)).unwrap();
        prop_assert_eq!(sheet.rows.len(), f.rows.len());
        let mut at = 0;
        sheet.rows.retain(|_| {
            at += 1;
            !gone[at - 1]
        });
        let lines = sheet.lines_as_written();
        sheet.save(&path).unwrap();
        // The file as generated, each deleted row's record and own line end left out.
        let mut expected = Vec::new();
        if f.form == Form::Utf8Bom {
            expected.extend_from_slice(b"\xEF\xBB\xBF");
        }
        for _ in 0..f.preamble {
            expected.extend_from_slice(f.header.end.as_bytes());
        }
        let n = f.rows.len();
        expected.extend(f.line_bytes(&f.header, n == 0, None));
        for (i, row) in f.rows.iter().enumerate() {
            let last = i + 1 == n;
            if !gone[i] {
                // A row after a last line that lost its record starts a line of its own.
                if !expected.is_empty() && !matches!(expected.last(), Some(b'\n' | b'\r')) {
                    expected.extend_from_slice(row.end.as_bytes());
                }
                expected.extend(f.line_bytes(row, last, None));
            } else if !last || f.last_ended {
                for _ in 0..row.blanks {
                    expected.extend(encode(row.end, f.form, f.euro));
                }
            }
        }
        let saved = fs::read(&path).unwrap();
        prop_assert_eq!(String::from_utf8_lossy(&saved), String::from_utf8_lossy(&expected));
        // Read again, the rows left are the rows kept, in order.
        let again = Sheet::load_in(&path, encoding(f.form)).unwrap();
        prop_assert_eq!(again.rows.len(), gone[..n].iter().filter(|g| !**g).count());
        // And each on the line the table left said it would be written on.
        let read: Vec<u64> = again.rows.iter().map(|r| r.line).collect();
        prop_assert_eq!(lines, read);
    }
}

/// A GBK file with a character beyond GBK (so saved € go as GB18030's A2 E3) and an 0x80 €
/// in a row not edited: the row, written anew at a save, came out A2 E3; Excel and WPS
/// (code page 936) read the file saved garbled there, and nobody had touched the row.
#[test]
fn an_untouched_row_with_an_0x80_euro_was_rewritten_as_a2_e3() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let text = "id,township,village,class,width_m,length_km,cost\nA,𠀀,v,c,1,1,1\nB,€,v,c,1,1,1\nC,t,v,c,1,1,1\n";
    let mut bytes = Vec::new();
    crate::table::push_gb18030(&mut bytes, text, Euro::Cp936);
    fs::write(&path, &bytes).unwrap();
    let mut sheet = Sheet::load_in(&path, Some(Encoding::Gb18030)).unwrap();
    sheet.rows[2] = sheet.rows[2].with(1, "x€");
    sheet.save(&path).unwrap();
    let mut expected = Vec::new();
    crate::table::push_gb18030(&mut expected, &text.replace("C,t,", "C,x€,"), Euro::Cp936);
    assert_eq!(fs::read(&path).unwrap(), expected);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// [`saving_changes_exactly_the_edited_line`] for plain GBK files (cells quoted only
    /// where they must be, one line end, no blank lines: each row is written anew at a save,
    /// not copied) where the two forms of € and characters beyond GBK meet.
    #[test]
    fn saving_a_gbk_file_keeps_every_euro_it_did_not_edit(
        rows in prop::collection::vec(
            prop::collection::vec(
                prop::collection::vec(prop::sample::select(vec!["a", "村", "7", "€", "𠀀"]), 0..3)
                    .prop_map(|p| (p.concat(), false)),
                7,
            ),
            1..6,
        ),
        euro in prop::sample::select(vec![Euro::Cp936, Euro::Gb18030]),
        pick in any::<prop::sample::Index>(),
        col in 0..7usize,
        new in prop::collection::vec(prop::sample::select(vec!["b", "€", "𠀀"]), 1..3),
    ) {
        let names = ["id", "township", "village", "class", "width_m", "length_km", "cost"];
        let line = |cells: Vec<Cell>| Line { cells, end: "\n", blanks: 0 };
        let f = File {
            form: Form::Gbk,
            delimiter: b',',
            preamble: 0,
            header: line(names.iter().map(|n| (n.to_string(), false)).collect()),
            rows: rows.into_iter().map(line).collect(),
            last_ended: true,
            euro,
        };
        saved_changes_exactly_the_edited_line(f, pick, col, new.concat())?;
    }
}
