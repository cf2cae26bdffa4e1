//! A large table shown while it is read: its first rows at once, every key that needs the
//! whole table refused (so nothing is saved, exported, written as a notice or summed from
//! part of it), and once it is read, the screen a table read whole shows.

use std::sync::atomic::AtomicU64;
use std::sync::{mpsc, Arc};

use proptest::prelude::*;

use super::super::action::Action;
use super::super::loading::{shows_first_rows, Loading};
use super::*;
use crate::table::TableError;

/// Every action there is.
const ACTIONS: [Action; 47] = [
    Action::Up,
    Action::Down,
    Action::Left,
    Action::Right,
    Action::PageUp,
    Action::PageDown,
    Action::Home,
    Action::End,
    Action::Top,
    Action::Bottom,
    Action::Edit,
    Action::Add,
    Action::Delete,
    Action::Undo,
    Action::Redo,
    Action::Filter,
    Action::NextMatch,
    Action::PrevMatch,
    Action::Sort,
    Action::Group,
    Action::Save,
    Action::Quit,
    Action::Lang,
    Action::Money,
    Action::Rules,
    Action::Why,
    Action::Budgets,
    Action::Export,
    Action::Notice,
    Action::Variant,
    Action::Help,
    Action::Char('1'),
    Action::Char('x'),
    Action::Char('/'),
    Action::Backspace,
    Action::DeleteChar,
    Action::CursorLeft,
    Action::CursorRight,
    Action::CursorHome,
    Action::CursorEnd,
    Action::Accept,
    Action::Cancel,
    Action::NextCell,
    Action::PrevCell,
    Action::Yes,
    Action::No,
    Action::Char('y'),
];

/// What works while the table is read, on the table itself.
const WORKING: [Action; 13] = [
    Action::Up,
    Action::Down,
    Action::Left,
    Action::Right,
    Action::PageUp,
    Action::PageDown,
    Action::Home,
    Action::End,
    Action::Top,
    Action::Help,
    Action::Lang,
    Action::Money,
    Action::Quit,
];

/// The example's first `head` rows shown while the whole is "read": the test hands the
/// whole over (or a fault) through the sender; the reader is at `read` bytes of `size`.
fn reading(
    path: &Path,
    head: usize,
    lang: Lang,
    read: u64,
    size: u64,
) -> (App, mpsc::Sender<Result<Doc, TableError>>) {
    let first = Sheet::load_head(path, None, &Default::default(), head).unwrap();
    assert!(first.is_partial());
    assert_eq!(first.rows.len(), head);
    let (tell, done) = mpsc::channel();
    let again = {
        let path = path.to_path_buf();
        move || {
            let rules = RuleSet::builtin();
            Sheet::load(&path).map(|sheet| Doc::new(sheet, Some(path.clone()), &rules))
        }
    };
    let loading = Loading::new(Arc::new(AtomicU64::new(read)), size, done, Box::new(again));
    let app = App::reading(first, path.to_path_buf(), RuleSet::builtin(), lang, loading);
    (app, tell)
}

/// The example in a scratch directory, and every file there with its bytes.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.csv");
    std::fs::copy(example(), &path).unwrap();
    (dir, path)
}

fn files(dir: &Path) -> Vec<(std::ffi::OsString, Vec<u8>)> {
    let mut all: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name(), std::fs::read(e.path()).unwrap_or_default())
        })
        .collect();
    all.sort();
    all
}

/// The screen, every cell with its style.
fn buffer(app: &mut App) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    app.scroll_to_cursor(view::table_rows(app, Size::new(120, 40)));
    terminal.draw(|f| view::draw(f, app)).unwrap();
    terminal.backend().buffer().clone()
}

#[test]
fn a_table_still_being_read_refuses_every_key_that_needs_it_whole() {
    let (dir, path) = scratch();
    let before = files(dir.path());
    for lang in [Lang::En, Lang::Zh] {
        for action in ACTIONS {
            let (mut app, _tell) = reading(&path, 5, lang, 1 << 20, 4 << 20);
            app.step(action, 20);
            assert_eq!(files(dir.path()), before, "{action:?}");
            assert!(!app.doc.modified(), "{action:?}");
            assert!(app.is_reading());
            if WORKING.contains(&action) {
                assert!(app.status.as_ref().is_none_or(|s| !s.error), "{action:?}");
                continue;
            }
            assert!(
                matches!(app.mode, Mode::Table),
                "{action:?}: {:?}",
                app.mode
            );
            let said = app.status.clone().map(|s| (s.text, s.error));
            let expected = match lang {
                Lang::En => "the table is still being read (25%): this needs the whole table; try again once it is read",
                Lang::Zh => "表格仍在读取（25%）：此操作需要整张表，请读完后再试",
            };
            assert_eq!(said, Some((expected.to_string(), true)), "{action:?}");
        }
    }
    // Quitting ends the program and leaves nothing behind.
    let (mut app, _tell) = reading(&path, 5, Lang::En, 0, 1);
    app.step(Action::Quit, 20);
    assert!(app.quit);
    assert_eq!(files(dir.path()), before);
}

#[test]
fn a_key_refused_while_rows_are_computed_said_still_reading_100_percent() {
    let (_dir, path) = scratch();
    for (lang, expected) in [
        (Lang::En, "every row is still being computed: this needs the whole table; try again once it is done"),
        (Lang::Zh, "表格已读完，各行仍在计算：此操作需要整张表，请计算完成后再试"),
    ] {
        // Every byte read: the rows are being computed.
        let (mut app, _tell) = reading(&path, 5, lang, 4 << 20, 4 << 20);
        app.step(Action::Save, 20);
        let said = app.status.clone().map(|s| (s.text, s.error));
        assert_eq!(said, Some((expected.to_string(), true)));
        assert!(app.is_reading());
    }
}

#[test]
fn a_table_being_read_says_how_far_it_has_got_and_shows_no_totals() {
    let (_dir, path) = scratch();
    let (mut app, _tell) = reading(&path, 5, Lang::Zh, 3 << 20, 8 << 20);
    let shown = screen(&mut app, 120, 40);
    assert!(shown[0].contains(" · 读取中 · "), "{}", shown[0]);
    assert_eq!(
        shown[38],
        "正在读取表格：37%（3/8 MB）；需要整张表的操作须等读完"
    );
    // The totals pane holds the same words, not sums of the rows read so far.
    assert!(shown
        .iter()
        .any(|l| l.contains("│正在读取表格：37%（3/8 MB）；")));
    let (mut app, _tell) = reading(&path, 5, Lang::En, 8 << 20, 8 << 20);
    let shown = screen(&mut app, 120, 40);
    assert!(shown[0].contains(" · reading · "), "{}", shown[0]);
    assert_eq!(
        shown[38],
        "computing every row; keys that need the whole table wait for it"
    );
    // Rows past the first ones are not there yet: the last row is not offered.
    app.step(Action::Bottom, 20);
    assert_eq!(app.cursor, 0);
}

#[test]
fn once_read_the_screen_is_the_one_the_table_read_whole_shows() {
    let (_dir, path) = scratch();
    for lang in [Lang::En, Lang::Zh] {
        let moves = [Action::Down, Action::Down, Action::Right, Action::Money];
        // The table read whole and the same keys pressed (its lock let go after).
        let expected = {
            let mut whole = open(&path, lang);
            for a in moves {
                whole.step(a, 20);
            }
            buffer(&mut whole)
        };
        let (mut app, tell) = reading(&path, 3, lang, 100, 1000);
        for a in moves {
            app.step(a, 20);
        }
        app.finish_reading().unwrap();
        assert!(app.is_reading(), "nothing handed over yet");
        let rules = RuleSet::builtin();
        let whole = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        tell.send(Ok(whole)).unwrap();
        app.finish_reading().unwrap();
        assert!(!app.is_reading());
        assert_eq!(buffer(&mut app), expected, "{lang:?}");
        // And it is the table: it saves.
        app.step(Action::Save, 20);
        assert!(!app.doc.modified());
        assert_eq!(app.status.as_ref().map(|s| s.error), Some(false));
    }
}

#[test]
fn a_table_that_cannot_be_read_whole_ends_with_its_fault_and_a_lost_reader_is_read_again() {
    let (_dir, path) = scratch();
    let (mut app, tell) = reading(&path, 3, Lang::En, 0, 1000);
    tell.send(Err(TableError::Io(std::io::Error::from(
        std::io::ErrorKind::PermissionDenied,
    ))))
    .unwrap();
    let e = app.finish_reading().unwrap_err();
    assert_eq!(
        e.render("plan.csv", Lang::En),
        "plan.csv: cannot read: permission denied"
    );
    // A reader that ended without a word: the table is read here, whole, never the first
    // rows taken for all of it.
    let (mut app, tell) = reading(&path, 3, Lang::En, 0, 1000);
    drop(tell);
    app.finish_reading().unwrap();
    assert!(!app.is_reading());
    assert_eq!(
        app.doc.sheet.rows.len(),
        open(&path, Lang::En).doc.sheet.rows.len()
    );
    assert!(!app.doc.sheet.is_partial());
}

#[test]
fn only_a_large_csv_under_budgets_that_only_report_is_shown_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(super::super::loading::WHOLE_UP_TO + 1)
        .unwrap();
    let small = dir.path().join("small.csv");
    std::fs::write(&small, "id\n").unwrap();
    let book = dir.path().join("big.xlsx");
    std::fs::copy(&big, &book).unwrap();
    let rules = RuleSet::builtin();
    assert!(shows_first_rows(&big, &rules));
    assert!(!shows_first_rows(&small, &rules));
    assert!(!shows_first_rows(&book, &rules));
    assert!(!shows_first_rows(&dir.path().join("none.csv"), &rules));
    // A budget that shares an envelope out makes each row's amounts depend on all the rows.
    let shipped = include_str!("../../../rules.toml");
    let prorating = RuleSet::from_toml(
        &shipped.replacen(
            "amount = \"690万\"\n",
            "amount = \"690万\"\non_overrun = \"prorate\"\n",
            1,
        ),
        "rules.toml",
    )
    .unwrap();
    assert!(!shows_first_rows(&big, &prorating));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever is pressed while the table is read, no file is written, changed or removed,
    /// nothing is changed in the table, and it is still being read.
    #[test]
    fn no_keys_pressed_while_a_table_is_read_write_anything(
        keys in prop::collection::vec(prop::sample::select(ACTIONS.to_vec()), 1..40)
    ) {
        let (dir, path) = scratch();
        let before = files(dir.path());
        let (mut app, _tell) = reading(&path, 6, Lang::Zh, 10, 100);
        let rows = app.doc.sheet.rows.clone();
        for action in keys {
            app.step(action, 3);
            prop_assert_eq!(files(dir.path()), before.clone());
            prop_assert!(!app.doc.modified());
            prop_assert_eq!(&app.doc.sheet.rows, &rows);
            prop_assert!(app.is_reading());
            prop_assert!(matches!(app.mode, Mode::Table | Mode::Help), "{:?}", app.mode);
            prop_assert!(app.sort.is_none() && app.filter.is_none());
            if app.quit {
                break;
            }
        }
    }
}
