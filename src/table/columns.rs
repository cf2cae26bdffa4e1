//! Which column holds what: header names in English, simplified or traditional Chinese, in any
//! order and case, optionally with a unit (`投资(万元)`, `长度（米）`) or a clarification in
//! brackets that is no unit (`村(社区)`, `village(组)`).

use crate::i18n::Lang;
use crate::money::{normalize_width_forms, Scale};
use crate::table::units::{TableUnits, UnitProblem};

/// The header names of a row number an office keeps (`序号`): the id when no other column is.
const SERIAL: [&str; 3] = ["序号", "序號", "no."];

/// How the user says to read a table: `--amount-unit` and `--map`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderOptions {
    /// The unit of bare amounts in columns whose header names none.
    pub amount_unit: Option<Scale>,
    /// Headers (as written, or without their bracket) that hold a field.
    pub map: Vec<(String, Field)>,
    /// Headers (as `map`'s) the user says are columns of their own, whatever their names
    /// look like (`--map HEADER=own`): carried through unread, never taken for a field.
    pub own: Vec<String>,
}

/// A column roadsub understands (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Id,
    Township,
    Village,
    Name,
    Class,
    Width,
    Length,
    Cost,
    CostPerKm,
    OtherFunds,
    Completed,
    Households,
    YishiYiyi,
    SelfRaised,
    VillageFund,
    Disbursed,
    Priority,
    Date,
    Year,
}

/// How many fields there are.
const FIELDS: usize = Field::ALL.len();

impl Field {
    /// Every field, in the SPEC's order.
    pub const ALL: [Field; 19] = [
        Field::Id,
        Field::Township,
        Field::Village,
        Field::Name,
        Field::Class,
        Field::Width,
        Field::Length,
        Field::Cost,
        Field::CostPerKm,
        Field::OtherFunds,
        Field::Completed,
        Field::Households,
        Field::YishiYiyi,
        Field::SelfRaised,
        Field::VillageFund,
        Field::Disbursed,
        Field::Priority,
        Field::Date,
        Field::Year,
    ];

    /// The English column name, as written in output and docs.
    pub fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Township => "township",
            Field::Village => "village",
            Field::Name => "name",
            Field::Class => "class",
            Field::Width => "width_m",
            Field::Length => "length_km",
            Field::Cost => "cost",
            Field::CostPerKm => "cost_per_km",
            Field::OtherFunds => "other_funds",
            Field::Completed => "completed_km",
            Field::Households => "households",
            Field::YishiYiyi => "yishi_yiyi",
            Field::SelfRaised => "self_raised",
            Field::VillageFund => "village_fund",
            Field::Disbursed => "disbursed",
            Field::Priority => "priority",
            Field::Date => "date",
            Field::Year => "year",
        }
    }

    /// The usual Chinese column name.
    pub fn zh(self) -> &'static str {
        self.aliases()[0]
    }

    /// The column name in `lang`.
    pub fn display(self, lang: Lang) -> &'static str {
        lang.pick(self.key(), self.zh())
    }

    /// Other accepted names: simplified first, then traditional forms.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Id => &["编号", "路段编号", "編號", "路段編號"],
            Field::Township => &["乡镇", "鄉鎮", "乡", "镇", "所属乡镇", "所屬鄉鎮"],
            Field::Village => &[
                "村",
                "村名",
                "村名称",
                "村名稱",
                "行政村",
                "所属村",
                "所屬村",
            ],
            Field::Name => &["路段名称", "名称", "路段名稱", "名稱", "路名"],
            Field::Class => &[
                "道路类别",
                "类别",
                "道路類別",
                "類別",
                "道路等级",
                "道路类型",
                "道路等級",
                "道路類型",
            ],
            Field::Width => &["宽度", "路面宽度", "寬度", "路面寬度", "width"],
            Field::Length => &["长度", "里程", "長度", "length", "建设里程", "建設里程"],
            Field::Cost => &[
                "投资",
                "估算投资",
                "造价",
                "投資",
                "估算投資",
                "造價",
                "总投资",
                "計劃投資",
                "计划投资",
                "總投資",
                "工程造价",
                "总造价",
                "项目总投资",
                "投资估算",
                "项目投资",
                "工程造價",
                "總造價",
                "項目總投資",
                "投資估算",
                "項目投資",
            ],
            Field::CostPerKm => &["每公里造价", "每公里造價", "每公里投资", "每公里投資"],
            Field::OtherFunds => &[
                "整合资金",
                "其他资金",
                "其它资金",
                "涉农整合资金",
                "统筹整合资金",
                "整合資金",
                "其他資金",
                "涉農整合資金",
                "統籌整合資金",
            ],
            Field::Completed => &["已完工", "完工里程", "已完工里程", "已完成里程"],
            Field::Households => &["户数", "受益户数", "戶數", "受益戶數"],
            Field::YishiYiyi => &[
                "一事一议筹资",
                "一事一议",
                "一事一议资金",
                "一事一議籌資",
                "一事一議",
                "一事一議資金",
            ],
            Field::SelfRaised => &[
                "农户自筹",
                "群众自筹",
                "自筹资金",
                "农户自筹资金",
                "群众自筹资金",
                "農戶自籌",
                "群眾自籌",
                "自籌資金",
                "農戶自籌資金",
                "群眾自籌資金",
            ],
            Field::VillageFund => &["村项目资金", "村項目資金"],
            Field::Disbursed => &[
                "已拨付",
                "已撥付",
                "已拨付资金",
                "已拨资金",
                "已拨付金额",
                "已撥付資金",
                "已撥資金",
                "已撥付金額",
            ],
            Field::Priority => &["优先级", "優先級", "优先顺序", "優先順序"],
            Field::Date => &["日期"],
            Field::Year => &["年度", "年份"],
        }
    }

    /// Whether the column holds numbers (aligned right for people).
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Field::Width
                | Field::Length
                | Field::Cost
                | Field::CostPerKm
                | Field::OtherFunds
                | Field::Completed
                | Field::Households
                | Field::YishiYiyi
                | Field::SelfRaised
                | Field::VillageFund
                | Field::Disbursed
                | Field::Priority
        )
    }

    /// Whether the column holds an amount of money (a unit of 万元 or 元 applies).
    pub fn is_money(self) -> bool {
        matches!(
            self,
            Field::Cost
                | Field::CostPerKm
                | Field::OtherFunds
                | Field::YishiYiyi
                | Field::SelfRaised
                | Field::VillageFund
                | Field::Disbursed
        )
    }

    /// The gap's source this column gives, if it gives one.
    pub fn source(self) -> Option<crate::engine::Source> {
        use crate::engine::Source;
        match self {
            Field::OtherFunds => Some(Source::OtherFunds),
            Field::YishiYiyi => Some(Source::YishiYiyi),
            Field::SelfRaised => Some(Source::SelfRaised),
            Field::VillageFund => Some(Source::VillageFund),
            _ => None,
        }
    }

    /// Whether every row must have this column.
    pub fn required(self) -> bool {
        matches!(
            self,
            Field::Id
                | Field::Township
                | Field::Village
                | Field::Class
                | Field::Width
                | Field::Length
        )
    }

    /// The scale a column headed `header` gives the bare numbers of this field, read as
    /// [`Columns::from_header`] reads it (a header without a known unit: the base unit).
    pub fn scale_of_header(self, header: &str) -> Scale {
        let normal = header_form(header.trim().trim_start_matches('\u{feff}'));
        split_unit(&normal)
            .1
            .and_then(|u| unit_scale(self, u))
            .unwrap_or_default()
    }

    /// The field a header names, read as [`Columns::from_header`] reads it (units aside).
    pub fn of_header(header: &str) -> Option<Field> {
        let normal = header_form(header.trim().trim_start_matches('\u{feff}'));
        let base = split_unit(&normal).0.to_ascii_lowercase();
        Field::ALL.into_iter().find(|f| f.matches(&base))
    }

    fn matches(self, name: &str) -> bool {
        name == self.key()
            || self
                .aliases()
                .iter()
                .any(|a| a.eq_ignore_ascii_case(name) || squeeze(a).eq_ignore_ascii_case(name))
    }
}

/// Splits the trailing brackets off a header: `投资(万元)` → (`投资`, `万元`). Brackets that name
/// no unit only clarify the column and are dropped, in any order beside the unit's
/// (`总投资（含配套）(万元)`, `总投资(万元)（含配套）`), so a header roadsub wrote with the table's
/// unit reads back the same. Spaces inside the name are no part of it (`总 投资`, as offices
/// pad headers to width).
fn split_unit(header: &str) -> (String, Option<&str>) {
    let mut h = header.trim_end();
    let mut unit = None;
    let mut last = None;
    'peel: loop {
        for (open, close) in [
            ('(', ')'),
            ('[', ']'),
            ('（', '）'),
            ('【', '】'),
            ('〔', '〕'),
            ('〖', '〗'),
        ] {
            let Some(inner) = h.strip_suffix(close) else {
                continue;
            };
            let Some(at) = inner.rfind(open) else {
                continue;
            };
            let words = inner[at + open.len_utf8()..].trim();
            let rest = inner[..at].trim_end();
            if rest.is_empty() {
                break 'peel;
            }
            if looks_like_unit(words) {
                if unit.is_some() {
                    // Two units: kept in the name, which then names no column.
                    break 'peel;
                }
                unit = Some(words);
            }
            last = Some(words);
            h = rest;
            continue 'peel;
        }
        break;
    }
    (squeeze(h), unit.or(last))
}

/// A header's name without its whitespace.
fn squeeze(name: &str) -> String {
    name.split_whitespace().collect()
}

/// What a header's unit means for the bare numbers below it, if roadsub knows the unit.
fn unit_scale(field: Field, unit: &str) -> Option<Scale> {
    // `(单位：万元)`, `(万 元)`.
    let u: String = unit.to_ascii_lowercase().split_whitespace().collect();
    let u = u
        .strip_prefix("单位")
        .map_or(u.as_str(), |r| r.trim_start_matches([':', '：', '为']));
    let money = field.is_money();
    let length = matches!(field, Field::Length | Field::Completed);
    // A unit per km is an amount's (`元/公里`); a length's `m/km` is no unit.
    let u = match length {
        true => u,
        false => u.trim_end_matches("/km").trim_end_matches("/公里"),
    };
    // The units of money and length are the one list a title row and --amount-unit read.
    let metres = crate::table::units::length_word(u) == Some(Scale::Pow10(-3));
    match u {
        _ if money => crate::table::units::money_word(u),
        _ if length => crate::table::units::length_word(u),
        _ if metres && field == Field::Width => Some(Scale::Base),
        "户" | "戶" if field == Field::Households => Some(Scale::Base),
        _ => None,
    }
}

/// Whether the words in a header's brackets name a unit (of money, length, count or share),
/// whether or not one roadsub takes for that column: `美元` and `千米` do, `社区` and `组` do not.
fn looks_like_unit(unit: &str) -> bool {
    let u = unit.to_ascii_lowercase();
    let u = u.trim_end_matches("/km").trim_end_matches("/公里");
    const ENDS: [&str; 24] = [
        "元", "圆", "块", "万", "萬", "亿", "億", "米", "里", "户", "戶", "$", "¥", "%", "‰", "km",
        "m", "mi", "yuan", "rmb", "cny", "usd", "eur", "吨",
    ];
    // A multiple without its unit (`整合资金(千)`, `(thousand)`, `(in millions)`, `(k)`): what
    // the numbers are multiples of is not said, and read as yuan they were a thousand times
    // too small (review 32). Named, it is a unit (refused for a field of money).
    const MULTIPLES: [&str; 16] = [
        "k",
        "thousand",
        "thousands",
        "million",
        "millions",
        "mn",
        "mln",
        "billion",
        "billions",
        "bn",
        "hundred",
        "hundreds",
        "lakh",
        "lakhs",
        "crore",
        "crores",
    ];
    let multiple = u
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| MULTIPLES.contains(&w))
        || ["千", "仟", "百", "佰", "十", "拾"]
            .iter()
            .any(|m| u.trim().ends_with(m));
    Field::ALL.into_iter().any(|f| unit_scale(f, u).is_some())
        || multiple
        || u.chars().any(|c| c.is_ascii_digit())
        || ENDS.iter().any(|e| u.ends_with(e))
}

/// Whether a field's numbers are read in a unit a header may state (amounts, lengths).
fn field_has_unit(field: Field) -> bool {
    field.is_money() || matches!(field, Field::Length | Field::Completed)
}

/// Whether the words in a header's brackets hold a unit of money or length anywhere
/// (`万元，含税`, `米数`, `公尺`, `w`): beside an amount or a length they are no mere words,
/// and read as such the numbers would be taken in yuan or kilometres.
fn mentions_unit(words: &str) -> bool {
    let w = words.to_ascii_lowercase();
    const WORDS: [&str; 22] = [
        "元", "圆", "万", "萬", "亿", "億", "米", "尺", "丈", "公里", "km", "metre", "meter",
        "yuan", "rmb", "cny", "㎜", "㎝", "㎞", "㎡", "mm", "cm",
    ];
    WORDS.iter().any(|u| w.contains(u))
        || w.split(|c: char| !c.is_ascii_alphabetic())
            .any(|t| matches!(t, "m" | "w"))
}

/// How the header of one table maps to fields.
#[derive(Debug, Clone)]
pub struct Columns {
    /// The header's names, trimmed (and without a byte-order mark): what is matched and
    /// what messages say.
    pub names: Vec<String>,
    /// The header's cells exactly as written (but for a byte-order mark): what an output
    /// that copies a column heads it with.
    pub written: Vec<String>,
    /// `field[f as usize]` is the column index holding field `f`.
    index: [Option<usize>; FIELDS],
    /// The unit scale each field's header gives bare numbers.
    scale: [Scale; FIELDS],
    /// Whether a field's header names its unit (then a unit for the whole table does not apply).
    own_unit: [bool; FIELDS],
    /// The units the rows above the header or the command line give the whole table.
    pub units: TableUnits,
    /// The columns of amounts approved for ceiling funds (`poverty_approved`, 扶贫批复), found
    /// the first time a row of the table is read under a rule set.
    approved: std::sync::OnceLock<ApprovedColumns>,
    /// Whether the table is CSV separated by semicolons, as spreadsheets write it where a
    /// comma is the decimal point: a number with a comma cannot be told there.
    pub semicolons: bool,
    /// Whether the table is CSV separated by tabs, which a spreadsheet that writes a decimal
    /// comma may save too: a thousands point cannot be told there.
    pub tabs: bool,
    /// The columns the user said are their own (`--map HEADER=own`).
    own: Vec<usize>,
}

/// The approved-amount columns of a table under a rule set.
#[derive(Debug, Clone, Default)]
struct ApprovedColumns {
    /// The first column found for each fund.
    found: Vec<Approved>,
    /// A further column for a fund that has one already: `(fund, first, second)` columns.
    /// Which of them holds the amount cannot be told, so neither is read.
    twice: Vec<(crate::rules::FundId, usize, usize)>,
}

/// A column of amounts approved for one fund (SPEC §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approved {
    /// The fund.
    pub fund: crate::rules::FundId,
    /// The column.
    pub column: usize,
    /// The unit its header gives bare numbers.
    pub scale: Scale,
}

/// Why a header cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    /// Required fields with no column.
    Missing(Vec<Field>),
    /// Neither `cost` nor `cost_per_km`.
    NoCost,
    /// Two columns for one field (e.g. `村` and `村名`).
    Twice(Field, String, String),
    /// Two columns of the amount approved for one fund (its name in English and in Chinese,
    /// then the two headers): `poverty_approved` and 扶贫批复.
    ApprovedTwice([String; 2], String, String),
    /// A known field with a unit roadsub does not take for it (a safeguard against misreading
    /// `投资(美元)` as yuan, or a length given in 元).
    UnknownUnit(String),
    /// A column of the user's that bears the name of a column roadsub computes, in a table
    /// that is not roadsub's own output: kept, it would be taken for ours and dropped.
    ComputedName(String),
    /// `--map` names a header the table does not have.
    MapUnmatched(String),
    /// `--map` reads a header (the first) as a field (the second) that would otherwise be
    /// the field found missing (the third).
    MapTook(String, Field, Field),
    /// The unit of the table's bare numbers cannot be told.
    Units(UnitProblem),
    /// A header that is a field's name with a unit after it in a form not read (`投资/万元`,
    /// `投资万元`, `投资(万元)(元)`): the header, and the name and unit as a header is read
    /// (`投资(万元)`).
    UnitForm(String, String),
    /// A header cell of no field that states a unit with 单位 (`长度单位：米`,
    /// `备注（长度单位：米）`): whose unit it is cannot be told, and the columns were read in
    /// their own. The cell.
    UnitInHeader(String),
    /// A header cell of no field whose name holds a field's word (`工程造价`, `自筹资金`,
    /// `已拨付金额`): a column of that field under a name not read, which would be passed
    /// over as the user's own, its amounts not counted. The cell and the field.
    LooksLike(String, Field),
    /// A header cell of no fund's approved amount whose name says 批复: the cell, and the
    /// names the rules read approved amounts by.
    ApprovedLike(String, Vec<String>),
}

/// Words of a field's name: a header cell of no field holding one is a column of that field
/// under a name not read ([`HeaderProblem::LooksLike`]). The first that a name holds says
/// which field (每公里 before 造价).
const FIELD_WORDS: [(&str, Field); 100] = [
    ("每公里", Field::CostPerKm),
    // Sources of the gap a plan lists beside the county's two funds (county, central,
    // provincial money, aid, donations, loans: review 44), before a cost's words (`中央投资`
    // is a source, `县级配套投资` too).
    ("配套", Field::OtherFunds),
    ("中央资金", Field::OtherFunds),
    ("中央投资", Field::OtherFunds),
    ("中央补助", Field::OtherFunds),
    ("车购税", Field::OtherFunds),
    ("車購稅", Field::OtherFunds),
    ("省级资金", Field::OtherFunds),
    ("省级补助", Field::OtherFunds),
    ("省級補助", Field::OtherFunds),
    ("省补", Field::OtherFunds),
    ("市级资金", Field::OtherFunds),
    ("市级补助", Field::OtherFunds),
    ("帮扶资金", Field::OtherFunds),
    ("幫扶資金", Field::OtherFunds),
    ("协作资金", Field::OtherFunds),
    ("協作資金", Field::OtherFunds),
    ("捐", Field::OtherFunds),
    ("贷款", Field::OtherFunds),
    ("貸款", Field::OtherFunds),
    ("以奖代补", Field::OtherFunds),
    ("以獎代補", Field::OtherFunds),
    ("社会资金", Field::OtherFunds),
    ("社會資金", Field::OtherFunds),
    ("衔接", Field::OtherFunds),
    ("銜接", Field::OtherFunds),
    ("部补", Field::OtherFunds),
    ("部補", Field::OtherFunds),
    ("交通部", Field::OtherFunds),
    ("燃油税", Field::OtherFunds),
    ("燃油稅", Field::OtherFunds),
    ("成品油", Field::OtherFunds),
    ("债券", Field::OtherFunds),
    ("債券", Field::OtherFunds),
    ("赞助", Field::OtherFunds),
    ("贊助", Field::OtherFunds),
    ("帮扶", Field::OtherFunds),
    ("幫扶", Field::OtherFunds),
    ("上级补助", Field::OtherFunds),
    ("上級補助", Field::OtherFunds),
    ("财政资金", Field::OtherFunds),
    ("財政資金", Field::OtherFunds),
    ("预算内", Field::OtherFunds),
    ("預算內", Field::OtherFunds),
    ("造价", Field::Cost),
    ("造價", Field::Cost),
    ("投资", Field::Cost),
    ("投資", Field::Cost),
    ("概算", Field::Cost),
    ("整合", Field::OtherFunds),
    ("其他资金", Field::OtherFunds),
    ("其它资金", Field::OtherFunds),
    ("其他資金", Field::OtherFunds),
    ("以工代赈", Field::OtherFunds),
    ("以工代賑", Field::OtherFunds),
    ("一事一议", Field::YishiYiyi),
    ("一事一議", Field::YishiYiyi),
    ("自筹", Field::SelfRaised),
    ("自籌", Field::SelfRaised),
    ("筹资", Field::SelfRaised),
    ("籌資", Field::SelfRaised),
    ("投劳", Field::SelfRaised),
    ("投勞", Field::SelfRaised),
    ("村项目", Field::VillageFund),
    ("村項目", Field::VillageFund),
    ("村集体", Field::VillageFund),
    ("村集體", Field::VillageFund),
    ("项目资金", Field::VillageFund),
    ("項目資金", Field::VillageFund),
    ("拨付", Field::Disbursed),
    ("撥付", Field::Disbursed),
    ("已拨", Field::Disbursed),
    ("已撥", Field::Disbursed),
    ("支付", Field::Disbursed),
    ("报账", Field::Disbursed),
    ("報賬", Field::Disbursed),
    ("付款", Field::Disbursed),
    ("到位资金", Field::Disbursed),
    ("到位資金", Field::Disbursed),
    ("到位", Field::Disbursed),
    ("兑付", Field::Disbursed),
    ("兌付", Field::Disbursed),
    ("拨款", Field::Disbursed),
    ("撥款", Field::Disbursed),
    ("完工", Field::Completed),
    ("已完成", Field::Completed),
    ("户数", Field::Households),
    ("戶數", Field::Households),
    ("受益户", Field::Households),
    ("受益戶", Field::Households),
    ("长度", Field::Length),
    ("長度", Field::Length),
    ("里程", Field::Length),
    ("宽度", Field::Width),
    ("寬度", Field::Width),
    ("路宽", Field::Width),
    ("路寬", Field::Width),
    ("路面宽", Field::Width),
    ("路面寬", Field::Width),
    ("面宽", Field::Width),
];

/// Words that make a header holding a field's word something else than that field's
/// amounts: a date or time, a note, a basis, a way, a number, a share, a state, a name, a
/// where-from, a yes-or-no, a subsidy (what roadsub computes), progress or days of labour
/// (`完工日期`, `投资说明`, `自筹比例`, `整合资金来源`, `是否完工`, `每公里补助`, `拨付进度`,
/// `一事一议筹劳(个工日)`) — unless it also says an amount ([`AMOUNT_WORDS`]).
const NOT_AMOUNT_WORDS: [&str; 44] = [
    "日期",
    "时间",
    "時間",
    "说明",
    "說明",
    "备注",
    "備註",
    "依据",
    "依據",
    "方式",
    "文号",
    "文號",
    "编号",
    "編號",
    "比例",
    "率",
    "情况",
    "情況",
    "状态",
    "狀態",
    "名称",
    "名稱",
    "桩号",
    "樁號",
    "来源",
    "來源",
    "渠道",
    "是否",
    "进度",
    "進度",
    "工日",
    "筹劳",
    "籌勞",
    "时限",
    "期限",
    "单位",
    "设施",
    "設施",
    "贷款银行",
    "貸款銀行",
    "捐款人",
    "捐赠人",
    "捐助人",
    "人员",
];

/// Whether a header's name says it is a date, a note, a number, a state (… [`NOT_AMOUNT_WORDS`])
/// and not an amount.
pub fn says_no_amount(name: &str) -> bool {
    !AMOUNT_WORDS.iter().any(|w| name.contains(w))
        && NOT_AMOUNT_WORDS.iter().any(|w| name.contains(w))
}

/// Words that say a header holds an amount whatever else it says (`整合资金名称及金额`).
const AMOUNT_WORDS: [&str; 6] = ["金额", "金額", "筹资", "籌資", "折资", "折資"];

/// The field whose word a header's name (as matched: without spaces or its unit) holds,
/// when it is no such note ([`FIELD_WORDS`], [`NOT_AMOUNT_WORDS`]).
fn looks_like(base: &str) -> Option<Field> {
    // An approved amount's column is the rules' to find (`Columns::approved_problems`).
    let says_amount = AMOUNT_WORDS.iter().any(|w| base.contains(w));
    let costs = ["造价", "造價", "投资", "投資", "概算"]
        .iter()
        .any(|w| base.contains(w));
    if !says_amount && NOT_AMOUNT_WORDS.iter().any(|w| base.contains(w))
        || (base.contains("批复") || base.contains("批復")) && !costs
    {
        return None;
    }
    let field = FIELD_WORDS
        .iter()
        .find(|(w, _)| base.contains(w))
        .map(|&(_, f)| f)?;
    // A subsidy per km or in all is what roadsub computes (`每公里补助`, `补助投资`), no cost;
    // a source's or a payment's subsidy (`以工代赈补助资金`, `已拨付补助资金`) is money all the
    // same.
    let subsidy = ["补助", "補助", "补贴", "補貼"]
        .iter()
        .any(|w| base.contains(w));
    (!(subsidy && matches!(field, Field::Cost | Field::CostPerKm))).then_some(field)
}

/// Words that say a total is another than the plan's (approved, adjusted, settled, audited,
/// tendered): beside the total read, which of the two the rows should be computed from cannot
/// be told (`批复投资`, `调整后总投资`, `决算投资`, `中标价`).
const REVISED_WORDS: [&str; 14] = [
    "批复", "批復", "调整", "調整", "核定", "审定", "審定", "决算", "決算", "审计", "審計", "评审",
    "结算", "中标",
];

/// A header cell as it is matched: full-width forms made ASCII and characters that show
/// nothing (zero-width spaces and joiners, a soft hyphen, a byte-order mark) taken out, so
/// that `总\u{200b}投资` is 总投资.
fn header_form(raw: &str) -> std::borrow::Cow<'_, str> {
    let normal = normalize_width_forms(raw);
    if !normal.contains(INVISIBLE) {
        return normal;
    }
    std::borrow::Cow::Owned(normal.replace(INVISIBLE, ""))
}

/// Characters that show nothing in a header cell.
const INVISIBLE: [char; 7] = [
    '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{00ad}', '\u{180e}',
];

/// A header that is a field's name (as written there) followed by units in a form a header
/// is not read in: after `/`, glued, or two in brackets (`投资/万元`, `投资万元`,
/// `投资(万元)(元)`): the field, and the header as it would be read (`投资(万元)`, with the
/// first unit). `None` when what follows the name is not units of that field.
fn unit_form(normal: &str) -> Option<(Field, String)> {
    let lower = squeeze(normal).to_ascii_lowercase();
    Field::ALL.into_iter().find_map(|f| {
        let names = std::iter::once(f.key()).chain(f.aliases().iter().copied());
        names
            // The longest name first: 每公里造价 before 造价.
            .filter_map(|name| {
                let rest = lower.strip_prefix(&name.to_ascii_lowercase())?;
                Some((name, rest))
            })
            .max_by_key(|(name, _)| name.len())
            .and_then(|(name, rest)| {
                let units: Vec<&str> = rest
                    .split([
                        '/', '／', '(', ')', '（', '）', '[', ']', '【', '】', '_', '-', '、',
                    ])
                    .filter(|u| !u.is_empty())
                    .collect();
                let first = *units.first()?;
                units
                    .iter()
                    .all(|u| unit_scale(f, u).is_some())
                    .then(|| (f, format!("{name}({first})")))
            })
    })
}

impl Columns {
    /// Maps a header row. Unknown columns are fine (they are passed through).
    pub fn from_header<'a>(
        header: impl IntoIterator<Item = &'a str>,
    ) -> Result<Columns, Vec<HeaderProblem>> {
        Columns::from_header_with(header, &HeaderOptions::default())
    }

    /// Maps a header row, taking the headers `options.map` names for its fields.
    pub fn from_header_with<'a>(
        header: impl IntoIterator<Item = &'a str>,
        options: &HeaderOptions,
    ) -> Result<Columns, Vec<HeaderProblem>> {
        let written: Vec<String> = header
            .into_iter()
            .enumerate()
            .map(|(i, h)| match i {
                0 => h.trim_start_matches('\u{feff}').to_string(),
                _ => h.to_string(),
            })
            .collect();
        let names: Vec<String> = written
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let mut index: [Option<usize>; FIELDS] = [None; FIELDS];
        let mut scale = [Scale::Base; FIELDS];
        let mut own_unit = [false; FIELDS];
        let mut problems = Vec::new();
        let mut serial = None;
        // Headers that are a field's name with a unit in a form not read (`投资/万元`).
        let mut unit_forms: Vec<(Field, String, String)> = Vec::new();
        let mut own_columns = Vec::new();
        // Columns of no field whose names look like a field's (`LooksLike`), to be judged
        // once every column read is known.
        let mut looks: Vec<(String, Field)> = Vec::new();
        let mapped = |raw: &str, base: &str| {
            options.map.iter().find_map(|(h, f)| {
                let h = header_form(h.trim()).to_ascii_lowercase();
                (h == header_form(raw).to_ascii_lowercase() || squeeze(&h) == base).then_some(*f)
            })
        };
        // A header the user says is their own.
        let own = |raw: &str, base: &str| {
            options.own.iter().any(|h| {
                let h = header_form(h.trim()).to_ascii_lowercase();
                h == header_form(raw).to_ascii_lowercase() || squeeze(&h) == base
            })
        };
        for h in options.map.iter().map(|(h, _)| h).chain(&options.own) {
            let h = header_form(h.trim()).to_ascii_lowercase();
            let found = names.iter().any(|raw| {
                let normal = header_form(raw);
                normal.to_ascii_lowercase() == h
                    || split_unit(&normal).0.to_ascii_lowercase() == squeeze(&h)
            });
            if !found {
                problems.push(HeaderProblem::MapUnmatched(h));
            }
        }
        for (i, raw) in names.iter().enumerate() {
            let normal = header_form(raw);
            let (base, unit) = split_unit(&normal);
            let base = base.to_ascii_lowercase();
            let mine = own(raw, &base);
            if mine {
                own_columns.push(i);
            }
            let known = mapped(raw, &base).or_else(|| {
                (!mine)
                    .then(|| Field::ALL.into_iter().find(|f| f.matches(&base)))
                    .flatten()
            });
            // A total's name with a unit per km (`造价(元/公里)`, `投资(万元/km)`) heads a cost
            // per km: read as a total, 400000 a km over 2 km was a cost of 400,000.
            let per_km = unit.is_some_and(|u| {
                let u = u.to_ascii_lowercase();
                u.ends_with("/公里") || u.ends_with("/km")
            });
            let known = match known {
                Some(Field::Cost) if per_km => Some(Field::CostPerKm),
                other => other,
            };
            let Some(field) = known else {
                if mine {
                    // The user's own, whatever its name says.
                    continue;
                }
                if SERIAL.contains(&base.as_str()) && serial.is_none() {
                    serial = Some(i);
                }
                if let Some((field, read)) = unit_form(&normal) {
                    unit_forms.push((field, raw.clone(), read));
                }
                // `备注（长度单位：米）`, `长度单位：米` as a header cell.
                use crate::table::units::{stated, Unstated};
                let states = normal.contains(['单', '單'])
                    && match stated(&normal) {
                        Ok((money, length)) => money.is_some() || length.is_some(),
                        Err(Unstated::Empty) => false,
                        Err(_) => true,
                    };
                if states {
                    problems.push(HeaderProblem::UnitInHeader(raw.clone()));
                } else if crate::report::layout::column_taken(raw).is_none() {
                    // A field's column under a name not read (`工程造价`, `自筹资金`): passed
                    // over as the user's, its amounts would count for nothing.
                    if let Some(field) = looks_like(&base).filter(|_| unit_form(&normal).is_none())
                    {
                        // A total's word with a unit per km is a cost per km's (`造价指标(元/公里)`).
                        let field = match field {
                            Field::Cost if per_km => Field::CostPerKm,
                            f => f,
                        };
                        looks.push((raw.clone(), field));
                    }
                }
                continue;
            };
            let s = match unit {
                None => Scale::Base,
                Some(u) => match unit_scale(field, u) {
                    Some(s) => s,
                    // Words that are no unit say which village, group or road is meant; an
                    // amount's or a length's words that hold a unit (`万元，含税`, `米数`)
                    // state it in a form not read.
                    None if !(looks_like_unit(u) || field_has_unit(field) && mentions_unit(u)) => {
                        Scale::Base
                    }
                    None => {
                        problems.push(HeaderProblem::UnknownUnit(raw.clone()));
                        // The column is there: it is not "missing" as well.
                        index[field as usize].get_or_insert(i);
                        continue;
                    }
                },
            };
            let slot = &mut index[field as usize];
            if let Some(prev) = *slot {
                problems.push(HeaderProblem::Twice(
                    field,
                    names[prev].clone(),
                    raw.clone(),
                ));
                continue;
            }
            *slot = Some(i);
            scale[field as usize] = s;
            own_unit[field as usize] = unit.is_some_and(|u| unit_scale(field, u).is_some());
        }
        // A sheet numbered 1, 2, 3 with no id column of its own: the numbers tell rows apart.
        if index[Field::Id as usize].is_none() {
            index[Field::Id as usize] = serial;
        }
        // Such a header of a field the table has no column of is said as what it is, rather
        // than the field missing; beside a column of the field it is a column of the user's.
        // (A total and a cost per km are each the field of their own column: `投资万元` beside
        // 每公里造价 is the total's column, not one of the user's.)
        let unfilled = |f: Field| index[f as usize].is_none();
        // A column that looks like a field's is refused where passing it over would change
        // the money: a source of the gap always (each is added); a total cost when none is
        // read (a cost per km would be read in its place), a cost per km or an amount paid
        // out when none is; a width or length when none is (said as such, not as missing).
        // Beside the column read, another width, count or date of progress is the user's
        // (路基宽度 beside 路面宽度), and a count of households or km done changes no money.
        let refused = |f: Field, raw: &str| match f {
            Field::OtherFunds | Field::YishiYiyi | Field::SelfRaised | Field::VillageFund => true,
            // Another total than the plan's (批复投资, 决算投资) beside the one read: which.
            Field::Cost => {
                unfilled(Field::Cost)
                    || REVISED_WORDS
                        .iter()
                        .any(|w| split_unit(&header_form(raw)).0.contains(w))
            }
            Field::CostPerKm => unfilled(Field::Cost) && unfilled(Field::CostPerKm),
            Field::Disbursed | Field::Width | Field::Length => unfilled(f),
            _ => false,
        };
        let mut hinted: Vec<Field> = Vec::new();
        for (raw, field) in looks {
            if refused(field, &raw) {
                hinted.push(field);
                problems.push(HeaderProblem::LooksLike(raw, field));
            }
        }
        for (field, raw, read) in unit_forms {
            if unfilled(field) {
                problems.push(HeaderProblem::UnitForm(raw, read));
                hinted.push(field);
            }
        }
        let missing: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| f.required() && index[*f as usize].is_none() && !hinted.contains(f))
            .collect();
        if !missing.is_empty() {
            problems.push(HeaderProblem::Missing(missing.clone()));
        }
        let no_cost = index[Field::Cost as usize].is_none()
            && index[Field::CostPerKm as usize].is_none()
            && !hinted.contains(&Field::Cost)
            && !hinted.contains(&Field::CostPerKm);
        if no_cost {
            problems.push(HeaderProblem::NoCost);
        }
        // A header `--map` reads as another field that would be the one found missing
        // (`--map 投资=other_funds`, then "no cost column" of a header holding 投资): said, so
        // the message does not only ask for a column the header has.
        for (h, to) in &options.map {
            if problems.contains(&HeaderProblem::MapUnmatched(
                header_form(h.trim()).to_ascii_lowercase(),
            )) {
                // Not in the header: said as such above.
                continue;
            }
            let normal = header_form(h.trim());
            let base = split_unit(&normal).0.to_ascii_lowercase();
            let took = Field::ALL.into_iter().find(|g| {
                g != to
                    && g.matches(&base)
                    && (missing.contains(g)
                        || no_cost && matches!(g, Field::Cost | Field::CostPerKm))
            });
            if let Some(g) = took {
                problems.push(HeaderProblem::MapTook(h.trim().to_string(), *to, g));
            }
        }
        if problems.is_empty() {
            Ok(Columns {
                names,
                written,
                index,
                scale,
                own_unit,
                units: TableUnits::default(),
                approved: std::sync::OnceLock::new(),
                semicolons: false,
                tabs: false,
                own: own_columns,
            })
        } else {
            Err(problems)
        }
    }

    /// The same header, to be read under other rules: the approved-amount columns found under
    /// the first rules a row was read with are not kept (another rule set may name other
    /// funds and aliases), so a comparison's variant finds its own.
    pub fn for_other_rules(&self) -> Columns {
        Columns {
            names: self.names.clone(),
            written: self.written.clone(),
            index: self.index,
            scale: self.scale,
            own_unit: self.own_unit,
            units: self.units.clone(),
            approved: std::sync::OnceLock::new(),
            semicolons: self.semicolons,
            tabs: self.tabs,
            own: self.own.clone(),
        }
    }

    /// The same header with the whole table's units given to the columns of amounts and
    /// lengths whose header names no unit of its own.
    pub fn with_units(mut self, units: TableUnits) -> Columns {
        for f in Field::ALL {
            if self.own_unit[f as usize] {
                continue;
            }
            let given = if f.is_money() {
                &units.money
            } else if matches!(f, Field::Length | Field::Completed) {
                &units.length
            } else {
                &None
            };
            if let Some(g) = given {
                self.scale[f as usize] = g.scale;
            }
        }
        self.units = units;
        self
    }

    /// The unit a column's bare numbers are in by the table's title rows or the command line
    /// (not by its header), when it is not the base unit: the header to write it under so the
    /// table reads the same without them (`总投资` → `总投资(万元)`, `扶贫批复` →
    /// `扶贫批复(万元)`: a fund's approved amount under `rules` is an amount too).
    pub fn header_with_table_unit(
        &self,
        column: usize,
        rules: &crate::rules::RuleSet,
    ) -> Option<String> {
        let (money, length, scale) = match self.field_at(column) {
            Some(f) if self.own_unit[f as usize] => return None,
            Some(f) => (
                f.is_money(),
                matches!(f, Field::Length | Field::Completed),
                self.scale[f as usize],
            ),
            None => {
                let a = self.approved(rules).iter().find(|a| a.column == column)?;
                let normal = header_form(&self.names[column]);
                if split_unit(&normal).1.is_some() {
                    return None;
                }
                (true, false, a.scale)
            }
        };
        let unit = match scale {
            Scale::Base => return None,
            Scale::Pow10(4) if money => "万元",
            Scale::Pow10(8) if money => "亿元",
            Scale::Pow10(-3) if length => "米",
            Scale::Pow10(_) => return None,
        };
        Some(format!("{}({unit})", self.names[column]))
    }

    /// Whether a column holds numbers: a field that does ([`Field::is_number`]) or a fund's
    /// approved amount under `rules`.
    pub fn holds_numbers(&self, column: usize, rules: &crate::rules::RuleSet) -> bool {
        match self.field_at(column) {
            Some(f) => f.is_number(),
            None => self.approved(rules).iter().any(|a| a.column == column),
        }
    }

    /// Whether the header of `column` names a unit in brackets (`扶贫批复(万元)`).
    pub fn header_names_unit(&self, column: usize) -> bool {
        split_unit(&header_form(&self.names[column])).1.is_some()
    }

    /// Whether `field`'s header names its own unit (`建设里程(米)`).
    pub fn names_own_unit(&self, field: Field) -> bool {
        self.own_unit[field as usize]
    }

    /// The scale of bare amounts in a column whose header names no unit.
    fn money_default(&self) -> Scale {
        self.units.money.as_ref().map_or(Scale::Base, |g| g.scale)
    }

    /// The column holding `field`.
    pub fn index(&self, field: Field) -> Option<usize> {
        self.index[field as usize]
    }

    /// The unit scale of `field`'s column.
    pub fn scale(&self, field: Field) -> Scale {
        self.scale[field as usize]
    }

    /// The field a column holds, if any.
    // Never inlined: called in a loop over cells, the unrolled search over every field gave
    // LLVM's loop unswitching one loop copy per combination of fields present, and a release
    // build that never finished.
    #[inline(never)]
    pub fn field_at(&self, column: usize) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|&f| self.index(f) == Some(column))
    }

    /// Whether the user said `column` is their own (`--map HEADER=own`).
    pub fn is_own(&self, column: usize) -> bool {
        self.own.contains(&column)
    }

    /// The columns of amounts approved for the funds of `rules` (SPEC §8: for ceiling funds;
    /// a value under a fixed standard's column is the row's error): headed
    /// `<fund id>_approved` or by one of the fund's `approved_aliases`, with an optional unit
    /// of money in brackets. Worked out once per table (a table is read under one rule set).
    pub fn approved(&self, rules: &crate::rules::RuleSet) -> &[Approved] {
        &self.approved_columns(rules).found
    }

    /// The columns of amounts approved found under the rules the table was read under, when
    /// [`Columns::approved`] has been asked (a table computed has asked it).
    pub fn approved_found(&self) -> &[Approved] {
        self.approved.get().map_or(&[], |a| &a.found)
    }

    /// The pairs of columns that both hold the amount approved for one fund, as `(fund,
    /// first, second)` column indices: neither is read, and the table is to be refused (see
    /// [`Columns::approved_problems`]).
    pub fn approved_twice(
        &self,
        rules: &crate::rules::RuleSet,
    ) -> &[(crate::rules::FundId, usize, usize)] {
        &self.approved_columns(rules).twice
    }

    /// The header's problems under `rules`: two columns of the amount approved for one fund,
    /// refused as two columns for one field are.
    pub fn approved_problems(&self, rules: &crate::rules::RuleSet) -> Vec<HeaderProblem> {
        let mut problems: Vec<HeaderProblem> = self
            .approved_twice(rules)
            .iter()
            .map(|&(fund, a, b)| {
                HeaderProblem::ApprovedTwice(
                    [Lang::En, Lang::Zh].map(|l| rules.funds[fund].display(l).to_string()),
                    self.names[a].clone(),
                    self.names[b].clone(),
                )
            })
            .collect();
        // A column that says 批复 (or money: 资金, 补助, 下达) for a fund whose approved amounts
        // the rules read, but is no fund's approved amount under them (`扶贫资金批复` beside
        // the alias 扶贫批复, `扶贫资金`): passed over, its ceiling would not cut the fund.
        let approving = rules.funds.iter().filter(|f| f.up_to);
        let names: Vec<String> = approving
            .flat_map(|f| {
                std::iter::once(format!("{}_approved", f.id)).chain(f.approved_aliases.clone())
            })
            .collect();
        let stems: Vec<String> = names
            .iter()
            .filter_map(|n| n.split(['批']).next().filter(|s| *s != n.as_str()))
            .filter(|s| !s.is_ascii())
            .map(str::to_string)
            .collect();
        for (column, raw) in self.names.iter().enumerate() {
            let base = split_unit(&header_form(raw)).0;
            let read = self.index.contains(&Some(column))
                || self.own.contains(&column)
                || self
                    .approved_columns(rules)
                    .found
                    .iter()
                    .any(|a| a.column == column)
                || self
                    .approved_twice(rules)
                    .iter()
                    .any(|&(_, a, b)| a == column || b == column);
            // Named for a fund whose approved amounts the rules read: a two-character piece
            // of one of its names before 批复 (扶贫 of 扶贫批复) is in the header's.
            let for_a_fund = stems.iter().any(|stem| {
                let chars: Vec<char> = stem.chars().collect();
                chars
                    .windows(2)
                    .any(|w| base.contains(&w.iter().collect::<String>()))
            });
            // A fund's money under a name of its own (`扶贫资金`, `财政扶贫资金`, `扶贫补助`,
            // `扶贫下达`: review 44) is as likely its amount approved.
            let money = [
                "批复", "批復", "下达", "下達", "资金", "資金", "补助", "補助", "金额", "金額",
            ];
            if !read
                && money.iter().any(|w| base.contains(w))
                && for_a_fund
                && !NOT_AMOUNT_WORDS.iter().any(|w| base.contains(w))
                && crate::report::layout::column_taken(raw).is_none()
                // A fund's own column, as roadsub's reports head it (`县扶贫专项补助（元）`).
                && !rules
                    .funds
                    .iter()
                    .any(|f| [Lang::En, Lang::Zh].iter().any(|&l| f.display(l) == base))
            {
                problems.push(HeaderProblem::ApprovedLike(raw.clone(), names.clone()));
            }
        }
        problems
    }

    fn approved_columns(&self, rules: &crate::rules::RuleSet) -> &ApprovedColumns {
        self.approved.get_or_init(|| {
            let mut columns = ApprovedColumns::default();
            for (column, raw) in self.names.iter().enumerate() {
                let normal = header_form(raw);
                let (base, unit) = split_unit(&normal);
                let scale = match unit.map(|u| unit_scale(Field::Cost, u)) {
                    None => self.money_default(),
                    Some(Some(s)) => s,
                    Some(None) => continue,
                };
                // A fixed standard's column is found too, so a value in it is refused rather
                // than passed over as someone else's column.
                let Some(fund) = rules.funds.iter().position(|f| f.approves_column(&base)) else {
                    continue;
                };
                match columns.found.iter().find(|a| a.fund == fund) {
                    Some(first) => columns.twice.push((fund, first.column, column)),
                    None => columns.found.push(Approved {
                        fund,
                        column,
                        scale,
                    }),
                }
            }
            columns
        })
    }

    /// The header of `field`'s column as written, or the field's key.
    pub fn name(&self, field: Field) -> &str {
        self.index(field).map_or(field.key(), |i| &self.names[i])
    }
}

/// A column as a message in `lang` names it: by its header as written in the file, except
/// that a Chinese message names a header that is roadsub's own English name of a field
/// (`length_km`, `cost(万元)`) or of a fund's approved amount (`poverty_approved`) by its
/// Chinese name (`长度`, `投资（万元）`, `县扶贫专项补助批复金额`): an English id means nothing in a
/// Chinese sentence, and the line number finds the cell all the same.
pub fn column_label(header: &str, rules: Option<&crate::rules::RuleSet>, lang: Lang) -> String {
    let written = header.trim().trim_start_matches('\u{feff}');
    let normal = header_form(written);
    let (base, unit) = split_unit(&normal);
    if lang == Lang::En || !base.is_ascii() {
        return written.to_string();
    }
    let name = match Field::ALL
        .into_iter()
        .find(|f| f.matches(&base.to_ascii_lowercase()))
    {
        Some(field) => field.zh().to_string(),
        None => match rules.and_then(|r| r.funds.iter().find(|f| f.approves_column(&base))) {
            Some(fund) => format!("{}批复金额", fund.display(Lang::Zh)),
            None => return written.to_string(),
        },
    };
    match unit {
        Some(unit) => format!("{name}（{unit}）"),
        None => name,
    }
}

/// A field as a Chinese message asks for it: its usual Chinese header and the other Chinese
/// headers read as it (`道路类别（也可写作 类别、道路等级…）`), no English id.
fn zh_field(field: Field) -> String {
    let others: Vec<&str> = field.aliases()[1..]
        .iter()
        .copied()
        .filter(|a| !a.is_ascii())
        .collect();
    if others.is_empty() {
        field.zh().to_string()
    } else {
        format!("{}（也可写作 {}）", field.zh(), others.join("、"))
    }
}

impl HeaderProblem {
    /// The problem as a sentence; `found` lists the header as read.
    pub fn render(&self, lang: Lang, found: &[String]) -> String {
        let list = |fields: &[Field]| match lang {
            Lang::En => fields
                .iter()
                .map(|f| format!("{} ({})", f.key(), f.aliases().join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
            Lang::Zh => fields
                .iter()
                .map(|&f| zh_field(f))
                .collect::<Vec<_>>()
                .join("，"),
        };
        // The header as read, each cell quoted as written ("…" in English, “…” in Chinese).
        let shown: Vec<String> = found
            .iter()
            .take(30)
            .map(|h: &String| {
                let h = crate::textwidth::truncate(&h.escape_debug().to_string(), 30);
                match lang {
                    Lang::En => format!("\"{h}\""),
                    Lang::Zh => format!("“{h}”"),
                }
            })
            .collect();
        let found = shown.join(lang.pick(", ", "、"));
        match (self, lang) {
            (HeaderProblem::Missing(fields), Lang::En) => {
                format!(
                    "missing required columns: {}; the header has {found}",
                    list(fields)
                )
            }
            (HeaderProblem::Missing(fields), Lang::Zh) => {
                format!("缺少必需的列：{}；表头为：{found}", list(fields))
            }
            (HeaderProblem::UnitInHeader(h), Lang::En) => format!(
                "the header cell \"{h}\" states a unit, which is not read as any column's; write the unit in the brackets of the column it is for (长度(米), 投资(万元)) or on a row above the header"
            ),
            (HeaderProblem::UnitInHeader(h), Lang::Zh) => format!(
                "表头单元格“{h}”写了单位，但不会作为任何列的单位读取；请写在该列表头的括号里（如“长度(米)”“投资(万元)”）或表头上方单独一行"
            ),
            (HeaderProblem::UnitForm(h, read), Lang::En) => format!(
                "the column \"{h}\" has its unit written in a form a header is not read in; write the unit once, in brackets after the name: \"{read}\""
            ),
            (HeaderProblem::UnitForm(h, read), Lang::Zh) => format!(
                "“{h}”列的单位写法无法识别；请在列名后用括号写一个单位，如“{read}”"
            ),
            (HeaderProblem::NoCost, Lang::En) => format!(
                "no cost column: give {} or {}; the header has {found}",
                list(&[Field::Cost]),
                list(&[Field::CostPerKm])
            ),
            (HeaderProblem::NoCost, Lang::Zh) => format!(
                "缺少造价列：需要{}或{}；表头为：{found}",
                list(&[Field::Cost]),
                list(&[Field::CostPerKm])
            ),
            (HeaderProblem::Twice(f, a, b), Lang::En) => {
                format!(
                    "columns \"{a}\" and \"{b}\" both hold {}; keep one",
                    f.key()
                )
            }
            (HeaderProblem::Twice(f, a, b), Lang::Zh) => {
                format!("“{a}”和“{b}”两列都表示{}；请只保留一列", f.zh())
            }
            (HeaderProblem::ApprovedTwice([fund, _], a, b), Lang::En) => {
                format!("columns \"{a}\" and \"{b}\" both hold the amount approved for {fund}; keep one")
            }
            (HeaderProblem::ApprovedTwice([_, fund], a, b), Lang::Zh) => {
                format!("“{a}”和“{b}”两列都表示{fund}的批复金额；请只保留一列")
            }
            // A priority is no amount and no length: whatever the unit, there is none to take.
            (HeaderProblem::UnknownUnit(h), Lang::En)
                if Field::of_header(h) == Some(Field::Priority) =>
            {
                format!(
                    "column \"{h}\" holds a priority, a whole number that takes no unit; head it \"{}\"",
                    split_unit(h).0
                )
            }
            (HeaderProblem::UnknownUnit(h), Lang::Zh)
                if Field::of_header(h) == Some(Field::Priority) =>
            {
                format!(
                    "“{h}”列是优先级，为不带单位的整数；表头请写作“{}”",
                    split_unit(h).0
                )
            }
            // The units its field takes, not every unit (review 32: `宽度(公里)` was told to
            // use 公里).
            (HeaderProblem::UnknownUnit(h), lang) => {
                let field = Field::of_header(h);
                let (en, zh) = match field {
                    Some(f) if f.is_money() => ("元, 万元 or 亿元", "元、万元、亿元"),
                    Some(Field::Length | Field::Completed) => ("km, 公里, m or 米", "km、公里、m、米"),
                    Some(Field::Width) => ("m or 米: a width is in metres", "m、米（宽度以米计）"),
                    _ => ("元, 万元, 亿元, km, 公里, m or 米", "元、万元、亿元、km、公里、m、米"),
                };
                match lang {
                    Lang::En => format!("column \"{h}\" has a unit roadsub does not know (use {en})"),
                    Lang::Zh => format!("“{h}”列的单位无法识别（可用：{zh}）"),
                }
            }
            (HeaderProblem::ComputedName(h), Lang::En) => format!(
                "column \"{h}\" has the name of a column roadsub computes, and this table is not one roadsub wrote; rename the column (it is then kept as it is), or delete it if an earlier roadsub run wrote it"
            ),
            (HeaderProblem::MapUnmatched(h), Lang::En) => format!(
                "--map names the column \"{h}\", which the header does not have; the header has {found}"
            ),
            (HeaderProblem::MapUnmatched(h), Lang::Zh) => {
                format!("--map 所指的列“{h}”不在表头中；表头为：{found}")
            }
            (HeaderProblem::MapTook(h, to, was), Lang::En) => format!(
                "--map \"{h}={}\" reads \"{h}\" as {}, so it is not the {} column it would otherwise be",
                to.key(),
                to.key(),
                was.key()
            ),
            (HeaderProblem::MapTook(h, to, was), Lang::Zh) => format!(
                "--map \"{h}={}\" 把“{h}”读作{}，它便不再是{}列",
                to.key(),
                to.zh(),
                was.zh()
            ),
            (HeaderProblem::Units(p), lang) => p.render(lang),
            (HeaderProblem::LooksLike(h, f), lang) => {
                let bare = split_unit(&header_form(h)).0;
                let bare = if bare.is_empty() { h.clone() } else { bare };
                match lang {
                    Lang::En => {
                        let names: Vec<&str> = std::iter::once(f.key())
                            .chain(f.aliases().iter().copied().take(3))
                            .collect();
                        format!(
                            "column \"{h}\" looks by its name like {}, but that name is not read as one, so its values would count for nothing; head it as roadsub reads {} ({}, …) or give --map \"{bare}={}\"; if it is a column of your own that holds no {}, give --map \"{bare}=own\"",
                            f.key(),
                            f.key(),
                            names.join(", "),
                            f.key(),
                            f.key()
                        )
                    }
                    Lang::Zh => {
                        // Chinese names only: an id means nothing in a Chinese sentence.
                        let names: Vec<&str> = f
                            .aliases()
                            .iter()
                            .copied()
                            .filter(|a| !a.is_ascii())
                            .take(3)
                            .collect();
                        format!(
                            "“{h}”列看名称像是{}列，但此列名不会被读作{}，其中的数值将不被计入；请改用可识别的列名（{}……），或给出 --map \"{bare}={}\"；若是与{}无关的自有列，请给出 --map \"{bare}=own\"",
                            f.zh(),
                            f.zh(),
                            names.join("、"),
                            f.key(),
                            f.zh()
                        )
                    }
                }
            }
            (HeaderProblem::ApprovedLike(h, names), lang) => {
                let bare = split_unit(&header_form(h)).0;
                let bare = if bare.is_empty() { h.clone() } else { bare };
                match lang {
                    Lang::En => format!(
                        "column \"{h}\" looks by its name like an amount approved for a fund, but the rules read approved amounts only under {}, so it would count for nothing; head it so, or give --map \"{bare}=own\" if it is a column of your own",
                        names.join(", ")
                    ),
                    Lang::Zh => {
                        let names: Vec<&str> = names
                            .iter()
                            .map(String::as_str)
                            .filter(|n| !n.is_ascii())
                            .collect();
                        format!(
                            "“{h}”列看名称像是资金的批复金额，但规则只按“{}”读取批复金额，此列将不被计入；请改用其中之一作表头；若是自有列，请给出 --map \"{bare}=own\"",
                            names.join("”“")
                        )
                    }
                }
            }
            (HeaderProblem::ComputedName(h), Lang::Zh) => format!(
                "“{h}”列与 roadsub 计算的列同名，而此表不是 roadsub 写出的表；请给该列改名（改名后原样保留），若是以前运行 roadsub 写出的列则删除"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Review 32: a multiple in a header's brackets with no unit after it (`整合资金(千)`,
    /// `(thousand)`, `(k)`) was taken for clarifying words and dropped: 50 read as 50 yuan.
    /// Every such multiple, in every form of bracket, under every amount's header, is
    /// refused; clarifying words still are not.
    #[test]
    fn a_multiple_without_its_unit_in_a_header_is_refused() {
        let multiples = [
            "千",
            "百",
            "十",
            "仟",
            "thousand",
            "Thousands",
            "k",
            "K",
            "million",
            "in millions",
            "ten thousand",
            "mn",
            "bn",
            "hundred",
        ];
        // The columns every table needs but the cost, then the ones given.
        let header = |more: &[&str]| -> Result<Columns, Vec<HeaderProblem>> {
            let needed = ["id", "township", "village", "class", "width_m", "length_km"];
            Columns::from_header(needed.iter().chain(more).copied())
        };
        for field in ["整合资金", "投资", "other_funds", "每公里造价", "cost"] {
            // A source's column beside a cost's.
            let cost = if field.contains("other") || field.contains("整合") {
                "cost"
            } else {
                "x"
            };
            for m in multiples {
                for (open, close) in [("(", ")"), ("（", "）"), ("[", "]")] {
                    let head = format!("{field}{open}{m}{close}");
                    let got = header(&[head.as_str(), cost]);
                    assert!(
                        got.as_ref()
                            .is_err_and(|e| e.contains(&HeaderProblem::UnknownUnit(head.clone()))),
                        "{head}: {got:?}"
                    );
                }
            }
        }
        for more in [
            ["cost", "整合资金(含配套)"],
            ["投资(计划)", "x"],
            ["cost (planned)", "x"],
        ] {
            assert!(header(&more).is_ok(), "{more:?}");
        }
    }

    #[test]
    fn english_chinese_and_traditional_headers_in_any_order() {
        let c = Columns::from_header(["造價", "ID", "鄉鎮", "村", "類別", "寬度", "里程", "其他"])
            .unwrap();
        assert_eq!(c.index(Field::Cost), Some(0));
        assert_eq!(c.index(Field::Id), Some(1));
        assert_eq!(c.index(Field::Township), Some(2));
        assert_eq!(c.index(Field::Length), Some(6));
        assert_eq!(c.field_at(7), None);
        assert_eq!(c.name(Field::Width), "寬度");
    }

    /// A field's header with its unit after `/`, glued, or in two brackets (`投资/万元`,
    /// `投资万元`, `投资(万元)(元)`) was passed over as a column of the user's, and the table
    /// refused for want of a cost column that stood right there. Every such form of every
    /// name of every field with a unit is said as what it is, with the form that is read;
    /// beside a column of the field it stays a column of the user's.
    #[test]
    fn a_fields_header_with_its_unit_in_a_form_not_read_is_said_as_such() {
        let base = ["编号", "乡镇", "村", "类别", "宽度", "长度", "投资"];
        let mut tried = 0;
        for f in Field::ALL {
            let unit = match f {
                f if f.is_money() => "万元",
                Field::Length | Field::Completed => "米",
                _ => continue,
            };
            for name in std::iter::once(f.key()).chain(f.aliases().iter().copied()) {
                for form in [
                    format!("{name}/{unit}"),
                    format!("{name}{unit}"),
                    format!("{name}({unit})(元)"),
                    format!("{name}／{unit}"),
                ] {
                    // In place of the field's own column, when the table has one.
                    let mut header: Vec<String> = base
                        .iter()
                        .filter(|h| Field::of_header(h) != Some(f))
                        .filter(|h| !(matches!(f, Field::Cost | Field::CostPerKm) && **h == "投资"))
                        .map(|h| h.to_string())
                        .collect();
                    header.push(form.clone());
                    let problems = Columns::from_header(header.iter().map(String::as_str))
                        .err()
                        .unwrap_or_default();
                    let said = HeaderProblem::UnitForm(form.clone(), format!("{name}({unit})"));
                    // `(元)(元)` reads 元 twice: the form said is the first unit's.
                    if form.ends_with("(元)") && unit != "元" && !f.is_money() {
                        continue;
                    }
                    assert!(problems.contains(&said), "{form}: {problems:?}");
                    assert!(
                        !problems.iter().any(|p| matches!(p, HeaderProblem::NoCost)
                            || matches!(p, HeaderProblem::Missing(m) if m.contains(&f))),
                        "{form}: {problems:?}"
                    );
                    tried += 1;
                }
            }
        }
        assert!(tried > 40, "{tried}");
        // Beside the field's own column, a column of the user's.
        assert!(Columns::from_header([
            "编号",
            "乡镇",
            "村",
            "类别",
            "宽度",
            "长度",
            "投资",
            "投资/万元"
        ])
        .is_ok());
        // Beside the other cost's column (a cost per km), the total's all the same (it was
        // passed over, and rows with a total only refused for want of a cost).
        let header = [
            "编号",
            "乡镇",
            "村",
            "类别",
            "宽度",
            "长度",
            "每公里造价",
            "投资万元",
        ];
        assert_eq!(
            Columns::from_header(header).err(),
            Some(vec![HeaderProblem::UnitForm(
                "投资万元".into(),
                "投资(万元)".into()
            )])
        );
        // Words after a name that are no unit of it: no such column.
        for other in ["投资说明", "长度备注", "村名称备注", "宽度m/公里"] {
            let problems =
                Columns::from_header(["编号", "乡镇", "村", "类别", "宽度", "长度", "投资", other]);
            assert!(problems.is_ok(), "{other}: {problems:?}");
        }
        assert_eq!(
            HeaderProblem::UnitForm("投资/万元".into(), "投资(万元)".into()).render(Lang::Zh, &[]),
            "“投资/万元”列的单位写法无法识别；请在列名后用括号写一个单位，如“投资(万元)”"
        );
    }

    /// A total's name with a unit per km (`造价(元/公里)`) was read as a total: 400000 a km
    /// over 2 km was a cost of 400,000. It heads a cost per km.
    #[test]
    fn a_totals_name_with_a_unit_per_km_heads_a_cost_per_km() {
        for (header, scale) in [
            ("造价(元/公里)", Scale::Base),
            ("投资(万元/公里)", Scale::Pow10(4)),
            ("cost (yuan/km)", Scale::Base),
            ("总投资（万元/km）", Scale::Pow10(4)),
        ] {
            let c =
                Columns::from_header(["id", "乡镇", "村", "类别", "宽度", "长度", header]).unwrap();
            assert_eq!(c.index(Field::CostPerKm), Some(6), "{header}");
            assert_eq!(c.index(Field::Cost), None, "{header}");
            assert_eq!(c.scale(Field::CostPerKm), scale, "{header}");
        }
    }

    #[test]
    fn units_in_headers_scale_bare_numbers() {
        let c = Columns::from_header([
            "id",
            "乡镇",
            "村",
            "类别",
            "宽度(m)",
            "长度（米）",
            "投资(万元)",
        ])
        .unwrap();
        assert_eq!(c.scale(Field::Length), Scale::Pow10(-3));
        assert_eq!(c.scale(Field::Cost), Scale::Pow10(4));
        assert_eq!(c.scale(Field::Width), Scale::Base);
    }

    /// Brackets a review found read as no unit: `长度(米数)` and `长度(公尺)` left 850 m read as
    /// 850 km, `整合资金（万元，含税）` 10 万元 as 10 yuan, status 0. Words holding a unit
    /// beside an amount or a length are refused naming the column (and the column is not
    /// said missing too); `(单位：万元)`, `(万 元)`, `(￥万元)`, `(RMB万元)`, `(metres)` are read.
    #[test]
    fn a_bracket_holding_a_unit_in_words_not_read_is_refused_not_taken_for_words() {
        let header = |length: &str, cost: &str| {
            Columns::from_header(["编号", "乡镇", "村", "类别", "宽度", length, cost])
        };
        for (length, cost) in [
            ("长度(米数)", "投资"),
            ("长度(公尺)", "投资"),
            ("长度", "整合资金（万元，含税）"),
            ("长度", "投资(w)"),
            ("长度（约km）", "投资"),
            ("长度(㎜)", "投资"),
            ("长度(m/km)", "投资"),
        ] {
            let e = header(length, cost).unwrap_err();
            let raw = if length == "长度" { cost } else { length };
            assert_eq!(
                e[0],
                HeaderProblem::UnknownUnit(raw.into()),
                "{length} {cost}"
            );
            // (整合资金 is no cost: the table has none.)
            assert_eq!(e.len(), 1 + usize::from(cost.starts_with("整合")), "{e:?}");
        }
        for (length, cost, l, c) in [
            (
                "长度(单位：米)",
                "投资（单位：万元）",
                Scale::Pow10(-3),
                Scale::Pow10(4),
            ),
            (
                "长度(metres)",
                "投资(万 元)",
                Scale::Pow10(-3),
                Scale::Pow10(4),
            ),
            ("长度", "投资（￥万元）", Scale::Base, Scale::Pow10(4)),
            ("长度", "投资(RMB万元)", Scale::Base, Scale::Pow10(4)),
            ("长度（起止点）", "投资（估算）", Scale::Base, Scale::Base),
        ] {
            let cols = header(length, cost).unwrap();
            assert_eq!(cols.scale(Field::Length), l, "{length}");
            assert_eq!(cols.scale(Field::Cost), c, "{cost}");
        }
    }

    /// A header cell stating a unit (`长度单位：米`, `备注（长度单位：米）`) was passed over and
    /// the lengths read in km, status 0; organisations' and unit columns' names are not units.
    #[test]
    fn a_header_cell_stating_a_unit_is_refused_not_passed_over() {
        let header = |extra: &str| {
            Columns::from_header(["编号", "乡镇", "村", "类别", "宽度", "长度", "投资", extra])
        };
        for cell in ["长度单位：米", "备注（长度单位：米）", "单位：万元"] {
            assert_eq!(
                header(cell).unwrap_err(),
                [HeaderProblem::UnitInHeader(cell.into())],
                "{cell}"
            );
        }
        for cell in [
            "建设单位",
            "实施单位",
            "单位名称",
            "计量单位",
            "备注",
            "资金来源（万元）",
        ] {
            assert!(header(cell).is_ok(), "{cell}");
        }
        assert_eq!(
            HeaderProblem::UnitInHeader("长度单位：米".into()).render(Lang::Zh, &[]),
            "表头单元格“长度单位：米”写了单位，但不会作为任何列的单位读取；请写在该列表头的括号里（如“长度(米)”“投资(万元)”）或表头上方单独一行"
        );
    }

    #[test]
    fn unknown_units_and_missing_columns_are_refused() {
        let e = Columns::from_header(["id", "乡镇", "村", "类别", "宽度", "长度", "投资(美元)"])
            .unwrap_err();
        assert_eq!(e, [HeaderProblem::UnknownUnit("投资(美元)".into()),]);
        let e = Columns::from_header(["id", "town", "cost"]).unwrap_err();
        let found = vec!["id".to_string(), "town".to_string(), "cost".to_string()];
        assert_eq!(
            e[0].render(Lang::En, &found),
            "missing required columns: township (乡镇, 鄉鎮, 乡, 镇, 所属乡镇, 所屬鄉鎮); \
             village (村, 村名, 村名称, 村名稱, 行政村, 所属村, 所屬村); \
             class (道路类别, 类别, 道路類別, 類別, 道路等级, 道路类型, 道路等級, 道路類型); \
             width_m (宽度, 路面宽度, 寬度, 路面寬度, width); \
             length_km (长度, 里程, 長度, length, 建设里程, 建設里程); the header has \"id\", \"town\", \"cost\""
        );
    }

    #[test]
    fn a_bracket_that_is_no_unit_clarifies_the_column() {
        let c = Columns::from_header([
            "id",
            "乡镇",
            "village(组)",
            "类别",
            "宽度",
            "长度",
            "投资",
            "名称（社道）",
        ])
        .unwrap();
        assert_eq!(c.index(Field::Village), Some(2));
        assert_eq!(c.index(Field::Name), Some(7));
        let c = Columns::from_header(["编号", "乡镇", "村(社区)", "类别", "宽度", "长度", "投资"])
            .unwrap();
        assert_eq!(c.index(Field::Village), Some(2));
        // Words that name a unit are held to the column's units, wrong ones refused.
        let e = Columns::from_header([
            "编号",
            "乡镇",
            "村",
            "类别",
            "宽度",
            "长度(元)",
            "投资(美元)",
        ])
        .unwrap_err();
        assert_eq!(
            e,
            [
                HeaderProblem::UnknownUnit("长度(元)".into()),
                HeaderProblem::UnknownUnit("投资(美元)".into()),
            ]
        );
        let e = Columns::from_header([
            "编号",
            "乡镇",
            "村(元)",
            "类别",
            "宽度(km)",
            "长度",
            "投资(千元)",
        ])
        .unwrap_err();
        // Each named, none also said missing.
        assert_eq!(
            e,
            [
                HeaderProblem::UnknownUnit("村(元)".into()),
                HeaderProblem::UnknownUnit("宽度(km)".into()),
                HeaderProblem::UnknownUnit("投资(千元)".into()),
            ]
        );
    }

    #[test]
    fn the_headers_county_offices_write_are_read() {
        let c = Columns::from_header([
            "序号",
            "所属乡镇",
            "村名称",
            "道路等级",
            "建设里程(km)",
            "总投资（万元）",
            "路面宽度",
        ])
        .unwrap();
        assert_eq!(
            c.index(Field::Id),
            Some(0),
            "序号 is the id when no column is"
        );
        assert_eq!(c.index(Field::Township), Some(1));
        assert_eq!(c.index(Field::Class), Some(3));
        assert_eq!(c.scale(Field::Cost), Scale::Pow10(4));
        let c = Columns::from_header([
            "序号",
            "编号",
            "乡镇（街道）",
            "行政村",
            "道路类型",
            "建设里程",
            "路面宽度",
            "计划投资",
        ])
        .unwrap();
        assert_eq!(c.index(Field::Id), Some(1), "an id column wins over 序号");
        assert_eq!(
            c.field_at(0),
            None,
            "序号 is then kept as the user's column"
        );
        assert_eq!(
            c.index(Field::Township),
            Some(2),
            "a bracket that is no unit"
        );
        assert_eq!(c.index(Field::Village), Some(3));
        assert_eq!(c.index(Field::Cost), Some(7));
    }

    /// A header of an office's form, written back with the table's unit, reads the same.
    fn reads_back(cost: &str, length: &str) {
        use crate::table::units::table_units;
        let titles = vec![vec!["（单位：万元、米）".to_string()]];
        let units = table_units(&titles, None).unwrap();
        let header = [
            "序 号",
            "所属 乡镇",
            "村 名 称",
            "道路等级",
            "路面宽度",
            length,
            cost,
        ];
        let c = Columns::from_header(header).unwrap().with_units(units);
        assert_eq!(c.scale(Field::Cost), Scale::Pow10(4), "{cost}");
        assert_eq!(c.scale(Field::Length), Scale::Pow10(-3), "{length}");
        let written: Vec<String> = (0..header.len())
            .map(|i| {
                c.header_with_table_unit(i, &crate::rules::RuleSet::builtin())
                    .unwrap_or(c.names[i].clone())
            })
            .collect();
        let back = Columns::from_header(written.iter().map(String::as_str)).unwrap();
        assert_eq!(back.index(Field::Cost), Some(6), "{written:?}");
        assert_eq!(back.scale(Field::Cost), Scale::Pow10(4), "{written:?}");
        assert_eq!(back.index(Field::Length), Some(5), "{written:?}");
        assert_eq!(back.scale(Field::Length), Scale::Pow10(-3), "{written:?}");
    }

    #[test]
    fn a_title_unit_and_a_clarifying_bracket_read_back_from_the_output() {
        reads_back("总投资（含配套）", "建设里程");
        let c = Columns::from_header([
            "id",
            "乡镇",
            "村",
            "类别",
            "宽度",
            "长度",
            "总投资(万元)（含配套）",
        ])
        .unwrap();
        assert_eq!(c.scale(Field::Cost), Scale::Pow10(4));
        let c = Columns::from_header([
            "id",
            "乡镇",
            "村",
            "类别",
            "宽度",
            "长度",
            "总投资（含配套）(万元)",
        ])
        .unwrap();
        assert_eq!(c.scale(Field::Cost), Scale::Pow10(4));
    }

    #[test]
    fn spaces_inside_office_headers_are_ignored() {
        let c = Columns::from_header([
            "序 号",
            "所属 乡镇",
            "村 名 称",
            "道路 等级",
            "路面宽度",
            "建设 里程",
            "总 投资(万元)",
        ])
        .unwrap();
        assert_eq!(c.index(Field::Id), Some(0));
        assert_eq!(c.index(Field::Village), Some(2));
        assert_eq!(c.scale(Field::Cost), Scale::Pow10(4));
    }

    #[test]
    fn tortoise_shell_brackets_hold_a_unit_like_the_others() {
        for h in [
            "投资〔万元〕",
            "投资【万元】",
            "投资［万元］",
            "投资〖万元〗",
        ] {
            let c = Columns::from_header(["id", "乡镇", "村", "类别", "宽度", "长度", h]).unwrap();
            assert_eq!(c.scale(Field::Cost), Scale::Pow10(4), "{h}");
        }
    }

    proptest::proptest! {
        /// Every office header form of the cost and length, with spaces and clarifications,
        /// reads back the same from roadsub's output.
        #[test]
        fn every_office_header_form_reads_back_the_same(
            cost in proptest::sample::select(vec!["总投资", "计划投资", "投资", "估算投资", "造价"]),
            length in proptest::sample::select(vec!["建设里程", "长度", "里程"]),
            note in proptest::sample::select(vec!["", "（含配套）", "(说明)", "【备注】", "〔合计〕"]),
            space in proptest::bool::ANY,
        ) {
            let spaced = |s: &str| if space { s.chars().map(|c| format!("{c} ")).collect::<String>().trim_end().to_string() } else { s.to_string() };
            reads_back(&format!("{}{note}", spaced(cost)), &format!("{}{note}", spaced(length)));
        }
    }

    /// Review 40: a column of a field under a name not read (`工程造价` beside `每公里造价`,
    /// `自筹资金`, `涉农整合资金`, `已拨付资金`) was passed over as the user's own, its amounts
    /// counted for nothing: the cost per km read in place of the total, the sources left out
    /// of the shortfall. Such a column is refused, naming the field it looks like; a name read
    /// now is read, and one that says it holds no amount is the user's.
    #[test]
    fn a_column_whose_name_looks_like_a_fields_is_refused_or_read() {
        // A cost per km read, no total: a total's column is refused, as are the sources.
        let base = ["编号", "乡镇", "村", "类别", "宽度", "长度", "每公里造价"];
        let with = |h: &str| Columns::from_header(base.iter().copied().chain([h]));
        for (h, f) in [
            ("概算投资（万元）", Field::Cost),
            ("投资金额", Field::Cost),
            ("合计投资", Field::Cost),
            ("建设投资", Field::Cost),
            ("已完成投资", Field::Cost),
            ("总\u{200b}投\u{200c}资额", Field::Cost),
            ("一事一议筹资筹劳", Field::YishiYiyi),
            ("村集体项目资金", Field::VillageFund),
            ("项目资金", Field::VillageFund),
            ("已拨付款", Field::Disbursed),
            ("个人自筹", Field::SelfRaised),
            ("受益人自筹(万元)", Field::SelfRaised),
            ("群众筹资", Field::SelfRaised),
            ("群众投工投劳", Field::SelfRaised),
            ("以工代赈资金", Field::OtherFunds),
            ("整合资金名称及金额", Field::OtherFunds),
            // Of which: part of the column before it, not a source of its own (review 43).
            ("其中：群众自筹", Field::SelfRaised),
            ("以工代赈补助资金", Field::OtherFunds),
            ("已拨付补助资金", Field::Disbursed),
            // Review 44: sources and payments under names offices use.
            ("县级配套(万元)", Field::OtherFunds),
            ("中央资金（万元）", Field::OtherFunds),
            ("县财政配套资金", Field::OtherFunds),
            ("省级补助资金", Field::OtherFunds),
            ("中央车购税资金", Field::OtherFunds),
            ("社会帮扶资金", Field::OtherFunds),
            ("东西部协作资金", Field::OtherFunds),
            ("定点帮扶资金", Field::OtherFunds),
            ("社会捐赠（元）", Field::OtherFunds),
            ("银行贷款", Field::OtherFunds),
            ("以奖代补", Field::OtherFunds),
            ("中央投资", Field::OtherFunds),
            ("已支付", Field::Disbursed),
            ("已报账", Field::Disbursed),
            ("已付款", Field::Disbursed),
            ("到位资金", Field::Disbursed),
        ] {
            assert_eq!(
                with(h).err(),
                Some(vec![HeaderProblem::LooksLike(h.into(), f)]),
                "{h}"
            );
        }
        for (h, f) in [
            ("工程造价（万元）", Field::Cost),
            ("总造价", Field::Cost),
            ("项目总投资", Field::Cost),
            ("投资估算", Field::Cost),
            ("总\u{200b}投资", Field::Cost),
            ("自筹资金", Field::SelfRaised),
            ("涉农整合资金", Field::OtherFunds),
            ("其它资金", Field::OtherFunds),
            ("一事一议资金", Field::YishiYiyi),
            ("已拨付金额", Field::Disbursed),
            ("已完成里程", Field::Completed),
        ] {
            let c = with(h).unwrap_or_else(|e| panic!("{h}: {e:?}"));
            assert_eq!(c.index(f), Some(7), "{h}");
        }
        // Another width, count, date or state beside the one read, or what changes no money:
        // the user's.
        for h in [
            "完工日期",
            "投资说明",
            "自筹比例",
            "完工情况",
            "里程桩号",
            "填表人",
            "投资计划文号",
            "扶贫资金批复",
            "路基宽度(米)",
            "路肩宽度(m)",
            "贫困户数",
            "受益人口",
            "完工长度",
            "是否完工",
            "拨付进度",
            "每公里补助",
            "整合资金来源",
            "一事一议筹劳(个工日)",
            "工程每公里造价",
            "资金拨付单位",
            "中央分隔带宽度",
            "支付方式",
            "付款日期",
            "资金到位情况",
            "配套设施",
            "捐款人",
            "贷款银行",
        ] {
            assert!(with(h).is_ok(), "{h}: {:?}", with(h));
        }
        // Beside a 整合资金 read, the state's tiers' money may be its breakdown or a source of
        // its own: which cannot be told from the header (review 45: a 县级配套 of 200,000 on a
        // row whose 整合资金 was blank was passed over), so it is refused as any source is.
        let pooled = [
            "编号",
            "乡镇",
            "村",
            "类别",
            "宽度",
            "长度",
            "投资",
            "整合资金",
        ];
        let beside = |h: &str| Columns::from_header(pooled.iter().copied().chain([h]));
        for h in [
            "县配套",
            "中央资金（万元）",
            "省级补助资金",
            "中央车购税资金",
            "社会捐赠",
            "银行贷款",
            "社会帮扶资金",
            "衔接资金",
            "部补资金",
            "燃油税",
            "专项债券",
            "企业赞助",
            "社会帮扶",
            "中央预算内投资",
            "到位金额",
            "已兑付",
            "拨款",
        ] {
            assert!(
                matches!(
                    beside(h).err().as_deref(),
                    Some([HeaderProblem::LooksLike(..)])
                ),
                "{h}: {:?}",
                beside(h)
            );
        }
        // Beside a total cost read, another total is the user's (已完成投资: what was spent),
        // unless it is another total of the plan's (approved, adjusted, settled: review 43).
        let total = [
            "编号",
            "乡镇",
            "村",
            "类别",
            "宽度",
            "长度",
            "总投资",
            "已完成投资",
        ];
        assert!(Columns::from_header(total).is_ok());
        for revised in [
            "批复投资",
            "调整后总投资",
            "决算投资",
            "审计造价",
            "中标价投资",
        ] {
            let total = [
                "编号",
                "乡镇",
                "村",
                "类别",
                "宽度",
                "长度",
                "总投资",
                revised,
            ];
            assert_eq!(
                Columns::from_header(total).err(),
                Some(vec![HeaderProblem::LooksLike(revised.into(), Field::Cost)]),
                "{revised}"
            );
        }
        // The user's own, said so.
        let own = HeaderOptions {
            own: vec!["投资金额".into()],
            ..HeaderOptions::default()
        };
        let c = Columns::from_header_with(base.iter().copied().chain(["投资金额"]), &own).unwrap();
        assert_eq!(c.index(Field::Cost), None);
        // One alone: said as what it looks like, not as a missing cost too.
        assert_eq!(
            Columns::from_header(["编号", "乡镇", "村", "类别", "宽度", "长度", "概算投资"]).err(),
            Some(vec![HeaderProblem::LooksLike(
                "概算投资".into(),
                Field::Cost
            )])
        );
        // A total's word with a unit per km: a cost per km's.
        assert_eq!(
            Columns::from_header([
                "编号",
                "乡镇",
                "村",
                "类别",
                "宽度",
                "长度",
                "造价指标(元/公里)"
            ])
            .err(),
            Some(vec![HeaderProblem::LooksLike(
                "造价指标(元/公里)".into(),
                Field::CostPerKm
            )])
        );
        assert_eq!(
            HeaderProblem::LooksLike("概算投资（万元）".into(), Field::Cost).render(Lang::En, &[]),
            "column \"概算投资（万元）\" looks by its name like cost, but that name is not read as one, so its values would count for nothing; head it as roadsub reads cost (cost, 投资, 估算投资, 造价, …) or give --map \"概算投资=cost\"; if it is a column of your own that holds no cost, give --map \"概算投资=own\""
        );
        assert_eq!(
            HeaderProblem::LooksLike("个人自筹".into(), Field::SelfRaised).render(Lang::Zh, &[]),
            "“个人自筹”列看名称像是农户自筹列，但此列名不会被读作农户自筹，其中的数值将不被计入；请改用可识别的列名（农户自筹、群众自筹、自筹资金……），或给出 --map \"个人自筹=self_raised\"；若是与农户自筹无关的自有列，请给出 --map \"个人自筹=own\""
        );
    }

    proptest::proptest! {
        /// The class of review 40's columns passed over: whatever a header cell holds around
        /// a field's word, the header is read with the cell as that field's column, or
        /// refused, or the cell says it holds no amount; it is never a column of the user's
        /// that silently holds the field's amounts. `--map CELL=own` makes it the user's.
        #[test]
        fn a_cell_holding_a_fields_word_is_never_silently_the_users(
            before in proptest::sample::select(vec!["", "工程", "项目", "合计", "县级", "\u{200b}", "涉农", "总", "村", "个人", "其中："]),
            word in proptest::sample::select(
                FIELD_WORDS
                    .iter()
                    .filter(|(_, f)| matches!(f, Field::Cost | Field::OtherFunds | Field::YishiYiyi | Field::SelfRaised | Field::VillageFund))
                    .map(|&(w, _)| w)
                    .collect::<Vec<_>>()
            ),
            after in proptest::sample::select(vec!["", "额", "资金", "金额", "（万元）", "(元)", "款", "合计", "日期", "说明", "来源", "名称及金额"]),
        ) {
            let cell = format!("{before}{word}{after}");
            // A cost per km read and no total: a total's column and every source's count.
            let header = ["编号", "乡镇", "村", "类别", "宽度", "长度", "每公里造价"];
            match Columns::from_header(header.iter().copied().chain([cell.as_str()])) {
                Ok(c) => {
                    let read = Field::ALL.into_iter().any(|f| c.index(f) == Some(7));
                    let says = !AMOUNT_WORDS.iter().any(|w| cell.contains(w))
                        && NOT_AMOUNT_WORDS.iter().any(|w| cell.contains(w));
                    proptest::prop_assert!(read || says, "{cell} passed over");
                }
                Err(problems) => proptest::prop_assert!(!problems.is_empty()),
            }
            // (A cell that is another column's name once its invisible characters are out
            // would make that column the user's too.)
            let shown = split_unit(&header_form(&cell)).0;
            proptest::prop_assume!(!header.contains(&shown.as_str()));
            let own = HeaderOptions { own: vec![cell.clone()], ..HeaderOptions::default() };
            let c = Columns::from_header_with(header.iter().copied().chain([cell.as_str()]), &own);
            proptest::prop_assert!(c.is_ok(), "{cell}: {c:?}");
            let c = c.unwrap();
            proptest::prop_assert!(Field::ALL.into_iter().all(|f| c.index(f) != Some(7)));
        }
    }

    #[test]
    fn a_unit_in_the_header_wins_over_the_tables_unit() {
        use crate::table::units::table_units;
        let titles = vec![vec!["（单位：万元、米）".to_string()]];
        let units = table_units(&titles, None).unwrap();
        let c = Columns::from_header([
            "id",
            "乡镇",
            "村",
            "类别",
            "宽度",
            "长度(km)",
            "投资",
            "整合资金(元)",
        ])
        .unwrap()
        .with_units(units);
        assert_eq!(c.scale(Field::Cost), Scale::Pow10(4));
        assert_eq!(c.scale(Field::OtherFunds), Scale::Base);
        assert_eq!(c.scale(Field::Length), Scale::Base);
        assert_eq!(
            c.scale(Field::Width),
            Scale::Base,
            "a width is no length of the table"
        );
    }

    /// The examples a bad value's message gives under a header with a unit read as it says.
    #[test]
    fn the_examples_for_a_header_with_a_unit_read_in_that_unit() {
        use crate::money::{parse_amount, parse_length_km};
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        let wan = Field::Cost.scale_of_header("投资(万元)");
        let yi = Field::Cost.scale_of_header("投资（亿元）");
        let per_km = Field::CostPerKm.scale_of_header("每公里造价(万元/公里)");
        let metres = Field::Length.scale_of_header("长度(米)");
        assert_eq!(wan, Scale::Pow10(4));
        assert_eq!(metres, Scale::Pow10(-3));
        assert_eq!(Field::Cost.scale_of_header("投资"), Scale::Base);
        assert_eq!(parse_amount("120.5", wan, false), Ok(d("1205000")));
        assert_eq!(parse_amount("1200000元", wan, false), Ok(d("1200000")));
        assert_eq!(parse_amount("1.06亿", wan, false), Ok(d("106000000")));
        assert_eq!(parse_amount("0.85", yi, false), Ok(d("85000000")));
        assert_eq!(parse_amount("120万", yi, false), Ok(d("1200000")));
        assert_eq!(parse_amount("40.5", per_km, true), Ok(d("405000")));
        assert_eq!(parse_amount("400000元/公里", per_km, true), Ok(d("400000")));
        assert_eq!(parse_length_km("1250.5", metres), Ok(d("1.2505")));
        assert_eq!(parse_length_km("1.25公里", metres), Ok(d("1.25")));
    }
}
