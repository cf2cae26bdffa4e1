//! What can be wrong with a row of a segment table, and how each problem is said to a person
//! (`FILE:LINE: column "value" problem`, in Chinese or English, naming the unit the column
//! expects). Kept apart from reading rows, which only collects these.

use rust_decimal::Decimal;

use crate::i18n::Lang;
use crate::money::{self, Scale, ValueError};
use crate::rules::RuleSet;
use crate::table::columns::{column_label, Field};

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
    /// The id, typed with full-width forms or characters that show nothing, reads as an id
    /// seen on an earlier row ([`crate::table::idform`]).
    LookAlikeId,
    /// A township's or village's name holds a character that shows nothing (the first):
    /// it would be a place of its own, apart from the name as it reads
    /// ([`crate::table::idform::shows_nothing`]).
    ShowsNothing(char),
    /// A township's or village's name holds a space that shows as an ordinary one but is not
    /// (a no-break space, a tab; [`crate::table::idform::odd_space`]): it would be a place
    /// of its own, apart from the name written with an ordinary space.
    OddSpace(char),
    /// A township's or village's name holds a radical sign or a compatibility form that shows
    /// as a Chinese character (`⾦`, U+2FA6, for `金`), and the character it stands in for
    /// (U+FFFD when it has none; [`crate::table::idform::han_stand_in`]).
    HanStandIn(char, char),
    /// A number written with a thousands comma and no quotes (`50,000`) split at the comma:
    /// its first part read in the column, the rest (`000`) in the next, which has no header.
    /// The number as written.
    SplitNumber(String),
    /// A number in the column with no header after a column of numbers (a header cell
    /// merged over two columns names only the first): not read. The number.
    UnnamedNumber(String),
    /// A bare number under a header that names no unit, beside a column of money whose
    /// header names one (`stated`, in `unit`: 万元 or 亿元), with no unit stated for the
    /// table: whether it is in 元 cannot be told.
    BareBesideWan { stated: String, unit: &'static str },
    /// A number with a comma in a table separated by semicolons, where the comma may be a
    /// decimal comma (1,5) or a thousands comma (1,500): not read either way.
    CommaInSemicolons,
    /// An amount (or a length in metres, or households) with a point before three digits
    /// (`1.500`) in a table separated by semicolons (or by tabs, `tabs`), where the point may
    /// be a thousands point (1500) or a decimal point (1.5): not read either way.
    PointInSemicolons { tabs: bool },
    /// The id says 合计 or 小计 (the word, as written), as a totals row's does, but the row
    /// gives a class and a width as a segment does: counted as one, its rows would be
    /// counted twice.
    FilledTotals(String),
    /// Typed in the table view: another row, before or after, has this id already.
    IdTaken,
    /// Neither cost nor cost_per_km has a value.
    NoCost,
    /// The row has a different number of fields than the header.
    Ragged {
        found: usize,
        expected: usize,
        /// When a field of the record spans lines (a quote never closed, most likely): the
        /// last line it takes in.
        through: Option<u64>,
        /// Whether a quote on that last line closes it (the file did not end inside it).
        closed: bool,
    },
    /// A quote never closed: the file ended inside one of the record's fields, which took
    /// in every line after its own, to `through` (the record has as many fields as the
    /// header).
    Unclosed {
        through: u64,
        /// Whether lines after the record's own are in it (else the file ends inside its
        /// cell on the record's own line).
        takes_in: bool,
    },
    /// A quote not closed where its cell ends, closed by a quote on a later line with more
    /// after it (`…"说明⏎…,"x""y"`): the rows between, to `through`, are in one cell.
    ClosedLater { through: u64 },
    /// The record is longer than the reader keeps.
    TooLong,
    /// The record has too many fields.
    TooManyFields,
    /// An amount left the exact range during the computation.
    Overflow,
    /// An amount approved for a ceiling fund is above its ceiling for the segment.
    AboveCeiling {
        /// The fund.
        fund: crate::rules::FundId,
        /// Rate × length: the most it may approve.
        ceiling: Decimal,
        /// The unit the value was read in and the value in yuan, when that unit is not yuan
        /// (`100` in 万元 is 1,000,000.00 yuan): the message shows both.
        read_in: Option<(Scale, Decimal)>,
    },
    /// A value that is no number in a column whose bare numbers are read in the unit a row
    /// above the header or `--amount-unit` gives (`总投资` under `单位：万元`): what it should
    /// be is said in that unit, and where the unit was said.
    NotANumberIn {
        /// The field (`Field::Cost` for a fund's approved amount).
        field: Field,
        /// The unit bare numbers are read in.
        scale: Scale,
        /// Where that unit was said.
        from: crate::table::units::UnitFrom,
    },
    /// An amount approved for a ceiling fund that pays nothing on the segment, as no tier
    /// applies (`tier` says why: the width is below every tier, or none is for the class).
    NothingToApprove {
        /// The fund.
        fund: crate::rules::FundId,
        /// Why no tier applies.
        tier: crate::rules::TierChoice,
        /// The segment's width.
        width: Decimal,
        /// The segment's class.
        class: crate::rules::ClassId,
    },
    /// An amount approved for a fund paid at a fixed rate, not "up to" one: nothing to approve.
    ApprovedFixedRate(crate::rules::FundId),
    /// A value in one of two columns of the amount approved for one fund (the other column's
    /// header): which one holds the amount cannot be told.
    ApprovedTwice {
        /// The fund.
        fund: crate::rules::FundId,
        /// The other column.
        other: String,
    },
    /// More was paid out already than the subsidy comes to.
    DisbursedAboveSubsidy(Decimal),
    /// A totals row (see [`is_totals_row`]): not a segment.
    TotalsRow,
    /// A note row (`备注：…`, `说明：…`, or a unit the numbers are read in): not a segment,
    /// left out as a totals row is (the interactive table shows it as a note).
    NoteRow,
    /// A note row (`备注：单位万元`) states a unit other than the one the table's numbers are
    /// read in, or one roadsub does not read: the unit it states, and the one in force (`None`
    /// when roadsub does not read the note's).
    NoteUnit {
        /// The unit the note states, as written.
        stated: String,
        /// The unit the numbers are read in.
        in_force: Option<&'static str>,
        /// Whether the unit is one of length (said where a length's unit is given, not
        /// `--amount-unit`).
        of_length: bool,
    },
    /// A note row mentions a unit of money (`备注：金额以万元为准`) while nothing above the
    /// header or on the command line states the unit of the table's numbers: the word.
    NoteMentions(String),
    /// A row of units under the header (`,,,,米,米,万元`, a layout some offices use): every
    /// filled cell a unit, no id. Read as a segment it would be refused cell by cell; the
    /// columns' numbers are read in the unit their headers say, not this row's. The units, as
    /// written, joined by 、.
    UnitsRow(String),
    /// A workbook cell holds a formula whose result was never saved (the file was written by
    /// a program that does not calculate).
    NoSavedResult,
    /// A workbook cell holds a formula whose saved result may be out of date: the workbook
    /// asks to be recalculated when opened (as a save with edits by a program that does not
    /// calculate, roadsub's own in place among them, leaves it).
    StaleResult,
    /// A workbook's row the sheet hides (by hand, by a filter or in a folded outline): a
    /// cancelled segment or one still planned, which cannot be told
    /// ([`crate::table::workbook::hidden`]).
    HiddenRow,
    /// A workbook's cell of a value that is the row's own (an amount, a length, an id) under
    /// a merge that starts on a row above (the merge, `H2:H3`): the sheet shows one value
    /// over several rows, which cannot be shared out ([`crate::table::workbook::merged`]).
    UnderMerge(String),
    /// A `date` (日期) that is not a calendar day `YYYY-MM-DD`.
    BadDate,
    /// A `date` (日期) written `YYYY-MM-DD` that is no day on the calendar (`2019-02-29`).
    NotOnCalendar,
    /// A `year` (年度) that is not a year.
    BadYear,
    /// A `date` outside the year the row's `year` column gives.
    DateOutsideYear(u32),
    /// A fund has tiers for the segment's class, but none in force on its date (SPEC §9).
    NotInForce {
        /// The fund.
        fund: crate::rules::FundId,
        /// The segment's class.
        class: crate::rules::ClassId,
        /// The segment's width.
        width: Decimal,
        /// The segment's date.
        when: crate::rules::When,
    },
    /// A fund's rate for the segment's class and width changes during the year the row
    /// gives, so the year alone cannot tell which applies.
    YearSplit {
        /// The fund.
        fund: crate::rules::FundId,
        /// The segment's class.
        class: crate::rules::ClassId,
        /// The segment's width.
        width: Decimal,
    },
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
        (Field::Priority, Lang::En) => {
            "a priority (expected a whole number like 1; lower comes first)"
        }
        (Field::Priority, Lang::Zh) => "不是优先级（应为整数，如 1；数小者在前）",
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

/// Who says the unit of a column's bare numbers: its header, a row above the header, or
/// `--amount-unit`.
#[derive(Clone, Copy)]
enum SaidBy<'a> {
    Header,
    Title(&'a str),
    Flag,
}

/// What a value of `field` should look like in a column whose header gives bare numbers in
/// `scale` (`投资(万元)`, `长度(米)`): the unit the header names, not the field's base unit.
fn expected_in(field: Field, scale: Scale, lang: Lang) -> Option<String> {
    expected_said(field, scale, SaidBy::Header, lang)
}

/// Like [`expected_in`], the unit said by `by`.
fn expected_said(field: Field, scale: Scale, by: SaidBy, lang: Lang) -> Option<String> {
    let money = matches!(
        field,
        Field::Cost
            | Field::OtherFunds
            | Field::YishiYiyi
            | Field::SelfRaised
            | Field::VillageFund
            | Field::Disbursed
    );
    let length = matches!(field, Field::Length | Field::Completed);
    let unit = match scale {
        Scale::Pow10(4) => "万元",
        Scale::Pow10(8) => "亿元",
        _ => "米",
    };
    // `表头单位为万元` / `as the header says`.
    let said = match (by, lang) {
        (SaidBy::Header, Lang::Zh) => format!("表头单位为{unit}"),
        (SaidBy::Title(t), Lang::Zh) => format!("按表头上方“{t}”，单位为{unit}"),
        (SaidBy::Flag, Lang::Zh) => format!("按 --amount-unit，单位为{unit}"),
        (SaidBy::Header, Lang::En) => "as the header says".to_string(),
        (SaidBy::Title(t), Lang::En) => format!("as \"{t}\" above the header says"),
        (SaidBy::Flag, Lang::En) => "as --amount-unit says".to_string(),
    };
    Some(match (scale, lang) {
        (Scale::Pow10(4), Lang::En) if money => format!(
            "an amount of money (expected 万元, {said}, like 120 or 120.5; or with a unit, like 1200000元 or 1.06亿)"
        ),
        (Scale::Pow10(4), Lang::Zh) if money => format!(
            "不是金额（{said}，应为万元数，如 120 或 120.5；或带单位，如 1200000元 或 1.06亿）"
        ),
        (Scale::Pow10(8), Lang::En) if money => format!(
            "an amount of money (expected 亿元, {said}, like 1.2 or 0.85; or with a unit, like 1200000元 or 120万)"
        ),
        (Scale::Pow10(8), Lang::Zh) if money => format!(
            "不是金额（{said}，应为亿元数，如 1.2 或 0.85；或带单位，如 1200000元 或 120万）"
        ),
        (Scale::Pow10(4), Lang::En) if field == Field::CostPerKm => format!(
            "an amount per km (expected 万元 per km, {said}, like 40 or 40.5; or with a unit, like 400000元/公里)"
        ),
        (Scale::Pow10(4), Lang::Zh) if field == Field::CostPerKm => format!(
            "不是每公里金额（{said}，应为每公里万元数，如 40 或 40.5；或带单位，如 400000元/公里）"
        ),
        (Scale::Pow10(8), Lang::En) if field == Field::CostPerKm => format!(
            "an amount per km (expected 亿元 per km, {said}, like 0.4; or with a unit, like 40万/公里)"
        ),
        (Scale::Pow10(8), Lang::Zh) if field == Field::CostPerKm => format!(
            "不是每公里金额（{said}，应为每公里亿元数，如 0.4；或带单位，如 40万/公里）"
        ),
        (Scale::Pow10(-3), Lang::En) if length => format!(
            "a length (expected metres, {said}, like 850 or 1250.5; or with a unit, like 1.25公里)"
        ),
        (Scale::Pow10(-3), Lang::Zh) if length => format!(
            "不是长度（{said}，应为米数，如 850 或 1250.5；或带单位，如 1.25公里）"
        ),
        _ => return None,
    })
}

impl Problem {
    /// Whether the problem puts the unit of every row of its table in doubt: a note among
    /// the rows states another unit than they were read in, or speaks of one when none was
    /// stated. Then no row is written, even past bad rows (`--keep-going`).
    pub fn puts_units_in_doubt(&self) -> bool {
        matches!(
            self,
            Problem::NoteUnit { .. } | Problem::NoteMentions(_) | Problem::UnitsRow(_)
        )
    }

    /// Why nothing is written when a problem [`puts_units_in_doubt`]: batch, compare, notice
    /// and the table view's export say it alike.
    ///
    /// [`puts_units_in_doubt`]: Problem::puts_units_in_doubt
    pub fn units_in_doubt(lang: crate::i18n::Lang) -> &'static str {
        lang.pick(
            "a note or a row of units among the rows gives another unit, so the other rows may be in the wrong unit too (state the unit above the header or in the column's header)",
            "表中说明行或单位行写明了另一种单位，其余各行也可能按错误的单位读取（请在表头上方或列的表头中写明单位）",
        )
    }

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
                return if zh { text } else { format!("is not {text}") };
            }
        }
        match self {
            Problem::NotANumberIn { field, scale, from } => {
                let by = match from {
                    crate::table::units::UnitFrom::Title(t) => SaidBy::Title(t),
                    crate::table::units::UnitFrom::Flag => SaidBy::Flag,
                };
                match expected_said(*field, *scale, by, lang) {
                    Some(text) if zh => text,
                    Some(text) => format!("is not {text}"),
                    None => value_problem(*field, ValueError::NotANumber, lang),
                }
            }
            Problem::Value(field, e) => value_problem(*field, *e, lang),
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
                    "appears on an earlier row (ids must be unique, across all the tables of a run too)",
                    "与前面某行重复（编号必须唯一，一次运行的多个表之间也不能重复）",
                )
                .into(),
            Problem::LookAlikeId => lang
                .pick(
                    "is an earlier row's id typed with full-width characters, other spaces or characters that show nothing (ids must be unique; such an id reads as the plain one)",
                    "与前面某行的编号相同，只是含全角字符、其他空格或看不见的字符（编号必须唯一；这样的编号按普通写法认）",
                )
                .into(),
            Problem::ShowsNothing(c) => {
                let code = format!("U+{:04X}", u32::from(*c));
                if zh {
                    format!("含一个看不见的字符（{code}）：看着与不含它的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请删去该字符")
                } else {
                    format!("holds a character that shows nothing ({code}): it reads as the name without it but would be a place of its own (a group, an envelope and a notice of its own); delete the character")
                }
            }
            Problem::OddSpace(c) => {
                let code = code_named(*c, zh);
                if zh {
                    format!("含一个不是普通空格的空格（{code}）：看着与用普通空格（或不带空格）写的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请改为普通空格或删去")
                } else {
                    format!("holds a space that is not an ordinary one ({code}): it reads as the name written with an ordinary space (or none) but would be a place of its own (a group, an envelope and a notice of its own); type an ordinary space in its place, or delete it")
                }
            }
            Problem::HanStandIn(c, han) => {
                let code = format!("U+{:04X}", u32::from(*c));
                let kind = match (zh, crate::table::idform::radical_sign(*c)) {
                    (false, true) => "a radical sign",
                    (false, false) => "a compatibility form",
                    (true, true) => "部首符号",
                    (true, false) => "兼容汉字",
                };
                let fix = match (zh, *han) {
                    (false, char::REPLACEMENT_CHARACTER) => "type the character itself".to_string(),
                    (false, han) => format!("type {han} (U+{:04X}) in its place", u32::from(han)),
                    (true, char::REPLACEMENT_CHARACTER) => "请改为该汉字".to_string(),
                    (true, han) => format!("请改为“{han}”（U+{:04X}）", u32::from(han)),
                };
                if zh {
                    format!("含一个{kind}（{code}）：看着像汉字却不是，会被当成另一个地方（另算一组、一份预算、一份公示）；{fix}（常见于从 PDF 复制或由繁体编码转换的文字）")
                } else {
                    format!("holds {kind} ({code}) that shows as a Chinese character but is another: it would be a place of its own (a group, an envelope and a notice of its own); {fix} (text copied out of a PDF or converted from Big5 often has them)")
                }
            }
            Problem::IdTaken => lang
                .pick(
                    "is the id of another row already (ids must be unique)",
                    "已是另一行的编号（编号必须唯一）",
                )
                .into(),
            Problem::NoCost => lang
                .pick(
                    "has no cost: give cost or cost_per_km",
                    "没有造价：请填写投资或每公里造价",
                )
                .into(),
            Problem::Ragged {
                found,
                expected,
                through,
                closed,
            } => {
                let mut s = if zh {
                    format!("有 {found} 个字段，表头有 {expected} 个")
                } else {
                    format!(
                        "has {found} {} but the header has {expected}",
                        if *found == 1 { "field" } else { "fields" }
                    )
                };
                if let Some(last) = through {
                    s.push_str(&match (lang, closed) {
                        (Lang::En, false) => format!(" (a quote (\") that is never closed runs over several lines, to line {last}: the rows written there are in this one)"),
                        (Lang::Zh, false) => format!("（有未闭合的英文引号 \"，跨越多行直到第 {last} 行：其间各行都被并入该行）"),
                        (Lang::En, true) => format!(" (a quote (\") that is not closed where its cell ends runs over several lines, to a quote on line {last} that closes it: the rows written there are in this one)"),
                        (Lang::Zh, true) => format!("（有英文引号 \" 未在所在格末尾闭合，跨越多行直到第 {last} 行的引号才闭合：其间各行都被并入该行）"),
                    });
                }
                s
            }
            Problem::Unclosed { through, takes_in } => match (lang, takes_in) {
                (Lang::En, true) => format!("has a quote (\") that is never closed: its last cell runs to the end of the file (line {through}), and the rows written there are in it"),
                (Lang::Zh, true) => format!("有未闭合的英文引号 \"：最后一格一直延续到文件末尾（第 {through} 行），其间各行都被并入该格"),
                (Lang::En, false) => "has a quote (\") that is never closed: the file ends inside its cell".to_string(),
                (Lang::Zh, false) => "有未闭合的英文引号 \"：文件在该格内结束".to_string(),
            },
            Problem::ClosedLater { through } => match lang {
                Lang::En => format!("has a quote (\") that is not closed where its cell ends: a quote on line {through} closes it, and the rows written between are in this one"),
                Lang::Zh => format!("有英文引号 \" 未在所在格末尾闭合，直到第 {through} 行的引号才闭合：其间各行都被并入该行"),
            },
            Problem::TooLong => lang
                .pick("is longer than 1 MiB and was skipped", "超过 1 MiB，已跳过")
                .into(),
            Problem::TooManyFields => lang
                .pick(
                    "has more than 4096 fields and was skipped",
                    "字段超过 4096 个，已跳过",
                )
                .into(),
            Problem::AboveCeiling {
                fund,
                ceiling,
                read_in,
            } => {
                let name = rules.funds[*fund].display(lang);
                // `“100”（万元，即 1,000,000.00 元）`: the value as read, and in yuan.
                let read = match read_in {
                    Some((scale, yuan)) if zh => format!(
                        "（{}，即 {} 元）",
                        crate::table::units::money_name(*scale, lang),
                        money::grouped(*yuan)
                    ),
                    Some((scale, yuan)) => format!(
                        "({}, that is {} yuan) ",
                        crate::table::units::money_name(*scale, lang),
                        money::grouped(*yuan)
                    ),
                    None => String::new(),
                };
                if zh {
                    format!(
                        "{read}超过{name}的上限 {} 元（每公里标准 × 长度）",
                        money::grouped(*ceiling)
                    )
                } else {
                    format!(
                        "{read}is above the ceiling of {name}, {} (rate per km × length)",
                        money::grouped(*ceiling)
                    )
                }
            }
            Problem::NothingToApprove {
                fund,
                tier,
                width,
                class,
            } => {
                let name = rules.funds[*fund].display(lang);
                match (tier, zh) {
                    (crate::rules::TierChoice::BelowMinimum(min), false) => format!(
                        "cannot be approved: {name} pays nothing on this segment, as its width of {} m is below every tier (the narrowest is {} m), so there is nothing to approve (clear this value)",
                        money::measure(*width),
                        money::measure(*min)
                    ),
                    (crate::rules::TierChoice::BelowMinimum(min), true) => format!(
                        "无法批复：路面宽度 {} 米低于{name}的所有标准档（最窄 {} 米），该资金对本路段不补助，没有可批复的金额（请删除此值）",
                        money::measure(*width),
                        money::measure(*min)
                    ),
                    (_, false) => format!(
                        "cannot be approved: {name} has no tier for {}, so it pays nothing on this segment and there is nothing to approve (clear this value)",
                        rules.classes[*class].display(lang)
                    ),
                    (_, true) => format!(
                        "无法批复：{name}没有适用于{}的标准档，对本路段不补助，没有可批复的金额（请删除此值）",
                        rules.classes[*class].display(lang)
                    ),
                }
            }
            Problem::ApprovedFixedRate(fund) => {
                let name = rules.funds[*fund].display(lang);
                if zh {
                    format!("不适用：{name}是定额标准而非“以内”上限，无需批复金额（请删除此列中的值）")
                } else {
                    format!("does not apply: {name} is a fixed standard, not an \"up to\" ceiling, so it has no approved amount (clear this value)")
                }
            }
            Problem::ApprovedTwice { fund, other } => {
                let name = rules.funds[*fund].display(lang);
                if zh {
                    format!("所在列与“{other}”列都表示{name}的批复金额，无法确定以哪列为准；请只保留一列")
                } else {
                    format!("is in one of two columns holding the amount approved for {name}, the other being \"{other}\"; keep one column")
                }
            }
            Problem::DisbursedAboveSubsidy(total) => {
                // Judged before any budget cuts the row: say so where a budget may, so the
                // figure is not taken for the one the table shows after the cut.
                let cuts = rules.budgets.iter().any(|b| {
                    b.fund().is_some() && b.on_overrun != crate::rules::OnOverrun::Report
                });
                match (zh, cuts) {
                    (true, false) => format!("超过补助合计 {} 元", money::grouped(*total)),
                    (true, true) => {
                        format!("超过预算额度核减前的补助合计 {} 元", money::grouped(*total))
                    }
                    (false, false) => {
                        format!("is more than the subsidy of {}", money::grouped(*total))
                    }
                    (false, true) => format!(
                        "is more than the subsidy of {} before any budget's cut",
                        money::grouped(*total)
                    ),
                }
            }
            Problem::NoteUnit {
                stated,
                in_force,
                of_length: true,
            } if in_force.is_some() => {
                let u = in_force.unwrap_or_default();
                match lang {
                    Lang::En => format!(
                        "is a note stating {stated}, but the table's lengths are read in {u}; state the unit above the header (长度单位：{stated}) or in the length's header (长度({stated}))"
                    ),
                    Lang::Zh => format!(
                        "是说明行，写明长度单位为{stated}，而表中长度按{u}读取；请在表头上方写明（长度单位：{stated}）或在长度列的表头中注明（长度({stated})）"
                    ),
                }
            }
            Problem::NoteUnit {
                stated, in_force, ..
            } => match (in_force, lang) {
                (Some(u), Lang::En) => format!(
                    "is a note stating {stated}, but the table's numbers are read in {u}; correct the note, or state {stated} above the header or with --amount-unit"
                ),
                (Some(u), Lang::Zh) => format!(
                    "是说明行，写明单位为{stated}，而表中数字按{u}读取；请改正该说明，或在表头上方或用 --amount-unit 写明{stated}"
                ),
                (None, Lang::En) => format!(
                    "is a note stating a unit roadsub does not read ({stated}; it reads {}); correct the sheet",
                    crate::table::units::READABLE_ZH
                ),
                (None, Lang::Zh) => format!(
                    "是说明行，所写单位无法读取（{stated}；可读：{}）；请改正表格",
                    crate::table::units::READABLE_ZH
                ),
            },
            Problem::NoteMentions(word) => match lang {
                Lang::En => format!(
                    "is a note that mentions {word}, but nothing states the unit of the table's numbers (read in 元); give --amount-unit or write the unit above the header (单位：万元)"
                ),
                Lang::Zh => format!(
                    "是说明行，提到“{word}”，但未写明表中数字的单位（现按元读取）；请给出 --amount-unit 或在表头上方写明单位（如“单位：万元”）"
                ),
            },
            Problem::SplitNumber(written) => match lang {
                Lang::En => format!(
                    "is followed by \"{}\" in a column with no header: {written} written without quotes is split at its comma, and only its first part read (write the number without the comma or in quotes; a column of its own needs a header)",
                    written.rsplit(',').next().unwrap_or("")
                ),
                Lang::Zh => format!(
                    "后面无表头的一列是“{}”：{written} 未加引号会在逗号处被拆开，只读到前一部分（请去掉数字中的逗号或加引号；若那是单独一列，请给它表头）",
                    written.rsplit(',').next().unwrap_or("")
                ),
            },
            Problem::BareBesideWan { stated, unit } => match lang {
                Lang::En => format!(
                    "has no unit, and its header names none, while \"{stated}\" is in {unit} and nothing above the header or on the command line states the table's unit: read in 元 it may be far too small; write its unit after it (20{unit} or 20元) or in its header, or state the table's unit above the header (单位：{unit}) or with --amount-unit"
                ),
                Lang::Zh => format!(
                    "未注明单位，表头也未注明，而“{stated}”按{unit}计，表头上方和命令行也未说明表中金额的单位：若按元读取，数额可能小得多；请在数字后注明单位（如 20{unit} 或 20元）或在表头注明，或在表头上方写明（单位：{unit}），或给出 --amount-unit"
                ),
            },
            Problem::UnnamedNumber(unnamed) => match lang {
                Lang::En => format!(
                    "is followed by \"{unnamed}\" in a column with no header, which is not read: a header cell merged over two columns names only the first (give that column a header of its own, or put the amount where it is read)"
                ),
                Lang::Zh => format!(
                    "后面无表头的一列是“{unnamed}”，该列不会被读取：合并单元格的表头只给第一列命名（请给那一列单独的表头，或把金额填到会被读取的列中）"
                ),
            },
            Problem::CommaInSemicolons => lang
                .pick(
                    "has a comma, which in a table separated by semicolons (;) may be a decimal comma (1,5 for 1.5) or a thousands comma (1,500 for 1500), so the number cannot be told; write it without the comma (1500) or with a point (1.5)",
                    "含逗号：以分号（;）分隔的表中，逗号可能是小数点（1,5 即 1.5），也可能是千位分隔符（1,500 即 1500），无法确定数值；请去掉逗号（1500）或改用小数点（1.5）",
                )
                .into(),
            Problem::PointInSemicolons { tabs } => match (lang, tabs) {
                (Lang::En, false) => "has a point before three digits, which in a table separated by semicolons (;) may be a thousands point (1.500 for 1500) or a decimal point (1.500 for 1.5), so the number cannot be told; write it without the point (1500) or with at most two decimals (1.5)".into(),
                (Lang::En, true) => "has a point before three digits, which in a table separated by tabs, as a spreadsheet that writes a decimal comma may save one, may be a thousands point (1.500 for 1500) or a decimal point (1.500 for 1.5), so the number cannot be told; write it without the point (1500) or with at most two decimals (1.5)".into(),
                (Lang::Zh, false) => "小数点后有三位数字：以分号（;）分隔的表中，点可能是千位分隔符（1.500 即 1500），也可能是小数点（1.500 即 1.5），无法确定数值；请去掉点（1500）或最多保留两位小数（1.5）".into(),
                (Lang::Zh, true) => "小数点后有三位数字：以制表符分隔的表（以逗号为小数点的电子表格也会这样保存）中，点可能是千位分隔符（1.500 即 1500），也可能是小数点（1.500 即 1.5），无法确定数值；请去掉点（1500）或最多保留两位小数（1.5）".into(),
            },
            Problem::FilledTotals(word) => match lang {
                Lang::En => format!(
                    "says \"{word}\" where its id goes, as a totals row does, but gives a class and a width as a segment does: counted as a segment, the rows it totals would be counted twice (delete the row, or give the segment an id of its own)"
                ),
                Lang::Zh => format!(
                    "编号处写着“{word}”，像合计行，却填有道路类别和宽度，像路段：若按路段计算，它合计的各行会被重复计入（请删除该行，或为该路段另填编号）"
                ),
            },
            Problem::TotalsRow => lang
                .pick(
                    "is a totals row, not a segment (left out)",
                    "是合计行，不是路段（不计入）",
                )
                .into(),
            Problem::UnitsRow(units) => match lang {
                Lang::En => format!(
                    "holds units under the header ({units}), which are not read as the columns' units; write each column's unit in its header's brackets (长度(米), 投资(万元)) and delete the row"
                ),
                Lang::Zh => format!(
                    "是表头下的单位行（{units}），不会作为各列的单位读取；请把各列的单位写进表头的括号里（如“长度(米)”“投资(万元)”）并删去该行"
                ),
            },
            Problem::NoteRow => lang
                .pick(
                    "is a note, not a segment (left out)",
                    "是说明行，不是路段（不计入）",
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
                    "is a formula with no saved result: open the workbook in Excel or WPS and save it (an .xls as .xlsx: in an .xls a formula whose result is empty text cannot be told from one never calculated), or type the value",
                    "是公式，但工作簿里没有保存它的计算结果：请在 Excel 或 WPS 中打开并保存（.xls 请另存为 .xlsx：.xls 中结果为空文本的公式与从未计算的公式无法区分），或直接填入数值",
                )
                .into(),
            Problem::StaleResult => lang
                .pick(
                    "is a formula whose saved result may be out of date (the workbook asks to be recalculated when opened, as a save after edits leaves it): open the workbook in Excel or WPS and save it, or type the value",
                    "是公式，工作簿里保存的计算结果可能已过时（工作簿要求打开时重新计算，编辑后保存即如此）：请在 Excel 或 WPS 中打开并保存，或直接填入数值",
                )
                .into(),
            Problem::HiddenRow => lang
                .pick(
                    "is hidden in the sheet (by hand, by a filter or in a folded outline), so whether its segment is still planned cannot be told: unhide it in Excel or WPS to compute it, or delete it",
                    "在工作表中被隐藏（手动隐藏、筛选或折叠分组），无法判断该路段是否仍在计划内：请在 Excel 或 WPS 中取消隐藏以计算它，或删除该行",
                )
                .into(),
            Problem::UnderMerge(range) => match lang {
                Lang::En => format!(
                    "is under the cells {range} merged over several rows, which show one value for all of them: what is this row's cannot be told (given to every row it would be counted again, to the first alone the others would go without it); unmerge the cells in Excel or WPS and give each row its own"
                ),
                Lang::Zh => format!(
                    "位于跨多行合并的单元格 {range} 之下，该合并单元格为这几行只显示一个数：无法判断哪部分属于本行（每行都计会重复计算，只计第一行则其余各行缺了它）；请在 Excel 或 WPS 中取消合并，为每行分别填写"
                ),
            },
            Problem::NotOnCalendar => lang
                .pick("is not a day on the calendar", "不是日历上存在的日期")
                .into(),
            Problem::BadDate => lang
                .pick(
                    "is not a date (expected YYYY-MM-DD, like 2019-03-01)",
                    "不是日期（应为 年-月-日，如 2019-03-01）",
                )
                .into(),
            Problem::BadYear => lang
                .pick(
                    "is not a year (expected four digits, like 2019)",
                    "不是年度（应为四位年份，如 2019）",
                )
                .into(),
            Problem::DateOutsideYear(year) => {
                if zh {
                    format!("不在本行年度 {year} 年内")
                } else {
                    format!("is not in the year {year} the row's year column gives")
                }
            }
            Problem::NotInForce {
                fund,
                class,
                width,
                when,
            } => {
                let name = rules.funds[*fund].display(lang);
                let class = rules.classes[*class].display(lang);
                let width = money::measure(*width);
                match (zh, when) {
                    (false, crate::rules::When::Undated) => format!(
                        "has no date, and no rate of {name} for {class} {width} m is in force always: give the row a date (日期) or year (年度), or run with --as-of DATE"
                    ),
                    (true, crate::rules::When::Undated) => format!(
                        "没有日期，而{name}对{class} {width} 米没有始终施行的标准：请填写本行的日期或年度，或加 --as-of 日期 运行"
                    ),
                    (false, crate::rules::When::Year(y)) => {
                        format!("has no rate of {name} for {class} {width} m in force in {y}")
                    }
                    (true, crate::rules::When::Year(y)) => {
                        format!("在 {y} 年没有施行中的{name}标准（{class}，{width} 米）")
                    }
                    (false, crate::rules::When::Day(d)) => {
                        format!("has no rate of {name} for {class} {width} m in force on {d}")
                    }
                    (true, crate::rules::When::Day(d)) => {
                        format!("在 {d} 没有施行中的{name}标准（{class}，{width} 米）")
                    }
                }
            }
            Problem::YearSplit { fund, class, width } => {
                let name = rules.funds[*fund].display(lang);
                let class = rules.classes[*class].display(lang);
                let width = money::measure(*width);
                if zh {
                    format!("当年{name}对{class}（{width} 米）的标准有变动，仅凭年度无法确定适用哪一档：请在“日期”列填写具体日期")
                } else {
                    format!("is split: {name}'s rate for {class} {width} m changes during the year, so the year alone cannot tell which applies; give the day in a date (日期) column")
                }
            }
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

    /// `column "value" problem` (`列“值”问题` in Chinese, the column named as
    /// [`column_label`] names it), without the place (for a cell being edited).
    pub fn render_value(&self, rules: &RuleSet, lang: Lang) -> String {
        let what = self
            .problem
            .render_under(self.column.as_deref(), rules, lang);
        // A row with no cost is the row's problem, though it points at the cost column
        // (where the table view puts the cursor): not "cost has no cost".
        if matches!(self.problem, Problem::NoCost | Problem::HiddenRow) {
            return format!("{}{what}", lang.pick("row ", "该行"));
        }
        let column = self
            .column
            .as_deref()
            .map(|c| column_label(c, Some(rules), lang));
        match (column, &self.value, lang) {
            (Some(c), Some(v), Lang::En) => format!("{c} \"{}\" {what}", shorten(v)),
            (Some(c), Some(v), Lang::Zh) => format!("{c}“{}”{what}", shorten(v)),
            (Some(c), None, Lang::En) => format!("{c} {what}"),
            (Some(c), None, Lang::Zh) => format!("{c}{what}"),
            (None, ..) => what,
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

/// `value` with its control characters escaped (a line break as `\n`): a name or value
/// shown in a message stays on its line. Characters that show nothing are escaped too (a
/// zero-width space as `\u{200b}`, a byte-order mark inside a cell as `\u{feff}`): review
/// 32 was told `"1600000" is not an amount` of `1​600000`, which looked absurd. So are the
/// spaces that show as ordinary ones but are not (a no-break space as `\u{a0}`), which a
/// message would show as an ordinary space, and characters that show as a Chinese character
/// they are not (a radical sign, `\u{2fa6}` for what shows as `金`).
pub fn escaped(value: &str) -> String {
    value
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_debug().collect::<Vec<_>>()
            } else if crate::table::idform::look_alike(c).is_some() {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// A value as shown in a message: control characters escaped, at most 40 characters; cut
/// short between characters as written, never inside an escape (`\u{a…`, review 47), nor
/// between the carriage return and the line feed of one line end (`…村\r…` read as a
/// return on its own, which a name is refused for).
fn shorten(value: &str) -> String {
    let whole = escaped(value);
    if whole.chars().count() <= 40 {
        return whole;
    }
    let mut out = String::new();
    let mut shown = 0;
    let mut chars = value.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let len = match (c, chars.peek()) {
            ('\r', Some(&(_, '\n'))) => {
                chars.next();
                2
            }
            _ => c.len_utf8(),
        };
        let one = escaped(&value[at..at + len]);
        shown += one.chars().count();
        if shown > 39 {
            break;
        }
        out.push_str(&one);
    }
    out.push('…');
    out
}

/// A character's code point, with its name where a message is clearer for it (a tab, a
/// no-break space).
fn code_named(c: char, zh: bool) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    match (c, zh) {
        ('\t', false) => format!("{code}, a tab"),
        ('\t', true) => format!("{code}，制表符"),
        ('\u{A0}', false) => format!("{code}, a no-break space"),
        ('\u{A0}', true) => format!("{code}，不换行空格"),
        _ => code,
    }
}

/// What is wrong with a value of `field` that its parser refused (`e`), as the end of a
/// sentence that starts with the column and value: the one wording for a table's cell and for
/// an input of a rules file's self-test.
pub fn value_problem(field: Field, e: ValueError, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match (e, zh) {
        (ValueError::NotWhole, false) if field == Field::Priority => {
            "is not a whole number (a priority is like 1, 2, 3)".into()
        }
        (ValueError::NotWhole, true) if field == Field::Priority => {
            "不是整数（优先级应为整数，如 1、2、3）".into()
        }
        (ValueError::NotWhole, false) => {
            "is not a whole number (households are counted whole, like 12)".into()
        }
        (ValueError::NotWhole, true) => "不是整数（户数应为整数，如 12）".into(),
        (ValueError::FormulaError, false) => {
            "is a formula's error, not a value (correct the formula in Excel or WPS, or type the value)".into()
        }
        (ValueError::FormulaError, true) => {
            "是公式出错的结果，不是数值（请在 Excel 或 WPS 中改正公式，或直接填写数值）".into()
        }
        (ValueError::YuanSignInUnit, false) => {
            "has the yuan's sign (¥) before a bare number where bare numbers are read in 万元 or 亿元: whether it is in yuan or in that unit cannot be told (write it with its unit, like 1700000元 or 170万)".into()
        }
        (ValueError::YuanSignInUnit, true) => {
            "在按万元或亿元读取的列中，数字前有人民币符号（¥）却没有单位：无法判断是元还是该单位（请写明单位，如 1700000元 或 170万）".into()
        }
        (ValueError::NotANumber, false) => format!("is not {}", expected(field, lang)),
        (ValueError::NotANumber, true) => expected(field, lang).to_string(),
        (ValueError::Negative, false) => "must not be negative".into(),
        (ValueError::Negative, true) => "不能为负数".into(),
        (ValueError::NotPositive, false) => "must be greater than 0".into(),
        (ValueError::NotPositive, true) => "必须大于 0".into(),
        (ValueError::TooLarge, false) => match field {
            Field::Length | Field::Completed => "is too long (at most 100,000 km)".into(),
            Field::Width => "is too wide (at most 1,000 m)".into(),
            Field::Households => "is too many households (at most 4,294,967,295)".into(),
            Field::Priority => "is too large for a priority (at most 18 digits)".into(),
            _ => "is too large for exact money (at most 999,999,999,999,999.99 yuan)".into(),
        },
        (ValueError::TooLarge, true) => match field {
            Field::Length | Field::Completed => "过长（最多 100,000 公里）".into(),
            Field::Width => "过宽（最多 1,000 米）".into(),
            Field::Households => "过大（最多 4,294,967,295 户）".into(),
            Field::Priority => "过大（优先级最多 18 位数字）".into(),
            _ => "金额过大，无法精确计算（最多 999,999,999,999,999.99 元）".into(),
        },
        (ValueError::TooPrecise, false) => match field {
            Field::Length | Field::Completed => {
                "is more precise than 1 mm (at most 6 decimals of a km, 3 of a metre)".into()
            }
            Field::Width => "is more precise than 1 mm (at most 3 decimals of a metre)".into(),
            _ => "has fractions of a fen (amounts are exact to 0.01 yuan)".into(),
        },
        (ValueError::TooPrecise, true) => match field {
            Field::Length | Field::Completed => {
                "精度超过 1 毫米（公里数最多 6 位小数，米数最多 3 位）".into()
            }
            Field::Width => "精度超过 1 毫米（米数最多 3 位小数）".into(),
            _ => "含有不足一分的金额（金额精确到 0.01 元）".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The defect: a long name on two lines, cut between its `\r` and `\n`, was shown
    /// `…村\r…`: a carriage return on its own, which is what a name is refused for.
    #[test]
    fn a_long_value_is_never_cut_between_the_return_and_the_feed_of_a_line_end() {
        let name = format!("{}\r\n村", "画".repeat(36));
        assert_eq!(shorten(&name), format!("{}…", "画".repeat(36)));
        let name = format!("{}\r\n村村村村村", "画".repeat(34));
        assert_eq!(shorten(&name), format!("{}\\r\\n村…", "画".repeat(34)));
    }

    proptest! {
        /// A value shown short is its escaped form cut at a whole character or line end: a
        /// prefix of it, at most 40 characters, never ending inside an escape or between
        /// `\r` and `\n`.
        #[test]
        fn a_value_shown_short_is_a_whole_prefix_of_its_escaped_form(
            value in "[画a\r\n\u{a0}\u{200b}]{0,60}",
        ) {
            let short = shorten(&value);
            let whole = escaped(&value);
            match short.strip_suffix('…') {
                None => prop_assert_eq!(&short, &whole),
                Some(cut) => {
                    prop_assert!(short.chars().count() <= 40);
                    // Cut where some prefix of the value, escaped, ends, and not at a `\r`
                    // whose `\n` follows.
                    let taken = value
                        .char_indices()
                        .map(|(i, _)| i)
                        .find(|&i| escaped(&value[..i]) == cut);
                    prop_assert!(taken.is_some(), "{:?}", short);
                    let taken = taken.unwrap_or(0);
                    let split = value[..taken].ends_with('\r') && value[taken..].starts_with('\n');
                    prop_assert!(!split, "{:?}", short);
                }
            }
        }
    }
}
