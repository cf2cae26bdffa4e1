//! The computing half of a batch run: a chunk of records in, its output rows, messages and
//! partial totals out. Chunks are independent, so workers run them in parallel; the results
//! are put back in input order before anything is written.

use std::sync::Arc;

use super::format::{segment_json, Format};
use super::layout::Layout;
use super::output::RowBuf;
use super::summary::{GroupBy, Summary};
use crate::engine::{self, Breakdown};
use crate::i18n::Lang;
use crate::rules::RuleSet;
use crate::table::{row, Columns, Field, Problem, Record, RowError};

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
}

/// One entry of a chunk.
enum Entry {
    /// A record: its line, its fields' span in `Chunk::ends`, and what the reader found.
    Record {
        line: u64,
        text_start: usize,
        fields: std::ops::Range<usize>,
        multiline: bool,
        duplicate_id: bool,
    },
    /// A record the reader could not keep (boxed: rare, and large beside a record).
    Skipped(Box<RowError>),
}

/// Consecutive records of one table, packed for a worker.
pub struct Chunk {
    /// The table.
    pub table: Arc<TableCtx>,
    text: String,
    ends: Vec<usize>,
    entries: Vec<Entry>,
}

/// A chunk is sent on when it holds this many records or this many bytes of text.
const CHUNK_RECORDS: usize = 2048;
const CHUNK_BYTES: usize = 1 << 17;

impl Chunk {
    /// An empty chunk of `table`.
    pub fn new(table: Arc<TableCtx>) -> Chunk {
        Chunk {
            table,
            text: String::new(),
            ends: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// Adds a record; `duplicate_id` when its id was seen before.
    pub fn push(&mut self, record: &Record, duplicate_id: bool) {
        let text_start = self.text.len();
        self.text.push_str(record.text());
        let first = self.ends.len();
        self.ends.extend_from_slice(record.ends());
        self.entries.push(Entry::Record {
            line: record.line,
            text_start,
            fields: first..self.ends.len(),
            multiline: record.multiline,
            duplicate_id,
        });
    }

    /// Adds a record the reader skipped.
    pub fn push_skipped(&mut self, error: RowError) {
        self.entries.push(Entry::Skipped(Box::new(error)));
    }

    /// Whether the chunk should be sent on.
    pub fn is_full(&self) -> bool {
        self.entries.len() >= CHUNK_RECORDS || self.text.len() >= CHUNK_BYTES
    }

    /// Whether the chunk holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What a worker made of a chunk.
pub struct Done {
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
}

/// Settings shared by every chunk of a run.
pub struct Job<'a> {
    /// The rules in force.
    pub rules: &'a RuleSet,
    /// Language of notes and messages.
    pub lang: Lang,
    /// Groupings for the summary.
    pub by: Vec<GroupBy>,
    /// The form of the rows; `None` for cells of a terminal table.
    pub format: Option<Format>,
    /// CSV for Excel: text that cannot run as a formula.
    pub excel: bool,
}

/// Computes every record of `chunk`.
pub fn compute(job: &Job, chunk: &Chunk) -> Done {
    let (rules, lang) = (job.rules, job.lang);
    let table = &chunk.table;
    let columns = &table.columns;
    let file = table.label.as_str();
    // Input text, commas and line ends, and about 64 bytes of amounts a row.
    let room = chunk.text.len() + chunk.ends.len() + chunk.entries.len() * 64;
    let mut done = Done {
        rows: RowBuf::new(job.format, job.excel, room),
        messages: Vec::new(),
        good: 0,
        bad: 0,
        summary: Summary::new(rules, &job.by),
    };
    let mut breakdown = Breakdown::default();
    let mut errors: Vec<RowError> = Vec::new();
    let mut notes = String::new();
    for entry in &chunk.entries {
        let (line, text_start, fields, multiline, duplicate_id) = match entry {
            Entry::Skipped(e) => {
                done.messages.push(e.render(file, rules, lang));
                done.bad += 1;
                continue;
            }
            Entry::Record {
                line,
                text_start,
                fields,
                multiline,
                duplicate_id,
            } => (
                *line,
                *text_start,
                fields.clone(),
                *multiline,
                *duplicate_id,
            ),
        };
        let ends = &chunk.ends[fields];
        let text_end = ends.last().map_or(text_start, |e| text_start + e);
        let record = Record::new(line, &chunk.text[text_start..text_end], ends, multiline);
        errors.clear();
        if duplicate_id {
            let id = columns
                .index(Field::Id)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .trim();
            errors.push(RowError {
                line,
                column: Some(columns.name(Field::Id).to_string()),
                value: Some(id.to_string()),
                problem: Problem::DuplicateId,
            });
        }
        let computed = match row::parse(&record, columns, rules, &mut errors) {
            Some((seg, text)) if errors.is_empty() => {
                let ok = engine::compute_into(rules, &seg, &mut breakdown).is_ok()
                    && done.summary.add(rules, &seg, &text, &breakdown).is_ok();
                if !ok {
                    errors.push(RowError::row(line, Problem::Overflow));
                }
                ok.then_some(seg)
            }
            _ => None,
        };
        let Some(seg) = computed else {
            done.messages
                .extend(errors.iter().map(|e| e.render(file, rules, lang)));
            done.bad += 1;
            continue;
        };
        done.good += 1;
        let rows = &mut done.rows;
        if matches!(job.format, Some(Format::Json | Format::Jsonl)) {
            rows.json(&segment_json(
                rules, lang, file, columns, &record, &seg, &breakdown,
            ));
            continue;
        }
        for &j in &table.map {
            rows.field(record.get(j).unwrap_or(""));
        }
        let b = &breakdown;
        for share in &b.shares {
            rows.amount(Some(share.paid));
        }
        rows.amount(Some(b.subsidy_total));
        rows.amount(Some(b.shortfall));
        if table.layout.per_household {
            rows.amount(b.per_household);
        }
        notes.clear();
        for (i, n) in b.notes.iter().enumerate() {
            if i > 0 {
                notes.push_str(lang.pick("; ", "；"));
            }
            n.write_to(&mut notes, rules, lang);
        }
        rows.field(&notes);
        rows.end_row();
    }
    done
}
