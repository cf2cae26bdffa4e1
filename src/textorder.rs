//! The order people expect names in: Chinese in pinyin order, as a county office's lists are,
//! not in code-point order (where 元坝 comes before 兴隆 and 华严 for no reason a reader sees).
//!
//! A name is read segment by segment: a run of digits by its numeric value (示例村2 before
//! 示例村10), then Latin letters and other signs case-insensitively, then Chinese characters
//! by pinyin (digits, then letters, then Chinese, as office spreadsheets sort). Where two names
//! read the same, the tones decide (妈 ma1 before 马 ma3; the neutral tone after the fourth),
//! then the characters themselves, so two different names never compare equal: the order is
//! total and consistent with equality, and a sort is stable across runs.
//!
//! Ordering is for output: a [`Key`] is made once per group when a report is written, and
//! once per distinct cell when the table view sorts a text column.

use std::cmp::Ordering;

use pinyin::ToPinyin;

/// What a name is ordered by; compare two keys to compare their names.
///
/// The key is one string of bytes whose plain (lexicographic) order is the order above: each
/// segment's reading (a number, a sign or a syllable, tagged in that order), then the tones,
/// then the name's characters, with a 0 closing each part that can be a prefix of another. A
/// table sorts by a million of these, so one is built in one allocation, not one per
/// character ([`write_key`] builds it into a buffer of the caller's).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key(Box<[u8]>);

/// Tags of the readings, in the order they sort; 0 (below them) ends a part.
const END: u8 = 0;
const NUMBER: u8 = 1;
const SIGN: u8 = 2;
const SYLLABLE: u8 = 3;

impl Key {
    /// The key of `text`.
    pub fn of(text: &str) -> Key {
        let mut key = Vec::with_capacity(text.len() * 2 + 8);
        write_key(text, &mut key);
        Key(key.into_boxed_slice())
    }
}

/// Appends the bytes of [`Key::of`]`(text)` to `out`: two such byte strings compare as the
/// keys do.
pub fn write_key(text: &str, out: &mut Vec<u8>) {
    thread_local! {
        static TONES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    TONES.with_borrow_mut(|tones| {
        tones.clear();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if let Some(d) = digit(c) {
                // A run of digits: how many significant digits (four bytes, high first), then
                // those digits, so runs compare as the numbers they write.
                out.push(NUMBER);
                let count_at = out.len();
                out.extend_from_slice(&[0; 4]);
                let mut significant = d != '0';
                if significant {
                    out.push(d as u8);
                }
                while let Some(d) = chars.peek().copied().and_then(digit) {
                    chars.next();
                    significant |= d != '0';
                    if significant {
                        out.push(d as u8);
                    }
                }
                let count = u32::try_from(out.len() - count_at - 4).unwrap_or(u32::MAX);
                out[count_at..count_at + 4].copy_from_slice(&count.to_be_bytes());
            } else if let Some((syllable, t)) = reading(c) {
                out.push(SYLLABLE);
                escaped(syllable, out);
                out.push(END);
                tones.push(t);
            } else {
                out.push(SIGN);
                let mut utf8 = [0; 4];
                for lower in c.to_lowercase() {
                    escaped(lower.encode_utf8(&mut utf8), out);
                }
                out.push(END);
            }
        }
        out.push(END);
        out.extend_from_slice(tones);
        out.push(END);
        escaped(text, out);
    })
}

/// Appends `text`'s UTF-8 bytes (whose order is that of the characters) with bytes 0 and 1
/// written as 1 1 and 1 2: in the same order, and never a 0, which ends a part.
fn escaped(text: &str, out: &mut Vec<u8>) {
    for &b in text.as_bytes() {
        match b {
            0 | 1 => out.extend_from_slice(&[1, b + 1]),
            _ => out.push(b),
        }
    }
}

/// `c` as an ASCII digit, when it is one in ASCII or full width (０–９, as typed in Chinese).
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
        _ => None,
    }
}

/// How a Chinese character reads in a name: its syllable and tone.
///
/// A dictionary's first reading is the common word's, and some characters read otherwise in
/// the names of places and families that townships and villages bear: 长沙 and 长宁 are
/// cháng, not zhǎng; 重庆 is chóng; 曾家 and 单家 are the families zēng and shàn; 成都 is dū.
/// Those characters are read as in names, so 长宁 comes before 朝阳 and 重庆 after it, as an
/// office's list has them.
fn reading(c: char) -> Option<(&'static str, u8)> {
    let in_names = match c {
        '长' | '長' => ("chang", 2),
        '重' => ("chong", 2),
        '曾' => ("zeng", 1),
        '都' => ("du", 1),
        '厦' | '廈' => ("xia", 4),
        '单' | '單' => ("shan", 4),
        '解' => ("xie", 4),
        '查' => ("zha", 1),
        '翟' => ("zhai", 2),
        '仇' => ("qiu", 2),
        '缪' | '繆' => ("miao", 4),
        _ => {
            let p = c.to_pinyin()?;
            return Some((p.plain(), tone(p.with_tone_num_end())));
        }
    };
    Some(in_names)
}

/// The tone of a syllable written with its number at the end (`ma3`); the neutral tone, which
/// has none, after the fourth.
fn tone(syllable: &str) -> u8 {
    match syllable.bytes().last() {
        Some(b @ b'1'..=b'4') => b - b'0',
        _ => 5,
    }
}

/// How `a` and `b` are ordered for people (see the module's comment).
pub fn compare(a: &str, b: &str) -> Ordering {
    Key::of(a).cmp(&Key::of(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The order as first written, one value per segment (each a string of its own): the
    /// reference the one-sequence key must agree with.
    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
    struct Reference {
        reads: Vec<Reading>,
        tones: Vec<u8>,
        text: String,
    }

    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
    enum Reading {
        Number { digits: usize, value: String },
        Sign(String),
        Syllable(&'static str),
    }

    fn reference(text: &str) -> Reference {
        let mut reads = Vec::new();
        let mut tones = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if let Some(d) = digit(c) {
                let mut value = String::new();
                value.push(d);
                while let Some(d) = chars.peek().copied().and_then(digit) {
                    value.push(d);
                    chars.next();
                }
                let value = value.trim_start_matches('0').to_string();
                reads.push(Reading::Number {
                    digits: value.len(),
                    value,
                });
            } else if let Some((syllable, t)) = reading(c) {
                reads.push(Reading::Syllable(syllable));
                tones.push(t);
            } else {
                reads.push(Reading::Sign(c.to_lowercase().collect()));
            }
        }
        Reference {
            reads,
            tones,
            text: text.to_string(),
        }
    }

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by_cached_key(|s| Key::of(s));
        v
    }

    #[test]
    fn chinese_names_sort_by_pinyin_not_by_code_point() {
        assert_eq!(
            sorted(&["元坝", "兴隆", "华严", "石羊", "安岳"]),
            ["安岳", "华严", "石羊", "兴隆", "元坝"]
        );
    }

    #[test]
    fn place_names_with_characters_of_two_readings_sorted_by_the_common_words_reading() {
        // 长 zhǎng, 重 zhòng and 曾 céng put 长宁 after 大竹, 重庆 after 岳阳 and 曾家 before
        // 朝阳; in names they read cháng, chóng and zēng.
        assert_eq!(
            sorted(&[
                "大竹镇",
                "重庆镇",
                "长宁镇",
                "北京镇",
                "曾家镇",
                "朝阳镇",
                "岳阳镇",
                "长河镇",
                "重阳乡",
                "宝华乡",
                "成都村"
            ]),
            [
                "宝华乡",
                "北京镇",
                "长河镇",
                "长宁镇",
                "朝阳镇",
                "成都村",
                "重庆镇",
                "重阳乡",
                "大竹镇",
                "岳阳镇",
                "曾家镇"
            ]
        );
    }

    #[test]
    fn a_number_at_the_end_sorts_by_its_value() {
        assert_eq!(
            sorted(&["示例村10", "示例村2", "示例村", "示例村1", "示例村02"]),
            ["示例村", "示例村1", "示例村02", "示例村2", "示例村10"]
        );
    }

    #[test]
    fn full_width_digits_count_as_numbers() {
        assert_eq!(sorted(&["村１０", "村9"]), ["村9", "村１０"]);
    }

    #[test]
    fn the_tone_decides_between_names_that_read_the_same() {
        // 妈 ma1, 麻 ma2, 马 ma3, 骂 ma4: the same syllable, ordered by tone.
        assert_eq!(sorted(&["骂", "马", "麻", "妈"]), ["妈", "麻", "马", "骂"]);
        // The whole name's syllables come before any tone: 马安 (ma an) before 妈白 (ma bai).
        assert_eq!(sorted(&["妈白", "马安"]), ["马安", "妈白"]);
    }

    #[test]
    fn the_characters_decide_between_names_of_one_reading_and_tone() {
        // 他, 她 and 它 are all ta1: different names, never equal, in a fixed order.
        assert_eq!(compare("他", "她"), "他".cmp("她"));
        assert_ne!(compare("他", "她"), Ordering::Equal);
        assert_eq!(sorted(&["它", "她", "他"]), sorted(&["他", "她", "它"]));
    }

    #[test]
    fn latin_letters_sort_case_insensitively_before_chinese() {
        assert_eq!(
            sorted(&["安岳", "b", "A", "a", "12", "3"]),
            ["3", "12", "A", "a", "b", "安岳"]
        );
    }

    /// A name from a few Chinese characters (some of one reading, some of one syllable with
    /// different tones), Latin letters of both cases, digits of both widths and signs.
    fn name() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                '他', '她', '它', '妈', '马', '麻', '石', '羊', '镇', '0', '1', '2', '０', 'a',
                'A', 'b', ' ', '"', '-', '㐀',
            ]),
            0..6,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #[test]
        fn the_order_is_total_and_consistent_with_equality(
            a in name(), b in name(), c in name()
        ) {
            prop_assert_eq!(compare(&a, &b) == Ordering::Equal, a == b);
            prop_assert_eq!(compare(&a, &b), compare(&b, &a).reverse());
            if compare(&a, &b) != Ordering::Greater && compare(&b, &c) != Ordering::Greater {
                prop_assert_ne!(compare(&a, &c), Ordering::Greater);
            }
        }

        #[test]
        fn the_one_sequence_key_orders_as_the_segment_by_segment_reading(
            a in name(), b in name()
        ) {
            prop_assert_eq!(Key::of(&a).cmp(&Key::of(&b)), reference(&a).cmp(&reference(&b)));
        }

        #[test]
        fn any_text_keys_in_the_segment_by_segment_order(
            a in "(.|[\\x00\\x01]){0,8}", b in "(.|[\\x00\\x01]){0,8}"
        ) {
            prop_assert_eq!(Key::of(&a).cmp(&Key::of(&b)), reference(&a).cmp(&reference(&b)));
        }
    }
}
