//! Lines wrapped to a width in terminal cells, measured as every aligned text of roadsub is
//! ([`crate::textwidth`]): a CJK character takes two cells, so a line of Chinese fills a pane
//! exactly and never writes over its border. Lines break at spaces, so a word (差额) or an
//! amount (150,000.00) is never split, nor an amount parted from its unit (1.5 公里); Chinese,
//! which has few spaces, also breaks at its marks, and a phrase too long for a line between
//! any two characters, except before a closing mark (，。）…) or after an opening one (（「…),
//! as Chinese typesetting does. A word wider than the whole width is cut by cells. Every pane
//! and window that wraps goes through here.

use std::ops::Range;

use ratatui::text::{Line, Span};

use crate::textwidth::cells;

/// Marks a line may not start with (nor a slash: 15万/公里 is one amount).
const CLOSING: &str = "，。、；：？！）》」』】〕〉”’·…%,.;:?!)]}/";
/// Marks a line may not end with.
const OPENING: &str = "（《「『【〔〈“‘([{";

/// The cells one character takes.
fn width_of(c: char) -> usize {
    let mut buf = [0; 4];
    cells(c.encode_utf8(&mut buf))
}

/// Whether a line may break between `a` and `b` (neither a space): beside a wide
/// character, unless the break would put a closing mark first on a line or an opening mark
/// last, or part a number from its unit (15万, 2018年).
fn may_break(a: char, b: char) -> bool {
    (width_of(a) > 1 || width_of(b) > 1)
        && !CLOSING.contains(b)
        && !OPENING.contains(a)
        && (!a.is_ascii_digit() || OPENING.contains(b))
}

/// Units an amount is never parted from, even across a space (`1.5 公里`, `150,000.00 yuan`).
const UNITS: &[&str] = &["万", "元", "公里", "米", "%", "yuan", "km", "m"];

/// Whether `word` starts with a unit: a Chinese one may run on (`米，长`), a Latin one ends
/// the word (`km,` but not `more`).
fn starts_with_unit(word: &str) -> bool {
    UNITS.iter().any(|u| {
        word.strip_prefix(u).is_some_and(|rest| {
            !u.is_ascii() || !rest.starts_with(|c: char| c.is_ascii_alphanumeric())
        })
    })
}

/// Whether the space between the words `a` and `b` must not break: a closing mark stays
/// after it, an opening one before it, and an amount with its unit.
fn glued(a: &str, b: &str) -> bool {
    b.starts_with(|c| CLOSING.contains(c))
        || a.ends_with(|c| OPENING.contains(c))
        || (a.ends_with(|c: char| c.is_ascii_digit()) && starts_with_unit(b))
}

/// The cells of a piece beyond which it is a phrase rather than a word (four Chinese
/// characters).
const PHRASE: usize = 8;

/// A piece that stays whole on a line when it fits: its bytes and cells, and the spaces
/// after it (dropped where a line breaks).
#[derive(Clone)]
struct Piece {
    word: Range<usize>,
    width: usize,
    spaces: usize,
}

/// `text` cut at its spaces into words, words glued across a space kept as one piece
/// (with the space): leading spaces (an indent) are a piece of their own.
fn words(text: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let indent = text.len() - text.trim_start_matches(' ').len();
    if indent > 0 {
        out.push(Piece {
            word: 0..indent,
            width: indent,
            spaces: 0,
        });
    }
    let mut at = indent;
    while at < text.len() {
        let end = text[at..].find(' ').map_or(text.len(), |i| at + i);
        let after = text[end..].len() - text[end..].trim_start_matches(' ').len();
        // A Chinese word ends at a mark: a closing one ends it, an opening one starts one.
        let cut = text[at..end]
            .char_indices()
            .zip(text[at..end].chars().skip(1))
            .find(|&((_, a), b)| may_break(a, b) && (CLOSING.contains(a) || OPENING.contains(b)))
            .map(|((i, a), _)| at + i + a.len_utf8());
        let (end, after) = match cut {
            Some(cut) => (cut, 0),
            None => (end, after),
        };
        let width = cells(&text[at..end]);
        match out.last_mut() {
            Some(last) if last.spaces > 0 && glued(&text[last.word.clone()], &text[at..end]) => {
                last.word.end = end;
                last.width += last.spaces + width;
                last.spaces = after;
            }
            _ => out.push(Piece {
                word: at..end,
                width,
                spaces: after,
            }),
        }
        at = end + after;
    }
    out
}

/// A piece wider than a line cut where a line may break inside it (beside a Chinese
/// character, never inside an amount nor a Latin word); a part's spaces are kept in it.
fn parts(text: &str, piece: &Piece) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text[piece.word.clone()].char_indices() {
        let at = piece.word.start + i;
        match (prev, out.last_mut()) {
            (Some(a), Some(last)) if a == ' ' || c == ' ' || !may_break(a, c) => {
                last.word.end = at + c.len_utf8();
                last.width += width_of(c);
            }
            _ => out.push(Piece {
                word: at..at + c.len_utf8(),
                width: width_of(c),
                spaces: 0,
            }),
        }
        prev = Some(c);
    }
    if let Some(last) = out.last_mut() {
        last.spaces = piece.spaces;
    }
    out
}

/// The byte ranges of `text`'s lines when wrapped to `width` cells (at least one line, empty
/// for an empty text). Lines break at spaces; a piece wider than a whole line also where
/// [`may_break`] lets it, and a part of it wider still by cells. No line is wider than
/// `width`, but for a single character wider than it; the spaces where a line breaks are
/// dropped.
pub fn wrap(text: &str, width: usize) -> Vec<Range<usize>> {
    let width = width.max(1);
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut line: Option<Range<usize>> = None;
    let mut used = 0;
    let mut spaces = 0;
    let mut place =
        |p: &Piece, line: &mut Option<Range<usize>>, used: &mut usize, spaces: &mut usize| {
            match line {
                Some(l) if *used + *spaces + p.width <= width => {
                    l.end = p.word.end;
                    *used += *spaces + p.width;
                }
                _ => {
                    // A part wider than any line is cut by cells, from where the line is (a
                    // long path after "✗" goes on beside it); its last part starts a line.
                    let mut start = p.word.start;
                    match line.take() {
                        Some(l) if p.width > width && *used + *spaces < width => {
                            start = l.start;
                            *used += *spaces;
                        }
                        other => {
                            lines.extend(other);
                            *used = 0;
                        }
                    }
                    for (i, c) in text[p.word.clone()].char_indices() {
                        let w = width_of(c);
                        if *used + w > width && *used > 0 {
                            lines.push(start..p.word.start + i);
                            start = p.word.start + i;
                            *used = 0;
                        }
                        *used += w;
                    }
                    *line = Some(start..p.word.end);
                }
            }
            *spaces = p.spaces;
        };
    for p in words(text) {
        let fits_here = line.is_some() && used + spaces + p.width <= width;
        // A phrase longer than a word (a Chinese sentence has no spaces) fills the line it
        // starts on when half of it is left, rather than leave that half empty.
        let fills = line.is_some() && p.width > PHRASE && (used + spaces) * 2 <= width;
        if fits_here || (p.width <= width && !fills) {
            place(&p, &mut line, &mut used, &mut spaces);
        } else {
            for part in parts(text, &p) {
                place(&part, &mut line, &mut used, &mut spaces);
            }
        }
    }
    lines.extend(line);
    if lines.is_empty() {
        lines.push(0..0);
    }
    lines
}

/// `line` wrapped to `width` cells, each part keeping its spans' styles.
pub fn wrap_line(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut bounds = Vec::with_capacity(line.spans.len());
    let mut at = 0;
    for s in &line.spans {
        bounds.push(at..at + s.content.len());
        at += s.content.len();
    }
    wrap(&text, width)
        .into_iter()
        .map(|r| {
            let spans: Vec<Span<'static>> = line
                .spans
                .iter()
                .zip(&bounds)
                .filter_map(|(s, b)| {
                    let (from, to) = (b.start.max(r.start), b.end.min(r.end));
                    (from < to).then(|| Span::styled(text[from..to].to_string(), s.style))
                })
                .collect();
            let mut out = Line::from(spans).style(line.style);
            out.alignment = line.alignment;
            out
        })
        .collect()
}

/// Every line of `lines` wrapped to `width` cells.
pub fn wrap_lines(lines: &[Line<'_>], width: usize) -> Vec<Line<'static>> {
    lines.iter().flat_map(|l| wrap_line(l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn wrapped(text: &str, width: usize) -> Vec<&str> {
        wrap(text, width).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn wrapped_explanation_lines_never_split_words_nor_numbers() {
        let text = "造价 1,275,000.00 − 补助 1,125,000.00 = 差额 150,000.00";
        assert_eq!(
            wrapped(text, 43),
            ["造价 1,275,000.00 − 补助 1,125,000.00 =", "差额 150,000.00"]
        );
        assert_eq!(
            wrapped("补助 1,000,000.00（每户 714.29）", 20),
            ["补助 1,000,000.00", "（每户 714.29）"]
        );
        assert_eq!(
            wrapped("cost 1,275,000.00 yuan, 1.5 km long", 20),
            ["cost", "1,275,000.00 yuan,", "1.5 km long"]
        );
        // A number stays with its unit across a space, and whole inside Chinese.
        assert_eq!(wrapped("长 1.5 公里", 8), ["长", "1.5 公里"]);
        assert_eq!(
            wrapped("通村公路合计−150,000.00元整", 13),
            ["通村公路合计", "−150,000.00元", "整"]
        );
        assert_eq!(
            wrapped("通村公路，宽 4.5 米，长 1.5 公里；造价 1,275,000.00", 43),
            ["通村公路，宽 4.5 米，长 1.5 公里；造价", "1,275,000.00"]
        );
    }

    #[test]
    fn english_wraps_at_spaces_and_a_long_word_is_cut_by_cells() {
        assert_eq!(
            wrapped("cost 1 − subsidy 2 = gap", 10),
            ["cost 1 −", "subsidy 2", "= gap"]
        );
        assert_eq!(wrapped("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(
            wrapped("✗ /a/very/long/path", 8),
            ["✗ /a/ver", "y/long/p", "ath"]
        );
        assert_eq!(wrapped("  indented line", 10), ["  indented", "line"]);
        assert_eq!(wrapped("", 5), [""]);
    }

    #[test]
    fn a_closing_mark_never_starts_a_line_nor_an_opening_one_ends_it() {
        assert_eq!(wrapped("甲乙丙，丁", 6), ["甲乙", "丙，丁"]);
        assert_eq!(wrapped("标准 15万/km", 8), ["标准", "15万/km"]);
        assert_eq!(wrapped("甲乙（丙丁", 6), ["甲乙", "（丙丁"]);
    }

    /// Whether a line may start at byte `at` of `text`, by the rules of typesetting and not
    /// by the wrapping's own code: never inside a number (digits, separators, sign) nor
    /// between one and its unit, nor inside a Latin word; between Chinese characters, but
    /// never before a closing mark nor after an opening one.
    fn may_break_at(text: &str, at: usize) -> bool {
        let before = text[..at].trim_end_matches(' ');
        let after = text[at..].trim_start_matches(' ');
        let spaced = before.len() < at || at < text.len() - after.len();
        let (Some(a), Some(b)) = (before.chars().next_back(), after.chars().next()) else {
            return true;
        };
        let number = |c: char| c.is_ascii_digit() || ",.−-+".contains(c);
        // A Latin unit is a whole word (`km`, not the start of `kmaaaa`).
        let unit = ["万", "元", "公里", "米", "%", "yuan", "km", "m"]
            .iter()
            .any(|u| {
                after.strip_prefix(u).is_some_and(|rest| {
                    !u.is_ascii() || !rest.starts_with(|c: char| c.is_ascii_alphanumeric())
                })
            });
        let wide = |c: char| cells(&c.to_string()) > 1;
        if "，。、；：）」』”%,.;:?!)".contains(b) || "（「『“".contains(a) {
            return false;
        }
        if a.is_ascii_digit() && unit {
            return false;
        }
        let opening = "（「『“".contains(b);
        spaced
            || (!(number(a) && number(b))
                && (!a.is_ascii_digit() || opening)
                && (wide(a) || wide(b)))
    }

    /// Text of Chinese, English, digits, marks and spaces.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("通村公路".to_string()),
                Just("，".to_string()),
                Just("（".to_string()),
                Just("）".to_string()),
                Just(" ".to_string()),
                Just("−".to_string()),
                "[a-z]{1,12}",
                "[0-9,.]{1,14}",
                "−[0-9]{1,4}\\.[0-9]{2}",
                Just("元".to_string()),
                Just("公里".to_string()),
                Just(" km".to_string()),
                Just("%".to_string()),
                Just("“".to_string()),
                Just("”".to_string()),
                "[一-龥]{1,20}",
            ],
            0..30,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn no_wrapped_line_is_wider_than_its_width_and_no_text_is_lost(
            t in text(),
            width in 2usize..60,
        ) {
            let lines = wrapped(&t, width);
            for l in &lines {
                prop_assert!(cells(l) <= width, "{l:?} in {width}");
            }
            // Every break is where a line may break, or the line before it is full and has
            // no such place (a word wider than a line).
            let ranges = wrap(&t, width);
            for pair in ranges.windows(2) {
                let (before, after) = (&t[..pair[0].end], &t[pair[1].start..]);
                let at = pair[1].start;
                let allowed = |i: &usize| t.is_char_boundary(*i) && may_break_at(&t, *i);
                let from = (0..at).rev().find(allowed).unwrap_or(0);
                let to = (at + 1..t.len()).find(allowed).unwrap_or(t.len());
                prop_assert!(
                    allowed(&at) || cells(t[from..to].trim()) > width,
                    "{before:?} | {after:?} in {width}"
                );
            }
            let kept: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let all: String = t.chars().filter(|c| *c != ' ').collect();
            prop_assert_eq!(kept, all);
        }
    }
}
