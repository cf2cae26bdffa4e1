//! The interactive table (SPEC §7): edit planned segments and see subsidies, shortfalls and
//! budget use change as you type.
//!
//! - [`doc`]: the table, its breakdowns, totals and undo history ([`results`]: what one rule
//!   set makes of the rows; [`brief`]: what is kept of each row's breakdown; [`saved`]:
//!   whether it differs from the file; [`variant`]: a variant's rules computed beside them);
//! - [`journal`]: every change written beside the file, so a crash loses nothing; [`lock`]:
//!   one editor per table, so a second never takes the first one's journal for a crash's;
//! - [`action`]: what can happen; [`input`]: which key does it (and the help text);
//! - [`app`]: the state, and [`App::step`](app::App::step) applying an action; the state's
//!   concerns beside it: [`lines`] (filter, sort, groups and the cursor), [`cells`] (what a
//!   cell says), [`edits`] (changing rows, undo), [`modes`] (typing, prompts, questions;
//!   [`text`]: the text being typed), [`files`] (save, export, recovery; [`export`]: the
//!   report written); [`loading`]: a large table's first rows shown while the rest is read
//!   ([`shares`]: with the shares of envelopes the whole table gives them);
//! - [`view`]: draws the state, computing nothing; [`watch`]: ends the table on a signal or
//!   a lost terminal.

pub mod action;
pub mod alloc;
pub mod app;
pub mod brief;
pub mod cells;
pub mod doc;
pub mod edits;
pub mod export;
pub mod files;
pub mod input;
pub mod journal;
pub mod lines;
pub mod loading;
pub mod lock;
pub mod modes;
pub mod nextid;
pub mod notice;
pub mod prorated;
pub mod results;
pub mod saved;
pub mod shares;
pub mod text;
pub mod variant;
pub mod view;
pub mod watch;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::{cursor, event as ev, execute, terminal};
use ratatui::Terminal;

use crate::i18n::Lang;
use crate::rules::RuleSet;
use crate::table::sheet::Sheet;
use app::App;
use doc::Doc;

/// Why the interactive table could not run or stopped before the user quit.
#[derive(Debug)]
pub enum TuiError {
    /// Standard input or output is not a terminal.
    NoTerminal,
    /// The table could not be opened.
    Open {
        /// The file as named on the command line.
        label: String,
        error: crate::table::TableError,
    },
    /// The terminal could not be set up (raw mode, the alternate screen, the watcher).
    Terminal(io::Error),
    /// A signal or a lost terminal ended it; whether unsaved changes were left (they are in
    /// the recovery journal).
    Stopped { unsaved: bool },
}

impl TuiError {
    /// The message for standard error, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            TuiError::NoTerminal => lang
                .pick(
                    "the interactive table needs a terminal; to compute a file in a script use: roadsub batch FILE",
                    "交互式表格需要在终端中运行；在脚本中计算文件请用：roadsub batch 文件",
                )
                .to_string(),
            TuiError::Open { label, error } => error.render(label, lang),
            TuiError::Terminal(e) => match lang {
                Lang::En => format!("the terminal could not be set up: {}", lang.io_reason(e)),
                Lang::Zh => format!("无法设置终端：{}", lang.io_reason(e)),
            },
            TuiError::Stopped { unsaved } => stopped(lang, *unsaved),
        }
    }
}

/// Reads the table at `path` for editing under `rules`: a header that the rules make
/// ambiguous (two columns of the amount approved for one fund) is refused before any row is
/// shown, as a header with two columns for one field is.
pub fn open_table(
    path: &std::path::Path,
    encoding: Option<crate::table::Encoding>,
    header: &crate::table::HeaderOptions,
    rules: &RuleSet,
) -> Result<Sheet, crate::table::TableError> {
    let sheet = Sheet::load_with(path, None, encoding, header)?;
    refuse_ambiguous(sheet, rules)
}

/// [`open_table`] for a CSV table, storing in `read` how many bytes have been read.
pub fn open_table_watched(
    path: &std::path::Path,
    encoding: Option<crate::table::Encoding>,
    header: &crate::table::HeaderOptions,
    rules: &RuleSet,
    read: &std::sync::atomic::AtomicU64,
) -> Result<Sheet, crate::table::TableError> {
    refuse_ambiguous(Sheet::load_watched(path, encoding, header, read)?, rules)
}

/// `sheet`, unless the rules make its header ambiguous.
pub(crate) fn refuse_ambiguous(
    sheet: Sheet,
    rules: &RuleSet,
) -> Result<Sheet, crate::table::TableError> {
    let problems = sheet.columns.approved_problems(rules);
    if problems.is_empty() {
        Ok(sheet)
    } else {
        Err(crate::table::TableError::Header {
            problems,
            found: sheet.columns.names.clone(),
        })
    }
}

/// Opens the table at `path` (a new one when `None` or when the file does not exist yet) and
/// runs the interactive table until the user quits.
pub fn run(
    path: Option<PathBuf>,
    encoding: Option<crate::table::Encoding>,
    header: &crate::table::HeaderOptions,
    rules: RuleSet,
    lang: Lang,
) -> Result<(), TuiError> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(TuiError::NoTerminal);
    }
    let label = path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let opened = |error| TuiError::Open {
        label: label.clone(),
        error,
    };
    let workbook = path
        .clone()
        .filter(|p| crate::table::workbook::is_workbook(p));
    // A large table: its first rows at once, the rest read meanwhile.
    let first = path
        .as_ref()
        .and_then(|p| loading::first_screen(p, encoding, header, &rules, lang));
    let mut app = match first {
        Some(app) => app,
        // Otherwise (or when the first rows have a fault: reading it all names every one),
        // read whole first.
        None => {
            let sheet = match &path {
                Some(p) if p.exists() => open_table(p, encoding, header, &rules).map_err(opened)?,
                _ => Sheet::empty_in(lang, encoding),
            };
            let doc = Doc::new(sheet, path, &rules);
            App::new(doc, rules, lang)
        }
    };
    // A workbook with a table on other sheets too: the one open is said to be the first.
    if let Some(p) = workbook {
        let tables = crate::table::workbook::others::tables_in(&p, header);
        let name = p.display().to_string();
        if let Some(said) = crate::table::workbook::others::said(&name, &tables, true, lang) {
            app.say_owned(said, false);
        }
    }
    let unsaved = Arc::new(AtomicBool::new(false));
    let flags = {
        let unsaved = unsaved.clone();
        watch::start(move || {
            // The event loop is stuck on a terminal that has gone; every edit is already in
            // the recovery journal. The lock goes with the process; its file (whichever the
            // editor holds now, after a "save as" too) goes too.
            lock::remove_held_files();
            restore();
            let message = stopped(lang, unsaved.load(Ordering::Relaxed));
            let _ = writeln!(io::stderr(), "roadsub: {message}");
            std::process::exit(1);
        })
        .map_err(TuiError::Terminal)?
    };
    let mut terminal = setup().map_err(|e| {
        // Raw mode may be on already.
        restore();
        TuiError::Terminal(e)
    })?;
    let result = reading(&mut terminal, &mut app, &flags.stop, || {
        if event::poll(Duration::from_millis(50))? {
            event::read().map(Some)
        } else {
            Ok(None)
        }
    })
    .map_err(|e| match e {
        Ok(error) => opened(error),
        Err(stopped) => stopped,
    })
    .and_then(|()| {
        session(&mut terminal, &mut app, &flags.stop, &unsaved, || {
            if event::poll(Duration::from_millis(250))? {
                event::read().map(Some)
            } else {
                Ok(None)
            }
        })
    });
    flags.done.store(true, Ordering::Relaxed);
    restore();
    // Dropping the terminal would show the cursor again, and on a terminal that has gone it
    // reports that failure with eprintln!, which panics: the process ends just after this,
    // so the terminal is left to it.
    std::mem::forget(terminal);
    result
}

/// Raw mode, the alternate screen and bracketed paste (so a paste arrives as one piece of
/// text, never as keys that would run commands), with a panic hook that undoes them.
fn setup() -> io::Result<Terminal<CrosstermBackend<io::Stdout>>> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // calamine's panic on a damaged workbook, caught while a table is read: the
            // table view goes on, its terminal as it is.
            if crate::table::workbook::panic_swallowed(info) {
                return;
            }
            restore();
            previous(info);
        }));
    });
    terminal::enable_raw_mode()?;
    execute!(
        io::stdout(),
        terminal::EnterAlternateScreen,
        ev::EnableBracketedPaste
    )?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Puts the terminal back as it was. It may have gone (a closed window): every step is tried
/// and failures are ignored. Nothing here may panic — it also runs in the panic hook, where a
/// second panic aborts the process — so it does not print either (`eprintln!` panics when
/// standard error has gone with the terminal).
fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        ev::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
}

/// What ended the table when it was not the user's quit, and that unsaved changes are not lost.
fn stopped(lang: Lang, unsaved: bool) -> String {
    let text = if unsaved {
        lang.pick(
            "stopped by a signal or a lost terminal; unsaved changes are kept and will be offered at the next start",
            "因信号或终端断开而终止；未保存的修改已保留，下次启动时可恢复",
        )
    } else {
        lang.pick(
            "stopped by a signal or a lost terminal",
            "因信号或终端断开而终止",
        )
    };
    text.to_string()
}

/// While the table is read: draws its first rows and reads events (the keys that need the
/// whole table are refused) until it is read whole and takes their place, or the user quits
/// (`Ok`); the table's fault (`Err(Ok)`) when it cannot be read, or how a signal or a lost
/// terminal ended it (`Err(Err)`).
fn reading<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    stop: &AtomicBool,
    mut next: impl FnMut() -> io::Result<Option<Event>>,
) -> Result<(), Result<crate::table::TableError, TuiError>> {
    let lost = Err(Err(TuiError::Stopped { unsaved: false }));
    while app.is_reading() && !app.quit {
        if stop.load(Ordering::Relaxed) {
            return lost;
        }
        app.finish_reading().map_err(Ok)?;
        if !app.is_reading() {
            break;
        }
        let Ok(size) = terminal.size() else {
            return lost;
        };
        let page = view::table_rows(app, size);
        app.scroll_to_cursor(page);
        if terminal.draw(|frame| view::draw(frame, app)).is_err() {
            return lost;
        }
        match next() {
            Err(_) => return lost,
            Ok(Some(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                if !shown(terminal) {
                    // q still quits a table with nothing unsaved: there is no question to
                    // answer unseen, and a terminal that cannot grow is not a trap.
                    let q = key.code == event::KeyCode::Char('q') && key.modifiers.is_empty();
                    if q && matches!(app.mode, modes::Mode::Table) && !app.doc.modified() {
                        app.quit = true;
                    }
                    continue;
                }
                if let Some(action) = input::action(&app.mode, key) {
                    app.step(action, page);
                }
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Draws and reads events until the user quits (`Ok`), or a signal or a terminal that can no
/// longer be drawn on or read from ends it ([`TuiError::Stopped`]: exit status 1).
/// `next` waits a little for an event (`None` when there was none).
fn session<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    stop: &AtomicBool,
    unsaved: &AtomicBool,
    mut next: impl FnMut() -> io::Result<Option<Event>>,
) -> Result<(), TuiError> {
    let lost = |app: &App| {
        Err(TuiError::Stopped {
            unsaved: app.doc.modified(),
        })
    };
    while !app.quit {
        if stop.load(Ordering::Relaxed) {
            return lost(app);
        }
        unsaved.store(app.doc.modified(), Ordering::Relaxed);
        let Ok(size) = terminal.size() else {
            return lost(app);
        };
        let page = view::table_rows(app, size);
        app.scroll_to_cursor(page);
        if terminal.draw(|frame| view::draw(frame, app)).is_err() {
            return lost(app);
        }
        match next() {
            Err(_) => return lost(app),
            Ok(Some(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                if !shown(terminal) {
                    // q still quits a table with nothing unsaved: there is no question to
                    // answer unseen, and a terminal that cannot grow is not a trap.
                    let q = key.code == event::KeyCode::Char('q') && key.modifiers.is_empty();
                    if q && matches!(app.mode, modes::Mode::Table) && !app.doc.modified() {
                        app.quit = true;
                    }
                    continue;
                }
                if let Some(action) = input::action(&app.mode, key) {
                    app.step(action, page);
                }
            }
            Ok(Some(Event::Paste(text))) if shown(terminal) => app.paste(&text),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Whether the terminal is large enough to show the table now. While it is not, the screen
/// says only that, and keys and pastes do nothing: none may delete, save or answer a
/// question unseen.
fn shown<B: Backend>(terminal: &Terminal<B>) -> bool {
    terminal
        .size()
        .is_ok_and(|s| s.width >= view::MIN_SIZE.0 && s.height >= view::MIN_SIZE.1)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod open_tests {
    use super::*;

    #[test]
    fn two_columns_of_one_funds_approved_amount_refuse_the_table_view() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(
            &path,
            "id,township,village,class,width_m,length_km,cost,扶贫批复,POVERTY_APPROVED\n\
             A,t,v,village,4.5,1,500000,,\n",
        )
        .unwrap();
        let rules = RuleSet::builtin();
        let e = open_table(&path, None, &Default::default(), &rules).unwrap_err();
        assert_eq!(
            e.render("t.csv", Lang::En),
            "t.csv: columns \"扶贫批复\" and \"POVERTY_APPROVED\" both hold the amount approved for County poverty-alleviation special fund; keep one"
        );
        assert_eq!(
            e.render("t.csv", Lang::Zh),
            "t.csv: “扶贫批复”和“POVERTY_APPROVED”两列都表示县扶贫专项补助的批复金额；请只保留一列"
        );
        std::fs::write(
            &path,
            "id,township,village,class,width_m,length_km,cost,扶贫批复\nA,t,v,village,4.5,1,500000,\n",
        )
        .unwrap();
        assert!(open_table(&path, None, &Default::default(), &rules).is_ok());
    }

    #[test]
    fn the_table_view_reads_a_header_with_map_and_bare_amounts_with_amount_unit() {
        use crate::table::{Field, HeaderOptions};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(
            &path,
            "编号,乡镇,村,类别,宽度,长度,项目总额\nM1,石鼓镇,大骥村,社道,3.5,1,30\n",
        )
        .unwrap();
        let rules = RuleSet::builtin();
        let header = HeaderOptions {
            amount_unit: crate::table::units::money_unit("万元"),
            map: vec![("项目总额".to_string(), Field::Cost)],
            own: Vec::new(),
        };
        let sheet = open_table(&path, None, &header, &rules).unwrap();
        let doc = Doc::new(sheet, Some(path), &rules);
        // 30 read as 30万: 1 km of group road pays 15万 + 10万, leaving 5万 to raise.
        assert_eq!(doc.summary().total.cost.value().to_string(), "300000.00");
        assert_eq!(
            doc.summary().total.shortfall.value().to_string(),
            "50000.00"
        );
        // Without the options the cost column is not known at all.
        assert!(open_table(&dir.path().join("t.csv"), None, &Default::default(), &rules).is_err());
    }
}
