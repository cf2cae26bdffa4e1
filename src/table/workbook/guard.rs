//! calamine's panics on a damaged workbook, caught and made refusals; and rust_xlsxwriter's
//! on a temporary file it cannot write, caught and made write errors ([`xlsx_writer`]).
//!
//! calamine counts a cell reference's row and column in `u32` without checking: a reference
//! such as `A4294967298` wraps round to row 2 where arithmetic is unchecked, and a value of
//! a damaged file would land in another row, a plausible-looking wrong number. The release
//! profile builds calamine with overflow checks (`Cargo.toml`), so such a count panics
//! instead; every call into calamine on a user's workbook runs under [`calamine`], which
//! catches that panic, and any other in the call (calamine's own, or one the standard
//! library raises on its behalf, such as a capacity overflow), and gives it as
//! [`WorkbookError::ReaderFailed`]: the sheet is refused, nothing computed from it, and
//! nothing said on standard error. Each call holds calamine's code alone, never roadsub's,
//! so a defect of roadsub's is never taken for a damaged file. (An allocation that fails
//! ends the process, as it does anywhere: no panic to catch.)

use std::cell::Cell;
use std::panic::PanicHookInfo;
use std::sync::Once;

use super::WorkbookError;

thread_local! {
    /// Whether this thread is inside [`calamine`], whose panics are not to be said.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// Whether this thread is inside [`xlsx_writer`], whose failed writes are not to be said.
    static WRITING: Cell<bool> = const { Cell::new(false) };
}

/// What rust_xlsxwriter's row-by-row sheets panic with when their temporary file cannot be
/// written (`.expect` on every write: a full disk, `ulimit -f`), followed by the error.
const WRITE_FAILED: &str = "Couldn't write to xml file";

/// How a system error is told in a panic's message (its `Debug`): the library also
/// `.unwrap()`s the flush of the last rows it buffered (`called Result::unwrap() on an Err
/// value: Os { code: 28, kind: StorageFull, … }`; review 22).
const SYSTEM_ERROR: &str = "Os { code: ";

/// Whether a panic's message tells of a failed write of the workbook's temporary file.
fn a_failed_write(message: &str) -> bool {
    message.starts_with(WRITE_FAILED) || message.contains(SYSTEM_ERROR)
}

/// Whether the panic `info` is raised inside [`calamine`] on this thread, or is a failed
/// write inside [`xlsx_writer`], caught there and not to be said. A panic hook that does
/// anything (restoring the terminal) asks this first.
pub(crate) fn swallowed(info: &PanicHookInfo) -> bool {
    GUARDED.with(Cell::get) || (WRITING.with(Cell::get) && a_failed_write(&said(info.payload())))
}

/// Puts in the panic hook that asks [`swallowed`] first, once: the hook in place then (the
/// default one, the table view's, a fuzzer's) is called for every other panic.
fn hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !swallowed(info) {
                previous(info);
            }
        }));
    });
}

/// `f`'s result, where `f` writes a workbook with rust_xlsxwriter: a write its row-by-row
/// sheets could not make to their temporary file (which the library meets with a panic, an
/// `.expect` or an `.unwrap` of the system's error) is the error [`XlsxError::IoError`] of
/// that write, said in the user's language as any other; the workbook being made is
/// dropped. Any other panic in `f` (roadsub's own, the library's for any other reason) is
/// said and goes on as ever.
pub(crate) fn xlsx_writer<T>(
    f: impl FnOnce() -> Result<T, rust_xlsxwriter::XlsxError>,
) -> Result<T, rust_xlsxwriter::XlsxError> {
    hook();
    let outer = WRITING.with(|w| w.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    WRITING.with(|w| w.set(outer));
    match result {
        Ok(r) => r,
        Err(panic) => {
            let message = said(&*panic);
            match a_failed_write(&message) {
                true => {
                    let told = message.strip_prefix(WRITE_FAILED).unwrap_or(&message);
                    Err(rust_xlsxwriter::XlsxError::IoError(write_error(told)))
                }
                false => std::panic::resume_unwind(panic),
            }
        }
    }
}

/// The I/O error a failed write's panic tells of (`: Os { code: 28, kind: StorageFull, … }`):
/// the system's error by its number, so that it is said as the system's errors are.
fn write_error(told: &str) -> std::io::Error {
    let code = told
        .split_once("code: ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse::<i32>().ok());
    match code {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::other(told.trim_start_matches(": ").to_string()),
    }
}

/// `f`'s result, or [`WorkbookError::ReaderFailed`] if it panicked. `f` is a call of
/// calamine's and nothing more. The panic hook in place when first called (the default one,
/// the table view's, a fuzzer's) is not called for such a panic; any panic outside `f`
/// reaches it as ever.
pub(crate) fn calamine<T>(f: impl FnOnce() -> T) -> Result<T, WorkbookError> {
    hook();
    // Nested calls keep the outer call's guard.
    let outer = GUARDED.with(|g| g.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.map_err(|panic| WorkbookError::ReaderFailed {
        detail: said(&*panic),
    })
}

/// What a panic said (`attempt to multiply with overflow`).
fn said(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// Review 21: rust_xlsxwriter's row-by-row sheets panic when their temporary file cannot
    /// be written (a full disk, `ulimit -f`): a batch, a comparison and the table view's
    /// export ended "thread 'main' panicked … Couldn't write to xml file", exit 101.
    #[test]
    fn a_failed_write_of_a_row_by_row_sheet_is_its_io_error_and_any_other_panic_goes_on() {
        let full = xlsx_writer(|| -> Result<u8, rust_xlsxwriter::XlsxError> {
            panic!(
                "Couldn't write to xml file: Os {{ code: 28, kind: StorageFull, message: \"No space left on device\" }}"
            )
        })
        .unwrap_err();
        let rust_xlsxwriter::XlsxError::IoError(e) = &full else {
            panic!("{full:?}")
        };
        assert_eq!(e.raw_os_error(), Some(28));
        assert_eq!(Lang::Zh.xlsx_reason(&full), "磁盘已满");
        // The flush of the last rows buffered, unwrapped (review 22).
        let flushed = xlsx_writer(|| -> Result<u8, rust_xlsxwriter::XlsxError> {
            panic!(
                "called `Result::unwrap()` on an `Err` value: Os {{ code: 27, kind: FileTooLarge, message: \"File too large\" }}"
            )
        })
        .unwrap_err();
        let rust_xlsxwriter::XlsxError::IoError(e) = &flushed else {
            panic!("{flushed:?}")
        };
        assert_eq!(e.raw_os_error(), Some(27));
        // Told without a number, the words are kept.
        let odd = xlsx_writer(|| -> Result<u8, rust_xlsxwriter::XlsxError> {
            panic!("Couldn't write to xml file: Custom {{ kind: Other }}")
        })
        .unwrap_err();
        assert_eq!(Lang::En.xlsx_reason(&odd), "Custom { kind: Other }");
        // What the call returns is returned; any other panic is not caught.
        assert_eq!(xlsx_writer(|| Ok(5)).unwrap(), 5);
        let other = std::panic::catch_unwind(|| {
            xlsx_writer(|| -> Result<u8, rust_xlsxwriter::XlsxError> { panic!("roadsub's own") })
        });
        assert!(other.is_err());
        assert!(!WRITING.with(Cell::get));
    }

    #[test]
    fn a_panic_in_a_call_is_a_refusal_and_one_outside_is_not() {
        assert_eq!(calamine(|| 7).unwrap(), 7);
        let caught = calamine(|| -> u8 { panic!("capacity overflow") }).unwrap_err();
        assert!(matches!(
            caught,
            WorkbookError::ReaderFailed { ref detail } if detail == "capacity overflow"
        ));
        // Outside a call, a panic is said and unwinds as ever.
        let ours = std::panic::catch_unwind(|| {
            let _ = calamine(|| 1);
            panic!("roadsub's own")
        });
        assert!(ours.is_err());
        assert!(!GUARDED.with(Cell::get));
    }

    #[test]
    fn calamines_overflowing_count_is_a_refusal_in_both_languages() {
        // calamine's own count of a reference, built with overflow checks in tests as in
        // release: `A4294967298` is past any u32 row.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.xlsx");
        crate::table::workbook::probe::write_hand_book(
            &path,
            br#"<row r="4294967298"><c r="G4294967298"><v>9</v></c></row>"#,
            b"",
            "",
        )
        .unwrap();
        let e = crate::table::workbook::open(&path, None).err().unwrap();
        assert_eq!(
            e.render("plan.xlsx", Lang::En),
            "plan.xlsx: cannot read the workbook: a number in it (the row or column of a cell \
             reference or range) is beyond what its reader counts: the file is damaged; nothing \
             was computed from it (open it in Excel or WPS and save it again)"
        );
        assert_eq!(
            e.render("plan.xlsx", Lang::Zh),
            "plan.xlsx: 无法读取工作簿：其中某个数（单元格引用或区域的行号、列号）超出读取器的计数\
             范围，文件已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）"
        );
        assert!(matches!(
            e,
            WorkbookError::ReaderFailed { detail } if detail == "attempt to add with overflow"
        ));
        // Any other panic of calamine's is said as it was said, in either language.
        let other = WorkbookError::ReaderFailed {
            detail: "index out of bounds: the len is 3 but the index is 7".into(),
        };
        assert_eq!(
            other.render("plan.xlsx", Lang::Zh),
            "plan.xlsx: 无法读取工作簿：读取器在无法处理的内容处中止（index out of bounds: the len \
             is 3 but the index is 7），文件已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）"
        );
    }

    /// A release build wraps calamine's count unless its profile checks it: the check that
    /// makes a wrapped reference a refusal must stay in `Cargo.toml`.
    #[test]
    fn the_release_build_checks_calamines_arithmetic() {
        let manifest = include_str!("../../../Cargo.toml");
        let manifest: toml::Table = toml::from_str(manifest).unwrap();
        let checks =
            manifest["profile"]["release"]["package"]["calamine"]["overflow-checks"].as_bool();
        assert_eq!(checks, Some(true));
    }
}
