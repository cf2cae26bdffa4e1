//! Drawing the state: the screen's layout, and the parts that fill it — [`bars`] (title,
//! status and key hints), [`table`], [`panes`] (detail and totals, with [`gauge`]s) and [`overlays`] (help,
//! rules, explanation and questions). Everything here reads [`App`]; nothing computes money.

pub mod allocation;
mod bars;
pub(crate) mod compared;
mod gauge;
mod overlays;
mod panes;
mod table;
pub(super) use table::column_order;
#[cfg(test)]
pub(crate) use table::label_in;
mod wrap;

use ratatui::layout::{Constraint, Layout, Position, Rect, Size};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::app::App;
use crate::i18n::Lang;
use panes::{DetailPane, TotalsPane};
use table::TableView;

/// The smallest terminal the table is drawn in.
pub const MIN_SIZE: (u16, u16) = (80, 24);
/// Lines taken by the title, status and hint lines.
const LINES: u16 = 3;
/// The panes' height when the table needs every other line.
const PANES: u16 = 9;

/// How many data lines the table shows in a terminal of `size`.
pub fn table_rows(app: &App, size: Size) -> usize {
    let area = Rect::from((Position::ORIGIN, size));
    usize::from(
        area.height
            .saturating_sub(LINES + pane_height(app, area) + 1)
            .max(1),
    )
}

/// The detail and summary panes side by side (the summary wider while it compares a
/// variant: three amounts a line).
fn pane_split(app: &App, area: Rect) -> [Rect; 2] {
    let totals = if app.doc.variant().is_some() { 55 } else { 45 };
    Layout::horizontal([
        Constraint::Percentage(100 - totals),
        Constraint::Percentage(totals),
    ])
    .areas(area)
}

/// The table lines (its header and 20 rows) kept before the panes grow into a tall
/// terminal's room: on a long table the panes would otherwise never grow, and a totals pane
/// would say "+1 more" at 160×45 with half the screen showing rows.
const TABLE_KEPT: usize = 21;

/// The panes' height: [`PANES`], or more when an explanation or the totals need them and
/// the table leaves lines unused or has [`TABLE_KEPT`] lines without them.
fn pane_height(app: &App, area: Rect) -> u16 {
    let [left, right] = pane_split(app, area);
    let need = DetailPane::new(app)
        .height(left.width)
        .max(TotalsPane::new(app).height(right.width));
    // The table's header and its lines, as many as it keeps.
    let table = (app.lines.len().max(1) + 1).min(TABLE_KEPT);
    let spare = usize::from(area.height.saturating_sub(LINES + PANES)).saturating_sub(table);
    PANES + need.saturating_sub(usize::from(PANES)).min(spare) as u16
}

/// The detail pane's lines as wrapped to `inner` cells, as text (for tests: what the pane
/// shows must be these, whole).
#[cfg(test)]
pub fn detail_lines(app: &App, inner: usize) -> Vec<String> {
    DetailPane::new(app)
        .explanation(inner)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

/// Where each part of the screen goes on a terminal of `area` (not too small): the title,
/// the table, the detail pane, the totals pane, the status line and the key hints.
pub fn layout(app: &App, area: Rect) -> [Rect; 6] {
    let [title, body, panes, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(pane_height(app, area)),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let [left, right] = pane_split(app, panes);
    [title, body, left, right, status, hints]
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = match app.lang {
            Lang::En => format!(
                "terminal too small: {}×{}; roadsub needs at least {}×{} (keys do nothing until it is larger; q quits if nothing is unsaved)",
                area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
            ),
            Lang::Zh => format!(
                "终端太小：{}×{}；至少需要 {}×{}（调大之前按键不起作用；没有未保存的修改时可按 q 退出）",
                area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
            ),
        };
        let lines = wrap::wrap_lines(&[text.into()], usize::from(area.width));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let [title, body, left, right, status, hints] = layout(app, area);
    frame.render_widget(bars::title(app, title.width), title);
    frame.render_widget(TableView::new(app), body);
    frame.render_widget(DetailPane::new(app), left);
    match app.reading_said() {
        // Totals of the first rows would be no one's totals: none until the table is read.
        Some(said) => frame.render_widget(
            Paragraph::new(wrap::wrap_lines(
                &[said.into()],
                usize::from(right.width.saturating_sub(2)),
            ))
            .block(ratatui::widgets::Block::bordered()),
            right,
        ),
        None => frame.render_widget(TotalsPane::new(app), right),
    }
    // A long message may take every line below the title and the table's header.
    let most = usize::from(hints.bottom().saturating_sub(body.y + 1));
    match bars::message_lines(app, usize::from(status.width), most) {
        // A long message goes on over the key hints' line, and over the lines above the
        // status line when it needs more, until the next key.
        Some(lines) => {
            let height = (lines.len() as u16).max(2);
            let at = Rect {
                y: hints.bottom() - height,
                height,
                ..status
            };
            frame.render_widget(Clear, at);
            frame.render_widget(Paragraph::new(lines), at);
        }
        None => {
            match bars::prompt_message_lines(app, usize::from(status.width), most.saturating_sub(1))
            {
                // A long message said while a prompt is open goes under it, the prompt up as far
                // as the message needs, over the lines above.
                Some(lines) => {
                    let height = lines.len() as u16;
                    let prompt = Rect {
                        y: hints.bottom() - height - 1,
                        ..status
                    };
                    let said = Rect {
                        y: prompt.y + 1,
                        height,
                        ..status
                    };
                    frame.render_widget(Clear, prompt.union(said));
                    frame.render_widget(bars::status(app, usize::from(status.width)), prompt);
                    if let Some(at) = bars::typing_cursor(app, prompt) {
                        frame.set_cursor_position(at);
                    }
                    frame.render_widget(Paragraph::new(lines), said);
                }
                None => {
                    frame.render_widget(bars::status(app, usize::from(status.width)), status);
                    if let Some(at) = bars::typing_cursor(app, status) {
                        frame.set_cursor_position(at);
                    }
                    frame.render_widget(bars::hints(app, usize::from(hints.width)), hints);
                }
            }
        }
    }
    overlays::draw(frame, app, area);
}
