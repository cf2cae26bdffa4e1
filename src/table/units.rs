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

/// The units a title or note row states (`单位：万元`, `金额单位：元`, `（单位：万元、公里）`,
/// `单位:万元`), if it states any. A `单位` followed by no unit word (`填报单位：某某县交通局`,
/// a reporting office) states none.
pub fn stated(text: &str) -> Stated {
    let normal = normalize_width_forms(text);
    let mut money = None;
    let mut length = None;
    for (at, _) in normal
        .match_indices("单位")
        .chain(normal.match_indices("單位"))
    {
        let before = &normal[..at];
        let only_money = before.ends_with("金额") || before.ends_with("金額");
        let only_length = before.ends_with("长度") || before.ends_with("里程");
        let mut rest = normal[at + "单位".len()..].trim_start();
        rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
        let mut found: Stated = (None, None);
        while let Some(&(word, is_money, scale)) = WORDS
            .iter()
            .find(|(w, ..)| rest.to_ascii_lowercase().starts_with(w))
        {
            let after = &rest[word.len()..];
            // `元/公里` is a rate, not two units.
            let ends = after.is_empty()
                || after.starts_with([')', '、', ',', ';', ' ', '。', '，', '；'])
                || after.starts_with(char::is_alphanumeric)
                    && !after.starts_with(|c: char| c.is_ascii());
            if !ends {
                found = (None, None);
                break;
            }
            let slot = if is_money { &mut found.0 } else { &mut found.1 };
            if slot.is_some() {
                found = (None, None);
                break;
            }
            *slot = Some(scale);
            rest = after.trim_start_matches(['、', ',', ';', ' ', '，', '；']);
        }
        if only_money {
            found.1 = None;
        }
        if only_length {
            found.0 = None;
        }
        money = money.or(found.0);
        length = length.or(found.1);
    }
    (money, length)
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
        let (money, length) = stated(&text);
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
                lang.pick(" · amounts in ", " · 表中金额："),
                money_name(g.scale, lang)
            );
        }
        if let Some(g) = &self.length {
            out += &format!(
                "{}{}",
                lang.pick(" · lengths in ", " · 表中长度："),
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

    #[test]
    fn the_forms_offices_write_a_unit_in() {
        let wan = Some(Scale::Pow10(4));
        let km = Some(Scale::Base);
        assert_eq!(stated("单位：万元"), (wan, None));
        assert_eq!(stated("单位:万元"), (wan, None));
        assert_eq!(stated("金额单位：元"), (Some(Scale::Base), None));
        assert_eq!(stated("（单位：万元、公里）"), (wan, km));
        assert_eq!(
            stated("安岳县2018年通村公路计划表 单位：万元，公里"),
            (wan, km)
        );
        assert_eq!(stated("单位：米、万元"), (wan, Some(Scale::Pow10(-3))));
        assert_eq!(stated("长度单位：米"), (None, Some(Scale::Pow10(-3))));
        assert_eq!(stated("填报单位：安岳县交通运输局"), (None, None));
        assert_eq!(stated("单位：元/公里"), (None, None));
        assert_eq!(stated("安岳县2018年计划"), (None, None));
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
