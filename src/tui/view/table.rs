//! The segment table: a frozen header, the visible lines only, columns sized to their
//! content in terminal cells and scrolled sideways to keep the current column in view.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::i18n::Lang;
use crate::table::Field;
use crate::textwidth::{cells, truncate};
use crate::tui::app::App;
use crate::tui::lines::{Line, Subtotal};
use crate::tui::modes::Mode;
use unicode_width::UnicodeWidthChar;

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
        used += c.width().unwrap_or(0);
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

/// The first column to show so that column `current` (from the first) fits in `width` cells.
fn first_column(app: &App, current: Option<usize>, width: usize) -> usize {
    let Some(col) = current else {
        return 0;
    };
    let mut first = col;
    let mut used = app.width(col) + 1;
    while first > 0 {
        let w = app.width(first - 1) + 1;
        if used + w > width {
            break;
        }
        used += w;
        first -= 1;
    }
    first
}

/// Where the columns always in view on the right start: the computed columns; with a
/// variant shown, those and its change columns when they leave room for the id and one
/// more column, else the change columns alone, else none (all scroll).
fn pinned_from(app: &App, width: usize) -> usize {
    let inputs = app.input_cols();
    let total = |from: usize| -> usize { (from..app.ncols()).map(|c| app.width(c) + 1).sum() };
    if app.doc.variant().is_none() {
        return inputs;
    }
    let id = app.doc.sheet.columns.index(Field::Id);
    let left = id.map_or(0, |i| app.width(i) + 1) + app.width(app.col) + 1;
    let deltas = inputs + app.computed_cols();
    [inputs, deltas]
        .into_iter()
        .find(|&from| 2 + total(from) + left <= width)
        .unwrap_or(app.ncols())
}

/// The columns shown in `width` cells: the id (kept at the left when the others scroll, so
/// every row can be told apart), the columns around the current one, and the computed
/// columns, always in view on the right (with a variant shown, as many of them and its
/// change columns as leave room: the change columns first; the others scroll).
fn visible_columns(app: &App, width: usize) -> Vec<usize> {
    let pinned = pinned_from(app, width);
    let computed: Vec<usize> = (pinned..app.ncols()).collect();
    let computed_width: usize = computed.iter().map(|&c| app.width(c) + 1).sum();
    let room = width.saturating_sub(2 + computed_width);
    // On a column always in view, the others show from the start, or (when some computed
    // columns scroll) those just before the pinned ones.
    let current = if app.col < pinned {
        Some(app.col)
    } else if pinned > app.input_cols() {
        Some(pinned - 1)
    } else {
        None
    };
    let id = app.doc.sheet.columns.index(Field::Id);
    let mut first = first_column(app, current, room);
    let mut visible = Vec::new();
    let mut used = 0;
    if let Some(id) = id.filter(|&i| i < first) {
        used = app.width(id) + 1;
        first = first_column(app, current, room.saturating_sub(used)).max(id + 1);
        visible.push(id);
    }
    for c in first..pinned {
        let w = app.width(c) + 1;
        if used + w > room && visible.iter().any(|&v| Some(v) != id || v == c) {
            break;
        }
        visible.push(c);
        used += w;
    }
    visible.extend(computed);
    visible
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

/// Sheet row `r`'s line: ✗ when it cannot be computed, the cell being typed into showing
/// the text typed so far.
fn row_line(app: &App, r: usize, visible: &[usize], current: bool) -> TextLine<'static> {
    let bad = !app.doc.is_good(r);
    let mut spans = vec![if bad {
        Span::raw("✗ ").red().bold()
    } else {
        Span::raw("  ")
    }];
    for &c in visible {
        let text = match (&app.mode, current && c == app.col) {
            (Mode::Edit { buffer, .. }, true) => head(buffer, app.width(c)).to_string(),
            _ => app.cell(r, c),
        };
        let mut style = if app.delta_column(c).is_some() {
            Style::new().magenta()
        } else if c >= app.input_cols() {
            Style::new().cyan()
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
    let (key, totals) = (&sub.key, &sub.totals);
    let style = if current {
        Style::new().bold().reversed()
    } else {
        Style::new().bold()
    };
    let mut spans = vec![Span::raw("Σ ")];
    let columns = &app.doc.sheet.columns;
    // The km planned and completed go under their own columns when they are in view; the
    // label takes the input columns before them.
    let km = |c: usize| match columns.field_at(c) {
        Some(Field::Length) => Some(totals.planned_km.value()),
        Some(Field::Completed) => Some(totals.completed_km.value()),
        _ => None,
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
        let label = match (app.lang, left_out) {
            (Lang::En, 0) => format!(
                "subtotal {key} ({} {})",
                totals.segments,
                if totals.segments == 1 { "row" } else { "rows" }
            ),
            (Lang::En, n) => format!(
                "subtotal {key} ({} {}, {n} not in Δ)",
                totals.segments,
                if totals.segments == 1 { "row" } else { "rows" }
            ),
            (Lang::Zh, 0) => format!("小计 {key}（{} 行）", totals.segments),
            (Lang::Zh, n) => format!("小计 {key}（{} 行；Δ 未计入 {n} 行）", totals.segments),
        };
        spans.push(Span::styled(fit(&label, span_width, false), style));
    }
    for &c in &inputs[label_cols..] {
        let text = km(c).map_or_else(String::new, crate::money::measure);
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
