//! The writing stage of a batch run: results put back in input order, messages printed, rows
//! written, and at the end the decision whether the output is kept (SPEC §5), or, when a
//! budget binds and the input changed since it was counted, thrown away.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::mpsc::Receiver;

use indicatif::ProgressBar;

use super::alloc::{Changed, Plan};
use super::output::{Output, Target};
use super::pool::Pool;
use super::read::ToWriter;
use super::{BatchError, Destination, Report, Run};
use crate::report::allocate::AllocError;
use crate::report::encode;

/// Takes results as they come, and handles them in input order.
pub(super) fn write_in_order(
    opts: &Run,
    results: &Receiver<(u64, ToWriter)>,
    pb: Option<&ProgressBar>,
    buffers: &Pool<Vec<u8>>,
    plan: Option<&Plan>,
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
    // `failing`: whether a bad row or input had been met (said already) when writing failed.
    let output_error = |source: io::Error, failing: bool| BatchError::Output {
        path: out_label.clone(),
        failing,
        source: crate::table::replace::without_temp_name(source),
    };
    let mut report = Report {
        good: 0,
        bad: 0,
        failed_inputs: 0,
        written: false,
        hidden: 0,
        hidden_columns: Vec::new(),
        summary: opts.summary(),
        keep_going: opts.keep_going,
        garbled: false,
        voided: false,
        doubt: false,
    };
    let mut out: Option<Output> = None;
    let mut pending: BTreeMap<u64, ToWriter> = BTreeMap::new();
    let mut next = 0u64;
    let mut garbled = false;
    // A note states another unit: no row is kept, even with --keep-going.
    let mut doubt = false;
    let mut chunks = 0usize;
    for (seq, piece) in results.iter() {
        pending.insert(seq, piece);
        while let Some(piece) = pending.remove(&next) {
            next += 1;
            match piece {
                ToWriter::Start(layout) => {
                    report.summary.units = layout.units.clone();
                    let target = match &opts.destination {
                        Destination::Workbook(path) => {
                            out = Some(
                                Output::workbook(path, &layout, opts.rules, lang)
                                    .map_err(|e| output_error(e, report.failing()))?,
                            );
                            continue;
                        }
                        Destination::File(p) => Target::File(p),
                        Destination::Stdout {
                            terminal: Some(width),
                        } => Target::Terminal(*width),
                        // Budgets that bind: a change found late in the input must leave
                        // nothing printed.
                        Destination::Stdout { terminal: None } => Target::Stdout {
                            all_or_nothing: !opts.keep_going || plan.is_some(),
                        },
                    };
                    let prefix = encode::prefix(opts.format(), opts.rules, lang);
                    // Read by people: a terminal's table, Markdown.
                    let for_people = matches!(target, Target::Terminal(_))
                        || opts.format() == crate::report::Format::Markdown;
                    let header = layout.headings(
                        opts.rules,
                        opts.look.headings,
                        opts.look.amounts,
                        for_people,
                    );
                    out = Some(
                        Output::open(target, &layout, &header, opts.style, &prefix)
                            .map_err(|e| output_error(e, report.failing()))?,
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
                ToWriter::Voided(message) => {
                    say(&message);
                    report.failed_inputs += 1;
                    garbled = true;
                    report.voided = true;
                }
                ToWriter::Counted(_) => {}
                ToWriter::Computed(done) => {
                    let mut done = *done;
                    chunks += 1;
                    if let Some(changed) = done.changed.take() {
                        if let Some(pb) = pb {
                            pb.finish_and_clear();
                        }
                        if let Some(o) = out.take() {
                            o.discard();
                        }
                        return Err(BatchError::Changed(changed.render(lang)));
                    }
                    for m in &done.messages {
                        say(m);
                    }
                    report.good += done.good;
                    report.bad += done.bad;
                    doubt |= done.doubt;
                    if report.summary.merge(done.summary).is_err() {
                        say(lang.pick(
                            "the totals are too large to add up exactly; the summary is incomplete",
                            "合计过大，无法精确相加；汇总不完整",
                        ));
                    }
                    let failing = report.failing();
                    if let Some(o) = out
                        .as_mut()
                        .filter(|_| (opts.keep_going && !garbled && !doubt) || !failing)
                    {
                        if let Some(spare) =
                            o.write(done.rows).map_err(|e| output_error(e, failing))?
                        {
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
    // Fewer chunks than the counting passes saw: the input shrank in between.
    if plan.is_some_and(|p| p.chunks() != chunks) {
        if let Some(o) = out.take() {
            o.discard();
        }
        let changed = Changed::Alloc {
            label: None,
            error: AllocError::LessThanTotal,
        };
        return Err(BatchError::Changed(changed.render(lang)));
    }
    report.garbled = garbled;
    report.doubt = doubt;
    let failed = report.failing();
    if let Some(output) = out {
        // Even with --keep-going, a run with nothing good does not replace a file.
        if failed && (!opts.keep_going || report.good == 0 || garbled || doubt) {
            output.discard();
        } else {
            let trailer = encode::trailer(
                opts.format(),
                opts.rules,
                &report.summary,
                lang,
                opts.look.amounts,
            );
            let committed = output
                .commit(&trailer, (opts.rules, &report.summary, lang))
                .map_err(|e| output_error(e, failed))?;
            report.hidden = committed.hidden_rows;
            report.hidden_columns = committed.hidden_columns;
            report.written = true;
        }
    }
    Ok(report)
}
