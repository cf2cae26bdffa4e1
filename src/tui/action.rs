//! Everything that can happen in the interactive table, whatever key or test caused it.

/// One thing the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Move the cursor.
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    /// First / last column.
    Home,
    End,
    /// First / last row.
    Top,
    Bottom,
    /// Edit the current cell.
    Edit,
    /// Add a row below the current one.
    Add,
    /// Delete the current row.
    Delete,
    Undo,
    Redo,
    /// Start typing a filter.
    Filter,
    NextMatch,
    PrevMatch,
    /// Sort by the current column (again: reverse, then off).
    Sort,
    /// Group by township, then village, then not at all.
    Group,
    Save,
    Quit,
    /// Switch 中文 / English.
    Lang,
    /// Switch 万元 / 元.
    Money,
    /// Show the rules in force.
    Rules,
    /// Show the current row's whole explanation.
    Why,
    /// Show how each budget's envelope was shared out.
    Budgets,
    /// Write a report of the table (xlsx, JSON, Markdown or CSV).
    Export,
    /// Write the notice (公示) of the current row's village beside the table.
    Notice,
    /// Compare with a variant: another rules file or changed rates (again: clear it).
    Variant,
    Help,
    /// While typing: a character, and the editing keys.
    Char(char),
    Backspace,
    DeleteChar,
    CursorLeft,
    CursorRight,
    CursorHome,
    CursorEnd,
    /// Delete what is before the cursor (Ctrl-U) / from it to the end (Ctrl-K).
    DeleteToStart,
    DeleteToEnd,
    /// Accept what was typed (Enter).
    Accept,
    /// Leave the current mode without a change (Esc).
    Cancel,
    /// Accept and move to the next / previous cell (Tab / Shift-Tab).
    NextCell,
    PrevCell,
    /// Answers to a question.
    Yes,
    No,
}
