//! A comparison written as its rows are computed, for the forms that show rows only (CSV and
//! JSON Lines): each core writes the rows of the piece it computed into bytes of its own, the
//! pieces reach the [`Sink`] in input order, and of the rows only the bad ones are kept (for
//! the messages and the last line), so a million rows never need their text and amounts held
//! at once. Whether what was written is then kept is the caller's to decide: with bad rows it
//! is thrown away, as a comparison held whole would not have been written.

use super::paired::{self, Put};
use super::whole::{repeated_ids, CompareError, Comparison, Pair, Table};
use super::{write, Funds};
use crate::i18n::Lang;
use crate::report::{Format, Unit};
use crate::rules::RuleSet;

/// How the rows are written: `--excel` (a byte-order mark unless in GBK, formula-like text
/// kept as text), `--encoding gbk`, and the CSV's headings and unit of amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// CSV, as [`write::csv`] writes it.
    Csv {
        excel: bool,
        gbk: bool,
        headings: Lang,
        unit: Unit,
    },
    /// JSON Lines, as [`write::jsonl`] writes them.
    Jsonl,
}

impl Form {
    /// The format written.
    pub fn format(self) -> Format {
        match self {
            Form::Csv { .. } => Format::Csv,
            Form::Jsonl => Format::Jsonl,
        }
    }
}

/// Where the written rows go, piece after piece, in input order.
pub trait Sink {
    /// The next bytes.
    fn put(&mut self, bytes: &[u8]);
    /// Everything put so far is taken back (the rows are written again from the start).
    fn again(&mut self);
}

/// Bytes kept in memory.
impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    fn again(&mut self) {
        self.clear();
    }
}

/// A comparison whose rows were written as they were computed.
#[derive(Debug)]
pub struct Streamed<'r> {
    /// The comparison, its totals, groups and budget use as [`super::compare_grouped`] gives
    /// them, but with only the bad rows in `pairs` (every message is about one of them).
    pub comparison: Comparison<'r>,
    /// Rows compared (totals rows left out, as a batch run leaves them).
    pub rows: usize,
    /// Rows computed under at least one side: those written.
    pub shown: usize,
}

/// One piece of rows, written.
struct Written {
    bytes: Vec<u8>,
    bad: Vec<Pair>,
    rows: usize,
    shown: usize,
}

/// The pieces, handed on to the sink in input order.
struct Writer<'s, S: Sink> {
    sink: &'s mut S,
    /// What comes before the rows, written again should the rows be.
    head: Vec<u8>,
    bad: Vec<Pair>,
    rows: usize,
    shown: usize,
}

impl<S: Sink> Put<Written> for Writer<'_, S> {
    fn put(&mut self, piece: Written) {
        self.sink.put(&piece.bytes);
        self.bad.extend(piece.bad);
        self.rows += piece.rows;
        self.shown += piece.shown;
    }

    fn again(&mut self) {
        self.sink.again();
        self.sink.put(&self.head);
        self.bad.clear();
        self.rows = 0;
        self.shown = 0;
    }
}

/// Text made as UTF-8 in GBK when `gbk` (pieces end at line ends, so each can be encoded on
/// its own).
fn encoded(bytes: Vec<u8>, gbk: bool) -> Vec<u8> {
    match gbk {
        // The text was made as UTF-8 just before.
        true => crate::report::encode::gbk_bytes(std::str::from_utf8(&bytes).unwrap_or_default()),
        false => bytes,
    }
}

/// Every row of `tables` under `before` and `after`, written to `sink` in `form` as it is
/// computed: the same bytes [`write::csv`] or [`write::jsonl`] (after the byte-order mark
/// `--excel` adds, in GBK when asked) make of [`super::compare_grouped`]'s comparison. The
/// groups are not added up (these forms show none).
pub fn compare_streamed<'r>(
    tables: &[Table],
    before: &'r RuleSet,
    after: &'r RuleSet,
    form: Form,
    lang: Lang,
    sink: &mut impl Sink,
) -> Result<Streamed<'r>, CompareError> {
    // A repeated id makes a row bad under both sides, across all inputs, as in a batch run.
    let duplicates = repeated_ids(tables);
    let mut c = Comparison::unfilled(tables, before, after, Funds::new(before, after));
    let head = match form {
        Form::Csv {
            excel,
            gbk,
            headings,
            unit,
        } => {
            let mut rows = write::csv_buf(excel, unit, Vec::new());
            write::csv_head(&c, headings, unit, &mut rows);
            let mut head = Vec::new();
            if excel && !gbk {
                head.extend_from_slice("\u{feff}".as_bytes());
            }
            head.extend(encoded(write::bytes_of(rows), gbk));
            head
        }
        Form::Jsonl => Vec::new(),
    };
    sink.put(&head);
    let shell = &c;
    let make = |pairs: Vec<Pair>| {
        let bytes = match form {
            Form::Csv {
                excel,
                gbk,
                headings,
                unit,
            } => {
                let mut rows = write::csv_buf(excel, unit, Vec::with_capacity(pairs.len() * 200));
                write::csv_rows(shell, &pairs, lang, headings, &mut rows);
                encoded(write::bytes_of(rows), gbk)
            }
            Form::Jsonl => {
                let mut out = Vec::with_capacity(pairs.len() * 600);
                write::jsonl_rows(shell, &pairs, lang, &mut out);
                out
            }
        };
        let rows = pairs.len();
        let shown = pairs.iter().filter(|p| p.shown()).count();
        let bad = pairs.into_iter().filter(|p| p.bad()).collect();
        Written {
            bytes,
            bad,
            rows,
            shown,
        }
    };
    let mut writer = Writer {
        sink,
        head,
        bad: Vec::new(),
        rows: 0,
        shown: 0,
    };
    let ([sum_before, sum_after], one_side_only) = paired::pairs(
        tables,
        (before, after),
        &duplicates,
        (&shell.funds, false),
        &make,
        &mut writer,
    )?;
    let Writer {
        bad, rows, shown, ..
    } = writer;
    c.pairs = bad;
    c.before = sum_before;
    c.after = sum_after;
    c.one_side_only = one_side_only;
    Ok(Streamed {
        comparison: c,
        rows,
        shown,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::report::compare::compare;
    use crate::rules::Setting;
    use crate::table::sheet::Sheet;

    /// A table of `n` rows made from `seed`: roads of every class, some bad under both rule
    /// sets (no length, an unknown class), some under the variant only (approved above its
    /// lowered ceiling), some repeating an earlier id, text that looks like a formula.
    fn table_text(seed: u64, n: usize, bad_every: u64) -> String {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut text = String::from("编号,乡镇,村,类别,宽度,长度,投资,扶贫批复\n");
        for i in 0..n {
            let r = next();
            let class = ["通村", "社道", "通社", "通组"][(r % 4) as usize];
            let width = ["3.5", "4.5", "6"][(r / 4 % 3) as usize];
            let km = format!("{}.{}", 1 + r / 16 % 3, r / 64 % 10);
            let cost = format!("{}万", 20 + r / 1024 % 90);
            let approved = if r / 7 % 5 == 0 { "8万" } else { "" };
            let id = if r / 11 % 97 == 0 && i > 0 {
                format!("S{}", i / 2)
            } else {
                format!("S{i}")
            };
            let town = ["天马乡", "卧佛镇", "=SUM(A1)"][(r / 13 % 3) as usize];
            let row = match next() % bad_every.max(2) {
                0 => format!("{id},{town},村{},通村,4.5,,80万,\n", r % 50),
                1 => format!("{id},{town},村{},高速,4.5,1,80万,\n", r % 50),
                _ => format!(
                    "{id},{town},村{},{class},{width},{km},{cost},{approved}\n",
                    r % 50
                ),
            };
            text.push_str(&row);
        }
        text
    }

    fn tables(dir: &tempfile::TempDir, texts: &[String]) -> Vec<Table> {
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let path = dir.path().join(format!("t{i}.csv"));
                std::fs::write(&path, text).unwrap();
                Table {
                    label: format!("t{i}.csv"),
                    sheet: Sheet::load(&path).unwrap(),
                }
            })
            .collect()
    }

    /// What the command wrote from a comparison held whole, in `form`.
    fn whole_bytes(c: &Comparison, form: Form, lang: Lang) -> Vec<u8> {
        match form {
            Form::Csv {
                excel,
                gbk,
                headings,
                unit,
            } => {
                let mut bytes = Vec::new();
                if excel && !gbk {
                    bytes.extend_from_slice("\u{feff}".as_bytes());
                }
                bytes.extend(write::csv(c, lang, excel, headings, unit));
                encoded(bytes, gbk)
            }
            Form::Jsonl => write::jsonl(c, lang),
        }
    }

    fn forms() -> impl Strategy<Value = Form> {
        prop_oneof![
            Just(Form::Jsonl),
            (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
                |(excel, gbk, zh, wan)| Form::Csv {
                    excel,
                    gbk,
                    headings: if zh { Lang::Zh } else { Lang::En },
                    unit: if wan { Unit::Wan } else { Unit::Yuan },
                }
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Rows written as they are computed, on every core, piece by piece, are the bytes the
        /// whole comparison's writer makes, with the same messages and counts, and the same
        /// totals and budget use on each side (a budget that shares an envelope out too).
        #[test]
        fn streamed_rows_are_the_bytes_of_the_comparison_held_whole(
            seeds in proptest::collection::vec(any::<u64>(), 1..3),
            n in prop_oneof![0usize..40, 2000usize..6000],
            bad_every in prop_oneof![Just(u64::MAX), 2u64..400],
            form in forms(),
            zh in any::<bool>(),
            prorate in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let texts: Vec<String> =
                seeds.iter().map(|&s| table_text(s, n, bad_every)).collect();
            let tables = tables(&dir, &texts);
            let before = match prorate {
                true => RuleSet::from_toml(
                    include_str!("../../../examples/anyue-2018-prorate.toml"),
                    "prorate.toml",
                )
                .unwrap(),
                false => RuleSet::builtin(),
            };
            let (after, _) = before
                .with_settings(&[Setting::parse("poverty.group.3.5=5万").unwrap()])
                .unwrap();
            let lang = if zh { Lang::Zh } else { Lang::En };
            let whole = compare(&tables, &before, &after);
            let mut bytes = Vec::new();
            let streamed = compare_streamed(&tables, &before, &after, form, lang, &mut bytes);
            let (whole, streamed) = match (whole, streamed) {
                (Ok(w), Ok(s)) => (w, s),
                (Err(w), Err(s)) => {
                    prop_assert_eq!(w, s);
                    return Ok(());
                }
                (w, s) => panic!("{w:?}\n{s:?}"),
            };
            let expected = whole_bytes(&whole, form, lang);
            prop_assert_eq!(String::from_utf8_lossy(&bytes), String::from_utf8_lossy(&expected));
            prop_assert_eq!(&bytes, &expected);
            let s = &streamed.comparison;
            prop_assert_eq!(s.messages(lang), whole.messages(lang));
            prop_assert_eq!(streamed.rows, whole.pairs.len());
            prop_assert_eq!(streamed.shown, whole.shown().count());
            prop_assert!(s.pairs.iter().all(Pair::bad));
            prop_assert_eq!(s.one_side_only, whole.one_side_only);
            for (a, b) in [(&s.before, &whole.before), (&s.after, &whole.after)] {
                prop_assert_eq!(&a.total, &b.total);
                prop_assert_eq!(format!("{:?}", a.budgets), format!("{:?}", b.budgets));
            }
        }
    }

    #[test]
    fn rows_written_again_take_back_those_written_before_but_not_the_head() {
        let mut sink = Vec::new();
        let mut writer = Writer {
            sink: &mut sink,
            head: b"head\n".to_vec(),
            bad: Vec::new(),
            rows: 0,
            shown: 0,
        };
        writer.sink.put(b"head\n");
        let piece = |text: &str, rows| Written {
            bytes: text.as_bytes().to_vec(),
            bad: Vec::new(),
            rows,
            shown: rows,
        };
        writer.put(piece("a\nb\n", 2));
        writer.again();
        writer.put(piece("c\n", 1));
        assert_eq!((writer.rows, writer.shown), (1, 1));
        assert_eq!(sink, b"head\nc\n");
    }
}
