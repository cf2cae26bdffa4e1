//! A comparison written as its rows are computed, for the forms that show rows (CSV, JSON
//! Lines, Markdown, whose groups, totals and budgets come after its rows, and a JSON
//! document, whose rows are kept aside until its groups are written before them): each core
//! writes the rows of the piece it computed into bytes of its own, the pieces reach the
//! [`Sink`] in input order, and of the rows only the bad ones are kept (for the messages and
//! the last line), so a million rows never need their text and amounts held at once.
//! Whether what was written is then kept is the caller's to decide: with bad rows it
//! is thrown away, as a comparison held whole would not have been written.
//!
//! The rows come from tables read whole ([`compare_streamed`]), or from CSV tables read in
//! blocks while they are computed ([`compare_read`]), which then are never held whole.

use super::cores::workers;
use super::paired::{self, Paired, Put};
use super::piped::{compare_piped, BlockRows};
pub use super::read::{BodyRead, Inputs, Reached};
use super::whole::{repeated_ids, CompareError, Comparison, Pair, Table};
use super::{write, Funds};
use crate::i18n::Lang;
use crate::report::{GroupBy, Unit};
use crate::rules::RuleSet;
use crate::table::units::TableUnits;

/// How the rows are written: `--excel` (a byte-order mark unless in GBK, formula-like text
/// kept as text), `--encoding gbk`, and the CSV's headings and unit of amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form<'v> {
    /// CSV, as [`write::csv`] writes it.
    Csv {
        excel: bool,
        gbk: bool,
        headings: Lang,
        unit: Unit,
    },
    /// JSON Lines, as [`write::jsonl`] writes them.
    Jsonl,
    /// Markdown, as [`write::markdown`] writes it: its head (the variant's `changes`) and
    /// rows here, what follows the rows ([`write::markdown_tail`]) once they are all
    /// computed. The groups are added up.
    Markdown {
        gbk: bool,
        headings: Lang,
        unit: Unit,
        changes: &'v [String],
    },
    /// The rows of a JSON document, as [`write::json`] writes them, each after a comma
    /// ([`write::json_rows`]): its groups, totals and budgets come before and after them in
    /// the document, which [`json_document`] puts together once every row is computed. The
    /// groups are added up.
    Json { variant: &'v write::Variant },
    /// Nothing written: the terminal's screen ([`super::screen::terminal_of`]), made once
    /// every row is computed, shows the first `limit` rows the variant changes
    /// ([`Streamed::changed`]), counts the others, and shows the groups, which are added up.
    Terminal { limit: usize },
}

impl Form<'_> {
    /// Whether the form shows groups (then the rows' groups are added up as they are
    /// computed).
    pub fn grouped(self) -> bool {
        matches!(
            self,
            Form::Markdown { .. } | Form::Json { .. } | Form::Terminal { .. }
        )
    }

    /// What the form writes after the rows of comparison `c` (its sums filled in): the
    /// groups, totals and budgets of a Markdown comparison; nothing for the others (a JSON
    /// document is put together around its rows by [`json_document`]).
    pub fn tail(self, c: &Comparison, lang: Lang) -> Vec<u8> {
        let mut out = Vec::new();
        self.tail_into(c, lang, &mut |piece| out.extend_from_slice(piece));
        out
    }

    /// [`Form::tail`] handed to `put` piece after piece, in order, each written as soon as it
    /// is made (the groups of a Markdown comparison are made on every core).
    pub fn tail_into(self, c: &Comparison, lang: Lang, put: &mut dyn FnMut(&[u8])) {
        match self {
            Form::Markdown {
                gbk,
                headings,
                unit,
                ..
            } => write::markdown_tail_into(c, lang, headings, unit, &mut |piece| {
                let bytes = encoded(piece, gbk);
                if gbk {
                    crate::report::encode::note_beyond_gbk(&bytes);
                }
                put(&bytes)
            }),
            Form::Csv { .. } | Form::Jsonl | Form::Json { .. } | Form::Terminal { .. } => {}
        }
    }
}

/// Where the written rows go, piece after piece, in input order.
pub trait Sink {
    /// The next bytes.
    fn put(&mut self, bytes: &[u8]);
    /// Everything put so far is taken back (the rows are written again from the start).
    fn again(&mut self);
    /// The next `len` bytes of `from`, from where it stands: what [`Sink::put`] makes of
    /// them read a piece at a time ([`put_read`]). A sink that writes to a file may have the
    /// system copy them from file to file instead.
    fn put_file(&mut self, from: &mut std::fs::File, len: u64) -> std::io::Result<()> {
        put_read(self, &mut std::io::Read::take(from, len))
    }
    /// [`Sink::put_file`] from a temporary file of the process's own, read only this once: a
    /// sink that has the system copy it may free each piece of it once copied.
    fn put_spool(&mut self, mut spool: std::fs::File, len: u64) -> std::io::Result<()> {
        self.put_file(&mut spool, len)
    }
}

/// Puts everything `from` gives to `sink`, a piece at a time.
pub fn put_read(
    sink: &mut (impl Sink + ?Sized),
    from: &mut impl std::io::Read,
) -> std::io::Result<()> {
    let mut buf = vec![0; 1 << 20];
    loop {
        match std::io::Read::read(from, &mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => sink.put(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Rows kept aside to be put into a JSON document (see [`json_document`]): in a file, which
/// a sink may have the system copy, in a temporary file of the process's own (a spool, read
/// only this once: freed as it is copied), or read from anything else.
pub enum Kept<R> {
    File(std::fs::File),
    Spool(std::fs::File),
    Read(R),
}

/// Bytes kept in memory.
impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    fn again(&mut self) {
        self.clear();
    }
}

/// A comparison whose rows were written as they were computed.
#[derive(Debug)]
pub struct Streamed<'r> {
    /// The comparison, its totals, groups and budget use as [`super::compare_grouped`] gives
    /// them, but with only the bad rows in `pairs` (every message is about one of them).
    pub comparison: Comparison<'r>,
    /// Rows compared (totals rows left out, as a batch run leaves them).
    pub rows: usize,
    /// Rows computed under at least one side: those written.
    pub shown: usize,
    /// For the terminal's screen ([`Form::Terminal`]): the first rows the variant changes,
    /// as many as it shows, and how many it changes in all.
    pub changed: (Vec<Pair>, usize),
}

/// One piece of rows, written.
struct Written {
    bytes: Vec<u8>,
    bad: Vec<Pair>,
    rows: usize,
    shown: usize,
    /// The piece's first rows the variant changes, as many as the terminal shows, and how
    /// many it changes in all (only for [`Form::Terminal`]).
    changed: (Vec<Pair>, usize),
}

/// The pieces, handed on to the sink in input order.
struct Writer<'s, S: Sink> {
    sink: &'s mut S,
    /// What comes before the rows, written again should the rows be.
    head: Vec<u8>,
    bad: Vec<Pair>,
    rows: usize,
    shown: usize,
    /// The first rows the variant changes, up to `limit`, and how many it changes.
    changed: (Vec<Pair>, usize),
    limit: usize,
    /// Whether the output is GBK, and of the characters GBK lacks in what was put (the head
    /// and the rows, in order), the first and how many: noted for the run's warning when the
    /// rows are all written ([`filled`]), not when rows written again are thrown away.
    gbk: bool,
    beyond: (Option<char>, u64),
}

impl<'s, S: Sink> Writer<'s, S> {
    /// A writer of `form`'s rows to `sink`, after `head` (already put there).
    fn new(sink: &'s mut S, head: Vec<u8>, form: Form) -> Writer<'s, S> {
        let gbk = matches!(
            form,
            Form::Csv { gbk: true, .. } | Form::Markdown { gbk: true, .. }
        );
        let beyond = beyond_gbk(gbk, &head);
        Writer {
            sink,
            gbk,
            beyond,
            head,
            bad: Vec::new(),
            rows: 0,
            shown: 0,
            changed: (Vec::new(), 0),
            limit: match form {
                Form::Terminal { limit } => limit,
                _ => 0,
            },
        }
    }
}

impl<S: Sink> Put<Written> for Writer<'_, S> {
    fn put(&mut self, piece: Written) {
        self.sink.put(&piece.bytes);
        let (first, n) = beyond_gbk(self.gbk, &piece.bytes);
        self.beyond = (self.beyond.0.or(first), self.beyond.1 + n);
        self.bad.extend(piece.bad);
        let room = self.limit.saturating_sub(self.changed.0.len());
        self.changed
            .0
            .extend(piece.changed.0.into_iter().take(room));
        self.changed.1 += piece.changed.1;
        self.rows += piece.rows;
        self.shown += piece.shown;
    }

    fn again(&mut self) {
        self.sink.again();
        self.sink.put(&self.head);
        self.beyond = beyond_gbk(self.gbk, &self.head);
        self.bad.clear();
        self.rows = 0;
        self.shown = 0;
        self.changed = (Vec::new(), 0);
    }
}

/// The characters GBK lacks in `bytes` of output written in GBK when `gbk` (none else).
fn beyond_gbk(gbk: bool, bytes: &[u8]) -> (Option<char>, u64) {
    match gbk {
        true => crate::report::encode::beyond_gbk_of(bytes),
        false => (None, 0),
    }
}

/// Text made as UTF-8 in GBK when `gbk` (pieces end at line ends, so each can be encoded on
/// its own). Its characters GBK lacks are not noted here: the pieces of rows are made on
/// every core, and [`Writer`] notes them as it puts them in order (the head with them); the
/// tail, made after them, notes its own.
fn encoded(bytes: Vec<u8>, gbk: bool) -> Vec<u8> {
    match gbk {
        // The text was made as UTF-8 just before.
        true => crate::report::encode::gbk_bytes_unnoted(
            std::str::from_utf8(&bytes).unwrap_or_default(),
        ),
        false => bytes,
    }
}

/// What `form` makes of comparison `c`'s head (`None`) or of rows `pairs`: CSV in a buffer
/// of [`write::csv_buf`] (in GBK when asked, the head after the byte-order mark `--excel`
/// adds), or JSON Lines, which have no head.
fn form_bytes(c: &Comparison, form: Form, lang: Lang, pairs: Option<&[Pair]>) -> Vec<u8> {
    match form {
        Form::Csv {
            excel,
            gbk,
            headings,
            unit,
        } => {
            let room = pairs.map_or(0, |p| p.len() * 200);
            let mut rows = write::csv_buf(excel, unit, Vec::with_capacity(room));
            let mut bytes = Vec::new();
            match pairs {
                None => {
                    write::csv_head(c, headings, unit, &mut rows);
                    if excel && !gbk {
                        bytes.extend_from_slice("\u{feff}".as_bytes());
                    }
                }
                Some(pairs) => write::csv_rows(c, pairs, lang, headings, &mut rows),
            }
            bytes.extend(encoded(write::bytes_of(rows), gbk));
            bytes
        }
        Form::Jsonl => {
            let mut out = Vec::with_capacity(pairs.map_or(0, |p| p.len() * 600));
            write::jsonl_rows(c, pairs.unwrap_or_default(), lang, &mut out);
            out
        }
        Form::Json { .. } => {
            let mut out = Vec::with_capacity(pairs.map_or(0, |p| p.len() * 1200));
            write::json_rows(c, pairs.unwrap_or_default(), lang, &mut out);
            out
        }
        Form::Terminal { .. } => Vec::new(),
        Form::Markdown {
            gbk,
            headings,
            unit,
            changes,
        } => {
            let text = match pairs {
                None => write::markdown_head(c, changes, lang, headings, unit),
                Some(pairs) => {
                    let mut out = Vec::with_capacity(pairs.len() * 300);
                    write::markdown_rows(c, pairs, lang, unit, &mut out);
                    return encoded(out, gbk);
                }
            };
            encoded(text.into_bytes(), gbk)
        }
    }
}

/// One piece of rows, written by the core that computed it: the bytes, and of the rows only
/// the bad ones.
fn written(c: &Comparison, form: Form, lang: Lang, pairs: Vec<Pair>) -> Written {
    let bytes = form_bytes(c, form, lang, Some(&pairs));
    let rows = pairs.len();
    let shown = pairs.iter().filter(|p| p.shown()).count();
    let mut changed = (Vec::new(), 0);
    if let Form::Terminal { limit } = form {
        for p in pairs.iter().filter(|p| p.shown()) {
            count_changed(&mut changed, p, limit);
        }
    }
    let bad = pairs.into_iter().filter(|p| p.bad()).collect();
    Written {
        bytes,
        bad,
        rows,
        shown,
        changed,
    }
}

/// Counts row `p` (shown) in `changed` when the variant changes it, keeping it among the first
/// `limit` such rows.
fn count_changed(changed: &mut (Vec<Pair>, usize), p: &Pair, limit: usize) {
    if p.changed() {
        if changed.0.len() < limit {
            changed.0.push(p.clone());
        }
        changed.1 += 1;
    }
}

/// A block's rows written in `form` one by one, as [`written`] writes them all at once.
struct FormRows<'c, 'r, 'v> {
    c: &'c Comparison<'r>,
    form: Form<'v>,
    lang: Lang,
    /// The CSV's rows, or JSON Lines' keys and lines.
    out: FormOut,
    done: Written,
}

enum FormOut {
    Csv(crate::report::encode::RowBuf),
    Jsonl(write::JsonlKeys, Vec<u8>),
    Markdown(Vec<u8>),
    Json(Vec<u8>),
    /// The terminal's form writes nothing.
    Nothing,
}

impl<'c, 'r, 'v> FormRows<'c, 'r, 'v> {
    fn new(c: &'c Comparison<'r>, form: Form<'v>, lang: Lang) -> FormRows<'c, 'r, 'v> {
        let out = match form {
            // A block of about 2,000 rows is about 350 KiB of CSV: room for it at once, where
            // a buffer half that size was grown, and copied, once a block.
            Form::Csv { excel, unit, .. } => {
                FormOut::Csv(write::csv_buf(excel, unit, Vec::with_capacity(1 << 19)))
            }
            Form::Jsonl => FormOut::Jsonl(
                write::JsonlKeys::new(&write::csv_header(c)),
                Vec::with_capacity(1 << 20),
            ),
            Form::Markdown { .. } => FormOut::Markdown(Vec::with_capacity(1 << 20)),
            Form::Json { .. } => FormOut::Json(Vec::with_capacity(1 << 20)),
            Form::Terminal { .. } => FormOut::Nothing,
        };
        FormRows {
            c,
            form,
            lang,
            out,
            done: Written {
                bytes: Vec::new(),
                bad: Vec::new(),
                rows: 0,
                shown: 0,
                changed: (Vec::new(), 0),
            },
        }
    }
}

impl BlockRows for FormRows<'_, '_, '_> {
    type Piece = Written;

    fn row(&mut self, p: &Pair) {
        let (c, lang) = (self.c, self.lang);
        self.done.rows += 1;
        if p.shown() {
            self.done.shown += 1;
            match (&mut self.out, self.form) {
                (FormOut::Csv(rows), Form::Csv { headings, .. }) => {
                    write::csv_rows(c, [p], lang, headings, rows);
                }
                (FormOut::Jsonl(keys, out), _) => write::jsonl_row(c, keys, p, lang, out),
                (FormOut::Json(out), _) => write::json_rows(c, [p], lang, out),
                (FormOut::Nothing, Form::Terminal { limit }) => {
                    count_changed(&mut self.done.changed, p, limit);
                }
                (FormOut::Markdown(out), Form::Markdown { unit, .. }) => {
                    write::markdown_rows(c, [p], lang, unit, out);
                }
                (FormOut::Csv(_) | FormOut::Markdown(_) | FormOut::Nothing, _) => {}
            }
        }
        if p.bad() {
            self.done.bad.push(p.clone());
        }
    }

    fn piece(self) -> Written {
        let mut done = self.done;
        done.bytes = match (self.out, self.form) {
            (FormOut::Csv(rows), Form::Csv { gbk, .. }) => encoded(write::bytes_of(rows), gbk),
            (FormOut::Jsonl(_, out), _) | (FormOut::Json(out), _) => out,
            (FormOut::Markdown(out), Form::Markdown { gbk, .. }) => encoded(out, gbk),
            (FormOut::Csv(_) | FormOut::Markdown(_) | FormOut::Nothing, _) => Vec::new(),
        };
        done
    }
}

/// The comparison `c` with the rows `writer` kept and the sums of both sides.
fn filled<'r, S: Sink>(
    mut c: Comparison<'r>,
    writer: Writer<'_, S>,
    paired: Paired,
) -> Streamed<'r> {
    let Writer {
        bad,
        rows,
        shown,
        changed,
        beyond: (first, n),
        ..
    } = writer;
    crate::report::encode::note_beyond(first, n);
    c.pairs = bad;
    c.fill(paired);
    Streamed {
        comparison: c,
        rows,
        shown,
        changed,
    }
}

/// Every row of `tables` under `before` and `after`, written to `sink` in `form` as it is
/// computed: the same bytes [`write::csv`] or [`write::jsonl`] (after the byte-order mark
/// `--excel` adds, in GBK when asked) make of [`super::compare_grouped`]'s comparison, or,
/// for Markdown, what [`write::markdown`] writes before the groups ([`Form::tail`] writes the
/// rest). The groups are added up only for a form that shows them.
pub fn compare_streamed<'r>(
    tables: &[Table],
    before: &'r RuleSet,
    after: &'r RuleSet,
    form: Form,
    lang: Lang,
    sink: &mut impl Sink,
) -> Result<Streamed<'r>, CompareError> {
    // A repeated id makes a row bad under both sides, across all inputs, as in a batch run.
    let duplicates = repeated_ids(tables);
    let c = Comparison::unfilled(tables, before, after, Funds::new(before, after));
    let head = form_bytes(&c, form, lang, None);
    sink.put(&head);
    let make = |pairs: Vec<Pair>| written(&c, form, lang, pairs);
    let mut writer = Writer::new(sink, head.clone(), form);
    let sums = paired::pairs(
        tables,
        (before, after),
        &duplicates,
        (&c.funds, form.grouped()),
        &make,
        &mut writer,
    )?;
    Ok(filled(c.clone(), writer, sums))
}

/// The tables a comparison read as it is computed compares, named before their rows are
/// read: each one's label and the units its bare amounts are in.
pub struct Named {
    /// How messages and outputs name it.
    pub label: String,
    /// The units its title rows or the command line gave bare numbers in.
    pub units: TableUnits,
}

/// Every row of `inputs` (CSV tables of about `bytes` bytes in all, read as they are
/// computed; `named`: the tables compared) under `before` and `after`, written to `sink` in
/// `form`: the bytes [`compare_streamed`] writes of the same tables read whole, with the
/// same messages and counts. `Ok(None)` when a sum does not fit (the comparison is then to
/// be made from the tables read whole); no rules file's budgets may bind (see
/// [`binds`]). The groups are added up only for a form that shows them.
pub fn compare_read<'r, I: Inputs>(
    inputs: &I,
    bytes: u64,
    named: Vec<Named>,
    (before, after): (&'r RuleSet, &'r RuleSet),
    (form, lang): (Form, Lang),
    sink: &mut (impl Sink + Send),
) -> Result<Option<Streamed<'r>>, I::Error> {
    let (labels, units) = named.into_iter().map(|n| (n.label, n.units)).unzip();
    let c = Comparison::unfilled_named(labels, units, before, after, Funds::new(before, after));
    let head = form_bytes(&c, form, lang, None);
    sink.put(&head);
    let make = || FormRows::new(&c, form, lang);
    let mut writer = Writer::new(sink, head.clone(), form);
    let funds = (&c.funds, form.grouped());
    let cores = workers(usize::MAX);
    let piped = compare_piped(
        cores,
        inputs,
        bytes,
        [before, after],
        funds,
        &make,
        |piece| writer.put(piece),
    )?;
    Ok(piped.map(|sums| filled(c.clone(), writer, sums)))
}

/// The JSON document of comparison `c` (its sums filled in: [`Streamed::comparison`]) put
/// to `sink`: the bytes [`write::json`] pretty-printed makes of the comparison held whole,
/// its line end too, with for its rows the `written` bytes `rows` gives, all that
/// [`compare_streamed`] put in [`Form::Json`]. Its groups are made and written one at a time.
pub fn json_document(
    c: &Comparison,
    variant: &write::Variant,
    lang: Lang,
    (rows, written): (Kept<impl std::io::Read>, u64),
    sink: &mut impl Sink,
) -> std::io::Result<()> {
    let [head, townships, villages, tail] = write::json_frame(c, variant, lang);
    let funds = write::fund_order(c);
    sink.put(head.as_bytes());
    // The groups are gathered a piece at a time: a system call each, 187,307 villages made
    // as many writes.
    const PIECE: usize = 1 << 20;
    let mut piece = Vec::with_capacity(PIECE);
    for (by, after) in [(GroupBy::Township, townships), (GroupBy::Village, villages)] {
        let (open, skip, _) = write::json_array(true, write::JSON_GROUPS);
        let mut any = false;
        let mut item = Vec::new();
        c.each_group(by, |g| {
            item.clear();
            write::json_group(c, &funds, &g, &mut item);
            match any {
                true => piece.extend_from_slice(&item),
                false => {
                    piece.extend_from_slice(open);
                    piece.extend_from_slice(&item[skip..]);
                }
            }
            any = true;
            if piece.len() >= PIECE {
                sink.put(&piece);
                piece.clear();
            }
        });
        let (none, _, close) = write::json_array(any, write::JSON_GROUPS);
        if !any {
            piece.extend_from_slice(none);
        }
        piece.extend_from_slice(close.as_bytes());
        piece.extend_from_slice(after.as_bytes());
    }
    let (open, skip, close) = write::json_array(written > 0, write::JSON_ROWS);
    piece.extend_from_slice(open);
    sink.put(&piece);
    // The rows' first comma is left out.
    let skip = (skip as u64).min(written);
    match rows {
        Kept::File(mut file) => {
            std::io::Seek::seek(&mut file, std::io::SeekFrom::Current(skip as i64))?;
            sink.put_file(&mut file, written - skip)?;
        }
        Kept::Spool(mut spool) => {
            std::io::Seek::seek(&mut spool, std::io::SeekFrom::Current(skip as i64))?;
            sink.put_spool(spool, written - skip)?;
        }
        Kept::Read(mut rows) => {
            std::io::copy(
                &mut std::io::Read::take(&mut rows, skip),
                &mut std::io::sink(),
            )?;
            put_read(sink, &mut rows)?;
        }
    }
    sink.put(close.as_bytes());
    sink.put(tail.as_bytes());
    Ok(())
}

/// Whether budgets of `rules` bind (share an envelope out, or cut rows): a comparison under
/// them needs every row before any can be cut, so it reads its tables whole.
pub fn binds(rules: &RuleSet) -> bool {
    crate::report::allocate::streamed::Plan::new(rules).is_some()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::report::compare::compare;
    use crate::rules::Setting;
    use crate::table::sheet::Sheet;

    /// Numbers from `seed`, one after another (xorshift).
    fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed | 1;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// A table of `n` rows made from `seed`: roads of every class, some bad under both rule
    /// sets (no length, an unknown class), some under the variant only (approved above its
    /// lowered ceiling), some repeating an earlier id, text that looks like a formula.
    fn table_text(seed: u64, n: usize, bad_every: u64) -> String {
        let mut next = xorshift(seed);
        let mut text = String::from("编号,乡镇,村,类别,宽度,长度,投资,扶贫批复\n");
        for i in 0..n {
            let r = next();
            let class = ["通村", "社道", "通社", "通组"][(r % 4) as usize];
            let width = ["3.5", "4.5", "6"][(r / 4 % 3) as usize];
            let km = format!("{}.{}", 1 + r / 16 % 3, r / 64 % 10);
            let cost = format!("{}万", 20 + r / 1024 % 90);
            let approved = if (r / 7).is_multiple_of(5) {
                "8万"
            } else {
                ""
            };
            let id = if (r / 11).is_multiple_of(97) && i > 0 {
                format!("S{}", i / 2)
            } else {
                format!("S{i}")
            };
            let town = ["天马乡", "卧佛镇", "=SUM(A1)"][(r / 13 % 3) as usize];
            let row = match next() % bad_every.max(2) {
                0 => format!("{id},{town},村{},通村,4.5,,80万,\n", r % 50),
                1 => format!("{id},{town},村{},高速,4.5,1,80万,\n", r % 50),
                _ => format!(
                    "{id},{town},村{},{class},{width},{km},{cost},{approved}\n",
                    r % 50
                ),
            };
            text.push_str(&row);
        }
        text
    }

    /// A table of `n` rows made from `seed` in the form of the speed benchmark's (amounts in
    /// yuan, plain numbers, no approved amounts), so that most rows are the fused path's
    /// under both sides, with rows it leaves to the general path between them: bad under
    /// both (no length, an unknown class), a repeated id, amounts in 万 or with a separator,
    /// a width or a cost to be trimmed, a cost per km the rules doubt, completed beyond the
    /// length, sources beyond the gap, a 合计 row, blank households and completed km, and
    /// widths below the funds' minimums (the fused path's, with their notes).
    fn plain_table_text(seed: u64, n: usize, bad_every: u64) -> String {
        let mut next = xorshift(seed);
        let mut text = String::from(
            "id,township,village,class,width_m,length_km,cost,other_funds,households,completed_km\n",
        );
        for i in 0..n {
            let r = next();
            let class = ["village", "group", "通村", "社道"][(r % 4) as usize];
            let width = ["3.0", "3.5", "4.5", "6", "5.0"][(r / 4 % 5) as usize];
            let metres = 100 + r / 32 % 4900;
            let km = format!("{}.{:03}", metres / 1000, metres % 1000);
            let cost = metres * (250 + r / 1024 % 650);
            let other = [0, 0, 20000, 9_000_000][(r / 8192 % 4) as usize];
            let households = match r / 65536 % 9 {
                0 => String::new(),
                h => (h * 13).to_string(),
            };
            let done = match r / 1_000_000 % 5 {
                0 => String::new(),
                _ => {
                    let m = (r / 7) % (metres + 1);
                    format!("{}.{:03}", m / 1000, m % 1000)
                }
            };
            let id = if (r / 11).is_multiple_of(97) && i > 0 {
                format!("S{}", i / 2)
            } else {
                format!("S{i}")
            };
            let town = ["天马乡", "卧佛镇", "=SUM(A1)"][(r / 13 % 3) as usize];
            let village = format!("村{}", r % 50);
            let row = match next() % bad_every.max(2) {
                0 => format!("{id},{town},{village},group,4.5,,80000,0,3,\n"),
                1 => format!("{id},{town},{village},高速,4.5,1,80000,0,3,\n"),
                2 => format!("{id},{town},{village},{class},{width},{km},{}万,{other},{households},{done}\n", cost / 10000),
                3 => format!("{id},{town},{village},{class},{width},{km},\"1,{:03}\",{other},{households},{done}\n", cost % 1000),
                4 => format!("{id},{town},{village},{class}, {width},{km},{cost} ,{other},{households},{done}\n"),
                5 => format!("{id},{town},{village},{class},{width},{km},1,{other},{households},{done}\n"),
                6 => format!("{id},{town},{village},{class},{width},0.100,{cost},{other},{households},0.200\n"),
                7 => "合计,,,,,,,,,\n".to_string(),
                _ => format!(
                    "{id},{town},{village},{class},{width},{km},{cost},{other},{households},{done}\n"
                ),
            };
            text.push_str(&row);
        }
        text
    }

    fn tables(dir: &tempfile::TempDir, texts: &[String]) -> Vec<Table> {
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let path = dir.path().join(format!("t{i}.csv"));
                std::fs::write(&path, text).unwrap();
                Table {
                    label: format!("t{i}.csv"),
                    sheet: Sheet::load(&path).unwrap(),
                }
            })
            .collect()
    }

    /// What the command wrote from a comparison held whole, in `form`.
    fn whole_bytes(c: &Comparison, form: Form, lang: Lang) -> Vec<u8> {
        match form {
            Form::Csv {
                excel,
                gbk,
                headings,
                unit,
            } => {
                let mut bytes = Vec::new();
                if excel && !gbk {
                    bytes.extend_from_slice("\u{feff}".as_bytes());
                }
                bytes.extend(write::csv(c, lang, excel, headings, unit));
                encoded(bytes, gbk)
            }
            Form::Jsonl => write::jsonl(c, lang),
            Form::Markdown {
                gbk,
                headings,
                unit,
                changes,
            } => {
                let variant = write::Variant {
                    kind: "set",
                    given: Vec::new(),
                    lines: changes.to_vec(),
                };
                encoded(
                    write::markdown(c, &variant, lang, headings, unit).into_bytes(),
                    gbk,
                )
            }
            Form::Json { variant } => {
                let mut text =
                    serde_json::to_string_pretty(&write::json(c, variant, lang)).unwrap();
                text.push('\n');
                text.into_bytes()
            }
            Form::Terminal { limit } => {
                crate::report::compare::screen::terminal(c, lang, 100, limit).into_bytes()
            }
        }
    }

    /// A variant whose words hold what marks the rows' place in the JSON document's text.
    fn json_variant() -> &'static write::Variant {
        static VARIANT: std::sync::OnceLock<write::Variant> = std::sync::OnceLock::new();
        VARIANT.get_or_init(|| write::Variant {
            kind: "set",
            given: vec!["poverty.group.3.5=5万".to_string(), "\u{0}rows".to_string()],
            lines: vec!["a line\n  \"rows\": \"\u{0}rows\"".to_string()],
        })
    }

    /// The variant's changes as a Markdown comparison lists them (one holds a `|`).
    fn changes() -> &'static [String] {
        static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        LINES.get_or_init(|| {
            vec![
                "poverty, group 3.5 m: 100,000 → 50,000 yuan/km".to_string(),
                "a | in a change".to_string(),
            ]
        })
    }

    fn forms() -> impl Strategy<Value = Form<'static>> {
        prop_oneof![
            Just(Form::Jsonl),
            Just(Form::Json {
                variant: json_variant()
            }),
            (1usize..40).prop_map(|limit| Form::Terminal { limit }),
            (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
                |(gbk, zh, wan, none)| Form::Markdown {
                    gbk,
                    headings: if zh { Lang::Zh } else { Lang::En },
                    unit: if wan { Unit::Wan } else { Unit::Yuan },
                    changes: if none { &[] } else { changes() },
                }
            ),
            (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
                |(excel, gbk, zh, wan)| Form::Csv {
                    excel,
                    gbk,
                    headings: if zh { Lang::Zh } else { Lang::En },
                    unit: if wan { Unit::Wan } else { Unit::Yuan },
                }
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Rows written as they are computed, on every core, piece by piece, are the bytes the
        /// whole comparison's writer makes, with the same messages and counts, and the same
        /// totals and budget use on each side (a budget that shares an envelope out too).
        #[test]
        fn streamed_rows_are_the_bytes_of_the_comparison_held_whole(
            seeds in proptest::collection::vec(any::<u64>(), 1..3),
            n in prop_oneof![0usize..40, 2000usize..6000],
            bad_every in prop_oneof![Just(u64::MAX), 2u64..400],
            form in forms(),
            zh in any::<bool>(),
            prorate in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let texts: Vec<String> =
                seeds.iter().map(|&s| table_text(s, n, bad_every)).collect();
            let tables = tables(&dir, &texts);
            let before = match prorate {
                true => RuleSet::from_toml(
                    include_str!("../../../examples/anyue-2018-prorate.toml"),
                    "prorate.toml",
                )
                .unwrap(),
                false => RuleSet::builtin(),
            };
            let (after, _) = before
                .with_settings(&[Setting::parse("poverty.group.3.5=5万").unwrap()])
                .unwrap();
            let lang = if zh { Lang::Zh } else { Lang::En };
            let whole = compare(&tables, &before, &after);
            let mut bytes = Vec::new();
            let streamed = compare_streamed(&tables, &before, &after, form, lang, &mut bytes);
            let (whole, streamed) = match (whole, streamed) {
                (Ok(w), Ok(s)) => (w, s),
                (Err(w), Err(s)) => {
                    prop_assert_eq!(w, s);
                    return Ok(());
                }
                (w, s) => panic!("{w:?}\n{s:?}"),
            };
            if let Form::Markdown { unit, .. } = form {
                // The rows written cell by cell onto the text are the rows a string a cell.
                let (mut fast, mut slow) = (Vec::new(), String::new());
                write::markdown_rows(&whole, whole.shown(), lang, unit, &mut fast);
                write::markdown_rows_model(&whole, whole.shown(), lang, unit, &mut slow);
                prop_assert_eq!(String::from_utf8(fast).unwrap(), slow);
            }
            let expected = whole_bytes(&whole, form, lang);
            // What comes after the rows (Markdown's groups, totals and budgets), from the
            // comparison's sums; or the JSON document put together around them.
            let bytes = match form {
                Form::Json { variant } => {
                    let mut document = Vec::new();
                    let rows = (Kept::Read(&bytes[..]), bytes.len() as u64);
                    json_document(&streamed.comparison, variant, lang, rows, &mut document)
                        .unwrap();
                    // The rows kept in a file (as a run keeps them) make the same document.
                    let mut file = tempfile::tempfile().unwrap();
                    std::io::Write::write_all(&mut file, &bytes).unwrap();
                    std::io::Seek::rewind(&mut file).unwrap();
                    let mut from_file = Vec::new();
                    let rows = (Kept::<&[u8]>::File(file), bytes.len() as u64);
                    json_document(&streamed.comparison, variant, lang, rows, &mut from_file)
                        .unwrap();
                    prop_assert_eq!(&from_file, &document);
                    document
                }
                Form::Terminal { limit } => {
                    // Nothing written; the screen from the rows kept and the counts.
                    prop_assert!(bytes.is_empty());
                    let changed: Vec<&Pair> = streamed.changed.0.iter().collect();
                    let shown = crate::report::compare::screen::Shown {
                        changed: &changed,
                        changed_rows: streamed.changed.1,
                        rows: streamed.shown,
                    };
                    crate::report::compare::screen::terminal_of(&streamed.comparison, &shown, lang, 100, limit)
                        .into_bytes()
                }
                _ => {
                    bytes.extend(form.tail(&streamed.comparison, lang));
                    bytes
                }
            };
            prop_assert_eq!(String::from_utf8_lossy(&bytes), String::from_utf8_lossy(&expected));
            prop_assert_eq!(&bytes, &expected);
            let s = &streamed.comparison;
            prop_assert_eq!(s.messages(lang), whole.messages(lang));
            prop_assert_eq!(streamed.rows, whole.pairs.len());
            prop_assert_eq!(streamed.shown, whole.shown().count());
            prop_assert!(s.pairs.iter().all(Pair::bad));
            prop_assert_eq!(s.one_side_only, whole.one_side_only);
            for (a, b) in [(&s.before, &whole.before), (&s.after, &whole.after)] {
                prop_assert_eq!(&a.total, &b.total);
                prop_assert_eq!(format!("{:?}", a.budgets), format!("{:?}", b.budgets));
            }
        }
    }

    /// `text` with the village of some rows quoted (a comma and a line end in it) and some
    /// lines ended in CR LF: records the reader's state machine reads, between plain lines.
    fn oddly_written(text: &str, seed: u64) -> String {
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            let k = (i as u64).wrapping_mul(seed | 1) >> 3;
            let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
            if i > 0 && k.is_multiple_of(5) && fields.len() > 2 {
                fields[2] = format!("\"{},\n乙\"", fields[2]);
            }
            out.push_str(&fields.join(","));
            out.push_str(if k.is_multiple_of(3) { "\r\n" } else { "\n" });
        }
        out
    }

    /// Tables on disk, read as a comparison read as it is computed reads them: every one
    /// compared, any doubt settled by the loader of a table held whole, as the command does.
    struct Files(Vec<std::path::PathBuf>);

    impl Inputs for Files {
        type Error = String;

        fn count(&self) -> usize {
            self.0.len()
        }

        fn reach(&self, i: usize) -> Result<Option<Reached>, String> {
            let file = std::fs::File::open(&self.0[i]).map_err(|e| e.to_string())?;
            let (columns, rows) = crate::table::open(file).map_err(|e| format!("{e:?}"))?;
            Ok(Some(Reached {
                path: self.0[i].clone(),
                columns,
                rows,
                file: Some(i),
            }))
        }

        fn settle(&self, i: usize, read: BodyRead) -> Result<(), String> {
            match read {
                BodyRead::Clean => Ok(()),
                BodyRead::Unsure => Sheet::load(&self.0[i])
                    .map(|_| ())
                    .map_err(|e| format!("table {i}: {e:?}")),
                BodyRead::Failed(e) => Err(format!("table {i}: {e:?}")),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// Tables read in blocks while they are computed, on every core, give the bytes,
        /// messages, counts, totals, groups and budget use of the same tables read whole and
        /// compared ([`compare_streamed`], itself pinned to the comparison held whole):
        /// plain lines and quoted records, ids repeated within and across tables; tables in
        /// the benchmark's form (`plain`), whose rows the fused path takes under both sides.
        #[test]
        fn tables_read_as_they_are_computed_compare_as_the_tables_read_whole(
            seeds in proptest::collection::vec(any::<u64>(), 1..4),
            n in prop_oneof![0usize..40, 2000usize..7000],
            bad_every in prop_oneof![Just(u64::MAX), 2u64..400],
            odd in any::<bool>(),
            plain in any::<bool>(),
            form in forms(),
            zh in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let texts: Vec<String> = seeds
                .iter()
                .map(|&s| {
                    let text = match plain {
                        true => plain_table_text(s, n, bad_every),
                        false => table_text(s, n, bad_every),
                    };
                    if odd { oddly_written(&text, s) } else { text }
                })
                .collect();
            let tables = tables(&dir, &texts);
            let before = RuleSet::builtin();
            let (after, _) = before
                .with_settings(&[Setting::parse("poverty.group.3.5=5万").unwrap()])
                .unwrap();
            prop_assert!(!binds(&before) && !binds(&after));
            if plain {
                // The fused path takes such a table's rows under both sides.
                let columns = &tables[0].sheet.columns;
                let fused = |rules| crate::batch::fused::Fused::new(rules, columns, true).is_some();
                prop_assert!(fused(&before) && fused(&after));
            }
            let lang = if zh { Lang::Zh } else { Lang::En };
            let mut whole_bytes = Vec::new();
            let whole = compare_streamed(&tables, &before, &after, form, lang, &mut whole_bytes)
                .unwrap();
            let files = Files(
                (0..texts.len()).map(|i| dir.path().join(format!("t{i}.csv"))).collect(),
            );
            let named = tables
                .iter()
                .map(|t| Named {
                    label: t.label.clone(),
                    units: t.sheet.columns.units.clone(),
                })
                .collect();
            let mut bytes = Vec::new();
            let read = compare_read(&files, 0, named, (&before, &after), (form, lang), &mut bytes)
                .unwrap()
                .expect("no sum overflows");
            prop_assert_eq!(String::from_utf8_lossy(&bytes), String::from_utf8_lossy(&whole_bytes));
            prop_assert_eq!(&bytes, &whole_bytes);
            let (r, w) = (&read.comparison, &whole.comparison);
            prop_assert_eq!(r.messages(lang), w.messages(lang));
            prop_assert_eq!((read.rows, read.shown), (whole.rows, whole.shown));
            prop_assert_eq!(r.one_side_only, w.one_side_only);
            prop_assert_eq!(&r.labels, &w.labels);
            for (a, b) in [(&r.before, &w.before), (&r.after, &w.after)] {
                prop_assert_eq!(&a.total, &b.total);
                prop_assert_eq!(format!("{:?}", a.budgets), format!("{:?}", b.budgets));
            }
            for side in [crate::report::compare::Side::Before, crate::report::compare::Side::After] {
                // The groups each core added up as it read, for a form that shows them.
                prop_assert_eq!(r.groupings(side), w.groupings(side));
                prop_assert_eq!(r.groupings(side).is_empty(), !form.grouped());
            }
            // What follows Markdown's rows, and the rows a terminal shows.
            prop_assert_eq!(form.tail(r, lang), form.tail(w, lang));
            prop_assert_eq!(format!("{:?}", read.changed), format!("{:?}", whole.changed));
        }
    }

    /// The thread that reads the tables computes a block itself whenever the cores have two
    /// each waiting (`compare_piped`), so that as many threads compute as there are cores:
    /// every block computed once, some on the reading thread and the rest on a core but one,
    /// and each handed on in input order wherever it was computed. On one core it only reads
    /// (review 61: computing there too held a second set of groups, a Markdown comparison of
    /// a million rows 107 → 171 MB under `taskset -c 0`).
    #[test]
    fn the_reading_thread_computes_blocks_when_the_cores_have_enough() {
        /// The thread that computed a block and the first line of its rows.
        struct Noted(std::thread::ThreadId, Option<u64>);

        impl BlockRows for Noted {
            type Piece = (std::thread::ThreadId, Option<u64>);

            fn row(&mut self, pair: &Pair) {
                self.1.get_or_insert(pair.line);
            }

            fn piece(self) -> Self::Piece {
                (self.0, self.1)
            }
        }

        crate::testing::within_a_minute(|| {
            let dir = tempfile::tempdir().unwrap();
            let texts = [plain_table_text(7, 40_000, u64::MAX)];
            let _ = tables(&dir, &texts);
            let files = Files(vec![dir.path().join("t0.csv")]);
            let before = RuleSet::builtin();
            let (after, _) = before
                .with_settings(&[Setting::parse("poverty.group.3.5=5万").unwrap()])
                .unwrap();
            let reading = std::thread::current().id();
            let funds = Funds::new(&before, &after);
            for cores in [1, 2, 3] {
                // With two cores or more the others compute nothing until the reading thread
                // has computed a block: the blocks pile up for them, however slowly it reads
                // (a timing of its own made the test fail on a loaded machine).
                let reader_went = std::sync::atomic::AtomicBool::new(false);
                let make = || {
                    let here = std::thread::current().id();
                    if here == reading {
                        reader_went.store(true, std::sync::atomic::Ordering::SeqCst);
                    } else {
                        while cores > 1 && !reader_went.load(std::sync::atomic::Ordering::SeqCst) {
                            std::thread::sleep(std::time::Duration::from_millis(1));
                        }
                    }
                    Noted(here, None)
                };
                let mut handed = Vec::new();
                let rules = [&before, &after];
                let sums = compare_piped(cores, &files, 0, rules, (&funds, true), &make, |p| {
                    handed.push(p)
                })
                .unwrap();
                assert!(sums.is_some(), "no sum overflows");
                assert!(handed.len() > 10, "{} blocks", handed.len());
                // In input order: each block's first line past the one before.
                let firsts: Vec<u64> = handed.iter().filter_map(|&(_, first)| first).collect();
                assert_eq!(firsts.len(), handed.len());
                assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
                assert_eq!(firsts[0], 2);
                let by_reader = handed.iter().filter(|&&(t, _)| t == reading).count();
                match cores {
                    1 => assert_eq!(by_reader, 0, "on one core the reading thread only reads"),
                    _ => assert!(by_reader > 0, "the reading thread computed no block"),
                }
                assert!(by_reader < handed.len(), "no core computed a block");
                let mut others: Vec<String> = handed
                    .iter()
                    .filter(|&&(t, _)| t != reading)
                    .map(|(t, _)| format!("{t:?}"))
                    .collect();
                others.sort();
                others.dedup();
                assert_eq!(others.len(), (cores - 1).max(1), "{cores} cores");
            }
        });
    }

    /// The groups each core finds by hash, merged, are each side's groups added up row by
    /// row in input order (the run held whole, [`crate::report::compare::whole::model`]):
    /// tables of many pieces, villages spread over them all, no row bad under one side only
    /// (the groups then count every good row of each side).
    #[test]
    fn groups_merged_from_every_core_are_each_sides_groups_added_row_by_row() {
        use crate::report::compare::Side;
        use crate::report::summary::GroupBy;
        let dir = tempfile::tempdir().unwrap();
        for seed in [1u64, 7, 42] {
            // No approved amounts: none is above the variant's lowered ceiling.
            let texts: Vec<String> = [seed, seed + 1]
                .iter()
                .map(|&s| table_text(s, 5000, u64::MAX).replace(",8万\n", ",\n"))
                .collect();
            let tables = tables(&dir, &texts);
            let before = RuleSet::builtin();
            let (after, _) = before
                .with_settings(&[Setting::parse("poverty.group.3.5=5万").unwrap()])
                .unwrap();
            let c = compare(&tables, &before, &after).unwrap();
            assert_eq!(c.one_side_only, 0);
            for (side, rules) in [(Side::Before, &before), (Side::After, &after)] {
                let held = crate::report::compare::whole::model::whole(&tables, rules).unwrap();
                for by in [GroupBy::Township, GroupBy::Village] {
                    let groupings = c.groupings(side);
                    let merged = &groupings.iter().find(|(b, _)| *b == by).unwrap().1;
                    assert!(merged.len() > 50 || by == GroupBy::Township);
                    assert_eq!(merged, held.summary.groups(by).unwrap(), "{side:?} {by:?}");
                }
            }
            // Read where they lie, the groups are what the same totals held in each side's
            // summary make.
            assert!(c.tallied.is_some());
            let mut held = c.clone();
            held.tallied = None;
            held.before.groupings = c.groupings(Side::Before);
            held.after.groupings = c.groupings(Side::After);
            for by in [GroupBy::Township, GroupBy::Village] {
                assert_eq!(c.groups(by), held.groups(by), "{by:?}");
            }
        }
    }

    /// The groups of a Markdown comparison, written in pieces on every core and each piece
    /// handed on in order, are those written in one piece: pieces of one group, of a few,
    /// of more than there are.
    #[test]
    fn markdown_groups_written_in_pieces_are_those_written_in_one() {
        use crate::report::format::Unit;
        let dir = tempfile::tempdir().unwrap();
        let tables = tables(&dir, &[table_text(3, 3000, 97)]);
        let before = RuleSet::builtin();
        let (after, _) = before
            .with_settings(&[Setting::parse("poverty.group.3.5=15万").unwrap()])
            .unwrap();
        let c = compare(&tables, &before, &after).unwrap();
        let tail = |len: usize, lang: Lang| {
            let mut pieces = Vec::new();
            write::tail_in_pieces(&c, (lang, lang, Unit::Yuan), len, &mut |p| pieces.push(p));
            pieces
        };
        for lang in [Lang::En, Lang::Zh] {
            let whole = String::from_utf8(tail(usize::MAX, lang).concat()).unwrap();
            assert!(whole.matches('\n').count() > 150, "{whole}");
            for len in [1, 7, 4096] {
                let pieces = tail(len, lang);
                assert_eq!(pieces.concat(), whole.as_bytes(), "{len}");
                assert!(pieces.len() > 2, "{len}");
            }
            assert_eq!(write::markdown_tail(&c, lang, lang, Unit::Yuan), whole);
        }
    }

    #[test]
    fn rows_written_again_take_back_those_written_before_but_not_the_head() {
        let mut sink = Vec::new();
        let mut writer = Writer::new(&mut sink, b"head\n".to_vec(), Form::Jsonl);
        writer.sink.put(b"head\n");
        let piece = |text: &str, rows| Written {
            bytes: text.as_bytes().to_vec(),
            bad: Vec::new(),
            rows,
            shown: rows,
            changed: (Vec::new(), 0),
        };
        writer.put(piece("a\nb\n", 2));
        writer.again();
        writer.put(piece("c\n", 1));
        assert_eq!((writer.rows, writer.shown), (1, 1));
        assert_eq!(sink, b"head\nc\n");
    }
}
