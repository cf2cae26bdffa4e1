//! The harness every end-to-end test runs the binary through: a scratch directory, the real
//! `roadsub` executable, and checks that, when they fail, print what was expected beside what
//! came out — the command, its exit status and both streams — between rulers, so a failure
//! says all there is to know without a rerun.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

/// A scratch directory the binary runs in (so no `./rules.toml` is picked up by accident).
pub struct Env {
    pub dir: TempDir,
}

impl Default for Env {
    fn default() -> Env {
        Env::new()
    }
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// `roadsub ARGS` in this directory, in English unless the args or `.env` say otherwise.
    pub fn roadsub(&self, args: &[&str]) -> Run {
        Run {
            args: args.iter().map(OsString::from).collect(),
            dir: self.dir.path().to_path_buf(),
            env: vec![("LANG".into(), "C".into())],
            stdin: Vec::new(),
            stdout: None,
        }
    }

    /// [`Env::roadsub`] with arguments that need not be text (a file name in GBK).
    pub fn roadsub_os(&self, args: &[OsString]) -> Run {
        Run {
            args: args.to_vec(),
            ..self.roadsub(&[])
        }
    }

    /// Writes a file in the scratch directory and returns its path as a string.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let p = self.path(name);
        std::fs::write(&p, contents).unwrap();
        p.to_string_lossy().into_owned()
    }

    /// Where `name` is (or would be) in the scratch directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// [`Env::path`] as a string, for an argument or an expected message.
    pub fn file(&self, name: &str) -> String {
        self.path(name).to_string_lossy().into_owned()
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }
}

/// A file of the crate (`examples/…`), by its path from the crate's root.
pub fn bundled(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A fixture under `tests/data/`.
pub fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The bundled example.
/// Writes `t.csv` in `env`: 2,000 group roads of 天马乡 in 40 villages, more output than a
/// file size limit of a few blocks lets through.
pub fn two_thousand_rows(env: &Env) {
    let mut table = String::from("编号,乡镇,村,类别,宽度,长度,投资\n");
    for i in 0..2000 {
        table.push_str(&format!("S{i},天马乡,村{},通社,4.5,1.2,50万\n", i % 40));
    }
    env.write("t.csv", &table);
}

pub fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018.csv")
        .to_string_lossy()
        .into_owned()
}

/// One run of the binary, not yet started.
pub struct Run {
    args: Vec<OsString>,
    dir: PathBuf,
    env: Vec<(OsString, OsString)>,
    stdin: Vec<u8>,
    /// Where standard output goes instead of being kept (then it is kept empty).
    stdout: Option<Stdio>,
}

impl Run {
    /// What standard input holds (by default nothing: a pipe closed at once).
    pub fn stdin(mut self, bytes: impl AsRef<[u8]>) -> Run {
        self.stdin = bytes.as_ref().to_vec();
        self
    }

    /// Sets a variable of the environment the binary runs in.
    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Sends standard output to `to` (such as `/dev/full`) instead of keeping it.
    pub fn stdout_to(mut self, to: impl Into<Stdio>) -> Run {
        self.stdout = Some(to.into());
        self
    }

    /// The command, for a test that wires the streams itself (a closed pipe, a full disk).
    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_roadsub"));
        c.current_dir(&self.dir)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .args(&self.args);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Runs with standard output read to the end of its first line and then closed, as
    /// `| head -1` closes it: that line, the status, and what was said on standard error.
    pub fn first_line_then_closed(&self) -> (String, Option<i32>, String) {
        use std::io::{BufRead, BufReader, Read};
        let mut child = self
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = Vec::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_until(b'\n', &mut first)
            .unwrap();
        let first = String::from_utf8_lossy(&first).into_owned();
        // The pipe closes here.
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (first, child.wait().unwrap().code(), err)
    }

    /// Runs to the end and returns what came out, checking nothing.
    pub fn run(self) -> Output {
        let mut child = self
            .command()
            .stdin(Stdio::piped())
            .stdout(self.stdout.unwrap_or_else(Stdio::piped))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdin.take().unwrap();
        let stdin = self.stdin;
        // Written beside the reading, so a large input cannot fill both pipes and stall.
        let writer = std::thread::spawn(move || {
            // The binary may stop reading early; what it did with the rest is the test's to judge.
            let _ = pipe.write_all(&stdin);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let shown: Vec<String> = self
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        Output {
            command: format!("roadsub {}", shown.join(" ")),
            code: out.status.code().unwrap_or(-1),
            stdout_utf8: std::str::from_utf8(&out.stdout).is_ok(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and checks the exit status and both streams exactly.
    #[track_caller]
    pub fn expect(self, code: i32, stdout: &str, stderr: &str) -> Output {
        let out = self.run();
        out.code(code).stdout(stdout).stderr(stderr);
        out
    }

    /// Runs and checks the exit status.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Output {
        let out = self.run();
        out.code(code);
        out
    }
}

/// What a run gave. Each check returns the output, so checks chain; a failed one panics
/// with the whole run shown.
pub struct Output {
    pub command: String,
    pub code: i32,
    /// Standard output, any bytes that are not UTF-8 replaced by U+FFFD.
    pub stdout: String,
    pub stderr: String,
    stdout_utf8: bool,
}

/// A stream shown in a failure longer than this is cut, so a million-row output does not
/// bury the message.
const SHOWN: usize = 16 * 1024;

fn clipped(text: &str) -> String {
    if text.len() <= SHOWN {
        return text.to_string();
    }
    let mut end = SHOWN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[… {} more bytes not shown]",
        &text[..end],
        text.len() - end
    )
}

impl Output {
    #[track_caller]
    fn fail(&self, what: &str, expected: &str, actual: &str) -> ! {
        panic!(
            "\n{what}\n\
             ===== expected =====\n{}\n\
             ===== actual =====\n{}\n\
             ===== command =====\n{}\n\
             ===== exit status =====\n{}\n\
             ===== stdout =====\n{}\n\
             ===== stderr =====\n{}\n\
             ====================",
            clipped(expected),
            clipped(actual),
            self.command,
            self.code,
            clipped(&self.stdout),
            clipped(&self.stderr),
        )
    }

    /// The exit status is `code`.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Output {
        if self.code != code {
            self.fail(
                "exit status differs",
                &code.to_string(),
                &self.code.to_string(),
            );
        }
        self
    }

    /// Standard output is exactly `text`.
    #[track_caller]
    pub fn stdout(&self, text: &str) -> &Output {
        if self.stdout != text {
            self.fail("stdout differs", text, &self.stdout);
        }
        self
    }

    /// Standard error is exactly `text`.
    #[track_caller]
    pub fn stderr(&self, text: &str) -> &Output {
        if self.stderr != text {
            self.fail("stderr differs", text, &self.stderr);
        }
        self
    }

    /// Standard output contains `part`.
    #[track_caller]
    pub fn stdout_has(&self, part: &str) -> &Output {
        if !self.stdout.contains(part) {
            self.fail(
                "stdout does not contain the expected text",
                part,
                &self.stdout,
            );
        }
        self
    }

    /// Standard error contains `part`.
    #[track_caller]
    pub fn stderr_has(&self, part: &str) -> &Output {
        if !self.stderr.contains(part) {
            self.fail(
                "stderr does not contain the expected text",
                part,
                &self.stderr,
            );
        }
        self
    }

    /// Standard output does not contain `part`.
    #[track_caller]
    pub fn stdout_lacks(&self, part: &str) -> &Output {
        if self.stdout.contains(part) {
            self.fail("stdout contains text it should not", part, &self.stdout);
        }
        self
    }

    /// Standard error does not contain `part`.
    #[track_caller]
    pub fn stderr_lacks(&self, part: &str) -> &Output {
        if self.stderr.contains(part) {
            self.fail("stderr contains text it should not", part, &self.stderr);
        }
        self
    }

    /// Standard output starts with `head`.
    #[track_caller]
    pub fn stdout_starts(&self, head: &str) -> &Output {
        if !self.stdout.starts_with(head) {
            self.fail(
                "stdout does not start with the expected text",
                head,
                &self.stdout,
            );
        }
        self
    }

    /// Standard error starts with `head`.
    #[track_caller]
    pub fn stderr_starts(&self, head: &str) -> &Output {
        if !self.stderr.starts_with(head) {
            self.fail(
                "stderr does not start with the expected text",
                head,
                &self.stderr,
            );
        }
        self
    }

    /// Standard error ends with `tail`.
    #[track_caller]
    pub fn stderr_ends(&self, tail: &str) -> &Output {
        if !self.stderr.ends_with(tail) {
            self.fail(
                "stderr does not end with the expected text",
                tail,
                &self.stderr,
            );
        }
        self
    }

    /// Standard output is UTF-8 text as it came (nothing in it had to be replaced).
    #[track_caller]
    pub fn stdout_is_utf8(&self) -> &Output {
        if !self.stdout_utf8 {
            self.fail("stdout is not UTF-8", "UTF-8 text", &self.stdout);
        }
        self
    }

    /// The first line of standard output is exactly `line` (without its line break).
    #[track_caller]
    pub fn stdout_first_line(&self, line: &str) -> &Output {
        match self.stdout.lines().next() {
            Some(first) if first == line => self,
            first => self.fail(
                "the first line of stdout differs",
                line,
                first.unwrap_or("(stdout is empty)"),
            ),
        }
    }

    /// The first line of standard error is exactly `line` (without its line break).
    #[track_caller]
    pub fn stderr_first_line(&self, line: &str) -> &Output {
        match self.stderr.lines().next() {
            Some(first) if first == line => self,
            first => self.fail(
                "the first line of stderr differs",
                line,
                first.unwrap_or("(stderr is empty)"),
            ),
        }
    }

    /// The number of lines on standard output is `n`.
    #[track_caller]
    pub fn stdout_lines(&self, n: usize) -> &Output {
        let got = self.stdout.lines().count();
        if got != n {
            self.fail(
                "stdout has another number of lines",
                &n.to_string(),
                &got.to_string(),
            );
        }
        self
    }
}

/// The value of `column` in the row whose first field is `id`, from CSV text.
pub fn cell(csv_text: &str, id: &str, column: &str) -> String {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let header = r.headers().unwrap().clone();
    let col = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[0] == id {
            return rec[col].to_string();
        }
    }
    panic!("no row {id}");
}

/// 44 villages; 10.2 km of village roads and 86.85 km of group roads, as the release
/// announced: the group roads ask 868.5万 of the 690万 envelope.
pub fn release() -> String {
    let mut csv = String::from("id,township,village,class,width_m,length_km,cost\n");
    for v in 0..44 {
        let group_km = if v < 43 { "1.975" } else { "1.925" }; // 43 × 1.975 + 1.925 = 86.85
        csv.push_str(&format!(
            "G{v},T{},V{v},group,3.5,{group_km},2000000\n",
            v % 6
        ));
    }
    for v in 0..6 {
        csv.push_str(&format!("C{v},T{},V{v},village,4.5,1.7,3000000\n", v % 6));
    }
    csv
}

/// A named pipe fed `bytes` by a writer of its own, for one run of the binary to read. A run
/// stuck opening it again (after the writer is gone) is let go every 50 ms from 20 s on, as
/// often as it opens it (each time it then finds it empty), so a test fails rather than hangs.
#[cfg(target_os = "linux")]
pub struct FifoFeed {
    pub path: PathBuf,
    writer: std::thread::JoinHandle<()>,
    done: std::sync::mpsc::Sender<()>,
    watchdog: std::thread::JoinHandle<bool>,
}

#[cfg(target_os = "linux")]
impl FifoFeed {
    /// Makes the pipe at `path` and starts feeding it.
    pub fn start(path: PathBuf, bytes: &[u8]) -> FifoFeed {
        use std::os::unix::fs::OpenOptionsExt;
        use std::time::Duration;
        let made = Command::new("mkfifo").arg(&path).status();
        assert!(made.unwrap().success());
        let writer = {
            let (path, bytes) = (path.clone(), bytes.to_vec());
            // The reader may stop early: what it does with the rest is the test's to judge.
            std::thread::spawn(move || {
                let _ = std::fs::write(path, bytes);
            })
        };
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let watchdog = {
            let path = path.clone();
            std::thread::spawn(move || {
                if finished.recv_timeout(Duration::from_secs(20)).is_ok() {
                    return false;
                }
                while finished.recv_timeout(Duration::from_millis(50)).is_err() {
                    // Opens (and closes) the pipe only when a reader waits on it.
                    let _ = std::fs::OpenOptions::new()
                        .write(true)
                        .custom_flags(O_NONBLOCK)
                        .open(&path);
                }
                true
            })
        };
        FifoFeed {
            path,
            writer,
            done,
            watchdog,
        }
    }

    /// The pipe's path as an argument.
    pub fn arg(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    /// After the run: whether it was stuck on the pipe. A run that never opened it leaves the
    /// writer waiting for a reader: one is given it (opened without waiting, so a writer
    /// already gone leaves nothing to wait for), and what it writes is thrown away.
    pub fn finish(self) -> bool {
        use std::io::Read;
        use std::os::unix::fs::OpenOptionsExt;
        let _ = self.done.send(());
        let stuck = self.watchdog.join().unwrap();
        if !self.writer.is_finished() {
            let mut rest = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(O_NONBLOCK)
                .open(&self.path)
                .unwrap();
            let mut buf = vec![0u8; 1 << 16];
            while !self.writer.is_finished() {
                match rest.read(&mut buf) {
                    Ok(n) if n > 0 => {}
                    Ok(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                    Err(e) => panic!("{e}"),
                }
            }
        }
        self.writer.join().unwrap();
        stuck
    }
}

/// `open(2)`'s flag not to wait (Linux).
#[cfg(target_os = "linux")]
const O_NONBLOCK: i32 = 0o4000;

/// Whether `dir` holds a temporary file (or folder) of roadsub's (`.roadsub-…`); not if it
/// is not there.
pub fn temporary_in(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().starts_with(".roadsub-"))
}

/// `command` run in `dir` (its TMPDIR too) with `input` on a standard input kept open (a run
/// that reads it waits for more), sent `signal` once `ready` says so (asked every few
/// milliseconds). A run that ends before `ready` said so is not signalled: its status says
/// how it ended (a moment of a few milliseconds can pass between two asks).
pub fn signalled(
    mut command: Command,
    dir: &Path,
    input: &[u8],
    ready: impl Fn() -> bool,
    signal: i32,
) -> (std::process::Child, std::process::ChildStdin) {
    // The signals as a terminal's shell gives them, whatever this test was started with (a
    // job in the background of a script ignores SIGINT, one under nohup SIGHUP, and the run
    // would rightly heed neither).
    // SAFETY: between fork and exec only signal(), which is async-signal-safe, is called.
    #[allow(unsafe_code)]
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
                libc::signal(signal, libc::SIG_DFL);
            }
            Ok(())
        });
    }
    let mut child = command
        .current_dir(dir)
        .env("TMPDIR", dir)
        .env("LANG", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    let start = std::time::Instant::now();
    while !ready() {
        if child.try_wait().unwrap().is_some() {
            return (child, stdin);
        }
        assert!(
            start.elapsed().as_secs() < 60,
            "not ready to be signalled in a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // SAFETY: kill sends a signal to the child just spawned; no memory is involved.
    #[allow(unsafe_code)]
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0);
    (child, stdin)
}

/// [`signalled`] once a temporary file is in `dir`.
pub fn signalled_at_temporary(
    command: Command,
    dir: &Path,
    input: &[u8],
    signal: i32,
) -> (std::process::Child, std::process::ChildStdin) {
    signalled(command, dir, input, || temporary_in(dir), signal)
}

/// How `child` ended, within a minute, or the signal sent it was not heeded: it would wait
/// for ever.
pub fn ended(mut child: std::process::Child, what: &str) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed().as_secs() > 60 {
            child.kill().unwrap();
            panic!("{what}: still running a minute after the signal");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message a failed check panics with.
    fn failure<R>(check: impl FnOnce() -> R + std::panic::UnwindSafe) -> String {
        let Err(err) = std::panic::catch_unwind(check) else {
            panic!("the check passed");
        };
        err.downcast_ref::<String>().cloned().unwrap_or_default()
    }

    #[test]
    fn a_failed_check_shows_what_was_expected_and_the_whole_run() {
        let env = Env::new();
        let run = env.roadsub(&["--version"]).run();
        let version = concat!("roadsub ", env!("CARGO_PKG_VERSION"), "\n");
        let whole = format!(
            "===== command =====\nroadsub --version\n\
             ===== exit status =====\n0\n\
             ===== stdout =====\n{version}\n\
             ===== stderr =====\n\n\
             ===================="
        );
        let said = failure(|| run.code(2));
        assert!(
            said.starts_with(
                "\nexit status differs\n===== expected =====\n2\n===== actual =====\n0\n"
            ),
            "{said}"
        );
        assert!(said.ends_with(&whole), "{said}");
        let said = failure(|| run.stdout_has("roadsub 0.0.0"));
        assert!(
            said.starts_with(&format!(
                "\nstdout does not contain the expected text\n\
                 ===== expected =====\nroadsub 0.0.0\n===== actual =====\n{version}\n"
            )),
            "{said}"
        );
        let said = failure(|| run.stderr_first_line("x"));
        assert!(
            said.contains("===== actual =====\n(stderr is empty)\n"),
            "{said}"
        );
        // Checks that hold pass the run on.
        run.code(0).stdout(version).stderr("").stdout_lines(1);
    }

    #[test]
    fn a_long_stream_is_cut_in_a_failure_at_a_character_boundary() {
        let long = "路".repeat(SHOWN);
        let shown = clipped(&long);
        assert!(shown.len() <= SHOWN + 40, "{}", shown.len());
        assert!(
            shown.ends_with(&format!(
                "\n[… {} more bytes not shown]",
                3 * SHOWN - SHOWN / 3 * 3
            )),
            "{}",
            &shown[shown.len() - 60..]
        );
        assert_eq!(clipped("short"), "short");
    }
}
