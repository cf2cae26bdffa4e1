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
}

/// The words a unit is written in, longest first, with what they mean: money or length.
const WORDS: [(&str, bool, Scale); 9] = [
    ("万元", true, Scale::Pow10(4)),
    ("萬元", true, Scale::Pow10(4)),
    ("亿元", true, Scale::Pow10(8)),
    ("億元", true, Scale::Pow10(8)),
    ("公里", false, Scale::Base),
    ("千米", false, Scale::Base),
    ("km", false, Scale::Base),
    ("元", true, Scale::Base),
    ("米", false, Scale::Pow10(-3)),
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
    matches!(c, '、' | ',' | ';' | ')' | '。' | '】' | ']' | '〕') || c.is_whitespace()
}

/// Whether a token no unit word matches is still written like a unit (`千元`, `万`, `万元/公里`,
/// `美元`), so that it must be refused rather than passed over as a name.
fn unit_like(token: &str) -> bool {
    token.chars().count() <= 6
        && token.chars().all(|c| {
            c.is_ascii_alphabetic()
                || "/元万萬亿億千百十米公里厘分毫方平立吨噸个個户戶人美港欧歐日英镑鎊币幣每"
                    .contains(c)
        })
}

/// The units a title or note row states (`单位：万元`, `金额单位：元`, `（单位：万元、公里）`,
/// `单位:万元`, `单位∶万元`), if it states any; a unit counts only as a whole token after a unit
/// key. `Err` carries a unit written there that roadsub does not read (`千元`, `万`,
/// `万元/公里`): it must be refused, since reading the numbers in yuan would be a guess; so is a
/// unit glued to a title (`…计划表单位：万元`). A `单位` of an organisation
/// (`填报单位：某某县交通局`) states none.
pub fn stated(text: &str) -> Result<Stated, Unstated> {
    let normal = normalize_width_forms(text).replace('\u{2236}', ":");
    let mut money = None;
    let mut length = None;
    for (at, _) in normal
        .match_indices("单位")
        .chain(normal.match_indices("單位"))
    {
        // The key: the letters just before `单位`, back to a space or a punctuation mark.
        let before = &normal[..at];
        let key_start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let key = &before[key_start..];
        let own = OWN_TABLE
            .iter()
            .find_map(|w| key.strip_prefix(w))
            .unwrap_or(key);
        // A key not known is an organisation's, or a title's last words glued to a unit key:
        // only what follows can tell, below.
        let (glued, for_money, for_length) = match KEYS.iter().find(|(k, ..)| *k == own) {
            Some(&(_, m, l)) => (false, m, l),
            None if ORGANISATION.iter().any(|w| key.ends_with(w)) => continue,
            None => (true, true, true),
        };
        let mut rest = normal[at + "单位".len()..].trim_start();
        // `单位：万元`, and `单位（万元）` too.
        rest = rest
            .strip_prefix([':', '(', '[', '【', '〔'])
            .unwrap_or(rest)
            .trim_start();
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
        loop {
            let len = rest.find(ends_token).unwrap_or(rest.len());
            let token = &rest[..len];
            if token.is_empty() {
                break;
            }
            let word = WORDS.iter().find(|(w, ..)| token.eq_ignore_ascii_case(w));
            match word {
                Some(&(_, is_money, scale)) => {
                    let slot = if is_money { &mut found.0 } else { &mut found.1 };
                    if slot.is_some_and(|s| s != scale) {
                        return Err(Unstated::Unread(token.to_string()));
                    }
                    *slot = Some(scale);
                    end = normal.len() - rest.len() + len;
                }
                // The first token is a name (`单位：米易县交通局`): no unit is stated.
                None if !unit_like(token) => break,
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
        if !for_length {
            found.1 = None;
        }
        if !for_money {
            found.0 = None;
        }
        money = money.or(found.0);
        length = length.or(found.1);
    }
    Ok((money, length))
}

/// The bytes `start..end` of `normal` as `text` wrote them (full-width colons and all):
/// normalising maps each character to one character.
fn as_written(text: &str, normal: &str, start: usize, end: usize) -> String {
    let first = normal[..start].chars().count();
    let count = normal[start..end].chars().count();
    text.chars().skip(first).take(count).collect()
}

/// The units of a table: from the rows above its header (each with its fields), then
/// `--amount-unit` (`flag`), which must agree with a title that states a unit of money.
pub fn table_units(titles: &[Vec<String>], flag: Option<Scale>) -> Result<TableUnits, UnitProblem> {
    let mut units = TableUnits::default();
    for row in titles {
        let text = row
            .iter()
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let (money, length) = match stated(&text) {
            Ok(units) => units,
            // The flag says the unit; the row's own is then not read.
            Err(_) if flag.is_some() => (None, None),
            Err(Unstated::Unread(unit)) => return Err(UnitProblem::Unread(text, unit)),
            Err(Unstated::Glued(unit, _)) => return Err(UnitProblem::Glued(text, unit)),
        };
        for (slot, scale) in [(&mut units.money, money), (&mut units.length, length)] {
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
    Ok(units)
}

/// A unit of money by name, as `--amount-unit` takes it.
pub fn money_unit(name: &str) -> Option<Scale> {
    match name {
        "元" | "yuan" => Some(Scale::Base),
        "万元" | "wan" => Some(Scale::Pow10(4)),
        _ => None,
    }
}

/// The name of a unit of money.
pub fn money_name(scale: Scale, lang: Lang) -> &'static str {
    match scale {
        Scale::Pow10(4) => "万元",
        Scale::Pow10(8) => "亿元",
        _ => lang.pick("yuan", "元"),
    }
}

fn length_name(scale: Scale, lang: Lang) -> &'static str {
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
                "{}{}{}{}",
                lang.pick("Amounts in the table read in ", "表中金额按"),
                money_name(g.scale, lang),
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
            (UnitProblem::Unread(t, unit), Lang::En) => format!(
                "\"{t}\" above the header names a unit roadsub does not read ({unit}; it reads 元, 万元, 公里, 米); give --amount-unit or correct the sheet"
            ),
            (UnitProblem::Unread(t, unit), Lang::Zh) => format!(
                "表头上方的“{t}”所写单位无法读取（{unit}；可读：元、万元、公里、米）；请给出 --amount-unit 或改正表格"
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
            "单位：万元村委会",
        ] {
            assert_eq!(stated(title), Ok((None, None)), "{title}");
        }
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
            ("单位：万", "万"),
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
            "\"单位：千元\" above the header names a unit roadsub does not read (千元; it reads 元, 万元, 公里, 米); give --amount-unit or correct the sheet"
        );
        assert_eq!(
            refusal("单位：千元", None).unwrap_err().render(Lang::Zh),
            "表头上方的“单位：千元”所写单位无法读取（千元；可读：元、万元、公里、米）；请给出 --amount-unit 或改正表格"
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
            "计划表单位：万元村",
        ] {
            assert_eq!(stated(title), Ok((None, None)), "{title}");
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
}
