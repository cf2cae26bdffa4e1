//! What makes two ids the same id: their text as it reads, not as it is typed. A letter or
//! digit typed in full width (`Ａ１`, an input method left in full-width mode) is the ASCII
//! one, an ideographic space is a space, and characters that show nothing (a zero-width space
//! or joiner, a soft hyphen, a byte-order mark, pasted in from a web page or a chat) are no
//! part of an id. So `Ａ1`, `A1` and `A\u{200B}1` on two rows are one segment entered twice
//! — its money counted twice — and the later row is refused as a repeat, as `A1` twice is.
//!
//! Letter case is kept (`a1` and `A1` are two ids): a plan may tell segments apart by it.
//!
//! Every place that asks whether an id was seen before asks it of [`id_form`]: the batch
//! run's reader, `compare`'s, the table view's check of a row and of an id typed in.

use std::borrow::Cow;

/// `id` (already trimmed) as it reads: full-width ASCII forms as ASCII, an ideographic space
/// as a space, characters that show nothing left out. An ASCII id is itself, with nothing
/// made.
#[inline]
pub fn id_form(id: &str) -> Cow<'_, str> {
    if id.is_ascii() || !id.chars().any(|c| read_as(c) != Some(c)) {
        return Cow::Borrowed(id);
    }
    Cow::Owned(id.chars().filter_map(read_as).collect())
}

/// Whether `id` is written apart from how it reads: it holds a full-width form or a character
/// that shows nothing.
pub fn written_apart(id: &str) -> bool {
    matches!(id_form(id), Cow::Owned(_))
}

/// Whether ids `a` and `b` (trimmed) are one id.
pub fn same_id(a: &str, b: &str) -> bool {
    a == b || id_form(a) == id_form(b)
}

/// The ids seen so far, as they read: an id that is its own form is kept as the text it
/// borrows (as many bytes a slot as a set of `&str` takes: the table view holds one for
/// every row while it opens a table), one written apart as its form.
pub struct SeenIds<'a, S = std::collections::hash_map::RandomState> {
    plain: std::collections::HashSet<&'a str, S>,
    formed: std::collections::HashSet<String, S>,
}

impl<'a, S: std::hash::BuildHasher + Default> SeenIds<'a, S> {
    /// Room for `n` ids.
    pub fn with_capacity(n: usize) -> Self {
        SeenIds {
            plain: std::collections::HashSet::with_capacity_and_hasher(n, S::default()),
            formed: std::collections::HashSet::with_hasher(S::default()),
        }
    }

    /// Adds `id` (trimmed); false when an id that reads the same was added before.
    pub fn insert(&mut self, id: &'a str) -> bool {
        match id_form(id) {
            Cow::Borrowed(form) => !self.formed.contains(form) && self.plain.insert(form),
            Cow::Owned(form) => !self.plain.contains(form.as_str()) && self.formed.insert(form),
        }
    }
}

/// What character `c` reads as in an id; `None` for one that shows nothing.
fn read_as(c: char) -> Option<char> {
    match c {
        // Full-width forms of ASCII's printable characters, `！` to `～`.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0),
        // The spaces that do not break, and the hyphen that does not, are the plain ones.
        '\u{3000}' | '\u{00A0}' | '\u{2007}' | '\u{202F}' => Some(' '),
        '\u{2011}' => Some('-'),
        // Soft hyphen, combining grapheme joiner, Hangul fillers, Mongolian vowel separator,
        // zero-width space, non-joiner and joiner, the marks and isolates of direction, word
        // joiner and the invisible operators, variation selectors, byte-order mark (every
        // character a message shows escaped as one that shows nothing, and more).
        '\u{00AD}'
        | '\u{034F}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{3164}'
        | '\u{FFA0}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' => None,
        _ => Some(c),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn an_id_typed_in_full_width_or_with_characters_that_show_nothing_is_the_plain_id() {
        for (typed, reads) in [
            ("Ａ1", "A1"),
            ("ＡＹＰ－００１", "AYP-001"),
            ("A\u{200B}1", "A1"),
            ("\u{FEFF}A1", "A1"),
            ("A\u{00AD}1", "A1"),
            ("A\u{2060}1", "A1"),
            ("宝华\u{3000}1", "宝华 1"),
            ("宝华乡-１号", "宝华乡-1号"),
            ("\u{2066}S1\u{2069}", "S1"),
            ("S1\u{FE0F}", "S1"),
            ("S\u{00A0}1", "S 1"),
            ("S\u{2011}1", "S-1"),
            ("S\u{3164}1", "S1"),
        ] {
            assert_eq!(id_form(typed), reads, "{typed:?}");
            assert!(written_apart(typed), "{typed:?}");
            assert!(same_id(typed, reads), "{typed:?}");
        }
        // Ids as they read are themselves, borrowed; case and other scripts are kept.
        for id in ["A1", "a1", "宝华乡-1号", "Ⅲ-2", "①", "S 1"] {
            assert!(matches!(id_form(id), Cow::Borrowed(s) if s == id), "{id:?}");
            assert!(!written_apart(id), "{id:?}");
        }
        assert!(!same_id("a1", "A1"));
        assert!(!same_id("A1", "A11"));
        assert!(!same_id("宝华乡-1号", "宝华乡-2号"));
    }

    #[test]
    fn a_set_of_ids_seen_finds_an_id_that_reads_as_one_before_it() {
        let mut seen: SeenIds = SeenIds::with_capacity(4);
        assert!(seen.insert("A1"));
        assert!(!seen.insert("Ａ1"));
        assert!(!seen.insert("A1"));
        assert!(seen.insert("Ａ2"));
        assert!(!seen.insert("A2"));
        assert!(!seen.insert("A\u{200B}2"));
        assert!(seen.insert("a2"));
    }

    proptest! {
        /// Any id, with full-width forms and characters that show nothing put in anywhere,
        /// is the same id as the plain one, and no other.
        #[test]
        fn an_id_is_the_same_however_its_characters_are_typed(
            id in "[A-Za-z0-9 宝华乡号()._/-]{1,12}",
            other in "[A-Za-z0-9 宝华乡号()._/-]{1,12}",
            ways in proptest::collection::vec(0u8..4, 24),
        ) {
            let mut typed = String::new();
            for (c, way) in id.chars().zip(ways.iter().cycle()) {
                match way {
                    0 => typed.push(c),
                    1 if c.is_ascii_graphic() => {
                        typed.push(char::from_u32(u32::from(c) + 0xFEE0).unwrap());
                    }
                    1 if c == ' ' => typed.push('\u{3000}'),
                    2 => {
                        typed.push('\u{200B}');
                        typed.push(c);
                    }
                    _ => {
                        typed.push(c);
                        typed.push('\u{FEFF}');
                    }
                }
            }
            prop_assert!(same_id(&typed, &id));
            prop_assert_eq!(id_form(&typed), id_form(&id));
            prop_assert_eq!(same_id(&typed, &other), id == other);
        }
    }
}
