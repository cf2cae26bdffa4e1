//! `roadsub batch`: stream segment tables through the engine and write every row's breakdown.
//!
//! Two stages: the calling thread reads and cuts the input into chunks (runs of plain lines,
//! unsplit, and records the CSV state machine had to read) and checks ids, which needs the
//! whole run; workers split and compute chunks in parallel, and the worker that finishes the
//! chunk next in input order prints its messages and writes its rows (with any later ones
//! already done: `deliver`). The channel is bounded and buffers go round again, so memory does
//! not grow with the number of rows (ids aside, at 8 bytes each, and a summary's groups).
//! Whether the output is kept is decided at the end (SPEC §5).
//!
//! When a budget binds (SPEC §8), the same stages run more than once over the same input, cut
//! into the same chunks: counting passes add up what each envelope is asked
//! (`report::allocate::streamed`), then the pass that writes cuts every row before it is summed and written.

#[cfg(test)]
mod alloc_props;
#[cfg(test)]
mod alloc_tests;
pub(crate) mod deliver;
pub(crate) mod fused;
#[cfg(test)]
mod fused_props;
mod ids;
pub(crate) use ids::written_zeros;
#[cfg(test)]
mod note_props;
mod output;
pub(crate) use output::{hold, start_writeback, WRITEBACK_BYTES};
mod pool;
mod read;
pub(crate) mod spool;
mod work;
mod write;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub use crate::report::layout::column_taken;
pub use crate::report::{Format, TextFormat, Unit};
pub use crate::report::{GroupBy, Summary};
pub use crate::table::replace::is_same_file;
pub use output::{Target, TextStyle, TERMINAL_ROWS};
pub(crate) use read::columns_differ;

use crate::i18n::Lang;
use crate::report::allocate::streamed as alloc;
use crate::report::allocate::AllocError;
use crate::rules::RuleSet;
use alloc::{Changed, Plan, Tally};
use deliver::{Consume, Crew, Delivery};
use pool::Pool;
use read::{Channels, Ids, Reading, ToWriter};
use work::{Chunk, Job};

/// One input table.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name used in messages (the path as given, or `<stdin>`).
    pub label: String,
    /// The file, or `None` for standard input.
    pub path: Option<PathBuf>,
    /// The encoding of a CSV input, or `None` to recognise it.
    pub encoding: Option<crate::table::Encoding>,
}

/// Where the results go.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A CSV file, written atomically.
    File(PathBuf),
    /// Standard output: CSV, or an aligned table when it is a terminal this many cells wide.
    Stdout { terminal: Option<usize> },
    /// An Excel report (segments, summary, rules), written atomically; the text style is
    /// not used.
    Workbook(PathBuf),
}

/// What to do.
pub struct Options<'a> {
    /// The rules in force.
    pub rules: &'a RuleSet,
    /// Tables to read, in order; their rows form one output.
    pub inputs: Vec<Input>,
    /// Where the results go.
    pub destination: Destination,
    /// Write the good rows even when some are bad.
    pub keep_going: bool,
    /// Group the summary by township, village or class ([`Presentation::by`] adds more).
    pub by: Option<GroupBy>,
    /// Language of notes and messages.
    pub lang: Lang,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// Worker threads computing rows (at least 1).
    pub workers: usize,
    /// The form of the output (a terminal gets a table regardless).
    pub style: TextStyle,
    /// The sheet of workbook inputs to read, by name or number (default: the first with a
    /// segment table).
    pub sheet: Option<String>,
}

/// How the results are put for people, beyond what [`Options`] says: more groupings, the
/// headings of the computed columns and the unit of amounts. [`run`] puts them as they always
/// were (ids, yuan, `Options::by` alone); [`run_presented`] takes these.
#[derive(Debug, Clone)]
pub struct Presentation {
    /// Groupings of the summary after `Options::by`'s, in the order asked (each once).
    pub by: Vec<GroupBy>,
    /// The language of the computed columns' headings in CSV, Markdown and a terminal table:
    /// English is their ids, as programs read them. (A workbook heads them in `Options::lang`.)
    pub headings: Lang,
    /// The unit of amounts in CSV, Markdown, a terminal table and the summary text. JSON and
    /// workbooks carry yuan.
    pub amounts: Unit,
    /// Whether the caller reads [`Report::summary`]'s amounts (`--summary`, `--by`). When it
    /// does not, and the output holds no summary (CSV, JSON Lines, a terminal's table), the
    /// summary only counts rows: see [`Summary::counting`].
    pub summary: bool,
}

/// One run: the options and how its results are put. It reads as its [`Options`], so what
/// needs only those takes them as they are.
struct Run<'r, 'a> {
    opts: &'r Options<'a>,
    look: &'r Presentation,
    /// How every input's header is read (`--amount-unit`, `--map`).
    header: &'r crate::table::HeaderOptions,
}

impl<'a> std::ops::Deref for Run<'_, 'a> {
    type Target = Options<'a>;

    fn deref(&self) -> &Options<'a> {
        self.opts
    }
}

/// How [`run`] puts results: ids, yuan, no more groupings.
static PLAIN: Presentation = Presentation {
    by: Vec::new(),
    headings: Lang::En,
    amounts: Unit::Yuan,
    summary: true,
};

/// As [`run`] puts results, its summary summed: a caller that does not read the summary's
/// amounts says so ([`Presentation::summary`]).
impl Default for Presentation {
    fn default() -> Self {
        PLAIN.clone()
    }
}

/// How [`run`] reads headers: as they are written.
static PLAIN_HEADER: crate::table::HeaderOptions = crate::table::HeaderOptions {
    amount_unit: None,
    map: Vec::new(),
    own: Vec::new(),
};

impl<'r, 'a> Run<'r, 'a> {
    /// A run putting its results as [`run`] does.
    fn plain(opts: &'r Options<'a>) -> Run<'r, 'a> {
        Run {
            opts,
            look: &PLAIN,
            header: &PLAIN_HEADER,
        }
    }
}

impl Run<'_, '_> {
    /// The groupings the summary prints (`--by`'s, in the order given).
    fn shown(&self) -> Vec<GroupBy> {
        crate::report::summary::groupings(
            Format::Csv,
            self.by.into_iter().chain(self.look.by.iter().copied()),
        )
    }

    /// The groupings the summary needs: [`Run::shown`], and township and village for a
    /// workbook report's summary sheet.
    fn groupings(&self) -> Vec<GroupBy> {
        crate::report::summary::groupings(self.format(), self.shown())
    }

    /// An empty summary for the run: one that only counts rows when nobody reads its
    /// amounts, neither the caller nor the output (JSON, Markdown and a workbook hold one).
    fn summary(&self) -> Summary {
        let by = self.groupings();
        let summary = Summary::new(self.rules, &by).showing(&self.shown());
        let held = matches!(
            self.format(),
            Format::Json | Format::Markdown | Format::Xlsx
        );
        if self.look.summary || held || !by.is_empty() {
            summary
        } else {
            summary.counting()
        }
    }
}

impl Options<'_> {
    /// The form of the output: the destination's when it is a workbook, else the text style's.
    fn format(&self) -> Format {
        match self.destination {
            Destination::Workbook(_) => Format::Xlsx,
            _ => self.style.format.into(),
        }
    }
}

/// What a run did.
#[derive(Debug)]
pub struct Report {
    /// Rows computed.
    pub good: u64,
    /// Rows refused.
    pub bad: u64,
    /// Inputs that could not be read (or only partly).
    pub failed_inputs: u64,
    /// Whether the output was written.
    pub written: bool,
    /// Rows a terminal table left out.
    pub hidden: u64,
    /// Columns a terminal table left out.
    pub hidden_columns: Vec<String>,
    /// Totals over the good rows (only their counts when nobody reads the amounts:
    /// [`Presentation::summary`], [`Summary::sums`]).
    pub summary: Summary,
    /// Whether the run was asked to keep going past bad rows.
    pub keep_going: bool,
    /// Whether a table broke its encoding (then no output is kept, even with --keep-going).
    pub garbled: bool,
    /// Whether a workbook was found changed or damaged after some of its rows were read, so
    /// that none of them may be used (no output is kept, even with --keep-going).
    pub voided: bool,
    /// Whether a note among the rows states another unit than the rows were read in (then no
    /// output is kept, even with --keep-going: every row may be in the wrong unit).
    pub doubt: bool,
}

impl Report {
    /// Whether a bad row or an input that failed has been met.
    pub fn failing(&self) -> bool {
        self.bad > 0 || self.failed_inputs > 0
    }
}

/// A failure that ends the run.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The output could not be written.
    #[error("{path}: {source}")]
    Output {
        path: String,
        source: io::Error,
        /// Whether a bad row or an input that failed had been met (and said) by then: a
        /// reader that stops early is no error, but those still are.
        failing: bool,
    },
    /// An input that can be read only once (standard input, a pipe) could not be kept in a
    /// temporary file to be read more than once: its name in messages, and why.
    #[error("{0}: {1}")]
    Copy(String, io::Error),
    /// The input changed between the passes of a run with budgets that bind (the message
    /// says how, in the run's language); nothing was written.
    #[error("{0}")]
    Changed(String),
}

/// How big a chunk grows before it is sent on: a test makes it small, so a small table
/// spans many chunks.
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// Records.
    pub chunk_records: usize,
    /// Bytes of text.
    pub chunk_bytes: usize,
    /// Whether plain rows may take the fused path (`fused.rs`); a test turns it off to
    /// compare with the general path.
    pub fused: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            chunk_records: work::CHUNK_RECORDS,
            chunk_bytes: work::CHUNK_BYTES,
            fused: true,
        }
    }
}

/// The bytes one pass reads, when every input's size is known (`copies`: the copies read in
/// place of inputs, by their place among them).
fn input_bytes(opts: &Options, copies: &[Option<PathBuf>]) -> Option<u64> {
    opts.inputs
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let path = read::source(i, copies, n)?;
            path.metadata().ok().map(|m| m.len())
        })
        .sum()
}

/// A bar over the bytes of every pass (`passes` reads of inputs of `bytes` in all).
fn progress_bar(opts: &Options, bytes: Option<u64>, passes: u64) -> Option<ProgressBar> {
    if !opts.progress {
        return None;
    }
    let pb = match bytes {
        Some(s) if s < 4 << 20 => return None,
        Some(s) => {
            let pb = ProgressBar::with_draw_target(
                Some(s.saturating_mul(passes)),
                ProgressDrawTarget::stderr(),
            );
            // Each pass says which it is, so the bytes past the input's size make sense.
            let template = if passes > 1 {
                "{msg} {bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}"
            } else {
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}"
            };
            pb.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            pb
        }
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    Some(pb)
}

/// Runs a batch, printing every problem to `messages` in input order.
pub fn run(opts: &Options, messages: &mut (dyn Write + Send)) -> Result<Report, BatchError> {
    run_tuned(opts, Tuning::default(), messages)
}

/// [`run`], reading every input's header under the user's options (`--amount-unit`,
/// `--map`) and putting the results as `look` says.
pub fn run_presented(
    opts: &Options,
    look: &Presentation,
    header: &crate::table::HeaderOptions,
    messages: &mut (dyn Write + Send),
) -> Result<Report, BatchError> {
    run_all(&Run { opts, look, header }, Tuning::default(), messages)
}

/// [`run`], with chunks of another size.
pub fn run_tuned(
    opts: &Options,
    tuning: Tuning,
    messages: &mut (dyn Write + Send),
) -> Result<Report, BatchError> {
    run_all(&Run::plain(opts), tuning, messages)
}

fn run_all(
    opts: &Run,
    tuning: Tuning,
    messages: &mut (dyn Write + Send),
) -> Result<Report, BatchError> {
    let header = opts.header;
    let reading = |copies, progress_base, ids| Reading {
        header,
        ids,
        copies,
        chunk: Tuning {
            chunk_records: tuning.chunk_records.max(1),
            chunk_bytes: tuning.chunk_bytes.max(1),
            fused: tuning.fused,
        },
        progress_base,
    };
    let Some(mut plan) = Plan::new(opts.rules) else {
        let pb = progress_bar(opts, input_bytes(opts, &[]), 1);
        return write_pass(
            opts,
            reading(&[], 0, Ids::Check(None)),
            None,
            pb.as_ref(),
            messages,
        );
    };
    // Budgets that bind: the input is read once per counting pass, then once more to write.
    // What cannot be read twice (standard input, a pipe) is kept in a temporary file first.
    let copies = spool::Copies::make(&opts.inputs, opts.progress, opts.lang)
        .map_err(|e| BatchError::Copy(e.label, e.source))?;
    let copied = copies.paths();
    let bytes = input_bytes(opts, &copied);
    let passes = plan.counting_passes() + 1;
    let pb = progress_bar(opts, bytes, passes as u64);
    let per_pass = bytes.unwrap_or(0);
    let say_pass = |pass: usize| {
        if let Some(pb) = &pb {
            pb.set_position(per_pass.saturating_mul(pass as u64));
            pb.set_message(match opts.lang {
                Lang::En => format!("pass {} of {passes}", pass + 1),
                Lang::Zh => format!("第 {}/{passes} 遍", pass + 1),
            });
        }
    };
    // The first read checks the ids; the later ones take its verdicts (`read::Ids`).
    let learning = std::sync::Mutex::new(read::IdsLearnt::default());
    let learnt = std::sync::OnceLock::new();
    for pass in 0..plan.counting_passes() {
        say_pass(pass);
        let base = per_pass.saturating_mul(pass as u64);
        let ids = match pass {
            0 => Ids::Check(Some(&learning)),
            _ => learnt.get().map_or(Ids::Check(None), Ids::Known),
        };
        let counted = count_pass(
            opts,
            reading(&copied, base, ids),
            &mut plan,
            pass,
            pb.as_ref(),
        );
        if pass == 0 {
            let found = std::mem::take(
                &mut *learning
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            );
            learnt.get_or_init(|| found);
        }
        if let Err(changed) = counted {
            if let Some(pb) = &pb {
                pb.finish_and_clear();
            }
            return Err(BatchError::Changed(changed.render(opts.lang)));
        }
    }
    say_pass(passes - 1);
    let base = per_pass.saturating_mul(passes as u64 - 1);
    write_pass(
        opts,
        reading(
            &copied,
            base,
            learnt.get().map_or(Ids::Check(None), Ids::Known),
        ),
        Some(&plan),
        pb.as_ref(),
        messages,
    )
}

/// One counting pass: what every chunk asks of the budgets `pass` decides, then the decision.
fn count_pass(
    opts: &Run,
    reading: Reading,
    plan: &mut Plan,
    pass: usize,
    pb: Option<&ProgressBar>,
) -> Result<(), Changed> {
    let buffers = Pool::default();
    let job = job(opts, &buffers, None);
    let counted = {
        let plan = &*plan;
        let work = |seq: u64, chunk: &Chunk| {
            ToWriter::Counted(Box::new(work::count(&job, plan, pass, seq, chunk)))
        };
        pipeline(opts, reading, pb, &work, Tallies::default()).finish()?
    };
    // A chunk more than the first pass saw is caught by its worker; one fewer here.
    if pass > 0 && counted.len() != plan.chunks() {
        return Err(Changed::Alloc {
            label: None,
            error: AllocError::LessThanTotal,
        });
    }
    for (seq, tally) in counted {
        plan.add(pass, seq, tally)?;
    }
    plan.decide(pass)
}

/// What every chunk of a pass shares.
fn job<'a>(opts: &'a Run, buffers: &'a Pool<Vec<u8>>, plan: Option<&'a Plan>) -> Job<'a> {
    let terminal = matches!(opts.destination, Destination::Stdout { terminal: Some(_) });
    Job {
        buffers,
        rules: opts.rules,
        lang: opts.lang,
        summary: opts.summary(),
        // A workbook's rows are built as typed cells; a terminal's as display text.
        format: (!terminal).then_some(opts.format()),
        excel: opts.style.excel && opts.format() == Format::Csv,
        unit: opts.look.amounts,
        plan,
    }
}

/// The pass that computes every row (cut by `plan`'s budgets, when some allocate) and
/// writes it.
fn write_pass(
    opts: &Run,
    reading: Reading,
    plan: Option<&Plan>,
    pb: Option<&ProgressBar>,
    messages: &mut (dyn Write + Send),
) -> Result<Report, BatchError> {
    let buffers = Pool::default();
    let job = job(opts, &buffers, plan);
    let work =
        |seq: u64, chunk: &Chunk| ToWriter::Computed(Box::new(work::compute(&job, seq, chunk)));
    let writer = write::InOrder::new(opts, pb, &buffers, plan, messages);
    pipeline(opts, reading, pb, &work, writer).finish()
}

/// What a counting pass learnt of each chunk, by its place in the run, or what stopped it.
#[derive(Default)]
struct Tallies {
    counted: Vec<(u64, Tally)>,
    changed: Option<Changed>,
}

impl Tallies {
    fn finish(self) -> Result<Vec<(u64, Tally)>, Changed> {
        match self.changed {
            Some(changed) => Err(changed),
            None => Ok(self.counted),
        }
    }
}

impl Consume<ToWriter> for Tallies {
    fn take(&mut self, seq: u64, piece: ToWriter) -> bool {
        if let ToWriter::Counted(tally) = piece {
            match *tally {
                Ok(tally) => self.counted.push((seq, tally)),
                Err(changed) => {
                    self.changed = Some(changed);
                    return false;
                }
            }
        }
        true
    }
}

impl Consume<ToWriter> for write::InOrder<'_> {
    fn take(&mut self, _: u64, piece: ToWriter) -> bool {
        write::InOrder::take(self, piece)
    }
}

/// One pass over the inputs: the calling thread reads and cuts chunks, workers turn each into
/// a piece with `work`, and each piece is handed to `consumer` in input order by the thread
/// that finds it next ([`Delivery`]). Returns the consumer once every thread has stopped.
///
/// With two workers or more there is one fewer, and the reading thread computes a chunk
/// itself whenever the workers have two each waiting, so that as many threads are busy as
/// there are cores; with one, it only reads (computing there too would gain nothing on one
/// core and hold more chunks at once). With a worker a core, the reading thread shared a
/// core with one of them: each chunk a worker took woke it there, and while it waited for its
/// turn on that core the other worker could run out of chunks and leave its core idle
/// (`perf sched`: a core idle 7–20% of a run, about 1,300 thread switches a million rows;
/// 200–430 now).
fn pipeline<C: Consume<ToWriter>>(
    opts: &Options,
    reading: Reading,
    pb: Option<&ProgressBar>,
    work: &(dyn Fn(u64, &Chunk) -> ToWriter + Sync),
    consumer: C,
) -> C {
    let chunks = Pool::default();
    let workers = opts.workers.max(1);
    let crew = Crew::of(workers);
    let (work_tx, work_rx) = sync_channel::<(u64, Chunk)>(crew.room);
    // Shared by the workers and dropped with the last of them, so a reader still sending
    // chunks when they have stopped is told, and stops too.
    let work_rx = Arc::new(Mutex::new(work_rx));
    // Two chunks a worker past the last piece handed on, and two more: however slow the
    // output, or a worker kept off the processor, at most these are made and not yet handed
    // on (`Delivery::wait_turn`).
    let window = 2 * workers as u64 + 2;
    let delivery = Delivery::new(consumer);
    std::thread::scope(|scope| {
        for _ in 0..crew.helpers {
            let (work_rx, chunks, delivery) = (work_rx.clone(), &chunks, &delivery);
            scope.spawn(move || {
                let _stop = delivery.stop_on_panic();
                worker(&work_rx, chunks, delivery, window, work)
            });
        }
        drop(work_rx);
        let give = |seq: u64, piece: ToWriter| delivery.give(seq, piece);
        // A chunk goes to the workers while fewer than two each wait; else it is computed
        // here, in its turn, as a worker computes it (with one worker, it waits for room).
        let hand = |seq: u64, chunk: Chunk| {
            crew.hand(&work_tx, (seq, chunk), |(seq, chunk)| {
                if !delivery.wait_turn(seq, window) {
                    return false;
                }
                let done = work(seq, &chunk);
                chunks.give(chunk);
                delivery.give(seq, done)
            })
        };
        let feeds = Channels {
            work: &hand,
            give: &give,
            progress: pb,
            chunks: &chunks,
        };
        read::read_all(
            &opts.inputs,
            opts.sheet.as_deref(),
            opts.rules,
            opts.lang,
            reading,
            feeds,
        );
        // The workers stop once the chunks run out.
        drop(work_tx);
    });
    delivery.into_inner()
}

/// One worker of [`pipeline`]: takes chunks in order, each computed in its turn and given
/// on, until the chunks run out or the run stops.
fn worker<C: Consume<ToWriter>>(
    work_rx: &Mutex<std::sync::mpsc::Receiver<(u64, Chunk)>>,
    chunks: &Pool<Chunk>,
    delivery: &Delivery<ToWriter, C>,
    window: u64,
    work: &(dyn Fn(u64, &Chunk) -> ToWriter + Sync),
) {
    loop {
        if delivery.stopped() {
            return;
        }
        let next = work_rx.lock().map(|rx| rx.recv());
        let Ok(Ok((seq, chunk))) = next else {
            return;
        };
        // No further than the window past the chunk written last: a slow output (a pipe
        // read slowly) holds the workers back, as a full channel to a writing thread did,
        // and they the reader; so does a worker kept off the processor while the other
        // goes on. Chunks are taken in order and the next one to write never waits for its
        // turn, so no wait is for ever.
        if !delivery.wait_turn(seq, window) {
            return;
        }
        let done = work(seq, &chunk);
        chunks.give(chunk);
        if !delivery.give(seq, done) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::within_a_minute;
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Keeps the text of each piece handed on, in the order it came (`Failed` pieces: what
    /// a test's work makes).
    #[derive(Default)]
    struct Kept(Vec<String>);

    impl Consume<ToWriter> for Kept {
        fn take(&mut self, _: u64, piece: ToWriter) -> bool {
            self.0.push(match piece {
                ToWriter::Failed(text) => text,
                _ => String::from("-"),
            });
            true
        }
    }

    /// Takes the computed chunks slowly, as rows written to a pipe read slowly are, noting
    /// the most chunks made and not yet taken at once.
    struct Slow<'a> {
        made: &'a AtomicUsize,
        taken: usize,
        most: usize,
        seen: Vec<u64>,
    }

    impl Consume<ToWriter> for Slow<'_> {
        fn take(&mut self, seq: u64, piece: ToWriter) -> bool {
            if let ToWriter::Computed(_) = piece {
                std::thread::sleep(std::time::Duration::from_millis(1));
                let held = self.made.load(Ordering::SeqCst) - self.taken;
                self.most = self.most.max(held);
                self.taken += 1;
            }
            self.seen.push(seq);
            true
        }
    }

    /// A plan of 3,200 short rows in `dir`, and a batch run of it into `dir/out.csv` on two
    /// workers, going on past bad rows.
    fn plan_in<'a>(rules: &'a RuleSet, dir: &Path) -> Options<'a> {
        let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
        for i in 0..3_200 {
            text.push_str(&format!("S{i:05},T,V{},village,4.5,2,1600000\n", i % 9));
        }
        let input = dir.join("plan.csv");
        std::fs::write(&input, &text).unwrap();
        Options {
            rules,
            inputs: vec![Input {
                label: "plan.csv".into(),
                path: Some(input),
                encoding: None,
            }],
            destination: Destination::File(dir.join("out.csv")),
            keep_going: true,
            by: None,
            lang: Lang::En,
            progress: false,
            workers: 2,
            style: TextStyle {
                format: TextFormat::Csv,
                excel: false,
                gbk: false,
            },
            sheet: None,
        }
    }

    /// One pass over `run`'s inputs in chunks of about 15 rows (plain lines go to a chunk up
    /// to its bytes), checking ids as it reads.
    fn in_small_chunks<'a>(run: &'a Run) -> Reading<'a> {
        Reading {
            copies: &[],
            chunk: Tuning {
                chunk_records: 16,
                chunk_bytes: 512,
                fused: true,
            },
            progress_base: 0,
            header: run.header,
            ids: Ids::Check(None),
        }
    }

    /// The defect, found in the round it came in: with the rows written by the worker that
    /// finds them next in order, a slow output (a pipe read slowly) held that worker while the
    /// other went on computing chunk after chunk, each kept until written: 240 MB for a
    /// million rows piped to `(sleep 2; cat)`, where 22 MiB was the rule. The workers now wait
    /// for room, and the reader for them, however slow the output: at most the window's
    /// chunks wait, besides one a worker has just made and the one being written.
    #[test]
    fn a_slow_output_holds_back_the_workers_and_the_reader() {
        within_a_minute(|| {
            let rules = RuleSet::builtin();
            let dir = tempfile::tempdir().unwrap();
            let opts = plan_in(&rules, dir.path());
            let run = Run::plain(&opts);
            let buffers = Pool::default();
            let job = job(&run, &buffers, None);
            let made = AtomicUsize::new(0);
            let work = |seq: u64, chunk: &Chunk| {
                let done = ToWriter::Computed(Box::new(work::compute(&job, seq, chunk)));
                made.fetch_add(1, Ordering::SeqCst);
                done
            };
            let slow = Slow {
                made: &made,
                taken: 0,
                most: 0,
                seen: Vec::new(),
            };
            let slow = pipeline(&run, in_small_chunks(&run), None, &work, slow);
            // The layout first, then every chunk, in order.
            assert!(slow.taken > 150, "{} chunks", slow.taken);
            let pieces = slow.taken as u64 + 1;
            assert_eq!(slow.seen, (0..pieces).collect::<Vec<u64>>());
            let window = 2 * opts.workers + 2;
            assert!(
                slow.most <= window + 1,
                "{} chunks made and not yet written at once",
                slow.most
            );
        });
    }

    /// The reading thread computes a chunk itself whenever the workers have two each waiting,
    /// so that as many threads compute as there are cores: with two, one worker and the
    /// reading thread (with a worker a core besides it, the reading thread shared a core
    /// with one, and the other's core stood idle whenever its chunks ran out while the
    /// reading thread waited for its turn). Every chunk is computed once, and handed on in
    /// order.
    #[test]
    fn the_reading_thread_computes_chunks_when_the_workers_have_enough() {
        within_a_minute(|| {
            let rules = RuleSet::builtin();
            let dir = tempfile::tempdir().unwrap();
            let opts = plan_in(&rules, dir.path());
            let run = Run::plain(&opts);
            let reading = std::thread::current().id();
            let computed = std::sync::Mutex::new(Vec::new());
            // The workers compute nothing until the reading thread has computed a chunk: the
            // chunks pile up for them, however slowly it reads.
            let reader_went = std::sync::atomic::AtomicBool::new(false);
            let work = |seq: u64, _: &Chunk| {
                let here = std::thread::current().id();
                if here == reading {
                    reader_went.store(true, Ordering::SeqCst);
                } else {
                    while !reader_went.load(Ordering::SeqCst) {
                        std::thread::sleep(std::time::Duration::from_millis(1));
                    }
                }
                computed.lock().unwrap().push((seq, here));
                ToWriter::Failed(format!("{seq}"))
            };
            let handed = pipeline(&run, in_small_chunks(&run), None, &work, Kept::default());
            let mut computed = computed.into_inner().unwrap();
            computed.sort_by_key(|&(seq, _)| seq);
            let seqs: Vec<u64> = computed.iter().map(|&(seq, _)| seq).collect();
            // The layout is piece 0; every chunk after it once.
            assert!(seqs.len() > 150, "{} chunks", seqs.len());
            assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
            let by_reader = computed.iter().filter(|&&(_, t)| t == reading).count();
            assert!(by_reader > 0, "the reading thread computed no chunk");
            assert!(by_reader < seqs.len(), "no worker computed a chunk");
            let mut others: Vec<_> = computed
                .iter()
                .map(|&(_, t)| t)
                .filter(|&t| t != reading)
                .collect();
            others.sort_by_key(|t| format!("{t:?}"));
            others.dedup();
            assert_eq!(
                others.len(),
                (opts.workers - 1).max(1),
                "one worker fewer than cores"
            );
            // Handed on in order, wherever computed.
            let expected: Vec<String> = seqs.iter().map(u64::to_string).collect();
            assert_eq!(handed.0[1..], expected[..]);
        });
    }

    /// With one worker (one core) the reading thread only reads, as before: computing there
    /// too gains nothing on one core and holds more chunks at once (review 61: a run under
    /// the prorating budget from standard input peaked at 20 MB where 14.5 was the rule,
    /// under `taskset -c 0`).
    #[test]
    fn with_one_worker_the_reading_thread_only_reads() {
        within_a_minute(|| {
            let rules = RuleSet::builtin();
            let dir = tempfile::tempdir().unwrap();
            let mut opts = plan_in(&rules, dir.path());
            opts.workers = 1;
            let run = Run::plain(&opts);
            let reading = std::thread::current().id();
            let by_reader = AtomicUsize::new(0);
            let work = |seq: u64, _: &Chunk| {
                if std::thread::current().id() == reading {
                    by_reader.fetch_add(1, Ordering::SeqCst);
                }
                std::thread::sleep(std::time::Duration::from_micros(200));
                ToWriter::Failed(format!("{seq}"))
            };
            let handed = pipeline(&run, in_small_chunks(&run), None, &work, Kept::default());
            assert!(handed.0.len() > 150, "{} pieces", handed.0.len());
            assert_eq!(by_reader.load(Ordering::SeqCst), 0);
        });
    }

    /// A panic while the reading thread computes a chunk reaches the caller, and no worker
    /// is left waiting: the workers hold only chunks before it, since the reading thread
    /// reads no further while it computes.
    #[test]
    fn a_panic_while_the_reading_thread_computes_stops_the_run() {
        within_a_minute(|| {
            let rules = RuleSet::builtin();
            let dir = tempfile::tempdir().unwrap();
            let opts = plan_in(&rules, dir.path());
            let run = Run::plain(&opts);
            let reading = std::thread::current().id();
            // The worker waits for the reading thread to compute (and fail): the chunks pile
            // up for it, however slowly it reads.
            let reader_went = std::sync::atomic::AtomicBool::new(false);
            let work = |_: u64, _: &Chunk| {
                let here = std::thread::current().id();
                if here == reading {
                    reader_went.store(true, Ordering::SeqCst);
                    panic!("the reading thread fails");
                }
                while !reader_went.load(Ordering::SeqCst) {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                ToWriter::Failed(String::new())
            };
            let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pipeline(&run, in_small_chunks(&run), None, &work, Kept::default())
            }));
            assert!(ran.is_err(), "the panic is passed on");
        });
    }

    /// A worker that panics holding the chunk next in order would leave the other waiting for
    /// its turn behind it, and the reader behind them, for ever: the run stops instead, and
    /// the panic reaches the caller (without the guard, the test fails after a minute).
    #[test]
    fn a_worker_that_panics_stops_the_run_instead_of_leaving_it_waiting() {
        within_a_minute(|| {
            let rules = RuleSet::builtin();
            let dir = tempfile::tempdir().unwrap();
            let opts = plan_in(&rules, dir.path());
            let run = Run::plain(&opts);
            let work = |seq: u64, _: &Chunk| {
                assert_ne!(seq, 3, "a worker fails");
                ToWriter::Failed(String::new())
            };
            let taken = Tallies::default();
            let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pipeline(&run, in_small_chunks(&run), None, &work, taken)
            }));
            assert!(ran.is_err(), "the panic is passed on");
            assert!(!dir.path().join("out.csv").exists());
        });
    }
}
