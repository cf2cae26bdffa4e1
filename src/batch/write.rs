//! The writing stage of a batch run: given each piece in input order (`deliver`), messages
//! printed, rows written, and at the end the decision whether the output is kept (SPEC §5),
//! or, when a budget binds and the input changed since it was counted, thrown away.

use std::io::{self, Write};

use indicatif::ProgressBar;

use super::alloc::{Changed, Plan};
use super::output::{Output, Target};
use super::pool::Pool;
use super::read::ToWriter;
use super::{BatchError, Destination, Report, Run};
use crate::report::allocate::AllocError;
use crate::report::encode;

/// The writing stage's state: it is given each piece in input order, on whichever thread
/// finished it ([`super::Delivery`]), prints messages and writes rows as they come, and at
/// the end ([`InOrder::finish`]) decides whether the output is kept.
pub(super) struct InOrder<'a> {
    opts: &'a Run<'a, 'a>,
    pb: Option<&'a ProgressBar>,
    buffers: &'a Pool<Vec<u8>>,
    plan: Option<&'a Plan>,
    messages: &'a mut (dyn Write + Send),
    report: Report,
    out: Option<Output>,
    garbled: bool,
    /// A note states another unit: no row is kept, even with --keep-going.
    doubt: bool,
    chunks: usize,
    /// What stopped the run, once something has.
    stopped: Option<BatchError>,
}

impl<'a> InOrder<'a> {
    pub(super) fn new(
        opts: &'a Run<'a, 'a>,
        pb: Option<&'a ProgressBar>,
        buffers: &'a Pool<Vec<u8>>,
        plan: Option<&'a Plan>,
        messages: &'a mut (dyn Write + Send),
    ) -> InOrder<'a> {
        InOrder {
            opts,
            pb,
            buffers,
            plan,
            messages,
            report: Report {
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
            },
            out: None,
            garbled: false,
            doubt: false,
            chunks: 0,
            stopped: None,
        }
    }

    fn say(&mut self, line: &str) {
        let messages = &mut *self.messages;
        match self.pb {
            Some(pb) => pb.suspend(|| writeln!(messages, "{line}")),
            None => writeln!(messages, "{line}"),
        }
        .ok();
    }

    /// Takes the next piece in input order: false once the run has stopped (an output that
    /// cannot be written, an input changed between passes), which [`InOrder::finish`] then
    /// tells.
    pub(super) fn take(&mut self, piece: ToWriter) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        match self.handle(piece) {
            Ok(()) => true,
            Err(e) => {
                self.stopped = Some(e);
                false
            }
        }
    }

    fn handle(&mut self, piece: ToWriter) -> Result<(), BatchError> {
        let (opts, lang) = (self.opts, self.opts.lang);
        match piece {
            ToWriter::Start(layout) => {
                self.report.summary.units = layout.units.clone();
                let target = match &opts.destination {
                    Destination::Workbook(path) => {
                        let opened = Output::workbook(path, &layout, opts.rules, lang);
                        let failing = self.report.failing();
                        self.out = Some(opened.map_err(|e| output_error(opts, e, failing))?);
                        return Ok(());
                    }
                    Destination::File(p) => Target::File(p),
                    Destination::Stdout {
                        terminal: Some(width),
                    } => Target::Terminal(*width),
                    // Budgets that bind: a change found late in the input must leave
                    // nothing printed.
                    Destination::Stdout { terminal: None } => Target::Stdout {
                        all_or_nothing: !opts.keep_going || self.plan.is_some(),
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
                let opened = Output::open(target, &layout, &header, opts.style, &prefix);
                let failing = self.report.failing();
                self.out = Some(opened.map_err(|e| output_error(opts, e, failing))?);
            }
            ToWriter::Failed(message) => {
                self.say(&message);
                self.report.failed_inputs += 1;
            }
            ToWriter::Garbled(message) => {
                self.say(&message);
                self.report.failed_inputs += 1;
                self.garbled = true;
            }
            ToWriter::Voided(message) => {
                self.say(&message);
                self.report.failed_inputs += 1;
                self.garbled = true;
                self.report.voided = true;
            }
            ToWriter::Counted(_) => {}
            ToWriter::Computed(done) => {
                let mut done = *done;
                self.chunks += 1;
                if let Some(changed) = done.changed.take() {
                    if let Some(pb) = self.pb {
                        pb.finish_and_clear();
                    }
                    if let Some(o) = self.out.take() {
                        o.discard();
                    }
                    return Err(BatchError::Changed(changed.render(lang)));
                }
                for m in &done.messages {
                    self.say(m);
                }
                self.report.good += done.good;
                self.report.bad += done.bad;
                self.doubt |= done.doubt;
                if self.report.summary.merge(done.summary).is_err() {
                    self.say(lang.pick(
                        "the totals are too large to add up exactly; the summary is incomplete",
                        "合计过大，无法精确相加；汇总不完整",
                    ));
                }
                let failing = self.report.failing();
                let keep = (opts.keep_going && !self.garbled && !self.doubt) || !failing;
                if let Some(o) = self.out.as_mut().filter(|_| keep) {
                    match o.write(done.rows) {
                        Ok(Some(spare)) => self.buffers.give(spare),
                        Ok(None) => {}
                        Err(e) => return Err(output_error(opts, e, failing)),
                    }
                }
            }
        }
        Ok(())
    }

    /// Ends the run: what stopped it, or whether the output is kept (SPEC §5).
    pub(super) fn finish(self) -> Result<Report, BatchError> {
        let InOrder {
            opts,
            pb,
            plan,
            mut report,
            out,
            garbled,
            doubt,
            chunks,
            stopped,
            ..
        } = self;
        let lang = opts.lang;
        if let Some(stopped) = stopped {
            return Err(stopped);
        }
        if let Some(pb) = pb {
            pb.finish_and_clear();
        }
        // Fewer chunks than the counting passes saw: the input shrank in between.
        if plan.is_some_and(|p| p.chunks() != chunks) {
            if let Some(o) = out {
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
                    .map_err(|e| output_error(opts, e, failed))?;
                report.hidden = committed.hidden_rows;
                report.hidden_columns = committed.hidden_columns;
                report.written = true;
            }
        }
        Ok(report)
    }
}

/// The output's failure, told by the output's own name (the temporary file's would only
/// confuse); `failing`: whether a bad row or input had been met (said already) when writing
/// failed.
fn output_error(opts: &Run, source: io::Error, failing: bool) -> BatchError {
    let path = match &opts.destination {
        Destination::File(p) | Destination::Workbook(p) => p.display().to_string(),
        Destination::Stdout { .. } => opts.lang.pick("<stdout>", "<标准输出>").to_string(),
    };
    BatchError::Output {
        path,
        failing,
        source: crate::table::replace::without_temp_name(source),
    }
}
