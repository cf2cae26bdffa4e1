//! The segment table: a frozen header, the visible lines only, columns sized to their
//! content in terminal cells and scrolled sideways to keep the current column in view.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::i18n::Lang;
use crate::table::Field;
use crate::textwidth::{cells, char_cells, one_line, truncate};
use crate::tui::app::App;
use crate::tui::lines::{Line, Subtotal};
use crate::tui::modes::Mode;

/// A cell padded or cut to exactly `width` cells.
fn fit(text: &str, width: usize, right: bool) -> String {
    let t = truncate(text, width);
    let pad = " ".repeat(width.saturating_sub(cells(&t)));
    if right {
        format!("{pad}{t}")
    } else {
        format!("{t}{pad}")
    }
}

/// The start of `text`, just over `width` cells (so that [`fit`] still cuts it with `…`):
/// a cell being edited may be very long, and only its start is shown.
fn head(text: &str, width: usize) -> &str {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        used += char_cells(c);
        if used > width {
            return &text[..i + c.len_utf8()];
        }
    }
    text
}

/// Whether column `c` is aligned right: it holds numbers (every computed column does).
fn right_aligned(app: &App, c: usize) -> bool {
    c >= app.input_cols()
        || app
            .doc
            .sheet
            .columns
            .field_at(c)
            .is_some_and(Field::is_number)
}

/// The columns kept at the left whatever the scroll, in file order: the id (so every row can
/// be told apart), the village (whose money it is) and the cost (what the subsidies are
/// against), those the table has.
fn anchors(app: &App) -> Vec<usize> {
    let columns = &app.doc.sheet.columns;
    let mut anchors: Vec<usize> = [Field::Id, Field::Village, Field::Cost]
        .into_iter()
        .filter_map(|f| columns.index(f))
        .collect();
    anchors.sort_unstable();
    anchors.dedup();
    anchors
}

/// Whole columns of `cols` (in order) fitting in `room` cells: from the first, or — when
/// column `keep` is among them and would not fit so — the run ending at it, widened to the
/// right as far as room allows. A column is never shown in part, so an amount is never cut.
fn window(app: &App, cols: &[usize], keep: Option<usize>, room: usize) -> Vec<usize> {
    let w = |c: usize| app.width(c) + 1;
    let at = keep.and_then(|k| cols.iter().position(|&c| c == k));
    let mut start = 0;
    if let Some(at) = at {
        // Back from the kept column as far as fits.
        let mut used = w(cols[at]);
        start = at;
        while start > 0 && used + w(cols[start - 1]) <= room {
            used += w(cols[start - 1]);
            start -= 1;
        }
    }
    let mut shown = Vec::new();
    let mut used = 0;
    for &c in &cols[start..] {
        if used + w(c) > room {
            break;
        }
        used += w(c);
        shown.push(c);
    }
    shown
}

/// Every column in the order the table shows them when drawn `width` cells wide: in file
/// order when all fit, else the inputs in file order but the cost last, then the computed
/// columns, then the change columns ([`visible_columns`] shows a window of this order).
pub(in crate::tui) fn column_order(app: &App, width: usize) -> Vec<usize> {
    let all: Vec<usize> = (0..app.ncols()).collect();
    let room = width.saturating_sub(2);
    if width == 0 || all.iter().map(|&c| app.width(c) + 1).sum::<usize>() <= room {
        return all;
    }
    let cost = app.doc.sheet.columns.index(Field::Cost);
    let inputs = app.input_cols();
    let mut order: Vec<usize> = (0..inputs).filter(|&c| Some(c) != cost).collect();
    order.extend(cost);
    order.extend(inputs..app.ncols());
    order
}

/// The columns shown in `width` cells. When every column fits, all, in file order. Else the
/// id, village and cost ([`anchors`]) and the current input column are always shown, the
/// inputs in file order but the cost last; then the computed columns from the first fund,
/// beside the cost; then the other input columns around the current one in the room left.
/// With a variant shown, its change columns get their room first, and the computed columns
/// only what the inputs leave (as the README promises: the change columns stay in view).
/// The computed and change columns scroll to keep the current one in view; no column is
/// ever shown in part, so no amount is cut.
fn visible_columns(app: &App, width: usize) -> Vec<usize> {
    let room = width.saturating_sub(2);
    let w = |c: usize| app.width(c) + 1;
    let all: Vec<usize> = (0..app.ncols()).collect();
    if all.iter().map(|&c| w(c)).sum::<usize>() <= room {
        return all;
    }
    let inputs = app.input_cols();
    let deltas_from = inputs + app.computed_cols();
    let current = app.col;
    let anchored = anchors(app);
    // The anchors and the current column have their room first.
    let mut used: usize = anchored.iter().map(|&c| w(c)).sum::<usize>()
        + if anchored.contains(&current) {
            0
        } else {
            w(current)
        };
    let sum = |cols: &[usize]| cols.iter().map(|&c| w(c)).sum::<usize>();
    // The room for a run of `cols`: what is left, and the current column's own if it is one.
    let room_for = |cols: &[usize], used: usize| {
        room.saturating_sub(used)
            + if cols.contains(&current) {
                w(current)
            } else {
                0
            }
    };
    let less_current = |cols: &[usize]| {
        sum(cols)
            - if cols.contains(&current) {
                w(current)
            } else {
                0
            }
    };
    let computed: Vec<usize> = (inputs..deltas_from).collect();
    let deltas: Vec<usize> = (deltas_from..app.ncols()).collect();
    let deltas = window(app, &deltas, Some(current), room_for(&deltas, used));
    used += less_current(&deltas);
    // With a variant shown, the computed columns scroll with the inputs (they come into view
    // when the cursor goes right of the inputs); else they come before the other inputs.
    let computed_first = app.doc.variant().is_none() || current >= inputs;
    let mut shown_computed = Vec::new();
    if computed_first {
        shown_computed = window(app, &computed, Some(current), room_for(&computed, used));
        used += less_current(&shown_computed);
    }
    // The other input columns: around the current one, or from the first.
    let others: Vec<usize> = (0..inputs).filter(|c| !anchored.contains(c)).collect();
    let middle = window(app, &others, Some(current), room_for(&others, used));
    used += less_current(&middle);
    if !computed_first {
        shown_computed = window(app, &computed, None, room.saturating_sub(used));
    }
    // The inputs in file order, but the cost last: just before the subsidies it is set
    // against.
    let cost = app.doc.sheet.columns.index(Field::Cost);
    let mut shown: Vec<usize> = anchored.into_iter().chain(middle).collect();
    shown.sort_unstable();
    shown.dedup();
    shown.retain(|&c| Some(c) != cost);
    shown.extend(cost);
    shown.extend(shown_computed);
    shown.extend(deltas);
    shown
}

/// The header: each visible column's title, after its sort arrow.
fn header(app: &App, visible: &[usize]) -> TextLine<'static> {
    let marker = |c: usize| match app.sort {
        Some((s, false)) if s == c => "↑",
        Some((s, true)) if s == c => "↓",
        _ => "",
    };
    let mut header = vec![Span::raw("  ")];
    for &c in visible {
        // The sort arrow first, so a narrow column cannot cut it off.
        let title = format!("{}{}", marker(c), app.title(c));
        let style = if app.delta_column(c).is_some() {
            Style::new().bold().magenta()
        } else if c >= app.input_cols() {
            Style::new().bold().cyan()
        } else {
            Style::new().bold()
        };
        header.push(Span::styled(
            fit(&title, app.width(c), right_aligned(app, c)),
            style,
        ));
        header.push(Span::raw(" "));
    }
    TextLine::from(header).underlined()
}

/// The mark of a note row, in the two cells before a row.
pub const NOTE_MARK: &str = "✎ ";

/// The mark of a totals row (合计), in the two cells before a row: no segment and no error.
pub const TOTALS_MARK: &str = "≡ ";

/// A note's text runs on over the whole line (its other cells are empty, and it has no
/// amounts), as a spreadsheet shows it, rather than widening the column it stands in.
fn row_line(app: &App, r: usize, visible: &[usize], current: bool) -> TextLine<'static> {
    let outside = app.doc.not_a_segment(r);
    let note = outside && app.doc.calc(&app.rules, r).is_note();
    let mark = if app.doc.is_good(r) {
        Span::raw("  ")
    } else if note {
        Span::raw(NOTE_MARK).dim()
    } else if outside {
        Span::raw(TOTALS_MARK).dim()
    } else {
        Span::raw("✗ ").red().bold()
    };
    let mut spans = vec![mark];
    let editing = current && matches!(app.mode, Mode::Edit { .. });
    let mut cols = visible;
    if note && !editing {
        let room = visible.iter().map(|&c| app.width(c) + 1).sum::<usize>();
        if room > 0 {
            let row = &app.doc.sheet.rows[r];
            let text = (0..row.len())
                .map(|i| row.get(i).trim())
                .find(|t| !t.is_empty())
                .unwrap_or("");
            let style = if current {
                Style::new().reversed()
            } else {
                Style::new()
            };
            spans.push(Span::styled(fit(text, room - 1, false), style));
            spans.push(Span::styled(" ", style));
            cols = &[];
        }
    }
    for &c in cols {
        let (text, computed) = match (&app.mode, current && c == app.col) {
            (Mode::Edit { buffer, .. }, true) => (head(buffer, app.width(c)).to_string(), false),
            _ => app.shown(r, c),
        };
        let mut style = if app.delta_column(c).is_some() {
            Style::new().magenta()
        } else if c >= app.input_cols() {
            Style::new().cyan()
        } else if computed {
            // A cost worked out from the price per km, not typed: dimmed.
            Style::new().dim()
        } else {
            Style::new()
        };
        if current {
            style = style.reversed();
        }
        if current && c == app.col {
            style = Style::new().black().on_yellow().bold();
        }
        spans.push(Span::styled(
            fit(&text, app.width(c), right_aligned(app, c)),
            style,
        ));
        spans.push(if current {
            Span::raw(" ").reversed()
        } else {
            Span::raw(" ")
        });
    }
    TextLine::from(spans)
}

/// A group's subtotal line: its name and count across the visible input columns, its sums
/// under the computed ones.
fn subtotal_line(app: &App, sub: &Subtotal, visible: &[usize], current: bool) -> TextLine<'static> {
    let totals = &sub.totals;
    // A group of refused rows whose name holds a character that shows nothing, a space that
    // is not an ordinary one or a stand-in for a Chinese character is labelled as its name is
    // written: printed as it is, it looked like the group of the name without it. A line
    // break shows as `↵`, as in the cells.
    let key = crate::table::row::escaped(&crate::textwidth::one_line(&sub.key));
    let style = if current {
        Style::new().bold().reversed()
    } else {
        Style::new().bold()
    };
    let mut spans = vec![Span::raw("Σ ")];
    let columns = &app.doc.sheet.columns;
    // The km planned and completed and the cost go under their own columns when they are in
    // view; the label takes the input columns before them.
    // In the column's own unit (metres under a column of metres); and the group's cost
    // under the cost column, in the unit amounts are shown in.
    let km = |c: usize| match columns.field_at(c) {
        Some(Field::Cost) => Some(app.show_amount(totals.cost.value())),
        Some(f) => sub.length_in(f, columns.scale(f)),
        None => None,
    };
    let inputs: Vec<usize> = visible
        .iter()
        .copied()
        .filter(|&c| c < app.input_cols())
        .collect();
    let label_cols = inputs
        .iter()
        .position(|&c| km(c).is_some())
        .unwrap_or(inputs.len());
    let span_width: usize = inputs[..label_cols].iter().map(|&c| app.width(c) + 1).sum();
    if span_width > 0 {
        // Rows computed under one rule set only are not in the group's Δ: said beside the
        // count.
        let left_out = sub.variant.as_ref().map_or(0, |(_, n)| *n);
        // Rows that cannot be computed (✗) are shown in the group but not in its sums: said
        // too, or the count would be one short of the rows above it.
        let bad = sub.rows.saturating_sub(totals.segments as usize);
        let rows = match (app.lang, totals.segments) {
            (Lang::En, 1) => "1 row".to_string(),
            (Lang::En, n) => format!("{n} rows"),
            (Lang::Zh, n) => format!("{n} 行"),
        };
        let (with_bad, bad_short) = match app.lang {
            Lang::En => (format!(", {bad} ✗ not counted"), format!(", {bad} ✗")),
            Lang::Zh => (format!("；{bad} 行 ✗ 未计入"), format!("；{bad} 行 ✗")),
        };
        let not_in_delta = match (app.lang, left_out) {
            (_, 0) => String::new(),
            (Lang::En, n) => format!(", {n} not in Δ"),
            (Lang::Zh, n) => format!("；Δ 未计入 {n} 行"),
        };
        let count = |bad_said: &str| {
            let bad_said = if bad == 0 { "" } else { bad_said };
            match app.lang {
                Lang::En => format!(" ({rows}{bad_said}{not_in_delta})"),
                Lang::Zh => format!("（{rows}{bad_said}{not_in_delta}）"),
            }
        };
        let (long, short) = (count(&with_bad), count(&bad_short));
        let word = app.lang.pick("subtotal", "小计");
        let label = label_in(
            &[
                format!("{word} {key}{long}"),
                format!("{key}{long}"),
                format!("{key}{short}"),
                key.to_string(),
            ],
            span_width.saturating_sub(1),
        );
        spans.push(Span::styled(fit(&label, span_width, false), style));
    }
    for &c in &inputs[label_cols..] {
        let text = km(c).unwrap_or_default();
        spans.push(Span::styled(
            fit(&text, app.width(c), right_aligned(app, c)),
            style,
        ));
        spans.push(Span::raw(" "));
    }
    for &c in visible.iter().filter(|&&c| c >= app.input_cols()) {
        let text = match (app.delta_column(c), sub.change()) {
            (Some(d), Some(change)) => app.show_change(d.of(change)),
            _ => app
                .computed_column(c - app.input_cols())
                .map_or_else(String::new, |column| app.show_amount(sub.amount(column))),
        };
        spans.push(Span::styled(
            fit(&text, app.width(c), right_aligned(app, c)),
            style,
        ));
        spans.push(Span::raw(" "));
    }
    TextLine::from(spans)
}

/// The first of `labels` (longest first) that fits in `width` cells; when none does, the
/// last cut at its start (`…示例村08`): where two groups' names differ is at their end (the
/// village after a shared township, 示例村08 and 示例村09), so a cut there would make two
/// subtotals look alike.
pub(crate) fn label_in(labels: &[String], width: usize) -> String {
    if let Some(fits) = labels.iter().find(|l| cells(l) <= width) {
        return fits.clone();
    }
    let last = labels.last().map_or("", String::as_str);
    let mut tail: Vec<char> = Vec::new();
    let mut used = 1; // the `…`
                      // Measured and kept as drawn: a line break in a village's name is its mark, one cell.
    let last = one_line(last);
    for c in last.chars().rev() {
        let w = char_cells(c);
        if used + w > width {
            break;
        }
        used += w;
        tail.push(c);
    }
    if width == 0 {
        return String::new();
    }
    std::iter::once('…').chain(tail.into_iter().rev()).collect()
}

/// The table: a frozen header over the lines from the first one on screen.
pub struct TableView<'a> {
    app: &'a App,
}

impl<'a> TableView<'a> {
    pub fn new(app: &'a App) -> TableView<'a> {
        TableView { app }
    }
}

impl Widget for TableView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        app.drawn_width.set(usize::from(area.width));
        let visible = visible_columns(app, usize::from(area.width));
        let mut lines = vec![header(app, &visible)];
        let height = usize::from(area.height.saturating_sub(1));
        let end = (app.top + height).min(app.lines.len());
        for i in app.top..end {
            let current = i == app.cursor;
            lines.push(match &app.lines[i] {
                Line::Row(r) => row_line(app, *r, &visible, current),
                Line::Subtotal(sub) => subtotal_line(app, sub, &visible, current),
            });
        }
        if app.lines.is_empty() {
            lines.push(TextLine::from(app.lang.pick(
                "  (no rows: press a to add one)",
                "  （没有数据行：按 a 添加）",
            )));
        }
        Paragraph::new(lines).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Where the terminal puts the text after `fit(text, width, right)`: ratatui leaves out
    /// control characters, so a cell measured with them ended short of its width.
    fn drawn_width(text: &str, width: usize, right: bool) -> u16 {
        let area = Rect::new(0, 0, 80, 1);
        let mut buf = Buffer::empty(area);
        let line = TextLine::from(vec![Span::raw(fit(text, width, right)), Span::raw("|")]);
        Paragraph::new(line).render(area, &mut buf);
        (0..80)
            .find(|&x| buf[(x, 0)].symbol() == "|")
            .expect("the bar")
    }

    #[test]
    fn a_line_break_in_a_cell_is_drawn_as_a_mark_of_one_cell() {
        assert_eq!(fit("村委会\n至三组", 14, false), "村委会↵至三组 ");
        assert_eq!(fit("a\r\nb\tc\u{7}", 7, true), " a↵b→c�");
        assert_eq!(drawn_width("村委会\n至三组", 14, false), 14);
    }

    proptest! {
        /// The defect: a village's name with a line break, cut to its subtotal's room, was
        /// measured without its mark and ran one cell into the amount beside it.
        #[test]
        fn a_subtotal_label_never_runs_past_its_room(
            key in "[a-z村委会示例画青 \n\t\u{1}]{0,30}",
            width in 0usize..30,
        ) {
            let labels = [format!("subtotal {key} (2 rows)"), format!("{key} (2 rows)"), key.clone()];
            let label = label_in(&labels, width);
            prop_assert!(cells(&label) <= width.max(1), "{:?} in {}", label, width);
            prop_assert_eq!(usize::from(drawn_width(&label, width, false)), width);
        }

        #[test]
        fn every_cell_is_drawn_exactly_as_wide_as_its_column(
            text in "[a-z0-9 村委会至三组，（）…\n\r\t\u{7}\u{1b}\u{7f}\u{85}]{0,24}",
            width in 0usize..30,
            right: bool,
        ) {
            prop_assert_eq!(usize::from(drawn_width(&text, width, right)), width, "{:?}", text);
        }
    }
}
