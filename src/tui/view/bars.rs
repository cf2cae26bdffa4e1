//! The one-line bars around the table: the title (file, rows, filter, rules), the status line
//! (the last message, or the prompt being typed into with its cursor) and the key hints.

use ratatui::layout::{Position, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::i18n::Lang;
use crate::textwidth::{cells, char_cells, one_line, truncate};
use crate::tui::action::Action;
use crate::tui::app::{App, Status};
use crate::tui::input::KEYMAP;
use crate::tui::modes::Mode;

/// The hint bar's keys, most needed first (what does not fit is cut from the end).
const HINT_ORDER: [Action; 13] = [
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
    Action::Budgets,
    Action::Variant,
];

/// The title bar: the file, whether it is modified, the rows, the filter and the rules' name.
pub fn title(app: &App, width: u16) -> Paragraph<'static> {
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
        // Rows only: a grouped table's subtotals are lines, not rows.
        (Some(f), Lang::En) => format!(" · filter \"{f}\": {} shown", app.shown_rows()),
        (Some(f), Lang::Zh) => format!(" · 筛选\"{f}\"：显示 {} 行", app.shown_rows()),
        (None, _) => String::new(),
    };
    // The unit amounts are shown in (a variant's changes too), then the one the file's bare
    // numbers are read in (when its title rows or --amount-unit said one): two different
    // things, each named. While a variant is shown, the unit follows it, so that what tells
    // two variants apart comes first on a narrow screen.
    let unit = match (app.unit, lang) {
        (crate::tui::cells::Unit::Wan, _) => "万元",
        (_, Lang::En) => "yuan",
        (_, Lang::Zh) => "元",
    };
    let shown = match lang {
        Lang::En => format!(" · amounts shown in {unit}"),
        Lang::Zh => format!(" · 金额单位：{unit}"),
    };
    let variant = app.doc.variant();
    let early = if variant.is_some() {
        ""
    } else {
        shown.as_str()
    };
    let units = app.doc.sheet.columns.units.short(lang);
    // Lines of the table (as a save writes them); when some are totals or note rows, how
    // many are segments too.
    let others = app.doc.not_segments();
    let segments = match (others, lang) {
        (0, _) => String::new(),
        (_, Lang::En) => {
            let n = rows - others;
            format!(" ({n} {})", if n == 1 { "segment" } else { "segments" })
        }
        (_, Lang::Zh) => format!("（{} 个路段）", rows - others),
    };
    let head = match (lang, app.is_reading()) {
        // The rows read so far are not the table's.
        (Lang::En, true) => format!(" roadsub — {file} · reading{early}{units}{filter}"),
        (Lang::Zh, true) => format!(" roadsub — {file} · 读取中{early}{units}{filter}"),
        (Lang::En, false) => format!(
            " roadsub — {file}{modified} · {rows} {}{segments}{early}{units}{filter}",
            if rows == 1 { "row" } else { "rows" }
        ),
        (Lang::Zh, false) => {
            format!(" roadsub — {file}{modified} · {rows} 行{segments}{early}{units}{filter}")
        }
    };
    // The variant gets what the line has left (the rules' name is cut first), so that what
    // tells two variants apart is seen: its label puts that first.
    let variant = match variant {
        Some(v) => {
            let before = lang.pick(" · Δ variant ", " · Δ 试算 ");
            let room = usize::from(width)
                .saturating_sub(cells(&head) + cells(before) + cells(&shown))
                .max(24);
            format!("{before}{}{shown}", v.source.label(room))
        }
        None => String::new(),
    };
    let name = app.rules.meta.display_name(lang);
    let text = format!("{head}{variant} · {name}");
    Paragraph::new(truncate(&text, usize::from(width))).style(Style::new().bold().reversed())
}

/// Where the terminal's own cursor goes in the status line `area`: where typing goes, so an
/// input method's window follows it.
pub fn typing_cursor(app: &App, area: Rect) -> Option<Position> {
    let width = usize::from(area.width);
    let p = prompt(app, width)?;
    let x = area.x + (cells(&p.label) + cells(&p.before)).min(width - 1) as u16;
    Some(Position::new(x, area.y))
}

/// The message said while a prompt is open (why what was typed was refused, or what the
/// prompt is for): on the key hints' line under the prompt, in the whole width, until the
/// next key (beside the prompt it had a part of the line, and a long one could not be read).
fn prompt_message(app: &App, width: usize) -> Option<Line<'static>> {
    let s = app.status.as_ref()?;
    if !matches!(
        app.mode,
        Mode::Edit { .. } | Mode::Export { .. } | Mode::SaveAs { .. } | Mode::Variant { .. }
    ) {
        return None;
    }
    let (text, style) = said(s);
    Some(Line::from(Span::styled(truncate(&text, width), style)))
}

/// The message said while a prompt is open, wrapped to `width`, when it takes more than
/// one line: up to `most` lines (the last one then cut), drawn under the prompt, which
/// goes up to make room (a refusal's advice is at its end: "… or save under a new name
/// ending in .csv").
pub fn prompt_message_lines(app: &App, width: usize, most: usize) -> Option<Vec<Line<'static>>> {
    prompt_message(app, width)?;
    // The what-if prompt says the whole reason in its box above.
    if matches!(app.mode, Mode::Variant { .. }) {
        return None;
    }
    let (text, style) = said(app.status.as_ref()?);
    if cells(&text) <= width || most < 2 {
        return None;
    }
    Some(wrapped(&text, style, width, most))
}

/// `text` wrapped to `width` in `style`, up to `most` lines, the last one then cut.
fn wrapped(text: &str, style: Style, width: usize, most: usize) -> Vec<Line<'static>> {
    let ranges = super::wrap::wrap(text, width);
    let mut lines: Vec<String> = ranges
        .iter()
        .take(most)
        .map(|r| text[r.clone()].to_string())
        .collect();
    if ranges.len() > most {
        lines[most - 1] = truncate(&text[ranges[most - 1].start..], width);
    }
    lines
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// A message as the screen says it, on one line, and its style: a refusal marked `✗`, in
/// bold red; anything else green.
fn said(s: &Status) -> (String, Style) {
    match s.error {
        true => (
            format!("✗ {}", one_line(&s.text)),
            Style::new().red().bold(),
        ),
        false => (one_line(&s.text).into_owned(), Style::new().green()),
    }
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
            Span::raw(one_line(&self.label).into_owned()).bold(),
            Span::raw(one_line(&self.before).into_owned()),
            Span::raw(one_line(&self.at).into_owned()).reversed(),
            Span::raw(one_line(&self.after).into_owned()),
        ])
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
        let w = char_cells(c);
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
            let w = char_cells(*c);
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

/// The unit a bare number typed into the current cell is read in, after its title, when the
/// header does not name it (` (万元)`, `（万元）`): the table may be shown in another unit
/// (`m`), and 520000 typed into a 万元 column shown in yuan was 52亿 without a word.
fn typed_unit(app: &App) -> String {
    use crate::table::units::{length_name, money_name};
    use crate::table::Field;
    let columns = &app.doc.sheet.columns;
    let Some(field) = columns
        .field_at(app.col)
        .filter(|&f| !columns.names_own_unit(f))
    else {
        return String::new();
    };
    let scale = columns.scale(field);
    let unit = match field {
        f if f.is_money() => money_name(scale, app.lang),
        Field::Length | Field::Completed => length_name(scale, app.lang),
        _ => return String::new(),
    };
    match app.lang {
        Lang::En => format!(" ({unit})"),
        Lang::Zh => format!("（{unit}）"),
    }
}

/// The cursor's column as a prompt names it: its heading, or where it is when its heading
/// is blank (`column 10`, `第 10 列`; it read `edit : …`).
fn column_said(app: &App) -> String {
    let title = app.title(app.col);
    if !title.trim().is_empty() {
        return title.to_string();
    }
    match app.lang {
        Lang::En => format!("column {}", app.col + 1),
        Lang::Zh => format!("第 {} 列", app.col + 1),
    }
}

fn prompt_parts(app: &App) -> Option<(String, &str, usize)> {
    let lang = app.lang;
    match &app.mode {
        Mode::Edit { buffer, cursor } => Some((
            // The colon of the prompt's language, as the other prompts have it.
            format!(
                "{} {}{}{}",
                lang.pick("edit", "编辑"),
                column_said(app),
                typed_unit(app),
                lang.pick(": ", "：")
            ),
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
                "export to (.xlsx .json .jsonl .md .csv): ",
                "导出到（.xlsx .json .jsonl .md .csv）：",
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
        // With a variant shown, the prompt says how to clear it.
        Mode::Variant { buffer, cursor } => Some((
            match app.doc.variant() {
                Some(_) => lang.pick("variant (empty clears it): ", "试算（留空回车即清除）："),
                None => lang.pick("variant: ", "试算："),
            }
            .to_string(),
            buffer.as_str(),
            *cursor,
        )),
        _ => None,
    }
}

/// The last message wrapped to `width`, when it takes more than one line and no prompt is
/// open (a message cut at the terminal's edge could not be read whole: "… (x still
/// expor"): as many lines as it takes, up to `most` (the last one then cut), drawn over the
/// key hints and the lines above the status line until the next key clears it. A refusal
/// ends with what to do about it, so the end is what must not be cut.
pub fn message_lines(app: &App, width: usize, most: usize) -> Option<Vec<Line<'static>>> {
    if prompt(app, width).is_some() || width == 0 || most == 0 {
        return None;
    }
    let s = app.status.as_ref()?;
    let (text, style) = said(s);
    if cells(&text) <= width {
        return None;
    }
    Some(wrapped(&text, style, width, most))
}

/// The status line: the prompt being typed into, or the last message.
pub fn status(app: &App, width: usize) -> Paragraph<'static> {
    let line = match prompt(app, width) {
        // What is said while it is open goes under it (see `prompt_message`).
        Some(p) => p.line(),
        None => match &app.status {
            Some(s) => {
                let (text, style) = said(s);
                Line::from(Span::styled(truncate(&text, width), style))
            }
            None => match app.reading_said() {
                Some(said) => Line::from(Span::raw(truncate(&said, width)).yellow()),
                None => Line::from(""),
            },
        },
    };
    Paragraph::new(line)
}

/// The key hints: what the keys do in the mode, as many whole hints as fit; while a prompt
/// is open with a message, the message instead.
pub fn hints(app: &App, width: usize) -> Paragraph<'static> {
    if let Some(said) = prompt_message(app, width) {
        return Paragraph::new(said);
    }
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
        Mode::SaveAs { .. } if app.doc.sheet.workbook.is_some() && app.csv_only => {
            vec![Span::raw(lang.pick(
                "a new name ending in .csv: a copy as .xlsx would keep what stopped the save · Enter saves · Esc cancels",
                "输入以 .csv 结尾的新文件名：另存为 .xlsx 仍会遇到同样的问题 · Enter 保存 · Esc 取消",
            ))]
        }
        Mode::SaveAs { .. } if app.doc.sheet.workbook.is_some() => vec![Span::raw(lang.pick(
            "a new name (.xlsx or .csv): this workbook cannot be written back as it is · Enter saves · Esc cancels",
            "输入新文件名（.xlsx 或 .csv）：此工作簿无法按原样写回 · Enter 保存 · Esc 取消",
        ))],
        Mode::SaveAs { .. } => vec![Span::raw(lang.pick(
            "type a file name (.csv, or .xlsx for a workbook) · Enter saves · Esc cancels",
            "输入文件名（.csv，或 .xlsx 存为工作簿）· Enter 保存 · Esc 取消",
        ))],
        Mode::Variant { .. } => vec![Span::raw(lang.pick(
            "a rules file, or poverty.group.3.5=15万 (several: spaces/commas) · Esc cancels",
            "规则文件，或如 poverty.group.3.5=15万（多项用空格或逗号分隔）· Esc 取消",
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
