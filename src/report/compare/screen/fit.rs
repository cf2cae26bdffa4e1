//! A table of a comparison fitted to a terminal by leaving columns out, never by cutting what
//! names a row. A general table ([`Table::render_fit`]) cuts long text to make room, which
//! turned three villages of one township into the same `石桥铺镇 示例…`; here the columns that
//! say what a row is (its id, its village, a budget's name) stay whole, and the amounts go, in
//! the order the caller ranks them, with their headings returned so the screen can say so.

use crate::textwidth::{cells, truncate, Align, Table};

/// How a column that names rows may be narrowed when the screen is too narrow for the
/// amounts a table is for: only the part that tells rows apart least goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Cut from the right, `County poverty-alleviation specia…` (a totals item).
    Right,
    /// Cut from the left, `…plans/a.csv`, and left out when even that leaves too little: a
    /// file says least about a row.
    Left,
    /// The part before ` · ` cut, the part after it kept whole: a per-village budget's
    /// `… · 自治乡 金鸡村` still says which village is over.
    BeforeDot,
}

/// When and how far a column may be narrowed.
#[derive(Debug, Clone, Copy)]
pub struct Shrink {
    /// How its cells are cut.
    pub cut: Cut,
    /// It is narrowed before the amounts of this rank or lower are left out (0: only when
    /// the columns that always stay do not fit).
    pub before: u8,
    /// Never narrower than this many cells (a [`Cut::Left`] column goes instead).
    pub min: usize,
}

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
    /// How a column that names the row may be narrowed; `None`: never (but as a last resort).
    pub shrink: Option<Shrink>,
}

impl Column {
    /// A column that names the row: never left out, never cut.
    pub fn key(head: impl Into<String>) -> Column {
        Column {
            head: head.into(),
            align: Align::Left,
            drop: None,
            shrink: None,
        }
    }

    /// An amount, left out at rank `drop` when there is no room.
    pub fn amount(head: impl Into<String>, drop: u8) -> Column {
        Column {
            head: head.into(),
            align: Align::Right,
            drop: Some(drop),
            shrink: None,
        }
    }

    /// An amount that always stays.
    pub fn kept(head: impl Into<String>) -> Column {
        Column {
            head: head.into(),
            align: Align::Right,
            drop: None,
            shrink: None,
        }
    }

    /// This column, narrowed as `cut` says before the amounts of rank `before` or lower go,
    /// down to `min` cells.
    pub fn shrinks(mut self, cut: Cut, before: u8, min: usize) -> Column {
        self.shrink = Some(Shrink { cut, before, min });
        self
    }
}

/// `text` within `width` cells, cut as `cut` says.
fn cut_to(text: &str, width: usize, cut: Cut) -> String {
    if cells(text) <= width {
        return text.to_string();
    }
    match cut {
        Cut::Right => truncate(text, width),
        Cut::Left => {
            let mut tail: Vec<char> = Vec::new();
            let mut used = 1;
            for c in text.chars().rev() {
                let w = cells(c.encode_utf8(&mut [0; 4]));
                if used + w > width {
                    break;
                }
                used += w;
                tail.push(c);
            }
            std::iter::once('…').chain(tail.into_iter().rev()).collect()
        }
        Cut::BeforeDot => match text.split_once(" · ") {
            Some((name, place)) => {
                let tail = format!(" · {place}");
                match width.checked_sub(cells(&tail)) {
                    Some(room) if room >= 1 => {
                        let head = truncate(name, room);
                        // `Village …` reads as a word cut off less clearly than `Village…`.
                        let head = match head.strip_suffix('…') {
                            Some(h) if !h.is_empty() => format!("{}…", h.trim_end()),
                            _ => head,
                        };
                        format!("{head}{tail}")
                    }
                    _ => truncate(text, width),
                }
            }
            None => truncate(text, width),
        },
    }
}

/// The narrowest a shrinking column can be: its `min`, and for [`Cut::BeforeDot`] room for
/// every row's place whole after `…`.
fn narrowest(s: &Shrink, head: &str, cells_of: impl Iterator<Item = usize>) -> usize {
    let floor = match s.cut {
        Cut::BeforeDot => cells_of.max().unwrap_or(0) + 1,
        _ => 0,
    };
    s.min.max(floor).max(cells(head).min(s.min))
}

/// Two cells between columns, as [`Table`] renders them.
const GAP: usize = 2;

/// `rows` under `columns` within `width` cells: the lines, and the headings of the columns
/// left out. Amounts go by rank; a column that may shrink is narrowed before the ranks it
/// protects go (and a [`Cut::Left`] one left out when narrowing is not enough). Only when
/// the columns that name the rows are wider than the screen by themselves are they cut
/// further (a table that wraps says less than one whose names are shortened).
pub fn fit(columns: &[Column], rows: &[Vec<String>], width: usize) -> (String, Vec<String>) {
    let full: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |s| cells(s)))
                .fold(cells(&c.head), usize::max)
        })
        .collect();
    let mut widths = full.clone();
    let mut shown = vec![true; columns.len()];
    let used = |shown: &[bool], widths: &[usize]| {
        let kept: Vec<usize> = (0..columns.len())
            .filter(|&i| shown[i])
            .map(|i| widths[i])
            .collect();
        kept.iter().sum::<usize>() + GAP * kept.len().saturating_sub(1)
    };
    let mut ranks: Vec<u8> = columns.iter().filter_map(|c| c.drop).collect();
    ranks.sort_unstable_by(|a, b| b.cmp(a));
    ranks.dedup();
    // Rank 0 stands for the columns that always stay: shrinking before it is the last resort.
    ranks.push(0);
    for rank in ranks {
        // Each step starts from the shrinking columns whole: leaving an amount out may have
        // made room for them again.
        for (i, c) in columns.iter().enumerate() {
            if c.shrink.is_some() && c.drop.is_none() {
                widths[i] = full[i];
                shown[i] = true;
            }
        }
        if used(&shown, &widths) <= width {
            break;
        }
        for (i, c) in columns.iter().enumerate() {
            let Some(s) = c.shrink.filter(|s| s.before >= rank) else {
                continue;
            };
            let over = used(&shown, &widths).saturating_sub(width);
            if over == 0 {
                break;
            }
            let places = rows.iter().filter_map(|r| {
                r.get(i)
                    .and_then(|t| t.split_once(" · "))
                    .map(|(_, p)| cells(p) + 3)
            });
            let least = narrowest(&s, &c.head, places).min(full[i]);
            let room = widths[i].saturating_sub(least);
            widths[i] -= over.min(room);
            if over > room && s.cut == Cut::Left {
                shown[i] = false;
            }
        }
        if used(&shown, &widths) <= width || rank == 0 {
            break;
        }
        for (i, c) in columns.iter().enumerate() {
            if c.drop == Some(rank) {
                shown[i] = false;
            }
        }
    }
    let kept: Vec<usize> = (0..columns.len()).filter(|&i| shown[i]).collect();
    let cell = |i: usize, text: &str| match columns[i].shrink {
        Some(s) if widths[i] < full[i] => cut_to(text, widths[i], s.cut),
        _ => text.to_string(),
    };
    let mut table = Table::new(
        kept.iter().map(|&i| cell(i, &columns[i].head)).collect(),
        kept.iter().map(|&i| columns[i].align).collect(),
    )
    .max_cell(usize::MAX);
    for r in rows {
        table.push(
            kept.iter()
                .map(|&i| cell(i, r.get(i).map_or("", String::as_str)))
                .collect(),
        );
    }
    let text = if used(&shown, &widths) <= width {
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
/// space, or beside a Chinese character (Chinese has no spaces to break at), never inside a
/// number or a Latin word (`100,000`, `1294.75`, `yuan/km`), never between `-o` and what it
/// takes, and never before closing or after opening punctuation (`，`, `）`, `（`). Each line
/// ends with a line break.
pub fn wrap(line: &str, width: usize) -> String {
    wrap_hanging(line, width, "")
}

/// [`wrap`] with `hang` before every line after the first (`hang` counts in the width).
pub fn wrap_hanging(line: &str, width: usize, hang: &str) -> String {
    let width = width.max(8);
    let mut out = String::new();
    let mut rest = line.trim_end();
    let mut first = true;
    loop {
        let lead = if first { "" } else { hang };
        let room = width.saturating_sub(cells(lead)).max(4);
        if cells(rest) <= room {
            out.push_str(&format!("{lead}{rest}\n"));
            return out;
        }
        // The last place a line may end within `room`; without one (a word wider than the
        // screen), the most that fits.
        let mut fits = 0;
        let mut best = None;
        let mut space = None;
        let mut used = 0;
        let mut prev: Option<char> = None;
        for (i, c) in rest.char_indices() {
            if let Some(p) = prev {
                // An option stays beside what it takes (`-o FILE`, `-o 文件`).
                if breaks_between(p, c) && !rest[..i].trim_end().ends_with(" -o") {
                    best = Some(i);
                    if p == ' ' {
                        space = Some(i);
                    }
                }
            }
            let w = cells(c.encode_utf8(&mut [0; 4]));
            if used + w > room {
                break;
            }
            used += w;
            fits = i + c.len_utf8();
            prev = Some(c);
        }
        // Words between spaces (`各村多筹集 变更前`) stay whole when a space comes late
        // enough in the line not to waste most of it.
        let best = match space {
            Some(sp) if sp > fits / 2 => Some(sp),
            _ => best,
        };
        let cut = match best {
            Some(b) if !rest[..b].trim_end().is_empty() => b,
            _ => fits.max(rest.chars().next().map_or(1, char::len_utf8)),
        };
        out.push_str(&format!("{lead}{}\n", rest[..cut].trim_end()));
        rest = rest[cut..].trim_start();
        first = false;
        if rest.is_empty() {
            return out;
        }
    }
}

/// Whether a line may end between `a` and `b`.
fn breaks_between(a: char, b: char) -> bool {
    const CLOSING: &str = "，。、：；！？）」』》〉】,.;:!?)%";
    const OPENING: &str = "（「『《〈【(";
    if a == ' ' {
        return b != ' ';
    }
    if b == ' ' || CLOSING.contains(b) || OPENING.contains(a) {
        return false;
    }
    let wide = |c: char| cells(c.encode_utf8(&mut [0; 4])) > 1;
    wide(a) || wide(b)
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

    #[test]
    fn an_option_stays_beside_what_it_takes() {
        // "write them all with -o" then "FILE" alone on the next line.
        let line = "… 1 more changed village not shown; write them all with -o FILE";
        assert_eq!(
            wrap(line, 60),
            "… 1 more changed village not shown; write them all with\n-o FILE\n"
        );
        assert_eq!(
            wrap("……另有 1 个有变化的村未显示；用 -o 文件 写出全部", 30),
            "……另有 1 个有变化的村未显示；\n用 -o 文件 写出全部\n"
        );
    }
}
