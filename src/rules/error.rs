//! Why a rules file was refused, with the place to look (`file:line:col`), in both languages.

use crate::i18n::Lang;

mod syntax;

/// One problem in a rules file.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesError {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong.
    pub problem: RulesProblem,
}

/// What is wrong with a rules file.
#[derive(Debug, Clone, PartialEq)]
pub enum RulesProblem {
    /// TOML syntax or shape, as the TOML reader put it.
    Syntax(String),
    /// A value of the wrong type, as serde put it: `string "maybe"`, `a boolean`.
    WrongType { found: String, expected: String },
    /// A key the schema does not have.
    UnknownKey { key: String, expected: String },
    /// A required key is missing.
    MissingKey(String),
    /// Two classes or two funds share an id.
    DuplicateId { what: &'static str, id: String },
    /// Two classes accept the same name.
    DuplicateAlias(String),
    /// Two tiers of a fund have the same class and minimum width.
    DuplicateTier {
        fund: String,
        class: String,
        width: String,
    },
    /// Two budgets for the same fund or source, class and scope.
    DuplicateBudget(usize),
    /// Two budgets of one name: the summary could not tell them apart.
    DuplicateBudgetName(String),
    /// An empty (or blank) string among a class's `aliases` or a fund's `approved_aliases`
    /// (the key).
    EmptyAlias(&'static str),
    /// `approved_aliases` on a fund paid at a fixed standard (its id): nothing to approve.
    ApprovedAliasesFixedRate(String),
    /// A name of a fund's approved-amount column (`<id>_approved` or an alias) that already
    /// names another column.
    ApprovedNameTaken { name: String, taken: super::Taken },
    /// A name given twice to approved-amount columns (the fund that has it first).
    DuplicateApprovedName { name: String, fund: String },
    /// A rate or amount below zero.
    Negative(String),
    /// A tier or budget names a class that is not defined.
    UnknownClass { name: String, known: String },
    /// A budget names a fund that is not defined.
    UnknownFund { name: String, known: String },
    /// A budget names both a `fund` and a `source`.
    BudgetDrawsTwice,
    /// A budget names neither a `fund` nor a `source`.
    BudgetDrawsNothing,
    /// A budget names a source of the gap that is none of the four.
    UnknownSource(String),
    /// A budget on a source asks for an allocation (`on_overrun` other than `report`).
    SourceBudgetAllocates {
        source: &'static str,
        on_overrun: String,
    },
    /// An amount written as a TOML float.
    FloatAmount(f64),
    /// An amount or width that does not parse.
    BadNumber {
        value: String,
        expected: &'static str,
    },
    /// An amount or width past what is computed exactly.
    TooLarge {
        value: String,
        expected: &'static str,
    },
    /// An unknown rounding rule.
    UnknownRounding(String),
    /// A budget's `on_overrun` that is none of the choices.
    UnknownOnOverrun(String),
    /// No funds, no classes, or a tier without classes.
    Empty(&'static str),
    /// An empty (or blank) name, source, id or alias.
    EmptyText(&'static str),
    /// An `effective` date that is not a calendar date `YYYY-MM-DD`.
    BadDate(String),
    /// A tier's `from` or `until`, or a test's `date` (the key), that is not a calendar date
    /// `YYYY-MM-DD`.
    BadTierDate { key: &'static str, value: String },
    /// A tier's `until` before its `from`.
    PeriodReversed { from: String, until: String },
    /// Two tiers of one fund for one class and minimum width whose periods share a day.
    PeriodsOverlap {
        fund: String,
        class: String,
        width: String,
        first: String,
        second: String,
    },
    /// `plausible_cost_per_km` that is not `[min, max]` with min ≤ max.
    BadRange,
    /// A fund id or name that would head a column that already has that name.
    ColumnClash {
        key: &'static str,
        name: String,
        taken: super::Taken,
    },
    /// The file is not UTF-8 text (usually GBK).
    NotUtf8,
    /// Two self-tests of one name: their results could not be told apart.
    DuplicateTestName(String),
    /// A self-test's input value (under `key`) that a table's cell of `field` would refuse,
    /// and why; an expected amount is read as a cost is.
    TestValue {
        key: String,
        value: String,
        field: crate::table::Field,
        error: crate::money::ValueError,
    },
    /// A self-test's number written as a TOML float.
    TestFloat { key: String, value: f64 },
    /// A self-test's `completed_km` beyond its `length_km`.
    TestCompletedBeyondLength {
        value: String,
        length: rust_decimal::Decimal,
    },
    /// A self-test with neither `cost` nor `cost_per_km`.
    TestNoCost,
    /// A self-test (its name) with no amounts to expect.
    TestExpectsNothing(String),
    /// A self-test's approved amount for a fund (its id) paid at a fixed standard.
    TestApprovedFixedRate(String),
    /// A self-test's approved amount (under `key`) above the fund's ceiling for the segment.
    TestAboveCeiling {
        key: String,
        value: String,
        ceiling: rust_decimal::Decimal,
    },
    /// A self-test's approved amount of a fund that pays the segment nothing (no tier for
    /// its class or width): the problem as a table's cell of it is said, in each language.
    TestNothingToApprove {
        key: String,
        value: String,
        en: String,
        zh: String,
    },
    /// A self-test's `disbursed` above the subsidy the segment gets.
    TestDisbursedAboveSubsidy {
        value: String,
        subsidy: rust_decimal::Decimal,
    },
    /// A self-test's segment with no rate of a fund in force on its date (or the as-of
    /// day), as a table's row would be refused: the row's message, said in each language.
    TestNotInForce { en: String, zh: String },
    /// A self-test expecting an amount (under `key`) that its inputs give none of: it is
    /// computed from the inputs `needs`, of which the test does not give those `missing`.
    TestExpectsWithout {
        key: String,
        needs: &'static [&'static str],
        missing: Vec<&'static str>,
    },
}

impl RulesError {
    /// `file:line:col: message`.
    pub fn render(&self, lang: Lang) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file,
            self.line,
            self.col,
            self.problem.render(lang)
        )
    }
}

impl RulesProblem {
    /// The message alone.
    pub fn render(&self, lang: Lang) -> String {
        use RulesProblem::*;
        let zh = lang == Lang::Zh;
        match self {
            Syntax(msg) => {
                if zh {
                    // The reader's own words when they are not among those it can write.
                    let msg = syntax::zh(msg).unwrap_or_else(|| msg.clone());
                    format!("规则文件格式错误：{msg}")
                } else {
                    msg.clone()
                }
            }
            WrongType { found, expected } => {
                if zh {
                    format!(
                        "类型错误：{}，应为{}",
                        type_zh(found),
                        type_zh(expected)
                    )
                } else {
                    format!("invalid type: {found}, expected {expected}")
                }
            }
            UnknownKey { key, expected } => {
                if zh {
                    format!("未知的键 `{key}`（可用的键：{expected}）")
                } else {
                    format!("unknown key `{key}` (expected one of {expected})")
                }
            }
            MissingKey(key) => {
                if zh {
                    format!("缺少必需的键 `{key}`")
                } else {
                    format!("missing required key `{key}`")
                }
            }
            DuplicateId { what, id } => {
                let (en, zh_what) = match *what {
                    "class" => ("class", "道路类别"),
                    _ => ("fund", "资金来源"),
                };
                if zh {
                    format!("{zh_what} id \"{id}\" 重复")
                } else {
                    format!("duplicate {en} id \"{id}\"")
                }
            }
            DuplicateAlias(name) => {
                if zh {
                    format!("名称 \"{name}\" 被两个道路类别同时使用")
                } else {
                    format!("the name \"{name}\" is given to two classes")
                }
            }
            DuplicateTier { fund, class, width } => {
                if zh {
                    format!("资金 {fund} 对 {class} 已有最小宽度 {width} 米的标准档")
                } else {
                    format!("fund {fund} already has a tier for {class} at minimum width {width} m")
                }
            }
            DuplicateBudget(line) => {
                if zh {
                    format!("该资金或筹资来源、类别与范围的预算额度已在第 {line} 行定义过")
                } else {
                    format!("a budget for this fund or source, class and scope is already defined at line {line}")
                }
            }
            DuplicateBudgetName(name) => {
                if zh {
                    format!("已有名为 \"{name}\" 的预算额度；请给每个预算额度取不同的名称")
                } else {
                    format!("a budget named \"{name}\" is already defined; give each budget its own name")
                }
            }
            EmptyAlias(key) => {
                if zh {
                    format!("`{key}` 中有一个别名是空字符串；请删除它或填写名称")
                } else {
                    format!("one of the `{key}` is an empty string; remove it or write the name")
                }
            }
            ApprovedAliasesFixedRate(fund) => {
                if zh {
                    format!("资金来源 {fund} 是定额标准，不是“以内”上限（up_to = true），没有批复金额，也就没有批复金额列：请删除 approved_aliases，或写 up_to = true")
                } else {
                    format!("fund {fund} pays a fixed standard, not \"up to\" a ceiling (up_to = true), so it has no approved amount and no column for one: remove approved_aliases, or write up_to = true")
                }
            }
            ApprovedNameTaken { name, taken } => {
                use super::Taken;
                match (taken, zh) {
                    (Taken::Input(col), false) => format!(
                        "approved-amount column name \"{name}\" is a name of the input column {col}: a column so headed would be read as both; choose another"
                    ),
                    (Taken::Input(col), true) => format!(
                        "批复金额列名 \"{name}\" 是输入列 {col} 的名称，这样的列会被同时当作两者读取；请另取名称"
                    ),
                    (Taken::Computed(col), false) => format!(
                        "approved-amount column name \"{name}\" is the name of the computed column {col}: a table roadsub wrote, read back, would give it as an approved amount; choose another"
                    ),
                    (Taken::Computed(col), true) => format!(
                        "批复金额列名 \"{name}\" 与计算列 {col} 同名，roadsub 写出的表读回时会被当作批复金额；请另取名称"
                    ),
                    (Taken::Fund(id), false) => format!(
                        "approved-amount column name \"{name}\" already heads the column of fund {id}; choose another"
                    ),
                    (Taken::Fund(id), true) => format!(
                        "批复金额列名 \"{name}\" 已是资金来源 {id} 的列名；请另取名称"
                    ),
                }
            }
            DuplicateApprovedName { name, fund } => {
                if zh {
                    format!("\"{name}\" 已是资金来源 {fund} 的批复金额列名；一个列名只能用一次")
                } else {
                    format!("\"{name}\" already names the approved-amount column of fund {fund}; give each column its own name")
                }
            }
            Negative(value) => {
                if zh {
                    format!("\"{value}\" 为负数；金额和宽度不能为负")
                } else {
                    format!("\"{value}\" is negative; a rate, amount or width must be 0 or more")
                }
            }
            UnknownClass { name, known } => {
                if zh {
                    format!("未定义的道路类别 \"{name}\"（已定义：{known}）")
                } else {
                    format!("unknown class \"{name}\" (defined: {known})")
                }
            }
            UnknownFund { name, known } => {
                if zh {
                    format!("未定义的资金来源 \"{name}\"（已定义：{known}）")
                } else {
                    format!("unknown fund \"{name}\" (defined: {known})")
                }
            }
            BudgetDrawsTwice => lang
                .pick(
                    "a budget holds one kind of money: write `fund = \"…\"` or `source = \"…\"`, not both",
                    "一个预算额度只能对应一种资金：请写 `fund = \"…\"` 或 `source = \"…\"`，不能两者都写",
                )
                .to_string(),
            BudgetDrawsNothing => lang
                .pick(
                    "a budget must say what money it holds: write `fund = \"<fund id>\"` or `source = \"<source>\"` (other_funds, yishi_yiyi, self_raised or village_fund)",
                    "预算额度须注明对应的资金：请写 `fund = \"资金编号\"` 或 `source = \"筹资来源\"`（other_funds、yishi_yiyi、self_raised 或 village_fund）",
                )
                .to_string(),
            UnknownSource(name) => {
                if zh {
                    format!("未知的筹资来源 \"{name}\"（可选：other_funds 整合资金、yishi_yiyi 一事一议筹资、self_raised 农户自筹、village_fund 村项目资金）")
                } else {
                    format!("unknown source \"{name}\" (expected other_funds, yishi_yiyi, self_raised or village_fund)")
                }
            }
            SourceBudgetAllocates { source, on_overrun } => {
                if zh {
                    format!("筹资来源 {source} 的预算额度只能报告超支：筹资来源是规划自有的资金，任何预算额度都不削减它；请写 on_overrun = \"report\" 或删去此项（现为 \"{on_overrun}\"）")
                } else {
                    format!("a budget on the source {source} only reports: the sources are the plan's own money, which no budget cuts; write on_overrun = \"report\" or leave it out (not \"{on_overrun}\")")
                }
            }
            FloatAmount(value) => {
                // Suggest the exact form: an integer when the float is whole, else a string.
                let exact = if value.fract() == 0.0 && value.abs() < 1e15 {
                    format!("{value:.0}")
                } else {
                    format!("\"{value}\"")
                };
                if zh {
                    format!("金额 {value:?} 是浮点数，可能不精确；请写成 {exact}")
                } else {
                    format!("amount {value:?} is a float, which is not exact; write {exact}")
                }
            }
            BadNumber { value, expected } => {
                let (en, zh_e) = match *expected {
                    "width" => (
                        "a width in metres like 3.5 (to the millimetre: at most three decimals)",
                        "米数，如 3.5（精确到毫米：最多三位小数）",
                    ),
                    _ => (
                        "an amount in yuan like 150000 or \"15万\" (to the fen)",
                        "元金额，如 150000 或 \"15万\"（精确到分）",
                    ),
                };
                if zh {
                    format!("\"{value}\" 无效，应为{zh_e}")
                } else {
                    format!("\"{value}\" is not {en}")
                }
            }
            TooLarge { value, expected } => match (*expected, zh) {
                ("width", false) => format!("\"{value}\" is too wide (at most 1,000 m)"),
                ("width", true) => format!("\"{value}\" 过宽（最多 1,000 米）"),
                (_, false) => format!(
                    "\"{value}\" is too large for exact money (at most 999,999,999,999,999.99 yuan)"
                ),
                (_, true) => format!(
                    "\"{value}\" 金额过大，无法精确计算（最多 999,999,999,999,999.99 元）"
                ),
            },
            UnknownRounding(value) => {
                if zh {
                    format!("未知的舍入规则 \"{value}\"（可选：half_away_from_zero 四舍五入、half_even 四舍六入五成双）")
                } else {
                    format!("unknown rounding rule \"{value}\" (expected half_away_from_zero or half_even)")
                }
            }
            UnknownOnOverrun(value) => {
                if zh {
                    format!("未知的超支处理方式 on_overrun = \"{value}\"（可选：report 仅报告超支、prorate 按比例分摊、in_order 按优先级顺序拨付）")
                } else {
                    format!("unknown on_overrun \"{value}\" (expected report, prorate or in_order)")
                }
            }
            EmptyText(key) => {
                if zh {
                    format!("`{key}` 为空；请填写内容")
                } else {
                    format!("`{key}` is empty; it must say something")
                }
            }
            // Written as a date but not on the calendar (2019-02-29, 0000-01-01): said so, not
            // told the form it has (review 37).
            BadDate(value) if super::Day::has_form(value) => {
                if zh {
                    format!("生效日期 \"{value}\" 不是日历上存在的日期")
                } else {
                    format!("effective date \"{value}\" is not a day on the calendar")
                }
            }
            BadDate(value) => {
                if zh {
                    format!("生效日期 \"{value}\" 不是有效日期（应为 年-月-日，如 2018-05-15）")
                } else {
                    format!("effective date \"{value}\" is not a date (expected YYYY-MM-DD, like 2018-05-15)")
                }
            }
            BadTierDate { key, value } if super::Day::has_form(value) => {
                if zh {
                    format!("`{key}` 的 \"{value}\" 不是日历上存在的日期")
                } else {
                    format!("`{key}` \"{value}\" is not a day on the calendar")
                }
            }
            BadTierDate { key, value } => {
                if zh {
                    format!("`{key}` 的 \"{value}\" 不是有效日期（应为 年-月-日，如 2019-01-01）")
                } else {
                    format!("`{key}` \"{value}\" is not a date (expected YYYY-MM-DD, like 2019-01-01)")
                }
            }
            PeriodReversed { from, until } => {
                if zh {
                    format!("截止日期 {until} 早于起始日期 {from}")
                } else {
                    format!("until {until} is before from {from}")
                }
            }
            PeriodsOverlap {
                fund,
                class,
                width,
                first,
                second,
            } => {
                // A tier with neither `from` nor `until` is in force always.
                let period = |p: &str| match p {
                    "… – …" => lang.pick("always (no from or until)", "始终有效（未写 from 和 until）").to_string(),
                    _ => p.to_string(),
                };
                let (first, second) = (period(first), period(second));
                if zh {
                    format!("资金 {fund} 对 {class} 最小宽度 {width} 米的两个标准档期间重叠：{first} 与 {second}")
                } else {
                    format!("fund {fund} has two tiers for {class} at minimum width {width} m whose periods overlap: {first} and {second}")
                }
            }
            BadRange => lang
                .pick(
                    "plausible_cost_per_km must be [min, max] in yuan per km, min not above max, like [\"5万\", \"500万\"]",
                    "plausible_cost_per_km 应为 [下限, 上限]（元/公里，下限不大于上限），如 [\"5万\", \"500万\"]",
                )
                .to_string(),
            ColumnClash { key, name, taken } => {
                use super::Taken;
                match (taken, zh) {
                    (Taken::Input(col), false) => format!(
                        "fund {key} \"{name}\" is the name of the input column {col}: its column would hide that one; choose another"
                    ),
                    (Taken::Input(col), true) => format!(
                        "资金来源的 {key} \"{name}\" 与输入列 {col} 同名，会遮盖该列；请另取名称"
                    ),
                    (Taken::Computed(col), false) => format!(
                        "fund {key} \"{name}\" is the name of the computed column {col}: the output would have two; choose another"
                    ),
                    (Taken::Computed(col), true) => format!(
                        "资金来源的 {key} \"{name}\" 与计算列 {col} 同名，输出会有两列同名；请另取名称"
                    ),
                    (Taken::Fund(id), false) => format!(
                        "fund {key} \"{name}\" already heads the column of fund {id}; choose another"
                    ),
                    (Taken::Fund(id), true) => format!(
                        "资金来源的 {key} \"{name}\" 已是资金来源 {id} 的列名；请另取名称"
                    ),
                }
            }
            DuplicateTestName(name) => {
                if zh {
                    format!("已有名为 \"{name}\" 的自测；请给每项自测取不同的名称")
                } else {
                    format!("a test named \"{name}\" is already defined; give each test its own name")
                }
            }
            TestValue {
                key,
                value,
                field,
                error,
            } => {
                let why = crate::table::row::value_problem(*field, *error, lang);
                format!("{key} \"{value}\" {why}")
            }
            TestFloat { key, value } => {
                let exact = format!("\"{value}\"");
                if zh {
                    format!("{key} 的值 {value:?} 是浮点数，可能不精确；请写成 {exact}")
                } else {
                    format!("{key} {value:?} is a float, which is not exact; write {exact}")
                }
            }
            TestCompletedBeyondLength { value, length } => {
                let length = crate::money::measure(*length);
                if zh {
                    format!("completed_km \"{value}\" 超过路段长度 {length} 公里")
                } else {
                    format!("completed_km \"{value}\" is more than the length of {length} km")
                }
            }
            TestNoCost => lang
                .pick(
                    "this test has no cost: give cost or cost_per_km",
                    "该自测没有造价：请填写 cost 或 cost_per_km",
                )
                .to_string(),
            TestExpectsNothing(name) => {
                if zh {
                    format!("自测 \"{name}\" 没有预期金额：请在 [test.expect] 中写出各资金、subsidy_total、gap、shortfall 等应得的金额")
                } else {
                    format!("test \"{name}\" expects nothing: write the amounts it must give (each fund, subsidy_total, gap, shortfall, …) under [test.expect]")
                }
            }
            TestApprovedFixedRate(fund) => {
                if zh {
                    format!("资金来源 {fund} 是定额标准，不是“以内”上限，没有批复金额：请删除 {fund}_approved")
                } else {
                    format!("fund {fund} pays a fixed standard, not \"up to\" a ceiling, so it has no approved amount: remove {fund}_approved")
                }
            }
            TestAboveCeiling {
                key,
                value,
                ceiling,
            } => {
                let ceiling = crate::money::grouped(*ceiling);
                if zh {
                    format!("{key} \"{value}\" 超过上限 {ceiling} 元（每公里标准 × 长度）")
                } else {
                    format!("{key} \"{value}\" is above the ceiling, {ceiling} (rate per km × length)")
                }
            }
            TestNothingToApprove {
                key,
                value,
                en,
                zh: said_zh,
            } => {
                if zh {
                    format!("{key} \"{value}\" {said_zh}")
                } else {
                    format!("{key} \"{value}\" {en}")
                }
            }
            TestDisbursedAboveSubsidy { value, subsidy } => {
                let subsidy = crate::money::grouped(*subsidy);
                if zh {
                    format!("disbursed \"{value}\" 超过补助合计 {subsidy} 元")
                } else {
                    format!("disbursed \"{value}\" is more than the subsidy of {subsidy}")
                }
            }
            TestNotInForce { en, zh: said_zh } => {
                if zh {
                    format!("该自测的路段{said_zh}")
                } else {
                    format!("the test's segment {en}")
                }
            }
            TestExpectsWithout { key, needs, missing } => {
                if zh {
                    let (n, m) = (needs.join(" 和 "), missing.join(" 和 "));
                    format!("{key} 由 {n} 计算，而该自测没有 {m}：请填写 {m}，或从 [test.expect] 中删除 {key}")
                } else {
                    let (n, m) = (needs.join(" and "), missing.join(" and "));
                    format!("{key} is computed from {n}, and this test gives no {m}: add {m} or remove {key} from [test.expect]")
                }
            }
            NotUtf8 => lang
                .pick(
                    "the rules file is not UTF-8 text (often it was saved as GBK); save it as UTF-8 and try again",
                    "规则文件不是 UTF-8 文本（常见原因是以 GBK 编码保存）；请另存为 UTF-8 后再试",
                )
                .to_string(),
            Empty(what) => {
                let (en, zh_m) = match *what {
                    "funds" => (
                        "no funds are defined: add at least one [[funds]]",
                        "未定义任何资金来源：至少需要一个 [[funds]]",
                    ),
                    "classes" => (
                        "no classes are defined: add at least one [[classes]]",
                        "未定义任何道路类别：至少需要一个 [[classes]]",
                    ),
                    "fund tiers" => (
                        "this fund has no tiers, so it would never pay: add at least one [[funds.tiers]]",
                        "该资金来源没有标准档，永远不会补助：至少需要一个 [[funds.tiers]]",
                    ),
                    _ => (
                        "a tier must name at least one class",
                        "标准档必须至少列出一个道路类别",
                    ),
                };
                lang.pick(en, zh_m).to_string()
            }
        }
    }
}

/// A serde type description (`string "maybe"`, `a boolean`) in Chinese, the value kept.
fn type_zh(text: &str) -> String {
    const KINDS: [(&str, &str); 13] = [
        ("an integer or a string such as", "整数或字符串，如"),
        (
            "a number or a string such as \"15万\" or \"3.5\"",
            "数字或字符串，如 \"15万\" 或 \"3.5\"",
        ),
        ("a boolean", "布尔值 true 或 false"),
        ("a string", "字符串（加引号）"),
        ("a sequence", "数组，如 [\"village\"]"),
        ("a map", "表"),
        ("string", "字符串"),
        ("boolean", "布尔值"),
        ("integer", "整数"),
        ("floating point", "浮点数"),
        ("sequence", "数组"),
        ("map", "表"),
        ("datetime", "日期时间"),
    ];
    for (en, zh) in KINDS {
        if let Some(rest) = text.strip_prefix(en) {
            return format!("{zh}{rest}");
        }
    }
    text.to_string()
}
