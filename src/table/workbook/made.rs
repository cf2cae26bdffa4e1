//! When a new workbook says it was made. A workbook's document properties carry the time it
//! was made (`docProps/core.xml`), and nothing else in a workbook roadsub makes changes from
//! one run to the next. With `SOURCE_DATE_EPOCH` set (whole seconds since 1970-01-01 UTC, the
//! convention of reproducible builds) that time is the one given, so the same input and rules
//! make the same bytes: a notice, report or comparison can be checked against an earlier one
//! with `cmp`. Without it, the time is now, as Excel's own.

use std::sync::OnceLock;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

use crate::i18n::Lang;

/// The environment variable read.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The earliest and latest seconds a workbook can say: 1900-01-01 to 9999-12-31, UTC.
const RANGE: std::ops::Range<i64> = -2_209_075_200..253_402_300_800;

/// The time given by `SOURCE_DATE_EPOCH`, read once: `None` when it is unset or empty.
static MADE_AT: OnceLock<Option<ExcelDateTime>> = OnceLock::new();

/// The time `value` (of `SOURCE_DATE_EPOCH`) gives, or why it gives none, in `lang`.
fn parse(value: &str, lang: Lang) -> Result<ExcelDateTime, String> {
    let seconds = value
        .parse::<i64>()
        .ok()
        .filter(|s| RANGE.contains(s) && value.bytes().all(|b| b.is_ascii_digit() || b == b'-'));
    seconds
        .and_then(|s| ExcelDateTime::from_timestamp(s).ok())
        .ok_or_else(|| match lang {
            Lang::En => format!(
                "{SOURCE_DATE_EPOCH} is “{value}”: it must be whole seconds since 1970-01-01 UTC \
                 (like 1543622400), the time new workbooks say they were made; unset it to use \
                 the time now"
            ),
            Lang::Zh => format!(
                "{SOURCE_DATE_EPOCH} 为“{value}”：应为自 1970-01-01（UTC）起的整秒数（如 \
                 1543622400），即新建工作簿记录的创建时间；不设则用当前时间"
            ),
        })
}

/// Reads `SOURCE_DATE_EPOCH` once, before anything is written: a value that is not whole
/// seconds is refused with the message why (in `lang`), rather than a workbook made with
/// another time than the one asked for.
pub fn check_source_date_epoch(lang: Lang) -> Result<(), String> {
    let value = std::env::var_os(SOURCE_DATE_EPOCH);
    let value = value.as_ref().map(|v| v.to_string_lossy());
    let made = match value.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(parse(v, lang)?),
    };
    let _ = MADE_AT.set(made);
    Ok(())
}

/// A new, empty workbook saying it was made at `SOURCE_DATE_EPOCH` when that is set (and
/// valid: [`check_source_date_epoch`] refused it otherwise), else now.
pub fn new_workbook() -> Workbook {
    let made = MADE_AT.get_or_init(|| {
        let value = std::env::var(SOURCE_DATE_EPOCH).ok()?;
        let value = value.trim();
        (!value.is_empty())
            .then(|| parse(value, Lang::En).ok())
            .flatten()
    });
    let mut book = Workbook::new();
    if let Some(at) = made {
        book.set_properties(&DocProperties::new().set_creation_datetime(at));
    }
    book
}

/// A new workbook ([`new_workbook`]) for a report whose sheets are written row by row
/// (`add_worksheet_with_constant_memory`): each such sheet's rows wait in a temporary file
/// rather than in memory (a million rows took gigabytes). The file is made in the system's
/// folder for temporary files, or, where that cannot be written, beside `output` (which is
/// written there anyway), so a missing `$TMPDIR` does not stop a report. Where neither can
/// be written, the error is the output folder's: the report could not be put there either.
pub fn streamed_workbook(output: &std::path::Path) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut book = new_workbook();
    if book.set_tempdir(std::env::temp_dir()).is_err() {
        book.set_tempdir(crate::table::replace::folder(output))?;
    }
    Ok(book)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-cell workbook's bytes, saying it was made at `at`.
    fn made_at(at: &ExcelDateTime) -> Vec<u8> {
        let mut book = Workbook::new();
        book.set_properties(&DocProperties::new().set_creation_datetime(at));
        book.add_worksheet().write_string(0, 0, "画青村").unwrap();
        book.save_to_buffer().unwrap()
    }

    /// The time in `docProps/core.xml` of a workbook's bytes.
    fn created(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut core = String::new();
        zip.by_name("docProps/core.xml")
            .unwrap()
            .read_to_string(&mut core)
            .unwrap();
        let from = core.find("<dcterms:created").unwrap();
        let from = from + core[from..].find('>').unwrap() + 1;
        let to = from + core[from..].find('<').unwrap();
        core[from..to].to_string()
    }

    /// The time a workbook made under `SOURCE_DATE_EPOCH=value` says.
    fn says(value: &str) -> String {
        created(&made_at(&parse(value, Lang::En).ok().unwrap()))
    }

    #[test]
    fn whole_seconds_are_the_time_a_workbook_says() {
        assert_eq!(says("1543622400"), "2018-12-01T00:00:00Z");
        assert_eq!(says("0"), "1970-01-01T00:00:00Z");
        assert_eq!(says("-86400"), "1969-12-31T00:00:00Z");
    }

    #[test]
    fn a_source_date_epoch_that_is_not_whole_seconds_is_refused_in_both_languages() {
        for bad in ["1.5", "+15", "2018-12-01", "1e9", "99999999999999", "１５"] {
            let en = parse(bad, Lang::En).err().unwrap();
            assert_eq!(
                en,
                format!(
                    "SOURCE_DATE_EPOCH is “{bad}”: it must be whole seconds since 1970-01-01 UTC \
                     (like 1543622400), the time new workbooks say they were made; unset it to \
                     use the time now"
                )
            );
            let zh = parse(bad, Lang::Zh).err().unwrap();
            assert!(
                zh.starts_with(&format!("SOURCE_DATE_EPOCH 为“{bad}”：")),
                "{zh}"
            );
        }
    }

    #[test]
    fn a_workbook_made_at_a_given_time_is_the_same_bytes_each_time() {
        let at = parse("1543622400", Lang::En).ok().unwrap();
        let first = made_at(&at);
        // Past the second the first was made in, which a workbook's time is written to.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(first, made_at(&at));
    }
}
