//! Windows drawn over the table: the help, the rules in force, the current row's whole
//! explanation and the questions; centred, scrolled when taller than the screen.

use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::panes::DetailPane;
use crate::i18n::Lang;
use crate::textwidth::{cells, truncate};
use crate::tui::app::App;
use crate::tui::input::{describe, KEYMAP};
use crate::tui::modes::{Mode, Question};

/// The window the mode shows over the table, if any.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    match &app.mode {
        Mode::Help => help(frame, app, area),
        Mode::Rules => rules(frame, app, area),
        Mode::Why => why(frame, app, area),
        Mode::Budgets => budgets(frame, app, area),
        Mode::Ask(q) => ask(frame, app, q, area),
        Mode::Variant { .. } => variant(frame, app, area),
        _ => {}
    }
}

/// Above the variant prompt: the variant shown now, in full (the title bar and the status
/// line have room for only its start), and why what was typed was refused, whole.
fn variant(frame: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let mut lines: Vec<Line<'static>> = Vec::new();
    // What was just refused first: it is what is being corrected.
    if let Some(s) = app.status.as_ref().filter(|s| s.error) {
        lines.push(Line::from(format!("✗ {}", s.text)).red().bold());
    }
    if let Some(v) = app.doc.variant() {
        lines.push(Line::from(lang.pick("Shown now:", "当前试算：")).bold());
        for said in v.source.describe(&app.rules, lang) {
            lines.push(Line::from(format!("• {said}")));
        }
    }
    if lines.is_empty() {
        return;
    }
    let width = area.width;
    let lines = super::wrap::wrap_lines(&lines, usize::from(width.saturating_sub(2)));
    // It stands on the status line (two lines from the bottom), over the table if need be.
    let bottom = area.height.saturating_sub(2);
    let height = (lines.len() as u16 + 2).min(bottom);
    let r = Rect {
        x: area.x,
        y: area.y + bottom - height,
        width,
        height,
    };
    frame.render_widget(Clear, r);
    let title = lang.pick(" What if ", " 试算 ");
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        r,
    );
}

/// The rules in force, scrolled as far as `overlay_scroll` asks.
fn rules(frame: &mut Frame, app: &App, area: Rect) {
    let title = app.lang.pick(
        " Rules in force (↑↓ PgUp PgDn scroll, Esc closes) ",
        " 当前规则（↑↓ 翻页键滚动，Esc 关闭） ",
    );
    let text = crate::rules::describe(&app.rules, app.lang);
    app.overlay_max.set(scrolled(
        frame,
        title,
        &text,
        area,
        app.overlay_scroll,
        hang,
    ));
}

/// Each budget's envelope and the rows it cut, scrolled as far as `overlay_scroll` asks.
fn budgets(frame: &mut Frame, app: &App, area: Rect) {
    let title = app.lang.pick(
        " Budgets, in yuan (↑↓ PgUp PgDn scroll, Esc closes) ",
        " 预算额度（元；↑↓ 翻页键滚动，Esc 关闭） ",
    );
    let text = super::allocation::text(app);
    app.overlay_max.set(scrolled(
        frame,
        title,
        &text,
        area,
        app.overlay_scroll,
        |l, inner| vec![truncate(l, inner)],
    ));
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

/// The fewest cells a column keeps to wrap in; narrower, its line is cut.
const HANG_ROOM: usize = 10;

/// `line` in `inner` cells: too wide, its last column (after the last two spaces: a value, a
/// list of aliases, a quotation) wraps under itself, so the columns before it stay aligned
/// and nothing is cut; a rule (────) or a column with too little room left is cut with `…`.
fn hang(line: &str, inner: usize) -> Vec<String> {
    if cells(line) <= inner {
        return vec![line.to_string()];
    }
    let body = line.trim_start_matches(' ');
    let indent = line.len() - body.len();
    let start = body.rfind("  ").map_or(indent, |i| {
        indent + i + body[i..].len() - body[i..].trim_start().len()
    });
    let (head, tail) = line.split_at(start);
    let room = inner.saturating_sub(cells(head));
    if room < HANG_ROOM || tail.chars().all(|c| c == '─') {
        return vec![truncate(line, inner)];
    }
    let pad = " ".repeat(cells(head));
    super::wrap::wrap(tail, room)
        .into_iter()
        .enumerate()
        .map(|(i, r)| format!("{}{}", if i == 0 { head } else { &pad }, &tail[r]))
        .collect()
}

/// A window with each line given by `fit` in its width (tables must not wrap: a line is
/// cut or wraps only its last column), scrolled down by `scroll` lines when it is taller
/// than the screen; returns how far it can scroll.
fn scrolled(
    frame: &mut Frame,
    title: &str,
    text: &str,
    area: Rect,
    scroll: usize,
    fit: impl Fn(&str, usize) -> Vec<String>,
) -> usize {
    let width = (text
        .lines()
        .map(cells)
        .max()
        .unwrap_or(20)
        .max(cells(title))
        + 4)
    .min(usize::from(area.width));
    let inner = width.saturating_sub(2);
    let lines: Vec<String> = text.lines().flat_map(|l| fit(l, inner)).collect();
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
            "{}: ↑↓ PgUp PgDn scroll, Esc closes ",
            DetailPane::title(app.lang).trim_end()
        ),
        Lang::Zh => format!(
            "{}：↑↓ 翻页键滚动，Esc 关闭 ",
            DetailPane::title(app.lang).trim_end()
        ),
    };
    let width = area
        .width
        .saturating_sub(4)
        .min(100)
        .max(cells(&title) as u16 + 2);
    let text = DetailPane::new(app).trace(usize::from(width.saturating_sub(2)));
    let lines = text.len();
    let height = (lines + 2).min(usize::from(area.height.saturating_sub(2)));
    let max = lines.saturating_sub(height - 2);
    app.overlay_max.set(max);
    let scroll = app.overlay_scroll.min(max);
    let r = centred(area, width, height as u16);
    clear_around(frame, r, area);
    frame.render_widget(
        Paragraph::new(text[scroll..].to_vec()).block(Block::bordered().title(title)),
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
    // Lines wider than the screen wrap.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let lines: Vec<Line<'static>> = text.lines().map(|l| Line::from(l.to_string())).collect();
    let lines = super::wrap::wrap_lines(&lines, inner);
    let height = lines.len() as u16 + 2;
    let r = centred(area, width, height);
    clear_around(frame, r, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title.to_string())),
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
    app.overlay_max.set(scrolled(
        frame,
        title,
        &text,
        area,
        app.overlay_scroll,
        hang,
    ));
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
