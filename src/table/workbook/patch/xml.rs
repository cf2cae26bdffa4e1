//! The XML text of what a patch writes: a cell reference (`AB12`) and back, a new cell or
//! row element, a row's start tag, the sheet's dimension grown to hold new cells, and text
//! escaped as Excel escapes it.

use std::collections::BTreeMap;

use quick_xml::events::BytesStart;

use super::NewCell;

/// `A` for 0, `Z` for 25, `AA` for 26.
pub fn column_name(mut col: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// `(row, column)` of a reference like `AB12` (row from 1, column from 0).
pub(crate) fn parse_ref(r: &str) -> Option<(u32, u32)> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in r[..letters].bytes() {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row = r[letters..].parse::<u32>().ok()?;
    Some((row, col - 1))
}

pub(super) fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

/// Text as XML character data; characters XML cannot hold are written as Excel does
/// (`_x0001_`), and a literal `_x0041_` is protected so it reads back as typed.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    for (i, ch) in text.char_indices() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '_' if looks_escaped(&bytes[i..]) => out.push_str("_x005F_"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("_x{:04X}_", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

fn looks_escaped(b: &[u8]) -> bool {
    b.len() >= 7
        && b[0] == b'_'
        && (b[1] == b'x' || b[1] == b'X')
        && b[2..6].iter().all(u8::is_ascii_hexdigit)
        && b[6] == b'_'
}

/// A cell element for `value` at `(row, col)` in style `style`.
pub(super) fn cell_xml(row: u32, col: u32, style: Option<&str>, value: &NewCell) -> String {
    let r = format!("{}{row}", column_name(col));
    let s = style.map(|s| format!(" s=\"{s}\"")).unwrap_or_default();
    match value {
        NewCell::Empty => format!("<c r=\"{r}\"{s}/>"),
        NewCell::Number(n) | NewCell::Date(n) | NewCell::Amount { number: n, .. } => {
            format!("<c r=\"{r}\"{s}><v>{n}</v></c>")
        }
        NewCell::Bool(b) => format!("<c r=\"{r}\"{s} t=\"b\"><v>{}</v></c>", u8::from(*b)),
        NewCell::Text(t) => format!(
            "<c r=\"{r}\"{s} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            escape(t)
        ),
    }
}

/// A whole new row, each cell in the style `style` gives its column (`None`: the default),
/// hidden when `hidden`.
pub(super) fn row_xml<'a>(
    row: u32,
    cells: &BTreeMap<u32, NewCell>,
    style: impl Fn(u32) -> Option<&'a str>,
    hidden: bool,
) -> String {
    let mut out = match hidden {
        false => format!("<row r=\"{row}\">"),
        true => format!("<row r=\"{row}\" hidden=\"1\">"),
    };
    for (&c, v) in cells {
        if *v != NewCell::Empty {
            out.push_str(&cell_xml(row, c, style(c), v));
        }
    }
    out.push_str("</row>");
    out
}

/// A row's start tag without `spans` (a hint that added cells could make wrong).
pub(super) fn row_start(e: &BytesStart) -> String {
    let mut out = String::from("<row");
    for a in e.attributes().with_checks(false).flatten() {
        if a.key.as_ref() != "spans" {
            out.push_str(&format!(" {}=\"{}\"", a.key.as_ref(), a.value));
        }
    }
    out.push('>');
    out
}

/// The last row and column (1-based) that will hold a value.
pub(super) fn new_dimension(cells: &BTreeMap<u32, BTreeMap<u32, NewCell>>) -> Option<(u32, u32)> {
    let rows = cells
        .iter()
        .filter(|(_, m)| m.values().any(|v| *v != NewCell::Empty))
        .map(|(r, _)| *r)
        .max()?;
    let cols = cells
        .values()
        .flat_map(|m| m.iter().filter(|(_, v)| **v != NewCell::Empty))
        .map(|(c, _)| c + 1)
        .max()?;
    Some((rows, cols))
}

/// `old` (`A1:G20`) grown to reach row `rows` and column `cols`, if it must grow.
pub(super) fn grown_dimension(old: &str, rows: u32, cols: u32) -> Option<String> {
    let (a, b) = old.split_once(':').unwrap_or((old, old));
    let (r1, c1) = parse_ref(a)?;
    let (r2, c2) = parse_ref(b)?;
    if rows <= r2 && cols <= c2 + 1 {
        return None;
    }
    let (r2, c2) = (r2.max(rows), c2.max(cols - 1));
    Some(format!(
        "{}{r1}:{}{r2}",
        column_name(c1.min(c2)),
        column_name(c2)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_run_past_z() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(parse_ref("AA10"), Some((10, 26)));
    }
}
