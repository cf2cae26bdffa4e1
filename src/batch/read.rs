//! The reading half of a batch run: tables in, chunks of records out, in order.
//!
//! Reading stays on one thread because it is sequential by nature (a CSV record's end depends
//! on everything before it) and because id uniqueness is a property of the whole run.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use encoding_rs::GB18030;
use std::sync::Arc;

use indicatif::ProgressBar;

use super::alloc::{Changed, Tally};
use super::ids::IdSet;
use super::pool::Pool;
use super::work::{Chunk, ComputedChunk, TableCtx};
use super::{Input, Tuning};
use crate::i18n::Lang;
use crate::money;
use crate::report::layout::Layout;
use crate::rules::RuleSet;
use crate::table::swar::find_lf_or;
use crate::table::{
    self, plain_lines, Columns, Field, Item, LineText, Lines, Run, Source, TableError, MAX_FIELDS,
};

/// What reaches the writer, tagged with its place in the run.
pub enum ToWriter {
    /// The first readable table fixed the output's shape.
    Start(Arc<Layout>),
    /// A table could not be read (or only partly).
    Failed(String),
    /// A table is not wholly one encoding: nothing of the run may be written, since rows read
    /// before the line that shows it may have been decoded in the wrong one.
    Garbled(String),
    /// A workbook changed, or was found damaged, after rows of it were read
    /// ([`crate::table::workbook::WorkbookError::voids_rows_read`]): as [`ToWriter::Garbled`].
    Voided(String),
    /// A computed chunk.
    Computed(Box<ComputedChunk>),
    /// What a counting pass learnt of a chunk (SPEC §8).
    Counted(Box<Result<Tally, Changed>>),
}

/// The channels the reader feeds.
pub struct Channels<'a> {
    /// Each chunk, by its place in the run, for the workers (or computed at once, when they
    /// have enough): false once the run has stopped.
    pub work: &'a dyn Fn(u64, Chunk) -> bool,
    /// Everything else, for the writer: false once the run has stopped.
    pub give: &'a (dyn Fn(u64, ToWriter) -> bool + Sync),
    /// Progress over the bytes of all inputs.
    pub progress: Option<&'a ProgressBar>,
    /// Chunks the workers are done with.
    pub chunks: &'a Pool<Chunk>,
}

/// How one pass over the inputs reads them.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    /// The inputs kept in temporary files, by their place among the inputs, when the run
    /// reads them more than once (`None`, or nothing: read where it lies).
    pub copies: &'a [Option<PathBuf>],
    /// A chunk is sent on at this size.
    pub chunk: Tuning,
    /// Bytes the progress bar showed before this pass.
    pub progress_base: u64,
    /// How to read each input's header.
    pub header: &'a crate::table::HeaderOptions,
    /// Whether ids are checked as they are read, or were by an earlier read.
    pub ids: Ids<'a>,
}

/// Which rows' ids repeat: checked as the inputs are read (and kept, when a later pass will
/// read them again), or known from the first read of a run that reads them several times.
/// A later read then leaves out the set of every id, the reading thread's costliest work,
/// and only fingerprints each chunk's ids to see they are the ones read before.
#[derive(Clone, Copy)]
pub enum Ids<'a> {
    /// Checked; what was found is kept here too, when given.
    Check(Option<&'a std::sync::Mutex<IdsLearnt>>),
    /// Found by the first read of the same inputs.
    Known(&'a IdsLearnt),
}

/// What the first read found of each chunk's ids: a fingerprint of the ids and their lines,
/// and the lines of the records whose id was seen before, by the chunk's place in the run.
#[derive(Default, Debug)]
pub struct IdsLearnt {
    chunks: std::collections::HashMap<u64, (u64, Vec<u64>)>,
}

/// Mixes the id of `key` ([`IdSet::key`]) at `line` into a chunk's fingerprint of its ids,
/// in any order (chunks are filled in order anyway).
fn mix_id(print: u64, key: u64, line: u64) -> u64 {
    print.wrapping_add(key ^ line.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Reads every input in order. Returns early (quietly) when the writer has stopped listening.
pub fn read_all(
    inputs: &[Input],
    sheet: Option<&str>,
    rules: &RuleSet,
    lang: Lang,
    reading: Reading,
    feeds: Channels,
) {
    let mut seq = 0u64;
    // Sized for the input at 64 bytes a row (few tables have shorter rows): growing the set
    // on the way would move every id again.
    let bytes: u64 = inputs
        .iter()
        .enumerate()
        .filter_map(|(n, i)| source(i, reading.copies, n)?.metadata().ok())
        .map(|m| m.len())
        .sum();
    let known = match reading.ids {
        Ids::Known(learnt) => Some(learnt),
        Ids::Check(_) => None,
    };
    let mut ids = match known {
        Some(_) => IdSet::with_capacity(0),
        None => IdSet::in_order(usize::try_from(bytes / 64).unwrap_or(0).min(1 << 28)),
    };
    let mut learnt = IdsLearnt::default();
    let mut print = 0u64;
    // Before a chunk goes: its ids' verdicts, kept or taken from the first read.
    let mut finish = |seq: u64, chunk: &mut Chunk, print: &mut u64| {
        let got = std::mem::take(print);
        match known {
            None => {
                if matches!(reading.ids, Ids::Check(Some(_))) {
                    learnt
                        .chunks
                        .insert(seq, (got, chunk.duplicates().to_vec()));
                }
            }
            Some(k) => match k.chunks.get(&seq) {
                Some((was, lines)) if *was == got => chunk.set_duplicates(lines),
                _ => chunk.ids_changed(),
            },
        }
    };
    let mut keys = Vec::new();
    let mut first: Option<(Arc<Layout>, Columns)> = None;
    let mut done_bytes = reading.progress_base;
    let limit = reading.chunk;
    let send = |seq: &mut u64, piece: ToWriter| {
        *seq += 1;
        (feeds.give)(*seq - 1, piece)
    };
    for (n, input) in inputs.iter().enumerate() {
        let copy = reading.copies.get(n).and_then(Option::as_deref);
        let opened = match &input.path {
            // A copy keeps its input's extension, so it is opened the same way.
            Some(path) => {
                table::open_file_with(copy.unwrap_or(path), sheet, input.encoding, reading.header)
            }
            None => match copy.map(File::open) {
                None => Ok(Box::new(io::stdin().lock()) as Box<dyn Read>),
                Some(Ok(file)) => Ok(Box::new(file) as Box<dyn Read>),
                Some(Err(e)) => Err(TableError::Io(e)),
            }
            .and_then(|stdin| table::open_with(stdin, input.encoding, reading.header))
            .map(|(columns, rows)| (columns, Source::Csv(Box::new(rows)), None))
            .map_err(|e| match e {
                // It cannot be renamed: it has to come as a file.
                table::TableError::NotText(table::NotText::Xlsx | table::NotText::Xls) => {
                    table::TableError::Workbook(table::workbook::WorkbookError::OnStdin)
                }
                e => e,
            }),
        };
        let (columns, mut rows, sheet_name) = match opened {
            Ok(t) => t,
            Err(e) => {
                if !send(&mut seq, failure(e, &input.label, lang)) {
                    return;
                }
                continue;
            }
        };
        // A workbook's rows are told by sheet: plan.xlsx[道路]:12.
        let label = &match sheet_name {
            Some(s) => format!("{}[{s}]", input.label),
            None => input.label.clone(),
        };
        // A user's column under a computed column's name would be taken for ours, and one of
        // two columns of one fund's approved amount would be chosen silently: refused.
        let mut clashes = crate::report::layout::clashes(&columns, rules);
        clashes.extend(columns.approved_problems(rules));
        if !clashes.is_empty() {
            let found = columns.names.clone();
            let e = TableError::Header {
                problems: clashes,
                found,
            };
            if !send(&mut seq, failure(e, label, lang)) {
                return;
            }
            continue;
        }
        let is_first = first.is_none();
        if is_first {
            let layout = Arc::new(Layout::new(&columns, rules));
            if !send(&mut seq, ToWriter::Start(layout.clone())) {
                return;
            }
            first = Some((layout, columns.clone()));
        }
        let (layout, first_columns) = first.as_ref().expect("set above");
        let map = if is_first {
            Some(layout.own_map(&columns, rules))
        } else {
            layout.map(first_columns, &columns)
        };
        let Some(map) = map else {
            if !send(
                &mut seq,
                ToWriter::Failed(columns_differ(label, first_columns, &columns, lang)),
            ) {
                return;
            }
            continue;
        };
        let id_col = columns.index(Field::Id);
        let delimiter = rows.delimiter();
        let identity =
            map.len() == columns.names.len() && map.iter().enumerate().all(|(i, &j)| i == j);
        let ctx = Arc::new(TableCtx {
            label: label.clone(),
            columns,
            map,
            layout: layout.clone(),
            delimiter,
            verbatim: identity && delimiter == b',',
        });
        let mut chunk = Chunk::from_pool(feeds.chunks, ctx.clone(), limit);
        loop {
            let item = match rows.next_run(chunk.room()) {
                Ok(Some(Run::Lines(lines))) => {
                    if let Some(col) = id_col {
                        keys.clear();
                        plain_id_keys(&lines, col, delimiter, &mut keys, |id| ids.key_in_order(id));
                        print = keys.iter().fold(print, |p, &(k, line)| mix_id(p, k, line));
                        if known.is_none() {
                            ids.insert_keys(&keys, |line| chunk.duplicate(line));
                        }
                    }
                    chunk.push_lines(&lines);
                    None
                }
                Ok(Some(Run::Item(item))) => Some(item),
                Ok(None) => break,
                Err(e) => {
                    // Send what was read first, so messages stay in order.
                    if !chunk.is_empty() {
                        let full = std::mem::replace(
                            &mut chunk,
                            Chunk::from_pool(feeds.chunks, ctx.clone(), limit),
                        );
                        let mut full = full;
                        finish(seq, &mut full, &mut print);
                        seq += 1;
                        if !(feeds.work)(seq - 1, full) {
                            return;
                        }
                    }
                    if !send(&mut seq, failure(e, label, lang)) {
                        return;
                    }
                    break;
                }
            };
            match item {
                Some(Item::Record(record)) => {
                    let id = id_col
                        .and_then(|i| record.get(i))
                        .map(money::trim)
                        .filter(|s| !s.is_empty());
                    if let Some(id) = id {
                        let key = ids.key_in_order(id);
                        print = mix_id(print, key, record.line);
                        if known.is_none() {
                            ids.insert_keys(&[(key, record.line)], |line| chunk.duplicate(line));
                        }
                    }
                    chunk.push(&record);
                }
                Some(Item::Skipped(e)) => chunk.push_skipped(e),
                None => {}
            }
            if chunk.is_full() {
                let mut full = std::mem::replace(
                    &mut chunk,
                    Chunk::from_pool(feeds.chunks, ctx.clone(), limit),
                );
                finish(seq, &mut full, &mut print);
                seq += 1;
                if !(feeds.work)(seq - 1, full) {
                    return;
                }
                if let Some(pb) = feeds.progress {
                    pb.set_position(done_bytes + rows.bytes_read());
                }
            }
        }
        done_bytes += rows.bytes_read();
        if !chunk.is_empty() {
            finish(seq, &mut chunk, &mut print);
            seq += 1;
            if !(feeds.work)(seq - 1, chunk) {
                return;
            }
        }
    }
    if let Ids::Check(Some(keep)) = reading.ids {
        *keep
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = learnt;
    }
}

/// The file the `n`-th input is read from: its copy, if it was copied, else its own path
/// (`None` for standard input read as it comes).
pub fn source<'a>(input: &'a Input, copies: &'a [Option<PathBuf>], n: usize) -> Option<&'a Path> {
    copies
        .get(n)
        .and_then(Option::as_deref)
        .or(input.path.as_deref())
}

/// The keys `key` makes of the trimmed, non-blank ids of plain lines, in order, tagged with
/// their lines, pushed onto `keys`: what [`plain_ids`] gives, found in one pass over UTF-8
/// lines.
///
/// This is the reading thread's work on every row, and that thread bounds a run's pace: each
/// line is walked once up to its id and searched once for its end, instead of an iterator of
/// lines, a search for the id's end and a copy of each id's place on the way.
fn plain_id_keys(
    lines: &Lines,
    col: usize,
    delimiter: u8,
    keys: &mut Vec<(u64, u64)>,
    mut key: impl FnMut(&str) -> u64,
) {
    let LineText::Utf8(text) = lines.text else {
        keys.extend(plain_ids(lines, col, delimiter).map(|(line, id)| (key(&id), line)));
        return;
    };
    let bytes = text.as_bytes();
    let mut line = lines.line;
    let mut start = 0;
    while start < bytes.len() {
        // The id's field: after `col` delimiters, up to the next one or the line's end, each
        // found sixteen bytes at a time (`find_lf_or`).
        let (mut from, mut fields, mut i) = (start, 0, start);
        let mut id_end = None;
        while let Some(at) = find_lf_or(bytes, i, delimiter) {
            i = at;
            if bytes[at] == b'\n' {
                id_end = (fields == col).then_some(at);
                break;
            }
            if fields == col {
                id_end = Some(at);
                break;
            }
            fields += 1;
            from = at + 1;
            i = at + 1;
        }
        // Only lines that end are handed out whole (a last one without its end is not). The
        // search above stopped at this line's end or before it: the line's end is sought from
        // there (a search of the whole run at once, one call a line, cost twice as much).
        let Some(end) = find_lf_or(bytes, i, b'\n') else {
            break;
        };
        debug_assert!(end >= i && !bytes[start..end].contains(&b'\n'));
        // Without the line end, as the workers split it (a CR before the LF is the end's).
        let record_end = if end > start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        let this = line;
        line += 1;
        let record = start..record_end;
        start = end + 1;
        let Some(id_end) = id_end.map(|e| e.min(record_end)) else {
            continue;
        };
        // A line of too many fields is skipped by the reader, so its id does not count.
        if record.len() >= MAX_FIELDS
            && memchr::memchr_iter(delimiter, &bytes[record]).count() >= MAX_FIELDS
        {
            continue;
        }
        // The field's span is between ASCII bytes (or a line's start), so on character
        // boundaries.
        let id = money::trim(&text[from.min(id_end)..id_end]);
        if !id.is_empty() {
            keys.push((key(id), this));
        }
    }
}

/// The trimmed, non-blank ids of plain lines, with their lines: the text of column `col`,
/// decoded. Lines with too many fields are skipped by the reader, so their ids do not count.
fn plain_ids<'a>(
    lines: &'a Lines,
    col: usize,
    delimiter: u8,
) -> impl Iterator<Item = (u64, Cow<'a, str>)> + 'a {
    let text = lines.text;
    let bytes = text.bytes();
    plain_lines(bytes, lines.line).filter_map(move |(line, range)| {
        let record = &bytes[range.clone()];
        if record.len() >= MAX_FIELDS
            && memchr::memchr_iter(delimiter, record).count() >= MAX_FIELDS
        {
            return None;
        }
        // The field's span: delimiters are ASCII, so it is on character boundaries.
        let mut start = 0;
        for _ in 0..col {
            start += memchr::memchr(delimiter, &record[start..])? + 1;
        }
        let end = memchr::memchr(delimiter, &record[start..]).map_or(record.len(), |e| start + e);
        let span = range.start + start..range.start + end;
        let id = match text {
            LineText::Utf8(text) => Cow::Borrowed(&text[span]),
            LineText::Gb18030(bytes) => GB18030.decode_without_bom_handling(&bytes[span]).0,
        };
        let id = match id {
            Cow::Borrowed(s) => Cow::Borrowed(money::trim(s)),
            Cow::Owned(s) => Cow::Owned(money::trim(&s).to_string()),
        };
        (!id.is_empty()).then_some((line, id))
    })
}

/// What the writer is told of a table that cannot be read (on: `--input-encoding` names the
/// encoding of batch inputs).
fn failure(e: TableError, label: &str, lang: Lang) -> ToWriter {
    match e {
        TableError::Encoding(mut e) => {
            e.flag = "--input-encoding";
            ToWriter::Garbled(TableError::Encoding(e).render(label, lang))
        }
        // Nothing of the table was computed: its rows sent before may not be what it holds.
        TableError::Workbook(e) if e.voids_rows_read() => {
            ToWriter::Voided(TableError::Workbook(e).render(label, lang))
        }
        e => ToWriter::Failed(e.render(label, lang)),
    }
}

/// Why a later table is not read: its columns are not the first table's (compare says it
/// in the same words).
pub(crate) fn columns_differ(file: &str, first: &Columns, other: &Columns, lang: Lang) -> String {
    // The same field in another unit is the likeliest slip, and the costliest: say so.
    let unit = Field::ALL.into_iter().find_map(|f| {
        let (a, b) = (first.index(f)?, other.index(f)?);
        (first.scale(f) != other.scale(f)).then(|| (&other.names[b], &first.names[a]))
    });
    if let Some((theirs, ours)) = unit {
        return match lang {
            Lang::En => format!(
                "{file}: its column \"{theirs}\" is in another unit than the first table's \"{ours}\"; one output needs the same units (convert one table's figures and header, or compute them apart)"
            ),
            Lang::Zh => format!(
                "{file}: “{theirs}”列的单位与第一个表的“{ours}”列不同；合并输出要求单位相同（请换算其中一个表的数值和表头，或分开计算）"
            ),
        };
    }
    let describe = |c: &Columns| c.names.join(", ");
    match lang {
        Lang::En => format!(
            "{file}: its columns ({}) differ from the first table's ({}); one output needs the same columns",
            describe(other),
            describe(first)
        ),
        Lang::Zh => format!(
            "{file}: 列（{}）与第一个表（{}）不同；合并输出要求各表的列相同",
            other.names.join("、"),
            first.names.join("、")
        ),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The keys [`plain_ids`] gives, the way the reader took them before the one-pass scan.
    fn by_iterator(lines: &Lines, col: usize, delimiter: u8) -> Vec<(u64, u64)> {
        plain_ids(lines, col, delimiter)
            .map(|(line, id)| (IdSet::key(&id), line))
            .collect()
    }

    fn by_scan(lines: &Lines, col: usize, delimiter: u8) -> Vec<(u64, u64)> {
        let mut keys = Vec::new();
        plain_id_keys(lines, col, delimiter, &mut keys, IdSet::key);
        keys
    }

    fn utf8(text: &str, line: u64) -> Lines<'_> {
        Lines {
            line,
            text: LineText::Utf8(text),
            count: text.bytes().filter(|&b| b == b'\n').count() as u64,
        }
    }

    #[test]
    fn the_one_pass_id_scan_finds_each_lines_trimmed_id() {
        let text = "S1,a,b\n S2 ,c\r\n\n,x\n\r\n\u{3000}S3\u{3000};y\nS4\nS5,z";
        let keys = by_scan(&utf8(text, 7), 0, b',');
        let key = IdSet::key;
        // S5 has no line end: it is not a plain line, so it is not here.
        assert_eq!(
            keys,
            [
                (key("S1"), 7),
                (key("S2"), 8),
                (key("S3\u{3000};y"), 12),
                (key("S4"), 13)
            ]
        );
        assert_eq!(
            by_scan(&utf8(text, 7), 1, b','),
            [(key("a"), 7), (key("c"), 8), (key("x"), 10)]
        );
        assert_eq!(by_scan(&utf8(text, 7), 1, b';'), [(key("y"), 12)]);
        // A line of too many fields is skipped, at the column's place or not.
        let wide = format!("W1{}\nW2,b\n", ",".repeat(MAX_FIELDS));
        assert_eq!(by_scan(&utf8(&wide, 1), 0, b','), [(key("W2"), 2)]);
        assert_eq!(by_iterator(&utf8(&wide, 1), 0, b','), [(key("W2"), 2)]);
    }

    proptest! {
        #[test]
        fn the_one_pass_id_scan_finds_what_the_line_iterator_finds(
            rows in proptest::collection::vec(
                proptest::collection::vec("[ a-c0-9\u{3000}\u{a0}乡,;\t]{0,12}", 0..5), 0..12),
            ends in proptest::collection::vec(0..3u8, 12),
            col in 0..4usize,
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
            tail in "[a-c,]{0,3}",
        ) {
            let mut text = String::new();
            for (fields, end) in rows.iter().zip(&ends) {
                text.push_str(&fields.join(&char::from(delimiter).to_string()));
                text.push_str(match end { 0 => "\n", 1 => "\r\n", _ => " \n" });
            }
            text.push_str(&tail);
            let lines = utf8(&text, 3);
            prop_assert_eq!(by_scan(&lines, col, delimiter), by_iterator(&lines, col, delimiter));
        }
    }
}
