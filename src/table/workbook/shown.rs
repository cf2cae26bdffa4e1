//! Units a cell's number format shows beside its number.
//!
//! A workbook may hold 850 in a cell whose number format is `0"米"`: Excel, WPS and
//! LibreOffice show 850米, and that is what the person who typed it means. Read as its bare
//! value the cell would be 850 km (or 10 yuan for `0.00"万元"` on 10), a plausible wrong
//! number. So a number shown with a unit of length or money is read as it is shown: its
//! value with that unit (`850米`, `10万元`), which every column's parser reads as a cell
//! written that way in a CSV. A format that scales or shifts the number it shows
//! (`0!.0000"万元"` shows 123456 as 12.3456万元, `0.0,"千米"`, a percentage) and names a
//! unit leaves the value's own unit unknown: such a cell refuses the sheet
//! ([`Shown::Scaled`]). Words that name no length or money (`0"户"`, `"LD-"000`) change
//! nothing.

/// What a number format shows of a unit beside a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shown {
    /// A unit shown beside the number as it is (`米`, `万元`, `km`, `元/公里`): the number
    /// is in it.
    Unit(Box<str>),
    /// A unit shown beside a number the format scales or shifts: what the value is in
    /// cannot be told.
    Scaled,
}

/// What a number format shows of a unit, for a positive number, a negative one and zero
/// (its sections, as spreadsheet programs choose among them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShownUnits {
    /// The format's code, as written.
    code: Box<str>,
    positive: Option<Shown>,
    negative: Option<Shown>,
    zero: Option<Shown>,
}

impl ShownUnits {
    /// The format's code, as written (`0"米"`).
    pub(crate) fn code(&self) -> &str {
        &self.code
    }

    /// What the format shows of a unit beside `value`.
    pub(crate) fn beside(&self, value: f64) -> Option<&Shown> {
        if value > 0.0 {
            self.positive.as_ref()
        } else if value < 0.0 {
            self.negative.as_ref()
        } else {
            self.zero.as_ref()
        }
    }
}

/// What the number format `code` shows of a unit, or `None` when it shows none (the most
/// formats by far: `General`, `0.00`, `#,##0`, `"¥"#,##0.00`, dates).
pub(crate) fn shown_units(code: &str) -> Option<Box<ShownUnits>> {
    let sections = split_sections(code);
    let conditional = sections.iter().any(|s| has_condition(s));
    let shown: Vec<Option<Shown>> = sections.iter().take(3).map(|s| section(s)).collect();
    if shown.iter().all(Option::is_none) {
        return None;
    }
    let units = if conditional {
        // Sections chosen by conditions (`[>=1000]0.0,"千米";0"米"`): one unit shown by
        // each, else the value's unit cannot be told.
        let first = shown[0].clone();
        let same = shown.iter().all(|s| *s == first);
        let one = if same { first } else { Some(Shown::Scaled) };
        ShownUnits {
            code: code.into(),
            positive: one.clone(),
            negative: one.clone(),
            zero: one,
        }
    } else {
        let at = |i: usize| shown.get(i).cloned().flatten();
        match shown.len() {
            1 => ShownUnits {
                code: code.into(),
                positive: at(0),
                negative: at(0),
                zero: at(0),
            },
            2 => ShownUnits {
                code: code.into(),
                positive: at(0),
                negative: at(1),
                zero: at(0),
            },
            _ => ShownUnits {
                code: code.into(),
                positive: at(0),
                negative: at(1),
                zero: at(2),
            },
        }
    };
    Some(Box::new(units))
}

/// The sections of a format, split at each `;` that is not quoted, escaped or bracketed.
fn split_sections(code: &str) -> Vec<&str> {
    let mut sections = Vec::new();
    let mut start = 0;
    let mut chars = code.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                for (_, q) in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '!' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                for (_, b) in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                }
            }
            ';' => {
                sections.push(&code[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    sections.push(&code[start..]);
    sections
}

/// Whether a section is chosen by a condition (`[>=1000]`).
fn has_condition(section: &str) -> bool {
    let mut rest = section;
    while let Some(at) = rest.find('[') {
        rest = &rest[at + 1..];
        if rest.starts_with(['<', '>', '=']) {
            return true;
        }
    }
    false
}

/// What one section of a format shows of a unit.
fn section(section: &str) -> Option<Shown> {
    let chars: Vec<char> = section.chars().collect();
    let mut words = String::new();
    let mut scaled = false;
    // A digit placeholder seen, and a literal dot or digit after one (shifting the digits
    // shown, as `0!.0000` does, when a placeholder follows).
    let mut placeholder = false;
    let mut literal_digit_after = false;
    let literal = |c: char, words: &mut String, placeholder: bool, after: &mut bool| {
        if placeholder && (c == '.' || c.is_ascii_digit()) {
            *after = true;
        }
        words.push(c);
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '"' => {
                while i < chars.len() && chars[i] != '"' {
                    literal(chars[i], &mut words, placeholder, &mut literal_digit_after);
                    i += 1;
                }
                i += 1;
            }
            '\\' | '!' => {
                if let Some(&next) = chars.get(i) {
                    literal(next, &mut words, placeholder, &mut literal_digit_after);
                }
                i += 1;
            }
            // Room for a character, and a character repeated to fill the cell: shown as
            // space or filler, never a word.
            '_' | '*' => i += 1,
            '[' => {
                let end = chars[i..]
                    .iter()
                    .position(|&b| b == ']')
                    .map_or(chars.len(), |p| i + p);
                let inside: String = chars[i..end].iter().collect();
                // `[$元-804]`: a currency's text, shown; colours, conditions, locales and
                // numeral systems (`[DBNum1]`) are not.
                if let Some(currency) = inside.strip_prefix('$') {
                    words.push_str(currency.split('-').next().unwrap_or(""));
                }
                i = end + 1;
            }
            '0' | '#' | '?' => {
                if literal_digit_after {
                    scaled = true;
                }
                placeholder = true;
            }
            ',' => {
                // A thousands separator stands between placeholders; any other comma
                // after a number divides it by 1,000.
                let next_placeholder = matches!(chars.get(i), Some('0' | '#' | '?'));
                if placeholder && !next_placeholder {
                    scaled = true;
                }
            }
            '%' => scaled = true,
            'E' | 'e' if matches!(chars.get(i), Some('+' | '-')) => {
                scaled = true;
                i += 1;
            }
            '.' | '/' | '@' => {}
            'G' | 'g' if starts_general(&chars[i - 1..]) => {
                placeholder = true;
                i += "General".len() - 1;
            }
            other => words.push(other),
        }
    }
    let word: String = words
        .chars()
        .filter(|c| !c.is_whitespace() && !IGNORED.contains(*c))
        .collect();
    if word.is_empty() || !names_a_unit(&word) {
        return None;
    }
    Some(if scaled {
        Shown::Scaled
    } else {
        Shown::Unit(word.into())
    })
}

/// Characters shown beside a number that name no unit: currency signs (the money columns'
/// yuan, or the unit a header names) and punctuation.
const IGNORED: &str = "¥￥$€£()（）+-:：^'{}<>=~&,，.。·\u{3000}";

fn starts_general(chars: &[char]) -> bool {
    chars.len() >= 7
        && chars[..7]
            .iter()
            .zip("general".chars())
            .all(|(a, b)| a.to_ascii_lowercase() == b)
}

/// Whether a word shown beside a number names a unit of length or money (or looks like one
/// that is not read: `延米`, `mm`, `千元`, which the columns' parsers then refuse).
fn names_a_unit(word: &str) -> bool {
    const CJK: &[char] = &[
        '米', '元', '万', '萬', '亿', '億', '里', '尺', '丈', '圆', '㎞', '㎜', '㎝', '㎡',
    ];
    if word.contains(CJK) {
        return true;
    }
    let lower = word.to_ascii_lowercase();
    let lower = lower.split('/').next().unwrap_or("");
    matches!(
        lower,
        "m" | "km"
            | "mm"
            | "cm"
            | "dm"
            | "meter"
            | "meters"
            | "metre"
            | "metres"
            | "kilometer"
            | "kilometers"
            | "kilometre"
            | "kilometres"
            | "yuan"
            | "rmb"
            | "cny"
            | "w"
            | "wan"
    )
}

/// The format `code` when it shows a unit beside numbers (dates aside): what a workbook
/// whose cells' formats cannot be told apart is refused for.
pub(crate) fn code_shows_unit(code: &str) -> Option<&str> {
    if super::quick::shows_date(code) {
        return None;
    }
    shown_units(code).map(|_| code)
}

/// The words of a number style (an .ods's texts beside the number) when they name a unit.
pub(crate) fn words_name_unit(words: &str) -> bool {
    let word: String = words
        .chars()
        .filter(|c| !c.is_whitespace() && !IGNORED.contains(*c))
        .collect();
    !word.is_empty() && names_a_unit(&word)
}

/// Writes the unit `shown` beside the number already written onto `out`: `Err` when the
/// number's unit cannot be told ([`Shown::Scaled`]).
pub(crate) fn push_shown(shown: Option<&Shown>, out: &mut String) -> Result<(), ()> {
    match shown {
        None => Ok(()),
        Some(Shown::Unit(word)) => {
            out.push_str(word);
            Ok(())
        }
        Some(Shown::Scaled) => Err(()),
    }
}

/// The units each of a workbook's cell styles shows (by style number), from each style's
/// number format code; empty when none shows any, which is most workbooks.
pub(crate) fn style_units<'a>(
    codes: impl IntoIterator<Item = Option<&'a str>>,
) -> Vec<Option<Box<ShownUnits>>> {
    let units: Vec<Option<Box<ShownUnits>>> = codes
        .into_iter()
        .map(|code| code.and_then(shown_units))
        .collect();
    if units.iter().all(Option::is_none) {
        Vec::new()
    } else {
        units
    }
}

/// The units each style of calamine's palette shows (see [`style_units`]).
pub(crate) fn palette_units(styles: &[calamine::Style]) -> Vec<Option<Box<ShownUnits>>> {
    style_units(
        styles
            .iter()
            .map(|s| s.number_format.as_ref().map(|f| f.format_code.as_str())),
    )
}

/// What `units` (a cell's style's) shows of a unit beside calamine's value of the cell: a
/// number's (a date, a text or an error shows none).
pub(crate) fn beside_value<'a>(
    value: &calamine::DataRef<'_>,
    units: Option<&'a ShownUnits>,
) -> Option<&'a Shown> {
    let units = units?;
    match value {
        calamine::DataRef::Float(f) => units.beside(*f),
        calamine::DataRef::Int(i) => units.beside(*i as f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str) -> Option<Shown> {
        shown_units(code).and_then(|u| u.beside(1.0).cloned())
    }

    fn word(w: &str) -> Option<Shown> {
        Some(Shown::Unit(w.into()))
    }

    #[test]
    fn a_unit_shown_beside_the_number_is_its_unit() {
        assert_eq!(unit(r#"0"米""#), word("米"));
        assert_eq!(unit(r#"0.00"万元""#), word("万元"));
        assert_eq!(unit(r#"#,##0.00" 万元""#), word("万元"));
        assert_eq!(unit(r#"0.000"公里""#), word("公里"));
        assert_eq!(unit(r#"0.0" km""#), word("km"));
        assert_eq!(unit(r#"0\m"#), word("m"));
        assert_eq!(unit("0米"), word("米"));
        assert_eq!(unit("0!米"), word("米"));
        assert_eq!(unit(r#"General"米""#), word("米"));
        assert_eq!(unit(r#"#,##0"元/公里""#), word("元/公里"));
        assert_eq!(unit(r#"#,##0.00[$元-804]"#), word("元"));
        assert_eq!(unit(r#"[DBNum1]0"米""#), word("米"));
        assert_eq!(unit(r#"[Red]0.00"万元";[Blue]-0.00"万元""#), word("万元"));
        // Units not read are shown, for the parsers to refuse.
        assert_eq!(unit(r#"0"延米""#), word("延米"));
        assert_eq!(unit(r#"0"mm""#), word("mm"));
        assert_eq!(unit(r#"0.0"千元""#), word("千元"));
    }

    #[test]
    fn formats_showing_no_unit_show_none() {
        for code in [
            "General",
            "0",
            "0.00",
            "#,##0",
            "#,##0.00_);(#,##0.00)",
            r##""¥"#,##0.00"##,
            r#"￥#,##0.00;￥-#,##0.00"#,
            r#"[$¥-804]#,##0.00"#,
            r#"_-* #,##0.00_-;\-* #,##0.00_-;_-* "-"??_-;_-@_-"#,
            "0%",
            "0.00E+00",
            r#"0"户""#,
            r#""LD-"000"#,
            r#""K"0"+"000"#,
            r#"0"人""#,
            "# ?/?",
            "@",
        ] {
            assert_eq!(shown_units(code), None, "{code}");
        }
    }

    #[test]
    fn a_unit_beside_a_scaled_number_cannot_be_told() {
        for code in [
            r#"0!.0000"万元""#,
            r#"0\.0000"万元""#,
            r#"0"."0000"万元""#,
            r#"0.0,"千米""#,
            r#"#,##0,"千元""#,
            r#"0.00,,"百万元""#,
            r#"0%"米""#,
            r#"0.00E+00"米""#,
        ] {
            assert_eq!(unit(code), Some(Shown::Scaled), "{code}");
        }
    }

    #[test]
    fn the_section_shown_is_the_values() {
        let units = shown_units(r#"0"米";-0"米";"-""#).unwrap();
        assert_eq!(units.beside(5.0), word("米").as_ref());
        assert_eq!(units.beside(-5.0), word("米").as_ref());
        assert_eq!(units.beside(0.0), None);
        let two = shown_units(r#"0"米";"欠"0"#).unwrap();
        assert_eq!(two.beside(0.0), word("米").as_ref());
        assert_eq!(two.beside(-1.0), None);
        // Sections chosen by conditions, showing different units: unknown for every value.
        let cond = shown_units(r#"[>=1000]0.0,"千米";0"米""#).unwrap();
        assert_eq!(cond.beside(5.0), Some(&Shown::Scaled));
        let same = shown_units(r#"[>=1000]#,##0"米";0"米""#).unwrap();
        assert_eq!(same.beside(5.0), word("米").as_ref());
    }

    #[test]
    fn a_workbook_without_units_shown_has_no_list() {
        assert!(style_units([None, Some("0.00"), Some("General")]).is_empty());
        let units = style_units([None, Some(r#"0"米""#)]);
        assert_eq!(units.len(), 2);
        assert!(units[0].is_none() && units[1].is_some());
    }
}
