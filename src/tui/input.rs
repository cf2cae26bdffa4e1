//! Which key does what. The keymap is data, so the help screen and the hint bar are generated
//! from the same table the key handling uses and can never disagree with it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::modes::Mode;
use crate::i18n::Lang;

/// One line of the keymap: the keys as shown, the action, and what it does in both languages.
pub struct Binding {
    /// Keys as shown to the user.
    pub keys: &'static str,
    /// What they do.
    pub action: Action,
    /// English description.
    pub en: &'static str,
    /// Chinese description.
    pub zh: &'static str,
    /// A short label for the hint bar (English, Chinese), for the keys shown there.
    pub hint: Option<(&'static str, &'static str)>,
}

const fn b(keys: &'static str, action: Action, en: &'static str, zh: &'static str) -> Binding {
    Binding {
        keys,
        action,
        en,
        zh,
        hint: None,
    }
}

const fn h(
    keys: &'static str,
    action: Action,
    en: &'static str,
    zh: &'static str,
    short: (&'static str, &'static str),
) -> Binding {
    Binding {
        keys,
        action,
        en,
        zh,
        hint: Some(short),
    }
}

/// The table's keys, in help-screen order.
pub const KEYMAP: &[Binding] = &[
    b(
        "↑↓←→ hjkl",
        Action::Down,
        "move between cells",
        "在单元格间移动",
    ),
    b("PgUp PgDn", Action::PageDown, "page up / down", "上下翻页"),
    b(
        "Home End",
        Action::Home,
        "first / last column",
        "首列 / 末列",
    ),
    b("g G", Action::Top, "first / last row", "首行 / 末行"),
    h(
        "Enter e",
        Action::Edit,
        "edit the cell (Esc cancels, Tab moves on, Ctrl-U deletes to the start)",
        "编辑单元格（Esc 取消，Tab 下一格，Ctrl-U 删除光标前的文字）",
        ("edit", "编辑"),
    ),
    h(
        "a",
        Action::Add,
        "add a row (township and village copied, the next id offered)",
        "添加一行（复制乡镇和村，编号接当前行续编）",
        ("add", "添加"),
    ),
    h(
        "d",
        Action::Delete,
        "delete the row",
        "删除该行",
        ("delete", "删除"),
    ),
    h("u Ctrl-Z", Action::Undo, "undo", "撤销", ("undo", "撤销")),
    b("Ctrl-R Ctrl-Y", Action::Redo, "redo", "重做"),
    h(
        "/",
        Action::Filter,
        "filter rows by text (Esc clears the filter)",
        "按文字筛选行（Esc 清除筛选）",
        ("filter", "筛选"),
    ),
    b(
        "n N",
        Action::NextMatch,
        "next / previous match",
        "下一个 / 上一个匹配",
    ),
    h(
        "s",
        Action::Sort,
        "sort by this column (again: reverse, off)",
        "按此列排序（再按：倒序、取消）",
        ("sort", "排序"),
    ),
    b(
        "t",
        Action::Group,
        "group by township / village, with subtotals",
        "按乡镇 / 村分组小计",
    ),
    h(
        "m",
        Action::Money,
        "amounts in 万元 / 元",
        "金额单位 万元 / 元",
        ("万元/元", "万元/元"),
    ),
    h(
        "L",
        Action::Lang,
        "中文 / English",
        "中文 / English",
        ("中文", "English"),
    ),
    b("r", Action::Rules, "the rules in force", "当前规则"),
    b(
        "w",
        Action::Why,
        "the row's whole explanation, when the pane is too short for it",
        "查看该行完整的计算说明（说明栏放不下时）",
    ),
    h(
        "b",
        Action::Budgets,
        "each budget: envelope, asked, paid and the rows its envelope cut",
        "各预算额度：额度、申请、实拨及被核减的路段",
        ("budgets", "额度"),
    ),
    b(
        "x",
        Action::Export,
        "export a report: .xlsx, .json, .jsonl, .md or .csv with every amount",
        "导出报表：.xlsx、.json、.jsonl、.md 或含全部金额的 .csv",
    ),
    b(
        "p",
        Action::Notice,
        "the notice (公示) of this row's village, beside the table as 乡镇-村.xlsx",
        "写出该行所在村的公示（与表格同一文件夹，乡镇-村.xlsx）",
    ),
    h(
        "v",
        Action::Variant,
        "what if: Δ columns under a rules file or rates like poverty.group.3.5=15万",
        "试算：按另一规则文件或标准（如 poverty.group.3.5=15万）显示 Δ 列",
        ("what if", "试算"),
    ),
    h("Ctrl-S", Action::Save, "save", "保存", ("save", "保存")),
    h(
        "q",
        Action::Quit,
        "quit (asks when there are unsaved changes)",
        "退出（有未保存修改时询问）",
        ("quit", "退出"),
    ),
    h("? F1", Action::Help, "this help", "帮助", ("help", "帮助")),
];

/// The description of a binding in `lang`.
pub fn describe(binding: &Binding, lang: Lang) -> &'static str {
    lang.pick(binding.en, binding.zh)
}

/// The action a key stands for in `mode`.
pub fn action(mode: &Mode, key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match mode {
        Mode::Edit { .. }
        | Mode::Filter { .. }
        | Mode::SaveAs { .. }
        | Mode::Export { .. }
        | Mode::Variant { .. } => Some(match key.code {
            KeyCode::Enter => Action::Accept,
            KeyCode::Esc => Action::Cancel,
            KeyCode::Tab => Action::NextCell,
            KeyCode::BackTab => Action::PrevCell,
            KeyCode::Backspace => Action::Backspace,
            KeyCode::Delete => Action::DeleteChar,
            KeyCode::Left => Action::CursorLeft,
            KeyCode::Right => Action::CursorRight,
            KeyCode::Home => Action::CursorHome,
            KeyCode::End => Action::CursorEnd,
            KeyCode::Char('a') if ctrl => Action::CursorHome,
            KeyCode::Char('e') if ctrl => Action::CursorEnd,
            KeyCode::Char('u') if ctrl => Action::DeleteToStart,
            KeyCode::Char('k') if ctrl => Action::DeleteToEnd,
            KeyCode::Char(c) if !ctrl => Action::Char(c),
            _ => return None,
        }),
        Mode::Ask(_) => match key.code {
            // Only y: Enter pressed out of habit must not overwrite or discard anything, nor a
            // chord (Ctrl-Y meant as redo, Ctrl-N) taken for its letter.
            _ if key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                None
            }
            KeyCode::Char('y' | 'Y') => Some(Action::Yes),
            KeyCode::Char('n' | 'N') => Some(Action::No),
            KeyCode::Esc => Some(Action::Cancel),
            _ => None,
        },
        Mode::Help | Mode::Rules | Mode::Why | Mode::Budgets => match key.code {
            KeyCode::Char('L') => Some(Action::Lang),
            KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::PageDown => Some(Action::PageDown),
            KeyCode::Char('q') if !ctrl => Some(Action::Cancel),
            KeyCode::Esc
            | KeyCode::Enter
            | KeyCode::Char('?')
            | KeyCode::F(1)
            | KeyCode::Char('r')
            | KeyCode::Char('w')
            | KeyCode::Char('b') => Some(Action::Cancel),
            _ => None,
        },
        Mode::Table => Some(match key.code {
            KeyCode::Char('z') if ctrl => Action::Undo,
            KeyCode::Char('r' | 'y') if ctrl => Action::Redo,
            KeyCode::Char('s') if ctrl => Action::Save,
            KeyCode::Char('c') if ctrl => Action::Quit,
            _ if ctrl => return None,
            KeyCode::Up | KeyCode::Char('k') => Action::Up,
            KeyCode::Down | KeyCode::Char('j') => Action::Down,
            KeyCode::Left | KeyCode::Char('h') | KeyCode::BackTab => Action::Left,
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => Action::Right,
            KeyCode::PageUp => Action::PageUp,
            KeyCode::PageDown => Action::PageDown,
            KeyCode::Home => Action::Home,
            KeyCode::End => Action::End,
            KeyCode::Char('g') => Action::Top,
            KeyCode::Char('G') => Action::Bottom,
            KeyCode::Enter | KeyCode::Char('e') => Action::Edit,
            KeyCode::Char('a') => Action::Add,
            KeyCode::Char('d') => Action::Delete,
            KeyCode::Char('u') => Action::Undo,
            KeyCode::Char('/') => Action::Filter,
            KeyCode::Char('n') => Action::NextMatch,
            KeyCode::Char('N') => Action::PrevMatch,
            KeyCode::Char('s') => Action::Sort,
            KeyCode::Char('t') => Action::Group,
            KeyCode::Char('q') => Action::Quit,
            KeyCode::Char('L') => Action::Lang,
            KeyCode::Char('m') => Action::Money,
            KeyCode::Char('r') => Action::Rules,
            KeyCode::Char('w') => Action::Why,
            KeyCode::Char('b') => Action::Budgets,
            KeyCode::Char('x') => Action::Export,
            KeyCode::Char('p') => Action::Notice,
            KeyCode::Char('v') => Action::Variant,
            KeyCode::Char('?') | KeyCode::F(1) => Action::Help,
            KeyCode::Esc => Action::Cancel,
            _ => return None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::modes::Question;

    /// Ctrl-N answered "quit without saving?" as n (the edits gone), and Ctrl-Y, pressed
    /// for redo, would answer "replace it?" as y: a question takes only the plain letters.
    #[test]
    fn a_question_takes_no_chord_for_its_letter() {
        let ask = Mode::Ask(Question::QuitUnsaved);
        for c in ['y', 'Y', 'n', 'N'] {
            for m in [
                KeyModifiers::CONTROL,
                KeyModifiers::ALT,
                KeyModifiers::CONTROL | KeyModifiers::SHIFT,
            ] {
                let key = KeyEvent::new(KeyCode::Char(c), m);
                assert_eq!(action(&ask, key), None, "{m:?} {c}");
            }
        }
        let plain = |c| action(&ask, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        assert_eq!(plain('y'), Some(Action::Yes));
        assert_eq!(plain('n'), Some(Action::No));
        let shifted = KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT);
        assert_eq!(action(&ask, shifted), Some(Action::Yes));
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(action(&ask, esc), Some(Action::Cancel));
    }
}
