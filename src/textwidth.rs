//! Text laid out in terminal cells, where a CJK character takes two cells and `len()` lies.
//!
//! Every aligned table roadsub prints (rules, summaries, batch results on a terminal) goes
//! through [`Table`], so Chinese and English columns line up the same way everywhere.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How many terminal cells `text` takes.
pub fn cells(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to at most `max` cells, ending in `…` when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
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
}

impl Table {
    /// A table with these column headers and alignments.
    pub fn new(header: Vec<String>, align: Vec<Align>) -> Table {
        Table {
            header,
            align,
            rows: Vec::new(),
            max_cell: 40,
        }
    }

    /// Cells wider than `max` cells are cut with `…` (default 40).
    pub fn max_cell(mut self, max: usize) -> Table {
        self.max_cell = max;
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
        let ncols = self.header.len();
        let cell = |row: &[String], i: usize| {
            truncate(row.get(i).map_or("", String::as_str), self.max_cell)
        };
        let mut widths: Vec<usize> = self.header.iter().map(|h| cells(h)).collect();
        for row in &self.rows {
            for (i, w) in widths.iter_mut().enumerate() {
                *w = (*w).max(cells(&cell(row, i)));
            }
        }
        let mut out = String::new();
        let line = |cols: Vec<String>, out: &mut String| {
            let mut text = String::new();
            for (i, c) in cols.iter().enumerate() {
                let pad = widths[i].saturating_sub(cells(c));
                let align = self.align.get(i).copied().unwrap_or(Align::Left);
                if i > 0 {
                    text.push_str("  ");
                }
                if align == Align::Right {
                    text.push_str(&" ".repeat(pad));
                    text.push_str(c);
                } else {
                    text.push_str(c);
                    if i + 1 < ncols {
                        text.push_str(&" ".repeat(pad));
                    }
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(
            self.header
                .iter()
                .map(|h| truncate(h, self.max_cell))
                .collect(),
            &mut out,
        );
        let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        line(rule, &mut out);
        for row in &self.rows {
            line((0..ncols).map(|i| cell(row, i)).collect(), &mut out);
        }
        out
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
