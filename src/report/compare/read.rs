//! Reading a comparison's CSV tables as a batch run reads them: in blocks, runs of plain
//! lines handed on unsplit (the cores split them), while the first blocks are computed, so
//! a million rows are never held at once and reading is not a pass of its own before any row
//! is computed.
//!
//! A comparison held whole reads each table with the table view's loader, which refuses a
//! table with a line it could not save back (too long, too many fields, a quote never
//! closed). The reader here notices every line that loader could refuse, and then the table
//! is loaded whole after all, so that its verdict and words are exactly the loader's.

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;

use encoding_rs::GB18030;

use crate::money;
use crate::table::idform::id_form;
use crate::table::sheet::SheetRow;
use crate::table::{
    plain_lines, plain_records, Columns, Field, Item, LineText, Lines, Record, Rows, Run,
    TableError, MAX_FIELDS,
};

/// Rows in a block at most, and bytes of text: a batch run's chunks.
const BLOCK_ROWS: usize = 2048;
const BLOCK_BYTES: usize = 1 << 17;

/// What the cores need to know of the table a block comes from.
pub(super) struct TableCtx {
    /// Its place among the tables compared.
    pub file: usize,
    /// Its header, as the rules in force read it.
    pub columns: Columns,
    /// As the variant reads it (the approved-amount columns are found per rule set).
    pub other: Columns,
    /// The field delimiter of plain lines.
    pub delimiter: u8,
}

/// One entry of a block.
enum Entry {
    /// Plain lines at this span of `Block::text`, or of `Block::raw` when they are GB18030
    /// still to be decoded.
    Lines {
        line: u64,
        span: std::ops::Range<usize>,
        gb18030: bool,
    },
    /// A record the state machine read (quoted fields, the last line without its end): kept
    /// as the loader of a table held whole keeps it, so it reads the same.
    Row(SheetRow),
}

/// Consecutive records of one table, for a core.
pub(super) struct Block {
    /// The table.
    pub table: Arc<TableCtx>,
    text: String,
    raw: Vec<u8>,
    entries: Vec<Entry>,
    /// Lines of the records whose id was seen on an earlier row, in order.
    duplicates: Vec<u64>,
    records: usize,
}

impl Block {
    fn new(table: Arc<TableCtx>) -> Block {
        Block {
            table,
            text: String::new(),
            raw: Vec::new(),
            entries: Vec::new(),
            duplicates: Vec::new(),
            records: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.records >= BLOCK_ROWS || self.text.len() + self.raw.len() >= BLOCK_BYTES
    }

    /// Bytes of text the block takes before it is full.
    fn room(&self) -> usize {
        BLOCK_BYTES
            .saturating_sub(self.text.len() + self.raw.len())
            .max(1)
    }

    /// Calls `each` with every record, in order, and whether its id was seen on an earlier
    /// row. (A line of too many fields is passed over: its table is refused.)
    pub fn each(&self, mut each: impl FnMut(&Record, bool)) {
        let mut duplicates = self.duplicates.iter().copied().peekable();
        let mut is_duplicate = |line: u64| duplicates.next_if_eq(&line).is_some();
        let mut ends = Vec::new();
        for entry in &self.entries {
            match entry {
                Entry::Row(row) => {
                    let record = row.record(&mut ends);
                    each(&record, is_duplicate(row.line));
                }
                Entry::Lines {
                    line,
                    span,
                    gb18030,
                } => {
                    let text = match gb18030 {
                        true => {
                            GB18030
                                .decode_without_bom_handling(&self.raw[span.clone()])
                                .0
                        }
                        false => std::borrow::Cow::Borrowed(&self.text[span.clone()]),
                    };
                    let delimiter = self.table.delimiter;
                    plain_records(&text, *line, delimiter, &mut ends, |item| {
                        if let Ok(record) = item {
                            let duplicate = is_duplicate(record.line);
                            each(&record, duplicate);
                        }
                    });
                }
            }
        }
    }
}

/// An input reached, its header read.
pub struct Reached {
    /// The file (read again at its end when its last record may hold a quote never closed).
    pub path: PathBuf,
    /// Its header.
    pub columns: Columns,
    /// Its rows, after the header.
    pub rows: Rows<std::fs::File>,
    /// Its place among the tables compared, when its rows are compared (a table not compared
    /// is loaded whole by [`Inputs::settle`], as a comparison held whole loads it).
    pub file: Option<usize>,
}

/// How a table's rows were read to their end.
pub enum BodyRead {
    /// Every line as the loader of a table held whole would take it.
    Clean,
    /// A line that loader may refuse (or the table's rows were not read): it must say.
    Unsure,
    /// The table could not be read to its end.
    Failed(TableError),
}

/// What the command does with each input as the reader reaches it, in order: the checks a
/// comparison held whole makes as it loads each table, with the same outcome.
pub trait Inputs: Sync {
    /// Why the comparison stops.
    type Error: Send;
    /// How many inputs there are.
    fn count(&self) -> usize;
    /// Input `i` reached: its header and rows, `None` when it is not read (said already),
    /// or why the comparison stops there.
    fn reach(&self, i: usize) -> Result<Option<Reached>, Self::Error>;
    /// Input `i` read to its end (its rows compared when they were to be): whether the
    /// comparison goes on.
    fn settle(&self, i: usize, read: BodyRead) -> Result<(), Self::Error>;
}

/// Every id seen, as it reads ([`id_form`]): each one's text once in an arena, found by its hash in an open
/// table of 8-byte slots (the hash's top half beside the id's number), so a million ids take
/// their bytes and a slot each, not an allocation each, and adding one usually touches one
/// slot. Two ids whose slots agree are told apart by their text.
#[derive(Default)]
struct Ids {
    /// Every id placed, one after another.
    text: String,
    /// Where each id placed ends in `text`; id `k` starts where `k - 1` ends.
    ends: Vec<u32>,
    /// Empty (0), or the top 32 bits of an id's hash above its number plus one.
    slots: Vec<u64>,
    /// Ids that did not fit `text` or the numbers of `slots`, kept as they are.
    others: foldhash::HashSet<Box<str>>,
    hasher: foldhash::fast::FixedState,
}

impl Ids {
    fn with_capacity(n: usize) -> Ids {
        let mut ids = Ids {
            text: String::with_capacity(n.saturating_mul(12)),
            ends: Vec::with_capacity(n),
            ..Ids::default()
        };
        ids.grow_to(n);
        ids
    }

    /// Slots for `n` ids, at most three quarters full, the ids placed so far placed again.
    fn grow_to(&mut self, n: usize) {
        let len = (n.saturating_mul(4) / 3).max(16).next_power_of_two();
        self.slots = crate::batch::written_zeros(len, len);
        for k in 0..self.ends.len() {
            let h = self.hash(self.id(k));
            let at = self.vacant(h);
            self.slots[at] = slot(h, k);
        }
    }

    fn hash(&self, id: &str) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(id)
    }

    /// Id number `k`'s text.
    fn id(&self, k: usize) -> &str {
        let from = k.checked_sub(1).map_or(0, |j| self.ends[j] as usize);
        &self.text[from..self.ends[k] as usize]
    }

    /// The first empty slot on hash `h`'s probe.
    fn vacant(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = h as usize & mask;
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        at
    }

    /// Adds `id`; false when it was seen before (as it reads: [`id_form`]).
    fn insert(&mut self, id: &str) -> bool {
        let id = id_form(id);
        self.insert_hashed(&id, self.hash(&id))
    }

    /// Adds the ids of a run of lines (`(line, id)` each), calling `seen` with the line of
    /// each one seen before (earlier in the run too), in order: what [`Ids::insert`] of each
    /// in turn finds. Each id's first slot is loaded first, in reads the processor overlaps,
    /// so the inserts find them in cache (a million ids met in no order were a wait on
    /// memory each).
    fn insert_all(&mut self, ids: &[(u64, Cow<'_, str>)], mut seen: impl FnMut(u64)) {
        let wanted = self.ends.len() + ids.len();
        if wanted * 4 > self.slots.len() * 3 {
            self.grow_to(wanted * 2);
        }
        let formed: Vec<Cow<'_, str>> = ids.iter().map(|(_, id)| id_form(id)).collect();
        let hashes: Vec<u64> = formed.iter().map(|id| self.hash(id)).collect();
        let mask = self.slots.len() - 1;
        let touched =
            (hashes.iter()).fold(0u64, |t, &h| t.wrapping_add(self.slots[h as usize & mask]));
        std::hint::black_box(touched);
        for (((line, _), id), h) in ids.iter().zip(&formed).zip(hashes) {
            if !self.insert_hashed(id, h) {
                seen(*line);
            }
        }
    }

    /// [`Ids::insert`] of `id`, `h` its hash.
    fn insert_hashed(&mut self, id: &str, h: u64) -> bool {
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = h as usize & mask;
        while let Some(&s) = self.slots.get(at) {
            if s == 0 {
                break;
            }
            if s >> 32 == h >> 32 && self.id((s as u32 - 1) as usize) == id {
                return false;
            }
            at = (at + 1) & mask;
        }
        let k = self.ends.len();
        let end = self.text.len() + id.len();
        let (Ok(end), true) = (u32::try_from(end), k + 1 < u32::MAX as usize) else {
            return self.others.insert(id.into());
        };
        self.text.push_str(id);
        self.ends.push(end);
        if (k + 1) * 4 > self.slots.len() * 3 {
            self.grow_to((k + 1) * 2);
        } else {
            self.slots[at] = slot(h, k);
        }
        true
    }
}

/// The slot of id number `k`, of hash `h`.
fn slot(h: u64, k: usize) -> u64 {
    (h & (u64::MAX << 32)) | (k as u64 + 1)
}

/// Reads every input in order, handing each block to `send` (false: stop, nobody listens).
/// Ends with the first input that stops the comparison.
pub(super) fn read_all<I: Inputs>(
    inputs: &I,
    bytes: u64,
    mut send: impl FnMut(Block) -> bool,
) -> Result<(), I::Error> {
    // Room for the ids at 64 bytes a row: growing the set on the way moves every id again.
    let mut ids = Ids::with_capacity(usize::try_from(bytes / 64).unwrap_or(0).min(1 << 28));
    for i in 0..inputs.count() {
        let Some(Reached {
            path,
            columns,
            mut rows,
            file,
        }) = inputs.reach(i)?
        else {
            continue;
        };
        let Some(file) = file else {
            inputs.settle(i, BodyRead::Unsure)?;
            continue;
        };
        let delimiter = rows.style().delimiter;
        let id_col = columns.index(Field::Id);
        let names = columns.names.len();
        let ctx = Arc::new(TableCtx {
            file,
            other: columns.for_other_rules(),
            columns,
            delimiter,
        });
        let mut block = Block::new(ctx.clone());
        let mut sure = true;
        // Where the last item began, when it was a record the state machine read.
        let mut last_record_at = None;
        let read = loop {
            let at = rows.offset();
            match rows.next_run(block.room()) {
                Ok(Some(Run::Lines(lines))) => {
                    last_record_at = None;
                    sure &= plain_ids(&lines, id_col, delimiter, &mut ids, &mut block.duplicates);
                    block.push_lines(&lines);
                }
                Ok(Some(Run::Item(Item::Record(record)))) => {
                    last_record_at = Some(at);
                    let id = id_col
                        .and_then(|c| record.get(c))
                        .map(money::trim)
                        .filter(|id| !id.is_empty());
                    if id.is_some_and(|id| !ids.insert(id)) {
                        block.duplicates.push(record.line);
                    }
                    let row =
                        SheetRow::new((0..record.len()).filter_map(|f| record.get(f)), record.line);
                    // A quote never closed takes later lines into a row of the wrong size.
                    if record.takes_in_rows(names) {
                        sure = false;
                    }
                    block.entries.push(Entry::Row(row));
                    block.records += 1;
                }
                Ok(Some(Run::Item(Item::Skipped(_)))) => {
                    last_record_at = None;
                    sure = false;
                }
                Ok(None) => break BodyRead::Clean,
                Err(e) => break BodyRead::Failed(e),
            };
            if block.is_full() {
                let full = std::mem::replace(&mut block, Block::new(ctx.clone()));
                if !send(full) {
                    return Ok(());
                }
            }
        };
        if !block.entries.is_empty() && !send(block) {
            return Ok(());
        }
        let read = match read {
            BodyRead::Clean if !sure || last_record_at.is_some_and(|at| quote_after(&path, at)) => {
                BodyRead::Unsure
            }
            read => read,
        };
        inputs.settle(i, read)?;
    }
    Ok(())
}

/// Whether the bytes of `path` from `at` on hold a quote: the last record may then leave a
/// quote open, which the loader of a table held whole refuses (unsure: it is asked).
fn quote_after(path: &std::path::Path, at: u64) -> bool {
    let mut tail = Vec::new();
    let read = std::fs::File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::Start(at))
            .and_then(|_| f.read_to_end(&mut tail))
    });
    read.is_err() || memchr::memchr(b'"', &tail).is_some()
}

impl Block {
    fn push_lines(&mut self, lines: &Lines) {
        let (span, gb18030) = lines.text.append_to(&mut self.text, &mut self.raw);
        self.entries.push(Entry::Lines {
            line: lines.line,
            span,
            gb18030,
        });
        self.records += lines.count as usize;
    }
}

/// Checks the ids of plain lines against every id seen, noting the lines of those seen
/// before in `duplicates`; false when a line has too many fields (its table is refused).
fn plain_ids(
    lines: &Lines,
    col: Option<usize>,
    delimiter: u8,
    ids: &mut Ids,
    duplicates: &mut Vec<u64>,
) -> bool {
    let bytes = lines.text.bytes();
    let mut sure = true;
    let mut found: Vec<(u64, Cow<'_, str>)> = Vec::new();
    for (line, range) in plain_lines(bytes, lines.line) {
        let record = &bytes[range.clone()];
        if record.len() >= MAX_FIELDS
            && memchr::memchr_iter(delimiter, record).count() >= MAX_FIELDS
        {
            sure = false;
            continue;
        }
        let Some(col) = col else { continue };
        // The id's field: after `col` delimiters, up to the next one or the line's end.
        let mut start = Some(0);
        for _ in 0..col {
            start = start.and_then(|s| Some(s + memchr::memchr(delimiter, &record[s..])? + 1));
        }
        let Some(start) = start else { continue };
        let end = memchr::memchr(delimiter, &record[start..]).map_or(record.len(), |e| start + e);
        let span = range.start + start..range.start + end;
        let id = match lines.text {
            // Delimiters are ASCII, so the span is on character boundaries.
            LineText::Utf8(text) => Cow::Borrowed(money::trim(&text[span])),
            LineText::Gb18030(bytes) => {
                let id = GB18030.decode_without_bom_handling(&bytes[span]).0;
                Cow::Owned(money::trim(&id).to_owned())
            }
        };
        if !id.is_empty() {
            found.push((line, id));
        }
    }
    ids.insert_all(&found, |line| duplicates.push(line));
    sure
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_told_apart_by_their_text_even_when_their_hashes_meet() {
        let mut ids = Ids::default();
        assert!(ids.insert("S1"));
        assert!(!ids.insert("S1"));
        // A slot on S2's probe holding S2's hash and S1's number, as when two ids' hashes
        // meet in full.
        let h = ids.hash("S2");
        let at = ids.vacant(h);
        ids.slots[at] = slot(h, 0);
        assert!(ids.insert("S2"));
        assert!(!ids.insert("S2"));
        assert!(!ids.insert("S1"));
        assert!(ids.insert("S3"));
        assert!(!ids.insert("S3"));
    }

    /// Ids typed to look the same (full-width forms, a zero-width space, a byte-order mark)
    /// are one id, added one by one or a run at a time: what a batch run's set finds.
    #[test]
    fn ids_typed_to_look_the_same_are_one_id() {
        let typed = ["Ｓ1", "S\u{200B}1", "\u{FEFF}S1", "S１", "S1"];
        let mut one = Ids::with_capacity(4);
        assert!(one.insert("S1"));
        for id in typed {
            assert!(!one.insert(id), "{id:?}");
        }
        assert!(one.insert("s1"), "case is kept");
        let mut runs = Ids::with_capacity(4);
        let run: Vec<(u64, Cow<'_, str>)> = ["S2", "Ｓ2", "S3", "S\u{200B}3", "S2"]
            .iter()
            .zip(1u64..)
            .map(|(id, line)| (line, Cow::Borrowed(*id)))
            .collect();
        let mut seen = Vec::new();
        runs.insert_all(&run, |line| seen.push(line));
        assert_eq!(seen, [2, 4, 5]);
        assert!(!runs.insert("S３"));
    }

    /// Ids added a run at a time are found seen before exactly where one by one they are:
    /// repeated within a run and across runs, runs that make the slots grow, the empty id.
    #[test]
    fn ids_added_a_run_at_a_time_are_seen_where_one_by_one_they_are() {
        let (mut runs, mut one) = (Ids::with_capacity(4), Ids::with_capacity(4));
        let mut line = 0u64;
        for run in 0..40u64 {
            let ids: Vec<(u64, Cow<'_, str>)> = (0..run * 7)
                .map(|k| {
                    line += 1;
                    (line, Cow::Owned(format!("S{}", (run * 31 + k * 13) % 900)))
                })
                .collect();
            let mut seen = Vec::new();
            runs.insert_all(&ids, |line| seen.push(line));
            let want: Vec<u64> = ids
                .iter()
                .filter(|(_, id)| !one.insert(id))
                .map(|(line, _)| *line)
                .collect();
            assert_eq!(seen, want, "run {run}");
        }
        assert_eq!(runs.ends.len(), one.ends.len());
        assert_eq!(runs.ends.len(), 900);
    }

    #[test]
    fn ids_placed_again_as_the_slots_grow_are_all_still_found() {
        let mut ids = Ids::with_capacity(4);
        for n in 0..5000 {
            assert!(ids.insert(&format!("S{n}")), "S{n} new");
        }
        for n in 0..5000 {
            assert!(!ids.insert(&format!("S{n}")), "S{n} seen");
        }
        assert!(ids.insert(""));
        assert!(!ids.insert(""));
        assert_eq!(ids.ends.len(), 5001);
        assert!(ids.others.is_empty());
    }
}
