//! A comparison in the machine formats (CSV, JSON lines, one JSON document) and as Markdown.
//! JSON keeps ids and plain yuan (`-1785000.00`), as batch output does; CSV does too unless
//! asked for Chinese headings (`县交通局补助·变更前（元）`, 是/否) or amounts in 万元, as a
//! batch run's CSV is; Markdown heads its columns in the language asked for.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::whole::{Comparison, GroupPair, Pair};
use super::{column_ids, plain, unit_suffix, Amounts, Side};
#[cfg(test)]
use super::{grouped_in, signed_in};
use crate::i18n::Lang;
use crate::money;
use crate::report::encode::RowBuf;
use crate::report::format::{markdown_cell, summary_json, Format, Unit};
use crate::report::layout::{LINE_ZH, NOTES_ZH};
use crate::report::summary::GroupBy;

/// What the variant is, said in words: one line per `--set`, or the file compared against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// `set` or `against`.
    pub kind: &'static str,
    /// The settings as written, or the rules file's path.
    pub given: Vec<String>,
    /// The variant in words, in the language asked for, one line each.
    pub lines: Vec<String>,
}

/// Where the CSV and JSON lines name the amounts of `id` under a side: `poverty_before`.
fn key(id: &str, what: &str) -> String {
    format!("{id}_{what}")
}

/// The CSV/JSON lines header: `file` (when several inputs), `line`, `id`, `township`,
/// `village`, `class`, then `X_before`, `X_after`, `X_change` per column, then `changed` and
/// `errors` (why a side is blank).
pub fn csv_header(c: &Comparison) -> Vec<String> {
    let mut h: Vec<String> = Vec::new();
    if c.labels.len() > 1 {
        h.push("file".into());
    }
    h.extend(
        ["line", "id", "township", "village", "class"]
            .iter()
            .map(|s| s.to_string()),
    );
    for id in column_ids(&c.funds) {
        for what in ["before", "after", "change"] {
            h.push(key(id, what));
        }
    }
    h.push("changed".into());
    h.push("errors".into());
    h
}

/// `before`, `after`, `change` as a Chinese CSV heading joins them to a column's name:
/// `县交通局补助·变更前（元）`.
const ZH_SIDES: [&str; 3] = ["变更前", "变更后", "变化"];

/// The CSV header in `headings`, amounts saying they are in `unit` as a batch run's CSV
/// headings say it: in English the ids of [`csv_header`] (` (万元)` after an amount in 万元,
/// nothing after one in yuan, so scripts keep reading `transport_before`); in Chinese the
/// names, each amount with its side and unit (`补助合计·变化（万元）`).
pub fn csv_heading(c: &Comparison, headings: Lang, unit: Unit) -> Vec<String> {
    let suffix = unit.suffix(headings);
    if headings == Lang::En {
        let mut h = csv_header(c);
        let amounts = h.len() - 2 - 3 * (c.funds.len() + 3)..h.len() - 2;
        for name in &mut h[amounts] {
            name.push_str(suffix);
        }
        return h;
    }
    let mut h: Vec<String> = Vec::new();
    if c.labels.len() > 1 {
        h.push("文件".into());
    }
    h.extend([LINE_ZH, "编号", "乡镇", "村", "类别"].map(str::to_string));
    for name in column_names(c, Lang::Zh) {
        for side in ZH_SIDES {
            h.push(format!("{name}·{side}{suffix}"));
        }
    }
    h.push("有变化".into());
    h.push(NOTES_ZH.into());
    h
}

/// A cell of a row for JSON lines, as [`jsonl_row_model`] makes it.
#[cfg(test)]
enum Cell {
    /// Text as it is.
    Text(String),
    /// An amount in fen; `None` where a side is bad.
    Amount(Option<i128>),
}

/// One row's cells for JSON lines: the amounts in fen, blank where a side is bad,
/// and the row's errors in `lang` with their place, as JSON and standard error say them
/// (`; `-joined; empty when none).
#[cfg(test)]
fn cells(c: &Comparison, p: &Pair, lang: Lang) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::new();
    if c.labels.len() > 1 {
        out.push(Cell::Text(c.labels[p.file].clone()));
    }
    out.push(Cell::Text(p.line.to_string()));
    for t in [&p.id, &p.township, &p.village, &p.class] {
        out.push(Cell::Text(t.clone()));
    }
    let before: Option<Vec<i128>> = p.before.as_ref().ok().map(|a| a.columns().collect());
    let after: Option<Vec<i128>> = p.after.as_ref().ok().map(|a| a.columns().collect());
    let change: Option<Vec<i128>> = p.change().map(|a| a.columns().collect());
    for i in 0..c.funds.len() + 3 {
        for side in [&before, &after, &change] {
            out.push(Cell::Amount(side.as_ref().map(|v| v[i])));
        }
    }
    out.push(Cell::Text(p.changed().to_string()));
    out.push(Cell::Text(c.placed_errors(p, lang).join("; ")));
    out
}

/// The rows as CSV: one line per segment computed under at least one side, headed as
/// [`csv_heading`] heads them, amounts in `unit`, whether a row changed `true`/`false` under
/// English headings and 是/否 under Chinese ones (the errors stay in `lang`). With `excel`,
/// text that starts like a formula is kept as text, as a batch run's `--excel` keeps it (the
/// caller adds the byte-order mark).
pub fn csv(c: &Comparison, lang: Lang, excel: bool, headings: Lang, unit: Unit) -> Vec<u8> {
    let mut rows = csv_buf(excel, unit, Vec::new());
    csv_head(c, headings, unit, &mut rows);
    csv_rows(c, c.shown(), lang, headings, &mut rows);
    bytes_of(rows)
}

/// An empty buffer of CSV rows in the memory of `bytes`, written as [`csv`] writes them.
pub fn csv_buf(excel: bool, unit: Unit, bytes: Vec<u8>) -> RowBuf {
    RowBuf::reusing(bytes, Some(Format::Csv), excel, 0).in_unit(unit)
}

/// The text a buffer of [`csv_buf`] holds.
pub fn bytes_of(rows: RowBuf) -> Vec<u8> {
    match rows {
        RowBuf::Text { bytes, .. } => bytes,
        _ => Vec::new(),
    }
}

/// The CSV's first line, as [`csv`] writes it.
pub fn csv_head(c: &Comparison, headings: Lang, unit: Unit, rows: &mut RowBuf) {
    for h in csv_heading(c, headings, unit) {
        rows.field(&h);
    }
    rows.end_row();
}

/// The lines [`csv`] writes for those of `pairs` that are shown, added to `rows`.
pub fn csv_rows<'p>(
    c: &Comparison,
    pairs: impl IntoIterator<Item = &'p Pair>,
    lang: Lang,
    headings: Lang,
    rows: &mut RowBuf,
) {
    let n = c.funds.len();
    // Column `i` of `a` as [`Amounts::columns`] orders them, without collecting them.
    let col = |a: &Amounts, i: usize| match i.checked_sub(n) {
        None => a.funds[i],
        Some(0) => a.subsidy_total,
        Some(1) => a.gap,
        Some(_) => a.shortfall,
    };
    for p in pairs.into_iter().filter(|p| p.shown()) {
        if c.labels.len() > 1 {
            rows.field(&c.labels[p.file]);
        }
        rows.field(itoa::Buffer::new().format(p.line));
        for t in [&p.id, &p.township, &p.village, &p.class] {
            rows.field(t);
        }
        let (before, after) = (p.before.as_ref().ok(), p.after.as_ref().ok());
        let triple = |i: usize| {
            let b = before.map(|a| col(a, i));
            let a = after.map(|a| col(a, i));
            let change = b.zip(a).map(|(b, a)| super::change(b, a));
            [b, a, change]
        };
        // Every amount within i64 (all but sums far beyond any budget), gathered first and
        // written as `RowBuf::fen` writes each, in a few moves.
        let mut narrow: smallvec::SmallVec<[Option<i64>; 24]> = smallvec::SmallVec::new();
        let fits = rows.writes_fen()
            && (0..n + 3).all(|i| {
                triple(i).into_iter().all(|fen| match fen {
                    None => {
                        narrow.push(None);
                        true
                    }
                    Some(fen) => i64::try_from(fen).is_ok_and(|fen| {
                        narrow.push(Some(fen));
                        true
                    }),
                })
            });
        if fits {
            rows.fens(&narrow);
        } else {
            for fen in (0..n + 3).flat_map(triple) {
                match fen {
                    None => rows.amount(None),
                    Some(fen) => match i64::try_from(fen) {
                        Ok(fen) => rows.fen(fen),
                        Err(_) => match money::from_fen(fen) {
                            Some(v) => rows.amount(Some(v)),
                            None => rows.field("overflow"),
                        },
                    },
                }
            }
        }
        rows.field(match (p.changed(), headings) {
            (true, Lang::Zh) => "是",
            (false, Lang::Zh) => "否",
            (true, Lang::En) => "true",
            (false, Lang::En) => "false",
        });
        if p.bad() {
            rows.field(&c.placed_errors(p, lang).join("; "));
        } else {
            rows.field("");
        }
        rows.end_row();
    }
}

/// The rows as JSON lines: one object per segment, with the CSV's keys (null where blank;
/// `line` a number, `changed` a boolean).
pub fn jsonl(c: &Comparison, lang: Lang) -> Vec<u8> {
    let mut out = Vec::new();
    jsonl_rows(c, c.shown(), lang, &mut out);
    out
}

/// The lines [`jsonl`] writes for those of `pairs` that are shown, added to `out`.
pub fn jsonl_rows<'p>(
    c: &Comparison,
    pairs: impl IntoIterator<Item = &'p Pair>,
    lang: Lang,
    out: &mut Vec<u8>,
) {
    let keys = JsonlKeys::new(&csv_header(c));
    for p in pairs.into_iter().filter(|p| p.shown()) {
        jsonl_row(c, &keys, p, lang, out);
    }
}

/// The keys of a JSON Lines row in the order a JSON object of them is written (sorted; a key
/// named by two columns holds the last one's value), each as written before its value
/// (`"id":`), with its column in [`csv_header`].
pub struct JsonlKeys(Vec<(Vec<u8>, usize)>);

impl JsonlKeys {
    /// The keys of `header` ([`csv_header`]).
    pub fn new(header: &[String]) -> JsonlKeys {
        let mut last = BTreeMap::new();
        for (column, key) in header.iter().enumerate() {
            last.insert(key.as_str(), column);
        }
        JsonlKeys(
            last.into_iter()
                .map(|(key, column)| {
                    let mut bytes = Vec::new();
                    push_json_str(&mut bytes, key);
                    bytes.push(b':');
                    (bytes, column)
                })
                .collect(),
        )
    }
}

/// The line [`jsonl`] writes for `p` (shown), under `keys`: the object [`jsonl_row_model`]
/// makes of the row's cells and serializes, written straight onto `out` (a million rows each
/// made a map of strings took four times as long as computing them).
pub fn jsonl_row(c: &Comparison, keys: &JsonlKeys, p: &Pair, lang: Lang, out: &mut Vec<u8>) {
    let labeled = usize::from(c.labels.len() > 1);
    let change = p.change();
    let sides = [
        p.before.as_ref().ok(),
        p.after.as_ref().ok(),
        change.as_ref(),
    ];
    let amounts = 3 * (c.funds.len() + 3);
    out.push(b'{');
    for (i, (key, column)) in keys.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(key);
        match column.checked_sub(labeled) {
            None => push_json_str(out, &c.labels[p.file]),
            Some(0) => out.extend_from_slice(itoa::Buffer::new().format(p.line).as_bytes()),
            Some(1) => push_json_str(out, &p.id),
            Some(2) => push_json_str(out, &p.township),
            Some(3) => push_json_str(out, &p.village),
            Some(4) => push_json_str(out, &p.class),
            Some(k) if k - 5 < amounts => {
                let (i, side) = ((k - 5) / 3, (k - 5) % 3);
                match sides[side] {
                    Some(a) => push_plain_json(out, a.column(i)),
                    None => out.extend_from_slice(b"null"),
                }
            }
            Some(k) if k - 5 == amounts => {
                out.extend_from_slice(if p.changed() { b"true" } else { b"false" });
            }
            Some(_) => push_json_str(out, &c.placed_errors(p, lang).join("; ")),
        }
    }
    out.extend_from_slice(b"}\n");
}

/// [`jsonl_row`] by way of a `serde_json` map of the row's cells: the model it is held to.
#[cfg(test)]
pub fn jsonl_row_model(c: &Comparison, header: &[String], p: &Pair, lang: Lang, out: &mut Vec<u8>) {
    let mut o = Map::new();
    for (k, v) in header.iter().zip(cells(c, p, lang)) {
        let v = match (k.as_str(), v) {
            ("line", _) => json!(p.line),
            ("changed", _) => json!(p.changed()),
            (_, Cell::Text(s)) => Value::String(s),
            (_, Cell::Amount(Some(fen))) => Value::String(plain(fen)),
            (_, Cell::Amount(None)) => Value::Null,
        };
        o.insert(k.clone(), v);
    }
    // Serializing a Value into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, &Value::Object(o));
    out.push(b'\n');
}

/// Amounts as JSON: `{"funds": {id: yuan}, "subsidy_total", "gap", "shortfall"}`.
fn amounts_json(c: &Comparison, a: &Amounts) -> Value {
    let funds: Map<String, Value> = c
        .funds
        .ids
        .iter()
        .zip(&a.funds)
        .map(|(id, f)| (id.clone(), Value::String(plain(*f))))
        .collect();
    json!({
        "funds": funds,
        "subsidy_total": plain(a.subsidy_total),
        "gap": plain(a.gap),
        "shortfall": plain(a.shortfall),
    })
}

fn errors_json(c: &Comparison, p: &Pair, side: Side, lang: Lang) -> Value {
    let errors = match side {
        Side::Before => p.before.as_ref().err(),
        Side::After => p.after.as_ref().err(),
    };
    let label = &c.labels[p.file];
    Value::Array(
        errors
            .into_iter()
            .flatten()
            .map(|e| Value::String(e.render(label, c.rules(side), lang)))
            .collect(),
    )
}

fn group_json(c: &Comparison, g: &GroupPair) -> Value {
    json!({
        "key": g.key,
        "segments_before": g.rows.0,
        "segments_after": g.rows.1,
        "before": amounts_json(c, &g.before),
        "after": amounts_json(c, &g.after),
        "change": amounts_json(c, &g.change()),
    })
}

/// The whole comparison as one JSON document (the README documents its schema).
pub fn json(c: &Comparison, variant: &Variant, lang: Lang) -> Value {
    let rows = c.shown().map(|p| row_json(c, p, lang)).collect();
    let groups = |by| Value::Array(c.groups(by).iter().map(|g| group_json(c, g)).collect());
    let groups = json!({
        "township": groups(GroupBy::Township),
        "village": groups(GroupBy::Village),
    });
    document(c, variant, lang, groups, Value::Array(rows))
}

/// A row of the JSON document's `rows`.
fn row_json(c: &Comparison, p: &Pair, lang: Lang) -> Value {
    let side = |a: Option<&Amounts>| a.map_or(Value::Null, |a| amounts_json(c, a));
    json!({
        "file": c.labels[p.file],
        "line": p.line,
        "id": p.id,
        "township": p.township,
        "village": p.village,
        "class": p.class,
        "before": side(p.amounts(Side::Before)),
        "after": side(p.amounts(Side::After)),
        "change": side(p.change().as_ref()),
        "changed": p.changed(),
        "errors_before": errors_json(c, p, Side::Before, lang),
        "errors_after": errors_json(c, p, Side::After, lang),
    })
}

/// What stands for an array in the text of [`document`] that is written on its own, item by
/// item: a string no name or text can hold (a control character, escaped in JSON text).
const WRITTEN_APART: &str = "\u{0}apart";

/// The pretty text of the JSON document ([`json`]'s, as `to_string_pretty` writes it, with
/// its line end) in the four parts between which its township groups, its village groups and
/// its rows go, each an array written item by item ([`json_group`], [`json_rows`]) and put
/// between them by [`json_array`]: the sums of `c` (its totals and budgets) are all it reads
/// here, not its rows or groups.
pub fn json_frame(c: &Comparison, variant: &Variant, lang: Lang) -> [String; 4] {
    let apart = Value::String(WRITTEN_APART.into());
    let groups = json!({"township": apart, "village": apart});
    let whole = document(c, variant, lang, groups, apart.clone());
    let mut text = serde_json::to_string_pretty(&whole).unwrap_or_default();
    text.push('\n');
    let mark = serde_json::to_string(WRITTEN_APART).unwrap_or_default();
    // Each the document's own key, at its own depth (a text that held the mark would have its
    // line ends escaped, and be elsewhere), in the order of the document's sorted keys.
    let mut parts = Vec::with_capacity(4);
    let mut rest = text.as_str();
    for key in [
        "\n    \"township\": ",
        "\n    \"village\": ",
        "\n  \"rows\": ",
    ] {
        match rest.split_once(&format!("{key}{mark}")) {
            Some((before, after)) => {
                parts.push(format!("{before}{key}"));
                rest = after;
            }
            None => parts.push(String::new()),
        }
    }
    parts.push(rest.to_string());
    parts.try_into().unwrap_or_default()
}

/// Indentation of the township and village groups in the JSON document, and of its rows.
pub const JSON_GROUPS: usize = 4;
pub const JSON_ROWS: usize = 2;

/// The rows of the JSON document that are among `pairs` (those shown), each an item of its
/// array of rows: a comma, then the row on lines of their own, indented as the document
/// indents them. Written straight from the row's amounts, they are the bytes `serde_json`'s
/// pretty printer makes of [`row_json`]'s `Value` there (which [`json`] holds whole: the
/// model the stream's property test holds these to).
pub fn json_rows<'p>(
    c: &Comparison,
    pairs: impl IntoIterator<Item = &'p Pair>,
    lang: Lang,
    out: &mut Vec<u8>,
) {
    let funds = fund_order(c);
    for p in pairs.into_iter().filter(|p| p.shown()) {
        push_row_json(c, &funds, p, lang, out);
    }
}

/// A group of the JSON document, an item of its array of groups (`funds`: [`fund_order`]),
/// written straight from its amounts as [`json_rows`] writes a row ([`group_json`]'s model).
pub fn json_group(c: &Comparison, funds: &[usize], g: &GroupPair, out: &mut Vec<u8>) {
    let at = JSON_GROUPS + 2;
    out.push(b',');
    push_indent(out, at);
    out.push(b'{');
    let change = g.change();
    for (key, a) in [
        ("after", &g.after),
        ("before", &g.before),
        ("change", &change),
    ] {
        push_key(out, at + 2, key, key == "after");
        push_amounts_json(out, (&c.funds.ids, funds), Some(a), at + 2);
    }
    push_key(out, at + 2, "key", false);
    push_json_str(out, &g.key);
    push_key(out, at + 2, "segments_after", false);
    out.extend_from_slice(g.rows.1.to_string().as_bytes());
    push_key(out, at + 2, "segments_before", false);
    out.extend_from_slice(g.rows.0.to_string().as_bytes());
    push_indent(out, at);
    out.push(b'}');
}

/// The funds in the order of their ids (the order of a JSON object's keys).
pub fn fund_order(c: &Comparison) -> Vec<usize> {
    let mut order: Vec<usize> = (0..c.funds.ids.len()).collect();
    order.sort_by(|&a, &b| c.funds.ids[a].cmp(&c.funds.ids[b]));
    order
}

/// A row of the JSON document, an item of its array of rows, written straight.
fn push_row_json(c: &Comparison, funds: &[usize], p: &Pair, lang: Lang, out: &mut Vec<u8>) {
    let at = JSON_ROWS + 2;
    out.push(b',');
    push_indent(out, at);
    out.push(b'{');
    let change = p.change();
    let sides = [
        ("after", p.amounts(Side::After)),
        ("before", p.amounts(Side::Before)),
        ("change", change.as_ref()),
    ];
    for (key, a) in sides {
        push_key(out, at + 2, key, key == "after");
        push_amounts_json(out, (&c.funds.ids, funds), a, at + 2);
    }
    push_key(out, at + 2, "changed", false);
    out.extend_from_slice(if p.changed() { b"true" } else { b"false" });
    push_key(out, at + 2, "class", false);
    push_json_str(out, &p.class);
    let label = &c.labels[p.file];
    for (key, side, errors) in [
        ("errors_after", Side::After, p.after.as_ref().err()),
        ("errors_before", Side::Before, p.before.as_ref().err()),
    ] {
        push_key(out, at + 2, key, false);
        match errors.map(Vec::as_slice).unwrap_or_default() {
            [] => out.extend_from_slice(b"[]"),
            errors => {
                out.push(b'[');
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    push_indent(out, at + 4);
                    push_json_str(out, &e.render(label, c.rules(side), lang));
                }
                push_indent(out, at + 2);
                out.push(b']');
            }
        }
    }
    push_key(out, at + 2, "file", false);
    push_json_str(out, label);
    push_key(out, at + 2, "id", false);
    push_json_str(out, &p.id);
    push_key(out, at + 2, "line", false);
    out.extend_from_slice(p.line.to_string().as_bytes());
    push_key(out, at + 2, "township", false);
    push_json_str(out, &p.township);
    push_key(out, at + 2, "village", false);
    push_json_str(out, &p.village);
    push_indent(out, at);
    out.push(b'}');
}

/// [`amounts_json`] of `a` (`null` for none) as the value of a key `at` spaces in, the funds
/// in the order `funds` gives ([`fund_order`] of the comparison whose funds' ids are `ids`).
fn push_amounts_json(
    out: &mut Vec<u8>,
    (ids, funds): (&[String], &[usize]),
    a: Option<&Amounts>,
    at: usize,
) {
    let Some(a) = a else {
        return out.extend_from_slice(b"null");
    };
    out.push(b'{');
    push_key(out, at + 2, "funds", true);
    // The funds the amounts have (as `amounts_json` pairs them with the ids).
    let have = ids.len().min(a.funds.len());
    if have == 0 {
        out.extend_from_slice(b"{}");
    } else {
        out.push(b'{');
        for (i, &f) in funds.iter().filter(|&&f| f < have).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_indent(out, at + 4);
            push_json_str(out, &ids[f]);
            out.extend_from_slice(b": ");
            push_plain_json(out, a.funds[f]);
        }
        push_indent(out, at + 2);
        out.push(b'}');
    }
    for (key, fen) in [
        ("gap", a.gap),
        ("shortfall", a.shortfall),
        ("subsidy_total", a.subsidy_total),
    ] {
        push_key(out, at + 2, key, false);
        push_plain_json(out, fen);
    }
    push_indent(out, at);
    out.push(b'}');
}

/// A line end and `n` spaces.
fn push_indent(out: &mut Vec<u8>, n: usize) {
    out.push(b'\n');
    out.resize(out.len() + n, b' ');
}

/// An object's key on its own line `at` spaces in, after the comma that ends the entry
/// before it (none before the `first`).
fn push_key(out: &mut Vec<u8>, at: usize, key: &str, first: bool) {
    if !first {
        out.push(b',');
    }
    push_indent(out, at);
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// `text` as a JSON string, escaped as `serde_json` escapes it.
fn push_json_str(out: &mut Vec<u8>, text: &str) {
    // Writing into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// [`plain`] of `fen` as a JSON string, with no `String` made for the usual amount.
fn push_plain_json(out: &mut Vec<u8>, fen: i128) {
    out.push(b'"');
    match i64::try_from(fen) {
        Ok(fen) => money::push_plain_fen(out, fen),
        Err(_) => out.extend_from_slice(plain(fen).as_bytes()),
    }
    out.push(b'"');
}

/// An array of the JSON document whose closing bracket stands `depth` spaces in, made of
/// items (`any`: whether there is one): the bytes before the items, how many of the
/// items' first bytes are left out (the first one's comma), and the bytes after them.
pub fn json_array(any: bool, depth: usize) -> (&'static [u8], usize, String) {
    match any {
        true => (b"[", 1, format!("\n{:depth$}]", "")),
        false => (b"[]", 0, String::new()),
    }
}

/// The JSON document with `groups` for its groups and `rows` for its rows.
fn document(c: &Comparison, variant: &Variant, lang: Lang, groups: Value, rows: Value) -> Value {
    let funds: Vec<Value> = (0..c.funds.len())
        .map(|i| {
            json!({
                "id": c.funds.ids[i],
                "name": c.funds.name(i, Lang::Zh),
                "name_en": c.funds.name(i, Lang::En),
            })
        })
        .collect();
    let before = summary_json(c.before_rules, &c.before, lang);
    let after = summary_json(c.after_rules, &c.after, lang);
    let (tb, ta) = (&c.before.total, &c.after.total);
    let mut change = amounts_json(c, &c.totals(Side::Before).change_to(&c.totals(Side::After)));
    if let Value::Object(o) = &mut change {
        o.insert(
            "segments".into(),
            json!(i128::from(ta.segments) - i128::from(tb.segments)),
        );
        let km = ta
            .planned_km
            .value()
            .checked_sub(tb.planned_km.value())
            .map_or(Value::Null, |v| Value::String(money::measure(v)));
        o.insert("planned_km".into(), km);
    }
    json!({
        "variant": {
            "kind": variant.kind,
            "given": variant.given,
            "description": variant.lines,
        },
        "funds": funds,
        "rows": rows,
        "groups": groups,
        "totals": {
            "before": before["total"],
            "after": after["total"],
            "change": change,
        },
        "rows_one_side_only": c.one_side_only,
        "budgets": {
            "before": before["budgets"],
            "after": after["budgets"],
        },
    })
}

/// Column headings in `lang`: each fund's name, then subsidy total, gap, shortfall.
pub fn column_names(c: &Comparison, lang: Lang) -> Vec<String> {
    (0..c.funds.len())
        .map(|i| c.funds.name(i, lang).to_string())
        .chain(
            [
                lang.pick("subsidy total", "补助合计"),
                lang.pick("gap", "差额"),
                lang.pick("shortfall", "尚需筹集"),
            ]
            .map(str::to_string),
        )
        .collect()
}

/// `before`, `after`, `change` in `lang`.
pub fn side_words(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::En => ["before", "after", "change"],
        Lang::Zh => ["变更前", "变更后", "变化"],
    }
}

/// A grouped amount in `unit`, or blank for a side that is bad.
#[cfg(test)]
fn grouped(fen: Option<i128>, unit: Unit) -> String {
    fen.map_or_else(String::new, |f| grouped_in(f, unit))
}

fn md_row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        crate::report::format::push_markdown_cell(out, c);
        out.push_str(" |");
    }
    out.push('\n');
}

fn md_table(out: &mut String, header: &[String], left: usize, rows: &[Vec<String>]) {
    md_table_with(out, header, left, 0, rows);
}

/// [`md_table`] whose last `notes` columns are text again, aligned left.
fn md_table_with(
    out: &mut String,
    header: &[String],
    left: usize,
    notes: usize,
    rows: &[Vec<String>],
) {
    md_row(out, header);
    out.push('|');
    let amounts = header.len().saturating_sub(notes);
    for i in 0..header.len() {
        out.push_str(if i < left || i >= amounts {
            "---|"
        } else {
            "---:|"
        });
    }
    out.push('\n');
    for r in rows {
        md_row(out, r);
    }
}

/// Three cells per column: before, after, change, in `unit` (the model [`push_triple`] is
/// held to).
#[cfg(test)]
fn triple_cells(
    b: Option<&Amounts>,
    a: Option<&Amounts>,
    ch: Option<&Amounts>,
    unit: Unit,
) -> Vec<String> {
    let n = b.or(a).map_or(0, |x| x.funds.len() + 3);
    let col = |x: Option<&Amounts>, i: usize| x.map(|x| x.columns().nth(i).unwrap_or(0));
    (0..n)
        .flat_map(|i| {
            [
                grouped(col(b, i), unit),
                grouped(col(a, i), unit),
                col(ch, i).map_or_else(String::new, |f| signed_in(f, unit)),
            ]
        })
        .collect()
}

/// Before, after and change of each column, in `lang`, each saying its unit:
/// `县交通局补助 变更前（元）`, `subsidy total change (万元)`.
pub fn triple_header(c: &Comparison, lang: Lang, unit: Unit) -> Vec<String> {
    let [b, a, ch] = side_words(lang);
    let u = unit_suffix(unit, lang);
    column_names(c, lang)
        .iter()
        .flat_map(|n| {
            [
                format!("{n} {b}{u}"),
                format!("{n} {a}{u}"),
                format!("{n} {ch}{u}"),
            ]
        })
        .collect()
}

/// The comparison as a Markdown report: the variant, rows, groups, totals and budgets, every
/// amount in `unit`. The tables of rows and groups are headed in `headings` (`--headings`, else
/// the language in force, as a batch run's Markdown is); the rest is in `lang`.
pub fn markdown(
    c: &Comparison,
    variant: &Variant,
    lang: Lang,
    headings: Lang,
    unit: Unit,
) -> String {
    let mut out = markdown_head(c, &variant.lines, lang, headings, unit);
    markdown_rows_text(c, c.shown(), lang, unit, &mut out);
    out.push_str(&markdown_tail(c, lang, headings, unit));
    out
}

/// What a Markdown comparison writes before its rows: the title, the variant's changes
/// (`changes`) and the header of the table of rows.
pub fn markdown_head(
    c: &Comparison,
    changes: &[String],
    lang: Lang,
    headings: Lang,
    unit: Unit,
) -> String {
    let mut out = format!("# {}\n\n", lang.pick("What if: compare", "对比测算"));
    for l in changes {
        out.push_str(&format!("- {}\n", markdown_cell(l)));
    }
    out.push_str(&format!("\n## {}\n\n", lang.pick("Segments", "路段")));
    let mut header: Vec<String> = Vec::new();
    let h = headings;
    if c.labels.len() > 1 {
        header.push(h.pick("file", "文件").into());
    }
    let lead = [
        h.pick("line", LINE_ZH),
        h.pick("id", "编号"),
        h.pick("township", "乡镇"),
        h.pick("village", "村"),
        h.pick("class", "类别"),
    ];
    header.extend(lead.iter().map(|s| s.to_string()));
    let left = header.len();
    header.extend(triple_header(c, h, unit));
    header.push(h.pick("notes", NOTES_ZH).to_string());
    md_table_with(&mut out, &header, left, 1, &[]);
    out
}

/// Rows `pairs` (those shown) as lines of a Markdown comparison's table of rows: each cell
/// written straight onto `out` (a text escaped, an amount from its fen), no string made per
/// cell; the same text as [`markdown_rows_model`] (a property test holds them together).
pub fn markdown_rows<'p>(
    c: &Comparison,
    pairs: impl IntoIterator<Item = &'p Pair>,
    lang: Lang,
    unit: Unit,
    out: &mut Vec<u8>,
) {
    let text = |out: &mut Vec<u8>, t: &str| {
        out.push(b' ');
        crate::report::format::push_markdown_cell_bytes(out, t);
        out.extend_from_slice(b" |");
    };
    for p in pairs.into_iter().filter(|p| p.shown()) {
        out.push(b'|');
        if c.labels.len() > 1 {
            text(out, &c.labels[p.file]);
        }
        out.push(b' ');
        out.extend_from_slice(itoa::Buffer::new().format(p.line).as_bytes());
        out.extend_from_slice(b" |");
        for t in [&p.id, &p.township, &p.village, &p.class] {
            text(out, t);
        }
        push_sides(
            out,
            p.amounts(Side::Before),
            p.amounts(Side::After),
            Some(c.funds.len() + 3),
            unit,
        );
        text(out, &c.row_errors(p, lang).join(lang.pick("; ", "；")));
        out.push(b'\n');
    }
}

/// [`markdown_rows`] onto text.
pub fn markdown_rows_text<'p>(
    c: &Comparison,
    pairs: impl IntoIterator<Item = &'p Pair>,
    lang: Lang,
    unit: Unit,
    out: &mut String,
) {
    let mut rows = Vec::new();
    markdown_rows(c, pairs, lang, unit, &mut rows);
    // Only text was written: the rows' own text, amounts and separators.
    out.push_str(std::str::from_utf8(&rows).unwrap_or_default());
}

/// [`markdown_rows`] a string a cell, as it was written before: the model it is held to.
#[cfg(test)]
pub fn markdown_rows_model<'p>(
    c: &Comparison,
    pairs: impl IntoIterator<Item = &'p Pair>,
    lang: Lang,
    unit: Unit,
    out: &mut String,
) {
    let mut r: Vec<String> = Vec::new();
    for p in pairs.into_iter().filter(|p| p.shown()) {
        r.clear();
        if c.labels.len() > 1 {
            r.push(c.labels[p.file].clone());
        }
        r.push(p.line.to_string());
        r.extend([&p.id, &p.township, &p.village, &p.class].map(|s| s.clone()));
        let n = c.funds.len() + 3;
        let mut t = triple_cells(
            p.amounts(Side::Before),
            p.amounts(Side::After),
            p.change().as_ref(),
            unit,
        );
        t.resize(n * 3, String::new());
        r.extend(t);
        r.push(c.row_errors(p, lang).join(lang.pick("; ", "；")));
        md_row(out, &r);
    }
}

/// [`push_triple`] of a row's or group's amounts `before` and `after` and their change (there
/// when both are): a row of amounts in yuan each under [`money::GROUPED_WORD_FEN`], as
/// nearly every row is, written by [`push_sides_in_words`], any other by [`push_triple`].
fn push_sides(
    out: &mut Vec<u8>,
    before: Option<&Amounts>,
    after: Option<&Amounts>,
    columns: Option<usize>,
    unit: Unit,
) {
    if let (Unit::Yuan, Some(b), Some(a)) = (unit, before, after) {
        if push_sides_in_words(out, b, a, columns) {
            return;
        }
    }
    let change = before.zip(after).map(|(b, a)| b.change_to(a));
    push_triple(out, [before, after, change.as_ref()], columns, unit);
}

/// The most columns of amounts [`push_sides_in_words`] writes: five funds and the row's
/// three settled amounts (the bundled rules have two funds).
const WORD_COLUMNS: usize = 8;

/// The bytes a column's three cells take at most in [`push_sides_in_words`]: ` b | a | c |`,
/// a sign before each amount (`−` is three bytes) and an amount's 16-byte store.
const TRIPLE_ROOM: usize = 64;

/// The separator before a change and the change's sign, eight bytes each, and how many of
/// them are written: ` | −` for a fall, ` | ` for none, ` | +` for a rise (by `signum + 1`).
const CHANGE_SIGNS: [([u8; 8], usize); 3] = [
    (*b" | \xe2\x88\x92\0\0", 6),
    (*b" | \0\0\0\0\0", 3),
    (*b" | +\0\0\0\0", 4),
];

/// `bytes` written at `at` in `buf`, `at` moved past them.
#[inline(always)]
fn put(buf: &mut [u8], at: &mut usize, bytes: &[u8]) {
    buf[*at..*at + bytes.len()].copy_from_slice(bytes);
    *at += bytes.len();
}

/// An amount's word ([`money::grouped_word`]) stored at `at` in `buf` as one 16-byte copy,
/// `at` moved past its text.
#[inline(always)]
fn put_word(buf: &mut [u8], at: &mut usize, (word, len): (u128, usize)) {
    buf[*at..*at + 16].copy_from_slice(&word.to_le_bytes());
    *at += len;
}

/// [`push_triple`] of `b`, `a` and their change in yuan, when every amount and change is
/// under [`money::GROUPED_WORD_FEN`]: each column's three cells made in whole words, the
/// change worked out as they are written (no [`Amounts`] of it made), the row gathered on the
/// stack and copied onto `out` once. Writes nothing and says `false` when an amount or a
/// change is not so, or the two sides' columns, or `columns`, differ from the row's.
fn push_sides_in_words(
    out: &mut Vec<u8>,
    b: &Amounts,
    a: &Amounts,
    columns: Option<usize>,
) -> bool {
    let n = b.funds.len() + 3;
    if a.funds.len() != b.funds.len() || n > WORD_COLUMNS || columns.is_some_and(|c| c != n) {
        return false;
    }
    // The text of the last amount made, kept for the next (most amounts are the same after
    // as before).
    let mut last = (0u64, ZERO_WORD, 4usize);
    let mut word = |m: u64| -> Option<(u128, usize)> {
        if m == 0 {
            return Some((ZERO_WORD, 4));
        }
        if m != last.0 {
            let (w, len) = money::grouped_word(m)?;
            last = (m, w, len);
        }
        Some((last.1, last.2))
    };
    let mut buf = [0u8; WORD_COLUMNS * TRIPLE_ROOM + 16];
    let mut at = 0;
    for i in 0..n {
        let [x, y] = [b.column(i), a.column(i)].map(|f| {
            i64::try_from(f)
                .ok()
                .filter(|f| f.unsigned_abs() < money::GROUPED_WORD_FEN)
        });
        let (Some(x), Some(y)) = (x, y) else {
            return false;
        };
        // Both under a thousand million yuan: their change is exact in 64 bits (and written
        // in a word when it is under a thousand million yuan too).
        let d = y - x;
        let (Some(wx), Some(wy), Some(wd)) = (
            word(x.unsigned_abs()),
            word(y.unsigned_abs()),
            word(d.unsigned_abs()),
        ) else {
            return false;
        };
        // Each separator stored whole with the sign that may follow it (copies of a length
        // known when the code is made, not calls to copy memory), then passed as far as
        // it goes: a sign left out is written over by the amount.
        put(&mut buf, &mut at, b" -");
        at -= usize::from(x >= 0);
        put_word(&mut buf, &mut at, wx);
        put(&mut buf, &mut at, b" | -");
        at -= usize::from(y >= 0);
        put_word(&mut buf, &mut at, wy);
        let (sign, len) = CHANGE_SIGNS[(d.signum() + 1) as usize];
        put(&mut buf, &mut at, &sign);
        at -= sign.len() - len;
        put_word(&mut buf, &mut at, wd);
        put(&mut buf, &mut at, b" |");
    }
    out.extend_from_slice(&buf[..at]);
    true
}

/// The cells [`triple_cells`] makes of `[before, after, change]`, written as a Markdown row's
/// cells (` x |` each) straight onto `out`; with `columns`, as many columns as that, blank
/// cells added or cells left off as `Vec::resize` would. The cells are gathered as bytes and
/// made text once: fifteen amounts a row, each checked as UTF-8 on its own, cost more than
/// the amounts themselves.
fn push_triple(
    out: &mut Vec<u8>,
    [b, a, ch]: [Option<&Amounts>; 3],
    columns: Option<usize>,
    unit: Unit,
) {
    let have = b.or(a).map_or(0, |x| x.funds.len() + 3);
    let shown = columns.map_or(have, |n| have.min(n));
    let col = |x: Option<&Amounts>, i: usize| x.map(|x| x.column(i));
    CELLS.with_borrow_mut(|(scratch, apart)| {
        let mut cells = Cells {
            buf: scratch,
            at: 0,
            last: None,
            apart,
            apart_of: None,
        };
        for i in 0..shown {
            cells.room();
            cells.put(b" ");
            if let Some(f) = col(b, i) {
                cells.grouped(f, unit, b"");
            }
            cells.put(b" | ");
            // Most amounts are the same after as before: their word is made once.
            if let Some(f) = col(a, i) {
                cells.grouped(f, unit, b"");
            }
            cells.put(b" | ");
            if let Some(f) = col(ch, i) {
                cells.signed(f, unit);
            }
            cells.put(b" |");
        }
        for _ in shown * 3..columns.map_or(0, |n| n * 3) {
            cells.room();
            cells.put(b"  |");
        }
        out.extend_from_slice(&cells.buf[..cells.at]);
    });
}

thread_local! {
    /// The bytes of a row's cells, gathered before they are made text (kept from row to row,
    /// and kept as long as the longest row made: [`Cells`] writes within it).
    static CELLS: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// A row's cells written into a buffer kept longer than what is written (`buf[..at]`), so
/// that an amount is one 16-byte store of a word made in a register ([`money::grouped_word`])
/// and each separator a store of a length known when the code is made: no call to copy
/// memory, no growing checked byte by byte.
struct Cells<'a> {
    buf: &'a mut Vec<u8>,
    at: usize,
    /// The last amount's magnitude made a word, and the word with its length.
    last: Option<(u64, u128, usize)>,
    /// An amount no word holds (or in 万元) made apart before it is copied in, and the
    /// amount it is the text of, kept for the next (most amounts are the same after as
    /// before).
    apart: &'a mut Vec<u8>,
    apart_of: Option<i128>,
}

/// The word of `0.00` ([`money::grouped_word`] of no fen).
const ZERO_WORD: u128 = u32::from_le_bytes(*b"0.00") as u128;

/// The most [`Cells`] writes between two calls of [`Cells::room`]: three separators, the
/// minus sign and two amounts' words of 16 bytes, with room to spare.
const CELL_ROOM: usize = 96;

impl Cells<'_> {
    /// Makes sure a column's cells fit after what is written.
    #[inline(always)]
    fn room(&mut self) {
        if self.at + CELL_ROOM > self.buf.len() {
            self.buf.resize(self.at + 4 * CELL_ROOM, 0);
        }
    }

    /// Writes `bytes` (a few, within the room made).
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        self.buf[self.at..self.at + bytes.len()].copy_from_slice(bytes);
        self.at += bytes.len();
    }

    /// [`push_grouped_in`] of `fen` in `unit`, after `sign` (written only with the amount).
    #[inline(always)]
    fn grouped(&mut self, fen: i128, unit: Unit, sign: &[u8]) {
        if let (Unit::Yuan, Ok(magnitude)) = (unit, u64::try_from(fen.unsigned_abs())) {
            let word = match self.last {
                Some((last, word, len)) if last == magnitude => Some((word, len)),
                // A zero change is the commonest amount of all.
                _ if magnitude == 0 => Some((ZERO_WORD, 4)),
                _ => money::grouped_word(magnitude).inspect(|&(word, len)| {
                    self.last = Some((magnitude, word, len));
                }),
            };
            if let Some((word, len)) = word {
                self.put(sign);
                if fen < 0 {
                    self.put(b"-");
                }
                self.buf[self.at..self.at + 16].copy_from_slice(&word.to_le_bytes());
                self.at += len;
                return;
            }
        }
        self.general(fen, unit, sign);
    }

    /// [`Cells::grouped`] of an amount no word holds, or in 万元: made apart and copied.
    #[inline(never)]
    fn general(&mut self, fen: i128, unit: Unit, sign: &[u8]) {
        if self.apart_of != Some(fen) {
            self.apart.clear();
            push_grouped_in(self.apart, fen, unit);
            self.apart_of = Some(fen);
        }
        self.put(sign);
        self.copy_apart();
    }

    /// [`push_signed_in`] of `fen` in `unit`.
    #[inline(always)]
    fn signed(&mut self, fen: i128, unit: Unit) {
        match fen.checked_abs() {
            Some(abs) if u64::try_from(abs).is_ok_and(|m| m < money::GROUPED_WORD_FEN) => {
                let sign: &[u8] = match fen.signum() {
                    1 => b"+",
                    -1 => "−".as_bytes(),
                    _ => b"",
                };
                self.grouped(abs, unit, sign);
            }
            _ => {
                self.apart.clear();
                push_signed_in(self.apart, fen, unit);
                self.apart_of = None;
                self.copy_apart();
            }
        }
    }

    /// What was made apart (an amount beyond the word, in 万元, "overflow") copied after what
    /// is written, with a column's room after it. The buffer is never cut short: grown (and
    /// zeroed) again for each amount, the 万元 cells took a fifth longer than before.
    fn copy_apart(&mut self) {
        let (at, len) = (self.at, self.apart.len());
        if at + len + CELL_ROOM > self.buf.len() {
            self.buf.resize(at + len + 4 * CELL_ROOM, 0);
        }
        self.buf[at..at + len].copy_from_slice(self.apart);
        self.at += len;
    }
}

/// [`super::grouped_in`] written onto `out`.
fn push_grouped_in(out: &mut Vec<u8>, fen: i128, unit: Unit) {
    if let (Unit::Yuan, Ok(magnitude)) = (unit, u64::try_from(fen.unsigned_abs())) {
        // What `money::push_grouped` writes of that many fen (nearly every amount).
        let (bytes, start) = money::grouped_fen_bytes(fen < 0, magnitude);
        return out.extend_from_slice(&bytes[start..]);
    }
    match money::from_fen(fen) {
        Some(v) => push_unit(out, v, unit),
        None => out.extend_from_slice(b"overflow"),
    }
}

/// [`super::signed_in`] written onto `out`.
fn push_signed_in(out: &mut Vec<u8>, fen: i128, unit: Unit) {
    // An amount beyond what can be shown is "overflow", without a sign.
    let Some(abs) = fen
        .checked_abs()
        .filter(|&abs| u64::try_from(abs).is_ok() || money::from_fen(abs).is_some())
    else {
        return out.extend_from_slice(b"overflow");
    };
    match fen.signum() {
        1 => out.push(b'+'),
        -1 => out.extend_from_slice("−".as_bytes()),
        _ => {}
    }
    push_grouped_in(out, abs, unit);
}

/// [`Unit::grouped`] written onto `out`.
fn push_unit(out: &mut Vec<u8>, v: rust_decimal::Decimal, unit: Unit) {
    match unit {
        Unit::Yuan => {
            let mut text = String::new();
            money::push_grouped(&mut text, v);
            out.extend_from_slice(text.as_bytes());
        }
        Unit::Wan => money::push_wan(out, v, true),
    }
}

/// How many groups one core writes at a time in [`markdown_tail_into`].
const GROUP_PIECE: usize = 4096;

/// How many groups ahead of the one written a group's totals are asked for.
const GROUPS_AHEAD: usize = 8;

/// What a Markdown comparison writes after its rows: the groups, the totals and the budgets.
pub fn markdown_tail(c: &Comparison, lang: Lang, headings: Lang, unit: Unit) -> String {
    let mut out = Vec::new();
    markdown_tail_into(c, lang, headings, unit, &mut |piece| out.extend(piece));
    // Only text was written: the names as given, ASCII amounts and the sign `−`.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`markdown_tail`] handed to `put` piece after piece, in order: the groups are written on
/// every core, each piece handed on as soon as those before it are, so that it is written
/// while the next ones are made.
pub fn markdown_tail_into(
    c: &Comparison,
    lang: Lang,
    headings: Lang,
    unit: Unit,
    put: &mut dyn FnMut(Vec<u8>),
) {
    tail_in_pieces(c, (lang, headings, unit), GROUP_PIECE, put);
}

/// [`markdown_tail_into`], the groups written `piece_len` at a time.
pub(super) fn tail_in_pieces(
    c: &Comparison,
    (lang, headings, unit): (Lang, Lang, Unit),
    piece_len: usize,
    put: &mut dyn FnMut(Vec<u8>),
) {
    let h = headings;
    let mut out = String::new();
    for (by, en, zh) in [
        (GroupBy::Township, "By township", "按乡镇"),
        (GroupBy::Village, "By village", "按村"),
    ] {
        out.push_str(&format!("\n## {}\n\n", lang.pick(en, zh)));
        let mut header = vec![h.pick(en, zh).trim_start_matches("By ").to_string()];
        if h == Lang::Zh {
            header[0] = if by == GroupBy::Township {
                "乡镇"
            } else {
                "村"
            }
            .into();
        }
        header.extend(triple_header(c, h, unit));
        md_table(&mut out, &header, 1, &[]);
        // The groups written in pieces on every core (187,307 villages on a million rows),
        // each group made only as it is written; the pieces in order.
        let groups = c.ordered_groups(by);
        let piece = |at: usize| {
            let start = at.saturating_mul(piece_len);
            &groups[start..start.saturating_add(piece_len).min(groups.len())]
        };
        put(std::mem::take(&mut out).into_bytes());
        super::cores::in_order_on_every_core(
            groups.len().div_ceil(piece_len),
            || 0,
            |last_len: &mut usize, at| {
                // About as long as the core's last piece: not grown (and copied) line by line.
                // Bytes: each line's cells are text, and checking them as such again cost
                // more than writing them.
                let mut out = Vec::with_capacity(*last_len + *last_len / 8);
                let piece = piece(at);
                for (k, &g) in piece.iter().enumerate() {
                    // The groups are in the order people read, their totals where the rows
                    // met them: each is asked for a few groups ahead.
                    if let Some(&ahead) = piece.get(k + GROUPS_AHEAD) {
                        c.prefetch_group(ahead);
                    }
                    let g = c.group_pair(g);
                    out.extend_from_slice(b"| ");
                    crate::report::format::push_markdown_cell_bytes(&mut out, &g.key);
                    out.extend_from_slice(b" |");
                    push_sides(&mut out, Some(&g.before), Some(&g.after), None, unit);
                    out.push(b'\n');
                }
                *last_len = out.len();
                out
            },
            &mut *put,
        );
    }
    out.push_str(&format!("\n## {}\n\n", lang.pick("Totals", "合计")));
    let lines = super::screen::totals_rows_with_units(c, lang, unit);
    let [b, a, ch] = side_words(lang);
    let header = [lang.pick("item", "项目"), b, a, ch].map(str::to_string);
    md_table(&mut out, &header, 1, &lines);
    if let Some(s) = c.one_side_sentence(lang) {
        out.push_str(&format!("\n{}\n", markdown_cell(&s)));
    }
    let tables = super::screen::budget_tables(c, lang, unit);
    let overruns = super::screen::overrun_sentences(c, lang);
    // Rules with no budget on either side: no heading over nothing.
    if !tables.is_empty() || !overruns.is_empty() {
        out.push_str(&format!("\n## {}\n\n", lang.pick("Budgets", "预算额度")));
        for (title, table) in tables {
            if let Some(t) = title {
                out.push_str(&format!("**{}**\n\n", markdown_cell(&t)));
            }
            md_table(&mut out, &table.0, 1, &table.1);
            out.push('\n');
        }
        for s in overruns {
            out.push_str(&format!("{}\n\n", markdown_cell(&s)));
        }
    }
    put(out.into_bytes());
}

#[cfg(test)]
mod cells {
    use proptest::prelude::*;

    use super::*;

    /// Fen at every edge a cell's writer branches on: zero, one, the ends of `u64`, of what a
    /// `Decimal` holds (2^96) and of `i128`, either sign.
    fn fen() -> impl Strategy<Value = i128> {
        let edges = [
            0,
            1,
            99,
            100,
            i128::from(u64::MAX),
            i128::from(u64::MAX) + 1,
            (1 << 96) - 1,
            1 << 96,
            i128::MAX,
        ];
        prop_oneof![
            proptest::sample::select(edges.to_vec()),
            proptest::sample::select(edges.to_vec()).prop_map(|f| -f),
            Just(i128::MIN),
            any::<i64>().prop_map(i128::from),
            any::<i128>(),
        ]
    }

    /// Two funds, the subsidy, the gap and the shortfall in fen under each side: every
    /// amount and change within i64 (the rows gathered), or any.
    fn two_sides() -> impl Strategy<Value = Vec<Vec<i128>>> {
        let within = proptest::collection::vec(-(1i128 << 62)..1i128 << 62, 5);
        let any_fen = proptest::collection::vec(fen(), 5);
        prop_oneof![
            proptest::collection::vec(within, 2),
            proptest::collection::vec(any_fen, 2),
        ]
    }

    /// A pair of line 9 (`S1`, 天马乡, `村, 1`, 通村) with `amounts` on each side, the first
    /// bad when bit 0 of `bad` is set, the second when bit 1 is (an overflow each).
    fn pair_of(amounts: &[Vec<i128>], bad: usize) -> Pair {
        let side = |a: &[i128], bad: bool| match bad {
            true => Err(vec![crate::table::RowError::row(
                9,
                crate::table::Problem::Overflow,
            )]),
            false => Ok(Amounts {
                funds: a[..2].iter().copied().collect(),
                subsidy_total: a[2],
                gap: a[3],
                shortfall: a[4],
            }),
        };
        Pair {
            file: 0,
            line: 9,
            id: "S1".into(),
            township: "天马乡".into(),
            village: "村, 1".into(),
            class: "通村".into(),
            before: side(&amounts[0], bad & 1 == 1),
            after: side(&amounts[1], bad & 2 == 2),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// A cell written as bytes is the text the cell-by-cell model makes of it, in yuan
        /// and in 万元, an amount and a change alike ("overflow" included).
        #[test]
        fn cells_written_as_bytes_are_the_cells_made_as_text(
            fen in fen(),
            wan in any::<bool>(),
        ) {
            let unit = if wan { Unit::Wan } else { Unit::Yuan };
            let mut bytes = Vec::new();
            push_grouped_in(&mut bytes, fen, unit);
            prop_assert_eq!(String::from_utf8(bytes).unwrap(), grouped_in(fen, unit));
            let mut bytes = Vec::new();
            push_signed_in(&mut bytes, fen, unit);
            prop_assert_eq!(String::from_utf8(bytes).unwrap(), signed_in(fen, unit));
        }

        /// A row's cells written as words, or made apart and copied (万元, amounts beyond a
        /// word, "overflow"), are the cells made one by one: amounts drawn from a few, so
        /// that one repeats on a side, across the sides and in the change (the last made is
        /// kept for the next), two rows one after the other, as many columns as asked.
        #[test]
        fn triple_cells_written_are_the_cells_made_one_by_one(
            pool in proptest::collection::vec(
                prop_oneof![
                    fen(),
                    Just(i128::from(money::GROUPED_WORD_FEN) - 1),
                    Just(i128::from(money::GROUPED_WORD_FEN)),
                    -(1i128 << 40)..1i128 << 40,
                ],
                3,
            ),
            picks in proptest::collection::vec(0usize..3, 20),
            wan in any::<bool>(),
            columns in proptest::option::of(0usize..8),
            bad in 0usize..4,
        ) {
            let unit = if wan { Unit::Wan } else { Unit::Yuan };
            let (mut bytes, mut sides, mut want) = (Vec::new(), Vec::new(), String::new());
            for row in picks.chunks(10) {
                let amounts: Vec<Vec<i128>> = (row.chunks(5))
                    .map(|side| side.iter().map(|&i| pool[i]).collect())
                    .collect();
                let p = pair_of(&amounts, bad);
                let (b, a, ch) = (p.amounts(Side::Before), p.amounts(Side::After), p.change());
                push_triple(&mut bytes, [b, a, ch.as_ref()], columns, unit);
                push_sides(&mut sides, b, a, columns, unit);
                let mut cells = triple_cells(b, a, ch.as_ref(), unit);
                if let Some(n) = columns {
                    cells.resize(n * 3, String::new());
                }
                want.extend(cells.iter().map(|c| format!(" {c} |")));
            }
            prop_assert_eq!(&String::from_utf8(bytes).unwrap(), &want);
            prop_assert_eq!(String::from_utf8(sides).unwrap(), want);
        }

        /// A row's amounts and changes written in whole words ([`push_sides_in_words`]) are
        /// the cells the cell-by-cell model makes of them, whenever they are so written: any
        /// number of funds, amounts of either sign at the word's edges and within it, changes
        /// that reach past it; and when they are not, nothing is written.
        #[test]
        fn a_rows_cells_in_whole_words_are_the_cells_made_one_by_one(
            funds in 0usize..7,
            values in proptest::collection::vec(
                prop_oneof![
                    Just(0i128),
                    Just(i128::from(money::GROUPED_WORD_FEN) - 1),
                    Just(-i128::from(money::GROUPED_WORD_FEN) + 1),
                    Just(i128::from(money::GROUPED_WORD_FEN)),
                    Just(i128::from(i64::MAX) + 1),
                    Just(i128::MAX),
                    -1_000_000i128..1_000_000,
                    -(1i128 << 37)..1i128 << 37,
                ],
                20,
            ),
            same in proptest::collection::vec(any::<bool>(), 10),
        ) {
            let n = funds + 3;
            let side = |v: &[i128]| Amounts {
                funds: v[..funds].iter().copied().collect(),
                subsidy_total: v[funds],
                gap: v[funds + 1],
                shortfall: v[funds + 2],
            };
            let b = side(&values[..n]);
            // Most amounts the same after as before, as most rows' are.
            let after: Vec<i128> = (0..n)
                .map(|i| if same[i] { values[i] } else { values[10 + i] })
                .collect();
            let a = side(&after);
            let mut words = Vec::new();
            let written = push_sides_in_words(&mut words, &b, &a, Some(n));
            let ch = b.change_to(&a);
            let cells = triple_cells(Some(&b), Some(&a), Some(&ch), Unit::Yuan);
            let want: String = cells.iter().map(|c| format!(" {c} |")).collect();
            let fits = |f: i128| f.unsigned_abs() < u128::from(money::GROUPED_WORD_FEN);
            let all_fit = b.columns().chain(a.columns()).chain(ch.columns()).all(fits);
            prop_assert_eq!(written, all_fit && n <= WORD_COLUMNS);
            match written {
                true => prop_assert_eq!(String::from_utf8(words).unwrap(), want),
                false => prop_assert!(words.is_empty()),
            }
        }

        /// A JSON Lines row written straight onto the bytes is the object of its cells made a
        /// map and serialized: one input or two, a side bad or both, errors to escape, fund
        /// ids whose keys meet the row's own (the later column's value kept, as a map keeps
        /// it), amounts beyond i64 and "overflow".
        #[test]
        fn jsonl_rows_written_straight_are_the_map_of_their_cells(
            amounts in two_sides(),
            bad in 0usize..4,
            two in any::<bool>(),
            clash in any::<bool>(),
            zh in any::<bool>(),
            text in "[a-z\"\\\n\t\u{1}村 ]{0,6}",
        ) {
            let builtin = crate::rules::RuleSet::builtin();
            let mut rules = builtin.clone();
            if clash {
                // A fund whose keys are the subsidy's: `subsidy_total_before`, ….
                rules.funds[1].id = "subsidy_total".into();
            }
            let funds = super::super::Funds::new(&rules, &rules);
            let labels = match two {
                true => vec!["a.csv".to_string(), format!("b{text}.csv")],
                false => vec!["t.csv".to_string()],
            };
            let c = Comparison::unfilled_named(
                labels.clone(),
                vec![Default::default(); labels.len()],
                &rules,
                &rules,
                funds,
            );
            let mut pair = pair_of(&amounts, bad);
            (pair.file, pair.id, pair.township) = (labels.len() - 1, format!("S{text}"), text);
            let lang = if zh { Lang::Zh } else { Lang::En };
            let header = csv_header(&c);
            let (mut fast, mut model) = (Vec::new(), Vec::new());
            jsonl_row(&c, &JsonlKeys::new(&header), &pair, lang, &mut fast);
            jsonl_row_model(&c, &header, &pair, lang, &mut model);
            prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&model));
        }

        /// A CSV row's amounts gathered and written in a few moves are the fields written one
        /// by one (`RowBuf::fen`, the `Decimal` of sums beyond i64, "overflow"), a side bad
        /// or not, in yuan and 万元, for Excel or not.
        #[test]
        fn csv_rows_written_in_a_few_moves_are_the_fields_written_one_by_one(
            amounts in two_sides(),
            bad in 0usize..4,
            wan in any::<bool>(),
            excel in any::<bool>(),
            zh in any::<bool>(),
        ) {
            let rules = crate::rules::RuleSet::builtin();
            let funds = super::super::Funds::new(&rules, &rules);
            prop_assert_eq!(funds.len(), 2);
            let c = Comparison::unfilled_named(
                vec!["t.csv".into()],
                vec![Default::default()],
                &rules,
                &rules,
                funds,
            );
            let pair = pair_of(&amounts, bad);
            let (lang, unit) = (if zh { Lang::Zh } else { Lang::En }, if wan { Unit::Wan } else { Unit::Yuan });
            let mut rows = csv_buf(excel, unit, Vec::new());
            csv_rows(&c, [&pair], lang, lang, &mut rows);
            // The model: each field on its own, as the rows were written before.
            let mut model = csv_buf(excel, unit, Vec::new());
            model.field("9");
            for t in ["S1", "天马乡", "村, 1", "通村"] {
                model.field(t);
            }
            let (b, a) = (pair.before.as_ref().ok(), pair.after.as_ref().ok());
            for i in 0..5 {
                let (b, a) = (b.map(|x| x.column(i)), a.map(|x| x.column(i)));
                let change = b.zip(a).map(|(b, a)| super::super::change(b, a));
                for fen in [b, a, change] {
                    match fen.map(|f| (f, i64::try_from(f))) {
                        None => model.amount(None),
                        Some((_, Ok(fen))) => model.fen(fen),
                        Some((fen, Err(_))) => match money::from_fen(fen) {
                            Some(v) => model.amount(Some(v)),
                            None => model.field("overflow"),
                        },
                    }
                }
            }
            model.field(match (pair.changed(), zh) {
                (true, true) => "是",
                (false, true) => "否",
                (true, false) => "true",
                (false, false) => "false",
            });
            model.field(&c.placed_errors(&pair, lang).join("; "));
            model.end_row();
            let (rows, model) = (bytes_of(rows), bytes_of(model));
            if bad == 3 {
                // Bad under both: not shown.
                prop_assert!(rows.is_empty());
            } else {
                prop_assert_eq!(String::from_utf8_lossy(&rows), String::from_utf8_lossy(&model));
            }
        }
    }
}
