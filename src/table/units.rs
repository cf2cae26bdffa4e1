//! The unit of bare amounts and lengths a whole table is in. County sheets state it once, in a
//! title or note row above the header (`单位：万元`, `（单位：万元、公里）`), and leave the
//! numbers bare; `--amount-unit` says it for a table that does not. Read wrongly, 63 (万元) is
//! 63 yuan, so a unit given twice in two ways is refused, never picked.

use crate::i18n::Lang;
use crate::money::{normalize_width_forms, Scale};

/// Where a unit in force comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitFrom {
    /// A row above the header, as written.
    Title(String),
    /// `--amount-unit`.
    Flag,
}

/// A unit in force for a whole table, and where it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    /// The scale of bare numbers.
    pub scale: Scale,
    /// Where it was given.
    pub from: UnitFrom,
}

/// The units a table's title rows or the command line give bare numbers in columns whose
/// header names no unit of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableUnits {
    /// Amounts of money.
    pub money: Option<Given>,
    /// Lengths (length and completed km).
    pub length: Option<Given>,
    /// Whether the length unit was given under a key shared with money (`单位：万元、米`,
    /// not `长度单位：米`); `None` when no row gave one.
    pub length_shared: Option<bool>,
    /// A row that has a unit of length just after a length's label in a form not read
    /// (`长度（以米计算）`), and the unit's word, when no row states the lengths' unit: the
    /// lengths cannot be read in kilometres unless their header names its own unit.
    pub length_mentioned: Option<(String, String)>,
}

/// The units a title row states: `(money, length)`.
type Stated = (Option<Scale>, Option<Scale>);

/// Why the units of a table cannot be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitProblem {
    /// Two rows above the header state different units: the two rows.
    Titles(String, String),
    /// `--amount-unit` says one unit, a row above the header another: the flag's unit, the row.
    FlagAgainstTitle(Scale, String),
    /// A row above the header states a unit roadsub does not read: the row, the unit.
    Unread(String, String),
    /// A row above the header has a unit glued to its title with nothing between
    /// (`…计划表单位：万元`): the row, and the unit as written there (`单位：万元`).
    Glued(String, String),
    /// A row above the header has a unit of length glued to its title (`…计划表单位：米`): the
    /// row, and the unit as written there.
    GluedLength(String, String),
    /// One row above the header states two different units: the row, and the two units.
    Conflict(String, &'static str, &'static str),
    /// A row above the header mentions a unit of money (`万元`) but states no unit of the
    /// table's amounts in a form that is read, and no other row or flag does: the row, the word.
    Mentioned(String, String),
    /// A row above the header has a unit key with no unit after it (`单位：`), and no other row
    /// or flag states the unit: the row.
    Empty(String),
    /// A row states 米 under a key shared with money (`（单位：万元、米）`) while the table has
    /// a width column (widths are in 米 anyway), and the length header names no unit: whether
    /// the lengths are in 米 cannot be told. The row.
    SharedMetres(String),
    /// A row above the header has a unit of length just after a length's label in a form not
    /// read (`长度（以米计算）`), no row states the lengths' unit, and the length header names
    /// none: the row, and the unit's word.
    LengthMentioned(String, String),
    /// A row above the header states the lengths' unit (`长度：米`) and a length column's
    /// header names another (`建设里程(km)`): the row, and the header as written.
    LengthAgainstHeader(String, String),
    /// A row above the header states a unit with words that may say the opposite or another
    /// unit (`请勿按米填写长度`): the row, and the word.
    Negated(String, String),
}

/// Why the units a row writes cannot be taken as stated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unstated {
    /// A unit roadsub does not read (`千元`, `万`, `万元/公里`).
    Unread(String),
    /// A unit glued to the words before it (`…计划表单位：万元`), as written from `单位` on,
    /// and the units it would state. Such a `单位` may belong to the title (the unit of a
    /// table, or of something the title names) as well as to the sheet: read as the sheet's,
    /// or passed over as a name, 63 could be 63 yuan or 63 万元, so it is refused.
    Glued(String, Stated),
    /// Two different units of money, or of length, in one row (`单位：元 … 单位：万元`): the
    /// two, and whether they are of money.
    Conflict(bool, Scale, Scale),
    /// No unit of money is read, yet the row mentions one (`金额以万元为准`, `（万）`): the word,
    /// and the units that were read.
    Mentioned(String, Stated),
    /// A unit key with nothing after it (`单位：`).
    Empty,
    /// A unit stated in a row with words that may say the opposite or another unit
    /// (`请勿按米填写长度`, `Do not enter amounts in 10,000 yuan`, `长度(米)已换算为公里`): the
    /// word, and the units the row would state.
    Negated(String, Stated),
}

/// The words a unit is written in, with what they mean: money or length. The one list of
/// units roadsub reads, in a title or note row, in a header's brackets and after
/// `--amount-unit`: 元, 万元 (万), 亿元 (亿), 公里 (km, 千米) and 米 (m).
const WORDS: [(&str, bool, Scale); 26] = [
    ("元", true, Scale::Base),
    ("yuan", true, Scale::Base),
    ("rmb", true, Scale::Base),
    ("cny", true, Scale::Base),
    ("万元", true, Scale::Pow10(4)),
    ("萬元", true, Scale::Pow10(4)),
    ("万", true, Scale::Pow10(4)),
    ("萬", true, Scale::Pow10(4)),
    ("wan", true, Scale::Pow10(4)),
    ("亿元", true, Scale::Pow10(8)),
    ("億元", true, Scale::Pow10(8)),
    ("亿", true, Scale::Pow10(8)),
    ("億", true, Scale::Pow10(8)),
    ("公里", false, Scale::Base),
    ("千米", false, Scale::Base),
    ("km", false, Scale::Base),
    ("米", false, Scale::Pow10(-3)),
    ("m", false, Scale::Pow10(-3)),
    ("metre", false, Scale::Pow10(-3)),
    ("metres", false, Scale::Pow10(-3)),
    ("meter", false, Scale::Pow10(-3)),
    ("meters", false, Scale::Pow10(-3)),
    ("kilometre", false, Scale::Base),
    ("kilometres", false, Scale::Base),
    ("kilometer", false, Scale::Base),
    ("kilometers", false, Scale::Base),
];

/// The names of the units roadsub reads, as messages list them.
pub const READABLE_ZH: &str = "元、万元（万）、亿元（亿）、公里、米";

/// The scale of a unit of money by its name (`万元`, `万`, `yuan`), if roadsub reads it.
pub fn money_word(word: &str) -> Option<Scale> {
    word_scale(word, true)
}

/// The scale of a unit of length by its name (`公里`, `米`, `km`), if roadsub reads it.
pub fn length_word(word: &str) -> Option<Scale> {
    word_scale(word, false)
}

fn word_scale(word: &str, money: bool) -> Option<Scale> {
    let word = word.trim();
    let word = if money {
        money_bare(currency_bare(word))
    } else {
        word
    };
    WORDS
        .iter()
        .find(|(w, m, _)| *m == money && word.eq_ignore_ascii_case(w))
        .map(|w| w.2)
}

/// A unit with the currency named beside it (`人民币万元`, `万元人民币`) as the unit alone.
fn money_bare(word: &str) -> &str {
    let mut w = word;
    for c in ["人民币", "人民幣"] {
        w = w.strip_prefix(c).unwrap_or(w);
        w = w.strip_suffix(c).unwrap_or(w);
    }
    if w.is_empty() {
        word
    } else {
        w
    }
}

/// A unit with a currency mark before it (`￥万元`, `¥万元`, `RMB万元`) as the unit alone: the
/// mark says the unit is money, as 人民币 does.
fn currency_bare(word: &str) -> &str {
    let w = word.trim_start_matches(['￥', '¥']);
    let w = ["rmb", "cny"]
        .iter()
        .find_map(|c| {
            w.get(..c.len())
                .filter(|h| h.eq_ignore_ascii_case(c))
                .map(|_| &w[c.len()..])
        })
        .unwrap_or(w);
    if w.is_empty() {
        word
    } else {
        w
    }
}

/// Whether a token after a unit key starts with a unit of money, after any currency mark
/// (`万元整`, `￥万元以上`, `千元/年`, `yuan/km`): whatever follows, it is written as a unit of
/// money, never as a name, and is read whole or refused.
fn money_head(token: &str) -> bool {
    let mut w = currency_bare(token.trim_start_matches(['￥', '¥']));
    for c in ["人民币", "人民幣"] {
        w = w.strip_prefix(c).unwrap_or(w);
    }
    WORDS
        .iter()
        .filter(|(_, m, _)| *m)
        .map(|(w, ..)| *w)
        .chain(MONEY_MENTIONS)
        .any(|u| w.get(..u.len()).is_some_and(|h| h.eq_ignore_ascii_case(u)))
}

/// The unit of money a token after a unit key starts with (`万元` in `万元整`), longest first,
/// after any currency mark; `None` for one roadsub does not read (`千元`).
fn head_scale(token: &str) -> Option<Scale> {
    let mut w = currency_bare(token.trim_start_matches(['￥', '¥']));
    for c in ["人民币", "人民幣"] {
        w = w.strip_prefix(c).unwrap_or(w);
    }
    if MONEY_MENTIONS[..1]
        .iter()
        .chain(&["千元", "仟元"])
        .any(|u| w.starts_with(u))
    {
        return None;
    }
    WORDS
        .iter()
        .filter(|(u, m, _)| *m && w.get(..u.len()).is_some_and(|h| h.eq_ignore_ascii_case(u)))
        .max_by_key(|(u, ..)| u.len())
        .map(|w| w.2)
}

/// Words of a unit of money other than bare 元 that a row may mention without stating a unit
/// (`投资约500万元`): longest first. 元 alone is no such word: place names start with it
/// (元坝镇), and it counts only after a unit key.
const MONEY_MENTIONS: [&str; 11] = [
    "百万元",
    "万元",
    "萬元",
    "千元",
    "仟元",
    "亿元",
    "億元",
    "万",
    "萬",
    "亿",
    "億",
];

/// The keys a unit is stated after (`单位：`, `金额单位：`), with what they govern: money,
/// length or both. Any other word before `单位` (`填报单位`, `建设单位`, `编制单位`) names an
/// organisation, and what follows it is a name, never a unit: `填报单位：米易县交通运输局` is
/// no sheet in 米.
const KEYS: [(&str, bool, bool); 15] = [
    ("", true, true),
    ("计量", true, true),
    ("計量", true, true),
    ("金额", true, false),
    ("金額", true, false),
    ("资金", true, false),
    ("資金", true, false),
    ("投资", true, false),
    ("投資", true, false),
    ("货币", true, false),
    ("貨幣", true, false),
    ("长度", false, true),
    ("長度", false, true),
    ("里程", false, true),
    ("数量", false, true),
];

/// The labels of a length that a unit may follow without `单位` (`长度：米`, `里程（公里）`,
/// `路长：米`).
const LENGTH_LABELS: [&str; 12] = [
    "长度", "長度", "里程", "路长", "路長", "总长", "總長", "全长", "全長", "规模", "規模", "长宽",
];

/// Where a length's label stands in `normal`: `(start, end)`, spaces between its characters
/// allowed (`长 度：米`, as offices space a two-character label), and `length` or `length
/// unit` in any case when a colon or a bracket follows (`Length: m`; `road length plan` is
/// no label).
fn length_labels(normal: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (at, c) in normal.char_indices() {
        'label: for label in LENGTH_LABELS {
            let mut chars = label.chars();
            if chars.next() != Some(c) {
                continue;
            }
            let mut end = at + c.len_utf8();
            for want in chars {
                let rest = normal[end..].trim_start();
                if !rest.starts_with(want) {
                    continue 'label;
                }
                end = normal.len() - rest.len() + want.len_utf8();
            }
            found.push((at, end));
        }
    }
    // ASCII lower case keeps every byte where it was.
    let lower = normal.to_ascii_lowercase();
    for (at, word) in lower.match_indices("length") {
        if lower[..at].ends_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let mut end = at + word.len();
        if let Some(rest) = lower[end..].trim_start().strip_prefix("unit") {
            end = lower.len() - rest.len();
        }
        if lower[end..].trim_start().starts_with([':', '(']) {
            found.push((at, end));
        }
    }
    found
}

/// What may stand between a length's label and its unit (`长度：米`, `长度/米`, `长度＝米`,
/// `长度—米`, `长度按米计`, `长度为米`, `长度（米）`), spaces around it allowed.
fn length_separator(c: char) -> bool {
    matches!(
        c,
        ':' | '('
            | '['
            | '【'
            | '〔'
            | '为'
            | '為'
            | '是'
            | '/'
            | '='
            | '-'
            | '—'
            | '–'
            | '按'
            | '、'
    ) || QUOTES.contains(c)
        || c.is_whitespace()
}

/// The words of a unit of length a label may be followed by in a form roadsub does not read
/// (`长度：单位米`, `长度（以米计算）`): such a row is refused unless the unit is stated
/// elsewhere, never read as kilometres in silence.
const LENGTH_MENTIONS: [&str; 4] = ["公里", "千米", "km", "米"];

/// Words that make a `单位` an organisation (`填报单位`, `建设单位`) when they stand just
/// before it, even when glued to a title: what follows names the organisation, never a unit.
const ORGANISATION: [&str; 22] = [
    "填报", "填報", "建设", "建設", "报送", "報送", "编制", "編制", "制表", "申报", "申報", "实施",
    "實施", "主管", "承建", "施工", "监理", "監理", "设计", "設計", "业主", "業主",
];

/// Words before a key that still make it one (`本表单位：万元`, `表中金额单位：元`): they say
/// the unit is this table's.
const OWN_TABLE: [&str; 4] = ["本表", "表中", "表内", "表內"];

/// What ends a unit token: a unit counts only when it stands alone after the key.
fn ends_token(c: char) -> bool {
    matches!(c, '、' | ',' | ';' | '(' | ')' | '。' | '】' | ']' | '〕') || c.is_whitespace()
}

/// Where `单位` stands in `normal`, spaces between its two characters allowed (`单  位`, as
/// offices space a two-character label): `(start, end)` byte offsets.
fn unit_keys(normal: &str) -> Vec<(usize, usize)> {
    let mut keys = Vec::new();
    for (at, c) in normal.char_indices() {
        if c != '单' && c != '單' {
            continue;
        }
        let rest = &normal[at + c.len_utf8()..];
        let after = rest.trim_start();
        if after.starts_with('位') {
            keys.push((at, normal.len() - after.len() + '位'.len_utf8()));
        }
    }
    keys
}

/// What one row says of units: as [`stated`] reads it, and whether a length it gives was
/// given under a key shared with money (`（单位：万元、米）`).
#[derive(Debug, Default)]
struct Reading {
    money: Option<Scale>,
    length: Option<Scale>,
    length_shared: bool,
    /// A word of a unit of money mentioned outside any unit statement.
    mention: Option<String>,
    /// A unit key with nothing after it.
    empty: bool,
    /// A word of a unit of length just after a length's label, outside any statement
    /// (`长度（以米计算）`), when the row states no length.
    length_mention: Option<String>,
}

/// Whether a token no unit word matches is still written like a unit (`千元`, `万`, `万元/公里`,
/// `美元`), so that it must be refused rather than passed over as a name.
fn unit_like(token: &str) -> bool {
    token.chars().count() <= 6
        && token.chars().all(|c| {
            c.is_ascii_alphabetic()
                || "/元万萬亿億千百十米公里厘分毫尺丈方平立吨噸个個户戶人美港欧歐日英镑鎊币幣每延华華㎜㎝㎞㎡²数數"
                    .contains(c)
        })
}

/// The units a title or note row states (`单位：万元`, `金额单位：元`, `（单位：万元、公里）`,
/// `单位:万元`, `单位∶万元`, `单  位：万元`, `单位：人民币万元`, `单位为万元`, `以万元计`), if it
/// states any; a unit counts only as a whole token after a unit key. `Err` carries a unit
/// written there that roadsub does not read (`千元`, `万元/公里`): it must be refused, since
/// reading the numbers in yuan would be a guess; so is a unit glued to a title
/// (`…计划表单位：万元`), two units of money or of length in one row, a unit key with nothing
/// after it (`单位：`), and a row that states no unit of money but mentions one
/// (`金额以万元为准`). A `单位` of an organisation (`填报单位：某某县交通局`) states none.
pub fn stated(text: &str) -> Result<Stated, Unstated> {
    let r = read(text)?;
    let found = (r.money, r.length);
    if r.money.is_none() {
        if let Some(word) = r.mention {
            return Err(Unstated::Mentioned(word, found));
        }
        if r.empty && r.length.is_none() {
            return Err(Unstated::Empty);
        }
    }
    Ok(found)
}

fn read(text: &str) -> Result<Reading, Unstated> {
    let read = read_row(text);
    // A row with words that may say the opposite or another unit (`旧`, `old`): what it
    // states, or what it cannot be read for, is said as that.
    let negated = |stated: Stated| {
        let normal = normalize_width_forms(text);
        negation(&normal).map(|word| Unstated::Negated(word, stated))
    };
    match read {
        Ok(r) if r.money.is_some() || r.length.is_some() => match negated((r.money, r.length)) {
            Some(e) => Err(e),
            None => Ok(r),
        },
        // (A unit glued to a title is refused as that: the title's words are not the unit's.)
        Err(e @ (Unstated::Unread(_) | Unstated::Conflict(..))) => {
            Err(negated((None, None)).unwrap_or(e))
        }
        other => other,
    }
}

fn read_row(text: &str) -> Result<Reading, Unstated> {
    let normal = normalize_width_forms(text)
        .replace('\u{2236}', ":")
        .replace('\u{3000}', " ");
    let mut reading = Reading::default();
    // Stretches of the row that name an organisation or a place (`万元村委会` after
    // `建设单位：`): what they mention is no unit.
    let mut names: Vec<(usize, usize)> = Vec::new();
    // Stretches that state a unit: what they say is read, not merely mentioned.
    let mut statements: Vec<(usize, usize)> = Vec::new();
    for (at, key_end) in unit_keys(&normal) {
        // The key: the letters just before `单位`, back to a space or a punctuation mark.
        let before = &normal[..at];
        let key_start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let mut key = &before[key_start..];
        // `长度（单位：米）`: a key alone in a bracket after a length's label is the length's.
        if key.is_empty() {
            let label = before[..key_start].trim_end_matches(|c: char| {
                matches!(c, '(' | '[' | '【' | '〔' | ':') || c.is_whitespace()
            });
            if label.len() < key_start {
                if let Some(l) = LENGTH_LABELS.iter().find(|l| label.ends_with(*l)) {
                    key = if l.starts_with('里') {
                        "里程"
                    } else {
                        "长度"
                    };
                }
            }
        }
        let own = OWN_TABLE
            .iter()
            .find_map(|w| key.strip_prefix(w))
            .unwrap_or(key);
        let mut rest = normal[key_end..].trim_start();
        // `单位：万元`, `单位（万元）`, `单位：（万元）`, `单位为万元`.
        // `单位=万元`, `单位—万元`, `单位/万元`, `单位：“万元”`, `单位：均为万元`.
        rest = rest.trim_start_matches(|c: char| {
            matches!(
                c,
                ':' | '(' | '[' | '【' | '〔' | '为' | '為' | '是' | '=' | '—' | '-' | '/'
            ) || QUOTES.contains(c)
                || c.is_whitespace()
        });
        rest = strip_all(rest);
        // `单位 Unit：万元`, `长度单位 Length unit: 米`: the key said again in English.
        for english in ["length unit", "amount unit", "units", "unit"] {
            let head = rest.get(..english.len());
            if head.is_some_and(|h| h.eq_ignore_ascii_case(english)) {
                let after = rest[english.len()..].trim_start();
                if let Some(r) = after.strip_prefix([':', '=', '(']) {
                    rest = r.trim_start();
                }
                break;
            }
        }
        let first_len = rest.find(ends_token).unwrap_or(rest.len());
        let first_at = normal.len() - rest.len();
        // A key not known is an organisation's, or a title's last words glued to a unit key:
        // only what follows can tell, below.
        // `长度的单位：米`.
        let own = own.strip_suffix(['的', '之']).unwrap_or(own);
        // A key that is a known one after a field's words (`投资金额单位`, `建设里程单位`) or a
        // length's label (`长度计量单位`): the known key says whose unit it is, and a length's
        // label makes it the lengths'. After a title's words (`…计划表金额单位`) it stays glued.
        // (A length's label listed before a width's key counts: `长度、宽度单位：米`.)
        let listed = before[..key_start].trim_end_matches(['、', '/', '及', '和', '与']);
        let length_key = LENGTH_LABELS.iter().any(|label| own.contains(label))
            || (listed.len() < key_start
                && LENGTH_LABELS.iter().any(|label| listed.ends_with(label)));
        // A width's, height's or thickness's key (`宽度单位：米`) states no unit roadsub reads.
        let other_key = !length_key
            && ["宽度", "寬度", "高度", "厚度", "深度", "宽", "寬"]
                .iter()
                .any(|w| own.ends_with(w));
        let ending = KEYS
            .iter()
            .filter(|(k, ..)| !k.is_empty() && own.ends_with(k))
            .max_by_key(|(k, ..)| k.len())
            .filter(|(k, ..)| {
                let words = &own[..own.len() - k.len()];
                length_key || ["投资", "建设", "道路", "路段", "工程", "资金"].contains(&words)
            });
        let (glued, for_money, for_length) = match KEYS.iter().find(|(k, ..)| *k == own) {
            Some(&(_, m, l)) => (false, m, l),
            None if ORGANISATION.iter().any(|w| key.ends_with(w)) => {
                names.push((first_at, first_at + first_len));
                continue;
            }
            None => match ending {
                Some(&(_, m, l)) => (false, m && !length_key, l || length_key),
                None if length_key => (false, false, true),
                None if other_key => {
                    names.push((first_at, first_at + first_len));
                    continue;
                }
                None => (true, true, true),
            },
        };
        let mut found: Stated = (None, None);
        // What a glued unit says is quoted from its key (`金额单位：万元`) to the last unit read.
        let start = at
            - KEYS
                .iter()
                .filter(|(k, ..)| key.ends_with(k))
                .map(|(k, ..)| k.len())
                .max()
                .unwrap_or(0);
        let mut end = at;
        // `单位：` and nothing, or another label next (`单位： 填报人：`).
        if !glued && (rest.is_empty() || rest[..first_len].contains(':')) {
            reading.empty = true;
        }
        // `单位：10,000 yuan`: a unit written in English after the key.
        if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) && !glued {
            // To the end of the English words: a bracket, a semicolon, a slash, a comma
            // not inside a number (`10,000`), or any other script.
            let clause = rest
                .char_indices()
                .find(|&(i, c)| {
                    !c.is_ascii()
                        || matches!(c, ';' | ')' | '(' | '|' | ']' | '/')
                        || (c == ',' && !rest[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
                })
                .map_or(rest.len(), |(i, _)| i);
            let kind = match (for_money, for_length) {
                (true, false) => EnglishKey::Money,
                (false, true) => EnglishKey::Length,
                _ => EnglishKey::Any,
            };
            let english = english_unit(&rest[..clause].to_ascii_lowercase(), kind);
            let is_english = english != EnglishUnit::Nothing
                && !(matches!(english, EnglishUnit::Money(_) | EnglishUnit::Length(_))
                    && rest[..clause].trim().chars().all(|c| !c.is_ascii_digit())
                    && !rest[..clause].contains(' '));
            if is_english {
                match english {
                    EnglishUnit::Money(scale) => found.0 = Some(scale),
                    EnglishUnit::Length(scale) => found.1 = Some(scale),
                    _ => return Err(Unstated::Unread(rest[..clause].trim().to_string())),
                }
                end = normal.len() - rest.len() + clause;
                rest = "";
            }
        }
        loop {
            let len = rest.find(ends_token).unwrap_or(rest.len());
            let mut len = len;
            // `万 元`: a space inside 万元 still writes one unit.
            if matches!(&rest[..len], "万" | "萬" | "亿" | "億") {
                let after = rest[len..].trim_start();
                if let Some(tail) = after.strip_prefix('元') {
                    if tail.is_empty() || tail.starts_with(ends_token) {
                        len = rest.len() - tail.len();
                    }
                }
            }
            let token = rest[..len].trim_end_matches(|c| QUOTES.contains(c) || c == '.');
            if token.is_empty() {
                break;
            }
            // `单位：万元 / Unit: 10,000 yuan`: a slash between two ways of saying it ends
            // the list.
            if matches!(token, "/" | "|") && found != (None, None) {
                break;
            }
            // English words after a unit read (`单位：万元 No. 3`) are no unit listed.
            if found != (None, None)
                && token.chars().all(|c| c.is_ascii_alphabetic() || c == '.')
                && money_word(token).is_none()
                && length_word(token).is_none()
            {
                break;
            }
            let spoken: String = token.split_whitespace().collect();
            // `单位：人民币（万元）`: the currency named, then its unit in brackets.
            if ["人民币", "人民幣", "rmb", "cny", "￥", "¥"]
                .iter()
                .any(|c| spoken.eq_ignore_ascii_case(c))
            {
                let after = rest[len..].trim_start();
                if let Some(inner) = after.strip_prefix(['(', '[', '【', '〔']) {
                    rest = inner.trim_start();
                    continue;
                }
            }
            let word = WORDS
                .iter()
                .find(|(w, ..)| money_bare(currency_bare(&spoken)).eq_ignore_ascii_case(w));
            // `单位：万元（元）`: another unit of money in brackets after it says two;
            // `单位：万元（美元）` another currency.
            if let Some(&(_, true, scale)) = word {
                let after = rest[len..].trim_start();
                if let Some(inner) = after.strip_prefix(['(', '[', '【', '〔']) {
                    let inner = &inner[..inner.find([')', ']', '】', '〕']).unwrap_or(inner.len())];
                    if let Some(other) = money_word(inner).filter(|&o| o != scale) {
                        return Err(Unstated::Conflict(true, scale, other));
                    }
                    let lower = inner.to_ascii_lowercase();
                    if FOREIGN_MONEY.iter().any(|f| lower.contains(f)) {
                        return Err(Unstated::Unread(format!("{token}（{inner}）")));
                    }
                }
            }
            match word {
                Some(&(_, is_money, scale)) => {
                    let slot = if is_money { &mut found.0 } else { &mut found.1 };
                    match slot.filter(|&s| s != scale) {
                        // `单位：万元、公里、米`: beside money, 公里 is the lengths' and 米 the
                        // widths'.
                        Some(_) if !is_money && for_money => *slot = Some(Scale::Base),
                        Some(s) => return Err(Unstated::Conflict(is_money, s, scale)),
                        None => *slot = Some(scale),
                    }
                    end = normal.len() - rest.len() + len;
                }
                // A unit of money with more after it (`万元整`, `万元/年`, `￥万元以上`) is
                // no unit read: taken as a name, 63 万元 would be read as 63 yuan.
                None if !glued && money_head(token) => {
                    return Err(Unstated::Unread(token.to_string()))
                }
                // Glued to a title, the same words are no more a name (`…计划表单位：万元村`).
                None if money_head(token) => {
                    end = normal.len() - rest.len() + len;
                    return Err(Unstated::Glued(
                        as_written(text, &normal, start, end),
                        found,
                    ));
                }
                // Words holding a unit of money after a unit key (`单位：10000元`,
                // `单位：万元（含税）`) state one in a form not read.
                None if !glued
                    && found == (None, None)
                    && (states_money(token)
                        || (!for_money && of_length(token))
                        || token.starts_with(|c: char| c.is_ascii_digit())) =>
                {
                    return Err(Unstated::Unread(token.to_string()))
                }
                // The unit of another column (`单位：万元、公里、户`: households'): no unit of
                // money or length, and no name either.
                None if OTHER_UNITS.contains(&spoken.as_str()) => {}
                // The first token is a name (`单位：米易县交通局`): no unit is stated.
                None if !unit_like(token) => {
                    if found == (None, None) {
                        names.push((first_at, first_at + first_len));
                    }
                    break;
                }
                None if glued => {
                    end = normal.len() - rest.len() + len;
                    return Err(Unstated::Glued(
                        as_written(text, &normal, start, end),
                        found,
                    ));
                }
                None => return Err(Unstated::Unread(token.to_string())),
            }
            // Units listed: `万元、公里`, `万元，公里`, and `万元 公里` (cells of one row).
            let after = &rest[len..];
            if !after.starts_with(['、', ',', ';']) && !after.starts_with(char::is_whitespace) {
                break;
            }
            rest = after
                .trim_start_matches(|c: char| matches!(c, '、' | ',' | ';') || c.is_whitespace());
        }
        if glued {
            if found != (None, None) {
                return Err(Unstated::Glued(
                    as_written(text, &normal, start, end),
                    found,
                ));
            }
            continue;
        }
        statements.push((at, end.max(key_end)));
        if !for_length {
            found.1 = None;
        }
        if !for_money {
            found.0 = None;
        }
        take(&mut reading.money, found.0, true)?;
        if found.1.is_some() && reading.length.is_none() {
            reading.length_shared = for_money;
        }
        take(&mut reading.length, found.1, false)?;
    }
    // `长度：米`, `里程（公里）`, `长度为米`: a length's label with its unit and no `单位` (with
    // one, `长度单位：米`, it was read above). 850 under `单位：万元 长度：米` was read as 850
    // km. A label followed by a word written like a unit roadsub does not read is refused.
    let mut labels: Vec<usize> = Vec::new();
    {
        for (at, label_end) in length_labels(&normal) {
            let mut after = &normal[label_end..];
            // `里程数：米`; `长度、宽度：米`, `长度/宽度：米`, `长度及宽度：米` (one unit for the
            // labels listed; `长度、米` and `长度/米` list no label).
            after = [
                "栏目", "一栏", "栏", "欄", "列", "项", "數據", "数据", "数值", "值", "数", "數",
            ]
            .iter()
            .find_map(|w| after.strip_prefix(w))
            .unwrap_or(after);
            while let Some(list) = after.strip_prefix(['、', '/', '及', '和', '与', '與']) {
                // Another label: a width's (`宽度`, `路宽`) or a length's.
                let word = list.find(|c: char| !is_ideograph(c)).unwrap_or(list.len());
                let label = &list[..word];
                let named = label.ends_with(['度', '宽', '寬'])
                    || LENGTH_LABELS.iter().any(|l| label.ends_with(l));
                if !named || label.chars().count() > 4 {
                    break;
                }
                after = &list[word..];
            }
            labels.push(normal.len() - after.len());
            // `请按米填写长度`, `以公里计的里程`: the unit before the label.
            if let Some((scale, start)) = unit_before_label(&normal[..at]) {
                statements.push((start, label_end));
                if reading.length.is_none() {
                    reading.length_shared = false;
                }
                take(&mut reading.length, Some(scale), false)?;
                continue;
            }
            // `长度按米计`, `长度：米计`.
            let Some((token, end)) = label_unit(
                normal.len(),
                after,
                &["填写", "填寫", "填报", "填報", "填列", "计", "計"],
            ) else {
                continue;
            };
            match length_word(token) {
                Some(scale) => {
                    statements.push((at, end));
                    if reading.length.is_none() {
                        reading.length_shared = false;
                    }
                    take(&mut reading.length, Some(scale), false)?;
                }
                None if !token.is_empty() && unit_like(token) && !money_head(token) => {
                    return Err(Unstated::Unread(token.to_string()))
                }
                None => {}
            }
        }
    }
    // A unit of length just after a length's label in a form not read above (`长度：单位米`,
    // `长度（以米计算）`), when the row states no length: not to be read as kilometres.
    if reading.length.is_none() {
        reading.length_mention = length_mention(&normal, &labels, &statements).or_else(|| {
            // A unit of length on its own in a cell (`米`, `（米）`: a row of units above the
            // header's columns) says the unit of some column, perhaps the lengths'; after a
            // number it is a quantity's (`Total length: 12.5 km`, `全长 12.5 公里`).
            let tokens: Vec<&str> = normal.split_whitespace().collect();
            tokens
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    !i.checked_sub(1).is_some_and(|p| {
                        tokens[p].ends_with(|c: char| {
                            c.is_ascii_digit() || "一二两三四五六七八九十百千万〇零".contains(c)
                        })
                    })
                })
                // A width's unit (`Width (m)`, `Width unit: m`).
                .filter(|(i, _)| {
                    !tokens[i.saturating_sub(2)..*i].iter().any(|t| {
                        let t = t.to_ascii_lowercase();
                        t.contains("width") || t.contains('宽') || t.contains('寬')
                    })
                })
                .map(|(_, t)| t.trim_matches(|c| matches!(c, '(' | ')' | '[' | ']' | '【' | '】')))
                .find(|t| length_word(t).is_some())
                .map(str::to_string)
        });
    }
    // `金额：万元`, `投资（万元）`, `金额按万元填列`: an amount's label with its unit and no
    // `单位`, as a length's is read above. `总投资：500万元` is an amount, not a unit: its
    // mention is refused below unless a unit is stated.
    for label in [
        "金额",
        "金額",
        "投资",
        "投資",
        "资金",
        "資金",
        "造价",
        "造價",
        "估算",
        "概算",
        "预算",
        "預算",
        "投资额",
        "投資額",
        "资金额",
        "資金額",
    ] {
        for (at, _) in normal.match_indices(label) {
            let after = &normal[at + label.len()..];
            let tails = ["填列", "填报", "填写", "计算", "计", "計"];
            let Some((token, end)) = label_unit(normal.len(), after, &tails) else {
                continue;
            };
            if let Some(scale) = money_word(token) {
                statements.push((at, end));
                take(&mut reading.money, Some(scale), true)?;
            }
        }
    }
    // `以万元计`, `以万元为单位`: the unit between 以 and 计.
    let mut bare_length: Option<String> = None;
    for (at, _) in normal.match_indices('以') {
        let after = &normal[at + '以'.len_utf8()..];
        for &(w, is_money, scale) in &WORDS {
            let Some(tail) = after.strip_prefix(w) else {
                continue;
            };
            if ["计", "計", "为单位", "為單位", "为计量单位"]
                .iter()
                .any(|e| tail.starts_with(e))
            {
                statements.push((at, normal.len() - tail.len()));
                if is_money {
                    take(&mut reading.money, Some(scale), true)?;
                    break;
                }
                // A length's unit only with a length's label in its clause (`长度以米计`,
                // `本表里程以公里计`): `宽度以米计`, `桩号以米计`, `补助标准以公里计` speak of
                // something else; with nothing before it (`以米计`) whose it is cannot be told.
                let clause = &normal[..at];
                let clause = clause
                    .rfind(|c: char| c.is_whitespace() || "，,；;。、:(（[【".contains(c))
                    .map_or(clause, |i| {
                        &clause[i + clause[i..].chars().next().map_or(1, char::len_utf8)..]
                    });
                if !length_labels(clause).is_empty() {
                    take(&mut reading.length, Some(scale), false)?;
                } else if [
                    "", "本表", "表中", "均", "一律", "全部", "注", "注：", "说明",
                ]
                .contains(&clause.trim_end_matches([':', '：']))
                {
                    bare_length.get_or_insert_with(|| w.to_string());
                }
                break;
            }
        }
    }
    if reading.length.is_some() {
        reading.length_mention = None;
    } else if reading.length_mention.is_none() {
        reading.length_mention = bare_length;
    }
    english_money(text, &normal, &mut reading, &mut statements)?;
    // A unit of money mentioned anywhere else (`投资约500万元`); bare 万 and 亿 only when no
    // word goes on after them (`500万`, `（万）`, not `万州区`).
    let inside = |spans: &[(usize, usize)], i: usize| spans.iter().any(|&(a, b)| a <= i && i < b);
    'scan: for (i, _) in normal.char_indices() {
        if inside(&names, i) || inside(&statements, i) {
            continue;
        }
        for w in MONEY_MENTIONS {
            let Some(tail) = normal[i..].strip_prefix(w) else {
                continue;
            };
            let bare = matches!(w, "万" | "萬" | "亿" | "億");
            if bare && tail.chars().next().is_some_and(is_ideograph) {
                continue 'scan;
            }
            reading.mention = Some(w.to_string());
            break 'scan;
        }
    }
    Ok(reading)
}

/// Names of currencies other than the yuan (in lower case).
const FOREIGN_MONEY: [&str; 12] = [
    "美元", "港元", "港币", "欧元", "日元", "英镑", "usd", "us$", "hk$", "$", "eur", "€",
];

/// Words that may turn a unit stated beside them into its opposite or another unit
/// (`请勿按米填写`, `不得用米`, `已换算为公里`, `Do not enter`, `converted to km`, `→`), found
/// in a row that states one: such a row is refused, not read as saying the unit.
fn negation(normal: &str) -> Option<String> {
    // (Not 旧 alone: 旧县, 旧州 are places.)
    const CHINESE: [&str; 32] = [
        "勿",
        "不得",
        "不要",
        "不可",
        "不能",
        "不予",
        "不用",
        "不按",
        "不以",
        "不是",
        "不再",
        "禁止",
        "严禁",
        "換算",
        "换算",
        "折算",
        "转换",
        "換成",
        "(旧)",
        "旧单位",
        "旧版",
        "旧的",
        "(舊)",
        "已废",
        "废止",
        "作废",
        "现用",
        "现按",
        "改用",
        "改按",
        "改为",
        "去年",
    ];
    if let Some(w) = CHINESE.iter().find(|w| normal.contains(*w)) {
        return Some(w.to_string());
    }
    if let Some(w) = ["→", "->", "⇒", "=>"].iter().find(|w| normal.contains(*w)) {
        return Some(w.to_string());
    }
    let lower = normal.to_ascii_lowercase();
    [
        "not",
        "no",
        "don't",
        "never",
        "convert",
        "converted",
        "instead",
        "except",
        "rather",
        "old",
        "previous",
        "previously",
        "former",
        "formerly",
        "originally",
        "obsolete",
        "abolished",
        "replaced",
        "superseded",
    ]
    .iter()
    .find(|w| {
        lower.match_indices(*w).any(|(at, _)| {
            let next = lower[at + w.len()..].chars().next();
            let tail = lower[at + w.len()..].trim_start();
            // `No. 3`, `No 3`: a number's sign, not a negation; nor are `not including tax`,
            // `no VAT`, `no decimals`.
            let numbered = (**w == "no"
                && (tail.starts_with(|c: char| c == '.' || c.is_ascii_digit())
                    || ["vat", "tax", "decimal"]
                        .iter()
                        .any(|t| tail.starts_with(t))))
                || (**w == "not" && tail.starts_with("incl"));
            let in_word = lower[..at].ends_with(|c: char| c.is_ascii_alphabetic())
                || next.is_some_and(|c| c.is_ascii_alphabetic());
            !in_word && !numbered
        })
    })
    .map(|w| normal[lower.find(w).unwrap_or(0)..][..w.len()].to_string())
}

/// The unit of length a label is filled in by, written before it (`按米填写长度`,
/// `以公里计的里程`, `用米填报长度`): its scale and where the statement starts.
fn unit_before_label(before: &str) -> Option<(Scale, usize)> {
    let mut pre = before.trim_end();
    for tail in ["的", "之"] {
        pre = pre.strip_suffix(tail).unwrap_or(pre);
    }
    for tail in [
        "填写",
        "填寫",
        "填报",
        "填報",
        "填列",
        "计算",
        "計算",
        "计",
        "計",
        "填",
        "为单位",
    ] {
        if let Some(p) = pre.strip_suffix(tail) {
            pre = p;
            break;
        }
    }
    let pre = pre.trim_end();
    let (word, scale) = ["公里", "千米", "米", "km"]
        .iter()
        .find_map(|w| pre.strip_suffix(w).map(|_| (*w, length_word(w))))?;
    let head = pre[..pre.len() - word.len()].trim_end();
    let by = ["按", "以", "用"].iter().find(|b| head.ends_with(*b))?;
    Some((scale?, head.len() - by.len()))
}

/// Multipliers written before (or after) a currency's English name: `10,000 yuan` is 万元,
/// `100 million yuan` 亿元; `None` for those roadsub does not read (`1,000 yuan`, `million
/// yuan`). Longest first. (A comma splits a CSV row's cells, which a row's text joins with a
/// space: `10 000`.)
const ENGLISH_MULTIPLIERS: [(&str, Option<Scale>); 25] = [
    ("one hundred million", Some(Scale::Pow10(8))),
    ("hundred million", Some(Scale::Pow10(8))),
    ("100,000,000", Some(Scale::Pow10(8))),
    ("100 000 000", Some(Scale::Pow10(8))),
    ("1 000 000", None),
    ("100 million", Some(Scale::Pow10(8))),
    ("ten thousand", Some(Scale::Pow10(4))),
    ("10 thousand", Some(Scale::Pow10(4))),
    ("1,000,000", None),
    ("thousands of", None),
    ("millions of", None),
    ("1 million", None),
    ("thousand", None),
    ("million", None),
    ("10,000", Some(Scale::Pow10(4))),
    ("10 000", Some(Scale::Pow10(4))),
    ("10000", Some(Scale::Pow10(4))),
    ("1,000", None),
    ("1 000", None),
    ("100m", Some(Scale::Pow10(8))),
    ("1000", None),
    ("10k", Some(Scale::Pow10(4))),
    ("wan", Some(Scale::Pow10(4))),
    ("mn", None),
    ("k", None),
];

/// What English words before a unit say it is the unit of: `Unit:` either (as `单位：`),
/// `Amounts in` money, `Lengths in` lengths.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum EnglishKey {
    Any,
    Money,
    Length,
}

/// Where an English key stands in `lower` (a row in ASCII lower case): its start, where the
/// unit it says starts, and what the unit is of. `Unit: …`, `Units = …`, `Unit (…)`, `unit
/// is …`, `Amount unit: …`, `Length unit: …`; `Amounts in …`, `All figures
/// are shown in …`, `Costs in …`; `Lengths in …`, `Length is given in …`; `(in …)` and a row
/// starting `In …`.
fn english_keys(lower: &str) -> Vec<(usize, usize, EnglishKey)> {
    let word_at = |at: usize, end: usize| {
        !lower[..at].ends_with(|c: char| c.is_ascii_alphanumeric())
            && !lower[end..].starts_with(|c: char| c.is_ascii_alphanumeric())
    };
    // After fillers (`are shown in`), the end of `in`, if the words come to it.
    let after_in = |mut at: usize| -> Option<usize> {
        loop {
            let rest = lower[at..].trim_start();
            let word_len = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let word = &rest[..word_len];
            let start = lower.len() - rest.len();
            match word {
                "in" => return Some(start + 2),
                "are" | "is" | "all" | "shown" | "given" | "expressed" | "stated" | "written"
                | "entered" => at = start + word_len,
                _ => return None,
            }
        }
    };
    let mut keys = Vec::new();
    for (at, w) in lower.match_indices("unit") {
        let mut end = at + w.len();
        if lower[end..].starts_with('s') {
            end += 1;
        }
        if !word_at(at, end) {
            continue;
        }
        let before = lower[..at].trim_end();
        let word_start = before
            .rfind(|c: char| !c.is_ascii_alphabetic())
            .map_or(0, |i| {
                i + before[i..].chars().next().map_or(1, char::len_utf8)
            });
        // Whatever word comes before (`Reporting unit: Transport Bureau` names an
        // organisation, and states nothing a unit's words would).
        let kind = match &before[word_start..] {
            "amount" | "money" | "currency" => EnglishKey::Money,
            "length" => EnglishKey::Length,
            // A width's, height's or thickness's unit states none roadsub reads.
            "width" | "widths" | "height" | "thickness" | "depth" => continue,
            _ => EnglishKey::Any,
        };
        let rest = lower[end..].trim_start();
        let unit_at = if let Some(r) = rest.strip_prefix([':', '=', '(']) {
            lower.len() - r.len()
        } else if let Some(i) = after_in(end) {
            i
        } else if rest.starts_with("is ") || rest.starts_with("are ") {
            lower.len() - rest.len() + rest.find(' ').unwrap_or(0)
        } else {
            continue;
        };
        keys.push((at, unit_at, kind));
    }
    for (key, kind) in [
        ("amounts", EnglishKey::Money),
        ("amount", EnglishKey::Money),
        ("figures", EnglishKey::Money),
        ("values", EnglishKey::Money),
        ("costs", EnglishKey::Money),
        ("cost", EnglishKey::Money),
        ("money", EnglishKey::Money),
        ("investment", EnglishKey::Money),
        ("funds", EnglishKey::Money),
        ("lengths", EnglishKey::Length),
        ("length", EnglishKey::Length),
    ] {
        for (at, _) in lower.match_indices(key) {
            let end = at + key.len();
            if !word_at(at, end) {
                continue;
            }
            if let Some(i) = after_in(end) {
                keys.push((at, i, kind));
            }
        }
    }
    for (at, _) in lower.match_indices("in ") {
        let before = lower[..at].trim_end();
        if before.is_empty() || before.ends_with(['(', '[']) {
            keys.push((at, at + 2, EnglishKey::Money));
        }
    }
    // `(10k RMB)`, `(RMB thousand)`: a bracket holding a currency's English name says the
    // amounts' unit, as a header's bracket does.
    for (at, open) in lower.match_indices(['(', '（']) {
        let inner_at = at + open.len();
        let inner_end = lower[inner_at..]
            .find([')', '）'])
            .map_or(lower.len(), |i| inner_at + i);
        let inner = &lower[inner_at..inner_end];
        let names_currency = ["yuan", "rmb", "cny"].iter().any(|c| {
            inner.match_indices(c).any(|(i, _)| {
                !inner[..i].ends_with(|c: char| c.is_ascii_alphabetic())
                    && !inner[i + c.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
            })
        });
        // (Unless another key inside says it: `(Unit: 10,000 yuan)`, `(in 10,000 yuan)`.)
        let keyed = inner.contains("unit") || inner.trim_start().starts_with("in ");
        if names_currency && !keyed {
            keys.push((at, inner_at, EnglishKey::Money));
        }
    }
    keys.sort_unstable_by_key(|k| (k.0, k.1));
    keys.dedup_by_key(|k| k.1);
    keys
}

/// What the words after an English key (`unit`, in ASCII lower case, to the end of its
/// clause) state.
#[derive(Debug, PartialEq)]
enum EnglishUnit {
    Money(Scale),
    Length(Scale),
    /// Written like a unit, but not one roadsub reads (`100,000 yuan`, `USD 10,000`, `feet`).
    Unread,
    /// No unit: a name or other words.
    Nothing,
}

fn english_unit(unit: &str, kind: EnglishKey) -> EnglishUnit {
    let unit = unit
        .trim()
        .trim_start_matches(|c: char| c == ':' || c.is_whitespace())
        .trim_end_matches(['.', ':', ' ']);
    let unit = ["in ", "of the ", "of ", "the "]
        .iter()
        .find_map(|f| unit.strip_prefix(f))
        .unwrap_or(unit)
        .trim();
    if unit.is_empty() {
        return EnglishUnit::Nothing;
    }
    let bare: String = unit.split_whitespace().collect();
    if kind != EnglishKey::Length {
        if let Some(scale) = money_word(&bare) {
            return EnglishUnit::Money(scale);
        }
    }
    if kind != EnglishKey::Money {
        if let Some(scale) = length_word(&bare) {
            return EnglishUnit::Length(scale);
        }
    }
    let word_in = |w: &str| {
        unit.match_indices(w).any(|(at, _)| {
            !unit[..at].ends_with(|c: char| c.is_ascii_alphabetic())
                && !unit[at + w.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
        })
    };
    if kind != EnglishKey::Length {
        for currency in ["yuan", "rmb", "cny"] {
            let Some((at, _)) = unit.match_indices(currency).find(|&(at, _)| {
                word_in(currency)
                    && !unit[at + currency.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
            }) else {
                continue;
            };
            let before = unit[..at].trim();
            let after = unit[at + currency.len()..].trim();
            let multiple = match (before.is_empty(), after.is_empty()) {
                (true, true) => return EnglishUnit::Money(Scale::Base),
                (false, true) => before,
                (true, false) => after,
                (false, false) => return EnglishUnit::Unread,
            };
            return match ENGLISH_MULTIPLIERS.iter().find(|(m, _)| *m == multiple) {
                Some((_, Some(scale))) => EnglishUnit::Money(*scale),
                _ => EnglishUnit::Unread,
            };
        }
    }
    // Another currency, a unit of length not read, or a unit word of money or length in any
    // form not read (`10^4 yuan`, `feet`, `万元/公里`).
    const OTHERS: [&str; 31] = [
        "usd",
        "us$",
        "hk$",
        "dollar",
        "dollars",
        "euro",
        "euros",
        "eur",
        "gbp",
        "jpy",
        "yen",
        "ft",
        "feet",
        "foot",
        "mile",
        "miles",
        "mi",
        "li",
        "cm",
        "mm",
        "yard",
        "yards",
        "yd",
        "metre",
        "metres",
        "meter",
        "meters",
        "km",
        "m",
        "kilometres",
        "kilometers",
    ];
    // A multiple with no unit after it (`Unit: thousand`, `Amounts in millions`, `Unit:
    // 10K`): of what is not said, and passed over the numbers were read as yuan (review 32).
    // (Words only: a number alone, `10000` of `单位：10000元`, is said with what follows it.)
    let multiple = kind != EnglishKey::Length
        && (ENGLISH_MULTIPLIERS
            .iter()
            .any(|(m, _)| m.contains(|c: char| c.is_ascii_alphabetic()) && word_in(m))
            || ["thousands", "millions", "billion", "billions", "bn", "mln"]
                .iter()
                .any(|w| word_in(w)));
    if multiple
        || OTHERS.iter().any(|w| word_in(w))
        || unit.contains(['$', '€', '£', '元', '万', '萬', '亿', '億', '米', '里'])
        || unit.contains("yuan")
        || unit.contains("rmb")
    {
        return EnglishUnit::Unread;
    }
    EnglishUnit::Nothing
}

/// A unit written in English (`Unit: 10,000 yuan`, `Amounts in 10,000 yuan`, `(in 10,000
/// yuan)`, `Unit: RMB 10,000`, `Unit: 万元`, `Lengths in metres`, `Unit: km`): after an
/// English key it states the amounts' or the lengths' unit, as `单位：万元` does (`Unit: 10,000
/// yuan` was passed over, and 120 万元 read as 120 yuan); a unit not read there (`100,000
/// yuan`, `USD 10,000`, `feet`) is refused; 万元's or 亿元's multiple of yuan elsewhere is a
/// mention, refused unless a unit is stated.
fn english_money(
    text: &str,
    normal: &str,
    reading: &mut Reading,
    statements: &mut Vec<(usize, usize)>,
) -> Result<(), Unstated> {
    // ASCII lower case keeps every byte where it was.
    let lower = normal.to_ascii_lowercase();
    let inside = |spans: &[(usize, usize)], i: usize| spans.iter().any(|&(a, b)| a <= i && i < b);
    for (key_at, unit_at, kind) in english_keys(&lower) {
        if inside(statements, key_at) || inside(statements, unit_at) {
            continue;
        }
        // To a bracket, a semicolon, a slash, or a comma not inside a number (`10,000`).
        let end = lower[unit_at..]
            .char_indices()
            .find(|&(i, c)| {
                matches!(
                    c,
                    ';' | '；' | ')' | '）' | '(' | '（' | '。' | '|' | ']' | '】' | '/'
                ) || (c == ','
                    && !lower[unit_at + i + 1..].starts_with(|d: char| d.is_ascii_digit()))
            })
            .map_or(lower.len(), |(i, _)| unit_at + i);
        match english_unit(&lower[unit_at..end], kind) {
            EnglishUnit::Money(scale) => {
                statements.push((key_at, end));
                take(&mut reading.money, Some(scale), true)?;
            }
            EnglishUnit::Length(scale) => {
                statements.push((key_at, end));
                if reading.length.is_none() {
                    reading.length_shared = kind == EnglishKey::Any;
                }
                take(&mut reading.length, Some(scale), false)?;
            }
            EnglishUnit::Unread => {
                let written = as_written(text, normal, unit_at, end);
                return Err(Unstated::Unread(written.trim().to_string()));
            }
            EnglishUnit::Nothing => {}
        }
    }
    // 万元's or 亿元's multiple of yuan outside any statement: a mention.
    for currency in ["yuan", "rmb", "cny"] {
        for (at, _) in lower.match_indices(currency) {
            let end = at + currency.len();
            if inside(statements, at)
                || lower[..at].ends_with(|c: char| c.is_ascii_alphanumeric())
                || lower[end..].starts_with(|c: char| c.is_ascii_alphanumeric())
            {
                continue;
            }
            let before = lower[..at].trim_end();
            let after = lower[end..].trim_start();
            let found = ENGLISH_MULTIPLIERS.iter().find_map(|&(m, scale)| {
                if let Some(head) = before.strip_suffix(m) {
                    if !head.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                        return Some((head.len(), end, scale));
                    }
                }
                let tail = after.strip_prefix(m)?;
                if tail.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                    return None;
                }
                Some((at, lower.len() - tail.len(), scale))
            });
            if let Some((start, end, Some(Scale::Pow10(_)))) = found {
                reading
                    .mention
                    .get_or_insert_with(|| as_written(text, normal, start, end));
            }
        }
    }
    Ok(())
}

/// The first word of a unit of length within a few characters after the end of a length's
/// label (`labels`, byte offsets into `normal`) and what separates it (`：`, `/`), before a
/// space, the end of a clause or another label's colon (`路面宽度：`), that no statement read
/// and that is no quantity's (`长度3.5米`, `全长十二公里`: a numeral before it). `里程：米易县`
/// is refused too: 米 right after a length's label is read as a unit, and the header or a row
/// of its own can say otherwise.
fn length_mention(normal: &str, labels: &[usize], statements: &[(usize, usize)]) -> Option<String> {
    let inside = |i: usize| statements.iter().any(|&(a, b)| a <= i && i < b);
    for &end in labels {
        let window = normal[end..].trim_start_matches(length_separator);
        let end = normal.len() - window.len();
        let stop = window
            .char_indices()
            .take(10)
            .find(|&(_, c)| {
                // Another label's unit from here on (`长度 路面宽度：米`).
                c.is_whitespace()
                    || matches!(c, '。' | ';' | ',' | '，' | '；')
                    || "宽寬高厚深桩樁".contains(c)
            })
            .map_or_else(
                || {
                    window
                        .char_indices()
                        .nth(10)
                        .map_or(window.len(), |(i, _)| i)
                },
                |(i, _)| i,
            );
        let window = &window[..stop];
        for (i, _) in window.char_indices() {
            if inside(end + i) {
                continue;
            }
            // A quantity's unit (`3.5米`, `十二公里`), or letters of a word (`akm`).
            let before = window[..i].chars().next_back();
            if before.is_some_and(|b| {
                b.is_ascii_alphanumeric()
                    || b == '.'
                    || "一二两三四五六七八九十百千万〇零".contains(b)
            }) {
                continue;
            }
            for w in LENGTH_MENTIONS {
                let Some(tail) = window[i..]
                    .get(..w.len())
                    .filter(|h| h.eq_ignore_ascii_case(w))
                else {
                    continue;
                };
                // Letters going on make a word (`kms`), and so do ideographs but those a unit
                // goes on with (`米数`, `米计`, `米填写`): `米家沟至王家湾`, `米易县` are places.
                let next = window[i + tail.len()..].chars().next();
                let word = next.is_some_and(|n| {
                    n.is_ascii_alphabetic()
                        || (is_ideograph(n) && !"计計数數为為填算制单單以".contains(n))
                });
                if !word {
                    return Some(w.to_string());
                }
            }
        }
    }
    None
}

/// Units of columns that hold neither money nor lengths, listed beside theirs in a unit row
/// (`单位：万元、公里、户`).
const OTHER_UNITS: [&str; 9] = ["户", "戶", "人", "个", "個", "㎡", "平方米", "m²", "%"];

/// The word a label (`长度`, `金额`) is followed by where a unit would stand (`长度：米`,
/// `金额按万元填列`): after a separator, `均为` and quotes, to the end of the token, without a
/// closing quote or dot and the first of `tails` it ends with (`计`, `填列`); and the byte
/// offset of its end in the row (`after` is the end of the row, `row_len` bytes long). `None`
/// when a unit key follows (`长度单位：`: read as a key) or nothing separates the label from
/// what follows (a word: `长度3.5米`, `里程碑`).
fn label_unit<'a>(row_len: usize, after: &'a str, tails: &[&str]) -> Option<(&'a str, usize)> {
    if after.trim_start().starts_with(['单', '單']) {
        return None;
    }
    let rest = after.trim_start_matches(length_separator);
    if rest.len() == after.len() {
        return None;
    }
    let rest = strip_all(rest);
    let len = rest.find(ends_token).unwrap_or(rest.len());
    let mut token = rest[..len].trim_end_matches(|c| QUOTES.contains(c) || c == '.');
    for tail in tails {
        token = token.strip_suffix(tail).unwrap_or(token);
    }
    Some((token, row_len - rest.len() + len))
}

/// Quotation marks a unit may be written in after its key (`单位：“万元”`).
const QUOTES: &str = "“”\"'‘’《》「」『』";

/// `rest` without words saying the unit is all of the table's (`均为万元`, `全部为米`).
fn strip_all(rest: &str) -> &str {
    [
        "均为",
        "均是",
        "均以",
        "全部为",
        "全为",
        "都是",
        "一律为",
        "统一为",
        "系",
    ]
    .iter()
    .find_map(|w| rest.strip_prefix(w))
    .map_or(rest, |r| r.trim_start_matches(|c| QUOTES.contains(c)))
}

/// Whether a token after a unit key holds a unit of money: a word of one (`万元`, `千元`),
/// or 元 at its end (`10000元`; 元 starts place names, `元坝镇`).
fn states_money(token: &str) -> bool {
    token.ends_with('元')
        || MONEY_MENTIONS.iter().any(|w| {
            let bare = matches!(*w, "万" | "萬" | "亿" | "億");
            token.match_indices(w).any(|(at, _)| {
                !bare
                    || !token[at + w.len()..]
                        .chars()
                        .next()
                        .is_some_and(is_ideograph)
            })
        })
}

/// Whether what a row cannot tell is a length's unit (`--amount-unit` does not say it).
fn of_lengths(e: &Unstated) -> bool {
    match e {
        Unstated::Unread(unit) => of_length(unit),
        Unstated::Glued(_, found) => found.1.is_some(),
        Unstated::Conflict(money, ..) => !money,
        Unstated::Mentioned(..) | Unstated::Empty => false,
        Unstated::Negated(_, found) => found.1.is_some(),
    }
}

/// Whether a unit not read is one of length (`公尺`, `里`, `metres`): `--amount-unit`, which
/// says the unit of money, is then no answer.
fn of_length(unit: &str) -> bool {
    let u = unit.to_ascii_lowercase();
    !money_head(unit)
        && (["米", "尺", "丈", "里", "km", "metre", "meter"]
            .iter()
            .any(|w| u.contains(w))
            || u.split(|c: char| !c.is_ascii_alphabetic())
                .any(|t| t == "m"))
}

/// Puts `scale` in `slot`, refusing a second, different one.
fn take(slot: &mut Option<Scale>, scale: Option<Scale>, money: bool) -> Result<(), Unstated> {
    match (*slot, scale) {
        (Some(a), Some(b)) if a != b => Err(Unstated::Conflict(money, a, b)),
        (None, b) => {
            *slot = b;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether `c` is a Chinese character (a word goes on after it).
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{3134f}')
}

/// The bytes `start..end` of `normal` as `text` wrote them (full-width colons and all):
/// normalising maps each character to one character.
fn as_written(text: &str, normal: &str, start: usize, end: usize) -> String {
    let first = normal[..start].chars().count();
    let count = normal[start..end].chars().count();
    text.chars().skip(first).take(count).collect()
}

/// A row above the header as one line: its cells joined by a space, a line break inside a
/// cell shown as a space (a message quoting the row stays on one line).
pub fn row_text(row: &[String]) -> String {
    row.iter()
        .flat_map(|f| f.split(['\r', '\n']))
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The units of a table: from the rows above its header (each with its fields), then
/// `--amount-unit` (`flag`), which must agree with a title that states a unit of money.
/// A row that mentions a unit of money without stating one (`投资约500万元`), or states a key
/// with nothing after it (`单位：`), is refused unless another row or the flag states it.
pub fn table_units(titles: &[Vec<String>], flag: Option<Scale>) -> Result<TableUnits, UnitProblem> {
    let mut units = TableUnits::default();
    let mut unsaid: Option<UnitProblem> = None;
    for row in titles {
        let text = row_text(row);
        let reading = match read(&text) {
            Ok(r) => r,
            // A unit of money with more after it (`万元整`) that the flag contradicts.
            Err(Unstated::Unread(unit))
                if flag.is_some_and(|f| head_scale(&unit).is_some_and(|s| s != f)) =>
            {
                return Err(UnitProblem::FlagAgainstTitle(flag.unwrap(), text))
            }
            // The flag says the unit of money; the row's own is then not read, unless what
            // it cannot tell is a length's, which the flag does not say.
            Err(e) if flag.is_some() && !of_lengths(&e) => Reading::default(),
            Err(Unstated::Unread(unit)) => return Err(UnitProblem::Unread(text, unit)),
            Err(Unstated::Negated(word, _)) => return Err(UnitProblem::Negated(text, word)),
            Err(Unstated::Glued(unit, (None, Some(_)))) => {
                return Err(UnitProblem::GluedLength(text, unit))
            }
            Err(Unstated::Glued(unit, _)) => return Err(UnitProblem::Glued(text, unit)),
            Err(Unstated::Conflict(money, a, b)) => {
                let name = |s| {
                    if money {
                        money_name(s, Lang::Zh)
                    } else {
                        length_name(s, Lang::Zh)
                    }
                };
                return Err(UnitProblem::Conflict(text, name(a), name(b)));
            }
            Err(Unstated::Mentioned(..) | Unstated::Empty) => {
                unreachable!("read() leaves these to stated()")
            }
        };
        if let Some(word) = &reading.length_mention {
            units
                .length_mentioned
                .get_or_insert_with(|| (text.clone(), word.clone()));
        }
        if reading.money.is_none() && unsaid.is_none() {
            if let Some(word) = &reading.mention {
                unsaid = Some(UnitProblem::Mentioned(text.clone(), word.clone()));
            } else if reading.empty && reading.length.is_none() {
                unsaid = Some(UnitProblem::Empty(text.clone()));
            }
        }
        let shared = reading.length_shared;
        for (slot, scale) in [
            (&mut units.money, reading.money),
            (&mut units.length, reading.length),
        ] {
            let Some(scale) = scale else { continue };
            match slot {
                Some(g) if g.scale != scale => {
                    let UnitFrom::Title(first) = &g.from else {
                        unreachable!("titles come first")
                    };
                    return Err(UnitProblem::Titles(first.clone(), text));
                }
                Some(_) => {}
                None => {
                    *slot = Some(Given {
                        scale,
                        from: UnitFrom::Title(text.clone()),
                    })
                }
            }
        }
        if reading.length.is_some() && units.length_shared.is_none() {
            units.length_shared = Some(shared);
        }
    }
    if let Some(flag) = flag {
        match &units.money {
            Some(Given {
                scale,
                from: UnitFrom::Title(t),
            }) if *scale != flag => return Err(UnitProblem::FlagAgainstTitle(flag, t.clone())),
            Some(_) => {}
            None => {
                units.money = Some(Given {
                    scale: flag,
                    from: UnitFrom::Flag,
                })
            }
        }
    }
    match unsaid {
        Some(problem) if units.money.is_none() => Err(problem),
        _ => Ok(units),
    }
}

impl TableUnits {
    /// Whether lengths are read in 米 from a row that gives 米 under a key it shares with
    /// money (`（单位：万元、米）`): with a width column in the table (widths are in 米), that
    /// 米 may be the widths' and not the lengths'. The row, if so.
    pub fn shared_metres(&self) -> Option<&str> {
        match &self.length {
            Some(Given {
                scale: Scale::Pow10(-3),
                from: UnitFrom::Title(t),
            }) if self.length_shared == Some(true) => Some(t),
            _ => None,
        }
    }
}

/// A unit of money by name, as `--amount-unit` takes it.
pub fn money_unit(name: &str) -> Option<Scale> {
    money_word(name)
}

/// The name of a unit of money.
pub fn money_name(scale: Scale, lang: Lang) -> &'static str {
    match scale {
        Scale::Pow10(4) => "万元",
        Scale::Pow10(8) => "亿元",
        _ => lang.pick("yuan", "元"),
    }
}

/// What a unit of money named in Chinese comes to, for a reader of English who may not read
/// 万元: ` (10,000 yuan)`. Empty in Chinese and for yuan itself.
fn money_gloss(scale: Scale, lang: Lang) -> &'static str {
    match (scale, lang) {
        (Scale::Pow10(4), Lang::En) => " (10,000 yuan)",
        (Scale::Pow10(8), Lang::En) => " (100,000,000 yuan)",
        _ => "",
    }
}

pub fn length_name(scale: Scale, lang: Lang) -> &'static str {
    match scale {
        Scale::Pow10(-3) => lang.pick("m", "米"),
        _ => lang.pick("km", "公里"),
    }
}

impl TableUnits {
    /// What the table's bare numbers are read in, and where that was said, one line per unit:
    /// `表中金额按万元读取（取自表头上方“单位：万元”）`. Empty when nothing above the header or on
    /// the command line said a unit.
    pub fn describe(&self, lang: Lang) -> Vec<String> {
        let from = |g: &Given| match (&g.from, lang) {
            (UnitFrom::Title(t), Lang::Zh) => format!("（取自表头上方“{t}”）"),
            (UnitFrom::Title(t), Lang::En) => format!(" (from \"{t}\" above the header)"),
            (UnitFrom::Flag, Lang::Zh) => "（取自 --amount-unit）".to_string(),
            (UnitFrom::Flag, Lang::En) => " (from --amount-unit)".to_string(),
        };
        let mut lines = Vec::new();
        if let Some(g) = &self.money {
            lines.push(format!(
                "{}{}{}{}{}",
                lang.pick("Amounts in the table read in ", "表中金额按"),
                money_name(g.scale, lang),
                money_gloss(g.scale, lang),
                lang.pick("", "读取"),
                from(g)
            ));
        }
        if let Some(g) = &self.length {
            lines.push(format!(
                "{}{}{}{}",
                lang.pick("Lengths in the table read in ", "表中长度按"),
                length_name(g.scale, lang),
                lang.pick("", "读取"),
                from(g)
            ));
        }
        lines
    }
}

impl TableUnits {
    /// The units in a few words, for a title bar: ` · 表中金额：万元` (empty when none was said).
    pub fn short(&self, lang: Lang) -> String {
        let mut out = String::new();
        if let Some(g) = &self.money {
            out += &format!(
                "{}{}",
                lang.pick(" · amounts read in ", " · 表中金额："),
                money_name(g.scale, lang)
            );
        }
        if let Some(g) = &self.length {
            out += &format!(
                "{}{}",
                lang.pick(" · lengths read in ", " · 表中长度："),
                length_name(g.scale, lang)
            );
        }
        out
    }
}

impl UnitProblem {
    /// The problem as a sentence.
    pub fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (UnitProblem::Titles(a, b), Lang::En) => format!(
                "the rows above the header state two units: \"{a}\" and \"{b}\"; keep one"
            ),
            (UnitProblem::Titles(a, b), Lang::Zh) => {
                format!("表头上方的两行所写单位不同：“{a}”与“{b}”；请只保留一种")
            }
            (UnitProblem::FlagAgainstTitle(flag, t), Lang::En) => format!(
                "--amount-unit {} contradicts \"{t}\" above the header; drop the flag or correct the sheet",
                money_name(*flag, Lang::Zh)
            ),
            (UnitProblem::Unread(t, unit), Lang::En) if of_length(unit) => format!(
                "\"{t}\" above the header names a unit roadsub does not read ({unit}; it reads {READABLE_ZH}); write the lengths' unit as 长度单位：米 (or 公里), or give the length header its unit (建设里程(米))"
            ),
            (UnitProblem::Unread(t, unit), Lang::Zh) if of_length(unit) => format!(
                "表头上方的“{t}”所写单位无法读取（{unit}；可读：{READABLE_ZH}）；请写明“长度单位：米”（或公里），或在长度列表头注明单位（如“建设里程(米)”）"
            ),
            (UnitProblem::Unread(t, unit), Lang::En) => format!(
                "\"{t}\" above the header names a unit roadsub does not read ({unit}; it reads {READABLE_ZH}); give --amount-unit or correct the sheet"
            ),
            (UnitProblem::Unread(t, unit), Lang::Zh) => format!(
                "表头上方的“{t}”所写单位无法读取（{unit}；可读：{READABLE_ZH}）；请给出 --amount-unit 或改正表格"
            ),
            (UnitProblem::Conflict(t, a, b), Lang::En) => format!(
                "\"{t}\" above the header states two units, {a} and {b}; keep one"
            ),
            (UnitProblem::Conflict(t, a, b), Lang::Zh) => {
                format!("表头上方的“{t}”写了两种单位：{a}与{b}；请只保留一种")
            }
            (UnitProblem::Mentioned(t, word), Lang::En) => format!(
                "\"{t}\" above the header mentions {word} but states no unit of the table's amounts in a form roadsub reads, so bare numbers might be read in the wrong unit; give --amount-unit, or write the unit on a row of its own (单位：万元)"
            ),
            (UnitProblem::Mentioned(t, word), Lang::Zh) => format!(
                "表头上方的“{t}”提到“{word}”，但未以可读的形式写明表中金额的单位，数字可能按错误的单位读取；请给出 --amount-unit，或单独一行写明单位（如“单位：万元”）"
            ),
            (UnitProblem::Empty(t), Lang::En) => format!(
                "\"{t}\" above the header has a unit key but no unit after it; write the unit (单位：元 or 单位：万元) or give --amount-unit"
            ),
            (UnitProblem::Empty(t), Lang::Zh) => format!(
                "表头上方的“{t}”只有“单位”而未写明单位；请写明单位（如“单位：元”或“单位：万元”）或给出 --amount-unit"
            ),
            (UnitProblem::SharedMetres(t), Lang::En) => format!(
                "\"{t}\" above the header gives 米 without saying it is the unit of lengths, and the table has a width column (widths are in 米), so it cannot be told whether lengths are in 米; write 长度单位：米 (or 长度单位：公里) on a row of its own, or give the length header its unit (建设里程(米))"
            ),
            (UnitProblem::SharedMetres(t), Lang::Zh) => format!(
                "表头上方的“{t}”所写“米”未说明是长度的单位，而表中有路面宽度（以米计），无法确定长度是否按米读取；请单独一行写明“长度单位：米”（或“长度单位：公里”），或在长度列表头注明单位（如“建设里程(米)”）"
            ),
            (UnitProblem::LengthMentioned(t, word), Lang::En) => format!(
                "\"{t}\" above the header gives {word} as a length's unit in a form roadsub does not read, so lengths might be read in the wrong unit; write 长度单位：米 (or 长度单位：公里) on a row of its own, or give the length header its unit (建设里程(米))"
            ),
            (UnitProblem::LengthMentioned(t, word), Lang::Zh) => format!(
                "表头上方的“{t}”写了长度单位“{word}”，但写法无法读取，长度可能按错误的单位读取；请单独一行写明“长度单位：米”（或“长度单位：公里”），或在长度列表头注明单位（如“建设里程(米)”）"
            ),
            (UnitProblem::Negated(t, word), Lang::En) => format!(
                "\"{t}\" above the header states a unit beside words that may say the opposite or another unit ({word}), so which unit the numbers are in cannot be told; write the unit on a row of its own (单位：万元, 长度单位：米) or in the column's header (长度(米))"
            ),
            (UnitProblem::Negated(t, word), Lang::Zh) => format!(
                "表头上方的“{t}”在写明单位的同时有可能意思相反或另指单位的词（{word}），无法确定数字的单位；请单独一行写明单位（如“单位：万元”“长度单位：米”），或在列标题中注明单位（如“长度(米)”）"
            ),
            (UnitProblem::LengthAgainstHeader(t, header), Lang::En) => format!(
                "\"{t}\" above the header gives the lengths one unit and the column \"{header}\" another; keep one"
            ),
            (UnitProblem::LengthAgainstHeader(t, header), Lang::Zh) => format!(
                "表头上方的“{t}”所写长度单位与“{header}”列表头所写不同；请只保留一种"
            ),
            (UnitProblem::GluedLength(t, unit), Lang::En) => format!(
                "\"{t}\" above the header has \"{unit}\" glued to the words before it, so it cannot be told whether that is the unit of the table's lengths; write it on a row of its own (长度单位：米) or in the length header (建设里程(米))"
            ),
            (UnitProblem::GluedLength(t, unit), Lang::Zh) => format!(
                "表头上方的“{t}”中“{unit}”紧接在前面的文字后，无法确定是否为表中长度的单位；请单独一行写明（如“长度单位：米”），或在长度列表头注明（如“建设里程(米)”）"
            ),
            (UnitProblem::Glued(t, unit), Lang::En) => format!(
                "\"{t}\" above the header has \"{unit}\" glued to the words before it, so it cannot be told whether that is the unit of the table's amounts; give --amount-unit, or separate the unit (\"{unit}\" on a row of its own, or after a space or bracket)"
            ),
            (UnitProblem::Glued(t, unit), Lang::Zh) => format!(
                "表头上方的“{t}”中“{unit}”紧接在前面的文字后，无法确定是否为表中金额的单位；请给出 --amount-unit，或将单位与标题分开（“{unit}”单独成行，或在其前加空格或括号）"
            ),
            (UnitProblem::FlagAgainstTitle(flag, t), Lang::Zh) => format!(
                "--amount-unit {} 与表头上方的“{t}”不符；请去掉该选项或改正表格",
                money_name(*flag, Lang::Zh)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stated_ok(text: &str) -> Stated {
        stated(text).unwrap()
    }

    fn refusal(title: &str, flag: Option<Scale>) -> Result<TableUnits, UnitProblem> {
        table_units(&[vec![title.to_string()]], flag)
    }

    #[test]
    fn an_organisation_line_with_a_place_name_is_not_read_as_a_unit() {
        // 米易县 is no sheet in 米, 万元村 none in 万元, 元坝镇 and 元谋县 none in 元.
        for title in [
            "填报单位：米易县交通运输局",
            "建设单位：万元村委会",
            "填报单位：元坝镇人民政府",
            "报送单位：元谋县交通运输局",
            "编制单位：公里村委会",
            "单位：米易县交通运输局",
        ] {
            assert_eq!(stated(title), Ok((None, None)), "{title}");
        }
        // After a bare 单位, a word that starts with a unit of money cannot be told from the
        // unit with more written after it (`万元整`): refused, not passed over as a name.
        assert_eq!(
            stated("单位：万元村委会"),
            Err(Unstated::Unread("万元村委会".into()))
        );
        // With a real unit row too, the sheet is in 万元, not refused as two units.
        let titles = vec![
            vec!["填报单位：元坝镇人民政府".to_string()],
            vec!["单位：万元".to_string()],
        ];
        assert_eq!(
            table_units(&titles, None).unwrap().money,
            Some(Given {
                scale: Scale::Pow10(4),
                from: UnitFrom::Title("单位：万元".into())
            })
        );
        assert_eq!(
            stated("填报单位：元坝镇人民政府 单位：万元"),
            Ok((Some(Scale::Pow10(4)), None))
        );
    }

    #[test]
    fn a_title_unit_roadsub_does_not_read_is_refused_naming_it() {
        for (title, unit) in [
            ("单位：千元", "千元"),
            ("单位：万元/公里", "万元/公里"),
            ("金额单位：美元", "美元"),
        ] {
            assert_eq!(
                refusal(title, None),
                Err(UnitProblem::Unread(title.into(), unit.into()))
            );
        }
        assert_eq!(
            refusal("单位：千元", None).unwrap_err().render(Lang::En),
            "\"单位：千元\" above the header names a unit roadsub does not read (千元; it reads 元、万元（万）、亿元（亿）、公里、米); give --amount-unit or correct the sheet"
        );
        assert_eq!(
            refusal("单位：千元", None).unwrap_err().render(Lang::Zh),
            "表头上方的“单位：千元”所写单位无法读取（千元；可读：元、万元（万）、亿元（亿）、公里、米）；请给出 --amount-unit 或改正表格"
        );
        // --amount-unit says the unit, as the message offers.
        assert_eq!(
            refusal("单位：千元", Some(Scale::Pow10(4))).unwrap().money,
            Some(Given {
                scale: Scale::Pow10(4),
                from: UnitFrom::Flag
            })
        );
    }

    #[test]
    fn a_unit_glued_to_a_title_is_refused_not_read_as_no_unit() {
        // Read as stating nothing, 63 under this title was 63 yuan.
        let title = "安岳县2018年通村通社公路建设计划表单位：万元";
        assert_eq!(
            stated(title),
            Err(Unstated::Glued(
                "单位：万元".into(),
                (Some(Scale::Pow10(4)), None)
            ))
        );
        let problem = refusal(title, None).unwrap_err();
        assert_eq!(
            problem,
            UnitProblem::Glued(title.into(), "单位：万元".into())
        );
        assert_eq!(
            problem.render(Lang::Zh),
            "表头上方的“安岳县2018年通村通社公路建设计划表单位：万元”中“单位：万元”紧接在前面的文字后，无法确定是否为表中金额的单位；请给出 --amount-unit，或将单位与标题分开（“单位：万元”单独成行，或在其前加空格或括号）"
        );
        assert_eq!(
            problem.render(Lang::En),
            "\"安岳县2018年通村通社公路建设计划表单位：万元\" above the header has \"单位：万元\" glued to the words before it, so it cannot be told whether that is the unit of the table's amounts; give --amount-unit, or separate the unit (\"单位：万元\" on a row of its own, or after a space or bracket)"
        );
        // Each unit listed is quoted; a unit-like word roadsub does not read is refused too.
        assert_eq!(
            refusal("计划表金额单位:万元、公里 填报人：张三", None),
            Err(UnitProblem::Glued(
                "计划表金额单位:万元、公里 填报人：张三".into(),
                "金额单位:万元、公里".into()
            ))
        );
        assert_eq!(
            stated("计划表单位：千元"),
            Err(Unstated::Glued("单位：千元".into(), (None, None)))
        );
        // --amount-unit says the unit, as the message offers.
        assert_eq!(
            refusal(title, Some(Scale::Pow10(4))).unwrap().money,
            Some(Given {
                scale: Scale::Pow10(4),
                from: UnitFrom::Flag
            })
        );
        // Separated, the same words state the unit.
        let wan = Ok((Some(Scale::Pow10(4)), None));
        for separated in [
            "安岳县2018年通村通社公路建设计划表 单位：万元",
            "安岳县2018年通村通社公路建设计划表（单位：万元）",
            "安岳县2018年通村通社公路建设计划表　单位：万元",
            "本表单位：万元",
            "表中金额单位：万元",
        ] {
            assert_eq!(stated(separated), wan, "{separated}");
        }
        // An organisation's 单位 glued to other words still names an organisation, and a
        // title glued to a name states nothing.
        for title in [
            "安岳县2018年计划表填报单位：安岳县交通运输局",
            "安岳县2018年计划表建设单位：万元村委会",
            "安岳县2018年计划表单位：安岳县交通运输局",
        ] {
            assert_eq!(stated(title), Ok((None, None)), "{title}");
        }
    }

    #[test]
    fn a_unit_with_words_after_it_glued_to_a_title_was_read_as_no_unit() {
        // Refused bare (`单位：万元村委会`), the same words glued to a title stated nothing,
        // and 63 was read as 63 yuan.
        let title = "计划表单位：万元村";
        assert_eq!(
            stated(title),
            Err(Unstated::Glued("单位：万元村".into(), (None, None)))
        );
        assert_eq!(
            refusal(title, None),
            Err(UnitProblem::Glued(title.into(), "单位：万元村".into()))
        );
        // An organisation key still names an organisation.
        assert_eq!(stated("计划表建设单位：万元村委会"), Ok((None, None)));
    }

    const WAN: Option<Scale> = Some(Scale::Pow10(4));

    #[test]
    fn a_unit_stated_above_the_header_in_an_office_form_is_read_not_ignored() {
        // Each of these was passed over, and 63 read as 63 yuan.
        for title in [
            "单位：万元（人民币）",
            "单位：人民币万元",
            "单位：万元人民币",
            "单  位：万元",
            "单　位：万元",
            "单位：（万元）",
            "金额单位为万元",
            "单位为万元",
            "本表金额以万元计",
            "以万元为单位",
            "单位：万",
        ] {
            assert_eq!(stated(title), Ok((WAN, None)), "{title}");
            assert_eq!(
                refusal(title, None).unwrap().money,
                Some(Given {
                    scale: Scale::Pow10(4),
                    from: UnitFrom::Title(title.into())
                }),
                "{title}"
            );
        }
        assert_eq!(stated("单位：人民币元"), Ok((Some(Scale::Base), None)));
        assert_eq!(stated("单 位：万元、公里"), Ok((WAN, Some(Scale::Base))));
        assert_eq!(stated("长度以米计"), Ok((None, Some(Scale::Pow10(-3)))));
    }

    /// A length's unit stated after its label without `单位` (`单位：万元 长度：米`) was passed
    /// over: 850 (metres) was read as 850 km, and paid for as such.
    #[test]
    fn a_length_unit_stated_after_its_label_is_read_not_ignored() {
        let metres = Some(Scale::Pow10(-3));
        let km = Some(Scale::Base);
        for (title, units) in [
            ("安岳县计划表 单位：万元 长度：米", (WAN, metres)),
            ("单位：万元 里程：米", (WAN, metres)),
            ("单位：万元（长度为米）", (WAN, metres)),
            ("单位：万元、长度：米", (WAN, metres)),
            ("長度: m", (None, metres)),
            ("长度（米）", (None, metres)),
            ("里程：公里", (None, km)),
            ("长度 : km", (None, km)),
        ] {
            assert_eq!(stated(title), Ok(units), "{title}");
            let read = refusal(title, None).unwrap();
            assert_eq!(read.length.map(|g| g.scale), units.1, "{title}");
            assert_eq!(read.length_shared, Some(false), "{title}");
        }
        // Words, not a unit stated.
        for title in [
            "里程碑计划 单位：万元",
            "路段长度3.5米以上",
            "里程：米易县段",
            "路长：米家沟至王家湾",
            "长度：设计长度",
        ] {
            assert_eq!(stated(title).map(|s| s.1), Ok(None), "{title}");
        }
        // A unit roadsub does not read, or two lengths in one row, are refused.
        assert_eq!(stated("长度：公尺"), Err(Unstated::Unread("公尺".into())));
        assert_eq!(stated("长度/公尺"), Err(Unstated::Unread("公尺".into())));
        assert_eq!(
            stated("单位：万元、公里 长度：米"),
            Err(Unstated::Conflict(false, Scale::Base, Scale::Pow10(-3)))
        );
    }

    /// Forms a length's unit was passed over in (850 under `单位：万元 长度/米` read as 850 km,
    /// 127,500,000.00 paid): other separators, other labels, labels listed, and `单位` in a
    /// bracket after the label (read before as shared with money).
    #[test]
    fn a_length_unit_in_other_office_forms_was_read_as_kilometres() {
        let metres = Some(Scale::Pow10(-3));
        for title in [
            "单位：万元 长度/米",
            "单位：万元 长度／米",
            "单位：万元 长度—米",
            "单位：万元 长度－米",
            "单位：万元 长度＝米",
            "单位：万元 长度 = 米",
            "单位：万元 长度按米计",
            "单位：万元 长度、宽度：米",
            "单位：万元 路长：米",
            "单位：万元 里程数：米",
            "单位：万元 长度（单位：米）",
            "单位：万元 长度：单位米",
            "单位：万元 全长（米）",
        ] {
            assert_eq!(stated(title), Ok((WAN, metres)), "{title}");
            let read = refusal(title, None).unwrap();
            assert_eq!(read.length.map(|g| g.scale), metres, "{title}");
            assert_eq!(read.length_shared, Some(false), "{title}");
            assert_eq!(read.length_mentioned, None, "{title}");
        }
    }

    /// Forms a review found passed over, so that 850 m was read as 850 km and 10 万元 as 10
    /// yuan with status 0: a unit after `=`, `—`, `/`, in quotes or after 均为; a label spaced
    /// out (`长　度`), listed (`长度/宽度`), English (`Length: m`), or 建设规模; `m.`.
    /// Review 32: an English unit line giving a multiple without its unit (`Unit:
    /// thousand`) stated nothing, and the numbers were read as yuan. Refused as `Unit:
    /// thousand yuan` is; a unit line that reads still does.
    #[test]
    fn an_english_multiple_without_its_unit_is_refused() {
        for title in [
            "Unit: thousand",
            "Unit: thousands",
            "Unit: ten thousand",
            "Unit: million",
            "Unit: 10K",
            "Amounts in thousands",
            "All figures are shown in millions",
            "(in thousand)",
            "Unit: k",
        ] {
            assert!(
                matches!(stated(title), Err(Unstated::Unread(_))),
                "{title}: {:?}",
                stated(title)
            );
        }
        assert_eq!(stated("Unit: 10,000 yuan").map(|s| s.0), Ok(WAN));
        assert_eq!(stated("Unit: yuan").map(|s| s.0), Ok(Some(Scale::Base)));
        assert_eq!(stated("Lengths in km").map(|s| s.1), Ok(Some(Scale::Base)));
    }

    #[test]
    fn unit_forms_a_review_found_passed_over_are_read() {
        let metres = Some(Scale::Pow10(-3));
        for title in [
            "长度单位=米",
            "长　度：米",
            "长 度：米",
            "长度、米",
            "长度/宽度：米",
            "长度及宽度：米",
            "长宽：米",
            "建设规模：米",
            "Length: m",
            "length unit: metres",
            "长度单位：“米”",
            "长度：metres",
            "长度:m.",
            "长度：均为米",
        ] {
            assert_eq!(stated(title), Ok((None, metres)), "{title}");
        }
        assert_eq!(stated("长度：均为公里"), Ok((None, Some(Scale::Base))));
        for title in [
            "单位：均为万元",
            "单位=万元",
            "单位＝万元",
            "单位：“万元”",
            "单位—万元",
            "单位/万元",
            "单位:'万元'",
            "单位：《万元》",
            "金额单位=万元",
            "单位：RMB万元",
        ] {
            assert_eq!(stated(title), Ok((WAN, None)), "{title}");
        }
        assert_eq!(stated("单位=万元、公里"), Ok((WAN, Some(Scale::Base))));
        // A key ending in a known one says whose unit it is (they were refused as glued to
        // a title).
        for (title, units) in [
            ("投资金额单位：万元", (WAN, None)),
            ("长度计量单位：米", (None, Some(Scale::Pow10(-3)))),
            ("建设里程单位：米", (None, Some(Scale::Pow10(-3)))),
            ("长度的单位：米", (None, Some(Scale::Pow10(-3)))),
        ] {
            assert_eq!(stated(title), Ok(units), "{title}");
        }
        for title in [
            "安岳县计划表单位：万元",
            "安岳县计划表金额单位：万元",
            "项目金额单位：万元",
        ] {
            assert!(matches!(stated(title), Err(Unstated::Glued(..))), "{title}");
        }
        // An amount's label with its unit (they were refused as mentions).
        for title in [
            "金额：万元",
            "投资：万元",
            "金额按万元填列",
            "长度：米　金额：万元",
            "投资（万元）",
            "金额：万",
        ] {
            assert_eq!(stated(title).map(|s| s.0), Ok(WAN), "{title}");
        }
        assert!(matches!(
            stated("总投资：500万元"),
            Err(Unstated::Mentioned(..))
        ));
        // Words holding a unit of money after the key state it in a form not read.
        assert_eq!(
            stated("单位：10000元"),
            Err(Unstated::Unread("10000元".into()))
        );
        // Two rows, one now read, disagree.
        assert!(matches!(
            table_units(&[vec!["单位：万元".into()], vec!["单位=元".into()]], None),
            Err(UnitProblem::Titles(..))
        ));
        // A unit of length alone in a cell (a row of units above the columns) is noted.
        let read = table_units(
            &[vec!["".into(), "（米）".into(), "万元/公里".into()]],
            None,
        );
        assert!(
            matches!(
                read,
                Err(UnitProblem::Mentioned(..)) | Err(UnitProblem::Unread(..))
            ),
            "{read:?}"
        );
        let read = refusal("说明 米", None).unwrap();
        assert_eq!(read.length_mentioned, Some(("说明 米".into(), "米".into())));
        // A length's unit not read is not sent to --amount-unit, which cannot say it.
        let p = refusal("长度：公尺", None).unwrap_err();
        assert_eq!(
            p.render(Lang::En),
            "\"长度：公尺\" above the header names a unit roadsub does not read (公尺; it reads 元、万元（万）、亿元（亿）、公里、米); write the lengths' unit as 长度单位：米 (or 公里), or give the length header its unit (建设里程(米))"
        );
        assert_eq!(
            p.render(Lang::Zh),
            "表头上方的“长度：公尺”所写单位无法读取（公尺；可读：元、万元（万）、亿元（亿）、公里、米）；请写明“长度单位：米”（或公里），或在长度列表头注明单位（如“建设里程(米)”）"
        );
        assert!(refusal("单位：千元", None)
            .unwrap_err()
            .render(Lang::En)
            .contains("--amount-unit"));
        // What a second review found: units not read after a length's key, labels with a
        // word before the colon, `以米计` of widths, keys of labels the README lists, a
        // width's key, 公里 beside 米 in one list, places after 米.
        let km = Some(Scale::Base);
        let m = Some(Scale::Pow10(-3));
        for title in [
            "长度单位：延米",
            "长度单位：米数",
            "里程单位：延米",
            "单位：万元、延米",
            "长度单位：㎜",
            "长度单位：华里",
            "单位：10000",
            "单位：10,000元",
        ] {
            assert!(
                matches!(stated(title), Err(Unstated::Unread(_))),
                "{title}: {:?}",
                stated(title)
            );
        }
        for (title, units) in [
            ("长度栏：米", (None, m)),
            ("长度列：米", (None, m)),
            ("里程栏：m", (None, m)),
            ("长度一栏：米", (None, m)),
            ("全长单位：米", (None, m)),
            ("总长单位：米", (None, m)),
            ("路长单位：米", (None, m)),
            ("建设规模单位：米", (None, m)),
            ("长度单位为米，宽度单位为米", (None, m)),
            ("长度、宽度单位：米", (None, m)),
            ("长度以米计", (None, m)),
            ("注：宽度以米计", (None, None)),
            ("路面宽度以米计", (None, None)),
            ("注：补助标准以公里计", (None, None)),
            ("桩号以米计", (None, None)),
            ("宽度单位：米", (None, None)),
            ("说明：宽度单位为米", (None, None)),
            ("长度单位：公里 宽度单位：米", (None, km)),
            ("单位：万元、公里、米", (WAN, km)),
            ("单位：万元、公里、户", (WAN, km)),
            ("宽度以米计、长度以公里计", (None, km)),
        ] {
            assert_eq!(stated(title), Ok(units), "{title}");
        }
        // With nothing before it, `以米计` cannot be told a length's: noted.
        assert_eq!(
            refusal("以米计", None).unwrap().length_mentioned,
            Some(("以米计".into(), "米".into()))
        );
        // --amount-unit says money's unit: a length's unit glued to a title is still refused,
        // as a length's, and a row whose other unit is a household's keeps its length.
        assert_eq!(
            refusal("计划表单位：米", WAN),
            Err(UnitProblem::GluedLength(
                "计划表单位：米".into(),
                "单位：米".into()
            ))
        );
        assert!(refusal("计划表单位：米", None)
            .unwrap_err()
            .render(Lang::En)
            .contains(
                "the unit of the table's lengths; write it on a row of its own (长度单位：米)"
            ));
        let read = refusal("单位：万元、户 长度：米", WAN).unwrap();
        assert_eq!(read.length.map(|g| g.scale), m);
        // English prose is no label.
        assert_eq!(
            refusal("Road length plan 2018", None).unwrap(),
            TableUnits::default()
        );
    }

    /// A unit of length just after a length's label in a form not read is noted for the
    /// header to refuse (unless the length column names its own unit); a quantity or a word
    /// without a unit is not.
    #[test]
    fn a_length_unit_after_its_label_in_a_form_not_read_is_noted_not_passed_over() {
        for (title, word) in [
            ("单位：万元 长度：米为准", "米"),
            ("长度: 以米为准", "米"),
            ("长度：均按米", "米"),
        ] {
            let read = refusal(title, None).unwrap();
            assert_eq!(read.length, None, "{title}");
            assert_eq!(
                read.length_mentioned,
                Some((title.to_string(), word.to_string())),
                "{title}"
            );
        }
        for title in [
            "路段长度3.5米以上",
            "里程：米易县段",
            "路长：米家沟至王家湾",
            "全长十二公里",
            "长度：设计长度",
            "里程碑计划 单位：万元",
            "长度 路面宽度：米",
        ] {
            let read = refusal(title, None).unwrap();
            assert_eq!(read.length_mentioned, None, "{title}");
        }
        // Letters going on after `km` write no unit read: refused.
        assert_eq!(
            refusal("里程（kms）", None),
            Err(UnitProblem::Unread("里程（kms）".into(), "kms".into()))
        );
    }

    #[test]
    fn a_title_that_mentions_wan_yuan_without_stating_the_unit_is_refused_naming_the_row() {
        for (title, word) in [
            ("安岳县2018年通村公路计划（总投资约500万元）", "万元"),
            ("金额以万元为准", "万元"),
            ("投资（千元）", "千元"),
            ("计划投资1.2亿", "亿"),
            ("长度单位：米 金额万元", "万元"),
        ] {
            assert_eq!(
                refusal(title, None),
                Err(UnitProblem::Mentioned(title.into(), word.into())),
                "{title}"
            );
        }
        let problem = refusal("金额以万元为准", None).unwrap_err();
        assert_eq!(
            problem.render(Lang::Zh),
            "表头上方的“金额以万元为准”提到“万元”，但未以可读的形式写明表中金额的单位，数字可能按错误的单位读取；请给出 --amount-unit，或单独一行写明单位（如“单位：万元”）"
        );
        assert_eq!(
            problem.render(Lang::En),
            "\"金额以万元为准\" above the header mentions 万元 but states no unit of the table's amounts in a form roadsub reads, so bare numbers might be read in the wrong unit; give --amount-unit, or write the unit on a row of its own (单位：万元)"
        );
        // The flag, or another row, states the unit.
        assert_eq!(
            refusal("金额以万元为准", Some(Scale::Pow10(4)))
                .unwrap()
                .money,
            Some(Given {
                scale: Scale::Pow10(4),
                from: UnitFrom::Flag
            })
        );
        let two = vec![
            vec!["安岳县2018年计划（总投资约500万元）".to_string()],
            vec!["单位：万元".to_string()],
        ];
        assert_eq!(
            table_units(&two, None).unwrap().money.unwrap().scale,
            Scale::Pow10(4)
        );
        // Place names are no mention: 万州区, 元坝镇, an organisation called 万元村委会.
        for title in [
            "万州区2018年通村公路计划",
            "元坝镇2018年通村公路计划",
            "万源市白羊乡",
            "建设单位：万元村委会",
        ] {
            assert_eq!(refusal(title, None), Ok(TableUnits::default()), "{title}");
        }
    }

    #[test]
    fn an_empty_unit_key_is_refused_unless_a_unit_is_stated_elsewhere() {
        for title in ["单位：", "单位:", "金额单位：", "单位： 填报人：张三"] {
            assert_eq!(
                refusal(title, None),
                Err(UnitProblem::Empty(title.into())),
                "{title}"
            );
        }
        assert_eq!(
            refusal("单位：", None).unwrap_err().render(Lang::Zh),
            "表头上方的“单位：”只有“单位”而未写明单位；请写明单位（如“单位：元”或“单位：万元”）或给出 --amount-unit"
        );
        assert_eq!(
            refusal("单位：", None).unwrap_err().render(Lang::En),
            "\"单位：\" above the header has a unit key but no unit after it; write the unit (单位：元 or 单位：万元) or give --amount-unit"
        );
        assert!(refusal("单位：", Some(Scale::Base)).is_ok());
        let two = vec![
            vec!["单位：".to_string()],
            vec!["金额单位：万元".to_string()],
        ];
        assert_eq!(
            table_units(&two, None).unwrap().money.unwrap().scale,
            Scale::Pow10(4)
        );
        // An organisation's key with nothing after it is a form left blank, not a unit.
        assert_eq!(refusal("填报单位：", None), Ok(TableUnits::default()));
    }

    #[test]
    fn one_title_row_stating_two_units_is_refused_not_read_by_its_first() {
        let row = ["单位：元", "", "", "", "", "", "单位：万元"]
            .map(String::from)
            .to_vec();
        let problem = table_units(&[row], None).unwrap_err();
        assert_eq!(
            problem,
            UnitProblem::Conflict("单位：元 单位：万元".into(), "元", "万元")
        );
        assert_eq!(
            problem.render(Lang::Zh),
            "表头上方的“单位：元 单位：万元”写了两种单位：元与万元；请只保留一种"
        );
        assert_eq!(
            problem.render(Lang::En),
            "\"单位：元 单位：万元\" above the header states two units, 元 and 万元; keep one"
        );
        assert_eq!(
            refusal("单位：元、万元", None),
            Err(UnitProblem::Conflict("单位：元、万元".into(), "元", "万元"))
        );
        assert_eq!(
            refusal("单位：公里 长度单位：米", None),
            Err(UnitProblem::Conflict(
                "单位：公里 长度单位：米".into(),
                "公里",
                "米"
            ))
        );
        assert_eq!(
            refusal("单位：元 本表金额以万元计", None),
            Err(UnitProblem::Conflict(
                "单位：元 本表金额以万元计".into(),
                "元",
                "万元"
            ))
        );
    }

    #[test]
    fn a_title_cell_with_a_line_break_is_quoted_on_one_line() {
        let row = vec!["安岳县2018年计划\r\n单位：千元".to_string()];
        let problem = table_units(&[row], None).unwrap_err();
        assert_eq!(
            problem,
            UnitProblem::Unread("安岳县2018年计划 单位：千元".into(), "千元".into())
        );
        let row = vec!["安岳县2018年计划\n单位：万元".to_string()];
        assert_eq!(
            table_units(&[row], None).unwrap().describe(Lang::Zh),
            ["表中金额按万元读取（取自表头上方“安岳县2018年计划 单位：万元”）"]
        );
    }

    #[test]
    fn amounts_read_in_wan_say_what_a_wan_is_in_english_and_stay_as_they_were_in_chinese() {
        let units = |title: &str| table_units(&[vec![title.to_string()]], None).unwrap();
        assert_eq!(
            units("单位：万元").describe(Lang::En),
            ["Amounts in the table read in 万元 (10,000 yuan) (from \"单位：万元\" above the header)"]
        );
        assert_eq!(
            units("单位：亿元").describe(Lang::En),
            ["Amounts in the table read in 亿元 (100,000,000 yuan) (from \"单位：亿元\" above the header)"]
        );
        assert_eq!(
            units("单位：元").describe(Lang::En),
            ["Amounts in the table read in yuan (from \"单位：元\" above the header)"]
        );
        assert_eq!(
            units("单位：万元").describe(Lang::Zh),
            ["表中金额按万元读取（取自表头上方“单位：万元”）"]
        );
        // The title bar keeps to a few words.
        assert_eq!(
            units("单位：万元").short(Lang::En),
            " · amounts read in 万元"
        );
    }

    #[test]
    fn one_list_of_units_is_read_by_title_header_and_flag() {
        for (word, scale) in [
            ("元", Scale::Base),
            ("万元", Scale::Pow10(4)),
            ("万", Scale::Pow10(4)),
            ("亿元", Scale::Pow10(8)),
            ("亿", Scale::Pow10(8)),
        ] {
            assert_eq!(stated(&format!("单位：{word}")), Ok((Some(scale), None)));
            assert_eq!(money_unit(word), Some(scale), "{word}");
            assert_eq!(
                crate::table::Field::Cost.scale_of_header(&format!("总投资({word})")),
                scale
            );
        }
        for word in ["千元", "美元", "百万元"] {
            assert!(stated(&format!("单位：{word}")).is_err());
            assert_eq!(money_unit(word), None);
        }
    }

    proptest! {
        /// Whatever form an office writes its unit key in (spaced, with a colon, 为 or a
        /// bracket, the currency named), the unit is read.
        #[test]
        fn every_office_form_of_a_unit_statement_is_read(
            own in prop::sample::select(vec!["", "本表", "表中"]),
            key in prop::sample::select(vec!["", "金额", "资金", "计量"]),
            space in prop::sample::select(vec!["", " ", "  ", "\u{3000}"]),
            colon in prop::sample::select(vec!["：", ":", "∶", "为", "（", "：（", ""]),
            currency in prop::sample::select(vec!["", "人民币"]),
            unit in prop::sample::select(vec!["元", "万元", "萬元", "亿元", "万"]),
            after in prop::sample::select(vec!["", "）", "（人民币）", " 填报人：张三"]),
        ) {
            let title = format!("{own}{key}单{space}位{colon}{currency}{unit}{after}");
            let scale = money_word(unit).unwrap();
            prop_assert_eq!(stated(&title), Ok((Some(scale), None)));
        }

        /// Whatever form a length's label takes its unit in (a colon, 为 or a bracket, spaced
        /// or not, beside a unit of money or alone), the unit is read.
        #[test]
        fn every_form_of_a_length_label_with_its_unit_is_read(
            before in prop::sample::select(vec!["", "单位：万元 ", "单位：万元、", "单位：万元（", "说明："]),
            label in prop::sample::select(vec!["长度", "長度", "里程", "路长", "路長", "全长"]),
            space in prop::sample::select(vec!["", " ", "\u{3000}"]),
            colon in prop::sample::select(vec!["：", ":", "为", "（", "(", "：（", "/", "／", "—", "-", "＝", "=", "按", "数：", "、宽度：", "（单位："]),
            unit in prop::sample::select(vec!["米", "m", "公里", "千米", "km"]),
            after in prop::sample::select(vec!["", "）", ")", "，以下同", " 填报人：张三"]),
        ) {
            let space = if colon.starts_with(['数', '、']) { "" } else { space };
            let title = format!("{before}{label}{space}{colon}{unit}{after}");
            let scale = length_word(unit).unwrap();
            prop_assert_eq!(stated(&title).map(|s| s.1), Ok(Some(scale)), "{}", title);
        }

        /// A unit of length a few characters after a length's label, in whatever words, is
        /// read, or noted for the header to refuse, or the row is refused: never passed over
        /// (then the lengths would be read in kilometres). A numeral before it makes it a
        /// quantity's.
        #[test]
        fn a_length_unit_after_its_label_is_read_or_noted_never_passed_over(
            before in prop::sample::select(vec!["", "单位：万元 ", "说明："]),
            label in prop::sample::select(LENGTH_LABELS.to_vec()),
            sep in prop::sample::select(vec!["", "：", "/", "（", " ", "按", "为", "数："]),
            filler in "[\u{4e00}-\u{9fa5}]{0,3}",
            unit in prop::sample::select(vec!["米", "公里", "千米", "km", "KM"]),
            after in prop::sample::select(vec!["", "）", "计", "数", "为准", " 填报人：张三"]),
        ) {
            prop_assume!(!filler.ends_with(|c| "一二两三四五六七八九十百千万〇零".contains(c)));
            // Words of another measure's label (`宽`, `桩`) make the unit theirs, and a word
            // going on after 米 a place's (`米易县`).
            prop_assume!(!filler.contains(|c| "宽寬高厚深桩樁".contains(c)));
            let title = format!("{before}{label}{sep}{filler}{unit}{after}");
            if let Ok(read) = refusal(&title, None) {
                prop_assert!(
                    read.length.is_some() || read.length_mentioned.is_some(),
                    "{} passed over", title
                );
            }
        }

        /// A title or note that mentions a unit of money other than bare 元 is never passed
        /// over: it is read as stating the unit of money, or refused.
        #[test]
        fn a_row_mentioning_a_money_unit_is_read_or_refused_never_ignored(
            before in "[\u{4e00}-\u{9fa5}0-9]{0,8}",
            word in prop::sample::select(vec!["万元", "萬元", "千元", "百万元", "亿元", "万", "亿"]),
            after in prop::sample::select(vec!["", "）", "，", "。", " ", "为准"]),
            rest in "[\u{4e00}-\u{9fa5}]{0,4}",
        ) {
            // Bare 万 and 亿 count only when no word goes on after them.
            let after = if matches!(word, "万" | "亿") && matches!(after, "" | "为准") {
                "）"
            } else {
                after
            };
            let title = format!("{before}{word}{after}{rest}");
            if let Ok(units) = refusal(&title, None) {
                prop_assert!(units.money.is_some(), "{} ignored", title);
            }
        }
    }

    #[test]
    fn a_unit_title_with_more_text_after_wan_yuan_is_refused_not_read_as_yuan() {
        for unit in [
            "万元整",
            "万元以上",
            "万元左右",
            "万元等",
            "万元数",
            "万元/年",
            "万元·公里",
            "万元-公里",
            "万元+公里",
            "万元|公里",
            "万元/公里数",
            "万元或元",
            "￥万元整",
            "yuan/km",
        ] {
            let title = format!("单位：{unit}");
            assert_eq!(
                stated(&title),
                Err(Unstated::Unread(unit.into())),
                "{title}"
            );
            assert_eq!(
                refusal(&title, None),
                Err(UnitProblem::Unread(title.clone(), unit.into()))
            );
        }
        // The flag is read only where it agrees with what the row writes.
        assert_eq!(
            refusal("单位：万元整", Some(Scale::Base)),
            Err(UnitProblem::FlagAgainstTitle(
                Scale::Base,
                "单位：万元整".into()
            ))
        );
        assert_eq!(
            refusal("单位：万元整", Some(Scale::Pow10(4)))
                .unwrap()
                .money,
            Some(Given {
                scale: Scale::Pow10(4),
                from: UnitFrom::Flag
            })
        );
        // A currency mark says the unit is money; a space inside 万元 is still 万元.
        for title in [
            "单位：￥万元",
            "单位：¥万元",
            "单位：RMB万元",
            "单位：万 元",
            "单位：亿 元",
        ] {
            let scale = if title.contains('亿') { 8 } else { 4 };
            assert_eq!(
                stated(title),
                Ok((Some(Scale::Pow10(scale)), None)),
                "{title}"
            );
        }
        assert_eq!(
            stated("单位：万 元、公里"),
            Ok((Some(Scale::Pow10(4)), Some(Scale::Base)))
        );
    }

    proptest! {
        /// A unit key and a unit, with any words after the unit, state that unit or are
        /// refused: never read as stating no unit.
        #[test]
        fn a_unit_with_any_text_after_it_is_read_as_that_unit_or_refused(
            key in prop::sample::select(vec!["", "金额", "计量", "本表"]),
            mark in prop::sample::select(vec!["", "￥", "¥", "人民币", "RMB"]),
            unit in prop::sample::select(vec!["元", "万元", "萬元", "亿元", "万", "yuan"]),
            after in "[\u{4e00}-\u{9fa5}a-zA-Z0-9/·+|\\-]{0,6}",
        ) {
            let title = format!("{key}单位：{mark}{unit}{after}");
            let scale = money_word(unit).unwrap();
            match refusal(&title, None) {
                Ok(units) => prop_assert_eq!(units.money.map(|g| g.scale), Some(scale), "{}", title),
                // (A word after it that may negate it, `元no`, refuses it as that.)
                Err(p) => prop_assert!(matches!(p, UnitProblem::Unread(..) | UnitProblem::Conflict(..) | UnitProblem::Negated(..)), "{}: {:?}", title, p),
            }
            // With a flag that contradicts the unit, the row is refused or its unit read; a
            // row that may negate its unit says nothing the flag contradicts, and the flag
            // says the unit.
            let negated = matches!(stated(&title), Err(Unstated::Negated(..)));
            if let Ok(units) = refusal(&title, Some(Scale::Pow10(12))) {
                let expected = if negated { Scale::Pow10(12) } else { scale };
                prop_assert_eq!(units.money.map(|g| g.scale), Some(expected), "{}", title);
            }
        }
    }

    #[test]
    fn a_ratio_colon_is_read_as_a_colon() {
        assert_eq!(stated("单位∶万元"), Ok((Some(Scale::Pow10(4)), None)));
    }

    proptest! {
        /// Whatever an organisation is called, even a name that starts with a unit, the line
        /// naming it states no unit.
        #[test]
        fn no_organisation_name_is_read_as_a_unit(
            key in prop::sample::select(vec!["填报", "建设", "报送", "编制", "制表", "申报", "實施"]),
            head in prop::sample::select(vec!["", "元", "万", "万元", "米", "公里", "千", "千米"]),
            name in "[\\u{4e00}-\\u{9fa5}]{0,8}",
            colon in prop::sample::select(vec!["：", ":", "∶", ""]),
        ) {
            let title = format!("{key}单位{colon}{head}{name}");
            prop_assert_eq!(stated(&title), Ok((None, None)));
            prop_assert_eq!(refusal(&title, None), Ok(TableUnits::default()));
        }

        /// Whatever a title says, a unit glued to its last word is refused, quoted as written,
        /// and the same unit after a space or in brackets is read.
        #[test]
        fn a_unit_glued_to_any_title_is_refused_and_read_once_separated(
            name in "[\\u{4e00}-\\u{9fa5}0-9]{0,8}",
            last in prop::sample::select(vec!["计划表", "明细表", "汇总表", "年度计划", "项目", "2018年"]),
            key in prop::sample::select(vec!["", "金额", "计量", "投资"]),
            colon in prop::sample::select(vec!["：", ":", "∶", ""]),
            unit in prop::sample::select(vec!["万元", "元", "萬元", "亿元"]),
        ) {
            // (A name holding a word that may negate a unit, `勿`, is refused as that.)
            prop_assume!(negation(&format!("{name}{last}")).is_none());
            let glued = format!("{key}单位{colon}{unit}");
            let title = format!("{name}{last}{glued}");
            prop_assert_eq!(
                refusal(&title, None),
                Err(UnitProblem::Glued(title.clone(), glued.clone()))
            );
            let scale = WORDS.iter().find(|(w, ..)| *w == unit).unwrap().2;
            for separated in [format!("{name}{last} {glued}"), format!("{name}{last}（{glued}）")] {
                prop_assert_eq!(stated(&separated), Ok((Some(scale), None)));
            }
        }
    }

    #[test]
    fn the_forms_offices_write_a_unit_in() {
        let wan = Some(Scale::Pow10(4));
        let km = Some(Scale::Base);
        assert_eq!(stated_ok("单位：万元"), (wan, None));
        assert_eq!(stated_ok("单位:万元"), (wan, None));
        assert_eq!(stated_ok("金额单位：元"), (Some(Scale::Base), None));
        assert_eq!(stated_ok("（单位：万元、公里）"), (wan, km));
        assert_eq!(
            stated_ok("安岳县2018年通村公路计划表 单位：万元，公里"),
            (wan, km)
        );
        assert_eq!(stated_ok("单位：米、万元"), (wan, Some(Scale::Pow10(-3))));
        assert_eq!(stated_ok("单位：万元 公里"), (wan, km));
        assert_eq!(stated_ok("单位（万元）"), (wan, None));
        assert_eq!(stated_ok("单位：万元 填报人：张三"), (wan, None));
        assert_eq!(stated_ok("长度单位：米"), (None, Some(Scale::Pow10(-3))));
        assert_eq!(stated_ok("填报单位：安岳县交通运输局"), (None, None));
        assert_eq!(
            stated("单位：元/公里"),
            Err(Unstated::Unread("元/公里".into()))
        );
        assert_eq!(stated_ok("安岳县2018年计划"), (None, None));
    }

    #[test]
    fn a_flag_that_contradicts_the_title_is_refused() {
        let titles = vec![vec!["单位：万元".to_string(), String::new()]];
        assert_eq!(
            table_units(&titles, Some(Scale::Base)),
            Err(UnitProblem::FlagAgainstTitle(
                Scale::Base,
                "单位：万元".into()
            ))
        );
        let agreed = table_units(&titles, Some(Scale::Pow10(4))).unwrap();
        assert_eq!(
            agreed.money.unwrap().from,
            UnitFrom::Title("单位：万元".into())
        );
        let two = vec![
            vec!["单位：万元".to_string()],
            vec!["金额单位：元".to_string()],
        ];
        assert_eq!(
            table_units(&two, None).unwrap_err().render(Lang::Zh),
            "表头上方的两行所写单位不同：“单位：万元”与“金额单位：元”；请只保留一种"
        );
    }

    /// English unit lines were passed over (`Unit: 10,000 yuan`: 120 万元 read as 120 yuan,
    /// status 0) or refused (`Unit: 万元`): read after an English key; a multiple roadsub does
    /// not read is refused; 万元's multiple elsewhere is a mention; an amount is nothing.
    #[test]
    fn a_unit_of_money_written_in_english_is_read_or_refused_never_passed_over() {
        let wan = Some(Scale::Pow10(4));
        for title in [
            "Unit: 10,000 yuan",
            "Unit: 10 000 yuan",
            "unit:10000 Yuan",
            "Units: ten thousand yuan",
            "Amounts in 10,000 yuan",
            "All amounts are shown in 10,000 RMB",
            "(in 10,000 yuan)",
            "Unit: RMB 10,000",
            "Unit: 10k yuan",
            "Unit: wan yuan",
            "Unit: 万元",
            "Road plan 2018 (Unit: 10,000 yuan)",
        ] {
            assert_eq!(stated(title), Ok((wan, None)), "{title}");
        }
        assert_eq!(
            stated("Amounts are in 100 million yuan"),
            Ok((Some(Scale::Pow10(8)), None))
        );
        assert_eq!(stated("Unit: yuan"), Ok((Some(Scale::Base), None)));
        for (title, unit) in [
            ("Unit: 1,000 yuan", "1,000 yuan"),
            ("Unit: thousand yuan", "thousand yuan"),
            ("Amounts in million yuan", "million yuan"),
        ] {
            assert_eq!(stated(title), Err(Unstated::Unread(unit.into())), "{title}");
        }
        assert_eq!(
            stated("Budget about 10,000 yuan"),
            Err(Unstated::Mentioned("10,000 yuan".into(), (None, None)))
        );
        for title in [
            "Total: 1,000 yuan",
            "Total 500,000 yuan",
            "Prepared by the Yuan family",
        ] {
            assert_eq!(stated(title), Ok((None, None)), "{title}");
        }
        assert_eq!(
            stated("Unit: 10,000 yuan; 单位：元"),
            Err(Unstated::Conflict(true, Scale::Base, Scale::Pow10(4)))
        );
    }

    /// Forms a review found refused or read wrong: an amount's label with a word before its
    /// bracket, the currency named before its unit in brackets, a quantity in English, the
    /// unit before a length's label; `单位：万元（元）` was read as 万元 alone.
    #[test]
    fn forms_a_review_found_refused_or_misread_are_read_or_refused() {
        let wan = Some(Scale::Pow10(4));
        for title in [
            "投资估算（万元）",
            "投资额（万元）",
            "预算（万元）",
            "概算：万元",
            "单位：人民币（万元）",
            "单位：RMB(万元)",
            "单位：万元（人民币）",
        ] {
            assert_eq!(stated(title), Ok((wan, None)), "{title}");
        }
        assert!(matches!(
            stated("预算500万元"),
            Err(Unstated::Mentioned(..))
        ));
        assert_eq!(
            stated("单位：万元（元）"),
            Err(Unstated::Conflict(true, Scale::Pow10(4), Scale::Base))
        );
        let metres = Some(Scale::Pow10(-3));
        for title in [
            "请按米填写长度",
            "用米填报长度",
            "长度按米填写",
            "长度：按米填写",
            "单位：万元 请按米填写长度",
        ] {
            assert_eq!(stated(title).map(|s| s.1), Ok(metres), "{title}");
        }
        assert_eq!(stated("以公里计的里程"), Ok((None, Some(Scale::Base))));
        for title in ["Total length: 12.5 km", "全长 12.5 公里", "米易县道路长度"] {
            let units = refusal(title, None).unwrap();
            assert_eq!(
                (units.length.map(|g| g.scale), units.length_mentioned),
                (None, None),
                "{title}"
            );
        }
    }

    proptest! {
        /// An English unit line in any of its forms (key, fillers, multiple, currency, its
        /// case) states the multiple it names, or is refused when roadsub does not read that
        /// multiple; without a key, 万元's and 亿元's multiples are mentions and the rest
        /// nothing: never a unit passed over.
        #[test]
        fn an_english_unit_line_is_read_refused_or_a_mention(
            key in prop::sample::select(vec!["Unit: ", "Units:", "UNIT = ", "Amounts in ", "All amounts are shown in ", "(in ", "Costs in ", ""]),
            multiple in prop::sample::select(vec![
                ("10,000 ", Some(Scale::Pow10(4))),
                ("10000 ", Some(Scale::Pow10(4))),
                ("Ten thousand ", Some(Scale::Pow10(4))),
                ("100 million ", Some(Scale::Pow10(8))),
                ("", Some(Scale::Base)),
                ("1,000 ", None),
                ("thousand ", None),
                ("Million ", None),
            ]),
            currency in prop::sample::select(vec!["yuan", "Yuan", "RMB", "cny"]),
            end in prop::sample::select(vec!["", ")", ".", "; prepared by the county"]),
        ) {
            let title = format!("Road plan {key}{}{currency}{end}", multiple.0);
            let got = stated(&title);
            match (key.is_empty(), multiple.1) {
                (false, Some(scale)) => prop_assert_eq!(got, Ok((Some(scale), None))),
                (false, None) => prop_assert!(matches!(got, Err(Unstated::Unread(_))), "{:?}", got),
                (true, Some(Scale::Pow10(_))) => {
                    prop_assert!(matches!(got, Err(Unstated::Mentioned(..))), "{:?}", got)
                }
                (true, _) => prop_assert_eq!(got, Ok((None, None))),
            }
        }
    }

    /// What a review of the English and before-the-label forms found: a unit stated beside
    /// words that may say the opposite (`请勿按米填写长度`, `Do not enter amounts in 10,000
    /// yuan`, `长度(米)已换算为公里`) was read as stated (lengths 1,000 times too small); English
    /// units not read (`Unit: 100,000 yuan`, `(RMB thousand)`, `Unit: USD 10,000`, `Unit:
    /// miles`, `Length in feet`) were passed over; `单位：万元（美元）` was read as 万元.
    /// Refused. `Unit: km`, `Lengths in metres`, `In 10,000 yuan`, `(10k RMB)` are read;
    /// a width's unit (`Width (m)`) is no length's.
    #[test]
    fn what_a_review_of_english_and_negated_units_found() {
        for (title, word) in [
            ("请勿按米填写长度", "勿"),
            ("不得用米填报长度", "不得"),
            ("用米填报长度的表格不予受理", "不予"),
            ("长度(米)已换算为公里", "换算"),
            ("Length (m) → km", "→"),
            ("Length unit: metre (converted to km)", "converted"),
            ("Do not enter amounts in 10,000 yuan", "not"),
            ("No amounts in 10,000 yuan", "No"),
        ] {
            assert!(
                matches!(stated(title), Err(Unstated::Negated(ref w, _)) if w == word),
                "{title}: {:?}",
                stated(title)
            );
        }
        assert_eq!(
            refusal("请勿按米填写长度", None).unwrap_err().render(Lang::En),
            "\"请勿按米填写长度\" above the header states a unit beside words that may say the opposite or another unit (勿), so which unit the numbers are in cannot be told; write the unit on a row of its own (单位：万元, 长度单位：米) or in the column's header (长度(米))"
        );
        assert_eq!(
            refusal("请勿按米填写长度", None).unwrap_err().render(Lang::Zh),
            "表头上方的“请勿按米填写长度”在写明单位的同时有可能意思相反或另指单位的词（勿），无法确定数字的单位；请单独一行写明单位（如“单位：万元”“长度单位：米”），或在列标题中注明单位（如“长度(米)”）"
        );
        // `No. 3` is a number's sign.
        assert_eq!(
            stated("Unit: 10,000 yuan (No. 3 plan)"),
            Ok((Some(Scale::Pow10(4)), None))
        );
        for (title, unit) in [
            ("Unit: 100,000 yuan", "100,000 yuan"),
            ("Unit: billion yuan", "billion yuan"),
            ("Unit: 10^4 yuan", "10^4 yuan"),
            ("(RMB thousand)", "RMB thousand"),
            ("Unit: USD 10,000", "USD 10,000"),
            ("Unit: miles", "miles"),
            ("Length in feet", "feet"),
            ("Unit: cm", "cm"),
            ("单位：万元（美元）", "万元（美元）"),
        ] {
            assert_eq!(stated(title), Err(Unstated::Unread(unit.into())), "{title}");
        }
        let wan = Some(Scale::Pow10(4));
        for title in [
            "In 10,000 yuan",
            "(10k RMB)",
            "Road plan (Unit: 10,000 yuan)",
            "单位 Unit：万元",
            "Unit/单位: 10,000 yuan",
            "单位：10,000 yuan",
            "(单位：万元 / Unit: 10,000 yuan)",
        ] {
            assert_eq!(stated(title), Ok((wan, None)), "{title}");
        }
        assert_eq!(stated("Unit: km"), Ok((None, Some(Scale::Base))));
        assert_eq!(
            stated("长度单位 Length unit: 米 (m)"),
            Ok((None, Some(Scale::Pow10(-3))))
        );
        assert_eq!(
            stated("单位：USD 10,000"),
            Err(Unstated::Unread("USD 10,000".into()))
        );
        assert_eq!(
            stated("Lengths in metres"),
            Ok((None, Some(Scale::Pow10(-3))))
        );
        // `Unit: m` beside money's key is 米 shared with money, as `单位：米` is.
        let shared = refusal("Unit: m", None).unwrap();
        assert_eq!(shared.shared_metres(), Some("Unit: m"));
        for title in [
            "Width (m)",
            "Width unit: m",
            "Reporting unit: Transport Bureau",
        ] {
            let units = refusal(title, None).unwrap();
            assert_eq!(
                (
                    units.money.is_none(),
                    units.length.is_none(),
                    units.length_mentioned
                ),
                (true, true, None),
                "{title}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Any row of unit words, keys, separators and other words, Chinese and English
        /// mixed, is read or refused, never the end of the run: `单位 Unit：万元` ended it
        /// (a byte index inside 位).
        #[test]
        fn any_mix_of_unit_words_is_read_or_refused_without_a_panic(
            parts in prop::collection::vec(prop::sample::select(vec![
                "单位", "單位", "：", ":", "unit", "Unit", "units", "in ", "In ", "(", ")", "（",
                "）", "10,000", "10 000", "yuan", "RMB", "万元", "万", "元", "米", "m", "km",
                "公里", "length", "Length", "长度", "宽度", "width", " ", "/", "；", ";", "→",
                "not", "No.", "请勿", "按", "填写", "é", "人民币", "amounts", "以", "计", "注：",
                "Total", "12.5", "ft", "、", "金额", "投资估算", "=", "—", "\u{3000}",
            ]), 0..12),
        ) {
            let title: String = parts.concat();
            let _ = stated(&title);
            let _ = table_units(&[vec![title.clone()]], None);
            let _ = table_units(&[vec![title]], Some(Scale::Pow10(4)));
        }
    }

    /// What a second review found: a unit said to be old, former or abolished (`Old unit:
    /// 10,000 yuan`, `长度单位：米（旧），公里（新）`, `单位：万元（已废止），现用元`) was read as
    /// the unit; refused. Harmless English words on a unit line (`not including tax`, `no
    /// VAT`, `No. 3`, `Township: Tianma`) and a width's unit after a length's (`Length in km,
    /// width in m`) no longer refuse it; a place named with 旧 (旧县镇) is no negation.
    #[test]
    fn what_a_second_review_of_unit_lines_found() {
        for title in [
            "Old unit: 10,000 yuan",
            "Previous unit: 10,000 yuan",
            "Former unit: 10,000 yuan",
            "Old length unit: metres",
            "Length unit (old): metres",
            "Lengths in metres (old), km (new)",
            "长度单位：米（旧），公里（新）",
            "单位：万元（已废止），现用元",
            "单位：万元（去年），今年元",
            "请按米填写长度（已作废），现按公里",
        ] {
            assert!(
                matches!(stated(title), Err(Unstated::Negated(..))),
                "{title}: {:?}",
                stated(title)
            );
        }
        let wan = Some(Scale::Pow10(4));
        for title in [
            "Unit: 10,000 yuan, not including tax",
            "Unit: 10,000 yuan (no decimals)",
            "Unit: 10,000 yuan; Note: no VAT",
            "Unit: 10,000 yuan, Township: Tianma",
            "单位：万元 No. 3",
            "单位：万元 旧县镇交通所",
        ] {
            assert_eq!(stated(title), Ok((wan, None)), "{title}");
        }
        for title in [
            "Length in km, width in m",
            "Lengths in km, widths in metres",
        ] {
            assert_eq!(stated(title), Ok((None, Some(Scale::Base))), "{title}");
        }
    }
}
