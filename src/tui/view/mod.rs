//! Drawing the state: title, table, detail and summary panes, status and key hints, and the
//! help, rules and question overlays. Everything here reads [`App`]; nothing computes money.

mod panes;
mod table;

use ratatui::layout::{Constraint, Layout, Position, Rect, Size};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::action::Action;
use super::app::App;
use super::input::{describe, KEYMAP};
use super::modes::{Mode, Question};
use crate::i18n::Lang;
use crate::textwidth::{cells, truncate};
use unicode_width::UnicodeWidthChar;

/// The smallest terminal the table is drawn in.
pub const MIN_SIZE: (u16, u16) = (80, 24);
/// Lines taken by the title, status and hint lines.
const LINES: u16 = 3;
/// The panes' height when the table needs every other line.
const PANES: u16 = 9;

/// The hint bar's keys, most needed first (what does not fit is cut from the end).
const HINT_ORDER: [Action; 11] = [
    Action::Help,
    Action::Quit,
    Action::Save,
    Action::Edit,
    Action::Add,
    Action::Delete,
    Action::Undo,
    Action::Filter,
    Action::Sort,
    Action::Lang,
    Action::Money,
];

/// How many data lines the table shows in a terminal of `size`.
pub fn table_rows(app: &App, size: Size) -> usize {
    let area = Rect::from((Position::ORIGIN, size));
    usize::from(
        area.height
            .saturating_sub(LINES + pane_height(app, area) + 1)
            .max(1),
    )
}

/// The detail and summary panes side by side.
fn pane_split(area: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area)
}

/// The panes' height: [`PANES`], or more when the table leaves lines unused and an
/// explanation needs them.
fn pane_height(app: &App, area: Rect) -> u16 {
    let [left, _] = pane_split(area);
    let need = panes::detail_height(app, left.width).max(panes::summary_height(app));
    // The table's header and its lines.
    let table = app.lines.len().max(1) + 1;
    let spare = usize::from(area.height.saturating_sub(LINES + PANES)).saturating_sub(table);
    PANES + need.saturating_sub(usize::from(PANES)).min(spare) as u16
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = match app.lang {
            Lang::En => format!(
                "terminal too small: {}×{}; roadsub needs at least {}×{}",
                area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
            ),
            Lang::Zh => format!(
                "终端太小：{}×{}；至少需要 {}×{}",
                area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
            ),
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [title, body, panes, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(pane_height(app, area)),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(title_line(app, title.width), title);
    table::draw(frame, app, body);
    let [left, right] = pane_split(panes);
    panes::detail(frame, app, left);
    panes::summary(frame, app, right);
    frame.render_widget(status_line(app, usize::from(status.width)), status);
    if let Some(p) = prompt(app, usize::from(status.width)) {
        // The terminal's own cursor where typing goes, so an input method's window follows it.
        let x = status.x
            + (cells(&p.label) + cells(&p.before)).min(usize::from(status.width) - 1) as u16;
        frame.set_cursor_position((x, status.y));
    }
    frame.render_widget(hint_line(app, usize::from(hints.width)), hints);
    match &app.mode {
        Mode::Help => help(frame, app, area),
        Mode::Rules => app.overlay_max.set(scrolled(
            frame,
            app.lang.pick(
                " Rules in force (↑↓ PgUp PgDn scroll, Esc closes) ",
                " 当前规则（↑↓ 翻页键滚动，Esc 关闭） ",
            ),
            &crate::rules::describe(&app.rules, app.lang),
            area,
            app.overlay_scroll,
        )),
        Mode::Why => why(frame, app, area),
        Mode::Ask(q) => ask(frame, app, q, area),
        _ => {}
    }
}

fn title_line(app: &App, width: u16) -> Paragraph<'static> {
    let lang = app.lang;
    let file = app.doc.path.as_ref().map_or_else(
        || lang.pick("(new table)", "（新表）").to_string(),
        |p| p.display().to_string(),
    );
    let rows = app.doc.sheet.rows.len();
    let modified = if app.doc.modified() {
        lang.pick(" [modified]", " [已修改]")
    } else {
        ""
    };
    // The filter comes before the rules' name, which is the first to be cut.
    let filter = match (&app.filter, lang) {
        (Some(f), Lang::En) => format!(" · filter \"{f}\": {} shown", app.lines.len()),
        (Some(f), Lang::Zh) => format!(" · 筛选\"{f}\"：显示 {} 行", app.lines.len()),
        (None, _) => String::new(),
    };
    let name = app.rules.meta.display_name(lang);
    let text = match lang {
        Lang::En => format!(
            " roadsub — {file}{modified} · {rows} {}{filter} · {name}",
            if rows == 1 { "row" } else { "rows" }
        ),
        Lang::Zh => format!(" roadsub — {file}{modified} · {rows} 行{filter} · {name}"),
    };
    Paragraph::new(truncate(&text, usize::from(width))).style(Style::new().bold().reversed())
}

/// What the status line shows of the text being typed: the part around the cursor that fits.
struct Prompt {
    label: String,
    /// The text before the cursor that fits (starting with `…` when the start is cut).
    before: String,
    /// The character under the cursor (a space at the end).
    at: String,
    /// The text after it, as much as the line can show.
    after: String,
}

impl Prompt {
    fn line<'a>(self) -> Line<'a> {
        Line::from(vec![
            Span::raw(self.label).bold(),
            Span::raw(self.before),
            Span::raw(self.at).reversed(),
            Span::raw(self.after),
        ])
    }

    fn cells(&self) -> usize {
        cells(&self.label) + cells(&self.before) + cells(&self.at) + cells(&self.after)
    }
}

/// The prompt being typed into, if any, cut to `width` cells around the cursor. Only the
/// characters near the cursor are looked at, so drawing costs the same however long the text.
fn prompt(app: &App, width: usize) -> Option<Prompt> {
    let (label, buffer, cursor) = prompt_parts(app)?;
    let room = width.saturating_sub(cells(&label) + 2).max(4);
    // Back from the cursor while the text before it stays under `room` cells.
    let mut start = cursor;
    let mut used = 0;
    for (i, c) in buffer[..cursor].char_indices().rev() {
        let w = c.width().unwrap_or(0);
        if used + w >= room {
            break;
        }
        used += w;
        start = i;
    }
    let before = if start == 0 {
        buffer[..cursor].to_string()
    } else {
        // The first character shown gives way to the `…`.
        let skip = buffer[start..].chars().next().map_or(0, char::len_utf8);
        format!("…{}", &buffer[(start + skip).min(cursor)..cursor])
    };
    let mut rest = buffer[cursor..].chars();
    let at = rest.next().map_or(" ".to_string(), String::from);
    let mut left = width.saturating_sub(cells(&label) + cells(&before) + cells(&at));
    let after: String = rest
        .take_while(|c| {
            let w = c.width().unwrap_or(0);
            let fits = w <= left;
            left = left.saturating_sub(w);
            fits
        })
        .collect();
    Some(Prompt {
        label,
        before,
        at,
        after,
    })
}

fn prompt_parts(app: &App) -> Option<(String, &str, usize)> {
    let lang = app.lang;
    match &app.mode {
        Mode::Edit { buffer, cursor } => Some((
            format!("{} {}: ", lang.pick("edit", "编辑"), app.title(app.col)),
            buffer.as_str(),
            *cursor,
        )),
        Mode::Filter { buffer, cursor } => Some((
            lang.pick("filter: ", "筛选：").to_string(),
            buffer.as_str(),
            *cursor,
        )),
        Mode::Export { buffer, cursor } => Some((
            lang.pick(
                "export to (.xlsx .json .md .csv): ",
                "导出到（.xlsx .json .md .csv）：",
            )
            .to_string(),
            buffer.as_str(),
            *cursor,
        )),
        Mode::SaveAs { buffer, cursor } => Some((
            lang.pick("save as: ", "另存为：").to_string(),
            buffer.as_str(),
            *cursor,
        )),
        _ => None,
    }
}

fn status_line(app: &App, width: usize) -> Paragraph<'static> {
    let line = match prompt(app, width) {
        Some(p) => {
            let used = p.cells();
            let mut l = p.line();
            if let (Some(s), Mode::Edit { .. }) = (&app.status, &app.mode) {
                let room = width.saturating_sub(used + 2);
                l.spans.push(if s.error {
                    Span::raw(format!("  {}", truncate(&format!("✗ {}", s.text), room)))
                        .red()
                        .bold()
                } else {
                    Span::raw(format!("  {}", truncate(&s.text, room))).green()
                });
            }
            l
        }
        None => match &app.status {
            Some(s) if s.error => Line::from(
                Span::raw(truncate(&format!("✗ {}", s.text), width))
                    .red()
                    .bold(),
            ),
            Some(s) => Line::from(Span::raw(truncate(&s.text, width)).green()),
            None => Line::from(""),
        },
    };
    Paragraph::new(line)
}

fn hint_line(app: &App, width: usize) -> Paragraph<'static> {
    let lang = app.lang;
    let spans: Vec<Span> = match app.mode {
        Mode::Edit { .. } => vec![Span::raw(lang.pick(
            "Enter accept · Esc cancel · Tab / Shift-Tab next / previous cell",
            "Enter 确认 · Esc 取消 · Tab / Shift-Tab 下一格 / 上一格",
        ))],
        Mode::Filter { .. } => vec![Span::raw(lang.pick(
            "type to filter · Enter keeps the filter · Esc clears it",
            "输入文字筛选 · Enter 保留筛选 · Esc 清除筛选",
        ))],
        Mode::Export { .. } => vec![Span::raw(lang.pick(
            "the extension picks the format · Enter exports · Esc cancels",
            "扩展名决定格式 · Enter 导出 · Esc 取消",
        ))],
        Mode::SaveAs { .. } if app.doc.sheet.workbook.is_some() => vec![Span::raw(lang.pick(
            "a new name (.xlsx or .csv): this workbook cannot be written back as it is · Enter saves · Esc cancels",
            "输入新文件名（.xlsx 或 .csv）：此工作簿无法按原样写回 · Enter 保存 · Esc 取消",
        ))],
        Mode::SaveAs { .. } => vec![Span::raw(lang.pick(
            "type a file name (.csv) · Enter saves · Esc cancels",
            "输入文件名（.csv）· Enter 保存 · Esc 取消",
        ))],
        _ => HINT_ORDER
            .iter()
            .filter_map(|a| KEYMAP.iter().find(|b| b.action == *a))
            .filter_map(|b| {
                let (en, zh) = b.hint?;
                let key = b.keys.split(' ').next().unwrap_or(b.keys);
                Some([
                    Span::raw(format!(" {key} ")).reversed(),
                    Span::raw(format!(" {} ", lang.pick(en, zh))),
                ])
            })
            .flatten()
            .collect(),
    };
    // Whole hints only: drop them from the end (the least needed) until the rest fits.
    let mut spans = spans;
    let total = |s: &[Span]| s.iter().map(|x| cells(&x.content)).sum::<usize>();
    if total(&spans) > width {
        while spans.len() > 2 && total(&spans) + 2 > width {
            spans.truncate(spans.len() - 2);
        }
        spans.push(Span::raw(" …"));
    }
    Paragraph::new(Line::from(spans))
}

/// A centred box of `width` × `height` cells within `area`.
fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A window with lines kept whole (tables must not wrap), cut at the right with `…`, and
/// scrolled down by `scroll` lines when it is taller than the screen; returns how far it can
/// scroll.
fn scrolled(frame: &mut Frame, title: &str, text: &str, area: Rect, scroll: usize) -> usize {
    let width = (text
        .lines()
        .map(cells)
        .max()
        .unwrap_or(20)
        .max(cells(title))
        + 4)
    .min(usize::from(area.width));
    let inner = width.saturating_sub(2);
    let lines: Vec<String> = text.lines().map(|l| truncate(l, inner)).collect();
    let height = (lines.len() + 2).min(usize::from(area.height));
    let max = lines.len().saturating_sub(height.saturating_sub(2));
    let scroll = scroll.min(max);
    let r = centred(area, width as u16, height as u16);
    clear_around(frame, r, area);
    let shown = lines[scroll..].join("\n");
    frame.render_widget(
        Paragraph::new(shown).block(Block::bordered().title(title.to_string())),
        r,
    );
    max
}

/// The current row's whole explanation in a window, scrolled as far as `overlay_scroll` asks.
fn why(frame: &mut Frame, app: &App, area: Rect) {
    let title = match app.lang {
        Lang::En => format!(
            "{}(↑↓ PgUp PgDn scroll, Esc closes) ",
            panes::detail_title(app.lang)
        ),
        Lang::Zh => format!(
            "{}（↑↓ 翻页键滚动，Esc 关闭） ",
            panes::detail_title(app.lang).trim_end()
        ),
    };
    let width = area
        .width
        .saturating_sub(4)
        .min(100)
        .max(cells(&title) as u16 + 2);
    let text = panes::explanation(app);
    let lines = text.line_count(width.saturating_sub(2));
    let height = (lines + 2).min(usize::from(area.height.saturating_sub(2)));
    let max = lines.saturating_sub(height - 2);
    app.overlay_max.set(max);
    let scroll = app.overlay_scroll.min(max);
    let r = centred(area, width, height as u16);
    clear_around(frame, r, area);
    frame.render_widget(
        text.scroll((scroll as u16, 0))
            .block(Block::bordered().title(title)),
        r,
    );
}

/// Clears a window's place, and one more column each side: a wide character cut by the
/// window's edge would otherwise eat its border.
fn clear_around(frame: &mut Frame, r: Rect, area: Rect) {
    let x = r.x.saturating_sub(1);
    let wider = Rect {
        x,
        width: (r.width + 2).min(area.width.saturating_sub(x)),
        ..r
    };
    frame.render_widget(Clear, wider);
}

fn overlay(frame: &mut Frame, title: &str, text: &str, area: Rect) {
    let width =
        (text.lines().map(cells).max().unwrap_or(20) + 4).min(usize::from(area.width)) as u16;
    // Lines wider than the screen wrap: count the rows they take.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let height = text
        .lines()
        .map(|l| cells(l).max(1).div_ceil(inner))
        .sum::<usize>() as u16
        + 2;
    let r = centred(area, width, height);
    clear_around(frame, r, area);
    frame.render_widget(
        Paragraph::new(text.to_string())
            .block(Block::bordered().title(title.to_string()))
            .wrap(Wrap { trim: false }),
        r,
    );
}

fn help(frame: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let keys_width = KEYMAP.iter().map(|b| cells(b.keys)).max().unwrap_or(8);
    let mut text: String = KEYMAP
        .iter()
        .map(|b| {
            format!(
                "{}{}  {}\n",
                b.keys,
                " ".repeat(keys_width - cells(b.keys)),
                describe(b, lang)
            )
        })
        .collect();
    text.push_str(lang.pick(
        "\nAmounts beside the inputs are computed by the rules in force;\nEsc or ? closes this help.",
        "\n输入列旁的金额按当前规则计算；\n按 Esc 或 ? 关闭帮助。",
    ));
    let title = lang.pick(
        " Keys (↑↓ PgUp PgDn scroll, Esc closes) ",
        " 按键（↑↓ 翻页键滚动，Esc 关闭） ",
    );
    app.overlay_max
        .set(scrolled(frame, title, &text, area, app.overlay_scroll));
}

fn ask(frame: &mut Frame, app: &App, q: &Question, area: Rect) {
    let lang = app.lang;
    let text = match (q, lang) {
        (Question::ReplaceExport(p), Lang::En) => format!("{} already exists.\n\ny  replace it with the report\nn  keep it", p.display()),
        (Question::ReplaceExport(p), Lang::Zh) => format!("{} 已存在。\n\ny  用报表替换它\nn  保留原文件", p.display()),
        (Question::OverwriteExisting(p), Lang::En) => format!("{} already exists.\n\ny  replace it with this table\nn  choose another name", p.display()),
        (Question::OverwriteExisting(p), Lang::Zh) => format!("{} 已存在。\n\ny  用当前表格替换它\nn  换一个文件名", p.display()),
        (Question::QuitUnsaved, Lang::En) => "There are unsaved changes.\n\ny  save, then quit\nn  quit without saving\nEsc  stay".to_string(),
        (Question::QuitUnsaved, Lang::Zh) => "有未保存的修改。\n\ny  保存后退出\nn  不保存，直接退出\nEsc  返回表格".to_string(),
        (Question::OverwriteChanged, Lang::En) => "The file changed on disk since it was opened.\n\ny  overwrite it with this table\nn  do not save".to_string(),
        (Question::OverwriteChanged, Lang::Zh) => "文件在打开后已被其他程序修改。\n\ny  用当前表格覆盖\nn  不保存".to_string(),
        (Question::Restore(1), Lang::En) => "1 unsaved change from an earlier session was found\n(the program ended before saving).\n\ny  restore it\nn  drop it".to_string(),
        (Question::Restore(n), Lang::En) => format!("{n} unsaved changes from an earlier session were found\n(the program ended before saving).\n\ny  restore them\nn  drop them"),
        (Question::Restore(n), Lang::Zh) => format!("发现上次会话中 {n} 处未保存的修改\n（程序在保存前意外结束）。\n\ny  恢复这些修改\nn  丢弃"),
    };
    overlay(frame, lang.pick(" Question ", " 确认 "), &text, area);
}
