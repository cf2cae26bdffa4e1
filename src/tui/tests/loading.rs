//! A large table shown while it is read: its first rows at once, every key that needs the
//! whole table refused (so nothing is saved, exported, written as a notice or summed from
//! part of it), and once it is read, the screen a table read whole shows.

use std::sync::atomic::AtomicU64;
use std::sync::{mpsc, Arc};

use proptest::prelude::*;

use super::super::action::Action;
use super::super::brief::Column;
use super::super::loading::{first_rows, shows_first_rows, Loading, HEAD_ROWS};
use super::*;
use crate::table::TableError;

/// Every action there is.
const ACTIONS: [Action; 49] = [
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
    Action::DeleteToStart,
    Action::DeleteToEnd,
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
    reading_under(&RuleSet::builtin(), path, head, lang, (read, size))
}

/// [`reading`] under `rules`, the reader at `read.0` bytes of `read.1`.
fn reading_under(
    rules: &RuleSet,
    path: &Path,
    head: usize,
    lang: Lang,
    (read, size): (u64, u64),
) -> (App, mpsc::Sender<Result<Doc, TableError>>) {
    let first = first_rows(path, None, &Default::default(), rules, head).expect("first rows");
    assert!(first.sheet.is_partial());
    assert_eq!(first.sheet.rows.len(), head);
    let (tell, done) = mpsc::channel();
    let again = {
        let path = path.to_path_buf();
        let rules = rules.clone();
        move || Sheet::load(&path).map(|sheet| Doc::new(sheet, Some(path.clone()), &rules))
    };
    let loading = Loading::new(Arc::new(AtomicU64::new(read)), size, done, Box::new(again));
    let app = App::reading(first, rules.clone(), lang, loading);
    (app, tell)
}

/// Rules whose budgets share envelopes out: the example's two prorated budgets (village and
/// group roads' poverty money), the same two paid in order, and group roads per village
/// after the county's group envelope, both prorated (two counting passes).
fn sharing_rules() -> Vec<(&'static str, RuleSet)> {
    let prorate = include_str!("../../../examples/anyue-2018-prorate.toml");
    let village = include_str!("../../../tests/data/anyue-2018-village-group-50.toml");
    let county = "amount = \"690万\"\n";
    assert!(village.contains(county));
    let all = [
        ("prorate", prorate.to_string()),
        (
            "in_order",
            prorate.replace("on_overrun = \"prorate\"", "on_overrun = \"in_order\""),
        ),
        (
            "per village",
            village.replacen(county, &format!("{county}on_overrun = \"prorate\"\n"), 1),
        ),
    ];
    all.into_iter()
        .map(|(name, text)| (name, RuleSet::from_toml(&text, "rules.toml").unwrap()))
        .collect()
}

/// A table of `rows` segments in three villages, village and group roads in turn, all asking
/// far more than the envelopes hold; the rows after the first 2,000 ask as much again and
/// some of them come first in order (priority 1), so the first rows' shares in the whole
/// table are not those they would get alone. A row of each part cannot be computed (its
/// width is a word) and asks nothing. Every 50th row's township is quoted, so it is read
/// as a record of its own rather than with the plain lines around it.
fn shared_out_table(dir: &Path, rows: usize) -> PathBuf {
    use std::fmt::Write;
    let mut text = String::from("编号,乡镇,村,类别,宽度,长度,投资,优先级\n");
    let places = [
        ("天马乡", "画青村"),
        ("天马乡", "三湾村"),
        ("石鼓镇", "大骥村"),
    ];
    for i in 0..rows {
        let (township, village) = places[i % places.len()];
        let township = match i % 50 {
            0 => format!("\"{township}\""),
            _ => township.to_string(),
        };
        let (class, width) = match i % 2 {
            0 => ("通村", "4.5"),
            _ => ("社道", "3.5"),
        };
        let width = if i == 17 || i == 2100 { "宽" } else { width };
        let km = 1 + i % 4;
        let priority = if i >= HEAD_ROWS && i % 7 == 0 {
            "1"
        } else {
            ""
        };
        writeln!(
            text,
            "S{i:05},{township},{village},{class},{width},{km}.{:03},{}万,{priority}",
            i % 1000,
            100 * km + i % 13
        )
        .unwrap();
    }
    let path = dir.join("shared.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// Every amount the table keeps of a row.
fn columns(rules: &RuleSet) -> Vec<Column> {
    (0..rules.funds.len())
        .map(Column::Paid)
        .chain([
            Column::Subsidy,
            Column::Shortfall,
            Column::Gap,
            Column::Due,
            Column::Outstanding,
            Column::Cost,
        ])
        .collect()
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
    let mut rules = vec![RuleSet::builtin()];
    rules.extend(sharing_rules().into_iter().map(|(_, r)| r));
    for (lang, rules) in [Lang::En, Lang::Zh]
        .into_iter()
        .flat_map(|l| rules.iter().map(move |r| (l, r)))
    {
        for action in ACTIONS {
            let (mut app, _tell) = reading_under(rules, &path, 5, lang, (1 << 20, 4 << 20));
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
    let mut all = vec![("report", RuleSet::builtin())];
    all.extend(sharing_rules());
    for ((name, rules), lang) in all.iter().flat_map(|r| [(r, Lang::En), (r, Lang::Zh)]) {
        let moves = [Action::Down, Action::Down, Action::Right, Action::Money];
        // The table read whole and the same keys pressed (its lock let go after).
        let expected = {
            let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), rules);
            let mut whole = App::new(doc, rules.clone(), lang);
            for a in moves {
                whole.step(a, 20);
            }
            buffer(&mut whole)
        };
        let (mut app, tell) = reading_under(rules, &path, 3, lang, (100, 1000));
        for a in moves {
            app.step(a, 20);
        }
        app.finish_reading().unwrap();
        assert!(app.is_reading(), "nothing handed over yet");
        let whole = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), rules);
        tell.send(Ok(whole)).unwrap();
        app.finish_reading().unwrap();
        assert!(!app.is_reading());
        assert_eq!(buffer(&mut app), expected, "{name} {lang:?}");
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
fn only_a_large_csv_is_shown_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(super::super::loading::WHOLE_UP_TO + 1)
        .unwrap();
    let small = dir.path().join("small.csv");
    std::fs::write(&small, "id\n").unwrap();
    let book = dir.path().join("big.xlsx");
    std::fs::copy(&big, &book).unwrap();
    assert!(shows_first_rows(&big));
    assert!(!shows_first_rows(&small));
    assert!(!shows_first_rows(&book));
    assert!(!shows_first_rows(&dir.path().join("none.csv")));
}

#[test]
fn a_shared_out_tables_first_rows_get_the_shares_the_whole_table_gives_them() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = shared_out_table(dir.path(), HEAD_ROWS + 600);
    // The same table in GB18030, as Excel saves a CSV on a Chinese Windows.
    let gb = dir.path().join("gb.csv");
    let text = std::fs::read_to_string(&utf8).unwrap();
    std::fs::write(&gb, encoding_rs::GB18030.encode(&text).0).unwrap();
    let tables = [(&utf8, "UTF-8"), (&gb, "GB18030")];
    let all = sharing_rules();
    for (path, (name, rules)) in tables
        .iter()
        .flat_map(|&(p, _)| all.iter().map(move |r| (p, r)))
    {
        let (cut, differ) = first_rows_as_whole(path, name, rules);
        let head = first_rows(path, None, &Default::default(), rules, 20).unwrap();
        assert!(!head.is_good(17), "the bad row asks nothing");
        assert!(cut > 1000, "{name}: most rows are cut ({cut})");
        // Paid in order, the first rows alone would be paid whole until the envelope ran
        // out; in the whole table the rows of priority 1 after them are paid first.
        assert!(
            differ > 100,
            "{name}: alone they get other shares ({differ})"
        );
    }
}

/// Checks that the first 2,000 rows of the table at `path` show under `rules` what the table
/// read whole shows of them; how many amounts a budget cut, and how many differ from what
/// the first rows computed alone would show.
fn first_rows_as_whole(path: &Path, name: &str, rules: &RuleSet) -> (usize, usize) {
    let whole = Doc::new(Sheet::load(path).unwrap(), Some(path.to_path_buf()), rules);
    let head = first_rows(path, None, &Default::default(), rules, HEAD_ROWS).expect(name);
    // The first rows computed alone: what a first screen without the whole table's
    // shares would show.
    let alone = first_rows(
        path,
        None,
        &Default::default(),
        &RuleSet::builtin(),
        HEAD_ROWS,
    )
    .map(|d| Doc::new(d.sheet, None, rules))
    .unwrap();
    let (mut cut, mut differ) = (0, 0);
    for at in 0..HEAD_ROWS {
        assert_eq!(head.is_good(at), whole.is_good(at), "{name}: row {at}");
        for c in columns(rules) {
            let shown = head.amount(at, c);
            assert_eq!(shown, whole.amount(at, c), "{name}: row {at}, {c:?}");
            differ += usize::from(alone.amount(at, c) != shown);
        }
        for slot in 0..whole.allocating().len() {
            assert_eq!(
                head.cut_of(at, slot),
                whole.cut_of(at, slot),
                "{name}: {at}"
            );
            cut += usize::from(whole.cut_of(at, slot).is_some());
        }
        // Its explanation, to the notes that say what the envelope was asked.
        if at % 61 == 0 {
            assert_eq!(
                format!("{:?}", head.calc(rules, at)),
                format!("{:?}", whole.calc(rules, at)),
                "{name}: row {at}"
            );
        }
    }
    (cut, differ)
}

#[test]
fn a_shared_out_tables_first_screen_is_the_whole_tables_but_for_its_totals() {
    let dir = tempfile::tempdir().unwrap();
    let path = shared_out_table(dir.path(), HEAD_ROWS + 600);
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    for (name, rules) in sharing_rules() {
        for lang in [Lang::En, Lang::Zh] {
            let (mut app, _tell) = reading_under(&rules, &path, HEAD_ROWS, lang, (1, 2));
            let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
            let mut whole = App::new(doc, rules.clone(), lang);
            for moves in [
                &[][..],
                &[Action::Down; 17],
                &[Action::PageDown, Action::Right, Action::Money],
            ] {
                for &a in moves {
                    app.step(a, 20);
                    whole.step(a, 20);
                }
                let (shown, expected) = (buffer(&mut app), buffer(&mut whole));
                let [title, _, _, totals, status, _] = view::layout(&whole, area);
                assert_eq!(view::layout(&app, area), view::layout(&whole, area));
                let mut same = 0;
                for (y, x) in (0..area.height).flat_map(|y| (0..area.width).map(move |x| (y, x))) {
                    let at = ratatui::layout::Position::new(x, y);
                    // The title says it is being read, the totals pane and the status line
                    // how far: nothing else differs.
                    if title.contains(at) || totals.contains(at) || status.contains(at) {
                        continue;
                    }
                    assert_eq!(
                        shown[at], expected[at],
                        "{name} {lang:?} {moves:?}: ({x}, {y})"
                    );
                    same += 1;
                }
                assert!(same > 120 * 30, "{same}");
            }
            // The row explained is cut by a budget, and says what its envelope was asked.
            let detail = view::detail_lines(&app, 60).join("\n");
            assert_eq!(detail, view::detail_lines(&whole, 60).join("\n"));
        }
    }
}

#[test]
fn a_shared_out_table_with_a_repeated_id_or_a_line_the_reader_skips_is_read_whole_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = shared_out_table(dir.path(), HEAD_ROWS + 600);
    let text = std::fs::read_to_string(&path).unwrap();
    let report = RuleSet::builtin();
    let faults = [
        // A later group road (under every budget here) repeats a first row's id: which of
        // them is the repeat (and asks nothing) is the whole table's to say.
        text.replacen("S02301,", "S00003,", 1),
        // The first row's id again, with blanks around it (ids are trimmed).
        text.replacen("S02599,", " S00000 ,", 1),
        // A line with more fields than a record may hold, after the first rows.
        format!("{text}{}\n", ",".repeat(crate::table::MAX_FIELDS + 1)),
    ];
    for (k, fault) in faults.iter().enumerate() {
        std::fs::write(&path, fault).unwrap();
        for (name, rules) in sharing_rules() {
            let head = first_rows(&path, None, &Default::default(), &rules, HEAD_ROWS);
            assert!(head.is_none(), "{name}: fault {k}");
        }
        // Budgets that only report: each row is its own, shown at once all the same.
        assert!(first_rows(&path, None, &Default::default(), &report, HEAD_ROWS).is_some());
    }
    // Repeats that ask nothing change no share: subtotal rows (小计) before and after the
    // first rows, and a row that cannot be computed given a first row's id.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2301, "小计,,,,,,1000万,");
    lines.insert(101, "小计,,,,,,1000万,");
    let repeats = format!("{}\n", lines.join("\n")).replacen("S02100,", "S00001,", 1);
    std::fs::write(&path, repeats).unwrap();
    for (name, rules) in sharing_rules() {
        let (cut, _) = first_rows_as_whole(&path, name, &rules);
        assert!(cut > 1000, "{name}");
    }
    // An empty id repeats nothing.
    std::fs::write(
        &path,
        text.replacen("S02300,", ",", 1).replacen("S02301,", ",", 1),
    )
    .unwrap();
    let (name, rules) = &sharing_rules()[0];
    assert!(
        first_rows(&path, None, &Default::default(), rules, HEAD_ROWS).is_some(),
        "{name}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever is pressed while the table is read, no file is written, changed or removed,
    /// nothing is changed in the table, and it is still being read.
    #[test]
    fn no_keys_pressed_while_a_table_is_read_write_anything(
        keys in prop::collection::vec(prop::sample::select(ACTIONS.to_vec()), 1..40),
        sharing in 0..4usize,
    ) {
        let (dir, path) = scratch();
        let before = files(dir.path());
        // Budgets that only report, or one of those that share envelopes out.
        let rules = match sharing {
            0 => RuleSet::builtin(),
            k => sharing_rules().swap_remove(k - 1).1,
        };
        let (mut app, _tell) = reading_under(&rules, &path, 6, Lang::Zh, (10, 100));
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
