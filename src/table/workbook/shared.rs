//! Shared formulas' numbers, checked before calamine reads an .xlsx sheet's formulas.
//!
//! calamine keeps a slot for every number up to a shared formula's (the anchor, `<f
//! t="shared" ref="G2:G9" si="…">`, which its copies name by number) and sets them all
//! aside at once: a damaged sheet numbering one 100,000,000,000 had it ask for 4 TB, and the
//! program ended ("memory allocation of … bytes failed"), which no guard can catch. Excel
//! and LibreOffice number a sheet's shared formulas 0, 1, 2, … as they come, so a number
//! past both [`FREE_NUMBERS`] and the count of shared formulas up to it is a damaged file:
//! it is refused before calamine reads the sheet. calamine then sets aside at most 40 bytes
//! a shared formula read (each takes more than 20 bytes of the sheet), or 2.6 MB.
//!
//! A quick search for `si` and a number finds every number that may be past (and text that
//! looks like one); only then is the sheet read as XML, with calamine's XML reader set up as
//! calamine sets it up, so every tag calamine would take a number from is seen here first.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::Event;

use super::quick::{Archive, Quick};
use super::WorkbookError;

/// Numbers a shared formula may have whatever comes before it (the quick reader reads those
/// itself, leaving the others to calamine).
pub const FREE_NUMBERS: u64 = 65_535;

/// Refuses sheet `sheet` of the .xlsx or .xlsm at `path` when a shared formula in it is
/// numbered past both [`FREE_NUMBERS`] and the shared formulas before it. Where the sheet's
/// part cannot be told as calamine tells it, every part of the workbook is checked. A file
/// that cannot be opened is left to calamine to say why.
pub(super) fn check(path: &Path, sheet: &str) -> Result<(), WorkbookError> {
    let refused = |number: Vec<u8>| WorkbookError::SharedFormulaPast {
        sheet: sheet.to_string(),
        number: String::from_utf8_lossy(&number).into_owned(),
    };
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    if let Ok((mut zip, part)) = Quick::sheet_part(file, sheet) {
        let Ok(index) = zip.index_for_name(&part).ok_or(()) else {
            return Ok(());
        };
        return check_part(&mut zip, index).map_err(refused);
    }
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    (0..zip.len()).try_for_each(|i| check_part(&mut zip, i).map_err(refused))
}

/// Checks part `index` of `zip`: a quick look first, then, only where it finds a number that
/// may be past, the part read as XML. `Err` with the number refused.
fn check_part(zip: &mut Archive, index: usize) -> Result<(), Vec<u8>> {
    let Ok(part) = zip.by_index(index) else {
        return Ok(());
    };
    if !may_be_past(part) {
        return Ok(());
    }
    match zip.by_index(index) {
        Ok(part) => first_past(part).map_or(Ok(()), Err),
        Err(_) => Ok(()),
    }
}

/// How many bytes of a part the quick look takes at a time.
const BLOCK: usize = 256 * 1024;

/// How far past an `si` the quick look waits for its number before taking it for one that
/// may be past (white space around `=`, leading zeros).
const LOOK: usize = 4096;

/// Whether the XML `part` has anything calamine could read as a shared formula's number past
/// [`FREE_NUMBERS`]: `si`, white space, `=`, white space, a quote and digits worth more. It
/// finds every such number and more (it does not tell a tag from text), at the speed of a
/// search for two bytes, so that a sheet with none, nearly all, is not read as XML.
fn may_be_past(mut part: impl Read) -> bool {
    let mut buf = vec![0u8; BLOCK + LOOK];
    let mut kept = 0;
    loop {
        let read = loop {
            match part.read(&mut buf[kept..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                // Left to the reading as XML, which stops where calamine would.
                Err(_) => return true,
            }
        };
        let end = kept + read;
        match looked(&buf[..end], read == 0) {
            Look::Past => return true,
            Look::None if read == 0 => return false,
            Look::None => kept = 0,
            Look::Wait(from) => {
                buf.copy_within(from..end, 0);
                kept = end - from;
            }
        }
        // A cut `s|i`: the last byte waits for the next read.
        if kept == 0 && end > 0 && buf[end - 1] == b's' {
            buf[0] = b's';
            kept = 1;
        }
    }
}

/// What a quick look at some bytes of a part found.
#[derive(Debug, PartialEq, Eq)]
enum Look {
    /// A number that may be past [`FREE_NUMBERS`].
    Past,
    /// Nothing.
    None,
    /// An `si` at this offset whose number the bytes end before (`at_end` false).
    Wait(usize),
}

/// Looks at `bytes` for an `si` whose number may be past [`FREE_NUMBERS`]; `at_end` when no
/// more bytes follow them.
fn looked(bytes: &[u8], at_end: bool) -> Look {
    for at in memchr::memmem::find_iter(bytes, b"si") {
        let rest = &bytes[at + 2..];
        let mut i = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let cut = || {
            if at_end {
                Look::None
            } else if bytes.len() - at > LOOK {
                Look::Past
            } else {
                Look::Wait(at)
            }
        };
        match rest.get(i) {
            None => return cut(),
            Some(b'=') => i += 1,
            Some(_) => continue,
        }
        i += rest[i..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        match rest.get(i) {
            None => return cut(),
            Some(b'"' | b'\'') => i += 1,
            Some(_) => continue,
        }
        let mut value = 0u64;
        loop {
            match rest.get(i) {
                Some(d) if d.is_ascii_digit() => {
                    value = value * 10 + u64::from(d - b'0');
                    if value > FREE_NUMBERS {
                        return Look::Past;
                    }
                    i += 1;
                }
                None => match cut() {
                    Look::None => break,
                    waiting => return waiting,
                },
                Some(_) => break,
            }
        }
    }
    Look::None
}

/// The first shared formula's number in the XML `part` that is past both [`FREE_NUMBERS`]
/// and the count of shared formulas up to it, its digits as written. The part is read as
/// calamine reads a sheet, as far as its XML reader reads it.
fn first_past(part: impl Read) -> Option<Vec<u8>> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(256 * 1024, part));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::with_capacity(1024);
    let mut shared = 0u64;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(tag)) => {
                if let Some(number) = shared_number(tag.attributes_raw().as_bytes()) {
                    shared += 1;
                    if past(number, shared) {
                        return Some(number.to_vec());
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// Whether shared formula number `number` (ASCII digits) is past both [`FREE_NUMBERS`] and
/// `shared`, the count of shared formulas up to it. Anything else calamine cannot read as
/// a number, and refuses itself.
fn past(number: &[u8], shared: u64) -> bool {
    if number.is_empty() || !number.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let value = number.iter().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    value > FREE_NUMBERS.max(shared)
}

/// The largest `si` of a tag whose attributes `attrs` (as written) make it a shared
/// formula's anchor (`t="shared"` and a `ref`, the range it is shared over: calamine keeps
/// slots for anchors only, a copy's number is looked up), read as calamine reads attributes
/// (`key = "value"` or single quotes, keys as written, up to the first that is not so):
/// `None` for any other tag.
fn shared_number(attrs: &[u8]) -> Option<&[u8]> {
    let (mut shared, mut anchor, mut number): (bool, bool, Option<&[u8]>) = (false, false, None);
    let mut rest = attrs;
    while let Some((key, value, after)) = next_attr(rest) {
        match key {
            b"t" => shared |= value == b"shared",
            b"ref" => anchor = true,
            b"si" => {
                // Of two, the one past more: calamine may take either.
                let longer = number.is_none_or(|n| digits_above(value, n));
                if longer {
                    number = Some(value);
                }
            }
            _ => {}
        }
        rest = after;
    }
    number.filter(|_| shared && anchor)
}

/// Whether the number `a` is above `b` (both as written; anything not digits is below).
fn digits_above(a: &[u8], b: &[u8]) -> bool {
    let digits = |v: &[u8]| !v.is_empty() && v.iter().all(u8::is_ascii_digit);
    if !digits(a) {
        return false;
    }
    if !digits(b) {
        return true;
    }
    let trim = |v: &[u8]| -> usize { v.iter().take_while(|&&d| d == b'0').count() };
    let (a, b) = (&a[trim(a)..], &b[trim(b)..]);
    (a.len(), a) > (b.len(), b)
}

/// The first attribute of `attrs` and what follows it, as calamine's attribute reader takes
/// them: the key up to `=` (white space around it passed over), the value between quotes of
/// one kind. `None` at the end or at anything else.
fn next_attr(attrs: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let attrs = attrs.trim_ascii_start();
    let eq = attrs.iter().position(|&b| b == b'=')?;
    let key = attrs[..eq].trim_ascii_end();
    let value = attrs[eq + 1..].trim_ascii_start();
    let (&quote, value) = value.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    match value.iter().position(|&b| b == quote) {
        Some(end) => Some((key, &value[..end], &value[end + 1..])),
        None => Some((key, value, &[])),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `bytes` given `step` bytes a read (at least one), as an inflating part gives them.
    struct Pieces<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Pieces<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn sheet(cells: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="m"><sheetData><row r="2">{cells}</row></sheetData></worksheet>"#
        )
    }

    /// The number refused in `cells`, as text.
    fn refused(cells: &str) -> Option<String> {
        first_past(sheet(cells).as_bytes()).map(|n| String::from_utf8(n).unwrap())
    }

    /// A shared formula numbered past both 65,535 and those before it is found in every form
    /// calamine reads one in; text, comments and other attributes that look alike are not.
    #[test]
    fn a_shared_formula_number_past_the_others_is_found_as_calamine_reads_it() {
        let anchor = |si: &str| {
            format!(r#"<c r="G2"><f t="shared" ref="G2:G3" si="{si}">F2</f><v>1</v></c>"#)
        };
        assert_eq!(
            refused(&anchor("100000000000")).as_deref(),
            Some("100000000000")
        );
        assert_eq!(refused(&anchor("65536")).as_deref(), Some("65536"));
        assert_eq!(refused(&anchor("65535")), None);
        assert_eq!(refused(&anchor("0")), None);
        // A number of more digits than any count.
        let long = "9".repeat(40);
        assert_eq!(refused(&anchor(&long)), Some(long));
        // Not numbers calamine reads: it refuses them itself.
        assert_eq!(refused(&anchor("+99999999")), None);
        assert_eq!(refused(&anchor(" 99999999")), None);
        // Every form of the attributes, an empty tag (calamine reads it as a start), another
        // tag's name, a prefix.
        for tag in [
            r#"<f si = '99999999'  ref="G2:G3" t = "shared"/>"#,
            "<f\tt=\"shared\"\nsi=\"99999999\"\rref='G2'>F2</f>",
            r#"<x:f t="shared" si="99999999" ref="G2">F2</x:f>"#,
            r#"<v t="shared" si="99999999" ref="G2">1</v>"#,
            r#"<f t="shared" si="1" si="99999999" ref="G2">F2</f>"#,
            r#"<f t="array" t="shared" si="99999999" ref="G2">F2</f>"#,
        ] {
            assert_eq!(
                refused(&format!("<c>{tag}</c>")).as_deref(),
                Some("99999999"),
                "{tag}"
            );
        }
        for not in [
            r#"<c t="inlineStr"><is><t>si="99999999" t="shared"</t></is></c>"#,
            r#"<!-- <f t="shared" si="99999999" ref="G2"/> --><c/>"#,
            r#"<c><f><![CDATA[<f t="shared" si="99999999" ref="G2"/>]]></f></c>"#,
            r#"<c><f t="normal" si="99999999" ref="G2">F2</f></c>"#,
            r#"<c><f xsi="99999999" t="shared">F2</f></c>"#,
            r#"<c><f t="shared" x:si="99999999" ref="G2">F2</f></c>"#,
            // A copy: its number is looked up, no slot kept.
            r#"<c><f t="shared" si="99999999"/></c>"#,
            r#"<c><f t="shared" si="99999999" x:ref="G2"/></c>"#,
        ] {
            assert_eq!(refused(not), None, "{not}");
        }
    }

    /// A sheet numbering its shared formulas as Excel does, one more each, reads past 65,535:
    /// a number is refused only past the shared formulas before it too.
    #[test]
    fn numbers_up_to_the_shared_formulas_before_them_are_read() {
        let mut cells = String::new();
        for si in 0..=70_000 {
            cells.push_str(&format!(
                r#"<c><f t="shared" ref="A1:A2" si="{si}">1</f></c>"#
            ));
        }
        assert_eq!(refused(&cells), None);
        cells.push_str(r#"<c><f t="shared" si="70002" ref="A1"/></c>"#);
        assert_eq!(refused(&cells), None);
        cells.push_str(r#"<c><f t="shared" ref="A1:A2" si="70004">1</f></c>"#);
        assert_eq!(refused(&cells).as_deref(), Some("70004"));
    }

    /// The quick look finds a number however the reads cut it, and passes over a part with
    /// none; its long waits are taken for a number that may be past.
    #[test]
    fn the_quick_look_finds_a_number_wherever_a_read_cuts_it() {
        let part = sheet(r#"<c><f t="shared" si = "0000070000" ref="G2">F2</f></c>"#);
        let none = sheet(r#"<c><f t="shared" si="65535" ref="G2">F2</f><v>si</v></c>s"#);
        for step in 1..part.len() {
            let pieces = |b: &'static str| Pieces {
                bytes: b.as_bytes(),
                step,
            };
            let (part, none) = (part.clone().leak(), none.clone().leak());
            assert!(may_be_past(pieces(part)), "{step}");
            assert!(!may_be_past(pieces(none)), "{step}");
        }
        // Read at once, a long space is passed over; cut by the reads, it is waited for only
        // so long.
        let spaced = format!("si{}=\"1\"", " ".repeat(LOOK + 10));
        assert!(!may_be_past(spaced.as_bytes()));
        let step = 100;
        assert!(may_be_past(Pieces {
            bytes: spaced.as_bytes(),
            step
        }));
        assert!(!may_be_past(&b"si = '65535' si"[..]));
    }

    /// Attributes of one shared formula, written in any of the forms calamine reads (or
    /// nearly), with a number from a small or a large range.
    fn tag() -> impl Strategy<Value = String> {
        let space = prop::sample::select(vec!["", " ", "\t", "\n  "]);
        let quote = prop::sample::select(vec!["\"", "'"]);
        let number = prop_oneof![0u64..70_000, 65_000u64..200_000, any::<u64>()];
        let name = prop::sample::select(vec!["f", "x:f", "v", "c"]);
        let t = prop::sample::select(vec!["shared", "normal", "array"]);
        (
            name,
            t,
            number,
            space.clone(),
            space,
            quote,
            any::<bool>(),
            "[0]{0,3}",
        )
            .prop_map(|(name, t, number, a, b, q, empty, zeros)| {
                let attrs = format!(r#" t="{t}"{a}si{a}={b}{q}{zeros}{number}{q} ref="A1""#);
                if empty {
                    format!("<c><{name}{attrs}/></c>")
                } else {
                    format!("<c><{name}{attrs}>1</{name}></c>")
                }
            })
    }

    proptest! {
        /// The quick look never passes over a part the XML reading refuses, however its reads
        /// are cut: whatever it misses, calamine would read.
        #[test]
        fn the_quick_look_misses_nothing_the_reading_refuses(
            tags in prop::collection::vec(tag(), 0..40),
            text in prop::collection::vec("[a-z si=\"'0-9<>]{0,12}", 0..40),
            step in 1usize..5000,
        ) {
            let mut cells = String::new();
            for (i, tag) in tags.iter().enumerate() {
                cells.push_str(tag);
                let text = text.get(i).map_or("", String::as_str);
                let text = text.replace('<', "&lt;").replace('>', "&gt;");
                cells.push_str(&format!("<c t=\"inlineStr\"><is><t>{text}</t></is></c>"));
            }
            let part = sheet(&cells);
            if first_past(part.as_bytes()).is_some() {
                let pieces = Pieces { bytes: part.as_bytes(), step };
                prop_assert!(may_be_past(pieces), "{part}");
            }
        }
    }
}
