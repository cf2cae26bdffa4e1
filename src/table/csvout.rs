//! Writing CSV fields: quoted only when they must be (a delimiter, quote or line break inside),
//! the way the `csv` crate's default does, but straight into a reused line buffer.

/// Bytes that force a field into quotes when the separator is a comma.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Appends `field` to `line`, after a comma unless it is the first field.
pub fn push_field(line: &mut Vec<u8>, field: &str, first: bool) {
    if !first {
        line.push(b',');
    }
    // Every byte that needs quoting with commas (, " CR LF) is below b'-': one comparison a
    // byte settles the usual field before the exact check.
    if field.bytes().all(|b| b > b',') {
        line.extend_from_slice(field.as_bytes());
        return;
    }
    push_quoted(line, field, |b| SPECIAL[b as usize]);
}

/// Appends `field` after `delimiter` (unless first), quoted when it holds the delimiter, a
/// quote or a line break.
pub fn push_field_with(line: &mut Vec<u8>, field: &str, first: bool, delimiter: u8) {
    if !first {
        line.push(delimiter);
    }
    push_quoted(line, field, |b| {
        b == delimiter || matches!(b, b'"' | b'\n' | b'\r')
    });
}

fn push_quoted(line: &mut Vec<u8>, field: &str, special: impl Fn(u8) -> bool) {
    let bytes = field.as_bytes();
    if !bytes.iter().any(|&b| special(b)) {
        line.extend_from_slice(bytes);
        return;
    }
    line.push(b'"');
    let mut rest = bytes;
    // Each quote is doubled: copy up to and including it, then it once more.
    while let Some(q) = memchr::memchr(b'"', rest) {
        line.extend_from_slice(&rest[..=q]);
        line.push(b'"');
        rest = &rest[q + 1..];
    }
    line.extend_from_slice(rest);
    line.push(b'"');
}

/// Appends a whole record and its line ending.
pub fn push_record<'a>(line: &mut Vec<u8>, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        push_field(line, f, i == 0);
    }
    line.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        let mut line = Vec::new();
        push_record(
            &mut line,
            ["a", "b,c", "say \"hi\"", "two\nlines", "", "天马乡"],
        );
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",,天马乡\n"
        );
    }
}
