//! An .ods workbook's content read through once before calamine reads it. calamine's reader
//! of an .ods waits for the end of a table that a content part cut short never gives: it
//! read on at the end of the part for ever, and the run hung without a word. A content part
//! that is not well-formed XML to its end (every element closed, in order) is refused first.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use quick_xml::events::Event;

use super::WorkbookError;

/// Refuses the .ods at `path` when its `content.xml` ends before its elements are closed, or
/// is not well-formed XML (saying where). A file that cannot be opened as
/// an archive, or has no such part, is left to calamine to say why.
pub(super) fn check(path: &Path) -> Result<(), WorkbookError> {
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    let Ok(part) = zip.by_name("content.xml") else {
        return Ok(());
    };
    well_formed(BufReader::with_capacity(256 * 1024, part))
}

/// Reads the XML `part` to its end: `Err` when it is not well-formed, or ends inside an
/// element.
fn well_formed(part: impl std::io::BufRead) -> Result<(), WorkbookError> {
    let mut reader = quick_xml::Reader::from_reader(part);
    // Every end tag must close the element it ends (calamine does not check it).
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(1024);
    let mut depth = 0usize;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) if depth == 0 => return Ok(()),
            Ok(Event::Eof) => return Err(WorkbookError::CutShort),
            Err(_) => {
                return Err(WorkbookError::Malformed {
                    part: "content.xml".into(),
                    at: reader.error_position(),
                })
            }
            Ok(_) => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(xml: &str) -> Option<String> {
        well_formed(xml.as_bytes())
            .err()
            .map(|e| e.render("plan.ods", crate::i18n::Lang::En))
    }

    /// A content part cut short anywhere inside its elements is refused; a whole one reads,
    /// with or without a declaration, comments and empty elements.
    #[test]
    fn a_content_part_cut_short_is_refused_wherever_it_ends() {
        let whole = r#"<?xml version="1.0"?><office:document-content><office:body><!-- x --><table:table><table:table-row><table:table-cell/></table:table-row></table:table></office:body></office:document-content>"#;
        assert_eq!(said(whole), None);
        let cut = "plan.ods: the workbook ends before its content does: the file is cut short or damaged; nothing was computed from it (open it in Excel or WPS and save it again)";
        // Cut after each complete tag: inside the root, it ends too soon.
        let mut ends = vec![];
        for (i, b) in whole.bytes().enumerate() {
            if b == b'>' && i + 1 < whole.len() && i > whole.find("?>").unwrap() + 1 {
                ends.push(i + 1);
            }
        }
        for end in ends {
            assert_eq!(
                said(&whole[..end]).as_deref(),
                Some(cut),
                "{}",
                &whole[..end]
            );
        }
        // Cut inside a tag: where.
        let at = whole.find("<table:table-row").unwrap();
        assert_eq!(
            said(&whole[..at + 6]).as_deref(),
            Some(format!("plan.ods: the workbook's content.xml is not well-formed XML (at byte {at}): the file is damaged; nothing was computed from it (open it in Excel or WPS and save it again)").as_str())
        );
        // An end tag that closes another element is refused, not read past.
        assert_eq!(
            said("<a><table:table-row></table:table></a>").as_deref(),
            Some("plan.ods: the workbook's content.xml is not well-formed XML (at byte 20): the file is damaged; nothing was computed from it (open it in Excel or WPS and save it again)")
        );
    }
}
