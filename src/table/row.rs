//! One record of a segment table → a checked [`Segment`], or every reason it is not one.

use rust_decimal::Decimal;

use super::columns::{Columns, Field};
use super::csv::Record;
use crate::engine::{Cost, Segment};
use crate::i18n::Lang;
use crate::money::{self, Scale, ValueError};
use crate::rules::RuleSet;

/// What is wrong with one value or one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The value does not parse as what the column holds.
    Value(Field, ValueError),
    /// A required value is blank.
    Blank,
    /// Zero where more than zero is needed (length).
    Zero,
    /// The class is not one the rules know.
    UnknownClass(String),
    /// completed_km is more than length_km.
    CompletedBeyondLength(Decimal),
    /// The id was seen on an earlier row.
    DuplicateId,
    /// Neither cost nor cost_per_km has a value.
    NoCost,
    /// The row has a different number of fields than the header.
    Ragged {
        found: usize,
        expected: usize,
        multiline: bool,
    },
    /// The record is longer than the reader keeps.
    TooLong,
    /// The record has too many fields.
    TooManyFields,
    /// An amount left the exact range during the computation.
    Overflow,
    /// A totals row (see [`is_totals_row`]): not a segment.
    TotalsRow,
    /// A workbook cell holds a formula whose result was never saved (the file was written by
    /// a program that does not calculate).
    NoSavedResult,
}

/// Words a totals row starts with.
const TOTALS: [&str; 8] = [
    "合计", "总计", "小计", "共计", "合計", "總計", "total", "subtotal",
];

/// Whether `record` is a table's totals row rather than a segment: its first field says
/// 合计 or Total (as in a report roadsub wrote, or a county's own sheet), and it has no
/// township, village, class, width or length.
pub fn is_totals_row(record: &Record, columns: &Columns) -> bool {
    let first = record.get(0).unwrap_or("").trim_start();
    // Most rows start with an id: turned away before anything is allocated.
    if !first.starts_with(['合', '总', '總', '小', '共', 't', 'T']) || first.len() > 32 {
        return false;
    }
    let first: String = first
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':' && *c != '：')
        .collect::<String>()
        .to_lowercase();
    let first = first.strip_suffix('s').unwrap_or(&first);
    TOTALS.contains(&first)
        && [
            Field::Township,
            Field::Village,
            Field::Class,
            Field::Width,
            Field::Length,
        ]
        .iter()
        .filter_map(|&f| columns.index(f))
        .all(|i| record.get(i).is_none_or(|v| v.trim().is_empty()))
}

/// One problem at one place: `FILE:LINE: column "value" problem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line of the record.
    pub line: u64,
    /// The column as named in the file, when the problem is one value.
    pub column: Option<String>,
    /// The value as written.
    pub value: Option<String>,
    /// What is wrong.
    pub problem: Problem,
}

/// A row's text fields the batch needs beside the segment.
#[derive(Debug, Clone, Copy)]
pub struct RowText<'a> {
    /// The segment's id.
    pub id: &'a str,
    /// Township.
    pub township: &'a str,
    /// Village.
    pub village: &'a str,
}

fn expected(field: Field, lang: Lang) -> &'static str {
    match (field, lang) {
        (Field::Length | Field::Completed, Lang::En) => {
            "a length (expected km like 1.25, 1.25公里 or 850米)"
        }
        (Field::Length | Field::Completed, Lang::Zh) => {
            "不是长度（应为公里数，如 1.25、1.25公里 或 850米）"
        }
        (Field::Width, Lang::En) => "a width (expected metres like 4.5, 4.5m or 4.5米)",
        (Field::Width, Lang::Zh) => "不是宽度（应为米数，如 4.5、4.5m 或 4.5米）",
        (Field::Households, Lang::En) => "a number of households (expected a whole number like 12)",
        (Field::Households, Lang::Zh) => "不是户数（应为正整数，如 12）",
        (Field::CostPerKm, Lang::En) => {
            "an amount per km (expected yuan like 400000, 40万 or 40万/公里)"
        }
        (Field::CostPerKm, Lang::Zh) => "不是每公里金额（应为元，如 400000、40万 或 40万/公里）",
        (_, Lang::En) => {
            "an amount of money (expected yuan like 1200000, 1,200,000, 120万 or 1.06亿)"
        }
        (_, Lang::Zh) => "不是金额（应为元，如 1200000、1,200,000、120万 或 1.06亿）",
    }
}

/// What a value of `field` should look like in a column whose header gives bare numbers in
/// `scale` (`投资(万元)`, `长度(米)`): the unit the header names, not the field's base unit.
fn expected_in(field: Field, scale: Scale, lang: Lang) -> Option<&'static str> {
    let money = matches!(field, Field::Cost | Field::OtherFunds);
    let length = matches!(field, Field::Length | Field::Completed);
    Some(match (scale, lang) {
        (Scale::Pow10(4), Lang::En) if money => {
            "an amount of money (expected 万元, as the header says, like 120 or 120.5; or with a unit, like 1200000元 or 1.06亿)"
        }
        (Scale::Pow10(4), Lang::Zh) if money => {
            "不是金额（表头单位为万元，应为万元数，如 120 或 120.5；或带单位，如 1200000元 或 1.06亿）"
        }
        (Scale::Pow10(8), Lang::En) if money => {
            "an amount of money (expected 亿元, as the header says, like 1.2 or 0.85; or with a unit, like 1200000元 or 120万)"
        }
        (Scale::Pow10(8), Lang::Zh) if money => {
            "不是金额（表头单位为亿元，应为亿元数，如 1.2 或 0.85；或带单位，如 1200000元 或 120万）"
        }
        (Scale::Pow10(4), Lang::En) if field == Field::CostPerKm => {
            "an amount per km (expected 万元 per km, as the header says, like 40 or 40.5; or with a unit, like 400000元/公里)"
        }
        (Scale::Pow10(4), Lang::Zh) if field == Field::CostPerKm => {
            "不是每公里金额（表头单位为万元，应为每公里万元数，如 40 或 40.5；或带单位，如 400000元/公里）"
        }
        (Scale::Pow10(8), Lang::En) if field == Field::CostPerKm => {
            "an amount per km (expected 亿元 per km, as the header says, like 0.4; or with a unit, like 40万/公里)"
        }
        (Scale::Pow10(8), Lang::Zh) if field == Field::CostPerKm => {
            "不是每公里金额（表头单位为亿元，应为每公里亿元数，如 0.4；或带单位，如 40万/公里）"
        }
        (Scale::Pow10(-3), Lang::En) if length => {
            "a length (expected metres, as the header says, like 850 or 1250.5; or with a unit, like 1.25公里)"
        }
        (Scale::Pow10(-3), Lang::Zh) if length => {
            "不是长度（表头单位为米，应为米数，如 850 或 1250.5；或带单位，如 1.25公里）"
        }
        _ => return None,
    })
}

impl Problem {
    /// The problem as the end of a sentence that starts with the column and value.
    pub fn render(&self, rules: &RuleSet, lang: Lang) -> String {
        self.render_under(None, rules, lang)
    }

    /// Like [`Problem::render`], for a value in the column headed `column` (a value that is
    /// no number is told what the header's unit expects).
    pub fn render_under(&self, column: Option<&str>, rules: &RuleSet, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        if let (Problem::Value(field, ValueError::NotANumber), Some(column)) = (self, column) {
            if let Some(text) = expected_in(*field, field.scale_of_header(column), lang) {
                return if zh {
                    text.to_string()
                } else {
                    format!("is not {text}")
                };
            }
        }
        match self {
            Problem::Value(field, e) => match (e, zh) {
                (ValueError::NotWhole, false) => {
                    "is not a whole number (households are counted whole, like 12)".into()
                }
                (ValueError::NotWhole, true) => "不是整数（户数应为整数，如 12）".into(),
                (ValueError::NotANumber, false) => format!("is not {}", expected(*field, lang)),
                (ValueError::NotANumber, true) => expected(*field, lang).to_string(),
                (ValueError::Negative, false) => "must not be negative".into(),
                (ValueError::Negative, true) => "不能为负数".into(),
                (ValueError::NotPositive, false) => "must be greater than 0".into(),
                (ValueError::NotPositive, true) => "必须大于 0".into(),
                (ValueError::TooLarge, false) => match field {
                    Field::Length | Field::Completed => "is too long (at most 100,000 km)".into(),
                    Field::Width => "is too wide (at most 1,000 m)".into(),
                    Field::Households => "is too many households (at most 4,294,967,295)".into(),
                    _ => {
                        "is too large for exact money (at most 999,999,999,999,999.99 yuan)".into()
                    }
                },
                (ValueError::TooLarge, true) => match field {
                    Field::Length | Field::Completed => "过长（最多 100,000 公里）".into(),
                    Field::Width => "过宽（最多 1,000 米）".into(),
                    Field::Households => "户数过大（最多 4,294,967,295）".into(),
                    _ => "金额过大，无法精确计算（最多 999,999,999,999,999.99 元）".into(),
                },
                (ValueError::TooPrecise, false) => match field {
                    Field::Length | Field::Completed => {
                        "is more precise than 1 mm (at most 6 decimals of a km, 3 of a metre)"
                            .into()
                    }
                    Field::Width => {
                        "is more precise than 1 mm (at most 3 decimals of a metre)".into()
                    }
                    _ => "has fractions of a fen (amounts are exact to 0.01 yuan)".into(),
                },
                (ValueError::TooPrecise, true) => match field {
                    Field::Length | Field::Completed => {
                        "精度超过 1 毫米（公里数最多 6 位小数，米数最多 3 位）".into()
                    }
                    Field::Width => "精度超过 1 毫米（米数最多 3 位小数）".into(),
                    _ => "含有不足一分的金额（金额精确到 0.01 元）".into(),
                },
            },
            Problem::Blank => lang
                .pick("is empty (a value is required)", "为空（必填）")
                .into(),
            Problem::Zero => lang.pick("must be greater than 0", "必须大于 0").into(),
            Problem::UnknownClass(_) => {
                if zh {
                    format!("不是已知的道路类别（可用：{}）", rules.known_classes(lang))
                } else {
                    format!(
                        "is not a known road class (known: {})",
                        rules.known_classes(lang)
                    )
                }
            }
            Problem::CompletedBeyondLength(len) => {
                if zh {
                    format!("超过路段长度 {} 公里", money::measure(*len))
                } else {
                    format!("is more than the length of {} km", money::measure(*len))
                }
            }
            Problem::DuplicateId => lang
                .pick(
                    "appears on an earlier row (ids must be unique)",
                    "与前面某行重复（编号必须唯一）",
                )
                .into(),
            Problem::NoCost => lang
                .pick(
                    "has no cost: give cost or cost_per_km",
                    "没有造价：请填写 投资 或 每公里造价",
                )
                .into(),
            Problem::Ragged {
                found,
                expected,
                multiline,
            } => {
                let mut s = if zh {
                    format!("有 {found} 个字段，表头有 {expected} 个")
                } else {
                    format!(
                        "has {found} {} but the header has {expected}",
                        if *found == 1 { "field" } else { "fields" }
                    )
                };
                if *multiline {
                    s.push_str(lang.pick(
                        " (a quote (\") that is never closed runs over several lines)",
                        "（有未闭合的引号 (\")，跨越了多行）",
                    ));
                }
                s
            }
            Problem::TooLong => lang
                .pick("is longer than 1 MiB and was skipped", "超过 1 MiB，已跳过")
                .into(),
            Problem::TooManyFields => lang
                .pick(
                    "has more than 4096 fields and was skipped",
                    "字段超过 4096 个，已跳过",
                )
                .into(),
            Problem::TotalsRow => lang
                .pick(
                    "is a totals row, not a segment (left out)",
                    "是合计行，不是路段（不计入）",
                )
                .into(),
            Problem::Overflow => lang
                .pick(
                    "leads to amounts too large to compute exactly",
                    "计算结果过大，无法精确计算",
                )
                .into(),
            Problem::NoSavedResult => lang
                .pick(
                    "is a formula with no saved result: open the workbook in Excel or WPS and save it, or type the value",
                    "是公式，但工作簿里没有保存它的计算结果：请在 Excel 或 WPS 中打开并保存，或直接填入数值",
                )
                .into(),
        }
    }
}

impl RowError {
    /// A problem with the whole row.
    pub fn row(line: u64, problem: Problem) -> RowError {
        RowError {
            line,
            column: None,
            value: None,
            problem,
        }
    }

    /// `column "value" problem`, without the place (for a cell being edited).
    pub fn render_value(&self, rules: &RuleSet, lang: Lang) -> String {
        let what = self
            .problem
            .render_under(self.column.as_deref(), rules, lang);
        match (&self.column, &self.value) {
            (Some(c), Some(v)) => format!("{c} \"{}\" {what}", shorten(v)),
            (Some(c), None) => format!("{c} {what}"),
            _ => what,
        }
    }

    /// `FILE:LINE: column "value" problem`.
    pub fn render(&self, file: &str, rules: &RuleSet, lang: Lang) -> String {
        let body = match self.column {
            None => format!(
                "{}{}",
                lang.pick("row ", "该行"),
                self.problem.render(rules, lang)
            ),
            Some(_) => self.render_value(rules, lang),
        };
        format!("{file}:{}: {body}", self.line)
    }
}

/// A value as shown in a message: control characters escaped, at most 40 characters.
fn shorten(value: &str) -> String {
    let escaped: String = value
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_debug().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if escaped.chars().count() > 40 {
        format!("{}…", escaped.chars().take(39).collect::<String>())
    } else {
        escaped
    }
}

/// What one record of a table is, as batch runs and the interactive table both judge it.
#[derive(Debug)]
pub enum Evaluated<'a> {
    /// A report's totals row (合计), fed back in: not a segment, nor a repeated id.
    Totals,
    /// A segment, computed into the caller's breakdown.
    Good { segment: Segment, text: RowText<'a> },
    /// Not computed: the reasons are in the caller's errors (a repeated id first).
    Bad,
}

/// The one path from a record to its breakdown, for batch runs and the interactive table
/// alike: the totals-row check, the repeated id (`duplicate_id`: the id was seen on an
/// earlier row), every value's check, the computation, and an overflow. `errors` is cleared
/// first; `breakdown` is reused (no allocation per row in a batch run).
pub fn evaluate<'a>(
    record: &Record<'a>,
    columns: &Columns,
    rules: &RuleSet,
    duplicate_id: bool,
    errors: &mut Vec<RowError>,
    breakdown: &mut crate::engine::Breakdown,
) -> Evaluated<'a> {
    errors.clear();
    if is_totals_row(record, columns) {
        return Evaluated::Totals;
    }
    let line = record.line;
    if duplicate_id {
        let id = columns
            .index(Field::Id)
            .and_then(|i| record.get(i))
            .map_or("", money::trim);
        errors.push(RowError {
            line,
            column: Some(columns.name(Field::Id).to_string()),
            value: Some(id.to_string()),
            problem: Problem::DuplicateId,
        });
    }
    match parse(record, columns, rules, errors) {
        Some((segment, text)) if errors.is_empty() => {
            if crate::engine::compute_into(rules, &segment, breakdown).is_ok() {
                Evaluated::Good { segment, text }
            } else {
                errors.push(RowError::row(line, Problem::Overflow));
                Evaluated::Bad
            }
        }
        _ => Evaluated::Bad,
    }
}

/// A value of number field `field`, read the way its column is read (in a column of 万, 120
/// is 1,200,000 yuan); `None` for a field that holds text. With `decimal`, the one place
/// that says which parser reads which column: [`parse`] reads rows with it, and the
/// interactive table sorts by it.
pub fn number(field: Field, text: &str, scale: Scale) -> Option<Result<Decimal, ValueError>> {
    match field {
        Field::Households => Some(money::parse_households(text).map(Decimal::from)),
        Field::Width
        | Field::Length
        | Field::Completed
        | Field::Cost
        | Field::CostPerKm
        | Field::OtherFunds => Some(decimal(field, text, scale)),
        Field::Id | Field::Township | Field::Village | Field::Name | Field::Class => None,
    }
}

/// The parser of each field that holds a decimal (every number field but households, a whole
/// count); `field` is always a constant where [`parse`] calls it, so the match folds away.
#[inline]
fn decimal(field: Field, text: &str, scale: Scale) -> Result<Decimal, ValueError> {
    match field {
        Field::Width => money::parse_width_m(text),
        Field::Length | Field::Completed => money::parse_length_km(text, scale),
        Field::CostPerKm => money::parse_amount(text, scale, true),
        // Cost and other funds: the text fields never come here.
        _ => money::parse_amount(text, scale, false),
    }
}

/// Reads the record into a segment, collecting every problem of the row.
pub fn parse<'a>(
    record: &Record<'a>,
    columns: &Columns,
    rules: &RuleSet,
    errors: &mut Vec<RowError>,
) -> Option<(Segment, RowText<'a>)> {
    let before = errors.len();
    let line = record.line;
    let expected = columns.names.len();
    if record.len() != expected {
        errors.push(RowError::row(
            line,
            Problem::Ragged {
                found: record.len(),
                expected,
                multiline: record.multiline,
            },
        ));
        return None;
    }
    // Each value once, trimmed; None when the column is absent or the value blank.
    let raw = |f: Field| {
        columns
            .index(f)
            .and_then(|i| record.get(i))
            .map(money::trim)
            .filter(|v| !v.is_empty())
    };
    let fail = |errors: &mut Vec<RowError>, f: Field, value: Option<&str>, problem: Problem| {
        errors.push(RowError {
            line,
            column: Some(columns.name(f).to_string()),
            value: value.map(str::to_string),
            problem,
        })
    };
    let mut text = |f: Field| match raw(f) {
        Some(v) => v,
        None => {
            fail(errors, f, None, Problem::Blank);
            ""
        }
    };
    let id = text(Field::Id);
    let township = text(Field::Township);
    let village = text(Field::Village);
    let class = match raw(Field::Class) {
        None => {
            fail(errors, Field::Class, None, Problem::Blank);
            None
        }
        Some(v) => rules.class_by_name(v).or_else(|| {
            fail(
                errors,
                Field::Class,
                Some(v),
                Problem::UnknownClass(v.to_string()),
            );
            None
        }),
    };
    // A value of field `f` through `parse`, its problem recorded; a blank one is a problem
    // only when `required`.
    macro_rules! value {
        ($f:expr, $required:expr, $parse:expr) => {{
            let f = $f;
            match raw(f) {
                None => {
                    if $required {
                        fail(errors, f, None, Problem::Blank);
                    }
                    None
                }
                Some(v) => match $parse(v) {
                    Ok(x) => Some(x),
                    Err(e) => {
                        fail(errors, f, Some(v), Problem::Value(f, e));
                        None
                    }
                },
            }
        }};
    }
    let scale = |f: Field| columns.scale(f);
    let width = value!(Field::Width, true, |v| decimal(
        Field::Width,
        v,
        scale(Field::Width)
    ));
    let length = value!(Field::Length, true, |v| {
        decimal(Field::Length, v, scale(Field::Length))
    });
    let completed = value!(Field::Completed, false, |v| {
        decimal(Field::Completed, v, scale(Field::Completed))
    });
    let cost = value!(Field::Cost, false, |v| decimal(
        Field::Cost,
        v,
        scale(Field::Cost)
    ));
    let per_km = value!(Field::CostPerKm, false, |v| {
        decimal(Field::CostPerKm, v, scale(Field::CostPerKm))
    });
    let other = value!(Field::OtherFunds, false, |v| {
        decimal(Field::OtherFunds, v, scale(Field::OtherFunds))
    });
    let households = value!(Field::Households, false, money::parse_households);
    if let Some(len) = length {
        if len.is_zero() {
            fail(errors, Field::Length, raw(Field::Length), Problem::Zero);
        } else if let Some(done) = completed {
            if done > len {
                fail(
                    errors,
                    Field::Completed,
                    raw(Field::Completed),
                    Problem::CompletedBeyondLength(len),
                );
            }
        }
    }
    let cost = match (cost, per_km) {
        (Some(c), _) => Some(Cost::Total(c)),
        (None, Some(p)) => Some(Cost::PerKm(p)),
        (None, None) => {
            let blank_both = raw(Field::Cost).is_none() && raw(Field::CostPerKm).is_none();
            if blank_both {
                let f = if columns.index(Field::Cost).is_some() {
                    Field::Cost
                } else {
                    Field::CostPerKm
                };
                fail(errors, f, None, Problem::NoCost);
            }
            None
        }
    };
    if errors.len() > before {
        return None;
    }
    let segment = Segment {
        class: class?,
        width_m: width?,
        length_km: length?,
        cost: cost?,
        other_funds: other.unwrap_or(Decimal::ZERO),
        households,
        completed_km: completed,
    };
    Some((
        segment,
        RowText {
            id,
            township,
            village,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{open, Item};

    /// The value each field of the one row of `csv` is read as, or the problem recorded.
    fn read_row(csv: &str) -> (Columns, Option<Segment>, Vec<RowError>) {
        let rules = RuleSet::builtin();
        let (columns, mut table) = open(csv.as_bytes()).unwrap();
        let Some(Item::Record(r)) = table.next_item().unwrap() else {
            panic!("no record")
        };
        let mut errors = Vec::new();
        let segment = parse(&r, &columns, &rules, &mut errors).map(|(s, _)| s);
        (columns, segment, errors)
    }

    #[test]
    fn a_number_column_is_read_alike_when_sorting_and_when_reading_a_row() {
        let head = "id,township,village,class,宽度（米）,长度（公里）,造价（万元）,已完工（公里）,户数,整合资金（万元）\n";
        let (columns, segment, errors) = read_row(&format!(
            "{head}A,天马乡,画青村,建制村,4.5米,850米,120,0.5,12,3\n"
        ));
        assert!(errors.is_empty(), "{errors:?}");
        let s = segment.unwrap();
        let read = |f: Field, text: &str| number(f, text, columns.scale(f)).unwrap().unwrap();
        assert_eq!(read(Field::Width, "4.5米"), s.width_m);
        assert_eq!(read(Field::Length, "850米"), s.length_km);
        assert_eq!(read(Field::Completed, "0.5"), s.completed_km.unwrap());
        assert_eq!(Cost::Total(read(Field::Cost, "120")), s.cost);
        assert_eq!(read(Field::Cost, "120").to_string(), "1200000");
        assert_eq!(read(Field::OtherFunds, "3"), s.other_funds);
        assert_eq!(
            read(Field::Households, "12"),
            Decimal::from(s.households.unwrap())
        );
        // A value the row refuses is refused by the same parser, for the same reason.
        let (_, _, errors) = read_row(&format!(
            "{head}A,天马乡,画青村,建制村,4.5,1,12万元/公里,,,\n"
        ));
        let Problem::Value(Field::Cost, why) = &errors[0].problem else {
            panic!("{errors:?}")
        };
        let scale = columns.scale(Field::Cost);
        assert_eq!(number(Field::Cost, "12万元/公里", scale), Some(Err(*why)));
        // Text columns have no number: the sort compares their text.
        assert_eq!(number(Field::Id, "12", Scale::Base), None);
        assert_eq!(number(Field::Village, "12", Scale::Base), None);
    }
}
