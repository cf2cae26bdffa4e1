//! Opening a large table without waiting for it: its first rows are shown at once while the
//! whole table is read and computed on another thread, then the table read whole takes
//! their place. Until then only what concerns those first rows works (moving about, help,
//! the language and unit, quitting); every key that needs the whole table says so and does
//! nothing, so no save, export, notice, sort or total ever acts on part of a table.
//!
//! A budget that shares an envelope out (prorates, or pays in order) makes every row's
//! amounts depend on every other row: under one, the file is first read as a batch run's
//! counting passes read it, and the first rows are shown with the shares the whole table
//! gives them ([`super::shares`]); when those cannot be known for sure (a repeated id, a
//! record the reader skips), the table is read whole before anything is shown, as a
//! workbook always is.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;

use super::action::Action;
use super::app::App;
use super::doc::Doc;
use super::modes::Mode;
use crate::i18n::Lang;
use crate::report::allocate::allocates;
use crate::rules::RuleSet;
use crate::table::sheet::Sheet;
use crate::table::{Encoding, HeaderOptions, TableError};

/// Files up to this size are read whole before the table is shown (a tenth of a second or
/// so): a first screen and then another would only flicker.
pub const WHOLE_UP_TO: u64 = 4 << 20;

/// How many rows are shown while the rest is read: more than any screen holds.
pub const HEAD_ROWS: usize = 2000;

/// The table being read and computed on another thread.
pub struct Loading {
    /// How many bytes of the file have been read.
    read: Arc<AtomicU64>,
    /// The file's size.
    size: u64,
    /// The table read whole and computed, or why it could not be.
    done: Receiver<Result<Doc, TableError>>,
    /// The same work done here, should the thread end without a word (it panicked).
    again: Box<dyn Fn() -> Result<Doc, TableError>>,
}

impl Loading {
    /// A table being read, reporting through `read` (bytes, of `size`) and handing the result
    /// over `done`; `again` does the same work, for when nothing is ever handed over.
    pub fn new(
        read: Arc<AtomicU64>,
        size: u64,
        done: Receiver<Result<Doc, TableError>>,
        again: Box<dyn Fn() -> Result<Doc, TableError>>,
    ) -> Self {
        Loading {
            read,
            size,
            done,
            again,
        }
    }

    /// Starts reading and computing the table at `path` under `rules` on its own thread.
    pub fn start(
        path: &Path,
        encoding: Option<Encoding>,
        header: &HeaderOptions,
        rules: &RuleSet,
    ) -> Loading {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let read = Arc::new(AtomicU64::new(0));
        let (tell, done) = mpsc::channel();
        let (path, header, rules, progress) = (
            path.to_path_buf(),
            header.clone(),
            rules.clone(),
            read.clone(),
        );
        let work = move |progress: &AtomicU64| {
            super::open_table_watched(&path, encoding, &header, &rules, progress)
                .map(|sheet| Doc::new(sheet, Some(path.clone()), &rules))
        };
        let here = work.clone();
        std::thread::spawn(move || {
            // The receiver is gone only when the table view has ended.
            let _ = tell.send(work(&progress));
        });
        Loading::new(read, size, done, Box::new(move || here(&AtomicU64::new(0))))
    }

    /// How far reading has got, in percent (100 while every row is computed).
    pub fn percent(&self) -> u64 {
        let read = self.read.load(Ordering::Relaxed).min(self.size);
        (read * 100).checked_div(self.size).unwrap_or(100)
    }

    /// Whether every byte is read and the rows are being computed.
    fn computing(&self) -> bool {
        self.read.load(Ordering::Relaxed) >= self.size
    }

    /// The progress line.
    pub fn said(&self, lang: Lang) -> String {
        let mb = |b: u64| b.div_ceil(1 << 20);
        let read = self.read.load(Ordering::Relaxed).min(self.size);
        if read >= self.size {
            return lang
                .pick(
                    "computing every row; keys that need the whole table wait for it",
                    "正在计算各行；需要整张表的操作须等计算完成",
                )
                .to_string();
        }
        match lang {
            Lang::En => format!(
                "reading the table: {}% ({} of {} MB); keys that need the whole table wait for it",
                self.percent(),
                mb(read),
                mb(self.size)
            ),
            Lang::Zh => format!(
                "正在读取表格：{}%（{}/{} MB）；需要整张表的操作须等读完",
                self.percent(),
                mb(read),
                mb(self.size)
            ),
        }
    }

    /// The table read whole, once it is (`None` while it is still being read).
    fn finished(&self) -> Option<Result<Doc, TableError>> {
        match self.done.try_recv() {
            Ok(done) => Some(done),
            Err(TryRecvError::Empty) => None,
            // The reading thread ended without a word (it panicked): the work is done again
            // here, as a table read whole before it is shown is, to give its outcome.
            Err(TryRecvError::Disconnected) => Some((self.again)()),
        }
    }
}

/// Whether a table at `path` is shown before it is read whole (see the module's comment),
/// unless a budget shares an envelope out and its first rows' shares cannot be found.
pub fn shows_first_rows(path: &Path) -> bool {
    !crate::table::workbook::is_workbook(path)
        && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > WHOLE_UP_TO)
}

/// The first `rows` rows of the CSV table at `path`, computed as the table read whole
/// computes them: under a budget that shares an envelope out, with the shares the whole
/// table gives them ([`super::shares`]). `None` when they cannot be shown before the whole
/// table is read: a fault in them (reading it all names every one), or shares that cannot
/// be known for sure.
pub fn first_rows(
    path: &Path,
    encoding: Option<Encoding>,
    header: &HeaderOptions,
    rules: &RuleSet,
    rows: usize,
) -> Option<Doc> {
    let head = Sheet::load_head(path, encoding, header, rows)
        .and_then(|head| super::refuse_ambiguous(head, rules))
        .ok()?;
    let path = Some(path.to_path_buf());
    // Budgets that only report, or measure the plan's own money, cut no row.
    if !rules.budgets.iter().any(|b| allocates(b).is_some()) {
        return Some(Doc::new(head, path, rules));
    }
    let shares = super::shares::of_head(path.as_deref()?, encoding, header, rules, &head)?;
    Some(Doc::with_shares(head, path, rules, shares))
}

/// The first screen of the large table at `path` (see the module's comment), with the rest
/// being read; `None` when it is to be read whole first.
pub fn first_screen(
    path: &Path,
    encoding: Option<Encoding>,
    header: &HeaderOptions,
    rules: &RuleSet,
    lang: Lang,
) -> Option<App> {
    if !shows_first_rows(path) {
        return None;
    }
    let head = first_rows(path, encoding, header, rules, HEAD_ROWS)?;
    let rest = Loading::start(path, encoding, header, rules);
    Some(App::reading(head, rules.clone(), lang, rest))
}

/// Whether `action` works while the table is read: it concerns only the rows shown (moving
/// about, the language and unit they are shown in), the help, or ends the program.
fn works_while_reading(mode: &Mode, action: Action) -> bool {
    match mode {
        Mode::Help => true,
        Mode::Table => matches!(
            action,
            Action::Up
                | Action::Down
                | Action::Left
                | Action::Right
                | Action::PageUp
                | Action::PageDown
                | Action::Home
                | Action::End
                | Action::Top
                | Action::Help
                | Action::Lang
                | Action::Money
                | Action::Quit
        ),
        _ => false,
    }
}

impl App {
    /// The first rows of a table (`head`, read and computed already: [`first_rows`]),
    /// shown while `loading` reads it whole. Neither the lock nor the recovery journal is
    /// touched until then.
    pub fn reading(head: Doc, rules: RuleSet, lang: Lang, loading: Loading) -> App {
        debug_assert!(head.sheet.is_partial());
        let mut app = App::bare(head, rules, lang);
        app.loading = Some(loading);
        app.measure_all();
        app.relayout();
        app
    }

    /// Whether the table is still being read.
    pub fn is_reading(&self) -> bool {
        self.loading.is_some()
    }

    /// The progress line while the table is read.
    pub fn reading_said(&self) -> Option<String> {
        self.loading.as_ref().map(|l| l.said(self.lang))
    }

    /// Refuses `action` while the table is read, unless it works on the first rows alone
    /// (true: refused, said why).
    pub(super) fn refused_while_reading(&mut self, action: Action) -> bool {
        let Some(loading) = &self.loading else {
            return false;
        };
        if works_while_reading(&self.mode, action) {
            return false;
        }
        let percent = loading.percent();
        // Once every byte is read the rows are computed: "still reading (100%)" would be untrue.
        let said = match (self.lang, loading.computing()) {
            (Lang::En, true) => "every row is still being computed: this needs the whole table; try again once it is done".to_string(),
            (Lang::Zh, true) => "表格已读完，各行仍在计算：此操作需要整张表，请计算完成后再试".to_string(),
            (Lang::En, false) => format!(
                "the table is still being read ({percent}%): this needs the whole table; try again once it is read"
            ),
            (Lang::Zh, false) => format!("表格仍在读取（{percent}%）：此操作需要整张表，请读完后再试"),
        };
        self.say_owned(said, true);
        true
    }

    /// Takes the table read whole in place of its first rows once it is (as opening it whole
    /// would have shown it, with the cursor, column and first line where they were); an
    /// error when it could not be read.
    pub fn finish_reading(&mut self) -> Result<(), TableError> {
        let Some(done) = self.loading.as_ref().and_then(Loading::finished) else {
            return Ok(());
        };
        let doc = done?;
        let mut whole = App::new(doc, self.rules.clone(), self.lang);
        whole.cursor = self.cursor.min(whole.lines.len().saturating_sub(1));
        whole.col = self.col;
        whole.top = self.top;
        if whole.unit != self.unit {
            whole.unit = self.unit;
            whole.measure_all();
        }
        if matches!(whole.mode, Mode::Table) && matches!(self.mode, Mode::Help) {
            whole.mode = Mode::Help;
            whole.overlay_scroll = self.overlay_scroll;
        }
        *self = whole;
        Ok(())
    }
}
