//! `roadsub batch`: stream segment tables through the engine and write every row's breakdown.
//!
//! One pass, one row at a time: memory does not grow with the number of rows (ids aside, at 8
//! bytes each, and a summary's groups). Every bad row is reported as it is found; whether the
//! output is kept is decided at the end (SPEC §5).

mod ids;
mod output;
pub mod summary;

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub use output::{Target, TERMINAL_ROWS};
pub use summary::{GroupBy, Summary};

use crate::engine::{self, Breakdown};
use crate::i18n::Lang;
use crate::rules::RuleSet;
use crate::table::{self, Columns, Field, Item, Problem, RowError, TableError};
use ids::IdSet;
use output::Output;

/// One input table.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name used in messages (the path as given, or `<stdin>`).
    pub label: String,
    /// The file, or `None` for standard input.
    pub path: Option<PathBuf>,
}

/// Where the results go.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A CSV file, written atomically.
    File(PathBuf),
    /// Standard output: CSV, or an aligned table when `terminal`.
    Stdout { terminal: bool },
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
}

/// What a run did.
#[derive(Debug)]
pub struct Report {
    /// Rows computed.
    pub good: u64,
    /// Rows refused.
    pub bad: u64,
    /// Inputs that could not be read at all.
    pub failed_inputs: u64,
    /// Whether the output was written.
    pub written: bool,
    /// Rows a terminal table left out.
    pub hidden: u64,
    /// Totals over the good rows.
    pub summary: Summary,
}

/// A failure that ends the run.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The output could not be written.
    #[error("{path}: {source}")]
    Output { path: String, source: io::Error },
}

const OUTPUT_COLUMNS: [&str; 4] = [
    "subsidy_total",
    "shortfall",
    "shortfall_per_household",
    "notes",
];

/// How input columns become output columns.
struct Layout {
    /// The header of the output.
    header: Vec<String>,
    /// Input columns copied, by index, in the first table's order.
    copied: Vec<usize>,
    /// Whether to write shortfall_per_household.
    per_household: bool,
    /// Which output columns hold numbers (for alignment on a terminal).
    right: Vec<bool>,
    /// The names of the columns roadsub computes.
    ours: Vec<String>,
}

impl Layout {
    fn new(columns: &Columns, rules: &RuleSet) -> Layout {
        let ours: Vec<String> = rules
            .funds
            .iter()
            .map(|f| f.id.clone())
            .chain(OUTPUT_COLUMNS.iter().map(|s| s.to_string()))
            .collect();
        // Columns that a previous run wrote are computed afresh, not duplicated.
        let copied: Vec<usize> = (0..columns.names.len())
            .filter(|&i| !is_ours(&ours, &columns.names[i]))
            .collect();
        let per_household = columns.index(Field::Households).is_some();
        let mut header: Vec<String> = copied.iter().map(|&i| columns.names[i].clone()).collect();
        let mut right: Vec<bool> = copied
            .iter()
            .map(|&i| {
                matches!(
                    columns.field_at(i),
                    Some(
                        Field::Width
                            | Field::Length
                            | Field::Cost
                            | Field::CostPerKm
                            | Field::OtherFunds
                            | Field::Completed
                            | Field::Households
                    )
                )
            })
            .collect();
        header.extend(rules.funds.iter().map(|f| f.id.clone()));
        header.push("subsidy_total".into());
        header.push("shortfall".into());
        if per_household {
            header.push("shortfall_per_household".into());
        }
        right.resize(header.len(), true);
        header.push("notes".into());
        right.push(false);
        Layout {
            header,
            copied,
            per_household,
            right,
            ours,
        }
    }

    /// Maps a later table's columns onto the first table's, or says what differs.
    fn map(&self, first: &Columns, other: &Columns) -> Option<Vec<usize>> {
        let mut map = Vec::new();
        let mut missing = Vec::new();
        for &i in &self.copied {
            let found = match first.field_at(i) {
                Some(f) => other.index(f),
                None => other.names.iter().position(|n| n == &first.names[i]),
            };
            match found {
                Some(j) => map.push(j),
                None => missing.push(first.names[i].clone()),
            }
        }
        let extra: Vec<String> = (0..other.names.len())
            .filter(|j| !map.contains(j))
            .filter(|&j| !is_ours(&self.ours, &other.names[j]))
            .map(|j| other.names[j].clone())
            .collect();
        (missing.is_empty() && extra.is_empty()).then_some(map)
    }
}

fn is_ours(ours: &[String], name: &str) -> bool {
    ours.iter().any(|o| o.eq_ignore_ascii_case(name.trim()))
}

fn open_input(input: &Input) -> io::Result<Box<dyn Read>> {
    Ok(match &input.path {
        Some(p) => Box::new(File::open(p)?),
        None => Box::new(io::stdin().lock()),
    })
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
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            pb
        }
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    Some(pb)
}

/// Runs a batch, printing every problem to `messages` as it is found.
pub fn run(opts: &Options, messages: &mut dyn Write) -> Result<Report, BatchError> {
    let rules = opts.rules;
    let lang = opts.lang;
    let pb = progress_bar(opts);
    let mut say = |line: String| {
        match &pb {
            Some(pb) => pb.suspend(|| writeln!(messages, "{line}")),
            None => writeln!(messages, "{line}"),
        }
        .ok();
    };
    let mut report = Report {
        good: 0,
        bad: 0,
        failed_inputs: 0,
        written: false,
        hidden: 0,
        summary: Summary::new(rules, opts.by),
    };
    let mut out: Option<(Output, Layout, Columns)> = None;
    let mut ids = IdSet::default();
    let mut breakdown = Breakdown::default();
    let mut errors: Vec<RowError> = Vec::new();
    let mut notes = String::new();
    let mut done_bytes = 0u64;
    let out_label = match &opts.destination {
        Destination::File(p) => p.display().to_string(),
        Destination::Stdout { .. } => lang.pick("<stdout>", "<标准输出>").to_string(),
    };
    let output_error = |source: io::Error| BatchError::Output {
        path: out_label.clone(),
        source,
    };

    for input in &opts.inputs {
        let file = &input.label;
        let opened = open_input(input)
            .map_err(TableError::Io)
            .and_then(table::open);
        let (columns, mut rows) = match opened {
            Ok(t) => t,
            Err(e) => {
                say(e.render(file, lang));
                report.failed_inputs += 1;
                continue;
            }
        };
        if out.is_none() {
            let layout = Layout::new(&columns, rules);
            let target = match &opts.destination {
                Destination::File(p) => Target::File(p),
                Destination::Stdout { terminal: true } => Target::Terminal,
                Destination::Stdout { terminal: false } => Target::Stdout {
                    all_or_nothing: !opts.keep_going,
                },
            };
            let o = Output::open(target, &layout.header, &layout.right).map_err(output_error)?;
            out = Some((o, layout, columns.clone()));
        }
        let (output, layout, first) = out.as_mut().expect("opened above");
        let map = match layout.map(first, &columns) {
            Some(m) => m,
            None => {
                say(columns_differ(file, first, &columns, lang));
                report.failed_inputs += 1;
                continue;
            }
        };
        let id_col = columns.index(Field::Id);
        let mut since_tick = 0u32;
        loop {
            since_tick += 1;
            if since_tick == 4096 {
                since_tick = 0;
                if let Some(pb) = &pb {
                    pb.set_position(done_bytes + rows.bytes_read());
                }
            }
            let item = match rows.next_item() {
                Ok(Some(item)) => item,
                Ok(None) => break,
                Err(e) => {
                    say(e.render(file, lang));
                    report.failed_inputs += 1;
                    break;
                }
            };
            let record = match item {
                Item::Skipped(e) => {
                    say(e.render(file, rules, lang));
                    report.bad += 1;
                    continue;
                }
                Item::Record(r) => r,
            };
            errors.clear();
            let id = id_col
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty());
            if let Some(id) = id {
                if !ids.insert(id) {
                    errors.push(RowError {
                        line: record.line,
                        column: Some(columns.name(Field::Id).to_string()),
                        value: Some(id.to_string()),
                        problem: Problem::DuplicateId,
                    });
                }
            }
            let parsed = table::row::parse(&record, &columns, rules, &mut errors);
            let computed = match parsed {
                Some((seg, text)) if errors.is_empty() => {
                    let ok = engine::compute_into(rules, &seg, &mut breakdown).is_ok()
                        && report.summary.add(rules, &seg, &text, &breakdown).is_ok();
                    if !ok {
                        errors.push(RowError::row(record.line, Problem::Overflow));
                    }
                    ok
                }
                _ => false,
            };
            if !computed {
                for e in &errors {
                    say(e.render(file, rules, lang));
                }
                report.bad += 1;
                continue;
            }
            report.good += 1;
            if (report.bad > 0 || report.failed_inputs > 0) && !opts.keep_going {
                // The output will be discarded: keep checking, stop writing.
                continue;
            }
            let b = &breakdown;
            for &j in &map {
                output.field(record.get(j).unwrap_or(""));
            }
            for share in &b.shares {
                output.amount(Some(share.paid));
            }
            output.amount(Some(b.subsidy_total));
            output.amount(Some(b.shortfall));
            if layout.per_household {
                output.amount(b.per_household);
            }
            notes.clear();
            for (i, n) in b.notes.iter().enumerate() {
                if i > 0 {
                    notes.push_str(lang.pick("; ", "；"));
                }
                notes.push_str(&n.render(rules, lang));
            }
            output.field(&notes);
            output.end_row().map_err(output_error)?;
        }
        done_bytes += rows.bytes_read();
    }
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let failed = report.bad > 0 || report.failed_inputs > 0;
    if let Some((output, ..)) = out {
        if failed && !opts.keep_going {
            output.discard();
        } else {
            report.hidden = output.commit().map_err(output_error)?;
            report.written = true;
        }
    }
    Ok(report)
}

fn columns_differ(file: &str, first: &Columns, other: &Columns, lang: Lang) -> String {
    let describe = |c: &Columns| c.names.join(", ");
    match lang {
        Lang::En => format!(
            "{file}: its columns ({}) differ from the first table's ({}); one output needs the same columns",
            describe(other),
            describe(first)
        ),
        Lang::Zh => format!(
            "{file}: 列（{}）与第一个表（{}）不同；合并输出要求各表的列相同",
            describe(other),
            describe(first)
        ),
    }
}

/// Whether `output` is one of the inputs (so writing it would destroy its own input).
pub fn is_same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
