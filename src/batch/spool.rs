//! Inputs that can be read only once, kept in temporary files for a run that reads more than
//! once (budgets that bind, SPEC §8). Standard input, a named pipe, `/dev/fd/N` (a shell's
//! `<(…)`), a character device or a socket gives its bytes to the first reader only: read
//! again, it is empty or waits forever for a writer that is gone. Only a regular file (after
//! symlinks) is read where it lies; a run that reads once never copies anything.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tempfile::NamedTempFile;

use crate::table::replace::Listed;

use super::Input;
use crate::i18n::Lang;

/// Whether `path` must be copied to be read more than once: it is not a regular file. A path
/// that cannot be looked at, or a directory, is read where it lies, so it fails as it would
/// in one reading.
pub fn needs_copy(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The copies of a run's inputs, by their place among the inputs (`None`: read where it lies).
/// The files are removed when this is dropped.
#[derive(Default)]
pub struct Copies {
    files: Vec<Option<NamedTempFile>>,
    /// The copies on the list a signal's ending removes (after `files`: dropped once they
    /// are gone).
    _listed: Vec<Listed>,
}

/// An input that could not be copied.
#[derive(Debug)]
pub struct CopyFailed {
    /// The input's name in messages.
    pub label: String,
    pub source: io::Error,
}

impl Copies {
    /// Copies every input of `inputs` that cannot be read twice. With `progress`, a line on
    /// standard error says which input is being read and how far, so a slow writer on the
    /// other end of a pipe does not look like a hung run.
    pub fn make(inputs: &[Input], progress: bool, lang: Lang) -> Result<Copies, CopyFailed> {
        // Before `files`, so that on a failure the copies go before their names leave the
        // list.
        let mut listed = Vec::new();
        let mut files = Vec::with_capacity(inputs.len());
        for input in inputs {
            let copy = match &input.path {
                None => Some(copy(io::stdin().lock(), None, &input.label, progress, lang)),
                Some(path) if needs_copy(path) => match std::fs::File::open(path) {
                    Ok(file) => Some(copy(file, Some(path), &input.label, progress, lang)),
                    // Left where it lies: the reading that follows says why it cannot be read.
                    Err(_) => None,
                },
                Some(_) => None,
            };
            let copy = copy.transpose().map_err(|source| CopyFailed {
                label: input.label.clone(),
                source,
            })?;
            let copy = copy.map(|(file, on_list)| {
                listed.push(on_list);
                file
            });
            files.push(copy);
        }
        Ok(Copies {
            files,
            _listed: listed,
        })
    }

    /// The copy of the `n`-th input, if it was copied.
    pub fn path(&self, n: usize) -> Option<&Path> {
        self.files.get(n)?.as_ref().map(NamedTempFile::path)
    }

    /// The copies' paths, by their place among the inputs.
    pub fn paths(&self) -> Vec<Option<PathBuf>> {
        (0..self.files.len())
            .map(|n| self.path(n).map(Path::to_path_buf))
            .collect()
    }
}

/// Copies `from` whole into a new temporary file. The copy keeps the extension of `named`, so
/// a workbook is still read as one.
fn copy(
    from: impl Read,
    named: Option<&Path>,
    label: &str,
    progress: bool,
    lang: Lang,
) -> io::Result<(NamedTempFile, Listed)> {
    let suffix = named
        .and_then(Path::extension)
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    // On the list while it is written, too: a copy of a slow pipe is where a run is most
    // often stopped.
    let (mut file, listed) = crate::table::replace::made_listed(|| {
        tempfile::Builder::new()
            .prefix(".roadsub-")
            .suffix(&suffix)
            .tempfile_in(crate::table::replace::temp_folder())
            .map_err(crate::table::replace::TempFileError::making)
    })?;
    let bar = progress.then(|| reading_bar(label, lang));
    let mut from = match &bar {
        Some(bar) => Box::new(bar.wrap_read(from)) as Box<dyn Read>,
        None => Box::new(from),
    };
    // A workbook by its name is copied whole (its head is a zip's, no text table's).
    let mut to = InTemp(file.as_file_mut());
    let copied = match named.is_some_and(crate::table::workbook::is_workbook) {
        true => io::copy(&mut from, &mut to).map(|_| ()),
        false => copy_table(&mut from, &mut to),
    };
    let copied = copied.and_then(|()| file.as_file_mut().flush());
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match copied {
        Ok(()) => Ok((file, listed)),
        Err(e) => {
            // The file goes first, then its name leaves the list.
            drop(file);
            drop(listed);
            Err(e)
        }
    }
}

/// A temporary file written into, whose failures name its folder ([`TempFileError`]): what
/// is read and what is written are copied by one call, and only the writes are its.
///
/// [`TempFileError`]: crate::table::replace::TempFileError
struct InTemp<'a>(&'a mut std::fs::File);

impl Write for InTemp<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .write(bytes)
            .map_err(crate::table::replace::TempFileError::writing)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0
            .flush()
            .map_err(crate::table::replace::TempFileError::writing)
    }
}

/// Copies `from` (a table of text by its name) into `to`, its head first: a head the reader
/// refuses at once (binary data, UTF-16, a workbook under another name), decided on those
/// bytes alone, is all that is copied, so an endless
/// device (`/dev/zero`) or a large file of another kind is refused as soon as it would be
/// when read where it lies, and never fills the disk.
fn copy_table(from: &mut impl Read, to: &mut impl Write) -> io::Result<()> {
    let mut head = Vec::with_capacity(crate::table::HEAD_BYTES);
    from.by_ref()
        .take(crate::table::HEAD_BYTES as u64)
        .read_to_end(&mut head)?;
    to.write_all(&head)?;
    if head.len() < crate::table::HEAD_BYTES || crate::table::head_is_not_text(&head) {
        return Ok(());
    }
    io::copy(from, to).map(|_| ())
}

/// A spinner with the bytes read so far, ticking on its own while the input is silent.
fn reading_bar(label: &str, lang: Lang) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {bytes} {bytes_per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(match lang {
        Lang::En => format!("reading {label} into a temporary file to read it again…"),
        Lang::Zh => format!("正在读取 {label} 到临时文件以便再次读取…"),
    });
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream is copied whole unless its head is refused (then only the head, on which
    /// the refusal is decided, so reading the copy says what reading the stream would).
    #[test]
    fn only_the_head_of_a_stream_refused_at_its_head_is_copied() {
        let table = "id,township\nS1,天马乡\n".repeat(20_000);
        let binary = vec![0u8; 1 << 20];
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("id,township\n".repeat(10_000).bytes().flat_map(|b| [b, 0]));
        let head = crate::table::HEAD_BYTES;
        for (bytes, copied) in [
            (table.as_bytes(), table.len()),
            (&table.as_bytes()[..100], 100),
            (&binary[..], head),
            (&binary[..10], 10),
            (&utf16[..], head),
        ] {
            let mut to = Vec::new();
            copy_table(&mut &bytes[..], &mut to).unwrap();
            assert_eq!(to.len(), copied);
            assert_eq!(to, bytes[..copied]);
        }
    }

    #[test]
    fn a_regular_file_is_read_where_it_lies_and_a_fifo_is_copied() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plan.csv");
        std::fs::write(&file, "id\n").unwrap();
        assert!(!needs_copy(&file));
        // A symlink to a regular file is read where it lies: the file it names is one.
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(!needs_copy(&link));
        let fifo = dir.path().join("plan-fifo.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        assert!(needs_copy(&fifo));
        // A character device (and /dev/fd/N, a link to whatever the descriptor is).
        assert!(needs_copy(Path::new("/dev/null")));
        // Nothing there, or a directory: read where it lies, to fail as in one reading.
        assert!(!needs_copy(&dir.path().join("missing.csv")));
        assert!(!needs_copy(dir.path()));
    }
}
