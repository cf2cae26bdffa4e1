//! The interactive table against a plain model of it: random sequences of what a user does
//! (edits with good and bad values, add, delete, undo, redo, sort, filter, group, save, a
//! crash and the recovery after it, quit and reopen), each driven through [`App::step`] as the
//! keys would, and after every step the rows, the lines shown, the totals, the modified flag,
//! the recovery file and the file on disk compared with the model's (and, after a delete,
//! where the cursor is).
//!
//! The model is a list of rows of strings, an undo history of whole snapshots, and the rows
//! last written to disk (modified means the two differ); its totals come from the engine's `compute` on segments built from
//! the values' known meanings, not from the table reader.

use std::path::Path;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::super::action::Action;
use super::*;
use crate::engine::{self, Cost, Segment};

const HEADER: [&str; 8] = [
    "id",
    "township",
    "village",
    "class",
    "width_m",
    "length_km",
    "cost",
    "remark",
];

/// The file at the start: the second row is short (no remark), as a hand-edited file can be;
/// the fourth's village holds a zero-width space (refused: it would be a village of its own).
const START: &str = "id,township,village,class,width_m,length_km,cost,remark\n\
                     E1,T1,V1,village,4.5,2,1600000,a\n\
                     E2,T1,V2,group,3.5,1.5,450000\n\
                     E3,T2,V1,通村,6,0.85,168万,\n\
                     E6,T2,V\u{200B}1,社道,3.5,1.5,45万,\n";

/// Values typed into each column; those the table must refuse are in [`BAD`].
const POOLS: [&[&str]; 8] = [
    // Ｅ1 and E\u{200B}4 read as E1 and E4: typed beside them, they repeat them.
    &["E1", "E2", "E4", "E5", "Ｅ1", "E\u{200B}4"],
    &["T1", "T2", "T3"],
    // V\u{200B}1 shows as V1, V\u{A0}1 as V 1, but each would be a village of its own:
    // refused. A name on two lines is one village however its lines end.
    &[
        "V1",
        "V2",
        "V 1",
        "V\u{200B}1",
        "V\u{A0}1",
        "V\r\n1",
        "V\n1",
    ],
    &["village", "group", "通村", "社道", "highway"],
    &["3.5", "4.5", "6", "3.0", "wide"],
    &["2", "1.5", "0.85", "850米", "far"],
    &["1600000", "168万", "45万", "100000", "cheap"],
    &["", "x", "二组至五组"],
];

const BAD: [&str; 6] = ["highway", "wide", "far", "cheap", "V\u{200B}1", "V\u{A0}1"];

/// What a value means, for the model's own segments.
fn number(text: &str) -> Option<Decimal> {
    Some(match text {
        "3.5" => Decimal::new(35, 1),
        "4.5" => Decimal::new(45, 1),
        "6" => Decimal::from(6),
        "3.0" => Decimal::from(3),
        "2" => Decimal::from(2),
        "1.5" => Decimal::new(15, 1),
        "0.85" | "850米" => Decimal::new(85, 2),
        "1600000" => Decimal::from(1_600_000),
        "168万" => Decimal::from(1_680_000),
        "45万" | "450000" => Decimal::from(450_000),
        "100000" => Decimal::from(100_000),
        _ => return None,
    })
}

/// One thing the user does. `line` picks a line on screen (modulo how many there are).
#[derive(Debug, Clone)]
enum Step {
    Edit {
        line: usize,
        col: usize,
        value: &'static str,
    },
    Add {
        line: usize,
    },
    Delete {
        line: usize,
    },
    /// Undo (redo) with the cursor on line `line` first.
    Undo {
        line: usize,
    },
    Redo {
        line: usize,
    },
    Sort {
        col: usize,
    },
    Filter(Option<&'static str>),
    Group,
    Save,
    /// The program dies; the next start is offered the recovery file and accepts it.
    Crash,
    /// Quit (saving first or not when asked), then start again.
    Reopen {
        save: bool,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let edit = (0..8usize, 0..8usize).prop_flat_map(|(line, col)| {
        prop::sample::select(POOLS[col]).prop_map(move |value| Step::Edit { line, col, value })
    });
    prop_oneof![
        8 => edit,
        2 => (0..8usize).prop_map(|line| Step::Add { line }),
        2 => (0..8usize).prop_map(|line| Step::Delete { line }),
        3 => (0..8usize).prop_map(|line| Step::Undo { line }),
        2 => (0..8usize).prop_map(|line| Step::Redo { line }),
        1 => prop::sample::select(&[0usize, 1, 2, 7][..]).prop_map(|col| Step::Sort { col }),
        1 => prop::option::of(prop::sample::select(&["t1", "V2", "e", "二组", "zzz"][..]))
            .prop_map(Step::Filter),
        1 => Just(Step::Group),
        2 => Just(Step::Save),
        1 => Just(Step::Crash),
        1 => any::<bool>().prop_map(|save| Step::Reopen { save }),
    ]
}

type Rows = Vec<Vec<String>>;

/// A line on screen, as the model expects it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shown {
    Row(usize),
    Subtotal(String),
}

struct Model {
    rows: Rows,
    /// The undo history: snapshots, and where we are in it.
    history: Vec<Rows>,
    /// How each snapshot was reached from the one before (the first: from nothing).
    how: Vec<Change>,
    at: usize,
    /// The rows in the file on disk.
    disk: Rows,
    /// Snapshots reached since the table was last the same as the file: what the recovery
    /// file replays.
    journal: Vec<(Rows, Change)>,
    sort: Option<(usize, bool)>,
    filter: Option<String>,
    grouping: u8,
}

/// How the rows went from one snapshot to the next: a field set, a row inserted at or
/// deleted from an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// The table as opened (the first snapshot, reached from nothing).
    Opened,
    /// Field `1` of row `0` set.
    Set(usize, usize),
    Insert(usize),
    Delete(usize),
}

impl Change {
    /// The change that takes it back.
    fn inverse(self) -> Change {
        match self {
            other @ (Change::Opened | Change::Set(..)) => other,
            Change::Insert(at) => Change::Delete(at),
            Change::Delete(at) => Change::Insert(at),
        }
    }
}

fn csv_rows(text: &str) -> Rows {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

impl Model {
    fn new() -> Model {
        let rows = csv_rows(START);
        Model {
            history: vec![rows.clone()],
            how: vec![Change::Opened],
            disk: rows.clone(),
            rows,
            at: 0,
            journal: Vec::new(),
            sort: None,
            filter: None,
            grouping: 0,
        }
    }

    /// Modified means: not the rows on disk, however that came about.
    fn modified(&self) -> bool {
        self.rows != self.disk
    }

    /// After the rows reached a new state by a change, an undo or a redo (`how`).
    fn reached(&mut self, how: Change) {
        if self.modified() {
            self.journal.push((self.rows.clone(), how));
        } else {
            self.journal.clear();
        }
    }

    fn change(&mut self, rows: Rows, how: Change) {
        self.history.truncate(self.at + 1);
        self.how.truncate(self.at + 1);
        self.history.push(rows.clone());
        self.how.push(how);
        self.at += 1;
        self.rows = rows;
        self.reached(how);
    }

    /// An undo (to the snapshot before) or a redo (to the one after); how the rows changed.
    fn moved(&mut self, undo: bool) -> Change {
        let how = match undo {
            true => self.how[self.at].inverse(),
            false => self.how[self.at + 1],
        };
        self.at = if undo { self.at - 1 } else { self.at + 1 };
        self.rows = self.history[self.at].clone();
        self.reached(how);
        how
    }

    /// A fresh start on the file (after a quit or a crash): one history entry.
    fn reopen(&mut self) {
        self.rows = self.disk.clone();
        self.history = vec![self.rows.clone()];
        self.how = vec![Change::Opened];
        self.at = 0;
        self.journal.clear();
        self.sort = None;
        self.filter = None;
        self.grouping = 0;
    }

    /// Whether row `r` can be computed, and its segment.
    fn segment(&self, r: usize, rules: &RuleSet) -> Option<Segment> {
        let row = &self.rows[r];
        if row.len() != HEADER.len() || row[..3].iter().any(|f| f.trim().is_empty()) {
            return None;
        }
        if row[1..3]
            .iter()
            .any(|f| f.contains('\u{200B}') || f.contains('\u{A0}'))
        {
            return None;
        }
        let id = reads(row[0].trim());
        if self.rows[..r]
            .iter()
            .any(|o| o.first().map(|f| reads(f.trim())) == Some(id.clone()))
        {
            return None;
        }
        Some(Segment::new(
            rules.class_by_name(&row[3])?,
            number(&row[4])?,
            number(&row[5])?,
            Cost::Total(number(&row[6])?),
        ))
    }

    fn subsidy(&self, rows: impl Iterator<Item = usize>, rules: &RuleSet) -> (u64, Decimal) {
        rows.filter_map(|r| self.segment(r, rules))
            .map(|s| engine::compute(rules, &s).unwrap().subsidy_total)
            .fold((0, Decimal::ZERO), |(n, t), s| (n + 1, t + s))
    }

    /// The lines the table should show: filtered, sorted, grouped with subtotals.
    fn lines(&self) -> Vec<Shown> {
        let cell = |r: usize, c: usize| self.rows[r].get(c).map_or("", String::as_str);
        let mut order: Vec<usize> = (0..self.rows.len())
            .filter(|&r| match &self.filter {
                Some(f) => self.rows[r]
                    .iter()
                    .any(|x| x.to_lowercase().contains(&f.to_lowercase())),
                None => true,
            })
            .collect();
        if let Some((c, desc)) = self.sort {
            // Text columns only, in the order reports list names (numbers inside by value:
            // E2 before E10); blanks last either way.
            order.sort_by(|&a, &b| {
                let (ta, tb) = (cell(a, c).trim(), cell(b, c).trim());
                let up = crate::textorder::compare(ta, tb);
                let by = if desc { up.reverse() } else { up };
                ta.is_empty().cmp(&tb.is_empty()).then(by)
            });
        }
        if self.grouping == 0 {
            return order.into_iter().map(Shown::Row).collect();
        }
        // A name's line ends written `\r\n` or `\n` are one name's.
        let place = |r: usize, c: usize| cell(r, c).trim().replace("\r\n", "\n");
        let key = |r: usize| match self.grouping {
            1 => place(r, 1),
            _ => crate::report::summary::village_key(&place(r, 1), &place(r, 2)),
        };
        // Groups naming nothing (no township; by village, no village either) come last.
        let nameless = |r: usize| match self.grouping {
            1 => cell(r, 1).trim().is_empty(),
            _ => cell(r, 1).trim().is_empty() && cell(r, 2).trim().is_empty(),
        };
        // Groups in the order every report lists them (`sort_grouped`), the nameless last.
        let by = match self.grouping {
            1 => crate::report::summary::GroupBy::Township,
            _ => crate::report::summary::GroupBy::Village,
        };
        let mut groups: Vec<(String, ())> = order.iter().map(|&r| (key(r), ())).collect();
        groups.sort_unstable();
        groups.dedup();
        crate::report::summary::sort_grouped(by, &mut groups);
        let rank: std::collections::HashMap<String, usize> = groups
            .into_iter()
            .enumerate()
            .map(|(at, (name, ()))| (name, at))
            .collect();
        order.sort_by_key(|&r| (nameless(r), rank[&key(r)]));
        let mut lines = Vec::new();
        for (i, &r) in order.iter().enumerate() {
            lines.push(Shown::Row(r));
            if order.get(i + 1).is_none_or(|&n| key(n) != key(r)) {
                lines.push(Shown::Subtotal(key(r)));
            }
        }
        lines
    }
}

/// Moves to line `line` (and column `col`) with the keys a user would press.
fn go_to(app: &mut App, line: usize, col: Option<usize>) {
    app.step(Action::Top, 10);
    for _ in 0..line {
        app.step(Action::Down, 10);
    }
    assert_eq!(app.cursor, line.min(app.lines.len().saturating_sub(1)));
    if let Some(c) = col {
        go_to_col(app, c);
    }
}

fn go_to_col(app: &mut App, col: usize) {
    app.step(Action::Home, 10);
    for _ in 0..col {
        app.step(Action::Right, 10);
    }
    assert_eq!(app.col, col);
}

/// Types `text` into the field being edited, replacing what was there.
fn type_over(app: &mut App, text: &str) {
    app.step(Action::CursorEnd, 10);
    while matches!(&app.mode, Mode::Edit { buffer, .. } | Mode::Filter { buffer, .. } if !buffer.is_empty())
    {
        app.step(Action::Backspace, 10);
    }
    for c in text.chars() {
        app.step(Action::Char(c), 10);
    }
}

fn sheet_rows(app: &App) -> Rows {
    app.doc
        .sheet
        .rows
        .iter()
        .map(|r| (0..r.len()).map(|i| r.get(i).to_string()).collect())
        .collect()
}

/// Where the cursor should be once the model's rows changed by `how`, the cursor on line
/// `at` of `lines` (shown before): on the row added, brought back or whose field was set
/// (by an edit, an undo or a redo) when it is shown; on the next row shown before that is
/// still shown (else the last before it) when a field set hides the row the cursor was on; else on what it was on, the same row (its number moved past a
/// row added or taken away before it) or the same group's subtotal; else on its line, the
/// last if there are fewer.
fn cursor_after(m: &Model, (lines, at): (&[Shown], usize), how: Change) -> usize {
    let now = m.lines();
    if let Change::Insert(a) | Change::Set(a, _) = how {
        if let Some(p) = now.iter().position(|l| *l == Shown::Row(a)) {
            return p;
        }
    }
    let anchor = match lines.get(at) {
        Some(Shown::Row(r)) => match how {
            Change::Insert(a) if *r >= a => Some(Shown::Row(r + 1)),
            Change::Delete(d) if *r == d => None,
            Change::Delete(d) if *r > d => Some(Shown::Row(r - 1)),
            // A field set that hides the row: the next row shown before that is still
            // shown, else the last such before it.
            Change::Set(..) if !now.contains(&Shown::Row(*r)) => {
                let still = |l: &&Shown| matches!(l, Shown::Row(_)) && now.contains(l);
                (lines[at + 1..].iter().find(still))
                    .or_else(|| lines[..at].iter().rev().find(still))
                    .cloned()
            }
            _ => Some(Shown::Row(*r)),
        },
        other => other.cloned(),
    };
    anchor
        .and_then(|a| now.iter().position(|l| *l == a))
        .unwrap_or(at)
        .min(now.len().saturating_sub(1))
}

/// Does `step` (not a restart) to the app and the model.
fn apply(app: &mut App, m: &mut Model, step: &Step) {
    let lines = m.lines();
    let pick = |line: usize| (!lines.is_empty()).then(|| line % lines.len());
    let row_at = |i: Option<usize>| match i.and_then(|i| lines.get(i)) {
        Some(Shown::Row(r)) => Some(*r),
        _ => None,
    };
    match step {
        Step::Edit { line, col, value } => {
            let Some(i) = pick(*line) else { return };
            go_to(app, i, Some(*col));
            app.step(Action::Edit, 10);
            let Some(r) = row_at(Some(i)) else {
                assert_eq!(app.mode, Mode::Table, "a subtotal is not edited");
                return;
            };
            type_over(app, value);
            app.step(Action::Accept, 10);
            let old = m.rows[r].get(*col).map_or("", String::as_str);
            let taken = *col == 0
                && m.rows.iter().enumerate().any(|(o, row)| {
                    o != r && row.first().map(|f| reads(f.trim())) == Some(reads(value.trim()))
                });
            if old == *value {
            } else if BAD.contains(value) || taken {
                assert!(matches!(app.mode, Mode::Edit { .. }), "{value:?} refused");
                assert!(app.status.as_ref().is_some_and(|s| s.error));
                app.step(Action::Cancel, 10);
            } else {
                let mut rows = m.rows.clone();
                if rows[r].len() <= *col {
                    rows[r].resize(*col + 1, String::new());
                }
                rows[r][*col] = value.to_string();
                m.change(rows, Change::Set(r, *col));
                // The cursor follows the row, or, the row hidden by the filter, stays on its
                // line (review 30: Tab then edited the row shown there as if it were this one).
                assert_eq!(
                    app.cursor,
                    cursor_after(m, (&lines, i), Change::Set(r, *col)),
                    "after editing"
                );
            }
        }
        Step::Add { line } => {
            // With no line on screen the cursor is at 0.
            let cursor = pick(*line).unwrap_or(0);
            go_to(app, cursor, None);
            app.step(Action::Add, 10);
            // Adding clears a filter first; the cursor stays on its row or its group's
            // subtotal (where a row is added as on any subtotal), or its line number.
            let added = if m.filter.take().is_some() {
                let all = m.lines();
                let at = match lines.get(cursor) {
                    Some(shown) => all.iter().position(|l| l == shown),
                    None => Some(cursor.min(all.len().saturating_sub(1))),
                };
                let from = match at.and_then(|i| all.get(i)) {
                    Some(Shown::Row(r)) => Some(*r),
                    _ => None,
                };
                add(m, from)
            } else {
                add(m, row_at(Some(cursor)))
            };
            // On the row added.
            assert_eq!(
                app.cursor,
                cursor_after(m, (&[], 0), Change::Insert(added)),
                "after adding"
            );
        }
        Step::Delete { line } => {
            let Some(i) = pick(*line) else { return };
            go_to(app, i, None);
            app.step(Action::Delete, 10);
            if let Some(r) = row_at(Some(i)) {
                let mut rows = m.rows.clone();
                rows.remove(r);
                m.change(rows, Change::Delete(r));
                // The cursor stays on its line, now the line shown after the deleted row
                // (review 29: it went to the file's next row, wherever that was shown).
                assert_eq!(
                    app.cursor,
                    cursor_after(m, (&lines, i), Change::Delete(r)),
                    "after deleting"
                );
            }
        }
        Step::Undo { line } | Step::Redo { line } => {
            let undo = matches!(step, Step::Undo { .. });
            let i = pick(*line).unwrap_or(0);
            go_to(app, i, None);
            app.step(if undo { Action::Undo } else { Action::Redo }, 10);
            if (undo && m.at == 0) || (!undo && m.at + 1 == m.history.len()) {
                return;
            }
            let how = m.moved(undo);
            assert_eq!(
                app.cursor,
                cursor_after(m, (&lines, i), how),
                "the cursor after {step:?}"
            );
            // A field set again is shown with its column too, where its row is shown.
            if let Change::Set(r, col) = how {
                if m.lines().contains(&Shown::Row(r)) {
                    assert_eq!(app.col, col, "the column after {step:?}");
                }
            }
        }
        Step::Sort { col } => {
            go_to_col(app, *col);
            app.step(Action::Sort, 10);
            m.sort = match m.sort {
                Some((c, false)) if c == *col => Some((c, true)),
                Some((c, true)) if c == *col => None,
                _ => Some((*col, false)),
            };
        }
        Step::Filter(text) => {
            app.step(Action::Filter, 10);
            match text {
                Some(t) => {
                    type_over(app, t);
                    app.step(Action::Accept, 10);
                    m.filter = Some(t.to_string());
                }
                None => {
                    app.step(Action::Cancel, 10);
                    m.filter = None;
                }
            }
        }
        Step::Group => {
            app.step(Action::Group, 10);
            m.grouping = (m.grouping + 1) % 3;
        }
        Step::Save => {
            app.step(Action::Save, 10);
            m.disk = m.rows.clone();
            m.journal.clear();
        }
        Step::Crash | Step::Reopen { .. } => unreachable!("see restart"),
    }
}

/// Ends the program (a crash, or a quit that saves or not when asked) and starts it again on
/// the same file, accepting the recovery offer after a crash.
fn restart(slot: &mut Option<App>, m: &mut Model, step: &Step, path: &Path) {
    let app = slot.as_mut().expect("running");
    if let Step::Reopen { save } = step {
        app.step(Action::Quit, 10);
        if m.modified() {
            assert_eq!(app.mode, Mode::Ask(Question::QuitUnsaved));
            app.step(if *save { Action::Yes } else { Action::No }, 10);
            if *save {
                m.disk = m.rows.clone();
            }
        }
        assert!(app.quit);
    }
    let unsaved = if matches!(step, Step::Crash) {
        m.journal.clone()
    } else {
        Vec::new()
    };
    // The old one goes first: a crash or a quit ends the process, and its lock with it.
    *slot = None;
    let app = slot.insert(open(path, Lang::En));
    m.reopen();
    if unsaved.is_empty() {
        assert_eq!(app.mode, Mode::Table, "nothing to recover");
        return;
    }
    let n = unsaved.len();
    assert_eq!(app.mode, Mode::Ask(Question::Restore(n)));
    app.step(Action::Yes, 10);
    assert_eq!(
        app.status.as_ref().unwrap().text,
        format!(
            "{n} unsaved {} restored (u undoes them one by one)",
            if n == 1 { "change" } else { "changes" }
        )
    );
    for (rows, how) in unsaved {
        m.change(rows, how);
    }
}

/// A row added below `from` (at the end without one), its township and village copied.
/// An id as the table reads it: the pools' full-width Ｅ is E, a zero-width space nothing.
fn reads(id: &str) -> String {
    id.replace('Ｅ', "E").replace('\u{200B}', "")
}

/// The id offered after `id` (ids here are letters then ASCII digits, unpadded): one more,
/// then on until no row has it; none for an id not ending in a digit.
fn next_id(rows: &Rows, id: &str) -> String {
    let digits = id.trim_start_matches(|c: char| !c.is_ascii_digit());
    let (prefix, Ok(mut n)) = (&id[..id.len() - digits.len()], digits.parse::<u64>()) else {
        return String::new();
    };
    loop {
        n += 1;
        let next = format!("{prefix}{n}");
        if !rows
            .iter()
            .any(|r| r.first().map(|x| reads(x.trim())) == Some(reads(&next)))
        {
            return next;
        }
    }
}

fn add(m: &mut Model, from: Option<usize>) -> usize {
    let mut row = vec![String::new(); HEADER.len()];
    if let Some(f) = from {
        for c in [1, 2] {
            row[c] = m.rows[f].get(c).cloned().unwrap_or_default();
        }
    }
    // The id follows the row added after, or the last row on a subtotal line.
    if let Some(after) = from.or(m.rows.len().checked_sub(1)) {
        let id = m.rows[after].first().cloned().unwrap_or_default();
        row[0] = next_id(&m.rows, id.trim());
    }
    let mut rows = m.rows.clone();
    let at = from.map_or(rows.len(), |f| f + 1);
    rows.insert(at, row);
    m.change(rows, Change::Insert(at));
    at
}

/// Everything the user can see or lose agrees with the model.
fn check(app: &App, m: &Model, path: &Path, step: &Step) -> Result<(), TestCaseError> {
    prop_assert_eq!(&app.mode, &Mode::Table, "after {:?}", step);
    prop_assert_eq!(sheet_rows(app), m.rows.clone(), "rows after {:?}", step);
    let shown: Vec<Shown> = app
        .lines
        .iter()
        .map(|l| match l {
            Line::Row(r) => Shown::Row(*r),
            Line::Subtotal(s) => Shown::Subtotal(s.key.clone()),
        })
        .collect();
    let expected = m.lines();
    prop_assert_eq!(&shown, &expected, "lines after {:?}", step);
    let rules = &app.rules;
    let (segments, subsidy) = m.subsidy(0..m.rows.len(), rules);
    let total = &app.doc.summary().total;
    prop_assert_eq!(total.segments, segments, "segments after {:?}", step);
    prop_assert_eq!(
        total.subsidy_total.value(),
        subsidy,
        "subsidy after {:?}",
        step
    );
    // Each group's subtotal: the rows above it back to the previous subtotal.
    let mut group = Vec::new();
    for (line, want) in app.lines.iter().zip(&expected) {
        match (line, want) {
            (Line::Subtotal(s), Shown::Subtotal(_)) => {
                let (_, sum) = m.subsidy(group.drain(..), rules);
                prop_assert_eq!(
                    s.totals.subsidy_total.value(),
                    sum,
                    "subtotal {} after {:?}",
                    s.key,
                    step
                );
            }
            (_, Shown::Row(r)) => group.push(*r),
            _ => {}
        }
    }
    prop_assert_eq!(
        app.doc.modified(),
        m.modified(),
        "modified after {:?}",
        step
    );
    if !app.doc.modified() {
        prop_assert_eq!(&m.rows, &m.disk, "unmodified yet not the file");
    }
    prop_assert_eq!(
        journal::Journal::exists(path),
        m.modified(),
        "a recovery file exactly while modified, after {:?}",
        step
    );
    let disk = std::fs::read_to_string(path).unwrap();
    prop_assert_eq!(
        csv_rows(&disk),
        m.disk.clone(),
        "file on disk after {:?}",
        step
    );
    Ok(())
}

/// The table and the model, from the file at the start through `steps`, agree after each.
fn agree(steps: &[Step]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.csv");
    std::fs::write(&path, START).unwrap();
    let mut app = Some(open(&path, Lang::En));
    let mut m = Model::new();
    for s in steps {
        match s {
            Step::Crash | Step::Reopen { .. } => restart(&mut app, &mut m, s, &path),
            _ => apply(app.as_mut().expect("running"), &mut m, s),
        }
        check(app.as_ref().expect("running"), &m, &path, s)?;
    }
    Ok(())
}

/// CI's case: every row deleted, then rows added on an empty table are alike (no id to
/// follow, nothing to copy), so which of two equal rows was added cannot be told from the
/// rows; the model once guessed it from them and expected the cursor on the other one. It
/// keeps how each change was made now.
#[test]
fn rows_added_alike_are_told_apart_by_where_they_were_added() {
    let mut steps = vec![Step::Delete { line: 0 }; 3];
    steps.extend([
        Step::Add { line: 0 },
        Step::Add { line: 0 },
        Step::Add { line: 2 },
        Step::Undo { line: 2 },
        Step::Redo { line: 0 },
    ]);
    agree(&steps).unwrap();
}

/// Seven rows added after E1 take the ids E4 to E10; sorted by id, E10 comes after E9, as
/// every report lists names with numbers in them. The model once sorted text byte by byte
/// (E10 before E2) and so disagreed with the table.
#[test]
fn the_model_sorts_ids_past_e9_by_their_number_as_the_table_does() {
    let mut steps = vec![Step::Add { line: 0 }; 7];
    steps.push(Step::Sort { col: 0 });
    steps.push(Step::Sort { col: 0 });
    agree(&steps).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn the_interactive_table_agrees_with_a_plain_model(steps in prop::collection::vec(step(), 1..24)) {
        agree(&steps)?;
    }
}
