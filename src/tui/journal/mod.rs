//! The recovery journal: every change is appended to `FILE.roadsub-recovery` beside the data
//! at once, so a crash, a kill or a lost terminal loses no edit; and made durable on the disk
//! right after (`fdatasync`, on a thread of its own so an appended change does not wait for
//! the disk), so a power cut loses at most the changes of its last moment. The first change
//! of a session, and one after a failed write or sync, writes the journal whole and syncs it
//! before going on. A clean save or quit removes the journal; finding one at start means
//! edits were not saved.
//!
//! One change per line, fields separated by tabs, text escaped (`\t`, `\n`, `\r`, `\\`):
//! `set ROW COL FIELDS VALUE BEFORE...` (FIELDS: how many fields the row has after the change;
//! BEFORE: the row as it was), `ins AT FIELD...`, `del AT FIELD...` (the row deleted).
//!
//! A write can fail half-way (a full disk) and leave a torn line. The changes since the last
//! save are therefore also kept in memory, and after a failure the journal is behind: the next
//! change rewrites it whole (a new file renamed over the old one), so once writing works again
//! no change is missing and nothing is glued onto a torn line. Reading, in turn, never stops
//! at a damaged line: it is kept apart, and the lines after it are still read.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Mutex;
use std::time::SystemTime;

use super::doc::Op;
use crate::table::sheet::{SheetRow, Stamp};
pub use format::JournalEntry;
pub use replay::Leftover;

mod format;
mod replay;

const MAGIC: &str = "roadsub-recovery 3";

/// `FILE.roadsub-recovery` beside `FILE` itself (links followed, as for its lock, so a
/// table opened through a link finds the journal left when it was opened by its own name).
pub fn journal_path(data: &Path) -> PathBuf {
    let data = super::lock::canonical(data);
    let mut name = data.file_name().unwrap_or_default().to_os_string();
    name.push(".roadsub-recovery");
    data.with_file_name(name)
}

/// Creates (or truncates) `path` for writing, readable by no one the file `like` keeps out:
/// with `like`'s group and permission bits where it exists (a private table's journal is
/// private too), as the umask says otherwise. Its owner may always read and write it: it is
/// reopened to append to (a read-only table's journal made read-only could not be).
pub(crate) fn create_as_private_as(path: &Path, like: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if let Ok(m) = fs::metadata(like) {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let mode = (m.permissions().mode() & 0o666) | 0o600;
        options.mode(mode);
        let f = options.open(path)?;
        // A file already there keeps its mode and group on open: both are set.
        crate::table::replace::as_private_as(path, &m, mode)?;
        return Ok(f);
    }
    options.open(path)
}

/// An open journal.
pub struct Journal {
    path: PathBuf,
    /// The data file it recovers: the journal holds its changes, so it is made no more
    /// readable than the file (a private table's unsaved edits were readable by all).
    data: PathBuf,
    /// Open for appending while the file holds every change in `entries`.
    file: Option<File>,
    /// The data file's size and time when the changes began, which they apply to.
    base: String,
    /// Every change since the journal began: what a rewrite writes.
    entries: Vec<JournalEntry>,
    /// Whether this session has written its journal file yet (before that, one found there
    /// is an earlier session's, to be kept aside).
    started: bool,
    /// Makes what was written durable; started with the first change appended.
    syncer: Option<Syncer>,
    /// Whether the syncer has the file open now (it is given again after a rewrite).
    handed: bool,
    /// Makes every write fail as a full disk would, after writing half (tests).
    #[cfg(test)]
    pub disk_full: bool,
    /// Makes removing the journal file fail, as in a folder made read-only (tests: the
    /// tests run as any user, and permissions do not stop the superuser).
    #[cfg(test)]
    pub stays: bool,
}

/// The form a file's size, modification time and content hash take in a journal's first line
/// (`-` for a table not saved yet).
pub fn base_of(stamp: Option<Stamp>) -> String {
    match stamp {
        Some(s) => {
            let since = s
                .modified
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default();
            format!(
                "{}\t{}.{:09}\t{:016x}",
                s.len,
                since.as_secs(),
                since.subsec_nanos(),
                s.hash
            )
        }
        None => "-".to_string(),
    }
}

impl Journal {
    /// A journal for the data file `data` as it is now (`base`, from [`base_of`]); the
    /// journal file is created on the first change.
    pub fn new(data: &Path, base: String) -> Journal {
        Journal {
            path: journal_path(data),
            data: super::lock::canonical(data),
            file: None,
            base,
            entries: Vec::new(),
            started: false,
            syncer: None,
            handed: false,
            #[cfg(test)]
            disk_full: false,
            #[cfg(test)]
            stays: false,
        }
    }

    /// Records a change that was just made; `before` is the row a [`Op::Set`] changed, exactly
    /// as it was (a short row stays short: it is what a restore will find in the file).
    /// Returns where a journal already there was set aside (an earlier session's that was not
    /// offered, such as an empty one), so nobody's unsaved changes are overwritten.
    ///
    /// An error leaves the journal behind; the change is kept, and the next call writes the
    /// journal whole again.
    pub fn record(&mut self, op: &Op, before: Option<&SheetRow>) -> io::Result<Option<PathBuf>> {
        // Kept first: whatever fails below, a later call writes it.
        let entry = JournalEntry::of(op, before);
        let line = format!("{}\n", entry.line());
        self.entries.push(entry);
        let mut aside = None;
        if !self.started {
            if self.path.exists() {
                aside = Some(Self::set_aside_file(&self.path)?);
            }
            self.started = true;
        }
        if self.syncer.as_ref().is_some_and(Syncer::failed) {
            // What was synced may not be on the disk: written whole again, and synced.
            self.file = None;
        }
        match self.file.take() {
            Some(mut f) => {
                self.put(&mut f, line.as_bytes())?;
                let syncer = self.syncer.get_or_insert_with(Syncer::start);
                syncer.sync(&f, !self.handed);
                self.handed = true;
                // Kept open only once the line is whole: after a failure the file is behind.
                self.file = Some(f);
            }
            None => self.rewrite()?,
        }
        Ok(aside)
    }

    /// Whether the last write failed, so the journal on disk lacks changes.
    pub fn behind(&self) -> bool {
        self.started && self.file.is_none()
    }

    /// Writes every change so far to a new file renamed over the journal, and keeps it open
    /// for the next ones.
    fn rewrite(&mut self) -> io::Result<()> {
        let mut text = format!("{MAGIC}\t{}\n", self.base);
        for e in &self.entries {
            text.push_str(&e.line());
            text.push('\n');
        }
        let mut tmp = self.path.as_os_str().to_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let written = (|| {
            let mut f = create_as_private_as(&tmp, &self.data)?;
            self.put(&mut f, text.as_bytes())?;
            f.sync_data()?;
            fs::rename(&tmp, &self.path)?;
            crate::table::replace::sync_folder(&self.path);
            OpenOptions::new().append(true).open(&self.path)
        })();
        match written {
            Ok(f) => {
                self.file = Some(f);
                self.handed = false;
                Ok(())
            }
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    /// Writes `bytes` (a `File` holds nothing back: they are the system's once written).
    fn put(&self, f: &mut File, bytes: &[u8]) -> io::Result<()> {
        #[cfg(test)]
        if self.disk_full {
            f.write_all(&bytes[..bytes.len() / 2])?;
            return Err(io::Error::from(io::ErrorKind::StorageFull));
        }
        f.write_all(bytes)
    }

    /// Removes the journal (after a save, or when the user leaves without saving on purpose).
    /// Where the folder no longer lets it be removed (made read-only, or remounted so, since
    /// the table was opened), it is emptied in place instead: left whole, the next session
    /// would offer the changes the user chose to leave as unsaved changes to restore.
    pub fn clear(&mut self) {
        self.file = None;
        self.entries.clear();
        self.started = false;
        match self.remove() {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                // A journal of no change is removed quietly by the next session.
                let _ = OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(&self.path)
                    .and_then(|mut f| {
                        f.write_all(format!("{MAGIC}\t{}\n", self.base).as_bytes())?;
                        f.sync_data()
                    });
            }
            _ => {}
        }
    }

    /// Removes the journal file.
    fn remove(&self) -> io::Result<()> {
        #[cfg(test)]
        if self.stays {
            return Err(io::Error::from(io::ErrorKind::PermissionDenied));
        }
        fs::remove_file(&self.path)
    }

    /// Moves a journal that no longer fits its file aside (`….old`), so nothing is lost and
    /// nothing is applied to the wrong rows.
    pub fn set_aside(data: &Path) -> io::Result<PathBuf> {
        Self::set_aside_file(&journal_path(data))
    }

    /// Renames a journal file to the first free `….old`, `….old.2`, … beside it.
    fn set_aside_file(journal: &Path) -> io::Result<PathBuf> {
        let to = (1..)
            .map(|n| {
                let mut to = journal.as_os_str().to_os_string();
                to.push(if n == 1 {
                    ".old".to_string()
                } else {
                    format!(".old.{n}")
                });
                PathBuf::from(to)
            })
            .find(|p| !p.exists())
            .expect("some name is free");
        fs::rename(journal, &to)?;
        Ok(to)
    }
}

/// Makes a journal's appended changes durable on a thread of its own. The thread keeps a
/// handle of the journal's file (given again when the journal is rewritten into a new one);
/// each change wakes it, and it syncs the file once for every change written before it
/// woke (a burst of changes is synced once). The thread ends with the journal.
struct Syncer {
    shared: std::sync::Arc<Shared>,
    /// Wakes the thread; `None` when the system had no thread to give (changes are then
    /// written as before, unsynced).
    wake: Option<SyncSender<()>>,
}

/// What a journal and its sync thread share.
#[derive(Default)]
struct Shared {
    /// The journal's file, as last given.
    file: Mutex<Option<File>>,
    /// A sync failed (a disk going bad): what the system wrote out before may be lost, so
    /// the next change writes the journal whole again, and syncs it, before going on.
    failed: AtomicBool,
    /// Every sync fails (tests).
    #[cfg(test)]
    fail: AtomicBool,
    /// The journal's length at each sync, in order (tests).
    #[cfg(test)]
    synced: Mutex<Vec<u64>>,
}

impl Syncer {
    fn start() -> Syncer {
        let shared = std::sync::Arc::new(Shared::default());
        // One wake-up waiting is enough: the sync it brings comes after every write before.
        let (wake, woken) = sync_channel::<()>(1);
        let theirs = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("journal-sync".into())
            .spawn(move || {
                while woken.recv().is_ok() {
                    let file = theirs
                        .file
                        .lock()
                        .ok()
                        .and_then(|f| f.as_ref().and_then(|f| f.try_clone().ok()));
                    let Some(file) = file else { continue };
                    let failed = file.sync_data().is_err();
                    #[cfg(test)]
                    let failed = failed || theirs.fail.load(Ordering::Relaxed);
                    if failed {
                        theirs.failed.store(true, Ordering::Relaxed);
                    }
                    #[cfg(test)]
                    if let (false, Ok(meta)) = (failed, file.metadata()) {
                        theirs.synced.lock().unwrap().push(meta.len());
                    }
                }
            });
        Syncer {
            shared,
            wake: spawned.ok().map(|_| wake),
        }
    }

    /// Has `file`, just written, synced; `fresh` when it is not the file given before.
    fn sync(&self, file: &File, fresh: bool) {
        let Some(wake) = &self.wake else { return };
        if fresh {
            if let Ok(mut slot) = self.shared.file.lock() {
                *slot = file.try_clone().ok();
            }
        }
        // Full: a wake-up is waiting, and the sync it brings comes after this write.
        let _ = wake.try_send(());
    }

    /// Whether a sync failed since last asked.
    fn failed(&self) -> bool {
        self.shared.failed.swap(false, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits (up to 20 s) until `done`, else fails saying `what` and `state()`.
    fn wait_for(what: &str, done: impl Fn() -> bool, state: impl Fn() -> String) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !done() {
            assert!(std::time::Instant::now() < deadline, "{what}: {}", state());
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn changes_survive_and_a_torn_last_line_is_kept_apart() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("plan.csv");
        let mut j = Journal::new(&data, "12\t34.000000005".into());
        let rows: Vec<SheetRow> = (0..3)
            .map(|i| SheetRow::new([format!("r{i}").as_str(), "3.5"], 0))
            .collect();
        let set = Op::set(2, &rows[2], 1, "4.5\ttab");
        j.record(&set, rows.get(2)).unwrap();
        j.record(
            &Op::Insert {
                at: 0,
                row: SheetRow::new(["a", "b\nc"], 0),
            },
            None,
        )
        .unwrap();
        j.record(
            &Op::Delete {
                at: 1,
                row: SheetRow::new(["x"], 0),
            },
            None,
        )
        .unwrap();
        let mut f = OpenOptions::new()
            .append(true)
            .open(journal_path(&data))
            .unwrap();
        write!(f, "set\t1").unwrap();
        assert!(Journal::exists(&data));
        let left = Journal::read(&data, 2).unwrap();
        assert_eq!(left.base, "12\t34.000000005");
        assert_eq!(left.bad, [b"set\t1".to_vec()], "kept, not applied");
        assert_eq!(
            left.entries,
            [
                JournalEntry::Set {
                    row: 2,
                    col: 1,
                    fields: 2,
                    value: "4.5\ttab".into(),
                    before: vec!["r2".into(), "3.5".into()]
                },
                JournalEntry::Insert {
                    at: 0,
                    fields: vec!["a".into(), "b\nc".into()]
                },
                JournalEntry::Delete {
                    at: 1,
                    fields: vec!["x".into()]
                },
            ]
        );
        // A change only goes back onto the row it was made on.
        let moved: Vec<SheetRow> = ["r2", "r0", "r1"]
            .iter()
            .map(|id| SheetRow::new([*id, "3.5"], 0))
            .collect();
        assert_eq!(left.entries[0].to_op(&moved), None);
        assert!(left.entries[0].to_op(&rows).is_some());
        j.clear();
        assert!(!Journal::exists(&data));
    }

    fn rows() -> Vec<SheetRow> {
        (0..4)
            .map(|i| SheetRow::new([format!("r{i}").as_str(), "3.5"], 0))
            .collect()
    }

    #[test]
    fn a_journal_write_cut_off_by_a_full_disk_is_rewritten_whole_at_the_next_change() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("plan.csv");
        let rows = rows();
        let mut j = Journal::new(&data, "-".into());
        let set = |r: usize, v: &str| Op::set(r, &rows[r], 1, v);
        j.record(&set(0, "4"), rows.first()).unwrap();
        j.disk_full = true;
        let err = j.record(&set(1, "5"), rows.get(1)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert!(j.behind());
        // Still full: still behind, and the journal holds the first change and a torn line.
        assert!(j.record(&set(2, "6"), rows.get(2)).is_err());
        assert!(j.behind());
        let torn = fs::read_to_string(journal_path(&data)).unwrap();
        assert!(torn.starts_with("roadsub-recovery 3\t-\nset\t0\t1\t2\t4\tr0\t3.5\n"));
        assert!(!torn.ends_with('\n'), "{torn:?}");
        // Space again: the next change writes every change, none glued to the torn line.
        j.disk_full = false;
        j.record(&set(3, "7"), rows.get(3)).unwrap();
        assert!(!j.behind());
        j.record(&set(0, "8"), rows.first()).unwrap();
        assert_eq!(
            fs::read_to_string(journal_path(&data)).unwrap(),
            "roadsub-recovery 3\t-\n\
             set\t0\t1\t2\t4\tr0\t3.5\n\
             set\t1\t1\t2\t5\tr1\t3.5\n\
             set\t2\t1\t2\t6\tr2\t3.5\n\
             set\t3\t1\t2\t7\tr3\t3.5\n\
             set\t0\t1\t2\t8\tr0\t3.5\n"
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            names,
            ["plan.csv.roadsub-recovery"],
            "no temporary file left"
        );
        // A save clears it; the changes before it are not written again.
        j.clear();
        j.record(&set(1, "9"), rows.get(1)).unwrap();
        assert_eq!(
            fs::read_to_string(journal_path(&data)).unwrap(),
            "roadsub-recovery 3\t-\nset\t1\t1\t2\t9\tr1\t3.5\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_table_opened_through_a_symbolic_link_has_the_journal_of_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("in.csv");
        fs::write(&data, "id\n").unwrap();
        let link = dir.path().join("lnk.csv");
        std::os::unix::fs::symlink("in.csv", &link).unwrap();
        let rows = rows();
        let mut j = Journal::new(&link, "-".into());
        j.record(&Op::set(0, &rows[0], 1, "4"), rows.first())
            .unwrap();
        assert!(Journal::exists(&data));
        assert!(dir.path().join("in.csv.roadsub-recovery").is_file());
        assert!(!dir.path().join("lnk.csv.roadsub-recovery").exists());
        assert_eq!(Journal::read(&data, 2).unwrap().entries.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_journal_of_a_private_table_is_private_too() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let rows = rows();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for table in [0o600, 0o640] {
            let data = dir.path().join(format!("t{table:o}.csv"));
            fs::write(&data, "id\n").unwrap();
            fs::set_permissions(&data, fs::Permissions::from_mode(table)).unwrap();
            // A journal left readable by an earlier version is narrowed when rewritten.
            fs::write(journal_path(&data), "").unwrap();
            fs::set_permissions(journal_path(&data), fs::Permissions::from_mode(0o644)).unwrap();
            fs::remove_file(journal_path(&data)).unwrap();
            let mut j = Journal::new(&data, "-".into());
            j.record(&Op::set(0, &rows[0], 1, "4"), rows.first())
                .unwrap();
            assert_eq!(mode(&journal_path(&data)), table, "{table:o}");
            j.record(&Op::set(0, &rows[0], 1, "5"), rows.first())
                .unwrap();
            assert_eq!(mode(&journal_path(&data)), table, "{table:o}");
        }
        // A file already there, wider than the table, is narrowed.
        let data = dir.path().join("t600.csv");
        let other = dir.path().join("other");
        fs::write(&other, "x").unwrap();
        fs::set_permissions(&other, fs::Permissions::from_mode(0o644)).unwrap();
        drop(create_as_private_as(&other, &data).unwrap());
        assert_eq!(mode(&other), 0o600);
        assert_eq!(fs::read(&other).unwrap(), b"", "truncated");
        // A read-only table's journal stays writable by its owner, who appends to it (made
        // read-only, every change rewrote it whole), and takes the table's group.
        use std::os::unix::fs::MetadataExt;
        let data = dir.path().join("ro.csv");
        fs::write(&data, "id\n").unwrap();
        fs::set_permissions(&data, fs::Permissions::from_mode(0o440)).unwrap();
        // Only the superuser may give a file a group of someone else's.
        let _ = std::os::unix::fs::chown(&data, None, Some(4242));
        let group = fs::metadata(&data).unwrap().gid();
        let mut j = Journal::new(&data, "-".into());
        j.record(&Op::set(0, &rows[0], 1, "4"), rows.first())
            .unwrap();
        let made = fs::metadata(journal_path(&data)).unwrap();
        assert_eq!(
            (made.permissions().mode() & 0o777, made.gid()),
            (0o640, group)
        );
        assert!(!j.behind(), "kept open to append to");
    }

    /// Every change reaches the disk itself, not only the system: after the last of a burst,
    /// the journal is synced at its whole length (a power cut kept nothing of a change the
    /// system had not written out).
    #[test]
    fn the_journal_is_made_durable_after_every_burst_of_changes() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("plan.csv");
        let mut j = Journal::new(&data, "-".into());
        let rows: Vec<SheetRow> = (0..50)
            .map(|i| SheetRow::new([format!("r{i}").as_str(), "3.5"], 0))
            .collect();
        for round in 0..3 {
            for (i, row) in rows.iter().enumerate() {
                j.record(&Op::set(i, row, 1, &format!("{round}.{i}")), Some(row))
                    .unwrap();
            }
            let len = fs::metadata(journal_path(&data)).unwrap().len();
            let shared = j.syncer.as_ref().unwrap().shared.clone();
            let synced = &shared.synced;
            wait_for(
                &format!("round {round}: the journal is {len} bytes"),
                || synced.lock().unwrap().last() == Some(&len),
                || format!("synced {:?}", synced.lock().unwrap()),
            );
            let synced = synced.lock().unwrap();
            assert!(synced.windows(2).all(|w| w[0] <= w[1]), "{synced:?}");
        }
    }

    /// A sync that fails (a disk going bad) may leave what the system had written off the
    /// disk, and a later sync can succeed without it: the next change writes the journal
    /// whole again, into a new file, before going on.
    #[test]
    fn a_journal_whose_sync_failed_is_written_whole_again_at_the_next_change() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("plan.csv");
        let mut j = Journal::new(&data, "-".into());
        let rows: Vec<SheetRow> = (0..4)
            .map(|i| SheetRow::new([format!("r{i}").as_str(), "3.5"], 0))
            .collect();
        let set = |i: usize| Op::set(i, &rows[i], 1, &format!("{i}.5"));
        j.record(&set(0), rows.first()).unwrap();
        j.record(&set(1), rows.get(1)).unwrap();
        let shared = j.syncer.as_ref().unwrap().shared.clone();
        shared.fail.store(true, Ordering::Relaxed);
        j.record(&set(2), rows.get(2)).unwrap();
        wait_for(
            "no sync was tried",
            || shared.failed.load(Ordering::Relaxed),
            String::new,
        );
        shared.fail.store(false, Ordering::Relaxed);
        let before = fs::metadata(journal_path(&data)).unwrap().ino();
        j.record(&set(3), rows.get(3)).unwrap();
        assert_ne!(
            fs::metadata(journal_path(&data)).unwrap().ino(),
            before,
            "written whole into a new file"
        );
        assert!(!j.behind());
        let left = Journal::read(&data, 4).unwrap();
        assert_eq!(left.entries.len(), 4);
        // And appended to, and synced, as before.
        j.record(&set(0), rows.first()).unwrap();
        let len = fs::metadata(journal_path(&data)).unwrap().len();
        let shared = j.syncer.as_ref().unwrap().shared.clone();
        wait_for(
            "the new file is not synced",
            || shared.synced.lock().unwrap().last() == Some(&len),
            || format!("synced {:?}", shared.synced.lock().unwrap()),
        );
    }
}
