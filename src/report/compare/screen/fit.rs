//! A table of a comparison fitted to a terminal by leaving columns out, never by cutting what
//! names a row. A general table ([`Table::render_fit`]) cuts long text to make room, which
//! turned three villages of one township into the same `石桥铺镇 示例…`; here the columns that
//! say what a row is (its id, its village, a budget's name) stay whole, and the amounts go, in
//! the order the caller ranks them, with their headings returned so the screen can say so.

use crate::textwidth::{cells, Align, Table};

/// One column of a fitted table.
#[derive(Debug, Clone)]
pub struct Column {
    /// Its heading.
    pub head: String,
    /// Text left, amounts right.
    pub align: Align,
    /// `None` for a column that names the row (kept whole, always); otherwise its rank in
    /// being left out: the higher, the sooner, and columns of one rank together (a budget's
    /// "before" and "after" of one amount go as a pair).
    pub drop: Option<u8>,
}

impl Column {
    /// A column that names the row: never left out, never cut.
    pub fn key(head: impl Into<String>) -> Column {
        Column {
            head: head.into(),
            align: Align::Left,
            drop: None,
        }
    }

    /// An amount, left out at rank `drop` when there is no room.
    pub fn amount(head: impl Into<String>, drop: u8) -> Column {
        Column {
            head: head.into(),
            align: Align::Right,
            drop: Some(drop),
        }
    }
}

/// Two cells between columns, as [`Table`] renders them.
const GAP: usize = 2;

/// `rows` under `columns` within `width` cells: the lines, and the headings of the columns
/// left out. Only when the columns that name the rows are wider than the screen by
/// themselves are they cut (a table that wraps says less than one whose names are shortened).
pub fn fit(columns: &[Column], rows: &[Vec<String>], width: usize) -> (String, Vec<String>) {
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |s| cells(s)))
                .fold(cells(&c.head), usize::max)
        })
        .collect();
    let mut shown = vec![true; columns.len()];
    let used = |shown: &[bool]| {
        let kept: Vec<usize> = (0..columns.len())
            .filter(|&i| shown[i])
            .map(|i| widths[i])
            .collect();
        kept.iter().sum::<usize>() + GAP * kept.len().saturating_sub(1)
    };
    let mut ranks: Vec<u8> = columns.iter().filter_map(|c| c.drop).collect();
    ranks.sort_unstable_by(|a, b| b.cmp(a));
    ranks.dedup();
    for rank in ranks {
        if used(&shown) <= width {
            break;
        }
        for (i, c) in columns.iter().enumerate() {
            if c.drop == Some(rank) {
                shown[i] = false;
            }
        }
    }
    let kept: Vec<usize> = (0..columns.len()).filter(|&i| shown[i]).collect();
    let mut table = Table::new(
        kept.iter().map(|&i| columns[i].head.clone()).collect(),
        kept.iter().map(|&i| columns[i].align).collect(),
    )
    .max_cell(usize::MAX);
    for r in rows {
        table.push(
            kept.iter()
                .map(|&i| r.get(i).cloned().unwrap_or_default())
                .collect(),
        );
    }
    let text = if used(&shown) <= width {
        table.render()
    } else {
        table.max_cell(40).render_fit(width).0
    };
    let hidden = (0..columns.len())
        .filter(|&i| !shown[i])
        .map(|i| columns[i].head.clone())
        .collect();
    (text, hidden)
}

/// `line` (one line of words, no line break) broken into lines of at most `width` cells: at a
/// space where there is one, else between two characters (Chinese has no spaces to break
/// at). Each line ends with a line break.
pub fn wrap(line: &str, width: usize) -> String {
    let width = width.max(8);
    let mut out = String::new();
    let mut rest = line.trim_end();
    while cells(rest) > width {
        // The longest head that fits, then back to its last space if that leaves most of it.
        let mut end = 0;
        let mut used = 0;
        for (i, c) in rest.char_indices() {
            let w = cells(c.encode_utf8(&mut [0; 4]));
            if used + w > width {
                break;
            }
            used += w;
            end = i + c.len_utf8();
        }
        let cut = match rest[..end].rfind(' ') {
            Some(space) if space > end / 2 => space,
            _ => end,
        };
        out.push_str(rest[..cut].trim_end());
        out.push('\n');
        rest = rest[cut..].trim_start();
    }
    out.push_str(rest);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_go_by_rank_and_the_names_of_rows_stay_whole() {
        let columns = [
            Column::key("村"),
            Column::amount("a", 1),
            Column::amount("b", 3),
            Column::amount("c", 2),
        ];
        let rows = vec![vec![
            "石桥铺镇 示例村04".to_string(),
            "1,000.00".into(),
            "2,000.00".into(),
            "3,000.00".into(),
        ]];
        // 17 + 2 + 8 + 2 + 8 + 2 + 8 = 47: all fit.
        let (text, hidden) = fit(&columns, &rows, 47);
        assert!(hidden.is_empty());
        assert_eq!(
            text,
            "村                        a         b         c\n\
             ─────────────────  ────────  ────────  ────────\n\
             石桥铺镇 示例村04  1,000.00  2,000.00  3,000.00\n"
        );
        // One cell less: the highest rank goes first, then the next.
        let (text, hidden) = fit(&columns, &rows, 46);
        assert_eq!(hidden, ["b"]);
        assert!(text.ends_with("石桥铺镇 示例村04  1,000.00  3,000.00\n"));
        let (text, hidden) = fit(&columns, &rows, 36);
        assert_eq!(hidden, ["b", "c"]);
        assert!(text.ends_with("石桥铺镇 示例村04  1,000.00\n"));
        // Columns of one rank go together.
        let pair = [
            Column::key("村"),
            Column::amount("a", 1),
            Column::amount("b", 2),
            Column::amount("c", 2),
        ];
        let (text, hidden) = fit(&pair, &rows, 46);
        assert_eq!(hidden, ["b", "c"]);
        assert!(text.ends_with("石桥铺镇 示例村04  1,000.00\n"));
        // No room even for the names: only then are they cut.
        let (text, hidden) = fit(&columns, &rows, 10);
        assert_eq!(hidden, ["a", "b", "c"]);
        assert_eq!(text, "村\n──────────\n石桥铺镇 …\n");
    }

    #[test]
    fn a_note_wider_than_the_screen_breaks_at_spaces_or_between_characters() {
        assert_eq!(
            wrap("(not shown, for lack of room: before, after)", 20),
            "(not shown, for\nlack of room:\nbefore, after)\n"
        );
        assert_eq!(
            wrap("（因宽度不足未显示：变更前）", 12),
            "（因宽度不足\n未显示：变更\n前）\n"
        );
        assert_eq!(wrap("short", 20), "short\n");
    }
}
