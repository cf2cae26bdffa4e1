//! Writing CSV fields: quoted only when they must be (a delimiter, quote or line break inside),
//! the way the `csv` crate's default does, but straight into a reused line buffer.

/// Appends `field` to `line`, after a comma unless it is the first field.
pub fn push_field(line: &mut Vec<u8>, field: &str, first: bool) {
    if !first {
        line.push(b',');
    }
    // Vector searches: notes run to a hundred bytes and more.
    let bytes = field.as_bytes();
    if memchr::memchr3(b',', b'"', b'\n', bytes).is_none() && memchr::memchr(b'\r', bytes).is_none()
    {
        line.extend_from_slice(bytes);
        return;
    }
    quote(line, bytes);
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
    quote(line, bytes);
}

/// Appends `bytes` in quotes, each quote doubled.
fn quote(line: &mut Vec<u8>, bytes: &[u8]) {
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
