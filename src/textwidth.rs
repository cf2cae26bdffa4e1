//! Text laid out in terminal cells, where a CJK character takes two cells and `len()` lies.
//!
//! Every aligned table roadsub prints (rules, summaries, batch results on a terminal) goes
//! through [`Table`], so Chinese and English columns line up the same way everywhere.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How many terminal cells `text` takes, as [`one_line`] shows it.
pub fn cells(text: &str) -> usize {
    UnicodeWidthStr::width(&*one_line(text))
}

/// How many terminal cells character `c` takes, as [`one_line`] shows it on its own.
pub fn char_cells(c: char) -> usize {
    match mark(c) {
        Some(m) => m.width().unwrap_or(1),
        None => c.width().unwrap_or(0),
    }
}

/// The mark shown for control character `c`: a line break inside a cell (Alt-Enter in a
/// spreadsheet) as `↵`, a tab as `→`, any other as `�`. A terminal line cannot hold them,
/// and drawn as they are they would vanish or move the cursor, shifting the cells after them.
fn mark(c: char) -> Option<char> {
    match c {
        '\n' | '\r' => Some('↵'),
        '\t' => Some('→'),
        c if c.is_control() => Some('�'),
        _ => None,
    }
}

/// `text` as one terminal line shows it: each control character as its [`mark`], a
/// Windows line break (CR LF) as one `↵`. Text without any is returned as it is.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        out.push(mark(c).unwrap_or(c));
    }
    Cow::Owned(out)
}

/// How many lines `text` takes in a cell `width` cells wide that wraps it: each line of it at
/// least one, and one more for each `width` cells it runs over. Spreadsheet viewers do not fit
/// a row to wrapped text when printing, so a report sets the height from this.
pub fn wrapped_lines(text: &str, width: usize) -> usize {
    text.split('\n')
        .map(|l| cells(l).div_ceil(width.max(1)).max(1))
        .sum()
}

/// `text` cut to at most `max` cells, ending in `…` when something was cut.
/// Control characters are shown as [`one_line`] shows them.
pub fn truncate(text: &str, max: usize) -> String {
    let text = &*one_line(text);
    if cells(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// How a column's cells are placed within its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text: flush left.
    Left,
    /// Numbers: flush right, so decimal points line up.
    Right,
}

/// A plain-text table with a header, aligned in terminal cells.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
    max_cell: usize,
    /// Which columns to give up first when the table is too wide (higher goes first).
    drop_order: Vec<u8>,
}

impl Table {
    /// A table with these column headers and alignments.
    pub fn new(header: Vec<String>, align: Vec<Align>) -> Table {
        Table {
            header,
            align,
            rows: Vec::new(),
            max_cell: 40,
            drop_order: Vec::new(),
        }
    }

    /// Cells wider than `max` cells are cut with `…` (default 40).
    pub fn max_cell(mut self, max: usize) -> Table {
        self.max_cell = max;
        self
    }

    /// Ranks columns for [`Table::render_fit`]: the higher a column's number, the sooner it is
    /// left out of a table too wide for the screen; 0 is left out only when nothing else makes
    /// the table fit, first column last.
    pub fn drop_order(mut self, order: Vec<u8>) -> Table {
        self.drop_order = order;
        self
    }

    /// Adds one row (missing cells are blank).
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines of text, header underlined, columns two spaces apart.
    pub fn render(&self) -> String {
        self.render_fit(usize::MAX).0
    }

    /// [`Table::render`] within `max_width` cells: the widest text columns are cut (with `…`)
    /// until the table fits or each is down to a few cells. Numbers are never cut: a table too
    /// wide for its numbers wraps rather than lies.
    pub fn render_fit(&self, max_width: usize) -> (String, Vec<String>) {
        let ncols = self.header.len();
        let mut widths: Vec<usize> = self
            .header
            .iter()
            .map(|h| cells(h).min(self.max_cell))
            .collect();
        for row in &self.rows {
            for (i, w) in widths.iter_mut().enumerate() {
                let text = row.get(i).map_or("", String::as_str);
                *w = (*w).max(cells(text).min(self.max_cell));
            }
        }
        let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
        let text_column =
            |i: usize| self.align.get(i).copied().unwrap_or(Align::Left) == Align::Left;
        let mut shown: Vec<bool> = vec![true; ncols];
        let width_of = |widths: &[usize], shown: &[bool]| {
            let w: Vec<usize> = (0..ncols)
                .filter(|&i| shown[i])
                .map(|i| widths[i])
                .collect();
            total(&w)
        };
        let full = widths.clone();
        // First cut long text to 12 cells, then leave out the least needed columns, then cut
        // text further; room left over goes back to the text that was cut.
        for floor in [12, 0, 4] {
            if floor == 0 {
                let mut order: Vec<usize> = (0..ncols)
                    .filter(|&i| self.drop_order.get(i).copied().unwrap_or(0) > 0)
                    .collect();
                order.sort_by_key(|&i| std::cmp::Reverse(self.drop_order[i]));
                for i in order {
                    if width_of(&widths, &shown) <= max_width {
                        break;
                    }
                    shown[i] = false;
                }
                continue;
            }
            while width_of(&widths, &shown) > max_width {
                let widest = (0..ncols)
                    .filter(|&i| shown[i] && text_column(i))
                    .max_by_key(|&i| widths[i]);
                match widest {
                    Some(i) if widths[i] > floor => widths[i] -= 1,
                    _ => break,
                }
            }
        }
        // Still too wide (a very narrow screen): rather than lines that wrap, leave out more,
        // from the second column on, so the first (what a row is) and the last stay longest.
        for i in 1..ncols.saturating_sub(1) {
            if width_of(&widths, &shown) <= max_width {
                break;
            }
            shown[i] = false;
        }
        if width_of(&widths, &shown) > max_width && ncols > 1 {
            shown[ncols - 1] = false;
        }
        for i in 0..ncols {
            let spare = max_width.saturating_sub(width_of(&widths, &shown));
            if shown[i] && widths[i] < full[i] {
                widths[i] += spare.min(full[i] - widths[i]);
            }
        }
        let mut out = String::new();
        let line = |cols: Vec<String>, out: &mut String| {
            let mut text = String::new();
            let last = (0..ncols).rev().find(|&i| shown[i]).unwrap_or(0);
            for (i, c) in cols.iter().enumerate() {
                if !shown[i] {
                    continue;
                }
                // Line breaks and tabs inside a cell are shown as marks (`truncate`), which
                // `cells` measures.
                let c = truncate(c, widths[i]);
                let pad = widths[i].saturating_sub(cells(&c));
                let align = self.align.get(i).copied().unwrap_or(Align::Left);
                if !text.is_empty() || i > 0 && (0..i).any(|j| shown[j]) {
                    text.push_str("  ");
                }
                if align == Align::Right {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(&c);
                } else {
                    text.push_str(&c);
                    if i < last {
                        text.push_str(&" ".repeat(pad));
                    }
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(self.header.clone(), &mut out);
        line(widths.iter().map(|w| "─".repeat(*w)).collect(), &mut out);
        for row in &self.rows {
            line(
                (0..ncols)
                    .map(|i| row.get(i).cloned().unwrap_or_default())
                    .collect(),
                &mut out,
            );
        }
        let hidden = (0..ncols)
            .filter(|&i| !shown[i])
            .map(|i| self.header[i].clone())
            .collect();
        (out, hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_double() {
        assert_eq!(cells("通村公路"), 8);
        assert_eq!(cells("village"), 7);
        assert_eq!(truncate("通村公路建设", 7), "通村公…");
        assert_eq!(truncate("abc", 7), "abc");
    }

    #[test]
    fn columns_are_left_out_in_order_and_numbers_never_cut() {
        let mut t = Table::new(
            vec!["id".into(), "name".into(), "amount".into()],
            vec![Align::Left, Align::Left, Align::Right],
        )
        .drop_order(vec![0, 5, 0]);
        t.push(vec![
            "A1".into(),
            "a long road name".into(),
            "1,500,000.00".into(),
        ]);
        let (text, hidden) = t.render_fit(20);
        assert_eq!(
            text,
            "id        amount\n──  ────────────\nA1  1,500,000.00\n"
        );
        assert_eq!(hidden, ["name"]);
    }

    #[test]
    fn a_very_narrow_screen_leaves_out_columns_rather_than_wrap() {
        let mut t = Table::new(
            vec![
                "id".into(),
                "transport".into(),
                "subsidy".into(),
                "shortfall".into(),
            ],
            vec![Align::Left, Align::Right, Align::Right, Align::Right],
        );
        t.push(vec![
            "A1".into(),
            "900,000.00".into(),
            "1,500,000.00".into(),
            "100,000.00".into(),
        ]);
        let (text, hidden) = t.render_fit(30);
        assert_eq!(
            text,
            "id       subsidy   shortfall
──  ────────────  ──────────
A1  1,500,000.00  100,000.00
"
        );
        assert_eq!(hidden, ["transport"]);
        assert!(text.lines().all(|l| cells(l) <= 30));
        let (text, hidden) = t.render_fit(8);
        assert_eq!(
            text,
            "id
──
A1
"
        );
        assert_eq!(hidden, ["transport", "subsidy", "shortfall"]);
    }

    #[test]
    fn a_table_is_cut_to_fit_and_keeps_its_lines() {
        let mut t = Table::new(
            vec!["id".into(), "notes".into()],
            vec![Align::Left, Align::Left],
        );
        t.push(vec![
            "A1".into(),
            "width 3.0 m is below\nthe minimum".into(),
        ]);
        assert_eq!(
            t.render_fit(20).0,
            "id  notes\n──  ────────────────\nA1  width 3.0 m is …\n"
        );
    }

    #[test]
    fn chinese_and_english_columns_line_up() {
        let mut t = Table::new(
            vec!["类别".into(), "金额".into()],
            vec![Align::Left, Align::Right],
        );
        t.push(vec!["通村公路".into(), "1.00".into()]);
        t.push(vec!["group".into(), "100.00".into()]);
        assert_eq!(
            t.render(),
            "类别        金额\n\
             ────────  ──────\n\
             通村公路    1.00\n\
             group     100.00\n"
        );
    }
}
