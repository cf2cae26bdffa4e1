//! The computing half of a batch run: a chunk of records in, its output rows, messages and
//! partial totals out. Chunks are independent, so workers run them in parallel; the results
//! are put back in input order before anything is written.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use encoding_rs::GB18030;

use super::alloc::{Changed, ChunkCuts, Plan, Tally};
use super::fused::{Fate, Fused, FusedRow, Out};
use super::pool::Pool;
use super::Tuning;
use crate::engine::{Breakdown, Note, NoteSink, Segment};
use crate::i18n::Lang;
use crate::report::encode::{self, RowBuf};
use crate::report::format::{segment_json, Format};
use crate::report::layout::Layout;
use crate::report::Summary;
use crate::rules::{ClassId, FundId, OnOverrun, RuleSet};
use crate::table::{
    plain_records, row, row::RowText, row::Verdict, Columns, Lines, PlainItem, Problem, Record,
    RowError,
};

/// What a worker needs to know about the table a chunk comes from.
pub struct TableCtx {
    /// The file's name in messages.
    pub label: String,
    /// Its header.
    pub columns: Columns,
    /// Output column → this table's column, for the copied columns.
    pub map: Vec<usize>,
    /// The output's shape.
    pub layout: Arc<Layout>,
    /// The field delimiter of plain lines.
    pub delimiter: u8,
    /// Whether a plain line's fields, delimiters and all, are the copied output columns as
    /// written (same columns, same order, comma-separated, no Excel escaping).
    pub verbatim: bool,
}

/// One entry of a chunk.
enum ChunkEntry {
    /// A record: its line, its text's start in `Chunk::text`, and its fields' span in
    /// `Chunk::ends`.
    Record {
        line: u64,
        text_start: usize,
        fields: Range<usize>,
        multiline: bool,
        /// See [`Record::rows_inside`].
        rows_inside: bool,
        /// See [`Record::widest_line`].
        widest_line: usize,
        /// The input ended inside it (see [`Record::unclosed`]).
        unclosed: bool,
        /// See [`Record::closed_inside`].
        closed_inside: bool,
    },
    /// Plain lines (see [`Lines`]) at this span of `Chunk::text`, or of `Chunk::raw` when
    /// they are GB18030 still to be decoded.
    Lines {
        line: u64,
        span: Range<usize>,
        gb18030: bool,
    },
    /// A record the reader could not keep (boxed: rare, and large beside a record).
    Skipped(Box<RowError>),
}

/// Consecutive records of one table, packed for a worker.
pub struct Chunk {
    /// The table.
    pub table: Arc<TableCtx>,
    text: String,
    raw: Vec<u8>,
    ends: Vec<usize>,
    entries: Vec<ChunkEntry>,
    /// Lines of the records whose id was seen before, in order.
    duplicates: Vec<u64>,
    /// Whether its ids are not those an earlier read of the run found here.
    ids_changed: bool,
    /// Records held.
    records: usize,
    /// Records and bytes it holds when full.
    size: Tuning,
}

/// A chunk is sent on when it holds this many records or this many bytes of text.
pub const CHUNK_RECORDS: usize = 2048;
pub const CHUNK_BYTES: usize = 1 << 17;

impl Chunk {
    /// An empty chunk of `table`, in the memory of a spare chunk when `pool` has one.
    /// It is full at `size`.
    pub fn from_pool(pool: &Pool<Chunk>, table: Arc<TableCtx>, size: Tuning) -> Chunk {
        match pool.take() {
            Some(mut chunk) => {
                chunk.table = table;
                chunk.size = size;
                chunk.text.clear();
                chunk.raw.clear();
                chunk.ends.clear();
                chunk.entries.clear();
                chunk.duplicates.clear();
                chunk.ids_changed = false;
                chunk.records = 0;
                chunk
            }
            None => Chunk::new(table, size),
        }
    }

    /// An empty chunk of `table`, full at `size`.
    pub fn new(table: Arc<TableCtx>, size: Tuning) -> Chunk {
        Chunk {
            table,
            text: String::with_capacity(size.chunk_bytes),
            raw: Vec::new(),
            ends: Vec::new(),
            entries: Vec::new(),
            duplicates: Vec::new(),
            ids_changed: false,
            records: 0,
            size,
        }
    }

    /// Adds a record (from the reader's state machine: its fields back to back).
    pub fn push(&mut self, record: &Record) {
        let text_start = self.text.len();
        self.text.push_str(record.text());
        let first = self.ends.len();
        self.ends.extend_from_slice(record.ends());
        self.entries.push(ChunkEntry::Record {
            line: record.line,
            text_start,
            fields: first..self.ends.len(),
            multiline: record.multiline,
            rows_inside: record.rows_inside,
            widest_line: record.widest_line,
            unclosed: record.unclosed,
            closed_inside: record.closed_inside,
        });
        self.records += 1;
    }

    /// Adds plain lines.
    pub fn push_lines(&mut self, lines: &Lines) {
        let (span, gb18030) = lines.text.append_to(&mut self.text, &mut self.raw);
        self.entries.push(ChunkEntry::Lines {
            line: lines.line,
            span,
            gb18030,
        });
        self.records += lines.count as usize;
    }

    /// Marks the record at `line` (added before or after) as one whose id was seen before.
    pub fn duplicate(&mut self, line: u64) {
        self.duplicates.push(line);
    }

    /// The lines of the records whose id was seen before, in order.
    pub fn duplicates(&self) -> &[u64] {
        &self.duplicates
    }

    /// Takes the lines of the records whose id was seen before from an earlier read.
    pub fn set_duplicates(&mut self, lines: &[u64]) {
        self.duplicates.clear();
        self.duplicates.extend_from_slice(lines);
    }

    /// Marks the chunk's ids as not those an earlier read of the run found here.
    pub fn ids_changed(&mut self) {
        self.ids_changed = true;
    }

    /// Why the chunk cannot be counted or written: its ids changed since the first read.
    fn changed_ids(&self) -> Option<Changed> {
        self.ids_changed.then(|| Changed::Ids {
            label: self.table.label.clone(),
            line: self.first_line(),
        })
    }

    /// Adds a record the reader skipped.
    pub fn push_skipped(&mut self, error: RowError) {
        self.entries.push(ChunkEntry::Skipped(Box::new(error)));
        self.records += 1;
    }

    /// Whether the chunk should be sent on.
    pub fn is_full(&self) -> bool {
        self.records >= self.size.chunk_records
            || self.text.len() + self.raw.len() >= self.size.chunk_bytes
    }

    /// Bytes of text the chunk takes before it is full.
    pub fn room(&self) -> usize {
        self.size
            .chunk_bytes
            .saturating_sub(self.text.len() + self.raw.len())
            .max(1)
    }

    /// Whether the chunk holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The line its first entry starts on (a run's passes must cut the input alike).
    pub fn first_line(&self) -> u64 {
        match self.entries.first() {
            Some(ChunkEntry::Record { line, .. } | ChunkEntry::Lines { line, .. }) => *line,
            Some(ChunkEntry::Skipped(e)) => e.line,
            None => 0,
        }
    }

    /// Calls `each` with every entry, in order: a record and whether its id was seen before,
    /// or a record the reader skipped.
    fn each(&self, mut each: impl FnMut(Entry)) {
        let mut duplicates = self.duplicates.iter().copied().peekable();
        let mut is_duplicate = |line: u64| duplicates.next_if_eq(&line).is_some();
        let mut ends = Vec::new();
        for entry in &self.entries {
            match entry {
                ChunkEntry::Skipped(e) => each(Entry::Skipped(e)),
                ChunkEntry::Record {
                    line,
                    text_start,
                    fields,
                    multiline,
                    rows_inside,
                    widest_line,
                    unclosed,
                    closed_inside,
                } => {
                    let ends = &self.ends[fields.clone()];
                    let text_end = ends.last().map_or(*text_start, |e| text_start + e);
                    let text = &self.text[*text_start..text_end];
                    let mut record = Record::new(*line, text, ends, *multiline);
                    record.rows_inside = *rows_inside;
                    record.widest_line = *widest_line;
                    record.unclosed = *unclosed;
                    record.closed_inside = *closed_inside;
                    each(Entry::Record(&record, is_duplicate(*line)));
                }
                ChunkEntry::Lines {
                    line,
                    span,
                    gb18030,
                } => {
                    let text = if *gb18030 {
                        GB18030
                            .decode_without_bom_handling(&self.raw[span.clone()])
                            .0
                    } else {
                        Cow::Borrowed(&self.text[span.clone()])
                    };
                    let each = |item: PlainItem| match item {
                        Ok(record) => each(Entry::Record(&record, is_duplicate(record.line))),
                        Err(line) => {
                            each(Entry::Skipped(&RowError::row(line, Problem::TooManyFields)))
                        }
                    };
                    plain_records(&text, *line, self.table.delimiter, &mut ends, each);
                }
            }
        }
    }
}

/// One entry of a chunk, as [`Chunk::each`] hands it out.
enum Entry<'r, 't> {
    /// A record, and whether its id was seen on an earlier row.
    Record(&'r Record<'t>, bool),
    /// A record the reader could not keep.
    Skipped(&'r RowError),
}

/// What a worker made of a chunk.
pub struct ComputedChunk {
    /// Output rows, in order.
    pub rows: RowBuf,
    /// Messages, in order.
    pub messages: Vec<String>,
    /// Rows computed.
    pub good: u64,
    /// Rows refused.
    pub bad: u64,
    /// Totals of the good rows.
    pub summary: Summary,
    /// Why the rows cannot be written, when the input changed since it was counted.
    pub changed: Option<Changed>,
    /// A note among the rows states a unit other than the one the rows were read in (or
    /// speaks of one when none was stated): every row of its table may be in the wrong unit.
    pub doubt: bool,
}

/// Settings shared by every chunk of a run.
pub struct Job<'a> {
    /// The rules in force.
    pub rules: &'a RuleSet,
    /// Language of notes and messages.
    pub lang: Lang,
    /// An empty summary, as each chunk's starts.
    pub summary: Summary,
    /// The form of the rows; `None` for cells of a terminal table.
    pub format: Option<Format>,
    /// CSV for Excel: text that cannot run as a formula.
    pub excel: bool,
    /// The unit of amounts in text and terminal rows.
    pub unit: crate::report::Unit,
    /// Output buffers the writer gave back.
    pub buffers: &'a Pool<Vec<u8>>,
    /// The budgets that bind, decided by the counting passes, when some budget allocates.
    pub plan: Option<&'a Plan>,
}

/// What a row's amounts go through between the engine and the summary: nothing, or the
/// cuts of the budgets that bind. Chosen once a chunk, so a run without them pays nothing.
trait Cuts {
    fn row(&mut self, segment: &Segment, text: &RowText, breakdown: &mut Breakdown);
    /// [`Cuts::row`] of a row the fused path took.
    fn fused_row(&mut self, text: &RowText, row: &mut FusedRow);
}

/// No budget allocates.
struct NoCuts;

impl Cuts for NoCuts {
    #[inline(always)]
    fn row(&mut self, _: &Segment, _: &RowText, _: &mut Breakdown) {}
    #[inline(always)]
    fn fused_row(&mut self, _: &RowText, _: &mut FusedRow) {}
}

impl Cuts for ChunkCuts<'_> {
    fn row(&mut self, segment: &Segment, text: &RowText, breakdown: &mut Breakdown) {
        ChunkCuts::row(self, segment, text, breakdown);
    }
    fn fused_row(&mut self, text: &RowText, row: &mut FusedRow) {
        self.row_with(text, row);
    }
}

/// Computes every record of `chunk`, the `seq`-th piece of the run.
pub fn compute(job: &Job, seq: u64, chunk: &Chunk) -> ComputedChunk {
    match job.plan {
        None => compute_with(job, chunk, NoCuts).0,
        Some(plan) => {
            let cuts = ChunkCuts::new(
                plan,
                job.rules,
                plan.counting_passes(),
                seq,
                &chunk.table.label,
                chunk.first_line(),
            );
            let (mut done, cuts) = compute_with(job, chunk, cuts);
            // The amounts' reasons first: they say more.
            done.changed = cuts.finish().err().or_else(|| chunk.changed_ids());
            done
        }
    }
}

/// Adds up what the rows of `chunk`, the `seq`-th piece of the run, ask of the budgets that
/// counting pass `pass` decides (after the cuts of the budgets decided before).
pub fn count(
    job: &Job,
    plan: &Plan,
    pass: usize,
    seq: u64,
    chunk: &Chunk,
) -> Result<Tally, Changed> {
    let tally = count_rows(job, plan, pass, seq, chunk)?;
    // The amounts' reasons first: they say more.
    match chunk.changed_ids() {
        Some(changed) => Err(changed),
        None => Ok(tally),
    }
}

/// [`count`], but for the check of the chunk's ids.
fn count_rows(
    job: &Job,
    plan: &Plan,
    pass: usize,
    seq: u64,
    chunk: &Chunk,
) -> Result<Tally, Changed> {
    let table = &chunk.table;
    let mut cuts = ChunkCuts::new(plan, job.rules, pass, seq, &table.label, chunk.first_line());
    let mut breakdown = Breakdown::default();
    let mut errors = Vec::new();
    // Only good rows ask anything: the rest is neither judged nor told (`alloc::Asking`).
    let asking = plan.asking();
    let mut fused = Fused::new(job.rules, &table.columns, chunk.size.fused).map(Fused::asking);
    chunk.each(|entry| {
        if let Entry::Record(record, duplicate) = entry {
            // A row the fused path takes is a good one, read and computed as `asking` would.
            if let Some(fused) = &mut fused {
                if let Some(row) = fused.take(record, duplicate) {
                    cuts.row_with(&row.text, &mut fused.cut_row(&row));
                    return;
                }
            }
            let columns = &table.columns;
            let good = asking.good(
                record,
                columns,
                job.rules,
                duplicate,
                &mut errors,
                &mut breakdown,
            );
            if let Some((segment, text)) = good {
                cuts.row(&segment, &text, &mut breakdown);
            }
        }
    });
    cuts.finish()
}

fn compute_with<'a, C: Cuts>(job: &'a Job, chunk: &'a Chunk, cuts: C) -> (ComputedChunk, C) {
    let table = &chunk.table;
    // Input text, commas and line ends, and amounts and notes: about 160 bytes a row.
    let room = chunk.text.len() + chunk.raw.len() + chunk.ends.len() + chunk.records * 160;
    let mut worker = Worker {
        job,
        table,
        verbatim: table.verbatim && job.format == Some(Format::Csv) && !job.excel,
        done: ComputedChunk {
            rows: RowBuf::reusing(
                job.buffers.take().unwrap_or_default(),
                job.format,
                job.excel,
                room,
            )
            .in_unit(job.unit),
            messages: Vec::new(),
            good: 0,
            bad: 0,
            summary: job.summary.clone(),
            changed: None,
            doubt: false,
        },
        breakdown: Breakdown::default(),
        segment: Segment::new(
            0,
            rust_decimal::Decimal::ZERO,
            rust_decimal::Decimal::ZERO,
            crate::engine::Cost::Total(rust_decimal::Decimal::ZERO),
        ),
        errors: Vec::new(),
        notes: String::new(),
        rendered: NoteTexts::default(),
        cuts,
        fused: None,
    };
    // Rows of CSV in yuan.
    let plain_rows = chunk.size.fused && worker.done.rows.writes_fen();
    worker.fused = Fused::new(job.rules, &table.columns, plain_rows);
    chunk.each(|entry| match entry {
        Entry::Record(record, duplicate) => worker.record(record, duplicate),
        Entry::Skipped(e) => worker.skipped(e),
    });
    (worker.done, worker.cuts)
}

/// One chunk's computation under way.
struct Worker<'a, C> {
    job: &'a Job<'a>,
    table: &'a TableCtx,
    /// Plain lines are copied as written (see [`TableCtx::verbatim`]).
    verbatim: bool,
    done: ComputedChunk,
    breakdown: Breakdown,
    /// The segment each row is read into.
    segment: Segment,
    errors: Vec<RowError>,
    notes: String,
    rendered: NoteTexts,
    cuts: C,
    /// The fused path, when the run and the table allow it.
    fused: Option<Fused<'a>>,
}

/// The text of notes that hold no amount (a width against a tier, a class a fund does not
/// cover), rendered once per chunk: a few widths and classes make most of a table's notes.
/// So is the part of a budget's cut note after the row's own amounts, the same for every row
/// under one envelope (on a prorating run, most rows of a class).
///
/// A row's whole notes cell is kept too when each of its notes is one without amounts (most
/// rows of a table have one or two of those, or none): the row then costs one look-up, and its
/// cell is known to need no CSV quotes or to need them, without reading it again.
#[derive(Default)]
pub(super) struct NoteTexts {
    texts: foldhash::HashMap<NoteKey, String>,
    cells: foldhash::HashMap<CellKey, Cell>,
}

/// The notes of a row, each without amounts, up to [`CELL_NOTES`] of them, each in the four
/// words of [`cell_words`] (all zero after the last): hashed in one pass over its bytes.
#[derive(PartialEq, Eq, Hash)]
struct CellKey([u64; 4 * CELL_NOTES]);

/// Notes in a row whose cell is kept at most (two funds' widths and a third in the rules
/// of some counties).
const CELL_NOTES: usize = 3;

/// A notes cell kept: its text, and whether it holds none of the bytes CSV quotes.
struct Cell {
    text: String,
    csv_plain: bool,
}

/// A note without amounts, by the exact form of its values (4.0 and 4.00 read differently).
#[derive(PartialEq, Eq, Hash)]
enum NoteKey {
    Width(FundId, [u8; 16], [u8; 16], Option<[u8; 16]>),
    NoTier(FundId, ClassId),
    /// A cut note's part after its amounts: the budget, whether per village, whether paid
    /// in order, and the exact envelope and sum asked.
    CutTail(usize, bool, bool, [u8; 16], [u8; 16]),
}

/// Notes kept at most: enough for every width and class of a real table.
const NOTE_TEXTS: usize = 256;

impl NoteTexts {
    /// The notes cell of a row whose notes are `notes`, as [`encode::notes`] joins the texts
    /// [`NoteTexts::write`] writes, and whether it holds none of the bytes CSV quotes (`false`
    /// when that was not looked at): the cell kept, or else one written into `scratch`.
    pub(super) fn cell<'s>(
        &'s mut self,
        notes: &[Note],
        scratch: &'s mut String,
        rules: &RuleSet,
        lang: Lang,
    ) -> (&'s str, bool) {
        if notes.is_empty() {
            scratch.clear();
            return (scratch, true);
        }
        let key = (notes.len() <= CELL_NOTES)
            .then(|| {
                let mut words = [0; 4 * CELL_NOTES];
                for (slot, note) in words.chunks_exact_mut(4).zip(notes) {
                    slot.copy_from_slice(&cell_words(note)?);
                }
                Some(CellKey(words))
            })
            .flatten();
        let Some(key) = key else {
            encode::notes(scratch, notes, lang, |n, out| {
                self.write(n, out, rules, lang)
            });
            return (scratch, false);
        };
        let NoteTexts { texts, cells } = self;
        if cells.len() >= NOTE_TEXTS {
            if let Some(cell) = cells.get(&key) {
                return (&cell.text, cell.csv_plain);
            }
            encode::notes(scratch, notes, lang, |n, out| {
                write_kept(texts, n, out, rules, lang)
            });
            return (scratch, false);
        }
        let cell = cells.entry(key).or_insert_with(|| {
            let mut text = String::new();
            encode::notes(&mut text, notes, lang, |n, out| {
                write_kept(texts, n, out, rules, lang)
            });
            let csv_plain = encode::csv_plain(&text);
            Cell { text, csv_plain }
        });
        (&cell.text, cell.csv_plain)
    }

    /// Appends the text of `note` to `out`.
    pub(super) fn write(&mut self, note: &Note, out: &mut String, rules: &RuleSet, lang: Lang) {
        write_kept(&mut self.texts, note, out, rules, lang);
    }

    /// Appends the notes cell of a row whose notes are `notes` to `out` (a row's bytes), as
    /// [`NoteTexts::cell`] makes its text: for a row whose notes hold amounts, written in
    /// place rather than made apart and copied.
    pub(super) fn write_cell(
        &mut self,
        notes: &[Note],
        out: &mut Vec<u8>,
        rules: &RuleSet,
        lang: Lang,
    ) {
        let texts = &mut self.texts;
        encode::join_notes(out, notes, lang, |n, out| {
            write_kept(texts, n, out, rules, lang)
        });
    }
}

/// [`NoteTexts::write`], with the texts kept in `texts`.
fn write_kept<S: NoteSink>(
    texts: &mut foldhash::HashMap<NoteKey, String>,
    note: &Note,
    out: &mut S,
    rules: &RuleSet,
    lang: Lang,
) {
    let key = match *note {
        Note::CutByBudget { cut, from, to, .. } => {
            crate::engine::write_cut_head(out, &cut, from, to, rules, lang);
            let key = NoteKey::CutTail(
                cut.budget,
                cut.per_village,
                cut.how == OnOverrun::InOrder,
                cut.envelope.serialize(),
                cut.asked.serialize(),
            );
            return cached(texts, key, out, |out| {
                crate::engine::write_cut_tail(out, &cut, rules, lang)
            });
        }
        _ => match amountless_key(note) {
            Some(key) => key,
            None => return note.write_to(out, rules, lang),
        },
    };
    cached(texts, key, out, |out| note.write_to(out, rules, lang));
}

/// Appends the text kept in `texts` for `key`, or writes it with `write` (and keeps it, while
/// there is room).
fn cached<S: NoteSink>(
    texts: &mut foldhash::HashMap<NoteKey, String>,
    key: NoteKey,
    out: &mut S,
    write: impl FnOnce(&mut dyn NoteSink),
) {
    if let Some(text) = texts.get(&key) {
        out.push_str(text);
        return;
    }
    if texts.len() >= NOTE_TEXTS {
        write(out);
        return;
    }
    let mut text = String::new();
    write(&mut text);
    out.push_str(&text);
    texts.insert(key, text);
}

/// A note that holds no amount in four words, one to one (its kind, fund and class, then its
/// widths in their exact form), for a row's [`CellKey`]; `None` for any other note, or for a
/// width too long to pack (never one a table gives).
fn cell_words(note: &Note) -> Option<[u64; 4]> {
    // A `Decimal`'s sign and scale, and a mantissa below 2^48.
    let packed = |d: rust_decimal::Decimal| {
        let [f0, f1, f2, f3, l0, l1, l2, l3, m0, m1, m2, m3, h0, h1, h2, h3] = d.serialize();
        let (flags, lo, mid, hi) = (
            u32::from_le_bytes([f0, f1, f2, f3]),
            u32::from_le_bytes([l0, l1, l2, l3]),
            u32::from_le_bytes([m0, m1, m2, m3]),
            u32::from_le_bytes([h0, h1, h2, h3]),
        );
        (hi == 0 && mid < 1 << 16)
            .then(|| u64::from(flags >> 16) << 48 | u64::from(mid) << 32 | u64::from(lo))
    };
    let small = |n: usize| u64::try_from(n).ok().filter(|&n| n < 1 << 24);
    Some(match *note {
        Note::BelowMinimum { fund, width, min } => {
            [1 | small(fund)? << 8, packed(width)?, packed(min)?, 0]
        }
        Note::BetweenTiers {
            fund,
            width,
            min,
            next,
        } => [
            2 | small(fund)? << 8,
            packed(width)?,
            packed(min)?,
            packed(next)?,
        ],
        Note::NoTier { fund, class } => [3 | small(fund)? << 8 | small(class)? << 32, 0, 0, 0],
        _ => return None,
    })
}

/// The key of a note that holds no amount (a width against a tier, a class a fund does not
/// cover); `None` for every other note.
fn amountless_key(note: &Note) -> Option<NoteKey> {
    Some(match *note {
        Note::BelowMinimum { fund, width, min } => {
            NoteKey::Width(fund, width.serialize(), min.serialize(), None)
        }
        Note::BetweenTiers {
            fund,
            width,
            min,
            next,
        } => NoteKey::Width(
            fund,
            width.serialize(),
            min.serialize(),
            Some(next.serialize()),
        ),
        Note::NoTier { fund, class } => NoteKey::NoTier(fund, class),
        Note::CutByBudget { .. }
        | Note::CutByCost { .. }
        | Note::SourcesExceed { .. }
        | Note::OverDisbursed { .. }
        | Note::Approved { .. }
        | Note::ImplausibleCost { .. } => return None,
    })
}

impl<C: Cuts> Worker<'_, C> {
    /// A record the reader could not keep.
    fn skipped(&mut self, error: &RowError) {
        let (job, file) = (self.job, self.table.label.as_str());
        self.done
            .messages
            .push(error.render(file, job.rules, job.lang));
        self.done.bad += 1;
    }

    /// Computes one record and writes its row, or its problems.
    fn record(&mut self, record: &Record, duplicate_id: bool) {
        let (job, table) = (self.job, self.table);
        let (rules, lang) = (job.rules, job.lang);
        let columns = &table.columns;
        let line = record.line;
        if let Some(fused) = &mut self.fused {
            if let Some(row) = fused.take(record, duplicate_id) {
                // Budgets that bind cut the row before it counts anywhere (SPEC §8).
                self.cuts.fused_row(&row.text, &mut fused.cut_row(&row));
                let out = Out {
                    copied: (self.verbatim, &table.map),
                    rows: &mut self.done.rows,
                    summary: &mut self.done.summary,
                    rendered: &mut self.rendered,
                    scratch: &mut self.notes,
                    layout: &table.layout,
                    lang,
                };
                if let Fate::Good = fused.finish(record, &row, out) {
                    self.done.good += 1;
                } else {
                    let error = RowError::row(line, Problem::Overflow);
                    let file = table.label.as_str();
                    self.done.messages.push(error.render(file, rules, lang));
                    self.done.bad += 1;
                }
                return;
            }
        }
        let errors = &mut self.errors;
        let done = &mut self.done;
        let breakdown = &mut self.breakdown;
        // Read into the worker's own segment: a segment moved costs a copy of it.
        let segment = &mut self.segment;
        let verdict = row::evaluate_into(
            record,
            columns,
            rules,
            duplicate_id,
            errors,
            breakdown,
            segment,
        );
        let segment = &*segment;
        let computed = match &verdict {
            // A report's totals row, fed back in, is neither good nor bad: it is left out.
            Verdict::Totals => return,
            Verdict::Good(text) => {
                // Budgets that bind cut the row before it counts anywhere (SPEC §8).
                self.cuts.row(segment, text, breakdown);
                if done.summary.add(rules, segment, text, breakdown).is_ok() {
                    Some(segment)
                } else {
                    errors.push(RowError::row(line, Problem::Overflow));
                    None
                }
            }
            Verdict::Bad => None,
        };
        let Some(seg) = computed else {
            let file = table.label.as_str();
            done.doubt |= errors.iter().any(|e| e.problem.puts_units_in_doubt());
            done.messages
                .extend(errors.iter().map(|e| e.render(file, rules, lang)));
            done.bad += 1;
            return;
        };
        done.good += 1;
        let rows = &mut done.rows;
        if matches!(job.format, Some(Format::Json | Format::Jsonl)) {
            rows.json(&segment_json(
                rules,
                lang,
                &table.label,
                columns,
                record,
                seg,
                breakdown,
            ));
            return;
        }
        copy_columns(rows, record, self.verbatim, &table.map);
        let (notes, csv_plain) = self
            .rendered
            .cell(&breakdown.notes, &mut self.notes, rules, lang);
        encode::computed_cell(rows, breakdown, &table.layout, notes, csv_plain);
    }
}

/// Writes the columns a row copies from `record` (`map`: the record's field for each): its
/// line as it is when `verbatim` and it is a plain line, else field by field.
#[inline(always)]
pub(super) fn copy_columns(rows: &mut RowBuf, record: &Record, verbatim: bool, map: &[usize]) {
    if verbatim && record.is_plain() {
        rows.verbatim(record.text());
    } else {
        for &j in map {
            rows.field(record.get(j).unwrap_or(""));
        }
    }
}
