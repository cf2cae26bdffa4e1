//! An .xlsb workbook's number formats, read before calamine opens it: calamine gives no
//! cell's format, so a workbook whose formats show a unit beside numbers (`0"米"`) is
//! refused rather than read without the units ([`super::shown`]).

use std::io::Read;
use std::path::Path;

use super::WorkbookError;

/// The most bytes of a styles part read (a workbook's styles take a few kilobytes).
const MAX_STYLES: u64 = 16 << 20;

/// Refuses the .xlsb at `path` when one of its number formats shows a unit beside numbers.
/// A file that cannot be opened as an archive, or has no styles part, is left to calamine.
pub(super) fn check(path: &Path) -> Result<(), WorkbookError> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    let Some(name) = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.to_ascii_lowercase().ends_with("styles.bin"))
        .map(|n| n.to_string())
    else {
        return Ok(());
    };
    let Ok(part) = zip.by_name(&name) else {
        return Ok(());
    };
    let mut bytes = Vec::new();
    if part.take(MAX_STYLES).read_to_end(&mut bytes).is_err() {
        return Ok(());
    }
    match unit_format(&bytes) {
        Some(shown) => Err(WorkbookError::UnitsByFormat { shown }),
        None => Ok(()),
    }
}

/// The first number format of a styles part (its BrtFmt records) that shows a unit beside
/// numbers.
fn unit_format(styles: &[u8]) -> Option<String> {
    let mut at = 0;
    while at < styles.len() {
        let (typ, used) = varint(&styles[at..], 2)?;
        at += used;
        let (len, used) = varint(&styles[at..], 4)?;
        at += used;
        let data = styles.get(at..at.checked_add(len as usize)?)?;
        at += len as usize;
        // BrtFmt: the format's number (2 bytes), then its code (a count of UTF-16 units, 4
        // bytes, and the units).
        if typ == 44 {
            let Some(code) = format_code(data) else {
                continue;
            };
            let number = super::xls::format_number(data);
            if let Some(code) = super::shown::code_shows_unit(number, &code) {
                return Some(code.to_string());
            }
        }
    }
    None
}

/// A record's type or length: up to `most` bytes, seven bits each, the high bit saying
/// another follows; with the bytes it took.
fn varint(b: &[u8], most: usize) -> Option<(u32, usize)> {
    let mut value = 0u32;
    for (i, &byte) in b.iter().take(most).enumerate() {
        value |= u32::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn format_code(data: &[u8]) -> Option<String> {
    let count = u32::from_le_bytes(data.get(2..6)?.try_into().ok()?) as usize;
    let bytes = data.get(6..6 + count.checked_mul(2)?)?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    Some(String::from_utf16_lossy(&units))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BrtFmt record of format `id` with code `code`, as Excel writes it.
    fn brt_fmt(id: u16, code: &str) -> Vec<u8> {
        let units: Vec<u16> = code.encode_utf16().collect();
        let mut data = id.to_le_bytes().to_vec();
        data.extend((units.len() as u32).to_le_bytes());
        data.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        record(44, &data)
    }

    fn record(typ: u32, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for mut n in [typ, data.len() as u32] {
            loop {
                let byte = (n & 0x7F) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        out.extend_from_slice(data);
        out
    }

    /// A styles part: BrtBeginStyleSheet (278, two bytes of type), BrtBeginFmts (615),
    /// the formats, BrtEndFmts (616).
    fn styles(formats: &[(u16, &str)]) -> Vec<u8> {
        let mut part = record(278, &[]);
        part.extend(record(615, &(formats.len() as u32).to_le_bytes()));
        for (id, code) in formats {
            part.extend(brt_fmt(*id, code));
        }
        part.extend(record(616, &[]));
        part
    }

    #[test]
    fn a_format_showing_a_unit_is_found_among_the_styles() {
        let plain = styles(&[
            (164, "0.00"),
            (165, "yyyy\"年\"m\"月\""),
            (166, "\"¥\"#,##0.00"),
            // A built-in number's format as an English program writes it.
            (5, "\"$\"#,##0_);\\(\"$\"#,##0\\)"),
        ]);
        assert_eq!(unit_format(&plain), None);
        assert!(unit_format(&styles(&[(164, "\"$\"#,##0_);\\(\"$\"#,##0\\)")])).is_some());
        let metres = styles(&[(164, "0.00"), (165, "0\"米\""), (166, "0.00\"万元\"")]);
        assert_eq!(unit_format(&metres).as_deref(), Some("0\"米\""));
        // A part cut short gives the formats before the cut; a record running past its end,
        // or a type never ending, none (calamine says what is wrong).
        assert_eq!(
            unit_format(&metres[..metres.len() - 10]).as_deref(),
            Some("0\"米\"")
        );
        assert_eq!(unit_format(&[0x2C, 0xFF, 0xFF, 0xFF, 0x7F]), None);
        assert_eq!(unit_format(&[0x80, 0x80]), None);
    }

    /// An .xlsb's styles part is found and read before the workbook is opened, whatever
    /// the case of its name; a workbook without formats showing units is left to calamine.
    #[test]
    fn an_xlsb_whose_formats_show_units_is_refused_before_it_is_read() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.xlsb");
        let write = |part: &str, formats: &[(u16, &str)]| {
            let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
            zip.start_file(part, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(&styles(formats)).unwrap();
            zip.finish().unwrap();
        };
        write("xl/Styles.bin", &[(164, "0.00\"万元\"")]);
        let refused = super::super::open(&path, None).err().unwrap();
        assert_eq!(
            refused.render("plan.xlsb", crate::i18n::Lang::En),
            "plan.xlsb: its number formats show a unit beside numbers (0.00\"万元\"), which roadsub reads only from .xlsx workbooks, so the numbers' units cannot be told; nothing was computed from it (save it as .xlsx in Excel, WPS or LibreOffice, or give the cells a plain number format and state the unit in the column's header, such as 长度(米))"
        );
        assert!(matches!(
            super::super::stream::rows(&path, None, &Default::default()).err(),
            Some(WorkbookError::UnitsByFormat { .. })
        ));
        write("xl/styles.bin", &[(164, "0.00")]);
        assert_eq!(
            check(&path)
                .err()
                .map(|e| e.render("plan.xlsb", crate::i18n::Lang::En)),
            None
        );
    }
}
