//! Where a notice's paragraphs break: a merged cell's height is never fitted by the viewer,
//! and a viewer left to wrap Chinese on its own may start a line with 。 or ）. So the
//! paragraphs are broken here, at the width the row height is measured with, never before
//! closing punctuation nor after opening punctuation, nor inside a number or a word; the
//! row is then exactly as tall as the lines written.

use crate::textwidth::cells;

/// Punctuation a line may not start with.
fn closing(c: char) -> bool {
    "。，；、）」』】》〉”’：？！%.,;:)!?".contains(c)
}

/// Punctuation a line may not end with.
fn opening(c: char) -> bool {
    "（「『【《〈“‘(".contains(c)
}

/// Part of a number or a Latin word (`2018`, `3.5`, `roadsub`).
fn word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.'
}

/// A unit that reads with the number before it (`6万元`, `7天`).
fn unit(c: char) -> bool {
    "万元亿米公里年月日天个户".contains(c)
}

/// Whether a line may break between `a` and `b`.
fn breakable(a: char, b: char) -> bool {
    !(closing(b) || opening(a) || (word(a) || unit(a)) && unit(b) || word(a) && word(b))
}

fn width(c: char) -> usize {
    let mut buf = [0u8; 4];
    cells(c.encode_utf8(&mut buf))
}

/// `text` broken into lines of at most `cap` cells (a Chinese character two), each `\n` of
/// the text kept; a run that cannot break within `cap` (a long number) stays whole on a line
/// of its own rather than be cut.
pub fn lines(text: &str, cap: usize) -> Vec<String> {
    let cap = cap.max(2);
    let mut out = Vec::new();
    for part in text.split('\n') {
        let chars: Vec<char> = part.chars().collect();
        let inside = inside_words(&chars);
        let mut cur: Vec<char> = Vec::new();
        // Where `cur` starts in `chars`.
        let mut from = 0;
        let mut used = 0;
        for (at, &c) in chars.iter().enumerate() {
            let w = width(c);
            if used + w > cap && !cur.is_empty() {
                let next = |k: usize| cur.get(k).copied().unwrap_or(c);
                let mut k = cur.len();
                while k > 0 && (!breakable(cur[k - 1], next(k)) || inside[from + k]) {
                    k -= 1;
                }
                if k == 0 {
                    k = cur.len();
                }
                let rest = cur.split_off(k);
                out.push(cur.into_iter().collect());
                cur = rest;
                from = at - cur.len();
                used = cur.iter().map(|c| width(*c)).sum();
            }
            cur.push(c);
            used += w;
        }
        out.push(cur.into_iter().collect());
    }
    out
}

/// Words of the notice's own sentences a line never breaks inside (a printed 人民政／府 or
/// 户／均 reads as a slip, review 34).
const WORDS: [&str; 6] = ["村民委员会", "人民政府", "公示期", "户均", "筹资", "异议"];

/// Per place between two of `chars` (index `i`: before `chars[i]`), whether it is inside one
/// of [`WORDS`].
fn inside_words(chars: &[char]) -> Vec<bool> {
    let mut inside = vec![false; chars.len() + 1];
    for word in WORDS {
        let w: Vec<char> = word.chars().collect();
        for start in 0..chars.len().saturating_sub(w.len() - 1) {
            if chars[start..start + w.len()] == w[..] {
                inside[start + 1..start + w.len()].fill(true);
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_line_starts_with_closing_punctuation_nor_ends_with_opening() {
        // 12 cells a line: 。 would start the second line, so 映 goes down with it.
        assert_eq!(lines("请向村委反映。", 12), ["请向村委反", "映。"]);
        assert_eq!(lines("甲乙丙丁戊（7天）", 10), ["甲乙丙丁戊", "（7天）"]);
        // （ would end the first line: it goes down.
        assert_eq!(lines("甲乙丙丁（7天）", 10), ["甲乙丙丁", "（7天）"]);
        // A number is not cut.
        assert_eq!(lines("自2018年5月", 6), ["自", "2018年", "5月"]);
        // Nor a number from its unit.
        assert_eq!(lines("核减为6万元。", 11), ["核减为", "6万元。"]);
        assert_eq!(lines("一行\n二行", 40), ["一行", "二行"]);
        // The class: at any width that holds its longest unbreakable run (（7天）。, 9 cells),
        // no line starts with closing punctuation nor ends with opening.
        let text = "公示期：自\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日至\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日（7天）。如有异议，请在公示期内向村民委员会或乡镇人民政府反映。";
        for cap in 10..130 {
            let got = lines(text, cap);
            assert_eq!(got.concat(), text, "{cap}");
            // Nor inside a word of the notice's own (review 34: 人民政／府).
            for pair in got.windows(2) {
                let joint = format!("{}|{}", pair[0], pair[1]);
                for word in WORDS {
                    for (i, _) in word.char_indices().skip(1) {
                        let split = format!("{}|{}", &word[..i], &word[i..]);
                        assert!(!joint.contains(&split), "{cap}: {got:?}");
                    }
                }
            }
            for l in &got[1..] {
                let first = l.chars().next().unwrap();
                assert!(!closing(first), "{cap}: {got:?}");
            }
            for l in &got[..got.len() - 1] {
                assert!(!opening(l.chars().last().unwrap()), "{cap}: {got:?}");
            }
        }
    }
}
