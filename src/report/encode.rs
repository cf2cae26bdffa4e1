//! Segment rows as each output format writes them: a [`RowBuf`] is filled field by field (by
//! the batch worker that computed the rows, or by the interactive table exporting its rows),
//! then handed to whatever writes it. What comes before and after the rows (a CSV header, a
//! Markdown table head, a JSON document's opening and its summary) is made here too, so a
//! batch run and an export from the table write the same bytes for the same rows.

use rust_decimal::Decimal;

use super::format::{self, looks_like_formula, markdown_cell, Format, Unit};
use super::layout::Layout;
use super::summary::Summary;
use super::xlsx::Cell;
use crate::engine::{Breakdown, Note, NoteSink};
use crate::i18n::Lang;
use crate::money;
use crate::rules::RuleSet;
use crate::table::csvout;

/// Rows built field by field: text in one of the output formats, or cells for a terminal.
pub enum RowBuf {
    /// Rows as text; `first` while the current row has no field yet; amounts in `unit`.
    Text {
        bytes: Vec<u8>,
        first: bool,
        format: Format,
        excel: bool,
        unit: Unit,
    },
    /// Finished rows of typed cells for a workbook, and the row being built: amounts stay
    /// numbers, never written out as text and read back.
    Typed {
        rows: Vec<Vec<Cell>>,
        current: Vec<Cell>,
    },
    /// Finished rows of cells, and the row being built; amounts in `unit`.
    Cells {
        rows: Vec<Vec<String>>,
        current: Vec<String>,
        unit: Unit,
    },
}

impl RowBuf {
    /// An empty buffer of text in `format` (with room for `room` bytes), or of cells when
    /// `format` is `None`.
    pub fn new(format: Option<Format>, excel: bool, room: usize) -> RowBuf {
        RowBuf::reusing(Vec::new(), format, excel, room)
    }

    /// Whether [`computed_fen`] writes rows here: CSV in yuan, not for Excel.
    pub fn writes_fen(&self) -> bool {
        matches!(
            self,
            RowBuf::Text {
                format: Format::Csv,
                excel: false,
                unit: Unit::Yuan,
                ..
            }
        )
    }

    /// [`RowBuf::new`] in the memory of `bytes`, a buffer used before.
    pub fn reusing(mut bytes: Vec<u8>, format: Option<Format>, excel: bool, room: usize) -> RowBuf {
        match format {
            Some(Format::Xlsx) => RowBuf::Typed {
                rows: Vec::new(),
                current: Vec::new(),
            },
            Some(format) => RowBuf::Text {
                bytes: {
                    bytes.clear();
                    bytes.reserve(room);
                    bytes
                },
                first: true,
                format,
                excel,
                unit: Unit::Yuan,
            },
            None => RowBuf::Cells {
                rows: Vec::new(),
                current: Vec::new(),
                unit: Unit::Yuan,
            },
        }
    }

    /// The buffer writing amounts in `unit` (a workbook's amounts stay numbers of yuan).
    pub fn in_unit(mut self, in_unit: Unit) -> RowBuf {
        match &mut self {
            RowBuf::Text { unit, .. } | RowBuf::Cells { unit, .. } => *unit = in_unit,
            RowBuf::Typed { .. } => {}
        }
        self
    }

    /// Adds a text field to the current row.
    pub fn field(&mut self, text: &str) {
        match self {
            RowBuf::Text {
                bytes,
                first,
                format: Format::Markdown,
                ..
            } => {
                bytes.extend_from_slice(b"| ");
                bytes.extend_from_slice(markdown_cell(text).as_bytes());
                bytes.push(b' ');
                *first = false;
            }
            RowBuf::Text {
                bytes,
                first,
                excel,
                ..
            } => {
                if *excel && looks_like_formula(text) {
                    // A leading apostrophe makes Excel and LibreOffice show the text as text.
                    csvout::push_field(bytes, &format!("'{text}"), *first);
                } else {
                    csvout::push_field(bytes, text, *first);
                }
                *first = false;
            }
            RowBuf::Typed { current, .. } => current.push(Cell::Text(text.to_string())),
            RowBuf::Cells { current, .. } => current.push(text.to_string()),
        }
    }

    /// Adds fields of CSV text that need no quoting, delimiters and all, to the current row of
    /// a CSV buffer.
    pub fn verbatim(&mut self, fields: &str) {
        match self {
            RowBuf::Text {
                bytes,
                first,
                format: Format::Csv,
                excel: false,
                ..
            } => {
                if !*first {
                    bytes.push(b',');
                }
                bytes.extend_from_slice(fields.as_bytes());
                *first = false;
            }
            _ => {
                for field in fields.split(',') {
                    self.field(field);
                }
            }
        }
    }

    /// Adds an amount (two decimals) to the current row; `None` is a blank field.
    pub fn amount(&mut self, value: Option<Decimal>) {
        match self {
            RowBuf::Text {
                bytes,
                first,
                format,
                unit,
                ..
            } => {
                if *format == Format::Markdown {
                    bytes.extend_from_slice(b"| ");
                } else if !*first {
                    bytes.push(b',');
                }
                if let Some(v) = value {
                    unit.push_plain(bytes, v);
                }
                if *format == Format::Markdown {
                    bytes.push(b' ');
                }
                *first = false;
            }
            RowBuf::Typed { current, .. } => current.push(Cell::Amount(value)),
            RowBuf::Cells { current, unit, .. } => {
                current.push(value.map(|v| unit.grouped(v)).unwrap_or_default())
            }
        }
    }

    /// Adds the amount of `fen` fen: what [`RowBuf::amount`] adds of the same yuan, written
    /// straight from the whole number in plain CSV and JSON Lines text of yuan.
    pub fn fen(&mut self, fen: i64) {
        match self {
            RowBuf::Text {
                bytes,
                first,
                format: Format::Csv | Format::Jsonl | Format::Json,
                unit: Unit::Yuan,
                ..
            } => {
                if !*first {
                    bytes.push(b',');
                }
                money::push_plain_fen(bytes, fen);
                *first = false;
            }
            _ => self.amount(Some(money::yuan_of_fen(fen))),
        }
    }

    /// Adds each of `fens` as [`RowBuf::fen`] adds it (`None` a blank field), gathered on the
    /// stack and copied out in a few moves, where [`RowBuf::writes_fen`]; nothing elsewhere.
    pub fn fens(&mut self, fens: &[Option<i64>]) {
        if !self.writes_fen() || fens.is_empty() {
            return;
        }
        let RowBuf::Text { bytes, first, .. } = self else {
            return;
        };
        let mut fields = money::PlainFields::<false>::new(bytes, *first);
        for &fen in fens {
            fields.fen_field(fen);
        }
        drop(fields);
        *first = false;
    }

    /// Ends the current row.
    pub fn end_row(&mut self) {
        match self {
            RowBuf::Text {
                bytes,
                first,
                format,
                ..
            } => {
                if *format == Format::Markdown {
                    bytes.push(b'|');
                }
                bytes.push(b'\n');
                *first = true;
            }
            RowBuf::Typed { rows, current } => rows.push(std::mem::take(current)),
            RowBuf::Cells { rows, current, .. } => rows.push(std::mem::take(current)),
        }
    }

    /// Adds a whole row as one JSON value: a line of its own in JSON Lines; preceded by a
    /// comma in a JSON array (the writer drops the very first one).
    pub fn json(&mut self, value: &serde_json::Value) {
        if let RowBuf::Text { bytes, format, .. } = self {
            if *format == Format::Json {
                bytes.extend_from_slice(b",\n");
            }
            // Serializing a Value into memory cannot fail.
            let _ = serde_json::to_writer(&mut *bytes, value);
            if *format == Format::Jsonl {
                bytes.push(b'\n');
            }
        }
    }
}

/// What comes before the rows of a text output: the CSV header `header` (after a UTF-8 BOM
/// when `bom`; formula-like names kept as text when `excel`), the Markdown table head after
/// `prefix`, or `prefix` itself (a JSON document's opening). Nothing for JSON Lines and
/// workbooks. `header` names `layout`'s columns (see [`Layout::headings`]).
pub fn head(
    layout: &Layout,
    header: &[String],
    format: Format,
    bom: bool,
    excel: bool,
    prefix: &str,
) -> Vec<u8> {
    let right = &layout.right;
    let mut head = Vec::new();
    match format {
        Format::Csv => {
            if bom {
                head.extend_from_slice(b"\xEF\xBB\xBF");
            }
            let mut row = RowBuf::new(Some(Format::Csv), excel, 0);
            for h in header {
                row.field(h);
            }
            row.end_row();
            if let RowBuf::Text { bytes, .. } = row {
                head.extend_from_slice(&bytes);
            }
        }
        Format::Markdown => {
            head.extend_from_slice(prefix.as_bytes());
            for h in header {
                head.extend_from_slice(format!("| {} ", markdown_cell(h)).as_bytes());
            }
            head.extend_from_slice(b"|\n");
            for &r in right {
                head.extend_from_slice(if r { b"|---:" } else { b"|----" });
            }
            head.extend_from_slice(b"|\n");
        }
        Format::Json => head.extend_from_slice(prefix.as_bytes()),
        Format::Jsonl | Format::Xlsx => {}
    }
    head
}

/// What a document in `format` opens with, before its header: a JSON document's rules and the
/// start of its segment list, a Markdown report's titles.
pub fn prefix(format: Format, rules: &RuleSet, lang: Lang) -> String {
    match format {
        Format::Json => format!(
            "{{\"rules\":{},\n\"segments\":[\n",
            format::rules_json(rules)
        ),
        Format::Markdown => format!(
            "# {}\n\n## {}\n\n",
            markdown_cell(rules.meta.display_name(lang)),
            lang.pick("Segments", "路段")
        ),
        _ => String::new(),
    }
}

/// What a document in `format` ends with, after its rows: a JSON document's summary (in
/// yuan, always), a Markdown report's summary tables (amounts in `unit`).
pub fn trailer(
    format: Format,
    rules: &RuleSet,
    summary: &Summary,
    lang: Lang,
    unit: Unit,
) -> String {
    match format {
        Format::Json => format!(
            "\n],\n\"summary\":{}\n}}\n",
            format::summary_json(rules, summary, lang)
        ),
        Format::Markdown => format!("\n{}", format::summary_markdown(rules, summary, lang, unit)),
        _ => String::new(),
    }
}

/// The computed part of a segment row, after its input fields: each fund's amount, the
/// subsidy, the gap, the shortfall, per household, due and outstanding when the layout has
/// them, and `notes`
/// (rendered by [`notes`]); then the row ends.
pub fn computed(rows: &mut RowBuf, b: &Breakdown, layout: &Layout, notes: &str) {
    computed_cell(rows, b, layout, notes, false);
}

/// [`computed`], told that `notes` holds none of the bytes CSV quotes when `csv_plain` (see
/// [`csv_plain`]; `false` when that was not looked at): a CSV row then copies it as it is.
pub fn computed_cell(
    rows: &mut RowBuf,
    b: &Breakdown,
    layout: &Layout,
    notes: &str,
    csv_plain: bool,
) {
    if let RowBuf::Text {
        bytes,
        first,
        format: format @ (Format::Csv | Format::Markdown),
        excel,
        unit: Unit::Yuan,
    } = rows
    {
        // The batch's usual rows: every amount written in one pass (the bytes
        // `RowBuf::amount` writes, as `amounts_are_written_as_one_by_one` pins).
        if *format == Format::Markdown {
            plain_amounts(money::PlainFields::<true>::new(bytes, false), b, layout);
        } else {
            plain_amounts(money::PlainFields::<false>::new(bytes, *first), b, layout);
        }
        end_plain(bytes, *format == Format::Markdown, *excel, notes, csv_plain);
        *first = true;
        return;
    }
    for share in &b.shares {
        rows.amount(Some(share.paid));
    }
    rows.amount(Some(b.subsidy_total));
    rows.amount(Some(b.gap));
    rows.amount(Some(b.shortfall));
    if layout.per_household {
        rows.amount(b.per_household);
    }
    if layout.due {
        rows.amount(b.due);
    }
    if layout.outstanding {
        rows.amount(b.outstanding);
    }
    rows.field(notes);
    rows.end_row();
}

/// A CSV row's computed cells in yuan from its amounts in fen (the batch's fused path): the
/// bytes [`computed_cell`] writes of the breakdown they were taken from. `false`, with
/// nothing written, for rows of any other kind.
#[inline(always)]
pub fn computed_fen(
    rows: &mut RowBuf,
    amounts: &FenAmounts,
    layout: &Layout,
    notes: &str,
    csv_plain: bool,
) -> bool {
    // What `end_plain` writes of a CSV row's notes, the comma before them apart.
    fen_row(rows, amounts, layout, |bytes| match csv_plain {
        true => bytes.extend_from_slice(notes.as_bytes()),
        false => csvout::push_field(bytes, notes, true),
    })
}

/// [`computed_fen`] of a row whose notes cell `write_notes` writes onto the row's bytes (in
/// place, not made apart and copied): the cell then quoted as `csvout::push_field` quotes
/// the same text. `quote_free`: the cell is known to hold no quote or line break
/// (`engine::names_quote_free`), so only a comma decides its quotes.
#[inline(always)]
pub fn computed_fen_with(
    rows: &mut RowBuf,
    amounts: &FenAmounts,
    layout: &Layout,
    quote_free: bool,
    write_notes: impl FnOnce(&mut Vec<u8>),
) -> bool {
    fen_row(rows, amounts, layout, |bytes| match quote_free {
        true => csvout::push_written_comma_field(bytes, write_notes),
        false => csvout::push_written_field(bytes, write_notes),
    })
}

/// A CSV row's computed cells from its amounts in fen, the notes cell written by `notes`
/// (after its comma), then the row's end: for [`computed_fen`] and [`computed_fen_with`].
#[inline(always)]
fn fen_row(
    rows: &mut RowBuf,
    amounts: &FenAmounts,
    layout: &Layout,
    notes: impl FnOnce(&mut Vec<u8>),
) -> bool {
    if !rows.writes_fen() {
        return false;
    }
    let RowBuf::Text { bytes, first, .. } = rows else {
        return false;
    };
    let mut fields = money::PlainFields::<false>::new(bytes, *first);
    in_column_order(
        amounts.paid.iter().copied(),
        [amounts.subsidy, amounts.gap, amounts.shortfall],
        [amounts.per_household, amounts.due, amounts.outstanding],
        layout,
        &mut fields,
    );
    drop(fields);
    bytes.push(b',');
    notes(bytes);
    bytes.push(b'\n');
    *first = true;
    true
}

/// A row's computed amounts in fen: each fund's paid amount, the subsidy, the gap, the
/// shortfall, and per household, due and outstanding when known.
pub struct FenAmounts<'a> {
    pub paid: &'a [i64],
    pub subsidy: i64,
    pub gap: i64,
    pub shortfall: i64,
    pub per_household: Option<i64>,
    pub due: Option<i64>,
    pub outstanding: Option<i64>,
}

/// The notes cell, then the row's end, of a CSV or Markdown row: what `RowBuf::field` and
/// `RowBuf::end_row` write.
#[inline(always)]
fn end_plain(bytes: &mut Vec<u8>, markdown: bool, excel: bool, notes: &str, csv_plain: bool) {
    if markdown {
        bytes.extend_from_slice(b"| ");
        bytes.extend_from_slice(markdown_cell(notes).as_bytes());
        bytes.extend_from_slice(b" |\n");
    } else {
        if csv_plain && !excel {
            // What `csvout::push_field` writes of a field it need not quote.
            bytes.push(b',');
            bytes.extend_from_slice(notes.as_bytes());
        } else if excel && looks_like_formula(notes) {
            csvout::push_field(bytes, &format!("'{notes}"), false);
        } else {
            csvout::push_field(bytes, notes, false);
        }
        bytes.push(b'\n');
    }
}

/// A row's amounts, as [`computed`] writes them, through `fields`.
#[inline(always)]
fn plain_amounts<const MARKDOWN: bool>(
    mut fields: money::PlainFields<MARKDOWN>,
    b: &Breakdown,
    layout: &Layout,
) {
    in_column_order(
        b.shares.iter().map(|share| share.paid),
        [b.subsidy_total, b.gap, b.shortfall],
        [b.per_household, b.due, b.outstanding],
        layout,
        &mut fields,
    );
}

/// A row's computed amounts in the order of the output's columns, each handed to `put`:
/// each fund's paid amount, then the subsidy, the gap and the shortfall, then per
/// household, due and outstanding where `layout` has their columns (the one place that
/// order is written for rows of text, whether the amounts are `Decimal`s or fen).
#[inline(always)]
fn in_column_order<A>(
    paid: impl Iterator<Item = A>,
    [subsidy, gap, shortfall]: [A; 3],
    [per_household, due, outstanding]: [Option<A>; 3],
    layout: &Layout,
    fields: &mut impl money::PutAmount<A>,
) {
    for amount in paid {
        fields.put(Some(amount));
    }
    fields.put(Some(subsidy));
    fields.put(Some(gap));
    fields.put(Some(shortfall));
    for (shown, amount) in [
        (layout.per_household, per_household),
        (layout.due, due),
        (layout.outstanding, outstanding),
    ] {
        if shown {
            fields.put(amount);
        }
    }
}

/// Whether `text` holds none of the bytes a CSV field is quoted for (a comma, a quote, a line
/// break): `csvout::push_field` writes it as it is.
pub fn csv_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr3(b',', b'"', b'\n', bytes).is_none() && memchr::memchr(b'\r', bytes).is_none()
}

/// A row's notes as its notes column holds them, each written by `one` (which may keep the
/// texts it has made before), joined in `lang`'s way.
pub fn notes(out: &mut String, notes: &[Note], lang: Lang, one: impl FnMut(&Note, &mut String)) {
    out.clear();
    join_notes(out, notes, lang, one);
}

/// [`notes`] appended to what `out` holds (a batch row's bytes, say).
pub fn join_notes<S: NoteSink>(
    out: &mut S,
    notes: &[Note],
    lang: Lang,
    mut one: impl FnMut(&Note, &mut S),
) {
    for (i, n) in notes.iter().enumerate() {
        if i > 0 {
            out.push_str(lang.pick("; ", "；"));
        }
        one(n, out);
    }
}

/// Writes a whole document of rows already encoded (`rows`, made with `format`) to `path`,
/// atomically: what comes before them, the rows, and the summary after them; for a workbook,
/// the segments sheet and the summary and rules sheets. A text document's computed columns are
/// headed in `headings` and its Markdown summary's amounts are in `unit`, as a batch run's
/// `--headings` and `--amounts` put them (the rows' own unit is the buffer's).
#[allow(clippy::too_many_arguments)]
pub fn write_document(
    path: &std::path::Path,
    layout: &Layout,
    rules: &RuleSet,
    summary: &Summary,
    lang: Lang,
    headings: Lang,
    unit: Unit,
    rows: RowBuf,
) -> std::io::Result<()> {
    use std::io::Write;
    let out = crate::table::replace::Replacement::new(path, ".tmp")?;
    match rows {
        RowBuf::Typed { rows, .. } => {
            let mut report = super::xlsx::Report::new(layout, rules, lang, path)
                .map_err(std::io::Error::other)?;
            report.rows(&rows).map_err(std::io::Error::other)?;
            report.finish(out.file(), rules, summary, lang)?;
        }
        RowBuf::Text { bytes, format, .. } => {
            let mut file = out.file();
            file.write_all(&head(
                layout,
                &layout.headings(rules, headings, unit, format == Format::Markdown),
                format,
                false,
                false,
                &prefix(format, rules, lang),
            ))?;
            // A JSON list's first row has no comma before it.
            let body = match format {
                Format::Json => bytes.strip_prefix(b",").unwrap_or(&bytes),
                _ => &bytes,
            };
            file.write_all(body)?;
            file.write_all(trailer(format, rules, summary, lang, unit).as_bytes())?;
        }
        RowBuf::Cells { .. } => {
            return Err(std::io::Error::other("a terminal table is not a document"));
        }
    }
    out.commit()
}

/// `text` in GBK, for `--encoding gbk`: the minus sign roadsub writes before a decrease
/// (`−`, U+2212) is not in GBK, and GB18030 would write it as four bytes that older
/// programs reading GBK reject, so it is written as `-`; € is the byte 0x80, as Excel and WPS
/// on Windows read it (GB18030's A2 E3 they show garbled). Text from the table itself is
/// kept as it was read (a character beyond GBK comes out in GB18030, as it came in).
pub fn gbk_bytes(text: &str) -> Vec<u8> {
    gbk_bytes_as_given(&text.replace('\u{2212}', "-"))
}

/// [`gbk_bytes`] of a piece of output made out of order (on one of several threads), its
/// characters GBK lacks not noted: whoever puts the pieces in order notes them
/// ([`beyond_gbk_of`], [`note_beyond`]), so that the character the warning names is the
/// first the output holds, not the first a thread happened to encode.
pub fn gbk_bytes_unnoted(text: &str) -> Vec<u8> {
    in_gbk(&text.replace('\u{2212}', "-"))
}

/// `text` in GBK as every GBK output writes it (a batch's rows as they are, a comparison's
/// after [`gbk_bytes`]): € as 0x80, a character GBK lacks in GB18030 and noted for the
/// run's warning ([`beyond_gbk_line`]).
pub fn gbk_bytes_as_given(text: &str) -> Vec<u8> {
    let out = in_gbk(text);
    note_beyond_gbk(&out);
    out
}

/// `text` in GBK as it is given: € as 0x80, a character GBK lacks in GB18030.
fn in_gbk(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 4);
    crate::table::push_gb18030(&mut out, text, crate::table::Euro::Cp936);
    out
}

/// Of the characters written in GBK output that GBK lacks (GB18030 writes them in four
/// bytes, which older Excel and WPS show garbled), the first and how many, for the run's
/// warning ([`beyond_gbk_line`]).
static BEYOND_GBK: std::sync::Mutex<(Option<char>, u64)> = std::sync::Mutex::new((None, 0));

/// Notes the characters GBK lacks in `encoded`, output written in GBK (GB18030) by
/// [`gbk_bytes`] or a batch's writer.
pub fn note_beyond_gbk(encoded: &[u8]) {
    let (first, n) = beyond_gbk_of(encoded);
    note_beyond(first, n);
}

/// Notes `n` characters GBK lacks written in GBK output, the first of them `first`, after
/// those noted before (the warning names the first noted of all).
pub fn note_beyond(first: Option<char>, n: u64) {
    if n == 0 {
        return;
    }
    let mut noted = match BEYOND_GBK.lock() {
        Ok(noted) => noted,
        Err(poisoned) => poisoned.into_inner(),
    };
    noted.0 = noted.0.or(first);
    noted.1 += n;
}

/// The first character of GB18030 `bytes` written in four bytes, and how many are: the
/// characters GBK lacks in a piece of GBK output ([`note_beyond`] notes them for the run's
/// warning).
pub fn beyond_gbk_of(bytes: &[u8]) -> (Option<char>, u64) {
    let (mut first, mut n, mut i) = (None, 0, 0);
    while i < bytes.len() {
        // ASCII, the € of 0x80 and 0xFF stand alone; a lead byte 0x81–0xFE is followed by
        // a digit in a four-byte sequence, by another byte in a two-byte one.
        if !(0x81..=0xFE).contains(&bytes[i]) {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(0x30..=0x39) => {
                n += 1;
                if first.is_none() {
                    let four = &bytes[i..(i + 4).min(bytes.len())];
                    let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(four);
                    first = text.chars().next();
                }
                i += 4;
            }
            _ => i += 2,
        }
    }
    (first, n)
}

/// What to say when output written in GBK held characters GBK lacks: they are kept (in
/// GB18030, as roadsub reads them back), but older Excel and WPS show them garbled. `None`
/// when there were none. Said once a run, after the output is written.
pub fn beyond_gbk_line(lang: Lang) -> Option<String> {
    let noted = match BEYOND_GBK.lock() {
        Ok(noted) => *noted,
        Err(poisoned) => *poisoned.into_inner(),
    };
    let (Some(c), n) = noted else {
        return None;
    };
    let code = u32::from(c);
    Some(match lang {
        Lang::En => format!(
            "note: the output holds “{c}” (U+{code:04X}), which GBK lacks{}: written in GB18030, so nothing is lost, but older Excel and WPS show {} garbled (--excel without --encoding writes UTF-8 they read)",
            match n {
                1 => String::new(),
                n => format!(" ({n} such characters in all)"),
            },
            if n == 1 { "it" } else { "them" }
        ),
        Lang::Zh => format!(
            "注意：输出中含有 GBK 没有的字符“{c}”（U+{code:04X}）{}：已按 GB18030 写出，内容不会丢失，但旧版 Excel 和 WPS 会显示为乱码（不加 --encoding 而用 --excel 可写出它们能读的 UTF-8）",
            match n {
                1 => String::new(),
                n => format!("等，共 {n} 处"),
            }
        ),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::engine::Share;
    use crate::rules::TierChoice;
    use crate::table::Columns;

    /// Amounts of every form: whole fen mostly, fewer or more decimals, negative (zero too),
    /// beyond 64 bits of fen.
    fn amount() -> impl Strategy<Value = Decimal> {
        let mantissa = prop_oneof![
            Just(0i128),
            0i128..1_000_000,
            -100_000_000_000_000i128..100_000_000_000_000,
            -(1i128 << 90)..(1i128 << 90),
        ];
        (mantissa, prop_oneof![Just(2u32), 0u32..=6], any::<bool>()).prop_map(|(m, s, flip)| {
            let d = Decimal::from_i128_with_scale(m, s);
            if flip {
                -d
            } else {
                d
            }
        })
    }

    proptest! {
        /// The characters GBK output lacks are found in its bytes as GBK's own encoder finds
        /// them: any text (CJK, rare ideographs, emoji, €, ASCII), written as every GBK
        /// output writes it.
        #[test]
        fn the_characters_gbk_lacks_are_counted_in_the_bytes_written(
            text in prop::collection::vec(
                prop_oneof![
                    prop::char::range('a', 'z'),
                    prop::char::range('一', '龥'),
                    prop::char::range('\u{3400}', '\u{4DBF}'),
                    prop::char::range('\u{20000}', '\u{2A6DF}'),
                    prop::char::range('\u{1F600}', '\u{1F64F}'),
                    Just('€'), Just('·'), Just('—'), Just('\u{FFFD}'),
                ],
                0..40,
            ).prop_map(|c| c.into_iter().collect::<String>())
        ) {
            let mut out = Vec::new();
            crate::table::push_gb18030(&mut out, &text, crate::table::Euro::Cp936);
            let lacks: Vec<char> = text
                .chars()
                .filter(|c| encoding_rs::GBK.encode(&c.to_string()).2)
                .collect();
            prop_assert_eq!(beyond_gbk_of(&out), (lacks.first().copied(), lacks.len() as u64));
        }
    }

    proptest! {
        #[test]
        fn a_notes_cell_is_written_as_any_cell_is_and_copied_when_known_to_need_no_quotes(
            notes in prop::sample::select(vec![
                "", "a note", "width 3.0 m is below", "a, b", "say \"x\"", "two\nlines",
                "cr\rhere", "宽度 3.0 米低于", "=formula", "| pipe",
            ]),
            markdown in any::<bool>(),
            excel in any::<bool>(),
        ) {
            let columns = Columns::from_header(vec!["id", "township", "village", "class", "width_m", "length_km", "cost"])
                .unwrap();
            let layout = Layout::new(&columns, &RuleSet::builtin());
            let b = Breakdown::default();
            let format = if markdown { Format::Markdown } else { Format::Csv };
            let mut known = RowBuf::new(Some(format), excel, 0);
            let mut looked = RowBuf::new(Some(format), excel, 0);
            known.field("S1");
            looked.field("S1");
            computed_cell(&mut known, &b, &layout, notes, csv_plain(notes));
            // Field by field, as any row is written.
            for amount in [b.subsidy_total, b.gap, b.shortfall] {
                looked.amount(Some(amount));
            }
            let flags = [layout.per_household, layout.due, layout.outstanding];
            for (amount, shown) in [b.per_household, b.due, b.outstanding].into_iter().zip(flags) {
                if shown {
                    looked.amount(amount);
                }
            }
            looked.field(notes);
            looked.end_row();
            let (RowBuf::Text { bytes: known, .. }, RowBuf::Text { bytes: looked, .. }) =
                (known, looked)
            else {
                panic!("text rows");
            };
            prop_assert_eq!(String::from_utf8(known).unwrap(), String::from_utf8(looked).unwrap());
        }
    }

    proptest! {
        #[test]
        fn an_amount_in_fen_is_written_as_its_decimal_is(
            fen in prop_oneof![Just(0i64), -1_000_000i64..1_000_000, any::<i64>()],
            format in prop::sample::select(vec![
                Some(Format::Csv), Some(Format::Jsonl), Some(Format::Json),
                Some(Format::Markdown), Some(Format::Xlsx), None,
            ]),
            wan in any::<bool>(),
            first in any::<bool>(),
        ) {
            let unit = if wan { Unit::Wan } else { Unit::Yuan };
            let mut by_fen = RowBuf::new(format, false, 0).in_unit(unit);
            let mut by_decimal = RowBuf::new(format, false, 0).in_unit(unit);
            if !first {
                by_fen.field("S1");
                by_decimal.field("S1");
            }
            by_fen.fen(fen);
            by_decimal.amount(Some(money::yuan_of_fen(fen)));
            by_fen.end_row();
            by_decimal.end_row();
            match (by_fen, by_decimal) {
                (RowBuf::Text { bytes: a, .. }, RowBuf::Text { bytes: b, .. }) => {
                    prop_assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
                }
                (RowBuf::Typed { rows: a, .. }, RowBuf::Typed { rows: b, .. }) => {
                    prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
                }
                (RowBuf::Cells { rows: a, .. }, RowBuf::Cells { rows: b, .. }) => {
                    prop_assert_eq!(a, b);
                }
                _ => prop_assert!(false, "the same kind of buffer"),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn amounts_are_written_as_one_by_one(
            paid in prop::collection::vec(amount(), 0..4),
            totals in prop::array::uniform3(amount()),
            optional in prop::array::uniform3(prop::option::of(amount())),
            shown in prop::array::uniform3(any::<bool>()),
            markdown in any::<bool>(),
            first in any::<bool>(),
        ) {
            let mut header = vec!["id", "township", "village", "class", "width_m", "length_km", "cost"];
            for (column, shown) in ["households", "completed_km", "disbursed"].into_iter().zip(shown) {
                if shown {
                    header.push(column);
                }
            }
            let columns = Columns::from_header(header).unwrap();
            let layout = Layout::new(&columns, &RuleSet::builtin());
            let b = Breakdown {
                shares: paid
                    .iter()
                    .map(|&p| Share { tier: TierChoice::NoTierForClass, nominal: p, paid: p })
                    .collect(),
                subsidy_total: totals[0],
                gap: totals[1],
                shortfall: totals[2],
                per_household: optional[0],
                due: optional[1],
                outstanding: optional[2],
                ..Breakdown::default()
            };
            let format = if markdown { Format::Markdown } else { Format::Csv };
            let mut fast = RowBuf::new(Some(format), false, 0);
            let mut slow = RowBuf::new(Some(format), false, 0);
            if !first {
                fast.field("S1");
                slow.field("S1");
            }
            computed(&mut fast, &b, &layout, "a note, quoted");
            for share in &b.shares {
                slow.amount(Some(share.paid));
            }
            for amount in totals {
                slow.amount(Some(amount));
            }
            let flags = [layout.per_household, layout.due, layout.outstanding];
            for (amount, shown) in optional.into_iter().zip(flags) {
                if shown {
                    slow.amount(amount);
                }
            }
            slow.field("a note, quoted");
            slow.end_row();
            let (RowBuf::Text { bytes: fast, .. }, RowBuf::Text { bytes: slow, .. }) = (fast, slow)
            else {
                panic!("text rows");
            };
            prop_assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(slow).unwrap());
        }
    }
}
