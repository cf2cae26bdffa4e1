//! The interactive table (SPEC §7): edit planned segments and see subsidies, shortfalls and
//! budget use change as you type.
//!
//! - [`doc`]: the table, its breakdowns, totals and undo history;
//! - [`journal`]: every change written beside the file, so a crash loses nothing;
//! - [`action`]: what can happen; [`input`]: which key does it (and the help text);
//! - [`state`]: applies actions; [`view`]: draws the state, computing nothing.

pub mod action;
pub mod doc;
pub mod input;
pub mod journal;
pub mod state;
pub mod view;
pub mod watch;

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEventKind};

use crate::i18n::Lang;
use crate::rules::RuleSet;
use crate::table::sheet::Sheet;
use doc::Doc;
use state::App;

/// Opens the table at `path` (a new one when `None` or when the file does not exist yet) and
/// runs the interactive table until the user quits. `Err` carries a message for stderr.
pub fn run(
    path: Option<PathBuf>,
    encoding: Option<crate::table::Encoding>,
    rules: RuleSet,
    lang: Lang,
) -> Result<(), String> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(lang
            .pick(
                "the interactive table needs a terminal; to compute a file in a script use: roadsub batch FILE",
                "交互式表格需要在终端中运行；在脚本中计算文件请用：roadsub batch 文件",
            )
            .to_string());
    }
    let sheet = match &path {
        Some(p) if p.exists() => {
            let label = p.display().to_string();
            Sheet::load_in(p, encoding).map_err(|e| e.render(&label, lang))?
        }
        _ => Sheet::empty_in(lang, encoding),
    };
    let doc = Doc::new(sheet, path, &rules);
    let mut app = App::new(doc, rules, lang);
    let unsaved = Arc::new(AtomicBool::new(false));
    let flags = {
        let unsaved = unsaved.clone();
        watch::start(move || {
            // The event loop is stuck on a terminal that has gone; every edit is already in
            // the recovery journal.
            ratatui::restore();
            eprintln!(
                "roadsub: {}",
                stopped(lang, unsaved.load(Ordering::Relaxed))
            );
            std::process::exit(1);
        })
        .map_err(|e| e.to_string())?
    };
    // ratatui::init restores the terminal on a panic too.
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, &mut app, &flags.stop, &unsaved);
    flags.done.store(true, Ordering::Relaxed);
    ratatui::restore();
    result.map_err(|e| e.to_string())?;
    // Not a quit the user chose: the exit status says so.
    if flags.stop.load(Ordering::Relaxed) {
        return Err(stopped(lang, app.doc.modified()));
    }
    Ok(())
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

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    stop: &AtomicBool,
    unsaved: &AtomicBool,
) -> io::Result<()> {
    while !app.quit && !stop.load(Ordering::Relaxed) {
        unsaved.store(app.doc.modified(), Ordering::Relaxed);
        let page = view::table_rows(app, terminal.size()?);
        app.scroll_to_cursor(page);
        terminal.draw(|frame| view::draw(frame, app))?;
        if !event::poll(Duration::from_millis(250))? {
            continue;
        }
        if let Event::Key(key) = event::read()? {
            if key.kind != KeyEventKind::Release {
                if let Some(action) = input::action(&app.mode, key) {
                    app.step(action, page);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
