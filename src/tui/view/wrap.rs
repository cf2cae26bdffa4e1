//! Lines wrapped to a width in terminal cells, measured as every aligned text of roadsub is
//! ([`crate::textwidth`]): a CJK character takes two cells, so a line of Chinese fills a pane
//! exactly and never writes over its border. English wraps at spaces; Chinese, which has
//! none, may wrap between any two characters, except before a closing mark (，。）…) or
//! after an opening one (（「…), as Chinese typesetting does. A word wider than the whole
//! width is cut by cells. Every pane and window that wraps goes through here.

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
        && !a.is_ascii_digit()
}

/// A piece that stays whole on a line when it fits: its bytes and cells, and the spaces
/// after it (dropped where a line breaks).
struct Piece {
    word: Range<usize>,
    width: usize,
    spaces: usize,
}

/// `text` cut into pieces: leading spaces (an indent) are a piece of their own.
fn pieces(text: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let indent = text.len() - text.trim_start_matches(' ').len();
    if indent > 0 {
        out.push(Piece {
            word: 0..indent,
            width: indent,
            spaces: 0,
        });
        while chars.peek().is_some_and(|&(i, _)| i < indent) {
            chars.next();
        }
    }
    while let Some((start, c)) = chars.next() {
        if c == ' ' {
            // Spaces after a piece belong to it.
            if let Some(last) = out.last_mut() {
                last.spaces += 1;
            }
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut width = width_of(c);
        let mut prev = c;
        while let Some(&(i, d)) = chars.peek() {
            if d == ' ' || may_break(prev, d) {
                break;
            }
            chars.next();
            end = i + d.len_utf8();
            width += width_of(d);
            prev = d;
        }
        out.push(Piece {
            word: start..end,
            width,
            spaces: 0,
        });
    }
    out
}

/// The byte ranges of `text`'s lines when wrapped to `width` cells (at least one line, empty
/// for an empty text). No line is wider than `width`, but for a single character wider than
/// it; the spaces where a line breaks are dropped.
pub fn wrap(text: &str, width: usize) -> Vec<Range<usize>> {
    let width = width.max(1);
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut line: Option<Range<usize>> = None;
    let mut used = 0;
    let mut spaces = 0;
    for p in pieces(text) {
        match &mut line {
            Some(l) if used + spaces + p.width <= width => {
                l.end = p.word.end;
                used += spaces + p.width;
            }
            _ => {
                // A piece wider than any line is cut by cells, from where the line is (a
                // long path after "✗" goes on beside it); its last part starts a line.
                let mut start = p.word.start;
                match line.take() {
                    Some(l) if p.width > width && used + spaces < width => {
                        start = l.start;
                        used += spaces;
                    }
                    other => {
                        lines.extend(other);
                        used = 0;
                    }
                }
                for (i, c) in text[p.word.clone()].char_indices() {
                    let w = width_of(c);
                    if used + w > width && used > 0 {
                        lines.push(start..p.word.start + i);
                        start = p.word.start + i;
                        used = 0;
                    }
                    used += w;
                }
                line = Some(start..p.word.end);
            }
        }
        spaces = p.spaces;
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
    fn a_chinese_line_of_44_cells_wraps_by_cells_in_43() {
        let text = "造价 1,275,000.00 − 补助 1,125,000.00 = 差额 150,000.00";
        assert_eq!(
            wrapped(text, 43),
            [
                "造价 1,275,000.00 − 补助 1,125,000.00 = 差",
                "额 150,000.00"
            ]
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
            let kept: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let all: String = t.chars().filter(|c| *c != ' ').collect();
            prop_assert_eq!(kept, all);
        }
    }
}
