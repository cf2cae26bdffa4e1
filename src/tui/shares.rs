//! The shares a large table's first rows get in the whole table, found before it is read
//! whole. Under a budget that shares an envelope out (SPEC §8), what a row is paid depends on
//! what every row under the same envelope asks, so first rows computed alone would show the
//! wrong amounts. Instead the file is read once the way a batch run's counting passes read
//! it ([`Plan`]: what every envelope is asked, then who is cut), and the first rows are cut as
//! a batch run's last pass cuts them ([`ChunkCuts`]). The table read whole shares its
//! envelopes out with the same arithmetic over the same rows, so the first rows show what it
//! will show.
//!
//! Only what the table read whole is sure to agree with is given: a record the reader would
//! skip, a repeated id (which makes a row bad by its place in the file), a file that changed
//! between passes, an allocation that cannot be made: any of them, and there are no shares
//! (the table is then read whole before it is shown).
//!
//! The counting reads only what it needs of a record (`Asking`): a million rows take a
//! fraction of the time reading them into the table takes, on every core.

use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use encoding_rs::GB18030;

use crate::engine::{Breakdown, Note};
use crate::report::allocate::streamed::{ChunkCuts, Plan, Tally};
use crate::report::allocate::{Envelope, EnvelopeUse};
use crate::rules::RuleSet;
use crate::table::sheet::{Sheet, SheetRow};
use crate::table::{
    open_with, plain_records, Columns, Encoding, Field, HeaderOptions, Item, LineText, Record, Run,
};

/// Plain lines are taken from the reader at most this many bytes at a time.
const RUN_BYTES: usize = 256 << 10;

/// A chunk after the first is handed on at this size (about 16,000 rows of a usual table).
const CHUNK_BYTES: usize = 1 << 20;

/// What the allocating budgets pay the first rows of a table, as the table read whole pays
/// them.
#[derive(Debug, Clone, Default)]
pub struct Shares {
    /// Per first row: each allocating budget (its place in the rules) that pays it less than
    /// it asked, and what it pays, fen.
    pub cuts: Vec<Vec<(usize, i64)>>,
    /// Per budget in rules order: the envelopes that cut these rows, with what the whole
    /// table asked of each (a row's explanation says it).
    pub uses: Vec<BTreeMap<Envelope, EnvelopeUse>>,
}

/// Records of the file, as read: runs of plain lines (decoded) or records of their own.
enum Piece {
    /// Plain lines, the first on line `line`.
    Lines { line: u64, text: String },
    /// A record that is not a plain line, as its fields.
    Row(SheetRow),
}

/// A run of records counted together, as a batch run cuts its input into chunks.
#[derive(Default)]
struct Chunk {
    pieces: Vec<Piece>,
    first_line: Option<u64>,
    bytes: usize,
    records: usize,
}

impl Chunk {
    fn push(&mut self, line: u64, piece: Piece, bytes: usize, records: usize) {
        self.first_line.get_or_insert(line);
        self.pieces.push(piece);
        self.bytes += bytes;
        self.records += records;
    }

    /// Calls `each` with every record in order (`None` for a line the reader would skip:
    /// too many fields); `ends` is scratch space.
    fn each(&self, delimiter: u8, mut each: impl FnMut(Option<&Record<'_>>)) {
        let mut ends = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Lines { line, text } => {
                    plain_records(text, *line, delimiter, &mut ends, |r| each(r.ok().as_ref()))
                }
                Piece::Row(row) => each(Some(&row.record(&mut ends))),
            }
        }
    }
}

/// The file read into chunks: its columns, its delimiter and its chunks, the first holding
/// at least `head` records (or all there are). `None` when a record would be skipped or the
/// file cannot be read.
fn read(
    path: &Path,
    encoding: Option<Encoding>,
    header: &HeaderOptions,
    head: usize,
) -> Option<(Columns, u8, Vec<Chunk>)> {
    let file = std::fs::File::open(path).ok()?;
    let (columns, mut rows) = open_with(file, encoding, header).ok()?;
    let mut chunks = Vec::new();
    let mut chunk = Chunk::default();
    let mut ends = Vec::new();
    // Known once the header is read.
    let delimiter = rows.style().delimiter;
    while let Some(run) = rows.next_run(RUN_BYTES).ok()? {
        match run {
            Run::Lines(lines) => {
                let text = match lines.text {
                    LineText::Utf8(text) => text.to_string(),
                    LineText::Gb18030(bytes) => {
                        GB18030.decode_without_bom_handling(bytes).0.into_owned()
                    }
                };
                // Counted only while the first chunk fills (later ones go by size).
                let mut records = 0;
                if chunks.is_empty() {
                    plain_records(&text, lines.line, delimiter, &mut ends, |_| records += 1);
                }
                let bytes = text.len();
                let piece = Piece::Lines {
                    line: lines.line,
                    text,
                };
                chunk.push(lines.line, piece, bytes, records);
            }
            Run::Item(Item::Record(r)) => {
                let row = SheetRow::new((0..r.len()).filter_map(|i| r.get(i)), r.line);
                chunk.push(r.line, Piece::Row(row), r.text().len(), 1);
            }
            Run::Item(Item::Skipped(_)) => return None,
        }
        let full = match chunks.is_empty() {
            true => chunk.records >= head,
            false => chunk.bytes >= CHUNK_BYTES,
        };
        if full {
            chunks.push(std::mem::take(&mut chunk));
        }
    }
    if !chunk.pieces.is_empty() {
        chunks.push(chunk);
    }
    Some((columns, delimiter, chunks))
}

/// What the chunks share while they are counted.
struct Counting<'a> {
    plan: &'a Plan,
    rules: &'a RuleSet,
    columns: &'a Columns,
    delimiter: u8,
    label: &'a str,
}

impl Counting<'_> {
    /// What the rows of chunk `seq` ask of the budgets counting pass `pass` decides (after
    /// the cuts of those decided before); with `ids`, the fingerprint of each id met, in
    /// order, and whether its row asks anything.
    fn count(
        &self,
        pass: usize,
        seq: usize,
        chunk: &Chunk,
        mut ids: Option<&mut Vec<(u64, bool)>>,
    ) -> Option<Tally> {
        let first_line = chunk.first_line.unwrap_or(0);
        let mut cuts = ChunkCuts::new(
            self.plan, self.rules, pass, seq as u64, self.label, first_line,
        );
        let asking = self.plan.asking();
        let (mut errors, mut breakdown) = (Vec::new(), Breakdown::default());
        let id_col = self.columns.index(Field::Id);
        let hasher = foldhash::fast::FixedState::with_seed(0x5EED);
        let mut skipped = false;
        chunk.each(self.delimiter, |record| {
            let Some(record) = record else {
                skipped = true;
                return;
            };
            let good = asking.good(
                record,
                self.columns,
                self.rules,
                false,
                &mut errors,
                &mut breakdown,
            );
            if let (Some(ids), Some(col)) = (ids.as_deref_mut(), id_col) {
                // As the table view reads an id (`Results::new`).
                let id = record.get(col).unwrap_or("").trim();
                if !id.is_empty() {
                    ids.push((hasher.hash_one(id), good.is_some()));
                }
            }
            if let Some((segment, text)) = good {
                cuts.row(&segment, &text, &mut breakdown);
            }
        });
        if skipped {
            return None;
        }
        cuts.finish().ok()
    }
}

/// What the table read whole makes `rules`' allocating budgets pay the rows of `head` (the
/// first rows of the CSV table at `path`, read under `encoding` and `header`), found by
/// reading the file once per counting pass; `None` when it cannot be known for sure (see
/// the module's comment) or no budget allocates.
pub fn of_head(
    path: &Path,
    encoding: Option<Encoding>,
    header: &HeaderOptions,
    rules: &RuleSet,
    head: &Sheet,
) -> Option<Shares> {
    let mut plan = Plan::new(rules)?;
    let (columns, delimiter, chunks) = read(path, encoding, header, head.rows.len())?;
    if columns.names != head.columns.names {
        return None;
    }
    let label = path.display().to_string();
    for pass in 0..plan.counting_passes() {
        let counting = Counting {
            plan: &plan,
            rules,
            columns: &columns,
            delimiter,
            label: &label,
        };
        let first = pass == 0;
        let tallies = on_every_core(chunks.len(), |seq| {
            let mut ids = Vec::new();
            let tally = counting.count(pass, seq, &chunks[seq], first.then_some(&mut ids));
            (tally, ids)
        });
        if first && repeats_ask(tallies.iter().flat_map(|(_, ids)| ids)) {
            return None;
        }
        for (seq, (tally, _)) in tallies.into_iter().enumerate() {
            plan.add(pass, seq as u64, tally?).ok()?;
        }
        plan.decide(pass).ok()?;
    }
    cut_head(
        &plan,
        rules,
        &columns,
        delimiter,
        &label,
        chunks.first(),
        head,
    )
}

/// Whether a row whose id was met on an earlier row (by fingerprint, so two ids of one
/// fingerprint too, as unlikely as one in many million tables) would ask something were it
/// not a repeat: `ids` in file order, each with whether its row asks. Such a row is bad in the
/// table read whole, and the counting took it in. A repeat that asks nothing changes no share
/// (subtotal rows, 小计, often repeat theirs); the rows shown mark their own repeats, as the
/// table read whole does.
fn repeats_ask<'a>(ids: impl Iterator<Item = &'a (u64, bool)>) -> bool {
    // Each id with its place in the file (doubled) and whether it asks, in the lowest bit.
    let mut all: Vec<(u64, u64)> = ids
        .enumerate()
        .map(|(at, &(id, asks))| (id, (at as u64) << 1 | u64::from(asks)))
        .collect();
    all.sort_unstable();
    all.windows(2).any(|w| w[0].0 == w[1].0 && w[1].1 & 1 == 1)
}

/// The first chunk's rows cut as a batch run's last pass cuts them, and what the budgets
/// pay the first of them, which must be `head`'s rows.
fn cut_head(
    plan: &Plan,
    rules: &RuleSet,
    columns: &Columns,
    delimiter: u8,
    label: &str,
    chunk: Option<&Chunk>,
    head: &Sheet,
) -> Option<Shares> {
    let mut shares = Shares {
        cuts: vec![Vec::new(); head.rows.len()],
        uses: vec![BTreeMap::new(); rules.budgets.len()],
    };
    let Some(chunk) = chunk else {
        return head.rows.is_empty().then_some(shares);
    };
    if chunk.records < head.rows.len() {
        return None;
    }
    let first_line = chunk.first_line.unwrap_or(0);
    let last = plan.counting_passes();
    let mut cuts = ChunkCuts::new(plan, rules, last, 0, label, first_line);
    let asking = plan.asking();
    let (mut errors, mut breakdown) = (Vec::new(), Breakdown::default());
    let fen = |yuan| rules.meta.rounding.fen(yuan);
    let (mut at, mut same) = (0, true);
    chunk.each(delimiter, |record| {
        let Some(record) = record else {
            same = false;
            return;
        };
        // The rows shown must be the rows counted: the file may have changed since.
        let shown = head.rows.get(at);
        if let Some(row) = shown {
            same &= row.line == record.line
                && row.len() == record.len()
                && (0..row.len()).all(|i| record.get(i) == Some(row.get(i)));
        }
        at += 1;
        let Some((segment, text)) =
            asking.good(record, columns, rules, false, &mut errors, &mut breakdown)
        else {
            return;
        };
        cuts.row(&segment, &text, &mut breakdown);
        if shown.is_none() {
            return;
        }
        for note in &breakdown.notes {
            let Note::CutByBudget { cut, to, .. } = note else {
                continue;
            };
            let Ok(to) = i64::try_from(fen(*to)) else {
                same = false;
                continue;
            };
            shares.cuts[at - 1].push((cut.budget, to));
            let budget = &rules.budgets[cut.budget];
            if let Some(envelope) = Envelope::of(budget, segment.class, text.township, text.village)
            {
                let (asked, held) = (fen(cut.asked), fen(cut.envelope));
                shares.uses[cut.budget]
                    .entry(envelope)
                    .or_insert(EnvelopeUse {
                        asked,
                        envelope: held,
                        paid: asked.min(held),
                        cut_rows: Vec::new(),
                    });
            }
        }
    });
    (same && cuts.finish().is_ok()).then_some(shares)
}

/// `work(i)` for every `i` in `0..n`, on every core, the results in order of `i`.
fn on_every_core<T: Send>(n: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(n.max(1));
    let next = AtomicUsize::new(0);
    let mut all: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            return mine;
                        }
                        mine.push((i, work(i)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, t)| t).collect()
}
