//! `roadsub batch`: stream segment tables through the engine and write every row's breakdown.
//!
//! Three stages on their own threads: one reader cuts the input into chunks (runs of plain
//! lines, unsplit, and records the CSV state machine had to read) and checks ids, which needs
//! the whole run; workers split and compute chunks in parallel; and the calling thread puts
//! results back in input order, prints messages and writes rows. Channels are bounded and
//! buffers go round again, so memory does not grow with the number of rows (ids aside, at 8
//! bytes each, and a summary's groups). Whether the output is kept is decided at the end
//! (SPEC §5).

mod ids;
mod output;
mod pool;
mod read;
mod work;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::encode;
pub use crate::report::layout::column_taken;
pub use crate::report::{Format, TextFormat};
pub use crate::report::{GroupBy, Summary};
pub use crate::table::replace::is_same_file;
pub use output::{Target, TextStyle, TERMINAL_ROWS};

use crate::i18n::Lang;
use crate::rules::RuleSet;
use output::Output;
use pool::Pool;
use read::{Channels, ToWriter};
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
    /// Group the summary by township, village or class.
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

impl Options<'_> {
    /// The groupings the summary needs: `--by`'s, and township and village for a workbook
    /// report's summary sheet.
    fn groupings(&self) -> Vec<GroupBy> {
        crate::report::summary::groupings(self.format(), self.by)
    }

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
    /// Totals over the good rows.
    pub summary: Summary,
    /// Whether the run was asked to keep going past bad rows.
    pub keep_going: bool,
    /// Whether a table broke its encoding (then no output is kept, even with --keep-going).
    pub garbled: bool,
}

/// A failure that ends the run.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The output could not be written.
    #[error("{path}: {source}")]
    Output { path: String, source: io::Error },
}

fn progress_bar(opts: &Options) -> Option<ProgressBar> {
    if !opts.progress {
        return None;
    }
    let sizes: Option<Vec<u64>> = opts
        .inputs
        .iter()
        .map(|i| {
            i.path
                .as_ref()
                .and_then(|p| p.metadata().ok())
                .map(|m| m.len())
        })
        .collect();
    let pb = match sizes {
        Some(s) if s.iter().sum::<u64>() < 4 << 20 => return None,
        Some(s) => {
            let pb =
                ProgressBar::with_draw_target(Some(s.iter().sum()), ProgressDrawTarget::stderr());
            pb.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            pb
        }
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    Some(pb)
}

/// Runs a batch, printing every problem to `messages` in input order.
pub fn run(opts: &Options, messages: &mut dyn Write) -> Result<Report, BatchError> {
    let rules = opts.rules;
    let pb = progress_bar(opts);
    let terminal = matches!(opts.destination, Destination::Stdout { terminal: Some(_) });
    // A workbook's rows are built as typed cells; a terminal's as display text.
    let format = (!terminal).then_some(opts.format());
    let (buffers, chunks) = (Pool::default(), Pool::default());
    let job = Job {
        buffers: &buffers,
        rules,
        lang: opts.lang,
        by: opts.groupings(),
        format,
        excel: opts.style.excel && opts.format() == Format::Csv,
    };
    let workers = opts.workers.max(1);
    let (work_tx, work_rx) = sync_channel::<(u64, Chunk)>(workers);
    let (results_tx, results_rx) = sync_channel::<(u64, ToWriter)>(workers);
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let results_tx = results_tx.clone();
            let (work_rx, job, chunks) = (&work_rx, &job, &chunks);
            scope.spawn(move || loop {
                let next = work_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((seq, chunk))) = next else { return };
                let done = work::compute(job, &chunk);
                chunks.give(chunk);
                if results_tx
                    .send((seq, ToWriter::Computed(Box::new(done))))
                    .is_err()
                {
                    return;
                }
            });
        }
        let feeds = Channels {
            work: work_tx,
            results: results_tx,
            progress: pb.as_ref(),
            chunks: &chunks,
        };
        scope.spawn(move || {
            read::read_all(&opts.inputs, opts.sheet.as_deref(), rules, opts.lang, feeds)
        });
        let report = write_in_order(opts, &results_rx, pb.as_ref(), &buffers, messages);
        // On an error the receivers go away, so the other threads stop at their next send.
        drop(results_rx);
        report
    })
}

/// Takes results as they come, and handles them in input order.
fn write_in_order(
    opts: &Options,
    results: &Receiver<(u64, ToWriter)>,
    pb: Option<&ProgressBar>,
    buffers: &Pool<Vec<u8>>,
    messages: &mut dyn Write,
) -> Result<Report, BatchError> {
    let lang = opts.lang;
    let mut say = |line: &str| {
        match pb {
            Some(pb) => pb.suspend(|| writeln!(messages, "{line}")),
            None => writeln!(messages, "{line}"),
        }
        .ok();
    };
    let out_label = match &opts.destination {
        Destination::File(p) | Destination::Workbook(p) => p.display().to_string(),
        Destination::Stdout { .. } => lang.pick("<stdout>", "<标准输出>").to_string(),
    };
    // The temporary file's name in an error would only confuse: keep the reason alone.
    let output_error = |source: io::Error| BatchError::Output {
        path: out_label.clone(),
        source: match source.to_string().split_once(" at path ") {
            Some((reason, _)) => io::Error::new(source.kind(), reason.to_string()),
            None => source,
        },
    };
    let mut report = Report {
        good: 0,
        bad: 0,
        failed_inputs: 0,
        written: false,
        hidden: 0,
        hidden_columns: Vec::new(),
        summary: Summary::new(opts.rules, &opts.groupings()).showing(opts.by),
        keep_going: opts.keep_going,
        garbled: false,
    };
    let mut out: Option<Output> = None;
    let mut pending: BTreeMap<u64, ToWriter> = BTreeMap::new();
    let mut next = 0u64;
    let mut garbled = false;
    for (seq, piece) in results.iter() {
        pending.insert(seq, piece);
        while let Some(piece) = pending.remove(&next) {
            next += 1;
            match piece {
                ToWriter::Start(layout) => {
                    let target = match &opts.destination {
                        Destination::Workbook(path) => {
                            out = Some(
                                Output::workbook(path, &layout, opts.rules, lang)
                                    .map_err(output_error)?,
                            );
                            continue;
                        }
                        Destination::File(p) => Target::File(p),
                        Destination::Stdout {
                            terminal: Some(width),
                        } => Target::Terminal(*width),
                        Destination::Stdout { terminal: None } => Target::Stdout {
                            all_or_nothing: !opts.keep_going,
                        },
                    };
                    let prefix = encode::prefix(opts.format(), opts.rules, lang);
                    out = Some(
                        Output::open(target, &layout, opts.style, &prefix).map_err(output_error)?,
                    );
                }
                ToWriter::Failed(message) => {
                    say(&message);
                    report.failed_inputs += 1;
                }
                ToWriter::Garbled(message) => {
                    say(&message);
                    report.failed_inputs += 1;
                    garbled = true;
                }
                ToWriter::Computed(done) => {
                    let done = *done;
                    for m in &done.messages {
                        say(m);
                    }
                    report.good += done.good;
                    report.bad += done.bad;
                    if report.summary.merge(done.summary).is_err() {
                        say(lang.pick(
                            "the totals are too large to add up exactly; the summary is incomplete",
                            "合计过大，无法精确相加；汇总不完整",
                        ));
                    }
                    let failing = report.bad > 0 || report.failed_inputs > 0;
                    if let Some(o) = out
                        .as_mut()
                        .filter(|_| (opts.keep_going && !garbled) || !failing)
                    {
                        if let Some(spare) = o.write(done.rows).map_err(output_error)? {
                            buffers.give(spare);
                        }
                    }
                }
            }
        }
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    report.garbled = garbled;
    let failed = report.bad > 0 || report.failed_inputs > 0;
    if let Some(output) = out {
        // Even with --keep-going, a run with nothing good does not replace a file.
        if failed && (!opts.keep_going || report.good == 0 || garbled) {
            output.discard();
        } else {
            let trailer = encode::trailer(opts.format(), opts.rules, &report.summary, lang);
            let committed = output
                .commit(&trailer, (opts.rules, &report.summary, lang))
                .map_err(output_error)?;
            report.hidden = committed.hidden_rows;
            report.hidden_columns = committed.hidden_columns;
            report.written = true;
        }
    }
    Ok(report)
}
