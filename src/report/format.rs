//! The forms batch results can take besides plain CSV: CSV for Excel (BOM, formula-safe),
//! GBK CSV for older Excel, JSON and JSON Lines for programs, Markdown for reports.
//!
//! JSON carries every amount as a string with two decimals, so no reader ever turns a fen into
//! binary floating point.

use serde_json::{json, Map, Value};

use crate::engine::{Breakdown, Segment};
use crate::i18n::Lang;
use crate::money;
use crate::rules::{RuleSet, TierChoice};
use crate::table::{Columns, Record};

use super::budget::Scope;
use super::summary::{GroupBy, Summary, Totals};

/// The form of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values (the default).
    Csv,
    /// One JSON document: the rules, every segment, the summary.
    Json,
    /// One JSON object per segment per line, for streams.
    Jsonl,
    /// Markdown tables, to paste into a report.
    Markdown,
    /// An Excel workbook report: segments, summary with a chart, and the rules.
    Xlsx,
}

impl Format {
    /// The format named on the command line.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" => Some(Format::Jsonl),
            "md" | "markdown" => Some(Format::Markdown),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The format an output file's extension asks for (CSV when it says nothing known).
    pub fn from_path(path: &std::path::Path) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        Format::from_name(&ext).unwrap_or(Format::Csv)
    }
}

/// The extension of `path` (lower case) when it names a format roadsub reads, or others
/// write, but roadsub does not write (`out.xls`, `out.tsv`, `out.csv.gz`): a report under
/// such a name would be taken for what it is not.
pub fn not_written(path: &std::path::Path) -> Option<String> {
    const FOREIGN: [&str; 16] = [
        "xls", "xlsm", "xlsb", "ods", "et", "numbers", "tsv", "gz", "zip", "bz2", "xz", "7z",
        "doc", "docx", "pdf", "parquet",
    ];
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    FOREIGN.contains(&ext.as_str()).then_some(ext)
}

/// The forms a stream of rows can take as text. A workbook is not one of them: it is a file
/// made whole at the end, so a run asks for one by its destination, and an Excel report to
/// standard output cannot be asked for at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    /// Comma-separated values.
    Csv,
    /// One JSON document.
    Json,
    /// JSON Lines.
    Jsonl,
    /// Markdown tables.
    Markdown,
}

impl From<TextFormat> for Format {
    fn from(f: TextFormat) -> Format {
        match f {
            TextFormat::Csv => Format::Csv,
            TextFormat::Json => Format::Json,
            TextFormat::Jsonl => Format::Jsonl,
            TextFormat::Markdown => Format::Markdown,
        }
    }
}

impl Format {
    /// The text form, unless this is a workbook.
    pub fn text(self) -> Option<TextFormat> {
        match self {
            Format::Csv => Some(TextFormat::Csv),
            Format::Json => Some(TextFormat::Json),
            Format::Jsonl => Some(TextFormat::Jsonl),
            Format::Markdown => Some(TextFormat::Markdown),
            Format::Xlsx => None,
        }
    }
}

/// The unit amounts are written in for people (`--amounts`): yuan, as always, or 万元 (exact,
/// see [`money::push_wan`]). Machine formats (JSON, JSON Lines) always carry yuan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unit {
    /// 元, two decimals.
    #[default]
    Yuan,
    /// 万元, at least four decimals, as many as the amount needs to stay exact.
    Wan,
}

impl Unit {
    /// The unit named on the command line.
    pub fn from_name(name: &str) -> Option<Unit> {
        match name.trim() {
            "元" | "yuan" => Some(Unit::Yuan),
            "万元" | "万" | "wan" => Some(Unit::Wan),
            _ => None,
        }
    }

    /// Appends `amount` as files carry it: no separators.
    pub fn push_plain(self, out: &mut Vec<u8>, amount: rust_decimal::Decimal) {
        match self {
            Unit::Yuan => money::push_plain(out, amount),
            Unit::Wan => money::push_wan(out, amount, false),
        }
    }

    /// `amount` as people read it: thousands separators.
    pub fn grouped(self, amount: rust_decimal::Decimal) -> String {
        match self {
            Unit::Yuan => money::grouped(amount),
            Unit::Wan => {
                let mut out = Vec::with_capacity(24);
                money::push_wan(&mut out, amount, true);
                // push_wan writes ASCII only.
                String::from_utf8(out).unwrap_or_default()
            }
        }
    }

    /// What a heading of amounts adds to say their unit: nothing to an id in yuan (programs
    /// read `subsidy_total` as they always have), ` (万元)` to an id in 万元, and `（元）` or
    /// `（万元）` to a Chinese heading.
    pub fn suffix(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Unit::Yuan, Lang::En) => "",
            (Unit::Wan, Lang::En) => " (万元)",
            (Unit::Yuan, Lang::Zh) => "（元）",
            (Unit::Wan, Lang::Zh) => "（万元）",
        }
    }

    /// The heading of a column of amounts in a summary: `yuan`, `金额（元）`, or in 万元.
    pub fn column(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Unit::Yuan, Lang::En) => "yuan",
            (Unit::Wan, Lang::En) => "万元 (10,000 yuan)",
            (Unit::Yuan, Lang::Zh) => "金额（元）",
            (Unit::Wan, Lang::Zh) => "金额（万元）",
        }
    }
}

/// Whether a text cell would be taken for a formula by a spreadsheet. A negative number
/// (`-3`, `-1,234.50`) is a number to it, not a formula: written with a `'` it showed as
/// `'-3`, and read back kept the mark. A `+` before digits stays guarded: `+8613812345678`
/// (a telephone number) would be shown as 8.61E+12.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !negative_number(text)
}

/// Whether `text` is `-` and a plain number a spreadsheet holds exactly: at most 15 digits
/// (commas between them allowed), at most one decimal point, nothing else.
fn negative_number(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('-') else {
        return false;
    };
    if digits.bytes().filter(u8::is_ascii_digit).count() > 15 {
        return false;
    }
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.ends_with(|c: char| c.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b','))
        && digits.matches('.').count() <= 1
}

/// Escapes a cell for a Markdown table: pipes escaped, line breaks as spaces.
pub fn markdown_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_markdown_cell(&mut out, text);
    out
}

/// [`markdown_cell`] of `text` written onto `out`, in one pass: a backslash doubled, a pipe
/// escaped, each line break a space (`\r\n` one break, as `\n` is: a name on two lines
/// reads the same however its line ends); a cell with none of them (nearly every one)
/// copied whole.
pub fn push_markdown_cell(out: &mut String, text: &str) {
    if !text
        .bytes()
        .any(|b| matches!(b, b'\\' | b'|' | b'\n' | b'\r'))
    {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// [`push_markdown_cell`] onto bytes (the characters it changes are ASCII, and no byte of
/// another character is one of them).
pub fn push_markdown_cell_bytes(out: &mut Vec<u8>, text: &str) {
    let text = text.as_bytes();
    if !text
        .iter()
        .any(|b| matches!(b, b'\\' | b'|' | b'\n' | b'\r'))
    {
        out.extend_from_slice(text);
        return;
    }
    for (at, &b) in text.iter().enumerate() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'|' => out.extend_from_slice(b"\\|"),
            b'\r' if text.get(at + 1) == Some(&b'\n') => {}
            b'\n' | b'\r' => out.push(b' '),
            b => out.push(b),
        }
    }
}

fn amount(v: rust_decimal::Decimal) -> Value {
    Value::String(money::plain(v))
}

/// The keys of a row's `input`, one for each of the header's `names`: its name, or for a
/// second column of the same name `name (2)`, a third `name (3)`, skipping keys the header
/// has itself (two columns `note,note` kept one key, and the first cell was lost).
fn input_keys(names: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let key = if names[..i].contains(name) {
            (2..)
                .map(|n| format!("{name} ({n})"))
                .find(|key| !names.contains(key) && !keys.contains(key))
                .expect("a free key")
        } else {
            name.clone()
        };
        keys.push(key);
    }
    keys
}

/// One computed segment as JSON.
#[allow(clippy::too_many_arguments)]
pub fn segment_json(
    rules: &RuleSet,
    lang: Lang,
    file: &str,
    columns: &Columns,
    record: &Record,
    seg: &Segment,
    b: &Breakdown,
) -> Value {
    let mut input = Map::new();
    for (i, name) in input_keys(&columns.names).into_iter().enumerate() {
        input.insert(name, Value::String(record.get(i).unwrap_or("").to_string()));
    }
    let mut funds = Map::new();
    for (f, share) in b.shares.iter().enumerate() {
        let fund = &rules.funds[f];
        let (min, rate) = match share.tier {
            TierChoice::Tier(t) => (
                Value::String(money::measure(fund.tiers[t].min_width_m)),
                amount(fund.tiers[t].rate_per_km),
            ),
            _ => (Value::Null, Value::Null),
        };
        funds.insert(
            fund.id.clone(),
            json!({ "tier_min_width_m": min, "rate_per_km": rate, "nominal": amount(share.nominal), "paid": amount(share.paid) }),
        );
    }
    json!({
        "file": file,
        "line": record.line,
        "input": input,
        "class": rules.classes[seg.class].id,
        "width_m": money::measure(seg.width_m),
        "length_km": money::measure(seg.length_km),
        "completed_km": seg.completed_km.map(money::measure),
        "households": seg.households,
        "cost": amount(b.cost),
        "other_funds": amount(seg.sources.get(crate::engine::Source::OtherFunds)),
        "sources": crate::engine::Source::ALL
            .iter()
            .map(|&s| (s.key().to_string(), amount(seg.sources.get(s))))
            .collect::<Map<String, Value>>(),
        "disbursed": seg.disbursed.map(amount),
        "priority": seg.priority,
        "funds": funds,
        "subsidy_total": amount(b.subsidy_total),
        "gap": amount(b.gap),
        "shortfall": amount(b.shortfall),
        "shortfall_per_household": b.per_household.map(amount),
        "due": b.due.map(amount),
        "outstanding": b.outstanding.map(amount),
        "notes": b.notes.iter().map(|n| n.render(rules, lang)).collect::<Vec<_>>(),
    })
}

/// Which of due, disbursed and outstanding a run's totals have: those some row of the run
/// has. A group without such a row has them as 0.00, as the other reports' group tables
/// show them (review 35: null there, 0.00 in every other format).
fn totals_have(total: &Totals) -> [bool; 3] {
    [
        total.due_rows > 0,
        total.disbursed_rows > 0,
        total.has_outstanding(),
    ]
}

fn totals_json(rules: &RuleSet, t: &Totals, [due, disbursed, outstanding]: [bool; 3]) -> Value {
    let funds: Map<String, Value> = rules
        .funds
        .iter()
        .zip(&t.paid)
        .map(|(f, p)| (f.id.clone(), amount(p.value())))
        .collect();
    json!({
        "segments": t.segments,
        "planned_km": money::measure(t.planned_km.value()),
        "completed_km": money::measure(t.completed_km.value()),
        "cost": amount(t.cost.value()),
        "funds": funds,
        "subsidy_total": amount(t.subsidy_total.value()),
        "gap": amount(t.gap.value()),
        "sources": amount(t.sources.value()),
        "shortfall": amount(t.shortfall.value()),
        "surplus": amount(t.surplus.value()),
        // Null when no row of the run gives completed km (due) or disbursed, as on each
        // segment.
        "due": due.then(|| amount(t.due.value())),
        "disbursed": disbursed.then(|| amount(t.disbursed.value())),
        "outstanding": outstanding.then(|| amount(t.outstanding.value())),
        "implausible_cost_rows": t.implausible,
    })
}

/// The rules a run used, as JSON.
pub fn rules_json(rules: &RuleSet) -> Value {
    json!({
        "name": rules.meta.name,
        "source": rules.meta.source,
        "effective": rules.meta.effective,
        "rounding": rules.meta.rounding.key(),
        "file": rules.origin,
    })
}

/// A run's summary as JSON: totals, budget use, and groups when grouping.
pub fn summary_json(rules: &RuleSet, summary: &Summary, lang: Lang) -> Value {
    debug_assert!(summary.sums(), "a summary that only counts is not shown");
    // One entry per budget line: a per-village budget has one per village, each against its
    // own envelope.
    let budgets: Vec<Value> = super::budget::lines(rules, summary, lang)
        .iter()
        .map(|line| {
            let b = &rules.budgets[line.budget];
            let (township, village) = match line.scope {
                Scope::Whole => (None, None),
                Scope::Village { township, village } => (Some(township), Some(village)),
            };
            json!({
                "name": line.name,
                "fund": b.fund().map(|f| rules.funds[f].id.clone()),
                "source": match b.draw {
                    crate::rules::Draw::Source(s) => Some(s.key()),
                    crate::rules::Draw::Fund(_) => None,
                },
                "on_overrun": b.on_overrun.key(),
                "class": b.class.map(|c| rules.classes[c].id.clone()),
                "per_village": b.per_village,
                "township": township,
                "village": village,
                "envelope": amount(line.envelope),
                "asked": amount(line.asked),
                "paid": amount(line.used),
                "used": amount(line.used),
                "left": amount(line.left()),
                // Paid beyond the envelope (a budget that only reports); one that shared its
                // envelope out is not over it, as the text's "SHARED OUT" says.
                "over": line.is_over() && !line.cut(),
                "shared_out": line.cut(),
                "raised": amount(line.raised),
            })
        })
        .collect();
    let have = totals_have(&summary.total);
    let groups = |by: GroupBy| -> Map<String, Value> {
        summary
            .groups(by)
            .into_iter()
            .flatten()
            .map(|(k, t)| (k.clone(), totals_json(rules, t, have)))
            .collect()
    };
    // Every `--by` in the order given; `by` and `groups` are the first, as they were when
    // only one could be asked for.
    let groupings: Vec<Value> = summary
        .shown()
        .iter()
        .map(|&by| json!({ "by": by.key(), "groups": groups(by) }))
        .collect();
    json!({
        "total": totals_json(rules, &summary.total, have),
        "budgets": budgets,
        "by": summary.by().map(GroupBy::key),
        "groups": summary.by().map(groups).unwrap_or_default(),
        "groupings": groupings,
    })
}

/// The run's total amounts as a summary lists them, each with its label: the cost, each
/// fund's subsidy, the subsidy, the gap, the sources and the shortfall, then the surplus, due,
/// disbursed and outstanding where the table has them (Markdown's summary and the workbook's
/// summary sheet; one list, so no report leaves one out).
pub fn total_amounts<'r>(
    rules: &'r RuleSet,
    t: &super::summary::Totals,
    lang: Lang,
) -> Vec<(&'r str, rust_decimal::Decimal)> {
    let mut items = vec![(lang.pick("cost", "总造价"), t.cost.value())];
    for (f, p) in rules.funds.iter().zip(&t.paid) {
        items.push((f.display(lang), p.value()));
    }
    items.push((
        lang.pick("subsidy total", "补助合计"),
        t.subsidy_total.value(),
    ));
    items.push((lang.pick("gap", "差额"), t.gap.value()));
    items.push((
        lang.pick(
            "sources (other_funds, yishi_yiyi, …)",
            "已落实筹资（整合资金等）",
        ),
        t.sources.value(),
    ));
    items.push((
        lang.pick("shortfall (still to raise)", "尚需筹集"),
        t.shortfall.value(),
    ));
    if !t.surplus.value().is_zero() {
        items.push((
            lang.pick(
                "surplus (sources beyond the gap)",
                "资金来源超出差额（多出）",
            ),
            t.surplus.value(),
        ));
    }
    if t.due_rows > 0 {
        items.push((
            lang.pick("due (for completed km)", "应拨付（按完工里程）"),
            t.due.value(),
        ));
    }
    if t.disbursed_rows > 0 {
        items.push((lang.pick("disbursed", "已拨付"), t.disbursed.value()));
    }
    if t.has_outstanding() {
        items.push((lang.pick("outstanding", "待拨付"), t.outstanding.value()));
    }
    items
}

/// A run's summary as Markdown tables, amounts in `unit`: totals, budgets, and a table per
/// `--by` grouping, in the order given.
pub fn summary_markdown(rules: &RuleSet, summary: &Summary, lang: Lang, unit: Unit) -> String {
    debug_assert!(summary.sums(), "a summary that only counts is not shown");
    let t = &summary.total;
    let mut out = String::new();
    out.push_str(&format!("## {}\n\n", lang.pick("Summary", "汇总")));
    out.push_str(&format!(
        "{}\n\n",
        markdown_cell(rules.meta.display_name(lang))
    ));
    // The unit the table's bare numbers were read in, as the text summary says it.
    for line in summary.units.describe(lang) {
        out.push_str(&format!("{}\n\n", markdown_cell(&line)));
    }
    if t.segments == 0 {
        // A table of a header only (or of rows none of which computed): nothing to sum, and
        // a table of zeros would read as a result.
        out.push_str(lang.pick("No segments: nothing to sum.\n", "没有路段，无可汇总。\n"));
        return out;
    }
    if let Some(line) = super::summary::implausible_line(rules, t.implausible, lang) {
        out.push_str(&format!("**{}**\n\n", markdown_cell(&line)));
    }
    // Counts and lengths first, under a neutral heading with each row's unit in its label;
    // then the amounts under the heading that names their unit.
    let row = |out: &mut String, k: &str, v: String| {
        out.push_str(&format!("| {} | {v} |\n", markdown_cell(k)))
    };
    out.push_str(&format!(
        "| {} | {} |\n|---|---:|\n",
        lang.pick("item", "项目"),
        lang.pick("value", "数值")
    ));
    row(
        &mut out,
        lang.pick("segments", "路段数（个）"),
        t.segments.to_string(),
    );
    row(
        &mut out,
        lang.pick("km planned", "计划里程（公里）"),
        money::measure(t.planned_km.value()),
    );
    row(
        &mut out,
        lang.pick("km completed", "已完工（公里）"),
        money::measure(t.completed_km.value()),
    );
    row(
        &mut out,
        lang.pick("share completed", "完工比例"),
        money::percent(t.completed_km.value(), t.planned_km.value()),
    );
    out.push_str(&format!(
        "\n| {} | {} |\n|---|---:|\n",
        lang.pick("item", "项目"),
        unit.column(lang)
    ));
    for (label, value) in total_amounts(rules, t, lang) {
        out.push_str(&format!(
            "| {} | {} |\n",
            markdown_cell(label),
            unit.grouped(value)
        ));
    }
    if !rules.budgets.is_empty() {
        out.push_str(&format!(
            "\n| {}{} | {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|---:|\n",
            lang.pick("budget", "预算额度"),
            // The unit whichever it is, as the amounts' table above names it.
            super::summary::in_unit(unit, lang),
            lang.pick("envelope", "额度"),
            lang.pick("asked", "申请"),
            lang.pick("paid", "安排"),
            lang.pick("left", "剩余"),
            lang.pick("use", "使用率")
        ));
        let mut sentences = String::new();
        for line in super::budget::lines(rules, summary, lang) {
            let over = match (line.is_over(), line.cut()) {
                (false, _) => "",
                (true, false) => lang.pick(" **over budget**", " **超出预算**"),
                (true, true) => lang.pick(" **shared out**", " **额度不足，已分配**"),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {}{over} |\n",
                markdown_cell(&line.label()),
                unit.grouped(line.envelope),
                unit.grouped(line.asked),
                unit.grouped(line.used),
                line.left_cell(lang, |v| unit.grouped(v)),
                line.share()
            ));
            if let Some(s) = super::budget::overrun_sentence(&line, lang) {
                sentences.push_str(&format!("\n{}\n", markdown_cell(&s)));
            }
        }
        out.push_str(&sentences);
    }
    for &by in summary.shown() {
        let title = match by {
            GroupBy::Township => lang.pick("By township", "按乡镇"),
            GroupBy::Village => lang.pick("By village", "按村"),
            GroupBy::Class => lang.pick("By class", "按道路类别"),
        };
        out.push_str(&format!("\n### {title}\n\n"));
        let (header, rows) = summary.group_rows(rules, lang, by, unit);
        for h in &header {
            out.push_str(&format!("| {} ", markdown_cell(h)));
        }
        out.push_str("|\n|---");
        out.push_str(&"|---:".repeat(header.len() - 1));
        out.push_str("|\n");
        for row in rows {
            for cell in &row {
                out.push_str(&format!("| {} ", markdown_cell(cell)));
            }
            out.push_str("|\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A Markdown cell escaped in one pass is the cell escaped as it was, one replacement
        /// after another: backslashes doubled, then pipes escaped, then line breaks spaces
        /// (`\r\n` one break: review 49 found `画青\r\n村` written `画青  村` beside
        /// `画青 村`).
        #[test]
        fn a_markdown_cell_escaped_in_one_pass_is_the_cell_escaped_replacement_by_replacement(
            text in "[a|\\\\\r\n村 ，-]{0,12}"
        ) {
            let slow = text
                .replace('\\', "\\\\")
                .replace('|', "\\|")
                .replace("\r\n", "\n")
                .replace(['\n', '\r'], " ");
            prop_assert_eq!(markdown_cell(&text), slow.clone());
            let mut out = String::from("| ");
            push_markdown_cell(&mut out, &text);
            prop_assert_eq!(out, format!("| {slow}"));
            let mut bytes = b"| ".to_vec();
            push_markdown_cell_bytes(&mut bytes, &text);
            prop_assert_eq!(String::from_utf8(bytes).unwrap(), format!("| {slow}"));
        }

        /// Whatever the header, a row's `input` has a key for every column, none twice, and
        /// a name's first column keeps the name.
        #[test]
        fn every_column_has_a_key_of_its_own(
            names in proptest::collection::vec("(a|b|a \\(2\\)|b \\(3\\)|a \\(3\\))", 0..9)
        ) {
            let names: Vec<String> = names;
            let keys = input_keys(&names);
            prop_assert_eq!(keys.len(), names.len());
            let unique: std::collections::HashSet<&String> = keys.iter().collect();
            prop_assert_eq!(unique.len(), keys.len(), "{:?} → {:?}", names, keys);
            for (i, name) in names.iter().enumerate() {
                if !names[..i].contains(name) {
                    prop_assert_eq!(&keys[i], name);
                }
            }
        }
    }
}
