//! Writing CSV fields: quoted only when they must be (a delimiter, quote or line break inside),
//! the way the `csv` crate's default does, but straight into a reused line buffer.

use super::swar::{broadcast, byte_hits};

/// Appends `field` to `line`, after a comma unless it is the first field.
pub fn push_field(line: &mut Vec<u8>, field: &str, first: bool) {
    if !first {
        line.push(b',');
    }
    let bytes = field.as_bytes();
    if !needs_quotes(bytes) {
        line.extend_from_slice(bytes);
        return;
    }
    quote(line, bytes);
}

/// Appends the field `write` writes onto `line`, quoted as [`push_field`] quotes the same
/// text: written in place, then looked at, and only when it needs quotes moved one byte on
/// (or, holding a quote, quoted again from a copy). No comma is put before it.
pub fn push_written_field(line: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    let start = line.len();
    write(line);
    let text = &line[start..];
    if !needs_quotes(text) {
        return;
    }
    if memchr::memchr(b'"', text).is_none() {
        line.insert(start, b'"');
        line.push(b'"');
    } else {
        let text = line.split_off(start);
        quote(line, &text);
    }
}

/// [`push_written_field`] of a field `write` writes that is known to hold no quote and no
/// line break (CR or LF): quoted exactly when it holds a comma. The opening quote is put down
/// first and taken back when the field needs none, so the usual case (a note whose amounts
/// are grouped with commas) is neither moved nor searched for a quote. A debug build checks
/// that the field holds what it was said to.
pub fn push_written_comma_field(line: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    let start = line.len();
    line.push(b'"');
    write(line);
    let text = &line[start + 1..];
    debug_assert!(
        memchr::memchr3(b'"', b'\r', b'\n', text).is_none(),
        "a field said to hold no quote or line break holds one: {:?}",
        String::from_utf8_lossy(text)
    );
    if memchr::memchr(b',', text).is_some() {
        line.push(b'"');
    } else {
        line.remove(start);
    }
}

/// Whether a field of a comma-separated line holds a comma, a quote or a line break.
///
/// Most fields are short (an id, a name, an amount): they are looked at eight bytes at a time,
/// which costs less than setting up a vector search; notes run to a hundred bytes and more and
/// get the vector searches.
#[inline]
fn needs_quotes(bytes: &[u8]) -> bool {
    if bytes.len() > 32 {
        return memchr::memchr3(b',', b'"', b'\n', bytes).is_some()
            || memchr::memchr(b'\r', bytes).is_some();
    }
    let special = |v: u64| {
        byte_hits(v ^ broadcast(b','))
            | byte_hits(v ^ broadcast(b'"'))
            | byte_hits(v ^ broadcast(b'\n'))
            | byte_hits(v ^ broadcast(b'\r'))
            != 0
    };
    let mut words = bytes.chunks_exact(8);
    if words
        .by_ref()
        .any(|w| special(u64::from_le_bytes(w.try_into().unwrap_or_default())))
    {
        return true;
    }
    // The last bytes, padded with zeros (never a byte sought).
    let rest = words.remainder();
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    special(u64::from_le_bytes(last))
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
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_field_is_quoted_exactly_when_it_holds_a_comma_quote_or_line_break(
            field in proptest::collection::vec(
                prop_oneof![
                    Just(','), Just('"'), Just('\n'), Just('\r'), Just('a'), Just('7'),
                    Just('上'), Just('丬'), Just(' '), Just('\0'), Just(';'), Just('\t')
                ],
                0..80,
            )
        ) {
            let field: String = field.into_iter().collect();
            let mut line = Vec::new();
            push_field(&mut line, &field, true);
            let must = field.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
            let expected = if must {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field.clone()
            };
            prop_assert_eq!(String::from_utf8(line).unwrap(), expected);
        }
    }

    proptest! {
        /// A field written in place and then quoted where it needs it is the field
        /// `push_field` writes of the same text, after whatever the line held.
        #[test]
        fn a_field_written_in_place_is_quoted_as_push_field_quotes_it(
            before in "[a,\"]{0,3}",
            field in proptest::collection::vec(
                prop_oneof![
                    Just(','), Just('"'), Just('\n'), Just('\r'), Just('a'), Just('7'),
                    Just('上'), Just(' '), Just(';')
                ],
                0..80,
            )
        ) {
            let field: String = field.into_iter().collect();
            let mut pushed = before.as_bytes().to_vec();
            push_field(&mut pushed, &field, true);
            let mut written = before.as_bytes().to_vec();
            push_written_field(&mut written, |line| line.extend_from_slice(field.as_bytes()));
            prop_assert_eq!(String::from_utf8(written).unwrap(), String::from_utf8(pushed).unwrap());
        }
    }

    proptest! {
        /// A field known to hold no quote or line break, written in place, is the field
        /// `push_field` writes of the same text: quoted when it holds a comma, else as it is.
        #[test]
        fn a_field_of_no_quote_written_in_place_is_quoted_as_push_field_quotes_it(
            before in "[a,\"]{0,3}",
            field in proptest::collection::vec(
                prop_oneof![Just(','), Just('a'), Just('7'), Just('上'), Just(' '), Just(';')],
                0..80,
            )
        ) {
            let field: String = field.into_iter().collect();
            let mut pushed = before.as_bytes().to_vec();
            push_field(&mut pushed, &field, true);
            let mut written = before.as_bytes().to_vec();
            push_written_comma_field(&mut written, |line| line.extend_from_slice(field.as_bytes()));
            prop_assert_eq!(String::from_utf8(written).unwrap(), String::from_utf8(pushed).unwrap());
        }
    }

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
