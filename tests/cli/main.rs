//! End-to-end tests of the `roadsub` binary: one test binary, a small harness, tests grouped
//! by command.

mod bad_input;
mod batch;
mod budgets;
mod excel;
mod formats;
mod reading;
mod rules;
mod workbooks;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
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

    /// `roadsub ARGS` in this directory, in English unless the args say otherwise.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("roadsub").unwrap();
        c.current_dir(self.dir.path())
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .args(args);
        c
    }

    /// Runs and returns (status, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd(args).output().unwrap();
        split(out)
    }

    /// Runs with `stdin` as standard input.
    pub fn run_stdin(&self, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
        let out = self.cmd(args).write_stdin(stdin.to_vec()).output().unwrap();
        split(out)
    }

    /// Writes a file in the scratch directory and returns its path as a string.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, contents).unwrap();
        p.to_string_lossy().into_owned()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }
}

fn split(out: Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
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
pub fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018.csv")
        .to_string_lossy()
        .into_owned()
}

/// Asserts equality, printing both sides between rulers when they differ.
#[track_caller]
pub fn assert_text(actual: &str, expected: &str) {
    if actual != expected {
        panic!(
            "\n===== expected =====\n{expected}\n===== actual =====\n{actual}\n===================="
        );
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
