//! The reader against the state machine, line numbers, encodings and limits.

use encoding_rs::GB18030;

use super::*;

type Recs = Vec<(u64, Vec<String>)>;
/// Records, skipped records, the encoding, and the line that broke it.
type Read = (
    Recs,
    Vec<(u64, RecordProblem)>,
    Encoding,
    Option<EncodingError>,
);

fn read_all(bytes: &[u8]) -> Read {
    read_all_in(bytes, None)
}

fn read_all_in(bytes: &[u8], encoding: Option<Encoding>) -> Read {
    let mut r = CsvReader::with_encoding(bytes, encoding);
    let (mut recs, mut skipped) = (Vec::new(), Vec::new());
    loop {
        match r.next_record() {
            Ok(Next::Record(rec)) => recs.push((rec.line, rec.iter().map(String::from).collect())),
            Ok(Next::Skipped(line, p)) => skipped.push((line, p)),
            Ok(Next::End) => break,
            Err(ReadError::Encoding(e)) => return (recs, skipped, r.encoding(), Some(e)),
            Err(e) => panic!("{e:?}"),
        }
    }
    (recs, skipped, r.encoding(), None)
}

/// Like `read_all`, but taking plain lines whenever there are some, at most `max` bytes.
fn read_mixed(bytes: &[u8], max: usize) -> Read {
    let mut r = CsvReader::new(bytes);
    let (mut recs, mut skipped) = (Vec::new(), Vec::new());
    let mut ends = Vec::new();
    loop {
        let len = r.plain_len(max).unwrap();
        if len > 0 {
            let lines = r.take_lines(len);
            let text = match lines.text {
                LineText::Utf8(text) => text.to_string(),
                LineText::Gb18030(bytes) => GB18030.decode_without_bom_handling(bytes).0.into(),
            };
            plain_records(&text, lines.line, b',', &mut ends, |item| match item {
                Ok(rec) => recs.push((rec.line, rec.iter().map(String::from).collect())),
                Err(line) => skipped.push((line, RecordProblem::TooManyFields)),
            });
            continue;
        }
        match r.next_record() {
            Ok(Next::Record(rec)) => recs.push((rec.line, rec.iter().map(String::from).collect())),
            Ok(Next::Skipped(line, p)) => skipped.push((line, p)),
            Ok(Next::End) => break,
            Err(ReadError::Encoding(e)) => return (recs, skipped, r.encoding(), Some(e)),
            Err(e) => panic!("{e:?}"),
        }
    }
    (recs, skipped, r.encoding(), None)
}

#[test]
fn plain_lines_read_as_the_state_machine_reads_them() {
    let mut many = String::from("id,v\n");
    for i in 0..20_000 {
        many.push_str(&format!("{i},村{i}\n"));
    }
    let (gbk, _, _) = GB18030.encode("编号,村\r\n1,画青村\r\n\r\n2, 关田村 \r\n");
    let mut bad_utf8 = b"id,v\n1,a\n2,\xff\n3,c\n".to_vec();
    bad_utf8.splice(0..0, "编号,村\n0,大骥村\n".bytes());
    let wide = format!("a,b\n{}\n1,2\n", vec!["x"; MAX_FIELDS + 1].join(","));
    // GB18030 throughout but for one line, far into the file.
    let mut bad_gbk = GB18030.encode("编号,村\n").0.into_owned();
    for i in 0..5_000 {
        bad_gbk.extend_from_slice(&GB18030.encode(&format!("{i},画青村{i}\n")).0);
    }
    bad_gbk.extend_from_slice(b"x,\x81\x20\n");
    bad_gbk.extend_from_slice(&GB18030.encode("y,关田村\n").0);
    let inputs: Vec<Vec<u8>> = vec![
        "\u{feff}编号,村\n1,\"画青\n村\"\n2,关田村\n".into(),
        b"a,b\r\n1,x\r\n\r\n2,y\r\n\n\n3,\"q\r\nr\"\r\n4,z\r\n".to_vec(),
        b"a,b\n1,x\r2,y\n3,z".to_vec(),
        b"a,b\n1,x\n2,\"unbalanced\n3,z\n4,w\n".to_vec(),
        b"a,b\n1,x\n\n  \n2,y,extra\n3\n".to_vec(),
        "id,v\n1,a\n2,大骥村\n3,c\n".into(),
        many.into(),
        gbk.into_owned(),
        bad_utf8,
        wide.into(),
        bad_gbk,
        b"a,b\r1,x\r\r2,\"y\rz\"\r3,w\r\n4,v\n5,u".to_vec(),
    ];
    for bytes in &inputs {
        for max in [1, 7, 64, 1 << 20] {
            assert_eq!(
                read_mixed(bytes, max),
                read_all(bytes),
                "{max}: {:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(60)])
            );
        }
    }
    // Plain lines are actually taken, stopping at the first quote.
    let mut r = CsvReader::new(&b"a,b\n1,x\n2,y\n3,\"z\"\n4,w\n"[..]);
    assert!(matches!(r.next_record(), Ok(Next::Record(_))));
    let lines = r.next_lines(1 << 20).unwrap().unwrap();
    assert_eq!(
        (lines.line, lines.count, lines.text.bytes()),
        (2, 2, &b"1,x\n2,y\n"[..])
    );
    assert!(r.next_lines(1 << 20).unwrap().is_none());
}

#[test]
fn cr_only_line_endings_are_kept_and_counted() {
    let (recs, ..) = read_all(b"a,b\r1,x\r\r2,\"y\rz\"\r3,w\r\n4,v\n\r5,u\r");
    let lines: Vec<u64> = recs.iter().map(|r| r.0).collect();
    assert_eq!(lines, [1, 2, 4, 6, 7, 9]);
    let mut r = CsvReader::new(&b"a,b\r1,x\r"[..]);
    assert!(matches!(r.next_record(), Ok(Next::Record(_))));
    assert_eq!(r.style().ending, LineEnd::Cr);
}

#[test]
fn a_line_that_breaks_the_encoding_stops_the_reading_with_its_line() {
    let mut bytes = "编号,村\n".as_bytes().to_vec();
    for i in 0..5_000 {
        bytes.extend_from_slice(format!("{i},画青村\n").as_bytes());
    }
    bytes.extend_from_slice(b"x,caf\xe9\ny,v\n");
    for max in [64, 1 << 20] {
        let (recs, _, enc, err) = read_mixed(&bytes, max);
        assert_eq!((recs.len(), enc), (5_001, Encoding::Utf8));
        assert_eq!(
            err,
            Some(EncodingError {
                line: 5_002,
                expected: Some(Encoding::Utf8),
                decided: Decided::Line(1),
                flag: "--encoding",
                other_is_clean: None,
            })
        );
    }
    // Given, the encoding is not guessed: GBK bytes are read as GBK from the first line.
    let gbk = GB18030.encode("编号,村\n1,卢庄\n").0;
    let (recs, _, _, err) = read_all_in(&gbk, Some(Encoding::Gb18030));
    assert_eq!((recs[1].1[1].as_str(), err), ("卢庄", None));
    let (_, _, _, err) = read_all_in(&gbk, Some(Encoding::Utf8));
    assert_eq!(err.map(|e| (e.line, e.decided)), Some((1, Decided::Given)));
}

#[test]
fn a_gbk_file_that_is_wholly_valid_utf8_is_refused_not_garbled() {
    // The GBK bytes of 卢庄 and 梅路 are valid UTF-8 too (¬ׯ, ÷·): as the whole file is, only
    // the Chinese characters tell, and they are there only when read as GBK.
    let gbk = GB18030.encode("id,township,village\nA,卢庄,梅路\n").0;
    for max in [64, 1 << 20] {
        let (recs, _, _, err) = read_mixed(&gbk, max);
        assert_eq!(recs.len(), 1, "only the header");
        assert_eq!(
            err,
            Some(EncodingError {
                line: 2,
                expected: None,
                decided: Decided::Both,
                flag: "--encoding",
                other_is_clean: None,
            })
        );
    }
    // Told, it is read as told.
    let (recs, _, _, err) = read_all_in(&gbk, Some(Encoding::Gb18030));
    assert_eq!((recs[1].1[1].as_str(), err), ("卢庄", None));
    // UTF-8 with Chinese in its first non-ASCII line, and UTF-8 that GBK cannot read, are
    // UTF-8 as before.
    let (recs, _, enc, err) = read_mixed("id,村\nA,卢庄\n".as_bytes(), 64);
    assert_eq!((recs.len(), enc, err), (2, Encoding::Utf8, None));
    let (_, _, enc, err) = read_mixed("id,name\nA,Zürich\n".as_bytes(), 64);
    assert_eq!((enc, err), (Encoding::Utf8, None));
}

/// The defect: the GBK bytes of 牛木 and 茂农 read as UTF-8 `ţľ` and `ïũ`, Latin letters
/// beyond Western Europe's, which were taken for UTF-8: a GBK file with English headers and
/// such names was computed with them garbled, without a word. Now nothing is decided on them
/// (nor on a field of Western accented letters alone: 毛猫 reads `ëè`), and the file is refused
/// at that line; Western accents among plain letters (`Zürich`, `José`) are still UTF-8.
#[test]
fn gbk_names_that_read_as_central_european_letters_are_not_taken_for_utf8() {
    for names in ["A,牛木,茂农\n", "A,牛木,x\n", "A,毛猫,x\n", "A,x,每梅\n"] {
        let text = format!("id,township,village\n{names}");
        let gbk = GB18030.encode(&text).0;
        assert!(std::str::from_utf8(&gbk).is_ok(), "valid UTF-8 too");
        let (recs, _, _, err) = read_mixed(&gbk, 64);
        assert_eq!(recs.len(), 1, "only the header");
        assert_eq!(err.map(|e| (e.line, e.decided)), Some((2, Decided::Both)));
        let (recs, _, _, err) = read_all_in(&gbk, Some(Encoding::Gb18030));
        let township = names.split(',').nth(1).unwrap();
        assert_eq!((recs[1].1[1].as_str(), err), (township, None));
    }
    for western in ["A,Zürich,José\n", "A,Ångström,Ça va\n"] {
        let text = format!("id,township,village\n{western}");
        let (_, _, enc, err) = read_mixed(text.as_bytes(), 64);
        assert_eq!((enc, err), (Encoding::Utf8, None), "{western}");
    }
}

#[test]
fn utf8_with_bom_and_quoted_newlines() {
    let (recs, skipped, enc, _) =
        read_all("\u{feff}编号,村\n1,\"画青\n村\"\n2,关田村\n".as_bytes());
    assert_eq!(enc, Encoding::Utf8);
    assert!(skipped.is_empty());
    assert_eq!(recs[0], (1, vec!["编号".to_string(), "村".to_string()]));
    assert_eq!(recs[1], (2, vec!["1".to_string(), "画青\n村".to_string()]));
    assert_eq!(recs[2], (4, vec!["2".to_string(), "关田村".to_string()]));
}

#[test]
fn lines_are_right_after_crlf_and_blank_lines() {
    let (recs, ..) = read_all(b"a,b\r\n1,x\r\n\r\n2,y\r\n\n\n3,\"q\r\nr\"\r\n4,z\r\n");
    let lines: Vec<u64> = recs.iter().map(|r| r.0).collect();
    assert_eq!(lines, [1, 2, 4, 7, 9]);
}

#[test]
fn gbk_is_recognised_and_decoded() {
    let (bytes, _, _) = GB18030.encode("编号,村\r\n1,画青村\r\n");
    let (recs, _, enc, _) = read_all(&bytes);
    assert_eq!(enc, Encoding::Gb18030);
    assert_eq!(recs[1].1, ["1", "画青村"]);
}

#[test]
fn gbk_after_a_long_ascii_start() {
    let mut text = String::from("id,village\n");
    for i in 0..10_000 {
        text.push_str(&format!("{i},v\n"));
    }
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(&GB18030.encode("x,黄金村\n").0);
    let (recs, _, enc, _) = read_all(&bytes);
    assert_eq!(enc, Encoding::Gb18030);
    assert_eq!(recs.last().unwrap().1, ["x", "黄金村"]);
}

#[test]
fn a_huge_field_is_skipped_and_reading_goes_on() {
    let mut bytes = b"a,b\n1,".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 3 * MAX_RECORD_BYTES));
    bytes.extend_from_slice(b"\n2,y\n");
    let (recs, skipped, ..) = read_all(&bytes);
    assert_eq!(skipped, [(2, RecordProblem::TooLong)]);
    assert_eq!(
        recs.last().unwrap(),
        &(3, vec!["2".to_string(), "y".to_string()])
    );
}

#[test]
fn workbooks_and_binaries_are_named() {
    let mut r = CsvReader::new(&b"PK\x03\x04rest"[..]);
    assert!(matches!(
        r.next_record(),
        Err(ReadError::NotText(NotText::Xlsx))
    ));
    let mut r = CsvReader::new(&b"\x00\x01\x02\x03abc"[..]);
    assert!(matches!(
        r.next_record(),
        Err(ReadError::NotText(NotText::Binary))
    ));
}

/// The defect: UTF-16 text without a byte order mark (a program's "Unicode" export, or
/// `iconv -t utf-16le`) was called binary; it is named UTF-16, as one with a mark is, so the
/// message says to save it as CSV UTF-8. Little- and big-endian, Chinese or not.
#[test]
fn utf16_without_a_byte_order_mark_is_named_utf16() {
    let text = "编号,乡镇,村,类别,宽度,长度,投资\nAY-01,天马乡,画青村,通村,4.5,2.1,168万\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let ascii: Vec<u8> = "id,village\n1,v\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    for bytes in [le, be, ascii] {
        let mut r = CsvReader::new(&bytes[..]);
        assert!(matches!(
            r.next_record(),
            Err(ReadError::NotText(NotText::Utf16))
        ));
    }
    // Binary with NUL bytes anywhere is still binary.
    let mut r = CsvReader::new(&b"\x00\x00\x00\x00\x01\x02\x00\x00abc\x00"[..]);
    assert!(matches!(
        r.next_record(),
        Err(ReadError::NotText(NotText::Binary))
    ));
}

#[test]
fn tab_separated_is_recognised() {
    let (recs, ..) = read_all(b"id\tvillage\n1\tv, with comma\n");
    assert_eq!(recs[1].1, ["1", "v, with comma"]);
}

#[test]
fn a_semicolon_in_a_title_row_does_not_change_how_the_table_is_split() {
    let (recs, ..) = read_all(
        "单位:万元;\n序号,所属乡镇,村名称,道路等级,建设里程,路面宽度,总投资\n1,石鼓镇,大骥村,通村,2,4.5,63\n"
            .as_bytes(),
    );
    assert_eq!(recs[0].1, ["单位:万元;"]);
    assert_eq!(
        recs[1].1,
        [
            "序号",
            "所属乡镇",
            "村名称",
            "道路等级",
            "建设里程",
            "路面宽度",
            "总投资"
        ]
    );
    assert_eq!(
        recs[2].1,
        ["1", "石鼓镇", "大骥村", "通村", "2", "4.5", "63"]
    );
}

proptest::proptest! {
    /// Whatever stray separators (up to four) title rows above the header hold, the header's
    /// own separator splits the table.
    #[test]
    fn the_header_row_not_a_title_decides_the_separator(
        titles in proptest::collection::vec("[单位万元:;\t,]{0,4}", 0..3),
        sep in proptest::sample::select(vec![b',', b'\t', b';']),
    ) {
        let s = sep as char;
        let header = ["序号", "所属乡镇", "村名称", "道路等级", "建设里程", "路面宽度", "总投资"]
            .join(&s.to_string());
        let mut text = String::new();
        for t in &titles {
            text += t;
            text += "\n";
        }
        text += &header;
        text += "\n";
        let mut r = CsvReader::new(text.as_bytes());
        let _ = r.next_record();
        proptest::prop_assert_eq!(r.style().delimiter, sep);
    }
}

/// A record's line, text and ends, or the line of one with too many fields.
type Handed = Result<(u64, String, Vec<usize>), u64>;

/// What [`plain_records`] hands out of `text` (sixteen bytes at a time when `words`, else
/// byte by byte): each record's line, text and ends, or the line of one with too many fields.
fn handed(text: &str, delimiter: u8, words: bool) -> Vec<Handed> {
    if words {
        handed_by(text, delimiter, |t, l, d, e, each| {
            plain_records(t, l, d, e, each)
        })
    } else {
        handed_by(text, delimiter, |t, l, d, e, each| {
            plain::plain_records_bytewise(t, l, d, e, each)
        })
    }
}

/// A way to split plain lines: [`plain_records`] or one of the ways it is held to.
type Split = fn(&str, u64, u8, &mut Vec<usize>, &mut dyn FnMut(plain::PlainItem<'_>));

/// What `split` hands out of `text`, as [`handed`] says.
fn handed_by(text: &str, delimiter: u8, split: Split) -> Vec<Handed> {
    let mut out = Vec::new();
    let mut ends = vec![7, 7, 7];
    let mut each = |item: plain::PlainItem<'_>| {
        out.push(item.map(|r| (r.line, r.text().to_string(), r.ends().to_vec())));
    };
    split(text, 3, delimiter, &mut ends, &mut each);
    out
}

#[test]
fn plain_records_sixteen_bytes_at_a_time_split_as_byte_by_byte_at_the_field_limit() {
    for n in [MAX_FIELDS - 2, MAX_FIELDS - 1, MAX_FIELDS, MAX_FIELDS + 1] {
        // n fields: n - 1 delimiters; then a line of delimiters alone, then n delimiters
        // before a CR LF.
        let text = format!(
            "{}\n{}\nx{}\r\n村,1\n",
            vec!["ab"; n].join(","),
            ",".repeat(n),
            ",".repeat(n)
        );
        let words = handed(&text, b',', true);
        assert_eq!(words, handed(&text, b',', false), "{n}");
        // The limit holds: MAX_FIELDS - 1 delimiters is a record, MAX_FIELDS is too many.
        assert_eq!(words[0].is_ok(), n <= MAX_FIELDS, "{n}");
        assert_eq!(words.last().unwrap(), &Ok((6, "村,1".into(), vec![3, 5])));
    }
    // The example of a CR LF line, a blank line and a line of delimiters: line numbers go on
    // past the lines passed over.
    assert_eq!(
        handed("a,b\r\n\n,,\n村,\t1\n", b',', true),
        [
            Ok((3, "a,b".into(), vec![1, 3])),
            Ok((6, "村,\t1".into(), vec![3, 6]))
        ]
    );
}

proptest::proptest! {
    /// Splitting sixteen bytes at a time finds the same records, fields and lines as byte by
    /// byte: any mix of delimiters, CRs, LFs, Chinese text and blanks, at any offset from a
    /// block's start, with or without a last line end. 上, 丬, 三 and 主 each hold a byte that
    /// is a line end or a delimiter with its high bit set (0x8a, 0xac, 0x89, 0xbb).
    #[test]
    fn plain_records_sixteen_bytes_at_a_time_are_those_byte_by_byte(
        text in "[a村上丬三主,;\t\r\n ]{0,200}",
        delimiter in proptest::sample::select(vec![b',', b'\t', b';']),
    ) {
        proptest::prop_assert_eq!(
            handed(&text, delimiter, true),
            handed(&text, delimiter, false)
        );
    }

    /// The same of the split eight bytes at a time in a word, which processors other than
    /// x86-64 take.
    #[test]
    fn plain_records_eight_bytes_at_a_time_are_those_byte_by_byte(
        text in "[a村上丬三主,;\t\r\n ]{0,200}",
        delimiter in proptest::sample::select(vec![b',', b'\t', b';']),
    ) {
        proptest::prop_assert_eq!(
            handed_by(&text, delimiter, |t, l, d, e, each| plain::plain_records_by_words(t, l, d, e, each)),
            handed(&text, delimiter, false)
        );
    }

    /// A field's bytes ([`Record::get_bytes`], which numbers are read from) are the bytes of
    /// its text ([`Record::get`]), for every field of every record split, and there are none
    /// past the last.
    #[test]
    fn a_fields_bytes_are_its_texts_bytes(
        text in "[a村上丬三主,;\t\r\n ]{0,200}",
        delimiter in proptest::sample::select(vec![b',', b'\t', b';']),
    ) {
        let mut ends = Vec::new();
        plain_records(&text, 1, delimiter, &mut ends, |item| {
            if let Ok(record) = item {
                for i in 0..=record.len() {
                    assert_eq!(record.get_bytes(i), record.get(i).map(str::as_bytes), "{i}");
                }
            }
        });
        // Fields back to back (a quoted record's, a workbook row's), as the general reader
        // hands them.
        let cuts: Vec<usize> = text
            .char_indices()
            .filter(|&(_, c)| c as u32 == u32::from(delimiter))
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let record = Record::new(1, &text, &cuts, false);
        for i in 0..=record.len() {
            proptest::prop_assert_eq!(record.get_bytes(i), record.get(i).map(str::as_bytes));
        }
    }
}

proptest::proptest! {
    /// Chinese names in GBK whose bytes are valid UTF-8 too (lead bytes C2–DF, trail bytes
    /// A1–BF: 毛, 茂, 牛, 农 …) are never read garbled: a table of them is read as GBK, or
    /// refused until told, never taken for UTF-8.
    #[test]
    fn gbk_names_that_are_valid_utf8_are_read_right_or_refused(
        names in proptest::collection::vec(
            proptest::collection::vec((0xC2u8..=0xDF, 0xA1u8..=0xBF), 1..4),
            1..4,
        ),
        rows in 1usize..4,
    ) {
        let names: Vec<String> = names
            .iter()
            .map(|pairs| {
                let bytes: Vec<u8> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
                encoding_rs::GBK.decode(&bytes).0.into_owned()
            })
            .collect();
        let mut text = String::from("id,township,village,name\n");
        for r in 0..rows {
            text.push_str(&format!("A{r},{}\n", names.join(",")));
        }
        let gbk = GB18030.encode(&text).0;
        proptest::prop_assume!(std::str::from_utf8(&gbk).is_ok());
        for max in [64, 1 << 20] {
            let (recs, _, enc, err) = read_mixed(&gbk, max);
            if err.is_none() {
                proptest::prop_assert_eq!(enc, Encoding::Gb18030, "{}", text);
                proptest::prop_assert_eq!(recs.len(), rows + 1);
                for rec in &recs[1..] {
                    proptest::prop_assert_eq!(&rec.1[1..], &names[..]);
                }
            } else {
                proptest::prop_assert_eq!(recs.len(), 1, "refused at the first row");
            }
        }
    }
}
