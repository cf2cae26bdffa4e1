//! Writing a file so that whoever reads it sees the old version or the new one, never half of
//! either, and never an empty file after a failed run.
//!
//! The new text goes to a temporary file that takes the file's place in one rename. Renaming
//! over a name is only right for a regular file, though: a symbolic link is followed to the
//! file it names (the link stays a link), and a device or a pipe (`/dev/stdout`, a FIFO) is
//! written into once the text is complete, since renaming over it would replace it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tempfile::NamedTempFile;

/// How many symbolic links are followed before giving up, as the system does.
const MAX_LINKS: usize = 40;

/// A file being written in place of `path`; nothing happens to `path` until [`commit`].
///
/// [`commit`]: Replacement::commit
pub struct Replacement {
    temp: NamedTempFile,
    /// The name the rename goes to (links followed), or the device written into.
    target: PathBuf,
    stream: bool,
    /// For a device or pipe: whoever waits at its other end is let go if nothing comes.
    hangup: Hangup,
    /// How far the disk has been asked to keep room for the file ([`Replacement::make_room`]),
    /// or `u64::MAX` once the file system has said it cannot.
    reserved: std::sync::atomic::AtomicU64,
    /// The temporary file on the list of those a signal's ending removes (after `temp`, so
    /// the file is gone before its name leaves the list).
    listed: Listed,
}

/// Temporary files to remove should the run be ended by a signal: their paths, while they
/// are theirs ([`remove_temporary_files_on_signals`]), each by the number its [`Listed`] was
/// given (a run of notices lists thousands at once, and takes them off in any order).
static ON_SIGNAL: Mutex<List> = Mutex::new(List::new());

/// The paths on the list, by their [`Listed`]'s number, and how each is removed.
type List = std::collections::BTreeMap<u64, (PathBuf, Removal)>;

/// How a path on the list is removed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Removal {
    /// A file, or a folder of the run's own with what is in it.
    Whole,
    /// A folder the run made for its output: only while nothing is in it.
    IfEmpty,
}

/// The number the next [`Listed`] is given.
static NEXT_LISTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The list, still good when a thread failed holding it (a list of paths).
fn on_signal() -> std::sync::MutexGuard<'static, List> {
    ON_SIGNAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

thread_local! {
    /// The list while this thread holds it ([`hold_list`]).
    static HELD: std::cell::RefCell<Option<std::sync::MutexGuard<'static, List>>> =
        const { std::cell::RefCell::new(None) };
}

/// The list of temporary files, held by this thread until dropped: a signal's removal waits
/// until it is let go, so a step of several renames (the notices of a run, put in place all
/// or none) is done whole or not begun. A [`Listed`] dropped meanwhile on this thread takes
/// its path off the list held.
pub struct HeldList {
    /// Whether this one took the list (a second hold on the same thread is the first's).
    took: bool,
    /// Held by this thread only.
    _here: std::marker::PhantomData<*const ()>,
}

/// Holds the list ([`HeldList`]).
pub fn hold_list() -> HeldList {
    let held = HELD.with(|h| h.borrow().is_some());
    if !held {
        let list = on_signal();
        HELD.with(|h| *h.borrow_mut() = Some(list));
    }
    HeldList {
        took: !held,
        _here: std::marker::PhantomData,
    }
}

impl Drop for HeldList {
    fn drop(&mut self) {
        if self.took {
            let list = HELD.try_with(|h| h.borrow_mut().take());
            drop(list);
        }
    }
}

/// A temporary file's (or folder's) path on the list a signal's ending removes; off it when
/// dropped (from the list this thread holds, if it does).
pub struct Listed {
    /// Its number on the list.
    number: u64,
}

impl Listed {
    /// Puts `path` on the list.
    pub fn new(path: &Path) -> Listed {
        Listed::with(path, Removal::Whole)
    }

    fn with(path: &Path, removal: Removal) -> Listed {
        let number = NEXT_LISTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let on = |list: &mut List| {
            list.insert(number, (path.to_path_buf(), removal));
        };
        if !with_held(on) {
            on(&mut on_signal());
        }
        Listed { number }
    }
}

impl Drop for Listed {
    fn drop(&mut self) {
        let off = |list: &mut List| {
            list.remove(&self.number);
        };
        if !with_held(off) {
            off(&mut on_signal());
        }
    }
}

/// A temporary file (or folder) made by `make` and put on the list a signal's ending removes,
/// the list held meanwhile: a signal's removal comes before it is made or once it is listed,
/// never between (a run signalled as its output appeared left it). Drop the file before its
/// [`Listed`].
pub fn made_listed<T: AsRef<Path>>(
    make: impl FnOnce() -> io::Result<T>,
) -> io::Result<(T, Listed)> {
    let held = hold_list();
    let made = make()?;
    let listed = Listed::new(made.as_ref());
    drop(held);
    Ok((made, listed))
}

/// The folders a run made for its output ([`make_folders`]): removed again, each only while
/// empty, the deepest first, when dropped, or by a signal's ending meanwhile, unless kept.
pub struct FoldersMade {
    /// Each folder made and its listing, the outermost first.
    made: Vec<(PathBuf, Listed)>,
}

/// Makes `dir` and any folder above it missing (as `fs::create_dir_all`), each folder it made
/// on the list a signal's ending removes while empty: a run that fails or is ended before it
/// writes anything there leaves no empty folder behind. A folder is the run's only if its own
/// `mkdir` made it: one that was there, by whatever path it is reached (`nope/../kept`), or
/// that another program made meanwhile, is never taken for the run's. Each folder made is
/// synced into the folder above it, so that it outlasts a power cut with what is put in it.
pub fn make_folders(dir: &Path) -> io::Result<FoldersMade> {
    let held = hold_list();
    // Dropped on a failure: those made so far go again, while empty.
    let mut made = FoldersMade { made: Vec::new() };
    let mut steps: Vec<&Path> = dir
        .ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    steps.reverse();
    for step in steps {
        match fs::create_dir(step) {
            Ok(()) => {
                let listed = Listed::with(step, Removal::IfEmpty);
                made.made.push((step.to_path_buf(), listed));
                sync_folder(step);
            }
            // There already (or made by another meanwhile): not the run's.
            Err(_) if fs::metadata(step).is_ok_and(|m| m.is_dir()) => {}
            Err(e) => return Err(e),
        }
    }
    drop(held);
    Ok(made)
}

impl FoldersMade {
    /// The folders stay (the run wrote into them).
    pub fn keep(mut self) {
        self.made.clear();
    }
}

impl Drop for FoldersMade {
    fn drop(&mut self) {
        for (folder, listed) in self.made.drain(..).rev() {
            // Only while empty: what anyone put there meanwhile stays, with the folder.
            let _ = fs::remove_dir(&folder);
            drop(listed);
        }
    }
}

/// `f` on the list if this thread holds it, and whether it does.
fn with_held(f: impl FnOnce(&mut List)) -> bool {
    HELD.try_with(|h| match h.borrow_mut().as_mut() {
        Some(list) => {
            f(list);
            true
        }
        None => false,
    })
    .unwrap_or(false)
}

/// From here on, a run ended by SIGINT (Ctrl-C), SIGTERM, SIGHUP or SIGQUIT (Ctrl-\\) first
/// removes the temporary files it has made ([`Listed`]: an output being written beside its
/// file, an input kept to be read again, the notices of a run not yet in place and the folder
/// of those they replace), then ends as the signal would have ended it: a `.roadsub-….tmp`
/// as long as the output was left behind otherwise. A signal the run was started ignoring
/// (`nohup`, a background job of a script) stays ignored. For the commands that write files
/// as they run (batch, compare, explain, notice); the table view has its own.
#[cfg(target_os = "linux")]
pub fn remove_temporary_files_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let heeded: Vec<i32> = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
        .into_iter()
        .filter(|&signal| !ignored(signal))
        .collect();
    let Ok(mut signals) = signal_hook::iterator::Signals::new(&heeded) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held to the end: a rename that takes a file off the list is done first,
                // or never.
                let list = on_signal();
                // The newest first: a file in a folder the run made goes before the folder.
                for (path, removal) in list.values().rev() {
                    // A folder of files kept aside (a notice run's) goes with what is in it;
                    // one made for the output only while empty.
                    let folder = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
                    let _ = match (folder, removal) {
                        (true, Removal::IfEmpty) => fs::remove_dir(path),
                        (true, Removal::Whole) => fs::remove_dir_all(path),
                        (false, Removal::Whole) => fs::remove_file(path),
                        (false, Removal::IfEmpty) => Ok(()),
                    };
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    // Told from within the signal's own handler, at once (the thread above may not have run
    // yet): a run that finishes meanwhile waits for it (`end_as_a_signal_said`).
    if spawned.is_ok() {
        let came = SIGNAL_CAME.get_or_init(Default::default);
        for &signal in &heeded {
            let _ = signal_hook::flag::register(signal, came.clone());
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn remove_temporary_files_on_signals() {}

/// Whether a signal [`remove_temporary_files_on_signals`] heeds has come.
static SIGNAL_CAME: std::sync::OnceLock<std::sync::Arc<std::sync::atomic::AtomicBool>> =
    std::sync::OnceLock::new();

/// Called as a command ends: if a heeded signal came (say, while the notices were being put
/// in place, which it waits for), the run ends as the signal ends it, not as if none had
/// come. The thread that heeds it removes what is still listed and ends the process; it
/// waits only for the list, which no thread holds any more. Before, a run could finish first
/// and end with status 0, the signal lost.
pub fn end_as_a_signal_said() {
    let came = SIGNAL_CAME
        .get()
        .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst));
    if came {
        loop {
            std::thread::park();
        }
    }
}

/// Whether `signal` is ignored (the run was started so).
#[cfg(target_os = "linux")]
fn ignored(signal: i32) -> bool {
    let mut was = std::mem::MaybeUninit::<libc::sigaction>::uninit();
    // SAFETY: with no new action, sigaction only writes the current one into the memory
    // given, which is sized for it; it is read only when the call succeeded.
    #[allow(unsafe_code)]
    unsafe {
        libc::sigaction(signal, std::ptr::null(), was.as_mut_ptr()) == 0
            && was.assume_init().sa_sigaction == libc::SIG_IGN
    }
}

/// Room kept on the disk ahead of what is written, this much at a time.
const ROOM_AHEAD: u64 = 16 << 20;

/// Room is kept ahead only while the disk has at least this much free besides it: on a
/// nearly full disk, room taken early is what another write needs now (the run's own
/// messages to a file there, another program's output).
const ROOM_TO_SPARE: u64 = 1 << 30;

/// The folder temporary files are made in: `$TMPDIR` when it is set and not empty (an
/// empty one is no folder, as for `mktemp`: it would have meant the current one), else the
/// system's.
pub fn temp_folder() -> PathBuf {
    match tmpdir() {
        Some(dir) => dir,
        None if cfg!(unix) => PathBuf::from("/tmp"),
        None => std::env::temp_dir(),
    }
}

/// `$TMPDIR`, when it is set and not empty.
fn tmpdir() -> Option<PathBuf> {
    std::env::var_os("TMPDIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
}

/// `e` without the name of the temporary file it was met on (`… at path "/tmp/.roadsub-…"`,
/// as the temporary files' library says it): that name says nothing a user can act on.
pub fn without_temp_name(e: io::Error) -> io::Error {
    match e.to_string().split_once(" at path ") {
        Some((reason, _)) => io::Error::new(e.kind(), reason.to_string()),
        None => e,
    }
}

/// A temporary file in [`temp_folder`] (text bound for a device or pipe such as
/// `/dev/stdout`, a piped table kept to be read again) could not be made or written:
/// carried inside the I/O error, so that a message names the folder rather than reading as
/// if the output itself were missing or full.
#[derive(Debug)]
pub struct TempFileError {
    /// The folder it was to be in.
    pub dir: PathBuf,
    /// Whether `$TMPDIR` named that folder.
    pub named: bool,
    /// Whether it was made and then could not be written (else it could not be made).
    pub writing: bool,
    /// Why.
    pub source: io::Error,
}

impl TempFileError {
    /// `source`, met making a temporary file in [`temp_folder`], as an error of the same
    /// kind that names the folder.
    pub fn making(source: io::Error) -> io::Error {
        TempFileError::wrap(source, false)
    }

    /// `source`, met writing a temporary file in [`temp_folder`], likewise.
    pub fn writing(source: io::Error) -> io::Error {
        TempFileError::wrap(source, true)
    }

    fn wrap(source: io::Error, writing: bool) -> io::Error {
        let kind = source.kind();
        let error = TempFileError {
            dir: temp_folder(),
            named: tmpdir().is_some(),
            writing,
            source: without_temp_name(source),
        };
        io::Error::new(kind, error)
    }
}

impl std::fmt::Display for TempFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.writing {
            true => "write the temporary file in",
            false => "make a temporary file in",
        };
        let named = if self.named { " (TMPDIR)" } else { "" };
        let (dir, why) = (self.dir.display(), &self.source);
        write!(f, "cannot {what} {dir}{named}: {why}")
    }
}

impl std::error::Error for TempFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Opens and closes a pipe's writing end when dropped, so that a reader waiting on a FIFO sees
/// its end instead of waiting for ever after a failed run.
pub struct Hangup(Option<PathBuf>);

impl Hangup {
    /// A guard for a command's output: made before anything can fail, it lets a reader waiting
    /// on `path` go when dropped, whatever ended the command (a FIFO only: nothing happens for
    /// any other kind of file). After a run that wrote, the reader has already seen the end:
    /// opening and closing the writing end once more adds nothing to what it reads.
    pub fn for_output(path: Option<&Path>) -> Hangup {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let fifo = path.filter(|p| fs::metadata(p).is_ok_and(|m| m.file_type().is_fifo()));
            Hangup(fifo.map(Path::to_path_buf))
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            Hangup(None)
        }
    }
}

impl Drop for Hangup {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(path) = self.0.take() {
            use std::os::unix::fs::OpenOptionsExt;
            // Without a reader a FIFO refuses a non-blocking open: nobody waits, nothing to do.
            let _ = OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path);
        }
    }
}

impl Replacement {
    /// Starts replacing `path`, with `suffix` on the temporary file's name (some writers go by
    /// it). Fails at once when `path` is a directory or its folder cannot be written.
    pub fn new(path: &Path, suffix: &str) -> io::Result<Replacement> {
        let existing = fs::metadata(path).ok();
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            ));
        }
        // `/dev/stdout` and `/proc/self/fd/1` name whatever the descriptor is (a pipe, a
        // terminal, a file the shell opened with `>` or `>>`): write into it, never rename over
        // it.
        let stream = existing.as_ref().is_some_and(|m| !m.is_file()) || names_a_descriptor(path);
        let target = if stream {
            path.to_path_buf()
        } else {
            follow_links(path)?
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".roadsub-").suffix(suffix);
        let (temp, listed) = made_listed(|| match stream {
            true => builder
                .tempfile_in(temp_folder())
                .map_err(TempFileError::making),
            false => {
                // A new file gets what the user's umask allows, as any other program's would
                // (a temporary file is otherwise private); an existing one keeps its
                // permissions.
                #[cfg(unix)]
                builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
                builder.tempfile_in(folder(&target))
            }
        })?;
        if let (false, Some(m)) = (stream, &existing) {
            if let Err(e) = fs::set_permissions(temp.path(), m.permissions()) {
                // The file goes, then its name leaves the list.
                drop(temp);
                return Err(e);
            }
            // Its owner too, when allowed (run as root, a colleague's file stays theirs).
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                let _ = std::os::unix::fs::chown(temp.path(), Some(m.uid()), Some(m.gid()));
            }
        }
        Ok(Replacement {
            hangup: Hangup(stream.then(|| target.clone())),
            temp,
            target,
            stream,
            reserved: std::sync::atomic::AtomicU64::new(0),
            listed,
        })
    }

    /// Takes from a new file's permissions what `mode` does not allow (a copy of a private
    /// table saved under a new name stays as private: what `cp` gives, the umask still
    /// applied). A file that is replaced keeps its own permissions, as does a stream.
    pub fn keep_within(&self, mode: u32) -> io::Result<()> {
        #[cfg(unix)]
        if !self.stream && !self.target.exists() {
            use std::os::unix::fs::PermissionsExt;
            let now = self.temp.as_file().metadata()?.permissions().mode();
            fs::set_permissions(
                self.temp.path(),
                fs::Permissions::from_mode(now & mode & 0o777),
            )?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        Ok(())
    }

    /// The temporary file, to write into.
    pub fn file(&self) -> &File {
        self.temp.as_file()
    }

    /// `e`, met writing [`Replacement::file`], as it is to be said: for a device or pipe the
    /// temporary file is in [`temp_folder`], not beside the output, and the folder is named
    /// ([`TempFileError`]); beside a file, the error is the output's own.
    pub fn write_error(&self, e: io::Error) -> io::Error {
        match self.stream {
            true => TempFileError::writing(e),
            false => e,
        }
    }

    /// Asks the disk to keep room for the file up to `end` bytes (and some way past), before
    /// they are written: a long output written in pieces then finds its blocks already given
    /// (`fallocate`, the file's length unchanged), where ext4 otherwise finds them a page
    /// at a time as the pieces come (a sixth of a batch run's system time). Room past the end
    /// is given back by [`Replacement::commit`]. Asked only while the disk has
    /// [`ROOM_TO_SPARE`] free besides; once it has not, or the file system cannot, it is not
    /// asked again (what a refused request took is given back at once: ext4 keeps the
    /// blocks it found before it ran out), and the writes go on as they would have.
    pub fn make_room(&self, end: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        let reserved = self.reserved.load(Relaxed);
        if end <= reserved || reserved == u64::MAX {
            return;
        }
        let to = end.saturating_add(ROOM_AHEAD);
        let file = self.temp.as_file();
        let kept = match free_space(file) {
            Some(free) if room_to_spare(free, to - reserved) => {
                keep_room(file, reserved, to - reserved)
            }
            _ => false,
        };
        if !kept {
            give_back_past_end(file);
        }
        self.reserved
            .store(if kept { to } else { u64::MAX }, Relaxed);
    }

    /// The temporary file's path, for writers that want a name.
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// Puts the text in place: the file is flushed to disk and renamed over the target, or
    /// copied into the device or pipe.
    pub fn commit(self) -> io::Result<()> {
        // `listed` first: dropped last, after the temporary file is gone.
        let Replacement {
            listed,
            mut temp,
            target,
            stream,
            mut hangup,
            reserved,
        } = self;
        // Room kept past the end goes back to the disk.
        if reserved.into_inner() != 0 {
            let file = temp.as_file();
            file.set_len(file.metadata()?.len())?;
        }
        if stream {
            hangup.0 = None;
            let from = temp.as_file_mut();
            from.rewind()?;
            // Appending is what `>` and `>>` ask of a file, and all a device or pipe can do.
            let to = OpenOptions::new().append(true).open(&target)?;
            // The temporary file goes once copied.
            return copy_spool_out(from, to);
        }
        temp.as_file().sync_all()?;
        // Off the list as it is renamed, the list held: a signal's removal comes before or
        // after, never between.
        let list = hold_list();
        let persisted = temp.persist(&target).map(drop).map_err(|e| e.error);
        drop(listed);
        drop(list);
        persisted?;
        // The rename itself on the disk: without it a power cut soon after can bring back
        // the file it replaced.
        sync_folder(&target);
        Ok(())
    }
}

/// Makes the folder of `path` durable, so that a file just renamed into it (or out of it) is
/// there after a power cut, as its bytes are. As far as it can: a folder that cannot be
/// opened to be read (one may write in but not list), a file system that cannot sync a
/// folder, or a sync that fails leave it as the file system keeps it. The file is in place
/// either way; a failure is not said (every caller would have to say "written, but": a
/// message that the file could not be written would be wrong, and one a disk that fails
/// here gives at its next write anyway).
pub(crate) fn sync_folder(path: &Path) {
    sync_dir(folder(path));
}

/// [`sync_folder`] of the folder `folder` itself.
pub(crate) fn sync_dir(folder: &Path) {
    #[cfg(test)]
    crate::testing::FOLDERS_SYNCED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(folder.to_path_buf());
    if let Ok(f) = File::open(folder) {
        let _ = f.sync_all();
    }
}

/// Whether room for `asked` more bytes may be taken from a disk with `free` bytes free: only
/// if [`ROOM_TO_SPARE`] stays free besides.
fn room_to_spare(free: u64, asked: u64) -> bool {
    free.checked_sub(asked)
        .is_some_and(|left| left >= ROOM_TO_SPARE)
}

/// The bytes free to an unprivileged writer on `file`'s file system, if it says.
#[cfg(target_os = "linux")]
// The counts are 32-bit on some systems.
#[allow(clippy::useless_conversion)]
fn free_space(file: &File) -> Option<u64> {
    use std::os::fd::AsRawFd;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: fstatvfs writes a statvfs into the memory given, which is sized for one; it is
    // read only when the call succeeded.
    #[allow(unsafe_code)]
    let stat = unsafe {
        if libc::fstatvfs(file.as_raw_fd(), stat.as_mut_ptr()) != 0 {
            return None;
        }
        stat.assume_init()
    };
    u64::from(stat.f_bavail).checked_mul(u64::from(stat.f_frsize))
}

#[cfg(not(target_os = "linux"))]
fn free_space(_file: &File) -> Option<u64> {
    None
}

/// Gives back the blocks `file` holds past its end (a file cut to its own length keeps none).
fn give_back_past_end(file: &File) {
    if let Ok(meta) = file.metadata() {
        let _ = file.set_len(meta.len());
    }
}

/// Asks the file system to give `file` the blocks of `len` bytes from `offset` without
/// changing its length; false when it cannot (it may have given some before it ran out).
#[cfg(target_os = "linux")]
fn keep_room(file: &File, offset: u64, len: u64) -> bool {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return false;
    };
    // SAFETY: fallocate reads no memory of ours; the descriptor is open for the call.
    #[allow(unsafe_code)]
    let done = unsafe { libc::fallocate(file.as_raw_fd(), libc::FALLOC_FL_KEEP_SIZE, offset, len) };
    done == 0
}

#[cfg(not(target_os = "linux"))]
fn keep_room(_file: &File, _offset: u64, _len: u64) -> bool {
    false
}

/// How much of a spool [`copy_spool`] copies before it frees what it copied.
const SPOOL_PIECE: u64 = 32 << 20;

/// Copies the next `len` bytes of `spool` (a temporary file of the process's own, read only
/// this once) onto `to`, the system copying them file to file where it can, a piece at a
/// time; into a regular file (`to_file`), each piece of the spool is freed once copied (its
/// length kept). The copy's new pages are then the pages just freed: on a virtual machine
/// that hands its free memory back to its host, a page not used for a while costs a fault in
/// the host when taken again (a gigabyte copied took 1.2-3.5 s where freed as it went it
/// took 0.4 s). Into a pipe the system may lend the spool's pages to the pipe instead of
/// copying them (`splice`), so nothing is freed there. `piece_copied` is told how many bytes each
/// piece was, once it is copied. How many bytes were copied in all (fewer at the spool's
/// end).
pub fn copy_spool(
    spool: &mut File,
    to: &mut impl Write,
    len: u64,
    to_file: bool,
    mut piece_copied: impl FnMut(u64),
) -> io::Result<u64> {
    let mut copied = 0;
    while copied < len {
        let at = spool.stream_position()?;
        let piece = SPOOL_PIECE.min(len - copied);
        let n = io::copy(&mut io::Read::take(&mut *spool, piece), to)?;
        if to_file {
            free_range(spool, at, n);
        }
        piece_copied(n);
        copied += n;
        if n < piece {
            break;
        }
    }
    Ok(copied)
}

/// Copies what was held back in `spool` (a temporary file of the process's own, read only
/// this once), from where it stands, out to `to`, a mebibyte at a time, and flushes it; the
/// spool is freed as it is copied ([`copy_spool`]). Into a regular file the kernel copies it
/// (`copy_file_range`); into a pipe or a device the standard copy goes 8 KiB at a time, and
/// standard output's line buffering writes each piece in two.
pub fn copy_spool_out(spool: &mut File, to: impl Write + std::os::fd::AsFd) -> io::Result<()> {
    let to_file = (to.as_fd().try_clone_to_owned())
        .and_then(|fd| File::from(fd).metadata())
        .is_ok_and(|m| m.is_file());
    let mut to = io::BufWriter::with_capacity(1 << 20, to);
    copy_spool(spool, &mut to, u64::MAX, to_file, |_| {})?;
    to.flush()
}

/// Gives back the pages and blocks of `len` bytes of `file` from `offset`, its length kept.
/// Where the system cannot, they stay until the file is closed.
#[cfg(target_os = "linux")]
fn free_range(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: fallocate reads no memory of ours; the descriptor is open for the call.
    #[allow(unsafe_code)]
    unsafe {
        libc::fallocate(
            file.as_raw_fd(),
            libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE,
            offset,
            len,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn free_range(_file: &File, _offset: u64, _len: u64) {}

/// The folder a file is in (`.` for a bare name).
pub(crate) fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Whether `path` names an open descriptor (`/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`)
/// rather than a file.
pub fn names_a_descriptor(path: &Path) -> bool {
    cfg!(unix)
        && (["/dev/stdout", "/dev/stderr"]
            .iter()
            .any(|p| path == Path::new(p))
            || path.starts_with("/dev/fd")
            || path.starts_with("/proc") && path.components().any(|c| c.as_os_str() == "fd"))
}

/// Whether `path` names standard output itself, however spelt: `/dev/stdout`, `/dev/fd/1`,
/// `/proc/self/fd/1`, `/dev/../dev/stdout`, `/proc/thread-self/fd/1`, a symbolic link to
/// one. Its links are followed one by one up to this process's descriptor 1 in `/proc`, and
/// not through it (that one leads to whatever standard output is: a file named so is not
/// standard output).
#[cfg(target_os = "linux")]
pub fn names_stdout(path: &Path) -> bool {
    use std::path::Component;
    let Ok(start) = std::path::absolute(path) else {
        return false;
    };
    // The components still to walk, last first; what is walked so far, links followed.
    let mut left: Vec<std::ffi::OsString> = Vec::new();
    push_components(&mut left, &start);
    let mut walked = PathBuf::from("/");
    let mut links = 0;
    while let Some(next) = left.pop() {
        match Path::new(&next).components().next() {
            Some(Component::RootDir) => walked = PathBuf::from("/"),
            Some(Component::ParentDir) => {
                walked.pop();
            }
            Some(Component::Normal(name)) => {
                let here = walked.join(name);
                if is_own_stdout_entry(&here) {
                    // Standard output when nothing comes after (`fd/1/x` is no file).
                    return left.is_empty();
                }
                match fs::read_link(&here) {
                    Ok(to) => {
                        links += 1;
                        if links > MAX_LINKS {
                            return false;
                        }
                        push_components(&mut left, &to);
                    }
                    Err(_) => walked = here,
                }
            }
            _ => {}
        }
    }
    false
}

/// Puts `path`'s components on `left` (a stack: its first component last).
#[cfg(target_os = "linux")]
fn push_components(left: &mut Vec<std::ffi::OsString>, path: &Path) {
    let at = left.len();
    left.extend(path.components().map(|c| c.as_os_str().to_os_string()));
    left[at..].reverse();
}

/// Whether `path` (links followed up to its last component) is this process's descriptor 1
/// in `/proc`: `/proc/PID/fd/1` or `/proc/PID/task/TID/fd/1`, PID this process's.
#[cfg(target_os = "linux")]
fn is_own_stdout_entry(path: &Path) -> bool {
    let parts: Vec<&std::ffi::OsStr> = path.iter().collect();
    let own = std::process::id().to_string();
    let pid_is_own = |p: &std::ffi::OsStr| p == own.as_str();
    match parts.as_slice() {
        [root, proc, pid, fd, one] => {
            *root == "/" && *proc == "proc" && pid_is_own(pid) && *fd == "fd" && *one == "1"
        }
        [root, proc, pid, task, _, fd, one] => {
            *root == "/"
                && *proc == "proc"
                && pid_is_own(pid)
                && *task == "task"
                && *fd == "fd"
                && *one == "1"
        }
        _ => false,
    }
}

/// Whether `path` names standard output itself (`/dev/stdout`, `/dev/fd/1`,
/// `/proc/self/fd/1`), not a file a descriptor of it leads to.
#[cfg(not(target_os = "linux"))]
pub fn names_stdout(path: &Path) -> bool {
    cfg!(unix)
        && ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
            .iter()
            .any(|p| path == Path::new(p))
}

/// Whether standard output was closed when the process started (`>&-`), as the binary
/// found it before the runtime put `/dev/null` in its place
/// ([`note_stdout_closed_at_start`]): whatever is written there then goes nowhere, without
/// an error. Never, where nothing was noted (a library's tests, another system).
pub fn stdout_closed_at_start() -> bool {
    STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Notes whether standard output was closed when the process started: called by the binary
/// as it is loaded, before the runtime fills a closed standard descriptor with `/dev/null`
/// (opened for reading and writing, as a parent's "discard it" may open it too, so it
/// cannot be told apart afterwards).
pub fn note_stdout_closed_at_start(closed: bool) {
    STDOUT_CLOSED.store(closed, std::sync::atomic::Ordering::Relaxed);
}

static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether `path` leads (through any links and spellings: `/dev//fd/3`, a link to
/// `/dev/stdin`) to a file or pipe one of this process's descriptors holds open only for
/// reading (`< t.csv`, `3< t.csv`, standard input a pipe): written to, it would change a file
/// the shell opened to be read, or feed the run's own input. A device (`/dev/null`, a
/// terminal) is never one: writing it harms nothing read.
#[cfg(unix)]
pub fn names_a_reading_descriptor(path: &Path) -> bool {
    use std::os::fd::BorrowedFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Ok(target) = fs::metadata(path) else {
        return false;
    };
    let kind = target.file_type();
    if !(kind.is_file() || kind.is_fifo() || kind.is_socket()) {
        return false;
    }
    let Ok(open) = fs::read_dir("/proc/self/fd") else {
        return false;
    };
    open.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<std::os::fd::RawFd>().ok())
        .any(|fd| {
            // SAFETY: F_GETFL reads the descriptor's flags and touches no memory of ours; a
            // descriptor that is not open gives -1. (The listing's own is a folder's, which
            // no file matches.)
            #[allow(unsafe_code)]
            let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
            if flags == -1 || flags & libc::O_ACCMODE != libc::O_RDONLY {
                return false;
            }
            // SAFETY: the descriptor is open (F_GETFL said so) and is only borrowed to be
            // duplicated, then the duplicate is closed.
            #[allow(unsafe_code)]
            let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
            let Ok(owned) = borrowed.try_clone_to_owned() else {
                return false;
            };
            File::from(owned)
                .metadata()
                .is_ok_and(|m| (m.dev(), m.ino()) == (target.dev(), target.ino()))
        })
}

#[cfg(not(unix))]
pub fn names_a_reading_descriptor(_: &Path) -> bool {
    false
}

/// `path`, or the name its chain of symbolic links ends at (which need not exist yet).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&path)?;
                path = folder(&path).join(to);
            }
            _ => return Ok(path),
        }
    }
    // The system's own error for it where its number is known (so it is said in the user's
    // language), else in words.
    if cfg!(target_os = "linux") {
        return Err(io::Error::from_raw_os_error(40));
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Whether two paths name the same file (so writing one would destroy the other): the same
/// path once links are followed, or two names of one file (a hard link).
pub fn is_same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) if x == y => true,
        // A pipe has no path to be made canonical (`/dev/stdin` and `/dev/fd/0` name one
        // through links that lead to `pipe:[…]`); what each names is still one file or two.
        _ => same_inode(a, b),
    }
}

/// Gives the file at `path` the owner and group of `like` where the system allows it, and
/// the permission bits `mode`, less the group's where its group could not be made `like`'s:
/// a copy of a file (its backup, its recovery journal, a notice replaced) is then read by no
/// one the file itself keeps out.
#[cfg(unix)]
pub fn as_private_as(path: &Path, like: &fs::Metadata, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // Each alone: an ordinary user may give a file a group of theirs, not another owner.
    let _ = std::os::unix::fs::chown(path, Some(like.uid()), Some(like.gid()));
    let _ = std::os::unix::fs::chown(path, None, Some(like.gid()));
    let mut mode = mode & 0o777;
    if fs::metadata(path)?.gid() != like.gid() {
        mode &= !0o070;
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

/// The permission bits of the file at `path` (`None` where it cannot be read, or the system
/// has none).
pub fn mode_of(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Whether standard input is the file `path` (`roadsub batch - -o t.csv < t.csv`): a
/// regular file opened by the shell, the same device and inode. A pipe is never a file.
#[cfg(unix)]
pub fn stdin_is(path: &Path) -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() else {
        return false;
    };
    match (File::from(fd).metadata(), fs::metadata(path)) {
        (Ok(x), Ok(y)) => x.is_file() && (x.dev(), x.ino()) == (y.dev(), y.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
pub fn stdin_is(_: &Path) -> bool {
    false
}

/// Whether `a` and `b` are one file under two names (a hard link).
#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::times_synced;
    use std::fs::Permissions;
    use std::io::Read;

    /// Whether `path` is on the list, asked of the list this thread holds if it does.
    fn on_list(path: &Path) -> bool {
        let mut on = false;
        let seek = |list: &mut List| on = list.values().any(|(p, _)| p == path);
        if !with_held(seek) {
            on = on_signal().values().any(|(p, _)| p == path);
        }
        on
    }

    /// A temporary file listed and let go while this thread holds the list goes on and off
    /// the list held, waiting for nothing (the notices' renames are done so; a listing that
    /// waited for the list would wait for ever), and a second hold on the thread is the
    /// first's; another thread's listing waits until the list is let go. Thousands listed at
    /// once come off in any order.
    #[test]
    fn the_list_held_by_a_thread_takes_its_listings_without_waiting() {
        crate::testing::within_a_minute(|| {
            let path = PathBuf::from("/nowhere/.roadsub-held.tmp");
            let held = hold_list();
            let listed = Listed::new(&path);
            drop(hold_list());
            assert!(with_held(|_| ()), "the second hold let the list go");
            assert!(on_list(&path));
            drop(listed);
            assert!(!on_list(&path));
            // Another thread's listing waits for the list.
            let other = std::thread::spawn(|| Listed::new(Path::new("/nowhere/.roadsub-b")));
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!other.is_finished(), "listed while the list was held");
            drop(held);
            assert!(!with_held(|_| ()));
            let other = other.join().unwrap();
            assert!(on_list(Path::new("/nowhere/.roadsub-b")));
            drop(other);
            assert!(!on_list(Path::new("/nowhere/.roadsub-b")));
            // Made and listed with the list held; off in any order.
            let many: Vec<(PathBuf, Listed)> = (0..5_000)
                .map(|i| {
                    let path = PathBuf::from(format!("/nowhere/.roadsub-{i}"));
                    let made = made_listed(|| Ok(path.clone())).unwrap();
                    (made.0, made.1)
                })
                .collect();
            let (odd, even): (Vec<_>, Vec<_>) = many
                .into_iter()
                .partition(|(p, _)| p.to_string_lossy().ends_with(['1', '3', '5', '7', '9']));
            drop(odd);
            assert!(even.iter().all(|(p, _)| on_list(p)));
            assert!(!on_list(Path::new("/nowhere/.roadsub-4999")));
            drop(even);
            assert!(!on_list(Path::new("/nowhere/.roadsub-4998")));
        });
    }

    /// A temporary file that could not be made or written is said with its folder, and with
    /// `$TMPDIR` only where that named it, in both languages; memory that could not be had
    /// for rows held instead is said in both too.
    #[test]
    fn a_temporary_files_trouble_is_said_with_its_folder() {
        use crate::i18n::Lang;
        let said = |named: bool, writing: bool, lang: Lang| {
            let source = io::Error::from(io::ErrorKind::StorageFull);
            let error = TempFileError {
                dir: PathBuf::from("/var/tmp"),
                named,
                writing,
                source,
            };
            lang.io_reason(&io::Error::new(io::ErrorKind::StorageFull, error))
        };
        assert_eq!(
            [
                said(true, false, Lang::En),
                said(false, false, Lang::En),
                said(true, true, Lang::En),
                said(false, true, Lang::En),
            ],
            [
                "cannot make a temporary file in /var/tmp (TMPDIR): the disk is full",
                "cannot make a temporary file in /var/tmp: the disk is full",
                "cannot write the temporary file in /var/tmp (TMPDIR): the disk is full",
                "cannot write the temporary file in /var/tmp: the disk is full",
            ]
        );
        assert_eq!(
            [
                said(true, false, Lang::Zh),
                said(false, false, Lang::Zh),
                said(true, true, Lang::Zh),
                said(false, true, Lang::Zh),
            ],
            [
                "无法在 /var/tmp（TMPDIR）新建临时文件：磁盘已满",
                "无法在 /var/tmp 新建临时文件：磁盘已满",
                "无法写入 /var/tmp（TMPDIR）中的临时文件：磁盘已满",
                "无法写入 /var/tmp 中的临时文件：磁盘已满",
            ]
        );
        let memory = io::Error::new(io::ErrorKind::OutOfMemory, "no room");
        assert_eq!(Lang::En.io_reason(&memory), "not enough memory");
        assert_eq!(Lang::Zh.io_reason(&memory), "内存不足");
    }

    /// The blocks a file holds on disk (512 bytes each).
    fn blocks(file: &File) -> u64 {
        std::os::unix::fs::MetadataExt::blocks(&file.metadata().unwrap())
    }

    /// Whether the file system under `dir` frees a file's blocks when asked to.
    fn frees_blocks(dir: &Path) -> bool {
        use std::os::fd::AsRawFd;
        let mut probe = File::create(dir.join("probe")).unwrap();
        probe.write_all(&[7; 1 << 16]).unwrap();
        probe.sync_all().unwrap();
        let mode = libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE;
        // SAFETY: fallocate reads no memory of ours; the descriptor is open for the call.
        #[allow(unsafe_code)]
        let done = unsafe { libc::fallocate(probe.as_raw_fd(), mode, 0, 1 << 16) } == 0;
        done && blocks(&probe) == 0
    }

    /// A spool of `len` bytes of a pattern, written to disk, standing at `at`.
    fn spool_of(dir: &Path, len: usize, at: u64) -> (File, Vec<u8>) {
        let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut spool = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.join("spool"))
            .unwrap();
        spool.write_all(&bytes).unwrap();
        spool.sync_all().unwrap();
        spool.seek(io::SeekFrom::Start(at)).unwrap();
        (spool, bytes)
    }

    /// A spool copied into a file gives back its blocks piece by piece as they are copied
    /// (a gigabyte of JSON rows copied into its document took 1.2-3.5 s, its pages taken
    /// anew, where freed as it went it took 0.4 s); what is copied is the spool's bytes from
    /// where it stood, as many as asked, whatever the pieces.
    #[test]
    fn a_spool_copied_into_a_file_is_the_bytes_asked_for_and_freed_as_it_goes() {
        let dir = tempfile::tempdir().unwrap();
        let len = (2 * SPOOL_PIECE + 12_345) as usize;
        let (mut spool, bytes) = spool_of(dir.path(), len, 3);
        let before = blocks(&spool);
        let mut out = File::create(dir.path().join("out")).unwrap();
        out.write_all(b"head").unwrap();
        let asked = len as u64 - 3 - 100;
        let mut pieces = Vec::new();
        let copied = copy_spool(&mut spool, &mut out, asked, true, |n| pieces.push(n));
        assert_eq!(copied.unwrap(), asked);
        assert_eq!(pieces, [SPOOL_PIECE, SPOOL_PIECE, asked - 2 * SPOOL_PIECE]);
        assert_eq!(spool.stream_position().unwrap(), 3 + asked);
        let written = std::fs::read(dir.path().join("out")).unwrap();
        assert_eq!(written[..4], *b"head");
        assert!(
            written[4..] == bytes[3..len - 100],
            "the spool's bytes, in order"
        );
        // The spool keeps its length; the blocks copied are given back (but for a few about
        // the pages the copy began and ended within).
        assert_eq!(spool.metadata().unwrap().len(), len as u64);
        if frees_blocks(dir.path()) {
            let left = blocks(&spool);
            assert!(left * 100 < before, "{left} blocks of {before}");
        }
        // Asked for more than it holds: what it holds.
        let (mut spool, bytes) = spool_of(dir.path(), 1000, 10);
        let mut out = File::create(dir.path().join("out")).unwrap();
        assert_eq!(
            copy_spool(&mut spool, &mut out, u64::MAX, true, |_| {}).unwrap(),
            990
        );
        assert_eq!(std::fs::read(dir.path().join("out")).unwrap(), bytes[10..]);
    }

    /// Into a pipe the system may lend the spool's pages instead of copying them: nothing is
    /// freed, and the reader gets every byte as it was.
    #[test]
    fn a_spool_copied_into_a_pipe_is_not_freed() {
        let dir = tempfile::tempdir().unwrap();
        let len = (SPOOL_PIECE + 4097) as usize;
        let (mut spool, bytes) = spool_of(dir.path(), len, 1);
        let before = blocks(&spool);
        let (mut reader, writer) = io::pipe().unwrap();
        let read = std::thread::spawn(move || {
            let mut got = Vec::new();
            reader.read_to_end(&mut got).unwrap();
            got
        });
        copy_spool_out(&mut spool, writer).unwrap();
        assert!(read.join().unwrap() == bytes[1..], "every byte, as it was");
        assert_eq!(blocks(&spool), before);
    }

    fn replace(path: &Path, text: &str) -> io::Result<()> {
        let r = Replacement::new(path, ".tmp")?;
        r.file().write_all(text.as_bytes())?;
        r.commit()
    }

    /// A hard link is another name of the same file: writing one over the other loses it as
    /// surely as writing the file over itself (the table view's export took the table's
    /// backup under another name for an ordinary file).
    #[test]
    fn two_names_of_one_file_are_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("plan.csv");
        fs::write(&a, "x").unwrap();
        let hard = dir.path().join("hard.csv");
        fs::hard_link(&a, &hard).unwrap();
        let soft = dir.path().join("soft.csv");
        std::os::unix::fs::symlink(&a, &soft).unwrap();
        let copy = dir.path().join("copy.csv");
        fs::write(&copy, "x").unwrap();
        assert!(is_same_file(&a, &a));
        assert!(is_same_file(&a, &hard));
        assert!(is_same_file(&soft, &hard));
        assert!(!is_same_file(&a, &copy));
        assert!(!is_same_file(&a, &dir.path().join("missing.csv")));
    }

    #[test]
    fn a_file_is_replaced_and_untouched_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        fs::write(&path, "old").unwrap();
        let r = Replacement::new(&path, ".tmp").unwrap();
        r.file().write_all(b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        r.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// The folders a run makes for its output go again when it writes nothing there (a
    /// failure), each only while empty and the deepest first, and stay when kept; a folder
    /// that was there is never touched (even reached through one that was not), nor one
    /// someone put a file in meanwhile. On the list a signal's ending removes, each is marked
    /// to go only while empty.
    #[test]
    fn folders_made_for_an_output_go_again_only_while_empty_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let there = dir.path().join("there");
        fs::create_dir(&there).unwrap();
        let deep = there.join("a").join("b").join("c");
        let made = make_folders(&deep).unwrap();
        assert!(deep.is_dir());
        let listed = |p: &Path| {
            on_signal()
                .values()
                .any(|(q, r)| q == p && *r == Removal::IfEmpty)
        };
        assert!(listed(&deep) && listed(&there.join("a")) && !listed(&there));
        drop(made);
        assert!(!there.join("a").exists() && there.is_dir());
        assert!(!listed(&deep) && !listed(&there.join("a")));
        // One with a file put in it stays, and so do the folders above it.
        let made = make_folders(&deep).unwrap();
        fs::write(there.join("a").join("b").join("mine.txt"), "x").unwrap();
        drop(made);
        assert!(!deep.exists() && there.join("a").join("b").join("mine.txt").is_file());
        // Kept: they stay, and are off the list.
        let made = make_folders(&deep).unwrap();
        made.keep();
        assert!(deep.is_dir() && !listed(&deep));
        // A folder already there: nothing made, nothing removed.
        drop(make_folders(&deep).unwrap());
        assert!(deep.is_dir());
        // Nor one reached through a folder that is not there: only the missing one goes.
        let (nope, kept) = (dir.path().join("nope"), dir.path().join("kept"));
        fs::create_dir(&kept).unwrap();
        drop(make_folders(&nope.join("..").join("kept")).unwrap());
        assert!(kept.is_dir() && !nope.exists());
        // A folder made is synced into the one above it, and a failure part way removes
        // those it made (a name too long after two made).
        let new = dir.path().join("new");
        let synced = times_synced(dir.path());
        let made = make_folders(&new.join("inner")).unwrap();
        assert_eq!(times_synced(dir.path()), synced + 1);
        assert_eq!(times_synced(&new), 1);
        made.keep();
        let long = new.join("x").join("y").join("z".repeat(300));
        assert!(make_folders(&long).is_err());
        assert!(!new.join("x").exists() && new.join("inner").is_dir());
    }

    /// A file put in place has its folder synced once it is renamed, so that the rename
    /// outlasts a power cut as its bytes do (before, the bytes were synced and the rename
    /// left to the file system, which writes it seconds later): the table view's saves,
    /// batch runs and comparisons written to a file. Text copied into a device or pipe syncs
    /// no folder.
    #[test]
    fn a_file_put_in_place_has_its_folder_synced_once_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        fs::write(&path, "old").unwrap();
        let r = Replacement::new(&path, ".tmp").unwrap();
        r.file().write_all(b"new").unwrap();
        let folder = folder(&r.target).to_path_buf();
        assert_eq!(times_synced(&folder), 0);
        r.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(times_synced(&folder), 1);
        let r = Replacement::new(Path::new("/dev/null"), ".tmp").unwrap();
        r.file().write_all(b"new").unwrap();
        r.commit().unwrap();
        assert_eq!(times_synced(Path::new("/dev")), 0);
    }

    /// Room kept ahead of a file written in pieces ([`Replacement::make_room`]) holds the
    /// blocks before the bytes come, and what was kept past the end is given back when the
    /// file takes its place: the file is its bytes, and holds no more blocks than a file
    /// written plainly. (Where the file system cannot keep room, the bytes are the same.)
    #[test]
    fn room_kept_ahead_of_a_file_is_given_back_at_its_end() {
        use std::sync::atomic::Ordering::Relaxed;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let piece: Vec<u8> = (0..100_003).map(|i| b"0123456789,\n"[i % 12]).collect();
        let r = Replacement::new(&path, ".tmp").unwrap();
        let mut written = 0u64;
        for _ in 0..30 {
            r.make_room(written + piece.len() as u64);
            r.file().write_all(&piece).unwrap();
            written += piece.len() as u64;
        }
        let kept = r.reserved.load(Relaxed);
        if kept != u64::MAX {
            // The room reached past the bytes written, no more than a step, and the disk
            // holds it.
            assert!(
                written < kept && kept <= written + ROOM_AHEAD,
                "{kept} for {written}"
            );
            assert!(
                blocks(r.file()) * 512 >= kept,
                "{} blocks",
                blocks(r.file())
            );
        }
        r.commit().unwrap();
        let plain = dir.path().join("plain.csv");
        fs::write(&plain, piece.repeat(30)).unwrap();
        File::open(&plain).unwrap().sync_all().unwrap();
        assert!(fs::read(&path).unwrap() == fs::read(&plain).unwrap());
        let (ours, theirs) = (
            blocks(&File::open(&path).unwrap()),
            blocks(&File::open(&plain).unwrap()),
        );
        assert!(
            ours <= theirs + 8,
            "{ours} blocks where a plain write holds {theirs}"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// The defect, found in the round it came in: room asked 16 MiB ahead on a nearly full
    /// disk took what other writes needed (ext4 keeps what it found before it ran out, so a
    /// refused request took all the space left): a run's messages written to a file on that
    /// disk lost 6,000 of 6,000 bad-row lines, and another program's write there failed
    /// where it had succeeded. Room is now asked only while a GiB stays free besides.
    #[test]
    fn a_nearly_full_disk_is_not_asked_for_room_ahead() {
        assert!(room_to_spare(ROOM_TO_SPARE + ROOM_AHEAD, ROOM_AHEAD));
        assert!(room_to_spare(u64::MAX, ROOM_AHEAD));
        assert!(!room_to_spare(ROOM_TO_SPARE + ROOM_AHEAD - 1, ROOM_AHEAD));
        assert!(!room_to_spare(10 << 20, ROOM_AHEAD));
        assert!(!room_to_spare(0, 1));
        // A request larger than the disk is not made either.
        assert!(!room_to_spare(u64::MAX - 1, u64::MAX));
    }

    /// What a request for room took before it was refused (ext4 keeps the blocks it found
    /// before it ran out) goes back at once, not at the end of the run, and room is not asked
    /// again: the file holds the blocks of its bytes and no more, and its bytes are kept.
    #[test]
    fn what_a_refused_request_for_room_took_is_given_back_at_once() {
        use std::os::fd::AsRawFd;
        use std::sync::atomic::Ordering::Relaxed;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let r = Replacement::new(&path, ".tmp").unwrap();
        let bytes = vec![b'7'; 100_000];
        r.file().write_all(&bytes).unwrap();
        // Blocks past the end, as a request refused partway leaves them.
        // SAFETY: fallocate reads no memory of ours; the descriptor is open for the call.
        #[allow(unsafe_code)]
        let took = unsafe {
            libc::fallocate(
                r.file().as_raw_fd(),
                libc::FALLOC_FL_KEEP_SIZE,
                100_000,
                8 << 20,
            )
        } == 0;
        if took {
            assert!(blocks(r.file()) * 512 >= 8 << 20);
        }
        // More than any disk has free: refused.
        r.make_room(1 << 62);
        assert_eq!(r.reserved.load(Relaxed), u64::MAX);
        let plain = dir.path().join("plain.csv");
        fs::write(&plain, &bytes).unwrap();
        File::open(&plain).unwrap().sync_all().unwrap();
        r.file().sync_all().unwrap();
        let (ours, theirs) = (blocks(r.file()), blocks(&File::open(&plain).unwrap()));
        assert!(
            ours <= theirs + 8,
            "{ours} blocks where a plain write holds {theirs}"
        );
        // Not asked again, however far the writes go.
        r.make_room(200_000);
        assert_eq!(r.reserved.load(Relaxed), u64::MAX);
        r.commit().unwrap();
        assert!(fs::read(&path).unwrap() == bytes);
    }

    #[test]
    fn a_dropped_replacement_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let r = Replacement::new(&path, ".tmp").unwrap();
        r.file().write_all(b"new").unwrap();
        drop(r);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_stays_a_link_and_its_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("real");
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("target.csv"), "old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real/target.csv", &link).unwrap();
        replace(&link, "new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(sub.join("target.csv")).unwrap(), "new");
        // A link to a file not there yet creates it.
        let dangling = dir.path().join("later.csv");
        std::os::unix::fs::symlink("real/later.csv", &dangling).unwrap();
        replace(&dangling, "made").unwrap();
        assert_eq!(fs::read_to_string(sub.join("later.csv")).unwrap(), "made");
    }

    /// A FIFO in `dir`, and what a reader waiting on it gets. The reader is left behind, not
    /// joined, should it never be let go: a test then fails instead of hanging.
    #[cfg(unix)]
    fn fifo_with_reader(dir: &Path) -> (PathBuf, std::sync::mpsc::Receiver<String>) {
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            File::open(path).unwrap().read_to_string(&mut text).unwrap();
            tx.send(text).unwrap();
        });
        // The reader is waiting in its open by now, as `cat pipe &` would be.
        std::thread::sleep(std::time::Duration::from_millis(200));
        (fifo, rx)
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_into_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (fifo, reader) = fifo_with_reader(dir.path());
        replace(&fifo, "rows\n").unwrap();
        let text = reader.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(text.as_deref(), Ok("rows\n"));
        assert!(!fs::metadata(&fifo).unwrap().is_file());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_pipes_reader_is_let_go_when_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (fifo, reader) = fifo_with_reader(dir.path());
        drop(Replacement::new(&fifo, ".tmp").unwrap());
        let text = reader.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(text.as_deref(), Ok(""));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_output_guard_lets_a_fifos_reader_go_and_touches_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let (fifo, reader) = fifo_with_reader(dir.path());
        drop(Hangup::for_output(Some(&fifo)));
        let text = reader.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(text.as_deref(), Ok(""));
        let file = dir.path().join("out.csv");
        drop(Hangup::for_output(Some(&file)));
        assert!(!file.exists(), "no file is made");
        fs::write(&file, "kept").unwrap();
        drop(Hangup::for_output(Some(&file)));
        assert_eq!(fs::read_to_string(&file).unwrap(), "kept");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_or_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.csv");
        fs::write(&old, "x").unwrap();
        fs::set_permissions(&old, Permissions::from_mode(0o640)).unwrap();
        replace(&old, "y").unwrap();
        assert_eq!(
            fs::metadata(&old).unwrap().permissions().mode() & 0o777,
            0o640
        );
        // What the system gives a new file here is what a new table gets: not private.
        let probe = dir.path().join("probe");
        File::create(&probe).unwrap();
        let usual = fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
        let new = dir.path().join("new.csv");
        replace(&new, "z").unwrap();
        assert_eq!(
            fs::metadata(&new).unwrap().permissions().mode() & 0o777,
            usual
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_into_not_replaced() {
        replace(Path::new("/dev/null"), "rows\n").unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
        assert!(names_a_descriptor(Path::new("/dev/stdout")));
        assert!(names_a_descriptor(Path::new("/dev/fd/1")));
        assert!(names_a_descriptor(Path::new("/proc/self/fd/1")));
        assert!(!names_a_descriptor(Path::new("/dev/shm/out.csv")));
        assert!(!names_a_descriptor(Path::new("/devices.csv")));
    }

    /// The defect (review 28): with standard output closed, `-o /dev/../dev/stdout`,
    /// `-o /proc/thread-self/fd/1` or a link to `/dev/stdout` wrote the results nowhere with
    /// status 0; only three spellings were known.
    #[cfg(target_os = "linux")]
    #[test]
    fn standard_output_is_known_however_it_is_spelt() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("out.csv");
        std::os::unix::fs::symlink("/dev/stdout", &link).unwrap();
        let chain = dir.path().join("chain.csv");
        std::os::unix::fs::symlink("out.csv", &chain).unwrap();
        let fd_folder = dir.path().join("fds");
        std::os::unix::fs::symlink("/dev/fd", &fd_folder).unwrap();
        let pid = std::process::id();
        for path in [
            "/dev/stdout".into(),
            "/dev/fd/1".into(),
            "/proc/self/fd/1".into(),
            "/dev/../dev/stdout".into(),
            "/dev//stdout".into(),
            "/dev/./fd/1".into(),
            "/proc/thread-self/fd/1".into(),
            format!("/proc/{pid}/fd/1").into(),
            format!("/proc/{pid}/task/{pid}/fd/1").into(),
            link.clone(),
            chain.clone(),
            fd_folder.join("1"),
        ] {
            assert!(names_stdout(&path), "{}", path.display());
        }
        let loop_link = dir.path().join("loop.csv");
        std::os::unix::fs::symlink("loop.csv", &loop_link).unwrap();
        for path in [
            PathBuf::from("/dev/stderr"),
            "/dev/fd/2".into(),
            "/dev/fd/10".into(),
            "/proc/self/fd/11".into(),
            "/dev/null".into(),
            "/dev/stdout/x".into(),
            "/dev/stdoutx".into(),
            "out.csv".into(),
            dir.path().join("none.csv"),
            fd_folder.join("2"),
            loop_link,
        ] {
            assert!(!names_stdout(&path), "{}", path.display());
        }
        if pid != 1 {
            assert!(!names_stdout(Path::new("/proc/1/fd/1")));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_opened_by_the_shell_is_written_into_as_it_asked() {
        use std::os::fd::AsRawFd;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        fs::write(&path, "earlier\n").unwrap();
        // As `>> log.csv` would open it.
        let shell = OpenOptions::new().append(true).open(&path).unwrap();
        let name = format!("/proc/self/fd/{}", shell.as_raw_fd());
        replace(Path::new(&name), "rows\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "earlier\nrows\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_owner_when_allowed() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("theirs.csv");
        fs::write(&path, "x").unwrap();
        // Only root may give a file away; anyone else's files are their own already.
        let owner = match std::os::unix::fs::chown(&path, Some(65534), Some(65534)) {
            Ok(()) => 65534,
            Err(_) => fs::metadata(&path).unwrap().uid(),
        };
        replace(&path, "y").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().uid(), owner);
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = Replacement::new(dir.path(), ".tmp").err().unwrap();
        assert_eq!(err.to_string(), "is a directory");
    }
}
