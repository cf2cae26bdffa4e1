//! A cell's value as text and back: a workbook's cell as a person sees it (numbers to the 15
//! significant digits spreadsheet programs show, dates as dates, not serial numbers), and the
//! typed text that is written back as an Excel number or date.

use std::fmt::Write;

use calamine::{Data, DataRef};

/// The text of a cell as a person sees it.
pub(super) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            let mut out = String::new();
            push_float(*f, &mut out);
            out
        }
        Data::DateTime(d) => date_text(d),
        other => other.to_string(),
    }
}

/// The text of a cell as it is read from a streamed sheet, written onto `out`: the same text as
/// [`cell_text`], without a string made for each cell (a sheet has millions of them).
pub(super) fn push_cell_text(cell: DataRef<'_>, out: &mut String) {
    match cell {
        DataRef::Empty => {}
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::String(s) => out.push_str(&s),
        DataRef::Int(i) => push_int(i, out),
        DataRef::Float(f) => push_float(f, out),
        other => out.push_str(&cell_text(&Data::from(other))),
    }
}

/// A number as a person sees it in a spreadsheet program: to the 15 significant digits Excel,
/// WPS and LibreOffice keep of a number and show, trailing zeros dropped. A number typed
/// there has at most 15, so it reads as typed (`4.5`, the shortest decimal that reads back
/// as its double); a formula's result keeps the binary noise of its arithmetic in the file
/// (`=2.4-0.6` is saved as 1.7999999999999998) and reads as the program shows it (`1.8`).
/// A whole number below 2^53 is written as the integer it is, found by the far quicker
/// integer formatting (most cells of a segment table are whole yuan, households, metres);
/// one beyond as Rust writes its double.
pub(super) fn push_float(f: f64, out: &mut String) {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let negative_zero = f == 0.0 && f.is_sign_negative();
    if f.fract() == 0.0 && f.abs() < EXACT && !negative_zero {
        push_int(f as i64, out);
    } else {
        let start = out.len();
        let _ = write!(out, "{f}");
        let significant = out[start..]
            .bytes()
            .skip_while(|&b| !matches!(b, b'1'..=b'9'))
            .filter(u8::is_ascii_digit)
            .count();
        // The shortest decimal of more than 15 digits: a fraction's binary noise (a whole
        // number that long is left as it is).
        if significant > 15 && f.fract() != 0.0 {
            out.truncate(start);
            push_fifteen_digits(f, out);
        }
    }
}

/// A finite number that is not whole, rounded to 15 significant digits (the exact value of
/// its double rounded, as Rust's `{:.14e}` rounds it), written without an exponent and
/// without trailing zeros, as Rust writes a double (`0.0000001`, `-2.5`, `3` when rounding
/// makes it whole).
fn push_fifteen_digits(f: f64, out: &mut String) {
    let sci = format!("{f:.14e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    if negative {
        out.push('-');
    }
    // Digits before the point: the first digit is worth 10^exp.
    let before = exp + 1;
    let n = digits.len() as i64;
    if before <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', before.unsigned_abs() as usize));
        out.push_str(digits);
    } else if before >= n {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (before - n) as usize));
    } else {
        let at = before as usize;
        out.push_str(&digits[..at]);
        out.push('.');
        out.push_str(&digits[at..]);
    }
}

/// An integer in decimal, as `{}` writes it, without the formatting machinery: a sheet has
/// millions of them.
fn push_int(i: i64, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = i.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push('-');
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// A date cell as Excel shows it by default (`2024-04-05`, with the time when it has one),
/// not its serial number.
fn date_text(d: &calamine::ExcelDateTime) -> String {
    if !d.is_datetime() {
        return format!("{}", d.as_f64());
    }
    let (y, mo, da, h, mi, s, _) = d.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{da:02}")
    } else {
        format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// Whether a cell holds a number (not text, not a date).
pub(super) fn is_number(cell: &Data) -> bool {
    matches!(cell, Data::Int(_) | Data::Float(_))
}

/// The serial number of a date after 1900-02-28 in a workbook whose epoch is `epoch`
/// (0 for Excel's usual 1900 system).
pub fn date_serial(y: i64, m: u32, d: u32, epoch: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    // Days from 1970-01-01 (Howard Hinnant's civil-date algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    // 1899-12-30 is day -25569; serials before 1900-03-01 carry Excel's leap-day error.
    let serial = days + 25_569;
    (serial > 60).then_some(serial + epoch)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `2024-04-05` as (year, month, day), as [`date_text`] writes a date.
pub fn parse_date(text: &str) -> Option<(i64, u32, u32)> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = &text[r];
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    Some((
        num(0..4)?,
        u32::try_from(num(5..7)?).ok()?,
        u32::try_from(num(8..10)?).ok()?,
    ))
}

/// The Excel number a cell's text stands for, when it is a plain decimal (`-12.50`) of at
/// most fifteen significant digits that a double holds exactly as written. Anything else stays text: `007` (a leading zero is part
/// of an id), `+5`, `1,200`, `120万`, and an 18-digit id a double would round.
pub fn number_cell(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let plain = !whole.is_empty()
        && !frac.is_empty()
        && whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
        && (whole == "0" || !whole.starts_with('0'));
    // At most the fifteen significant digits a spreadsheet keeps and shows (and the reader
    // reads): 1234567890.123456 would come back as 1234567890.12346.
    let significant = format!("{whole}{frac}");
    let significant = significant.trim_start_matches('0').trim_end_matches('0');
    if !plain || significant.len() > 15 {
        return None;
    }
    let n: f64 = text.parse().ok()?;
    let typed: rust_decimal::Decimal = text.parse().ok()?;
    let stored: rust_decimal::Decimal = format!("{n}").parse().ok()?;
    (typed == stored).then_some(n)
}
